/* SPDX-License-Identifier: GPL-3.0-or-later */
/* police: the tman policer (H.248.53; a mandatory package of the Iq profile, TS 29.334 §5.14) of what a
 * leg receives from its peer. With tman/pol = on, a token bucket is filled at tman/sdr octets per second
 * up to tman/mbs octets (one second of sdr when mbs was not given), full when policing starts.
 *
 * UDP legs: a datagram larger than what the bucket holds is dropped before it is relayed, and counted in
 * the termination's tmanr/dp (the Statistics of its Subtract and AuditValue replies).
 *
 * TCP and TLS legs: bytes cannot be dropped from a stream. Whatever was dropped would be gone for good
 * (the peer's TCP saw it acknowledged), and MSRP, BFCP and TLS records above TCP have no way to recover a
 * hole: the session would be corrupted, not policed. So a TCP leg reads from its socket only what the
 * bucket holds, then stops reading until the bucket holds a chunk again: the socket's receive buffer
 * fills, TCP's advertised window closes, and the peer's sending is held to the sustainable rate by TCP
 * flow control, with nothing lost. Those pauses are counted (how many, how long) and logged when the
 * termination goes; tmanr/dp stays 0 there, because nothing is discarded.
 *
 * tman/pdr and tman/dvt are kept and audited but not enforced (a second, peak-rate bucket would need
 * dvt's unit, which could not be read). tman is offered under Iq only (profiles/profile.c), so a
 * conference participant's leg (Mp's MRFP, conference.c) is never policed. */
#include "config.h"
#include "leg.h"

#include <glib.h>

/* A TCP leg paused waits until the bucket holds this much (or all of it, when it is smaller): reading a
 * few octets at a time as they trickle in would only cost system calls. */
enum { CHUNK = 4096 };

bool police_active(const struct leg *l)
{
	return l->t->tman.pol && l->t->tman.sdr && !l->police_ended;
}

static double depth(const struct agw_tman *m)
{
	return m->mbs ? m->mbs : m->sdr;
}

/* The bucket as of now: what sdr added since the last look, up to its depth (full the first time). */
static void refill(struct leg *l)
{
	int64_t now = g_get_monotonic_time();
	double d = depth(&l->t->tman);
	if (!l->bucket_at)
		l->bucket = d;
	else
		l->bucket = MIN(d, l->bucket + (double)(now - l->bucket_at) * l->t->tman.sdr / 1e6);
	l->bucket_at = now;
}

bool police_admit(struct leg *l, size_t n)
{
	if (!police_active(l))
		return true;
	refill(l);
	if (l->bucket < (double)n) {
		l->t->policed++;
		return false;
	}
	l->bucket -= (double)n;
	return true;
}

size_t police_room(struct leg *l, size_t want)
{
	if (!police_active(l))
		return want;
	refill(l);
	return l->bucket < 1 ? 0 : MIN(want, (size_t)l->bucket);
}

void police_take(struct leg *l, size_t n)
{
	if (police_active(l))
		l->bucket -= (double)n;
}

static void on_refilled(struct ev_loop *loop, void *arg)
{
	struct leg *l = arg;
	(void)loop;
	l->police = NULL;
	l->t->paused_us += (uint64_t)(g_get_monotonic_time() - l->paused_at);
	l->kind->unpaused(l);
}

void police_pause(struct leg *l)
{
	if (l->police)
		return;
	double want = MIN(depth(&l->t->tman), CHUNK) - l->bucket;
	uint64_t ms = want > 0 ? (uint64_t)(want * 1000 / l->t->tman.sdr) + 1 : 1; /* rounded up */
	l->paused_at = g_get_monotonic_time();
	l->t->pauses++;
	l->police = ev_timer_add(l->ls->loop, ms, on_refilled, l);
}

bool police_paused(const struct leg *l)
{
	return l->police != NULL;
}

void police_stop(struct leg *l)
{
	if (!l->police)
		return;
	ev_timer_cancel(l->ls->loop, l->police);
	l->police = NULL;
	l->t->paused_us += (uint64_t)(g_get_monotonic_time() - l->paused_at);
}

void police_end(struct leg *l)
{
	police_stop(l);
	l->police_ended = true;
}
