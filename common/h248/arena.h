/* SPDX-License-Identifier: GPL-3.0-or-later */
/* arena: bump allocation for one H.248 message. Everything a message holds lives in its arena, so a
 * message is freed at once, and the decoder's memory is bounded by the arena's limit. */
#ifndef MEDIASEC_H248_ARENA_H
#define MEDIASEC_H248_ARENA_H

#include <stddef.h>

struct arena;

/* limit: the most the arena will hand out in all, in bytes (0: unbounded). */
struct arena *arena_new(size_t limit);
void arena_free(struct arena *a);
/* Zeroed, 8-byte aligned; NULL once the limit would be exceeded. */
void *arena_alloc(struct arena *a, size_t size);
/* The same, not zeroed: for a caller that fills it whole. */
void *arena_take(struct arena *a, size_t size);
/* A NUL-terminated copy of n bytes; NULL past the limit. */
char *arena_strndup(struct arena *a, const char *s, size_t n);

#endif
