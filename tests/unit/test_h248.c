/* SPDX-License-Identifier: GPL-3.0-or-later */
/* h248 codec: RFC 3525 Appendix I messages, every construct in both forms, round trips, golden
 * encodings, the model the parser builds, and malformed input with its exact error code and place. */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"
#include "parse_lex.h"
#include "parse.h"
#include "print.h"
#include "suites.h"

static struct h248_msg *parse_ok(const char *text, size_t len)
{
	struct h248_error err;
	struct h248_msg *m = h248_parse(text, len, NULL, &err);
	if (!m)
		fprintf(stderr, "\n    error %d at %u:%u: %s\n", err.code, err.line, err.col, err.reason);
	return m;
}

/* parse(print(m)) equals m in both forms, and printing is stable. */
static void round_trip(const struct h248_msg *m)
{
	for (int style = H248_PRETTY; style <= H248_COMPACT; style++) {
		size_t len, len2;
		char *text = h248_print(m, style, &len);
		CU_ASSERT_PTR_NOT_NULL_FATAL(text);
		struct h248_msg *again = parse_ok(text, len);
		CU_ASSERT_PTR_NOT_NULL_FATAL(again);
		CU_ASSERT_TRUE(h248_msg_equal(m, again));
		char *text2 = h248_print(again, style, &len2);
		CU_ASSERT_EQUAL(len, len2);
		CU_ASSERT_TRUE(len == len2 && !memcmp(text, text2, len));
		free(text), free(text2);
		h248_msg_free(again);
	}
}

static void test_appendix(void)
{
	const char *top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";
	char *dir = g_build_filename(top, "tests", "h248", "appendix", NULL);
	GDir *d = g_dir_open(dir, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	int count = 0;
	for (const char *name; (name = g_dir_read_name(d));) {
		char *rel = g_build_filename("appendix", name, NULL);
		size_t len;
		char *text = seed_file(rel, &len);
		struct h248_msg *m = text ? parse_ok(text, len) : NULL;
		if (!m)
			fprintf(stderr, "    in %s\n", name);
		CU_ASSERT_PTR_NOT_NULL(m);
		if (m)
			round_trip(m), count++;
		h248_msg_free(m);
		g_free(text), g_free(rel);
	}
	g_dir_close(d);
	g_free(dir);
	CU_ASSERT_EQUAL(count, 22);
}

static void test_appendix_model(void)
{
	size_t len;
	char *text = seed_file("appendix/13-add-reply.txt", &len);
	struct h248_msg *m = parse_ok(text, len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->version, 1);
	CU_ASSERT_EQUAL(m->mid.kind, H248_MID_IP4);
	CU_ASSERT_TRUE(h248_str_eq(m->mid.text, "124.124.124.222"));
	CU_ASSERT_EQUAL(m->mid.port, 55555);
	struct h248_node *reply = m->first;
	CU_ASSERT_EQUAL_FATAL(reply->tok, H248_TOK_REPLY);
	CU_ASSERT_TRUE(h248_str_eq(reply->value.text, "10003"));
	struct h248_node *ctx = h248_child(reply, H248_TOK_CONTEXT, NULL);
	CU_ASSERT_TRUE(h248_str_eq(ctx->value.text, "2000"));
	struct h248_node *add1 = h248_child(ctx, H248_TOK_ADD, NULL);
	struct h248_node *add2 = h248_child(ctx, H248_TOK_ADD, add1);
	CU_ASSERT_TRUE(h248_str_eq(add1->value.text, "A4444"));
	CU_ASSERT_FALSE(add1->flags & H248_F_BODY);
	CU_ASSERT_TRUE(h248_str_eq(add2->value.text, "A4445"));
	struct h248_node *local = h248_child(
	    h248_child(h248_child(add2, H248_TOK_MEDIA, NULL), H248_TOK_STREAM, NULL), H248_TOK_LOCAL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(local);
	CU_ASSERT_TRUE(h248_str_eq(local->octets,
				   "\nv=0\no=- 2890844526 2890842807 IN IP4 124.124.124.222\ns=-\n"
				   "t=0 0\nc=IN IP4 124.124.124.222\nm=audio 2222 RTP/AVP 4\n"
				   "a=ptime:30\na=recvonly\n"));
	h248_msg_free(m);
	g_free(text);
}

static void test_every_construct(void)
{
	size_t len, clen, plen;
	char *text = seed_file("cover/all-v3.txt", &len);
	char *compact = seed_file("cover/all-v3.compact", &clen);
	char *pretty = seed_file("cover/all-v3.pretty", &plen);
	CU_ASSERT_PTR_NOT_NULL_FATAL(compact);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pretty);
	struct h248_msg *m = parse_ok(text, len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	round_trip(m);

	size_t n;
	char *out = h248_print(m, H248_COMPACT, &n);
	CU_ASSERT_EQUAL(n, clen);
	CU_ASSERT_TRUE(n == clen && !memcmp(out, compact, n));
	free(out);
	out = h248_print(m, H248_PRETTY, &n);
	CU_ASSERT_EQUAL(n, plen);
	CU_ASSERT_TRUE(n == plen && !memcmp(out, pretty, n));
	free(out);

	/* the compact and pretty forms decode to the same model as the source */
	struct h248_msg *mc = parse_ok(compact, clen), *mp = parse_ok(pretty, plen);
	CU_ASSERT_TRUE(mc && h248_msg_equal(m, mc));
	CU_ASSERT_TRUE(mp && h248_msg_equal(m, mp));

	/* a few facts of the model */
	CU_ASSERT_PTR_NOT_NULL_FATAL(m->auth);
	CU_ASSERT_TRUE(h248_str_eq(m->auth->spi, "0xEFCDAB89"));
	CU_ASSERT_EQUAL(m->mid.kind, H248_MID_DOMAIN);
	struct h248_node *ctx = h248_child(m->first, H248_TOK_CONTEXT, NULL);
	struct h248_node *add = h248_child(ctx, H248_TOK_ADD, NULL);
	CU_ASSERT_EQUAL(add->flags & (H248_F_OPTIONAL | H248_F_WILDCARD), H248_F_OPTIONAL);
	CU_ASSERT_EQUAL(h248_child(ctx, H248_TOK_MOVE, NULL)->flags & H248_F_WILDCARD, H248_F_WILDCARD);
	struct h248_node *lc =
	    h248_child(h248_child(h248_child(add, H248_TOK_MEDIA, NULL), H248_TOK_STREAM, NULL),
		       H248_TOK_LOCALCONTROL, NULL);
	CU_ASSERT_EQUAL(h248_child(lc, H248_TOK_MODE, NULL)->value.tok, H248_TOK_SENDRECV);
	CU_ASSERT_EQUAL(h248_prop(lc, "nt/jit")->rel, '>');
	CU_ASSERT_EQUAL(h248_prop(lc, "tdmc/gain")->rel, '#');
	CU_ASSERT_EQUAL(h248_prop(lc, "x/alt")->value.form, H248_VAL_ALTLIST);
	CU_ASSERT_EQUAL(h248_prop(lc, "x/range")->value.form, H248_VAL_RANGE);
	CU_ASSERT_EQUAL(h248_prop(lc, "x/list")->value.nitems, 2);
	struct h248_node *oe =
	    h248_child(h248_child(ctx, H248_TOK_NOTIFY, NULL), H248_TOK_OBSERVEDEVENTS, NULL);
	CU_ASSERT_TRUE(h248_str_eq(oe->first->stamp, "20261121T11420000"));
	CU_ASSERT_TRUE(h248_str_eq(h248_prop(oe->first, "reason")->value.text, "fingerprint mismatch"));
	int kinds[6] = { 0 };
	for (struct h248_node *t = m->first; t; t = t->next)
		kinds[t->tok == H248_TOK_TRANSACTION   ? 0
		      : t->tok == H248_TOK_REPLY       ? 1
		      : t->tok == H248_TOK_PENDING     ? 2
		      : t->tok == H248_TOK_RESPONSEACK ? 3
		      : t->tok == H248_TOK_SEGMENT     ? 4
						       : 5]++;
	CU_ASSERT_EQUAL(kinds[0], 1);
	CU_ASSERT_EQUAL(kinds[1], 3);
	CU_ASSERT_EQUAL(kinds[2], 1);
	CU_ASSERT_EQUAL(kinds[3], 1);
	CU_ASSERT_EQUAL(kinds[4], 1);
	CU_ASSERT_EQUAL(kinds[5], 0);
	h248_msg_free(m), h248_msg_free(mc), h248_msg_free(mp);
	g_free(text), g_free(compact), g_free(pretty);
}

static void test_build_and_print(void)
{
	struct h248_msg *m = h248_msg_new(3, 0);
	m->mid = (struct h248_mid){ H248_MID_IP4, h248_cstr(m, "127.0.0.1"), 2944 };
	struct h248_node *reply = h248_add_token(m, NULL, H248_TOK_REPLY, "21");
	h248_msg_append(m, reply);
	struct h248_node *ctx = h248_add_token(m, reply, H248_TOK_CONTEXT, "4711");
	struct h248_node *add = h248_add_token(m, ctx, H248_TOK_ADD, "core/17");
	struct h248_node *stream =
	    h248_add_token(m, h248_add_token(m, add, H248_TOK_MEDIA, NULL), H248_TOK_STREAM, "1");
	struct h248_node *local = h248_add_token(m, stream, H248_TOK_LOCAL, NULL);
	local->octets = H248_STR("\nv=0\nc=IN IP4 127.0.0.1\nm=message 40002 TCP *\n");
	char *out = h248_print(m, H248_COMPACT, NULL);
	ASSERT_STR(out, "!/3 [127.0.0.1]:2944\nP=21{C=4711{A=core/17{M{ST=1{L{\nv=0\nc=IN IP4 127.0.0.1\n"
			"m=message 40002 TCP *\n}}}}}}");
	free(out);
	out = h248_print(m, H248_PRETTY, NULL);
	ASSERT_STR(out, "MEGACO/3 [127.0.0.1]:2944\nReply = 21 {\n  Context = 4711 {\n    Add = core/17 {\n"
			"      Media {\n        Stream = 1 {\n          Local {\nv=0\nc=IN IP4 127.0.0.1\n"
			"m=message 40002 TCP *\n}\n        }\n      }\n    }\n  }\n}\n");
	free(out);
	h248_msg_free(m);
}

struct bad {
	const char *text;
	int code;
	unsigned line, col;
	const char *reason;
	int tid; /* -1: none read */
};

#define HDR "MEGACO/1 [1.2.3.4]:2944\n"

static const struct bad bad[] = {
	{ "", 400, 1, 1, "expected MEGACO/<version> or !/<version>, found the end of the message", -1 },
	{ "SIP/2.0 200 OK", 400, 1, 1, "expected MEGACO/<version> or !/<version>, found 'SIP/2.0'", -1 },
	{ "MEGACO/4 [1.2.3.4] Transaction = 1 {}", 406, 1, 8, "version 4 is not supported (highest: 3)", -1 },
	{ "MEGACO/x [1.2.3.4] T=1{}", 400, 1, 8, "expected a version of one or two digits after '/'", -1 },
	{ "MEGACO/1 [1.2.3.4 Transaction = 1 {}", 400, 1, 18, "mId: expected an address closed with ']'",
	  -1 },
	{ "MEGACO/1 [1.2.3.4]:99999 T=1{}", 400, 1, 25, "mId: expected a port number after ':'", -1 },
	{ "MEGACQ/1 [1.2.3.4] T=1{}", 400, 1, 1, "expected MEGACO/<version> or !/<version>, found 'MEGACQ/1'",
	  -1 },
	{ "MEGACO/1[1.2.3.4] T=1{}", 400, 1, 9, "expected white space after the version", -1 },
	{ "MEGACO/1 [1.2.3.4]: T=1{}", 400, 1, 20, "mId: expected a port number after ':'", -1 },
	{ "MEGACO/1 [1.2.3.4]:2944T=1{}", 400, 1, 24, "expected white space after the mId", -1 },
	{ "MEGACO/1 [::1 T=1{}", 400, 1, 14, "mId: expected an address closed with ']'", -1 },
	{ HDR, 400, 2, 1, "expected a transaction or an Error descriptor, found the end of the message", -1 },
	{ HDR "Trnsaction = 1 {}", 400, 2, 1, "unexpected 'Trnsaction' in message", -1 },
	{ HDR "Transaction = x1 {}", 403, 2, 15, "Transaction = x1: expected an unsigned 32-bit integer",
	  -1 },
	{ HDR "Transaction = {}", 403, 2, 15, "expected a value after Transaction =, found '{'", -1 },
	{ HDR "Transaction = 99999999999 {}", 403, 2, 15,
	  "Transaction = 99999999999: expected an unsigned 32-bit integer", -1 },
	{ HDR "Transaction = 5 { Context = foo { Add = T1 } }", 422, 2, 29,
	  "Context = foo: expected a number, '$', '*' or '-'", 5 },
	{ HDR "Transaction = 5 { Context = 1 { Frobnicate = T1 } }", 422, 2, 33,
	  "unexpected 'Frobnicate' in Context", 5 },
	{ HDR "T = 6 { C = 1 { A = T1 { Madia { } } } }", 444, 2, 26, "unknown descriptor 'Madia' in command",
	  6 },
	{ HDR "T = 7 { C = 1 { S = T1 { Media { } } } }", 447, 2, 26,
	  "Media descriptor is not legal in Subtract", 7 },
	{ HDR "T = 8 { C = 1 { A = T1 { E = 1 { a/b }, E = 2 { c/d } } } }", 448, 2, 41,
	  "Events descriptor appears twice in command", 8 },
	{ HDR "T = 9 { C = 1 { A = T1 { M { L { v=0", 442, 2, 33, "Local descriptor is not closed with '}'",
	  9 },
	{ HDR "T = 9 { C = 1 { A = T1 { M { O { Mdoe = SR } } } } }", 442, 2, 34,
	  "unexpected 'Mdoe' in LocalControl", 9 },
	{ HDR "T = 9 { C = 1 { A = T1 { M { O { MO = SR } } } }", 403, 2, 49,
	  "expected '}' to close the list, found the end of the message", 9 },
	{ HDR "T = 9 { C = 1 { N = T1 { OE = 1 { a/b { p = \"open } } } } }", 442, 2, 45,
	  "quoted string is not closed", 9 },
	{ HDR "T = 9 { C = 1 { A = T1 { M { ST = one { } } } } }", 442, 2, 35,
	  "Stream = one: expected an unsigned 32-bit integer", 9 },
	{ HDR "P = 3 { ER = 12345 { } }", 403, 2, 14,
	  "Error = 12345: expected an error code of 1 to 4 digits", 3 },
	{ HDR "T = 1 { C = - { SC = ROOT { SV { MT = RS, RE = 901 } } } } ER = 400 { }", 400, 2, 60,
	  "an Error descriptor cannot follow transactions", 1 },
	{ HDR "T = 1 { C = - { A = T1 { M { ST = 1 { O { MO = SR } } = 2 } } } }", 442, 2, 55,
	  "expected '}' to close the list, found '='", 1 },
	{ HDR "T = 1 { C = - { A = T1 { M { O { MO = SR } } } } } \x01", 400, 2, 52,
	  "expected an item in message, found '?'", 1 },
	/* what Annex B requires (issue 18 item 3; tests/h248/malformed holds one message per rule) */
	{ HDR "Transaction = 4 { }", 403, 2, 19, "Transaction = 4 has no Context: it needs at least one", 4 },
	{ HDR "Reply = 4 { }", 403, 2, 13, "Reply = 4 has no Context and no Error descriptor", 4 },
	{ HDR "Reply = 4 { ImmAckRequired }", 403, 2, 28, "Reply = 4 has no Context and no Error descriptor",
	  4 },
	{ HDR "T = 4 { C = 1 { } }", 422, 2, 17, "Context = 1 { } is empty: Context needs at least one item",
	  4 },
	{ HDR "T = 4 { C { S = T1 } }", 422, 2, 11, "expected '=' after Context, found '{'", 4 },
	{ HDR "T = 4 { C = 1 { A { M { O { MO = SR } } } } }", 442, 2, 19,
	  "expected '=' after Add, found '{'", 4 },
	{ HDR "T = 4 { C = 1 { A = $ { } } }", 442, 2, 25,
	  "Add = $ { } is empty: command needs at least one item", 4 },
	{ HDR "T = 4 { C = 1 { N = T1 { } } }", 472, 2, 26,
	  "Notify = T1 has no ObservedEvents descriptor: it is required", 4 },
	{ HDR "T = 4 { C = 1 { N = T1 } }", 472, 2, 17,
	  "Notify = T1 has no ObservedEvents descriptor: it is required", 4 },
	{ HDR "T = 4 { C = 1 { N = T1 { OE { a/b } } } }", 442, 2, 26,
	  "ObservedEvents {...} needs a request identifier: ObservedEvents = <id> {...}", 4 },
	{ HDR "T = 4 { C = - { SC = ROOT { SV { MT = RS } } } }", 472, 2, 42,
	  "Services has no Reason: it is required", 4 },
	{ HDR "T = 4 { C = - { SC = ROOT { SV { RE = 901 } } } }", 472, 2, 43,
	  "Services has no Method: it is required", 4 },
	{ HDR "T = 4 { C = - { SC = ROOT { SV { MT = Reboot, RE = 901 } } } }", 449, 2, 39,
	  "Method = Reboot: expected Failover, Forced, Graceful, Restart, Disconnected, HandOff or an "
	  "extension "
	  "X-name",
	  4 },
	{ HDR "T = 4 { C = - { SC = ROOT } }", 472, 2, 17,
	  "ServiceChange = ROOT has no Services descriptor: it is required", 4 },
	{ HDR "T = 4 { C = 1 { A = $ { M { O { MO = \"Listen\xff\" } } } } }", 449, 2, 38,
	  "Mode = Listen?: expected SendOnly, ReceiveOnly, SendReceive, Inactive or Loopback", 4 },
	{ HDR "T = 4 { C = 1 { A = $ { M { O { } } } } }", 442, 2, 33,
	  "LocalControl { } is empty: LocalControl needs at least one item", 4 },
	{ HDR "T = 4 { C = 1 { A = $ { M { ST = 1 } } } }", 442, 2, 36, "Stream = 1 needs its {...}", 4 },
	{ HDR "T = 4 { C = 1 { A = $ { E { a/b } } } }", 442, 2, 25,
	  "Events {...} needs a request identifier: Events = <id> {...}", 4 },
	{ HDR "T = 4 { C = - { AV = ROOT } }", 472, 2, 17,
	  "AuditValue = ROOT has no Audit descriptor: it is required", 4 },
	{ HDR "P = 4 { C = - { SC = ROOT { SV { MT = RS } } } }", 442, 2, 34,
	  "Method is not legal in ServiceChange reply Services", 4 },
	{ HDR "P = 4 { C = 1 { A = T1 { } } }", 442, 2, 26,
	  "Add = T1 { } is empty: command reply needs at least one item", 4 },
	{ HDR "K { }", 403, 2, 5,
	  "TransactionResponseAck { } is empty: TransactionResponseAck needs at least one item", -1 },
	{ HDR "P = 4 { C = 1 }", 403, 2, 15, "expected '{' after Context",
	  4 }, /* v3 allows it, v1 does not */
	{ HDR "K { 3-x }", 403, 2, 5, "3-x: expected a transaction id or a range of them (N-N)", -1 },
	{ HDR "T = 4 { C = 1 { IEPS = ON, S = T1 } }", 422, 2, 17,
	  "IEPSCall is not in H.248.1 version 1 (it is from version 3 on)", 4 },
	{ HDR "T = 4 { C = 1 { A = $ { M { O { MO = SO, MO = RC } } } } }", 456, 2, 42,
	  "Mode appears twice in LocalControl", 4 },
	{ HDR "P = 4 { ER = 400 { \"a\" }, ER = 401 { \"b\" } }", 403, 2, 27, "Error appears twice in Reply",
	  4 },
	{ HDR "P = 4 { C = 1 { S = T1 }, ER = 401 { \"b\" } }", 403, 2, 44,
	  "Reply = 4 holds Error and Context: one or the other", 4 },
	{ HDR "T = 4 { C = - { SC = ROOT { SV { MT = RS, RE = 901, AD = 2944, MG = [1.2.3.4] } } } }", 442, 2,
	  79, "Services holds ServiceChangeAddress and MgcIdToTry: one or the other", 4 },
	{ HDR "T = 4 { C = 1 { PR = 65536, S = T1 } }", 422, 2, 22,
	  "Priority = 65536: expected at most 65535", 4 },
};

static void test_malformed(void)
{
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct h248_error err;
		struct h248_msg *m = h248_parse(bad[i].text, strlen(bad[i].text), NULL, &err);
		CU_ASSERT_PTR_NULL(m);
		h248_msg_free(m);
		char *got = g_strdup_printf("%d at %u:%u: %s (tid %d)", err.code, err.line, err.col,
					    err.reason, err.have_tid ? (int)err.tid : -1);
		char *want = g_strdup_printf("%d at %u:%u: %s (tid %d)", bad[i].code, bad[i].line, bad[i].col,
					     bad[i].reason, bad[i].tid);
		if (strcmp(got, want))
			fprintf(stderr, "\n    case %zu: %s\n    expected: %s\n    actual:   %s\n", i,
				bad[i].text, want, got);
		CU_ASSERT_STRING_EQUAL(got, want); /* every case reported, not only the first */
		g_free(got), g_free(want);
	}
}

static void test_bounds(void)
{
	/* nesting deeper than the limit */
	GString *deep =
	    g_string_new(HDR "T = 1 { C = 1 { A = T1 { E = 1 { a/b { EM { E = 2 { c/d { EM { E = 3 {");
	for (int i = 0; i < 40; i++)
		g_string_append(deep, " x/y { EM { E = 1 {");
	struct h248_error err;
	CU_ASSERT_PTR_NULL(h248_parse(deep->str, deep->len, NULL, &err));
	CU_ASSERT_EQUAL(err.code, 442);
	ASSERT_STR(err.reason, "nesting deeper than 32");
	g_string_free(deep, TRUE);

	/* a NUL byte within the length: refused, not the message cut short there */
	static const char nul[] = HDR "T = 1 { C = 1 { S = T1 } }\0T = 2 { C = 1 { S = T2 } }";
	CU_ASSERT_PTR_NULL(h248_parse(nul, sizeof nul - 1, NULL, &err));
	CU_ASSERT_EQUAL(err.code, 400);
	ASSERT_STR(err.reason, "a NUL byte in the message");

	/* the arena bound: a message whose model would need more than the limit */
	GString *wide = g_string_new(HDR "P = 1 { C = 1 { A = T1 { Statistics {");
	for (int i = 0; i < 2000; i++)
		g_string_append_printf(wide, "%sa/b%d = 1", i ? ", " : "", i);
	g_string_append(wide, "} } } }");
	struct h248_limits lim = { .arena = 64 * 1024 };
	CU_ASSERT_PTR_NULL(h248_parse(wide->str, wide->len, &lim, &err));
	CU_ASSERT_EQUAL(err.code, 400);
	ASSERT_STR(err.reason, "message exceeds the decoder's memory bound");
	struct h248_msg *m = h248_parse(wide->str, wide->len, NULL, &err);
	CU_ASSERT_PTR_NOT_NULL(m);
	h248_msg_free(m);
	g_string_free(wide, TRUE);
}

static void test_case_and_compact_input(void)
{
	/* v3: an actionReply may stand without its {...} */
	struct h248_error err;
	struct h248_msg *v3 = h248_parse("!/3 MG1\np=1{c=5}", 16, NULL, &err);
	CU_ASSERT_PTR_NOT_NULL(v3);
	h248_msg_free(v3);
	const char *a = "!/2 MG1\nt=1{c=${a=$,mf=ac/1{m{o{mo=sr}}}}}";
	const char *b = "megaco/2 mg1 TRANSACTION = 1 { CONTEXT = $ { ADD = $, Modify = ac/1 { MEDIA { "
			"LocalControl { MODE = SendReceive } } } } }";
	struct h248_msg *ma = parse_ok(a, strlen(a)), *mb = parse_ok(b, strlen(b));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ma);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mb);
	CU_ASSERT_EQUAL(ma->mid.kind, H248_MID_DEVICE);
	CU_ASSERT_EQUAL(ma->version, 2);
	/* tokens compare by identity; the device names differ in case and stay as written */
	CU_ASSERT_FALSE(h248_msg_equal(ma, mb));
	mb->mid.text = ma->mid.text;
	CU_ASSERT_TRUE(h248_msg_equal(ma, mb));
	h248_msg_free(ma), h248_msg_free(mb);
}

/* The SDP Erlang/OTP megaco was given for Local and Remote (tests/h248/megaco/gen.escript). */
static const char megaco_local[] = "v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 4\na=ptime:30";
static const char megaco_remote[] =
    "v=0\nc=IN IP4 124.124.124.222\nm=audio 2222 RTP/AVP 4\na=ptime:30\na=recvonly";

/* Counts the Local and Remote bodies under n whose octets are exactly white space, then one of the SDPs
 * (its line ends as given in crlf), then white space; *other counts the rest. */
static void count_sdp(const struct h248_node *n, bool crlf, int *exact, int *other)
{
	for (const struct h248_node *c = n->first; c; c = c->next) {
		if (c->kind == H248_NODE_TOKEN && (c->tok == H248_TOK_LOCAL || c->tok == H248_TOK_REMOTE)) {
			struct h248_str o = c->octets;
			while (o.n && strchr(" \t\r\n", o.p[0]))
				o.p++, o.n--;
			while (o.n && strchr(" \t\r\n", o.p[o.n - 1]))
				o.n--;
			bool found = false;
			for (int i = 0; i < 2 && !found; i++) {
				char **lines = g_strsplit(i ? megaco_remote : megaco_local, "\n", -1);
				char *want = g_strjoinv(crlf ? "\r\n" : "\n", lines);
				found = o.n == strlen(want) && !memcmp(o.p, want, o.n);
				g_free(want), g_strfreev(lines);
			}
			(*(found ? exact : other))++;
		}
		count_sdp(c, crlf, exact, other);
	}
}

/* Every message megaco's pretty and compact encoders wrote in versions 1, 2 and 3 (and two hand-written
 * layouts megaco also decodes) is read, round-trips in both forms, and keeps inside Local and Remote the
 * SDP megaco was given, byte for byte as megaco wrote it (its lines CRLF-terminated, as RFC 4566 has
 * them; layout-v1 has LF), only the white space around it being the layout's. */
static void test_megaco_vectors(void)
{
	const char *top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";
	char *dir = g_build_filename(top, "tests", "h248", "megaco", NULL);
	GDir *d = g_dir_open(dir, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	int files = 0, sdp = 0, other = 0;
	for (const char *name; (name = g_dir_read_name(d));) {
		if (!g_str_has_suffix(name, ".pretty") && !g_str_has_suffix(name, ".compact") &&
		    !g_str_has_prefix(name, "layout-"))
			continue;
		char *rel = g_build_filename("megaco", name, NULL);
		size_t len;
		char *text = seed_file(rel, &len);
		struct h248_msg *m = text ? parse_ok(text, len) : NULL;
		if (!m)
			fprintf(stderr, "    in %s\n", name);
		CU_ASSERT_PTR_NOT_NULL(m);
		if (m) {
			round_trip(m), files++;
			struct h248_node root = { .first = m->first };
			int before = sdp;
			count_sdp(&root, !g_str_has_prefix(name, "layout-v1"), &sdp, &other);
			if (g_str_has_prefix(name, "add-sdp"))
				CU_ASSERT_EQUAL(sdp - before, 3);
		}
		h248_msg_free(m);
		g_free(text), g_free(rel);
	}
	g_dir_close(d);
	g_free(dir);
	CU_ASSERT_EQUAL(files, 17 * 3 * 2 + 2);
	CU_ASSERT_EQUAL(sdp, 6 * 6 + 3);
	CU_ASSERT_EQUAL(other, 0);
}

/* The printer never writes an empty {...} the grammar forbids: refused where the token cannot stand
 * alone (errno EINVAL), left out where it can. */
static void test_print_empty_bodies(void)
{
	struct h248_msg *m = h248_msg_new(3, 0);
	m->mid = (struct h248_mid){ H248_MID_IP4, h248_cstr(m, "127.0.0.1"), 2944 };
	struct h248_node *reply = h248_add_token(m, NULL, H248_TOK_REPLY, "21");
	reply->flags |= H248_F_BODY;
	h248_msg_append(m, reply);
	errno = 0;
	CU_ASSERT_PTR_NULL(h248_print(m, H248_PRETTY, NULL));
	CU_ASSERT_EQUAL(errno, EINVAL);
	reply->flags = 0;
	CU_ASSERT_PTR_NULL(h248_print(m, H248_COMPACT, NULL)); /* "Reply = 21" alone is no better */
	struct h248_node *ctx = h248_add_token(m, reply, H248_TOK_CONTEXT, "7");
	h248_add_token(m, ctx, H248_TOK_ADD, "T1")->flags |= H248_F_BODY;
	h248_add_token(m, ctx, H248_TOK_NOTIFY, "T1")->flags |= H248_F_BODY;
	struct h248_node *pending = h248_add_token(m, NULL, H248_TOK_PENDING, "22");
	pending->flags |= H248_F_BODY;
	h248_msg_append(m, pending);
	h248_add_token(m, reply, H248_TOK_CONTEXT, "8")->flags |= H248_F_BODY; /* v3: "C=8" alone */
	char *out = h248_print(m, H248_COMPACT, NULL);
	ASSERT_STR(out, "!/3 [127.0.0.1]:2944\nP=21{C=7{A=T1,N=T1},C=8}\nPN=22{}");
	free(out);
	m->version = 2; /* v1 and v2 want the actionReply's {...} */
	errno = 0;
	CU_ASSERT_PTR_NULL(h248_print(m, H248_COMPACT, NULL));
	CU_ASSERT_EQUAL(errno, EINVAL);
	m->version = 3;
	h248_add_token(m, ctx, H248_TOK_SERVICECHANGE, "ROOT")->flags |= H248_F_BODY;
	h248_add_token(m, h248_child(ctx, H248_TOK_SERVICECHANGE, NULL), H248_TOK_SERVICES, NULL)->flags |=
	    H248_F_BODY;
	errno = 0;
	CU_ASSERT_PTR_NULL(h248_print(m, H248_COMPACT, NULL)); /* "Services { }" */
	CU_ASSERT_EQUAL(errno, EINVAL);
	h248_msg_free(m);
}

/* H.248.1 §7.2: the eight commands, and nothing else an action holds (Context attributes, Topology). */
static void test_commands(void)
{
	static const enum h248_tok commands[] = { H248_TOK_ADD, H248_TOK_MODIFY, H248_TOK_SUBTRACT,
						  H248_TOK_MOVE, H248_TOK_AUDITVALUE, H248_TOK_AUDITCAP,
						  H248_TOK_NOTIFY, H248_TOK_SERVICECHANGE };
	grammar_init();
	unsigned n = 0;
	for (unsigned t = 1; t < H248_TOK_COUNT; t++) {
		bool want = false;
		for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
			want |= commands[i] == t;
		if (grammar_is_command(t) != want)
			fprintf(stderr, "grammar_is_command(%s) is %d\n", h248_tokens[t].pretty, !want);
		CU_ASSERT_EQUAL(grammar_is_command(t), want);
		n += want;
	}
	CU_ASSERT_EQUAL(n, G_N_ELEMENTS(commands));
}

/* The token lookup: every spelling in any case finds its token; a spelling with one byte changed, one
 * byte more or less, or a control byte where its digit or '-' stands (the 0x20 bit is what the lookup
 * folds: a control byte lacks it) finds no token, or another one that is spelled so. */
static bool spelled(const char *w, size_t n, enum h248_tok t)
{
	return strlen(h248_tokens[t].pretty) == n ? !g_ascii_strncasecmp(w, h248_tokens[t].pretty, n)
						  : strlen(h248_tokens[t].compact) == n &&
							!g_ascii_strncasecmp(w, h248_tokens[t].compact, n);
}

static void lookup_near_misses(const char *spelling, enum h248_tok t)
{
	size_t n = strlen(spelling);
	char w[32];
	memcpy(w, spelling, n + 1);
	CU_ASSERT_EQUAL(h248_token_lookup(w, n), t);
	CU_ASSERT(h248_token_lookup(w, n - 1) == H248_TOK_NONE ||
		  spelled(w, n - 1, h248_token_lookup(w, n - 1)));
	for (size_t i = 0; i < n; i++) {
		char c = w[i];
		w[i] = g_ascii_isalpha(c) ? (char)(c ^ 0x20) : c; /* the other case: the same token */
		CU_ASSERT_EQUAL(h248_token_lookup(w, n), t);
		w[i] = (char)(c & ~0x20); /* a control byte for a digit, '&', '!' or '-'; the upper case of a
					     letter */
		CU_ASSERT_EQUAL(h248_token_lookup(w, n), g_ascii_isalpha(c) ? t : H248_TOK_NONE);
		w[i] = c == 'z' || c == 'Z' ? 'y' : (char)(c + 1);
		enum h248_tok other = h248_token_lookup(w, n);
		CU_ASSERT(other != t && (other == H248_TOK_NONE || spelled(w, n, other)));
		w[i] = c;
	}
}

static void test_token_lookup(void)
{
	for (unsigned t = 1; t < H248_TOK_COUNT; t++) {
		char *upper = g_ascii_strup(h248_tokens[t].pretty, -1), *lower = g_ascii_strdown(upper, -1);
		lookup_near_misses(h248_tokens[t].pretty, t);
		lookup_near_misses(h248_tokens[t].compact, t);
		lookup_near_misses(upper, t);
		lookup_near_misses(lower, t);
		g_free(upper), g_free(lower);
	}
	CU_ASSERT_EQUAL(h248_token_lookup("", 0), H248_TOK_NONE);
	CU_ASSERT_EQUAL(h248_token_lookup("ObservedEventsObservedEvents", 28), H248_TOK_NONE);
}

/* The lexer's word and white-space scans (16 and 8 bytes at a time) end where a byte-by-byte scan
 * over the tables does: after every byte, following words and runs of every length up to 40. */
static size_t lex(void (*scan)(struct parser *), const char *text, size_t len)
{
	char buf[64 + PARSE_PAD];
	padded_copy(buf, text, len);
	struct parser ps = { .buf = buf, .p = buf, .end = buf + len };
	scan(&ps);
	return (size_t)(ps.p - buf);
}

static void scan_word(struct parser *ps)
{
	struct h248_str w;
	word(ps, &w);
}

static void test_lexer_scans(void)
{
	char text[64];
	for (size_t n = 0; n <= 40; n++) {
		for (unsigned c = 0; c < 256; c++) {
			/* a letter n times, then c, then a byte that ends a word and a run ('}'), or the end
			 */
			memset(text, 'a' + (int)(n % 26), n);
			text[n] = (char)c, text[n + 1] = '}';
			size_t len = n + 2, want = n + (c && h248_safechar[c]);
			if (n && lex(scan_word, text, len) != want) /* (a word is what follows white space) */
				CU_FAIL_FATAL("a word does not end where the SafeChar table ends it");
			CU_ASSERT_EQUAL(lex(scan_word, text, n), n); /* on the NUL after the input */
			memset(text, ' ', n);
			want = c == ';' ? len /* a comment, up to the end */
					: n + (c == ' ' || c == '\t' || c == '\r' || c == '\n');
			if (lex(skip_ws, text, len) != want)
				CU_FAIL_FATAL("white space does not end where the table ends it");
			CU_ASSERT_EQUAL(lex(skip_ws, text, n), n);
		}
	}
	/* a comment up to the line's end, then more indentation */
	CU_ASSERT_EQUAL(lex(skip_ws, "   ; note {x}\n            Add", 29), 26);
}

/* h248_decimal writes what "%u" does: each digit count's ends (9 and 10, 99 and 100, ...), and the largest */
static void test_decimal(void)
{
	for (uint64_t ten = 1; ten <= 1000000000u; ten *= 10) {
		for (uint64_t v = ten - 1; v <= ten && v <= UINT32_MAX; v++) {
			char got[11], want[11];
			snprintf(want, sizeof want, "%u", (unsigned)v);
			CU_ASSERT_EQUAL(h248_decimal((uint32_t)v, got), strlen(want));
			ASSERT_STR(got, want);
		}
	}
	char got[11];
	CU_ASSERT_EQUAL(h248_decimal(UINT32_MAX, got), 10);
	ASSERT_STR(got, "4294967295");
}

void register_h248(void)
{
	static const struct unit_test tests[] = {
		{ "RFC 3525 Appendix I messages round-trip", test_appendix },
		{ "Appendix I Add reply model", test_appendix_model },
		{ "every construct, golden pretty and compact", test_every_construct },
		{ "built message printed in both forms", test_build_and_print },
		{ "malformed messages: code, place, reason", test_malformed },
		{ "depth and memory bounds", test_bounds },
		{ "case-insensitive tokens, compact input", test_case_and_compact_input },
		{ "megaco's pretty and compact output, v1-v3, SDP byte-exact", test_megaco_vectors },
		{ "no empty body the grammar forbids is printed", test_print_empty_bodies },
		{ "the commands, from the grammar table", test_commands },
		{ "token lookup: every spelling in any case, near misses", test_token_lookup },
		{ "lexer: words and white space end where the tables say", test_lexer_scans },
		{ "decimal numbers as %u writes them", test_decimal },
		{ NULL, NULL },
	};
	unit_add_suite("h248", tests);
}
