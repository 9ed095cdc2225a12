/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-alg with the real ims-agw when the gateway fails the call, each failure answered in SIP's terms
 * and nothing left allocated:
 *   - the gateway refuses the Add (no free port in the access realm): 488 to the UE, nothing to the
 *     core, the context the first Add made subtracted;
 *   - the gateway reports tlsbsc/fail (the UE's certificate does not match its SDP fingerprint): the
 *     call is released with BYE to both parties and the context subtracted;
 *   - a re-INVITE adding an e2ae line to a call the gateway did not carry: the gateway takes the core
 *     leg's Add and refuses the access leg's (no free port): 488 to the UE, the call goes on as it was
 *     (RFC 3261 §14.1), and the context the re-offer made is subtracted whole;
 *   - a re-offer that replaces a line (a new fingerprint) while another call's request holds the
 *     gateway's one request slot: not sent, 500 to the UE, and the call keeps its line and context,
 *     whose Subtract at the hang-up goes past the limit;
 *   - the gateway dies: the Add goes unanswered, 500 to the UE; the next call finds no gateway, 500. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "algrig.h"
#include "rig.h"
#include "seed.h"
#include "sippeer.h"
#include "tlspeer.h"

static struct algrig rig, full; /* full: its gateway's only access port is taken */
static struct algrig narrow;    /* one request at a time may await its Reply, and no audits */
static struct sippeer ue, core;
static struct tls_identity ue_id, other_id;
static int taken = -1;

/* UE A offers e2ae MSRP through r as call, listening for its MSRP on the returned socket (*port). */
static int ue_offers(struct algrig *r, const char *call, uint16_t *port)
{
	*port = 0;
	int listener = tcp_listen(port);
	char *offer = algrig_sdp("ue", &payload_msrp, *port, true, "actpass", ue_id.fingerprint, "requested");
	sippeer_invite(&ue, r->access, "a", "b", call, offer);
	g_free(offer);
	return listener;
}

/* The final response the UE got for a call the ALG refused, acknowledged (g_free it). */
static char *refusal(struct algrig *r)
{
	char *got = sippeer_recv(&ue, 5000);
	if (got && g_str_has_prefix(got, "SIP/2.0 ") && !g_str_has_prefix(got, "SIP/2.0 2"))
		sippeer_ack(&ue, r->access, "sip:b@example.net", got);
	return got;
}

/* The H.248 of seed 004's originating call through r as the template tests/h248/NAME.txt has it: the
 * UE's offer on port, the first context and terminations of r's gateway (g_free it). */
static char *seed_orig(const char *name, const struct algrig *r, uint16_t port)
{
	char ue_s[8];
	snprintf(ue_s, sizeof ue_s, "%u", port);
	return algrig_msrp_h248(r, name, ue_id.fingerprint,
				(const char *const[]){ "ue_port", ue_s, "ctx", "1", "core_term", "co/1",
						       "access_term", "ac/2", NULL });
}

static void test_add_refused(void)
{
	long mark = algrig_mark(&full);
	uint16_t port;
	int l = ue_offers(&full, "r1", &port);
	char *r = refusal(&full);
	CU_ASSERT_TRUE(r &&
		       g_str_has_prefix(r, "SIP/2.0 488 Not Acceptable Here (media gateway refused)\r\n"));
	CU_ASSERT_PTR_NULL(sippeer_recv(&core, 300));
	usleep(200000);
	char *rx = algrig_h248(&full, mark, true), *tx = algrig_h248(&full, mark, false);
	CU_ASSERT_PTR_NOT_NULL(strstr(rx, "Error = 510 {\n        \"no free port in realm access"));
	/* Add core, Add access (refused), then the core leg goes */
	char *want = seed_orig("seed004/orig_unanswered", &full, port);
	CU_ASSERT_STRING_EQUAL(tx, want);
	close(l);
	g_free(want), g_free(tx), g_free(rx), g_free(r);
}

/* The core answers inv with answer; the UE's 200 OK (g_free it), its dialog d made and ACKed. */
static char *answered(const char *inv, const char *answer, struct sipdlg *d)
{
	sippeer_answer(&core, inv, "b", "200 OK", answer);
	char *ok = sippeer_recv(&ue, 5000);
	CU_ASSERT_TRUE_FATAL(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	sipdlg_caller(d, &ue, ok, 1);
	sipdlg_send(d, "ACK", NULL);
	return ok;
}

/* The answered call whose TLS handshake fails: the UE shows another certificate than its SDP said. */
static void test_tls_fail_releases(void)
{
	long mark = algrig_mark(&rig);
	uint16_t port;
	int l = ue_offers(&rig, "x1", &port);
	char *inv = sippeer_recv(&core, 5000);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE "));
	unsigned agw_core = sdp_port(sip_body(inv), "message");
	char *answer = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL);
	struct sipdlg d;
	char *ok = answered(inv, answer, &d);
	char *ack = sippeer_recv(&core, 3000), *agw_fp = sdp_fingerprint(sip_body(ok)), why[160] = "";
	CU_ASSERT_TRUE(ack && g_str_has_prefix(ack, "ACK "));
	int peer, fd;
	char got[1];
	CU_ASSERT_TRUE_FATAL(tcp_through((uint16_t)agw_core, l, &peer, &fd));
	/* the gateway checks the certificate once the handshake is done (it may have to wait for the
	 * fingerprint), and answers a wrong one with a bad_certificate alert */
	gnutls_session_t s = tlspeer_handshake(fd, false, &other_id, agw_fp, 3000, why);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(tlspeer_read(s, got, 1, 3000), GNUTLS_E_FATAL_ALERT_RECEIVED);
	CU_ASSERT_EQUAL(gnutls_alert_get(s), GNUTLS_A_BAD_CERTIFICATE);
	/* BYE both ways, each with the reason */
	char *bye_core = sippeer_recv(&core, 3000), *bye_ue = sippeer_recv(&ue, 3000);
	CU_ASSERT_TRUE_FATAL(bye_core && g_str_has_prefix(bye_core, "BYE sip:b@127.0.0.1:"));
	CU_ASSERT_TRUE_FATAL(bye_ue && g_str_has_prefix(bye_ue, "BYE sip:a@127.0.0.1:"));
	char *reason_ue = sip_header(bye_ue, "Reason"), *reason_core = sip_header(bye_core, "Reason");
	CU_ASSERT_STRING_EQUAL(reason_ue, "SIP;cause=503;text=\"media failed\"");
	CU_ASSERT_STRING_EQUAL(reason_core, "SIP;cause=503;text=\"media failed\"");
	sippeer_answer(&core, bye_core, "b", "200 OK", NULL);
	sippeer_answer(&ue, bye_ue, "a", "200 OK", NULL);
	CU_ASSERT_EQUAL(tcp_read_all(peer, got, 1, 3000), 0); /* the context is gone */
	/* the Subtract follows the BYEs' answers: wait for it (bounded) rather than race it */
	char *tx = algrig_h248_once_shown(&rig, mark, "Subtract = *", 3000);
	char *rx = algrig_h248(&rig, mark, true),
	     *want = seed_orig("seed004/orig", &rig, port); /* the whole call */
	CU_ASSERT_PTR_NOT_NULL(strstr(rx, "tlsbsc/fail"));
	ASSERT_TEXT("H.248 sent", tx, want); /* one sanitizer run under load differed here: it shows how */
	tlspeer_close(s, fd);
	close(peer), close(l);
	sipdlg_clear(&d);
	g_free(want), g_free(tx), g_free(rx), g_free(reason_ue), g_free(reason_core), g_free(bye_ue),
	    g_free(bye_core), g_free(ack), g_free(agw_fp);
	g_free(ok), g_free(inv), g_free(answer);
}

/* An audio call (nothing for the gateway) gets a re-INVITE that adds an e2ae MSRP line. The gateway
 * makes a context for the line's core leg, then refuses its access leg (its one access port is taken).
 * The re-INVITE gets 488 and the call stays as it was; nothing the re-offer reserved stays at the
 * gateway: the context it made, where the call now holds nothing, is subtracted whole. */
static void test_reoffer_refused(void)
{
	char *audio = algrig_sdp("ue", &payload_audio, 4000, false, NULL, NULL, NULL);
	sippeer_invite(&ue, full.access, "a", "b", "ro1", audio);
	char *inv = sippeer_recv(&core, 5000);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE "));
	char *answer = algrig_sdp("b", &payload_audio, 4002, false, NULL, NULL, NULL);
	struct sipdlg d;
	char *ok = answered(inv, answer, &d);
	g_free(sippeer_recv(&core, 3000)); /* the ACK */
	long mark = algrig_mark(&full);
	char *msrp = algrig_sdp("ue", &payload_msrp, 2855, true, "actpass", ue_id.fingerprint, "requested");
	char *reoffer = g_strconcat(audio, strstr(msrp, "m="), NULL);
	sipdlg_send(&d, "INVITE", reoffer);
	char *no = sippeer_final(&ue, 5000);
	CU_ASSERT_TRUE(no &&
		       g_str_has_prefix(no, "SIP/2.0 488 Not Acceptable Here (media gateway refused)\r\n"));
	if (no)
		sippeer_ack(&ue, full.access, d.target, no);
	CU_ASSERT_PTR_NULL(sippeer_recv(&core, 300)); /* the core heard nothing of it */
	char *tx = algrig_h248_once_shown(&full, mark, "Subtract = ", 3000); /* it follows the 488 */
	char *rx = algrig_h248(&full, mark, true);
	char *ctx = rig_word_after(rx, "Context = "), *term = rig_word_after(rx, "Add = ");
	char *subtract = algrig_subtract_text(&full, ctx, "*"); /* the call holds nothing there now */
	CU_ASSERT_PTR_NOT_NULL(strstr(rx, "Error = 510"));
	CU_ASSERT_TRUE(g_str_has_prefix(term, "co/"));
	const char *last = g_strrstr(tx, "MEGACO/3 ");
	ASSERT_TEXT("after the refused re-offer", last, subtract);
	const char *first = strstr(tx, "Subtract = ");
	CU_ASSERT_TRUE(first && !strstr(first + 1, "Subtract = ")); /* once: nothing subtracted twice */
	/* the call goes on: BYE, answered by the core */
	sipdlg_send(&d, "BYE", NULL);
	char *bye = sippeer_recv(&core, 3000);
	CU_ASSERT_TRUE_FATAL(bye && g_str_has_prefix(bye, "BYE "));
	sippeer_answer(&core, bye, "b", "200 OK", NULL);
	char *bye_ok = sippeer_recv(&ue, 3000);
	CU_ASSERT_TRUE(bye_ok && g_str_has_prefix(bye_ok, "SIP/2.0 200 OK\r\n"));
	sipdlg_clear(&d);
	g_free(audio), g_free(inv), g_free(answer), g_free(ok), g_free(msrp), g_free(reoffer), g_free(no);
	g_free(tx), g_free(rx), g_free(ctx), g_free(term), g_free(subtract), g_free(bye), g_free(bye_ok);
}

/* An e2ae MSRP call is up when its gateway stops (SIGSTOP) and another call's Add takes the one request
 * slot there is (h248.max_pending 1). The UE re-offers its line with another certificate: a new
 * fingerprint, so the access leg would be Subtracted and Added again. The request cannot be sent: 500
 * to the UE, nothing to the core or the gateway, and the call goes on with its line as it was (RFC
 * 3261 §14.1). It hangs up while the slot is still taken: its context's Subtract goes all the same (a
 * request that only subtracts is not held to h248.max_pending). The other caller then cancels: 487,
 * and the context its Add made is subtracted once the gateway runs again and answers it. Once, the refused
 * re-offer forgot the old line, and a Subtract was dropped at the limit like any request: either way the
 * terminations stayed at the gateway for good. */
static void test_reoffer_unsent(void)
{
	long mark = algrig_mark(&narrow);
	uint16_t port, port2;
	int l = ue_offers(&narrow, "n1", &port);
	char *inv = sippeer_recv(&core, 5000);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE "));
	char *answer = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL);
	struct sipdlg d;
	char *ok = answered(inv, answer, &d);
	g_free(sippeer_recv(&core, 3000)); /* the ACK */
	char *rx = algrig_h248(&narrow, mark, true), *ctx = rig_word_after(rx, "Context = ");
	long stopped = algrig_mark(&narrow);
	CU_ASSERT_EQUAL_FATAL(kill(narrow.agw, SIGSTOP), 0);
	int l2 = ue_offers(&narrow, "n2", &port2);
	char *add = algrig_h248_once_shown(&narrow, stopped, "Add = ", 3000); /* the slot is taken */
	char *reoffer =
	    algrig_sdp("ue", &payload_msrp, port, true, "actpass", other_id.fingerprint, "requested");
	sipdlg_send(&d, "INVITE", reoffer);
	char *no = sippeer_final(&ue, 5000);
	CU_ASSERT_TRUE(no && g_str_has_prefix(no, "SIP/2.0 500 Media Gateway Not Reachable\r\n"));
	if (no)
		sippeer_ack(&ue, narrow.access, d.target, no);
	CU_ASSERT_PTR_NULL(sippeer_recv(&core, 300)); /* the core heard nothing of it */
	char *tx = algrig_h248(&narrow, stopped, false);
	const char *rest = tx; /* the other call's Add only, sent again while unanswered */
	while (add && strstr(add, "Add = ") && g_str_has_prefix(rest, add))
		rest += strlen(add);
	CU_ASSERT_TRUE(rest != tx && !*rest);
	/* the first call hangs up, the slot still taken: its context goes whole */
	long bye_mark = algrig_mark(&narrow);
	sipdlg_send(&d, "BYE", NULL);
	char *bye = sippeer_next_of(&core, "BYE ", 3000);
	CU_ASSERT_TRUE(bye && strstr(bye, "Call-ID: n1\r\n"));
	if (bye)
		sippeer_answer(&core, bye, "b", "200 OK", NULL);
	char *bye_ok = sippeer_recv(&ue, 3000);
	CU_ASSERT_TRUE(bye_ok && g_str_has_prefix(bye_ok, "SIP/2.0 200 OK\r\n"));
	char *gone = algrig_h248_once_shown(&narrow, bye_mark, "Subtract = *", 3000),
	     *want = algrig_subtract_text(&narrow, ctx, "*");
	ASSERT_TEXT("after the hang-up, the gateway stopped", gone, want);
	/* the other caller gives up: 487, and its Add's context goes once the gateway answers it */
	char *cancel = sippeer_request(&ue, "CANCEL", "a", "b", "n2", 1, NULL, false);
	sippeer_send(&ue, narrow.access, cancel, NULL);
	char *cancelled = sippeer_recv(&ue, 3000), *busy = refusal(&narrow);
	CU_ASSERT_TRUE(cancelled && g_str_has_prefix(cancelled, "SIP/2.0 200 "));
	CU_ASSERT_TRUE(busy && g_str_has_prefix(busy, "SIP/2.0 487 "));
	long cont = algrig_mark(&narrow); /* before: the Subtract may follow the gateway's wake at once */
	CU_ASSERT_EQUAL(kill(narrow.agw, SIGCONT), 0);
	char *after = algrig_h248_once_shown(&narrow, cont, "Context = 2 {\n    Subtract = *", 3000),
	     *want2 = algrig_subtract_text(&narrow, "2", "*"); /* the gateway's second context */
	CU_ASSERT_PTR_NOT_NULL(strstr(after, want2));
	CU_ASSERT_PTR_NULL(sippeer_recv(&core, 300)); /* the core never heard of it */
	sipdlg_clear(&d);
	close(l), close(l2);
	g_free(inv), g_free(answer), g_free(ok), g_free(rx), g_free(ctx), g_free(add), g_free(reoffer);
	g_free(no), g_free(tx), g_free(busy), g_free(bye), g_free(bye_ok), g_free(gone), g_free(want);
	g_free(cancel), g_free(cancelled), g_free(after), g_free(want2);
}

/* The gateway dies without a word: nothing heard for h248.lost_after (500 ms, before the Add's T-MAX)
 * loses it and fails the Add (500); the next call has none, and a lost gateway is asked nothing but the
 * audits that would take it back. */
static void test_gateway_unreachable(void)
{
	kill(rig.agw, SIGKILL);
	waitpid(rig.agw, NULL, 0);
	rig.agw = 0;
	uint16_t p1, p2;
	long mark = algrig_mark(&rig);
	int l1 = ue_offers(&rig, "u1", &p1);
	char *r = refusal(&rig), *add = seed_orig("seed004/orig_add_core", &rig, p1),
	     *tx = algrig_h248(&rig, mark, false);
	CU_ASSERT_TRUE(r && g_str_has_prefix(r, "SIP/2.0 500 Media Gateway Not Reachable\r\n"));
	CU_ASSERT_TRUE(g_str_has_prefix(tx, add)); /* sent, and repeated, to no one */
	mark = algrig_mark(&rig);
	int l2 = ue_offers(&rig, "u2", &p2);
	char *again = refusal(&rig), *none = algrig_h248(&rig, mark, false);
	CU_ASSERT_TRUE(again && g_str_has_prefix(again, "SIP/2.0 500 No Media Gateway Available\r\n"));
	CU_ASSERT_STRING_EQUAL(none, "");             /* a lost gateway is asked nothing */
	CU_ASSERT_PTR_NULL(sippeer_recv(&core, 300)); /* the core heard of neither */
	g_free(none), g_free(tx), g_free(add);
	close(l1), close(l2);
	g_free(again), g_free(r);
}

static int up(void)
{
	char *err = NULL;
	uint16_t port = bed_free_ports(1);
	char range[16];
	snprintf(range, sizeof range, "%u-%u", port, port);
	taken = tcp_listen(&port);
	if (!tls_identity_init(&ue_id, NULL, NULL, "UE", &err) ||
	    !tls_identity_init(&other_id, NULL, NULL, "not UE", &err) || !sippeer_open(&ue, false) ||
	    !sippeer_open(&core, false) || taken < 0)
		return 1;
	bool ok =
	    algrig_start(&rig,
			 &(struct algrig_opts){ .next_hop = core.port,
						.alg = (const char *const[]){ "--h248-timeout=600",
									      "--h248-lost-after=500", NULL },
						.access_ports = "29600-29649",
						.core_ports = "29650-29699" }) &&
	    algrig_start(&full, &(struct algrig_opts){ .next_hop = core.port,
						       .access_ports = range,
						       .core_ports = "29700-29749" }) &&
	    algrig_start(&narrow, &(struct algrig_opts){
				      .next_hop = core.port,
				      .alg = (const char *const[]){ "--h248-max-pending=1", "--h248-audit=0",
								    "--h248-lost-after=30000", NULL },
				      .access_ports = "29750-29799",
				      .core_ports = "29800-29849" });
	return ok && algrig_register(&rig, &ue, "a", true) && algrig_register(&full, &ue, "a", true) &&
		       algrig_register(&narrow, &ue, "a", true)
		   ? 0
		   : 1;
}

static int down(void)
{
	bool a = algrig_stop(&rig), b = algrig_stop(&full), c = algrig_stop(&narrow), ok = a && b && c;
	tls_identity_clear(&ue_id), tls_identity_clear(&other_id);
	sippeer_close(&ue), sippeer_close(&core);
	close(taken);
	return ok ? 0 : 1;
}

int main(void)
{
	static const struct rig_test tests[] = {
		{ "the gateway refuses the Add: 488, context subtracted", test_add_refused },
		{ "tlsbsc/fail: BYE to both parties", test_tls_fail_releases },
		{ "a re-offer the gateway refuses half way: 488, the context it made subtracted",
		  test_reoffer_refused },
		{ "a re-offer no request slot is left for: 500, the call and its context as they were",
		  test_reoffer_unsent },
		{ "the gateway dies: 500, then no gateway: 500", test_gateway_unreachable },
		{ NULL, NULL },
	};
	return rig_cunit_main("ims-alg when the gateway fails", up, down, tests);
}
