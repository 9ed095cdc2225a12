/* SPDX-License-Identifier: GPL-3.0-or-later */
/* copy: a copy of a few octets, for the codecs' hot paths (the printer's words, the BER writer's values). */
#ifndef MEDIASEC_H248_COPY_H
#define MEDIASEC_H248_COPY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* n <= 16 octets from src to dst as two moves of 8, 4, 2 or 1 octets that overlap in the middle, loads
 * first, then stores. GCC's inline copy of a length it knows only to be small is a loop over the octets,
 * and a call to memcpy costs more than the copy. */
static inline void h248_copy_short(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (n >= 8) {
		uint64_t a, b;
		memcpy(&a, s, 8), memcpy(&b, s + n - 8, 8);
		memcpy(d, &a, 8), memcpy(d + n - 8, &b, 8);
	} else if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, s, 4), memcpy(&b, s + n - 4, 4);
		memcpy(d, &a, 4), memcpy(d + n - 4, &b, 4);
	} else if (n >= 2) {
		uint16_t a, b;
		memcpy(&a, s, 2), memcpy(&b, s + n - 2, 2);
		memcpy(d, &a, 2), memcpy(d + n - 2, &b, 2);
	} else if (n) {
		*d = *s;
	}
}

#endif
