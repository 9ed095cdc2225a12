/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tlspeer: a GnuTLS endpoint for tests (a UE), blocking with timeouts, on an already connected socket:
 * TLS over TCP, DTLS over UDP. */
#ifndef MEDIASEC_TEST_TLSPEER_H
#define MEDIASEC_TEST_TLSPEER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <gnutls/gnutls.h>

#include "cert.h"

/* A handshake as client or server (the server asks for the client's certificate), TLS on a stream
 * socket, DTLS on a connected datagram socket. On success, when
 * expect_fp ("sha-256 AB:…") is given, the peer certificate must match it. NULL with *why on failure. */
gnutls_session_t tlspeer_handshake(int fd, bool client, const struct tls_identity *id, const char *expect_fp,
				   unsigned ms, char why[160]);
/* tlspeer_handshake, its failure's reason written to stderr (where a test's log shows it). */
gnutls_session_t tlspeer_handshake_said(int fd, bool client, const struct tls_identity *id,
					const char *expect_fp, unsigned ms);
/* The same with a GnuTLS priority string (NULL: GnuTLS's default), as the benchmarks offer one suite. */
gnutls_session_t tlspeer_handshake_prio(int fd, bool client, const struct tls_identity *id,
					const char *priority, const char *expect_fp, unsigned ms,
					char why[160]);
/* Reads up to n bytes within ms: the count, 0 at close_notify, or a negative GnuTLS error. */
ssize_t tlspeer_read(gnutls_session_t s, void *buf, size_t n, unsigned ms);
bool tlspeer_write(gnutls_session_t s, const void *buf, size_t n);
void tlspeer_close(gnutls_session_t s, int fd);
/* Sends msg on the TLS session and reads it on the plain TCP socket, then the other way: true when both
 * arrive whole and byte-exact within ms each (what a gateway leg pair must do). */
bool tlspeer_cross(gnutls_session_t s, int plain, const void *msg, size_t n, unsigned ms);

#endif
