/* link: UDP and TCP/TPKT transport of H.248 messages on the event loop (see link.h). */
#include "config.h"
#include "link.h"

#include <errno.h>
#include <glib.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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
	GByteArray *in, *out; /* received bytes not yet framed; framed bytes not yet written */
};

struct h248_link {
	struct ev_loop *loop;
	struct h248_link_ops ops;
	void *arg;
	size_t max_udp, max_tcp;
	struct h248_refusals oversized;
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
	char peer_text[SA_TEXT_MAX], local_text[SA_TEXT_MAX], summary[80] = "";
	sa_text(&peer->addr, peer_text);
	sa_text(h248_link_local(l), local_text);
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
	}
	trace_emit(l->trace, &(struct trace_event){ .kind = rx ? "h248.rx" : "h248.tx",
						    .from = rx ? peer_text : local_text,
						    .to = rx ? local_text : peer_text,
						    .summary = summary,
						    .at = at,
						    .raw = text,
						    .raw_len = len });
}

static void conn_drop(struct conn *c, const char *why)
{
	struct h248_link *l = c->link;
	char peer[SA_TEXT_MAX];
	log_info("h248", NULL, "TCP connection %u with %s closed: %s", c->id, sa_text(&c->peer, peer), why);
	uint32_t id = c->id;
	g_hash_table_remove(l->conns, GUINT_TO_POINTER(id)); /* frees c */
	if (l->ops.closed)
		l->ops.closed(l->arg, id, why);
}

static void conn_free(gpointer p)
{
	struct conn *c = p;
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
	for (;;) {
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

static struct conn *conn_add(struct h248_link *l, int fd, const union sa *peer, bool connecting)
{
	struct conn *c = g_new0(struct conn, 1);
	*c = (struct conn){ .link = l,
			    .id = ++l->next_id,
			    .fd = fd,
			    .peer = *peer,
			    .connecting = connecting,
			    .in = g_byte_array_new(),
			    .out = g_byte_array_new() };
	if (!l->next_id)
		c->id = l->next_id = 1; /* 0 means UDP */
	c->io = ev_io_add(l->loop, fd, EPOLLIN | (connecting ? EPOLLOUT : 0), on_conn, c);
	g_hash_table_insert(l->conns, GUINT_TO_POINTER(c->id), c);
	return c;
}

static void on_accept(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg)
{
	struct h248_link *l = arg;
	for (;;) {
		union sa peer;
		socklen_t len = sizeof peer;
		int fd = accept4(l->tcp, &peer.sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("h248", NULL, "accepting an H.248 TCP connection: %s",
					 g_strerror(errno));
			return;
		}
		char text[SA_TEXT_MAX];
		struct conn *c = conn_add(l, fd, &peer, false);
		log_info("h248", NULL, "TCP connection %u from %s", c->id, sa_text(&peer, text));
	}
}

static void on_udp(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg)
{
	struct h248_link *l = arg;
	for (;;) {
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
	l->oversized.what = "H.248 from";
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
	g_byte_array_append(c->out, hdr, sizeof hdr);
	g_byte_array_append(c->out, (const guint8 *)text, (guint)len);
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
