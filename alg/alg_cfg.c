/* alg_cfg: the ims-alg option table (documented in doc/configuration.md and ims-alg.8). */
#include "config.h"
#include "alg_cfg.h"

const char *const alg_transport_names[] = { "both", "udp", "tcp", NULL };

#define SIDE_ROWS(side, defport, what)                                                                       \
	{ "sip." #side ".address",                                                                           \
	  0,                                                                                                 \
	  CFG_ADDR,                                                                                          \
	  offsetof(struct alg_config, side.address),                                                         \
	  "127.0.0.1",                                                                                       \
	  0,                                                                                                 \
	  0,                                                                                                 \
	  NULL,                                                                                              \
	  "local SIP address on the " what " side" },                                                        \
	    { "sip." #side ".port",                                                                          \
	      0,                                                                                             \
	      CFG_INT,                                                                                       \
	      offsetof(struct alg_config, side.port),                                                        \
	      defport,                                                                                       \
	      1,                                                                                             \
	      65535,                                                                                         \
	      NULL,                                                                                          \
	      "local SIP port on the " what " side" },                                                       \
	{                                                                                                    \
		"sip." #side ".transport", 0, CFG_ENUM, offsetof(struct alg_config, side.transport), "both", \
		    0, 0, alg_transport_names, "SIP transports on the " what " side: udp, tcp or both"       \
	}

static const struct cfg_option alg_options[] = {
	CFG_COMMON_ROWS(struct alg_config),
	SIDE_ROWS(access, "5060", "access (UE)"),
	SIDE_ROWS(core, "5070", "core (toward the S-CSCF or peer network)"),
	{ 0 },
};

const struct cfg_program alg_program = {
	.name = "ims-alg",
	.summary = "IMS application level gateway (P-CSCF media security, H.248 MGC) on sofia-sip.",
	.options = alg_options,
};
