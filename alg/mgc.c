/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgc: the gateway pool and the MGC's side of each transaction (see mgc.h). */
#include "config.h"
#include "mgc.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "assoc.h"
#include "build.h"
#include "log.h"
#include "mgc_reply.h"
#include "parse.h"
#include "peers.h"
#include "tl.h"

#include "mgc_int.h"

static void pending_free(gpointer v)
{
	struct pending *p = v;
	h248_msg_free(p->again);
	g_free(p);
}

static struct mgc_agw *find(struct mgc *m, const char *mid)
{
	for (unsigned i = 0; i < m->agws->len; i++) {
		struct mgc_agw *a = g_ptr_array_index(m->agws, i);
		if (!strcmp(a->mid, mid))
			return a;
	}
	return NULL;
}

/* The requests of a, as ids (the table may change while they are acted on). */
static GArray *tids_of(struct mgc_agw *a)
{
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, a->mgc->pending);
	while (g_hash_table_iter_next(&it, NULL, &v))
		if (((struct pending *)v)->agw == a)
			g_array_append_val(ids, ((struct pending *)v)->tid);
	return ids;
}

struct pending *mgc_pending_of(struct mgc *m, uint32_t tid)
{
	return g_hash_table_lookup(m->pending, GUINT_TO_POINTER(tid));
}

/* The caller hears of p once; told it failed, it holds nothing p adds: p is given up. */
static void tell(struct pending *p, const struct mgc_result *r)
{
	mgc_done *done = p->done;
	p->done = NULL;
	p->given_up = r->timeout || r->error;
	done(p->arg, r);
}

/* Out of the pool: what its requests still await fails now, then the owner releases its calls. */
void mgc_lose(struct mgc_agw *a, const char *why, bool probe)
{
	if (!a->up)
		return;
	a->up = false;
	a->probing = probe;
	log_warn("mgc", NULL, "gateway %s lost: %s%s", a->mid, why,
		 probe ? "; audited until it answers again" : "");
	struct mgc_result r;
	mgc_result_timeout(&r, g_strdup_printf("gateway %s lost", a->mid));
	GArray *ids = tids_of(a);
	for (unsigned i = 0; i < ids->len; i++) {
		struct pending *p = mgc_pending_of(a->mgc, g_array_index(ids, uint32_t, i));
		if (p && p->done && p->epoch == a->epoch)
			tell(p, &r);
	}
	g_array_free(ids, TRUE);
	mgc_result_clear(&r);
	if (a->mgc->ops.lost)
		a->mgc->ops.lost(a->mgc->arg, a, why);
}

static void ask_again(struct pending *p);

/* A gateway lost for its silence answers again: back in the pool. Every call it had was released while
 * it was lost, so every context it holds for us is subtracted, and what was in doubt is asked again. */
static void take_back(struct mgc_agw *a)
{
	a->up = true, a->probing = false, a->quiet = 0, a->heard = ev_now(a->mgc->loop);
	log_notice("mgc", NULL,
		   "gateway %s answers again: back in service, %u contexts of released calls to subtract",
		   a->mid, g_hash_table_size(a->ctxs));
	GList *ctxs = g_hash_table_get_keys(a->ctxs);
	for (GList *l = ctxs; l; l = l->next) {
		char *ctx = g_strdup(l->data); /* the reply may remove it */
		mgc_subtract_ctx(a, ctx, "its call was released while the gateway was lost");
		g_free(ctx);
	}
	g_list_free(ctxs);
	GArray *ids = tids_of(a);
	for (unsigned i = 0; i < ids->len; i++) {
		struct pending *p = mgc_pending_of(a->mgc, g_array_index(ids, uint32_t, i));
		if (p && p->parked)
			ask_again(p);
	}
	g_array_free(ids, TRUE);
	mgc_watch_in(a, 0);
}

static void on_up(void *arg, const char *mid, const struct h248_from *from, unsigned version)
{
	struct mgc *m = arg;
	struct mgc_agw *a = find(m, mid);
	if (!a) {
		a = g_new0(struct mgc_agw, 1);
		a->mgc = m, a->mid = g_strdup(mid);
		a->ctxs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						(GDestroyNotify)g_hash_table_destroy);
		g_ptr_array_add(m->agws, a);
	} else {
		mgc_lose(a, "it registered again: its contexts are gone", false);
		g_hash_table_remove_all(a->ctxs);
		GArray *ids = tids_of(a); /* what was in doubt is no more: a restart may reuse its ids */
		for (unsigned i = 0; i < ids->len; i++) {
			struct pending *p = mgc_pending_of(m, g_array_index(ids, uint32_t, i));
			if (p->parked)
				g_hash_table_remove(m->pending, GUINT_TO_POINTER(p->tid));
		}
		g_array_free(ids, TRUE);
	}
	a->epoch++;
	a->to = *from, a->version = version, a->up = true, a->probing = false;
	a->quiet = 0, a->heard = a->probed = ev_now(m->loop);
	mgc_watch_in(a, 0);
	mgc_ask_packages(a);
	char where[SA_TEXT_MAX];
	log_notice("mgc", NULL, "gateway %s registered from %s (H.248 version %u)", mid,
		   sa_text(&from->addr, where), version);
}

/* A gateway that registered saying it may hold contexts of an earlier association (Disconnected: it lost
 * us, or we restarted): every call of ours on it is released by now, so everything it holds goes
 * (H.248.1 §11.5: the MGC decides what survives a lost association; nothing does here). */
static void on_may_hold(void *arg, const char *mid, const char *method)
{
	struct mgc_agw *a = find(arg, mid);
	if (a && a->up)
		mgc_subtract_ctx(a, "*",
				 "it registered with Method=Disconnected or the like: contexts of an earlier "
				 "association may remain");
}

static void on_down(void *arg, const char *mid, const char *method)
{
	struct mgc_agw *a = find(arg, mid);
	if (a) {
		char why[64];
		snprintf(why, sizeof why, "ServiceChange %s", method);
		mgc_lose(a, why, false);
	}
}

/* ---- our requests ---- */

static void on_result(void *arg, const struct h248_msg *msg, const struct h248_node *reply);

static void sent(struct mgc_agw *a)
{
	a->pending++;
	if (a->up && !a->quiet) {
		a->quiet = ev_now(a->mgc->loop);
		mgc_watch_in(a, 0);
	}
}

struct h248_msg *mgc_actions_new(void)
{
	return h248_msg_new(3, 0);
}

/* The actions of msg's body into "MEGACO/version mId Transaction = 0 { … }" (the id is the layer's). */
static void wrap(struct mgc *m, struct mgc_agw *a, struct h248_msg *msg)
{
	struct h248_node *trans = h248_add_body(msg, NULL, H248_TOK_TRANSACTION, "0");
	trans->first = msg->first, trans->last = msg->last;
	msg->first = msg->last = trans;
	msg->version = a->version, msg->mid = m->mid;
}

/* Whether actions only subtract. Such a request releases what the gateway holds for us, and goes past
 * h248.max_pending: refused, what it releases would stay there for nobody, and there is no more of it
 * than the contexts and terminations our calls hold. */
static bool releases_only(const struct h248_msg *actions)
{
	bool any = false;
	for (const struct h248_node *act = actions->first; act; act = act->next)
		for (const struct h248_node *c = act->first; c; c = c->next) {
			if (c->kind != H248_NODE_TOKEN || c->tok != H248_TOK_SUBTRACT)
				return false;
			any = true;
		}
	return any;
}

bool mgc_request(struct mgc *m, struct mgc_agw *a, struct h248_msg *actions, mgc_done *done, void *arg,
		 uint32_t *tid)
{
	if (a->pending >= m->max_pending && !releases_only(actions)) {
		m->over_pending++;
		log_warn("mgc", NULL,
			 "not sent to %s: %u requests already await their Reply (h248.max_pending)", a->mid,
			 a->pending);
		h248_msg_free(actions);
		return false;
	}
	struct h248_msg *msg = actions;
	wrap(m, a, msg);
	struct pending *p = g_new0(struct pending, 1);
	*p = (struct pending){ .agw = a, .epoch = a->epoch, .done = done, .arg = arg, .tries = 1 };
	if (mgc_read_actions(p, msg))
		p->again = h248_msg_copy(msg, 0);
	alg_h248_commands_of(msg, p->ncmd); /* the metrics' */
	uint32_t id = h248_tl_send(m->tl, &a->to, msg, on_result, p);
	if (!id) {
		pending_free(p);
		return false;
	}
	p->tid = id;
	g_hash_table_insert(m->pending, GUINT_TO_POINTER(id), p);
	sent(a);
	if (tid)
		*tid = id;
	return true;
}

/* The same transaction again, for its Reply: the gateway executed it at most once and keeps the answer. */
static void ask_again(struct pending *p)
{
	struct mgc_agw *a = p->agw;
	struct h248_msg *msg = h248_msg_copy(p->again, 0);
	p->parked = false;
	if (!msg || !h248_tl_send_again(a->mgc->tl, &a->to, msg, p->tid, on_result, p)) {
		g_hash_table_remove(a->mgc->pending, GUINT_TO_POINTER(p->tid));
		return;
	}
	p->tries++;
	sent(a);
}

/* A Reply, or none within T-MAX: the caller hears of it once. A timeout fails the caller's request
 * alone; the gateway's standing is the watch's business (on_watch). */
static void on_result(void *arg, const struct h248_msg *msg, const struct h248_node *reply)
{
	struct pending *p = arg;
	struct mgc_agw *a = p->agw;
	bool current = p->epoch == a->epoch, taken = false;
	a->pending--;
	alg_h248_result(&a->mgc->h248, p->ncmd, reply); /* the metrics' */
	if (reply && current && !a->up && a->probing)
		take_back(a);
	if (reply && current && p->seen)
		p->seen(a, reply);
	if (p->done) {
		struct mgc_result r;
		if (!reply)
			mgc_result_timeout(&r, g_strdup_printf("no reply from gateway %s", a->mid));
		else
			mgc_read_reply(reply, &r);
		taken = !r.timeout && !r.error;
		tell(p, &r);
		mgc_result_clear(&r);
	}
	if (reply) {
		if (current)
			mgc_track(a, p, reply, !taken);
	} else if (current && p->again && p->tries < MAX_TRIES) {
		log_info("mgc", NULL, "transaction %u to %s: no reply; asked again %s", p->tid, a->mid,
			 a->up ? "now" : "once the gateway is back");
		if (a->up)
			ask_again(p);
		else
			p->parked = true;
		return;
	} else if (current && p->again) {
		log_warn("mgc", NULL,
			 "transaction %u to %s: no reply after %u sendings; what it made may "
			 "stay at the gateway",
			 p->tid, a->mid, p->tries);
	}
	g_hash_table_remove(a->mgc->pending, GUINT_TO_POINTER(p->tid)); /* frees p */
}

bool mgc_send(struct mgc *m, struct mgc_agw *a, struct h248_msg *actions, mgc_done *done, void *arg,
	      uint32_t *tid)
{
	if (a && a->up)
		return mgc_request(m, a, actions, done, arg, tid);
	h248_msg_free(actions);
	return false;
}

/* The transaction still runs to its Reply (the gateway acts on it either way); nobody hears of it, a
 * context it makes is subtracted, and so is what it adds to another context. */
void mgc_cancel(struct mgc *m, uint32_t tid)
{
	struct pending *p = tid ? mgc_pending_of(m, tid) : NULL;
	if (p)
		p->done = NULL, p->given_up = true;
}

/* ---- who may speak: the configured gateways, each bound to where it registered from ---- */

/* The first gate, before the parser: a source no entry allows is a stranger. */
static bool source_allowed(struct mgc *m, const struct h248_from *from)
{
	if (h248_allow_any(m->allow, m->nallow, &from->addr, NULL))
		return true;
	h248_refused(&m->strangers, &from->addr, "no h248.gateways entry allows this source");
	return false;
}

/* The second, once the mId is read: a registered gateway only from where it registered; any other mId
 * (or a gateway that is not up) only from a source its entry allows. */
static bool admit(void *arg, const struct h248_msg *msg, const struct h248_from *from)
{
	struct mgc *m = arg;
	char *mid = h248_mid_key(&msg->mid);
	struct mgc_agw *a = find(m, mid);
	bool ok;
	if (a && a->up) {
		ok = h248_from_equal(&a->to, from);
		if (!ok) {
			char bound[SA_TEXT_MAX];
			h248_refused(&m->takeovers, &from->addr,
				     "claims gateway %s, which is registered from "
				     "%s%s: not a takeover, ignored",
				     mid, sa_text(&a->to.addr, bound), a->to.conn ? " over TCP" : "");
		}
	} else {
		ok = h248_allow_any(m->allow, m->nallow, &from->addr, mid);
		if (!ok)
			h248_refused(&m->strangers, &from->addr, "no h248.gateways entry allows mId %s here",
				     mid);
	}
	if (ok && a && h248_from_equal(&a->to, from)) /* heard from: not silent */
		a->heard = ev_now(m->loop), a->quiet = 0;
	g_free(mid);
	return ok;
}

/* ---- requests from gateways: registration and Notify ---- */

static void on_notify(struct mgc *m, struct mgc_agw *a, struct h248_txn *txn, const struct h248_node *ctx,
		      const struct h248_node *n)
{
	struct h248_node *reply;
	struct h248_msg *out = h248_txn_new_reply(txn, &reply);
	struct h248_node *c = h248_add_token(out, reply, H248_TOK_CONTEXT, NULL);
	c->value = ctx->value;
	h248_add_token(out, c, H248_TOK_NOTIFY, NULL)->value = n->value;
	h248_txn_reply(txn,
		       out); /* answered before anyone acts on it; the request lives on until we return */
	char cid[16], term[32], event[64], reason[160];
	mgc_copy_str(cid, sizeof cid, ctx->value.text);
	mgc_copy_str(term, sizeof term, n->value.text);
	const struct log_ids ids = { .ctx = cid, .term = term };
	const struct h248_node *oe = h248_child(n, H248_TOK_OBSERVEDEVENTS, NULL);
	for (const struct h248_node *e = oe ? oe->first : NULL; e; e = e->next) {
		if (e->kind != H248_NODE_PROP)
			continue;
		const struct h248_node *why = h248_prop(e, "reason");
		mgc_copy_str(event, sizeof event, e->name);
		if (why)
			mgc_copy_str(reason, sizeof reason, why->value.text);
		log_info("mgc", &ids, "gateway %s observed %s", a->mid, event);
		if (m->ops.event)
			m->ops.event(m->arg, a, cid, term, event, why ? reason : NULL);
	}
}

/* Does a Notify about ctx name a context that a holds for us? One not in a->ctxs may still be: made by a
 * request of ours whose Reply is not in yet ($), or about to go with a Subtract of every context (the
 * one after a registration with Disconnected). Only a context neither known nor in doubt is unknown. */
static bool ctx_unknown(struct mgc *m, struct mgc_agw *a, const char *ctx)
{
	if (!mgc_ctx_named(ctx) || g_hash_table_contains(a->ctxs, ctx))
		return false;
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, m->pending);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		const struct pending *p = v;
		for (unsigned i = 0; p->agw == a && p->epoch == a->epoch && i < p->nact; i++)
			if (p->act[i].creates || !strcmp(p->act[i].ctx, "*") || !strcmp(p->act[i].ctx, ctx))
				return false;
	}
	return true;
}

static void on_request(void *arg, struct h248_txn *txn, const struct h248_msg *msg,
		       const struct h248_node *trans)
{
	struct mgc *m = arg;
	if (h248_mgc_handle(m->assoc, txn, msg, trans))
		return;
	char *mid = h248_mid_key(&msg->mid);
	struct mgc_agw *a = find(m, mid);
	const struct h248_node *ctx = h248_child(trans, H248_TOK_CONTEXT, NULL);
	const struct h248_node *n = ctx ? h248_child(ctx, H248_TOK_NOTIFY, NULL) : NULL;
	if (!a || !a->up) { /* H.248.8 */
		h248_refused(&m->refused, &h248_txn_from(txn)->addr, "mId %s, which is not registered: 505",
			     mid);
		h248_txn_error(
		    txn, 505, "Transaction Request Received before a Service Change Reply has been received");
	} else if (!n) {
		h248_refused(&m->refused, &h248_txn_from(txn)->addr,
			     "mId %s, neither a ServiceChange nor a Notify: 501", mid);
		h248_txn_error(txn, 501, "Not Implemented: the MGC takes ServiceChange and Notify");
	} else {
		char cid[16];
		mgc_copy_str(cid, sizeof cid, ctx->value.text);
		if (ctx_unknown(m, a, cid)) {
			const struct log_ids ids = { .ctx = cid };
			log_warn("mgc", &ids, "Notify from gateway %s about context %s, which it holds for "
					      "nobody here: 411", mid, cid);
			mgc_reply_unknown_ctx(txn, ctx);
		} else {
			on_notify(m, a, txn, ctx, n);
		}
	}
	g_free(mid);
}

/* ---- the link ---- */

static void on_recv(void *arg, const char *text, size_t len, const struct h248_from *from)
{
	struct mgc *m = arg;
	if (source_allowed(m, from))
		h248_tl_input(m->tl, text, len, from);
}

static void on_closed(void *arg, uint32_t conn, const char *why)
{
	struct mgc *m = arg;
	for (unsigned i = 0; i < m->agws->len; i++) {
		struct mgc_agw *a = g_ptr_array_index(m->agws, i);
		if (a->to.conn == conn) {
			mgc_lose(a, why, false);
			a->probing = false; /* the connection is gone: it registers again on a new one */
		}
	}
}

struct mgc *mgc_new(struct ev_loop *loop, const struct mgc_opts *o, const struct mgc_ops *ops, void *arg,
		    char **err)
{
	struct mgc *m = g_new0(struct mgc, 1);
	m->loop = loop, m->ops = *ops, m->arg = arg, m->audit_ms = o->audit_ms;
	m->lost_after = o->lost_after_ms ? o->lost_after_ms : 3000;
	m->inactivity_ms = o->inactivity_ms;
	m->probe_ms = MAX(m->lost_after / 8, 50);
	m->agws = g_ptr_array_new();
	m->pending = g_hash_table_new_full(NULL, NULL, NULL, pending_free);
	m->mid = o->mid;
	m->max_pending = o->max_pending ? o->max_pending : 256;
	m->strangers = m->takeovers = H248_REFUSALS("H.248 from");
	m->refused = (struct log_counter){ .component = "mgc",
					   .what = "a request refused from",
					   .note = "answered with an error" };
	unsigned n = 0;
	while (o->gateways && o->gateways[n])
		n++;
	m->allow = g_new0(struct h248_allow, n + 1);
	for (; m->nallow < n; m->nallow++)
		if (!h248_allow_parse(o->gateways[m->nallow], &m->allow[m->nallow], err)) {
			char *why = *err;
			*err = g_strdup_printf("h248.gateways: %s", why);
			g_free(why);
			mgc_free(m);
			return NULL;
		}
	struct h248_tl_opts to = { .tmax_ms = o->timeout_ms,
				   .version = 3,
				   .mid = o->mid,
				   .encoding = o->encoding,
				   .fixed_encoding = o->fixed_encoding };
	static const struct h248_link_ops lops = { .recv = on_recv, .closed = on_closed };
	struct h248_link_opts lo = o->link;
	lo.trace = o->trace;
	if (!(m->link = h248_link_new(loop, &o->local, &lo, &lops, m, err))) {
		mgc_free(m);
		return NULL;
	}
	static const struct h248_tl_ops tops = { .request = on_request, .admit = admit };
	m->tl = h248_tl_new(loop, m->link, &to, &tops, m);
	static const struct h248_mgc_ops aops = { .up = on_up, .down = on_down, .may_hold = on_may_hold };
	m->assoc = h248_mgc_new(3, &aops, m);
	return m;
}

void mgc_free(struct mgc *m)
{
	if (!m)
		return;
	if (m->tl)
		h248_tl_free(m->tl);
	g_hash_table_destroy(m->pending);
	if (m->link)
		h248_link_free(m->link);
	if (m->assoc)
		h248_mgc_free(m->assoc);
	for (unsigned i = 0; i < m->agws->len; i++) {
		struct mgc_agw *a = g_ptr_array_index(m->agws, i);
		ev_timer_cancel(m->loop, a->watch);
		g_hash_table_destroy(a->ctxs);
		g_free(a->mid);
		g_free(a);
	}
	g_ptr_array_free(m->agws, TRUE);
	for (unsigned i = 0; i < m->nallow; i++)
		g_free(m->allow[i].mid);
	g_free(m->allow);
	g_free(m);
}

void mgc_stats(const struct mgc *m, struct mgc_stats *out)
{
	*out = (struct mgc_stats){ .strangers = m->strangers.count,
				   .takeovers = m->takeovers.count,
				   .over_pending = m->over_pending };
	h248_link_stats(m->link, &out->link);
	out->oversized = h248_link_oversized(m->link); /* the metrics' */
	out->tl = h248_tl_stats(m->tl);
	out->h248 = m->h248;
	for (unsigned i = 0; i < m->agws->len; i++)
		*(mgc_agw_up(g_ptr_array_index(m->agws, i)) ? &out->gateways_up : &out->gateways_lost) += 1;
}

const union sa *mgc_local(const struct mgc *m)
{
	return h248_link_local(m->link);
}

struct mgc_agw *mgc_pick(struct mgc *m)
{
	for (unsigned i = 0; i < m->agws->len; i++) {
		struct mgc_agw *a = g_ptr_array_index(m->agws, (m->next + i) % m->agws->len);
		if (a->up) {
			m->next = (m->next + i + 1) % m->agws->len;
			return a;
		}
	}
	return NULL;
}

const char *mgc_agw_mid(const struct mgc_agw *a)
{
	return a->mid;
}

bool mgc_agw_up(const struct mgc_agw *a)
{
	return a->up;
}

void mgc_each(const struct mgc *m, void (*fn)(const struct mgc_view *v, void *arg), void *arg)
{
	for (unsigned i = 0; i < m->agws->len; i++) {
		const struct mgc_agw *a = g_ptr_array_index(m->agws, i);
		fn(&(struct mgc_view){ .mid = a->mid,
				       .from = &a->to,
				       .up = a->up,
				       .probing = a->probing,
				       .version = a->version,
				       .pending = a->pending,
				       .contexts = g_hash_table_size(a->ctxs),
				       .silent_ms = ev_now(m->loop) - a->heard },
		   arg);
	}
}
