/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sofialog: sofia-sip's logs through ours (see sofialog.h).
 * sofia-sip hands its logger a format and arguments but not the message's level, and its levels do not
 * say much (su_source_port_create()'s pointer is a level 1 "critical" message): so the level of a line
 * is the band sofia was asked for, from ours. At notice and above sofia-sip says only what is fatal (as
 * an error); what it meets on the way (a port in use, a peer gone) our own lines report with the cause.
 * At info it says its errors and their detail (sofia levels up to 3), at debug its protocol and
 * transport steps (up to 7).
 * Some of its lines come once per packet a stranger sends ("nta_agent: received garbage from
 * udp/192.0.2.7:5060"): at info, lines that differ only in their numbers (addresses, ports, ids) are
 * one kind: its first line as sofia-sip said it, then one per 100 with the count (log_counted). */
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

/* The kinds of line met so far: the text with each run of digits (and hex digits around them) as '#'
 * -> struct log_counter. At most MAX_KINDS; lines of any further kind share one counter. */
enum { MAX_KINDS = 256 };
static GHashTable *kinds;
static struct log_counter *other_kind;

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

/* "received garbage from udp/127.0.0.1:5060" -> "received garbage from udp/#.#.#.#:#", with the
 * component in front: lines that differ only in their numbers are one kind. */
static char *kind_of(const struct sofia_log *l, const char *text, size_t len)
{
	GString *k = g_string_new(l->name);
	g_string_append_c(k, ' ');
	for (size_t i = 0; i < len;) {
		size_t j = i, digits = 0;
		while (j < len && g_ascii_isxdigit(text[j]))
			digits += g_ascii_isdigit(text[j++]) != 0;
		if (digits) {
			g_string_append_c(k, '#');
			i = j;
		} else {
			g_string_append_len(k, text + i, (gssize)MAX(j - i, 1));
			i = MAX(j, i + 1);
		}
	}
	return g_string_free(k, FALSE);
}

static struct log_counter *counter_of(const struct sofia_log *l, const char *text, size_t len)
{
	if (!kinds)
		kinds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	char *kind = kind_of(l, text, len);
	struct log_counter *c = g_hash_table_lookup(kinds, kind);
	if (c) {
		g_free(kind);
		return c;
	}
	if (g_hash_table_size(kinds) >= MAX_KINDS) {
		g_free(kind);
		if (!other_kind) {
			other_kind = g_new0(struct log_counter, 1);
			*other_kind = (struct log_counter){
				.component = "sofia", .what = "sofia-sip:", .note = "lines of many kinds"
			};
		}
		return other_kind;
	}
	c = g_new0(struct log_counter, 1);
	*c = (struct log_counter){ .component = l->name, .what = "sofia-sip:" };
	g_hash_table_insert(kinds, kind, c);
	return c;
}

static void emit(struct sofia_log *l, const char *text, size_t len)
{
	while (len && (text[len - 1] == '\r' || text[len - 1] == ' '))
		len--;
	if (!len)
		return;
	enum log_level level = log_get_level();
	/* at debug every line is asked for; above info only what is fatal comes */
	struct log_counter *c = level == LOG_INFO ? counter_of(l, text, len) : NULL;
	if (c && c->count) /* a kind met before: one per 100 with the count */
		log_counted(c, NULL, "%.*s", (int)len, text);
	else
		log_msg(bands[level].as, l->name, NULL, "%.*s", (int)len, text);
	if (c && !c->count)
		c->count = 1;
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
	if (kinds)
		g_hash_table_destroy(kinds);
	kinds = NULL;
	g_free(other_kind);
	other_kind = NULL;
}
