/* SPDX-License-Identifier: GPL-3.0-or-later */
/* udp: UDP legs — datagrams relayed one for one, DTLS terminated on the secured side (see legs.h).
 *
 * A leg sends to its Remote (c=, m= port) or, with ipnapt/latch, to the source of the first datagram it
 * admits (H.248.37: the address a NAT gave the UE). With gm/saf (gm/spf) only datagrams from that
 * address (port) are admitted: the latched one once latched, else the Remote's, and none while neither
 * is known (TS 23.334 §6.2.4). With leg.source_filter (the default) the gateway applies gm/saf's
 * address filter itself as soon as the latched source or the Remote is known. A DTLS leg is the client
 * when the MGC signalled tlsbsc/est (its Remote is where the handshake goes), else the server for the
 * first ClientHello it admits; the peer certificate is checked as for TLS (sess.c). Datagrams cross
 * only when both legs can pass them on: those that cannot are dropped and counted, never queued (UDPTL
 * carries its own redundancy, T.38 §9.1). A DTLS leg that goes sends close_notify, and answers the
 * peer's close_notify with its own. With tman policing (police.c) a datagram admitted but over the
 * termination's token bucket is dropped as it arrives, before DTLS sees it. */
#include "config.h"
#include "leg.h"
#include "leg_io.h"

#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { BATCH = 32, DGRAM = 4096, SOCKBUF = 1 << 20 };

static bool secure(const struct leg *l)
{
	return l->bearer->secure;
}

/* Datagrams may leave this leg: it knows where to, and DTLS (if any) is verified. */
static bool may_send(const struct leg *l)
{
	return l->state == LEG_UP && l->has_peer && (!secure(l) || l->tls_state == TLS_VERIFIED);
}

static bool same(const union sa *a, const union sa *b, bool port)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (port && sa_port(a) != sa_port(b))
		return false;
	return a->sa.sa_family == AF_INET6 ? !memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, 16)
					   : a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
}

/* A DTLS handshake record (RFC 6347 §4.1: content type 22, version 254.x): what may open a session. */
static bool handshake_record(const void *data, size_t n)
{
	const unsigned char *b = data;
	return n >= 13 && b[0] == 22 && b[1] == 254;
}

/* Whether a datagram from src may enter: latching, then the source filter. A DTLS leg latches only onto
 * the source of a handshake: a stray datagram must not choose its peer. */
static bool admit(struct leg *l, const union sa *src, const void *data, size_t n)
{
	struct agw_term *t = l->t;
	char where[SA_TEXT_MAX], summary[SA_TEXT_MAX + 16];
	if (t->latch && !l->latched && secure(l) && !handshake_record(data, n))
		return false;
	if (t->latch && !l->latched) {
		l->peer = *src, l->has_peer = l->latched = true;
		struct log_ids ids;
		log_info("leg", leg_ids(l, &ids), "latched to %s", sa_text(src, where));
		snprintf(summary, sizeof summary, "latched to %s", where);
		leg_trace(l, TRACE_UDP_LATCH, false, summary);
		return true;
	}
	union sa ref;
	bool known = l->latched ? (ref = l->peer, true) : leg_remote(t, &ref);
	/* the gateway's own policy: once the Remote is known, only its address (as gm/saf) */
	bool saf = t->saf || (known && l->ls->o.source_filter);
	if (!saf && !t->spf)
		return true;
	bool ok = known && (!saf || same(src, &ref, false)) && (!t->spf || sa_port(src) == sa_port(&ref));
	l->ls->stats.datagrams_filtered += !ok;
	if (!ok) { /* anyone can send them: counted over all legs; the leg's own count at its end */
		struct log_ids ids;
		log_counted(&l->ls->filtered, leg_ids(l, &ids), "from %s: not the admitted source",
			    sa_text(src, where));
	}
	if (!ok && ++l->filtered <= 8) { /* the first few traced */
		snprintf(summary, sizeof summary, "dropped from %s", where);
		leg_trace_with(l, src, TRACE_UDP_DROP, false, summary);
	}
	return ok;
}

/* One datagram toward the partner's peer, through its DTLS session if it has one. */
static void forward(struct leg *src, const void *data, size_t n)
{
	struct leg *dst = leg_partner(src);
	if (!dst || !may_send(src) || !may_send(dst)) {
		leg_dropped(src);
		return;
	}
	/* one datagram, or one DTLS record; lost to a full socket buffer or an ICMP error: UDP's loss */
	if (leg_write(dst, data, n) < 0) {
		leg_dropped(dst);
		return;
	}
	dst->t->octets_sent += n;
	dst->t->packets_sent++;
}

/* The DTLS side of one admitted datagram: the handshake, or records to pass on. */
static void dtls_input(struct leg *l, const void *data, size_t n, const union sa *src)
{
	if (!l->tls) {
		/* the client speaks first, and only a handshake opens a session: stray datagrams must not
		 * choose the session's peer */
		if (l->t->tls_est || !handshake_record(data, n)) {
			leg_dropped(l);
			return;
		}
		if (!l->has_peer) /* the server answers whoever the filter let open the session */
			l->peer = *src, l->has_peer = true;
		if (!sess_start(l, false))
			return;
	}
	l->dg = data, l->dg_len = n;
	if (l->tls_state == TLS_HANDSHAKE) {
		if (sess_handshake(l) == SESS_DONE)
			sess_verify(l);
		l->dg = NULL;
		return;
	}
	char plain[DGRAM];
	for (;;) {
		ssize_t r = leg_read(l, plain, sizeof plain);
		if (r > 0) {
			if (l->tls_state == TLS_VERIFIED)
				forward(l, plain, (size_t)r);
			else
				leg_dropped(l); /* held: nothing crosses before the fingerprint matched */
			continue;
		}
		if (r == -EAGAIN)
			break; /* all read, or a record DTLS drops (RFC 6347 §4.1.2.7) */
		if (r ==
		    0) { /* the peer's close_notify, answered with ours (RFC 6347 §4.1 via RFC 5246 §7.2.1) */
			sess_bye_received(l);
			sess_bye(l);
		}
		char why[LEG_WHY];
		const char *reason = r == 0 ? "DTLS: close_notify" : leg_why(l, why);
		/* a clean close has no event of its own on a UDP leg (tcpbcc is TCP's, and H.248.90's tlsm
		 * items are unread): the MGC learns of the end from the re-offer or BYE that follows */
		leg_finish(l, false, r == 0 ? WIRE_COUNT : WIRE_TLS_FAIL, reason);
		return;
	}
	l->dg = NULL;
}

static void on_io(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg)
{
	struct leg *l = arg;
	(void)loop, (void)io, (void)events;
	static char bufs[BATCH][DGRAM];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	union sa from[BATCH];
	for (unsigned round = 0; round < 8 && l->state == LEG_UP; round++) { /* then others get a turn */
		for (unsigned i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){ bufs[i], DGRAM };
			m[i].msg_hdr = (struct msghdr){ .msg_name = &from[i],
							.msg_namelen = sizeof from[i],
							.msg_iov = &iov[i],
							.msg_iovlen = 1 };
		}
		int n = recvmmsg(l->fd, m, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (int i = 0; i < n && l->state == LEG_UP; i++) {
			if (!admit(l, &from[i], bufs[i], m[i].msg_len))
				continue;
			l->t->octets_received += m[i].msg_len;
			l->t->packets_received++;
			if (!police_admit(l, m[i].msg_len))
				continue; /* over tman's bucket: dropped, counted in tmanr/dp */
			if (secure(l))
				dtls_input(l, bufs[i], m[i].msg_len, &from[i]);
			else
				forward(l, bufs[i], m[i].msg_len);
		}
		if (n < BATCH)
			return;
	}
}

static void udp_configure(struct leg *l)
{
	struct agw_term *t = l->t;
	struct log_ids ids;
	enum sess_verdict v;
	if (l->state == LEG_DONE || sess_remote_check(l, &v)) /* a verified peer is relayed at once */
		return;
	if (l->state == LEG_IDLE) { /* the termination's port becomes the leg's */
		l->fd = t->port_fd;
		t->port_fd = -1;
		setsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &(int){ SOCKBUF }, sizeof(int));
		setsockopt(l->fd, SOL_SOCKET, SO_SNDBUF, &(int){ SOCKBUF }, sizeof(int));
		l->io = ev_io_add(l->ls->loop, l->fd, EPOLLIN, on_io, l);
		l->state = LEG_UP;
		log_info("leg", leg_ids(l, &ids), "UDP on port %u%s%s", t->port, t->latch ? ", latching" : "",
			 t->saf || l->ls->o.source_filter ? ", source filtered" : "");
	}
	if (!l->latched && !(l->tls && l->has_peer)) /* the Remote, until latching or a session says */
		l->has_peer = leg_remote(t, &l->peer);
	if (secure(l) && t->tls_est && !l->tls && l->has_peer && sess_start(l, true) &&
	    sess_handshake(l) == SESS_DONE)
		sess_verify(l);
}

static void udp_teardown(struct leg *l)
{
	if (l->fd < 0)
		return;
	sess_bye(l); /* a datagram: nothing lingers, and no RST can follow */
	ev_io_del(l->ls->loop, l->io);
	l->io = NULL;
	close(l->fd);
	l->fd = -1;
}

/* What the kinds share and a datagram leg has nothing to do for: its sends and reads never wait on the
 * partner, and tman drops instead of pausing. */
static void nothing(struct leg *l)
{
	(void)l;
}

static void udp_end(struct leg *l, bool reset)
{
	(void)reset; /* no RST in UDP */
	police_stop(l);
	udp_teardown(l);
	sess_free(l);
}

const struct leg_kind leg_udp = {
	.name = "udp", .configure = udp_configure, .update = nothing, .unpaused = nothing, .teardown = udp_end
};
