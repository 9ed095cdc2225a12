/* SPDX-License-Identifier: GPL-3.0-or-later */
/* parse: a recursive-descent parser over one generic item syntax,
 *     item = ["O-"]["W-"] WORD [ ("=" / "#" / ">" / "<") value ] [ "{" item *("," item) "}" ]
 * steered by the token table (what value and body each token takes) and the grammar table (what may
 * appear where, and which error code a mistake there gets). Words are slices of an arena copy of the
 * input: nothing is copied twice. */
#include "config.h"
#include "parse.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "grammar.h"
#include "parse_lex.h"

/* A word or a quoted string. */
static bool simple_value(struct parser *ps, struct h248_value *v, int code, const char *what)
{
	if (peek(ps) == '"') {
		v->form = H248_VAL_QUOTED;
		return quoted(ps, &v->text, code);
	}
	v->form = H248_VAL_WORD;
	if (word(ps, &v->text))
		return true;
	char h[24];
	return fail(ps, code, "expected %s, found %s", what, here(ps, h));
}

/* {a, b} alternatives, [a, b] sublist or [a : b] range; the cursor is on the bracket. */
static bool list_value(struct parser *ps, struct h248_value *v, int code, bool tokens)
{
	char open = *ps->p++, close = open == '{' ? '}' : ']';
	struct h248_value items[64];
	size_t n = 0;
	bool range = false;
	v->form = open == '{' ? H248_VAL_ALTLIST : H248_VAL_SUBLIST;
	do {
		if (n == 64)
			return fail(ps, code, "value list longer than 64 items");
		items[n] = (struct h248_value){ 0 };
		if (!simple_value(ps, &items[n], code, "a list value"))
			return false;
		if (tokens && items[n].form == H248_VAL_WORD)
			items[n].tok = h248_token_lookup(items[n].text.p, items[n].text.n);
		n++;
		if (open == '[' && n == 1 && accept(ps, ':')) {
			range = true;
			items[n] = (struct h248_value){ 0 };
			if (!simple_value(ps, &items[n++], code, "the upper end of the range"))
				return false;
			break;
		}
	} while (accept(ps, ','));
	if (!expect(ps, close, code, "to close the value list"))
		return false;
	if (range)
		v->form = H248_VAL_RANGE;
	v->items = arena_alloc(ps->m->arena, n * sizeof *items);
	if (!v->items)
		return oom(ps);
	memcpy(v->items, items, n * sizeof *items);
	v->nitems = n;
	return true;
}

/* An mId or a port (ServiceChangeAddress, MgcIdToTry), kept as written: "[1.2.3.4]:2944", "<a.b>", "MG1". */
static bool mid_value(struct parser *ps, struct h248_value *v, int code)
{
	skip_ws(ps);
	const char *s = ps->p;
	char open = ps->p < ps->end ? *ps->p : 0;
	if (open == '[' || open == '<') {
		char close = open == '[' ? ']' : '>';
		while (ps->p < ps->end && *ps->p != close && *ps->p != '\n')
			ps->p++;
		if (ps->p >= ps->end || *ps->p != close)
			return fail(ps, code, "mId is not closed with '%c'", close);
		ps->p++;
		if (ps->p < ps->end && *ps->p == ':') {
			ps->p++;
			while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
				ps->p++;
		}
		v->form = H248_VAL_WORD;
		v->text = (struct h248_str){ s, (size_t)(ps->p - s) };
		return true;
	}
	return simple_value(ps, v, code, "an mId or a port");
}

/* A token's value from an enumeration (grammar_value): anything else is an unknown value, 449. */
static bool enumerated(struct parser *ps, const struct h248_node *n)
{
	char why[200];
	int code = grammar_value(n, why, sizeof why);
	if (!code)
		return true;
	ps->p = n->value.text.p - (n->value.form == H248_VAL_QUOTED);
	return fail(ps, code, "%s", why);
}

/* bare: the context takes the token as an audit item, without the value it takes elsewhere. */
static bool token_value(struct parser *ps, struct h248_node *n, int code, bool bare)
{
	const struct h248_token_info *ti = &h248_tokens[n->tok];
	char spec = ti->value;
	if (spec == '-') {
		char c = peek(ps);
		if (c == '=')
			return fail(ps, code, "%s takes no value", ti->pretty);
		return true;
	}
	if (!accept(ps, '=')) {
		if (spec == 'w' || spec == 'u' || (bare && (peek(ps) == ',' || peek(ps) == '}')))
			return true;
		char h[24];
		return fail(ps, code, "expected '=' after %s, found %s", ti->pretty, here(ps, h));
	}
	struct h248_value *v = &n->value;
	char c = peek(ps);
	switch (spec) {
	case 'M':
		return mid_value(ps, v, code);
	case 'L':
		if (c == '{' || c == '[')
			return list_value(ps, v, code, true);
		/* a single token or word */
		__attribute__((fallthrough));
	case 'K':
		if (!simple_value(ps, v, code, "a value"))
			return false;
		if (v->form == H248_VAL_WORD)
			v->tok = h248_token_lookup(v->text.p, v->text.n);
		return enumerated(ps, n);
	case 'W':
	case 'w':
		return simple_value(ps, v, code, "a value");
	default:
		break;
	}
	v->form = H248_VAL_WORD;
	if (!word(ps, &v->text)) {
		char h[24];
		return fail(ps, code, "expected a value after %s =, found %s", ti->pretty, here(ps, h));
	}
	const char *end = ps->p;
	ps->p = v->text.p; /* a refused value is reported where it starts */
	switch (spec) {
	case 'U':
	case 'u': {
		uint32_t u;
		if (!h248_str_u32(v->text, &u))
			return fail(ps, code, "%s = %.*s: expected an unsigned 32-bit integer", ti->pretty,
				    (int)v->text.n, v->text.p);
		if (u > grammar_max(n->tok))
			return fail(ps, code, "%s = %.*s: expected at most %u", ti->pretty, (int)v->text.n,
				    v->text.p, (unsigned)grammar_max(n->tok));
		break;
	}
	case 'E':
		if (v->text.n > 4 || !is_uint(v->text))
			return fail(ps, code, "Error = %.*s: expected an error code of 1 to 4 digits",
				    (int)v->text.n, v->text.p);
		break;
	case 'C':
		if (!grammar_context_id(v->text))
			return fail(ps, 422, "Context = %.*s: expected a number, '$', '*' or '-'",
				    (int)v->text.n, v->text.p);
		break;
	case 'S':
		if (!grammar_transaction_id(v->text))
			return fail(ps, 403, "%s = %.*s: expected a transaction id", ti->pretty,
				    (int)v->text.n, v->text.p);
		break;
	case 'T':
		if (v->text.n > 64 + 1 + 64 /* pathNAME [@ domain] */)
			return fail(ps, 442, "TerminationID %.20s... is longer than 64 characters",
				    v->text.p);
		break;
	}
	ps->p = end;
	return true;
}

static bool items(struct parser *ps, struct h248_node *parent, enum h248_ctx ctx);

/* Raw octets up to the unescaped closing brace ("\\}" is an escaped one); the cursor is past '{'. */
static bool octets(struct parser *ps, struct h248_node *n, int code, bool escapes)
{
	const char *s = ps->p, *close = s;
	for (;;) {
		close = memchr(close, '}', (size_t)(ps->end - close));
		if (!close || !escapes || close == s || close[-1] != '\\')
			break;
		close++;
	}
	if (!close)
		return fail(ps, code, "%s descriptor is not closed with '}'", h248_tokens[n->tok].pretty);
	n->octets = (struct h248_str){ s, (size_t)(close - s) };
	ps->p = close + 1;
	return true;
}

static bool token_body(struct parser *ps, struct h248_node *n, int code)
{
	const struct h248_token_info *ti = &h248_tokens[n->tok];
	if (peek(ps) != '{') {
		if ((ti->body == 'r' && !grammar_body_optional(n->tok, ps->in_reply, ps->m->version)) ||
		    ti->body == 'x' || ti->body == 'e')
			return fail(ps, code, "expected '{' after %s", ti->pretty);
		return true;
	}
	if (ti->body == '-')
		return fail(ps, code, "%s takes no '{...}'", ti->pretty);
	ps->p++;
	n->flags |= H248_F_BODY;
	switch (ti->body) {
	case 'x':
		return octets(ps, n, code, true);
	case 'd':
		return octets(ps, n, code, false);
	case 'e':
		if (peek(ps) == '"') {
			struct h248_node *q = h248_node_new(ps->m, H248_NODE_QUOTED, H248_TOK_NONE);
			if (!q)
				return oom(ps);
			if (!quoted(ps, &q->name, code))
				return false;
			h248_append(n, q);
		}
		return expect(ps, '}', code, "to close the Error descriptor");
	}
	bool was_reply = ps->in_reply;
	if (n->tok == H248_TOK_REPLY || n->tok == H248_TOK_PENDING)
		ps->in_reply = true;
	else if (n->tok == H248_TOK_TRANSACTION)
		ps->in_reply = false;
	enum h248_ctx body = grammar_body(n->tok, ps->in_reply);
	bool ok = items(ps, n, body);
	ps->in_reply = was_reply;
	return ok;
}

static bool prop(struct parser *ps, struct h248_node *n, enum h248_ctx ctx, int code)
{
	char c = peek(ps);
	if (c == '=' || c == '#' || c == '>' || c == '<') {
		ps->p++;
		n->rel = c;
		if (c == '=' && (peek(ps) == '{' || peek(ps) == '['))
			return list_value(ps, &n->value, code, false);
		return simple_value(ps, &n->value, code, "a property value");
	}
	enum h248_ctx body = grammar_ctx(ctx)->prop_body;
	if (c != '{')
		return true;
	if (!body)
		return fail(ps, code, "%.*s takes no '{...}' in %s", (int)n->name.n, n->name.p,
			    grammar_ctx(ctx)->name);
	ps->p++;
	n->flags |= H248_F_BODY;
	return items(ps, n, body);
}

/* Strips "O-" and "W-" from a command word. */
static struct h248_str prefixes(struct h248_str w, uint8_t *flags)
{
	for (;;) {
		if (w.n > 2 && (w.p[0] == 'O' || w.p[0] == 'o') && w.p[1] == '-' &&
		    !(*flags & H248_F_OPTIONAL))
			*flags |= H248_F_OPTIONAL;
		else if (w.n > 2 && (w.p[0] == 'W' || w.p[0] == 'w') && w.p[1] == '-' &&
			 !(*flags & H248_F_WILDCARD))
			*flags |= H248_F_WILDCARD;
		else
			return w;
		w.p += 2, w.n -= 2;
	}
}

static bool duplicate(const struct h248_node *parent, enum h248_tok t)
{
	return h248_child(parent, t, NULL) != NULL;
}

/* The items a context requires (grammar_missing) are there; the cursor is on the closing '}' (or on the
 * token when it has no body), where a missing item is reported. */
static bool complete(struct parser *ps, const struct h248_node *parent, enum h248_ctx ctx)
{
	char why[200];
	int code = grammar_missing(ctx, parent, why, sizeof why);
	return !code || fail(ps, code, "%s", why);
}

/* What the token itself must carry (grammar_shaped); at is where the token starts. */
static bool shaped(struct parser *ps, struct h248_node *n, const char *at)
{
	char why[200];
	bool on_token;
	int code = grammar_shaped(n, ps->in_reply, &on_token, why, sizeof why);
	if (code && on_token)
		ps->p = at;
	return !code || fail(ps, code, "%s", why);
}

/* A token allowed in ctx (its word read, at its start): version, repetition, value, body and shape. */
static bool token_item(struct parser *ps, struct h248_node *parent, enum h248_ctx ctx, enum h248_tok t,
		       uint8_t flags, const char *at)
{
	const struct grammar_ctx *g = grammar_ctx(ctx);
	if (grammar_since(t) > ps->m->version) {
		ps->p = at;
		return fail(ps, g->error, "%s is not in H.248.1 version %u (it is from version %u on)",
			    h248_tokens[t].pretty, ps->m->version, grammar_since(t));
	}
	if ((g->items & G_COMMAND) && grammar_is_descriptor(t) && duplicate(parent, t)) {
		ps->p = at;
		return fail(ps, 448, "%s descriptor appears twice in %s", h248_tokens[t].pretty, g->name);
	}
	if (g->twice && t != g->repeat[0] && t != g->repeat[1] && duplicate(parent, t)) {
		ps->p = at;
		return fail(ps, g->twice, "%s appears twice in %s", h248_tokens[t].pretty, g->name);
	}
	struct h248_node *n = h248_node_new(ps->m, H248_NODE_TOKEN, t);
	if (!n)
		return oom(ps);
	n->flags = flags;
	h248_append(parent, n);
	if (t == H248_TOK_TRANSACTION || t == H248_TOK_REPLY) {
		if (!token_value(ps, n, 403, false))
			return false;
		struct h248_str id = n->value.text;
		const char *slash = memchr(id.p, '/', id.n);
		if (slash)
			id.n = (size_t)(slash - id.p);
		ps->err->have_tid = h248_str_u32(id, &ps->err->tid);
		ps->err->in_reply = t == H248_TOK_REPLY;
	} else if (!token_value(ps, n, grammar_value_code(t, g->error, ps->in_reply), g->items & G_NAMES))
		return false;
	if (!token_body(ps, n, g->error))
		return false;
	return (g->items & G_BARE) || shaped(ps, n, at);
}

static bool item(struct parser *ps, struct h248_node *parent, enum h248_ctx ctx)
{
	const struct grammar_ctx *g = grammar_ctx(ctx);
	char h[24];
	if (peek(ps) == '"' && (g->items & G_QUOTED)) {
		struct h248_node *q = h248_node_new(ps->m, H248_NODE_QUOTED, H248_TOK_NONE);
		if (!q)
			return oom(ps);
		h248_append(parent, q);
		return quoted(ps, &q->name, g->error);
	}
	const char *at = ps->p;
	struct h248_str w, stamp = { 0 };
	if (!word(ps, &w))
		return fail(ps, g->error, "expected an item in %s, found %s", g->name, here(ps, h));
	if (ctx == CTX_OBSERVED && accept(ps, ':')) { /* "yyyymmddThhmmssss : pkg/event" */
		stamp = w;
		if (!word(ps, &w))
			return fail(ps, g->error, "expected an event after the time stamp, found %s",
				    here(ps, h));
	}
	uint8_t flags = 0;
	struct h248_str name = (ctx == CTX_ACTION_REQ || ctx == CTX_ACTION_REPLY) ? prefixes(w, &flags) : w;
	/* no token is spelled with a '/': a "pkg/name" is never one, and is looked for only when the word
	 * is no token */
	enum h248_tok t = lookup(name);
	bool pkgd = !t && memchr(w.p, '/', w.n) != NULL;

	if (t && grammar_allows(ctx, t))
		return token_item(ps, parent, ctx, t, flags, at);
	if (t && (g->items & G_COMMAND) && grammar_is_descriptor(t)) {
		ps->p = at;
		return fail(ps, 447, "%s descriptor is not legal in %s", h248_tokens[t].pretty, g->name);
	}
	bool extension = grammar_extension(w);
	/* a parameter name may spell a token of another context ("ds" is also Discard's compact form) */
	bool named =
	    (g->items & G_PROP_NAME) && (extension || peek(ps) == '=' || (!t && !(g->items & G_ITEM)));
	if ((pkgd && (g->items & (G_PROP_PKGD | G_PROP_NAME))) || named) {
		struct h248_node *n = h248_node_new(ps->m, H248_NODE_PROP, H248_TOK_NONE);
		if (!n)
			return oom(ps);
		n->name = w;
		n->stamp = stamp;
		h248_append(parent, n);
		return prop(ps, n, ctx, g->error);
	}
	if (t && (peek(ps) == '=' || peek(ps) == '{')) {
		ps->p = at;
		return fail(ps, g->error, "%s is not legal in %s", h248_tokens[t].pretty, g->name);
	}
	if ((g->items & G_ACKS) && !grammar_transaction_ack(w)) {
		ps->p = at;
		return fail(ps, g->error, "%.*s: expected a transaction id or a range of them (N-N)",
			    (int)w.n, w.p);
	}
	if (g->items & G_ITEM) {
		struct h248_node *n = h248_node_new(ps->m, H248_NODE_ITEM, H248_TOK_NONE);
		if (!n)
			return oom(ps);
		n->name = w;
		h248_append(parent, n);
		return true;
	}
	ps->p = at;
	if (g->items & G_COMMAND)
		return fail(ps, 444, "unknown descriptor '%.*s' in %s", (int)w.n, w.p, g->name);
	return fail(ps, g->error, "unexpected '%.*s' in %s", (int)w.n, w.p, g->name);
}

/* The items of a {…} whose '{' was consumed, up to and including '}'. */
static bool items(struct parser *ps, struct h248_node *parent, enum h248_ctx ctx)
{
	const struct grammar_ctx *g = grammar_ctx(ctx);
	if (++ps->depth > ps->max_depth)
		return fail(ps, g->error, "nesting deeper than %u", ps->max_depth);
	if (peek(ps) != '}') {
		do {
			if (!item(ps, parent, ctx))
				return false;
			/* a trailing comma, as in RFC 3525's own examples: accepted (the item before it is
			 * parent's child) */
		} while (accept(ps, ',') && peek(ps) != '}');
	}
	if (peek(ps) != '}')
		return expect(ps, '}', g->error, g->name[0] == 'm' ? "here" : "to close the list");
	if (!complete(ps, parent, ctx))
		return false;
	ps->p++;
	ps->depth--;
	return true;
}

static bool mid(struct parser *ps)
{
	struct h248_mid *m = &ps->m->mid;
	skip_ws(ps);
	const char *s = ps->p;
	char c = ps->p < ps->end ? *ps->p : 0;
	if (c == '[' || c == '<') {
		/* on a local cursor, stopped by the NUL after the input (parse_lex.h); neither bracket is a
		 * SafeChar */
		char close = c == '[' ? ']' : '>';
		const char *p = s = ps->p + 1;
		bool colon = false;
		for (;; p++) {
			if (*p == ':')
				colon = true;
			else if (!h248_safechar[(unsigned char)*p])
				break;
		}
		ps->p = p;
		if (*p != close || p == s)
			return fail(ps, 400, "mId: expected an address closed with '%c'", close);
		m->text = (struct h248_str){ s, (size_t)(p - s) };
		m->kind = c == '<' ? H248_MID_DOMAIN : colon ? H248_MID_IP6 : H248_MID_IP4;
		ps->p = ++p;
		if (*p == ':') {
			const char *digits = ++p;
			unsigned port = 0;
			while (*p >= '0' && *p <= '9' && p - digits < 6)
				port = port * 10 + (unsigned)(*p++ - '0');
			ps->p = p;
			if (p == digits || port > 65535)
				return fail(ps, 400, "mId: expected a port number after ':'");
			m->port = (int)port;
		}
	} else {
		struct h248_str w;
		if (!word(ps, &w))
			return fail(ps, 400, "expected an mId after the version");
		if (w.n == 3 && !strncasecmp(w.p, "MTP", 3) && accept(ps, '{')) {
			s = ps->p;
			while (ps->p < ps->end && *ps->p != '}')
				ps->p++;
			if (ps->p >= ps->end)
				return fail(ps, 400, "mId: MTP address is not closed with '}'");
			m->kind = H248_MID_MTP;
			m->text = (struct h248_str){ s, (size_t)(ps->p - s) };
			ps->p++;
		} else {
			m->kind = H248_MID_DEVICE;
			m->text = w;
		}
	}
	if (ps->p < ps->end && !space[(unsigned char)*ps->p] && *ps->p != ';')
		return fail(ps, 400, "expected white space after the mId");
	return true;
}

static bool header(struct parser *ps, unsigned max_version)
{
	struct h248_str w;
	char h[24];
	if (!word(ps, &w))
		return fail(ps, 400, "expected MEGACO/<version> or !/<version>, found %s", here(ps, h));
	/* "MEGACO/…" or "!/…" mostly: only a word starting with A may spell Authentication ("AU") */
	if ((*w.p | 0x20) == 'a' && h248_token_lookup(w.p, w.n) == H248_TOK_AUTHENTICATION) {
		struct h248_auth *a = arena_alloc(ps->m->arena, sizeof *a);
		if (!a)
			return oom(ps);
		if (!expect(ps, '=', 400, "after Authentication") || !word(ps, &a->spi) || !accept(ps, ':') ||
		    !word(ps, &a->seq) || !accept(ps, ':') || !word(ps, &a->data))
			return fail(ps, 400, "Authentication: expected 0xSPI:0xSEQ:0xDATA");
		ps->m->auth = a;
		if (!word(ps, &w))
			return fail(ps, 400, "expected MEGACO/<version> after the authentication header");
	}
	const char *slash = memchr(w.p, '/', w.n);
	struct h248_str head = { w.p, slash ? (size_t)(slash - w.p) : w.n };
	if (!slash ||
	    !((head.n == 6 && !strncasecmp(head.p, "MEGACO", 6)) || (head.n == 1 && *head.p == '!'))) {
		ps->p = w.p;
		return fail(ps, 400, "expected MEGACO/<version> or !/<version>, found %s", here(ps, h));
	}
	struct h248_str ver = { slash + 1, w.n - head.n - 1 };
	uint32_t v;
	if (ver.n < 1 || ver.n > 2 || !h248_str_u32(ver, &v) || v == 0) {
		ps->p = ver.p;
		return fail(ps, 400, "expected a version of one or two digits after '/'");
	}
	if (v > max_version) {
		ps->p = ver.p;
		return fail(ps, 406, "version %u is not supported (highest: %u)", v, max_version);
	}
	ps->m->version = v;
	if (ps->p >= ps->end || !strchr(" \t\r\n;", *ps->p))
		return fail(ps, 400, "expected white space after the version");
	return mid(ps);
}

bool h248_mid_parse(const char *text, size_t len, struct h248_mid *out)
{
	/* the lexer reads up to a NUL byte after its input (parse_lex.h): it reads a terminated copy, and
	 * out->text points back into text */
	char some[256], *copy = len + PARSE_PAD <= sizeof some ? some : g_malloc(len + PARSE_PAD);
	padded_copy(copy, text, len);
	struct h248_msg m = { .mid.port = -1 };
	struct h248_error err;
	struct parser ps = { .buf = copy, .p = copy, .end = copy + len, .m = &m, .err = &err };
	bool ok = mid(&ps);
	skip_ws(&ps);
	ok = ok && ps.p == ps.end;
	*out = m.mid;
	if (out->text.p)
		out->text.p = text + (out->text.p - copy);
	if (copy != some)
		g_free(copy);
	return ok;
}

struct h248_msg *h248_parse(const char *buf, size_t len, const struct h248_limits *limits,
			    struct h248_error *err)
{
	/* field by field: zeroing the whole struct (its reason buffer) costs more than a small message's
	 * parse of a few items does */
	err->code = 0, err->line = err->col = 0, err->reason[0] = 0;
	err->have_tid = err->in_reply = false, err->tid = 0;
	grammar_init();
	struct h248_limits lim = limits ? *limits : (struct h248_limits){ 0 };
	size_t bound = lim.arena ? lim.arena : 64 * len + 65536;
	struct h248_msg *m = h248_msg_new(0, bound);
	char *copy = m ? arena_take(m->arena, len + PARSE_PAD) : NULL;
	if (copy)
		padded_copy(copy, buf, len);
	struct parser ps = { .buf = copy,
			     .p = copy,
			     .end = copy + len,
			     .m = m,
			     .err = err,
			     .max_depth = lim.depth ? lim.depth : 32 };
	if (!copy) {
		snprintf(err->reason, sizeof err->reason, "message exceeds the decoder's memory bound");
		err->code = 400, err->line = err->col = 1;
		h248_msg_free(m);
		return NULL;
	}
	bool ok = header(&ps, lim.max_version ? lim.max_version : 3);
	if (ok) {
		/* holds the transactions while parsing; copied from a static zero node, which GCC does with a
		 * few vector moves, where it zeroes a local struct with a slow-starting "rep stos" */
		static const struct h248_node empty;
		struct h248_node root = empty;
		while (ok && peek(&ps)) {
			const char *before = ps.p; /* peek skipped the white space: this is the item */
			ok = item(&ps, &root, CTX_BODY);
			if (ok && root.last && root.last->tok == H248_TOK_ERROR && root.first != root.last)
				ps.p = before,
				ok = fail(&ps, 400, "an Error descriptor cannot follow transactions");
			accept(&ps, ','); /* tolerated between transactions */
		}
		if (ok && ps.p != ps.end) /* the lexer stops at a NUL byte, which no message holds */
			ok = fail(&ps, 400, "a NUL byte in the message");
		if (ok && !root.first)
			ok = fail(
			    &ps, 400,
			    "expected a transaction or an Error descriptor, found the end of the message");
		m->first = root.first, m->last = root.last;
	}
	if (!ok) {
		h248_msg_free(m);
		return NULL;
	}
	return m;
}

char *h248_mid_config(const char *configured, const char *address, long port, struct h248_mid *out,
		      char **err)
{
	char *mid = *configured ? g_strdup(configured) : g_strdup_printf("[%s]:%ld", address, port);
	if (h248_mid_parse(mid, strlen(mid), out))
		return mid;
	*err = g_strdup_printf("h248.mid: \"%s\" is not an H.248 mId", mid);
	g_free(mid);
	return NULL;
}
