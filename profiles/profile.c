/* SPDX-License-Identifier: GPL-3.0-or-later */
/* profile: the rows (see profile.h, and doc/conformance.md for the clause behind each). */
#include "config.h"
#include "profile.h"

#include <glib.h>
#include <string.h>

const char *const profile_names[] = { "iq", "ix", "mp", NULL };

/* Iq (TS 23.334 §5.16-5.19, §6.2.10; TS 29.334 §5.14): TCP with and without TLS for MSRP and BFCP, UDP
 * and DTLS for T.38; the IMS-AGW terminates (D)TLS toward the UE (e2ae). */
static const char *const iq_bearers[] = { "TCP",          "TCP/MSRP", "TCP/BFCP", "TCP/TLS", "TCP/TLS/MSRP",
					  "TCP/TLS/BFCP", "UDP",      "UDP/DTLS", NULL };
static const enum wire_ie iq_ies[] = {
	WIRE_TCP_UP,
	WIRE_TCP_FAIL,
	WIRE_TCP_REL,
	WIRE_TLS_EST,
	WIRE_TLS_UP,
	WIRE_TLS_FAIL,
	WIRE_REALM,
	WIRE_SAF,
	WIRE_SPF,
	WIRE_LATCH,
	WIRE_HEARTBEAT,
	WIRE_HEARTBEAT_TIMER,
	WIRE_OCTETS_SENT,
	WIRE_OCTETS_RECEIVED,
	WIRE_DURATION,
	WIRE_PACKETS_SENT,
	WIRE_PACKETS_RECEIVED,
	WIRE_DSCP, /* ds, a mandatory package of the Iq profile (TS 29.334 §5.14) */
	/* tman (H.248.53), mandatory too: policing of what a termination receives, with the policer's
	 * statistic (tmanr, the same Recommendation's statistics package) */
	WIRE_TMAN_POL,
	WIRE_TMAN_SDR,
	WIRE_TMAN_MBS,
	WIRE_TMAN_PDR,
	WIRE_TMAN_DVT,
	WIRE_TMAN_DROPPED,
	WIRE_RTCP_ALLOC, /* rtcph (H.248.57), mandatory: accepted and audited, no RTCP is carried */
	WIRE_COUNT,
};

/* Ix (TS 29.162, TS 29.238; digest §3.9 [U]): the TrGW relays TCP and UDP and never touches TLS; MSRP and
 * BFCP over TLS cross end to end, the IBCF rewriting only c= and m=; TCP bearer control, source
 * filtering and latching as on Iq. */
static const char *const ix_bearers[] = { "TCP", "TCP/MSRP", "TCP/BFCP", "UDP", NULL };
static const enum wire_ie ix_ies[] = {
	WIRE_TCP_UP,
	WIRE_TCP_FAIL,
	WIRE_TCP_REL,
	WIRE_REALM,
	WIRE_SAF,
	WIRE_SPF,
	WIRE_LATCH,
	WIRE_HEARTBEAT,
	WIRE_HEARTBEAT_TIMER,
	WIRE_OCTETS_SENT,
	WIRE_OCTETS_RECEIVED,
	WIRE_DURATION,
	WIRE_PACKETS_SENT,
	WIRE_PACKETS_RECEIVED,
	WIRE_COUNT,
};

/* Mp (TS 23.333 §6.2.19, §6.2.20; TS 29.333): the MRFP terminates TLS for MSRP and BFCP as the conference
 * server, with certificate fingerprints or a pre-shared key (KMS), and starts TCP as the MRFC asks;
 * no T.38 over DTLS. Behind TLS it is the conference's MSRP switch and BFCP floor control server. */
static const char *const mp_bearers[] = { "TCP",          "TCP/MSRP",     "TCP/BFCP", "TCP/TLS",
					  "TCP/TLS/MSRP", "TCP/TLS/BFCP", NULL };
static const enum wire_ie mp_ies[] = {
	WIRE_TCP_UP,    WIRE_TCP_FAIL,        WIRE_TCP_REL,          WIRE_TLS_EST,
	WIRE_TLS_UP,    WIRE_TLS_FAIL,        WIRE_TLS_PSK,          WIRE_REALM,
	WIRE_HEARTBEAT, WIRE_HEARTBEAT_TIMER, WIRE_OCTETS_SENT,      WIRE_OCTETS_RECEIVED,
	WIRE_DURATION,  WIRE_PACKETS_SENT,    WIRE_PACKETS_RECEIVED, WIRE_COUNT,
};

static const struct profile profiles[] = {
	{ .name = "iq",
	  .interface = "Iq",
	  .specs = "TS 23.334 / TS 29.334",
	  .controller = "IMS-ALG",
	  .gateway = "IMS-AGW",
	  .h248 = "mediasec-Iq/1",
	  .bearers = iq_bearers,
	  .ies = iq_ies,
	  .inactivity = true,
	  .e2ae = true,
	  .registered_ues = true,
	  .terms_per_context = 2 },
	{ .name = "ix",
	  .interface = "Ix",
	  .specs = "TS 29.162 / TS 29.238",
	  .controller = "IBCF",
	  .gateway = "TrGW",
	  .h248 = "mediasec-Ix/1",
	  .bearers = ix_bearers,
	  .ies = ix_ies,
	  .e2ae = false,
	  .terms_per_context = 2 },
	{ .name = "mp",
	  .interface = "Mp",
	  .specs = "TS 23.333 / TS 29.333",
	  .controller = "MRFC",
	  .gateway = "MRFP",
	  .h248 = "mediasec-Mp/1",
	  .bearers = mp_bearers,
	  .ies = mp_ies,
	  .e2ae = true,
	  .focus = true,
	  .terms_per_context = 16 },
};

const struct profile *profile_at(int index)
{
	return index >= 0 && (size_t)index < G_N_ELEMENTS(profiles) ? &profiles[index] : &profiles[0];
}

bool profile_allows_bearer(const struct profile *p, const struct tp_bearer *b)
{
	for (const char *const *t = p->bearers; b && *t; t++)
		if (!strcmp(*t, b->token))
			return true;
	return false;
}

bool profile_allows_ie(const struct profile *p, enum wire_ie ie)
{
	for (const enum wire_ie *i = p->ies; *i != WIRE_COUNT; i++)
		if (*i == ie)
			return true;
	return false;
}

char **profile_packages(const struct profile *p, const struct wire_names *w)
{
	GPtrArray *out = g_ptr_array_new();
	g_ptr_array_add(out, g_strdup_printf("root-%u", wire_package_version("root")));
	for (const enum wire_ie *ie = p->ies; *ie != WIRE_COUNT; ie++) {
		const char *name = w->text[*ie], *slash = strchr(name, '/');
		char *pkg = g_strndup(name, slash ? (size_t)(slash - name) : strlen(name));
		char *entry = g_strdup_printf("%s-%u", pkg, wire_package_version(pkg));
		bool seen = false;
		for (unsigned i = 0; i < out->len && !seen; i++)
			seen = !strcmp(out->pdata[i], entry);
		if (seen)
			g_free(entry);
		else
			g_ptr_array_add(out, entry);
		g_free(pkg);
	}
	if (p->inactivity)
		g_ptr_array_add(out, g_strdup_printf("it-%u", wire_package_version("it")));
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}
