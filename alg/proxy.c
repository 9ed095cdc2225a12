/* SPDX-License-Identifier: GPL-3.0-or-later */
/* proxy: see proxy.h. This file holds the two sides (their nta agents, the proxy's life), the trace of
 * every message, and what arrives on a side before anything is forwarded: the requests the proxy
 * answers itself (OPTIONS to us, REGISTER at the registrar, the MRFC's dial-in) and the access check.
 * Forwarding is forward.c's, dialogs and the proxy's own requests in them dialog.c's (proxy_int.h),
 * registration registrar.c's. */
#include "config.h"

#include "proxy_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <sofia-sip/tport_tag.h>

#include "focus.h"
#include "log.h"
#include "profile.h"
#include "registrar.h"
#include "siptcp.h"
#include "siptls.h"
#include "sockaddr.h"
#include "trace.h"

const char *const proxy_side_names[2] = { "access", "core" };

const char *proxy_call_of(const sip_t *sip)
{
	return sip && sip->sip_call_id ? sip->sip_call_id->i_id : NULL;
}

/* Where a message came from (rx: its source) or goes (a request: its target; a response: its top Via,
 * received and rport first), as "host:port" for the trace. */
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
		const char *port, *host = registrar_via_source(sip->sip_via, &port);
		snprintf(out, 80, "%s:%s", host, port ? port : "5060");
	}
}

/* The text of a message: as nta sent it (its buffer, as the transport wrote it, once it is prepared for
 * sending: its Via, Record-Route and Content-Length in), else as it encodes now. */
static char *text_of(su_home_t *home, msg_t *msg, size_t *len)
{
	isize_t n = msg_is_prepared(msg) ? msg_iovec(msg, NULL, 0) : 0;
	msg_iovec_t *vec = n > 0 ? su_alloc(home, sizeof *vec * (size_t)n) : NULL;
	if (!vec || msg_iovec(msg, vec, n) != n)
		return msg_as_string(home, msg, NULL, 0, len);
	GString *b = g_string_new(NULL);
	for (isize_t i = 0; i < n; i++)
		g_string_append_len(b, vec[i].siv_base, (gssize)vec[i].siv_len);
	*len = b->len;
	char *text = su_strndup(home, b->str, (isize_t)b->len);
	g_string_free(b, TRUE);
	return text;
}

static void trace_msg(struct proxy *p, bool rx, struct side *s, msg_t *msg, const url_t *target,
		      const struct timespec *at)
{
	sip_t *sip = sip_object(msg);
	if (sip && (sip->sip_request || sip->sip_status)) /* counted for the metrics, traced or not */
		alg_sip_count(&p->sip, s->which, rx, sip->sip_request ? (int)sip->sip_request->rq_method : 0,
			      sip->sip_request ? 0 : sip->sip_status->st_status);
	if (!p->trace)
		return;
	char summary[96] = "";
	if (sip && sip->sip_request)
		snprintf(summary, sizeof summary, "%s %s", sip->sip_request->rq_method_name,
			 sip->sip_request->rq_url->url_host ? sip->sip_request->rq_url->url_host : "");
	else if (sip && sip->sip_status)
		snprintf(summary, sizeof summary, "%d %s", sip->sip_status->st_status,
			 sip->sip_status->st_phrase);
	size_t len = 0;
	su_home_t home[1] = { SU_HOME_INIT(home) };
	char *text = text_of(home, msg, &len), peer[80];
	peer_of(msg, rx, target, peer);
	trace_emit(p->trace, &(struct trace_event){ .kind = rx ? TRACE_SIP_RX : TRACE_SIP_TX,
						    .call = proxy_call_of(sip),
						    .from = rx ? peer : s->uri,
						    .to = rx ? s->uri : peer,
						    .summary = summary,
						    .at = at,
						    .raw = text,
						    .raw_len = text ? len : 0 });
	su_home_deinit(home);
}

void proxy_trace(struct proxy *p, bool rx, struct side *s, msg_t *msg, const url_t *target)
{
	trace_msg(p, rx, s, msg, target, NULL);
}

void proxy_trace_sent(struct proxy *p, struct side *s, msg_t *msg, const url_t *target,
		      const struct timespec *at)
{
	trace_msg(p, false, s, msg, target, at);
}

msg_t *proxy_respond(struct proxy *p, struct side *s, nta_incoming_t *irq, bool keep, int status,
		     const char *phrase, tag_type_t tag, tag_value_t value, ...)
{
	ta_list ta;
	ta_start(ta, tag, value);
	msg_t *msg = nta_incoming_create_response(irq, status, phrase), *kept = NULL;
	sip_t *sip = msg ? sip_object(msg) : NULL;
	if (keep && sip && sip->sip_to && !sip->sip_to->a_tag)
		sip_to_tag(msg_home(msg), sip->sip_to, nta_incoming_tag(irq, NULL));
	if (sip && sip_add_tl(msg, sip, ta_tags(ta)) >= 0 && sip_complete_message(msg) >= 0) {
		kept = keep ? dlg_keep(msg) : NULL;
		struct timespec at;
		msg_t *sent = msg_ref_create(msg); /* traced as nta sent it */
		clock_gettime(CLOCK_REALTIME, &at);
		if (nta_incoming_mreply(irq, msg) == 0)
			proxy_trace_sent(p, s, sent, NULL, &at);
		msg_destroy(sent);
	} else {
		msg_destroy(msg);
		nta_incoming_treply(irq, status, phrase, ta_tags(ta));
	}
	(void)ta_end(ta); /* the macro ends in a value nobody uses */
	return kept;
}

void proxy_reply(struct proxy *p, struct side *s, nta_incoming_t *irq, int status, const char *phrase,
		 tag_type_t tag, tag_value_t value, ...)
{
	ta_list ta;
	ta_start(ta, tag, value);
	proxy_respond(p, s, irq, false, status, phrase, ta_tags(ta));
	(void)ta_end(ta);
}

bool proxy_is_us(const struct side *s, const url_t *url)
{
	return url && url->url_host && !g_ascii_strcasecmp(url->url_host, s->url->url_host) &&
	       !g_strcmp0(url_port(url), url_port(s->url));
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
		log_notice("sip", &(struct log_ids){ .call = proxy_call_of(sip) },
			   "%s needs what we do not support: %s", sip->sip_request->rq_method_name,
			   tags->str);
		proxy_reply(p, s, irq, SIP_420_BAD_EXTENSION, SIPTAG_UNSUPPORTED_STR(tags->str), TAG_END());
		nta_incoming_destroy(irq);
	}
	g_string_free(tags, TRUE);
	return refused;
}

/* ---- the MRFC as conference focus (mp): the UAS of a dial-in ---- */

static void on_focus_answer(void *arg, int status, const char *phrase, char *body)
{
	struct dlg *d = arg;
	struct side *s = &d->p->sides[ACCESS];
	if (status) {
		dlg_end_as(d, status, phrase, phrase); /* answered there; the participant goes with it */
	} else {
		nta_incoming_t *irq = d->dial_in;
		d->dial_in = NULL;
		d->ok = proxy_respond(d->p, s, irq, true, SIP_200_OK, SIPTAG_CONTACT_STR(s->uri),
				      SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(body),
				      TAG_END());
		nta_incoming_destroy(irq); /* answered: nta keeps it for its retransmissions, then frees it */
	}
	g_free(body);
}

/* A CANCEL of a dial-in the focus has not answered: 487, and the participant goes (its Add, if on its
 * way, is the gateway's to run and ours to undo: mgc.c). Answered already: the CANCEL changes nothing.
 * (nta_incoming_magic_t is the proxy's struct fwd: a dial-in binds its struct dlg instead.) */
static int on_dial_in_cancel(nta_incoming_magic_t *arg, nta_incoming_t *irq, const sip_t *sip)
{
	struct dlg *d = (struct dlg *)arg;
	if (!sip || sip->sip_request->rq_method != sip_method_cancel || d->dial_in != irq)
		return 0;
	log_info("sip", &(struct log_ids){ .call = proxy_call_of(sip) }, "dial-in cancelled: answering 487");
	dlg_end(d, "CANCEL"); /* 487, the transaction destroyed: its ACK is nta's to absorb */
	return 0;
}

/* An initial INVITE to a conference URI: the MRFC answers it itself (TS 23.333 §6.2.20). */
static void dial_in(struct proxy *p, nta_incoming_t *irq, const sip_t *sip, msg_t *got)
{
	struct dlg *d = dlg_new(p, sip, true);
	d->invite = dlg_keep(got);
	d->dial_in = irq;
	nta_incoming_bind(irq, on_dial_in_cancel, (nta_incoming_magic_t *)d);
	d->part = focus_join(p->focus, sip->sip_request->rq_url->url_user, sip->sip_call_id->i_id, d);
	focus_offer(d->part, sip->sip_payload ? sip->sip_payload->pl_data : NULL,
		    sip->sip_payload ? sip->sip_payload->pl_len : 0, on_focus_answer, d);
	msg_destroy(got); /* last: sip is in it; d may be gone (answered at once) */
}

static void on_focus_failed(void *arg, struct participant *part, const char *why)
{
	struct proxy *p = arg;
	struct dlg *d = focus_owner(part);
	const struct log_ids ids = { .call = focus_call_id(part) };
	log_notice("sip", &ids, "the conference's media failed, BYE to the participant: %s", why);
	if (d->invite && d->ok) /* answered (dlg_keep may have failed to copy either) */
		dlg_bye(p, d, true);
	dlg_end(d, why);
}

/* ACK and BYE of a dial-in's dialog: the MRFC is their UAS. True when taken. */
static bool in_dial_in(struct proxy *p, struct side *s, nta_incoming_t *irq, const sip_t *sip)
{
	struct dlg *d = s->which == ACCESS && sip->sip_to->a_tag ? dlg_find(p, sip, ACCESS) : NULL;
	if (!d || !d->part)
		return false;
	sip_method_t method = sip->sip_request->rq_method;
	if (d->dial_in && method != sip_method_ack) { /* not answered: no dialog yet (RFC 3261 §12.2.2) */
		proxy_reply(p, s, irq, SIP_481_NO_TRANSACTION, TAG_END());
	} else if (method == sip_method_bye) {
		proxy_reply(p, s, irq, SIP_200_OK, TAG_END());
		dlg_end(d, "BYE");
	} else if (method != sip_method_ack) {
		proxy_reply(p, s, irq, SIP_501_NOT_IMPLEMENTED, TAG_END());
	}
	return true;
}

/* ---- what arrives on a side ---- */

/* A REGISTER at the registrar (registrar.h), answered. */
static void registrar(struct proxy *p, struct side *s, nta_incoming_t *irq, const sip_t *sip)
{
	struct registrar_answer a;
	registrar_register(p->registrar, sip, &a);
	if (a.status != 200)
		proxy_reply(p, s, irq, a.status, a.phrase,
			    TAG_IF(a.status == 423, SIPTAG_MIN_EXPIRES_STR(a.min_expires)), TAG_END());
	else
		proxy_reply(p, s, irq, a.status, a.phrase, TAG_IF(a.contact, SIPTAG_CONTACT_STR(a.contact)),
			    TAG_IF(*a.expires, SIPTAG_EXPIRES_STR(a.expires)),
			    TAG_IF(a.security_server, SIPTAG_SECURITY_SERVER_STR(a.security_server)),
			    TAG_END());
	nta_incoming_destroy(irq);
	registrar_answer_clear(&a);
}

/* The access check (registrar_admit): a new request from the access side that the P-CSCF does not
 * serve is refused before any H.248. True when refused. */
static bool refused_stranger(struct proxy *p, struct side *s, nta_incoming_t *irq, const sip_t *sip)
{
	const char *phrase = NULL;
	int status = s->which == ACCESS ? registrar_admit(p->registrar, sip, &phrase) : 0;
	if (!status)
		return false;
	proxy_reply(p, s, irq, status, phrase, TAG_END());
	nta_incoming_destroy(irq);
	return true;
}

/* A request for a dialog whose UAS we were (a dial-in the MRFC has ended meanwhile): forwarding it to
 * its Request-URI would send it to ourselves, round and round until Max-Forwards runs out. True when
 * it was one (answered 481, an ACK dropped). */
static bool gone_dialog(struct proxy *p, struct side *s, nta_incoming_t *irq, const sip_t *sip)
{
	if (!sip->sip_to->a_tag || sip->sip_route || !proxy_is_us(s, sip->sip_request->rq_url))
		return false;
	log_info("sip", &(struct log_ids){ .call = proxy_call_of(sip) },
		 "%s for a dialog that no longer exists", sip->sip_request->rq_method_name);
	if (sip->sip_request->rq_method != sip_method_ack)
		proxy_reply(p, s, irq, SIP_481_NO_TRANSACTION, TAG_END());
	return true;
}

/* The requests the proxy answers itself, as the UAS: OPTIONS to us (200 from nta), REGISTER at the
 * registrar, the MRFC's dial-in and its dialogs; a needed option tag we do not understand (as a proxy
 * only Proxy-Require's). got is taken when the request is; -1 when it goes on, else what on_request
 * returns to nta. */
static int answered_here(struct proxy *p, struct side *s, nta_incoming_t *irq, const sip_t *sip, msg_t *got)
{
	sip_method_t method = sip->sip_request->rq_method;
	bool ping = method == sip_method_options && !sip->sip_to->a_tag &&
		    proxy_is_us(s, sip->sip_request->rq_url),
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
	return -1;
}

/* Draining (proxy_drain): an initial INVITE gets 503 with Retry-After (RFC 3261 §21.5.4), before anything
 * else is done for it. True when it was one. */
static bool refused_draining(struct proxy *p, struct side *s, nta_incoming_t *irq, const sip_t *sip)
{
	if (!p->retry_after || sip->sip_request->rq_method != sip_method_invite || sip->sip_to->a_tag)
		return false;
	char retry[16];
	snprintf(retry, sizeof retry, "%u", p->retry_after);
	log_counted(&p->drained, &(struct log_ids){ .call = proxy_call_of(sip) }, "%s side: 503, Retry-After %s",
		    proxy_side_names[s->which], retry);
	proxy_reply(p, s, irq, SIP_503_SERVICE_UNAVAILABLE, SIPTAG_RETRY_AFTER_STR(retry), TAG_END());
	nta_incoming_destroy(irq);
	return true;
}

void proxy_drain(struct proxy *p, unsigned retry_after)
{
	p->retry_after = retry_after;
	p->drained = (struct log_counter){ .component = "sip", .what = "initial INVITE refused while draining," };
	log_notice("sip", NULL, "draining: initial INVITEs get 503 with Retry-After %u; %u calls under way go on",
		   retry_after, calls_count(p->calls));
}

void proxy_view(struct proxy *p, struct proxy_view *out)
{
	*out = (struct proxy_view){ .retry_after = p->retry_after,
				    .dialogs = g_hash_table_size(p->dialogs),
				    .calls = p->calls,
				    .registrar = p->registrar };
}

static int on_request(struct side *s, nta_leg_t *leg, nta_incoming_t *irq, const sip_t *sip)
{
	struct proxy *p = s->p;
	msg_t *got = nta_incoming_getrequest(irq);
	proxy_trace(p, true, s, got, NULL);
	if (refused_draining(p, s, irq, sip)) {
		msg_destroy(got);
		return 0;
	}
	int answered = answered_here(p, s, irq, sip, got);
	if (answered >= 0)
		return answered;
	if (gone_dialog(p, s, irq, sip) || refused_stranger(p, s, irq, sip)) {
		msg_destroy(got);
		return 0;
	}
	fwd_start(s, irq, sip, got);
	return 0;
}

/* ---- the cause of a failed bind ---- */

/* Why nta_agent_create could not bind a side: sofia-sip leaves errno to its clean-up (EFAULT, "Bad
 * address"), so the binds are tried again here, UDP then TCP (TLS's too) as configured, for the real
 * cause. */
static void bind_cause(const struct alg_sip_side *c, char *buf, size_t size)
{
	static const struct {
		int type, skip1, skip2; /* the transport settings that leave it out */
		const char *name;
	} kinds[] = { { SOCK_DGRAM, ALG_TRANSPORT_TCP, ALG_TRANSPORT_TLS, "udp" },
		      { SOCK_STREAM, ALG_TRANSPORT_UDP, ALG_TRANSPORT_UDP, "tcp" } };
	union sa a;
	if (!sa_from_text(&a, c->address, (uint16_t)c->port)) {
		snprintf(buf, size, "%s is not an IP address", c->address);
		return;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
		if (c->transport == kinds[i].skip1 || c->transport == kinds[i].skip2)
			continue;
		int fd = sa_bind(kinds[i].type, &a);
		if (fd < 0) {
			snprintf(buf, size, "%s (%s)", g_strerror(-fd), kinds[i].name);
			return;
		}
		close(fd);
	}
	snprintf(buf, size, "sofia-sip refused it (its log says why at log.level info)");
}

/* ---- release by the proxy: BYE to both parties ---- */

static void on_call_failed(void *arg, struct call *c, const char *why)
{
	dlg_release(arg, call_owner(c), 488, "Not Acceptable Here (media failed)", why);
}

/* ---- life ---- */

/* "sip:host:port" with host in brackets when it is an IPv6 address. */
static char *host_uri(const char *h, long port)
{
	return strchr(h, ':') ? g_strdup_printf("sip:[%s]:%ld", h, port) : g_strdup_printf("sip:%s:%ld", h, port);
}

/* Our URI on a side: the advertised name, else the bound address; NULL when that is unspecified. */
static char *side_uri(const struct alg_sip_side *s)
{
	if (*s->advertise)
		return host_uri(s->advertise, s->port);
	union sa a;
	if (sa_from_text(&a, s->address, 0) && sa_is_any(&a))
		return NULL;
	return host_uri(s->address, s->port);
}

/* An incomplete message on a SIP TCP connection: dropped with its connection after 64*T1 (RFC 3261 Timer B). */
enum { SIP_TCP_PARTIAL_MS = 32000 };

static bool side_start(struct proxy *p, su_root_t *root, int which, const struct alg_sip_side *c, char **err)
{
	struct side *s = &p->sides[which];
	s->p = p, s->which = which;
	su_home_init(s->home);
	if (!(s->uri = side_uri(c))) {
		*err = g_strdup_printf("sip.%s.address %s is no address a peer can reach: set sip.%s.advertise",
				       proxy_side_names[which], c->address, proxy_side_names[which]);
		return false;
	}
	bool tls = c->transport == ALG_TRANSPORT_TLS;
	if (tls) { /* TLS alone: said in the URI, hence in Record-Route and Path (RFC 3261 §19.1.1) */
		char *plain = s->uri;
		s->uri = g_strdup_printf("%s;transport=tls", plain);
		g_free(plain);
	}
	s->url = url_make(s->home, s->uri);
	const char *tp = c->transport == ALG_TRANSPORT_UDP   ? ";transport=udp"
			 : c->transport == ALG_TRANSPORT_TCP ? ";transport=tcp"
							     : "";
	/* the URI names us as peers see us; maddr, when it differs, is where we bind (sofia's tport). nta
	 * binds TLS only for a sips: URI (its sip: transports are udp, tcp, sctp) */
	char *bind = *c->advertise ? g_strdup_printf("%s%s;maddr=%s%s", tls ? "sips:" : "", s->uri + tls * 4,
						     c->address, tp)
				   : g_strdup_printf("%s%s%s", tls ? "sips:" : "", s->uri + tls * 4, tp);
	s->agent =
	    nta_agent_create(root, URL_STRING_MAKE(bind), NULL, NULL, NTATAG_UA(0), NTATAG_CANCEL_487(0),
			     NTATAG_SERVER_RPORT(1), NTATAG_CLIENT_RPORT(1),
			     TPTAG_IDLE((unsigned)p->cfg->tcp_idle_ms), TPTAG_TIMEOUT(SIP_TCP_PARTIAL_MS),
			     TAG_IF(tls, TPTAG_CERTIFICATE(tls ? siptls_dir(p->tls) : NULL)), /* TAG_IF evaluates it */
			     TAG_IF(tls, TPTAG_TLS_VERIFY_POLICY(TPTLS_VERIFY_NONE)), TAG_END());
	g_free(bind);
	if (!s->agent) {
		char why[160];
		bind_cause(c, why, sizeof why);
		*err = g_strdup_printf("cannot bind the %s side %s: %s", proxy_side_names[which], s->uri, why);
		return false;
	}
	s->leg = nta_leg_tcreate(s->agent, on_request, s, NTATAG_NO_DIALOG(1), TAG_END());
	return s->leg != NULL;
}

/* Each SIP UDP socket's receive buffer as sip.udp_receive_buffer asks: a burst of datagrams from many
 * UEs at once waits there rather than being dropped (the kernel's default is about 208 KiB). sofia-sip
 * neither sets it nor shows its sockets: ours are the datagram sockets bound to a side's port. What the
 * kernel gives (at most net.core.rmem_max) is logged when it is less. */
static void udp_buffers(const struct proxy *p, int bytes)
{
	DIR *dir = bytes > 0 ? opendir("/proc/self/fd") : NULL;
	uint16_t ports[2] = { (uint16_t)atoi(url_port(p->sides[ACCESS].url)),
			      (uint16_t)atoi(url_port(p->sides[CORE].url)) };
	for (struct dirent *e; dir && (e = readdir(dir));) {
		int fd = atoi(e->d_name), type = 0, got = 0;
		union sa a;
		socklen_t n = sizeof type, an = sizeof a;
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &n) || type != SOCK_DGRAM ||
		    getsockname(fd, &a.sa, &an) || (a.sa.sa_family != AF_INET && a.sa.sa_family != AF_INET6) ||
		    (sa_port(&a) != ports[0] && sa_port(&a) != ports[1]))
			continue;
		n = sizeof got;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) ||
		    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &got, &n))
			log_warn("sip", NULL, "SIP UDP port %u: cannot set its receive buffer: %s", sa_port(&a),
				 g_strerror(errno));
		else if (got / 2 < bytes) /* Linux reports twice what it keeps for data */
			log_notice("sip", NULL,
				   "SIP UDP port %u: receive buffer %d bytes, not the %d sip.udp_receive_buffer "
				   "asks (net.core.rmem_max bounds it)",
				   sa_port(&a), got / 2, bytes);
	}
	if (dir)
		closedir(dir);
}

struct proxy *proxy_new(su_root_t *root, const struct alg_config *cfg, struct mgc *mgc, struct trace *trace,
			char **err)
{
	struct proxy *p = g_new0(struct proxy, 1);
	su_home_init(p->home);
	p->cfg = cfg, p->trace = trace;
	p->registrar = registrar_new(cfg);
	p->dialogs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
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
	if (cfg->access.transport == ALG_TRANSPORT_TLS || cfg->core.transport == ALG_TRANSPORT_TLS) {
		char *why = NULL;
		if (!(p->tls = siptls_new(cfg->tls_certificate, cfg->tls_key, &why))) {
			*err = g_strdup_printf("SIP over TLS: %s", why);
			g_free(why);
			proxy_free(p);
			return NULL;
		}
		if (*cfg->tls_certificate)
			log_info("sip", NULL, "SIP TLS identity: %s", siptls_fingerprint(p->tls));
		else
			log_notice("sip", NULL, "self-signed certificate generated; SIP TLS identity: %s",
				   siptls_fingerprint(p->tls));
	}
	if (!side_start(p, root, ACCESS, &cfg->access, err) || !side_start(p, root, CORE, &cfg->core, err)) {
		proxy_free(p);
		return NULL;
	}
	udp_buffers(p, (int)cfg->udp_rcvbuf);
	p->siptcp = siptcp_new(root, (nta_agent_t *const[]){ p->sides[ACCESS].agent, p->sides[CORE].agent }, 2);
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
	siptcp_free(p->siptcp);
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
	siptls_free(p->tls);
	calls_free(p->calls);
	focus_free(p->focus);
	registrar_free(p->registrar);
	g_hash_table_destroy(p->dialogs);
	su_home_deinit(p->home);
	g_free(p);
}

const struct alg_sip_counts *proxy_sip_counts(const struct proxy *p)
{
	return &p->sip;
}

unsigned proxy_registrations(const struct proxy *p)
{
	return registrar_bound(p->registrar);
}

struct calls *proxy_calls(const struct proxy *p)
{
	return p->calls;
}
