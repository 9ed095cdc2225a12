/* SPDX-License-Identifier: GPL-3.0-or-later */
/* daemon: what an operator and systemd do to a running daemon, shared by ims-agw and ims-alg.
 * - SIGHUP (daemon_hup): the log and trace files are opened again by their names (after logrotate
 *   renamed them) and the configuration is read again from the same file and flags; of it only what can
 *   change safely at run time is applied (log.level), a change to anything else is logged as waiting for
 *   the next start.
 * - SIGUSR1, SIGUSR2 (daemon_ignored): logged and ignored; SIGPIPE is ignored without a word.
 * - systemd (sd_notify, when built with libsystemd): READY=1 once serving, STOPPING=1 when stopping,
 *   WATCHDOG=1 every half WATCHDOG_USEC from the event loop (so a stuck loop is restarted). Without
 *   libsystemd, or when not started by systemd (no NOTIFY_SOCKET), these do nothing. */
#ifndef MEDIASEC_DAEMON_H
#define MEDIASEC_DAEMON_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "trace.h"

/* What daemon_hup reads again: the program, its command line and its running configuration (a struct of
 * cfg_size bytes with a `struct cfg_common common` in it); complete, when not NULL, does to a configuration
 * read again what main did to the running one after cfg_main (reading key files), so the two compare.
 * Opens common->log_file when set: false and *err set when it cannot. */
bool daemon_init(const struct cfg_program *prog, int argc, char **argv, void *cfg, size_t cfg_size,
		 struct cfg_common *common, bool (*complete)(void *cfg, char **err), char **err);

/* The SIGHUP work, logging each step; trace is the daemon's (NULL for none). */
void daemon_hup(struct trace *trace);

/* "received SIGUSR1: ignored" */
void daemon_ignored(int signo);

/* "SIGUSR1" for SIGUSR1 (a static string). */
const char *daemon_signal_name(int signo);

/* systemd notifications (no-ops without libsystemd or NOTIFY_SOCKET). status: a line for `systemctl
 * status`. */
void daemon_ready(const char *status);
void daemon_stopping(void);
/* Half the watchdog interval systemd asked for, in ms; 0 when it asked for none. */
unsigned daemon_watchdog_ms(void);
void daemon_watchdog(void);

/* The files and state daemon_init took. */
void daemon_done(void);

#endif
