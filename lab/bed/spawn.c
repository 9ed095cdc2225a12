/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bed/spawn: see bed.h. */
#include "config.h"
#include "bed.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* In the child, before exec: what o asks of its environment. */
static void prepare(const struct bed_child *o)
{
	if (o->log) {
		int fd = open(o->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0)
			dup2(fd, STDERR_FILENO);
	}
	if (o->keylog)
		setenv("SSLKEYLOGFILE", o->keylog, 1);
	if (o->quarantine_mb) {
		const char *asan = getenv("ASAN_OPTIONS");
		char *opts = g_strdup_printf("%s%squarantine_size_mb=%u", asan ? asan : "",
					     asan && *asan ? ":" : "", o->quarantine_mb);
		setenv("ASAN_OPTIONS", opts, 1);
	}
	if (o->cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(o->cpu, &set);
		sched_setaffinity(0, sizeof set, &set);
	}
}

static void run_valgrind(char *const *argv)
{
	GPtrArray *vg = g_ptr_array_new();
	const char *pre[] = { "valgrind", "-q", "--leak-check=full", "--errors-for-leak-kinds=definite",
			      "--error-exitcode=99" };
	for (size_t i = 0; i < G_N_ELEMENTS(pre); i++)
		g_ptr_array_add(vg, (char *)pre[i]);
	for (char *const *a = argv; *a; a++)
		g_ptr_array_add(vg, *a);
	g_ptr_array_add(vg, NULL);
	execvp("valgrind", (char **)vg->pdata);
}

pid_t bed_spawn(char *const *argv, const struct bed_child *o)
{
	static const struct bed_child none = { .cpu = -1 };
	o = o ? o : &none;
	pid_t parent = getpid(), pid = fork();
	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent) /* the parent ended before the signal was asked for */
		_exit(1);
	prepare(o);
	if (o->valgrind)
		run_valgrind(argv);
	execv(argv[0], argv);
	dprintf(STDERR_FILENO, "%s: cannot run %s: %s\n", program_invocation_short_name, argv[0],
		g_strerror(errno));
	_exit(127);
}

int bed_reap(pid_t pid)
{
	int status = -1;
	if (pid <= 0)
		return 0;
	kill(pid, SIGTERM);
	for (int i = 0; i < 50; i++, g_usleep(100000))
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}
