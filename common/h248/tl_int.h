/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tl_int: what the transaction layer's files share (tl.c, tl_ack.c). Internal: the API is tl.h. */
#ifndef MEDIASEC_H248_TL_INT_H
#define MEDIASEC_H248_TL_INT_H

#include <glib.h>

#include "codec.h"
#include "log.h"
#include "tl.h"

struct h248_tl {
	struct ev_loop *loop;
	struct h248_link *link;
	struct h248_tl_opts o;
	struct h248_tl_ops ops;
	void *arg;
	uint32_t next_tid;
	GHashTable *requests; /* tid -> struct request */
	GHashTable *txns;     /* struct h248_txn, keyed by its sender (struct peer) and id */
	GHashTable *peers;    /* "mid" -> struct peer, while it has ids remembered */
	/* The answered transactions, oldest first: all are kept LONG-TIMER, so they go in the order they
	 * came, each in turn when the one timer runs out (no timer of their own) */
	struct h248_txn *oldest, *newest;
	struct ev_timer *forget;
	size_t cached;        /* bytes of stored answers */
	GPtrArray *acks;      /* struct acks: Replies received, to acknowledge, per peer */
	struct ev_timer *ack_timer;
	struct h248_tl_stats stats;
	struct log_counter strays, over_cache, over_ids, ids_full;
	struct log_counter unparsable, peer_errors;
	struct h248_encodings *encodings; /* the one each peer last used */
};

/* A message from this entity: its version and mId (tl.c). */
struct h248_msg *tl_new_message(struct h248_tl *tl);
/* m encoded as `to` reads and sent (m is consumed); a failure is logged (tl.c). */
void tl_send(struct h248_tl *tl, const struct h248_from *to, struct h248_msg *m);

/* ---- acknowledging the Replies received (tl_ack.c) ---- */

void tl_acks_init(struct h248_tl *tl);
/* What is not sent yet is dropped: the peer frees those answers after LONG-TIMER. */
void tl_acks_free(struct h248_tl *tl);
/* Acknowledges tid to `to`: with the others due to the same peer after ack_delay_ms, or at once (with
 * them) when now (ImmAckRequired) or when a batch is full. */
void tl_ack_reply(struct h248_tl *tl, const struct h248_from *to, unsigned version, uint32_t tid, bool now);

#endif
