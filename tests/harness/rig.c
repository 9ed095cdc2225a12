/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rig: see rig.h. */
#include "rig.h"

#include <CUnit/Basic.h>

#include <errno.h>
#include <glib.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "parse.h"
#include "sockaddr.h"

struct rig {
	pid_t pid;
	int fd; /* the MGC's UDP socket */
	union sa agw;
	uint32_t next_tid;
	GQueue *notifies, *replies; /* texts */
	bool registered;
	GString *acks; /* NULL: Replies are not acknowledged; else the ids to acknowledge next ("5, 6") */
};

uint64_t rig_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void answer(struct rig *r, const char *text)
{
	sendto(r->fd, text, strlen(text), 0, &r->agw.sa, sa_len(&r->agw));
}

/* Reads what arrived within ms; files Replies and Notifies, answers registrations and Notifies. */
static void pump(struct rig *r, unsigned ms)
{
	char buf[65536];
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	if (poll(&p, 1, (int)ms) != 1)
		return;
	ssize_t n;
	while ((n = recv(r->fd, buf, sizeof buf - 1, MSG_DONTWAIT)) > 0) {
		buf[n] = 0;
		struct h248_error err;
		struct h248_msg *m = h248_parse(buf, (size_t)n, NULL, &err);
		if (!m) {
			fprintf(stderr, "rig: unparsable from the gateway: %s\n%s\n", err.reason, buf);
			continue;
		}
		for (struct h248_node *t = m->first; t; t = t->next) {
			if (t->tok == H248_TOK_REPLY) {
				g_queue_push_tail(r->replies, g_strdup(buf));
				if (r->acks)
					g_string_append_printf(r->acks, "%s%.*s", r->acks->len ? ", " : "",
							       (int)t->value.text.n, t->value.text.p);
				continue;
			}
			if (t->tok != H248_TOK_TRANSACTION)
				continue;
			struct h248_node *ctx = h248_child(t, H248_TOK_CONTEXT, NULL);
			struct h248_node *nt = ctx ? h248_child(ctx, H248_TOK_NOTIFY, NULL) : NULL;
			char *reply;
			if (nt) {
				reply = g_strdup_printf("MEGACO/3 [127.0.0.1]:2945\nReply = %.*s { Context = "
							"%.*s { Notify = %.*s } }",
							(int)t->value.text.n, t->value.text.p,
							(int)ctx->value.text.n, ctx->value.text.p,
							(int)nt->value.text.n, nt->value.text.p);
				/* the gateway's own transaction id and time stamp: normalised for comparison
				 */
				GRegex *tid =
				    g_regex_new("^Transaction = [0-9]+", G_REGEX_MULTILINE, 0, NULL);
				GRegex *ts = g_regex_new("[0-9]{8}T[0-9]{8}", 0, 0, NULL);
				char *a =
				    g_regex_replace_literal(tid, buf, -1, 0, "Transaction = N", 0, NULL);
				g_queue_push_tail(r->notifies,
						  g_regex_replace_literal(ts, a, -1, 0, "T", 0, NULL));
				g_free(a);
				g_regex_unref(tid), g_regex_unref(ts);
			} else {
				reply = g_strdup_printf("MEGACO/3 [127.0.0.1]:2945\nReply = %.*s { Context = "
							"- { ServiceChange = ROOT { "
							"Services { Version = 3 } } } }",
							(int)t->value.text.n, t->value.text.p);
				r->registered = true;
			}
			answer(r, reply);
			g_free(reply);
		}
		h248_msg_free(m);
	}
}

bool rig_band(unsigned n, char out[RIG_BAND_LEN])
{
	uint16_t lo = bed_free_ports(n);
	if (lo)
		snprintf(out, RIG_BAND_LEN, "%u-%u", lo, lo + n - 1);
	else
		*out = 0;
	return lo != 0;
}

char *rig_binary(const char *dir, const char *name)
{
	const char *top = getenv("top_builddir") ? getenv("top_builddir") : ".";
	return g_build_filename(top, dir, name, NULL);
}

const char *rig_log_level(void)
{
	return getenv("RIG_LOG") ? "debug" : "error";
}

pid_t rig_spawn(char **argv)
{
	const char *cpu = getenv("RIG_TASKSET"); /* benchmarks pin the gateway to one CPU, like its peers */
	/* under ASan, freed relay buffers wait in a quarantine that would hide what the gateway itself
	 * holds: kept small so that memory bounds stay measurable */
	return bed_spawn(argv, &(struct bed_child){ .quarantine_mb = 8,
						    .cpu = cpu ? atoi(cpu) : -1,
						    .valgrind = getenv("RIG_VALGRIND") != NULL });
}

struct rig *rig_start(const char *const *extra)
{
	struct rig *r = g_new0(struct rig, 1);
	r->notifies = g_queue_new(), r->replies = g_queue_new();
	r->next_tid = 100;
	uint16_t mgc = bed_free_ports(1), agw = bed_free_ports(1);
	union sa me;
	sa_from_text(&me, "127.0.0.1", mgc);
	sa_from_text(&r->agw, "127.0.0.1", agw);
	r->fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (bind(r->fd, &me.sa, sa_len(&me)) < 0) {
		perror("rig: bind");
		return NULL;
	}
	char *bin = rig_binary("agw", "ims-agw");
	char mgcp[8], agwp[8];
	snprintf(mgcp, sizeof mgcp, "%u", mgc), snprintf(agwp, sizeof agwp, "%u", agw);
	GPtrArray *argv = g_ptr_array_new();
	const char *base[] = { bin,          "--h248-port",      agwp,          "--mgc-port",   mgcp,
			       "--h248-mid", "[127.0.0.1]:2944", "--log-level", rig_log_level() };
	for (size_t i = 0; i < G_N_ELEMENTS(base); i++)
		g_ptr_array_add(argv, (char *)base[i]);
	for (const char *const *e = extra; e && *e; e++)
		g_ptr_array_add(argv, (char *)*e);
	g_ptr_array_add(argv, NULL);
	r->pid = rig_spawn((char **)argv->pdata);
	g_ptr_array_free(argv, TRUE);
	g_free(bin);
	if (r->pid < 0) {
		fprintf(stderr, "rig: cannot start ims-agw: %s\n", strerror(errno));
		return NULL;
	}
	for (uint64_t end = rig_now_ms() + 5000; !r->registered && rig_now_ms() < end;)
		pump(r, 100);
	if (!r->registered) {
		fprintf(stderr, "rig: ims-agw did not register\n");
		rig_stop(r);
		return NULL;
	}
	return r;
}

int rig_pid(const struct rig *r)
{
	return (int)r->pid;
}

long rig_rss_kib(const struct rig *r)
{
	return rig_pid_rss_kib((int)r->pid);
}

/* utime and stime of /proc/PID/stat, in seconds. */
static bool stat_times(int pid, double *user, double *sys)
{
	char path[64], *text = NULL;
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	unsigned long ut = 0, st = 0;
	bool ok = g_file_get_contents(path, &text, NULL, NULL) && strrchr(text, ')') &&
		  sscanf(strrchr(text, ')') + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut,
			 &st) == 2;
	g_free(text);
	*user = (double)ut / (double)sysconf(_SC_CLK_TCK), *sys = (double)st / (double)sysconf(_SC_CLK_TCK);
	return ok;
}

double rig_pid_cpu_s(int pid)
{
	clockid_t clock;
	struct timespec ts;
	if (clock_getcpuclockid(pid, &clock) == 0 && clock_gettime(clock, &ts) == 0)
		return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	double user, sys;
	return stat_times(pid, &user, &sys) ? user + sys : -1;
}

double rig_pid_sys_s(int pid)
{
	double user, sys;
	return stat_times(pid, &user, &sys) ? sys : -1;
}

long rig_pid_rss_kib(int pid)
{
	char path[64], *text = NULL;
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	long kib = -1;
	if (g_file_get_contents(path, &text, NULL, NULL)) {
		const char *at = strstr(text, "VmRSS:");
		if (at)
			kib = strtol(at + 6, NULL, 10);
	}
	g_free(text);
	return kib;
}

int rig_stop(struct rig *r)
{
	int status = bed_reap(r->pid);
	close(r->fd);
	g_queue_free_full(r->notifies, g_free);
	g_queue_free_full(r->replies, g_free);
	rig_ack_replies(r, false);
	g_free(r);
	return status;
}

char *rig_request(struct rig *r, const char *body)
{
	return rig_request_mid(r, "[127.0.0.1]:2945", body, 5000);
}

uint16_t rig_h248_port(const struct rig *r)
{
	return sa_port(&r->agw);
}

void rig_ack_replies(struct rig *r, bool on)
{
	if (on && !r->acks)
		r->acks = g_string_new("");
	else if (!on && r->acks)
		g_string_free(r->acks, TRUE), r->acks = NULL;
}

char *rig_request_mid(struct rig *r, const char *mid, const char *body, unsigned ms)
{
	char *text =
	    r->acks && r->acks->len
		? g_strdup_printf("MEGACO/3 %s\nTransactionResponseAck { %s }\n%s", mid, r->acks->str, body)
		: g_strdup_printf("MEGACO/3 %s\n%s", mid, body);
	if (r->acks)
		g_string_truncate(r->acks, 0);
	answer(r, text);
	g_free(text);
	for (uint64_t end = rig_now_ms() + ms; rig_now_ms() < end;) {
		if (!g_queue_is_empty(r->replies))
			return g_queue_pop_head(r->replies);
		pump(r, 50);
	}
	return NULL;
}

char *rig_requestf(struct rig *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *inner = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	char *body = g_strdup_printf("Transaction = %u { %s }", ++r->next_tid, inner);
	char *reply = rig_request(r, body);
	g_free(inner), g_free(body);
	return reply;
}

char *rig_notify(struct rig *r, unsigned ms)
{
	for (uint64_t end = rig_now_ms() + ms;;) {
		if (!g_queue_is_empty(r->notifies))
			return g_queue_pop_head(r->notifies);
		if (rig_now_ms() >= end)
			return NULL;
		pump(r, 20);
	}
}

char *rig_fingerprint(const char *reply)
{
	const char *at = reply ? strstr(reply, "a=fingerprint:") : NULL;
	return at ? g_strndup(at + 14, strcspn(at + 14, "\n")) : g_strdup("");
}

unsigned rig_local_port(const char *reply)
{
	const char *l = reply ? strstr(reply, "Local {") : NULL;
	const char *m = l ? strstr(l, "\nm=") : NULL;
	unsigned port = 0;
	if (m)
		sscanf(m, "\nm=%*s %u", &port);
	return port;
}

unsigned rig_number_after(const char *text, const char *prefix)
{
	unsigned n = 0;
	const char *at = text ? strstr(text, prefix) : NULL;
	if (at)
		sscanf(at + strlen(prefix), "%u", &n);
	return n;
}

void rig_line_after(const char *text, const char *prefix, char *out, size_t n)
{
	const char *at = text ? strstr(text, prefix) : NULL;
	*out = '\0';
	if (at)
		g_strlcpy(out, at + strlen(prefix), MIN(n, strcspn(at + strlen(prefix), "\r\n") + 1));
}

char *rig_word_after(const char *text, const char *prefix)
{
	const char *at = text ? strstr(text, prefix) : NULL;
	return at ? g_strndup(at + strlen(prefix), strcspn(at + strlen(prefix), " \n{}")) : g_strdup("");
}

int rig_cunit_main(const char *suite, int (*init)(void), int (*clean)(void), const struct rig_test *tests)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	CU_pSuite s = CU_add_suite(suite, init, clean);
	for (; s && tests->name; tests++)
		CU_add_test(s, tests->name, tests->fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed =
	    CU_get_number_of_failures() + CU_get_number_of_tests_failed() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

/* A socket of type on addr:*port (0: chosen, then set); -1 when it cannot bind. */
static int bound(const char *addr, int type, uint16_t *port)
{
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	union sa a;
	sa_from_text(&a, addr, *port);
	if (type == SOCK_STREAM) /* for UDP it would let two sockets share a port */
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	else
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &(int){ 1 << 20 }, sizeof(int));
	if (bind(fd, &a.sa, sa_len(&a)) < 0) {
		close(fd);
		return -1;
	}
	socklen_t len = sizeof a;
	getsockname(fd, &a.sa, &len);
	*port = sa_port(&a);
	return fd;
}

bool rig_band_free(const char *band)
{
	unsigned lo, hi;
	if (sscanf(band, "%u-%u", &lo, &hi) != 2)
		return false;
	for (unsigned port = lo; port <= hi; port++) {
		int fd = bound("127.0.0.1", SOCK_STREAM, &(uint16_t){ (uint16_t)port });
		if (fd < 0)
			return false;
		close(fd);
	}
	return true;
}

int udp_socket(const char *addr, uint16_t *port)
{
	return bound(addr, SOCK_DGRAM, port);
}

void udp_connect(int fd, uint16_t to)
{
	union sa b;
	sa_from_text(&b, "127.0.0.1", to);
	connect(fd, &b.sa, sa_len(&b));
}

ssize_t udp_recv(int fd, void *buf, size_t n, unsigned ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, (int)ms) == 1 ? recv(fd, buf, n, 0) : -1;
}

int tcp_listen(uint16_t *port)
{
	int fd = bound("127.0.0.1", SOCK_STREAM, port);
	if (fd >= 0 && listen(fd, 4) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int tcp_accept(int lfd, unsigned ms)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	return poll(&p, 1, (int)ms) == 1 ? accept(lfd, NULL, NULL) : -1;
}

int tcp_connect_at(const char *addr, uint16_t from, uint16_t to, unsigned ms, bool *connected)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
	union sa a, b;
	sa_from_text(&a, addr, from);
	sa_from_text(&b, "127.0.0.1", to);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if ((from || strcmp(addr, "127.0.0.1")) && bind(fd, &a.sa, sa_len(&a)) < 0) {
		close(fd);
		return -1;
	}
	connect(fd, &b.sa, sa_len(&b));
	*connected = tcp_wait_connected(fd, ms);
	return fd;
}

int tcp_connect_to(const char *addr, uint16_t to, unsigned ms, bool *connected)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	union sa b;
	sa_from_text(&b, addr, to);
	connect(fd, &b.sa, sa_len(&b));
	*connected = tcp_wait_connected(fd, ms);
	return fd;
}

int tcp_connect_from(uint16_t from, uint16_t to, unsigned ms, bool *connected)
{
	return tcp_connect_at("127.0.0.1", from, to, ms, connected);
}

bool tcp_wait_connected(int fd, unsigned ms)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int err = 0;
	socklen_t len = sizeof err;
	if (poll(&p, 1, (int)ms) != 1)
		return false;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
	return err == 0;
}

bool tcp_through(uint16_t port, int listener, int *connected, int *accepted)
{
	bool up;
	*connected = tcp_connect_from(0, port, 2000, &up);
	*accepted = up ? tcp_accept(listener, 2000) : -1;
	if (up && *accepted >= 0)
		return true;
	close(*connected);
	*connected = -1;
	return false;
}

ssize_t tcp_read_all(int fd, void *buf, size_t n, unsigned ms)
{
	size_t got = 0;
	for (uint64_t end = rig_now_ms() + ms; got < n && rig_now_ms() < end;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 50) != 1)
			continue;
		ssize_t k = read(fd, (char *)buf + got, n - got);
		if (k == 0)
			break;
		if (k < 0) {
			if (errno == EAGAIN)
				continue;
			return -errno;
		}
		got += (size_t)k;
	}
	return (ssize_t)got;
}

bool tcp_ended(int fd, unsigned ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;
	return poll(&p, 1, (int)ms) == 1 && recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

bool tcp_exchange(int a, const void *a_out, size_t a_len, int b, const void *b_out, size_t b_len, unsigned ms)
{
	size_t sent[2] = { 0 }, got[2] = { 0 }, len[2] = { a_len, b_len };
	const char *out[2] = { a_out, b_out };
	char *in[2] = { g_malloc(b_len + 1), g_malloc(a_len + 1) }; /* a receives b's bytes and b a's */
	int fd[2] = { a, b };
	bool eof[2] = { false, false }, shut[2] = { false, false }, ok = false;
	for (uint64_t end = rig_now_ms() + ms; rig_now_ms() < end;) {
		struct pollfd p[2];
		for (int i = 0; i < 2; i++)
			p[i] = (struct pollfd){ .fd = fd[i],
						.events = (eof[i] ? 0 : POLLIN) |
							  (sent[i] < len[i] ? POLLOUT : 0) };
		poll(p, 2, 50);
		for (int i = 0; i < 2; i++) {
			if (sent[i] < len[i]) {
				ssize_t k =
				    send(fd[i], out[i] + sent[i], MIN(len[i] - sent[i], (size_t)65536),
					 MSG_DONTWAIT | MSG_NOSIGNAL);
				if (k > 0)
					sent[i] += (size_t)k;
			}
			if (sent[i] == len[i] && !shut[i])
				shutdown(fd[i], SHUT_WR), shut[i] = true;
			if (!eof[i]) {
				size_t want = len[1 - i] + 1 - got[i];
				ssize_t k = recv(fd[i], in[i] + got[i], want, MSG_DONTWAIT);
				if (k == 0)
					eof[i] = true;
				else if (k > 0)
					got[i] += (size_t)k;
			}
		}
		if (eof[0] && eof[1]) {
			ok = got[0] == b_len && got[1] == a_len && !memcmp(in[0], b_out, b_len) &&
			     !memcmp(in[1], a_out, a_len);
			if (!ok)
				fprintf(stderr,
					"\n    exchange: a got %zu of %zu, b got %zu of %zu, content %s\n",
					got[0], b_len, got[1], a_len, ok ? "equal" : "different");
			break;
		}
	}
	if (!(eof[0] && eof[1]))
		fprintf(stderr, "\n    exchange timed out: a sent %zu/%zu got %zu, b sent %zu/%zu got %zu\n",
			sent[0], a_len, got[0], sent[1], b_len, got[1]);
	g_free(in[0]), g_free(in[1]);
	return ok;
}
