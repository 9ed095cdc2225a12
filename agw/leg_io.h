/* SPDX-License-Identifier: GPL-3.0-or-later */
/* leg_io: a leg's transport, one small table per kind (Redis's connection types are the model): TCP, TLS
 * over TCP, UDP, DTLS over UDP. The relay (tcp.c, udp.c) and the conference server read and write
 * through it and do not know which transport they drive. Internal to the legs: their API is legs.h. */
#ifndef MEDIASEC_AGW_LEG_IO_H
#define MEDIASEC_AGW_LEG_IO_H

#include <stddef.h>
#include <sys/types.h>

#include "leg.h"

struct leg_io {
	const char *name; /* "TCP", "TLS", "UDP", "DTLS" */
	/* Stream kinds: >0 bytes, 0 end of stream (TLS: close_notify, or TCP's end without it), -EAGAIN, or
	 * -errno with l->why set (leg_why). DTLS: the records of the datagram in hand (l->dg), -EAGAIN once
	 * they are taken; 0 the peer's close_notify. UDP: NULL, its datagrams are taken in batches (udp.c)
	 * and passed on as they came. */
	ssize_t (*read)(struct leg *l, void *buf, size_t n);
	/* Stream kinds: bytes taken (at most one TLS record's worth), -EAGAIN, or -errno with l->why set.
	 * Datagram kinds: one datagram (DTLS: one record) to the leg's peer, or <0: lost, as UDP loses. */
	ssize_t (*write)(struct leg *l, const void *buf, size_t n);
	/* The end of what the gateway sends: close_notify for (D)TLS, then FIN for TCP. */
	void (*shutdown)(struct leg *l);
	/* The certificates the peer showed in the session's handshake (*n of them); NULL without one. */
	const gnutls_datum_t *(*peer_certs)(const struct leg *l, unsigned *n);
};

/* The transport l runs now: TLS or DTLS once its session exists, else TCP or UDP. */
const struct leg_io *leg_io(const struct leg *l);

/* l's last I/O error as its end is reported, into out: "TLS: <GnuTLS's text>", "DTLS: …", or the system's
 * text for TCP; "" when none. */
enum { LEG_WHY = 128 };
const char *leg_why(const struct leg *l, char out[LEG_WHY]);

static inline ssize_t leg_read(struct leg *l, void *buf, size_t n)
{
	return leg_io(l)->read(l, buf, n);
}

static inline ssize_t leg_write(struct leg *l, const void *buf, size_t n)
{
	return leg_io(l)->write(l, buf, n);
}

static inline void leg_shutdown(struct leg *l)
{
	leg_io(l)->shutdown(l);
}

#endif
