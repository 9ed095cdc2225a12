/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ber_enc: h248_ber_encode (ber.h). One function per Annex A type the project's messages use, each
 * writing its SEQUENCE's components in their ASN.1 order (the text may list them in any order); the tags are
 * those AUTOMATIC TAGS gives MEDIA-GATEWAY-CONTROL v3, written as CTX/CTXC(n) next to each component. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ber.h"
#include "ber_int.h"
#include "ber_io.h"
#include "ber_tab.h"

bool ber_fail(struct enc *e, int code, const char *fmt, ...)
{
	if (!e->failed) {
		e->failed = true;
		e->err->code = code;
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->err->reason, sizeof e->err->reason, fmt, ap);
		va_end(ap);
	}
	return false;
}

bool ber_u32(struct enc *e, unsigned tag, struct h248_str s, uint32_t max, const char *what)
{
	uint32_t v;
	if (!h248_str_u32(s, &v) || v > max)
		return ber_fail(e, 400, "%s %.*s is not a number up to %u", what, (int)s.n, s.p, max);
	bw_uint(&e->w, tag, v);
	return true;
}

bool ber_unsupported(struct enc *e, const struct h248_node *n)
{
	if (n->kind == H248_NODE_TOKEN)
		return ber_fail(e, 501, "%s: not carried by the binary encoding here",
				h248_tokens[n->tok].pretty);
	return ber_fail(e, 501, "%.*s: not carried by the binary encoding here", (int)n->name.n, n->name.p);
}

/* ---- names and values ---- */

static bool pkgd(struct enc *e, unsigned tag, enum ber_kind kind, struct h248_str name, uint8_t id[4])
{
	if (!ber_pkgd_id(kind, name.p, name.n, id))
		return ber_fail(e, kind == BER_PROP ? 445 : 444, "%.*s: no binary id for this %s",
				(int)name.n, name.p,
				kind == BER_PROP     ? "property"
				: kind == BER_EVENT  ? "event"
				: kind == BER_SIGNAL ? "signal"
						     : "statistic");
	bw_octets(&e->w, tag, id, 4);
	return true;
}

/* A word is case-insensitive (Annex B): binary carries it in lower case, as Erlang/OTP megaco's text
 * decoder reads it; a quoted string as written. */
void ber_enc_word(struct enc *e, unsigned tag, const struct h248_value *v)
{
	char b[256];
	if (v->form != H248_VAL_WORD || v->text.n > sizeof b) {
		bw_octets(&e->w, tag, v->text.p, v->text.n);
		return;
	}
	for (size_t i = 0; i < v->text.n; i++)
		b[i] = (char)(v->text.p[i] >= 'A' && v->text.p[i] <= 'Z' ? v->text.p[i] + 32 : v->text.p[i]);
	bw_octets(&e->w, tag, b, v->text.n);
}

/* Value ::= SEQUENCE OF OCTET STRING, then the extraInfo CHOICE its form or relation implies. */
void ber_enc_value(struct enc *e, unsigned tag, unsigned extra_tag, const struct h248_node *n)
{
	const struct h248_value *v = &n->value;
	size_t m = bw_open(&e->w, CTXC(tag));
	if (v->form == H248_VAL_WORD || v->form == H248_VAL_QUOTED)
		ber_enc_word(e, T_OCTETS, v);
	for (size_t i = 0; i < v->nitems; i++)
		ber_enc_word(e, T_OCTETS, &v->items[i]);
	bw_close(&e->w, m);
	int rel = n->rel == '>' ? 0 : n->rel == '<' ? 1 : n->rel == '#' ? 2 : -1;
	if (rel < 0 && v->form != H248_VAL_SUBLIST && v->form != H248_VAL_ALTLIST &&
	    v->form != H248_VAL_RANGE)
		return;
	m = bw_open(&e->w, CTXC(extra_tag));
	if (rel >= 0)
		bw_uint(&e->w, CTX(0), (uint32_t)rel);
	else if (v->form == H248_VAL_RANGE)
		bw_bool(&e->w, CTX(1), true);
	else
		bw_bool(&e->w, CTX(2), v->form == H248_VAL_SUBLIST);
	bw_close(&e->w, m);
}

/* PropertyParm ::= SEQUENCE { name [0], value [1], extraInfo [2] } */
static bool property(struct enc *e, enum ber_kind kind, const struct h248_node *n)
{
	uint8_t id[4];
	if (n->kind != H248_NODE_PROP || n->first || !n->rel) /* a property without a value: an audit */
		return ber_unsupported(e, n);
	size_t m = bw_open(&e->w, T_SEQ);
	if (!pkgd(e, CTX(0), kind, n->name, id))
		return false;
	ber_enc_value(e, 1, 2, n);
	bw_close(&e->w, m);
	return true;
}

/* EventParameter / SigParameter ::= SEQUENCE { name [0] Name, value [1], extraInfo [2] } */
static bool parameter(struct enc *e, enum ber_kind kind, const uint8_t item[4], const struct h248_node *n)
{
	uint16_t id;
	if (n->kind != H248_NODE_PROP || n->first || !n->rel)
		return ber_unsupported(e, n);
	if (!ber_param_id(kind, item, n->name.p, n->name.n, &id))
		return ber_fail(e, 445, "%.*s: no binary id for this parameter", (int)n->name.n, n->name.p);
	size_t m = bw_open(&e->w, T_SEQ);
	uint8_t b[2] = { (uint8_t)(id >> 8), (uint8_t)id };
	bw_octets(&e->w, CTX(0), b, 2);
	ber_enc_value(e, 1, 2, n);
	bw_close(&e->w, m);
	return true;
}

static bool termid_octets(struct bw *w, unsigned tag, struct h248_str s)
{
	uint8_t id[8] = { 0 };
	size_t n = s.n;
	int wild = -1;
	/* "ROOT" in any case, compared inline: strncasecmp cost a fiftieth of a Notify's round trip (an
	 * octet | 0x20 is 'r', 'o' or 't' only for that letter in either case) */
	if (n == 4 && (s.p[0] | 0x20) == 'r' && (s.p[1] | 0x20) == 'o' && (s.p[2] | 0x20) == 'o' &&
	    (s.p[3] | 0x20) == 't') {
		memset(id, 0xff, 8);
		n = 8;
	} else {
		if (n == 0 || n > 8)
			return false;
		for (size_t i = 0; i < n; i++)
			if ((s.p[i] == '*' || s.p[i] == '$') && i + 1 != n)
				return false;
		if (s.p[n - 1] == '*' || s.p[n - 1] == '$') {
			wild = (s.p[n - 1] == '$' ? 0x80 : 0) | 0x40 | (63 - 8 * (int)(n - 1));
			memcpy(id, s.p, n - 1);
			n = 8;
		} else
			memcpy(id, s.p, n);
	}
	size_t m = bw_open(w, tag), mw = bw_open(w, CTXC(0));
	if (wild >= 0) {
		uint8_t b = (uint8_t)wild;
		bw_octets(w, T_OCTETS, &b, 1);
	}
	bw_close(w, mw);
	bw_octets(w, CTX(1), id, n);
	bw_close(w, m);
	return true;
}

bool ber_enc_termid(struct enc *e, unsigned tag, const struct h248_node *cmd)
{
	if (cmd->value.form != H248_VAL_WORD || !termid_octets(&e->w, tag, cmd->value.text))
		return ber_fail(e, 501, "termination id %.*s: the binary form here carries 1 to 8 octets",
				(int)cmd->value.text.n, cmd->value.text.p);
	return true;
}

/* TerminationIDList ::= SEQUENCE OF TerminationID */
bool ber_enc_termids(struct enc *e, unsigned tag, const struct h248_node *cmd)
{
	size_t m = bw_open(&e->w, tag);
	bool ok = ber_enc_termid(e, T_SEQ, cmd);
	bw_close(&e->w, m);
	return ok;
}

/* ErrorDescriptor ::= SEQUENCE { errorCode [0], errorText [1] IA5String OPTIONAL } */
bool ber_enc_error(struct enc *e, unsigned tag, const struct h248_node *n)
{
	size_t m = bw_open(&e->w, tag);
	if (!ber_u32(e, CTX(0), n->value.text, 65535, "error code"))
		return false;
	if (n->first && n->first->kind == H248_NODE_QUOTED)
		bw_octets(&e->w, CTX(1), n->first->name.p, n->first->name.n);
	bw_close(&e->w, m);
	return true;
}

/* ---- descriptors ---- */

int ber_tok_index(enum h248_tok t, const enum h248_tok *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == t)
			return (int)i;
	return -1;
}

static bool enumerated(struct enc *e, unsigned tag, const struct h248_node *n, const enum h248_tok *list,
		       size_t count)
{
	int i = ber_tok_index(n->value.tok, list, count);
	if (i < 0)
		return ber_unsupported(e, n);
	bw_uint(&e->w, tag, (uint32_t)i);
	return true;
}

/* An SDP line as PropertyParm ::= SEQUENCE { name [0] PkgdName, value [1] SEQUENCE OF OCTET STRING }. A
 * value short enough for every length to take one octet, as nearly all are, is written in one piece: the
 * same octets as the nested writes below, without their calls and length patches. */
static void sdp_line(struct enc *e, uint16_t id, const char *value, size_t n)
{
	if (n + 10 <= 0x7f) { /* the SEQUENCE's contents: name's 6 octets, value's 4 and the line's n */
		uint8_t *q = bw_take(&e->w, 12 + n);
		if (!q)
			return;
		q[0] = T_SEQ, q[1] = (uint8_t)(n + 10), q[2] = CTX(0), q[3] = 4, q[4] = 0, q[5] = 0;
		q[6] = (uint8_t)(id >> 8), q[7] = (uint8_t)id, q[8] = CTXC(1), q[9] = (uint8_t)(n + 2);
		q[10] = T_OCTETS, q[11] = (uint8_t)n;
		memcpy(q + 12, value, n);
		return;
	}
	size_t pm = bw_open(&e->w, T_SEQ), vm;
	uint8_t name[4] = { 0, 0, (uint8_t)(id >> 8), (uint8_t)id };
	bw_octets(&e->w, CTX(0), name, 4);
	vm = bw_open(&e->w, CTXC(1));
	bw_octets(&e->w, T_OCTETS, value, n);
	bw_close(&e->w, vm);
	bw_close(&e->w, pm);
}

/* LocalRemoteDescriptor ::= SEQUENCE { propGrps [0] SEQUENCE OF PropertyGroup } */
static bool sdp(struct enc *e, unsigned tag, const struct h248_node *n)
{
	struct h248_str s = h248_sdp(n);
	size_t m = bw_open(&e->w, CTXC(tag)), grps = bw_open(&e->w, CTXC(0)), grp = 0;
	for (size_t i = 0; i < s.n;) {
		const char *p = s.p + i, *nl = memchr(p, '\n', s.n - i);
		size_t len = nl ? (size_t)(nl - p) : s.n - i;
		i += len + (nl != NULL);
		if (len && p[len - 1] == '\r')
			len--;
		if (!len)
			continue;
		uint16_t id = len >= 2 && p[1] == '=' ? ber_sdp_id(p[0]) : 0;
		if (!id)
			return ber_fail(e, 501, "SDP line %.*s: not an Annex C property", (int)len, p);
		if (!grp || p[0] == 'v') {
			if (grp)
				bw_close(&e->w, grp);
			grp = bw_open(&e->w, T_SEQ);
		}
		sdp_line(e, id, p + 2, len - 2);
	}
	if (grp)
		bw_close(&e->w, grp);
	bw_close(&e->w, grps);
	bw_close(&e->w, m);
	return true;
}

/* LocalControlDescriptor ::= SEQUENCE { streamMode [0], reserveValue [1], reserveGroup [2], propertyParms [3]
 * } */
static bool local_control(struct enc *e, const struct h248_node *n)
{
	static const enum h248_tok order[] = { H248_TOK_MODE, H248_TOK_RESERVEDVALUE,
					       H248_TOK_RESERVEDGROUP };
	size_t m = bw_open(&e->w, CTXC(0));
	for (unsigned k = 0; k < 3; k++) {
		const struct h248_node *c = h248_child(n, order[k], NULL);
		if (!c)
			continue;
		if (k == 0 && !enumerated(e, CTX(0), c, ber_modes, 5))
			return false;
		if (k && c->value.tok != H248_TOK_ON && c->value.tok != H248_TOK_OFF)
			return ber_unsupported(e, c);
		if (k)
			bw_bool(&e->w, CTX(k), c->value.tok == H248_TOK_ON);
	}
	size_t pm = bw_open(&e->w, CTXC(3));
	for (const struct h248_node *c = n->first; c; c = c->next)
		if (c->kind == H248_NODE_TOKEN ? ber_tok_index(c->tok, order, 3) < 0
					       : !property(e, BER_PROP, c))
			return e->failed ? false : ber_unsupported(e, c);
	bw_close(&e->w, pm);
	bw_close(&e->w, m);
	return true;
}

/* StatisticsDescriptor ::= SEQUENCE OF StatisticsParameter { statName [0], statValue [1] OPTIONAL } */
static bool statistics(struct enc *e, unsigned tag, const struct h248_node *n)
{
	size_t m = bw_open(&e->w, tag);
	for (const struct h248_node *c = n->first; c; c = c->next) {
		uint8_t id[4];
		if (c->kind != H248_NODE_PROP || c->first || (c->rel && c->rel != '='))
			return ber_unsupported(e, c);
		size_t sm = bw_open(&e->w, T_SEQ);
		if (!pkgd(e, CTX(0), BER_STAT, c->name, id))
			return false;
		if (c->rel)
			ber_enc_value(e, 1, 2, c);
		bw_close(&e->w, sm);
	}
	bw_close(&e->w, m);
	return true;
}

/* StreamParms ::= SEQUENCE { localControlDescriptor [0], localDescriptor [1], remoteDescriptor [2], …,
 * statisticsDescriptor [3] } */
static bool stream_parms(struct enc *e, unsigned tag, const struct h248_node *n)
{
	/* each component's node (the first of its token, as h248_child finds it), in one walk */
	const struct h248_node *slot[4] = { 0 };
	for (const struct h248_node *c = n->first; c; c = c->next) {
		int k = c->tok == H248_TOK_LOCALCONTROL ? 0
			: c->tok == H248_TOK_LOCAL      ? 1
			: c->tok == H248_TOK_REMOTE     ? 2
			: c->tok == H248_TOK_STATISTICS ? 3
							: -1;
		if (k < 0 && c->tok != H248_TOK_STREAM && c->tok != H248_TOK_TERMINATIONSTATE)
			return ber_unsupported(e, c);
		if (k >= 0 && c->kind == H248_NODE_TOKEN && !slot[k])
			slot[k] = c;
	}
	size_t m = bw_open(&e->w, tag);
	for (unsigned k = 0; k < 4; k++) {
		const struct h248_node *c = slot[k];
		bool ok = !c || (k == 0   ? local_control(e, c)
				 : k == 3 ? statistics(e, CTXC(3), c)
					  : sdp(e, k, c));
		if (!ok)
			return false;
	}
	bw_close(&e->w, m);
	return true;
}

/* TerminationStateDescriptor ::= SEQUENCE { propertyParms [0], eventBufferControl [1], serviceState [2] } */
static bool term_state(struct enc *e, const struct h248_node *n)
{
	size_t m = bw_open(&e->w, CTXC(0)), pm = bw_open(&e->w, CTXC(0));
	for (const struct h248_node *c = n->first; c; c = c->next)
		if (c->kind != H248_NODE_TOKEN && !property(e, BER_PROP, c))
			return false;
		else if (c->kind == H248_NODE_TOKEN && c->tok != H248_TOK_BUFFER &&
			 c->tok != H248_TOK_SERVICESTATES)
			return ber_unsupported(e, c);
	bw_close(&e->w, pm);
	const struct h248_node *b = h248_child(n, H248_TOK_BUFFER, NULL),
			       *s = h248_child(n, H248_TOK_SERVICESTATES, NULL);
	if ((b && !enumerated(e, CTX(1), b, ber_buffer, 2)) ||
	    (s && !enumerated(e, CTX(2), s, ber_states, 3)))
		return false;
	bw_close(&e->w, m);
	return true;
}

/* MediaDescriptor ::= SEQUENCE { termStateDescr [0], streams [1] CHOICE { oneStream [0], multiStream [1] } }
 */
static bool media(struct enc *e, unsigned tag, const struct h248_node *n)
{
	size_t m = bw_open(&e->w, tag);
	const struct h248_node *ts = h248_child(n, H248_TOK_TERMINATIONSTATE, NULL);
	if (ts && !term_state(e, ts))
		return false;
	bool multi = h248_child(n, H248_TOK_STREAM, NULL) != NULL, one = false;
	for (const struct h248_node *c = n->first; c; c = c->next)
		one |= c->tok == H248_TOK_LOCALCONTROL || c->tok == H248_TOK_LOCAL ||
		       c->tok == H248_TOK_REMOTE || c->tok == H248_TOK_STATISTICS;
	if (multi && one)
		return ber_fail(e, 501, "Media with both Stream and stream parameters");
	if (multi || one) {
		size_t sm = bw_open(&e->w, CTXC(1));
		if (one && !stream_parms(e, CTXC(0), n))
			return false;
		if (multi) {
			size_t lm = bw_open(&e->w, CTXC(1));
			for (const struct h248_node *c = n->first; c; c = c->next) {
				if (c->tok == H248_TOK_TERMINATIONSTATE)
					continue;
				if (c->tok != H248_TOK_STREAM)
					return ber_unsupported(e, c);
				size_t dm = bw_open(&e->w, T_SEQ);
				if (!ber_u32(e, CTX(0), c->value.text, 65535, "stream id") ||
				    !stream_parms(e, CTXC(1), c))
					return false;
				bw_close(&e->w, dm);
			}
			bw_close(&e->w, lm);
		}
		bw_close(&e->w, sm);
	}
	bw_close(&e->w, m);
	return !e->failed;
}

/* AuditDescriptor ::= SEQUENCE { auditToken [0] BIT STRING OPTIONAL, … } */
bool ber_enc_audit(struct enc *e, unsigned tag, const struct h248_node *n)
{
	uint32_t bits = 0;
	for (const struct h248_node *c = n->first; c; c = c->next) {
		int i = c->kind == H248_NODE_TOKEN && !c->first
			    ? ber_tok_index(c->tok, ber_audit_tokens, BER_AUDIT_TOKENS)
			    : -1;
		if (i < 0)
			return ber_unsupported(e, c);
		bits |= 1u << i;
	}
	size_t m = bw_open(&e->w, tag);
	if (n->first)
		bw_bits(&e->w, CTX(0), bits);
	bw_close(&e->w, m);
	return true;
}

/* PackagesDescriptor ::= SEQUENCE OF PackagesItem { packageName [0] Name, packageVersion [1] } */
static bool packages(struct enc *e, unsigned tag, const struct h248_node *n)
{
	size_t m = bw_open(&e->w, tag);
	for (const struct h248_node *c = n->first; c; c = c->next) {
		const char *dash = c->kind == H248_NODE_ITEM ? memchr(c->name.p, '-', c->name.n) : NULL;
		uint16_t id;
		if (!dash)
			return ber_unsupported(e, c);
		size_t pn = (size_t)(dash - c->name.p);
		if (!ber_pkg_id(c->name.p, pn, &id))
			return ber_fail(e, 444, "%.*s: no binary id for this package", (int)pn, c->name.p);
		size_t im = bw_open(&e->w, T_SEQ);
		uint8_t b[2] = { (uint8_t)(id >> 8), (uint8_t)id };
		bw_octets(&e->w, CTX(0), b, 2);
		if (!ber_u32(e, CTX(1), (struct h248_str){ dash + 1, c->name.n - pn - 1 }, 99,
			     "package version"))
			return false;
		bw_close(&e->w, im);
	}
	bw_close(&e->w, m);
	return true;
}

/* EventParameter list [tag] of an event node: its PROP children; Stream and KeepActive are taken by the
 * caller */
static bool ev_params(struct enc *e, unsigned tag, enum ber_kind kind, const uint8_t id[4],
		      const struct h248_node *n)
{
	size_t m = bw_open(&e->w, CTXC(tag));
	for (const struct h248_node *c = n->first; c; c = c->next)
		if (c->kind == H248_NODE_PROP && !parameter(e, kind, id, c))
			return false;
	bw_close(&e->w, m);
	return true;
}

static bool only_tokens(struct enc *e, const struct h248_node *n, const enum h248_tok *allowed, size_t count)
{
	for (const struct h248_node *c = n->first; c; c = c->next)
		if (c->kind != H248_NODE_PROP &&
		    (c->kind != H248_NODE_TOKEN || ber_tok_index(c->tok, allowed, count) < 0))
			return ber_unsupported(e, c);
	return true;
}

/* EventsDescriptor ::= SEQUENCE { requestID [0] OPTIONAL, eventList [1] SEQUENCE OF RequestedEvent }
 * RequestedEvent ::= SEQUENCE { pkgdName [0], streamID [1], eventAction [2] { keepActive [0] … },
 * evParList [3] } */
static bool events(struct enc *e, unsigned tag, const struct h248_node *n)
{
	static const enum h248_tok allowed[] = { H248_TOK_STREAM, H248_TOK_KEEPACTIVE };
	size_t m = bw_open(&e->w, tag);
	if (n->value.form != H248_VAL_NONE && !ber_u32(e, CTX(0), n->value.text, UINT32_MAX, "request id"))
		return false;
	size_t lm = bw_open(&e->w, CTXC(1));
	for (const struct h248_node *c = n->first; c; c = c->next) {
		uint8_t id[4];
		if (c->kind != H248_NODE_PROP || c->rel || !only_tokens(e, c, allowed, 2))
			return e->failed ? false : ber_unsupported(e, c);
		size_t em = bw_open(&e->w, T_SEQ);
		if (!pkgd(e, CTX(0), BER_EVENT, c->name, id))
			return false;
		const struct h248_node *st = h248_child(c, H248_TOK_STREAM, NULL);
		if (st && !ber_u32(e, CTX(1), st->value.text, 65535, "stream id"))
			return false;
		if (h248_child(c, H248_TOK_KEEPACTIVE, NULL)) {
			size_t am = bw_open(&e->w, CTXC(2));
			bw_bool(&e->w, CTX(0), true);
			bw_close(&e->w, am);
		}
		if (!ev_params(e, 3, BER_EVENT, id, c))
			return false;
		bw_close(&e->w, em);
	}
	bw_close(&e->w, lm);
	bw_close(&e->w, m);
	return true;
}

/* Signal ::= SEQUENCE { signalName [0], streamID [1], sigType [2], duration [3], notifyCompletion [4],
 * keepActive [5], sigParList [6], …, direction [7], requestID [8], intersigDelay [9] } */
static bool signal(struct enc *e, unsigned tag, const struct h248_node *n)
{
	static const enum h248_tok allowed[] = { H248_TOK_STREAM,     H248_TOK_SIGNALTYPE,
						 H248_TOK_DURATION,   H248_TOK_NOTIFYCOMPLETION,
						 H248_TOK_KEEPACTIVE, H248_TOK_DIRECTION,
						 H248_TOK_REQUESTID,  H248_TOK_INTERSIGNAL };
	uint8_t id[4];
	if (n->kind != H248_NODE_PROP || n->rel || !only_tokens(e, n, allowed, 8))
		return e->failed ? false : ber_unsupported(e, n);
	size_t m = bw_open(&e->w, tag);
	if (!pkgd(e, CTX(0), BER_SIGNAL, n->name, id))
		return false;
	for (unsigned k = 0; k < 8; k++) {
		const struct h248_node *c = h248_child(n, allowed[k], NULL);
		unsigned t = k < 5 ? k + 1 : k + 2; /* sigParList [6] sits between keepActive and direction */
		if (k == 5 && !ev_params(e, 6, BER_SIGNAL, id, n))
			return false;
		if (!c)
			continue;
		bool ok = true;
		if (k == 1)
			ok = enumerated(e, CTX(t), c, ber_sigtypes, 3);
		else if (k == 3) {
			uint32_t bits = 0;
			const struct h248_value *v = &c->value;
			size_t count = v->form == H248_VAL_WORD ? 1 : v->nitems;
			for (size_t i = 0; ok && i < count; i++) {
				int b = ber_tok_index(v->form == H248_VAL_WORD ? v->tok : v->items[i].tok,
						      ber_completions, 5);
				ok = b >= 0 || ber_unsupported(e, c);
				bits |= b >= 0 ? 1u << b : 0;
			}
			if (ok)
				bw_bits(&e->w, CTX(t), bits);
		} else if (k == 4)
			bw_bool(&e->w, CTX(t), true);
		else if (k == 5)
			ok = enumerated(e, CTX(t), c, ber_directions, 4);
		else
			ok = ber_u32(e, CTX(t), c->value.text, k == 6 ? UINT32_MAX : 65535,
				     h248_tokens[c->tok].pretty);
		if (!ok)
			return false;
	}
	bw_close(&e->w, m);
	return true;
}

/* SignalsDescriptor ::= SEQUENCE OF SignalRequest CHOICE { signal [0], seqSigList [1] { id [0],
 * signalList [1] SEQUENCE OF Signal } } */
static bool signals(struct enc *e, unsigned tag, const struct h248_node *n)
{
	size_t m = bw_open(&e->w, tag);
	for (const struct h248_node *c = n->first; c; c = c->next) {
		if (c->kind == H248_NODE_TOKEN && c->tok == H248_TOK_SIGNALLIST) {
			size_t sm = bw_open(&e->w, CTXC(1));
			if (!ber_u32(e, CTX(0), c->value.text, 65535, "signal list id"))
				return false;
			size_t lm = bw_open(&e->w, CTXC(1));
			for (const struct h248_node *s = c->first; s; s = s->next)
				if (!signal(e, T_SEQ, s))
					return false;
			bw_close(&e->w, lm);
			bw_close(&e->w, sm);
		} else if (!signal(e, CTXC(0), c))
			return false;
	}
	bw_close(&e->w, m);
	return true;
}

/* ObservedEventsDescriptor ::= SEQUENCE { requestId [0], observedEventLst [1] SEQUENCE OF ObservedEvent }
 * ObservedEvent ::= SEQUENCE { eventName [0], streamID [1], eventParList [2], timeNotation [3] { date [0],
 * time [1] } } */
bool ber_enc_observed(struct enc *e, unsigned tag, const struct h248_node *n)
{
	static const enum h248_tok allowed[] = { H248_TOK_STREAM };
	size_t m = bw_open(&e->w, tag);
	if (!ber_u32(e, CTX(0), n->value.text, UINT32_MAX, "request id"))
		return false;
	size_t lm = bw_open(&e->w, CTXC(1));
	for (const struct h248_node *c = n->first; c; c = c->next) {
		uint8_t id[4];
		if (c->kind != H248_NODE_PROP || c->rel || !only_tokens(e, c, allowed, 1))
			return e->failed ? false : ber_unsupported(e, c);
		size_t em = bw_open(&e->w, T_SEQ);
		if (!pkgd(e, CTX(0), BER_EVENT, c->name, id))
			return false;
		const struct h248_node *st = h248_child(c, H248_TOK_STREAM, NULL);
		if ((st && !ber_u32(e, CTX(1), st->value.text, 65535, "stream id")) ||
		    !ev_params(e, 2, BER_EVENT, id, c))
			return false;
		if (c->stamp.n) {
			if (c->stamp.n != 17 || c->stamp.p[8] != 'T')
				return ber_fail(e, 400, "time stamp %.*s", (int)c->stamp.n, c->stamp.p);
			size_t tm = bw_open(&e->w, CTXC(3));
			bw_octets(&e->w, CTX(0), c->stamp.p, 8);
			bw_octets(&e->w, CTX(1), c->stamp.p + 9, 8);
			bw_close(&e->w, tm);
		}
		bw_close(&e->w, em);
	}
	bw_close(&e->w, lm);
	bw_close(&e->w, m);
	return true;
}

/* AmmDescriptor (request) and AuditReturnParameter (reply): the alternative's number for each descriptor */
bool ber_enc_descriptor(struct enc *e, const struct h248_node *n, bool reply)
{
	static const struct {
		enum h248_tok tok;
		signed char amm, arp;
	} alts[] = {
		{ H248_TOK_MEDIA, 0, 1 },           { H248_TOK_EVENTS, 3, 4 },     { H248_TOK_SIGNALS, 5, 6 },
		{ H248_TOK_AUDIT, 7, -1 },          { H248_TOK_STATISTICS, 8, 9 }, { H248_TOK_ERROR, -1, 0 },
		{ H248_TOK_OBSERVEDEVENTS, -1, 8 }, { H248_TOK_PACKAGES, -1, 10 },
	};
	for (size_t i = 0; n->kind == H248_NODE_TOKEN && i < sizeof alts / sizeof alts[0]; i++) {
		int alt = reply ? alts[i].arp : alts[i].amm;
		if (alts[i].tok != n->tok || alt < 0)
			continue;
		unsigned tag = CTXC((unsigned)alt);
		switch (n->tok) {
		case H248_TOK_MEDIA:
			return media(e, tag, n);
		case H248_TOK_EVENTS:
			return events(e, tag, n);
		case H248_TOK_SIGNALS:
			return signals(e, tag, n);
		case H248_TOK_AUDIT:
			return ber_enc_audit(e, tag, n);
		case H248_TOK_STATISTICS:
			return statistics(e, tag, n);
		case H248_TOK_ERROR:
			return ber_enc_error(e, tag, n);
		case H248_TOK_OBSERVEDEVENTS:
			return ber_enc_observed(e, tag, n);
		default:
			return packages(e, tag, n);
		}
	}
	return ber_unsupported(e, n);
}
