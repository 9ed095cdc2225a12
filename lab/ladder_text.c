/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ladder_text: the text ladder (ladder.h), drawn within the width asked: the columns share what the
 * margin leaves; an arrow carries the whole words of its head that fit between its ends, and what does
 * not fit, the head's rest and the detail, is wrapped at spaces on the lines under it. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "evlog.h"
#include "ladder.h"
#include "ladder_draw.h"

enum {
	LEFT = 22,    /* "%-12.12s %8.1f ": the step and the milliseconds */
	MIN_COL = 8,  /* narrower than this, the lines grow past the width asked */
	MAX_COL = 48, /* wider, the arrows between neighbours grow needlessly long */
};

unsigned ladder_width(void)
{
	const char *c = getenv("COLUMNS");
	char *end;
	long v = c && *c ? strtol(c, &end, 10) : 0;
	if (v > 0 && v < 10000 && !*end)
		return (unsigned)v;
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		return ws.ws_col;
	return 80;
}

struct layout {
	unsigned width, col, ncols;
};

/* The margin's room and each column's lifeline: "|" every col characters. */
static GString *lifelines(const struct layout *l)
{
	GString *line = g_string_new(NULL);
	g_string_append_printf(line, "%*s", LEFT, "");
	for (unsigned i = 0; i < l->ncols; i++)
		g_string_append_printf(line, "%-*s", (int)l->col, "|");
	return line;
}

/* text written over line from character pos (the line is ASCII up to there). */
static void overwrite(GString *line, size_t pos, const char *text)
{
	size_t n = strlen(text), k = ladder_chars(text);
	while (line->len < pos + k)
		g_string_append_c(line, ' ');
	g_string_erase(line, (gssize)pos, (gssize)k);
	g_string_insert_len(line, (gssize)pos, text, (gssize)n);
}

/* The arrow from column a to b, with the head's whole words that fit between its ends; *rest: the others. */
static void draw_arrow(const struct layout *l, GString *line, const struct ladder_row *r, const char **rest)
{
	size_t from = LEFT + l->col * (unsigned)MIN(r->a, r->b),
	       to = LEFT + l->col * (unsigned)MAX(r->a, r->b);
	for (size_t k = from + 1; k < to; k++)
		line->str[k] = '-';
	line->str[r->a < r->b ? to - 1 : from + 1] = r->a < r->b ? '>' : '<';
	unsigned room = (unsigned)(to - from - 1 > 4 ? to - from - 1 - 4 : 0);
	char *fit = ladder_fit(r->head->str, room, rest);
	unsigned n = ladder_chars(fit);
	if (n)
		overwrite(line, from + 3 + (room - n) / 2, fit);
	g_free(fit);
}

/* A note at its column: as many of its words as the width leaves. */
static void draw_note(const struct layout *l, GString *line, const struct ladder_row *r, const char **rest)
{
	size_t pos = LEFT + l->col * (unsigned)r->a + 2;
	g_string_truncate(line, MIN(line->len, pos));
	char *fit = ladder_fit(r->head->str, l->width > pos ? l->width - (unsigned)pos : 0, rest);
	g_string_append(line, fit);
	g_free(fit);
}

/* The lines under a row: the head's rest, then the detail, wrapped to the width. */
static void put_more(FILE *out, const struct layout *l, const char *rest, const char *detail, const char *on,
		     const char *off)
{
	const char *parts[] = { rest, detail };
	unsigned room = l->width > LEFT + 2 ? l->width - LEFT - 2 : 1;
	for (size_t p = 0; p < G_N_ELEMENTS(parts); p++) {
		char **lines = ladder_wrap(parts[p], room);
		for (char **k = lines; *k; k++)
			fprintf(out, "%s%*s| %s%s\n", on, LEFT, "", *k, off);
		g_strfreev(lines);
	}
}

static void put_header(FILE *out, const struct layout *l, const char *title, const struct ladder_column *cols)
{
	char **lines = ladder_wrap(title, l->width);
	for (char **k = lines; *k; k++)
		fprintf(out, "%s\n", *k);
	g_strfreev(lines);
	GString *line = g_string_new("step               ms");
	for (unsigned i = 0; i < l->ncols; i++) {
		char **words = ladder_wrap(cols[i].title, l->col - 1);
		overwrite(line, LEFT + l->col * i, words[0] ? words[0] : "");
		g_strfreev(words);
	}
	fprintf(out, "%s\n", line->str);
	g_string_free(line, TRUE);
}

void ladder_text(FILE *out, const char *title, const struct ladder_column *cols, unsigned ncols,
		 GPtrArray *events, gboolean colour, unsigned width)
{
	struct layout l = { .width = width, .ncols = MAX(ncols, 1) };
	l.col = width > LEFT ? (width - LEFT) / l.ncols : 0;
	l.col = MIN(MAX(l.col, MIN_COL), MAX_COL);
	l.width = MAX(width, LEFT + l.col * l.ncols);
	put_header(out, &l, title, cols);
	GArray *rows = ladder_rows(cols, ncols, events);
	for (guint i = 0; i < rows->len; i++) {
		const struct ladder_row *r = &g_array_index(rows, struct ladder_row, i);
		GString *line = lifelines(&l);
		char stamp[LEFT + 1];
		snprintf(stamp, sizeof stamp, "%-12.12s %8.1f ", r->label, r->ms);
		memcpy(line->str, stamp, strlen(stamp));
		const char *rest = "";
		if (r->arrow)
			draw_arrow(&l, line, r, &rest);
		else
			draw_note(&l, line, r, &rest);
		const char *on = colour ? r->ansi : "", *off = colour ? "\033[0m" : "";
		fprintf(out, "%s%s%s\n", on, g_strchomp(line->str), off);
		put_more(out, &l, rest, r->detail->str, on, off);
		g_string_free(line, TRUE);
	}
	ladder_rows_free(rows);
}
