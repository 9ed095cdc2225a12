/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mg: the gateway's side of H.248 — executes the MGC's transactions on the store (Add, Modify,
 * Subtract, Move, AuditValue, AuditCapabilities, ServiceChange), answers each with the reply or the
 * error code H.248.1/H.248.8 and the Iq profile prescribe, and reports events by Notify. */
#ifndef MEDIASEC_AGW_MG_H
#define MEDIASEC_AGW_MG_H

#include "assoc.h"
#include "cert.h"
#include "profile.h"
#include "store.h"
#include "tl.h"
#include "wire.h"

struct agw_mg;

struct agw_mg_hooks {
	/* A termination's media or controls changed: bring its leg in line. */
	void (*configured)(void *arg, struct agw_term *t);
	void *arg;
};

/* profile: what the gateway carries and which information elements it takes (profiles/profile.h);
 * anything else is refused with the error H.248.8 gives for it. */
struct agw_mg *agw_mg_new(struct ev_loop *loop, struct h248_tl *tl, struct h248_mg *assoc,
			  struct agw_store *store, const struct wire_names *wire,
			  const struct profile *profile, const struct tls_identity *identity,
			  const struct agw_mg_hooks *hooks);
void agw_mg_free(struct agw_mg *mg);

/* Executes a Transaction from the MGC and answers it. */
void agw_mg_execute(struct agw_mg *mg, struct h248_txn *txn, const struct h248_msg *msg,
		    const struct h248_node *trans);

/* Something happened on t: notified to the MGC when the MGC asked for that event. reason may be NULL. */
void agw_mg_event(struct agw_mg *mg, struct agw_term *t, enum wire_ie event, const char *reason);

/* A termination is going: its timers with it. */
void agw_mg_release(struct agw_mg *mg, struct agw_term *t);

#endif
