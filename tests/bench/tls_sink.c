/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tls_sink: the GnuTLS limit relay.sh measures ims-agw's handshakes and memory against.
 *   tls_sink PORT GW-CERT GW-KEY UE-CERT UE-KEY
 * A bare TLS server on 127.0.0.1:PORT and nothing else: one thread, epoll, non-blocking GnuTLS sessions
 * set up as ims-agw sets up its own (the gateway's certificate, session tickets off, the client's
 * certificate required, BENCH_PRIORITY or the bench suite), each peer certificate checked after the
 * handshake against the UE certificate's SHA-256 fingerprint with the same function ims-agw uses. A
 * session then stays open, its bytes read and dropped, until the client closes it: no relaying, no
 * H.248, no second socket. Runs until SIGTERM or SIGINT. */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>
#include <gnutls/gnutls.h>

#include "cert.h"
#include "evloop.h"

struct conn {
	int fd;
	gnutls_session_t tls;
	uint32_t events; /* what epoll waits for on it */
	bool up;
	GList link; /* in conns */
};

static GQueue conns = G_QUEUE_INIT; /* every open session, freed at the end */

static volatile sig_atomic_t stopping;
static struct tls_identity gw, ue;
static gnutls_priority_t priority;
static unsigned handshakes, rejected;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static int listen_on(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 4096)) {
		perror("tls_sink: listen");
		exit(1);
	}
	return fd;
}

static void drop(int ep, struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	g_queue_unlink(&conns, &c->link);
	gnutls_deinit(c->tls);
	close(c->fd);
	g_free(c);
}

static void accept_all(int ep, int l)
{
	for (int fd; (fd = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
		struct conn *c = g_new0(struct conn, 1);
		c->fd = fd;
		c->link.data = c;
		g_queue_push_tail_link(&conns, &c->link);
		gnutls_init(&c->tls, GNUTLS_SERVER | GNUTLS_NONBLOCK | GNUTLS_NO_TICKETS);
		gnutls_priority_set(c->tls, priority);
		gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, gw.cred);
		gnutls_certificate_server_set_request(c->tls, GNUTLS_CERT_REQUIRE);
		gnutls_transport_set_int(c->tls, fd);
		c->events = EPOLLIN;
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	}
}

/* Waits for events on c from now on, telling epoll only of a change (as ims-agw's loop does). */
static void wait_for(int ep, struct conn *c, uint32_t events)
{
	if (c->events == events)
		return;
	c->events = events;
	struct epoll_event ev = { .events = events, .data.ptr = c };
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* The peer's certificate against the UE's fingerprint, as ims-agw checks it against its Remote's. */
static bool verified(struct conn *c)
{
	unsigned n = 0;
	const gnutls_datum_t *certs = gnutls_certificate_get_peers(c->tls, &n);
	char fp[128];
	const char *want = strchr(ue.fingerprint, ' ') + 1; /* "sha-256 AB:CD:…" */
	return certs && n && tls_fingerprint(&certs[0], "sha-256", fp, sizeof fp) && !strcasecmp(fp, want);
}

/* One readiness event: the handshake's next step, or the session's bytes read and dropped. */
static void serve(int ep, struct conn *c)
{
	if (!c->up) {
		int rc = gnutls_handshake(c->tls);
		if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
			wait_for(ep, c, gnutls_record_get_direction(c->tls) ? EPOLLOUT : EPOLLIN);
			return;
		}
		if (rc < 0 || !verified(c)) {
			if (rc >= 0)
				gnutls_alert_send(c->tls, GNUTLS_AL_FATAL, GNUTLS_A_BAD_CERTIFICATE);
			rejected++;
			drop(ep, c);
			return;
		}
		c->up = true, handshakes++;
		wait_for(ep, c, EPOLLIN);
	}
	static char buf[16384];
	for (;;) {
		ssize_t k = gnutls_record_recv(c->tls, buf, sizeof buf);
		if (k > 0)
			continue;
		if (k == GNUTLS_E_AGAIN || k == GNUTLS_E_INTERRUPTED)
			return;
		drop(ep, c); /* closed, or a fatal error */
		return;
	}
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: tls_sink PORT GW-CERT GW-KEY UE-CERT UE-KEY\n");
		return 2;
	}
	ev_fd_limit_raise();
	char *err = NULL;
	const char *prio = getenv("BENCH_PRIORITY");
	if (!tls_identity_init(&gw, argv[2], argv[3], "sink", &err) ||
	    !tls_identity_init(&ue, argv[4], argv[5], "ue", &err) ||
	    gnutls_priority_init(
		&priority,
		prio ? prio
		     : "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM:-GROUP-ALL:+GROUP-X25519",
		NULL) < 0) {
		fprintf(stderr, "tls_sink: %s\n", err ? err : "bad priority string");
		return 2;
	}
	signal(SIGTERM, on_signal), signal(SIGINT, on_signal), signal(SIGPIPE, SIG_IGN);
	int l = listen_on((uint16_t)atoi(argv[1])), ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event lev = { .events = EPOLLIN, .data.ptr = NULL };
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &lev);
	while (!stopping) {
		struct epoll_event evs[256];
		int n = epoll_wait(ep, evs, 256, 1000);
		for (int i = 0; i < n; i++)
			if (evs[i].data.ptr)
				serve(ep, evs[i].data.ptr);
			else
				accept_all(ep, l);
	}
	fprintf(stderr, "tls_sink: %u handshakes verified, %u rejected\n", handshakes, rejected);
	while (conns.head)
		drop(ep, conns.head->data);
	close(l), close(ep);
	gnutls_priority_deinit(priority);
	tls_identity_clear(&gw), tls_identity_clear(&ue);
	return 0;
}
