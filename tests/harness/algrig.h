/* SPDX-License-Identifier: GPL-3.0-or-later */
/* algrig: a real ims-alg and, when asked, a real ims-agw registered to it, on free loopback ports, for
 * the controller's integration tests; and readers of the H.248 the ALG's trace file recorded. */
#ifndef MEDIASEC_TEST_ALGRIG_H
#define MEDIASEC_TEST_ALGRIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "payload.h"

struct algrig {
	pid_t alg, agw;
	uint16_t access, core, h248; /* the ALG's SIP access and core ports, its H.248 port */
	uint16_t agw_h248;           /* the gateway's H.248 port (its mId is [127.0.0.1]:agw_h248) */
	char *trace;                 /* the ALG's trace file */
};

struct algrig_opts {
	uint16_t next_hop;        /* the core's SIP port on 127.0.0.1 */
	bool tcp;                 /* the next hop over TCP */
	const char *const *alg;   /* more ims-alg flags (NULL-terminated), or NULL */
	const char *const *agw;   /* more ims-agw flags, likewise */
	const char *access_ports; /* the gateway's realm port ranges; NULL: no gateway */
	const char *core_ports;
};

/* Starts them and waits until the gateway's ServiceChange was answered. False (stopped) on failure. */
bool algrig_start(struct algrig *r, const struct algrig_opts *o);
/* Stops both: true when both exited cleanly. Keeps the trace when RIG_KEEP is set. */
bool algrig_stop(struct algrig *r);

/* The trace file's size now: where the next test's records start. */
long algrig_mark(const struct algrig *r);
/* The H.248 requests the ALG sent (rx: the requests and replies it received) from byte `from` of its trace
 * on, transaction ids written "N", the periodic audit, the registration (its ServiceChange, Packages
 * audit and it/ito on ROOT, which may come after the rig started) and the transport's repetitions
 * (a message again, its transaction id the same) left out (g_free it). */
char *algrig_h248(const struct algrig *r, long from, bool rx);
/* algrig_h248's requests once they show needle, or after ms (bounded: what follows an answer may come
 * a little after it) (g_free it). */
char *algrig_h248_once_shown(const struct algrig *r, long from, const char *needle, unsigned ms);
/* seed_h248 of a seed 004 template (tests/h248/seed004/) for an MSRP line through r: the ALG's mId port,
 * the media and its plain and TLS transports and the UE's certificate fingerprint given, then pairs, the
 * call's own (ports, context, terminations), NULL-terminated (g_free it). */
char *algrig_msrp_h248(const struct algrig *r, const char *name, const char *ue_fingerprint,
		       const char *const *pairs);
/* The record of a request of the ALG's subtracting term from context ctx, as algrig_h248 writes it
 * (g_free it). */
char *algrig_subtract_text(const struct algrig *r, const char *ctx, const char *term);

struct sippeer;
/* A UE at p sends REGISTER as user to port with this Security-Client (NULL: none). */
void algrig_send_register(struct sippeer *p, uint16_t port, const char *user, const char *security_client);
/* A UE at p registers as user at r's access side, with the msrp-tls and bfcp-tls mediasec mechanisms
 * or none; true on 200. */
bool algrig_register(const struct algrig *r, struct sippeer *p, const char *user, bool mediasec);

/* An SDP body from user with one line of m on port: TLS or not, a=setup, a=fingerprint and a=3ge2ae as
 * given (NULL: none) (g_free it). */
char *algrig_sdp(const char *user, const struct payload *m, unsigned port, bool tls, const char *setup,
		 const char *fingerprint, const char *e2ae);
/* The same as the ALG passes it on where the gateway takes the line: the gateway's address (127.0.0.1)
 * as a media-level c= after m= (g_free it). */
char *algrig_sdp_via_gw(const char *user, const struct payload *m, unsigned port, bool tls, const char *setup,
			const char *fingerprint, const char *e2ae);

#endif
