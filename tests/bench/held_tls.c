/* SPDX-License-Identifier: GPL-3.0-or-later */
/* held_tls: the TLS sessions of the calls one ims-alg holds over a pool of gateways (held.sh). Each line
 * of LIST is one held call, as SIPp logged it (its answer toward the UE, the offer the core received):
 *   ACCESS-ADDRESS ACCESS-PORT GATEWAY-FINGERPRINT CORE-ADDRESS CORE-PORT
 * For each, as the UE: a TLS connection to the access leg (the UE's certificate, which the gateway checks
 * against the offer's fingerprint; the gateway's checked against the answer's), and as the core: a TCP
 * connection to the core leg (both parties are a=setup:active). Then a probe crosses each session both
 * ways (the gateway relays no byte before it has verified the UE): the session is verified.
 *   held_tls base UE-CERT UE-KEY LIST   the first calls' sessions, and every figure:
 *     1. opens and verifies its sessions alone (handshakes per pool CPU-second, pool KiB per session);
 *     2. chats on them (relay_msrp.c: MSRP SEND and 200 OK, one in flight each, the core side answering):
 *        round trips per pool CPU-second, per second, latency p50/p99;
 *     3. lets the rest processes open theirs ("based"), the pool's CPU time over their opening (from
 *        "based" to every "opened") giving the handshakes per pool CPU-second with all of them opening;
 *     4. chats again on the same sessions, every session open: the same figures.
 *   held_tls rest UE-CERT UE-KEY LIST   opens and verifies its sessions at step 3, then holds them.
 * Then every process waits for the gateways to close each session (the BYE's Subtract). Prints, base:
 * "base|scale OPEN HS_PER_POOL_CPU_S KIB_PER_SESSION" followed by msrp_print's fields, and "seconds" with
 * how long each step took (opening, probing and chatting on the first sessions, the others' opening, their
 * probing, the second chat); every process: "sessions ROLE ASKED OPENED VERIFIED CLOSED EARLY" (CLOSED by
 * the gateways; EARLY of them before the deadline, when no BYE had come). Environment: BENCH_POOL_PIDS
 * (the gateways), BENCH_BARRIER (a directory) and BENCH_BARRIER_COUNT (rest processes),
 * BENCH_HELD_DEADLINE (epoch seconds: every phase before the close ends by then, before the first BYE),
 * BENCH_HELD_END (the wait for the close ends by then), BENCH_CLIENTS (threads opening at once, default
 * 4), BENCH_PRIORITY. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "evloop.h"
#include "relay_msrp.h"
#include "rig.h"
#include "tlspeer.h"

enum { CONNECT_MS = 3000, HANDSHAKE_MS = 5000, PROBE_MS = 3000, REASONS_SHOWN = 5 };
/* the longest one session's opening (two connects and a handshake) or probe may take: none starts later
 * than this before the deadline, so that none runs into the first BYE */
#define STEP_S ((2 * CONNECT_MS + HANDSHAKE_MS) / 1000.0)

static double wall(void)
{
	return (double)g_get_real_time() / 1e6;
}

static double env_time(const char *name, double dflt)
{
	const char *v = getenv(name);
	return v ? strtod(v, NULL) : dflt;
}

/* ---- the pool: its CPU time and resident memory, summed over BENCH_POOL_PIDS ---- */
static int pool[64];
static unsigned pool_n;

static void pool_read(void)
{
	const char *v = getenv("BENCH_POOL_PIDS");
	for (char *p = (char *)(v ? v : ""), *end; pool_n < G_N_ELEMENTS(pool); p = end) {
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		pool[pool_n++] = (int)pid;
	}
}

static double pool_cpu(int unused)
{
	(void)unused;
	double s = 0;
	for (unsigned i = 0; i < pool_n; i++)
		s += rig_pid_cpu_s(pool[i]);
	return s;
}

static long pool_rss(void)
{
	long kib = 0;
	for (unsigned i = 0; i < pool_n; i++)
		kib += rig_pid_rss_kib(pool[i]);
	return kib;
}

/* ---- the sessions ---- */
struct call {
	char access[48], core[48], fp[128]; /* fp: "sha-256 AB:…", the gateway's */
	uint16_t access_port, core_port;
};

struct sessions {
	struct call *calls;
	unsigned n;
	gnutls_session_t *s;
	int *tls, *plain; /* the UE's and the core's descriptors, -1: none */
	bool *verified;
	unsigned next, opened, failed, checked, wrong; /* atomics while threads run */
};

static struct tls_identity ue;
static double deadline; /* every phase before the close */

static const char *priority(void)
{
	const char *p = getenv("BENCH_PRIORITY");
	return p ? p : "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM:-GROUP-ALL:+GROUP-X25519";
}

static bool load(const char *path, struct sessions *ss)
{
	char *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return false;
	char **lines = g_strsplit(text, "\n", -1);
	unsigned n = g_strv_length(lines);
	ss->calls = g_new0(struct call, n + 1);
	for (unsigned i = 0; i < n; i++) {
		struct call *c = &ss->calls[ss->n];
		char fp[100];
		unsigned a, k;
		if (sscanf(lines[i], "%47s %u %99s %47s %u", c->access, &a, fp, c->core, &k) != 5)
			continue;
		c->access_port = (uint16_t)a, c->core_port = (uint16_t)k;
		snprintf(c->fp, sizeof c->fp, "sha-256 %s", fp);
		ss->n++;
	}
	g_strfreev(lines), g_free(text);
	ss->s = g_new0(gnutls_session_t, ss->n + 1);
	ss->tls = g_new(int, ss->n + 1), ss->plain = g_new(int, ss->n + 1);
	ss->verified = g_new0(bool, ss->n + 1);
	for (unsigned i = 0; i < ss->n; i++)
		ss->tls[i] = ss->plain[i] = -1;
	return true;
}

/* The UE's TLS session to the access leg, the gateway's certificate checked against the answer; NULL
 * with why. */
static gnutls_session_t dial(const struct call *c, int *fd, char why[160])
{
	bool up;
	*fd = tcp_connect_to(c->access, c->access_port, CONNECT_MS, &up);
	if (!up) {
		snprintf(why, 160, "TCP to the access leg %s:%u: %s", c->access, c->access_port,
			 *fd < 0 ? g_strerror(errno) : "not connected");
		return NULL;
	}
	char tls_why[160];
	gnutls_session_t s = tlspeer_handshake_prio(*fd, true, &ue, priority(), c->fp, HANDSHAKE_MS, tls_why);
	if (!s)
		snprintf(why, 160, "TLS with %s:%u: %.90s", c->access, c->access_port, tls_why);
	return s;
}

/* Session i: the UE's TLS, then the core's TCP connection. */
static bool open_one(struct sessions *ss, unsigned i, char why[160])
{
	const struct call *c = &ss->calls[i];
	int fd;
	gnutls_session_t s = dial(c, &fd, why);
	if (!s) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	bool up;
	int plain = tcp_connect_to(c->core, c->core_port, CONNECT_MS, &up);
	if (!up) {
		snprintf(why, 160, "TCP to the core leg %s:%u: not connected", c->core, c->core_port);
		if (plain >= 0)
			close(plain);
		tlspeer_close(s, fd);
		return false;
	}
	ss->s[i] = s, ss->tls[i] = fd, ss->plain[i] = plain;
	return true;
}

/* A probe each way through session i: the gateway relays nothing before it verified the UE. */
static bool verify_one(struct sessions *ss, unsigned i, char why[160])
{
	char probe[32];
	snprintf(probe, sizeof probe, "held %08u probe ......", i);
	fcntl(ss->plain[i], F_SETFL, fcntl(ss->plain[i], F_GETFL) | O_NONBLOCK);
	bool ok = tlspeer_cross(ss->s[i], ss->plain[i], probe, sizeof probe, PROBE_MS);
	gnutls_record_set_timeout(ss->s[i], 0); /* the chat reads without waiting */
	if (ok)
		return true;
	snprintf(why, 160, "a probe through %s:%u and %s:%u did not cross both ways", ss->calls[i].access,
		 ss->calls[i].access_port, ss->calls[i].core, ss->calls[i].core_port);
	return false;
}

struct task {
	struct sessions *ss;
	bool verify; /* else open */
};

static void *worker(void *arg)
{
	struct task *t = arg;
	struct sessions *ss = t->ss;
	for (unsigned i; (i = __atomic_fetch_add(&ss->next, 1, __ATOMIC_RELAXED)) < ss->n &&
			 wall() + STEP_S < deadline;) {
		char why[160];
		if (t->verify && !ss->s[i])
			continue;
		bool ok = t->verify ? verify_one(ss, i, why) : open_one(ss, i, why);
		unsigned *count =
		    t->verify ? (ok ? &ss->checked : &ss->wrong) : (ok ? &ss->opened : &ss->failed);
		if (t->verify)
			ss->verified[i] = ok;
		if (!ok && __atomic_load_n(count, __ATOMIC_RELAXED) < REASONS_SHOWN)
			fprintf(stderr, "held_tls: session %u: %s\n", i, why);
		__atomic_add_fetch(count, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Every session opened (verify false) or probed, by BENCH_CLIENTS threads at once. */
static void run_all(struct sessions *ss, bool verify)
{
	unsigned k = getenv("BENCH_CLIENTS") ? (unsigned)atoi(getenv("BENCH_CLIENTS")) : 4;
	k = k < 1 ? 1 : k > 64 ? 64 : k;
	pthread_t th[64];
	struct task t = { ss, verify };
	ss->next = 0;
	for (unsigned i = 0; i < k; i++)
		pthread_create(&th[i], NULL, worker, &t);
	for (unsigned i = 0; i < k; i++)
		pthread_join(th[i], NULL);
	unsigned tried = verify ? ss->checked + ss->wrong : ss->opened + ss->failed;
	unsigned want = verify ? ss->opened : ss->n;
	if (tried < want)
		fprintf(
		    stderr,
		    "held_tls: the deadline came with %u of %u sessions not %s (BENCH_HELD_TLS_SECONDS)\n",
		    want - tried, want, verify ? "probed" : "opened");
}

/* ---- the core's side while chatting: every SEND answered (relay_msrp.c's sink) ---- */
static volatile int sink_stop;

static void *sink(void *arg)
{
	struct sessions *ss = arg;
	int ep = epoll_create1(0);
	for (unsigned i = 0; i < ss->n; i++)
		if (ss->verified[i])
			epoll_ctl(ep, EPOLL_CTL_ADD, ss->plain[i],
				  &(struct epoll_event){ EPOLLIN, { .u32 = i } });
	static char buf[1 << 16];
	while (!sink_stop) {
		struct epoll_event evs[64];
		int n = epoll_wait(ep, evs, 64, 100);
		for (int e = 0; e < n; e++) {
			unsigned i = evs[e].data.u32;
			ssize_t k = recv(ss->plain[i], buf, sizeof buf, 0);
			if (k > 0 && msrp_sink_feed(ss->plain[i], buf, (size_t)k))
				continue;
			if (k < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			epoll_ctl(ep, EPOLL_CTL_DEL, ss->plain[i], NULL); /* the end phase sees it closed */
			msrp_sink_forget(ss->plain[i]);
		}
	}
	close(ep);
	return NULL;
}

/* The verified sessions, packed for msrp_exchange. */
static unsigned chatting(const struct sessions *ss, gnutls_session_t *s, int *fds)
{
	unsigned n = 0;
	for (unsigned i = 0; i < ss->n; i++)
		if (ss->verified[i])
			s[n] = ss->s[i], fds[n++] = ss->tls[i];
	return n;
}

/* ---- the processes meet at files in BENCH_BARRIER: WHAT.PID holding two counts ---- */
static void mark(const char *what, unsigned a, unsigned b)
{
	const char *dir = getenv("BENCH_BARRIER");
	if (!dir)
		return;
	char *path = g_strdup_printf("%s/%s.%d", dir, what, (int)getpid());
	char *text = g_strdup_printf("%u %u\n", a, b);
	g_file_set_contents(path, text, -1, NULL); /* written whole, then renamed into place */
	g_free(path), g_free(text);
}

/* Waits until count processes have marked what, at most until until; their counts summed into sum. The
 * number of processes that did. */
static unsigned await(const char *what, unsigned count, double until, unsigned sum[2])
{
	const char *dir = getenv("BENCH_BARRIER");
	size_t len = strlen(what);
	unsigned ready = 0;
	for (; dir && wall() < until; usleep(10000)) {
		GDir *d = g_dir_open(dir, 0, NULL);
		ready = 0, sum[0] = sum[1] = 0;
		for (const char *f; d && (f = g_dir_read_name(d));) {
			char *text = NULL, *path = NULL;
			/* WHAT.PID only: g_file_set_contents's temporary file is WHAT.PID.XXXXXX */
			if (strncmp(f, what, len) || f[len] != '.' ||
			    strspn(f + len + 1, "0123456789") != strlen(f + len + 1))
				continue;
			path = g_build_filename(dir, f, NULL);
			unsigned a = 0, b = 0;
			if (g_file_get_contents(path, &text, NULL, NULL) &&
			    sscanf(text, "%u %u", &a, &b) == 2)
				ready++, sum[0] += a, sum[1] += b;
			g_free(text), g_free(path);
		}
		if (d)
			g_dir_close(d);
		if (ready >= count)
			break;
	}
	return ready;
}

/* ---- the two roles ---- */
static void print_figures(const char *name, unsigned open, double hs, double kib,
			  const struct msrp_figures *f)
{
	printf("%s %u %.0f %.1f ", name, open, hs, kib);
	msrp_print("msrp", f);
}

/* Chats on the verified sessions, when its cap (BENCH_MSRP_SECONDS, as relay_msrp.c reads it) ends
 * before the deadline: a chat into the BYEs would count their closes as its failures. */
static void chat(const struct sessions *ss, struct msrp_figures *f)
{
	*f = (struct msrp_figures){ 0 };
	gnutls_session_t *s = g_new(gnutls_session_t, ss->n + 1);
	int *fds = g_new(int, ss->n + 1);
	unsigned n = chatting(ss, s, fds);
	const char *cap_s = getenv("BENCH_MSRP_SECONDS");
	double cap = cap_s ? atof(cap_s) : 60;
	if (wall() + cap < deadline)
		msrp_exchange(0, pool_cpu, s, fds, n, f);
	else
		fprintf(stderr,
			"held_tls: no chat: %.0f s left before the first BYE, a chat may take %.0f "
			"(BENCH_HELD_TLS_SECONDS, BENCH_MSRP_SECONDS)\n",
			deadline - wall(), cap);
	g_free(s), g_free(fds);
}

static void base(struct sessions *ss, unsigned rest)
{
	double t[7];
	t[0] = wall();
	long rss0 = pool_rss();
	double c0 = pool_cpu(0);
	run_all(ss, false);
	double hs_base = pool_cpu(0) - c0;
	t[1] = wall();
	run_all(ss, true);
	usleep(300000); /* the gateways settle */
	long rss1 = pool_rss();
	pthread_t th;
	pthread_create(&th, NULL, sink, ss);
	struct msrp_figures fb, fs;
	t[2] = wall();
	chat(ss, &fb);
	t[3] = wall();
	/* the others open theirs; the pool's CPU over that, then their probes */
	unsigned opened[2] = { 0 }, checked[2] = { 0 };
	double c2 = pool_cpu(0);
	mark("based", ss->opened, ss->checked);
	unsigned got = rest ? await("opened", rest, deadline, opened) : 0;
	double hs_scale = pool_cpu(0) - c2;
	t[4] = wall();
	mark("probe", 0, 0);
	if (rest)
		await("verified", rest, deadline, checked);
	usleep(300000);
	long rss2 = pool_rss();
	t[5] = wall();
	chat(ss, &fs);
	t[6] = wall();
	sink_stop = 1;
	pthread_join(th, NULL);
	if (got < rest)
		fprintf(stderr, "held_tls: %u of %u clients opened their sessions by the deadline\n", got,
			rest);
	unsigned all = ss->opened + opened[0];
	fb.open = ss->opened, fs.open = all;
	print_figures("base", ss->opened, hs_base > 0 ? ss->opened / hs_base : 0,
		      ss->opened ? (double)(rss1 - rss0) / ss->opened : 0, &fb);
	print_figures("scale", all, hs_scale > 0 ? opened[0] / hs_scale : 0,
		      all ? (double)(rss2 - rss0) / all : 0, &fs);
	printf("seconds %.1f %.1f %.1f %.1f %.1f %.1f\n", t[1] - t[0], t[2] - t[1], t[3] - t[2], t[4] - t[3],
	       t[5] - t[4], t[6] - t[5]);
	fflush(stdout);
}

static void rest(struct sessions *ss)
{
	unsigned none[2];
	await("based", 1, deadline, none);
	run_all(ss, false);
	mark("opened", ss->opened, ss->failed);
	await("probe", 1, deadline, none);
	run_all(ss, true);
	mark("verified", ss->checked, ss->wrong);
}

/* Reads fd to its end: true once the peer has closed it (FIN or RST). */
static bool ended(int fd)
{
	static char buf[4096];
	for (int i = 0; i < 64; i++) {
		ssize_t k = recv(fd, buf, sizeof buf, 0);
		if (k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR))
			return true;
		if (k < 0)
			return false;
	}
	return false;
}

/* Waits, until end, for the gateways to close every session opened (the BYE's Subtract): both of its
 * connections read to their end. The count of sessions closed so; *early, those closed before the
 * deadline (no BYE had come). */
static unsigned closed_by_gateway(struct sessions *ss, double end, unsigned *early)
{
	int ep = epoll_create1(0);
	unsigned open = 0, closed = 0;
	unsigned char *ends = g_new0(unsigned char, ss->n + 1);
	for (unsigned i = 0; i < ss->n; i++) {
		if (ss->s[i])
			gnutls_deinit(ss->s[i]); /* the descriptors stay: the gateway ends the session */
		ss->s[i] = NULL;
		for (unsigned side = 0; side < 2 && ss->tls[i] >= 0; side++) {
			int fd = side ? ss->plain[i] : ss->tls[i];
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
			epoll_ctl(
			    ep, EPOLL_CTL_ADD, fd,
			    &(struct epoll_event){ EPOLLIN | EPOLLRDHUP, { .u64 = 2 * (uint64_t)i + side } });
		}
		open += ss->tls[i] >= 0;
	}
	while (closed < open && wall() < end) {
		struct epoll_event evs[256];
		int n = epoll_wait(ep, evs, 256, 100);
		for (int e = 0; e < n; e++) {
			unsigned i = (unsigned)(evs[e].data.u64 / 2), side = (unsigned)(evs[e].data.u64 % 2);
			int *fd = side ? &ss->plain[i] : &ss->tls[i];
			if (!ended(*fd))
				continue;
			epoll_ctl(ep, EPOLL_CTL_DEL, *fd, NULL);
			close(*fd);
			*fd = -1;
			if (++ends[i] == 2)
				closed++, *early += wall() < deadline;
		}
	}
	for (unsigned i = 0; i < ss->n; i++) {
		if (ss->tls[i] >= 0)
			close(ss->tls[i]);
		if (ss->plain[i] >= 0)
			close(ss->plain[i]);
	}
	close(ep);
	g_free(ends);
	return closed;
}

int main(int argc, char **argv)
{
	bool is_base = argc == 5 && !strcmp(argv[1], "base");
	if (argc != 5 || (!is_base && strcmp(argv[1], "rest"))) {
		fprintf(stderr, "usage: held_tls base|rest UE-CERT UE-KEY LIST\n");
		return 2;
	}
	ev_fd_limit_raise();
	pool_read();
	deadline = env_time("BENCH_HELD_DEADLINE", wall() + 60);
	double end = env_time("BENCH_HELD_END", deadline + 60);
	char *err = NULL;
	struct sessions ss = { 0 };
	if (!tls_identity_init(&ue, argv[2], argv[3], "bench", &err) || !load(argv[4], &ss)) {
		fprintf(stderr, "held_tls: %s\n", err ? err : "cannot read the list of calls");
		g_free(err);
		return 2;
	}
	if (is_base)
		base(&ss, getenv("BENCH_BARRIER_COUNT") ? (unsigned)atoi(getenv("BENCH_BARRIER_COUNT")) : 0);
	else
		rest(&ss);
	unsigned early = 0, closed = closed_by_gateway(&ss, end, &early);
	printf("sessions %s %u %u %u %u %u\n", argv[1], ss.n, ss.opened, ss.checked, closed, early);
	tls_identity_clear(&ue);
	g_free(ss.calls), g_free(ss.s), g_free(ss.tls), g_free(ss.plain), g_free(ss.verified);
	return 0;
}
