/* SPDX-License-Identifier: GPL-3.0-or-later */
/* linger: the last moments of a TCP leg the gateway ended (see leg.h).
 *
 * close() on a socket whose peer still sends makes the kernel answer with RST: for bytes left unread,
 * and for bytes arriving after it, such as the peer's close_notify answering ours (RFC 8446 §6.1). So a
 * connection the gateway ends sends its close_notify and FIN and stays open, read and drained, until
 * the peer's FIN or LINGER_MS; only then is it closed. The peer's close_notify read meanwhile is counted
 * and traced as one read while relaying is. */
#include "config.h"
#include "leg.h"

#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "trace.h"

enum { LINGER_MS = 2000, DRAIN = 16384, ROUNDS = 64 };

struct lingering {
	struct legs *ls;
	int fd;
	struct ev_io *io;
	struct ev_timer *timer;
	gnutls_session_t tls; /* the leg's session, until its close_notify arrived */
	gnutls_psk_client_credentials_t psk_client;
	gnutls_psk_server_credentials_t psk_server;
	GByteArray *raw;  /* what the leg read from the socket and GnuTLS had not taken yet */
	bool bye_pending; /* our close_notify waits for room in the socket; the FIN after it */
	bool fin_sent, bye_rcvd;
	char ctx[16], term[24], here[SA_TEXT_MAX], there[SA_TEXT_MAX];
};

static void note(struct lingering *g, enum trace_kind kind, bool out, const char *summary)
{
	if (g->ls->o.trace)
		trace_emit(g->ls->o.trace, &(struct trace_event){ .kind = kind,
								  .ctx = g->ctx,
								  .term = g->term,
								  .from = out ? g->here : g->there,
								  .to = out ? g->there : g->here,
								  .summary = summary });
}

static ssize_t pull(gnutls_transport_ptr_t ptr, void *data, size_t n)
{
	struct lingering *g = ptr;
	if (g->raw && g->raw->len) {
		size_t k = MIN(n, g->raw->len);
		memcpy(data, g->raw->data, k);
		g_byte_array_remove_range(g->raw, 0, (guint)k);
		return (ssize_t)k;
	}
	ssize_t r = recv(g->fd, data, n, 0);
	if (r < 0)
		gnutls_transport_set_errno(g->tls, errno);
	return r;
}

static ssize_t push(gnutls_transport_ptr_t ptr, const giovec_t *iov, int n)
{
	struct lingering *g = ptr;
	struct msghdr m = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)n };
	ssize_t r = sendmsg(g->fd, &m, MSG_NOSIGNAL);
	if (r < 0)
		gnutls_transport_set_errno(g->tls, errno);
	return r;
}

static void end(struct lingering *g, const char *why)
{
	struct log_ids ids = { .ctx = g->ctx, .term = g->term };
	log_debug("leg", &ids, "connection with %s closed: %s", g->there, why);
	ev_io_del(g->ls->loop, g->io);
	ev_timer_cancel(g->ls->loop, g->timer);
	close(g->fd);
	if (g->tls)
		gnutls_deinit(g->tls);
	if (g->psk_client)
		gnutls_psk_free_client_credentials(g->psk_client);
	if (g->psk_server)
		gnutls_psk_free_server_credentials(g->psk_server);
	if (g->raw)
		g_byte_array_free(g->raw, TRUE);
	g_hash_table_remove(g->ls->lingering, g);
	g_free(g);
}

/* Our close_notify went out (or cannot): now the FIN. False while the socket has no room for it. */
static bool finish_sending(struct lingering *g)
{
	if (g->bye_pending) {
		int rc = gnutls_bye(g->tls, GNUTLS_SHUT_WR);
		if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
			return false;
		g->bye_pending = false;
		if (rc >= 0) {
			g->ls->close_notify_sent++;
			note(g, TRACE_TLS_CLOSE_NOTIFY, true, "close_notify");
		}
	}
	if (!g->fin_sent) {
		shutdown(g->fd, SHUT_WR);
		note(g, TRACE_TCP_FIN, true, "FIN");
		g->fin_sent = true;
	}
	return true;
}

/* Reads and drops what the peer sends; true once its end arrived (or the socket failed). */
static bool drain(struct lingering *g)
{
	char buf[DRAIN];
	for (unsigned i = 0; i < ROUNDS; i++) {
		ssize_t r;
		if (g->tls && !g->bye_rcvd) {
			r = gnutls_record_recv(g->tls, buf, sizeof buf);
			if (r == 0) { /* the peer's close_notify: the TCP end follows */
				g->bye_rcvd = true;
				g->ls->close_notify_received++;
				note(g, TRACE_TLS_CLOSE_NOTIFY_RX, false, "close_notify received");
				continue;
			}
			if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
				if (g->raw && g->raw->len)
					continue; /* a ticket or KeyUpdate: what followed it is still buffered */
				return false;
			}
			if (r == GNUTLS_E_PREMATURE_TERMINATION)
				return true; /* the TCP end without close_notify */
			if (r < 0 && gnutls_error_is_fatal((int)r)) { /* a broken stream: the rest as bytes */
				g_clear_pointer(&g->tls, gnutls_deinit);
				g->bye_pending = false; /* no close_notify can follow, the FIN may */
			}
			continue; /* application data after the end, or a record GnuTLS skips: dropped */
		}
		if (g->raw && g->raw->len) /* bytes the relay or a broken session had not taken */
			g_byte_array_set_size(g->raw, 0);
		r = recv(g->fd, buf, sizeof buf, 0);
		if (r > 0)
			continue;
		return r == 0 || (errno != EAGAIN && errno != EINTR);
	}
	return false; /* more to read: the next wakeup goes on */
}

static void on_io(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg)
{
	struct lingering *g = arg;
	(void)io, (void)events;
	if (g->bye_pending) {
		if (!finish_sending(g))
			return;
		ev_io_mod(loop, g->io, EPOLLIN);
	}
	if (drain(g))
		end(g, g->bye_rcvd ? "close_notify and FIN from the peer" : "FIN from the peer");
}

static void on_timeout(struct ev_loop *loop, void *arg)
{
	struct lingering *g = arg;
	(void)loop;
	g->timer = NULL;
	drain(g); /* what came last is read: the close sends no RST for it */
	end(g, "the peer did not end its side in time");
}

void linger_start(struct leg *l)
{
	struct lingering *g = g_new0(struct lingering, 1);
	g->ls = l->ls;
	g->fd = l->fd;
	/* our close_notify is due unless a fatal alert ended the session, or it never finished its handshake
	 */
	g->bye_pending = l->tls && !l->alerted && !l->bye_sent &&
			 (l->tls_state == TLS_HELD || l->tls_state == TLS_VERIFIED);
	l->bye_sent = true;
	g->fin_sent = l->shut;
	g->bye_rcvd = l->bye_rcvd;
	g_strlcpy(g->ctx, agw_term_ctx(l->t) ? agw_term_ctx(l->t) : "", sizeof g->ctx);
	g_strlcpy(g->term, l->t->id, sizeof g->term);
	union sa me;
	socklen_t len = sizeof me;
	if (getsockname(l->fd, &me.sa, &len) == 0)
		sa_text(&me, g->here);
	sa_text(&l->peer, g->there);
	/* the session moves: GnuTLS now reads and writes through the lingering connection; one our fatal
	 * alert ended reads no more (sess_free ends it), what follows is drained as bytes */
	if (l->tls && !l->alerted) {
		g->tls = l->tls, g->psk_client = l->psk_client, g->psk_server = l->psk_server;
		l->tls = NULL, l->psk_client = NULL, l->psk_server = NULL;
		gnutls_transport_set_ptr(g->tls, g);
		gnutls_transport_set_pull_function(g->tls, pull);
		gnutls_transport_set_vec_push_function(g->tls, push);
	}
	if (l->raw && l->raw_len > l->raw_off) {
		g->raw = g_byte_array_sized_new((guint)(l->raw_len - l->raw_off));
		g_byte_array_append(g->raw, (const guint8 *)l->raw + l->raw_off,
				    (guint)(l->raw_len - l->raw_off));
	}
	g_clear_pointer(&l->raw, g_free);
	l->raw_off = l->raw_len = 0;
	ev_io_del(l->ls->loop, l->io);
	l->io = NULL, l->fd = -1, l->shut = true;
	g_hash_table_add(g->ls->lingering, g);
	/* what the peer sent already is read first: on loopback its answer to our FIN can be a RST at once */
	bool ended = drain(g);
	bool sent = finish_sending(g);
	if (ended && sent) {
		end(g, l->eof ? "the peer had ended its side" : "the peer ended its side");
		return;
	}
	g->io = ev_io_add(g->ls->loop, g->fd, sent ? EPOLLIN : EPOLLOUT, on_io, g);
	g->timer = ev_timer_add(g->ls->loop, LINGER_MS, on_timeout, g);
}

void linger_stop_all(struct legs *ls)
{
	GList *all = g_hash_table_get_keys(ls->lingering);
	for (GList *i = all; i; i = i->next) {
		struct lingering *g = i->data;
		drain(g);
		end(g, "the gateway stops");
	}
	g_list_free(all);
}
