/* SPDX-License-Identifier: GPL-3.0-or-later */
/* trace: a JSON-lines record of every protocol event (SIP, H.248, TCP, TLS), one object per line:
 *   {"ts":"2026-11-21T11:42:00.123456Z","component":"ims-agw","kind":"h248.rx",
 *    "ids":{"ctx":"1","term":"ac/1"},"from":"127.0.0.1:2945","to":"127.0.0.1:2944",
 *    "summary":"Transaction 7: Add","raw":"MEGACO/3 ..."}
 * The lab merges the traces of all parties on the "ts" axis to draw the ladder diagram.
 * Raw bytes that are not UTF-8 are written base64-encoded as "raw_b64" instead of "raw". */
#ifndef MEDIASEC_TRACE_H
#define MEDIASEC_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "trace_kinds.h"

struct trace;

struct trace_event {
	enum trace_kind kind;                /* written as its name in trace_kinds.h's table */
	const char *call, *ctx, *term, *tid; /* ids; NULL when not applicable */
	const char *from, *to;               /* "addr:port" endpoints; NULL when not applicable */
	const char *summary;                 /* one human line */
	unsigned ago_ms;                     /* it happened this long before now (known only later) */
	const struct timespec *at;           /* it happened then (CLOCK_REALTIME); NULL: now */
	const char *raw;                     /* the message as on the wire; NULL for none */
	size_t raw_len;
};

/* Opens (appends to) path, created readable and writable by its owner only (0600). Returns NULL and
 * sets *err on failure. */
struct trace *trace_open(const char *path, const char *component, char **err);

/* The value of every `name = value` in the raw text of what is traced from now on is written as
 * "<psk>": a secret that must not reach a file (tlsbsc/psk, the pre-shared key an MRFC hands its MRFP). */
void trace_secret(struct trace *t, const char *name);

/* Writes one line and flushes it. A NULL trace is a disabled trace: nothing happens. */
void trace_emit(struct trace *t, const struct trace_event *ev);

/* Opens the file again by its name (after a rotation renamed it) and closes the old one, which stays in
 * use when the name cannot be opened (false, *err set). A NULL trace: true, nothing done. */
bool trace_reopen(struct trace *t, char **err);
/* The file's name; NULL for a NULL trace. */
const char *trace_path(const struct trace *t);

void trace_close(struct trace *t);

#endif
