/* SPDX-License-Identifier: GPL-3.0-or-later */
/* log: GLib structured logging with the component and the ids (call, context, termination) that every
 * line of mediasec carries, so a reader can follow one call or one context through the logs. */
#ifndef MEDIASEC_LOG_H
#define MEDIASEC_LOG_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* What a log line is about; any field may be NULL/0 when it does not apply. */
struct log_ids {
	const char *call; /* SIP Call-ID (ims-alg) */
	const char *ctx;  /* H.248 context id as text */
	const char *term; /* H.248 termination id */
};

enum log_level { LOG_ERROR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG };

/* Level names as config and command line take them ("error" … "debug"); NULL-terminated. */
extern const char *const log_level_names[];

/* program: the binary's name at the start of each line; level: lines above it are dropped. */
void log_init(const char *program, enum log_level level);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Lines go to path (appended to, created 0640) instead of stderr from now on. False and *err set
 * when it cannot be opened (lines stay where they were). */
bool log_open_file(const char *path, char **err);
/* Opens the log file again by its name (after a rotation renamed it) and closes the old one; the old
 * one stays in use when the name cannot be opened. True without a log file. */
bool log_reopen(char **err);
/* The log file's name, NULL for stderr. */
const char *log_file(void);
void log_close_file(void);

/* GnuTLS's own messages through our format (component "gnutls"), asked for at a level that follows
 * ours (log_set_level): its debugging only at our debug. */
void log_route_gnutls(void);

/* One line: "<time> <program> <LEVEL> <component> [call=… ctx=… term=…] <message>". */
void log_msg(enum log_level level, const char *component, const struct log_ids *ids, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

/* What a stranger can make us log many times over: counted, and logged for the first and then once per
 * LOG_EVERY with the count, so a flood neither fills the disk nor hides what it was. A line reads
 * "<what> <message> (<note>; further ones logged once per 100)". */
enum { LOG_EVERY = 100 };
struct log_counter {
	const char *component, *what; /* "sip", "refused, not registered:" */
	const char *note;             /* what was done about it ("answered nothing"), or NULL */
	uint64_t count;
};
void log_counted(struct log_counter *c, const struct log_ids *ids, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

#define log_err(comp, ids, ...)    log_msg(LOG_ERROR, comp, ids, __VA_ARGS__)
#define log_warn(comp, ids, ...)   log_msg(LOG_WARNING, comp, ids, __VA_ARGS__)
#define log_notice(comp, ids, ...) log_msg(LOG_NOTICE, comp, ids, __VA_ARGS__)
#define log_info(comp, ids, ...)   log_msg(LOG_INFO, comp, ids, __VA_ARGS__)
#define log_debug(comp, ids, ...)  log_msg(LOG_DEBUG, comp, ids, __VA_ARGS__)

#endif
