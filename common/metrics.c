/* SPDX-License-Identifier: GPL-3.0-or-later */
/* metrics: the registry of families and the Prometheus text exposition format 0.0.4 writer
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): per family "# HELP", "# TYPE", then
 * one line per sample, "name{label="value",…} value". */
#include "config.h"
#include "metrics.h"

#include <stdarg.h>
#include <string.h>

#include "log.h"

struct family {
	char *name, *help;
	enum metric_type type;
	metrics_collect *collect;
	void *arg;
	const uint64_t *value; /* metrics_add_value's; collect is NULL then */
};

struct metrics {
	GPtrArray *families; /* struct family *, in the order added */
	GPtrArray *kept;     /* metrics_keep's */
};

struct metrics_out {
	GString *text;
	const struct family *f;
};

static const char *const type_names[] = { [METRIC_COUNTER] = "counter", [METRIC_GAUGE] = "gauge" };

static void family_free(gpointer p)
{
	struct family *f = p;
	g_free(f->name);
	g_free(f->help);
	g_free(f);
}

struct metrics *metrics_new(void)
{
	struct metrics *m = g_new0(struct metrics, 1);
	m->families = g_ptr_array_new_with_free_func(family_free);
	m->kept = g_ptr_array_new_with_free_func(g_free);
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	g_ptr_array_free(m->families, TRUE);
	g_ptr_array_free(m->kept, TRUE);
	g_free(m);
}

/* Prometheus' metric and label names: [a-zA-Z_][a-zA-Z0-9_]* (the colon is for recording rules); ours
 * are lower-case snake_case. */
static bool name_ok(const char *name)
{
	if (!*name || g_ascii_isdigit(*name))
		return false;
	for (const char *p = name; *p; p++)
		if (!(g_ascii_islower(*p) || g_ascii_isdigit(*p) || *p == '_'))
			return false;
	return true;
}

static bool convention_ok(const struct metrics *m, const char *name, enum metric_type type)
{
	const char *why = NULL;
	if (!name_ok(name))
		why = "not snake_case";
	else if (type == METRIC_COUNTER && !g_str_has_suffix(name, "_total"))
		why = "a counter, but the name does not end in _total";
	else if (type != METRIC_COUNTER && g_str_has_suffix(name, "_total"))
		why = "the name ends in _total, but it is no counter";
	for (guint i = 0; !why && i < m->families->len; i++)
		if (!strcmp(((struct family *)m->families->pdata[i])->name, name))
			why = "already registered";
	if (why)
		log_err("metrics", NULL, "registering metric %s: %s; left out", name, why);
	return !why;
}

static bool add(struct metrics *m, const char *name, enum metric_type type, const char *help,
		metrics_collect *collect, void *arg, const uint64_t *value)
{
	if (!convention_ok(m, name, type))
		return false;
	struct family *f = g_new0(struct family, 1);
	*f = (struct family){ .name = g_strdup(name),
			      .help = g_strdup(help),
			      .type = type,
			      .collect = collect,
			      .arg = arg,
			      .value = value };
	g_ptr_array_add(m->families, f);
	return true;
}

bool metrics_add(struct metrics *m, const char *name, enum metric_type type, const char *help,
		 metrics_collect *collect, void *arg)
{
	return add(m, name, type, help, collect, arg, NULL);
}

bool metrics_add_value(struct metrics *m, const char *name, enum metric_type type, const char *help,
		       const uint64_t *value)
{
	return add(m, name, type, help, NULL, NULL, value);
}

void metrics_keep(struct metrics *m, void *p)
{
	g_ptr_array_add(m->kept, p);
}

/* HELP text escapes backslash and newline; a label value also the double quote. */
static void escaped(GString *s, const char *text, bool quote)
{
	for (const char *p = text; *p; p++) {
		if (*p == '\\')
			g_string_append(s, "\\\\");
		else if (*p == '\n')
			g_string_append(s, "\\n");
		else if (quote && *p == '"')
			g_string_append(s, "\\\"");
		else
			g_string_append_c(s, *p);
	}
}

void metrics_sample(struct metrics_out *out, uint64_t value, ...)
{
	g_string_append(out->text, out->f->name);
	va_list ap;
	va_start(ap, value);
	const char *sep = "{";
	for (const char *label; (label = va_arg(ap, const char *)); sep = ",") {
		const char *v = va_arg(ap, const char *);
		g_string_append_printf(out->text, "%s%s=\"", sep, label);
		escaped(out->text, v ? v : "", true);
		g_string_append_c(out->text, '"');
	}
	va_end(ap);
	g_string_append_printf(out->text, "%s %" G_GUINT64_FORMAT "\n", *sep == ',' ? "}" : "", value);
}

char *metrics_text(struct metrics *m, size_t *len)
{
	GString *s = g_string_sized_new(4096);
	for (guint i = 0; i < m->families->len; i++) {
		const struct family *f = m->families->pdata[i];
		g_string_append_printf(s, "# HELP %s ", f->name);
		escaped(s, f->help, false);
		g_string_append_printf(s, "\n# TYPE %s %s\n", f->name, type_names[f->type]);
		struct metrics_out out = { .text = s, .f = f };
		if (f->collect)
			f->collect(f->arg, &out);
		else
			metrics_sample(&out, *f->value, NULL);
	}
	*len = s->len;
	return g_string_free(s, FALSE);
}
