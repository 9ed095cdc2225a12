/* grammar: the context table (see grammar.h). */
#include "config.h"
#include "grammar.h"

#include <stdint.h>

#define T(x) H248_TOK_##x
#define END  H248_TOK_NONE

#define CMDS T(ADD), T(MOVE), T(MODIFY), T(SUBTRACT), T(AUDITVALUE), T(AUDITCAP), T(NOTIFY), T(SERVICECHANGE)
#define CTXPROPS                                                                              \
	T(PRIORITY), T(EMERGENCY), T(EMERGENCYOFF), T(IEPSCALL), T(CONTEXTATTR), T(TOPOLOGY), \
	    T(CONTEXTAUDIT), T(CONTEXTLIST)
#define TERM_DESCS       T(MEDIA), T(MODEM), T(MUX), T(EVENTS), T(SIGNALS), T(DIGITMAP), T(EVENTBUFFER)
#define NOTIFY_BEHAVIOUR T(NEVERNOTIFY), T(IMMEDIATENOTIFY), T(REGULATEDNOTIFY), T(RESETEVENTSDESCRIPTOR)

static const struct {
	enum h248_ctx ctx;
	struct grammar_ctx info;
	enum h248_tok tokens[40];
} rows[] = {
	{ CTX_BODY,
	  { "message", 0, 400, CTX_NONE },
	  { T(TRANSACTION), T(REPLY), T(PENDING), T(RESPONSEACK), T(SEGMENT), T(ERROR), END } },
	{ CTX_TRANS, { "Transaction", 0, 403, CTX_NONE }, { T(CONTEXT), END } },
	{ CTX_REPLY, { "Reply", 0, 403, CTX_NONE }, { T(IMMACKREQUIRED), T(CONTEXT), T(ERROR), END } },
	{ CTX_PENDING, { "Pending", 0, 403, CTX_NONE }, { END } },
	{ CTX_ACK, { "TransactionResponseAck", G_ITEM, 403, CTX_NONE }, { END } },
	{ CTX_ACTION_REQ, { "Context", 0, 422, CTX_NONE }, { CTXPROPS, CMDS, END } },
	{ CTX_ACTION_REPLY, { "Context", 0, 422, CTX_NONE }, { CTXPROPS, CMDS, T(ERROR), END } },
	{ CTX_AMM_REQ, { "command", G_COMMAND, 442, CTX_NONE }, { TERM_DESCS, T(AUDIT), END } },
	{ CTX_SUB_REQ, { "Subtract", G_COMMAND, 442, CTX_NONE }, { T(AUDIT), END } },
	{ CTX_AUDIT_REQ, { "audit command", G_COMMAND, 442, CTX_NONE }, { T(AUDIT), END } },
	{ CTX_NOTIFY_REQ, { "Notify", G_COMMAND, 442, CTX_NONE }, { T(OBSERVEDEVENTS), T(ERROR), END } },
	{ CTX_SC_REQ, { "ServiceChange", G_COMMAND, 442, CTX_NONE }, { T(SERVICES), END } },
	{ CTX_CMD_REPLY,
	  { "command reply", G_COMMAND, 442, CTX_NONE },
	  { TERM_DESCS, T(OBSERVEDEVENTS), T(STATISTICS), T(PACKAGES), T(ERROR), T(AUDIT), END } },
	{ CTX_NOTIFY_REPLY, { "Notify reply", G_COMMAND, 442, CTX_NONE }, { T(ERROR), END } },
	{ CTX_SC_REPLY, { "ServiceChange reply", G_COMMAND, 442, CTX_NONE }, { T(SERVICES), T(ERROR), END } },
	{ CTX_SERVICES,
	  { "Services", G_PROP_NAME | G_ITEM, 442, CTX_NONE },
	  { T(METHOD), T(REASON), T(DELAY), T(SERVICECHANGEADDRESS), T(PROFILE), T(VERSION), T(MGCIDTOTRY),
	    T(SERVICECHANGEINC), T(AUDIT), END } },
	{ CTX_MEDIA,
	  { "Media", 0, 442, CTX_NONE },
	  { T(STREAM), T(TERMINATIONSTATE), T(LOCALCONTROL), T(LOCAL), T(REMOTE), T(STATISTICS), END } },
	{ CTX_STREAM,
	  { "Stream", 0, 442, CTX_NONE },
	  { T(LOCALCONTROL), T(LOCAL), T(REMOTE), T(STATISTICS), END } },
	{ CTX_LOCALCONTROL,
	  { "LocalControl", G_PROP_PKGD, 442, CTX_NONE },
	  { T(MODE), T(RESERVEDVALUE), T(RESERVEDGROUP), END } },
	{ CTX_TERMSTATE,
	  { "TerminationState", G_PROP_PKGD, 442, CTX_NONE },
	  { T(SERVICESTATES), T(BUFFER), END } },
	{ CTX_EVENTS, { "Events", G_PROP_PKGD, 442, CTX_EVENT_PARAMS }, { END } },
	{ CTX_EVENT_PARAMS,
	  { "event", G_PROP_NAME, 442, CTX_NONE },
	  { T(KEEPACTIVE), T(EMBED), T(DIGITMAP), T(STREAM), NOTIFY_BEHAVIOUR, END } },
	{ CTX_EMBED, { "Embed", 0, 442, CTX_NONE }, { T(SIGNALS), T(EVENTS), END } },
	{ CTX_SIGNALS, { "Signals", G_PROP_PKGD, 442, CTX_SIGNAL_PARAMS }, { T(SIGNALLIST), END } },
	{ CTX_SIGNALLIST, { "SignalList", G_PROP_PKGD, 442, CTX_SIGNAL_PARAMS }, { END } },
	{ CTX_SIGNAL_PARAMS,
	  { "signal", G_PROP_NAME, 442, CTX_NONE },
	  { T(SIGNALTYPE), T(DURATION), T(NOTIFYCOMPLETION), T(KEEPACTIVE), T(STREAM), T(DIRECTION),
	    T(REQUESTID), T(INTERSIGNAL), T(ITERATION), END } },
	{ CTX_OBSERVED, { "ObservedEvents", G_PROP_PKGD, 442, CTX_OBSERVED_PARAMS }, { END } },
	{ CTX_OBSERVED_PARAMS, { "observed event", G_PROP_NAME, 442, CTX_NONE }, { T(STREAM), END } },
	{ CTX_EVENTBUFFER, { "EventBuffer", G_PROP_PKGD, 442, CTX_EVENT_PARAMS }, { END } },
	{ CTX_AUDIT,
	  { "Audit", G_PROP_PKGD, 442, CTX_NONE },
	  { TERM_DESCS, T(OBSERVEDEVENTS), T(STATISTICS), T(PACKAGES), T(TERMINATIONSTATE), T(STREAM),
	    T(LOCALCONTROL), END } },
	{ CTX_STATISTICS, { "Statistics", G_PROP_PKGD, 442, CTX_NONE }, { END } },
	{ CTX_PACKAGES, { "Packages", G_ITEM, 442, CTX_NONE }, { END } },
	{ CTX_TOPOLOGY,
	  { "Topology", G_ITEM, 442, CTX_NONE },
	  { T(BOTHWAY), T(ISOLATE), T(ONEWAY), T(ONEWAYEXTERNAL), T(ONEWAYBOTH), T(STREAM), END } },
	{ CTX_CONTEXTAUDIT,
	  { "ContextAudit", G_PROP_PKGD, 422, CTX_NONE },
	  { T(TOPOLOGY), T(EMERGENCY), T(PRIORITY), T(IEPSCALL), T(CONTEXTATTR), T(CONTEXTLIST), T(DIRECTION),
	    T(ANDLGC), T(ORLGC), T(EMERGENCYVALUE), END } },
	{ CTX_CONTEXTATTR, { "ContextAttr", G_PROP_PKGD, 422, CTX_NONE }, { END } },
	{ CTX_MUX, { "Mux", G_ITEM, 442, CTX_NONE }, { END } },
	{ CTX_MODEM, { "Modem", G_PROP_PKGD, 442, CTX_NONE }, { END } },
	{ CTX_REGNOTIFY, { "RegulatedNotify", 0, 442, CTX_NONE }, { T(EMBED), END } },
};

/* Where each token's {…} leads: [token] = { request context, reply context }. */
static const enum h248_ctx bodies[H248_TOK_COUNT][2] = {
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
	[T(SERVICES)] = { CTX_SERVICES, CTX_SERVICES },
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

enum h248_ctx grammar_body(enum h248_tok t, bool in_reply)
{
	return bodies[t][in_reply];
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
