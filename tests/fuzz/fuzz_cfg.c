/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the configuration loader (json-c tokenizer plus our key/type/range validation). */
#include <glib.h>

#include "agw_cfg.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct agw_config cfg = { 0 };
	char *err = NULL;
	cfg_defaults(agw_program.options, &cfg);
	if (!cfg_load_buffer(agw_program.options, &cfg, "fuzz", (const char *)data, size, &err))
		g_free(err);
	cfg_free(agw_program.options, &cfg);
	return 0;
}
