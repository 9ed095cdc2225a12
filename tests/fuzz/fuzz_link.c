/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the real TPKT deframing of common/h248/link.c — the bytes are written into a TCP
 * connection to an h248_link listening on 127.0.0.1, in chunks whose size the first input byte picks,
 * with one turn of the event loop after each, so the link reads them cut at those points. The second
 * byte sets the link's max_tcp (16 to 2048 bytes), so oversized frames are skipped as well.
 *
 * Oracle: the messages the link hands up are, in order, the payloads of the frames a walk of the whole
 * stream with tpkt_frame finds (those over max_tcp left out), up to the first invalid header; when that
 * header was whole (4 bytes or more left) the link closed the connection with the reason tpkt_frame gave.
 * Anything else aborts. */
#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "link.h"
#include "log.h"
#include "tpkt.h"

enum { INPUT_MAX = 8192, CHUNKS_MAX = 64 };

struct seen {
	GByteArray *bytes; /* the messages handed up, each as a 4-byte length then the message */
	const char *closed;
	bool gone;
};

static void on_recv(void *arg, const char *text, size_t len, const struct h248_from *from)
{
	struct seen *s = arg;
	uint32_t n = (uint32_t)len;
	g_byte_array_append(s->bytes, (const guint8 *)&n, sizeof n);
	g_byte_array_append(s->bytes, (const guint8 *)text, (guint)len);
}

static void on_closed(void *arg, uint32_t conn, const char *why)
{
	struct seen *s = arg;
	s->gone = true;
	s->closed = why; /* tpkt's reasons are static strings */
}

/* What the link should hand up: *invalid is tpkt_frame's reason for a whole bad header, else NULL. */
static GByteArray *reference(const uint8_t *d, size_t n, size_t max_tcp, const char **invalid)
{
	GByteArray *out = g_byte_array_new();
	size_t off = 0, payload;
	const char *why;
	*invalid = NULL;
	for (;;) {
		enum tpkt_status st = tpkt_frame(d + off, n - off, &payload, &why);
		if (st == TPKT_INVALID && n - off >= TPKT_HEADER)
			*invalid = why;
		if (st != TPKT_COMPLETE)
			return out;
		if (payload <= max_tcp) {
			uint32_t len = (uint32_t)payload;
			g_byte_array_append(out, (const guint8 *)&len, sizeof len);
			g_byte_array_append(out, d + off + TPKT_HEADER, (guint)payload);
		}
		off += TPKT_HEADER + payload;
	}
}

static void on_turn(struct ev_loop *loop, void *arg)
{
	ev_loop_stop(loop);
}

static void turn(struct ev_loop *loop)
{
	ev_timer_add(loop, 0, on_turn, NULL);
	ev_loop_run(loop);
}

/* A connect interrupted by a signal (libFuzzer's timeout alarm) goes on in the background: wait for it. */
static int connect_to(const union sa *where)
{
	int fd = socket(where->sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc = fd < 0 ? -1 : connect(fd, &where->sa, sa_len(where)), err = 0;
	if (rc < 0 && errno == EINTR) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		while (poll(&p, 1, 5000) < 0 && errno == EINTR)
			;
		socklen_t len = sizeof err;
		rc = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err ? -1 : 0;
		errno = err ? err : errno;
	}
	if (rc < 0) {
		perror("fuzz_link: connecting to the link");
		abort();
	}
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > INPUT_MAX)
		return 0;
	size_t step = (size_t)data[0] % 17 + 1, max_tcp = (size_t)16 << (data[1] % 8);
	data += 2, size -= 2;
	if (size / step > CHUNKS_MAX)
		step = size / CHUNKS_MAX + 1;
	log_set_level(LOG_ERROR);

	struct seen seen = { .bytes = g_byte_array_new() };
	struct ev_loop *loop = ev_loop_new();
	union sa local;
	sa_from_text(&local, "127.0.0.1", 0);
	struct h248_link_ops ops = { .recv = on_recv, .closed = on_closed };
	struct h248_link_opts opts = { .max_tcp = max_tcp };
	char *err = NULL;
	struct h248_link *link = h248_link_new(loop, &local, &opts, &ops, &seen, &err);
	if (!link) {
		fprintf(stderr, "fuzz_link: no link on 127.0.0.1: %s\n", err);
		abort();
	}
	int fd = connect_to(h248_link_local(link));
	turn(loop); /* the link accepts */
	for (size_t off = 0; off < size && !seen.gone; off += step) {
		size_t k = MIN(step, size - off);
		if (send(fd, data + off, k, MSG_NOSIGNAL) != (ssize_t)k)
			break; /* the link closed the connection */
		turn(loop);
	}
	shutdown(fd, SHUT_WR);
	for (int i = 0; i < 100 && !seen.gone; i++)
		turn(loop);

	const char *invalid;
	GByteArray *want = reference(data, size, max_tcp, &invalid);
	if (!seen.gone || want->len != seen.bytes->len || (want->len && memcmp(want->data, seen.bytes->data, want->len)) ||
	    (invalid && strcmp(seen.closed, invalid))) {
		fprintf(stderr, "fuzz_link: %u bytes of messages handed up, %u expected; closed: %s; expected: %s\n",
			seen.bytes->len, want->len, seen.gone ? seen.closed : "no", invalid ? invalid : "-");
		abort();
	}
	close(fd);
	h248_link_free(link);
	ev_loop_free(loop);
	g_byte_array_unref(want);
	g_byte_array_unref(seen.bytes);
	return 0;
}
