/* SPDX-License-Identifier: GPL-3.0-or-later */
/* store: the gateway's contexts and terminations (H.248.1 §6), and the realms' port ranges.
 * Context ids are chosen by the MG on "$" (1, 2, …, never reused while in use); terminations are
 * ephemeral, named <realm prefix>/<n> ("ac/1", "co/2"), created on "Add = $" and gone on Subtract.
 * A context holds at most AGW_MAX_TERMS terminations; the profile says how many it takes (two for a
 * relay, more for a conference). */
#ifndef MEDIASEC_AGW_STORE_H
#define MEDIASEC_AGW_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "evloop.h"
#include "msdp.h"
#include "sockaddr.h"

enum { AGW_MAX_TERMS = 16 };

struct agw_realm {
	const char *name;   /* "access", "core": the value of ipdc/realm */
	const char *prefix; /* "ac", "co": the start of its termination ids */
	const char *host;   /* its local address as SDP writes it ("127.0.0.1", "::1") */
	union sa addr;      /* the same, as a socket address */
	uint16_t low, high; /* its port range: each termination's drawn at random among the free ones */
};

struct agw_ctx;
struct leg;

/* H.248.53 tman on a termination: the policing of what its leg receives (agw/police.c), as the MGC set
 * it; a value not given is 0. */
struct agw_tman {
	bool pol;          /* tman/pol = on */
	uint32_t sdr, mbs; /* sustainable data rate (octets/s) and maximum burst size (octets) */
	uint32_t pdr;      /* peak data rate (octets/s): audited, not enforced */
	uint32_t dvt;      /* delay variation tolerance: audited, not enforced */
	bool set_pol, set_dvt;
};

struct agw_term {
	char id[24];
	struct agw_ctx *ctx;
	struct agw_realm *realm;
	/* Media, as last set by the MGC (absent descriptors keep their values, §7.1.8) */
	char *local_text, *remote_text; /* the MGC's bodies; local_text with CHOOSE filled */
	struct msdp local, remote;
	bool has_local, has_remote;
	unsigned port; /* the chosen local port; 0 before Local */
	int port_fd;   /* a TCP or UDP socket bound to it (the leg's), -1 when none */
	int mode;      /* LocalControl Mode as a token, 0 when unset */
	bool saf, spf, latch;
	int dscp; /* H.248.52 ds/dscp: the DS field of what its leg sends; -1 when not set */
	struct agw_tman tman;
	int rtcp_alloc; /* H.248.57 rtcph: 1 on, 0 off, -1 not set; no effect (no RTCP is carried) */
	/* Events requested: the RequestID and the names; heartbeat interval */
	bool events_set;
	char *events_rid;
	char **events; /* NULL-terminated */
	unsigned heartbeat_s;
	struct ev_timer *heartbeat;
	bool tls_est; /* the MG is (D)TLS client: signal tlsbsc/est */
	/* Mp's pre-shared key (tlsbsc/psk, TS 23.333 §6.2.19): TLS-PSK instead of certificates; NULL: none */
	char *psk_identity, *psk_key; /* the key in hex */
	char *msrp_path;              /* the conference server's MSRP URI, when the Local asked a=path:$ */
	/* Statistics */
	uint64_t octets_sent, octets_received, packets_sent, packets_received, created_ms;
	uint64_t policed;           /* datagrams the tman policer dropped (tmanr/dp) */
	uint64_t pauses, paused_us; /* TCP: times reading paused for the policer, and for how long */
	struct leg *leg;
};

struct agw_ctx {
	uint32_t id;
	char name[12]; /* the id as text, for log lines */
	/* nterms of them, in room for cap: grown as terminations join (most contexts hold two) */
	struct agw_term **terms;
	unsigned nterms, cap;
};

/* The context a termination is in, as text for log lines and traces (NULL: none). */
static inline const char *agw_term_ctx(const struct agw_term *t)
{
	return t->ctx ? t->ctx->name : NULL;
}

struct agw_store;

/* release: called for each termination as it goes (its leg and timers are the caller's). */
struct agw_store *agw_store_new(struct agw_realm *realms, unsigned nrealms,
				void (*release)(void *arg, struct agw_term *t), void *arg);
void agw_store_free(struct agw_store *s);

struct agw_ctx *agw_ctx_new(struct agw_store *s);
struct agw_ctx *agw_ctx_find(struct agw_store *s, uint32_t id);
void agw_ctx_free(struct agw_store *s, struct agw_ctx *c); /* frees its terminations too */
/* Every context, in id order; *n set. Free the array with g_free. */
struct agw_ctx **agw_ctx_all(struct agw_store *s, unsigned *n);
unsigned agw_ctx_count(struct agw_store *s);
unsigned agw_term_count(struct agw_store *s); /* in every context */

struct agw_realm *agw_realm_find(struct agw_store *s, const char *name);
struct agw_realm *agw_realm_default(struct agw_store *s, bool access);

/* A new termination of realm in c (which has room). */
struct agw_term *agw_term_new(struct agw_store *s, struct agw_ctx *c, struct agw_realm *realm);
struct agw_term *agw_term_find(struct agw_store *s, const char *id);
void agw_term_free(struct agw_store *s, struct agw_term *t); /* also takes it out of its context */
/* Takes t out of its context into c (which has room); the context it leaves is kept, even empty. */
void agw_term_move(struct agw_term *t, struct agw_ctx *c);

/* Binds a TCP (dgram: UDP) socket to a free port of the termination's realm; 0 or -errno
 * (-EADDRNOTAVAIL: full). */
int agw_term_bind_port(struct agw_store *s, struct agw_term *t, bool dgram);
/* A non-blocking TCP (dgram: UDP) socket bound to the realm's address and port (SO_REUSEADDR); the fd or
 * -errno. */
int agw_realm_socket(const struct agw_realm *r, unsigned port, bool dgram);

#endif
