/* SPDX-License-Identifier: GPL-3.0-or-later */
/* conference_int: what the conference server's files share (conference.c: participants, their I/O and
 * MSRP; floor.c: BFCP floor control). Internal: its API is leg.h's conference_* functions. */
#ifndef MEDIASEC_AGW_CONFERENCE_INT_H
#define MEDIASEC_AGW_CONFERENCE_INT_H

#include <glib.h>
#include <stdint.h>
#include <sys/types.h>

#include "leg.h"

struct request {
	uint16_t id, floor;
	struct leg *leg;
	uint16_t user;
};

struct conf {
	uint32_t ctx;
	GPtrArray *members;  /* struct leg */
	GPtrArray *requests; /* struct request, in arrival order: per floor, the first holds it */
	uint16_t next_request;
};

struct member {
	struct conf *conf;
	GByteArray *in, *out;
	bool closing;
	bool subscribed; /* BFCP: FloorQuery asked for FloorStatus */
	uint16_t subscribed_floor;
	char *peer_path; /* MSRP: the participant's URI (the Remote's a=path, or its first From-Path) */
};

/* ---- what floor.c and conference.c both write with ---- */

/* Whether traces are written (the lab): their text is work the switching does not need. */
static inline bool conference_tracing(const struct leg *l)
{
	return l->ls->o.trace != NULL;
}

/* n bytes queued for the participant on `to` (nothing when it is not up). */
static inline void conference_send(struct leg *to, const void *data, size_t n)
{
	if (!to->member || to->state != LEG_UP)
		return;
	g_byte_array_append(to->member->out, data, (guint)n);
	to->kind->update(to);
}

/* ---- floor.c ---- */

/* The BFCP message at the start of buf[0..len) handled: its size, 0 when more bytes are needed, -1 when
 * the stream cannot be framed (an Error says why, and the participant's BFCP is closed). */
ssize_t floor_take(struct leg *l, const uint8_t *buf, size_t len);
/* The participant on l leaves c: its floor requests end, the next ones granted. */
void floor_leave(struct conf *c, struct leg *l);

#endif
