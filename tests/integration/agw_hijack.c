/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-agw's legs go to the right peer (issue 26), probed from 127.0.0.9, an address the gateway was not
 * configured for and no SDP names, with the default configuration (leg.source_filter on):
 *   - the core-leg hijack: a stranger connects to the core leg before the answer (seed 004 step 10). Its
 *     connection is held: the gateway does not connect to the UE, nothing is read or relayed. The Modify
 *     giving the core's Remote (steps 13-15) resets it and notifies tcpbcc/fail with the reason; the real
 *     core, which connected meanwhile, then gets the leg, the gateway connects to the UE (step 11, after
 *     step 13 as the seed's NOTE allows) and the UE's bytes reach the real core, not one the stranger.
 *   - a silent connection on a passive TLS leg (the terminating case, no Remote yet): tlsbsc/fail with
 *     "handshake timeout" within tls.handshake_timeout, where it once held the leg forever.
 *   - a DTLS handshake that stalls after the stranger's ClientHello (GnuTLS as the client, never called
 *     again): tlsbsc/fail with "handshake timeout" likewise.
 *   - a UDP datagram from a stranger on a leg whose Remote is known is dropped; the Remote's crosses.
 *   - ports are drawn at random in the realm: two Adds in a row in a range of 100 do not get
 *     consecutive ports every time (with next-fit they always did).
 *   - a Modify moves the Remote of a plain leg already connected (a 200 from another fork than the 183
 *     the leg acted on): the old peer is reset and the leg follows the Remote, connecting to it or
 *     listening for its address only, while the UE's connection stays; bytes then cross with the new
 *     peer. Before, the relay went on with a peer no SDP named any more. */
#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <gnutls/dtls.h>
#include <gnutls/gnutls.h>
#include <errno.h>
#include <glib.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rig.h"

static struct rig *rig;

static int up(void)
{
	rig = rig_start((const char *const[]){ "--realm-access-ports", "23400-23499", "--realm-core-ports",
					       "24400-24499", "--tls-handshake-timeout", "1000", NULL });
	return rig ? 0 : 1;
}

static int down(void)
{
	return rig_stop(rig) == 0 ? 0 : 1;
}

static void subtract(unsigned ctx)
{
	char *r = rig_requestf(rig, "Context = %u { Subtract = * }", ctx);
	CU_ASSERT_TRUE(r && !strstr(r, "Error"));
	g_free(r);
	char *n;
	while ((n = rig_notify(rig, 200)))
		g_free(n);
}

static void test_core_hijack(void)
{
	uint16_t ue_port = 0;
	int ue_l = tcp_listen(&ue_port);
	/* seed 004 steps 2-7: the core leg (actpass, no Remote before the answer), the UE's leg (active) */
	char *core = rig_requestf(
	    rig, "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = core },\n"
		 "Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:actpass\n} } },\n"
		 "Events = 3 { tcpbcc/up, tcpbcc/fail } } }");
	unsigned ctx = rig_number_after(core, "Context = "), co = rig_number_after(core, "Add = co/");
	uint16_t core_port = (uint16_t)rig_local_port(core);
	char *access = rig_requestf(
	    rig,
	    "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access },\n"
	    "Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:active\n},\n"
	    "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message %u TCP/MSRP *\n} } } } }",
	    ctx, ue_port);
	CU_ASSERT_TRUE_FATAL(ctx && co && core_port && access && strstr(access, "Add = ac/"));

	/* step 10, by a stranger first, then by the real core */
	bool connected = false;
	int stranger = tcp_connect_at("127.0.0.9", 0, core_port, 2000, &connected);
	CU_ASSERT_TRUE_FATAL(stranger >= 0 && connected);
	int real = tcp_connect_at("127.0.0.1", 0, core_port, 2000, &connected);
	CU_ASSERT_TRUE(real >= 0);
	CU_ASSERT_EQUAL(send(stranger, "hello", 5, MSG_NOSIGNAL), 5);
	/* held: the gateway does not connect to the UE on the stranger's word, and notifies nothing */
	const char secret[] = "MSRP a1 SEND\r\nTo-Path: msrp://b\r\n\r\nthe UE's media\r\n-------a1$\r\n";
	int ue = tcp_accept(ue_l, 500);
	CU_ASSERT_EQUAL(ue, -1);
	if (ue >= 0) /* it did (the first connection won the leg): the UE's media would go to the stranger */
		CU_ASSERT_EQUAL(send(ue, secret, sizeof secret - 1, MSG_NOSIGNAL),
				(ssize_t)sizeof secret - 1);
	char *early = rig_notify(rig, 100);
	CU_ASSERT_PTR_NULL(early);

	/* steps 13-15: the answer names the core's address */
	char *mod = rig_requestf(rig,
				 "Context = %u { Modify = co/%u { Media { Stream = 1 { Remote {\n"
				 "v=0\nc=IN IP4 127.0.0.1\nm=message 9 TCP/MSRP *\na=setup:active\n} } } } }",
				 ctx, co);
	CU_ASSERT_TRUE(mod && !strstr(mod, "Error"));
	char *fail = rig_notify(rig, 2000);
	CU_ASSERT_TRUE(fail &&
		       strstr(fail, "T : tcpbcc/fail {\n          reason = \"connection from "
				    "127.0.0.9:") &&
		       strstr(fail, "refused: not the Remote 127.0.0.1:9\""));
	if (fail && !strstr(fail, "127.0.0.9"))
		fprintf(stderr, "\n%s\n", fail);
	char got[128];
	ssize_t r = tcp_read_all(stranger, got, sizeof got, 1000);
	CU_ASSERT_TRUE(r == -ECONNRESET || r == 0); /* reset, not one byte */
	if (r > 0)
		fprintf(stderr, "\n    the stranger received %zd bytes of the UE's\n", r);

	/* the real core gets the leg: the gateway connects to the UE, and bytes cross both ways */
	CU_ASSERT_TRUE(connected || tcp_wait_connected(real, 3000));
	if (ue < 0)
		ue = tcp_accept(ue_l, 3000);
	CU_ASSERT_TRUE_FATAL(ue >= 0);
	CU_ASSERT_EQUAL(send(ue, secret, sizeof secret - 1, MSG_NOSIGNAL), (ssize_t)sizeof secret - 1);
	CU_ASSERT_EQUAL(tcp_read_all(real, got, sizeof secret - 1, 2000), (ssize_t)sizeof secret - 1);
	CU_ASSERT_EQUAL(memcmp(got, secret, sizeof secret - 1), 0);
	CU_ASSERT_EQUAL(send(real, "pong", 4, MSG_NOSIGNAL), 4);
	CU_ASSERT_EQUAL(tcp_read_all(ue, got, 4, 2000), 4);
	/* nothing of the stranger's crossed (its "hello" was never read) */
	CU_ASSERT_EQUAL(memcmp(got, "pong", 4), 0);
	subtract(ctx);
	close(stranger), close(real), close(ue), close(ue_l);
	g_free(core), g_free(access), g_free(early), g_free(mod), g_free(fail);
}

static void test_silent_tls(void)
{
	/* the terminating case: a passive TLS leg, its Remote (and fingerprint) not known yet */
	char *access = rig_requestf(
	    rig,
	    "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access }, Local {\n"
	    "v=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP *\na=setup:passive\na=fingerprint:$\n} } },\n"
	    "Events = 6 { tlsbsc/up, tlsbsc/fail } } }");
	unsigned ctx = rig_number_after(access, "Context = ");
	uint16_t port = (uint16_t)rig_local_port(access);
	CU_ASSERT_TRUE_FATAL(ctx && port);
	bool connected = false;
	int silent = tcp_connect_at("127.0.0.9", 0, port, 2000, &connected);
	CU_ASSERT_TRUE_FATAL(silent >= 0 && connected);
	gint64 t0 = g_get_monotonic_time();
	char *n = rig_notify(rig, 3000); /* tls.handshake_timeout is 1 s in this rig */
	gint64 ms = (g_get_monotonic_time() - t0) / 1000;
	CU_ASSERT_TRUE(n && strstr(n, "T : tlsbsc/fail {\n          reason = \"handshake timeout\""));
	CU_ASSERT(ms >= 800 && ms <= 2500);
	fprintf(stderr, "\n    tlsbsc/fail after %" G_GINT64_FORMAT " ms of silence\n", ms);
	char got[8];
	CU_ASSERT(tcp_read_all(silent, got, sizeof got, 1000) <= 0); /* and the connection ended */
	subtract(ctx);
	close(silent);
	g_free(access), g_free(n);
}

static ssize_t deaf_pull(gnutls_transport_ptr_t p, void *data, size_t n)
{
	(void)p, (void)data, (void)n;
	errno = EAGAIN;
	return -1;
}

static int deaf_wait(gnutls_transport_ptr_t p, unsigned ms)
{
	(void)p, (void)ms;
	return 0;
}

static void test_stalled_dtls(void)
{
	char *access = rig_requestf(
	    rig,
	    "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access }, Local {\n"
	    "v=0\nc=IN IP4 $\nm=image $ UDP/DTLS t38\na=setup:passive\na=fingerprint:$\n} } },\n"
	    "Events = 6 { tlsbsc/up, tlsbsc/fail } } }");
	unsigned ctx = rig_number_after(access, "Context = ");
	uint16_t port = (uint16_t)rig_local_port(access), mine = 0;
	CU_ASSERT_TRUE_FATAL(ctx && port);
	int fd = udp_socket("127.0.0.9", &mine);
	udp_connect(fd, port);
	/* one ClientHello from a real DTLS client, and then silence */
	gnutls_session_t s;
	gnutls_certificate_credentials_t cred;
	gnutls_certificate_allocate_credentials(&cred);
	gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_DATAGRAM | GNUTLS_NONBLOCK);
	gnutls_set_default_priority(s);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_transport_set_int(s, fd);
	gnutls_transport_set_pull_function(s, deaf_pull); /* it sends, and never reads an answer */
	gnutls_transport_set_pull_timeout_function(s, deaf_wait);
	int hs = gnutls_handshake(s);
	CU_ASSERT_EQUAL(hs, GNUTLS_E_AGAIN);
	if (hs != GNUTLS_E_AGAIN)
		fprintf(stderr, "\n    the client: %s\n", gnutls_strerror(hs));
	gint64 t0 = g_get_monotonic_time();
	char *n = rig_notify(rig, 3000);
	gint64 ms = (g_get_monotonic_time() - t0) / 1000;
	CU_ASSERT_TRUE(n && strstr(n, "T : tlsbsc/fail {\n          reason = \"handshake timeout\""));
	CU_ASSERT(ms >= 800 && ms <= 2500);
	fprintf(stderr, "\n    tlsbsc/fail %" G_GINT64_FORMAT " ms after the ClientHello\n", ms);
	gnutls_deinit(s);
	gnutls_certificate_free_credentials(cred);
	subtract(ctx);
	close(fd);
	g_free(access), g_free(n);
}

static bool relayed(int from, uint16_t to, int core, const char *what)
{
	struct sockaddr_in b = { .sin_family = AF_INET, .sin_port = htons(to) };
	inet_pton(AF_INET, "127.0.0.1", &b.sin_addr);
	size_t n = strlen(what);
	char in[64];
	sendto(from, what, n, 0, (struct sockaddr *)&b, sizeof b);
	return udp_recv(core, in, sizeof in, 300) == (ssize_t)n && !memcmp(in, what, n);
}

static void test_udp_stranger(void)
{
	uint16_t core_peer = 0, ue_port = 0, stranger_port = 0;
	int core = udp_socket("127.0.0.1", &core_peer);
	int ue = udp_socket("127.0.0.1", &ue_port);
	int stranger = udp_socket("127.0.0.9", &stranger_port);
	char *c = rig_requestf(
	    rig,
	    "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = core },\n"
	    "Local {\nv=0\nc=IN IP4 $\nm=image $ UDP t38\n},\nRemote {\nv=0\nc=IN IP4 127.0.0.1\n"
	    "m=image %u UDP t38\n} } } } }",
	    core_peer);
	unsigned ctx = rig_number_after(c, "Context = ");
	char *a = rig_requestf(
	    rig,
	    "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access },\n"
	    "Local {\nv=0\nc=IN IP4 $\nm=image $ UDP t38\n},\nRemote {\nv=0\nc=IN IP4 127.0.0.1\n"
	    "m=image %u UDP t38\n} } } } }",
	    ctx, ue_port);
	uint16_t access_port = (uint16_t)rig_local_port(a);
	CU_ASSERT_TRUE_FATAL(ctx && access_port);
	/* no gm/saf asked for: the gateway's own filter, on by default */
	CU_ASSERT_FALSE(relayed(stranger, access_port, core, "from a stranger"));
	CU_ASSERT_TRUE(relayed(ue, access_port, core, "from the UE"));
	CU_ASSERT_FALSE(relayed(stranger, access_port, core, "from a stranger"));
	subtract(ctx);
	close(core), close(ue), close(stranger);
	g_free(c), g_free(a);
}

static unsigned core_add(unsigned ctx, unsigned *port)
{
	char *r =
	    ctx ? rig_requestf(rig,
			       "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = "
			       "core },\nLocal {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\n} } } } }",
			       ctx)
		: rig_requestf(rig, "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { "
				    "ipdc/realm = core },\nLocal {\nv=0\nc=IN IP4 $\nm=message $ "
				    "TCP/MSRP *\n} } } } }");
	*port = rig_local_port(r);
	unsigned c = rig_number_after(r, "Context = ");
	g_free(r);
	return c;
}

static void test_ports_unpredictable(void)
{
	enum { TRIES = 20 };
	unsigned consecutive = 0, in_range = 0;
	for (unsigned i = 0; i < TRIES; i++) {
		unsigned p1, p2, ctx = core_add(0, &p1);
		CU_ASSERT_FATAL(ctx != 0);
		core_add(ctx, &p2);
		in_range += p1 >= 24400 && p1 <= 24499 && p2 >= 24400 && p2 <= 24499 && p1 != p2;
		consecutive += p2 == p1 + 1 || (p1 == 24499 && p2 == 24400);
		subtract(ctx);
	}
	fprintf(stderr, "\n    consecutive ports in %u of %u pairs of Adds\n", consecutive, TRIES);
	CU_ASSERT_EQUAL(in_range, TRIES);
	/* drawn at random among ~99 free ports, a pair is consecutive with p ~ 1/99: 10 or more of 20 has a
	 * probability below 1e-13; next-fit gives 20 of 20 */
	CU_ASSERT(consecutive < TRIES / 2);
}

/* what, sent on from, arrives whole on to within two seconds. */
static bool crosses(int from, int to, const char *what)
{
	size_t n = strlen(what);
	char got[64];
	return send(from, what, n, MSG_NOSIGNAL) == (ssize_t)n &&
	       tcp_read_all(to, got, n, 2000) == (ssize_t)n && !memcmp(got, what, n);
}

/* A context relaying the UE's passive leg (Remote: active, port 9) and a core leg whose Local says
 * core_setup and whose Remote is remote; *ue and *core connected through it (the core's socket made by
 * connect_core, or accepted on core_l), and what the UE sends crossing. */
struct moved {
	unsigned ctx, co;
	uint16_t core_port;
	int ue, core;
};

static void relay_up(struct moved *m, const char *core_setup, const char *remote, int core_l)
{
	char *access = rig_requestf(
	    rig, "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access },\n"
		 "Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:passive\n},\n"
		 "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message 9 TCP/MSRP *\na=setup:active\n} } },\n"
		 "Events = 4 { tcpbcc/fail } } }");
	m->ctx = rig_number_after(access, "Context = ");
	uint16_t access_port = (uint16_t)rig_local_port(access);
	char *core = rig_requestf(
	    rig,
	    "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = core },\n"
	    "Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:%s\n},\nRemote {\nv=0\n%s\n} } },\n"
	    "Events = 5 { tcpbcc/fail } } }",
	    m->ctx, core_setup, remote);
	m->co = rig_number_after(core, "Add = co/");
	m->core_port = (uint16_t)rig_local_port(core);
	CU_ASSERT_TRUE_FATAL(m->ctx && m->co && access_port);
	bool up;
	if (core_l >= 0) {
		CU_ASSERT_TRUE_FATAL(tcp_through(access_port, core_l, &m->ue, &m->core));
	} else {
		m->ue = tcp_connect_from(0, access_port, 2000, &up);
		CU_ASSERT_TRUE_FATAL(m->ue >= 0 && (up || tcp_wait_connected(m->ue, 2000)));
		m->core = tcp_connect_at("127.0.0.1", 0, m->core_port, 2000, &up);
		CU_ASSERT_TRUE_FATAL(m->core >= 0 && (up || tcp_wait_connected(m->core, 2000)));
	}
	CU_ASSERT_TRUE(crosses(m->ue, m->core, "MSRP a1 SEND\r\n"));
	g_free(core), g_free(access);
}

/* A Remote's SDP lines: a passive MSRP peer on 127.0.0.1:port (g_free it). */
static char *passive_at(uint16_t port)
{
	return g_strdup_printf("c=IN IP4 127.0.0.1\nm=message %u TCP/MSRP *\na=setup:passive", port);
}

/* The Modify that moves the core leg's Remote. */
static void move_remote(const struct moved *m, const char *remote)
{
	char *mod = rig_requestf(
	    rig, "Context = %u { Modify = co/%u { Media { Stream = 1 { Remote {\nv=0\n%s\n} } } } }", m->ctx,
	    m->co, remote);
	CU_ASSERT_TRUE(mod && !strstr(mod, "Error"));
	g_free(mod);
}

/* The gateway connected to the first Remote; the Modify names another: the first peer is reset, the
 * leg connects to the new one, the UE's connection stays, and bytes cross both ways with the new peer,
 * no notification (nothing failed: the leg does what the MGC said). */
static void test_remote_moves_connected(void)
{
	uint16_t first_port = 0, second_port = 0;
	int first_l = tcp_listen(&first_port), second_l = tcp_listen(&second_port);
	char *remote = passive_at(first_port), *moved = passive_at(second_port);
	struct moved m;
	relay_up(&m, "active", remote, first_l);
	move_remote(&m, moved);
	CU_ASSERT_TRUE(tcp_ended(m.core, 1000));
	int second = tcp_accept(second_l, 2000);
	CU_ASSERT_TRUE_FATAL(second >= 0);
	CU_ASSERT_TRUE(crosses(m.ue, second, "MSRP a2 SEND\r\n"));
	CU_ASSERT_TRUE(crosses(second, m.ue, "MSRP a2 200 OK\r\n"));
	char *n = rig_notify(rig, 300);
	CU_ASSERT_PTR_NULL(n);
	subtract(m.ctx);
	close(m.ue), close(m.core), close(second), close(first_l), close(second_l);
	g_free(n), g_free(moved), g_free(remote);
}

/* The core connected to the gateway's passive leg from the first Remote's address; the Modify names
 * another address: that connection is reset, the leg listens for the new address only (the old one's
 * next SYN dropped), the UE's connection stays, and the new peer's connection is relayed. */
static void test_remote_moves_accepted(void)
{
	struct moved m;
	relay_up(&m, "passive", "c=IN IP4 127.0.0.1\nm=message 9 TCP/MSRP *\na=setup:active", -1);
	move_remote(&m, "c=IN IP4 127.0.0.2\nm=message 9 TCP/MSRP *\na=setup:active");
	CU_ASSERT_TRUE(tcp_ended(m.core, 1000));
	bool up;
	int old = tcp_connect_at("127.0.0.1", 0, m.core_port, 2000, &up);
	CU_ASSERT_FALSE(up || tcp_wait_connected(old, 300));
	int second = tcp_connect_at("127.0.0.2", 0, m.core_port, 2000, &up);
	CU_ASSERT_TRUE_FATAL(second >= 0 && (up || tcp_wait_connected(second, 2000)));
	CU_ASSERT_TRUE(crosses(m.ue, second, "MSRP a2 SEND\r\n"));
	CU_ASSERT_TRUE(crosses(second, m.ue, "MSRP a2 200 OK\r\n"));
	subtract(m.ctx);
	close(m.ue), close(m.core), close(old), close(second);
}

/* The first peer closed before the Modify moved the Remote (a losing fork's end comes first), and the
 * gateway passed its end on to the UE: the relay cannot follow any more, so the leg ends with tcpbcc/fail
 * naming both addresses, and the UE's connection closes. */
static void test_remote_moves_after_close(void)
{
	uint16_t first_port = 0, second_port = 0;
	int first_l = tcp_listen(&first_port), second_l = tcp_listen(&second_port);
	char *remote = passive_at(first_port), *moved = passive_at(second_port);
	struct moved m;
	relay_up(&m, "active", remote, first_l);
	shutdown(m.core, SHUT_WR);
	CU_ASSERT_TRUE(tcp_ended(m.ue, 2000)); /* the FIN passed on */
	move_remote(&m, moved);
	char *fail = rig_notify(rig, 2000),
	     *reason = g_strdup_printf("tcpbcc/fail {\n          reason = \"the Remote moved to 127.0.0.1:%u "
				       "from the connected peer 127.0.0.1:%u\"",
				       second_port, first_port);
	CU_ASSERT_TRUE(fail && strstr(fail, reason));
	CU_ASSERT_TRUE(tcp_ended(m.core, 1000));
	CU_ASSERT_EQUAL(tcp_accept(second_l, 300), -1);
	subtract(m.ctx);
	close(m.ue), close(m.core), close(first_l), close(second_l);
	g_free(reason), g_free(fail), g_free(moved), g_free(remote);
}

int main(void)
{
	static const struct rig_test tests[] = {
		{ "core-leg hijack before the answer: held, reset at the Modify, tcpbcc/fail",
		  test_core_hijack },
		{ "a silent connection on a passive TLS leg: tlsbsc/fail, handshake timeout",
		  test_silent_tls },
		{ "a DTLS handshake stalled after the ClientHello: tlsbsc/fail, handshake timeout",
		  test_stalled_dtls },
		{ "a UDP datagram from a stranger on a leg with a Remote: dropped", test_udp_stranger },
		{ "ports drawn at random in the realm", test_ports_unpredictable },
		{ "a connected leg's Remote moves: the leg connects to the new one, the UE's stays",
		  test_remote_moves_connected },
		{ "an accepted leg's Remote moves: the leg listens for the new address, the UE's stays",
		  test_remote_moves_accepted },
		{ "a leg's Remote moves after the old peer's end passed on: tcpbcc/fail, the relay ends",
		  test_remote_moves_after_close },
		{ NULL, NULL },
	};
	return rig_cunit_main("agw legs go to the right peer", up, down, tests);
}
