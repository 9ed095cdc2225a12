/* SPDX-License-Identifier: GPL-3.0-or-later */
/* wire: the status of each row of the wire-profile table (see wire.h). */
#include "config.h"
#include "wire.h"

#include <string.h>

const char *const wire_status[WIRE_COUNT] = {
#define WIRE_STATUS(id, key, text, where, status) \
	[WIRE_##id] = status == 'V'   ? "verified"                                     \
		      : status == 'U' ? "unverified"                                   \
		      : status == 'R' ? "package registered, item unverified"          \
				      : "placeholder",
	WIRE_IES(WIRE_STATUS)
#undef WIRE_STATUS
};

/* The packages the wire names fall in, with the version the gateway implements (H.248.1 §E.1 root v2,
 * H.248.43 gm v2; the rest v1). */
static const struct {
	const char *name;
	unsigned version;
} package_versions[] = { { "root", 2 }, { "gm", 2 } };

unsigned wire_package_version(const char *package)
{
	for (size_t i = 0; i < sizeof package_versions / sizeof package_versions[0]; i++)
		if (!strcmp(package_versions[i].name, package))
			return package_versions[i].version;
	return 1;
}
