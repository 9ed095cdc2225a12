/* SPDX-License-Identifier: GPL-3.0-or-later */
/* scenario: loading and the schema (see scenario.h; the schema's prose is doc/scenarios.md). */
#include "config.h"
#include "scenario.h"

#include <glib.h>
#include <string.h>

/* ---- the schema: one table per object kind ---- */

enum jt {
	J_STR,   /* any string */
	J_INT,   /* an integer */
	J_BOOL,  /* true or false */
	J_WORD,  /* one of words */
	J_WORDS, /* a list of words */
	J_STRS,  /* a list of strings */
	J_PARTY, /* the name of a party */
	J_NODE,  /* a party, "alg" or "agw" */
	J_OBJ,   /* an object of shape */
	J_LIST,  /* a list of objects of shape */
	J_MAP,   /* an object whose members (any name) are objects of shape */
	J_FLAGS, /* an object whose members (any name) are strings, numbers or booleans */
};

struct key {
	const char *name;
	enum jt type;
	bool required;
	const struct shape *shape;
	const char *const *words;
};

struct shape {
	bool one; /* exactly one of its keys */
	struct key keys[16];
};

#define WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })
static const char *const setups[] = { "active", "passive", "actpass", "holdconn", NULL };
static const char *const seen_setups[] = { "active", "passive", "actpass", "holdconn", "absent", NULL };

static const struct shape
    party = { .keys = {
		  { .name = "role", .type = J_WORD, .required = true, .words = WORDS("ue", "core") },
		  { .name = "user", .type = J_STR, .required = true },
		  { .name = "mediasec",
		    .type = J_WORDS,
		    .words = WORDS("msrp-tls", "bfcp-tls", "udptl-dtls") },
		  { .name = "certificate", .type = J_WORD, .words = WORDS("own", "other") },
		  { .name = "behind_nat", .type = J_BOOL },
		  { .name = "psk", .type = J_STR },
	      } };

/* what a step does */
static const struct shape act_register = { .keys = { { .name = "party", .type = J_PARTY, .required = true },
						     { .name = "status", .type = J_INT } } };
/* what an offer's SDP says, in an INVITE or a re-INVITE */
#define OFFER_KEYS                                                                                          \
	{ .name = "media", .type = J_WORD, .required = true, .words = WORDS("msrp", "bfcp", "t38", "audio") }, \
	    { .name = "tls", .type = J_BOOL }, { .name = "setup", .type = J_WORD, .words = setups },           \
	    { .name = "fingerprint", .type = J_BOOL },                                                        \
	    { .name = "e2ae", .type = J_WORD, .words = WORDS("requested", "applied") },                       \
	    { .name = "listen", .type = J_BOOL }, { .name = "status", .type = J_INT }
static const struct shape act_offer = { .keys = { { .name = "from", .type = J_PARTY, .required = true },
						  { .name = "to", .type = J_PARTY, .required = true },
						  OFFER_KEYS } };
static const struct shape act_reoffer = { .keys = { { .name = "from", .type = J_PARTY, .required = true },
						    OFFER_KEYS } };
static const struct shape act_answer = { .keys = {
					     { .name = "by", .type = J_PARTY, .required = true },
					     { .name = "status", .type = J_INT },
					     { .name = "tls", .type = J_BOOL },
					     { .name = "setup", .type = J_WORD, .words = setups },
					     { .name = "fingerprint", .type = J_BOOL },
					     { .name = "listen", .type = J_BOOL },
					 } };
static const struct shape act_party = { .keys = { { .name = "party", .type = J_PARTY, .required = true } } };
static const struct shape act_established = { .keys = {
						  { .name = "party", .type = J_PARTY, .required = true },
						  { .name = "result",
						    .type = J_WORD,
						    .words = WORDS("up", "refused", "closed") },
						  { .name = "within", .type = J_INT },
					      } };
static const struct shape act_tls = { .keys = {
					  { .name = "party", .type = J_PARTY, .required = true },
					  { .name = "result", .type = J_WORD, .words = WORDS("up", "alert") },
					  { .name = "alert", .type = J_STR },
					  { .name = "with", .type = J_PARTY },
					  { .name = "lose", .type = J_INT },
					  { .name = "check_peer", .type = J_BOOL },
				      } };
static const struct shape act_from = { .keys = { { .name = "from", .type = J_PARTY, .required = true } } };
/* a "send" action and a "data" expectation: bytes from one party to another */
static const struct shape from_to = { .keys = { { .name = "from", .type = J_PARTY, .required = true },
						{ .name = "to", .type = J_PARTY, .required = true } } };
static const struct shape act_spoof = { .keys = { { .name = "from", .type = J_PARTY, .required = true },
						  { .name = "like", .type = J_PARTY, .required = true } } };
static const struct shape
    act_dial_in = { .keys = {
			{ .name = "from", .type = J_PARTY, .required = true },
			{ .name = "conference", .type = J_STR },
			{ .name = "media", .type = J_WORD, .required = true, .words = WORDS("msrp", "bfcp") },
			{ .name = "tls", .type = J_BOOL },
			{ .name = "setup", .type = J_WORD, .words = setups },
			{ .name = "fingerprint", .type = J_BOOL },
			{ .name = "listen", .type = J_BOOL },
			{ .name = "status", .type = J_INT },
		    } };
static const struct shape act_msrp = { .keys = { { .name = "from", .type = J_PARTY, .required = true },
						 { .name = "text", .type = J_STR, .required = true } } };
#define BFCP_REQUESTS "Hello", "FloorRequest", "FloorRelease", "FloorQuery", "Goodbye"
static const struct shape
    act_bfcp = { .keys = {
		     { .name = "from", .type = J_PARTY, .required = true },
		     { .name = "primitive", .type = J_WORD, .required = true, .words = WORDS(BFCP_REQUESTS) },
		     { .name = "floor", .type = J_INT },
		 } };
static const struct shape act_pause = { .keys = { { .name = "ms", .type = J_INT, .required = true } } };
static const struct shape action = { .one = true,
				     .keys = {
					 { .name = "register", .type = J_OBJ, .shape = &act_register },
					 { .name = "offer", .type = J_OBJ, .shape = &act_offer },
					 { .name = "reoffer", .type = J_OBJ, .shape = &act_reoffer },
					 { .name = "answer", .type = J_OBJ, .shape = &act_answer },
					 { .name = "connect", .type = J_OBJ, .shape = &act_from },
					 { .name = "accept", .type = J_OBJ, .shape = &act_party },
					 { .name = "established", .type = J_OBJ, .shape = &act_established },
					 { .name = "tls", .type = J_OBJ, .shape = &act_tls },
					 { .name = "send", .type = J_OBJ, .shape = &from_to },
					 { .name = "spoof", .type = J_OBJ, .shape = &act_spoof },
					 { .name = "bye", .type = J_OBJ, .shape = &act_from },
					 { .name = "pause", .type = J_OBJ, .shape = &act_pause },
					 { .name = "dial_in", .type = J_OBJ, .shape = &act_dial_in },
					 { .name = "msrp", .type = J_OBJ, .shape = &act_msrp },
					 { .name = "bfcp", .type = J_OBJ, .shape = &act_bfcp },
				     } };

/* what must be seen */
/* an SDP: a SIP message's body, an H.248 Local or Remote */
static const struct shape media_check = { .keys = {
					      { .name = "transport", .type = J_STR },
					      { .name = "setup", .type = J_WORD, .words = seen_setups },
					      { .name = "fingerprint", .type = J_STR },
					      { .name = "e2ae",
						.type = J_WORD,
						.words = WORDS("requested", "applied", "absent") },
					      { .name = "address", .type = J_STR },
					      { .name = "port", .type = J_STR },
					  } };
static const struct shape exp_sip = { .keys = {
					  { .name = "from", .type = J_NODE, .required = true },
					  { .name = "to", .type = J_NODE, .required = true },
					  { .name = "method", .type = J_STR },
					  { .name = "status", .type = J_INT },
					  { .name = "reason", .type = J_STR },
					  { .name = "sdp", .type = J_OBJ, .shape = &media_check },
				      } };
static const struct shape reply_check = { .keys = { { .name = "error", .type = J_INT } } };
static const struct shape exp_h248 = { .keys = {
					   { .name = "command",
					     .type = J_WORD,
					     .required = true,
					     .words = WORDS("Add", "Modify", "Subtract", "Notify") },
					   { .name = "realm",
					     .type = J_WORD,
					     .words = WORDS("access", "core") },
					   { .name = "local", .type = J_OBJ, .shape = &media_check },
					   { .name = "remote", .type = J_OBJ, .shape = &media_check },
					   { .name = "filters", .type = J_BOOL },
					   { .name = "latch", .type = J_BOOL },
					   { .name = "psk", .type = J_BOOL },
					   { .name = "signal", .type = J_STR },
					   { .name = "events", .type = J_STRS },
					   { .name = "event", .type = J_STR },
					   { .name = "reply", .type = J_OBJ, .shape = &reply_check },
				       } };
static const struct shape exp_tcp = { .keys = {
					  { .name = "from", .type = J_NODE, .required = true },
					  { .name = "to", .type = J_NODE, .required = true },
					  { .name = "event",
					    .type = J_WORD,
					    .required = true,
					    .words = WORDS("syn", "synack", "ack", "accept", "fin", "rst") },
				      } };
static const struct shape exp_tls = { .keys = {
					  { .name = "from", .type = J_NODE, .required = true },
					  { .name = "to", .type = J_NODE, .required = true },
					  { .name = "event",
					    .type = J_WORD,
					    .required = true,
					    .words = WORDS("client_hello", "retransmit", "up", "alert",
							   "close_notify") },
					  { .name = "alert", .type = J_STR },
				      } };
static const struct shape exp_udp = { .keys = {
					  { .name = "from", .type = J_NODE, .required = true },
					  { .name = "to", .type = J_NODE, .required = true },
					  { .name = "event",
					    .type = J_WORD,
					    .required = true,
					    .words = WORDS("latch", "drop", "lost") },
				      } };
/* an MSRP frame or a BFCP message that reached a party or the gateway */
static const struct shape exp_msrp = { .keys = {
					   { .name = "from", .type = J_NODE, .required = true },
					   { .name = "to", .type = J_NODE, .required = true },
					   { .name = "method",
					     .type = J_WORD,
					     .words = WORDS("SEND", "REPORT") },
					   { .name = "status", .type = J_INT },
					   { .name = "body", .type = J_STR },
					   { .name = "message_id", .type = J_PARTY },
				       } };
static const struct shape exp_bfcp = { .keys = {
					   { .name = "from", .type = J_NODE, .required = true },
					   { .name = "to", .type = J_NODE, .required = true },
					   { .name = "primitive",
					     .type = J_WORD,
					     .required = true,
					     .words = WORDS(BFCP_REQUESTS, "HelloAck", "FloorRequestStatus",
							    "FloorStatus", "Error", "GoodbyeAck") },
					   { .name = "status",
					     .type = J_WORD,
					     .words = WORDS("Pending", "Accepted", "Granted", "Denied",
							    "Cancelled", "Released", "Revoked") },
					   { .name = "position", .type = J_INT },
					   { .name = "error", .type = J_INT },
				       } };
static const struct shape expectation = { .one = true,
					  .keys = {
					      { .name = "sip", .type = J_OBJ, .shape = &exp_sip },
					      { .name = "h248", .type = J_OBJ, .shape = &exp_h248 },
					      { .name = "tcp", .type = J_OBJ, .shape = &exp_tcp },
					      { .name = "tls", .type = J_OBJ, .shape = &exp_tls },
					      { .name = "udp", .type = J_OBJ, .shape = &exp_udp },
					      { .name = "data", .type = J_OBJ, .shape = &from_to },
					      { .name = "msrp", .type = J_OBJ, .shape = &exp_msrp },
					      { .name = "bfcp", .type = J_OBJ, .shape = &exp_bfcp },
					  } };
static const struct shape step = { .keys = {
				       { .name = "step", .type = J_STR, .required = true },
				       { .name = "title", .type = J_STR },
				       { .name = "do", .type = J_OBJ, .shape = &action },
				       { .name = "expect", .type = J_LIST, .shape = &expectation },
				   } };
static const struct shape gateway = { .keys = { { .name = "access_port_taken", .type = J_BOOL } } };
static const struct shape top = { .keys = {
				      { .name = "name", .type = J_STR, .required = true },
				      { .name = "seed", .type = J_STR },
				      { .name = "figure", .type = J_STR },
				      { .name = "description", .type = J_STR },
				      { .name = "alg", .type = J_FLAGS },
				      { .name = "agw", .type = J_FLAGS },
				      { .name = "gateway", .type = J_OBJ, .shape = &gateway },
				      { .name = "parties", .type = J_MAP, .required = true, .shape = &party },
				      { .name = "steps", .type = J_LIST, .required = true, .shape = &step },
				  } };

/* ---- validation ---- */

struct check {
	GString *err;
	json_object *parties;
	const char *step; /* the "step" of the step being checked, or NULL */
};

static const char *type_name(json_object *v)
{
	static const char *const names[] = {
		[json_type_null] = "null",        [json_type_boolean] = "a boolean",
		[json_type_double] = "a number",  [json_type_int] = "an integer",
		[json_type_object] = "an object", [json_type_array] = "a list",
		[json_type_string] = "a string"
	};
	return names[json_object_get_type(v)];
}

static void fail(struct check *c, const char *path, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void fail(struct check *c, const char *path, const char *fmt, ...)
{
	if (c->err->len)
		return; /* the first error is the one to fix */
	va_list ap;
	va_start(ap, fmt);
	g_string_append_printf(c->err, "%s: ", *path ? path : "(top)");
	g_string_append_vprintf(c->err, fmt, ap);
	va_end(ap);
}

static char *joined(const char *const *words)
{
	return g_strjoinv(", ", (char **)words);
}

static bool is_word(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (!strcmp(s, *words))
			return true;
	return false;
}

static void check_shape(struct check *c, const char *path, json_object *o, const struct shape *sh);

static void check_word(struct check *c, const char *path, json_object *v, const char *const *words)
{
	if (!json_object_is_type(v, json_type_string)) {
		fail(c, path, "expected a string; found %s", type_name(v));
	} else if (!is_word(json_object_get_string(v), words)) {
		char *all = joined(words);
		fail(c, path, "expected one of %s; found \"%s\"", all, json_object_get_string(v));
		g_free(all);
	}
}

static void check_party(struct check *c, const char *path, json_object *v, bool nodes)
{
	if (!json_object_is_type(v, json_type_string)) {
		fail(c, path, "expected the name of a party; found %s", type_name(v));
		return;
	}
	const char *name = json_object_get_string(v);
	if (nodes && (!strcmp(name, "alg") || !strcmp(name, "agw")))
		return;
	if (!c->parties || !json_object_object_get_ex(c->parties, name, NULL))
		fail(c, path, "no party named \"%s\" in parties%s", name, nodes ? " (nor alg, agw)" : "");
}

static void check_value(struct check *c, const char *path, json_object *v, const struct key *k)
{
	switch (k->type) {
	case J_STR:
		if (!json_object_is_type(v, json_type_string))
			fail(c, path, "expected a string; found %s", type_name(v));
		break;
	case J_INT:
		if (!json_object_is_type(v, json_type_int))
			fail(c, path, "expected an integer; found %s", type_name(v));
		break;
	case J_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			fail(c, path, "expected true or false; found %s", type_name(v));
		break;
	case J_WORD:
		check_word(c, path, v, k->words);
		break;
	case J_PARTY:
	case J_NODE:
		check_party(c, path, v, k->type == J_NODE);
		break;
	case J_OBJ:
		check_shape(c, path, v, k->shape);
		break;
	case J_WORDS:
	case J_STRS:
	case J_LIST:
		if (!json_object_is_type(v, json_type_array)) {
			fail(c, path, "expected a list; found %s", type_name(v));
			break;
		}
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			char *at = g_strdup_printf("%s[%zu]", path, i);
			json_object *e = json_object_array_get_idx(v, i);
			if (k->type == J_WORDS)
				check_word(c, at, e, k->words);
			else if (k->type == J_LIST && k->shape == &step) { /* its number, for the messages */
				json_object *n =
				    json_object_is_type(e, json_type_object) ? jget(e, "step") : NULL;
				c->step = n && json_object_is_type(n, json_type_string)
					      ? json_object_get_string(n)
					      : NULL;
				check_shape(c, at, e, k->shape);
				c->step = NULL;
			} else if (k->type == J_LIST)
				check_shape(c, at, e, k->shape);
			else if (!json_object_is_type(e, json_type_string))
				fail(c, at, "expected a string; found %s", type_name(e));
			g_free(at);
		}
		break;
	case J_MAP:
	case J_FLAGS:
		if (!json_object_is_type(v, json_type_object)) {
			fail(c, path, "expected an object; found %s", type_name(v));
			break;
		}
		json_object_object_foreach (v, name, member) {
			char *at = g_strdup_printf("%s.%s", path, name);
			json_type t = json_object_get_type(member);
			if (k->type == J_MAP)
				check_shape(c, at, member, k->shape);
			else if (t != json_type_string && t != json_type_int && t != json_type_boolean)
				fail(c, at, "expected a string, an integer or a boolean; found %s",
				     type_name(member));
			g_free(at);
		}
		break;
	}
}

/* "a, b, c": the keys a shape knows, for the messages */
static char *known(const struct shape *sh)
{
	GString *all = g_string_new(NULL);
	for (const struct key *k = sh->keys; k->name; k++)
		g_string_append_printf(all, "%s%s", all->len ? ", " : "", k->name);
	return g_string_free(all, FALSE);
}

/* A required key absent from the object at path: "step \"19-20\": missing required key \"to\" at
 * steps[1].do.offer" (the step named when the object is in one). key: what is missing, freed here. */
static void missing(struct check *c, const char *path, char *key)
{
	if (c->err->len) {
		g_free(key);
		return;
	}
	if (c->step)
		g_string_append_printf(c->err, "step \"%s\": ", c->step);
	g_string_append_printf(c->err, "missing required key %s", key);
	if (*path)
		g_string_append_printf(c->err, " at %s", path);
	g_free(key);
}

static void check_shape(struct check *c, const char *path, json_object *o, const struct shape *sh)
{
	if (!json_object_is_type(o, json_type_object)) {
		fail(c, path, "expected an object; found %s", type_name(o));
		return;
	}
	json_object_object_foreach (o, name, v) {
		const struct key *k = sh->keys;
		while (k->name && strcmp(k->name, name))
			k++;
		char *at = g_strdup_printf("%s%s%s", path, *path ? "." : "", name);
		if (!k->name) {
			char *all = known(sh);
			fail(c, at, "unknown key (known here: %s)", all);
			g_free(all);
		} else {
			check_value(c, at, v, k);
		}
		g_free(at);
	}
	for (const struct key *k = sh->keys; k->name; k++)
		if (k->required && !json_object_object_get_ex(o, k->name, NULL))
			missing(c, path, g_strdup_printf("\"%s\"", k->name));
	if (sh->one && json_object_object_length(o) != 1) {
		char *all = known(sh);
		if (json_object_object_length(o))
			fail(c, path, "expected exactly one of %s; found %d keys", all,
			     json_object_object_length(o));
		else
			missing(c, path, g_strdup_printf("(one of %s)", all));
		g_free(all);
	}
}

/* "FILE:LINE:COLUMN: not JSON: what" for the byte at offset (lines and columns from 1, columns in
 * characters as an editor counts them). */
static char *not_json(const char *file, const char *text, size_t offset, const char *what)
{
	unsigned line = 1;
	const char *start = text;
	for (const char *p = text; p < text + offset; p++)
		if (*p == '\n')
			line++, start = p + 1;
	size_t len = (size_t)(text + offset - start);
	size_t column =
	    1 + (g_utf8_validate(start, (gssize)len, NULL) ? (size_t)g_utf8_strlen(start, (gssize)len) : len);
	return g_strdup_printf("%s:%u:%zu: not JSON: %s", file, line, column, what);
}

/* The JSON of text (NULL for null), false with *err saying where it is not JSON. */
static bool parse_json(const char *file, const char *text, json_object **root, char **err)
{
	json_tokener *tok = json_tokener_new();
	size_t n = strlen(text);
	*root = json_tokener_parse_ex(tok, text, (int)n);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok); /* where the tokener stopped: the offending byte */
	json_tokener_free(tok);
	if (jerr != json_tokener_success) { /* "null" is JSON, if not a scenario */
		*err = not_json(file, text, end,
				json_tokener_error_desc(
				    jerr == json_tokener_continue ? json_tokener_error_parse_eof : jerr));
		return false;
	}
	while (end < n && g_ascii_isspace(text[end]))
		end++;
	if (end < n) {
		*err = not_json(file, text, end, "more text after the JSON value");
		json_object_put(*root);
		return false;
	}
	return true;
}

struct scenario *scenario_parse(const char *file, const char *text, char **err)
{
	json_object *root = NULL;
	if (!parse_json(file, text, &root, err))
		return NULL;
	struct check c = { g_string_new(NULL), NULL, NULL };
	if (json_object_is_type(root, json_type_object))
		c.parties = jget(root, "parties");
	check_shape(&c, "", root, &top);
	if (c.err->len) {
		*err = g_strdup_printf("%s: %s", file, c.err->str);
		g_string_free(c.err, TRUE);
		json_object_put(root);
		return NULL;
	}
	g_string_free(c.err, TRUE);
	struct scenario *s = g_new0(struct scenario, 1);
	s->file = g_strdup(file);
	s->root = root;
	s->name = jstr(root, "name", "");
	s->seed = jstr(root, "seed", "");
	s->figure = jstr(root, "figure", "");
	s->parties = jget(root, "parties");
	s->steps = jget(root, "steps");
	return s;
}

struct scenario *scenario_load(const char *path, char **err)
{
	char *text = NULL;
	GError *e = NULL;
	if (!g_file_get_contents(path, &text, NULL, &e)) {
		*err = g_strdup_printf("%s: cannot read the scenario: %s", path, e->message);
		g_error_free(e);
		return NULL;
	}
	struct scenario *s = scenario_parse(path, text, err);
	g_free(text);
	return s;
}

void scenario_free(struct scenario *s)
{
	if (!s)
		return;
	json_object_put(s->root);
	g_free(s->file);
	g_free(s);
}

char *scenario_title(const struct scenario *s)
{
	return *s->seed ? g_strdup_printf("seed %s — %s", s->seed, s->name) : g_strdup(s->name);
}

char *scenario_failure(const struct scenario *s, const char *number, const char *why)
{
	return g_strdup_printf("%s%s%sstep %s: %s", *s->seed ? "seed " : "", s->seed, *s->seed ? " " : "",
			       number, why);
}

json_object *jget(json_object *o, const char *key)
{
	json_object *v = NULL;
	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

const char *jstr(json_object *o, const char *key, const char *def)
{
	json_object *v = jget(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : def;
}

int jint(json_object *o, const char *key, int def)
{
	json_object *v = jget(o, key);
	return v && json_object_is_type(v, json_type_int) ? json_object_get_int(v) : def;
}

bool jbool(json_object *o, const char *key, bool def)
{
	json_object *v = jget(o, key);
	return v && json_object_is_type(v, json_type_boolean) ? json_object_get_boolean(v) : def;
}
