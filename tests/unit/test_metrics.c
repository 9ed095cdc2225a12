/* SPDX-License-Identifier: GPL-3.0-or-later */
/* metrics: the text exposition format 0.0.4 as Prometheus' documentation writes it (HELP and TYPE per
 * family, then its samples; backslash and newline escaped in HELP, and the double quote too in label
 * values), and the names the conventions refuse. */
#include <glib.h>
#include <string.h>

#include "metrics.h"
#include "suites.h"

static void two_labels(void *arg, struct metrics_out *out)
{
	metrics_sample(out, 3, "method", "INVITE", "side", "access", NULL);
	metrics_sample(out, 0, "method", "odd \"name\"\\\n", "side", "core", NULL);
}

static void none(void *arg, struct metrics_out *out)
{
}

static void test_text(void)
{
	struct metrics *m = metrics_new();
	uint64_t held = 7;
	CU_ASSERT(metrics_add_value(m, "x_contexts", METRIC_GAUGE, "contexts held\nnow, a \\ b", &held));
	CU_ASSERT(metrics_add(m, "x_requests_total", METRIC_COUNTER, "requests", two_labels, NULL));
	CU_ASSERT(metrics_add(m, "x_empty_total", METRIC_COUNTER, "nothing yet", none, NULL));
	held = 8; /* read at scrape time */
	size_t len;
	char *text = metrics_text(m, &len);
	ASSERT_STR(text, "# HELP x_contexts contexts held\\nnow, a \\\\ b\n"
			 "# TYPE x_contexts gauge\n"
			 "x_contexts 8\n"
			 "# HELP x_requests_total requests\n"
			 "# TYPE x_requests_total counter\n"
			 "x_requests_total{method=\"INVITE\",side=\"access\"} 3\n"
			 "x_requests_total{method=\"odd \\\"name\\\"\\\\\\n\",side=\"core\"} 0\n"
			 "# HELP x_empty_total nothing yet\n"
			 "# TYPE x_empty_total counter\n");
	CU_ASSERT_EQUAL(len, strlen(text));
	g_free(text);
	metrics_free(m);
}

static void test_conventions(void)
{
	struct metrics *m = metrics_new();
	CU_ASSERT_FALSE(metrics_add(m, "x_requests", METRIC_COUNTER, "a counter without _total", none, NULL));
	CU_ASSERT_FALSE(metrics_add(m, "x_calls_total", METRIC_GAUGE, "a gauge with _total", none, NULL));
	CU_ASSERT_FALSE(metrics_add(m, "x-calls", METRIC_GAUGE, "not snake_case", none, NULL));
	CU_ASSERT_FALSE(metrics_add(m, "9calls", METRIC_GAUGE, "a digit first", none, NULL));
	CU_ASSERT(metrics_add(m, "x_calls", METRIC_GAUGE, "calls", none, NULL));
	CU_ASSERT_FALSE(metrics_add(m, "x_calls", METRIC_GAUGE, "twice", none, NULL));
	size_t len;
	char *text = metrics_text(m, &len);
	ASSERT_STR(text, "# HELP x_calls calls\n# TYPE x_calls gauge\n");
	g_free(text);
	metrics_free(m);
}

void register_metrics(void)
{
	static const struct unit_test tests[] = { { "text exposition format 0.0.4", test_text },
						  { "names by Prometheus' conventions", test_conventions },
						  { NULL, NULL } };
	unit_add_suite("metrics", tests);
}
