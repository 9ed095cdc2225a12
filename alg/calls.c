/* SPDX-License-Identifier: GPL-3.0-or-later */
/* calls: the set of calls (see call.h): each call's life, the index by gateway and context that the
 * gateway's Notify and loss find a call through, and the figures. One call's steps are in call.c. */
#include "config.h"
#include "call_int.h"

#include <glib.h>
#include <string.h>

#include "build.h"
#include "log.h"
#include "wire.h"

/* ---- the calls by gateway and context: what a Notify names ---- */

struct ctx_key {
	const struct mgc_agw *agw;
	const char *ctx; /* the call's own c->ctx */
};

static guint ctx_key_hash(gconstpointer p)
{
	const struct ctx_key *k = p;
	return g_str_hash(k->ctx) ^ g_direct_hash(k->agw);
}

static gboolean ctx_key_equal(gconstpointer a, gconstpointer b)
{
	const struct ctx_key *x = a, *y = b;
	return x->agw == y->agw && !strcmp(x->ctx, y->ctx);
}

void call_index_context(struct call *c)
{
	struct ctx_key *k = g_new(struct ctx_key, 1);
	*k = (struct ctx_key){ c->agw, c->ctx };
	g_hash_table_replace(c->cs->by_ctx, k, c);
}

void call_forget_context(struct call *c)
{
	if (!*c->ctx)
		return;
	const struct ctx_key k = { c->agw, c->ctx };
	if (g_hash_table_lookup(c->cs->by_ctx, &k) == c)
		g_hash_table_remove(c->cs->by_ctx, &k);
	*c->ctx = '\0';
}

/* ---- life ---- */

struct call *call_new(struct calls *cs, const char *id, bool originating, const struct media_policy *p)
{
	struct call *c = g_new0(struct call, 1);
	c->cs = cs, c->id = g_strdup(id), c->orig = c->ue_offers = originating, c->policy = *p;
	g_hash_table_add(cs->live, c);
	return c;
}

const char *call_id(const struct call *c)
{
	return c->id;
}

void call_set_owner(struct call *c, void *owner)
{
	c->owner = owner;
}

void *call_owner(const struct call *c)
{
	return c->owner;
}

static void call_free(struct call *c)
{
	g_free(c->sdp), g_free(c->id), g_free(c->lines), g_free(c->prev);
	g_free(c);
}

void call_subtract_context(struct call *c)
{
	if (!*c->ctx || !c->agw || !mgc_agw_up(c->agw))
		return;
	struct h248_msg *s = mgc_actions_new();
	h248_add_token(s, h248_add_action(s, c->ctx), H248_TOK_SUBTRACT, "*");
	mgc_send(c->cs->mgc, c->agw, s, NULL, NULL, NULL);
}

void call_end(struct call *c, const char *why)
{
	const struct log_ids ids = { .call = c->id, .ctx = *c->ctx ? c->ctx : NULL };
	log_info("call", &ids, "[%s] ends: %s", call_step_names[c->step], why);
	if (c->tid)
		mgc_cancel(c->cs->mgc, c->tid);
	call_subtract_context(c);
	c->cs->ended[c->media_failed ? CALL_MEDIA_FAILED : c->answered ? CALL_ANSWERED : CALL_UNANSWERED]++;
	call_forget_context(c);
	g_hash_table_remove(c->cs->live, c);
	call_free(c);
}

/* ---- the gateway's own news ---- */

void calls_gateway_event(struct calls *cs, struct mgc_agw *agw, const char *ctx, const char *term,
			 const char *event, const char *reason)
{
	struct call *c = g_hash_table_lookup(cs->by_ctx, &(struct ctx_key){ agw, ctx });
	if (!c)
		return;
	const struct log_ids ids = { .call = c->id, .ctx = ctx, .term = term };
	log_info("call", &ids, "[%s] %s%s%s", call_step_names[c->step], event, reason ? ": " : "",
		 reason ? reason : "");
	const struct wire_names *w = &cs->cfg->wire;
	if (strcmp(event, w->text[WIRE_TLS_FAIL]) && strcmp(event, w->text[WIRE_TCP_FAIL]))
		return;
	if (!strcmp(event, w->text[WIRE_TCP_FAIL]) && reason && strstr(reason, WIRE_REASON_NOT_REMOTE)) {
		log_notice("call", &ids, "the gateway refused a stranger's connection; the leg waits on");
		return; /* a stranger cannot end the call by connecting first */
	}
	c->media_failed = true;
	char *why = g_strdup_printf("%s on %s%s%s", event, term, reason ? ": " : "", reason ? reason : "");
	if (cs->cfg->release_on_fail && cs->ops.failed)
		cs->ops.failed(cs->arg, c, why);
	g_free(why);
}

void calls_gateway_lost(struct calls *cs, struct mgc_agw *agw, const char *why)
{
	GPtrArray *gone = g_ptr_array_new();
	GHashTableIter it;
	gpointer key;
	g_hash_table_iter_init(&it, cs->live);
	while (g_hash_table_iter_next(&it, &key, NULL))
		if (((struct call *)key)->agw == agw && !((struct call *)key)->next)
			g_ptr_array_add(gone, key);
	for (unsigned i = 0; i < gone->len; i++) {
		char *text = g_strdup_printf("media gateway %s lost: %s", mgc_agw_mid(agw), why);
		((struct call *)gone->pdata[i])->media_failed = true;
		if (cs->ops.failed)
			cs->ops.failed(cs->arg, gone->pdata[i], text);
		g_free(text);
	}
	g_ptr_array_free(gone, TRUE);
}

struct calls *calls_new(struct mgc *mgc, const struct alg_config *cfg, const struct call_ops *ops, void *arg)
{
	struct calls *cs = g_new0(struct calls, 1);
	cs->mgc = mgc, cs->cfg = cfg, cs->ops = *ops, cs->arg = arg;
	cs->live = g_hash_table_new(NULL, NULL);
	cs->by_ctx = g_hash_table_new_full(ctx_key_hash, ctx_key_equal, g_free, NULL);
	return cs;
}

void calls_free(struct calls *cs)
{
	g_hash_table_destroy(cs->by_ctx); /* first: its keys point into the calls */
	GHashTableIter it;
	gpointer key;
	g_hash_table_iter_init(&it, cs->live);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		struct call *c = key;
		g_hash_table_iter_remove(&it);
		call_free(c);
	}
	g_hash_table_destroy(cs->live);
	g_free(cs);
}

const char *const call_outcome_names[CALL_OUTCOMES] = { "answered", "unanswered", "media_failed" };

const char *call_step_name(unsigned step)
{
	return step < CALL_STEPS ? call_step_names[step] : "?";
}

G_STATIC_ASSERT(ACTIVE + 1 == CALL_STEPS);

void calls_stats(const struct calls *cs, unsigned steps[CALL_STEPS], uint64_t ended[CALL_OUTCOMES])
{
	memset(steps, 0, CALL_STEPS * sizeof *steps);
	memcpy(ended, cs->ended, sizeof cs->ended);
	GHashTableIter it;
	gpointer key;
	g_hash_table_iter_init(&it, cs->live);
	while (g_hash_table_iter_next(&it, &key, NULL))
		steps[((const struct call *)key)->step]++;
}
