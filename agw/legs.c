/* SPDX-License-Identifier: GPL-3.0-or-later */
/* legs: what TCP and UDP legs share, and the module's API (see legs.h, leg.h). */
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

struct legs *legs_new(struct ev_loop *loop, const struct legs_opts *opts, char **err)
{
	struct legs *ls = g_new0(struct legs, 1);
	ls->loop = loop;
	if (opts)
		ls->o = *opts;
	if (!ls->o.connect_timeout_ms)
		ls->o.connect_timeout_ms = 5000;
	if (!ls->o.buffer)
		ls->o.buffer = 256 * 1024;
	if (!ls->o.tls_hold_ms)
		ls->o.tls_hold_ms = 10000;
	if (!ls->o.tls_handshake_ms)
		ls->o.tls_handshake_ms = 5000;
	if (!ls->o.tls_priority)
		ls->o.tls_priority = "NORMAL";
	const char *where = NULL;
	int rc = gnutls_priority_init2(&ls->priority, ls->o.tls_priority, &where, 0);
	if (rc >= 0) { /* TLS-PSK (TS 33.328 Annex H via TS 23.333 §6.2.19): ECDHE-PSK, and PSK in TLS 1.3 */
		char *psk = g_strdup_printf("%s:+ECDHE-PSK:+PSK", ls->o.tls_priority);
		rc = gnutls_priority_init2(&ls->psk_priority, psk, &where, 0);
		g_free(psk);
		if (rc < 0)
			gnutls_priority_deinit(ls->priority);
	}
	if (rc < 0) {
		*err = g_strdup_printf("tls.priority: \"%s\" is not a GnuTLS priority string (%s, at \"%s\")",
				       ls->o.tls_priority, gnutls_strerror(rc), where ? where : "");
		g_free(ls);
		return NULL;
	}
	ls->confs = g_hash_table_new(g_direct_hash, g_direct_equal);
	ls->lingering = g_hash_table_new(g_direct_hash, g_direct_equal);
	ls->out_of_fds =
	    (struct log_counter){ .component = "leg", .what = "descriptors or memory exhausted:" };
	ls->filtered = (struct log_counter){ .component = "leg", .what = "dropped a datagram" };
	return ls;
}

void legs_free(struct legs *ls)
{
	if (!ls)
		return;
	linger_stop_all(ls);
	g_hash_table_destroy(ls->lingering);
	if (ls->close_notify_sent || ls->close_notify_received)
		log_info("leg", NULL,
			 "(D)TLS close_notify: %" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT " received",
			 ls->close_notify_sent, ls->close_notify_received);
	gnutls_priority_deinit(ls->priority), gnutls_priority_deinit(ls->psk_priority);
	g_hash_table_destroy(ls->confs); /* empty: each conference went with its last participant */
	g_free(ls);
}

void legs_set_mg(struct legs *ls, struct agw_mg *mg)
{
	ls->mg = mg;
}

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

void legs_stats(const struct legs *ls, struct legs_stats *out)
{
	*out = ls->stats;
	out->close_notify_sent = ls->close_notify_sent;
	out->close_notify_received = ls->close_notify_received;
}

void leg_event(struct leg *l, enum wire_ie ev, const char *reason)
{
	if (ev == WIRE_COUNT) /* nothing the profile notifies */
		return;
	count(l, ev, reason);
	if (l->ls->mg)
		agw_mg_event(l->ls->mg, l->t, ev, reason);
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
	if (conference_member(l)) /* a participant of a conference relays to no one */
		return NULL;
	struct leg *p = held_partner(l);
	if (p)
		return p;
	struct agw_ctx *c = l->t->ctx;
	for (unsigned i = 0; i < c->nterms; i++) {
		struct leg *o = c->terms[i]->leg;
		if (c->terms[i] == l->t || !o || o->dgram != l->dgram || conference_member(o) ||
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
	police_stop(l);
	l->kind->teardown(l, reset);
	sess_free(l);
}

void leg_finish(struct leg *l, bool reset, enum wire_ie ev, const char *reason)
{
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

/* Both sockets of l marked, the listener's for the connections it accepts. */
static void mark(struct leg *l)
{
	leg_mark(l, l->lfd), leg_mark(l, l->fd);
}

void legs_configure(struct legs *ls, struct agw_term *t)
{
	if (!t->has_local) {
		legs_release(ls, t);
		return;
	}
	struct leg *l = t->leg;
	const struct tp_bearer *b = tp_bearer_of(t->local.proto); /* mg checked it: never NULL */
	if (!l) {
		l = g_new0(struct leg, 1);
		*l = (struct leg){ .ls = ls,
				   .t = t,
				   .lfd = -1,
				   .fd = -1,
				   .dgram = b->dgram,
				   .kind = b->dgram ? &leg_udp : &leg_tcp };
		t->leg = l;
	}
	l->bearer = b; /* looked up here, once, not per datagram */
	if (l->tls && l->tls_state == TLS_HELD && t->has_remote && t->remote.nfingerprints) {
		if (sess_verify(l) == SESS_VERIFIED)
			l->kind->verified(l); /* the fingerprint the held handshake waited for */
		mark(l);
		return;
	}
	l->kind->configure(l);
	if (t->leg == l) /* a configure may end the leg */
		mark(l);
}

void legs_release(struct legs *ls, struct agw_term *t)
{
	(void)ls;
	struct leg *l = t->leg;
	if (!l)
		return;
	teardown(l, false);
	struct leg *p = held_partner(l); /* it stops relaying, and may pair again later */
	if (l->relay)
		relay_break(l->relay);
	t->leg = NULL;
	if (l->dropped || l->filtered) {
		struct log_ids ids;
		log_info("leg", leg_ids(l, &ids),
			 "%" G_GUINT64_FORMAT " datagrams dropped, %" G_GUINT64_FORMAT " filtered",
			 l->dropped, l->filtered);
	}
	g_free(l);
	if (p)
		p->kind->update(p);
}
