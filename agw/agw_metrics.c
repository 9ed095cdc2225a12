/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agw_metrics: see agw_metrics.h. Names: ims_agw_…, counters end in _total (Prometheus' conventions). */
#include "config.h"
#include "agw_metrics.h"

#include "metrics_h248.h"

static const struct {
	enum h248_tok tok;
	const char *name; /* H.248.1's */
} commands[AGW_CMD_COUNT] = {
	[AGW_CMD_ADD] = { H248_TOK_ADD, "Add" },
	[AGW_CMD_MODIFY] = { H248_TOK_MODIFY, "Modify" },
	[AGW_CMD_SUBTRACT] = { H248_TOK_SUBTRACT, "Subtract" },
	[AGW_CMD_MOVE] = { H248_TOK_MOVE, "Move" },
	[AGW_CMD_AUDITVALUE] = { H248_TOK_AUDITVALUE, "AuditValue" },
	[AGW_CMD_AUDITCAP] = { H248_TOK_AUDITCAP, "AuditCapabilities" },
	[AGW_CMD_NOTIFY] = { H248_TOK_NOTIFY, "Notify" },
	[AGW_CMD_SERVICECHANGE] = { H248_TOK_SERVICECHANGE, "ServiceChange" },
};

void agw_metrics_request(struct agw_metrics_src *src, const struct h248_node *trans)
{
	for (const struct h248_node *c = trans->first; c; c = c->next) {
		if (c->kind != H248_NODE_TOKEN || c->tok != H248_TOK_CONTEXT)
			continue;
		for (const struct h248_node *cmd = c->first; cmd; cmd = cmd->next)
			for (unsigned i = 0; cmd->kind == H248_NODE_TOKEN && i < AGW_CMD_COUNT; i++)
				src->commands[i] += cmd->tok == commands[i].tok;
	}
}

void agw_metrics_released(struct agw_metrics_src *src, const struct agw_term *t)
{
	if (!src->realms)
		return;
	struct agw_relayed *r = &src->gone[t->realm == &src->realms[1]];
	r->octets_received += t->octets_received;
	r->octets_sent += t->octets_sent;
	r->packets_received += t->packets_received;
	r->packets_sent += t->packets_sent;
}

static void contexts(void *arg, struct metrics_out *out)
{
	struct agw_metrics_src *src = arg;
	metrics_sample(out, agw_ctx_count(src->store), NULL);
}

/* Each live termination, by realm and transport; fn sees each in turn. */
static void each_term(struct agw_metrics_src *src, void (*fn)(void *acc, const struct agw_term *t), void *acc)
{
	unsigned n;
	struct agw_ctx **all = agw_ctx_all(src->store, &n);
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < all[i]->nterms; j++)
			fn(acc, all[i]->terms[j]);
	g_free(all);
}

static void count_term(void *acc, const struct agw_term *t)
{
	GHashTable *by = acc; /* "realm\ttransport" -> count */
	char *key = g_strdup_printf("%s\t%s", t->realm->name, t->has_local && *t->local.proto ? t->local.proto : "none");
	g_hash_table_insert(by, key, GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(by, key)) + 1));
}

static void terminations(void *arg, struct metrics_out *out)
{
	GHashTable *by = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	each_term(arg, count_term, by);
	GList *keys = g_list_sort(g_hash_table_get_keys(by), (GCompareFunc)g_strcmp0);
	for (GList *k = keys; k; k = k->next) {
		char **f = g_strsplit(k->data, "\t", 2);
		metrics_sample(out, GPOINTER_TO_UINT(g_hash_table_lookup(by, k->data)), "realm", f[0], "transport",
			       f[1], NULL);
		g_strfreev(f);
	}
	g_list_free(keys);
	g_hash_table_destroy(by);
}

struct relayed_acc {
	struct agw_metrics_src *src;
	struct agw_relayed r[2];
};

static void add_term(void *acc, const struct agw_term *t)
{
	struct relayed_acc *a = acc;
	struct agw_relayed *r = &a->r[t->realm == &a->src->realms[1]];
	r->octets_received += t->octets_received;
	r->octets_sent += t->octets_sent;
	r->packets_received += t->packets_received;
	r->packets_sent += t->packets_sent;
}

/* Gone and live terminations together, per realm. */
static void relayed(struct agw_metrics_src *src, struct agw_relayed r[2])
{
	struct relayed_acc a = { .src = src, .r = { src->gone[0], src->gone[1] } };
	each_term(src, add_term, &a);
	r[0] = a.r[0], r[1] = a.r[1];
}

static void octets(void *arg, struct metrics_out *out)
{
	struct agw_metrics_src *src = arg;
	struct agw_relayed r[2];
	relayed(src, r);
	for (unsigned i = 0; i < 2; i++) {
		metrics_sample(out, r[i].octets_received, "realm", src->realms[i].name, "direction", "received", NULL);
		metrics_sample(out, r[i].octets_sent, "realm", src->realms[i].name, "direction", "sent", NULL);
	}
}

static void packets(void *arg, struct metrics_out *out)
{
	struct agw_metrics_src *src = arg;
	struct agw_relayed r[2];
	relayed(src, r);
	for (unsigned i = 0; i < 2; i++) {
		metrics_sample(out, r[i].packets_received, "realm", src->realms[i].name, "direction", "received", NULL);
		metrics_sample(out, r[i].packets_sent, "realm", src->realms[i].name, "direction", "sent", NULL);
	}
}

static void tcp_established(void *arg, struct metrics_out *out)
{
	struct legs_stats s;
	legs_stats(((struct agw_metrics_src *)arg)->legs, &s);
	metrics_sample(out, s.tcp_connects[0], "direction", "outgoing", NULL);
	metrics_sample(out, s.tcp_connects[1], "direction", "incoming", NULL);
}

static void tcp_failures(void *arg, struct metrics_out *out)
{
	struct legs_stats s;
	legs_stats(((struct agw_metrics_src *)arg)->legs, &s);
	for (unsigned i = 0; i < LEGS_TCP_FAIL_COUNT; i++)
		metrics_sample(out, s.tcp_failures[i], "reason", legs_tcp_fail_names[i], NULL);
}

static const char *const tls_protocols[2] = { "tls", "dtls" };

static void tls_handshakes(void *arg, struct metrics_out *out)
{
	struct legs_stats s;
	legs_stats(((struct agw_metrics_src *)arg)->legs, &s);
	for (unsigned p = 0; p < 2; p++)
		metrics_sample(out, s.tls_up[p], "protocol", tls_protocols[p], NULL);
}

static void tls_failures(void *arg, struct metrics_out *out)
{
	struct legs_stats s;
	legs_stats(((struct agw_metrics_src *)arg)->legs, &s);
	for (unsigned p = 0; p < 2; p++)
		for (unsigned i = 0; i < LEGS_TLS_FAIL_COUNT; i++)
			metrics_sample(out, s.tls_failures[p][i], "protocol", tls_protocols[p], "reason",
				       legs_tls_fail_names[i], NULL);
}

static void close_notify(void *arg, struct metrics_out *out)
{
	struct legs_stats s;
	legs_stats(((struct agw_metrics_src *)arg)->legs, &s);
	metrics_sample(out, s.close_notify_sent, "direction", "sent", NULL);
	metrics_sample(out, s.close_notify_received, "direction", "received", NULL);
}

static void datagrams(void *arg, struct metrics_out *out)
{
	struct legs_stats s;
	legs_stats(((struct agw_metrics_src *)arg)->legs, &s);
	metrics_sample(out, s.datagrams_filtered, "reason", "source_filter", NULL);
	metrics_sample(out, s.datagrams_dropped, "reason", "not_relayable", NULL);
}

static void h248_commands(void *arg, struct metrics_out *out)
{
	struct agw_metrics_src *src = arg;
	for (unsigned i = 0; i < AGW_CMD_COUNT; i++)
		metrics_sample(out, src->commands[i], "command", commands[i].name, NULL);
}

static void h248_refused(void *arg, struct metrics_out *out)
{
	struct agw_metrics_src *src = arg;
	metrics_sample(out, *src->strangers, "reason", "not_the_mgc", NULL);
	metrics_sample(out, *src->over_limit, "reason", "over_limits", NULL);
}

static void registered(void *arg, struct metrics_out *out)
{
	metrics_sample(out, h248_mg_is_registered(((struct agw_metrics_src *)arg)->assoc), NULL);
}

static void link_fetch(void *arg, struct h248_link_stats *s, uint64_t *oversized)
{
	struct agw_metrics_src *src = arg;
	h248_link_stats(src->link, s);
	*oversized = h248_link_oversized(src->link);
}

static const struct {
	const char *name;
	enum metric_type type;
	metrics_collect *collect;
	const char *help;
} families[] = {
	{ "ims_agw_mgc_registered", METRIC_GAUGE, registered, "1 while the gateway is registered with its MGC" },
	{ "ims_agw_contexts", METRIC_GAUGE, contexts, "H.248 contexts held now" },
	{ "ims_agw_terminations", METRIC_GAUGE, terminations,
	  "H.248 terminations held now, by realm and by the transport of their Local (none: no Local yet)" },
	{ "ims_agw_tcp_established_total", METRIC_COUNTER, tcp_established,
	  "TCP legs up (tcpbcc/up): outgoing, the gateway connected; incoming, it accepted" },
	{ "ims_agw_tcp_failures_total", METRIC_COUNTER, tcp_failures,
	  "TCP legs failed (tcpbcc/fail), by reason (not_remote: a connection from elsewhere than the Remote, "
	  "reset)" },
	{ "ims_agw_tls_handshakes_total", METRIC_COUNTER, tls_handshakes,
	  "TLS and DTLS sessions up with the peer certificate verified (tlsbsc/up)" },
	{ "ims_agw_tls_failures_total", METRIC_COUNTER, tls_failures,
	  "TLS and DTLS sessions failed (tlsbsc/fail), by reason" },
	{ "ims_agw_tls_close_notify_total", METRIC_COUNTER, close_notify,
	  "TLS and DTLS close_notify alerts sent and received" },
	{ "ims_agw_relay_bytes_total", METRIC_COUNTER, octets,
	  "octets the terminations received from their peer and sent to it, by realm" },
	{ "ims_agw_relay_packets_total", METRIC_COUNTER, packets,
	  "datagrams (UDP) or reads and writes (TCP) of the terminations, by realm and direction" },
	{ "ims_agw_dropped_datagrams_total", METRIC_COUNTER, datagrams,
	  "datagrams not relayed: from a source the filter does not admit (gm/saf, gm/spf, latching, "
	  "leg.source_filter), or with no way on (partner not up, held, full socket)" },
	{ "ims_agw_h248_commands_total", METRIC_COUNTER, h248_commands,
	  "commands in the H.248 requests the MGC sent, by command" },
	{ "ims_agw_h248_refused_total", METRIC_COUNTER, h248_refused,
	  "H.248 messages or transactions refused: from other than the MGC (unanswered), over the "
	  "context or termination limits (510)" },
};

void agw_metrics_register(struct metrics *m, struct agw_metrics_src *src)
{
	for (size_t i = 0; i < G_N_ELEMENTS(families); i++)
		metrics_add(m, families[i].name, families[i].type, families[i].help, families[i].collect, src);
	metrics_add_h248_tl(m, "ims_agw", h248_tl_stats(src->tl));
	metrics_add_h248_link(m, "ims_agw", link_fetch, src);
}
