/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_legs_oracle: fuzz_legs.c's oracles (see its head): the TCP relay hands on a prefix of what the
 * partner's connection sent, the UDP relay only datagrams the target sent, and nothing from a refused
 * source gets a leg or crosses. Each finding aborts. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leg.h"
#include "legs.h"
#include "legs_int.h"

/* The TCP leg whose connection is c's other end. */
static struct leg *leg_of(struct fuzz_legs *f, const struct conn *c)
{
	struct agw_term *t = agw_term_find(f->store, c->term);
	if (c->fd < 0)
		return NULL;
	if (t && t->leg && !t->leg->dgram && t->leg->fd >= 0 && t->port == sa_port(&c->remote) &&
	    sa_equal(&t->leg->peer, &c->local))
		return t->leg;
	return NULL;
}

static struct conn *conn_of_leg(struct fuzz_legs *f, const struct leg *l)
{
	for (int i = 0; i < MAX_CONNS; i++)
		if (l && leg_of(f, &f->conns[i]) == l)
			return &f->conns[i];
	return NULL;
}

/* ---- the oracles ---- */

static bool plain_relay(const struct leg *l)
{
	return l && !l->dgram && !l->bearer->secure && !leg_in_conference(l);
}

/* "co/1" for a plain relay leg, "co/1*" for another ("" for none): what observe compares. */
static void leg_name(const struct leg *l, char out[32])
{
	snprintf(out, 32, "%s%s", l ? l->t->id : "", l && !plain_relay(l) ? "*" : "");
}

/* Each connection's leg and that leg's partner, as they are now: a change taints the relay check. */
void observe(struct fuzz_legs *f)
{
	for (int i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &f->conns[i];
		struct leg *l = leg_of(f, c);
		if (!l)
			continue;
		if (c->forbidden) {
			fprintf(stderr, "fuzz_legs: leg %s took a connection from a refused source\n",
				l->t->id);
			abort();
		}
		char pair[2][32];
		leg_name(l, pair[0]), leg_name(leg_partner(l), pair[1]);
		if (c->attached && (strcmp(c->pair[0], pair[0]) || strcmp(c->pair[1], pair[1])))
			c->tainted = true; /* another partner, or a transport that is not a plain relay's */
		c->attached = true;
		memcpy(c->pair, pair, sizeof pair);
	}
}

/* What a plain TCP leg's connection got is a prefix of what its plain partner's connection sent. */
void check_relay(struct fuzz_legs *f)
{
	observe(f);
	for (int i = 0; i < MAX_CONNS; i++) {
		struct conn *x = &f->conns[i];
		struct leg *l = leg_of(f, x);
		struct leg *p = plain_relay(l) ? leg_partner(l) : NULL;
		struct conn *y = plain_relay(p) ? conn_of_leg(f, p) : NULL;
		if (!y || x->tainted || y->tainted)
			continue;
		if (x->got->len > y->sent->len ||
		    (x->got->len && memcmp(x->got->data, y->sent->data, x->got->len))) {
			fprintf(stderr,
				"fuzz_legs: %s's connection got %u bytes that %s's did not send (%u sent)\n",
				l->t->id, x->got->len, p->t->id, y->sent->len);
			abort();
		}
	}
}

void check_datagram(struct fuzz_legs *f, const void *data, size_t n)
{
	GBytes *b = g_bytes_new_static(data, n);
	if (g_hash_table_contains(f->forbidden, b) && !g_hash_table_contains(f->admitted, b)) {
		fprintf(stderr, "fuzz_legs: a datagram from a refused source crossed (%zu bytes)\n", n);
		abort();
	}
	g_bytes_unref(b);
}

/* A datagram from a plain UDP leg is one the target sent to its partner (not one the filter refused). */
void check_relayed(struct fuzz_legs *f, const union sa *src, const void *data, size_t n)
{
	unsigned port = sa_port(src), count;
	if (!same_host(src, &gw_host) || g_hash_table_contains(f->dtls_ports, GUINT_TO_POINTER(port)))
		return;
	const struct leg *l = NULL;
	struct agw_ctx **all = agw_ctx_all(f->store, &count);
	for (unsigned i = 0; i < count; i++)
		for (unsigned k = 0; k < all[i]->nterms; k++)
			if (all[i]->terms[k]->port == port && all[i]->terms[k]->leg)
				l = all[i]->terms[k]->leg;
	g_free(all);
	if (!l || !l->dgram || l->bearer->secure || l->tls)
		return;
	GBytes *b = g_bytes_new_static(data, n);
	if (!g_hash_table_contains(f->admitted, b)) {
		fprintf(stderr,
			"fuzz_legs: %s sent a datagram (%zu bytes) that the target never sent its partner\n",
			l->t->id, n);
		abort();
	}
	g_bytes_unref(b);
}
