/* SPDX-License-Identifier: GPL-3.0-or-later */
/* grammar: where each construct of the H.248.1 text encoding may appear (RFC 3525 Annex B.2 with the
 * v2/v3 additions), as a table of contexts: for each, the tokens it may contain, whether package items
 * and bare items may appear, what must appear and what at most once, and the error code a mistake there
 * gets (§8.2.2 and H.248.8). The parser checks input with it; the printer uses it to never write an
 * empty body the grammar forbids. */
#ifndef MEDIASEC_H248_GRAMMAR_H
#define MEDIASEC_H248_GRAMMAR_H

#include <stdbool.h>
#include <stdint.h>

#include "msg.h"
#include "token.h"

enum h248_ctx {
	CTX_NONE,
	CTX_BODY,
	CTX_TRANS,
	CTX_REPLY,
	CTX_PENDING,
	CTX_ACK,
	CTX_ACTION_REQ,
	CTX_ACTION_REPLY,
	CTX_AMM_REQ,
	CTX_SUB_REQ,
	CTX_AUDIT_REQ,
	CTX_NOTIFY_REQ,
	CTX_SC_REQ,
	CTX_CMD_REPLY,
	CTX_NOTIFY_REPLY,
	CTX_SC_REPLY,
	CTX_SERVICES,
	CTX_SERVICES_REPLY,
	CTX_MEDIA,
	CTX_STREAM,
	CTX_LOCALCONTROL,
	CTX_TERMSTATE,
	CTX_EVENTS,
	CTX_EVENT_PARAMS,
	CTX_EMBED,
	CTX_SIGNALS,
	CTX_SIGNALLIST,
	CTX_SIGNAL_PARAMS,
	CTX_OBSERVED,
	CTX_OBSERVED_PARAMS,
	CTX_EVENTBUFFER,
	CTX_AUDIT,
	CTX_STATISTICS,
	CTX_PACKAGES,
	CTX_TOPOLOGY,
	CTX_CONTEXTAUDIT,
	CTX_CONTEXTATTR,
	CTX_MUX,
	CTX_MODEM,
	CTX_REGNOTIFY,
	CTX_COUNT
};

enum grammar_items {
	G_PROP_PKGD = 1, /* package items "pkg/name …" */
	G_PROP_NAME = 2, /* parameter items "name = value" (any name) */
	G_ITEM = 4,      /* bare words */
	G_QUOTED = 8,    /* quoted strings */
	G_COMMAND = 16,  /* a command's own descriptors: 447/448/444 apply */
	G_BARE = 32,     /* tokens here are parameters or audit items: their own shape rules do not apply */
	G_NONEMPTY = 64, /* "{ }" is refused: the rule is LBRKT item *(COMMA item) RBRKT */
	G_NAMES = 128, /* audit items: a token may stand without the value it takes elsewhere ("IEPSCall") */
	G_ACKS = 256,  /* the items are transactionAcks: "N" or "N-N" */
};

/* What a token itself must carry where it stands (outside G_BARE contexts), beyond its token-table
 * spelling: Annex B rules the generic item syntax cannot say. */
enum grammar_shape {
	S_BODY = 1,   /* its {…} is required ("Media", "Stream = 1" alone are refused) */
	S_PAIRED = 2, /* its value and its {…} come together or not at all ("Events = 1 {…}" or "Events") */
};
/* A token whose body context has need or one_of items must have its {…} as well. */

struct grammar_ctx {
	const char *name;           /* for error messages: "Add", "LocalControl" … */
	unsigned items;             /* enum grammar_items */
	int error;                  /* code for a syntax error inside */
	enum h248_ctx prop_body;    /* context of a package item's {…}, CTX_NONE when it takes none */
	enum h248_tok need[2];      /* tokens that must all appear in the {…} */
	enum h248_tok one_of[6];    /* when set: at least one of these must appear */
	int twice;                  /* non-zero: a token appearing twice gets this code ... */
	enum h248_tok repeat[2];    /* ... unless it is one of these ("Stream" in Media) */
	enum h248_tok exclusive[2]; /* these two may not both appear */
};

/* Builds the tables; call once before the lookups below (idempotent). */
void grammar_init(void);

struct grammar_entry {
	const struct grammar_ctx *info;
	uint64_t allowed[(H248_TOK_COUNT + 63) / 64];
};
extern struct grammar_entry grammar_table[CTX_COUNT];

static inline const struct grammar_ctx *grammar_ctx(enum h248_ctx c)
{
	return grammar_table[c].info;
}

static inline bool grammar_allows(enum h248_ctx c, enum h248_tok t)
{
	return t && (grammar_table[c].allowed[t / 64] >> (t % 64)) & 1;
}

/* The tables behind the per-token lookups below, inline because the parser and the printer make them
 * for every item (grammar.c): each token's body contexts, shape and first version (0: version 1). */
extern const enum h248_ctx grammar_bodies[H248_TOK_COUNT][2];
extern const uint8_t grammar_shapes[H248_TOK_COUNT], grammar_versions[H248_TOK_COUNT];

/* The context of token t's {…} when it appears in a request or a reply. */
static inline enum h248_ctx grammar_body(enum h248_tok t, bool in_reply)
{
	return grammar_bodies[t][in_reply];
}
/* Descriptors that may appear at most once in a command (448). */
bool grammar_is_descriptor(enum h248_tok t);
/* A command (Add, Modify, … ServiceChange): a token an action request holds whose {…} is a command's. */
bool grammar_is_command(enum h248_tok t);
/* The largest value token t's unsigned integer may have (UINT16, Version's two digits; UINT32 else). */
uint32_t grammar_max(enum h248_tok t);
/* The first version of H.248.1 whose text grammar has token t (1 for most; 3 for the v3 additions). */
static inline unsigned grammar_since(enum h248_tok t)
{
	return grammar_versions[t] ? grammar_versions[t] : 1;
}
/* Whether token t, whose body the token table requires, may stand without it: H.248.1 v3 made an
 * actionReply's {...} optional ("Context = 5" alone in a Reply; megaco's v3 decoder agrees, its v1 and v2
 * ones refuse it). */
bool grammar_body_optional(enum h248_tok t, bool in_reply, unsigned version);
/* enum grammar_shape of token t. */
static inline unsigned grammar_shape(enum h248_tok t)
{
	return grammar_shapes[t];
}
/* The tokens a value of token t must be one of (NULL: any), and whether an extension "X-…"/"X+…" is
 * allowed too; a value outside them gets 449 (H.248.8: unknown parameter or property value). */
const enum h248_tok *grammar_enum(enum h248_tok t, bool *extension);

/* An extension name: "X-…" or "X+…". */
bool grammar_extension(struct h248_str w);
/* 0 when token node n's value is one its enumeration allows; else 449 with the reason in why. */
int grammar_value(const struct h248_node *n, char *why, size_t size);
/* transactionAck = transactionID / (transactionID "-" transactionID) */
bool grammar_transaction_ack(struct h248_str w);
/* "Notify = T1", "Services", "al/of": node n as an error text names it. */
const char *grammar_describe(const struct h248_node *n, char out[64]);
/* 0 when parent, whose body is context ctx, holds what ctx requires (need, one_of, exclusive,
 * G_NONEMPTY); else the code (472 for a need item, ctx's error code for the rest) with the reason in
 * why. */
int grammar_missing(enum h248_ctx ctx, const struct h248_node *parent, char *why, size_t size);
/* The code for a mistake in token t's own value: that of the construct it opens ("Add = {" is a syntax
 * error in a command, 442; "Context = x" one in an action, 422), else around's. */
static inline int grammar_value_code(enum h248_tok t, int around, bool in_reply)
{
	enum h248_ctx body = grammar_body(t, in_reply);
	return body ? grammar_ctx(body)->error : around;
}
/* ContextID = UINT32 / "*" / "-" / "$" */
bool grammar_context_id(struct h248_str w);
/* TransactionID, with the v3 segmentation suffix: "12", "12/3", "12/3/END". */
bool grammar_transaction_id(struct h248_str w);
/* 0 when token node n (parsed, in a request or a reply) carries what its shape and its body context
 * require (grammar_shape; the {...} of a body with need or one_of items); else the code, the reason in
 * why, and *on_token telling whether the token (rather than where its {...} should be) is at fault. */
int grammar_shaped(const struct h248_node *n, bool in_reply, bool *on_token, char *why, size_t size);

#endif
