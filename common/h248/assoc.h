/* SPDX-License-Identifier: GPL-3.0-or-later */
/* assoc: the H.248 control association (H.248.1 §7.2.8, §11): registration by ServiceChange.
 *
 * MG side: registers with ServiceChange ROOT {Method=Restart, Reason="901 Cold Boot", Version,
 * Profile, TimeStamp} and retries with back-off until answered. The reply's Version is the negotiated
 * one (both ends switch to it), MgcIdToTry sends the MG to another MGC first, ServiceChangeAddress moves
 * the MGC's address. When contact is lost (a request times out, the TCP connection drops), the MG
 * registers again with Method=Disconnected (D.1.5). Graceful and Forced take it out of service.
 * An MGC that does not know us any more (it restarted: its reply to any request of ours is 505,
 * "Transaction Request Received before a ServiceChange Reply", or 411 "unknown context" to a Notify
 * about a context we hold) is contact lost too: Disconnected, the contexts kept until the MGC subtracts
 * them (H.248.1 §11.5: it decides what survives). An MGC that has
 * sent nothing for the maximum inactivity time (it audits a quiet gateway; a restarted one does not
 * know us) is notified H.248.14's inactivity event, Notify ROOT {it/ito}; no answer or 505 is contact
 * lost. The event is provisioned (silence_ms, RequestID 0) until the MGC sets ROOT's Events: with it/ito
 * its RequestID and mit rule, without it there is no such Notify. Each registration starts from the
 * provisioned state.
 *
 * MGC side: answers ServiceChange requests on ROOT: Restart, Disconnected, Failover and HandOff
 * register the MG at version min(its, ours); Graceful and Forced take it out of service. Who may
 * register is the owner's decision (tl's admit hook) before this sees the request; mIds are handed up
 * in h248_mid_key form. */
#ifndef MEDIASEC_H248_ASSOC_H
#define MEDIASEC_H248_ASSOC_H

#include <stdbool.h>

#include "tl.h"

struct h248_mg;

struct h248_mg_opts {
	union sa mgc;          /* where to register */
	bool tcp;              /* over TCP (TPKT) instead of UDP */
	const char *profile;   /* "name/version", e.g. "IMS-AGW/1" */
	unsigned max_version;  /* highest version offered (default 3) */
	unsigned retry_ms;     /* first wait before registering again (default 1000), doubled up to */
	unsigned retry_max_ms; /* (default 30000) */
	unsigned silence_ms;   /* provisioned maximum inactivity time: Notify it/ito (0: never) */
};

struct h248_mg_ops {
	void (*registered)(void *arg, unsigned version);
	void (*lost)(void *arg, const char *why); /* contact lost; registration is being tried again */
};

struct h248_mg *h248_mg_new(struct ev_loop *loop, struct h248_link *link, struct h248_tl *tl,
			    const struct h248_mg_opts *opts, const struct h248_mg_ops *ops, void *arg);
void h248_mg_free(struct h248_mg *mg);
void h248_mg_start(struct h248_mg *mg);
/* Contact with the MGC was lost (a request of ours timed out): register again with Disconnected. */
void h248_mg_lost(struct h248_mg *mg, const char *why);
/* A message from the MGC arrived (the owner's admit hook accepted it): it is not silent. */
void h248_mg_heard(struct h248_mg *mg);
/* A reply to a request of ours: when it is 505 the MGC does not know us (it restarted), and when it is
 * 411 about a context the request named and we still hold (held), the MGC does not know our context (a
 * restarted MGC that takes us without a registration): either way contact is lost, registration begins
 * again with Disconnected (true). A 411 about a context we no longer hold is the expected answer to a
 * Notify that crossed its Subtract: nothing. */
bool h248_mg_check_reply(struct h248_mg *mg, const struct h248_node *reply, bool held);
/* The link reports a closed TCP connection: when it is ours, contact is lost. */
void h248_mg_conn_closed(struct h248_mg *mg, uint32_t conn);
bool h248_mg_is_registered(const struct h248_mg *mg);
/* Where messages to the MGC go (after MgcIdToTry / ServiceChangeAddress): the only peer an MG answers. */
const struct h248_from *h248_mg_mgc(const struct h248_mg *mg);
/* The MGC's mId as its answer to our registration gave it (h248_mid_key form); NULL before, and while
 * registering again (only the address and port are checked then). */
const char *h248_mg_mgc_mid(const struct h248_mg *mg);
/* Does this message come from our MGC: its address and port (or our TCP connection to it), and once
 * registered its mId? msg NULL checks the source only. */
bool h248_mg_from_mgc(const struct h248_mg *mg, const struct h248_msg *msg, const struct h248_from *from);
/* H.248.14 (package it, 0x0045): the inactivity event on ROOT and its one parameter, the maximum
 * inactivity time in units of 10 ms. */
#define H248_ITO "it/ito"
#define H248_ITO_MIT "mit"
/* The MGC's Events descriptor on ROOT: rid its RequestID with it/ito asked for, and mit_ms its maximum
 * inactivity time (0: not given, the provisioned silence_ms); rid NULL: it/ito not asked for, no Notify. */
void h248_mg_set_inactivity(struct h248_mg *mg, const char *rid, unsigned mit_ms);
/* What the MGC set (for an audit of ROOT's Events): its RequestID, or NULL when ROOT's Events are as
 * provisioned or empty; *mit_ms the time in force. */
const char *h248_mg_inactivity(const struct h248_mg *mg, unsigned *mit_ms);
/* Sends ServiceChange ROOT with Graceful or Forced (out of service) and the given reason. */
void h248_mg_service_change(struct h248_mg *mg, enum h248_tok method, const char *reason);

struct h248_mgc;

struct h248_mgc_ops {
	void (*up)(void *arg, const char *mid, const struct h248_from *from, unsigned version);
	void (*down)(void *arg, const char *mid, const char *method);
	/* After up, when the MG registered with anything but Restart "901 Cold Boot" (Disconnected,
	 * Failover, HandOff, a warm Restart): it may still hold contexts an earlier association made. */
	void (*may_hold)(void *arg, const char *mid, const char *method);
};

struct h248_mgc *h248_mgc_new(unsigned max_version, const struct h248_mgc_ops *ops, void *arg);
void h248_mgc_free(struct h248_mgc *mgc);
/* Answers trans when it is a ServiceChange on ROOT (true); false leaves it to the caller. */
bool h248_mgc_handle(struct h248_mgc *mgc, struct h248_txn *txn, const struct h248_msg *msg,
		     const struct h248_node *trans);

#endif
