/* SPDX-License-Identifier: GPL-3.0-or-later */
/* parse: H.248.1 text (pretty or compact, MEGACO/1 to /3) into the message model.
 * Never crashes on any input; memory is bounded by limits.arena (bytes) and nesting by limits.depth.
 * On error it reports the code H.248.1 §8.2.2 and H.248.8 prescribe, where (line:column) and why,
 * and the transaction id when one was read, so the caller can answer that transaction. */
#ifndef MEDIASEC_H248_PARSE_H
#define MEDIASEC_H248_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"

struct h248_limits {
	size_t arena;         /* bytes the decoded message may take (0: 64 × input + 64 KiB) */
	unsigned depth;       /* nesting of braces (0: 32) */
	unsigned max_version; /* highest MEGACO/N accepted (0: 3); above it: 406 */
};

struct h248_error {
	int code; /* 400, 403, 406, 422, 442, 444, 447, 448 … */
	unsigned line, col;
	char reason[160];
	bool have_tid; /* the transaction the error is in, when its id was read */
	uint32_t tid;
	bool in_reply; /* the transaction was a Reply */
};

/* Returns the message, or NULL with *err filled. limits may be NULL. */
struct h248_msg *h248_parse(const char *buf, size_t len, const struct h248_limits *limits,
			    struct h248_error *err);

/* Reads a whole mId ("[192.0.2.1]:2944", "[::1]", "<mgc.example.net>:2944", "MG1", "MTP{0A1B}") with the
 * parser's own rules; out->text points into text. False when text is not exactly one mId. */
bool h248_mid_parse(const char *text, size_t len, struct h248_mid *out);

/* The mId a daemon's h248.mid key gives: configured, or "[address]:port" when it is empty. Returns the
 * text (g_free it; out points into it), or NULL with *err naming the key when the codec cannot read it. */
char *h248_mid_config(const char *configured, const char *address, long port, struct h248_mid *out, char **err);

#endif
