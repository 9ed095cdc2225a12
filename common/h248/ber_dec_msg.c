/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ber_dec_msg: h248_ber_decode (ber.h) from the message down to the commands; ber_dec.c reads the
 * descriptors. Component numbers as in ber_enc_msg.c. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "ber.h"
#include "ber_int.h"

static bool hex(struct dec *d, const struct tlv *t, size_t lo, size_t hi, struct h248_str *out)
{
	char b[2 + 2 * 32 + 1];
	size_t n = br_len(t);
	if (n < lo || n > hi)
		return ber_dfail(d, 400, &t->in, "%zu to %zu octets", lo, hi);
	b[0] = '0', b[1] = 'x';
	for (size_t i = 0; i < n; i++)
		snprintf(b + 2 + 2 * i, 3, "%02X", t->in.p[i]);
	*out = h248_str_dup(d->m, b, 2 + 2 * n);
	return out->p || ber_dfail(d, 400, NULL, "message larger than its memory limit");
}

/* a name the text form can write: one or more SafeChar (RFC 3525 B.2) */
static bool printable(struct h248_str s)
{
	for (size_t i = 0; i < s.n; i++)
		if (!h248_safechar[(unsigned char)s.p[i]])
			return false;
	return s.n > 0 && s.p;
}

/* The dotted quad of an IPv4 address into out, as inet_ntop writes it (no leading zeros); its length.
 * By hand: glibc's inet_ntop formats each octet with sprintf, which cost more than the rest of a binary
 * Notify's mId (a ninth of its decode). */
static size_t ip4_text(const uint8_t a[4], char out[16])
{
	size_t n = 0;
	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];
		if (v >= 100)
			out[n++] = (char)('0' + v / 100);
		if (v >= 10)
			out[n++] = (char)('0' + v / 10 % 10);
		out[n++] = (char)('0' + v % 10);
		out[n++] = '.';
	}
	out[--n] = 0; /* the last '.' */
	return n;
}

/* an MId alternative (base 0) or a ServiceChangeAddress one (base 1: portNumber [0] first) into id */
static bool mid(struct dec *d, const struct tlv *t, unsigned base, struct h248_mid *id)
{
	unsigned alt = (t->tag & 0x1f) - base;
	char text[INET6_ADDRSTRLEN];
	struct tlv f[2];
	id->port = -1;
	if ((t->tag & 0x1f) < base || alt > 4)
		return ber_dfail(d, 400, &t->in, "mId");
	if (alt >= 3) {
		id->kind = alt == 3 ? H248_MID_DEVICE : H248_MID_MTP;
		if (alt == 4) {
			struct h248_str s;
			if (!hex(d, t, 2, 4, &s))
				return false;
			id->text = (struct h248_str){ s.p + 2, s.n - 2 };
			return true;
		}
		id->text = ber_dup(d, t);
		return printable(id->text) ||
		       ber_dfail(d, 400, &t->in, "a device name of other than SafeChar");
	}
	uint32_t port;
	if (!ber_fields(d, t, f, 2) || !f[0].tag || (f[1].tag && !ber_dec_u32(d, &f[1], 65535, &port)))
		return d->failed ? false : ber_dfail(d, 400, &t->in, "mId");
	id->port = f[1].tag ? (int)port : -1;
	id->kind = alt == 0 ? H248_MID_IP4 : alt == 1 ? H248_MID_IP6 : H248_MID_DOMAIN;
	if (alt == 2) {
		id->text = ber_dup(d, &f[0]);
		return printable(id->text) ||
		       ber_dfail(d, 400, &t->in, "a domain name of other than SafeChar");
	}
	if (br_len(&f[0]) != (alt ? 16u : 4u) || (alt && !inet_ntop(AF_INET6, f[0].in.p, text, sizeof text)))
		return ber_dfail(d, 400, &f[0].in, "address length");
	id->text = alt ? h248_cstr(d->m, text) : h248_str_dup(d->m, text, ip4_text(f[0].in.p, text));
	return id->text.p != NULL;
}

/* id as the text of a token's value: "[addr]:port", "<domain>:port", device or MTP{hex} */
static bool mid_child(struct dec *d, struct h248_node *parent, enum h248_tok tok, const struct tlv *t,
		      unsigned base)
{
	struct h248_mid id;
	struct h248_node *n = ber_token(d, parent, tok);
	if (!n)
		return false;
	struct br in = t->in;
	struct tlv a;
	if (!ber_next(d, &in, &a))
		return false;
	if (base && a.tag == CTX(0))
		return ber_set_number(d, n, &a, 65535);
	if (!mid(d, &a, base, &id))
		return false;
	char text[128], port[16] = "";
	static const char *const open[] = { "[", "[", "<", "", "MTP{" }, *const close[] = { "]", "]", ">", "",
											    "}" };
	if (id.port >= 0)
		snprintf(port, sizeof port, ":%d", id.port);
	size_t len = (size_t)snprintf(text, sizeof text, "%s%.*s%s%s", open[id.kind], (int)id.text.n,
				      id.text.p, close[id.kind], port);
	if (len >= sizeof text)
		return ber_dfail(d, 400, &a.in, "mId too long");
	return ber_word(d, n, text, len);
}

bool ber_dec_termids(struct dec *d, const struct tlv *t, struct h248_node *cmd)
{
	struct br in = t->in;
	struct tlv id;
	if (!ber_next(d, &in, &id) || id.tag != T_SEQ || br_more(&in))
		return d->failed ? false
				 : ber_dfail(d, 501, &t->in, "a command on other than one TerminationID");
	cmd->value.form = H248_VAL_WORD;
	return ber_dec_termid(d, &id, &cmd->value.text);
}

static bool time_item(struct dec *d, struct h248_node *parent, const struct tlv *t)
{
	struct tlv f[2];
	char stamp[17];
	if (!ber_fields(d, t, f, 2) || br_len(&f[0]) != 8 || br_len(&f[1]) != 8)
		return d->failed ? false : ber_dfail(d, 400, &t->in, "TimeNotation");
	if (!ber_time_digits(f[0].in.p, f[1].in.p))
		return ber_dfail(d, 400, &t->in, "TimeNotation digits");
	memcpy(stamp, f[0].in.p, 8), stamp[8] = 'T', memcpy(stamp + 9, f[1].in.p, 8);
	struct h248_node *n = h248_node_new(d->m, H248_NODE_ITEM, H248_TOK_NONE);
	if (!n || !(n->name = h248_str_dup(d->m, stamp, 17)).p)
		return ber_dfail(d, 400, NULL, "message larger than its memory limit");
	h248_append(parent, n);
	return true;
}

/* ServiceChangeParm (request) or ServiceChangeResParm (reply) as Services */
static bool services(struct dec *d, struct h248_node *cmd, const struct tlv *t, bool reply)
{
	struct tlv f[11];
	struct h248_node *sv = ber_token(d, cmd, H248_TOK_SERVICES), *n;
	uint32_t method;
	if (!sv || !ber_fields(d, t, f, reply ? 5 : 11))
		return false;
	sv->flags |= H248_F_BODY;
	if (!reply) {
		if (!f[0].tag || !f[4].tag || !ber_dec_u32(d, &f[0], 5, &method))
			return d->failed
				   ? false
				   : ber_dfail(d, 400, &t->in, "ServiceChangeParm without method or reason");
		if (!(n = ber_token(d, sv, H248_TOK_METHOD)))
			return false;
		ber_static_word(n, h248_tokens[ber_methods[method]].pretty);
		n->value.tok = ber_methods[method];
	}
	if (f[1].tag && !mid_child(d, sv, H248_TOK_SERVICECHANGEADDRESS, &f[1], 1))
		return false;
	if (!reply) {
		struct br in = f[4].in;
		struct tlv r;
		if (!ber_next(d, &in, &r) || r.tag != T_OCTETS || br_more(&in) ||
		    !(n = ber_token(d, sv, H248_TOK_REASON)))
			return d->failed ? false : ber_dfail(d, 400, &f[4].in, "serviceChangeReason");
		n->value.form = H248_VAL_QUOTED;
		if (!(n->value.text = ber_dup(d, &r)).p || memchr(r.in.p, '"', br_len(&r)))
			return d->failed ? false : ber_dfail(d, 400, &r.in, "serviceChangeReason text");
	}
	if (f[2].tag && (!(n = ber_token(d, sv, H248_TOK_VERSION)) || !ber_set_number(d, n, &f[2], 99)))
		return false;
	if (f[3].tag) {
		struct tlv p[1];
		if (!ber_fields(d, &f[3], p, 1) || !p[0].tag || !(n = ber_token(d, sv, H248_TOK_PROFILE)))
			return d->failed ? false : ber_dfail(d, 400, &f[3].in, "ServiceChangeProfile");
		n->value.form = H248_VAL_WORD;
		if (!(n->value.text = ber_dup(d, &p[0])).p)
			return false;
	}
	if (!reply && f[5].tag &&
	    (!(n = ber_token(d, sv, H248_TOK_DELAY)) || !ber_set_number(d, n, &f[5], UINT32_MAX)))
		return false;
	const struct tlv *mgc = reply ? &f[0] : &f[6], *ts = reply ? &f[4] : &f[7];
	if ((mgc->tag && !mid_child(d, sv, H248_TOK_MGCIDTOTRY, mgc, 0)) ||
	    (ts->tag && !time_item(d, sv, ts)))
		return false;
	if (!reply && (f[8].tag || f[9].tag))
		return ber_dfail(d, 501, &t->in, "nonStandardData and serviceChangeInfo");
	return reply || !f[10].tag || ber_token(d, sv, H248_TOK_SERVICECHANGEINC);
}

static const enum h248_tok commands[] = { H248_TOK_ADD,      H248_TOK_MOVE,         H248_TOK_MODIFY,
					  H248_TOK_SUBTRACT, H248_TOK_AUDITCAP,     H248_TOK_AUDITVALUE,
					  H248_TOK_NOTIFY,   H248_TOK_SERVICECHANGE };

static bool descriptors(struct dec *d, struct h248_node *cmd, const struct tlv *t, bool reply)
{
	struct br in = t->in;
	while (br_more(&in)) {
		struct tlv x;
		if (!ber_next(d, &in, &x) || !ber_dec_descriptor(d, cmd, &x, reply))
			return false;
	}
	cmd->flags |= cmd->first || reply ? H248_F_BODY : 0;
	return true;
}

/* an AuditReply CHOICE: error [1] or auditResult [2] { terminationID [0], terminationAuditResult [1] } */
static bool audit_reply(struct dec *d, struct h248_node *cmd, const struct tlv *t)
{
	struct br in = t->in;
	struct tlv a, f[2];
	if (!ber_next(d, &in, &a))
		return false;
	if (a.tag == CTXC(1)) {
		cmd->flags |= H248_F_BODY;
		return ber_dec_error(d, cmd, &a);
	}
	if (a.tag != CTXC(2) || !ber_fields(d, &a, f, 2) || !f[0].tag || !f[1].tag)
		return d->failed ? false
				 : ber_dfail(d, 501, &a.in, "AuditReply other than an auditResult or error");
	cmd->value.form = H248_VAL_WORD;
	return ber_dec_termid(d, &f[0], &cmd->value.text) && descriptors(d, cmd, &f[1], true);
}

static bool command(struct dec *d, struct h248_node *parent, const struct tlv *t, bool reply, uint8_t flags)
{
	unsigned alt = t->tag & 0x1f;
	struct tlv f[3];
	if ((t->tag & 0xe0) != 0xa0 || alt > 7)
		return ber_dfail(d, 400, &t->in, "command tag 0x%02x", t->tag);
	struct h248_node *cmd = ber_token(d, parent, commands[alt]);
	if (!cmd)
		return false;
	cmd->flags |= flags;
	if (reply && (alt == 4 || alt == 5))
		return audit_reply(d, cmd, t);
	if (!ber_fields(d, t, f, 3) || !f[0].tag)
		return d->failed ? false : ber_dfail(d, 400, &t->in, "command without a termination id");
	if (alt == 4 || alt == 5) {
		cmd->value.form = H248_VAL_WORD;
		if (!ber_dec_termid(d, &f[0], &cmd->value.text) || !f[1].tag)
			return d->failed ? false
					 : ber_dfail(d, 400, &t->in, "AuditRequest without auditDescriptor");
		if (f[2].tag)
			return ber_dfail(d, 501, &f[2].in, "terminationIDList");
		cmd->flags |= H248_F_BODY;
		return ber_dec_audit(d, cmd, &f[1]);
	}
	if (!ber_dec_termids(d, &f[0], cmd))
		return false;
	if (alt == 7) {
		if (!f[1].tag)
			return ber_dfail(d, 400, &t->in, "ServiceChange without its parameters");
		cmd->flags |= H248_F_BODY;
		if (!reply)
			return services(d, cmd, &f[1], false);
		struct br in = f[1].in;
		struct tlv r;
		if (!ber_next(d, &in, &r))
			return false;
		if (r.tag != CTXC(0) && !br_len(&r)) { /* no parameters: "ServiceChange = ROOT", no body */
			cmd->flags &= (uint8_t)~H248_F_BODY;
			return true;
		}
		return r.tag == CTXC(0) ? ber_dec_error(d, cmd, &r) : services(d, cmd, &r, true);
	}
	if (alt == 6) {
		if (!reply && !f[1].tag)
			return ber_dfail(d, 400, &t->in, "Notify without ObservedEvents");
		cmd->flags |= f[1].tag || f[2].tag ? H248_F_BODY : 0;
		if (!reply && !ber_dec_descriptor(d, cmd, &(struct tlv){ CTXC(8), f[1].in }, true))
			return false;
		const struct tlv *e = reply ? &f[1] : &f[2];
		return !e->tag || ber_dec_error(d, cmd, e);
	}
	if (f[2].tag)
		return ber_dfail(d, 400, &f[2].in, "command component [2]");
	if (alt == 3 && !reply) {
		cmd->flags |= f[1].tag ? H248_F_BODY : 0;
		return !f[1].tag || ber_dec_audit(d, cmd, &f[1]);
	}
	return !f[1].tag || descriptors(d, cmd, &f[1], reply);
}

static bool context(struct dec *d, struct h248_node *ctx, const struct tlv *id, const struct tlv *props)
{
	uint32_t v;
	char b[12];
	if (!ber_dec_u32(d, id, UINT32_MAX, &v))
		return false;
	if (v == 0 || v >= 0xfffffffe)
		ber_static_word(ctx, v == 0 ? "-" : v == 0xfffffffe ? "$" : "*");
	else if (!ber_word(d, ctx, b, h248_decimal(v, b)))
		return false;
	ctx->flags |= H248_F_BODY;
	if (!props->tag)
		return true;
	struct tlv f[6];
	struct h248_node *n;
	if (!ber_fields(d, props, f, 6))
		return false;
	if (f[2].tag || f[4].tag || f[5].tag)
		return ber_dfail(d, 501, &props->in, "Topology, context properties and lists");
	if (f[0].tag && (!(n = ber_token(d, ctx, H248_TOK_PRIORITY)) || !ber_set_number(d, n, &f[0], 15)))
		return false;
	if (f[1].tag &&
	    !ber_token(d, ctx,
		       br_len(&f[1]) == 1 && f[1].in.p[0] ? H248_TOK_EMERGENCY : H248_TOK_EMERGENCYOFF))
		return false;
	if (f[3].tag) {
		enum h248_tok on = br_len(&f[3]) == 1 && f[3].in.p[0] ? H248_TOK_ON : H248_TOK_OFF;
		if (!(n = ber_token(d, ctx, H248_TOK_IEPSCALL)))
			return false;
		ber_static_word(n, h248_tokens[on].pretty);
		n->value.tok = on;
	}
	return true;
}

/* ActionRequest { contextId [0], contextRequest [1], contextAttrAuditReq [2], commandRequests [3] } and
 * ActionReply { contextId [0], errorDescriptor [1], contextReply [2], commandReply [3] } */
static bool action(struct dec *d, struct h248_node *t, const struct tlv *a, bool reply)
{
	struct tlv f[4];
	struct h248_node *ctx = ber_token(d, t, H248_TOK_CONTEXT);
	if (!ctx || a->tag != T_SEQ || !ber_fields(d, a, f, 4) || !f[0].tag || !f[3].tag)
		return d->failed ? false : ber_dfail(d, 400, &a->in, "action");
	if (!reply && f[2].tag)
		return ber_dfail(d, 501, &f[2].in, "context audits");
	if (!context(d, ctx, &f[0], reply ? &f[2] : &f[1]))
		return false;
	struct br in = f[3].in;
	while (br_more(&in)) {
		struct tlv c, cf[3];
		if (!ber_next(d, &in, &c))
			return false;
		if (reply) {
			if (!command(d, ctx, &c, true, 0))
				return false;
			continue;
		}
		struct br x;
		struct tlv cmd;
		if (c.tag != T_SEQ || !ber_fields(d, &c, cf, 3) || !cf[0].tag)
			return d->failed ? false : ber_dfail(d, 400, &c.in, "CommandRequest");
		x = cf[0].in;
		uint8_t flags = (cf[1].tag ? H248_F_OPTIONAL : 0) | (cf[2].tag ? H248_F_WILDCARD : 0);
		if (!ber_next(d, &x, &cmd) || !command(d, ctx, &cmd, false, flags))
			return false;
	}
	return !reply || !f[1].tag || ber_dec_error(d, ctx, &f[1]);
}

static bool actions(struct dec *d, struct h248_node *t, const struct tlv *list, bool reply)
{
	struct br in = list->in;
	while (br_more(&in)) {
		struct tlv a;
		if (!ber_next(d, &in, &a) || !action(d, t, &a, reply))
			return false;
	}
	return true;
}

/* "tid[/segment[/END]]" */
static bool reply_id(struct dec *d, struct h248_node *n, const struct tlv *id, const struct tlv *seg,
		     bool end)
{
	uint32_t v, s = 0;
	char b[40];
	if (!ber_dec_u32(d, id, UINT32_MAX, &v) || (seg->tag && !ber_dec_u32(d, seg, 65535, &s)))
		return false;
	if (!seg->tag && end)
		return ber_dfail(d, 400, &id->in, "segmentationComplete without segmentNumber");
	size_t len = h248_decimal(v, b); /* "%u", "%u/%u" or "%u/%u/END" */
	if (seg->tag) {
		b[len++] = '/';
		len += h248_decimal(s, b + len);
		if (end)
			memcpy(b + len, "/END", sizeof "/END"), len += 4;
	}
	return ber_word(d, n, b, len);
}

static bool transaction(struct dec *d, const struct tlv *t)
{
	static const enum h248_tok kinds[] = { H248_TOK_TRANSACTION, H248_TOK_PENDING, H248_TOK_REPLY,
					       H248_TOK_RESPONSEACK, H248_TOK_SEGMENT };
	unsigned alt = t->tag & 0x1f;
	struct tlv f[5];
	if ((t->tag & 0xe0) != 0xa0 || alt > 4)
		return ber_dfail(d, 400, &t->in, "transaction tag 0x%02x", t->tag);
	struct h248_node *n = ber_token(d, NULL, kinds[alt]);
	if (!n)
		return false;
	n->flags |= H248_F_BODY;
	if (alt == 3) {
		struct br in = t->in;
		while (br_more(&in)) {
			struct tlv a, af[2];
			uint32_t first, last = 0;
			char b[24];
			if (!ber_next(d, &in, &a))
				return false;
			if (a.tag != T_SEQ || !ber_fields(d, &a, af, 2) || !af[0].tag ||
			    !ber_dec_u32(d, &af[0], UINT32_MAX, &first) ||
			    (af[1].tag && !ber_dec_u32(d, &af[1], UINT32_MAX, &last)))
				return d->failed ? false : ber_dfail(d, 400, &a.in, "TransactionAck");
			snprintf(b, sizeof b, af[1].tag ? "%u-%u" : "%u", first, last);
			struct h248_node *i = h248_node_new(d->m, H248_NODE_ITEM, H248_TOK_NONE);
			if (!i || !(i->name = h248_cstr(d->m, b)).p)
				return ber_dfail(d, 400, NULL, "message larger than its memory limit");
			h248_append(n, i);
		}
		return true;
	}
	if (!ber_fields(d, t, f, 5) || !f[0].tag)
		return d->failed ? false : ber_dfail(d, 400, &t->in, "transaction without an id");
	switch (alt) {
	case 0:
		return ber_set_number(d, n, &f[0], UINT32_MAX) &&
		       (f[1].tag || ber_dfail(d, 400, &t->in, "no actions")) && !f[2].tag &&
		       actions(d, n, &f[1], false);
	case 1:
		return ber_set_number(d, n, &f[0], UINT32_MAX) && !f[1].tag;
	case 4:
		n->flags &= (uint8_t)~H248_F_BODY;
		return f[1].tag && reply_id(d, n, &f[0], &f[1], f[2].tag);
	default:
		break;
	}
	if (!reply_id(d, n, &f[0], &f[3], f[4].tag) ||
	    (f[1].tag && !ber_token(d, n, H248_TOK_IMMACKREQUIRED)))
		return false;
	struct br in = f[2].in;
	struct tlv r;
	if (!f[2].tag || !ber_next(d, &in, &r))
		return d->failed ? false : ber_dfail(d, 400, &t->in, "reply without a result");
	if (r.tag == CTXC(0))
		return ber_dec_error(d, n, &r);
	return r.tag == CTXC(1) ? actions(d, n, &r, true) : ber_dfail(d, 400, &r.in, "transactionResult");
}

static bool message(struct dec *d, const struct tlv *top, const struct h248_limits *limits)
{
	struct tlv f[2], mf[3], x;
	uint32_t version;
	if (top->tag != T_SEQ || !ber_fields(d, top, f, 2) || !f[1].tag || !ber_fields(d, &f[1], mf, 3) ||
	    !mf[0].tag || !mf[1].tag || !mf[2].tag || !ber_dec_u32(d, &mf[0], 99, &version))
		return d->failed ? false : ber_dfail(d, 400, &top->in, "not a MegacoMessage");
	unsigned max = limits && limits->max_version ? limits->max_version : 3;
	if (version > max || version < 1)
		return ber_dfail(d, 406, &mf[0].in, "version %u not supported", version);
	size_t arena = limits && limits->arena ? limits->arena : 64 * (size_t)(top->in.end - d->base) + 65536;
	if (!(d->m = h248_msg_new(version, arena)))
		return ber_dfail(d, 400, NULL, "out of memory");
	if (f[0].tag) {
		struct tlv af[3];
		if (!ber_fields(d, &f[0], af, 3) ||
		    !(d->m->auth = arena_alloc(d->m->arena, sizeof *d->m->auth)) ||
		    !hex(d, &af[0], 4, 4, &d->m->auth->spi) || !hex(d, &af[1], 4, 4, &d->m->auth->seq) ||
		    !hex(d, &af[2], 12, 32, &d->m->auth->data))
			return d->failed ? false : ber_dfail(d, 400, &f[0].in, "AuthenticationHeader");
	}
	struct br in = mf[1].in;
	if (!ber_next(d, &in, &x) || !mid(d, &x, 0, &d->m->mid))
		return false;
	in = mf[2].in;
	if (!ber_next(d, &in, &x))
		return false;
	if (x.tag == CTXC(0))
		return ber_dec_error(d, NULL, &x);
	if (x.tag != CTXC(1) || !br_more(&x.in))
		return ber_dfail(d, 400, &x.in, "messageBody");
	in = x.in;
	while (br_more(&in)) {
		struct tlv t;
		if (!ber_next(d, &in, &t) || !transaction(d, &t))
			return false;
	}
	return true;
}

struct h248_msg *h248_ber_decode(const uint8_t *buf, size_t len, const struct h248_limits *limits,
				 struct h248_error *err)
{
	struct dec d = { .err = err,
			 .base = buf,
			 .limit = buf + len,
			 .max_depth = limits && limits->depth ? limits->depth : 32 };
	struct br in = { buf, buf + len, 0 };
	struct tlv top;
	ber_no_error(err);
	bool ok = ber_next(&d, &in, &top) && message(&d, &top, limits);
	if (ok && br_more(&in))
		ok = ber_dfail(&d, 400, &in, "octets after the message");
	if (!ok) {
		h248_msg_free(d.m);
		return NULL;
	}
	return d.m;
}
