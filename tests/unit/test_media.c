/* SPDX-License-Identifier: GPL-3.0-or-later */
/* media: reading a SIP offer, the per-line decision of seed 004 and its NOTEs, and rewriting byte-exact
 * (the lines not asked for stay as they came); every transport token we emit survives sofia-sip's
 * parse-print round trip. */
#include <glib.h>
#include <string.h>

#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>

#include "media.h"
#include "reg.h"
#include "suites.h"

/* Seed 004 step 1: UE A's offer, an audio line beside the MSRP one. */
static const char offer[] =
    "v=0\r\n"
    "o=alice 2890844526 2890844527 IN IP4 192.0.2.1\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.1\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "m=message 7394 TCP/TLS/MSRP *\r\n"
    "a=accept-types:text/plain\r\n"
    "a=path:msrps://192.0.2.1:7394/jshA7weztas;tcp\r\n"
    "a=setup:actpass\r\n"
    "a=fingerprint:SHA-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB\r\n"
    "a=3ge2ae:requested\r\n";

static void test_read(void)
{
	struct media_sdp s;
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(media_read(offer, strlen(offer), &s, &err));
	CU_ASSERT_EQUAL(s.n, 2);
	ASSERT_STR(s.lines[1].proto, "TCP/TLS/MSRP");
	ASSERT_STR(s.lines[1].addr, "192.0.2.1");
	CU_ASSERT_EQUAL(s.lines[1].port, 7394);
	CU_ASSERT_EQUAL(s.lines[1].setup, MSDP_SETUP_ACTPASS);
	CU_ASSERT_EQUAL(s.lines[1].app, TP_APP_MSRP);
	CU_ASSERT_TRUE(s.lines[1].tls && s.lines[1].requested);
	ASSERT_STR(s.lines[1].fingerprints,
		   "SHA-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB\n");
	CU_ASSERT_EQUAL(s.lines[0].app, TP_APP_OTHER);
	ASSERT_STR(media_proto(&s.lines[1], false), "TCP/MSRP");
	ASSERT_STR(media_agw_proto(&s.lines[1], true, false), "TCP/TLS");
	ASSERT_STR(media_agw_proto(&s.lines[1], false, true), "TCP/MSRP");
}

/* RFC 8122 §5: the UE names its certificate at the session level: the TLS line takes it (and the weak
 * check sees it); a line with its own keeps its own. */
static void test_session_fingerprint(void)
{
	const char *sdp = "v=0\r\no=ue 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
			  "a=fingerprint:sha-1 4A:AD\r\n"
			  "m=message 7394 TCP/TLS/MSRP *\r\na=setup:actpass\r\n"
			  "m=application 7395 TCP/TLS/BFCP *\r\na=fingerprint:sha-256 01:02\r\n";
	struct media_sdp s;
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(media_read(sdp, strlen(sdp), &s, &err));
	ASSERT_STR(s.lines[0].fingerprints, "sha-1 4A:AD\n");
	ASSERT_STR(s.lines[1].fingerprints, "sha-256 01:02\n");
	struct media_policy p = { .e2ae = true };
	ASSERT_STR(media_weak_fingerprint(&s.lines[0], &p), "sha-1");
	/* toward the core, the MSRP line's TLS ending at the gateway: the UE's session-level fingerprint
	 * leaves the session level and stays only with the TLS line that goes on without its own */
	static const char shared[] = "v=0\r\ns=-\r\na=fingerprint:sha-256 4A:AD\r\na=tls-id:x\r\n"
				     "m=message 7394 TCP/TLS/MSRP *\r\na=setup:actpass\r\n"
				     "m=application 7395 TCP/TLS/BFCP *\r\n"
				     "m=audio 4000 RTP/AVP 0\r\n";
	struct media_edit e[3] = { { .edit = true, .proto = "TCP/MSRP", .drop_fingerprints = true } };
	char *out = media_rewrite(shared, strlen(shared), e, 3);
	ASSERT_STR(out, "v=0\r\ns=-\r\nm=message 7394 TCP/MSRP *\r\na=setup:actpass\r\n"
			"m=application 7395 TCP/TLS/BFCP *\r\na=fingerprint:sha-256 4A:AD\r\na=tls-id:x\r\n"
			"m=audio 4000 RTP/AVP 0\r\n");
	g_free(out);
	/* nothing dropped: the session level stays as it was */
	out = media_rewrite(shared, strlen(shared), (struct media_edit[1]){ { 0 } }, 1);
	ASSERT_STR(out, shared);
	g_free(out);
}

static void test_decide(void)
{
	struct media_sdp s;
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(media_read(offer, strlen(offer), &s, &err));
	struct media_policy none = { .e2ae = true },
			    msrp = { .e2ae = true, .ue_mechs = reg_mech_bit("msrp-tls") },
			    force = { .e2ae = true,
				      .force_orig = reg_mech_bit("msrp-tls"),
				      .force_term = reg_mech_bit("msrp-tls") };
	CU_ASSERT_EQUAL(media_decide(&s.lines[0], true, &msrp), MEDIA_PASS); /* RTP passes */
	struct media_policy ix = { .ue_mechs =
				       reg_mech_bit("msrp-tls") }; /* Ix: the gateway never terminates TLS */
	CU_ASSERT_EQUAL(media_decide(&s.lines[1], true, &ix), MEDIA_E2E);
	CU_ASSERT_EQUAL(media_decide(&s.lines[0], true, &ix), MEDIA_PASS);
	CU_ASSERT_EQUAL(media_decide(&s.lines[1], true, &msrp), MEDIA_E2AE);
	CU_ASSERT_EQUAL(media_decide(&s.lines[1], true, &none), MEDIA_E2E); /* not registered: transparent */
	s.lines[1].requested = false;
	CU_ASSERT_EQUAL(media_decide(&s.lines[1], true, &msrp), MEDIA_E2E);   /* no indication */
	CU_ASSERT_EQUAL(media_decide(&s.lines[1], true, &force), MEDIA_E2AE); /* NOTE 1 */
	s.lines[1].fingerprints[0] = 0;
	CU_ASSERT_EQUAL(media_decide(&s.lines[1], true, &force), MEDIA_E2E); /* NOTE 1 needs a fingerprint */
	/* terminating: a plain TCP/MSRP offer toward a UE that registered support, or by NOTE */
	g_strlcpy(s.lines[1].proto, "TCP/MSRP", sizeof s.lines[1].proto);
	s.lines[1].tls = false;
	CU_ASSERT_EQUAL(media_decide(&s.lines[1], false, &msrp), MEDIA_E2AE);
	CU_ASSERT_EQUAL(media_decide(&s.lines[1], false, &none), MEDIA_E2E);
	CU_ASSERT_EQUAL(media_decide(&s.lines[1], false, &force), MEDIA_E2AE);
	struct media_policy bfcp = { .e2ae = true, .ue_mechs = reg_mech_bit("bfcp-tls") };
	CU_ASSERT_EQUAL(media_decide(&s.lines[1], false, &bfcp), MEDIA_E2E); /* BFCP support is not MSRP's */
	struct media_policy force_bfcp = { .e2ae = true,
					   .force_orig = reg_mech_bit("bfcp-tls"),
					   .force_term = reg_mech_bit("bfcp-tls") };
	CU_ASSERT_EQUAL(media_decide(&s.lines[1], false, &force_bfcp), MEDIA_E2E); /* forced for BFCP only */
	s.lines[1].port = 0;
	CU_ASSERT_EQUAL(media_decide(&s.lines[1], false, &msrp), MEDIA_PASS); /* a disabled line */
}

/* T.38 (TS 23.334 §6.2.10.4): its own row, DTLS toward the UE, UDP toward the core, udptl-dtls support. */
static void test_t38(void)
{
	static const char t38[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
				  "m=image 6000 UDP/TLS/UDPTL t38\r\na=setup:actpass\r\n"
				  "a=fingerprint:sha-256 4A:AD\r\na=tls-id:abc\r\na=3ge2ae:requested\r\n";
	struct media_sdp s;
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(media_read(t38, strlen(t38), &s, &err));
	const struct media_line *l = &s.lines[0];
	CU_ASSERT_EQUAL(l->app, TP_APP_T38);
	CU_ASSERT_TRUE(l->tls);
	ASSERT_STR(media_proto(l, false), "udptl");
	ASSERT_STR(media_agw_proto(l, true, true), "UDP/DTLS"); /* never told the application */
	ASSERT_STR(media_agw_proto(l, false, false), "UDP");
	ASSERT_STR(media_agw_fmt(l), "t38");
	struct media_policy t = { .e2ae = true, .ue_mechs = reg_mech_bit("udptl-dtls") },
			    msrp = { .e2ae = true, .ue_mechs = reg_mech_bit("msrp-tls") };
	CU_ASSERT_EQUAL(media_decide(l, true, &t), MEDIA_E2AE);
	CU_ASSERT_EQUAL(media_decide(l, true, &msrp), MEDIA_E2E);
	/* seed 004 NOTE 1 for T.38 alike: forced when policy.force_e2ae_media names udptl-dtls, not otherwise
	 */
	struct media_policy forced = { .e2ae = true, .force_orig = reg_mech_bit("udptl-dtls") },
			    other = { .e2ae = true, .force_orig = reg_mech_bit("msrp-tls") };
	s.lines[0].requested = false;
	CU_ASSERT_EQUAL(media_decide(l, true, &forced), MEDIA_E2AE);
	CU_ASSERT_EQUAL(media_decide(l, true, &other), MEDIA_E2E);
	CU_ASSERT_EQUAL(media_decide(l, true, &t), MEDIA_E2E); /* supported, not asked for */
	/* toward the core: udptl, and none of TLS's attributes, a=setup or a=3ge2ae */
	struct media_edit e = { .edit = true,
				.proto = "udptl",
				.drop_fingerprints = true,
				.drop_3ge2ae = true,
				.drop_setup = true };
	char *out = media_rewrite(t38, strlen(t38), &e, 1);
	ASSERT_STR(out, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
			"m=image 6000 udptl t38\r\n");
	g_free(out);
}

static void test_rewrite_toward_core(void)
{
	/* seed 004 step 8: TCP/MSRP, no fingerprint, no 3ge2ae, the AGW's core address, at the session
	 * level too (o= and c=); the audio line the gateway leaves alone keeps the UE's address as its own */
	struct media_edit e[2] = { { 0 },
				   { .edit = true,
				     .proto = "TCP/MSRP",
				     .addr = "127.0.0.1",
				     .port = 20000,
				     .drop_fingerprints = true,
				     .drop_3ge2ae = true } };
	char *out = media_rewrite(offer, strlen(offer), e, 2);
	ASSERT_STR(out, "v=0\r\n"
			"o=alice 2890844526 2890844527 IN IP4 127.0.0.1\r\n"
			"s=-\r\n"
			"c=IN IP4 127.0.0.1\r\n"
			"t=0 0\r\n"
			"m=audio 49170 RTP/AVP 0\r\n"
			"c=IN IP4 192.0.2.1\r\n"
			"a=rtpmap:0 PCMU/8000\r\n"
			"m=message 20000 TCP/MSRP *\r\n"
			"c=IN IP4 127.0.0.1\r\n"
			"a=accept-types:text/plain\r\n"
			"a=path:msrps://192.0.2.1:7394/jshA7weztas;tcp\r\n"
			"a=setup:actpass\r\n");
	g_free(out);
}

static void test_rewrite_toward_ue(void)
{
	/* seed 004 step 8 (terminating): TLS, a=3ge2ae:applied, the AGW's fingerprint and address, LF only */
	const char in[] = "v=0\nc=IN IP4 198.51.100.7\nm=message 2855 TCP/MSRP *\nc=IN IP4 198.51.100.7\n"
			  "a=setup:actpass\na=path:msrp://198.51.100.7:2855/x;tcp\n";
	struct media_edit e = { .edit = true,
				.proto = "TCP/TLS/MSRP",
				.addr = "::1",
				.port = 10000,
				.setup = MSDP_SETUP_ACTPASS,
				.fingerprint = "sha-256 1F:84",
				.applied = true };
	char *out = media_rewrite(in, strlen(in), &e, 1);
	ASSERT_STR(out,
		   "v=0\nc=IN IP6 ::1\nm=message 10000 TCP/TLS/MSRP *\nc=IN IP6 ::1\n"
		   "a=setup:actpass\na=path:msrp://198.51.100.7:2855/x;tcp\na=fingerprint:sha-256 1F:84\n"
		   "a=3ge2ae:applied\n");
	g_free(out);
}

/* RFC 8122 §5: sha-1 only when the policy allows it, md5 never, sha-256 always. */
static void test_weak_fingerprints(void)
{
	struct media_line l = { 0 };
	struct media_policy strict = { 0 }, lax = { .weak_hashes = true };
	g_strlcpy(l.fingerprints, "sha-256 1F:84\nSHA-1 AB:CD\n", sizeof l.fingerprints);
	ASSERT_STR(media_weak_fingerprint(&l, &strict), "sha-1");
	CU_ASSERT_PTR_NULL(media_weak_fingerprint(&l, &lax));
	g_strlcpy(l.fingerprints, "md5 AB:CD\n", sizeof l.fingerprints);
	ASSERT_STR(media_weak_fingerprint(&l, &lax), "md5");
	g_strlcpy(l.fingerprints, "sha-256 1F:84\nsha-512 00\n", sizeof l.fingerprints);
	CU_ASSERT_PTR_NULL(media_weak_fingerprint(&l, &strict));
	l.fingerprints[0] = 0;
	CU_ASSERT_PTR_NULL(media_weak_fingerprint(&l, &strict));
}

/* Every token we emit: sofia-sip parses it back as written, our rewrite writes it as given, and
 * sofia-sip's own printer would canonicalise one of them (why we edit lines instead of printing). */
static void test_tokens_round_trip(void)
{
	static const struct {
		const char *token, *sofia_prints;
	} tokens[] = { { "TCP", "tcp" },           { "TCP/TLS", "TCP/TLS" },
		       { "TCP/MSRP", "TCP/MSRP" }, { "TCP/TLS/MSRP", "TCP/TLS/MSRP" },
		       { "TCP/BFCP", "TCP/BFCP" }, { "TCP/TLS/BFCP", "TCP/TLS/BFCP" } };
	const char sdp[] = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			   "m=message 9 UDP *\r\n";
	for (size_t i = 0; i < G_N_ELEMENTS(tokens); i++) {
		struct media_edit e = { .edit = true, .proto = tokens[i].token };
		char *ours = media_rewrite(sdp, strlen(sdp), &e, 1);
		char *want = g_strdup_printf("m=message 9 %s *\r\n", tokens[i].token);
		CU_ASSERT_PTR_NOT_NULL(strstr(ours, want));
		struct media_sdp s;
		char *err = NULL;
		CU_ASSERT_TRUE(media_read(ours, strlen(ours), &s, &err) &&
			       !strcmp(s.lines[0].proto, tokens[i].token));
		su_home_t *home = su_home_new(sizeof(su_home_t));
		sdp_parser_t *p = sdp_parse(home, ours, (issize_t)strlen(ours), 0);
		sdp_printer_t *pr = sdp_print(home, sdp_session(p), NULL, 0, 0);
		char *canon = g_strdup_printf("m=message 9 %s *", tokens[i].sofia_prints);
		const char *printed = sdp_message(pr);
		CU_ASSERT_TRUE(printed && strstr(printed, canon));
		if (!printed || !strstr(printed, canon))
			fprintf(stderr, "\n    %s printed by sofia-sip as:\n%s\n", tokens[i].token,
				printed ? printed : "");
		sdp_printer_free(pr);
		sdp_parser_free(p);
		su_home_unref(home);
		g_free(ours), g_free(want), g_free(canon);
	}
}

static void test_refused(void)
{
	struct media_sdp s;
	char *err = NULL;
	const char bad[] = "v=0\r\nm=message x TCP/MSRP *\r\n";
	CU_ASSERT_FALSE(media_read(bad, strlen(bad), &s, &err));
	CU_ASSERT_TRUE(err && strstr(err, "SDP: "));
	g_free(err);
	/* an address not of its c= type (a UE writing IP4 for ::1), either way */
	const char v6as4[] = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 ::1\r\nt=0 0\r\n"
			     "m=message 7000 TCP/TLS/MSRP *\r\n";
	err = NULL;
	CU_ASSERT_FALSE(media_read(v6as4, strlen(v6as4), &s, &err));
	ASSERT_STR(err, "SDP: c= IN IP4 with the address ::1");
	g_free(err);
	const char v4as6[] = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
			     "m=message 7000 TCP/TLS/MSRP *\r\nc=IN IP6 127.0.0.1\r\n";
	err = NULL;
	CU_ASSERT_FALSE(media_read(v4as6, strlen(v4as6), &s, &err));
	ASSERT_STR(err, "SDP: c= IN IP6 with the address 127.0.0.1");
	g_free(err);
	/* sofia-sip's parser never returns on this one (found by fuzz_sdp): refused before it */
	const char loops[] = "v=0\r\nm=audio 1 RTP/A\xb4\xaf\r\n";
	err = NULL;
	CU_ASSERT_FALSE(media_read(loops, strlen(loops), &s, &err));
	ASSERT_STR(
	    err, "SDP: an m= line that is not <media> <port> <proto> <fmt>… of RFC 4566 tokens at offset 5");
	g_free(err);
}

void register_media(void)
{
	static const struct unit_test tests[] = {
		{ "an offer read: lines, transport, setup, fingerprints, 3ge2ae", test_read },
		{ "a session-level fingerprint for the lines without their own", test_session_fingerprint },
		{ "per-line decision: e2ae, e2e, pass, both NOTEs", test_decide },
		{ "T.38: UDP/TLS/UDPTL <-> udptl, UDP/DTLS and UDP at the gateway", test_t38 },
		{ "toward the core: seed 004 step 8, other lines byte-exact", test_rewrite_toward_core },
		{ "toward the UE: TLS, fingerprint, 3ge2ae:applied, IPv6 c=", test_rewrite_toward_ue },
		{ "weak fingerprint hashes: sha-1 by policy, md5 never", test_weak_fingerprints },
		{ "every transport token survives sofia-sip's parse and print", test_tokens_round_trip },
		{ "malformed SDP refused with the parser's reason", test_refused },
		{ NULL, NULL },
	};
	unit_add_suite("media", tests);
}
