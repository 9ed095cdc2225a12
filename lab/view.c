/* SPDX-License-Identifier: GPL-3.0-or-later */
/* view: see view.h. */
#include "config.h"
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msdp.h"
#include "party.h"
#include "scenario.h"
#include "trace_kinds.h"

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* Every node with token tok under n, depth first. */
void view_collect(const struct h248_node *n, enum h248_tok tok, GPtrArray *out)
{
	for (const struct h248_node *k = n->first; k; k = k->next) {
		if (k->kind == H248_NODE_TOKEN && k->tok == tok)
			g_ptr_array_add(out, (void *)k);
		view_collect(k, tok, out);
	}
}

/* e's H.248 message when e is one the controller sent (by_mgc) or the gateway sent (!by_mgc), as the
 * trace the lab reads it from saw it: ims-alg's, or ims-agw's when the controller is under test. */
const struct h248_msg *view_h248(const struct expect_ctx *c, struct lab_event *e, bool by_mgc)
{
	enum trace_kind k = by_mgc != c->mg_view ? TRACE_H248_TX : TRACE_H248_RX;
	return e->k == k && same(e->component, c->mg_view ? "ims-agw" : "ims-alg") ? evlog_h248(e) : NULL;
}

GPtrArray *view_gateway_locals(const struct expect_ctx *c)
{
	GPtrArray *events = evlog_events(c->log), *out = g_ptr_array_new_with_free_func((GDestroyNotify)msdp_free);
	for (guint i = 0; i < events->len; i++) {
		const struct h248_msg *m = view_h248(c, events->pdata[i], false);
		GPtrArray *locals = g_ptr_array_new();
		for (const struct h248_node *t = m ? m->first : NULL; t; t = t->next)
			if (t->tok == H248_TOK_REPLY)
				view_collect(t, H248_TOK_LOCAL, locals);
		for (guint k = 0; k < locals->len; k++) {
			struct msdp *s = g_new(struct msdp, 1);
			char *err = NULL;
			struct h248_str sdp = h248_sdp(locals->pdata[k]);
			if (msdp_parse(sdp.p, sdp.n, s, &err))
				g_ptr_array_add(out, s);
			else
				msdp_free(s);
			g_free(err);
		}
		g_ptr_array_free(locals, TRUE);
	}
	return out;
}

/* port is one the gateway gave in the Local of one of its replies: "agw" for a gateway under test, whose
 * realms the lab does not know. */
bool view_agw_port(const struct expect_ctx *c, unsigned port)
{
	GPtrArray *locals = view_gateway_locals(c);
	bool found = false;
	for (guint i = 0; i < locals->len && !found; i++) {
		const struct msdp *s = locals->pdata[i];
		found = !s->port_choose && s->port == port;
	}
	g_ptr_array_free(locals, TRUE);
	return found;
}

/* The gateway under test's ports (its H.248 end, every port its replies' Locals give) made its column's. */
void view_learn_gateway(struct expect_ctx *c)
{
	GPtrArray *events = evlog_events(c->log), *locals = view_gateway_locals(c);
	for (guint i = 0; i < locals->len; i++) {
		const struct msdp *s = locals->pdata[i];
		char at[32];
		snprintf(at, sizeof at, "127.0.0.1:%u", s->port);
		if (!s->port_choose && s->port && s->port <= UINT16_MAX &&
		    !same(evlog_column(c->log, at), "agw"))
			evlog_own(c->log, (uint16_t)s->port, (uint16_t)s->port, "agw");
	}
	g_ptr_array_free(locals, TRUE);
	for (guint i = 0; i < events->len; i++) {
		struct lab_event *e = events->pdata[i];
		const char *colon = e->from ? strrchr(e->from, ':') : NULL;
		if (e->k == TRACE_H248_RX && same(e->component, "ims-alg") && !e->src && colon)
			evlog_own(c->log, (uint16_t)atoi(colon + 1), (uint16_t)atoi(colon + 1), "agw");
	}
}

/* Whose trace SIP toward column to is read from: ims-alg's, or with a controller under test the
 * receiving party's own. */
const char *view_sip_observer(const struct expect_ctx *c, const char *to)
{
	return c->traced & TRACE_BY_ALG ? "ims-alg" : expect_party(c, to) ? expect_title(c, to) : NULL;
}

/* The events the lab's parties trace, and at which end: the sender (from) or the receiver (to). */
static const struct {
	enum trace_kind k;
	bool from, to;
} lab_ends[] = {
	{ TRACE_TCP_SYN, true, false },
	{ TRACE_TCP_ACCEPT, false, true },
	{ TRACE_TCP_FIN, true, false },
	{ TRACE_TCP_RST, false, true }, /* a refused connect: a RST it sends is its kernel's */
	{ TRACE_TLS_CLIENT_HELLO, true, false },
	{ TRACE_TLS_UP, false, true },
	{ TRACE_TLS_ALERT, true, false },
	{ TRACE_TLS_CLOSE_NOTIFY, true, false },
	{ TRACE_UDP_LOST, false, true },
	{ TRACE_MSRP_RX, false, true },
	{ TRACE_BFCP_RX, false, true },
};

/* Whether a lab party at the right end traces kind k between from and to. */
static bool lab_sees(const struct expect_ctx *c, enum trace_kind k, const char *from, const char *to)
{
	for (size_t i = 0; i < G_N_ELEMENTS(lab_ends); i++)
		if (lab_ends[i].k == k)
			return (lab_ends[i].from && expect_party(c, from)) ||
			       (lab_ends[i].to && expect_party(c, to));
	return false;
}

const char *view_unobservable(const struct expect_ctx *c, json_object *exp)
{
	static const char *const nothing = "no trace the lab has records it";
	json_object *o;
	if ((o = jget(exp,
		      "sip"))) /* the parties trace what they receive (trace_kinds.h says ims-alg alone) */
		return view_sip_observer(c, jstr(o, "to", ""))
			   ? NULL
			   : "SIP toward the controller is read from ims-alg's "
			     "trace; the controller under test gives none";
	if (jget(exp, "h248") || jget(exp, "data"))
		return NULL; /* ims-alg's or ims-agw's trace; the parties' own bytes */
	const char *proto = (o = jget(exp, "tcp"))    ? "tcp"
			    : (o = jget(exp, "tls"))  ? "tls"
			    : (o = jget(exp, "udp"))  ? "udp"
			    : (o = jget(exp, "msrp")) ? "msrp"
						      : (o = jget(exp, "bfcp"), "bfcp");
	char *name = jget(o, "event") ? g_strdup_printf("%s.%s", proto, jstr(o, "event", ""))
				      : g_strdup_printf("%s.rx", proto);
	enum trace_kind k = trace_kind_of(name);
	g_free(name);
	if (k == TRACE_KIND_UNKNOWN)
		return nothing;
	unsigned by = trace_kinds[k].by & c->traced;
	if (by & (TRACE_BY_ALG | TRACE_BY_AGW))
		return NULL;
	if ((by & TRACE_BY_LAB) && lab_sees(c, k, jstr(o, "from", ""), jstr(o, "to", "")))
		return NULL;
	return trace_kinds[k].by & TRACE_BY_AGW
		   ? "only ims-agw traces it; the gateway under test gives no trace"
		   : nothing;
}
