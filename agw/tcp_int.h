/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tcp_int: a TCP leg's I/O (tcp_io.c), what tcp.c's relay and conference member read and write with.
 * Internal to ims-agw's TCP legs: their API is legs.h. */
#ifndef MEDIASEC_AGW_TCP_INT_H
#define MEDIASEC_AGW_TCP_INT_H

#include <stddef.h>
#include <sys/types.h>

#include "leg.h"

/* Plain TCP or GnuTLS: >0 bytes, 0 end of stream, -EAGAIN, or -errno (l->why set). */
ssize_t leg_read(struct leg *l, void *buf, size_t n);
ssize_t leg_write(struct leg *l, const void *buf, size_t n);
/* The end of what we send on this leg: close_notify for TLS, then FIN. */
void leg_shutdown(struct leg *l);

#endif
