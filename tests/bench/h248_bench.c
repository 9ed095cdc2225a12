/* SPDX-License-Identifier: GPL-3.0-or-later */
/* h248_bench FILE...: decode+encode throughput of the mediasec H.248 codec, one core. For each file,
 * parses the message and prints it again in the file's own form (pretty or compact) in a loop bounded
 * by time (1 s) and count, and prints "FILE <bytes> <messages per second>". */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parse.h"
#include "print.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
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
		enum h248_style style = text[0] == '!' ? H248_COMPACT : H248_PRETTY;
		struct h248_error err;
		long n = 0;
		double start = now(), elapsed = 0;
		while (elapsed < seconds && n < 50000000) {
			for (int k = 0; k < 1000; k++, n++) { /* check the clock every thousand */
				struct h248_msg *m = h248_parse(text, len, NULL, &err);
				if (!m) {
					fprintf(stderr, "%s: error %d at %u:%u: %s\n", argv[i], err.code,
						err.line, err.col, err.reason);
					return 1;
				}
				size_t out;
				char *enc = h248_print(m, style, &out);
				free(enc);
				h248_msg_free(m);
			}
			elapsed = now() - start;
		}
		printf("%s %zu %.0f\n", argv[i], (size_t)len, n / elapsed);
		g_free(text);
	}
	return 0;
}
