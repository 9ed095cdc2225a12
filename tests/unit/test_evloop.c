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

void register_evloop(void)
{
	static const struct unit_test tests[] = {
		{ "timers", test_timers },
		{ "io and deletion", test_io_and_deletion },
		{ NULL, NULL },
	};
	unit_add_suite("evloop", tests);
}
