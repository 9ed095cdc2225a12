/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgc_track: what each gateway holds for us, its contexts and their terminations, read from the
 * Replies; and what a request leaves behind when nobody takes it (see mgc_int.h). */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "build.h"
#include "log.h"
#include "mgc.h"
#include "mgc_reply.h"
#include "parse.h"

#include "mgc_int.h"

void mgc_subtract_ctx(struct mgc_agw *a, const char *ctx, const char *why)
{
	const struct log_ids ids = { .ctx = ctx };
	log_notice("mgc", &ids, "subtracting context %s on gateway %s: %s", ctx, a->mid, why);
	struct h248_msg *s = mgc_actions_new();
	h248_add_token(s, h248_add_action(s, ctx), H248_TOK_SUBTRACT, "*");
	mgc_request(a->mgc, a, s, NULL, NULL, NULL);
}

bool mgc_ctx_named(const char *ctx)
{
	return *ctx && strcmp(ctx, "-") && strcmp(ctx, "$") && strcmp(ctx, "*");
}

static bool error_is(const struct h248_node *n, unsigned code)
{
	const struct h248_node *e = h248_child(n, H248_TOK_ERROR, NULL);
	uint32_t v = 0;
	return e && h248_str_u32(e->value.text, &v) && v == code;
}

/* One action's Reply: Add puts its termination in, Subtract takes it out; a context emptied, subtracted
 * whole, or unknown to the gateway (411) is gone. */
static void track_action(struct mgc_agw *a, const char *ctx, bool subtracts_all, const struct h248_node *c)
{
	if (subtracts_all || error_is(c, 411)) {
		g_hash_table_remove(a->ctxs, ctx);
		return;
	}
	for (const struct h248_node *cmd = c->first; cmd; cmd = cmd->next) {
		if (cmd->kind != H248_NODE_TOKEN || h248_child(cmd, H248_TOK_ERROR, NULL))
			continue;
		char term[64];
		mgc_copy_str(term, sizeof term, cmd->value.text);
		GHashTable *terms = g_hash_table_lookup(a->ctxs, ctx);
		if (cmd->tok == H248_TOK_ADD && !terms) {
			terms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
			g_hash_table_insert(a->ctxs, g_strdup(ctx), terms);
		}
		if (cmd->tok == H248_TOK_ADD)
			g_hash_table_add(terms, g_strdup(term));
		else if (cmd->tok == H248_TOK_SUBTRACT && terms)
			g_hash_table_remove(terms, term);
	}
	GHashTable *terms = g_hash_table_lookup(a->ctxs, ctx);
	if (terms && !g_hash_table_size(terms))
		g_hash_table_remove(a->ctxs, ctx);
}

/* Whether a request on its way to a subtracts context ctx whole (a call ended while its Add ran). */
static bool subtracting(struct mgc_agw *a, const char *ctx)
{
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, a->mgc->pending);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		const struct pending *p = v;
		for (unsigned i = 0; p->agw == a && i < p->nact; i++)
			if (p->act[i].subtracts_all && !strcmp(p->act[i].ctx, ctx))
				return true;
	}
	return false;
}

/* The terminations a given-up request's action c added to context ctx, which it did not make,
 * subtracted: nobody holds them (a conference participant gone while its Add ran, or refused). */
static void subtract_added(struct mgc_agw *a, const char *ctx, const struct h248_node *c)
{
	struct h248_msg *s = NULL;
	struct h248_node *act = NULL;
	for (const struct h248_node *cmd = c->first; cmd; cmd = cmd->next) {
		if (cmd->kind != H248_NODE_TOKEN || cmd->tok != H248_TOK_ADD ||
		    h248_child(cmd, H248_TOK_ERROR, NULL))
			continue;
		char term[64];
		mgc_copy_str(term, sizeof term, cmd->value.text);
		if (!s)
			s = mgc_actions_new(), act = h248_add_action(s, ctx);
		h248_add_token(s, act, H248_TOK_SUBTRACT, term);
		const struct log_ids ids = { .ctx = ctx, .term = term };
		log_notice("mgc", &ids,
			   "subtracting %s from context %s on gateway %s: the request that added "
			   "it was given up",
			   term, ctx, a->mid);
	}
	if (s)
		mgc_request(a->mgc, a, s, NULL, NULL, NULL);
}

/* The Reply to p; with drop, the contexts p's "$" actions made are subtracted (nobody took them), and
 * what p, given up, added to another context is taken out of it: a cancelled Add, one whose caller
 * heard "no reply", or one whose Reply mixes terminations added with an error (H.248.1 §8.2.2: the
 * commands before the failed one stay executed). */
void mgc_track(struct mgc_agw *a, const struct pending *p, const struct h248_node *reply, bool drop)
{
	unsigned i = 0;
	for (const struct h248_node *c = reply->first; c; c = c->next) {
		if (c->kind != H248_NODE_TOKEN || c->tok != H248_TOK_CONTEXT)
			continue;
		char ctx[16];
		mgc_copy_str(ctx, sizeof ctx, c->value.text);
		bool all = i < p->nact && p->act[i].subtracts_all, made = i < p->nact && p->act[i].creates;
		i++;
		if (!mgc_ctx_named(ctx))
			continue;
		track_action(a, ctx, all, c);
		if (drop && made && a->up && g_hash_table_contains(a->ctxs, ctx))
			mgc_subtract_ctx(a, ctx, "the request that made it failed or was cancelled");
		else if (p->given_up && !made && !all && a->up && !subtracting(a, ctx))
			subtract_added(a, ctx, c);
	}
}

/* Which contexts p's actions name, which create one ($), which add or subtract: those are asked again
 * under the same id when no Reply came, so that nothing they made is left behind (an Add whose caller
 * heard "no reply" is given up, and what it added is taken out when the Reply comes). */
bool mgc_read_actions(struct pending *p, const struct h248_msg *msg)
{
	const struct h248_node *trans = msg->first;
	while (trans && trans->tok != H248_TOK_TRANSACTION)
		trans = trans->next;
	bool doubt = false;
	for (const struct h248_node *act = trans ? trans->first : NULL; act; act = act->next) {
		if (act->kind != H248_NODE_TOKEN || act->tok != H248_TOK_CONTEXT || p->nact == MAX_ACTIONS)
			continue;
		mgc_copy_str(p->act[p->nact].ctx, sizeof p->act[p->nact].ctx, act->value.text);
		p->act[p->nact].creates = !strcmp(p->act[p->nact].ctx, "$"); /* by its Add, in doubt below */
		for (const struct h248_node *c = act->first; c; c = c->next)
			if (c->kind == H248_NODE_TOKEN &&
			    (c->tok == H248_TOK_SUBTRACT || c->tok == H248_TOK_ADD)) {
				doubt = true;
				p->act[p->nact].subtracts_all |=
				    c->tok == H248_TOK_SUBTRACT && h248_str_eq(c->value.text, "*");
			}
		p->nact++;
	}
	return doubt;
}
