/* SPDX-License-Identifier: GPL-3.0-or-later */
/* link: UDP and TCP/TPKT transport of H.248 messages on the event loop (see link.h). */
#include "config.h"
#include "link.h"

#include <errno.h>
#include <glib.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "codec.h"
#include "log.h"
#include "peers.h"
#include "tpkt.h"
#include "trace.h"

struct conn {
	struct h248_link *link;
	uint32_t id;
	int fd;
	struct ev_io *io;
	union sa peer;
	bool connecting;
	bool accepted; /* counted against the limits, closed when idle */
	bool carried;  /* a whole message came on it */
	bool quiet;    /* its end is logged already */
	uint64_t last; /* ev_now of the last whole message received or sent */
	struct ev_timer *idle;
	GByteArray *in, *out; /* received bytes not yet framed; framed bytes not yet written */
};

enum { BACKOFF_FIRST_MS = 100, BACKOFF_MAX_MS = 1000 };

struct h248_link {
	struct ev_loop *loop;
	struct h248_link_ops ops;
	void *arg;
	size_t max_udp, max_tcp, max_queued;
	uint64_t unread; /* connections dropped for not reading what was sent */
	struct log_counter oversized;
	unsigned max_conns, per_source, idle_ms, accepted;
	struct log_counter over_limit, over_source;
	struct log_counter out_of_fds, idled;
	struct log_counter fruitless; /* accepted connections closed before a whole message */
	unsigned backoff_ms;     /* the next pause of the listener */
	struct ev_timer *resume; /* the listener is paused until it fires */
	struct trace *trace;
	union sa local;
	int udp, tcp;
	struct ev_io *udp_io, *tcp_io;
	GHashTable *conns; /* id -> struct conn */
	uint32_t next_id;
	char *rxbuf;
};

/* A message received from peer (rx) or sent to it, in the trace; at: when (NULL: now). */
static void trace_message(const struct h248_link *l, bool rx, const char *text, size_t len,
			  const struct h248_from *peer, const struct timespec *at)
{
	if (!l->trace)
		return;
	char peer_text[SA_TEXT_MAX], local_text[SA_TEXT_MAX], summary[96] = "";
	sa_text(&peer->addr, peer_text);
	sa_text(h248_link_local(l), local_text);
	size_t octets = len, text_len = 0; /* binary: traced as its text, the summary saying it went binary */
	char *decoded = h248_trace_text(text, len, &text_len);
	if (decoded)
		text = decoded, len = text_len;
	const char *nl = memchr(text, '\n', len); /* the line after the header: "Transaction = 5 {" */
	if (nl) {
		const char *end = text + len, *s = nl + 1;
		size_t n = 0;
		while (s + n < end && s[n] != '{' && s[n] != '\n' && n < sizeof summary - 1)
			n++;
		memcpy(summary, s, n);
		while (n && summary[n - 1] == ' ')
			n--;
		summary[n] = 0;
		if (decoded)
			snprintf(summary + n, sizeof summary - n, " (binary, %zu octets)", octets);
	} else if (h248_encoding_of(text, len) == H248_ENC_BINARY) { /* the octets, base64 in the trace */
		snprintf(summary, sizeof summary, "(binary, %zu octets, not readable as text)", octets);
	}
	trace_emit(l->trace, &(struct trace_event){ .kind = rx ? TRACE_H248_RX : TRACE_H248_TX,
						    .from = rx ? peer_text : local_text,
						    .to = rx ? local_text : peer_text,
						    .summary = summary,
						    .at = at,
						    .raw = text,
						    .raw_len = len });
	g_free(decoded);
}

static void conn_drop(struct conn *c, const char *why)
{
	struct h248_link *l = c->link;
	char peer[SA_TEXT_MAX];
	if (c->accepted && !c->carried) { /* what anyone can repeat (a bad TPKT header, a scan): counted */
		if (!c->quiet)
			h248_refused(&l->fruitless, &c->peer, "TCP connection %u closed: %s", c->id, why);
	} else {
		log_info("h248", NULL, "TCP connection %u with %s closed: %s", c->id, sa_text(&c->peer, peer),
			 why);
	}
	uint32_t id = c->id;
	g_hash_table_remove(l->conns, GUINT_TO_POINTER(id)); /* frees c */
	if (l->ops.closed)
		l->ops.closed(l->arg, id, why);
}

static void conn_free(gpointer p)
{
	struct conn *c = p;
	if (c->accepted)
		c->link->accepted--;
	ev_timer_cancel(c->link->loop, c->idle);
	ev_io_del(c->link->loop, c->io);
	close(c->fd);
	g_byte_array_unref(c->in);
	g_byte_array_unref(c->out);
	g_free(c);
}

static void conn_watch(struct conn *c)
{
	ev_io_mod(c->link->loop, c->io, EPOLLIN | (c->out->len || c->connecting ? EPOLLOUT : 0));
}

/* Writes what is queued; false when the connection failed (and was dropped). */
static bool conn_flush(struct conn *c)
{
	while (c->out->len) {
		ssize_t n = send(c->fd, c->out->data, c->out->len, MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n < 0) {
			conn_drop(c, g_strerror(errno));
			return false;
		}
		g_byte_array_remove_range(c->out, 0, (guint)n);
	}
	conn_watch(c);
	return true;
}

/* Hands up every whole frame in c->in; false when the connection was dropped. */
static bool conn_deframe(struct conn *c)
{
	struct h248_link *l = c->link;
	uint32_t id = c->id;
	size_t off = 0;
	for (;;) {
		size_t payload;
		const char *why;
		enum tpkt_status st = tpkt_frame(c->in->data + off, c->in->len - off, &payload, &why);
		if (st == TPKT_INVALID) {
			conn_drop(c, why);
			return false;
		}
		if (st == TPKT_PARTIAL)
			break;
		if (payload > l->max_tcp) {
			h248_refused(&l->oversized, &c->peer,
				     "a %zu-byte message on TCP connection %u, over the "
				     "%zu-byte limit: dropped unread",
				     payload, id, l->max_tcp);
			off += TPKT_HEADER + payload;
			continue;
		}
		struct h248_from from = { .addr = c->peer, .conn = id };
		c->last = ev_now(l->loop);
		if (c->accepted && !c->carried) {
			char text[SA_TEXT_MAX];
			log_info("h248", NULL, "TCP connection %u from %s: its first message", id,
				 sa_text(&c->peer, text));
		}
		c->carried = true;
		trace_message(l, true, (const char *)c->in->data + off + TPKT_HEADER, payload, &from, NULL);
		l->ops.recv(l->arg, (const char *)c->in->data + off + TPKT_HEADER, payload, &from);
		off += TPKT_HEADER + payload;
		if (!g_hash_table_contains(l->conns, GUINT_TO_POINTER(id)))
			return false; /* the handler closed it */
	}
	g_byte_array_remove_range(c->in, 0, (guint)off);
	return true;
}

static void on_conn(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg)
{
	struct conn *c = arg;
	if (c->connecting) {
		int e = 0;
		socklen_t len = sizeof e;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &len);
		if (e) {
			conn_drop(c, g_strerror(e));
			return;
		}
		if (!(events & (EPOLLOUT | EPOLLIN)))
			return;
		c->connecting = false;
	}
	if ((events & EPOLLOUT) && !conn_flush(c))
		return;
	if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		return;
	uint8_t buf[16384];
	/* bounded: a peer that sends faster than we parse does not keep the loop from the rest (the MGC's
	 * UDP, timers); what is left is read at the next turn (level-triggered) */
	for (int i = 0; i < 4; i++) {
		ssize_t n = recv(c->fd, buf, sizeof buf, 0);
		if (n > 0) {
			g_byte_array_append(c->in, buf, (guint)n);
			if (c->in->len >= TPKT_HEADER && !conn_deframe(c))
				return;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		conn_drop(c, n == 0 ? "closed by the peer" : g_strerror(errno));
		return;
	}
}

static void on_idle(struct ev_loop *loop, void *arg);

static struct conn *conn_add(struct h248_link *l, int fd, const union sa *peer, bool connecting)
{
	struct conn *c = g_new0(struct conn, 1);
	*c = (struct conn){ .link = l,
			    .id = ++l->next_id,
			    .fd = fd,
			    .peer = *peer,
			    .connecting = connecting,
			    .last = ev_now(l->loop),
			    .in = g_byte_array_new(),
			    .out = g_byte_array_new() };
	if (!l->next_id)
		c->id = l->next_id = 1; /* 0 means UDP */
	c->io = ev_io_add(l->loop, fd, EPOLLIN | (connecting ? EPOLLOUT : 0), on_conn, c);
	g_hash_table_insert(l->conns, GUINT_TO_POINTER(c->id), c);
	return c;
}

/* An accepted connection idle for idle_ms is closed; one with a message since is looked at again when
 * idle_ms have passed since that message. */
static void on_idle(struct ev_loop *loop, void *arg)
{
	struct conn *c = arg;
	struct h248_link *l = c->link;
	c->idle = NULL;
	uint64_t now = ev_now(loop), idle = now - c->last;
	if (idle < l->idle_ms) {
		c->idle = ev_timer_add(loop, l->idle_ms - idle, on_idle, c);
		return;
	}
	char peer[SA_TEXT_MAX];
	log_counted(&l->idled, NULL, "TCP connection %u from %s carried no message for %u ms: closed", c->id,
		    sa_text(&c->peer, peer), l->idle_ms);
	char why[64];
	g_snprintf(why, sizeof why, "no message for %u ms", l->idle_ms);
	c->quiet = true;
	conn_drop(c, why);
}

static bool same_host(const union sa *a, const union sa *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
	return !memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, sizeof a->in6.sin6_addr);
}

/* Accepted connections open now from peer's address (a scan: there are at most max_conns). */
static unsigned from_source(struct h248_link *l, const union sa *peer)
{
	unsigned n = 0;
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, l->conns);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		const struct conn *c = v;
		n += c->accepted && same_host(&c->peer, peer);
	}
	return n;
}

/* Takes an accepted descriptor into the link, or closes it at once when a limit is reached. */
static void take(struct h248_link *l, int fd, const union sa *peer)
{
	if (l->accepted >= l->max_conns) {
		close(fd);
		h248_refused(&l->over_limit, peer, "a TCP connection beyond the %u open at once: closed",
			     l->max_conns);
		return;
	}
	if (from_source(l, peer) >= l->per_source) {
		close(fd);
		h248_refused(&l->over_source, peer,
			     "a TCP connection beyond the %u open at once from one address: closed",
			     l->per_source);
		return;
	}
	char text[SA_TEXT_MAX];
	struct conn *c = conn_add(l, fd, peer, false);
	c->accepted = true;
	l->accepted++;
	c->idle = ev_timer_add(l->loop, l->idle_ms, on_idle, c);
	/* at info once it carries a message: anyone can open connections and close them at once */
	log_debug("h248", NULL, "TCP connection %u from %s", c->id, sa_text(peer, text));
}

static void on_accept(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg);

/* The pause after a failed accept is over: listen again, and take what waits. */
static void on_resume(struct ev_loop *loop, void *arg)
{
	struct h248_link *l = arg;
	l->resume = NULL;
	ev_io_mod(loop, l->tcp_io, EPOLLIN);
	on_accept(loop, l->tcp_io, EPOLLIN, l);
}

static void on_accept(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg)
{
	struct h248_link *l = arg;
	if (l->resume)
		return; /* paused (an error or hang-up event still comes through) */
	/* bounded: a burst of connections does not keep the loop from the rest (UDP, timers) */
	for (int i = 0; i < 64; i++) {
		union sa peer;
		socklen_t len = sizeof peer;
		int fd = accept4(l->tcp, &peer.sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			l->backoff_ms = BACKOFF_FIRST_MS;
			take(l, fd, &peer);
			continue;
		}
		if (errno == ECONNABORTED || errno == EPROTO || errno == EPERM)
			continue; /* that one is gone (or a firewall refused it): the next */
		if (errno == EAGAIN || errno == EINTR)
			return;
		/* EMFILE, ENFILE, ENOBUFS, ENOMEM: the connection stays in the backlog and the listener
		 * stays readable, so retrying now would spin; pause it (nginx's way) */
		int e = errno;
		log_counted(&l->out_of_fds, NULL,
			    "accepting an H.248 TCP connection: %s; not accepting for %u ms", g_strerror(e),
			    l->backoff_ms);
		ev_io_mod(loop, l->tcp_io, 0);
		l->resume = ev_timer_add(loop, l->backoff_ms, on_resume, l);
		l->backoff_ms = MIN(2 * l->backoff_ms, BACKOFF_MAX_MS);
		return;
	}
}

/* max_conns, and at most a quarter of the descriptors the process may have */
static unsigned conns_limit(unsigned asked)
{
	struct rlimit rl;
	unsigned n = asked ? asked : 64;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 4 < n)
		n = (unsigned)MAX(rl.rlim_cur / 4, 1);
	return n;
}

static void on_udp(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg)
{
	struct h248_link *l = arg;
	for (int i = 0; i < 64; i++) { /* bounded likewise */
		struct h248_from from = { 0 };
		socklen_t len = sizeof from.addr;
		ssize_t n = recvfrom(l->udp, l->rxbuf, l->max_udp + 1, MSG_TRUNC, &from.addr.sa, &len);
		if (n < 0)
			return; /* EAGAIN, or an ICMP error for an earlier datagram: nothing to hand up */
		if ((size_t)n > l->max_udp) {
			h248_refused(&l->oversized, &from.addr,
				     "a %zd-byte datagram, over the %zu-byte limit: "
				     "dropped unread",
				     n, l->max_udp);
			continue;
		}
		trace_message(l, true, l->rxbuf, (size_t)n, &from, NULL);
		l->ops.recv(l->arg, l->rxbuf, (size_t)n, &from);
	}
}

struct h248_link *h248_link_new(struct ev_loop *loop, const union sa *local,
				const struct h248_link_opts *opts, const struct h248_link_ops *ops, void *arg,
				char **err)
{
	struct h248_link *l = g_new0(struct h248_link, 1);
	l->loop = loop, l->ops = *ops, l->arg = arg;
	l->max_udp = opts && opts->max_udp ? opts->max_udp : 8192;
	l->max_tcp = opts && opts->max_tcp ? opts->max_tcp : 16384;
	l->max_queued = opts && opts->max_queued ? opts->max_queued : 1u << 20;
	l->oversized = H248_REFUSALS("H.248 from");
	l->max_conns = conns_limit(opts ? opts->max_conns : 0);
	l->per_source = opts && opts->max_conns_per_source ? opts->max_conns_per_source : 4;
	l->idle_ms = opts && opts->idle_ms ? opts->idle_ms : 60000;
	l->over_limit = l->over_source = H248_REFUSALS("H.248 TCP from");
	l->out_of_fds = (struct log_counter){ .component = "h248", .what = "descriptors or memory exhausted:" };
	l->idled = (struct log_counter){ .component = "h248", .what = "idle H.248 connection:" };
	l->fruitless =
	    (struct log_counter){ .component = "h248", .what = "H.248 TCP without a message from" };
	l->backoff_ms = BACKOFF_FIRST_MS;
	l->trace = opts ? opts->trace : NULL;
	l->rxbuf = g_malloc(l->max_udp + 1);
	l->conns = g_hash_table_new_full(NULL, NULL, NULL, conn_free);
	l->local = *local;
	l->udp = l->tcp = -1;
	char text[SA_TEXT_MAX];
	/* UDP and TCP on one port: with port 0 the kernel picks the UDP one, which TCP may hold elsewhere;
	 * then another pick is tried (a bounded number of times) */
	for (int tries = 0; tries < (sa_port(local) ? 1 : 32); tries++) {
		if (l->udp >= 0)
			close(l->udp);
		l->udp = sa_bind(SOCK_DGRAM, local);
		if (l->udp < 0)
			break;
		socklen_t len = sizeof l->local;
		getsockname(l->udp, &l->local.sa, &len);
		l->tcp = sa_bind(SOCK_STREAM, &l->local);
		if (l->tcp >= 0 || l->tcp != -EADDRINUSE)
			break;
	}
	if (l->udp < 0) {
		*err = g_strdup_printf("cannot bind H.248 UDP socket %s: %s", sa_text(local, text),
				       g_strerror(-l->udp));
		h248_link_free(l);
		return NULL;
	}
	if (l->tcp < 0) {
		*err = g_strdup_printf("cannot listen for H.248 over TCP on %s: %s", sa_text(&l->local, text),
				       g_strerror(-l->tcp));
		h248_link_free(l);
		return NULL;
	}
	l->udp_io = ev_io_add(loop, l->udp, EPOLLIN, on_udp, l);
	l->tcp_io = ev_io_add(loop, l->tcp, EPOLLIN, on_accept, l);
	return l;
}

void h248_link_free(struct h248_link *l)
{
	if (!l)
		return;
	g_hash_table_destroy(l->conns);
	ev_timer_cancel(l->loop, l->resume);
	ev_io_del(l->loop, l->udp_io);
	ev_io_del(l->loop, l->tcp_io);
	if (l->udp >= 0)
		close(l->udp);
	if (l->tcp >= 0)
		close(l->tcp);
	g_free(l->rxbuf);
	g_free(l);
}

const union sa *h248_link_local(const struct h248_link *l)
{
	return &l->local;
}

static int link_send(struct h248_link *l, const struct h248_from *to, const char *text, size_t len)
{
	if (!to->conn) {
		if (len > l->max_udp)
			return -EMSGSIZE;
		ssize_t n = sendto(l->udp, text, len, 0, &to->addr.sa, sa_len(&to->addr));
		return n < 0 ? -errno : 0;
	}
	struct conn *c = g_hash_table_lookup(l->conns, GUINT_TO_POINTER(to->conn));
	if (!c)
		return -ENOTCONN;
	uint8_t hdr[TPKT_HEADER];
	if (!tpkt_header(hdr, len))
		return -EMSGSIZE;
	if (c->out->len + sizeof hdr + len > l->max_queued) { /* the peer reads nothing: do not hoard */
		char why[80];
		snprintf(why, sizeof why, "the peer does not read (%u bytes queued)", c->out->len);
		l->unread++;
		conn_drop(c, why);
		return -ENOBUFS;
	}
	g_byte_array_append(c->out, hdr, sizeof hdr);
	g_byte_array_append(c->out, (const guint8 *)text, (guint)len);
	c->last = ev_now(l->loop);
	if (!c->connecting && !conn_flush(c))
		return -ECONNRESET;
	return 0;
}

int h248_link_send(struct h248_link *l, const struct h248_from *to, const char *text, size_t len)
{
	/* stamped before it leaves: the peer may act on it, and trace its acts, before send returns */
	struct timespec at;
	clock_gettime(CLOCK_REALTIME, &at);
	int rc = link_send(l, to, text, len);
	if (rc == 0)
		trace_message(l, false, text, len, to, &at);
	return rc;
}

int h248_link_connect(struct h248_link *l, const union sa *peer, uint32_t *conn)
{
	int fd = socket(peer->sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, &peer->sa, sa_len(peer)) < 0 && errno != EINPROGRESS) {
		int e = errno;
		close(fd);
		return -e;
	}
	*conn = conn_add(l, fd, peer, true)->id;
	return 0;
}

void h248_link_close(struct h248_link *l, uint32_t conn)
{
	g_hash_table_remove(l->conns, GUINT_TO_POINTER(conn));
}

uint64_t h248_link_oversized(const struct h248_link *l)
{
	return l->oversized.count;
}

void h248_link_stats_log(const struct h248_link_stats *s)
{
	log_notice("main", NULL,
		   "H.248 TCP connections closed: %" G_GUINT64_FORMAT " over the limit of %u, %" G_GUINT64_FORMAT
		   " over the limit per address, %" G_GUINT64_FORMAT " idle, %" G_GUINT64_FORMAT
		   " not reading; %" G_GUINT64_FORMAT " accepts failed for want of descriptors",
		   s->over_limit, s->max_conns, s->over_source, s->idle, s->unread, s->out_of_fds);
}

void h248_link_stats(const struct h248_link *l, struct h248_link_stats *s)
{
	*s = (struct h248_link_stats){ .conns = l->accepted,
				       .max_conns = l->max_conns,
				       .over_limit = l->over_limit.count,
				       .over_source = l->over_source.count,
				       .idle = l->idled.count,
				       .out_of_fds = l->out_of_fds.count,
				       .unread = l->unread };
}
