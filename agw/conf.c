/* SPDX-License-Identifier: GPL-3.0-or-later */
/* conf: the conference server behind the MRFP's TLS (TS 23.333 §6.2.19: "the MRFP terminates TLS for
 * MSRP and BFCP as the conference server"). Each participant's leg ends its protocol here:
 *
 * MSRP (RFC 4975): every request is matched to the session by its To-Path (481 otherwise) and answered
 * as its Failure-Report asks; each SEND chunk with a body is switched to every other MSRP participant
 * of the context that is up, under a new transaction id, with that participant's To-Path and the
 * server's From-Path, the Message-ID, Byte-Range, Content-Type and continuation flag kept. When the
 * server opened the connection it binds the session with an empty SEND (§5.4).
 *
 * BFCP (RFC 8855): the floor control server of the context. Hello gets HelloAck; FloorRequest queues a
 * request per floor, the head of the queue holding the floor (Granted), the rest Pending with their
 * position; FloorRelease ends one (Released, or Cancelled while pending) and grants the next, which
 * learns it in a FloorRequestStatus of transaction 0; FloorQuery subscribes to FloorStatus, sent
 * again whenever a queue changes; Goodbye gets GoodbyeAck. Wrong conference or user ids, unknown
 * primitives and mandatory attributes, and malformed messages get the Error the RFC names; a stream
 * that cannot be framed gets an Error and is closed.
 *
 * A participant's output is queued on its leg and written by tcp.c; reading from any participant waits
 * while another's queue is over the legs' buffer size, so memory stays bounded without dropping. */
#include "config.h"
#include "leg.h"

#include <string.h>

#include "bfcp.h"
#include "msrp.h"

struct request {
	uint16_t id, floor;
	struct leg *leg;
	uint16_t user;
};

struct conf {
	uint32_t ctx;
	GPtrArray *members;  /* struct leg */
	GPtrArray *requests; /* struct request, in arrival order: per floor, the first holds it */
	uint16_t next_request;
};

struct member {
	struct conf *conf;
	GByteArray *in, *out;
	bool closing;
	bool subscribed; /* BFCP: FloorQuery asked for FloorStatus */
	uint16_t subscribed_floor;
	char *peer_path; /* MSRP: the participant's URI (the Remote's a=path, or its first From-Path) */
};

bool conf_member(const struct leg *l)
{
	return l->ls->o.focus && l->bearer && l->bearer->app != TP_APP_OTHER && !l->dgram;
}

static struct conf *conf_of(struct legs *ls, uint32_t ctx)
{
	struct conf *c = g_hash_table_lookup(ls->confs, GUINT_TO_POINTER(ctx));
	if (!c) {
		c = g_new0(struct conf, 1);
		c->ctx = ctx;
		c->members = g_ptr_array_new();
		c->requests = g_ptr_array_new_with_free_func(g_free);
		g_hash_table_insert(ls->confs, GUINT_TO_POINTER(ctx), c);
	}
	return c;
}

static void send_bytes(struct leg *to, const void *data, size_t n)
{
	if (!to->member || to->state != LEG_UP)
		return;
	g_byte_array_append(to->member->out, data, (guint)n);
	tcp_update(to);
}

GByteArray *conf_output(struct leg *l)
{
	return l->member && l->member->out->len ? l->member->out : NULL;
}

bool conf_closing(const struct leg *l)
{
	return l->member && l->member->closing;
}

bool conf_paused(const struct leg *l)
{
	if (!l->member)
		return false;
	GPtrArray *ms = l->member->conf->members;
	for (guint i = 0; i < ms->len; i++) {
		struct leg *o = ms->pdata[i];
		if (o != l && o->member->out->len >= l->ls->o.buffer)
			return true;
	}
	return false;
}

void conf_written(struct leg *l, size_t n)
{
	bool was_full = l->member->out->len >= l->ls->o.buffer;
	g_byte_array_remove_range(l->member->out, 0, (guint)n);
	if (!was_full || l->member->out->len >= l->ls->o.buffer)
		return;
	/* room again: the others may read (a copy: reading may end one, and it leaves the list) */
	GPtrArray *ms = g_ptr_array_copy(l->member->conf->members, NULL, NULL);
	for (guint i = 0; i < ms->len; i++)
		if (ms->pdata[i] != l)
			tcp_resume(ms->pdata[i]);
	g_ptr_array_free(ms, TRUE);
}

/* ---- MSRP ---- */

/* Traces are written only when asked for (the lab): their text is work the switching does not need. */
static bool tracing(const struct leg *l)
{
	return l->ls->o.trace != NULL;
}

static void msrp_trace(struct leg *l, bool out, const struct msrp_frame *f)
{
	if (!tracing(l))
		return;
	char summary[96];
	msrp_summary(f, summary, sizeof summary);
	leg_trace(l, out ? TRACE_MSRP_TX : TRACE_MSRP_RX, out, summary);
}

static void msrp_send_to(struct leg *to, const struct msrp_frame *f, const char *message_id,
			 const char *byte_range, const char *content_type)
{
	struct agw_term *t = to->t;
	if (!to->member->peer_path || !t->msrp_path)
		return; /* it has not said where it is yet: it gets what comes after */
	struct msrp_frame out = { .flag = f->flag, .body_len = f->body_len };
	msrp_new_id(out.tid);
	g_strlcpy(out.method, "SEND", sizeof out.method);
	GString *s = g_string_new(NULL);
	msrp_append_send(s, out.tid, to->member->peer_path, t->msrp_path, message_id, byte_range,
			 f->body ? content_type : NULL, f->body, f->body_len, f->flag);
	send_bytes(to, s->str, s->len);
	msrp_trace(to, true, &out);
	g_string_free(s, TRUE);
}

static void msrp_answer(struct leg *l, const struct msrp_frame *f, unsigned status, const char *comment)
{
	if (!msrp_wants_response(f, status))
		return;
	GString *s = g_string_new(NULL);
	msrp_append_response(s, f, status, comment, l->t->msrp_path ? l->t->msrp_path : "");
	send_bytes(l, s->str, s->len);
	struct msrp_frame r = { .status = status };
	g_strlcpy(r.tid, f->tid, sizeof r.tid);
	msrp_trace(l, true, &r);
	g_string_free(s, TRUE);
}

/* One request or response from the participant on l. */
static void msrp_frame_in(struct leg *l, const struct msrp_frame *f)
{
	msrp_trace(l, false, f);
	if (f->status)
		return; /* the answer to what the server sent: nothing more to do */
	struct msrp_value to = msrp_first_uri(f->field[MSRP_TO_PATH]),
			  from = msrp_first_uri(f->field[MSRP_FROM_PATH]);
	const char *mine = l->t->msrp_path;
	if (!to.p || !from.p || !mine || to.n != strlen(mine) || memcmp(to.p, mine, to.n)) {
		msrp_answer(l, f, 481, "Session does not exist");
		return;
	}
	if (!l->member->peer_path)
		l->member->peer_path = g_strndup(from.p, from.n);
	if (!strcmp(f->method, "REPORT"))
		return;
	if (strcmp(f->method, "SEND")) {
		msrp_answer(l, f, 501, "Unknown method");
		return;
	}
	msrp_answer(l, f, 200, "OK");
	if (!f->body)
		return; /* an empty SEND binds the session or keeps it alive: nothing to switch */
	char *mid = msrp_field_dup(f, MSRP_MESSAGE_ID), *range = msrp_field_dup(f, MSRP_BYTE_RANGE),
	     *type = msrp_field_dup(f, MSRP_CONTENT_TYPE);
	char whole[32];
	snprintf(whole, sizeof whole, "1-%zu/%zu", f->body_len, f->body_len);
	GPtrArray *ms = l->member->conf->members;
	for (guint i = 0; i < ms->len; i++) {
		struct leg *o = ms->pdata[i];
		if (o != l && o->bearer->app == TP_APP_MSRP)
			msrp_send_to(o, f, mid ? mid : f->tid, range ? range : whole,
				     type ? type : "text/plain");
	}
	g_free(mid), g_free(range), g_free(type);
}

/* The MSRP frame at the start of buf[0..len) handled: its size, 0 when more bytes are needed, -1 when
 * the stream cannot be framed (the participant's leg is then finished). */
static ssize_t msrp_take(struct leg *l, const uint8_t *buf, size_t len)
{
	struct msrp_frame f;
	const char *why = NULL;
	enum msrp_status st = msrp_frame((const char *)buf, len, &f, &why);
	if (st == MSRP_PARTIAL && len > l->ls->o.buffer)
		st = MSRP_INVALID, why = "MSRP chunk larger than the gateway's buffer";
	if (st == MSRP_INVALID) {
		char reason[160];
		snprintf(reason, sizeof reason, "conference: %s", why);
		leg_finish(l, true, WIRE_TCP_REL, reason);
		return -1;
	}
	if (st == MSRP_PARTIAL)
		return 0;
	msrp_frame_in(l, &f);
	return (ssize_t)f.size;
}

/* The server opened the connection: it binds the session (RFC 4975 §5.4). */
static void msrp_bind(struct leg *l)
{
	if (!l->active || !l->member->peer_path || !l->t->msrp_path)
		return;
	struct msrp_frame f = { .flag = '$' };
	char mid[17];
	msrp_new_id(mid);
	msrp_send_to(l, &f, mid, "1-0/0", NULL);
}

/* ---- BFCP ---- */

static void bfcp_trace(struct leg *l, bool out, const struct bfcp_msg *m)
{
	if (!tracing(l))
		return;
	char *d = bfcp_describe(m);
	leg_trace(l, out ? TRACE_BFCP_TX : TRACE_BFCP_RX, out, d);
	g_free(d);
}

static void bfcp_out(struct leg *to, GByteArray *b)
{
	struct bfcp_msg m;
	enum bfcp_error_code e;
	const char *why;
	if (tracing(to) && bfcp_frame(b->data, b->len, &m, &e, &why) == BFCP_COMPLETE)
		bfcp_trace(to, true, &m);
	send_bytes(to, b->data, b->len);
}

/* The header of an answer to m (or of a message the server starts, tid 0) to the participant on l. */
static struct bfcp_msg header(const struct leg *l, const struct bfcp_msg *m, enum bfcp_primitive p)
{
	return (struct bfcp_msg){ .responder = m != NULL,
				  .primitive = (uint8_t)p,
				  .conference_id = m ? m->conference_id : l->t->local.confid,
				  .transaction_id = m ? m->transaction_id : 0,
				  .user_id = m ? m->user_id : l->t->local.userid };
}

static void bfcp_error(struct leg *l, const struct bfcp_msg *m, enum bfcp_error_code code, const char *info)
{
	GByteArray *b = g_byte_array_new();
	size_t s = bfcp_begin(b, &(struct bfcp_msg){ .responder = true,
						     .primitive = BFCP_ERROR,
						     .conference_id = m->conference_id,
						     .transaction_id = m->transaction_id,
						     .user_id = m->user_id });
	uint8_t c = (uint8_t)code;
	bfcp_put_bytes(b, BFCP_A_ERROR_CODE, &c, 1);
	bfcp_put_bytes(b, BFCP_A_ERROR_INFO, (const uint8_t *)info, strlen(info));
	bfcp_end(b, s);
	bfcp_out(l, b);
	g_byte_array_free(b, TRUE);
}

/* The request's place on its floor: 0 holds it, n the n-th waiting; its status follows. */
static unsigned position(const struct conf *c, const struct request *r)
{
	unsigned n = 0;
	for (guint i = 0; i < c->requests->len; i++) {
		const struct request *o = c->requests->pdata[i];
		if (o == r)
			return n;
		n += o->floor == r->floor;
	}
	return n;
}

static void put_request(GByteArray *b, const struct conf *c, const struct request *r,
			enum bfcp_request_status ended)
{
	unsigned pos = ended ? 0 : position(c, r);
	size_t fri = bfcp_group_begin(b, BFCP_A_FLOOR_REQUEST_INFORMATION, r->id);
	size_t ors = bfcp_group_begin(b, BFCP_A_OVERALL_REQUEST_STATUS, r->id);
	bfcp_put_status(b, ended ? ended : pos ? BFCP_PENDING : BFCP_GRANTED, (uint8_t)MIN(pos, 255u));
	bfcp_group_end(b, ors);
	bfcp_group_end(b, bfcp_group_begin(b, BFCP_A_FLOOR_REQUEST_STATUS, r->floor));
	bfcp_group_end(b, bfcp_group_begin(b, BFCP_A_BENEFICIARY_INFORMATION, r->user));
	bfcp_group_end(b, fri);
}

/* FloorRequestStatus about r to its participant: the answer to m, or (m NULL) the server's news. */
static void request_status(const struct conf *c, const struct request *r, const struct bfcp_msg *m,
			   enum bfcp_request_status ended)
{
	GByteArray *b = g_byte_array_new();
	struct bfcp_msg h = header(r->leg, m, BFCP_FLOOR_REQUEST_STATUS);
	size_t s = bfcp_begin(b, &h);
	put_request(b, c, r, ended);
	bfcp_end(b, s);
	bfcp_out(r->leg, b);
	g_byte_array_free(b, TRUE);
}

static void floor_status(const struct conf *c, struct leg *to, const struct bfcp_msg *m, uint16_t floor)
{
	GByteArray *b = g_byte_array_new();
	struct bfcp_msg h = header(to, m, BFCP_FLOOR_STATUS);
	size_t s = bfcp_begin(b, &h);
	bfcp_put_u16(b, BFCP_A_FLOOR_ID, floor);
	for (guint i = 0; i < c->requests->len; i++) {
		const struct request *r = c->requests->pdata[i];
		if (r->floor == floor)
			put_request(b, c, r, 0);
	}
	bfcp_end(b, s);
	bfcp_out(to, b);
	g_byte_array_free(b, TRUE);
}

/* The floor's queue changed: subscribers learn it, and a new head learns it holds the floor. */
static void floor_changed(struct conf *c, uint16_t floor, const struct request *old_head)
{
	for (guint i = 0; i < c->requests->len; i++) {
		struct request *r = c->requests->pdata[i];
		if (r->floor != floor)
			continue;
		if (r != old_head)
			request_status(c, r, NULL, 0);
		break;
	}
	for (guint i = 0; i < c->members->len; i++) {
		struct leg *o = c->members->pdata[i];
		if (o->member->subscribed && o->member->subscribed_floor == floor)
			floor_status(c, o, NULL, floor);
	}
}

static struct request *head_of(const struct conf *c, uint16_t floor)
{
	for (guint i = 0; i < c->requests->len; i++) {
		struct request *r = c->requests->pdata[i];
		if (r->floor == floor)
			return r;
	}
	return NULL;
}

/* Ends request r (already answered), and tells who must know. */
static void end_request(struct conf *c, struct request *r)
{
	uint16_t floor = r->floor;
	struct request *head = head_of(c, floor);
	bool was_head = head == r;
	g_ptr_array_remove(c->requests, r); /* frees it */
	floor_changed(c, floor, was_head ? NULL : head);
}

static bool floor_known(const struct leg *l, uint16_t floor)
{
	const struct msdp *s = &l->t->local;
	for (unsigned i = 0; i < s->nfloorids; i++)
		if (s->floorids[i] == floor)
			return true;
	return !s->nfloorids; /* no a=floorid in the Local: any floor */
}

static void floor_request(struct leg *l, const struct bfcp_msg *m)
{
	struct conf *c = l->member->conf;
	struct bfcp_attr a;
	uint16_t floor;
	if (!bfcp_attr_find(m->attrs, m->attrs_len, BFCP_A_FLOOR_ID, &a) || !bfcp_attr_u16(&a, &floor))
		return bfcp_error(l, m, BFCP_E_PARSE, "FloorRequest without FLOOR-ID");
	if (!floor_known(l, floor))
		return bfcp_error(l, m, BFCP_E_FLOOR, "no such floor in this conference");
	for (guint i = 0; i < c->requests->len; i++) {
		const struct request *r = c->requests->pdata[i];
		if (r->floor == floor && r->user == m->user_id)
			return bfcp_error(l, m, BFCP_E_MAX_REQUESTS, "one ongoing request per floor");
	}
	struct request *r = g_new(struct request, 1);
	*r = (struct request){ .id = ++c->next_request ? c->next_request : ++c->next_request,
			       .floor = floor,
			       .leg = l,
			       .user = m->user_id };
	struct request *head = head_of(c, floor);
	g_ptr_array_add(c->requests, r);
	request_status(c, r, m, 0);
	floor_changed(c, floor, head ? head : r);
}

static void floor_release(struct leg *l, const struct bfcp_msg *m)
{
	struct conf *c = l->member->conf;
	struct bfcp_attr a;
	uint16_t id;
	if (!bfcp_attr_find(m->attrs, m->attrs_len, BFCP_A_FLOOR_REQUEST_ID, &a) || !bfcp_attr_u16(&a, &id))
		return bfcp_error(l, m, BFCP_E_PARSE, "FloorRelease without FLOOR-REQUEST-ID");
	for (guint i = 0; i < c->requests->len; i++) {
		struct request *r = c->requests->pdata[i];
		if (r->id != id)
			continue;
		if (r->user != m->user_id)
			return bfcp_error(l, m, BFCP_E_UNAUTHORIZED, "the request is another user's");
		request_status(c, r, m, head_of(c, r->floor) == r ? BFCP_RELEASED : BFCP_CANCELLED);
		end_request(c, r);
		return;
	}
	bfcp_error(l, m, BFCP_E_REQUEST, "no such floor request");
}

static void floor_query(struct leg *l, const struct bfcp_msg *m)
{
	struct bfcp_attr a;
	uint16_t floor = 0;
	struct member *me = l->member;
	me->subscribed =
	    bfcp_attr_find(m->attrs, m->attrs_len, BFCP_A_FLOOR_ID, &a) && bfcp_attr_u16(&a, &floor);
	if (me->subscribed && !floor_known(l, floor)) {
		me->subscribed = false;
		return bfcp_error(l, m, BFCP_E_FLOOR, "no such floor in this conference");
	}
	me->subscribed_floor = floor;
	if (!me->subscribed) { /* an empty FloorQuery ends the subscription (RFC 8855 §13.5.1) */
		GByteArray *b = g_byte_array_new();
		struct bfcp_msg h = header(l, m, BFCP_FLOOR_STATUS);
		bfcp_end(b, bfcp_begin(b, &h));
		bfcp_out(l, b);
		g_byte_array_free(b, TRUE);
		return;
	}
	floor_status(me->conf, l, m, floor);
}

/* HelloAck (with what the server supports) or GoodbyeAck: the acknowledgements of a participant's
 * Hello and Goodbye. */
static void acknowledge(struct leg *l, const struct bfcp_msg *m, enum bfcp_primitive p)
{
	static const uint8_t primitives[] = {
		BFCP_FLOOR_REQUEST, BFCP_FLOOR_RELEASE, BFCP_FLOOR_REQUEST_STATUS,
		BFCP_FLOOR_QUERY,   BFCP_FLOOR_STATUS,  BFCP_HELLO,
		BFCP_HELLO_ACK,     BFCP_ERROR,         BFCP_GOODBYE,
		BFCP_GOODBYE_ACK
	};
	static const uint8_t attributes[] = {
		BFCP_A_BENEFICIARY_ID << 1,
		BFCP_A_FLOOR_ID << 1,
		BFCP_A_FLOOR_REQUEST_ID << 1,
		BFCP_A_REQUEST_STATUS << 1,
		BFCP_A_ERROR_CODE << 1,
		BFCP_A_ERROR_INFO << 1,
		BFCP_A_SUPPORTED_ATTRIBUTES << 1,
		BFCP_A_SUPPORTED_PRIMITIVES << 1,
		BFCP_A_BENEFICIARY_INFORMATION << 1,
		BFCP_A_FLOOR_REQUEST_INFORMATION << 1,
		BFCP_A_FLOOR_REQUEST_STATUS << 1,
		BFCP_A_OVERALL_REQUEST_STATUS << 1,
	};
	GByteArray *b = g_byte_array_new();
	struct bfcp_msg h = header(l, m, p);
	size_t s = bfcp_begin(b, &h);
	if (p == BFCP_HELLO_ACK) {
		bfcp_put_bytes(b, BFCP_A_SUPPORTED_PRIMITIVES, primitives, sizeof primitives);
		bfcp_put_bytes(b, BFCP_A_SUPPORTED_ATTRIBUTES, attributes, sizeof attributes);
	}
	bfcp_end(b, s);
	bfcp_out(l, b);
	g_byte_array_free(b, TRUE);
}

/* The first attribute with the M bit whose type the server does not know; 0 when none. */
static unsigned unknown_mandatory(const struct bfcp_msg *m)
{
	size_t off = 0;
	struct bfcp_attr a;
	while (bfcp_attr_next(m->attrs, m->attrs_len, &off, &a) == 1)
		if (a.mandatory && !bfcp_attr_name(a.type))
			return a.type;
	return 0;
}

static void bfcp_message(struct leg *l, const struct bfcp_msg *m)
{
	const struct msdp *local = &l->t->local;
	const char *why = NULL;
	bfcp_trace(l, false, m);
	if (m->responder)
		return; /* an acknowledgement of what the server sent */
	if (!bfcp_attrs_valid(m->attrs, m->attrs_len, &why))
		return bfcp_error(l, m, BFCP_E_PARSE, why);
	if (local->confid && m->conference_id != local->confid)
		return bfcp_error(l, m, BFCP_E_CONFERENCE, "conference does not exist");
	if (local->userid && m->user_id != local->userid)
		return bfcp_error(l, m, BFCP_E_USER, "user does not exist");
	if (unknown_mandatory(m))
		return bfcp_error(l, m, BFCP_E_MANDATORY, "unknown mandatory attribute");
	switch (m->primitive) {
	case BFCP_HELLO:
		return acknowledge(l, m, BFCP_HELLO_ACK);
	case BFCP_FLOOR_REQUEST:
		return floor_request(l, m);
	case BFCP_FLOOR_RELEASE:
		return floor_release(l, m);
	case BFCP_FLOOR_QUERY:
		return floor_query(l, m);
	case BFCP_GOODBYE:
		acknowledge(l, m, BFCP_GOODBYE_ACK);
		l->member->closing = true; /* the client closes; the server's end follows the written ack */
		return;
	case BFCP_FLOOR_REQUEST_STATUS_ACK:
	case BFCP_FLOOR_STATUS_ACK:
		return; /* acknowledgements of unreliable transports: nothing to do on a stream */
	default:
		return bfcp_error(l, m,
				  bfcp_primitive_name(m->primitive) ? BFCP_E_UNAUTHORIZED : BFCP_E_PRIMITIVE,
				  bfcp_primitive_name(m->primitive) ? "not for a participant to send"
								    : "unknown primitive");
	}
}

/* The BFCP message at the start of buf[0..len) handled: its size, 0 when more bytes are needed, -1 when
 * the stream cannot be framed (an Error says why, and the participant's BFCP is closed). */
static ssize_t bfcp_take(struct leg *l, const uint8_t *buf, size_t len)
{
	struct bfcp_msg msg;
	enum bfcp_error_code code = BFCP_E_PARSE;
	const char *why = NULL;
	enum bfcp_status st = bfcp_frame(buf, len, &msg, &code, &why);
	if (st == BFCP_PARTIAL && len > l->ls->o.buffer)
		st = BFCP_INVALID, code = BFCP_E_LENGTH,
		why = "BFCP message larger than the gateway's buffer";
	if (st == BFCP_INVALID) {
		bfcp_error(l, &msg, code, why);
		l->member->closing = true;
		struct log_ids ids;
		log_info("conf", leg_ids(l, &ids), "closing the participant's BFCP: %s", why);
		return -1;
	}
	if (st == BFCP_PARTIAL)
		return 0;
	bfcp_message(l, &msg);
	return (ssize_t)msg.size;
}

/* ---- participants ---- */

void conf_join(struct leg *l)
{
	if (l->member)
		return;
	struct member *m = g_new0(struct member, 1);
	m->conf = conf_of(l->ls, l->t->ctx->id);
	m->in = g_byte_array_new();
	m->out = g_byte_array_new();
	if (*l->t->remote.path && l->t->has_remote)
		m->peer_path = g_strdup(l->t->remote.path);
	l->member = m;
	g_ptr_array_add(m->conf->members, l);
	struct log_ids ids;
	bool msrp = l->bearer->app == TP_APP_MSRP;
	log_info("conf", leg_ids(l, &ids), "joins conference %u (%s), %u participants", m->conf->ctx,
		 msrp ? "MSRP" : "BFCP", m->conf->members->len);
	if (msrp)
		msrp_bind(l);
}

void conf_input(struct leg *l, const void *data, size_t n)
{
	if (!l->member)
		return;
	struct member *m = l->member;
	g_byte_array_append(m->in, data, (guint)n);
	ssize_t (*take)(struct leg *, const uint8_t *, size_t) =
	    l->bearer->app == TP_APP_MSRP ? msrp_take : bfcp_take;
	size_t used = 0;
	ssize_t k;
	while (l->state == LEG_UP && !m->closing && (k = take(l, m->in->data + used, m->in->len - used)) > 0)
		used += (size_t)k;
	if (l->member) /* not finished meanwhile */
		g_byte_array_remove_range(m->in, 0, (guint)used);
}

void conf_leave(struct leg *l)
{
	struct member *m = l->member;
	if (!m)
		return;
	l->member = NULL;
	struct conf *c = m->conf;
	g_ptr_array_remove(c->members, l);
	for (guint i = 0; i < c->requests->len;) {
		struct request *r = c->requests->pdata[i];
		if (r->leg == l)
			end_request(c, r); /* the array shifted: look at i again */
		else
			i++;
	}
	g_byte_array_free(m->in, TRUE);
	g_byte_array_free(m->out, TRUE);
	g_free(m->peer_path);
	g_free(m);
	if (!c->members->len) {
		g_hash_table_remove(l->ls->confs, GUINT_TO_POINTER(c->ctx));
		g_ptr_array_free(c->members, TRUE);
		g_ptr_array_free(c->requests, TRUE);
		g_free(c);
	}
}
