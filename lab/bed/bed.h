/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bed: what ims-lab and the tests share to set a run up on loopback: its ports (ports.c) and the daemons
 * and programs it starts (spawn.c). */
#ifndef MEDIASEC_BED_H
#define MEDIASEC_BED_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- ports (ports.c) ---- */

/* The band bed_free_ports draws from, "LOW-HIGH" (31000-32767 unless set): at least 64 ports from 1024
 * up. false with why (the caller frees it) when the text is not such a band. */
bool bed_ports_band(const char *text, char **why);
/* The first of n consecutive ports free for both TCP and UDP on 127.0.0.1 now, from the band (by
 * default 31000-32767): below the kernel's ephemeral ports and the fixed bands the shell tests use, so no
 * other program of the test run takes one meanwhile. Each port is also claimed for this process until
 * bed_ports_release (or its end), so that another ims-lab or test running beside (make check runs
 * several) never picks a port ours has still to bind: the gateway binds its realm's ports only when a leg
 * opens, and two runs sharing a range would capture each other's packets. Every port a party or daemon holds
 * is owned by one column of the ladder, so a range must not include a UDP port a party already holds. 0 when
 * none is free. */
uint16_t bed_free_ports(unsigned n);
/* Gives back every port claimed so far (a scenario has ended, its daemons and parties are gone). */
void bed_ports_release(void);

/* ---- processes (spawn.c) ---- */

struct bed_child {
	const char *log;        /* its standard error goes to this file (truncated); NULL: ours */
	const char *keylog;     /* where its GnuTLS writes the TLS secrets (SSLKEYLOGFILE), or NULL */
	unsigned quarantine_mb; /* under ASan: the freed-memory quarantine, so that what the daemon
				 * itself holds stays measurable (0: ASan's default, 256 MB) */
	int cpu;                /* pinned to this CPU when >= 0 (benchmarks pin it like its peers) */
	bool valgrind;          /* under memcheck: a definite leak or a memory error makes it exit 99 */
};

/* argv (NULL-terminated, argv[0] a path) as a child that dies with this process, even when it crashes.
 * o may be NULL. The pid; the child exits 127 when argv[0] cannot run, saying why on its standard error. */
pid_t bed_spawn(char *const *argv, const struct bed_child *o);
/* SIGTERM, then its exit status within 5 s; -1 when it had to be killed or did not exit normally. A pid
 * <= 0 (none) is 0. */
int bed_reap(pid_t pid);

#endif
