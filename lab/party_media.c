/* SPDX-License-Identifier: GPL-3.0-or-later */
/* party_media: a party's media endpoint (see party.h): its socket, in its network namespace when behind
 * a NAT, that listens, connects or binds as its SDP says; TLS or DTLS over it; the bytes it sends and
 * expects; its close. Every TCP and TLS event goes to the lab's trace from the side that sent it. */
#include "config.h"
#include "party.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evlog.h"
#include "msdp.h"
#include "pcap.h"
#include "sockaddr.h"
#include "trace.h"

enum { CLOSE_WAIT_MS = 100 }; /* how long a closing party waits for the other end's answer */

/* ---- the trace ---- */

static void addr_of(int fd, bool peer, char out[SA_TEXT_MAX])
{
	union sa a;
	socklen_t len = sizeof a;
	*out = 0;
	if ((peer ? getpeername(fd, &a.sa, &len) : getsockname(fd, &a.sa, &len)) == 0)
		sa_text(&a, out);
}

/* An event on p's connection between p (here) and the other end; out: sent by p. */
static void note_ago(struct party *p, enum trace_kind kind, bool out, const char *summary, const char *raw,
		     size_t n, unsigned ago_ms, const struct timespec *at)
{
	char here[SA_TEXT_MAX], there[SA_TEXT_MAX];
	addr_of(p->fd, false, here);
	g_strlcpy(there, p->peer, sizeof there); /* known even once the peer has reset */
	trace_emit(p->trace, &(struct trace_event){ .kind = kind,
						    .from = out ? here : there,
						    .to = out ? there : here,
						    .summary = summary,
						    .raw = raw,
						    .raw_len = n,
						    .ago_ms = ago_ms,
						    .at = at });
}

void party_note(struct party *p, enum trace_kind kind, bool out, const char *summary, const void *raw,
		size_t n)
{
	note_ago(p, kind, out, summary, (const char *)raw, n, 0, NULL);
}

/* ---- media ---- */

bool party_behind_nat(struct party *p, const char *netns_path, const char *addr, char **err)
{
	if ((p->netns = open(netns_path, O_RDONLY | O_CLOEXEC)) < 0) {
		*err = g_strdup_printf("%s: cannot open the network namespace %s: %s", p->title, netns_path,
				       g_strerror(errno));
		return false;
	}
	g_strlcpy(p->addr, addr, sizeof p->addr);
	return true;
}

/* Media sockets are made in the party's network namespace (this thread enters it, then comes back). */
static int enter(const struct party *p)
{
	if (p->netns < 0)
		return -1;
	int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	setns(p->netns, CLONE_NEWNET);
	return home;
}

static void leave(int home)
{
	if (home >= 0) {
		setns(home, CLONE_NEWNET);
		close(home);
	}
}

/* A socket of type bound to the party's address (port 0: chosen), in its namespace. */
static int bound(const struct party *p, int type, uint16_t port)
{
	union sa a;
	if (!sa_from_text(&a, p->addr, port))
		return -1;
	int home = enter(p), fd = sa_bind(type, &a);
	leave(home);
	return fd;
}

bool party_listen(struct party *p)
{
	union sa a;
	if ((p->lfd = bound(p, SOCK_STREAM, 0)) < 0)
		return false;
	socklen_t len = sizeof a;
	getsockname(p->lfd, &a.sa, &len);
	p->media_port = sa_port(&a);
	evlog_own(p->log, p->media_port, p->media_port, p->name);
	return true;
}

bool party_bind_udp(struct party *p)
{
	union sa a;
	if ((p->fd = bound(p, SOCK_DGRAM, 0)) < 0)
		return false;
	socklen_t len = sizeof a;
	getsockname(p->fd, &a.sa, &len);
	p->media_port = sa_port(&a);
	p->dgram = true;
	evlog_own(p->log, p->media_port, p->media_port, p->name);
	return true;
}

/* UDP: the socket aimed at the other end's SDP address (there is no connection to wait for). */
bool party_media_peer(const struct party *p, union sa *out)
{
	struct msdp s = { 0 };
	char *err = NULL;
	bool ok = p->sdp && msdp_parse(p->sdp, strlen(p->sdp), &s, &err) &&
		  sa_from_text(out, s.addr, (uint16_t)s.port);
	msdp_clear(&s);
	g_free(err);
	return ok;
}

static bool aim(struct party *p)
{
	union sa to;
	if (p->aimed)
		return true;
	if (!party_media_peer(p, &to) || connect(p->fd, &to.sa, sa_len(&to)) < 0)
		return false;
	char where[SA_TEXT_MAX];
	g_strlcpy(p->peer, sa_text(&to, where), sizeof p->peer);
	return p->aimed = true;
}

bool party_connect(struct party *p)
{
	if (p->dgram)
		return aim(p);
	union sa to, me;
	if (!party_media_peer(p, &to))
		return false;
	/* from the port its SDP gives (chosen now when it gave none), as a source filter expects */
	int home = enter(p);
	if (!sa_from_text(&me, p->addr, p->lfd < 0 && p->media_port != 9 ? p->media_port : 0) ||
	    (p->fd = socket(to.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		leave(home);
		return false;
	}
	leave(home);
	setsockopt(p->fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	socklen_t len = sizeof me;
	if (bind(p->fd, &me.sa, sa_len(&me)) < 0 || getsockname(p->fd, &me.sa, &len) < 0)
		return false;
	if (p->lfd < 0)
		p->media_port = sa_port(&me);
	evlog_own(p->log, sa_port(&me), sa_port(&me), p->name);
	char where[SA_TEXT_MAX];
	g_strlcpy(p->peer, sa_text(&to, where), sizeof p->peer);
	party_note(p, TRACE_TCP_SYN, true, "SYN", NULL, 0); /* before: on loopback the answer is immediate */
	if (connect(p->fd, &to.sa, sa_len(&to)) < 0 && errno != EINPROGRESS)
		return false;
	p->connecting = p->active = true;
	return true;
}

int party_established(struct party *p, unsigned ms)
{
	if (!p->connecting)
		return p->fd >= 0;
	struct pollfd pf = { p->fd, POLLOUT, 0 };
	if (poll(&pf, 1, (int)ms) <= 0)
		return -1;
	p->connecting = false;
	int err = 0;
	socklen_t len = sizeof err;
	getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err) {
		party_note(p, TRACE_TCP_RST, false, "RST (connection refused)", NULL, 0);
		close(p->fd);
		p->fd = -1;
		return 0;
	}
	/* the SYNs the kernel repeated (a filter dropped the first), from the socket's own count, just
	 * before the SYN-ACK, the last segment received (the gateway traces SYN-ACK and ACK as it accepts) */
	struct tcp_info ti = { 0 };
	len = sizeof ti;
	getsockopt(p->fd, IPPROTO_TCP, TCP_INFO, &ti, &len);
	for (unsigned i = 0; i < ti.tcpi_total_retrans; i++)
		note_ago(p, TRACE_TCP_SYN, true, "SYN (retransmitted)", NULL, 0, ti.tcpi_last_ack_recv + 1,
			 NULL);
	fcntl(p->fd, F_SETFL, fcntl(p->fd, F_GETFL) & ~O_NONBLOCK);
	return 1;
}

bool party_accept(struct party *p, unsigned ms)
{
	struct pollfd pf = { p->lfd, POLLIN, 0 };
	if (p->lfd < 0 || poll(&pf, 1, (int)ms) <= 0 ||
	    (p->fd = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return false;
	addr_of(p->fd, true, p->peer);
	party_note(p, TRACE_TCP_ACCEPT, false, "accepted", NULL, 0);
	return true;
}

/* Reads what came: through TLS when up; a datagram on a socket not aimed at one peer (the side that
 * answered T.38 waits for the first datagram) makes its source the peer, so that the trace says who sent
 * it. */
static ssize_t receive(struct party *p, void *buf, size_t n)
{
	if (p->tls)
		return gnutls_record_recv(p->tls, buf, n);
	union sa from;
	socklen_t len = sizeof from;
	ssize_t r = recvfrom(p->fd, buf, n, 0, &from.sa, &len);
	char where[SA_TEXT_MAX];
	if (r >= 0 && p->dgram && !p->aimed && len > 0 && len <= sizeof from)
		g_strlcpy(p->peer, sa_text(&from, where), sizeof p->peer);
	return r;
}

/* UDP: drops the first n datagrams that arrive within ms, as a lossy network would. */
static void lose_first(struct party *p, unsigned n, unsigned ms)
{
	char buf[2048];
	for (unsigned i = 0; i < n; i++) {
		struct pollfd pf = { p->fd, POLLIN, 0 };
		if (poll(&pf, 1, (int)ms) <= 0 || receive(p, buf, sizeof buf) < 0)
			return;
		party_note(p, TRACE_UDP_LOST, false, "a datagram lost (induced)", NULL, 0);
	}
}

bool party_tls(struct party *p, unsigned ms, unsigned lose, char why[160])
{
	struct msdp sdp = { 0 };
	char *err = NULL;
	if (p->sdp) /* unreadable: no fingerprint, and the check below fails */
		msdp_parse(p->sdp, strlen(p->sdp), &sdp, &err);
	g_free(err);
	bool client = p->dgram ? !strcmp(p->setup, "active") || sdp.setup == MSDP_SETUP_PASSIVE : p->active;
	if (p->dgram && !aim(p)) {
		msdp_clear(&sdp);
		snprintf(why, 160, "no address to run DTLS with");
		return false;
	}
	if (p->dgram)
		lose_first(p, lose, ms);
	gnutls_session_t s;
	gnutls_init(&s, (client ? GNUTLS_CLIENT : GNUTLS_SERVER) | (p->dgram ? GNUTLS_DATAGRAM : 0));
	gnutls_session_set_ptr(s, p);
	pcap_keylog_session(s); /* ims-lab --pcap */
	if (p->psk_key) {       /* the key authenticates both ends: no certificate, no fingerprint */
		gnutls_priority_set_direct(s, "NORMAL:+ECDHE-PSK:+PSK", NULL);
		if (client)
			gnutls_credentials_set(s, GNUTLS_CRD_PSK, p->psk_client);
		else
			gnutls_credentials_set(s, GNUTLS_CRD_PSK, p->psk_server);
	} else {
		gnutls_set_default_priority(s);
		gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, (p->other_cert ? &p->other : &p->id)->cred);
		if (!client)
			gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
	}
	gnutls_transport_set_int(s, p->fd);
	gnutls_handshake_set_timeout(s, ms);
	if (client)
		party_note(p, TRACE_TLS_CLIENT_HELLO, true, p->dgram ? "DTLS ClientHello" : "ClientHello",
			   NULL, 0);
	int rc;
	do
		rc = gnutls_handshake(s);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	char name[48];
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		snprintf(why, 160, "alert %s", tls_alert_name((int)gnutls_alert_get(s), name, sizeof name));
	} else if (rc < 0) {
		snprintf(why, 160, "%s", gnutls_strerror(rc));
	} else if (!p->psk_key && !p->unchecked) {
		unsigned n = 0;
		const gnutls_datum_t *certs = gnutls_certificate_get_peers(s, &n);
		if (!n || !tls_fingerprint_match(&certs[0], sdp.fingerprints, sdp.nfingerprints, false)) {
			gnutls_alert_send(s, GNUTLS_AL_FATAL, GNUTLS_A_BAD_CERTIFICATE);
			party_note(p, TRACE_TLS_ALERT, true, "alert bad_certificate", NULL, 0);
			snprintf(why, 160, "the peer's certificate does not match the a=fingerprint %s",
				 sdp.nfingerprints ? "its SDP gave" : "(its SDP gave none)");
			rc = -1;
		}
	}
	msdp_clear(&sdp);
	if (rc < 0) {
		gnutls_deinit(s);
		return false;
	}
	char *desc = tls_session_text(s);
	party_note(p, TRACE_TLS_UP, false, desc, NULL, 0);
	g_free(desc);
	p->tls = s;
	return true;
}

bool party_tls_alert(struct party *p, unsigned ms, char why[160])
{
	char byte, name[48];
	gnutls_record_set_timeout(p->tls, ms);
	ssize_t r;
	do
		r = gnutls_record_recv(p->tls, &byte, 1);
	while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
	if (r != GNUTLS_E_FATAL_ALERT_RECEIVED)
		return true;
	snprintf(why, 160, "alert %s", tls_alert_name((int)gnutls_alert_get(p->tls), name, sizeof name));
	return false;
}

bool party_send(struct party *p, enum trace_kind kind, const void *data, size_t n, const char *what)
{
	if (p->fd < 0 || (p->dgram && !aim(p)))
		return false;
	struct timespec at; /* stamped before: on loopback the answer may be traced first */
	clock_gettime(CLOCK_REALTIME, &at);
	ssize_t w = p->tls ? gnutls_record_send(p->tls, data, n) : send(p->fd, data, n, MSG_NOSIGNAL);
	if (w > 0) /* what went: the bytes written */
		note_ago(p, kind, true, what, data, (size_t)w, 0, &at);
	return w == (ssize_t)n;
}

static size_t recv_n(struct party *p, void *buf, size_t n, unsigned ms)
{
	size_t got = 0;
	gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
	while (p->fd >= 0 && got < n) {
		gint64 left = (end - g_get_monotonic_time()) / 1000;
		struct pollfd pf = { p->fd, POLLIN, 0 };
		bool pending = p->tls && gnutls_record_check_pending(p->tls);
		if (left <= 0 || (!pending && poll(&pf, 1, (int)left) <= 0))
			break;
		ssize_t r = receive(p, (char *)buf + got, n - got);
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

ssize_t party_read(struct party *p, void *buf, size_t n)
{
	struct pollfd pf = { p->fd, POLLIN, 0 };
	if (p->fd < 0)
		return -1;
	for (;;) {
		if (!(p->tls && gnutls_record_check_pending(p->tls)) && poll(&pf, 1, 0) <= 0)
			return 0;
		ssize_t r = receive(p, buf, n);
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
			continue;
		return r > 0 ? r : -1;
	}
}

bool party_expect(struct party *p, const void *want, size_t n, unsigned ms, const char *what, char why[160])
{
	char *got = g_malloc(n);
	size_t k = recv_n(p, got, n, ms);
	bool same = k == n && !memcmp(got, want, n);
	if (same) {
		char *summary = g_strdup_printf("%s (%zu bytes, byte-exact)", what, n);
		party_note(p, TRACE_DATA_RX, false, summary, got, n);
		g_free(summary);
	} else if (k < n) {
		snprintf(why, 160, "%s: %zu of its %zu bytes arrived", what, k, n);
	} else {
		size_t at = 0;
		while (got[at] == ((const char *)want)[at])
			at++;
		snprintf(why, 160, "%s: byte %zu differs (0x%02x, sent 0x%02x)", what, at,
			 (unsigned char)got[at], ((const unsigned char *)want)[at]);
	}
	g_free(got);
	return same;
}

/* After its FIN: the other end's answer to it (its close_notify, its FIN) is awaited a while, so that the
 * connection ends as on the wire it then does. Bytes unread when the socket is closed, the other end not
 * done, make the kernel reset the connection (RFC 2525 2.17): that RST is traced. (Once the other end's
 * FIN is in, the connection is over and closing it sends nothing; an answer later than the wait meets a
 * closed socket and a RST no one traces.) */
static void close_reset(struct party *p)
{
	struct tcp_info ti = { 0 };
	socklen_t len = sizeof ti;
	gint64 end = g_get_monotonic_time() + CLOSE_WAIT_MS * 1000;
	for (gint64 now; (now = g_get_monotonic_time()) < end;) {
		struct pollfd pf = { p->fd, POLLRDHUP, 0 };
		if (poll(&pf, 1, (int)MAX(1, (end - now) / 1000)) != 0)
			break;
	}
	int unread = 0;
	if (getsockopt(p->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 || ti.tcpi_state == TCP_CLOSE ||
	    ioctl(p->fd, FIONREAD, &unread) < 0 || unread <= 0)
		return;
	char *what = g_strdup_printf("RST (closed with %d bytes unread)", unread);
	party_note(p, TRACE_TCP_RST, true, what, NULL, 0);
	g_free(what);
}

void party_close(struct party *p)
{
	if (p->fd < 0)
		return;
	if (p->tls) {
		gnutls_bye(p->tls, GNUTLS_SHUT_WR);
		party_note(p, TRACE_TLS_CLOSE_NOTIFY, true, "close_notify", NULL, 0);
		gnutls_deinit(p->tls);
		p->tls = NULL;
	}
	if (!p->dgram) {
		shutdown(p->fd, SHUT_WR);
		party_note(p, TRACE_TCP_FIN, true, "FIN", NULL, 0);
		close_reset(p);
	}
	close(p->fd);
	p->fd = -1;
}

void party_media_reset(struct party *p)
{
	party_close(p);
	if (p->lfd >= 0)
		close(p->lfd);
	p->lfd = -1, p->media_port = 9, p->peer[0] = '\0';
	p->connecting = p->active = p->dgram = p->aimed = false;
	p->media = NULL, p->secure = false;
}
