/* SPDX-License-Identifier: GPL-3.0-or-later */
/* h248seq: a sequence of H.248 records played into one entity (see h248seq.h). */
#include "h248seq.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "codec.h"
#include "log.h"
#include "parse.h"

/* The peer and the stranger: UDP sockets on 127.0.0.1 made once per process, drained after each record. */
static int peer_fd[2] = { -1, -1 };
static union sa peer_addr[2];

static void udp_socket(int i)
{
	union sa a;
	sa_from_text(&a, "127.0.0.1", 0);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	socklen_t len = sizeof peer_addr[i];
	if (fd < 0 || bind(fd, &a.sa, sa_len(&a)) < 0 || getsockname(fd, &peer_addr[i].sa, &len) < 0) {
		perror("h248seq: a UDP socket on 127.0.0.1");
		abort();
	}
	int big = 1 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	peer_fd[i] = fd;
}

static void on_recv(void *arg, const char *text, size_t len, const struct h248_from *from)
{
	struct seq *s = arg;
	if (s->tl)
		h248_tl_input(s->tl, text, len, from);
}

void seq_open(struct seq *s, const char *mid)
{
	if (peer_fd[0] < 0) {
		udp_socket(0), udp_socket(1);
		log_set_level(LOG_ERROR); /* what the entity logs is not what is looked at here */
	}
	*s = (struct seq){ .loop = ev_loop_new() };
	g_random_set_seed(1); /* transaction ids, ports: the same input runs the same way */
	union sa local;
	sa_from_text(&local, "127.0.0.1", 0);
	static const struct h248_link_ops ops = { .recv = on_recv };
	struct h248_link_opts lo = { 0 };
	char *err = NULL;
	if (!s->loop || !(s->link = h248_link_new(s->loop, &local, &lo, &ops, s, &err))) {
		fprintf(stderr, "h248seq: no link on 127.0.0.1: %s\n", err ? err : "no event loop");
		abort();
	}
	s->peer = (struct h248_from){ .addr = peer_addr[0] };
	s->tl_opts = (struct h248_tl_opts){ .initial_rto_ms = 1, /* waits cost real time: timers short */
					    .max_rto_ms = 2,
					    .tmax_ms = 5,
					    .long_timer_ms = 3,
					    .pending_ms = 2,
					    .pending_wait_ms = 2,
					    .max_pendings = 2,
					    .max_cache = 4096 };
	if (!(s->mid_text = h248_mid_config(mid, "127.0.0.1", 2944, &s->tl_opts.mid, &err))) {
		fprintf(stderr, "h248seq: mId %s: %s\n", mid, err);
		abort();
	}
	seq_drain(s); /* what an earlier input left */
	s->ntids = 0, s->received = 0;
}

void seq_close(struct seq *s)
{
	seq_drain(s);
	h248_link_free(s->link);
	ev_loop_free(s->loop);
	g_free(s->mid_text);
}

/* Records the id of each request in a message the entity sent. */
static void note_tids(struct seq *s, const struct h248_msg *m)
{
	for (const struct h248_node *n = m->first; n; n = n->next) {
		if (n->kind != H248_NODE_TOKEN || n->tok != H248_TOK_TRANSACTION)
			continue;
		char id[16] = "";
		memcpy(id, n->value.text.p, MIN(n->value.text.n, sizeof id - 1));
		uint32_t tid = (uint32_t)strtoul(id, NULL, 10);
		bool seen = false;
		for (unsigned i = 0; i < s->ntids; i++)
			seen |= s->tids[i] == tid;
		if (!seen && s->ntids < SEQ_MAX_TIDS)
			s->tids[s->ntids++] = tid;
	}
}

void seq_drain(struct seq *s)
{
	static char buf[65536];
	static int show = -1; /* FUZZ_SHOW=1: print what the entity sends (to check what a seed does) */
	if (show < 0)
		show = getenv("FUZZ_SHOW") != NULL;
	for (int i = 0; i < 2; i++) {
		ssize_t n;
		while ((n = recv(peer_fd[i], buf, sizeof buf, MSG_DONTWAIT)) > 0) {
			struct h248_error err;
			/* text, or binary to a peer that spoke binary (codec.h) */
			struct h248_msg *m = h248_decode(buf, (size_t)n, NULL, &err, NULL);
			if (!m) { /* the entity encoded something its own decoder refuses */
				fprintf(stderr, "h248seq: the entity sent a message that does not parse (%d, line %u: %s):\n%.*s\n",
					err.code, err.line, err.reason, (int)n, buf);
				abort();
			}
			if (show)
				fprintf(stderr, "h248seq: the entity sent to the %s:\n%.*s\n", i ? "stranger" : "peer",
					(int)n, buf);
			if (i == 0)
				note_tids(s, m), s->received++;
			h248_msg_free(m);
		}
	}
}

static void on_wait(struct ev_loop *loop, void *arg)
{
	ev_loop_stop(loop);
}

/* text with each "@N" replaced by the id of the N-th request seen (0 when there is none). */
static GString *expand(const struct seq *s, const char *text, size_t len)
{
	GString *out = g_string_sized_new(len + 16);
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '@' && i + 1 < len && text[i + 1] >= '0' && text[i + 1] <= '9') {
			unsigned k = (unsigned)(text[++i] - '0');
			g_string_append_printf(out, "%u", k < s->ntids ? s->tids[k] : 0);
		} else {
			g_string_append_c(out, text[i]);
		}
	}
	return out;
}

static void record(struct seq *s, const char *rec, size_t len, seq_op *op, void *arg)
{
	if (!len)
		return;
	char kind = rec[0];
	const char *text = rec + 1;
	size_t tlen = len - 1;
	if (tlen && *text == '\n')
		text++, tlen--;
	if (kind == 'w') {
		unsigned ms = tlen && *text >= '0' && *text <= '9' ? (unsigned)(*text - '0') : 1;
		ms = MIN(ms, SEQ_WAIT_MAX - s->waited_ms);
		s->waited_ms += ms;
		ev_timer_add(s->loop, ms, on_wait, NULL);
		ev_loop_run(s->loop);
		return;
	}
	GString *t = expand(s, text, tlen);
	struct h248_from from = s->peer;
	switch (kind) {
	case 's':
		from.addr = peer_addr[1];
		/* fall through */
	case 'm':
		h248_tl_input(s->tl, t->str, t->len, &from);
		break;
	case 't':
		from.conn = 1;
		h248_tl_input(s->tl, t->str, t->len, &from);
		break;
	default:
		op(s, kind, t->str, t->len, arg);
	}
	g_string_free(t, TRUE);
}

void seq_play(struct seq *s, const uint8_t *data, size_t size, seq_op *op, void *arg)
{
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *sep = memmem(p, (size_t)(end - p), "\n--\n", 4);
		const char *stop = sep ? sep : end;
		record(s, p, (size_t)(stop - p), op, arg);
		seq_drain(s);
		p = sep ? sep + 4 : end;
	}
}
