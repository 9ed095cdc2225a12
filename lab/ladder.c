/* ladder: see ladder.h. */
#include "config.h"
#include "ladder.h"

#include <string.h>

#include <sofia-sip/msg.h>
#include <sofia-sip/sdp.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_parser.h>

#include "evlog.h"
#include "msdp.h"
#include "parse.h"
#include "print.h"

/* Per protocol: the prefix of the kinds, the ANSI colour and the SVG colour. */
static const struct {
	const char *prefix, *ansi, *svg;
} protos[] = {
	{ "sip.", "\033[34m", "#1f5fbf" },  { "h248.", "\033[32m", "#2e7d32" },
	{ "tcp.", "\033[90m", "#616161" },  { "tls.", "\033[33m", "#c25e00" },
	{ "data.", "\033[35m", "#7b1fa2" },
};

static unsigned proto_of(const struct lab_event *e)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(protos); i++)
		if (g_str_has_prefix(e->kind, protos[i].prefix))
			return i;
	return 0;
}

static bool worth(const struct lab_event *e)
{
	if (g_str_has_prefix(e->kind, "sip.") || g_str_has_prefix(e->kind, "h248."))
		/* ims-alg's view only (the gateway's H.248 is the same text), without the periodic audit */
		return !strcmp(e->component, "ims-alg") && !(e->raw && strstr(e->raw, "AuditValue = ROOT"));
	return g_str_has_prefix(e->kind, "tcp.") || g_str_has_prefix(e->kind, "tls.") ||
	       g_str_has_prefix(e->kind, "data.");
}

GPtrArray *ladder_events(GPtrArray *events)
{
	GPtrArray *out = g_ptr_array_new();
	for (guint i = 0; i < events->len; i++)
		if (worth(events->pdata[i]))
			g_ptr_array_add(out, events->pdata[i]);
	return out;
}

/* ---- what an arrow says: a head line and the detail under it ---- */

static void sdp_detail(GString *d, const char *body, size_t len)
{
	su_home_t *home = su_home_new(sizeof *home);
	sdp_parser_t *pa = sdp_parse(home, body, (issize_t)len, 0);
	sdp_session_t *s = sdp_session(pa);
	for (const sdp_media_t *m = s ? s->sdp_media : NULL; m; m = m->m_next) {
		const sdp_connection_t *c = m->m_connections ? m->m_connections : s->sdp_connection;
		g_string_append_printf(d, "c=%s m=%lu %s", c && c->c_address ? c->c_address : "?", m->m_port,
				       m->m_proto_name ? m->m_proto_name : "?");
		static const char *const shown[] = { "setup", "3ge2ae", "fingerprint" };
		for (unsigned i = 0; i < G_N_ELEMENTS(shown); i++) {
			const sdp_attribute_t *a = sdp_attribute_find(m->m_attributes, shown[i]);
			if (a)
				g_string_append_printf(d, " a=%s:%s", shown[i], a->a_value ? a->a_value : "");
		}
	}
	sdp_parser_free(pa);
	su_home_unref(home);
}

static void sip_text(const struct lab_event *e, GString *head, GString *detail)
{
	msg_t *m = msg_make(sip_default_mclass(), 0, e->raw, (ssize_t)e->raw_len);
	sip_t *sip = sip_object(m);
	if (sip && sip->sip_request)
		g_string_append(head, sip->sip_request->rq_method_name);
	else if (sip && sip->sip_status)
		g_string_append_printf(head, "%d %s", sip->sip_status->st_status, sip->sip_status->st_phrase);
	if (sip && sip->sip_cseq && sip->sip_status)
		g_string_append_printf(head, " (%s)", sip->sip_cseq->cs_method_name);
	if (sip && sip->sip_payload && sip->sip_payload->pl_len)
		sdp_detail(detail, sip->sip_payload->pl_data, sip->sip_payload->pl_len);
	msg_destroy(m);
}

static void str_append(GString *s, struct h248_str v)
{
	g_string_append_len(s, v.p, (gssize)v.n);
}

/* "Add $ core TCP/MSRP $ actpass" for each command of a transaction or reply */
static void h248_command(GString *head, GString *detail, const struct h248_node *cmd)
{
	g_string_append_printf(head, "%s%s ", g_str_has_suffix(head->str, " ") ? "" : ", ",
			       h248_tokens[cmd->tok].pretty);
	str_append(head, cmd->value.text);
	for (const struct h248_node *k = cmd->first; k; k = k->next)
		if (k->tok == H248_TOK_ERROR) {
			g_string_append(head, " Error ");
			str_append(head, k->value.text);
		}
	GPtrArray *stack = g_ptr_array_new();
	g_ptr_array_add(stack, (void *)cmd);
	while (stack->len) { /* every Local, Remote, signal and event under the command, depth first */
		const struct h248_node *n = g_ptr_array_steal_index(stack, stack->len - 1);
		GPtrArray *kids = g_ptr_array_new();
		for (const struct h248_node *k = n->first; k; k = k->next)
			g_ptr_array_add(kids, (void *)k);
		for (guint i = kids->len; i-- > 0;)
			g_ptr_array_add(stack, kids->pdata[i]);
		g_ptr_array_free(kids, TRUE);
		if (n->tok == H248_TOK_LOCAL || n->tok == H248_TOK_REMOTE) {
			struct msdp s;
			char *err = NULL, port[12] = "$";
			if (msdp_parse(n->octets.p, n->octets.n, &s, &err)) {
				if (!s.port_choose)
					snprintf(port, sizeof port, "%u", s.port);
				g_string_append_printf(
				    detail, "%s%s %s:%s %s a=setup:%s", detail->len ? "; " : "",
				    n->tok == H248_TOK_LOCAL ? "L" : "R", s.addr_choose ? "$" : s.addr, port,
				    s.proto, msdp_setup_names[s.setup]);
				if (s.fingerprint_choose)
					g_string_append(detail, " a=fingerprint:$");
				else if (s.nfingerprints)
					g_string_append_printf(detail, " a=fingerprint:%s %s",
							       s.fingerprints[0].hash,
							       s.fingerprints[0].value);
			}
			g_free(err);
		} else if (n->kind == H248_NODE_PROP && n != cmd && n->name.n &&
			   memchr(n->name.p, '/', n->name.n)) {
			g_string_append(detail, detail->len ? ", " : "");
			str_append(detail, n->name);
			if (n->rel && n->value.text.n) {
				g_string_append(detail, "=");
				str_append(detail, n->value.text);
			}
		}
	}
	g_ptr_array_free(stack, TRUE);
}

static void h248_text(const struct lab_event *e, GString *head, GString *detail)
{
	struct h248_error err;
	struct h248_msg *m = e->raw ? h248_parse(e->raw, e->raw_len, NULL, &err) : NULL;
	for (const struct h248_node *t = m ? m->first : NULL; t; t = t->next) {
		g_string_append(head, t->tok == H248_TOK_REPLY ? "Reply " : "");
		for (const struct h248_node *c = t->first; c; c = c->next) {
			if (c->tok == H248_TOK_ERROR) {
				g_string_append(head, "Error ");
				str_append(head, c->value.text);
				continue;
			}
			if (c->tok != H248_TOK_CONTEXT)
				continue;
			g_string_append(head, "C=");
			str_append(head, c->value.text);
			g_string_append(head, " ");
			for (const struct h248_node *cmd = c->first; cmd; cmd = cmd->next)
				if (cmd->kind == H248_NODE_TOKEN && cmd->tok != H248_TOK_ERROR)
					h248_command(head, detail, cmd);
		}
	}
	if (!m)
		g_string_append(head, e->summary ? e->summary : "H.248");
	h248_msg_free(m);
}

static void describe(const struct lab_event *e, GString *head, GString *detail)
{
	if (g_str_has_prefix(e->kind, "sip.") && e->raw)
		sip_text(e, head, detail);
	else if (g_str_has_prefix(e->kind, "h248."))
		h248_text(e, head, detail);
	else
		g_string_append_printf(head, "%s%s", !strcmp(e->kind, "tls.up") ? "TLS up " : "",
				       e->summary ? e->summary : e->kind);
	if (!strcmp(e->kind, "tcp.syn") || !strcmp(e->kind, "tcp.accept"))
		g_string_append_printf(detail, "%s%s -> %s", detail->len ? " " : "", e->from ? e->from : "?",
				       e->to ? e->to : "?");
}

/* Events one side observes rather than sends: drawn as a note at that side (the event's "to"). */
static bool is_note(const struct lab_event *e)
{
	return !strcmp(e->kind, "tcp.accept") || !strcmp(e->kind, "tls.up");
}

static int column_of(const struct ladder_column *cols, unsigned n, const char *key)
{
	for (unsigned i = 0; key && i < n; i++)
		if (!strcmp(cols[i].key, key))
			return (int)i;
	return -1;
}

/* ---- text ---- */

enum { LEFT = 24, COL = 26 };

static void put_lifelines(GString *line, unsigned ncols)
{
	g_string_append_printf(line, "%*s", LEFT, "");
	for (unsigned i = 0; i < ncols; i++)
		g_string_append_printf(line, "%-*s", COL, "|");
}

void ladder_text(FILE *out, const char *title, const struct ladder_column *cols, unsigned ncols,
		 GPtrArray *events, gboolean colour)
{
	fprintf(out, "%s\n%-*s", title, LEFT, "step               ms");
	for (unsigned i = 0; i < ncols; i++)
		fprintf(out, "%-*s", COL, cols[i].title);
	fputc('\n', out);
	double t0 = events->len ? ((struct lab_event *)events->pdata[0])->t : 0;
	for (guint i = 0; i < events->len; i++) {
		const struct lab_event *e = events->pdata[i];
		int a = is_note(e) ? -1 : column_of(cols, ncols, e->src), b = column_of(cols, ncols, e->dst);
		GString *head = g_string_new(NULL), *detail = g_string_new(NULL), *line = g_string_new(NULL);
		describe(e, head, detail);
		put_lifelines(line, ncols);
		char stamp[LEFT + 1];
		snprintf(stamp, sizeof stamp, "%-12.12s %8.1f ", e->label ? e->label : "",
			 (e->t - t0) * 1000);
		memcpy(line->str, stamp, strlen(stamp));
		if (a >= 0 && b >= 0 && a != b) {
			int from = LEFT + COL * MIN(a, b), to = LEFT + COL * MAX(a, b), span = to - from - 1;
			for (int k = from + 1; k < to; k++)
				line->str[k] = '-';
			line->str[a < b ? to - 1 : from + 1] = a < b ? '>' : '<';
			int room = span - 4, n = MIN((int)head->len, room);
			if (n > 0)
				memcpy(line->str + from + 2 + (room - n) / 2 + 1, head->str, (size_t)n);
		} else { /* a note at its one known column */
			int at = a >= 0 ? a : MAX(b, 0);
			char *text = g_strdup_printf("[%s]", head->str);
			size_t pos = (size_t)(LEFT + COL * at + 2);
			g_string_truncate(line, MIN(line->len, pos));
			g_string_append(line, text);
			g_free(text);
		}
		const char *on = colour ? protos[proto_of(e)].ansi : "", *off = colour ? "\033[0m" : "";
		fprintf(out, "%s%s%s\n", on, g_strchomp(line->str), off);
		if (detail->len) {
			GString *more = g_string_new(NULL);
			put_lifelines(more, ncols);
			g_string_truncate(more, LEFT + 2);
			fprintf(out, "%s%s%s%s\n", on, more->str, detail->str, off);
			g_string_free(more, TRUE);
		}
		g_string_free(head, TRUE), g_string_free(detail, TRUE), g_string_free(line, TRUE);
	}
}

/* ---- HTML and SVG ---- */

static void escape(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		switch (s[i]) {
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '&':
			fputs("&amp;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\r':
			break;
		default:
			if ((unsigned char)s[i] < 0x20 && s[i] != '\n')
				fprintf(out, "\\x%02x", (unsigned char)s[i]);
			else
				fputc(s[i], out);
		}
}

static void escape_str(FILE *out, const char *s)
{
	escape(out, s, strlen(s));
}

void ladder_html(FILE *out, const char *title, const struct ladder_column *cols, unsigned ncols,
		 GPtrArray *events)
{
	const int left = 150, col = 260, top = 60, row = 38;
	int width = left + col * (int)ncols, height = top + row * (int)events->len + 40;
	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", out);
	escape_str(out, title);
	fputs("</title>\n<style>body{font-family:sans-serif;margin:16px}svg text{font-family:monospace;"
	      "font-size:11px}.head{font-size:13px;font-weight:bold}.detail{fill:#555;font-size:10px}"
	      "</style></head><body>\n<h1>",
	      out);
	escape_str(out, title);
	fputs(
	    "</h1>\n<p>Time runs down. Each arrow is one message or TCP/TLS event, from the side that sent "
	    "it; "
	    "the left margin gives the seed step an expectation matched it to and the milliseconds since the "
	    "first event. Hover an arrow for the message as it was on the wire.</p>\n",
	    out);
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">\n", width,
		height);
	fputs("<defs><marker id=\"a\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" refY=\"4\" "
	      "orient=\"auto\">"
	      "<path d=\"M0,0 L8,4 L0,8 z\"/></marker></defs>\n",
	      out);
	for (unsigned i = 0; i < ncols; i++) {
		int x = left + col * (int)i + col / 2;
		fprintf(out, "<text class=\"head\" x=\"%d\" y=\"30\" text-anchor=\"middle\">", x);
		escape_str(out, cols[i].title);
		fprintf(out, "</text><line x1=\"%d\" y1=\"40\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>\n", x, x,
			height - 10);
	}
	double t0 = events->len ? ((struct lab_event *)events->pdata[0])->t : 0;
	for (guint i = 0; i < events->len; i++) {
		const struct lab_event *e = events->pdata[i];
		int a = is_note(e) ? -1 : column_of(cols, ncols, e->src), b = column_of(cols, ncols, e->dst),
		    y = top + row * (int)i;
		const char *colour = protos[proto_of(e)].svg;
		GString *head = g_string_new(NULL), *detail = g_string_new(NULL);
		describe(e, head, detail);
		fprintf(out, "<g><title>%s %s → %s\n", e->kind, e->from ? e->from : "", e->to ? e->to : "");
		if (e->raw)
			escape(out, e->raw, e->raw_len);
		fputs("</title>\n", out);
		fprintf(
		    out,
		    "<text x=\"4\" y=\"%d\">%s</text><text class=\"detail\" x=\"90\" y=\"%d\">%.1f</text>\n",
		    y, e->label ? e->label : "", y, (e->t - t0) * 1000);
		int xa = left + col * MAX(a, 0) + col / 2, xb = left + col * MAX(b, 0) + col / 2;
		if (a >= 0 && b >= 0 && a != b) {
			fprintf(out,
				"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
				"stroke-width=\"1.5\" "
				"marker-end=\"url(#a)\"/>\n",
				xa, y, xb, y, colour);
			xa = (xa + xb) / 2;
		} else {
			xa = a >= 0 ? xa : xb;
		}
		fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">", xa, y - 4,
			colour);
		escape_str(out, head->str);
		fprintf(out, "</text><text class=\"detail\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">", xa,
			y + 12);
		escape_str(out, detail->str);
		fputs("</text></g>\n", out);
		g_string_free(head, TRUE), g_string_free(detail, TRUE);
	}
	fputs("</svg>\n</body></html>\n", out);
}
