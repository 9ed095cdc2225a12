/* SPDX-License-Identifier: GPL-3.0-or-later */
/* alg_metrics: ims-alg's Prometheus metric families (doc/configuration.md lists them), read from the
 * counters the controller keeps: SIP messages per side, direction and method or status (counted where
 * the proxy traces them), registrations, calls by step and by how they ended, the gateways of the pool,
 * the commands of the MGC's requests by their result, and the H.248 transaction layer and link. */
#ifndef MEDIASEC_ALG_METRICS_H
#define MEDIASEC_ALG_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "metrics.h"
#include "msg.h"

struct mgc;
struct proxy;

/* SIP messages the proxy received and sent, per side (0 access, 1 core) and direction (0 received, 1
 * sent): requests by method (sofia-sip's sip_method_t; 0 for one it does not know), responses by status. */
enum { ALG_SIP_METHODS = 15, ALG_SIP_CODES = 600 /* 100 … 699 */ };
struct alg_sip_counts {
	uint64_t requests[2][2][ALG_SIP_METHODS];
	uint64_t responses[2][2][ALG_SIP_CODES];
};
/* One message: method (sip_method_t) for a request, else status. */
void alg_sip_count(struct alg_sip_counts *c, int side, bool rx, int method, int status);

/* The commands of the MGC's requests, by the result of their transaction. A request asked again after
 * a timeout counts again. */
enum alg_cmd { ALG_CMD_ADD, ALG_CMD_MODIFY, ALG_CMD_SUBTRACT, ALG_CMD_MOVE, ALG_CMD_AUDITVALUE,
	       ALG_CMD_AUDITCAP, ALG_CMD_OTHER, ALG_CMD_COUNT };
enum alg_result { ALG_RESULT_OK, ALG_RESULT_ERROR, ALG_RESULT_TIMEOUT, ALG_RESULT_COUNT };
struct alg_h248_counts {
	uint64_t commands[ALG_CMD_COUNT][ALG_RESULT_COUNT];
};
/* The commands of a request as parsed (msg holds one transaction): n[ALG_CMD_COUNT] filled. */
void alg_h248_commands_of(const struct h248_msg *msg, uint8_t n[ALG_CMD_COUNT]);
/* The request's Reply (NULL: none in time) counted for its commands n. */
void alg_h248_result(struct alg_h248_counts *c, const uint8_t n[ALG_CMD_COUNT], const struct h248_node *reply);

void alg_metrics_register(struct metrics *m, struct proxy *proxy, struct mgc *mgc);

#endif
