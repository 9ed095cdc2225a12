/* SPDX-License-Identifier: GPL-3.0-or-later */
/* legs: the module's API (see legs.h): the legs of the terminations, made of their kind (tcp.c, udp.c)
 * when a Local arrives and dropped with it; what a leg is lives in leg.c. */
#include "config.h"
#include "leg.h"

#include <errno.h>
#include <glib.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "trace.h"

struct legs *legs_new(struct ev_loop *loop, const struct legs_opts *opts, char **err)
{
	struct legs *ls = g_new0(struct legs, 1);
	ls->loop = loop;
	if (opts)
		ls->o = *opts;
	if (!ls->o.connect_timeout_ms)
		ls->o.connect_timeout_ms = 5000;
	if (!ls->o.buffer)
		ls->o.buffer = 256 * 1024;
	if (!ls->o.tls_hold_ms)
		ls->o.tls_hold_ms = 10000;
	if (!ls->o.tls_handshake_ms)
		ls->o.tls_handshake_ms = 5000;
	if (!ls->o.tls_priority)
		ls->o.tls_priority = "NORMAL";
	const char *where = NULL;
	int rc = gnutls_priority_init2(&ls->priority, ls->o.tls_priority, &where, 0);
	if (rc >= 0) { /* TLS-PSK (TS 33.328 Annex H via TS 23.333 §6.2.19): ECDHE-PSK, and PSK in TLS 1.3 */
		char *psk = g_strdup_printf("%s:+ECDHE-PSK:+PSK", ls->o.tls_priority);
		rc = gnutls_priority_init2(&ls->psk_priority, psk, &where, 0);
		g_free(psk);
		if (rc < 0)
			gnutls_priority_deinit(ls->priority);
	}
	if (rc < 0) {
		*err = g_strdup_printf("tls.priority: \"%s\" is not a GnuTLS priority string (%s, at \"%s\")",
				       ls->o.tls_priority, gnutls_strerror(rc), where ? where : "");
		g_free(ls);
		return NULL;
	}
	ls->confs = g_hash_table_new(g_direct_hash, g_direct_equal);
	ls->lingering = g_hash_table_new(g_direct_hash, g_direct_equal);
	ls->out_of_fds =
	    (struct log_counter){ .component = "leg", .what = "descriptors or memory exhausted:" };
	ls->filtered = (struct log_counter){ .component = "leg", .what = "dropped a datagram" };
	return ls;
}

void legs_free(struct legs *ls)
{
	if (!ls)
		return;
	linger_stop_all(ls);
	g_hash_table_destroy(ls->lingering);
	if (ls->close_notify_sent || ls->close_notify_received)
		log_info("leg", NULL,
			 "(D)TLS close_notify: %" G_GUINT64_FORMAT " sent, %" G_GUINT64_FORMAT " received",
			 ls->close_notify_sent, ls->close_notify_received);
	gnutls_priority_deinit(ls->priority), gnutls_priority_deinit(ls->psk_priority);
	g_hash_table_destroy(ls->confs); /* empty: each conference went with its last participant */
	g_free(ls);
}

void legs_set_mg(struct legs *ls, struct agw_mg *mg)
{
	ls->mg = mg;
}

void legs_stats(const struct legs *ls, struct legs_stats *out)
{
	*out = ls->stats;
	out->close_notify_sent = ls->close_notify_sent;
	out->close_notify_received = ls->close_notify_received;
}

/* Both sockets of l marked, the listener's for the connections it accepts. */
static void mark(struct leg *l)
{
	leg_mark(l, l->lfd), leg_mark(l, l->fd);
}

void legs_configure(struct legs *ls, struct agw_term *t)
{
	if (!t->has_local) {
		legs_release(ls, t);
		return;
	}
	struct leg *l = t->leg;
	const struct tp_bearer *b = tp_bearer_of(t->local.proto); /* mg checked it: never NULL */
	if (!l) {
		l = g_new0(struct leg, 1);
		*l = (struct leg){ .ls = ls,
				   .t = t,
				   .lfd = -1,
				   .fd = -1,
				   .dgram = b->dgram,
				   .kind = b->dgram ? &leg_udp : &leg_tcp };
		t->leg = l;
	}
	l->bearer = b; /* looked up here, once, not per datagram */
	l->kind->configure(l);
	if (t->leg == l) /* a configure may end the leg */
		mark(l);
}

void legs_release(struct legs *ls, struct agw_term *t)
{
	(void)ls;
	struct leg *l = t->leg;
	if (!l)
		return;
	struct leg *p = leg_drop(l);
	if (p)
		p->kind->update(p);
}
