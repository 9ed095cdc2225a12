/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The CUnit runner: every suite of suites.h, verbose per-test output, exit 1 on any failure.
 * `unit SUITE...` runs only the named suites. */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "suites.h"

static int argc_, selected;
static char **argv_;

static int wanted(const char *name)
{
	if (argc_ < 2)
		return 1;
	for (int i = 1; i < argc_; i++)
		if (!strcmp(argv_[i], name))
			return selected++, 1;
	return 0;
}

void unit_add_suite(const char *name, const struct unit_test *tests)
{
	if (!wanted(name))
		return;
	CU_pSuite s = CU_add_suite(name, NULL, NULL);
	if (!s) {
		fprintf(stderr, "cannot add suite %s: %s\n", name, CU_get_error_msg());
		exit(2);
	}
	for (; tests->name; tests++)
		if (!CU_add_test(s, tests->name, tests->fn)) {
			fprintf(stderr, "cannot add test %s: %s\n", tests->name, CU_get_error_msg());
			exit(2);
		}
}

int main(int argc, char **argv)
{
	argc_ = argc, argv_ = argv;
	log_init("unit", getenv("UNIT_LOG") ? LOG_DEBUG : LOG_ERROR); /* UNIT_LOG=1 shows the modules' logs */
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
#define REGISTER(name) register_##name();
	UNIT_SUITES(REGISTER)
#undef REGISTER
	if (argc > 1 && selected != argc - 1) {
		fprintf(stderr, "unknown suite name among the arguments\n");
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	unsigned run = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	return failed || run == 0 ? 1 : 0;
}
