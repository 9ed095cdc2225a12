/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-agw's UDP legs and DTLS (TS 23.334 §6.2.10.4: T.38 over UDPTL, DTLS toward the UE), against GnuTLS
 * UEs with their own certificates and plain UDP core peers, all on loopback:
 *   - originating, the gateway the DTLS client (the UE answered passive; tlsbsc/est): the exact Add reply,
 *     the UE checks the gateway's certificate, tlsbsc/up, UDPTL packets cross byte-exact both ways.
 *   - terminating, the gateway the DTLS server: the finished handshake is held until the Modify brings
 *     the UE's fingerprint; nothing crosses before.
 *   - fingerprint mismatch: an alert, tlsbsc/fail with the reason, and not one datagram relayed.
 *   - a lost flight: the UE drops the gateway's first ClientHello; the gateway's retransmission timer
 *     sends it again and the handshake completes.
 *   - a reordered flight: the UE's certificate flight in small fragments, each pair sent swapped.
 *   - 100,000 UDPTL packets through the DTLS leg arrive complete and in order.
 *   - plain UDP: latching onto the source a NAT would give, and a spoofed source filtered (gm/saf).
 *   - refusals: TCP events on a UDP termination (512), tlsbsc/est without DTLS (473).
 *   - openssl s_client -dtls1_2 as the UE, the gateway the DTLS server: on Subtract the UE receives the
 *     gateway's close_notify. */
#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/dtls.h>

#include "outside.h"
#include "payload.h"
#include "rig.h"
#include "tlspeer.h"

static struct rig *rig;
static struct tls_identity ue;

static int up(void)
{
	char *err = NULL;
	if (!tls_identity_init(&ue, NULL, NULL, "UE A", &err))
		return 1;
	rig = rig_start((const char *const[]){ "--realm-access-ports", "27000-27099", "--realm-core-ports",
					       "28000-28099", "--tls-hold-timeout", "1500", NULL });
	return rig ? 0 : 1;
}

static int down(void)
{
	tls_identity_clear(&ue);
	return rig_stop(rig) == 0 ? 0 : 1;
}

/* A context with a core UDP leg toward core_port and an access UDP/DTLS leg: the gateway's a=setup,
 * the UE's Remote (port 0: none yet) with fingerprint fp. */
struct call {
	unsigned ctx, ac, co;
	uint16_t access_port, core_port;
	char *access, *fp;
};

/* A new context with its core leg: plain UDP toward the core peer's port. */
static void add_core(struct call *c, uint16_t core_peer)
{
	char *core = rig_requestf(
	    rig,
	    "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = core }, Local {\n"
	    "v=0\nc=IN IP4 $\nm=image $ UDP t38\n},\nRemote {\nv=0\nc=IN IP4 127.0.0.1\n"
	    "m=image %u UDP t38\n} } } } }",
	    core_peer);
	c->ctx = rig_number_after(core, "Context = ");
	c->co = rig_number_after(core, "Add = co/");
	c->core_port = (uint16_t)rig_local_port(core);
	g_free(core);
}

static bool call_add(struct call *c, uint16_t core_peer, const char *setup, uint16_t ue_port, const char *fp)
{
	add_core(c, core_peer);
	char remote[512] = "";
	if (ue_port)
		snprintf(remote, sizeof remote,
			 ",\nRemote {\nv=0\nc=IN IP4 127.0.0.1\nm=image %u UDP/DTLS t38\na=setup:%s\n"
			 "a=fingerprint:%s\n}",
			 ue_port, !strcmp(setup, "active") ? "passive" : "active", fp);
	c->access = rig_requestf(
	    rig,
	    "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access },\n"
	    "Local {\nv=0\nc=IN IP4 $\nm=image $ UDP/DTLS t38\na=setup:%s\na=fingerprint:$\n}%s } },\n"
	    "Events = 7 { tlsbsc/up, tlsbsc/fail } } }",
	    c->ctx, setup, remote);
	c->ac = rig_number_after(c->access, "Add = ac/");
	c->access_port = (uint16_t)rig_local_port(c->access);
	c->fp = rig_fingerprint(c->access);
	return c->ctx && c->ac && c->co && c->access_port && c->core_port;
}

/* Whether the next Notify (within 2 s) says what. */
static bool notified(const char *what)
{
	char *n = rig_notify(rig, 2000);
	bool yes = n && strstr(n, what);
	g_free(n);
	return yes;
}

static void call_end(struct call *c)
{
	g_free(rig_requestf(rig, "Context = %u { Subtract = * }", c->ctx));
	g_free(c->access), g_free(c->fp);
}

/* The context goes; the UE's session and both peers' sockets close. */
static void hang(struct call *c, gnutls_session_t s, int fd, int core)
{
	call_end(c);
	tlspeer_close(s, fd);
	close(core);
}

/* A UDPTL packet from the UE over DTLS to the core peer and one back: byte-exact. */
static bool cross(gnutls_session_t s, int core, uint16_t seq)
{
	uint8_t out[UDPTL_MAX], in[64];
	size_t n = payload_udptl(seq, T38_CED, out);
	if (!tlspeer_write(s, out, n) || udp_recv(core, in, sizeof in, 2000) != (ssize_t)n ||
	    memcmp(in, out, n))
		return false;
	n = payload_udptl(seq, T38_CNG, out);
	return send(core, out, n, 0) == (ssize_t)n && tlspeer_read(s, in, n, 2000) == (ssize_t)n &&
	       !memcmp(in, out, n);
}

/* Originating, the UE passive: the gateway is told tlsbsc/est and starts DTLS toward the UE's Remote. */
static void originating(struct call *c, int *core, int *fd)
{
	uint16_t core_port = 0, ue_port = 0;
	*core = udp_socket("127.0.0.1", &core_port);
	*fd = udp_socket("127.0.0.1", &ue_port);
	CU_ASSERT_TRUE_FATAL(call_add(c, core_port, "active", ue_port, ue.fingerprint));
	udp_connect(*core, c->core_port), udp_connect(*fd, c->access_port);
	char *r =
	    rig_requestf(rig, "Context = %u { Modify = ac/%u { Signals { tlsbsc/est } } }", c->ctx, c->ac);
	CU_ASSERT_PTR_NOT_NULL(strstr(r, "Modify = ac/"));
	g_free(r);
}

static void test_originating_client(void)
{
	struct call c;
	int core, fd;
	originating(&c, &core, &fd);
	char *want = g_strdup_printf(
	    "MEGACO/3 [127.0.0.1]:2944\nReply = N {\n  Context = %u {\n    Add = ac/%u {\n      Media {\n    "
	    "    Stream = 1 {\n"
	    "          Local {\nv=0\nc=IN IP4 127.0.0.1\nm=image %u UDP/DTLS t38\na=setup:active\n"
	    "a=fingerprint:%s\n}\n        }\n      }\n    }\n  }\n}\n",
	    c.ctx, c.ac, c.access_port, c.fp);
	GRegex *tid = g_regex_new("Reply = \\d+", 0, 0, NULL);
	char *got = g_regex_replace(tid, c.access, -1, 0, "Reply = N", 0, NULL);
	g_regex_unref(tid);
	CU_ASSERT_STRING_EQUAL(got, want);
	g_free(got), g_free(want);
	char why[160] = "";
	gnutls_session_t s = tlspeer_handshake(fd, false, &ue, c.fp, 3000, why); /* the UE is DTLS server */
	if (!s)
		fprintf(stderr, "\n    UE handshake: %s\n", why);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(notified("T : tlsbsc/up"));
	CU_ASSERT_TRUE(cross(s, core, 1));
	hang(&c, s, fd, core);
}

/* Terminating, the UE active: it opens DTLS before the gateway knows its fingerprint. A stray datagram
 * from elsewhere that is no DTLS handshake comes first: it must not become the session's peer. */
static gnutls_session_t terminating(struct call *c, int *core, int *fd)
{
	uint16_t core_port = 0, ue_port = 0;
	*core = udp_socket("127.0.0.1", &core_port);
	*fd = udp_socket("127.0.0.1", &ue_port);
	CU_ASSERT_TRUE(call_add(c, core_port, "passive", 0, NULL));
	udp_connect(*core, c->core_port);
	udp_connect(*fd, c->access_port);
	uint16_t stray_port = 0;
	int stray = udp_socket("127.0.0.2", &stray_port);
	uint8_t junk[UDPTL_MAX];
	udp_connect(stray, c->access_port);
	send(stray, junk, payload_udptl(0, T38_CNG, junk), 0);
	close(stray);
	char why[160] = "";
	gnutls_session_t s = tlspeer_handshake(*fd, true, &ue, c->fp, 3000, why);
	if (!s)
		fprintf(stderr, "\n    UE handshake: %s\n", why);
	return s;
}

static char *configure(const struct call *c, const char *fp)
{
	return rig_requestf(
	    rig,
	    "Context = %u { Modify = ac/%u { Media { Stream = 1 { Remote {\nv=0\n"
	    "c=IN IP4 127.0.0.1\nm=image 9 UDP/DTLS t38\na=setup:active\na=fingerprint:%s\n} } } } }",
	    c->ctx, c->ac, fp);
}

static void test_terminating_server_held(void)
{
	struct call c;
	int core, fd;
	gnutls_session_t s = terminating(&c, &core, &fd);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	uint8_t out[UDPTL_MAX], in[16];
	size_t n = payload_udptl(7, T38_CED, out);
	CU_ASSERT_TRUE(tlspeer_write(s, out, n));
	CU_ASSERT_EQUAL(udp_recv(core, in, sizeof in, 300), -1); /* held: nothing crosses */
	g_free(configure(&c, ue.fingerprint));
	CU_ASSERT_TRUE(notified("T : tlsbsc/up"));
	CU_ASSERT_TRUE(cross(s, core, 8));
	hang(&c, s, fd, core);
}

static void test_mismatch(void)
{
	struct tls_identity other;
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(tls_identity_init(&other, NULL, NULL, "someone else", &err));
	struct call c;
	int core, fd;
	gnutls_session_t s = terminating(&c, &core, &fd);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	g_free(configure(&c, other.fingerprint));
	CU_ASSERT_TRUE(notified("tlsbsc/fail {\n          reason = \"the peer certificate does not match the "
				"fingerprint\""));
	uint8_t out[UDPTL_MAX], in[16];
	size_t n = payload_udptl(9, T38_CED, out);
	tlspeer_write(s, out, n);
	CU_ASSERT(tlspeer_read(s, in, 1, 500) < 0);              /* the alert: bad_certificate */
	CU_ASSERT_EQUAL(udp_recv(core, in, sizeof in, 300), -1); /* not one datagram relayed */
	hang(&c, s, fd, core);
	tls_identity_clear(&other);
}

/* A UE transport that swaps each pair of datagrams it sends once the gateway answered (the odd one out
 * goes when it next waits): the gateway gets the certificate flight's fragments out of order. */
struct swapper {
	int fd;
	bool armed; /* from the second flight on */
	void *held;
	size_t n;
	unsigned swapped;
};

static void swap_flush(struct swapper *w)
{
	if (w->held)
		send(w->fd, w->held, w->n, 0);
	g_clear_pointer(&w->held, g_free);
}

static ssize_t swap_push(gnutls_transport_ptr_t p, const void *data, size_t n)
{
	struct swapper *w = p;
	if (!w->armed) { /* the ClientHello goes as it is: the server keeps no state before it */
		send(w->fd, data, n, 0);
		return (ssize_t)n;
	}
	if (!w->held) {
		w->held = g_memdup2(data, n), w->n = n;
		return (ssize_t)n;
	}
	send(w->fd, data, n, 0);
	swap_flush(w);
	w->swapped++;
	return (ssize_t)n;
}

static ssize_t swap_pull(gnutls_transport_ptr_t p, void *data, size_t n)
{
	struct swapper *w = p;
	swap_flush(w);
	ssize_t r = recv(w->fd, data, n, 0);
	w->armed |= r > 0;
	return r;
}

static int swap_wait(gnutls_transport_ptr_t p, unsigned ms)
{
	struct swapper *w = p;
	swap_flush(w);
	struct pollfd pf = { w->fd, POLLIN, 0 };
	return poll(&pf, 1, (int)ms);
}

/* Terminating, the UE the DTLS client with a small MTU, its fragments reordered: the gateway puts them
 * back together (RFC 6347 §4.2.2), and the session carries UDPTL. */
static void test_reordered(void)
{
	uint16_t core_port = 0, ue_port = 0;
	int core = udp_socket("127.0.0.1", &core_port), fd = udp_socket("127.0.0.1", &ue_port);
	struct call c;
	CU_ASSERT_TRUE_FATAL(call_add(&c, core_port, "passive", 0, NULL));
	udp_connect(core, c.core_port), udp_connect(fd, c.access_port);
	struct swapper w = { .fd = fd };
	gnutls_session_t s;
	gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_DATAGRAM);
	gnutls_set_default_priority(s);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, ue.cred);
	gnutls_transport_set_ptr(s, &w);
	gnutls_transport_set_push_function(s, swap_push);
	gnutls_transport_set_pull_function(s, swap_pull);
	gnutls_transport_set_pull_timeout_function(s, swap_wait);
	gnutls_dtls_set_mtu(s, 200); /* the certificate flight in several fragments */
	gnutls_handshake_set_timeout(s, 5000);
	int rc;
	do
		rc = gnutls_handshake(s);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc < 0)
		fprintf(stderr, "\n    UE handshake: %s\n", gnutls_strerror(rc));
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT(w.swapped >= 2); /* at least two pairs went out swapped */
	w.armed = false;           /* the packets after it go in order */
	g_free(configure(&c, ue.fingerprint));
	CU_ASSERT_TRUE(notified("T : tlsbsc/up"));
	CU_ASSERT_TRUE(cross(s, core, 11));
	gnutls_deinit(s);
	hang(&c, NULL, fd, core);
}

/* The UE loses the gateway's first ClientHello: the gateway sends it again after its timer (1 s). */
static void test_lost_flight(void)
{
	struct call c;
	int core, fd;
	originating(&c, &core, &fd);
	uint8_t lost[2048];
	gint64 t0 = g_get_monotonic_time();
	CU_ASSERT(udp_recv(fd, lost, sizeof lost, 2000) > 0); /* the first flight, dropped here */
	CU_ASSERT_EQUAL(lost[0], 22);                         /* a handshake record */
	char why[160] = "";
	gnutls_session_t s = tlspeer_handshake(fd, false, &ue, c.fp, 5000, why);
	gint64 took = (g_get_monotonic_time() - t0) / 1000;
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(took >= 800); /* it waited for the retransmission */
	CU_ASSERT_TRUE(notified("T : tlsbsc/up"));
	CU_ASSERT_TRUE(cross(s, core, 2));
	hang(&c, s, fd, core);
}

/* A DTLS leg that latches (a UE behind a NAT) latches onto the source of the ClientHello, not onto a
 * stray datagram that came first from elsewhere; the filter then keeps the stray source out. */
static void test_dtls_latch(void)
{
	uint16_t core_port = 0, ue_port = 0, stray_port = 0;
	int core = udp_socket("127.0.0.1", &core_port), fd = udp_socket("127.0.0.3", &ue_port);
	int stray = udp_socket("127.0.0.4", &stray_port);
	struct call c;
	CU_ASSERT_TRUE_FATAL(call_add(&c, core_port, "passive", 0, NULL));
	g_free(rig_requestf(
	    rig,
	    "Context = %u { Modify = ac/%u { Media { Stream = 1 { LocalControl { ipnapt/latch = on, "
	    "gm/saf = on, gm/spf = on } } } } }",
	    c.ctx, c.ac));
	udp_connect(core, c.core_port), udp_connect(fd, c.access_port), udp_connect(stray, c.access_port);
	uint8_t junk[UDPTL_MAX];
	send(stray, junk, payload_udptl(0, T38_CNG, junk), 0);
	char why[160] = "";
	gnutls_session_t s = tlspeer_handshake(fd, true, &ue, c.fp, 3000, why);
	if (!s)
		fprintf(stderr, "\n    UE handshake: %s\n", why);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	g_free(configure(&c, ue.fingerprint));
	CU_ASSERT_TRUE(notified("T : tlsbsc/up"));
	CU_ASSERT_TRUE(cross(s, core, 12));
	uint8_t in[16];
	send(stray, junk, payload_udptl(1, T38_CNG, junk), 0);
	CU_ASSERT_EQUAL(udp_recv(core, in, sizeof in, 300), -1); /* filtered: not the latched source */
	close(stray);
	hang(&c, s, fd, core);
}

/* 100,000 UDPTL packets from the UE through DTLS to the core peer, at most 64 on the way at once so that
 * no socket buffer overflows: every one arrives, in order. */
static void test_hundred_thousand(void)
{
	struct call c;
	int core, fd;
	gnutls_session_t s = terminating(&c, &core, &fd);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	g_free(configure(&c, ue.fingerprint));
	CU_ASSERT_TRUE(notified("T : tlsbsc/up"));
	enum { N = 100000, WINDOW = 64 };
	unsigned sent = 0, got = 0, bad = 0;
	gint64 t0 = g_get_monotonic_time(), deadline = t0 + 60 * G_USEC_PER_SEC;
	while (got < N && g_get_monotonic_time() < deadline) {
		while (sent < N && sent - got < WINDOW) {
			uint8_t out[UDPTL_MAX];
			size_t n = payload_udptl((uint16_t)sent, sent % 4, out);
			if (!tlspeer_write(s, out, n))
				break;
			sent++;
		}
		uint8_t in[64];
		ssize_t r = udp_recv(core, in, sizeof in, 1000);
		if (r < 0)
			break;
		uint8_t want[UDPTL_MAX];
		size_t n = payload_udptl((uint16_t)got, got % 4, want);
		bad += r != (ssize_t)n || memcmp(in, want, n);
		got++;
	}
	double secs = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
	fprintf(stderr, "\n    %u of %u UDPTL packets in order through DTLS in %.2f s (%.0f/s)\n", got - bad,
		N, secs, got / secs);
	CU_ASSERT_EQUAL(got, N);
	CU_ASSERT_EQUAL(bad, 0);
	hang(&c, s, fd, core);
}

/* Plain UDP both sides: the access leg's LocalControl (lc) and its Remote's address and port. */
static bool udp_call(struct call *c, uint16_t core_peer, const char *lc, const char *addr, uint16_t port)
{
	memset(c, 0, sizeof *c);
	add_core(c, core_peer);
	c->access = rig_requestf(
	    rig,
	    "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access%s },\n"
	    "Local {\nv=0\nc=IN IP4 $\nm=image $ UDP t38\n},\nRemote {\nv=0\nc=IN IP4 %s\n"
	    "m=image %u UDP t38\n} } } } }",
	    c->ctx, lc, addr, port);
	c->access_port = (uint16_t)rig_local_port(c->access);
	return c->ctx && c->access_port && c->core_port;
}

/* Sends one packet from fd to the gateway's port and says whether the core peer got it. */
static bool relayed(int fd, uint16_t to, int core, uint16_t seq)
{
	uint8_t out[UDPTL_MAX], in[16];
	size_t n = payload_udptl(seq, T38_V21_PREAMBLE, out);
	struct sockaddr_in b = { .sin_family = AF_INET, .sin_port = htons(to) };
	inet_pton(AF_INET, "127.0.0.1", &b.sin_addr);
	sendto(fd, out, n, 0, (struct sockaddr *)&b, sizeof b);
	return udp_recv(core, in, sizeof in, 300) == (ssize_t)n && !memcmp(in, out, n);
}

/* The UE is behind a NAT: its SDP names 10.0.0.2:5000, its packets come from 127.0.0.3 (the NAT's
 * address here). The gateway latches onto that source, answers there, and filters everything else. */
static void test_latch(void)
{
	uint16_t core_port = 0, ue_port = 0, spoof_port = 0;
	int core = udp_socket("127.0.0.1", &core_port);
	int nat = udp_socket("127.0.0.3", &ue_port);
	int spoof = udp_socket("127.0.0.4", &spoof_port);
	struct call c;
	CU_ASSERT_TRUE_FATAL(
	    udp_call(&c, core_port, ", ipnapt/latch = on, gm/saf = on, gm/spf = on", "10.0.0.2", 5000));
	udp_connect(core, c.core_port);
	CU_ASSERT_TRUE(relayed(nat, c.access_port, core, 1)); /* latched */
	uint8_t out[UDPTL_MAX], in[16];
	size_t n = payload_udptl(2, T38_CNG, out);
	send(core, out, n, 0);
	CU_ASSERT_EQUAL(udp_recv(nat, in, sizeof in, 1000), (ssize_t)n); /* to the latched address */
	CU_ASSERT_FALSE(relayed(spoof, c.access_port, core, 3));         /* spoofed: dropped */
	CU_ASSERT_TRUE(relayed(nat, c.access_port, core, 4));
	call_end(&c);
	close(core), close(nat), close(spoof);
}

/* No latching: only the Remote's address and port get in (gm/saf, gm/spf). */
static void test_source_filter(void)
{
	uint16_t core_port = 0, ue_port = 0, other_port = 0, spoof_port = 0;
	int core = udp_socket("127.0.0.1", &core_port);
	int fd = udp_socket("127.0.0.1", &ue_port);
	int other = udp_socket("127.0.0.1", &other_port);
	int spoof = udp_socket("127.0.0.2", &spoof_port);
	struct call c;
	CU_ASSERT_TRUE_FATAL(udp_call(&c, core_port, ", gm/saf = on, gm/spf = on", "127.0.0.1", ue_port));
	udp_connect(core, c.core_port);
	CU_ASSERT_FALSE(relayed(spoof, c.access_port, core, 1)); /* another address */
	CU_ASSERT_FALSE(relayed(other, c.access_port, core, 2)); /* the address, another port */
	CU_ASSERT_TRUE(relayed(fd, c.access_port, core, 3));
	call_end(&c);
	close(core), close(fd), close(other), close(spoof);
}

static void test_refusals(void)
{
	char *r =
	    rig_requestf(rig, "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = "
			      "core }, Local {\nv=0\nc=IN IP4 $\nm=image $ UDP t38\n} } },\n"
			      "Events = 1 { tcpbcc/fail } } }");
	CU_ASSERT_PTR_NOT_NULL(strstr(
	    r, "Add = $ {\n      Error = 512 {\n        \"the gateway cannot detect tcpbcc/fail\"\n      }"));
	g_free(r);
	r = rig_requestf(rig, "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = "
			      "access }, Local {\nv=0\nc=IN IP4 $\nm=image $ UDP t38\n} } },\n"
			      "Signals { tlsbsc/est } } }");
	CU_ASSERT_PTR_NOT_NULL(strstr(
	    r, "Add = $ {\n      Error = 473 {\n        \"tlsbsc/est on a termination without TLS\"\n      }"));
	g_free(r);
}

/* RFC 6347 §4.1 (RFC 5246 §7.2.1): the DTLS session ends with close_notify, here on Subtract. */
static void test_close_notify_openssl(void)
{
	if (!outside_have((const char *const[]){ "openssl", "certtool", NULL }))
		return;
	char *d = g_dir_make_tmp("agw-dtls-XXXXXX", NULL);
	struct tls_identity id;
	CU_ASSERT_TRUE_FATAL(outside_identity(d, "UE A", &id));
	uint16_t core_peer = 0, ue_port = bed_free_ports(1);
	int core = udp_socket("127.0.0.1", &core_peer);
	struct call c = { 0 };
	CU_ASSERT_TRUE_FATAL(call_add(&c, core_peer, "passive", ue_port, id.fingerprint));
	char to[32], from[32], *cert = g_build_filename(d, "cert.pem", NULL),
			       *key = g_build_filename(d, "key.pem", NULL);
	snprintf(to, sizeof to, "127.0.0.1:%u", c.access_port);
	snprintf(from, sizeof from, "127.0.0.1:%u", ue_port);
	struct outside cli;
	CU_ASSERT_TRUE_FATAL(outside_start(
	    &cli,
	    (const char *const[]){ "openssl", "s_client", "-dtls1_2", "-connect", to, "-bind", from, "-cert",
				   cert, "-key", key, "-msg", "-nocommands", NULL },
	    false));
	CU_ASSERT_TRUE(notified("tlsbsc/up"));
	call_end(&c);
	/* OpenSSL 3.0 prints a DTLS record it received as "Not TLS data" with its bytes: an alert (content
	 * type 21) of two bytes, warning (1) close_notify (0); later versions name it */
	bool seen = outside_msg(&cli, "<<<", "close_notify", 2000);
	const char *a = strstr(cli.seen->str, "<<< Not TLS data or unknown version (version=65277, "
					      "content_type=21) [length 0002]\n    01 00\n");
	CU_ASSERT_TRUE(seen || a);
	outside_stop(&cli);
	close(core);
	tls_identity_clear(&id);
	g_spawn_sync(NULL, (char *[]){ "rm", "-rf", d, NULL }, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
		     NULL, NULL, NULL);
	g_free(cert), g_free(key), g_free(d);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	return rig_cunit_main(
	    "ims-agw UDP and DTLS legs", up, down,
	    (const struct rig_test[]){
		{ "originating: the gateway is DTLS client on tlsbsc/est", test_originating_client },
		{ "terminating: the gateway is DTLS server, held for the fingerprint",
		  test_terminating_server_held },
		{ "fingerprint mismatch: alert, tlsbsc/fail, nothing relayed", test_mismatch },
		{ "a lost flight is sent again", test_lost_flight },
		{ "a reordered flight is put back in order", test_reordered },
		{ "a latching DTLS leg latches onto the ClientHello's source", test_dtls_latch },
		{ "100,000 UDPTL packets complete and in order", test_hundred_thousand },
		{ "latching onto the NAT's address, spoofed source dropped", test_latch },
		{ "source address and port filtering", test_source_filter },
		{ "refusals: TCP events on UDP, tlsbsc/est without DTLS", test_refusals },
		{ "openssl s_client -dtls1_2 UE: close_notify on Subtract", test_close_notify_openssl },
		{ NULL, NULL } });
}
