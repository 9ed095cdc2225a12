/* SPDX-License-Identifier: GPL-3.0-or-later */
/* call_reoffer: mid-call media changes (RFC 3264 §8; TS 24.229 §5.2.7 as a P-CSCF with an IMS-AGW, TS
 * 23.334 §6.2.10.4): a re-offer's line is kept when its transport, fingerprints, address and port are
 * unchanged (open point 1: the gateway is not asked); one the gateway now carries (audio switched to
 * T.38, RFC 3362 / ITU-T T.38 Annex D) gets its terminations, in the call's context or a new one, as a
 * first offer's lines do; one it no longer carries (back to audio, port 0) loses them with the answer,
 * so that the session stays as it was when the re-offer fails (RFC 3261 §14.1); one whose transport
 * changes (udptl to UDP/TLS/UDPTL) is Subtracted and Added again with the offer, as a gateway context
 * relays two terminations. */
#include "config.h"
#include "call_int.h"

#include <string.h>

#include "log.h"

/* Whether a re-offered line is the one the call carries already. */
static bool same_line(const struct media_line *a, const struct media_line *b)
{
	return !strcmp(a->media, b->media) && !strcmp(a->proto, b->proto) &&
	       !strcmp(a->fingerprints, b->fingerprints) && a->port == b->port && !strcmp(a->addr, b->addr);
}

static bool holds_terms(const struct line *lines, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (*lines[i].access.term || *lines[i].core.term)
			return true;
	return false;
}

/* The context is gone at the gateway once its last termination is: the next Add makes another. */
static void forget_empty_context(struct call *c)
{
	if (!holds_terms(c->lines, c->n))
		call_forget_context(c);
}

/* The terminations the re-offer's fresh lines got from its transactions so far, subtracted. (What a
 * failed transaction itself added was never recorded here: mgc takes that out, mgc_track.c.) A line
 * the answer refused (drop) is left out when sent, the failed transaction went to the gateway: the
 * answer's own transaction subtracts it, asked again under its id until answered, and a second
 * Subtract of it would fail and stop the ones after it (H.248.1 §8.2.2). */
static void subtract_fresh(struct call *c, bool sent)
{
	struct h248_msg *s = mgc_actions_new();
	bool first = true;
	struct h248_node *ctx = call_h248_context(c, s);
	for (unsigned i = 0; i < c->n; i++)
		if (c->lines[i].fresh && !(sent && c->lines[i].drop))
			call_h248_subtract(s, ctx, &c->lines[i], &first);
	if (!first && *c->ctx && c->agw && mgc_agw_up(c->agw))
		mgc_send(c->cs->mgc, c->agw, s, NULL, NULL, NULL);
	else
		h248_msg_free(s);
}

/* The call goes back to holding nothing in its context: the context is subtracted whole, and what the
 * re-offer's transactions left there goes with it, whether the call knows of it or not (a line whose
 * Subtract failed, an Add whose Reply could not be read). */
void call_reoffer_undo(struct call *c, bool sent)
{
	if (!holds_terms(c->prev, c->prev_n))
		call_subtract_context(c);
	else
		subtract_fresh(c, sent);
	g_free(c->lines);
	c->lines = c->prev, c->prev = NULL;
	c->n = c->prev_n, c->ue_offers = c->prev_ue_offers;
	c->reoffer = false;
	forget_empty_context(c);
	call_step_to(c, ACTIVE);
}

/* A line the re-offer replaced (its transport or fingerprints changed, take()): fresh where the line
 * before it was carried. A line kept is not fresh, one dropped is not either, and a new one had nothing
 * carried before it. */
void call_reoffer_sent(struct call *c)
{
	for (unsigned i = 0; i < c->prev_n; i++)
		if (c->lines[i].fresh && call_carried(&c->prev[i])) {
			c->prev[i].mode = MEDIA_PASS;
			memset(&c->prev[i].access, 0, sizeof c->prev[i].access);
			memset(&c->prev[i].core, 0, sizeof c->prev[i].core);
		}
}

void call_reoffer_settle(struct call *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		struct line *l = &c->lines[i];
		if (l->drop)
			memset(&l->access, 0, sizeof l->access), memset(&l->core, 0, sizeof l->core);
		l->fresh = l->drop = false;
	}
	g_free(c->prev), c->prev = NULL;
	c->reoffer = false;
	forget_empty_context(c);
}

/* The offer comes from the side that answered before: each line's offer and answer trade places. */
static void turn(struct call *c, bool from_ue)
{
	if (from_ue == c->ue_offers)
		return;
	for (unsigned i = 0; i < c->n; i++) {
		struct media_line t = c->lines[i].offer;
		c->lines[i].offer = c->lines[i].answer, c->lines[i].answer = t;
	}
	c->ue_offers = from_ue;
}

/* Line i of the re-offer: true when it changes what the gateway carries. */
static bool take(struct call *c, unsigned i, const struct media_line *nl, struct h248_msg *msg,
		 struct h248_node *ctx, bool *first)
{
	const struct log_ids ids = CALL_IDS(c);
	struct line *l = &c->lines[i];
	bool was = i < c->n && call_carried(l);
	enum media_mode mode = media_decide(nl, c->ue_offers, &c->policy);
	if (was && mode == l->mode && same_line(nl, &l->offer))
		return false;
	if (!was && mode == MEDIA_PASS) { /* not the gateway's, before or now */
		*l = (struct line){ .offer = *nl };
		return false;
	}
	if (was && mode == MEDIA_PASS) {
		log_info("call", &ids,
			 "[active] m=%s %s replaces m=%s %s: its terminations go with the answer", nl->media,
			 nl->proto, l->offer.media, l->offer.proto);
		l->offer = *nl, l->mode = MEDIA_PASS, l->drop = true;
		return true;
	}
	if (was) {
		log_info("call", &ids, "[active] m=%s %s replaces m=%s %s: Subtract, then Add", nl->media,
			 nl->proto, l->offer.media, l->offer.proto);
		c->skip += call_h248_subtract(msg, ctx, l, first);
	}
	call_take_line(c, l, nl);
	return true;
}

bool call_reoffer(struct call *c, const struct media_sdp *m, bool from_ue, struct h248_msg *msg,
		  struct h248_node *ctx, bool *first)
{
	const struct log_ids ids = CALL_IDS(c);
	if (m->n < c->n) { /* RFC 3264 §8: a line is disabled with port 0, never removed */
		log_notice("call", &ids, "[active] re-offer of %u m= lines to a call of %u: refused", m->n,
			   c->n);
		call_finish(c, 488, "Not Acceptable Here (m= lines removed)", NULL);
		return false;
	}
	/* refused before take() changes anything: the old lines stay, their terminations at the gateway */
	for (unsigned i = 0; from_ue && i < m->n; i++)
		if (media_decide(&m->lines[i], true, &c->policy) == MEDIA_E2AE &&
		    call_refused_weak(c, &m->lines[i]))
			return false;
	g_free(c->prev);
	c->prev = g_memdup2(c->lines, c->n * sizeof *c->lines);
	c->prev_n = c->n, c->prev_ue_offers = c->ue_offers;
	c->lines = g_renew(struct line, c->lines, m->n); /* m->n >= c->n: the new lines start empty */
	memset(c->lines + c->n, 0, (m->n - c->n) * sizeof *c->lines);
	turn(c, from_ue);
	bool change = false;
	for (unsigned i = 0; i < m->n; i++)
		change |= take(c, i, &m->lines[i], msg, ctx, first);
	c->n = m->n;
	if (!change) {
		log_info("call", &ids,
			 "[active] re-offer keeps transport and fingerprints: gateway untouched");
		g_free(c->prev), c->prev = NULL;
		call_finish(c, 0, NULL, call_offer_out(c));
		return false;
	}
	log_info("call", &ids, "[active] re-offer from the %s changes the media", from_ue ? "UE" : "core");
	c->reoffer = true;
	return true;
}

unsigned call_offer_seq(const struct call *c)
{
	return c->offer_seq;
}

void call_offer_ended(struct call *c, unsigned seq)
{
	if (seq != c->offer_seq || !c->outstanding)
		return; /* answered, or another offer's request */
	c->outstanding = false;
	if (c->step != OFFERED || !c->reoffer || c->next)
		return; /* it left the gateway alone; a first offer's failure ends the call; or an answer of
			 * it is being configured */
	const struct log_ids ids = CALL_IDS(c);
	log_notice("call", &ids, "[offered] the re-offer was not answered: the call goes on as before it");
	call_reoffer_undo(c, false);
}
