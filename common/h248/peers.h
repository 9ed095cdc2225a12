/* SPDX-License-Identifier: GPL-3.0-or-later */
/* peers: who may speak H.248 to this entity. The control association is a pairing, not an address:
 * an MG answers only its MGC's address, port and mId; an MGC accepts only the gateways its
 * configuration names (an address or a network, optionally a port and an mId) and binds each one to
 * the address it registered from. Everything else is a stranger: answered nothing, counted, and logged
 * at a bounded rate (one line for the first, then one per H248_REFUSAL_EVERY with the count
 * suppressed), so that neither daemon reflects traffic nor floods its log.
 *
 * An allow entry is written [MID@]ADDRESS[/PREFIX][:PORT]:
 *   "127.0.0.1"                       that host, any port, any mId
 *   "10.1.0.0/16"                     a network
 *   "127.0.0.1:2944"                  that address and port
 *   "[::1]:2944", "2001:db8::/32"     IPv6 (brackets when a port follows)
 *   "[10.0.0.7]:2944@10.0.0.7:2944"   only that mId, from that address and port
 * The mId is read by the codec's own rules and compared in its canonical form (h248_mid_key). */
#ifndef MEDIASEC_H248_PEERS_H
#define MEDIASEC_H248_PEERS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "link.h"
#include "log.h"
#include "msg.h"

struct h248_allow {
	union sa net;    /* the address or network (port unused) */
	unsigned prefix; /* bits of net that must match: 32 or 128 for one host */
	uint16_t port;   /* 0: any */
	char *mid;       /* canonical mId (h248_mid_key), NULL: any */
};

/* Reads one entry; false with *err (g_free it) naming what is wrong. Free e->mid with g_free. */
bool h248_allow_parse(const char *text, struct h248_allow *e, char **err);
/* Does e allow from (and mid, when not NULL)? */
bool h248_allow_match(const struct h248_allow *e, const union sa *from, const char *mid);
/* Any entry of the NULL-terminated-by-count list allows it. */
bool h248_allow_any(const struct h248_allow *list, unsigned n, const union sa *from, const char *mid);

/* The mId as one text to compare and show: "[127.0.0.1]:2944", "[::1]", "<mgc.example>:2944", "MG1",
 * "MTP{0A1B}"; IP and domain text lower-cased (g_free it). */
char *h248_mid_key(const struct h248_mid *m);

/* The same peer: the same TCP connection, or UDP from the same address and port. */
bool h248_from_equal(const struct h248_from *a, const struct h248_from *b);

/* A counter of refused H.248 of one kind (log_counted's): what starts each line, then the source. */
#define H248_REFUSALS(what_) \
	((struct log_counter){ .component = "h248", .what = (what_), .note = "answered nothing" })
/* Counts one; logs (warning) the first and every LOG_EVERY-th, with how many were not logged:
 * "<what> <source>: <why> (answered nothing; …)". */
void h248_refused(struct log_counter *c, const union sa *from, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

#endif
