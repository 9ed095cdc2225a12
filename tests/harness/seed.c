/* SPDX-License-Identifier: GPL-3.0-or-later */
/* seed: expected H.248 text from readable templates with ${name} placeholders (seed.h). */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seed.h"

struct expansion {
	const char *what, *tmpl; /* the template's name, its text */
	const char *const *pairs;
};

/* The value of the ${name} at m, or a loud end: a misspelt or forgotten name must fail the test. */
static gboolean value_of(const GMatchInfo *m, GString *out, gpointer data)
{
	const struct expansion *e = data;
	char *name = g_match_info_fetch(m, 1);
	for (const char *const *p = e->pairs; p && p[0] && p[1]; p += 2)
		if (!strcmp(p[0], name)) {
			g_string_append(out, p[1]);
			g_free(name);
			return FALSE;
		}
	int start = 0, line = 1;
	g_match_info_fetch_pos(m, 0, &start, NULL);
	for (const char *c = e->tmpl; c < e->tmpl + start; c++)
		line += *c == '\n';
	g_error("seed: %s line %d names ${%s}, which the test did not give", e->what, line, name);
	return TRUE; /* not reached */
}

static char *expand(const char *what, const char *tmpl, const char *const *pairs)
{
	GRegex *placeholder = g_regex_new("\\$\\{([^}]*)\\}", 0, 0, NULL);
	struct expansion e = { what, tmpl, pairs };
	char *out = g_regex_replace_eval(placeholder, tmpl, -1, 0, 0, value_of, &e, NULL);
	g_regex_unref(placeholder);
	return out;
}

char *seed_expand(const char *tmpl, const char *const *pairs)
{
	return expand("the template's", tmpl, pairs);
}

/* The source tree: top_srcdir as the test harness exports it; run by hand from the build directory, the
 * path this file was compiled under, which names the source tree relative to it. */
static char *source_tree(void)
{
	const char *top = getenv("top_srcdir"), *me = __FILE__, *tail = "tests/harness/seed.c";
	if (top)
		return g_strdup(top);
	if (g_str_has_suffix(me, tail) && strlen(me) > strlen(tail))
		return g_strndup(me, strlen(me) - strlen(tail));
	return g_strdup(".");
}

static char *h248_path(const char *rel)
{
	char *top = source_tree(), *path = g_build_filename(top, "tests", "h248", rel, NULL);
	g_free(top);
	return path;
}

char *seed_h248(const char *name, const char *const *pairs)
{
	char *file = g_strconcat(name, ".txt", NULL), *path = h248_path(file), *tmpl = NULL;
	GError *err = NULL;
	if (!g_file_get_contents(path, &tmpl, NULL, &err))
		g_error("seed: no template %s: %s", path, err->message);
	char *out = expand(path, tmpl, pairs);
	g_free(tmpl), g_free(path), g_free(file);
	return out;
}

char *seed_file(const char *rel, size_t *len)
{
	char *path = h248_path(rel), *text = NULL;
	gsize n = 0;
	if (!g_file_get_contents(path, &text, &n, NULL))
		fprintf(stderr, "\n    cannot read %s\n", path);
	g_free(path);
	*len = n;
	return text;
}
