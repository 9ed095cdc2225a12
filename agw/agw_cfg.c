/* agw_cfg: the ims-agw option table (documented in doc/configuration.md and ims-agw.8). */
#include "config.h"
#include "agw_cfg.h"

static const struct cfg_option agw_options[] = {
	CFG_COMMON_ROWS(struct agw_config),
	{ "h248.address", 0, CFG_ADDR, offsetof(struct agw_config, h248_address), "127.0.0.1", 0, 0, NULL,
	  "local address of the H.248 control association (UDP and TCP)" },
	{ "h248.port", 'p', CFG_INT, offsetof(struct agw_config, h248_port), "2944", 1, 65535, NULL,
	  "local port of the H.248 control association (text encoding: 2944)" },
	{ 0 },
};

const struct cfg_program agw_program = {
	.name = "ims-agw",
	.summary = "IMS access gateway (H.248 MG): TLS termination and TCP relay for MSRP, BFCP and T.38.",
	.options = agw_options,
};
