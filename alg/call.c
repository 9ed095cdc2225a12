/* call: see call.h. The H.248 text of each step is written here; mgc sends it and reads the Reply. */
#include "config.h"
#include "call.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "transport.h"
#include "wire.h"

enum step { IDLE, RESERVE_CORE, RESERVE_ACCESS, OFFERED, CONFIGURE, ACTIVE };
static const char *const step_names[] = { "idle",    "reserve-core", "reserve-access",
					  "offered", "configure",    "active" };

/* One m= line the gateway carries: its two terminations and what each side was told. */
struct leg {
	char term[32];
	char addr[64];
	unsigned port;
	char fingerprint[224]; /* the gateway's, access leg of e2ae only */
	enum msdp_setup setup; /* the gateway's a=setup on this leg */
};

struct line {
	enum media_mode mode;
	struct media_line offer, answer;
	struct leg access, core;
};

struct call {
	struct calls *cs;
	char *id;
	bool orig;
	struct media_policy policy;
	enum step step;
	struct mgc_agw *agw;
	char ctx[16];
	unsigned n; /* m= lines */
	struct line lines[MEDIA_MAX_LINES];
	char *sdp; /* the body being worked on */
	size_t len;
	call_next *next;
	void *next_arg;
	uint32_t tid;
	unsigned rid; /* Events request ids */
	void *owner;
};

struct calls {
	struct mgc *mgc;
	const struct alg_config *cfg;
	struct call_ops ops;
	void *arg;
	GHashTable *live; /* struct call * set */
};

#define W(c, id) ((c)->cs->cfg->wire.text[WIRE_##id])

static void step_to(struct call *c, enum step s)
{
	const struct log_ids ids = { .call = c->id, .ctx = *c->ctx ? c->ctx : NULL };
	log_debug("call", &ids, "[%s] -> [%s]", step_names[c->step], step_names[s]);
	c->step = s;
}

static bool carried(const struct line *l)
{
	return l->mode != MEDIA_PASS;
}

/* The leg facing the side that answers (originating: the core) and the one facing the offerer. */
static struct leg *answerer_leg(const struct call *c, struct line *l)
{
	return c->orig ? &l->core : &l->access;
}

static struct leg *offerer_leg(const struct call *c, struct line *l)
{
	return c->orig ? &l->access : &l->core;
}

/* ---- H.248 text ---- */

/* Whether the line runs over UDP (T.38): no TCP setup toward the core, no TCP events. */
static bool dgram(const struct line *l)
{
	return media_dgram(&l->offer);
}

/* latch: the gateway sends to the source of what it receives (a UE behind a NAT), and with filter takes
 * only that source once latched. */
static void put_control(struct call *c, GString *s, const char *realm, bool filter, bool latch)
{
	g_string_append_printf(s, "LocalControl { Mode = SendReceive, %s = %s", W(c, REALM), realm);
	if (latch)
		g_string_append_printf(s, ", %s = on", W(c, LATCH));
	if (filter)
		g_string_append_printf(s, ", %s = on, %s = on", W(c, SAF), W(c, SPF));
	g_string_append(s, " }");
}

/* What the gateway reports on a leg: (D)TLS's outcome when it terminates it, TCP's failure on TCP. */
static void put_events(struct call *c, GString *s, const struct line *l, bool tls)
{
	if (tls && dgram(l))
		g_string_append_printf(s, ", Events = %u { %s, %s }", ++c->rid, W(c, TLS_UP), W(c, TLS_FAIL));
	else if (tls)
		g_string_append_printf(s, ", Events = %u { %s, %s, %s }", ++c->rid, W(c, TLS_UP),
				       W(c, TLS_FAIL), W(c, TCP_FAIL));
	else if (!dgram(l))
		g_string_append_printf(s, ", Events = %u { %s }", ++c->rid, W(c, TCP_FAIL));
}

static bool e2ae(const struct line *l)
{
	return l->mode == MEDIA_E2AE;
}

/* The access leg's Add. Originating: Remote is the UE's offer; terminating: none yet. */
static void add_access(struct call *c, GString *s, struct line *l, const struct media_line *remote,
		       bool establish)
{
	bool tls = e2ae(l), aware = c->cs->cfg->aware;
	const char *proto = media_agw_proto(&l->offer, tls, aware);
	g_string_append(s, "Add = $ { Media { Stream = 1 { ");
	bool natted = c->policy.merge && dgram(l); /* UDP behind a NAT: latch onto it, and only it */
	put_control(c, s, "access", natted, natted);
	g_string_append(s, ",\n");
	media_put_desc(s, "Local", &l->offer, NULL, 0, proto, l->access.setup, tls ? "$" : NULL, NULL);
	if (remote) {
		g_string_append(s, ",\n");
		media_put_desc(s, "Remote", remote, remote->addr, remote->port, proto, remote->setup,
			       tls ? remote->fingerprints : NULL, NULL);
	}
	g_string_append(s, " } }");
	put_events(c, s, l, tls);
	/* NOTE 2's combined Add is also steps 16-18: the TLS direction, as the signal (D)TLS waits for */
	if (establish && tls && l->access.setup == MSDP_SETUP_ACTIVE)
		g_string_append_printf(s, ", Signals { %s }", W(c, TLS_EST));
	g_string_append(s, " }");
}

/* The core leg's Add, with the offerer's Remote when terminating. */
static void add_core(struct call *c, GString *s, struct line *l, const struct media_line *remote)
{
	const char *proto = media_agw_proto(&l->offer, false, c->cs->cfg->aware);
	g_string_append(s, "Add = $ { Media { Stream = 1 { ");
	put_control(c, s, "core", c->cs->cfg->syn_filter && !remote, false);
	g_string_append(s, ",\n");
	media_put_desc(s, "Local", &l->offer, NULL, 0, proto, l->core.setup, NULL, NULL);
	if (remote) {
		g_string_append(s, ",\n");
		media_put_desc(s, "Remote", remote, remote->addr, remote->port, proto, remote->setup, NULL,
			       NULL);
	}
	g_string_append(s, " } }");
	put_events(c, s, l, false);
	g_string_append(s, " }");
}

/* ---- results ---- */

/* Reads the Local of an Add's reply into leg. */
static bool read_local(struct leg *leg, const struct mgc_result *r, unsigned i)
{
	struct msdp d;
	char *err = NULL;
	if (i >= r->n || !msdp_parse(r->cmd[i].local, strlen(r->cmd[i].local), &d, &err) || !d.port) {
		g_free(err);
		return false;
	}
	g_strlcpy(leg->term, r->cmd[i].term, sizeof leg->term);
	g_strlcpy(leg->addr, d.addr, sizeof leg->addr);
	leg->port = d.port;
	if (d.nfingerprints)
		snprintf(leg->fingerprint, sizeof leg->fingerprint, "%s %s", d.fingerprints[0].hash,
			 d.fingerprints[0].value);
	return true;
}

static void finish(struct call *c, int status, const char *phrase, char *body)
{
	call_next *next = c->next;
	void *arg = c->next_arg;
	c->next = NULL, c->tid = 0;
	g_free(c->sdp), c->sdp = NULL;
	if (next)
		next(arg, status, phrase, body);
	else
		g_free(body);
}

/* The gateway said no, or nothing: the request fails and nothing stays allocated. */
static bool failed(struct call *c, const struct mgc_result *r, const char *what)
{
	if (!r->timeout && !r->error)
		return false;
	const struct log_ids ids = { .call = c->id, .ctx = *c->ctx ? c->ctx : NULL };
	if (r->timeout) {
		log_warn("call", &ids, "[%s] %s: %s", step_names[c->step], what, r->reason);
		finish(c, 500, "Media Gateway Not Reachable", NULL);
	} else {
		log_warn("call", &ids, "[%s] %s: error %u %s", step_names[c->step], what, r->error,
			 r->reason);
		finish(c, 488, "Not Acceptable Here (media gateway refused)", NULL);
	}
	return true;
}

static bool send_txn(struct call *c, GString *actions, mgc_done *done)
{
	bool ok = mgc_send(c->cs->mgc, c->agw, actions->str, done, c, &c->tid);
	g_string_free(actions, TRUE);
	if (!ok)
		finish(c, 500, "Media Gateway Not Reachable", NULL);
	return ok;
}

static void context_open(struct call *c, GString *s)
{
	g_string_append_printf(s, "Context = %s {\n", *c->ctx ? c->ctx : "$");
}

/* ---- the rewritten SDP ---- */

/* The offer toward the answerer: originating toward the core, terminating toward the UE. */
static char *offer_out(struct call *c)
{
	struct media_edit e[MEDIA_MAX_LINES] = { 0 };
	for (unsigned i = 0; i < c->n; i++) {
		struct line *l = &c->lines[i];
		if (!carried(l))
			continue;
		struct leg *to = answerer_leg(c, l);
		e[i] = (struct media_edit){ .edit = true, .addr = to->addr, .port = to->port };
		if (e2ae(l) && c->orig)
			e[i].proto = media_proto(&l->offer, false), e[i].drop_fingerprints = true,
			e[i].drop_3ge2ae = true, e[i].drop_setup = dgram(l);
		else if (e2ae(l))
			e[i].proto = media_proto(&l->offer, true), e[i].fingerprint = to->fingerprint,
			e[i].applied = true, e[i].setup = MSDP_SETUP_ACTPASS;
		/* merge mode: the gateway's role, so that the UE answers active */
		if (!c->orig && c->policy.merge && (!dgram(l) || e2ae(l)))
			e[i].setup = MSDP_SETUP_PASSIVE;
	}
	return media_rewrite(c->sdp, c->len, e, c->n);
}

static char *answer_out(struct call *c)
{
	struct media_edit e[MEDIA_MAX_LINES] = { 0 };
	for (unsigned i = 0; i < c->n; i++) {
		struct line *l = &c->lines[i];
		if (!carried(l))
			continue;
		struct leg *to = offerer_leg(c, l);
		e[i] = (struct media_edit){
			.edit = true, .addr = to->addr, .port = to->port, .setup = to->setup
		};
		if (e2ae(l) && c->orig)
			e[i].proto = media_proto(&l->answer, true), e[i].fingerprint = to->fingerprint;
		else if (e2ae(l))
			e[i].proto = media_proto(&l->answer, false), e[i].drop_fingerprints = true,
			e[i].drop_setup = dgram(l);
	}
	return media_rewrite(c->sdp, c->len, e, c->n);
}

static void offered(struct call *c)
{
	step_to(c, OFFERED);
	finish(c, 0, NULL, offer_out(c));
}

/* ---- the offer ---- */

static void on_second_add(void *arg, const struct mgc_result *r)
{
	struct call *c = arg;
	if (failed(c, r, c->orig ? "reserving the access leg" : "reserving the core leg"))
		return;
	unsigned k = 0;
	for (unsigned i = 0; i < c->n; i++) {
		struct line *l = &c->lines[i];
		if (e2ae(l) && !read_local(offerer_leg(c, l), r, k++)) {
			finish(c, 500, "Media Gateway Answer Unreadable", NULL);
			return;
		}
	}
	offered(c);
}

/* The second Add of the offer: the e2ae lines' other leg (unless NOTE 2 defers it to the answer). */
static void second_add(struct call *c)
{
	if (c->cs->cfg->combined) {
		offered(c);
		return;
	}
	bool any = false;
	GString *s = g_string_new(NULL);
	context_open(c, s);
	for (unsigned i = 0; i < c->n; i++) {
		struct line *l = &c->lines[i];
		if (!e2ae(l))
			continue;
		g_string_append(s, any ? ",\n" : "");
		if (c->orig)
			add_access(c, s, l, &l->offer, false);
		else
			add_core(c, s, l, &l->offer);
		any = true;
	}
	g_string_append(s, "\n}");
	if (!any) {
		g_string_free(s, TRUE);
		offered(c);
		return;
	}
	step_to(c, c->orig ? RESERVE_ACCESS : RESERVE_CORE);
	send_txn(c, s, on_second_add);
}

static void on_first_add(void *arg, const struct mgc_result *r)
{
	struct call *c = arg;
	if (failed(c, r, c->orig ? "reserving the core leg" : "reserving the access leg"))
		return;
	g_strlcpy(c->ctx, r->ctx, sizeof c->ctx);
	unsigned k = 0;
	for (unsigned i = 0; i < c->n; i++) {
		struct line *l = &c->lines[i];
		if (carried(l) && !read_local(answerer_leg(c, l), r, k++)) {
			finish(c, 500, "Media Gateway Answer Unreadable", NULL);
			return;
		}
	}
	second_add(c);
}

/* Whether a re-offer keeps every line as it was: then nothing at the gateway changes (open point 1). */
static bool same_media(const struct call *c, const struct media_sdp *m)
{
	if (m->n != c->n)
		return false;
	for (unsigned i = 0; i < c->n; i++) {
		const struct media_line *a = &m->lines[i], *b = &c->lines[i].offer;
		if (strcmp(a->proto, b->proto) || strcmp(a->fingerprints, b->fingerprints) ||
		    a->port != b->port || strcmp(a->addr, b->addr))
			return false;
	}
	return true;
}

/* Takes the body an offer or answer brings and who hears of the outcome; false (answered 400) when
 * sofia-sip cannot read it. */
static bool take_sdp(struct call *c, const char *what, const char *sdp, size_t len, call_next *next,
		     void *arg, struct media_sdp *m)
{
	char *err = NULL;
	c->next = next, c->next_arg = arg;
	if (!media_read(sdp, len, m, &err)) {
		const struct log_ids ids = { .call = c->id, .ctx = *c->ctx ? c->ctx : NULL };
		log_notice("call", &ids, "[%s] %s refused: %s", step_names[c->step], what, err);
		char *phrase = g_strdup_printf("Bad SDP: %s", g_str_has_prefix(err, "SDP: ") ? err + 5 : err);
		finish(c, 400, phrase, NULL);
		g_free(phrase), g_free(err);
		return false;
	}
	g_free(c->sdp), c->sdp = g_strndup(sdp, len), c->len = len;
	return true;
}

/* The UE's certificate named with a hash the policy does not take (its offer, or its answer when
 * terminating) on a line whose TLS the gateway terminates: refused now, 488, before the gateway is asked
 * anything, rather than answered and failed at the handshake. */
static bool refused_weak(struct call *c, bool answer)
{
	for (unsigned i = 0; i < c->n; i++) {
		const struct line *l = &c->lines[i];
		const char *weak =
		    e2ae(l) ? media_weak_fingerprint(answer ? &l->answer : &l->offer, &c->policy) : NULL;
		if (weak) {
			const struct log_ids ids = { .call = c->id, .ctx = *c->ctx ? c->ctx : NULL };
			log_notice("call", &ids, "[%s] m=%s: the UE's fingerprint uses %s: refused",
				   step_names[c->step], l->offer.media, weak);
			finish(c, 488, "Not Acceptable Here (fingerprint hash too weak)", NULL);
			return true;
		}
	}
	return false;
}

void call_offer(struct call *c, const char *sdp, size_t len, call_next *next, void *arg)
{
	const struct log_ids ids = { .call = c->id, .ctx = *c->ctx ? c->ctx : NULL };
	struct media_sdp m;
	if (!take_sdp(c, "offer", sdp, len, next, arg, &m))
		return;
	if (c->step == ACTIVE) { /* a re-offer */
		if (!same_media(c, &m)) {
			log_notice("call", &ids, "[active] re-offer changes the media: refused");
			finish(c, 488, "Not Acceptable Here (media change)", NULL);
			return;
		}
		log_info("call", &ids,
			 "[active] re-offer keeps transport and fingerprints: gateway untouched");
		finish(c, 0, NULL, offer_out(c));
		return;
	}
	if (c->step != IDLE) {
		finish(c, 491, "Request Pending", NULL);
		return;
	}
	c->n = m.n;
	bool any = false;
	for (unsigned i = 0; i < m.n; i++) {
		struct line *l = &c->lines[i];
		l->offer = m.lines[i];
		l->mode = media_decide(&l->offer, c->orig, &c->policy);
		any |= carried(l);
		/* the gateway's a=setup on each leg, as far as the offer tells it: it offers actpass onward
		 * and takes the other role toward the offerer */
		answerer_leg(c, l)->setup = MSDP_SETUP_ACTPASS;
		offerer_leg(c, l)->setup =
		    l->offer.setup == MSDP_SETUP_ACTIVE ? MSDP_SETUP_PASSIVE : MSDP_SETUP_ACTIVE;
		/* TS 23.334 §6.2.18.4: the UE's own SYN (or ClientHello) opens its NAT */
		if (c->policy.merge)
			l->access.setup = MSDP_SETUP_PASSIVE;
		if (dgram(l)) { /* UDP has no setup; DTLS's role is the access leg's alone */
			l->core.setup = MSDP_SETUP_NONE;
			if (!e2ae(l))
				l->access.setup = MSDP_SETUP_NONE;
		}
		static const char *const modes[] = { "pass", "e2e", "e2ae" };
		log_info("call", &ids, "[idle] m=%s %s: %s", l->offer.media, l->offer.proto, modes[l->mode]);
	}
	if (c->orig && refused_weak(c, false))
		return;
	if (!any) {
		step_to(c, ACTIVE);
		finish(c, 0, NULL, NULL);
		return;
	}
	if (!(c->agw = mgc_pick(c->cs->mgc))) {
		log_warn("call", &ids, "[idle] no media gateway is registered");
		finish(c, 500, "No Media Gateway Available", NULL);
		return;
	}
	GString *s = g_string_new("Context = $ {\n");
	bool first = true;
	for (unsigned i = 0; i < c->n; i++) {
		struct line *l = &c->lines[i];
		if (!carried(l))
			continue;
		g_string_append(s, first ? "" : ",\n");
		if (c->orig)
			add_core(c, s, l, NULL);
		else
			add_access(c, s, l, NULL, false);
		first = false;
	}
	g_string_append(s, "\n}");
	step_to(c, c->orig ? RESERVE_CORE : RESERVE_ACCESS);
	send_txn(c, s, on_first_add);
}

/* ---- the answer ---- */

/* Whether term names one of the call's terminations already. */
static bool known(const struct call *c, const char *term)
{
	for (unsigned i = 0; i < c->n; i++)
		if (!strcmp(c->lines[i].access.term, term) || !strcmp(c->lines[i].core.term, term))
			return true;
	return false;
}

static void on_configured(void *arg, const struct mgc_result *r)
{
	struct call *c = arg;
	if (failed(c, r, "configuring the legs with the answer"))
		return;
	unsigned k = 0; /* the Adds of this transaction answer the lines that needed one, in order */
	for (unsigned i = 0; i < c->n; i++) {
		struct line *l = &c->lines[i];
		if (!carried(l) || (e2ae(l) && !c->cs->cfg->combined))
			continue;
		while (k < r->n && known(c, r->cmd[k].term))
			k++;
		if (!read_local(offerer_leg(c, l), r, k++)) {
			finish(c, 500, "Media Gateway Answer Unreadable", NULL);
			return;
		}
	}
	step_to(c, ACTIVE);
	finish(c, 0, NULL, answer_out(c));
}

/* Originating: the core leg learns the answerer's address; the access leg, added now for e2e (and for
 * e2ae under NOTE 2), gets the TLS direction. */
static void configure_orig(struct call *c, GString *s, struct line *l)
{
	bool tls = e2ae(l);
	const char *plain = media_agw_proto(&l->offer, false, c->cs->cfg->aware);
	enum msdp_setup v = l->answer.setup ? l->answer.setup : MSDP_SETUP_ACTIVE;
	if (!tls && !dgram(l) && !c->policy.merge)
		l->access.setup = v; /* the UE sees the answerer's direction: TLS runs end to end */
	if (!tls || c->cs->cfg->combined) {
		add_access(c, s, l, &l->offer, true);
		g_string_append(s, ",\n");
	}
	enum msdp_setup core = v == MSDP_SETUP_PASSIVE && !dgram(l) ? MSDP_SETUP_ACTIVE : MSDP_SETUP_NONE;
	g_string_append_printf(s, "Modify = %s { Media { Stream = 1 { ", l->core.term);
	if (c->cs->cfg->syn_filter)
		g_string_append_printf(s, "LocalControl { %s = on, %s = on },\n", W(c, SAF), W(c, SPF));
	if (core) {
		l->core.setup = core;
		media_put_desc(s, "Local", &l->offer, l->core.addr, l->core.port, plain, core, NULL, NULL);
		g_string_append(s, ",\n");
	}
	media_put_desc(s, "Remote", &l->answer, l->answer.addr, l->answer.port, plain, v, NULL, NULL);
	g_string_append(s, " } } }");
	if (tls && l->access.setup == MSDP_SETUP_ACTIVE && !c->cs->cfg->combined)
		g_string_append_printf(s, ",\nModify = %s { Signals { %s } }", l->access.term, W(c, TLS_EST));
}

/* Terminating: the access leg gets the UE's Remote (its fingerprint) and the TLS direction; the core leg,
 * added now for e2e (and for e2ae under NOTE 2), faces the offerer. */
static void configure_term(struct call *c, GString *s, struct line *l)
{
	bool tls = e2ae(l);
	const char *proto = media_agw_proto(&l->offer, tls, c->cs->cfg->aware);
	enum msdp_setup u = l->answer.setup ? l->answer.setup : MSDP_SETUP_ACTIVE;
	if (!tls && !dgram(l))
		l->core.setup = u;
	/* the UE passive: the gateway connects and starts (D)TLS; in merge mode it stays passive (TS 23.334
	 * §6.2.18.4), and a UE that will not connect fails as the gateway's notifications then say */
	bool turn = u == MSDP_SETUP_PASSIVE && !c->policy.merge;
	if (!tls || c->cs->cfg->combined) {
		add_core(c, s, l, &l->offer);
		g_string_append(s, ",\n");
	}
	g_string_append_printf(s, "Modify = %s { Media { Stream = 1 { ", l->access.term);
	if (turn) {
		l->access.setup = MSDP_SETUP_ACTIVE;
		media_put_desc(s, "Local", &l->offer, l->access.addr, l->access.port, proto,
			       MSDP_SETUP_ACTIVE, tls ? l->access.fingerprint : NULL, NULL);
		g_string_append(s, ",\n");
	}
	media_put_desc(s, "Remote", &l->answer, l->answer.addr, l->answer.port, proto, u,
		       tls ? l->answer.fingerprints : NULL, NULL);
	g_string_append(s, " } }");
	if (tls && turn)
		g_string_append_printf(s, ", Signals { %s }", W(c, TLS_EST));
	g_string_append(s, " }");
}

void call_answer(struct call *c, const char *sdp, size_t len, call_next *next, void *arg)
{
	const struct log_ids ids = { .call = c->id, .ctx = *c->ctx ? c->ctx : NULL };
	struct media_sdp m;
	if (!take_sdp(c, "answer", sdp, len, next, arg, &m))
		return;
	if (c->step == ACTIVE) { /* the same answer again (200 after 183), or the answer to a re-offer */
		finish(c, 0, NULL, answer_out(c));
		return;
	}
	if (c->step != OFFERED || m.n != c->n) {
		log_notice("call", &ids, "[%s] answer with %u m= lines to an offer of %u: refused",
			   step_names[c->step], m.n, c->n);
		finish(c, 488, "Not Acceptable Here (answer does not match the offer)", NULL);
		return;
	}
	for (unsigned i = 0; i < c->n; i++)
		c->lines[i].answer = m.lines[i];
	if (!c->orig && refused_weak(c, true))
		return;
	GString *s = g_string_new(NULL);
	context_open(c, s);
	bool first = true;
	for (unsigned i = 0; i < c->n; i++) {
		struct line *l = &c->lines[i];
		if (!carried(l))
			continue;
		if (!l->answer.port) { /* refused by the answerer: the line stays as it is */
			l->mode = MEDIA_PASS;
			continue;
		}
		g_string_append(s, first ? "" : ",\n");
		if (c->orig)
			configure_orig(c, s, l);
		else
			configure_term(c, s, l);
		first = false;
	}
	g_string_append(s, "\n}");
	if (first) {
		g_string_free(s, TRUE);
		step_to(c, ACTIVE);
		finish(c, 0, NULL, answer_out(c));
		return;
	}
	step_to(c, CONFIGURE);
	send_txn(c, s, on_configured);
}

/* ---- life ---- */

struct call *call_new(struct calls *cs, const char *id, bool originating, const struct media_policy *p)
{
	struct call *c = g_new0(struct call, 1);
	c->cs = cs, c->id = g_strdup(id), c->orig = originating, c->policy = *p;
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
	g_free(c->sdp), g_free(c->id);
	g_free(c);
}

void call_end(struct call *c, const char *why)
{
	const struct log_ids ids = { .call = c->id, .ctx = *c->ctx ? c->ctx : NULL };
	log_info("call", &ids, "[%s] ends: %s", step_names[c->step], why);
	if (c->tid)
		mgc_cancel(c->cs->mgc, c->tid);
	if (*c->ctx && c->agw && mgc_agw_up(c->agw)) {
		char *s = g_strdup_printf("Context = %s { Subtract = * }", c->ctx);
		mgc_send(c->cs->mgc, c->agw, s, NULL, NULL, NULL);
		g_free(s);
	}
	g_hash_table_remove(c->cs->live, c);
	call_free(c);
}

/* ---- the gateway's own news ---- */

static struct call *by_context(struct calls *cs, struct mgc_agw *agw, const char *ctx)
{
	GHashTableIter it;
	gpointer key;
	g_hash_table_iter_init(&it, cs->live);
	while (g_hash_table_iter_next(&it, &key, NULL)) {
		struct call *c = key;
		if (c->agw == agw && !strcmp(c->ctx, ctx))
			return c;
	}
	return NULL;
}

void calls_gateway_event(struct calls *cs, struct mgc_agw *agw, const char *ctx, const char *term,
			 const char *event, const char *reason)
{
	struct call *c = by_context(cs, agw, ctx);
	if (!c)
		return;
	const struct log_ids ids = { .call = c->id, .ctx = ctx, .term = term };
	log_info("call", &ids, "[%s] %s%s%s", step_names[c->step], event, reason ? ": " : "",
		 reason ? reason : "");
	const struct wire_names *w = &cs->cfg->wire;
	if (strcmp(event, w->text[WIRE_TLS_FAIL]) && strcmp(event, w->text[WIRE_TCP_FAIL]))
		return;
	if (!strcmp(event, w->text[WIRE_TCP_FAIL]) && reason && strstr(reason, WIRE_REASON_NOT_REMOTE)) {
		log_notice("call", &ids, "the gateway refused a stranger's connection; the leg waits on");
		return; /* a stranger cannot end the call by connecting first */
	}
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
	return cs;
}

void calls_free(struct calls *cs)
{
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
