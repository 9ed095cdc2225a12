/* SPDX-License-Identifier: GPL-3.0-or-later */
/* floor: the conference's BFCP floor control server (RFC 8855), see conference.c for the whole. Hello gets
 * HelloAck; FloorRequest queues a request per floor, the head of the queue holding the floor (Granted),
 * the rest Pending with their position; FloorRelease ends one (Released, or Cancelled while pending) and
 * grants the next, which learns it in a FloorRequestStatus of transaction 0; FloorQuery subscribes to
 * FloorStatus, sent again whenever a queue changes; Goodbye gets GoodbyeAck. Wrong conference or user
 * ids, unknown primitives and mandatory attributes, and malformed messages get the Error the RFC names;
 * a stream that cannot be framed gets an Error and is closed. */
#include "config.h"
#include "conference_int.h"

#include <string.h>

#include "bfcp.h"

static void bfcp_trace(struct leg *l, bool out, const struct bfcp_msg *m)
{
	if (!conference_tracing(l))
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
	if (conference_tracing(to) && bfcp_frame(b->data, b->len, &m, &e, &why) == BFCP_COMPLETE)
		bfcp_trace(to, true, &m);
	conference_send(to, b->data, b->len);
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

ssize_t floor_take(struct leg *l, const uint8_t *buf, size_t len)
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

void floor_leave(struct conf *c, struct leg *l)
{
	for (guint i = 0; i < c->requests->len;) {
		struct request *r = c->requests->pdata[i];
		if (r->leg == l)
			end_request(c, r); /* the array shifted: look at i again */
		else
			i++;
	}
}
