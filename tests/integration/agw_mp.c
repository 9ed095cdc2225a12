/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-agw as MRFP (--profile mp, TS 23.333 §6.2.19, §6.2.20) against GnuTLS UEs using a pre-shared key,
 * the KMS case of TS 33.328 Annex H (the key given as tlsbsc/psk, doc/placeholders.md):
 *   - the UE connects and is the TLS-PSK client: tlsbsc/up, and MSRP SENDs cross the conference both
 *     ways to a participant on plain TCP the MRFP connected to (and bound with an empty SEND);
 *   - the MRFP connects (the answer's a=setup:active) and is the TLS-PSK client: BFCP Hello answered;
 *   - a UE with another key: the handshake fails, tlsbsc/fail, and nothing reaches the other participant;
 *   - the MRFP's connect refused: tcpbcc/fail with the reason;
 *   - a malformed key is refused with 449, a key on plain TCP with 473. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apppeer.h"
#include "bfcp.h"
#include "rig.h"
#include "tlspeer.h"

static struct rig *rig;
static const char key[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

static int up(void)
{
	rig = rig_start((const char *const[]){ "--profile", "mp", "--realm-access-ports", "30000-30049",
					       "--realm-core-ports", "30050-30099", NULL });
	return rig ? 0 : 1;
}

static int down(void)
{
	return rig_stop(rig) == 0 ? 0 : 1;
}

static bool notified(const char *what)
{
	char *n = rig_notify(rig, 2000);
	bool yes = n && strstr(n, what);
	if (!yes)
		fprintf(stderr, "\n    Notify: %s\n", n ? n : "(none)");
	g_free(n);
	return yes;
}

/* A TLS-PSK client session on fd with identity and the key in hex; NULL on failure. */
static gnutls_session_t psk_client(int fd, const char *identity, const char *hex,
				   gnutls_psk_client_credentials_t *cc)
{
	gnutls_datum_t k = { (unsigned char *)hex, (unsigned)strlen(hex) };
	gnutls_session_t s;
	gnutls_init(&s, GNUTLS_CLIENT);
	gnutls_priority_set_direct(s, "NORMAL:+ECDHE-PSK:+PSK", NULL);
	gnutls_psk_allocate_client_credentials(cc);
	gnutls_psk_set_client_credentials(*cc, identity, &k, GNUTLS_PSK_KEY_HEX);
	gnutls_credentials_set(s, GNUTLS_CRD_PSK, *cc);
	gnutls_transport_set_int(s, fd);
	gnutls_handshake_set_timeout(s, 3000);
	int rc;
	do
		rc = gnutls_handshake(s);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc < 0) {
		fprintf(stderr, "\n    UE handshake: %s\n", gnutls_strerror(rc));
		gnutls_deinit(s);
		return NULL;
	}
	return s;
}

/* A conference of UE A (TCP/TLS/<app> with the key and a=setup as given; its Remote when ue_port) and,
 * for MSRP, UE B on plain TCP/MSRP whom the MRFP connects to on b_port. The context; *a_port is the
 * MRFP's port for A, a_server and b_server its MSRP URIs. */
static unsigned mp_context(const char *app, const char *setup, uint16_t ue_port, uint16_t b_port,
			   unsigned *a_port, char a_server[128], char b_server[128])
{
	bool msrp = !strcmp(app, "MSRP");
	const char *media = msrp ? "message" : "application";
	char remote[256] = "";
	if (ue_port)
		snprintf(remote, sizeof remote,
			 ",\nRemote {\nv=0\nc=IN IP4 127.0.0.1\nm=%s %u TCP/TLS/%s *\n%s}", media, ue_port,
			 app, msrp ? "a=path:msrps://127.0.0.1:9/ueA;tcp\n" : "");
	char *a =
	    rig_requestf(rig,
			 "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access, "
			 "tlsbsc/psk = \"kms-tek-1:%s\" },\nLocal {\nv=0\nc=IN IP4 $\nm=%s $ TCP/TLS/%s *\n"
			 "a=setup:%s\n%s}%s } },\nEvents = 4 { tlsbsc/up, tlsbsc/fail, tcpbcc/fail }%s } }",
			 key, media, app, setup, msrp ? "a=path:$\n" : "", remote,
			 strcmp(setup, "active") ? "" : ",\nSignals { tlsbsc/est }"); /* the MRFP connects: client */
	unsigned ctx = rig_number_after(a, "Context = ");
	*a_port = rig_local_port(a);
	rig_line_after(a, "a=path:", a_server, 128);
	g_free(a);
	if (!msrp)
		return ctx;
	char *b = rig_requestf(
	    rig,
	    "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access },\n"
	    "Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:active\na=path:$\n},\n"
	    "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message %u TCP/MSRP *\n"
	    "a=path:msrp://127.0.0.1:%u/ueB;tcp\n} } } } }",
	    ctx, b_port, b_port);
	rig_line_after(b, "a=path:", b_server, 128);
	g_free(b);
	return ctx;
}

/* UE A connects to the MRFP's passive leg and runs TLS-PSK with the key in hex; B, on plain TCP, is
 * connected to by the MRFP, which binds B's session with an empty SEND (RFC 4975 §5.4). */
struct ue_call {
	int b_l, fd, b;
	unsigned ctx;
	char a_server[128], b_server[128], b_path[64];
	gnutls_psk_client_credentials_t cc;
	gnutls_session_t s;
	struct apppeer pa, pb;
};

static void ue_connects(struct ue_call *u, const char *hex)
{
	uint16_t b_port = 0;
	unsigned access_port;
	u->b_l = tcp_listen(&b_port);
	snprintf(u->b_path, sizeof u->b_path, "msrp://127.0.0.1:%u/ueB;tcp", b_port);
	u->ctx = mp_context("MSRP", "passive", 0, b_port, &access_port, u->a_server, u->b_server);
	u->b = tcp_accept(u->b_l, 2000);
	bool connected = false;
	u->fd = tcp_connect_from(0, (uint16_t)access_port, 2000, &connected);
	CU_ASSERT_TRUE_FATAL(u->b >= 0 && (connected || tcp_wait_connected(u->fd, 2000)));
	u->s = psk_client(u->fd, "kms-tek-1", hex, &u->cc);
	apppeer_init(&u->pa, u->fd, u->s);
	apppeer_init(&u->pb, u->b, NULL);
	struct msrp_frame f;
	char *bind = apppeer_msrp(&u->pb, 2000, &f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(bind);
	char *mid = msrp_field_dup(&f, MSRP_MESSAGE_ID);
	char *want = g_strdup_printf("MSRP %s SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: %s\r\n"
				     "Byte-Range: 1-0/0\r\n-------%s$\r\n",
				     f.tid, u->b_path, u->b_server, mid, f.tid);
	CU_ASSERT_STRING_EQUAL(bind, want);
	g_free(bind), g_free(mid), g_free(want);
}

static void ue_ends(struct ue_call *u)
{
	g_free(rig_requestf(rig, "Context = %u { Subtract = * }", u->ctx));
	tlspeer_close(u->s, u->fd);
	gnutls_psk_free_client_credentials(u->cc);
	apppeer_clear(&u->pa), apppeer_clear(&u->pb);
	close(u->b), close(u->b_l);
}

/* from sends a SEND chunk of body to the server at server_path; to receives it switched, byte for byte. */
static void crosses(struct apppeer *from, const char *from_path, const char *server_from, struct apppeer *to,
		    const char *to_path, const char *server_to, const char *body)
{
	char *send = g_strdup_printf(
	    "MSRP t0000001 SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: m1\r\n"
	    "Byte-Range: 1-%zu/%zu\r\nContent-Type: text/plain\r\n\r\n%s\r\n-------t0000001$\r\n",
	    server_from, from_path, strlen(body), strlen(body), body);
	CU_ASSERT_TRUE(apppeer_send(from, send, strlen(send)));
	struct msrp_frame f;
	char *ok = apppeer_msrp(from, 2000, &f);
	CU_ASSERT_PTR_NOT_NULL(ok && g_str_has_prefix(ok, "MSRP t0000001 200 OK\r\n") ? ok : NULL);
	char *got = apppeer_msrp(to, 2000, &f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	char *want =
	    g_strdup_printf("MSRP %s SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: m1\r\n"
			    "Byte-Range: 1-%zu/%zu\r\nContent-Type: text/plain\r\n\r\n%s\r\n-------%s$\r\n",
			    f.tid, to_path, server_to, strlen(body), strlen(body), body, f.tid);
	CU_ASSERT_STRING_EQUAL(got, want);
	g_free(send), g_free(ok), g_free(got), g_free(want);
}

static void test_ue_client(void)
{
	struct ue_call u;
	ue_connects(&u, key);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u.s);
	CU_ASSERT_TRUE(notified("T : tlsbsc/up"));
	crosses(&u.pa, "msrps://127.0.0.1:9/ueA;tcp", u.a_server, &u.pb, u.b_path, u.b_server,
		"over TLS-PSK");
	crosses(&u.pb, u.b_path, u.b_server, &u.pa, "msrps://127.0.0.1:9/ueA;tcp", u.a_server, "and back");
	ue_ends(&u);
}

static void test_wrong_key(void)
{
	struct ue_call u;
	ue_connects(&u, "ffeeddccbbaa99887766554433221100");
	CU_ASSERT_PTR_NULL(u.s);
	CU_ASSERT_TRUE(notified("tlsbsc/fail {\n          reason = \"TLS handshake: "));
	struct msrp_frame f;
	CU_ASSERT_PTR_NULL(apppeer_msrp(&u.pb, 500, &f)); /* nothing after the bind reached B */
	ue_ends(&u);
}

static int psk_of_test(gnutls_session_t s, const char *identity, gnutls_datum_t *k)
{
	(void)s;
	if (strcmp(identity, "kms-tek-1"))
		return -1;
	gnutls_datum_t hex = { (unsigned char *)key, sizeof key - 1 };
	return gnutls_hex_decode2(&hex, k) < 0 ? -1 : 0;
}

/* The MRFP starts TCP toward the UE (TS 23.333 §6.2.20 step 5) and is the TLS-PSK client; the UE's BFCP
 * Hello is answered by the floor control server behind it. */
static void test_mrfp_client(void)
{
	uint16_t ue_port = 0;
	int ue_l = tcp_listen(&ue_port);
	char unused[128];
	unsigned access_port, ctx = mp_context("BFCP", "active", ue_port, 0, &access_port, unused, unused);
	int fd = tcp_accept(ue_l, 2000);
	CU_ASSERT_TRUE_FATAL(fd >= 0);
	gnutls_psk_server_credentials_t sc;
	gnutls_psk_allocate_server_credentials(&sc);
	gnutls_psk_set_server_credentials_function(sc, psk_of_test);
	gnutls_session_t s;
	gnutls_init(&s, GNUTLS_SERVER);
	gnutls_priority_set_direct(s, "NORMAL:+ECDHE-PSK:+PSK", NULL);
	gnutls_credentials_set(s, GNUTLS_CRD_PSK, sc);
	gnutls_transport_set_int(s, fd);
	gnutls_handshake_set_timeout(s, 3000);
	int rc;
	do
		rc = gnutls_handshake(s);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(gnutls_psk_server_get_username(s), "kms-tek-1");
	CU_ASSERT_TRUE(notified("T : tlsbsc/up"));
	struct apppeer p;
	apppeer_init(&p, fd, s);
	static const uint8_t hello[] = { 0x20, BFCP_HELLO, 0, 0, 0, 0, 0, 1, 0, 1, 0, 2 };
	CU_ASSERT_TRUE(apppeer_send(&p, hello, sizeof hello));
	char *ack = apppeer_bfcp(&p, 2000);
	CU_ASSERT_STRING_EQUAL(ack ? ack : "",
			       "HelloAck conf 1 tid 1 user 2 {SUPPORTED-PRIMITIVES 1,2,4,7,8,11,12,13,16,17, "
			       "SUPPORTED-ATTRIBUTES 1,2,3,5,6,7,10,11,14,15,17,18}");
	g_free(ack);
	apppeer_clear(&p);
	g_free(rig_requestf(rig, "Context = %u { Subtract = * }", ctx));
	tlspeer_close(s, fd);
	gnutls_psk_free_server_credentials(sc);
	close(ue_l);
}

/* TS 23.333 §6.2.20: the MRFC asked for tcpbcc/fail; the UE's port refuses. */
static void test_connect_refused(void)
{
	uint16_t closed_port = 0;
	close(tcp_listen(&closed_port)); /* a port nobody listens on */
	char unused[128];
	unsigned access_port,
	    ctx = mp_context("BFCP", "active", closed_port, 0, &access_port, unused, unused);
	CU_ASSERT_TRUE(notified("tcpbcc/fail {\n          reason = \"Connection refused\""));
	g_free(rig_requestf(rig, "Context = %u { Subtract = * }", ctx));
}

static void test_refusals(void)
{
	char *r =
	    rig_requestf(rig, "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = "
			      "access, tlsbsc/psk = \"kms:00zz\" }, Local {\nv=0\nc=IN IP4 $\nm=message $ "
			      "TCP/TLS/MSRP *\n} } } } }");
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(r, "Error = 449 {\n        \"tlsbsc/psk: expected 'identity:key' with the key in "
		      "hex, 16 to 64 octets\""));
	g_free(r);
	r = rig_requestf(
	    rig,
	    "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = core, "
	    "tlsbsc/psk = \"kms:%s\" }, Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\n} } } } }",
	    key);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(r, "Error = 473 {\n        \"tlsbsc/psk on a termination without TLS over TCP\""));
	g_free(r);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	return rig_cunit_main("ims-agw as MRFP (Mp): TLS with a pre-shared key", up, down,
			      (const struct rig_test[]){
				  { "the UE connects, TLS-PSK, MSRP switched both ways", test_ue_client },
				  { "another key: tlsbsc/fail, nothing crosses", test_wrong_key },
				  { "the MRFP connects, TLS-PSK client, BFCP Hello", test_mrfp_client },
				  { "the MRFP's connect refused: tcpbcc/fail", test_connect_refused },
				  { "refusals: a malformed key 449, a key on plain TCP 473", test_refusals },
				  { NULL, NULL } });
}
