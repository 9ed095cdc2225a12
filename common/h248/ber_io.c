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
	size_t cap = w->cap;
	while (cap < w->n + n)
		cap *= 2;
	uint8_t *p = w->p == w->own ? malloc(cap) : realloc(w->p, cap);
	if (!p) {
		w->failed = true, w->cap = 0;
		return false;
	}
	if (w->p == w->own)
		memcpy(p, w->own, w->n);
	w->p = p, w->cap = cap;
	return true;
}

/* Octets a long length takes after its first */
static unsigned long_octets(size_t len)
{
	return (unsigned)(64 - __builtin_clzll(len | 1) + 7) / 8; /* by the bits it takes: no compare chain */
}

/* Room for more longs, from the writer's own array to the heap, twice as many each time; false once out
 * of memory. Out of line, so that bw_close_long's common case stays small. */
static __attribute__((noinline)) bool more_longs(struct bw *w)
{
	size_t cap = 2 * (size_t)w->caplongs;
	struct bw_long *l =
	    w->longs == w->some ? malloc(cap * sizeof *l) : realloc(w->longs, cap * sizeof *l);
	if (!l) {
		w->failed = true, w->cap = 0;
		return false;
	}
	if (w->longs == w->some)
		memcpy(l, w->some, sizeof w->some);
	w->longs = l, w->caplongs = (uint32_t)cap;
	return true;
}

void bw_close_long(struct bw *w, size_t mark)
{
	if (w->failed || (w->nlongs == w->caplongs && !more_longs(w)))
		return;
	/* The longs inside: the last ones closed whose contents start after mark, each with its own insides
	 * before it, skipped over by its first. The last reached, low, has the lowest mark of them. */
	size_t grow = 0;
	uint32_t first = w->nlongs, low = BW_END;
	while (first > 0 && w->longs[first - 1].mark > mark) {
		low = first - 1;
		grow += w->longs[low].grow;
		first = w->longs[low].first;
	}
	size_t len = w->n - mark + grow;
	struct bw_long *l = &w->longs[w->nlongs++];
	unsigned k = long_octets(len);
	*l = (struct bw_long){ .mark = mark, .len = len, .grow = grow + k, .first = first, .k = (uint8_t)k };
	w->p[mark - 1] = (uint8_t)(0x80 | k);
	/* In the order of marks, highest first, this long comes after its insides (whose marks are higher)
	 * and before every other (whose values all end before this one starts): after low, or first of all
	 * when it has no long inside. */
	uint32_t *before = low == BW_END ? &w->highest : &w->longs[low].next;
	l->next = *before;
	*before = w->nlongs - 1;
}

/* The octets into out, the contents of each long moved up to its place, the highest mark first, so that
 * every octet moves once: above src, the octets are in place already, at dst. */
static void expand(const struct bw *w, uint8_t *out, size_t grow)
{
	size_t src = w->n, dst = w->n + grow;
	for (uint32_t j = w->highest; j != BW_END; j = w->longs[j].next) {
		const struct bw_long *l = &w->longs[j];
		size_t seg = src - l->mark;
		dst -= seg;
		bw_copy(out + dst, w->p + l->mark, seg);
		src = l->mark;
		/* the length: 4 octets big-endian ending at dst, in one store; those before its k octets are
		 * below the new dst, which the moves still to come write over */
		if (dst >= 4) {
			uint32_t be = __builtin_bswap32((uint32_t)l->len);
			memcpy(out + dst - 4, &be, 4);
			dst -= l->k;
		} else
			for (unsigned i = 0; i < l->k; i++) /* the length, its last octet first */
				out[--dst] = (uint8_t)(l->len >> (8 * i));
	}
	memcpy(out, w->p, src);
}

uint8_t *bw_finish(struct bw *w, size_t *len)
{
	size_t grow = 0;
	uint8_t *out = NULL;
	for (uint32_t j = w->nlongs; j > 0; j = w->longs[j - 1].first) /* the outermost longs */
		grow += w->longs[j - 1].grow;
	if (!w->failed && (out = malloc(w->n + grow ? w->n + grow : 1))) {
		expand(w, out, grow);
		*len = w->n + grow;
	}
	if (w->longs != w->some)
		free(w->longs);
	if (w->p != w->own)
		free(w->p);
	w->longs = w->some, w->caplongs = sizeof w->some / sizeof w->some[0];
	w->nlongs = 0, w->highest = BW_END;
	w->p = w->own, w->n = 0, w->cap = sizeof w->own;
	return out;
}

void bw_octets_long(struct bw *w, unsigned tag, const void *p, size_t n)
{
	unsigned k = long_octets(n);
	uint8_t *q = bw_take(w, 2 + k + n);
	if (!q)
		return;
	q[0] = (uint8_t)tag;
	q[1] = (uint8_t)(0x80 | k);
	for (unsigned i = 0; i < k; i++)
		q[2 + i] = (uint8_t)(n >> (8 * (k - 1 - i)));
	memcpy(q + 2 + k, p, n);
}

void bw_null(struct bw *w, unsigned tag)
{
	uint8_t *q = bw_take(w, 2);
	if (q)
		q[0] = (uint8_t)tag, q[1] = 0;
}

void bw_bool(struct bw *w, unsigned tag, bool v)
{
	uint8_t *q = bw_take(w, 3);
	if (q)
		q[0] = (uint8_t)tag, q[1] = 1, q[2] = v ? 0xff : 0;
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
	uint8_t *q = bw_take(w, 3 + octets);
	if (!q)
		return;
	q[0] = (uint8_t)tag, q[1] = (uint8_t)(1 + octets);
	for (size_t i = 0; i <= octets; i++)
		q[2 + i] = b[i];
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
