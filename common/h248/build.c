/* SPDX-License-Identifier: GPL-3.0-or-later */
/* build: see build.h. */
#include "config.h"
#include "build.h"

#include <stdbool.h>
#include <string.h>

#include "arena.h"

struct h248_node *h248_add_action(struct h248_msg *m, const char *ctx)
{
	struct h248_node *n = h248_add_body(m, NULL, H248_TOK_CONTEXT, ctx);
	if (n)
		h248_msg_append(m, n);
	return n;
}

struct h248_node *h248_add_body(struct h248_msg *m, struct h248_node *parent, enum h248_tok tok,
				const char *word)
{
	struct h248_node *n = h248_add_token(m, parent, tok, word);
	if (n)
		n->flags |= H248_F_BODY;
	return n;
}

struct h248_node *h248_add_token_tok(struct h248_msg *m, struct h248_node *parent, enum h248_tok tok,
				     enum h248_tok value)
{
	struct h248_node *n = h248_add_token(m, parent, tok, h248_tokens[value].pretty);
	if (n)
		n->value.tok = value;
	return n;
}

struct h248_node *h248_add_item(struct h248_msg *m, struct h248_node *parent, const char *name)
{
	return h248_add_prop(m, parent, name, NULL);
}

struct h248_node *h248_add_quoted(struct h248_msg *m, struct h248_node *parent, const char *name,
				  const char *text)
{
	struct h248_node *n = h248_add_prop(m, parent, name, text);
	if (n)
		n->value.form = H248_VAL_QUOTED;
	return n;
}

struct h248_node *h248_add_octets(struct h248_msg *m, struct h248_node *parent, enum h248_tok tok,
				  const char *s, size_t n)
{
	struct h248_node *d = h248_add_body(m, parent, tok, NULL);
	if (d)
		d->octets = h248_str_dup(m, s, n);
	return d;
}

/* ---- the copy ---- */

static bool copy_str(struct h248_msg *to, struct h248_str *s)
{
	if (!s->p)
		return true;
	*s = h248_str_dup(to, s->p, s->n);
	return s->p != NULL;
}

static bool copy_value(struct h248_msg *to, struct h248_value *v)
{
	if (!copy_str(to, &v->text))
		return false;
	if (!v->nitems)
		return true;
	struct h248_value *items = arena_alloc(to->arena, v->nitems * sizeof *items);
	if (!items)
		return false;
	memcpy(items, v->items, v->nitems * sizeof *items);
	v->items = items;
	for (size_t i = 0; i < v->nitems; i++)
		if (!copy_value(to, &items[i]))
			return false;
	return true;
}

/* n and its children, as the children of parent (the message's body when NULL). */
static bool copy_nodes(struct h248_msg *to, struct h248_node *parent, const struct h248_node *n)
{
	for (; n; n = n->next) {
		struct h248_node *c = h248_node_new(to, n->kind, n->tok);
		if (!c)
			return false;
		*c = *n;
		c->first = c->last = c->next = NULL;
		if (!copy_str(to, &c->name) || !copy_str(to, &c->stamp) || !copy_str(to, &c->octets) ||
		    !copy_value(to, &c->value) || !copy_nodes(to, c, n->first))
			return false;
		if (parent)
			h248_append(parent, c);
		else
			h248_msg_append(to, c);
		c->flags = n->flags; /* h248_append marks a body: keep what n had */
	}
	return true;
}

struct h248_msg *h248_msg_copy(const struct h248_msg *m, size_t limit)
{
	struct h248_msg *to = h248_msg_new(m->version, limit);
	if (!to)
		return NULL;
	to->mid = m->mid;
	bool ok = copy_str(to, &to->mid.text);
	if (ok && m->auth) {
		ok = (to->auth = arena_alloc(to->arena, sizeof *to->auth)) != NULL;
		if (ok) {
			*to->auth = *m->auth;
			ok = copy_str(to, &to->auth->spi) && copy_str(to, &to->auth->seq) &&
			     copy_str(to, &to->auth->data);
		}
	}
	if (!ok || !copy_nodes(to, NULL, m->first)) {
		h248_msg_free(to);
		return NULL;
	}
	return to;
}
