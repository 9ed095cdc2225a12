/* SPDX-License-Identifier: GPL-3.0-or-later */
/* party: a party's SIP user agent (sofia-sip nua) and its life, new to free (see party.h); its media
 * endpoint is party_media.c. */
#include "config.h"
#include "party.h"

#include <errno.h>
#include <glib.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/sip_protos.h>
#include <sofia-sip/sip_tag.h>

#include "bed.h"
#include "evlog.h"
#include "sockaddr.h"
#include "trace.h"

/* ---- SIP ---- */

void sip_seen_free(struct sip_seen *s)
{
	if (!s)
		return;
	g_free(s->phrase), g_free(s->sdp);
	g_free(s);
}

/* The SIP message of the event being handled, as received (sip.rx), from where it came to p's SIP port.
 * It takes the event from nua (nua_save_event) and destroys it, the event's sip and phrase with it: the
 * last thing the event handler does. */
static void trace_received(struct party *p, nua_t *nua, const char *summary)
{
	nua_saved_event_t saved[1];
	if (!nua_save_event(nua, saved))
		return;
	const nua_event_data_t *d = nua_event_data(saved);
	su_addrinfo_t *ai = d && d->e_msg ? msg_addrinfo(d->e_msg) : NULL;
	size_t n = 0;
	char *text = d && d->e_msg ? msg_as_string(NULL, d->e_msg, NULL, 0, &n) : NULL;
	char from[SA_TEXT_MAX] = "", to[32];
	union sa a = { 0 };
	if (ai && ai->ai_addr && ai->ai_addrlen <= sizeof a) {
		memcpy(&a, ai->ai_addr, ai->ai_addrlen);
		sa_text(&a, from);
	}
	snprintf(to, sizeof to, "127.0.0.1:%u", p->sip_port);
	if (text && *from)
		trace_emit(p->trace, &(struct trace_event){ .kind = TRACE_SIP_RX,
							    .from = from,
							    .to = to,
							    .summary = summary,
							    .raw = text,
							    .raw_len = n });
	su_free(NULL, text);
	nua_destroy_event(saved);
}

static void on_nua(nua_event_t event, int status, char const *phrase, nua_t *nua, nua_magic_t *magic,
		   nua_handle_t *nh, nua_hmagic_t *hmagic, sip_t const *sip, tagi_t tags[])
{
	struct party *p = (struct party *)magic;
	const char *method = NULL;
	switch (event) {
	case nua_i_invite:
		method = "INVITE";
		if (!p->call)
			p->call = nh;
		break;
	case nua_i_ack:
		method = "ACK";
		break;
	case nua_i_bye:
		method = "BYE";
		break;
	case nua_i_cancel:
		method = "CANCEL";
		break;
	case nua_r_unregister:
		if (status >= 200)
			p->registered = false;
		return;
	case nua_r_register:
		if (status >= 200)
			p->registered = status < 300;
		if (status < 200)
			return;
		break;
	case nua_r_invite:
	case nua_r_bye:
		if (status < 200)
			return;
		break;
	case nua_r_shutdown:
		p->down = status >= 200;
		return;
	default:
		return;
	}
	struct sip_seen *s = g_new0(struct sip_seen, 1);
	g_strlcpy(s->method, method ? method : "", sizeof s->method);
	s->status = method ? 0 : status;
	s->phrase = g_strdup(phrase);
	if (sip && sip->sip_payload && sip->sip_payload->pl_len)
		s->sdp = g_strndup(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
	g_queue_push_tail(&p->seen, s);
	if (p->trace_sip) { /* last: it takes the event, and phrase and sip with it */
		char code[16];
		snprintf(code, sizeof code, "%d", status);
		trace_received(p, nua, method ? method : code);
	}
}

void lab_spin(su_root_t *root, unsigned ms)
{
	gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
	for (gint64 now; (now = g_get_monotonic_time()) < end;)
		su_root_step(root, (su_duration_t)MAX(1, (end - now) / 1000));
}

struct sip_seen *party_wait(struct party *p, const char *method, unsigned ms)
{
	gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
	for (;;) {
		for (GList *l = p->seen.head; l; l = l->next) {
			struct sip_seen *s = l->data;
			if (method ? !strcmp(s->method, method) : !*s->method) {
				g_queue_delete_link(&p->seen, l);
				return s;
			}
		}
		gint64 now = g_get_monotonic_time();
		if (now >= end)
			return NULL;
		su_root_step(p->root, (su_duration_t)MAX(1, MIN(50, (end - now) / 1000)));
	}
}

static char *uri(const char *user)
{
	return g_strdup_printf("sip:%s@example.net", user);
}

void party_register(struct party *p, const char *registrar)
{
	char *aor = uri(p->user);
	nua_handle_t *h = nua_handle(p->nua, NULL, SIPTAG_TO_STR(aor), SIPTAG_FROM_STR(aor), TAG_END());
	p->reg = h; /* the last: an earlier one is the stack's to end */
	nua_register(h, NUTAG_REGISTRAR(registrar), NUTAG_M_USERNAME(p->user),
		     TAG_IF(p->security_client, SIPTAG_SECURITY_CLIENT_STR(p->security_client)),
		     SIPTAG_EXPIRES_STR("600"), TAG_END());
	g_free(aor);
}

void party_invite(struct party *p, const char *to_user, const char *sdp)
{
	if (to_user) { /* a new call; else a re-INVITE in the one it has */
		char *from = uri(p->user), *to = uri(to_user);
		p->call = nua_handle(p->nua, NULL, SIPTAG_TO_STR(to), SIPTAG_FROM_STR(from), TAG_END());
		g_free(from), g_free(to);
	}
	nua_invite(p->call, NUTAG_M_USERNAME(p->user), TAG_IF(to_user && p->route, SIPTAG_ROUTE_STR(p->route)),
		   SIPTAG_CONTENT_TYPE_STR("application/sdp"),
		   SIPTAG_PAYLOAD_STR(sdp), TAG_END());
}

void party_respond(struct party *p, int status, const char *phrase, const char *sdp)
{
	nua_respond(p->call, status, phrase, NUTAG_M_USERNAME(p->user),
		    TAG_IF(sdp, SIPTAG_CONTENT_TYPE_STR("application/sdp")),
		    TAG_IF(sdp, SIPTAG_PAYLOAD_STR(sdp)), TAG_END());
}

void party_bye(struct party *p)
{
	if (p->call)
		nua_bye(p->call, TAG_END());
}

/* ---- life ---- */

/* The server's key for the identity the client named, when it is the party's. */
static int psk_lookup(gnutls_session_t s, const char *identity, gnutls_datum_t *key)
{
	const struct party *p = gnutls_session_get_ptr(s);
	return p ? tls_psk_key(identity, p->psk_identity, p->psk_key, key) : -1;
}

/* Its pre-shared key, as tlsbsc/psk gives it, for both TLS roles. */
static bool psk_init(struct party *p, const char *value, char **err)
{
	if (!tls_psk_split(value, &p->psk_identity, &p->psk_key)) {
		*err = g_strdup_printf(
		    "%s: the pre-shared key is not \"identity:hexkey\" with 16 to 64 octets in "
		    "hex",
		    p->title);
		return false;
	}
	gnutls_datum_t key = { (unsigned char *)p->psk_key, (unsigned)strlen(p->psk_key) };
	if (gnutls_psk_allocate_server_credentials(&p->psk_server) < 0 ||
	    gnutls_psk_allocate_client_credentials(&p->psk_client) < 0 ||
	    gnutls_psk_set_client_credentials(p->psk_client, p->psk_identity, &key, GNUTLS_PSK_KEY_HEX) < 0) {
		*err = g_strdup_printf("%s: GnuTLS refused its pre-shared key", p->title);
		return false;
	}
	gnutls_psk_set_server_credentials_function(p->psk_server, psk_lookup);
	return true;
}

struct party *party_new(su_root_t *root, const char *name, json_object *spec, struct evlog *log,
			uint16_t sip_port, const char *trace_file, char **err)
{
	struct party *p = g_new0(struct party, 1);
	p->name = g_strdup(name);
	p->ue = !strcmp(json_object_get_string(json_object_object_get(spec, "role")), "ue");
	p->title = g_strdup_printf("%s %s", p->ue ? "UE" : "core", name);
	p->user = json_object_get_string(json_object_object_get(spec, "user"));
	p->lfd = p->fd = p->netns = -1;
	p->media_port = 9;
	g_strlcpy(p->addr, "127.0.0.1", sizeof p->addr);
	p->root = root;
	p->log = log;
	json_object *mechs = json_object_object_get(spec, "mediasec"), *cert;
	GString *sc = g_string_new(NULL);
	for (size_t i = 0; mechs && i < json_object_array_length(mechs); i++)
		g_string_append_printf(sc, "%s%s;mediasec", sc->len ? ", " : "",
				       json_object_get_string(json_object_array_get_idx(mechs, i)));
	p->security_client = sc->len ? g_string_free(sc, FALSE) : (g_string_free(sc, TRUE), NULL);
	p->other_cert = json_object_object_get_ex(spec, "certificate", &cert) &&
			!strcmp(json_object_get_string(cert), "other");
	json_object *psk = json_object_object_get(spec, "psk");
	if ((psk && !psk_init(p, json_object_get_string(psk), err)) ||
	    !tls_identity_init(&p->id, NULL, NULL, p->title, err) ||
	    !tls_identity_init(&p->other, NULL, NULL, p->title, err) ||
	    (trace_file && !(p->trace = trace_open(trace_file, p->title, err)))) {
		party_free(p);
		return NULL;
	}
	p->sip_port =
	    sip_port ? sip_port
		     : bed_free_ports(1); /* a SIP port of its own, so that the ladder knows its messages */
	char *url = g_strdup_printf("sip:127.0.0.1:%u;transport=udp", p->sip_port);
	p->nua = nua_create(root, on_nua, (nua_magic_t *)p, NUTAG_URL(url), NUTAG_MEDIA_ENABLE(0),
			    NUTAG_AUTOANSWER(0), NUTAG_SESSION_TIMER(0),
			    NUTAG_OUTBOUND("no-options-keepalive no-validate no-natify"),
			    NUTAG_M_USERNAME(p->user), TAG_END());
	g_free(url);
	if (!p->nua) {
		*err = g_strdup_printf("%s: sofia-sip could not start a user agent on 127.0.0.1:%u", p->title,
				       p->sip_port);
		party_free(p);
		return NULL;
	}
	evlog_own(log, p->sip_port, p->sip_port, p->name);
	return p;
}

void party_route(struct party *p, uint16_t port)
{
	char *proxy = g_strdup_printf("sip:127.0.0.1:%u", port);
	nua_set_params(p->nua, NUTAG_PROXY(proxy), TAG_END());
	g_free(proxy);
}

void party_stop(struct party *p)
{
	if (!p->nua)
		return;
	if (p->registered) { /* first, so that the shutdown finds nothing to wait for (else: its 1 s timer) */
		nua_unregister(p->reg, TAG_END());
		for (int i = 0; i < 100 && p->registered; i++)
			su_root_step(p->root, 20);
	}
	nua_shutdown(p->nua);
	for (int i = 0; i < 100 && !p->down; i++)
		su_root_step(p->root, 20);
	nua_destroy(p->nua);
	p->nua = NULL;
}

void party_free(struct party *p)
{
	if (!p)
		return;
	party_stop(p);
	if (p->tls)
		gnutls_deinit(p->tls);
	if (p->fd >= 0)
		close(p->fd);
	if (p->lfd >= 0)
		close(p->lfd);
	if (p->netns >= 0)
		close(p->netns);
	g_queue_clear_full(&p->seen, (GDestroyNotify)sip_seen_free);
	tls_identity_clear(&p->id);
	tls_identity_clear(&p->other);
	if (p->psk_server)
		gnutls_psk_free_server_credentials(p->psk_server);
	if (p->psk_client)
		gnutls_psk_free_client_credentials(p->psk_client);
	if (p->in)
		g_byte_array_free(p->in, TRUE);
	g_free(p->psk_identity), g_free(p->psk_key);
	trace_close(p->trace);
	g_free(p->security_client), g_free(p->title), g_free(p->name), g_free(p->sdp), g_free(p->route);
	g_free(p);
}
