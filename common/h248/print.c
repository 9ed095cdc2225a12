/* SPDX-License-Identifier: GPL-3.0-or-later */
/* print: see print.h. One growable buffer, one recursive walk. */
#include "config.h"
#include "print.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#include "copy.h"
#include "grammar.h"

struct out {
	char *p;
	size_t n, cap;
	bool pretty, failed, in_reply;
	unsigned version;
	bool invalid; /* an empty {…} the grammar forbids, where the token cannot stand alone */
};

static bool grow(struct out *o, size_t n)
{
	if (o->failed)
		return false;
	/* 1 KiB first: most messages fit, and glibc's malloc serves blocks that small from its per-thread
	 * cache, several times faster than a 4 KiB one; a bigger message grows it by doubling */
	size_t cap = o->cap ? o->cap : 1024;
	while (cap < o->n + n + 1)
		cap *= 2;
	char *p = realloc(o->p, cap);
	if (!p) {
		o->failed = true;
		return false;
	}
	o->p = p, o->cap = cap;
	return true;
}

/* libc's memcpy, out of line, for more than 16 bytes (an SDP body, a long name): inlined, a copy whose
 * length GCC does not know becomes "rep movsq", whose start-up costs more than the copy. */
static __attribute__((noinline)) void copy(char *to, const char *from, size_t n)
{
	memcpy(to, from, n);
}

static inline void put(struct out *o, const char *s, size_t n)
{
	if (o->n + n + 1 > o->cap && !grow(o, n))
		return;
	if (__builtin_constant_p(n)) /* a literal: a few moves */
		memcpy(o->p + o->n, s, n);
	else if (n <= 16)
		h248_copy_short(o->p + o->n, s, n);
	else
		copy(o->p + o->n, s, n);
	o->n += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

#define PUT(o, lit) put(o, lit, sizeof(lit) - 1)

static void str(struct out *o, struct h248_str s)
{
	put(o, s.p, s.n);
}

/* sep (",\n" or "\n") and the indentation of depth, in one put: pretty text writes one per item. */
static void newline(struct out *o, bool comma, unsigned depth)
{
	static const char lines[] = ",\n                                                                ";
	size_t n = 2 * (size_t)depth;
	if (n > sizeof lines - 3)
		n = sizeof lines - 3; /* deeper than 32 levels: the parser refuses those anyway */
	put(o, lines + !comma, n + 2 - !comma);
}

static void token(struct out *o, enum h248_tok t)
{
	const struct h248_token_info *ti = &h248_tokens[t];
	if (o->pretty)
		put(o, ti->pretty, ti->pretty_len);
	else
		put(o, ti->compact, ti->compact_len);
}

static void value(struct out *o, const struct h248_value *v)
{
	switch (v->form) {
	case H248_VAL_NONE:
		return;
	case H248_VAL_WORD:
		if (v->tok)
			token(o, v->tok);
		else
			str(o, v->text);
		return;
	case H248_VAL_QUOTED:
		put(o, "\"", 1);
		str(o, v->text);
		put(o, "\"", 1);
		return;
	case H248_VAL_SUBLIST:
	case H248_VAL_ALTLIST:
	case H248_VAL_RANGE:
		put(o, v->form == H248_VAL_ALTLIST ? "{" : "[", 1);
		for (size_t i = 0; i < v->nitems; i++) {
			if (i)
				puts_(o, v->form == H248_VAL_RANGE ? (o->pretty ? " : " : ":")
								   : (o->pretty ? ", " : ","));
			value(o, &v->items[i]);
		}
		put(o, v->form == H248_VAL_ALTLIST ? "}" : "]", 1);
		return;
	}
}

static void relation(struct out *o, char rel)
{
	const char spaced[3] = { ' ', rel, ' ' };
	if (o->pretty)
		put(o, spaced, 3);
	else
		put(o, &rel, 1);
}

static void node(struct out *o, const struct h248_node *n, unsigned depth, enum h248_ctx where);

/* Whether a raw body starting with c starts with the layout h248_sdp strips (SP, HTAB, CR, LF or a
 * comment): h248_sdp(n).p == n->octets.p exactly when it does not, and the first byte tells without
 * h248_sdp's walk over the whole body. */
static bool sdp_layout(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';';
}

/* An empty body where Annex B wants at least one item: left out where the token may stand alone
 * ("Add = A1 { }" is printed "Add = A1"), refused where it may not ("Reply = 1 { }", "Services { }"). */
static bool empty_body(struct out *o, const struct h248_node *n, enum h248_ctx ctx, enum h248_ctx where)
{
	const struct grammar_ctx *g = grammar_ctx(ctx);
	if (!g || (where && (grammar_ctx(where)->items & G_BARE)))
		return !(n->flags & H248_F_BODY);
	bool needs_items = (g->items & G_NONEMPTY) || g->need[0] || g->one_of[0];
	bool needs_body =
	    (h248_tokens[n->tok].body == 'r' && !grammar_body_optional(n->tok, o->in_reply, o->version)) ||
	    g->need[0] || g->one_of[0] || (grammar_shape(n->tok) & S_BODY) ||
	    ((grammar_shape(n->tok) & S_PAIRED) && n->value.form != H248_VAL_NONE);
	if (needs_body && (needs_items || !(n->flags & H248_F_BODY)))
		o->invalid = o->failed = true;
	return needs_items || !(n->flags & H248_F_BODY);
}

static void body(struct out *o, const struct h248_node *n, unsigned depth, enum h248_ctx where)
{
	bool raw = n->kind == H248_NODE_TOKEN &&
		   (h248_tokens[n->tok].body == 'x' || h248_tokens[n->tok].body == 'd');
	bool was_reply = o->in_reply;
	if (n->kind == H248_NODE_TOKEN && (n->tok == H248_TOK_REPLY || n->tok == H248_TOK_TRANSACTION))
		o->in_reply = n->tok == H248_TOK_REPLY;
	enum h248_ctx ctx = n->kind == H248_NODE_TOKEN ? grammar_body(n->tok, o->in_reply) : CTX_NONE;
	if (!n->first && !raw &&
	    (n->kind == H248_NODE_TOKEN ? empty_body(o, n, ctx, where) : !(n->flags & H248_F_BODY))) {
		o->in_reply = was_reply;
		return;
	}
	if (!(n->flags & H248_F_BODY) && !n->first && !(raw && n->octets.n))
		return;
	if (n->kind != H248_NODE_TOKEN && where)
		ctx = grammar_ctx(where)->prop_body;
	if (o->pretty)
		PUT(o, " {");
	else
		PUT(o, "{");
	if (raw) { /* a bare SDP (no layout before it: see h248_sdp) starts on a line of its own */
		if (h248_tokens[n->tok].body == 'x' && n->octets.n && !sdp_layout(*n->octets.p))
			PUT(o, "\n");
		str(o, n->octets);
		put(o, "}", 1);
		return;
	}
	for (const struct h248_node *c = n->first; c; c = c->next) {
		if (o->pretty)
			newline(o, c != n->first, depth + 1);
		else if (c != n->first)
			PUT(o, ",");
		node(o, c, depth + 1, ctx);
	}
	o->in_reply = was_reply;
	if (o->pretty) {
		if (n->first)
			newline(o, false, depth);
		else
			put(o, " ", 1);
	}
	put(o, "}", 1);
}

static void node(struct out *o, const struct h248_node *n, unsigned depth, enum h248_ctx where)
{
	if (n->flags & H248_F_OPTIONAL)
		PUT(o, "O-");
	if (n->flags & H248_F_WILDCARD)
		PUT(o, "W-");
	switch (n->kind) {
	case H248_NODE_TOKEN:
		token(o, n->tok);
		if (n->value.form != H248_VAL_NONE) {
			relation(o, '=');
			value(o, &n->value);
		}
		break;
	case H248_NODE_PROP:
		if (n->stamp.n) {
			str(o, n->stamp);
			puts_(o, o->pretty ? " : " : ":");
		}
		str(o, n->name);
		if (n->rel) {
			relation(o, n->rel);
			value(o, &n->value);
		}
		break;
	case H248_NODE_ITEM:
		str(o, n->name);
		break;
	case H248_NODE_QUOTED:
		put(o, "\"", 1);
		str(o, n->name);
		put(o, "\"", 1);
		break;
	}
	body(o, n, depth, where);
}

/* sep then the decimal digits of v */
static void number(struct out *o, char sep, unsigned v)
{
	char buf[12] = { sep };
	put(o, buf, h248_decimal(v, buf + 1) + 1);
}

static void mid(struct out *o, const struct h248_mid *m)
{
	static const char *const open[] = { "[", "[", "<", "", "MTP{" }, *const close[] = { "]", "]", ">", "",
											    "}" };
	puts_(o, open[m->kind]);
	str(o, m->text);
	puts_(o, close[m->kind]);
	if (m->port >= 0)
		number(o, ':', (unsigned)m->port);
}

char *h248_print(const struct h248_msg *m, enum h248_style style, size_t *len)
{
	grammar_init();
	struct out o = { .pretty = style == H248_PRETTY, .version = m->version };
	if (m->auth) {
		puts_(&o, o.pretty ? "Authentication = " : "AU=");
		str(&o, m->auth->spi);
		put(&o, ":", 1);
		str(&o, m->auth->seq);
		put(&o, ":", 1);
		str(&o, m->auth->data);
		put(&o, "\n", 1);
	}
	puts_(&o, o.pretty ? "MEGACO" : "!");
	number(&o, '/', m->version);
	put(&o, " ", 1);
	mid(&o, &m->mid);
	put(&o, "\n", 1);
	for (const struct h248_node *n = m->first; n; n = n->next) {
		node(&o, n, 0, CTX_BODY);
		if (o.pretty || n->next)
			put(&o, "\n", 1);
	}
	if (o.failed) {
		free(o.p);
		errno = o.invalid ? EINVAL : ENOMEM;
		return NULL;
	}
	o.p[o.n] = 0;
	if (len)
		*len = o.n;
	return o.p;
}
