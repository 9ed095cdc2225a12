/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgc_int: what mgc.c (the pool, our requests and their Replies, the gateways' requests) and mgc_watch.c
 * (audits, loss, H.248.14) share. Internal to ims-alg's MGC: its API is mgc.h. */
#ifndef MEDIASEC_ALG_MGC_INT_H
#define MEDIASEC_ALG_MGC_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "log.h"
#include "mgc.h"
#include "peers.h"

struct mgc_agw {
	struct mgc *mgc;
	char *mid;
	struct h248_from to;
	unsigned version;
	unsigned pending; /* requests awaiting their Reply */
	unsigned epoch;   /* registrations so far: what a request under an older one learns is not acted on */
	bool up;
	bool probing;    /* lost for its silence: audited until it answers, then taken back */
	uint64_t heard;  /* when a message from it last arrived */
	uint64_t quiet;  /* since when a request to it awaits its Reply with nothing heard since (0: none) */
	uint64_t probed; /* when it was last audited */
	struct ev_timer *watch;
	GHashTable *ctxs; /* context id -> GHashTable of its termination ids: what it holds for us */
};

struct mgc {
	struct ev_loop *loop;
	struct h248_link *link;
	struct h248_tl *tl;
	struct h248_mgc *assoc;
	struct mgc_ops ops;
	void *arg;
	struct h248_mid mid; /* in the header of every message (its text the caller's) */
	GPtrArray *agws;     /* struct mgc_agw *, in order of first registration */
	GHashTable *pending; /* tid -> struct pending: requests of ours not answered yet */
	unsigned next;       /* round robin */
	unsigned audit_ms, lost_after, probe_ms, inactivity_ms;
	struct h248_allow *allow; /* who may register */
	unsigned nallow, max_pending;
	struct log_counter strangers, takeovers;
	struct log_counter refused; /* requests an allowed source may repeat */
	uint64_t over_pending;
	struct alg_h248_counts h248; /* the metrics' */
};

enum { MAX_ACTIONS = 8, MAX_TRIES = 8 };

struct pending {
	uint32_t tid;
	struct mgc_agw *agw;
	unsigned epoch;
	mgc_done *done; /* NULL once told (a failure), cancelled, or for nobody */
	void *arg;
	/* a copy of the message, to ask again when it adds or subtracts */
	struct h248_msg *again;
	void (*seen)(struct mgc_agw *a, const struct h248_node *reply); /* ours: its Reply, read here */
	unsigned tries; /* sendings under this id */
	bool parked;    /* to be asked again once its gateway is back */
	/* cancelled, or its caller told it failed: what it adds to a context it did not make is taken out */
	bool given_up;
	uint8_t ncmd[ALG_CMD_COUNT]; /* its commands, for the metrics */
	unsigned nact;
	struct {
		char ctx[16];
		bool creates, subtracts_all;
	} act[MAX_ACTIONS];
};

struct pending *mgc_pending_of(struct mgc *m, uint32_t tid);
/* Sends actions (mgc_actions_new, consumed) to a in a Transaction; done hears of its Reply (NULL: nobody). */
bool mgc_request(struct mgc *m, struct mgc_agw *a, struct h248_msg *actions, mgc_done *done, void *arg,
		 uint32_t *tid);
/* Out of the pool: what its requests still await fails now, then the owner releases its calls; probe:
 * audited until it answers again. */
void mgc_lose(struct mgc_agw *a, const char *why, bool probe);
/* ---- mgc_track.c: what each gateway holds for us, from the Replies ---- */

/* Whether ctx names a context ("$", "-", "*" and "" do not). */
bool mgc_ctx_named(const char *ctx);
/* Context ctx at a subtracted whole, by a request for nobody; why is logged. */
void mgc_subtract_ctx(struct mgc_agw *a, const char *ctx, const char *why);
/* Reads which contexts p's actions (msg) name, create or subtract whole into p->act; true when msg adds
 * or subtracts, so that it is asked again under its id when no Reply comes. */
bool mgc_read_actions(struct pending *p, const struct h248_msg *msg);
/* The Reply to p recorded in a->ctxs; with drop, the contexts p made are subtracted, and what p, given
 * up, added to another context is subtracted from it. */
void mgc_track(struct mgc_agw *a, const struct pending *p, const struct h248_node *reply, bool drop);

/* The watch of a is due in ms. */
void mgc_watch_in(struct mgc_agw *a, uint64_t ms);
/* After a registration: ROOT's Packages audited, and H.248.14 set when the gateway offers it. */
void mgc_ask_packages(struct mgc_agw *a);

#endif
