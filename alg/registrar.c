/* SPDX-License-Identifier: GPL-3.0-or-later */
/* registrar: the registration side of the P-CSCF in SIP terms — see registrar.h. */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip_extra.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/sip_util.h>

#include "log.h"
#include "profile.h"
#include "reg.h"
#include "registrar.h"

struct registrar {
	const struct alg_config *cfg;
	struct reg *reg;
	GHashTable *ue_calls; /* access address -> calls it originated now (GUINT_TO_POINTER) */
	struct log_counter unregistered, too_many;
	unsigned mechs;  /* what we announce */
	unsigned forced; /* policy.force_e2ae_media: reg_mech_bit of each */
};

struct registrar *registrar_new(const struct alg_config *cfg)
{
	struct registrar *r = g_new0(struct registrar, 1);
	r->cfg = cfg;
	r->reg = reg_new();
	r->ue_calls = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	r->unregistered =
	    (struct log_counter){ .component = "sip", .what = "refused, no UE registered from there:" };
	r->too_many =
	    (struct log_counter){ .component = "sip", .what = "refused, too many calls from one address:" };
	for (char **m = cfg->mediasec; m && *m; m++)
		r->mechs |= reg_mech_bit(*m);
	for (char **m = cfg->force_media; m && *m; m++)
		r->forced |= reg_mech_bit(*m);
	return r;
}

void registrar_free(struct registrar *r)
{
	if (!r)
		return;
	reg_free(r->reg);
	g_hash_table_destroy(r->ue_calls);
	g_free(r);
}

static uint64_t now_s(void)
{
	return (uint64_t)(g_get_monotonic_time() / G_USEC_PER_SEC);
}

static const char *call_of(const sip_t *sip)
{
	return sip && sip->sip_call_id ? sip->sip_call_id->i_id : NULL;
}

const char *registrar_via_source(const sip_via_t *v, const char **port)
{
	*port = v->v_rport && *v->v_rport ? v->v_rport : v->v_port;
	return v->v_received ? v->v_received : v->v_host;
}

/* The address a request came from (the top Via's received=, which nta writes when it differs). */
static const char *source_of(const sip_t *sip)
{
	const char *port;
	return sip->sip_via ? registrar_via_source(sip->sip_via, &port) : "";
}

static void contact_key(const url_t *u, char *out, size_t size)
{
	snprintf(out, size, "%s:%s", u->url_host ? u->url_host : "", url_port(u));
}

static void aor_key(const url_t *u, char *out, size_t size)
{
	snprintf(out, size, "%s@%s", u->url_user ? u->url_user : "", u->url_host ? u->url_host : "");
}

static unsigned mechs_of(const sip_t *sip)
{
	unsigned m = 0;
	for (const sip_security_client_t *sc = sip->sip_security_client; sc; sc = sc->sa_next)
		if (sc->sa_mec && msg_params_find(sc->sa_params, "mediasec"))
			m |= reg_mech_bit(sc->sa_mec);
	return m;
}

/* A binding's lifetime as asked or granted (RFC 3261 §10.3 step 7): its Contact's expires, else the
 * message's Expires, else an hour. */
static unsigned expires_of(const sip_t *sip, const sip_contact_t *m)
{
	return m && m->m_expires  ? (unsigned)strtoul(m->m_expires, NULL, 10)
	       : sip->sip_expires ? sip->sip_expires->ex_delta
				  : 3600;
}

/* What the registrar grants a contact of req: what it asks, up to sip.expires. */
static unsigned granted(const struct registrar *r, const sip_t *req, const sip_contact_t *m)
{
	return MIN(expires_of(req, m), (unsigned)r->cfg->expires);
}

/* How long the core's 200 ok binds contact m of req (key its contact key): as ok lists it; not at all
 * when ok lists others (RFC 3261 §10.3 step 8); else ok's Expires, else as asked. */
static unsigned granted_by(const sip_t *req, const sip_t *ok, const sip_contact_t *m, const char *key)
{
	char other[256];
	const sip_contact_t *g = ok->sip_contact;
	for (; g; g = g->m_next)
		if (contact_key(g->m_url, other, sizeof other), !strcmp(key, other))
			break;
	return g                 ? expires_of(ok, g)
	       : ok->sip_contact ? 0
	       : ok->sip_expires ? ok->sip_expires->ex_delta
				 : expires_of(req, m);
}

/* The route set the core's 200 ok gives the UE's requests (RFC 3608 Service-Route), as header text;
 * NULL for none. */
static char *service_route(const sip_t *ok)
{
	GString *text = g_string_new(NULL);
	for (const sip_route_t *rt = ok->sip_service_route; rt; rt = rt->r_next) {
		char *one = sip_header_as_string(NULL, (const sip_header_t *)rt);
		g_string_append_printf(text, "%s%s", text->len ? ", " : "", one);
		su_free(NULL, one);
	}
	return g_string_free(text, !text->len);
}

/* The UE's public identities, the default first (TS 24.229 §5.2.2.3): what the core's 200 ok lists in
 * P-Associated-URI (RFC 7315), else the REGISTER's To. As P-Asserted-Identity text; g_free it. */
static char *identities(const sip_t *req, const sip_t *ok)
{
	GString *text = g_string_new(NULL);
	for (const sip_unknown_t *u = ok ? ok->sip_unknown : NULL; u; u = u->un_next)
		if (u->un_name && !g_ascii_strcasecmp(u->un_name, "P-Associated-URI") && u->un_value)
			g_string_append_printf(text, "%s%s", text->len ? ", " : "", u->un_value);
	if (!text->len) {
		char *to = url_as_string(NULL, req->sip_to->a_url);
		g_string_printf(text, "<%s>", to);
		su_free(NULL, to);
	}
	return g_string_free(text, FALSE);
}

/* Records the contacts of req with the UE's mechanisms, for as long as ok (the core registrar's 200)
 * grants, or when we are the registrar, as long as asked up to sip.expires. A contact the core's 200
 * does not list is not bound (RFC 3261 §10.3 step 8); Contact: * removes every binding (step 6). */
static void record(struct registrar *r, const sip_t *req, const sip_t *ok)
{
	char aor[256], key[256];
	aor_key(req->sip_to->a_url, aor, sizeof aor);
	if (req->sip_contact && req->sip_contact->m_url->url_type == url_any) {
		reg_clear(r->reg, aor);
		log_info("reg", &(struct log_ids){ .call = call_of(req) },
			 "%s: every binding removed (Contact: *)", aor);
		return;
	}
	/* where the REGISTER came from: nta writes received= (and rport=) when the Via names another address
	 */
	const char *source_port = NULL,
		   *source = req->sip_via ? registrar_via_source(req->sip_via, &source_port) : NULL;
	unsigned offered = mechs_of(req);
	char *route = ok ? service_route(ok) : NULL, *public_ids = identities(req, ok);
	for (const sip_contact_t *m = req->sip_contact; m; m = m->m_next) {
		unsigned mechs = offered;
		url_t *to = url_hdup(NULL, m->m_url); /* where requests for this contact go */
		if (source && to->url_host && g_ascii_strcasecmp(source, to->url_host)) {
			/* behind a NAT: the contact names an address no one can reach; the request's source
			 * is the NAT's binding, so the contact's requests go there (as RFC 3581 answers do)
			 */
			mechs |= REG_BEHIND_NAT;
			to->url_host = source, to->url_port = source_port;
		}
		contact_key(m->m_url, key, sizeof key);
		unsigned expires = ok ? granted_by(req, ok, m, key) : granted(r, req, m);
		char *uri = url_as_string(NULL, to), *contact = url_as_string(NULL, m->m_url);
		su_free(NULL, to);
		reg_set(r->reg,
			&(struct reg_entry){ .aor = aor,
					     .contact = contact,
					     .uri = uri,
					     .key = key,
					     .source = source,
					     .source_port = source_port,
					     .mechs = mechs,
					     .expires = expires,
					     .route = route,
					     .identities = public_ids },
			now_s());
		const struct log_ids ids = { .call = call_of(req) };
		char *names = reg_mech_names(mechs & ~REG_BEHIND_NAT);
		log_info("reg", &ids, "%s at %s for %us, media security %s%s", aor, key, expires, names,
			 mechs & REG_BEHIND_NAT ? ", behind a NAT" : "");
		g_free(names);
		su_free(NULL, uri), su_free(NULL, contact);
	}
	g_free(route), g_free(public_ids);
}

/* What Security-Server tells the UE: the mechanisms it offered that we have (g_free it; NULL: none). */
static char *security_server(const struct registrar *r, const sip_t *req)
{
	return reg_mech_header(r->mechs & mechs_of(req));
}

/* Whether a REGISTER may change the bindings (RFC 3261 §10.3 steps 6-7): 0, else the status that
 * refuses it and its phrase. */
static int register_refused(const struct registrar *r, const sip_t *sip, const char **phrase)
{
	const sip_contact_t *first = sip->sip_contact;
	for (const sip_contact_t *m = first; m; m = m->m_next) {
		unsigned asked = expires_of(sip, m);
		if (m->m_url->url_type == url_any &&
		    (m != first || m->m_next || !sip->sip_expires || sip->sip_expires->ex_delta))
			return *phrase = "Contact * only alone and with Expires: 0", 400;
		if (m->m_url->url_type != url_any && asked && asked < (unsigned)r->cfg->min_expires)
			return *phrase = sip_423_Interval_too_brief, 423;
	}
	return 0;
}

static void list_binding(const char *contact, unsigned expires, void *arg)
{
	g_string_append_printf(arg, "%s<%s>;expires=%u", ((GString *)arg)->len ? ", " : "", contact, expires);
}

/* The 200 lists each current binding with the expiry granted, and Expires the one granted to the first
 * contact (step 8). */
void registrar_register(struct registrar *r, const sip_t *req, struct registrar_answer *a)
{
	*a = (struct registrar_answer){ 0 };
	a->status = register_refused(r, req, &a->phrase);
	if (a->status) {
		log_notice("reg", &(struct log_ids){ .call = call_of(req) }, "REGISTER refused: %d %s",
			   a->status, a->phrase);
		snprintf(a->min_expires, sizeof a->min_expires, "%ld", r->cfg->min_expires);
		return;
	}
	char aor[256];
	aor_key(req->sip_to->a_url, aor, sizeof aor);
	record(r, req, NULL);
	if (req->sip_contact && req->sip_contact->m_url->url_type != url_any)
		snprintf(a->expires, sizeof a->expires, "%u", granted(r, req, req->sip_contact));
	GString *bound = g_string_new(NULL);
	reg_each(r->reg, aor, now_s(), list_binding, bound);
	a->contact = g_string_free(bound, !bound->len);
	a->security_server = security_server(r, req);
	a->status = 200, a->phrase = sip_200_OK;
}

void registrar_answer_clear(struct registrar_answer *a)
{
	g_free(a->contact), g_free(a->security_server);
	a->contact = a->security_server = NULL;
}

void registrar_forward(msg_t *msg, sip_t *sip, const char *path_uri)
{
	for (sip_security_client_t *sc = sip->sip_security_client, *next; sc; sc = next) {
		next = sc->sa_next;
		if (sc->sa_mec && msg_params_find(sc->sa_params, "mediasec"))
			sip_header_remove(msg, sip, (sip_header_t *)sc);
	}
	char *path = g_strdup_printf("<%s;lr>", path_uri); /* RFC 3327: loose routing */
	sip_add_tl(msg, sip, SIPTAG_PATH_STR(path), TAG_END());
	g_free(path);
}

/* The identity to assert among ids (P-Associated-URI text, each entry a name-addr with parameters,
 * RFC 7315): the preferred one (a P-Preferred-Identity value) when it is one of them (RFC 3325 §9.1),
 * else the first, the default; as P-Asserted-Identity text on home, NULL when ids has none. */
static char *asserted(su_home_t *home, const char *ids, const char *preferred)
{
	sip_route_t *list = sip_route_make(home, ids), *pick = list; /* name-addr *(;param), as a Route */
	sip_p_preferred_identity_t *want = preferred ? sip_p_preferred_identity_make(home, preferred) : NULL;
	for (const sip_p_preferred_identity_t *p = want; list && p; p = p->ppid_next)
		for (sip_route_t *a = list; a; a = a->r_next)
			if (!url_cmp_all(a->r_url, p->ppid_url)) {
				pick = a;
				goto found;
			}
found:
	return pick ? su_sprintf(home, "P-Asserted-Identity: <%s>", url_as_string(home, pick->r_url)) : NULL;
}

/* The value of sip's first header named name among those sofia-sip does not parse, or NULL. */
static const char *unknown_value(const sip_t *sip, const char *name)
{
	for (const sip_unknown_t *u = sip->sip_unknown; u; u = u->un_next)
		if (u->un_name && !g_ascii_strcasecmp(u->un_name, name))
			return u->un_value;
	return NULL;
}

void registrar_untrusted(msg_t *msg, sip_t *sip)
{
	static const char *const asserting[] = { "P-Asserted-Identity", "P-Preferred-Identity" };
	for (sip_unknown_t *u = sip->sip_unknown, *next; u; u = next) {
		next = u->un_next;
		for (size_t i = 0; i < G_N_ELEMENTS(asserting); i++)
			if (u->un_name && !g_ascii_strcasecmp(u->un_name, asserting[i])) {
				sip_header_remove(msg, sip, (sip_header_t *)u);
				break;
			}
	}
}

/* Adds a header sofia-sip does not parse (text "Name: value") among the headers: in the copy of a
 * received message the chain ends in its separator and body, after which it would go. */
static void add_header(msg_t *msg, sip_t *sip, const char *text)
{
	msg_header_t *sep = (msg_header_t *)sip->sip_separator, *body = (msg_header_t *)sip->sip_payload;
	if (body)
		sip_header_remove(msg, sip, (sip_header_t *)body);
	if (sep)
		sip_header_remove(msg, sip, (sip_header_t *)sep);
	sip_add_tl(msg, sip, SIPTAG_HEADER_STR(text), TAG_END());
	if (sep)
		msg_header_insert(msg, (msg_pub_t *)sip, sep);
	if (body)
		msg_header_insert(msg, (msg_pub_t *)sip, body);
}

void registrar_assert(struct registrar *r, msg_t *msg, sip_t *sip)
{
	const char *route, *ids, *port = NULL,
				 *source = sip->sip_via ? registrar_via_source(sip->sip_via, &port) : "";
	reg_served(r->reg, source, port, now_s(), &route, &ids);
	char *identity =
	    ids ? asserted(msg_home(msg), ids, unknown_value(sip, "P-Preferred-Identity")) : NULL;
	if (ids && !identity)
		log_warn("reg", &(struct log_ids){ .call = call_of(sip) },
			 "asserting no identity: the registration's P-Associated-URI does not parse: %s",
			 ids);
	registrar_untrusted(msg, sip); /* a UE asserts nothing (RFC 3325 §9.1) */
	if (identity)
		add_header(msg, sip, identity);
	if (route) { /* what the UE preloaded, replaced (TS 24.229 §5.2.6.3.3) */
		while (sip->sip_route)
			sip_route_remove(msg, sip);
		sip_add_tl(msg, sip, SIPTAG_ROUTE_STR(route), TAG_END());
	}
}

char *registrar_registered(struct registrar *r, const sip_t *req, const sip_t *ok)
{
	record(r, req, ok);
	return security_server(r, req);
}

/* The calls an access address has under way, changed by delta; the count after. */
static unsigned ue_count(struct registrar *r, const char *ue, int delta)
{
	unsigned n = GPOINTER_TO_UINT(g_hash_table_lookup(r->ue_calls, ue)) + (unsigned)delta;
	if (n)
		g_hash_table_insert(r->ue_calls, g_strdup(ue), GUINT_TO_POINTER(n));
	else
		g_hash_table_remove(r->ue_calls, ue);
	return n;
}

char *registrar_call_begin(struct registrar *r, const sip_t *sip)
{
	char *ue = g_strdup(source_of(sip));
	ue_count(r, ue, +1);
	return ue;
}

void registrar_call_end(struct registrar *r, const char *ue)
{
	ue_count(r, ue, -1);
}

/* A new request (no To tag) from an address no UE registered from gets 403, and so does an INVITE
 * beyond the calls one address may have at once, before any H.248. */
int registrar_admit(struct registrar *r, const sip_t *sip, const char **phrase)
{
	sip_method_t m = sip->sip_request->rq_method;
	if (sip->sip_to->a_tag || m == sip_method_register || m == sip_method_ack || m == sip_method_cancel)
		return 0;
	const struct log_ids ids = { .call = call_of(sip) };
	const char *from = source_of(sip);
	if (r->cfg->registered_only && profile_at(r->cfg->profile)->registered_ues &&
	    !reg_from(r->reg, from, now_s())) {
		log_counted(&r->unregistered, &ids, "%s from %s", sip->sip_request->rq_method_name, from);
		return *phrase = "Forbidden (not registered)", 403;
	}
	if (m == sip_method_invite && ue_count(r, from, 0) >= (unsigned)r->cfg->max_calls) {
		log_counted(&r->too_many, &ids, "INVITE from %s, which has %ld calls", from,
			    r->cfg->max_calls);
		return *phrase = "Forbidden (too many calls)", 403;
	}
	return 0;
}

/* From the core side, a request goes to the AOR's registered contact. A new one for an AOR without a
 * binding ends here when it would come back to us: 404 for an AOR never registered, 480 for one without
 * a current binding. It would when ims-alg is a lab's registrar without a core (from the access side,
 * its next stop is our own core side) and when its Request-URI names us; forwarded, it came back to the
 * other side as a new request, a call and its Adds each time, until Max-Forwards ran out. */
int registrar_to_aor(struct registrar *r, const sip_t *sip, bool from_access, bool initial, bool to_us,
		     const char **uri)
{
	bool lab = from_access && !*r->cfg->next_hop && r->cfg->registrar;
	*uri = NULL;
	if (sip->sip_route || (from_access && !lab))
		return 0;
	const url_t *ru = sip->sip_request->rq_url;
	sip_method_t method = sip->sip_request->rq_method;
	char aor[256], key[256];
	aor_key(ru, aor, sizeof aor);
	enum reg_state st = reg_state_of(r->reg, aor, now_s());
	if (st == REG_BOUND) {
		if (!from_access && !reg_find(r->reg, aor, now_s(), uri, NULL))
			*uri = NULL;
		return 0;
	}
	contact_key(ru, key, sizeof key);
	if (!initial || method == sip_method_ack || method == sip_method_cancel ||
	    reg_find(r->reg, key, now_s(), NULL, NULL))
		return 0; /* in a dialog, or to a contact registered here */
	if (!lab && !to_us)
		return 0;
	return st == REG_UNBOUND ? 480 : 404;
}

void registrar_each(struct registrar *r, void (*fn)(const struct reg_view *v, void *arg), void *arg)
{
	reg_all(r->reg, now_s(), fn, arg);
}

/* By contact, then by AOR. */
struct media_policy registrar_policy(struct registrar *r, const sip_t *sip, bool orig)
{
	char key[256];
	unsigned mechs = 0;
	const url_t *who =
	    orig ? (sip->sip_contact ? sip->sip_contact->m_url : NULL) : sip->sip_request->rq_url;
	if (who) {
		contact_key(who, key, sizeof key);
		if (!reg_find(r->reg, key, now_s(), NULL, &mechs)) {
			aor_key(orig ? sip->sip_from->a_url : who, key, sizeof key);
			reg_find(r->reg, key, now_s(), NULL, &mechs);
		}
	}
	bool nat = mechs & REG_BEHIND_NAT;
	mechs &= r->mechs;
	return (struct media_policy){ .e2ae = profile_at(r->cfg->profile)->e2ae,
				      .merge = r->cfg->merge_all || (nat && r->cfg->merge_nat),
				      .ue_mechs = mechs & ~REG_BEHIND_NAT,
				      .force_orig = r->cfg->force_orig ? r->forced : 0,
				      .force_term = r->cfg->force_term ? r->forced : 0,
				      .weak_hashes = r->cfg->allow_sha1 };
}

unsigned registrar_bound(struct registrar *r)
{
	return reg_bound(r->reg, now_s());
}
