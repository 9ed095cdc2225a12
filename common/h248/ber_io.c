/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ber_io: see ber_io.h. */
#include "config.h"
#include "ber_io.h"

#include <stdlib.h>
#include <string.h>

bool bw_grow(struct bw *w, size_t n)
{
	if (w->failed)
		return false;
	size_t cap = w->cap ? w->cap : 1024;
	while (cap < w->n + n)
		cap *= 2;
	uint8_t *p = realloc(w->p, cap);
	if (!p) {
		w->failed = true;
		return false;
	}
	w->p = p, w->cap = cap;
	return true;
}

static void tag_len(struct bw *w, unsigned tag, size_t len)
{
	uint8_t h[6] = { (uint8_t)tag };
	size_t n = 1;
	if (len < 0x80)
		h[n++] = (uint8_t)len;
	else {
		unsigned k = len > 0xffffff ? 4 : len > 0xffff ? 3 : len > 0xff ? 2 : 1;
		h[n++] = (uint8_t)(0x80 | k);
		for (unsigned i = k; i-- > 0;)
			h[n++] = (uint8_t)(len >> (8 * i));
	}
	bw_put(w, h, n);
}

void bw_close(struct bw *w, size_t mark)
{
	if (w->failed)
		return;
	size_t len = w->n - mark;
	if (len < 0x80) {
		w->p[mark - 1] = (uint8_t)len;
		return;
	}
	unsigned k = len > 0xffffff ? 4 : len > 0xffff ? 3 : len > 0xff ? 2 : 1;
	if (w->n + k > w->cap && !bw_grow(w, k))
		return;
	memmove(w->p + mark + k, w->p + mark, len);
	w->p[mark - 1] = (uint8_t)(0x80 | k);
	for (unsigned i = 0; i < k; i++)
		w->p[mark + i] = (uint8_t)(len >> (8 * (k - 1 - i)));
	w->n += k;
}

void bw_octets(struct bw *w, unsigned tag, const void *p, size_t n)
{
	tag_len(w, tag, n);
	bw_put(w, p, n);
}

void bw_uint(struct bw *w, unsigned tag, uint32_t v)
{
	uint8_t b[5];
	size_t n = 0;
	int i = 4;
	while (i > 0 && !(v >> (8 * i - 1))) /* drop octets that only repeat the sign */
		i--;
	for (; i >= 0; i--)
		b[n++] = i == 4 ? 0 : (uint8_t)(v >> (8 * i));
	bw_octets(w, tag, b, n);
}

void bw_null(struct bw *w, unsigned tag)
{
	tag_len(w, tag, 0);
}

void bw_bool(struct bw *w, unsigned tag, bool v)
{
	uint8_t b = v ? 0xff : 0;
	bw_octets(w, tag, &b, 1);
}

void bw_bits(struct bw *w, unsigned tag, uint32_t bits)
{
	uint8_t b[5] = { 0 };
	unsigned top = 0; /* bits used */
	for (unsigned i = 0; i < 32; i++)
		if (bits & (1u << i)) {
			b[1 + i / 8] |= (uint8_t)(0x80 >> (i % 8));
			top = i + 1;
		}
	size_t octets = (top + 7) / 8;
	b[0] = (uint8_t)(octets * 8 - top);
	bw_octets(w, tag, b, 1 + octets);
}

bool br_uint(const struct tlv *t, uint32_t *v)
{
	size_t n = br_len(t);
	const uint8_t *p = t->in.p;
	if (n == 0 || n > 5 || (p[0] & 0x80) || (n == 5 && p[0]))
		return false; /* negative, or above 32 bits */
	uint32_t x = 0;
	for (size_t i = 0; i < n; i++)
		x = x << 8 | p[i];
	*v = x;
	return true;
}

bool br_bits(const struct tlv *t, uint32_t *bits)
{
	size_t n = br_len(t);
	const uint8_t *p = t->in.p;
	if (n == 0 || p[0] > 7 || (n == 1 && p[0]) || n > 5)
		return false;
	uint32_t x = 0;
	for (size_t i = 0; i + 1 < n; i++)
		for (unsigned b = 0; b < 8; b++)
			if (p[1 + i] & (0x80 >> b))
				x |= 1u << (8 * i + b);
	*bits = x;
	return true;
}
