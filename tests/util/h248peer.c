/* SPDX-License-Identifier: GPL-3.0-or-later */
/* h248peer: plays the MGC for integration tests. Listens on 127.0.0.1:PORT (UDP), answers the
 * gateway's registration (ServiceChange Restart/Disconnected) with Version = 3, then sends each FILE
 * as one message to the gateway exactly as written and prints, byte for byte, every message that comes
 * back until the Reply with that file's transaction id (Pendings and Notifies included; Notifies are
 * answered). Between files, "--sleep MS" waits and prints what arrives meanwhile; "--wait-notify"
 * waits (up to 5 s) for one Notify.
 *   h248peer PORT AGW-PORT [FILE | --sleep MS | --wait-notify]...
 * Output: "<<< " then the received message, then a line "---". Exit 1 on a timeout. */
#include <glib.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "parse.h"
#include "sockaddr.h"

static int fd;
static union sa agw;
static int registered;

static void send_text(const char *text, size_t len)
{
	sendto(fd, text, len, 0, &agw.sa, sa_len(&agw));
}

/* Handles one received datagram; returns the tid of a Reply in it (0 when none), sets *notify. */
static uint32_t handle(const char *buf, size_t n, bool *notify)
{
	struct h248_error err;
	struct h248_msg *m = h248_parse(buf, n, NULL, &err);
	uint32_t reply_tid = 0;
	*notify = false;
	if (!m) {
		printf("<<< (unparsable: error %d at %u:%u: %s)\n%.*s\n---\n", err.code, err.line, err.col,
		       err.reason, (int)n, buf);
		return 0;
	}
	for (struct h248_node *t = m->first; t; t = t->next) {
		if (t->tok == H248_TOK_REPLY) {
			h248_str_u32(t->value.text, &reply_tid);
			continue;
		}
		if (t->tok != H248_TOK_TRANSACTION)
			continue;
		struct h248_node *ctx = h248_child(t, H248_TOK_CONTEXT, NULL);
		struct h248_node *sc = ctx ? h248_child(ctx, H248_TOK_SERVICECHANGE, NULL) : NULL;
		struct h248_node *nt = ctx ? h248_child(ctx, H248_TOK_NOTIFY, NULL) : NULL;
		char *answer = NULL;
		if (sc) {
			struct h248_node *sv = h248_child(sc, H248_TOK_SERVICES, NULL);
			struct h248_node *meth = sv ? h248_child(sv, H248_TOK_METHOD, NULL) : NULL;
			printf("<<< ServiceChange %s\n---\n",
			       meth && meth->value.tok ? h248_tokens[meth->value.tok].pretty : "?");
			answer = g_strdup_printf(
			    "MEGACO/3 [127.0.0.1]:2945\nReply = %.*s { Context = - { ServiceChange = ROOT { "
			    "Services { Version = 3 } } } }",
			    (int)t->value.text.n, t->value.text.p);
			registered = 1;
		} else if (nt) {
			printf("<<< %.*s\n---\n", (int)n, buf);
			*notify = true;
			answer = g_strdup_printf(
			    "MEGACO/3 [127.0.0.1]:2945\nReply = %.*s { Context = %.*s { Notify = %.*s } }",
			    (int)t->value.text.n, t->value.text.p, (int)ctx->value.text.n, ctx->value.text.p,
			    (int)nt->value.text.n, nt->value.text.p);
		} else
			printf("<<< %.*s\n---\n", (int)n, buf);
		if (answer)
			send_text(answer, strlen(answer));
		g_free(answer);
	}
	if (reply_tid)
		printf("<<< %.*s\n---\n", (int)n, buf);
	fflush(stdout);
	h248_msg_free(m);
	return reply_tid;
}

/* Receives until want_tid's Reply (want_tid 0: until ms pass; want_notify: until a Notify). */
static int receive(uint32_t want_tid, int ms, bool want_notify)
{
	char buf[65536];
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, ms) != 1)
			return want_tid || want_notify ? -1 : 0;
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n <= 0)
			continue;
		bool notify;
		uint32_t tid = handle(buf, (size_t)n, &notify);
		if ((want_tid && tid == want_tid) || (want_notify && notify))
			return 0;
	}
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: h248peer PORT AGW-PORT [FILE | --sleep MS | --wait-notify]...\n");
		return 2;
	}
	union sa me;
	sa_from_text(&me, "127.0.0.1", (uint16_t)atoi(argv[1]));
	sa_from_text(&agw, "127.0.0.1", (uint16_t)atoi(argv[2]));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (bind(fd, &me.sa, sa_len(&me)) < 0) {
		perror("h248peer: bind");
		return 2;
	}
	for (int waited = 0; !registered && waited < 100; waited++)
		receive(0, 100, false);
	if (!registered) {
		fprintf(stderr, "h248peer: the gateway did not register\n");
		return 1;
	}
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--sleep") && i + 1 < argc) {
			receive(0, atoi(argv[++i]), false);
			continue;
		}
		if (!strcmp(argv[i], "--wait-notify")) {
			if (receive(0, 5000, true) < 0) {
				fprintf(stderr, "h248peer: no Notify within 5 s\n");
				return 1;
			}
			continue;
		}
		gchar *text;
		gsize len;
		if (!g_file_get_contents(argv[i], &text, &len, NULL)) {
			fprintf(stderr, "h248peer: cannot read %s\n", argv[i]);
			return 2;
		}
		struct h248_error err;
		struct h248_msg *m = h248_parse(text, len, NULL, &err);
		uint32_t tid = 0;
		if (m && m->first && m->first->tok == H248_TOK_TRANSACTION)
			h248_str_u32(m->first->value.text, &tid);
		h248_msg_free(m);
		send_text(text, len);
		g_free(text);
		if (tid && receive(tid, 5000, false) < 0) {
			fprintf(stderr, "h248peer: no Reply to %s within 5 s\n", argv[i]);
			return 1;
		}
	}
	return 0;
}
