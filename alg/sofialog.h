/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sofialog: sofia-sip's own log messages (its logs "su", "nta", "tport", "sresolv", ...) through our log
 * format, one line each with the log's name as component, instead of raw lines on stderr. */
#ifndef MEDIASEC_SOFIALOG_H
#define MEDIASEC_SOFIALOG_H

/* Redirects sofia-sip's logs and sets their levels from ours (log_get_level); call again after a
 * change of our level. */
void sofialog_route(void);

/* Writes out what a log holds short of a newline and frees the buffers. */
void sofialog_done(void);

#endif
