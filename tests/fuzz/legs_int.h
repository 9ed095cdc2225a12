/* SPDX-License-Identifier: GPL-3.0-or-later */
/* legs_int: what fuzz_legs.c (the target: its records, the gateway it wires) and fuzz_legs_oracle.c
 * (the oracles) share: the target's connections and its state for one input. Internal to the target. */
#ifndef MEDIASEC_FUZZ_LEGS_INT_H
#define MEDIASEC_FUZZ_LEGS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "agw_cfg.h"
#include "assoc.h"
#include "h248seq.h"
#include "mg.h"
#include "sockaddr.h"

enum {
	PEER_PORT = 42064, /* the admitted UDP peers: 42064-42067 */
	NPEERS = 4,
	STRANGER_PORT = 42068,
	LISTEN_PORT = 42070, /* where active legs connect */
	BIND_LOW = 42064,    /* a connection comes from its Remote's port when in [BIND_LOW, BIND_HIGH] */
	BIND_HIGH = 42079,
	MAX_CONNS = 8,
	RECORD_MS = 20,
	INPUT_MS = 40,
	LEG_TIMER_MS = 10,
};

struct conn {
	int fd;
	char term[24];          /* the termination it was made for, or accepted from */
	union sa local, remote; /* ours, and the leg's end */
	GByteArray *sent, *got;
	bool forbidden;   /* from the stranger to a leg that must refuse it, no transaction since */
	bool attached;    /* seen as a leg's connection */
	bool tainted;     /* its leg's partner or transport changed: the relay check no longer applies */
	char pair[2][32]; /* its leg and the partner (leg_name), as last seen */
};

struct fuzz_legs {
	struct seq s;
	struct h248_mg *assoc;
	struct agw_store *store;
	struct agw_mg *mg;
	struct legs *legs;
	bool source_filter;
	struct conn conns[MAX_CONNS];
	GHashTable *admitted, *forbidden; /* datagram payloads (GBytes) the target sent: admissible, not */
	GHashTable *dtls_ports;           /* ports whose leg ran DTLS: what came from them is not checked */
	uint64_t forbidden_count;
	int64_t ran_us; /* event loop time of the input so far */
};

extern union sa gw_host; /* the realms' address, 127.A.B.5 */

bool same_host(const union sa *a, const union sa *b);

/* The oracles (fuzz_legs_oracle.c). */
void observe(struct fuzz_legs *f);
void check_relay(struct fuzz_legs *f);
void check_datagram(struct fuzz_legs *f, const void *data, size_t n);
void check_relayed(struct fuzz_legs *f, const union sa *src, const void *data, size_t n);

#endif
