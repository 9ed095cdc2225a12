/* SPDX-License-Identifier: GPL-3.0-or-later */
/* call: one call's steps (see call.h); calls.c holds the set of calls. The H.248 commands of each step
 * are built in call_h248.c, the changes a re-offer makes in call_reoffer.c; mgc sends them and reads the
 * Reply. */
#include "config.h"
#include "call_int.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "build.h"
#include "log.h"
#include "transport.h"
#include "wire.h"

const char *const call_step_names[] = { "idle",    "reserve-core", "reserve-access",
					"offered", "configure",    "active" };

void call_step_to(struct call *c, enum step s)
{
	const struct log_ids ids = CALL_IDS(c);
	log_debug("call", &ids, "[%s] -> [%s]", call_step_names[c->step], call_step_names[s]);
	c->step = s;
	c->answered |= s == ACTIVE;
}

/* ---- results ---- */

/* s, an id of a Reply shorter than dst (the caller checked), into dst, terminated. */
static void copy_id(char *dst, struct h248_str s)
{
	if (s.n)
		memcpy(dst, s.p, s.n);
	dst[s.n] = '\0';
}

/* Reads the Local of an Add's reply into leg: its SDP parsed once, where the Reply holds it. A
 * termination id the leg cannot hold whole is unreadable (never cut). */
static bool read_local(struct call_leg *leg, const struct mgc_result *r, unsigned i)
{
	struct msdp d = { 0 };
	char *err = NULL;
	const struct mgc_cmd *cmd = i < r->n ? &r->cmd[i] : NULL;
	struct h248_str sdp = cmd && cmd->local ? h248_sdp(cmd->local) : H248_STR("");
	bool ok = cmd && cmd->term.n < sizeof leg->term && msdp_parse(sdp.p, sdp.n, &d, &err) && d.port;
	if (ok) {
		copy_id(leg->term, cmd->term);
		g_strlcpy(leg->addr, d.addr, sizeof leg->addr);
		leg->port = d.port;
		if (d.nfingerprints)
			snprintf(leg->fingerprint, sizeof leg->fingerprint, "%s %s", d.fingerprints[0].hash,
				 d.fingerprints[0].value);
	}
	g_free(err);
	msdp_clear(&d);
	return ok;
}

void call_finish(struct call *c, int status, const char *phrase, char *body)
{
	call_next *next = c->next;
	void *arg = c->next_arg;
	if (c->offering && !status) /* the offer goes on: its answer is awaited, a first one */
		c->outstanding = true, c->reanswer = false, c->offer_seq++;
	c->offering = false;
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
	if (r->timeout)
		log_warn("call", &ids, "[%s] %s: %s", call_step_names[c->step], what, r->reason);
	else
		log_warn("call", &ids, "[%s] %s: error %u %s", call_step_names[c->step], what, r->error,
			 r->reason);
	if (c->reoffer) /* RFC 3261 §14.1: a failed re-INVITE leaves the session as it was */
		call_reoffer_undo(c, true);
	/* last: the answer may end the call (an initial INVITE's failure frees c) */
	if (r->timeout)
		call_finish(c, 500, "Media Gateway Not Reachable", NULL);
	else
		call_finish(c, 488, "Not Acceptable Here (media gateway refused)", NULL);
	return true;
}

/* The gateway's Reply cannot be read: the request fails as one refused would (a re-offer undone). */
static void unreadable(struct call *c)
{
	if (c->reoffer)
		call_reoffer_undo(c, true);
	call_finish(c, 500, "Media Gateway Answer Unreadable", NULL); /* last: it may free c */
}

bool call_send(struct call *c, struct h248_msg *actions, mgc_done *done)
{
	bool ok = mgc_send(c->cs->mgc, c->agw, actions, done, c, &c->tid);
	if (!ok) {
		if (c->reoffer)
			call_reoffer_undo(c, false);
		call_finish(c, 500, "Media Gateway Not Reachable", NULL); /* last: it may free c */
	}
	return ok;
}

/* ---- the rewritten SDP ---- */

/* The offer toward the answerer: originating toward the core, terminating toward the UE. */
char *call_offer_out(struct call *c)
{
	struct media_edit e[MEDIA_MAX_LINES] = { 0 };
	for (unsigned i = 0; i < c->n; i++) {
		struct line *l = &c->lines[i];
		if (!call_carried(l))
			continue;
		struct call_leg *to = call_answerer_leg(c, l);
		e[i] = (struct media_edit){ .edit = true, .addr = to->addr, .port = to->port };
		if (call_e2ae(l) && c->ue_offers)
			e[i].proto = media_proto(&l->offer, false), e[i].drop_fingerprints = true,
			e[i].drop_3ge2ae = true, e[i].drop_setup = call_dgram(l);
		else if (call_e2ae(l))
			e[i].proto = media_proto(&l->offer, true), e[i].fingerprint = to->fingerprint,
			e[i].applied = true, e[i].setup = MSDP_SETUP_ACTPASS;
		/* merge mode: the gateway's role, so that the UE answers active */
		if (!c->ue_offers && c->policy.merge && (!call_dgram(l) || call_e2ae(l)))
			e[i].setup = MSDP_SETUP_PASSIVE;
	}
	return media_rewrite(c->sdp, c->len, e, c->n);
}

static char *answer_out(struct call *c)
{
	struct media_edit e[MEDIA_MAX_LINES] = { 0 };
	for (unsigned i = 0; i < c->n; i++) {
		struct line *l = &c->lines[i];
		if (!call_carried(l))
			continue;
		struct call_leg *to = call_offerer_leg(c, l);
		e[i] = (struct media_edit){
			.edit = true, .addr = to->addr, .port = to->port, .setup = to->setup
		};
		if (call_e2ae(l) && c->ue_offers)
			e[i].proto = media_proto(&l->answer, true), e[i].fingerprint = to->fingerprint;
		else if (call_e2ae(l))
			e[i].proto = media_proto(&l->answer, false), e[i].drop_fingerprints = true,
			e[i].drop_setup = call_dgram(l);
	}
	return media_rewrite(c->sdp, c->len, e, c->n);
}

void call_offered(struct call *c)
{
	call_step_to(c, OFFERED);
	call_finish(c, 0, NULL, call_offer_out(c));
}

/* ---- the offer ---- */

static void on_second_add(void *arg, const struct mgc_result *r)
{
	struct call *c = arg;
	if (failed(c, r, c->ue_offers ? "reserving the access leg" : "reserving the core leg"))
		return;
	unsigned k = 0;
	for (unsigned i = 0; i < c->n; i++) {
		struct line *l = &c->lines[i];
		if (call_e2ae(l) && l->fresh && !read_local(call_offerer_leg(c, l), r, k++)) {
			unreadable(c);
			return;
		}
	}
	call_offered(c);
}

/* The second Add of the offer: the e2ae lines' other leg (unless NOTE 2 defers it to the answer). */
static void second_add(struct call *c)
{
	if (c->cs->cfg->combined) {
		call_offered(c);
		return;
	}
	bool any = false;
	struct h248_msg *s = mgc_actions_new();
	struct h248_node *ctx = call_h248_context(c, s);
	for (unsigned i = 0; i < c->n; i++) {
		struct line *l = &c->lines[i];
		if (!call_e2ae(l) || !l->fresh)
			continue;
		if (c->ue_offers)
			call_h248_add_access(c, s, ctx, l, &l->offer, false);
		else
			call_h248_add_core(c, s, ctx, l, &l->offer);
		any = true;
	}
	if (!any) {
		h248_msg_free(s);
		call_offered(c);
		return;
	}
	call_step_to(c, c->ue_offers ? RESERVE_ACCESS : RESERVE_CORE);
	call_send(c, s, on_second_add);
}

void call_on_reserved(void *arg, const struct mgc_result *r)
{
	struct call *c = arg;
	if (failed(c, r, c->ue_offers ? "reserving the core leg" : "reserving the access leg"))
		return;
	if (r->ctx.n >= sizeof c->ctx) { /* a context id is a UINT32: this one cannot be ours */
		unreadable(c);
		return;
	}
	call_forget_context(c);
	copy_id(c->ctx, r->ctx);
	call_index_context(c);
	unsigned k = c->skip; /* the replies to a re-offer's Subtracts come first */
	for (unsigned i = 0; i < c->n; i++) {
		struct line *l = &c->lines[i];
		if (call_carried(l) && l->fresh && !read_local(call_answerer_leg(c, l), r, k++)) {
			unreadable(c);
			return;
		}
	}
	second_add(c);
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
		log_notice("call", &ids, "[%s] %s refused: %s", call_step_names[c->step], what, err);
		char *phrase = g_strdup_printf("Bad SDP: %s", g_str_has_prefix(err, "SDP: ") ? err + 5 : err);
		call_finish(c, 400, phrase, NULL);
		g_free(phrase), g_free(err);
		return false;
	}
	g_free(c->sdp), c->sdp = g_strndup(sdp, len), c->len = len;
	return true;
}

bool call_refused_weak(struct call *c, const struct media_line *ml)
{
	const char *weak = media_weak_fingerprint(ml, &c->policy);
	if (!weak)
		return false;
	const struct log_ids ids = { .call = c->id, .ctx = *c->ctx ? c->ctx : NULL };
	log_notice("call", &ids, "[%s] m=%s: the UE's fingerprint uses %s: refused", call_step_names[c->step],
		   ml->media, weak);
	call_finish(c, 488, "Not Acceptable Here (fingerprint hash too weak)", NULL);
	return true;
}

/* Any line's (its offer, or its answer when terminating): call_refused_weak. */
static bool refused_weak(struct call *c, bool answer)
{
	for (unsigned i = 0; i < c->n; i++) {
		const struct line *l = &c->lines[i];
		if (call_e2ae(l) && call_refused_weak(c, answer ? &l->answer : &l->offer))
			return true;
	}
	return false;
}

void call_take_line(struct call *c, struct line *l, const struct media_line *offer)
{
	const struct log_ids ids = CALL_IDS(c);
	*l = (struct line){ .offer = *offer };
	l->mode = media_decide(&l->offer, c->ue_offers, &c->policy);
	l->fresh = call_carried(l);
	/* the gateway's a=setup on each leg, as far as the offer tells it: it offers actpass onward and
	 * takes the other role toward the offerer, who is active when its TCP line does not say (RFC 4145
	 * §4.1; RFC 4975's offerer connects) */
	enum msdp_setup offered = l->offer.setup || call_dgram(l) ? l->offer.setup : MSDP_SETUP_ACTIVE;
	call_answerer_leg(c, l)->setup = MSDP_SETUP_ACTPASS;
	call_offerer_leg(c, l)->setup = offered == MSDP_SETUP_ACTIVE ? MSDP_SETUP_PASSIVE : MSDP_SETUP_ACTIVE;
	/* TS 23.334 §6.2.18.4: the UE's own SYN (or ClientHello) opens its NAT */
	if (c->policy.merge)
		l->access.setup = MSDP_SETUP_PASSIVE;
	if (call_dgram(l)) { /* UDP has no setup; DTLS's role is the access leg's alone */
		l->core.setup = MSDP_SETUP_NONE;
		if (!call_e2ae(l))
			l->access.setup = MSDP_SETUP_NONE;
	}
	static const char *const modes[] = { "pass", "e2e", "e2ae" };
	log_info("call", &ids, "[%s] m=%s %s: %s", call_step_names[c->step], l->offer.media, l->offer.proto,
		 modes[l->mode]);
}

/* The offer's first transaction: ctx, a Context of s not yet in it, holds a re-offer's Subtracts (first
 * when there are none); then the leg facing the answerer of each line taken now. */
static void reserve(struct call *c, struct h248_msg *s, struct h248_node *ctx, bool first)
{
	const struct log_ids ids = CALL_IDS(c);
	bool any = false;
	for (unsigned i = 0; i < c->n; i++)
		any |= c->lines[i].fresh;
	if (!any && first) {
		h248_msg_free(s);
		if (c->reoffer) /* lines dropped only: their terminations go with the answer */
			call_offered(c);
		else {
			call_step_to(c, ACTIVE);
			call_finish(c, 0, NULL, NULL);
		}
		return;
	}
	if (!*c->ctx && !(c->agw = mgc_pick(c->cs->mgc))) {
		log_warn("call", &ids, "[%s] no media gateway is registered", call_step_names[c->step]);
		h248_msg_free(s);
		if (c->reoffer)
			call_reoffer_undo(c, false);
		call_finish(c, 500, "No Media Gateway Available", NULL); /* last: it may free c */
		return;
	}
	call_h248_name_context(c, s, ctx);
	for (unsigned i = 0; i < c->n; i++) {
		struct line *l = &c->lines[i];
		if (!l->fresh)
			continue;
		if (c->ue_offers)
			call_h248_add_core(c, s, ctx, l, NULL);
		else
			call_h248_add_access(c, s, ctx, l, NULL, false);
	}
	call_step_to(c, c->ue_offers ? RESERVE_CORE : RESERVE_ACCESS);
	if (call_send(c, s, call_on_reserved) && c->reoffer)
		call_reoffer_sent(c);
}

/* An offer or answer while the gateway still works on the call's last one (a re-INVITE from each side at
 * once, an UPDATE while the answer is being configured): refused without touching the one under way,
 * whose transaction, next and body stay as they are. An offer gets 491 (RFC 3261 §14.2, RFC 3311 §5.2);
 * an answer cannot be refused and ends the call (its next may free c). True when refused. */
static bool busy(struct call *c, bool offer, call_next *next, void *arg)
{
	if (!c->next)
		return false;
	const struct log_ids ids = CALL_IDS(c);
	log_notice("call", &ids, "[%s] %s while the gateway works on the last one: refused",
		   call_step_names[c->step], offer ? "offer" : "answer");
	if (offer)
		next(arg, 491, "Request Pending", NULL);
	else
		next(arg, 488, "Not Acceptable Here (answer while another is under way)", NULL);
	return true;
}

/* An offer while the last one that went on waits for its answer (both sides offering at once, even when
 * the first left the gateway alone): 491 (RFC 3261 §14.2, RFC 3311 §5.2), the call untouched. True when
 * refused. */
static bool both_offer(struct call *c, call_next *next, void *arg)
{
	if (!c->outstanding)
		return false;
	const struct log_ids ids = CALL_IDS(c);
	log_notice("call", &ids, "[%s] an offer while the last one waits for its answer: refused",
		   call_step_names[c->step]);
	next(arg, 491, "Request Pending", NULL);
	return true;
}

void call_offer(struct call *c, bool from_ue, const char *sdp, size_t len, call_next *next, void *arg)
{
	struct media_sdp m;
	if (busy(c, true, next, arg) || both_offer(c, next, arg) ||
	    !take_sdp(c, "offer", sdp, len, next, arg, &m))
		return;
	c->offering = true;
	struct h248_msg *s = mgc_actions_new();
	struct h248_node *ctx = h248_node_new(s, H248_NODE_TOKEN, H248_TOK_CONTEXT); /* named in reserve */
	bool first = true;
	c->skip = 0;
	if (c->step == ACTIVE) {
		if (!call_reoffer(c, &m, from_ue, s, ctx, &first)) {
			h248_msg_free(s);
			return;
		}
	} else if (c->step != IDLE) { /* the first offer not answered, its request ended: the call ends */
		h248_msg_free(s);
		call_finish(c, 491, "Request Pending", NULL);
		return;
	} else { /* the first offer: the INVITE's, or its 2xx's when the INVITE had none (delayed offer) */
		c->ue_offers = from_ue;
		g_free(c->lines);
		c->n = m.n, c->lines = g_new0(struct line, m.n);
		for (unsigned i = 0; i < m.n; i++)
			call_take_line(c, &c->lines[i], &m.lines[i]);
	}
	/* a re-offer's weak fingerprints were refused before it changed anything (call_reoffer) */
	if (!c->reoffer && c->ue_offers && refused_weak(c, false)) {
		h248_msg_free(s);
		return;
	}
	reserve(c, s, ctx, first);
}

/* ---- the answer ---- */

/* Whether term names one of the call's terminations already. */
static bool known(const struct call *c, struct h248_str term)
{
	if (!term.n)
		term = H248_STR(""); /* no id: as a leg without one */
	for (unsigned i = 0; i < c->n; i++)
		if (h248_str_eq(term, c->lines[i].access.term) || h248_str_eq(term, c->lines[i].core.term))
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
		if (!call_carried(l) || !l->fresh || (call_e2ae(l) && !c->cs->cfg->combined))
			continue;
		while (k < r->n && known(c, r->cmd[k].term))
			k++;
		if (!read_local(call_offerer_leg(c, l), r, k++)) {
			unreadable(c);
			return;
		}
	}
	call_reoffer_settle(c);
	call_step_to(c, ACTIVE);
	call_finish(c, 0, NULL, answer_out(c));
}

/* Whether a, the answer to line l, which the offer at hand did not take again, changes what the gateway
 * does with it: refused now (port 0); another address or port to send to on UDP; on TCP, another address
 * or port in a second answer to the same offer (a 200 from another fork than its 183's) to connect to or
 * take connections from only (the answer to a re-offer keeps the connection: open point 1, and an active
 * party's port says nothing); on a line whose TLS the gateway terminates toward the UE, another
 * certificate (a core re-offer the UE answers with a new one, a 200 whose SDP is not its 183's) that the
 * gateway would otherwise never check. */
static bool answer_moved(const struct call *c, const struct line *l, const struct media_line *a)
{
	if (!a->port)
		return true;
	if ((call_dgram(l) || c->reanswer) && (a->port != l->answer.port || strcmp(a->addr, l->answer.addr)))
		return true;
	return call_e2ae(l) && !c->ue_offers && strcmp(a->fingerprints, l->answer.fingerprints);
}

/* A second answer to the offer at hand (a 200 from another fork than its 183's) that turns a kept TCP
 * line's role: the gateway's leg connects or listens as the first answer said and may have done so
 * already, so the new role is refused (the call ends) rather than left to fail unseen. (The answer to a
 * re-offer is compared with nothing: what l->answer holds then is an earlier exchange's.) True when
 * refused (next may free c). */
static bool role_turned(struct call *c, const struct media_sdp *m)
{
	for (unsigned i = 0; c->reanswer && i < c->n; i++) {
		const struct line *l = &c->lines[i];
		const struct media_line *a = &m->lines[i];
		if (!call_carried(l) || l->fresh || call_dgram(l) || !a->port ||
		    call_setup_of(l, a) == call_setup_of(l, &l->answer))
			continue;
		const struct log_ids ids = CALL_IDS(c);
		log_notice("call", &ids, "[%s] m=%s: the answer turns a=setup:%s to %s: refused",
			   call_step_names[c->step], a->media, msdp_setup_names[call_setup_of(l, &l->answer)],
			   msdp_setup_names[call_setup_of(l, a)]);
		call_finish(c, 488, "Not Acceptable Here (answer turns the TCP setup role)", NULL);
		return true;
	}
	return false;
}

/* The answer's lines into the call: those taken with the offer, and those it kept whose answerer moved
 * (moved[i] set); a kept line that did not keeps the answer the gateway knows. */
static void take_answer(struct call *c, const struct media_sdp *m, bool moved[])
{
	for (unsigned i = 0; i < c->n; i++) {
		struct line *l = &c->lines[i];
		moved[i] = call_carried(l) && !l->fresh && answer_moved(c, l, &m->lines[i]);
		if (!call_carried(l) || l->fresh || moved[i])
			l->answer = m->lines[i];
	}
}

/* The answer's transaction: the fresh lines configured, the moved ones' answerer legs told (a=setup, the
 * address, the UE's certificate), and what the answerer refused or a re-offer dropped subtracted last
 * (make before break). False when there is nothing to tell the gateway. */
static bool configure(struct call *c, const bool moved[])
{
	struct h248_msg *s = mgc_actions_new();
	struct h248_node *ctx = call_h248_context(c, s);
	bool first = true;
	for (unsigned i = 0; i < c->n; i++) {
		struct line *l = &c->lines[i];
		if (!call_carried(l) || (!l->fresh && !moved[i]))
			continue;
		if (!l->answer.port) { /* refused by the answerer: a fresh line's reservation goes (a first
					* offer's stays until the call ends), a kept line goes */
			l->mode = MEDIA_PASS;
			l->drop = c->reoffer || moved[i];
			continue;
		}
		if (moved[i])
			call_h248_remote(c, s, ctx, l);
		else if (c->ue_offers)
			call_h248_configure_orig(c, s, ctx, l);
		else
			call_h248_configure_term(c, s, ctx, l);
		first = false;
	}
	for (unsigned i = 0; i < c->n; i++)
		if (c->lines[i].drop)
			call_h248_subtract(s, ctx, &c->lines[i], &first);
	if (first) {
		h248_msg_free(s);
		return false;
	}
	call_step_to(c, CONFIGURE);
	call_send(c, s, on_configured);
	return true;
}

void call_answer(struct call *c, const char *sdp, size_t len, call_next *next, void *arg)
{
	const struct log_ids ids = { .call = c->id, .ctx = *c->ctx ? c->ctx : NULL };
	struct media_sdp m;
	if (busy(c, false, next, arg) || !take_sdp(c, "answer", sdp, len, next, arg, &m))
		return;
	/* OFFERED, or ACTIVE: the same answer again (200 after 183), or the answer to a re-offer that left
	 * the gateway alone */
	if ((c->step != OFFERED && c->step != ACTIVE) || m.n != c->n) {
		log_notice("call", &ids, "[%s] answer with %u m= lines to an offer of %u: refused",
			   call_step_names[c->step], m.n, c->n);
		call_finish(c, 488, "Not Acceptable Here (answer does not match the offer)", NULL);
		return;
	}
	if (role_turned(c, &m))
		return;
	bool moved[MEDIA_MAX_LINES];
	take_answer(c, &m, moved);
	c->reanswer = true, c->outstanding = false;
	for (unsigned i = 0; i < c->n; i++)
		if (moved[i])
			log_info("call", &ids, "[%s] m=%s: %s", call_step_names[c->step], m.lines[i].media,
				 m.lines[i].port
				     ? "the answer names another certificate or address: its leg learns it"
				     : "the answerer refuses the line now: its terminations go");
	if (!c->ue_offers && refused_weak(c, true))
		return;
	if (configure(c, moved))
		return;
	call_reoffer_settle(c);
	call_step_to(c, ACTIVE);
	call_finish(c, 0, NULL, answer_out(c));
}
