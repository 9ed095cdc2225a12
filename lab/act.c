/* SPDX-License-Identifier: GPL-3.0-or-later */
/* act: the actions a scenario's steps do (doc/scenarios.md, "Actions"), each on the parties of the run. */
#include "config.h"
#include "run_int.h"

#include <string.h>

#include <glib.h>
#include <sofia-sip/sip_status.h>

#include "app.h"
#include "payload.h"

static struct party *party(const struct run *r, json_object *o, const char *key)
{
	return expect_party(&r->ex, jstr(o, key, NULL));
}

/* The SDP of p for media m, over TLS or not, listening first when its role is to. */
static char *sdp_of(struct run *r, struct party *p, const struct payload *m, bool tls, json_object *o,
		    bool offer)
{
	const char *setup = jstr(o, "setup", offer ? "actpass" : "active"), *e2ae = jstr(o, "e2ae", NULL);
	bool listens = jbool(o, "listen", !strcmp(setup, "actpass") || !strcmp(setup, "passive"));
	if (m->dgram && p->fd < 0)
		party_bind_udp(p);
	else if (!m->dgram && listens && p->lfd < 0)
		party_listen(p);
	if (m->dgram && !tls) /* plain UDPTL has no a=setup */
		setup = jstr(o, "setup", "");
	g_strlcpy(p->setup, setup, sizeof p->setup);
	if (p->media_port == 9 && strcmp(setup, "active")) /* a port it may be called at, if in vain */
		evlog_own(r->log, 9, 9, p->name);
	GString *s = g_string_new(NULL);
	g_string_append_printf(s, "v=0\r\no=%s 1 %u IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n", p->user,
			       ++p->sdp_version, p->addr, p->addr);
	g_string_append_printf(s, "m=%s %u %s %s\r\n%s", m->media, p->media_port, tls ? m->tls : m->plain,
			       m->fmt, m->attrs);
	p->media = m, p->secure = tls;
	if (m->path) { /* its own URI: where it listens, or may be reached (RFC 4975 §6) */
		snprintf(p->path, sizeof p->path, "%s://%s:%u/%s;tcp", tls ? "msrps" : "msrp", p->addr,
			 p->media_port, p->user);
		g_string_append_printf(s, "a=path:%s\r\n", p->path);
	}
	if (*setup)
		g_string_append_printf(s, "a=setup:%s\r\n", setup);
	if (jbool(o, "fingerprint", tls && !p->psk_key))
		g_string_append_printf(s, "a=fingerprint:%s\r\n", p->id.fingerprint);
	if (e2ae)
		g_string_append_printf(s, "a=3ge2ae:%s\r\n", e2ae);
	return g_string_free(s, FALSE);
}

static void keep_sdp(struct party *p, struct sip_seen *seen)
{
	if (seen && seen->sdp) {
		g_free(p->sdp);
		p->sdp = g_strdup(seen->sdp);
	}
}

/* Waits for p's final response: NULL when it is want, else why. */
static char * final(struct run *r, struct party *p, int want, const char *what)
{
	struct sip_seen *s = party_wait(p, NULL, r->o->timeout);
	char *why = !s ? g_strdup_printf("%s got no final response to its %s", p->title, what)
		    : s->status != want ? g_strdup_printf("%s got %d %s to its %s, expected %d", p->title,
							  s->status, s->phrase, what, want)
					: NULL;
	keep_sdp(p, s);
	sip_seen_free(s);
	return why;
}

static char *got(struct run *r, struct party *p, const char *method)
{
	struct sip_seen *s = party_wait(p, method, r->o->timeout);
	char *why = s ? NULL : g_strdup_printf("%s received no %s", p->title, method);
	keep_sdp(p, s);
	sip_seen_free(s);
	return why;
}

static char *act_register(struct run *r, json_object *o)
{
	struct party *p = party(r, o, "party");
	char *registrar = g_strdup_printf("sip:127.0.0.1:%u", r->access);
	party_register(p, registrar);
	g_free(registrar);
	return final(r, p, jint(o, "status", 200), "REGISTER");
}

/* The medium an offer names, or NULL with why (TLS asked for a medium the lab has no TLS for). */
static const struct payload *medium(json_object *o, char **why)
{
	const struct payload *m = payload_find(jstr(o, "media", ""));
	if (jbool(o, "tls", false) && !m->tls)
		*why = g_strdup_printf("the lab has no TLS transport for %s", m->name), m = NULL;
	return m;
}

/* from's offer of m to to: an INVITE, or a re-INVITE in their call. Waits until to receives it, or with
 * "status" for from's final response: a failure the network answers before the callee sees it (a
 * refused re-offer leaves the call as it was, RFC 3261 §14.1). */
static char *offer(struct run *r, json_object *o, struct party *from, struct party *to,
		   const struct payload *m, bool again)
{
	r->offerer = from, r->answerer = to;
	char *sdp = sdp_of(r, from, m, jbool(o, "tls", false), o, true);
	party_invite(from, again ? NULL : to->user, sdp);
	g_free(sdp);
	int status = jint(o, "status", 0);
	return status ? final(r, from, status, "INVITE") : got(r, to, "INVITE");
}

static char *act_offer(struct run *r, json_object *o)
{
	char *why = NULL;
	const struct payload *m = medium(o, &why);
	return m ? offer(r, o, party(r, o, "from"), party(r, o, "to"), m, false) : why;
}

/* A re-INVITE with a new offer in the call from is in (RFC 3264 §8); another medium than its last is
 * opened afresh. */
static char *act_reoffer(struct run *r, json_object *o)
{
	struct party *from = party(r, o, "from");
	struct party *to = from == r->offerer ? r->answerer : from == r->answerer ? r->offerer : NULL;
	char *why = NULL;
	const struct payload *m = medium(o, &why);
	if (!m)
		return why;
	if (!to || !from->call)
		return g_strdup_printf("%s is in no call to re-offer in", from->title);
	if (from->media != m)
		party_media_reset(from);
	return offer(r, o, from, to, m, true);
}

static char *act_answer(struct run *r, json_object *o)
{
	struct party *by = party(r, o, "by");
	if (by != r->answerer || !r->offerer->media)
		return g_strdup_printf("%s has no offer to answer", by->title);
	int status = jint(o, "status", 200);
	if (status < 300 && by->media && by->media != r->offerer->media) /* a re-offer changed the medium */
		party_media_reset(by);
	char *sdp = status < 300 ? sdp_of(r, by, r->offerer->media, jbool(o, "tls", false), o, false) : NULL,
	     *why;
	party_respond(by, status, sip_status_phrase(status), sdp);
	g_free(sdp);
	if (!(why = final(r, r->offerer, status, "INVITE")) && status < 300)
		why = got(r, by, "ACK"); /* the offerer's stack acknowledges */
	return why;
}

static char *act_connect(struct run *r, json_object *o)
{
	struct party *p = party(r, o, "from");
	union sa to;
	char where[SA_TEXT_MAX];
	if (!party_media_peer(p, &to))
		return g_strdup_printf("%s has no SDP with an address to connect to", p->title);
	return party_connect(p) ? NULL
				: g_strdup_printf("%s could not connect to %s: %s", p->title,
						  sa_text(&to, where), g_strerror(errno));
}

static char *act_established(struct run *r, json_object *o)
{
	struct party *p = party(r, o, "party");
	const char *want = jstr(o, "result", "up");
	int rc = party_established(p, (unsigned)jint(o, "within", (int)r->o->timeout));
	const char *is = rc > 0 ? "up" : rc == 0 ? "refused" : "still connecting";
	return strcmp(is, want)
		   ? g_strdup_printf("%s's TCP connection was %s, expected %s", p->title, is, want)
		   : NULL;
}

static char *act_accept(struct run *r, json_object *o)
{
	struct party *p = party(r, o, "party");
	return party_accept(p, r->o->timeout)
		   ? NULL
		   : g_strdup_printf("no TCP connection reached %s (port %u)", p->title, p->media_port);
}

struct handshake {
	struct party *p;
	unsigned ms, lose;
	bool up;
	char why[160];
};

static gpointer handshake(gpointer arg)
{
	struct handshake *h = arg;
	h->up = party_tls(h->p, h->ms, h->lose, h->why);
	return NULL;
}

static char *act_tls(struct run *r, json_object *o)
{
	struct party *p = party(r, o, "party"), *with = party(r, o, "with");
	const char *want = jstr(o, "result", "up"), *alert = jstr(o, "alert", NULL);
	if (p->fd < 0 || (with && with->fd < 0))
		return g_strdup_printf("%s has no TCP connection for TLS", (p->fd < 0 ? p : with)->title);
	/* end to end, both ends are the lab's: the other handshake runs beside this one */
	struct handshake h = { p, r->o->timeout, (unsigned)jint(o, "lose", 0), false, "" },
			 w = { with, r->o->timeout, 0, false, "" };
	p->unchecked = !jbool(o, "check_peer", true);
	GThread *t = with ? g_thread_new("tls", handshake, &w) : NULL;
	handshake(&h);
	if (t)
		g_thread_join(t);
	if (h.up && !strcmp(want, "alert")) /* the alert may come once the handshake is done */
		h.up = party_tls_alert(p, r->o->timeout, h.why);
	if (!strcmp(want, "up"))
		return !h.up           ? g_strdup_printf("%s's TLS handshake failed: %s", p->title, h.why)
		       : with && !w.up ? g_strdup_printf("%s's TLS handshake failed: %s", with->title, w.why)
				       : NULL;
	if (h.up)
		return g_strdup_printf("%s's TLS session came up, expected an alert", p->title);
	return alert && !strstr(h.why, alert)
		   ? g_strdup_printf("%s's TLS failed with %s, expected alert %s", p->title, h.why, alert)
		   : NULL;
}

static char *act_send(struct run *r, json_object *o)
{
	struct party *from = party(r, o, "from"), *to = party(r, o, "to");
	const struct payload *m = from->media;
	char why[160];
	if (!m || !party_send(from, TRACE_DATA_TX, m->bytes, m->n, m->what))
		return g_strdup_printf("%s could not send", from->title);
	return party_expect(to, m->bytes, m->n, r->o->timeout, m->what, why)
		   ? NULL
		   : g_strdup_printf("at %s: %s", to->title, why);
}

/* A UE dials in to a conference: its INVITE to the conference URI, its final response (ACKed by its
 * stack); from then on it is a participant. */
static char *act_dial_in(struct run *r, json_object *o)
{
	struct party *from = party(r, o, "from");
	const struct payload *m = payload_find(jstr(o, "media", ""));
	char *sdp = sdp_of(r, from, m, jbool(o, "tls", true), o, true); /* TLS unless told otherwise */
	party_invite(from, jstr(o, "conference", "conference"), sdp);
	g_free(sdp);
	app_join(from);
	return final(r, from, jint(o, "status", 200), "INVITE");
}

static char *act_msrp(struct run *r, json_object *o)
{
	char why[160];
	return app_msrp_send(party(r, o, "from"), jstr(o, "text", ""), why) ? NULL : g_strdup(why);
}

static char *act_bfcp(struct run *r, json_object *o)
{
	char why[160];
	return app_bfcp_send(party(r, o, "from"), jstr(o, "primitive", ""), (uint16_t)jint(o, "floor", 0),
			     why)
		   ? NULL
		   : g_strdup(why);
}

/* A datagram of the call's protocol from another party to where like's media goes: a spoofed source. */
static char *act_spoof(struct run *r, json_object *o)
{
	struct party *from = party(r, o, "from"), *like = party(r, o, "like");
	union sa to;
	char where[SA_TEXT_MAX];
	const struct payload *m = like->media;
	if (!m || !party_media_peer(like, &to) || !party_bind_udp(from))
		return g_strdup_printf("%s has nowhere to spoof %s's datagrams to", from->title, like->title);
	if (sendto(from->fd, m->bytes, m->n, 0, &to.sa, sa_len(&to)) < 0)
		return g_strdup_printf("%s could not send to %s: %s", from->title, sa_text(&to, where),
				       g_strerror(errno));
	return NULL;
}

static char *act_bye(struct run *r, json_object *o)
{
	struct party *from = party(r, o, "from"), *other = from == r->offerer ? r->answerer : r->offerer;
	party_bye(from);
	char *why = final(r, from, 200, "BYE");
	if (!why && other)
		why = got(r, other, "BYE");
	party_close(from);
	if (other)
		party_close(other);
	return why;
}

static char *act_pause(struct run *r, json_object *o)
{
	lab_spin(r->root, (unsigned)jint(o, "ms", 0));
	return NULL;
}

static const struct {
	const char *name;
	char *(*run)(struct run *r, json_object *o);
} actions[] = {
	{ "register", act_register },
	{ "offer", act_offer },
	{ "reoffer", act_reoffer },
	{ "answer", act_answer },
	{ "connect", act_connect },
	{ "accept", act_accept },
	{ "established", act_established },
	{ "tls", act_tls },
	{ "send", act_send },
	{ "bye", act_bye },
	{ "pause", act_pause },
	{ "spoof", act_spoof },
	{ "dial_in", act_dial_in },
	{ "msrp", act_msrp },
	{ "bfcp", act_bfcp },
};

char *act_do(struct run *r, json_object *action)
{
	json_object_object_foreach (action, name, o) {
		for (size_t i = 0; i < G_N_ELEMENTS(actions); i++)
			if (!strcmp(actions[i].name, name))
				return actions[i].run(r, o);
	}
	return NULL;
}
