/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-agw's TLS legs, end to end, against GnuTLS UEs with their own certificates (seed 004):
 *   - originating: the gateway connects to the UE (triggered by the core peer's SYN) and, told tlsbsc/est
 *     (steps 16-18), is the TLS client; the UE checks the gateway's certificate against the fingerprint the
 * gateway gave in its Add reply, the gateway checks the UE's against the Remote; MSRP SEND both ways;
 * close_notify relayed as a half-close and a FIN as close_notify.
 *   - fingerprint mismatch: an alert, tlsbsc/fail with the reason, and not one application byte crosses.
 *   - terminating: the UE connects and starts TLS before the gateway knows its fingerprint; the
 *     finished handshake is held, the UE's bytes wait, and cross once the Modify brings it.
 *   - no fingerprint in time: tlsbsc/fail.
 *   - BFCP (TCP/TLS/BFCP), terminating, with openssl s_client as the UE where it is installed: a Hello
 *     and a HelloAck cross byte-exact, and s_client's close_notify arrives as a FIN.
 * With outside peers (openssl s_server and s_client as the UE, tshark on the loopback):
 *   - the ClientHello waits for the Modify carrying tlsbsc/est (seed 004 steps 16-18, then 21), in the
 *     UE's view and in the gateway's trace; on Subtract the UE gets close_notify before the end, and the
 *     gateway sends no RST when the UE answers it;
 *   - with tls.autostart (open point 2's autonomous start) the ClientHello leaves as TCP is up;
 *   - the UE closes first (close_notify, FIN) while the handshake is held: the Subtract that follows
 *     reads it (traced as received) and sends no RST.
 *   - a $ the gateway cannot fill is refused with 449 naming the line, never echoed. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outside.h"
#include "rig.h"
#include "tlspeer.h"

static struct rig *rig;
static struct tls_identity ue;
static char *suite_dir, *trace; /* the suite's files; the gateway's trace (--trace-file) */

static int up(void)
{
	char *err = NULL;
	if (!tls_identity_init(&ue, NULL, NULL, "UE A", &err))
		return 1;
	suite_dir = g_dir_make_tmp("agw-tls-XXXXXX", NULL);
	trace = g_build_filename(suite_dir, "agw.jsonl", NULL);
	rig = rig_start((const char *const[]){ "--realm-access-ports", "25000-25099", "--realm-core-ports",
					       "26000-26099", "--tls-hold-timeout", "1500", "--trace-file",
					       trace, NULL });
	return rig ? 0 : 1;
}

static int down(void)
{
	tls_identity_clear(&ue);
	int rc = rig_stop(rig) == 0 ? 0 : 1;
	g_spawn_sync(NULL, (char *[]){ "rm", "-rf", suite_dir, NULL }, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
		     NULL, NULL, NULL, NULL);
	g_free(trace), g_free(suite_dir);
	return rc;
}

static char *remote_sdp(uint16_t port, const char *fp)
{
	return g_strdup_printf("Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message %u TCP/TLS/MSRP *\n%s%s%s}",
			       port, fp ? "a=fingerprint:" : "", fp ? fp : "", fp ? "\n" : "");
}

static const char msrp[] =
    "MSRP d93kswow SEND\r\nTo-Path: msrps://127.0.0.1:25000/s2s20w2a;tcp\r\n"
    "From-Path: msrps://127.0.0.1:2855/iau39soe2843z;tcp\r\nMessage-ID: 12339sdqwer\r\n"
    "Byte-Range: 1-16/16\r\nContent-Type: text/plain\r\n\r\nHi, I'm Alice!\r\n-------d93kswow$\r\n";

/* Core (plain TCP, actpass, its peer's address known) and access (TCP/TLS/MSRP) terminations of a new
 * context. */
static char *originating(uint16_t ue_port, const char *ue_fp, char **access_reply, unsigned *core_port)
{
	char *core = rig_requestf(
	    rig, "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = core }, Local {\n"
		 "v=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:actpass\n},\n"
		 "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message 9 TCP/MSRP *\na=setup:active\n} } } } }");
	unsigned ctx = rig_number_after(core, "Context = ");
	*core_port = (unsigned)rig_local_port(core);
	char *remote = remote_sdp(ue_port, ue_fp);
	*access_reply = rig_requestf(
	    rig,
	    "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access },\n"
	    "Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP "
	    "*\na=setup:active\na=fingerprint:$\n},\n%s } },\n"
	    "Events = 5 { tlsbsc/up, tlsbsc/fail } } }",
	    ctx, remote);
	g_free(remote), g_free(core);
	return g_strdup_printf("%u", ctx);
}

/* Seed 004 steps 16-18: the access termination is told the TLS direction, the gateway the client. */
static void establish(const char *ctx, const char *access)
{
	char *r = rig_requestf(rig, "Context = %s { Modify = ac/%u { Signals { tlsbsc/est } } }", ctx,
			       rig_number_after(access, "Add = ac/"));
	CU_ASSERT_TRUE(r && !strstr(r, "Error"));
	g_free(r);
}

/* An originating session's two connections: the UE's listener and the connection the gateway made to it
 * (fd), the core's connection to the gateway (peer); the context, the access Add's reply and the
 * gateway's fingerprint from it. */
struct orig_conn {
	int ue_l, fd, peer;
	char *ctx, *access, *agw_fp;
};

static void orig_conn_open(struct orig_conn *c)
{
	uint16_t ue_port = 0;
	unsigned core_port;
	c->ue_l = tcp_listen(&ue_port);
	c->ctx = originating(ue_port, ue.fingerprint, &c->access, &core_port);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c->access);
	c->agw_fp = rig_fingerprint(c->access);
	CU_ASSERT_TRUE(g_str_has_prefix(c->agw_fp, "sha-256 "));
	CU_ASSERT_TRUE_FATAL(tcp_through((uint16_t)core_port, c->ue_l, &c->peer, &c->fd));
}

/* The context subtracted, the TLS session s (on c->fd) and every socket closed. */
static void orig_conn_close(struct orig_conn *c, gnutls_session_t s)
{
	g_free(rig_requestf(rig, "Context = %s { Subtract = * { Audit { } } }", c->ctx));
	tlspeer_close(s, c->fd);
	close(c->peer), close(c->ue_l);
	g_free(c->access), g_free(c->ctx), g_free(c->agw_fp);
}

static void test_originating(void)
{
	struct orig_conn c;
	orig_conn_open(&c);
	establish(c.ctx, c.access);
	char why[160] = "";
	gnutls_session_t s =
	    tlspeer_handshake(c.fd, false, &ue, c.agw_fp, 3000, why); /* the UE is the TLS server */
	if (!s)
		fprintf(stderr, "\n    UE handshake: %s\n", why);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	char *n = rig_notify(rig, 2000);
	CU_ASSERT_TRUE(n && strstr(n, "T : tlsbsc/up"));
	char got[8];
	CU_ASSERT_TRUE(tlspeer_cross(s, c.peer, msrp, sizeof msrp - 1, 2000));
	/* close_notify from the UE: a FIN toward the core; the core's FIN: close_notify toward the UE */
	gnutls_bye(s, GNUTLS_SHUT_WR);
	CU_ASSERT_EQUAL(tcp_read_all(c.peer, got, 1, 2000), 0);
	shutdown(c.peer, SHUT_WR);
	CU_ASSERT_EQUAL(tlspeer_read(s, got, 1, 2000), 0);
	orig_conn_close(&c, s);
	g_free(n);
}

/* Bytes that are no TLS record, from the UE after the handshake, and more of them than the gateway reads
 * at once: GnuTLS refuses them, the UE is told so by a fatal unexpected_message alert and a FIN (the
 * gateway drains the rest: no reset answers bytes left unread), the core by a reset, and the
 * notification names GnuTLS's reason, prefixed "TLS: ". */
static void test_not_a_record(void)
{
	struct orig_conn c;
	orig_conn_open(&c);
	char *events = rig_requestf(rig, "Context = %s { Modify = ac/%u { Events = 6 { tcpbcc/rel } } }",
				    c.ctx, rig_number_after(c.access, "Add = ac/"));
	CU_ASSERT_TRUE(events && !strstr(events, "Error"));
	establish(c.ctx, c.access);
	char why[160] = "";
	gnutls_session_t s = tlspeer_handshake(c.fd, false, &ue, c.agw_fp, 3000, why);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_TRUE(tlspeer_cross(s, c.peer, msrp, sizeof msrp - 1, 2000));
	enum { CLEAR = 96 * 1024 }; /* more than one read of the gateway's (64 KiB) */
	char *clear = g_malloc(CLEAR);
	memset(clear, 'M', CLEAR); /* content type 'M': no TLS record */
	CU_ASSERT_EQUAL(send(c.fd, clear, CLEAR, 0), CLEAR);
	g_free(clear);
	char got[8];
	CU_ASSERT_EQUAL(tcp_read_all(c.peer, got, sizeof got, 3000), -ECONNRESET); /* passed on as a reset */
	CU_ASSERT_EQUAL(tlspeer_read(s, got, sizeof got, 3000), GNUTLS_E_FATAL_ALERT_RECEIVED); /* the UE */
	CU_ASSERT_EQUAL(gnutls_alert_get(s), GNUTLS_A_UNEXPECTED_MESSAGE);
	/* then a FIN, not a reset that drops the alert or follows it */
	struct pollfd fin = { c.fd, POLLIN, 0 };
	CU_ASSERT_EQUAL(poll(&fin, 1, 3000), 1);
	CU_ASSERT_EQUAL(recv(c.fd, got, sizeof got, MSG_DONTWAIT), 0);
	char *n = rig_notify(rig, 2000); /* answered now: a Notify left waiting would be sent again */
	char *want =
	    g_strdup_printf("      ObservedEvents = 6 {\n        T : tcpbcc/rel {\n          reason = "
			    "\"TLS: %s\"\n        }\n      }\n",
			    gnutls_strerror(GNUTLS_E_UNEXPECTED_PACKET));
	if (!n || !strstr(n, want))
		fprintf(stderr, "\n--- got\n%s\n--- want within it\n%s\n", n ? n : "(nothing)", want);
	CU_ASSERT_TRUE(n && strstr(n, want));
	usleep(200 * 1000); /* a close with bytes left unread would have answered with a reset by now */
	int err = -1;
	socklen_t len = sizeof err;
	CU_ASSERT_EQUAL(getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	CU_ASSERT_EQUAL(err, 0); /* none came: the gateway reads on what it can no longer decrypt */
	orig_conn_close(&c, s);
	g_free(n), g_free(want), g_free(events);
}

static void test_mismatch(void)
{
	uint16_t ue_port = 0;
	int ue_l = tcp_listen(&ue_port);
	struct tls_identity other;
	char *err = NULL, *access, *ctx;
	CU_ASSERT_TRUE_FATAL(tls_identity_init(&other, NULL, NULL, "someone else", &err));
	unsigned core_port;
	ctx =
	    originating(ue_port, other.fingerprint, &access, &core_port); /* the Remote names another cert */
	int peer, fd;
	CU_ASSERT_TRUE_FATAL(tcp_through((uint16_t)core_port, ue_l, &peer, &fd));
	establish(ctx, access);
	char why[160] = "", got[8];
	gnutls_session_t s = tlspeer_handshake(fd, false, &ue, NULL, 3000, why);
	if (s) { /* TLS 1.3: the server may finish before the client's verdict; its bytes must still not cross
		  */
		tlspeer_write(s, "secret", 6);
		CU_ASSERT(tlspeer_read(s, got, 1, 1000) <= 0); /* the alert, then the end */
	}
	char *n = rig_notify(rig, 2000);
	CU_ASSERT_TRUE(
	    n &&
	    strstr(
		n,
		"tlsbsc/fail {\n          reason = \"the peer certificate does not match the fingerprint\""));
	CU_ASSERT(tcp_read_all(peer, got, sizeof got, 500) <= 0); /* not one byte crossed */
	g_free(rig_requestf(rig, "Context = %s { Subtract = * { Audit { } } }", ctx));
	tlspeer_close(s, fd);
	close(peer), close(ue_l);
	tls_identity_clear(&other);
	g_free(n), g_free(access), g_free(ctx);
}

/* Terminating: the access leg listens (the UE is TCP and TLS client), the core leg connects. The UE
 * connects (its SYN triggers the gateway's connect to the core peer) and completes TLS before the
 * gateway knows its fingerprint. */
struct held {
	unsigned ctx, ac;
	int peer_l, peer, fd;
	gnutls_session_t s;
};

static bool terminating(struct held *h)
{
	uint16_t peer_port = 0;
	h->peer_l = tcp_listen(&peer_port);
	char *access = rig_requestf(
	    rig,
	    "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access }, Local {\n"
	    "v=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP *\na=setup:passive\na=fingerprint:$\n} } },\n"
	    "Events = 6 { tlsbsc/up, tlsbsc/fail } } }");
	h->ctx = rig_number_after(access, "Context = ");
	h->ac = rig_number_after(access, "Add = ac/");
	unsigned access_port = (unsigned)rig_local_port(access);
	char *agw_fp = rig_fingerprint(access);
	char *core =
	    rig_requestf(rig,
			 "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = core },\n"
			 "Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:active\n},\n"
			 "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message %u TCP/MSRP *\n} } } } }",
			 h->ctx, peer_port);
	char why[160] = "";
	bool through = tcp_through((uint16_t)access_port, h->peer_l, &h->fd, &h->peer);
	CU_ASSERT_TRUE(through);
	h->s = through ? tlspeer_handshake(h->fd, true, &ue, agw_fp, 3000, why) : NULL;
	if (!h->s)
		fprintf(stderr, "\n    UE handshake: %s\n", why);
	CU_ASSERT_PTR_NOT_NULL(h->s);
	g_free(access), g_free(core), g_free(agw_fp);
	return h->s != NULL;
}

static void held_close(struct held *h)
{
	g_free(rig_requestf(rig, "Context = %u { Subtract = * { Audit { } } }", h->ctx));
	tlspeer_close(h->s, h->fd);
	close(h->peer), close(h->peer_l);
}

static void test_terminating_held(void)
{
	struct held h;
	char got[8];
	if (!terminating(&h)) {
		held_close(&h);
		return;
	}
	CU_ASSERT_TRUE(tlspeer_write(h.s, "hello", 5));
	CU_ASSERT_EQUAL(tcp_read_all(h.peer, got, 5, 500), 0); /* held: nothing crosses yet */
	char *remote = remote_sdp(0, ue.fingerprint);
	char *mod = rig_requestf(rig, "Context = %u { Modify = ac/%u { Media { Stream = 1 { %s } } } }",
				 h.ctx, h.ac, remote);
	CU_ASSERT_TRUE(mod && !strstr(mod, "Error"));
	char *n = rig_notify(rig, 2000);
	CU_ASSERT_TRUE(n && strstr(n, "tlsbsc/up"));
	CU_ASSERT_EQUAL(tcp_read_all(h.peer, got, 5, 2000), 5);
	CU_ASSERT_EQUAL(memcmp(got, "hello", 5), 0);
	held_close(&h);
	g_free(remote), g_free(mod), g_free(n);
}

/* A verified session whose Remote changes: the gateway checks the peer's certificate again. The same
 * fingerprint written otherwise names it still (the session carries on); a Remote without one names no
 * certificate: bad_certificate to the UE, tlsbsc/fail, and the core connection of the relay closes. */
static void test_remote_changes(void)
{
	struct held h;
	char got[8];
	if (!terminating(&h)) {
		held_close(&h);
		return;
	}
	char *lower = g_ascii_strdown(ue.fingerprint, -1);
	const char *const fps[] = { ue.fingerprint, lower, NULL };
	char *n = NULL;
	for (int i = 0; i < 3; i++) {
		char *remote = remote_sdp(0, fps[i]);
		g_free(rig_requestf(rig, "Context = %u { Modify = ac/%u { Media { Stream = 1 { %s } } } }",
				    h.ctx, h.ac, remote));
		g_free(remote);
		if (i == 0) {
			n = rig_notify(rig, 2000);
			CU_ASSERT_TRUE(n && strstr(n, "tlsbsc/up"));
			g_free(n);
		}
		if (i < 2)
			CU_ASSERT_TRUE(tlspeer_cross(h.s, h.peer, msrp, sizeof msrp - 1, 2000));
	}
	CU_ASSERT_EQUAL(tlspeer_read(h.s, got, 1, 2000), GNUTLS_E_FATAL_ALERT_RECEIVED);
	CU_ASSERT_EQUAL(gnutls_alert_get(h.s), GNUTLS_A_BAD_CERTIFICATE);
	n = rig_notify(rig, 2000);
	CU_ASSERT_TRUE(n && strstr(n, "tlsbsc/fail {\n          reason = \"the peer certificate does not "
				      "match the fingerprint the Remote now names\""));
	CU_ASSERT_EQUAL(tcp_read_all(h.peer, got, 1, 2000), 0); /* the relay's other end closed */
	held_close(&h);
	g_free(n), g_free(lower);
}

static void test_hold_timeout(void)
{
	struct held h;
	char got[8];
	if (!terminating(&h)) {
		held_close(&h);
		return;
	}
	char *n = rig_notify(rig, 3000); /* the hold timeout is 1.5 s in this rig */
	CU_ASSERT_TRUE(n && strstr(n, "reason = \"no remote fingerprint arrived in time\""));
	CU_ASSERT(tlspeer_read(h.s, got, 1, 1000) <= 0);
	held_close(&h);
	g_free(n);
}

/* BFCP (RFC 8855 §5.1): version 1, Hello (11) and HelloAck (12) with SUPPORTED-PRIMITIVES (21). */
static const unsigned char bfcp_hello[] = { 0x20, 0x0b, 0x00, 0x00, 0x00, 0x00,
					    0x00, 0x01, 0x00, 0x01, 0x00, 0x02 };
static const unsigned char bfcp_hello_ack[] = { 0x20, 0x0c, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01,
						0x00, 0x02, 0x2b, 0x06, 0x0b, 0x0c, 0x01, 0x02, 0x00, 0x00 };

static void test_bfcp_openssl(void)
{
	char *openssl = g_find_program_in_path("openssl"), *certtool = g_find_program_in_path("certtool");
	if (!openssl || !certtool) {
		fprintf(stderr, "\n    (openssl or certtool not installed: not run)\n");
		g_free(openssl), g_free(certtool);
		return;
	}
	char *dir = g_dir_make_tmp("agw-tls-XXXXXX", NULL);
	struct tls_identity id;
	CU_ASSERT_TRUE_FATAL(dir && outside_identity(dir, "UE B", &id));
	uint16_t peer_port = 0;
	int peer_l = tcp_listen(&peer_port);
	char *access = rig_requestf(
	    rig,
	    "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access },\n"
	    "Local {\nv=0\nc=IN IP4 $\nm=application $ TCP/TLS/BFCP *\na=setup:passive\na=fingerprint:$\n},\n"
	    "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=application 9 TCP/TLS/BFCP *\na=fingerprint:%s\n} } },\n"
	    "Events = 7 { tlsbsc/up, tlsbsc/fail } } }",
	    id.fingerprint);
	unsigned ctx = rig_number_after(access, "Context = "), access_port = (unsigned)rig_local_port(access);
	CU_ASSERT_TRUE(access && strstr(access, "m=application 25") && strstr(access, " TCP/TLS/BFCP *"));
	char *core =
	    rig_requestf(rig,
			 "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = core },\n"
			 "Local {\nv=0\nc=IN IP4 $\nm=application $ TCP/BFCP *\na=setup:active\n},\n"
			 "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=application %u TCP/BFCP *\n} } } } }",
			 ctx, peer_port);
	CU_ASSERT_TRUE(core && !strstr(core, "Error"));
	char connect[32], *cert = g_build_filename(dir, "cert.pem", NULL),
			  *key = g_build_filename(dir, "key.pem", NULL);
	snprintf(connect, sizeof connect, "127.0.0.1:%u", access_port);
	const char *argv[] = { openssl, "s_client", "-connect", connect,       "-cert",       cert,
			       "-key",  key,        "-quiet",   "-no_ign_eof", "-nocommands", NULL };
	GPid pid;
	int in = -1, out = -1;
	CU_ASSERT_TRUE_FATAL(g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
						      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
						      NULL, NULL, &pid, &in, &out, NULL, NULL));
	int peer = tcp_accept(peer_l, 3000); /* the UE's SYN triggered the gateway's connect */
	CU_ASSERT_TRUE_FATAL(peer >= 0);
	char *n = rig_notify(rig, 3000);
	CU_ASSERT_TRUE(n && strstr(n, "T : tlsbsc/up"));
	unsigned char got[sizeof bfcp_hello_ack];
	CU_ASSERT_EQUAL(write(in, bfcp_hello, sizeof bfcp_hello), (ssize_t)sizeof bfcp_hello);
	CU_ASSERT_EQUAL(tcp_read_all(peer, got, sizeof bfcp_hello, 3000), (ssize_t)sizeof bfcp_hello);
	CU_ASSERT_EQUAL(memcmp(got, bfcp_hello, sizeof bfcp_hello), 0);
	CU_ASSERT_EQUAL(send(peer, bfcp_hello_ack, sizeof bfcp_hello_ack, 0), (ssize_t)sizeof bfcp_hello_ack);
	CU_ASSERT_EQUAL(tcp_read_all(out, got, sizeof bfcp_hello_ack, 3000), (ssize_t)sizeof bfcp_hello_ack);
	CU_ASSERT_EQUAL(memcmp(got, bfcp_hello_ack, sizeof bfcp_hello_ack), 0);
	close(in); /* s_client sends close_notify: a FIN toward the core */
	CU_ASSERT_EQUAL(tcp_read_all(peer, got, 1, 3000), 0);
	int status = -1;
	pid_t done = 0;
	for (int i = 0; i < 300 && (done = waitpid(pid, &status, WNOHANG)) == 0; i++)
		usleep(10000);
	CU_ASSERT_TRUE(done == pid && WIFEXITED(status)); /* s_client ended on its own */
	if (done != pid)
		kill(pid, SIGKILL), waitpid(pid, NULL, 0);
	g_free(rig_requestf(rig, "Context = %u { Subtract = * { Audit { } } }", ctx));
	close(out), close(peer), close(peer_l);
	tls_identity_clear(&id);
	char *rm[] = { "rm", "-rf", dir, NULL };
	g_spawn_sync(NULL, rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
	g_free(n), g_free(access), g_free(core), g_free(cert), g_free(key), g_free(dir), g_free(openssl),
	    g_free(certtool);
}

/* ---- outside peers: openssl as the UE, tshark on the loopback ---- */

static bool received(struct outside *o, const char *what)
{
	return outside_msg(o, "<<<", what, 2000);
}

/* The line number (from 0) of the first line of the gateway's trace holding both a and b, -1 when none;
 * waits up to ms for it. Its "ts" is copied to ts. */
static int traced(const char *a, const char *b, unsigned ms, char ts[40])
{
	for (unsigned waited = 0;; waited += 50) {
		char *text = NULL;
		g_file_get_contents(trace, &text, NULL, NULL);
		char **lines = g_strsplit(text ? text : "", "\n", -1);
		int at = -1;
		for (int i = 0; lines[i] && at < 0; i++)
			if (strstr(lines[i], a) && strstr(lines[i], b)) {
				at = i;
				const char *t = strstr(lines[i], "\"ts\":\"");
				if (ts)
					g_strlcpy(ts, t ? t + 6 : "",
						  MIN(40, t ? strcspn(t + 6, "\"") + 1 : 1));
			}
		g_strfreev(lines), g_free(text);
		if (at >= 0 || waited >= ms)
			return at;
		usleep(50000);
	}
}

/* openssl s_server as UE A, TLS server for the gateway (seed 004 originating), its certificate in d. */
static bool ue_server(struct outside *o, const char *d, uint16_t port)
{
	char accept[32], *cert = g_build_filename(d, "cert.pem", NULL),
			 *key = g_build_filename(d, "key.pem", NULL);
	snprintf(accept, sizeof accept, "127.0.0.1:%u", port);
	bool ok =
	    outside_start(o,
			  (const char *const[]){ "openssl", "s_server", "-accept", accept, "-cert", cert,
						 "-key", key, "-Verify", "1", "-msg", "-naccept", "1", NULL },
			  false) &&
	    outside_wait(o, "ACCEPT", 5000);
	g_free(cert), g_free(key);
	return ok;
}

/* The originating call toward an s_server UE up to TCP: core leg, access leg, the core's SYN making the
 * gateway connect (steps 2-11). The access reply and the core peer's socket; the UE's TCP is up. */
static char *outside_originating(struct outside *ue_srv, const char *d, struct tls_identity *id,
				 char **access, int *core)
{
	uint16_t ue_port = bed_free_ports(1);
	if (!outside_identity(d, "UE A", id) || !ue_server(ue_srv, d, ue_port))
		return NULL;
	unsigned core_port;
	char *ctx = originating(ue_port, id->fingerprint, access, &core_port);
	bool up = false;
	*core = tcp_connect_from(0, (uint16_t)core_port, 2000, &up);
	CU_ASSERT_TRUE(up);
	char term[40];
	snprintf(term, sizeof term, "\"term\":\"ac/%u\"", rig_number_after(*access, "Add = ac/"));
	CU_ASSERT(traced(term, "\"kind\":\"tcp.synack\"", 2000, NULL) >= 0); /* step 11: TCP to the UE */
	return ctx;
}

static void test_client_hello_waits(void)
{
	if (!outside_have((const char *const[]){ "openssl", "certtool", NULL }))
		return;
	char *d = g_dir_make_tmp("agw-tls-XXXXXX", NULL), *access = NULL, term[40], est[80], ts_est[40] = "",
	     ts_hello[40] = "";
	struct tls_identity id;
	struct outside srv;
	int core = -1;
	char *ctx = outside_originating(&srv, d, &id, &access, &core);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	unsigned ac = rig_number_after(access, "Add = ac/");
	snprintf(term, sizeof term, "\"term\":\"ac/%u\"", ac);
	/* TCP is up and nothing was said about TLS yet: no ClientHello, in the UE's view nor the trace */
	CU_ASSERT_FALSE(outside_wait(&srv, "ClientHello", 800));
	CU_ASSERT_EQUAL(traced(term, "\"kind\":\"tls.client_hello\"", 0, NULL), -1);
	establish(ctx, access); /* steps 16-18 */
	char *n = rig_notify(rig, 3000);
	CU_ASSERT_TRUE(n && strstr(n, "T : tlsbsc/up")); /* step 21: the UE's certificate matched */
	CU_ASSERT_TRUE(received(&srv, "ClientHello"));
	snprintf(est, sizeof est, "Modify = ac/%u { Signals { tlsbsc/est } }", ac);
	int at_est = traced("\"kind\":\"h248.rx\"", est, 0, ts_est);
	int at_hello = traced(term, "\"kind\":\"tls.client_hello\"", 0, ts_hello);
	CU_ASSERT(at_est >= 0 && at_hello > at_est);
	CU_ASSERT(*ts_est && strcmp(ts_est, ts_hello) <= 0);
	/* Subtract: close_notify, then the end; the UE answers with its own, and the gateway no RST */
	struct capture cap;
	unsigned access_port = (unsigned)rig_local_port(access);
	bool capturing = outside_have((const char *const[]){ "tshark", NULL }) &&
			 capture_start(&cap, d, "subtract", access_port);
	g_free(rig_requestf(rig, "Context = %s { Subtract = * { Audit { } } }", ctx));
	CU_ASSERT_TRUE(received(&srv, "close_notify"));
	CU_ASSERT_TRUE(outside_exited(&srv, 3000)); /* s_server ends with its one connection */
	outside_wait(&srv, NULL, 200);
	CU_ASSERT_PTR_NULL(strstr(srv.seen->str, "unexpected eof"));
	if (capturing)
		CU_ASSERT_EQUAL(capture_rsts(&cap, (uint16_t)access_port), 0);
	CU_ASSERT(traced(term, "\"kind\":\"tls.close_notify\"", 1000, NULL) >= 0);
	CU_ASSERT(traced(term, "\"kind\":\"tls.close_notify_rx\"", 1000, NULL) >= 0);
	outside_stop(&srv);
	close(core);
	tls_identity_clear(&id);
	g_spawn_sync(NULL, (char *[]){ "rm", "-rf", d, NULL }, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
		     NULL, NULL, NULL);
	g_free(n), g_free(access), g_free(ctx), g_free(d);
}

/* With tls.autostart a second gateway starts TLS as soon as its connect to the UE completes. */
static void test_autostart(void)
{
	if (!outside_have((const char *const[]){ "openssl", "certtool", NULL }))
		return;
	char *d = g_dir_make_tmp("agw-tls-XXXXXX", NULL), *access = NULL;
	struct tls_identity id;
	struct outside srv;
	uint16_t ue_port = bed_free_ports(1);
	CU_ASSERT_TRUE_FATAL(outside_identity(d, "UE A", &id) && ue_server(&srv, d, ue_port));
	struct rig *main_rig = rig, *autostart = rig_start((const char *const[]){
					"--realm-access-ports", "25100-25199", "--realm-core-ports",
					"26100-26199", "--tls-autostart", NULL });
	CU_ASSERT_PTR_NOT_NULL(autostart);
	if (autostart) {
		rig = autostart; /* this test's gateway, until its end */
		unsigned core_port;
		char *ctx = originating(ue_port, id.fingerprint, &access, &core_port);
		bool up = false;
		int core = tcp_connect_from(0, (uint16_t)core_port, 2000, &up);
		CU_ASSERT_TRUE(up);
		char *n = rig_notify(rig, 3000); /* no tlsbsc/est: the gateway started on its own */
		CU_ASSERT_TRUE(n && strstr(n, "T : tlsbsc/up"));
		CU_ASSERT_TRUE(received(&srv, "ClientHello"));
		g_free(rig_requestf(rig, "Context = %s { Subtract = * }", ctx));
		CU_ASSERT_TRUE(outside_exited(&srv, 3000));
		close(core);
		CU_ASSERT_EQUAL(rig_stop(autostart), 0);
		rig = main_rig;
		g_free(n), g_free(ctx);
	}
	outside_stop(&srv);
	tls_identity_clear(&id);
	g_spawn_sync(NULL, (char *[]){ "rm", "-rf", d, NULL }, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
		     NULL, NULL, NULL);
	g_free(access), g_free(d);
}

/* Terminating, the handshake held (no fingerprint yet): s_client, the UE, closes first (close_notify,
 * FIN) and exits; the Subtract that follows reads what it left and closes without RST. */
static void test_ue_closes_first(void)
{
	if (!outside_have((const char *const[]){ "openssl", "certtool", "tshark", NULL }))
		return;
	char *d = g_dir_make_tmp("agw-tls-XXXXXX", NULL), term[40];
	struct tls_identity id;
	CU_ASSERT_TRUE_FATAL(outside_identity(d, "UE B", &id));
	uint16_t peer_port = 0;
	int peer_l = tcp_listen(&peer_port);
	char *access = rig_requestf(
	    rig,
	    "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access }, Local {\n"
	    "v=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP *\na=setup:passive\na=fingerprint:$\n} } },\n"
	    "Events = 6 { tlsbsc/up, tlsbsc/fail } } }");
	unsigned ctx = rig_number_after(access, "Context = "), access_port = (unsigned)rig_local_port(access);
	snprintf(term, sizeof term, "\"term\":\"ac/%u\"", rig_number_after(access, "Add = ac/"));
	char *core =
	    rig_requestf(rig,
			 "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = core },\n"
			 "Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:active\n},\n"
			 "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message %u TCP/MSRP *\n} } } } }",
			 ctx, peer_port);
	struct capture cap;
	bool capturing = capture_start(&cap, d, "ue-first", access_port);
	char connect[32], *cert = g_build_filename(d, "cert.pem", NULL),
			  *key = g_build_filename(d, "key.pem", NULL);
	snprintf(connect, sizeof connect, "127.0.0.1:%u", access_port);
	struct outside cli;
	CU_ASSERT_TRUE_FATAL(
	    outside_start(&cli,
			  (const char *const[]){ "openssl", "s_client", "-connect", connect, "-cert", cert,
						 "-key", key, "-msg", "-no_ign_eof", "-nocommands", NULL },
			  false));
	int peer = tcp_accept(peer_l, 3000); /* the UE's SYN made the gateway connect to the core */
	CU_ASSERT(peer >= 0);
	CU_ASSERT_TRUE(outside_msg(&cli, ">>>", "Finished", 3000));
	usleep(200000);             /* the gateway has the UE's Finished: held, waiting for the fingerprint */
	close(cli.in), cli.in = -1; /* s_client ends: close_notify, FIN */
	CU_ASSERT_TRUE(outside_exited(&cli, 3000));
	usleep(200000);
	g_free(rig_requestf(rig, "Context = %u { Subtract = * }", ctx));
	if (capturing)
		CU_ASSERT_EQUAL(capture_rsts(&cap, (uint16_t)access_port), 0);
	CU_ASSERT(traced(term, "\"kind\":\"tls.close_notify_rx\"", 1000, NULL) >= 0);
	outside_stop(&cli);
	close(peer), close(peer_l);
	tls_identity_clear(&id);
	g_spawn_sync(NULL, (char *[]){ "rm", "-rf", d, NULL }, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
		     NULL, NULL, NULL);
	g_free(access), g_free(core), g_free(cert), g_free(key), g_free(d);
}

/* ---- CHOOSE ($) the gateway cannot fill (H.248.1 §7.1.8) ---- */

static void refused_choose(const char *line, const char *want)
{
	char *r = rig_requestf(
	    rig,
	    "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access }, Local {\n"
	    "v=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP *\na=setup:active\n%s\n} } } } }",
	    line);
	char *body = r ? strstr(r, "Add = $ {") : NULL;
	ASSERT_TEXT(line, body, want);
	g_free(r);
}

static void test_choose_unfilled(void)
{
	refused_choose(
	    "a=fingerprint:sha-256 $",
	    "Add = $ {\n      Error = 449 {\n        \"Local "
	    "a=fingerprint:sha-256 $: the gateway has no value to choose for $ there\"\n      }\n    "
	    "}\n  }\n}\n");
	refused_choose(
	    "a=path:msrps://127.0.0.1:$/kjhd37s2s20w2a;tcp",
	    "Add = $ {\n      Error = 449 {\n        \"Local "
	    "a=path:msrps://127.0.0.1:$/kjhd37s2s20w2a;tcp: the gateway has no value to choose for $ "
	    "there\"\n      }\n    }\n  }\n}\n");
	refused_choose(
	    "a=accept-types:$",
	    "Add = $ {\n      Error = 449 {\n        \"Local "
	    "a=accept-types:$: the gateway has no value to choose for $ there\"\n      }\n    }\n  "
	    "}\n}\n");
	/* what it can fill is filled: no $ comes back */
	char *r = rig_requestf(
	    rig,
	    "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access }, Local {\n"
	    "v=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP *\na=setup:active\na=fingerprint:$\n} } } } }");
	const char *local = r ? strstr(r, "Local {") : NULL;
	CU_ASSERT_TRUE(local && !strchr(local, '$') && strstr(local, "a=fingerprint:sha-256 "));
	unsigned ctx = rig_number_after(r, "Context = ");
	g_free(rig_requestf(rig, "Context = %u { Subtract = * }", ctx));
	g_free(r);
}

int main(void)
{
	static const struct rig_test tests[] = {
		{ "originating: gateway as TLS client, both fingerprints, close_notify", test_originating },
		{ "fingerprint mismatch: alert, tlsbsc/fail, no byte crosses", test_mismatch },
		{ "no TLS record after the handshake: alert and FIN to the UE, reset to the core, tcpbcc/rel",
		  test_not_a_record },
		{ "terminating: handshake held until the Modify brings the fingerprint",
		  test_terminating_held },
		{ "a verified session's Remote changes: checked again, ended when it no longer names the "
		  "peer",
		  test_remote_changes },
		{ "no fingerprint in time: tlsbsc/fail", test_hold_timeout },
		{ "BFCP with openssl s_client as the UE: Hello, HelloAck, close_notify", test_bfcp_openssl },
		{ "openssl s_server UE: no ClientHello before tlsbsc/est; close_notify and no RST on "
		  "Subtract",
		  test_client_hello_waits },
		{ "tls.autostart: the ClientHello as TCP is up, without tlsbsc/est", test_autostart },
		{ "openssl s_client UE closes first while held: no RST on Subtract", test_ue_closes_first },
		{ "a $ the gateway cannot fill: 449 naming the line", test_choose_unfilled },
		{ NULL, NULL },
	};
	return rig_cunit_main("agw TLS legs", up, down, tests);
}
