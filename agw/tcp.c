/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tcp: TCP legs, held connections and the relay (see legs.h; the filters are filter.c's, a leg's reads
 * and writes leg_io.c's, a conference participant's I/O conference.c's). */
#include "config.h"
#include "leg.h"
#include "leg_io.h"

#include <errno.h>
#include <glib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Up with TLS to run, and no session yet: the gateway waits for tlsbsc/est (or the peer's ClientHello). */
static bool tls_waiting(const struct leg *l)
{
	return l->state == LEG_UP && l->bearer->secure && !l->tls;
}

static bool relaying(struct leg *l)
{
	const struct leg *p = leg_partner(l);
	return leg_ready(l) && p && leg_ready(p);
}

/* What the connection waits for: input when relaying and there is room, output when the partner
 * has bytes for it (or while connecting). */
static void tcp_update(struct leg *l)
{
	if (!l->io)
		return;
	struct leg *p = leg_partner(l);
	uint32_t ev = 0;
	if (l->state == LEG_CONNECTING)
		ev = EPOLLOUT;
	else if (tls_waiting(l))
		ev = EPOLLIN; /* the peer speaking first makes the gateway the server */
	else if (l->state == LEG_UP && l->tls_state == TLS_HANDSHAKE)
		ev = gnutls_record_get_direction(l->tls) ? EPOLLOUT : EPOLLIN;
	else if (l->state == LEG_UP && leg_in_conference(l))
		ev = conference_events(l);
	else if (l->state == LEG_UP) {
		if (relaying(l) && !l->eof && l->len < l->ls->o.buffer && !police_paused(l))
			ev |= EPOLLIN; /* paused by tman: TCP's window closes on the peer (police.c) */
		if (p && p->len > p->off)
			ev |= EPOLLOUT;
	}
	ev_io_mod(l->ls->loop, l->io, ev);
}

static void close_fd(struct leg *l, bool reset)
{
	if (l->fd < 0)
		return;
	if (reset) {
		struct linger lg = { 1, 0 }; /* close with RST */
		setsockopt(l->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		leg_trace(l, TRACE_TCP_RST, true, "RST");
	} else if (!l->shut && l->state != LEG_CONNECTING) { /* close() sends the FIN shutdown() did not */
		leg_trace(l, TRACE_TCP_FIN, true, "FIN");
	}
	ev_io_del(l->ls->loop, l->io);
	l->io = NULL;
	close(l->fd);
	l->fd = -1;
}

static void stop_listening(struct leg *l)
{
	if (l->lfd < 0)
		return;
	ev_timer_cancel(l->ls->loop, l->resume);
	l->resume = NULL;
	ev_io_del(l->ls->loop, l->lio);
	l->lio = NULL;
	close(l->lfd);
	l->lfd = -1, l->syn_filter = false;
	l->t->port_fd = -1; /* the listening socket was the termination's port */
}

static void drop_buffer(struct leg *l)
{
	g_free(l->buf);
	l->buf = NULL;
	l->off = l->len = 0;
}

/* What a TCP leg holds: sockets and buffer (legs.c drops timer and session). A connection that is up
 * and not reset lingers until its peer's end (linger.c): close_notify, FIN, and no RST. */
static void tcp_teardown(struct leg *l, bool reset)
{
	police_stop(l);
	conference_leave(l);
	stop_listening(l);
	if (!reset && l->fd >= 0 && l->state == LEG_UP)
		linger_start(l);
	close_fd(l, reset);
	drop_buffer(l);
	sess_free(l);
}

static void on_io(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg);

/* ---- establishment ---- */

static void up(struct leg *l);

static void on_connect_timeout(struct ev_loop *loop, void *arg)
{
	struct leg *l = arg;
	l->timer = NULL;
	leg_finish(l, false, WIRE_TCP_FAIL, "connect timed out");
}

static void start_connect(struct leg *l)
{
	struct agw_term *t = l->t;
	struct log_ids ids;
	union sa to;
	if (!leg_remote(t, &to)) {
		l->state = LEG_IDLE;
		return;
	}
	stop_listening(l); /* an actpass leg told to connect: its port is rebound below */
	int fd = t->port_fd;
	t->port_fd = -1;
	if (fd < 0 && (fd = agw_realm_socket(t->realm, t->port, false)) < 0) {
		char reason[96];
		snprintf(reason, sizeof reason, "binding port %u: %s", t->port, g_strerror(-fd));
		leg_finish(l, false, WIRE_TCP_FAIL, reason);
		return;
	}
	l->fd = fd;
	l->peer = to;
	l->active = true;
	leg_mark(l, fd); /* from the SYN on */
	char where[SA_TEXT_MAX];
	log_info("leg", leg_ids(l, &ids), "connecting to %s", sa_text(&to, where));
	l->io = ev_io_add(l->ls->loop, fd, EPOLLOUT, on_io, l);
	leg_trace(l, TRACE_TCP_SYN, true, "SYN");
	l->state = LEG_CONNECTING;
	if (connect(fd, &to.sa, sa_len(&to)) < 0 && errno != EINPROGRESS) {
		int e = errno;
		if (e == ECONNREFUSED)
			leg_trace(l, TRACE_TCP_RST, false, "RST (connection refused)");
		leg_finish(l, false, WIRE_TCP_FAIL, g_strerror(e));
		return;
	}
	l->timer = ev_timer_add(l->ls->loop, l->ls->o.connect_timeout_ms, on_connect_timeout, l);
}

static void connected(struct leg *l)
{
	int err = 0;
	socklen_t len = sizeof err;
	getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err == ECONNREFUSED)
		leg_trace(l, TRACE_TCP_RST, false, "RST (connection refused)");
	if (err) {
		leg_finish(l, false, WIRE_TCP_FAIL, g_strerror(err));
		return;
	}
	ev_timer_cancel(l->ls->loop, l->timer);
	l->timer = NULL;
	leg_trace(l, TRACE_TCP_SYNACK, false, "SYN-ACK");
	leg_trace(l, TRACE_TCP_ACK, true, "ACK");
	up(l);
}

/* A connection that does not get the leg: reset, and the leg listens on. */
static void refuse(struct leg *l, int fd, const union sa *peer, const char *why)
{
	struct log_ids ids;
	log_notice("leg", leg_ids(l, &ids), "%s", why);
	leg_trace_with(l, peer, TRACE_TCP_RST, true, "RST (not the Remote)");
	struct linger lg = { 1, 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
}

/* Whether a connection accepted now waits for the Remote: the gateway filters, the Remote is not known,
 * and the leg is plain TCP (a TLS leg's peer proves itself with its certificate, seed 004 step 12). */
static bool must_hold(const struct leg *l)
{
	union sa r;
	return l->ls->o.source_filter && !l->bearer->secure && !leg_remote(l->t, &r);
}

enum { BACKOFF_FIRST_MS = 100, BACKOFF_MAX_MS = 1000 };

static void on_accept(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg);

/* The pause after a failed accept is over: listen again, and take what waits. */
static void on_resume(struct ev_loop *loop, void *arg)
{
	struct leg *l = arg;
	l->resume = NULL;
	if (!l->held && l->lio)
		ev_io_mod(loop, l->lio, EPOLLIN);
	on_accept(loop, l->lio, EPOLLIN, l);
}

/* accept failed with the connection left in the backlog (EMFILE, ENFILE, ENOBUFS, ENOMEM): the listener
 * stays readable, so retrying at once would spin; pause it (nginx's way). */
static void accept_pause(struct leg *l, int e)
{
	struct log_ids ids;
	if (!l->backoff_ms)
		l->backoff_ms = BACKOFF_FIRST_MS;
	log_counted(&l->ls->out_of_fds, leg_ids(l, &ids),
		    "accepting a connection on port %u: %s; not accepting for %u ms", l->t->port,
		    g_strerror(e), l->backoff_ms);
	ev_io_mod(l->ls->loop, l->lio, 0);
	l->resume = ev_timer_add(l->ls->loop, l->backoff_ms, on_resume, l);
	l->backoff_ms = MIN(2 * l->backoff_ms, BACKOFF_MAX_MS);
}

static void on_accept(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg)
{
	struct leg *l = arg;
	if (l->lfd < 0)
		return;
	if (l->resume || l->held) { /* paused, or one connection already waits for the Remote */
		ev_io_mod(loop, l->lio, 0);
		return;
	}
	union sa peer;
	socklen_t len = sizeof peer;
	int fd = accept4(l->lfd, &peer.sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
			accept_pause(l, errno);
		return; /* EAGAIN, or that one is gone (ECONNABORTED): the next comes as its own event */
	}
	l->backoff_ms = 0;
	char why[160];
	if (!filter_source_ok(l, &peer, why, sizeof why)) { /* queued before the SYN filter was set */
		refuse(l, fd, &peer, why);
		return;
	}
	l->fd = fd;
	l->peer = peer;
	leg_mark(l, fd);
	l->io = ev_io_add(loop, fd, 0, on_io, l);
	leg_trace(l, TRACE_TCP_SYNACK, true,
		  "SYN-ACK"); /* the handshake the peer opened (it traces its SYN) */
	leg_trace(l, TRACE_TCP_ACK, false, "ACK");
	if (must_hold(l)) { /* at most one, and nothing read, relayed or connected onward until checked */
		struct log_ids ids;
		char where[SA_TEXT_MAX];
		l->held = true;
		ev_io_mod(loop, l->lio, 0);
		log_info("leg", leg_ids(l, &ids), "connection from %s held until the Remote is known",
			 sa_text(&peer, where));
		return;
	}
	stop_listening(l); /* one connection per leg */
	up(l);
}

/* The held connection's peer went before the Remote came: the leg listens again. */
static void held_gone(struct leg *l)
{
	struct log_ids ids;
	char where[SA_TEXT_MAX];
	log_info("leg", leg_ids(l, &ids), "held connection from %s closed by its peer",
		 sa_text(&l->peer, where));
	l->held = false;
	close_fd(l, false);
	if (l->lio)
		ev_io_mod(l->ls->loop, l->lio, EPOLLIN);
}

/* The Remote is known: the held connection gets the leg if it comes from it, else it is reset, tcpbcc/fail
 * says why, and the leg listens on for the Remote. True when the connection got the leg. */
static bool held_check(struct leg *l)
{
	union sa r;
	if (!leg_remote(l->t, &r))
		return false;
	char why[160];
	l->held = false;
	if (filter_source_ok(l, &l->peer, why, sizeof why)) {
		struct log_ids ids;
		log_info("leg", leg_ids(l, &ids), "held connection admitted: it comes from the Remote");
		stop_listening(l);
		up(l);
		return true;
	}
	ev_io_del(l->ls->loop, l->io);
	l->io = NULL;
	refuse(l, l->fd, &l->peer, why);
	l->fd = -1;
	if (l->lio)
		ev_io_mod(l->ls->loop, l->lio, EPOLLIN);
	leg_event(l, WIRE_TCP_FAIL, why);
	return false;
}

static void start_listening(struct leg *l)
{
	struct log_ids ids;
	if (l->lfd < 0) {
		l->lfd = l->t->port_fd;
		if (l->lfd < 0 || listen(l->lfd, 4) < 0) {
			leg_finish(l, false, WIRE_TCP_FAIL, "cannot listen on the termination's port");
			return;
		}
		l->lio = ev_io_add(l->ls->loop, l->lfd, EPOLLIN, on_accept, l);
		log_info("leg", leg_ids(l, &ids), "listening on port %u", l->t->port);
	}
	l->state = LEG_LISTENING;
	filter_syn(l);
}

static bool waits_for_partner(struct leg *l)
{
	const struct leg *p = leg_partner(l);
	return p && (p->state == LEG_LISTENING ||
		     (p->state == LEG_IDLE && p->t->local.setup != MSDP_SETUP_ACTIVE));
}

static void relay_check(struct leg *l);

/* One step of the TLS handshake, and the relay once the peer is verified. */
static void tls_step(struct leg *l)
{
	switch (sess_handshake(l)) {
	case SESS_AGAIN:
		tcp_update(l);
		return;
	case SESS_FAILED:
		return;
	case SESS_DONE:
		break;
	}
	if (sess_verify(l) == SESS_VERIFIED)
		relay_check(l);
	else if (l->state == LEG_UP)
		tcp_update(l);
}

static void tls_run(struct leg *l, bool client)
{
	if (sess_start(l, client))
		tls_step(l);
}

/* TCP is up on a TLS leg. The gateway is the TLS client when the MGC signalled tlsbsc/est (seed 004 steps
 * 16-18, then 21), or with tls.autostart when it connected (open point 2's autonomous start); the
 * server when the peer connected. A leg that connected without either waits: for tlsbsc/est, or for the
 * peer's ClientHello, which makes it the server. */
static void tls_begin(struct leg *l)
{
	struct log_ids ids;
	if (l->t->tls_est || (l->active && l->ls->o.tls_autostart))
		tls_run(l, true);
	else if (!l->active)
		tls_run(l, false);
	else {
		log_info("leg", leg_ids(l, &ids),
			 "TLS waits for the establish signal (or the peer's ClientHello) before it starts");
		tcp_update(l);
	}
}

static void up(struct leg *l)
{
	struct log_ids ids;
	char where[SA_TEXT_MAX];
	l->state = LEG_UP;
	/* a relay adds no delay of its own: what arrives is written at once (MSRP and BFCP are chatty) */
	setsockopt(l->fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	log_info("leg", leg_ids(l, &ids), "up with %s", sa_text(&l->peer, where));
	leg_event(l, WIRE_TCP_UP, NULL);
	struct leg *p = leg_partner(l);
	if (p && p->state == LEG_WAITING) /* the incoming connection triggers the outgoing one */
		start_connect(p);
	if (l->bearer->secure && l->state == LEG_UP) {
		tls_begin(l);
		return;
	}
	relay_check(l);
}

static void pump(struct leg *src);

static void relay_check(struct leg *l)
{
	if (leg_in_conference(l)) {
		conference_ready(l);
		return;
	}
	struct leg *p = leg_partner(l);
	tcp_update(l);
	if (p)
		tcp_update(p);
	if (relaying(l) && sess_buffered(l))
		pump(l);
	if (p && relaying(p) && sess_buffered(p))
		pump(p);
}

/* ---- relay ---- */

/* The relay's one end: both legs finish, reset or closed, each with its reason (first: the leg whose
 * event ended it). */
static void relay_end(struct leg *first, const char *why, struct leg *other, const char *other_why,
		      bool reset)
{
	leg_finish(first, reset, WIRE_TCP_REL, why);
	leg_finish(other, reset, WIRE_TCP_REL, other_why);
}

static void check_closed(struct leg *l)
{
	struct leg *p = leg_partner(l);
	if (!p || !l->eof || !p->eof || l->len > l->off || p->len > p->off || !l->shut || !p->shut)
		return;
	relay_end(l, "closed by both sides", p, "closed by both sides", false);
}

/* Writes src's buffer to dst; half-closes dst once src ended and all is written. */
static void flush(struct leg *src, struct leg *dst)
{
	while (src->len > src->off) {
		ssize_t n = leg_write(dst, src->buf + src->off, src->len - src->off);
		if (n == -EAGAIN)
			break;
		if (n < 0) {
			char why[LEG_WHY];
			relay_end(dst, leg_why(dst, why), src, "the other side failed", true);
			break;
		}
		src->off += (size_t)n;
		dst->t->octets_sent += (uint64_t)n;
		dst->t->packets_sent++;
	}
	if (src->state != LEG_UP || dst->state != LEG_UP)
		return;
	if (src->off == src->len)
		drop_buffer(src); /* buffers live only while they hold bytes */
	if (src->eof && !src->buf && !dst->shut)
		leg_shutdown(dst);
	tcp_update(src);
	tcp_update(dst);
	check_closed(src);
}

static void pump(struct leg *src)
{
	struct leg *dst = leg_partner(src);
	size_t cap = src->ls->o.buffer;
	while (dst && src->state == LEG_UP && dst->state == LEG_UP && !src->eof && src->len < cap) {
		size_t room = police_room(src, cap - src->len);
		if (!room) { /* tman's bucket is empty: what was read goes on, reading waits */
			police_pause(src);
			flush(src, dst);
			break;
		}
		if (!src->buf)
			src->buf = g_malloc(cap);
		ssize_t n = leg_read(src, src->buf + src->len, room);
		if (n > 0) { /* keep reading while there is room: one large write beats many small ones */
			police_take(src, (size_t)n);
			src->len += (size_t)n;
			src->t->octets_received += (uint64_t)n;
			src->t->packets_received++;
			/* a short read emptied the socket: reading again would only return EAGAIN (the
			 * loop is level-triggered, what comes next wakes the leg again) */
			bool more = sess_buffered(src) || !src->drained;
			if (src->len < cap && more)
				continue;
			flush(src, dst);
			if (!more)
				break;
			continue;
		}
		if (n == 0) {
			src->eof = true;
			flush(src, dst);
			break;
		}
		if (n == -EAGAIN && sess_buffered(src))
			continue; /* after a ticket or KeyUpdate: the rest is read, no EPOLLIN comes */
		if (n == -EAGAIN) {
			flush(src, dst);
			break;
		}
		char why[LEG_WHY]; /* the failure is passed on as a reset */
		relay_end(src, leg_why(src, why), dst, "reset by the other side", true);
		return;
	}
	if (src->state == LEG_UP)
		tcp_update(src);
}

static void tcp_unpaused(struct leg *l)
{
	tcp_update(l);
	if (relaying(l))
		pump(l);
}

static void on_io(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg)
{
	struct leg *l = arg;
	if (l->held) { /* nothing is read from it: only its end (HUP, ERR) wakes it */
		held_gone(l);
		return;
	}
	if (l->state == LEG_CONNECTING) {
		connected(l);
		return;
	}
	if (tls_waiting(l)) { /* the peer spoke first: its ClientHello, or its end */
		tls_run(l, false);
		return;
	}
	if (l->state == LEG_UP && l->tls_state == TLS_HANDSHAKE) {
		tls_step(l);
		return;
	}
	if (leg_in_conference(l)) {
		conference_io(l, events);
		return;
	}
	struct leg *p = leg_partner(l);
	if ((events & EPOLLOUT) && p && p->len > p->off) {
		flush(p, l);
		if (p->state == LEG_UP && relaying(p) && sess_buffered(p))
			pump(p); /* room again for what was already read */
	}
	if (events & (EPOLLHUP | EPOLLERR))
		police_end(l);
	if (l->state == LEG_UP && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
		if (relaying(l))
			pump(l);
		else if (events & (EPOLLHUP | EPOLLERR)) /* gone before the relay started */
			leg_finish(l, true, WIRE_TCP_REL, "closed before the other leg was up");
	}
}

/* ---- configuration ---- */

/* The plain leg l follows its moved Remote: its connection is reset and it connects to the new Remote, or
 * listens for it (the SYN filter set for it). The partner keeps its connection; what it read for the old
 * peer and had not written yet is dropped, so that the new peer's stream starts with the partner's next
 * bytes, not in the middle of a message; it reads nothing more until the leg is up again. */
static void follow_remote(struct leg *l, const char *why)
{
	struct agw_term *t = l->t;
	struct leg *p = leg_partner(l);
	struct log_ids ids;
	log_info("leg", leg_ids(l, &ids),
		 "%s: reset, the leg follows it (%zu octets for the old peer dropped)", why,
		 p ? p->len - p->off : 0);
	close_fd(l, true);
	ev_timer_cancel(l->ls->loop, l->timer);
	l->timer = NULL;
	l->eof = l->shut = l->drained = false;
	if (p)
		drop_buffer(p);
	if (l->active)
		start_connect(l);
	else if ((t->port_fd = agw_realm_socket(t->realm, t->port, false)) < 0) {
		char reason[96];
		snprintf(reason, sizeof reason, "binding port %u again: %s", t->port,
			 g_strerror(-t->port_fd));
		t->port_fd = -1;
		leg_finish(l, false, WIRE_TCP_FAIL, reason);
	} else
		start_listening(l);
	if (p && p->state == LEG_UP)
		tcp_update(p);
}

/* A connection whose peer the Remote no longer names (a later answer moved it: a 200 from another fork
 * than its 183's): the leg goes only to its Remote. A plain relay leg follows it (follow_remote). One
 * that cannot ends with tcpbcc/fail, and the relay with it: a TLS leg (its session is the old peer's), a
 * conference member, or one whose partner already passed the old peer's end on (FIN or close_notify
 * sent). Checked: a connection the leg made (to the Remote), and one a plain leg took (admitted by the
 * source filter, which judges it again); a TLS leg that took its connection knows its peer by the
 * certificate (sess_remote_check), wherever a NAT makes it come from. True when the connection went. */
static bool peer_moved(struct leg *l)
{
	union sa r;
	char why[160], peer[SA_TEXT_MAX], want[SA_TEXT_MAX];
	if ((l->state != LEG_CONNECTING && l->state != LEG_UP) || (!l->active && l->bearer->secure) ||
	    !leg_remote(l->t, &r))
		return false;
	if (l->active ? sa_equal(&l->peer, &r) : filter_source_ok(l, &l->peer, why, sizeof why))
		return false;
	snprintf(why, sizeof why, "the Remote moved to %s from the %s peer %s", sa_text(&r, want),
		 l->active ? "connected" : "accepted", sa_text(&l->peer, peer));
	struct leg *p = leg_partner(l);
	if (!l->bearer->secure && !leg_in_conference(l) && !(p && p->shut)) {
		follow_remote(l, why);
		return true;
	}
	leg_finish(l, true, WIRE_TCP_FAIL, why);
	if (p && p->state != LEG_DONE)
		leg_finish(p, false, WIRE_TCP_REL, "the other leg's peer is no longer its Remote");
	return true;
}

static void tcp_configure(struct leg *l)
{
	struct agw_term *t = l->t;
	enum sess_verdict v;
	bool was_verified = l->tls && l->tls_state == TLS_VERIFIED;
	if (sess_remote_check(l, &v)) { /* the fingerprint the held handshake waited for, or another one */
		struct leg *p = leg_partner(l);
		if (v == SESS_VERIFIED)
			relay_check(l);
		else if (was_verified && p && p->state != LEG_DONE) /* the relay it was in ends with it */
			leg_finish(p, false, WIRE_TCP_REL,
				   "the other leg's peer no longer matches its fingerprint");
		return;
	}
	if (tls_waiting(l) && t->tls_est) { /* the establish signal the connected leg waited for */
		tls_run(l, true);
		return;
	}
	if (l->held && (held_check(l) || l->held))
		return; /* admitted (now up), or the Remote is still unknown */
	if (peer_moved(l))
		return;
	if (l->state == LEG_CONNECTING || l->state == LEG_UP || l->state == LEG_DONE)
		return; /* a re-offer keeping the transport does not touch the connection (open point 1) */
	switch (t->local.setup) {
	case MSDP_SETUP_HOLDCONN:
		stop_listening(l);
		l->state = LEG_IDLE;
		break;
	case MSDP_SETUP_ACTIVE:
		stop_listening(l);
		if (!t->has_remote)
			l->state = LEG_IDLE;
		else if (waits_for_partner(l))
			l->state = LEG_WAITING;
		else
			start_connect(l);
		break;
	default: /* passive, actpass, or none: listen */
		start_listening(l);
		break;
	}
	struct log_ids ids;
	log_debug("leg", leg_ids(l, &ids), "%s (a=setup:%s)", leg_state_names[l->state],
		  msdp_setup_names[t->local.setup]);
	/* a partner that was waiting for a Remote may go now */
	struct leg *p = leg_partner(l);
	if (p && p->state == LEG_IDLE && p->t->local.setup == MSDP_SETUP_ACTIVE && p->t->has_remote &&
	    !waits_for_partner(p))
		start_connect(p);
}

const struct leg_kind leg_tcp = { .name = "tcp",
				  .configure = tcp_configure,
				  .update = tcp_update,
				  .unpaused = tcp_unpaused,
				  .teardown = tcp_teardown };
