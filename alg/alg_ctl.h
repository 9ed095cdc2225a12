/* SPDX-License-Identifier: GPL-3.0-or-later */
/* alg_ctl: ims-alg's commands on the control socket (ctl.h, ctl.socket; ims-ctl --alg):
 *   status              calls, dialogs, registrations, gateways up, and whether it drains
 *   registrations       every current binding (registrar.h)
 *   calls, call CALL-ID the calls and their media lines, gateway and context (call.h)
 *   gateways            the gateway pool (mgc.h): address, association state, requests pending
 *   drain [SECONDS]     no new calls: initial INVITEs get 503 with Retry-After (proxy.h); calls go on
 *   log-level [LEVEL], stop (as SIGTERM), help */
#ifndef MEDIASEC_ALG_CTL_H
#define MEDIASEC_ALG_CTL_H

#include <glib.h>

#include "ctl.h"
#include "mgc.h"
#include "proxy.h"

/* What the commands read; the daemon's, alive while the socket is. */
struct alg_ctl_src {
	struct ev_loop *loop; /* the H.248 stack's, which serves the socket too */
	GMainLoop *main;      /* quit by "stop" */
	struct proxy *proxy;
	struct mgc *mgc;
	const char *mid; /* ours, as the MGC */
};

/* The socket on path ("": none, NULL returned without *err); src is kept. */
struct ctl *alg_ctl_start(const char *path, const struct alg_ctl_src *src, char **err);

#endif
