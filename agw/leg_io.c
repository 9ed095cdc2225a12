/* SPDX-License-Identifier: GPL-3.0-or-later */
/* leg_io: the four transports of a leg (see leg_io.h). */
#include "config.h"
#include "leg_io.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <sys/socket.h>

/* ---- TCP ---- */

static ssize_t tcp_read(struct leg *l, void *buf, size_t n)
{
	ssize_t r = recv(l->fd, buf, n, 0);
	l->drained = r < (ssize_t)n;
	if (r < 0 && errno != EAGAIN && errno != EINTR)
		l->why = g_strerror(errno);
	return r >= 0 ? r : (errno == EINTR ? -EAGAIN : -errno);
}

static ssize_t tcp_write(struct leg *l, const void *buf, size_t n)
{
	ssize_t r = send(l->fd, buf, n, MSG_NOSIGNAL);
	if (r < 0 && errno != EAGAIN && errno != EINTR)
		l->why = g_strerror(errno);
	return r >= 0 ? r : (errno == EINTR ? -EAGAIN : -errno);
}

static void tcp_shutdown(struct leg *l)
{
	shutdown(l->fd, SHUT_WR);
	l->shut = true;
	leg_trace(l, TRACE_TCP_FIN, true, "FIN");
}

static const gnutls_datum_t *no_certs(const struct leg *l, unsigned *n)
{
	(void)l;
	*n = 0;
	return NULL;
}

/* ---- TLS over TCP ---- */

static ssize_t tls_read(struct leg *l, void *buf, size_t n)
{
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
	l->why = gnutls_strerror((int)r);
	/* the peer is told why; leg_finish then closes with a FIN, not a reset that would drop the alert */
	sess_error_alert(l, (int)r);
	return -ECONNRESET;
}

static ssize_t tls_write(struct leg *l, const void *buf, size_t n)
{
	ssize_t r = gnutls_record_send(l->tls, buf, MIN(n, (size_t)16384)); /* one record at a time */
	if (r >= 0)
		return r;
	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
		return -EAGAIN;
	l->why = gnutls_strerror((int)r);
	return -EPIPE;
}

static void tls_shutdown(struct leg *l)
{
	sess_bye(l); /* a full socket here is not worth a wait: the FIN still ends the stream */
	tcp_shutdown(l);
}

static const gnutls_datum_t *session_certs(const struct leg *l, unsigned *n)
{
	*n = 0;
	return gnutls_certificate_get_peers(l->tls, n);
}

/* ---- UDP ---- */

static ssize_t udp_write(struct leg *l, const void *buf, size_t n)
{
	return sendto(l->fd, buf, n, 0, &l->peer.sa, sa_len(&l->peer));
}

static void udp_shutdown(struct leg *l)
{
	(void)l; /* a datagram flow has no end to send */
}

/* ---- DTLS over UDP ---- */

static ssize_t dtls_read(struct leg *l, void *buf, size_t n)
{
	ssize_t r = gnutls_record_recv(l->tls, buf, n);
	if (r >= 0)
		return r; /* 0: close_notify */
	if (!gnutls_error_is_fatal((int)r))
		return -EAGAIN; /* all read (AGAIN), or a record DTLS drops (RFC 6347 §4.1.2.7) */
	l->why = gnutls_strerror((int)r);
	sess_error_alert(l, (int)r);
	return -EPROTO;
}

static ssize_t dtls_write(struct leg *l, const void *buf, size_t n)
{
	return gnutls_record_send(l->tls, buf, n);
}

static void dtls_shutdown(struct leg *l)
{
	sess_bye(l);
}

static const struct leg_io kinds[2][2] = {
	{ { "TCP", tcp_read, tcp_write, tcp_shutdown, no_certs },
	  { "TLS", tls_read, tls_write, tls_shutdown, session_certs } },
	{ { "UDP", NULL, udp_write, udp_shutdown, no_certs },
	  { "DTLS", dtls_read, dtls_write, dtls_shutdown, session_certs } },
};

const struct leg_io *leg_io(const struct leg *l)
{
	return &kinds[l->dgram][l->tls != NULL];
}

const char *leg_why(const struct leg *l, char out[LEG_WHY])
{
	const char *why = l->why ? l->why : "";
	if (l->tls)
		snprintf(out, LEG_WHY, "%s: %s", leg_io(l)->name, why);
	else
		g_strlcpy(out, why, LEG_WHY);
	return out;
}
