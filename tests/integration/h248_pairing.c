/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The H.248 control association is a pairing, not an address (issue 26, items 1 and 2). Each test
 * reproduces a finding with real daemons on loopback, from an address they were not configured for
 * (127.0.0.9) or from the right address with the wrong port or mId:
 *   - ims-agw: a Subtract from the MGC's address on another port, from another address, and from the
 *     MGC's own socket under another mId is not executed (no answer); media keeps flowing and the
 *     real MGC's Subtract still finds the context;
 *   - ims-agw: Adds beyond h248.max_contexts / h248.max_terminations are refused with 510 before
 *     anything is made, and its memory stays bounded; past 15/16 of h248.max_remembered_ids, a request
 *     is refused with 510 and not executed;
 *   - ims-alg: a ServiceChange Restart carrying the real gateway's mId from a stranger (127.0.0.9, then
 *     127.0.0.1 on another port) releases no call and moves nothing: the next call's Adds still go to
 *     the real gateway; nothing is answered to the stranger;
 *   - ims-alg: a stranger's Notify tlsbsc/fail with the real mId and context releases no call;
 *   - ims-alg: a forged Reply from elsewhere than the request went is ignored; the real one is used;
 *   - ims-alg: a gateway not in h248.gateways cannot register (answered nothing);
 *   - ims-alg: a gateway that moves registers again from its new port once the old association is out of
 *     service, and not before. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "algrig.h"
#include "rig.h"
#include "sippeer.h"

/* ---- ims-agw: only its MGC's address, port and mId ---- */

static char *add_core(struct rig *r, const char *ctx, const char *extra_sdp)
{
	return rig_requestf(
	    r,
	    "Context = %s { Add = $ {\n  Media { Stream = 1 {\n"
	    "    LocalControl { Mode = SendReceive, ipdc/realm = core },\n"
	    "    Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:actpass\n%s},\n"
	    "    Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message 9 TCP/MSRP *\n} } },\n"
	    "  Events = 9 { tcpbcc/up, tcpbcc/rel } } }",
	    ctx, extra_sdp ? extra_sdp : "");
}

/* A datagram from a socket bound to addr (port 0: any) to the gateway; whatever comes back within ms. */
static char *send_from(const char *addr, uint16_t to, const char *text, unsigned ms)
{
	uint16_t port = 0;
	int fd = udp_socket(addr, &port);
	if (fd < 0)
		return g_strdup("(no socket)");
	udp_connect(fd, to);
	send(fd, text, strlen(text), 0);
	char buf[8192];
	ssize_t n = udp_recv(fd, buf, sizeof buf, ms);
	close(fd);
	return n >= 0 ? g_strndup(buf, (size_t)n) : NULL;
}

static void test_agw_subtract_from_elsewhere(void)
{
	struct rig *r = rig_start((const char *const[]){ "--realm-access-ports", "23200-23209",
							 "--realm-core-ports", "24200-24209", NULL });
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	uint16_t ue_port = 0;
	int ue_l = tcp_listen(&ue_port);
	char *core = add_core(r, "$", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(core);
	unsigned ctx = rig_number_after(core, "Context = "), core_port = rig_local_port(core);
	char *access =
	    rig_requestf(r,
			 "Context = %u { Add = $ {\n  Media { Stream = 1 {\n"
			 "    LocalControl { Mode = SendReceive, ipdc/realm = access },\n"
			 "    Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:active\n},\n"
			 "    Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message %u TCP/MSRP *\n} } } } }",
			 ctx, ue_port);
	CU_ASSERT_TRUE_FATAL(access && strstr(access, "Add = ac/"));
	int peer, ue;
	CU_ASSERT_TRUE_FATAL(tcp_through((uint16_t)core_port, ue_l, &peer, &ue));

	char *subtract = g_strdup_printf("MEGACO/3 [127.0.0.1]:2945\nTransaction = 7001 { Context = %u { "
					 "Subtract = * } }",
					 ctx);
	char *other =
	    send_from("127.0.0.1", rig_h248_port(r), subtract, 500); /* the MGC's IP, another port */
	CU_ASSERT_PTR_NULL(other);
	char *stranger = send_from("127.0.0.9", rig_h248_port(r), subtract, 500);
	CU_ASSERT_PTR_NULL(stranger);
	char *body = g_strdup_printf("Transaction = 7002 { Context = %u { Subtract = * } }", ctx);
	char *wrong_mid =
	    rig_request_mid(r, "[127.0.0.1]:2946", body, 500); /* the MGC's socket, not its mId */
	CU_ASSERT_PTR_NULL(wrong_mid);

	/* the media still flows both ways */
	const char out[] = "MSRP a1 SEND\r\n\r\n-------a1$\r\n", back[] = "MSRP a1 200 OK\r\n-------a1$\r\n";
	char got[64];
	CU_ASSERT_EQUAL(send(peer, out, sizeof out - 1, 0), (ssize_t)sizeof out - 1);
	CU_ASSERT_EQUAL(tcp_read_all(ue, got, sizeof out - 1, 2000), (ssize_t)sizeof out - 1);
	CU_ASSERT_EQUAL(memcmp(got, out, sizeof out - 1), 0);
	CU_ASSERT_EQUAL(send(ue, back, sizeof back - 1, 0), (ssize_t)sizeof back - 1);
	CU_ASSERT_EQUAL(tcp_read_all(peer, got, sizeof back - 1, 2000), (ssize_t)sizeof back - 1);
	/* and the real MGC's Subtract finds both terminations */
	char *stats = rig_requestf(r, "Context = %u { Subtract = * }", ctx);
	CU_ASSERT_TRUE(stats && strstr(stats, "Subtract = co/") && strstr(stats, "Subtract = ac/"));
	CU_ASSERT_EQUAL(tcp_read_all(ue, got, 1, 2000), 0); /* now it is gone */
	close(peer), close(ue), close(ue_l);
	CU_ASSERT_EQUAL(rig_stop(r), 0);
	g_free(stats), g_free(wrong_mid), g_free(body), g_free(stranger), g_free(other), g_free(subtract);
	g_free(access), g_free(core);
}

static void test_agw_limits(void)
{
	struct rig *r = rig_start(
	    (const char *const[]){ "--realm-access-ports", "23300-23399", "--realm-core-ports", "24300-24399",
				   "--h248-max-contexts", "20", "--h248-max-terminations", "30",
				   "--h248-max-remembered-ids", "1024", NULL });
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* ~7 KB of SDP attributes in each Add: within the 8 KB datagram */
	GString *pad = g_string_new(NULL);
	while (pad->len < 7000)
		g_string_append(pad, "a=x-pad:0123456789012345678901234567890123456789012345678901234567\n");
	long before = rig_rss_kib(r);
	unsigned made = 0, refused = 0, other = 0, ctxs[20];
	for (int i = 0; i < 300; i++) { /* bounded: 300 Adds, each answered within 5 s */
		char *reply = add_core(r, "$", pad->str);
		if (reply && strstr(reply, "Add = co/") && made < 20)
			ctxs[made++] = rig_number_after(reply, "Context = ");
		else if (reply &&
			 strstr(reply, "Error = 510 {\n    \"Insufficient Resources: at most 20 contexts\""))
			refused++;
		else
			other++;
		g_free(reply);
	}
	CU_ASSERT_EQUAL(made, 20);
	CU_ASSERT_EQUAL(refused, 280);
	CU_ASSERT_EQUAL(other, 0);
	/* terminations: a second one into each context until 30 are held */
	unsigned more = 0, over = 0;
	for (unsigned i = 0; i < made; i++) {
		char ctx[16];
		snprintf(ctx, sizeof ctx, "%u", ctxs[i]);
		char *reply = add_core(r, ctx, NULL);
		more += reply && strstr(reply, "Add = co/");
		over +=
		    reply &&
		    strstr(reply, "Error = 510 {\n    \"Insufficient Resources: at most 30 terminations\"");
		g_free(reply);
	}
	CU_ASSERT_EQUAL(more, 10);
	CU_ASSERT_EQUAL(over, 10);
	long after = rig_rss_kib(r);
	printf("\n    ims-agw RSS %ld KiB before, %ld KiB after 320 Adds of 7 KB (20 contexts held)\n",
	       before, after);
	CU_ASSERT_TRUE(after - before < 16 * 1024);
	/* a freed context makes room again */
	char *sub = rig_requestf(r, "Context = %u { Subtract = * }", made ? ctxs[0] : 1);
	char *again = add_core(r, "$", NULL);
	CU_ASSERT_TRUE(again && strstr(again, "Add = co/"));
	/* h248.max_remembered_ids reaches the transaction layer: with 1024, the request that would make
	 * the 961st id remembered (past 15/16) is refused, not executed (bounded: 1,100 audits) */
	char *first_510 = NULL;
	unsigned audits = 0;
	for (; audits < 1100 && !first_510; audits++) {
		char *reply = rig_requestf(r, "Context = - { AuditValue = ROOT { Audit { } } }");
		if (reply && strstr(reply, "Error = 510"))
			first_510 = reply;
		else
			g_free(reply);
	}
	CU_ASSERT_TRUE(first_510 && strstr(first_510, "\"Insufficient Resources: 960 transaction ids "
						      "remembered (at most 1024); not executed\""));
	CU_ASSERT_TRUE(audits > 600 && audits <= 960); /* the Adds above were remembered too */
	CU_ASSERT_EQUAL(rig_stop(r), 0);
	g_free(again), g_free(sub), g_free(first_510);
	g_string_free(pad, TRUE);
}

/* ---- ims-alg: only the configured gateways, each bound to where it registered ---- */

static struct algrig alg, fake;
static struct sippeer ue, core;

static char *offer(const char *user, uint16_t port)
{
	return g_strdup_printf("v=0\r\no=%s 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			       "m=message %u TCP/MSRP *\r\na=accept-types:text/plain\r\n"
			       "a=path:msrp://127.0.0.1:%u/s;tcp\r\na=setup:actpass\r\n",
			       user, port, port);
}

/* A call from UE a to b through the ALG at access, answered by the core: its dialog (caller's view) and
 * the core's INVITE (g_free it), or NULL when it did not reach the core. */
static char *call(uint16_t access, const char *id, struct sipdlg *d, bool answer)
{
	char *o = offer("ue", 2855);
	sippeer_invite(&ue, access, "a", "b", id, o);
	g_free(o);
	char *inv = sippeer_recv(&core, 5000);
	if (!inv || !g_str_has_prefix(inv, "INVITE ")) {
		g_free(inv);
		return NULL;
	}
	if (!answer)
		return inv;
	char *ans = offer("b", 2856);
	sippeer_answer(&core, inv, "b", "200 OK", ans);
	g_free(ans);
	char *ok = sippeer_recv(&ue, 5000);
	CU_ASSERT_TRUE(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	if (ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n")) {
		sipdlg_caller(d, &ue, ok, 1);
		sipdlg_send(d, "ACK", NULL);
		char *ack = sippeer_recv(&core, 3000);
		CU_ASSERT_TRUE(ack && g_str_has_prefix(ack, "ACK "));
		g_free(ack);
	}
	g_free(ok);
	return inv;
}

static void hang_up(struct sipdlg *d)
{
	sipdlg_send(d, "BYE", NULL);
	char *bye = sippeer_recv(&core, 3000);
	CU_ASSERT_TRUE_FATAL(bye && g_str_has_prefix(bye, "BYE "));
	sippeer_answer(&core, bye, "b", "200 OK", NULL);
	char *ok = sippeer_recv(&ue, 3000);
	CU_ASSERT_TRUE(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	g_free(ok), g_free(bye);
	sipdlg_clear(d);
}

static const char restart[] =
    "MEGACO/3 [127.0.0.1]:%u\nTransaction = %u { Context = - { ServiceChange = "
    "ROOT { Services { Method = Restart, Reason = \"901 Cold Boot\", Version = 3 } } } }";

static void test_alg_hijack(void)
{
	struct sipdlg d1 = { 0 }, d2 = { 0 };
	char *inv1 = call(alg.access, "hj1", &d1, true);
	CU_ASSERT_PTR_NOT_NULL_FATAL(inv1);
	char *sc = g_strdup_printf(restart, alg.agw_h248, 901);
	/* from an address the ALG was not configured for, and from the gateway's address on another port */
	char *r1 = send_from("127.0.0.9", alg.h248, sc, 500), *r2 = send_from("127.0.0.1", alg.h248, sc, 500);
	CU_ASSERT_PTR_NULL(r1); /* answered nothing: no registration, no error */
	CU_ASSERT_PTR_NULL(r2);
	char *garbage = send_from("127.0.0.9", alg.h248, "MEGACO/3 [127.0.0.9]:1\nTransaction = x {", 300);
	CU_ASSERT_PTR_NULL(garbage); /* not a reflector */
	/* the established call stays */
	char *bye_ue = sippeer_recv(&ue, 1000), *bye_core = sippeer_recv(&core, 300);
	CU_ASSERT_PTR_NULL(bye_ue);
	CU_ASSERT_PTR_NULL(bye_core);
	/* the next call's Adds go to the real gateway: its answer, its core realm port (29850-29899) */
	long mark = algrig_mark(&alg);
	char *inv2 = call(alg.access, "hj2", &d2, true);
	CU_ASSERT_PTR_NOT_NULL_FATAL(inv2);
	unsigned port = sdp_port(sip_body(inv2), "message");
	CU_ASSERT_TRUE(port >= 29850 && port <= 29899);
	char *rx = algrig_h248(&alg, mark, true);
	CU_ASSERT_PTR_NOT_NULL(strstr(rx, "Reply = N {\n  Context = "));
	hang_up(&d1);
	hang_up(&d2);
	g_free(rx), g_free(inv2), g_free(bye_ue), g_free(bye_core), g_free(garbage), g_free(r1), g_free(r2);
	g_free(sc), g_free(inv1);
}

static void test_alg_stranger_notify(void)
{
	struct sipdlg d = { 0 };
	long mark = algrig_mark(&alg);
	char *inv = call(alg.access, "nt1", &d, true);
	CU_ASSERT_PTR_NOT_NULL_FATAL(inv);
	/* the call's context and access termination, from the ALG's own trace */
	char *rx = algrig_h248(&alg, mark, true), ctx[16] = "", term[32] = "";
	rig_line_after(rx, "Context = ", ctx, sizeof ctx);
	const char *at = strstr(rx, "Add = ac/");
	if (at)
		snprintf(term, sizeof term, "ac/%u", rig_number_after(at, "Add = ac/"));
	ctx[strcspn(ctx, " {")] = 0;
	CU_ASSERT_TRUE_FATAL(*ctx && *term);
	char *notify =
	    g_strdup_printf("MEGACO/3 [127.0.0.1]:%u\nTransaction = 77 { Context = %s { Notify = %s "
			    "{ ObservedEvents = 2 { 20260101T00000000 : tlsbsc/fail { reason = "
			    "\"forged\" } } } } }",
			    alg.agw_h248, ctx, term);
	char *r1 = send_from("127.0.0.9", alg.h248, notify, 500),
	     *r2 = send_from("127.0.0.1", alg.h248, notify, 500);
	CU_ASSERT_PTR_NULL(r1);
	CU_ASSERT_PTR_NULL(r2);
	char *bye_ue = sippeer_recv(&ue, 1000), *bye_core = sippeer_recv(&core, 300);
	CU_ASSERT_PTR_NULL(bye_ue); /* the call was not released */
	CU_ASSERT_PTR_NULL(bye_core);
	hang_up(&d);
	g_free(bye_ue), g_free(bye_core), g_free(r1), g_free(r2), g_free(notify), g_free(rx), g_free(inv);
}

/* ---- ims-alg with two gateways played here: Replies only from where the request went ---- */

static int gw[2] = { -1, -1 };
static uint16_t gw_port[2];

/* The next request the ALG sent either played gateway (*which), repetitions of `skip` passed over. */
static char *gw_recv(unsigned ms, unsigned *tid, unsigned skip, int *which)
{
	char buf[8192];
	for (int i = 0; i < 20; i++) { /* bounded: T-MAX allows a handful of repetitions */
		struct pollfd p[2] = { { .fd = gw[0], .events = POLLIN }, { .fd = gw[1], .events = POLLIN } };
		if (poll(p, 2, (int)ms) <= 0)
			return NULL;
		*which = p[0].revents & POLLIN ? 0 : 1;
		ssize_t n = recv(gw[*which], buf, sizeof buf - 1, 0);
		if (n < 0)
			return NULL;
		char *text = g_strndup(buf, (size_t)n);
		*tid = rig_number_after(text, "Transaction = ");
		if (*tid != skip)
			return text;
		g_free(text);
	}
	return NULL;
}

static void test_alg_reply_from_elsewhere(void)
{
	char *o = offer("ue", 2855);
	sippeer_invite(&ue, fake.access, "a", "b", "rp2", o);
	g_free(o);
	unsigned tid = 0;
	int to;
	char *add = gw_recv(3000, &tid, ~0u, &to);
	CU_ASSERT_TRUE_FATAL(add && strstr(add, "Add = $") && tid);
	const char reply[] =
	    "MEGACO/3 [127.0.0.1]:%u\nReply = %u { Context = 7 { Add = co/1 { Media { Stream = 1 "
	    "{ Local {\nv=0\nc=IN IP4 127.0.0.1\nm=message %u TCP/MSRP *\na=setup:actpass\n} } } "
	    "} } }";
	/* forged: from a stranger, from the gateway's address on another port, and from the other
	 * registered gateway under its own mId (which passes every check but where the request went) */
	char *forged = g_strdup_printf(reply, gw_port[to], tid, 6666u);
	char *f1 = send_from("127.0.0.9", fake.h248, forged, 200),
	     *f2 = send_from("127.0.0.1", fake.h248, forged, 200);
	CU_ASSERT_PTR_NULL(f1);
	CU_ASSERT_PTR_NULL(f2);
	char *other = g_strdup_printf(reply, gw_port[!to], tid, 6667u);
	send(gw[!to], other, strlen(other), 0);
	usleep(200000);
	char *real = g_strdup_printf(reply, gw_port[to], tid, 7777u);
	send(gw[to], real, strlen(real), 0);
	char *inv = sippeer_recv(&core, 3000);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE "));
	CU_ASSERT_EQUAL(sdp_port(sip_body(inv), "message"), 7777); /* the real Reply's, not a forged one */
	sippeer_answer(&core, inv, "b", "486 Busy Here", NULL);
	char *busy = sippeer_recv(&ue, 3000);
	CU_ASSERT_TRUE(busy && g_str_has_prefix(busy, "SIP/2.0 486 "));
	if (busy)
		sippeer_ack(&ue, fake.access, "sip:b@example.net", busy);
	g_free(real), g_free(other), g_free(f1), g_free(f2), g_free(forged), g_free(add);
	g_free(busy), g_free(inv);
}

/* A message from fd (already connected to the ALG) and the answer within ms, or NULL. */
static char *exchange(int fd, const char *text, unsigned ms)
{
	send(fd, text, strlen(text), 0);
	char buf[4096];
	ssize_t n = udp_recv(fd, buf, sizeof buf, ms);
	return n >= 0 ? g_strndup(buf, (size_t)n) : NULL;
}

/* A gateway that moves registers again once its old association is out of service; while that one is
 * up, the same mId from its new port is answered nothing. */
static void test_alg_gateway_moves(void)
{
	uint16_t pa = 0, pb = 0;
	int a = udp_socket("127.0.0.1", &pa), b = udp_socket("127.0.0.1", &pb);
	CU_ASSERT_TRUE_FATAL(a >= 0 && b >= 0);
	udp_connect(a, fake.h248), udp_connect(b, fake.h248);
	char *restart_a = g_strdup_printf(restart, 7u, 11u), *restart_b = g_strdup_printf(restart, 7u, 12u);
	char *r1 = exchange(a, restart_a, 2000), *r2 = exchange(b, restart_b, 500);
	CU_ASSERT_TRUE(r1 && strstr(r1, "ServiceChange = ROOT") && !strstr(r1, "Error"));
	CU_ASSERT_PTR_NULL(r2); /* registered from a's port: not a takeover */
	const char graceful[] =
	    "MEGACO/3 [127.0.0.1]:7\nTransaction = %u { Context = - { ServiceChange = ROOT { "
	    "Services { Method = Graceful, Reason = \"905 Termination taken out of service\" } } } }";
	char *ga = g_strdup_printf(graceful, 13u), *gb = g_strdup_printf(graceful, 14u);
	char *r3 = exchange(a, ga, 2000);
	CU_ASSERT_TRUE(r3 && strstr(r3, "ServiceChange = ROOT"));
	char *r4 = exchange(b, restart_b, 2000); /* now the move is a registration the configuration allows */
	CU_ASSERT_TRUE(r4 && strstr(r4, "ServiceChange = ROOT") && !strstr(r4, "Error"));
	char *r5 = exchange(b, gb, 2000); /* out of service again: no call picks it */
	CU_ASSERT_TRUE(r5 && strstr(r5, "ServiceChange = ROOT"));
	close(a), close(b);
	g_free(r1), g_free(r2), g_free(r3), g_free(r4), g_free(r5), g_free(ga), g_free(gb), g_free(restart_a),
	    g_free(restart_b);
}

/* A gateway from an address h248.gateways does not name cannot register. */
static void test_alg_unlisted_gateway(void)
{
	char *sc = g_strdup_printf(restart, 2944u, 5);
	char *r = send_from("127.0.0.9", fake.h248, sc, 500);
	CU_ASSERT_PTR_NULL(r);
	g_free(r), g_free(sc);
}

static int up(void)
{
	if (!sippeer_open(&ue, false) || !sippeer_open(&core, false))
		return 1;
	if (!algrig_start(&alg, &(struct algrig_opts){ .next_hop = core.port,
						       .access_ports = "29800-29849",
						       .core_ports = "29850-29899" }))
		return 1;
	/* the played gateways: the only ones the second ALG accepts, by address, port and mId */
	for (int i = 0; i < 2; i++)
		gw[i] = udp_socket("127.0.0.1", &gw_port[i]);
	char *entry =
	    g_strdup_printf("--h248-gateways=[127.0.0.1]:%u@127.0.0.1:%u,[127.0.0.1]:%u@127.0.0.1:%u,"
			    "[127.0.0.1]:7@127.0.0.1",
			    gw_port[0], gw_port[0], gw_port[1], gw_port[1]);
	bool ok = algrig_start(
	    &fake, &(struct algrig_opts){ .next_hop = core.port,
					  .alg = (const char *const[]){ entry, "--h248-audit=0", "--h248-inactivity=0", NULL } });
	g_free(entry);
	if (!ok || gw[0] < 0 || gw[1] < 0)
		return 1;
	usleep(200000);
	for (int i = 0; i < 2 && ok; i++) {
		char *sc = g_strdup_printf(restart, gw_port[i], 1);
		udp_connect(gw[i], fake.h248);
		send(gw[i], sc, strlen(sc), 0);
		g_free(sc);
		unsigned tid;
		int which;
		char *answer = gw_recv(3000, &tid, ~0u, &which);
		ok = answer && strstr(answer, "ServiceChange = ROOT") && which == i;
		g_free(answer);
	}
	return ok && algrig_register(&alg, &ue, "a", false) && algrig_register(&fake, &ue, "a", false) ? 0
												       : 1;
}

static int down(void)
{
	bool a = algrig_stop(&alg), b = algrig_stop(&fake);
	sippeer_close(&ue), sippeer_close(&core);
	close(gw[0]), close(gw[1]);
	return a && b ? 0 : 1;
}

int main(void)
{
	static const struct rig_test tests[] = {
		{ "ims-agw: a Subtract from another port, address or mId is not executed",
		  test_agw_subtract_from_elsewhere },
		{ "ims-agw: contexts and terminations over the limits refused with 510", test_agw_limits },
		{ "ims-alg: a stranger's ServiceChange with the gateway's mId takes nothing over",
		  test_alg_hijack },
		{ "ims-alg: a stranger's Notify tlsbsc/fail releases no call", test_alg_stranger_notify },
		{ "ims-alg: a Reply from elsewhere than the request went is ignored",
		  test_alg_reply_from_elsewhere },
		{ "ims-alg: a gateway h248.gateways does not name cannot register",
		  test_alg_unlisted_gateway },
		{ "ims-alg: a gateway moves once its old association is out of service",
		  test_alg_gateway_moves },
		{ NULL, NULL },
	};
	return rig_cunit_main("the H.248 association is a pairing", up, down, tests);
}
