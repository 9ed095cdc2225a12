/* SPDX-License-Identifier: GPL-3.0-or-later */
/* assoc: ServiceChange registration, MG and MGC sides (see assoc.h). */
#include "config.h"
#include "assoc.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "parse.h"
#include "peers.h"

struct h248_mg {
	struct ev_loop *loop;
	struct h248_link *link;
	struct h248_tl *tl;
	struct h248_mg_opts o;
	struct h248_mg_ops ops;
	void *arg;
	struct h248_from mgc;
	char *mgc_mid; /* from the answer to our registration */
	bool registered, ever_registered;
	unsigned retry, version;
	uint32_t tid;
	struct ev_timer *timer;
	uint64_t heard;            /* when a message from the MGC last arrived */
	struct ev_timer *silence;  /* the probe of a silent MGC */
	uint32_t probe;            /* its Notify, awaiting the Reply */
	/* ROOT's it/ito as the MGC set it: set false is the provisioned event (RequestID 0, silence_ms) */
	bool ito_set;
	char *ito_rid;   /* NULL with ito_set: the MGC's Events hold no it/ito */
	unsigned mit_ms; /* with ito_rid: the MGC's maximum inactivity time */
};

/* The maximum inactivity time in force; 0: no inactivity Notify. */
static unsigned inactivity_ms(const struct h248_mg *mg)
{
	return !mg->ito_set ? mg->o.silence_ms : mg->ito_rid ? mg->mit_ms : 0;
}

/* An mId or a port (ServiceChangeAddress, MgcIdToTry) as an address: "[1.2.3.4]:2944", "[::1]:2944", or a
 * port on the current host. The mId is read by the codec's own rules. */
static bool address_of(struct h248_str v, const union sa *current, union sa *out)
{
	uint32_t port;
	if (h248_str_u32(v, &port)) {
		*out = *current;
		out->in.sin_port = htons((uint16_t)port); /* same offset in sin6 */
		return port > 0 && port < 65536;
	}
	struct h248_mid mid;
	if (!h248_mid_parse(v.p, v.n, &mid) || (mid.kind != H248_MID_IP4 && mid.kind != H248_MID_IP6) ||
	    mid.port <= 0)
		return false;
	char *host = g_strndup(mid.text.p, mid.text.n);
	bool ok = sa_from_text(out, host, (uint16_t)mid.port);
	g_free(host);
	return ok;
}

static void mg_register(struct h248_mg *mg);
static void watch_silence(struct h248_mg *mg);

static void on_retry(struct ev_loop *loop, void *arg)
{
	struct h248_mg *mg = arg;
	mg->timer = NULL;
	mg_register(mg);
}

static void retry_later(struct h248_mg *mg)
{
	ev_timer_cancel(mg->loop, mg->timer);
	mg->timer = ev_timer_add(mg->loop, mg->retry, on_retry, mg);
	mg->retry = MIN(mg->retry * 2, mg->o.retry_max_ms);
}

static void on_registration(void *arg, const struct h248_msg *msg, const struct h248_node *reply)
{
	struct h248_mg *mg = arg;
	char where[SA_TEXT_MAX];
	mg->tid = 0;
	sa_text(&mg->mgc.addr, where);
	if (!reply) {
		log_warn("h248", NULL, "registration with %s: no answer; trying again in %u ms", where,
			 mg->retry);
		retry_later(mg);
		return;
	}
	const struct h248_node *ctx = h248_child(reply, H248_TOK_CONTEXT, NULL);
	const struct h248_node *sc = ctx ? h248_child(ctx, H248_TOK_SERVICECHANGE, NULL) : NULL;
	const struct h248_node *err = h248_child(reply, H248_TOK_ERROR, NULL);
	if (!err && ctx)
		err = h248_child(ctx, H248_TOK_ERROR, NULL);
	if (!err && sc)
		err = h248_child(sc, H248_TOK_ERROR, NULL);
	if (err || !sc) {
		log_warn("h248", NULL, "registration with %s refused (%.*s); trying again in %u ms", where,
			 err ? (int)err->value.text.n : 2, err ? err->value.text.p : "no ServiceChange",
			 mg->retry);
		retry_later(mg);
		return;
	}
	const struct h248_node *sv = h248_child(sc, H248_TOK_SERVICES, NULL);
	const struct h248_node *to_try = sv ? h248_child(sv, H248_TOK_MGCIDTOTRY, NULL) : NULL;
	const struct h248_node *addr = sv ? h248_child(sv, H248_TOK_SERVICECHANGEADDRESS, NULL) : NULL;
	const struct h248_node *ver = sv ? h248_child(sv, H248_TOK_VERSION, NULL) : NULL;
	union sa next;
	if (to_try) {
		if (!address_of(to_try->value.text, &mg->mgc.addr, &next)) {
			log_warn("h248", NULL, "MgcIdToTry %.*s is not an address; staying with %s",
				 (int)to_try->value.text.n, to_try->value.text.p, where);
			retry_later(mg);
			return;
		}
		char there[SA_TEXT_MAX];
		log_notice("h248", NULL, "%s sends us to %s", where, sa_text(&next, there));
		mg->mgc = (struct h248_from){ .addr = next };
		mg_register(mg);
		return;
	}
	uint32_t v = mg->version;
	if (ver && (!h248_str_u32(ver->value.text, &v) || v < 1 || v > mg->version)) {
		log_warn("h248", NULL, "%s answered Version = %.*s, outside 1..%u; trying again", where,
			 (int)ver->value.text.n, ver->value.text.p, mg->version);
		retry_later(mg);
		return;
	}
	if (addr && address_of(addr->value.text, &mg->mgc.addr, &next) && !mg->mgc.conn)
		mg->mgc.addr = next;
	mg->version = v;
	h248_tl_set_version(mg->tl, v);
	g_free(mg->mgc_mid);
	mg->mgc_mid = h248_mid_key(&msg->mid);
	mg->registered = mg->ever_registered = true;
	mg->retry = mg->o.retry_ms;
	mg->ito_set = false, g_free(mg->ito_rid), mg->ito_rid = NULL; /* a new association: as provisioned */
	mg->heard = ev_now(mg->loop);
	watch_silence(mg);
	log_notice("h248", NULL, "registered with %s, version %u", sa_text(&mg->mgc.addr, where), v);
	if (mg->ops.registered)
		mg->ops.registered(mg->arg, v);
}

static void send_service_change(struct h248_mg *mg, enum h248_tok method, const char *reason,
				bool registration)
{
	struct h248_node *trans;
	struct h248_msg *m = h248_tl_new_request(mg->tl, &trans);
	struct h248_node *ctx = h248_add_token(m, trans, H248_TOK_CONTEXT, "-");
	struct h248_node *sc = h248_add_token(m, ctx, H248_TOK_SERVICECHANGE, "ROOT");
	struct h248_node *sv = h248_add_token(m, sc, H248_TOK_SERVICES, NULL);
	struct h248_node *meth = h248_add_token(m, sv, H248_TOK_METHOD, h248_tokens[method].pretty);
	meth->value.tok = method;
	struct h248_node *re = h248_add_token(m, sv, H248_TOK_REASON, reason);
	re->value.form = H248_VAL_QUOTED;
	if (registration) {
		char v[4], stamp[20];
		snprintf(v, sizeof v, "%u", mg->o.max_version);
		h248_add_token(m, sv, H248_TOK_VERSION, v);
		if (mg->o.profile)
			h248_add_token(m, sv, H248_TOK_PROFILE, mg->o.profile);
		h248_timestamp(stamp);
		struct h248_node *ts = h248_node_new(m, H248_NODE_ITEM, H248_TOK_NONE);
		ts->name = h248_cstr(m, stamp);
		h248_append(sv, ts);
	}
	/* registration is always offered at our highest version; the reply may lower it */
	if (registration)
		h248_tl_set_version(mg->tl, mg->o.max_version);
	mg->tid = h248_tl_send(mg->tl, &mg->mgc, m, registration ? on_registration : NULL, mg);
}

static void ignore_result(void *arg, const struct h248_msg *msg, const struct h248_node *reply)
{
}

static void mg_register(struct h248_mg *mg)
{
	if (mg->o.tcp && !mg->mgc.conn) {
		int rc = h248_link_connect(mg->link, &mg->mgc.addr, &mg->mgc.conn);
		if (rc < 0) {
			log_warn("h248", NULL, "connecting to the MGC: %s", g_strerror(-rc));
			retry_later(mg);
			return;
		}
	}
	mg->version = mg->o.max_version;
	g_free(mg->mgc_mid); /* the answer names it anew: the MGC may be another (MgcIdToTry) or renamed */
	mg->mgc_mid = NULL;
	bool again = mg->ever_registered;
	send_service_change(mg, again ? H248_TOK_DISCONNECTED : H248_TOK_RESTART,
			    again ? "900 Service Restored" : "901 Cold Boot", true);
	if (!mg->tid)
		retry_later(mg);
}

struct h248_mg *h248_mg_new(struct ev_loop *loop, struct h248_link *link, struct h248_tl *tl,
			    const struct h248_mg_opts *opts, const struct h248_mg_ops *ops, void *arg)
{
	struct h248_mg *mg = g_new0(struct h248_mg, 1);
	mg->loop = loop, mg->link = link, mg->tl = tl, mg->o = *opts, mg->ops = *ops, mg->arg = arg;
	mg->o.max_version = opts->max_version ? opts->max_version : 3;
	mg->o.retry_ms = opts->retry_ms ? opts->retry_ms : 1000;
	mg->o.retry_max_ms = opts->retry_max_ms ? opts->retry_max_ms : 30000;
	mg->retry = mg->o.retry_ms;
	mg->mgc.addr = opts->mgc;
	return mg;
}

void h248_mg_free(struct h248_mg *mg)
{
	if (!mg)
		return;
	if (mg->tid)
		h248_tl_cancel(mg->tl, mg->tid);
	if (mg->probe)
		h248_tl_cancel(mg->tl, mg->probe);
	ev_timer_cancel(mg->loop, mg->timer);
	ev_timer_cancel(mg->loop, mg->silence);
	g_free(mg->mgc_mid);
	g_free(mg->ito_rid);
	g_free(mg);
}

void h248_mg_start(struct h248_mg *mg)
{
	mg_register(mg);
}

void h248_mg_lost(struct h248_mg *mg, const char *why)
{
	if (!mg->registered)
		return; /* already trying */
	mg->registered = false;
	log_warn("h248", NULL, "contact with the MGC lost (%s): registering again", why);
	if (mg->ops.lost)
		mg->ops.lost(mg->arg, why);
	if (mg->mgc.conn) {
		h248_link_close(mg->link, mg->mgc.conn);
		mg->mgc.conn = 0;
	}
	mg_register(mg);
}

void h248_mg_conn_closed(struct h248_mg *mg, uint32_t conn)
{
	if (!conn || conn != mg->mgc.conn)
		return;
	mg->mgc.conn = 0;
	if (mg->tid) { /* a registration was under way on it */
		h248_tl_cancel(mg->tl, mg->tid);
		mg->tid = 0;
		retry_later(mg);
		return;
	}
	h248_mg_lost(mg, "the TCP connection to the MGC closed");
}

/* Is there an Error with code anywhere in n (a Reply: at its top, in a Context, in a command)? */
static bool has_error(const struct h248_node *n, unsigned code)
{
	for (const struct h248_node *c = n->first; c; c = c->next) {
		uint32_t v = 0;
		if ((c->kind == H248_NODE_TOKEN && c->tok == H248_TOK_ERROR && h248_str_u32(c->value.text, &v) &&
		     v == code) ||
		    has_error(c, code))
			return true;
	}
	return false;
}

bool h248_mg_check_reply(struct h248_mg *mg, const struct h248_node *reply, bool held)
{
	if (!reply || !mg->registered)
		return false;
	if (has_error(reply, 505))
		h248_mg_lost(mg, "the MGC answered 505: it does not know us (it restarted)");
	else if (held && has_error(reply, 411))
		h248_mg_lost(mg, "the MGC answered 411 about a context we hold: it does not know our contexts "
				 "(it restarted)");
	else
		return false;
	return true;
}

void h248_mg_heard(struct h248_mg *mg)
{
	mg->heard = ev_now(mg->loop);
}

static void on_probe_reply(void *arg, const struct h248_msg *msg, const struct h248_node *reply)
{
	struct h248_mg *mg = arg;
	mg->probe = 0;
	if (!reply)
		h248_mg_lost(mg, "the MGC was silent and did not answer our Notify ROOT {" H248_ITO "}");
	else if (!h248_mg_check_reply(mg, reply, false))
		mg->heard = ev_now(mg->loop), watch_silence(mg); /* answered: the MGC is there */
}

/* Notify = ROOT { ObservedEvents = RID { it/ito { mit = … } } }: H.248.14's inactivity event under the
 * MGC's RequestID (0 as provisioned), the MIT in units of 10 ms. The MGC that knows us answers it; a
 * restarted one answers 505. */
static void probe(struct h248_mg *mg)
{
	struct h248_node *trans;
	struct h248_msg *m = h248_tl_new_request(mg->tl, &trans);
	struct h248_node *n =
	    h248_add_token(m, h248_add_token(m, trans, H248_TOK_CONTEXT, "-"), H248_TOK_NOTIFY, "ROOT");
	struct h248_node *ev = h248_add_prop(
	    m, h248_add_token(m, n, H248_TOK_OBSERVEDEVENTS, mg->ito_rid ? mg->ito_rid : "0"), H248_ITO, NULL);
	char mit[12], stamp[20];
	snprintf(mit, sizeof mit, "%u", inactivity_ms(mg) / 10);
	h248_timestamp(stamp);
	ev->stamp = h248_cstr(m, stamp);
	h248_add_prop(m, ev, H248_ITO_MIT, mit);
	log_info("h248", NULL, "nothing heard from the MGC for %u ms: notifying it " H248_ITO " (RequestID %s)",
		 inactivity_ms(mg), mg->ito_rid ? mg->ito_rid : "0, provisioned");
	mg->probe = h248_tl_send(mg->tl, &mg->mgc, m, on_probe_reply, mg);
	if (!mg->probe)
		watch_silence(mg);
}

static void on_silence(struct ev_loop *loop, void *arg)
{
	struct h248_mg *mg = arg;
	mg->silence = NULL;
	if (!mg->registered || mg->probe)
		return;
	if (ev_now(loop) < mg->heard + inactivity_ms(mg))
		watch_silence(mg);
	else
		probe(mg);
}

/* While registered: a timer due when silence_ms will have passed since the MGC was last heard. */
static void watch_silence(struct h248_mg *mg)
{
	ev_timer_cancel(mg->loop, mg->silence);
	mg->silence = NULL;
	if (!inactivity_ms(mg) || !mg->registered)
		return;
	uint64_t now = ev_now(mg->loop), due = MAX(mg->heard + inactivity_ms(mg), now + 1);
	mg->silence = ev_timer_add(mg->loop, due - now, on_silence, mg);
}

void h248_mg_set_inactivity(struct h248_mg *mg, const char *rid, unsigned mit_ms)
{
	g_free(mg->ito_rid);
	mg->ito_set = true, mg->ito_rid = g_strdup(rid), mg->mit_ms = mit_ms			    ? mit_ms
									  : mg->o.silence_ms ? mg->o.silence_ms
											     : 10000;
	if (rid)
		log_notice("h248", NULL, "the MGC asks for " H248_ITO " (RequestID %s) after %u ms without a message "
					 "from it", rid, mg->mit_ms);
	else
		log_notice("h248", NULL, "the MGC's Events on ROOT leave out " H248_ITO ": no inactivity Notify");
	watch_silence(mg);
}

const char *h248_mg_inactivity(const struct h248_mg *mg, unsigned *mit_ms)
{
	*mit_ms = inactivity_ms(mg);
	return mg->ito_set ? mg->ito_rid : NULL;
}

bool h248_mg_is_registered(const struct h248_mg *mg)
{
	return mg->registered;
}

const struct h248_from *h248_mg_mgc(const struct h248_mg *mg)
{
	return &mg->mgc;
}

const char *h248_mg_mgc_mid(const struct h248_mg *mg)
{
	return mg->mgc_mid;
}

bool h248_mg_from_mgc(const struct h248_mg *mg, const struct h248_msg *msg, const struct h248_from *from)
{
	if (mg->mgc.conn ? from->conn != mg->mgc.conn : from->conn || !sa_equal(&from->addr, &mg->mgc.addr))
		return false;
	if (!msg || !mg->mgc_mid)
		return true;
	char *mid = h248_mid_key(&msg->mid);
	bool same = !strcmp(mid, mg->mgc_mid);
	g_free(mid);
	return same;
}

void h248_mg_service_change(struct h248_mg *mg, enum h248_tok method, const char *reason)
{
	struct h248_node *trans;
	struct h248_msg *m = h248_tl_new_request(mg->tl, &trans);
	struct h248_node *ctx = h248_add_token(m, trans, H248_TOK_CONTEXT, "-");
	struct h248_node *sv = h248_add_token(m, h248_add_token(m, ctx, H248_TOK_SERVICECHANGE, "ROOT"),
					      H248_TOK_SERVICES, NULL);
	h248_add_token(m, sv, H248_TOK_METHOD, h248_tokens[method].pretty)->value.tok = method;
	h248_add_token(m, sv, H248_TOK_REASON, reason)->value.form = H248_VAL_QUOTED;
	h248_tl_send(mg->tl, &mg->mgc, m, ignore_result, NULL);
	mg->registered = false;
}

/* ---- MGC side ---- */

struct h248_mgc {
	unsigned max_version;
	struct h248_mgc_ops ops;
	void *arg;
};

struct h248_mgc *h248_mgc_new(unsigned max_version, const struct h248_mgc_ops *ops, void *arg)
{
	struct h248_mgc *mgc = g_new0(struct h248_mgc, 1);
	mgc->max_version = max_version ? max_version : 3;
	mgc->ops = *ops, mgc->arg = arg;
	return mgc;
}

void h248_mgc_free(struct h248_mgc *mgc)
{
	g_free(mgc);
}

static void reply_error(struct h248_txn *txn, unsigned code, const char *text)
{
	struct h248_node *reply;
	struct h248_msg *m = h248_txn_new_reply(txn, &reply);
	struct h248_node *ctx = h248_add_token(m, reply, H248_TOK_CONTEXT, "-");
	h248_add_error(m, h248_add_token(m, ctx, H248_TOK_SERVICECHANGE, "ROOT"), code, text);
	h248_txn_reply(txn, m);
}

bool h248_mgc_handle(struct h248_mgc *mgc, struct h248_txn *txn, const struct h248_msg *msg,
		     const struct h248_node *trans)
{
	const struct h248_node *ctx = h248_child(trans, H248_TOK_CONTEXT, NULL);
	const struct h248_node *sc = ctx ? h248_child(ctx, H248_TOK_SERVICECHANGE, NULL) : NULL;
	if (!sc || !h248_str_caseeq(sc->value.text, "ROOT"))
		return false;
	char *mid = h248_mid_key(&msg->mid);
	const struct h248_node *sv = h248_child(sc, H248_TOK_SERVICES, NULL);
	const struct h248_node *method = sv ? h248_child(sv, H248_TOK_METHOD, NULL) : NULL;
	const struct h248_node *reason = sv ? h248_child(sv, H248_TOK_REASON, NULL) : NULL;
	const struct h248_node *ver = sv ? h248_child(sv, H248_TOK_VERSION, NULL) : NULL;
	if (!method || !reason) { /* both REQUIRED (§7.2.8) */
		log_warn("h248", NULL, "ServiceChange from %s without %s", mid, method ? "Reason" : "Method");
		reply_error(txn, 472, method ? "Reason is required" : "Method is required");
		g_free(mid);
		return true;
	}
	enum h248_tok how = method->value.tok;
	if (how == H248_TOK_GRACEFUL || how == H248_TOK_FORCED) {
		struct h248_node *reply;
		struct h248_msg *m = h248_txn_new_reply(txn, &reply);
		h248_add_token(m, h248_add_token(m, reply, H248_TOK_CONTEXT, "-"), H248_TOK_SERVICECHANGE,
			       "ROOT");
		h248_txn_reply(txn, m);
		log_notice("h248", NULL, "MG %s out of service (%s)", mid, h248_tokens[how].pretty);
		if (mgc->ops.down)
			mgc->ops.down(mgc->arg, mid, h248_tokens[how].pretty);
		g_free(mid);
		return true;
	}
	uint32_t v = msg->version;
	if (ver && (!h248_str_u32(ver->value.text, &v) || v < 1)) {
		reply_error(txn, 449, "Version is not a version number");
		g_free(mid);
		return true;
	}
	unsigned agreed = MIN(v, mgc->max_version);
	struct h248_node *reply;
	struct h248_msg *m = h248_txn_new_reply(txn, &reply);
	struct h248_node *rsc = h248_add_token(m, h248_add_token(m, reply, H248_TOK_CONTEXT, "-"),
					       H248_TOK_SERVICECHANGE, "ROOT");
	char vtext[12];
	snprintf(vtext, sizeof vtext, "%u", agreed);
	h248_add_token(m, h248_add_token(m, rsc, H248_TOK_SERVICES, NULL), H248_TOK_VERSION, vtext);
	struct h248_from from = *h248_txn_from(txn); /* the transaction is gone once answered */
	h248_txn_reply(txn, m);
	log_notice("h248", NULL, "MG %s registered (%s), version %u", mid,
		   h248_tokens[how ? how : H248_TOK_RESTART].pretty, agreed);
	if (mgc->ops.up)
		mgc->ops.up(mgc->arg, mid, &from, agreed);
	struct h248_str r = reason->value.text;
	if (r.n && r.p[0] == '"')
		r.p++, r.n--;
	bool cold = (!how || how == H248_TOK_RESTART) && r.n >= 3 && !memcmp(r.p, "901", 3);
	if (!cold && mgc->ops.may_hold)
		mgc->ops.may_hold(mgc->arg, mid, h248_tokens[how ? how : H248_TOK_RESTART].pretty);
	g_free(mid);
	return true;
}
