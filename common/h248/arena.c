/* SPDX-License-Identifier: GPL-3.0-or-later */
/* arena: a chain of blocks; allocation bumps a pointer in the newest one. */
#include "config.h"
#include "arena.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { FIRST = 8192, BLOCK_MIN = 4096 - sizeof(struct arena_block) };

/* The last arena this thread freed, its first block with it, kept for its next arena_new: a message is
 * decoded, used and freed, then the next one, and an 8 KiB allocation is past malloc's per-thread cache
 * (its malloc and free were a ninth of a small message's decode). One per thread, in thread-local
 * storage (an atomic exchange with one for all threads cost more time than the malloc it saves, in
 * profiles); a second arena freed while one is kept goes back to malloc, and a thread's goes at its exit,
 * by the destructor of a key it registers the first time it keeps one. */
static __thread struct arena *spare;
static __thread bool spare_registered;
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spare_gone(void *unused)
{
	(void)unused;
	free(spare);
	spare = NULL;
	spare_registered = false; /* an arena freed after this, by another key's destructor: set it again */
}

static void spare_key_make(void)
{
	(void)pthread_key_create(&spare_key, spare_gone);
}

struct arena *arena_new(size_t limit)
{
	struct arena *a = spare;
	spare = NULL;
	if (!a && !(a = malloc(sizeof *a + sizeof(struct arena_block) + FIRST)))
		return NULL;
	a->left = limit ? limit : SIZE_MAX;
	a->first = (struct arena_block *)(a + 1);
	*a->first = (struct arena_block){ .prev = NULL, .size = FIRST, .used = 0 };
	a->top = a->first;
	return a;
}

/* Whether this thread may keep an arena: the key that frees it at the thread's exit is set */
static bool spare_allowed(void)
{
	if (!spare_registered) {
		spare_registered = pthread_once(&spare_once, spare_key_make) == 0 &&
				   pthread_setspecific(spare_key, &spare_registered) == 0;
	}
	return spare_registered;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	for (struct arena_block *b = a->top, *prev; b != a->first; b = prev) {
		prev = b->prev;
		free(b);
	}
	if (!spare && spare_allowed())
		spare = a;
	else
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
