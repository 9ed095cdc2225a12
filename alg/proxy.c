/* proxy: see proxy.h. */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

struct side;
struct fwd;
#define NTA_AGENT_MAGIC_T    struct side
#define NTA_LEG_MAGIC_T      struct side
#define NTA_INCOMING_MAGIC_T struct fwd
#define NTA_OUTGOING_MAGIC_T struct fwd

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_tagarg.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/sip_util.h>
#include <sofia-sip/su_time.h>

#include "focus.h"
#include "log.h"
#include "proxy.h"
#include "profile.h"
#include "reg.h"
#include "sockaddr.h"
#include "trace.h"

enum { ACCESS, CORE };
static const char *const side_names[] = { "access", "core" };

struct side {
	struct proxy *p;
	int which;
	nta_agent_t *agent;
	nta_leg_t *leg;
	char *uri; /* our URI on this side: "sip:127.0.0.1:5060" */
	url_t *url;
	su_home_t home[1];
};

/* One INVITE dialog as the proxy follows it, with the call that holds its media. */
struct dlg {
	char *call_id, *caller_tag;
	char *ue; /* the access address that originated it, counted in ue_calls; NULL otherwise */
	bool orig;
	struct call *call;
	struct participant *part; /* a dial-in to the conference focus (mp): the MRFC is the UAS */
	nta_incoming_t *dial_in;  /* its INVITE, while the focus works on the answer */
	struct proxy *p;
	/* what a BYE of ours needs: each party's URI, tag, contact and the last CSeq it used */
	msg_t *invite, *ok;
	GSList *fwds;  /* its requests under way (struct fwd *): the INVITE, a re-offer */
	bool released; /* we sent BYE to both parties */
};

struct proxy {
	const struct alg_config *cfg;
	struct side sides[2];
	struct reg *reg;
	struct calls *calls;
	struct focus *focus; /* mp: the MRFC's conferences; NULL under the other profiles */
	struct trace *trace;
	GHashTable *dialogs; /* Call-ID -> GSList of struct dlg */
	GHashTable *ue_calls; /* access address -> calls it originated now (GUINT_TO_POINTER) */
	struct log_counter unregistered, too_many;
	unsigned mechs;      /* what we announce */
	url_t *next_hop;
	su_home_t home[1];
};

/* One forwarded request: the server transaction it came in on, the client transaction it went out on. */
struct fwd {
	struct proxy *p;
	struct side *in, *out;
	nta_incoming_t *irq;
	nta_outgoing_t *orq;
	msg_t *msg;     /* the request being forwarded, while the call works on its SDP */
	url_t *target;  /* where it went */
	struct dlg *dlg;
	sip_method_t method;
	bool initial, answering;
	GQueue responses; /* msg_t * waiting while an earlier answer is with the call */
};

static uint64_t now_s(void)
{
	return (uint64_t)(g_get_monotonic_time() / G_USEC_PER_SEC);
}

static const char *call_of(const sip_t *sip)
{
	return sip && sip->sip_call_id ? sip->sip_call_id->i_id : NULL;
}

/* Where a message came from (rx: its source) or goes (a request: its target; a response: its top Via,
 * received and rport first), as "host:port" for the trace. */
/* Where a message came from as its top Via says, received= and rport= first (RFC 3581): the host, and
 * the port (NULL: the default). */
static const char *via_source(const sip_via_t *v, const char **port)
{
	*port = v->v_rport && *v->v_rport ? v->v_rport : v->v_port;
	return v->v_received ? v->v_received : v->v_host;
}

static void peer_of(msg_t *msg, bool rx, const url_t *target, char out[80])
{
	sip_t *sip = sip_object(msg);
	su_addrinfo_t *ai = msg_addrinfo(msg);
	union sa from = { 0 };
	*out = 0;
	if (rx && ai && ai->ai_addr && ai->ai_addrlen && ai->ai_addrlen <= sizeof from) {
		memcpy(&from, ai->ai_addr, ai->ai_addrlen);
		sa_text(&from, out);
	} else if (target && target->url_host) {
		snprintf(out, 80, "%s:%s", target->url_host, target->url_port ? target->url_port : "5060");
	} else if (!rx && sip && sip->sip_status && sip->sip_via) {
		const char *port, *host = via_source(sip->sip_via, &port);
		snprintf(out, 80, "%s:%s", host, port ? port : "5060");
	}
}

/* A message received (rx) or sent on side s, in the trace; target: where a request goes (NULL: from
 * the message). */
static void trace_msg(struct proxy *p, bool rx, struct side *s, msg_t *msg, const url_t *target)
{
	if (!p->trace)
		return;
	sip_t *sip = sip_object(msg);
	char summary[96] = "";
	if (sip && sip->sip_request)
		snprintf(summary, sizeof summary, "%s %s", sip->sip_request->rq_method_name,
			 sip->sip_request->rq_url->url_host ? sip->sip_request->rq_url->url_host : "");
	else if (sip && sip->sip_status)
		snprintf(summary, sizeof summary, "%d %s", sip->sip_status->st_status,
			 sip->sip_status->st_phrase);
	size_t len = 0;
	su_home_t home[1] = { SU_HOME_INIT(home) };
	char *text = msg_as_string(home, msg, NULL, 0, &len), peer[80];
	peer_of(msg, rx, target, peer);
	trace_emit(p->trace, &(struct trace_event){ .kind = rx ? "sip.rx" : "sip.tx",
						    .call = call_of(sip),
						    .from = rx ? peer : s->uri,
						    .to = rx ? s->uri : peer,
						    .summary = summary,
						    .raw = text,
						    .raw_len = text ? len : 0 });
	su_home_deinit(home);
}

/* The proxy's own answer to a request received on side s, in the trace like every message it sends. With
 * keep (a dialog's 2xx, the MRFC's), it carries our To tag and a reference is returned for the dialog;
 * NULL otherwise or when it could not be built (it is then sent without the trace). */
static msg_t *respond(struct proxy *p, struct side *s, nta_incoming_t *irq, bool keep, int status,
		      const char *phrase, tag_type_t tag, tag_value_t value, ...)
{
	ta_list ta;
	ta_start(ta, tag, value);
	msg_t *msg = nta_incoming_create_response(irq, status, phrase), *kept = NULL;
	sip_t *sip = msg ? sip_object(msg) : NULL;
	if (keep && sip && sip->sip_to && !sip->sip_to->a_tag)
		sip_to_tag(msg_home(msg), sip->sip_to, nta_incoming_tag(irq, NULL));
	if (sip && sip_add_tl(msg, sip, ta_tags(ta)) >= 0 && sip_complete_message(msg) >= 0) {
		trace_msg(p, false, s, msg,
			  NULL); /* complete: Content-Length and the body's separator, as sent */
		kept = keep ? msg_ref_create(msg) : NULL;
		nta_incoming_mreply(irq, msg);
	} else {
		msg_destroy(msg);
		nta_incoming_treply(irq, status, phrase, ta_tags(ta));
	}
	(void)ta_end(ta); /* the macro ends in a value nobody uses */
	return kept;
}

static void reply(struct proxy *p, struct side *s, nta_incoming_t *irq, int status, const char *phrase,
		  tag_type_t tag, tag_value_t value, ...)
{
	ta_list ta;
	ta_start(ta, tag, value);
	respond(p, s, irq, false, status, phrase, ta_tags(ta));
	(void)ta_end(ta);
}

/* ---- dialogs ---- */

static struct dlg *dlg_new(struct proxy *p, const sip_t *sip, bool orig)
{
	struct dlg *d = g_new0(struct dlg, 1);
	d->p = p;
	d->call_id = g_strdup(sip->sip_call_id->i_id);
	d->caller_tag = g_strdup(sip->sip_from->a_tag ? sip->sip_from->a_tag : "");
	d->orig = orig;
	GSList *l = g_hash_table_lookup(p->dialogs, d->call_id);
	g_hash_table_replace(p->dialogs, g_strdup(d->call_id), g_slist_prepend(l, d));
	return d;
}

/* The dialog a request arriving on side belongs to: the caller's requests come from the UE's side when
 * originating, from the core side when terminating (both halves of a hairpin share the Call-ID). */
static struct dlg *dlg_find(struct proxy *p, const sip_t *sip, int side)
{
	if (!sip->sip_call_id || !sip->sip_from)
		return NULL;
	const char *tag = sip->sip_from->a_tag ? sip->sip_from->a_tag : "";
	for (GSList *l = g_hash_table_lookup(p->dialogs, sip->sip_call_id->i_id); l; l = l->next) {
		struct dlg *d = l->data;
		bool from_caller = !strcmp(tag, d->caller_tag);
		if (from_caller == ((side == ACCESS) == d->orig))
			return d;
	}
	return NULL;
}

static void fwd_abort(struct fwd *f, const char *call, int status, const char *phrase, const char *why,
		      bool bye);

/* The calls an access address has under way, changed by delta; the count after. */
static unsigned ue_count(struct proxy *p, const char *ue, int delta)
{
	unsigned n = GPOINTER_TO_UINT(g_hash_table_lookup(p->ue_calls, ue)) + (unsigned)delta;
	if (n)
		g_hash_table_insert(p->ue_calls, g_strdup(ue), GUINT_TO_POINTER(n));
	else
		g_hash_table_remove(p->ue_calls, ue);
	return n;
}

/* Ends the dialog and its call. Its requests still under way are answered with status and phrase,
 * whatever the other party still sends them is cancelled or, a 2xx, acknowledged and released: a
 * request must never outlive its dialog (its call's pending next went with the call) nor carry an
 * answer the gateway has not seen. The request whose handling ends the dialog unbinds itself first. */
static void dlg_end_as(struct dlg *d, int status, const char *phrase, const char *why)
{
	if (!d)
		return;
	struct proxy *p = d->p;
	GSList *l = g_slist_remove(g_hash_table_lookup(p->dialogs, d->call_id), d);
	if (l)
		g_hash_table_replace(p->dialogs, g_strdup(d->call_id), l);
	else
		g_hash_table_remove(p->dialogs, d->call_id);
	while (d->fwds) /* each unbinds itself */
		fwd_abort(d->fwds->data, d->call_id, status, phrase, why, !d->released);
	if (d->call)
		call_end(d->call, why);
	if (d->part)
		focus_leave(d->part, why);
	if (d->invite)
		msg_destroy(d->invite);
	if (d->ok)
		msg_destroy(d->ok);
	if (d->ue)
		ue_count(p, d->ue, -1);
	g_free(d->call_id), g_free(d->caller_tag), g_free(d->ue);
	g_free(d);
}

static void dlg_end(struct dlg *d, const char *why)
{
	dlg_end_as(d, SIP_487_REQUEST_TERMINATED, why);
}

/* ---- messages ---- */

/* The body of msg replaced (Content-Length follows). */
static void set_body(msg_t *msg, sip_t *sip, const char *body)
{
	if (sip->sip_payload)
		sip_header_remove(msg, sip, (sip_header_t *)sip->sip_payload);
	if (sip->sip_content_length)
		sip_header_remove(msg, sip, (sip_header_t *)sip->sip_content_length);
	char len[24];
	snprintf(len, sizeof len, "%zu", strlen(body));
	sip_add_tl(msg, sip, SIPTAG_CONTENT_LENGTH_STR(len), SIPTAG_PAYLOAD_STR(body), TAG_END());
}

/* The methods whose request carries an offer and whose 2xx the answer (RFC 3264 §4 with RFC 3311,
 * RFC 3262). */
static bool offers(sip_method_t m)
{
	return m == sip_method_invite || m == sip_method_update || m == sip_method_prack;
}

static bool has_sdp(const sip_t *sip)
{
	return sip->sip_payload && sip->sip_payload->pl_len && sip->sip_content_type &&
	       sip->sip_content_type->c_type &&
	       !g_ascii_strcasecmp(sip->sip_content_type->c_type, "application/sdp");
}

/* Whether url is this proxy's URI on side s (host and port). */
static bool is_us(const struct side *s, const url_t *url)
{
	return url && url->url_host && !g_ascii_strcasecmp(url->url_host, s->url->url_host) &&
	       !g_strcmp0(url_port(url), url_port(s->url));
}

/* Takes our own Route entries off: the receiving side's, then the other side's (double Record-Route). */
static void pop_routes(struct proxy *p, msg_t *msg, sip_t *sip, int in)
{
	if (sip->sip_route && is_us(&p->sides[in], sip->sip_route->r_url)) {
		sip_route_remove(msg, sip);
		if (sip->sip_route && is_us(&p->sides[!in], sip->sip_route->r_url))
			sip_route_remove(msg, sip);
	}
}

/* Where a request goes on (RFC 3261 §16.6 steps 6-7): its first Route, the core next hop (else our core
 * side, a hairpin) for a new request from the access side, else its Request-URI. */
static const url_t *target_of(const struct proxy *p, const struct fwd *f, const sip_t *sip)
{
	if (sip->sip_route)
		return sip->sip_route->r_url;
	if (f->in->which == ACCESS && f->initial)
		return p->next_hop ? p->next_hop : p->sides[CORE].url;
	return sip->sip_request->rq_url;
}

/* Whether SIP on a side travels over TCP: as configured; else on the side the request came from, as it
 * came (its Via), and on the side it goes to, as its target says. */
static bool side_tcp(const struct proxy *p, int which, const struct fwd *f, const sip_t *got, const url_t *to)
{
	const struct alg_sip_side *c = which == ACCESS ? &p->cfg->access : &p->cfg->core;
	if (c->transport != ALG_TRANSPORT_BOTH)
		return c->transport == ALG_TRANSPORT_TCP;
	if (which == f->in->which)
		return got->sip_via && got->sip_via->v_protocol && strstr(got->sip_via->v_protocol, "TCP");
	char tp[8] = "";
	return url_param(to->url_params, "transport", tp, sizeof tp) && !g_ascii_strcasecmp(tp, "tcp");
}

/* Two Record-Route entries (RFC 3261 §16.6 step 4, one per side, the receiving side's first and the
 * sending side's on top), each naming the transport its side speaks when that is TCP. */
static void record_route(struct proxy *p, struct fwd *f, sip_t *sip, const sip_t *got)
{
	const url_t *to = target_of(p, f, sip);
	for (int i = 0; i < 2; i++) {
		int which = i ? f->out->which : f->in->which;
		sip_record_route_t *rr =
		    sip_record_route_format(msg_home(f->msg), "<%s;lr%s>", p->sides[which].uri,
					    side_tcp(p, which, f, got, to) ? ";transport=tcp" : "");
		msg_header_prepend(f->msg, (msg_pub_t *)sip, (msg_header_t **)&sip->sip_record_route,
				   (msg_header_t *)rr);
	}
}

/* ---- registration ---- */

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
static unsigned granted(const struct proxy *p, const sip_t *req, const sip_contact_t *m)
{
	return MIN(expires_of(req, m), (unsigned)p->cfg->expires);
}

/* Records the contacts of req with the UE's mechanisms, for as long as ok (the core registrar's 200)
 * grants, or when we are the registrar, as long as asked up to sip.expires. A contact the core's 200
 * does not list is not bound (RFC 3261 §10.3 step 8); Contact: * removes every binding (step 6). */
static void record(struct proxy *p, const sip_t *req, const sip_t *ok)
{
	char aor[256], key[256], other[256];
	aor_key(req->sip_to->a_url, aor, sizeof aor);
	if (req->sip_contact && req->sip_contact->m_url->url_type == url_any) {
		reg_clear(p->reg, aor);
		log_info("reg", &(struct log_ids){ .call = call_of(req) },
			 "%s: every binding removed (Contact: *)", aor);
		return;
	}
	/* where the REGISTER came from: nta writes received= (and rport=) when the Via names another address
	 */
	const char *source_port = NULL,
		   *source = req->sip_via ? via_source(req->sip_via, &source_port) : NULL;
	unsigned offered = mechs_of(req);
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
		unsigned expires = granted(p, req, m);
		if (ok) {
			const sip_contact_t *g = ok->sip_contact;
			for (; g; g = g->m_next)
				if (contact_key(g->m_url, other, sizeof other), !strcmp(key, other))
					break;
			expires = g                 ? expires_of(ok, g)
				  : ok->sip_contact ? 0
				  : ok->sip_expires ? ok->sip_expires->ex_delta
						    : expires_of(req, m);
		}
		char *uri = url_as_string(NULL, to), *contact = url_as_string(NULL, m->m_url);
		su_free(NULL, to);
		reg_set(p->reg, aor, contact, uri, key, source, mechs, expires, now_s());
		const struct log_ids ids = { .call = call_of(req) };
		log_info("reg", &ids, "%s at %s for %us, media security 0x%x%s", aor, key, expires,
			 mechs & ~REG_BEHIND_NAT, mechs & REG_BEHIND_NAT ? ", behind a NAT" : "");
		su_free(NULL, uri), su_free(NULL, contact);
	}
}

/* What Security-Server tells the UE: the mechanisms it offered that we have (g_free it; NULL: none). */
static char *security_server(const struct proxy *p, const sip_t *req)
{
	return reg_mech_header(p->mechs & mechs_of(req));
}

/* Whether a REGISTER may change the bindings (RFC 3261 §10.3 steps 6-7): 0, else the status that
 * refuses it and its phrase. */
static int register_refused(const struct proxy *p, const sip_t *sip, const char **phrase)
{
	const sip_contact_t *first = sip->sip_contact;
	for (const sip_contact_t *m = first; m; m = m->m_next) {
		unsigned asked = expires_of(sip, m);
		if (m->m_url->url_type == url_any &&
		    (m != first || m->m_next || !sip->sip_expires || sip->sip_expires->ex_delta))
			return *phrase = "Contact * only alone and with Expires: 0", 400;
		if (m->m_url->url_type != url_any && asked && asked < (unsigned)p->cfg->min_expires)
			return *phrase = sip_423_Interval_too_brief, 423;
	}
	return 0;
}

static void list_binding(const char *contact, unsigned expires, void *arg)
{
	g_string_append_printf(arg, "%s<%s>;expires=%u", ((GString *)arg)->len ? ", " : "", contact, expires);
}

/* A REGISTER at the registrar: the bindings changed (Contact: * removes them all), the 200 listing each
 * current one with the expiry granted, and Expires the one granted to the first contact (step 8). */
static void registrar(struct proxy *p, struct side *s, nta_incoming_t *irq, const sip_t *sip)
{
	const struct log_ids ids = { .call = call_of(sip) };
	const char *phrase = NULL;
	char aor[256], expires[16] = "", min[24];
	int status = register_refused(p, sip, &phrase);
	if (status) {
		log_notice("reg", &ids, "REGISTER refused: %d %s", status, phrase);
		snprintf(min, sizeof min, "%ld", p->cfg->min_expires);
		reply(p, s, irq, status, phrase, TAG_IF(status == 423, SIPTAG_MIN_EXPIRES_STR(min)),
		      TAG_END());
		nta_incoming_destroy(irq);
		return;
	}
	aor_key(sip->sip_to->a_url, aor, sizeof aor);
	record(p, sip, NULL);
	if (sip->sip_contact && sip->sip_contact->m_url->url_type != url_any)
		snprintf(expires, sizeof expires, "%u", granted(p, sip, sip->sip_contact));
	GString *bound = g_string_new(NULL);
	reg_each(p->reg, aor, now_s(), list_binding, bound);
	char *server = security_server(p, sip);
	reply(p, s, irq, SIP_200_OK, TAG_IF(bound->len, SIPTAG_CONTACT_STR(bound->str)),
	      TAG_IF(*expires, SIPTAG_EXPIRES_STR(expires)),
	      TAG_IF(server, SIPTAG_SECURITY_SERVER_STR(server)), TAG_END());
	nta_incoming_destroy(irq);
	g_string_free(bound, TRUE);
	g_free(server);
}

/* The core registrar's 2xx to a REGISTER we forwarded: recorded, and our mechanisms added for the UE. */
static void registered(struct fwd *f, msg_t *msg, sip_t *sip)
{
	msg_t *req = nta_incoming_getrequest(f->irq);
	record(f->p, sip_object(req), sip);
	char *server = security_server(f->p, sip_object(req));
	if (server)
		sip_add_tl(msg, sip, SIPTAG_SECURITY_SERVER_STR(server), TAG_END());
	g_free(server);
	msg_destroy(req);
}

/* ---- requests of our own in a dialog (RFC 3261 §12.2.1.1) ---- */

/* Sends method on side out toward one party of the dialog that the INVITE inv and its 2xx ok set up:
 * the caller (at inv's Contact, ok's To as From) or the callee (at ok's Contact); CSeq seq. */
static void send_own(struct proxy *p, int out, const sip_t *inv, const sip_t *ok, bool to_caller,
		     sip_method_t method, const char *name, uint32_t seq)
{
	const sip_addr_t *caller = inv->sip_from, *callee = ok->sip_to;
	const sip_contact_t *target = to_caller ? inv->sip_contact : ok->sip_contact;
	if (!target)
		return;
	char cseq[40];
	snprintf(cseq, sizeof cseq, "%u %s", seq, name);
	sip_addr_t from = *(to_caller ? callee : caller), to = *(to_caller ? caller : callee);
	from.a_common->h_succ = NULL, to.a_common->h_succ = NULL;
	msg_t *msg = nta_msg_create(p->sides[out].agent, 0);
	sip_t *sip = sip_object(msg);
	sip_request_t *rq =
	    sip_request_create(msg_home(msg), method, name, (const url_string_t *)target->m_url, NULL);
	sip_add_tl(msg, sip, SIPTAG_REQUEST(rq), SIPTAG_CALL_ID(inv->sip_call_id), SIPTAG_FROM(&from),
		   SIPTAG_TO(&to), SIPTAG_CSEQ_STR(cseq), SIPTAG_MAX_FORWARDS_STR("70"),
		   TAG_IF(method == sip_method_bye, SIPTAG_REASON_STR("SIP;cause=503;text=\"media failed\"")),
		   SIPTAG_CONTENT_LENGTH_STR("0"), TAG_END());
	trace_msg(p, false, &p->sides[out], msg, target->m_url);
	nta_outgoing_t *o = nta_outgoing_mcreate(p->sides[out].agent, NULL, NULL, NULL, msg, TAG_END());
	if (o)
		nta_outgoing_destroy(o);
	else
		msg_destroy(msg);
}

/* BYE to one party of an answered dialog. */
static void bye(struct proxy *p, struct dlg *d, bool to_caller)
{
	const sip_t *inv = sip_object(d->invite), *ok = sip_object(d->ok);
	uint32_t seq = inv->sip_cseq->cs_seq;
	send_own(p, (to_caller == d->orig) ? ACCESS : CORE, inv, ok, to_caller, SIP_METHOD_BYE,
		 to_caller ? 1000000u + seq : seq + 1);
}

/* A 2xx to an INVITE whose dialog has ended: the callee holds a session nobody will use. It gets its
 * ACK and, unless it was already sent one, a BYE (RFC 3261 §15). */
static void release_callee(struct fwd *f, const sip_t *ok, bool with_bye)
{
	if (f->method != sip_method_invite || !f->orq)
		return;
	msg_t *req = nta_outgoing_getrequest(f->orq);
	const sip_t *inv = req ? sip_object(req) : NULL;
	if (inv && inv->sip_cseq && ok->sip_to && ok->sip_to->a_tag) {
		log_notice("sip", &(struct log_ids){ .call = call_of(inv) },
			   "2xx after the dialog ended: ACK%s to the callee", with_bye ? " and BYE" : "");
		send_own(f->p, f->out->which, inv, ok, false, SIP_METHOD_ACK, inv->sip_cseq->cs_seq);
		if (with_bye)
			send_own(f->p, f->out->which, inv, ok, false, SIP_METHOD_BYE, inv->sip_cseq->cs_seq + 1);
	}
	if (req)
		msg_destroy(req);
}

/* The proxy ends a dialog whose media failed: an answered one with BYE to both parties, one still
 * being set up with status to the caller and CANCEL to the callee (ACK and BYE after a 2xx). */
static void release(struct proxy *p, struct dlg *d, int status, const char *phrase, const char *why)
{
	if (!d)
		return;
	const struct log_ids ids = { .call = d->call_id };
	if (d->invite && d->ok) {
		log_notice("sip", &ids, "releasing the call with BYE to both parties: %s", why);
		bye(p, d, true);
		bye(p, d, false);
		d->released = true;
	} else {
		log_notice("sip", &ids, "ending the call before its answer: %s", why);
	}
	dlg_end_as(d, status, phrase, why);
}

/* ---- forwarding ---- */

static void fwd_bind(struct fwd *f, struct dlg *d)
{
	f->dlg = d;
	if (d)
		d->fwds = g_slist_prepend(d->fwds, f);
}

/* f no longer belongs to its dialog; returns the dialog it had. */
static struct dlg *fwd_unbind(struct fwd *f)
{
	struct dlg *d = f->dlg;
	if (d)
		d->fwds = g_slist_remove(d->fwds, f);
	f->dlg = NULL;
	return d;
}

static void fwd_free(struct fwd *f)
{
	fwd_unbind(f);
	if (f->irq)
		nta_incoming_destroy(f->irq);
	if (f->orq)
		nta_outgoing_destroy(f->orq);
	if (f->msg)
		msg_destroy(f->msg);
	su_free(NULL, f->target);
	msg_t *m;
	while ((m = g_queue_pop_head(&f->responses)))
		msg_destroy(m);
	g_free(f);
}

/* Fails the request with status (the proxy's own answer); the dialog ends when it was the INVITE. */
static void fwd_fail(struct fwd *f, int status, const char *phrase)
{
	const sip_t *sip = sip_object(f->msg);
	const struct log_ids ids = { .call = call_of(sip) };
	log_notice("sip", &ids, "%s: answering %d %s", sip->sip_request->rq_method_name, status, phrase);
	reply(f->p, f->in, f->irq, status, phrase, TAG_END());
	struct dlg *d = fwd_unbind(f);
	if (f->initial)
		dlg_end_as(d, status, phrase, phrase);
	fwd_free(f);
}

/* CANCEL of the INVITE f sent on (RFC 3261 §9.1), in the trace. */
static void cancel_on(struct fwd *f)
{
	nta_outgoing_t *c = nta_outgoing_tcancel(f->orq, NULL, NULL, TAG_END());
	msg_t *m = c ? nta_outgoing_getrequest(c) : NULL;
	if (m)
		trace_msg(f->p, false, f->out, m, f->target), msg_destroy(m);
	if (c)
		nta_outgoing_destroy(c);
}

/* The dialog of f ended under it (dlg_end_as): the request is answered with status now, whatever
 * waited on the call is dropped (a 2xx among it released), and the request that went on is cancelled;
 * f lives on without its server side until the final response. */
static void fwd_abort(struct fwd *f, const char *call, int status, const char *phrase, const char *why,
		      bool bye)
{
	fwd_unbind(f);
	if (f->irq) {
		log_notice("sip", &(struct log_ids){ .call = call }, "a request under way answered %d: %s",
			   status, why);
		reply(f->p, f->in, f->irq, status, phrase, TAG_END());
		nta_incoming_destroy(f->irq), f->irq = NULL;
	}
	if (f->msg) { /* it had not gone on yet: the call held its offer */
		fwd_free(f);
		return;
	}
	bool final = false;
	msg_t *m;
	while ((m = g_queue_pop_head(&f->responses))) {
		int st = sip_object(m)->sip_status->st_status;
		if (st >= 200 && st < 300)
			release_callee(f, sip_object(m), bye);
		final |= st >= 200;
		msg_destroy(m);
	}
	f->answering = false;
	if (final || !f->orq) {
		fwd_free(f);
		return;
	}
	if (f->method == sip_method_invite)
		cancel_on(f);
}

static int on_response(struct fwd *f, nta_outgoing_t *orq, const sip_t *sip);

static void send_on(struct fwd *f)
{
	struct proxy *p = f->p;
	sip_t *sip = sip_object(f->msg);
	const url_t *target = target_of(p, f, sip);
	trace_msg(p, false, f->out, f->msg, target);
	f->target = url_hdup(NULL, target);
	bool ack = f->method == sip_method_ack;
	f->orq = nta_outgoing_mcreate(f->out->agent, ack ? NULL : on_response, ack ? NULL : f,
				      (const url_string_t *)target, f->msg, TAG_END());
	if (!f->orq && !ack) { /* f->msg is still ours */
		fwd_fail(f, SIP_503_SERVICE_UNAVAILABLE);
		return;
	}
	f->msg = NULL; /* nta's now */
	if (ack) {     /* nta is done with an ACK once it is sent */
		f->orq = NULL;
		fwd_free(f);
	}
}

static void on_offer_done(void *arg, int status, const char *phrase, char *body)
{
	struct fwd *f = arg;
	if (status) {
		fwd_fail(f, status, phrase);
		g_free(body);
		return;
	}
	if (body)
		set_body(f->msg, sip_object(f->msg), body);
	g_free(body);
	send_on(f);
}

/* ---- responses ---- */

static void relay(struct fwd *f, msg_t *msg);
static void relay_now(struct fwd *f, msg_t *msg);

static void on_answer_done(void *arg, int status, const char *phrase, char *body)
{
	struct fwd *f = arg;
	msg_t *msg = g_queue_pop_head(&f->responses);
	sip_t *sip = sip_object(msg);
	f->answering = false;
	if (status) { /* the answer cannot be carried: the call ends (the offerer gets the failure, the
		       * answerer a CANCEL, or ACK and BYE after its 2xx) */
		log_notice("sip", &(struct log_ids){ .call = call_of(sip) }, "answer refused: %d %s", status,
			   phrase);
		g_queue_push_head(&f->responses, msg);
		if (f->dlg)
			release(f->p, f->dlg, status, phrase, phrase);
		else
			fwd_abort(f, call_of(sip), status, phrase, phrase, true);
		return;
	}
	if (body)
		set_body(msg, sip, body);
	g_free(body);
	relay_now(f, msg);
}

/* Sends one response back, in order; answers with SDP go through the call first. */
static void relay(struct fwd *f, msg_t *msg)
{
	sip_t *sip = sip_object(msg);
	int status = sip->sip_status->st_status;
	if (f->dlg && f->dlg->call && status < 300 && has_sdp(sip) && !f->answering && offers(f->method)) {
		f->answering = true;
		g_queue_push_head(&f->responses, msg);
		call_answer(f->dlg->call, sip->sip_payload->pl_data, sip->sip_payload->pl_len, on_answer_done,
			    f);
		return;
	}
	relay_now(f, msg);
}

/* Sends it now, then the next one that waited. */
static void relay_now(struct fwd *f, msg_t *msg)
{
	sip_t *sip = sip_object(msg);
	int status = sip->sip_status->st_status;
	if (status >= 200 && status < 300 && f->dlg && f->initial && !f->dlg->ok)
		f->dlg->ok = msg_ref_create(msg);
	if (status >= 200 && status < 300 && f->method == sip_method_register)
		registered(f, msg, sip);
	trace_msg(f->p, false, f->in, msg, NULL);
	nta_incoming_mreply(f->irq, msg);
	if (status >= 200) {
		if (status >= 300 && f->initial && f->dlg)
			dlg_end(fwd_unbind(f), sip->sip_status->st_phrase);
		if (!f->answering && g_queue_is_empty(&f->responses)) {
			fwd_free(f);
			return;
		}
	}
	msg_t *next = !f->answering ? g_queue_pop_head(&f->responses) : NULL;
	if (next)
		relay(f, next);
}

static int on_response(struct fwd *f, nta_outgoing_t *orq, const sip_t *sip)
{
	msg_t *got = nta_outgoing_getresponse(orq);
	msg_t *msg = msg_copy(got);
	trace_msg(f->p, true, f->out, got, NULL);
	msg_destroy(got);
	sip_t *copy = sip_object(msg);
	sip_via_remove(msg, copy);
	if (!f->irq) { /* the server side is answered (its dialog ended): drop, end with the final one */
		int status = copy->sip_status->st_status;
		if (status >= 200 && status < 300)
			release_callee(f, copy, true);
		msg_destroy(msg);
		if (status >= 200)
			fwd_free(f);
		return 0;
	}
	if (f->answering)
		g_queue_push_tail(&f->responses, msg);
	else
		relay(f, msg);
	return 0;
}

static int on_cancel(struct fwd *f, nta_incoming_t *irq, const sip_t *sip)
{
	const struct log_ids ids = { .call = call_of(sip) };
	if (f->orq) {
		log_info("sip", &ids, "CANCEL: forwarded");
		cancel_on(f);
		return 0;
	}
	log_info("sip", &ids, "CANCEL before the INVITE went on: answering 487, releasing the gateway");
	reply(f->p, f->in, f->irq, SIP_487_REQUEST_TERMINATED, TAG_END());
	if (f->dlg)
		dlg_end(fwd_unbind(f), "CANCEL");
	fwd_free(f); /* the call's pending offer went with it: nothing else holds f */
	return 0;
}

/* ---- requests ---- */

/* The originating UE's registration says which mechanisms it has (by contact, then by AOR). */
static struct media_policy policy_of(struct proxy *p, const sip_t *sip, bool orig)
{
	char key[256];
	unsigned mechs = 0;
	const url_t *who =
	    orig ? (sip->sip_contact ? sip->sip_contact->m_url : NULL) : sip->sip_request->rq_url;
	if (who) {
		contact_key(who, key, sizeof key);
		if (!reg_find(p->reg, key, now_s(), NULL, &mechs)) {
			aor_key(orig ? sip->sip_from->a_url : who, key, sizeof key);
			reg_find(p->reg, key, now_s(), NULL, &mechs);
		}
	}
	bool nat = mechs & REG_BEHIND_NAT;
	mechs &= p->mechs;
	return (struct media_policy){ .e2ae = profile_at(p->cfg->profile)->e2ae,
				      .merge = p->cfg->merge_all || (nat && p->cfg->merge_nat),
				      .ue_msrp = mechs & REG_MSRP_TLS,
				      .ue_bfcp = mechs & REG_BFCP_TLS,
				      .ue_t38 = mechs & REG_UDPTL_DTLS,
				      .force_orig = p->cfg->force_orig,
				      .force_term = p->cfg->force_term,
				      .weak_hashes = p->cfg->allow_sha1 };
}

/* The option tags ims-alg understands (RFC 3261 §8.2.2.3, §16.3 step 4): sec-agree, the agreement whose
 * Security-Client and Security-Server it handles (RFC 3329 §4.2, TS 24.229 §5.2.2). */
static const char *const option_tags[] = { "sec-agree", NULL };

/* Appends the option tags of a Require or Proxy-Require that ims-alg does not understand to out. */
static void not_understood(const msg_list_t *list, GString *out)
{
	for (; list; list = list->k_next)
		for (const msg_param_t *t = list->k_items; t && *t; t++)
			if (!g_strv_contains(option_tags, *t))
				g_string_append_printf(out, "%s%s", out->len ? ", " : "", *t);
}

/* A request that needs an option tag ims-alg does not understand gets 420 with Unsupported naming it.
 * As a proxy only Proxy-Require is ours (RFC 3261 §16.3 step 4); a Require is for the UAS, which
 * answers it itself. As the UAS (uas: the registrar, OPTIONS to us, the MRFC's dial-in) Require too
 * (§8.2.2.3). ACK and CANCEL are never refused. True when answered. */
static bool bad_extension(struct proxy *p, struct side *s, nta_incoming_t *irq, const sip_t *sip, bool uas)
{
	sip_method_t m = sip->sip_request->rq_method;
	if (m == sip_method_ack || m == sip_method_cancel)
		return false;
	GString *tags = g_string_new(NULL);
	not_understood(sip->sip_proxy_require, tags);
	if (uas)
		not_understood(sip->sip_require, tags);
	bool refused = tags->len > 0;
	if (refused) {
		log_notice("sip", &(struct log_ids){ .call = call_of(sip) },
			   "%s needs what we do not support: %s", sip->sip_request->rq_method_name,
			   tags->str);
		reply(p, s, irq, SIP_420_BAD_EXTENSION, SIPTAG_UNSUPPORTED_STR(tags->str), TAG_END());
		nta_incoming_destroy(irq);
	}
	g_string_free(tags, TRUE);
	return refused;
}

/* Where a request to an address of record goes (RFC 3261 §16.5): from the core side, to the AOR's
 * registered contact. A new one for an AOR without a binding ends here when it would come back to us:
 * 404 for an AOR never registered, 480 for one without a current binding. It would when ims-alg is a
 * lab's registrar without a core (from the access side, its next stop is our own core side) and when
 * its Request-URI names us; forwarded, it came back to the other side as a new request, a call and
 * its Adds each time, until Max-Forwards ran out. 0 when it goes on. */
static int to_aor(struct proxy *p, struct fwd *f, sip_t *out)
{
	bool lab = f->in->which == ACCESS && !p->next_hop && p->cfg->registrar;
	if (out->sip_route || (f->in->which == ACCESS && !lab))
		return 0;
	const url_t *ru = out->sip_request->rq_url;
	char aor[256], key[256];
	const char *uri;
	aor_key(ru, aor, sizeof aor);
	enum reg_state st = reg_state_of(p->reg, aor, now_s());
	if (st == REG_BOUND) {
		if (f->in->which == CORE && reg_find(p->reg, aor, now_s(), &uri, NULL)) {
			sip_request_t *rq =
			    sip_request_create(msg_home(f->msg), f->method, out->sip_request->rq_method_name,
					       URL_STRING_MAKE(uri), NULL);
			if (rq)
				msg_header_replace(f->msg, (msg_pub_t *)out, (msg_header_t *)out->sip_request,
						   (msg_header_t *)rq);
		}
		return 0;
	}
	contact_key(ru, key, sizeof key);
	if (!f->initial || f->method == sip_method_ack || f->method == sip_method_cancel ||
	    reg_find(p->reg, key, now_s(), NULL, NULL))
		return 0; /* in a dialog, or to a contact registered here */
	if (!lab && !is_us(&p->sides[ACCESS], ru) && !is_us(&p->sides[CORE], ru))
		return 0;
	return st == REG_UNBOUND ? 480 : 404;
}

/* ---- the MRFC as conference focus (mp): the UAS of a dial-in ---- */

static void on_focus_answer(void *arg, int status, const char *phrase, char *body)
{
	struct dlg *d = arg;
	struct side *s = &d->p->sides[ACCESS];
	nta_incoming_t *irq = d->dial_in;
	d->dial_in = NULL;
	if (status) {
		reply(d->p, s, irq, status, phrase, TAG_END());
		dlg_end(d, phrase); /* the participant goes with it */
	} else {
		d->ok =
		    respond(d->p, s, irq, true, SIP_200_OK, SIPTAG_CONTACT_STR(s->uri),
			    SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(body), TAG_END());
	}
	g_free(body);
}

/* An initial INVITE to a conference URI: the MRFC answers it itself (TS 23.333 §6.2.20). */
static void dial_in(struct proxy *p, nta_incoming_t *irq, const sip_t *sip, msg_t *got)
{
	struct dlg *d = dlg_new(p, sip, true);
	d->invite = got;
	d->dial_in = irq;
	d->part = focus_join(p->focus, sip->sip_request->rq_url->url_user, sip->sip_call_id->i_id, d);
	focus_offer(d->part, sip->sip_payload ? sip->sip_payload->pl_data : NULL,
		    sip->sip_payload ? sip->sip_payload->pl_len : 0, on_focus_answer, d);
}

static void on_focus_failed(void *arg, struct participant *part, const char *why)
{
	struct proxy *p = arg;
	struct dlg *d = focus_owner(part);
	const struct log_ids ids = { .call = focus_call_id(part) };
	log_notice("sip", &ids, "the conference's media failed, BYE to the participant: %s", why);
	if (d->ok)
		bye(p, d, true);
	dlg_end(d, why);
}

/* ACK and BYE of a dial-in's dialog: the MRFC is their UAS. True when taken. */
static bool in_dial_in(struct proxy *p, struct side *s, nta_incoming_t *irq, const sip_t *sip)
{
	struct dlg *d = s->which == ACCESS && sip->sip_to->a_tag ? dlg_find(p, sip, ACCESS) : NULL;
	if (!d || !d->part)
		return false;
	sip_method_t method = sip->sip_request->rq_method;
	if (method == sip_method_bye) {
		reply(p, s, irq, SIP_200_OK, TAG_END());
		dlg_end(d, "BYE");
	} else if (method != sip_method_ack) {
		reply(p, s, irq, SIP_501_NOT_IMPLEMENTED, TAG_END());
	}
	return true;
}

/* The address a request came from (the top Via's received=, which nta writes when it differs). */
static const char *source_of(const sip_t *sip)
{
	const char *port;
	return sip->sip_via ? via_source(sip->sip_via, &port) : "";
}

/* A P-CSCF serves the UEs registered with it (TS 24.229 §5.2.6.3): a new request from the access side
 * from an address no UE registered from gets 403, and so does an INVITE beyond the calls one address
 * may have at once, before any H.248. True when refused. */
static bool refused_stranger(struct proxy *p, struct side *s, nta_incoming_t *irq, const sip_t *sip)
{
	sip_method_t m = sip->sip_request->rq_method;
	if (s->which != ACCESS || sip->sip_to->a_tag || m == sip_method_register || m == sip_method_ack ||
	    m == sip_method_cancel)
		return false;
	const struct log_ids ids = { .call = call_of(sip) };
	const char *from = source_of(sip);
	if (p->cfg->registered_only && profile_at(p->cfg->profile)->registered_ues &&
	    !reg_from(p->reg, from, now_s())) {
		log_counted(&p->unregistered, &ids, "%s from %s", sip->sip_request->rq_method_name, from);
		reply(p, s, irq, 403, "Forbidden (not registered)", TAG_END());
		nta_incoming_destroy(irq);
		return true;
	}
	if (m == sip_method_invite && ue_count(p, from, 0) >= (unsigned)p->cfg->max_calls) {
		log_counted(&p->too_many, &ids, "INVITE from %s, which has %ld calls", from, p->cfg->max_calls);
		reply(p, s, irq, 403, "Forbidden (too many calls)", TAG_END());
		nta_incoming_destroy(irq);
		return true;
	}
	return false;
}

static int on_request(struct side *s, nta_leg_t *leg, nta_incoming_t *irq, const sip_t *sip)
{
	struct proxy *p = s->p;
	sip_method_t method = sip->sip_request->rq_method;
	const struct log_ids ids = { .call = call_of(sip) };
	msg_t *got = nta_incoming_getrequest(irq);
	trace_msg(p, true, s, got, NULL);
	bool ping = method == sip_method_options && !sip->sip_to->a_tag && is_us(s, sip->sip_request->rq_url),
	     registering = method == sip_method_register && s->which == ACCESS && p->cfg->registrar,
	     dialing_in = p->focus && s->which == ACCESS && method == sip_method_invite &&
			  !sip->sip_to->a_tag && focus_serves(p->focus, sip->sip_request->rq_url->url_user);
	if (bad_extension(p, s, irq, sip, ping || registering || dialing_in)) {
		msg_destroy(got);
		return 0;
	}
	if (ping) {
		msg_destroy(got);
		return 200;
	}
	if (registering) {
		msg_destroy(got);
		registrar(p, s, irq, sip);
		return 0;
	}
	if (dialing_in) {
		dial_in(p, irq, sip, got);
		return 0;
	}
	if (p->focus && in_dial_in(p, s, irq, sip)) {
		msg_destroy(got);
		return 0;
	}
	if (sip->sip_to->a_tag && !sip->sip_route && is_us(s, sip->sip_request->rq_url)) {
		/* a dialog whose UAS we were (a dial-in the MRFC has ended meanwhile): forwarding it to its
		 * Request-URI would send it to ourselves, round and round until Max-Forwards runs out */
		log_info("sip", &ids, "%s for a dialog that no longer exists",
			 sip->sip_request->rq_method_name);
		msg_destroy(got);
		if (method != sip_method_ack)
			reply(p, s, irq, SIP_481_NO_TRANSACTION, TAG_END());
		return 0;
	}
	if (refused_stranger(p, s, irq, sip)) {
		msg_destroy(got);
		return 0;
	}
	struct fwd *f = g_new0(struct fwd, 1);
	*f = (struct fwd){ .p = p, .in = s, .out = &p->sides[!s->which], .irq = irq, .method = method };
	g_queue_init(&f->responses);
	f->msg = msg_copy(got);
	msg_destroy(got);
	if (method != sip_method_ack && sip->sip_max_forwards && sip->sip_max_forwards->mf_count == 0) {
		fwd_fail(f, SIP_483_TOO_MANY_HOPS);
		return 0;
	}
	sip_t *out = sip_object(f->msg);
	if (out->sip_max_forwards) {
		char mf[16];
		snprintf(mf, sizeof mf, "%lu", out->sip_max_forwards->mf_count - 1);
		sip_header_remove(f->msg, out, (sip_header_t *)out->sip_max_forwards);
		sip_add_tl(f->msg, out, SIPTAG_MAX_FORWARDS_STR(mf), TAG_END());
	}
	pop_routes(p, f->msg, out, s->which);
	f->initial = !sip->sip_to->a_tag;
	if (method == sip_method_register) { /* forwarded: the core learns nothing of mediasec */
		for (sip_security_client_t *sc = out->sip_security_client, *next; sc; sc = next) {
			next = sc->sa_next;
			if (sc->sa_mec && msg_params_find(sc->sa_params, "mediasec"))
				sip_header_remove(f->msg, out, (sip_header_t *)sc);
		}
		char *path = g_strdup_printf("<%s;lr>", p->sides[CORE].uri); /* RFC 3327: loose routing */
		sip_add_tl(f->msg, out, SIPTAG_PATH_STR(path), TAG_END());
		g_free(path);
	}
	int unbound = to_aor(p, f, out);
	if (unbound) {
		fwd_fail(f, unbound, unbound == 480 ? sip_480_Temporarily_unavailable : sip_404_Not_found);
		return 0;
	}
	if (method == sip_method_invite) {
		nta_incoming_bind(irq, on_cancel, f);
		if (f->initial) {
			record_route(p, f, out, sip);
			fwd_bind(f, dlg_new(p, sip, s->which == ACCESS));
			if (s->which == ACCESS)
				f->dlg->ue = g_strdup(source_of(sip)), ue_count(p, f->dlg->ue, +1);
			f->dlg->invite = msg_ref_create(f->msg);
			struct media_policy pol = policy_of(p, sip, f->dlg->orig);
			f->dlg->call = call_new(p->calls, sip->sip_call_id->i_id, f->dlg->orig, &pol);
			call_set_owner(f->dlg->call, f->dlg);
		}
	}
	if (offers(method) && !f->dlg)
		fwd_bind(f, dlg_find(p, sip, s->which));
	if (f->dlg && has_sdp(out)) { /* an offer (in a re-INVITE, RFC 3311 UPDATE or RFC 3262 PRACK too) */
		call_offer(f->dlg->call, out->sip_payload->pl_data, out->sip_payload->pl_len, on_offer_done,
			   f);
		return 0;
	}
	if (method == sip_method_bye) {
		struct dlg *d = dlg_find(p, sip, s->which);
		if (d)
			dlg_end(d, "BYE");
	}
	log_debug("sip", &ids, "%s: forwarded to the %s side", sip->sip_request->rq_method_name,
		  side_names[f->out->which]);
	send_on(f);
	return 0;
}

/* ---- release by the proxy: BYE to both parties ---- */

static void on_call_failed(void *arg, struct call *c, const char *why)
{
	release(arg, call_owner(c), 488, "Not Acceptable Here (media failed)", why);
}

/* ---- life ---- */

static char *side_uri(const struct alg_sip_side *s)
{
	char *host = strchr(s->address, ':') ? g_strdup_printf("[%s]", s->address) : g_strdup(s->address);
	char *uri = g_strdup_printf("sip:%s:%ld", host, s->port);
	g_free(host);
	return uri;
}

static bool side_start(struct proxy *p, su_root_t *root, int which, const struct alg_sip_side *c, char **err)
{
	struct side *s = &p->sides[which];
	s->p = p, s->which = which;
	su_home_init(s->home);
	s->uri = side_uri(c);
	s->url = url_make(s->home, s->uri);
	const char *tp = c->transport == ALG_TRANSPORT_UDP   ? ";transport=udp"
			 : c->transport == ALG_TRANSPORT_TCP ? ";transport=tcp"
							     : "";
	char *bind = g_strdup_printf("%s%s", s->uri, tp);
	s->agent =
	    nta_agent_create(root, URL_STRING_MAKE(bind), NULL, NULL, NTATAG_UA(0), NTATAG_CANCEL_487(0),
			     NTATAG_SERVER_RPORT(1), NTATAG_CLIENT_RPORT(1), TAG_END());
	g_free(bind);
	if (!s->agent) {
		*err = g_strdup_printf("cannot bind the %s side %s: %s", side_names[which], s->uri,
				       g_strerror(errno));
		return false;
	}
	s->leg = nta_leg_tcreate(s->agent, on_request, s, NTATAG_NO_DIALOG(1), TAG_END());
	return s->leg != NULL;
}

struct proxy *proxy_new(su_root_t *root, const struct alg_config *cfg, struct mgc *mgc, struct trace *trace,
			char **err)
{
	struct proxy *p = g_new0(struct proxy, 1);
	su_home_init(p->home);
	p->cfg = cfg, p->trace = trace;
	p->reg = reg_new();
	p->dialogs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	p->ue_calls = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	p->unregistered = (struct log_counter){ .component = "sip", .what = "refused: no UE registered from there" };
	p->too_many = (struct log_counter){ .component = "sip", .what = "refused: too many calls from one address" };
	for (char **m = cfg->mediasec; m && *m; m++)
		p->mechs |= reg_mech_bit(*m);
	static const struct call_ops cops = { .failed = on_call_failed };
	p->calls = calls_new(mgc, cfg, &cops, p);
	static const struct focus_ops fops = { .failed = on_focus_failed };
	if (profile_at(cfg->profile)->focus)
		p->focus = focus_new(mgc, cfg, &fops, p);
	if (*cfg->next_hop && !(p->next_hop = url_make(p->home, cfg->next_hop))) {
		*err = g_strdup_printf("sip.core.next_hop: \"%s\" is not a SIP URI", cfg->next_hop);
		proxy_free(p);
		return NULL;
	}
	if (!side_start(p, root, ACCESS, &cfg->access, err) || !side_start(p, root, CORE, &cfg->core, err)) {
		proxy_free(p);
		return NULL;
	}
	return p;
}

void proxy_gateway_event(struct proxy *p, struct mgc_agw *agw, const char *ctx, const char *term,
			 const char *event, const char *reason)
{
	calls_gateway_event(p->calls, agw, ctx, term, event, reason);
	focus_gateway_event(p->focus, agw, ctx, term, event, reason);
}

void proxy_gateway_lost(struct proxy *p, struct mgc_agw *agw, const char *why)
{
	calls_gateway_lost(p->calls, agw, why);
	focus_gateway_lost(p->focus, agw, why);
}

void proxy_free(struct proxy *p)
{
	if (!p)
		return;
	GPtrArray *all = g_ptr_array_new();
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, p->dialogs);
	while (g_hash_table_iter_next(&it, NULL, &v))
		for (GSList *l = v; l; l = l->next)
			g_ptr_array_add(all, l->data);
	for (unsigned i = 0; i < all->len; i++)
		dlg_end(all->pdata[i], "shutting down");
	g_ptr_array_free(all, TRUE);
	for (int i = 0; i < 2; i++) {
		struct side *s = &p->sides[i];
		if (s->leg)
			nta_leg_destroy(s->leg);
		if (s->agent)
			nta_agent_destroy(s->agent);
		if (s->uri)
			su_home_deinit(s->home);
		g_free(s->uri);
	}
	calls_free(p->calls);
	focus_free(p->focus);
	reg_free(p->reg);
	g_hash_table_destroy(p->dialogs);
	g_hash_table_destroy(p->ue_calls);
	su_home_deinit(p->home);
	g_free(p);
}
