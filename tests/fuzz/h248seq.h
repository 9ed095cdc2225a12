/* SPDX-License-Identifier: GPL-3.0-or-later */
/* h248seq: drives one H.248 entity (a real link on loopback, its transaction layer, and whatever the
 * target puts on top) with a sequence of records taken from a fuzz input, for fuzz_tl and fuzz_mg.
 *
 * The input is records separated by a line "--". A record's first byte says what it is; the rest (after
 * one optional newline) is its text:
 *   m TEXT   an H.248 message from the peer (UDP, the peer's address and port)
 *   s TEXT   the same message from a stranger (another port)
 *   t TEXT   the same message as if over TCP connection 1 (answers to it find no connection)
 *   w N      run the event loop N ms (one digit; all waits of an input together at most SEQ_WAIT_MAX ms)
 *   other    handed to the target's op callback
 * In a record's text "@N" (N one digit) becomes the transaction id of the N-th request the entity sent
 * (counted from 0 as they reach the peer), so a seed can answer the entity's requests although their
 * ids are drawn at random. Everything the entity sends must parse (abort otherwise). With FUZZ_SHOW set
 * in the environment, what it sends is printed (to see what a seed does). */
#ifndef MEDIASEC_FUZZ_H248SEQ_H
#define MEDIASEC_FUZZ_H248SEQ_H

#include <stddef.h>
#include <stdint.h>

#include "evloop.h"
#include "link.h"
#include "tl.h"

enum { SEQ_MAX_TIDS = 16, SEQ_WAIT_MAX = 6 };

struct seq {
	struct ev_loop *loop;
	struct h248_link *link;
	struct h248_tl *tl;
	struct h248_from peer; /* where the entity's messages go: a UDP socket of ours */
	char *mid_text;        /* storage of the entity's mId */
	struct h248_tl_opts tl_opts;
	uint32_t tids[SEQ_MAX_TIDS];
	unsigned ntids, waited_ms;
	uint64_t received; /* datagrams the peer received */
};

typedef void seq_op(struct seq *s, char op, const char *text, size_t len, void *arg);

/* A loop, a link on 127.0.0.1 (port 0) whose messages go to s->tl, tl_opts with short timers and mId
 * mid; the caller makes s->tl with them (h248_tl_new(s->loop, s->link, &s->tl_opts, ...)). */
void seq_open(struct seq *s, const char *mid);
/* Plays the records of data; op gets the records of other kinds. */
void seq_play(struct seq *s, const uint8_t *data, size_t size, seq_op *op, void *arg);
/* Reads what the entity sent so far (called by seq_play after each record). */
void seq_drain(struct seq *s);
/* Frees the loop and the link (the caller frees s->tl and what is on it first). */
void seq_close(struct seq *s);

#endif
