/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mg: executing the MGC's transactions (see mg.h).
 *
 * Commands of a transaction run in order; the first that fails ends the transaction (H.248.1 §8)
 * unless it is marked optional ("O-"), and its reply carries the Error descriptor. A context created
 * by "$" that ends the transaction empty is not kept. */
#include "config.h"
#include "mg.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "cert.h"
#include "log.h"
#include "msdp.h"
#include "msrp.h"
#include "transport.h"

struct agw_mg {
	struct ev_loop *loop;
	struct h248_tl *tl;
	struct h248_mg *assoc;
	struct agw_store *store;
	const struct wire_names *wire;
	const struct profile *profile;
	const struct tls_identity *identity;
	struct agw_mg_hooks hooks;
	GHashTable *heartbeats; /* term -> struct beat */
};

struct beat {
	struct agw_mg *mg;
	struct agw_term *t;
	struct ev_timer *timer;
};

struct fault {
	int code;
	char text[240];
};

static bool fail(struct fault *f, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(struct fault *f, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof f->text, fmt, ap);
	va_end(ap);
	for (char *c = f->text; *c; c++)
		if (*c == '"')
			*c = '\''; /* the text goes in a quoted string */
	f->code = code;
	return false;
}

/* The transport of a descriptor: the gateway's row for its token (profiles/transport.c). */
static const struct tp_bearer *bearer(const struct msdp *s)
{
	return tp_bearer_of(s->proto);
}

static const char *wire(const struct agw_mg *mg, enum wire_ie ie)
{
	return mg->wire->text[ie];
}

static bool named(const struct h248_node *n, const struct agw_mg *mg, enum wire_ie ie)
{
	return n->kind == H248_NODE_PROP && h248_str_caseeq(n->name, wire(mg, ie));
}

/* The information element a property, event or signal name stands for; WIRE_COUNT for none. */
static enum wire_ie ie_of(const struct h248_node *n, const struct agw_mg *mg)
{
	for (int ie = 0; ie < WIRE_COUNT; ie++)
		if (h248_str_caseeq(n->name, wire(mg, (enum wire_ie)ie)))
			return (enum wire_ie)ie;
	return WIRE_COUNT;
}

static char *text_of(struct h248_str s)
{
	return g_strndup(s.p, s.n);
}

struct agw_mg *agw_mg_new(struct ev_loop *loop, struct h248_tl *tl, struct h248_mg *assoc,
			  struct agw_store *store, const struct wire_names *wire,
			  const struct profile *profile, const struct tls_identity *identity,
			  const struct agw_mg_hooks *hooks)
{
	struct agw_mg *mg = g_new0(struct agw_mg, 1);
	*mg = (struct agw_mg){ .loop = loop,
			       .tl = tl,
			       .assoc = assoc,
			       .store = store,
			       .wire = wire,
			       .profile = profile,
			       .identity = identity,
			       .hooks = hooks ? *hooks : (struct agw_mg_hooks){ 0 } };
	mg->heartbeats = g_hash_table_new(NULL, NULL);
	return mg;
}

void agw_mg_free(struct agw_mg *mg)
{
	if (!mg)
		return;
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, mg->heartbeats);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct beat *b = v;
		ev_timer_cancel(mg->loop, b->timer);
		g_free(b);
	}
	g_hash_table_destroy(mg->heartbeats);
	g_free(mg);
}

/* ---- Notify ---- */

static void notified(void *arg, const struct h248_msg *msg, const struct h248_node *reply)
{
	struct agw_mg *mg = arg;
	if (!reply && mg->assoc)
		h248_mg_lost(mg->assoc, "a Notify was not answered");
}

static bool requested(const struct agw_term *t, const char *name)
{
	for (char **e = t->events; e && *e; e++)
		if (!g_ascii_strcasecmp(*e, name))
			return true;
	return false;
}

void agw_mg_event(struct agw_mg *mg, struct agw_term *t, enum wire_ie event, const char *reason)
{
	const struct log_ids ids = { .ctx = NULL, .term = t->id };
	if (!t->events_set || !requested(t, wire(mg, event))) {
		log_debug("mg", &ids, "%s happened, not requested", wire(mg, event));
		return;
	}
	if (!mg->assoc || !h248_mg_is_registered(mg->assoc)) {
		log_warn("mg", &ids, "%s not notified: not registered with an MGC", wire(mg, event));
		return;
	}
	struct h248_node *trans;
	struct h248_msg *m = h248_tl_new_request(mg->tl, &trans);
	char ctx[12], when[20];
	snprintf(ctx, sizeof ctx, "%u", t->ctx->id);
	h248_timestamp(when);
	struct h248_node *n =
	    h248_add_token(m, h248_add_token(m, trans, H248_TOK_CONTEXT, ctx), H248_TOK_NOTIFY, t->id);
	struct h248_node *oe =
	    h248_add_token(m, n, H248_TOK_OBSERVEDEVENTS, t->events_rid ? t->events_rid : "0");
	struct h248_node *ev = h248_add_prop(m, oe, wire(mg, event), NULL);
	ev->stamp = h248_cstr(m, when);
	if (reason) {
		char *clean = g_strdup(reason);
		g_strdelimit(clean, "\"", '\'');
		h248_add_prop(m, ev, "reason", clean)->value.form = H248_VAL_QUOTED;
		g_free(clean);
	}
	log_info("mg", &ids, "notifying %s%s%s", wire(mg, event), reason ? ": " : "", reason ? reason : "");
	h248_tl_send(mg->tl, h248_mg_mgc(mg->assoc), m, notified, mg);
}

static void on_heartbeat(struct ev_loop *loop, void *arg)
{
	struct beat *b = arg;
	b->timer = ev_timer_add(loop, b->t->heartbeat_s * 1000u, on_heartbeat, b);
	agw_mg_event(b->mg, b->t, WIRE_HEARTBEAT, NULL);
}

static void heartbeat_stop(struct agw_mg *mg, struct agw_term *t)
{
	struct beat *b = g_hash_table_lookup(mg->heartbeats, t);
	if (b) {
		ev_timer_cancel(mg->loop, b->timer);
		g_hash_table_remove(mg->heartbeats, t);
		g_free(b);
	}
}

static void heartbeat_update(struct agw_mg *mg, struct agw_term *t)
{
	heartbeat_stop(mg, t);
	if (!t->heartbeat_s || !requested(t, wire(mg, WIRE_HEARTBEAT)))
		return;
	struct beat *b = g_new(struct beat, 1);
	*b = (struct beat){ mg, t, ev_timer_add(mg->loop, t->heartbeat_s * 1000u, on_heartbeat, b) };
	g_hash_table_insert(mg->heartbeats, t, b);
}

void agw_mg_release(struct agw_mg *mg, struct agw_term *t)
{
	heartbeat_stop(mg, t);
}

/* ---- applying descriptors to a termination ---- */

/* What one command asks of a termination; applied only when all of it is valid. */
struct change {
	const struct h248_node *local, *remote, *lc, *events, *signals;
	struct agw_realm *realm;
	struct msdp lsdp, rsdp;
	bool set_saf, saf, set_spf, spf, set_latch, latch, set_tls_est, tls_est;
	struct h248_str psk; /* tlsbsc/psk's value (p == NULL: not given), checked */
	int mode;
	unsigned heartbeat_s;
	bool set_heartbeat;
};

/* A Local or Remote with no SDP in it, only the layout Annex B allows around the braces. */
static bool empty_body(const struct h248_node *d)
{
	return h248_sdp(d).n == 0;
}

static bool on_off(const struct h248_node *p, bool *out, struct fault *f)
{
	if (h248_str_caseeq(p->value.text, "on"))
		*out = true;
	else if (h248_str_caseeq(p->value.text, "off"))
		*out = false;
	else
		return fail(f, 449, "%.*s = %.*s: expected on or off", (int)p->name.n, p->name.p,
			    (int)p->value.text.n, p->value.text.p);
	return true;
}

/* tlsbsc/psk's value as text (g_free it), and whether it is a key of the form tls_psk_split reads. */
static bool psk_of(struct h248_str value, char **identity, char **key)
{
	char *v = text_of(value);
	bool ok = tls_psk_split(v, identity, key);
	g_free(v);
	return ok;
}

static bool read_psk(const struct h248_node *p, struct change *ch, const struct agw_mg *mg, struct fault *f)
{
	if (!psk_of(p->value.text, NULL, NULL))
		return fail(f, 449, "%s: expected \"identity:key\" with the key in hex, 16 to 64 octets",
			    wire(mg, WIRE_TLS_PSK));
	ch->psk = p->value.text;
	return true;
}

static bool read_realm(struct agw_mg *mg, const struct h248_node *p, struct change *ch, bool adding,
		       struct fault *f)
{
	char *name = text_of(p->value.text);
	ch->realm = agw_realm_find(mg->store, name);
	bool ok = ch->realm != NULL;
	if (!ok)
		fail(f, 449, "%s = %s: no such realm", wire(mg, WIRE_REALM), name);
	else if (!adding)
		ok = fail(f, 449, "%s: the realm of a termination is set when it is added", name);
	g_free(name);
	return ok;
}

/* Each property: the information element it names, refused with 445 when the profile does not use it
 * (TS 29.334 §5.17.1, H.248.8) or the gateway knows no such one. */
static bool read_local_control(struct agw_mg *mg, const struct h248_node *lc, struct change *ch, bool adding,
			       struct fault *f)
{
	for (const struct h248_node *p = lc->first; p; p = p->next) {
		if (p->kind ==
		    H248_NODE_TOKEN) { /* ReservedValue, ReservedGroup: one alternative here anyway */
			if (p->tok == H248_TOK_MODE)
				ch->mode = p->value.tok;
			continue;
		}
		enum wire_ie ie = ie_of(p, mg);
		if (ie != WIRE_COUNT && !profile_allows_ie(mg->profile, ie))
			return fail(f, 445, "%.*s is not used under the %s profile (%s)", (int)p->name.n,
				    p->name.p, mg->profile->interface, mg->profile->gateway);
		bool ok = true;
		uint32_t secs;
		switch (ie) {
		case WIRE_SAF:
			ok = on_off(p, &ch->saf, f), ch->set_saf = true;
			break;
		case WIRE_SPF:
			ok = on_off(p, &ch->spf, f), ch->set_spf = true;
			break;
		case WIRE_LATCH: /* UDP legs latch; on TCP the connection is the latch */
			ok = on_off(p, &ch->latch, f), ch->set_latch = true;
			break;
		case WIRE_REALM:
			ok = read_realm(mg, p, ch, adding, f);
			break;
		case WIRE_TLS_PSK: /* Mp's KMS case (TS 23.333 §6.2.19): "[identity:]hex key" */
			ok = read_psk(p, ch, mg, f);
			break;
		case WIRE_HEARTBEAT_TIMER:
			if (!h248_str_u32(p->value.text, &secs) || secs > 86400)
				return fail(f, 449, "%s = %.*s: expected seconds from 0 to 86400",
					    wire(mg, WIRE_HEARTBEAT_TIMER), (int)p->value.text.n,
					    p->value.text.p);
			ch->heartbeat_s = secs, ch->set_heartbeat = true;
			break;
		default:
			return fail(f, 445, "unsupported property %.*s in LocalControl", (int)p->name.n,
				    p->name.p);
		}
		if (!ok)
			return false;
	}
	return true;
}

static bool read_sdp(const struct h248_node *n, struct msdp *out, const char *what, struct fault *f)
{
	char *err = NULL;
	struct h248_str sdp = h248_sdp(n);
	if (msdp_parse(sdp.p, sdp.n, out, &err))
		return true;
	fail(f, 474, "%s: %s", what, err);
	g_free(err);
	return false;
}

/* The profile whose gateway ends MSRP as conference server (Mp's MRFP): what a=path:$ needs, whatever
 * the gateway's own profile is. */
static const struct profile *focus_profile(void)
{
	for (int i = 0; profile_names[i]; i++)
		if (profile_at(i)->focus)
			return profile_at(i);
	g_assert_not_reached();
}

/* Every CHOOSE ($) in the Local is one the gateway fills (H.248.1 §7.1.8: c= address, m= port; the wire
 * profile's a=fingerprint:$ with its certificate and, as conference server, a=path:$); any other is
 * refused naming its line, never echoed back in the reply. */
static bool choose_filled(const struct agw_mg *mg, const struct change *ch, struct fault *f)
{
	struct h248_str sdp = h248_sdp(ch->local);
	char *filled =
	    msdp_fill(sdp.p, sdp.n, "0.0.0.0", 9,
		      ch->lsdp.fingerprint_choose && mg->identity ? mg->identity->fingerprint : NULL,
		      ch->lsdp.path_choose ? "msrp://0.0.0.0:9/x;tcp" : NULL);
	const char *dollar = strchr(filled, '$');
	if (dollar) {
		const char *from = dollar, *to = dollar + strcspn(dollar, "\r\n");
		while (from > filled && from[-1] != '\n' && from[-1] != '\r')
			from--;
		fail(f, 449, "Local %.*s: the gateway has no value to choose for $ there", (int)(to - from),
		     from);
	}
	g_free(filled);
	return dollar == NULL;
}

/* Collects and checks what cmd asks of t (NULL t: an Add being made). */
static bool read_change(struct agw_mg *mg, const struct h248_node *cmd, struct agw_term *t, struct change *ch,
			struct fault *f)
{
	memset(ch, 0, sizeof *ch);
	ch->mode = -1;
	for (const struct h248_node *d = cmd->first; d; d = d->next) {
		switch (d->tok) {
		case H248_TOK_MEDIA: {
			const struct h248_node *params = d, *stream = h248_child(d, H248_TOK_STREAM, NULL);
			if (stream) {
				uint32_t id = 0;
				if (h248_child(d, H248_TOK_STREAM, stream) ||
				    !h248_str_u32(stream->value.text, &id) || id != 1)
					return fail(f, 449, "a termination here has one stream, Stream = 1");
				params = stream;
			}
			ch->lc = h248_child(params, H248_TOK_LOCALCONTROL, NULL);
			ch->local = h248_child(params, H248_TOK_LOCAL, NULL);
			ch->remote = h248_child(params, H248_TOK_REMOTE, NULL);
			break;
		}
		case H248_TOK_EVENTS:
			ch->events = d;
			break;
		case H248_TOK_SIGNALS:
			ch->signals = d;
			break;
		case H248_TOK_AUDIT:
			break; /* what the reply returns: the Local descriptor chosen, when Local was given */
		default:
			return fail(f, 444, "%s descriptor is not supported by this gateway",
				    h248_tokens[d->tok].pretty);
		}
	}
	if (ch->lc && !read_local_control(mg, ch->lc, ch, t == NULL, f))
		return false;
	bool have_local = ch->local && !empty_body(ch->local);
	bool have_remote = ch->remote && !empty_body(ch->remote);
	if (have_local && !read_sdp(ch->local, &ch->lsdp, "Local", f))
		return false;
	if (have_remote && !read_sdp(ch->remote, &ch->rsdp, "Remote", f))
		return false;
	const struct msdp *l = have_local ? &ch->lsdp : t && t->has_local ? &t->local : NULL;
	const struct msdp *r = have_remote ? &ch->rsdp : NULL;
	for (const struct msdp *s = l; s; s = s == l ? r : NULL) {
		if (!bearer(s))
			return fail(f, 449, "unsupported transport %s", s->proto);
		if (!profile_allows_bearer(mg->profile, bearer(s)))
			return fail(f, 449, "transport %s is not carried under the %s profile (%s)", s->proto,
				    mg->profile->interface, mg->profile->gateway);
	}
	if (l && r &&
	    (bearer(l)->secure != bearer(r)->secure || bearer(l)->dgram != bearer(r)->dgram ||
	     strcmp(l->media, r->media)))
		return fail(f, 473, "Local is %s %s but Remote is %s %s", l->media, l->proto, r->media,
			    r->proto);
	if (have_local) {
		if (!ch->lsdp.port_choose && (!t || ch->lsdp.port != t->port))
			return fail(f, 449, "m= port %u: the gateway chooses its ports, use $",
				    ch->lsdp.port);
		if (ch->lsdp.fingerprint_choose && !bearer(&ch->lsdp)->secure)
			return fail(f, 473, "a=fingerprint:$ asked on %s, which has no TLS", ch->lsdp.proto);
		if (ch->lsdp.path_choose && (!mg->profile->focus || bearer(&ch->lsdp)->app != TP_APP_MSRP))
			return fail(f, 473,
				    "a=path:$ asked on %s: the %s ends MSRP only as %s conference server",
				    ch->lsdp.proto, focus_profile()->gateway, focus_profile()->interface);
		if (!choose_filled(mg, ch, f))
			return false;
		if (t && t->has_local && bearer(&t->local)->dgram != bearer(&ch->lsdp)->dgram)
			return fail(f, 473, "%s cannot become %s: the port is bound for %s", t->local.proto,
				    ch->lsdp.proto, bearer(&t->local)->dgram ? "UDP" : "TCP");
	}
	if (!t && !have_local)
		return fail(f, 441, "Add needs a Local descriptor: the transport selects the leg");
	if (ch->psk.p && (!l || !bearer(l)->secure || bearer(l)->dgram))
		return fail(f, 473, "%s on a termination without TLS over TCP", wire(mg, WIRE_TLS_PSK));
	if (!ch->realm)
		ch->realm = t ? t->realm : agw_realm_default(mg->store, bearer(&ch->lsdp)->secure);
	if (have_local && !ch->lsdp.addr_choose && g_strcmp0(ch->lsdp.addr, "")) {
		if (strcmp(ch->realm->host, ch->lsdp.addr))
			return fail(f, 449, "c= %s is not an address of realm %s, use $", ch->lsdp.addr,
				    ch->realm->name);
	}
	if (ch->events) {
		for (const struct h248_node *e = ch->events->first; e; e = e->next) {
			enum wire_ie ie = e->kind == H248_NODE_PROP ? ie_of(e, mg) : WIRE_COUNT;
			bool tcp = ie == WIRE_TCP_UP || ie == WIRE_TCP_FAIL || ie == WIRE_TCP_REL;
			bool ok = (tcp || ie == WIRE_TLS_UP || ie == WIRE_TLS_FAIL || ie == WIRE_HEARTBEAT) &&
				  !(tcp && l && bearer(l)->dgram) && /* UDP legs have no TCP to report */
				  profile_allows_ie(mg->profile, ie);
			if (!ok)
				return fail(f, 512, "the gateway cannot detect %.*s", (int)e->name.n,
					    e->name.p);
			const struct h248_node *timer = ie == WIRE_HEARTBEAT ? h248_prop(e, "timerx") : NULL;
			uint32_t sec;
			if (timer && (!h248_str_u32(timer->value.text, &sec) || sec > 86400))
				return fail(f, 449, "timerx = %.*s: expected seconds from 0 to 86400",
					    (int)timer->value.text.n, timer->value.text.p);
			if (timer)
				ch->heartbeat_s = sec, ch->set_heartbeat = true;
		}
	}
	if (ch->signals) {
		ch->set_tls_est = true;
		for (const struct h248_node *sg = ch->signals->first; sg; sg = sg->next) {
			if (!named(sg, mg, WIRE_TLS_EST) || !profile_allows_ie(mg->profile, WIRE_TLS_EST))
				return fail(f, 513, "the gateway cannot generate %.*s",
					    sg->kind == H248_NODE_PROP ? (int)sg->name.n : 10,
					    sg->kind == H248_NODE_PROP ? sg->name.p : "SignalList");
			if (!l || !bearer(l)->secure)
				return fail(f, 473, "%s on a termination without TLS",
					    wire(mg, WIRE_TLS_EST));
			ch->tls_est = true;
		}
	}
	return true;
}

/* The conference server's MSRP URI on t (RFC 4975 §6): its address and port, a fresh session id. */
static char *msrp_uri(const struct agw_term *t, bool secure)
{
	char session[17];
	msrp_new_id(session);
	bool v6 = strchr(t->realm->host, ':');
	return g_strdup_printf("%s://%s%s%s:%u/%s;tcp", secure ? "msrps" : "msrp", v6 ? "[" : "",
			       t->realm->host, v6 ? "]" : "", t->port, session);
}

/* Applies a checked change; only port allocation can still fail (510). */
static bool apply_change(struct agw_mg *mg, struct agw_term *t, struct change *ch, struct fault *f)
{
	if (ch->local && empty_body(ch->local)) {
		t->has_local = false; /* an empty Local releases what it reserved (§7.1.8) */
		g_clear_pointer(&t->local_text, g_free);
	} else if (ch->local) {
		if (!t->port) {
			int rc = agw_term_bind_port(mg->store, t, bearer(&ch->lsdp)->dgram);
			if (rc < 0)
				return fail(f, 510, "no free port in realm %s: %s", t->realm->name,
					    g_strerror(-rc));
		}
		if (ch->lsdp.path_choose && !t->msrp_path)
			t->msrp_path = msrp_uri(t, bearer(&ch->lsdp)->secure);
		g_free(t->local_text);
		struct h248_str sdp = h248_sdp(ch->local);
		t->local_text =
		    msdp_fill(sdp.p, sdp.n, t->realm->host, t->port,
			      ch->lsdp.fingerprint_choose && mg->identity ? mg->identity->fingerprint : NULL,
			      t->msrp_path);
		t->local = ch->lsdp;
		t->has_local = true;
	}
	if (ch->remote && empty_body(ch->remote)) {
		t->has_remote = false;
		g_clear_pointer(&t->remote_text, g_free);
	} else if (ch->remote) {
		g_free(t->remote_text);
		struct h248_str sdp = h248_sdp(ch->remote);
		t->remote_text = g_strndup(sdp.p, sdp.n);
		t->remote = ch->rsdp;
		t->has_remote = true;
	}
	if (ch->mode >= 0)
		t->mode = ch->mode;
	if (ch->set_saf)
		t->saf = ch->saf;
	if (ch->set_spf)
		t->spf = ch->spf;
	if (ch->set_latch)
		t->latch = ch->latch;
	if (ch->psk.p) {
		g_free(t->psk_identity), g_free(t->psk_key);
		psk_of(ch->psk, &t->psk_identity, &t->psk_key);
	}
	if (ch->set_tls_est)
		t->tls_est = ch->tls_est;
	if (ch->events) {
		g_strfreev(t->events);
		g_free(t->events_rid);
		GPtrArray *names = g_ptr_array_new();
		for (const struct h248_node *e = ch->events->first; e; e = e->next)
			g_ptr_array_add(names, text_of(e->name));
		g_ptr_array_add(names, NULL);
		t->events = (char **)g_ptr_array_free(names, FALSE);
		t->events_rid = ch->events->value.form ? text_of(ch->events->value.text) : NULL;
		t->events_set = t->events[0] != NULL;
	}
	if (ch->set_heartbeat)
		t->heartbeat_s = ch->heartbeat_s;
	heartbeat_update(mg, t);
	if (mg->hooks.configured)
		mg->hooks.configured(mg->hooks.arg, t);
	return true;
}

/* ---- replies ---- */

static void add_error(struct h248_msg *m, struct h248_node *parent, const struct fault *f)
{
	h248_add_error(m, parent, (unsigned)f->code, f->text);
}

static void add_number(struct h248_msg *m, struct h248_node *parent, const char *name, uint64_t v)
{
	char text[24];
	snprintf(text, sizeof text, "%" G_GUINT64_FORMAT, v);
	h248_add_prop(m, parent, name, text);
}

static void add_statistics(struct agw_mg *mg, struct h248_msg *m, struct h248_node *parent,
			   const struct agw_term *t)
{
	struct h248_node *sa = h248_add_token(m, parent, H248_TOK_STATISTICS, NULL);
	add_number(m, sa, wire(mg, WIRE_OCTETS_SENT), t->octets_sent);
	add_number(m, sa, wire(mg, WIRE_OCTETS_RECEIVED), t->octets_received);
	add_number(m, sa, wire(mg, WIRE_PACKETS_SENT), t->packets_sent);
	add_number(m, sa, wire(mg, WIRE_PACKETS_RECEIVED), t->packets_received);
	add_number(m, sa, wire(mg, WIRE_DURATION), (ev_now(mg->loop) - t->created_ms) / 1000);
}

/* Media { Stream = 1 { Local { body } } }: the Local the gateway chose, in its reply. */
static void add_local(struct h248_msg *m, struct h248_node *parent, const char *body)
{
	struct h248_node *media = h248_add_token(m, parent, H248_TOK_MEDIA, NULL);
	struct h248_node *stream = h248_add_token(m, media, H248_TOK_STREAM, "1");
	struct h248_node *d = h248_add_token(m, stream, H248_TOK_LOCAL, NULL);
	d->octets = h248_cstr(m, body);
	d->flags |= H248_F_BODY;
}

static void add_media(struct h248_msg *m, struct h248_node *parent, const struct agw_term *t)
{
	struct h248_node *media = h248_add_token(m, parent, H248_TOK_MEDIA, NULL);
	struct h248_node *stream = h248_add_token(m, media, H248_TOK_STREAM, "1");
	if (t->mode) {
		struct h248_node *lc = h248_add_token(m, stream, H248_TOK_LOCALCONTROL, NULL);
		h248_add_token(m, lc, H248_TOK_MODE, h248_tokens[t->mode].pretty)->value.tok = t->mode;
	}
	if (t->has_local) {
		struct h248_node *l = h248_add_token(m, stream, H248_TOK_LOCAL, NULL);
		l->octets = h248_cstr(m, t->local_text), l->flags |= H248_F_BODY;
	}
	if (t->has_remote) {
		struct h248_node *r = h248_add_token(m, stream, H248_TOK_REMOTE, NULL);
		r->octets = h248_cstr(m, t->remote_text), r->flags |= H248_F_BODY;
	}
}

/* The Packages descriptor: what the gateway's profile row uses, truthfully (profiles/profile.c). */
static void add_packages(struct agw_mg *mg, struct h248_msg *m, struct h248_node *parent)
{
	struct h248_node *pg = h248_add_token(m, parent, H248_TOK_PACKAGES, NULL);
	char **pkgs = profile_packages(mg->profile, mg->wire);
	for (char **p = pkgs; *p; p++) {
		h248_append(pg, h248_node_new(m, H248_NODE_ITEM, H248_TOK_NONE));
		pg->last->name = h248_cstr(m, *p);
	}
	g_strfreev(pkgs);
}

/* What an Audit descriptor asks for (an absent descriptor: fallback). */
static bool audit_asks(const struct h248_node *cmd, enum h248_tok what, bool fallback)
{
	const struct h248_node *a = h248_child(cmd, H248_TOK_AUDIT, NULL);
	return a ? h248_child(a, what, NULL) != NULL : fallback;
}

/* ---- commands ---- */

struct action {
	struct agw_mg *mg;
	struct h248_msg *rm;
	struct h248_node *rctx; /* the reply's Context */
	struct agw_ctx *ctx;    /* NULL: the null context */
	bool choose, created;
};

/* The reply to a command for its i-th termination: r itself, then one more per termination a wildcard
 * matched; each names its termination. */
static struct h248_node *reply_for(struct action *a, struct h248_node *r, unsigned i,
				   const struct agw_term *t)
{
	struct h248_node *ri = i ? h248_add_token(a->rm, a->rctx, r->tok, NULL) : r;
	ri->value.form = H248_VAL_WORD;
	ri->value.text = h248_cstr(a->rm, t->id);
	return ri;
}

static struct agw_term *term_in_ctx(struct action *a, struct h248_str id, struct fault *f)
{
	char *name = text_of(id);
	struct agw_term *t = agw_term_find(a->mg->store, name);
	if (!t)
		fail(f, 430, "unknown termination %s", name);
	else if (t->ctx != a->ctx)
		t = NULL,
		fail(f, 435, "termination %s is not in context %s", name, a->ctx ? "this one" : "-");
	g_free(name);
	return t;
}

static bool need_ctx(struct action *a, struct fault *f)
{
	if (a->ctx)
		return true;
	if (!a->choose)
		return fail(f, 421, "terminations cannot be added to the null context");
	a->ctx = agw_ctx_new(a->mg->store);
	a->created = true;
	return true;
}

static bool cmd_add(struct action *a, const struct h248_node *cmd, struct h248_node *r, struct fault *f)
{
	struct agw_mg *mg = a->mg;
	if (!h248_str_eq(cmd->value.text, "$")) {
		char *name = text_of(cmd->value.text);
		struct agw_term *t = agw_term_find(mg->store, name);
		bool ok =
		    t ? fail(f, 433, "termination %s is already in a context", name)
		      : fail(f, 430,
			     "unknown termination %s: the gateway's terminations are ephemeral, use $", name);
		g_free(name);
		return ok;
	}
	struct change ch;
	if (!read_change(mg, cmd, NULL, &ch, f) || !need_ctx(a, f))
		return false;
	if (a->ctx->nterms >= mg->profile->terms_per_context)
		return fail(f, 434, "context %u already holds %u terminations", a->ctx->id,
			    mg->profile->terms_per_context);
	struct agw_term *t = agw_term_new(mg->store, a->ctx, ch.realm);
	t->created_ms = ev_now(mg->loop);
	if (!apply_change(mg, t, &ch, f)) {
		agw_term_free(mg->store, t);
		return false;
	}
	r->value.text = h248_cstr(a->rm, t->id);
	if (t->has_local)
		add_local(a->rm, r, t->local_text);
	const struct log_ids ids = { .term = t->id };
	log_info("mg", &ids, "added: %s %s, port %u in realm %s", t->local.media, t->local.proto, t->port,
		 t->realm->name);
	return true;
}

/* The terminations a command names in the action's context: one, or every one for "*". */
static bool targets_of(struct action *a, const struct h248_node *cmd, struct agw_term *targets[AGW_MAX_TERMS],
		       unsigned *n, struct fault *f)
{
	if (!h248_str_eq(cmd->value.text, "*")) {
		targets[0] = term_in_ctx(a, cmd->value.text, f);
		*n = 1;
		return targets[0] != NULL;
	}
	if (!a->ctx->nterms)
		return fail(f, 431, "no termination matches * in context %u", a->ctx->id);
	memcpy(targets, a->ctx->terms, sizeof a->ctx->terms);
	*n = a->ctx->nterms;
	return true;
}

static bool cmd_modify(struct action *a, const struct h248_node *cmd, struct h248_node *r, struct fault *f)
{
	struct agw_mg *mg = a->mg;
	if (h248_str_caseeq(cmd->value.text, "ROOT"))
		return fail(f, 445, "ROOT has no property the MGC can modify here");
	if (!a->ctx)
		return fail(f, 421, "Modify of a termination needs its context");
	struct agw_term *targets[AGW_MAX_TERMS];
	unsigned n;
	if (!targets_of(a, cmd, targets, &n, f))
		return false;
	for (unsigned i = 0; i < n; i++) {
		struct change ch;
		struct h248_node *ri = reply_for(a, r, i, targets[i]);
		if (!read_change(mg, cmd, targets[i], &ch, f) || !apply_change(mg, targets[i], &ch, f))
			return false;
		if (ch.local && targets[i]->has_local)
			add_local(a->rm, ri, targets[i]->local_text);
	}
	return true;
}

static bool cmd_subtract(struct action *a, const struct h248_node *cmd, struct h248_node *r, struct fault *f)
{
	struct agw_mg *mg = a->mg;
	if (!a->ctx)
		return fail(f, 421, "Subtract from the null context is not allowed");
	struct agw_term *targets[AGW_MAX_TERMS];
	unsigned n;
	if (!targets_of(a, cmd, targets, &n, f))
		return false;
	bool stats = audit_asks(cmd, H248_TOK_STATISTICS, true); /* returned unless an Audit says otherwise */
	for (unsigned i = 0; i < n; i++) {
		struct h248_node *ri = reply_for(a, r, i, targets[i]);
		if (stats)
			add_statistics(mg, a->rm, ri, targets[i]);
		const struct log_ids ids = { .term = targets[i]->id };
		log_info("mg", &ids,
			 "subtracted: %" G_GUINT64_FORMAT " octets sent, %" G_GUINT64_FORMAT " received",
			 targets[i]->octets_sent, targets[i]->octets_received);
		agw_term_free(mg->store, targets[i]);
	}
	return true;
}

static bool cmd_move(struct action *a, const struct h248_node *cmd, struct h248_node *r, struct fault *f)
{
	struct agw_mg *mg = a->mg;
	char *name = text_of(cmd->value.text);
	struct agw_term *t = agw_term_find(mg->store, name);
	bool ok = t != NULL;
	if (!ok)
		fail(f, 430, "unknown termination %s", name);
	g_free(name);
	if (!ok || !need_ctx(a, f))
		return false;
	if (t->ctx == a->ctx)
		return true;
	if (a->ctx->nterms >= mg->profile->terms_per_context)
		return fail(f, 434, "context %u already holds %u terminations", a->ctx->id,
			    mg->profile->terms_per_context);
	struct change ch;
	if (!read_change(mg, cmd, t, &ch, f))
		return false;
	struct agw_ctx *from = t->ctx;
	for (unsigned i = 0; i < from->nterms; i++)
		if (from->terms[i] == t)
			from->terms[i] = from->terms[--from->nterms], from->terms[from->nterms] = NULL;
	a->ctx->terms[a->ctx->nterms++] = t;
	t->ctx = a->ctx;
	if (!from->nterms)
		agw_ctx_free(mg->store, from);
	return apply_change(mg, t, &ch, f);
}

static void audit_term(struct agw_mg *mg, struct h248_msg *rm, struct h248_node *r,
		       const struct h248_node *cmd, const struct agw_term *t)
{
	if (audit_asks(cmd, H248_TOK_MEDIA, false))
		add_media(rm, r, t);
	if (audit_asks(cmd, H248_TOK_EVENTS, false) && t->events_set) {
		struct h248_node *e = h248_add_token(rm, r, H248_TOK_EVENTS, t->events_rid);
		for (char **name = t->events; *name; name++)
			h248_add_prop(rm, e, *name, NULL);
	}
	if (audit_asks(cmd, H248_TOK_STATISTICS, false))
		add_statistics(mg, rm, r, t);
	if (audit_asks(cmd, H248_TOK_PACKAGES, false))
		add_packages(mg, rm, r);
}

static bool cmd_audit(struct action *a, const struct h248_node *cmd, struct h248_node *r, struct fault *f)
{
	struct agw_mg *mg = a->mg;
	if (h248_str_caseeq(cmd->value.text, "ROOT")) {
		r->value.text = H248_STR("ROOT");
		if (audit_asks(cmd, H248_TOK_PACKAGES, cmd->tok == H248_TOK_AUDITCAP))
			add_packages(mg, a->rm, r);
		return true;
	}
	if (h248_str_eq(cmd->value.text, "*")) {
		if (!a->ctx || !a->ctx->nterms)
			return fail(f, 431, "no termination matches *");
		for (unsigned i = 0; i < a->ctx->nterms; i++) {
			struct h248_node *ri = reply_for(a, r, i, a->ctx->terms[i]);
			audit_term(mg, a->rm, ri, cmd, a->ctx->terms[i]);
		}
		return true;
	}
	struct agw_term *t = term_in_ctx(a, cmd->value.text, f);
	if (!t)
		return false;
	audit_term(mg, a->rm, r, cmd, t);
	return true;
}

static bool cmd_service_change(struct action *a, const struct h248_node *cmd, struct h248_node *r,
			       struct fault *f)
{
	if (!h248_str_caseeq(cmd->value.text, "ROOT"))
		return fail(f, 501, "ServiceChange from the MGC is supported on ROOT only");
	const struct h248_node *sv = h248_child(cmd, H248_TOK_SERVICES, NULL);
	const struct h248_node *method = sv ? h248_child(sv, H248_TOK_METHOD, NULL) : NULL;
	log_notice("mg", NULL, "ServiceChange from the MGC: %s",
		   method && method->value.tok ? h248_tokens[method->value.tok].pretty : "?");
	r->value.text = H248_STR("ROOT");
	return true;
}

static bool run_command(struct action *a, const struct h248_node *cmd, struct fault *f)
{
	struct h248_node *r = h248_add_token(a->rm, a->rctx, cmd->tok, NULL);
	r->value.form = H248_VAL_WORD;
	r->value.text =
	    cmd->value.text.n ? h248_str_dup(a->rm, cmd->value.text.p, cmd->value.text.n) : H248_STR("-");
	bool ok;
	switch (cmd->tok) {
	case H248_TOK_ADD:
		ok = cmd_add(a, cmd, r, f);
		break;
	case H248_TOK_MODIFY:
		ok = cmd_modify(a, cmd, r, f);
		break;
	case H248_TOK_SUBTRACT:
		ok = cmd_subtract(a, cmd, r, f);
		break;
	case H248_TOK_MOVE:
		ok = cmd_move(a, cmd, r, f);
		break;
	case H248_TOK_AUDITVALUE:
	case H248_TOK_AUDITCAP:
		ok = cmd_audit(a, cmd, r, f);
		break;
	case H248_TOK_SERVICECHANGE:
		ok = cmd_service_change(a, cmd, r, f);
		break;
	default:
		ok = fail(f, 443, "%s is not a command the gateway takes", h248_tokens[cmd->tok].pretty);
	}
	if (!ok)
		add_error(a->rm, r, f);
	return ok;
}

static bool is_command(enum h248_tok t)
{
	return t == H248_TOK_ADD || t == H248_TOK_MODIFY || t == H248_TOK_SUBTRACT || t == H248_TOK_MOVE ||
	       t == H248_TOK_AUDITVALUE || t == H248_TOK_AUDITCAP || t == H248_TOK_NOTIFY ||
	       t == H248_TOK_SERVICECHANGE;
}

/* Runs one action; false when a command failed and the transaction ends. */
static bool run_action(struct agw_mg *mg, struct h248_msg *rm, struct h248_node *reply,
		       const struct h248_node *act)
{
	struct action a = { .mg = mg, .rm = rm };
	struct fault f = { 0 };
	struct h248_str id = act->value.text;
	uint32_t num = 0;
	a.rctx = h248_add_token(rm, reply, H248_TOK_CONTEXT, "-");
	a.choose = h248_str_eq(id, "$");
	if (a.choose || h248_str_eq(id, "-")) {
		/* a context made by the first Add, or the null context: a.ctx stays NULL for now */
	} else if (h248_str_eq(id, "*")) {
		fail(&f, 501, "Context = * is not supported by this gateway");
		add_error(rm, a.rctx, &f);
		return false;
	} else if (!h248_str_u32(id, &num) || !(a.ctx = agw_ctx_find(mg->store, num))) {
		a.rctx->value.text = h248_str_dup(rm, id.p, id.n);
		fail(&f, 411, "unknown context %.*s", (int)id.n, id.p);
		add_error(rm, a.rctx, &f);
		return false;
	}
	bool ok = true;
	for (const struct h248_node *c = act->first; c && ok; c = c->next) {
		if (!is_command(c->tok))
			continue; /* context properties (Priority, Emergency, Topology …): nothing to do for a
				     relay */
		ok = run_command(&a, c, &f) || (c->flags & H248_F_OPTIONAL);
	}
	if (a.ctx && (a.ctx->nterms || !a.created)) {
		char text[12];
		snprintf(text, sizeof text, "%u", a.ctx->id);
		a.rctx->value.text = h248_cstr(rm, text);
	}
	if (a.ctx && !a.ctx->nterms) /* what Subtract emptied, or a "$" whose Add failed, is not kept */
		agw_ctx_free(mg->store, a.ctx);
	return ok;
}

void agw_mg_execute(struct agw_mg *mg, struct h248_txn *txn, const struct h248_msg *msg,
		    const struct h248_node *trans)
{
	struct h248_node *reply;
	struct h248_msg *rm = h248_txn_new_reply(txn, &reply);
	for (const struct h248_node *act = trans->first; act; act = act->next)
		if (act->tok == H248_TOK_CONTEXT && !run_action(mg, rm, reply, act))
			break;
	h248_txn_reply(txn, rm);
}
