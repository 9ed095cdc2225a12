/* SPDX-License-Identifier: GPL-3.0-or-later */
/* legs_ctl: a termination and its connection as the control socket shows them (legs.h, legs_describe):
 * read from the leg as it is now, nothing kept for it. */
#include "config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cert.h"
#include "leg.h"
#include "leg_io.h"
#include "legs.h"

/* What the connection does: the leg's state; for TCP once up, which side finished sending. */
static const char *tcp_text(const struct leg *l)
{
	if (l->dgram || l->state != LEG_UP || (!l->eof && !l->shut))
		return leg_state_names[l->state];
	return l->eof && l->shut ? "up, both finished sending"
	       : l->eof          ? "up, the peer finished sending"
				 : "up, the gateway finished sending";
}

/* The (D)TLS session: "none" for a plain transport, else where it stands. */
static const char *tls_text(const struct leg *l)
{
	static const char *const names[] = { [TLS_NONE] = "waiting",
					     [TLS_HANDSHAKE] = "handshake",
					     [TLS_HELD] = "held for the fingerprint",
					     [TLS_VERIFIED] = "up" };
	if (!l->bearer || !l->bearer->secure)
		return "none";
	if (l->state == LEG_DONE)
		return l->tls_state == TLS_VERIFIED ? "closed" : "failed";
	if (l->tls_state == TLS_VERIFIED && (l->bye_sent || l->bye_rcvd))
		return l->bye_sent && l->bye_rcvd ? "closed" : "closing";
	return names[l->tls_state];
}

/* "sha-256 AB:…" of the certificate the peer showed in the session; NULL without one. */
static json_object *peer_fingerprint(const struct leg *l)
{
	unsigned n = 0;
	const gnutls_datum_t *certs = leg_io(l)->peer_certs(l, &n);
	char hex[100], text[120];
	if (!certs || !n || !tls_fingerprint(&certs[0], "sha-256", hex, sizeof hex))
		return NULL;
	snprintf(text, sizeof text, "sha-256 %s", hex);
	return json_object_new_string(text);
}

static json_object *addr(const char *host, unsigned port)
{
	char text[96];
	snprintf(text, sizeof text, host && strchr(host, ':') ? "[%s]:%u" : "%s:%u", host ? host : "", port);
	return json_object_new_string(text);
}

json_object *legs_describe(const struct agw_term *t)
{
	const struct leg *l = t->leg;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(t->id));
	json_object_object_add(o, "realm", json_object_new_string(t->realm->name));
	json_object_object_add(o, "transport", t->has_local ? json_object_new_string(t->local.proto) : NULL);
	json_object_object_add(o, "local", t->port ? addr(t->realm->host, t->port) : NULL);
	json_object_object_add(o, "remote",
			       t->has_remote && t->remote.port ? addr(t->remote.addr, t->remote.port) : NULL);
	char peer[SA_TEXT_MAX];
	bool has_peer = l && (l->dgram ? l->has_peer : l->fd >= 0); /* TCP: the connection's */
	json_object_object_add(o, "peer", has_peer ? json_object_new_string(sa_text(&l->peer, peer)) : NULL);
	if (t->has_local && !l) /* no leg made yet (nothing to connect) */
		json_object_object_add(o, t->local.proto[0] == 'U' ? "udp" : "tcp",
				       json_object_new_string("idle"));
	else if (l)
		json_object_object_add(o, l->kind->name, json_object_new_string(tcp_text(l)));
	json_object_object_add(o, "tls", json_object_new_string(l ? tls_text(l) : "none"));
	json_object_object_add(o, "tls_role", /* null without a session: a column of its own in ims-ctl */
			       l && l->tls ? json_object_new_string(l->client ? "client" : "server") : NULL);
	json_object_object_add(o, "peer_fingerprint", l ? peer_fingerprint(l) : NULL);
	json_object_object_add(o, "bytes_received", json_object_new_uint64(t->octets_received));
	json_object_object_add(o, "bytes_sent", json_object_new_uint64(t->octets_sent));
	json_object_object_add(o, "packets_received", json_object_new_uint64(t->packets_received));
	json_object_object_add(o, "packets_sent", json_object_new_uint64(t->packets_sent));
	if (l && l->dgram)
		json_object_object_add(o, "datagrams_dropped",
				       json_object_new_uint64(l->dropped + l->filtered));
	return o;
}
