/* SPDX-License-Identifier: GPL-3.0-or-later */
/* evloop: timers in deadline order, cancellation, I/O readiness, deletion inside a batch. */
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evloop.h"
#include "suites.h"

static GString *order;

static void mark(struct ev_loop *l, void *arg)
{
	g_string_append(order, arg);
}

static void stop(struct ev_loop *l, void *arg)
{
	ev_loop_stop(l);
}

static void test_timers(void)
{
	struct ev_loop *l = ev_loop_new();
	order = g_string_new("");
	ev_timer_add(l, 30, mark, "c");
	ev_timer_add(l, 10, mark, "a");
	struct ev_timer *x = ev_timer_add(l, 15, mark, "x");
	ev_timer_add(l, 20, mark, "b");
	ev_timer_add(l, 20, mark, "B"); /* same deadline: insertion order */
	ev_timer_add(l, 40, stop, NULL);
	ev_timer_cancel(l, x);
	ev_timer_cancel(l, NULL);
	uint64_t start = ev_now(l);
	CU_ASSERT_EQUAL(ev_loop_run(l), 0);
	ASSERT_STR(order->str, "abBc");
	CU_ASSERT(ev_now(l) - start >= 40);
	g_string_free(order, TRUE);
	ev_loop_free(l);
}

struct pair_ctx {
	struct ev_io *other;
	int calls;
};

static void on_ready(struct ev_loop *l, struct ev_io *io, uint32_t events, void *arg)
{
	struct pair_ctx *c = arg;
	c->calls++;
	char buf[8];
	CU_ASSERT(read(ev_io_fd(io), buf, sizeof buf) == 2);
	if (c->other)
		ev_io_del(l, c->other); /* the other one was ready in the same batch */
	ev_io_del(l, io);
	ev_timer_add(l, 5, stop, NULL);
}

static void test_io_and_deletion(void)
{
	struct ev_loop *l = ev_loop_new();
	int a[2], b[2];
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, a) == 0);
	CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, b) == 0);
	struct pair_ctx ca = { 0 }, cb = { 0 };
	struct ev_io *ia = ev_io_add(l, a[0], EPOLLIN, on_ready, &ca);
	struct ev_io *ib = ev_io_add(l, b[0], EPOLLIN, on_ready, &cb);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ia);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ib);
	ca.other = ib, cb.other = ia;
	CU_ASSERT(write(a[1], "hi", 2) == 2);
	CU_ASSERT(write(b[1], "hi", 2) == 2);
	CU_ASSERT_EQUAL(ev_loop_run(l), 0);
	CU_ASSERT_EQUAL(ca.calls + cb.calls, 1); /* whichever ran first silenced the other */
	CU_ASSERT_PTR_NULL(ev_io_add(l, -1, EPOLLIN, on_ready, NULL));
	ev_loop_free(l);
	close(a[0]), close(a[1]), close(b[0]), close(b[1]);
}

/* Inside GLib's main loop: a descriptor and a timer of the evloop are served there, in order. */
struct in_glib {
	GMainLoop *main;
	int order, read_at, timer_at;
};

static void glib_read(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg)
{
	(void)loop, (void)events;
	struct in_glib *g = arg;
	char c;
	if (read(ev_io_fd(io), &c, 1) == 1)
		g->read_at = ++g->order;
}

static void glib_timer(struct ev_loop *loop, void *arg)
{
	(void)loop;
	struct in_glib *g = arg;
	g->timer_at = ++g->order;
	g_main_loop_quit(g->main);
}

static gboolean glib_give_up(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_REMOVE;
}

static void test_in_glib(void)
{
	struct ev_loop *loop = ev_loop_new();
	GMainContext *ctx = g_main_context_new();
	struct in_glib g = { .main = g_main_loop_new(ctx, FALSE) };
	GSource *src = ev_loop_gsource(loop);
	/* dispatched without GLib's block and unblock, each an eventfd write per descriptor */
	CU_ASSERT_TRUE(g_source_get_can_recurse(src));
	g_source_attach(src, ctx);
	GSource *guard = g_timeout_source_new(2000);
	g_source_set_callback(guard, glib_give_up, g.main, NULL);
	g_source_attach(guard, ctx);
	int p[2];
	CU_ASSERT_EQUAL_FATAL(pipe(p), 0);
	struct ev_io *io = ev_io_add(loop, p[0], EPOLLIN, glib_read, &g);
	CU_ASSERT_EQUAL(write(p[1], "x", 1), 1);
	ev_timer_add(loop, 50, glib_timer, &g);
	g_main_loop_run(g.main);
	CU_ASSERT_EQUAL(g.read_at, 1);
	CU_ASSERT_EQUAL(g.timer_at, 2);
	ev_io_del(loop, io);
	g_source_destroy(guard), g_source_unref(guard);
	g_source_destroy(src), g_source_unref(src);
	g_main_loop_unref(g.main);
	g_main_context_unref(ctx);
	ev_loop_free(loop);
	close(p[0]), close(p[1]);
}

void register_evloop(void)
{
	static const struct unit_test tests[] = {
		{ "timers", test_timers },
		{ "io and deletion", test_io_and_deletion },
		{ "served inside GLib's main loop", test_in_glib },
		{ NULL, NULL },
	};
	unit_add_suite("evloop", tests);
}
