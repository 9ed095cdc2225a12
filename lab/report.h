/* SPDX-License-Identifier: GPL-3.0-or-later */
/* report: the conformance report of a run (ims-lab --sut, or any run): per profile (the scenario's
 * "profile" setting, else iq), a row per step: the procedure (scenario and step title), the spec clause
 * (the scenario's seed and figure, and the step's number in it), the verdict (pass, FAIL, not observable,
 * not run, ERROR) and the evidence (the messages the step matched; for a failure the expectation that did
 * not hold and why; for a step not observable why not). Written as DIR/report.html and DIR/report.xml
 * (JUnit: a testsuite per profile, a testcase per step, "not observable" skipped with its reason), both
 * rewritten after each scenario, so an interrupted run leaves a report of what was done. */
#ifndef MEDIASEC_LAB_REPORT_H
#define MEDIASEC_LAB_REPORT_H

#include <stdbool.h>

#include "run.h"
#include "scenario.h"

struct report;

/* A report for the run of dir; what: the system under test in words ("the gateway under test"). */
struct report *report_new(const char *dir, const char *what);
/* Adds scenario s as run (r) and rewrites both files; false with *err when they cannot be written. */
bool report_add(struct report *rp, const struct scenario *s, const struct run_result *r, char **err);
void report_free(struct report *rp);

#endif
