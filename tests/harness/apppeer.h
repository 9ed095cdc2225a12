/* SPDX-License-Identifier: GPL-3.0-or-later */
/* apppeer: a UE's MSRP and BFCP endpoint for tests, over TLS (a GnuTLS session) or plain TCP: reads
 * whole MSRP frames and BFCP messages as they arrive, with timeouts. */
#ifndef MEDIASEC_TEST_APPPEER_H
#define MEDIASEC_TEST_APPPEER_H

#include <glib.h>
#include <gnutls/gnutls.h>
#include <stdbool.h>

#include "msrp.h"

struct apppeer {
	int fd;
	gnutls_session_t s; /* NULL: plain TCP on fd */
	GByteArray *in;     /* read, not yet taken */
};

void apppeer_init(struct apppeer *p, int fd, gnutls_session_t s);
void apppeer_clear(struct apppeer *p); /* the buffer; the socket and session stay the caller's */
bool apppeer_send(struct apppeer *p, const void *data, size_t n);
/* The next MSRP frame, whole (g_free it), *f describing it; NULL when none came within ms. */
char *apppeer_msrp(struct apppeer *p, unsigned ms, struct msrp_frame *f);
/* The next BFCP message as bfcp_describe writes it (g_free it); NULL when none came within ms. */
char *apppeer_bfcp(struct apppeer *p, unsigned ms);

#endif
