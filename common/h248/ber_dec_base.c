/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ber_dec_base: the binary decoder's primitives (ber_int.h), what ber_dec.c and ber_dec_msg.c read with:
 * the failure that stops the decode, the next TLV within the nesting limit, a SEQUENCE's components by tag
 * number, a bounded integer, octets copied into the message, a token node appended. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ber_int.h"

bool ber_dfail(struct dec *d, int code, const struct br *at, const char *fmt, ...)
{
	if (!d->failed) {
		d->failed = true;
		d->err->code = code;
		d->err->line = 0;
		d->err->col = at && at->p ? (unsigned)(at->p - d->base) + 1 : 0;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(d->err->reason, sizeof d->err->reason, fmt, ap);
		va_end(ap);
	}
	return false;
}

bool ber_next_failed(struct dec *d, const struct br *r, bool read)
{
	if (!r->p) /* an absent component's contents */
		return ber_dfail(d, 400, NULL, "a component missing");
	if (!read)
		return ber_dfail(d, 400, r, "malformed BER (tag, length or a value past its end)");
	return ber_dfail(d, 400, r, "nested deeper than %u", d->max_depth);
}

/* The decoder's most frequent call (every SEQUENCE), so written for speed: its cursor in registers, never
 * in a struct br on the stack (whose copy from seq the compiler made one 16-octet load of two 8-octet
 * stores of its caller's, stalling the store forwarding on every call), each component written straight
 * into its slot, and only the slots left absent zeroed afterwards, with no memset call. The failures are
 * ber_next's, at the same offsets. */
bool ber_fields(struct dec *d, const struct tlv *seq, struct tlv *f, unsigned n)
{
	const uint8_t *p = seq->in.p, *end = seq->in.end;
	unsigned depth = seq->in.depth + 1;
	bool deep = depth > d->max_depth; /* once, where the stores to f would have it read again each time */
	uint32_t open = (1u << n) - 1;    /* the numbers not seen yet; n is at most 11 */
	while (p < end) {
		const uint8_t *at = p, *v, *vend;
		unsigned tag;
		if (!br_tlv(&p, end, &tag, &v, &vend) || deep) {
			struct br r = { p, end, depth - 1 }; /* p: at, unless read */
			return ber_next_failed(d, &r, p != at);
		}
		uint32_t bit = 1u << (tag & 0x1f);
		if ((tag & 0xc0) != 0x80 || !(open & bit)) { /* another class, a number >= n, or seen */
			struct br here = { at, end, 0 };
			return ber_dfail(d, 400, &here, "unexpected component (tag 0x%02x)", tag);
		}
		open ^= bit;
		struct tlv *t = &f[tag & 0x1f];
		t->tag = tag;
		t->in = (struct br){ v, vend, depth };
	}
	for (; open; open &= open - 1)
		f[__builtin_ctz(open)] = (struct tlv){ 0 };
	return true;
}

bool ber_dec_u32_failed(struct dec *d, const struct tlv *t, uint32_t max)
{
	return ber_dfail(d, 400, &t->in, "not an integer up to %u", max);
}

bool ber_oom(struct dec *d, const struct br *at)
{
	return ber_dfail(d, 400, at, "message larger than its memory limit");
}

bool ber_word(struct dec *d, struct h248_node *n, const char *s, size_t len)
{
	n->value.form = H248_VAL_WORD;
	n->value.text = h248_str_dup(d->m, s, len);
	return n->value.text.p || ber_oom(d, NULL);
}

struct h248_str ber_dup(struct dec *d, const struct tlv *t)
{
	if (!br_len(t))
		return (struct h248_str){ "", 0 }; /* never a null pointer, even empty */
	struct h248_str s = h248_str_dup(d->m, (const char *)t->in.p, br_len(t));
	if (!s.p)
		ber_oom(d, &t->in);
	return s;
}

struct h248_node *ber_token(struct dec *d, struct h248_node *parent, enum h248_tok tok)
{
	struct h248_node *n = h248_node_new(d->m, H248_NODE_TOKEN, tok);
	if (!n)
		return ber_oom(d, NULL), NULL;
	if (parent)
		h248_append(parent, n);
	else
		h248_msg_append(d->m, n);
	return n;
}
