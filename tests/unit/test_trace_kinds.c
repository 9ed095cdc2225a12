/* SPDX-License-Identifier: GPL-3.0-or-later */
/* trace_kinds: one table of the kinds traced; each kind reads back to itself, has a producer and a
 * drawing, and the ladder draws an event of every kind as its row of the table says (an arrow, a note,
 * nothing), an event of a kind the table does not know as a note, never dropped. */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "evlog.h"
#include "ladder.h"
#include "ladder_draw.h"
#include "suites.h"
#include "trace.h"
#include "trace_kinds.h"

/* The protocol of each kind is its name's first part. */
static const char *const proto_names[] = {
	[TRACE_PROTO_SIP] = "sip",   [TRACE_PROTO_H248] = "h248", [TRACE_PROTO_TCP] = "tcp",
	[TRACE_PROTO_TLS] = "tls",   [TRACE_PROTO_DATA] = "data", [TRACE_PROTO_UDP] = "udp",
	[TRACE_PROTO_MSRP] = "msrp", [TRACE_PROTO_BFCP] = "bfcp",
};

static void test_table(void)
{
	CU_ASSERT_TRUE(TRACE_KIND_COUNT >= 25);
	for (unsigned k = 0; k < TRACE_KIND_COUNT; k++) {
		const struct trace_kind_info *i = &trace_kinds[k];
		CU_ASSERT_PTR_NOT_NULL_FATAL(i->name);
		CU_ASSERT_EQUAL(trace_kind_of(i->name), (enum trace_kind)k);
		ASSERT_STR(trace_kind_name((enum trace_kind)k), i->name);
		CU_ASSERT_TRUE(i->proto < TRACE_PROTO_OTHER);
		char *prefix =
		    g_strdup_printf("%s.", i->proto < TRACE_PROTO_OTHER ? proto_names[i->proto] : "?");
		CU_ASSERT_TRUE(g_str_has_prefix(i->name, prefix));
		CU_ASSERT_TRUE(g_regex_match_simple("^[a-z0-9]+\\.[a-z_]+$", i->name, 0, 0));
		g_free(prefix);
		CU_ASSERT_TRUE(i->by != 0 && (i->by & ~(TRACE_BY_ALG | TRACE_BY_AGW | TRACE_BY_LAB)) == 0);
		CU_ASSERT_TRUE(i->draw < TRACE_DRAW_COUNT);
	}
	CU_ASSERT_EQUAL(trace_kind_of("realm.bogus"), TRACE_KIND_UNKNOWN);
	CU_ASSERT_EQUAL(trace_kind_of("sip.rx "), TRACE_KIND_UNKNOWN);
	CU_ASSERT_EQUAL(trace_kind_of(NULL), TRACE_KIND_UNKNOWN);
	CU_ASSERT_PTR_NULL(trace_kind_name(TRACE_KIND_UNKNOWN));
}

/* The row drawn for the event traced as kind by component, or NULL when none is. */
static const struct ladder_row *row_of(GArray *rows, const char *kind, const char *component)
{
	for (guint i = 0; i < rows->len; i++) {
		const struct ladder_row *r = &g_array_index(rows, struct ladder_row, i);
		if (!strcmp(r->e->kind, kind) && !strcmp(r->e->component, component))
			return r;
	}
	return NULL;
}

/* Every kind, traced by ims-alg and by ims-agw from column "a" to column "b", and a kind no table has:
 * read back by the lab and drawn. */
static void test_ladder(void)
{
	char *dir = g_dir_make_tmp("mediasec-kinds-XXXXXX", NULL), *err = NULL;
	const char *components[] = { "ims-alg", "ims-agw" };
	char *paths[2];
	struct evlog *log = evlog_new();
	for (unsigned c = 0; c < 2; c++) {
		paths[c] = g_strdup_printf("%s/%u.jsonl", dir, c);
		struct trace *t = trace_open(paths[c], components[c], &err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		for (unsigned k = 0; k < TRACE_KIND_COUNT; k++)
			trace_emit(t, &(struct trace_event){ .kind = (enum trace_kind)k,
							     .from = "127.0.0.1:1000",
							     .to = "127.0.0.1:2000",
							     .summary = trace_kinds[k].name });
		trace_close(t);
		evlog_add_file(log, paths[c]);
	}
	FILE *f = fopen(paths[1], "a"); /* a kind from a newer gateway, say */
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("{\"ts\":\"2026-11-21T11:42:00.123456Z\",\"component\":\"ims-agw\",\"kind\":\"realm.bogus\","
	      "\"from\":\"127.0.0.1:1000\",\"to\":\"127.0.0.1:2000\",\"summary\":\"what is this\"}\n",
	      f);
	fclose(f);
	evlog_own(log, 1000, 1000, "a");
	evlog_own(log, 2000, 2000, "b");
	evlog_read(log);
	CU_ASSERT_EQUAL(evlog_events(log)->len, 2 * TRACE_KIND_COUNT + 1);

	GPtrArray *drawn = ladder_events(evlog_events(log));
	static const struct ladder_column cols[] = { { "a", "A" }, { "b", "B" } };
	GArray *rows = ladder_rows(cols, 2, drawn);
	unsigned want = 1;
	for (unsigned k = 0; k < TRACE_KIND_COUNT; k++)
		for (unsigned c = 0; c < 2; c++) {
			const struct ladder_row *r = row_of(rows, trace_kinds[k].name, components[c]);
			switch (trace_kinds[k].draw) {
			case TRACE_DRAW_ALG_ARROW: /* ims-alg's only */
			case TRACE_DRAW_ARROW:
				if (trace_kinds[k].draw == TRACE_DRAW_ALG_ARROW && c == 1) {
					CU_ASSERT_PTR_NULL(r);
					break;
				}
				CU_ASSERT_PTR_NOT_NULL_FATAL(r);
				CU_ASSERT_TRUE(r->arrow && r->a == 0 && r->b == 1);
				want++;
				break;
			case TRACE_DRAW_NOTE:
				CU_ASSERT_PTR_NOT_NULL_FATAL(r);
				CU_ASSERT_TRUE(!r->arrow && r->a == 1 && r->b == 1);
				want++;
				break;
			case TRACE_DRAW_IGNORED:
				CU_ASSERT_PTR_NULL(r);
				break;
			case TRACE_DRAW_COUNT:
				CU_FAIL("a kind without a drawing");
			}
		}
	const struct ladder_row *r = row_of(rows, "realm.bogus", "ims-agw");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r); /* unknown: a note, with what it said */
	CU_ASSERT_TRUE(!r->arrow && r->a == 1);
	ASSERT_STR(r->head->str, "[what is this]");
	CU_ASSERT_EQUAL(rows->len, want);

	ladder_rows_free(rows);
	g_ptr_array_free(drawn, TRUE);
	evlog_free(log);
	for (unsigned c = 0; c < 2; c++)
		g_unlink(paths[c]), g_free(paths[c]);
	g_rmdir(dir), g_free(dir);
}

void register_trace_kinds(void)
{
	static const struct unit_test tests[] = {
		{ "one table, names read back", test_table },
		{ "every kind drawn as its row says", test_ladder },
		{ NULL, NULL },
	};
	unit_add_suite("trace_kinds", tests);
}
