/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-h248: check and re-encode H.248.1 messages, text (Annex B) or binary (Annex A, BER), one message per
 * file ("-" is standard input). A file whose first octet is 0x30 (an ASN.1 SEQUENCE, which no text message
 * starts with) is read as binary.
 *   ims-h248 check FILE...     "FILE: ok" or "FILE: error CODE at LINE:COL: reason" (binary: "at octet N");
 *                              exit 1 on any error
 *   ims-h248 pretty FILE       the message in the pretty text form
 *   ims-h248 compact FILE      the message in the compact text form
 *   ims-h248 binary FILE       the message in the binary encoding */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ber.h"
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

static struct h248_msg *load(const char *path, struct h248_error *err, bool *unreadable, bool *binary)
{
	size_t len;
	char *text = slurp(path, &len);
	*unreadable = !text;
	if (!text)
		return NULL;
	*binary = len > 0 && (unsigned char)text[0] == 0x30;
	struct h248_msg *m = *binary ? h248_ber_decode((const uint8_t *)text, len, NULL, err)
				     : h248_parse(text, len, NULL, err);
	free(text);
	return m;
}

static int usage(void)
{
	fprintf(stderr, "usage: ims-h248 check FILE...\n"
			"       ims-h248 pretty FILE\n"
			"       ims-h248 compact FILE\n"
			"       ims-h248 binary FILE\n"
			"One H.248.1 message per file, text or binary; - reads standard input.\n");
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
	bool check = !strcmp(argv[1], "check"), pretty = !strcmp(argv[1], "pretty"),
	     binary = !strcmp(argv[1], "binary");
	if (!check && !pretty && !binary && strcmp(argv[1], "compact"))
		return usage();
	if (!check && argc != 3)
		return usage();

	int status = 0;
	for (int i = 2; i < argc; i++) {
		struct h248_error err;
		bool unreadable, was_binary = false;
		struct h248_msg *m = load(argv[i], &err, &unreadable, &was_binary);
		if (unreadable) {
			fprintf(stderr, "%s: cannot read: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		if (!m) {
			if (was_binary)
				printf("%s: error %d at octet %u: %s\n", argv[i], err.code, err.col,
				       err.reason);
			else
				printf("%s: error %d at %u:%u: %s\n", argv[i], err.code, err.line, err.col,
				       err.reason);
			status = 1;
			continue;
		}
		if (check)
			printf("%s: ok\n", argv[i]);
		else if (binary) {
			size_t len;
			uint8_t *bytes = h248_ber_encode(m, &len, &err);
			if (!bytes)
				fprintf(stderr, "%s: cannot encode in binary: error %d: %s\n", argv[i],
					err.code, err.reason);
			if (!bytes || fwrite(bytes, 1, len, stdout) != len)
				status = 1;
			free(bytes);
		} else {
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
