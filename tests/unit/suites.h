/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The unit-test suites: one X row per tests/unit/test_<name>.c, each defining register_<name>(). */
#ifndef MEDIASEC_TEST_SUITES_H
#define MEDIASEC_TEST_SUITES_H

#include <CUnit/CUnit.h>

#include "seed.h" /* seed_file: the vectors of tests/h248 */

#define UNIT_SUITES(X) \
	X(cfg)         \
	X(trace)       \
	X(trace_kinds) \
	X(evloop)      \
	X(h248)        \
	X(tpkt)        \
	X(link)        \
	X(tl)          \
	X(assoc)       \
	X(msdp)        \
	X(media)       \
	X(cert)        \
	X(msrp)        \
	X(bfcp)        \
	X(msg_sdp)     \
	X(metrics)     \
	X(ber)         \
	X(mgc_reply)

#define DECLARE(name) void register_##name(void);
UNIT_SUITES(DECLARE)
#undef DECLARE

/* Adds a suite with its tests; aborts the run when CUnit cannot. */
struct unit_test {
	const char *name;
	void (*fn)(void);
};
void unit_add_suite(const char *name, const struct unit_test *tests);

/* Asserts two strings are equal and prints both when they are not. */
#define ASSERT_STR(actual, expected)                                                                       \
	do {                                                                                               \
		const char *a_ = (actual), *e_ = (expected);                                               \
		if (!a_ || strcmp(a_, e_))                                                                 \
			fprintf(stderr, "\n    expected: %s\n    actual:   %s\n", e_, a_ ? a_ : "(null)"); \
		CU_ASSERT_STRING_EQUAL_FATAL(a_ ? a_ : "(null)", e_);                                      \
	} while (0)

#endif
