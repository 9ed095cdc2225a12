/* ims-agw's TLS legs, end to end, against GnuTLS UEs with their own certificates (seed 004):
 *   - originating: the gateway connects to the UE (triggered by the core peer's SYN) and is the TLS
 *     client; the UE checks the gateway's certificate against the fingerprint the gateway gave in its
 *     Add reply, the gateway checks the UE's against the Remote; MSRP SEND both ways; close_notify
 *     relayed as a half-close and a FIN as close_notify.
 *   - fingerprint mismatch: an alert, xtls/fail with the reason, and not one application byte crosses.
 *   - terminating: the UE connects and starts TLS before the gateway knows its fingerprint; the
 *     finished handshake is held, the UE's bytes wait, and cross once the Modify brings it.
 *   - no fingerprint in time: xtls/fail.
 *   - BFCP (TCP/TLS/BFCP), terminating, with openssl s_client as the UE where it is installed: a Hello
 *     and a HelloAck cross byte-exact, and s_client's close_notify arrives as a FIN.
 *   - a $ the gateway cannot fill is refused with 449 naming the line, never echoed. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rig.h"
#include "tlspeer.h"

static struct rig *rig;
static struct tls_identity ue;

static int up(void)
{
	char *err = NULL;
	if (!tls_identity_init(&ue, NULL, NULL, "UE A", &err))
		return 1;
	rig = rig_start((const char *const[]){ "--realm-access-ports", "25000-25099", "--realm-core-ports",
					       "26000-26099", "--tls-hold-timeout", "1500", NULL });
	return rig ? 0 : 1;
}

static int down(void)
{
	tls_identity_clear(&ue);
	return rig_stop(rig) == 0 ? 0 : 1;
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

/* Core (plain TCP, actpass) and access (TCP/TLS/MSRP) terminations of a new context. */
static char *originating(uint16_t ue_port, const char *ue_fp, char **access_reply, unsigned *core_port)
{
	char *core = rig_requestf(
	    rig, "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = core }, Local {\n"
		 "v=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:actpass\n} } } } }");
	unsigned ctx = rig_number_after(core, "Context = ");
	*core_port = (unsigned)rig_local_port(core);
	char *remote = remote_sdp(ue_port, ue_fp);
	*access_reply = rig_requestf(
	    rig,
	    "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access },\n"
	    "Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP "
	    "*\na=setup:active\na=fingerprint:$\n},\n%s } },\n"
	    "Events = 5 { xtls/up, xtls/fail } } }",
	    ctx, remote);
	g_free(remote), g_free(core);
	return g_strdup_printf("%u", ctx);
}

static void test_originating(void)
{
	uint16_t ue_port = 0;
	int ue_l = tcp_listen(&ue_port);
	char *access, *ctx;
	unsigned core_port;
	ctx = originating(ue_port, ue.fingerprint, &access, &core_port);
	CU_ASSERT_PTR_NOT_NULL_FATAL(access);
	char *agw_fp = rig_fingerprint(access);
	CU_ASSERT_TRUE(g_str_has_prefix(agw_fp, "sha-256 "));
	int peer, fd;
	CU_ASSERT_TRUE_FATAL(tcp_through((uint16_t)core_port, ue_l, &peer, &fd));
	char why[160] = "";
	gnutls_session_t s =
	    tlspeer_handshake(fd, false, &ue, agw_fp, 3000, why); /* the UE is the TLS server */
	if (!s)
		fprintf(stderr, "\n    UE handshake: %s\n", why);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	char *n = rig_notify(rig, 2000);
	CU_ASSERT_TRUE(n && strstr(n, "T : xtls/up"));
	char got[8];
	CU_ASSERT_TRUE(tlspeer_cross(s, peer, msrp, sizeof msrp - 1, 2000));
	/* close_notify from the UE: a FIN toward the core; the core's FIN: close_notify toward the UE */
	gnutls_bye(s, GNUTLS_SHUT_WR);
	CU_ASSERT_EQUAL(tcp_read_all(peer, got, 1, 2000), 0);
	shutdown(peer, SHUT_WR);
	CU_ASSERT_EQUAL(tlspeer_read(s, got, 1, 2000), 0);
	g_free(rig_requestf(rig, "Context = %s { Subtract = * { Audit { } } }", ctx));
	tlspeer_close(s, fd);
	close(peer), close(ue_l);
	g_free(n), g_free(access), g_free(ctx), g_free(agw_fp);
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
		"xtls/fail {\n          reason = \"the peer certificate does not match the fingerprint\""));
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
	    "Events = 6 { xtls/up, xtls/fail } } }");
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
	CU_ASSERT_TRUE(n && strstr(n, "xtls/up"));
	CU_ASSERT_EQUAL(tcp_read_all(h.peer, got, 5, 2000), 5);
	CU_ASSERT_EQUAL(memcmp(got, "hello", 5), 0);
	held_close(&h);
	g_free(remote), g_free(mod), g_free(n);
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

/* A UE certificate on disk for an outside TLS client: certtool writes it, we read its fingerprint. */
static bool ue_files(const char *dir, struct tls_identity *id)
{
	char *key = g_build_filename(dir, "ue-key.pem", NULL), *cert = g_build_filename(dir, "ue.pem", NULL);
	char *tmpl = g_build_filename(dir, "ue.tmpl", NULL), *err = NULL;
	g_file_set_contents(
	    tmpl, "cn = \"UE B\"\nserial = 7\nexpiration_days = 30\nsigning_key\ntls_www_client\n", -1, NULL);
	const char *gen_key[] = { "certtool", "--generate-privkey", "--key-type", "ecdsa", "--outfile", key,
				  NULL };
	const char *gen_cert[] = { "certtool",
				   "--generate-self-signed",
				   "--load-privkey",
				   key,
				   "--template",
				   tmpl,
				   "--outfile",
				   cert,
				   NULL };
	int st1 = -1, st2 = -1;
	bool ok = g_spawn_sync(NULL, (char **)gen_key, NULL,
			       G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
			       NULL, NULL, NULL, NULL, &st1, NULL) &&
		  st1 == 0 &&
		  g_spawn_sync(NULL, (char **)gen_cert, NULL,
			       G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
			       NULL, NULL, NULL, NULL, &st2, NULL) &&
		  st2 == 0 && tls_identity_init(id, cert, key, "UE B", &err);
	if (err)
		fprintf(stderr, "\n    %s\n", err);
	g_free(err), g_free(key), g_free(cert), g_free(tmpl);
	return ok;
}

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
	CU_ASSERT_TRUE_FATAL(dir && ue_files(dir, &id));
	uint16_t peer_port = 0;
	int peer_l = tcp_listen(&peer_port);
	char *access = rig_requestf(
	    rig,
	    "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access },\n"
	    "Local {\nv=0\nc=IN IP4 $\nm=application $ TCP/TLS/BFCP *\na=setup:passive\na=fingerprint:$\n},\n"
	    "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=application 9 TCP/TLS/BFCP *\na=fingerprint:%s\n} } },\n"
	    "Events = 7 { xtls/up, xtls/fail } } }",
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
	char connect[32], *cert = g_build_filename(dir, "ue.pem", NULL),
			  *key = g_build_filename(dir, "ue-key.pem", NULL);
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
	CU_ASSERT_TRUE(n && strstr(n, "T : xtls/up"));
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
	refused_choose("a=fingerprint:sha-256 $",
		       "Add = $ {\n      Error = 449 {\n        \"Local "
		       "a=fingerprint:sha-256 $: the gateway has no value to choose for $ there\"\n      }\n    "
		       "}\n  }\n}\n");
	refused_choose("a=path:msrps://127.0.0.1:$/kjhd37s2s20w2a;tcp",
		       "Add = $ {\n      Error = 449 {\n        \"Local "
		       "a=path:msrps://127.0.0.1:$/kjhd37s2s20w2a;tcp: the gateway has no value to choose for $ "
		       "there\"\n      }\n    }\n  }\n}\n");
	refused_choose("a=accept-types:$",
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
		{ "fingerprint mismatch: alert, xtls/fail, no byte crosses", test_mismatch },
		{ "terminating: handshake held until the Modify brings the fingerprint",
		  test_terminating_held },
		{ "no fingerprint in time: xtls/fail", test_hold_timeout },
		{ "BFCP with openssl s_client as the UE: Hello, HelloAck, close_notify", test_bfcp_openssl },
		{ "a $ the gateway cannot fill: 449 naming the line", test_choose_unfilled },
		{ NULL, NULL },
	};
	return rig_cunit_main("agw TLS legs", up, down, tests);
}
