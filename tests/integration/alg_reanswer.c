/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-alg with the real ims-agw when the terminating UE's answer changes a line the gateway already
 * carries: the gateway checks the UE's certificate against the fingerprint its SDP names now, never an
 * old one (RFC 8122 §5; TS 33.328 e2ae, seed 004 step 13):
 *   - the core re-INVITEs with the same offer (open point 1: the gateway is not asked). The UE answers
 *     with its certificate unchanged: no H.248. Then it answers another re-INVITE naming another
 *     certificate: the access leg's Remote learns the new fingerprint, and the TLS session the UE runs
 *     with the old certificate ends (bad_certificate alert, tlsbsc/fail), so the call is released;
 *   - the UE answers in a 183 and then in a 200 whose SDP names another certificate: the gateway checks
 *     the 200's, so a UE that connects with that certificate gets its TLS session and its bytes cross;
 *   - the UE answers a re-INVITE with a certificate named by a sha-1 fingerprint: refused as an answer
 *     that cannot be carried (the call is released), and the gateway never hears of it;
 *   - the UE names the same certificate again, written otherwise: the gateway is told, and the session
 *     carries on.
 * And when the core answers a UE's call in a 183 and then in a 200 that is not the same (another fork's,
 * RFC 3261 §13.2.2.4: the 2xx's answer is the session's):
 *   - from another address: the gateway's core leg learns it, takes the core's connection from there, and
 *     MSRP crosses;
 *   - as the passive party where the 183 was the active one: refused (the core leg listens as the 183
 *     said), the UE gets 488, the core ACK and BYE, the context goes.
 * Each asserts the exact H.248 the ALG sends. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <string.h>
#include <unistd.h>

#include "algrig.h"
#include "rig.h"
#include "seed.h"
#include "sippeer.h"
#include "tlspeer.h"

static struct algrig rig;
static struct sippeer ue, core;
static struct tls_identity ue_id, new_id; /* the UE's certificate, and the one it changes to */
static const char sha1_fp[] = "sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB";

/* One terminating call: the core's side and the UE's, the gateway's ports and fingerprint. */
struct term {
	const char *call;
	uint16_t core_port;
	int core_l; /* where the gateway connects to the core */
	char *offer, *inv, *ok;
	unsigned agw_access;
	char *agw_fp;
	struct sipdlg dc, du;
};

/* The core offers MSRP to UE a; the INVITE the UE got, with the gateway's TLS line in it. */
static void term_offer(struct term *t, const char *call)
{
	*t = (struct term){ .call = call };
	t->core_l = tcp_listen(&t->core_port);
	t->offer = algrig_sdp("c", &payload_msrp, t->core_port, false, "actpass", NULL, NULL);
	sippeer_invite(&core, rig.core, "c", "a", call, t->offer);
	t->inv = sippeer_recv(&ue, 5000);
	CU_ASSERT_TRUE_FATAL(t->inv && g_str_has_prefix(t->inv, "INVITE sip:a@127.0.0.1:"));
	t->agw_access = sdp_port(sip_body(t->inv), "message");
	t->agw_fp = sdp_fingerprint(sip_body(t->inv));
}

/* The UE's answer naming the certificate fp (g_free it). */
static char *ue_answer(const char *fp)
{
	return algrig_sdp("a", &payload_msrp, 9, true, "active", fp, NULL);
}

/* What the core must see of any answer of the UE: the plain line at the gateway's core leg. */
static char *core_view(const char *ok)
{
	return algrig_sdp_via_gw("a", &payload_msrp, sdp_port(sip_body(ok), "message"), false, "active", NULL,
				 NULL);
}

/* The UE answers with status and sdp; the response the core got, its body as core_view says. */
static char *answer_seen(const char *req, const char *status, const char *sdp)
{
	sippeer_answer(&ue, req, "a", status, sdp);
	char *got = sippeer_recv(&core, 5000), *start = g_strdup_printf("SIP/2.0 %s\r\n", status);
	CU_ASSERT_TRUE_FATAL(got && g_str_has_prefix(got, start));
	char *want = core_view(got);
	ASSERT_TEXT("answer toward the core", sip_body(got), want);
	g_free(want), g_free(start);
	return got;
}

/* The dialog both sides see once the core ACKed the 200 ok. */
static void term_dialogs(struct term *t, char *ok)
{
	t->ok = ok;
	sipdlg_caller(&t->dc, &core, ok, 1);
	sipdlg_callee(&t->du, &ue, t->inv, "a");
	sipdlg_send(&t->dc, "ACK", NULL);
	char *ack = sippeer_recv(&ue, 3000);
	CU_ASSERT_TRUE(ack && g_str_has_prefix(ack, "ACK "));
	g_free(ack);
}

/* The UE connects and runs TLS as client with id; *peer: the gateway's connection to the core. */
static gnutls_session_t ue_connects(struct term *t, const struct tls_identity *id, int *fd, int *peer)
{
	CU_ASSERT_TRUE_FATAL(tcp_through((uint16_t)t->agw_access, t->core_l, fd, peer));
	gnutls_session_t s = tlspeer_handshake_said(*fd, true, id, t->agw_fp, 3000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	return s;
}

/* The core re-INVITEs with its offer again; the re-INVITE the UE got, the gateway's line unchanged. */
static char *core_reoffers(struct term *t)
{
	sipdlg_send(&t->dc, "INVITE", t->offer);
	char *re = sippeer_recv(&ue, 3000);
	CU_ASSERT_TRUE_FATAL(re && g_str_has_prefix(re, "INVITE sip:a@127.0.0.1:"));
	ASSERT_TEXT("re-offer toward the UE", sip_body(re), sip_body(t->inv));
	return re;
}

/* The ALG releases the call: the core gets BYE and the final response to its re-INVITE, which is
 * refused (a prefix) or, with new_cert (a gateway may reply to the Modify before it notifies the
 * session's end), a 200 the release follows; the UE gets the ACK of its 2xx and BYE. Each BYE gives
 * the media's failure as its Reason and is answered 200; the final response is ACKed. */
static void released(struct term *t, const char *refused, bool new_cert)
{
	char *c[2], *u[2];
	sippeer_collect(&core, 2, (const char *const[]){ "BYE ", "SIP/2.0 " }, c, 3000);
	CU_ASSERT_TRUE_FATAL(c[0] && c[1]);
	if (new_cert && g_str_has_prefix(c[1], "SIP/2.0 200 OK\r\n"))
		sipdlg_send(&t->dc, "ACK", NULL);
	else {
		CU_ASSERT_TRUE(g_str_has_prefix(c[1], refused));
		sippeer_ack(&core, rig.core, t->dc.target, c[1]);
	}
	sippeer_collect(&ue, 2, (const char *const[]){ "BYE ", "ACK " }, u, 3000);
	CU_ASSERT_TRUE_FATAL(u[0] && u[1]);
	char *reason_core = sip_header(c[0], "Reason"), *reason_ue = sip_header(u[0], "Reason");
	CU_ASSERT_STRING_EQUAL(reason_core, "SIP;cause=503;text=\"media failed\"");
	CU_ASSERT_STRING_EQUAL(reason_ue, "SIP;cause=503;text=\"media failed\"");
	sippeer_answer(&core, c[0], "c", "200 OK", NULL);
	sippeer_answer(&ue, u[0], "a", "200 OK", NULL);
	g_free(reason_core), g_free(reason_ue), g_free(c[0]), g_free(c[1]), g_free(u[0]), g_free(u[1]);
}

/* seed 004's terminating call, with a second Modify of the access leg naming fp2 when given. */
static char *term_h248(const char *ctx, const char *ac, uint16_t core_port, const char *fp2)
{
	char port[8];
	snprintf(port, sizeof port, "%u", core_port);
	return algrig_msrp_h248(&rig, fp2 ? "seed004/term_reanswer" : "seed004/term", ue_id.fingerprint,
				(const char *const[]){ "core_port", port, "ue_fingerprint2", fp2 ? fp2 : "",
						       "ctx", ctx, "access_term", ac, NULL });
}

static void term_clear(struct term *t)
{
	close(t->core_l);
	sipdlg_clear(&t->dc), sipdlg_clear(&t->du);
	g_free(t->offer), g_free(t->inv), g_free(t->ok), g_free(t->agw_fp);
}

static void test_reanswer_new_certificate(void)
{
	long mark = algrig_mark(&rig);
	struct term t;
	term_offer(&t, "n1");
	char *a = ue_answer(ue_id.fingerprint), *b = ue_answer(new_id.fingerprint);
	term_dialogs(&t, answer_seen(t.inv, "200 OK", a));
	int fd, peer;
	gnutls_session_t s = ue_connects(&t, &ue_id, &fd, &peer);
	CU_ASSERT_TRUE(tlspeer_cross(s, peer, payload_msrp.bytes, payload_msrp.n, 2000));

	/* the same answer again: the gateway is not asked, the session carries on */
	long again = algrig_mark(&rig);
	char *re = core_reoffers(&t), *re_ok = answer_seen(re, "200 OK", a);
	ASSERT_TEXT("re-answer toward the core", sip_body(re_ok), sip_body(t.ok));
	sipdlg_send(&t.dc, "ACK", NULL);
	g_free(sippeer_next_of(&ue, "ACK ", 3000));
	char *none = algrig_h248(&rig, again, false);
	CU_ASSERT_STRING_EQUAL(none, "");
	CU_ASSERT_TRUE(tlspeer_cross(s, peer, payload_msrp.bytes, payload_msrp.n, 2000));
	g_free(none), g_free(re_ok), g_free(re);

	/* another certificate: the gateway learns it and ends the session that shows the old one, and the
	 * call, whose media failed, is released (its re-INVITE fails) */
	re = core_reoffers(&t);
	sippeer_answer(&ue, re, "a", "200 OK", b);
	char got[1];
	CU_ASSERT_EQUAL(tlspeer_read(s, got, 1, 3000), GNUTLS_E_FATAL_ALERT_RECEIVED);
	CU_ASSERT_EQUAL(gnutls_alert_get(s), GNUTLS_A_BAD_CERTIFICATE);
	released(&t, "SIP/2.0 488 Not Acceptable Here (media failed)\r\n", true);
	CU_ASSERT_EQUAL(tcp_read_all(peer, got, 1, 3000), 0); /* the context is gone */
	char *tx = algrig_h248_once_shown(&rig, mark, "Subtract = *", 3000),
	     *rx = algrig_h248(&rig, mark, true);
	char *want = term_h248("1", "ac/1", t.core_port, new_id.fingerprint);
	ASSERT_TEXT("H.248 sent", tx, want);
	CU_ASSERT_PTR_NOT_NULL(strstr(rx, "the fingerprint the Remote now names"));
	tlspeer_close(s, fd);
	close(peer);
	term_clear(&t);
	g_free(want), g_free(rx), g_free(tx), g_free(re), g_free(a), g_free(b);
}

/* The UE names its certificate again, the same one written otherwise (hex in lower case): the
 * gateway is told, finds the running session's certificate named still, and the session carries on. */
static void test_reanswer_same_certificate(void)
{
	long mark = algrig_mark(&rig);
	struct term t;
	term_offer(&t, "n4");
	char *lower = g_ascii_strdown(ue_id.fingerprint, -1);
	char *a = ue_answer(ue_id.fingerprint), *b = ue_answer(lower);
	term_dialogs(&t, answer_seen(t.inv, "200 OK", a));
	int fd, peer;
	gnutls_session_t s = ue_connects(&t, &ue_id, &fd, &peer);
	CU_ASSERT_TRUE(tlspeer_cross(s, peer, payload_msrp.bytes, payload_msrp.n, 2000));
	char *re = core_reoffers(&t), *re_ok = answer_seen(re, "200 OK", b);
	ASSERT_TEXT("re-answer toward the core", sip_body(re_ok), sip_body(t.ok));
	sipdlg_send(&t.dc, "ACK", NULL);
	g_free(sippeer_next_of(&ue, "ACK ", 3000));
	CU_ASSERT_TRUE(tlspeer_cross(s, peer, payload_msrp.bytes, payload_msrp.n, 2000));
	sipdlg_send(&t.dc, "BYE", NULL);
	char *bye = sippeer_next_of(&ue, "BYE ", 3000), *bye_ok = NULL;
	CU_ASSERT_TRUE_FATAL(bye != NULL);
	sippeer_answer(&ue, bye, "a", "200 OK", NULL);
	bye_ok = sippeer_next_of(&core, "SIP/2.0 ", 3000);
	CU_ASSERT_TRUE(bye_ok && g_str_has_prefix(bye_ok, "SIP/2.0 200 OK\r\n"));
	char *tx = algrig_h248_once_shown(&rig, mark, "Subtract = *", 3000);
	char *want = term_h248("4", "ac/7", t.core_port, lower);
	ASSERT_TEXT("H.248 sent", tx, want);
	tlspeer_close(s, fd);
	close(peer);
	term_clear(&t);
	g_free(want), g_free(tx), g_free(bye_ok), g_free(bye), g_free(re_ok), g_free(re), g_free(a),
	    g_free(b), g_free(lower);
}

static void test_200_after_183(void)
{
	long mark = algrig_mark(&rig);
	struct term t;
	term_offer(&t, "n2");
	char *a = ue_answer(ue_id.fingerprint), *b = ue_answer(new_id.fingerprint);
	char *early = answer_seen(t.inv, "183 Session Progress", a);
	term_dialogs(&t, answer_seen(t.inv, "200 OK", b));
	ASSERT_TEXT("200 toward the core", sip_body(t.ok), sip_body(early));
	/* the certificate of the 200 is the one the gateway takes */
	int fd, peer;
	gnutls_session_t s = ue_connects(&t, &new_id, &fd, &peer);
	CU_ASSERT_TRUE(tlspeer_cross(s, peer, payload_msrp.bytes, payload_msrp.n, 2000));
	sipdlg_send(&t.dc, "BYE", NULL);
	char *bye = sippeer_recv(&ue, 3000), *bye_ok = NULL;
	CU_ASSERT_TRUE_FATAL(bye && g_str_has_prefix(bye, "BYE "));
	sippeer_answer(&ue, bye, "a", "200 OK", NULL);
	bye_ok = sippeer_recv(&core, 3000);
	CU_ASSERT_TRUE(bye_ok && g_str_has_prefix(bye_ok, "SIP/2.0 200 OK\r\n"));
	char *tx = algrig_h248_once_shown(&rig, mark, "Subtract = *", 3000);
	char *want = term_h248("2", "ac/3", t.core_port, new_id.fingerprint);
	ASSERT_TEXT("H.248 sent", tx, want);
	tlspeer_close(s, fd);
	close(peer);
	term_clear(&t);
	g_free(want), g_free(tx), g_free(bye_ok), g_free(bye), g_free(early), g_free(a), g_free(b);
}

static void test_reanswer_weak(void)
{
	long mark = algrig_mark(&rig);
	struct term t;
	term_offer(&t, "n3");
	char *a = ue_answer(ue_id.fingerprint), *weak = ue_answer(sha1_fp);
	term_dialogs(&t, answer_seen(t.inv, "200 OK", a));
	char *re = core_reoffers(&t);
	sippeer_answer(&ue, re, "a", "200 OK", weak);
	released(&t, "SIP/2.0 488 Not Acceptable Here (fingerprint hash too weak)\r\n", false);
	char *tx = algrig_h248_once_shown(&rig, mark, "Subtract = *", 3000);
	char *want = term_h248("3", "ac/5", t.core_port, NULL);
	ASSERT_TEXT("H.248 sent", tx, want);
	term_clear(&t);
	g_free(want), g_free(tx), g_free(re), g_free(a), g_free(weak);
}

/* The UE calls with seed 004's MSRP offer; the INVITE the core got. */
static char *orig_offer(const char *call, uint16_t ue_port)
{
	char *sdp = algrig_sdp("ue", &payload_msrp, ue_port, true, "actpass", ue_id.fingerprint, "requested");
	sippeer_invite(&ue, rig.access, "a", "b", call, sdp);
	g_free(sdp);
	char *inv = sippeer_recv(&core, 5000);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE "));
	return inv;
}

/* The core answers inv in a 183 with early and then in the 200 with late: the UE's 183 (g_free it). */
static char *answered_twice(const char *inv, const char *early, const char *late)
{
	sippeer_answer(&core, inv, "b", "183 Session Progress", early);
	char *got = sippeer_next_of(&ue, "SIP/2.0 183 ", 5000);
	CU_ASSERT_TRUE_FATAL(got != NULL);
	sippeer_answer(&core, inv, "b", "200 OK", late);
	return got;
}

/* seed004/orig (or a variant) with the context the gateway chose, as the ALG's second transaction in tx
 * names it, and its terminations, read from what the ALG received since mark (which may begin with the
 * replies to the test before). */
static char *orig_h248(const char *name, const char *tx, long mark, uint16_t ue_port)
{
	char *rx = algrig_h248(&rig, mark, true);
	const char *named = strstr(tx, "Context = $");
	named = named ? strstr(named + 1, "Context = ") : NULL;
	char port[8], ctx[16], co[16], ac[16];
	snprintf(port, sizeof port, "%u", ue_port);
	snprintf(ctx, sizeof ctx, "%u", named ? rig_number_after(named, "Context = ") : 0);
	snprintf(co, sizeof co, "co/%u", rig_number_after(rx, "Add = co/"));
	snprintf(ac, sizeof ac, "ac/%u", rig_number_after(rx, "Add = ac/"));
	g_free(rx);
	return algrig_msrp_h248(&rig, name, ue_id.fingerprint,
				(const char *const[]){ "ue_port", port, "ctx", ctx, "core_term", co,
						       "access_term", ac, "core_addr2", "127.0.0.2", NULL });
}

/* The core forks: its first branch answers in a 183 from 127.0.0.1 (active, the MSRP peer of the early
 * session when connects is set: the gateway connects to the UE for it, and bytes cross), and another
 * branch in the 200 from 127.0.0.2. The gateway's core leg learns the 200's address: the first branch's
 * connection is reset, the core connecting from the 200's address is taken, and MSRP crosses with it over
 * the UE's TLS session. Before, the gateway kept the 183's Remote and refused that connection as a
 * stranger's; then, once it learnt the address, ended the relay with the first branch's connection. */
static void fork_answers(const char *call, bool connects)
{
	long mark = algrig_mark(&rig);
	uint16_t ue_port = 0;
	int ue_l = tcp_listen(&ue_port), first = -1, fd = -1;
	char *inv = orig_offer(call, ue_port);
	char *a = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL);
	char **parts = g_strsplit(a, "IN IP4 127.0.0.1", -1), *b = g_strjoinv("IN IP4 127.0.0.2", parts);
	sippeer_answer(&core, inv, "b", "183 Session Progress", a);
	char *early = sippeer_next_of(&ue, "SIP/2.0 183 ", 5000), *agw_fp = sdp_fingerprint(sip_body(early));
	uint16_t core_leg = (uint16_t)sdp_port(sip_body(inv), "message");
	gnutls_session_t s = NULL;
	bool up;
	if (connects) {
		first = tcp_connect_at("127.0.0.1", 0, core_leg, 2000, &up);
		CU_ASSERT_TRUE_FATAL(first >= 0 && (up || tcp_wait_connected(first, 2000)));
		CU_ASSERT_TRUE_FATAL((fd = tcp_accept(ue_l, 3000)) >= 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s = tlspeer_handshake_said(fd, false, &ue_id, agw_fp, 3000));
		CU_ASSERT_TRUE(tlspeer_cross(s, first, payload_msrp.bytes, payload_msrp.n, 2000));
	}
	sippeer_answer(&core, inv, "c", "200 OK", b);
	char *ok = sippeer_final(&ue, 5000);
	CU_ASSERT_TRUE_FATAL(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	ASSERT_TEXT("200 toward the UE", sip_body(ok), sip_body(early));
	struct sipdlg da;
	sipdlg_caller(&da, &ue, ok, 1);
	sipdlg_send(&da, "ACK", NULL);
	g_free(sippeer_next_of(&core, "ACK ", 3000));
	if (connects)
		CU_ASSERT_TRUE(tcp_ended(first, 2000));
	int peer = tcp_connect_at("127.0.0.2", 0, core_leg, 2000, &up);
	CU_ASSERT_TRUE_FATAL(peer >= 0 && (up || tcp_wait_connected(peer, 2000)));
	if (!connects) { /* the gateway connects to the UE for the 200's branch */
		CU_ASSERT_TRUE_FATAL((fd = tcp_accept(ue_l, 3000)) >= 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s = tlspeer_handshake_said(fd, false, &ue_id, agw_fp, 3000));
	}
	CU_ASSERT_TRUE(tlspeer_cross(s, peer, payload_msrp.bytes, payload_msrp.n, 2000));
	sipdlg_send(&da, "BYE", NULL);
	char *bye = sippeer_next_of(&core, "BYE ", 3000), *bye_ok = NULL;
	CU_ASSERT_TRUE_FATAL(bye != NULL);
	sippeer_answer(&core, bye, "c", "200 OK", NULL);
	bye_ok = sippeer_final(&ue, 3000);
	CU_ASSERT_TRUE(bye_ok && g_str_has_prefix(bye_ok, "SIP/2.0 200 OK\r\n"));
	char *tx = algrig_h248_once_shown(&rig, mark, "Subtract = *", 3000);
	char *want = orig_h248("seed004/orig_moved", tx, mark, ue_port);
	ASSERT_TEXT("H.248 sent", tx, want);
	tlspeer_close(s, fd);
	if (first >= 0)
		close(first);
	close(peer), close(ue_l);
	sipdlg_clear(&da);
	g_strfreev(parts);
	g_free(want), g_free(tx), g_free(bye_ok), g_free(bye), g_free(agw_fp), g_free(ok), g_free(early),
	    g_free(b), g_free(a), g_free(inv);
}

static void test_orig_200_elsewhere(void)
{
	fork_answers("n5", false);
}

static void test_orig_fork_connected(void)
{
	fork_answers("n7", true);
}

/* The core re-INVITEs an answered originating call with its own SDP again and the UE answers as the
 * passive party on its own port (the gateway connects to it): an answer to a new offer from the other
 * side, compared with nothing the gateway knows: no H.248, the 200 goes on. Before, it was compared with
 * the UE's earlier offer (a=setup:actpass), taken for a turned role, refused, and the call released. */
static void test_core_reinvites_orig(void)
{
	uint16_t ue_port = 0;
	int ue_l = tcp_listen(&ue_port);
	char *inv = orig_offer("n8", ue_port);
	char *a = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL), *ok;
	struct sipdlg da, db;
	CU_ASSERT_TRUE_FATAL(sipdlg_answered(&ue, &core, inv, "b", a, &da, &db, &ok));
	long again = algrig_mark(&rig);
	sipdlg_send(&db, "INVITE", a);
	char *re = sippeer_next_of(&ue, "INVITE ", 3000);
	CU_ASSERT_TRUE_FATAL(re != NULL);
	/* the gateway's access line as the 200 gave it, offered as seed 004 offers toward a UE */
	char *agw_fp = sdp_fingerprint(sip_body(ok));
	char *want = algrig_sdp_via_gw("b", &payload_msrp, sdp_port(sip_body(ok), "message"), true, "actpass",
				       agw_fp, "applied");
	ASSERT_TEXT("re-offer toward the UE", sip_body(re), want);
	char *ua = algrig_sdp("ue", &payload_msrp, ue_port, true, "passive", ue_id.fingerprint, NULL);
	sippeer_answer(&ue, re, "a", "200 OK", ua);
	char *re_ok = sippeer_final(&core, 5000), *none = sippeer_next_of(&core, "BYE ", 300);
	CU_ASSERT_TRUE(re_ok && g_str_has_prefix(re_ok, "SIP/2.0 200 OK\r\n"));
	CU_ASSERT_PTR_NULL(none);
	char *h248 = algrig_h248(&rig, again, false);
	CU_ASSERT_STRING_EQUAL(h248, "");
	sipdlg_send(&db, "ACK", NULL);
	g_free(sippeer_next_of(&ue, "ACK ", 3000));
	sipdlg_send(&da, "BYE", NULL);
	char *bye = sippeer_next_of(&core, "BYE ", 3000);
	CU_ASSERT_TRUE_FATAL(bye != NULL);
	sippeer_answer(&core, bye, "b", "200 OK", NULL);
	g_free(sippeer_final(&ue, 3000));
	close(ue_l);
	sipdlg_clear(&da), sipdlg_clear(&db);
	g_free(bye), g_free(h248), g_free(none), g_free(re_ok), g_free(ua), g_free(want), g_free(agw_fp),
	    g_free(re), g_free(ok), g_free(a), g_free(inv);
}

static void test_orig_200_turns(void)
{
	long mark = algrig_mark(&rig);
	uint16_t ue_port = 0;
	int ue_l = tcp_listen(&ue_port);
	char *inv = orig_offer("n6", ue_port);
	char *a = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL),
	     *b = algrig_sdp("b", &payload_msrp, 2856, false, "passive", NULL, NULL);
	char *early = answered_twice(inv, a, b), *final = sippeer_final(&ue, 5000), *c[2];
	CU_ASSERT_TRUE_FATAL(final != NULL);
	CU_ASSERT_TRUE(
	    g_str_has_prefix(final, "SIP/2.0 488 Not Acceptable Here (answer turns the TCP setup role)\r\n"));
	sippeer_ack(&ue, rig.access, "sip:b@example.net", final);
	sippeer_collect(&core, 2, (const char *const[]){ "ACK ", "BYE " }, c, 3000);
	CU_ASSERT_TRUE_FATAL(c[0] && c[1]);
	sippeer_answer(&core, c[1], "b", "200 OK", NULL);
	char *tx = algrig_h248_once_shown(&rig, mark, "Subtract = *", 3000);
	char *want = orig_h248("seed004/orig", tx, mark, ue_port);
	ASSERT_TEXT("H.248 sent", tx, want);
	close(ue_l);
	g_free(want), g_free(tx), g_free(c[0]), g_free(c[1]), g_free(final), g_free(early), g_free(b),
	    g_free(a), g_free(inv);
}

static int up(void)
{
	char *err = NULL;
	if (!tls_identity_init(&ue_id, NULL, NULL, "UE", &err) ||
	    !tls_identity_init(&new_id, NULL, NULL, "UE renewed", &err) || !sippeer_open(&ue, false) ||
	    !sippeer_open(&core, false))
		return 1;
	return algrig_start(&rig, &(struct algrig_opts){ .next_hop = core.port,
							 .access_ports = "29900-29949",
							 .core_ports = "29950-29999" }) &&
		       algrig_register(&rig, &ue, "a", true)
		   ? 0
		   : 1;
}

static int down(void)
{
	bool ok = algrig_stop(&rig);
	tls_identity_clear(&ue_id), tls_identity_clear(&new_id);
	sippeer_close(&ue), sippeer_close(&core);
	return ok ? 0 : 1;
}

int main(void)
{
	static const struct rig_test tests[] = {
		{ "re-INVITE answered with another certificate: the gateway checks it, the old session ends",
		  test_reanswer_new_certificate },
		{ "a 200 naming another certificate than its 183: the 200's is checked", test_200_after_183 },
		{ "re-INVITE answered with a sha-1 fingerprint: refused, the gateway never told",
		  test_reanswer_weak },
		{ "re-INVITE answered naming the same certificate otherwise: the session carries on",
		  test_reanswer_same_certificate },
		{ "the core's 200 from another address than its 183: the gateway takes the 200's",
		  test_orig_200_elsewhere },
		{ "a forked 200 after the 183's branch connected: reset, the 200's branch gets the leg",
		  test_orig_fork_connected },
		{ "the core re-INVITEs, the UE answers passive: no H.248, the call goes on",
		  test_core_reinvites_orig },
		{ "the core's 200 passive where its 183 was active: 488 to the UE, ACK and BYE to the core",
		  test_orig_200_turns },
		{ NULL, NULL },
	};
	return rig_cunit_main("ims-alg: an answer changes a carried line", up, down, tests);
}
