/* SPDX-License-Identifier: GPL-3.0-or-later */
/* h248_sdp: the SDP of a Local or Remote body without the layout H.248.1 Annex B allows around it
 * (LBRKT = LWSP "{" LWSP, RBRKT = LWSP "}" LWSP, LWSP = *(WSP / COMMENT / EOL)), the SDP's own bytes kept.
 * The messages are Erlang/OTP megaco 4.4's own encodings of an Add (pretty: "Local { " EOL, the SDP with
 * CRLF, a blank line and the '}' indented with tabs; compact: "L{" EOL), RFC 3525 Appendix I's layout (the
 * SDP flush left, the '}' indented with spaces) and every other layout the grammar allows. */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "parse.h"
#include "print.h"
#include "suites.h"

#define SDP "v=0\r\nc=IN IP4 $\r\nm=message $ TCP/MSRP *\r\na=setup:actpass\r\n"

static struct h248_str sdp_of(const char *body)
{
	struct h248_node n = { .kind = H248_NODE_TOKEN, .tok = H248_TOK_LOCAL };
	n.octets = (struct h248_str){ body, strlen(body) };
	return h248_sdp(&n);
}

#define ASSERT_SDP(body, expected)                  \
	do {                                        \
		struct h248_str s_ = sdp_of(body);  \
		char *got_ = g_strndup(s_.p, s_.n); \
		ASSERT_STR(got_, expected);         \
		g_free(got_);                       \
	} while (0)

static void test_layouts(void)
{
	ASSERT_SDP(" \n" SDP "\n\t\t\t\t\t", SDP);                   /* megaco pretty */
	ASSERT_SDP("\n" SDP, SDP);                                   /* megaco compact, and ours */
	ASSERT_SDP("\nv=0\nc=IN IP4 $\n     ", "v=0\nc=IN IP4 $\n"); /* Appendix I: LF, '}' indented */
	ASSERT_SDP(SDP, SDP);
	ASSERT_SDP("\r\n\r\n  \t" SDP "  \r\n\t\n \t ", SDP); /* blank lines either side */
	ASSERT_SDP("; a comment\n  ; another }\n" SDP "\t; closing\n  ", SDP);
	ASSERT_SDP("v=0", "v=0");                          /* no line end: nothing after the SDP is layout */
	ASSERT_SDP("v=0\r\na=x  ", "v=0\r\na=x  ");        /* trailing SP on a line that does not end */
	ASSERT_SDP("v=0\r\na=x \r\n ", "v=0\r\na=x \r\n"); /* trailing SP on an SDP line is the SDP's */
	ASSERT_SDP("", "");
	ASSERT_SDP(" \r\n\t ", "");
	ASSERT_SDP("\n; only a comment\n", "");
	struct h248_node none = { .kind = H248_NODE_TOKEN, .tok = H248_TOK_REMOTE };
	CU_ASSERT_EQUAL(h248_sdp(&none).n, 0);
}

static const struct h248_node *find_tok(const struct h248_node *n, enum h248_tok tok)
{
	for (; n; n = n->next) {
		if (n->kind == H248_NODE_TOKEN && n->tok == tok)
			return n;
		const struct h248_node *in = find_tok(n->first, tok);
		if (in)
			return in;
	}
	return NULL;
}

/* megaco's encodings, byte for byte as megaco_pretty_text_encoder and megaco_compact_text_encoder wrote
 * them: the parser keeps the raw body, h248_sdp gives the SDP, and printing keeps it exact. */
static void test_megaco_messages(void)
{
	static const char *const msgs[] = {
		"MEGACO/3 [127.0.0.1]:2945\nTransaction = 21 {\n\tContext = $ {\n\t\tAdd = $ {\n\t\t\tMedia "
		"{\n"
		"\t\t\t\tStream = 1 {\n\t\t\t\t\tLocalControl {\n\t\t\t\t\t\tMode = SendReceive,\n"
		"\t\t\t\t\t\tipdc/realm=core\n\t\t\t\t\t},\n\t\t\t\t\tLocal { \n" SDP
		"\n\t\t\t\t\t}\n\t\t\t\t}\n"
		"\t\t\t},\n\t\t\tEvents = 1 "
		"{\n\t\t\t\thangterm/thb,\n\t\t\t\ttcpbcc/fail\n\t\t\t}\n\t\t}\n\t}\n}\n",
		"!/3 [127.0.0.1]:2945\nT=21{C=${A=${M{ST=1{O{MO=SR,ipdc/realm=core},L{\n" SDP
		"}}},E=1{hangterm/thb,tcpbcc/fail}}}}\n",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(msgs); i++) {
		struct h248_error err;
		struct h248_msg *m = h248_parse(msgs[i], strlen(msgs[i]), NULL, &err);
		if (!m)
			fprintf(stderr, "\n    error %d: %s\n", err.code, err.reason);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		const struct h248_node *l = find_tok(m->first, H248_TOK_LOCAL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(l);
		struct h248_str s = h248_sdp(l);
		char *sdp = g_strndup(s.p, s.n);
		ASSERT_STR(sdp, SDP);
		g_free(sdp);
		CU_ASSERT_TRUE(l->octets.n > s.n); /* the model keeps the layout as received */
		for (int style = H248_PRETTY; style <= H248_COMPACT; style++) {
			size_t len;
			char *text = h248_print(m, style, &len);
			struct h248_msg *again = h248_parse(text, len, NULL, &err);
			CU_ASSERT_PTR_NOT_NULL_FATAL(again);
			CU_ASSERT_TRUE(h248_msg_equal(m, again));
			char *raw = g_strdup_printf("{%.*s}", (int)l->octets.n, l->octets.p);
			if (!strstr(text, raw))
				fprintf(stderr, "\n    %s\n    not in:\n%s\n", raw, text);
			CU_ASSERT_PTR_NOT_NULL(strstr(text, raw)); /* the body printed as received */
			g_free(raw);
			h248_msg_free(again);
			free(text);
		}
		h248_msg_free(m);
	}
}

/* The printer starts an SDP given without layout on a line of its own, so a reply built from h248_sdp
 * keeps the "Local {" EOL form; the SDP that comes back is the same. */
static void test_print_bare_sdp(void)
{
	struct h248_msg *m = h248_msg_new(3, 0);
	m->mid = (struct h248_mid){ .kind = H248_MID_IP4, .text = H248_STR("127.0.0.1"), .port = 2944 };
	struct h248_node *r = h248_add_token(m, NULL, H248_TOK_REPLY, "7");
	h248_msg_append(m, r);
	struct h248_node *c = h248_add_token(m, r, H248_TOK_CONTEXT, "1");
	struct h248_node *a = h248_add_token(m, c, H248_TOK_ADD, "t1");
	struct h248_node *l = h248_add_token(m, a, H248_TOK_LOCAL, NULL);
	l->octets = H248_STR("v=0\nc=IN IP4 127.0.0.1\n");
	l->flags |= H248_F_BODY;
	size_t len;
	char *text = h248_print(m, H248_COMPACT, &len);
	ASSERT_STR(text, "!/3 [127.0.0.1]:2944\nP=7{C=1{A=t1{L{\nv=0\nc=IN IP4 127.0.0.1\n}}}}");
	free(text);
	h248_msg_free(m);
}

void register_msg_sdp(void)
{
	static const struct unit_test tests[] = {
		{ "layouts", test_layouts },
		{ "megaco_messages", test_megaco_messages },
		{ "print_bare_sdp", test_print_bare_sdp },
		{ NULL, NULL },
	};
	unit_add_suite("msg_sdp", tests);
}
