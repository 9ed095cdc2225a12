/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the lab's scenario loader (json-c, then the schema walk that names the offending key). */
#include <glib.h>

#include "fuzz.h"
#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = g_strndup((const char *)data, size), *err = NULL;
	struct scenario *s = scenario_parse("fuzz", text, &err);
	scenario_free(s);
	g_free(err), g_free(text);
	return 0;
}
