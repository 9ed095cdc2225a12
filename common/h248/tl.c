/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tl: Annex D transactions over a link (see tl.h). Requests of ours are keyed by transaction id;
 * requests of others by "sender mId / transaction id", as D.1.1 asks. */
#include "config.h"
#include "tl.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "parse.h"
#include "peers.h"
#include "tl_int.h"

struct request {
	struct h248_tl *tl;
	uint32_t tid;
	struct h248_from to;
	char *text;
	size_t len;
	uint64_t deadline;
	unsigned rto, pendings;
	struct ev_timer *timer;
	h248_tl_result *done;
	void *arg;
};

enum txn_state { EXECUTING, ANSWERED };

/* One sender mId: how many of its ids are remembered (kept while any is). */
struct peer {
	char *key; /* "kind/mid:port": its key in tl->peers */
	unsigned ids;
};

struct h248_txn {
	struct h248_tl *tl;
	struct peer *peer; /* with tid, its key in tl->txns */
	uint32_t tid;
	unsigned version; /* the request's: its Reply and Pendings go in it (a gateway at 1 reads 1) */
	struct h248_from *from; /* while executing: where the Reply goes (its address: not kept) */
	enum txn_state state;
	bool pending_sent;
	char *reply; /* the stored answer, NULL once acknowledged */
	size_t reply_len;
	struct ev_timer *timer;         /* while executing: the pending threshold */
	uint64_t forget_at;             /* answered: when LONG-TIMER has run out (the loop's clock, ms) */
	struct h248_txn *newer, *older; /* answered: its neighbours in tl's oldest-first list */
};

static guint txn_hash(gconstpointer p)
{
	const struct h248_txn *t = p;
	return g_direct_hash(t->peer) ^ (t->tid * 2654435761u);
}

static gboolean txn_equal(gconstpointer a, gconstpointer b)
{
	const struct h248_txn *x = a, *y = b;
	return x->peer == y->peer && x->tid == y->tid;
}

/* The transaction id tid of the sender p, if remembered. */
static struct h248_txn *txn_find(struct h248_tl *tl, struct peer *p, uint32_t tid)
{
	struct h248_txn probe = { .peer = p, .tid = tid };
	return p ? g_hash_table_lookup(tl->txns, &probe) : NULL;
}

static unsigned or_default(unsigned v, unsigned d)
{
	return v ? v : d;
}

static void request_free(gpointer p)
{
	struct request *r = p;
	ev_timer_cancel(r->tl->loop, r->timer);
	free(r->text);
	g_free(r);
}

static void txn_forget_reply(struct h248_txn *t)
{
	if (t->reply) {
		t->tl->cached -= t->reply_len;
		t->tl->stats.stored--;
	}
	free(t->reply);
	t->reply = NULL;
}

static void peer_free(gpointer p)
{
	struct peer *peer = p;
	g_free(peer->key);
	g_free(peer);
}

static void txn_unlink(struct h248_txn *t)
{
	struct h248_tl *tl = t->tl;
	*(t->older ? &t->older->newer : &tl->oldest) = t->newer;
	*(t->newer ? &t->newer->older : &tl->newest) = t->older;
	t->newer = t->older = NULL;
}

static void txn_free(gpointer p)
{
	struct h248_txn *t = p;
	ev_timer_cancel(t->tl->loop, t->timer);
	if (t->state == ANSWERED)
		txn_unlink(t);
	g_free(t->from);
	txn_forget_reply(t);
	t->tl->stats.remembered--;
	if (!--t->peer->ids)
		g_hash_table_remove(t->tl->peers, t->peer->key);
	g_free(t);
}

struct h248_tl *h248_tl_new(struct ev_loop *loop, struct h248_link *link, const struct h248_tl_opts *opts,
			    const struct h248_tl_ops *ops, void *arg)
{
	struct h248_tl *tl = g_new0(struct h248_tl, 1);
	tl->loop = loop, tl->link = link, tl->ops = *ops, tl->arg = arg;
	tl->o = *opts;
	tl->o.version = or_default(opts->version, 3);
	tl->o.initial_rto_ms = or_default(opts->initial_rto_ms, 200);
	tl->o.max_rto_ms = or_default(opts->max_rto_ms, 4000);
	tl->o.tmax_ms = or_default(opts->tmax_ms, 30000);
	tl->o.long_timer_ms = or_default(opts->long_timer_ms, 30000);
	tl->o.pending_ms = or_default(opts->pending_ms, 1000);
	tl->o.pending_wait_ms = or_default(opts->pending_wait_ms, 4000);
	tl->o.max_pendings = or_default(opts->max_pendings, 10);
	tl->o.max_cache = opts->max_cache ? opts->max_cache : 4u << 20;
	tl->o.ack_delay_ms = or_default(opts->ack_delay_ms, 20);
	tl->o.max_ids = or_default(opts->max_ids, 262144);
	tl->strays = H248_REFUSALS("a Reply or Pending from");
	tl->unparsable = (struct log_counter){ .component = "h248",
					       .what = "a message that does not parse from",
					       .note = "answered with an error" };
	tl->peer_errors = (struct log_counter){ .component = "h248", .what = "a message-level error from" };
	tl->over_cache = (struct log_counter){ .component = "h248",
					       .what = "storing an answer:",
					       .note = "sent, not kept; a repetition of its request goes "
						       "unanswered" };
	tl->over_ids = (struct log_counter){ .component = "h248",
					     .what = "too many transaction ids remembered:",
					     .note = "refused with 510, not executed" };
	tl->ids_full = (struct log_counter){ .component = "h248",
					     .what = "too many transaction ids remembered:",
					     .note = "dropped unanswered, not executed" };
	tl_acks_init(tl);
	tl->next_tid = (uint32_t)g_random_int_range(1, 1 << 20); /* a restart does not reuse recent ids */
	tl->requests = g_hash_table_new_full(NULL, NULL, NULL, request_free);
	tl->txns = g_hash_table_new_full(txn_hash, txn_equal, NULL, txn_free);
	tl->peers = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, peer_free);
	tl->encodings = h248_encodings_new(opts->encoding, opts->fixed_encoding);
	return tl;
}

void h248_tl_free(struct h248_tl *tl)
{
	if (!tl)
		return;
	const struct h248_tl_stats *s = &tl->stats;
	log_notice(
	    "h248", NULL,
	    "H.248 transactions at stop: %" G_GUINT64_FORMAT " answers stored (%zu bytes), %" G_GUINT64_FORMAT
	    " ids remembered; %" G_GUINT64_FORMAT " answers not stored (over %zu bytes); %" G_GUINT64_FORMAT
	    " Replies acknowledged in %" G_GUINT64_FORMAT " messages, %" G_GUINT64_FORMAT
	    " acknowledgements received; %" G_GUINT64_FORMAT " requests refused (510) and %" G_GUINT64_FORMAT
	    " dropped: their peer had too many ids remembered (max %u)",
	    s->stored, tl->cached, s->remembered, s->not_cached, tl->o.max_cache, s->acks_sent,
	    s->ack_messages, s->acks_received, s->ids_refused, s->ids_dropped, tl->o.max_ids);
	tl_acks_free(tl);
	g_hash_table_destroy(tl->requests);
	ev_timer_cancel(tl->loop, tl->forget);
	g_hash_table_destroy(tl->txns); /* before the peers: each takes itself off its peer */
	g_hash_table_destroy(tl->peers);
	h248_encodings_free(tl->encodings);
	g_free(tl);
}

void h248_tl_set_version(struct h248_tl *tl, unsigned version)
{
	tl->o.version = version;
}

const struct h248_tl_stats *h248_tl_stats(const struct h248_tl *tl)
{
	return &tl->stats;
}

struct h248_msg *tl_new_message(struct h248_tl *tl)
{
	struct h248_msg *m = h248_msg_new(tl->o.version, 0);
	m->mid = tl->o.mid;
	m->mid.text = h248_str_dup(m, tl->o.mid.text.p, tl->o.mid.text.n);
	return m;
}

/* Encodes m in enc and sends it (m is consumed); the octets are returned when keep, else freed. *rc:
 * 0, -EBADMSG when enc cannot carry m (logged with the transaction, *err says why), or the link's. */
static char *emit_as(struct h248_tl *tl, const struct h248_from *to, struct h248_msg *m,
		     enum h248_encoding enc, bool keep, size_t *len, int *rc, struct h248_error *err)
{
	size_t n = 0;
	char *text = h248_encode_to(m, enc, tl->o.style, to, &n, err);
	h248_msg_free(m);
	*rc = text ? h248_link_send(tl->link, to, text, n) : -EBADMSG;
	if (*rc < 0 && text) {
		char where[SA_TEXT_MAX];
		log_warn("h248", NULL, "sending to %s: %s", sa_text(&to->addr, where), g_strerror(-*rc));
	}
	if (!keep || *rc < 0) {
		free(text);
		return NULL;
	}
	char *fit = realloc(text, n + 1); /* the printer's buffer is 4 KiB at least: keep what it holds */
	*len = n;
	return fit ? fit : text;
}

/* emit_as in the encoding of `to`. */
static char *emit(struct h248_tl *tl, const struct h248_from *to, struct h248_msg *m, bool keep, size_t *len,
		  int *rc)
{
	return emit_as(tl, to, m, h248_encodings_for(tl->encodings, to), keep, len, rc, NULL);
}

void tl_send(struct h248_tl *tl, const struct h248_from *to, struct h248_msg *m)
{
	int rc;
	emit(tl, to, m, false, NULL, &rc);
}

static void send_pending(struct h248_tl *tl, const struct h248_from *to, uint32_t tid, unsigned version)
{
	struct h248_msg *m = tl_new_message(tl);
	m->version = MIN(version, m->version);
	char id[12];
	snprintf(id, sizeof id, "%u", tid);
	struct h248_node *n = h248_add_token(m, NULL, H248_TOK_PENDING, id);
	n->flags |= H248_F_BODY; /* Pending = 7 { } */
	h248_msg_append(m, n);
	int rc;
	emit(tl, to, m, false, NULL, &rc);
}

/* ---- requests of ours ---- */

struct h248_msg *h248_tl_new_request(struct h248_tl *tl, struct h248_node **trans)
{
	struct h248_msg *m = tl_new_message(tl);
	*trans = h248_add_token(m, NULL, H248_TOK_TRANSACTION, "0");
	(*trans)->flags |= H248_F_BODY;
	h248_msg_append(m, *trans);
	return m;
}

static void request_done(struct request *r, const struct h248_msg *m, const struct h248_node *reply)
{
	h248_tl_result *done = r->done;
	void *arg = r->arg;
	g_hash_table_remove(r->tl->requests, GUINT_TO_POINTER(r->tid));
	done(arg, m, reply);
}

static void on_request_timer(struct ev_loop *loop, void *arg)
{
	struct request *r = arg;
	struct h248_tl *tl = r->tl;
	r->timer = NULL;
	uint64_t now = ev_now(loop);
	if (now >= r->deadline) {
		tl->stats.timeouts++;
		char where[SA_TEXT_MAX];
		log_warn("h248", NULL, "transaction %u to %s: no reply within %u ms", r->tid,
			 sa_text(&r->to.addr, where), tl->o.tmax_ms);
		request_done(r, NULL, NULL);
		return;
	}
	if (!r->to.conn) {
		h248_link_send(tl->link, &r->to, r->text, r->len);
		tl->stats.repeated++;
		r->rto = MIN(r->rto * 2, tl->o.max_rto_ms);
	}
	unsigned next = r->to.conn ? (unsigned)(r->deadline - now) : r->rto;
	if (r->pendings)
		next = tl->o.pending_wait_ms;
	r->timer = ev_timer_add(loop, MIN((uint64_t)next, r->deadline - now), on_request_timer, r);
}

static uint32_t send_as(struct h248_tl *tl, const struct h248_from *to, struct h248_msg *m, uint32_t tid,
			h248_tl_result *done, void *arg)
{
	struct h248_node *trans = m->first;
	while (trans && trans->tok != H248_TOK_TRANSACTION)
		trans = trans->next;
	if (!trans || g_hash_table_contains(tl->requests, GUINT_TO_POINTER(tid))) {
		h248_msg_free(m);
		return 0;
	}
	char id[12];
	snprintf(id, sizeof id, "%u", tid);
	trans->value.form = H248_VAL_WORD;
	trans->value.text = h248_cstr(m, id);
	size_t len;
	int rc;
	char *text = emit(tl, to, m, true, &len, &rc);
	if (!text)
		return 0;
	struct request *r = g_new0(struct request, 1);
	*r = (struct request){ .tl = tl,
			       .tid = tid,
			       .to = *to,
			       .text = text,
			       .len = len,
			       .deadline = ev_now(tl->loop) + tl->o.tmax_ms,
			       .rto = tl->o.initial_rto_ms,
			       .done = done,
			       .arg = arg };
	r->timer = ev_timer_add(tl->loop, to->conn ? tl->o.tmax_ms : MIN(r->rto, tl->o.tmax_ms),
				on_request_timer, r);
	g_hash_table_insert(tl->requests, GUINT_TO_POINTER(tid), r);
	tl->stats.sent++;
	return tid;
}

uint32_t h248_tl_send(struct h248_tl *tl, const struct h248_from *to, struct h248_msg *m,
		      h248_tl_result *done, void *arg)
{
	uint32_t tid = tl->next_tid++;
	if (!tl->next_tid)
		tl->next_tid = 1;
	return send_as(tl, to, m, tid, done, arg);
}

uint32_t h248_tl_send_again(struct h248_tl *tl, const struct h248_from *to, struct h248_msg *m, uint32_t tid,
			    h248_tl_result *done, void *arg)
{
	return tid ? send_as(tl, to, m, tid, done, arg) : (h248_msg_free(m), 0);
}

void h248_tl_cancel(struct h248_tl *tl, uint32_t tid)
{
	g_hash_table_remove(tl->requests, GUINT_TO_POINTER(tid));
}

/* The transaction id of a Reply/Pending value ("12" or the v3 segmented "12/3/END"). */
static bool tid_of(const struct h248_node *n, uint32_t *tid)
{
	struct h248_str id = n->value.text;
	const char *slash = memchr(id.p, '/', id.n);
	if (slash)
		id.n = (size_t)(slash - id.p);
	return h248_str_u32(id, tid);
}

static void incoming_reply(struct h248_tl *tl, const struct h248_msg *m, const struct h248_node *n,
			   const struct h248_from *from)
{
	uint32_t tid;
	if (!tid_of(n, &tid))
		return;
	struct request *r = g_hash_table_lookup(tl->requests, GUINT_TO_POINTER(tid));
	if (r && !h248_from_equal(&r->to, from)) {
		tl->stats.stray_replies++;
		h248_refused(&tl->strays, &from->addr, "transaction %u went elsewhere: ignored", tid);
		return;
	}
	bool imm = h248_child(n, H248_TOK_IMMACKREQUIRED, NULL) != NULL;
	if (!r) { /* a repeated or late Reply: acknowledged again only when it asks to be */
		if (imm)
			tl_ack_reply(tl, from, m->version, tid, true);
		return;
	}
	tl_ack_reply(tl, from, m->version, tid, imm); /* every Reply: the gateway frees its copy at once */
	tl->stats.replies++;
	request_done(r, m, n);
}

static void incoming_pending(struct h248_tl *tl, const struct h248_node *n, const struct h248_from *from)
{
	uint32_t tid;
	struct request *r = tid_of(n, &tid) ? g_hash_table_lookup(tl->requests, GUINT_TO_POINTER(tid)) : NULL;
	if (!r)
		return; /* after the Reply: ignored (§8.2.3) */
	if (!h248_from_equal(&r->to, from)) {
		tl->stats.stray_replies++;
		h248_refused(&tl->strays, &from->addr, "transaction %u went elsewhere: ignored", tid);
		return;
	}
	tl->stats.pendings_received++;
	if (++r->pendings > tl->o.max_pendings) {
		tl->stats.timeouts++;
		log_warn("h248", NULL, "transaction %u: more than %u Pendings, giving up", tid,
			 tl->o.max_pendings);
		request_done(r, NULL, NULL);
		return;
	}
	ev_timer_cancel(tl->loop, r->timer);
	r->deadline = ev_now(tl->loop) + tl->o.pending_wait_ms + tl->o.tmax_ms;
	r->timer = ev_timer_add(tl->loop, tl->o.pending_wait_ms, on_request_timer, r);
}

/* ---- requests of others ---- */

static char *peer_key(const struct h248_msg *m)
{
	char *mid = g_ascii_strdown(m->mid.text.p, (gssize)m->mid.text.n);
	char *key = g_strdup_printf("%d/%s:%d", m->mid.kind, mid, m->mid.port);
	g_free(mid);
	return key;
}

/* A sender with no id remembered yet (key is taken; it goes again with its last id). */
static struct peer *peer_new(struct h248_tl *tl, char *key)
{
	struct peer *p = g_new0(struct peer, 1);
	p->key = key;
	g_hash_table_insert(tl->peers, key, p);
	return p;
}

/* LONG-TIMER has run out for the oldest answered transactions: their ids are forgotten. */
static void on_long_timer(struct ev_loop *loop, void *arg)
{
	struct h248_tl *tl = arg;
	tl->forget = NULL;
	uint64_t now = ev_now(loop);
	while (tl->oldest && tl->oldest->forget_at <= now)
		g_hash_table_remove(tl->txns, tl->oldest);
	if (tl->oldest)
		tl->forget = ev_timer_add(loop, tl->oldest->forget_at - now, on_long_timer, tl);
}

/* Answered: its id is kept LONG-TIMER from now, to drop late repetitions of the request. */
static void txn_keep(struct h248_tl *tl, struct h248_txn *t)
{
	t->forget_at = ev_now(tl->loop) + tl->o.long_timer_ms;
	t->older = tl->newest, t->newer = NULL;
	*(tl->newest ? &tl->newest->newer : &tl->oldest) = t;
	tl->newest = t;
	if (!tl->forget)
		tl->forget = ev_timer_add(tl->loop, tl->o.long_timer_ms, on_long_timer, tl);
}

static void on_pending_threshold(struct ev_loop *loop, void *arg)
{
	struct h248_txn *t = arg;
	t->timer = NULL;
	t->pending_sent = true;
	t->tl->stats.pendings_sent++;
	send_pending(t->tl, t->from, t->tid, t->version);
}

static void incoming_request(struct h248_tl *tl, const struct h248_msg *m, const struct h248_node *n,
			     const struct h248_from *from)
{
	uint32_t tid;
	if (!h248_str_u32(n->value.text, &tid))
		return;
	char *pkey = peer_key(m);
	struct peer *p = g_hash_table_lookup(tl->peers, pkey);
	struct h248_txn *t = txn_find(tl, p, tid);
	if (p)
		g_free(pkey);
	if (t) {
		tl->stats.duplicates++;
		if (t->state == EXECUTING) {
			t->pending_sent = true;
			tl->stats.pendings_sent++;
			send_pending(tl, from, tid, t->version);
		} else if (t->reply) {
			tl->stats.answered_from_cache++;
			h248_link_send(tl->link, from, t->reply, t->reply_len);
		}
		return;
	}
	char where[SA_TEXT_MAX];
	if (p && p->ids >= tl->o.max_ids) { /* not even a refusal can be remembered: nothing is */
		tl->stats.ids_dropped++;
		log_counted(&tl->ids_full, NULL,
			    "transaction %u from %s: %u ids of its sender remembered (max %u)", tid,
			    sa_text(&from->addr, where), p->ids, tl->o.max_ids);
		return;
	}
	p = p ? p : peer_new(tl, pkey);
	t = g_new0(struct h248_txn, 1);
	*t = (struct h248_txn){ .tl = tl,
				.peer = p,
				.tid = tid,
				.version = m->version,
				.from = g_memdup2(from, sizeof *from),
				.state = EXECUTING };
	t->timer = ev_timer_add(tl->loop, tl->o.pending_ms, on_pending_threshold, t);
	g_hash_table_add(tl->txns, t);
	tl->stats.remembered++;
	if (++p->ids > tl->o.max_ids - tl->o.max_ids / 16) { /* the last sixteenth: refusals only */
		char text[112];
		tl->stats.ids_refused++;
		log_counted(&tl->over_ids, NULL,
			    "transaction %u from %s: %u ids of its sender remembered (max %u)", tid,
			    sa_text(&from->addr, where), p->ids - 1, tl->o.max_ids);
		snprintf(text, sizeof text,
			 "Insufficient Resources: %u transaction ids remembered (at most %u); not executed",
			 p->ids - 1, tl->o.max_ids);
		h248_txn_error(t, 510, text);
		return;
	}
	tl->stats.executed++;
	tl->ops.request(tl->arg, t, m, n);
}

struct h248_msg *h248_txn_new_reply(struct h248_txn *txn, struct h248_node **reply)
{
	struct h248_msg *m = tl_new_message(txn->tl);
	m->version = MIN(txn->version, m->version);
	char id[12];
	snprintf(id, sizeof id, "%u", txn->tid);
	*reply = h248_add_token(m, NULL, H248_TOK_REPLY, id);
	(*reply)->flags |= H248_F_BODY;
	h248_msg_append(m, *reply);
	return m;
}

void h248_txn_reply(struct h248_txn *t, struct h248_msg *m)
{
	struct h248_tl *tl = t->tl;
	if (t->state != EXECUTING) { /* answered already: a caller's bug, kept from corrupting the list */
		log_warn("h248", NULL, "transaction %u answered twice: the second answer dropped", t->tid);
		h248_msg_free(m);
		return;
	}
	if (t->pending_sent && !t->from->conn) { /* D.1.4: the answer after a Pending asks for an ack */
		struct h248_node *reply = m->first;
		struct h248_node *ia = h248_node_new(m, H248_NODE_TOKEN, H248_TOK_IMMACKREQUIRED);
		ia->next = reply->first;
		reply->first = ia;
		if (!reply->last)
			reply->last = ia;
	}
	int rc;
	struct h248_error err;
	enum h248_encoding enc = h248_encodings_for(tl->encodings, t->from);
	t->reply = emit_as(tl, t->from, m, enc, true, &t->reply_len, &rc, &err);
	if (rc == -EBADMSG) { /* what binary refuses is answered with its error (logged), never as text */
		char *text = g_strdup_printf("the Reply cannot be sent in binary: %s", err.reason);
		struct h248_node *reply;
		struct h248_msg *e = h248_txn_new_reply(t, &reply);
		h248_add_error(e, reply, (unsigned)err.code, text);
		g_free(text);
		t->reply = emit_as(tl, t->from, e, enc, true, &t->reply_len, &rc, NULL);
	}
	if (t->reply && tl->cached + t->reply_len > tl->o.max_cache) {
		tl->stats.not_cached++; /* sent; a repetition of the request will go unanswered */
		log_counted(&tl->over_cache, NULL, "transaction %u: %zu bytes stored already (max %zu)",
			    t->tid, tl->cached, tl->o.max_cache);
		free(t->reply);
		t->reply = NULL;
	} else if (t->reply) {
		tl->cached += t->reply_len;
		tl->stats.stored++;
	}
	ev_timer_cancel(tl->loop, t->timer);
	t->timer = NULL;
	g_free(t->from); /* a repetition is answered where it came from */
	t->from = NULL;
	t->state = ANSWERED;
	txn_keep(tl, t);
}

void h248_txn_error(struct h248_txn *txn, unsigned code, const char *text)
{
	struct h248_node *reply;
	struct h248_msg *m = h248_txn_new_reply(txn, &reply);
	h248_add_error(m, reply, code, text);
	h248_txn_reply(txn, m);
}

const struct h248_from *h248_txn_from(const struct h248_txn *txn)
{
	return txn->from;
}

uint32_t h248_txn_id(const struct h248_txn *txn)
{
	return txn->tid;
}

static void ack_one(struct h248_tl *tl, struct peer *peer, uint32_t tid)
{
	struct h248_txn *t = txn_find(tl, peer, tid);
	if (t && t->state == ANSWERED && t->reply)
		txn_forget_reply(t); /* the id stays until LONG-TIMER, to drop late repetitions */
}

static void incoming_ack(struct h248_tl *tl, const struct h248_msg *m, const struct h248_node *n)
{
	char *key = peer_key(m);
	struct peer *peer = g_hash_table_lookup(tl->peers, key);
	g_free(key);
	for (const struct h248_node *item = n->first; item; item = item->next) {
		struct h248_str s = item->name;
		const char *dash = memchr(s.p, '-', s.n);
		uint32_t lo, hi;
		struct h248_str a = { s.p, dash ? (size_t)(dash - s.p) : s.n };
		struct h248_str b = dash ? (struct h248_str){ dash + 1, s.n - a.n - 1 } : a;
		if (!h248_str_u32(a, &lo) || !h248_str_u32(b, &hi) || lo > hi)
			continue;
		tl->stats.acks_received++;
		if ((uint64_t)hi - lo < 1024) {
			for (uint64_t tid = lo; tid <= hi; tid++)
				ack_one(tl, peer, (uint32_t)tid);
			continue;
		}
		if (!peer)
			continue;  /* none of its ids is remembered */
		GHashTableIter it; /* a wide range: look at what we hold instead */
		gpointer v;
		g_hash_table_iter_init(&it, tl->txns);
		while (g_hash_table_iter_next(&it, NULL, &v)) {
			struct h248_txn *t = v;
			if (t->peer == peer && t->tid >= lo && t->tid <= hi && t->state == ANSWERED)
				txn_forget_reply(t);
		}
	}
}

/* ---- messages that do not parse ---- */

static void answer_error(struct h248_tl *tl, const struct h248_error *err, const struct h248_from *from,
			 enum h248_encoding enc)
{
	char at[40]; /* where, as the Error descriptor and the log line say it */
	if (enc == H248_ENC_BINARY)
		snprintf(at, sizeof at, "octet %u", err->col);
	else
		snprintf(at, sizeof at, "line %u column %u", err->line, err->col);
	h248_refused(&tl->unparsable, &from->addr, "error %d at %s: %s", err->code, at, err->reason);
	if (err->have_tid && err->in_reply)
		return; /* a Reply of theirs is broken: nothing to answer */
	struct h248_msg *m = tl_new_message(tl);
	struct h248_node *top = NULL, *parent = NULL;
	if (err->code != 400 && err->code != 406) {
		char id[12];
		snprintf(id, sizeof id, "%u", err->have_tid ? err->tid : 0);
		top = parent = h248_add_token(m, NULL, H248_TOK_REPLY, id);
	}
	char *text = g_strdup_printf("%s: %s", at, err->reason);
	h248_add_error(m, parent, (unsigned)err->code, text);
	if (top)
		h248_msg_append(m, top);
	g_free(text);
	tl->stats.errors_sent++;
	int rc; /* in the encoding the peer used: it may read no other (unremembered: it was not admitted) */
	emit_as(tl, from, m, tl->o.fixed_encoding ? tl->o.encoding : enc, false, NULL, &rc, NULL);
}

void h248_tl_input(struct h248_tl *tl, const char *text, size_t len, const struct h248_from *from)
{
	struct h248_error err;
	enum h248_encoding enc;
	struct h248_msg *m = h248_decode(text, len, NULL, &err, &enc);
	if (!m) {
		answer_error(tl, &err, from, enc);
		return;
	}
	if (tl->ops.admit && !tl->ops.admit(tl->arg, m, from)) {
		tl->stats.refused++;
		h248_msg_free(m);
		return;
	}
	h248_encodings_seen(tl->encodings, from, enc);
	for (const struct h248_node *n = m->first; n; n = n->next) {
		switch (n->tok) {
		case H248_TOK_TRANSACTION:
			incoming_request(tl, m, n, from);
			break;
		case H248_TOK_REPLY:
			incoming_reply(tl, m, n, from);
			break;
		case H248_TOK_PENDING:
			incoming_pending(tl, n, from);
			break;
		case H248_TOK_RESPONSEACK:
			incoming_ack(tl, m, n);
			break;
		case H248_TOK_ERROR:
			h248_refused(&tl->peer_errors, &from->addr, "%.*s",
				     n->first ? (int)n->first->name.n : 0, n->first ? n->first->name.p : "");
			break;
		default:
			break; /* Segment replies: segmentation is not used by this entity */
		}
	}
	h248_msg_free(m);
}
