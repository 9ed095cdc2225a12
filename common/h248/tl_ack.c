/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tl_ack: the Replies this entity receives, acknowledged (D.1.1: the peer may then free its copy at once),
 * batched per peer into TransactionResponseAck { 3, 5-9 }. */
#include "config.h"
#include "tl_int.h"

#include <stdio.h>

#include "peers.h"

/* The Replies from one peer not acknowledged yet. */
struct acks {
	struct h248_from to;
	unsigned version; /* the peer's, as its Reply came: an ack in another version it may refuse (406) */
	GArray *tids;     /* uint32_t */
};

enum { ACK_BATCH = 64 }; /* ids in one TransactionResponseAck at most: a few hundred bytes */

static void acks_free(gpointer p)
{
	struct acks *a = p;
	g_array_free(a->tids, TRUE);
	g_free(a);
}

void tl_acks_init(struct h248_tl *tl)
{
	tl->acks = g_ptr_array_new_with_free_func(acks_free);
}

void tl_acks_free(struct h248_tl *tl)
{
	ev_timer_cancel(tl->loop, tl->ack_timer);
	g_ptr_array_free(tl->acks, TRUE);
}

static gint tid_cmp(gconstpointer a, gconstpointer b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* One message to a->to: TransactionResponseAck { 3, 5-9 }, the ids sorted and runs merged. */
static void acks_send(struct h248_tl *tl, struct acks *a)
{
	g_array_sort(a->tids, tid_cmp);
	struct h248_msg *m = tl_new_message(tl);
	/* the peer's version: a Reply's own (a gateway at 1 answers in 1), but never above the one this
	 * side negotiated since (the Reply to a v3 ServiceChange that settles on 1 comes in 3) */
	m->version = MIN(a->version, tl->o.version);
	struct h248_node *k = h248_add_token(m, NULL, H248_TOK_RESPONSEACK, NULL);
	const uint32_t *id = (const uint32_t *)(void *)a->tids->data;
	for (guint i = 0, j; i < a->tids->len; i = j) {
		for (j = i + 1; j < a->tids->len && id[j] <= id[j - 1] + 1 && id[j] >= id[j - 1]; j++)
			;
		char range[24];
		if (id[j - 1] == id[i])
			snprintf(range, sizeof range, "%u", id[i]);
		else
			snprintf(range, sizeof range, "%u-%u", id[i], id[j - 1]);
		struct h248_node *item = h248_node_new(m, H248_NODE_ITEM, H248_TOK_NONE);
		item->name = h248_cstr(m, range);
		h248_append(k, item);
	}
	h248_msg_append(m, k);
	tl->stats.ack_messages++;
	tl_send(tl, &a->to, m);
}

static void on_ack_timer(struct ev_loop *loop, void *arg)
{
	struct h248_tl *tl = arg;
	tl->ack_timer = NULL;
	for (guint i = 0; i < tl->acks->len; i++)
		acks_send(tl, g_ptr_array_index(tl->acks, i));
	g_ptr_array_set_size(tl->acks, 0);
}

void tl_ack_reply(struct h248_tl *tl, const struct h248_from *to, unsigned version, uint32_t tid, bool now)
{
	struct acks *a = NULL;
	guint i;
	for (i = 0; i < tl->acks->len && !a; i++)
		if (h248_from_equal(&((struct acks *)g_ptr_array_index(tl->acks, i))->to, to))
			a = g_ptr_array_index(tl->acks, i);
	if (!a) {
		a = g_new0(struct acks, 1);
		a->to = *to;
		a->version = version;
		a->tids = g_array_sized_new(FALSE, FALSE, sizeof(uint32_t), 8);
		g_ptr_array_add(tl->acks, a);
		i = tl->acks->len;
	}
	g_array_append_val(a->tids, tid);
	tl->stats.acks_sent++;
	a->version = version; /* the latest the peer spoke */
	if (now || a->tids->len >= ACK_BATCH) {
		acks_send(tl, a);
		g_ptr_array_remove_index_fast(tl->acks, i - 1);
	} else if (!tl->ack_timer) {
		tl->ack_timer = ev_timer_add(tl->loop, tl->o.ack_delay_ms, on_ack_timer, tl);
	}
}
