/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tpkt: see tpkt.h. */
#include "config.h"
#include "tpkt.h"

bool tpkt_header(uint8_t hdr[TPKT_HEADER], size_t n)
{
	if (n > TPKT_MAX_PAYLOAD)
		return false;
	size_t total = n + TPKT_HEADER;
	hdr[0] = 3;
	hdr[1] = 0;
	hdr[2] = (uint8_t)(total >> 8);
	hdr[3] = (uint8_t)total;
	return true;
}

enum tpkt_status tpkt_frame(const uint8_t *buf, size_t len, size_t *payload, const char **why)
{
	if (len >= 1 && buf[0] != 3) {
		*why = "TPKT version is not 3";
		return TPKT_INVALID;
	}
	if (len < TPKT_HEADER)
		return TPKT_PARTIAL;
	size_t total = (size_t)buf[2] << 8 | buf[3];
	if (total <= TPKT_HEADER) {
		*why = "TPKT length leaves no room for a message";
		return TPKT_INVALID;
	}
	if (len < total)
		return TPKT_PARTIAL;
	*payload = total - TPKT_HEADER;
	return TPKT_COMPLETE;
}
