/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tl: Annex D over real loopback sockets. Through a relay that drops, duplicates and reorders
 * datagrams both ways, every request executes exactly once and completes exactly once; repetitions get
 * the stored reply, slow answers a Pending first. Also TCP, the back-off schedule up to T-MAX, and the
 * exact error answer to a message that does not parse. */
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "suites.h"
#include "tl.h"

/* ---- a lossy UDP relay between a and b ---- */
struct relay {
	int fd;
	struct ev_io *io;
	union sa addr, a, b;
	unsigned n, drop_every, dup_every, hold_every;
	char held[9000];
	ssize_t held_len;
	union sa held_to;
	bool blackhole;
};

static void relay_send(struct relay *r, const void *p, size_t n, const union sa *to)
{
	sendto(r->fd, p, n, 0, &to->sa, sa_len(to));
}

static void on_relay(struct ev_loop *loop, struct ev_io *io, uint32_t ev, void *arg)
{
	struct relay *r = arg;
	char buf[9000];
	union sa from;
	socklen_t fl = sizeof from;
	ssize_t n;
	while ((n = recvfrom(r->fd, buf, sizeof buf, 0, &from.sa, &fl)) > 0) {
		const union sa *to = sa_equal(&from, &r->b) ? &r->a : &r->b;
		r->n++;
		if (r->blackhole || (r->drop_every && r->n % r->drop_every == 0))
			continue;
		if (r->hold_every && r->n % r->hold_every == 0 && !r->held_len) {
			memcpy(r->held, buf, (size_t)n), r->held_len = n, r->held_to = *to;
			continue;
		}
		relay_send(r, buf, (size_t)n, to);
		if (r->dup_every && r->n % r->dup_every == 0)
			relay_send(r, buf, (size_t)n, to);
		if (r->held_len) { /* released after a later one: reordered */
			relay_send(r, r->held, (size_t)r->held_len, &r->held_to);
			r->held_len = 0;
		}
		fl = sizeof from;
	}
}

static void relay_open(struct ev_loop *loop, struct relay *r, const union sa *a, const union sa *b)
{
	union sa any;
	sa_from_text(&any, "127.0.0.1", 0);
	r->fd = sa_bind(SOCK_DGRAM, &any);
	socklen_t l = sizeof r->addr;
	getsockname(r->fd, &r->addr.sa, &l);
	r->a = *a, r->b = *b;
	r->io = ev_io_add(loop, r->fd, EPOLLIN, on_relay, r);
}

static void relay_close(struct ev_loop *loop, struct relay *r)
{
	ev_io_del(loop, r->io);
	close(r->fd);
}

/* ---- an entity: link + transaction layer ---- */
struct entity {
	struct ev_loop *loop;
	struct h248_link *link;
	struct h248_tl *tl;
	GHashTable *executed;  /* seq -> count, at the responder */
	GHashTable *completed; /* tid -> count, at the requester */
	unsigned answered, slow_every, failures, mismatches;
};

static void tl_recv(void *arg, const char *text, size_t len, const struct h248_from *from)
{
	struct entity *e = arg;
	h248_tl_input(e->tl, text, len, from);
}

struct later {
	struct h248_txn *txn;
	char seq[16];
};

static void answer(struct h248_txn *txn, const char *seq)
{
	struct h248_node *reply;
	struct h248_msg *m = h248_txn_new_reply(txn, &reply);
	struct h248_node *ctx = h248_add_token(m, reply, H248_TOK_CONTEXT, "-");
	struct h248_node *av = h248_add_token(m, ctx, H248_TOK_AUDITVALUE, "ROOT");
	h248_add_prop(m, h248_add_token(m, av, H248_TOK_STATISTICS, NULL), "x/seq", seq);
	h248_txn_reply(txn, m);
}

static void answer_later(struct ev_loop *loop, void *arg)
{
	struct later *l = arg;
	answer(l->txn, l->seq);
	g_free(l);
}

/* The responder: executes AuditValue ROOT { Audit { x/seq = N } } once per transaction id. */
static void on_request(void *arg, struct h248_txn *txn, const struct h248_msg *msg,
		       const struct h248_node *trans)
{
	struct entity *e = arg;
	const struct h248_node *audit =
	    h248_child(h248_child(h248_child(trans, H248_TOK_CONTEXT, NULL), H248_TOK_AUDITVALUE, NULL),
		       H248_TOK_AUDIT, NULL);
	const struct h248_node *seq = audit ? h248_prop(audit, "x/seq") : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(seq);
	char *key = g_strndup(seq->value.text.p, seq->value.text.n);
	unsigned count = GPOINTER_TO_UINT(g_hash_table_lookup(e->executed, key));
	g_hash_table_replace(e->executed, key, GUINT_TO_POINTER(count + 1)); /* key stays: the answer's */
	if (e->slow_every && atoi(key) % e->slow_every == 0) {
		struct later *l = g_new0(struct later, 1);
		l->txn = txn;
		g_strlcpy(l->seq, key, sizeof l->seq);
		ev_timer_add(e->loop, 120, answer_later, l); /* slower than the pending threshold */
		return;
	}
	answer(txn, key);
}

/* Every entity here refuses the mId EVIL, as an owner refuses a stranger. */
static bool admit(void *arg, const struct h248_msg *msg, const struct h248_from *from)
{
	return !(msg->mid.text.n == 4 && !memcmp(msg->mid.text.p, "EVIL", 4));
}

static void on_done(void *arg, const struct h248_msg *msg, const struct h248_node *reply)
{
	struct entity *e = arg;
	if (!reply) {
		e->failures++;
		return;
	}
	uint32_t tid = 0; /* read below even when the assertion fails */
	CU_ASSERT_TRUE(h248_str_u32(reply->value.text, &tid));
	unsigned count = GPOINTER_TO_UINT(g_hash_table_lookup(e->completed, GUINT_TO_POINTER(tid)));
	g_hash_table_insert(e->completed, GUINT_TO_POINTER(tid), GUINT_TO_POINTER(count + 1));
	e->answered++;
}

static void entity_open(struct ev_loop *loop, struct entity *e, const char *mid,
			const struct h248_tl_opts *base)
{
	static const struct h248_link_ops lops = { .recv = tl_recv };
	static const struct h248_tl_ops tops = { .request = on_request, .admit = admit };
	union sa any;
	char *err = NULL;
	sa_from_text(&any, "127.0.0.1", 0);
	e->loop = loop;
	e->link = h248_link_new(loop, &any, NULL, &lops, e, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e->link);
	struct h248_tl_opts o = *base;
	o.mid = (struct h248_mid){ H248_MID_DEVICE, { mid, strlen(mid) }, -1 };
	e->tl = h248_tl_new(loop, e->link, &o, &tops, e);
	e->executed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	e->completed = g_hash_table_new(NULL, NULL);
}

static void entity_close(struct entity *e)
{
	h248_tl_free(e->tl);
	h248_link_free(e->link);
	g_hash_table_destroy(e->executed);
	g_hash_table_destroy(e->completed);
}

static uint32_t send_audit(struct entity *e, const struct h248_from *to, int seq)
{
	struct h248_node *trans;
	struct h248_msg *m = h248_tl_new_request(e->tl, &trans);
	struct h248_node *ctx = h248_add_token(m, trans, H248_TOK_CONTEXT, "-");
	struct h248_node *av = h248_add_token(m, ctx, H248_TOK_AUDITVALUE, "ROOT");
	char s[16];
	snprintf(s, sizeof s, "%d", seq);
	h248_add_prop(m, h248_add_token(m, av, H248_TOK_AUDIT, NULL), "x/seq", s);
	return h248_tl_send(e->tl, to, m, on_done, e);
}

static void stop(struct ev_loop *l, void *arg)
{
	ev_loop_stop(l);
}

static void check_until(struct ev_loop *loop, struct entity *a, unsigned want, unsigned ms)
{
	for (unsigned waited = 0; a->answered + a->failures < want && waited < ms; waited += 20) {
		ev_timer_add(loop, 20, stop, NULL);
		ev_loop_run(loop);
	}
}

enum { LOSSY_REQUESTS = 300 };

static void test_udp_with_loss(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct h248_tl_opts fast = { .initial_rto_ms = 15,
				     .max_rto_ms = 60,
				     .tmax_ms = 4000,
				     .long_timer_ms = 4000,
				     .pending_ms = 40,
				     .pending_wait_ms = 80 };
	struct entity a = { 0 }, b = { .slow_every = 25 };
	entity_open(loop, &a, "MGC", &fast);
	entity_open(loop, &b, "MG1", &fast);
	struct relay r = { .drop_every = 7, .dup_every = 5, .hold_every = 11 };
	relay_open(loop, &r, h248_link_local(a.link), h248_link_local(b.link));
	struct h248_from to = { .addr = r.addr };
	for (int i = 1; i <= LOSSY_REQUESTS; i++)
		CU_ASSERT_NOT_EQUAL(send_audit(&a, &to, i), 0);
	check_until(loop, &a, LOSSY_REQUESTS, 10000);

	CU_ASSERT_EQUAL(a.failures, 0);
	CU_ASSERT_EQUAL(a.answered, LOSSY_REQUESTS);
	CU_ASSERT_EQUAL(g_hash_table_size(a.completed), LOSSY_REQUESTS);
	CU_ASSERT_EQUAL(g_hash_table_size(b.executed), LOSSY_REQUESTS);
	GHashTableIter it;
	gpointer k, v;
	unsigned more = 0;
	g_hash_table_iter_init(&it, b.executed);
	while (g_hash_table_iter_next(&it, &k, &v))
		more += GPOINTER_TO_UINT(v) != 1;
	g_hash_table_iter_init(&it, a.completed);
	while (g_hash_table_iter_next(&it, &k, &v))
		more += GPOINTER_TO_UINT(v) != 1;
	CU_ASSERT_EQUAL(more, 0); /* executed once, completed once, each */
	const struct h248_tl_stats *sa = h248_tl_stats(a.tl), *sb = h248_tl_stats(b.tl);
	CU_ASSERT(sa->repeated > 0);            /* losses were recovered by repetition */
	CU_ASSERT(sb->duplicates > 0);          /* duplicates arrived ... */
	CU_ASSERT(sb->answered_from_cache > 0); /* ... and got the stored reply */
	CU_ASSERT(sb->pendings_sent >= LOSSY_REQUESTS / 25);
	CU_ASSERT(sa->pendings_received > 0);
	CU_ASSERT(sa->acks_sent > 0); /* the answers after a Pending asked for an ack */
	CU_ASSERT(sb->acks_received > 0);
	if (more || a.failures || getenv("UNIT_LOG"))
		fprintf(stderr,
			"\n    relayed %u datagrams; requester: %lu repeated, %lu pendings, %lu acks sent; "
			"responder: %lu duplicates, %lu from cache, %lu pendings sent; failures %u, not-once "
			"%u\n",
			r.n, (unsigned long)sa->repeated, (unsigned long)sa->pendings_received,
			(unsigned long)sa->acks_sent, (unsigned long)sb->duplicates,
			(unsigned long)sb->answered_from_cache, (unsigned long)sb->pendings_sent, a.failures,
			more);
	relay_close(loop, &r);
	entity_close(&a), entity_close(&b);
	ev_loop_free(loop);
}

static void test_tcp(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct h248_tl_opts o = { .tmax_ms = 2000, .pending_ms = 40 };
	struct entity a = { 0 }, b = { .slow_every = 10 };
	entity_open(loop, &a, "MGC", &o);
	entity_open(loop, &b, "MG1", &o);
	struct h248_from to = { .addr = *h248_link_local(b.link) };
	CU_ASSERT_EQUAL(h248_link_connect(a.link, &to.addr, &to.conn), 0);
	for (int i = 1; i <= 100; i++)
		send_audit(&a, &to, i);
	check_until(loop, &a, 100, 5000);
	CU_ASSERT_EQUAL(a.answered, 100);
	CU_ASSERT_EQUAL(g_hash_table_size(b.executed), 100);
	CU_ASSERT_EQUAL(h248_tl_stats(a.tl)->repeated, 0); /* no repetition over TCP */
	CU_ASSERT(h248_tl_stats(b.tl)->pendings_sent >= 10);
	/* every Reply acknowledged, in batches, and so nothing stays stored at the responder */
	CU_ASSERT_EQUAL(h248_tl_stats(a.tl)->acks_sent, 100);
	CU_ASSERT(h248_tl_stats(a.tl)->ack_messages < 100);
	ev_timer_add(loop, 60, stop, NULL);
	ev_loop_run(loop);
	CU_ASSERT_EQUAL(h248_tl_stats(b.tl)->stored, 0);
	CU_ASSERT_EQUAL(h248_tl_stats(b.tl)->remembered, 100);
	entity_close(&a), entity_close(&b);
	ev_loop_free(loop);
}

static void test_backoff_to_tmax(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct h248_tl_opts o = { .initial_rto_ms = 20, .max_rto_ms = 80, .tmax_ms = 300 };
	struct entity a = { 0 }, b = { 0 };
	entity_open(loop, &a, "MGC", &o);
	entity_open(loop, &b, "MG1", &o);
	struct relay r = { .blackhole = true };
	relay_open(loop, &r, h248_link_local(a.link), h248_link_local(b.link));
	struct h248_from to = { .addr = r.addr };
	uint64_t start = ev_now(loop);
	send_audit(&a, &to, 1);
	check_until(loop, &a, 1, 2000);
	uint64_t took = ev_now(loop) - start;
	CU_ASSERT_EQUAL(a.failures, 1);
	/* sent at 0, repeated at 20, 60, 140 and 220 ms (interval 20, 40, 80, 80), given up at 300 */
	CU_ASSERT_EQUAL(h248_tl_stats(a.tl)->repeated, 4);
	CU_ASSERT_EQUAL(r.n, 5);
	CU_ASSERT(took >= 300 && took < 400);
	relay_close(loop, &r);
	entity_close(&a), entity_close(&b);
	ev_loop_free(loop);
}

struct raw {
	GString *got;
};

static void raw_recv(void *arg, const char *text, size_t len, const struct h248_from *from)
{
	g_string_append_len(((struct raw *)arg)->got, text, (gssize)len);
}

/* A peer with no transaction layer: what it receives is kept byte for byte. */
static struct h248_link *raw_peer(struct ev_loop *loop, struct raw *raw)
{
	static const struct h248_link_ops rops = { .recv = raw_recv };
	union sa any;
	char *err = NULL;
	sa_from_text(&any, "127.0.0.1", 0);
	raw->got = g_string_new("");
	struct h248_link *peer = h248_link_new(loop, &any, NULL, &rops, raw, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(peer);
	return peer;
}

static void test_error_answers(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct h248_tl_opts o = { .style = H248_PRETTY };
	struct entity b = { 0 };
	entity_open(loop, &b, "MG1", &o);
	struct raw raw;
	struct h248_link *peer = raw_peer(loop, &raw);
	struct h248_from to = { .addr = *h248_link_local(b.link) };
	const char *cases[][2] = {
		{ "MEGACO/1 [1.2.3.4]:2944\nTransaction = 5 { Context = foo { } }",
		  "MEGACO/3 MG1\nReply = 5 {\n  Error = 422 {\n    \"line 2 column 29: Context = foo: "
		  "expected a "
		  "number, '$', '*' or '-'\"\n  }\n}\n" },
		{ "MEGACO/1 [1.2.3.4]:2944\nTransaction = {}",
		  "MEGACO/3 MG1\nReply = 0 {\n  Error = 403 {\n    \"line 2 column 15: expected a value "
		  "after "
		  "Transaction =, found '{'\"\n  }\n}\n" },
		{ "MEGACO/9 [1.2.3.4]:2944\nT=1{}", "MEGACO/3 MG1\nError = 406 {\n  \"line 1 column 8: "
						    "version 9 is not supported (highest: 3)\"\n}\n" },
		{ "MEGACO/1 [1.2.3.4]:2944\nP = 5 { C = x { } }", "" }, /* a broken Reply: not answered */
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_string_truncate(raw.got, 0);
		h248_link_send(peer, &to, cases[i][0], strlen(cases[i][0]));
		ev_timer_add(loop, 30, stop, NULL);
		ev_loop_run(loop);
		ASSERT_STR(raw.got->str, cases[i][1]);
	}
	CU_ASSERT_EQUAL(h248_tl_stats(b.tl)->errors_sent, 3);
	h248_link_free(peer);
	g_string_free(raw.got, TRUE);
	entity_close(&b);
	ev_loop_free(loop);
}

/* Over TCP too, a repeated transaction id is not executed again: the stored Reply is sent again. */
static void test_tcp_duplicate(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct h248_tl_opts o = { .style = H248_COMPACT };
	struct entity b = { 0 };
	entity_open(loop, &b, "MG1", &o);
	struct raw raw;
	struct h248_link *peer = raw_peer(loop, &raw);
	struct h248_from to = { .addr = *h248_link_local(b.link) };
	CU_ASSERT_EQUAL(h248_link_connect(peer, &to.addr, &to.conn), 0);
	const char *req = "!/1 MGC\nT=42{C=-{AV=ROOT{AT{x/seq=7}}}}";
	for (int i = 0; i < 2; i++)
		h248_link_send(peer, &to, req, strlen(req));
	ev_timer_add(loop, 50, stop, NULL);
	ev_loop_run(loop);
	CU_ASSERT_EQUAL(GPOINTER_TO_UINT(g_hash_table_lookup(b.executed, "7")), 1);
	ASSERT_STR(raw.got->str,
		   "!/1 MG1\nP=42{C=-{AV=ROOT{SA{x/seq=7}}}}!/1 MG1\nP=42{C=-{AV=ROOT{SA{x/seq=7}}}}");
	CU_ASSERT_EQUAL(h248_tl_stats(b.tl)->answered_from_cache, 1);
	h248_link_free(peer);
	g_string_free(raw.got, TRUE);
	entity_close(&b);
	ev_loop_free(loop);
}

/* A Reply is taken only from where its request went; the admit hook drops what the owner refuses. */
static void test_reply_from_elsewhere(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct h248_tl_opts o = { .style = H248_COMPACT, .initial_rto_ms = 1000 };
	struct entity a = { 0 };
	entity_open(loop, &a, "MGC", &o);
	struct raw real, forger;
	struct h248_link *gw = raw_peer(loop, &real), *other = raw_peer(loop, &forger);
	struct h248_from to_gw = { .addr = *h248_link_local(gw) },
			 to_a = { .addr = *h248_link_local(a.link) };
	uint32_t tid = send_audit(&a, &to_gw, 1);
	CU_ASSERT_NOT_EQUAL_FATAL(tid, 0);
	char *reply = g_strdup_printf("!/1 MG1\nP=%u{C=-{AV=ROOT{SA{x/seq=1}}}}", tid);
	h248_link_send(other, &to_a, reply, strlen(reply)); /* the right id, the wrong source */
	ev_timer_add(loop, 30, stop, NULL);
	ev_loop_run(loop);
	CU_ASSERT_EQUAL(a.answered, 0);
	CU_ASSERT_EQUAL(h248_tl_stats(a.tl)->stray_replies, 1);
	CU_ASSERT_EQUAL(forger.got->len, 0); /* not even acknowledged */
	h248_link_send(gw, &to_a, reply, strlen(reply));
	ev_timer_add(loop, 30, stop, NULL);
	ev_loop_run(loop);
	CU_ASSERT_EQUAL(a.answered, 1);
	/* a request under a refused mId: not executed, not answered */
	const char *evil = "!/1 EVIL\nT=9{C=-{AV=ROOT{AT{x/seq=5}}}}";
	h248_link_send(other, &to_a, evil, strlen(evil));
	ev_timer_add(loop, 30, stop, NULL);
	ev_loop_run(loop);
	CU_ASSERT_EQUAL(g_hash_table_size(a.executed), 0);
	CU_ASSERT_EQUAL(forger.got->len, 0);
	CU_ASSERT_EQUAL(h248_tl_stats(a.tl)->refused, 1);
	g_free(reply);
	h248_link_free(gw), h248_link_free(other);
	g_string_free(real.got, TRUE), g_string_free(forger.got, TRUE);
	entity_close(&a);
	ev_loop_free(loop);
}

/* Stored answers are bounded: beyond max_cache an answer is sent but not kept. */
static void test_cache_bound(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct h248_tl_opts o = { .style = H248_COMPACT, .max_cache = 60 };
	struct entity b = { 0 };
	entity_open(loop, &b, "MG1", &o);
	struct raw raw;
	struct h248_link *peer = raw_peer(loop, &raw);
	struct h248_from to = { .addr = *h248_link_local(b.link) };
	const char *reqs[] = { "!/1 MGC\nT=1{C=-{AV=ROOT{AT{x/seq=1}}}}",
			       "!/1 MGC\nT=2{C=-{AV=ROOT{AT{x/seq=2}}}}" };
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 2; i++) {
			h248_link_send(peer, &to, reqs[i], strlen(reqs[i]));
			ev_timer_add(loop, 20, stop, NULL);
			ev_loop_run(loop);
		}
	/* the first answer (36 bytes) is kept and sent again; the second would pass 60: sent once */
	ASSERT_STR(raw.got->str,
		   "!/1 MG1\nP=1{C=-{AV=ROOT{SA{x/seq=1}}}}!/1 MG1\nP=2{C=-{AV=ROOT{SA{x/seq=2}}}}"
		   "!/1 MG1\nP=1{C=-{AV=ROOT{SA{x/seq=1}}}}");
	CU_ASSERT_EQUAL(h248_tl_stats(b.tl)->not_cached, 1);
	CU_ASSERT_EQUAL(g_hash_table_size(b.executed), 2);
	h248_link_free(peer);
	g_string_free(raw.got, TRUE);
	entity_close(&b);
	ev_loop_free(loop);
}

/* Replies received are acknowledged together: one TransactionResponseAck per peer, ids as ranges. */
static void test_acks_sent(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct h248_tl_opts o = { .style = H248_COMPACT, .initial_rto_ms = 1000 };
	struct entity a = { 0 };
	entity_open(loop, &a, "MGC", &o);
	struct raw gw;
	struct h248_link *peer = raw_peer(loop, &gw);
	struct h248_from to_gw = { .addr = *h248_link_local(peer) },
			 to_a = { .addr = *h248_link_local(a.link) };
	uint32_t t[4];
	for (int i = 0; i < 4; i++)
		t[i] = send_audit(&a, &to_gw, i);
	/* the first three answered in one message, the fourth alone and asking for an immediate ack */
	char *three = g_strdup_printf("!/1 MG1\nP=%u{C=-{AV=ROOT}}P=%u{C=-{AV=ROOT}}P=%u{C=-{AV=ROOT}}", t[2],
				      t[0], t[1]);
	char *fourth = g_strdup_printf("!/1 MG1\nP=%u{IA,C=-{AV=ROOT}}", t[3]);
	h248_link_send(peer, &to_a, three, strlen(three));
	ev_timer_add(loop, 60, stop, NULL);
	ev_loop_run(loop);
	const char *k = strstr(gw.got->str, "K{");
	char *want = g_strdup_printf("K{%u-%u}", t[0], t[2]);
	ASSERT_STR(k, want);
	g_string_truncate(gw.got, 0);
	h248_link_send(peer, &to_a, fourth, strlen(fourth));
	ev_timer_add(loop, 5, stop, NULL); /* ImmAckRequired: at once, not after ack_delay_ms */
	ev_loop_run(loop);
	/* in the version the gateway speaks (its Reply's), not ours: megaco refuses another with 406 */
	char *want4 = g_strdup_printf("!/1 MGC\nK{%u}", t[3]);
	ASSERT_STR(gw.got->str, want4);
	CU_ASSERT_EQUAL(a.answered, 4);
	CU_ASSERT_EQUAL(h248_tl_stats(a.tl)->acks_sent, 4);
	CU_ASSERT_EQUAL(h248_tl_stats(a.tl)->ack_messages, 2);
	g_free(three), g_free(fourth), g_free(want), g_free(want4);
	h248_link_free(peer);
	g_string_free(gw.got, TRUE);
	entity_close(&a);
	ev_loop_free(loop);
}

/* An acknowledgement frees the stored answer at once; the id is still remembered (D.1.1), so a late
 * repetition of that request is neither executed again nor answered, while an unacknowledged one still
 * gets its stored answer. */
static void test_ack_frees_answer(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct h248_tl_opts o = { .style = H248_COMPACT };
	struct entity b = { 0 };
	entity_open(loop, &b, "MG1", &o);
	struct raw raw;
	struct h248_link *peer = raw_peer(loop, &raw);
	struct h248_from to = { .addr = *h248_link_local(b.link) };
	const char *reqs[] = { "!/1 MGC\nT=1{C=-{AV=ROOT{AT{x/seq=1}}}}",
			       "!/1 MGC\nT=2{C=-{AV=ROOT{AT{x/seq=2}}}}",
			       "!/1 MGC\nT=3{C=-{AV=ROOT{AT{x/seq=3}}}}", "!/1 MGC\nK{1-2}" };
	for (int i = 0; i < 4; i++)
		h248_link_send(peer, &to, reqs[i], strlen(reqs[i]));
	ev_timer_add(loop, 30, stop, NULL);
	ev_loop_run(loop);
	CU_ASSERT_EQUAL(h248_tl_stats(b.tl)->stored, 1);
	CU_ASSERT_EQUAL(h248_tl_stats(b.tl)->remembered, 3);
	g_string_truncate(raw.got, 0);
	for (int i = 0; i < 3; i++) /* all three again */
		h248_link_send(peer, &to, reqs[i], strlen(reqs[i]));
	ev_timer_add(loop, 30, stop, NULL);
	ev_loop_run(loop);
	ASSERT_STR(raw.got->str, "!/1 MG1\nP=3{C=-{AV=ROOT{SA{x/seq=3}}}}");
	CU_ASSERT_EQUAL(g_hash_table_size(b.executed), 3);
	CU_ASSERT_EQUAL(GPOINTER_TO_UINT(g_hash_table_lookup(b.executed, "1")), 1);
	CU_ASSERT_EQUAL(h248_tl_stats(b.tl)->duplicates, 3);
	h248_link_free(peer);
	g_string_free(raw.got, TRUE);
	entity_close(&b);
	ev_loop_free(loop);
}

/* Sends "T=tid{…x/seq=tid}" from mId `mid` and runs the loop briefly. */
static void raw_request(struct ev_loop *loop, struct h248_link *peer, const struct h248_from *to, const char *mid,
			unsigned tid)
{
	char *req = g_strdup_printf("!/1 %s\nT=%u{C=-{AV=ROOT{AT{x/seq=%u}}}}", mid, tid, tid);
	h248_link_send(peer, to, req, strlen(req));
	g_free(req);
	ev_timer_add(loop, 5, stop, NULL);
	ev_loop_run(loop);
}

/* Remembered ids are bounded per peer (max_ids 32): the first 30 requests execute, the next 2 are
 * refused with 510 (and the refusal is what a repetition gets), beyond that nothing is answered or kept.
 * A repetition of a remembered id is never executed again, at the bound or not; another peer is not
 * held back; once the ids reach LONG-TIMER, a new request executes again. */
static void test_ids_bound(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct h248_tl_opts o = { .style = H248_COMPACT, .max_ids = 32, .long_timer_ms = 1000 };
	struct entity b = { 0 };
	entity_open(loop, &b, "MG1", &o);
	struct raw raw;
	struct h248_link *peer = raw_peer(loop, &raw);
	struct h248_from to = { .addr = *h248_link_local(b.link) };
	for (unsigned tid = 1; tid <= 30; tid++)
		raw_request(loop, peer, &to, "MGC", tid);
	CU_ASSERT_EQUAL(g_hash_table_size(b.executed), 30);
	g_string_truncate(raw.got, 0);
	raw_request(loop, peer, &to, "MGC", 31);
	ASSERT_STR(raw.got->str, "!/1 MG1\nP=31{ER=510{\"Insufficient Resources: 30 transaction ids remembered "
				 "(at most 32); not executed\"}}");
	raw_request(loop, peer, &to, "MGC", 32);
	g_string_truncate(raw.got, 0);
	raw_request(loop, peer, &to, "MGC", 33); /* the bound: dropped unanswered */
	raw_request(loop, peer, &to, "MGC", 34);
	ASSERT_STR(raw.got->str, "");
	/* repetitions: the stored answer, the stored refusal, and still nothing; none executed */
	raw_request(loop, peer, &to, "MGC", 5);
	raw_request(loop, peer, &to, "MGC", 31);
	raw_request(loop, peer, &to, "MGC", 33);
	ASSERT_STR(raw.got->str, "!/1 MG1\nP=5{C=-{AV=ROOT{SA{x/seq=5}}}}"
				 "!/1 MG1\nP=31{ER=510{\"Insufficient Resources: 30 transaction ids remembered "
				 "(at most 32); not executed\"}}");
	CU_ASSERT_EQUAL(g_hash_table_size(b.executed), 30);
	CU_ASSERT_EQUAL(GPOINTER_TO_UINT(g_hash_table_lookup(b.executed, "5")), 1);
	const struct h248_tl_stats *s = h248_tl_stats(b.tl);
	CU_ASSERT_EQUAL(s->remembered, 32);
	CU_ASSERT_EQUAL(s->ids_refused, 2);
	CU_ASSERT_EQUAL(s->ids_dropped, 3);
	CU_ASSERT_EQUAL(s->executed, 30);
	/* another peer has ids of its own */
	g_string_truncate(raw.got, 0);
	raw_request(loop, peer, &to, "MGC2", 99);
	ASSERT_STR(raw.got->str, "!/1 MG1\nP=99{C=-{AV=ROOT{SA{x/seq=99}}}}");
	/* LONG-TIMER: the ids age out, and the dropped request is taken now, executed the first time */
	ev_timer_add(loop, 1200, stop, NULL);
	ev_loop_run(loop);
	CU_ASSERT_EQUAL(s->remembered, 0);
	g_string_truncate(raw.got, 0);
	raw_request(loop, peer, &to, "MGC", 33);
	ASSERT_STR(raw.got->str, "!/1 MG1\nP=33{C=-{AV=ROOT{SA{x/seq=33}}}}");
	CU_ASSERT_EQUAL(g_hash_table_size(b.executed), 32);
	h248_link_free(peer);
	g_string_free(raw.got, TRUE);
	entity_close(&b);
	ev_loop_free(loop);
}

static void spin(struct ev_loop *loop, unsigned ms)
{
	ev_timer_add(loop, ms, stop, NULL);
	ev_loop_run(loop);
}

static gint64 ms_now(void)
{
	return g_get_monotonic_time() / 1000;
}

/* LONG-TIMER counts from each answer: the ids go oldest first, each its own time after it was answered
 * (one timer serves them all); a forgotten id is a new transaction, a remembered one is not executed
 * again. LONG-TIMER 600 ms: id 1 answered at 0, id 2 at 300, checked at 700, 1100 and 1500 ms. That an
 * id is forgotten is checked always (a late check is later still); that one is still remembered only
 * while less than 550 ms have passed since its answer, so that a loaded machine's stall cannot fail it. */
static void test_long_timer_order(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct h248_tl_opts o = { .style = H248_COMPACT, .long_timer_ms = 600 };
	struct entity b = { 0 };
	entity_open(loop, &b, "MG1", &o);
	struct raw raw;
	struct h248_link *peer = raw_peer(loop, &raw);
	struct h248_from to = { .addr = *h248_link_local(b.link) };
	const struct h248_tl_stats *s = h248_tl_stats(b.tl);
	gint64 t1 = ms_now();
	raw_request(loop, peer, &to, "MGC", 1);
	spin(loop, 300);
	gint64 t2 = ms_now();
	raw_request(loop, peer, &to, "MGC", 2);
	if (ms_now() - t1 < 550)
		CU_ASSERT_EQUAL(s->remembered, 2);
	spin(loop, 400); /* 700 ms: 1 is forgotten, 2 is not */
	bool kept2 = ms_now() - t2 < 550;
	CU_ASSERT_EQUAL(s->remembered, kept2 ? 1u : 0u);
	g_string_truncate(raw.got, 0);
	gint64 t2b = ms_now(); /* not kept: this is id 2 anew, executed again */
	raw_request(loop, peer, &to, "MGC", 2);
	if (kept2) {
		ASSERT_STR(raw.got->str, "!/1 MG1\nP=2{C=-{AV=ROOT{SA{x/seq=2}}}}");
		CU_ASSERT_EQUAL(GPOINTER_TO_UINT(g_hash_table_lookup(b.executed, "2")), 1);
	}
	gint64 t1b = ms_now();
	raw_request(loop, peer, &to, "MGC", 1);
	CU_ASSERT_EQUAL(GPOINTER_TO_UINT(g_hash_table_lookup(b.executed, "1")), 2);
	spin(loop, 400); /* 1100 ms: 2 is forgotten (at 900), the new 1 is not (until 1300) */
	bool kept1 = ms_now() - t1b < 550, kept2b = !kept2 && ms_now() - t2b < 550;
	CU_ASSERT_EQUAL(s->remembered, (kept1 ? 1u : 0u) + (kept2b ? 1u : 0u));
	spin(loop, 400);
	CU_ASSERT_EQUAL(s->remembered, 0);
	h248_link_free(peer);
	g_string_free(raw.got, TRUE);
	entity_close(&b);
	ev_loop_free(loop);
}

void register_tl(void)
{
	static const struct unit_test tests[] = {
		{ "UDP with drops, duplicates, reordering: exactly once", test_udp_with_loss },
		{ "TCP: no repetition, Pending without ImmAckRequired", test_tcp },
		{ "back-off schedule up to T-MAX", test_backoff_to_tmax },
		{ "errors answered as the parser reported them", test_error_answers },
		{ "TCP: a repeated transaction answered from the cache", test_tcp_duplicate },
		{ "a Reply only from where the request went; refused mIds dropped",
		  test_reply_from_elsewhere },
		{ "stored answers bounded in bytes", test_cache_bound },
		{ "Replies acknowledged in batches, ranges, ImmAckRequired at once", test_acks_sent },
		{ "an acknowledgement frees the answer; the id stays remembered", test_ack_frees_answer },
		{ "remembered ids bounded per peer: 510, then dropped; never executed twice",
		  test_ids_bound },
		{ "LONG-TIMER from each answer, oldest first, one timer for all", test_long_timer_order },
		{ NULL, NULL },
	};
	unit_add_suite("tl", tests);
}
