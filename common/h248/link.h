/* SPDX-License-Identifier: GPL-3.0-or-later */
/* link: the H.248 transport of one entity (H.248.1 Annex D): a UDP socket (one message per datagram,
 * at most max_udp bytes) and a TCP listener on the same address and port, plus TCP connections it
 * accepts or opens, each framed with TPKT. Incoming messages are handed up with where they came from;
 * an answer sent to that same `from` goes to the request's source (§9), over the same connection for TCP. */
#ifndef MEDIASEC_H248_LINK_H
#define MEDIASEC_H248_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "evloop.h"
#include "sockaddr.h"

struct h248_link;

/* Where a message came from, or where one goes: conn 0 is UDP to addr, otherwise a TCP connection. */
struct h248_from {
	union sa addr;
	uint32_t conn;
};

struct h248_link_ops {
	/* A whole message; text is not NUL-terminated and lives until the callback returns. */
	void (*recv)(void *arg, const char *text, size_t len, const struct h248_from *from);
	/* A TCP connection went away (closed by the peer, reset, or refused); optional. */
	void (*closed)(void *arg, uint32_t conn, const char *why);
};

struct trace;
/* Connections the link accepts are bounded so that strangers cannot take the descriptors the entity
 * needs for its calls: at most max_conns at once (and never over a quarter of RLIMIT_NOFILE), at most
 * max_conns_per_source from one address; one beyond is accepted and closed at once (counted, logged at a
 * bounded rate). An accepted connection that carries no whole message either way for idle_ms is closed.
 * When accept fails for want of descriptors (EMFILE, ENFILE) or memory, the listener is paused for
 * 100 ms, doubling up to 1 s while it keeps failing, instead of being retried in a busy loop.
 * Connections the link opens itself (h248_link_connect) are not counted and never idle out. */
struct h248_link_opts {
	size_t max_udp;     /* largest datagram sent or accepted (default 8192) */
	size_t max_tcp;     /* largest message accepted over TCP (default 16384; TPKT allows 65531) */
	size_t max_queued;  /* bytes a TCP connection may have waiting to be written (default 1 MiB); a
			       message beyond drops the connection (its peer reads nothing) */
	unsigned max_conns; /* accepted TCP connections at once (default 64) */
	unsigned max_conns_per_source; /* accepted TCP connections at once from one address (default 4) */
	unsigned idle_ms;              /* accepted connection closed after this long without a message
					  (default 60000) */
	struct trace *trace;           /* every message received ("h248.rx") and sent ("h248.tx"), summarised
					  by the line after its header ("Transaction = 5"); NULL: none */
};

/* NULL and *err (g_free it) when the sockets cannot be bound. */
struct h248_link *h248_link_new(struct ev_loop *loop, const union sa *local,
				const struct h248_link_opts *opts, const struct h248_link_ops *ops, void *arg,
				char **err);
void h248_link_free(struct h248_link *l);
/* The bound UDP/TCP address (the port is the real one when local asked for port 0). */
const union sa *h248_link_local(const struct h248_link *l);

/* 0, or -EMSGSIZE (over max_udp or TPKT's limit), -ENOTCONN (no such connection), -errno. */
int h248_link_send(struct h248_link *l, const struct h248_from *to, const char *text, size_t len);
/* Opens a TCP connection to peer; messages sent on it before it is up are queued. 0 or -errno. */
int h248_link_connect(struct h248_link *l, const union sa *peer, uint32_t *conn);
void h248_link_close(struct h248_link *l, uint32_t conn);
/* Messages dropped unread for being over max_udp or max_tcp (counted, logged at a bounded rate). */
uint64_t h248_link_oversized(const struct h248_link *l);

/* What the limits on accepted TCP connections did (see h248_link_opts). */
struct h248_link_stats {
	unsigned conns;       /* accepted connections open now */
	unsigned max_conns;   /* the limit in force (max_conns, or a quarter of RLIMIT_NOFILE) */
	uint64_t over_limit;  /* connections closed at once: max_conns reached */
	uint64_t over_source; /* connections closed at once: max_conns_per_source reached */
	uint64_t idle;        /* connections closed after idle_ms without a message */
	uint64_t out_of_fds;  /* accepts that failed for want of descriptors or memory (each one
				 pauses the listener) */
	uint64_t unread;      /* connections dropped: over max_queued bytes waiting to be written */
};
void h248_link_stats(const struct h248_link *l, struct h248_link_stats *s);
/* One notice line with what the limits did, for a daemon's stop. */
void h248_link_stats_log(const struct h248_link_stats *s);

#endif
