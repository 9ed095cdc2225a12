/* SPDX-License-Identifier: GPL-3.0-or-later */
/* arena: a chain of blocks; allocation bumps a pointer in the newest one. */
#include "config.h"
#include "arena.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct block {
	struct block *prev;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

struct arena {
	_Alignas(16) struct block *top;
	size_t left;         /* what the limit still allows (SIZE_MAX without one) */
	struct block *first; /* lives in the same allocation, right after the arena */
};

enum { FIRST = 8192, BLOCK_MIN = 4096 - sizeof(struct block) };

/* The last arena freed, its first block with it, kept for the next arena_new: a message is decoded, used
 * and freed, then the next one, and an 8 KiB allocation is past malloc's per-thread cache (its malloc and
 * free were a ninth of a small message's decode). One at a time, taken and given back by atomic exchange,
 * so any thread may use it; a second arena freed while one is kept goes back to malloc. */
static _Atomic(struct arena *) spare;

struct arena *arena_new(size_t limit)
{
	struct arena *a = atomic_exchange_explicit(&spare, NULL, memory_order_acquire);
	if (!a && !(a = malloc(sizeof *a + sizeof(struct block) + FIRST)))
		return NULL;
	a->left = limit ? limit : SIZE_MAX;
	a->first = (struct block *)(a + 1);
	*a->first = (struct block){ .prev = NULL, .size = FIRST, .used = 0 };
	a->top = a->first;
	return a;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	for (struct block *b = a->top, *prev; b != a->first; b = prev) {
		prev = b->prev;
		free(b);
	}
	struct arena *none = NULL;
	if (!atomic_compare_exchange_strong_explicit(&spare, &none, a, memory_order_release,
						     memory_order_relaxed))
		free(a);
}

/* A new newest block with room for size (rounded), or NULL. */
static struct block *grow(struct arena *a, size_t size)
{
	struct block *b = a->top;
	size_t want = size > BLOCK_MIN ? size : 2 * b->size;
	if (want > 256 * 1024 && size <= 256 * 1024)
		want = 256 * 1024;
	b = malloc(sizeof *b + want);
	if (!b)
		return NULL;
	b->prev = a->top, b->size = want, b->used = 0;
	a->top = b;
	return b;
}

/* Not zeroed. Kept small, with the new block out of line, so that the common case (room in the newest
 * block) is inlined into arena_alloc: a message's parse allocates one node per item. */
static inline void *raw(struct arena *a, size_t size)
{
	size = (size + 7) & ~(size_t)7;
	if (size > a->left)
		return NULL;
	struct block *b = a->top;
	if (b->size - b->used < size && !(b = grow(a, size)))
		return NULL;
	void *p = b->data + b->used;
	b->used += size;
	a->left -= size;
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p = raw(a, size);
	if (p)
		memset(p, 0, size);
	return p;
}

void *arena_take(struct arena *a, size_t size)
{
	return raw(a, size);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = raw(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}
