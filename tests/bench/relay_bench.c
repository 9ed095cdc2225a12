/* SPDX-License-Identifier: GPL-3.0-or-later */
/* relay_bench: TLS->TCP relays compared on one machine, in one run, with the same client and sink.
 *   relay_bench agw UE-CERT UE-KEY SESSIONS         ims-agw, provisioned over H.248 by this program
 *   relay_bench ext NAME PID TLS-PORT SINK-PORT UE-CERT UE-KEY SESSIONS   an already running relay
 *     (SINK-PORT "-": a TLS server that relays nothing, tls_sink: no throughput, printed "-")
 *   relay_bench msrp-agw … / msrp-ext …   (same arguments) the MSRP phase instead (relay_msrp.h), on a
 *     fresh relay: SESSIONS sessions opened, then chat-sized MSRP round trips through them; prints
 *     the line of msrp_print
 * Prints one line: NAME gbit_per_s|- handshakes_per_relay_cpu_s handshakes_per_s relay_cpu_busy
 * kib_per_idle_session h248_cycles_per_s|- suite bulk_start bulk_end (CLOCK_MONOTONIC seconds). Every client offers one suite only (BENCH_PRIORITY).
 * Sessions first, on a fresh relay: its RSS is read before the first connection (for ims-agw before the
 * first H.248 Add, so contexts and terminations are counted), then SESSIONS TLS connections are opened
 * by BENCH_CLIENTS (default 8) threads at once (each handshake complete, the relay asking for and checking
 * the client certificate) and held idle; the relay's CPU time over that phase gives the handshakes
 * per relay CPU-second, its RSS growth over their number the memory per idle session. Then throughput:
 * one TLS connection carries BENCH_MIB (default 1024) MiB to the sink. Every loop is bounded in count
 * and in time. */
#include <errno.h>
#include <glib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "evloop.h"
#include "relay_msrp.h"
#include "rig.h"
#include "tlspeer.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the sink: accepts everything on its port and counts the bytes; in the MSRP phase it also
 * answers every SEND (relay_msrp.c) ---- */
static int sink_l;
static volatile size_t sink_bytes;
static volatile int sink_stop;
static bool sink_msrp;

static void sink_close(int fd)
{
	if (sink_msrp)
		msrp_sink_forget(fd);
	close(fd);
}

static void *sink(void *arg)
{
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = sink_l };
	epoll_ctl(ep, EPOLL_CTL_ADD, sink_l, &ev);
	static char buf[1 << 18];
	while (!sink_stop) {
		struct epoll_event evs[64];
		int n = epoll_wait(ep, evs, 64, 100);
		for (int i = 0; i < n; i++) {
			if (evs[i].data.fd == sink_l) {
				int fd = accept4(sink_l, NULL, NULL, SOCK_NONBLOCK);
				if (fd >= 0) {
					int one = 1;
					if (sink_msrp)
						setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
					struct epoll_event e = { .events = EPOLLIN, .data.fd = fd };
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
				}
				continue;
			}
			ssize_t k = recv(evs[i].data.fd, buf, sizeof buf, 0);
			if (k > 0) {
				__atomic_add_fetch(&sink_bytes, (size_t)k, __ATOMIC_RELAXED);
				if (sink_msrp && !msrp_sink_feed(evs[i].data.fd, buf, (size_t)k))
					sink_close(evs[i].data.fd);
			} else if (k == 0 || (errno != EAGAIN && errno != EINTR))
				sink_close(evs[i].data.fd);
		}
	}
	close(ep);
	return NULL;
}

/* ---- TLS client ---- */
static struct tls_identity ue;

/* The one suite every relay is offered: TLS 1.3, AES-128-GCM (TLS_AES_128_GCM_SHA256), X25519. */
static const char *priority(void)
{
	const char *p = getenv("BENCH_PRIORITY");
	return p ? p : "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM:-GROUP-ALL:+GROUP-X25519";
}

/* Where the relay's TLS ports are: 127.0.0.1, or for ims-agw BENCH_AGW_ADDRESS (scale.sh gives each
 * gateway of its pool a loopback address of its own, so that their port ranges do not meet). */
static const char *relay_address = "127.0.0.1";

static gnutls_session_t dial(uint16_t port, int *fd)
{
	bool connected;
	*fd = tcp_connect_to(relay_address, port, 3000, &connected);
	char why[160];
	gnutls_session_t s =
	    connected ? tlspeer_handshake_prio(*fd, true, &ue, priority(), NULL, 5000, why) : NULL;
	if (connected && !s)
		fprintf(stderr, "relay_bench: handshake on %u: %s\n", port, why);
	if (!s)
		close(*fd);
	return s;
}

static char suite[160] = "-";
static double bulk_from, bulk_to; /* the bulk stream's first record and last byte (CLOCK_MONOTONIC) */

static double throughput(uint16_t port)
{
	size_t total = (size_t)(getenv("BENCH_MIB") ? atoi(getenv("BENCH_MIB")) : 1024) << 20;
	int fd;
	gnutls_session_t s = port ? dial(port, &fd) : NULL;
	if (!s)
		return 0;
	char *desc = gnutls_session_get_desc(s);
	g_strlcpy(suite, desc, sizeof suite);
	gnutls_free(desc);
	static char chunk[16384];
	memset(chunk, 'x', sizeof chunk);
	size_t base = sink_bytes;
	double t0 = now();
	for (size_t sent = 0; sent < total && now() - t0 < 120;) {
		ssize_t k = gnutls_record_send(s, chunk, sizeof chunk);
		if (k > 0)
			sent += (size_t)k;
		else if (k != GNUTLS_E_AGAIN && k != GNUTLS_E_INTERRUPTED)
			break;
	}
	while (sink_bytes - base < total && now() - t0 < 120)
		usleep(1000);
	double secs = now() - t0;
	bulk_from = t0, bulk_to = t0 + secs;
	tlspeer_close(s, fd);
	return sink_bytes - base >= total ? (double)total * 8 / secs / 1e9 : 0;
}

/* SESSIONS connections opened by BENCH_CLIENTS threads at once, each taking the next index */
struct opening {
	const uint16_t *ports; /* one per session (ims-agw's legs), or NULL: port */
	uint16_t port;
	unsigned n;
	unsigned next, open, failed; /* atomics */
	double t0;
	gnutls_session_t *s;
	int *fds;
};

static void *opener(void *arg)
{
	struct opening *o = arg;
	for (;;) {
		unsigned i = __atomic_fetch_add(&o->next, 1, __ATOMIC_RELAXED);
		if (i >= o->n || now() - o->t0 > 120 || __atomic_load_n(&o->failed, __ATOMIC_RELAXED) > 10)
			return NULL;
		o->s[i] = dial(o->ports ? o->ports[i] : o->port, &o->fds[i]);
		__atomic_add_fetch(o->s[i] ? &o->open : &o->failed, 1, __ATOMIC_RELAXED);
	}
}

struct figures {
	double rate, per_cpu, busy, kib;
};

/* Opens o->n sessions with BENCH_CLIENTS threads at once; the wall-clock seconds it took. */
static double open_all(struct opening *o)
{
	unsigned k = getenv("BENCH_CLIENTS") ? (unsigned)atoi(getenv("BENCH_CLIENTS")) : 8;
	k = k < 1 ? 1 : k > 64 ? 64 : k;
	pthread_t th[64];
	o->t0 = now();
	for (unsigned i = 0; i < k; i++)
		pthread_create(&th[i], NULL, opener, o);
	for (unsigned i = 0; i < k; i++)
		pthread_join(th[i], NULL);
	if (o->failed)
		fprintf(stderr, "relay_bench: %u of %u handshakes failed\n", o->failed, o->n);
	return now() - o->t0;
}

/* Waits, at most 30 s, until the relay has finished with the sessions just closed (less than 10 ms of CPU
 * in 200 ms): a relay with a thread per connection (stunnel) is still ending thousands of them, and the
 * next phase's handshake would time out behind them. */
static void settle(int pid)
{
	for (int i = 0; i < 150; i++) {
		double c0 = rig_pid_cpu_s(pid);
		usleep(200000);
		if (rig_pid_cpu_s(pid) - c0 < 0.01)
			return;
	}
}

/* BENCH_PROFILE (a command, "perf record -g -o FILE" say): run with "-p PID" appended over the handshake
 * window only, and stopped with SIGINT at its end; where the relay's time goes in that phase. For one
 * relay_bench run at a time (relay.sh would have every relay write the same FILE). 0: none. */
static GPid profile_start(int pid)
{
	const char *cmd = getenv("BENCH_PROFILE");
	char *line = cmd ? g_strdup_printf("%s -p %d", cmd, pid) : NULL, **argv = NULL;
	GPid child = 0;
	if (line && g_shell_parse_argv(line, NULL, &argv, NULL) &&
	    g_spawn_async(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
			  &child, NULL))
		usleep(500000); /* perf attaches */
	g_strfreev(argv), g_free(line);
	return child;
}

static void profile_stop(GPid child)
{
	if (child <= 0)
		return;
	kill(child, SIGINT);
	for (int i = 0; i < 100 && waitpid(child, NULL, WNOHANG) == 0; i++) /* 10 s, then killed */
		usleep(100000);
	if (kill(child, SIGKILL) == 0)
		waitpid(child, NULL, 0);
}

/* Opens n sessions, holds them, and measures the relay's CPU time and memory; before: its RSS before
 * anything was set up for them. */
static void sessions(int pid, const uint16_t *ports, uint16_t port, unsigned n, long before, struct figures *f)
{
	struct opening o = { .ports = ports, .port = port, .n = n, .s = g_new0(gnutls_session_t, n),
			     .fds = g_new0(int, n) };
	GPid prof = profile_start(pid);
	double cpu0 = rig_pid_cpu_s(pid), wall = open_all(&o), cpu = rig_pid_cpu_s(pid) - cpu0;
	profile_stop(prof);
	f->rate = o.open / wall;
	f->per_cpu = cpu > 0 ? o.open / cpu : 0;
	f->busy = cpu / wall;
	usleep(300000); /* let the relay settle */
	f->kib = o.open ? (double)(rig_pid_rss_kib(pid) - before) / o.open : 0;
	for (unsigned i = 0; i < n; i++)
		if (o.s[i])
			tlspeer_close(o.s[i], o.fds[i]);
	g_free(o.s), g_free(o.fds);
	settle(pid);
}

/* BENCH_BARRIER=DIR with BENCH_BARRIER_COUNT=K (scale.sh: K processes, each with a gateway of the pool):
 * this process is ready at step what; waits, at most 300 s, until all K are, so that all their sessions
 * are open at once and their exchanges run together. */
static void barrier(const char *what)
{
	const char *dir = getenv("BENCH_BARRIER"), *count = getenv("BENCH_BARRIER_COUNT");
	if (!dir || !count)
		return;
	char *mine = g_strdup_printf("%s/%s.%d", dir, what, (int)getpid());
	g_file_set_contents(mine, "", 0, NULL);
	g_free(mine);
	char *prefix = g_strdup_printf("%s.", what);
	for (int waited = 0; waited < 30000; waited++, usleep(10000)) {
		GDir *d = g_dir_open(dir, 0, NULL);
		unsigned ready = 0;
		for (const char *f; d && (f = g_dir_read_name(d));)
			ready += g_str_has_prefix(f, prefix);
		if (d)
			g_dir_close(d);
		if (ready >= (unsigned)atoi(count))
			break;
	}
	g_free(prefix);
}

/* The MSRP phase: n sessions opened as above (their handshakes per relay CPU-second and the relay's memory
 * per session read, apart from the window), a settle, then the round trips of relay_msrp.c through the
 * sessions that opened. before: the relay's RSS before anything was set up for them. */
static void msrp_phase(const char *name, int pid, const uint16_t *ports, uint16_t port, unsigned n,
		       long before)
{
	struct opening o = { .ports = ports, .port = port, .n = n, .s = g_new0(gnutls_session_t, n),
			     .fds = g_new0(int, n) };
	double cpu0 = rig_pid_cpu_s(pid);
	open_all(&o);
	double hs_cpu = rig_pid_cpu_s(pid) - cpu0;
	usleep(300000); /* let the relay finish connecting to the sink */
	barrier("open");
	unsigned open = 0;
	for (unsigned i = 0; i < n; i++)
		if (o.s[i])
			o.s[open] = o.s[i], o.fds[open++] = o.fds[i];
	struct msrp_figures f;
	long rss = rig_pid_rss_kib(pid);
	/* BENCH_MSRP_ACTIVE: only that many sessions chat, the others stay open and idle (scale.sh) */
	unsigned want = getenv("BENCH_MSRP_ACTIVE") ? (unsigned)atoi(getenv("BENCH_MSRP_ACTIVE")) : n;
	unsigned active = MIN(open, want);
	msrp_exchange(pid, rig_pid_cpu_s, o.s, o.fds, active, &f);
	f.hs_per_cpu = hs_cpu > 0 ? open / hs_cpu : 0;
	f.kib = open && before > 0 ? (double)(rss - before) / open : 0;
	f.open = open;
	if (active)
		f.wanted =
		    f.wanted / active * MIN(n, want); /* a session that did not open: its round trips lost */
	msrp_print(name, &f);
	for (unsigned i = 0; i < open; i++)
		tlspeer_close(o.s[i], o.fds[i]);
	g_free(o.s), g_free(o.fds);
}

/* ---- ims-agw provisioning over H.248 ---- */
static struct rig *rig;

/* One relayed session: access (TLS, passive, the client's fingerprint) and core (TCP, active, the sink). */
static uint16_t provision(uint16_t sink_port, unsigned *ctx)
{
	char *a = rig_requestf(
	    rig,
	    "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access },\n"
	    "Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/TLS *\na=setup:passive\na=fingerprint:$\n},\n"
	    "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message 9 TCP/TLS *\na=fingerprint:%s\n} } } } }",
	    ue.fingerprint);
	unsigned port = rig_local_port(a);
	*ctx = rig_number_after(a, "Context = ");
	char *c =
	    rig_requestf(rig,
			 "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = core },\n"
			 "Local {\nv=0\nc=IN IP4 $\nm=message $ TCP *\na=setup:active\n},\n"
			 "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message %u TCP *\n} } } } }",
			 *ctx, sink_port);
	bool ok = c && !strstr(c, "Error");
	g_free(a), g_free(c);
	return ok ? (uint16_t)port : 0;
}

static double h248_cycles(void)
{
	unsigned n = 0;
	double t0 = now();
	for (; n < 2000 && now() - t0 < 10; n++) {
		unsigned ctx;
		if (!provision(9, &ctx))
			break;
		g_free(rig_requestf(rig,
				    "Context = %u { Modify = * { Media { Stream = 1 { LocalControl { Mode = "
				    "SendReceive } } } } }",
				    ctx));
		g_free(rig_requestf(rig, "Context = %u { Subtract = * { Audit { } } }", ctx));
	}
	return n / (now() - t0);
}

static void print(const char *name, double gbps, const struct figures *f, double cycles)
{
	char c[32] = "-", g[32] = "-";
	if (cycles > 0)
		snprintf(c, sizeof c, "%.0f", cycles);
	if (gbps >= 0)
		snprintf(g, sizeof g, "%.2f", gbps);
	for (char *p = suite; *p; p++)
		if (*p == ' ')
			*p = '_';
	printf("%s %s %.0f %.0f %.2f %.1f %s %s %.6f %.6f\n", name, g, f->per_cpu, f->rate, f->busy, f->kib, c,
	       suite, bulk_from, bulk_to);
}

static int bench_agw(uint16_t sink_port, unsigned n, bool msrp)
{
	char contexts[16], terms[16], buffer[16];
	snprintf(contexts, sizeof contexts, "%u", n + 3000);
	snprintf(terms, sizeof terms, "%u", 2 * n + 6000);
	snprintf(buffer, sizeof buffer, "%s", getenv("BENCH_BUFFER_KIB") ? getenv("BENCH_BUFFER_KIB") : "18");
	if (getenv("BENCH_AGW_ADDRESS"))
		relay_address = getenv("BENCH_AGW_ADDRESS");
	rig = rig_start((const char *const[]){
	    "--realm-access-ports", "10000-19999", "--realm-core-ports", "20000-29999",
	    "--realm-access-address", relay_address, "--realm-core-address", relay_address,
	    "--leg-connect-timeout", "10000", "--h248-max-contexts", contexts, "--h248-max-terminations",
	    terms, "--tls-priority", priority(), "--leg-buffer", buffer, NULL });
	if (!rig)
		return 1;
	rig_ack_replies(rig, true); /* as ims-alg does: the gateway keeps no Reply once it is answered */
	long before = rig_pid_rss_kib(rig_pid(rig)); /* before the first Add: contexts count */
	uint16_t *ports = g_new0(uint16_t, n);
	unsigned ctx;
	for (unsigned i = 0; i < n; i++)
		ports[i] = provision(sink_port, &ctx);
	if (msrp) {
		msrp_phase("ims-agw", rig_pid(rig), ports, 0, n, before);
		g_free(ports);
		rig_stop(rig);
		return 0;
	}
	struct figures f;
	sessions(rig_pid(rig), ports, 0, n, before, &f);
	g_free(ports);
	uint16_t bulk = provision(sink_port, &ctx);
	barrier("bulk");
	double gbps = throughput(bulk);
	/* in a pool (scale.sh) no H.248 load while another gateway's stream may still run */
	print("ims-agw", gbps, &f, getenv("BENCH_BARRIER") ? 0 : h248_cycles());
	rig_stop(rig);
	return 0;
}

int main(int argc, char **argv)
{
	sink_msrp = argc > 1 && !strncmp(argv[1], "msrp-", 5);
	const char *mode = argc > 1 ? argv[1] + (sink_msrp ? 5 : 0) : "";
	bool agw = argc == 5 && !strcmp(mode, "agw"), ext = argc == 9 && !strcmp(mode, "ext");
	if (!agw && !ext) {
		fprintf(stderr,
			"usage: relay_bench [msrp-]agw UE-CERT UE-KEY SESSIONS\n"
			"       relay_bench [msrp-]ext NAME PID TLS-PORT SINK-PORT UE-CERT UE-KEY SESSIONS\n");
		return 2;
	}
	ev_fd_limit_raise();
	char *err = NULL;
	const char *cert = argv[agw ? 2 : 6], *key = argv[agw ? 3 : 7];
	unsigned n = (unsigned)atoi(argv[agw ? 4 : 8]);
	if (!tls_identity_init(&ue, cert, key, "bench", &err)) {
		fprintf(stderr, "relay_bench: %s\n", err);
		return 2;
	}
	uint16_t sink_port = ext ? (uint16_t)atoi(argv[5]) : 0;
	sink_l = tcp_listen(&sink_port);
	/* the rig's backlog of 4 drops SYNs when a relay connects many sessions at once (each retried 1 s,
	 * 3 s … later): the sink takes all of them */
	listen(sink_l, 4096);
	pthread_t th;
	pthread_create(&th, NULL, sink, NULL);
	int rc = 0;
	if (ext) {
		int pid = atoi(argv[3]);
		uint16_t port = (uint16_t)atoi(argv[4]);
		struct figures f;
		if (sink_msrp)
			msrp_phase(argv[2], pid, NULL, port, n, rig_pid_rss_kib(pid));
		else {
			sessions(pid, NULL, port, n, rig_pid_rss_kib(pid), &f);
			/* SINK-PORT "-": a server that relays nothing (tls_sink), sessions only */
			print(argv[2], strcmp(argv[5], "-") ? throughput(port) : -1, &f, 0);
		}
	} else
		rc = bench_agw(sink_port, n, sink_msrp);
	sink_stop = 1;
	pthread_join(th, NULL);
	tls_identity_clear(&ue);
	return rc;
}
