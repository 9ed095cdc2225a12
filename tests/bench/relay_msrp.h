/* SPDX-License-Identifier: GPL-3.0-or-later */
/* relay_msrp: relay_bench's MSRP phase, chat-sized traffic through a TLS->TCP relay. Each open TLS
 * session sends RFC 4975 SEND requests (text/plain bodies of 200 to 1024 bytes, sizes spread evenly and
 * deterministically) one at a time, each after the 200 OK of the one before; the sink, behind the
 * relay, answers each SEND with its transaction response "MSRP <tid> 200 OK" (To-Path: the request's
 * From-Path, From-Path: the first URI of its To-Path, RFC 4975 §7.2), which crosses the relay back.
 * Figures: round trips per relay CPU-second (its CPU time from just before the first SEND to just after
 * the last 200 OK), per wall second, and the round-trip latency p50/p99. Bounded by
 * BENCH_MSRP_MESSAGES per session (default 100) and BENCH_MSRP_SECONDS (default 60). */
#ifndef MEDIASEC_BENCH_RELAY_MSRP_H
#define MEDIASEC_BENCH_RELAY_MSRP_H

#include <stdbool.h>
#include <stddef.h>

#include <gnutls/gnutls.h>

struct msrp_figures {
	double per_cpu, rate, busy; /* round trips per relay CPU-second, per second; relay CPU share */
	double p50_ms, p99_ms;      /* round-trip latency, SEND written to its 200 OK read */
	double request_bytes;       /* mean size of a SEND on the wire (TLS payload) */
	unsigned done, wanted;      /* round trips answered, asked for */
	double hs_per_cpu;          /* the sessions' handshakes per relay CPU-second (relay_bench's part) */
	double kib;                 /* the relay's resident KiB per open session, 0: not read */
	unsigned open;              /* sessions open (relay_bench's part) */
	double kernel_us, user_us;  /* the relay's CPU per round trip in the kernel and in user space; 0:
				     * not read (a pool) */
};

/* The sink's side, called by its one thread: the bytes read on a connection; answers every complete
 * SEND on fd. False when the stream is not MSRP or the answer cannot be written (the caller closes fd and
 * calls msrp_sink_forget). */
bool msrp_sink_feed(int fd, const char *data, size_t len);
void msrp_sink_forget(int fd);

/* Runs the exchange on n open TLS sessions (blocking sockets; nonblocking during the exchange) through
 * the relay process pid, whose CPU seconds relay_cpu reads; for a pid above 0, that CPU time is also
 * split into kernel and user space (the share of each in /proc/PID/stat over the window). */
void msrp_exchange(int pid, double (*relay_cpu)(int pid), gnutls_session_t *s, const int *fds, unsigned n,
		   struct msrp_figures *f);
/* One line: NAME round_trips_per_relay_cpu_s round_trips_per_s relay_cpu_busy p50_ms p99_ms
 * mean_send_bytes answered/asked handshakes_per_relay_cpu_s kib_per_session sessions_open
 * kernel_us_per_round_trip user_us_per_round_trip. */
void msrp_print(const char *name, const struct msrp_figures *f);

#endif
