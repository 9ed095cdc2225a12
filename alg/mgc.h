/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgc: ims-alg as the H.248 MGC of one or more gateways (TS 29.334 Iq; H.248.1 §11).
 *
 * Gateways register with ServiceChange on ROOT; each is kept by its mId for the life of the process, up or
 * down. A call picks one that is up (round robin), sends it transactions built with the message model (msg.h,
 * build.h) and gets each Reply back read: the context, per command its termination and Local descriptor, or
 * the error. A request with no Reply within T-MAX fails that request alone. Whether a gateway is there is
 * decided by watching it: one that has sent nothing for audit_ms is audited (ROOT); while a request awaits
 * its Reply with nothing heard from the gateway it is audited every lost_after/8; and when nothing at all has
 * been heard for lost_after since such a request went out, it is lost. A gateway is also lost when it goes
 * out of service (Graceful, Forced), its TCP connection closes, or it registers again (its contexts are
 * gone). The owner hears of a loss once and releases that gateway's calls; requests still awaiting a Reply
 * fail then. A gateway lost for its silence is audited every audit_ms and taken back into the pool by the
 * first Reply it sends (or by registering again).
 *
 * Nothing is left behind at a gateway: the MGC keeps, from the Replies, the contexts each gateway holds
 * for us and their terminations. A request that creates a context ($) or subtracts, and got no Reply, is
 * sent again under its transaction id (the gateway executes an id at most once and answers it from its
 * store), now or once the gateway is back, up to 8 times; a context made by a request whose caller
 * heard a failure, or cancelled, is subtracted; a gateway taken back has every context it holds for us
 * subtracted (its calls were released while it was lost). A gateway that registers with anything but a
 * cold Restart (Disconnected: it lost us, or we restarted and it heard 505) may hold contexts of an
 * earlier association: Context = * { Subtract = * } clears them. A Notify about a context the MGC does
 * not know the gateway holds for it (none of its requests in doubt made it or subtracts everything) is
 * answered H.248.8 411: a gateway that does hold it learns that its MGC restarted, and registers again.
 *
 * The association is a pairing, not an address. Only sources some configured entry allows (address or
 * network, port, mId: peers.h) get as far as the parser; a gateway is bound to the address and port (or
 * TCP connection) it registered from, and while it is up every message under its mId from anywhere else,
 * a ServiceChange included, is dropped: it cannot be taken over. A gateway that moves registers again
 * from its new address once the old association is gone (lost, or out of service). Replies are taken
 * only from where the request went. Strangers are answered nothing, counted and logged at a bounded
 * rate. Each gateway has at most max_pending requests awaiting their Reply. */
#ifndef MEDIASEC_ALG_MGC_H
#define MEDIASEC_ALG_MGC_H

#include <stdbool.h>
#include <stdint.h>

#include "alg_metrics.h"
#include "codec.h"
#include "evloop.h"
#include "link.h"
#include "msg.h"
#include "sockaddr.h"

struct mgc;
struct mgc_agw;
struct trace;

/* One command of a Reply: its termination id, and its Local descriptor (NULL when none; h248_sdp reads
 * its SDP). */
struct mgc_cmd {
	struct h248_str term;
	const struct h248_node *local;
};

/* What a Reply said, read into views of the Reply: valid during the done callback only (keep a copy of
 * what is needed after). error is 0 on success, else the H.248 error code (or 0 with timeout set). */
struct mgc_result {
	bool timeout;
	unsigned error;
	const char *reason;        /* the error's text, or why nothing came; "" when none */
	struct h248_str ctx;       /* the context id, empty when the Reply names none */
	unsigned n;                /* commands answered */
	const struct mgc_cmd *cmd; /* n of them, in the Reply's order */
};
typedef void mgc_done(void *arg, const struct mgc_result *r);

struct mgc_ops {
	/* An observed event from a gateway's Notify (already answered): "tlsbsc/up", reason or NULL. */
	void (*event)(void *arg, struct mgc_agw *agw, const char *ctx, const char *term, const char *event,
		      const char *reason);
	/* The gateway's contexts are gone or unreachable. */
	void (*lost)(void *arg, struct mgc_agw *agw, const char *why);
};

struct mgc_opts {
	union sa local;       /* where gateways register */
	const char *mid_text; /* our mId as written (h248_mid_config), alive as long as the mgc */
	struct h248_mid mid;  /* the same, read (its text points into mid_text): every request's header */
	unsigned timeout_ms;  /* T-MAX of our requests */
	unsigned audit_ms;    /* audit of ROOT on a gateway silent this long, and on a lost one (0: never) */
	unsigned lost_after_ms;      /* silence, with a request unanswered, that loses a gateway (0: 3000) */
	unsigned inactivity_ms;      /* H.248.14 mit set on gateways that offer it/ito (0: not set) */
	struct trace *trace;         /* h248.rx / h248.tx lines (NULL: none) */
	const char *const *gateways; /* who may register (peers.h entries), NULL-terminated */
	unsigned max_pending;        /* per gateway (0: 256) */
	struct h248_link_opts link;  /* the TCP limits (its trace is the one above) */
	/* the encoding toward gateways not heard yet, or toward all with fixed_encoding (tl.h) */
	enum h248_encoding encoding;
	bool fixed_encoding;
};

/* NULL and *err (g_free it) when the socket cannot be bound or a gateways entry is wrong. */
struct mgc *mgc_new(struct ev_loop *loop, const struct mgc_opts *o, const struct mgc_ops *ops, void *arg,
		    char **err);
void mgc_free(struct mgc *m);
/* The bound address (the real port when the options asked for 0). */
const union sa *mgc_local(const struct mgc *m);

/* A gateway that is up, round robin; NULL when none is. */
struct mgc_agw *mgc_pick(struct mgc *m);
const char *mgc_agw_mid(const struct mgc_agw *a);
bool mgc_agw_up(const struct mgc_agw *a);

/* A gateway of the pool as mgc_each shows it (for ims-ctl). */
struct mgc_view {
	const char *mid;
	const struct h248_from *from; /* where it registered from (conn: its TCP connection, 0 for UDP) */
	bool up, probing;             /* probing: lost for its silence, audited until it answers */
	unsigned version, pending;    /* H.248 version; requests awaiting their Reply */
	unsigned contexts;            /* that it holds for us */
	uint64_t silent_ms;           /* since a message from it last arrived */
};
/* Calls fn for each gateway, in order of first registration. */
void mgc_each(const struct mgc *m, void (*fn)(const struct mgc_view *v, void *arg), void *arg);

/* A list of actions for mgc_send: its body takes "Context = … { … }" nodes (h248_add_action, build.h). */
struct h248_msg *mgc_actions_new(void);
/* Sends "Transaction = … { actions }" to a, consuming actions; done is called once with the result.
 * Returns false when it could not be sent (a down or NULL, too many pending: logged; done is not called
 * then). *tid, when given, can cancel it. */
bool mgc_send(struct mgc *m, struct mgc_agw *a, struct h248_msg *actions, mgc_done *done, void *arg,
	      uint32_t *tid);
void mgc_cancel(struct mgc *m, uint32_t tid);

struct mgc_stats {
	uint64_t strangers;    /* messages from sources or mIds the configuration does not allow */
	uint64_t takeovers;    /* messages under a registered gateway's mId from elsewhere than it is bound */
	uint64_t over_pending; /* requests not sent: the gateway had max_pending awaiting their Reply */
	struct h248_link_stats link;
	/* for the metrics */
	uint64_t oversized;               /* H.248 messages dropped unread: over the link's limits */
	const struct h248_tl_stats *tl;   /* the transaction layer's (alive as long as the mgc) */
	unsigned gateways_up, gateways_lost;
	struct alg_h248_counts h248;      /* the commands of our requests by result */
};
void mgc_stats(const struct mgc *m, struct mgc_stats *out);

#endif
