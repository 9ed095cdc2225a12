/* SPDX-License-Identifier: GPL-3.0-or-later */
/* relay_msrp: relay_bench's MSRP phase (see relay_msrp.h). The framing is the project's RFC 4975 codec
 * (common/app/msrp.c), on both ends: SEND requests from the clients, 200 OK from the sink. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "msrp.h"
#include "relay_msrp.h"
#include "rig.h"

enum { BODY_MIN = 200, BODY_MAX = 1024, BODY_STRIDE = 389 /* prime to the 825 sizes: each once per 825 */ };

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned knob(const char *name, unsigned dflt, unsigned max)
{
	const char *v = getenv(name);
	unsigned n = v ? (unsigned)strtoul(v, NULL, 10) : dflt;
	return n < 1 ? 1 : n > max ? max : n;
}

/* Writes all of buf on a nonblocking socket, waiting at most 1 s for room each time. */
static bool write_all(int fd, const char *buf, size_t len)
{
	for (int tries = 0; len && tries < 5;) {
		ssize_t k = send(fd, buf, len, MSG_NOSIGNAL);
		if (k > 0) {
			buf += k, len -= (size_t)k;
			continue;
		}
		if (k < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		poll(&(struct pollfd){ .fd = fd, .events = POLLOUT }, 1, 1000);
		tries++;
	}
	return len == 0;
}

/* ---- the sink: one thread, a buffer per connection for a SEND that arrived in parts ---- */
static GHashTable *pending; /* fd -> GString */

static void string_free(gpointer s)
{
	g_string_free(s, TRUE);
}

bool msrp_sink_feed(int fd, const char *data, size_t len)
{
	if (!pending)
		pending = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, string_free);
	GString *in = g_hash_table_lookup(pending, GINT_TO_POINTER(fd));
	if (!in) {
		in = g_string_sized_new(2 * BODY_MAX);
		g_hash_table_insert(pending, GINT_TO_POINTER(fd), in);
	}
	g_string_append_len(in, data, (gssize)len);
	static GString *out;
	out = out ? g_string_truncate(out, 0) : g_string_sized_new(4096);
	size_t at = 0;
	while (at < in->len) {
		struct msrp_frame f;
		const char *why = NULL;
		enum msrp_status st = msrp_frame(in->str + at, in->len - at, &f, &why);
		if (st == MSRP_PARTIAL)
			break;
		struct msrp_value to = msrp_first_uri(f.field[MSRP_TO_PATH]);
		if (st == MSRP_INVALID || !to.p) {
			fprintf(stderr, "relay_msrp: sink reading a SEND on fd %d: %s\n", fd,
				st == MSRP_INVALID ? why : "no To-Path");
			return false;
		}
		if (!f.status && msrp_wants_response(&f, 200)) {
			/* RFC 4975 §7.2: To-Path is the request's From-Path, From-Path the responder's URI */
			char *self = g_strndup(to.p, to.n);
			msrp_append_response(out, &f, 200, "OK", self);
			g_free(self);
		}
		at += f.size;
	}
	g_string_erase(in, 0, (gssize)at);
	if (out->len && !write_all(fd, out->str, out->len)) {
		fprintf(stderr, "relay_msrp: sink answering on fd %d: %s\n", fd, strerror(errno));
		return false;
	}
	return true;
}

void msrp_sink_forget(int fd)
{
	if (pending)
		g_hash_table_remove(pending, GINT_TO_POINTER(fd));
}

/* ---- the clients: every session in one epoll loop, one SEND in flight each ---- */
struct chat {
	gnutls_session_t s;
	int fd;
	unsigned sent, answered;
	bool dead;
	char tid[MSRP_TID_MAX + 1], session[17], to[96], from[96];
	double t0; /* when the SEND in flight was written */
	GString *in;
};

struct run {
	struct chat *c;
	unsigned n, per, done, alive;
	double *lat;
	GString *out;
	double bytes; /* SEND bytes written */
	unsigned sends;
};

/* Chat text, cut to each message's size. */
static const char chat_text[] =
    "Hi! Are we still on for the review at three? I moved the slides to the shared folder, the "
    "figures from last night's run are on page four. Could you check the numbers in the second table "
    "before we send them on? Thanks. By the way, the train was late again this morning, so I may join "
    "a few minutes after the start; go ahead without me and I will catch up. ";

static char body[BODY_MAX];

static void dead(struct run *r, struct chat *c, const char *what)
{
	if (c->dead)
		return;
	if (r->alive + 5 > r->n) /* the first five; the count of the rest at the end */
		fprintf(stderr, "relay_msrp: session %u after %u of %u round trips: %s\n",
			(unsigned)(c - r->c), c->answered, r->per, what);
	c->dead = true;
	r->alive--;
}

static void send_next(struct run *r, struct chat *c)
{
	unsigned i = (unsigned)(c - r->c), k = c->sent * r->n + i; /* message k of the run */
	size_t size = BODY_MIN + (size_t)k * BODY_STRIDE % (BODY_MAX - BODY_MIN + 1);
	char message_id[40], range[32];
	snprintf(c->tid, sizeof c->tid, "%08x%08x", (i + 1) * 2654435761u, k);
	snprintf(message_id, sizeof message_id, "%s%u", c->session, c->sent);
	snprintf(range, sizeof range, "1-%zu/%zu", size, size);
	g_string_truncate(r->out, 0);
	msrp_append_send(r->out, c->tid, c->to, c->from, message_id, range, "text/plain", body, size, '$');
	c->sent++;
	c->t0 = now();
	ssize_t rc;
	for (int tries = 0; tries < 10; tries++) {
		rc = gnutls_record_send(c->s, r->out->str, r->out->len);
		if (rc != GNUTLS_E_AGAIN && rc != GNUTLS_E_INTERRUPTED)
			break;
		poll(&(struct pollfd){ .fd = c->fd, .events = POLLOUT }, 1, 100);
	}
	if (rc != (ssize_t)r->out->len) {
		dead(r, c, rc < 0 ? gnutls_strerror((int)rc) : "short write");
		return;
	}
	r->bytes += (double)r->out->len;
	r->sends++;
}

/* Reads what the relay brought back: each 200 OK ends a round trip and sends the next SEND. */
static void readable(struct run *r, struct chat *c)
{
	char buf[8192];
	for (;;) {
		ssize_t k = gnutls_record_recv(c->s, buf, sizeof buf);
		if (k == GNUTLS_E_AGAIN || k == GNUTLS_E_INTERRUPTED)
			break;
		if (k <= 0)
			return dead(r, c, k ? gnutls_strerror((int)k) : "closed");
		g_string_append_len(c->in, buf, k);
	}
	while (c->in->len && !c->dead) {
		struct msrp_frame f;
		const char *why = "not a 200 OK to the SEND in flight";
		enum msrp_status st = msrp_frame(c->in->str, c->in->len, &f, &why);
		if (st == MSRP_PARTIAL)
			return;
		if (st == MSRP_INVALID || f.status != 200 || strcmp(f.tid, c->tid) || c->answered == c->sent)
			return dead(r, c, why);
		r->lat[r->done++] = now() - c->t0;
		c->answered++;
		g_string_erase(c->in, 0, (gssize)f.size);
		if (c->sent < r->per)
			send_next(r, c);
	}
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void start(struct run *r, gnutls_session_t *s, const int *fds, int ep)
{
	for (unsigned i = 0; i < r->n; i++) {
		struct chat *c = &r->c[i];
		*c = (struct chat){ .s = s[i], .fd = fds[i], .in = g_string_sized_new(1024) };
		msrp_new_id(c->session);
		snprintf(c->to, sizeof c->to, "msrp://sink.bench.invalid:2855/%s;tcp", c->session);
		snprintf(c->from, sizeof c->from, "msrps://ue%06u.bench.invalid:2855/%s;tcp", i, c->session);
		fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };
		epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
	}
}

void msrp_exchange(int pid, double (*relay_cpu)(int pid), gnutls_session_t *s, const int *fds, unsigned n,
		   struct msrp_figures *f)
{
	for (size_t i = 0; i < sizeof body; i++)
		body[i] = chat_text[i % (sizeof chat_text - 1)];
	struct run r = { .c = g_new0(struct chat, n ? n : 1),
			 .n = n,
			 .alive = n,
			 .per = knob("BENCH_MSRP_MESSAGES", 100, 100000),
			 .out = g_string_sized_new(2048) };
	double cap = knob("BENCH_MSRP_SECONDS", 60, 3600);
	r.lat = g_new0(double, (size_t)r.per *n + 1);
	int ep = epoll_create1(0);
	start(&r, s, fds, ep);
	double cpu0 = relay_cpu(pid), sys0 = pid > 0 ? rig_pid_sys_s(pid) : -1, t0 = now();
	for (unsigned i = 0; i < n; i++)
		send_next(&r, &r.c[i]);
	while (r.done < n * r.per && r.alive && now() - t0 < cap) {
		struct epoll_event evs[256];
		int k = epoll_wait(ep, evs, 256, 100);
		for (int i = 0; i < k; i++)
			if (!r.c[evs[i].data.u32].dead)
				readable(&r, &r.c[evs[i].data.u32]);
	}
	double cpu = relay_cpu(pid) - cpu0, wall = now() - t0;
	double sys = sys0 >= 0 ? rig_pid_sys_s(pid) - sys0 : -1;
	if (r.done < n * r.per)
		fprintf(stderr, "relay_msrp: %u of %u round trips in %.1f s (%u sessions left)\n", r.done,
			n * r.per, wall, r.alive);
	qsort(r.lat, r.done, sizeof *r.lat, by_value);
	*f = (struct msrp_figures){ .per_cpu = cpu > 0 ? r.done / cpu : 0,
				    .rate = r.done / wall,
				    .busy = cpu / wall,
				    .done = r.done,
				    .wanted = n * r.per,
				    .request_bytes = r.sends ? r.bytes / r.sends : 0 };
	if (r.done && sys >= 0 && cpu > 0) {
		f->kernel_us = MIN(sys, cpu) / r.done * 1e6;
		f->user_us = (cpu - MIN(sys, cpu)) / r.done * 1e6;
	}
	if (r.done) {
		f->p50_ms = r.lat[(size_t)((r.done - 1) * 0.50)] * 1e3;
		f->p99_ms = r.lat[(size_t)((r.done - 1) * 0.99)] * 1e3;
	}
	for (unsigned i = 0; i < n; i++) {
		epoll_ctl(ep, EPOLL_CTL_DEL, r.c[i].fd, NULL);
		fcntl(r.c[i].fd, F_SETFL, fcntl(r.c[i].fd, F_GETFL) & ~O_NONBLOCK);
		g_string_free(r.c[i].in, TRUE);
	}
	close(ep);
	g_free(r.c), g_free(r.lat);
	g_string_free(r.out, TRUE);
}

void msrp_print(const char *name, const struct msrp_figures *f)
{
	printf("%s %.0f %.0f %.2f %.2f %.2f %.0f %u/%u %.0f %.1f %u %.2f %.2f\n", name, f->per_cpu, f->rate,
	       f->busy, f->p50_ms, f->p99_ms, f->request_bytes, f->done, f->wanted, f->hs_per_cpu, f->kib,
	       f->open, f->kernel_us, f->user_us);
}
