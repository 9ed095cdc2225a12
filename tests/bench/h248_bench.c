/* SPDX-License-Identifier: GPL-3.0-or-later */
/* h248_bench FILE...: decode+encode throughput of the mediasec H.248 codecs, one core. For each file,
 * decodes the message and encodes it again in the file's own form (pretty, compact or binary: a file
 * whose first octet is 0x30 is BER) in a loop bounded by time (1 s) and count, and prints
 * "FILE <bytes> <messages per second>". */
#include <glib.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ber.h"
#include "parse.h"
#include "print.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One decode and encode of the message in its own form; false (said on stderr) when it fails. */
static bool round_trip(const char *name, const char *text, size_t len)
{
	struct h248_error err;
	bool ber = len && (unsigned char)text[0] == 0x30;
	struct h248_msg *m = ber ? h248_ber_decode((const uint8_t *)text, len, NULL, &err)
				 : h248_parse(text, len, NULL, &err);
	if (!m) {
		fprintf(stderr, "%s: error %d at %u:%u: %s\n", name, err.code, err.line, err.col, err.reason);
		return false;
	}
	size_t out;
	void *enc = ber ? (void *)h248_ber_encode(m, &out, &err)
			: (void *)h248_print(m, text[0] == '!' ? H248_COMPACT : H248_PRETTY, &out);
	if (!enc)
		fprintf(stderr, "%s: cannot encode: %d %s\n", name, err.code, err.reason);
	free(enc);
	h248_msg_free(m);
	return enc != NULL;
}

int main(int argc, char **argv)
{
	double seconds = getenv("BENCH_SECONDS") ? atof(getenv("BENCH_SECONDS")) : 1.0;
	for (int i = 1; i < argc; i++) {
		gchar *text;
		gsize len;
		if (!g_file_get_contents(argv[i], &text, &len, NULL)) {
			fprintf(stderr, "cannot read %s\n", argv[i]);
			return 2;
		}
		long n = 0;
		double start = now(), elapsed = 0;
		while (elapsed < seconds && n < 50000000) {
			for (int k = 0; k < 1000; k++, n++) /* check the clock every thousand */
				if (!round_trip(argv[i], text, len))
					return 1;
			elapsed = now() - start;
		}
		printf("%s %zu %.0f\n", argv[i], (size_t)len, n / elapsed);
		g_free(text);
	}
	return 0;
}
