/* SPDX-License-Identifier: GPL-3.0-or-later */
/* msg: building, reading and comparing the message model (see msg.h). */
#include "config.h"
#include "msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <time.h>

#include "arena.h"

void h248_timestamp(char out[20])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(out, 20, "%Y%m%dT%H%M%S", &tm);
	unsigned cs = (unsigned)(ts.tv_nsec / 10000000) % 100;
	out[n] = (char)('0' + cs / 10);
	out[n + 1] = (char)('0' + cs % 10);
	out[n + 2] = 0;
}

struct h248_msg *h248_msg_new(unsigned version, size_t limit)
{
	struct arena *a = arena_new(limit);
	if (!a)
		return NULL;
	struct h248_msg *m = arena_alloc(a, sizeof *m);
	if (!m) {
		arena_free(a);
		return NULL;
	}
	m->arena = a;
	m->version = version;
	m->mid.port = -1;
	return m;
}

void h248_msg_free(struct h248_msg *m)
{
	if (m)
		arena_free(m->arena);
}

struct h248_str h248_cstr(struct h248_msg *m, const char *s)
{
	return h248_str_dup(m, s, strlen(s));
}

void h248_append(struct h248_node *parent, struct h248_node *child)
{
	if (parent->last)
		parent->last->next = child;
	else
		parent->first = child;
	parent->last = child;
	parent->flags |= H248_F_BODY;
}

void h248_msg_append(struct h248_msg *m, struct h248_node *n)
{
	if (m->last)
		m->last->next = n;
	else
		m->first = n;
	m->last = n;
}

struct h248_node *h248_add_token(struct h248_msg *m, struct h248_node *parent, enum h248_tok tok,
				 const char *word)
{
	struct h248_node *n = h248_node_new(m, H248_NODE_TOKEN, tok);
	if (!n)
		return NULL;
	if (word) {
		n->value.form = H248_VAL_WORD;
		n->value.text = h248_cstr(m, word);
	}
	if (parent)
		h248_append(parent, n);
	return n;
}

struct h248_node *h248_add_error(struct h248_msg *m, struct h248_node *parent, unsigned code, const char *text)
{
	char num[12];
	snprintf(num, sizeof num, "%u", code);
	struct h248_node *e = h248_add_token(m, parent, H248_TOK_ERROR, num);
	struct h248_node *q = h248_node_new(m, H248_NODE_QUOTED, H248_TOK_NONE);
	if (!e || !q)
		return e;
	q->name = h248_cstr(m, text);
	for (size_t i = 0; i < q->name.n; i++) { /* the arena's own copy */
		char *c = (char *)q->name.p + i;
		if (*c == '"' || (unsigned char)*c < 0x20)
			*c = '\'';
	}
	h248_append(e, q);
	if (!parent)
		h248_msg_append(m, e);
	return e;
}

struct h248_node *h248_add_prop(struct h248_msg *m, struct h248_node *parent, const char *name,
				const char *word)
{
	struct h248_node *n = h248_node_new(m, H248_NODE_PROP, H248_TOK_NONE);
	if (!n)
		return NULL;
	n->name = h248_cstr(m, name);
	if (word) {
		n->rel = '=';
		n->value.form = H248_VAL_WORD;
		n->value.text = h248_cstr(m, word);
	}
	if (parent)
		h248_append(parent, n);
	return n;
}

struct h248_node *h248_child(const struct h248_node *parent, enum h248_tok tok, const struct h248_node *after)
{
	for (struct h248_node *c = after ? after->next : parent->first; c; c = c->next)
		if (c->kind == H248_NODE_TOKEN && c->tok == tok)
			return c;
	return NULL;
}

bool h248_str_eq(struct h248_str s, const char *c)
{
	return strlen(c) == s.n && !memcmp(s.p, c, s.n);
}

bool h248_str_caseeq(struct h248_str s, const char *c)
{
	return strlen(c) == s.n && !strncasecmp(s.p, c, s.n);
}

struct h248_node *h248_prop(const struct h248_node *parent, const char *name)
{
	for (struct h248_node *c = parent->first; c; c = c->next)
		if (c->kind == H248_NODE_PROP && h248_str_caseeq(c->name, name))
			return c;
	return NULL;
}

static bool wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* Whether the line [p, end) is layout: only SP, HTAB and CR, or a comment (";" after SP/HTAB). */
static bool layout_line(const char *p, const char *end)
{
	while (p < end && (wsp(*p) || *p == '\r'))
		p++;
	return p == end || *p == ';';
}

struct h248_str h248_sdp(const struct h248_node *n)
{
	const char *p = n->octets.p, *end = p ? p + n->octets.n : p;
	while (p < end) { /* LWSP after '{': WSP, EOL, COMMENT = ";" … EOL */
		if (wsp(*p) || *p == '\r' || *p == '\n')
			p++;
		else if (*p == ';') {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			p = nl ? nl + 1 : end;
		} else
			break;
	}
	const char *e = end;
	while (e > p && wsp(e[-1])) /* the '}' indented after the last line end */
		e--;
	/* when the last SDP line has no line end, the bytes after it are its own */
	if (e > p && e[-1] != '\n')
		e = end;
	while (e > p && e[-1] == '\n') { /* blank or comment lines before the '}' */
		/* the line's start by memrchr: a walk back octet by octet over an SDP's last line (a
		 * fingerprint's is some 100) was most of a binary Reply's encoding of its SDP */
		const char *nl = memrchr(p, '\n', (size_t)(e - 1 - p)), *start = nl ? nl + 1 : p;
		if (!layout_line(start, e - 1))
			break;
		e = start;
	}
	return (struct h248_str){ p, (size_t)(e - p) };
}

static bool str_same(struct h248_str a, struct h248_str b)
{
	return a.n == b.n && (!a.n || !memcmp(a.p, b.p, a.n));
}

static bool value_equal(const struct h248_value *a, const struct h248_value *b)
{
	if (a->form != b->form || a->tok != b->tok || a->nitems != b->nitems)
		return false;
	if (!a->tok && !str_same(a->text, b->text))
		return false;
	for (size_t i = 0; i < a->nitems; i++)
		if (!value_equal(&a->items[i], &b->items[i]))
			return false;
	return true;
}

/* Raw bodies: an SDP's by its bytes without the Annex B layout around it, a digit map's as written. */
static bool octets_equal(const struct h248_node *a, const struct h248_node *b)
{
	if (a->kind == H248_NODE_TOKEN && h248_tokens[a->tok].body == 'x')
		return str_same(h248_sdp(a), h248_sdp(b));
	return str_same(a->octets, b->octets);
}

static bool nodes_equal(const struct h248_node *a, const struct h248_node *b)
{
	for (; a && b; a = a->next, b = b->next) {
		if (a->kind != b->kind || a->tok != b->tok || a->flags != b->flags || a->rel != b->rel ||
		    !str_same(a->name, b->name) || !str_same(a->stamp, b->stamp) || !octets_equal(a, b) ||
		    !value_equal(&a->value, &b->value) || !nodes_equal(a->first, b->first))
			return false;
	}
	return !a && !b;
}

bool h248_msg_equal(const struct h248_msg *a, const struct h248_msg *b)
{
	if (a->version != b->version || a->mid.kind != b->mid.kind || a->mid.port != b->mid.port ||
	    !str_same(a->mid.text, b->mid.text) || !a->auth != !b->auth)
		return false;
	if (a->auth && (!str_same(a->auth->spi, b->auth->spi) || !str_same(a->auth->seq, b->auth->seq) ||
			!str_same(a->auth->data, b->auth->data)))
		return false;
	return nodes_equal(a->first, b->first);
}
