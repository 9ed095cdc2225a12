/* agw_cfg: ims-agw's configuration — the struct and the one table that drives file keys and flags. */
#ifndef MEDIASEC_AGW_CFG_H
#define MEDIASEC_AGW_CFG_H

#include "cfg.h"

struct agw_config {
	struct cfg_common common;
	char *h248_address; /* where the MG listens for its MGC (UDP and TCP) */
	long h248_port;
};

extern const struct cfg_program agw_program;

#endif
