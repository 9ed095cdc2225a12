/* SPDX-License-Identifier: GPL-3.0-or-later */
/* trace_kinds: see trace_kinds.h. */
#include "config.h"
#include "trace_kinds.h"

#include <string.h>

const struct trace_kind_info trace_kinds[TRACE_KIND_COUNT] = {
#define TRACE_KIND_INFO(e, n_, proto_, by_, draw_) \
	[TRACE_##e] = { .name = n_, .proto = TRACE_PROTO_##proto_, .by = (by_), .draw = TRACE_DRAW_##draw_ },
	TRACE_KINDS(TRACE_KIND_INFO)
#undef TRACE_KIND_INFO
};

enum trace_kind trace_kind_of(const char *name)
{
	for (unsigned k = 0; name && k < TRACE_KIND_COUNT; k++)
		if (!strcmp(trace_kinds[k].name, name))
			return (enum trace_kind)k;
	return TRACE_KIND_UNKNOWN;
}

const char *trace_kind_name(enum trace_kind k)
{
	return (unsigned)k < TRACE_KIND_COUNT ? trace_kinds[k].name : NULL;
}
