/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mg: executing the MGC's transactions (see mg.h).
 *
 * Commands of a transaction run in order; the first that fails ends the transaction (H.248.1 §8)
 * unless it is marked optional ("O-"), and its reply carries the Error descriptor. A context created
 * by "$" that ends the transaction empty is not kept. */
#include "config.h"
#include "mg_int.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "build.h"
#include "cert.h"
#include "grammar.h"
#include "log.h"
#include "msdp.h"
#include "msrp.h"
#include "transport.h"

struct beat {
	struct agw_mg *mg;
	struct agw_term *t;
	struct ev_timer *timer;
};

/* A Notify awaiting its Reply, and the context it is about. */
struct note {
	struct agw_mg *mg;
	uint32_t ctx;
};

bool mg_fail(struct fault *f, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof f->text, fmt, ap);
	va_end(ap);
	for (char *c = f->text; *c; c++)
		if (*c == '"')
			*c = '\''; /* the text goes in a quoted string */
	f->code = code;
	return false;
}

struct agw_mg *agw_mg_new(struct ev_loop *loop, struct h248_tl *tl, struct h248_mg *assoc,
			  struct agw_store *store, const struct wire_names *wire,
			  const struct profile *profile, const struct tls_identity *identity,
			  const struct agw_mg_hooks *hooks)
{
	g_assert(profile->terms_per_context <= AGW_MAX_TERMS); /* a command's targets fit its array */
	struct agw_mg *mg = g_new0(struct agw_mg, 1);
	*mg = (struct agw_mg){ .loop = loop,
			       .tl = tl,
			       .assoc = assoc,
			       .store = store,
			       .wire = wire,
			       .profile = profile,
			       .identity = identity,
			       .hooks = hooks ? *hooks : (struct agw_mg_hooks){ 0 } };
	mg->heartbeats = g_hash_table_new(NULL, NULL);
	mg->notes = g_hash_table_new_full(NULL, NULL, g_free, NULL);
	return mg;
}

void agw_mg_free(struct agw_mg *mg)
{
	if (!mg)
		return;
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, mg->heartbeats);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct beat *b = v;
		ev_timer_cancel(mg->loop, b->timer);
		g_free(b);
	}
	g_hash_table_destroy(mg->heartbeats);
	g_hash_table_destroy(mg->notes); /* their Replies will not be heard of */
	g_free(mg);
}

/* ---- Notify ---- */

/* 505, or 411 about a context we still hold: an MGC that restarted; we register with it again. A 411
 * about a context gone by now (the Notify crossed its Subtract) is no news. */
static void notified(void *arg, const struct h248_msg *msg, const struct h248_node *reply)
{
	struct note *n = arg;
	struct agw_mg *mg = n->mg;
	bool held = agw_ctx_find(mg->store, n->ctx) != NULL;
	g_hash_table_remove(mg->notes, n); /* frees n */
	if (!reply && mg->assoc)
		h248_mg_lost(mg->assoc, "a Notify was not answered");
	else if (mg->assoc)
		h248_mg_check_reply(mg->assoc, reply, held);
}

static bool requested(const struct agw_term *t, const char *name)
{
	for (char **e = t->events; e && *e; e++)
		if (!g_ascii_strcasecmp(*e, name))
			return true;
	return false;
}

void agw_mg_event(struct agw_mg *mg, struct agw_term *t, enum wire_ie event, const char *reason)
{
	const struct log_ids ids = { .ctx = agw_term_ctx(t), .term = t->id };
	if (!t->events_set || !requested(t, wire(mg, event))) {
		log_debug("mg", &ids, "%s happened, not requested", wire(mg, event));
		return;
	}
	if (!mg->assoc || !h248_mg_is_registered(mg->assoc)) {
		log_warn("mg", &ids, "%s not notified: not registered with an MGC", wire(mg, event));
		return;
	}
	struct h248_node *trans;
	struct h248_msg *m = h248_tl_new_request(mg->tl, &trans);
	char ctx[12], when[20];
	snprintf(ctx, sizeof ctx, "%u", t->ctx->id);
	h248_timestamp(when);
	struct h248_node *n =
	    h248_add_token(m, h248_add_token(m, trans, H248_TOK_CONTEXT, ctx), H248_TOK_NOTIFY, t->id);
	struct h248_node *oe =
	    h248_add_token(m, n, H248_TOK_OBSERVEDEVENTS, t->events_rid ? t->events_rid : "0");
	struct h248_node *ev = h248_add_prop(m, oe, wire(mg, event), NULL);
	ev->stamp = h248_cstr(m, when);
	if (reason) {
		char *clean = g_strdup(reason);
		g_strdelimit(clean, "\"", '\'');
		h248_add_prop(m, ev, "reason", clean)->value.form = H248_VAL_QUOTED;
		g_free(clean);
	}
	log_info("mg", &ids, "notifying %s%s%s", wire(mg, event), reason ? ": " : "", reason ? reason : "");
	struct note *note = g_new(struct note, 1);
	*note = (struct note){ mg, t->ctx->id };
	if (h248_tl_send(mg->tl, h248_mg_mgc(mg->assoc), m, notified, note))
		g_hash_table_add(mg->notes, note);
	else
		g_free(note);
}

static void on_heartbeat(struct ev_loop *loop, void *arg)
{
	struct beat *b = arg;
	b->timer = ev_timer_add(loop, b->t->heartbeat_s * 1000u, on_heartbeat, b);
	agw_mg_event(b->mg, b->t, WIRE_HEARTBEAT, NULL);
}

static void heartbeat_stop(struct agw_mg *mg, struct agw_term *t)
{
	struct beat *b = g_hash_table_lookup(mg->heartbeats, t);
	if (b) {
		ev_timer_cancel(mg->loop, b->timer);
		g_hash_table_remove(mg->heartbeats, t);
		g_free(b);
	}
}

void mg_heartbeat_update(struct agw_mg *mg, struct agw_term *t)
{
	heartbeat_stop(mg, t);
	if (!t->heartbeat_s || !requested(t, wire(mg, WIRE_HEARTBEAT)))
		return;
	struct beat *b = g_new(struct beat, 1);
	*b = (struct beat){ mg, t, ev_timer_add(mg->loop, t->heartbeat_s * 1000u, on_heartbeat, b) };
	g_hash_table_insert(mg->heartbeats, t, b);
}

void agw_mg_release(struct agw_mg *mg, struct agw_term *t)
{
	heartbeat_stop(mg, t);
}

/* ---- replies ---- */

static void add_error(struct h248_msg *m, struct h248_node *parent, const struct fault *f)
{
	h248_add_error(m, parent, (unsigned)f->code, f->text);
}

static void add_number(struct h248_msg *m, struct h248_node *parent, const char *name, uint64_t v)
{
	char text[24];
	snprintf(text, sizeof text, "%" G_GUINT64_FORMAT, v);
	h248_add_prop(m, parent, name, text);
}

static void add_statistics(struct agw_mg *mg, struct h248_msg *m, struct h248_node *parent,
			   const struct agw_term *t)
{
	struct h248_node *sa = h248_add_token(m, parent, H248_TOK_STATISTICS, NULL);
	add_number(m, sa, wire(mg, WIRE_OCTETS_SENT), t->octets_sent);
	add_number(m, sa, wire(mg, WIRE_OCTETS_RECEIVED), t->octets_received);
	const struct tp_bearer *b = t->has_local ? tp_bearer_of(t->local.proto) : NULL;
	if (!b || !b->dgram) { /* TCP traffic volume (tcptv, H.248.84): a UDP termination has none */
		add_number(m, sa, wire(mg, WIRE_PACKETS_SENT), t->packets_sent);
		add_number(m, sa, wire(mg, WIRE_PACKETS_RECEIVED), t->packets_received);
	}
	add_number(m, sa, wire(mg, WIRE_DURATION), (ev_now(mg->loop) - t->created_ms) / 1000);
	if (t->tman.set_pol) /* H.248.53's policer statistic, on a termination the MGC set policing on */
		add_number(m, sa, wire(mg, WIRE_TMAN_DROPPED), t->policed);
}

/* Media { Stream = 1 { Local { body } } }: the Local the gateway chose, in its reply. */
static void add_local(struct h248_msg *m, struct h248_node *parent, const char *body)
{
	struct h248_node *media = h248_add_token(m, parent, H248_TOK_MEDIA, NULL);
	struct h248_node *stream = h248_add_token(m, media, H248_TOK_STREAM, "1");
	h248_add_octets(m, stream, H248_TOK_LOCAL, body, strlen(body));
}

/* LocalControl's properties as the MGC set them: ds, tman, rtcph (the others are not returned yet). */
static void add_controls(const struct agw_mg *mg, struct h248_msg *m, struct h248_node *lc,
			 const struct agw_term *t)
{
	const struct agw_tman *tm = &t->tman;
	if (t->dscp >= 0)
		add_number(m, lc, wire(mg, WIRE_DSCP), (uint64_t)t->dscp);
	if (tm->set_pol)
		h248_add_prop(m, lc, wire(mg, WIRE_TMAN_POL), tm->pol ? "on" : "off");
	const struct {
		enum wire_ie ie;
		uint32_t v;
		bool given;
	} octets[] = { { WIRE_TMAN_SDR, tm->sdr, tm->sdr },
		       { WIRE_TMAN_MBS, tm->mbs, tm->mbs },
		       { WIRE_TMAN_PDR, tm->pdr, tm->pdr },
		       { WIRE_TMAN_DVT, tm->dvt, tm->set_dvt } };
	for (size_t i = 0; i < G_N_ELEMENTS(octets); i++)
		if (octets[i].given)
			add_number(m, lc, wire(mg, octets[i].ie), octets[i].v);
	if (t->rtcp_alloc >= 0)
		h248_add_prop(m, lc, wire(mg, WIRE_RTCP_ALLOC), t->rtcp_alloc ? "on" : "off");
}

static void add_media(const struct agw_mg *mg, struct h248_msg *m, struct h248_node *parent,
		      const struct agw_term *t)
{
	struct h248_node *media = h248_add_token(m, parent, H248_TOK_MEDIA, NULL);
	struct h248_node *stream = h248_add_token(m, media, H248_TOK_STREAM, "1");
	bool controls = t->dscp >= 0 || t->tman.set_pol || t->tman.sdr || t->tman.mbs || t->tman.pdr ||
			t->tman.set_dvt || t->rtcp_alloc >= 0;
	if (t->mode || controls) {
		struct h248_node *lc = h248_add_token(m, stream, H248_TOK_LOCALCONTROL, NULL);
		if (t->mode)
			h248_add_token_tok(m, lc, H248_TOK_MODE, (enum h248_tok)t->mode);
		add_controls(mg, m, lc, t);
	}
	if (t->has_local)
		h248_add_octets(m, stream, H248_TOK_LOCAL, t->local_text, strlen(t->local_text));
	if (t->has_remote)
		h248_add_octets(m, stream, H248_TOK_REMOTE, t->remote_text, strlen(t->remote_text));
}

/* The Packages descriptor: what the gateway's profile row uses, truthfully (profiles/profile.c). */
static void add_packages(struct agw_mg *mg, struct h248_msg *m, struct h248_node *parent)
{
	struct h248_node *pg = h248_add_token(m, parent, H248_TOK_PACKAGES, NULL);
	char **pkgs = profile_packages(mg->profile, mg->wire);
	for (char **p = pkgs; *p; p++) {
		h248_append(pg, h248_node_new(m, H248_NODE_ITEM, H248_TOK_NONE));
		pg->last->name = h248_cstr(m, *p);
	}
	g_strfreev(pkgs);
}

/* What an Audit descriptor asks for (an absent descriptor: fallback). */
static bool audit_asks(const struct h248_node *cmd, enum h248_tok what, bool fallback)
{
	const struct h248_node *a = h248_child(cmd, H248_TOK_AUDIT, NULL);
	return a ? h248_child(a, what, NULL) != NULL : fallback;
}

/* ---- commands ---- */

struct action {
	struct agw_mg *mg;
	struct h248_msg *rm;
	struct h248_node *rctx; /* the reply's Context */
	struct agw_ctx *ctx;    /* NULL: the null context */
	bool choose, created;
};

/* The reply to a command for its i-th termination: r itself, then one more per termination a wildcard
 * matched; each names its termination. */
static struct h248_node *reply_for(struct action *a, struct h248_node *r, unsigned i,
				   const struct agw_term *t)
{
	struct h248_node *ri = i ? h248_add_token(a->rm, a->rctx, r->tok, NULL) : r;
	ri->value.form = H248_VAL_WORD;
	ri->value.text = h248_cstr(a->rm, t->id);
	return ri;
}

static struct agw_term *term_in_ctx(struct action *a, struct h248_str id, struct fault *f)
{
	char *name = text_of(id);
	struct agw_term *t = agw_term_find(a->mg->store, name);
	if (!t)
		mg_fail(f, 430, "unknown termination %s", name);
	else if (t->ctx != a->ctx)
		t = NULL,
		mg_fail(f, 435, "termination %s is not in context %s", name, a->ctx ? "this one" : "-");
	g_free(name);
	return t;
}

static bool need_ctx(struct action *a, struct fault *f)
{
	if (a->ctx)
		return true;
	if (!a->choose)
		return mg_fail(f, 421, "terminations cannot be added to the null context");
	a->ctx = agw_ctx_new(a->mg->store);
	a->created = true;
	return true;
}

/* Whether a's context may take one more termination (434 when not). */
static bool room_for_term(struct action *a, struct fault *f)
{
	unsigned most = a->mg->profile->terms_per_context;
	return a->ctx->nterms < most ||
	       mg_fail(f, 434, "context %u already holds %u terminations", a->ctx->id, most);
}

static bool cmd_add(struct action *a, const struct h248_node *cmd, struct h248_node *r, struct fault *f)
{
	struct agw_mg *mg = a->mg;
	if (!h248_str_eq(cmd->value.text, "$")) {
		char *name = text_of(cmd->value.text);
		struct agw_term *t = agw_term_find(mg->store, name);
		bool ok =
		    t ? mg_fail(f, 433, "termination %s is already in a context", name)
		      : mg_fail(f, 430,
				"unknown termination %s: the gateway's terminations are ephemeral, use $",
				name);
		g_free(name);
		return ok;
	}
	struct change ch;
	if (!mg_read_change(mg, cmd, NULL, &ch, f))
		return false;
	if (!need_ctx(a, f) || !room_for_term(a, f)) {
		mg_change_clear(&ch);
		return false;
	}
	struct agw_term *t = agw_term_new(mg->store, a->ctx, ch.realm);
	t->created_ms = ev_now(mg->loop);
	if (!mg_apply_change(mg, t, &ch, f)) {
		agw_term_free(mg->store, t);
		return false;
	}
	r->value.text = h248_cstr(a->rm, t->id);
	if (t->has_local)
		add_local(a->rm, r, t->local_text);
	const struct log_ids ids = { .ctx = agw_term_ctx(t), .term = t->id };
	log_info("mg", &ids, "added: %s %s, port %u in realm %s", t->local.media, t->local.proto, t->port,
		 t->realm->name);
	return true;
}

/* The terminations a command names in the action's context: one, or every one for "*". */
static bool targets_of(struct action *a, const struct h248_node *cmd, struct agw_term *targets[AGW_MAX_TERMS],
		       unsigned *n, struct fault *f)
{
	if (!h248_str_eq(cmd->value.text, "*")) {
		targets[0] = term_in_ctx(a, cmd->value.text, f);
		*n = 1;
		return targets[0] != NULL;
	}
	if (!a->ctx->nterms)
		return mg_fail(f, 431, "no termination matches * in context %u", a->ctx->id);
	memcpy(targets, a->ctx->terms, a->ctx->nterms * sizeof *targets);
	*n = a->ctx->nterms;
	return true;
}

/* Modify = ROOT { Events = RID { it/ito { mit = N } } }: H.248.14's inactivity timer, the one thing of
 * ROOT the MGC may set here; Events without it/ito turn the Notify off. mit in 10 ms units, 1 s to a
 * day (a shorter one would have us notify more often than any MGC answers). */
static bool modify_root(struct action *a, const struct h248_node *cmd, struct h248_node *r, struct fault *f)
{
	struct agw_mg *mg = a->mg;
	const struct h248_node *events = NULL;
	for (const struct h248_node *d = cmd->first; d; d = d->next)
		if (d->tok == H248_TOK_EVENTS)
			events = d;
		else if (d->tok != H248_TOK_AUDIT)
			return mg_fail(f, 445, "ROOT has no property the MGC can modify here");
	if (a->ctx || a->choose)
		return mg_fail(f, 435, "ROOT is in the null context, not this one");
	r->value.text = H248_STR("ROOT");
	if (!events)
		return true;
	const struct h248_node *ito = NULL;
	for (const struct h248_node *e = events->first; e; e = e->next)
		if (e->kind != H248_NODE_PROP || !h248_str_caseeq(e->name, H248_ITO) ||
		    !mg->profile->inactivity)
			return mg_fail(f, 512, "the gateway cannot detect %.*s on ROOT",
				       e->kind == H248_NODE_PROP ? (int)e->name.n : 5,
				       e->kind == H248_NODE_PROP ? e->name.p : "this");
		else
			ito = e;
	const struct h248_node *mit = ito ? h248_prop(ito, H248_ITO_MIT) : NULL;
	uint32_t units = 0;
	if (mit && (!h248_str_u32(mit->value.text, &units) || units < 100 || units > 8640000))
		return mg_fail(f, 449, H248_ITO_MIT " = %.*s: expected 10 ms units from 100 to 8640000",
			       (int)mit->value.text.n, mit->value.text.p);
	for (const struct h248_node *p = ito ? ito->first : NULL; p; p = p->next)
		if (p != mit)
			return mg_fail(f, 446, "%s takes no parameter but " H248_ITO_MIT, H248_ITO);
	char *rid = ito ? text_of(events->value.text) : NULL;
	h248_mg_set_inactivity(mg->assoc, rid, units * 10);
	g_free(rid);
	return true;
}

static bool cmd_modify(struct action *a, const struct h248_node *cmd, struct h248_node *r, struct fault *f)
{
	struct agw_mg *mg = a->mg;
	if (h248_str_caseeq(cmd->value.text, "ROOT"))
		return modify_root(a, cmd, r, f);
	if (!a->ctx)
		return mg_fail(f, 421, "Modify of a termination needs its context");
	struct agw_term *targets[AGW_MAX_TERMS];
	unsigned n;
	if (!targets_of(a, cmd, targets, &n, f))
		return false;
	for (unsigned i = 0; i < n; i++) {
		struct change ch;
		struct h248_node *ri = reply_for(a, r, i, targets[i]);
		if (!mg_read_change(mg, cmd, targets[i], &ch, f) || !mg_apply_change(mg, targets[i], &ch, f))
			return false;
		if (ch.local && targets[i]->has_local)
			add_local(a->rm, ri, targets[i]->local_text);
	}
	return true;
}

static bool cmd_subtract(struct action *a, const struct h248_node *cmd, struct h248_node *r, struct fault *f)
{
	struct agw_mg *mg = a->mg;
	if (!a->ctx)
		return mg_fail(f, 421, "Subtract from the null context is not allowed");
	struct agw_term *targets[AGW_MAX_TERMS];
	unsigned n;
	if (!targets_of(a, cmd, targets, &n, f))
		return false;
	bool stats = audit_asks(cmd, H248_TOK_STATISTICS, true); /* returned unless an Audit says otherwise */
	for (unsigned i = 0; i < n; i++) {
		struct h248_node *ri = reply_for(a, r, i, targets[i]);
		if (stats)
			add_statistics(mg, a->rm, ri, targets[i]);
		const struct log_ids ids = { .ctx = agw_term_ctx(targets[i]), .term = targets[i]->id };
		log_info("mg", &ids,
			 "subtracted: %" G_GUINT64_FORMAT " octets sent, %" G_GUINT64_FORMAT " received",
			 targets[i]->octets_sent, targets[i]->octets_received);
		if (targets[i]->tman.set_pol) /* TCP legs pause instead of dropping (agw/police.c) */
			log_info("mg", &ids,
				 "policed: %" G_GUINT64_FORMAT
				 " datagrams dropped, reading paused %" G_GUINT64_FORMAT
				 " times for %" G_GUINT64_FORMAT " ms",
				 targets[i]->policed, targets[i]->pauses, targets[i]->paused_us / 1000);
		agw_term_free(mg->store, targets[i]);
	}
	return true;
}

static bool cmd_move(struct action *a, const struct h248_node *cmd, struct h248_node *r, struct fault *f)
{
	struct agw_mg *mg = a->mg;
	char *name = text_of(cmd->value.text);
	struct agw_term *t = agw_term_find(mg->store, name);
	bool ok = t != NULL;
	if (!ok)
		mg_fail(f, 430, "unknown termination %s", name);
	g_free(name);
	if (!ok || !need_ctx(a, f))
		return false;
	if (t->ctx == a->ctx)
		return true;
	if (!room_for_term(a, f))
		return false;
	struct change ch;
	if (!mg_read_change(mg, cmd, t, &ch, f))
		return false;
	struct agw_ctx *from = t->ctx;
	agw_term_move(t, a->ctx);
	if (!from->nterms)
		agw_ctx_free(mg->store, from);
	return mg_apply_change(mg, t, &ch, f);
}

/* ROOT's Events as the MGC set them: "Events = RID { it/ito { mit = N } }"; nothing when it set none. */
static void add_root_events(struct agw_mg *mg, struct h248_msg *rm, struct h248_node *r)
{
	unsigned ms;
	const char *rid = h248_mg_inactivity(mg->assoc, &ms);
	if (!rid)
		return;
	char mit[12];
	snprintf(mit, sizeof mit, "%u", ms / 10);
	struct h248_node *ito =
	    h248_add_prop(rm, h248_add_token(rm, r, H248_TOK_EVENTS, rid), H248_ITO, NULL);
	h248_add_prop(rm, ito, H248_ITO_MIT, mit);
}

static void audit_term(struct agw_mg *mg, struct h248_msg *rm, struct h248_node *r,
		       const struct h248_node *cmd, const struct agw_term *t)
{
	if (audit_asks(cmd, H248_TOK_MEDIA, false))
		add_media(mg, rm, r, t);
	if (audit_asks(cmd, H248_TOK_EVENTS, false) && t->events_set) {
		struct h248_node *e = h248_add_token(rm, r, H248_TOK_EVENTS, t->events_rid);
		for (char **name = t->events; *name; name++)
			h248_add_prop(rm, e, *name, NULL);
	}
	if (audit_asks(cmd, H248_TOK_STATISTICS, false))
		add_statistics(mg, rm, r, t);
	if (audit_asks(cmd, H248_TOK_PACKAGES, false))
		add_packages(mg, rm, r);
}

static bool cmd_audit(struct action *a, const struct h248_node *cmd, struct h248_node *r, struct fault *f)
{
	struct agw_mg *mg = a->mg;
	if (h248_str_caseeq(cmd->value.text, "ROOT")) {
		r->value.text = H248_STR("ROOT");
		if (audit_asks(cmd, H248_TOK_PACKAGES, cmd->tok == H248_TOK_AUDITCAP))
			add_packages(mg, a->rm, r);
		if (cmd->tok == H248_TOK_AUDITVALUE && audit_asks(cmd, H248_TOK_EVENTS, false))
			add_root_events(mg, a->rm, r);
		return true;
	}
	if (h248_str_eq(cmd->value.text, "*")) {
		if (!a->ctx || !a->ctx->nterms)
			return mg_fail(f, 431, "no termination matches *");
		for (unsigned i = 0; i < a->ctx->nterms; i++) {
			struct h248_node *ri = reply_for(a, r, i, a->ctx->terms[i]);
			audit_term(mg, a->rm, ri, cmd, a->ctx->terms[i]);
		}
		return true;
	}
	struct agw_term *t = term_in_ctx(a, cmd->value.text, f);
	if (!t)
		return false;
	audit_term(mg, a->rm, r, cmd, t);
	return true;
}

static bool cmd_service_change(struct action *a, const struct h248_node *cmd, struct h248_node *r,
			       struct fault *f)
{
	if (!h248_str_caseeq(cmd->value.text, "ROOT"))
		return mg_fail(f, 501, "ServiceChange from the MGC is supported on ROOT only");
	const struct h248_node *sv = h248_child(cmd, H248_TOK_SERVICES, NULL);
	const struct h248_node *method = sv ? h248_child(sv, H248_TOK_METHOD, NULL) : NULL;
	log_notice("mg", NULL, "ServiceChange from the MGC: %s",
		   method && method->value.tok ? h248_tokens[method->value.tok].pretty : "?");
	r->value.text = H248_STR("ROOT");
	return true;
}

static bool run_command(struct action *a, const struct h248_node *cmd, struct fault *f)
{
	struct h248_node *r = h248_add_token(a->rm, a->rctx, cmd->tok, NULL);
	r->value.form = H248_VAL_WORD;
	r->value.text =
	    cmd->value.text.n ? h248_str_dup(a->rm, cmd->value.text.p, cmd->value.text.n) : H248_STR("-");
	bool ok;
	switch (cmd->tok) {
	case H248_TOK_ADD:
		ok = cmd_add(a, cmd, r, f);
		break;
	case H248_TOK_MODIFY:
		ok = cmd_modify(a, cmd, r, f);
		break;
	case H248_TOK_SUBTRACT:
		ok = cmd_subtract(a, cmd, r, f);
		break;
	case H248_TOK_MOVE:
		ok = cmd_move(a, cmd, r, f);
		break;
	case H248_TOK_AUDITVALUE:
	case H248_TOK_AUDITCAP:
		ok = cmd_audit(a, cmd, r, f);
		break;
	case H248_TOK_SERVICECHANGE:
		ok = cmd_service_change(a, cmd, r, f);
		break;
	default:
		ok = mg_fail(f, 443, "%s is not a command the gateway takes", h248_tokens[cmd->tok].pretty);
	}
	if (!ok)
		add_error(a->rm, r, f);
	return ok;
}

/* Context = * { Subtract = * }: every context goes, with its terminations, ports and legs (a restarted
 * MGC clearing what an earlier association left, H.248.1 §11.5). Each context's reply as its own
 * Subtract would give; none held: "Context = * { Subtract = * }". False when act is anything else. */
static bool subtract_all(struct agw_mg *mg, struct h248_msg *rm, struct h248_node *reply,
			 const struct h248_node *act)
{
	const struct h248_node *cmd = NULL;
	for (const struct h248_node *c = act->first; c; c = c->next)
		if (grammar_is_command(c->tok) &&
		    (cmd || c->tok != H248_TOK_SUBTRACT || !h248_str_eq(c->value.text, "*")))
			return false;
		else if (grammar_is_command(c->tok))
			cmd = c;
	if (!cmd)
		return false;
	unsigned n;
	struct agw_ctx **all = agw_ctx_all(mg->store, &n);
	log_notice("mg", NULL, "the MGC subtracts every context: %u held", n);
	for (unsigned i = 0; i < n; i++) {
		char text[12];
		snprintf(text, sizeof text, "%u", all[i]->id);
		struct action a = { .mg = mg, .rm = rm, .ctx = all[i] };
		a.rctx = h248_add_token(rm, reply, H248_TOK_CONTEXT, text);
		struct fault f = { 0 };
		run_command(&a, cmd, &f);
		if (!all[i]->nterms)
			agw_ctx_free(mg->store, all[i]);
	}
	g_free(all);
	if (!n)
		h248_add_token(rm, h248_add_token(rm, reply, H248_TOK_CONTEXT, "*"), H248_TOK_SUBTRACT, "*");
	return true;
}

/* Runs one action; false when a command failed and the transaction ends. */
static bool run_action(struct agw_mg *mg, struct h248_msg *rm, struct h248_node *reply,
		       const struct h248_node *act)
{
	struct action a = { .mg = mg, .rm = rm };
	struct fault f = { 0 };
	struct h248_str id = act->value.text;
	uint32_t num = 0;
	a.rctx = h248_add_token(rm, reply, H248_TOK_CONTEXT, "-");
	a.choose = h248_str_eq(id, "$");
	if (a.choose || h248_str_eq(id, "-")) {
		/* a context made by the first Add, or the null context: a.ctx stays NULL for now */
	} else if (h248_str_eq(id, "*") && subtract_all(mg, rm, reply, act)) {
		return true;
	} else if (h248_str_eq(id, "*")) {
		mg_fail(&f, 501, "Context = * is supported with Subtract = * alone");
		add_error(rm, a.rctx, &f);
		return false;
	} else if (!h248_str_u32(id, &num) || !(a.ctx = agw_ctx_find(mg->store, num))) {
		a.rctx->value.text = h248_str_dup(rm, id.p, id.n);
		mg_fail(&f, 411, "unknown context %.*s", (int)id.n, id.p);
		add_error(rm, a.rctx, &f);
		return false;
	}
	bool ok = true;
	for (const struct h248_node *c = act->first; c && ok; c = c->next) {
		if (!grammar_is_command(c->tok))
			continue; /* context properties (Priority, Emergency, Topology …): nothing to do for a
				     relay */
		ok = run_command(&a, c, &f) || (c->flags & H248_F_OPTIONAL);
	}
	if (a.ctx && (a.ctx->nterms || !a.created)) {
		char text[12];
		snprintf(text, sizeof text, "%u", a.ctx->id);
		a.rctx->value.text = h248_cstr(rm, text);
	}
	if (a.ctx && !a.ctx->nterms) /* what Subtract emptied, or a "$" whose Add failed, is not kept */
		agw_ctx_free(mg->store, a.ctx);
	return ok;
}

void agw_mg_execute(struct agw_mg *mg, struct h248_txn *txn, const struct h248_msg *msg,
		    const struct h248_node *trans)
{
	struct h248_node *reply;
	struct h248_msg *rm = h248_txn_new_reply(txn, &reply);
	for (const struct h248_node *act = trans->first; act; act = act->next)
		if (act->tok == H248_TOK_CONTEXT && !run_action(mg, rm, reply, act))
			break;
	h248_txn_reply(txn, rm);
}
