/* SPDX-License-Identifier: GPL-3.0-or-later */
/* conference: the conference server behind the MRFP's TLS (TS 23.333 §6.2.19: "the MRFP terminates TLS for
 * MSRP and BFCP as the conference server"). Each participant's leg ends its protocol here:
 *
 * MSRP (RFC 4975): every request is matched to the session by its To-Path (481 otherwise) and answered
 * as its Failure-Report asks; each SEND chunk with a body is switched to every other MSRP participant
 * of the context that is up, under a new transaction id, with that participant's To-Path and the
 * server's From-Path, the Message-ID, Byte-Range, Content-Type and continuation flag kept. When the
 * server opened the connection it binds the session with an empty SEND (§5.4).
 *
 * BFCP (RFC 8855): the floor control server of the context (floor.c).
 *
 * A participant's leg is read and written here once TCP (and TLS) is up (tcp.c sets it up); its output is
 * queued, and reading from any participant waits while another's queue is over the legs' buffer size,
 * so memory stays bounded without dropping. */
#include "config.h"
#include "conference_int.h"

#include <errno.h>
#include <string.h>

#include "msrp.h"
#include "leg_io.h"

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

static GByteArray *output(const struct leg *l)
{
	return l->member && l->member->out->len ? l->member->out : NULL;
}

static bool closing(const struct leg *l)
{
	return l->member && l->member->closing;
}

static bool paused(const struct leg *l)
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

static void written(struct leg *l, size_t n)
{
	bool was_full = l->member->out->len >= l->ls->o.buffer;
	g_byte_array_remove_range(l->member->out, 0, (guint)n);
	if (!was_full || l->member->out->len >= l->ls->o.buffer)
		return;
	/* room again: the others may read (a copy: reading may end one, and it leaves the list) */
	GPtrArray *ms = g_ptr_array_copy(l->member->conf->members, NULL, NULL);
	for (guint i = 0; i < ms->len; i++)
		if (ms->pdata[i] != l)
			conference_resume(ms->pdata[i]);
	g_ptr_array_free(ms, TRUE);
}

/* ---- MSRP ---- */

static void msrp_trace(struct leg *l, bool out, const struct msrp_frame *f)
{
	if (!conference_tracing(l))
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
	conference_send(to, s->str, s->len);
	msrp_trace(to, true, &out);
	g_string_free(s, TRUE);
}

static void msrp_answer(struct leg *l, const struct msrp_frame *f, unsigned status, const char *comment)
{
	if (!msrp_wants_response(f, status))
		return;
	GString *s = g_string_new(NULL);
	msrp_append_response(s, f, status, comment, l->t->msrp_path ? l->t->msrp_path : "");
	conference_send(l, s->str, s->len);
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

/* ---- participants ---- */

/* The participant's leg joins its context's conference. */
static void conference_join(struct leg *l)
{
	if (l->member)
		return;
	struct member *m = g_new0(struct member, 1);
	m->conf = conf_of(l->ls, l->t->ctx->id);
	m->in = g_byte_array_new();
	m->out = g_byte_array_new();
	if (l->t->remote.path && l->t->has_remote)
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

static void input(struct leg *l, const void *data, size_t n)
{
	if (!l->member)
		return;
	struct member *m = l->member;
	g_byte_array_append(m->in, data, (guint)n);
	ssize_t (*take)(struct leg *, const uint8_t *, size_t) =
	    l->bearer->app == TP_APP_MSRP ? msrp_take : floor_take;
	size_t used = 0;
	ssize_t k;
	while (l->state == LEG_UP && !m->closing && (k = take(l, m->in->data + used, m->in->len - used)) > 0)
		used += (size_t)k;
	if (l->member) /* not finished meanwhile */
		g_byte_array_remove_range(m->in, 0, (guint)used);
}

void conference_leave(struct leg *l)
{
	struct member *m = l->member;
	if (!m)
		return;
	l->member = NULL;
	struct conf *c = m->conf;
	g_ptr_array_remove(c->members, l);
	floor_leave(c, l);
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

/* ---- a participant's I/O ---- */

/* Writes what the conference queued for the participant; closes once all is written after its end or
 * the server's. */
static void member_write(struct leg *l)
{
	GByteArray *out;
	while ((out = output(l))) {
		ssize_t n = leg_write(l, out->data, out->len);
		if (n == -EAGAIN)
			break;
		if (n < 0) {
			char why[LEG_WHY];
			leg_finish(l, true, WIRE_TCP_REL, leg_why(l, why));
			return;
		}
		l->t->octets_sent += (uint64_t)n;
		l->t->packets_sent++;
		written(l, (size_t)n);
	}
	if (!output(l) && (l->eof || closing(l))) {
		leg_shutdown(l);
		leg_finish(l, false, WIRE_TCP_REL,
			   l->eof ? "closed by the participant" : "ended by the conference server");
		return;
	}
	l->kind->update(l);
}

static void member_read(struct leg *l)
{
	char buf[16384];
	while (leg_ready(l) && !l->eof && !paused(l) && !closing(l)) {
		ssize_t n = leg_read(l, buf, sizeof buf);
		if (n > 0) {
			l->t->octets_received += (uint64_t)n;
			l->t->packets_received++;
			input(l, buf, (size_t)n);
			continue;
		}
		if (n == -EAGAIN && sess_buffered(l))
			continue; /* a ticket or KeyUpdate: what follows it was read already */
		if (n == 0)
			l->eof = true;
		if (n == 0 || n == -EAGAIN)
			break;
		char why[LEG_WHY];
		leg_finish(l, true, WIRE_TCP_REL, leg_why(l, why));
		return;
	}
	if (l->state == LEG_UP)
		member_write(l);
}

void conference_resume(struct leg *l)
{
	l->kind->update(l);
	if (leg_ready(l) && sess_buffered(l) && !paused(l))
		member_read(l); /* what TLS already holds raises no EPOLLIN */
}

void conference_ready(struct leg *l)
{
	if (leg_ready(l))
		conference_join(l);
	conference_resume(l);
}

uint32_t conference_events(const struct leg *l)
{
	uint32_t ev = 0;
	if (leg_ready(l) && !l->eof && !paused(l) && !closing(l))
		ev |= EPOLLIN;
	if (output(l))
		ev |= EPOLLOUT;
	return ev;
}

void conference_io(struct leg *l, uint32_t events)
{
	if (events & EPOLLOUT)
		member_write(l);
	if (leg_ready(l) && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		member_read(l);
	else if (l->state == LEG_UP && (events & (EPOLLHUP | EPOLLERR)))
		leg_finish(l, true, WIRE_TCP_REL, "closed before its TLS peer was verified");
}
