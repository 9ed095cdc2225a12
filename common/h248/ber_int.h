/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ber_int: what the files of the binary codec share (private to ber_*.c). */
#ifndef MEDIASEC_H248_BER_INT_H
#define MEDIASEC_H248_BER_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ber_io.h"
#include "msg.h"
#include "parse.h"

/* AuditDescriptor's auditToken bits, bit i is ber_audit_tokens[i] */
#define BER_AUDIT_TOKENS 10
extern const enum h248_tok ber_audit_tokens[BER_AUDIT_TOKENS];
/* The enumerations of Annex A, value i is the token at index i (H248_TOK_NONE: no such value) */
extern const enum h248_tok ber_modes[5], ber_methods[6], ber_sigtypes[3], ber_directions[4],
    ber_completions[5], ber_buffer[2], ber_states[3];

/* *err as h248_ber_encode and h248_ber_decode start it: no error. Field by field: the struct assigned whole
 * (184 octets) was a rep stos, which took a fiftieth of a small message's decode. */
static inline void ber_no_error(struct h248_error *err)
{
	err->code = 0, err->line = err->col = 0, err->reason[0] = 0;
	err->have_tid = false, err->tid = 0, err->in_reply = false;
}

/* ---- encoder (ber_enc.c, ber_enc_msg.c) ---- */
struct enc {
	struct bw w;
	struct h248_error *err;
	bool failed;
};

bool ber_fail(struct enc *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool ber_u32(struct enc *e, unsigned tag, struct h248_str s, uint32_t max, const char *what);
bool ber_unsupported(struct enc *e, const struct h248_node *n);
int ber_tok_index(enum h248_tok t, const enum h248_tok *list, size_t n);
/* TerminationIDList [tag] holding the command's one termination id; one TerminationID under tag */
bool ber_enc_termids(struct enc *e, unsigned tag, const struct h248_node *cmd);
bool ber_enc_termid(struct enc *e, unsigned tag, const struct h248_node *cmd);
bool ber_enc_error(struct enc *e, unsigned tag, const struct h248_node *n);
bool ber_enc_audit(struct enc *e, unsigned tag, const struct h248_node *n);
/* n as an alternative of AmmDescriptor (request) or AuditReturnParameter (reply) */
bool ber_enc_descriptor(struct enc *e, const struct h248_node *n, bool reply);
bool ber_enc_observed(struct enc *e, unsigned tag, const struct h248_node *n);
/* n's value as Value [tag] (words in lower case) and, for a list, range or relation, extraInfo [extra_tag] */
void ber_enc_value(struct enc *e, unsigned tag, unsigned extra_tag, const struct h248_node *n);
/* a word value's octets in lower case under tag (a quoted one as written) */
void ber_enc_word(struct enc *e, unsigned tag, const struct h248_value *v);

/* ---- decoder (ber_dec.c, ber_dec_msg.c) ---- */
struct dec {
	struct h248_msg *m;
	struct h248_error *err;
	const uint8_t *base, *limit; /* the whole input: error offsets are from base (a struct br does not
				      * carry it) */
	unsigned max_depth;
	bool failed;
};

bool ber_dfail(struct dec *d, int code, const struct br *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* ber_next's failure: r absent (p NULL), not read (at r->p), or read too deep (r->p past it) */
bool ber_next_failed(struct dec *d, const struct br *r, bool read);
/* The next TLV of r into t, refusing malformed octets and nesting beyond the limit. Inline, with the
 * failure out of line: the decoder reads every TLV with it. */
static inline bool ber_next(struct dec *d, struct br *r, struct tlv *t)
{
	bool read = r->p && br_next(r, t);
	if (read && t->in.depth <= d->max_depth)
		return true;
	ber_next_failed(d, r, read); /* false: said here, so that the compiler sees t unused after it */
	return false;
}
/* ber_fields' failures, out of line: a TLV not read at p (read: read, but nested too deep), and a component
 * not expected at at */
bool ber_fields_unread(struct dec *d, const uint8_t *p, const uint8_t *end, unsigned depth, bool read);
bool ber_fields_unexpected(struct dec *d, const uint8_t *at, const uint8_t *end, unsigned tag);
/* The components of SEQUENCE seq into f[0..n) by their context tag number (f[k].tag 0: absent); false on
 * a component of another class, a number >= n, or one repeated.
 * The decoder's most frequent call (every SEQUENCE), so written for speed: inline, with n known at each
 * call, and its failures out of line; its cursor in registers, never in a struct br on the stack (whose
 * copy from seq the compiler made one 16-octet load of two 8-octet stores of its caller's, stalling the
 * store forwarding on every call); each component written straight into its slot, and only the slots left
 * absent zeroed afterwards, with no memset call. The failures are ber_next's, at the same offsets. */
static inline __attribute__((always_inline)) bool ber_fields(struct dec *d, const struct tlv *seq,
							     struct tlv *f, unsigned n)
{
	const uint8_t *p = seq->in.p, *end = seq->in.end;
	unsigned depth = seq->in.depth + 1;
	bool deep = depth > d->max_depth; /* once, where the stores to f would have it read again each time */
	uint32_t open = (1u << n) - 1;    /* the numbers not seen yet; n is at most 11 */
	while (p < end) {
		const uint8_t *at = p, *v, *vend;
		unsigned tag;
		if (!br_tlv(&p, end, &tag, &v, &vend) || deep)
			return ber_fields_unread(d, p, end, depth, p != at);
		uint32_t bit = 1u << (tag & 0x1f);
		if ((tag & 0xc0) != 0x80 || !(open & bit)) /* another class, a number >= n, or seen */
			return ber_fields_unexpected(d, at, end, tag);
		open ^= bit;
		struct tlv *t = &f[tag & 0x1f];
		t->tag = tag;
		t->in = (struct br){ v, vend, depth };
	}
	for (; open; open &= open - 1) { /* field by field: the struct zeroed whole was a rep stos */
		struct tlv *t = &f[__builtin_ctz(open)];
		t->tag = 0;
		t->in.p = t->in.end = NULL;
		t->in.depth = 0;
	}
	return true;
}
/* t's integer into *v, up to max; false (said) when it is not one. Inline, the failure out of line. */
bool ber_dec_u32_failed(struct dec *d, const struct tlv *t, uint32_t max);
static inline bool ber_dec_u32(struct dec *d, const struct tlv *t, uint32_t max, uint32_t *v)
{
	if (br_uint(t, v) && *v <= max)
		return true;
	ber_dec_u32_failed(d, t, max);
	return false;
}
/* Whether the 8 octets of a TimeNotation's date and the 8 of its time are all digits: 8 octets at a time,
 * each 0x30 to 0x39 when its high half is 3 and stays 3 with 6 added to it (no carry between octets then) */
static inline bool ber_time_digits(const uint8_t *date, const uint8_t *time)
{
	const uint64_t high = 0xf0f0f0f0f0f0f0f0u, threes = 0x3030303030303030u, sixes = 0x0606060606060606u;
	uint64_t a, b;
	memcpy(&a, date, 8), memcpy(&b, time, 8);
	return ((a & high) == threes) & (((a + sixes) & high) == threes) & ((b & high) == threes) &
	       (((b + sixes) & high) == threes);
}
/* Fails the decode as out of memory (the message's arena bound); false */
bool ber_oom(struct dec *d, const struct br *at);
/* n's value the word s[0..len), copied into the message from the caller's buffer; false when out of memory */
bool ber_word(struct dec *d, struct h248_node *n, const char *s, size_t len);
/* n's value the word s, a string that outlives the message (a token's name), pointed at, not copied */
static inline void ber_static_word(struct h248_node *n, const char *s)
{
	n->value.form = H248_VAL_WORD;
	n->value.text = (struct h248_str){ s, strlen(s) };
}
/* A word or quoted value of the decoded octets; a node's numeric word value */
struct h248_str ber_dup(struct dec *d, const struct tlv *t);
bool ber_set_number(struct dec *d, struct h248_node *n, const struct tlv *t, uint32_t max);
struct h248_node *ber_token(struct dec *d, struct h248_node *parent, enum h248_tok tok);
bool ber_dec_termid(struct dec *d, const struct tlv *t, struct h248_str *out);
bool ber_dec_termids(struct dec *d, const struct tlv *t, struct h248_node *cmd);
bool ber_dec_error(struct dec *d, struct h248_node *parent, const struct tlv *t);
bool ber_dec_audit(struct dec *d, struct h248_node *parent, const struct tlv *t);
/* A LocalRemoteDescriptor (t) as the token tok (Local or Remote) under parent, its body the SDP's text:
 * one LF-terminated line per SDP property (ber_dec_sdp.c). */
bool ber_dec_sdp(struct dec *d, struct h248_node *parent, enum h248_tok tok, const struct tlv *t);
/* t, an alternative of AmmDescriptor or AuditReturnParameter, as parent's child */
bool ber_dec_descriptor(struct dec *d, struct h248_node *parent, const struct tlv *t, bool reply);

#endif
