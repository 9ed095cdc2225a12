/* SPDX-License-Identifier: GPL-3.0-or-later */
/* call_h248: the H.248 commands of a call's steps (seed 004; TS 23.334 §6.2.10.3, §6.2.10.4), built with
 * the message model into the action call.c and call_reoffer.c send. */
#include "config.h"
#include "call_int.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "build.h"

#define W(c, id) ((c)->cs->cfg->wire.text[WIRE_##id])

void call_h248_name_context(struct call *c, struct h248_msg *m, struct h248_node *ctx)
{
	ctx->value =
	    (struct h248_value){ .form = H248_VAL_WORD, .text = h248_cstr(m, *c->ctx ? c->ctx : "$") };
	ctx->flags |= H248_F_BODY;
	h248_msg_append(m, ctx);
}

struct h248_node *call_h248_context(struct call *c, struct h248_msg *m)
{
	struct h248_node *ctx = h248_node_new(m, H248_NODE_TOKEN, H248_TOK_CONTEXT);
	call_h248_name_context(c, m, ctx);
	return ctx;
}

/* d, a descriptor as media_put_desc writes it (" {\nv=0\n…}"), as tok holding its body byte for byte;
 * d is freed. */
static void add_sdp(struct h248_msg *m, struct h248_node *stream, enum h248_tok tok, GString *d)
{
	const char *open = strchr(d->str, '{'), *close = strrchr(d->str, '}');
	h248_add_octets(m, stream, tok, open + 1, (size_t)(close - open - 1));
	g_string_free(d, TRUE);
}

/* latch: the gateway sends to the source of what it receives (a UE behind a NAT), and with filter takes
 * only that source once latched. */
static void put_control(struct call *c, struct h248_msg *m, struct h248_node *stream, const char *realm,
			bool filter, bool latch)
{
	struct h248_node *lc = h248_add_body(m, stream, H248_TOK_LOCALCONTROL, NULL);
	h248_add_token_tok(m, lc, H248_TOK_MODE, H248_TOK_SENDRECV);
	h248_add_prop(m, lc, W(c, REALM), realm);
	if (latch)
		h248_add_prop(m, lc, W(c, LATCH), "on");
	if (filter)
		h248_add_prop(m, lc, W(c, SAF), "on"), h248_add_prop(m, lc, W(c, SPF), "on");
}

/* What the gateway reports on a leg: (D)TLS's outcome when it terminates it, TCP's failure on TCP. */
static void put_events(struct call *c, struct h248_msg *m, struct h248_node *cmd, const struct line *l,
		       bool tls)
{
	if (!tls && call_dgram(l))
		return;
	char rid[12];
	snprintf(rid, sizeof rid, "%u", ++c->rid);
	struct h248_node *ev = h248_add_body(m, cmd, H248_TOK_EVENTS, rid);
	if (tls)
		h248_add_item(m, ev, W(c, TLS_UP)), h248_add_item(m, ev, W(c, TLS_FAIL));
	if (!call_dgram(l))
		h248_add_item(m, ev, W(c, TCP_FAIL));
}

/* Signals { tlsbsc/est }: the gateway starts (D)TLS as the client. */
static void put_establish(struct call *c, struct h248_msg *m, struct h248_node *cmd)
{
	h248_add_item(m, h248_add_body(m, cmd, H248_TOK_SIGNALS, NULL), W(c, TLS_EST));
}

/* Add = $ { Media { Stream = 1 { … } } }: the Stream. */
static struct h248_node *add_stream(struct h248_msg *m, struct h248_node *ctx, struct h248_node **cmd)
{
	*cmd = h248_add_body(m, ctx, H248_TOK_ADD, "$");
	return h248_add_body(m, h248_add_body(m, *cmd, H248_TOK_MEDIA, NULL), H248_TOK_STREAM, "1");
}

/* The access leg's Add. Originating: Remote is the UE's offer; terminating: none yet. */
void call_h248_add_access(struct call *c, struct h248_msg *m, struct h248_node *ctx, struct line *l,
			  const struct media_line *remote, bool establish)
{
	bool tls = call_e2ae(l), aware = c->cs->cfg->aware;
	const char *proto = media_agw_proto(&l->offer, tls, aware);
	struct h248_node *cmd, *st = add_stream(m, ctx, &cmd);
	bool natted = c->policy.merge && call_dgram(l); /* UDP behind a NAT: latch onto it, and only it */
	put_control(c, m, st, "access", natted, natted);
	GString *d = g_string_new(NULL);
	media_put_desc(d, "", &l->offer, NULL, 0, proto, l->access.setup, tls ? "$" : NULL, NULL);
	add_sdp(m, st, H248_TOK_LOCAL, d);
	if (remote) {
		d = g_string_new(NULL);
		media_put_desc(d, "", remote, remote->addr, remote->port, proto, remote->setup,
			       tls ? remote->fingerprints : NULL, NULL);
		add_sdp(m, st, H248_TOK_REMOTE, d);
	}
	put_events(c, m, cmd, l, tls);
	/* NOTE 2's combined Add is also steps 16-18: the TLS direction, as the signal (D)TLS waits for */
	if (establish && tls && l->access.setup == MSDP_SETUP_ACTIVE)
		put_establish(c, m, cmd);
}

/* The core leg's Add, with the offerer's Remote when terminating. */
void call_h248_add_core(struct call *c, struct h248_msg *m, struct h248_node *ctx, struct line *l,
			const struct media_line *remote)
{
	const char *proto = media_agw_proto(&l->offer, false, c->cs->cfg->aware);
	struct h248_node *cmd, *st = add_stream(m, ctx, &cmd);
	put_control(c, m, st, "core", c->cs->cfg->syn_filter && !remote, false);
	GString *d = g_string_new(NULL);
	media_put_desc(d, "", &l->offer, NULL, 0, proto, l->core.setup, NULL, NULL);
	add_sdp(m, st, H248_TOK_LOCAL, d);
	if (remote) {
		d = g_string_new(NULL);
		media_put_desc(d, "", remote, remote->addr, remote->port, proto, remote->setup, NULL, NULL);
		add_sdp(m, st, H248_TOK_REMOTE, d);
	}
	put_events(c, m, cmd, l, false);
}

static enum msdp_setup call_answered_setup(const struct line *l)
{
	return call_setup_of(l, &l->answer);
}

/* Modify = term { Media { Stream = 1 { … } } }: the Stream; *cmd the Modify. */
static struct h248_node *modify_stream(struct h248_msg *m, struct h248_node *ctx, const char *term,
				       struct h248_node **cmd)
{
	*cmd = h248_add_body(m, ctx, H248_TOK_MODIFY, term);
	return h248_add_body(m, h248_add_body(m, *cmd, H248_TOK_MEDIA, NULL), H248_TOK_STREAM, "1");
}

/* Originating: the core leg learns the answerer's address; the access leg, added now for e2e (and for
 * e2ae under NOTE 2), gets the TLS direction. */
void call_h248_configure_orig(struct call *c, struct h248_msg *m, struct h248_node *ctx, struct line *l)
{
	bool tls = call_e2ae(l);
	const char *plain = media_agw_proto(&l->offer, false, c->cs->cfg->aware);
	enum msdp_setup v = call_answered_setup(l);
	if (!tls && !call_dgram(l) && !c->policy.merge)
		l->access.setup = v; /* the UE sees the answerer's direction: TLS runs end to end */
	if (!tls || c->cs->cfg->combined)
		call_h248_add_access(c, m, ctx, l, &l->offer, true);
	enum msdp_setup core =
	    v == MSDP_SETUP_PASSIVE && !call_dgram(l) ? MSDP_SETUP_ACTIVE : MSDP_SETUP_NONE;
	struct h248_node *cmd, *st = modify_stream(m, ctx, l->core.term, &cmd);
	if (c->cs->cfg->syn_filter) {
		struct h248_node *lc = h248_add_body(m, st, H248_TOK_LOCALCONTROL, NULL);
		h248_add_prop(m, lc, W(c, SAF), "on"), h248_add_prop(m, lc, W(c, SPF), "on");
	}
	GString *d;
	if (core) {
		l->core.setup = core;
		media_put_desc(d = g_string_new(NULL), "", &l->offer, l->core.addr, l->core.port, plain, core,
			       NULL, NULL);
		add_sdp(m, st, H248_TOK_LOCAL, d);
	}
	media_put_desc(d = g_string_new(NULL), "", &l->answer, l->answer.addr, l->answer.port, plain, v, NULL,
		       NULL);
	add_sdp(m, st, H248_TOK_REMOTE, d);
	if (tls && l->access.setup == MSDP_SETUP_ACTIVE && !c->cs->cfg->combined)
		put_establish(c, m, h248_add_body(m, ctx, H248_TOK_MODIFY, l->access.term));
}

/* Terminating: the access leg gets the UE's Remote (its fingerprint) and the TLS direction; the core leg,
 * added now for e2e (and for e2ae under NOTE 2), faces the offerer. */
void call_h248_configure_term(struct call *c, struct h248_msg *m, struct h248_node *ctx, struct line *l)
{
	bool tls = call_e2ae(l);
	const char *proto = media_agw_proto(&l->offer, tls, c->cs->cfg->aware);
	enum msdp_setup u = call_answered_setup(l);
	if (!tls && !call_dgram(l))
		l->core.setup = u;
	/* the UE passive: the gateway connects and starts (D)TLS; in merge mode it stays passive (TS 23.334
	 * §6.2.18.4), and a UE that will not connect fails as the gateway's notifications then say */
	bool turn = u == MSDP_SETUP_PASSIVE && !c->policy.merge;
	if (!tls || c->cs->cfg->combined)
		call_h248_add_core(c, m, ctx, l, &l->offer);
	struct h248_node *cmd, *st = modify_stream(m, ctx, l->access.term, &cmd);
	GString *d;
	if (turn) {
		l->access.setup = MSDP_SETUP_ACTIVE;
		media_put_desc(d = g_string_new(NULL), "", &l->offer, l->access.addr, l->access.port, proto,
			       MSDP_SETUP_ACTIVE, tls ? l->access.fingerprint : NULL, NULL);
		add_sdp(m, st, H248_TOK_LOCAL, d);
	}
	media_put_desc(d = g_string_new(NULL), "", &l->answer, l->answer.addr, l->answer.port, proto, u,
		       tls ? l->answer.fingerprints : NULL, NULL);
	add_sdp(m, st, H248_TOK_REMOTE, d);
	if (tls && turn)
		put_establish(c, m, cmd);
}

unsigned call_h248_subtract(struct h248_msg *m, struct h248_node *ctx, const struct line *l, bool *first)
{
	unsigned n = 0;
	for (const struct call_leg *g = &l->access; g; g = g == &l->access ? &l->core : NULL)
		if (*g->term) {
			h248_add_token(m, ctx, H248_TOK_SUBTRACT, g->term);
			*first = false, n++;
		}
	return n;
}

void call_h248_remote(struct call *c, struct h248_msg *m, struct h248_node *ctx, struct line *l)
{
	bool tls = call_e2ae(l) && !c->ue_offers; /* the UE answered: its certificate */
	const char *proto = media_agw_proto(&l->offer, tls, c->cs->cfg->aware);
	struct h248_node *cmd, *st = modify_stream(m, ctx, call_answerer_leg(c, l)->term, &cmd);
	GString *d = g_string_new(NULL);
	media_put_desc(d, "", &l->answer, l->answer.addr, l->answer.port, proto, call_answered_setup(l),
		       tls ? l->answer.fingerprints : NULL, NULL);
	add_sdp(m, st, H248_TOK_REMOTE, d);
}
