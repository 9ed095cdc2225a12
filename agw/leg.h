/* SPDX-License-Identifier: GPL-3.0-or-later */
/* leg: what the gateway's TCP legs (tcp.c), UDP legs (udp.c) and their (D)TLS sessions (sess.c) share.
 * Internal to the legs module: its API is legs.h. */
#ifndef MEDIASEC_AGW_LEG_H
#define MEDIASEC_AGW_LEG_H

#include <gnutls/dtls.h>
#include <glib.h>
#include <gnutls/gnutls.h>
#include <sys/types.h>

#include "legs.h"
#include "log.h"
#include "trace_kinds.h"
#include "transport.h"
#include "wire.h"

enum leg_state { LEG_IDLE, LEG_LISTENING, LEG_WAITING, LEG_CONNECTING, LEG_UP, LEG_DONE };
extern const char *const leg_state_names[];

enum tls_state { TLS_NONE, TLS_HANDSHAKE, TLS_HELD, TLS_VERIFIED };

struct leg {
	struct legs *ls;
	struct agw_term *t;
	enum leg_state state;
	enum tls_state tls_state;       /* (D)TLS: how far its session is */
	const struct tp_bearer *bearer; /* the Local's transport, as of the last configuration */
	bool dgram;                     /* a UDP leg (udp.c), else TCP (tcp.c): fixed at creation */
	const struct leg_kind *kind;    /* leg_udp or leg_tcp, as dgram says */
	int lfd, fd;
	struct ev_io *lio, *io;
	struct ev_timer *timer;    /* TCP: connect; (D)TLS: retransmission, then the fingerprint hold */
	struct ev_timer *hs_timer; /* (D)TLS: the handshake's time limit (tls.handshake_timeout) */
	struct ev_timer *resume;   /* TCP: the listener is paused after a failed accept until it fires */
	unsigned backoff_ms;       /* the next such pause */
	union sa peer;             /* TCP: the connection's; UDP: where datagrams go (has_peer) */
	bool has_peer;
	/* TCP relay: read here, not yet written to the partner: buf[off .. len) */
	char *buf;
	size_t off, len;
	bool eof;     /* the peer of this leg finished sending */
	bool drained; /* the socket's last read returned less than asked: empty until the next event */
	bool shut;    /* we finished sending to the peer of this leg */
	bool active;  /* we connected (TCP client) */
	bool held;    /* accepted before the Remote was known: nothing read or sent until it is checked */
	bool syn_filter; /* a SYN filter is on lfd (filter.c) */
	/* (D)TLS */
	gnutls_session_t tls;
	gnutls_psk_client_credentials_t psk_client; /* Mp's pre-shared key (t->psk_key), else NULL */
	gnutls_psk_server_credentials_t psk_server;
	bool client;
	bool alerted;   /* a fatal alert was sent: the session ends without close_notify */
	bool alert_out; /* and the socket took all of it: the leg then closes, a reset would discard it */
	bool bye_sent; /* our close_notify went out */
	bool bye_rcvd; /* the peer's close_notify arrived */
	char *raw;     /* TLS: bytes read from the socket not yet taken by GnuTLS: raw[raw_off .. raw_len) */
	size_t raw_off, raw_len;
	const void *dg; /* DTLS: the datagram GnuTLS reads now */
	size_t dg_len;
	/* UDP */
	bool latched;
	uint64_t dropped;  /* datagrams not relayed: no way on yet, or a full socket */
	uint64_t filtered; /* datagrams from a source not admitted */
	const char *why;   /* the last I/O error (g_strerror's or gnutls_strerror's text: static); leg_why */
	/* The relay this leg is half of (legs.c): its partner in the context, held, not searched for */
	struct relay *relay;
	/* A conference participant (conference.c): its protocol state; NULL for a relay leg */
	struct member *member;
	/* tman policing of what the leg receives (police.c) */
	double bucket;           /* octets the token bucket holds */
	int64_t bucket_at;       /* when it was last refilled (monotonic µs); 0: not used yet */
	struct ev_timer *police; /* TCP: reading paused until the bucket refills */
	int64_t paused_at;
	bool police_ended; /* TCP: reset or hung up: what is left is read at once */
};

struct legs {
	struct ev_loop *loop;
	struct agw_mg *mg;
	struct legs_opts o;
	gnutls_priority_t priority;     /* parsed once: every session shares it */
	gnutls_priority_t psk_priority; /* the same with the PSK key exchanges, for Mp's KMS case */
	GHashTable *confs;     /* the conference server's: context id -> its conference (conference.c) */
	GHashTable *lingering; /* connections ended by the gateway, kept until the peer's end */
	uint64_t close_notify_sent, close_notify_received; /* over all (D)TLS sessions */
	struct log_counter out_of_fds; /* accepts refused for want of descriptors or memory */
	struct log_counter filtered;   /* datagrams dropped by a source filter, over all legs */
	struct legs_stats stats;       /* legs.h */
};

/* Up, and for (D)TLS verified against the Remote's fingerprints: bytes may cross. */
static inline bool leg_ready(const struct leg *l)
{
	return l->state == LEG_UP && (!l->bearer->secure || l->tls_state == TLS_VERIFIED);
}

/* A datagram of l's not relayed, counted on the leg and for the metrics. */
static inline void leg_dropped(struct leg *l)
{
	l->dropped++;
	l->ls->stats.datagrams_dropped++;
}

const struct log_ids *leg_ids(const struct leg *l, struct log_ids *ids);
/* One TCP, UDP or (D)TLS event between the leg's local address and its peer; out: sent by the gateway. */
void leg_trace(struct leg *l, enum trace_kind kind, bool out, const char *summary);
/* The same with another peer than the leg's (a datagram's source the filter dropped). */
void leg_trace_with(struct leg *l, const union sa *peer, enum trace_kind kind, bool out, const char *summary);
/* ev happened on the leg: counted, and notified when the MGC asked for it; WIRE_COUNT: no event. */
void leg_event(struct leg *l, enum wire_ie ev, const char *reason);
/* The termination's ds/dscp (H.248.52) on fd, when it has one: what fd sends carries it in the DS field
 * (IPv4 TOS, IPv6 traffic class; the two ECN bits 0). */
void leg_mark(struct leg *l, int fd);
/* The other half of l's relay: the other leg of its kind in its context (none for a conference
 * participant). Found once and held by both legs until one goes or leaves the context. */
struct leg *leg_partner(struct leg *l);
/* The Remote's address, when it has one with a port. */
bool leg_remote(const struct agw_term *t, union sa *out);
/* The leg ends: sockets, timers, buffers and session go, and ev is notified with the reason (WIRE_COUNT:
 * none). reset: with a TCP RST, unless the leg's fatal alert went out (the reset would discard it). */
void leg_finish(struct leg *l, bool reset, enum wire_ie ev, const char *reason);
/* The leg goes with its termination (legs_release): ended without RST, out of its relay, freed; its
 * former partner, whose socket waits for something else now, or NULL. */
struct leg *leg_drop(struct leg *l);
/* Whether the leg is a conference participant (the gateway is the focus and the transport names MSRP or
 * BFCP): it relays to no one, conference.c serves it. */
bool leg_in_conference(const struct leg *l);

/* ---- the (D)TLS session of a leg (sess.c) ---- */

/* A session as client or server over the leg's stream or datagrams; false when it ended the leg. */
bool sess_start(struct leg *l, bool client);
enum sess_step { SESS_AGAIN, SESS_DONE, SESS_FAILED };
/* One step of the handshake; SESS_FAILED has sent an alert and ended the leg. A datagram leg's
 * retransmission timer is armed on SESS_AGAIN. */
enum sess_step sess_handshake(struct leg *l);
enum sess_verdict { SESS_VERIFIED, SESS_HELD, SESS_REJECTED };
/* The finished handshake's peer certificate against the Remote's fingerprints: verified (tlsbsc/up sent),
 * held until a Remote brings them, or rejected (alert sent, leg ended). */
enum sess_verdict sess_verify(struct leg *l);
/* The termination was configured. A held handshake (sess_verify said SESS_HELD) whose Remote now brings
 * fingerprints: the peer checked now, *v its verdict. A verified session whose peer's certificate the
 * Remote no longer names (a UE that answered a re-offer with another one, or a Remote without
 * fingerprints): alert sent, leg ended, *v SESS_REJECTED. False otherwise (the configure is about
 * something else). */
bool sess_remote_check(struct leg *l, enum sess_verdict *v);
/* A fatal alert, in the trace by its RFC name. */
void sess_alert(struct leg *l, gnutls_alert_description_t desc);
/* GnuTLS failed with rc: the peer is told why by the fatal alert GnuTLS gives for rc (an unexpected
 * record: unexpected_message, RFC 8446 §6.2), unless the peer's own alert, a timeout or the transport
 * (an error, or the peer's FIN) ended the session. */
void sess_error_alert(struct leg *l, int rc);
/* Our close_notify (RFC 8446 §6.1), once, without waiting: not after a fatal alert, nor before the
 * handshake finished. False when the socket cannot take it now (call again when writable). */
bool sess_bye(struct leg *l);
/* The peer's close_notify arrived (GnuTLS read the end of the session): counted and traced once. */
void sess_bye_received(struct leg *l);
/* Whether GnuTLS or our pull buffer hold bytes already taken from a stream socket. */
bool sess_buffered(const struct leg *l);
void sess_free(struct leg *l);

/* ---- the conference server (conference.c, floor.c): a participant's MSRP or BFCP ends at the gateway ----
 */

/* The participant's leg is up (and for TLS verified, else it waits): it joins its context's conference,
 * and what its session holds is read. */
void conference_ready(struct leg *l);
/* The participant goes: its floor requests end (the next one granted) and its state is freed. */
void conference_leave(struct leg *l);
/* What the participant's socket waits for now (EPOLLIN, EPOLLOUT). */
uint32_t conference_events(const struct leg *l);
/* The participant's socket is ready for events: its output written, its input read and served. */
void conference_io(struct leg *l, uint32_t events);
/* Reading from the participant may go on (another's backlog drained): what its TLS session holds is
 * read now. */
void conference_resume(struct leg *l);

/* ---- the two kinds (tcp.c, udp.c): what legs.c and police.c call through the leg's table ---- */

struct leg_kind {
	const char *name; /* "tcp", "udp" */
	/* The termination's Local, Remote or signals changed: listen, connect, bind or start (D)TLS. */
	void (*configure)(struct leg *l);
	/* What the socket waits for, again (the partner came or went). */
	void (*update)(struct leg *l);
	/* Reading may go on: tman's pause is over (police.c). */
	void (*unpaused)(struct leg *l);
	/* Sockets, listener, buffers, policing and session go (the leg's timer is leg.c's); reset: with RST.
	 */
	void (*teardown)(struct leg *l, bool reset);
};
extern const struct leg_kind leg_tcp, leg_udp;

/* ---- the tman policer of what a leg receives (police.c) ---- */

/* Whether the termination has policing on (tman/pol = on, with tman/sdr). */
bool police_active(const struct leg *l);
/* UDP: whether a datagram of n octets fits in the bucket (its octets taken); if not it is to be dropped,
 * and is counted in the termination's tmanr/dp. */
bool police_admit(struct leg *l, size_t n);
/* TCP: how many octets, at most want, may be read now; 0: pause (police_pause). */
size_t police_room(struct leg *l, size_t want);
/* TCP: n octets were read. */
void police_take(struct leg *l, size_t n);
/* TCP: reading stops until the bucket holds a chunk, then tcp_unpaused; counted on the termination. */
void police_pause(struct leg *l);
bool police_paused(const struct leg *l);
/* The leg goes: a pause ends. */
void police_stop(struct leg *l);
/* TCP: the connection was reset or hung up (epoll reports it whatever the leg waits for): no more
 * pauses, so that its end is read now and not polled for until the bucket refills. */
void police_end(struct leg *l);

/* ---- whom a TCP leg admits (filter.c) ---- */

/* Whether a connection from peer may have the leg: the Remote's address (gm/saf, or the gateway's own
 * filter once the Remote is known), and its port with gm/spf. *why says why not. */
bool filter_source_ok(const struct leg *l, const union sa *peer, char *why, size_t n);
/* The listening socket's SYN filter, for the leg's Remote and controls as they are now. */
void filter_syn(struct leg *l);

/* ---- the last moments of a TCP leg the gateway ended (linger.c) ---- */

/* Takes the leg's socket and session: close_notify (TLS) and FIN are sent if they were not, then what
 * the peer still sends is read (its close_notify counted and traced) and dropped until its FIN or
 * LINGER_MS, so that the close never answers the peer with RST. */
void linger_start(struct leg *l);
/* Every lingering connection closes now (the gateway stops). */
void linger_stop_all(struct legs *ls);

#endif
