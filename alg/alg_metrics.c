/* SPDX-License-Identifier: GPL-3.0-or-later */
/* alg_metrics: see alg_metrics.h. Names: ims_alg_…, counters end in _total (Prometheus' conventions). */
#include "config.h"
#include "alg_metrics.h"

#include <stdio.h>
#include <string.h>

#include "call.h"
#include "metrics_h248.h"
#include "mgc.h"
#include "proxy.h"

static const char *const sides[2] = { "access", "core" };
static const char *const directions[2] = { "received", "sent" };
/* sofia-sip's sip_method_t, in its order; "other" for the methods it does not know (any name a peer
 * sends would make a label of its own) */
static const char *const methods[ALG_SIP_METHODS] = { "other",    "INVITE",  "ACK",       "CANCEL", "BYE",
						      "OPTIONS",  "REGISTER", "INFO",     "PRACK",  "UPDATE",
						      "MESSAGE",  "SUBSCRIBE", "NOTIFY",  "REFER",  "PUBLISH" };

void alg_sip_count(struct alg_sip_counts *c, int side, bool rx, int method, int status)
{
	if (side < 0 || side > 1)
		return;
	if (status >= 100 && status < 100 + ALG_SIP_CODES)
		c->responses[side][!rx][status - 100]++;
	else if (!status)
		c->requests[side][!rx][method > 0 && method < ALG_SIP_METHODS ? method : 0]++;
}

static const struct {
	enum h248_tok tok;
	const char *name;
} commands[ALG_CMD_COUNT] = {
	[ALG_CMD_ADD] = { H248_TOK_ADD, "Add" },
	[ALG_CMD_MODIFY] = { H248_TOK_MODIFY, "Modify" },
	[ALG_CMD_SUBTRACT] = { H248_TOK_SUBTRACT, "Subtract" },
	[ALG_CMD_MOVE] = { H248_TOK_MOVE, "Move" },
	[ALG_CMD_AUDITVALUE] = { H248_TOK_AUDITVALUE, "AuditValue" },
	[ALG_CMD_AUDITCAP] = { H248_TOK_AUDITCAP, "AuditCapabilities" },
	[ALG_CMD_OTHER] = { H248_TOK_NONE, "other" },
};
static const char *const results[ALG_RESULT_COUNT] = { "ok", "error", "timeout" };

void alg_h248_commands_of(const struct h248_msg *msg, uint8_t n[ALG_CMD_COUNT])
{
	memset(n, 0, ALG_CMD_COUNT);
	const struct h248_node *trans = msg->first;
	while (trans && trans->tok != H248_TOK_TRANSACTION)
		trans = trans->next;
	for (const struct h248_node *c = trans ? trans->first : NULL; c; c = c->next) {
		if (c->kind != H248_NODE_TOKEN || c->tok != H248_TOK_CONTEXT)
			continue;
		for (const struct h248_node *cmd = c->first; cmd; cmd = cmd->next) {
			unsigned i = 0;
			while (i < ALG_CMD_OTHER && cmd->tok != commands[i].tok)
				i++;
			if (cmd->kind == H248_NODE_TOKEN && n[i] < UINT8_MAX)
				n[i]++;
		}
	}
}

/* Whether an Error descriptor is anywhere in the Reply (the transaction's or a command's). */
static bool has_error(const struct h248_node *n)
{
	for (const struct h248_node *c = n->first; c; c = c->next)
		if ((c->kind == H248_NODE_TOKEN && c->tok == H248_TOK_ERROR) || has_error(c))
			return true;
	return false;
}

void alg_h248_result(struct alg_h248_counts *c, const uint8_t n[ALG_CMD_COUNT], const struct h248_node *reply)
{
	enum alg_result r = !reply ? ALG_RESULT_TIMEOUT : has_error(reply) ? ALG_RESULT_ERROR : ALG_RESULT_OK;
	for (unsigned i = 0; i < ALG_CMD_COUNT; i++)
		c->commands[i][r] += n[i];
}

struct src {
	struct proxy *proxy;
	struct mgc *mgc;
};

static void sip_requests(void *arg, struct metrics_out *out)
{
	const struct alg_sip_counts *c = proxy_sip_counts(((struct src *)arg)->proxy);
	for (unsigned s = 0; s < 2; s++)
		for (unsigned d = 0; d < 2; d++)
			for (unsigned m = 1; m <= ALG_SIP_METHODS; m++) /* "other" last */
				metrics_sample(out, c->requests[s][d][m % ALG_SIP_METHODS], "side", sides[s],
					       "direction", directions[d], "method", methods[m % ALG_SIP_METHODS],
					       NULL);
}

static void sip_responses(void *arg, struct metrics_out *out)
{
	const struct alg_sip_counts *c = proxy_sip_counts(((struct src *)arg)->proxy);
	for (unsigned s = 0; s < 2; s++)
		for (unsigned d = 0; d < 2; d++)
			for (unsigned k = 0; k < ALG_SIP_CODES; k++) {
				if (!c->responses[s][d][k]) /* the codes seen so far */
					continue;
				char code[8];
				snprintf(code, sizeof code, "%u", k + 100);
				metrics_sample(out, c->responses[s][d][k], "side", sides[s], "direction",
					       directions[d], "code", code, NULL);
			}
}

static void registrations(void *arg, struct metrics_out *out)
{
	metrics_sample(out, proxy_registrations(((struct src *)arg)->proxy), NULL);
}

static void calls(void *arg, struct metrics_out *out)
{
	unsigned steps[CALL_STEPS];
	uint64_t ended[CALL_OUTCOMES];
	calls_stats(proxy_calls(((struct src *)arg)->proxy), steps, ended);
	for (unsigned i = 0; i < CALL_STEPS; i++)
		metrics_sample(out, steps[i], "state", call_step_name(i), NULL);
}

static void calls_ended(void *arg, struct metrics_out *out)
{
	unsigned steps[CALL_STEPS];
	uint64_t ended[CALL_OUTCOMES];
	calls_stats(proxy_calls(((struct src *)arg)->proxy), steps, ended);
	for (unsigned i = 0; i < CALL_OUTCOMES; i++)
		metrics_sample(out, ended[i], "outcome", call_outcome_names[i], NULL);
}

static void gateways(void *arg, struct metrics_out *out)
{
	struct mgc_stats s;
	mgc_stats(((struct src *)arg)->mgc, &s);
	metrics_sample(out, s.gateways_up, "state", "up", NULL);
	metrics_sample(out, s.gateways_lost, "state", "lost", NULL);
}

static void h248_commands(void *arg, struct metrics_out *out)
{
	struct mgc_stats s;
	mgc_stats(((struct src *)arg)->mgc, &s);
	for (unsigned i = 0; i < ALG_CMD_COUNT; i++)
		for (unsigned r = 0; r < ALG_RESULT_COUNT; r++)
			metrics_sample(out, s.h248.commands[i][r], "command", commands[i].name, "result", results[r],
				       NULL);
}

static void h248_refused(void *arg, struct metrics_out *out)
{
	struct mgc_stats s;
	mgc_stats(((struct src *)arg)->mgc, &s);
	metrics_sample(out, s.strangers, "reason", "not_allowed", NULL);
	metrics_sample(out, s.takeovers, "reason", "takeover", NULL);
	metrics_sample(out, s.over_pending, "reason", "max_pending", NULL);
}

static void link_fetch(void *arg, struct h248_link_stats *l, uint64_t *oversized)
{
	struct mgc_stats s;
	mgc_stats(((struct src *)arg)->mgc, &s);
	*l = s.link;
	*oversized = s.oversized;
}

static const struct {
	const char *name;
	enum metric_type type;
	metrics_collect *collect;
	const char *help;
} families[] = {
	{ "ims_alg_registrations", METRIC_GAUGE, registrations, "registered contacts (bindings) now" },
	{ "ims_alg_calls", METRIC_GAUGE, calls, "calls now, by the step of their H.248 sequence" },
	{ "ims_alg_calls_ended_total", METRIC_COUNTER, calls_ended,
	  "calls ended: answered (their media configured), unanswered (refused, cancelled, failed before), "
	  "media_failed (the gateway reported a failure or was lost)" },
	{ "ims_alg_sip_requests_total", METRIC_COUNTER, sip_requests,
	  "SIP requests received and sent, per side, by method (transaction-layer retransmissions not "
	  "counted)" },
	{ "ims_alg_sip_responses_total", METRIC_COUNTER, sip_responses,
	  "SIP responses received and sent, per side, by status code" },
	{ "ims_alg_gateways", METRIC_GAUGE, gateways, "gateways that registered, by state: up (in the pool) or lost" },
	{ "ims_alg_h248_commands_total", METRIC_COUNTER, h248_commands,
	  "commands of the MGC's requests to its gateways, by command and the result of their transaction" },
	{ "ims_alg_h248_refused_total", METRIC_COUNTER, h248_refused,
	  "H.248 refused: messages from sources or mIds not allowed, claiming a registered gateway from "
	  "elsewhere, and requests not sent over h248.max_pending" },
};

void alg_metrics_register(struct metrics *m, struct proxy *proxy, struct mgc *mgc)
{
	struct src *src = g_new(struct src, 1);
	*src = (struct src){ proxy, mgc };
	metrics_keep(m, src);
	for (size_t i = 0; i < G_N_ELEMENTS(families); i++)
		metrics_add(m, families[i].name, families[i].type, families[i].help, families[i].collect, src);
	struct mgc_stats s;
	mgc_stats(mgc, &s);
	metrics_add_h248_tl(m, "ims_alg", s.tl);
	metrics_add_h248_link(m, "ims_alg", link_fetch, src);
}
