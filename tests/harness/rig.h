/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rig: drives a real ims-agw from a C test. It starts the binary on free loopback ports, plays its MGC
 * (answers the registration, answers and records Notifies), sends H.248 requests as text and returns
 * the reply as text, and offers blocking TCP helpers with timeouts for the UE and core peers. */
#ifndef MEDIASEC_TEST_RIG_H
#define MEDIASEC_TEST_RIG_H

#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "bed.h" /* bed_free_ports, bed_reap: the test bed ims-lab uses too */

/* text (NULL: "") equals want; when not, both are printed whole under what, so a failed run shows how
 * they differ. A macro, so that CUnit names the caller's line. */
#define ASSERT_TEXT(what, text, want)                                                                       \
	do {                                                                                                \
		const char *t_ = (text), *w_ = (want);                                                      \
		if (strcmp(t_ ? t_ : "", w_))                                                               \
			fprintf(stderr, "\n--- %s: got\n%s\n--- want\n%s\n", (what), t_ ? t_ : "(nothing)", \
				w_);                                                                        \
		CU_ASSERT_STRING_EQUAL(t_ ? t_ : "", w_);                                                   \
	} while (0)

struct rig;

/* Starts ims-agw (top_builddir from the environment) with extra flags (NULL-terminated) and waits for
 * its registration. NULL on failure (the reason on stderr). */
struct rig *rig_start(const char *const *extra);
/* n consecutive ports claimed from the test bed's band, written "lo-hi" into out (a realm's range for
 * --realm-*-ports); false ("") when none are free. */
enum { RIG_BAND_LEN = 16 };
bool rig_band(unsigned n, char out[RIG_BAND_LEN]);
/* Whether every TCP port of band ("lo-hi") is free on 127.0.0.1: nothing listens or is bound there. */
bool rig_band_free(const char *band);
/* A program of this build: top_builddir (from the environment, else ".")/dir/name (g_free it). */
char *rig_binary(const char *dir, const char *name);
/* The daemons' --log-level: "debug" when RIG_LOG is set, else "error". */
const char *rig_log_level(void);
/* Starts argv[0] (a path) with argv (bed_spawn, ended with bed_reap); it is killed when the test dies.
 * With RIG_VALGRIND set it runs under valgrind memcheck, and a definite leak or a memory error makes its
 * exit status 99; with RIG_TASKSET=N it is pinned to CPU N. */
pid_t rig_spawn(char **argv);

/* The gateway's process id. */
int rig_pid(const struct rig *r);
/* The gateway's resident memory now, in KiB (VmRSS). */
long rig_rss_kib(const struct rig *r);
/* Any process's: its resident memory in KiB (VmRSS), -1 when unknown; its CPU time in seconds, all its
 * threads (those that ended included): its CPU-time clock (clock_getcpuclockid: nanoseconds), else utime
 * + stime of /proc/PID/stat (ticks of 10 ms, too coarse for a phase of a tenth of a second), -1. */
long rig_pid_rss_kib(int pid);
double rig_pid_cpu_s(int pid);
/* Its CPU time spent in the kernel (stime of /proc/PID/stat, in ticks of 10 ms: for windows of seconds),
 * in seconds; -1 when unknown. */
double rig_pid_sys_s(int pid);
/* Stops it with SIGTERM; returns its exit status (-1 when it had to be killed). */
int rig_stop(struct rig *r);

/* Sends "MEGACO/3 [127.0.0.1]:2945\n" + body and returns the Reply's text (g_free it), or NULL. */
char *rig_request(struct rig *r, const char *body);
/* From now on (on), or no longer, the Replies received are acknowledged (H.248.1 D.1.1), so that the
 * gateway frees its copy instead of keeping it for LONG-TIMER, as it does behind ims-alg: their ids go in
 * a TransactionResponseAck at the head of the next request's message. Off at the start, for the tests
 * that repeat a transaction and want its Reply again. */
void rig_ack_replies(struct rig *r, bool on);
/* The same from the MGC's socket under another mId: the Reply within ms, or NULL. */
char *rig_request_mid(struct rig *r, const char *mid, const char *body, unsigned ms);
/* The gateway's H.248 port (UDP and TCP on 127.0.0.1). */
uint16_t rig_h248_port(const struct rig *r);
/* As rig_request, for "Transaction = <next id> { <fmt…> }": the gateway executes each transaction id
 * once (H.248.1 Annex D), so every request gets a new one. */
char *rig_requestf(struct rig *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Waits up to ms for a Notify and returns its text with the transaction id and time stamp replaced
 * by "N" and "T" (g_free it), or NULL. */
char *rig_notify(struct rig *r, unsigned ms);
/* The gateway's fingerprint from a reply's Local ("sha-256 AB:…"; "" when none; g_free it). */
char *rig_fingerprint(const char *reply);
/* The m= port of the Local in a reply text (0 when none). */
unsigned rig_local_port(const char *reply);
/* The number right after prefix in text ("Context = ", "Add = ac/"): 0 when absent. */
unsigned rig_number_after(const char *text, const char *prefix);
/* The text after prefix in text up to the end of its line, into out ("" when absent). */
void rig_line_after(const char *text, const char *prefix, char *out, size_t n);
/* The word after the first prefix in text, up to white space or a brace, or "" (g_free it). */
char *rig_word_after(const char *text, const char *prefix);

/* The main() of a CUnit integration program: one suite, verbose, exit 1 on any failure. */
struct rig_test {
	const char *name;
	void (*fn)(void);
};
int rig_cunit_main(const char *suite, int (*init)(void), int (*clean)(void), const struct rig_test *tests);

/* UDP helpers: a socket on addr (port 0: chosen; a 1 MiB receive buffer), connected to 127.0.0.1:to, and
 * one datagram within ms (its length, or -1). */
int udp_socket(const char *addr, uint16_t *port);
void udp_connect(int fd, uint16_t to);
ssize_t udp_recv(int fd, void *buf, size_t n, unsigned ms);

/* TCP helpers: every wait is bounded. */
int tcp_listen(uint16_t *port);       /* on 127.0.0.1, port 0: chosen */
int tcp_accept(int lfd, unsigned ms); /* -1 on timeout */
/* CLOCK_MONOTONIC in ms. */
uint64_t rig_now_ms(void);
int tcp_connect_from(uint16_t from, uint16_t to, unsigned ms, bool *connected); /* nonblocking */
/* The same from addr (a loopback address); from 0: the kernel's port. */
int tcp_connect_at(const char *addr, uint16_t from, uint16_t to, unsigned ms, bool *connected);
/* To addr:to (a loopback address) from the kernel's choice of address and port. */
int tcp_connect_to(const char *addr, uint16_t to, unsigned ms, bool *connected);
bool tcp_wait_connected(int fd, unsigned ms);
/* A TCP proxy triggered: connects to port (a gateway leg listening) and accepts on listener the
 * connection the gateway makes on its other leg. True with both descriptors, else false (closed). */
bool tcp_through(uint16_t port, int listener, int *connected, int *accepted);
/* Sends a_out on a and b_out on b at once while reading what each receives until both peers
 * half-close (shutdown when done) or ms pass; returns false on a timeout or a mismatch. */
bool tcp_exchange(int a, const void *a_out, size_t a_len, int b, const void *b_out, size_t b_len,
		  unsigned ms);
ssize_t tcp_read_all(int fd, void *buf, size_t n, unsigned ms); /* until n bytes, EOF or timeout; or a pipe */
/* Whether fd's peer ended the connection (EOF or reset) within ms, with no byte before. */
bool tcp_ended(int fd, unsigned ms);

#endif
