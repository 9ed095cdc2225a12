/* SPDX-License-Identifier: GPL-3.0-or-later */
/* trace: one JSON object per line with the fields the ladder needs; non-UTF-8 raw bytes base64. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "suites.h"
#include "trace.h"

static const char *field(json_object *o, const char *path)
{
	json_object *cur = o;
	char **parts = g_strsplit(path, ".", -1);
	for (char **p = parts; *p && cur; p++)
		if (!json_object_object_get_ex(cur, *p, &cur))
			cur = NULL;
	g_strfreev(parts);
	return cur ? json_object_get_string(cur) : NULL;
}

static void test_lines(void)
{
	char *path = g_build_filename(g_get_tmp_dir(), "mediasec-trace-XXXXXX", NULL);
	int fd = g_mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);

	char *err = NULL;
	struct trace *t = trace_open(path, "ims-agw", &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	const char sdp[] = "MEGACO/3 [127.0.0.1]:2944\nReply = 1 {\"quoted\"}\n";
	trace_emit(t, &(struct trace_event){ .kind = TRACE_H248_TX,
					     .ctx = "1",
					     .term = "ac/1",
					     .tid = "1",
					     .from = "127.0.0.1:2944",
					     .to = "127.0.0.1:2945",
					     .summary = "Reply 1",
					     .raw = sdp,
					     .raw_len = strlen(sdp) });
	const char bin[] = { 0x16, 0x03, 0x01, (char)0xff, 0x00 };
	trace_emit(t, &(struct trace_event){
			  .kind = TRACE_TLS_CLIENT_HELLO, .summary = "ClientHello", .raw = bin, .raw_len = sizeof bin });
	trace_emit(NULL, &(struct trace_event){ .kind = TRACE_TCP_SYN });
	trace_close(t);

	char *text;
	CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &text, NULL, NULL));
	char **lines = g_strsplit(text, "\n", -1);
	CU_ASSERT_EQUAL_FATAL(g_strv_length(lines), 3); /* two lines and the empty tail */
	ASSERT_STR(lines[2], "");

	json_object *a = json_tokener_parse(lines[0]), *b = json_tokener_parse(lines[1]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_TRUE(g_regex_match_simple("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z$",
					    field(a, "ts"), 0, 0));
	ASSERT_STR(field(a, "component"), "ims-agw");
	ASSERT_STR(field(a, "kind"), "h248.tx");
	ASSERT_STR(field(a, "ids.ctx"), "1");
	ASSERT_STR(field(a, "ids.term"), "ac/1");
	ASSERT_STR(field(a, "ids.tid"), "1");
	CU_ASSERT_PTR_NULL(field(a, "ids.call"));
	ASSERT_STR(field(a, "from"), "127.0.0.1:2944");
	ASSERT_STR(field(a, "to"), "127.0.0.1:2945");
	ASSERT_STR(field(a, "raw"), sdp);
	ASSERT_STR(field(b, "raw_b64"), "FgMB/wA=");
	CU_ASSERT_PTR_NULL(field(b, "raw"));
	CU_ASSERT_PTR_NULL(field(b, "from"));

	json_object_put(a), json_object_put(b);
	g_strfreev(lines);
	g_free(text);
	g_unlink(path);
	g_free(path);
}

/* A trace it creates is its owner's alone, whatever the umask (it holds every message of every call). */
static void test_mode(void)
{
	char *dir = g_dir_make_tmp("mediasec-trace-XXXXXX", NULL), *err = NULL;
	char *path = g_build_filename(dir, "t.jsonl", NULL);
	mode_t old = umask(0);
	struct trace *t = trace_open(path, "ims-alg", &err);
	umask(old);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	struct stat st;
	CU_ASSERT_EQUAL(g_stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	trace_close(t);
	g_unlink(path), g_rmdir(dir);
	g_free(path), g_free(dir);
}

/* A pre-shared key in H.248 text never reaches the file: quoted or not, once or twice, any case. */
static void test_secret(void)
{
	char *dir = g_dir_make_tmp("mediasec-trace-XXXXXX", NULL), *err = NULL, *text = NULL;
	char *path = g_build_filename(dir, "t.jsonl", NULL);
	struct trace *t = trace_open(path, "ims-agw", &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	trace_secret(t, "tlsbsc/psk");
	const char raw[] = "LocalControl { tlsbsc/psk = \"kms:00112233445566778899aabbccddeeff\", ipdc/realm = "
			   "access }\nLocalControl{TLSBSC/PSK=00112233445566778899aabbccddeeff}";
	trace_emit(t, &(struct trace_event){ .kind = TRACE_H248_RX, .raw = raw, .raw_len = strlen(raw) });
	trace_close(t);
	CU_ASSERT_TRUE(g_file_get_contents(path, &text, NULL, NULL));
	CU_ASSERT_PTR_NULL(strstr(text, "00112233"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "tlsbsc/psk = \\\"<psk>\\\", ipdc/realm = access }"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "TLSBSC/PSK=\\\"<psk>\\\"}"));
	g_unlink(path), g_rmdir(dir);
	g_free(text), g_free(path), g_free(dir);
}

static void test_open_failure(void)
{
	char *err = NULL;
	CU_ASSERT_PTR_NULL(trace_open("/nonexistent/dir/trace.jsonl", "ims-alg", &err));
	ASSERT_STR(err,
		   "/nonexistent/dir/trace.jsonl: cannot open the trace file: No such file or directory");
	g_free(err);
}

void register_trace(void)
{
	static const struct unit_test tests[] = {
		{ "lines and fields", test_lines },
		{ "created 0600", test_mode },
		{ "secrets written as <psk>", test_secret },
		{ "open failure", test_open_failure },
		{ NULL, NULL },
	};
	unit_add_suite("trace", tests);
}
