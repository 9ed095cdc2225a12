/* mgc: the gateway pool and the MGC's side of each transaction (see mgc.h). */
#include "config.h"
#include "mgc.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "assoc.h"
#include "log.h"
#include "parse.h"
#include "peers.h"
#include "tl.h"

struct mgc_agw {
	struct mgc *mgc;
	char *mid;
	struct h248_from to;
	unsigned version;
	unsigned pending; /* requests awaiting their Reply */
	bool up;
	bool auditing;
};

struct mgc {
	struct ev_loop *loop;
	struct h248_link *link;
	struct h248_tl *tl;
	struct h248_mgc *assoc;
	struct mgc_ops ops;
	void *arg;
	const char *mid;     /* the caller's text, as in the header of every message */
	GPtrArray *agws;     /* struct mgc_agw *, in order of first registration */
	GHashTable *pending; /* tid -> struct pending: requests of ours not answered yet */
	unsigned next;       /* round robin */
	unsigned audit_ms;
	struct ev_timer *audit;
	struct h248_allow *allow; /* who may register */
	unsigned nallow, max_pending;
	struct log_counter strangers, takeovers;
	uint64_t over_pending;
};

static struct mgc_agw *find(struct mgc *m, const char *mid)
{
	for (unsigned i = 0; i < m->agws->len; i++) {
		struct mgc_agw *a = g_ptr_array_index(m->agws, i);
		if (!strcmp(a->mid, mid))
			return a;
	}
	return NULL;
}

static void lose(struct mgc_agw *a, const char *why)
{
	if (!a->up)
		return;
	a->up = false;
	log_warn("mgc", NULL, "gateway %s lost: %s", a->mid, why);
	if (a->mgc->ops.lost)
		a->mgc->ops.lost(a->mgc->arg, a, why);
}

static void on_up(void *arg, const char *mid, const struct h248_from *from, unsigned version)
{
	struct mgc *m = arg;
	struct mgc_agw *a = find(m, mid);
	if (!a) {
		a = g_new0(struct mgc_agw, 1);
		a->mgc = m, a->mid = g_strdup(mid);
		g_ptr_array_add(m->agws, a);
	} else {
		lose(a, "it registered again: its contexts are gone");
	}
	a->to = *from, a->version = version, a->up = true;
	char where[SA_TEXT_MAX];
	log_notice("mgc", NULL, "gateway %s registered from %s (H.248 version %u)", mid,
		   sa_text(&from->addr, where), version);
}

static void on_down(void *arg, const char *mid, const char *method)
{
	struct mgc_agw *a = find(arg, mid);
	if (a) {
		char why[64];
		snprintf(why, sizeof why, "ServiceChange %s", method);
		lose(a, why);
	}
}

/* ---- replies read into mgc_result ---- */

static void copy_str(char *dst, size_t size, struct h248_str s)
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
			copy_str(r->reason, sizeof r->reason, q->name);
}

static void read_reply(const struct h248_node *reply, struct mgc_result *r)
{
	const struct h248_node *e = find_tok(reply, H248_TOK_ERROR);
	if (e)
		read_error(e, r);
	const struct h248_node *ctx = h248_child(reply, H248_TOK_CONTEXT, NULL);
	if (!ctx)
		return;
	copy_str(r->ctx, sizeof r->ctx, ctx->value.text);
	for (const struct h248_node *c = ctx->first; c && r->n < MGC_MAX_CMDS; c = c->next) {
		if (c->kind != H248_NODE_TOKEN || c->tok == H248_TOK_ERROR || c->tok == H248_TOK_TOPOLOGY ||
		    c->tok == H248_TOK_CONTEXTATTR)
			continue;
		copy_str(r->cmd[r->n].term, sizeof r->cmd[r->n].term, c->value.text);
		const struct h248_node *local = find_tok(c, H248_TOK_LOCAL);
		if (local)
			copy_str(r->cmd[r->n].local, sizeof r->cmd[r->n].local, h248_sdp(local));
		r->n++;
	}
}

struct pending {
	uint32_t tid;
	struct mgc_agw *agw;
	mgc_done *done;
	void *arg;
};

static void on_result(void *arg, const struct h248_msg *msg, const struct h248_node *reply)
{
	struct pending *p = arg;
	struct mgc_result *r = g_new0(struct mgc_result, 1);
	if (!reply) {
		r->timeout = true;
		snprintf(r->reason, sizeof r->reason, "no reply from gateway %s", p->agw->mid);
		lose(p->agw, "a request got no reply");
	} else {
		read_reply(reply, r);
	}
	p->agw->pending--;
	if (p->done)
		p->done(p->arg, r);
	g_free(r);
	g_hash_table_remove(p->agw->mgc->pending, GUINT_TO_POINTER(p->tid)); /* frees p */
}

bool mgc_send(struct mgc *m, struct mgc_agw *a, const char *actions, mgc_done *done, void *arg, uint32_t *tid)
{
	if (!a || !a->up)
		return false;
	if (a->pending >= m->max_pending) {
		m->over_pending++;
		log_warn("mgc", NULL,
			 "not sent to %s: %u requests already await their Reply (h248.max_pending)", a->mid,
			 a->pending);
		return false;
	}
	char *text = g_strdup_printf("MEGACO/%u %s\nTransaction = 0 {\n%s\n}\n", a->version, m->mid, actions);
	struct h248_error perr;
	struct h248_msg *msg = h248_parse(text, strlen(text), NULL, &perr);
	if (!msg) { /* our own text: a defect, not the peer's fault */
		log_err("mgc", NULL, "not sent to %s: %s at %u:%u", a->mid, perr.reason, perr.line, perr.col);
		g_free(text);
		return false;
	}
	struct pending *p = g_new(struct pending, 1);
	*p = (struct pending){ .agw = a, .done = done, .arg = arg };
	uint32_t id = h248_tl_send(m->tl, &a->to, msg, on_result, p);
	g_free(text); /* printed by now */
	if (!id) {
		g_free(p);
		return false;
	}
	p->tid = id;
	a->pending++;
	g_hash_table_insert(m->pending, GUINT_TO_POINTER(id), p);
	if (tid)
		*tid = id;
	return true;
}

/* The transaction still runs to its Reply (the gateway acts on it either way); nobody hears of it. */
void mgc_cancel(struct mgc *m, uint32_t tid)
{
	struct pending *p = tid ? g_hash_table_lookup(m->pending, GUINT_TO_POINTER(tid)) : NULL;
	if (p)
		p->done = NULL;
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
	copy_str(cid, sizeof cid, ctx->value.text);
	copy_str(term, sizeof term, n->value.text);
	const struct log_ids ids = { .ctx = cid, .term = term };
	const struct h248_node *oe = h248_child(n, H248_TOK_OBSERVEDEVENTS, NULL);
	for (const struct h248_node *e = oe ? oe->first : NULL; e; e = e->next) {
		if (e->kind != H248_NODE_PROP)
			continue;
		const struct h248_node *why = h248_prop(e, "reason");
		copy_str(event, sizeof event, e->name);
		if (why)
			copy_str(reason, sizeof reason, why->value.text);
		log_info("mgc", &ids, "gateway %s observed %s", a->mid, event);
		if (m->ops.event)
			m->ops.event(m->arg, a, cid, term, event, why ? reason : NULL);
	}
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
		log_warn("mgc", NULL, "request from %s, which is not registered: refused", mid);
		h248_txn_error(
		    txn, 505, "Transaction Request Received before a Service Change Reply has been received");
	} else if (!n) {
		log_warn("mgc", NULL, "request from %s is neither a ServiceChange nor a Notify: refused",
			 mid);
		h248_txn_error(txn, 501, "Not Implemented: the MGC takes ServiceChange and Notify");
	} else {
		on_notify(m, a, txn, ctx, n);
	}
	g_free(mid);
}

/* ---- the periodic audit that finds a silent gateway ---- */

static void on_audited(void *arg, const struct mgc_result *r)
{
	struct mgc_agw *a = arg;
	a->auditing = false;
	(void)r; /* a timeout has already marked it lost */
}

static void on_audit(struct ev_loop *loop, void *arg)
{
	struct mgc *m = arg;
	for (unsigned i = 0; i < m->agws->len; i++) {
		struct mgc_agw *a = g_ptr_array_index(m->agws, i);
		if (a->up && !a->auditing)
			a->auditing = mgc_send(m, a, "Context = - { AuditValue = ROOT { Audit { } } }",
					       on_audited, a, NULL);
	}
	m->audit = ev_timer_add(loop, m->audit_ms, on_audit, m);
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
		if (a->to.conn == conn)
			lose(a, why);
	}
}

struct mgc *mgc_new(struct ev_loop *loop, const struct mgc_opts *o, const struct mgc_ops *ops, void *arg,
		    char **err)
{
	struct mgc *m = g_new0(struct mgc, 1);
	m->loop = loop, m->ops = *ops, m->arg = arg, m->audit_ms = o->audit_ms;
	m->agws = g_ptr_array_new();
	m->pending = g_hash_table_new_full(NULL, NULL, NULL, g_free);
	m->mid = o->mid_text;
	m->max_pending = o->max_pending ? o->max_pending : 256;
	m->strangers = m->takeovers = H248_REFUSALS("H.248 from");
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
	struct h248_tl_opts to = { .tmax_ms = o->timeout_ms, .version = 3, .mid = o->mid };
	static const struct h248_link_ops lops = { .recv = on_recv, .closed = on_closed };
	struct h248_link_opts lo = { .trace = o->trace };
	if (!(m->link = h248_link_new(loop, &o->local, &lo, &lops, m, err))) {
		mgc_free(m);
		return NULL;
	}
	static const struct h248_tl_ops tops = { .request = on_request, .admit = admit };
	m->tl = h248_tl_new(loop, m->link, &to, &tops, m);
	static const struct h248_mgc_ops aops = { .up = on_up, .down = on_down };
	m->assoc = h248_mgc_new(3, &aops, m);
	if (m->audit_ms)
		m->audit = ev_timer_add(loop, m->audit_ms, on_audit, m);
	return m;
}

void mgc_free(struct mgc *m)
{
	if (!m)
		return;
	if (m->audit)
		ev_timer_cancel(m->loop, m->audit);
	if (m->tl)
		h248_tl_free(m->tl);
	g_hash_table_destroy(m->pending);
	if (m->link)
		h248_link_free(m->link);
	if (m->assoc)
		h248_mgc_free(m->assoc);
	for (unsigned i = 0; i < m->agws->len; i++) {
		struct mgc_agw *a = g_ptr_array_index(m->agws, i);
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
