/* legs: TCP legs, the SYN filter and the relay (see legs.h). */
#include "config.h"
#include "legs.h"

#include <errno.h>
#include <glib.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "log.h"
#include "trace.h"

enum leg_state { LEG_IDLE, LEG_LISTENING, LEG_WAITING, LEG_CONNECTING, LEG_UP, LEG_DONE };
static const char *const state_names[] = { "idle",       "listening", "waiting for its partner",
					   "connecting", "up",        "closed" };

struct leg {
	struct legs *ls;
	struct agw_term *t;
	enum leg_state state;
	int lfd, fd;
	struct ev_io *lio, *io;
	struct ev_timer *timer;
	union sa peer;
	char *buf; /* read here, not yet written to the partner: buf[off .. len) */
	size_t off, len;
	bool eof;    /* the peer of this leg finished sending */
	bool shut;   /* we finished sending to the peer of this leg */
	bool active; /* we connected (TCP client) */
	gnutls_session_t tls;
	enum { TLS_NONE, TLS_HANDSHAKE, TLS_HELD, TLS_VERIFIED } tls_state;
	char *raw; /* TLS: bytes read from the socket not yet taken by GnuTLS: raw[raw_off .. raw_len) */
	size_t raw_off, raw_len;
	char why[120]; /* the last I/O error, for the notification */
};

struct legs {
	struct ev_loop *loop;
	struct agw_mg *mg;
	struct legs_opts o;
	gnutls_priority_t priority; /* parsed once: every session shares it */
};

struct legs *legs_new(struct ev_loop *loop, const struct legs_opts *opts, char **err)
{
	struct legs *ls = g_new0(struct legs, 1);
	ls->loop = loop;
	if (opts)
		ls->o = *opts;
	if (!ls->o.connect_timeout_ms)
		ls->o.connect_timeout_ms = 5000;
	if (!ls->o.buffer)
		ls->o.buffer = 256 * 1024;
	if (!ls->o.tls_hold_ms)
		ls->o.tls_hold_ms = 10000;
	if (!ls->o.tls_priority)
		ls->o.tls_priority = "NORMAL";
	const char *where = NULL;
	int rc = gnutls_priority_init2(&ls->priority, ls->o.tls_priority, &where, 0);
	if (rc < 0) {
		*err = g_strdup_printf("tls.priority: \"%s\" is not a GnuTLS priority string (%s, at \"%s\")",
				       ls->o.tls_priority, gnutls_strerror(rc), where ? where : "");
		g_free(ls);
		return NULL;
	}
	return ls;
}

void legs_free(struct legs *ls)
{
	if (ls)
		gnutls_priority_deinit(ls->priority);
	g_free(ls);
}

void legs_set_mg(struct legs *ls, struct agw_mg *mg)
{
	ls->mg = mg;
}

static const struct log_ids *ids_of(const struct leg *l, struct log_ids *ids)
{
	*ids = (struct log_ids){ .term = l->t->id };
	return ids;
}

/* One TCP or TLS event between the leg's local address and its peer; out: sent by the gateway. */
static void trace(struct leg *l, const char *kind, bool out, const char *summary)
{
	if (!l->ls->o.trace)
		return;
	union sa me;
	socklen_t len = sizeof me;
	char here[SA_TEXT_MAX] = "", there[SA_TEXT_MAX], ctx[16];
	if (getsockname(l->fd >= 0 ? l->fd : l->lfd, &me.sa, &len) == 0)
		sa_text(&me, here);
	sa_text(&l->peer, there);
	snprintf(ctx, sizeof ctx, "%u", l->t->ctx->id);
	trace_emit(l->ls->o.trace, &(struct trace_event){ .kind = kind,
							  .ctx = ctx,
							  .term = l->t->id,
							  .from = out ? here : there,
							  .to = out ? there : here,
							  .summary = summary });
}

static void event(struct leg *l, enum wire_ie ev, const char *reason)
{
	if (l->ls->mg)
		agw_mg_event(l->ls->mg, l->t, ev, reason);
}

static struct leg *partner(const struct leg *l)
{
	struct agw_ctx *c = l->t->ctx;
	for (unsigned i = 0; i < c->nterms; i++)
		if (c->terms[i] != l->t && c->terms[i]->leg)
			return c->terms[i]->leg;
	return NULL;
}

/* Up, and for TLS verified: bytes may cross. */
static bool ready(const struct leg *l)
{
	return l->state == LEG_UP && (!l->tls || l->tls_state == TLS_VERIFIED);
}

static bool relaying(const struct leg *l)
{
	const struct leg *p = partner(l);
	return ready(l) && p && ready(p);
}

/* ---- a leg's I/O: plain TCP or GnuTLS; >0 bytes, 0 end of stream, -EAGAIN, or -errno (why set) ---- */

static ssize_t leg_read(struct leg *l, void *buf, size_t n)
{
	if (!l->tls) {
		ssize_t r = recv(l->fd, buf, n, 0);
		if (r < 0 && errno != EAGAIN && errno != EINTR)
			g_strlcpy(l->why, g_strerror(errno), sizeof l->why);
		return r >= 0 ? r : (errno == EINTR ? -EAGAIN : -errno);
	}
	ssize_t r = gnutls_record_recv(l->tls, buf, n);
	if (r >= 0)
		return r; /* 0: close_notify */
	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
		return -EAGAIN;
	if (r == GNUTLS_E_PREMATURE_TERMINATION)
		return 0; /* TCP ended without close_notify: the end all the same */
	snprintf(l->why, sizeof l->why, "TLS: %s", gnutls_strerror((int)r));
	return -ECONNRESET;
}

static ssize_t leg_write(struct leg *l, const void *buf, size_t n)
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
static void leg_shutdown(struct leg *l)
{
	if (l->tls) {
		gnutls_bye(l->tls, GNUTLS_SHUT_WR);
		trace(l, "tls.close_notify", true, "close_notify");
	}
	shutdown(l->fd, SHUT_WR);
	l->shut = true;
	trace(l, "tcp.fin", true, "FIN");
}

/* What the connection waits for: input when relaying and there is room, output when the partner
 * has bytes for it (or while connecting). */
static void update(struct leg *l)
{
	if (!l->io)
		return;
	struct leg *p = partner(l);
	uint32_t ev = 0;
	if (l->state == LEG_CONNECTING)
		ev = EPOLLOUT;
	else if (l->state == LEG_UP && l->tls_state == TLS_HANDSHAKE)
		ev = gnutls_record_get_direction(l->tls) ? EPOLLOUT : EPOLLIN;
	else if (l->state == LEG_UP) {
		if (relaying(l) && !l->eof && l->len < l->ls->o.buffer)
			ev |= EPOLLIN;
		if (p && p->len > p->off)
			ev |= EPOLLOUT;
	}
	ev_io_mod(l->ls->loop, l->io, ev);
}

static void close_fd(struct leg *l, bool reset)
{
	if (l->fd < 0)
		return;
	if (reset) {
		struct linger lg = { 1, 0 }; /* close with RST */
		setsockopt(l->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
		trace(l, "tcp.rst", true, "RST");
	} else if (!l->shut && l->state != LEG_CONNECTING) { /* close() sends the FIN shutdown() did not */
		trace(l, "tcp.fin", true, "FIN");
	}
	ev_io_del(l->ls->loop, l->io);
	l->io = NULL;
	close(l->fd);
	l->fd = -1;
}

static void stop_listening(struct leg *l)
{
	if (l->lfd < 0)
		return;
	ev_io_del(l->ls->loop, l->lio);
	l->lio = NULL;
	close(l->lfd);
	l->lfd = -1;
	l->t->port_fd = -1; /* the listening socket was the termination's port */
}

static void drop_buffer(struct leg *l)
{
	g_free(l->buf);
	l->buf = NULL;
	l->off = l->len = 0;
}

/* Everything a leg holds: timer, sockets, buffers, TLS session. */
static void teardown(struct leg *l, bool reset)
{
	ev_timer_cancel(l->ls->loop, l->timer);
	l->timer = NULL;
	stop_listening(l);
	close_fd(l, reset);
	drop_buffer(l);
	if (l->tls) {
		gnutls_deinit(l->tls);
		l->tls = NULL;
	}
	g_clear_pointer(&l->raw, g_free);
}

static void finish(struct leg *l, bool reset, enum wire_ie ev, const char *reason)
{
	struct log_ids ids;
	log_info("leg", ids_of(l, &ids), "%s%s%s", reset ? "reset" : "closed", reason ? ": " : "",
		 reason ? reason : "");
	teardown(l, reset);
	l->state = LEG_DONE;
	event(l, ev, reason);
}

static void on_io(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg);

/* ---- establishment ---- */

static void up(struct leg *l);

static void on_connect_timeout(struct ev_loop *loop, void *arg)
{
	struct leg *l = arg;
	l->timer = NULL;
	finish(l, false, WIRE_TCP_FAIL, "connect timed out");
}

static bool remote_of(const struct agw_term *t, union sa *out)
{
	return t->has_remote && t->remote.port && sa_from_text(out, t->remote.addr, (uint16_t)t->remote.port);
}

static void start_connect(struct leg *l)
{
	struct agw_term *t = l->t;
	struct log_ids ids;
	union sa to;
	if (!remote_of(t, &to)) {
		l->state = LEG_IDLE;
		return;
	}
	stop_listening(l); /* an actpass leg told to connect: its port is rebound below */
	int fd = t->port_fd;
	t->port_fd = -1;
	if (fd < 0 && (fd = agw_realm_socket(t->realm, t->port)) < 0) {
		char reason[96];
		snprintf(reason, sizeof reason, "binding port %u: %s", t->port, g_strerror(-fd));
		finish(l, false, WIRE_TCP_FAIL, reason);
		return;
	}
	l->fd = fd;
	l->peer = to;
	l->active = true;
	char where[SA_TEXT_MAX];
	log_info("leg", ids_of(l, &ids), "connecting to %s", sa_text(&to, where));
	l->io = ev_io_add(l->ls->loop, fd, EPOLLOUT, on_io, l);
	trace(l, "tcp.syn", true, "SYN");
	l->state = LEG_CONNECTING;
	if (connect(fd, &to.sa, sa_len(&to)) < 0 && errno != EINPROGRESS) {
		int e = errno;
		if (e == ECONNREFUSED)
			trace(l, "tcp.rst", false, "RST (connection refused)");
		finish(l, false, WIRE_TCP_FAIL, g_strerror(e));
		return;
	}
	l->timer = ev_timer_add(l->ls->loop, l->ls->o.connect_timeout_ms, on_connect_timeout, l);
}

static void connected(struct leg *l)
{
	int err = 0;
	socklen_t len = sizeof err;
	getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &err, &len);
	if (err == ECONNREFUSED)
		trace(l, "tcp.rst", false, "RST (connection refused)");
	if (err) {
		finish(l, false, WIRE_TCP_FAIL, g_strerror(err));
		return;
	}
	ev_timer_cancel(l->ls->loop, l->timer);
	l->timer = NULL;
	trace(l, "tcp.synack", false, "SYN-ACK");
	trace(l, "tcp.ack", true, "ACK");
	up(l);
}

static void on_accept(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg)
{
	struct leg *l = arg;
	union sa peer;
	socklen_t len = sizeof peer;
	int fd = accept4(l->lfd, &peer.sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	stop_listening(l); /* one connection per leg */
	l->fd = fd;
	l->peer = peer;
	l->io = ev_io_add(loop, fd, 0, on_io, l);
	trace(l, "tcp.synack", true, "SYN-ACK"); /* the handshake the peer opened (it traces its SYN) */
	trace(l, "tcp.ack", false, "ACK");
	up(l);
}

/* Accept SYNs only from the Remote address (and port), or none while no Remote is known. */
static void syn_filter(struct leg *l)
{
	struct agw_term *t = l->t;
	if (!t->saf && !t->spf) {
		setsockopt(l->lfd, SOL_SOCKET, SO_DETACH_FILTER, NULL, 0);
		return;
	}
	struct sock_filter code[16];
	unsigned n = 0;
	union sa r;
	bool known = remote_of(t, &r);
	if (known && t->saf && r.sa.sa_family == AF_INET) {
		code[n++] =
		    (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)SKF_NET_OFF + 12);
		code[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
							 ntohl(r.in.sin_addr.s_addr), 0, 0);
	} else if (known && t->saf) {
		for (unsigned w = 0; w < 4; w++) {
			uint32_t word;
			memcpy(&word, (const char *)&r.in6.sin6_addr + 4 * w, 4);
			code[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
								 (uint32_t)SKF_NET_OFF + 8 + 4 * w);
			code[n++] =
			    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohl(word), 0, 0);
		}
	}
	if (known && t->spf) {
		code[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0); /* TCP source port */
		code[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sa_port(&r), 0, 0);
	}
	unsigned accept_at = n, drop_at = n + 1;
	code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xffffffff);
	code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	for (unsigned i = 0; i < accept_at; i++) /* each failed comparison drops */
		if (BPF_CLASS(code[i].code) == BPF_JMP)
			code[i].jf = (uint8_t)(drop_at - i - 1);
	if (!known)
		code[0] = code[drop_at], n = 1; /* nothing known: every SYN dropped */
	struct sock_fprog prog = { (unsigned short)n, code };
	struct log_ids ids;
	if (setsockopt(l->lfd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0)
		log_warn("leg", ids_of(l, &ids), "cannot filter SYNs: %s", g_strerror(errno));
}

static void start_listening(struct leg *l)
{
	struct log_ids ids;
	if (l->lfd < 0) {
		l->lfd = l->t->port_fd;
		if (l->lfd < 0 || listen(l->lfd, 4) < 0) {
			finish(l, false, WIRE_TCP_FAIL, "cannot listen on the termination's port");
			return;
		}
		l->lio = ev_io_add(l->ls->loop, l->lfd, EPOLLIN, on_accept, l);
		log_info("leg", ids_of(l, &ids), "listening on port %u", l->t->port);
	}
	l->state = LEG_LISTENING;
	syn_filter(l);
}

static bool waits_for_partner(const struct leg *l)
{
	const struct leg *p = partner(l);
	return p && (p->state == LEG_LISTENING ||
		     (p->state == LEG_IDLE && p->t->local.setup != MSDP_SETUP_ACTIVE));
}

/* ---- TLS ---- */

static void relay_check(struct leg *l);

/* A fatal alert to the peer, in the trace by its RFC name. */
static void alert(struct leg *l, gnutls_alert_description_t desc)
{
	gnutls_alert_send(l->tls, GNUTLS_AL_FATAL, desc);
	char name[48], what[64];
	snprintf(what, sizeof what, "alert %s", tls_alert_name(desc, name, sizeof name));
	trace(l, "tls.alert", true, what);
}

static void on_hold_timeout(struct ev_loop *loop, void *arg)
{
	struct leg *l = arg;
	l->timer = NULL;
	alert(l, GNUTLS_A_ACCESS_DENIED);
	finish(l, false, WIRE_TLS_FAIL, "no remote fingerprint arrived in time");
}

/* The handshake is done: the peer certificate against the Remote's fingerprints, or held. */
static void tls_verify(struct leg *l)
{
	struct log_ids ids;
	unsigned n = 0;
	const gnutls_datum_t *certs = gnutls_certificate_get_peers(l->tls, &n);
	if (!certs || !n) {
		alert(l, GNUTLS_A_CERTIFICATE_REQUIRED);
		finish(l, false, WIRE_TLS_FAIL, "the peer sent no certificate");
		return;
	}
	const struct agw_term *t = l->t;
	if (!t->has_remote || !t->remote.nfingerprints) {
		if (l->tls_state != TLS_HELD) {
			log_info("leg", ids_of(l, &ids),
				 "TLS handshake done; held until the Remote fingerprint is known");
			l->tls_state = TLS_HELD;
			l->timer = ev_timer_add(l->ls->loop, l->ls->o.tls_hold_ms, on_hold_timeout, l);
		}
		return;
	}
	ev_timer_cancel(l->ls->loop, l->timer);
	l->timer = NULL;
	if (!tls_fingerprint_match(&certs[0], t->remote.fingerprints, t->remote.nfingerprints,
				   l->ls->o.allow_sha1)) {
		alert(l, GNUTLS_A_BAD_CERTIFICATE);
		finish(l, false, WIRE_TLS_FAIL, "the peer certificate does not match the fingerprint");
		return;
	}
	l->tls_state = TLS_VERIFIED;
	char *desc = gnutls_session_get_desc(l->tls);
	log_info("leg", ids_of(l, &ids), "TLS up as %s, peer certificate matches: %s",
		 l->active || l->t->tls_est ? "client" : "server", desc ? desc : "");
	trace(l, "tls.up", false, desc ? desc : "TLS up");
	gnutls_free(desc);
	event(l, WIRE_TLS_UP, NULL);
	relay_check(l);
}

static void tls_step(struct leg *l)
{
	int rc = gnutls_handshake(l->tls);
	if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) {
		update(l);
		return;
	}
	if (rc < 0) {
		char reason[160];
		snprintf(reason, sizeof reason, "TLS handshake: %s", gnutls_strerror(rc));
		int level;
		if (rc != GNUTLS_E_FATAL_ALERT_RECEIVED) /* tell the peer why, in TLS's own terms */
			alert(l, (gnutls_alert_description_t)gnutls_error_to_alert(rc, &level));
		finish(l, false, WIRE_TLS_FAIL, reason);
		return;
	}
	tls_verify(l);
	if (l->state == LEG_UP)
		update(l);
}

/* GnuTLS asks for a record a few bytes at a time; serving it from one large read per wakeup saves most
 * of the system calls. The buffer exists only while it holds bytes. */
enum { RAW = 64 * 1024 };

static ssize_t tls_pull(gnutls_transport_ptr_t ptr, void *data, size_t n)
{
	struct leg *l = ptr;
	if (l->raw_off == l->raw_len) {
		if (!l->raw)
			l->raw = g_malloc(RAW);
		ssize_t r = recv(l->fd, l->raw, RAW, 0);
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
static ssize_t tls_push_vec(gnutls_transport_ptr_t ptr, const giovec_t *iov, int n)
{
	struct leg *l = ptr;
	struct msghdr m = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)n };
	ssize_t r = sendmsg(l->fd, &m, MSG_NOSIGNAL);
	if (r < 0)
		gnutls_transport_set_errno(l->tls, errno);
	return r;
}

static bool tls_start(struct leg *l)
{
	bool client = l->active || l->t->tls_est;
	/* no session tickets: these sessions are never resumed, and tickets cost a handshake step and memory
	 */
	int rc = gnutls_init(&l->tls,
			     (client ? GNUTLS_CLIENT : GNUTLS_SERVER) | GNUTLS_NONBLOCK | GNUTLS_NO_TICKETS);
	if (rc >= 0)
		rc = gnutls_priority_set(l->tls, l->ls->priority);
	if (rc >= 0 && l->ls->o.identity)
		rc = gnutls_credentials_set(l->tls, GNUTLS_CRD_CERTIFICATE, l->ls->o.identity->cred);
	if (rc < 0) {
		char reason[160];
		snprintf(reason, sizeof reason, "TLS set-up: %s", gnutls_strerror(rc));
		finish(l, false, WIRE_TLS_FAIL, reason);
		return false;
	}
	if (!client)
		gnutls_certificate_server_set_request(l->tls, GNUTLS_CERT_REQUIRE);
	gnutls_transport_set_ptr(l->tls, l);
	gnutls_transport_set_pull_function(l->tls, tls_pull);
	gnutls_transport_set_vec_push_function(l->tls, tls_push_vec);
	l->tls_state = TLS_HANDSHAKE;
	if (client)
		trace(l, "tls.client_hello", true, "ClientHello");
	return true;
}

static void up(struct leg *l)
{
	struct log_ids ids;
	char where[SA_TEXT_MAX];
	l->state = LEG_UP;
	/* a relay adds no delay of its own: what arrives is written at once (MSRP and BFCP are chatty) */
	setsockopt(l->fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	log_info("leg", ids_of(l, &ids), "up with %s", sa_text(&l->peer, where));
	event(l, WIRE_TCP_UP, NULL);
	struct leg *p = partner(l);
	if (p && p->state == LEG_WAITING) /* the incoming connection triggers the outgoing one */
		start_connect(p);
	if (msdp_tls(&l->t->local) && l->state == LEG_UP) {
		if (tls_start(l))
			tls_step(l);
		return;
	}
	relay_check(l);
}

static void pump(struct leg *src);

/* TLS bytes already taken from the socket (our pull buffer, GnuTLS's records) raise no epoll event. */
static bool tls_buffered(const struct leg *l)
{
	return l->tls && (l->raw || gnutls_record_check_pending(l->tls));
}

static void relay_check(struct leg *l)
{
	struct leg *p = partner(l);
	update(l);
	if (p)
		update(p);
	if (relaying(l) && tls_buffered(l))
		pump(l);
	if (p && relaying(p) && tls_buffered(p))
		pump(p);
}

/* ---- relay ---- */

static void check_closed(struct leg *l)
{
	struct leg *p = partner(l);
	if (!p || !l->eof || !p->eof || l->len > l->off || p->len > p->off || !l->shut || !p->shut)
		return;
	finish(l, false, WIRE_TCP_REL, "closed by both sides");
	finish(p, false, WIRE_TCP_REL, "closed by both sides");
}

/* Writes src's buffer to dst; half-closes dst once src ended and all is written. */
static void flush(struct leg *src, struct leg *dst)
{
	while (src->len > src->off) {
		ssize_t n = leg_write(dst, src->buf + src->off, src->len - src->off);
		if (n < 0) {
			if (n != -EAGAIN) {
				char why[sizeof dst->why];
				g_strlcpy(why, dst->why, sizeof why);
				finish(dst, true, WIRE_TCP_REL, why);
				finish(src, true, WIRE_TCP_REL, "the other side failed");
			}
			break;
		}
		src->off += (size_t)n;
		dst->t->octets_sent += (uint64_t)n;
		dst->t->packets_sent++;
	}
	if (src->state != LEG_UP || dst->state != LEG_UP)
		return;
	if (src->off == src->len)
		drop_buffer(src); /* buffers live only while they hold bytes */
	if (src->eof && !src->buf && !dst->shut)
		leg_shutdown(dst);
	update(src);
	update(dst);
	check_closed(src);
}

static void pump(struct leg *src)
{
	struct leg *dst = partner(src);
	size_t cap = src->ls->o.buffer;
	while (dst && src->state == LEG_UP && dst->state == LEG_UP && !src->eof && src->len < cap) {
		if (!src->buf)
			src->buf = g_malloc(cap);
		ssize_t n = leg_read(src, src->buf + src->len, cap - src->len);
		if (n > 0) { /* keep reading while there is room: one large write beats many small ones */
			src->len += (size_t)n;
			src->t->octets_received += (uint64_t)n;
			src->t->packets_received++;
			if (src->len < cap && (!src->tls || tls_buffered(src)))
				continue;
			flush(src, dst);
			continue;
		}
		if (n == 0) {
			src->eof = true;
			flush(src, dst);
			break;
		}
		if (n == -EAGAIN) {
			flush(src, dst);
			break;
		}
		char why[sizeof src->why]; /* a reset: passed on as a reset */
		g_strlcpy(why, src->why, sizeof why);
		finish(src, true, WIRE_TCP_REL, why);
		finish(dst, true, WIRE_TCP_REL, "reset by the other side");
		return;
	}
	if (src->state == LEG_UP)
		update(src);
}

static void on_io(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg)
{
	struct leg *l = arg;
	if (l->state == LEG_CONNECTING) {
		connected(l);
		return;
	}
	if (l->state == LEG_UP && l->tls_state == TLS_HANDSHAKE) {
		tls_step(l);
		return;
	}
	struct leg *p = partner(l);
	if ((events & EPOLLOUT) && p && p->len > p->off) {
		flush(p, l);
		if (p->state == LEG_UP && relaying(p) && tls_buffered(p))
			pump(p); /* room again for what was already read */
	}
	if (l->state == LEG_UP && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
		if (relaying(l))
			pump(l);
		else if (events & (EPOLLHUP | EPOLLERR)) /* gone before the relay started */
			finish(l, true, WIRE_TCP_REL, "closed before the other leg was up");
	}
}

/* ---- configuration ---- */

void legs_configure(struct legs *ls, struct agw_term *t)
{
	if (!t->has_local) {
		legs_release(ls, t);
		return;
	}
	struct leg *l = t->leg;
	if (!l) {
		l = g_new0(struct leg, 1);
		*l = (struct leg){ .ls = ls, .t = t, .lfd = -1, .fd = -1 };
		t->leg = l;
	}
	if (l->state == LEG_UP && l->tls_state == TLS_HELD && t->has_remote && t->remote.nfingerprints) {
		tls_verify(l); /* the fingerprint the held handshake waited for */
		return;
	}
	if (l->state == LEG_CONNECTING || l->state == LEG_UP || l->state == LEG_DONE)
		return; /* a re-offer keeping the transport does not touch the connection (open point 1) */
	switch (t->local.setup) {
	case MSDP_SETUP_HOLDCONN:
		stop_listening(l);
		l->state = LEG_IDLE;
		break;
	case MSDP_SETUP_ACTIVE:
		stop_listening(l);
		if (!t->has_remote)
			l->state = LEG_IDLE;
		else if (waits_for_partner(l))
			l->state = LEG_WAITING;
		else
			start_connect(l);
		break;
	default: /* passive, actpass, or none: listen */
		start_listening(l);
		break;
	}
	struct log_ids ids;
	log_debug("leg", ids_of(l, &ids), "%s (a=setup:%s)", state_names[l->state],
		  msdp_setup_names[t->local.setup]);
	/* a partner that was waiting for a Remote may go now */
	struct leg *p = partner(l);
	if (p && p->state == LEG_IDLE && p->t->local.setup == MSDP_SETUP_ACTIVE && p->t->has_remote &&
	    !waits_for_partner(p))
		start_connect(p);
}

void legs_release(struct legs *ls, struct agw_term *t)
{
	struct leg *l = t->leg;
	if (!l)
		return;
	teardown(l, false);
	t->leg = NULL;
	struct leg *p = partner(l); /* computed after t->leg is gone: the partner stops relaying */
	g_free(l);
	if (p)
		update(p);
}
