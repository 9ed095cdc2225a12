/* SPDX-License-Identifier: GPL-3.0-or-later */
/* msrp: RFC 4975's example chunks framed whole and cut anywhere, headers read, responses written. */
#include <string.h>

#include "msrp.h"
#include "suites.h"

/* RFC 4975 §7.1.1's SEND, and a bodiless one after it */
static const char send_then_empty[] = "MSRP a786hjs2 SEND\r\n"
				      "To-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp\r\n"
				      "From-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp\r\n"
				      "Message-ID: 87652491\r\n"
				      "Byte-Range: 1-25/25\r\n"
				      "Content-Type: text/plain\r\n"
				      "\r\n"
				      "Hey Bob, are you there?\r\n"
				      "\r\n"
				      "-------a786hjs2$\r\n"
				      "MSRP dkei38sd SEND\r\n"
				      "To-Path: msrp://a.example.com:1/s;tcp\r\n"
				      "From-Path: msrp://b.example.com:2/t;tcp\r\n"
				      "Message-ID: 4564dpwd\r\n"
				      "Byte-Range: 1-0/0\r\n"
				      "-------dkei38sd$\r\n";

static void test_frames(void)
{
	struct msrp_frame f;
	const char *why = NULL;
	size_t first = strstr(send_then_empty, "MSRP dkei") - send_then_empty;
	CU_ASSERT_EQUAL(msrp_frame(NULL, 0, &f, &why), MSRP_PARTIAL); /* an empty GByteArray's data */
	for (size_t cut = 0; cut < first; cut++)
		CU_ASSERT_EQUAL(msrp_frame(send_then_empty, cut, &f, &why), MSRP_PARTIAL);
	CU_ASSERT_EQUAL_FATAL(msrp_frame(send_then_empty, sizeof send_then_empty - 1, &f, &why),
			      MSRP_COMPLETE);
	CU_ASSERT_EQUAL(f.size, first);
	ASSERT_STR(f.tid, "a786hjs2");
	ASSERT_STR(f.method, "SEND");
	CU_ASSERT_EQUAL(f.flag, '$');
	CU_ASSERT_EQUAL(f.body_len, 25);
	CU_ASSERT_NSTRING_EQUAL(f.body, "Hey Bob, are you there?\r\n", 25);
	char *v = msrp_field_dup(&f, MSRP_MESSAGE_ID);
	ASSERT_STR(v, "87652491");
	g_free(v);
	CU_ASSERT_PTR_NULL(msrp_field_dup(&f, MSRP_FAILURE_REPORT));
	CU_ASSERT_TRUE(msrp_wants_response(&f, 200));
	char line[96];
	msrp_summary(&f, line, sizeof line);
	ASSERT_STR(line, "MSRP SEND 25 bytes (a786hjs2)");

	const char *second = send_then_empty + first;
	CU_ASSERT_EQUAL_FATAL(msrp_frame(second, strlen(second), &f, &why), MSRP_COMPLETE);
	CU_ASSERT_EQUAL(f.size, strlen(second));
	CU_ASSERT_PTR_NULL(f.body);
	v = msrp_field_dup(&f, MSRP_BYTE_RANGE);
	ASSERT_STR(v, "1-0/0");
	g_free(v);
	f.status = 200;
	msrp_summary(&f, line, sizeof line);
	ASSERT_STR(line, "MSRP 200 (dkei38sd)");
}

static void test_response_and_send(void)
{
	struct msrp_frame f;
	const char *why = NULL;
	CU_ASSERT_EQUAL_FATAL(msrp_frame(send_then_empty, sizeof send_then_empty - 1, &f, &why),
			      MSRP_COMPLETE);
	GString *out = g_string_new(NULL);
	msrp_append_response(out, &f, 200, "OK", "msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp");
	ASSERT_STR(out->str, "MSRP a786hjs2 200 OK\r\n"
			     "To-Path: msrp://atlanta.example.com:7654/jshA7weztas;tcp\r\n"
			     "From-Path: msrp://biloxi.example.com:12763/kjhd37s2s20w2a;tcp\r\n"
			     "-------a786hjs2$\r\n");
	struct msrp_frame r;
	CU_ASSERT_EQUAL(msrp_frame(out->str, out->len, &r, &why), MSRP_COMPLETE);
	CU_ASSERT_EQUAL(r.status, 200);
	CU_ASSERT_FALSE(msrp_wants_response(&r, 200));

	g_string_truncate(out, 0);
	msrp_append_send(out, "t1234", "msrp://x:1/a;tcp", "msrp://y:2/b;tcp", "m1", "1-3/3", "text/plain",
			 "abc", 3, '+');
	ASSERT_STR(out->str, "MSRP t1234 SEND\r\nTo-Path: msrp://x:1/a;tcp\r\nFrom-Path: msrp://y:2/b;tcp\r\n"
			     "Message-ID: m1\r\nByte-Range: 1-3/3\r\nContent-Type: text/plain\r\n\r\nabc\r\n"
			     "-------t1234+\r\n");
	CU_ASSERT_EQUAL(msrp_frame(out->str, out->len, &r, &why), MSRP_COMPLETE);
	CU_ASSERT_EQUAL(r.flag, '+');
	g_string_free(out, TRUE);
}

static void test_failure_report(void)
{
	static const char no[] = "MSRP abcd SEND\r\nFailure-Report: no\r\n-------abcd$\r\n",
			  partial[] = "MSRP abcd SEND\r\nFailure-Report: partial\r\n-------abcd$\r\n";
	struct msrp_frame f;
	const char *why;
	CU_ASSERT_EQUAL_FATAL(msrp_frame(no, strlen(no), &f, &why), MSRP_COMPLETE);
	CU_ASSERT_FALSE(msrp_wants_response(&f, 200));
	CU_ASSERT_FALSE(msrp_wants_response(&f, 400));
	CU_ASSERT_EQUAL_FATAL(msrp_frame(partial, strlen(partial), &f, &why), MSRP_COMPLETE);
	CU_ASSERT_FALSE(msrp_wants_response(&f, 200));
	CU_ASSERT_TRUE(msrp_wants_response(&f, 413));
}

/* Field names in any case, values trimmed; a path's first URI */
static void test_fields(void)
{
	static const char text[] = "MSRP abcd SEND\r\nmessage-id:  lower \r\n"
				   "TO-PATH: msrp://a:1/x;tcp msrp://b:2/y;tcp\r\n-------abcd$\r\n";
	struct msrp_frame f;
	const char *why;
	CU_ASSERT_EQUAL_FATAL(msrp_frame(text, strlen(text), &f, &why), MSRP_COMPLETE);
	char *v = msrp_field_dup(&f, MSRP_MESSAGE_ID);
	ASSERT_STR(v, "lower");
	g_free(v);
	struct msrp_value first = msrp_first_uri(f.field[MSRP_TO_PATH]);
	CU_ASSERT_EQUAL(first.n, strlen("msrp://a:1/x;tcp"));
	CU_ASSERT_NSTRING_EQUAL(first.p, "msrp://a:1/x;tcp", first.n);
	CU_ASSERT_PTR_NULL(msrp_first_uri(f.field[MSRP_FROM_PATH]).p);
}

static void test_invalid(void)
{
	static const struct {
		const char *text, *why;
	} cases[] = {
		{ "HTTP/1.1 200 OK\r\n", "not an MSRP start line" },
		{ "MSRP ab SEND\r\n", "MSRP transaction id is not 4 to 32 ident characters" },
		{ "MSRP abcd send\r\n", "MSRP method is not upper-case letters" },
		{ "MSRP abcd SEND\r\nno colon here\r\n", "MSRP header field without a colon" },
		{ "MSRP abcd SEND\r\nContent-Type: a/b\r\n\r\nx\r\n-------abcd!\r\n",
		  "MSRP end line has no continuation flag" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct msrp_frame f;
		const char *why = NULL;
		CU_ASSERT_EQUAL(msrp_frame(cases[i].text, strlen(cases[i].text), &f, &why), MSRP_INVALID);
		ASSERT_STR(why, cases[i].why);
	}
	char *huge = g_strnfill(MSRP_HEADERS_MAX + 10, 'a');
	memcpy(huge, "MSRP abcd SEND\r\nX: ", 19);
	struct msrp_frame f;
	const char *why = NULL;
	CU_ASSERT_EQUAL(msrp_frame(huge, strlen(huge), &f, &why), MSRP_INVALID);
	ASSERT_STR(why, "MSRP header fields too long");
	g_free(huge);
}

static void test_ids(void)
{
	char a[17], b[17];
	msrp_new_id(a);
	msrp_new_id(b);
	CU_ASSERT_EQUAL(strlen(a), 16);
	CU_ASSERT_STRING_NOT_EQUAL(a, b);
	CU_ASSERT_EQUAL(strspn(a, "0123456789abcdefghijklmnopqrstuvwxyz"), 16);
}

void register_msrp(void)
{
	static const struct unit_test tests[] = {
		{ "frames", test_frames },
		{ "response and send", test_response_and_send },
		{ "Failure-Report", test_failure_report },
		{ "fields in any case", test_fields },
		{ "invalid", test_invalid },
		{ "ids", test_ids },
		{ NULL, NULL },
	};
	unit_add_suite("msrp", tests);
}
