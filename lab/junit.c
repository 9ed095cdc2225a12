/* SPDX-License-Identifier: GPL-3.0-or-later */
/* junit: the JUnit XML report, rewritten whole after each scenario (see junit.h).
 *
 * Grouping: each scenario is a <testsuite> (readers that group by suite: GitLab's per-suite view,
 * xunit-viewer, Azure) AND its testcases carry classname "ims-lab.<file stem>" with no other dot:
 * Jenkins' JUnit plugin ignores <testsuite> and groups by classname, splitting it at the last dot into
 * package and class, so every scenario becomes one class of package "ims-lab" (a scenario name such as
 * "T.38 over DTLS" as classname would be cut at its dot), and GitLab lists the same classname beside
 * each case. The layout and attributes follow the Ant JUnit schema Jenkins and GitLab read: testsuite
 * with tests, failures, errors, skipped, time, timestamp (local time, "YYYY-MM-DDTHH:MM:SS", the
 * schema's ISO 8601 form without a zone) and hostname; properties, testcases, system-out in that order. */
#include "config.h"
#include "junit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

struct junit {
	char *path, *dir;                             /* the report, its directory (absolute) */
	GString *suites;                              /* the testsuites written so far */
	unsigned tests, failures, errors, skipped, n; /* totals over them */
	double secs;
	GDateTime *start; /* of the scenario being run */
};

/* Text fit for XML 1.0: valid UTF-8, no control characters but tab and newline (XML 1.0 allows no
 * other, not even as a character reference), then escaped for an attribute or element. */
static char *esc(const char *text)
{
	char *valid = g_utf8_make_valid(text ? text : "", -1);
	for (char *c = valid; *c; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t' && *c != '\n')
			*c = *c == '\r' ? '\n' : '?';
	char *e = g_markup_escape_text(valid, -1);
	g_free(valid);
	return e;
}

static void attr(GString *x, const char *name, const char *value)
{
	char *e = esc(value);
	g_string_append_printf(x, " %s=\"%s\"", name, e);
	g_free(e);
}

static char *absolute(const char *path)
{
	char *real = realpath(path, NULL);
	char *abs = real ? g_strdup(real) : g_canonicalize_filename(path, NULL);
	free(real);
	return abs;
}

static GPtrArray *components(const char *abs)
{
	GPtrArray *c = g_ptr_array_new_with_free_func(g_free);
	char **parts = g_strsplit(abs, "/", -1);
	for (char **p = parts; *p; p++)
		if (**p)
			g_ptr_array_add(c, g_strdup(*p));
	g_strfreev(parts);
	return c;
}

/* path as seen from the report's directory: "../lab-out/x/ladder.html". */
static char *relative(const struct junit *j, const char *path)
{
	char *abs = absolute(path);
	GPtrArray *from = components(j->dir), *to = components(abs);
	guint i = 0;
	while (i < from->len && i < to->len && !strcmp(from->pdata[i], to->pdata[i]))
		i++;
	GString *rel = g_string_new(NULL);
	for (guint k = i; k < from->len; k++)
		g_string_append(rel, "../");
	for (guint k = i; k < to->len; k++)
		g_string_append_printf(rel, "%s%s", (char *)to->pdata[k], k + 1 < to->len ? "/" : "");
	if (!rel->len)
		g_string_append_c(rel, '.');
	g_ptr_array_free(from, TRUE), g_ptr_array_free(to, TRUE), g_free(abs);
	return g_string_free(rel, FALSE);
}

/* "ims-lab.004-msrp-originating": one dot, the file's stem with its dots made underscores. */
static char *classname(const char *file)
{
	char *base = g_path_get_basename(file);
	if (g_str_has_suffix(base, ".json"))
		base[strlen(base) - 5] = 0;
	g_strdelimit(base, ".", '_');
	char *c = g_strconcat("ims-lab.", base, NULL);
	g_free(base);
	return c;
}

static bool write_out(struct junit *j, char **err)
{
	GString *x = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	attr(x, "name", "mediasec lab");
	g_string_append_printf(x,
			       " tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"%.3f\">\n",
			       j->tests, j->failures, j->errors, j->skipped, j->secs);
	g_string_append(x, j->suites->str);
	g_string_append(x, "</testsuites>\n");
	char *tmp = g_strdup_printf("%s.XXXXXX", j->path);
	int fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, 0644);
	bool ok = fd >= 0;
	for (gsize done = 0; ok && done < x->len;) {
		ssize_t n = write(fd, x->str + done, x->len - done);
		ok = n > 0 || (n < 0 && errno == EINTR);
		done += n > 0 ? (gsize)n : 0;
	}
	ok = ok && fsync(fd) == 0;
	if (fd >= 0)
		ok = close(fd) == 0 && ok;
	ok = ok && rename(tmp, j->path) == 0; /* readers see the old report or the new one, whole */
	if (!ok) {
		*err = g_strdup_printf("writing the JUnit report %s: %s", j->path, g_strerror(errno));
		if (fd >= 0)
			unlink(tmp);
	}
	g_free(tmp);
	g_string_free(x, TRUE);
	return ok;
}

struct junit *junit_open(const char *path, char **err)
{
	struct junit *j = g_new0(struct junit, 1);
	char *dir = g_path_get_dirname(path);
	j->path = g_strdup(path), j->dir = absolute(dir), j->suites = g_string_new(NULL);
	g_free(dir);
	if (!write_out(j, err)) {
		junit_free(j);
		return NULL;
	}
	return j;
}

void junit_begin(struct junit *j)
{
	if (j->start)
		g_date_time_unref(j->start);
	j->start = g_date_time_new_now_local();
}

struct counts {
	unsigned tests, failures, errors, skipped;
};

static void suite_open(struct junit *j, GString *x, const char *name, const struct counts *c, double secs)
{
	if (!j->start)
		junit_begin(j);
	char *stamp = g_date_time_format(j->start, "%Y-%m-%dT%H:%M:%S");
	g_string_append(x, "  <testsuite");
	attr(x, "name", name);
	g_string_append_printf(x, " tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"%.3f\"",
			       c->tests, c->failures, c->errors, c->skipped, secs);
	attr(x, "timestamp", stamp);
	attr(x, "hostname", g_get_host_name());
	g_string_append_printf(x, " id=\"%u\">\n", j->n++);
	g_free(stamp);
	j->tests += c->tests, j->failures += c->failures, j->errors += c->errors, j->skipped += c->skipped;
	j->secs += secs;
}

static void case_open(GString *x, const char *cls, const char *name, const char *file, double secs)
{
	g_string_append(x, "    <testcase");
	attr(x, "classname", cls);
	attr(x, "name", name);
	attr(x, "file", file);
	g_string_append_printf(x, " time=\"%.3f\"", secs);
}

/* <failure message=...>, <error ...> or <skipped .../>: body NULL for an empty element. */
static void outcome(GString *x, const char *element, const char *type, const char *message, const char *body)
{
	g_string_append_printf(x, ">\n      <%s", element);
	attr(x, "message", message);
	if (type)
		attr(x, "type", type);
	if (!body) {
		g_string_append(x, "/>\n    </testcase>\n");
		return;
	}
	char *e = esc(body);
	g_string_append_printf(x, ">%s</%s>\n    </testcase>\n", e, element);
	g_free(e);
}

static char *case_name(const char *step, const char *title)
{
	return *title ? g_strdup_printf("step %s: %s", step, title) : g_strdup_printf("step %s", step);
}

static void step_case(GString *x, const char *cls, const char *file, const struct scenario *s,
		      const struct step_result *st, const char *not_played)
{
	char *name = case_name(st->step, st->title);
	case_open(x, cls, name, file, st->secs);
	g_free(name);
	if (st->verdict == VERDICT_PASS && st->unobserved) { /* passed on what could be observed */
		char *e = esc(st->unobserved);
		g_string_append_printf(
		    x, ">\n      <system-out>not observable: %s</system-out>\n    </testcase>\n", e);
		g_free(e);
	} else if (st->verdict == VERDICT_PASS) {
		g_string_append(x, "/>\n");
	} else if (st->verdict == VERDICT_SKIP) {
		outcome(x, "skipped", NULL, not_played, NULL);
	} else if (st->verdict == VERDICT_NOBS) { /* never a pass: skipped with the reason */
		char *m = g_strdup_printf("not observable: %s", st->unobserved);
		outcome(x, "skipped", NULL, g_strchomp(m), NULL);
		g_free(m);
	} else {
		char *m = scenario_failure(s, st->step, st->why);
		char *body = g_strdup_printf("%s\nexpected: %s\nfound: %s\n", m,
					     st->expected ? st->expected : "(the step's action to succeed)",
					     st->why ? st->why : "");
		outcome(x, "failure", "expectation", m, body);
		g_free(m), g_free(body);
	}
}

/* The steps of a scenario that was not run, each skipped with why. */
static void unrun_cases(GString *x, const char *cls, const char *file, const struct scenario *s,
			const char *why)
{
	for (size_t i = 0; i < json_object_array_length(s->steps); i++) {
		json_object *step = json_object_array_get_idx(s->steps, i);
		char *name = case_name(jstr(step, "step", ""), jstr(step, "title", ""));
		case_open(x, cls, name, file, 0);
		outcome(x, "skipped", NULL, why, NULL);
		g_free(name);
	}
}

static void system_out(struct junit *j, GString *x, const struct run_result *r)
{
	if (!r->html)
		return;
	char *html = relative(j, r->html), *text = relative(j, r->text), *dir = relative(j, r->dir);
	char *e = g_strdup_printf("ladder: %s\ntext ladder: %s\ntraces and logs: %s/\n", html, text, dir);
	char *body = esc(e);
	g_string_append_printf(x, "    <system-out>%s</system-out>\n", body);
	g_free(html), g_free(text), g_free(dir), g_free(e), g_free(body);
}

bool junit_add(struct junit *j, const struct scenario *s, const struct run_result *r, char **err)
{
	struct counts c = { .errors = r->error != NULL };
	const char *failed = NULL;
	for (guint i = 0; i < r->steps->len; i++) {
		const struct step_result *st = &g_array_index(r->steps, struct step_result, i);
		c.failures += st->verdict == VERDICT_FAIL,
		    c.skipped += st->verdict == VERDICT_SKIP || st->verdict == VERDICT_NOBS;
		failed = failed ? failed : st->verdict == VERDICT_FAIL ? st->step : NULL;
	}
	c.tests = r->steps->len + c.errors;
	if (r->skipped)
		c.tests = c.skipped = (unsigned)json_object_array_length(s->steps);
	GString *x = j->suites;
	suite_open(j, x, s->name, &c, r->secs);
	char *cls = classname(s->file), *file = relative(j, s->file);
	if (*s->seed || *s->figure) {
		g_string_append(x, "    <properties>\n      <property name=\"seed\"");
		attr(x, "value", s->seed);
		g_string_append(x, "/>\n      <property name=\"figure\"");
		attr(x, "value", s->figure);
		g_string_append(x, "/>\n    </properties>\n");
	}
	if (r->skipped)
		unrun_cases(x, cls, file, s, r->skipped);
	char *not_played = failed     ? g_strdup_printf("not played: step %s failed", failed)
			   : r->error ? g_strdup_printf("not played: %s", r->error)
				      : g_strdup("not played");
	for (guint i = 0; i < r->steps->len; i++)
		step_case(x, cls, file, s, &g_array_index(r->steps, struct step_result, i), not_played);
	if (r->error) { /* the run as a whole: the daemons and parties could not start, or one died */
		case_open(x, cls, "run: ims-alg, ims-agw and the parties", file, r->secs);
		outcome(x, "error", "run", r->error, r->error);
	}
	system_out(j, x, r);
	g_string_append(x, "  </testsuite>\n");
	g_free(not_played), g_free(cls), g_free(file);
	return write_out(j, err);
}

bool junit_add_invalid(struct junit *j, const char *file, const char *why, char **err)
{
	struct counts c = { .tests = 1, .errors = 1 };
	char *cls = classname(file), *rel = relative(j, file);
	junit_begin(j);
	suite_open(j, j->suites, rel, &c, 0);
	case_open(j->suites, cls, "scenario file", rel, 0);
	outcome(j->suites, "error", "scenario", why, why);
	g_string_append(j->suites, "  </testsuite>\n");
	g_free(cls), g_free(rel);
	return write_out(j, err);
}

void junit_free(struct junit *j)
{
	if (!j)
		return;
	if (j->start)
		g_date_time_unref(j->start);
	g_string_free(j->suites, TRUE);
	g_free(j->path), g_free(j->dir);
	g_free(j);
}
