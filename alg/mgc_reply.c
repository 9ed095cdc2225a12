/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgc_reply: a gateway's Reply read into mgc_result (see mgc_reply.h). */
#include "config.h"
#include "mgc_reply.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "grammar.h"
#include "parse.h"
#include "tl.h"

void mgc_copy_str(char *dst, size_t size, struct h248_str s)
{
	size_t n = MIN(s.n, size - 1);
	memcpy(dst, s.p, n);
	dst[n] = 0;
}

/* The first node with tok below n, depth first. */
static const struct h248_node *find_tok(const struct h248_node *n, enum h248_tok tok)
{
	for (const struct h248_node *c = n->first; c; c = c->next) {
		if (c->kind == H248_NODE_TOKEN && c->tok == tok)
			return c;
		const struct h248_node *d = find_tok(c, tok);
		if (d)
			return d;
	}
	return NULL;
}

/* The error's code (500 when unreadable) and the last quoted text in it, copied to size. */
static void read_error(const struct h248_node *e, struct mgc_result *r)
{
	uint32_t code = 0;
	h248_str_u32(e->value.text, &code);
	r->error = code ? code : 500;
	const struct h248_node *text = NULL;
	for (const struct h248_node *q = e->first; q; q = q->next)
		if (q->kind == H248_NODE_QUOTED)
			text = q;
	if (text && text->name.n)
		r->reason = g_strndup(text->name.p, text->name.n);
}

/* A command of an action's Reply (not its Error, Topology or context properties): the grammar's. */
static bool is_command(const struct h248_node *c)
{
	return c->kind == H248_NODE_TOKEN && grammar_is_command(c->tok);
}

void mgc_read_reply(const struct h248_node *reply, struct mgc_result *r)
{
	*r = (struct mgc_result){ .reason = "" };
	const struct h248_node *e = find_tok(reply, H248_TOK_ERROR);
	if (e)
		read_error(e, r);
	const struct h248_node *ctx = h248_child(reply, H248_TOK_CONTEXT, NULL);
	if (!ctx)
		return;
	r->ctx = ctx->value.text;
	unsigned n = 0;
	for (const struct h248_node *c = ctx->first; c; c = c->next)
		n += is_command(c);
	struct mgc_cmd *cmd = n ? g_new0(struct mgc_cmd, n) : NULL;
	for (const struct h248_node *c = ctx->first; c; c = c->next)
		if (is_command(c))
			cmd[r->n++] =
			    (struct mgc_cmd){ .term = c->value.text, .local = find_tok(c, H248_TOK_LOCAL) };
	r->cmd = cmd;
}

void mgc_result_timeout(struct mgc_result *r, char *why)
{
	*r = (struct mgc_result){ .timeout = true, .reason = why };
}

void mgc_result_clear(struct mgc_result *r)
{
	if (*r->reason)
		g_free((char *)r->reason);
	g_free((struct mgc_cmd *)r->cmd);
	*r = (struct mgc_result){ .reason = "" };
}

void mgc_reply_unknown_ctx(struct h248_txn *txn, const struct h248_node *ctx)
{
	char cid[16], text[64];
	mgc_copy_str(cid, sizeof cid, ctx->value.text);
	snprintf(text, sizeof text, "unknown context %s", cid);
	struct h248_node *reply;
	struct h248_msg *out = h248_txn_new_reply(txn, &reply);
	struct h248_node *c = h248_add_token(out, reply, H248_TOK_CONTEXT, NULL);
	c->value = ctx->value;
	h248_add_error(out, c, 411, text);
	h248_txn_reply(txn, out);
}
