/* SPDX-License-Identifier: GPL-3.0-or-later */
/* metrics_h248: see metrics_h248.h. One table row per counter of struct h248_tl_stats. */
#include "config.h"
#include "metrics_h248.h"

#include <stddef.h>

struct tl_row {
	const char *suffix; /* after "<prefix>_h248_" */
	enum metric_type type;
	size_t offset; /* in struct h248_tl_stats */
	const char *help;
};

#define TL_ROW(suffix, type, field, help) { suffix, type, offsetof(struct h248_tl_stats, field), help }
static const struct tl_row tl_rows[] = {
	TL_ROW("requests_sent_total", METRIC_COUNTER, sent, "H.248 transaction requests sent (first sending)"),
	TL_ROW("retransmissions_total", METRIC_COUNTER, repeated,
	       "H.248 requests sent again over UDP for want of a Reply"),
	TL_ROW("replies_received_total", METRIC_COUNTER, replies, "H.248 Replies received to requests of ours"),
	TL_ROW("timeouts_total", METRIC_COUNTER, timeouts,
	       "H.248 requests of ours given up: T-MAX passed (or too many Pendings) without a Reply"),
	TL_ROW("pendings_sent_total", METRIC_COUNTER, pendings_sent, "H.248 TransactionPendings sent"),
	TL_ROW("pendings_received_total", METRIC_COUNTER, pendings_received,
	       "H.248 TransactionPendings received"),
	TL_ROW("requests_executed_total", METRIC_COUNTER, executed,
	       "H.248 transaction requests received and executed (once per transaction id)"),
	TL_ROW("duplicates_total", METRIC_COUNTER, duplicates,
	       "H.248 requests received again under an id already executing or answered (not executed again)"),
	TL_ROW("answers_resent_total", METRIC_COUNTER, answered_from_cache,
	       "H.248 duplicates answered with the stored Reply"),
	TL_ROW("error_replies_sent_total", METRIC_COUNTER, errors_sent,
	       "H.248 Replies sent that refuse a whole transaction or message with an error"),
	TL_ROW("acks_sent_total", METRIC_COUNTER, acks_sent, "H.248 transaction ids acknowledged"),
	TL_ROW("acks_received_total", METRIC_COUNTER, acks_received,
	       "H.248 transaction ids the peer acknowledged"),
	TL_ROW("refused_messages_total", METRIC_COUNTER, refused,
	       "H.248 messages dropped unanswered: not from the peer the daemon answers"),
	TL_ROW("stray_replies_total", METRIC_COUNTER, stray_replies,
	       "H.248 Replies and Pendings dropped: from elsewhere than their request went"),
	TL_ROW("answers_not_stored_total", METRIC_COUNTER, not_cached,
	       "H.248 Replies sent but not stored for repetitions: over the cache's size"),
	TL_ROW("answers_stored", METRIC_GAUGE, stored, "H.248 Replies stored now for repetitions"),
	TL_ROW("ids_remembered", METRIC_GAUGE, remembered,
	       "H.248 transaction ids received remembered now (executing or answered)"),
};

void metrics_add_h248_tl(struct metrics *m, const char *prefix, const struct h248_tl_stats *s)
{
	for (size_t i = 0; i < G_N_ELEMENTS(tl_rows); i++) {
		const struct tl_row *r = &tl_rows[i];
		char *name = g_strdup_printf("%s_h248_%s", prefix, r->suffix);
		metrics_add_value(m, name, r->type, r->help, (const uint64_t *)((const char *)s + r->offset));
		g_free(name);
	}
}

struct link_src {
	metrics_link_fetch *fetch;
	void *arg;
};

static void link_conns(void *arg, struct metrics_out *out)
{
	const struct link_src *src = arg;
	struct h248_link_stats s;
	uint64_t oversized;
	src->fetch(src->arg, &s, &oversized);
	metrics_sample(out, s.conns, NULL);
}

static void link_refused(void *arg, struct metrics_out *out)
{
	const struct link_src *src = arg;
	struct h248_link_stats s;
	uint64_t oversized;
	src->fetch(src->arg, &s, &oversized);
	metrics_sample(out, s.over_limit, "reason", "max_connections", NULL);
	metrics_sample(out, s.over_source, "reason", "max_connections_per_address", NULL);
	metrics_sample(out, s.out_of_fds, "reason", "out_of_descriptors", NULL);
}

static void link_closed(void *arg, struct metrics_out *out)
{
	const struct link_src *src = arg;
	struct h248_link_stats s;
	uint64_t oversized;
	src->fetch(src->arg, &s, &oversized);
	metrics_sample(out, s.idle, "reason", "idle_timeout", NULL);
	metrics_sample(out, s.unread, "reason", "peer_not_reading", NULL);
}

static void link_oversized(void *arg, struct metrics_out *out)
{
	const struct link_src *src = arg;
	struct h248_link_stats s;
	uint64_t oversized;
	src->fetch(src->arg, &s, &oversized);
	metrics_sample(out, oversized, NULL);
}

static void add(struct metrics *m, const char *prefix, const char *suffix, enum metric_type type,
		const char *help, metrics_collect *collect, void *arg)
{
	char *name = g_strdup_printf("%s_h248_%s", prefix, suffix);
	metrics_add(m, name, type, help, collect, arg);
	g_free(name);
}

void metrics_add_h248_link(struct metrics *m, const char *prefix, metrics_link_fetch *fetch, void *arg)
{
	struct link_src *src = g_new(struct link_src, 1); /* the registry's: freed with it */
	*src = (struct link_src){ fetch, arg };
	metrics_keep(m, src);
	add(m, prefix, "tcp_connections", METRIC_GAUGE, "H.248 TCP connections accepted and open now",
	    link_conns, src);
	add(m, prefix, "tcp_connections_refused_total", METRIC_COUNTER,
	    "H.248 TCP connections closed at once on accepting them, by the limit that refused them",
	    link_refused, src);
	add(m, prefix, "tcp_connections_closed_total", METRIC_COUNTER,
	    "accepted H.248 TCP connections the daemon closed, by reason", link_closed, src);
	add(m, prefix, "oversized_messages_total", METRIC_COUNTER,
	    "H.248 messages dropped unread: over h248.max_udp or h248.max_tcp", link_oversized, src);
}
