/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tl: the H.248.1 transaction layer of one entity (Annex D), on top of a link.
 *
 * Requests: a Transaction gets the next transaction id, is printed once, and over UDP is repeated with
 * exponential back-off (initial interval doubled, bounded by max_rto) until its Reply arrives or T-MAX
 * has passed since the first send; over TCP it is sent once under the same T-MAX timer. A Pending
 * restarts the wait on the longer pending interval. Every Reply to a request of ours is acknowledged
 * (TransactionResponseAck, D.1.1), so that the peer frees its stored copy at once: the ids due to one
 * peer go together in one message ack_delay_ms after the first (K { 3, 5-9 }, at most 64 ids; at once
 * when that many are due), or at once when the Reply carries ImmAckRequired (D.1.4). A repeated Reply
 * of a request already completed is acknowledged again only when it asks to be. Acknowledgements ride
 * in messages of their own, not in the next request (whose text is repeated and traced as it is).
 *
 * Requests received: each (sender mId, transaction id) executes at most once. A repetition of one that
 * is executing gets a Pending; of one that was answered, the stored Reply again, for LONG-TIMER after
 * the answer or until a TransactionResponseAck frees the copy. The id is remembered for LONG-TIMER
 * anyway (D.1.1): a repetition after the acknowledgement is neither executed again nor answered (the
 * acknowledgement proves the peer had the Reply; it is a stale copy). An answer that takes longer than the
 * pending threshold is preceded by a Pending and, over UDP, carries ImmAckRequired. A message that does not
 * parse is answered with the error the parser reported: in the failing transaction's Reply when its id was
 * read, else as a message-level error.
 *
 * Who may speak: the owner's admit hook sees every message that parses, with its source, before
 * anything in it is acted on; a message it refuses is dropped unanswered. A Reply or Pending is taken
 * only from where its request went (the same address and port, or the same TCP connection); from
 * anywhere else it is dropped and counted. Stored answers take at most max_cache bytes together; beyond
 * that an answer is sent but not kept (a repetition of its request then goes unanswered), counted in
 * not_cached and logged (first, then once per 100). h248_tl_free logs what is stored and remembered.
 *
 * Remembered ids are bounded per peer (the sender's mId: one association), at most max_ids together,
 * executing or answered, each about 120 bytes once answered (measured: 60,000 acknowledged ids took 7.3
 * MB; an executing one also holds its request's address, an unacknowledged one its answer). Beyond the bound
 * an id is never forgotten before LONG-TIMER: forgetting one would let a late repetition of its request
 * execute a second time, and evicting only the acknowledged ones still would (a stale datagram may
 * arrive after the acknowledgement: that is what the id is remembered for). Instead new requests are
 * turned away, in two steps. Once max_ids - max_ids/16 are remembered, a new request is not executed
 * but refused with H.248.8 510 "Insufficient Resources", and that refusal is remembered like any answer
 * (a repetition gets the same 510: the peer was told it did not run, and it never will). The last
 * sixteenth is kept for those refusals; when it is full too, a new request is dropped unanswered and
 * nothing of it is kept: the peer sees no Reply, so the outcome is unknown to it, and a repetition
 * after ids have aged out is executed then, for the first time. Either way the peer's requests are
 * taken again as its remembered ids reach LONG-TIMER. Counted in ids_refused and ids_dropped, logged
 * (first, then once per 100), reported by h248_tl_free.
 *
 * Encodings (codec.h): a message received is read as binary when its first octet is 0x30, else as text,
 * and a binary one that does not decode is answered as a text one that does not parse. Everything sent
 * to a peer (a request, Reply, Pending, TransactionResponseAck, error) goes in the encoding that peer
 * (its address and TCP connection) last used in a message the admit hook took, or opts.encoding before
 * it has spoken; with opts.fixed_encoding, always in opts.encoding. A message binary cannot carry is
 * never sent as text instead: it is logged with its transaction and what was refused, a request then
 * fails as when it cannot be sent (h248_tl_send returns 0), a Reply is replaced by an Error reply with
 * the code the binary encoder gave (501, 444, 445, 400). The peers remembered are bounded (4096; beyond,
 * a new one gets opts.encoding). */
#ifndef MEDIASEC_H248_TL_H
#define MEDIASEC_H248_TL_H

#include <stdbool.h>
#include <stdint.h>

#include "codec.h"
#include "link.h"
#include "msg.h"
#include "print.h"

struct h248_tl;
struct h248_txn; /* a received request being executed */

struct h248_tl_opts {
	struct h248_mid mid;     /* this entity's mId in every message it sends */
	unsigned version;        /* MEGACO/N of messages sent (changes with h248_tl_set_version) */
	enum h248_style style;   /* pretty or compact, for text */
	unsigned initial_rto_ms; /* first repetition interval over UDP (default 200) */
	unsigned max_rto_ms;     /* bound of the back-off (default 4000) */
	unsigned tmax_ms;        /* T-MAX: give up a request this long after its first send (default 30000) */
	unsigned long_timer_ms;  /* LONG-TIMER: how long answers and ids are kept (default 30000) */
	unsigned pending_ms;     /* answer slower than this: send Pending first (default 1000) */
	unsigned pending_wait_ms; /* after a Pending, wait this long for the Reply before asking again
				     (default 4000) */
	unsigned max_pendings;    /* Pendings accepted for one request before giving up (default 10) */
	size_t max_cache;         /* bytes of stored answers (default 4 MiB) */
	unsigned ack_delay_ms;    /* a Reply received is acknowledged within this (default 20) */
	unsigned max_ids;         /* ids of received requests remembered per peer (default 262144, about
				     32 MB answered and acknowledged: 8,738 transactions/s from one peer
				     over a LONG-TIMER of 30 s, ~2,000 e2ae calls/s at 4 transactions each) */

	/* of what goes to a peer that has not spoken yet (to every peer, with fixed_encoding) */
	enum h248_encoding encoding;
	bool fixed_encoding; /* false: a peer is sent to in the encoding it last used */
};

struct h248_tl_ops {
	/* A request arrived (executed once per transaction id). Answer with h248_txn_reply(), now or later.
	 */
	void (*request)(void *arg, struct h248_txn *txn, const struct h248_msg *msg,
			const struct h248_node *trans);
	/* Optional: false drops msg from `from` unanswered (the owner counts and logs it). */
	bool (*admit)(void *arg, const struct h248_msg *msg, const struct h248_from *from);
};

/* The Reply of a request of ours; reply is NULL when T-MAX passed (or too many Pendings) without one. */
typedef void h248_tl_result(void *arg, const struct h248_msg *msg, const struct h248_node *reply);

struct h248_tl *h248_tl_new(struct ev_loop *loop, struct h248_link *link, const struct h248_tl_opts *opts,
			    const struct h248_tl_ops *ops, void *arg);
void h248_tl_free(struct h248_tl *tl);
/* The link's receive callback: pass every message from the link here. */
void h248_tl_input(struct h248_tl *tl, const char *text, size_t len, const struct h248_from *from);
void h248_tl_set_version(struct h248_tl *tl, unsigned version);

/* A new message with this entity's header holding one Transaction; fill *trans with actions. */
struct h248_msg *h248_tl_new_request(struct h248_tl *tl, struct h248_node **trans);
/* Sends it (the message is consumed) and calls done exactly once. Returns the transaction id, or 0
 * when it could not be sent at all (done is not called then). */
uint32_t h248_tl_send(struct h248_tl *tl, const struct h248_from *to, struct h248_msg *m,
		      h248_tl_result *done, void *arg);
/* Sends m again under tid, the id of a request of ours whose done reported no Reply: the peer executes
 * an id at most once and keeps its answer for LONG-TIMER, so this fetches the Reply the first sending
 * earned (or has it executed now, when no sending arrived). Otherwise as h248_tl_send; 0 also when tid
 * is still awaiting its Reply. */
uint32_t h248_tl_send_again(struct h248_tl *tl, const struct h248_from *to, struct h248_msg *m, uint32_t tid,
			    h248_tl_result *done, void *arg);
/* Forgets a request of ours: done will not be called. */
void h248_tl_cancel(struct h248_tl *tl, uint32_t tid);

/* The answer to a received request: a message holding its Reply (tid set), in the request's version
 * when that is below ours (a gateway registering at 1 is answered in 1); fill *reply. */
struct h248_msg *h248_txn_new_reply(struct h248_txn *txn, struct h248_node **reply);
void h248_txn_reply(struct h248_txn *txn, struct h248_msg *m); /* consumes m; txn is gone after */
/* The answer that refuses the whole transaction: Reply = id { Error = code { "text" } }. */
void h248_txn_error(struct h248_txn *txn, unsigned code, const char *text);
/* Where the request came from; until the transaction is answered. */
const struct h248_from *h248_txn_from(const struct h248_txn *txn);
uint32_t h248_txn_id(const struct h248_txn *txn);

struct h248_tl_stats {
	uint64_t sent, repeated, replies, timeouts, pendings_sent, pendings_received, executed, duplicates,
	    answered_from_cache, acks_sent, acks_received, errors_sent;
	uint64_t refused;       /* messages the admit hook dropped */
	uint64_t stray_replies; /* Replies and Pendings from elsewhere than their request went */
	uint64_t not_cached;    /* answers sent but not kept: over max_cache */
	uint64_t ack_messages;  /* TransactionResponseAcks sent (acks_sent: the ids they carried) */
	uint64_t stored;        /* answers stored now (until acknowledged or LONG-TIMER) */
	uint64_t remembered;    /* ids of received requests remembered now (executing or answered) */
	uint64_t ids_refused;   /* requests refused with 510: their peer had max_ids - max_ids/16 ids */
	uint64_t ids_dropped;   /* requests dropped unanswered: their peer had max_ids ids */
};
const struct h248_tl_stats *h248_tl_stats(const struct h248_tl *tl);

#endif
