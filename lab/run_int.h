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

/* The path of a daemon: in o->bindir, else the build tree's dir (agw, alg), else beside ims-lab. */
char *run_binary(const struct lab_opts *o, const char *dir, const char *name);
/* The scenario's "alg" or "agw" settings as the daemon's flags, appended to argv; a secret goes to a file
 * in dir that only its owner reads, the flag naming that file. */
void run_add_flags(GPtrArray *argv, json_object *flags, const char *dir);

/* One daemon (dir "alg" or "agw", name its binary's): argv (its own flags, freed here), then
 * --log-level=level and the scenario's settings for it; its standard error to out/dir.log, made anew;
 * GnuTLS's secrets to keylog (NULL: none). Its pid. */
pid_t run_spawn(const struct lab_opts *o, const struct scenario *s, const char *dir, const char *name,
		GPtrArray *argv, const char *out, const char *level, const char *keylog);

/* Plays a step's action ({"offer": {…}}): NULL when it went as the scenario says, else why not. */
char *act_do(struct run *r, json_object *action);

#endif
