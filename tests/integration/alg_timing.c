/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-alg with the real ims-agw when a call's media fails at each point of the call, each ended cleanly
 * (issue: a UE whose media failed before the answer made the P-CSCF read freed memory):
 *   - the gateway's connect to the UE is refused (tcpbcc/fail) after the core rang, before its answer:
 *     488 to the UE, CANCEL to the core, the context subtracted;
 *   - the same with the core's 200 crossing our CANCEL: the core gets ACK and BYE, the UE only the 488;
 *   - the media fails while the UE's re-INVITE is with the core: BYE to both parties, the re-INVITE
 *     answered 488 and cancelled toward the core;
 *   - a stranger connects to the core leg first (default source filter): reset at the Modify, the call
 *     goes on and the real core's connection gets the leg;
 *   - the gateway falls silent while it is told the answer: 500 to the UE, ACK and BYE to the core;
 *   - the core offers again (UPDATE) while the gateway is told its answer: 491, the answer goes on;
 *   - the core offers (UPDATE) while the UE's re-offer waits for its answer: 491, the re-offer's answer
 *     configures its line;
 *   - the core refuses the UE's re-offer: its reservations go at once.
 * The failures before the first Add reply and between the Adds are alg_fail's. Run under ASan by
 * `make check` in the sanitizer build, where a use after free fails the test. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "algrig.h"
#include "rig.h"
#include "seed.h"
#include "sippeer.h"
#include "tlspeer.h"

static struct algrig rig, silent; /* silent: its gateway is stopped in the middle of a call */
static struct sippeer ue, core;
static struct tls_identity ue_id;

#define MEDIA_FAILED "SIP/2.0 488 Not Acceptable Here (media failed)\r\n"
#define REASON       "SIP;cause=503;text=\"media failed\""

/* A loopback port nothing listens on: the gateway's connect to it is refused. */
static uint16_t dead_port(void)
{
	uint16_t port = 0;
	close(tcp_listen(&port));
	return port;
}

/* UE A offers e2ae MSRP (a=setup:actpass) on port through r; the core gets the INVITE (g_free it). */
static char *offer(struct algrig *r, const char *call, uint16_t port)
{
	char *sdp = algrig_sdp("ue", &payload_msrp, port, true, "actpass", ue_id.fingerprint, "requested");
	sippeer_invite(&ue, r->access, "a", "b", call, sdp);
	g_free(sdp);
	char *inv = sippeer_recv(&core, 5000);
	CU_ASSERT_TRUE(inv && g_str_has_prefix(inv, "INVITE "));
	return inv;
}

/* The core connects to the gateway's core leg (seed 004 step 10): the gateway connects to the UE (step
 * 11), which refuses, and notifies tcpbcc/fail. Returns the core's socket. */
static int core_connects(const char *inv)
{
	bool up;
	int fd = tcp_connect_from(0, (uint16_t)sdp_port(sip_body(inv), "message"), 2000, &up);
	CU_ASSERT_TRUE(up);
	return fd;
}

/* Two messages at p, in any order: the one starting with a and the one with b (g_free). */
static void two(struct sippeer *p, const char *a, char **got_a, const char *b, char **got_b)
{
	char *got[2];
	sippeer_collect(p, 2, (const char *const[]){ a, b }, got, 5000);
	*got_a = got[0], *got_b = got[1];
	CU_ASSERT_PTR_NOT_NULL(*got_a);
	CU_ASSERT_PTR_NOT_NULL(*got_b);
}

/* The H.248 the ALG sent since mark, against the originating call up to the Adds, then what follows. */
static void assert_h248(struct algrig *r, long mark, uint16_t port, bool modified)
{
	usleep(200000);
	char *rx = algrig_h248(r, mark, true), *tx = algrig_h248(r, mark, false), ctx[16], co[16], ac[16];
	snprintf(ctx, sizeof ctx, "%u", rig_number_after(rx, "Context = "));
	snprintf(co, sizeof co, "co/%u", rig_number_after(rx, "Add = co/"));
	snprintf(ac, sizeof ac, "ac/%u", rig_number_after(rx, "Add = ac/"));
	char ue_s[8];
	snprintf(ue_s, sizeof ue_s, "%u", port);
	char *want = algrig_msrp_h248(
	    r, modified ? "seed004/orig" : "seed004/orig_unanswered", ue_id.fingerprint,
	    (const char *const[]){ "ue_port", ue_s, "ctx", ctx, "core_term", co, "access_term", ac, NULL });
	CU_ASSERT_PTR_NOT_NULL(strstr(rx, "tcpbcc/fail"));
	ASSERT_TEXT("H.248 sent", tx, want);
	g_free(want), g_free(tx), g_free(rx);
}

/* The ALG's failure toward the UE, acknowledged; nothing else reaches the UE. */
static void assert_ue_refused(struct algrig *r)
{
	char *got = sippeer_final(&ue, 5000);
	CU_ASSERT_TRUE(got && g_str_has_prefix(got, MEDIA_FAILED));
	if (got && g_str_has_prefix(got, "SIP/2.0 4"))
		sippeer_ack(&ue, r->access, "sip:b@example.net", got);
	char *more = sippeer_recv(&ue, 500);
	CU_ASSERT_PTR_NULL(more); /* above all no 200 OK the gateway has not seen */
	g_free(more), g_free(got);
}

/* A call whose media fails while the core rings: the offer at a dead port, the core's 180, its connect
 * to the gateway's core leg; the core then has the ALG's CANCEL (g_free inv and cancel, close fd). */
struct early {
	long mark;
	uint16_t port;
	char *inv, *cancel;
	int fd;
};

static bool fails_early(const char *call, struct early *e)
{
	e->mark = algrig_mark(&rig);
	e->port = dead_port();
	e->inv = offer(&rig, call, e->port);
	e->cancel = NULL, e->fd = -1;
	if (!e->inv)
		return false;
	sippeer_answer(&core, e->inv, "b", "180 Ringing", NULL);
	e->fd = core_connects(e->inv);
	e->cancel = sippeer_recv(&core, 3000);
	CU_ASSERT_TRUE(e->cancel && g_str_has_prefix(e->cancel, "CANCEL sip:b@example.net SIP/2.0\r\n"));
	return e->inv && e->cancel && g_str_has_prefix(e->cancel, "CANCEL ");
}

static void early_clear(struct early *e)
{
	close(e->fd);
	g_free(e->cancel), g_free(e->inv);
}

static void test_connect_refused_before_answer(void)
{
	struct early e;
	if (fails_early("t1", &e)) {
		sippeer_answer(&core, e.cancel, "b", "200 OK", NULL);
		sippeer_answer(&core, e.inv, "b", "487 Request Terminated", NULL);
		char *ack = sippeer_recv(&core, 3000);
		CU_ASSERT_TRUE(ack && g_str_has_prefix(ack, "ACK sip:b@example.net SIP/2.0\r\n"));
		assert_ue_refused(&rig);
		assert_h248(&rig, e.mark, e.port, false);
		g_free(ack);
	}
	early_clear(&e);
}

static void test_answer_crosses_cancel(void)
{
	struct early e;
	if (!fails_early("t2", &e)) {
		early_clear(&e);
		return;
	}
	char *inv = e.inv, *cancel = e.cancel;
	/* the core answered before the CANCEL reached it */
	char *answer = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL);
	sippeer_answer(&core, inv, "b", "200 OK", answer);
	sippeer_answer(&core, cancel, "b", "200 OK", NULL);
	char *ack = sippeer_recv(&core, 3000), *bye = sippeer_recv(&core, 3000);
	CU_ASSERT_TRUE(ack && g_str_has_prefix(ack, "ACK sip:b@127.0.0.1:"));
	CU_ASSERT_TRUE_FATAL(bye && g_str_has_prefix(bye, "BYE sip:b@127.0.0.1:"));
	char *reason = sip_header(bye, "Reason"), *cseq = sip_header(bye, "CSeq");
	CU_ASSERT_STRING_EQUAL(reason, REASON);
	CU_ASSERT_STRING_EQUAL(cseq, "2 BYE");
	sippeer_answer(&core, bye, "b", "200 OK", NULL);
	assert_ue_refused(&rig);
	assert_h248(&rig, e.mark, e.port, false);
	early_clear(&e);
	g_free(cseq), g_free(reason), g_free(bye), g_free(ack), g_free(answer);
}

static void test_fails_during_reinvite(void)
{
	long mark = algrig_mark(&rig);
	uint16_t port = dead_port();
	char *inv = offer(&rig, "t3", port);
	char *answer = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL);
	sippeer_answer(&core, inv, "b", "200 OK", answer);
	char *ok = sippeer_final(&ue, 5000);
	CU_ASSERT_TRUE_FATAL(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	struct sipdlg d;
	sipdlg_caller(&d, &ue, ok, 1);
	sipdlg_send(&d, "ACK", NULL);
	char *ack = sippeer_recv(&core, 3000);
	CU_ASSERT_TRUE(ack && g_str_has_prefix(ack, "ACK "));
	/* the same offer again (the gateway is left alone): it reaches the core, which has not answered
	 * when the media fails */
	char *sdp = algrig_sdp("ue", &payload_msrp, port, true, "actpass", ue_id.fingerprint, "requested");
	sipdlg_send(&d, "INVITE", sdp);
	char *reinv = sippeer_recv(&core, 3000);
	CU_ASSERT_TRUE_FATAL(reinv && g_str_has_prefix(reinv, "INVITE "));
	sippeer_answer(&core, reinv, "b", "100 Trying", NULL);
	int fd = core_connects(inv);
	char *bye_ue, *refused, *bye_core, *cancel;
	two(&ue, "BYE sip:a@", &bye_ue, MEDIA_FAILED, &refused);
	two(&core, "BYE sip:b@", &bye_core, "CANCEL sip:b@", &cancel);
	char *more = sippeer_recv(&ue, 300);
	CU_ASSERT_PTR_NULL(more); /* no 180, no 200 */
	if (refused)
		sippeer_ack(&ue, rig.access, "sip:b@example.net", refused);
	if (bye_ue)
		sippeer_answer(&ue, bye_ue, "a", "200 OK", NULL);
	if (bye_core)
		sippeer_answer(&core, bye_core, "b", "200 OK", NULL);
	if (cancel)
		sippeer_answer(&core, cancel, "b", "200 OK", NULL);
	sippeer_answer(&core, reinv, "b", "487 Request Terminated", NULL);
	char *ack487 = sippeer_recv(&core, 3000);
	CU_ASSERT_TRUE(ack487 && g_str_has_prefix(ack487, "ACK "));
	assert_h248(&rig, mark, port, true);
	close(fd);
	sipdlg_clear(&d);
	g_free(ack487), g_free(more), g_free(bye_ue), g_free(refused), g_free(bye_core), g_free(cancel),
	    g_free(reinv), g_free(sdp), g_free(ack), g_free(ok), g_free(answer), g_free(inv);
}

/* A sha-1 fingerprint for a line the gateway terminates: refused at the offer, before any H.248. */
static void test_weak_fingerprint(void)
{
	long mark = algrig_mark(&rig);
	char *sdp =
	    algrig_sdp("ue", &payload_msrp, dead_port(), true, "actpass",
		       "sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB", "requested");
	sippeer_invite(&ue, rig.access, "a", "b", "t5", sdp);
	char *got = sippeer_final(&ue, 5000);
	CU_ASSERT_TRUE(
	    got && g_str_has_prefix(got, "SIP/2.0 488 Not Acceptable Here (fingerprint hash too weak)\r\n"));
	if (got)
		sippeer_ack(&ue, rig.access, "sip:b@example.net", got);
	char *none = sippeer_recv(&core, 300), *tx = algrig_h248(&rig, mark, false);
	CU_ASSERT_PTR_NULL(none);
	CU_ASSERT_STRING_EQUAL(tx, "");
	g_free(tx), g_free(none), g_free(got), g_free(sdp);
}

/* A stranger (127.0.0.9) connects to the core leg before the answer, with the gateway's default source
 * filter: held, then reset at the answer's Modify and notified tcpbcc/fail; the call goes on (issue 26:
 * it was released, so connecting first ended anyone's call), and the leg takes the real core's
 * connection: its connect to the UE (refused here) is what ends the call, with BYE to both. */
static void test_stranger_connects_first(void)
{
	long mark = algrig_mark(&silent);
	uint16_t port = dead_port();
	char *inv = offer(&silent, "t6", port);
	CU_ASSERT_PTR_NOT_NULL_FATAL(inv);
	bool up;
	uint16_t core_leg = (uint16_t)sdp_port(sip_body(inv), "message");
	int stranger = tcp_connect_at("127.0.0.9", 0, core_leg, 2000, &up);
	CU_ASSERT_TRUE(up);
	usleep(100000);
	char *answer = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL);
	sippeer_answer(&core, inv, "b", "200 OK", answer);
	char *ok = sippeer_final(&ue, 5000);
	CU_ASSERT_TRUE_FATAL(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	struct sipdlg d;
	sipdlg_caller(&d, &ue, ok, 1);
	sipdlg_send(&d, "ACK", NULL);
	char *ack = sippeer_recv(&core, 3000), *none = sippeer_recv(&core, 500), buf[8];
	CU_ASSERT_TRUE(ack && g_str_has_prefix(ack, "ACK "));
	CU_ASSERT_PTR_NULL(none);                                /* no BYE: the stranger ended nothing */
	CU_ASSERT_TRUE(recv(stranger, buf, sizeof buf, 0) <= 0); /* reset, nothing relayed */
	char *rx = algrig_h248(&silent, mark, true);
	CU_ASSERT_PTR_NOT_NULL(strstr(rx, "tcpbcc/fail {\n          reason = \"connection from 127.0.0.9:"));
	int real = tcp_connect_at("127.0.0.1", 0, core_leg, 2000, &up);
	CU_ASSERT_TRUE(up);
	char *bye_ue = sippeer_recv(&ue, 5000), *bye_core = sippeer_recv(&core, 5000);
	CU_ASSERT_TRUE(bye_ue && g_str_has_prefix(bye_ue, "BYE sip:a@"));
	CU_ASSERT_TRUE(bye_core && g_str_has_prefix(bye_core, "BYE sip:b@"));
	if (bye_ue)
		sippeer_answer(&ue, bye_ue, "a", "200 OK", NULL);
	if (bye_core)
		sippeer_answer(&core, bye_core, "b", "200 OK", NULL);
	close(real), close(stranger);
	sipdlg_clear(&d);
	g_free(bye_core), g_free(bye_ue), g_free(rx), g_free(none), g_free(ack), g_free(ok), g_free(answer),
	    g_free(inv);
}

static void test_gateway_silent_during_answer(void)
{
	uint16_t port = 0;
	int l = tcp_listen(&port);
	char *inv = offer(&silent, "t4", port);
	kill(silent.agw, SIGSTOP);
	char *answer = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL);
	sippeer_answer(&core, inv, "b", "200 OK", answer);
	char *got = sippeer_final(&ue, 5000);
	CU_ASSERT_TRUE(got && g_str_has_prefix(got, "SIP/2.0 500 Media Gateway Not Reachable\r\n"));
	if (got && g_str_has_prefix(got, "SIP/2.0 5"))
		sippeer_ack(&ue, silent.access, "sip:b@example.net", got);
	char *ack = sippeer_recv(&core, 3000), *bye = sippeer_recv(&core, 3000);
	CU_ASSERT_TRUE(ack && g_str_has_prefix(ack, "ACK sip:b@127.0.0.1:"));
	CU_ASSERT_TRUE(bye && g_str_has_prefix(bye, "BYE sip:b@127.0.0.1:"));
	if (bye)
		sippeer_answer(&core, bye, "b", "200 OK", NULL);
	char *more = sippeer_recv(&ue, 300);
	CU_ASSERT_PTR_NULL(more);
	kill(silent.agw, SIGCONT);
	close(l);
	g_free(more), g_free(bye), g_free(ack), g_free(got), g_free(answer), g_free(inv);
}

/* The core answers while the gateway is stopped, then offers again in an UPDATE (RFC 3311 §5.2) before
 * the answer's Modify is done: 491 for the UPDATE, and once the gateway wakes the answer's transaction
 * goes on untouched: the 200 reaches the UE, the call's H.248 is the seed's. Before, the UPDATE took the
 * answer's place in the call: its 491 dropped the answer's body and callback, and the Modify's reply
 * then rewrote a body that was gone (a crash; under ASan, a use after free). */
static void test_offer_during_answer(void)
{
	long mark = algrig_mark(&rig);
	uint16_t port = 0;
	int l = tcp_listen(&port);
	char *inv = offer(&rig, "t7", port);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE "));
	char *answer = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL);
	kill(rig.agw, SIGSTOP);
	long stopped = algrig_mark(&rig);
	sippeer_answer(&core, inv, "b", "200 OK", answer);
	g_free(algrig_h248_once_shown(&rig, stopped, "Modify", 3000)); /* the answer is with the gateway */
	struct sipdlg db, da;
	sipdlg_callee(&db, &core, inv, "b");
	sipdlg_send(&db, "UPDATE", answer);
	char *pending = sippeer_next_of(&core, "SIP/2.0 ", 3000);
	CU_ASSERT_TRUE(pending && g_str_has_prefix(pending, "SIP/2.0 491 Request Pending\r\n"));
	kill(rig.agw, SIGCONT);
	char *ok = sippeer_final(&ue, 5000);
	CU_ASSERT_TRUE_FATAL(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	sipdlg_caller(&da, &ue, ok, 1);
	sipdlg_send(&da, "ACK", NULL);
	char *ack = sippeer_next_of(&core, "ACK ", 3000), *bye = NULL, *bye_ok = NULL;
	CU_ASSERT_PTR_NOT_NULL(ack);
	sipdlg_send(&da, "BYE", NULL);
	bye = sippeer_next_of(&core, "BYE ", 3000);
	CU_ASSERT_TRUE_FATAL(bye != NULL);
	sippeer_answer(&core, bye, "b", "200 OK", NULL);
	bye_ok = sippeer_final(&ue, 3000);
	CU_ASSERT_TRUE(bye_ok && g_str_has_prefix(bye_ok, "SIP/2.0 200 OK\r\n"));
	char *tx = algrig_h248_once_shown(&rig, mark, "Subtract = *", 3000),
	     *rx = algrig_h248(&rig, mark, true);
	char ue_s[8], ctx[16], co[16], ac[16];
	snprintf(ue_s, sizeof ue_s, "%u", port);
	snprintf(ctx, sizeof ctx, "%u", rig_number_after(rx, "Context = "));
	snprintf(co, sizeof co, "co/%u", rig_number_after(rx, "Add = co/"));
	snprintf(ac, sizeof ac, "ac/%u", rig_number_after(rx, "Add = ac/"));
	char *want = algrig_msrp_h248(
	    &rig, "seed004/orig", ue_id.fingerprint,
	    (const char *const[]){ "ue_port", ue_s, "ctx", ctx, "core_term", co, "access_term", ac, NULL });
	ASSERT_TEXT("H.248 sent", tx, want);
	close(l);
	sipdlg_clear(&da), sipdlg_clear(&db);
	g_free(want), g_free(rx), g_free(tx), g_free(bye_ok), g_free(bye), g_free(ack), g_free(ok),
	    g_free(pending), g_free(answer), g_free(inv);
}

/* An answered originating call (the UE on port, the core active, ACKed); *da and *db its dialogs, *ok
 * the UE's 200 (g_free it). */
static void answered(const char *call, uint16_t port, struct sipdlg *da, struct sipdlg *db, char **ok)
{
	char *inv = offer(&rig, call, port);
	CU_ASSERT_TRUE_FATAL(inv != NULL);
	char *answer = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL);
	CU_ASSERT_TRUE_FATAL(sipdlg_answered(&ue, &core, inv, "b", answer, da, db, ok));
	g_free(answer), g_free(inv);
}

/* The UE re-offers its line on port (another port than the call's: the line is replaced, the gateway
 * reserves a new access leg); the re-INVITE the core got (g_free it). */
static char *ue_reoffers(struct sipdlg *da, uint16_t port)
{
	char *sdp = algrig_sdp("ue", &payload_msrp, port, true, "actpass", ue_id.fingerprint, "requested");
	sipdlg_send(da, "INVITE", sdp);
	char *re = sippeer_next_of(&core, "INVITE ", 3000);
	CU_ASSERT_TRUE_FATAL(re != NULL);
	g_free(sdp);
	return re;
}

/* The H.248 since mark of a re-offered originating call (template name, seed004/orig_reoffer*): the call's
 * context and terminations read from the replies since first (its first offer's), the re-offer's from
 * those since mark, the UE's new port ue_port2. */
static char *reoffer_h248(const char *name, long first, long mark, uint16_t ue_port2)
{
	char *rx1 = algrig_h248(&rig, first, true), *rx2 = algrig_h248(&rig, mark, true);
	char port[8], ctx[16], co[16], ac[16], co2[16], ac2[16];
	snprintf(port, sizeof port, "%u", ue_port2);
	snprintf(ctx, sizeof ctx, "%u", rig_number_after(strstr(rx1, "Add = ac/"), "Context = "));
	snprintf(co, sizeof co, "co/%u", rig_number_after(rx1, "Add = co/"));
	snprintf(ac, sizeof ac, "ac/%u", rig_number_after(rx1, "Add = ac/"));
	snprintf(co2, sizeof co2, "co/%u", rig_number_after(rx2, "Add = co/"));
	snprintf(ac2, sizeof ac2, "ac/%u", rig_number_after(rx2, "Add = ac/"));
	g_free(rx1), g_free(rx2);
	return algrig_msrp_h248(&rig, name, ue_id.fingerprint,
				(const char *const[]){ "ue_port2", port, "ctx", ctx, "core_term", co,
						       "access_term", ac, "core_term2", co2, "access_term2",
						       ac2, NULL });
}

/* The UE hangs up an answered call (da; db the core's side). */
static void ue_hangs_up(struct sipdlg *da)
{
	sipdlg_send(da, "BYE", NULL);
	char *bye = sippeer_next_of(&core, "BYE ", 3000), *bye_ok;
	CU_ASSERT_TRUE_FATAL(bye != NULL);
	sippeer_answer(&core, bye, "b", "200 OK", NULL);
	bye_ok = sippeer_final(&ue, 3000);
	CU_ASSERT_TRUE(bye_ok && g_str_has_prefix(bye_ok, "SIP/2.0 200 OK\r\n"));
	g_free(bye_ok), g_free(bye);
}

/* The UE re-offers on another port (the gateway reserves a new line) and, while its re-INVITE is with
 * the core, the core offers too in an UPDATE (RFC 3311 §5.2): 491 for the UPDATE, which the UE never
 * sees, and the re-INVITE's answer configures the re-offer's line. Before, the UPDATE took the re-offer's
 * place (its reservations undone), and the re-INVITE's 200 was then taken for the UPDATE's answer. */
static void test_both_offer(void)
{
	struct sipdlg da, db;
	char *ok;
	long first = algrig_mark(&rig);
	answered("t8", dead_port(), &da, &db, &ok);
	long mark = algrig_mark(&rig);
	uint16_t port2 = dead_port();
	char *re = ue_reoffers(&da, port2);
	char *update = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL);
	sipdlg_send(&db, "UPDATE", update);
	char *pending = sippeer_next_of(&core, "SIP/2.0 ", 3000),
	     *none = sippeer_next_of(&ue, "UPDATE ", 300);
	CU_ASSERT_TRUE(pending && g_str_has_prefix(pending, "SIP/2.0 491 Request Pending\r\n"));
	CU_ASSERT_PTR_NULL(none);
	sippeer_answer(&core, re, "b", "200 OK", update);
	char *re_ok = sippeer_final(&ue, 5000);
	CU_ASSERT_TRUE_FATAL(re_ok && g_str_has_prefix(re_ok, "SIP/2.0 200 OK\r\n"));
	/* seed 004's answer toward the UE on the re-offer's new access leg */
	char *agw_fp = sdp_fingerprint(sip_body(re_ok));
	char *want = algrig_sdp_via_gw("b", &payload_msrp, sdp_port(sip_body(re_ok), "message"), true,
				       "active", agw_fp, NULL);
	ASSERT_TEXT("the re-INVITE's answer toward the UE", sip_body(re_ok), want);
	sipdlg_send(&da, "ACK", NULL);
	g_free(sippeer_next_of(&core, "ACK ", 3000));
	ue_hangs_up(&da);
	char *tx = algrig_h248_once_shown(&rig, mark, "Subtract = *", 3000),
	     *h248 = reoffer_h248("seed004/orig_reoffer", first, mark, port2);
	ASSERT_TEXT("H.248 of the re-offer", tx, h248);
	sipdlg_clear(&da), sipdlg_clear(&db);
	g_free(h248), g_free(tx), g_free(want), g_free(agw_fp), g_free(re_ok), g_free(none), g_free(pending),
	    g_free(update), g_free(re), g_free(ok);
}

/* The same with a re-offer that leaves the gateway alone (the UE's SDP again): the core's UPDATE with
 * another port still gets 491 and never reaches the UE, nothing changes at the gateway, and the
 * re-INVITE's 200 reaches the UE as the call's first 200 did. Before, the UPDATE went on: the call's
 * running terminations were subtracted for it, and the re-INVITE's 200 configured the access leg with the
 * core's address. */
static void test_both_offer_kept(void)
{
	struct sipdlg da, db;
	char *ok;
	uint16_t port = dead_port();
	answered("t10", port, &da, &db, &ok);
	long mark = algrig_mark(&rig);
	char *re = ue_reoffers(&da, port);
	char *update = algrig_sdp("b", &payload_msrp, 2857, false, "active", NULL, NULL),
	     *answer = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL);
	sipdlg_send(&db, "UPDATE", update);
	char *pending = sippeer_next_of(&core, "SIP/2.0 ", 3000),
	     *none = sippeer_next_of(&ue, "UPDATE ", 300);
	CU_ASSERT_TRUE(pending && g_str_has_prefix(pending, "SIP/2.0 491 Request Pending\r\n"));
	CU_ASSERT_PTR_NULL(none);
	sippeer_answer(&core, re, "b", "200 OK", answer);
	char *re_ok = sippeer_final(&ue, 5000);
	CU_ASSERT_TRUE_FATAL(re_ok && g_str_has_prefix(re_ok, "SIP/2.0 200 OK\r\n"));
	ASSERT_TEXT("the re-INVITE's answer toward the UE", sip_body(re_ok), sip_body(ok));
	sipdlg_send(&da, "ACK", NULL);
	g_free(sippeer_next_of(&core, "ACK ", 3000));
	char *h248 = algrig_h248(&rig, mark, false);
	CU_ASSERT_STRING_EQUAL(h248, "");
	ue_hangs_up(&da);
	sipdlg_clear(&da), sipdlg_clear(&db);
	g_free(h248), g_free(re_ok), g_free(none), g_free(pending), g_free(answer), g_free(update),
	    g_free(re), g_free(ok);
}

/* The core answers the UE's INVITE in a reliable 183; the UE then re-offers another port in an UPDATE
 * (the gateway reserves a new line), and the core's 200 to the INVITE (no SDP) passes before its 200 to
 * the UPDATE: the INVITE's end is not the UPDATE's, so the UPDATE's line stays and its answer configures
 * it. Before, the INVITE's 200 undid the UPDATE's re-offer. */
static void test_invite_ends_during_update(void)
{
	long first = algrig_mark(&rig);
	char *inv = offer(&rig, "t11", dead_port());
	CU_ASSERT_TRUE_FATAL(inv != NULL);
	char *answer = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL);
	sippeer_answer_with(&core, inv, "b", "183 Session Progress", "Require: 100rel\r\nRSeq: 1\r\n",
			    answer);
	char *early = sippeer_next_of(&ue, "SIP/2.0 183 ", 5000);
	CU_ASSERT_TRUE_FATAL(early != NULL);
	struct sipdlg da, db;
	sipdlg_caller(&da, &ue, early, 1);
	sipdlg_callee(&db, &core, inv, "b");
	sipdlg_send_with(&da, "PRACK", "RAck: 1 1 INVITE\r\n", NULL);
	char *prack = sippeer_next_of(&core, "PRACK ", 3000);
	CU_ASSERT_TRUE_FATAL(prack != NULL);
	sippeer_answer(&core, prack, "b", "200 OK", NULL);
	g_free(sippeer_next_of(&ue, "SIP/2.0 200 ", 3000));
	long mark = algrig_mark(&rig);
	uint16_t port2 = dead_port();
	char *sdp = algrig_sdp("ue", &payload_msrp, port2, true, "actpass", ue_id.fingerprint, "requested");
	sipdlg_send(&da, "UPDATE", sdp);
	char *update = sippeer_next_of(&core, "UPDATE ", 3000);
	CU_ASSERT_TRUE_FATAL(update != NULL);
	sippeer_answer(&core, inv, "b", "200 OK", NULL);
	char *ok = sippeer_next_of(&ue, "SIP/2.0 200 OK", 3000);
	CU_ASSERT_TRUE_FATAL(ok != NULL);
	sippeer_answer(&core, update, "b", "200 OK", answer);
	char *up_ok = sippeer_next_of(&ue, "SIP/2.0 200 OK", 5000);
	CU_ASSERT_TRUE_FATAL(up_ok != NULL);
	char *agw_fp = sdp_fingerprint(sip_body(up_ok));
	char *want = algrig_sdp_via_gw("b", &payload_msrp, sdp_port(sip_body(up_ok), "message"), true,
				       "active", agw_fp, NULL);
	ASSERT_TEXT("the UPDATE's answer toward the UE", sip_body(up_ok), want);
	sipdlg_clear(&da);
	sipdlg_caller(&da, &ue, ok, 1);
	sipdlg_send(&da, "ACK", NULL);
	g_free(sippeer_next_of(&core, "ACK ", 3000));
	da.cseq = 3; /* the UPDATE's: the BYE takes the next */
	ue_hangs_up(&da);
	char *tx = algrig_h248_once_shown(&rig, mark, "Subtract = *", 3000),
	     *h248 = reoffer_h248("seed004/orig_reoffer", first, mark, port2);
	ASSERT_TEXT("H.248 of the UPDATE's re-offer", tx, h248);
	sipdlg_clear(&da), sipdlg_clear(&db);
	g_free(h248), g_free(tx), g_free(want), g_free(agw_fp), g_free(up_ok), g_free(ok), g_free(update),
	    g_free(sdp), g_free(prack), g_free(early), g_free(answer), g_free(inv);
}

/* The core refuses the UE's re-offer (488): the session stays as it was (RFC 3261 §14.1), and what the
 * re-offer reserved goes at once, before anything else happens in the call. Before, it stayed reserved
 * until the next offer or the call's end. */
static void test_reoffer_refused(void)
{
	struct sipdlg da, db;
	char *ok;
	long first = algrig_mark(&rig);
	answered("t9", dead_port(), &da, &db, &ok);
	long mark = algrig_mark(&rig);
	uint16_t port2 = dead_port();
	char *re = ue_reoffers(&da, port2);
	sippeer_answer(&core, re, "b", "488 Not Acceptable Here", NULL);
	char *refused = sippeer_final(&ue, 5000);
	CU_ASSERT_TRUE_FATAL(refused && g_str_has_prefix(refused, "SIP/2.0 488 Not Acceptable Here\r\n"));
	sippeer_ack(&ue, rig.access, da.target, refused);
	char *tx = algrig_h248_once_shown(&rig, mark, "Subtract = *", 3000),
	     *h248 = reoffer_h248("seed004/orig_reoffer_refused", first, mark, port2);
	ASSERT_TEXT("H.248 of the refused re-offer, before the call ends", tx, h248);
	ue_hangs_up(&da);
	char *after = algrig_h248(&rig, mark, false);
	ASSERT_TEXT("H.248 after the call ended: no more", after, tx);
	sipdlg_clear(&da), sipdlg_clear(&db);
	g_free(after), g_free(h248), g_free(tx), g_free(refused), g_free(re), g_free(ok);
}

static int up(void)
{
	char *err = NULL;
	if (!tls_identity_init(&ue_id, NULL, NULL, "UE", &err) || !sippeer_open(&ue, false) ||
	    !sippeer_open(&core, false))
		return 1;
	/* the gateway's source filter off: the core's connection before the answer triggers step 11 at once,
	 * as in the seed's figure, so that the media can fail before the answer (issue 26: on, as by
	 * default, the connection is held until the answer's Modify) */
	bool ok =
	    algrig_start(
		&rig,
		&(struct algrig_opts){ .next_hop = core.port,
				       .agw = (const char *const[]){ "--leg-source-filter=false", NULL },
				       .access_ports = "30300-30349",
				       .core_ports = "30350-30399" }) &&
	    algrig_start(&silent,
			 &(struct algrig_opts){ .next_hop = core.port,
						.alg = (const char *const[]){ "--h248-timeout=600", NULL },
						.access_ports = "30400-30424",
						.core_ports = "30425-30449" });
	return ok && algrig_register(&rig, &ue, "a", true) && algrig_register(&silent, &ue, "a", true) ? 0
												       : 1;
}

static int down(void)
{
	bool a = algrig_stop(&rig), b = algrig_stop(&silent);
	tls_identity_clear(&ue_id);
	sippeer_close(&ue), sippeer_close(&core);
	return a && b ? 0 : 1;
}

int main(void)
{
	static const struct rig_test tests[] = {
		{ "tcpbcc/fail after the core rang: 488 to the UE, CANCEL to the core",
		  test_connect_refused_before_answer },
		{ "the core's 200 crosses the CANCEL: ACK and BYE to the core", test_answer_crosses_cancel },
		{ "media fails during a re-INVITE: BYE to both, the re-INVITE refused and cancelled",
		  test_fails_during_reinvite },
		{ "a sha-1 fingerprint: 488 at the offer, no H.248", test_weak_fingerprint },
		{ "a stranger connects to the core leg first: refused, the call goes on",
		  test_stranger_connects_first },
		{ "the gateway falls silent during the answer: 500 to the UE, ACK and BYE to the core",
		  test_gateway_silent_during_answer },
		{ "an UPDATE offers while the answer is with the gateway: 491, the answer goes on",
		  test_offer_during_answer },
		{ "both sides offer at once: 491 for the second, the first's answer goes on",
		  test_both_offer },
		{ "a re-offer refused: what it reserved goes at once, the call goes on",
		  test_reoffer_refused },
		{ "both sides offer at once, the first leaving the gateway alone: 491 for the second",
		  test_both_offer_kept },
		{ "the INVITE's 200 passes during an UPDATE's re-offer: the UPDATE's line stays",
		  test_invite_ends_during_update },
		{ NULL, NULL },
	};
	return rig_cunit_main("ims-alg when the media fails at each point of a call", up, down, tests);
}
