/* SPDX-License-Identifier: GPL-3.0-or-later */
/* arena: bump allocation for one H.248 message. Everything a message holds lives in its arena, so a
 * message is freed at once, and the decoder's memory is bounded by the arena's limit. */
#ifndef MEDIASEC_H248_ARENA_H
#define MEDIASEC_H248_ARENA_H

#include <stddef.h>
#include <string.h>

/* The arena's parts, here only so that the allocations below are inline: nothing outside arena.c
 * touches them. */
struct arena_block {
	struct arena_block *prev;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

struct arena {
	_Alignas(16) struct arena_block *top;
	size_t left;               /* what the limit still allows (SIZE_MAX without one) */
	struct arena_block *first; /* lives in the same allocation, right after the arena */
};

/* limit: the most the arena will hand out in all, in bytes (0: unbounded). */
struct arena *arena_new(size_t limit);
void arena_free(struct arena *a);

/* size bytes in a new newest block (arena_raw's uncommon case, out of line); NULL past the limit */
void *arena_grow(struct arena *a, size_t size);

/* Not zeroed, 8-byte aligned; NULL past the limit. Inline, with a new block out of line: a message's
 * decode allocates once per node and per string, and the call cost more than the allocation. */
static inline void *arena_raw(struct arena *a, size_t size)
{
	size = (size + 7) & ~(size_t)7;
	if (size > a->left)
		return NULL;
	struct arena_block *b = a->top;
	if (b->size - b->used < size)
		return arena_grow(a, size);
	void *p = b->data + b->used;
	b->used += size;
	a->left -= size;
	return p;
}

/* Zeroed, 8-byte aligned; NULL once the limit would be exceeded. */
static inline void *arena_alloc(struct arena *a, size_t size)
{
	void *p = arena_raw(a, size);
	if (p)
		memset(p, 0, size);
	return p;
}

/* The same, not zeroed: for a caller that fills it whole. */
static inline void *arena_take(struct arena *a, size_t size)
{
	return arena_raw(a, size);
}

/* A NUL-terminated copy of n bytes; NULL past the limit. */
static inline char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_raw(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}

#endif
