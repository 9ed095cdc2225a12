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

/* The events worth drawing out of all of them (struct lab_event *; owned by the evlog). */
GPtrArray *ladder_events(GPtrArray *events);
/* Text, width about 24 characters a column; colour (ANSI) when asked. */
void ladder_text(FILE *out, const char *title, const struct ladder_column *cols, unsigned ncols,
		 GPtrArray *events, gboolean colour);
/* A self-contained HTML page with an SVG ladder; each arrow's tooltip is the message as on the wire. */
void ladder_html(FILE *out, const char *title, const struct ladder_column *cols, unsigned ncols,
		 GPtrArray *events);

#endif
