/* SPDX-License-Identifier: GPL-3.0-or-later */
/* forward: one request the proxy forwards (RFC 3261 §16), from the server transaction it came in on to
 * a client transaction out of the other side, and its responses back in order. The copy loses a
 * Max-Forwards and our own Route entries; an initial INVITE is record-routed twice and opens its dialog
 * and call; a REGISTER gets a Path; a request to an AOR goes to its registered contact. Every offer and
 * answer waits while its call works on the SDP: in a request, or (a request without SDP) in the 2xx and
 * then the ACK. Internal to the proxy: see proxy_int.h. */
#include "config.h"

#include "proxy_int.h"

#include <stdio.h>
#include <string.h>

#include "call.h"
#include "log.h"
#include "registrar.h"

/* The body of msg replaced (Content-Length follows). */
static void set_body(msg_t *msg, sip_t *sip, const char *body)
{
	if (sip->sip_payload)
		sip_header_remove(msg, sip, (sip_header_t *)sip->sip_payload);
	if (sip->sip_content_length)
		sip_header_remove(msg, sip, (sip_header_t *)sip->sip_content_length);
	char len[24];
	snprintf(len, sizeof len, "%zu", strlen(body));
	sip_add_tl(msg, sip, SIPTAG_CONTENT_LENGTH_STR(len), SIPTAG_PAYLOAD_STR(body), TAG_END());
}

/* The body of msg taken out, with what describes it. */
static void drop_body(msg_t *msg, sip_t *sip)
{
	sip_header_t *const h[] = { (sip_header_t *)sip->sip_payload, (sip_header_t *)sip->sip_content_type,
				    (sip_header_t *)sip->sip_content_length };
	for (size_t i = 0; i < G_N_ELEMENTS(h); i++)
		if (h[i])
			sip_header_remove(msg, sip, h[i]);
	sip_add_tl(msg, sip, SIPTAG_CONTENT_LENGTH_STR("0"), TAG_END());
}

/* The methods whose request carries an offer and whose 2xx the answer (RFC 3264 §4 with RFC 3311,
 * RFC 3262). */
static bool offers(sip_method_t m)
{
	return m == sip_method_invite || m == sip_method_update || m == sip_method_prack;
}

static bool has_sdp(const sip_t *sip)
{
	return sip->sip_payload && sip->sip_payload->pl_len && sip->sip_content_type &&
	       sip->sip_content_type->c_type &&
	       !g_ascii_strcasecmp(sip->sip_content_type->c_type, "application/sdp");
}

/* Takes our own Route entries off: the receiving side's, then the other side's (double Record-Route). */
static void pop_routes(struct proxy *p, msg_t *msg, sip_t *sip, int in)
{
	if (sip->sip_route && proxy_is_us(&p->sides[in], sip->sip_route->r_url)) {
		sip_route_remove(msg, sip);
		if (sip->sip_route && proxy_is_us(&p->sides[!in], sip->sip_route->r_url))
			sip_route_remove(msg, sip);
	}
}

/* Where a request goes on (RFC 3261 §16.6 steps 6-7): its first Route, the core next hop (else our core
 * side, a hairpin) for a new request from the access side, else its Request-URI. */
static const url_t *target_of(const struct proxy *p, const struct fwd *f, const sip_t *sip)
{
	if (sip->sip_route)
		return sip->sip_route->r_url;
	if (f->in->which == ACCESS && f->initial)
		return p->next_hop ? p->next_hop : p->sides[CORE].url;
	return sip->sip_request->rq_url;
}

/* Whether SIP on a side travels over TCP: as configured; else on the side the request came from, as it
 * came (its Via), and on the side it goes to, as its target says. */
static bool side_tcp(const struct proxy *p, int which, const struct fwd *f, const sip_t *got, const url_t *to)
{
	const struct alg_sip_side *c = which == ACCESS ? &p->cfg->access : &p->cfg->core;
	if (c->transport != ALG_TRANSPORT_BOTH)
		return c->transport == ALG_TRANSPORT_TCP;
	if (which == f->in->which)
		return got->sip_via && got->sip_via->v_protocol && strstr(got->sip_via->v_protocol, "TCP");
	char tp[8] = "";
	return url_param(to->url_params, "transport", tp, sizeof tp) && !g_ascii_strcasecmp(tp, "tcp");
}

/* Two Record-Route entries (RFC 3261 §16.6 step 4, one per side, the receiving side's first and the
 * sending side's on top), each naming the transport its side speaks when that is TCP. */
static void record_route(struct proxy *p, struct fwd *f, sip_t *sip, const sip_t *got)
{
	const url_t *to = target_of(p, f, sip);
	for (int i = 0; i < 2; i++) {
		int which = i ? f->out->which : f->in->which;
		sip_record_route_t *rr =
		    sip_record_route_format(msg_home(f->msg), "<%s;lr%s>", p->sides[which].uri,
					    side_tcp(p, which, f, got, to) ? ";transport=tcp" : "");
		msg_header_prepend(f->msg, (msg_pub_t *)sip, (msg_header_t **)&sip->sip_record_route,
				   (msg_header_t *)rr);
	}
}

/* The core registrar's 2xx to a REGISTER we forwarded: recorded, and our mechanisms added for the UE. */
static void registered(struct fwd *f, msg_t *msg, sip_t *sip)
{
	msg_t *req = nta_incoming_getrequest(f->irq);
	char *server = registrar_registered(f->p->registrar, sip_object(req), sip);
	if (server)
		sip_add_tl(msg, sip, SIPTAG_SECURITY_SERVER_STR(server), TAG_END());
	g_free(server);
	msg_destroy(req);
}

/* ---- forwarding ---- */

static void fwd_bind(struct fwd *f, struct dlg *d)
{
	f->dlg = d;
	if (d)
		d->fwds = g_slist_prepend(d->fwds, f);
}

struct dlg *fwd_unbind(struct fwd *f)
{
	struct dlg *d = f->dlg;
	if (d)
		d->fwds = g_slist_remove(d->fwds, f);
	f->dlg = NULL;
	return d;
}

void fwd_free(struct fwd *f)
{
	fwd_unbind(f);
	if (f->irq)
		nta_incoming_destroy(f->irq);
	if (f->orq)
		nta_outgoing_destroy(f->orq);
	if (f->msg)
		msg_destroy(f->msg);
	su_free(NULL, f->target);
	g_free(f->late_sdp);
	msg_t *m;
	while ((m = g_queue_pop_head(&f->responses)))
		msg_destroy(m);
	g_free(f);
}

/* The request whose offer the call took is done: an offer still unanswered failed. */
static void offer_ended(struct fwd *f)
{
	if (f->taken && f->dlg && f->dlg->call)
		call_offer_ended(f->dlg->call, f->taken);
	f->taken = 0;
}

/* Fails the request with status (the proxy's own answer); the dialog ends when it was the INVITE. */
static void fwd_fail(struct fwd *f, int status, const char *phrase)
{
	const sip_t *sip = sip_object(f->msg);
	const struct log_ids ids = { .call = proxy_call_of(sip) };
	log_notice("sip", &ids, "%s: answering %d %s", sip->sip_request->rq_method_name, status, phrase);
	proxy_reply(f->p, f->in, f->irq, status, phrase, TAG_END());
	offer_ended(f);
	struct dlg *d = fwd_unbind(f);
	if (f->initial)
		dlg_end_as(d, status, phrase, phrase);
	fwd_free(f);
}

static int on_response(struct fwd *f, nta_outgoing_t *orq, const sip_t *sip);

static void send_on(struct fwd *f)
{
	struct proxy *p = f->p;
	sip_t *sip = sip_object(f->msg);
	const url_t *target = target_of(p, f, sip);
	f->target = url_hdup(NULL, target);
	bool ack = f->method == sip_method_ack;
	struct timespec at;
	msg_t *sent = msg_ref_create(f->msg); /* traced as nta sent it: with its Via */
	clock_gettime(CLOCK_REALTIME, &at);
	f->orq = nta_outgoing_mcreate(f->out->agent, ack ? NULL : on_response, ack ? NULL : f,
				      (const url_string_t *)target, f->msg, TAG_END());
	if (f->orq)
		proxy_trace_sent(p, f->out, sent, f->target, &at);
	msg_destroy(sent);
	if (!f->orq && !ack) { /* f->msg is still ours */
		fwd_fail(f, SIP_503_SERVICE_UNAVAILABLE);
		return;
	}
	f->msg = NULL; /* nta's now */
	if (ack) {     /* ours to destroy like any other: left alone, nta kept each ACK's until it stopped */
		if (f->orq != (nta_outgoing_t *)-1) /* (-1: sent statelessly and gone already) */
			nta_outgoing_destroy(f->orq);
		f->orq = NULL;
		fwd_free(f);
	}
}

static void on_offer_done(void *arg, int status, const char *phrase, char *body)
{
	struct fwd *f = arg;
	if (status) {
		fwd_fail(f, status, phrase);
		g_free(body);
		return;
	}
	if (body)
		set_body(f->msg, sip_object(f->msg), body);
	g_free(body);
	send_on(f);
}

/* The request's own offer went through the call: taken until its final response (call_offer_ended). */
static void on_own_offer_done(void *arg, int status, const char *phrase, char *body)
{
	struct fwd *f = arg;
	if (!status && f->dlg && f->dlg->call)
		f->taken = call_offer_seq(f->dlg->call);
	on_offer_done(f, status, phrase, body);
}

/* The answer in an ACK or a PRACK went through the call: the request goes on with it (an ACK's kept for
 * the copies a retransmitted 2xx brings). One that cannot be carried ends the call, both parties' dialogs
 * with BYE (or CANCEL and the INVITE's failure before the 2xx); the request, bound to the dialog, goes with
 * it: an ACK unsent, a PRACK answered with the INVITE. */
static void on_late_answer_done(void *arg, int status, const char *phrase, char *body)
{
	struct fwd *f = arg;
	if (status) {
		log_notice("sip", &(struct log_ids){ .call = f->dlg ? f->dlg->call_id : NULL },
			   "the answer in the %s refused: %d %s", sip_method_name(f->method, "?"), status,
			   phrase);
		g_free(body);
		dlg_release(f->p, f->dlg, status, phrase, phrase);
		return;
	}
	if (f->method == sip_method_ack) {
		g_free(f->dlg->ack_sdp);
		f->dlg->ack_sdp = g_strdup(body);
	}
	on_offer_done(f, 0, NULL, body);
}

/* ---- responses ---- */

static void relay(struct fwd *f, msg_t *msg);
static void relay_now(struct fwd *f, msg_t *msg);

static void on_answer_done(void *arg, int status, const char *phrase, char *body)
{
	struct fwd *f = arg;
	msg_t *msg = g_queue_pop_head(&f->responses);
	sip_t *sip = sip_object(msg);
	f->answering = false;
	if (status) { /* the answer cannot be carried: the call ends (the offerer gets the failure, the
		       * answerer a CANCEL, or ACK and BYE after its 2xx) */
		log_notice("sip", &(struct log_ids){ .call = proxy_call_of(sip) }, "answer refused: %d %s",
			   status, phrase);
		g_queue_push_head(&f->responses, msg);
		if (f->dlg)
			dlg_release(f->p, f->dlg, status, phrase, phrase);
		else
			fwd_abort(f, proxy_call_of(sip), status, phrase, phrase, true);
		return;
	}
	if (body)
		set_body(msg, sip, body);
	g_free(body);
	relay_now(f, msg);
}

/* The offer a 2xx carried went through the call: kept for the 2xx's retransmissions, then as an answer's. */
static void on_late_offer_done(void *arg, int status, const char *phrase, char *body)
{
	struct fwd *f = arg;
	if (!status) {
		g_free(f->late_sdp);
		f->late_sdp = g_strdup(body);
	}
	on_answer_done(f, status, phrase, body);
}

/* Sends one response back, in order; answers with SDP go through the call first. To a request without
 * SDP (an INVITE's delayed offer, RFC 3261 §13.2.1) a 2xx's or a reliable provisional's (RFC 3262 §5)
 * SDP is the responder's offer, which goes through the call as one, its answer in the ACK or the PRACK;
 * its retransmissions, and a 2xx repeating a reliable provisional's offer, carry it as it went on. An
 * unreliable provisional's is no offer the requester could answer and is not passed on. */
static void relay(struct fwd *f, msg_t *msg)
{
	sip_t *sip = sip_object(msg);
	int status = sip->sip_status->st_status;
	if (f->out->which == ACCESS) /* a UE's response asserts nothing either */
		registrar_untrusted(msg, sip);
	if (f->dlg && f->dlg->call && status < 300 && has_sdp(sip) && !f->answering && offers(f->method)) {
		const char *body = sip->sip_payload->pl_data;
		size_t len = sip->sip_payload->pl_len;
		bool offering = f->method == sip_method_invite && (status >= 200 || sip->sip_rseq);
		if (f->offered) {
			f->answering = true;
			g_queue_push_head(&f->responses, msg);
			call_answer(f->dlg->call, body, len, on_answer_done, f);
			return;
		}
		if (offering && f->late_sdp) {
			set_body(msg, sip, f->late_sdp); /* as the first went on */
			relay_now(f, msg);
			return;
		}
		if (offering) {
			f->answering = true, f->dlg->late = true;
			f->dlg->late_rseq = status < 200 ? sip->sip_rseq->rs_response : 0;
			g_free(f->dlg->late_tag);
			f->dlg->late_tag = g_strdup(sip->sip_to ? sip->sip_to->a_tag : NULL);
			g_clear_pointer(&f->dlg->ack_sdp, g_free);
			g_queue_push_head(&f->responses, msg);
			call_offer(f->dlg->call, f->out->which == ACCESS, body, len, on_late_offer_done, f);
			return;
		}
		log_notice(
		    "sip", &(struct log_ids){ .call = proxy_call_of(sip) },
		    "%d to %s without SDP: its SDP is no offer that can be answered here, not passed on",
		    status, sip_method_name(f->method, "?"));
		drop_body(msg, sip);
	}
	relay_now(f, msg);
}

/* Sends it now, then the next one that waited. */
static void relay_now(struct fwd *f, msg_t *msg)
{
	sip_t *sip = sip_object(msg);
	int status = sip->sip_status->st_status;
	if (status >= 200 && status < 300 && f->dlg && f->initial && !f->dlg->ok)
		f->dlg->ok = dlg_keep(msg);
	if (status >= 200 && status < 300 && f->method == sip_method_register)
		registered(f, msg, sip);
	struct timespec at;
	msg_t *sent = msg_ref_create(msg); /* traced as nta sent it */
	clock_gettime(CLOCK_REALTIME, &at);
	if (nta_incoming_mreply(f->irq, msg) == 0)
		proxy_trace_sent(f->p, f->in, sent, NULL, &at);
	msg_destroy(sent);
	if (status >= 200) {
		offer_ended(f);
		if (status >= 300 && f->initial && f->dlg)
			dlg_end(fwd_unbind(f), sip->sip_status->st_phrase);
		if (!f->answering && g_queue_is_empty(&f->responses)) {
			fwd_free(f);
			return;
		}
	}
	msg_t *next = !f->answering ? g_queue_pop_head(&f->responses) : NULL;
	if (next)
		relay(f, next);
}

static int on_response(struct fwd *f, nta_outgoing_t *orq, const sip_t *sip)
{
	msg_t *got = nta_outgoing_getresponse(orq);
	msg_t *msg = msg_copy(got);
	proxy_trace(f->p, true, f->out, got, NULL);
	msg_destroy(got);
	sip_t *copy = sip_object(msg);
	sip_via_remove(msg, copy);
	if (!f->irq) { /* the server side is answered (its dialog ended): drop, end with the final one */
		int status = copy->sip_status->st_status;
		if (status >= 200 && status < 300)
			fwd_release_callee(f, copy, true);
		msg_destroy(msg);
		if (status >= 200)
			fwd_free(f);
		return 0;
	}
	if (f->answering)
		g_queue_push_tail(&f->responses, msg);
	else
		relay(f, msg);
	return 0;
}

static int on_cancel(struct fwd *f, nta_incoming_t *irq, const sip_t *sip)
{
	const struct log_ids ids = { .call = proxy_call_of(sip) };
	if (f->orq) {
		log_info("sip", &ids, "CANCEL: forwarded");
		fwd_cancel(f);
		return 0;
	}
	log_info("sip", &ids, "CANCEL before the INVITE went on: answering 487, releasing the gateway");
	proxy_reply(f->p, f->in, f->irq, SIP_487_REQUEST_TERMINATED, TAG_END());
	if (f->dlg)
		dlg_end(fwd_unbind(f), "CANCEL");
	fwd_free(f); /* the call's pending offer went with it: nothing else holds f */
	return 0;
}

/* ---- requests ---- */

/* Where a request to an address of record goes (registrar.h): from the core side the Request-URI of
 * the copy out becomes the AOR's registered contact. 0 when it goes on, else the status that ends it. */
static int to_aor(struct proxy *p, struct fwd *f, sip_t *out)
{
	const url_t *ru = out->sip_request->rq_url;
	const char *uri;
	int status =
	    registrar_to_aor(p->registrar, out, f->in->which == ACCESS, f->initial,
			     proxy_is_us(&p->sides[ACCESS], ru) || proxy_is_us(&p->sides[CORE], ru), &uri);
	if (uri) {
		sip_request_t *rq =
		    sip_request_create(msg_home(f->msg), f->method, out->sip_request->rq_method_name,
				       URL_STRING_MAKE(uri), NULL);
		if (rq)
			msg_header_replace(f->msg, (msg_pub_t *)out, (msg_header_t *)out->sip_request,
					   (msg_header_t *)rq);
	}
	return status;
}

/* The copy out of the request sip that goes on: a Max-Forwards less, without our own Route entries; a
 * REGISTER for the core. 0, else the status that ends it. */
static int fwd_rewrite(struct fwd *f, const sip_t *sip, sip_t *out)
{
	struct proxy *p = f->p;
	if (out->sip_max_forwards) {
		char mf[16];
		snprintf(mf, sizeof mf, "%lu", out->sip_max_forwards->mf_count - 1);
		sip_header_remove(f->msg, out, (sip_header_t *)out->sip_max_forwards);
		sip_add_tl(f->msg, out, SIPTAG_MAX_FORWARDS_STR(mf), TAG_END());
	}
	pop_routes(p, f->msg, out, f->in->which);
	f->initial = !sip->sip_to->a_tag;
	if (f->method == sip_method_register) /* forwarded: the core learns nothing of mediasec */
		registrar_forward(f->msg, out, p->sides[CORE].uri);
	if (f->in->which == ACCESS && f->initial && f->method != sip_method_register)
		registrar_assert(p->registrar, f->msg, out);
	else if (f->in->which == ACCESS)
		registrar_untrusted(f->msg, out);
	return to_aor(p, f, out);
}

/* An INVITE: CANCEL goes to f; an initial one is record-routed and opens its dialog and call. */
static void fwd_invite(struct fwd *f, const sip_t *sip, sip_t *out)
{
	struct proxy *p = f->p;
	nta_incoming_bind(f->irq, on_cancel, f);
	if (!f->initial)
		return;
	record_route(p, f, out, sip);
	fwd_bind(f, dlg_new(p, sip, f->in->which == ACCESS));
	if (f->in->which == ACCESS)
		f->dlg->ue = registrar_call_begin(p->registrar, sip);
	f->dlg->invite = dlg_keep(f->msg);
	struct media_policy pol = registrar_policy(p->registrar, sip, f->dlg->orig);
	f->dlg->call = call_new(p->calls, sip->sip_call_id->i_id, f->dlg->orig, &pol);
	call_set_owner(f->dlg->call, f->dlg);
}

/* The To tag of the request a fwd holds ("" without one). */
static const char *to_tag(const struct fwd *f)
{
	const sip_t *sip = f->msg ? sip_object(f->msg) : NULL;
	return sip && sip->sip_to && sip->sip_to->a_tag ? sip->sip_to->a_tag : "";
}

/* Another ACK of d than f still under way, to the same 2xx (its To tag: a fork's 2xx has its own), whose
 * answer is with the gateway. */
static bool ack_held(const struct dlg *d, const struct fwd *f)
{
	for (const GSList *l = d->fwds; l; l = l->next) {
		const struct fwd *o = l->data;
		if (o != f && o->method == sip_method_ack && !strcmp(to_tag(o), to_tag(f)))
			return true;
	}
	return false;
}

/* The answer to the offer a 2xx or a reliable provisional carried, in the ACK or the PRACK: taken by the
 * call. Without one, the offer stays unanswered and the call ends: an ACK goes on first (the 2xx is
 * acknowledged all the same, then BYE), a PRACK is answered 488 with the INVITE. */
static bool late_answer(struct fwd *f, sip_t *out)
{
	struct dlg *d = f->dlg;
	struct proxy *p = f->p;
	bool ack = f->method == sip_method_ack;
	d->late = false;
	if (has_sdp(out)) {
		call_answer(d->call, out->sip_payload->pl_data, out->sip_payload->pl_len, on_late_answer_done,
			    f);
		return true;
	}
	log_notice("sip", &(struct log_ids){ .call = d->call_id },
		   "%s without the answer to the offer: the call ends", ack ? "ACK" : "PRACK");
	if (ack) {
		fwd_unbind(f);
		send_on(f);
	}
	dlg_release(p, d, 488, "Not Acceptable Here",
		    ack ? "no answer in the ACK" : "no answer in the PRACK");
	return true;
}

/* An ACK's SDP: with an offer pending, the answer (late_answer); else a copy of the ACK that brought it
 * (as that one went on; dropped while that one's answer is with the gateway, so no copy overtakes it) or
 * no SDP of any offer, not passed on. True when the call took the ACK, or it is gone. */
static bool ack_through_call(struct fwd *f, sip_t *out)
{
	struct dlg *d = f->dlg;
	bool sdp = has_sdp(out);
	if (!d->late && ack_held(d, f)) {
		log_debug("sip", &(struct log_ids){ .call = d->call_id },
			  "ACK: a copy of the one whose answer is with the gateway, dropped");
		fwd_free(f);
		return true;
	}
	if (d->late)
		return late_answer(f, out);
	if (sdp && d->ack_sdp)
		set_body(f->msg, out, d->ack_sdp);
	else if (sdp)
		drop_body(f->msg, out);
	return false;
}

/* Whether a PRACK acknowledges the reliable provisional response whose offer waits for its answer: its
 * RAck names that response's RSeq, its To tag that response's (RFC 3262 §7.2; another PRACK, to an 18x
 * without SDP or from another fork, goes on as any). */
static bool acks_offer(const struct dlg *d, const sip_t *sip)
{
	return d->late && d->late_rseq && sip->sip_rack && sip->sip_rack->ra_response == d->late_rseq &&
	       sip->sip_to && !g_strcmp0(sip->sip_to->a_tag, d->late_tag);
}

/* The SDP a request brings to its dialog's call: an offer (in a re-INVITE, RFC 3311 UPDATE or RFC 3262
 * PRACK too), or in an ACK (ack_through_call). An offer while a 2xx's waits for its answer in the ACK
 * gets 491 (RFC 3261 §14.2) and leaves the call alone. True when the call took the request (it goes on,
 * or is answered, once the call is done), or it is answered already. */
static bool through_call(struct fwd *f, sip_t *out)
{
	struct dlg *d = f->dlg;
	if (!d || !d->call)
		return false;
	if (f->method == sip_method_ack)
		return ack_through_call(f, out);
	if (f->method == sip_method_prack && acks_offer(d, out))
		return late_answer(f, out);
	if (!f->offered)
		return false;
	if (d->late) {
		fwd_fail(f, SIP_491_REQUEST_PENDING);
		return true;
	}
	call_offer(d->call, f->in->which == ACCESS, out->sip_payload->pl_data, out->sip_payload->pl_len,
		   on_own_offer_done, f);
	return true;
}

void fwd_start(struct side *s, nta_incoming_t *irq, const sip_t *sip, msg_t *got)
{
	struct proxy *p = s->p;
	sip_method_t method = sip->sip_request->rq_method;
	struct fwd *f = g_new0(struct fwd, 1);
	*f = (struct fwd){ .p = p, .in = s, .out = &p->sides[!s->which], .irq = irq, .method = method };
	g_queue_init(&f->responses);
	f->msg = msg_copy(got);
	msg_destroy(got);
	if (method != sip_method_ack && sip->sip_max_forwards && sip->sip_max_forwards->mf_count == 0) {
		fwd_fail(f, SIP_483_TOO_MANY_HOPS);
		return;
	}
	sip_t *out = sip_object(f->msg);
	int unbound = fwd_rewrite(f, sip, out);
	if (unbound) {
		fwd_fail(f, unbound, unbound == 480 ? sip_480_Temporarily_unavailable : sip_404_Not_found);
		return;
	}
	if (method == sip_method_invite)
		fwd_invite(f, sip, out);
	if ((offers(method) || method == sip_method_ack) && !f->dlg)
		fwd_bind(f, dlg_find(p, sip, s->which));
	f->offered = has_sdp(out) && method != sip_method_ack;
	if (through_call(f, out))
		return;
	if (method == sip_method_bye) {
		struct dlg *d = dlg_find(p, sip, s->which);
		if (d)
			dlg_end(d, "BYE");
	}
	log_debug("sip", &(struct log_ids){ .call = proxy_call_of(sip) }, "%s: forwarded to the %s side",
		  sip->sip_request->rq_method_name, proxy_side_names[f->out->which]);
	send_on(f);
}
