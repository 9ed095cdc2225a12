/* SPDX-License-Identifier: GPL-3.0-or-later */
/* daemon: signals and systemd notifications for both daemons (see daemon.h). */
#include "config.h"
#include "daemon.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#if HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "log.h"

static struct {
	const struct cfg_program *prog;
	int argc;
	char **argv;
	void *cfg; /* the running configuration */
	size_t size;
	struct cfg_common *common;
	bool (*complete)(void *cfg, char **err);
} self;

bool daemon_init(const struct cfg_program *prog, int argc, char **argv, void *cfg, size_t cfg_size,
		 struct cfg_common *common, bool (*complete)(void *cfg, char **err), char **err)
{
	self.prog = prog, self.argc = argc, self.argv = argv, self.cfg = cfg, self.size = cfg_size;
	self.common = common, self.complete = complete;
	return !*common->log_file || log_open_file(common->log_file, err);
}

void daemon_done(void)
{
	log_close_file();
	self.prog = NULL;
}

/* The configuration read again as at start; NULL (the reason logged) when it no longer reads. */
static void *reread(void)
{
	void *fresh = g_malloc0(self.size);
	char *text = NULL;
	size_t len = 0;
	FILE *msg = open_memstream(&text, &len);
	enum cfg_outcome got = cfg_from_args(self.prog, self.argc, self.argv, fresh, msg, msg);
	fclose(msg);
	char *why = NULL;
	if (got == CFG_RUN && self.complete && !self.complete(fresh, &why)) {
		log_err("main", NULL, "SIGHUP: configuration not reloaded, the running one is kept: %s", why);
		g_free(why);
		got = CFG_FAIL;
	} else if (got != CFG_RUN) {
		g_strchomp(text);
		log_err("main", NULL, "SIGHUP: configuration not reloaded, the running one is kept: %s", text);
	}
	if (got != CFG_RUN) {
		cfg_free(self.prog->options, fresh);
		g_free(fresh);
		fresh = NULL;
	}
	free(text);
	return fresh;
}

static struct cfg_common *common_of(void *cfg)
{
	return (struct cfg_common *)((char *)cfg + ((char *)self.common - (char *)self.cfg));
}

/* log.level applied; anything else that changed is left for the next start, and said so. */
static void reload(void)
{
	void *fresh = reread();
	if (!fresh)
		return;
	int was = self.common->log_level, now = common_of(fresh)->log_level;
	common_of(fresh)->log_level = was;
	char *a = cfg_to_json(self.prog->options, self.cfg), *b = cfg_to_json(self.prog->options, fresh);
	bool others = strcmp(a, b) != 0;
	g_free(a), g_free(b);
	cfg_free(self.prog->options, fresh);
	g_free(fresh);
	/* said at the more verbose of the two levels, so a change either way is seen */
	log_set_level((enum log_level)(now > was ? now : was));
	if (now != was)
		log_notice("main", NULL, "SIGHUP: configuration reloaded: log.level %s (was %s)",
			   log_level_names[now], log_level_names[was]);
	else
		log_notice("main", NULL, "SIGHUP: configuration reloaded: log.level %s (unchanged)",
			   log_level_names[now]);
	if (others)
		log_warn("main", NULL, "SIGHUP: other settings changed in the configuration: they take effect at "
				       "the next start (only log.level is reloaded)");
	self.common->log_level = now;
	log_set_level((enum log_level)now);
}

static void notify(const char *what);

void daemon_hup(struct trace *trace)
{
	notify("RELOADING=1");
	char *err = NULL;
	const char *log = log_file();
	if (log && !log_reopen(&err))
		log_err("main", NULL, "SIGHUP: %s; still writing to the old one", err);
	else if (log)
		log_notice("main", NULL, "SIGHUP: log file %s reopened", log);
	g_free(err), err = NULL;
	if (trace && !trace_reopen(trace, &err))
		log_err("main", NULL, "SIGHUP: %s; still writing to the old one", err);
	else if (trace)
		log_notice("main", NULL, "SIGHUP: trace file %s reopened", trace_path(trace));
	g_free(err);
	reload();
	notify("READY=1");
}

const char *daemon_signal_name(int signo)
{
	static char name[32];
	const char *abbrev = sigabbrev_np(signo);
	if (abbrev)
		snprintf(name, sizeof name, "SIG%s", abbrev);
	else
		snprintf(name, sizeof name, "signal %d", signo);
	return name;
}

void daemon_ignored(int signo)
{
	log_notice("main", NULL, "received %s: ignored", daemon_signal_name(signo));
}

#if HAVE_SYSTEMD
static void notify(const char *what)
{
	int rc = sd_notify(0, what);
	if (rc < 0)
		log_warn("main", NULL, "cannot tell systemd %s: %s", what, g_strerror(-rc));
}
#else
static void notify(const char *what)
{
}
#endif

void daemon_ready(const char *status)
{
	char *what = g_strdup_printf("READY=1\nSTATUS=%s", status);
	notify(what);
	g_free(what);
}

void daemon_stopping(void)
{
	notify("STOPPING=1");
}

unsigned daemon_watchdog_ms(void)
{
#if HAVE_SYSTEMD
	uint64_t usec = 0;
	if (sd_watchdog_enabled(0, &usec) > 0 && usec)
		return (unsigned)(usec / 2000 ? usec / 2000 : 1);
#endif
	return 0;
}

void daemon_watchdog(void)
{
	notify("WATCHDOG=1");
}
