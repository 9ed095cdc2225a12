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
	char *component;
};

struct trace *trace_open(const char *path, const char *component, char **err)
{
	/* owner only: a trace holds every SIP and H.248 message, and with them who called whom */
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		*err = g_strdup_printf("%s: cannot open the trace file: %s", path, g_strerror(errno));
		return NULL;
	}
	struct trace *t = g_new0(struct trace, 1);
	t->f = f;
	t->component = g_strdup(component);
	return t;
}

static void add_str(json_object *o, const char *key, const char *value)
{
	if (value)
		json_object_object_add(o, key, json_object_new_string(value));
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
	add_str(o, "kind", ev->kind);
	json_object *ids = json_object_new_object();
	add_str(ids, "call", ev->call);
	add_str(ids, "ctx", ev->ctx);
	add_str(ids, "term", ev->term);
	add_str(ids, "tid", ev->tid);
	json_object_object_add(o, "ids", ids);
	add_str(o, "from", ev->from);
	add_str(o, "to", ev->to);
	add_str(o, "summary", ev->summary);
	if (ev->raw && g_utf8_validate_len(ev->raw, ev->raw_len, NULL)) {
		json_object_object_add(o, "raw", json_object_new_string_len(ev->raw, (int)ev->raw_len));
	} else if (ev->raw) {
		gchar *b64 = g_base64_encode((const guchar *)ev->raw, ev->raw_len);
		add_str(o, "raw_b64", b64);
		g_free(b64);
	}
	const char *line =
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	fputs(line, t->f);
	fputc('\n', t->f);
	fflush(t->f);
	json_object_put(o);
}

void trace_close(struct trace *t)
{
	if (!t)
		return;
	fclose(t->f);
	g_free(t->component);
	g_free(t);
}
