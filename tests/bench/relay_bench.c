/* SPDX-License-Identifier: GPL-3.0-or-later */
/* relay_bench: TLS->TCP relays compared on one machine, in one run, with the same client and sink.
 *   relay_bench agw UE-CERT UE-KEY SESSIONS         ims-agw, provisioned over H.248 by this program
 *   relay_bench ext NAME PID TLS-PORT SINK-PORT UE-CERT UE-KEY SESSIONS   an already running relay
 * Prints one line: NAME throughput_gbps handshakes_per_s kib_per_idle_session [h248_cycles_per_s].
 * Throughput: one TLS connection carries BENCH_MIB (default 1024) MiB to the sink. Handshakes and memory:
 * SESSIONS TLS connections are opened one after another (each handshake complete, the relay asking for
 * and checking the client certificate) and held idle; the relay's RSS growth is divided by their number.
 * Every loop is bounded in count and in time. */
#include <errno.h>
#include <glib.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rig.h"
#include "tlspeer.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long rss_kib(int pid)
{
	char path[64], *text = NULL;
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	long kib = -1;
	if (g_file_get_contents(path, &text, NULL, NULL) && strstr(text, "VmRSS:"))
		kib = strtol(strstr(text, "VmRSS:") + 6, NULL, 10);
	g_free(text);
	return kib;
}

/* ---- the sink: accepts everything on its port and counts the bytes ---- */
static int sink_l;
static volatile size_t sink_bytes;
static volatile int sink_stop;

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
					struct epoll_event e = { .events = EPOLLIN, .data.fd = fd };
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
				}
				continue;
			}
			ssize_t k = recv(evs[i].data.fd, buf, sizeof buf, 0);
			if (k > 0)
				__atomic_add_fetch(&sink_bytes, (size_t)k, __ATOMIC_RELAXED);
			else if (k == 0 || (errno != EAGAIN && errno != EINTR))
				close(evs[i].data.fd);
		}
	}
	close(ep);
	return NULL;
}

/* ---- TLS client ---- */
static struct tls_identity ue;

static gnutls_session_t dial(uint16_t port, int *fd)
{
	bool connected;
	*fd = tcp_connect_from(0, port, 3000, &connected);
	if (!connected) {
		close(*fd);
		return NULL;
	}
	char why[160];
	gnutls_session_t s = tlspeer_handshake(*fd, true, &ue, NULL, 5000, why);
	if (!s)
		fprintf(stderr, "relay_bench: handshake on %u: %s\n", port, why);
	return s;
}

static double throughput(uint16_t port)
{
	size_t total = (size_t)(getenv("BENCH_MIB") ? atoi(getenv("BENCH_MIB")) : 1024) << 20;
	int fd;
	gnutls_session_t s = dial(port, &fd);
	if (!s)
		return 0;
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
	tlspeer_close(s, fd);
	return sink_bytes - base >= total ? (double)total * 8 / secs / 1e9 : 0;
}

/* Opens n sessions on ports[i] (or one port), holds them, and measures the rate and the relay's memory. */
static void sessions(int pid, const uint16_t *ports, uint16_t port, unsigned n, double *rate, double *kib)
{
	gnutls_session_t *s = g_new0(gnutls_session_t, n);
	int *fds = g_new0(int, n);
	long before = rss_kib(pid);
	double t0 = now();
	unsigned open = 0;
	for (unsigned i = 0; i < n && now() - t0 < 120; i++, open++)
		if (!(s[i] = dial(ports ? ports[i] : port, &fds[i])))
			break;
	*rate = open / (now() - t0);
	usleep(300000); /* let the relay settle */
	*kib = open ? (double)(rss_kib(pid) - before) / open : 0;
	for (unsigned i = 0; i < open; i++)
		tlspeer_close(s[i], fds[i]);
	g_free(s), g_free(fds);
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

int main(int argc, char **argv)
{
	bool agw = argc == 5 && !strcmp(argv[1], "agw"), ext = argc == 9 && !strcmp(argv[1], "ext");
	if (!agw && !ext) {
		fprintf(stderr,
			"usage: relay_bench agw UE-CERT UE-KEY SESSIONS\n"
			"       relay_bench ext NAME PID TLS-PORT SINK-PORT UE-CERT UE-KEY SESSIONS\n");
		return 2;
	}
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	char *err = NULL;
	const char *cert = argv[agw ? 2 : 6], *key = argv[agw ? 3 : 7];
	unsigned n = (unsigned)atoi(argv[agw ? 4 : 8]);
	if (!tls_identity_init(&ue, cert, key, "bench", &err)) {
		fprintf(stderr, "relay_bench: %s\n", err);
		return 2;
	}
	uint16_t sink_port = ext ? (uint16_t)atoi(argv[5]) : 0;
	sink_l = tcp_listen(&sink_port);
	pthread_t th;
	pthread_create(&th, NULL, sink, NULL);
	double gbps, rate, kib, cycles = 0;
	if (ext) {
		int pid = atoi(argv[3]);
		uint16_t port = (uint16_t)atoi(argv[4]);
		gbps = throughput(port);
		sessions(pid, NULL, port, n, &rate, &kib);
		printf("%s %.2f %.0f %.1f\n", argv[2], gbps, rate, kib);
	} else {
		rig = rig_start((const char *const[]){ "--realm-access-ports", "10000-19999",
						       "--realm-core-ports", "20000-29999",
						       "--leg-connect-timeout", "10000", NULL });
		if (!rig)
			return 1;
		cycles = h248_cycles();
		unsigned ctx;
		gbps = throughput(provision(sink_port, &ctx));
		uint16_t *ports = g_new0(uint16_t, n);
		for (unsigned i = 0; i < n; i++)
			ports[i] = provision(sink_port, &ctx);
		sessions(rig_pid(rig), ports, 0, n, &rate, &kib);
		printf("ims-agw %.2f %.0f %.1f %.0f\n", gbps, rate, kib, cycles);
		g_free(ports);
		rig_stop(rig);
	}
	sink_stop = 1;
	pthread_join(th, NULL);
	tls_identity_clear(&ue);
	return 0;
}
