/* SPDX-License-Identifier: GPL-3.0-or-later */
/* call_h248: the H.248 text of a call's steps (seed 004; TS 23.334 §6.2.10.3, §6.2.10.4), appended to the
 * transaction call.c and call_reoffer.c send. */
#include "config.h"
#include "call_int.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#define W(c, id) ((c)->cs->cfg->wire.text[WIRE_##id])

void call_h248_context(struct call *c, GString *s)
{
	g_string_append_printf(s, "Context = %s {\n", *c->ctx ? c->ctx : "$");
}

/* latch: the gateway sends to the source of what it receives (a UE behind a NAT), and with filter takes
 * only that source once latched. */
static void put_control(struct call *c, GString *s, const char *realm, bool filter, bool latch)
{
	g_string_append_printf(s, "LocalControl { Mode = SendReceive, %s = %s", W(c, REALM), realm);
	if (latch)
		g_string_append_printf(s, ", %s = on", W(c, LATCH));
	if (filter)
		g_string_append_printf(s, ", %s = on, %s = on", W(c, SAF), W(c, SPF));
	g_string_append(s, " }");
}

/* What the gateway reports on a leg: (D)TLS's outcome when it terminates it, TCP's failure on TCP. */
static void put_events(struct call *c, GString *s, const struct line *l, bool tls)
{
	if (tls && call_dgram(l))
		g_string_append_printf(s, ", Events = %u { %s, %s }", ++c->rid, W(c, TLS_UP), W(c, TLS_FAIL));
	else if (tls)
		g_string_append_printf(s, ", Events = %u { %s, %s, %s }", ++c->rid, W(c, TLS_UP),
				       W(c, TLS_FAIL), W(c, TCP_FAIL));
	else if (!call_dgram(l))
		g_string_append_printf(s, ", Events = %u { %s }", ++c->rid, W(c, TCP_FAIL));
}

/* The access leg's Add. Originating: Remote is the UE's offer; terminating: none yet. */
void call_h248_add_access(struct call *c, GString *s, struct line *l, const struct media_line *remote,
			  bool establish)
{
	bool tls = call_e2ae(l), aware = c->cs->cfg->aware;
	const char *proto = media_agw_proto(&l->offer, tls, aware);
	g_string_append(s, "Add = $ { Media { Stream = 1 { ");
	bool natted = c->policy.merge && call_dgram(l); /* UDP behind a NAT: latch onto it, and only it */
	put_control(c, s, "access", natted, natted);
	g_string_append(s, ",\n");
	media_put_desc(s, "Local", &l->offer, NULL, 0, proto, l->access.setup, tls ? "$" : NULL, NULL);
	if (remote) {
		g_string_append(s, ",\n");
		media_put_desc(s, "Remote", remote, remote->addr, remote->port, proto, remote->setup,
			       tls ? remote->fingerprints : NULL, NULL);
	}
	g_string_append(s, " } }");
	put_events(c, s, l, tls);
	/* NOTE 2's combined Add is also steps 16-18: the TLS direction, as the signal (D)TLS waits for */
	if (establish && tls && l->access.setup == MSDP_SETUP_ACTIVE)
		g_string_append_printf(s, ", Signals { %s }", W(c, TLS_EST));
	g_string_append(s, " }");
}

/* The core leg's Add, with the offerer's Remote when terminating. */
void call_h248_add_core(struct call *c, GString *s, struct line *l, const struct media_line *remote)
{
	const char *proto = media_agw_proto(&l->offer, false, c->cs->cfg->aware);
	g_string_append(s, "Add = $ { Media { Stream = 1 { ");
	put_control(c, s, "core", c->cs->cfg->syn_filter && !remote, false);
	g_string_append(s, ",\n");
	media_put_desc(s, "Local", &l->offer, NULL, 0, proto, l->core.setup, NULL, NULL);
	if (remote) {
		g_string_append(s, ",\n");
		media_put_desc(s, "Remote", remote, remote->addr, remote->port, proto, remote->setup, NULL,
			       NULL);
	}
	g_string_append(s, " } }");
	put_events(c, s, l, false);
	g_string_append(s, " }");
}

/* The answerer's a=setup; when its answer does not say, passive on a TCP line (RFC 4145 §4.1) and
 * active on a datagram line (the DTLS client). */
static enum msdp_setup call_answered_setup(const struct line *l)
{
	return l->answer.setup ? l->answer.setup : call_dgram(l) ? MSDP_SETUP_ACTIVE : MSDP_SETUP_PASSIVE;
}

/* Originating: the core leg learns the answerer's address; the access leg, added now for e2e (and for
 * e2ae under NOTE 2), gets the TLS direction. */
void call_h248_configure_orig(struct call *c, GString *s, struct line *l)
{
	bool tls = call_e2ae(l);
	const char *plain = media_agw_proto(&l->offer, false, c->cs->cfg->aware);
	enum msdp_setup v = call_answered_setup(l);
	if (!tls && !call_dgram(l) && !c->policy.merge)
		l->access.setup = v; /* the UE sees the answerer's direction: TLS runs end to end */
	if (!tls || c->cs->cfg->combined) {
		call_h248_add_access(c, s, l, &l->offer, true);
		g_string_append(s, ",\n");
	}
	enum msdp_setup core =
	    v == MSDP_SETUP_PASSIVE && !call_dgram(l) ? MSDP_SETUP_ACTIVE : MSDP_SETUP_NONE;
	g_string_append_printf(s, "Modify = %s { Media { Stream = 1 { ", l->core.term);
	if (c->cs->cfg->syn_filter)
		g_string_append_printf(s, "LocalControl { %s = on, %s = on },\n", W(c, SAF), W(c, SPF));
	if (core) {
		l->core.setup = core;
		media_put_desc(s, "Local", &l->offer, l->core.addr, l->core.port, plain, core, NULL, NULL);
		g_string_append(s, ",\n");
	}
	media_put_desc(s, "Remote", &l->answer, l->answer.addr, l->answer.port, plain, v, NULL, NULL);
	g_string_append(s, " } } }");
	if (tls && l->access.setup == MSDP_SETUP_ACTIVE && !c->cs->cfg->combined)
		g_string_append_printf(s, ",\nModify = %s { Signals { %s } }", l->access.term, W(c, TLS_EST));
}

/* Terminating: the access leg gets the UE's Remote (its fingerprint) and the TLS direction; the core leg,
 * added now for e2e (and for e2ae under NOTE 2), faces the offerer. */
void call_h248_configure_term(struct call *c, GString *s, struct line *l)
{
	bool tls = call_e2ae(l);
	const char *proto = media_agw_proto(&l->offer, tls, c->cs->cfg->aware);
	enum msdp_setup u = call_answered_setup(l);
	if (!tls && !call_dgram(l))
		l->core.setup = u;
	/* the UE passive: the gateway connects and starts (D)TLS; in merge mode it stays passive (TS 23.334
	 * §6.2.18.4), and a UE that will not connect fails as the gateway's notifications then say */
	bool turn = u == MSDP_SETUP_PASSIVE && !c->policy.merge;
	if (!tls || c->cs->cfg->combined) {
		call_h248_add_core(c, s, l, &l->offer);
		g_string_append(s, ",\n");
	}
	g_string_append_printf(s, "Modify = %s { Media { Stream = 1 { ", l->access.term);
	if (turn) {
		l->access.setup = MSDP_SETUP_ACTIVE;
		media_put_desc(s, "Local", &l->offer, l->access.addr, l->access.port, proto,
			       MSDP_SETUP_ACTIVE, tls ? l->access.fingerprint : NULL, NULL);
		g_string_append(s, ",\n");
	}
	media_put_desc(s, "Remote", &l->answer, l->answer.addr, l->answer.port, proto, u,
		       tls ? l->answer.fingerprints : NULL, NULL);
	g_string_append(s, " } }");
	if (tls && turn)
		g_string_append_printf(s, ", Signals { %s }", W(c, TLS_EST));
	g_string_append(s, " }");
}

unsigned call_h248_subtract(GString *s, const struct line *l, bool *first)
{
	unsigned n = 0;
	for (const struct call_leg *g = &l->access; g; g = g == &l->access ? &l->core : NULL)
		if (*g->term) {
			g_string_append_printf(s, "%sSubtract = %s", *first ? "" : ",\n", g->term);
			*first = false, n++;
		}
	return n;
}
