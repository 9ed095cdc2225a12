/* SPDX-License-Identifier: GPL-3.0-or-later */
/* payload: what a call's media line carries in the lab and the tests — its m= media, its transports
 * without and with TLS, its SDP attributes — and one real message of its protocol to send across the
 * gateway (an MSRP SEND, RFC 4975; a BFCP Hello, RFC 8855 §5.3.11; a T.38 UDPTL packet, T.38 §9.1);
 * and the audio a fax call starts with (RTP, RFC 3550), which the gateway does not carry here. */
#ifndef MEDIASEC_LAB_PAYLOAD_H
#define MEDIASEC_LAB_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct payload {
	const char *name;        /* "msrp", "bfcp": the scenario's word */
	const char *media;       /* m= media */
	const char *fmt;         /* m= format: "*", "t38" */
	bool dgram;              /* over UDP: one message per datagram */
	const char *plain, *tls; /* transports; tls NULL: the lab has none for it */
	const char *attrs;       /* SDP attribute lines, CRLF-ended */
	bool path;         /* MSRP: an a=path with the endpoint's own URI follows them (RFC 4975 §8.1) */
	const char *what;  /* "MSRP SEND" */
	const char *bytes; /* the message */
	size_t n;
};

extern const struct payload payload_msrp, payload_bfcp, payload_t38, payload_audio;

/* T.38 IFP t30-indicator values (T.38 §7.3): no-signal, CNG, CED, V.21 preamble. */
enum { T38_NO_SIGNAL = 0, T38_CNG = 1, T38_CED = 2, T38_V21_PREAMBLE = 3 };
enum { UDPTL_MAX = 8 };
/* A UDPTL packet (T.38 §9.1, ASN.1 PER aligned) carrying one IFP t30-indicator, with redundancy error
 * recovery and no secondary packets: seq (2 octets), the IFP's length and octet, then 0x00 0x00.
 * Returns its length (5 + 1). */
size_t payload_udptl(uint16_t seq, unsigned indicator, uint8_t out[UDPTL_MAX]);

/* By name; NULL for another. */
const struct payload *payload_find(const char *name);

#endif
