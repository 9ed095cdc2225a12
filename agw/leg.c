/* SPDX-License-Identifier: GPL-3.0-or-later */
/* leg: what every leg is, whatever its kind (see leg.h): its log ids and trace, its events (counted and
 * notified), its relay partner, its end. The kinds (tcp.c, udp.c), the (D)TLS session (sess.c) and the
 * conference server (conference.c) build on it; it calls them only through the leg's kind table. */
#include "config.h"
#include "leg.h"

#include <errno.h>
#include <glib.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "trace.h"

const char *const leg_state_names[] = { "idle",       "listening", "waiting for its partner",
					"connecting", "up",        "closed" };

const struct log_ids *leg_ids(const struct leg *l, struct log_ids *ids)
{
	*ids = (struct log_ids){ .ctx = agw_term_ctx(l->t), .term = l->t->id };
	return ids;
}

void leg_trace(struct leg *l, enum trace_kind kind, bool out, const char *summary)
{
	leg_trace_with(l, !l->dgram || l->has_peer ? &l->peer : NULL, kind, out, summary);
}

void leg_trace_with(struct leg *l, const union sa *peer, enum trace_kind kind, bool out, const char *summary)
{
	if (!l->ls->o.trace)
		return;
	union sa me;
	socklen_t len = sizeof me;
	char here[SA_TEXT_MAX] = "", there[SA_TEXT_MAX] = "";
	if (getsockname(l->fd >= 0 ? l->fd : l->lfd, &me.sa, &len) == 0)
		sa_text(&me, here);
	if (peer)
		sa_text(peer, there);
	trace_emit(l->ls->o.trace, &(struct trace_event){ .kind = kind,
							  .ctx = agw_term_ctx(l->t),
							  .term = l->t->id,
							  .from = out ? here : there,
							  .to = out ? there : here,
							  .summary = summary });
}

const char *const legs_tcp_fail_names[LEGS_TCP_FAIL_COUNT] = {
	[LEGS_TCP_TIMEOUT] = "timeout",         [LEGS_TCP_REFUSED] = "refused",
	[LEGS_TCP_UNREACHABLE] = "unreachable", [LEGS_TCP_NOT_REMOTE] = "not_remote",
	[LEGS_TCP_LOCAL_PORT] = "local_port",   [LEGS_TCP_OTHER] = "other",
};
const char *const legs_tls_fail_names[LEGS_TLS_FAIL_COUNT] = {
	[LEGS_TLS_HANDSHAKE_TIMEOUT] = "handshake_timeout",
	[LEGS_TLS_FINGERPRINT_TIMEOUT] = "fingerprint_timeout",
	[LEGS_TLS_NO_CERTIFICATE] = "no_certificate",
	[LEGS_TLS_FINGERPRINT_MISMATCH] = "fingerprint_mismatch",
	[LEGS_TLS_HANDSHAKE_ERROR] = "handshake_error",
	[LEGS_TLS_SETUP_ERROR] = "setup_error",
	[LEGS_TLS_RECORD_ERROR] = "record_error",
	[LEGS_TLS_OTHER] = "other",
};

/* The kind of a failure's reason, by the words tcp.c, sess.c and udp.c write into it. */
static const struct {
	enum wire_ie ev;
	const char *words;
	int kind;
} fail_kinds[] = {
	{ WIRE_TCP_FAIL, "connect timed out", LEGS_TCP_TIMEOUT },
	{ WIRE_TCP_FAIL, "refused", LEGS_TCP_REFUSED }, /* strerror(ECONNREFUSED) */
	{ WIRE_TCP_FAIL, "unreachable", LEGS_TCP_UNREACHABLE },
	{ WIRE_TCP_FAIL, "No route to host", LEGS_TCP_UNREACHABLE },
	{ WIRE_TCP_FAIL, "binding port", LEGS_TCP_LOCAL_PORT },
	{ WIRE_TCP_FAIL, "cannot listen", LEGS_TCP_LOCAL_PORT },
	{ WIRE_TLS_FAIL, "handshake timeout", LEGS_TLS_HANDSHAKE_TIMEOUT },
	{ WIRE_TLS_FAIL, "no remote fingerprint arrived", LEGS_TLS_FINGERPRINT_TIMEOUT },
	{ WIRE_TLS_FAIL, "sent no certificate", LEGS_TLS_NO_CERTIFICATE },
	{ WIRE_TLS_FAIL, "does not match the fingerprint", LEGS_TLS_FINGERPRINT_MISMATCH },
	{ WIRE_TLS_FAIL, "handshake:", LEGS_TLS_HANDSHAKE_ERROR },
	{ WIRE_TLS_FAIL, "set-up:", LEGS_TLS_SETUP_ERROR },
	{ WIRE_TLS_FAIL, "DTLS:", LEGS_TLS_RECORD_ERROR },
};

static int fail_kind(enum wire_ie ev, const char *reason)
{
	if (ev == WIRE_TCP_FAIL && reason && strstr(reason, WIRE_REASON_NOT_REMOTE))
		return LEGS_TCP_NOT_REMOTE; /* "connection from … refused: not the Remote …" (filter.c) */
	for (size_t i = 0; reason && i < G_N_ELEMENTS(fail_kinds); i++)
		if (fail_kinds[i].ev == ev && strstr(reason, fail_kinds[i].words))
			return fail_kinds[i].kind;
	return ev == WIRE_TCP_FAIL ? LEGS_TCP_OTHER : LEGS_TLS_OTHER;
}

static void count(struct leg *l, enum wire_ie ev, const char *reason)
{
	struct legs_stats *s = &l->ls->stats;
	if (ev == WIRE_TCP_UP)
		s->tcp_connects[!l->active]++;
	else if (ev == WIRE_TCP_FAIL)
		s->tcp_failures[fail_kind(ev, reason)]++;
	else if (ev == WIRE_TLS_UP)
		s->tls_up[l->dgram]++;
	else if (ev == WIRE_TLS_FAIL)
		s->tls_failures[l->dgram][fail_kind(ev, reason)]++;
}

void leg_event(struct leg *l, enum wire_ie ev, const char *reason)
{
	if (ev == WIRE_COUNT) /* nothing the profile notifies */
		return;
	count(l, ev, reason);
	if (l->ls->mg)
		agw_mg_event(l->ls->mg, l->t, ev, reason);
}

bool leg_in_conference(const struct leg *l)
{
	return l->ls->o.focus && l->bearer && l->bearer->app != TP_APP_OTHER && !l->dgram;
}

/* ---- the relay: two legs of one context, each holding the other ---- */

struct relay {
	struct leg *side[2];
};

static void relay_break(struct relay *r)
{
	r->side[0]->relay = r->side[1]->relay = NULL;
	g_free(r);
}

/* l's partner while both are still in one context (a Move takes a termination elsewhere). */
static struct leg *held_partner(struct leg *l)
{
	struct relay *r = l->relay;
	if (!r)
		return NULL;
	struct leg *p = r->side[r->side[0] == l];
	if (p->t->ctx == l->t->ctx)
		return p;
	relay_break(r);
	return NULL;
}

struct leg *leg_partner(struct leg *l)
{
	if (leg_in_conference(l)) /* a participant of a conference relays to no one */
		return NULL;
	struct leg *p = held_partner(l);
	if (p)
		return p;
	struct agw_ctx *c = l->t->ctx;
	for (unsigned i = 0; i < c->nterms; i++) {
		struct leg *o = c->terms[i]->leg;
		if (c->terms[i] == l->t || !o || o->dgram != l->dgram || leg_in_conference(o) ||
		    held_partner(o))
			continue;
		struct relay *r = g_new(struct relay, 1);
		*r = (struct relay){ { l, o } };
		l->relay = o->relay = r;
		return o;
	}
	return NULL;
}

bool leg_remote(const struct agw_term *t, union sa *out)
{
	return t->has_remote && t->remote.port && sa_from_text(out, t->remote.addr, (uint16_t)t->remote.port);
}

static void teardown(struct leg *l, bool reset)
{
	ev_timer_cancel(l->ls->loop, l->timer);
	l->timer = NULL;
	l->kind->teardown(l, reset);
}

void leg_finish(struct leg *l, bool reset, enum wire_ie ev, const char *reason)
{
	reset = reset && !l->alert_out; /* a reset would discard the alert just sent: closed instead */
	struct log_ids ids;
	log_info("leg", leg_ids(l, &ids), "%s%s%s", reset ? "reset" : "closed", reason ? ": " : "",
		 reason ? reason : "");
	teardown(l, reset);
	l->state = LEG_DONE;
	leg_event(l, ev, reason);
}

void leg_mark(struct leg *l, int fd)
{
	int family = 0;
	socklen_t n = sizeof family;
	if (fd < 0 || l->t->dscp < 0 || getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &family, &n) < 0)
		return;
	int ds = l->t->dscp << 2;
	/* an IPv6 socket sends IPv4-mapped packets too: both fields */
	if ((family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &ds, sizeof ds) < 0) ||
	    (setsockopt(fd, IPPROTO_IP, IP_TOS, &ds, sizeof ds) < 0 && family == AF_INET)) {
		struct log_ids ids;
		log_warn("leg", leg_ids(l, &ids), "marking what the leg sends with DSCP %d: %s", l->t->dscp,
			 g_strerror(errno));
	}
}

struct leg *leg_drop(struct leg *l)
{
	teardown(l, false);
	struct leg *p = held_partner(l); /* it stops relaying, and may pair again later */
	if (l->relay)
		relay_break(l->relay);
	l->t->leg = NULL;
	if (l->dropped || l->filtered) {
		struct log_ids ids;
		log_info("leg", leg_ids(l, &ids),
			 "%" G_GUINT64_FORMAT " datagrams dropped, %" G_GUINT64_FORMAT " filtered",
			 l->dropped, l->filtered);
	}
	g_free(l);
	return p;
}
