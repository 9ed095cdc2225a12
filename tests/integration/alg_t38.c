/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-alg with the real ims-agw, T.38 fax e2ae over DTLS (TS 23.334 §6.2.10.4, RFC 7345): the exact SDP
 * each side sees and the exact H.248 the ALG sends, then a UDPTL packet through the gateway's DTLS leg:
 *   - originating, the UE offers actpass: the gateway is the DTLS client (tlsbsc/est with the answer), the
 *     UE hears a=setup:active; the UE offers active: the gateway is the server, the UE hears passive;
 *   - terminating, the ALG offers actpass to the UE: it answers active (the gateway is the server) or
 *     passive (the gateway is the client, Local a=setup:active and tlsbsc/est in the Modify);
 *   - a re-offer whose fingerprint uses sha-1: 488, and the call goes on as it was, its context whole.
 * Toward the core the line is plain udptl without a=setup, a=fingerprint or a=3ge2ae. */
#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <glib.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "algrig.h"
#include "rig.h"
#include "seed.h"
#include "sippeer.h"
#include "tlspeer.h"

static struct algrig plain, combined; /* combined: policy.combined (NOTE 2) */
static struct algrig *rig = &plain;   /* the one the test at hand calls through */
static struct sippeer ue, core;
static struct tls_identity ue_id;

/* The ALG writes the gateway's address as a media-level c= after m=. */
static char *via_gw(const char *user, unsigned port, bool tls, const char *setup, const char *fp,
		    const char *e2ae)
{
	return algrig_sdp_via_gw(user, &payload_t38, port, tls, setup, fp, e2ae);
}

/* A UDPTL packet from the UE over DTLS reaches the core peer byte-exact, and one back. */
static void cross(gnutls_session_t s, int core_fd)
{
	uint8_t out[UDPTL_MAX], in[32];
	size_t n = payload_udptl(1, T38_CED, out);
	CU_ASSERT_TRUE(tlspeer_write(s, out, n));
	CU_ASSERT_TRUE(udp_recv(core_fd, in, sizeof in, 2000) == (ssize_t)n && !memcmp(in, out, n));
	n = payload_udptl(2, T38_CNG, out);
	send(core_fd, out, n, 0);
	CU_ASSERT_TRUE(tlspeer_read(s, in, n, 2000) == (ssize_t)n && !memcmp(in, out, n));
}

static void hang_up(struct sipdlg *by, struct sippeer *other)
{
	sipdlg_send(by, "BYE", NULL);
	char *bye = sippeer_recv(other, 3000), *ok = NULL;
	CU_ASSERT_TRUE(bye && g_str_has_prefix(bye, "BYE "));
	if (bye) {
		sippeer_answer(other, bye, "x", "200 OK", NULL);
		ok = sippeer_recv(by->me, 3000);
	}
	CU_ASSERT_TRUE(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	g_free(ok), g_free(bye);
}

/* A call once answered: the caller ACKs, the UE runs DTLS with the gateway (the client when ue_client)
 * and a UDPTL packet crosses each way, then mid (when set) plays its part, and the caller hangs up.
 * Returns the H.248 the call caused. */
struct leg_pair;
typedef void mid_call(const struct leg_pair *c, struct sipdlg *caller, gnutls_session_t s);
struct leg_pair {
	struct sippeer *caller, *callee;
	const char *callee_user;
	const char *inv, *ok;
	int fd, core_fd; /* the UE's and the core peer's UDP sockets */
	unsigned agw_access, agw_core;
	const char *agw_fp;
	long mark;
	mid_call *mid;
};

static char *carry(const struct leg_pair *c, bool ue_client)
{
	struct sipdlg dr, de;
	sipdlg_caller(&dr, c->caller, c->ok, 1);
	sipdlg_callee(&de, c->callee, c->inv, c->callee_user);
	sipdlg_send(&dr, "ACK", NULL);
	g_free(sippeer_recv(c->callee, 3000));
	udp_connect(c->fd, (uint16_t)c->agw_access), udp_connect(c->core_fd, (uint16_t)c->agw_core);
	char why[160] = "";
	gnutls_session_t s = tlspeer_handshake(c->fd, ue_client, &ue_id, c->agw_fp, 3000, why);
	if (!s)
		fprintf(stderr, "\n    UE handshake: %s\n", why);
	CU_ASSERT_PTR_NOT_NULL(s);
	if (s)
		cross(s, c->core_fd);
	if (s && c->mid)
		c->mid(c, &dr, s);
	hang_up(&dr, c->callee);
	tlspeer_close(s, c->fd);
	close(c->core_fd);
	sipdlg_clear(&dr), sipdlg_clear(&de);
	return algrig_h248(rig, c->mark, false);
}

/* The H.248 of the T.38 calls, tests/h248/seed004/t38_*.txt: originating, the core leg, the access leg
 * with the UE's offer, then the core's answer (and tlsbsc/est when the gateway is the DTLS client; in the
 * access leg's Add under NOTE 2); terminating, the access leg with the gateway's fingerprint, the core
 * leg toward the offerer, then the UE's answer (when the UE is passive the gateway turns active and
 * starts DTLS). The core leg is plain UDP: no a=setup, and no events to report. */
static char *t38_h248(const char *name, uint16_t mgc_port, uint16_t ue_port, uint16_t core_port,
		      const char *const *more)
{
	char mgc[8], ue_s[8], core_s[8];
	snprintf(mgc, sizeof mgc, "%u", mgc_port), snprintf(ue_s, sizeof ue_s, "%u", ue_port);
	snprintf(core_s, sizeof core_s, "%u", core_port);
	const char *pairs[32] = { "mgc_port",  mgc,    "ue_port",        ue_s,
				  "core_port", core_s, "ue_fingerprint", ue_id.fingerprint };
	for (size_t n = 8; *more && n + 2 < G_N_ELEMENTS(pairs); n += 2, more += 2)
		pairs[n] = more[0], pairs[n + 1] = more[1];
	return seed_h248(name, pairs);
}

struct names {
	const char *ctx, *ac, *co;
};

static void originating(const char *ue_setup, const char *gw_setup, struct names n, mid_call *mid)
{
	long mark = algrig_mark(rig);
	uint16_t ue_port = 0, core_port = 0;
	int fd = udp_socket("127.0.0.1", &ue_port), core_fd = udp_socket("127.0.0.1", &core_port);
	char *offer = algrig_sdp("ue", &payload_t38, ue_port, true, ue_setup, ue_id.fingerprint, "requested");
	sippeer_invite(&ue, rig->access, "a", "b", mid ? "reoffer" : ue_setup, offer); /* the Call-ID */
	char *inv = sippeer_recv(&core, 5000);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE sip:b@example.net SIP/2.0\r\n"));
	unsigned agw_core = sdp_port(sip_body(inv), "image");
	char *want = via_gw("ue", agw_core, false, NULL, NULL, NULL);
	ASSERT_TEXT("offer toward the core", sip_body(inv), want);
	g_free(want);
	char *answer = algrig_sdp("b", &payload_t38, core_port, false, NULL, NULL, NULL);
	sippeer_answer(&core, inv, "b", "200 OK", answer);
	char *ok = sippeer_recv(&ue, 5000);
	CU_ASSERT_TRUE_FATAL(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	unsigned agw_access = sdp_port(sip_body(ok), "image");
	char *agw_fp = sdp_fingerprint(sip_body(ok));
	want = via_gw("b", agw_access, true, gw_setup, agw_fp, NULL);
	ASSERT_TEXT("answer toward the UE", sip_body(ok), want);
	g_free(want);
	char *h248 = carry(&(struct leg_pair){ &ue, &core, "b", inv, ok, fd, core_fd, agw_access, agw_core,
					       agw_fp, mark, mid },
			   !strcmp(gw_setup, "passive"));
	bool client = !strcmp(gw_setup, "active");
	want = t38_h248(rig == &combined ? "seed004/t38_orig_combined"
			: client         ? "seed004/t38_orig_client"
					 : "seed004/t38_orig_server",
			rig->h248, ue_port, core_port,
			(const char *const[]){ "ctx", n.ctx, "access_term", n.ac, "core_term", n.co, NULL });
	ASSERT_TEXT("H.248", h248, want);
	g_free(h248), g_free(want);
	g_free(agw_fp), g_free(ok), g_free(answer), g_free(inv), g_free(offer);
}

static void test_orig_client(void)
{
	originating("actpass", "active", (struct names){ "1", "ac/2", "co/1" }, NULL);
}

static void test_orig_combined(void)
{
	rig = &combined;
	originating("actpass", "active", (struct names){ "1", "ac/2", "co/1" }, NULL);
	rig = &plain;
}

static void test_orig_server(void)
{
	originating("active", "passive", (struct names){ "2", "ac/4", "co/3" }, NULL);
}

/* The UE re-offers its T.38 line with a certificate named by a sha-1 fingerprint: 488 before the gateway is
 * asked anything, nothing to the core, and the call goes on as it was (RFC 3261 §14.1): the DTLS
 * association still carries UDPTL, and the hang-up subtracts the context whole (the H.248 of the call is
 * the seed's, nothing more, nothing less: once, the old line's terminations were forgotten here, left at
 * the gateway, and its Subtract never sent). */
static void weak_reoffer(const struct leg_pair *c, struct sipdlg *caller, gnutls_session_t s)
{
	struct sockaddr_in a;
	socklen_t n = sizeof a;
	CU_ASSERT_EQUAL_FATAL(getsockname(c->fd, (struct sockaddr *)&a, &n), 0);
	long mark = algrig_mark(rig);
	char *offer =
	    algrig_sdp("ue", &payload_t38, ntohs(a.sin_port), true, "actpass",
		       "sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB", "requested");
	sipdlg_send(caller, "INVITE", offer);
	char *no = sippeer_final(&ue, 5000);
	CU_ASSERT_TRUE(
	    no && g_str_has_prefix(no, "SIP/2.0 488 Not Acceptable Here (fingerprint hash too weak)\r\n"));
	if (no)
		sippeer_ack(&ue, rig->access, caller->target, no);
	CU_ASSERT_PTR_NULL(sippeer_recv(&core, 300)); /* the core heard nothing of it */
	char *tx = algrig_h248(rig, mark, false);
	CU_ASSERT_STRING_EQUAL(tx, ""); /* nor the gateway */
	cross(s, c->core_fd);
	g_free(tx), g_free(no), g_free(offer);
}

static void test_reoffer_weak(void)
{
	originating("actpass", "active", (struct names){ "5", "ac/10", "co/9" }, weak_reoffer);
}

/* The core offers udptl to the UE, which answers with ue_setup. */
static void terminating(const char *ue_setup, struct names n)
{
	long mark = algrig_mark(rig);
	uint16_t ue_port = 0, core_port = 0;
	int fd = udp_socket("127.0.0.1", &ue_port), core_fd = udp_socket("127.0.0.1", &core_port);
	char *offer = algrig_sdp("c", &payload_t38, core_port, false, NULL, NULL, NULL);
	sippeer_invite(&core, rig->core, "c", "a", ue_setup, offer);
	char *inv = sippeer_recv(&ue, 5000);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE sip:a@127.0.0.1:"));
	/* UDP/TLS/UDPTL, a=setup:actpass, the gateway's fingerprint, a=3ge2ae:applied (§6.2.10.4) */
	unsigned agw_access = sdp_port(sip_body(inv), "image");
	char *agw_fp = sdp_fingerprint(sip_body(inv));
	char *want = via_gw("c", agw_access, true, "actpass", agw_fp, "applied");
	ASSERT_TEXT("offer toward the UE", sip_body(inv), want);
	g_free(want);
	char *answer = algrig_sdp("a", &payload_t38, ue_port, true, ue_setup, ue_id.fingerprint, NULL);
	sippeer_answer(&ue, inv, "a", "200 OK", answer);
	char *ok = sippeer_recv(&core, 5000);
	CU_ASSERT_TRUE_FATAL(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	unsigned agw_core = sdp_port(sip_body(ok), "image");
	want = via_gw("a", agw_core, false, NULL, NULL, NULL);
	ASSERT_TEXT("answer toward the core", sip_body(ok), want);
	g_free(want);
	char *h248 = carry(&(struct leg_pair){ &core, &ue, "a", inv, ok, fd, core_fd, agw_access, agw_core,
					       agw_fp, mark, NULL },
			   !strcmp(ue_setup, "active"));
	char port[8];
	snprintf(port, sizeof port, "%u", agw_access);
	bool server = !strcmp(ue_setup, "active");
	want = t38_h248(server ? "seed004/t38_term_server" : "seed004/t38_term_client", rig->h248, ue_port,
			core_port,
			(const char *const[]){ "ctx", n.ctx, "access_term", n.ac, "core_term", n.co,
					       "gw_fingerprint", agw_fp, "gw_port", port, NULL });
	ASSERT_TEXT("H.248", h248, want);
	g_free(h248), g_free(want);
	g_free(agw_fp), g_free(ok), g_free(answer), g_free(inv), g_free(offer);
}

static void test_term_server(void)
{
	terminating("active", (struct names){ "3", "ac/5", "co/6" });
}

static void test_term_client(void)
{
	terminating("passive", (struct names){ "4", "ac/7", "co/8" });
}

static int up(void)
{
	char *err = NULL;
	if (!tls_identity_init(&ue_id, NULL, NULL, "UE", &err) || !sippeer_open(&ue, false) ||
	    !sippeer_open(&core, false))
		return 1;
	if (!algrig_start(&plain, &(struct algrig_opts){ .next_hop = core.port,
							 .access_ports = "29400-29449",
							 .core_ports = "29450-29499" }) ||
	    !algrig_start(&combined,
			  &(struct algrig_opts){ .next_hop = core.port,
						 .alg = (const char *const[]){ "--policy-combined", NULL },
						 .access_ports = "29500-29549",
						 .core_ports = "29550-29599" }))
		return 1;
	bool registered = true;
	for (struct algrig *r = &plain; r; r = r == &plain ? &combined : NULL) {
		algrig_send_register(&ue, r->access, "a", "udptl-dtls;mediasec");
		char *ok = sippeer_recv(&ue, 3000);
		registered &= ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n");
		g_free(ok);
	}
	return registered ? 0 : 1;
}

static int down(void)
{
	bool a = algrig_stop(&plain), b = algrig_stop(&combined), ok = a && b;
	tls_identity_clear(&ue_id);
	sippeer_close(&ue), sippeer_close(&core);
	return ok ? 0 : 1;
}

int main(void)
{
	static const struct rig_test tests[] = {
		{ "T.38 originating, the gateway DTLS client", test_orig_client },
		{ "T.38 originating, the gateway DTLS server", test_orig_server },
		{ "T.38 terminating, the gateway DTLS server", test_term_server },
		{ "T.38 terminating, the gateway DTLS client (tlsbsc/est)", test_term_client },
		{ "T.38 originating under NOTE 2: tlsbsc/est in the access leg's Add", test_orig_combined },
		{ "T.38 re-offered with a sha-1 fingerprint: 488, the call as it was", test_reoffer_weak },
		{ NULL, NULL },
	};
	return rig_cunit_main("ims-alg T.38 over DTLS with ims-agw", up, down, tests);
}
