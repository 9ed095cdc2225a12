/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tpkt: RFC 1006 framing of H.248 messages over TCP (H.248.1 Annex D.2): each message is preceded by a
 * 4-byte header — version 3, a reserved 0, and the 16-bit big-endian length of header plus message. */
#ifndef MEDIASEC_H248_TPKT_H
#define MEDIASEC_H248_TPKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { TPKT_HEADER = 4, TPKT_MAX_PAYLOAD = 65535 - TPKT_HEADER };

/* The header for a payload of n bytes; false when n is over TPKT_MAX_PAYLOAD. */
bool tpkt_header(uint8_t hdr[TPKT_HEADER], size_t n);

enum tpkt_status {
	TPKT_COMPLETE, /* a whole frame is at the start of the buffer */
	TPKT_PARTIAL,  /* more bytes are needed */
	TPKT_INVALID,  /* not a TPKT frame: the stream cannot be resynchronised, close it */
};

/* Looks at the frame at the start of buf[0..len): on COMPLETE, the payload is buf[TPKT_HEADER ..
 * TPKT_HEADER + *payload) and the frame takes TPKT_HEADER + *payload bytes. On INVALID, *why says why. */
enum tpkt_status tpkt_frame(const uint8_t *buf, size_t len, size_t *payload, const char **why);

#endif
