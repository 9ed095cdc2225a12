/* SPDX-License-Identifier: GPL-3.0-or-later */
/* legs: the connections behind terminations, and the relay between the two legs of a context.
 *
 * A leg's role comes from a=setup in its Local: active connects, passive listens, actpass listens (and
 * the MGC may still make it connect), holdconn waits. Two legs in one context form a TCP proxy: an
 * active leg whose partner listens waits until the partner accepts a connection, then connects (seed
 * 004: "incoming TCP bearer establishment triggers an outgoing TCP bearer establishment"); an active
 * leg with no listening partner connects as soon as its Remote is known. With gm/saf (and gm/spf) the
 * listening socket drops every SYN but the Remote's, and all while no Remote is set: the peer
 * retransmits, and its SYN after the Modify succeeds (the seeds' delayed establishment).
 *
 * The gateway's own source filter (opts.source_filter, on by default) applies gm/saf's address filter
 * whenever the Remote is known, on TCP and UDP legs alike. A plain TCP leg that accepts a connection
 * before its Remote is known (seed 004 step 10: the core connects before its answer) holds it: at most
 * one, nothing read, relayed or connected onward (the partner's connect, step 11, waits, as the seed's
 * NOTE has it under SYN filtering) until a Remote comes. Then the connection gets the leg if its source
 * address (and port, with gm/spf) is the Remote's; if not it is reset, tcpbcc/fail says why, and the leg
 * accepts the next connection from the Remote. A TLS leg's peer proves itself by its certificate: its
 * handshake runs before the Remote (seed 004 step 12), within opts.tls_handshake_ms, else tlsbsc/fail.
 *
 * Bytes flow only when both legs are up. Each direction has one buffer, allocated when data comes and
 * freed when drained; a leg is not read while the other side's buffer is full (back-pressure), so no
 * byte is lost and memory stays bounded. FIN is relayed as a half-close, a reset as a reset.
 *
 * A leg whose transport has TLS (TCP/TLS…) runs TLS with GnuTLS once TCP is up: as the client when the
 * MGC signalled tlsbsc/est (seed 004: steps 16-18 configure the TLS direction, step 21 sets TLS up), as the
 * server when the peer connected (asking for the peer's certificate). A leg that connected without
 * tlsbsc/est waits for it, or for the peer's ClientHello (then it is the server); with tls_autostart it
 * starts as client at once (open point 2's autonomous start). The peer certificate is checked against the
 * Remote's a=fingerprint, and no byte crosses before it matches. When the fingerprint is not known yet (the
 * terminating case, seed 004 step 12) the finished handshake is held until a Modify brings it, for at most
 * tls_hold_ms. A mismatch or a failed handshake sends a TLS alert, closes TCP and notifies tlsbsc/fail with the
 * reason; a match notifies tlsbsc/up. close_notify is relayed as a half-close toward the TCP side, and a FIN
 * from there as close_notify. A connection the gateway ends (Subtract, or both sides done) sends
 * close_notify, then FIN, and lingers, reading, until the peer's FIN (two seconds at most): its close is
 * never a RST. A DTLS leg sends close_notify when it goes and answers the peer's with its own.
 *
 * The trace shows each TCP handshake once: tcp.syn from the side that opened it when connect() starts,
 * tcp.synack and tcp.ack when the gateway's connect completes or when it accepts; every FIN and RST
 * from the side that sent it; TLS as tls.client_hello, tls.alert (sent), tls.up, tls.close_notify (sent)
 * and tls.close_notify_rx (the peer's, received).
 *
 * As the conference server (the Mp profile's MRFP, opts.focus), a leg whose transport names MSRP or BFCP
 * is a participant, not half of a relay: the gateway ends the protocol itself, switching each MSRP SEND
 * to the context's other participants and serving BFCP floor control (see conference.c, floor.c). */
#ifndef MEDIASEC_AGW_LEGS_H
#define MEDIASEC_AGW_LEGS_H

#include "cert.h"
#include "mg.h"
#include "store.h"

struct legs;

struct legs_opts {
	unsigned connect_timeout_ms;         /* default 5000 */
	size_t buffer;                       /* per direction, default 256 KiB */
	const struct tls_identity *identity; /* the gateway's certificate */
	const char *tls_priority;            /* GnuTLS priority string */
	unsigned tls_hold_ms;      /* how long a finished handshake waits for the Remote fingerprint */
	unsigned tls_handshake_ms; /* how long a handshake may take; default 5000 */
	bool source_filter;  /* gm/saf's address filter whenever the Remote is known, and held accepts */
	bool allow_sha1;     /* accept sha-1 fingerprints */
	bool tls_autostart;  /* a leg that connected starts TLS as client at once, without tlsbsc/est */
	bool focus;          /* the conference server: MSRP and BFCP legs end here (conference.c), no relay */
	struct trace *trace; /* TCP and TLS events for the lab's ladder (NULL: none) */
};

/* What the legs did, for the metrics: counted as the notifications go (tcpbcc/up, tcpbcc/fail, tlsbsc/up,
 * tlsbsc/fail), the failures by the kind of their reason. */
enum legs_tcp_fail { LEGS_TCP_TIMEOUT, LEGS_TCP_REFUSED, LEGS_TCP_UNREACHABLE, LEGS_TCP_NOT_REMOTE,
		     LEGS_TCP_LOCAL_PORT, LEGS_TCP_OTHER, LEGS_TCP_FAIL_COUNT };
enum legs_tls_fail { LEGS_TLS_HANDSHAKE_TIMEOUT, LEGS_TLS_FINGERPRINT_TIMEOUT, LEGS_TLS_NO_CERTIFICATE,
		     LEGS_TLS_FINGERPRINT_MISMATCH, LEGS_TLS_HANDSHAKE_ERROR, LEGS_TLS_SETUP_ERROR,
		     LEGS_TLS_RECORD_ERROR, LEGS_TLS_OTHER, LEGS_TLS_FAIL_COUNT };
extern const char *const legs_tcp_fail_names[LEGS_TCP_FAIL_COUNT]; /* "timeout", … (metric labels) */
extern const char *const legs_tls_fail_names[LEGS_TLS_FAIL_COUNT];
struct legs_stats {
	uint64_t tcp_connects[2];                     /* [0]: the gateway connected, [1]: it accepted */
	uint64_t tcp_failures[LEGS_TCP_FAIL_COUNT];
	uint64_t tls_up[2];                           /* [0]: TLS over TCP, [1]: DTLS */
	uint64_t tls_failures[2][LEGS_TLS_FAIL_COUNT];
	uint64_t datagrams_filtered; /* from a source the filter (gm/saf, gm/spf, latching) did not admit */
	uint64_t datagrams_dropped;  /* admitted but not relayed: no way on yet, held, or a full socket */
	uint64_t close_notify_sent, close_notify_received;
};
void legs_stats(const struct legs *ls, struct legs_stats *out);

/* NULL with *err when the priority string is not GnuTLS's. */
struct legs *legs_new(struct ev_loop *loop, const struct legs_opts *opts, char **err);
void legs_free(struct legs *ls);
/* Events go to mg (set once both exist). */
void legs_set_mg(struct legs *ls, struct agw_mg *mg);
/* The termination's media or controls changed (an mg hook). */
void legs_configure(struct legs *ls, struct agw_term *t);
/* The termination is going: its connection closes. */
void legs_release(struct legs *ls, struct agw_term *t);
/* The termination and its connection for the control socket (legs_ctl.c): id, realm, transport, local,
 * remote and peer addresses, the TCP (or UDP) and TLS state, the peer certificate's fingerprint, bytes
 * and packets each way. */
struct json_object *legs_describe(const struct agw_term *t);

#endif
