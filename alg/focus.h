/* SPDX-License-Identifier: GPL-3.0-or-later */
/* focus: ims-alg as the MRFC of a conference focus (the Mp profile; TS 23.333 §6.2.19, §6.2.20).
 *
 * A UE dials in with an INVITE to a conference URI (mrfc.conferences). For each MSRP or BFCP line of
 * its offer the MRFC adds a termination to the conference's one context at the MRFP ("Reserve and
 * Configure IMS resources"): the Remote is the UE's line, the Local asks the MRFP to choose its port,
 * fingerprint (or take the pre-shared key, mrfc.psk) and MSRP URI, with a=setup:active when the UE
 * offered actpass or passive, so the MRFP starts TCP per the answer (§6.2.20 step 4), and the BFCP
 * server's a=floorctrl, a=confid, a=userid and a=floorid. The answer is the MRFP's Local of each line
 * under one c=; other lines are refused with port 0. tcpbcc/fail and tlsbsc/fail end the participant (the
 * proxy sends BYE); BYE from the UE subtracts its terminations. The first participant creates the
 * context, the others join it; it goes with the last. */
#ifndef MEDIASEC_ALG_FOCUS_H
#define MEDIASEC_ALG_FOCUS_H

#include <stdbool.h>
#include <stddef.h>

#include "alg_cfg.h"
#include "call.h"
#include "mgc.h"

struct focus;
struct participant;

struct focus_ops {
	/* The MRFP reported a failure on the participant's media, or was lost: the proxy sends BYE, then
	 * calls focus_leave. */
	void (*failed)(void *arg, struct participant *p, const char *why);
};

struct focus *focus_new(struct mgc *mgc, const struct alg_config *cfg, const struct focus_ops *ops,
			void *arg);
void focus_free(struct focus *fc);
/* Whether user (a Request-URI's user part) is one of the conferences. */
bool focus_serves(const struct focus *fc, const char *user);
/* A UE dials in to conference (focus_serves said yes); owner is the proxy's, given back by focus_owner. */
struct participant *focus_join(struct focus *fc, const char *conference, const char *call_id, void *owner);
/* Its offer: next gets the answer (status 0) or the SIP failure, exactly once unless the participant
 * leaves first; it may be called before focus_offer returns, and the participant may be gone then. */
void focus_offer(struct participant *p, const char *sdp, size_t len, call_next *next, void *arg);
void *focus_owner(const struct participant *p);
const char *focus_call_id(const struct participant *p);
/* The participant leaves: its terminations are subtracted, and it is freed. */
void focus_leave(struct participant *p, const char *why);
/* What the MRFP pool reports (mgc's ops). */
void focus_gateway_event(struct focus *fc, struct mgc_agw *agw, const char *ctx, const char *term,
			 const char *event, const char *reason);
void focus_gateway_lost(struct focus *fc, struct mgc_agw *agw, const char *why);

#endif
