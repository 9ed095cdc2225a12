/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agw_metrics: ims-agw's Prometheus metric families (doc/configuration.md lists them), read from the
 * counters the gateway keeps: the store (contexts, terminations), the legs (connects, handshakes,
 * failures, filtered datagrams), the H.248 transaction layer and link, and what main.c counts here
 * (commands received, octets of the terminations gone). */
#ifndef MEDIASEC_AGW_METRICS_H
#define MEDIASEC_AGW_METRICS_H

#include "assoc.h"
#include "legs.h"
#include "metrics.h"
#include "msg.h"
#include "store.h"
#include "tl.h"

enum agw_command { AGW_CMD_ADD, AGW_CMD_MODIFY, AGW_CMD_SUBTRACT, AGW_CMD_MOVE, AGW_CMD_AUDITVALUE,
		   AGW_CMD_AUDITCAP, AGW_CMD_NOTIFY, AGW_CMD_SERVICECHANGE, AGW_CMD_COUNT };

struct agw_relayed {
	uint64_t octets_received, octets_sent, packets_received, packets_sent;
};

/* What the families read; main.c fills it and keeps it as long as the registry. */
struct agw_metrics_src {
	struct agw_store *store;
	struct legs *legs;
	struct h248_link *link;
	struct h248_tl *tl;
	struct h248_mg *assoc;
	const struct agw_realm *realms; /* two: access, core */
	const uint64_t *strangers, *over_limit; /* H.248 refused (main.c's log counters) */
	struct agw_relayed gone[2];     /* per realm: the terminations released so far */
	uint64_t commands[AGW_CMD_COUNT]; /* commands in the MGC's requests, executed or refused */
};

void agw_metrics_register(struct metrics *m, struct agw_metrics_src *src);
/* t is going: its counts join the totals. */
void agw_metrics_released(struct agw_metrics_src *src, const struct agw_term *t);
/* A request the MGC sent: its commands counted. */
void agw_metrics_request(struct agw_metrics_src *src, const struct h248_node *trans);

#endif
