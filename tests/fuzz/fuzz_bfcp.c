/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: BFCP messages from a stream. Every complete message is checked, described, and its
 * attributes walked; a valid one rewritten attribute by attribute must give the same bytes back. */
#include <stdlib.h>
#include <string.h>

#include "bfcp.h"
#include "fuzz.h"

/* Rewrites m attribute by attribute; when the original is written as our writer writes (no M bit, zero
 * padding, no reserved header bits), the bytes must be the same. */
static void rewrite(const struct bfcp_msg *m, const uint8_t *orig)
{
	GByteArray *b = g_byte_array_new();
	size_t s = bfcp_begin(b, m), off = 0;
	struct bfcp_attr a;
	bool ours = (orig[0] & 0x0f) == 0;
	while (bfcp_attr_next(m->attrs, m->attrs_len, &off, &a) == 1) {
		ours = ours && !a.mandatory && a.len <= 253;
		for (const uint8_t *p = a.value + a.len; p < m->attrs + off; p++)
			ours = ours && !*p;
		bfcp_put_bytes(b, a.type, a.value, a.len);
	}
	bfcp_end(b, s);
	if (ours && (b->len != m->size || memcmp(b->data + 2, orig + 2, m->size - 2)))
		abort();
	g_byte_array_free(b, TRUE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	size_t at = 0;
	while (at < size) {
		struct bfcp_msg m;
		enum bfcp_error_code e;
		const char *why;
		if (bfcp_frame(data + at, size - at, &m, &e, &why) != BFCP_COMPLETE)
			break;
		g_free(bfcp_describe(&m));
		if (bfcp_attrs_valid(m.attrs, m.attrs_len, &why))
			rewrite(&m, data + at);
		at += m.size;
	}
	return 0;
}
