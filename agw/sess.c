/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sess: the (D)TLS session of a leg (see leg.h). TLS over a TCP leg and DTLS over a UDP leg differ only
 * in how GnuTLS reads and writes: a stream through one large read per wakeup, or the datagram in hand.
 * Set-up, the handshake, the fingerprint check and its hold, and the alerts are one path. */
#include "config.h"
#include "leg.h"

#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>

#include "cert.h"
#include "transport.h"

/* ---- a stream: TLS over TCP ---- */

/* GnuTLS asks for a record a few bytes at a time; serving it from one large read per wakeup saves most
 * of the system calls. The buffer exists only while it holds bytes. */
enum { RAW = 64 * 1024 };

static ssize_t stream_pull(gnutls_transport_ptr_t ptr, void *data, size_t n)
{
	struct leg *l = ptr;
	if (l->raw_off == l->raw_len) {
		if (!l->raw)
			l->raw = g_malloc(RAW);
		ssize_t r = recv(l->fd, l->raw, RAW, 0);
		l->drained = r < RAW;
		if (r <= 0) {
			int e = r < 0 ? errno : 0;
			g_clear_pointer(&l->raw, g_free);
			l->raw_off = l->raw_len = 0;
			gnutls_transport_set_errno(l->tls, e);
			return r;
		}
		l->raw_off = 0, l->raw_len = (size_t)r;
	}
	size_t k = MIN(n, l->raw_len - l->raw_off);
	memcpy(data, l->raw + l->raw_off, k);
	l->raw_off += k;
	if (l->raw_off == l->raw_len) {
		g_clear_pointer(&l->raw, g_free);
		l->raw_off = l->raw_len = 0;
	}
	return (ssize_t)k;
}

/* A whole flight (or a run of records) in one system call: fewer wakeups and segments per handshake. */
static ssize_t stream_push(gnutls_transport_ptr_t ptr, const giovec_t *iov, int n)
{
	struct leg *l = ptr;
	struct msghdr m = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)n };
	ssize_t r = sendmsg(l->fd, &m, MSG_NOSIGNAL);
	if (r < 0)
		gnutls_transport_set_errno(l->tls, errno);
	return r;
}

/* ---- datagrams: DTLS over UDP ---- */

/* The datagram the leg received, once; then "nothing yet" (the leg's loop hands over the next one). */
static ssize_t dgram_pull(gnutls_transport_ptr_t ptr, void *data, size_t n)
{
	struct leg *l = ptr;
	if (!l->dg) {
		gnutls_transport_set_errno(l->tls, EAGAIN);
		return -1;
	}
	size_t k = MIN(n, l->dg_len); /* a datagram longer than asked for is cut, as recv() would */
	memcpy(data, l->dg, k);
	l->dg = NULL;
	return (ssize_t)k;
}

static int dgram_pull_timeout(gnutls_transport_ptr_t ptr, unsigned ms)
{
	(void)ms; /* non-blocking: never waits */
	return ((struct leg *)ptr)->dg ? 1 : 0;
}

static ssize_t dgram_push(gnutls_transport_ptr_t ptr, const void *data, size_t n)
{
	struct leg *l = ptr;
	if (!l->has_peer) {
		gnutls_transport_set_errno(l->tls, EAGAIN);
		return -1;
	}
	ssize_t r = sendto(l->fd, data, n, 0, &l->peer.sa, sa_len(&l->peer));
	if (r < 0)
		gnutls_transport_set_errno(l->tls, errno);
	return r;
}

/* ---- the session ---- */

static const char *kind(const struct leg *l)
{
	return l->dgram ? "DTLS" : "TLS";
}

void sess_alert(struct leg *l, gnutls_alert_description_t desc)
{
	l->alerted = true;
	/* a full socket may take part of it, or none */
	l->alert_out = gnutls_alert_send(l->tls, GNUTLS_AL_FATAL, desc) == 0;
	char name[48], what[64];
	snprintf(what, sizeof what, "alert %s", tls_alert_name(desc, name, sizeof name));
	leg_trace(l, TRACE_TLS_ALERT, true, what);
}

void sess_error_alert(struct leg *l, int rc)
{
	int level;
	if (rc != GNUTLS_E_FATAL_ALERT_RECEIVED && rc != GNUTLS_E_TIMEDOUT && rc != GNUTLS_E_PULL_ERROR &&
	    rc != GNUTLS_E_PUSH_ERROR && rc != GNUTLS_E_PREMATURE_TERMINATION)
		sess_alert(l, (gnutls_alert_description_t)gnutls_error_to_alert(rc, &level));
}

bool sess_bye(struct leg *l)
{
	if (!l->tls || l->alerted || l->bye_sent ||
	    (l->tls_state != TLS_HELD && l->tls_state != TLS_VERIFIED))
		return true;
	int rc = gnutls_bye(l->tls, GNUTLS_SHUT_WR);
	if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED)
		return false;
	l->bye_sent = true; /* tried once: a socket that refused it will not take it later */
	struct log_ids ids;
	if (rc < 0) {
		log_info("leg", leg_ids(l, &ids), "%s close_notify not sent: %s", kind(l),
			 gnutls_strerror(rc));
		return true;
	}
	l->ls->close_notify_sent++;
	leg_trace(l, TRACE_TLS_CLOSE_NOTIFY, true, "close_notify");
	log_debug("leg", leg_ids(l, &ids), "%s close_notify sent", kind(l));
	return true;
}

void sess_bye_received(struct leg *l)
{
	if (l->bye_rcvd)
		return;
	l->bye_rcvd = true;
	l->ls->close_notify_received++;
	leg_trace(l, TRACE_TLS_CLOSE_NOTIFY_RX, false, "close_notify received");
	struct log_ids ids;
	log_debug("leg", leg_ids(l, &ids), "%s close_notify received", kind(l));
}

/* The server's key for the identity the client named: the termination's, when the identity is its. */
static int psk_lookup(gnutls_session_t s, const char *identity, gnutls_datum_t *key)
{
	const struct leg *l = gnutls_transport_get_ptr(s);
	return l ? tls_psk_key(identity, l->t->psk_identity, l->t->psk_key, key) : -1;
}

/* Mp's KMS case: the pre-shared key stands in for certificates and fingerprints. */
static int psk_credentials(struct leg *l, bool client)
{
	const struct agw_term *t = l->t;
	gnutls_datum_t key = { (unsigned char *)t->psk_key, (unsigned)strlen(t->psk_key) };
	int rc;
	if (client) {
		rc = gnutls_psk_allocate_client_credentials(&l->psk_client);
		if (rc >= 0)
			rc = gnutls_psk_set_client_credentials(l->psk_client, t->psk_identity, &key,
							       GNUTLS_PSK_KEY_HEX);
		if (rc >= 0)
			rc = gnutls_credentials_set(l->tls, GNUTLS_CRD_PSK, l->psk_client);
	} else {
		rc = gnutls_psk_allocate_server_credentials(&l->psk_server);
		if (rc >= 0) {
			gnutls_psk_set_server_credentials_function(l->psk_server, psk_lookup);
			rc = gnutls_credentials_set(l->tls, GNUTLS_CRD_PSK, l->psk_server);
		}
	}
	return rc;
}

static void on_handshake_timeout(struct ev_loop *loop, void *arg);

bool sess_start(struct leg *l, bool client)
{
	/* no session tickets: these sessions are never resumed, and tickets cost a handshake step and
	 * memory */
	unsigned flags = (client ? GNUTLS_CLIENT : GNUTLS_SERVER) | GNUTLS_NONBLOCK | GNUTLS_NO_TICKETS |
			 (l->dgram ? GNUTLS_DATAGRAM : 0);
	bool psk = l->t->psk_key != NULL;
	int rc = gnutls_init(&l->tls, flags);
	if (rc >= 0) {
		gnutls_transport_set_ptr(l->tls, l); /* every callback's way back to the leg */
		rc = gnutls_priority_set(l->tls, psk ? l->ls->psk_priority : l->ls->priority);
	}
	if (rc >= 0 && psk)
		rc = psk_credentials(l, client);
	else if (rc >= 0 && l->ls->o.identity)
		rc = gnutls_credentials_set(l->tls, GNUTLS_CRD_CERTIFICATE, l->ls->o.identity->cred);
	if (rc < 0) {
		char reason[160];
		snprintf(reason, sizeof reason, "%s set-up: %s", kind(l), gnutls_strerror(rc));
		leg_finish(l, false, WIRE_TLS_FAIL, reason);
		return false;
	}
	l->client = client;
	if (!client && !psk)
		gnutls_certificate_server_set_request(l->tls, GNUTLS_CERT_REQUIRE);
	if (l->dgram) {
		gnutls_transport_set_pull_function(l->tls, dgram_pull);
		gnutls_transport_set_pull_timeout_function(l->tls, dgram_pull_timeout);
		gnutls_transport_set_push_function(l->tls, dgram_push);
		/* RFC 6347 §4.2.4: 1 s, doubling; given up after the connect timeout's worth of flights */
		gnutls_dtls_set_timeouts(l->tls, 1000, MAX(l->ls->o.connect_timeout_ms, 2000) * 4);
	} else {
		gnutls_transport_set_pull_function(l->tls, stream_pull);
		gnutls_transport_set_vec_push_function(l->tls, stream_push);
	}
	l->tls_state = TLS_HANDSHAKE;
	l->hs_timer = ev_timer_add(l->ls->loop, l->ls->o.tls_handshake_ms, on_handshake_timeout, l);
	if (client)
		leg_trace(l, TRACE_TLS_CLIENT_HELLO, true, l->dgram ? "DTLS ClientHello" : "ClientHello");
	return true;
}

/* A handshake that does not finish in time (a silent or stalled peer) ends the leg: it must not hold
 * the termination's port forever (issue 26). */
static void on_handshake_timeout(struct ev_loop *loop, void *arg)
{
	struct leg *l = arg;
	(void)loop;
	l->hs_timer = NULL;
	struct log_ids ids;
	log_notice("leg", leg_ids(l, &ids), "%s handshake not finished within %u ms: giving up", kind(l),
		   l->ls->o.tls_handshake_ms);
	leg_finish(l, false, WIRE_TLS_FAIL, "handshake timeout");
}

static void on_retransmit(struct ev_loop *loop, void *arg)
{
	struct leg *l = arg;
	(void)loop;
	l->timer = NULL;
	leg_trace(l, TRACE_TLS_RETRANSMIT, true, "DTLS flight sent again");
	if (sess_handshake(l) == SESS_DONE)
		sess_verify(l); /* only datagram legs retransmit: nothing waits on the verdict */
}

enum sess_step sess_handshake(struct leg *l)
{
	int rc = gnutls_handshake(l->tls);
	if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
		if (l->dgram) { /* a lost flight is sent again when its timer runs out (RFC 6347 §4.2.4) */
			ev_timer_cancel(l->ls->loop, l->timer);
			l->timer =
			    ev_timer_add(l->ls->loop, gnutls_dtls_get_timeout(l->tls), on_retransmit, l);
		}
		return SESS_AGAIN;
	}
	ev_timer_cancel(l->ls->loop, l->timer);
	l->timer = NULL;
	ev_timer_cancel(l->ls->loop, l->hs_timer);
	l->hs_timer = NULL;
	if (rc < 0) {
		char reason[160];
		snprintf(reason, sizeof reason, "%s handshake: %s", kind(l), gnutls_strerror(rc));
		sess_error_alert(l, rc);
		leg_finish(l, false, WIRE_TLS_FAIL, reason);
		return SESS_FAILED;
	}
	return SESS_DONE;
}

static void on_hold_timeout(struct ev_loop *loop, void *arg)
{
	struct leg *l = arg;
	(void)loop;
	l->timer = NULL;
	sess_alert(l, GNUTLS_A_ACCESS_DENIED);
	leg_finish(l, false, WIRE_TLS_FAIL, "no remote fingerprint arrived in time");
}

/* Verified: tlsbsc/up, the trace, the log. */
static enum sess_verdict verified(struct leg *l, const char *how)
{
	struct log_ids ids;
	l->tls_state = TLS_VERIFIED;
	char *desc = tls_session_text(l->tls);
	log_info("leg", leg_ids(l, &ids), "%s up as %s, %s: %s", kind(l), l->client ? "client" : "server",
		 how, desc);
	leg_trace(l, TRACE_TLS_UP, false, desc);
	g_free(desc);
	leg_event(l, WIRE_TLS_UP, NULL);
	return SESS_VERIFIED;
}

enum sess_verdict sess_verify(struct leg *l)
{
	struct log_ids ids;
	unsigned n = 0;
	if (l->t->psk_key) /* the handshake itself proved the peer holds the key */
		return verified(l, "pre-shared key agreed");
	const gnutls_datum_t *certs = gnutls_certificate_get_peers(l->tls, &n);
	if (!certs || !n) {
		sess_alert(l, GNUTLS_A_CERTIFICATE_REQUIRED);
		leg_finish(l, false, WIRE_TLS_FAIL, "the peer sent no certificate");
		return SESS_REJECTED;
	}
	const struct agw_term *t = l->t;
	if (!t->has_remote || !t->remote.nfingerprints) {
		if (l->tls_state != TLS_HELD) {
			log_info("leg", leg_ids(l, &ids),
				 "%s handshake done; held until the Remote fingerprint is known", kind(l));
			l->tls_state = TLS_HELD;
			l->timer = ev_timer_add(l->ls->loop, l->ls->o.tls_hold_ms, on_hold_timeout, l);
		}
		return SESS_HELD;
	}
	ev_timer_cancel(l->ls->loop, l->timer);
	l->timer = NULL;
	if (!tls_fingerprint_match(&certs[0], t->remote.fingerprints, t->remote.nfingerprints,
				   l->ls->o.allow_sha1)) {
		sess_alert(l, GNUTLS_A_BAD_CERTIFICATE);
		leg_finish(l, false, WIRE_TLS_FAIL, "the peer certificate does not match the fingerprint");
		return SESS_REJECTED;
	}
	return verified(l, "peer certificate matches");
}

bool sess_buffered(const struct leg *l)
{
	return l->tls && (l->raw || gnutls_record_check_pending(l->tls));
}

void sess_free(struct leg *l)
{
	ev_timer_cancel(l->ls->loop, l->hs_timer);
	l->hs_timer = NULL;
	if (l->tls) {
		gnutls_deinit(l->tls);
		l->tls = NULL;
	}
	if (l->psk_client)
		gnutls_psk_free_client_credentials(l->psk_client);
	if (l->psk_server)
		gnutls_psk_free_server_credentials(l->psk_server);
	l->psk_client = NULL, l->psk_server = NULL;
	g_clear_pointer(&l->raw, g_free);
}

/* A verified session whose Remote changed: its peer's certificate checked again against the
 * fingerprints the Remote names now (none: it names no certificate at all); true (rejected) when they
 * no longer name it. A pre-shared key's session has no certificate to check. */
static bool no_longer_matches(struct leg *l)
{
	const struct agw_term *t = l->t;
	unsigned n = 0;
	const gnutls_datum_t *certs = t->psk_key ? NULL : gnutls_certificate_get_peers(l->tls, &n);
	if (!certs || !n ||
	    (t->has_remote && t->remote.nfingerprints &&
	     tls_fingerprint_match(&certs[0], t->remote.fingerprints, t->remote.nfingerprints,
				   l->ls->o.allow_sha1)))
		return false;
	sess_alert(l, GNUTLS_A_BAD_CERTIFICATE);
	leg_finish(l, false, WIRE_TLS_FAIL,
		   "the peer certificate does not match the fingerprint the Remote now names");
	return true;
}

bool sess_remote_check(struct leg *l, enum sess_verdict *v)
{
	const struct agw_term *t = l->t;
	if (l->tls && l->tls_state == TLS_VERIFIED && no_longer_matches(l)) {
		*v = SESS_REJECTED;
		return true;
	}
	if (!l->tls || l->tls_state != TLS_HELD || !t->has_remote || !t->remote.nfingerprints)
		return false;
	*v = sess_verify(l);
	return true;
}
