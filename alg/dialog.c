/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dialog: the INVITE dialogs the proxy follows (by Call-ID and the caller's tag, one per half of a
 * hairpin), their end — the requests still under way in one answered or cancelled, its call and its
 * conference participant ended — and the requests the proxy sends of its own in them (RFC 3261
 * §12.2.1.1): BYE to both parties when the media failed, ACK and BYE to a callee whose 2xx came after
 * the dialog ended, CANCEL. Internal to the proxy: see proxy_int.h. */
#include "config.h"

#include "proxy_int.h"

#include <stdio.h>
#include <string.h>

#include "call.h"
#include "focus.h"
#include "log.h"
#include "registrar.h"

struct dlg *dlg_new(struct proxy *p, const sip_t *sip, bool orig)
{
	struct dlg *d = g_new0(struct dlg, 1);
	d->p = p;
	d->call_id = g_strdup(sip->sip_call_id->i_id);
	d->caller_tag = g_strdup(sip->sip_from->a_tag ? sip->sip_from->a_tag : "");
	d->orig = orig;
	GSList *l = g_hash_table_lookup(p->dialogs, d->call_id);
	g_hash_table_replace(p->dialogs, g_strdup(d->call_id), g_slist_prepend(l, d));
	return d;
}

struct dlg *dlg_find(struct proxy *p, const sip_t *sip, int side)
{
	if (!sip->sip_call_id || !sip->sip_from)
		return NULL;
	const char *tag = sip->sip_from->a_tag ? sip->sip_from->a_tag : "";
	for (GSList *l = g_hash_table_lookup(p->dialogs, sip->sip_call_id->i_id); l; l = l->next) {
		struct dlg *d = l->data;
		bool from_caller = !strcmp(tag, d->caller_tag);
		if (from_caller == ((side == ACCESS) == d->orig))
			return d;
	}
	return NULL;
}

void dlg_end_as(struct dlg *d, int status, const char *phrase, const char *why)
{
	if (!d)
		return;
	struct proxy *p = d->p;
	GSList *l = g_slist_remove(g_hash_table_lookup(p->dialogs, d->call_id), d);
	if (l)
		g_hash_table_replace(p->dialogs, g_strdup(d->call_id), l);
	else
		g_hash_table_remove(p->dialogs, d->call_id);
	while (d->fwds) /* each unbinds itself */
		fwd_abort(d->fwds->data, d->call_id, status, phrase, why, !d->released);
	if (d->dial_in) { /* a dial-in not answered yet: answered now, and no callback comes to d after */
		proxy_reply(p, &p->sides[ACCESS], d->dial_in, status, phrase, TAG_END());
		nta_incoming_destroy(d->dial_in);
		d->dial_in = NULL;
	}
	if (d->call)
		call_end(d->call, why);
	if (d->part)
		focus_leave(d->part, why);
	if (d->invite)
		msg_destroy(d->invite);
	if (d->ok)
		msg_destroy(d->ok);
	if (d->ue)
		registrar_call_end(p->registrar, d->ue);
	g_free(d->call_id), g_free(d->caller_tag), g_free(d->ue), g_free(d->ack_sdp), g_free(d->late_tag);
	g_free(d);
}

void dlg_end(struct dlg *d, const char *why)
{
	dlg_end_as(d, SIP_487_REQUEST_TERMINATED, why);
}

/* ---- requests of our own in a dialog (RFC 3261 §12.2.1.1) ---- */

msg_t *dlg_keep(msg_t *m)
{
	const sip_t *sip = m ? sip_object(m) : NULL;
	msg_t *k = sip ? msg_create(sip_default_mclass(), 0) : NULL;
	if (!k)
		return NULL;
	sip_t *ks = sip_object(k);
	const sip_header_t *const kept[] = { (const sip_header_t *)sip->sip_from,
					     (const sip_header_t *)sip->sip_to,
					     (const sip_header_t *)sip->sip_call_id,
					     (const sip_header_t *)sip->sip_cseq,
					     (const sip_header_t *)sip->sip_contact };
	for (size_t i = 0; i < G_N_ELEMENTS(kept); i++)
		if (kept[i] && sip_add_dup(k, ks, kept[i]) < 0) {
			msg_destroy(k);
			return NULL;
		}
	return k;
}

/* Sends method on side out toward one party of the dialog that the INVITE inv and its 2xx ok set up:
 * the caller (at inv's Contact, ok's To as From) or the callee (at ok's Contact); CSeq seq. */
static void send_own(struct proxy *p, int out, const sip_t *inv, const sip_t *ok, bool to_caller,
		     sip_method_t method, const char *name, uint32_t seq)
{
	const sip_addr_t *caller = inv->sip_from, *callee = ok->sip_to;
	const sip_contact_t *target = to_caller ? inv->sip_contact : ok->sip_contact;
	if (!target)
		return;
	char cseq[40];
	snprintf(cseq, sizeof cseq, "%u %s", seq, name);
	sip_addr_t from = *(to_caller ? callee : caller), to = *(to_caller ? caller : callee);
	from.a_common->h_succ = NULL, to.a_common->h_succ = NULL;
	msg_t *msg = nta_msg_create(p->sides[out].agent, 0);
	sip_t *sip = sip_object(msg);
	sip_request_t *rq =
	    sip_request_create(msg_home(msg), method, name, (const url_string_t *)target->m_url, NULL);
	sip_add_tl(msg, sip, SIPTAG_REQUEST(rq), SIPTAG_CALL_ID(inv->sip_call_id), SIPTAG_FROM(&from),
		   SIPTAG_TO(&to), SIPTAG_CSEQ_STR(cseq), SIPTAG_MAX_FORWARDS_STR("70"),
		   TAG_IF(method == sip_method_bye, SIPTAG_REASON_STR("SIP;cause=503;text=\"media failed\"")),
		   SIPTAG_CONTENT_LENGTH_STR("0"), TAG_END());
	struct timespec at;
	msg_t *sent = msg_ref_create(msg); /* traced as nta sent it: with its Via */
	clock_gettime(CLOCK_REALTIME, &at);
	nta_outgoing_t *o = nta_outgoing_mcreate(p->sides[out].agent, NULL, NULL, NULL, msg, TAG_END());
	if (o)
		proxy_trace_sent(p, &p->sides[out], sent, target->m_url, &at), nta_outgoing_destroy(o);
	else
		msg_destroy(msg);
	msg_destroy(sent);
}

void dlg_bye(struct proxy *p, struct dlg *d, bool to_caller)
{
	const sip_t *inv = sip_object(d->invite), *ok = sip_object(d->ok);
	uint32_t seq = inv->sip_cseq->cs_seq;
	send_own(p, (to_caller == d->orig) ? ACCESS : CORE, inv, ok, to_caller, SIP_METHOD_BYE,
		 to_caller ? 1000000u + seq : seq + 1);
}

void fwd_release_callee(struct fwd *f, const sip_t *ok, bool with_bye)
{
	if (f->method != sip_method_invite || !f->orq)
		return;
	msg_t *req = nta_outgoing_getrequest(f->orq);
	const sip_t *inv = req ? sip_object(req) : NULL;
	if (inv && inv->sip_cseq && ok->sip_to && ok->sip_to->a_tag) {
		log_notice("sip", &(struct log_ids){ .call = proxy_call_of(inv) },
			   "2xx after the dialog ended: ACK%s to the callee", with_bye ? " and BYE" : "");
		send_own(f->p, f->out->which, inv, ok, false, SIP_METHOD_ACK, inv->sip_cseq->cs_seq);
		if (with_bye)
			send_own(f->p, f->out->which, inv, ok, false, SIP_METHOD_BYE,
				 inv->sip_cseq->cs_seq + 1);
	}
	if (req)
		msg_destroy(req);
}

void dlg_release(struct proxy *p, struct dlg *d, int status, const char *phrase, const char *why)
{
	if (!d)
		return;
	const struct log_ids ids = { .call = d->call_id };
	if (d->invite && d->ok) {
		log_notice("sip", &ids, "releasing the call with BYE to both parties: %s", why);
		dlg_bye(p, d, true);
		dlg_bye(p, d, false);
		d->released = true;
	} else {
		log_notice("sip", &ids, "ending the call before its answer: %s", why);
	}
	dlg_end_as(d, status, phrase, why);
}

void fwd_cancel(struct fwd *f)
{
	struct timespec at;
	clock_gettime(CLOCK_REALTIME, &at);
	nta_outgoing_t *c = nta_outgoing_tcancel(f->orq, NULL, NULL, TAG_END());
	msg_t *m = c ? nta_outgoing_getrequest(c) : NULL; /* as sent: with its Via */
	if (m)
		proxy_trace_sent(f->p, f->out, m, f->target, &at), msg_destroy(m);
	if (c)
		nta_outgoing_destroy(c);
}

void fwd_abort(struct fwd *f, const char *call, int status, const char *phrase, const char *why, bool bye)
{
	fwd_unbind(f);
	if (f->irq) { /* an ACK held for its answer is answered by nobody: it is dropped */
		if (f->method != sip_method_ack) {
			log_notice("sip", &(struct log_ids){ .call = call },
				   "a request under way answered %d: %s", status, why);
			proxy_reply(f->p, f->in, f->irq, status, phrase, TAG_END());
		}
		nta_incoming_destroy(f->irq), f->irq = NULL;
	}
	if (f->msg) { /* it had not gone on yet: the call held its offer */
		fwd_free(f);
		return;
	}
	bool final = false;
	msg_t *m;
	while ((m = g_queue_pop_head(&f->responses))) {
		int st = sip_object(m)->sip_status->st_status;
		if (st >= 200 && st < 300)
			fwd_release_callee(f, sip_object(m), bye);
		final |= st >= 200;
		msg_destroy(m);
	}
	f->answering = false;
	if (final || !f->orq) {
		fwd_free(f);
		return;
	}
	if (f->method == sip_method_invite)
		fwd_cancel(f);
}
