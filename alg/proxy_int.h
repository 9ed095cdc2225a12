/* SPDX-License-Identifier: GPL-3.0-or-later */
/* proxy_int: the internal header of the proxy's own files — proxy.c (the sides, the trace, requests the
 * proxy answers itself), forward.c (a request forwarded and its responses) and dialog.c (INVITE dialogs
 * and the requests the proxy sends of its own). Not an API: nothing outside these three includes it;
 * the rest of ims-alg sees proxy.h. A dialog ends the requests under way in it and a forwarded request
 * ends its dialog, so the two share their structs here (as nginx's modules share ngx_stream_proxy's).
 *
 * Include it first, before any sofia-sip header: it sets nta's magic types. */
#ifndef MEDIASEC_ALG_PROXY_INT_H
#define MEDIASEC_ALG_PROXY_INT_H

#include <glib.h>
#include <stdbool.h>
#include <time.h>

struct side;
struct fwd;
#define NTA_AGENT_MAGIC_T    struct side
#define NTA_LEG_MAGIC_T      struct side
#define NTA_INCOMING_MAGIC_T struct fwd
#define NTA_OUTGOING_MAGIC_T struct fwd

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/su_tagarg.h>

#include "alg_metrics.h"
#include "proxy.h"

struct registrar;

enum { ACCESS, CORE };

struct side {
	struct proxy *p;
	int which;
	nta_agent_t *agent;
	nta_leg_t *leg;
	char *uri; /* our URI on this side: "sip:127.0.0.1:5060" */
	url_t *url;
	su_home_t home[1];
};

/* One INVITE dialog as the proxy follows it, with the call that holds its media. */
struct dlg {
	char *call_id, *caller_tag;
	char *ue; /* the access address that originated it, counted by the registrar; NULL otherwise */
	bool orig;
	struct call *call;
	struct participant *part; /* a dial-in to the conference focus (mp): the MRFC is the UAS */
	nta_incoming_t *dial_in;  /* its INVITE, while the focus works on the answer */
	struct proxy *p;
	/* what a BYE of ours needs: each party's URI, tag and contact, and the INVITE's CSeq (dlg_keep) */
	msg_t *invite, *ok;
	GSList *fwds;  /* its requests under way (struct fwd *): the INVITE, a re-offer */
	bool released; /* we sent BYE to both parties */
	bool late; /* a 2xx or a reliable 18x carried the offer (its INVITE had none): the ACK or PRACK brings
		    * the answer */
	uint32_t late_rseq; /* the RSeq of that 18x (the PRACK with its RAck answers), 0 for a 2xx */
	char *late_tag;     /* the To tag of the response that offered */
	char *ack_sdp;      /* the ACK's answer as it went on, for the ACK's copies */
};

struct proxy {
	const struct alg_config *cfg;
	struct side sides[2];
	struct registrar *registrar; /* bindings, mechanisms, calls per access address */
	struct calls *calls;
	struct focus *focus; /* mp: the MRFC's conferences; NULL under the other profiles */
	struct trace *trace;
	GHashTable *dialogs; /* Call-ID -> GSList of struct dlg */
	url_t *next_hop;
	struct siptcp *siptcp; /* the TCP listeners' watch over descriptors */
	struct siptls *tls;    /* SIP over TLS's certificate files; NULL when no side speaks TLS */
	unsigned retry_after;  /* draining (ims-ctl drain): initial INVITEs get 503 with it; 0: not */
	struct log_counter drained;
	struct alg_sip_counts sip; /* every message proxy_trace sees, for the metrics */
	su_home_t home[1];
};

/* One forwarded request: the server transaction it came in on, the client transaction it went out on. */
struct fwd {
	struct proxy *p;
	struct side *in, *out;
	nta_incoming_t *irq;
	nta_outgoing_t *orq;
	msg_t *msg;    /* the request being forwarded, while the call works on its SDP */
	url_t *target; /* where it went */
	struct dlg *dlg;
	sip_method_t method;
	bool initial, answering;
	bool offered;   /* the request carried SDP, an offer: a response's SDP answers it (else it offers) */
	unsigned taken; /* that offer went through the call (its call_offer_seq, from 1): its final response
			 * ends it (call_offer_ended); 0: none */
	char *late_sdp; /* the offer its 2xx carried as passed on, for the 2xx's retransmissions */
	GQueue responses; /* msg_t * waiting while an earlier answer is with the call */
};

/* ---- proxy.c ---- */

extern const char *const proxy_side_names[2]; /* "access", "core" */

/* The Call-ID of a message, NULL without one (for the log's ids). */
const char *proxy_call_of(const sip_t *sip);
/* Whether url is this proxy's URI on side s (host and port). */
bool proxy_is_us(const struct side *s, const url_t *url);
/* A message received (rx) or sent on side s, in the trace; target: where a request goes (NULL: from
 * the message). */
void proxy_trace(struct proxy *p, bool rx, struct side *s, msg_t *msg, const url_t *target);
/* A message nta sent on side s (after nta_outgoing_mcreate, nta_incoming_mreply: with the Via and all
 * nta added, the bytes the transport wrote), in the trace at the time at, taken before it was sent. */
void proxy_trace_sent(struct proxy *p, struct side *s, msg_t *msg, const url_t *target,
		      const struct timespec *at);
/* The proxy's own answer to a request received on side s, in the trace like every message it sends. With
 * keep (a dialog's 2xx, the MRFC's), it carries our To tag and a reference is returned for the dialog;
 * NULL otherwise or when it could not be built (it is then sent without the trace). */
msg_t *proxy_respond(struct proxy *p, struct side *s, nta_incoming_t *irq, bool keep, int status,
		     const char *phrase, tag_type_t tag, tag_value_t value, ...);
void proxy_reply(struct proxy *p, struct side *s, nta_incoming_t *irq, int status, const char *phrase,
		 tag_type_t tag, tag_value_t value, ...);

/* ---- forward.c ---- */

/* Forwards the request got (ours now) that arrived on side s with irq out of the other side. */
void fwd_start(struct side *s, nta_incoming_t *irq, const sip_t *sip, msg_t *got);
/* f no longer belongs to its dialog; returns the dialog it had. */
struct dlg *fwd_unbind(struct fwd *f);
void fwd_free(struct fwd *f);

/* ---- dialog.c ---- */

struct dlg *dlg_new(struct proxy *p, const sip_t *sip, bool orig);
/* The dialog a request arriving on side belongs to: the caller's requests come from the UE's side when
 * originating, from the core side when terminating (both halves of a hairpin share the Call-ID). */
struct dlg *dlg_find(struct proxy *p, const sip_t *sip, int side);
/* Ends the dialog and its call. Its requests still under way are answered with status and phrase,
 * whatever the other party still sends them is cancelled or, a 2xx, acknowledged and released: a
 * request must never outlive its dialog (its call's pending next went with the call) nor carry an
 * answer the gateway has not seen. The request whose handling ends the dialog unbinds itself first. */
void dlg_end_as(struct dlg *d, int status, const char *phrase, const char *why);
/* dlg_end_as with 487 Request Terminated. */
void dlg_end(struct dlg *d, const char *why);
/* What a request of ours in the dialog needs from its INVITE or its 2xx (From, To, Call-ID, CSeq,
 * Contact), copied into a message of its own: the whole message, its body and every other header, is
 * not kept for as long as the call lasts. NULL when m is NULL or the copy fails. */
msg_t *dlg_keep(msg_t *m);
/* BYE to one party of an answered dialog. */
void dlg_bye(struct proxy *p, struct dlg *d, bool to_caller);
/* The proxy ends a dialog whose media failed: an answered one with BYE to both parties, one still
 * being set up with status to the caller and CANCEL to the callee (ACK and BYE after a 2xx). */
void dlg_release(struct proxy *p, struct dlg *d, int status, const char *phrase, const char *why);
/* A 2xx ok to the INVITE f sent on, whose dialog has ended: the callee holds a session nobody will
 * use. It gets its ACK and, with_bye, a BYE (RFC 3261 §15). */
void fwd_release_callee(struct fwd *f, const sip_t *ok, bool with_bye);
/* CANCEL of the INVITE f sent on (RFC 3261 §9.1), in the trace. */
void fwd_cancel(struct fwd *f);
/* The dialog of f ended under it (dlg_end_as): the request is answered with status now, whatever
 * waited on the call is dropped (a 2xx among it released, with a BYE when bye), and the request that
 * went on is cancelled; f lives on without its server side until the final response. */
void fwd_abort(struct fwd *f, const char *call, int status, const char *phrase, const char *why, bool bye);

#endif
