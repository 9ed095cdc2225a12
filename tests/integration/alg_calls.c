/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-alg with the real ims-agw, the signalling around the calls (alg_media has the calls' media): the
 * test plays UE A on the access side and the core on the core side and asserts what each side sees:
 *   - registration: Security-Client mediasec mechanisms recorded, Security-Server answered, by the ALG
 *     as registrar and, forwarded to the core's registrar, with the mechanisms stripped and a Path;
 *   - malformed SIP and SDP: 400 with the reason, and nothing reaches the core or the gateway;
 *   - CANCEL before the answer: 487 to the UE, the core's INVITE cancelled, the context subtracted. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <string.h>
#include <unistd.h>

#include "algrig.h"
#include "rig.h"
#include "seed.h"
#include "sippeer.h"
#include "cert.h"

static struct algrig rig;
static struct sippeer ue, core;
static struct tls_identity ue_id;

/* UE A registers at an ALG's access port, offering two media mechanisms and a signalling one. */
static void ue_registers(uint16_t port)
{
	algrig_send_register(&ue, port, "a",
			     "ipsec-3gpp;alg=hmac-sha-1-96, msrp-tls;mediasec, bfcp-tls;mediasec");
}

/* sofia-sip writes one mechanism per header line */
static const char security_server[] =
    "Security-Server: msrp-tls;mediasec\r\nSecurity-Server: bfcp-tls;mediasec\r\n";

static void test_register(void)
{
	ue_registers(rig.access);
	char *r = sippeer_recv(&ue, 3000);
	CU_ASSERT_TRUE_FATAL(r && g_str_has_prefix(r, "SIP/2.0 200 "));
	char *ss = sip_headers(r, "Security-Server");
	CU_ASSERT_STRING_EQUAL(ss, security_server);
	g_free(ss), g_free(r);
}

/* sip.registrar=false: the REGISTER goes on to the core without the mediasec mechanisms and with a Path;
 * the core's 200 comes back with our Security-Server. */
static void test_register_forwarded(void)
{
	struct algrig fwd;
	CU_ASSERT_TRUE_FATAL(algrig_start(
	    &fwd, &(struct algrig_opts){ .next_hop = core.port,
					 .alg = (const char *const[]){ "--no-sip-registrar", NULL } }));
	char *reg = NULL; /* repeated (as a UDP client would) until the new ALG has bound its port */
	for (int i = 0; i < 20 && !reg; i++) {
		ue_registers(fwd.access);
		reg = sippeer_recv(&core, 250);
	}
	CU_ASSERT_TRUE_FATAL(reg && g_str_has_prefix(reg, "REGISTER sip:a@example.net SIP/2.0\r\n"));
	char *sc = sip_headers(reg, "Security-Client"), *path = sip_header(reg, "Path"),
	     *want_path = g_strdup_printf("<sip:127.0.0.1:%u;lr>", fwd.core);
	CU_ASSERT_STRING_EQUAL(sc, "Security-Client: ipsec-3gpp;alg=hmac-sha-1-96\r\n");
	CU_ASSERT_STRING_EQUAL(path, want_path);
	sippeer_answer(&core, reg, "a", "200 OK", NULL);
	char *r = sippeer_recv(&ue, 3000);
	CU_ASSERT_TRUE_FATAL(r && g_str_has_prefix(r, "SIP/2.0 200 OK\r\n"));
	char *ss = sip_headers(r, "Security-Server");
	CU_ASSERT_STRING_EQUAL(ss, security_server);
	CU_ASSERT_TRUE(algrig_stop(&fwd));
	g_free(ss), g_free(r), g_free(want_path), g_free(path), g_free(sc), g_free(reg);
}

static void test_bad_sdp(void)
{
	long mark = algrig_mark(&rig);
	sippeer_invite(&ue, rig.access, "a", "b", "call2", "v=0\r\nm=message 9 TCP/TLS/MSRP\r\n");
	char *r = sippeer_recv(&ue, 3000);
	CU_ASSERT_TRUE_FATAL(r && g_str_has_prefix(r, "SIP/2.0 400 Bad SDP: an m= line that is not"));
	sippeer_ack(&ue, rig.access, "sip:b@example.net", r);
	CU_ASSERT_PTR_NULL(sippeer_recv(&core, 300)); /* nothing went on */
	char *h248 = algrig_h248(&rig, mark, false);
	CU_ASSERT_STRING_EQUAL(h248, ""); /* nor to the gateway */
	g_free(h248), g_free(r);
}

/* A request sofia-sip cannot read (a CSeq without a number) gets 400 with the reason. */
static void test_bad_sip(void)
{
	char *head = sippeer_request(&ue, "INVITE", "a", "b", "call4", 1, NULL, false);
	char *cseq = strstr(head, "CSeq: 1 ");
	memcpy(cseq, "CSeq: x ", 8);
	sippeer_send(&ue, rig.access, head, NULL);
	g_free(head);
	char *r = sippeer_recv(&ue, 3000);
	CU_ASSERT_TRUE(r && g_str_has_prefix(r, "SIP/2.0 400 Bad CSeq Header\r\n"));
	CU_ASSERT_PTR_NULL(sippeer_recv(&core, 300));
	g_free(r);
}

static void test_cancel(void)
{
	long mark = algrig_mark(&rig);
	uint16_t ue_msrp;
	int ue_l = tcp_listen(&ue_msrp);
	char *offer =
	    algrig_sdp("ue", &payload_msrp, ue_msrp, true, "actpass", ue_id.fingerprint, "requested");
	sippeer_invite(&ue, rig.access, "a", "b", "call3", offer);
	char *inv = sippeer_recv(&core, 5000);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE "));
	sippeer_answer(&core, inv, "b", "180 Ringing", NULL);
	char *ringing = sippeer_recv(&ue, 3000);
	CU_ASSERT_TRUE(ringing && g_str_has_prefix(ringing, "SIP/2.0 180 Ringing\r\n"));
	char *cancel_head = sippeer_request(&ue, "CANCEL", "a", "b", "call3", 1, NULL, false);
	sippeer_send(&ue, rig.access, cancel_head, NULL);
	char *cancel_ok = sippeer_recv(&ue, 3000), *cancel = sippeer_recv(&core, 3000);
	CU_ASSERT_TRUE(cancel_ok && g_str_has_prefix(cancel_ok, "SIP/2.0 200 "));
	CU_ASSERT_TRUE_FATAL(cancel && g_str_has_prefix(cancel, "CANCEL "));
	sippeer_answer(&core, cancel, "b", "200 OK", NULL);
	sippeer_answer(&core, inv, "b", "487 Request Terminated", NULL);
	char *terminated = sippeer_recv(&ue, 3000);
	CU_ASSERT_TRUE_FATAL(terminated && g_str_has_prefix(terminated, "SIP/2.0 487 "));
	sippeer_ack(&ue, rig.access, "sip:b@example.net", terminated);
	char *ack = sippeer_recv(&core, 3000); /* the ALG acknowledged the core's 487 hop by hop */
	CU_ASSERT_TRUE(ack && g_str_has_prefix(ack, "ACK sip:b@example.net SIP/2.0\r\n"));
	usleep(200000);
	/* the seed's two Adds, then the context goes */
	char port[8];
	snprintf(port, sizeof port, "%u", ue_msrp);
	char *h248 = algrig_h248(&rig, mark, false),
	     *want = algrig_msrp_h248(&rig, "seed004/orig_unanswered", ue_id.fingerprint,
				      (const char *const[]){ "ue_port", port, "ctx", "1", NULL });
	CU_ASSERT_STRING_EQUAL(h248, want);
	close(ue_l);
	g_free(want), g_free(ack), g_free(h248), g_free(terminated), g_free(cancel), g_free(cancel_ok),
	    g_free(cancel_head), g_free(ringing);
	g_free(inv), g_free(offer);
}

static int up(void)
{
	char *err = NULL;
	if (!tls_identity_init(&ue_id, NULL, NULL, "UE A", &err) || !sippeer_open(&ue, false) ||
	    !sippeer_open(&core, false))
		return 1;
	return algrig_start(&rig, &(struct algrig_opts){ .next_hop = core.port,
							 .access_ports = "29000-29049",
							 .core_ports = "29050-29099" })
		   ? 0
		   : 1;
}

static int down(void)
{
	bool ok = algrig_stop(&rig);
	tls_identity_clear(&ue_id);
	sippeer_close(&ue), sippeer_close(&core);
	return ok ? 0 : 1;
}

int main(void)
{
	static const struct rig_test tests[] = {
		{ "REGISTER: mediasec mechanisms", test_register },
		{ "REGISTER forwarded to the core registrar", test_register_forwarded },
		{ "malformed SDP: 400, nothing forwarded", test_bad_sdp },
		{ "malformed SIP: 400", test_bad_sip },
		{ "CANCEL before the answer", test_cancel },
		{ NULL, NULL },
	};
	return rig_cunit_main("ims-alg with ims-agw", up, down, tests);
}
