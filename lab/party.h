/* SPDX-License-Identifier: GPL-3.0-or-later */
/* party: one party the lab plays — a UE on the access side or the peer on the core side — as a real SIP
 * user agent (sofia-sip nua, SDP given and read as text with its media engine off) with a real media
 * endpoint: a TCP socket that listens or connects as its SDP says, TLS over it with GnuTLS and the
 * party's own self-signed certificate, and the messages of its protocol (MSRP, BFCP). Every TCP and TLS
 * event it causes goes to the lab's trace, from the side that sent it, so the ladder shows each once. */
#ifndef MEDIASEC_LAB_PARTY_H
#define MEDIASEC_LAB_PARTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <glib.h>
#include <gnutls/gnutls.h>
#include <json-c/json.h>
#include <sofia-sip/su_wait.h>

#include "cert.h"
#include "sockaddr.h"
#include "trace_kinds.h"

struct evlog;
struct payload;
struct trace;

/* What reached a party over SIP: a request (method set) or a response to one of its requests. */
struct sip_seen {
	char method[16]; /* "" for a response */
	int status;      /* responses */
	char *phrase, *sdp;
};

struct party {
	char *name;  /* the scenario's key: "A" */
	char *title; /* "UE A", "core B" */
	bool ue;
	const char *user;
	char *security_client; /* the mediasec mechanisms offered at registration, or NULL */
	bool other_cert;       /* presents a certificate other than the one its SDP names */
	struct tls_identity id, other;
	uint16_t sip_port;
	/* SIP */
	void *nua, *call; /* nua_t, nua_handle_t */
	void *reg;        /* its registration's handle, or NULL */
	bool registered;  /* its last REGISTER got a 2xx: party_stop un-registers first */
	GQueue seen;      /* struct sip_seen *: not yet taken */
	char *sdp;        /* the last SDP it received (kept by the runner) */
	bool down;        /* nua shut down */
	bool trace_sip;   /* traces the SIP it receives (sip.rx): a controller under test traces none */
	char *route;      /* the Route its new calls' INVITEs carry (pre-loaded, RFC 3261 §8.1.2), or NULL */
	/* media */
	char addr[64]; /* its media address: 127.0.0.1, or its own behind a NAT */
	int netns;     /* behind a NAT: the network namespace its media sockets live in, else -1 */
	int lfd, fd;
	uint16_t media_port;     /* listening, or 9 (discard) */
	char peer[64];           /* the media connection's other end, "addr:port" */
	bool connecting, active; /* active: it connected (so it is the TLS client) */
	bool dgram;              /* UDP media (T.38): fd is its bound UDP socket */
	bool aimed;              /* UDP: the socket is connected to the other end's address */
	char setup[12];          /* the a=setup its own last SDP gave ("" for none) */
	unsigned sdp_version;    /* its o= line's version: one more for each SDP it writes (RFC 3264 §8) */
	gnutls_session_t tls;
	char *psk_identity, *psk_key; /* TLS-PSK instead of certificates (the spec's "psk"), or NULL */
	bool unchecked; /* its next handshake leaves the peer's certificate unchecked (no answer yet) */
	gnutls_psk_server_credentials_t psk_server;
	gnutls_psk_client_credentials_t psk_client;
	/* a conference's application over the media connection (app.c) */
	const struct payload *media; /* what its last SDP carried */
	bool secure;                 /* over TLS: its application starts once the handshake is done */
	char path[128];              /* MSRP: its own URI, its SDP's a=path */
	GByteArray *in;              /* a conference participant: received, not yet a whole message */
	uint16_t bfcp_tid;           /* BFCP: its last transaction id */
	uint16_t floor_request;      /* BFCP: the FLOOR-REQUEST-ID of its last FloorRequestStatus */
	struct trace *trace;
	struct evlog *log;
	su_root_t *root;
};

/* spec: the scenario's party object; sip_port its SIP port (0: a free one); trace_file NULL: no trace.
 * NULL with *err. */
struct party *party_new(su_root_t *root, const char *name, json_object *spec, struct evlog *log,
			uint16_t sip_port, const char *trace_file, char **err);
/* Its media sockets from now on in the network namespace at netns_path (/run/netns/NAME), on addr: a
 * UE behind the NAT that namespace's routes lead through. False with *err. */
bool party_behind_nat(struct party *p, const char *netns_path, const char *addr, char **err);
/* Its SIP goes to 127.0.0.1:port from now on (its side of the ALG, known once the ALG runs). */
void party_route(struct party *p, uint16_t port);
/* Ends its SIP (un-REGISTER included) while the ALG is still there. */
void party_stop(struct party *p);
void party_free(struct party *p);

/* ---- SIP ---- */
void party_register(struct party *p, const char *registrar);
/* An INVITE to to_user's AOR with this SDP offer; to_user NULL: a re-INVITE in its call (RFC 3264 §8). */
void party_invite(struct party *p, const char *to_user, const char *sdp);
/* Answers the INVITE received (sdp NULL: none). */
void party_respond(struct party *p, int status, const char *phrase, const char *sdp);
void party_bye(struct party *p);
/* Runs the SIP stack until a request with method (NULL: a final response) reached p, or ms passed. The
 * caller owns the result (sip_seen_free); NULL on timeout. */
struct sip_seen *party_wait(struct party *p, const char *method, unsigned ms);
void sip_seen_free(struct sip_seen *s);
/* Runs the SIP stack for ms. */
void lab_spin(su_root_t *root, unsigned ms);

/* ---- media ---- */
bool party_listen(struct party *p);
/* UDP media: a socket on a port of its own, its SDP's port. */
bool party_bind_udp(struct party *p);
/* Where the other end's media is, as the last SDP p received says; false without one. */
bool party_media_peer(const struct party *p, union sa *out);
/* Starts connecting (non-blocking) to the other end's media as the last SDP it received gives it, from
 * media_port when it does not listen (the port its SDP names then, chosen now when it was 9); for UDP
 * media, aims its socket there. False without such an SDP, or when the connect fails at once. */
bool party_connect(struct party *p);
/* Waits for the connect started: 1 up, 0 refused or reset, -1 still nothing after ms. */
int party_established(struct party *p, unsigned ms);
bool party_accept(struct party *p, unsigned ms);
/* TLS on its connection: the client when it connected (the TCP-active side), else the server; over UDP,
 * DTLS toward the address the other side's SDP gave, the client when its own a=setup was active or the
 * other side's passive (RFC 5763 §5). lose: that many datagrams received first are dropped (a lost
 * flight the other side must send again). The peer's certificate must match an a=fingerprint of the
 * last SDP it received, unless p->unchecked (a UE that has no answer yet to check it against). False
 * with why (the alert received, or the mismatch). */
bool party_tls(struct party *p, unsigned ms, unsigned lose, char why[160]);
/* After a handshake that succeeded: false with why ("alert bad_certificate") when the peer sends a fatal
 * alert within ms (a gateway that checks the fingerprint once the handshake is done). */
bool party_tls_alert(struct party *p, unsigned ms, char why[160]);
/* Sends one message of the call's protocol (what: "MSRP SEND" …), in the trace as kind (data.tx for
 * bytes to be compared whole, msrp.tx …): the bytes written, at the time the sending began. */
bool party_send(struct party *p, enum trace_kind kind, const void *data, size_t n, const char *what);
/* Reads n bytes within ms: true when they are exactly want (in the trace as data.rx); else why says
 * what came instead. */
bool party_expect(struct party *p, const void *want, size_t n, unsigned ms, const char *what, char why[160]);
/* What has arrived on its media connection, without waiting: the bytes read (at most n), 0 when none are
 * there, -1 when the connection is closed or failed. */
ssize_t party_read(struct party *p, void *buf, size_t n);
/* An event on its media connection for the trace: out, sent by p; raw, the message (NULL: none). */
void party_note(struct party *p, enum trace_kind kind, bool out, const char *summary, const void *raw,
		size_t n);
/* Closes the media connection (FIN, close_notify first when TLS). */
void party_close(struct party *p);
/* Closes its media as party_close does and forgets it: the next SDP it writes opens new sockets, as a
 * re-offer that changes the medium does (an ATA's T.38 on a port of its own, RFC 3362). */
void party_media_reset(struct party *p);

#endif
