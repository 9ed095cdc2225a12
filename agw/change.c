/* SPDX-License-Identifier: GPL-3.0-or-later */
/* change: a command's descriptors (LocalControl, Local, Remote, Events, Signals) read and checked against
 * the profile, the realm and the termination, then applied to it (see mg_int.h). Nothing is applied
 * unless all of the command is valid. */
#include "config.h"
#include "mg_int.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "cert.h"
#include "log.h"
#include "msdp.h"
#include "msrp.h"
#include "transport.h"

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
		return mg_fail(f, 449, "%.*s = %.*s: expected on or off", (int)p->name.n, p->name.p,
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
		return mg_fail(f, 449, "%s: expected \"identity:key\" with the key in hex, 16 to 64 octets",
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
		mg_fail(f, 449, "%s = %s: no such realm", wire(mg, WIRE_REALM), name);
	else if (!adding)
		ok = mg_fail(f, 449, "%s: the realm of a termination is set when it is added", name);
	g_free(name);
	return ok;
}

/* A tman value in octets (per second): 1 to 2^32-1, else 449. */
static bool read_octets(const struct h248_node *p, uint32_t *out, bool zero, struct fault *f)
{
	if (h248_str_u32(p->value.text, out) && (zero || *out))
		return true;
	return mg_fail(f, 449, "%.*s = %.*s: expected an integer from %d to 4294967295", (int)p->name.n,
		       p->name.p, (int)p->value.text.n, p->value.text.p, zero ? 0 : 1);
}

/* H.248.53's tman properties, onto the termination's (a property not given keeps its value, §7.1.8). */
static bool read_tman(enum wire_ie ie, const struct h248_node *p, struct change *ch, struct fault *f)
{
	struct agw_tman *m = &ch->tman;
	ch->set_tman = true;
	switch (ie) {
	case WIRE_TMAN_POL:
		m->set_pol = true;
		return on_off(p, &m->pol, f);
	case WIRE_TMAN_SDR:
		return read_octets(p, &m->sdr, false, f);
	case WIRE_TMAN_MBS:
		return read_octets(p, &m->mbs, false, f);
	case WIRE_TMAN_PDR:
		return read_octets(p, &m->pdr, false, f);
	default:
		m->set_dvt = true;
		return read_octets(p, &m->dvt, true, f);
	}
}

/* The tman of the termination once the command is applied: policing needs a rate, and a peak no lower. */
static bool tman_valid(const struct agw_mg *mg, const struct agw_tman *m, struct fault *f)
{
	if (m->pol && !m->sdr)
		return mg_fail(f, 449, "%s = on without %s: the gateway derives no rate from the SDP",
			       wire(mg, WIRE_TMAN_POL), wire(mg, WIRE_TMAN_SDR));
	if (m->pdr && m->sdr > m->pdr)
		return mg_fail(f, 449, "%s = %u is below %s = %u", wire(mg, WIRE_TMAN_PDR), m->pdr,
			       wire(mg, WIRE_TMAN_SDR), m->sdr);
	return true;
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
			return mg_fail(f, 445, "%.*s is not used under the %s profile (%s)", (int)p->name.n,
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
		case WIRE_DSCP: /* H.248.52 §7: the 6 bits of the DS field (RFC 2474) */
			if (!h248_str_u32(p->value.text, &secs) || secs > 63)
				return mg_fail(f, 449, "%s = %.*s: expected a DSCP from 0 to 63",
					       wire(mg, WIRE_DSCP), (int)p->value.text.n, p->value.text.p);
			ch->dscp = (int)secs;
			break;
		case WIRE_TMAN_POL:
		case WIRE_TMAN_SDR:
		case WIRE_TMAN_MBS:
		case WIRE_TMAN_PDR:
		case WIRE_TMAN_DVT:
			ok = read_tman(ie, p, ch, f);
			break;
		case WIRE_RTCP_ALLOC: { /* H.248.57: nothing here carries RTCP (TCP legs have none, and UDP
					   legs carry UDPTL, not RTP): accepted and audited, no effect */
			bool on = false;
			ok = on_off(p, &on, f), ch->rtcp_alloc = on;
			break;
		}
		case WIRE_HEARTBEAT_TIMER:
			if (!h248_str_u32(p->value.text, &secs) || secs > 86400)
				return mg_fail(f, 449, "%s = %.*s: expected seconds from 0 to 86400",
					       wire(mg, WIRE_HEARTBEAT_TIMER), (int)p->value.text.n,
					       p->value.text.p);
			ch->heartbeat_s = secs, ch->set_heartbeat = true;
			break;
		default:
			return mg_fail(f, 445, "unsupported property %.*s in LocalControl", (int)p->name.n,
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
	mg_fail(f, 474, "%s: %s", what, err);
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
		mg_fail(f, 449, "Local %.*s: the gateway has no value to choose for $ there",
			(int)(to - from), from);
	}
	g_free(filled);
	return dollar == NULL;
}

/* The descriptors cmd carries, kept in ch as nodes for the checks that follow: one stream at most (its
 * LocalControl, Local and Remote), Events and Signals; Audit needs nothing here. */
static bool read_descriptors(const struct h248_node *cmd, struct change *ch, struct fault *f)
{
	for (const struct h248_node *d = cmd->first; d; d = d->next) {
		switch (d->tok) {
		case H248_TOK_MEDIA: {
			const struct h248_node *params = d, *stream = h248_child(d, H248_TOK_STREAM, NULL);
			if (stream) {
				uint32_t id = 0;
				if (h248_child(d, H248_TOK_STREAM, stream) ||
				    !h248_str_u32(stream->value.text, &id) || id != 1)
					return mg_fail(f, 449,
						       "a termination here has one stream, Stream = 1");
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
			return mg_fail(f, 444, "%s descriptor is not supported by this gateway",
				       h248_tokens[d->tok].pretty);
		}
	}
	return true;
}

/* The transports of the Local l and Remote r (either may be NULL): each one known and carried under
 * the profile, and both of one kind (TLS or not, datagram or stream, same media). */
static bool bearers_valid(const struct agw_mg *mg, const struct msdp *l, const struct msdp *r,
			  struct fault *f)
{
	for (const struct msdp *s = l; s; s = s == l ? r : NULL) {
		if (!bearer(s))
			return mg_fail(f, 449, "unsupported transport %s", s->proto);
		if (!profile_allows_bearer(mg->profile, bearer(s)))
			return mg_fail(f, 449, "transport %s is not carried under the %s profile (%s)",
				       s->proto, mg->profile->interface, mg->profile->gateway);
	}
	if (l && r &&
	    (bearer(l)->secure != bearer(r)->secure || bearer(l)->dgram != bearer(r)->dgram ||
	     strcmp(l->media, r->media)))
		return mg_fail(f, 473, "Local is %s %s but Remote is %s %s", l->media, l->proto, r->media,
			       r->proto);
	return true;
}

/* The Local given (ch->lsdp) against what the gateway does: it chooses the port, a fingerprint only
 * on TLS, a=path only as conference server, every $ one it fills, and t's port stays UDP or TCP. */
static bool local_valid(const struct agw_mg *mg, const struct agw_term *t, const struct change *ch,
			struct fault *f)
{
	if (!ch->lsdp.port_choose && (!t || ch->lsdp.port != t->port))
		return mg_fail(f, 449, "m= port %u: the gateway chooses its ports, use $", ch->lsdp.port);
	if (ch->lsdp.fingerprint_choose && !bearer(&ch->lsdp)->secure)
		return mg_fail(f, 473, "a=fingerprint:$ asked on %s, which has no TLS", ch->lsdp.proto);
	if (ch->lsdp.path_choose && (!mg->profile->focus || bearer(&ch->lsdp)->app != TP_APP_MSRP))
		return mg_fail(f, 473, "a=path:$ asked on %s: the %s ends MSRP only as %s conference server",
			       ch->lsdp.proto, focus_profile()->gateway, focus_profile()->interface);
	if (!choose_filled(mg, ch, f))
		return false;
	if (t && t->has_local && bearer(&t->local)->dgram != bearer(&ch->lsdp)->dgram)
		return mg_fail(f, 473, "%s cannot become %s: the port is bound for %s", t->local.proto,
			       ch->lsdp.proto, bearer(&t->local)->dgram ? "UDP" : "TCP");
	return true;
}

/* The Events asked: only the gateway's TCP (not on UDP legs), TLS and heartbeat events the profile
 * has; a heartbeat's timerx sets the heartbeat period. */
static bool read_events(const struct agw_mg *mg, const struct msdp *l, struct change *ch, struct fault *f)
{
	for (const struct h248_node *e = ch->events->first; e; e = e->next) {
		enum wire_ie ie = e->kind == H248_NODE_PROP ? ie_of(e, mg) : WIRE_COUNT;
		bool tcp = ie == WIRE_TCP_UP || ie == WIRE_TCP_FAIL || ie == WIRE_TCP_REL;
		bool ok = (tcp || ie == WIRE_TLS_UP || ie == WIRE_TLS_FAIL || ie == WIRE_HEARTBEAT) &&
			  !(tcp && l && bearer(l)->dgram) && /* UDP legs have no TCP to report */
			  profile_allows_ie(mg->profile, ie);
		if (!ok)
			return mg_fail(f, 512, "the gateway cannot detect %.*s", (int)e->name.n, e->name.p);
		const struct h248_node *timer = ie == WIRE_HEARTBEAT ? h248_prop(e, "timerx") : NULL;
		uint32_t sec;
		if (timer && (!h248_str_u32(timer->value.text, &sec) || sec > 86400))
			return mg_fail(f, 449, "timerx = %.*s: expected seconds from 0 to 86400",
				       (int)timer->value.text.n, timer->value.text.p);
		if (timer)
			ch->heartbeat_s = sec, ch->set_heartbeat = true;
	}
	return true;
}

/* The Signals given (an empty list stops the signal): only the TLS establishment signal, on a
 * termination with TLS. */
static bool read_signals(const struct agw_mg *mg, const struct msdp *l, struct change *ch, struct fault *f)
{
	ch->set_tls_est = true;
	for (const struct h248_node *sg = ch->signals->first; sg; sg = sg->next) {
		if (!named(sg, mg, WIRE_TLS_EST) || !profile_allows_ie(mg->profile, WIRE_TLS_EST))
			return mg_fail(f, 513, "the gateway cannot generate %.*s",
				       sg->kind == H248_NODE_PROP ? (int)sg->name.n : 10,
				       sg->kind == H248_NODE_PROP ? sg->name.p : "SignalList");
		if (!l || !bearer(l)->secure)
			return mg_fail(f, 473, "%s on a termination without TLS", wire(mg, WIRE_TLS_EST));
		ch->tls_est = true;
	}
	return true;
}

/* Collects and checks what cmd asks of t (NULL t: an Add being made). */
static bool read_change(struct agw_mg *mg, const struct h248_node *cmd, struct agw_term *t, struct change *ch,
			struct fault *f)
{
	ch->dscp = -1;
	ch->mode = -1;
	ch->rtcp_alloc = -1;
	if (t)
		ch->tman = t->tman;
	if (!read_descriptors(cmd, ch, f))
		return false;
	if (ch->lc && !read_local_control(mg, ch->lc, ch, t == NULL, f))
		return false;
	if (ch->set_tman && !tman_valid(mg, &ch->tman, f))
		return false;
	bool have_local = ch->local && !empty_body(ch->local);
	bool have_remote = ch->remote && !empty_body(ch->remote);
	if (have_local && !read_sdp(ch->local, &ch->lsdp, "Local", f))
		return false;
	if (have_remote && !read_sdp(ch->remote, &ch->rsdp, "Remote", f))
		return false;
	const struct msdp *l = have_local ? &ch->lsdp : t && t->has_local ? &t->local : NULL;
	const struct msdp *r = have_remote ? &ch->rsdp : NULL;
	if (!bearers_valid(mg, l, r, f))
		return false;
	if (have_local && !local_valid(mg, t, ch, f))
		return false;
	if (!t && !have_local)
		return mg_fail(f, 441, "Add needs a Local descriptor: the transport selects the leg");
	if (ch->psk.p && (!l || !bearer(l)->secure || bearer(l)->dgram))
		return mg_fail(f, 473, "%s on a termination without TLS over TCP", wire(mg, WIRE_TLS_PSK));
	if (!ch->realm)
		ch->realm = t ? t->realm : agw_realm_default(mg->store, bearer(&ch->lsdp)->secure);
	if (have_local && !ch->lsdp.addr_choose && g_strcmp0(ch->lsdp.addr, "")) {
		if (strcmp(ch->realm->host, ch->lsdp.addr))
			return mg_fail(f, 449, "c= %s is not an address of realm %s, use $", ch->lsdp.addr,
				       ch->realm->name);
	}
	if (ch->events && !read_events(mg, l, ch, f))
		return false;
	if (ch->signals && !read_signals(mg, l, ch, f))
		return false;
	return true;
}

bool mg_read_change(struct agw_mg *mg, const struct h248_node *cmd, struct agw_term *t, struct change *ch,
		    struct fault *f)
{
	memset(ch, 0, sizeof *ch);
	if (read_change(mg, cmd, t, ch, f))
		return true;
	mg_change_clear(ch);
	return false;
}

void mg_change_clear(struct change *ch)
{
	msdp_clear(&ch->lsdp);
	msdp_clear(&ch->rsdp);
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
bool mg_apply_change(struct agw_mg *mg, struct agw_term *t, struct change *ch, struct fault *f)
{
	if (ch->local && empty_body(ch->local)) {
		t->has_local = false; /* an empty Local releases what it reserved (§7.1.8) */
		g_clear_pointer(&t->local_text, g_free);
		msdp_clear(&t->local);
	} else if (ch->local) {
		if (!t->port) {
			int rc = agw_term_bind_port(mg->store, t, bearer(&ch->lsdp)->dgram);
			if (rc < 0) {
				mg_change_clear(ch);
				return mg_fail(f, 510, "no free port in realm %s: %s", t->realm->name,
					       g_strerror(-rc));
			}
		}
		if (ch->lsdp.path_choose && !t->msrp_path)
			t->msrp_path = msrp_uri(t, bearer(&ch->lsdp)->secure);
		g_free(t->local_text);
		struct h248_str sdp = h248_sdp(ch->local);
		t->local_text =
		    msdp_fill(sdp.p, sdp.n, t->realm->host, t->port,
			      ch->lsdp.fingerprint_choose && mg->identity ? mg->identity->fingerprint : NULL,
			      t->msrp_path);
		msdp_move(&t->local, &ch->lsdp);
		t->has_local = true;
	}
	if (ch->remote && empty_body(ch->remote)) {
		t->has_remote = false;
		g_clear_pointer(&t->remote_text, g_free);
		msdp_clear(&t->remote);
	} else if (ch->remote) {
		g_free(t->remote_text);
		struct h248_str sdp = h248_sdp(ch->remote);
		t->remote_text = g_strndup(sdp.p, sdp.n);
		msdp_move(&t->remote, &ch->rsdp);
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
	if (ch->dscp >= 0)
		t->dscp = ch->dscp;
	if (ch->set_tman)
		t->tman = ch->tman; /* the leg's bucket follows at its next read (police.c) */
	if (ch->rtcp_alloc >= 0)
		t->rtcp_alloc = ch->rtcp_alloc;
	mg_heartbeat_update(mg, t);
	if (mg->hooks.configured)
		mg->hooks.configured(mg->hooks.arg, t);
	return true;
}
