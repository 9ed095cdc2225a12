/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the H.248 transaction layer (common/h248/tl.c) and the association on it (assoc.c), fed
 * a sequence of messages — requests, replies, pendings, acks, repetitions — as an MG or as an MGC.
 *
 * The first byte picks the role: 'C' an MGC (tl + h248_mgc answering ServiceChange), anything else an
 * MG (tl + h248_mg, which registers at once: its ServiceChange is request @0). The rest is records as
 * h248seq.h describes, plus these of the owner's own:
 *   a        answer the oldest request held (Reply with Context = - { Notify = ROOT })
 *   e        refuse the oldest request held (Error 500)
 *   r TEXT   send TEXT (a message whose first Transaction is the request) to the peer
 *   R N TEXT send TEXT again under the id @N (h248_tl_send_again)
 *   c N      cancel request @N
 *   v N      set the version of messages sent (N % 3 + 1, as only 1 to 3 are negotiated)
 *   l        (MG) contact lost: register again;   g  (MG) ServiceChange Forced
 * Requests the owner does not answer at once are held (at most 16, beyond that refused with 510). */
#include <glib.h>
#include <string.h>

#include "assoc.h"
#include "fuzz.h"
#include "h248seq.h"
#include "parse.h"

enum { HELD_MAX = 16 };

struct owner {
	struct seq s;
	struct h248_mg *mg;   /* MG role */
	struct h248_mgc *mgc; /* MGC role */
	struct h248_txn *held[HELD_MAX];
	unsigned nheld;
	unsigned done;
};

static void hold(struct owner *o, struct h248_txn *txn)
{
	if (o->nheld == HELD_MAX)
		h248_txn_error(txn, 510, "Insufficient Resources");
	else
		o->held[o->nheld++] = txn;
}

static void on_request(void *arg, struct h248_txn *txn, const struct h248_msg *msg, const struct h248_node *trans)
{
	struct owner *o = arg;
	if (o->mg && !h248_mg_is_registered(o->mg))
		h248_txn_error(txn, 505, "Transaction Request Received before a Service Change Reply has been received");
	else if (!o->mgc || !h248_mgc_handle(o->mgc, txn, msg, trans))
		hold(o, txn);
}

static bool admit(void *arg, const struct h248_msg *msg, const struct h248_from *from)
{
	struct owner *o = arg;
	return !o->mg || h248_mg_from_mgc(o->mg, msg, from);
}

static void on_done(void *arg, const struct h248_msg *msg, const struct h248_node *reply)
{
	((struct owner *)arg)->done++;
}

static struct h248_txn *oldest(struct owner *o)
{
	if (!o->nheld)
		return NULL;
	struct h248_txn *t = o->held[0];
	memmove(o->held, o->held + 1, --o->nheld * sizeof *o->held);
	return t;
}

/* A digit at the start of text (0 when none); text and len move past it and one newline. */
static unsigned digit(const char **text, size_t *len)
{
	unsigned d = 0;
	if (*len && **text >= '0' && **text <= '9')
		d = (unsigned)(**text - '0'), (*text)++, (*len)--;
	if (*len && **text == '\n')
		(*text)++, (*len)--;
	return d;
}

static void send_text(struct owner *o, const char *text, size_t len, bool again, unsigned k)
{
	struct h248_error err;
	struct h248_msg *m = h248_parse(text, len, NULL, &err);
	if (!m)
		return;
	if (again)
		h248_tl_send_again(o->s.tl, &o->s.peer, m, k < o->s.ntids ? o->s.tids[k] : 1, on_done, o);
	else
		h248_tl_send(o->s.tl, &o->s.peer, m, on_done, o);
}

static void op(struct seq *s, char kind, const char *text, size_t len, void *arg)
{
	struct owner *o = arg;
	struct h248_txn *t;
	unsigned k;
	switch (kind) {
	case 'a':
		if ((t = oldest(o))) {
			struct h248_node *reply;
			struct h248_msg *m = h248_txn_new_reply(t, &reply);
			struct h248_node *ctx = h248_add_token(m, reply, H248_TOK_CONTEXT, "-");
			h248_add_token(m, ctx, H248_TOK_NOTIFY, "ROOT");
			h248_txn_reply(t, m);
		}
		break;
	case 'e':
		if ((t = oldest(o)))
			h248_txn_error(t, 500, "Internal software failure in the MG or MGC");
		break;
	case 'r':
		send_text(o, text, len, false, 0);
		break;
	case 'R':
		k = digit(&text, &len);
		send_text(o, text, len, true, k);
		break;
	case 'c':
		k = digit(&text, &len);
		if (k < s->ntids)
			h248_tl_cancel(s->tl, s->tids[k]);
		break;
	case 'v':
		h248_tl_set_version(s->tl, digit(&text, &len) % 3 + 1); /* as assoc.c does: 1 to 3 */
		break;
	case 'l':
		if (o->mg)
			h248_mg_lost(o->mg, "fuzz: contact lost");
		break;
	case 'g':
		if (o->mg && h248_mg_is_registered(o->mg))
			h248_mg_service_change(o->mg, H248_TOK_FORCED, "905 Termination taken out of service");
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 16384)
		return 0;
	bool mgc = data[0] == 'C';
	data++, size--;
	if (size && *data == '\n')
		data++, size--;
	struct owner o = { 0 };
	seq_open(&o.s, mgc ? "[127.0.0.1]:2945" : "[127.0.0.1]:2944");
	static const struct h248_tl_ops tops = { .request = on_request, .admit = admit };
	o.s.tl = h248_tl_new(o.s.loop, o.s.link, &o.s.tl_opts, &tops, &o);
	if (mgc) {
		o.mgc = h248_mgc_new(3, &(struct h248_mgc_ops){ 0 }, &o);
	} else {
		struct h248_mg_opts ao = { .mgc = o.s.peer.addr, .profile = "IMS-AGW/1", .retry_ms = 1, .retry_max_ms = 2 };
		o.mg = h248_mg_new(o.s.loop, o.s.link, o.s.tl, &ao, &(struct h248_mg_ops){ 0 }, &o);
		h248_mg_start(o.mg);
		seq_drain(&o.s);
	}
	seq_play(&o.s, data, size, op, &o);
	h248_mg_free(o.mg);
	h248_mgc_free(o.mgc);
	h248_tl_free(o.s.tl);
	seq_close(&o.s);
	return 0;
}
