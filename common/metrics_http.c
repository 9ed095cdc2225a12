/* SPDX-License-Identifier: GPL-3.0-or-later */
/* metrics_http: the metrics endpoint, libmicrohttpd run from the daemon's event loop.
 *
 * libmicrohttpd is the field's embeddable HTTP server (Debian's libmicrohttpd-dev): parsing requests,
 * keep-alive, timeouts and connection limits are its. It runs in its "external" epoll mode: no thread of
 * its own; all its sockets sit in one epoll descriptor, which our loop watches (ev_io_add) — in ims-agw
 * the loop ev_loop_run turns, in ims-alg the same loop served by GLib's main loop (ev_loop_gsource).
 * When that descriptor is readable, or when the time MHD_get_timeout asked for has passed, MHD_run does
 * the work. So the counters are read in the thread that changes them, between two events: no locking. */
#include "config.h"
#include "metrics.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "sockaddr.h"

struct metrics_http {
	struct ev_loop *loop;
	struct metrics *m;
	struct MHD_Daemon *d;
	struct ev_io *io;
	struct ev_timer *timer; /* MHD's next deadline (a connection's timeout, or work left over) */
	char where[SA_TEXT_MAX];
};

static const char content_type[] = "text/plain; version=0.0.4; charset=utf-8";

static enum MHD_Result answer_text(struct MHD_Connection *c, unsigned status, const char *text,
				   size_t len, const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)text, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

/* GET (or HEAD) /metrics: the exposition; another path 404, another method 405. A request body is
 * never read: the answer goes at once. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct metrics_http *h = cls;
	static const char not_found[] = "not found: the metrics are at /metrics\n";
	static const char not_allowed[] = "method not allowed: GET /metrics\n";
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return answer_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, not_allowed, sizeof not_allowed - 1,
				   "text/plain; charset=utf-8");
	if (strcmp(url, "/metrics"))
		return answer_text(c, MHD_HTTP_NOT_FOUND, not_found, sizeof not_found - 1,
				   "text/plain; charset=utf-8");
	size_t len;
	char *text = metrics_text(h->m, &len);
	enum MHD_Result ok = answer_text(c, MHD_HTTP_OK, text, len, content_type);
	g_free(text);
	return ok;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap) G_GNUC_PRINTF(2, 0);
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct metrics_http *h = cls;
	char *text = g_strdup_vprintf(fmt, ap);
	log_warn("metrics", NULL, "metrics endpoint on %s: %s", h->where, g_strchomp(text));
	g_free(text);
}

static void run(struct metrics_http *h);

static void on_timer(struct ev_loop *loop, void *arg)
{
	struct metrics_http *h = arg;
	h->timer = NULL;
	run(h);
}

static void on_ready(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg)
{
	run(arg);
}

/* MHD's work, then its next deadline on our timer (none when it has none). */
static void run(struct metrics_http *h)
{
	MHD_run(h->d);
	ev_timer_cancel(h->loop, h->timer);
	h->timer = NULL;
	MHD_UNSIGNED_LONG_LONG ms;
	if (MHD_get_timeout(h->d, &ms) == MHD_YES)
		h->timer = ev_timer_add(h->loop, ms, on_timer, h);
}

bool metrics_address_ok(const char *program, const char *address)
{
	union sa sa;
	if (!*address || sa_from_text(&sa, address, 0))
		return true;
	fprintf(stderr, "%s: metrics.address: expected an IPv4 or IPv6 address (\"\": none), found \"%s\"\n",
		program, address);
	return false;
}

struct metrics_http *metrics_http_start(struct ev_loop *loop, struct metrics *m, const char *address,
					long port, char **err)
{
	union sa sa;
	if (!sa_from_text(&sa, address, (uint16_t)port)) {
		*err = g_strdup_printf("metrics.address: %s is no IPv4 or IPv6 address", address);
		return NULL;
	}
	struct metrics_http *h = g_new0(struct metrics_http, 1);
	h->loop = loop;
	h->m = m;
	sa_text(&sa, h->where);
	unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG | (sa.sa.sa_family == AF_INET6 ? MHD_USE_IPv6 : 0);
	h->d = MHD_start_daemon(
	    flags, (uint16_t)port, NULL, NULL, on_request, h, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h,
	    MHD_OPTION_SOCK_ADDR, &sa.sa, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)METRICS_HTTP_MAX_CONNS, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)METRICS_HTTP_MAX_CONNS_PER_IP, MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)METRICS_HTTP_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)METRICS_HTTP_MEMORY,
	    MHD_OPTION_END);
	const union MHD_DaemonInfo *info = h->d ? MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_EPOLL_FD) : NULL;
	if (!info || !(h->io = ev_io_add(loop, info->epoll_fd, EPOLLIN, on_ready, h))) {
		*err = g_strdup_printf("metrics endpoint: cannot listen on %s over HTTP: %s", h->where,
				       g_strerror(errno));
		metrics_http_stop(h);
		return NULL;
	}
	run(h);
	log_notice("metrics", NULL, "metrics endpoint: http://%s/metrics", h->where);
	return h;
}

void metrics_http_stop(struct metrics_http *h)
{
	if (!h)
		return;
	if (h->io)
		ev_io_del(h->loop, h->io);
	ev_timer_cancel(h->loop, h->timer);
	if (h->d)
		MHD_stop_daemon(h->d);
	g_free(h);
}
