/* SPDX-License-Identifier: GPL-3.0-or-later */
/* trace: JSON-lines event writer; json-c does the escaping, GLib the base64. */
#include "config.h"
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct trace {
	FILE *f;
	char *path; /* for trace_reopen */
	char *component;
	GPtrArray *secrets; /* names whose values are not written (trace_secret) */
};

static FILE *open_trace(const char *path, char **err)
{
	/* owner only: a trace holds every SIP and H.248 message, and with them who called whom */
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		*err = g_strdup_printf("%s: cannot open the trace file: %s", path, g_strerror(errno));
	}
	return f;
}

struct trace *trace_open(const char *path, const char *component, char **err)
{
	FILE *f = open_trace(path, err);
	if (!f)
		return NULL;
	struct trace *t = g_new0(struct trace, 1);
	t->f = f;
	t->path = g_strdup(path);
	t->component = g_strdup(component);
	t->secrets = g_ptr_array_new_with_free_func(g_free);
	return t;
}

static void add_str(json_object *o, const char *key, const char *value)
{
	if (value)
		json_object_object_add(o, key, json_object_new_string(value));
}

void trace_secret(struct trace *t, const char *name)
{
	if (t && name && *name)
		g_ptr_array_add(t->secrets, g_strdup(name));
}

/* The end of the value that starts at v: a quoted string with its escapes, else up to white space, a
 * comma or a brace. */
static const char *value_end(const char *v, const char *end)
{
	if (v < end && *v == '"') {
		for (v++; v < end && *v != '"'; v++)
			if (*v == '\\' && v + 1 < end)
				v++;
		return v < end ? v + 1 : end;
	}
	while (v < end && !strchr(" \t\r\n,{}", *v))
		v++;
	return v;
}

/* raw with every `name = value` of a secret name written `name = "<psk>"` (g_free it); NULL when it
 * holds none. Names are H.248's, matched without regard to case. */
static char *redacted(const struct trace *t, const char *raw, size_t len, size_t *out_len)
{
	GString *out = NULL;
	const char *done = raw, *end = raw + len;
	for (const char *p = raw; p < end; p++) {
		for (guint i = 0; i < t->secrets->len; i++) {
			const char *name = t->secrets->pdata[i];
			size_t n = strlen(name);
			if ((size_t)(end - p) <= n || g_ascii_strncasecmp(p, name, n))
				continue;
			const char *v = p + n;
			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			if (v == end || *v != '=')
				continue;
			for (v++; v < end && (*v == ' ' || *v == '\t');)
				v++;
			if (!out)
				out = g_string_sized_new(len);
			g_string_append_len(out, done, v - done);
			g_string_append(out, "\"<psk>\"");
			done = value_end(v, end);
			p = done - 1;
			break;
		}
	}
	if (!out)
		return NULL;
	g_string_append_len(out, done, end - done);
	*out_len = out->len;
	return g_string_free(out, FALSE);
}

void trace_emit(struct trace *t, const struct trace_event *ev)
{
	if (!t)
		return;
	struct timespec ts;
	struct tm tm;
	char stamp[64], date[32];
	if (ev->at)
		ts = *ev->at;
	else
		clock_gettime(CLOCK_REALTIME, &ts);
	long long ns = (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec - (long long)ev->ago_ms * 1000000LL;
	ts.tv_sec = (time_t)(ns / 1000000000LL), ts.tv_nsec = (long)(ns % 1000000000LL);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp, sizeof stamp, "%s.%06dZ", date, (int)(ts.tv_nsec / 1000) % 1000000);

	json_object *o = json_object_new_object();
	add_str(o, "ts", stamp);
	add_str(o, "component", t->component);
	add_str(o, "kind", trace_kind_name(ev->kind));
	json_object *ids = json_object_new_object();
	add_str(ids, "call", ev->call);
	add_str(ids, "ctx", ev->ctx);
	add_str(ids, "term", ev->term);
	add_str(ids, "tid", ev->tid);
	json_object_object_add(o, "ids", ids);
	add_str(o, "from", ev->from);
	add_str(o, "to", ev->to);
	add_str(o, "summary", ev->summary);
	size_t len = ev->raw_len;
	char *hidden = ev->raw && t->secrets->len ? redacted(t, ev->raw, ev->raw_len, &len) : NULL;
	const char *raw = hidden ? hidden : ev->raw;
	if (raw && g_utf8_validate_len(raw, len, NULL)) {
		json_object_object_add(o, "raw", json_object_new_string_len(raw, (int)len));
	} else if (raw) {
		gchar *b64 = g_base64_encode((const guchar *)raw, len);
		add_str(o, "raw_b64", b64);
		g_free(b64);
	}
	g_free(hidden);
	const char *line =
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	fputs(line, t->f);
	fputc('\n', t->f);
	fflush(t->f);
	json_object_put(o);
}

bool trace_reopen(struct trace *t, char **err)
{
	if (!t)
		return true;
	FILE *f = open_trace(t->path, err);
	if (!f)
		return false;
	fclose(t->f);
	t->f = f;
	return true;
}

const char *trace_path(const struct trace *t)
{
	return t ? t->path : NULL;
}

void trace_close(struct trace *t)
{
	if (!t)
		return;
	fclose(t->f);
	g_free(t->path);
	g_free(t->component);
	g_ptr_array_unref(t->secrets);
	g_free(t);
}
