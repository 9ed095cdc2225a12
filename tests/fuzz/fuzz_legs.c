/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: ims-agw's legs (agw/legs.c, leg.c, tcp.c, udp.c, sess.c, filter.c, linger.c,
 * conference.c, floor.c) under its MG execution, wired as agw/main.c wires them: the MGC's Add and
 * Modify records (h248seq.h) create
 * terminations whose legs bind real sockets on 127.0.0.5 (ports 42000-42063; see GW_HOST), and records of
 * the target's own drive those legs from outside with real sockets of the target's:
 *   u N BYTES  a datagram to termination N's port from an admitted peer: 127.0.0.6, the port of N's
 *              Remote when it is one of 42064-42067 (the seeds' Remotes name them), else 42064
 *   x N BYTES  the same from the stranger, 127.0.0.7:42068; the loop then runs until idle
 *   c N        a TCP connection to termination N's port, from 127.0.0.6 and its Remote's port when that
 *              is one of 42064-42079 (gm/spf), else an ephemeral one
 *   k N        the same from 127.0.0.7 (a source the filters refuse once the Remote is known); the loop
 *              then runs until idle
 *   b N BYTES  BYTES written on the last connection made for termination N (to it, or accepted from
 *              it: an active leg connects to 127.0.0.6:42070), else on the N-th open connection (one
 *              that lingers after its termination went); "%D" in BYTES is termination D's MSRP path
 *              (a=path:$), so that a conference participant's SEND reaches its session
 *   f N, r N   FIN, RST on that connection
 *   y D        the event loop runs D*2 ms (a digit), then until idle: at most 20 ms a record, 40 ms an
 *              input
 * N is a digit: the N-th termination (contexts in id order, terminations in their order), modulo their
 * number. The first byte of an input chooses the profile (its value modulo 3: "0" Iq, "1" Ix, "2" Mp, the
 * conference server) and, in its next bits, tls.autostart and leg.source_filter off; one newline may
 * follow it. Leg timers are short (10 ms) so that time-outs happen within an input.
 *
 * Oracles (fuzz_legs_oracle.c) beyond no crash, no leak, no sanitizer report, and every H.248 message the
 * MG sends parsing:
 *   - the relay: whatever arrives on the connection of a plain TCP leg whose partner is a plain TCP leg
 *     too is a prefix of what was written on the partner's connection, byte for byte;
 *   - the UDP relay: a datagram from a plain UDP leg is one the target sent, not one refused;
 *   - the source filter: a datagram from the stranger to a leg that knows its admitted source (the
 *     Remote, or where it latched) while filtering (gm/saf, or leg.source_filter) never reaches any
 *     socket of the target; a connection from the stranger to such a leg is never the leg's. */
#include <errno.h>
#include <glib.h>
#include <gnutls/crypto.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agw_cfg.h"
#include "assoc.h"
#include "fuzz.h"
#include "h248seq.h"
#include "leg.h"
#include "legs.h"
#include "legs_int.h"
#include "log.h"
#include "mg.h"

/* Addresses of their own, 127.A.B.5 (the realms'), .6 (the target's admitted peers) and .7 (the stranger),
 * A.B chosen per process so that two processes (make check in two builds, libFuzzer's jobs) never share
 * a port (127.0.0.1's ports in this range may also be anyone's ephemeral ones). Inputs write them
 * 127.0.0.5, 127.0.0.6, 127.0.0.7: each input is rewritten with the process's before it is played. */
static char gw_text[16], peer_text[16], stranger_text[16];
#define GW_HOST       gw_text
#define PEER_HOST     peer_text
#define STRANGER_HOST stranger_text

static struct agw_config cfg;
static struct tls_identity identity;
static struct agw_realm realms[2];
/* The target's own sockets, made once: the UDP peers, the UDP stranger (last), the TCP listener. */
static int udp_fd[NPEERS + 1] = { -1 }, listen_fd = -1;
static union sa stranger_host, peer_host;
union sa gw_host;
static int show = -1;
static uint8_t tag_secret[8]; /* marks the stranger's forbidden datagrams: no leg can make it up */

static int open_socket(int type, const char *host, uint16_t port)
{
	union sa a;
	sa_from_text(&a, host, port);
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	if (fd < 0 || bind(fd, &a.sa, sa_len(&a)) < 0 || (type == SOCK_STREAM && listen(fd, 16) < 0)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* The target's sockets on 127.A.B.6 and .7 for the first A.B where all are free. */
static void open_sockets(void)
{
	for (unsigned try = 0; try < 64; try++) {
		unsigned h = (unsigned)getpid() + try * 7919u;
		snprintf(gw_text, sizeof gw_text, "127.%u.%u.5", 1 + h % 250, h / 250 % 250);
		snprintf(peer_text, sizeof peer_text, "127.%u.%u.6", 1 + h % 250, h / 250 % 250);
		snprintf(stranger_text, sizeof stranger_text, "127.%u.%u.7", 1 + h % 250, h / 250 % 250);
		bool ok = true;
		for (int i = 0; i < NPEERS; i++)
			ok &=
			    (udp_fd[i] = open_socket(SOCK_DGRAM, PEER_HOST, (uint16_t)(PEER_PORT + i))) >= 0;
		ok &= (udp_fd[NPEERS] = open_socket(SOCK_DGRAM, STRANGER_HOST, STRANGER_PORT)) >= 0;
		ok &= (listen_fd = open_socket(SOCK_STREAM, PEER_HOST, LISTEN_PORT)) >= 0;
		if (ok)
			return;
		for (int i = 0; i <= NPEERS; i++)
			if (udp_fd[i] >= 0)
				close(udp_fd[i]);
		if (listen_fd >= 0)
			close(listen_fd);
	}
	fprintf(stderr, "fuzz_legs: no free sockets on 127.0.0.0/8: %s\n", g_strerror(errno));
	abort();
}

static void setup(void)
{
	char *err = NULL;
	cfg_defaults(agw_program.options, &cfg);
	if (!tls_identity_init(&identity, "", "", "ims-agw", &err)) {
		fprintf(stderr, "fuzz_legs: no TLS identity: %s\n", err);
		abort();
	}
	open_sockets();
	realms[0] = (struct agw_realm){
		.name = "access", .prefix = "ac", .host = GW_HOST, .low = 42000, .high = 42031
	};
	realms[1] = (struct agw_realm){
		.name = "core", .prefix = "co", .host = GW_HOST, .low = 42032, .high = 42063
	};
	sa_from_text(&realms[0].addr, GW_HOST, 0);
	sa_from_text(&realms[1].addr, GW_HOST, 0);
	sa_from_text(&stranger_host, STRANGER_HOST, 0);
	sa_from_text(&peer_host, PEER_HOST, 0);
	sa_from_text(&gw_host, GW_HOST, 0);
	gnutls_rnd(GNUTLS_RND_NONCE, tag_secret, sizeof tag_secret);
	show = getenv("FUZZ_SHOW") != NULL;
}

/* ---- terminations and connections ---- */

static struct agw_term *term_at(struct fuzz_legs *f, char digit)
{
	unsigned n, count = 0, want = (unsigned)(unsigned char)digit;
	struct agw_ctx **all = agw_ctx_all(f->store, &n);
	for (unsigned i = 0; i < n; i++)
		count += all[i]->nterms;
	struct agw_term *t = NULL;
	want = count ? (want >= '0' && want <= '9' ? want - '0' : want) % count : 0;
	for (unsigned i = 0; i < n && count && !t; i++) {
		if (want < all[i]->nterms)
			t = all[i]->terms[want];
		else
			want -= all[i]->nterms;
	}
	g_free(all);
	return t;
}

bool same_host(const union sa *a, const union sa *b)
{
	return a->sa.sa_family == AF_INET && b->sa.sa_family == AF_INET &&
	       a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
}

/* The last connection made for termination t; without one, the digit-th open connection (modulo their
 * number), such as one whose termination went while it lingers. */
static struct conn *conn_for(struct fuzz_legs *f, const struct agw_term *t, char digit)
{
	struct conn *found = NULL, *open[MAX_CONNS];
	unsigned n = 0, want = (unsigned)(unsigned char)digit;
	for (int i = 0; i < MAX_CONNS; i++) {
		if (f->conns[i].fd >= 0)
			open[n++] = &f->conns[i];
		if (t && f->conns[i].fd >= 0 && !strcmp(f->conns[i].term, t->id))
			found = &f->conns[i];
	}
	if (!found && n)
		found = open[(want >= '0' && want <= '9' ? want - '0' : want) % n];
	return found;
}

static struct conn *conn_new(struct fuzz_legs *f, int fd, const char *term)
{
	for (int i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &f->conns[i];
		if (c->fd >= 0)
			continue;
		g_clear_pointer(&c->sent, g_byte_array_unref);
		g_clear_pointer(&c->got, g_byte_array_unref);
		*c = (struct conn){ .fd = fd, .sent = g_byte_array_new(), .got = g_byte_array_new() };
		g_strlcpy(c->term, term, sizeof c->term);
		socklen_t len = sizeof c->local;
		getsockname(fd, &c->local.sa, &len);
		return c;
	}
	return NULL;
}

static void conn_close(struct conn *c, bool reset)
{
	if (c->fd < 0)
		return;
	if (reset)
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &(struct linger){ 1, 0 }, sizeof(struct linger));
	close(c->fd);
	c->fd = -1;
}

/* Whether a source on host may not enter t's leg now: it knows its admitted source, which is not host,
 * and filters by address (the Remote's, or where it latched: legs.h, udp.c). */
static bool refused(struct fuzz_legs *f, const struct agw_term *t, const union sa *host)
{
	const struct leg *l = t->leg;
	union sa ref;
	if (!l || (t->latch && l->dgram && !l->latched))
		return false;
	bool known = l->dgram && l->latched ? (ref = l->peer, true) : leg_remote(t, &ref);
	return known && (t->saf || f->source_filter) && !same_host(&ref, host);
}

/* ---- reading what reaches the target ---- */

/* Accepts what the active legs connected, each for the termination that bound the connecting port
 * (after the input: reset). */
static bool accept_all(struct fuzz_legs *f)
{
	bool progress = false;
	union sa peer;
	socklen_t len = sizeof peer;
	int fd;
	while ((fd = accept4(listen_fd, &peer.sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct agw_term *t = NULL;
		unsigned n = 0;
		struct agw_ctx **all = f->store ? agw_ctx_all(f->store, &n) : NULL;
		for (unsigned i = 0; i < n; i++)
			for (unsigned k = 0; k < all[i]->nterms; k++)
				if (all[i]->terms[k]->port == sa_port(&peer))
					t = all[i]->terms[k];
		g_free(all);
		struct conn *c = f->store ? conn_new(f, fd, t ? t->id : "") : NULL;
		if (c) {
			c->remote = peer;
		} else {
			struct conn gone = { .fd = fd };
			conn_close(&gone, true);
		}
		progress = true, len = sizeof peer;
	}
	return progress;
}

static bool read_all(struct fuzz_legs *f)
{
	static char buf[65536];
	bool progress = accept_all(f);
	for (int i = 0; i <= NPEERS; i++) {
		ssize_t n;
		union sa src;
		socklen_t len = sizeof src;
		while ((n = recvfrom(udp_fd[i], buf, sizeof buf, MSG_DONTWAIT, &src.sa, &len)) >= 0) {
			if (f->store)
				check_datagram(f, buf, (size_t)n), check_relayed(f, &src, buf, (size_t)n);
			len = sizeof src;
			progress = true;
			if (show)
				fprintf(stderr, "fuzz_legs: UDP port %d got %zd bytes\n",
					i < NPEERS ? PEER_PORT + i : STRANGER_PORT, n);
		}
	}
	for (int i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &f->conns[i];
		ssize_t n;
		while (c->fd >= 0 && (n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT)) > 0) {
			g_byte_array_append(c->got, (const guint8 *)buf, (guint)n);
			progress = true;
			if (show)
				fprintf(stderr, "fuzz_legs: the connection of %s got %zd bytes:\n%.*s\n",
					c->term, n, (int)n, buf);
		}
	}
	return progress;
}

static void on_turn(struct ev_loop *loop, void *arg)
{
	ev_loop_stop(loop);
}

/* The loop runs at least min_ms, then until a turn brings the target nothing new, within the budgets. */
static void run(struct fuzz_legs *f, unsigned min_ms)
{
	int64_t start = g_get_monotonic_time(), limit = MIN(RECORD_MS * 1000, INPUT_MS * 1000 - f->ran_us);
	bool idle = false, first = true; /* one turn at least: what the target just sent is read */
	while (!idle && (first || g_get_monotonic_time() - start < limit)) {
		first = false;
		bool waiting = g_get_monotonic_time() - start < (int64_t)min_ms * 1000;
		ev_timer_add(f->s.loop, waiting ? 1 : 0, on_turn, NULL);
		ev_loop_run(f->s.loop);
		uint64_t before = f->s.received;
		seq_drain(&f->s);
		bool progress = read_all(f) || f->s.received != before;
		check_relay(f);
		if (!progress && !waiting) { /* one more turn before calling it idle */
			ev_timer_add(f->s.loop, 0, on_turn, NULL);
			ev_loop_run(f->s.loop);
			before = f->s.received;
			seq_drain(&f->s);
			idle = !read_all(f) && f->s.received == before;
			check_relay(f);
		}
	}
	f->ran_us += g_get_monotonic_time() - start;
	if (show)
		fprintf(stderr, "fuzz_legs: the loop ran %.1f ms (%s)\n",
			(double)(g_get_monotonic_time() - start) / 1000, idle ? "idle" : "time is up");
}

/* ---- the records ---- */

static void send_datagram(struct fuzz_legs *f, struct agw_term *t, bool stranger, const char *data, size_t n)
{
	union sa to, remote;
	int fd = udp_fd[0];
	if (!t->port || !sa_from_text(&to, GW_HOST, (uint16_t)t->port))
		return;
	if (stranger) {
		fd = udp_fd[NPEERS];
	} else if (leg_remote(t, &remote) && same_host(&remote, &peer_host) &&
		   sa_port(&remote) >= PEER_PORT && sa_port(&remote) < PEER_PORT + NPEERS) {
		fd = udp_fd[sa_port(&remote) - PEER_PORT];
	}
	GByteArray *d = g_byte_array_new();
	g_byte_array_append(d, (const guint8 *)data, (guint)n);
	bool forbidden = stranger && t->leg && t->leg->dgram && refused(f, t, &stranger_host);
	if (forbidden) { /* tagged: nothing but this datagram can carry these bytes */
		g_byte_array_append(d, tag_secret, sizeof tag_secret);
		g_byte_array_append(d, (const guint8 *)&f->forbidden_count, sizeof f->forbidden_count);
		f->forbidden_count++;
	}
	GBytes *b = g_byte_array_free_to_bytes(d);
	g_hash_table_add(forbidden ? f->forbidden : f->admitted, b);
	gsize len;
	const void *p = g_bytes_get_data(b, &len);
	sendto(fd, p, len, 0, &to.sa, sa_len(&to));
}

static void connect_to(struct fuzz_legs *f, struct agw_term *t, bool stranger)
{
	union sa to, remote, from;
	if (!t->port || !sa_from_text(&to, GW_HOST, (uint16_t)t->port))
		return;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	sa_from_text(&from, stranger ? STRANGER_HOST : PEER_HOST, 0);
	if (!stranger && leg_remote(t, &remote) && same_host(&remote, &peer_host) &&
	    sa_port(&remote) >= BIND_LOW && sa_port(&remote) <= BIND_HIGH && sa_port(&remote) != LISTEN_PORT)
		from = remote;
	if (bind(fd, &from.sa, sa_len(&from)) < 0) { /* that port is taken: an ephemeral one */
		sa_from_text(&from, stranger ? STRANGER_HOST : PEER_HOST, 0);
		bind(fd, &from.sa, sa_len(&from));
	}
	connect(fd, &to.sa, sa_len(&to));
	struct conn *c = conn_new(f, fd, t->id);
	if (!c) {
		close(fd);
		return;
	}
	c->remote = to;
	c->forbidden = stranger && refused(f, t, &stranger_host);
}

/* text with "%D" replaced by termination D's MSRP path. */
static GByteArray *expand_paths(struct fuzz_legs *f, const char *text, size_t len)
{
	GByteArray *out = g_byte_array_sized_new((guint)len);
	for (size_t i = 0; i < len; i++) {
		struct agw_term *t = text[i] == '%' && i + 1 < len && text[i + 1] >= '0' && text[i + 1] <= '9'
					 ? term_at(f, text[i + 1])
					 : NULL;
		if (t && t->msrp_path) {
			g_byte_array_append(out, (const guint8 *)t->msrp_path, (guint)strlen(t->msrp_path));
			i++;
		} else {
			g_byte_array_append(out, (const guint8 *)&text[i], 1);
		}
	}
	return out;
}

static void write_conn(struct fuzz_legs *f, struct conn *c, const char *text, size_t len)
{
	GByteArray *b = expand_paths(f, text, len);
	ssize_t n = send(c->fd, b->data, b->len, MSG_NOSIGNAL);
	if (n > 0)
		g_byte_array_append(c->sent, b->data, (guint)n);
	g_byte_array_free(b, TRUE);
}

static void op(struct seq *s, char kind, const char *text, size_t len, void *arg)
{
	struct fuzz_legs *f = arg;
	if (kind == 'y') {
		run(f, len && *text >= '0' && *text <= '9' ? 2u * (unsigned)(*text - '0') : 0);
		return;
	}
	struct agw_term *t = len ? term_at(f, text[0]) : NULL;
	struct conn *c = len ? conn_for(f, t, text[0]) : NULL;
	if ((kind == 'x' || kind == 'k') && f->ran_us >= INPUT_MS * 1000)
		return; /* the stranger's only while the loop can still read it at once */
	const char *bytes = text + 1;
	size_t n = len - 1;
	if (n && (*bytes == ' ' || *bytes == '\n'))
		bytes++, n--;
	if (show)
		fprintf(stderr, "fuzz_legs: %c on %s (port %u, leg %s), connection of %s\n", kind,
			t ? t->id : "-", t ? t->port : 0,
			t && t->leg ? leg_state_names[t->leg->state] : "none", c ? c->term : "-");
	if (!t && kind != 'b' && kind != 'f' && kind != 'r')
		return;
	switch (kind) {
	case 'u':
	case 'x':
		send_datagram(f, t, kind == 'x', bytes, n);
		if (kind == 'x')
			run(f, 0); /* read now, while the leg is as the verdict saw it */
		break;
	case 'c':
	case 'k':
		connect_to(f, t, kind == 'k');
		if (kind == 'k')
			run(f, 0);
		break;
	case 'b':
		if (c)
			write_conn(f, c, bytes, n);
		break;
	case 'f':
		if (c)
			shutdown(c->fd, SHUT_WR);
		break;
	case 'r':
		if (c)
			conn_close(c, true);
		break;
	}
}

/* ---- the gateway, wired as agw/main.c wires it ---- */

static void on_request(void *arg, struct h248_txn *txn, const struct h248_msg *msg,
		       const struct h248_node *trans)
{
	struct fuzz_legs *f = arg;
	if (!h248_mg_is_registered(f->assoc)) {
		h248_txn_error(
		    txn, 505, "Transaction Request Received before a Service Change Reply has been received");
		return;
	}
	read_all(f); /* what the legs sent as they were (the loop of a "w" record does not read) */
	observe(f);
	agw_mg_execute(f->mg, txn, msg, trans);
	for (int i = 0; i < MAX_CONNS; i++) /* a Remote or a filter may have changed: verdicts are stale */
		f->conns[i].forbidden = false;
	read_all(f);
	observe(f);
}

static bool admit(void *arg, const struct h248_msg *msg, const struct h248_from *from)
{
	return h248_mg_from_mgc(((struct fuzz_legs *)arg)->assoc, msg, from);
}

static void on_release(void *arg, struct agw_term *t)
{
	struct fuzz_legs *f = arg;
	if (t->leg && t->leg->dgram && (t->leg->tls || t->leg->bearer->secure)) /* its close_notify */
		g_hash_table_add(f->dtls_ports, GUINT_TO_POINTER(t->port));
	legs_release(f->legs, t);
	if (f->mg)
		agw_mg_release(f->mg, t);
}

static void on_configured(void *arg, struct agw_term *t)
{
	legs_configure(((struct fuzz_legs *)arg)->legs, t);
}

static void start(struct fuzz_legs *f, unsigned char mode)
{
	const struct profile *profile = profile_at(mode % 3);
	seq_open(&f->s, "[127.0.0.1]:2944");
	static const struct h248_tl_ops tops = { .request = on_request, .admit = admit };
	f->s.tl = h248_tl_new(f->s.loop, f->s.link, &f->s.tl_opts, &tops, f);
	struct h248_mg_opts ao = {
		.mgc = f->s.peer.addr, .profile = profile->h248, .retry_ms = 1, .retry_max_ms = 2
	};
	f->assoc = h248_mg_new(f->s.loop, f->s.link, f->s.tl, &ao, &(struct h248_mg_ops){ 0 }, f);
	f->store = agw_store_new(realms, 2, on_release, f);
	f->source_filter = !((mode / 6) & 1);
	struct legs_opts lo = { .connect_timeout_ms = LEG_TIMER_MS,
				.buffer = 4096, /* small: back-pressure within an input */
				.identity = &identity,
				.tls_priority = cfg.tls_priority,
				.tls_hold_ms = LEG_TIMER_MS,
				.tls_handshake_ms = LEG_TIMER_MS,
				.source_filter = f->source_filter,
				.tls_autostart = (mode / 3) & 1,
				.focus = profile->focus };
	char *err = NULL;
	if (!(f->legs = legs_new(f->s.loop, &lo, &err))) {
		fprintf(stderr, "fuzz_legs: %s\n", err);
		abort();
	}
	struct agw_mg_hooks hooks = { .configured = on_configured, .arg = f };
	f->mg = agw_mg_new(f->s.loop, f->s.tl, f->assoc, f->store, &cfg.wire, profile, &identity, &hooks);
	legs_set_mg(f->legs, f->mg);
	f->admitted = g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, NULL);
	f->forbidden =
	    g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, NULL);
	f->dtls_ports = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (int i = 0; i < MAX_CONNS; i++)
		f->conns[i].fd = -1;
}

static void stop(struct fuzz_legs *f)
{
	read_all(f);
	check_relay(f);
	for (int i = 0; i < MAX_CONNS; i++) { /* RST: no TIME_WAIT left on the gateway's ports */
		conn_close(&f->conns[i], true);
		g_clear_pointer(&f->conns[i].sent, g_byte_array_unref);
		g_clear_pointer(&f->conns[i].got, g_byte_array_unref);
	}
	agw_store_free(f->store); /* releases terminations through f->legs and f->mg: before them */
	legs_free(f->legs);
	agw_mg_free(f->mg);
	h248_mg_free(f->assoc);
	h248_tl_free(f->s.tl);
	seq_close(&f->s);
	f->store = NULL;
	read_all(f); /* what the legs said last, and connections left in the backlog */
	g_hash_table_destroy(f->admitted);
	g_hash_table_destroy(f->forbidden);
	g_hash_table_destroy(f->dtls_ports);
}

/* The input with 127.0.0.5, .6 and .7 written as this process's addresses. */
static GString *localize(const char *p, size_t n)
{
	const char *const hosts[] = { gw_text, peer_text, stranger_text };
	GString *out = g_string_sized_new(n + 64);
	for (size_t i = 0; i < n; i++) {
		if (n - i >= 9 && !memcmp(p + i, "127.0.0.", 8) && p[i + 8] >= '5' && p[i + 8] <= '7') {
			g_string_append(out, hosts[p[i + 8] - '5']);
			i += 8;
		} else {
			g_string_append_c(out, p[i]);
		}
	}
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 16384)
		return 0;
	if (show < 0)
		setup();
	struct fuzz_legs f = { 0 };
	size_t skip = size > 1 && data[1] == '\n' ? 2 : 1;
	GString *in = localize((const char *)data + skip, size - skip);
	start(&f, data[0]);
	h248_mg_start(f.assoc);
	seq_drain(&f.s);
	seq_play(&f.s, (const uint8_t *)in->str, in->len, op, &f);
	stop(&f);
	g_string_free(in, TRUE);
	return 0;
}
