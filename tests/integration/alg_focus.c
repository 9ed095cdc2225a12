/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-alg as MRFC and ims-agw as MRFP (both --profile mp, TS 23.333 §6.2.19, §6.2.20): UEs dial in to
 * sip:conference@… with MSRP over TLS (a=setup:actpass, their fingerprint and a=path):
 *   - the MRFC's H.248 for the three dial-ins, exactly: Add to a new context with the UE's Remote, the
 *     Local asking the MRFP's port, fingerprint and MSRP URI with a=setup:active, tcpbcc/fail and
 *     tlsbsc/fail; the second and third dial-ins add theirs to the same context;
 *   - each UE's 200 OK answer, exactly: the MRFP's c=, port, a=setup:active, fingerprint and a=path;
 *   - the MRFP connects to each UE and is the TLS client, binds the MSRP session with an empty SEND,
 *     and a SEND from one UE reaches the other two;
 *   - BYE from a UE: 200 OK and its termination subtracted;
 *   - a UE whose port refuses: tcpbcc/fail, and the MRFC sends it BYE; a request in that ended dialog
 *     gets 481;
 *   - a dial-in cancelled while the MRFP has not answered its Add (the MRFP stopped): a BYE before the
 *     answer gets 481, the CANCEL 487, the termination the Add made is subtracted once the Reply comes,
 *     and the next dial-in joins the same context;
 *   - a dial-in whose Add the MRFP answers only after T-MAX: 500 to the UE, the Add asked again under
 *     its id, and the termination it made subtracted when the Reply comes;
 *   - a dial-in whose Add the MRFP refuses half way (its second line over the 16 terminations of a
 *     context, 434): 488, and the termination its first line got subtracted. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "algrig.h"
#include "apppeer.h"
#include "rig.h"
#include "sippeer.h"
#include "tlspeer.h"

static struct algrig rig;
static struct tls_identity ue_id;

static int up(void)
{
	char *err = NULL;
	if (!tls_identity_init(&ue_id, NULL, NULL, "UE", &err))
		return 1;
	return algrig_start(&rig,
			    &(struct algrig_opts){
				/* T-MAX (h248.timeout) well under h248.lost_after: a request may go
				 * unanswered while the MRFP stays in service */
				.alg = (const char *const[]){ "--profile", "mp", "--h248-timeout=1500",
							      "--h248-lost-after=8000", NULL },
				/* ims-alg's MRFC sends no tlsbsc/est yet: the MRFP starts TLS on its own */
				.agw = (const char *const[]){ "--profile", "mp", NULL },
				.access_ports = "29800-29849",
				.core_ports = "29850-29899" })
		   ? 0
		   : 1;
}

static int down(void)
{
	tls_identity_clear(&ue_id);
	return algrig_stop(&rig) ? 0 : 1;
}

/* A UE in the conference: its SIP peer and dialog, its TLS session with the MRFP, its MSRP URI. */
struct ue {
	struct sippeer sip;
	struct sipdlg dlg;
	int l, fd;
	gnutls_session_t s;
	struct apppeer p;
	char name[16], path[80], server_path[128], *answer;
	uint16_t port; /* offered */
};

/* The MRFC's Add for u's MSRP line into context ctx, as the trace prints it, with RequestID rid: the
 * MRFP connects (a=setup:active) and is told it is the TLS client. */
static char *add_text(const char *ctx, unsigned rid, const struct ue *u)
{
	return g_strdup_printf(
	    "MEGACO/3 [127.0.0.1]:%u\nTransaction = N {\n  Context = %s {\n    Add = $ {\n"
	    "      Media {\n        Stream = 1 {\n          LocalControl {\n            ipdc/realm = "
	    "access\n          },\n          Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP *\n"
	    "a=setup:active\na=fingerprint:$\na=path:$\n},\n          Remote {\nv=0\n"
	    "c=IN IP4 127.0.0.1\nm=message %u TCP/TLS/MSRP *\na=setup:actpass\na=fingerprint:%s\n"
	    "a=path:%s\n}\n        }\n      },\n      Events = %u {\n        tcpbcc/fail,\n        "
	    "tlsbsc/fail\n      },\n      Signals {\n        tlsbsc/est\n      }\n    }\n  }\n}\n",
	    rig.h248, ctx, u->port, ue_id.fingerprint, u->path, rid);
}

static char *offer(struct ue *u, uint16_t port)
{
	u->port = port;
	snprintf(u->path, sizeof u->path, "msrps://127.0.0.1:%u/%s;tcp", port, u->name);
	return g_strdup_printf("v=0\r\no=%s 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			       "m=message %u TCP/TLS/MSRP *\r\na=accept-types:text/plain\r\na=path:%s\r\n"
			       "a=setup:actpass\r\na=fingerprint:%s\r\n",
			       u->name, port, u->path, ue_id.fingerprint);
}

/* u sends the INVITE of a dial-in with sdp; its final answer (g_free it) or NULL, ACKed: a 200 in the
 * dialog it makes, any other as RFC 3261 §17.1.1.3 has it. */
static char *invite(struct ue *u, const char *call, const char *sdp)
{
	sippeer_invite(&u->sip, rig.access, u->name, "conference", call, sdp);
	char *final = NULL;
	for (int i = 0; i < 3 && !final; i++) { /* past 100 Trying */
		char *m = sippeer_recv(&u->sip, 3000);
		if (m && !g_str_has_prefix(m, "SIP/2.0 1"))
			final = m;
		else
			g_free(m);
	}
	if (final && g_str_has_prefix(final, "SIP/2.0 200 ")) {
		sipdlg_caller(&u->dlg, &u->sip, final, 1);
		sipdlg_send(&u->dlg, "ACK", NULL);
	} else if (final) {
		sippeer_ack(&u->sip, rig.access, "sip:conference@example.net", final);
	}
	return final;
}

/* u dials in; returns its final answer (g_free it) or NULL. u listens on its offered port. */
static char *dial_in(struct ue *u, const char *name, const char *call)
{
	g_strlcpy(u->name, name, sizeof u->name);
	CU_ASSERT_TRUE_FATAL(sippeer_open(&u->sip, false));
	uint16_t port = 0;
	u->l = tcp_listen(&port);
	char *sdp = offer(u, port), *final = invite(u, call, sdp);
	g_free(sdp);
	return final;
}

/* The MRFP connects to u and is the TLS client; it binds the session with an empty SEND. */
static void media_up(struct ue *u)
{
	rig_line_after(sip_body(u->answer), "a=path:", u->server_path, sizeof u->server_path);
	char *fp = sdp_fingerprint(sip_body(u->answer)), why[160] = "";
	u->fd = tcp_accept(u->l, 3000);
	CU_ASSERT_TRUE_FATAL(u->fd >= 0);
	u->s = tlspeer_handshake(u->fd, false, &ue_id, fp, 3000, why);
	if (!u->s)
		fprintf(stderr, "\n    %s\n", why);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u->s);
	g_free(fp);
	apppeer_init(&u->p, u->fd, u->s);
	struct msrp_frame f;
	char *bind = apppeer_msrp(&u->p, 2000, &f);
	char *mid = bind ? msrp_field_dup(&f, MSRP_MESSAGE_ID) : NULL;
	char *want = g_strdup_printf("MSRP %s SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: %s\r\n"
				     "Byte-Range: 1-0/0\r\n-------%s$\r\n",
				     f.tid, u->path, u->server_path, mid, f.tid);
	ASSERT_TEXT("bind", bind, want);
	g_free(bind), g_free(mid), g_free(want);
}

static void leave(struct ue *u)
{
	tlspeer_close(u->s, u->fd);
	apppeer_clear(&u->p);
	close(u->l);
	sipdlg_clear(&u->dlg);
	sippeer_close(&u->sip);
	g_free(u->answer);
}

/* ue's part in the conference ends: BYE and its answer. */
static void hang_up(struct ue *u)
{
	sipdlg_send(&u->dlg, "BYE", NULL);
	g_free(sippeer_recv(&u->sip, 3000));
	leave(u);
}

static void test_three(void)
{
	long mark = algrig_mark(&rig);
	struct ue u[3] = { 0 };
	static const char *const names[] = { "alice", "bob", "carol" }, *const calls[] = { "c-a", "c-b",
											   "c-c" };
	for (int i = 0; i < 3; i++) {
		u[i].answer = dial_in(&u[i], names[i], calls[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(u[i].answer);
		CU_ASSERT_TRUE_FATAL(g_str_has_prefix(u[i].answer, "SIP/2.0 200 OK\r\n"));
		media_up(&u[i]);
	}
	/* the answer: the MRFP's Local under one c= */
	const char *body = sip_body(u[0].answer);
	char *fp = sdp_fingerprint(body);
	char *want = g_strdup_printf(
	    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=conference\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
	    "m=message %u TCP/TLS/MSRP *\r\na=setup:active\r\na=fingerprint:%s\r\na=path:%s\r\n",
	    sdp_port(body, "message"), fp, u[0].server_path);
	ASSERT_TEXT("alice's answer", body, want);
	g_free(want), g_free(fp);

	/* the MRFC's H.248, whole: the first dial-in creates the context, the next ones join it */
	char *h248 = algrig_h248(&rig, mark, false);
	char *adds[3];
	for (int i = 0; i < 3; i++)
		adds[i] = add_text(i ? "1" : "$", (unsigned)i + 1, &u[i]);
	char *all = g_strconcat(adds[0], adds[1], adds[2], NULL);
	ASSERT_TEXT("the dial-ins' H.248", h248, all);
	g_free(adds[0]), g_free(adds[1]), g_free(adds[2]), g_free(all), g_free(h248);

	/* alice speaks: bob and carol hear it */
	static const char send_fmt[] =
	    "MSRP a0000001 SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: hi1\r\n"
	    "Byte-Range: 1-9/9\r\nContent-Type: text/plain\r\n\r\nhi, both!\r\n-------a0000001$\r\n";
	char *send = g_strdup_printf(send_fmt, u[0].server_path, u[0].path);
	CU_ASSERT_TRUE(apppeer_send(&u[0].p, send, strlen(send)));
	g_free(send);
	struct msrp_frame f;
	char *ok = apppeer_msrp(&u[0].p, 2000, &f);
	CU_ASSERT_TRUE(ok && f.status == 200);
	g_free(ok);
	for (int i = 1; i < 3; i++) {
		char *got = apppeer_msrp(&u[i].p, 2000, &f);
		char *w = g_strdup_printf(
		    "MSRP %s SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: hi1\r\n"
		    "Byte-Range: 1-9/9\r\nContent-Type: text/plain\r\n\r\nhi, both!\r\n-------%s$\r\n",
		    f.tid, u[i].path, u[i].server_path, f.tid);
		ASSERT_TEXT(names[i], got, w);
		g_free(got), g_free(w);
	}

	/* carol hangs up: 200 OK, her termination subtracted */
	mark = algrig_mark(&rig);
	sipdlg_send(&u[2].dlg, "BYE", NULL);
	char *bye_ok = sippeer_recv(&u[2].sip, 3000);
	CU_ASSERT_TRUE(bye_ok && g_str_has_prefix(bye_ok, "SIP/2.0 200 OK\r\n"));
	g_free(bye_ok);
	usleep(200000);
	h248 = algrig_h248(&rig, mark, false);
	char *subtract = g_strdup_printf(
	    "MEGACO/3 [127.0.0.1]:%u\nTransaction = N {\n  Context = 1 {\n    Subtract = ac/3\n  }\n}\n",
	    rig.h248);
	ASSERT_TEXT("subtract", h248, subtract);
	g_free(subtract);
	g_free(h248);
	for (int i = 0; i < 3; i++) {
		if (i < 2) {
			sipdlg_send(&u[i].dlg, "BYE", NULL);
			g_free(sippeer_recv(&u[i].sip, 3000));
		}
		leave(&u[i]);
	}
}

/* TS 23.333 §6.2.20: the MRFP cannot reach the UE: tcpbcc/fail, and the MRFC releases the UE with BYE. */
static void test_connect_fails(void)
{
	struct ue u = { 0 };
	g_strlcpy(u.name, "dave", sizeof u.name);
	CU_ASSERT_TRUE_FATAL(sippeer_open(&u.sip, false));
	uint16_t closed = 0;
	close(tcp_listen(&closed));
	u.l = -1;
	char *sdp = offer(&u, closed);
	sippeer_invite(&u.sip, rig.access, "dave", "conference", "c-d", sdp);
	g_free(sdp);
	char *m = NULL, *bye = NULL;
	for (int i = 0; i < 4 && !bye; i++) {
		g_free(m);
		m = sippeer_recv(&u.sip, 3000);
		if (m && g_str_has_prefix(m, "SIP/2.0 200 ")) {
			sipdlg_caller(&u.dlg, &u.sip, m, 1);
			sipdlg_send(&u.dlg, "ACK", NULL);
		} else if (m && g_str_has_prefix(m, "BYE ")) {
			bye = m, m = NULL;
		}
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(bye);
	char *reason = sip_header(bye, "Reason");
	ASSERT_TEXT("Reason", reason, "SIP;cause=503;text=\"media failed\"");
	sippeer_answer(&u.sip, bye, "dave", "200 OK", NULL);
	/* the dialog is gone: a request in it is answered 481, not forwarded to its Request-URI, which is
	 * the MRFC itself (the loop the lab once saw with a late ACK) */
	sipdlg_send(&u.dlg, "BYE", NULL);
	char *gone = sippeer_recv(&u.sip, 3000);
	CU_ASSERT_TRUE(gone && g_str_has_prefix(gone, "SIP/2.0 481 "));
	g_free(reason), g_free(bye), g_free(m), g_free(gone);
	sipdlg_clear(&u.dlg);
	sippeer_close(&u.sip);
}

/* The ALG's H.248 requests from mark on, each resending of one written once (the same text: the
 * transaction layer sends a request again after 200 ms without a Reply) (g_free it). */
static char *h248_once(long mark)
{
	char *all = algrig_h248(&rig, mark, false);
	char **recs = g_strsplit(all, "MEGACO/3 ", -1);
	GString *out = g_string_new(NULL);
	for (int i = 0; recs[i]; i++) /* recs[0]: what precedes the first record, "" */
		if (*recs[i] && (i < 2 || strcmp(recs[i], recs[i - 1])))
			g_string_append_printf(out, "MEGACO/3 %s", recs[i]);
	g_strfreev(recs), g_free(all);
	return g_string_free(out, FALSE);
}

/* Whether the ALG's H.248 from mark on shows needle within ms. */
static bool h248_shows(long mark, const char *needle, unsigned ms)
{
	for (unsigned waited = 0;; waited += 20, usleep(20000)) {
		char *tx = h248_once(mark);
		bool shown = strstr(tx, needle) != NULL;
		g_free(tx);
		if (shown || waited >= ms)
			return shown;
	}
}

/* The Subtract the MRFC owes for a given-up Add (its request in tx, the MRFP's Reply in rx): of the
 * first termination the Reply names, from the conference's context the Add went to (g_free it). */
static char *subtract_owed(const char *tx, const char *rx)
{
	char *ctx = rig_word_after(tx, "Context = "), *term = rig_word_after(rx, "Add = ");
	CU_ASSERT_TRUE(*term && strcmp(ctx, "$"));
	char *s = algrig_subtract_text(&rig, ctx, term);
	g_free(ctx), g_free(term);
	return s;
}

/* The ALG's H.248 from mark on is exactly u's Add (one line) into the conference's context, then the
 * Subtract of the termination the MRFP's Reply named: what a given-up Add leaves is taken out. */
static void assert_add_then_subtract(long mark, const struct ue *u, const char *what)
{
	CU_ASSERT_TRUE(h248_shows(mark, "Subtract = ", 4000));
	char *tx = h248_once(mark), *rx = algrig_h248(&rig, mark, true);
	char *ctx = rig_word_after(tx, "Context = "), *rid = rig_word_after(tx, "Events = ");
	char *add = add_text(ctx, (unsigned)atoi(rid), u), *subtract = subtract_owed(tx, rx);
	char *want = g_strconcat(add, subtract, NULL);
	ASSERT_TEXT(what, tx, want);
	g_free(ctx), g_free(rid), g_free(add), g_free(subtract), g_free(want), g_free(tx), g_free(rx);
}

/* A UE gives its dial-in up (CANCEL) while the MRFP has not yet answered its Add into the conference's
 * context: a BYE before the answer gets 481 (there is no dialog yet) and changes nothing; the CANCEL
 * gets 487; when the Reply comes, the MRFC subtracts the termination the Add made (nobody holds it),
 * and the conference goes on for the others. */
static void test_cancel_while_adding(void)
{
	struct ue a = { 0 }, b = { 0 }, c = { 0 };
	a.answer = dial_in(&a, "erin", "c-e");
	CU_ASSERT_TRUE_FATAL(a.answer && g_str_has_prefix(a.answer, "SIP/2.0 200 "));
	media_up(&a);
	long mark = algrig_mark(&rig);
	g_strlcpy(b.name, "frank", sizeof b.name);
	CU_ASSERT_TRUE_FATAL(sippeer_open(&b.sip, false));
	uint16_t port = 0;
	b.l = tcp_listen(&port);
	char *sdp = offer(&b, port);
	kill(rig.agw, SIGSTOP); /* for well under h248.lost_after (8 s here) */
	sippeer_invite(&b.sip, rig.access, "frank", "conference", "c-f", sdp);
	g_free(sdp);
	CU_ASSERT_TRUE(h248_shows(mark, "Add = $", 1000));
	/* a BYE with a To tag of its own making, before any answer: 481, the dial-in untouched */
	char *bye = sippeer_request(&b.sip, "BYE", "frank", "conference", "c-f", 2, NULL, false);
	char *to = strstr(bye, "\r\nTo: "), *eol = to ? strstr(to + 2, "\r\n") : NULL;
	char *tagged = g_strdup_printf("%.*s;tag=made-up%s", eol ? (int)(eol - bye) : 0, bye, eol ? eol : "");
	sippeer_send(&b.sip, rig.access, tagged, NULL);
	char *no_dialog = sippeer_next_of(&b.sip, "SIP/2.0 481 ", 1000);
	CU_ASSERT_PTR_NOT_NULL(no_dialog);
	g_free(bye), g_free(tagged), g_free(no_dialog);
	char *cancel = sippeer_request(&b.sip, "CANCEL", "frank", "conference", "c-f", 1, NULL, false);
	sippeer_send(&b.sip, rig.access, cancel, NULL);
	g_free(cancel);
	char *terminated = sippeer_next_of(&b.sip, "SIP/2.0 487 ", 1000);
	kill(rig.agw, SIGCONT);
	CU_ASSERT_PTR_NOT_NULL(terminated);
	if (terminated)
		sippeer_ack(&b.sip, rig.access, "sip:conference@example.net", terminated);
	assert_add_then_subtract(mark, &b, "the cancelled Add, then its termination subtracted");
	g_free(terminated);
	close(b.l);
	sippeer_close(&b.sip);
	/* the conference goes on: the next dial-in joins erin's context */
	c.answer = dial_in(&c, "gina", "c-g");
	CU_ASSERT_TRUE_FATAL(c.answer && g_str_has_prefix(c.answer, "SIP/2.0 200 "));
	media_up(&c);
	hang_up(&a);
	hang_up(&c);
}

/* The MRFP, stopped, answers a dial-in's Add only after T-MAX (h248.timeout, 1.5 s here; it is not lost
 * before h248.lost_after, 8 s): the UE gets 500 at T-MAX, the MRFC asks the same transaction again, and
 * when the Reply comes the termination it made is subtracted: the UE was told no, so nobody holds it. */
static void test_reply_after_tmax(void)
{
	struct ue a = { 0 }, b = { 0 };
	a.answer = dial_in(&a, "hank", "c-h");
	CU_ASSERT_TRUE_FATAL(a.answer && g_str_has_prefix(a.answer, "SIP/2.0 200 "));
	media_up(&a);
	long mark = algrig_mark(&rig);
	kill(rig.agw, SIGSTOP);
	char *refused = dial_in(&b, "iris", "c-i");       /* 100 Trying, then the final answer at T-MAX */
	CU_ASSERT_TRUE(h248_shows(mark, "Add = $", 100)); /* sent before the answer */
	usleep(300000); /* the MRFC has asked again (at T-MAX) before the MRFP runs */
	kill(rig.agw, SIGCONT);
	CU_ASSERT_TRUE(refused && g_str_has_prefix(refused, "SIP/2.0 500 Media Gateway Not Reachable\r\n"));
	g_free(refused);
	assert_add_then_subtract(mark, &b,
				 "the Add unanswered within T-MAX, then its termination subtracted");
	close(b.l);
	sippeer_close(&b.sip);
	hang_up(&a);
}

/* An offer of n MSRP lines over TLS, each with a=setup:active (the MRFP listens and waits). */
static char *offer_active(struct ue *u, unsigned n)
{
	GString *s = g_string_new(NULL);
	g_string_printf(s, "v=0\r\no=%s 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n",
			u->name);
	for (unsigned i = 0; i < n; i++)
		g_string_append_printf(s,
				       "m=message %u TCP/TLS/MSRP *\r\na=accept-types:text/plain\r\n"
				       "a=path:msrps://127.0.0.1:%u/%s%u;tcp\r\na=setup:active\r\n"
				       "a=fingerprint:%s\r\n",
				       9 + i, 9 + i, u->name, i, ue_id.fingerprint);
	return g_string_free(s, FALSE);
}

/* u dials in with n lines; its final answer (g_free it). */
static char *dial_in_lines(struct ue *u, const char *name, const char *call, unsigned n)
{
	g_strlcpy(u->name, name, sizeof u->name);
	u->l = -1;
	CU_ASSERT_TRUE_FATAL(sippeer_open(&u->sip, false));
	char *sdp = offer_active(u, n), *final = invite(u, call, sdp);
	g_free(sdp);
	return final;
}

/* H.248.1 §8.2.2: the commands of an action before the one that fails stay executed. A dial-in of two
 * lines into a context holding 15 terminations: the MRFP adds the first (the 16th, its limit) and
 * refuses the second (434). The UE gets 488, and the MRFC subtracts the first line's termination:
 * nobody holds it. */
static void test_join_refused_half_way(void)
{
	struct ue a = { 0 }, b = { 0 }, c = { 0 };
	char *ok_a = dial_in_lines(&a, "jack", "c-j", 8), *ok_b = dial_in_lines(&b, "kate", "c-k", 7);
	CU_ASSERT_TRUE_FATAL(ok_a && g_str_has_prefix(ok_a, "SIP/2.0 200 "));
	CU_ASSERT_TRUE_FATAL(ok_b && g_str_has_prefix(ok_b, "SIP/2.0 200 "));
	long mark = algrig_mark(&rig);
	char *refused = dial_in_lines(&c, "liam", "c-l", 2);
	CU_ASSERT_TRUE(
	    refused &&
	    g_str_has_prefix(refused, "SIP/2.0 488 Not Acceptable Here (media gateway refused)\r\n"));
	CU_ASSERT_TRUE(h248_shows(mark, "Subtract = ", 3000));
	char *tx = h248_once(mark), *rx = algrig_h248(&rig, mark, true), *subtract = subtract_owed(tx, rx);
	CU_ASSERT_PTR_NOT_NULL(strstr(rx, "Error = 434"));
	const char *second = strstr(tx + 1, "MEGACO/3 "); /* the record after liam's Add */
	ASSERT_TEXT("after the half-refused Add", second, subtract);
	g_free(tx), g_free(rx), g_free(subtract), g_free(refused);
	sippeer_close(&c.sip);
	for (struct ue *u = &a; u; u = u == &a ? &b : NULL) {
		sipdlg_send(&u->dlg, "BYE", NULL);
		g_free(sippeer_recv(&u->sip, 3000));
		sipdlg_clear(&u->dlg);
		sippeer_close(&u->sip);
	}
	g_free(ok_a), g_free(ok_b);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	return rig_cunit_main(
	    "ims-alg as MRFC with ims-agw as MRFP (Mp): dial-in conferences", up, down,
	    (const struct rig_test[]){
		{ "three UEs dial in, MSRP over TLS switched, one hangs up", test_three },
		{ "the MRFP cannot connect: tcpbcc/fail, BYE to the UE", test_connect_fails },
		{ "a dial-in cancelled while its Add runs: its termination subtracted",
		  test_cancel_while_adding },
		{ "a dial-in's Add answered after T-MAX: 500, its termination subtracted",
		  test_reply_after_tmax },
		{ "a dial-in refused half way (434): 488, its added termination subtracted",
		  test_join_refused_half_way },
		{ NULL, NULL } });
}
