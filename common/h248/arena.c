/* SPDX-License-Identifier: GPL-3.0-or-later */
/* arena: a chain of blocks; allocation bumps a pointer in the newest one. */
#include "config.h"
#include "arena.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { FIRST = 8192, BLOCK_MIN = 4096 - sizeof(struct arena_block) };

/* The last arena freed, its first block with it, kept for the next arena_new: a message is decoded, used
 * and freed, then the next one, and an 8 KiB allocation is past malloc's per-thread cache (its malloc and
 * free were a ninth of a small message's decode). One at a time, taken and given back by atomic exchange,
 * so any thread may use it; a second arena freed while one is kept goes back to malloc. */
static _Atomic(struct arena *) spare;

struct arena *arena_new(size_t limit)
{
	struct arena *a = atomic_exchange_explicit(&spare, NULL, memory_order_acquire);
	if (!a && !(a = malloc(sizeof *a + sizeof(struct arena_block) + FIRST)))
		return NULL;
	a->left = limit ? limit : SIZE_MAX;
	a->first = (struct arena_block *)(a + 1);
	*a->first = (struct arena_block){ .prev = NULL, .size = FIRST, .used = 0 };
	a->top = a->first;
	return a;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	for (struct arena_block *b = a->top, *prev; b != a->first; b = prev) {
		prev = b->prev;
		free(b);
	}
	struct arena *none = NULL;
	if (!atomic_compare_exchange_strong_explicit(&spare, &none, a, memory_order_release,
						     memory_order_relaxed))
		free(a);
}

/* A new newest block with room for size (rounded by arena_raw), size taken from it; NULL past memory */
void *arena_grow(struct arena *a, size_t size)
{
	struct arena_block *b = a->top;
	size_t want = size > BLOCK_MIN ? size : 2 * b->size;
	if (want > 256 * 1024 && size <= 256 * 1024)
		want = 256 * 1024;
	b = malloc(sizeof *b + want);
	if (!b)
		return NULL;
	b->prev = a->top, b->size = want, b->used = size;
	a->top = b;
	a->left -= size;
	return b->data;
}
