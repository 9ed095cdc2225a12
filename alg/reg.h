/* SPDX-License-Identifier: GPL-3.0-or-later */
/* reg: what registration told the IMS-ALG — per address of record ("user@host") its bindings, each a
 * contact ("host:port" as the key) with the media security mechanisms the UE announced in
 * Security-Client with the "mediasec" parameter (TS 24.229 §5.1.1.2.1, digest §4.1); bindings expire.
 * An AOR once registered stays known without bindings, so a request to it can be told 480 rather than
 * 404 (RFC 3261 §10.3, §16.5). */
#ifndef MEDIASEC_ALG_REG_H
#define MEDIASEC_ALG_REG_H

#include <stdbool.h>
#include <stdint.h>

/* A registration's mechanisms are bits, one per row of profiles/transport.c (reg_mech_bit), below
 * REG_BEHIND_NAT: what the REGISTER showed, it came from another address than its Contact names. */
enum reg_mech { REG_BEHIND_NAT = 1u << 16 };

/* The bit of a mechanism name ("msrp-tls"), 0 for one we do not know. */
unsigned reg_mech_bit(const char *name);
/* "msrp-tls;mediasec, bfcp-tls;mediasec" for the bits set (g_free it); NULL when none. */
char *reg_mech_header(unsigned mechs);
/* "msrp-tls, bfcp-tls" (for people: logs, ims-ctl), "none" for none; g_free it. */
char *reg_mech_names(unsigned mechs);

/* What the registration store knows of an AOR. */
enum reg_state { REG_UNKNOWN, REG_UNBOUND, REG_BOUND };

struct reg;
struct reg *reg_new(void);
void reg_free(struct reg *r);
/* A binding as reg_set takes it: aor bound to contact (the Contact's URI) for expires seconds (0
 * removes the binding); uri where requests for it go; key "host:port"; source and source_port the
 * address and port the REGISTER came from (its Via's received= and rport=). What the core's 200 told of the UE (TS 24.229 §5.2.2.3): route, the Service-Route its
 * requests take (RFC 3608, header text), and identities, its public identities as P-Asserted-Identity
 * text, the default first (RFC 7315 P-Associated-URI, else the REGISTER's To); NULL for none. */
struct reg_entry {
	const char *aor, *contact, *uri, *key, *source, *source_port;
	unsigned mechs, expires;
	const char *route, *identities;
};
/* Binds as e says; a contact bound to another AOR moves here. now: seconds on a monotonic clock. */
void reg_set(struct reg *r, const struct reg_entry *e, uint64_t now);
/* One current binding as reg_all shows it (for ims-ctl). */
struct reg_view {
	const char *aor, *contact, *source; /* source: the address the REGISTER came from */
	unsigned mechs;                     /* enum reg_mech bits */
	unsigned expires;                   /* seconds left */
};
/* Calls fn for every current binding: AORs in name order, each AOR's oldest first. */
void reg_all(struct reg *r, uint64_t now, void (*fn)(const struct reg_view *v, void *arg), void *arg);
/* Whether a current binding was registered from source (an address, no port: a UE's TCP connections
 * come from ports of their own). */
bool reg_from(struct reg *r, const char *source, uint64_t now);
/* Removes every binding of aor (Contact: *, RFC 3261 §10.3 step 6). */
void reg_clear(struct reg *r, const char *aor);
/* By contact key, else by AOR (its newest binding): the URI requests go to (owned by reg) and the
 * mechanisms; false when not registered. */
bool reg_find(struct reg *r, const char *key, uint64_t now, const char **uri, unsigned *mechs);
/* The current binding whose REGISTER came from source and port (the UE's flow, TS 24.229 §5.2.6.3.3:
 * what the UE writes into its request does not choose it): its route and identities (owned by reg;
 * NULL for none); false when there is none. */
bool reg_served(struct reg *r, const char *source, const char *port, uint64_t now, const char **route,
		const char **identities);
/* Whether aor has a current binding, or had one. */
enum reg_state reg_state_of(struct reg *r, const char *aor, uint64_t now);
/* Calls fn for each current binding of aor, oldest first: the contact as registered and the seconds
 * it has left. */
void reg_each(struct reg *r, const char *aor, uint64_t now,
	      void (*fn)(const char *contact, unsigned expires, void *arg), void *arg);

/* Current bindings, over every AOR (the metrics' registrations). */
unsigned reg_bound(struct reg *r, uint64_t now);

#endif
