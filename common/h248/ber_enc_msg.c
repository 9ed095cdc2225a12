/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ber_enc_msg: h248_ber_encode (ber.h) from the message down to the commands; ber_enc.c writes the
 * descriptors. Tags as in ber_enc.c: AUTOMATIC TAGS of MEDIA-GATEWAY-CONTROL v3, a CHOICE component
 * explicitly tagged. */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "ber.h"
#include "ber_int.h"

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* "0x…" (or bare hex) of lo..hi octets as an OCTET STRING */
static bool hex(struct enc *e, unsigned tag, struct h248_str s, size_t lo, size_t hi)
{
	uint8_t b[32];
	if (s.n >= 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X'))
		s.p += 2, s.n -= 2;
	if (s.n % 2 || s.n / 2 < lo || s.n / 2 > hi)
		return ber_fail(e, 400, "%.*s: not %zu to %zu hex octets", (int)s.n, s.p, lo, hi);
	for (size_t i = 0; i < s.n / 2; i++) {
		int h = hexval(s.p[2 * i]), l = hexval(s.p[2 * i + 1]);
		if (h < 0 || l < 0)
			return ber_fail(e, 400, "%.*s: not hex", (int)s.n, s.p);
		b[i] = (uint8_t)(h << 4 | l);
	}
	bw_octets(&e->w, tag, b, s.n / 2);
	return true;
}

/* The IPv4 address of s[0..n) (up to a NUL, as in a C string) into a, as glibc's inet_pton reads it: four
 * decimal octets up to 255, no leading zeros, nothing else; false when not. By hand: inet_pton was a
 * fifteenth of a binary Notify's encode. */
static bool ip4_parse(const char *s, size_t n, uint8_t a[4])
{
	size_t i = 0;
	for (int o = 0; o < 4; o++) { /* an octet: a digit, or two or three without a leading zero */
		if (o && (i >= n || s[i++] != '.'))
			return false;
		unsigned c = i < n ? (unsigned char)s[i] - '0' : 10, v = c;
		if (c > 9)
			return false;
		if (++i < n && (c = (unsigned char)s[i] - '0') <= 9) {
			if (!v)
				return false;
			v = v * 10 + c;
			if (++i < n && (c = (unsigned char)s[i] - '0') <= 9) {
				if ((v = v * 10 + c) > 255)
					return false;
				i++;
			}
		}
		a[o] = (uint8_t)v;
	}
	return i == n || !s[i]; /* a fourth digit, or anything else after, is not an address */
}

/* MId CHOICE { ip4Address [0] { address [0], portNumber [1] }, ip6Address [1], domainName [2] { name [0],
 * portNumber [1] }, deviceName [3], mtpAddress [4] }, as the alternative alone (base 0) or, in
 * ServiceChangeAddress, one number up (base 1) */
static bool mid(struct enc *e, const struct h248_mid *id, unsigned base)
{
	char text[64];
	uint8_t a[16];
	if (id->text.n >= sizeof text)
		return ber_fail(e, 400, "mId too long");
	switch (id->kind) {
	case H248_MID_IP4:
	case H248_MID_IP6: {
		bool v6 = id->kind == H248_MID_IP6;
		if (v6) {
			memcpy(text, id->text.p, id->text.n);
			text[id->text.n] = 0;
		}
		if (v6 ? inet_pton(AF_INET6, text, a) != 1 : !ip4_parse(id->text.p, id->text.n, a))
			return ber_fail(e, 400, "mId address %.*s", (int)strnlen(id->text.p, id->text.n),
					id->text.p);
		size_t m = bw_open(&e->w, CTXC(base + v6));
		bw_octets(&e->w, CTX(0), a, v6 ? 16 : 4);
		if (id->port >= 0)
			bw_uint(&e->w, CTX(1), (uint32_t)id->port);
		bw_close(&e->w, m);
		return true;
	}
	case H248_MID_DOMAIN: {
		size_t m = bw_open(&e->w, CTXC(base + 2));
		bw_octets(&e->w, CTX(0), id->text.p, id->text.n);
		if (id->port >= 0)
			bw_uint(&e->w, CTX(1), (uint32_t)id->port);
		bw_close(&e->w, m);
		return true;
	}
	case H248_MID_DEVICE:
		bw_octets(&e->w, CTX(base + 3), id->text.p, id->text.n);
		return true;
	case H248_MID_MTP:
		return hex(e, CTX(base + 4), id->text, 2, 4);
	}
	return false;
}

/* a ServiceChangeAddress [tag] (a port, or an mId) or a serviceChangeMgcId [tag] (an mId) */
static bool address(struct enc *e, unsigned tag, const struct h248_node *n, bool port_allowed)
{
	struct h248_mid id;
	uint32_t port;
	size_t m = bw_open(&e->w, tag);
	if (port_allowed && h248_str_u32(n->value.text, &port) && port <= 65535)
		bw_uint(&e->w, CTX(0), port);
	else if (!h248_mid_parse(n->value.text.p, n->value.text.n, &id))
		return ber_fail(e, 400, "%s: not an mId", h248_tokens[n->tok].pretty);
	else if (!mid(e, &id, port_allowed))
		return false;
	bw_close(&e->w, m);
	return true;
}

static bool time_item(struct enc *e, unsigned tag, const struct h248_node *t)
{
	if (t->name.n != 17 || t->name.p[8] != 'T')
		return ber_fail(e, 400, "time stamp %.*s", (int)t->name.n, t->name.p);
	size_t m = bw_open(&e->w, tag);
	bw_octets(&e->w, CTX(0), t->name.p, 8);
	bw_octets(&e->w, CTX(1), t->name.p + 9, 8);
	bw_close(&e->w, m);
	return true;
}

/* ServiceChangeParm ::= SEQUENCE { method [0], address [1], version [2], profile [3] { profileName [0] },
 * reason [4] Value, delay [5], mgcId [6], timeStamp [7], nonStandardData [8], …, serviceChangeInfo [9],
 * serviceChangeIncompleteFlag [10] }; ServiceChangeResParm ::= SEQUENCE { mgcId [0], address [1],
 * version [2], profile [3], timestamp [4] } */
static bool services(struct enc *e, unsigned tag, const struct h248_node *sv, bool reply)
{
	static const enum h248_tok known[] = { H248_TOK_METHOD,     H248_TOK_SERVICECHANGEADDRESS,
					       H248_TOK_VERSION,    H248_TOK_PROFILE,
					       H248_TOK_REASON,     H248_TOK_DELAY,
					       H248_TOK_MGCIDTOTRY, H248_TOK_SERVICECHANGEINC };
	const struct h248_node *c[8] = { 0 }, *stamp = NULL;
	for (const struct h248_node *n = sv->first; n; n = n->next) {
		int i = n->kind == H248_NODE_TOKEN ? ber_tok_index(n->tok, known, 8) : -1;
		if (n->kind == H248_NODE_ITEM && !stamp)
			stamp = n;
		else if (i < 0 || (reply && i != 1 && i != 2 && i != 3 && i != 6))
			return ber_unsupported(e, n);
		else
			c[i] = n;
	}
	size_t m = bw_open(&e->w, tag);
	if (reply) {
		if ((c[6] && !address(e, CTXC(0), c[6], false)) || (c[1] && !address(e, CTXC(1), c[1], true)))
			return false;
	} else {
		if (!c[0] || !c[4])
			return ber_fail(e, 400, "Services without Method or Reason");
		int i = ber_tok_index(c[0]->value.tok, ber_methods, 6);
		if (i < 0)
			return ber_unsupported(e, c[0]);
		bw_uint(&e->w, CTX(0), (uint32_t)i);
		if (c[1] && !address(e, CTXC(1), c[1], true))
			return false;
	}
	if (c[2] && !ber_u32(e, CTX(2), c[2]->value.text, 99, "version"))
		return false;
	if (c[3]) {
		size_t pm = bw_open(&e->w, CTXC(3));
		ber_enc_word(e, CTX(0), &c[3]->value);
		bw_close(&e->w, pm);
	}
	if (!reply) {
		size_t rm = bw_open(&e->w, CTXC(4));
		bw_octets(&e->w, T_OCTETS, c[4]->value.text.p, c[4]->value.text.n);
		bw_close(&e->w, rm);
		if ((c[5] && !ber_u32(e, CTX(5), c[5]->value.text, UINT32_MAX, "delay")) ||
		    (c[6] && !address(e, CTXC(6), c[6], false)))
			return false;
	}
	if (stamp && !time_item(e, CTXC(reply ? 4 : 7), stamp))
		return false;
	if (c[7])
		bw_null(&e->w, CTX(10));
	bw_close(&e->w, m);
	return true;
}

static const enum h248_tok commands[] = { H248_TOK_ADD,      H248_TOK_MOVE,         H248_TOK_MODIFY,
					  H248_TOK_SUBTRACT, H248_TOK_AUDITCAP,     H248_TOK_AUDITVALUE,
					  H248_TOK_NOTIFY,   H248_TOK_SERVICECHANGE };

/* the children of a command as a SEQUENCE OF AmmDescriptor or AuditReturnParameter [tag] */
static bool descriptors(struct enc *e, unsigned tag, const struct h248_node *cmd, bool reply)
{
	size_t m = bw_open(&e->w, tag);
	for (const struct h248_node *c = cmd->first; c; c = c->next)
		if (!ber_enc_descriptor(e, c, reply))
			return false;
	bw_close(&e->w, m);
	return true;
}

/* Command and CommandReply CHOICE { add [0], move [1], modify [2], subtract [3], auditCap [4],
 * auditValue [5], notify [6], serviceChange [7] }, each alternative's SEQUENCE */
static bool command(struct enc *e, const struct h248_node *cmd, bool reply)
{
	int alt = cmd->kind == H248_NODE_TOKEN ? ber_tok_index(cmd->tok, commands, 8) : -1;
	if (alt < 0)
		return ber_unsupported(e, cmd);
	const struct h248_node *audit = NULL, *error = NULL; /* the first of each, in one walk */
	for (const struct h248_node *c = cmd->first; c && (!audit || !error); c = c->next)
		if (c->kind == H248_NODE_TOKEN && c->tok == H248_TOK_AUDIT && !audit)
			audit = c;
		else if (c->kind == H248_NODE_TOKEN && c->tok == H248_TOK_ERROR && !error)
			error = c;
	size_t m = bw_open(&e->w, CTXC((unsigned)alt)), r;
	bool ok = true;
	if (alt == 4 ||
	    alt == 5) { /* AuditRequest { terminationID [0], auditDescriptor [1] }; AuditReply CHOICE */
		if (!reply) {
			ok = ber_enc_termid(e, CTXC(0), cmd);
			if (ok && audit)
				ok = ber_enc_audit(e, CTXC(1), audit);
			else if (ok)
				bw_close(&e->w, bw_open(&e->w, CTXC(1)));
		} else if (error && cmd->first == error && !error->next)
			ok = ber_enc_error(e, CTXC(1), error);
		else {
			r = bw_open(&e->w, CTXC(2));
			ok = ber_enc_termid(e, CTXC(0), cmd) && descriptors(e, CTXC(1), cmd, true);
			bw_close(&e->w, r);
		}
	} else if (!ber_enc_termids(e, CTXC(0), cmd))
		ok = false;
	else if (alt ==
		 7) { /* ServiceChangeRequest { …, parms [1] }; ServiceChangeReply { …, result [1] CHOICE } */
		const struct h248_node *sv = h248_child(cmd, H248_TOK_SERVICES, NULL);
		if (reply) {
			r = bw_open(&e->w, CTXC(1));
			ok = error ? ber_enc_error(e, CTXC(0), error)
			     : sv  ? services(e, CTXC(1), sv, true)
				   : true;
			if (!error && !sv)
				bw_close(&e->w, bw_open(&e->w, CTXC(1)));
			bw_close(&e->w, r);
		} else
			ok = sv ? services(e, CTXC(1), sv, false)
				: ber_fail(e, 400, "ServiceChange without Services");
	} else if (alt ==
		   6) { /* NotifyRequest { …, observed [1], error [2] }; NotifyReply { …, error [1] } */
		const struct h248_node *oe = h248_child(cmd, H248_TOK_OBSERVEDEVENTS, NULL);
		if (!reply)
			ok = oe ? ber_enc_observed(e, CTXC(1), oe)
				: ber_fail(e, 400, "Notify without ObservedEvents");
		if (ok && error)
			ok = ber_enc_error(e, CTXC(reply ? 1 : 2), error);
	} else if (reply) { /* AmmsReply { …, terminationAudit [1] OPTIONAL } */
		if (cmd->first || (cmd->flags & H248_F_BODY))
			ok = descriptors(e, CTXC(1), cmd, true);
	} else if (alt == 3) { /* SubtractRequest { …, auditDescriptor [1] OPTIONAL } */
		ok = !audit || ber_enc_audit(e, CTXC(1), audit);
	} else
		ok = descriptors(e, CTXC(1), cmd, false);
	bw_close(&e->w, m);
	return ok && !e->failed;
}

/* ContextRequest ::= SEQUENCE { priority [0], emergency [1], topologyReq [2], …, iepscallind [3] } */
static bool context_props(struct enc *e, unsigned tag, const struct h248_node *ctx)
{
	/* the first of each token among the context's children, in one walk (its commands, mostly) */
	const struct h248_node *pr = NULL, *eg = NULL, *ego = NULL, *ie = NULL, **slot;
	for (const struct h248_node *c = ctx->first; c; c = c->next) {
		if (c->kind != H248_NODE_TOKEN)
			continue;
		slot = c->tok == H248_TOK_PRIORITY       ? &pr
		       : c->tok == H248_TOK_EMERGENCY    ? &eg
		       : c->tok == H248_TOK_EMERGENCYOFF ? &ego
		       : c->tok == H248_TOK_IEPSCALL     ? &ie
							 : NULL;
		if (slot && !*slot)
			*slot = c;
	}
	if (!pr && !eg && !ego && !ie)
		return true;
	size_t m = bw_open(&e->w, tag);
	if (pr && !ber_u32(e, CTX(0), pr->value.text, 15, "priority"))
		return false;
	if (eg || ego)
		bw_bool(&e->w, CTX(1), eg != NULL);
	if (ie)
		bw_bool(&e->w, CTX(3), ie->value.tok == H248_TOK_ON);
	bw_close(&e->w, m);
	return true;
}

static bool context_id(struct enc *e, const struct h248_node *ctx)
{
	struct h248_str s = ctx->value.text;
	uint32_t v = 0;
	char c = s.n == 1 ? s.p[0] : 0; /* "-", "$" or "*" */
	if (c == '-')
		v = 0;
	else if (c == '$')
		v = 0xfffffffe;
	else if (c == '*')
		v = 0xffffffff;
	else
		return ber_u32(e, CTX(0), s, 0xfffffffd, "context id");
	bw_uint(&e->w, CTX(0), v);
	return true;
}

/* ActionRequest ::= SEQUENCE { contextId [0], contextRequest [1], contextAttrAuditReq [2],
 * commandRequests [3] SEQUENCE OF CommandRequest { command [0], optional [1], wildcardReturn [2] } };
 * ActionReply ::= SEQUENCE { contextId [0], errorDescriptor [1], contextReply [2], commandReply [3] } */
static bool action(struct enc *e, const struct h248_node *ctx, bool reply)
{
	if (ctx->kind != H248_NODE_TOKEN || ctx->tok != H248_TOK_CONTEXT)
		return ber_unsupported(e, ctx);
	size_t m = bw_open(&e->w, T_SEQ);
	const struct h248_node *error = h248_child(ctx, H248_TOK_ERROR, NULL);
	if (!context_id(e, ctx) || (reply && error && !ber_enc_error(e, CTXC(1), error)) ||
	    !context_props(e, CTXC(reply ? 2 : 1), ctx))
		return false;
	size_t lm = bw_open(&e->w, CTXC(3));
	for (const struct h248_node *c = ctx->first; c; c = c->next) {
		if (c->tok == H248_TOK_PRIORITY || c->tok == H248_TOK_EMERGENCY ||
		    c->tok == H248_TOK_EMERGENCYOFF || c->tok == H248_TOK_IEPSCALL || (reply && c == error))
			continue;
		size_t cm = reply ? 0 : bw_open(&e->w, T_SEQ), x = reply ? 0 : bw_open(&e->w, CTXC(0));
		if (!command(e, c, reply))
			return false;
		if (!reply) {
			bw_close(&e->w, x);
			if (c->flags & H248_F_OPTIONAL)
				bw_null(&e->w, CTX(1));
			if (c->flags & H248_F_WILDCARD)
				bw_null(&e->w, CTX(2));
			bw_close(&e->w, cm);
		}
	}
	bw_close(&e->w, lm);
	bw_close(&e->w, m);
	return true;
}

/* "tid", "tid/segment" or "tid/segment/END" */
static bool reply_id(struct enc *e, struct h248_str s, uint32_t *seg, bool *end)
{
	const char *slash = memchr(s.p, '/', s.n);
	size_t n = slash ? (size_t)(slash - s.p) : s.n;
	if (!ber_u32(e, CTX(0), (struct h248_str){ s.p, n }, UINT32_MAX, "transaction id"))
		return false;
	*seg = UINT32_MAX, *end = false;
	if (!slash)
		return true;
	struct h248_str rest = { slash + 1, s.n - n - 1 };
	const char *s2 = memchr(rest.p, '/', rest.n);
	size_t sn = s2 ? (size_t)(s2 - rest.p) : rest.n;
	*end = s2 != NULL;
	if (!h248_str_u32((struct h248_str){ rest.p, sn }, seg) || *seg > 65535)
		return ber_fail(e, 400, "segment number");
	return true;
}

static bool actions(struct enc *e, unsigned tag, const struct h248_node *t, bool reply)
{
	size_t m = bw_open(&e->w, tag);
	for (const struct h248_node *c = t->first; c; c = c->next)
		if (!(reply && c->tok == H248_TOK_IMMACKREQUIRED) && !action(e, c, reply))
			return false;
	bw_close(&e->w, m);
	return true;
}

/* Transaction CHOICE { request [0] { id [0], actions [1] }, pending [1] { id [0] }, reply [2] { id [0],
 * immAckRequired [1], result [2] CHOICE { error [0], actionReplies [1] }, segmentNumber [3],
 * segmentationComplete [4] }, responseAck [3] SEQUENCE OF { firstAck [0], lastAck [1] }, segmentReply [4]
 * { id [0], segmentNumber [1], segmentationComplete [2] } } */
static bool transaction(struct enc *e, const struct h248_node *t)
{
	static const enum h248_tok kinds[] = { H248_TOK_TRANSACTION, H248_TOK_PENDING, H248_TOK_REPLY,
					       H248_TOK_RESPONSEACK, H248_TOK_SEGMENT };
	int alt = t->kind == H248_NODE_TOKEN ? ber_tok_index(t->tok, kinds, 5) : -1;
	if (alt < 0)
		return ber_unsupported(e, t);
	size_t m = bw_open(&e->w, CTXC((unsigned)alt));
	uint32_t seg;
	bool end, ok = true;
	if (alt == 0)
		ok = ber_u32(e, CTX(0), t->value.text, UINT32_MAX, "transaction id") &&
		     actions(e, CTXC(1), t, false);
	else if (alt == 1)
		ok = ber_u32(e, CTX(0), t->value.text, UINT32_MAX, "transaction id");
	else if (alt == 3) {
		for (const struct h248_node *c = t->first; ok && c; c = c->next) {
			const char *dash = memchr(c->name.p, '-', c->name.n);
			size_t n = dash ? (size_t)(dash - c->name.p) : c->name.n, am = bw_open(&e->w, T_SEQ);
			ok = ber_u32(e, CTX(0), (struct h248_str){ c->name.p, n }, UINT32_MAX,
				     "transaction id") &&
			     (!dash || ber_u32(e, CTX(1), (struct h248_str){ dash + 1, c->name.n - n - 1 },
					       UINT32_MAX, "transaction id"));
			bw_close(&e->w, am);
		}
	} else if (reply_id(e, t->value.text, &seg, &end)) {
		if (alt == 4) {
			ok = seg != UINT32_MAX || ber_fail(e, 400, "Segment without a segment number");
			if (ok)
				bw_uint(&e->w, CTX(1), seg);
			if (end)
				bw_null(&e->w, CTX(2));
		} else {
			const struct h248_node *err = h248_child(t, H248_TOK_ERROR, NULL);
			if (h248_child(t, H248_TOK_IMMACKREQUIRED, NULL))
				bw_null(&e->w, CTX(1));
			size_t rm = bw_open(&e->w, CTXC(2));
			ok = err ? ber_enc_error(e, CTXC(0), err) : actions(e, CTXC(1), t, true);
			bw_close(&e->w, rm);
			if (seg != UINT32_MAX)
				bw_uint(&e->w, CTX(3), seg);
			if (end)
				bw_null(&e->w, CTX(4));
		}
	} else
		ok = false;
	bw_close(&e->w, m);
	return ok;
}

/* MegacoMessage ::= SEQUENCE { authHeader [0] { secParmIndex [0], seqNum [1], ad [2] }, mess [1] {
 * version [0], mId [1] CHOICE, messageBody [2] CHOICE { messageError [0], transactions [1] } } } */
static bool message(struct enc *e, const struct h248_msg *m)
{
	size_t top = bw_open(&e->w, T_SEQ);
	if (m->auth) {
		size_t am = bw_open(&e->w, CTXC(0));
		if (!hex(e, CTX(0), m->auth->spi, 4, 4) || !hex(e, CTX(1), m->auth->seq, 4, 4) ||
		    !hex(e, CTX(2), m->auth->data, 12, 32))
			return false;
		bw_close(&e->w, am);
	}
	size_t mm = bw_open(&e->w, CTXC(1)), idm;
	if (m->version > 99)
		return ber_fail(e, 400, "version %u", m->version);
	bw_uint(&e->w, CTX(0), m->version);
	idm = bw_open(&e->w, CTXC(1));
	if (!mid(e, &m->mid, 0))
		return false;
	bw_close(&e->w, idm);
	size_t bm = bw_open(&e->w, CTXC(2));
	if (m->first && m->first->tok == H248_TOK_ERROR) {
		if (!ber_enc_error(e, CTXC(0), m->first))
			return false;
	} else {
		size_t tm = bw_open(&e->w, CTXC(1));
		for (const struct h248_node *t = m->first; t; t = t->next)
			if (!transaction(e, t))
				return false;
		bw_close(&e->w, tm);
	}
	bw_close(&e->w, bm);
	bw_close(&e->w, mm);
	bw_close(&e->w, top);
	return true;
}

uint8_t *h248_ber_encode(const struct h248_msg *m, size_t *len, struct h248_error *err)
{
	struct enc e;
	e.err = err, e.failed = false;
	bw_init(&e.w);
	ber_no_error(err);
	bool ok = message(&e, m) && !e.failed;
	size_t n;
	uint8_t *out = bw_finish(&e.w, &n);
	if (ok && !out)
		ok = ber_fail(&e, 500, "out of memory");
	if (!ok) {
		if (!err->code)
			err->code = 400;
		free(out);
		return NULL;
	}
	*len = n;
	return out;
}
