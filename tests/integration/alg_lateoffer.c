/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-alg with the real ims-agw when an INVITE carries no SDP (a delayed offer, RFC 3261 §13.2.1): the
 * 2xx carries the offer and the ACK the answer, and both go through the gateway as an offer and an
 * answer in requests do:
 *   - a UE calls without SDP: the core's 200 offers plain MSRP, which reaches the UE as the terminating
 *     flow of seed 004 offers it (TLS, the gateway's fingerprint, a=3ge2ae:applied); the UE's answer in
 *     its ACK reaches the core as seed 004's answer; the H.248 is seed 004's terminating call, and
 *     MSRP crosses over TLS and TCP;
 *   - the core refreshes an answered call with a re-INVITE without SDP (as session timers do): the UE's
 *     200 offers what it offered before, which reaches the core as it did then; the core's ACK answers
 *     as before, which reaches the UE as its 200 did; no H.248, the TLS session carries on;
 *   - an UPDATE offering between that 200 and its ACK gets 491, and the ACK's answer goes through;
 *   - an ACK without the answer: it goes on, and the call is released (BYE to both), the gateway's
 *     reservations subtracted;
 *   - a copy of the ACK while its answer is with the gateway is dropped: the core gets one ACK, with
 *     the answer;
 *   - the core offers in a reliable 183 instead (RFC 3262 §5) and the UE answers in its PRACK: the same
 *     SDP and H.248 as with the 200 and the ACK; a PRACK without the answer ends the call (488 to the
 *     PRACK and the INVITE, CANCEL to the core).
 * Before, the 200's offer was taken for an answer: the core got the gateway's access address, the
 * UE the core's own address in the ACK, and a call set up this way failed. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "algrig.h"
#include "rig.h"
#include "seed.h"
#include "sippeer.h"
#include "tlspeer.h"

static struct algrig rig;
static struct sippeer ue, core;
static struct tls_identity ue_id;

/* The UE's TLS session with the gateway on fd, the gateway's certificate checked against agw_fp. */
static gnutls_session_t ue_tls(int fd, bool client, const char *agw_fp)
{
	gnutls_session_t s = tlspeer_handshake_said(fd, client, &ue_id, agw_fp, 3000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	return s;
}

/* by hangs up, the other party answers 200. */
static void hang_up(struct sipdlg *by, struct sippeer *other, const char *user)
{
	sipdlg_send(by, "BYE", NULL);
	char *bye = sippeer_next_of(other, "BYE ", 3000), *ok = NULL;
	CU_ASSERT_TRUE_FATAL(bye != NULL);
	sippeer_answer(other, bye, user, "200 OK", NULL);
	ok = sippeer_next_of(by->me, "SIP/2.0 ", 3000);
	CU_ASSERT_TRUE(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	g_free(ok), g_free(bye);
}

/* The UE calls without SDP and the core's 200 offers; the UE gets that offer (g_free it) and *db the
 * core's dialog; *core_l listens for the gateway's connection. */
static char *late_call(const char *call, struct sipdlg *db, int *core_l, uint16_t *core_port)
{
	char *head = sippeer_request(&ue, "INVITE", "a", "b", call, 1, NULL, false);
	sippeer_send(&ue, rig.access, head, NULL);
	g_free(head);
	char *inv = sippeer_recv(&core, 5000);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE "));
	*core_port = 0;
	*core_l = tcp_listen(core_port);
	char *offer = algrig_sdp("b", &payload_msrp, *core_port, false, "actpass", NULL, NULL);
	sippeer_answer(&core, inv, "b", "200 OK", offer);
	sipdlg_callee(db, &core, inv, "b");
	char *ok = sippeer_final(&ue, 5000);
	CU_ASSERT_TRUE_FATAL(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	g_free(offer), g_free(inv);
	return ok;
}

/* The H.248 since mark is the template name (seed 004's terminating call, or its unanswered part) on
 * core_port, the context and termination the gateway chose read from the ALG's later commands (what it
 * received since mark may begin with the replies to the test before). */
static void assert_term_h248(long mark, const char *name, uint16_t core_port)
{
	char *tx = algrig_h248_once_shown(&rig, mark, "Subtract = *", 3000);
	const char *named = strstr(tx, "Context = $");
	named = named ? strstr(named + 1, "Context = ") : NULL;
	char port[8], ctx[16], ac[16];
	snprintf(port, sizeof port, "%u", core_port);
	snprintf(ctx, sizeof ctx, "%u", named ? rig_number_after(named, "Context = ") : 0);
	snprintf(ac, sizeof ac, "ac/%u", rig_number_after(tx, "Modify = ac/"));
	char *want =
	    algrig_msrp_h248(&rig, name, ue_id.fingerprint,
			     (const char *const[]){ "core_port", port, "ctx", ctx, "access_term", ac, NULL });
	ASSERT_TEXT("H.248", tx, want);
	g_free(want), g_free(tx);
}

/* Seed 004 steps 10-12: the UE connects to the gateway's access port and is the TLS client (the gateway's
 * certificate checked against agw_fp), the gateway connects to the core on core_l, and MSRP crosses; then
 * the UE hangs up (da), and the H.248 since mark is seed 004's terminating call to core_port. */
static void media_then_bye(struct sipdlg *da, unsigned agw_access, const char *agw_fp, int core_l, long mark,
			   uint16_t core_port)
{
	int fd, peer;
	CU_ASSERT_TRUE_FATAL(tcp_through((uint16_t)agw_access, core_l, &fd, &peer));
	gnutls_session_t s = ue_tls(fd, true, agw_fp);
	CU_ASSERT_TRUE(tlspeer_cross(s, peer, payload_msrp.bytes, payload_msrp.n, 2000));
	hang_up(da, &core, "b");
	assert_term_h248(mark, "seed004/term", core_port);
	tlspeer_close(s, fd);
	close(peer), close(core_l);
}

/* The UE's answer in its ACK, active (seed 004 step 13). */
static char *ue_answer(void)
{
	return algrig_sdp("a", &payload_msrp, 9, true, "active", ue_id.fingerprint, NULL);
}

/* The next ACK the core gets must carry seed 004's answer (step 17). */
static void core_acked(void)
{
	char *ack = sippeer_next_of(&core, "ACK ", 5000);
	CU_ASSERT_TRUE_FATAL(ack != NULL);
	char *want = algrig_sdp_via_gw("a", &payload_msrp, sdp_port(sip_body(ack), "message"), false,
				       "active", NULL, NULL);
	ASSERT_TEXT("answer toward the core, in the ACK", sip_body(ack), want);
	g_free(want), g_free(ack);
}

/* The UE answers in its ACK; the core gets seed 004's answer. */
static void ack_answers(struct sipdlg *da)
{
	char *answer = ue_answer();
	sipdlg_send(da, "ACK", answer);
	core_acked();
	g_free(answer);
}

static void test_invite_without_sdp(void)
{
	long mark = algrig_mark(&rig);
	struct sipdlg da, db;
	int core_l;
	uint16_t core_port;
	char *ok = late_call("l1", &db, &core_l, &core_port);
	/* seed 004 step 8, toward the UE: TLS, a=3ge2ae:applied, the gateway's fingerprint and address */
	unsigned agw_access = sdp_port(sip_body(ok), "message");
	char *agw_fp = sdp_fingerprint(sip_body(ok));
	char *want = algrig_sdp_via_gw("b", &payload_msrp, agw_access, true, "actpass", agw_fp, "applied");
	ASSERT_TEXT("offer toward the UE, in the 200", sip_body(ok), want);
	sipdlg_caller(&da, &ue, ok, 1);
	ack_answers(&da);
	media_then_bye(&da, agw_access, agw_fp, core_l, mark, core_port);
	sipdlg_clear(&da), sipdlg_clear(&db);
	g_free(want), g_free(agw_fp), g_free(ok);
}

/* Between the 200 that offers and the ACK that answers, the UE offers in an UPDATE: 491 (RFC 3261
 * §14.2), and the ACK's answer still goes through the gateway. */
static void test_offer_before_ack(void)
{
	long mark = algrig_mark(&rig);
	struct sipdlg da, db;
	int core_l;
	uint16_t core_port;
	char *ok = late_call("l3", &db, &core_l, &core_port);
	sipdlg_caller(&da, &ue, ok, 1);
	char *update = algrig_sdp("a", &payload_msrp, 9, true, "active", ue_id.fingerprint, "requested");
	sipdlg_send(&da, "UPDATE", update);
	char *pending = sippeer_next_of(&ue, "SIP/2.0 ", 3000);
	CU_ASSERT_TRUE(pending && g_str_has_prefix(pending, "SIP/2.0 491 Request Pending\r\n"));
	ack_answers(&da);
	hang_up(&da, &core, "b");
	assert_term_h248(mark, "seed004/term", core_port);
	close(core_l);
	sipdlg_clear(&da), sipdlg_clear(&db);
	g_free(pending), g_free(update), g_free(ok);
}

/* The UE acknowledges the 200's offer without an answer: the ACK goes on, and the call, whose media can
 * never be set up, is released with BYE to both; the gateway's reservations go. */
static void test_ack_without_answer(void)
{
	long mark = algrig_mark(&rig);
	struct sipdlg da, db;
	int core_l;
	uint16_t core_port;
	char *ok = late_call("l4", &db, &core_l, &core_port);
	sipdlg_caller(&da, &ue, ok, 1);
	sipdlg_send(&da, "ACK", NULL);
	char *ack = sippeer_next_of(&core, "ACK ", 3000), *bye_core = sippeer_next_of(&core, "BYE ", 3000),
	     *bye_ue = sippeer_next_of(&ue, "BYE ", 3000);
	CU_ASSERT_TRUE(ack && !*sip_body(ack));
	CU_ASSERT_TRUE_FATAL(bye_core && bye_ue);
	sippeer_answer(&core, bye_core, "b", "200 OK", NULL);
	sippeer_answer(&ue, bye_ue, "a", "200 OK", NULL);
	assert_term_h248(mark, "seed004/term_unanswered", core_port); /* no answer reached the gateway */
	close(core_l);
	sipdlg_clear(&da), sipdlg_clear(&db);
	g_free(bye_ue), g_free(bye_core), g_free(ack), g_free(ok);
}

/* The UE sends its ACK twice (as it does for a 200 retransmitted while the gateway reserved) while the
 * first one's answer is with the stopped gateway: the copy is dropped, and once the gateway is done the
 * core gets one ACK, with seed 004's answer. Before, the copy found the answer taken and none kept yet:
 * it went on at once without SDP, ahead of the ACK it copies. */
static void test_ack_copy_while_answering(void)
{
	long mark = algrig_mark(&rig);
	struct sipdlg da, db;
	int core_l;
	uint16_t core_port;
	char *ok = late_call("l5", &db, &core_l, &core_port), *answer = ue_answer();
	sipdlg_caller(&da, &ue, ok, 1);
	kill(rig.agw, SIGSTOP);
	long stopped = algrig_mark(&rig);
	sipdlg_send(&da, "ACK", answer);
	g_free(algrig_h248_once_shown(&rig, stopped, "Modify", 3000)); /* the answer is with the gateway */
	sipdlg_send(&da, "ACK", answer);
	char *early = sippeer_next_of(&core, "ACK ", 500);
	CU_ASSERT_PTR_NULL(early);
	kill(rig.agw, SIGCONT);
	core_acked();
	char *again = sippeer_next_of(&core, "ACK ", 500);
	CU_ASSERT_PTR_NULL(again);
	hang_up(&da, &core, "b");
	assert_term_h248(mark, "seed004/term", core_port);
	close(core_l);
	sipdlg_clear(&da), sipdlg_clear(&db);
	g_free(again), g_free(early), g_free(answer), g_free(ok);
}

/* The UE calls without SDP and the core offers in a reliable 183 (RFC 3262 §3): the UE gets that 183
 * (g_free it), *da and *db the early dialog; *core_l listens for the gateway's connection. */
static char *reliable_offer(const char *call, struct sipdlg *da, struct sipdlg *db, int *core_l,
			    uint16_t *core_port, char **inv)
{
	char *head = sippeer_request(&ue, "INVITE", "a", "b", call, 1, "Supported: 100rel\r\n", false);
	sippeer_send(&ue, rig.access, head, NULL);
	g_free(head);
	*inv = sippeer_recv(&core, 5000);
	CU_ASSERT_TRUE_FATAL(*inv && g_str_has_prefix(*inv, "INVITE "));
	*core_port = 0;
	*core_l = tcp_listen(core_port);
	char *offer = algrig_sdp("b", &payload_msrp, *core_port, false, "actpass", NULL, NULL);
	sippeer_answer_with(&core, *inv, "b", "183 Session Progress", "Require: 100rel\r\nRSeq: 1\r\n",
			    offer);
	char *early = sippeer_next_of(&ue, "SIP/2.0 183 ", 5000);
	CU_ASSERT_TRUE_FATAL(early != NULL);
	sipdlg_caller(da, &ue, early, 1);
	sipdlg_callee(db, &core, *inv, "b");
	g_free(offer);
	return early;
}

/* The next response the UE gets must be status to method (g_free it). */
static char *ue_got(const char *status, const char *method)
{
	char *r = sippeer_next_of(&ue, "SIP/2.0 ", 3000), *cseq = sip_header(r, "CSeq");
	CU_ASSERT_TRUE_FATAL(r != NULL);
	CU_ASSERT_TRUE(g_str_has_prefix(r + strlen("SIP/2.0 "), status));
	CU_ASSERT_TRUE(g_str_has_suffix(cseq, method));
	g_free(cseq);
	return r;
}

static void test_reliable_183_offers(void)
{
	long mark = algrig_mark(&rig);
	struct sipdlg da, db;
	int core_l;
	uint16_t core_port;
	char *inv, *early = reliable_offer("l6", &da, &db, &core_l, &core_port, &inv);
	/* seed 004 step 8 toward the UE, in the 183, which stays reliable */
	unsigned agw_access = sdp_port(sip_body(early), "message");
	char *agw_fp = sdp_fingerprint(sip_body(early)), *rseq = sip_header(early, "RSeq");
	char *want = algrig_sdp_via_gw("b", &payload_msrp, agw_access, true, "actpass", agw_fp, "applied");
	ASSERT_TEXT("offer toward the UE, in the 183", sip_body(early), want);
	CU_ASSERT_STRING_EQUAL(rseq, "1");
	/* the UE answers in its PRACK; the core gets seed 004's answer there */
	char *answer = ue_answer();
	sipdlg_send_with(&da, "PRACK", "RAck: 1 1 INVITE\r\n", answer);
	char *prack = sippeer_next_of(&core, "PRACK ", 5000);
	CU_ASSERT_TRUE_FATAL(prack != NULL);
	char *seen = algrig_sdp_via_gw("a", &payload_msrp, sdp_port(sip_body(prack), "message"), false,
				       "active", NULL, NULL);
	ASSERT_TEXT("answer toward the core, in the PRACK", sip_body(prack), seen);
	sippeer_answer(&core, prack, "b", "200 OK", NULL);
	g_free(ue_got("200 OK", "PRACK"));
	sippeer_answer(&core, inv, "b", "200 OK", NULL);
	char *ok = ue_got("200 OK", "INVITE");
	CU_ASSERT_STRING_EQUAL(sip_body(ok), "");
	sipdlg_clear(&da);
	sipdlg_caller(&da, &ue, ok, 1);
	sipdlg_send(&da, "ACK", NULL);
	g_free(sippeer_next_of(&core, "ACK ", 3000));
	da.cseq = 2; /* the PRACK's: the BYE takes the next */
	media_then_bye(&da, agw_access, agw_fp, core_l, mark, core_port);
	sipdlg_clear(&da), sipdlg_clear(&db);
	g_free(ok), g_free(seen), g_free(prack), g_free(answer), g_free(want), g_free(rseq), g_free(agw_fp),
	    g_free(early), g_free(inv);
}

/* The UE's PRACK to the 183's offer carries no answer: the offer can never be answered, so the call ends
 * before its answer: 488 to the PRACK and to the INVITE, CANCEL to the core, the reservations gone. */
static void test_prack_without_answer(void)
{
	long mark = algrig_mark(&rig);
	struct sipdlg da, db;
	int core_l;
	uint16_t core_port;
	char *inv, *early = reliable_offer("l7", &da, &db, &core_l, &core_port, &inv);
	sipdlg_send_with(&da, "PRACK", "RAck: 1 1 INVITE\r\n", NULL);
	char *cancel = sippeer_next_of(&core, "CANCEL ", 3000);
	CU_ASSERT_TRUE_FATAL(cancel != NULL);
	sippeer_answer(&core, cancel, "b", "200 OK", NULL);
	sippeer_answer(&core, inv, "b", "487 Request Terminated", NULL);
	char *ack487 = sippeer_next_of(&core, "ACK ", 3000);
	CU_ASSERT_PTR_NOT_NULL(ack487);
	g_free(ack487);
	char *r[2] = { sippeer_next_of(&ue, "SIP/2.0 488 ", 3000),
		       sippeer_next_of(&ue, "SIP/2.0 488 ", 3000) };
	char *c0 = sip_header(r[0], "CSeq"), *c1 = sip_header(r[1], "CSeq");
	CU_ASSERT_TRUE((!strcmp(c0, "2 PRACK") && !strcmp(c1, "1 INVITE")) ||
		       (!strcmp(c0, "1 INVITE") && !strcmp(c1, "2 PRACK")));
	const char *final = !strcmp(c0, "1 INVITE") ? r[0] : r[1];
	if (final)
		sippeer_ack(&ue, rig.access, "sip:b@example.net", final);
	assert_term_h248(mark, "seed004/term_unanswered", core_port);
	close(core_l);
	sipdlg_clear(&da), sipdlg_clear(&db);
	g_free(c0), g_free(c1), g_free(r[0]), g_free(r[1]), g_free(cancel), g_free(early), g_free(inv);
}

/* The core sends a reliable 180 without SDP, then its 200 offering; the UE's PRACK to the 180 comes after
 * the 200: it is no answer (its RAck names the 180), so it goes on to the core, and the ACK's answer goes
 * through the gateway. Before, any PRACK while the 200's offer waited was taken for the answer, and one
 * without SDP ended the call. */
static void test_prack_to_180_after_offer(void)
{
	long mark = algrig_mark(&rig);
	char *head = sippeer_request(&ue, "INVITE", "a", "b", "l8", 1, "Supported: 100rel\r\n", false);
	sippeer_send(&ue, rig.access, head, NULL);
	char *inv = sippeer_recv(&core, 5000);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE "));
	sippeer_answer_with(&core, inv, "b", "180 Ringing", "Require: 100rel\r\nRSeq: 1\r\n", NULL);
	char *ringing = sippeer_next_of(&ue, "SIP/2.0 180 ", 5000);
	CU_ASSERT_TRUE_FATAL(ringing != NULL);
	uint16_t core_port = 0;
	int core_l = tcp_listen(&core_port);
	char *offer = algrig_sdp("b", &payload_msrp, core_port, false, "actpass", NULL, NULL);
	sippeer_answer(&core, inv, "b", "200 OK", offer);
	char *ok = sippeer_final(&ue, 5000);
	CU_ASSERT_TRUE_FATAL(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	struct sipdlg da, db;
	sipdlg_caller(&da, &ue, ringing, 1);
	sipdlg_callee(&db, &core, inv, "b");
	sipdlg_send_with(&da, "PRACK", "RAck: 1 1 INVITE\r\n", NULL);
	char *prack = sippeer_next_of(&core, "PRACK ", 3000), *bye = NULL;
	CU_ASSERT_TRUE_FATAL(prack != NULL);
	sippeer_answer(&core, prack, "b", "200 OK", NULL);
	g_free(ue_got("200 OK", "PRACK"));
	bye = sippeer_next_of(&ue, "BYE ", 300);
	CU_ASSERT_PTR_NULL(bye);
	sipdlg_clear(&da);
	sipdlg_caller(&da, &ue, ok, 1);
	ack_answers(&da);
	da.cseq = 2; /* the PRACK's: the BYE takes the next */
	char *agw_fp = sdp_fingerprint(sip_body(ok));
	media_then_bye(&da, sdp_port(sip_body(ok), "message"), agw_fp, core_l, mark, core_port);
	sipdlg_clear(&da), sipdlg_clear(&db);
	g_free(agw_fp), g_free(bye), g_free(prack), g_free(ok), g_free(offer), g_free(ringing), g_free(inv),
	    g_free(head);
}

static void test_refresh_without_sdp(void)
{
	/* an answered originating e2ae call, MSRP over TLS and TCP through the gateway */
	uint16_t ue_port = 0;
	int ue_l = tcp_listen(&ue_port);
	char *offer =
	    algrig_sdp("ue", &payload_msrp, ue_port, true, "actpass", ue_id.fingerprint, "requested");
	sippeer_invite(&ue, rig.access, "a", "b", "l2", offer);
	char *inv = sippeer_recv(&core, 5000);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE "));
	char *answer = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL), *ok;
	struct sipdlg da, db;
	CU_ASSERT_TRUE_FATAL(sipdlg_answered(&ue, &core, inv, "b", answer, &da, &db, &ok));
	char *agw_fp = sdp_fingerprint(sip_body(ok));
	int peer, fd;
	CU_ASSERT_TRUE_FATAL(tcp_through((uint16_t)sdp_port(sip_body(inv), "message"), ue_l, &peer, &fd));
	gnutls_session_t s = ue_tls(fd, false, agw_fp);
	CU_ASSERT_TRUE(tlspeer_cross(s, peer, payload_msrp.bytes, payload_msrp.n, 2000));

	/* the core refreshes without SDP: the UE offers again in its 200, the core answers in its ACK */
	long mark = algrig_mark(&rig);
	sipdlg_send(&db, "INVITE", NULL);
	char *re = sippeer_next_of(&ue, "INVITE ", 3000);
	CU_ASSERT_TRUE_FATAL(re != NULL);
	CU_ASSERT_STRING_EQUAL(sip_body(re), "");
	sippeer_answer(&ue, re, "a", "200 OK", offer);
	char *re_ok = sippeer_next_of(&core, "SIP/2.0 ", 5000);
	CU_ASSERT_TRUE_FATAL(re_ok && g_str_has_prefix(re_ok, "SIP/2.0 200 OK\r\n"));
	ASSERT_TEXT("the UE's offer toward the core, in the 200", sip_body(re_ok), sip_body(inv));
	sipdlg_send(&db, "ACK", answer);
	char *ack = sippeer_next_of(&ue, "ACK ", 3000);
	CU_ASSERT_TRUE_FATAL(ack != NULL);
	ASSERT_TEXT("the core's answer toward the UE, in the ACK", sip_body(ack), sip_body(ok));
	char *none = algrig_h248(&rig, mark, false);
	CU_ASSERT_STRING_EQUAL(none, "");
	CU_ASSERT_TRUE(
	    tlspeer_cross(s, peer, payload_msrp.bytes, payload_msrp.n, 2000)); /* the same session */
	hang_up(&da, &core, "b");
	tlspeer_close(s, fd);
	close(peer), close(ue_l);
	sipdlg_clear(&da), sipdlg_clear(&db);
	g_free(none), g_free(ack), g_free(re_ok), g_free(re), g_free(agw_fp), g_free(ok), g_free(answer),
	    g_free(inv), g_free(offer);
}

static int up(void)
{
	char *err = NULL;
	if (!tls_identity_init(&ue_id, NULL, NULL, "UE", &err) || !sippeer_open(&ue, false) ||
	    !sippeer_open(&core, false))
		return 1;
	return algrig_start(&rig, &(struct algrig_opts){ .next_hop = core.port,
							 .access_ports = "30200-30249",
							 .core_ports = "30250-30299" }) &&
		       algrig_register(&rig, &ue, "a", true)
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
		{ "INVITE without SDP: the 200 offers, the ACK answers, seed 004's H.248",
		  test_invite_without_sdp },
		{ "re-INVITE without SDP: the UE offers again, nothing changes at the gateway",
		  test_refresh_without_sdp },
		{ "an UPDATE offers before the ACK answers: 491, the ACK's answer goes through",
		  test_offer_before_ack },
		{ "an ACK without the answer: the call released, the gateway's reservations gone",
		  test_ack_without_answer },
		{ "a copy of the ACK while its answer is with the gateway: dropped, one ACK with the answer",
		  test_ack_copy_while_answering },
		{ "the core offers in a reliable 183, the UE answers in its PRACK: seed 004's SDP and H.248",
		  test_reliable_183_offers },
		{ "a PRACK without the answer: 488 to it and the INVITE, CANCEL to the core",
		  test_prack_without_answer },
		{ "a PRACK to a reliable 180 after the 200 offered: it goes on, the ACK answers",
		  test_prack_to_180_after_offer },
		{ NULL, NULL },
	};
	return rig_cunit_main("ims-alg: offers in 2xx, answers in ACK", up, down, tests);
}
