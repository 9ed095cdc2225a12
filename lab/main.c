/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-lab: plays the scenarios of scenarios/ through a real ims-alg and ims-agw (see doc/scenarios.md and
 * ims-lab(1)). Exit status: 0 every scenario passed, 1 one failed, 2 the command line or a scenario file
 * is wrong. */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sofia-sip/su.h>

#include "evlog.h"
#include "ladder.h"
#include "run.h"
#include "scenario.h"
#include "traces.h"

struct args {
	struct lab_opts lab;
	char *junit, *colour, *html;
	gboolean check, ladder, quiet;
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

static void xml(GString *s, const char *text)
{
	char *e = g_markup_escape_text(text ? text : "", -1);
	g_string_append(s, e);
	g_free(e);
}

/* JUnit XML: one testsuite, one testcase per scenario, a failure with the step that failed. */
static void junit_case(GString *x, const struct scenario *s, const struct run_result *r)
{
	g_string_append(x, "  <testcase classname=\"scenarios\" name=\"");
	xml(x, s->name);
	g_string_append_printf(x, "\" file=\"%s\" time=\"%.3f\">\n", s->file, r->secs);
	for (guint i = 0; i < r->steps->len && !r->ok; i++) {
		const struct step_result *st = &g_array_index(r->steps, struct step_result, i);
		if (st->verdict != VERDICT_FAIL)
			continue;
		g_string_append(x, "    <failure message=\"");
		char *m = scenario_failure(s, st->step, st->why);
		xml(x, m);
		g_string_append(x, "\"/>\n");
		g_free(m);
	}
	if (r->error) {
		g_string_append(x, "    <error message=\"");
		xml(x, r->error);
		g_string_append(x, "\"/>\n");
	}
	if (r->skipped) {
		g_string_append(x, "    <skipped message=\"");
		xml(x, r->skipped);
		g_string_append(x, "\"/>\n  </testcase>\n");
		return;
	}
	g_string_append(x, "    <system-out>ladder: ");
	xml(x, r->html);
	g_string_append(x, "</system-out>\n  </testcase>\n");
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
								 : "skip";
		const char *c = st->verdict == VERDICT_PASS ? green : st->verdict == VERDICT_FAIL ? red : dim;
		if (!a->quiet || st->verdict == VERDICT_FAIL)
			printf("  %s%s%s  step %-8s %s\n", c, mark, off, st->step, st->title);
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

/* Runs every scenario and reports: 0 all passed, 1 one failed. */
static int play(const struct args *a, GPtrArray *scenarios, bool colour)
{
	su_init();
	unsigned failed = 0, skipped = 0;
	GString *junit = g_string_new(NULL);
	double total = 0;
	for (guint i = 0; i < scenarios->len; i++) {
		const struct scenario *s = scenarios->pdata[i];
		struct run_result *r = run_scenario(&a->lab, s);
		report(a, s, r, colour);
		junit_case(junit, s, r);
		failed += !r->ok;
		skipped += r->skipped != NULL;
		total += r->secs;
		run_result_free(r);
	}
	char also[32] = "";
	if (skipped)
		snprintf(also, sizeof also, ", %u skipped", skipped);
	printf("%s%u of %u scenarios passed%s%s; traces, logs and ladders in %s/\n",
	       paint(colour, failed ? "\033[31m" : "\033[32m"), scenarios->len - failed - skipped,
	       scenarios->len, also, paint(colour, "\033[0m"), a->lab.out);
	FILE *f = a->junit ? fopen(a->junit, "w") : NULL;
	if (f) {
		fprintf(f,
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"mediasec lab\" "
			"tests=\"%u\" "
			"failures=\"%u\" skipped=\"%u\" time=\"%.3f\">\n%s</testsuite>\n",
			scenarios->len, failed, skipped, total, junit->str);
		fclose(f);
	} else if (a->junit) {
		fprintf(stderr, "ims-lab: cannot write %s\n", a->junit);
	}
	g_string_free(junit, TRUE);
	su_deinit();
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct args a = { .lab = { .out = "lab-out", .timeout = 3000, .log_level = "info" }, .colour = NULL };
	int timeout = 3000;
	char *out = NULL, *bindir = NULL, *level = NULL, *nat = NULL;
	GOptionEntry entries[] = {
		{ "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
		  "directory for traces, logs and ladders (lab-out)", "DIR" },
		{ "junit", 'j', 0, G_OPTION_ARG_FILENAME, &a.junit, "write a JUnit XML report here", "FILE" },
		{ "bindir", 'b', 0, G_OPTION_ARG_FILENAME, &bindir,
		  "where ims-alg and ims-agw are (default: beside ims-lab, or the build tree)", "DIR" },
		{ "timeout", 't', 0, G_OPTION_ARG_INT, &timeout, "ms an expectation may take to show (3000)",
		  "MS" },
		{ "color", 0, 0, G_OPTION_ARG_STRING, &a.colour, "auto (on a terminal), always or never",
		  "WHEN" },
		{ "ladder", 'l', 0, G_OPTION_ARG_NONE, &a.ladder,
		  "print every ladder, not only a failed one's", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &a.quiet, "only verdicts and failures", NULL },
		{ "check", 'c', 0, G_OPTION_ARG_NONE, &a.check, "only validate the scenario files", NULL },
		{ "html", 0, 0, G_OPTION_ARG_FILENAME, &a.html, "ladder: also write the HTML ladder to FILE",
		  "FILE" },
		{ "log-level", 0, 0, G_OPTION_ARG_STRING, &level, "the daemons' log level (info)", "LEVEL" },
		{ "nat", 0, 0, G_OPTION_ARG_STRING, &nat,
		  "play the UEs marked behind_nat in network namespace NETNS at UE-ADDRESS, reaching the "
		  "gateway's "
		  "access realm at ACCESS-ADDRESS through a NAT",
		  "NETNS,UE-ADDRESS,ACCESS-ADDRESS" },
		{ G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &a.files, NULL, "SCENARIO…" },
		{ 0 }
	};
	GOptionContext *ctx =
	    g_option_context_new("SCENARIO|DIR… | ladder TRACE… — play call flows through ims-alg and "
				 "ims-agw, or draw the ladder of traces");
	g_option_context_add_main_entries(ctx, entries, NULL);
	GError *gerr = NULL;
	char *err = NULL;
	if (!g_option_context_parse(ctx, &argc, &argv, &gerr)) {
		fprintf(stderr, "ims-lab: %s\n", gerr->message);
		g_error_free(gerr);
		g_option_context_free(ctx);
		return 2;
	}
	g_option_context_free(ctx);
	a.lab.out = out ? out : a.lab.out, a.lab.bindir = bindir, a.lab.timeout = (unsigned)MAX(timeout, 100);
	a.lab.log_level = level ? level : a.lab.log_level;
	gchar **nat_parts = nat ? g_strsplit(nat, ",", 3) : NULL;
	if (nat && g_strv_length(nat_parts) != 3) {
		fprintf(stderr, "ims-lab: --nat: expected NETNS,UE-ADDRESS,ACCESS-ADDRESS, found \"%s\"\n",
			nat);
		g_strfreev(nat_parts), g_free(nat);
		return 2;
	}
	if (nat_parts)
		a.lab.nat_netns = nat_parts[0], a.lab.nat_ue = nat_parts[1], a.lab.nat_access = nat_parts[2];
	bool colour = a.colour ? !strcmp(a.colour, "always") : isatty(STDOUT_FILENO) && !getenv("NO_COLOR");

	if (a.files && !strcmp(a.files[0], "ladder")) {
		int status = draw_traces(&a, a.files + 1, colour);
		g_strfreev(a.files), g_strfreev(nat_parts);
		g_free(out), g_free(bindir), g_free(level), g_free(a.junit), g_free(a.colour), g_free(nat),
		    g_free(a.html);
		return status;
	}
	char *installed[] = { SCENARIODIR, NULL };
	if (!a.files && !g_file_test(SCENARIODIR, G_FILE_TEST_IS_DIR))
		fprintf(stderr, "ims-lab: no scenario given and none installed in %s\n", SCENARIODIR);
	GPtrArray *files = expand(a.files ? a.files : installed, &err);
	GPtrArray *scenarios = g_ptr_array_new_with_free_func((GDestroyNotify)scenario_free);
	for (guint i = 0; !err && i < files->len; i++) {
		struct scenario *s = scenario_load(files->pdata[i], &err);
		if (s)
			g_ptr_array_add(scenarios, s);
	}
	int status = 0;
	if (err) {
		fprintf(stderr, "ims-lab: %s\n", err);
		status = 2;
	} else if (a.check) {
		printf("%u scenario files valid\n", scenarios->len);
	} else {
		status = play(&a, scenarios, colour);
	}
	g_free(err);
	g_ptr_array_free(scenarios, TRUE);
	g_ptr_array_free(files, TRUE);
	g_strfreev(a.files);
	g_free(out), g_free(bindir), g_free(level), g_free(a.junit), g_free(a.colour), g_free(nat),
	    g_free(a.html);
	g_strfreev(nat_parts);
	return status;
}
