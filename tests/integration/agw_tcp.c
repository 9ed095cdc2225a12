/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-agw's TCP legs, end to end: the real gateway, H.248 from this test as its MGC, real TCP peers.
 *   - seed 003 (TCP proxy, no TLS): the core peer's SYN triggers the gateway's connect to the UE; bytes
 *     relayed exactly both ways at once; FIN relayed as a half-close in each direction; statistics.
 *   - seed 004 delayed establishment: with gm/saf the SYN is dropped until the Modify gives the Remote,
 *     then the retransmitted SYN succeeds; with gm/spf a SYN from another port never does; gm/saf
 *     lifted before any Remote, SYNs from anywhere are answered.
 *   - the gateway's connect refused: tcpbcc/fail notified with the reason.
 *   - a reset on one side is passed on as a reset.
 *   - a Move takes a relaying leg into another context: it relays with the leg there, no longer with
 *     the one it left (H.248.1 §7.2.4). */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdarg.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rig.h"

static struct rig *rig;

static int up(void)
{
	rig = rig_start((const char *const[]){ "--realm-access-ports", "23000-23099", "--realm-core-ports",
					       "24000-24099", NULL });
	return rig ? 0 : 1;
}

static int down(void)
{
	return rig_stop(rig) == 0 ? 0 : 1;
}

static char *add(const char *ctx, const char *realm, const char *setup, const char *lc_extra, uint16_t remote,
		 const char *events)
{
	char *remote_sdp =
	    remote ? g_strdup_printf(",\n    Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message %u TCP/MSRP *\n}",
				     remote)
		   : g_strdup("");
	char *reply =
	    rig_requestf(rig,
			 "Context = %s { Add = $ {\n  Media { Stream = 1 {\n"
			 "    LocalControl { Mode = SendReceive, ipdc/realm = %s%s },\n"
			 "    Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:%s\n}%s } },\n"
			 "  Events = 9 { %s } } }",
			 ctx, realm, lc_extra, setup, remote_sdp, events);
	g_free(remote_sdp);
	return reply;
}

/* The whole Reply the gateway owes a one-command request on ctx, the command given as a format
 * ("Modify = co/%u", ...); the transaction id is read from reply itself. */
static char *reply_want(const char *reply, const char *ctx, const char *command, ...) G_GNUC_PRINTF(3, 4);

static char *reply_want(const char *reply, const char *ctx, const char *command, ...)
{
	va_list ap;
	va_start(ap, command);
	char *line = g_strdup_vprintf(command, ap);
	va_end(ap);
	char *want =
	    g_strdup_printf("MEGACO/3 [127.0.0.1]:2944\nReply = %u {\n  Context = %s {\n    %s\n  }\n}\n",
			    rig_number_after(reply, "Reply = "), ctx, line);
	g_free(line);
	return want;
}

static char *ctx_of(const char *reply)
{
	return g_strdup_printf("%u", rig_number_after(reply, "Context = "));
}

static void fill(char *buf, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)((i * 131 + seed * 7 + (i >> 9)) & 0xff);
}

static void test_proxy(void)
{
	uint16_t ue_port = 0;
	int ue_l = tcp_listen(&ue_port);
	/* the core peer's Remote is known (its address; port 9, RFC 4145 §4, as it connects): the gateway
	 * filters SYNs on it by default */
	char *core = add("$", "core", "actpass", "", 9, "tcpbcc/up, tcpbcc/rel");
	CU_ASSERT_PTR_NOT_NULL_FATAL(core);
	char *ctx = ctx_of(core);
	unsigned core_port = rig_local_port(core);
	CU_ASSERT(core_port >= 24000 && core_port <= 24099); /* drawn at random in the realm's range */
	char *access = add(ctx, "access", "active", "", ue_port, "tcpbcc/up, tcpbcc/rel, tcpbcc/fail");
	CU_ASSERT_TRUE_FATAL(access && strstr(access, "Add = ac/"));
	CU_ASSERT(rig_local_port(access) >= 23000 && rig_local_port(access) <= 23099);

	/* the UE side is not connected before the core peer's SYN (the proxy trigger) */
	CU_ASSERT_EQUAL(tcp_accept(ue_l, 300), -1);
	int peer, ue;
	CU_ASSERT_TRUE_FATAL(tcp_through((uint16_t)core_port, ue_l, &peer, &ue));
	char *n1 = rig_notify(rig, 2000), *n2 = rig_notify(rig, 2000);
	CU_ASSERT_TRUE(n1 && strstr(n1, "Notify = co/") && strstr(n1, "T : tcpbcc/up"));
	CU_ASSERT_TRUE(n2 && strstr(n2, "Notify = ac/") && strstr(n2, "T : tcpbcc/up"));

	/* an MSRP SEND each way first, then 4 MiB and 3 MiB at the same time */
	const char msrp[] =
	    "MSRP a786hjs2 SEND\r\nTo-Path: msrp://127.0.0.1:2855/kjhd37s2s20w2a;tcp\r\n"
	    "From-Path: msrp://127.0.0.1:7777/iau39soe2843z;tcp\r\nMessage-ID: 87652491\r\n"
	    "Byte-Range: 1-25/25\r\nContent-Type: text/plain\r\n\r\nHey Bob, are you there?\r\n"
	    "-------a786hjs2$\r\n";
	char got[sizeof msrp];
	CU_ASSERT_EQUAL(send(peer, msrp, sizeof msrp - 1, 0), (ssize_t)sizeof msrp - 1);
	CU_ASSERT_EQUAL(tcp_read_all(ue, got, sizeof msrp - 1, 2000), (ssize_t)sizeof msrp - 1);
	CU_ASSERT_EQUAL(memcmp(got, msrp, sizeof msrp - 1), 0);
	CU_ASSERT_EQUAL(send(ue, msrp, sizeof msrp - 1, 0), (ssize_t)sizeof msrp - 1);
	CU_ASSERT_EQUAL(tcp_read_all(peer, got, sizeof msrp - 1, 2000), (ssize_t)sizeof msrp - 1);
	size_t big_a = 4 << 20, big_b = 3 << 20;
	char *a = g_malloc(big_a), *b = g_malloc(big_b);
	fill(a, big_a, 1), fill(b, big_b, 2);
	/* both half-close when done: each FIN is relayed, the other direction keeps flowing */
	CU_ASSERT_TRUE(tcp_exchange(peer, a, big_a, ue, b, big_b, 20000));
	char *r1 = rig_notify(rig, 2000), *r2 = rig_notify(rig, 2000);
	CU_ASSERT_TRUE(r1 && strstr(r1, "tcpbcc/rel"));
	CU_ASSERT_TRUE(r2 && strstr(r2, "tcpbcc/rel"));

	char *stats = rig_requestf(rig, "Context = %s { Subtract = * }", ctx);
	char *want = g_strdup_printf("Subtract = co/");
	CU_ASSERT_TRUE_FATAL(stats && strstr(stats, want));
	char *core_stats = g_strdup_printf("nt/os = %zu,\n        nt/or = %zu,", sizeof msrp - 1 + big_b,
					   sizeof msrp - 1 + big_a);
	char *access_stats = g_strdup_printf("nt/os = %zu,\n        nt/or = %zu,", sizeof msrp - 1 + big_a,
					     sizeof msrp - 1 + big_b);
	CU_ASSERT_PTR_NOT_NULL(strstr(stats, core_stats));
	CU_ASSERT_PTR_NOT_NULL(strstr(stats, access_stats));
	if (!strstr(stats, core_stats))
		fprintf(stderr, "\n%s\n", stats);
	close(peer), close(ue), close(ue_l);
	g_free(a), g_free(b), g_free(stats), g_free(want), g_free(core_stats), g_free(access_stats);
	g_free(core), g_free(access), g_free(ctx), g_free(n1), g_free(n2), g_free(r1), g_free(r2);
}

static void test_delayed_syn(void)
{
	uint16_t ue_port = 0;
	int ue_l = tcp_listen(&ue_port);
	char *core = add("$", "core", "actpass", ", gm/saf = on, gm/spf = on", 0, "tcpbcc/up");
	char *ctx = ctx_of(core);
	unsigned core_port = rig_local_port(core);
	char *access = add(ctx, "access", "active", "", ue_port, "tcpbcc/up");
	uint16_t mine = 0, other = 0;
	int tmp = tcp_listen(&mine), tmp2 = tcp_listen(&other); /* two free ports to connect from */
	close(tmp), close(tmp2);
	bool connected;
	int peer = tcp_connect_from(mine, (uint16_t)core_port, 500, &connected);
	CU_ASSERT_FALSE(connected); /* no Remote yet: every SYN is dropped, none answered */
	int stranger = tcp_connect_from(other, (uint16_t)core_port, 100, &connected);
	CU_ASSERT_FALSE(connected);
	unsigned co = rig_number_after(core, "Add = co/");
	CU_ASSERT_FATAL(co != 0);
	char *reply = rig_requestf(rig,
				   "Context = %s { Modify = co/%u { Media { Stream = 1 { Remote {\n"
				   "v=0\nc=IN IP4 127.0.0.1\nm=message %u TCP/MSRP *\n} } } } }",
				   ctx, co, mine);
	CU_ASSERT_TRUE(reply && strstr(reply, "Modify = co/") && !strstr(reply, "Error"));
	/* the retransmitted SYN (1 s, then 3 s after the first) now gets through */
	CU_ASSERT_TRUE(tcp_wait_connected(peer, 4000));
	int ue = tcp_accept(ue_l, 2000);
	CU_ASSERT_TRUE(ue >= 0);
	CU_ASSERT_FALSE(tcp_wait_connected(stranger, 1500)); /* another source port: never */
	CU_ASSERT_EQUAL(send(peer, "hello", 5, 0), 5);
	char got[8] = "";
	CU_ASSERT_EQUAL(tcp_read_all(ue, got, 5, 2000), 5);
	CU_ASSERT_EQUAL(memcmp(got, "hello", 5), 0);
	/* a last message and the FIN at once: the short read that takes the message stops the relay's
	 * reading, and the FIN still comes through after it */
	CU_ASSERT_EQUAL(send(peer, "bye", 3, 0), 3);
	shutdown(peer, SHUT_WR);
	CU_ASSERT_EQUAL(tcp_read_all(ue, got, 3, 2000), 3);
	CU_ASSERT_EQUAL(memcmp(got, "bye", 3), 0);
	CU_ASSERT_EQUAL(tcp_read_all(ue, got, 1, 2000), 0);
	char *gone = rig_requestf(rig, "Context = %s { Subtract = * { Audit { } } }", ctx);
	CU_ASSERT_TRUE(gone && !strstr(gone, "Error"));
	char *n;
	while ((n = rig_notify(rig, 200)))
		g_free(n);
	close(peer), close(stranger), close(ue), close(ue_l);
	g_free(core), g_free(access), g_free(ctx), g_free(reply), g_free(gone);
}

/* gm/saf lifted by a Modify while no Remote is known: the SYN filter that dropped every SYN is taken off
 * the listening socket, and a SYN from anywhere is answered (the filter's detach path; until December
 * 2026 the kernel refused the detach, EINVAL, and every SYN stayed dropped); the connection is held,
 * unannounced, until a Remote names it. */
static void test_filter_lifted(void)
{
	char *core = add("$", "core", "actpass", ", gm/saf = on", 0, "tcpbcc/up");
	CU_ASSERT_PTR_NOT_NULL_FATAL(core);
	char *ctx = ctx_of(core);
	unsigned core_port = rig_local_port(core), co = rig_number_after(core, "Add = co/");
	bool connected;
	int early = tcp_connect_from(0, (uint16_t)core_port, 300, &connected);
	CU_ASSERT_FALSE(connected); /* no Remote yet: every SYN is dropped */
	close(early);
	char *reply = rig_requestf(rig,
				   "Context = %s { Modify = co/%u { Media { Stream = 1 { LocalControl {"
				   " gm/saf = off } } } } }",
				   ctx, co);
	char *want = reply_want(reply, ctx, "Modify = co/%u", co);
	CU_ASSERT_STRING_EQUAL(reply ? reply : "", want);
	uint16_t mine = 0;
	close(tcp_listen(&mine)); /* a free port to connect from */
	int peer = tcp_connect_from(mine, (uint16_t)core_port, 2000, &connected);
	CU_ASSERT_TRUE(connected); /* the SYN answered at once */
	/* held while no Remote is known (the gateway's own source filter): up once the Remote names it */
	char *early_up = rig_notify(rig, 300);
	CU_ASSERT_PTR_NULL(early_up);
	g_free(rig_requestf(rig,
			    "Context = %s { Modify = co/%u { Media { Stream = 1 { Remote {\n"
			    "v=0\nc=IN IP4 127.0.0.1\nm=message %u TCP/MSRP *\n} } } } }",
			    ctx, co, mine));
	char *up = rig_notify(rig, 2000);
	CU_ASSERT_TRUE(up && strstr(up, "tcpbcc/up"));
	g_free(rig_requestf(rig, "Context = %s { Subtract = * { Audit { } } }", ctx));
	close(peer);
	g_free(core), g_free(ctx), g_free(reply), g_free(want), g_free(early_up), g_free(up);
}

static void test_connect_refused(void)
{
	uint16_t nobody = 0;
	close(tcp_listen(&nobody)); /* a port with no listener */
	char *core = add("$", "core", "passive", "", 9, "tcpbcc/up");
	char *ctx = ctx_of(core);
	char *access = add(ctx, "access", "active", "", nobody, "tcpbcc/up, tcpbcc/fail");
	bool connected;
	int peer = tcp_connect_from(0, (uint16_t)rig_local_port(core), 2000, &connected);
	CU_ASSERT_TRUE(connected);
	char *up = rig_notify(rig, 2000), *fail = rig_notify(rig, 2000);
	CU_ASSERT_TRUE(up && strstr(up, "tcpbcc/up"));
	unsigned ac = rig_number_after(access, "Add = ac/");
	CU_ASSERT_FATAL(ac != 0);
	char *want = g_strdup_printf(
	    "MEGACO/3 [127.0.0.1]:2944\nTransaction = N {\n  Context = %s {\n    Notify = ac/%u {\n"
	    "      ObservedEvents = 9 {\n        T : tcpbcc/fail {\n          reason = \"Connection "
	    "refused\"\n        }\n      }\n    }\n  }\n}\n",
	    ctx, ac);
	CU_ASSERT_STRING_EQUAL(fail ? fail : "", want);
	if (fail && strcmp(fail, want))
		fprintf(stderr, "\n%s\n", fail);
	g_free(rig_requestf(rig, "Context = %s { Subtract = * { Audit { } } }", ctx));
	close(peer);
	g_free(core), g_free(ctx), g_free(access), g_free(up), g_free(fail), g_free(want);
}

/* A seed 003 proxy up: the core leg (actpass, its peer's address known) and the access leg toward a UE
 * listening here, connected through by a core peer; both legs observe events. */
struct proxy {
	int ue_l, peer, ue;
	char *core, *ctx, *access;
};

static bool proxy_up(struct proxy *p, const char *events)
{
	uint16_t ue_port = 0;
	*p = (struct proxy){ .ue_l = tcp_listen(&ue_port), .peer = -1, .ue = -1 };
	p->core = add("$", "core", "actpass", "", 9, events);
	p->ctx = ctx_of(p->core);
	p->access = add(p->ctx, "access", "active", "", ue_port, events);
	return p->access && tcp_through((uint16_t)rig_local_port(p->core), p->ue_l, &p->peer, &p->ue);
}

/* The context subtracted, its notifications read, the sockets closed (the UE's unless already). */
static void proxy_end(struct proxy *p)
{
	g_free(rig_requestf(rig, "Context = %s { Subtract = * { Audit { } } }", p->ctx));
	char *n;
	while ((n = rig_notify(rig, 200)))
		g_free(n);
	close(p->peer), close(p->ue_l);
	if (p->ue >= 0)
		close(p->ue);
	g_free(p->core), g_free(p->ctx), g_free(p->access);
}

static void test_reset(void)
{
	struct proxy p;
	CU_ASSERT_TRUE_FATAL(proxy_up(&p, "tcpbcc/rel"));
	char one;
	CU_ASSERT_EQUAL(send(p.ue, "x", 1, 0), 1); /* the session is up and relaying before the reset */
	CU_ASSERT_EQUAL(tcp_read_all(p.peer, &one, 1, 2000), 1);
	struct linger lg = { 1, 0 };
	setsockopt(p.ue, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(p.ue); /* RST */
	p.ue = -1;
	char buf[16];
	ssize_t r = tcp_read_all(p.peer, buf, sizeof buf, 2000);
	CU_ASSERT_EQUAL(r, -ECONNRESET);
	char *n1 = rig_notify(rig, 2000), *n2 = rig_notify(rig, 2000);
	CU_ASSERT_TRUE(n1 && strstr(n1, "tcpbcc/rel") && strstr(n1, "Connection reset by peer"));
	CU_ASSERT_TRUE(n2 && strstr(n2, "tcpbcc/rel") && strstr(n2, "reset by the other side"));
	proxy_end(&p);
	g_free(n1), g_free(n2);
}

static void test_move(void)
{
	struct proxy p;
	CU_ASSERT_TRUE_FATAL(proxy_up(&p, "tcpbcc/fail"));
	unsigned ac = rig_number_after(p.access, "Add = ac/");
	CU_ASSERT_FATAL(ac != 0);
	char got[16];
	CU_ASSERT_EQUAL(send(p.ue, "first", 5, 0), 5); /* relaying in the first context */
	CU_ASSERT_EQUAL(tcp_read_all(p.peer, got, 5, 2000), 5);

	char *core2 = add("$", "core", "actpass", "", 9, "tcpbcc/fail");
	char *ctx2 = ctx_of(core2);
	char *moved = rig_requestf(rig, "Context = %s { Move = ac/%u }", ctx2, ac);
	char *want = reply_want(moved, ctx2, "Move = ac/%u", ac);
	CU_ASSERT_STRING_EQUAL(moved ? moved : "", want);
	bool connected;
	int peer2 = tcp_connect_from(0, (uint16_t)rig_local_port(core2), 2000, &connected);
	CU_ASSERT_TRUE_FATAL(connected);
	/* the UE's bytes go to the leg of the context it joined, each way, and none to the one it left */
	CU_ASSERT_EQUAL(send(p.ue, "second", 6, 0), 6);
	CU_ASSERT_EQUAL(tcp_read_all(peer2, got, 6, 2000), 6);
	CU_ASSERT_EQUAL(memcmp(got, "second", 6), 0);
	CU_ASSERT_EQUAL(send(peer2, "third", 5, 0), 5);
	CU_ASSERT_EQUAL(tcp_read_all(p.ue, got, 5, 2000), 5);
	CU_ASSERT_EQUAL(memcmp(got, "third", 5), 0);
	CU_ASSERT_EQUAL(send(p.peer, "stale", 5, 0), 5);
	CU_ASSERT_EQUAL(tcp_read_all(p.ue, got, 1, 300), 0); /* timeout: nothing from the first context */
	CU_ASSERT_EQUAL(tcp_read_all(p.peer, got, 1, 300), 0);

	g_free(rig_requestf(rig, "Context = %s { Subtract = * }", ctx2));
	proxy_end(&p);
	close(peer2);
	g_free(core2), g_free(ctx2), g_free(moved), g_free(want);
}

int main(void)
{
	static const struct rig_test tests[] = {
		{ "seed 003 TCP proxy: trigger, relay, half-close, statistics", test_proxy },
		{ "seed 004 delayed SYN with gm/saf and gm/spf", test_delayed_syn },
		{ "gm/saf lifted: the SYN filter comes off", test_filter_lifted },
		{ "connect refused: tcpbcc/fail with the reason", test_connect_refused },
		{ "a reset passed on as a reset", test_reset },
		{ "a Move: the leg relays in the context it joined", test_move },
		{ NULL, NULL },
	};
	return rig_cunit_main("agw TCP legs", up, down, tests);
}
