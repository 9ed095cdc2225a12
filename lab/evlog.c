/* SPDX-License-Identifier: GPL-3.0-or-later */
/* evlog: see evlog.h. */
#include "config.h"
#include "evlog.h"

#include <json-c/json.h>
#include <sofia-sip/sip_parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "msdp.h"
#include "parse.h"

struct owner {
	uint16_t lo, hi;
	const char *column;
};

struct file {
	char *path;
	long off;
};

struct evlog {
	GPtrArray *files, *events;
	GArray *owners;
};

static void event_free(gpointer p)
{
	struct lab_event *e = p;
	g_free(e->component), g_free(e->kind), g_free(e->from), g_free(e->to), g_free(e->summary);
	g_free(e->ctx), g_free(e->term), g_free(e->raw), g_free(e->label);
	h248_msg_free(e->h248);
	if (e->sip)
		msg_destroy(e->sip);
	msdp_free(e->sdp);
	g_free(e);
}

static void file_free(gpointer p)
{
	struct file *f = p;
	g_free(f->path);
	g_free(f);
}

struct evlog *evlog_new(void)
{
	struct evlog *l = g_new0(struct evlog, 1);
	l->files = g_ptr_array_new_with_free_func(file_free);
	l->events = g_ptr_array_new_with_free_func(event_free);
	l->owners = g_array_new(FALSE, FALSE, sizeof(struct owner));
	return l;
}

void evlog_free(struct evlog *l)
{
	if (!l)
		return;
	g_ptr_array_free(l->files, TRUE);
	g_ptr_array_free(l->events, TRUE);
	g_array_free(l->owners, TRUE);
	g_free(l);
}

void evlog_add_file(struct evlog *l, const char *path)
{
	struct file *f = g_new0(struct file, 1);
	f->path = g_strdup(path);
	g_ptr_array_add(l->files, f);
}

void evlog_own(struct evlog *l, uint16_t lo, uint16_t hi, const char *column)
{
	g_array_append_val(l->owners, ((struct owner){ lo, hi, column }));
}

const char *evlog_column(const struct evlog *l, const char *addr)
{
	const char *colon = addr ? strrchr(addr, ':') : NULL;
	if (!colon)
		return NULL;
	long port = strtol(colon + 1, NULL, 10);
	for (guint i = l->owners->len; i-- > 0;) { /* the latest claim wins: ports are reused */
		const struct owner *o = &g_array_index(l->owners, struct owner, i);
		if (port >= o->lo && port <= o->hi)
			return o->column;
	}
	return NULL;
}

/* "2026-11-21T11:42:00.123456Z" as seconds since the epoch. */
static double stamp(const char *ts)
{
	struct tm tm = { 0 };
	int usec = 0;
	if (!ts || sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2d.%6dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &usec) != 7)
		return 0;
	tm.tm_year -= 1900, tm.tm_mon -= 1;
	return (double)timegm(&tm) + usec / 1e6;
}

static char *member(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) ? g_strdup(json_object_get_string(v)) : NULL;
}

static struct lab_event *event_of(const struct evlog *l, json_object *o)
{
	struct lab_event *e = g_new0(struct lab_event, 1);
	char *ts = member(o, "ts"), *b64 = member(o, "raw_b64");
	e->t = stamp(ts);
	e->component = member(o, "component"), e->kind = member(o, "kind");
	e->k = trace_kind_of(e->kind);
	e->from = member(o, "from"), e->to = member(o, "to"), e->summary = member(o, "summary");
	json_object *ids;
	if (json_object_object_get_ex(o, "ids", &ids))
		e->ctx = member(ids, "ctx"), e->term = member(ids, "term");
	if ((e->raw = member(o, "raw"))) {
		e->raw_len = strlen(e->raw);
	} else if (b64) {
		gsize n;
		guchar *bytes = g_base64_decode(b64, &n);
		e->raw = g_realloc(bytes, n + 1);
		e->raw[n] = 0;
		e->raw_len = n;
	}
	e->src = evlog_column(l, e->from), e->dst = evlog_column(l, e->to);
	g_free(ts), g_free(b64);
	return e;
}

static gint by_time(gconstpointer a, gconstpointer b)
{
	const struct lab_event *x = *(struct lab_event *const *)a, *y = *(struct lab_event *const *)b;
	return x->t < y->t ? -1 : x->t > y->t;
}

void evlog_read(struct evlog *l)
{
	bool more = false;
	for (guint i = 0; i < l->files->len; i++) {
		struct file *f = l->files->pdata[i];
		FILE *in = fopen(f->path, "r");
		if (!in || fseek(in, f->off, SEEK_SET) != 0) {
			if (in)
				fclose(in);
			continue;
		}
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;
		while ((n = getline(&line, &cap, in)) > 0 && line[n - 1] == '\n') { /* whole lines only */
			f->off += n;
			json_object *o = json_tokener_parse(line);
			json_object *kind = NULL, *component = NULL; /* an event says what it is and who traced it */
			if (o && json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, "kind", &kind) &&
			    kind && json_object_object_get_ex(o, "component", &component) && component) {
				g_ptr_array_add(l->events, event_of(l, o));
				more = true;
			}
			json_object_put(o);
		}
		free(line);
		fclose(in);
	}
	if (more)
		g_ptr_array_sort(l->events, by_time); /* a stable merge sort: equal times keep file order */
	for (guint i = 0; i < l->events->len; i++) {  /* ports claimed since an event was read */
		struct lab_event *e = l->events->pdata[i];
		if (!e->src)
			e->src = evlog_column(l, e->from);
		if (!e->dst)
			e->dst = evlog_column(l, e->to);
	}
}

static void parse_once(struct lab_event *e)
{
	if (e->parsed || !e->raw)
		return;
	e->parsed = true;
	if (e->k < TRACE_KIND_COUNT && trace_kinds[e->k].proto == TRACE_PROTO_H248) {
		struct h248_error err;
		e->h248 = h248_parse(e->raw, e->raw_len, NULL, &err);
		return;
	}
	if (e->k >= TRACE_KIND_COUNT || trace_kinds[e->k].proto != TRACE_PROTO_SIP)
		return;
	e->sip = msg_make(sip_default_mclass(), 0, e->raw, (ssize_t)e->raw_len);
	const sip_t *sip = sip_object(e->sip);
	struct msdp s = { 0 };
	char *err = NULL;
	if (sip && sip->sip_payload && sip->sip_payload->pl_len &&
	    msdp_parse(sip->sip_payload->pl_data, sip->sip_payload->pl_len, &s, &err))
		*(e->sdp = g_new(struct msdp, 1)) = s; /* what s holds is the event's now */
	g_free(err);
}

const struct h248_msg *evlog_h248(struct lab_event *e)
{
	parse_once(e);
	return e->h248;
}

const sip_t *evlog_sip(struct lab_event *e)
{
	parse_once(e);
	return e->sip ? sip_object(e->sip) : NULL;
}

const struct msdp *evlog_sdp(struct lab_event *e)
{
	parse_once(e);
	return e->sdp;
}

GPtrArray *evlog_events(const struct evlog *l)
{
	return l->events;
}
