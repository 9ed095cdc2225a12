/* SPDX-License-Identifier: GPL-3.0-or-later */
/* run_int: what run.c and act.c share of a scenario's run; not an API. */
#ifndef MEDIASEC_LAB_RUN_INT_H
#define MEDIASEC_LAB_RUN_INT_H

#include <sys/types.h>

#include <json-c/json.h>
#include <sofia-sip/su_wait.h>

#include "evlog.h"
#include "expect.h"
#include "party.h"
#include "pcap.h"
#include "run.h"
#include "scenario.h"

enum { MAX_PARTIES = 8, REALM_PORTS = 8 };

struct run {
	const struct lab_opts *o;
	const struct scenario *s;
	su_root_t *root;
	struct evlog *log;
	struct party *parties[MAX_PARTIES + 1];
	struct expect_ctx ex;
	pid_t alg, agw;
	struct lab_pcap *pcap; /* --pcap, or NULL */
	uint16_t access, core, h248, agw_h248;
	int held; /* the access port the lab keeps taken (gateway.access_port_taken), or -1 */
	char *dir;
	/* the call (its media: what the offerer's SDP carries, from->media) */
	struct party *offerer, *answerer;
};

/* Plays a step's action ({"offer": {…}}): NULL when it went as the scenario says, else why not. */
char *act_do(struct run *r, json_object *action);

#endif
