/* ims-agw as MRFP (--profile mp, TS 23.333 §6.2.19, §6.2.20) against GnuTLS UEs using a pre-shared key,
 * the KMS case of TS 33.328 Annex H (the key given as xtls/psk, doc/placeholders.md):
 *   - the UE connects and is the TLS-PSK client: xtls/up, an MSRP SEND crosses both ways to the peer
 *     the MRFP connected to;
 *   - the MRFP connects (the answer's a=setup:active) and is the TLS-PSK client;
 *   - a UE with another key: the handshake fails, xtls/fail, and not one byte crosses;
 *   - the MRFP's connect refused: xtcp/fail with the reason;
 *   - a malformed key is refused with 449, a key on plain TCP with 473. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "payload.h"
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

/* Access (TCP/TLS/MSRP with the key, setup, optional Remote) and core (TCP/MSRP, active toward the
 * peer's port) terminations of a new context: the context and the access port. */
static unsigned mp_context(const char *setup, uint16_t ue_port, uint16_t peer_port, unsigned *access_port)
{
	char remote[256] = "";
	if (ue_port)
		snprintf(remote, sizeof remote,
			 ",\nRemote {\nv=0\nc=IN IP4 127.0.0.1\nm=message %u TCP/TLS/MSRP *\n}", ue_port);
	char *a = rig_requestf(
	    rig,
	    "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access, "
	    "xtls/psk = \"kms-tek-1:%s\" },\nLocal {\nv=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP *\n"
	    "a=setup:%s\n}%s } },\nEvents = 4 { xtls/up, xtls/fail, xtcp/fail } } }",
	    key, setup, remote);
	unsigned ctx = rig_number_after(a, "Context = ");
	*access_port = rig_local_port(a);
	g_free(a);
	g_free(
	    rig_requestf(rig,
			 "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = core },\n"
			 "Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:active\n},\n"
			 "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message %u TCP/MSRP *\n} } } } }",
			 ctx, peer_port));
	return ctx;
}

/* A UE that connects to the MRFP's passive access leg (the MRFP then connects to the peer) and runs
 * TLS-PSK with the key in hex. */
struct ue_call {
	int peer_l, fd, peer;
	unsigned ctx;
	gnutls_psk_client_credentials_t cc;
	gnutls_session_t s;
};

static void ue_connects(struct ue_call *u, const char *hex)
{
	uint16_t peer_port = 0;
	unsigned access_port;
	u->peer_l = tcp_listen(&peer_port);
	u->ctx = mp_context("passive", 0, peer_port, &access_port);
	CU_ASSERT_TRUE_FATAL(tcp_through((uint16_t)access_port, u->peer_l, &u->fd, &u->peer));
	u->s = psk_client(u->fd, "kms-tek-1", hex, &u->cc);
}

static void ue_ends(struct ue_call *u)
{
	g_free(rig_requestf(rig, "Context = %u { Subtract = * }", u->ctx));
	tlspeer_close(u->s, u->fd);
	gnutls_psk_free_client_credentials(u->cc);
	close(u->peer), close(u->peer_l);
}

static void test_ue_client(void)
{
	struct ue_call u;
	ue_connects(&u, key);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u.s);
	CU_ASSERT_TRUE(notified("T : xtls/up"));
	CU_ASSERT_TRUE(tlspeer_cross(u.s, u.peer, payload_msrp.bytes, payload_msrp.n, 2000));
	ue_ends(&u);
}

static void test_wrong_key(void)
{
	struct ue_call u;
	ue_connects(&u, "ffeeddccbbaa99887766554433221100");
	CU_ASSERT_PTR_NULL(u.s);
	CU_ASSERT_TRUE(notified("xtls/fail {\n          reason = \"TLS handshake: "));
	char got[8];
	CU_ASSERT(tcp_read_all(u.peer, got, sizeof got, 500) <= 0); /* not one byte crossed */
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

/* The MRFP starts TCP toward the UE (TS 23.333 §6.2.20 step 5) and is the TLS-PSK client. */
static void test_mrfp_client(void)
{
	uint16_t ue_port = 0, peer_port = 0;
	int ue_l = tcp_listen(&ue_port), peer_l = tcp_listen(&peer_port);
	unsigned access_port, ctx = mp_context("active", ue_port, peer_port, &access_port);
	int fd = tcp_accept(ue_l, 2000), peer = tcp_accept(peer_l, 2000);
	CU_ASSERT_TRUE_FATAL(fd >= 0 && peer >= 0);
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
	CU_ASSERT_TRUE(notified("T : xtls/up"));
	CU_ASSERT_TRUE(tlspeer_cross(s, peer, payload_bfcp.bytes, payload_bfcp.n, 2000));
	g_free(rig_requestf(rig, "Context = %u { Subtract = * }", ctx));
	tlspeer_close(s, fd);
	gnutls_psk_free_server_credentials(sc);
	close(peer), close(peer_l), close(ue_l);
}

/* TS 23.333 §6.2.20: the MRFC asked for xtcp/fail; the UE's port refuses. */
static void test_connect_refused(void)
{
	uint16_t closed_port = 0;
	close(tcp_listen(&closed_port)); /* a port nobody listens on */
	unsigned access_port, ctx = mp_context("active", closed_port, 9, &access_port);
	CU_ASSERT_TRUE(notified("xtcp/fail {\n          reason = \"Connection refused\""));
	g_free(rig_requestf(rig, "Context = %u { Subtract = * }", ctx));
}

static void test_refusals(void)
{
	char *r =
	    rig_requestf(rig, "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = "
			      "access, xtls/psk = \"kms:00zz\" }, Local {\nv=0\nc=IN IP4 $\nm=message $ "
			      "TCP/TLS/MSRP *\n} } } } }");
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(r, "Error = 449 {\n        \"xtls/psk: expected 'identity:key' with the key in "
		      "hex, 16 to 64 octets\""));
	g_free(r);
	r = rig_requestf(
	    rig,
	    "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = core, "
	    "xtls/psk = \"kms:%s\" }, Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\n} } } } }",
	    key);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(r, "Error = 473 {\n        \"xtls/psk on a termination without TLS over TCP\""));
	g_free(r);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	return rig_cunit_main("ims-agw as MRFP (Mp): TLS with a pre-shared key", up, down,
			      (const struct rig_test[]){
				  { "the UE connects, TLS-PSK, MSRP both ways", test_ue_client },
				  { "another key: xtls/fail, nothing crosses", test_wrong_key },
				  { "the MRFP connects and is the TLS-PSK client", test_mrfp_client },
				  { "the MRFP's connect refused: xtcp/fail", test_connect_refused },
				  { "refusals: a malformed key 449, a key on plain TCP 473", test_refusals },
				  { NULL, NULL } });
}
