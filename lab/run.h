/* SPDX-License-Identifier: GPL-3.0-or-later */
/* run: plays one scenario. It starts ims-alg and ims-agw on free loopback ports (the gateway registered
 * with the controller before the first step), creates the parties, does each step and checks what it
 * must show, then stops everything and draws the ladder into the scenario's output directory. A step
 * whose action or expectation fails ends the scenario: the steps after it are skipped. */
#ifndef MEDIASEC_LAB_RUN_H
#define MEDIASEC_LAB_RUN_H

#include <glib.h>
#include <stdbool.h>

#include "scenario.h"

struct lab_opts {
	const char *out;    /* directory for each scenario's traces, logs and ladders */
	const char *bindir; /* where ims-alg and ims-agw are; NULL: next to ims-lab, or the build tree */
	unsigned timeout;   /* ms an expectation may take to show (default 3000) */
	const char *log_level;
	/* A NAT between the UEs marked behind_nat and the gateway (tests/integration/nat.sh builds one):
	 * the network namespace their media lives in, their address there, and the gateway's access
	 * address they reach through the NAT. NULL: scenarios that need it are skipped. */
	const char *nat_netns, *nat_ue, *nat_access;
	/* each scenario's capture, with the TLS key log and the Decode As settings (pcap.h) */
	gboolean pcap;
};

enum verdict { VERDICT_PASS, VERDICT_FAIL, VERDICT_SKIP };

struct step_result {
	char *step, *title, *why; /* why: the failure, NULL on success */
	char *expected;           /* on failure, the expectation (or action) that did not hold, as JSON */
	enum verdict verdict;
	double secs;
};

struct run_result {
	bool ok;
	char *error;             /* the run could not start: why */
	char *skipped;           /* not run: why (no NAT to run it behind) */
	GArray *steps;           /* struct step_result */
	char *dir, *text, *html; /* the output directory, the text and HTML ladders */
	double secs;
};

struct run_result *run_scenario(const struct lab_opts *o, const struct scenario *s);
void run_result_free(struct run_result *r);

#endif
