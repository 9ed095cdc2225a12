/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ladder_draw: what the text and HTML ladders share (ladder.c) — each event as a row: its two columns,
 * the head line an arrow carries, the detail under it — and the word wrapping both use. Not an API of the
 * lab: ladder.h is. */
#ifndef MEDIASEC_LAB_LADDER_DRAW_H
#define MEDIASEC_LAB_LADDER_DRAW_H

#include <glib.h>
#include <stdbool.h>

#include "ladder.h"

struct lab_event;

struct ladder_row {
	struct lab_event *e;
	int a, b;               /* the columns of an arrow from a to b; a note: a == b, at that column */
	bool arrow;             /* an arrow (a != b, both known), else a note at a */
	GString *head;          /* "INVITE", "C=1 Add co/1", "[TLS up …]" for a note */
	GString *detail;        /* the SDP, H.248 descriptors, addresses; "" when none */
	const char *label;      /* the seed step an expectation matched it to, or "" */
	double ms;              /* since the first event */
	const char *ansi, *svg; /* its protocol's colours */
};

/* The rows of events (struct lab_event *), one each; free with ladder_rows_free. */
GArray *ladder_rows(const struct ladder_column *cols, unsigned ncols, GPtrArray *events);
void ladder_rows_free(GArray *rows);

/* text cut into lines of at most width characters (UTF-8), at spaces; a word longer than width alone is
 * cut. The lines are NUL-terminated strings (g_strfreev). An empty text gives no line. */
char **ladder_wrap(const char *text, unsigned width);
/* The longest prefix of text made of whole words within width characters; *rest: what follows it, its
 * leading spaces skipped. */
char *ladder_fit(const char *text, unsigned width, const char **rest);
/* Characters (not bytes) in a UTF-8 string. */
unsigned ladder_chars(const char *s);

#endif
