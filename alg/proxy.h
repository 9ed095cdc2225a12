/* SPDX-License-Identifier: GPL-3.0-or-later */
/* proxy: the P-CSCF's SIP side on sofia-sip's nta — a stateful, record-routing proxy with an access side
 * (toward the UEs) and a core side (toward the S-CSCF or the peer network), one nta agent each.
 *
 * A request is forwarded out of the other side: from the access side to sip.core.next_hop (or the
 * registrar's own core side when there is none, so two UEs of a lab reach each other through both
 * halves of the P-CSCF), from the core side to the registered contact of its Request-URI. Initial
 * INVITEs are record-routed twice (one entry per side); our own Route entries are taken off in-dialog
 * requests. REGISTER is answered here (sip.registrar) or forwarded with a Path; either way the UE's
 * mediasec mechanisms are recorded and Security-Server tells it ours.
 *
 * Every SDP offer and answer of an INVITE dialog goes through its call (call.h) before it is
 * forwarded: the call decides per line, drives the gateway and gives back the body for the other side,
 * or a status that fails the request.
 *
 * The files: proxy.c the sides and what the proxy answers itself, forward.c a forwarded request,
 * dialog.c the dialogs and the proxy's own requests in them (the three share proxy_int.h), and
 * registrar.c (registrar.h) registration in SIP terms. */
#ifndef MEDIASEC_ALG_PROXY_H
#define MEDIASEC_ALG_PROXY_H

#include <stdbool.h>

#include "alg_cfg.h"
#include "call.h"

struct proxy;
struct trace;
typedef struct su_root_s su_root_t;

/* NULL and *err when a side cannot be bound. */
struct proxy *proxy_new(su_root_t *root, const struct alg_config *cfg, struct mgc *mgc, struct trace *trace,
			char **err);
void proxy_free(struct proxy *p);
/* What the gateway pool reports: an observed event, a gateway lost (to the calls and the focus). */
void proxy_gateway_event(struct proxy *p, struct mgc_agw *agw, const char *ctx, const char *term,
			 const char *event, const char *reason);
void proxy_gateway_lost(struct proxy *p, struct mgc_agw *agw, const char *why);

/* ims-ctl drain: no new calls from now on — each initial INVITE, on either side, is answered 503 Service
 * Unavailable with Retry-After: retry_after (seconds, > 0); the calls under way go on to their end. */
void proxy_drain(struct proxy *p, unsigned retry_after);
/* What ims-ctl shows: the drain's Retry-After (0: not draining), the dialogs open, the calls and the
 * registrations. */
struct proxy_view {
	unsigned retry_after, dialogs;
	struct calls *calls;
	struct registrar *registrar;
};
void proxy_view(struct proxy *p, struct proxy_view *out);

/* For the metrics (alg_metrics.c): the SIP messages counted, the registrations now, the calls. */
struct alg_sip_counts;
struct calls;
const struct alg_sip_counts *proxy_sip_counts(const struct proxy *p);
unsigned proxy_registrations(const struct proxy *p);
struct calls *proxy_calls(const struct proxy *p);

#endif
