/* SPDX-License-Identifier: GPL-3.0-or-later */
/* closewait: shuts down this process's TCP sockets left in CLOSE-WAIT on given ports (closewait.c). */
#ifndef MEDIASEC_ALG_CLOSEWAIT_H
#define MEDIASEC_ALG_CLOSEWAIT_H

#include <stdint.h>

/* NULL when the kernel's socket diagnostics cannot be opened (errno set). */
struct closewait *closewait_new(void);
/* Shuts down (both ways) our sockets whose local port is one of ports[0..n) and that were in CLOSE-WAIT
 * with nothing left to send at the previous sweep and still are; the owner sees a hang-up. Returns how
 * many. */
unsigned closewait_sweep(struct closewait *cw, const uint16_t *ports, unsigned n);
void closewait_free(struct closewait *cw);

#endif
