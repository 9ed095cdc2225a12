/* link: H.248 over real loopback sockets — UDP with replies to the source and the size limit, TCP with
 * TPKT framing (queued before connect, coalesced, split, large), invalid framing and refused connects. */
#include <errno.h>
#include <glib.h>
#include <netinet/tcp.h>
#include <string.h>
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

static int raw_client(const union sa *to)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	CU_ASSERT_EQUAL(connect(fd, &to->sa, sa_len(to)), 0);
	return fd;
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

void register_link(void)
{
	static const struct unit_test tests[] = {
		{ "UDP: reply to the source, size limit", test_udp },
		{ "TCP: TPKT, queued, coalesced, largest frame", test_tcp },
		{ "TCP: split frame, invalid framing, refused connect", test_tcp_split_and_invalid },
		{ "TCP: a message over the limit dropped unread, counted", test_tcp_over_limit },
		{ NULL, NULL },
	};
	unit_add_suite("link", tests);
}
