/* SPDX-License-Identifier: GPL-3.0-or-later */
/* siptcp: keeps ims-alg's SIP TCP listeners from spinning when descriptors run out (siptcp.c). */
#ifndef MEDIASEC_ALG_SIPTCP_H
#define MEDIASEC_ALG_SIPTCP_H

#include <sofia-sip/nta.h>
#include <sofia-sip/su_wait.h>
#include <stdint.h>

enum { SIPTCP_AGENTS = 2 };

/* Watches the descriptors of the process for the TCP transports of agents (at most SIPTCP_AGENTS);
 * NULL when the watch cannot run (logged). */
struct siptcp *siptcp_new(su_root_t *root, nta_agent_t *const *agents, unsigned n);
/* How many times the listeners were stalled. */
uint64_t siptcp_stalls(const struct siptcp *st);
void siptcp_free(struct siptcp *st);

#endif
