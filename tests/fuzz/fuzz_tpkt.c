/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the TPKT deframer on a byte stream cut at arbitrary points, as TCP delivers it. The
 * first input byte picks the read size; frames must come out the same whatever the cuts. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "tpkt.h"

/* Deframes data delivered in reads of `step` bytes; returns the sum of payload lengths. */
static size_t deframe(const uint8_t *data, size_t size, size_t step, int *frames)
{
	uint8_t buf[2 * 65536];
	size_t have = 0, total = 0, fed = 0;
	*frames = 0;
	while (fed < size) {
		size_t k = size - fed < step ? size - fed : step;
		memcpy(buf + have, data + fed, k);
		have += k, fed += k;
		for (;;) {
			size_t payload;
			const char *why;
			enum tpkt_status st = tpkt_frame(buf, have, &payload, &why);
			if (st == TPKT_INVALID)
				return total;
			if (st == TPKT_PARTIAL)
				break;
			total += payload, (*frames)++;
			memmove(buf, buf + TPKT_HEADER + payload, have - TPKT_HEADER - payload);
			have -= TPKT_HEADER + payload;
		}
	}
	return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	size_t step = (size_t)data[0] % 17 + 1;
	int a, b;
	if (deframe(data + 1, size - 1, step, &a) != deframe(data + 1, size - 1, size, &b) || a != b)
		abort();
	return 0;
}
