/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sippeer: a SIP party for tests (a UE, the core), written as text on a real UDP or TCP socket on
 * 127.0.0.1, with bounded waits, and the few readers of message text the assertions need. */
#ifndef MEDIASEC_TEST_SIPPEER_H
#define MEDIASEC_TEST_SIPPEER_H

#include <stdbool.h>
#include <stdint.h>

struct sippeer {
	bool tcp;
	int fd;        /* the UDP socket, or the TCP listener */
	int conn;      /* TCP: the connection in use (made or accepted), -1 before */
	uint16_t port; /* where it listens */
	char *pending; /* TCP: bytes read past the last message */
};

/* Opens a peer on a free port. False when the socket cannot be made. */
bool sippeer_open(struct sippeer *p, bool tcp);
void sippeer_close(struct sippeer *p);
/* Sends head (each line ending in CRLF, without Content-Length) and body to 127.0.0.1:to: a datagram,
 * or on the connection (made to `to` first when there is none). */
void sippeer_send(struct sippeer *p, uint16_t to, const char *head, const char *body);
/* The next message within ms, 100 Trying skipped (g_free it); NULL on timeout. */
char *sippeer_recv(struct sippeer *p, unsigned ms);
/* The next message that is not a provisional response, within ms each (g_free it). */
char *sippeer_final(struct sippeer *p, unsigned ms);
/* The next message starting with prefix within ms in all, others dropped (g_free it). */
char *sippeer_next_of(struct sippeer *p, const char *prefix, unsigned ms);
/* The first messages p gets within ms starting with each of want[0..n), in any order (a proxy sends them
 * as its events come), retransmissions and others dropped; got[i] NULL when missing (g_free each). */
void sippeer_collect(struct sippeer *p, unsigned n, const char *const want[], char *got[], unsigned ms);
/* Answers a request it received: its Via, Record-Route, From, To (tag added when absent), Call-ID,
 * CSeq, a Contact at this peer as user (the To tag when it adds one), and the body as application/sdp when
 * given. */
void sippeer_answer(struct sippeer *p, const char *req, const char *user, const char *status,
		    const char *sdp);
/* The same with extra header lines (each ending in CRLF, or NULL) after the Contact. */
void sippeer_answer_with(struct sippeer *p, const char *req, const char *user, const char *status,
			 const char *extra, const char *sdp);
/* The ACK of a non-2xx final response to an INVITE to ruri (same Via branch, To with the tag). */
void sippeer_ack(struct sippeer *p, uint16_t to, const char *ruri, const char *response);

/* Readers of a message's text. */
const char *sip_body(const char *msg);                 /* "" when none */
char *sip_header(const char *msg, const char *name);   /* the first value, "" when absent; g_free */
char *sip_headers(const char *msg, const char *name);  /* "Name: value\r\n" for each, in order; g_free */
uint16_t sip_via_port(const char *msg);                /* the port of the top Via */
unsigned sdp_port(const char *sdp, const char *media); /* of the first m=<media> line, 0 when none */
char *sdp_fingerprint(const char *sdp);                /* the first a=fingerprint value, "" when none */

#endif

/* An initial request's head from this peer: Request-URI sip:<to>@example.net, Via (branch from the
 * Call-ID and CSeq), From <sip:<from>@example.net> with tag <from>1, To, Call-ID, CSeq, Contact,
 * Max-Forwards 70, then extra (whole lines, or NULL) and, with sdp, Content-Type (g_free it). */
char *sippeer_request(const struct sippeer *p, const char *method, const char *from, const char *to,
		      const char *call, unsigned cseq, const char *extra, bool sdp);

/* Sends an initial INVITE (CSeq 1) from user `from` to user `to` with the SDP body to 127.0.0.1:port. */
void sippeer_invite(struct sippeer *p, uint16_t port, const char *from, const char *to, const char *call,
		    const char *sdp);

/* The dialog an INVITE made, as one party sees it: where its in-dialog requests go and what they say. */
struct sipdlg {
	struct sippeer *me;
	char *call_id, *local, *remote; /* From and To as this party writes them (tags included) */
	char *target;                   /* the other party's Contact URI */
	char *route;                    /* "Route: <…>\r\n" lines, the first hop first */
	unsigned cseq;                  /* of the last INVITE this party sent */
};
/* The caller's view from its 2xx (route set reversed, RFC 3261 §12.1.2); cseq: its INVITE's. */
void sipdlg_caller(struct sipdlg *d, struct sippeer *me, const char *ok, unsigned cseq);
/* The callee's view from the INVITE it received and answered with To tag <user> (sippeer_answer). */
void sipdlg_callee(struct sipdlg *d, struct sippeer *me, const char *invite, const char *user);
/* Sends an in-dialog request to the first route hop: ACK reuses the INVITE's CSeq, others take the
 * next; INVITE with sdp is a re-INVITE. */
void sipdlg_send(struct sipdlg *d, const char *method, const char *sdp);
/* The same with extra header lines (each ending in CRLF, or NULL) after the CSeq. */
void sipdlg_send_with(struct sipdlg *d, const char *method, const char *extra, const char *sdp);
void sipdlg_clear(struct sipdlg *d);
/* The callee answers the INVITE inv as user, 200 with sdp; the caller gets the 200 (*ok, g_free it) and
 * ACKs it, and the callee gets the ACK; *dc and *de the caller's and the callee's dialogs. False (no
 * dialog made) when the 200 did not come. */
bool sipdlg_answered(struct sippeer *caller, struct sippeer *callee, const char *inv, const char *user,
		     const char *sdp, struct sipdlg *dc, struct sipdlg *de, char **ok);
