/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgc_reply: a gateway's Reply read into mgc_result (see mgc_reply.h). */
#include "config.h"
#include "mgc_reply.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

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

static void read_error(const struct h248_node *e, struct mgc_result *r)
{
	uint32_t code = 0;
	h248_str_u32(e->value.text, &code);
	r->error = code ? code : 500;
	for (const struct h248_node *q = e->first; q; q = q->next)
		if (q->kind == H248_NODE_QUOTED)
			mgc_copy_str(r->reason, sizeof r->reason, q->name);
}

void mgc_read_reply(const struct h248_node *reply, struct mgc_result *r)
{
	const struct h248_node *e = find_tok(reply, H248_TOK_ERROR);
	if (e)
		read_error(e, r);
	const struct h248_node *ctx = h248_child(reply, H248_TOK_CONTEXT, NULL);
	if (!ctx)
		return;
	mgc_copy_str(r->ctx, sizeof r->ctx, ctx->value.text);
	for (const struct h248_node *c = ctx->first; c && r->n < MGC_MAX_CMDS; c = c->next) {
		if (c->kind != H248_NODE_TOKEN || c->tok == H248_TOK_ERROR || c->tok == H248_TOK_TOPOLOGY ||
		    c->tok == H248_TOK_CONTEXTATTR)
			continue;
		mgc_copy_str(r->cmd[r->n].term, sizeof r->cmd[r->n].term, c->value.text);
		const struct h248_node *local = find_tok(c, H248_TOK_LOCAL);
		if (local)
			mgc_copy_str(r->cmd[r->n].local, sizeof r->cmd[r->n].local, h248_sdp(local));
		r->n++;
	}
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
