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
	{ "data.", "\033[35m", "#7b1fa2" }, { "udp.", "\033[90m", "#616161" },
	{ "msrp.", "\033[35m", "#7b1fa2" }, { "bfcp.", "\033[36m", "#00838f" },
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
	       g_str_has_prefix(e->kind, "data.") || g_str_has_prefix(e->kind, "udp.") ||
	       /* MSRP and BFCP as their sender traced them: each message once */
	       !strcmp(e->kind, "msrp.tx") || !strcmp(e->kind, "bfcp.tx");
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
		struct msdp s;
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

/* Events one side observes rather than sends: drawn as a note at that side (the event's "to"). A
 * close_notify received is one: its sender (a lab UE) draws the arrow, an outside peer none. */
static bool is_note(const struct lab_event *e)
{
	return !strcmp(e->kind, "tcp.accept") || !strcmp(e->kind, "tls.up") ||
	       !strcmp(e->kind, "tls.close_notify_rx") || g_str_has_prefix(e->kind, "udp.");
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
		struct lab_event *e = events->pdata[i];
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
		struct lab_event *e = events->pdata[i];
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
