/* SPDX-License-Identifier: GPL-3.0-or-later */
/* evlog: the JSON-lines traces of every party of a run (ims-alg's SIP and H.248, ims-agw's TCP and TLS,
 * the lab's own UEs), read as they grow and merged on one time axis. Each event's two ends are resolved
 * to columns of the ladder (a party's name, "alg" or "agw") from the ports each column owns. */
#ifndef MEDIASEC_LAB_EVLOG_H
#define MEDIASEC_LAB_EVLOG_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include <sofia-sip/sip.h>

#include "trace_kinds.h"

struct h248_msg;
struct msdp;

struct lab_event {
	double t; /* seconds since the epoch */
	char *component, *kind, *from, *to, *summary, *ctx, *term;
	enum trace_kind k; /* kind in trace_kinds.h's table; TRACE_KIND_UNKNOWN when not there */
	char *raw; /* the message as on the wire (base64 decoded), NUL-terminated; NULL when none */
	size_t raw_len;
	const char *src, *dst; /* columns; NULL when the address belongs to none */
	char *label;           /* the seed step whose expectation matched it */
	uint64_t taken;        /* parts matched: bit 0 the event, bit 1 + k its k-th H.248 command */
	/* the message read once, on first use (evlog_h248, evlog_sip, evlog_sdp) */
	bool parsed;
	struct h248_msg *h248;
	msg_t *sip;
	struct msdp *sdp;
};

struct evlog;

struct evlog *evlog_new(void);
void evlog_free(struct evlog *l);
void evlog_add_file(struct evlog *l, const char *path);
/* Ports [lo, hi] (on any loopback address) belong to column (a static or long-lived string). */
void evlog_own(struct evlog *l, uint16_t lo, uint16_t hi, const char *column);
/* Reads what the files gained since the last call; events stay sorted by time. */
void evlog_read(struct evlog *l);
/* The events, oldest first (struct lab_event *). */
GPtrArray *evlog_events(const struct evlog *l);
/* An event's message, parsed the first time it is asked for: the H.248 message of an h248.* event,
 * the SIP message of a sip.* event and that message's SDP; NULL when it has none or it is unreadable. */
const struct h248_msg *evlog_h248(struct lab_event *e);
const sip_t *evlog_sip(struct lab_event *e);
const struct msdp *evlog_sdp(struct lab_event *e);
/* The column owning the port of "addr:port", or NULL. */
const char *evlog_column(const struct evlog *l, const char *addr);

#endif
