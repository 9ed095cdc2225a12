/* alg_cfg: ims-alg's configuration — the struct and the one table that drives file keys and flags. */
#ifndef MEDIASEC_ALG_CFG_H
#define MEDIASEC_ALG_CFG_H

#include "cfg.h"

/* SIP transports a side listens on. */
enum alg_transport { ALG_TRANSPORT_BOTH, ALG_TRANSPORT_UDP, ALG_TRANSPORT_TCP };
extern const char *const alg_transport_names[];

struct alg_sip_side {
	char *address;
	long port;
	int transport; /* enum alg_transport */
};

struct alg_config {
	struct cfg_common common;
	struct alg_sip_side access, core;
};

extern const struct cfg_program alg_program;

#endif
