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

bool ber_fields_unread(struct dec *d, const uint8_t *p, const uint8_t *end, unsigned depth, bool read)
{
	struct br r = { p, end, depth - 1 }; /* p: the TLV's start, unless read */
	return ber_next_failed(d, &r, read);
}

bool ber_fields_unexpected(struct dec *d, const uint8_t *at, const uint8_t *end, unsigned tag)
{
	struct br here = { at, end, 0 };
	return ber_dfail(d, 400, &here, "unexpected component (tag 0x%02x)", tag);
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
