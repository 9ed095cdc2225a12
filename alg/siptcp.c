/* SPDX-License-Identifier: GPL-3.0-or-later */
/* siptcp: ims-alg's SIP TCP ports under descriptor exhaustion (issue 26 item 4).
 *
 * sofia-sip's tport accepts until accept fails and then retries at once (the listener stays readable),
 * with no back-off and no limit; and it arms a connection's idle timer only after its first traffic, so
 * a connection that never sends a byte is never closed. A watch every WATCH_MS asks whether the top
 * RESERVE descriptors under the process's limit are taken (the kernel hands out the lowest free one, so
 * the top fills last): while they are, the agents' TCP listeners are stalled (nothing accepted, the
 * connections wait in the kernel's backlog) and the connections no transaction uses are closed
 * (tport_flush), silent ones included; once descriptors are back, the listeners continue.
 *
 * Every SWEEP_MS the same watch also closes the connections sofia-sip stopped reading (a message it could
 * not frame) whose peer has since closed: they would sit in CLOSE-WAIT until sip.tcp_idle (closewait.c). */
#include "config.h"
#include "siptcp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <glib.h>
#include <sofia-sip/nta_tport.h>
#include <sofia-sip/su_wait.h>
#include <sofia-sip/tport.h>
#include <sys/resource.h>
#include <unistd.h>

#include "closewait.h"
#include "log.h"

enum { WATCH_MS = 50, RESERVE = 16, SWEEP_MS = 1000 };

struct siptcp {
	nta_agent_t *agents[SIPTCP_AGENTS];
	unsigned n;
	su_timer_t *timer;
	bool stalled;
	struct log_counter short_fds, half_closed;
	uint64_t stalls;
	struct closewait *cw;
	unsigned ticks;
};

/* Whether every descriptor in [limit - RESERVE, limit) is taken. */
static bool descriptors_short(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur <= 2 * RESERVE)
		return false;
	int fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, (int)(rl.rlim_cur - RESERVE));
	if (fd >= 0) {
		close(fd);
		return false;
	}
	return errno == EMFILE;
}

/* Stall or continue every TCP listener of the agents; while stalled, close what no transaction uses. */
static void apply(struct siptcp *st, bool stall)
{
	for (unsigned i = 0; i < st->n; i++)
		for (tport_t *tp = tport_primaries(nta_agent_tports(st->agents[i])); tp; tp = tport_next(tp)) {
			if (!tport_is_tcp(tp))
				continue;
			if (stall) {
				tport_stall(tp);
				tport_flush(tp);
			} else {
				tport_continue(tp);
			}
		}
}

/* The local ports of the agents' TCP (and TLS) listeners; how many, at most max. */
static unsigned listener_ports(const struct siptcp *st, uint16_t *ports, unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < st->n; i++)
		for (tport_t *tp = tport_primaries(nta_agent_tports(st->agents[i])); tp && n < max; tp = tport_next(tp)) {
			const su_addrinfo_t *ai = tport_get_address(tp);
			if (!tport_is_tcp(tp) || !ai || !ai->ai_addr)
				continue;
			const su_sockaddr_t *su = (const su_sockaddr_t *)ai->ai_addr;
			ports[n++] = ntohs(su->su_port);
		}
	return n;
}

static void sweep_half_closed(struct siptcp *st)
{
	uint16_t ports[16];
	unsigned done = closewait_sweep(st->cw, ports, listener_ports(st, ports, G_N_ELEMENTS(ports)));
	for (unsigned i = 0; i < done; i++)
		log_counted(&st->half_closed, NULL, "SIP TCP: closing a connection its peer closed and that was not read");
}

static void on_watch(su_root_magic_t *magic, su_timer_t *t, su_timer_arg_t *arg)
{
	(void)magic, (void)t;
	struct siptcp *st = arg;
	bool short_now = descriptors_short();
	if (short_now && !st->stalled) {
		st->stalls++;
		log_counted(&st->short_fds, NULL,
			    "SIP TCP: not accepting and closing unused connections until descriptors are free");
	} else if (!short_now && st->stalled) {
		log_info("sip", NULL, "SIP TCP: descriptors free again, accepting");
	}
	if (short_now || st->stalled)
		apply(st, short_now);
	st->stalled = short_now;
	if (st->cw && ++st->ticks % (SWEEP_MS / WATCH_MS) == 0)
		sweep_half_closed(st);
}

struct siptcp *siptcp_new(su_root_t *root, nta_agent_t *const *agents, unsigned n)
{
	struct siptcp *st = g_new0(struct siptcp, 1);
	st->n = MIN(n, (unsigned)SIPTCP_AGENTS);
	for (unsigned i = 0; i < st->n; i++)
		st->agents[i] = agents[i];
	st->short_fds = (struct log_counter){ .component = "sip", .what = "descriptors short:" };
	st->half_closed = (struct log_counter){ .component = "sip", .what = "half-closed:" };
	st->cw = closewait_new();
	if (!st->cw)
		log_warn("sip", NULL, "SIP TCP: cannot open socket diagnostics (%s): connections sofia-sip stopped "
			 "reading stay until sip.tcp_idle after their peer closes", g_strerror(errno));
	st->timer = su_timer_create(su_root_task(root), WATCH_MS);
	if (!st->timer || su_timer_set_for_ever(st->timer, on_watch, st) < 0) {
		log_warn("sip", NULL, "SIP TCP: cannot watch descriptors: %s", g_strerror(errno));
		siptcp_free(st);
		return NULL;
	}
	return st;
}

uint64_t siptcp_stalls(const struct siptcp *st)
{
	return st ? st->stalls : 0;
}

void siptcp_free(struct siptcp *st)
{
	if (!st)
		return;
	if (st->timer)
		su_timer_destroy(st->timer);
	closewait_free(st->cw);
	g_free(st);
}
