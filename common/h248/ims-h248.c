/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-h248: check and re-encode H.248.1 text messages, one message per file ("-" is standard input).
 *   ims-h248 check FILE...     "FILE: ok" or "FILE: error CODE at LINE:COL: reason"; exit 1 on any error
 *   ims-h248 pretty FILE       the message in the pretty form
 *   ims-h248 compact FILE      the message in the compact form */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "print.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return NULL;
	size_t cap = 8192, n = 0;
	char *buf = malloc(cap);
	for (size_t r; buf && (r = fread(buf + n, 1, cap - n, f)) > 0;) {
		n += r;
		if (n == cap) {
			char *bigger = cap < (64u << 20) ? realloc(buf, cap *= 2) : NULL;
			if (!bigger) {
				free(buf);
				buf = NULL;
			}
			buf = bigger;
		}
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

static struct h248_msg *load(const char *path, struct h248_error *err, bool *unreadable)
{
	size_t len;
	char *text = slurp(path, &len);
	*unreadable = !text;
	if (!text)
		return NULL;
	struct h248_msg *m = h248_parse(text, len, NULL, err);
	free(text);
	return m;
}

static int usage(void)
{
	fprintf(stderr, "usage: ims-h248 check FILE...\n"
			"       ims-h248 pretty FILE\n"
			"       ims-h248 compact FILE\n"
			"One H.248.1 text message per file; - reads standard input.\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))) {
		printf("ims-h248 (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return 0;
	}
	if (argc < 3)
		return usage();
	bool check = !strcmp(argv[1], "check"), pretty = !strcmp(argv[1], "pretty");
	if (!check && !pretty && strcmp(argv[1], "compact"))
		return usage();
	if (!check && argc != 3)
		return usage();

	int status = 0;
	for (int i = 2; i < argc; i++) {
		struct h248_error err;
		bool unreadable;
		struct h248_msg *m = load(argv[i], &err, &unreadable);
		if (unreadable) {
			fprintf(stderr, "%s: cannot read: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		if (!m) {
			printf("%s: error %d at %u:%u: %s\n", argv[i], err.code, err.line, err.col,
			       err.reason);
			status = 1;
			continue;
		}
		if (check)
			printf("%s: ok\n", argv[i]);
		else {
			size_t len;
			char *text = h248_print(m, pretty ? H248_PRETTY : H248_COMPACT, &len);
			if (!text || fwrite(text, 1, len, stdout) != len)
				status = 1;
			free(text);
		}
		h248_msg_free(m);
	}
	return status;
}
