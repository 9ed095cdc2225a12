/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agw_ctl: ims-agw's commands on the control socket (ctl.h, ctl.socket; ims-ctl --agw):
 *   status           the MGC association (address, mId, registered), contexts and terminations held
 *   contexts         every context with its terminations (legs_describe: transport, addresses, TCP and
 *                    TLS state, the peer certificate's fingerprint, bytes each way)
 *   context ID       one of them
 *   log-level [LEVEL], stop (as SIGTERM: ServiceChange Forced, then exit), help */
#ifndef MEDIASEC_AGW_CTL_H
#define MEDIASEC_AGW_CTL_H

#include <stdbool.h>

#include "assoc.h"
#include "ctl.h"
#include "store.h"

/* What the commands read; the daemon's, alive while the socket is. */
struct agw_ctl_src {
	struct ev_loop *loop;
	struct agw_store *store;
	struct h248_mg *assoc;
	const char *mid; /* ours */
	bool mgc_tcp;    /* the association runs over TCP */
};

/* The socket on path ("": none, NULL returned without *err); src is kept. */
struct ctl *agw_ctl_start(const char *path, const struct agw_ctl_src *src, char **err);

#endif
