/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ber_dec: the descriptors of h248_ber_decode (ber.h) and the helpers ber_dec_msg.c shares (the
 * primitives both read with are ber_dec_base.c's). A SEQUENCE is read into slots by its components' tag
 * numbers (ber_fields), so each type below names its components by number, as ber_enc.c writes them;
 * anything else (an unknown, repeated or misplaced component) is refused. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ber.h"
#include "ber_int.h"
#include "ber_tab.h"

/* The decimal digits written straight into the message's arena (NUL-terminated, as h248_str_dup's), not
 * into a buffer to copy: a number is most values a message decodes to. */
bool ber_set_number(struct dec *d, struct h248_node *n, const struct tlv *t, uint32_t max)
{
	uint32_t v;
	if (!ber_dec_u32(d, t, max, &v))
		return false;
	size_t len = 1;
	for (uint32_t x = v; x >= 10; x /= 10)
		len++;
	char *s = arena_take(d->m->arena, len + 1);
	if (!s)
		return ber_oom(d, NULL);
	s[len] = 0;
	for (size_t i = len; i-- > 0; v /= 10)
		s[i] = (char)('0' + v % 10);
	n->value.form = H248_VAL_WORD;
	n->value.text = (struct h248_str){ s, len };
	return true;
}

/* a token child holding a number */
static bool number_child(struct dec *d, struct h248_node *parent, enum h248_tok tok, const struct tlv *t,
			 uint32_t max)
{
	struct h248_node *n = ber_token(d, parent, tok);
	return n && ber_set_number(d, n, t, max);
}

/* a token child whose value is the token at index v of list */
static bool enum_child(struct dec *d, struct h248_node *parent, enum h248_tok tok, const struct tlv *t,
		       const enum h248_tok *list, uint32_t count)
{
	uint32_t v;
	if (!ber_dec_u32(d, t, count - 1, &v) || !list[v])
		return d->failed ? false : ber_dfail(d, 400, &t->in, "unknown %s", h248_tokens[tok].pretty);
	struct h248_node *n = ber_token(d, parent, tok);
	if (!n)
		return false;
	ber_static_word(n, h248_tokens[list[v]].pretty);
	n->value.tok = list[v];
	return true;
}

static bool is_word(struct h248_str s)
{
	for (size_t i = 0; i < s.n; i++)
		if (!h248_safechar[(unsigned char)s.p[i]])
			return false;
	return s.n > 0;
}

static void text_value(struct h248_value *v, struct h248_str s)
{
	v->form = is_word(s) ? H248_VAL_WORD : H248_VAL_QUOTED;
	v->text = s;
}

/* Value (SEQUENCE OF OCTET STRING) and its extraInfo into n's rel and value */
static bool value(struct dec *d, struct h248_node *n, const struct tlv *val, const struct tlv *extra)
{
	struct h248_str items[64];
	size_t count = 0;
	struct br in = val->in;
	while (br_more(&in)) {
		struct tlv t;
		if (!ber_next(d, &in, &t))
			return false;
		if (t.tag != T_OCTETS || count == 64)
			return ber_dfail(d, 400, &t.in, "a value is up to 64 OCTET STRINGs");
		if (!(items[count++] = ber_dup(d, &t)).p && br_len(&t))
			return false;
	}
	n->rel = '=';
	enum h248_form form = count == 1 ? H248_VAL_WORD : H248_VAL_ALTLIST;
	if (extra && extra->tag) {
		struct tlv f[3];
		if (!ber_fields(d, extra, f, 3))
			return false;
		uint32_t rel;
		if (f[0].tag && (!ber_dec_u32(d, &f[0], 2, &rel) || count != 1))
			return d->failed ? false : ber_dfail(d, 400, &f[0].in, "relation on a list");
		if (f[0].tag)
			n->rel = rel == 0 ? '>' : rel == 1 ? '<' : '#';
		else if (f[1].tag && br_len(&f[1]) == 1 && f[1].in.p[0] && count == 2)
			form = H248_VAL_RANGE;
		else if (f[2].tag && br_len(&f[2]) == 1)
			form = f[2].in.p[0] ? H248_VAL_SUBLIST : H248_VAL_ALTLIST;
		else
			return ber_dfail(d, 400, &extra->in, "extraInfo");
	}
	if (!count)
		return ber_dfail(d, 400, &val->in, "an empty value");
	if (form == H248_VAL_WORD) {
		text_value(&n->value, items[0]);
		return true;
	}
	n->value.form = form;
	n->value.items = arena_alloc(d->m->arena, count * sizeof *n->value.items);
	if (!n->value.items)
		return ber_oom(d, &val->in);
	memset(n->value.items, 0, count * sizeof *n->value.items);
	n->value.nitems = count;
	for (size_t i = 0; i < count; i++)
		text_value(&n->value.items[i], items[i]);
	return true;
}

/* name: the tables' (static, NUL-terminated), which the node points to rather than copies */
static struct h248_node *prop_node(struct dec *d, struct h248_node *parent, const char *name, size_t len)
{
	struct h248_node *n = h248_node_new(d->m, H248_NODE_PROP, H248_TOK_NONE);
	if (!n)
		return ber_oom(d, NULL), NULL;
	n->name = (struct h248_str){ name, len };
	h248_append(parent, n);
	return n;
}

/* a PkgdName [4 octets] as a PROP child of parent */
static struct h248_node *pkgd(struct dec *d, struct h248_node *parent, enum ber_kind kind,
			      const struct tlv *t, uint8_t id[4])
{
	size_t len;
	const char *name;
	if (br_len(t) != 4)
		return ber_dfail(d, 400, &t->in, "a PkgdName is 4 octets"), NULL;
	memcpy(id, t->in.p, 4);
	if (!(name = ber_pkgd_text(kind, id, &len)))
		return ber_dfail(d, ber_pkg_name((uint16_t)(id[0] << 8 | id[1])) ? 445 : 444, &t->in,
				 "unknown package or item 0x%02x%02x/0x%02x%02x", id[0], id[1], id[2], id[3]),
		       NULL;
	return prop_node(d, parent, name, len);
}

/* PropertyParm { name [0], value [1], extraInfo [2] } under parent */
static bool property(struct dec *d, struct h248_node *parent, const struct tlv *t)
{
	struct tlv f[3];
	uint8_t id[4];
	struct h248_node *n;
	if (t->tag != T_SEQ || !ber_fields(d, t, f, 3))
		return d->failed ? false : ber_dfail(d, 400, &t->in, "PropertyParm");
	if (!f[0].tag || !f[1].tag || !(n = pkgd(d, parent, BER_PROP, &f[0], id)))
		return d->failed ? false : ber_dfail(d, 400, &t->in, "PropertyParm without name or value");
	return value(d, n, &f[1], &f[2]);
}

static bool properties(struct dec *d, struct h248_node *parent, const struct tlv *list)
{
	struct br in = list->in;
	while (br_more(&in)) {
		struct tlv t;
		if (!ber_next(d, &in, &t) || !property(d, parent, &t))
			return false;
	}
	return true;
}

/* EventParameter / SigParameter { name [0] Name, value [1], extraInfo [2] } list under n */
static bool params(struct dec *d, struct h248_node *n, enum ber_kind kind, const uint8_t item[4],
		   const struct tlv *list)
{
	struct br in = list->in;
	while (br_more(&in)) {
		struct tlv t, f[3];
		if (!ber_next(d, &in, &t))
			return false;
		if (t.tag != T_SEQ || !ber_fields(d, &t, f, 3) || !f[0].tag || !f[1].tag ||
		    br_len(&f[0]) != 2)
			return d->failed ? false : ber_dfail(d, 400, &t.in, "parameter");
		size_t len;
		const char *name =
		    ber_param_name(kind, item, (uint16_t)(f[0].in.p[0] << 8 | f[0].in.p[1]), &len);
		if (!name)
			return ber_dfail(d, 445, &f[0].in, "unknown parameter");
		struct h248_node *p = prop_node(d, n, name, len);
		if (!p || !value(d, p, &f[1], &f[2]))
			return false;
	}
	n->flags |= n->first ? H248_F_BODY : 0;
	return true;
}

bool ber_dec_termid(struct dec *d, const struct tlv *t, struct h248_str *out)
{
	struct tlv f[2];
	if (!ber_fields(d, t, f, 2) || !f[0].tag || !f[1].tag)
		return d->failed ? false : ber_dfail(d, 400, &t->in, "TerminationID");
	size_t n = br_len(&f[1]), wn = 0;
	const uint8_t *id = f[1].in.p;
	uint8_t w = 0;
	struct br in = f[0].in;
	while (br_more(&in)) {
		struct tlv x;
		if (!ber_next(d, &in, &x))
			return false;
		if (x.tag != T_OCTETS || br_len(&x) != 1 || wn++)
			return ber_dfail(d, 501, &x.in, "a TerminationID with more than one wildcard");
		w = x.in.p[0];
	}
	char text[10];
	size_t len = 0;
	static const uint8_t root[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	if (!wn && n == 8 && !memcmp(id, root, 8)) {
		*out = h248_cstr(d->m, "ROOT");
		return out->p || ber_oom(d, NULL);
	}
	if (n < 1 || n > 8)
		return ber_dfail(d, 400, &f[1].in, "a TerminationID is 1 to 8 octets");
	size_t k = wn ? (size_t)(63 - (w & 0x3f)) / 8 : n;
	if (wn && (!(w & 0x40) || (63 - (w & 0x3f)) % 8 || n != 8))
		return ber_dfail(d, 501, &f[0].in,
				 "wildcard 0x%02x: only whole octets of this level and below", w);
	for (size_t i = 0; i < n; i++)
		if (i < k ? !h248_safechar[id[i]] || id[i] == '*' || id[i] == '$' : id[i] != 0)
			return ber_dfail(d, 501, &f[1].in, "TerminationID octets without a text form here");
	if (!wn) /* the id's octets as they are, copied once */
		*out = h248_str_dup(d->m, (const char *)id, k);
	else {
		memcpy(text, id, k);
		len = k;
		text[len++] = (w & 0x80) ? '$' : '*';
		*out = h248_str_dup(d->m, text, len);
	}
	return out->p || ber_oom(d, NULL);
}

bool ber_dec_error(struct dec *d, struct h248_node *parent, const struct tlv *t)
{
	struct tlv f[2];
	struct h248_node *e;
	if (!ber_fields(d, t, f, 2) || !f[0].tag)
		return d->failed ? false : ber_dfail(d, 400, &t->in, "ErrorDescriptor");
	if (!(e = ber_token(d, parent, H248_TOK_ERROR)) || !ber_set_number(d, e, &f[0], 65535))
		return false;
	if (!f[1].tag)
		return true;
	struct h248_node *q = h248_node_new(d->m, H248_NODE_QUOTED, H248_TOK_NONE);
	if (!q || !(q->name = ber_dup(d, &f[1])).p)
		return br_len(&f[1]) ? ber_oom(d, NULL) : true;
	for (size_t i = 0; i < q->name.n;
	     i++) { /* what a quoted string cannot hold, as h248_add_error does */
		char *c = (char *)q->name.p + i;
		if (*c == '"' || (unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
			*c = '\'';
	}
	h248_append(e, q);
	e->flags |= H248_F_BODY;
	return true;
}

bool ber_dec_audit(struct dec *d, struct h248_node *parent, const struct tlv *t)
{
	struct tlv f[2];
	uint32_t bits = 0;
	struct h248_node *a = ber_token(d, parent, H248_TOK_AUDIT);
	if (!a || !ber_fields(d, t, f, 2))
		return false;
	if (f[1].tag)
		return ber_dfail(d, 501, &f[1].in, "individual audits");
	if (f[0].tag && !br_bits(&f[0], &bits))
		return ber_dfail(d, 400, &f[0].in, "auditToken");
	a->flags |= H248_F_BODY;
	for (unsigned i = 0; i < 32; i++)
		if (bits & (1u << i)) {
			if (i >= BER_AUDIT_TOKENS)
				return ber_dfail(d, 400, &f[0].in, "auditToken bit %u", i);
			if (!ber_token(d, a, ber_audit_tokens[i]))
				return false;
		}
	return true;
}

static bool on_off(struct dec *d, struct h248_node *parent, enum h248_tok tok, const struct tlv *t)
{
	struct h248_node *n = ber_token(d, parent, tok);
	if (!n || br_len(t) != 1)
		return d->failed ? false : ber_dfail(d, 400, &t->in, "BOOLEAN");
	enum h248_tok v = t->in.p[0] ? H248_TOK_ON : H248_TOK_OFF;
	ber_static_word(n, h248_tokens[v].pretty);
	n->value.tok = v;
	return true;
}

static bool local_control(struct dec *d, struct h248_node *parent, const struct tlv *t)
{
	struct tlv f[4];
	struct h248_node *n = ber_token(d, parent, H248_TOK_LOCALCONTROL);
	if (!n || !ber_fields(d, t, f, 4))
		return false;
	n->flags |= H248_F_BODY;
	return (!f[0].tag || enum_child(d, n, H248_TOK_MODE, &f[0], ber_modes, 5)) &&
	       (!f[1].tag || on_off(d, n, H248_TOK_RESERVEDVALUE, &f[1])) &&
	       (!f[2].tag || on_off(d, n, H248_TOK_RESERVEDGROUP, &f[2])) &&
	       (!f[3].tag || properties(d, n, &f[3]));
}

static bool term_state(struct dec *d, struct h248_node *parent, const struct tlv *t)
{
	struct tlv f[3];
	struct h248_node *n = ber_token(d, parent, H248_TOK_TERMINATIONSTATE);
	if (!n || !ber_fields(d, t, f, 3))
		return false;
	n->flags |= H248_F_BODY;
	return (!f[0].tag || properties(d, n, &f[0])) &&
	       (!f[2].tag || enum_child(d, n, H248_TOK_SERVICESTATES, &f[2], ber_states, 3)) &&
	       (!f[1].tag || enum_child(d, n, H248_TOK_BUFFER, &f[1], ber_buffer, 2));
}

static bool statistics(struct dec *d, struct h248_node *parent, const struct tlv *t)
{
	struct h248_node *n = ber_token(d, parent, H248_TOK_STATISTICS);
	if (!n)
		return false;
	n->flags |= H248_F_BODY;
	struct br in = t->in;
	while (br_more(&in)) {
		struct tlv s, f[2];
		uint8_t id[4];
		struct h248_node *p;
		if (!ber_next(d, &in, &s))
			return false;
		if (s.tag != T_SEQ || !ber_fields(d, &s, f, 2) || !f[0].tag)
			return d->failed ? false : ber_dfail(d, 400, &s.in, "StatisticsParameter");
		if (!(p = pkgd(d, n, BER_STAT, &f[0], id)) || (f[1].tag && !value(d, p, &f[1], NULL)))
			return false;
	}
	return true;
}

/* StreamParms { localControl [0], local [1], remote [2], statistics [3] } as parent's children */
static bool stream_parms(struct dec *d, struct h248_node *parent, const struct tlv *t)
{
	struct tlv f[4];
	if (!ber_fields(d, t, f, 4))
		return false;
	return (!f[0].tag || local_control(d, parent, &f[0])) &&
	       (!f[1].tag || ber_dec_sdp(d, parent, H248_TOK_LOCAL, &f[1])) &&
	       (!f[2].tag || ber_dec_sdp(d, parent, H248_TOK_REMOTE, &f[2])) &&
	       (!f[3].tag || statistics(d, parent, &f[3]));
}

static bool media(struct dec *d, struct h248_node *parent, const struct tlv *t)
{
	struct tlv f[2], s;
	struct h248_node *n = ber_token(d, parent, H248_TOK_MEDIA);
	if (!n || !ber_fields(d, t, f, 2) || (f[0].tag && !term_state(d, n, &f[0])))
		return false;
	n->flags |= H248_F_BODY;
	if (!f[1].tag)
		return true;
	struct br in = f[1].in;
	if (!ber_next(d, &in, &s))
		return false;
	if (s.tag == CTXC(0))
		return stream_parms(d, n, &s);
	if (s.tag != CTXC(1))
		return ber_dfail(d, 400, &s.in, "streams");
	struct br list = s.in;
	while (br_more(&list)) {
		struct tlv sd, sf[2];
		struct h248_node *st;
		if (!ber_next(d, &list, &sd))
			return false;
		if (sd.tag != T_SEQ || !ber_fields(d, &sd, sf, 2) || !sf[0].tag || !sf[1].tag)
			return d->failed ? false : ber_dfail(d, 400, &sd.in, "StreamDescriptor");
		if (!(st = ber_token(d, n, H248_TOK_STREAM)) || !ber_set_number(d, st, &sf[0], 65535) ||
		    !stream_parms(d, st, &sf[1]))
			return false;
		st->flags |= H248_F_BODY;
	}
	return true;
}

/* RequestedEvent { pkgdName [0], streamID [1], eventAction [2] { keepActive [0] }, evParList [3] } and
 * ObservedEvent { eventName [0], streamID [1], eventParList [2], timeNotation [3] } */
static bool event(struct dec *d, struct h248_node *parent, const struct tlv *t, bool observed)
{
	struct tlv f[4], a[6];
	uint8_t id[4];
	struct h248_node *n;
	if (t->tag != T_SEQ || !ber_fields(d, t, f, 4) || !f[0].tag ||
	    !(n = pkgd(d, parent, BER_EVENT, &f[0], id)))
		return d->failed ? false : ber_dfail(d, 400, &t->in, "event");
	if (f[1].tag && !number_child(d, n, H248_TOK_STREAM, &f[1], 65535))
		return false;
	if (!observed && f[2].tag) {
		if (!ber_fields(d, &f[2], a, 6))
			return false;
		for (unsigned i = 1; i < 6; i++)
			if (a[i].tag)
				return ber_dfail(d, 501, &a[i].in, "event actions other than KeepActive");
		if (a[0].tag && br_len(&a[0]) == 1 && a[0].in.p[0] && !ber_token(d, n, H248_TOK_KEEPACTIVE))
			return false;
	}
	const struct tlv *pl = observed ? &f[2] : &f[3];
	if (pl->tag && !params(d, n, BER_EVENT, id, pl))
		return false;
	n->flags |= n->first ? H248_F_BODY : 0;
	if (observed && f[3].tag) {
		struct tlv tf[2];
		char stamp[17];
		if (!ber_fields(d, &f[3], tf, 2) || br_len(&tf[0]) != 8 || br_len(&tf[1]) != 8)
			return d->failed ? false : ber_dfail(d, 400, &f[3].in, "TimeNotation");
		if (!ber_time_digits(tf[0].in.p, tf[1].in.p))
			return ber_dfail(d, 400, &f[3].in, "TimeNotation digits");
		memcpy(stamp, tf[0].in.p, 8), stamp[8] = 'T', memcpy(stamp + 9, tf[1].in.p, 8);
		if (!(n->stamp = h248_str_dup(d->m, stamp, 17)).p)
			return ber_oom(d, NULL);
	}
	return true;
}

/* EventsDescriptor { requestID [0], eventList [1] }, ObservedEventsDescriptor { requestId [0],
 * observedEventLst [1] } */
static bool events(struct dec *d, struct h248_node *parent, const struct tlv *t, enum h248_tok tok)
{
	struct tlv f[2];
	struct h248_node *n = ber_token(d, parent, tok);
	if (!n || !ber_fields(d, t, f, 2) || (f[0].tag && !ber_set_number(d, n, &f[0], UINT32_MAX)))
		return false;
	if (tok == H248_TOK_OBSERVEDEVENTS && !f[0].tag)
		return ber_dfail(d, 400, &t->in, "ObservedEvents without a request id");
	struct br in = f[1].in;
	while (f[1].tag && br_more(&in)) {
		struct tlv e;
		if (!ber_next(d, &in, &e) || !event(d, n, &e, tok == H248_TOK_OBSERVEDEVENTS))
			return false;
	}
	n->flags |= n->first ? H248_F_BODY : 0;
	return true;
}

/* Signal { signalName [0], streamID [1], sigType [2], duration [3], notifyCompletion [4], keepActive [5],
 * sigParList [6], direction [7], requestID [8], intersigDelay [9] } */
static bool signal(struct dec *d, struct h248_node *parent, const struct tlv *t)
{
	struct tlv f[10];
	uint8_t id[4];
	uint32_t bits;
	struct h248_node *n;
	if (!ber_fields(d, t, f, 10) || !f[0].tag || !(n = pkgd(d, parent, BER_SIGNAL, &f[0], id)))
		return d->failed ? false : ber_dfail(d, 400, &t->in, "Signal");
	if ((f[1].tag && !number_child(d, n, H248_TOK_STREAM, &f[1], 65535)) ||
	    (f[2].tag && !enum_child(d, n, H248_TOK_SIGNALTYPE, &f[2], ber_sigtypes, 3)) ||
	    (f[3].tag && !number_child(d, n, H248_TOK_DURATION, &f[3], 65535)))
		return false;
	if (f[4].tag) {
		struct h248_node *nc = ber_token(d, n, H248_TOK_NOTIFYCOMPLETION);
		struct h248_value items[5];
		size_t count = 0;
		if (!nc || !br_bits(&f[4], &bits) || bits >> 5 || !bits)
			return d->failed ? false : ber_dfail(d, 400, &f[4].in, "notifyCompletion");
		for (unsigned i = 0; i < 5; i++)
			if (bits & (1u << i)) {
				const char *name = h248_tokens[ber_completions[i]].pretty;
				items[count++] = (struct h248_value){ .form = H248_VAL_WORD,
								      .tok = ber_completions[i],
								      .text = { name, strlen(name) } };
			}
		if (count == 1)
			nc->value = items[0];
		else {
			nc->value.form = H248_VAL_ALTLIST;
			if (!(nc->value.items = arena_alloc(d->m->arena, count * sizeof items[0])))
				return ber_oom(d, NULL);
			memcpy(nc->value.items, items, count * sizeof items[0]);
			nc->value.nitems = count;
		}
	}
	if (f[5].tag && br_len(&f[5]) == 1 && f[5].in.p[0] && !ber_token(d, n, H248_TOK_KEEPACTIVE))
		return false;
	if ((f[6].tag && !params(d, n, BER_SIGNAL, id, &f[6])) ||
	    (f[7].tag && !enum_child(d, n, H248_TOK_DIRECTION, &f[7], ber_directions, 4)) ||
	    (f[8].tag && !number_child(d, n, H248_TOK_REQUESTID, &f[8], UINT32_MAX)) ||
	    (f[9].tag && !number_child(d, n, H248_TOK_INTERSIGNAL, &f[9], 65535)))
		return false;
	n->flags |= n->first ? H248_F_BODY : 0;
	return true;
}

static bool signals(struct dec *d, struct h248_node *parent, const struct tlv *t)
{
	struct h248_node *n = ber_token(d, parent, H248_TOK_SIGNALS);
	if (!n)
		return false;
	n->flags |= H248_F_BODY;
	struct br in = t->in;
	while (br_more(&in)) {
		struct tlv s, f[2];
		if (!ber_next(d, &in, &s))
			return false;
		if (s.tag == CTXC(0)) {
			if (!signal(d, n, &s))
				return false;
			continue;
		}
		struct h248_node *l = ber_token(d, n, H248_TOK_SIGNALLIST);
		if (!l || s.tag != CTXC(1) || !ber_fields(d, &s, f, 2) || !f[0].tag || !f[1].tag ||
		    !ber_set_number(d, l, &f[0], 65535))
			return d->failed ? false : ber_dfail(d, 400, &s.in, "SignalRequest");
		l->flags |= H248_F_BODY;
		struct br list = f[1].in;
		while (br_more(&list)) {
			struct tlv g;
			if (!ber_next(d, &list, &g) || g.tag != T_SEQ || !signal(d, l, &g))
				return d->failed ? false : ber_dfail(d, 400, &g.in, "SeqSigList");
		}
	}
	return true;
}

static bool packages(struct dec *d, struct h248_node *parent, const struct tlv *t)
{
	struct h248_node *n = ber_token(d, parent, H248_TOK_PACKAGES);
	if (!n)
		return false;
	n->flags |= H248_F_BODY;
	struct br in = t->in;
	while (br_more(&in)) {
		struct tlv p, f[2];
		uint32_t v;
		char text[40];
		if (!ber_next(d, &in, &p))
			return false;
		if (p.tag != T_SEQ || !ber_fields(d, &p, f, 2) || br_len(&f[0]) != 2 || !f[1].tag ||
		    !ber_dec_u32(d, &f[1], 99, &v))
			return d->failed ? false : ber_dfail(d, 400, &p.in, "PackagesItem");
		const char *name = ber_pkg_name((uint16_t)(f[0].in.p[0] << 8 | f[0].in.p[1]));
		if (!name)
			return ber_dfail(d, 444, &f[0].in, "unknown package");
		snprintf(text, sizeof text, "%s-%u", name, v);
		struct h248_node *i = h248_node_new(d->m, H248_NODE_ITEM, H248_TOK_NONE);
		if (!i || !(i->name = h248_cstr(d->m, text)).p)
			return ber_oom(d, NULL);
		h248_append(n, i);
	}
	return true;
}

bool ber_dec_descriptor(struct dec *d, struct h248_node *parent, const struct tlv *t, bool reply)
{
	unsigned alt = t->tag & 0x1f;
	if ((t->tag & 0xe0) != 0xa0)
		return ber_dfail(d, 400, &t->in, "descriptor tag 0x%02x", t->tag);
	/* AmmDescriptor: media 0, events 3, signals 5, audit 7, statistics 8; AuditReturnParameter: error 0,
	 * media 1, events 4, signals 6, observedEvents 8, statistics 9, packages 10 */
	static const signed char amm[] = { 'M', -1, -1, 'E', -1, 'G', -1, 'A', 'S' },
				 arp[] = { 'R', 'M', -1, -1, 'E', -1, 'G', -1, 'O', 'S', 'P' };
	int k = reply ? (alt < sizeof arp ? arp[alt] : -1) : (alt < sizeof amm ? amm[alt] : -1);
	switch (k) {
	case 'M':
		return media(d, parent, t);
	case 'E':
		return events(d, parent, t, H248_TOK_EVENTS);
	case 'O':
		return events(d, parent, t, H248_TOK_OBSERVEDEVENTS);
	case 'G':
		return signals(d, parent, t);
	case 'A':
		return ber_dec_audit(d, parent, t);
	case 'S':
		return statistics(d, parent, t);
	case 'R':
		return ber_dec_error(d, parent, t);
	case 'P':
		return packages(d, parent, t);
	default:
		return ber_dfail(d, 501, &t->in, "descriptor [%u]: not carried by the binary encoding here",
				 alt);
	}
}
