/* token: the token table and a case-insensitive lookup (open addressing over both spellings). */
#include "config.h"
#include "token.h"

#include <stdint.h>
#include <string.h>

const struct h248_token_info h248_tokens[H248_TOK_COUNT] = {
#define H248_INFO(id, p, c, v, b) [H248_TOK_##id] = { p, c, v, b },
	H248_TOKENS(H248_INFO)
#undef H248_INFO
};

enum { SLOTS = 512 }; /* power of two, > 2 × the spellings */
static uint16_t slots[SLOTS];
static int built;

static inline unsigned char fold(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ fold((unsigned char)s[i])) * 16777619u;
	return h;
}

static int same(const char *word, size_t n, const char *spelling)
{
	for (size_t i = 0; i < n; i++)
		if (!spelling[i] || fold((unsigned char)word[i]) != fold((unsigned char)spelling[i]))
			return 0;
	return spelling[n] == 0;
}

static void insert(const char *spelling, uint16_t tok)
{
	uint32_t i = hash(spelling, strlen(spelling)) & (SLOTS - 1);
	while (slots[i] && slots[i] != tok)
		i = (i + 1) & (SLOTS - 1);
	slots[i] = tok;
}

static void build(void)
{
	for (uint16_t t = 1; t < H248_TOK_COUNT; t++) {
		insert(h248_tokens[t].pretty, t);
		insert(h248_tokens[t].compact, t);
	}
	built = 1;
}

enum h248_tok h248_token_lookup(const char *s, size_t n)
{
	if (!built)
		build();
	uint32_t i = hash(s, n) & (SLOTS - 1);
	for (uint16_t t; (t = slots[i]); i = (i + 1) & (SLOTS - 1))
		if (same(s, n, h248_tokens[t].pretty) || same(s, n, h248_tokens[t].compact))
			return (enum h248_tok)t;
	return H248_TOK_NONE;
}
