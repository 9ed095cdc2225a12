/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ladder: see ladder.h; the rows both drawings share (ladder_draw.h). The text is drawn by
 * ladder_text.c, the HTML by ladder_html.c. */
#include "config.h"
#include "ladder.h"
#include "ladder_draw.h"

#include <string.h>

#include <sofia-sip/msg.h>
#include <sofia-sip/sdp.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_parser.h>

#include "evlog.h"
#include "msdp.h"
#include "parse.h"
#include "print.h"

/* Per protocol (enum trace_proto): the ANSI colour and the SVG colour. */
static const struct {
	const char *ansi, *svg;
} protos[] = {
	[TRACE_PROTO_SIP] = { "\033[34m", "#1f5fbf" },   [TRACE_PROTO_H248] = { "\033[32m", "#2e7d32" },
	[TRACE_PROTO_TCP] = { "\033[90m", "#616161" },   [TRACE_PROTO_TLS] = { "\033[33m", "#c25e00" },
	[TRACE_PROTO_DATA] = { "\033[35m", "#7b1fa2" },  [TRACE_PROTO_UDP] = { "\033[90m", "#616161" },
	[TRACE_PROTO_MSRP] = { "\033[35m", "#7b1fa2" },  [TRACE_PROTO_BFCP] = { "\033[36m", "#00838f" },
	[TRACE_PROTO_OTHER] = { "\033[90m", "#616161" },
};

static unsigned proto_of(const struct lab_event *e)
{
	return e->k < TRACE_KIND_COUNT ? trace_kinds[e->k].proto : TRACE_PROTO_OTHER;
}

enum ladder_shape ladder_shape_of(const struct lab_event *e)
{
	if (e->k >= TRACE_KIND_COUNT)
		return LADDER_UNKNOWN;
	switch (trace_kinds[e->k].draw) {
	case TRACE_DRAW_ALG_ARROW: /* the other end's record of it is the same text; not the periodic audit */
		return e->component && !strcmp(e->component, "ims-alg") &&
			       !(e->raw && strstr(e->raw, "AuditValue = ROOT"))
			   ? LADDER_ARROW
			   : LADDER_NONE;
	case TRACE_DRAW_ARROW:
		return LADDER_ARROW;
	case TRACE_DRAW_NOTE:
		return LADDER_NOTE;
	case TRACE_DRAW_IGNORED:
	case TRACE_DRAW_COUNT:
		break;
	}
	return LADDER_NONE;
}

GPtrArray *ladder_events(GPtrArray *events)
{
	GPtrArray *out = g_ptr_array_new();
	GString *unknown = g_string_new(NULL);
	unsigned n_unknown = 0;
	for (guint i = 0; i < events->len; i++) {
		struct lab_event *e = events->pdata[i];
		enum ladder_shape shape = ladder_shape_of(e);
		if (shape == LADDER_UNKNOWN && n_unknown++ < 8)
			g_string_append_printf(unknown, "%s\"%s\"", unknown->len ? ", " : "", e->kind);
		if (shape != LADDER_NONE)
			g_ptr_array_add(out, e);
	}
	if (n_unknown) /* drawn, never dropped: a kind the table misses is a bug to see */
		g_printerr(
		    "ims-lab: ladder: %u event%s of a kind not in the table of trace kinds (%s%s), drawn "
		    "as notes\n",
		    n_unknown, n_unknown == 1 ? "" : "s", unknown->str, n_unknown > 8 ? ", …" : "");
	g_string_free(unknown, TRUE);
	return out;
}

/* ---- what an arrow says: a head line and the detail under it ---- */

/* The SDP fields the seeds' figures name: c=, the m= port and transport, a=setup, a=3ge2ae, a=fingerprint;
 * "$" where an H.248 descriptor leaves the choice to the gateway. */
static void sdp_detail(GString *d, const struct msdp *s)
{
	if (s->addr_choose)
		g_string_append(d, "c=$");
	else
		g_string_append_printf(d, "c=%s", s->addr);
	if (s->port_choose)
		g_string_append_printf(d, " m=$ %s", s->proto);
	else
		g_string_append_printf(d, " m=%u %s", s->port, s->proto);
	if (s->setup)
		g_string_append_printf(d, " a=setup:%s", msdp_setup_names[s->setup]);
	if (*s->e2ae)
		g_string_append_printf(d, " a=3ge2ae:%s", s->e2ae);
	if (s->fingerprint_choose)
		g_string_append(d, " a=fingerprint:$");
	for (unsigned i = 0; i < s->nfingerprints; i++)
		g_string_append_printf(d, " a=fingerprint:%s %s", s->fingerprints[i].hash,
				       s->fingerprints[i].value);
}

static void sip_text(struct lab_event *e, GString *head, GString *detail)
{
	const sip_t *sip = evlog_sip(e);
	const struct msdp *sdp = evlog_sdp(e);
	if (sip && sip->sip_request)
		g_string_append(head, sip->sip_request->rq_method_name);
	else if (sip && sip->sip_status)
		g_string_append_printf(head, "%d %s", sip->sip_status->st_status, sip->sip_status->st_phrase);
	if (sip && sip->sip_cseq && sip->sip_status)
		g_string_append_printf(head, " (%s)", sip->sip_cseq->cs_method_name);
	if (sdp)
		sdp_detail(detail, sdp);
}

static void str_append(GString *s, struct h248_str v)
{
	g_string_append_len(s, v.p, (gssize)v.n);
}

/* Under an H.248 command, depth first: each Local and Remote (L, R) and each package item (realm,
 * filters, signals, events, statistics). */
static void h248_detail(GString *detail, const struct h248_node *n)
{
	for (const struct h248_node *k = n->first; k; k = k->next) {
		struct msdp s = { 0 };
		char *err = NULL;
		struct h248_str sdp = h248_sdp(k);
		if ((k->tok == H248_TOK_LOCAL || k->tok == H248_TOK_REMOTE) &&
		    msdp_parse(sdp.p, sdp.n, &s, &err)) {
			g_string_append_printf(detail, "%s%s ", detail->len ? "; " : "",
					       k->tok == H248_TOK_LOCAL ? "L" : "R");
			sdp_detail(detail, &s);
		} else if (k->kind == H248_NODE_PROP && k->name.n && memchr(k->name.p, '/', k->name.n)) {
			g_string_append(detail, detail->len ? ", " : "");
			str_append(detail, k->name);
			if (k->rel && k->value.text.n) {
				g_string_append(detail, "=");
				str_append(detail, k->value.text);
			}
		}
		msdp_clear(&s);
		g_free(err);
		h248_detail(detail, k);
	}
}

/* "Reply C=1 Add co/1, Modify ac/2 Error 510": the transactions, their contexts and commands */
static void h248_text(struct lab_event *e, GString *head, GString *detail)
{
	const struct h248_msg *m = evlog_h248(e);
	for (const struct h248_node *t = m ? m->first : NULL; t; t = t->next) {
		g_string_append(head, t->tok == H248_TOK_REPLY ? "Reply " : "");
		for (const struct h248_node *c = t->first; c; c = c->next) {
			if (c->tok == H248_TOK_ERROR || c->tok == H248_TOK_CONTEXT) {
				g_string_append(head, c->tok == H248_TOK_ERROR ? "Error " : "C=");
				str_append(head, c->value.text);
				g_string_append(head, " ");
			}
			for (const struct h248_node *cmd = c->first; c->tok == H248_TOK_CONTEXT && cmd;
			     cmd = cmd->next) {
				if (cmd->kind != H248_NODE_TOKEN)
					continue;
				g_string_append_printf(head, "%s%s ",
						       g_str_has_suffix(head->str, " ") ? "" : ", ",
						       h248_tokens[cmd->tok].pretty);
				str_append(head, cmd->value.text);
				for (const struct h248_node *k = cmd->first; k; k = k->next)
					if (k->tok == H248_TOK_ERROR) { /* the command refused */
						g_string_append(head, " Error ");
						str_append(head, k->value.text);
					}
				h248_detail(detail, cmd);
			}
		}
	}
	if (!m)
		g_string_append(head, e->summary ? e->summary : "H.248");
}

static void describe(struct lab_event *e, GString *head, GString *detail)
{
	enum trace_proto proto = proto_of(e);
	if (proto == TRACE_PROTO_SIP && e->raw)
		sip_text(e, head, detail);
	else if (proto == TRACE_PROTO_H248)
		h248_text(e, head, detail);
	else
		g_string_append_printf(head, "%s%s", e->k == TRACE_TLS_UP ? "TLS up " : "",
				       e->summary ? e->summary : e->kind);
	if (e->k == TRACE_TCP_SYN || e->k == TRACE_TCP_ACCEPT)
		g_string_append_printf(detail, "%s%s -> %s", detail->len ? " " : "", e->from ? e->from : "?",
				       e->to ? e->to : "?");
}

/* Events one side observes rather than sends (trace_kinds.h), and those of a kind the table does not
 * know: drawn as a note at that side (the event's "to"). */
static bool is_note(const struct lab_event *e)
{
	enum ladder_shape shape = ladder_shape_of(e);
	return shape == LADDER_NOTE || shape == LADDER_UNKNOWN;
}

static int column_of(const struct ladder_column *cols, unsigned n, const char *key)
{
	for (unsigned i = 0; key && i < n; i++)
		if (!strcmp(cols[i].key, key))
			return (int)i;
	return -1;
}

/* ---- rows ---- */

GArray *ladder_rows(const struct ladder_column *cols, unsigned ncols, GPtrArray *events)
{
	GArray *rows = g_array_sized_new(FALSE, TRUE, sizeof(struct ladder_row), events->len);
	double t0 = events->len ? ((struct lab_event *)events->pdata[0])->t : 0;
	for (guint i = 0; i < events->len; i++) {
		struct lab_event *e = events->pdata[i];
		struct ladder_row r = { .e = e, .head = g_string_new(NULL), .detail = g_string_new(NULL) };
		int a = is_note(e) ? -1 : column_of(cols, ncols, e->src), b = column_of(cols, ncols, e->dst);
		r.arrow = a >= 0 && b >= 0 && a != b;
		r.a = r.arrow ? a : a >= 0 ? a : MAX(b, 0);
		r.b = r.arrow ? b : r.a;
		describe(e, r.head, r.detail);
		if (!r.arrow) {
			g_string_prepend_c(r.head, '[');
			g_string_append_c(r.head, ']');
		}
		r.label = e->label ? e->label : "";
		r.ms = (e->t - t0) * 1000;
		r.ansi = protos[proto_of(e)].ansi, r.svg = protos[proto_of(e)].svg;
		g_array_append_val(rows, r);
	}
	return rows;
}

void ladder_rows_free(GArray *rows)
{
	for (guint i = 0; i < rows->len; i++) {
		struct ladder_row *r = &g_array_index(rows, struct ladder_row, i);
		g_string_free(r->head, TRUE), g_string_free(r->detail, TRUE);
	}
	g_array_free(rows, TRUE);
}

/* ---- wrapping ---- */

unsigned ladder_chars(const char *s)
{
	return g_utf8_validate(s, -1, NULL) ? (unsigned)g_utf8_strlen(s, -1) : (unsigned)strlen(s);
}

/* Bytes of s's first n characters. */
static size_t bytes_of(const char *s, unsigned n)
{
	if (!g_utf8_validate(s, -1, NULL))
		return MIN(n, strlen(s));
	return (size_t)(g_utf8_offset_to_pointer(s, MIN((glong)n, g_utf8_strlen(s, -1))) - s);
}

char *ladder_fit(const char *text, unsigned width, const char **rest)
{
	size_t end = 0; /* bytes of the words taken */
	for (const char *p = text; *p;) {
		const char *space = strchr(p, ' ');
		size_t next = space ? (size_t)(space - text) : strlen(text);
		char *cand = g_strndup(text, next);
		bool fits = ladder_chars(cand) <= width;
		g_free(cand);
		if (!fits)
			break;
		end = next;
		if (!space)
			break;
		p = space + 1;
	}
	const char *r = text + end;
	while (*r == ' ')
		r++;
	*rest = r;
	return g_strndup(text, end);
}

char **ladder_wrap(const char *text, unsigned width)
{
	GPtrArray *lines = g_ptr_array_new();
	width = MAX(width, 1);
	for (const char *rest = text; *rest;) {
		const char *after;
		char *line = ladder_fit(rest, width, &after);
		if (!*line) { /* one word wider than a line: cut */
			g_free(line);
			size_t n = bytes_of(rest, width);
			line = g_strndup(rest, n);
			after = rest + n;
			while (*after == ' ')
				after++;
		}
		g_ptr_array_add(lines, line);
		rest = after;
	}
	g_ptr_array_add(lines, NULL);
	return (char **)g_ptr_array_free(lines, FALSE);
}
