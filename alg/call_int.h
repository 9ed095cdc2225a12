/* SPDX-License-Identifier: GPL-3.0-or-later */
/* call_int: what call.c, calls.c (the set of calls), call_h248.c (the H.248 commands of each step) and
 * call_reoffer.c (mid-call media changes) share about one call. Not an API: the proxy sees call.h only. */
#ifndef MEDIASEC_ALG_CALL_INT_H
#define MEDIASEC_ALG_CALL_INT_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "call.h"
#include "wire.h"

enum step { IDLE, RESERVE_CORE, RESERVE_ACCESS, OFFERED, CONFIGURE, ACTIVE };
extern const char *const call_step_names[];

/* One m= line the gateway carries: its two terminations and what each side was told. */
struct call_leg {
	char term[32];
	char addr[64];
	unsigned port;
	char fingerprint[224]; /* the gateway's, access leg of e2ae only */
	enum msdp_setup setup; /* the gateway's a=setup on this leg */
};

struct line {
	enum media_mode mode;
	struct media_line offer, answer;
	struct call_leg access, core;
	bool fresh; /* taken with the offer at hand: its terminations are reserved and configured now */
	bool drop;  /* carried before the re-offer at hand, not after: subtracted with its answer */
};

struct call {
	struct calls *cs;
	char *id;
	bool orig;      /* the UE called */
	bool ue_offers; /* the offer at hand is the UE's (the INVITE's when orig; a re-offer's, either) */
	struct media_policy policy;
	enum step step;
	struct mgc_agw *agw;
	char ctx[16];
	unsigned n;          /* m= lines */
	struct line *lines;  /* n of them (a call is sized to its SDP: about 2.5 KiB a line) */
	bool reoffer;        /* the offer at hand changes a running call */
	bool reanswer;       /* the offer at hand was answered already: a second answer is the same party's */
	bool offering;       /* next is an offer's: it goes on when next says 0 */
	bool outstanding;    /* an offer went on and waits for its answer: another one gets 491 */
	unsigned offer_seq;  /* the offers that went on: which one a request's end is about */
	bool prev_ue_offers; /* the call before it, restored when it fails */
	unsigned prev_n;
	struct line *prev; /* prev_n of them while a re-offer runs, else NULL */
	unsigned skip;     /* replies to the Subtracts ahead of a transaction's Adds */
	char *sdp;         /* the body being worked on */
	size_t len;
	call_next *next;
	void *next_arg;
	uint32_t tid;
	unsigned rid;                /* Events request ids */
	bool answered, media_failed; /* reached ACTIVE; the gateway reported a failure (the metrics) */
	void *owner;
};

struct calls {
	struct mgc *mgc;
	const struct alg_config *cfg;
	struct call_ops ops;
	void *arg;
	GHashTable *live;   /* struct call * set */
	GHashTable *by_ctx; /* (gateway, context id) -> the struct call holding it */
	uint64_t ended[CALL_OUTCOMES];
};

#define CALL_IDS(c)                                                 \
	{                                                           \
		.call = (c)->id, .ctx = *(c)->ctx ? (c)->ctx : NULL \
	}

static inline bool call_carried(const struct line *l)
{
	return l->mode != MEDIA_PASS;
}

static inline bool call_e2ae(const struct line *l)
{
	return l->mode == MEDIA_E2AE;
}

/* Whether the line runs over UDP (T.38): no TCP setup toward the core, no TCP events. */
static inline bool call_dgram(const struct line *l)
{
	return media_dgram(&l->offer);
}

/* The a=setup an answer a on line l says; when it does not say, passive on a TCP line (RFC 4145 §4.1)
 * and active on a datagram line (the DTLS client). */
static inline enum msdp_setup call_setup_of(const struct line *l, const struct media_line *a)
{
	return a->setup ? a->setup : call_dgram(l) ? MSDP_SETUP_ACTIVE : MSDP_SETUP_PASSIVE;
}

/* The leg facing the side that answers (the UE offers: the core) and the one facing the offerer. */
static inline struct call_leg *call_answerer_leg(const struct call *c, struct line *l)
{
	return c->ue_offers ? &l->core : &l->access;
}

static inline struct call_leg *call_offerer_leg(const struct call *c, struct line *l)
{
	return c->ue_offers ? &l->access : &l->core;
}

/* ---- call.c ---- */
void call_step_to(struct call *c, enum step s);
/* next hears of the outcome (status 0: body goes on) and is forgotten. */
void call_finish(struct call *c, int status, const char *phrase, char *body);
/* Sends actions (consumed: mgc_actions_new) to the call's gateway; false (the request failed 500) when
 * it cannot. */
bool call_send(struct call *c, struct h248_msg *actions, mgc_done *done);
/* Subtract = * of the call's context, when it has one at a gateway that is up (nobody hears of the Reply). */
void call_subtract_context(struct call *c);
/* c's context, just learnt, is where the gateway's events about it find it (a gateway that gave the
 * same id to another call of ours: the later call has it). */
void call_index_context(struct call *c);
/* The call holds no context any more (the gateway's next Add makes one): events about the old id no longer
 * find it. */
void call_forget_context(struct call *c);
/* The first Add's reply of an offer: the fresh lines' answerer legs, after c->skip Subtracts. */
void call_on_reserved(void *arg, const struct mgc_result *r);
/* The UE's certificate on ml, a line whose TLS the gateway terminates (the UE's offer, or its answer when
 * terminating), named with a hash the policy does not take: refused now, 488, before the gateway is asked
 * anything, rather than answered and failed at the handshake. True when refused (the answer may free c
 * when the call is not yet answered). */
bool call_refused_weak(struct call *c, const struct media_line *ml);
/* The gateway's a=setup on each leg of a line just taken from an offer, and its mode. */
void call_take_line(struct call *c, struct line *l, const struct media_line *offer);
/* The offer goes on (OFFERED). */
void call_offered(struct call *c);
/* The offer toward the answerer, rewritten. */
char *call_offer_out(struct call *c);

/* ---- call_h248.c: the commands, added to the action ctx of the message m ---- */
/* A new action of m for the call's context ("$" when it has none yet). */
struct h248_node *call_h248_context(struct call *c, struct h248_msg *m);
/* The same for ctx, a Context node made with m and not in it yet (the Subtracts of a re-offer). */
void call_h248_name_context(struct call *c, struct h248_msg *m, struct h248_node *ctx);
/* The access leg's Add (Remote: the UE's offer when originating), the core leg's Add. */
void call_h248_add_access(struct call *c, struct h248_msg *m, struct h248_node *ctx, struct line *l,
			  const struct media_line *remote, bool establish);
void call_h248_add_core(struct call *c, struct h248_msg *m, struct h248_node *ctx, struct line *l,
			const struct media_line *remote);
/* The answer: the UE offered (orig) or answered (term). */
void call_h248_configure_orig(struct call *c, struct h248_msg *m, struct h248_node *ctx, struct line *l);
void call_h248_configure_term(struct call *c, struct h248_msg *m, struct h248_node *ctx, struct line *l);
/* A line kept from the answer before whose answerer moved: "Modify" of the leg facing it, Remote the new
 * answer (the UE's certificate on a line whose TLS the gateway terminates). */
void call_h248_remote(struct call *c, struct h248_msg *m, struct h248_node *ctx, struct line *l);
/* "Subtract = term" for each leg of l that holds one; clears *first when it adds one; the number added. */
unsigned call_h248_subtract(struct h248_msg *m, struct h248_node *ctx, const struct line *l, bool *first);

/* ---- call_reoffer.c ---- */
/* An offer while the call runs (ACTIVE; one while an offer waits for its answer got 491 before it: see
 * call_offer_ended). Marks the lines it takes fresh and those it drops; adds to ctx (a Context node of
 * the message m, named later) the Subtracts of lines whose transport changes (c->skip counts them) and
 * clears *first when it does. False when the request is answered already: nothing changes at the gateway
 * (open point 1), or it is refused. */
bool call_reoffer(struct call *c, const struct media_sdp *m, bool from_ue, struct h248_msg *msg,
		  struct h248_node *ctx, bool *first);
/* The re-offer's first transaction went to the gateway: the lines it replaced are gone, whatever the
 * re-offer's fate (before, a failed re-offer finds them as they were). */
void call_reoffer_sent(struct call *c);
/* The re-offer failed or went unanswered: what its transactions reserved is subtracted (the whole
 * context when the call goes back to holding nothing there), and the call is as it was before it. sent:
 * the transaction that failed went to the gateway (what it subtracts itself is left to it). */
void call_reoffer_undo(struct call *c, bool sent);
/* The answer's transaction done: the dropped lines' terminations are gone, and the context when empty. */
void call_reoffer_settle(struct call *c);

#endif
