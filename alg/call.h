/* SPDX-License-Identifier: GPL-3.0-or-later */
/* call: one call's media as the IMS-ALG sees it — the per-line decision, the gateway's context and the
 * H.248 sequences of seed 004 (TS 23.334 §6.2.10.3), kept as one state machine per call and per side:
 *
 *   originating (the UE offers)              terminating (the UE answers)
 *   RESERVE_CORE   Add core termination      RESERVE_ACCESS  Add access termination (our fingerprint)
 *   RESERVE_ACCESS Add access termination    RESERVE_CORE    Add core termination toward the offerer
 *                  with the UE's Remote      OFFERED         offer sent to the UE
 *   OFFERED        offer sent to the core    CONFIGURE       Modify access: the UE's Remote and
 *   CONFIGURE      Modify core (Remote) and                  fingerprint, TLS direction
 *                  access (TLS direction)    ACTIVE
 *   ACTIVE
 *
 * NOTE 2 of the seed (policy.combined) moves the second Add into the CONFIGURE transaction. e2e lines
 * (transparent TCP) add the leg facing the answerer with the answer, when its TCP direction is known.
 * Every log line carries the Call-ID and the step. */
#ifndef MEDIASEC_ALG_CALL_H
#define MEDIASEC_ALG_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alg_cfg.h"
#include "media.h"
#include "mgc.h"

struct call;
struct calls;

struct call_ops {
	/* The gateway reported a failure (tlsbsc/fail, tcpbcc/fail) or was lost: the proxy releases the call
	 * (policy.release_on_fail) and then ends it. */
	void (*failed)(void *arg, struct call *c, const char *why);
};

struct calls *calls_new(struct mgc *mgc, const struct alg_config *cfg, const struct call_ops *ops, void *arg);
void calls_free(struct calls *cs);
/* What the gateway pool reports (mgc's ops): an observed event, a gateway lost. */
void calls_gateway_event(struct calls *cs, struct mgc_agw *agw, const char *ctx, const char *term,
			 const char *event, const char *reason);
void calls_gateway_lost(struct calls *cs, struct mgc_agw *agw, const char *why);

/* A new call: originating when the UE is the caller. The proxy keeps the pointer. */
struct call *call_new(struct calls *cs, const char *call_id, bool originating, const struct media_policy *p);
const char *call_id(const struct call *c);
/* The proxy's own pointer, kept with the call. */
void call_set_owner(struct call *c, void *owner);
void *call_owner(const struct call *c);

/* How an offer or answer goes on: status 0 with the body for the other side (NULL: unchanged; the
 * callee takes it, g_free), or a SIP status and reason phrase for the request. */
typedef void call_next(void *arg, int status, const char *phrase, char *body);

/* The offer (the INVITE's or a re-INVITE's SDP; from_ue: it came from the access side) and the answer.
 * next is called exactly once, at once or when the gateway has answered, unless the call ends first.
 * A re-offer that adds, removes or replaces m= lines changes the gateway's terminations: the new lines'
 * legs reserved with the offer (Subtract first of what a changed transport replaces), configured with
 * the answer, and the dropped lines' subtracted then; a re-offer that gets no answer is undone
 * (call_offer_ended). An answer that changes a line the gateway keeps (another UE certificate, another
 * address, port 0) is a Modify of the answerer's leg (or its Subtract) before it goes on. */
void call_offer(struct call *c, bool from_ue, const char *sdp, size_t len, call_next *next, void *arg);
void call_answer(struct call *c, const char *sdp, size_t len, call_next *next, void *arg);
/* Which offer went on last (call_offer_ended's seq): read when the offer's next says 0. */
unsigned call_offer_seq(const struct call *c);
/* The request that carried offer seq got its final response, or failed on its way: if that offer is
 * still the last and unanswered (3xx-6xx, a 2xx without SDP), it failed, and the session stays as it was
 * before it (RFC 3261 §14.1): what a re-offer reserved goes now. Until an offer is answered or its request
 * ends, another offer gets 491 (§14.2, RFC 3311 §5.2: the two sides offering at once). */
void call_offer_ended(struct call *c, unsigned seq);
/* Ends the call: Subtract when the gateway holds anything, then frees it (a pending next is dropped). */
void call_end(struct call *c, const char *why);

/* For ims-ctl (call_ctl.c): the calls (id NULL) or those with Call-ID id (a hairpin has two), in
 * Call-ID order, as a JSON array of objects: Call-ID, direction, step, gateway mId, context, and the m=
 * lines (media, transport, mode, the gateway's access and core terminations). */
struct json_object *calls_describe(struct calls *cs, const char *id);
unsigned calls_count(struct calls *cs);

/* For the metrics: the calls now by the step of their H.248 sequence, and those ended by outcome
 * (answered: their media was configured; unanswered: ended before; media_failed: the gateway reported a
 * failure or was lost). */
enum { CALL_STEPS = 6 };
enum call_outcome { CALL_ANSWERED, CALL_UNANSWERED, CALL_MEDIA_FAILED, CALL_OUTCOMES };
extern const char *const call_outcome_names[CALL_OUTCOMES];
const char *call_step_name(unsigned step);
void calls_stats(const struct calls *cs, unsigned steps[CALL_STEPS], uint64_t ended[CALL_OUTCOMES]);

#endif
