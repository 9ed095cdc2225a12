/* SPDX-License-Identifier: GPL-3.0-or-later */
/* app: see app.h. */
#include "config.h"
#include "app.h"

#include <string.h>

#include "bfcp.h"
#include "msdp.h"
#include "msrp.h"
#include "party.h"
#include "payload.h"

void app_join(struct party *p)
{
	if (!p->in)
		p->in = g_byte_array_new();
	g_byte_array_set_size(p->in, 0);
	p->bfcp_tid = 0, p->floor_request = 0;
}

/* The SDP answer the party received for its m line, parsed into s (msdp_clear it after); false with
 * why, s holding nothing. */
static bool answer_of(const struct party *p, const struct payload *m, struct msdp *s, char why[160])
{
	char *err = NULL;
	if (p->media != m || !p->in) {
		snprintf(why, 160, "%s has not dialed in with %s", p->title, m->name);
		return false;
	}
	bool ok = p->sdp && msdp_parse(p->sdp, strlen(p->sdp), s, &err);
	if (!ok)
		snprintf(why, 160, "%s has no SDP answer to address the focus with%s%s", p->title,
			 err ? ": " : "", err ? err : "");
	g_free(err);
	return ok;
}

/* ---- MSRP ---- */

bool app_msrp_send(struct party *p, const char *text, char why[160])
{
	struct msdp s = { 0 };
	if (!answer_of(p, &payload_msrp, &s, why))
		return false;
	if (!s.path) {
		msdp_clear(&s);
		snprintf(why, 160, "the answer %s received has no a=path", p->title);
		return false;
	}
	char tid[17], mid[17], range[48], summary[96];
	msrp_new_id(tid), msrp_new_id(mid);
	size_t n = strlen(text);
	snprintf(range, sizeof range, "1-%zu/%zu", n, n);
	GString *b = g_string_new(NULL);
	msrp_append_send(b, tid, s.path, p->path, mid, range, "text/plain", text, n, '$');
	msdp_clear(&s);
	struct msrp_frame f;
	const char *bad;
	msrp_frame(b->str, b->len, &f, &bad);
	msrp_summary(&f, summary, sizeof summary);
	bool ok = party_send(p, TRACE_MSRP_TX, b->str, b->len, summary);
	g_string_free(b, TRUE);
	if (!ok)
		snprintf(why, 160, "%s could not send its MSRP SEND", p->title);
	return ok;
}

static void msrp_in(struct party *p, const struct msrp_frame *f, const char *raw)
{
	char summary[96];
	msrp_summary(f, summary, sizeof summary);
	party_note(p, TRACE_MSRP_RX, false, summary, raw, f->size);
	if (f->status || strcmp(f->method, "SEND") || !msrp_wants_response(f, 200))
		return;
	GString *b = g_string_new(NULL);
	msrp_append_response(b, f, 200, "OK", p->path);
	struct msrp_frame r = { .status = 200 };
	g_strlcpy(r.tid, f->tid, sizeof r.tid);
	msrp_summary(&r, summary, sizeof summary);
	party_send(p, TRACE_MSRP_TX, b->str, b->len, summary);
	g_string_free(b, TRUE);
}

/* ---- BFCP ---- */

static unsigned primitive_of(const char *name)
{
	for (unsigned i = 1; i <= BFCP_GOODBYE_ACK; i++)
		if (bfcp_primitive_name(i) && !strcmp(bfcp_primitive_name(i), name))
			return i;
	return 0;
}

bool app_bfcp_send(struct party *p, const char *primitive, uint16_t floor, char why[160])
{
	struct msdp s = { 0 };
	unsigned prim = primitive_of(primitive);
	if (!answer_of(p, &payload_bfcp, &s, why))
		return false;
	const uint32_t confid = s.confid; /* its numbers: nothing else of it is read */
	const uint16_t userid = s.userid, first_floor = s.nfloorids ? s.floorids[0] : 0;
	msdp_clear(&s);
	if (!confid || !userid) {
		snprintf(why, 160, "the answer %s received has no a=confid and a=userid", p->title);
		return false;
	}
	if (!floor)
		floor = first_floor;
	if (++p->bfcp_tid == 0) /* 0 is the server's, for what no request asked (RFC 8855 §8.1) */
		p->bfcp_tid = 1;
	GByteArray *b = g_byte_array_new();
	struct bfcp_msg h = { .primitive = (uint8_t)prim,
			      .conference_id = confid,
			      .transaction_id = p->bfcp_tid,
			      .user_id = userid };
	size_t start = bfcp_begin(b, &h);
	if ((prim == BFCP_FLOOR_REQUEST || prim == BFCP_FLOOR_QUERY) && floor)
		bfcp_put_u16(b, BFCP_A_FLOOR_ID, floor);
	if (prim == BFCP_FLOOR_RELEASE)
		bfcp_put_u16(b, BFCP_A_FLOOR_REQUEST_ID, p->floor_request);
	bfcp_end(b, start);
	struct bfcp_msg m;
	enum bfcp_error_code e;
	const char *bad;
	bfcp_frame(b->data, b->len, &m, &e, &bad);
	char *summary = bfcp_describe(&m);
	bool ok = party_send(p, TRACE_BFCP_TX, b->data, b->len, summary);
	g_free(summary);
	g_byte_array_free(b, TRUE);
	if (!ok)
		snprintf(why, 160, "%s could not send its BFCP %s", p->title, primitive);
	return ok;
}

static void bfcp_in(struct party *p, const struct bfcp_msg *m, const uint8_t *raw)
{
	char *summary = bfcp_describe(m);
	party_note(p, TRACE_BFCP_RX, false, summary, raw, m->size);
	g_free(summary);
	uint16_t id;
	unsigned status, position;
	if (m->primitive == BFCP_FLOOR_REQUEST_STATUS && bfcp_request_status(m, &id, &status, &position))
		p->floor_request = id;
}

/* ---- reading ---- */

/* The message at the start of buf[0..len) taken: its size, 0 when more bytes are needed, -1 when the
 * stream cannot be framed (*why says why). */
static ssize_t take(struct party *p, const uint8_t *buf, size_t len, const char **why)
{
	if (p->media == &payload_msrp) {
		struct msrp_frame f;
		enum msrp_status st = msrp_frame((const char *)buf, len, &f, why);
		if (st == MSRP_COMPLETE)
			msrp_in(p, &f, (const char *)buf);
		return st == MSRP_COMPLETE ? (ssize_t)f.size : st == MSRP_PARTIAL ? 0 : -1;
	}
	struct bfcp_msg m;
	enum bfcp_error_code e;
	enum bfcp_status st = bfcp_frame(buf, len, &m, &e, why);
	if (st == BFCP_COMPLETE)
		bfcp_in(p, &m, buf);
	return st == BFCP_COMPLETE ? (ssize_t)m.size : st == BFCP_PARTIAL ? 0 : -1;
}

void app_pump(struct party *p)
{
	uint8_t buf[4096];
	ssize_t n;
	if (!p->in || !p->media || (p->secure && !p->tls))
		return;
	while ((n = party_read(p, buf, sizeof buf)) > 0) {
		g_byte_array_append(p->in, buf, (guint)n);
		const char *why = NULL;
		size_t used = 0;
		ssize_t k;
		while ((k = take(p, p->in->data + used, p->in->len - used, &why)) > 0)
			used += (size_t)k;
		if (k < 0) { /* traced whole, then dropped: nothing after it can be framed */
			char *summary = g_strdup_printf("unreadable: %s", why);
			party_note(p, p->media == &payload_msrp ? TRACE_MSRP_RX : TRACE_BFCP_RX, false, summary,
				   p->in->data + used, p->in->len - used);
			g_free(summary);
			used = p->in->len;
		}
		g_byte_array_remove_range(p->in, 0, (guint)used);
	}
}
