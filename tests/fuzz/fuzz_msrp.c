/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the MSRP framer on a stream cut at arbitrary points, as TCP delivers it. The first input
 * byte picks the read size; the frames must come out the same whatever the cuts, and every complete
 * frame's headers and responses are read and written. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "msrp.h"

static void touch(const struct msrp_frame *f)
{
	g_free(msrp_field_dup(f, MSRP_TO_PATH));
	GString *out = g_string_new(NULL);
	msrp_append_response(out, f, 200, "OK", "msrp://h:1/s;tcp");
	struct msrp_frame r;
	const char *why;
	if (msrp_frame(out->str, out->len, &r, &why) != MSRP_COMPLETE) /* what we write we read */
		abort();
	g_string_free(out, TRUE);
}

/* Frames data fed step bytes at a time; returns the bytes framed, *frames set. */
static size_t frame_all(const char *data, size_t size, size_t step, int *frames)
{
	GString *buf = g_string_new(NULL);
	size_t fed = 0, total = 0;
	*frames = 0;
	while (fed < size) {
		size_t k = MIN(size - fed, step);
		g_string_append_len(buf, data + fed, (gssize)k);
		fed += k;
		for (;;) {
			struct msrp_frame f;
			const char *why;
			enum msrp_status st = msrp_frame(buf->str, buf->len, &f, &why);
			if (st == MSRP_INVALID) {
				g_string_free(buf, TRUE);
				return total;
			}
			if (st == MSRP_PARTIAL)
				break;
			touch(&f);
			total += f.size, (*frames)++;
			g_string_erase(buf, 0, (gssize)f.size);
		}
	}
	g_string_free(buf, TRUE);
	return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 65536)
		return 0;
	size_t step = (size_t)data[0] % 29 + 1;
	int a, b;
	if (frame_all((const char *)data + 1, size - 1, step, &a) !=
		frame_all((const char *)data + 1, size - 1, size, &b) ||
	    a != b)
		abort();
	return 0;
}
