/* SPDX-License-Identifier: GPL-3.0-or-later */
/* media: the controller's view of a SIP offer or answer — which media lines the gateway carries, how
 * (TS 23.334 §6.2.10.3: e2ae, TLS terminated in the AGW; §6.2.10.3 e2e: transparent TCP), and the SDP
 * rewritten for the other side. SDP is read with sofia-sip's parser; rewriting edits only the lines it
 * was asked to (m=, c=, a=setup, a=fingerprint, a=3ge2ae) and keeps every other byte as it came. */
#ifndef MEDIASEC_ALG_MEDIA_H
#define MEDIASEC_ALG_MEDIA_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "msdp.h"
#include "transport.h"

enum media_mode {
	MEDIA_PASS, /* not ours: RTP and the like, or a disabled line */
	MEDIA_E2E,  /* through the gateway as plain TCP, SDP's TLS attributes untouched */
	MEDIA_E2AE, /* TLS toward the UE terminated in the gateway, plain toward the core */
};

enum { MEDIA_MAX_LINES = 8 };

/* One m= line as written. */
struct media_line {
	char media[16], proto[32];
	unsigned port;
	char addr[64]; /* media-level c=, else session-level */
	enum msdp_setup setup;
	enum tp_app app;
	bool tls;               /* the secure token of its row (TCP/TLS/MSRP, UDP/TLS/UDPTL) */
	char fingerprints[512]; /* every a=fingerprint value, one per line, "\n"-terminated */
	bool requested;         /* a=3ge2ae:requested */
	char path[256];         /* a=path (MSRP, RFC 4975 §8.1), "" without */
};

struct media_sdp {
	unsigned n;
	struct media_line lines[MEDIA_MAX_LINES];
};

/* Reads an SDP body. False with *err (g_free it) when sofia-sip refuses it. */
bool media_read(const char *sdp, size_t len, struct media_sdp *out, char **err);

/* What the registration holds and what the operator chose. */
struct media_policy {
	unsigned ue_mechs; /* what the UE registered and we did: reg_mech_bit of each mechanism (reg.h) */
	/* seed 004's NOTEs: e2ae whatever the UE said, for these mechanisms' media (reg_mech_bit) */
	unsigned force_orig, force_term;
	bool merge; /* TCP merge mode: the UE is the TCP client of the gateway's passive access leg */
	bool e2ae;  /* the profile lets the gateway terminate (D)TLS (profiles/profile.c); else all is e2e */
	bool weak_hashes; /* a fingerprint may use sha-1 (RFC 8122 §5 deprecates it); md5 and md2 never */
};

/* The mode of a line of an offer: from the UE (originating) or toward it (terminating). */
enum media_mode media_decide(const struct media_line *l, bool originating, const struct media_policy *p);

/* The weakest hash of l's fingerprints that p does not take ("sha-1", "md5"), NULL when there is none:
 * a gateway would verify the UE's certificate against it only after the call was answered. */
const char *media_weak_fingerprint(const struct media_line *l, const struct media_policy *p);

/* The transport token without (tls false) or with TLS: "TCP/MSRP" <-> "TCP/TLS/MSRP", "udptl" <->
 * "UDP/TLS/UDPTL". */
const char *media_proto(const struct media_line *l, bool tls);
/* The token the gateway's termination gets: aware keeps the application where the gateway may be told
 * it, else "TCP" / "TCP/TLS", "UDP" / "UDP/DTLS" (TCP also for a transport that is not ours). */
const char *media_agw_proto(const struct media_line *l, bool tls, bool aware);
/* The m= format the gateway's descriptors carry: "*", "t38". */
const char *media_agw_fmt(const struct media_line *l);
/* Whether the gateway carries the line over UDP (T.38), as its transport row says. */
bool media_dgram(const struct media_line *l);

/* An H.248 Local or Remote descriptor for line l, appended to s: port 0 and addr NULL write "$" (the
 * gateway chooses); a=setup only where it means something (TCP, DTLS's roles, RFC 5763 §5); each
 * "\n"-terminated value of fingerprints ("$": the gateway's) as a=fingerprint; then the lines of extra
 * (NULL: none), each ending in "\n". */
void media_put_desc(GString *s, const char *name, const struct media_line *l, const char *addr, unsigned port,
		    const char *proto, enum msdp_setup setup, const char *fingerprints, const char *extra);

/* How one line changes; fields left 0 / NULL stay as written. */
struct media_edit {
	bool edit;
	const char *proto;
	const char *addr;
	unsigned port;
	enum msdp_setup setup;
	bool drop_fingerprints; /* a=fingerprint and a=tls-id: TLS's, gone where TLS ends */
	bool drop_3ge2ae, drop_setup;
	const char *fingerprint; /* added: "sha-256 AB:…" */
	bool applied;            /* a=3ge2ae:applied added */
};

/* The body with the edits of lines[i] applied (g_free it); the line ending of the input is kept. */
char *media_rewrite(const char *sdp, size_t len, const struct media_edit *edits, unsigned n);

#endif
