/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ladder_html: the HTML ladder (ladder.h). Every text of the drawing is placed from the width its
 * characters take in the monospace font (LADDER_CHAR_EM): centred on its arrow or column where there is
 * room, shifted to stay within the drawing where not, and wrapped at spaces when wider than the drawing;
 * each row as tall as its lines. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evlog.h"
#include "ladder.h"
#include "ladder_draw.h"

/* font sizes and line heights (px) */
enum { HEAD = 11, DETAIL = 10, TITLE = 13, HEAD_LINE = 13, DETAIL_LINE = 12 };

enum {
	COL = 260, /* a column's width */
	TOP = 60,  /* the first row's arrow */
	GAP = 26,  /* from a row's last line to the next row's arrow */
	PAD = 4,   /* texts keep this far from the drawing's edges and the margin */
};

struct layout {
	double label_x, ms_x, left, width; /* the step, the milliseconds, the first column, the right edge */
	unsigned ncols;
};

/* Whole tenths of a px, down and up (the drawing's coordinates are positive). */
static double down(double v)
{
	return (double)(long)(v * 10) / 10;
}

static double up(double v)
{
	return down(v) < v ? down(v) + 0.1 : v;
}

static double char_px(int size)
{
	return size * LADDER_CHAR_EM;
}

static double text_px(const char *s, int size)
{
	return ladder_chars(s) * char_px(size);
}

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
		default: {
			/* the page is UTF-8: other bytes (a binary message) shown as \xNN */
			gunichar c = g_utf8_get_char_validated(s + i, (gssize)(n - i));
			if (((unsigned char)s[i] < 0x20 && s[i] != '\n') || c == (gunichar)-1 ||
			    c == (gunichar)-2) {
				fprintf(out, "\\x%02x", (unsigned char)s[i]);
			} else {
				size_t k = (size_t)(g_utf8_next_char(s + i) - (s + i));
				fwrite(s + i, 1, k, out);
				i += k - 1;
			}
		}
		}
}

static void escape_str(FILE *out, const char *s)
{
	escape(out, s, strlen(s));
}

/* One line of text starting at x, baseline y; attrs: more attributes ("" for none). */
static void put_text(FILE *out, double x, double y, int size, const char *attrs, const char *text)
{
	fprintf(out, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"%d\"%s>", x, y, size, attrs);
	escape_str(out, text);
	fputs("</text>", out);
}

/* Where a line w px wide starts: centred on centre, within the columns' part of the drawing. */
static double place(const struct layout *l, double centre, double w)
{
	double lo = l->left + PAD, hi = l->width - PAD;
	return down(MAX(lo, MIN(centre - w / 2, hi - w)));
}

static unsigned fit_chars(double px, int size)
{
	return (unsigned)MAX(1, px / char_px(size));
}

/* The characters of text's longest word. */
static unsigned longest_word(const char *text)
{
	unsigned most = 0;
	char **words = g_strsplit(text, " ", -1);
	for (char **w = words; *w; w++)
		most = MAX(most, ladder_chars(*w));
	g_strfreev(words);
	return most;
}

static double lifeline(const struct layout *l, int col)
{
	return l->left + COL * col + COL / 2;
}

/* The margin: as wide as the longest step and time. */
static struct layout lay_out(GArray *rows, unsigned ncols)
{
	struct layout l = { .label_x = PAD, .ncols = ncols };
	unsigned label = 4, ms = 3;
	for (guint i = 0; i < rows->len; i++) {
		const struct ladder_row *r = &g_array_index(rows, struct ladder_row, i);
		char stamp[32];
		snprintf(stamp, sizeof stamp, "%.1f", r->ms);
		label = MAX(label, ladder_chars(r->label)), ms = MAX(ms, (unsigned)strlen(stamp));
	}
	l.ms_x = up(l.label_x + label * char_px(HEAD) + 8);
	l.left = up(l.ms_x + ms * char_px(DETAIL) + 12);
	l.width = l.left + COL * ncols;
	return l;
}

/* One row: its head above the arrow (or the note), the detail under it. Returns the next row's y. */
static double put_row(FILE *out, const struct layout *l, const struct ladder_row *r, double top)
{
	double xa = lifeline(l, r->a), xb = lifeline(l, r->b), centre = (xa + xb) / 2,
	       all = l->width - l->left - 2 * PAD;
	/* the head over its arrow, or wider for a long word (a TLS session's description): cut only where
	 * a word is wider than the drawing */
	double span =
	    MAX(MAX(xb > xa ? xb - xa : xa - xb, COL * 1.2), longest_word(r->head->str) * char_px(HEAD));
	char **head = ladder_wrap(r->head->str, fit_chars(MIN(span, all), HEAD));
	char **detail = ladder_wrap(r->detail->str, fit_chars(all, DETAIL));
	unsigned nh = g_strv_length(head), nd = g_strv_length(detail);
	double y = top + HEAD_LINE * (nh ? nh - 1 : 0);
	struct lab_event *e = r->e;
	fprintf(out, "<g><title>%s %s → %s\n", e->kind, e->from ? e->from : "", e->to ? e->to : "");
	if (e->raw)
		escape(out, e->raw, e->raw_len);
	fputs("</title>\n", out);
	char ms[32], colour[48];
	snprintf(ms, sizeof ms, "%.1f", r->ms);
	snprintf(colour, sizeof colour, " fill=\"%s\"", r->svg);
	put_text(out, l->label_x, y, HEAD, " class=\"step\"", r->label);
	put_text(out, l->ms_x, y, DETAIL, " class=\"ms detail\"", ms);
	if (r->arrow)
		fprintf(out,
			"\n<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" "
			"stroke-width=\"1.5\" "
			"marker-end=\"url(#a)\"/>",
			xa, y, xb, y, r->svg);
	for (unsigned j = 0; j < nh; j++) {
		fputc('\n', out);
		put_text(out, place(l, centre, text_px(head[j], HEAD)), y - 4 - HEAD_LINE * (nh - 1 - j),
			 HEAD, colour, head[j]);
	}
	for (unsigned j = 0; j < nd; j++) {
		fputc('\n', out);
		put_text(out, place(l, centre, text_px(detail[j], DETAIL)), y + DETAIL_LINE * (j + 1), DETAIL,
			 " class=\"detail\"", detail[j]);
	}
	fputs("</g>\n", out);
	g_strfreev(head), g_strfreev(detail);
	return y + DETAIL_LINE * nd + GAP;
}

/* The verdict of the run above the drawing: for a failure the step and why. */
static void put_verdict(FILE *out, const struct ladder_verdict *v)
{
	if (!v || !v->verdict)
		return;
	bool pass = !strcmp(v->verdict, "PASS");
	fprintf(out, "<p class=\"verdict %s\"><b>%s</b>", pass ? "pass" : "fail", v->verdict);
	if (v->step) {
		fputs(" at step <b>", out);
		escape_str(out, v->step);
		fputs("</b>", out);
		if (v->step_title && *v->step_title) {
			fputs(" (", out);
			escape_str(out, v->step_title);
			fputs(")", out);
		}
	}
	if (v->why) {
		fputs(": <span class=\"why\">", out);
		escape_str(out, v->why);
		fputs("</span>", out);
	}
	fputs("</p>\n", out);
	if (v->unobserved) {
		fputs("<pre class=\"nobs\">not observable (never counted as passed):\n", out);
		escape_str(out, v->unobserved);
		fputs("</pre>\n", out);
	}
}

static void put_head(FILE *out, const char *title, const struct ladder_verdict *v)
{
	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", out);
	escape_str(out, title);
	fputs("</title>\n<style>body{font-family:sans-serif;margin:16px}svg text{font-family:monospace}"
	      ".head{font-weight:bold}.detail{fill:#555}.verdict{font-size:120%;padding:6px}"
	      ".pass{background:#e8f5e9}.fail{background:#ffebee;color:#b71c1c}</style></head><body>\n<h1>",
	      out);
	escape_str(out, title);
	fputs("</h1>\n", out);
	put_verdict(out, v);
	fputs(
	    "<p>Time runs down. Each arrow is one message or TCP/TLS event, from the side that sent it; the "
	    "left margin gives the seed step an expectation matched it to and the milliseconds since the "
	    "first event. Hover an arrow for the message as its sender traced it.</p>\n",
	    out);
}

void ladder_html(FILE *out, const char *title, const struct ladder_column *cols, unsigned ncols,
		 GPtrArray *events, const struct ladder_verdict *verdict)
{
	GArray *rows = ladder_rows(cols, ncols, events);
	struct layout l = lay_out(rows, ncols);
	put_head(out, title, verdict);
	/* the rows first, to know the height */
	char *body = NULL;
	size_t body_len = 0;
	FILE *mem = open_memstream(&body, &body_len);
	double y = TOP;
	for (guint i = 0; i < rows->len; i++)
		y = put_row(mem, &l, &g_array_index(rows, struct ladder_row, i), y);
	fclose(mem);
	double height = y + 10;
	fprintf(
	    out,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" data-char-em=\"%g\" "
	    "data-left=\"%.0f\">\n",
	    l.width, height, LADDER_CHAR_EM, l.left);
	fputs("<defs><marker id=\"a\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" refY=\"4\" "
	      "orient=\"auto\">"
	      "<path d=\"M0,0 L8,4 L0,8 z\"/></marker></defs>\n",
	      out);
	for (unsigned i = 0; i < ncols; i++) {
		double x = lifeline(&l, (int)i);
		char **words = ladder_wrap(cols[i].title, fit_chars(COL - 2 * PAD, TITLE));
		const char *t = words[0] ? words[0] : "";
		double w = text_px(t, TITLE);
		put_text(out, place(&l, x, w), 30, TITLE, " class=\"head\"", t);
		fprintf(out, "<line x1=\"%.0f\" y1=\"40\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#999\"/>\n", x, x,
			height - 10);
		g_strfreev(words);
	}
	fwrite(body, 1, body_len, out);
	free(body);
	fputs("</svg>\n</body></html>\n", out);
	ladder_rows_free(rows);
}
