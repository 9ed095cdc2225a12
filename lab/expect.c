/* SPDX-License-Identifier: GPL-3.0-or-later */
/* expect: see expect.h. */
#include "config.h"
#include "expect.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "bfcp.h"
#include "evlog.h"
#include "msdp.h"
#include "msg.h"
#include "msrp.h"
#include "party.h"
#include "scenario.h"
#include "view.h"
#include "wire.h"

static const char *const wire_text[WIRE_COUNT] = {
#define WIRE_TEXT(id, key, text, where, status) [WIRE_##id] = text,
	WIRE_IES(WIRE_TEXT)
#undef WIRE_TEXT
};

struct party *expect_party(const struct expect_ctx *c, const char *name)
{
	for (struct party **p = c->parties; name && *p; p++)
		if (!strcmp((*p)->name, name))
			return *p;
	return NULL;
}

const char *expect_title(const struct expect_ctx *c, const char *column)
{
	struct party *p = expect_party(c, column);
	if (p)
		return p->title;
	if (!column)
		return "an unknown address";
	if (!strcmp(column, "alg"))
		return c->traced & TRACE_BY_ALG ? "ims-alg" : "the controller under test";
	return c->traced & TRACE_BY_AGW ? "ims-agw" : "the gateway under test";
}

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* ---- taking events: bit 0 the event itself, bit 1 + k its k-th H.248 command ---- */

static bool taken(const struct lab_event *e, unsigned part)
{
	return part < 64 && (e->taken >> part & 1);
}

static void take(struct lab_event *e, unsigned part, const char *step)
{
	if (part < 64)
		e->taken |= UINT64_C(1) << part;
	if (!e->label) {
		e->label = g_strdup(step);
	} else if (!strstr(e->label, step)) {
		char *both = g_strdup_printf("%s, %s", e->label, step);
		g_free(e->label);
		e->label = both;
	}
}

/* One candidate judged: true when it fits (bad NULL); else the first candidate's reason stays in *why. */
static bool judge(char **why, char *bad)
{
	if (!bad) {
		g_clear_pointer(why, g_free);
		return true;
	}
	if (!*why)
		*why = bad;
	else
		g_free(bad);
	return false;
}

/* ---- H.248 ---- */

static const struct h248_node *find(const struct h248_node *n, enum h248_tok tok)
{
	for (const struct h248_node *k = n->first; k; k = k->next) {
		const struct h248_node *hit = k->kind == H248_NODE_TOKEN && k->tok == tok ? k : find(k, tok);
		if (hit)
			return hit;
	}
	return NULL;
}

/* A PROP named name anywhere under n. */
static const struct h248_node *find_prop(const struct h248_node *n, const char *name)
{
	for (const struct h248_node *k = n->first; k; k = k->next) {
		if (k->kind == H248_NODE_PROP && h248_str_caseeq(k->name, name))
			return k;
		const struct h248_node *deeper = find_prop(k, name);
		if (deeper)
			return deeper;
	}
	return NULL;
}

/* "sha-256 AB:…" of s's first fingerprint, "" without. */
static void fingerprint_text(const struct msdp *s, char out[256])
{
	*out = 0;
	if (s->nfingerprints)
		snprintf(out, 256, "%s %s", s->fingerprints[0].hash, s->fingerprints[0].value);
}

/* value is a fingerprint the gateway gave in the Local of one of its replies: what "agw" means. */
static bool agw_fingerprint(const struct expect_ctx *c, const char *value)
{
	GPtrArray *events = evlog_events(c->log);
	bool found = false;
	for (guint i = 0; i < events->len && !found; i++) {
		struct lab_event *e = events->pdata[i];
		const struct h248_msg *m = view_h248(c, e, false);
		GPtrArray *locals = g_ptr_array_new();
		for (const struct h248_node *t = m ? m->first : NULL; t; t = t->next)
			if (t->tok == H248_TOK_REPLY)
				view_collect(t, H248_TOK_LOCAL, locals);
		for (guint k = 0; k < locals->len && !found; k++) {
			const struct h248_node *l = locals->pdata[k];
			struct msdp s;
			char *err = NULL, fp[256];
			struct h248_str sdp = h248_sdp(l);
			if (msdp_parse(sdp.p, sdp.n, &s, &err)) {
				fingerprint_text(&s, fp);
				found = !g_ascii_strcasecmp(fp, value);
			}
			msdp_clear(&s);
			g_free(err);
		}
		g_ptr_array_free(locals, TRUE);
	}
	return found;
}

/* want: "absent", "present", "agw", "$" (H.248 CHOOSE) or a party's name. NULL when fp fits. */
static char *fingerprint_mismatch(const struct expect_ctx *c, const char *want, bool has, bool choose,
				  const char *fp, const char *where)
{
	struct party *p = expect_party(c, want);
	if (!strcmp(want, "absent"))
		return has || choose
			   ? g_strdup_printf("a=fingerprint %s was present (%s), expected none", where, fp)
			   : NULL;
	if (!strcmp(want, "$"))
		return choose ? NULL : g_strdup_printf("a=fingerprint %s was not CHOOSE ($)", where);
	if (!has)
		return g_strdup_printf("a=fingerprint %s was missing", where);
	if (!strcmp(want, "present"))
		return NULL;
	if (!strcmp(want, "agw"))
		return agw_fingerprint(c, fp)
			   ? NULL
			   : g_strdup_printf("a=fingerprint %s was %s, not the gateway's", where, fp);
	if (p && g_ascii_strcasecmp(fp, p->id.fingerprint))
		return g_strdup_printf("a=fingerprint %s was %s, not %s's certificate", where, fp, p->title);
	return NULL;
}

static bool in_realm(const struct expect_ctx *c, unsigned port)
{
	return (port >= c->realm[0][0] && port <= c->realm[0][1]) ||
	       (port >= c->realm[1][0] && port <= c->realm[1][1]);
}

/* want: "$", "agw" (in the gateway's realms, or given in its replies when they are unknown), a party's name
 * (its media port) or a number. */
static char *port_mismatch(const struct expect_ctx *c, const char *want, unsigned port, bool choose,
			   const char *where)
{
	struct party *p = expect_party(c, want);
	bool ok = !strcmp(want, "$") ? choose
		  : !strcmp(want, "agw")
		      ? !choose && (c->realm[0][0] ? in_realm(c, port) : view_agw_port(c, port))
		  : p ? port == p->media_port
		      : port == (unsigned)atoi(want);
	return ok ? NULL
		  : g_strdup_printf("the m= port %s was %s%u, expected %s%s", where,
				    choose ? "CHOOSE, not " : "", port, p ? "the port of " : "",
				    p ? p->title : want);
}

static char *word_mismatch(const char *what, const char *want, const char *got, const char *where)
{
	if (!strcmp(want, "absent"))
		return *got ? g_strdup_printf("%s %s was %s, expected none", what, where, got) : NULL;
	if (!*got)
		return g_strdup_printf("%s %s was missing (expected %s)", what, where, want);
	return strcmp(want, got) ? g_strdup_printf("%s %s was %s, expected %s", what, where, got, want)
				 : NULL;
}

/* An SDP — a SIP body, an H.248 Local or Remote — against a media check object: the first difference,
 * or NULL. */
static char *media_mismatch(const struct expect_ctx *c, json_object *chk, const struct msdp *s,
			    const char *where)
{
	const char *w;
	char *why = NULL, fp[256];
	fingerprint_text(s, fp);
	if ((w = jstr(chk, "transport", NULL)) &&
	    (why = word_mismatch("the m= transport", w, s->proto, where)))
		return why;
	if ((w = jstr(chk, "setup", NULL)) &&
	    (why = word_mismatch("a=setup", w, msdp_setup_names[s->setup], where)))
		return why;
	if ((w = jstr(chk, "e2ae", NULL)) && (why = word_mismatch("a=3ge2ae", w, s->e2ae, where)))
		return why;
	if ((w = jstr(chk, "address", NULL)) &&
	    (why = word_mismatch("the c= address", w, s->addr_choose ? "$" : s->addr, where)))
		return why;
	if ((w = jstr(chk, "fingerprint", NULL)) &&
	    (why = fingerprint_mismatch(c, w, s->nfingerprints > 0, s->fingerprint_choose, fp, where)))
		return why;
	if ((w = jstr(chk, "port", NULL)) && (why = port_mismatch(c, w, s->port, s->port_choose, where)))
		return why;
	return NULL;
}

/* ---- the kinds of expectation ---- */

/* "toward UE A" or "from UE A" */
static char *hop(const struct expect_ctx *c, const char *from, const char *to)
{
	return expect_party(c, to) ? g_strdup_printf("toward %s", expect_title(c, to))
				   : g_strdup_printf("from %s", expect_title(c, from));
}

static char *try_sip(struct expect_ctx *c, json_object *o, const char *step)
{
	const char *from = jstr(o, "from", ""), *to = jstr(o, "to", ""), *method = jstr(o, "method", NULL);
	const char *reason = jstr(o, "reason", NULL);
	int status = jint(o, "status", 0);
	json_object *chk = jget(o, "sdp");
	char *where = hop(c, from, to), *why = NULL;
	GPtrArray *events = evlog_events(c->log);
	bool met = false;
	for (guint i = 0; i < events->len && !met; i++) {
		struct lab_event *e = events->pdata[i];
		if ((e->k != TRACE_SIP_RX && e->k != TRACE_SIP_TX) ||
		    !same(e->component, view_sip_observer(c, to)) || !same(e->src, from) ||
		    !same(e->dst, to) || taken(e, 0))
			continue;
		const sip_t *sip = evlog_sip(e);
		const struct msdp *sdp = evlog_sdp(e);
		bool has_body = sip && sip->sip_payload && sip->sip_payload->pl_len;
		if (!sip ||
		    (method ? !sip->sip_request || strcmp(sip->sip_request->rq_method_name, method)
			    : !sip->sip_status || sip->sip_status->st_status != status) ||
		    (chk && !has_body)) /* an SDP check is about messages with SDP (not a REGISTER's 200) */
			continue;
		char *bad = NULL;
		if (reason && (!sip->sip_status || strcmp(sip->sip_status->st_phrase, reason)))
			bad = g_strdup_printf("the %d %s was \"%s\", expected \"%s\"", status, where,
					      sip->sip_status ? sip->sip_status->st_phrase : "", reason);
		else if (chk && !sdp)
			bad = g_strdup_printf("the SDP %s could not be read", where);
		else if (chk)
			bad = media_mismatch(c, chk, sdp, where);
		if ((met = judge(&why, bad)))
			take(e, 0, step);
	}
	if (!met && !why) {
		char code[16];
		snprintf(code, sizeof code, "%d", status);
		why = g_strdup_printf("no SIP %s%s from %s to %s was seen", method ? method : code,
				      chk ? " with SDP" : "", expect_title(c, from), expect_title(c, to));
	}
	g_free(where);
	return why;
}

/* A Local or Remote of cmd against its check object. */
static char *descriptor_mismatch(const struct expect_ctx *c, const struct h248_node *cmd, enum h248_tok tok,
				 json_object *chk, const char *name)
{
	const char *which = tok == H248_TOK_LOCAL ? "Local" : "Remote";
	const struct h248_node *d = find(cmd, tok);
	if (!d)
		return g_strdup_printf("the %s had no %s", name, which);
	struct msdp s;
	char *err = NULL, *why, *where = g_strdup_printf("in the %s's %s", name, which);
	struct h248_str sdp = h248_sdp(d);
	why = msdp_parse(sdp.p, sdp.n, &s, &err) ? media_mismatch(c, chk, &s, where)
						 : g_strdup_printf("%s: %s", where, err);
	msdp_clear(&s);
	g_free(err), g_free(where);
	return why;
}

/* cmd (an Add, Modify, Subtract or Notify) against the h248 check object. */
static char *command_mismatch(const struct expect_ctx *c, const struct h248_node *cmd, json_object *o,
			      const char *name)
{
	const char *w;
	json_object *chk, *list;
	const struct h248_node *n;
	if ((w = jstr(o, "realm", NULL)) &&
	    (!(n = find_prop(cmd, wire_text[WIRE_REALM])) || !h248_str_eq(n->value.text, w)))
		return g_strdup_printf("the %s was not in realm %s", name, w);
	if (jbool(o, "filters", false) &&
	    (!find_prop(cmd, wire_text[WIRE_SAF]) || !find_prop(cmd, wire_text[WIRE_SPF])))
		return g_strdup_printf("the %s asked for no source filtering (%s, %s)", name,
				       wire_text[WIRE_SAF], wire_text[WIRE_SPF]);
	if (jget(o, "filters") && !jbool(o, "filters", true) && find_prop(cmd, wire_text[WIRE_SAF]))
		return g_strdup_printf("the %s asked for source filtering", name);
	if (jget(o, "psk") && jbool(o, "psk", false) != (find_prop(cmd, wire_text[WIRE_TLS_PSK]) != NULL))
		return g_strdup_printf("the %s %s a pre-shared key (%s)", name,
				       jbool(o, "psk", false) ? "gave no" : "gave", wire_text[WIRE_TLS_PSK]);
	if (jget(o, "latch") && jbool(o, "latch", false) != (find_prop(cmd, wire_text[WIRE_LATCH]) != NULL))
		return g_strdup_printf("the %s %s latching (%s)", name,
				       jbool(o, "latch", false) ? "asked for no" : "asked for",
				       wire_text[WIRE_LATCH]);
	for (int k = 0; k < 2; k++) {
		char *why;
		if ((chk = jget(o, k ? "remote" : "local")) &&
		    (why = descriptor_mismatch(c, cmd, k ? H248_TOK_REMOTE : H248_TOK_LOCAL, chk, name)))
			return why;
	}
	if ((w = jstr(o, "signal", NULL)) && (!(n = find(cmd, H248_TOK_SIGNALS)) || !find_prop(n, w)))
		return g_strdup_printf("the %s did not signal %s", name, w);
	if ((w = jstr(o, "event", NULL)) && (!(n = find(cmd, H248_TOK_OBSERVEDEVENTS)) || !find_prop(n, w)))
		return g_strdup_printf("the %s did not report %s", name, w);
	for (size_t i = 0; (list = jget(o, "events")) && i < json_object_array_length(list); i++) {
		w = json_object_get_string(json_object_array_get_idx(list, i));
		if (!(n = find(cmd, H248_TOK_EVENTS)) || !find_prop(n, w))
			return g_strdup_printf("the %s did not request the event %s", name, w);
	}
	return NULL;
}

struct command {
	const struct h248_node *txn, *cmd;
};

/* The commands of m's transactions in order (NULL m: none); the k-th is the event's part 1 + k. */
static GArray *commands_of(const struct h248_msg *m)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(struct command));
	for (const struct h248_node *t = m ? m->first : NULL; t; t = t->next)
		for (const struct h248_node *ctx = t->tok == H248_TOK_TRANSACTION ? t->first : NULL; ctx;
		     ctx = ctx->next)
			for (const struct h248_node *cmd = ctx->first; cmd; cmd = cmd->next)
				if (cmd->kind == H248_NODE_TOKEN)
					g_array_append_val(out, ((struct command){ t, cmd }));
	return out;
}

/* The reply to transaction tid that ims-alg received: NULL when it fits chk (labelled), else why. */
static char *reply_mismatch(struct expect_ctx *c, struct h248_str tid, json_object *chk, const char *name,
			    const char *step)
{
	GPtrArray *events = evlog_events(c->log);
	int want = jint(chk, "error", 0);
	for (guint i = 0; i < events->len; i++) {
		struct lab_event *e = events->pdata[i];
		const struct h248_msg *m = view_h248(c, e, false);
		const struct h248_node *t = m ? m->first : NULL;
		while (t && !(t->tok == H248_TOK_REPLY && t->value.text.n == tid.n &&
			      !memcmp(t->value.text.p, tid.p, tid.n)))
			t = t->next;
		if (!t)
			continue;
		const struct h248_node *err = find(t, H248_TOK_ERROR);
		uint32_t code = 0;
		if (err)
			h248_str_u32(err->value.text, &code);
		if (want && (int)code != want)
			return g_strdup_printf("the reply to the %s was %s%u, expected Error = %d", name,
					       err ? "Error = " : "success, not ", code, want);
		if (!want && err)
			return g_strdup_printf("the %s was refused: Error = %u", name, code);
		take(e, 0, step);
		return NULL;
	}
	return g_strdup_printf("no reply to the %s arrived", name);
}

static char *try_h248(struct expect_ctx *c, json_object *o, const char *step)
{
	const char *cmd_name = jstr(o, "command", "");
	bool notify = !strcmp(cmd_name, "Notify");
	enum h248_tok tok = notify                        ? H248_TOK_NOTIFY
			    : !strcmp(cmd_name, "Add")    ? H248_TOK_ADD
			    : !strcmp(cmd_name, "Modify") ? H248_TOK_MODIFY
							  : H248_TOK_SUBTRACT;
	char *name = jstr(o, "realm", NULL)
			 ? g_strdup_printf("%s in realm %s", cmd_name, jstr(o, "realm", ""))
			 : g_strdup(cmd_name);
	char *why = NULL;
	bool met = false;
	GPtrArray *events = evlog_events(c->log);
	for (guint i = 0; i < events->len && !met; i++) {
		struct lab_event *e = events->pdata[i];
		GArray *cmds = commands_of(view_h248(c, e, !notify));
		for (guint k = 0; k < cmds->len && !met; k++) {
			const struct command *x = &g_array_index(cmds, struct command, k);
			if (x->cmd->tok != tok || h248_str_eq(x->cmd->value.text, "ROOT") || taken(e, 1 + k))
				continue;
			char *bad = command_mismatch(c, x->cmd, o, name);
			if (!bad && jget(o, "reply"))
				bad = reply_mismatch(c, x->txn->value.text, jget(o, "reply"), name, step);
			if ((met = judge(&why, bad)))
				take(e, 1 + k, step);
		}
		g_array_free(cmds, TRUE);
	}
	if (!met && !why && c->mg_view)
		why = g_strdup_printf(notify ? "ims-agw sent no H.248 %s" : "no H.248 %s reached ims-agw",
				      name);
	else if (!met && !why)
		why = g_strdup_printf(notify ? "no H.248 %s reached ims-alg" : "ims-alg sent no H.248 %s",
				      name);
	g_free(name);
	return why;
}

/* tcp, tls and udp: an event of kind between two columns; for alerts, the alert named. */
static char *try_event(struct expect_ctx *c, json_object *o, const char *proto, const char *step)
{
	const char *from = jstr(o, "from", ""), *to = jstr(o, "to", ""), *what = jstr(o, "event", "");
	const char *alert = jstr(o, "alert", NULL);
	char *kind = g_strdup_printf("%s.%s", proto, what);
	GPtrArray *events = evlog_events(c->log);
	bool met = false;
	for (guint i = 0; i < events->len && !met; i++) {
		struct lab_event *e = events->pdata[i];
		if (same(e->kind, kind) && same(e->src, from) && same(e->dst, to) && !taken(e, 0) &&
		    (!alert || (e->summary && strstr(e->summary, alert)))) {
			take(e, 0, step);
			met = true;
		}
	}
	g_free(kind);
	static const char *const names[][2] = { { "syn", "SYN" },
						{ "synack", "SYN-ACK" },
						{ "ack", "ACK" },
						{ "accept", "accepted connection" },
						{ "fin", "FIN" },
						{ "rst", "RST" },
						{ "client_hello", "ClientHello" },
						{ "retransmit", "retransmitted flight" },
						{ "latch", "latching" },
						{ "drop", "dropped datagram" },
						{ "lost", "lost datagram" },
						{ "up", "session up" },
						{ "alert", "alert" },
						{ "close_notify", "close_notify" } };
	const char *word = what;
	for (size_t k = 0; k < G_N_ELEMENTS(names); k++)
		if (!strcmp(names[k][0], what))
			word = names[k][1];
	return met ? NULL
		   : g_strdup_printf("no %s %s%s%s from %s to %s was seen",
				     !strcmp(proto, "tcp")   ? "TCP"
				     : !strcmp(proto, "udp") ? "UDP"
							     : "TLS",
				     word, alert ? " " : "", alert ? alert : "", expect_title(c, from),
				     expect_title(c, to));
}

static char *try_data(struct expect_ctx *c, json_object *o, const char *step)
{
	const char *from = jstr(o, "from", ""), *to = jstr(o, "to", "");
	GPtrArray *events = evlog_events(c->log);
	for (guint i = 0; i < events->len; i++) {
		struct lab_event *tx = events->pdata[i];
		if (tx->k != TRACE_DATA_TX || !same(tx->src, from) || taken(tx, 0))
			continue;
		for (guint k = i + 1; k < events->len; k++) {
			struct lab_event *rx = events->pdata[k];
			if (rx->k == TRACE_DATA_RX && same(rx->dst, to) && !taken(rx, 0) &&
			    rx->raw_len == tx->raw_len && !memcmp(rx->raw, tx->raw, rx->raw_len)) {
				take(tx, 0, step);
				take(rx, 0, step);
				return NULL;
			}
		}
	}
	return g_strdup_printf("no bytes from %s reached %s byte-exact", expect_title(c, from),
			       expect_title(c, to));
}

/* ---- MSRP and BFCP: a message that reached a party (its trace keeps the bytes) or the gateway (the
 * summary only) ---- */

/* The Message-ID of an MSRP frame; "" when it has none. */
static void message_id(const struct msrp_frame *f, char out[64])
{
	struct msrp_value v = f->field[MSRP_MESSAGE_ID];
	snprintf(out, 64, "%.*s", v.p ? (int)v.n : 0, v.p ? v.p : "");
}

/* Whether party sent (msrp.tx) a SEND with the Message-ID id. */
static bool sent_id(const struct expect_ctx *c, const char *party, const char *id)
{
	GPtrArray *events = evlog_events(c->log);
	struct msrp_frame f;
	const char *bad;
	char other[64];
	for (guint i = 0; *id && i < events->len; i++) {
		const struct lab_event *e = events->pdata[i];
		if (e->k == TRACE_MSRP_TX && same(e->src, party) && e->raw &&
		    msrp_frame(e->raw, e->raw_len, &f, &bad) == MSRP_COMPLETE &&
		    (message_id(&f, other), !strcmp(other, id)))
			return true;
	}
	return false;
}

static char *msrp_mismatch(const struct expect_ctx *c, json_object *o, const struct lab_event *e)
{
	struct msrp_frame f = { 0 };
	const char *bad, *want = jstr(o, "method", NULL), *body = jstr(o, "body", NULL),
			 *from = jstr(o, "message_id", NULL);
	bool framed = e->raw && msrp_frame(e->raw, e->raw_len, &f, &bad) == MSRP_COMPLETE;
	char word[24] = "";
	if (!framed && e->summary) /* "MSRP SEND 5 bytes (tid)", "MSRP 200 (tid)" */
		sscanf(e->summary, "MSRP %23s", word);
	const char *method = framed ? f.method : g_ascii_isdigit(*word) ? "" : word;
	unsigned status = framed ? f.status : (unsigned)atoi(word);
	if (want && strcmp(method, want))
		return g_strdup_printf("an MSRP %s%s, not %s", *method ? method : "response ",
				       *method ? "" : word, want);
	if (jint(o, "status", 0) && status != (unsigned)jint(o, "status", 0))
		return g_strdup_printf("an MSRP %s%u, not %d", status ? "" : "request, ", status,
				       jint(o, "status", 0));
	if ((body || from) && !framed)
		return g_strdup("a message whose bytes the trace did not keep");
	if (body && (!f.body || f.body_len != strlen(body) || memcmp(f.body, body, f.body_len)))
		return g_strdup_printf("a SEND with the body \"%.*s\", not \"%s\"", (int)MIN(f.body_len, 40),
				       f.body ? f.body : "", body);
	char id[64];
	message_id(&f, id);
	if (from && !sent_id(c, from, id))
		return g_strdup_printf("a SEND with the Message-ID %s, which %s never sent",
				       *id ? id : "(none)", expect_title(c, from));
	return NULL;
}

static char *bfcp_mismatch(json_object *o, const struct lab_event *e)
{
	struct bfcp_msg m = { 0 };
	enum bfcp_error_code ec;
	const char *bad, *want = jstr(o, "primitive", ""), *status = jstr(o, "status", NULL);
	bool framed =
	    e->raw && bfcp_frame((const uint8_t *)e->raw, e->raw_len, &m, &ec, &bad) == BFCP_COMPLETE;
	const char *name = framed ? bfcp_primitive_name(m.primitive) : NULL;
	size_t n = name         ? strlen(name)
		   : e->summary ? strcspn(e->summary, " ")
				: 0; /* the summary's first word */
	if (!name)
		name = e->summary ? e->summary : "";
	if (strlen(want) != n || strncmp(name, want, n))
		return g_strdup_printf("a %.*s, not a %s", (int)n, name, want);
	if ((status || jget(o, "position") || jget(o, "error")) && !framed)
		return g_strdup("a message whose bytes the trace did not keep");
	uint16_t id;
	unsigned st = 0, position = 0;
	bool has = bfcp_request_status(&m, &id, &st, &position);
	const char *is = has ? bfcp_status_name(st) : NULL;
	if (status && g_strcmp0(is, status))
		return g_strdup_printf("a %s with the status %s, not %s", want, is ? is : "(none)", status);
	if (jget(o, "position") && (!has || position != (unsigned)jint(o, "position", 0)))
		return g_strdup_printf("a %s with the queue position %u, not %d", want, position,
				       jint(o, "position", 0));
	struct bfcp_attr a;
	unsigned code = bfcp_attr_find(m.attrs, m.attrs_len, BFCP_A_ERROR_CODE, &a) && a.len ? a.value[0] : 0;
	if (jget(o, "error") && code != (unsigned)jint(o, "error", 0))
		return g_strdup_printf("an Error with the code %u, not %d", code, jint(o, "error", 0));
	return NULL;
}

/* The first message of proto (msrp, bfcp) from one column to another that fits o; the sender's record of
 * it (the same summary) is labelled too. */
static char *try_app(struct expect_ctx *c, json_object *o, const char *proto, const char *step)
{
	const char *from = jstr(o, "from", ""), *to = jstr(o, "to", "");
	char *rx = g_strdup_printf("%s.rx", proto), *tx = g_strdup_printf("%s.tx", proto), *why = NULL;
	GPtrArray *events = evlog_events(c->log);
	struct lab_event *met = NULL;
	for (guint i = 0; i < events->len && !met; i++) {
		struct lab_event *e = events->pdata[i];
		if (!same(e->kind, rx) || !same(e->src, from) || !same(e->dst, to) || taken(e, 0))
			continue;
		char *bad = !strcmp(proto, "msrp") ? msrp_mismatch(c, o, e) : bfcp_mismatch(o, e);
		if (judge(&why, bad))
			met = e;
	}
	for (guint i = 0; met && i < events->len; i++) {
		struct lab_event *e = events->pdata[i];
		if (same(e->kind, tx) && same(e->src, from) && same(e->dst, to) && !taken(e, 0) &&
		    same(e->summary, met->summary)) {
			take(e, 0, step);
			break;
		}
	}
	if (met)
		take(met, 0, step);
	char *failure =
	    met ? NULL
		: g_strdup_printf("no %s message from %s to %s was seen%s%s",
				  !strcmp(proto, "msrp") ? "MSRP" : "BFCP", expect_title(c, from),
				  expect_title(c, to), why ? "; the first was " : "", why ? why : "");
	g_free(why), g_free(rx), g_free(tx);
	return failure;
}

static char *attempt(struct expect_ctx *c, json_object *exp, const char *step)
{
	json_object *o;
	if ((o = jget(exp, "sip")))
		return try_sip(c, o, step);
	if ((o = jget(exp, "h248")))
		return try_h248(c, o, step);
	if ((o = jget(exp, "tcp")))
		return try_event(c, o, "tcp", step);
	if ((o = jget(exp, "tls")))
		return try_event(c, o, "tls", step);
	if ((o = jget(exp, "udp")))
		return try_event(c, o, "udp", step);
	if ((o = jget(exp, "msrp")))
		return try_app(c, o, "msrp", step);
	if ((o = jget(exp, "bfcp")))
		return try_app(c, o, "bfcp", step);
	return try_data(c, jget(exp, "data"), step);
}

char *expect_check(struct expect_ctx *c, json_object *exp, const char *step, unsigned ms)
{
	gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
	for (;;) {
		for (struct party **p = c->parties; *p; p++) /* what reached the participants */
			app_pump(*p);
		evlog_read(c->log);
		if (!c->realm[0][0])
			view_learn_gateway(c), evlog_read(c->log); /* the columns of ports just learnt */
		char *why = attempt(c, exp, step);
		if (!why || g_get_monotonic_time() >= end)
			return why;
		g_free(why);
		lab_spin(c->root, 20);
	}
}
