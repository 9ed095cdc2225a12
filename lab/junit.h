/* SPDX-License-Identifier: GPL-3.0-or-later */
/* junit: the JUnit XML report of a lab run (ims-lab --junit FILE). One <testsuite> per scenario inside
 * <testsuites>, one <testcase> per step; a step whose expectation did not hold is a <failure> (the
 * expectation and what was found in its body), the steps after it <skipped/>; a run that could not
 * start, a daemon that died or a scenario file that is wrong is an <error>, counted apart. Paths in the
 * report are relative to the report's directory. The whole report is rewritten after each scenario to
 * a temporary file renamed over FILE, so a run interrupted at any point leaves a well-formed report of
 * the scenarios done so far. */
#ifndef MEDIASEC_LAB_JUNIT_H
#define MEDIASEC_LAB_JUNIT_H

#include <stdbool.h>

#include "run.h"
#include "scenario.h"

struct junit;

/* A report to be written at path, written at once with no scenario; NULL with *err (g_free it) when
 * path cannot be written. */
struct junit *junit_open(const char *path, char **err);
/* Notes the time a scenario starts (its testsuite's timestamp). */
void junit_begin(struct junit *j);
/* Adds scenario s as run (r) and rewrites the report; false with *err when it could not be written. */
bool junit_add(struct junit *j, const struct scenario *s, const struct run_result *r, char **err);
/* Adds a scenario file that could not be loaded (why) as an error and rewrites the report. */
bool junit_add_invalid(struct junit *j, const char *file, const char *why, char **err);
void junit_free(struct junit *j);

#endif
