/* SPDX-License-Identifier: GPL-3.0-or-later */
/* msdp: H.248 SDP bodies with CHOOSE, every transport token of the wire profile, fingerprints, setup,
 * filling the CHOOSE fields byte-exact, and refusals. */
#include <glib.h>
#include <string.h>
#include <sys/socket.h>

#include "msdp.h"
#include "suites.h"

static void test_choose(void)
{
	const char *body =
	    "\nv=0\r\nc=IN IP4 $\r\nm=message $ TCP/TLS/MSRP *\r\na=setup:passive\r\na=fingerprint:$\r\n"
	    "a=path:msrps://x;tcp\r\n";
	struct msdp s;
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(msdp_parse(body, strlen(body), &s, &err));
	ASSERT_STR(s.media, "message");
	ASSERT_STR(s.proto, "TCP/TLS/MSRP");
	CU_ASSERT_TRUE(s.port_choose);
	CU_ASSERT_TRUE(s.addr_choose);
	CU_ASSERT_TRUE(s.fingerprint_choose);
	CU_ASSERT_EQUAL(s.setup, MSDP_SETUP_PASSIVE);
	CU_ASSERT_EQUAL(s.nfingerprints, 0);
	CU_ASSERT_PTR_NULL(s.fingerprints); /* sized to what it has: nothing */
	ASSERT_STR(s.path, "msrps://x;tcp");
	CU_ASSERT_FALSE(s.path_choose);
	char *filled = msdp_fill(body, strlen(body), "192.0.2.10", 40002, "sha-256 AB:CD", "unused");
	ASSERT_STR(filled,
		   "\nv=0\r\nc=IN IP4 192.0.2.10\r\nm=message 40002 TCP/TLS/MSRP *\r\na=setup:passive\r\n"
		   "a=fingerprint:sha-256 AB:CD\r\na=path:msrps://x;tcp\r\n");
	g_free(filled);
	msdp_clear(&s);
	CU_ASSERT_PTR_NULL(s.path);
	msdp_clear(&s); /* cleared again: nothing */
}

static void test_remote(void)
{
	const char *body = "v=0\nc=IN IP6 ::1\nm=application 2855 TCP/TLS/BFCP *\na=setup:active\n"
			   "a=fingerprint:SHA-256 4A:AD:B9\na=fingerprint:sha-1 01:02\na=3ge2ae:applied\n";
	struct msdp s;
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(msdp_parse(body, strlen(body), &s, &err));
	CU_ASSERT_FALSE(s.port_choose || s.addr_choose || s.fingerprint_choose);
	CU_ASSERT_EQUAL(s.port, 2855);
	ASSERT_STR(s.addr, "::1");
	CU_ASSERT_EQUAL(s.family, AF_INET6);
	CU_ASSERT_EQUAL(s.setup, MSDP_SETUP_ACTIVE);
	CU_ASSERT_EQUAL_FATAL(s.nfingerprints, 2);
	ASSERT_STR(s.fingerprints[0].hash, "sha-256");
	ASSERT_STR(s.fingerprints[0].value, "4A:AD:B9");
	ASSERT_STR(s.fingerprints[1].hash, "sha-1");
	ASSERT_STR(s.e2ae, "applied");
	CU_ASSERT_PTR_NULL(s.path);
	msdp_clear(&s);
	/* nothing to fill: the text comes back as it was */
	char *same = msdp_fill(body, strlen(body), "x", 1, "y", "z");
	ASSERT_STR(same, body);
	g_free(same);
}

/* RFC 8122 §5: a session-level a=fingerprint serves a line without its own; a line's own win. */
static void test_session_fingerprint(void)
{
	const char *shared = "v=0\nc=IN IP4 127.0.0.1\na=fingerprint:SHA-256 4A:AD\n"
			     "m=message 2855 TCP/TLS/MSRP *\na=setup:active\n";
	const char *own = "v=0\nc=IN IP4 127.0.0.1\na=fingerprint:sha-256 4A:AD\n"
			  "m=message 2855 TCP/TLS/MSRP *\na=fingerprint:sha-512 01:02\n";
	struct msdp s;
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(msdp_parse(shared, strlen(shared), &s, &err));
	CU_ASSERT_EQUAL_FATAL(s.nfingerprints, 1);
	ASSERT_STR(s.fingerprints[0].hash, "sha-256");
	ASSERT_STR(s.fingerprints[0].value, "4A:AD");
	msdp_clear(&s);
	CU_ASSERT_TRUE_FATAL(msdp_parse(own, strlen(own), &s, &err));
	CU_ASSERT_EQUAL_FATAL(s.nfingerprints, 1);
	ASSERT_STR(s.fingerprints[0].hash, "sha-512");
	msdp_clear(&s);
}

/* The conference server's Local (Mp): its MSRP URI chosen, the BFCP conference, user and floors */
static void test_application(void)
{
	const char *msrp = "v=0\r\nc=IN IP4 $\r\nm=message $ TCP/TLS/MSRP *\r\na=path:$\r\n";
	struct msdp s;
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(msdp_parse(msrp, strlen(msrp), &s, &err));
	CU_ASSERT_TRUE(s.path_choose);
	CU_ASSERT_PTR_NULL(s.path); /* the gateway's to write */
	msdp_clear(&s);
	char *filled = msdp_fill(msrp, strlen(msrp), "::1", 7, NULL, "msrps://[::1]:7/s1;tcp");
	ASSERT_STR(filled,
		   "v=0\r\nc=IN IP4 ::1\r\nm=message 7 TCP/TLS/MSRP *\r\na=path:msrps://[::1]:7/s1;tcp\r\n");
	g_free(filled);
	const char *bfcp = "v=0\nc=IN IP4 $\nm=application $ TCP/TLS/BFCP *\na=floorctrl:s-only\n"
			   "a=confid:4321\na=userid:7\na=floorid:1 mstrm:10\na=floorid:2\na=userid:x\n";
	CU_ASSERT_TRUE_FATAL(msdp_parse(bfcp, strlen(bfcp), &s, &err));
	CU_ASSERT_EQUAL(s.confid, 4321);
	CU_ASSERT_EQUAL(s.userid, 7);
	CU_ASSERT_EQUAL_FATAL(s.nfloorids, 2);
	CU_ASSERT_EQUAL(s.floorids[0], 1);
	CU_ASSERT_EQUAL(s.floorids[1], 2);
	msdp_clear(&s);
}

/* What is allocated to size keeps its bounds: four fingerprints, a path of 255 bytes; and moves whole. */
static void test_bounds(void)
{
	GString *body = g_string_new("v=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP *\n");
	for (int i = 0; i < 6; i++)
		g_string_append_printf(body, "a=fingerprint:sha-256 0%d:AB\n", i);
	g_string_append(body, "a=path:msrps://h:1/");
	for (int i = 0; i < 300; i++)
		g_string_append_c(body, 'x');
	g_string_append(body, ";tcp other\n");
	struct msdp s, t = { 0 };
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(msdp_parse(body->str, body->len, &s, &err));
	CU_ASSERT_EQUAL(s.nfingerprints, MSDP_MAX_FINGERPRINTS);
	ASSERT_STR(s.fingerprints[3].value, "03:AB"); /* the first four, in order */
	CU_ASSERT_EQUAL(strlen(s.path), MSDP_MAX_PATH);
	CU_ASSERT_TRUE(g_str_has_prefix(s.path, "msrps://h:1/xxx"));
	msdp_move(&t, &s);
	CU_ASSERT_EQUAL(t.nfingerprints, MSDP_MAX_FINGERPRINTS);
	CU_ASSERT_PTR_NOT_NULL(t.path);
	CU_ASSERT_PTR_NULL(s.fingerprints);
	CU_ASSERT_PTR_NULL(s.path);
	msdp_clear(&t);
	g_string_free(body, TRUE);
}

static void test_tokens(void)
{
	const char *tokens[] = { "TCP",      "TCP/TLS",      "TCP/MSRP", "TCP/TLS/MSRP",
				 "TCP/BFCP", "TCP/TLS/BFCP", "UDP",      "UDP/DTLS" };
	for (size_t i = 0; i < G_N_ELEMENTS(tokens); i++) {
		char *body = g_strdup_printf("v=0\nc=IN IP4 $\nm=message $ %s *\n", tokens[i]);
		struct msdp s;
		char *err = NULL;
		CU_ASSERT_TRUE(msdp_parse(body, strlen(body), &s, &err));
		ASSERT_STR(s.proto, tokens[i]); /* as written, never canonicalised */
		msdp_clear(&s);
		g_free(body);
	}
}

static void test_refused(void)
{
	struct msdp s;
	char *err = NULL;
	CU_ASSERT_FALSE(msdp_parse("v=0\nc=IN IP4 1.2.3.4\n", 20, &s, &err));
	ASSERT_STR(err, "SDP: no m= line");
	g_free(err), err = NULL;
	const char *two = "v=0\nc=IN IP4 $\nm=message $ TCP *\nm=message $ TCP *\n";
	CU_ASSERT_FALSE(msdp_parse(two, strlen(two), &s, &err));
	ASSERT_STR(err, "SDP: more than one m= line");
	g_free(err), err = NULL;
	const char *bad = "v=0\nm=message port TCP *\n";
	CU_ASSERT_FALSE(msdp_parse(bad, strlen(bad), &s, &err));
	ASSERT_STR(err, "SDP: m= invalid port number");
	g_free(err), err = NULL;
	/* a Local the gateway would otherwise hand to a sofia-sip parse that never returns */
	const char *loops = "v=0\nc=IN IP4 $\nm=message $ X\xb4\xaf *\n";
	CU_ASSERT_FALSE(msdp_parse(loops, strlen(loops), &s, &err));
	ASSERT_STR(
	    err, "SDP: an m= line that is not <media> <port> <proto> <fmt>… of RFC 4566 tokens at offset 15");
	g_free(err);
}

void register_msdp(void)
{
	static const struct unit_test tests[] = {
		{ "CHOOSE read and filled byte-exact", test_choose },
		{ "Remote: address, setup, fingerprints, a=3ge2ae", test_remote },
		{ "a session-level fingerprint for a line without its own", test_session_fingerprint },
		{ "transport tokens kept as written", test_tokens },
		{ "MSRP path and BFCP ids", test_application },
		{ "refused bodies", test_refused },
		{ "fingerprints and path: bounded, moved whole", test_bounds },
		{ NULL, NULL },
	};
	unit_add_suite("msdp", tests);
}
