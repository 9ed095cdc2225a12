/* SPDX-License-Identifier: GPL-3.0-or-later */
/* load: ims-lab's load mode (--calls, ims-lab(1)). One scenario played many times at once through one
 * ims-alg and one ims-agw: a call is the scenario's actions done by parties of its own (UE "alice-3",
 * core peer "bob-3": each slot of the concurrency has its own users, SIP ports and certificates), with
 * real SIP, TLS handshakes checked against the SDP fingerprint, and the bytes of each "send" action
 * checked where they arrive (a conference's "msrp" and "bfcp" actions only send: what arrives is an
 * expectation). The expectations on the daemons' traces are the single-call
 * mode's: traces are off under load, so that what is measured is the daemons' work.
 *
 * The calls are played by worker processes, one per concurrent call, each with its own SIP stack; ims-lab
 * hands them calls at the rate asked and gathers each call's outcome. Originating calls reach their own
 * core peer by a pre-loaded Route (the controller's access side, then that peer), as a UE's Service-Route
 * would lead them to its S-CSCF; terminating calls reach their UE by its registration. */
#ifndef MEDIASEC_LAB_LOAD_H
#define MEDIASEC_LAB_LOAD_H

#include "run.h"
#include "scenario.h"

struct load_opts {
	unsigned calls;      /* calls to make in all */
	unsigned concurrent; /* at most this many at once (one worker each) */
	double rate;         /* new calls per second; 0: each as soon as a worker is free */
};

enum { LOAD_MAX_CONCURRENT = 200 };

/* Plays s l->calls times and prints the report (calls/s, setup latency percentiles, failures by step, the
 * daemons' CPU per call) on standard output. 0 every call passed, 1 one failed, 2 the run could not
 * start (said on standard error). */
int load_run(const struct lab_opts *o, const struct scenario *s, const struct load_opts *l);

#endif
