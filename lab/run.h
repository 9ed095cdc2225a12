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
	/* A system under test the lab does not start (ims-lab(1), --sut): a gateway registering with the
	 * lab's ims-alg at sut_h248 (AGW), or a controller at sut_h248 with its SIP at 127.0.0.1:sut_sip
	 * (access, core), which the lab's ims-agw (H.248 port agw_h248) registers with and whose core next
	 * hop is the lab's core peer at 127.0.0.1:core_sip (ALG). Its trace is not the lab's: what only it
	 * would show is "not observable". */
	enum lab_sut { LAB_SUT_NONE, LAB_SUT_AGW, LAB_SUT_ALG } sut;
	char sut_addr[64];
	uint16_t sut_h248, sut_sip[2], core_sip, agw_h248;
	unsigned sut_wait;       /* ms the system under test may take to register (30000) */
	gboolean sut_configured; /* the user set it as the scenarios say: they are played, not skipped */
};

/* NOBS: no expectation of the step could be observed (with a system under test); never a pass. */
enum verdict { VERDICT_PASS, VERDICT_FAIL, VERDICT_SKIP, VERDICT_NOBS };

struct step_result {
	char *step, *title, *why; /* why: the failure, NULL on success */
	char *expected;           /* on failure, the expectation (or action) that did not hold, as JSON */
	char *unobserved;         /* the expectations not observable and why, a line each; NULL when none */
	char *evidence; /* the messages the step's expectations matched, a line each; NULL when none */
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
