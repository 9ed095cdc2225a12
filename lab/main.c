/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-lab: plays the scenarios of scenarios/ through a real ims-alg and ims-agw (see doc/scenarios.md and
 * ims-lab(1)). Exit status: 0 every scenario passed, 1 one failed, 2 the command line or a scenario file
 * is wrong. */
#include "config.h"

#include <glib.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sofia-sip/su.h>

#include "evlog.h"
#include "junit.h"
#include "ladder.h"
#include "load.h"
#include "bed.h"
#include "report.h"
#include "run.h"
#include "scenario.h"
#include "traces.h"

struct args {
	struct lab_opts lab;
	struct load_opts load; /* --calls: calls 0 when not */
	char *junit, *colour, *html;
	gboolean check, ladder, quiet, version, help;
	char **files;
};

static const char *paint(bool colour, const char *code)
{
	return colour ? code : "";
}

static gint by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The scenario files named: files as given, directories as their *.json in name order. */
static GPtrArray *expand(char **names, char **err)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	for (char **n = names; n && *n; n++) {
		if (!g_file_test(*n, G_FILE_TEST_IS_DIR)) {
			g_ptr_array_add(out, g_strdup(*n));
			continue;
		}
		GDir *d = g_dir_open(*n, 0, NULL);
		GPtrArray *in = g_ptr_array_new_with_free_func(g_free);
		for (const char *e; d && (e = g_dir_read_name(d));)
			if (g_str_has_suffix(e, ".json"))
				g_ptr_array_add(in, g_build_filename(*n, e, NULL));
		g_ptr_array_sort(in, by_name);
		for (guint i = 0; i < in->len; i++)
			g_ptr_array_add(out, g_strdup(in->pdata[i]));
		g_ptr_array_free(in, TRUE);
		if (d)
			g_dir_close(d);
	}
	if (!out->len)
		*err = g_strdup("no scenario files given");
	return out;
}

static void report(const struct args *a, const struct scenario *s, const struct run_result *r, bool colour)
{
	const char *green = paint(colour, "\033[32m"), *red = paint(colour, "\033[31m"),
		   *dim = paint(colour, "\033[90m"), *bold = paint(colour, "\033[1m"),
		   *off = paint(colour, "\033[0m");
	char *title = scenario_title(s);
	printf("%s%s%s  (%s)\n", bold, title, off, s->file);
	g_free(title);
	for (guint i = 0; i < r->steps->len; i++) {
		const struct step_result *st = &g_array_index(r->steps, struct step_result, i);
		const char *mark = st->verdict == VERDICT_PASS   ? "pass"
				   : st->verdict == VERDICT_FAIL ? "FAIL"
				   : st->verdict == VERDICT_NOBS ? "n/o "
								 : "skip";
		const char *c = st->verdict == VERDICT_PASS ? green : st->verdict == VERDICT_FAIL ? red : dim;
		if (!a->quiet || st->verdict == VERDICT_FAIL)
			printf("  %s%s%s  step %-8s %s\n", c, mark, off, st->step, st->title);
		char **lines = st->unobserved && !a->quiet ? g_strsplit(st->unobserved, "\n", -1) : NULL;
		for (char **k = lines; k && *k; k++)
			if (**k)
				printf("        %snot observable: %s%s\n", dim, *k, off);
		g_strfreev(lines);
		if (st->why) {
			char *m = scenario_failure(s, st->step, st->why);
			printf("        %s%s%s\n", red, m, off);
			g_free(m);
		}
	}
	if (r->error)
		printf("  %sERROR%s %s\n", red, off, r->error);
	if (r->skipped) {
		printf("%sSKIP%s %s: %s\n\n", dim, off, s->name, r->skipped);
		return;
	}
	printf("%s%s%s %s  (%u steps, %.2f s)  ladder: %s\n\n", r->ok ? green : red, r->ok ? "PASS" : "FAIL",
	       off, s->name, r->steps->len, r->secs, r->html);
	if (a->ladder || (!r->ok && !a->quiet)) {
		char *text = NULL;
		if (g_file_get_contents(r->text, &text, NULL, NULL))
			printf("%s\n", text);
		g_free(text);
	}
}

/* ims-lab ladder TRACE...: the ladder of the traces alone, the text on standard output, the HTML where
 * --html says. 0, or 2 when a trace cannot be read. */
static int draw_traces(const struct args *a, char **files, bool colour)
{
	char *err = NULL;
	if (!files || !*files) {
		fprintf(stderr, "ims-lab: ladder: no trace files given (alg.jsonl, agw.jsonl, …)\n");
		return 2;
	}
	su_init();
	struct traces *t = traces_open(files, &err);
	if (!t) {
		fprintf(stderr, "ims-lab: ladder: %s\n", err);
		g_free(err);
		su_deinit();
		return 2;
	}
	unsigned n;
	const struct ladder_column *cols = traces_columns(t, &n);
	GPtrArray *events = ladder_events(evlog_events(traces_log(t)));
	GString *title = g_string_new("traces");
	for (char **f = files; *f; f++)
		g_string_append_printf(title, " %s", *f);
	ladder_text(stdout, title->str, cols, n, events, colour, ladder_width());
	int status = 0;
	FILE *f = a->html ? fopen(a->html, "w") : NULL;
	if (f) {
		ladder_html(f, title->str, cols, n, events, NULL);
		fclose(f);
	} else if (a->html) {
		fprintf(stderr, "ims-lab: ladder: cannot write %s\n", a->html);
		status = 2;
	}
	g_ptr_array_free(events, TRUE);
	g_string_free(title, TRUE);
	traces_free(t);
	su_deinit();
	return status;
}

/* What the user of --sut is to set up, said before the first scenario. */
static void tell_sut(const struct lab_opts *o)
{
	if (o->sut == LAB_SUT_AGW)
		printf(
		    "ims-lab: the gateway under test: point it at the MGC %s:%u (H.248 over UDP); the lab's "
		    "ims-alg listens there for each scenario in turn, and the gateway must register with "
		    "each "
		    "(within %u ms)\n",
		    o->sut_addr, o->sut_h248, o->sut_wait);
	else if (o->sut == LAB_SUT_ALG)
		printf("ims-lab: the controller under test: H.248 at %s:%u, SIP at 127.0.0.1:%u (access) and "
		       "127.0.0.1:%u (core), its core next hop sip:127.0.0.1:%u (the lab's core peer); the "
		       "lab's "
		       "ims-agw registers with it from 127.0.0.1:%u, once for each scenario\n",
		       o->sut_addr, o->sut_h248, o->sut_sip[0], o->sut_sip[1], o->core_sip, o->agw_h248);
}

/* Runs every scenario and reports, the JUnit report (junit, or NULL) and with a system under test the
 * conformance report rewritten after each: 0 all passed, 1 one failed. */
static int play(const struct args *a, GPtrArray *scenarios, struct junit *junit, bool colour)
{
	su_init();
	unsigned failed = 0, skipped = 0;
	char *err = NULL, *rerr = NULL;
	struct report *conf =
	    !a->lab.sut ? NULL
			: report_new(a->lab.out, a->lab.sut == LAB_SUT_AGW ? "ims-lab --sut agw (a gateway "
									     "under test, ims-alg its MGC)"
									   : "ims-lab --sut alg (a "
									     "controller under test, "
									     "driving ims-agw)");
	tell_sut(&a->lab);
	for (guint i = 0; i < scenarios->len; i++) {
		const struct scenario *s = scenarios->pdata[i];
		if (junit)
			junit_begin(junit);
		struct run_result *r = run_scenario(&a->lab, s);
		report(a, s, r, colour);
		if (junit && !err && !junit_add(junit, s, r, &err))
			fprintf(stderr, "ims-lab: %s\n", err);
		if (conf && !rerr && !report_add(conf, s, r, &rerr))
			fprintf(stderr, "ims-lab: %s\n", rerr);
		failed += !r->ok;
		skipped += r->skipped != NULL;
		run_result_free(r);
	}
	g_free(err), g_free(rerr);
	if (conf)
		printf("conformance report: %s/report.html and %s/report.xml\n", a->lab.out, a->lab.out);
	report_free(conf);
	char also[32] = "";
	if (skipped)
		snprintf(also, sizeof also, ", %u skipped", skipped);
	printf("%s%u of %u scenarios passed%s%s; traces, logs and ladders in %s/\n",
	       paint(colour, failed ? "\033[31m" : "\033[32m"), scenarios->len - failed - skipped,
	       scenarios->len, also, paint(colour, "\033[0m"), a->lab.out);
	su_deinit();
	return failed ? 1 : 0;
}

/* Loads the scenarios named (or installed) and plays them, or only checks them (--check). A file that
 * is wrong stops everything (2), an error in the JUnit report too. */
static int play_files(const struct args *a, bool colour)
{
	char *installed[] = { SCENARIODIR, NULL }, *err = NULL, *bad = NULL;
	if (!a->files && !g_file_test(SCENARIODIR, G_FILE_TEST_IS_DIR))
		fprintf(stderr, "ims-lab: no scenario given and none installed in %s\n", SCENARIODIR);
	GPtrArray *files = expand(a->files ? a->files : installed, &err);
	GPtrArray *scenarios = g_ptr_array_new_with_free_func((GDestroyNotify)scenario_free);
	for (guint i = 0; !err && i < files->len; i++) {
		struct scenario *s = scenario_load(files->pdata[i], &err);
		if (s)
			g_ptr_array_add(scenarios, s);
		else
			bad = files->pdata[i];
	}
	char *jerr = NULL; /* the report cannot be written: said before anything runs */
	struct junit *junit = a->junit && !a->check ? junit_open(a->junit, &jerr) : NULL;
	if (junit && err && bad) /* a wrong file: an error in the report too */
		junit_add_invalid(junit, bad, err, &jerr);
	if (jerr && !err)
		err = jerr, jerr = NULL;
	else if (jerr)
		fprintf(stderr, "ims-lab: %s\n", jerr);
	g_free(jerr);
	int status = 0;
	if (err) {
		fprintf(stderr, "ims-lab: %s\n", err);
		status = 2;
	} else if (a->check) {
		printf("%u scenario files valid\n", scenarios->len);
	} else if (a->load.calls && scenarios->len != 1) {
		fprintf(stderr, "ims-lab: --calls plays one scenario, %u given\n", scenarios->len);
		status = 2;
	} else if (a->load.calls) {
		status = load_run(&a->lab, scenarios->pdata[0], &a->load);
	} else {
		status = play(a, scenarios, junit, colour);
	}
	junit_free(junit);
	g_free(err);
	g_ptr_array_free(scenarios, TRUE);
	g_ptr_array_free(files, TRUE);
	return status;
}

/* The --sut options (strings as given, NULL when not), read into o. */
struct sut_args {
	char *sut, *h248, *sip, *peers;
	int wait;
};

/* "A,B" of two ports, each 1-65535. */
static bool two_ports(const char *text, uint16_t out[2])
{
	unsigned a, b;
	char end;
	if (sscanf(text, "%u,%u%c", &a, &b, &end) != 2 || !a || !b || a > 65535 || b > 65535)
		return false;
	out[0] = (uint16_t)a, out[1] = (uint16_t)b;
	return true;
}

/* NULL when the --sut options make sense (o set from them), else why not (g_free it). */
static char *sut_read(const struct sut_args *sa, struct lab_opts *o)
{
	if (!sa->sut)
		return sa->h248 || sa->sip || sa->peers
			   ? g_strdup("--sut-h248, --sut-sip and --sut-peers go with --sut")
			   : NULL;
	if (strcmp(sa->sut, "agw") && strcmp(sa->sut, "alg"))
		return g_strdup_printf("--sut: expected agw or alg, found \"%s\"", sa->sut);
	o->sut = !strcmp(sa->sut, "agw") ? LAB_SUT_AGW : LAB_SUT_ALG;
	o->sut_wait = (unsigned)MAX(sa->wait, 100);
	const char *h248 = sa->h248 ? sa->h248 : "127.0.0.1:2945", *colon = strrchr(h248, ':');
	unsigned port = colon ? (unsigned)atoi(colon + 1) : 0;
	if (!colon || colon == h248 || (size_t)(colon - h248) >= sizeof o->sut_addr || !port || port > 65535)
		return g_strdup_printf("--sut-h248: expected ADDRESS:PORT, found \"%s\"", h248);
	snprintf(o->sut_addr, sizeof o->sut_addr, "%.*s", (int)(colon - h248), h248);
	o->sut_h248 = (uint16_t)port;
	uint16_t peers[2];
	if (o->sut == LAB_SUT_AGW)
		return sa->sip || sa->peers ? g_strdup("--sut-sip and --sut-peers go with --sut alg") : NULL;
	if (!two_ports(sa->sip ? sa->sip : "5060,5070", o->sut_sip))
		return g_strdup_printf("--sut-sip: expected ACCESS-PORT,CORE-PORT, found \"%s\"", sa->sip);
	if (!two_ports(sa->peers ? sa->peers : "5080,2944", peers))
		return g_strdup_printf("--sut-peers: expected CORE-SIP-PORT,GATEWAY-H248-PORT, found \"%s\"",
				       sa->peers);
	o->core_sip = peers[0], o->agw_h248 = peers[1];
	return NULL;
}

/* One usage line; the actions and exit status in the description below the options. */
static GOptionContext *options(const GOptionEntry *entries)
{
	GOptionContext *ctx = g_option_context_new("[SCENARIO.json|DIR]… | ladder TRACE.jsonl…");
	g_option_context_set_summary(
	    ctx,
	    "Plays call flows (scenarios/*.json, doc/scenarios.md) through a real ims-alg and ims-agw on "
	    "loopback,\nchecks what each step must show on the wire and draws each run's ladder.\n"
	    "With no scenario, the installed ones (" SCENARIODIR ").\n"
	    "ims-lab ladder TRACE.jsonl… draws the ladder of any run from the daemons' traces.");
	g_option_context_set_description(
	    ctx, "Exit status: 0 every scenario passed, 1 one failed, 2 the command line or a scenario file "
		 "is wrong.\nSee ims-lab(1).\n");
	g_option_context_set_help_enabled(ctx, FALSE); /* --help below: printed as UTF-8 */
	g_option_context_add_main_entries(ctx, entries, NULL);
	return ctx;
}

/* What the command line gives as text, read into struct args by settle. */
struct raw {
	int timeout, calls, concurrent;
	double rate;
	char *out, *bindir, *level, *nat, *ports;
	gchar **nat_parts; /* --nat split: a.lab's nat_* point into it */
	struct sut_args sa;
};

static void args_free(struct args *a, struct raw *r)
{
	g_strfreev(a->files), g_free(a->junit), g_free(a->colour), g_free(a->html);
	g_free(r->out), g_free(r->bindir), g_free(r->level), g_free(r->nat), g_free(r->ports);
	g_strfreev(r->nat_parts);
	g_free(r->sa.sut), g_free(r->sa.h248), g_free(r->sa.sip), g_free(r->sa.peers);
}

/* Parses the command line with ctx (freed), and prints --help or --version: -1 to go on, else the
 * exit status. */
static int parse(GOptionContext *ctx, int *argc, char ***argv, const struct args *a)
{
	GError *gerr = NULL;
	if (!g_option_context_parse(ctx, argc, argv, &gerr)) {
		fprintf(stderr, "ims-lab: %s (ims-lab --help says more)\n", gerr->message);
		g_error_free(gerr);
		g_option_context_free(ctx);
		return 2;
	}
	if (a->help || a->version) { /* the help as written, UTF-8 whatever the locale */
		char *help = a->help ? g_option_context_get_help(ctx, TRUE, NULL) : NULL;
		fputs(help ? help : "ims-lab (" PACKAGE_NAME ") " PACKAGE_VERSION "\n", stdout);
		g_free(help), g_option_context_free(ctx);
		return 0;
	}
	g_option_context_free(ctx);
	return -1;
}

/* NULL when --calls, --concurrent and --rate make sense (a->load set from them), else why not. */
static char *load_read(const struct raw *r, struct args *a)
{
	if (!r->calls)
		return r->concurrent || r->rate != 0 ? g_strdup("--concurrent and --rate go with --calls")
						     : NULL;
	if (r->calls < 0 || r->concurrent < 0 || r->concurrent > LOAD_MAX_CONCURRENT || r->rate < 0 ||
	    (r->rate > 0 && r->rate < 0.001))
		return g_strdup_printf(
		    "--calls N (1 or more), --concurrent C (1 to %d), --rate R (0, or 0.001 "
		    "or more) expected",
		    LOAD_MAX_CONCURRENT);
	if (a->junit || a->lab.pcap || a->ladder)
		return g_strdup("--calls reports calls, not steps: not with --junit, --pcap or --ladder");
	a->load = (struct load_opts){ .calls = (unsigned)r->calls,
				      .concurrent = r->concurrent ? (unsigned)r->concurrent : 10,
				      .rate = r->rate };
	a->load.concurrent = MIN(a->load.concurrent, a->load.calls);
	return NULL;
}

/* The options given as text checked and set in a->lab (--sut…, --ports, --nat and the rest): -1 to
 * go on, else 2 with the error said. */
static int settle(struct args *a, struct raw *r)
{
	char *why = sut_read(&r->sa, &a->lab);
	if (why) {
		fprintf(stderr, "ims-lab: %s\n", why);
		g_free(why);
		return 2;
	}
	if ((why = load_read(r, a))) {
		fprintf(stderr, "ims-lab: %s\n", why);
		g_free(why);
		return 2;
	}
	if (r->ports && !bed_ports_band(r->ports, &why)) {
		fprintf(stderr, "ims-lab: --ports: %s\n", why);
		g_free(why);
		return 2;
	}
	a->lab.out = r->out ? r->out : a->lab.out, a->lab.bindir = r->bindir;
	a->lab.timeout = (unsigned)MAX(r->timeout, 100);
	a->lab.log_level = r->level ? r->level : a->lab.log_level;
	r->nat_parts = r->nat ? g_strsplit(r->nat, ",", 3) : NULL;
	if (r->nat && g_strv_length(r->nat_parts) != 3) {
		fprintf(stderr, "ims-lab: --nat: expected NETNS,UE-ADDRESS,ACCESS-ADDRESS, found \"%s\"\n",
			r->nat);
		return 2;
	}
	if (r->nat_parts)
		a->lab.nat_netns = r->nat_parts[0], a->lab.nat_ue = r->nat_parts[1],
		a->lab.nat_access = r->nat_parts[2];
	return -1;
}

int main(int argc, char **argv)
{
	struct args a = { .lab = { .out = "lab-out", .timeout = 3000, .log_level = "info" }, .colour = NULL };
	struct raw r = { .timeout = 3000, .sa = { .wait = 30000 } };
	GOptionEntry entries[] = {
		{ "out", 'o', 0, G_OPTION_ARG_FILENAME, &r.out,
		  "directory for traces, logs and ladders (lab-out)", "DIR" },
		{ "junit", 'j', 0, G_OPTION_ARG_FILENAME, &a.junit,
		  "write a JUnit XML report to FILE, a testcase per step, rewritten after each scenario",
		  "FILE" },
		{ "bindir", 'b', 0, G_OPTION_ARG_FILENAME, &r.bindir,
		  "where ims-alg and ims-agw are (default: beside ims-lab, or the build tree)", "DIR" },
		{ "timeout", 't', 0, G_OPTION_ARG_INT, &r.timeout,
		  "ms an expectation may take to show (3000)", "MS" },
		{ "color", 0, 0, G_OPTION_ARG_STRING, &a.colour, "auto (on a terminal), always or never",
		  "WHEN" },
		{ "ladder", 'l', 0, G_OPTION_ARG_NONE, &a.ladder,
		  "print every ladder, not only a failed one's", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &a.quiet, "only verdicts and failures", NULL },
		{ "check", 'c', 0, G_OPTION_ARG_NONE, &a.check, "only validate the scenario files", NULL },
		{ "html", 0, 0, G_OPTION_ARG_FILENAME, &a.html, "ladder: also write the HTML ladder to FILE",
		  "FILE" },
		{ "log-level", 0, 0, G_OPTION_ARG_STRING, &r.level, "the daemons' log level (info)",
		  "LEVEL" },
		{ "pcap", 0, 0, G_OPTION_ARG_NONE, &a.lab.pcap,
		  "capture each scenario, with its TLS key log and Wireshark settings", NULL },
		{ "nat", 0, 0, G_OPTION_ARG_STRING, &r.nat,
		  "play the UEs marked behind_nat in network namespace NETNS at UE-ADDRESS, reaching the "
		  "gateway's "
		  "access realm at ACCESS-ADDRESS through a NAT",
		  "NETNS,UE-ADDRESS,ACCESS-ADDRESS" },
		{ "ports", 0, 0, G_OPTION_ARG_STRING, &r.ports,
		  "the loopback ports the lab gives its daemons and parties (31000-32767)", "LOW-HIGH" },
		{ "sut", 0, 0, G_OPTION_ARG_STRING, &r.sa.sut,
		  "a system under test the lab does not start: a gateway (agw) the lab's ims-alg controls, "
		  "or a "
		  "controller (alg) that controls the lab's ims-agw; writes report.html and report.xml",
		  "agw|alg" },
		{ "sut-h248", 0, 0, G_OPTION_ARG_STRING, &r.sa.h248,
		  "agw: where the lab's ims-alg listens for the gateway; alg: the controller's H.248 "
		  "(127.0.0.1:2945)",
		  "ADDRESS:PORT" },
		{ "sut-sip", 0, 0, G_OPTION_ARG_STRING, &r.sa.sip,
		  "alg: the controller's SIP ports on 127.0.0.1 (5060,5070)", "ACCESS,CORE" },
		{ "sut-peers", 0, 0, G_OPTION_ARG_STRING, &r.sa.peers,
		  "alg: the lab's core peer's SIP port (the controller's next hop) and its ims-agw's H.248 "
		  "port (5080,2944)",
		  "CORE-SIP,GATEWAY-H248" },
		{ "sut-configured", 0, 0, G_OPTION_ARG_NONE, &a.lab.sut_configured,
		  "the system under test is set as the scenarios' agw (gateway) or alg settings say: play "
		  "them",
		  NULL },
		{ "sut-wait", 0, 0, G_OPTION_ARG_INT, &r.sa.wait,
		  "ms the system under test may take to register, each scenario (30000)", "MS" },
		{ "calls", 0, 0, G_OPTION_ARG_INT, &r.calls,
		  "load: play the one scenario given N times, each call by parties of its own, and report "
		  "calls/s, setup latency and failures by step",
		  "N" },
		{ "concurrent", 0, 0, G_OPTION_ARG_INT, &r.concurrent, "load: at most C calls at once (10)",
		  "C" },
		{ "rate", 0, 0, G_OPTION_ARG_DOUBLE, &r.rate,
		  "load: R new calls a second (0: each as soon as one ends)", "R" },
		{ "version", 'V', 0, G_OPTION_ARG_NONE, &a.version, "print the version and exit", NULL },
		{ "help", 'h', 0, G_OPTION_ARG_NONE, &a.help, "print this help and exit", NULL },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &a.files, NULL, NULL },
		{ 0 }
	};
	int status = parse(options(entries), &argc, &argv, &a);
	if (status < 0)
		status = settle(&a, &r);
	if (status < 0) {
		bool colour =
		    a.colour ? !strcmp(a.colour, "always") : isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
		if (a.files && !strcmp(a.files[0], "ladder"))
			status = draw_traces(&a, a.files + 1, colour);
		else
			status = play_files(&a, colour);
	}
	args_free(&a, &r);
	return status;
}
