/* SPDX-License-Identifier: GPL-3.0-or-later */
/* msg: the H.248.1 text message model.
 *
 * A message is its header (version, optional authentication, mId) and a body: a list of nodes, one per
 * transaction (Transaction, Reply, Pending, TransactionResponseAck, Segment) or one message-level Error.
 * Every construct of the grammar is a node: a token with its value and children ("Add = A4444 {…}",
 * "Mode = SendReceive", "Stream = 1 {…}"), a package item ("nt/jit = 40", "al/of {strict = state}",
 * "19990729T22000000 : al/of"), or a bare item (a termination id in Topology, "3-5" in
 * TransactionResponseAck, "nt-1" in Packages). Local, Remote and DigitMap keep their bodies as raw
 * octets, byte for byte. Everything lives in the message's arena and is freed with it. */
#ifndef MEDIASEC_H248_MSG_H
#define MEDIASEC_H248_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "token.h"

/* v in decimal into out, NUL-terminated; its length. Written by hand: snprintf's format walk cost more
 * than the rest of decoding or printing a number. */
static inline size_t h248_decimal(uint32_t v, char out[11])
{
	char digits[10];
	size_t n = 0;
	do
		digits[n++] = (char)('0' + v % 10);
	while (v /= 10);
	for (size_t i = 0; i < n; i++)
		out[i] = digits[n - 1 - i];
	out[n] = 0;
	return n;
}

/* A byte string: not NUL-terminated in general (slices of the decoded input). */
struct h248_str {
	const char *p;
	size_t n;
};
#define H248_STR(lit) ((struct h248_str){ (lit), sizeof(lit) - 1 })

enum h248_kind {
	H248_NODE_TOKEN,  /* a protocol token: tok */
	H248_NODE_PROP,   /* a named item: pkgdName, parameter name or extension (name), with rel + value */
	H248_NODE_ITEM,   /* a bare word in a list (name) */
	H248_NODE_QUOTED, /* a quoted string in a list: the text of an Error descriptor (name, unquoted) */
};

enum h248_form {
	H248_VAL_NONE,
	H248_VAL_WORD,    /* text, or tok when the word is a token (Mode = SendReceive) */
	H248_VAL_QUOTED,  /* text without the quotes */
	H248_VAL_SUBLIST, /* [a, b]: all of */
	H248_VAL_ALTLIST, /* {a, b}: one of */
	H248_VAL_RANGE,   /* [a : b] */
};

struct h248_value {
	enum h248_form form;
	enum h248_tok tok; /* WORD that is a token; NONE otherwise */
	struct h248_str text;
	struct h248_value *items; /* lists and ranges */
	size_t nitems;
};

enum h248_flag {
	H248_F_OPTIONAL = 1, /* "O-" before a command */
	H248_F_WILDCARD = 2, /* "W-" before a command */
	H248_F_BODY = 4,     /* braces present ("Add = A1 { }" vs "Add = A1") */
};

struct h248_node {
	enum h248_kind kind;
	enum h248_tok tok;
	uint8_t flags;
	char rel;              /* PROP: '=', '#', '>', '<', or 0 without a value */
	struct h248_str name;  /* PROP, ITEM, QUOTED */
	struct h248_str stamp; /* observed event time stamp "yyyymmddThhmmssss", empty when none */
	struct h248_value value;
	struct h248_str octets; /* Local, Remote, DigitMap: the raw body */
	struct h248_node *first, *last, *next;
};

enum h248_mid_kind { H248_MID_IP4, H248_MID_IP6, H248_MID_DOMAIN, H248_MID_DEVICE, H248_MID_MTP };

struct h248_mid {
	enum h248_mid_kind kind;
	struct h248_str text; /* address, domain name, device name or MTP hex, without brackets */
	int port;             /* -1 when absent */
};

struct h248_auth {
	struct h248_str spi, seq, data; /* "0x…" words as written */
};

struct h248_msg {
	struct arena *arena;
	unsigned version;
	struct h248_auth *auth;
	struct h248_mid mid;
	struct h248_node *first, *last; /* transactions, or one Error */
};

/* ---- building ---- */

/* limit: arena bound in bytes (0: none). */
struct h248_msg *h248_msg_new(unsigned version, size_t limit);
void h248_msg_free(struct h248_msg *m);
/* Copies s into the message's arena (NUL-terminated there); { NULL, 0 } past its limit. Inline, as
 * h248_node_new: the decoders make every node and most strings with them. */
static inline struct h248_str h248_str_dup(struct h248_msg *m, const char *s, size_t n)
{
	char *p = arena_strndup(m->arena, s, n);
	return (struct h248_str){ p, p ? n : 0 };
}
struct h248_str h248_cstr(struct h248_msg *m, const char *s);

/* A node of the message, its other fields empty; NULL past the arena's limit */
static inline struct h248_node *h248_node_new(struct h248_msg *m, enum h248_kind kind, enum h248_tok tok)
{
	/* filled from a zero node: a few vector moves, where zeroing it (arena_alloc) calls memset */
	static const struct h248_node empty;
	struct h248_node *n = arena_take(m->arena, sizeof *n);
	if (n) {
		*n = empty;
		n->kind = kind, n->tok = tok;
	}
	return n;
}
void h248_append(struct h248_node *parent, struct h248_node *child);
void h248_msg_append(struct h248_msg *m, struct h248_node *n);
/* parent's new child: token with an optional word value (NULL: none). */
struct h248_node *h248_add_token(struct h248_msg *m, struct h248_node *parent, enum h248_tok tok,
				 const char *word);
/* parent's new child (a message-level one when parent is NULL): Error = code { "text" }, with the quotes
 * and control bytes a quoted string cannot hold turned into '. */
struct h248_node *h248_add_error(struct h248_msg *m, struct h248_node *parent, unsigned code, const char *text);
/* parent's new child: a property "name = word". */
struct h248_node *h248_add_prop(struct h248_msg *m, struct h248_node *parent, const char *name,
				const char *word);

/* ---- reading ---- */

/* The first child with this token, after `after` (NULL: from the start); NULL when none. */
struct h248_node *h248_child(const struct h248_node *parent, enum h248_tok tok,
			     const struct h248_node *after);
/* The first PROP child named name (case-insensitive); NULL when none. */
struct h248_node *h248_prop(const struct h248_node *parent, const char *name);
bool h248_str_eq(struct h248_str s, const char *c);     /* exact */
bool h248_str_caseeq(struct h248_str s, const char *c); /* ASCII case-insensitive */
/* Parses s as a decimal UINT32; false when it is not one. */
static inline bool h248_str_u32(struct h248_str s, uint32_t *out)
{
	/* inline: the codecs read every number of a message with it */
	if (!s.n || s.n > 10)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < s.n; i++) {
		unsigned c = (unsigned char)s.p[i] - '0';
		if (c > 9)
			return false;
		v = v * 10 + c;
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* The SDP that a Local or Remote descriptor's body carries, without the layout around it (a slice of
 * n->octets, which stay as they were received). H.248.1 Annex B writes localDescriptor = LocalToken
 * LBRKT octetString RBRKT, with LBRKT = LWSP "{" LWSP, RBRKT = LWSP "}" LWSP and LWSP = *(WSP / COMMENT /
 * EOL): an encoder may put white space, line ends and comments after the '{' and before the '}' (Erlang/OTP
 * megaco's pretty text writes "Local { " EOL … EOL EOL and indents the '}'). An SDP line starts with
 * <type>= (RFC 4566 §5), never with WSP, ';' or a line end, so what is removed is:
 *  - before the first SDP line: SP, HTAB, CR, LF and comments (";" to the line end);
 *  - after the last line end: a run of SP/HTAB, and whole lines that hold only SP/HTAB (and CR), or a
 *    comment, before it.
 * The SDP's own bytes, its last line end included, are kept exactly. An all-layout body gives an empty
 * string; so does a node without octets. */
struct h248_str h248_sdp(const struct h248_node *n);

/* The current time as an H.248 TimeStamp, Date "T" Time: "yyyymmddThhmmssss" (hundredths last). */
void h248_timestamp(char out[20]);

/* Structural equality (tokens by identity, words by bytes, a Local's or Remote's SDP by h248_sdp). */
bool h248_msg_equal(const struct h248_msg *a, const struct h248_msg *b);

#endif
