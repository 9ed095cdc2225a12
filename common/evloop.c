/* SPDX-License-Identifier: GPL-3.0-or-later */
/* evloop: epoll + timer heap (see evloop.h). */
#include "config.h"
#include "evloop.h"

#include <errno.h>
#include <glib.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

struct ev_io {
	int fd;
	uint32_t events;
	ev_io_cb *cb;
	void *arg;
	bool dead;
	struct ev_io *next_dead;
};

struct ev_timer {
	uint64_t due;
	uint64_t seq; /* ties fire in insertion order */
	ev_timer_cb *cb;
	void *arg;
	size_t index; /* in the heap; FIRED once popped */
};
#define FIRED SIZE_MAX

struct ev_loop {
	int epfd;
	bool running;
	uint64_t now, seq;
	struct ev_timer **heap;
	size_t n, cap;
	struct ev_io *dead; /* freed after the current batch */
};

static uint64_t clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct ev_loop *ev_loop_new(void)
{
	int fd = epoll_create1(EPOLL_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct ev_loop *l = g_new0(struct ev_loop, 1);
	l->epfd = fd;
	l->now = clock_ms();
	return l;
}

static void reap(struct ev_loop *l)
{
	while (l->dead) {
		struct ev_io *io = l->dead;
		l->dead = io->next_dead;
		g_free(io);
	}
}

void ev_loop_free(struct ev_loop *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		g_free(l->heap[i]);
	g_free(l->heap);
	reap(l);
	close(l->epfd);
	g_free(l);
}

unsigned long ev_fd_limit_raise(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 0;
	rlim_t was = rl.rlim_cur;
	if (rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
			log_warn("main", NULL, "raising the descriptor limit from %lu to %lu: %s",
				 (unsigned long)was, (unsigned long)rl.rlim_max, g_strerror(errno));
			rl.rlim_cur = was;
		}
	}
	log_info("main", NULL, "descriptors: at most %lu (soft limit was %lu)", (unsigned long)rl.rlim_cur,
		 (unsigned long)was);
	return (unsigned long)rl.rlim_cur;
}

uint64_t ev_now(struct ev_loop *l)
{
	return l->now;
}

struct ev_io *ev_io_add(struct ev_loop *l, int fd, uint32_t events, ev_io_cb *cb, void *arg)
{
	struct ev_io *io = g_new0(struct ev_io, 1);
	*io = (struct ev_io){ .fd = fd, .events = events, .cb = cb, .arg = arg };
	struct epoll_event ev = { .events = events, .data.ptr = io };
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int e = errno;
		g_free(io);
		errno = e;
		return NULL;
	}
	return io;
}

int ev_io_mod(struct ev_loop *l, struct ev_io *io, uint32_t events)
{
	if (io->events == events)
		return 0;
	struct epoll_event ev = { .events = events, .data.ptr = io };
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, io->fd, &ev) < 0)
		return -errno;
	io->events = events;
	return 0;
}

void ev_io_del(struct ev_loop *l, struct ev_io *io)
{
	if (!io || io->dead)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, io->fd, NULL);
	io->dead = true;
	io->next_dead = l->dead;
	l->dead = io;
}

int ev_io_fd(const struct ev_io *io)
{
	return io->fd;
}

/* ---- timer heap ---- */

static bool earlier(const struct ev_timer *a, const struct ev_timer *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void place(struct ev_loop *l, size_t i, struct ev_timer *t)
{
	l->heap[i] = t;
	t->index = i;
}

static void sift_up(struct ev_loop *l, size_t i)
{
	struct ev_timer *t = l->heap[i];
	while (i > 0 && earlier(t, l->heap[(i - 1) / 2])) {
		place(l, i, l->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(l, i, t);
}

static void sift_down(struct ev_loop *l, size_t i)
{
	struct ev_timer *t = l->heap[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= l->n)
			break;
		if (c + 1 < l->n && earlier(l->heap[c + 1], l->heap[c]))
			c++;
		if (!earlier(l->heap[c], t))
			break;
		place(l, i, l->heap[c]);
		i = c;
	}
	place(l, i, t);
}

static void heap_remove(struct ev_loop *l, size_t i)
{
	struct ev_timer *last = l->heap[--l->n];
	if (i == l->n)
		return;
	place(l, i, last);
	sift_down(l, i);
	sift_up(l, last->index);
}

struct ev_timer *ev_timer_add(struct ev_loop *l, uint64_t delay_ms, ev_timer_cb *cb, void *arg)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->heap = g_renew(struct ev_timer *, l->heap, l->cap);
	}
	struct ev_timer *t = g_new(struct ev_timer, 1);
	*t = (struct ev_timer){ .due = clock_ms() + delay_ms, .seq = l->seq++, .cb = cb, .arg = arg };
	l->heap[l->n] = t;
	t->index = l->n++;
	sift_up(l, t->index);
	return t;
}

void ev_timer_cancel(struct ev_loop *l, struct ev_timer *t)
{
	if (!t || t->index == FIRED)
		return;
	heap_remove(l, t->index);
	g_free(t);
}

static void run_timers(struct ev_loop *l)
{
	while (l->n && l->heap[0]->due <= l->now && l->running) {
		struct ev_timer *t = l->heap[0];
		heap_remove(l, 0);
		t->index = FIRED;
		t->cb(l, t->arg);
		g_free(t);
	}
}

static int next_timeout(struct ev_loop *l)
{
	if (!l->n)
		return -1;
	uint64_t due = l->heap[0]->due;
	return due <= l->now ? 0 : (int)MIN(due - l->now, (uint64_t)INT32_MAX);
}

/* One iteration: waits up to timeout ms (-1: until the next timer), runs what is ready. */
static int iterate(struct ev_loop *l, int timeout)
{
	struct epoll_event evs[256];
	l->now = clock_ms();
	int n = epoll_wait(l->epfd, evs, G_N_ELEMENTS(evs), timeout < 0 ? next_timeout(l) : timeout);
	if (n < 0 && errno != EINTR)
		return -errno;
	l->now = clock_ms();
	for (int i = 0; i < n && l->running; i++) {
		struct ev_io *io = evs[i].data.ptr;
		if (!io->dead)
			io->cb(l, io, evs[i].events, io->arg);
	}
	reap(l);
	run_timers(l);
	return 0;
}

int ev_loop_run(struct ev_loop *l)
{
	l->running = true;
	while (l->running) {
		int rc = iterate(l, -1);
		if (rc < 0)
			return rc;
	}
	reap(l);
	return 0;
}

/* ---- inside a GLib main loop ---- */

struct ev_gsource {
	GSource src;
	struct ev_loop *loop;
};

static gboolean gs_prepare(GSource *src, gint *timeout)
{
	struct ev_loop *l = ((struct ev_gsource *)src)->loop;
	l->now = clock_ms();
	*timeout = next_timeout(l);
	return *timeout == 0;
}

/* After GLib's poll, which may have slept long: another source's callback (a SIP request) that arms a
 * timer or reads ev_now must see the time now, not the time before the poll. */
static gboolean gs_check(GSource *src)
{
	struct ev_loop *l = ((struct ev_gsource *)src)->loop;
	l->now = clock_ms();
	return next_timeout(l) == 0;
}

static gboolean gs_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
	(void)cb, (void)data;
	iterate(((struct ev_gsource *)src)->loop, 0);
	return G_SOURCE_CONTINUE;
}

GSource *ev_loop_gsource(struct ev_loop *loop)
{
	static GSourceFuncs funcs = { .prepare = gs_prepare, .check = gs_check, .dispatch = gs_dispatch };
	struct ev_gsource *s = (struct ev_gsource *)g_source_new(&funcs, sizeof *s);
	s->loop = loop;
	loop->running = true; /* GLib runs it from now on */
	/* GLib blocks a source while dispatching it unless it may recurse: takes its descriptors out of the
	 * poll set and puts them back, signalling its wakeup eventfd each time. No callback of ours runs a
	 * main loop of its own, so it is never dispatched within itself; allowing it saves those writes. */
	g_source_set_can_recurse(&s->src, TRUE);
	g_source_add_unix_fd(&s->src, loop->epfd, G_IO_IN);
	return &s->src;
}

void ev_loop_stop(struct ev_loop *l)
{
	l->running = false;
}
