/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replies are acknowledged and freed at once (issue 21 "memory growth per H.248 cycle", issue 25 item 6).
 * An MGC built on the same transaction layer as ims-alg (common/h248/tl.c) drives Add/Subtract cycles,
 * several at once, against a real ims-agw on loopback. H.248.1 Annex D.1.1 lets the gateway free a stored
 * Reply when a TransactionResponseAck covers it (its transaction id is still remembered for LONG-TIMER,
 * so a late repetition is not executed again). Asserted:
 *   - every Reply was acknowledged by the MGC, and the gateway received an ack for each of its answers;
 *   - at its stop the gateway held no stored answer (its "H.248 transactions at stop" line), although
 *     every transaction was well within LONG-TIMER (30 s);
 *   - its resident memory grew by less than ACK_RSS_BOUND_KIB over the cycles, where unacknowledged
 *     answers kept for 30 s grew it by several MiB. The first reading is taken once the gateway's
 *     memory has settled (warm_up), so that the bound measures what the gateway keeps, not what its
 *     allocator (or, under ASan, its quarantine) takes in the first cycles.
 * (A repetition of an acknowledged request, neither executed again nor answered: tests/unit/test_tl.c;
 * against the daemon, with the acknowledgement ahead of a request as the test rig sends it: below.) */
#include <CUnit/Basic.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evloop.h"
#include "parse.h"
#include "rig.h"
#include "tl.h"

enum {
	CYCLES = 2000,     /* Add + Subtract each: 4,000 transactions, within LONG-TIMER */
	IN_FLIGHT = 8,     /* cycles at once */
	WINDOW = 100,      /* warm-up cycles between two readings of the gateway's memory */
	SETTLED_KIB = 64,  /* settled: a window grew it by less (the ids kept for LONG-TIMER grow ~30) */
	WARMUP_MAX = 6000, /* cycles: a gateway that keeps growing never settles */
	WARMUP_MS = 12000, /* and a time bound: the warm-up and the cycles stay within LONG-TIMER (30 s) */
	/* measured +0.55 MiB, under ASan +0.8; unacknowledged answers grew it +17 MiB when stored whole, +1.4
	 * to +2.3 MiB as fitted copies (the stored count at the stop is what catches those) */
	ACK_RSS_BOUND_KIB = 4096,
};

#define MGC_MID "[127.0.0.1]:2945"

struct mgc {
	struct ev_loop *loop;
	struct h248_link *link;
	struct h248_tl *tl;
	struct h248_from gw;
	bool registered;
	unsigned started, done, failed, target;
};

static void mgc_recv(void *arg, const char *text, size_t len, const struct h248_from *from)
{
	h248_tl_input(((struct mgc *)arg)->tl, text, len, from);
}

/* Answers the gateway's registration and its Notifies, as ims-alg does. */
static void mgc_request(void *arg, struct h248_txn *txn, const struct h248_msg *msg,
			const struct h248_node *trans)
{
	struct mgc *c = arg;
	const struct h248_node *ctx = h248_child(trans, H248_TOK_CONTEXT, NULL);
	const struct h248_node *sc = ctx ? h248_child(ctx, H248_TOK_SERVICECHANGE, NULL) : NULL;
	const struct h248_node *nt = ctx ? h248_child(ctx, H248_TOK_NOTIFY, NULL) : NULL;
	struct h248_node *reply;
	struct h248_msg *m = h248_txn_new_reply(txn, &reply);
	char cid[32], tid[64];
	snprintf(cid, sizeof cid, "%.*s", ctx ? (int)ctx->value.text.n : 1, ctx ? ctx->value.text.p : "-");
	struct h248_node *rc = h248_add_token(m, reply, H248_TOK_CONTEXT, cid);
	if (sc) {
		struct h248_node *rsc = h248_add_token(m, rc, H248_TOK_SERVICECHANGE, "ROOT");
		h248_add_token(m, h248_add_token(m, rsc, H248_TOK_SERVICES, NULL), H248_TOK_VERSION, "3");
		c->gw = *h248_txn_from(txn);
		c->registered = true;
	} else if (nt) {
		snprintf(tid, sizeof tid, "%.*s", (int)nt->value.text.n, nt->value.text.p);
		h248_add_token(m, rc, H248_TOK_NOTIFY, tid);
	}
	h248_txn_reply(txn, m);
}

static struct h248_msg *request(const char *body)
{
	char *text = g_strdup_printf("MEGACO/3 " MGC_MID "\nTransaction = 0 { %s }", body);
	struct h248_error err;
	struct h248_msg *m = h248_parse(text, strlen(text), NULL, &err);
	if (!m)
		fprintf(stderr, "h248_acks: %s: %s\n", err.reason, text);
	g_free(text);
	return m;
}

static void start_cycle(struct mgc *c);

static void on_subtract(void *arg, const struct h248_msg *msg, const struct h248_node *reply)
{
	struct mgc *c = arg;
	c->done++;
	c->failed += !reply || h248_child(reply, H248_TOK_ERROR, NULL);
	start_cycle(c);
}

static void on_add(void *arg, const struct h248_msg *msg, const struct h248_node *reply)
{
	struct mgc *c = arg;
	const struct h248_node *ctx = reply ? h248_child(reply, H248_TOK_CONTEXT, NULL) : NULL;
	if (!ctx || !h248_child(ctx, H248_TOK_ADD, NULL)) {
		c->done++, c->failed++;
		start_cycle(c);
		return;
	}
	char *body =
	    g_strdup_printf("Context = %.*s { Subtract = * }", (int)ctx->value.text.n, ctx->value.text.p);
	h248_tl_send(c->tl, &c->gw, request(body), on_subtract, c);
	g_free(body);
}

static void start_cycle(struct mgc *c)
{
	if (c->started >= c->target)
		return;
	c->started++;
	h248_tl_send(c->tl, &c->gw,
		     request("Context = $ { Add = $ { Media { Stream = 1 {\n"
			     "  LocalControl { Mode = SendReceive, ipdc/realm = core },\n"
			     "  Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:actpass\n},\n"
			     "  Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message 9 TCP/MSRP *\n} } } } }"),
		     on_add, c);
}

static void tick(struct ev_loop *loop, void *arg)
{
	ev_loop_stop(loop);
}

/* Runs the loop until cond() or ms pass. */
static void run_until(struct mgc *c, bool (*cond)(const struct mgc *), unsigned ms)
{
	for (unsigned waited = 0; !cond(c) && waited < ms; waited += 10) {
		ev_timer_add(c->loop, 10, tick, NULL);
		ev_loop_run(c->loop);
	}
}

static bool is_registered(const struct mgc *c)
{
	return c->registered;
}

static bool all_done(const struct mgc *c)
{
	return c->done >= c->target;
}

static bool never(const struct mgc *c)
{
	return false;
}

static void cycles(struct mgc *c, unsigned n)
{
	c->target += n;
	for (unsigned i = 0; i < IN_FLIGHT; i++)
		start_cycle(c);
	run_until(c, all_done, 15000);
}

/* Runs cycles of WINDOW until two in a row each grow the gateway's memory by less than SETTLED_KIB (or
 * WARMUP_MAX cycles or WARMUP_MS have run: answers kept for LONG-TIMER would stop growing it after 30 s
 * and hide from the measured cycles); its memory then. What settles: the allocator's arenas, the
 * decoder's kept arena and, under ASan, the quarantine of freed memory (8 MiB: rig_spawn), resident
 * while it fills; measured, the warm-up ends after 300 cycles in the default build, 700 under ASan.
 * What does not settle: memory the gateway keeps per transaction, which the measured cycles then see.
 * The cycles run are added to *ran. */
static long warm_up(struct mgc *c, pid_t pid, unsigned *ran)
{
	long rss = rig_pid_rss_kib(pid), last;
	gint64 end = g_get_monotonic_time() + WARMUP_MS * (gint64)1000;
	for (unsigned calm = 0; calm < 2 && *ran < WARMUP_MAX && g_get_monotonic_time() < end;) {
		cycles(c, WINDOW);
		*ran += WINDOW;
		last = rss, rss = rig_pid_rss_kib(pid);
		calm = rss - last < SETTLED_KIB ? calm + 1 : 0;
	}
	return rss;
}

/* The gateway's stop line: "H.248 transactions at stop: N answers stored (B bytes), ..." */
static long stored_at_stop(const char *log)
{
	const char *at = strstr(log, "H.248 transactions at stop: ");
	return at ? strtol(at + strlen("H.248 transactions at stop: "), NULL, 10) : -1;
}

static void test_acks_free_replies(void)
{
	struct mgc c = { .loop = ev_loop_new() };
	static const struct h248_link_ops lops = { .recv = mgc_recv };
	static const struct h248_tl_ops tops = { .request = mgc_request };
	uint16_t mgc_port = bed_free_ports(1), agw_port = bed_free_ports(1);
	union sa me;
	sa_from_text(&me, "127.0.0.1", mgc_port);
	char *err = NULL;
	c.link = h248_link_new(c.loop, &me, NULL, &lops, &c, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c.link);
	struct h248_tl_opts o = { .mid = { H248_MID_IP4, { "127.0.0.1", 9 }, 2945 }, .style = H248_PRETTY };
	c.tl = h248_tl_new(c.loop, c.link, &o, &tops, &c);

	/* the gateway's log (notice) goes to a file, for its stop line */
	char logpath[] = "/tmp/h248_acks.XXXXXX";
	int logfd = mkstemp(logpath), saved = dup(2);
	CU_ASSERT_TRUE_FATAL(logfd >= 0);
	char *bin = rig_binary("agw", "ims-agw");
	char mp[8], ap[8];
	snprintf(mp, sizeof mp, "%u", mgc_port), snprintf(ap, sizeof ap, "%u", agw_port);
	char *argv[] = { bin,
			 "--h248-port",
			 ap,
			 "--mgc-port",
			 mp,
			 "--h248-mid",
			 "[127.0.0.1]:2944",
			 "--realm-access-ports",
			 "25400-25463",
			 "--realm-core-ports",
			 "26400-26463",
			 "--log-level",
			 "notice",
			 NULL };
	dup2(logfd, 2);
	pid_t pid = rig_spawn(argv);
	dup2(saved, 2), close(saved);
	CU_ASSERT_TRUE_FATAL(pid > 0);
	run_until(&c, is_registered, 5000);
	CU_ASSERT_TRUE_FATAL(c.registered);

	unsigned warm = 0;
	long before = warm_up(&c, pid, &warm);
	cycles(&c, CYCLES);
	run_until(&c, never, 200); /* the last acks */
	long after = rig_pid_rss_kib(pid);
	CU_ASSERT_EQUAL(c.done, warm + CYCLES);
	CU_ASSERT_EQUAL(c.failed, 0);
	const struct h248_tl_stats *s = h248_tl_stats(c.tl);
	CU_ASSERT_EQUAL(s->acks_sent, s->replies);      /* every Reply acknowledged, each once */
	CU_ASSERT_TRUE(s->ack_messages < s->acks_sent); /* and batched */

	CU_ASSERT_EQUAL(bed_reap(pid), 0);
	char *log = NULL;
	g_file_get_contents(logpath, &log, NULL, NULL);
	long stored = stored_at_stop(log ? log : "");
	printf(
	    "\n    %u + %u Add/Subtract cycles (%lu Replies, acknowledged by %lu ids in %lu messages): "
	    "ims-agw RSS after the warm-up %ld KiB, at the end %ld KiB (+%ld); answers stored at its stop: "
	    "%ld\n",
	    warm, CYCLES, (unsigned long)s->replies, (unsigned long)s->acks_sent,
	    (unsigned long)s->ack_messages, before, after, after - before, stored);
	CU_ASSERT_EQUAL(stored, 0);
	CU_ASSERT_TRUE(after - before < ACK_RSS_BOUND_KIB);
	if (stored != 0)
		fprintf(stderr, "%s\n", log ? log : "(no log)");
	g_free(log);
	unlink(logpath), close(logfd);
	g_free(bin);
	h248_tl_free(c.tl);
	h248_link_free(c.link);
	ev_loop_free(c.loop);
}

/* The rig's own acknowledgements (rig_ack_replies, which relay_bench counts memory with): the ids of the
 * Replies go in a TransactionResponseAck ahead of the next request, in one message. A request repeated
 * after its Reply was so acknowledged is neither executed again nor answered; one repeated without an
 * acknowledgement gets its stored Reply again, the same bytes. */
static void test_rig_piggybacked_acks(void)
{
	struct rig *r = rig_start(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	static const char audit[] = "Transaction = %u { Context = - { AuditValue = ROOT { Audit { } } } }";
	char body[96];

	snprintf(body, sizeof body, audit, 9001u); /* not acknowledged: answered again from the store */
	char *first = rig_request(r, body), *again = rig_request(r, body);
	CU_ASSERT_TRUE(first && strstr(first, "Reply = 9001 {") && strstr(first, "AuditValue = ROOT"));
	ASSERT_TEXT("the stored Reply, repeated", again, first ? first : "");

	rig_ack_replies(r, true);
	snprintf(body, sizeof body, audit, 9002u);
	char *acked = rig_request(r, body);
	CU_ASSERT_TRUE(acked && strstr(acked, "Reply = 9002 {") && strstr(acked, "AuditValue = ROOT"));
	snprintf(body, sizeof body, audit, 9003u); /* its message acknowledges 9002 first */
	char *next = rig_request(r, body);
	CU_ASSERT_TRUE(next && strstr(next, "Reply = 9003 {") && strstr(next, "AuditValue = ROOT"));
	snprintf(body, sizeof body, audit, 9002u);
	char *none = rig_request_mid(r, "[127.0.0.1]:2945", body, 500);
	CU_ASSERT_PTR_NULL(none);

	CU_ASSERT_EQUAL(rig_stop(r), 0);
	g_free(first), g_free(again), g_free(acked), g_free(next), g_free(none);
}

int main(void)
{
	return rig_cunit_main(
	    "h248_acks", NULL, NULL,
	    (const struct rig_test[]){
		{ "Replies acknowledged: the gateway keeps no answer, memory flat", test_acks_free_replies },
		{ "the test rig's acknowledgements, ahead of its next request", test_rig_piggybacked_acks },
		{ NULL, NULL } });
}
