/* SPDX-License-Identifier: GPL-3.0-or-later */
/* log: formats GLib structured log records into one readable line each on stderr or in the log file.
 * Our own lines go through g_log_structured with MEDIASEC_* fields; lines from GLib itself or from
 * libraries using g_log are formatted the same way with component "glib", GnuTLS's with "gnutls". */
#include "config.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *const log_level_names[] = { "error", "warning", "notice", "info", "debug", NULL };

static const char *const level_tags[] = { "ERROR", "WARN", "NOTICE", "INFO", "DEBUG" };

static struct {
	const char *program;
	enum log_level level;
	FILE *out;  /* the log file; NULL: stderr */
	char *path; /* its name, for log_reopen */
} state = { "mediasec", LOG_NOTICE, NULL, NULL };

static enum log_level level_of_glib(GLogLevelFlags flags)
{
	if (flags & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
		return LOG_ERROR;
	if (flags & G_LOG_LEVEL_WARNING)
		return LOG_WARNING;
	if (flags & G_LOG_LEVEL_MESSAGE)
		return LOG_NOTICE;
	if (flags & G_LOG_LEVEL_INFO)
		return LOG_INFO;
	return LOG_DEBUG;
}

static GLogLevelFlags glib_of_level(enum log_level level)
{
	static const GLogLevelFlags map[] = { G_LOG_LEVEL_CRITICAL, G_LOG_LEVEL_WARNING, G_LOG_LEVEL_MESSAGE,
					      G_LOG_LEVEL_INFO, G_LOG_LEVEL_DEBUG };
	return map[level];
}

static void append_field(GString *line, const char *name, const char *value)
{
	if (value && *value)
		g_string_append_printf(line, "%s=%s ", name, value);
}

static GLogWriterOutput writer(GLogLevelFlags flags, const GLogField *fields, gsize n, gpointer data)
{
	enum log_level level = level_of_glib(flags);
	if (level > state.level)
		return G_LOG_WRITER_HANDLED;

	const char *message = NULL, *component = "glib", *call = NULL, *ctx = NULL, *term = NULL;
	for (gsize i = 0; i < n; i++) {
		const char *k = fields[i].key, *v = fields[i].value;
		if (fields[i].length >= 0 && strcmp(k, "MESSAGE") != 0)
			continue; /* binary fields: none of ours */
		if (!strcmp(k, "MESSAGE"))
			message = v;
		else if (!strcmp(k, "MEDIASEC_COMPONENT"))
			component = v;
		else if (!strcmp(k, "MEDIASEC_CALL"))
			call = v;
		else if (!strcmp(k, "MEDIASEC_CTX"))
			ctx = v;
		else if (!strcmp(k, "MEDIASEC_TERM"))
			term = v;
	}

	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char stamp[32];
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);

	GString *line = g_string_sized_new(160);
	g_string_append_printf(line, "%s.%03ldZ %s %s %s ", stamp, ts.tv_nsec / 1000000, state.program,
			       level_tags[level], component);
	append_field(line, "call", call);
	append_field(line, "ctx", ctx);
	append_field(line, "term", term);
	g_string_append(line, message ? message : "(no message)");
	g_string_append_c(line, '\n');
	FILE *out = state.out ? state.out : stderr;
	fputs(line->str, out);
	fflush(out);
	g_string_free(line, TRUE);
	return G_LOG_WRITER_HANDLED;
}

void log_init(const char *program, enum log_level level)
{
	state.program = program;
	state.level = level;
	g_log_set_writer_func(writer, NULL, NULL);
}

/* GnuTLS's own messages: its level 1 are the few worth a notice, the rest (2 and up: handshake steps,
 * record layer, assertions) are debugging; it is asked for more than level 1 only at our debug level. */
static void gnutls_line(int level, const char *msg)
{
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		n--;
	log_msg(level <= 1 ? LOG_NOTICE : LOG_DEBUG, "gnutls", NULL, "%.*s", (int)n, msg);
}

static void gnutls_audit(gnutls_session_t session, const char *msg)
{
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		n--;
	log_msg(LOG_WARNING, "gnutls", NULL, "%.*s", (int)n, msg);
}

static void gnutls_level(enum log_level level)
{
	gnutls_global_set_log_level(level >= LOG_DEBUG ? 4 : 1);
}

static bool gnutls_routed;

void log_route_gnutls(void)
{
	gnutls_routed = true;
	gnutls_global_set_log_function(gnutls_line);
	gnutls_global_set_audit_log_function(gnutls_audit);
	gnutls_level(state.level);
}

void log_set_level(enum log_level level)
{
	state.level = level;
	if (gnutls_routed)
		gnutls_level(level);
}

static FILE *open_log(const char *path, char **err)
{
	/* owner and group: a log names callers and addresses */
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;
	if (!f) {
		*err = g_strdup_printf("%s: cannot open the log file: %s", path, g_strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return f;
}

bool log_open_file(const char *path, char **err)
{
	FILE *f = open_log(path, err);
	if (!f)
		return false;
	log_close_file();
	state.out = f;
	state.path = g_strdup(path);
	return true;
}

bool log_reopen(char **err)
{
	if (!state.path)
		return true;
	FILE *f = open_log(state.path, err);
	if (!f)
		return false; /* the old file stays in use: a full disk or a removed directory loses nothing */
	fclose(state.out);
	state.out = f;
	return true;
}

const char *log_file(void)
{
	return state.path;
}

void log_close_file(void)
{
	if (state.out)
		fclose(state.out);
	state.out = NULL;
	g_free(state.path);
	state.path = NULL;
}

enum log_level log_get_level(void)
{
	return state.level;
}

void log_msg(enum log_level level, const char *component, const struct log_ids *ids, const char *fmt, ...)
{
	if (level > state.level)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *message = g_strdup_vprintf(fmt, ap);
	va_end(ap);

	static const struct log_ids none;
	if (!ids)
		ids = &none;
	const GLogField fields[] = {
		{ "MESSAGE", message, -1 },
		{ "PRIORITY", "6", -1 },
		{ "MEDIASEC_COMPONENT", component, -1 },
		{ "MEDIASEC_CALL", ids->call ? ids->call : "", -1 },
		{ "MEDIASEC_CTX", ids->ctx ? ids->ctx : "", -1 },
		{ "MEDIASEC_TERM", ids->term ? ids->term : "", -1 },
	};
	g_log_structured_array(glib_of_level(level), fields, G_N_ELEMENTS(fields));
	g_free(message);
}

void log_counted(struct log_counter *c, const struct log_ids *ids, const char *fmt, ...)
{
	uint64_t n = ++c->count;
	if (n != 1 && n % LOG_EVERY)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	const char *sep = c->note ? "; " : "";
	if (n == 1)
		log_warn(c->component, ids, "%s %s (%s%sfurther ones logged once per %u)", c->what, msg,
			 c->note ? c->note : "", sep, LOG_EVERY);
	else
		log_warn(c->component, ids, "%s %s (%s%s%" G_GUINT64_FORMAT " in all, %u not logged)", c->what,
			 msg, c->note ? c->note : "", sep, n, LOG_EVERY - 1);
	g_free(msg);
}
