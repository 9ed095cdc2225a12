/* SPDX-License-Identifier: GPL-3.0-or-later */
/* wire: the status of each row of the wire-profile table (see wire.h). */
#include "config.h"
#include "wire.h"

const char *const wire_status[WIRE_COUNT] = {
#define WIRE_STATUS(id, key, text, where, status) \
	[WIRE_##id] = status == 'V' ? "verified" : status == 'U' ? "unverified" : "placeholder",
	WIRE_IES(WIRE_STATUS)
#undef WIRE_STATUS
};
