/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tcp_io: a TCP leg's reads and writes, plain or over its GnuTLS session, and the end of what it sends
 * (close_notify, then FIN), for tcp.c's relay and conference member (see tcp_int.h). */
#include "config.h"
#include "tcp_int.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <sys/socket.h>
/* ---- a leg's I/O: plain TCP or GnuTLS; >0 bytes, 0 end of stream, -EAGAIN, or -errno (why set) ---- */

ssize_t leg_read(struct leg *l, void *buf, size_t n)
{
	if (!l->tls) {
		ssize_t r = recv(l->fd, buf, n, 0);
		if (r < 0 && errno != EAGAIN && errno != EINTR)
			g_strlcpy(l->why, g_strerror(errno), sizeof l->why);
		return r >= 0 ? r : (errno == EINTR ? -EAGAIN : -errno);
	}
	ssize_t r = gnutls_record_recv(l->tls, buf, n);
	if (r == 0)
		sess_bye_received(l);
	if (r >= 0)
		return r; /* 0: close_notify */
	if (r == GNUTLS_E_PREMATURE_TERMINATION)
		return 0; /* TCP ended without close_notify: the end all the same */
	/* AGAIN also follows a record that was not data (TLS 1.3 NewSessionTicket or KeyUpdate): the caller
	 * reads on while sess_buffered(). A TLS 1.2 HelloRequest (REHANDSHAKE) or a warning alert is not
	 * fatal either: the renegotiation is declined by ignoring it (RFC 5246 §7.4.1.1). */
	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED || !gnutls_error_is_fatal((int)r))
		return -EAGAIN;
	snprintf(l->why, sizeof l->why, "TLS: %s", gnutls_strerror((int)r));
	return -ECONNRESET;
}

ssize_t leg_write(struct leg *l, const void *buf, size_t n)
{
	if (!l->tls) {
		ssize_t r = send(l->fd, buf, n, MSG_NOSIGNAL);
		if (r < 0 && errno != EAGAIN && errno != EINTR)
			g_strlcpy(l->why, g_strerror(errno), sizeof l->why);
		return r >= 0 ? r : (errno == EINTR ? -EAGAIN : -errno);
	}
	ssize_t r = gnutls_record_send(l->tls, buf, MIN(n, (size_t)16384)); /* one record at a time */
	if (r >= 0)
		return r;
	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
		return -EAGAIN;
	snprintf(l->why, sizeof l->why, "TLS: %s", gnutls_strerror((int)r));
	return -EPIPE;
}

/* The end of what we send on this leg: close_notify for TLS, then FIN. */
void leg_shutdown(struct leg *l)
{
	sess_bye(l); /* a full socket here is not worth a wait: the FIN still ends the stream */
	shutdown(l->fd, SHUT_WR);
	l->shut = true;
	leg_trace(l, TRACE_TCP_FIN, true, "FIN");
}
