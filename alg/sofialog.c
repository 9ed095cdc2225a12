/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sofialog: sofia-sip's logs through ours (see sofialog.h).
 * sofia-sip hands its logger a format and arguments but not the message's level, and its levels do not
 * say much (su_source_port_create()'s pointer is a level 1 "critical" message): so the level of a line
 * is the band sofia was asked for, from ours. At notice and above sofia-sip says only what is fatal (as
 * an error); what it meets on the way (a port in use, a peer gone) our own lines report with the cause.
 * At info it says its errors and their detail (sofia levels up to 3), at debug its protocol and
 * transport steps (up to 7). */
#include "config.h"
#include "sofialog.h"

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sofia-sip/su_log.h>

#include "log.h"

/* The libraries' own logs: exported by libsofia-sip-ua, not all declared in its public headers. */
extern su_log_t nta_log[], tport_log[], sresolv_log[], stun_log[], nua_log[], soa_log[], nea_log[],
    iptsec_log[];

struct sofia_log {
	const char *name; /* our component */
	su_log_t *log;
	GString *line; /* what came short of a newline */
};

static struct sofia_log logs[] = {
	{ "su", su_log_default, NULL },  { "nta", nta_log, NULL },   { "tport", tport_log, NULL },
	{ "sresolv", sresolv_log, NULL }, { "stun", stun_log, NULL }, { "nua", nua_log, NULL },
	{ "soa", soa_log, NULL },         { "nea", nea_log, NULL },   { "iptsec", iptsec_log, NULL },
};

/* Our level -> the highest sofia level asked for, and the level its lines are logged at. */
static const struct {
	unsigned sofia;
	enum log_level as;
} bands[] = {
	[LOG_ERROR] = { 0, LOG_ERROR }, [LOG_WARNING] = { 0, LOG_ERROR }, [LOG_NOTICE] = { 0, LOG_ERROR },
	[LOG_INFO] = { 3, LOG_INFO },   [LOG_DEBUG] = { 7, LOG_DEBUG },
};

static void emit(struct sofia_log *l, const char *text, size_t len)
{
	while (len && (text[len - 1] == '\r' || text[len - 1] == ' '))
		len--;
	if (len)
		log_msg(bands[log_get_level()].as, l->name, NULL, "%.*s", (int)len, text);
}

/* sofia-sip writes a line in one or more calls: whole lines are logged, the rest kept for the next. */
static void logger(void *stream, char const *fmt, va_list ap) G_GNUC_PRINTF(2, 0);
static void logger(void *stream, char const *fmt, va_list ap)
{
	struct sofia_log *l = stream;
	if (!fmt)
		return;
	if (!l->line)
		l->line = g_string_sized_new(128);
	g_string_append_vprintf(l->line, fmt, ap);
	char *nl;
	while ((nl = memchr(l->line->str, '\n', l->line->len))) {
		emit(l, l->line->str, (size_t)(nl - l->line->str));
		g_string_erase(l->line, 0, nl - l->line->str + 1);
	}
}

void sofialog_route(void)
{
	unsigned level = bands[log_get_level()].sofia;
	for (size_t i = 0; i < G_N_ELEMENTS(logs); i++) {
		su_log_redirect(logs[i].log, logger, &logs[i]);
		su_log_set_level(logs[i].log, level);
	}
}

void sofialog_done(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(logs); i++) {
		if (!logs[i].line)
			continue;
		emit(&logs[i], logs[i].line->str, logs[i].line->len);
		g_string_free(logs[i].line, TRUE);
		logs[i].line = NULL;
	}
}
