/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ladder: the ladder diagram of a run, drawn from the merged traces — SIP and H.248 as ims-alg saw them,
 * TCP (SYN, SYN-ACK, ACK, FIN, RST) and TLS from the side that sent each, the bytes the parties sent and
 * received — on one time axis, one column per party, as text for the terminal and as a self-contained
 * HTML page with an SVG drawing. Each arrow carries the seed step an expectation matched it to; how to read
 * it is in doc/scenarios.md. */
#ifndef MEDIASEC_LAB_LADDER_H
#define MEDIASEC_LAB_LADDER_H

#include <glib.h>
#include <stdio.h>

struct ladder_column {
	const char *key;   /* the events' column: a party's name, "alg", "agw" */
	const char *title; /* "UE A", "ims-alg" … */
};

struct lab_event;

/* How an event is drawn, from its kind's row in trace_kinds.h's table (and for ims-alg's view of SIP and
 * H.248, its component). A kind the table does not know is drawn as a note, never dropped. */
enum ladder_shape { LADDER_ARROW, LADDER_NOTE, LADDER_NONE, LADDER_UNKNOWN };
enum ladder_shape ladder_shape_of(const struct lab_event *e);
/* The events worth drawing out of all of them (struct lab_event *; owned by the evlog); those of kinds
 * the table does not know are counted and named on standard error. */
GPtrArray *ladder_events(GPtrArray *events);
/* The width of the text ladder: $COLUMNS, else the terminal's (standard output), else 80. */
unsigned ladder_width(void);
/* Text within width characters a line (but for a width too small for the columns, 8 characters each
 * after a 22-character margin), the details and heads wrapped at spaces; colour (ANSI) when asked. */
void ladder_text(FILE *out, const char *title, const struct ladder_column *cols, unsigned ncols,
		 GPtrArray *events, gboolean colour, unsigned width);

/* How the run ended, shown above the HTML ladder: verdict "PASS", "FAIL" or "ERROR"; for a failure the
 * step that failed (its id and title) and why, for an error why; unobserved: the expectations a system
 * under test kept from view, by step (lines); NULL members when none. */
struct ladder_verdict {
	const char *verdict, *step, *step_title, *why, *unobserved;
};

/* The metric the HTML page's layout assumes: a character of the monospace font is this many em wide
 * (0.6 for the usual monospace faces: DejaVu Sans Mono, Liberation Mono, Courier; a little more to spare).
 * The page states it in its <svg>'s data-char-em attribute. */
#define LADDER_CHAR_EM 0.62

/* A self-contained HTML page with an SVG ladder, every text within the drawing; each arrow's tooltip is
 * the message as its sender traced it. verdict: NULL for none (a ladder of traces alone). */
void ladder_html(FILE *out, const char *title, const struct ladder_column *cols, unsigned ncols,
		 GPtrArray *events, const struct ladder_verdict *verdict);

#endif
