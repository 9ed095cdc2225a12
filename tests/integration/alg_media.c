/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-alg with the real ims-agw, the media decisions of seed 004 call by call. The test plays the UE on
 * the access side and the core (S-CSCF and remote party) on the core side and asserts the exact SDP each
 * side sees and the exact H.248 the ALG sends (from its trace), then carries real application bytes
 * through the gateway:
 *   - e2ae originating (5.2.1.2.2 MSRP, 5.2.1.3.2 BFCP) and terminating (5.2.1.2.3, 5.2.1.3.3): TLS from
 *     the UE ends in the gateway, plain TCP toward the core; an MSRP SEND or a BFCP Hello crosses byte for
 *     byte; the originating MSRP call also over SIP on TCP, and with a re-INVITE and an UPDATE that keep
 *     transport and fingerprint (open point 1: no H.248, the TLS session carries on);
 *   - e2e: an offer without a=3ge2ae:requested, and a UE that registered no mediasec: the gateway relays
 *     plain TCP, only c= and m= change, the TLS attributes pass untouched;
 *   - the operator switches of seed 004's NOTEs: force e2ae on the UE's TCP/TLS/MSRP offer, and toward a
 *     terminating UE that did not register support; SYN filtering on the core leg; NOTE 2's access leg
 *     added with the answer. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <string.h>
#include <unistd.h>

#include "algrig.h"
#include "rig.h"
#include "seed.h"
#include "sippeer.h"
#include "tlspeer.h"

static struct algrig rig, forced; /* forced: both policy switches on */
static struct algrig ix;          /* ims-alg as IBCF, ims-agw as TrGW (--profile ix) */
static struct sippeer ue, plain_ue, core;
static struct tls_identity ue_id;

/* Sends an INVITE with sdp from p (user from, to user to) to port; the request the other side got. */
static char *invite(struct sippeer *p, uint16_t port, const char *from, const char *to, const char *call,
		    const char *body, struct sippeer *other)
{
	sippeer_invite(p, port, from, to, call, body);
	return sippeer_recv(other, 5000);
}

/* The UE's TLS session with the gateway on fd, as client or server, the gateway's certificate checked
 * against agw_fp; the test stops when the handshake fails. */
static gnutls_session_t ue_tls(int fd, bool client, const char *agw_fp)
{
	gnutls_session_t s = tlspeer_handshake_said(fd, client, &ue_id, agw_fp, 3000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	return s;
}

/* The end of every call here: BYE from one party, 200 from the other; then the legs must close. */
static void hang_up(struct sipdlg *by, struct sippeer *other, int leg)
{
	sipdlg_send(by, "BYE", NULL);
	char *bye = sippeer_recv(other, 3000), *ok = NULL, got[1];
	CU_ASSERT_TRUE(bye && g_str_has_prefix(bye, "BYE "));
	if (bye) {
		sippeer_answer(other, bye, "x", "200 OK", NULL);
		ok = sippeer_recv(by->me, 3000);
	}
	CU_ASSERT_TRUE(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	CU_ASSERT_EQUAL(tcp_read_all(leg, got, 1, 3000), 0); /* Subtract closed the gateway's leg */
	g_free(ok), g_free(bye);
}

/* Which H.248 an originating call causes: seed 004's, or that of a policy variant. */
enum h248_of { SEED, SYN_FILTER, COMBINED };
/* The whole originating call's H.248, its template under tests/h248: the seed's, with SYN filtering (the
 * filters with the core leg's Add and with its Modify), and under NOTE 2 (the access leg added with the
 * answer's Modify). */
static const char *const orig_h248[] = {
	[SEED] = "seed004/orig",
	[SYN_FILTER] = "seed004/orig_syn_filter",
	[COMBINED] = "seed004/orig_combined",
};

/* One originating call: what it offers and the H.248 it must cause. */
struct orig {
	const struct payload *k;
	const char *call, *e2ae;   /* the offer's a=3ge2ae value; NULL: none */
	bool reoffer;              /* offer the same again (re-INVITE, then UPDATE) once the media flows */
	const char *ctx, *co, *ac; /* the context and the terminations the gateway will name */
	enum h248_of h248;         /* the whole call's H.248 */
};

/* Seed 004 step 8, the INVITE ims-alg forwards to the core for a's offer: the plain transport, no
 * fingerprint, no a=3ge2ae, the gateway's core address; both Record-Routes. Returns that address's port. */
static unsigned offer_toward_core(const struct algrig *r, const struct sippeer *a, const char *inv,
				  const struct orig *o)
{
	unsigned agw_core = sdp_port(sip_body(inv), o->k->media);
	char *want = algrig_sdp_via_gw("ue", o->k, agw_core, false, "actpass", NULL, NULL);
	ASSERT_TEXT("offer toward the core", sip_body(inv), want);
	g_free(want);
	const char *tp = a->tcp ? ";transport=tcp" : "";
	char *rr = sip_headers(inv, "Record-Route"), *mf = sip_header(inv, "Max-Forwards");
	want = g_strdup_printf(
	    "Record-Route: <sip:127.0.0.1:%u;lr%s>\r\nRecord-Route: <sip:127.0.0.1:%u;lr%s>\r\n", r->core, tp,
	    r->access, tp);
	CU_ASSERT_STRING_EQUAL(rr, want);
	CU_ASSERT_STRING_EQUAL(mf, "69");
	g_free(rr), g_free(mf), g_free(want);
	return agw_core;
}

/* The e2ae originating call of seed 004 through r: the UE at a (registered) offers, the core at b
 * answers. Everything asserted. */
static void e2ae_originating(struct algrig *r, struct sippeer *a, struct sippeer *b, const struct orig *o)
{
	long mark = algrig_mark(r);
	uint16_t ue_port = 0;
	int ue_l = tcp_listen(&ue_port);
	char *offer = algrig_sdp("ue", o->k, ue_port, true, "actpass", ue_id.fingerprint, o->e2ae);
	char *inv = invite(a, r->access, "a", "b", o->call, offer, b);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE sip:b@example.net SIP/2.0\r\n"));
	unsigned agw_core = offer_toward_core(r, a, inv, o);

	/* the core answers active: it will connect to the gateway's core leg */
	char *answer = algrig_sdp("b", o->k, 2856, false, "active", NULL, NULL);
	sippeer_answer(b, inv, "b", "200 OK", answer);
	char *ok = sippeer_recv(a, 5000);
	CU_ASSERT_TRUE_FATAL(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	/* steps 19-20: TLS, the gateway's access address and fingerprint, a=setup:active */
	unsigned agw_access = sdp_port(sip_body(ok), o->k->media);
	char *agw_fp = sdp_fingerprint(sip_body(ok));
	char *want = algrig_sdp_via_gw("b", o->k, agw_access, true, "active", agw_fp, NULL);
	ASSERT_TEXT("answer toward the UE", sip_body(ok), want);
	CU_ASSERT_TRUE(g_str_has_prefix(agw_fp, "sha-256 "));
	g_free(want);
	struct sipdlg da, db;
	sipdlg_caller(&da, a, ok, 1);
	sipdlg_callee(&db, b, inv, "b");
	sipdlg_send(&da, "ACK", NULL);
	char *ack = sippeer_recv(b, 3000);
	CU_ASSERT_TRUE(ack && g_str_has_prefix(ack, "ACK sip:b@127.0.0.1:"));
	g_free(ack);

	/* real bytes: the core connects, the gateway connects to the UE and is its TLS client */
	int peer, fd;
	if (o->h248 == SYN_FILTER) { /* the gateway takes the SYN only from the answer's address and port */
		bool up;
		peer = tcp_connect_from(2856, (uint16_t)agw_core, 2000, &up);
		CU_ASSERT_TRUE_FATAL(peer >= 0 && (up || tcp_wait_connected(peer, 2000)));
		CU_ASSERT_TRUE_FATAL((fd = tcp_accept(ue_l, 2000)) >= 0);
	} else {
		CU_ASSERT_TRUE_FATAL(tcp_through((uint16_t)agw_core, ue_l, &peer, &fd));
	}
	gnutls_session_t s = ue_tls(fd, false, agw_fp);
	CU_ASSERT_TRUE(tlspeer_cross(s, peer, o->k->bytes, o->k->n, 2000));

	/* open point 1: a re-offer (re-INVITE, then UPDATE) with the same transport and fingerprint leaves
	 * the gateway alone and the TLS session carries on */
	for (const char *const *m = (const char *const[]){ "INVITE", "UPDATE", NULL }; o->reoffer && *m;
	     m++) {
		long again = algrig_mark(r);
		sipdlg_send(&da, *m, offer);
		char *re = sippeer_recv(b, 3000), *start = g_strdup_printf("%s sip:b@127.0.0.1:", *m);
		CU_ASSERT_TRUE_FATAL(re && g_str_has_prefix(re, start));
		ASSERT_TEXT("re-offer toward the core", sip_body(re), sip_body(inv));
		sippeer_answer(b, re, "b", "200 OK", answer);
		char *re_ok = sippeer_recv(a, 3000);
		CU_ASSERT_TRUE_FATAL(re_ok && g_str_has_prefix(re_ok, "SIP/2.0 200 OK\r\n"));
		ASSERT_TEXT("re-answer toward the UE", sip_body(re_ok), sip_body(ok));
		if (!strcmp(*m, "INVITE")) {
			sipdlg_send(&da, "ACK", NULL);
			char *re_ack = sippeer_recv(b, 3000);
			CU_ASSERT_TRUE(re_ack && g_str_has_prefix(re_ack, "ACK "));
			g_free(re_ack);
		}
		char *none = algrig_h248(r, again, false);
		CU_ASSERT_STRING_EQUAL(none, "");
		CU_ASSERT_TRUE(tlspeer_cross(s, peer, o->k->bytes, o->k->n, 2000)); /* the same TLS session */
		g_free(none), g_free(re_ok), g_free(start), g_free(re);
	}
	hang_up(&da, b, peer);
	char *h248 = algrig_h248(r, mark, false);
	char mgc[8], port[8];
	snprintf(mgc, sizeof mgc, "%u", r->h248), snprintf(port, sizeof port, "%u", ue_port);
	want = seed_h248(orig_h248[o->h248],
			 (const char *const[]){ "mgc_port", mgc, "media", o->k->media, "plain", o->k->plain,
						"tls", o->k->tls, "ue_port", port, "ue_fingerprint",
						ue_id.fingerprint, "ctx", o->ctx, "core_term", o->co,
						"access_term", o->ac, NULL });
	ASSERT_TEXT("H.248", h248, want);
	tlspeer_close(s, fd);
	close(peer), close(ue_l);
	sipdlg_clear(&da), sipdlg_clear(&db);
	g_free(h248), g_free(want), g_free(agw_fp), g_free(ok), g_free(answer), g_free(inv), g_free(offer);
}

/* The e2ae terminating call through r: the core (user c) calls `user`, registered at ue, with kind k. */
static void e2ae_terminating(struct algrig *r, struct sippeer *u, const char *user, struct sippeer *c,
			     const struct payload *k, const char *call, const char *ctx, const char *ac)
{
	long mark = algrig_mark(r);
	uint16_t core_port = 0;
	int core_l = tcp_listen(&core_port);
	char *offer = algrig_sdp("c", k, core_port, false, "actpass", NULL, NULL);
	char *inv = invite(c, r->core, "c", user, call, offer, u);
	char *ruri = g_strdup_printf("INVITE sip:%s@127.0.0.1:%u SIP/2.0\r\n", user, u->port);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, ruri));
	g_free(ruri);
	/* step 8: TLS, a=3ge2ae:applied, the gateway's fingerprint and access address */
	unsigned agw_access = sdp_port(sip_body(inv), k->media);
	char *agw_fp = sdp_fingerprint(sip_body(inv));
	char *want = algrig_sdp_via_gw("c", k, agw_access, true, "actpass", agw_fp, "applied");
	ASSERT_TEXT("offer toward the UE", sip_body(inv), want);
	g_free(want);

	/* the UE answers active with its certificate's fingerprint (step 13) */
	char *answer = algrig_sdp(user, k, 9, true, "active", ue_id.fingerprint, NULL);
	sippeer_answer(u, inv, user, "200 OK", answer);
	char *ok = sippeer_recv(c, 5000);
	CU_ASSERT_TRUE_FATAL(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	/* step 17: the plain transport, no fingerprint, the gateway's core address; it connects to us */
	unsigned agw_core = sdp_port(sip_body(ok), k->media);
	want = algrig_sdp_via_gw(user, k, agw_core, false, "active", NULL, NULL);
	ASSERT_TEXT("answer toward the core", sip_body(ok), want);
	g_free(want);
	struct sipdlg dc, du;
	sipdlg_caller(&dc, c, ok, 1);
	sipdlg_callee(&du, u, inv, user);
	sipdlg_send(&dc, "ACK", NULL);
	char *ack = sippeer_recv(u, 3000);
	CU_ASSERT_TRUE(ack && g_str_has_prefix(ack, "ACK "));
	g_free(ack);

	/* steps 10-12: the UE connects and is the TLS client; the gateway connects to the core */
	int fd, peer;
	CU_ASSERT_TRUE_FATAL(tcp_through((uint16_t)agw_access, core_l, &fd, &peer));
	gnutls_session_t s = ue_tls(fd, true, agw_fp);
	CU_ASSERT_TRUE(tlspeer_cross(s, peer, k->bytes, k->n, 2000));
	hang_up(&dc, u, peer);
	char *h248 = algrig_h248(r, mark, false);
	char mgc[8], port[8];
	snprintf(mgc, sizeof mgc, "%u", r->h248), snprintf(port, sizeof port, "%u", core_port);
	want = seed_h248("seed004/term",
			 (const char *const[]){ "mgc_port", mgc, "media", k->media, "plain", k->plain, "tls",
						k->tls, "core_port", port, "ue_fingerprint",
						ue_id.fingerprint, "ctx", ctx, "access_term", ac, NULL });
	ASSERT_TEXT("H.248", h248, want);
	tlspeer_close(s, fd);
	close(peer), close(core_l);
	sipdlg_clear(&dc), sipdlg_clear(&du);
	g_free(h248), g_free(want), g_free(agw_fp), g_free(ok), g_free(answer), g_free(inv), g_free(offer);
}

/* A call the gateway relays as plain TCP (e2e): only c= and m= change. Originating, the UE offers TLS
 * without a=3ge2ae:requested and the core answers TLS; terminating, the core offers plain TCP/MSRP to a
 * UE that registered no mediasec. The bytes cross unchanged. The leg toward the answerer is reserved
 * with the offer; the one toward the offerer comes with the answer, when the TCP direction is known
 * (tests/h248/seed004/e2e_orig.txt and e2e_term.txt). */
static void e2e_call(struct algrig *r, bool orig, const char *call, const char *ctx, const char *first,
		     const char *e2ae)
{
	long mark = algrig_mark(r);
	struct sippeer *offerer = orig ? &ue : &core, *answerer = orig ? &core : &plain_ue;
	const char *from = orig ? "a" : "c", *to = orig ? "b" : "d";
	uint16_t port = 0;
	int l = tcp_listen(&port);
	const char *fp = orig ? ue_id.fingerprint : NULL, *peer_fp = orig ? "sha-256 00:11" : NULL;
	char *offer = algrig_sdp(from, &payload_msrp, port, orig, "actpass", fp, e2ae);
	char *inv = invite(offerer, orig ? r->access : r->core, from, to, call, offer, answerer);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE "));
	unsigned agw_near_answerer = sdp_port(sip_body(inv), "message");
	char *want = algrig_sdp_via_gw(from, &payload_msrp, agw_near_answerer, orig, "actpass", fp, e2ae);
	ASSERT_TEXT("offer", sip_body(inv), want);
	g_free(want);
	char *answer = algrig_sdp(to, &payload_msrp, 2856, orig, "active", peer_fp, NULL);
	sippeer_answer(answerer, inv, to, "200 OK", answer);
	char *ok = sippeer_recv(offerer, 5000);
	CU_ASSERT_TRUE_FATAL(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	unsigned agw_near_offerer = sdp_port(sip_body(ok), "message");
	want = algrig_sdp_via_gw(to, &payload_msrp, agw_near_offerer, orig, "active", peer_fp, NULL);
	ASSERT_TEXT("answer", sip_body(ok), want);
	g_free(want);
	struct sipdlg d;
	sipdlg_caller(&d, offerer, ok, 1);
	sipdlg_send(&d, "ACK", NULL);
	char *ack = sippeer_recv(answerer, 3000);
	CU_ASSERT_TRUE(ack && g_str_has_prefix(ack, "ACK "));
	/* the answerer connects to the gateway, the gateway to the offerer: bytes pass as they are */
	int a, b;
	CU_ASSERT_TRUE_FATAL(tcp_through((uint16_t)agw_near_answerer, l, &a, &b));
	CU_ASSERT_TRUE(
	    tcp_exchange(a, payload_msrp.bytes, payload_msrp.n, b, payload_bfcp.bytes, payload_bfcp.n, 2000));
	hang_up(&d, answerer, b);
	char *h248 = algrig_h248(r, mark, false);
	char mgc[8], offerer_port[8];
	snprintf(mgc, sizeof mgc, "%u", r->h248), snprintf(offerer_port, sizeof offerer_port, "%u", port);
	want =
	    seed_h248(orig ? "seed004/e2e_orig" : "seed004/e2e_term",
		      (const char *const[]){ "mgc_port", mgc, orig ? "ue_port" : "core_port", offerer_port,
					     "ctx", ctx, orig ? "core_term" : "access_term", first, NULL });
	ASSERT_TEXT("H.248", h248, want);
	close(a), close(b), close(l);
	sipdlg_clear(&d);
	g_free(h248), g_free(want), g_free(ack), g_free(ok), g_free(answer), g_free(inv), g_free(offer);
}

static void test_msrp_orig(void)
{
	e2ae_originating(
	    &rig, &ue, &core,
	    &(struct orig){ &payload_msrp, "m1", "requested", false, "1", "co/1", "ac/2", SEED });
}

static void test_msrp_orig_reinvite(void)
{
	e2ae_originating(&rig, &ue, &core,
			 &(struct orig){ &payload_msrp, "m2", "requested", true, "2", "co/3", "ac/4", SEED });
}

static void test_msrp_term(void)
{
	e2ae_terminating(&rig, &ue, "a", &core, &payload_msrp, "m3", "3", "ac/5");
}

static void test_bfcp_orig(void)
{
	e2ae_originating(
	    &rig, &ue, &core,
	    &(struct orig){ &payload_bfcp, "b1", "requested", false, "4", "co/7", "ac/8", SEED });
}

static void test_bfcp_term(void)
{
	e2ae_terminating(&rig, &ue, "a", &core, &payload_bfcp, "b2", "5", "ac/9");
}

static void test_e2e_orig(void)
{
	e2e_call(&rig, true, "e1", "6", "co/11", NULL);
}

static void test_no_mediasec_term(void)
{
	e2e_call(&rig, false, "e2", "7", "ac/13", NULL);
}

/* NOTE 1: the UE registered nothing and asked nothing, yet its TLS ends in the gateway. */
static void test_force_orig(void)
{
	CU_ASSERT_TRUE_FATAL(algrig_register(&forced, &plain_ue, "a", false));
	e2ae_originating(&forced, &plain_ue, &core,
			 &(struct orig){ &payload_msrp, "f1", NULL, false, "1", "co/1", "ac/2", SEED });
}

/* The terminating NOTE: TLS toward the UE though it registered no support. */
static void test_force_term(void)
{
	e2ae_terminating(&forced, &plain_ue, "a", &core, &payload_msrp, "f2", "2", "ac/3");
}

/* An originating call through an ALG started with flags (one more gateway realm pair each). */
static void variant(const char *const *flags, const char *access_ports, const char *core_ports,
		    const char *call, enum h248_of h248)
{
	struct algrig v;
	CU_ASSERT_TRUE_FATAL(algrig_start(&v, &(struct algrig_opts){ .next_hop = core.port,
								     .alg = flags,
								     .access_ports = access_ports,
								     .core_ports = core_ports }));
	CU_ASSERT_TRUE(algrig_register(&v, &ue, "a", true));
	e2ae_originating(
	    &v, &ue, &core,
	    &(struct orig){ &payload_msrp, call, "requested", false, "1", "co/1", "ac/2", h248 });
	CU_ASSERT_TRUE(algrig_stop(&v));
}

/* Seed 004 steps 2 and 13-15 with SYN filtering: the core leg ignores SYNs until the Modify names the
 * answerer, then takes them from it alone. */
static void test_syn_filter(void)
{
	variant((const char *const[]){ "--policy-syn-filter", NULL }, "29400-29424", "29425-29449", "s1",
		SYN_FILTER);
}

/* NOTE 2: the access leg is added with the answer's Modify, in one transaction. */
static void test_combined(void)
{
	variant((const char *const[]){ "--policy-combined", NULL }, "29450-29474", "29475-29499", "c1",
		COMBINED);
}

/* The originating call with SIP over TCP on both sides: the UE connects to the ALG, the ALG to the core. */
static void test_msrp_orig_tcp(void)
{
	struct sippeer a, b;
	struct algrig t;
	CU_ASSERT_TRUE_FATAL(sippeer_open(&a, true) && sippeer_open(&b, true));
	CU_ASSERT_TRUE_FATAL(algrig_start(
	    &t, &(struct algrig_opts){ .next_hop = b.port,
				       .tcp = true,
				       .alg = (const char *const[]){ "--sip-access-transport=tcp",
								     "--sip-core-transport=tcp", NULL },
				       .access_ports = "29500-29549",
				       .core_ports = "29550-29599" }));
	CU_ASSERT_TRUE(algrig_register(&t, &a, "a", true));
	e2ae_originating(
	    &t, &a, &b, &(struct orig){ &payload_msrp, "t1", "requested", false, "1", "co/1", "ac/2", SEED });
	CU_ASSERT_TRUE(algrig_stop(&t));
	sippeer_close(&a), sippeer_close(&b);
}

/* A UE registered from behind a NAT: its Via and Contact name 10.9.9.9:5060, its packets come from here.
 * The ALG routes its requests to the source (received=, rport=) and uses TCP merge mode toward it: the
 * gateway's access leg passive, the UE the TCP (and TLS) client (TS 23.334 §6.2.18.4). */
/* Sends head (and body) from n as a UE behind a NAT writes it: its Via and Contact name 10.9.9.9:5060. */
static void send_natted(struct sippeer *n, uint16_t to, const char *head, const char *body)
{
	char *mine = g_strdup_printf("127\\.0\\.0\\.1:%u", n->port);
	GRegex *re = g_regex_new(mine, 0, 0, NULL);
	char *natted = g_regex_replace_literal(re, head, -1, 0, "10.9.9.9:5060", 0, NULL);
	sippeer_send(n, to, natted, body);
	g_regex_unref(re);
	g_free(mine), g_free(natted);
}

/* n registers as user from behind a NAT, with msrp-tls. */
static void register_natted(struct sippeer *n, const char *user)
{
	char *head = sippeer_request(n, "REGISTER", user, user, "reg-nat", 1,
				     "Expires: 600\r\nSecurity-Client: msrp-tls;mediasec\r\n", false);
	send_natted(n, rig.access, head, NULL);
	char *ok = sippeer_recv(n, 3000);
	CU_ASSERT_TRUE(ok && g_str_has_prefix(ok, "SIP/2.0 200 "));
	g_free(head), g_free(ok);
}

static void test_merge_behind_nat(void)
{
	struct sippeer n;
	CU_ASSERT_TRUE_FATAL(sippeer_open(&n, false));
	register_natted(&n, "n");
	long mark = algrig_mark(&rig);
	uint16_t core_port = 0;
	int core_l = tcp_listen(&core_port);
	char *offer = algrig_sdp("c", &payload_msrp, core_port, false, "actpass", NULL, NULL);
	char *inv = invite(&core, rig.core, "c", "n", "merge-1", offer, &n); /* reached the NAT's binding */
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE sip:n@"));
	unsigned agw_access = sdp_port(sip_body(inv), "message");
	char *agw_fp = sdp_fingerprint(sip_body(inv));
	char *want = algrig_sdp_via_gw("c", &payload_msrp, agw_access, true, "passive", agw_fp, "applied");
	ASSERT_TEXT("offer toward the UE behind the NAT", sip_body(inv), want);
	g_free(want);
	char *h248 = algrig_h248(&rig, mark, false);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(h248, "ipdc/realm = access\n          },\n          Local {\nv=0\nc=IN IP4 $\n"
			 "m=message $ TCP/TLS/MSRP *\na=setup:passive\na=fingerprint:$\n}"));
	char *answer = algrig_sdp("n", &payload_msrp, 9, true, "active", ue_id.fingerprint, NULL);
	sippeer_answer(&n, inv, "n", "200 OK", answer);
	char *ok2 = sippeer_recv(&core, 5000);
	CU_ASSERT_TRUE_FATAL(ok2 && g_str_has_prefix(ok2, "SIP/2.0 200 OK\r\n"));
	struct sipdlg dc, dn;
	sipdlg_caller(&dc, &core, ok2, 1);
	sipdlg_callee(&dn, &n, inv, "n");
	sipdlg_send(&dc, "ACK", NULL);
	g_free(sippeer_recv(&n, 3000));
	int fd,
	    peer; /* the UE connects (its SYN would open its NAT); the gateway then connects to the core */
	CU_ASSERT_TRUE_FATAL(tcp_through((uint16_t)agw_access, core_l, &fd, &peer));
	gnutls_session_t s = ue_tls(fd, true, agw_fp);
	CU_ASSERT_TRUE(tlspeer_cross(s, peer, payload_msrp.bytes, payload_msrp.n, 2000));
	hang_up(&dc, &n, peer);
	tlspeer_close(s, fd);
	close(peer), close(core_l);
	sipdlg_clear(&dc), sipdlg_clear(&dn);
	sippeer_close(&n);
	g_free(h248), g_free(agw_fp), g_free(ok2), g_free(answer), g_free(inv), g_free(offer);
}

/* Originating from a UE behind a NAT: it offers actpass; the gateway's access leg is passive and the
 * answer tells the UE a=setup:passive, so the UE connects (and is the TLS client). */
static void test_merge_behind_nat_orig(void)
{
	struct sippeer n;
	CU_ASSERT_TRUE_FATAL(sippeer_open(&n, false));
	register_natted(&n, "m");
	long mark = algrig_mark(&rig);
	char *offer = algrig_sdp("m", &payload_msrp, 7000, true, "actpass", ue_id.fingerprint, "requested");
	char *head = sippeer_request(&n, "INVITE", "m", "b", "merge-2", 1, NULL, true);
	send_natted(&n, rig.access, head, offer);
	char *inv = sippeer_recv(&core, 5000);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE sip:b@example.net SIP/2.0\r\n"));
	unsigned agw_core = sdp_port(sip_body(inv), "message");
	char *answer = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL);
	sippeer_answer(&core, inv, "b", "200 OK", answer);
	char *ok = sippeer_recv(&n, 5000); /* back through the NAT's binding (rport) */
	CU_ASSERT_TRUE_FATAL(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	unsigned agw_access = sdp_port(sip_body(ok), "message");
	char *agw_fp = sdp_fingerprint(sip_body(ok));
	char *want = algrig_sdp_via_gw("b", &payload_msrp, agw_access, true, "passive", agw_fp, NULL);
	ASSERT_TEXT("answer toward the UE behind the NAT", sip_body(ok), want);
	char *h248 = algrig_h248(&rig, mark, false);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(h248, "ipdc/realm = access\n          },\n          Local {\nv=0\nc=IN IP4 $\n"
			 "m=message $ TCP/TLS/MSRP *\na=setup:passive\na=fingerprint:$\n}"));
	CU_ASSERT_PTR_NULL(strstr(h248, "tlsbsc/est")); /* the gateway is the TLS server */
	bool up;
	int peer = tcp_connect_from(2856, (uint16_t)agw_core, 2000, &up); /* the core, active */
	CU_ASSERT_TRUE_FATAL(peer >= 0 && (up || tcp_wait_connected(peer, 2000)));
	int fd = tcp_connect_from(0, (uint16_t)agw_access, 2000, &up); /* the UE: its SYN opens its NAT */
	CU_ASSERT_TRUE_FATAL(fd >= 0 && (up || tcp_wait_connected(fd, 2000)));
	gnutls_session_t s = ue_tls(fd, true, agw_fp);
	CU_ASSERT_TRUE(tlspeer_cross(s, peer, payload_msrp.bytes, payload_msrp.n, 2000));
	struct sipdlg dn;
	sipdlg_caller(&dn, &n, ok, 1);
	sipdlg_send(&dn, "ACK", NULL);
	g_free(sippeer_recv(&core, 3000));
	tlspeer_close(s, fd);
	close(peer);
	sipdlg_send(&dn, "BYE", NULL);
	char *bye = sippeer_recv(&core, 3000);
	if (bye)
		sippeer_answer(&core, bye, "b", "200 OK", NULL);
	g_free(sippeer_recv(&n, 3000));
	sipdlg_clear(&dn);
	sippeer_close(&n);
	g_free(bye), g_free(h248), g_free(want), g_free(agw_fp), g_free(ok), g_free(answer), g_free(inv);
	g_free(head), g_free(offer);
}

/* Ix (TS 29.162, TS 29.238): the IBCF never has the TrGW terminate TLS. A UE that registered msrp-tls
 * and asks for e2ae gets its TLS end to end: the TrGW relays plain TCP, only c= and m= change, a=3ge2ae
 * and the fingerprints pass untouched; and the H.248 has no TLS in it. */
static void test_ix_e2e(void)
{
	e2e_call(&ix, true, "x1", "1", "co/1", "requested");
}

static int up(void)
{
	char *err = NULL;
	if (!tls_identity_init(&ue_id, NULL, NULL, "UE", &err) || !sippeer_open(&ue, false) ||
	    !sippeer_open(&plain_ue, false) || !sippeer_open(&core, false))
		return 1;
	bool ok = algrig_start(&rig, &(struct algrig_opts){ .next_hop = core.port,
							    .access_ports = "29200-29249",
							    .core_ports = "29250-29299" }) &&
		  algrig_start(&forced, &(struct algrig_opts){
					    .next_hop = core.port,
					    .alg = (const char *const[]){ "--policy-force-e2ae-orig",
									  "--policy-force-e2ae-term", NULL },
					    .access_ports = "29300-29349",
					    .core_ports = "29350-29399" });
	ok = ok &&
	     algrig_start(&ix, &(struct algrig_opts){ .next_hop = core.port,
						      .alg = (const char *const[]){ "--profile", "ix", NULL },
						      .agw = (const char *const[]){ "--profile", "ix", NULL },
						      .access_ports = "29600-29649",
						      .core_ports = "29650-29699" });
	return ok && algrig_register(&rig, &ue, "a", true) && algrig_register(&rig, &plain_ue, "d", false) &&
		       algrig_register(&ix, &ue, "a", true)
		   ? 0
		   : 1;
}

static int down(void)
{
	bool a = algrig_stop(&rig), b = algrig_stop(&forced), c = algrig_stop(&ix), ok = a && b && c;
	tls_identity_clear(&ue_id);
	sippeer_close(&ue), sippeer_close(&plain_ue), sippeer_close(&core);
	return ok ? 0 : 1;
}

int main(void)
{
	static const struct rig_test tests[] = {
		{ "e2ae MSRP originating: MSRP over TLS to the gateway, TCP on", test_msrp_orig },
		{ "e2ae MSRP originating, re-INVITE and UPDATE keep the TLS session",
		  test_msrp_orig_reinvite },
		{ "e2ae MSRP terminating", test_msrp_term },
		{ "e2ae BFCP originating", test_bfcp_orig },
		{ "e2ae BFCP terminating", test_bfcp_term },
		{ "e2e MSRP: the UE's TLS line relayed as plain TCP", test_e2e_orig },
		{ "terminating UE without mediasec: no TLS at the gateway", test_no_mediasec_term },
		{ "policy: e2ae forced on the originating UE's TLS offer", test_force_orig },
		{ "policy: e2ae forced toward the terminating UE", test_force_term },
		{ "e2ae MSRP originating, SIP over TCP", test_msrp_orig_tcp },
		{ "policy: SYN filtering on the core leg", test_syn_filter },
		{ "policy: NOTE 2, the access leg added with the answer", test_combined },
		{ "TCP merge mode toward a UE registered from behind a NAT", test_merge_behind_nat },
		{ "TCP merge mode for a call from a UE behind a NAT", test_merge_behind_nat_orig },
		{ "Ix: IBCF and TrGW carry e2e TLS though the UE asked for e2ae", test_ix_e2e },
		{ NULL, NULL },
	};
	return rig_cunit_main("ims-alg media decisions with ims-agw", up, down, tests);
}
