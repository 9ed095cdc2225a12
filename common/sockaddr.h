/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sockaddr: IPv4/IPv6 socket addresses as one type, their "addr:port" text form, and listening sockets. */
#ifndef MEDIASEC_SOCKADDR_H
#define MEDIASEC_SOCKADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

/* IPv4 or IPv6, nothing else: 28 bytes, where a sockaddr_storage would take 128 in every leg, transaction
 * and call that holds one. A socket of another family has its own type (ctl.c's sockaddr_un). */
union sa {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

#define SA_TEXT_MAX 64 /* "[ffff:...:ffff]:65535" */

/* addr is an IPv4 or IPv6 literal (no brackets). */
bool sa_from_text(union sa *out, const char *addr, uint16_t port);
socklen_t sa_len(const union sa *a);
uint16_t sa_port(const union sa *a);
bool sa_equal(const union sa *a, const union sa *b);
/* The unspecified address (0.0.0.0 or ::): a place to bind, never one to write into SDP or Via. */
bool sa_is_any(const union sa *a);
/* "127.0.0.1:2944" or "[::1]:2944"; returns buf. */
char *sa_text(const union sa *a, char buf[SA_TEXT_MAX]);

/* A non-blocking, close-on-exec socket bound to a (SO_REUSEADDR); SOCK_STREAM ones also listen.
 * Returns the fd, or -errno. */
int sa_bind(int type, const union sa *a);

#endif
