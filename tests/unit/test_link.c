/* SPDX-License-Identifier: GPL-3.0-or-later */
/* link: H.248 over real loopback sockets — UDP with replies to the source and the size limit, TCP with
 * TPKT framing (queued before connect, coalesced, split, large), invalid framing and refused connects;
 * the limits on accepted connections (per address, in all, idle time) and the pause of the listener
 * when descriptors run out. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "link.h"
#include "suites.h"
#include "tpkt.h"

struct side {
	GPtrArray *got; /* received texts */
	struct h248_from last;
	struct h248_link *link;
	const char *echo; /* when set, answers every message with this text */
	GString *closed;
};

static void on_recv(void *arg, const char *text, size_t len, const struct h248_from *from)
{
	struct side *s = arg;
	g_ptr_array_add(s->got, g_strndup(text, len));
	s->last = *from;
	if (s->echo)
		CU_ASSERT_EQUAL(h248_link_send(s->link, from, s->echo, strlen(s->echo)), 0);
}

static void on_closed(void *arg, uint32_t conn, const char *why)
{
	struct side *s = arg;
	g_string_append_printf(s->closed, "%s;", why);
}

static const struct h248_link_ops ops = { .recv = on_recv, .closed = on_closed };

static void stop(struct ev_loop *l, void *arg)
{
	ev_loop_stop(l);
}

static void run_for(struct ev_loop *loop, unsigned ms)
{
	ev_timer_add(loop, ms, stop, NULL);
	ev_loop_run(loop);
}

static struct h248_link *open_side(struct ev_loop *loop, struct side *s, size_t max_udp, size_t max_tcp)
{
	union sa any;
	char *err = NULL;
	sa_from_text(&any, "127.0.0.1", 0);
	s->got = g_ptr_array_new_with_free_func(g_free);
	s->closed = g_string_new("");
	struct h248_link_opts opts = { .max_udp = max_udp, .max_tcp = max_tcp };
	s->link = h248_link_new(loop, &any, &opts, &ops, s, &err);
	CU_ASSERT_PTR_NULL(err);
	return s->link;
}

static void close_side(struct side *s)
{
	h248_link_free(s->link);
	g_ptr_array_unref(s->got);
	g_string_free(s->closed, TRUE);
}

static void test_udp(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct side a = { 0 }, b = { .echo = "!/1 MG2\nP=1{C=-{N=ROOT}}" };
	open_side(loop, &a, 0, 0);
	open_side(loop, &b, 64, 0);
	struct h248_from to = { .addr = *h248_link_local(b.link) };
	const char *req = "!/1 MG1\nT=1{C=-{N=ROOT{OE=1{g/x}}}}";
	CU_ASSERT_EQUAL(h248_link_send(a.link, &to, req, strlen(req)), 0);
	char big[65];
	memset(big, 'x', sizeof big);
	CU_ASSERT_EQUAL(h248_link_send(b.link, &to, big, sizeof big), -EMSGSIZE); /* over b's limit of 64 */
	CU_ASSERT_EQUAL(h248_link_send(a.link, &to, big, sizeof big), 0);         /* a may send it ... */
	run_for(loop, 100);
	CU_ASSERT_EQUAL_FATAL(b.got->len, 1); /* ... but b drops it */
	ASSERT_STR(g_ptr_array_index(b.got, 0), req);
	CU_ASSERT_EQUAL(b.last.conn, 0);
	CU_ASSERT_EQUAL(sa_port(&b.last.addr), sa_port(h248_link_local(a.link))); /* the request's source */
	CU_ASSERT_EQUAL_FATAL(a.got->len, 1);
	ASSERT_STR(g_ptr_array_index(a.got, 0), b.echo);
	CU_ASSERT_TRUE(sa_equal(&a.last.addr, h248_link_local(b.link)));
	close_side(&a), close_side(&b);
	ev_loop_free(loop);
}

static void test_tcp(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct side a = { 0 }, b = { .echo = "!/1 MGC\nP=9{C=-{N=ROOT}}" };
	open_side(loop, &a, 0, TPKT_MAX_PAYLOAD);
	open_side(loop, &b, 0, TPKT_MAX_PAYLOAD);
	uint32_t conn = 0;
	CU_ASSERT_EQUAL(h248_link_connect(a.link, h248_link_local(b.link), &conn), 0);
	CU_ASSERT_NOT_EQUAL(conn, 0);
	struct h248_from to = { .addr = *h248_link_local(b.link), .conn = conn };
	char *large = g_malloc(TPKT_MAX_PAYLOAD);
	for (size_t i = 0; i < TPKT_MAX_PAYLOAD; i++)
		large[i] = (char)('a' + i % 26);
	const char *msgs[] = { "one", "two", "three" };
	for (int i = 0; i < 3; i++) /* queued while connecting, then written in one go */
		CU_ASSERT_EQUAL(h248_link_send(a.link, &to, msgs[i], strlen(msgs[i])), 0);
	CU_ASSERT_EQUAL(h248_link_send(a.link, &to, large, TPKT_MAX_PAYLOAD), 0);
	CU_ASSERT_EQUAL(h248_link_send(a.link, &to, large, TPKT_MAX_PAYLOAD + 1), -EMSGSIZE);
	struct h248_from nowhere = { .conn = 999 };
	CU_ASSERT_EQUAL(h248_link_send(a.link, &nowhere, "x", 1), -ENOTCONN);
	run_for(loop, 200);
	CU_ASSERT_EQUAL_FATAL(b.got->len, 4);
	for (int i = 0; i < 3; i++)
		ASSERT_STR(g_ptr_array_index(b.got, i), msgs[i]);
	CU_ASSERT_EQUAL(strlen(g_ptr_array_index(b.got, 3)), TPKT_MAX_PAYLOAD);
	CU_ASSERT_EQUAL(memcmp(g_ptr_array_index(b.got, 3), large, TPKT_MAX_PAYLOAD), 0);
	CU_ASSERT_NOT_EQUAL(b.last.conn, 0);
	CU_ASSERT_EQUAL(a.got->len, 4); /* the echoes came back over the same connection */
	CU_ASSERT_EQUAL(a.last.conn, conn);
	h248_link_close(a.link, conn);
	run_for(loop, 50);
	ASSERT_STR(b.closed->str, "closed by the peer;");
	g_free(large);
	close_side(&a), close_side(&b);
	ev_loop_free(loop);
}

static int raw_client_from(const union sa *to, const char *from)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (from) {
		union sa me;
		sa_from_text(&me, from, 0);
		CU_ASSERT_EQUAL(bind(fd, &me.sa, sa_len(&me)), 0);
	}
	CU_ASSERT_EQUAL(connect(fd, &to->sa, sa_len(to)), 0);
	return fd;
}

static int raw_client(const union sa *to)
{
	return raw_client_from(to, NULL);
}

/* Has the other end closed fd? (without waiting) */
static bool closed_by_peer(int fd)
{
	char c;
	return recv(fd, &c, 1, MSG_DONTWAIT) == 0;
}

static void send_frame(int fd, const char *msg)
{
	uint8_t frame[256];
	tpkt_header(frame, strlen(msg));
	memcpy(frame + TPKT_HEADER, msg, strlen(msg));
	CU_ASSERT_EQUAL(send(fd, frame, TPKT_HEADER + strlen(msg), MSG_NOSIGNAL),
			(ssize_t)(TPKT_HEADER + strlen(msg)));
}

static void test_tcp_split_and_invalid(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct side b = { 0 };
	open_side(loop, &b, 0, 0);
	/* a frame written one byte per send, the loop running in between */
	int fd = raw_client(h248_link_local(b.link));
	uint8_t frame[64];
	const char *msg = "!/1 MG1\nT=5{C=-{N=ROOT}}";
	tpkt_header(frame, strlen(msg));
	memcpy(frame + TPKT_HEADER, msg, strlen(msg));
	for (size_t i = 0; i < TPKT_HEADER + strlen(msg); i++) {
		CU_ASSERT_EQUAL(send(fd, frame + i, 1, 0), 1);
		run_for(loop, 1);
	}
	run_for(loop, 20);
	CU_ASSERT_EQUAL_FATAL(b.got->len, 1);
	ASSERT_STR(g_ptr_array_index(b.got, 0), msg);
	/* then a header that is not TPKT: the connection is closed, the reason passed up */
	CU_ASSERT_EQUAL(send(fd, "MEGACO/1", 8, 0), 8);
	run_for(loop, 20);
	ASSERT_STR(b.closed->str, "TPKT version is not 3;");
	char c;
	CU_ASSERT_EQUAL(recv(fd, &c, 1, 0), 0); /* the gateway closed its side */
	close(fd);

	/* a refused connect is reported as a closed connection */
	union sa nobody;
	sa_from_text(&nobody, "127.0.0.1", 1);
	uint32_t conn;
	CU_ASSERT_EQUAL(h248_link_connect(b.link, &nobody, &conn), 0);
	run_for(loop, 50);
	ASSERT_STR(b.closed->str, "TPKT version is not 3;Connection refused;");
	close_side(&b);
	ev_loop_free(loop);
}

/* A message over max_tcp is dropped unread and counted; the connection and the next message go on. */
static void test_tcp_over_limit(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct side a = { 0 }, b = { 0 };
	open_side(loop, &a, 0, 0);
	open_side(loop, &b, 0, 2048);
	uint32_t conn = 0;
	CU_ASSERT_EQUAL(h248_link_connect(a.link, h248_link_local(b.link), &conn), 0);
	struct h248_from to = { .addr = *h248_link_local(b.link), .conn = conn };
	char big[2049];
	memset(big, 'x', sizeof big);
	CU_ASSERT_EQUAL(h248_link_send(a.link, &to, "first", 5), 0);
	CU_ASSERT_EQUAL(h248_link_send(a.link, &to, big, sizeof big), 0); /* a may send it, b drops it */
	CU_ASSERT_EQUAL(h248_link_send(a.link, &to, big, 2048), 0);       /* at the limit: taken */
	CU_ASSERT_EQUAL(h248_link_send(a.link, &to, "last", 4), 0);
	run_for(loop, 200);
	CU_ASSERT_EQUAL_FATAL(b.got->len, 3);
	ASSERT_STR(g_ptr_array_index(b.got, 0), "first");
	CU_ASSERT_EQUAL(strlen(g_ptr_array_index(b.got, 1)), 2048);
	ASSERT_STR(g_ptr_array_index(b.got, 2), "last");
	CU_ASSERT_EQUAL(h248_link_oversized(b.link), 1);
	ASSERT_STR(b.closed->str, "");
	close_side(&a), close_side(&b);
	ev_loop_free(loop);
}

static struct h248_link *open_limited(struct ev_loop *loop, struct side *s, const struct h248_link_opts *o)
{
	union sa any;
	char *err = NULL;
	sa_from_text(&any, "127.0.0.1", 0);
	s->got = g_ptr_array_new_with_free_func(g_free);
	s->closed = g_string_new("");
	s->link = h248_link_new(loop, &any, o, &ops, s, &err);
	CU_ASSERT_PTR_NULL(err);
	return s->link;
}

/* At most max_conns_per_source from one address and max_conns in all: one beyond is closed at once and
 * counted; the ones taken carry messages; a slot freed is taken again. */
static void test_tcp_conn_limits(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct side b = { 0 };
	struct h248_link_opts o = { .max_conns = 3, .max_conns_per_source = 2 };
	open_limited(loop, &b, &o);
	const union sa *at = h248_link_local(b.link);
	const char *from[] = { "127.0.0.10", "127.0.0.10", "127.0.0.10", "127.0.0.11", "127.0.0.12" };
	int fd[5];
	for (int i = 0; i < 5; i++) {
		fd[i] = raw_client_from(at, from[i]);
		run_for(loop, 20); /* taken in this order */
	}
	bool expect_closed[] = { false, false, true, false, true }; /* third from .10; the fourth in all */
	for (int i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(closed_by_peer(fd[i]), expect_closed[i]);
	struct h248_link_stats st;
	h248_link_stats(b.link, &st);
	CU_ASSERT_EQUAL(st.conns, 3);
	CU_ASSERT_EQUAL(st.max_conns, 3);
	CU_ASSERT_EQUAL(st.over_source, 1);
	CU_ASSERT_EQUAL(st.over_limit, 1);
	send_frame(fd[3], "from eleven");
	run_for(loop, 20);
	CU_ASSERT_EQUAL_FATAL(b.got->len, 1);
	ASSERT_STR(g_ptr_array_index(b.got, 0), "from eleven");
	/* one of .10's goes away: .12 gets in now */
	close(fd[0]);
	run_for(loop, 20);
	int again = raw_client_from(at, "127.0.0.12");
	run_for(loop, 20);
	CU_ASSERT_FALSE(closed_by_peer(again));
	h248_link_stats(b.link, &st);
	CU_ASSERT_EQUAL(st.conns, 3);
	for (int i = 1; i < 5; i++)
		close(fd[i]);
	close(again);
	close_side(&b);
	ev_loop_free(loop);
}

/* An accepted connection without a whole message for idle_ms is closed, also one that trickles bytes of
 * a message it never finishes; one that carries messages stays; a connection the link opened itself
 * never idles out. */
static void test_tcp_idle(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct side a = { 0 }, b = { 0 };
	struct h248_link_opts o = { .idle_ms = 300 };
	open_limited(loop, &a, &o);
	open_limited(loop, &b, &o);
	const union sa *at = h248_link_local(b.link);
	int silent = raw_client(at), talker = raw_client(at), trickler = raw_client(at);
	uint8_t hdr[TPKT_HEADER];
	tpkt_header(hdr, 100);
	CU_ASSERT_EQUAL(send(trickler, hdr, sizeof hdr, 0), (ssize_t)sizeof hdr);
	/* a's own connection to a raw server that never speaks */
	int srv = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	union sa lo;
	sa_from_text(&lo, "127.0.0.1", 0);
	socklen_t len = sizeof lo;
	CU_ASSERT_EQUAL(bind(srv, &lo.sa, sa_len(&lo)), 0);
	CU_ASSERT_EQUAL(listen(srv, 4), 0);
	getsockname(srv, &lo.sa, &len);
	uint32_t own;
	CU_ASSERT_EQUAL(h248_link_connect(a.link, &lo, &own), 0);
	for (int i = 0; i < 7; i++) { /* 700 ms: a message each 100 ms on one, a byte on another */
		send_frame(talker, "still here");
		if (i < 3) /* it is closed at 300 ms */
			CU_ASSERT_EQUAL(send(trickler, "x", 1, MSG_NOSIGNAL), 1);
		run_for(loop, 100);
	}
	CU_ASSERT_TRUE(closed_by_peer(silent));
	CU_ASSERT_TRUE(closed_by_peer(trickler));
	CU_ASSERT_FALSE(closed_by_peer(talker));
	ASSERT_STR(b.closed->str, "no message for 300 ms;no message for 300 ms;");
	ASSERT_STR(a.closed->str, "");
	struct h248_link_stats st;
	h248_link_stats(b.link, &st);
	CU_ASSERT_EQUAL(st.idle, 2);
	CU_ASSERT_EQUAL(st.conns, 1);
	close(silent), close(talker), close(trickler), close(srv);
	close_side(&a), close_side(&b);
	ev_loop_free(loop);
}

/* A peer that sends requests and never reads the answers: once max_queued bytes wait to be written,
 * the next answer drops the connection instead of growing the queue (issue 25: +35 MB before). */
static void test_tcp_unread(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct side b = { 0 };
	struct h248_link_opts o = { .max_queued = 64 * 1024 };
	open_limited(loop, &b, &o);
	char *answer = g_strnfill(4000, 'a');
	b.echo = NULL;
	int hoarder = raw_client(h248_link_local(b.link));
	int small = 4096;
	setsockopt(hoarder, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	send_frame(hoarder, "request");
	run_for(loop, 100);
	CU_ASSERT_EQUAL_FATAL(b.got->len, 1);
	int sent = 0, refused = 0;
	for (int i = 0; i < 4000 && !refused; i++) { /* up to 16 MB: beyond socket buffers and queue */
		int r = h248_link_send(b.link, &b.last, answer, strlen(answer));
		if (r == 0)
			sent++;
		else
			refused = r;
	}
	CU_ASSERT_EQUAL(refused, -ENOBUFS);
	CU_ASSERT_TRUE(sent > 16 && sent < 4000);
	CU_ASSERT_PTR_NOT_NULL(strstr(b.closed->str, "the peer does not read ("));
	CU_ASSERT_EQUAL(h248_link_send(b.link, &b.last, "x", 1), -ENOTCONN);
	struct h248_link_stats st;
	h248_link_stats(b.link, &st);
	CU_ASSERT_EQUAL(st.unread, 1);
	CU_ASSERT_EQUAL(st.conns, 0);
	close(hoarder);
	g_free(answer);
	close_side(&b);
	ev_loop_free(loop);
}

/* With no descriptor left, a waiting connection makes accept fail at every try: the listener is paused
 * 100 ms, then 200, 400, 800, 1000 — a handful of tries a second, not a busy loop — and the connection
 * is taken once a descriptor is free again. */
static void test_accept_out_of_fds(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct side b = { 0 };
	open_limited(loop, &b, NULL);
	struct rlimit saved;
	getrlimit(RLIMIT_NOFILE, &saved);
	int client = raw_client(h248_link_local(b.link)); /* in the backlog */
	struct rlimit low = { .rlim_cur = (rlim_t)client + 8, .rlim_max = saved.rlim_max };
	CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_NOFILE, &low), 0);
	GArray *fill = g_array_new(FALSE, FALSE, sizeof(int));
	for (int i = 0; i < 64; i++) { /* every descriptor left taken */
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			break;
		g_array_append_val(fill, fd);
	}
	run_for(loop, 1000);
	struct h248_link_stats st;
	h248_link_stats(b.link, &st);
	CU_ASSERT_EQUAL(st.conns, 0);
	/* tries at 0, 100, 300, 700 ms (a busy loop makes hundreds of thousands) */
	CU_ASSERT(st.out_of_fds >= 3 && st.out_of_fds <= 5);
	for (guint i = 0; i < fill->len; i++)
		close(g_array_index(fill, int, i));
	g_array_free(fill, TRUE);
	setrlimit(RLIMIT_NOFILE, &saved);
	run_for(loop, 1100); /* the next try, at most 1 s later, takes it */
	h248_link_stats(b.link, &st);
	CU_ASSERT_EQUAL(st.conns, 1);
	send_frame(client, "after");
	run_for(loop, 20);
	CU_ASSERT_EQUAL_FATAL(b.got->len, 1);
	ASSERT_STR(g_ptr_array_index(b.got, 0), "after");
	close(client);
	close_side(&b);
	ev_loop_free(loop);
}

void register_link(void)
{
	static const struct unit_test tests[] = {
		{ "UDP: reply to the source, size limit", test_udp },
		{ "TCP: TPKT, queued, coalesced, largest frame", test_tcp },
		{ "TCP: split frame, invalid framing, refused connect", test_tcp_split_and_invalid },
		{ "TCP: a message over the limit dropped unread, counted", test_tcp_over_limit },
		{ "TCP: connections per address and in all", test_tcp_conn_limits },
		{ "TCP: an accepted connection idle for idle_ms is closed", test_tcp_idle },
		{ "TCP: out of descriptors, the listener paused with back-off", test_accept_out_of_fds },
		{ "TCP: a peer that reads nothing is dropped at max_queued", test_tcp_unread },
		{ NULL, NULL },
	};
	unit_add_suite("link", tests);
}
