/* SPDX-License-Identifier: GPL-3.0-or-later */
/* metrics: a daemon's Prometheus metrics — a registry of families (name, help, type) whose samples are
 * read at scrape time from the daemon's own counters, written in the text exposition format 0.0.4, and
 * served over HTTP by libmicrohttpd from the daemon's event loop (metrics_http.c).
 *
 * Nothing is copied or kept here between scrapes: a family either points at a counter the daemon keeps
 * (metrics_add_value) or has a callback that writes its samples (metrics_add), each sample with its
 * labels. Names follow Prometheus' conventions (snake_case, a counter ends in _total, units in the
 * name); metrics_add refuses a name that does not (a programming error, logged). The registry is the
 * daemon's (no global state), and everything runs in the daemon's one thread: no locking. */
#ifndef MEDIASEC_METRICS_H
#define MEDIASEC_METRICS_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evloop.h"

enum metric_type { METRIC_COUNTER, METRIC_GAUGE };

struct metrics;     /* a registry */
struct metrics_out; /* one family being written */

/* Writes the family's samples with metrics_sample (none: the family shows its HELP and TYPE alone). */
typedef void metrics_collect(void *arg, struct metrics_out *out);

struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);

/* A family written by collect(arg) at each scrape, in the order added. False (and logged) when the name
 * breaks the conventions or is already taken. */
bool metrics_add(struct metrics *m, const char *name, enum metric_type type, const char *help,
		 metrics_collect *collect, void *arg);
/* A family of one unlabelled sample: *value at scrape time (value must live as long as the registry). */
bool metrics_add_value(struct metrics *m, const char *name, enum metric_type type, const char *help,
		       const uint64_t *value);

/* The registry frees p (g_free) with itself: state its callbacks' arg points to. */
void metrics_keep(struct metrics *m, void *p);

/* One sample of the family being written: its value, then its labels as name, value pairs, then NULL.
 * Label values are escaped as the format asks (backslash, double quote, newline). */
void metrics_sample(struct metrics_out *out, uint64_t value, ...) G_GNUC_NULL_TERMINATED;

/* Every family, as the text exposition format 0.0.4 (g_free it). */
char *metrics_text(struct metrics *m, size_t *len);

/* The HTTP endpoint: GET /metrics answered with metrics_text, anything else 404 or 405. Served from
 * loop (libmicrohttpd in its external epoll mode: its one epoll descriptor is watched by loop, so no
 * thread reads the daemon's state). Few connections at once, few per address, and a short timeout: it
 * is reachable by whoever reaches address (doc/limits.md). NULL with *err when it cannot listen. */
struct metrics_http;
/* metrics.address checked as the configuration is read: "" or an IPv4 or IPv6 literal; else false, and
 * the error written to standard error in the configuration's style ("<program>: metrics.address: …"). */
bool metrics_address_ok(const char *program, const char *address);
struct metrics_http *metrics_http_start(struct ev_loop *loop, struct metrics *m, const char *address,
					long port, char **err);
void metrics_http_stop(struct metrics_http *h);

/* The limits of the endpoint (doc/limits.md). */
enum {
	METRICS_HTTP_MAX_CONNS = 16,        /* connections at once */
	METRICS_HTTP_MAX_CONNS_PER_IP = 4,  /* from one address */
	METRICS_HTTP_TIMEOUT_S = 10,        /* an idle connection is closed after this */
	METRICS_HTTP_MEMORY = 32 * 1024,    /* bytes of request a connection may hold */
};

#endif
