/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mg_int: what mg.c (transactions, commands, replies, Notify) and change.c (a command's descriptors read,
 * checked and applied to a termination) share. Internal to ims-agw's MG: its API is mg.h. */
#ifndef MEDIASEC_AGW_MG_INT_H
#define MEDIASEC_AGW_MG_INT_H

#include <glib.h>

#include "mg.h"
#include "msdp.h"
#include "transport.h"

struct agw_mg {
	struct ev_loop *loop;
	struct h248_tl *tl;
	struct h248_mg *assoc;
	struct agw_store *store;
	const struct wire_names *wire;
	const struct profile *profile;
	const struct tls_identity *identity;
	struct agw_mg_hooks hooks;
	GHashTable *heartbeats; /* term -> struct beat */
	GHashTable *notes;      /* the Notifies awaiting their Reply (struct note, mg.c) */
};

struct fault {
	int code;
	char text[240];
};

/* The transport of a descriptor: the gateway's row for its token (profiles/transport.c). */
static inline const struct tp_bearer *bearer(const struct msdp *s)
{
	return tp_bearer_of(s->proto);
}

static inline const char *wire(const struct agw_mg *mg, enum wire_ie ie)
{
	return mg->wire->text[ie];
}

static inline bool named(const struct h248_node *n, const struct agw_mg *mg, enum wire_ie ie)
{
	return n->kind == H248_NODE_PROP && h248_str_caseeq(n->name, wire(mg, ie));
}

/* The information element a property, event or signal name stands for; WIRE_COUNT for none. */
static inline enum wire_ie ie_of(const struct h248_node *n, const struct agw_mg *mg)
{
	for (int ie = 0; ie < WIRE_COUNT; ie++)
		if (h248_str_caseeq(n->name, wire(mg, (enum wire_ie)ie)))
			return (enum wire_ie)ie;
	return WIRE_COUNT;
}

static inline char *text_of(struct h248_str s)
{
	return g_strndup(s.p, s.n);
}

/* Sets f's H.248.8 code and text (quotes made single); returns false, for "return mg_fail(…)". */
bool mg_fail(struct fault *f, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* What one command asks of a termination; applied only when all of it is valid. */
struct change {
	const struct h248_node *local, *remote, *lc, *events, *signals;
	struct agw_realm *realm;
	struct msdp lsdp, rsdp;
	bool set_saf, saf, set_spf, spf, set_latch, latch, set_tls_est, tls_est;
	struct h248_str psk; /* tlsbsc/psk's value (p == NULL: not given), checked */
	int mode;
	unsigned heartbeat_s;
	bool set_heartbeat;
	int dscp;             /* ds/dscp given: 0-63; -1 not given */
	struct agw_tman tman; /* the termination's tman with what the command gives (set_tman) */
	bool set_tman;
	int rtcp_alloc; /* rtcph given: 1 on, 0 off; -1 not given */
};

/* Reads and checks what cmd asks of t (NULL: the termination an Add makes) into ch; nothing applied.
 * On false ch holds nothing; on true mg_apply_change or mg_change_clear must follow. */
bool mg_read_change(struct agw_mg *mg, const struct h248_node *cmd, struct agw_term *t, struct change *ch,
		    struct fault *f);
/* Applies a checked change to t: SDP, filters, TLS, events, signals, heartbeat, then the legs. What ch
 * holds is t's afterwards, or freed when it fails. */
bool mg_apply_change(struct agw_mg *mg, struct agw_term *t, struct change *ch, struct fault *f);
/* Frees what a change read and not applied holds (its session descriptions). */
void mg_change_clear(struct change *ch);
/* The heartbeat timer of t, as its events now ask (mg.c). */
void mg_heartbeat_update(struct agw_mg *mg, struct agw_term *t);

#endif
