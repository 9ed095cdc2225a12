/* SPDX-License-Identifier: GPL-3.0-or-later */
/* profile: the Iq, Ix and Mp profiles (TS 29.334, TS 29.238, TS 29.333), as tables both binaries load.
 * Each says which transports its gateway carries, which of the wire profile's information elements
 * (wire.h) it uses, whether its gateway terminates (D)TLS, what the controller decides for a media line,
 * and the names it goes by. The binaries ask the table; nothing else knows which profile allows what.
 * Readings that could not be checked against the stage-3 texts are listed in doc/placeholders.md. */
#ifndef MEDIASEC_PROFILE_H
#define MEDIASEC_PROFILE_H

#include <stdbool.h>

#include "transport.h"
#include "wire.h"

struct profile {
	const char *name;           /* "iq": the --profile value */
	const char *interface;      /* "Iq" */
	const char *specs;          /* "TS 23.334 / TS 29.334" */
	const char *controller;     /* "IMS-ALG" */
	const char *gateway;        /* "IMS-AGW" */
	const char *h248;           /* the Profile announced at registration: "mediasec-Iq/1" */
	const char *const *bearers; /* the gateway's transports (tp_bearer tokens), NULL-terminated */
	const enum wire_ie *ies;    /* the information elements used, ending with WIRE_COUNT */
	bool e2ae;                  /* the controller may have the gateway terminate (D)TLS toward a UE */
	/* The access side is UEs that register with the controller (the P-CSCF, TS 24.229 §5.2.6.3):
	 * initial requests from an address with no registration are refused before any H.248. */
	bool registered_ues;
	/* The gateway is the conference server (the MRFP of TS 23.333): a termination whose transport names
	 * MSRP or BFCP ends that protocol at the gateway, each termination of a context is a participant,
	 * and a context holds up to terms_per_context of them. Otherwise a context is a relay of two. */
	bool focus;
	unsigned terms_per_context;
	/* The gateway offers H.248.14's inactivity timer on ROOT (package it, 0x0045: an optional package of
	 * the profile, TS 29.334 §5.14) for the MGC to set; it is announced in the Packages descriptor. */
	bool inactivity;
};

/* "iq", "ix", "mp", NULL-terminated: the values of the profile option, in table order. */
extern const char *const profile_names[];

/* By index into profile_names (a CFG_ENUM value). */
const struct profile *profile_at(int index);
bool profile_allows_bearer(const struct profile *p, const struct tp_bearer *b);
bool profile_allows_ie(const struct profile *p, enum wire_ie ie);
/* The Packages descriptor of a gateway under p: "root-2", then the package of each information element
 * the profile uses, by its name in w ("tcpbcc/up" -> "tcpbcc-1"), each once, in the table's order, and
 * "it-1" when the profile offers the inactivity timer. A NULL-terminated array; g_strfreev it. */
char **profile_packages(const struct profile *p, const struct wire_names *w);

#endif
