/* SPDX-License-Identifier: GPL-3.0-or-later */
/* grammar: the context table (see grammar.h). */
#include "config.h"
#include "grammar.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define T(x) H248_TOK_##x
#define END  H248_TOK_NONE

#define CMDS T(ADD), T(MOVE), T(MODIFY), T(SUBTRACT), T(AUDITVALUE), T(AUDITCAP), T(NOTIFY), T(SERVICECHANGE)
#define CTXPROPS                                                                              \
	T(PRIORITY), T(EMERGENCY), T(EMERGENCYOFF), T(IEPSCALL), T(CONTEXTATTR), T(TOPOLOGY), \
	    T(CONTEXTAUDIT), T(CONTEXTLIST)
#define TERM_DESCS       T(MEDIA), T(MODEM), T(MUX), T(EVENTS), T(SIGNALS), T(DIGITMAP), T(EVENTBUFFER)
#define NOTIFY_BEHAVIOUR T(NEVERNOTIFY), T(IMMEDIATENOTIFY), T(REGULATEDNOTIFY), T(RESETEVENTSDESCRIPTOR)

/* The contexts. need: items that must all appear; one_of: at least one of them must (RFC 3525 B.2, H.248.1
 * v3 Annex B: transactionRequest needs an actionRequest, transactionReply an actionReply or an Error,
 * notifyRequest an observedEventsDescriptor, serviceChangeRequest a serviceChangeDescriptor whose
 * serviceChangeMethod and serviceChangeReason are required, auditRequest an auditDescriptor). */
#define NEED(...)           \
	{                   \
		__VA_ARGS__ \
	}
#define ONE_OF(...)         \
	{                   \
		__VA_ARGS__ \
	}
#define NE          G_NONEMPTY
#define TWICE(code) code
#define REPEAT(...)         \
	{                   \
		__VA_ARGS__ \
	}
#define EXCL(a, b)   \
	{            \
		a, b \
	}
static const struct {
	enum h248_ctx ctx;
	struct grammar_ctx info;
	enum h248_tok tokens[40];
} rows[] = {
	{ CTX_BODY,
	  { "message", 0, 400, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0), EXCL(0, 0) },
	  { T(TRANSACTION), T(REPLY), T(PENDING), T(RESPONSEACK), T(SEGMENT), T(ERROR), END } },
	{ CTX_TRANS,
	  { "Transaction", 0, 403, CTX_NONE, NEED(0), ONE_OF(T(CONTEXT)), TWICE(0), REPEAT(0), EXCL(0, 0) },
	  { T(CONTEXT), END } },
	{ CTX_REPLY,
	  { "Reply", 0, 403, CTX_NONE, NEED(0), ONE_OF(T(CONTEXT), T(ERROR)), TWICE(403), REPEAT(T(CONTEXT)),
	    EXCL(T(ERROR), T(CONTEXT)) },
	  { T(IMMACKREQUIRED), T(CONTEXT), T(ERROR), END } },
	{ CTX_PENDING,
	  { "Pending", 0, 403, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0), EXCL(0, 0) },
	  { END } },
	{ CTX_ACK,
	  { "TransactionResponseAck", G_ITEM | G_ACKS | NE, 403, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0),
	    REPEAT(0), EXCL(0, 0) },
	  { END } },
	{ CTX_ACTION_REQ,
	  { "Context", NE, 422, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0), EXCL(0, 0) },
	  { CTXPROPS, CMDS, END } },
	{ CTX_ACTION_REPLY,
	  { "Context", NE, 422, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0), EXCL(0, 0) },
	  { CTXPROPS, CMDS, T(ERROR), END } },
	{ CTX_AMM_REQ,
	  { "command", G_COMMAND | NE, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0), EXCL(0, 0) },
	  { TERM_DESCS, T(AUDIT), END } },
	{ CTX_SUB_REQ,
	  { "Subtract", G_COMMAND | NE, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0), EXCL(0, 0) },
	  { T(AUDIT), END } },
	{ CTX_AUDIT_REQ,
	  { "audit command", G_COMMAND, 442, CTX_NONE, NEED(T(AUDIT)), ONE_OF(0), TWICE(0), REPEAT(0),
	    EXCL(0, 0) },
	  { T(AUDIT), END } },
	{ CTX_NOTIFY_REQ,
	  { "Notify", G_COMMAND, 442, CTX_NONE, NEED(T(OBSERVEDEVENTS)), ONE_OF(0), TWICE(0), REPEAT(0),
	    EXCL(0, 0) },
	  { T(OBSERVEDEVENTS), T(ERROR), END } },
	{ CTX_SC_REQ,
	  { "ServiceChange", G_COMMAND, 442, CTX_NONE, NEED(T(SERVICES)), ONE_OF(0), TWICE(0), REPEAT(0),
	    EXCL(0, 0) },
	  { T(SERVICES), END } },
	{ CTX_CMD_REPLY,
	  { "command reply", G_COMMAND | NE, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0),
	    EXCL(0, 0) },
	  { TERM_DESCS, T(OBSERVEDEVENTS), T(STATISTICS), T(PACKAGES), T(ERROR), T(AUDIT), END } },
	{ CTX_NOTIFY_REPLY,
	  { "Notify reply", G_COMMAND | NE, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(442), REPEAT(0),
	    EXCL(0, 0) },
	  { T(ERROR), END } },
	{ CTX_SC_REPLY,
	  { "ServiceChange reply", G_COMMAND | NE, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(442), REPEAT(0),
	    EXCL(T(ERROR), T(SERVICES)) },
	  { T(SERVICES), T(ERROR), END } },
	{ CTX_SERVICES,
	  { "Services", G_PROP_NAME | G_ITEM, 442, CTX_NONE, NEED(T(METHOD), T(REASON)), ONE_OF(0),
	    TWICE(442), REPEAT(0), EXCL(T(SERVICECHANGEADDRESS), T(MGCIDTOTRY)) },
	  { T(METHOD), T(REASON), T(DELAY), T(SERVICECHANGEADDRESS), T(PROFILE), T(VERSION), T(MGCIDTOTRY),
	    T(SERVICECHANGEINC), T(AUDIT), END } },
	{ CTX_SERVICES_REPLY, /* servChgReplyParm: no Method, Reason, Delay or extension in a reply */
	  { "ServiceChange reply Services", G_ITEM | NE, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(442),
	    REPEAT(0), EXCL(T(SERVICECHANGEADDRESS), T(MGCIDTOTRY)) },
	  { T(SERVICECHANGEADDRESS), T(PROFILE), T(VERSION), T(MGCIDTOTRY), END } },
	{ CTX_MEDIA,
	  { "Media", NE, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(442), REPEAT(T(STREAM)), EXCL(0, 0) },
	  { T(STREAM), T(TERMINATIONSTATE), T(LOCALCONTROL), T(LOCAL), T(REMOTE), T(STATISTICS), END } },
	{ CTX_STREAM,
	  { "Stream", NE, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(442), REPEAT(0), EXCL(0, 0) },
	  { T(LOCALCONTROL), T(LOCAL), T(REMOTE), T(STATISTICS), END } },
	{ CTX_LOCALCONTROL,
	  { "LocalControl", G_PROP_PKGD | NE, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(456), REPEAT(0),
	    EXCL(0, 0) },
	  { T(MODE), T(RESERVEDVALUE), T(RESERVEDGROUP), END } },
	{ CTX_TERMSTATE,
	  { "TerminationState", G_PROP_PKGD | NE, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(456), REPEAT(0),
	    EXCL(0, 0) },
	  { T(SERVICESTATES), T(BUFFER), END } },
	{ CTX_EVENTS,
	  { "Events", G_PROP_PKGD | NE, 442, CTX_EVENT_PARAMS, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0),
	    EXCL(0, 0) },
	  { END } },
	{ CTX_EVENT_PARAMS,
	  { "event", G_PROP_NAME | G_BARE | NE, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0),
	    EXCL(0, 0) },
	  { T(KEEPACTIVE), T(EMBED), T(DIGITMAP), T(STREAM), NOTIFY_BEHAVIOUR, END } },
	{ CTX_EMBED,
	  { "Embed", NE, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(442), REPEAT(0), EXCL(0, 0) },
	  { T(SIGNALS), T(EVENTS), END } },
	{ CTX_SIGNALS,
	  { "Signals", G_PROP_PKGD, 442, CTX_SIGNAL_PARAMS, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0),
	    EXCL(0, 0) },
	  { T(SIGNALLIST), END } },
	{ CTX_SIGNALLIST,
	  { "SignalList", G_PROP_PKGD | NE, 442, CTX_SIGNAL_PARAMS, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0),
	    EXCL(0, 0) },
	  { END } },
	{ CTX_SIGNAL_PARAMS,
	  { "signal", G_PROP_NAME | G_BARE | NE, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0),
	    EXCL(0, 0) },
	  { T(SIGNALTYPE), T(DURATION), T(NOTIFYCOMPLETION), T(KEEPACTIVE), T(STREAM), T(DIRECTION),
	    T(REQUESTID), T(INTERSIGNAL), T(ITERATION), END } },
	{ CTX_OBSERVED,
	  { "ObservedEvents", G_PROP_PKGD | NE, 442, CTX_OBSERVED_PARAMS, NEED(0), ONE_OF(0), TWICE(0),
	    REPEAT(0), EXCL(0, 0) },
	  { END } },
	{ CTX_OBSERVED_PARAMS,
	  { "observed event", G_PROP_NAME | G_BARE | NE, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0),
	    REPEAT(0), EXCL(0, 0) },
	  { T(STREAM), END } },
	{ CTX_EVENTBUFFER,
	  { "EventBuffer", G_PROP_PKGD | NE, 442, CTX_EVENT_PARAMS, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0),
	    EXCL(0, 0) },
	  { END } },
	{ CTX_AUDIT,
	  { "Audit", G_PROP_PKGD | G_BARE | G_NAMES, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0),
	    EXCL(0, 0) },
	  { TERM_DESCS, T(OBSERVEDEVENTS), T(STATISTICS), T(PACKAGES), T(TERMINATIONSTATE), T(STREAM),
	    T(LOCALCONTROL), END } },
	{ CTX_STATISTICS,
	  { "Statistics", G_PROP_PKGD | NE, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0),
	    EXCL(0, 0) },
	  { END } },
	{ CTX_PACKAGES,
	  { "Packages", G_ITEM | NE, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0), EXCL(0, 0) },
	  { END } },
	{ CTX_TOPOLOGY,
	  { "Topology", G_ITEM | G_BARE | NE, 422, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0),
	    EXCL(0, 0) },
	  { T(BOTHWAY), T(ISOLATE), T(ONEWAY), T(ONEWAYEXTERNAL), T(ONEWAYBOTH), T(STREAM), END } },
	{ CTX_CONTEXTAUDIT,
	  { "ContextAudit", G_PROP_PKGD | G_BARE | G_NAMES | NE, 422, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0),
	    REPEAT(0), EXCL(0, 0) },
	  { T(TOPOLOGY), T(EMERGENCY), T(PRIORITY), T(IEPSCALL), T(CONTEXTATTR), T(CONTEXTLIST), T(DIRECTION),
	    T(ANDLGC), T(ORLGC), T(EMERGENCYVALUE), END } },
	{ CTX_CONTEXTATTR,
	  { "ContextAttr", G_PROP_PKGD | NE, 422, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0),
	    EXCL(0, 0) },
	  { END } },
	{ CTX_MUX,
	  { "Mux", G_ITEM | NE, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0), EXCL(0, 0) },
	  { END } },
	{ CTX_MODEM,
	  { "Modem", G_PROP_PKGD, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0), EXCL(0, 0) },
	  { END } },
	{ CTX_REGNOTIFY,
	  { "RegulatedNotify", 0, 442, CTX_NONE, NEED(0), ONE_OF(0), TWICE(0), REPEAT(0), EXCL(0, 0) },
	  { T(EMBED), END } },
};

/* Where each token's {…} leads: [token] = { request context, reply context }. */
const enum h248_ctx grammar_bodies[H248_TOK_COUNT][2] = {
	[T(TRANSACTION)] = { CTX_TRANS, CTX_TRANS },
	[T(REPLY)] = { CTX_REPLY, CTX_REPLY },
	[T(PENDING)] = { CTX_PENDING, CTX_PENDING },
	[T(RESPONSEACK)] = { CTX_ACK, CTX_ACK },
	[T(CONTEXT)] = { CTX_ACTION_REQ, CTX_ACTION_REPLY },
	[T(ADD)] = { CTX_AMM_REQ, CTX_CMD_REPLY },
	[T(MOVE)] = { CTX_AMM_REQ, CTX_CMD_REPLY },
	[T(MODIFY)] = { CTX_AMM_REQ, CTX_CMD_REPLY },
	[T(SUBTRACT)] = { CTX_SUB_REQ, CTX_CMD_REPLY },
	[T(AUDITVALUE)] = { CTX_AUDIT_REQ, CTX_CMD_REPLY },
	[T(AUDITCAP)] = { CTX_AUDIT_REQ, CTX_CMD_REPLY },
	[T(NOTIFY)] = { CTX_NOTIFY_REQ, CTX_NOTIFY_REPLY },
	[T(SERVICECHANGE)] = { CTX_SC_REQ, CTX_SC_REPLY },
	[T(SERVICES)] = { CTX_SERVICES, CTX_SERVICES_REPLY },
	[T(MEDIA)] = { CTX_MEDIA, CTX_MEDIA },
	[T(STREAM)] = { CTX_STREAM, CTX_STREAM },
	[T(LOCALCONTROL)] = { CTX_LOCALCONTROL, CTX_LOCALCONTROL },
	[T(TERMINATIONSTATE)] = { CTX_TERMSTATE, CTX_TERMSTATE },
	[T(EVENTS)] = { CTX_EVENTS, CTX_EVENTS },
	[T(EMBED)] = { CTX_EMBED, CTX_EMBED },
	[T(SIGNALS)] = { CTX_SIGNALS, CTX_SIGNALS },
	[T(SIGNALLIST)] = { CTX_SIGNALLIST, CTX_SIGNALLIST },
	[T(OBSERVEDEVENTS)] = { CTX_OBSERVED, CTX_OBSERVED },
	[T(EVENTBUFFER)] = { CTX_EVENTBUFFER, CTX_EVENTBUFFER },
	[T(AUDIT)] = { CTX_AUDIT, CTX_AUDIT },
	[T(STATISTICS)] = { CTX_STATISTICS, CTX_STATISTICS },
	[T(PACKAGES)] = { CTX_PACKAGES, CTX_PACKAGES },
	[T(TOPOLOGY)] = { CTX_TOPOLOGY, CTX_TOPOLOGY },
	[T(CONTEXTAUDIT)] = { CTX_CONTEXTAUDIT, CTX_CONTEXTAUDIT },
	[T(CONTEXTATTR)] = { CTX_CONTEXTATTR, CTX_CONTEXTATTR },
	[T(MUX)] = { CTX_MUX, CTX_MUX },
	[T(MODEM)] = { CTX_MODEM, CTX_MODEM },
	[T(REGULATEDNOTIFY)] = { CTX_REGNOTIFY, CTX_REGNOTIFY },
};

struct grammar_entry grammar_table[CTX_COUNT];
static bool built;

void grammar_init(void)
{
	if (built)
		return;
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		grammar_table[rows[r].ctx].info = &rows[r].info;
		for (const enum h248_tok *t = rows[r].tokens; *t; t++)
			grammar_table[rows[r].ctx].allowed[*t / 64] |= UINT64_C(1) << (*t % 64);
	}
	built = true;
}

/* Shapes (grammar.h): descriptors whose rule is Token LBRKT … RBRKT, and the Events pairing. */
const uint8_t grammar_shapes[H248_TOK_COUNT] = {
	[T(MEDIA)] = S_BODY,
	[T(STREAM)] = S_BODY,
	[T(STATISTICS)] = S_BODY,
	[T(PACKAGES)] = S_BODY,
	[T(TOPOLOGY)] = S_BODY,
	[T(MUX)] = S_BODY,
	[T(OBSERVEDEVENTS)] = S_BODY | S_PAIRED,
	[T(EVENTS)] = S_PAIRED,
};

/* Values narrower than UINT32: priority and StreamID are UINT16, Version is 1*2(DIGIT). */
uint32_t grammar_max(enum h248_tok t)
{
	switch (t) {
	case T(PRIORITY):
	case T(STREAM):
		return 65535;
	case T(VERSION):
		return 99;
	default:
		return UINT32_MAX;
	}
}

/* Tokens H.248.1 version 3 added to the text grammar (Annex B of H.248.1 v3; Erlang/OTP megaco's v1 and
 * v2 decoders refuse them too): segmentation, context attributes and IEPS, EmergencyOff, the notification
 * behaviours, ServiceChangeInc, the one-way topology variants, the audit selection logic and context
 * lists. */
const uint8_t grammar_versions[H248_TOK_COUNT] = {
	[T(SEGMENT)] = 3,         [T(CONTEXTATTR)] = 3,           [T(IEPSCALL)] = 3,
	[T(EMERGENCYOFF)] = 3,    [T(NEVERNOTIFY)] = 3,           [T(IMMEDIATENOTIFY)] = 3,
	[T(REGULATEDNOTIFY)] = 3, [T(RESETEVENTSDESCRIPTOR)] = 3, [T(SERVICECHANGEINC)] = 3,
	[T(ONEWAYBOTH)] = 3,      [T(ONEWAYEXTERNAL)] = 3,        [T(ANDLGC)] = 3,
	[T(ORLGC)] = 3,           [T(EMERGENCYVALUE)] = 3,        [T(CONTEXTLIST)] = 3,
};

bool grammar_body_optional(enum h248_tok t, bool in_reply, unsigned version)
{
	return t == T(CONTEXT) && in_reply && version >= 3;
}

/* Enumerated values (Annex B: streamMode, serviceChangeMethod, serviceState, eventBufferControl,
 * signalType, reservedValueMode, reservedGroupMode, iepsValue, direction). */
static const struct {
	enum h248_tok tok;
	bool extension;
	enum h248_tok values[8];
} enums[] = {
	{ T(MODE), false, { T(SENDONLY), T(RECVONLY), T(SENDRECV), T(INACTIVE), T(LOOPBACK), END } },
	{ T(METHOD),
	  true,
	  { T(FAILOVER), T(FORCED), T(GRACEFUL), T(RESTART), T(DISCONNECTED), T(HANDOFF), END } },
	{ T(SERVICESTATES), false, { T(TEST), T(OUTOFSERVICE), T(INSERVICE), END } },
	{ T(BUFFER), false, { T(OFF), T(LOCKSTEP), END } },
	{ T(SIGNALTYPE), false, { T(ONOFF), T(TIMEOUT), T(BRIEF), END } },
	{ T(RESERVEDVALUE), false, { T(ON), T(OFF), END } },
	{ T(RESERVEDGROUP), false, { T(ON), T(OFF), END } },
	{ T(IEPSCALL), false, { T(ON), T(OFF), END } },
	{ T(DIRECTION), false, { T(EXTERNAL), T(INTERNAL), T(BOTH), END } },
};

const enum h248_tok *grammar_enum(enum h248_tok t, bool *extension)
{
	for (size_t i = 0; i < sizeof enums / sizeof enums[0]; i++)
		if (enums[i].tok == t) {
			*extension = enums[i].extension;
			return enums[i].values;
		}
	*extension = false;
	return NULL;
}

bool grammar_is_command(enum h248_tok t)
{
	if (!grammar_allows(CTX_ACTION_REQ, t))
		return false;
	const struct grammar_ctx *g = grammar_ctx(grammar_body(t, false));
	return g && (g->items & G_COMMAND);
}

bool grammar_is_descriptor(enum h248_tok t)
{
	switch (t) {
	case T(MEDIA):
	case T(MODEM):
	case T(MUX):
	case T(EVENTS):
	case T(SIGNALS):
	case T(DIGITMAP):
	case T(EVENTBUFFER):
	case T(AUDIT):
	case T(OBSERVEDEVENTS):
	case T(STATISTICS):
	case T(PACKAGES):
	case T(SERVICES):
		return true;
	default:
		return false;
	}
}

bool grammar_extension(struct h248_str w)
{
	return w.n > 2 && (w.p[0] == 'X' || w.p[0] == 'x') && (w.p[1] == '-' || w.p[1] == '+');
}

int grammar_value(const struct h248_node *n, char *why, size_t size)
{
	bool ext;
	const enum h248_tok *allowed = grammar_enum(n->tok, &ext);
	if (!allowed || (ext && n->value.form == H248_VAL_WORD && grammar_extension(n->value.text)))
		return 0;
	for (const enum h248_tok *a = allowed; *a; a++)
		if (n->value.tok == *a)
			return 0;
	char list[160];
	size_t len = 0;
	for (const enum h248_tok *a = allowed; *a && len < sizeof list; a++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
					a == allowed  ? ""
					: a[1] || ext ? ", "
						      : " or ",
					h248_tokens[*a].pretty);
	snprintf(why, size, "%s = %.*s: expected %s%s", h248_tokens[n->tok].pretty, (int)n->value.text.n,
		 n->value.text.p, list, ext ? " or an extension X-name" : "");
	return 449;
}

bool grammar_transaction_ack(struct h248_str w)
{
	uint32_t v;
	const char *dash = memchr(w.p, '-', w.n);
	struct h248_str first = { w.p, dash ? (size_t)(dash - w.p) : w.n };
	return h248_str_u32(first, &v) &&
	       (!dash || h248_str_u32((struct h248_str){ dash + 1, w.n - first.n - 1 }, &v));
}

const char *grammar_describe(const struct h248_node *n, char out[64])
{
	struct h248_str name =
	    n->kind == H248_NODE_TOKEN
		? (struct h248_str){ h248_tokens[n->tok].pretty, strlen(h248_tokens[n->tok].pretty) }
		: n->name;
	if (n->kind == H248_NODE_TOKEN && n->value.form == H248_VAL_WORD && n->value.text.n)
		snprintf(out, 64, "%.*s = %.*s", (int)name.n, name.p, (int)n->value.text.n, n->value.text.p);
	else
		snprintf(out, 64, "%.*s", (int)name.n, name.p);
	return out;
}

int grammar_missing(enum h248_ctx ctx, const struct h248_node *parent, char *why, size_t size)
{
	const struct grammar_ctx *g = grammar_ctx(ctx);
	char d[64];
	/* a required item missing is H.248.8's 472, Required Information Missing (what ims-alg's MGC answered
	 * a ServiceChange without its Reason with before the codec checked it) */
	for (size_t i = 0; i < sizeof g->need / sizeof g->need[0] && g->need[i]; i++)
		if (!h248_child(parent, g->need[i], NULL)) {
			snprintf(why, size, "%s has no %s%s: it is required", grammar_describe(parent, d),
				 h248_tokens[g->need[i]].pretty,
				 grammar_is_descriptor(g->need[i]) ? " descriptor" : "");
			return 472;
		}
	size_t n = 0, len = 0;
	bool found = !g->one_of[0];
	for (; n < sizeof g->one_of / sizeof g->one_of[0] && g->one_of[n]; n++)
		found = found || h248_child(parent, g->one_of[n], NULL);
	if (!found) {
		len = (size_t)snprintf(why, size, "%s has no ", grammar_describe(parent, d));
		for (size_t i = 0; i < n && len < size; i++)
			len += (size_t)snprintf(why + len, size - len, "%s%s", i ? " and no " : "",
						h248_tokens[g->one_of[i]].pretty);
		if (len < size)
			snprintf(why + len, size - len, "%s",
				 n > 1 ? " descriptor" : ": it needs at least one");
		return g->error;
	}
	if (g->exclusive[0] && h248_child(parent, g->exclusive[0], NULL) &&
	    h248_child(parent, g->exclusive[1], NULL)) {
		snprintf(why, size, "%s holds %s and %s: one or the other", grammar_describe(parent, d),
			 h248_tokens[g->exclusive[0]].pretty, h248_tokens[g->exclusive[1]].pretty);
		return g->error;
	}
	if ((g->items & G_NONEMPTY) && !parent->first) {
		snprintf(why, size, "%s { } is empty: %s needs at least one item",
			 grammar_describe(parent, d), g->name);
		return g->error;
	}
	return 0;
}

bool grammar_context_id(struct h248_str w)
{
	uint32_t v;
	return (w.n == 1 && (*w.p == '$' || *w.p == '*' || *w.p == '-')) || h248_str_u32(w, &v);
}

bool grammar_transaction_id(struct h248_str w)
{
	uint32_t v;
	const char *slash = memchr(w.p, '/', w.n);
	return h248_str_u32((struct h248_str){ w.p, slash ? (size_t)(slash - w.p) : w.n }, &v);
}

int grammar_shaped(const struct h248_node *n, bool in_reply, bool *on_token, char *why, size_t size)
{
	unsigned shape = grammar_shape(n->tok);
	enum h248_ctx body = grammar_body(n->tok, in_reply);
	const struct grammar_ctx *bg = body ? grammar_ctx(body) : NULL;
	bool has_body = n->flags & H248_F_BODY, has_value = n->value.form != H248_VAL_NONE;
	char d[64];
	*on_token = true;
	if (has_body) {
		if (!(shape & S_PAIRED) || has_value)
			return 0;
		snprintf(why, size, "%s {...} needs a request identifier: %s = <id> {...}",
			 grammar_describe(n, d), d);
		return bg->error;
	}
	if (bg && !(shape & (S_BODY | S_PAIRED)) && (bg->need[0] || bg->one_of[0]))
		return grammar_missing(body, n, why, size); /* names the first item missing */
	if ((shape & S_BODY) || (shape & S_PAIRED && has_value)) {
		*on_token = false;
		snprintf(why, size, "%s needs its {...}", grammar_describe(n, d));
		return bg ? bg->error : 442;
	}
	return 0;
}
