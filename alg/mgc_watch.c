/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgc_watch: how the MGC watches each gateway (see mgc.h): ROOT audited when it is quiet, lost when a
 * request goes unanswered with nothing heard, audited until a lost one answers; and H.248.14, set on a
 * gateway that offers it so that it watches us too. */
#include "config.h"
#include "mgc_int.h"

#include <glib.h>
#include <stdio.h>

#include "assoc.h"
#include "build.h"
#include "log.h"
#include "mgc_reply.h"

static void on_watch(struct ev_loop *loop, void *arg);

/* ---- H.248.14: a gateway that offers it/ito watches us too ---- */

static void on_ito_set(struct mgc_agw *a, const struct h248_node *reply)
{
	struct mgc_result r;
	mgc_read_reply(reply, &r);
	if (r.error)
		log_warn("mgc", NULL, "gateway %s refused " H248_ITO " on ROOT: %u %s; our audits alone watch "
				      "the association", a->mid, r.error, r.reason);
	mgc_result_clear(&r);
}

/* Its Packages: with H.248.14's it-N, ROOT's Events get it/ito with our maximum inactivity time, under
 * this registration's number as RequestID. The gateway then notifies us when we have been silent that
 * long, and takes us for lost when that Notify goes unanswered. */
static void on_packages(struct mgc_agw *a, const struct h248_node *reply)
{
	const struct h248_node *ctx = h248_child(reply, H248_TOK_CONTEXT, NULL);
	const struct h248_node *av = ctx ? h248_child(ctx, H248_TOK_AUDITVALUE, NULL) : NULL;
	const struct h248_node *pk = av ? h248_child(av, H248_TOK_PACKAGES, NULL) : NULL;
	bool it = false;
	for (const struct h248_node *n = pk ? pk->first : NULL; n && !it; n = n->next)
		it = n->name.n > 3 && !g_ascii_strncasecmp(n->name.p, "it-", 3);
	if (!it) {
		log_info("mgc", NULL, "gateway %s does not offer " H248_ITO " (H.248.14): our audits alone watch "
				      "the association", a->mid);
		return;
	}
	char rid[12], mit[12];
	snprintf(rid, sizeof rid, "%u", a->epoch);
	snprintf(mit, sizeof mit, "%u", a->mgc->inactivity_ms / 10);
	struct h248_msg *actions = mgc_actions_new();
	struct h248_node *act = h248_add_action(actions, "-");
	struct h248_node *mod = h248_add_body(actions, act, H248_TOK_MODIFY, "ROOT");
	struct h248_node *ev = h248_add_body(actions, mod, H248_TOK_EVENTS, rid);
	h248_add_prop(actions, h248_add_item(actions, ev, H248_ITO), H248_ITO_MIT, mit);
	uint32_t tid;
	if (mgc_request(a->mgc, a, actions, NULL, NULL, &tid))
		mgc_pending_of(a->mgc, tid)->seen = on_ito_set;
}

/* Context = - { AuditValue = ROOT { Audit { what } } }, or an empty Audit with H248_TOK_NONE. */
static struct h248_msg *audit_root(enum h248_tok what)
{
	struct h248_msg *actions = mgc_actions_new();
	struct h248_node *ctx = h248_add_action(actions, "-");
	struct h248_node *av = h248_add_body(actions, ctx, H248_TOK_AUDITVALUE, "ROOT");
	struct h248_node *audit = h248_add_body(actions, av, H248_TOK_AUDIT, NULL);
	if (what != H248_TOK_NONE)
		h248_add_token(actions, audit, what, NULL);
	return actions;
}

void mgc_ask_packages(struct mgc_agw *a)
{
	if (!a->mgc->inactivity_ms)
		return;
	uint32_t tid;
	if (mgc_request(a->mgc, a, audit_root(H248_TOK_PACKAGES), NULL, NULL, &tid))
		mgc_pending_of(a->mgc, tid)->seen = on_packages;
}

/* ---- the watch: audits, the silence that loses a gateway, the probes that take it back ---- */

void mgc_watch_in(struct mgc_agw *a, uint64_t ms)
{
	ev_timer_cancel(a->mgc->loop, a->watch);
	a->watch = ev_timer_add(a->mgc->loop, ms, on_watch, a);
}

static void audit(struct mgc_agw *a)
{
	a->probed = ev_now(a->mgc->loop);
	mgc_request(a->mgc, a, audit_root(H248_TOK_NONE), NULL, NULL, NULL);
}

/* Up and heard from lately: nothing. Up and silent for audit_ms: audited. A request unanswered with
 * nothing heard: audited every probe_ms, and lost after lost_after. Lost for its silence: audited every
 * audit_ms until a Reply takes it back (on_result). */
static void on_watch(struct ev_loop *loop, void *arg)
{
	struct mgc_agw *a = arg;
	struct mgc *m = a->mgc;
	a->watch = NULL;
	uint64_t now = ev_now(loop), next = UINT64_MAX;
	if (a->up && a->quiet && now >= a->quiet + m->lost_after) {
		char why[96];
		snprintf(why, sizeof why, "nothing heard from it for %u ms while a request awaited its Reply",
			 m->lost_after);
		mgc_lose(a, why, true);
	}
	if (m->audit_ms && (a->up || a->probing)) {
		uint64_t due = !a->up     ? a->probed + m->audit_ms
			       : a->quiet ? MAX(a->probed, a->quiet) + m->probe_ms
					  : a->heard + m->audit_ms;
		if (now >= due) {
			audit(a);
			due = now + (a->up ? m->probe_ms : m->audit_ms);
		}
		next = due;
	}
	if (a->up && a->quiet)
		next = MIN(next, a->quiet + m->lost_after);
	if (next != UINT64_MAX)
		mgc_watch_in(a, next - now);
	else
		ev_timer_cancel(loop, a->watch), a->watch = NULL;
}
