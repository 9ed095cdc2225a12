/* SPDX-License-Identifier: GPL-3.0-or-later */
/* report: see report.h. */
#include "config.h"
#include "report.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

struct row {
	char *profile, *procedure, *clause, *verdict, *message, *evidence;
};

struct report {
	char *dir, *what;
	GPtrArray *rows; /* struct row, in the order played */
};

static void row_free(gpointer p)
{
	struct row *w = p;
	g_free(w->profile), g_free(w->procedure), g_free(w->clause), g_free(w->verdict), g_free(w->message),
	    g_free(w->evidence);
	g_free(w);
}

struct report *report_new(const char *dir, const char *what)
{
	struct report *rp = g_new0(struct report, 1);
	rp->dir = g_strdup(dir), rp->what = g_strdup(what);
	rp->rows = g_ptr_array_new_with_free_func(row_free);
	return rp;
}

void report_free(struct report *rp)
{
	if (!rp)
		return;
	g_ptr_array_free(rp->rows, TRUE);
	g_free(rp->dir), g_free(rp->what), g_free(rp);
}

/* The verdicts as the report words them: the JUnit element of each (NULL: a plain testcase). */
static const struct {
	const char *word, *element;
} verdicts[] = {
	[VERDICT_PASS] = { "pass", NULL },
	[VERDICT_FAIL] = { "FAIL", "failure" },
	[VERDICT_SKIP] = { "not run", "skipped" },
	[VERDICT_NOBS] = { "not observable", "skipped" },
};

static const char *profile_of(const struct scenario *s)
{
	return jstr(jget(s->root, "alg"), "profile", jstr(jget(s->root, "agw"), "profile", "iq"));
}

static void add_row(struct report *rp, const struct scenario *s, const char *step, const char *title,
		    const char *verdict, char *message, char *evidence)
{
	struct row *w = g_new0(struct row, 1);
	w->profile = g_strdup(profile_of(s));
	w->procedure = g_strdup_printf("%s: %s", s->name, *title ? title : step);
	w->clause = *s->seed ? g_strdup_printf("seed %s%s%s, step %s", s->seed, *s->figure ? ", " : "",
					       s->figure, step)
			     : g_strdup_printf("%s, step %s", s->name, step);
	w->verdict = g_strdup(verdict), w->message = message, w->evidence = evidence;
	g_ptr_array_add(rp->rows, w);
}

static void add_scenario(struct report *rp, const struct scenario *s, const struct run_result *r)
{
	if (r->skipped || !r->steps->len) { /* not run (or could not start): each step with the reason */
		for (size_t i = 0; i < json_object_array_length(s->steps); i++) {
			json_object *step = json_object_array_get_idx(s->steps, i);
			add_row(rp, s, jstr(step, "step", ""), jstr(step, "title", ""),
				r->skipped ? "not run" : "ERROR",
				g_strdup(r->skipped ? r->skipped
					 : r->error ? r->error
						    : ""),
				NULL);
		}
		return;
	}
	for (guint i = 0; i < r->steps->len; i++) {
		const struct step_result *st = &g_array_index(r->steps, struct step_result, i);
		char *message = st->why          ? scenario_failure(s, st->step, st->why)
				: st->unobserved ? g_strdup_printf("not observable: %s", st->unobserved)
				: st->verdict == VERDICT_SKIP
				    ? g_strdup(r->error ? r->error : "not played: an earlier step failed")
				    : NULL;
		char *evidence = st->why
				     ? g_strdup_printf("expected: %s\nfound: %s\n%s",
						       st->expected ? st->expected : "(the step's action)",
						       st->why, st->evidence ? st->evidence : "")
				     : g_strdup(st->evidence);
		add_row(rp, s, st->step, st->title,
			st->verdict == VERDICT_SKIP && r->error ? "ERROR" : verdicts[st->verdict].word,
			message, evidence);
	}
}

/* The profiles in the order first played. */
static GPtrArray *profiles(const struct report *rp)
{
	GPtrArray *out = g_ptr_array_new();
	for (guint i = 0; i < rp->rows->len; i++) {
		const struct row *w = rp->rows->pdata[i];
		bool seen = false;
		for (guint k = 0; k < out->len && !seen; k++)
			seen = !strcmp(out->pdata[k], w->profile);
		if (!seen)
			g_ptr_array_add(out, w->profile);
	}
	return out;
}

/* before, text escaped for HTML and XML, after */
static void put(FILE *f, const char *before, const char *text, const char *after)
{
	char *e = g_markup_escape_text(text ? text : "", -1);
	fputs(before, f), fputs(e, f), fputs(after, f);
	g_free(e);
}

static const char *element_of(const char *verdict)
{
	for (size_t i = 0; i < G_N_ELEMENTS(verdicts); i++)
		if (!strcmp(verdicts[i].word, verdict))
			return verdicts[i].element;
	return "error"; /* ERROR */
}

static void write_xml(const struct report *rp, FILE *f)
{
	GPtrArray *ps = profiles(rp);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n", f);
	for (guint p = 0; p < ps->len; p++) {
		unsigned n = 0, failures = 0, skipped = 0, errors = 0;
		for (guint i = 0; i < rp->rows->len; i++) {
			const struct row *w = rp->rows->pdata[i];
			const char *el = element_of(w->verdict);
			if (strcmp(w->profile, ps->pdata[p]))
				continue;
			n++, failures += el && !strcmp(el, "failure"),
			    skipped += el && !strcmp(el, "skipped");
			errors += el && !strcmp(el, "error");
		}
		put(f, "  <testsuite name=\"conformance ", ps->pdata[p], "\"");
		fprintf(f, " tests=\"%u\" failures=\"%u\" skipped=\"%u\" errors=\"%u\">\n", n, failures,
			skipped, errors);
		for (guint i = 0; i < rp->rows->len; i++) {
			const struct row *w = rp->rows->pdata[i];
			const char *el = element_of(w->verdict);
			if (strcmp(w->profile, ps->pdata[p]))
				continue;
			put(f, "    <testcase classname=\"", w->clause, "\"");
			put(f, " name=\"", w->procedure, "\">\n");
			if (el) {
				fprintf(f, "      <%s", el);
				put(f, " message=\"", w->message, "\"");
				put(f, ">", w->evidence, "");
				fprintf(f, "</%s>\n", el);
			}
			if (w->evidence && !el)
				put(f, "      <system-out>", w->evidence, "</system-out>\n");
			fputs("    </testcase>\n", f);
		}
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	g_ptr_array_free(ps, TRUE);
}

static void write_html(const struct report *rp, FILE *f)
{
	GPtrArray *ps = profiles(rp);
	put(f, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Conformance report: ", rp->what,
	    "</title>\n<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px "
	    "solid #999;padding:4px;vertical-align:top}pre{margin:0;white-space:pre-wrap;font-size:85%}"
	    ".pass{background:#dfd}.FAIL,.ERROR{background:#fdd}.nobs{background:#eee}</style></"
	    "head><body>\n");
	put(f, "<h1>Conformance report: ", rp->what, "</h1>\n");
	for (guint p = 0; p < ps->len; p++) {
		put(f, "<h2>Profile ", ps->pdata[p], "</h2>\n<table>\n");
		fputs("<tr><th>Procedure</th><th>Spec clause</th><th>Verdict</th><th>Evidence</th></tr>\n",
		      f);
		for (guint i = 0; i < rp->rows->len; i++) {
			const struct row *w = rp->rows->pdata[i];
			if (strcmp(w->profile, ps->pdata[p]))
				continue;
			put(f, "<tr><td>", w->procedure, "</td>");
			put(f, "<td>", w->clause, "</td>");
			bool plain = !strcmp(w->verdict, "pass") || !strcmp(w->verdict, "FAIL") ||
				     !strcmp(w->verdict, "ERROR");
			put(f, "<td class=\"", plain ? w->verdict : "nobs", "\">");
			put(f, "", w->verdict, "</td><td>");
			if (w->message)
				put(f, "<pre>", w->message, "</pre>");
			if (w->evidence)
				put(f, "<pre>", w->evidence, "</pre>");
			fputs("</td></tr>\n", f);
		}
		fputs("</table>\n", f);
	}
	fputs("</body></html>\n", f);
	g_ptr_array_free(ps, TRUE);
}

/* Writes path through a temporary file renamed over it. */
static bool write_file(const struct report *rp, const char *name,
		       void (*writer)(const struct report *, FILE *), char **err)
{
	char *path = g_build_filename(rp->dir, name, NULL), *tmp = g_strconcat(path, ".tmp", NULL);
	FILE *f = fopen(tmp, "w");
	bool ok = f != NULL;
	if (f) {
		writer(rp, f);
		ok = fclose(f) == 0 && rename(tmp, path) == 0;
	}
	if (!ok)
		*err = g_strdup_printf("cannot write the conformance report %s", path);
	g_free(path), g_free(tmp);
	return ok;
}

bool report_add(struct report *rp, const struct scenario *s, const struct run_result *r, char **err)
{
	add_scenario(rp, s, r);
	g_mkdir_with_parents(rp->dir, 0755);
	return write_file(rp, "report.xml", write_xml, err) && write_file(rp, "report.html", write_html, err);
}
