/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cfg: defaults, file, flags over file, and every kind of bad input with its exact message. */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agw_cfg.h"
#include "alg_cfg.h"
#include "suites.h"

/* A table with one row of each type, to test the engine apart from the daemons' tables. */
struct every {
	struct cfg_common common;
	char *name, *addr;
	long count;
	bool flag;
	int mode;
	struct cfg_port_range ports;
	char **peers;
};
static const char *const modes[] = { "one", "two", NULL };
static const struct cfg_option every_options[] = {
	CFG_COMMON_ROWS(struct every),
	{ "a.name", 'n', CFG_STRING, offsetof(struct every, name), "x", 0, 0, NULL, "a string" },
	{ "a.addr", 0, CFG_ADDR, offsetof(struct every, addr), "::1", 0, 0, NULL, "an address" },
	{ "a.count", 0, CFG_INT, offsetof(struct every, count), "3", 1, 10, NULL, "an integer" },
	{ "a.flag", 0, CFG_BOOL, offsetof(struct every, flag), "false", 0, 0, NULL, "a boolean" },
	{ "a.b.mode", 0, CFG_ENUM, offsetof(struct every, mode), "one", 0, 0, modes, "an enumeration" },
	{ "a.ports", 0, CFG_PORT_RANGE, offsetof(struct every, ports), "20000-20999", 0, 0, NULL, "a range" },
	{ "peers", 0, CFG_STRLIST, offsetof(struct every, peers), "", 0, 0, NULL, "a list" },
	{ 0 },
};
static const struct cfg_program every_program = { "every", "test program", every_options };

static char *tmp_file(const char *content)
{
	char *path = NULL;
	int fd = g_file_open_tmp("mediasec-cfg-XXXXXX.json", &path, NULL);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, content, strlen(content)) == (ssize_t)strlen(content));
	close(fd);
	return path;
}

/* Loads content as a file into a fresh `every` and returns the error (NULL when it loaded). */
static char *load_error(const char *content, char **path_out)
{
	struct every e = { 0 };
	cfg_defaults(every_options, &e);
	char *path = tmp_file(content), *err = NULL;
	bool ok = cfg_load_file(every_options, &e, path, &err);
	CU_ASSERT(ok == (err == NULL));
	cfg_free(every_options, &e);
	*path_out = path;
	return err;
}

static void expect_file_error(const char *content, const char *expected_after_path)
{
	char *path, *err = load_error(content, &path);
	char *want = g_strdup_printf("%s%s", path, expected_after_path);
	ASSERT_STR(err, want);
	g_unlink(path);
	g_free(path), g_free(err), g_free(want);
}

static void test_defaults(void)
{
	struct agw_config g = { 0 };
	cfg_defaults(agw_program.options, &g);
	ASSERT_STR(g.h248_address, "127.0.0.1");
	CU_ASSERT_EQUAL(g.h248_port, 2944);
	ASSERT_STR(log_level_names[g.common.log_level], "notice");
	ASSERT_STR(g.common.trace_file, "");
	cfg_free(agw_program.options, &g);

	struct alg_config a = { 0 };
	cfg_defaults(alg_program.options, &a);
	CU_ASSERT_EQUAL(a.access.port, 5060);
	CU_ASSERT_EQUAL(a.core.port, 5070);
	CU_ASSERT_EQUAL(a.core.transport, ALG_TRANSPORT_BOTH);
	cfg_free(alg_program.options, &a);

	struct every e = { 0 };
	cfg_defaults(every_options, &e);
	CU_ASSERT_EQUAL(e.ports.low, 20000);
	CU_ASSERT_EQUAL(e.ports.high, 20999);
	CU_ASSERT_PTR_NOT_NULL(e.peers);
	CU_ASSERT_PTR_NULL(e.peers[0]);
	cfg_free(every_options, &e);
}

static void test_file(void)
{
	struct every e = { 0 };
	cfg_defaults(every_options, &e);
	char *path =
	    tmp_file("{ \"a\": { \"name\": \"gw1\", \"addr\": \"10.0.0.1\", \"count\": 10, \"flag\": true,\n"
		     "  \"b\": { \"mode\": \"two\" }, \"ports\": \"100-200\" },\n"
		     "  \"peers\": [\"p1\", \"p2\"], \"log\": { \"level\": \"debug\" } }\n");
	char *err = NULL;
	CU_ASSERT_TRUE(cfg_load_file(every_options, &e, path, &err));
	CU_ASSERT_PTR_NULL(err);
	ASSERT_STR(e.name, "gw1");
	ASSERT_STR(e.addr, "10.0.0.1");
	CU_ASSERT_EQUAL(e.count, 10);
	CU_ASSERT_TRUE(e.flag);
	CU_ASSERT_EQUAL(e.mode, 1);
	CU_ASSERT_EQUAL(e.ports.low, 100);
	CU_ASSERT_EQUAL(e.ports.high, 200);
	ASSERT_STR(e.peers[1], "p2");
	CU_ASSERT_PTR_NULL(e.peers[2]);
	ASSERT_STR(log_level_names[e.common.log_level], "debug");
	cfg_free(every_options, &e);
	g_unlink(path);
	g_free(path);
}

static enum cfg_outcome run_args(const struct cfg_program *p, void *cfg, char **out, char **errtext, int argc,
				 char **argv)
{
	size_t n1, n2;
	FILE *o = open_memstream(out, &n1), *e = open_memstream(errtext, &n2);
	enum cfg_outcome r = cfg_from_args(p, argc, argv, cfg, o, e);
	fclose(o), fclose(e);
	return r;
}

static void test_flag_overrides_file(void)
{
	char *path = tmp_file("{ \"h248\": { \"port\": 3000, \"address\": \"::1\" } }");
	/* the flag wins whether it comes before or after -c */
	char *orders[2][5] = { { "ims-agw", "-c", path, "--h248-port", "4000" },
			       { "ims-agw", "--h248-port=4000", "--config", path, NULL } };
	for (int i = 0; i < 2; i++) {
		struct agw_config g = { 0 };
		char *out, *err;
		CU_ASSERT_EQUAL(run_args(&agw_program, &g, &out, &err, i ? 4 : 5, orders[i]), CFG_RUN);
		CU_ASSERT_EQUAL(g.h248_port, 4000);
		ASSERT_STR(g.h248_address, "::1");
		ASSERT_STR(err, "");
		cfg_free(agw_program.options, &g);
		free(out), free(err);
	}
	/* short flags and --no- for booleans */
	struct every e = { 0 };
	char *argv[] = { "every", "-n", "short", "--a-flag", "--no-a-flag", "--peers", "a,b", "-l", "info" };
	char *out, *err;
	CU_ASSERT_EQUAL(run_args(&every_program, &e, &out, &err, 9, argv), CFG_RUN);
	ASSERT_STR(e.name, "short");
	CU_ASSERT_FALSE(e.flag);
	ASSERT_STR(e.peers[0], "a");
	ASSERT_STR(e.peers[1], "b");
	ASSERT_STR(log_level_names[e.common.log_level], "info");
	cfg_free(every_options, &e);
	free(out), free(err);
	g_unlink(path);
	g_free(path);
}

static void test_bad_file_content(void)
{
	expect_file_error("{ \"a\": { \"nmae\": \"x\" } }",
			  ": a.nmae: expected a known key, found an unknown one (did you mean a.name?)");
	expect_file_error("{ \"zzz\": 1 }", ": zzz: expected a known key, found an unknown one");
	expect_file_error("{ \"a\": { \"count\": \"3\" } }",
			  ": a.count: expected an integer from 1 to 10, found the string \"3\"");
	expect_file_error("{ \"a\": { \"count\": 11 } }",
			  ": a.count: expected an integer from 1 to 10, found 11");
	expect_file_error("{ \"a\": { \"count\": -1 } }",
			  ": a.count: expected an integer from 1 to 10, found -1");
	expect_file_error("{ \"a\": { \"count\": 2.5 } }",
			  ": a.count: expected an integer from 1 to 10, found 2.5");
	expect_file_error("{ \"a\": { \"flag\": \"yes\" } }",
			  ": a.flag: expected true or false, found the string \"yes\"");
	expect_file_error("{ \"a\": { \"b\": { \"mode\": \"three\" } } }",
			  ": a.b.mode: expected one of one, two, found the string \"three\"");
	expect_file_error("{ \"a\": { \"addr\": \"localhost\" } }",
			  ": a.addr: expected an IPv4 or IPv6 address, found the string \"localhost\"");
	expect_file_error("{ \"a\": { \"ports\": \"200-100\" } }",
			  ": a.ports: expected a port range \"LOW-HIGH\" with 1 <= LOW <= HIGH <= 65535, "
			  "found the string \"200-100\"");
	expect_file_error("{ \"peers\": [\"ok\", 7] }", ": peers[1]: expected a string, found 7");
	expect_file_error("{ \"peers\": \"p1\" }",
			  ": peers: expected an array of strings, found the string \"p1\"");
	expect_file_error("{ \"a\": 5 }", ": a: expected an object, found 5");
	expect_file_error("{ \"a\": { \"name\": null } }", ": a.name: expected a string, found null");
	expect_file_error("[1, 2]", ": expected a JSON object at the top level, found an array");
}

static void test_malformed_json(void)
{
	expect_file_error("{\n  \"a\": { \"count\": 1, }\n}\n",
			  ":2:22: malformed JSON: unexpected character");
	expect_file_error("{\n  \"a\": {\n", ":3:1: malformed JSON: unexpected end of data");
	expect_file_error("{ \"a\": {} } x", ":1:13: malformed JSON: unexpected character");
	expect_file_error("", ":1:1: malformed JSON: unexpected end of data");
}

static void test_unreadable_file(void)
{
	struct every e = { 0 };
	char *err = NULL;
	cfg_defaults(every_options, &e);
	CU_ASSERT_FALSE(cfg_load_file(every_options, &e, "/nonexistent/agw.json", &err));
	ASSERT_STR(err, "/nonexistent/agw.json: cannot read: No such file or directory");
	g_free(err), err = NULL;
	CU_ASSERT_FALSE(cfg_load_file(every_options, &e, "/", &err));
	CU_ASSERT_PTR_NOT_NULL(err);
	CU_ASSERT_TRUE(err && g_str_has_prefix(err, "/: cannot read: "));
	g_free(err);
	cfg_free(every_options, &e);
}

static void expect_args_error(int argc, char **argv, const char *expected)
{
	struct agw_config g = { 0 };
	char *out, *err;
	CU_ASSERT_EQUAL(run_args(&agw_program, &g, &out, &err, argc, argv), CFG_FAIL);
	ASSERT_STR(err, expected);
	cfg_free(agw_program.options, &g);
	free(out), free(err);
}

static void test_bad_flags(void)
{
	expect_args_error(
	    3, (char *[]){ "ims-agw", "--h248-port", "70000" },
	    "ims-agw: command line: --h248-port: expected an integer from 1 to 65535, found 70000\n");
	expect_args_error(
	    2, (char *[]){ "ims-agw", "--h248-port=80x" },
	    "ims-agw: command line: --h248-port: expected an integer from 1 to 65535, found \"80x\"\n");
	expect_args_error(2, (char *[]){ "ims-agw", "--h248-prot=1" },
			  "ims-agw: command line: --h248-prot: expected an option listed by --help, found an "
			  "unknown one\n");
	expect_args_error(2, (char *[]){ "ims-agw", "-p" },
			  "ims-agw: command line: -p: expected an integer from 1 to 65535, found nothing\n");
	expect_args_error(2, (char *[]){ "ims-agw", "stray" },
			  "ims-agw: command line: expected an option, found the argument \"stray\"\n");
	expect_args_error(2, (char *[]){ "ims-agw", "-c" },
			  "ims-agw: command line: -c: expected a file name, found nothing\n");
	expect_args_error(3, (char *[]){ "ims-agw", "-c", "/nonexistent.json" },
			  "ims-agw: /nonexistent.json: cannot read: No such file or directory\n");
	expect_args_error(3, (char *[]){ "ims-agw", "--log-level", "loud" },
			  "ims-agw: command line: --log-level: expected one of error, warning, notice, info, "
			  "debug, found \"loud\"\n");
}

static void test_print_and_help(void)
{
	struct every e = { 0 };
	char *out, *err;
	char *argv[] = { "every", "--print-config", "--a-count", "7", "--a-b-mode", "two" };
	CU_ASSERT_EQUAL(run_args(&every_program, &e, &out, &err, 6, argv), CFG_DONE);
	ASSERT_STR(out, "{\n"
			"  \"log\": {\n    \"level\": \"notice\",\n    \"file\": \"\"\n  },\n"
			"  \"trace\": {\n    \"file\": \"\"\n  },\n"
			"  \"a\": {\n    \"name\": \"x\",\n    \"addr\": \"::1\",\n    \"count\": 7,\n"
			"    \"flag\": false,\n    \"b\": {\n      \"mode\": \"two\"\n    },\n"
			"    \"ports\": \"20000-20999\"\n  },\n"
			"  \"peers\": [\n  ]\n}\n");
	cfg_free(every_options, &e);
	free(out), free(err);

	struct agw_config g = { 0 };
	CU_ASSERT_EQUAL(run_args(&agw_program, &g, &out, &err, 2, (char *[]){ "ims-agw", "--help" }),
			CFG_DONE);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Usage: ims-agw [OPTION]...\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "-p, --h248-port N"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "h248.port: local port of the H.248 control association"));
	free(out), free(err);
	CU_ASSERT_EQUAL(run_args(&agw_program, &g, &out, &err, 2, (char *[]){ "ims-agw", "-V" }), CFG_DONE);
	ASSERT_STR(out, "ims-agw (" PACKAGE_NAME ") " PACKAGE_VERSION "\n");
	free(out), free(err);
	cfg_free(agw_program.options, &g);
}

void register_cfg(void)
{
	static const struct unit_test tests[] = {
		{ "defaults", test_defaults },
		{ "file", test_file },
		{ "flag overrides file", test_flag_overrides_file },
		{ "bad file content", test_bad_file_content },
		{ "malformed JSON", test_malformed_json },
		{ "unreadable file", test_unreadable_file },
		{ "bad flags", test_bad_flags },
		{ "print-config, help, version", test_print_and_help },
		{ NULL, NULL },
	};
	unit_add_suite("cfg", tests);
}
