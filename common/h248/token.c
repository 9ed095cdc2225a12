/* SPDX-License-Identifier: GPL-3.0-or-later */
/* token: the token table and a case-insensitive lookup (open addressing over both spellings). */
#include "config.h"
#include "token.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const struct h248_token_info h248_tokens[H248_TOK_COUNT] = {
#define H248_INFO(id, p, c, v, b) [H248_TOK_##id] = { p, c, v, b, sizeof p - 1, sizeof c - 1 },
	H248_TOKENS(H248_INFO)
#undef H248_INFO
};

const unsigned char h248_safechar[256] = {
	['+'] = 1, ['-'] = 1, ['&'] = 1, ['!'] = 1, ['_'] = 1, ['/'] = 1,  ['\''] = 1, ['?'] = 1, ['@'] = 1,
	['^'] = 1, ['`'] = 1, ['~'] = 1, ['*'] = 1, ['$'] = 1, ['\\'] = 1, ['('] = 1,  [')'] = 1, ['%'] = 1,
	['|'] = 1, ['.'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1,  ['4'] = 1,  ['5'] = 1, ['6'] = 1,
	['7'] = 1, ['8'] = 1, ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1,  ['D'] = 1,  ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,  ['M'] = 1,  ['N'] = 1, ['O'] = 1,
	['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,  ['V'] = 1,  ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,  ['e'] = 1,  ['f'] = 1, ['g'] = 1,
	['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1,  ['n'] = 1,  ['o'] = 1, ['p'] = 1,
	['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1,  ['w'] = 1,  ['x'] = 1, ['y'] = 1,
	['z'] = 1,
};

/* Candidates by length and first character: a lookup compares a word with a few spellings (up to 13
 * for the two-letter compact tokens starting with S, one character each). */
enum { MAXLEN = 22, FIRSTS = 28, CANDS = 16 };
static struct cand {
	uint16_t tok;
	uint8_t len;
	char lower[MAXLEN + 1];
} cands[MAXLEN + 1][FIRSTS][CANDS];
static int built;

/* ASCII lower case of every byte, filled by build(): the lookup's compare loop folds with one load. */
static unsigned char lower[256];

static inline unsigned char fold(unsigned char c)
{
	return lower[c];
}

static inline int first_index(unsigned char c)
{
	c = fold(c);
	return c >= 'a' && c <= 'z' ? c - 'a' : c == '&' ? 26 : c == '!' ? 27 : -1;
}

static void insert(const char *spelling, size_t n, uint16_t tok)
{
	struct cand *row = cands[n][first_index((unsigned char)spelling[0])];
	int i = 0;
	while (i < CANDS && row[i].tok && row[i].tok != tok)
		i++;
	if (i == CANDS)
		abort(); /* the table outgrew CANDS: a build-time fact, caught by every test run */
	row[i].tok = tok;
	row[i].len = (uint8_t)n;
	for (size_t k = 0; k < n; k++) {
		char c = row[i].lower[k] = (char)fold((unsigned char)spelling[k]);
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '&' || c == '!' || c == '-'))
			abort(); /* same_folded's premise: a build-time fact, caught by every test run */
	}
}

static void build(void)
{
	for (unsigned c = 0; c < 256; c++)
		lower[c] = (unsigned char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
	for (uint16_t t = 1; t < H248_TOK_COUNT; t++) {
		insert(h248_tokens[t].pretty, h248_tokens[t].pretty_len, t);
		insert(h248_tokens[t].compact, h248_tokens[t].compact_len, t);
	}
	built = 1;
}

/* Whether the n >= 4 bytes at s spell the lower-case l in any case. Every byte of a token's spelling is
 * a lower-case letter, a digit, '&', '!' or '-' (build checks it): ORing 0x20 into a byte of s gives l's
 * byte exactly when the two are the same letter in either case or the same byte, or when the byte of s
 * is a control character below 0x20, which no spelling holds and which is refused first. Loads of 8 (or
 * 4) bytes, the last one overlapping the one before: within s, never past it. */
static inline bool same8(uint64_t a, uint64_t l)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	return !((a - 0x20 * ones) & ~a & highs) && (a | 0x20 * ones) == l;
}

static inline bool same4(uint32_t a, uint32_t l)
{
	return !((a - 0x20202020u) & ~a & 0x80808080u) && (a | 0x20202020u) == l;
}

static inline bool same_folded(const char *s, const char *l, size_t n)
{
	if (n < 8) {
		uint32_t a, b, c, d;
		memcpy(&a, s, 4), memcpy(&b, l, 4), memcpy(&c, s + n - 4, 4), memcpy(&d, l + n - 4, 4);
		return same4(a, b) && same4(c, d);
	}
	uint64_t a, b;
	for (size_t k = 0; k + 8 < n; k += 8) {
		memcpy(&a, s + k, 8), memcpy(&b, l + k, 8);
		if (!same8(a, b))
			return false;
	}
	memcpy(&a, s + n - 8, 8), memcpy(&b, l + n - 8, 8);
	return same8(a, b);
}

enum h248_tok h248_token_lookup(const char *s, size_t n)
{
	if (!built)
		build();
	int f;
	if (n == 0 || n > MAXLEN || (f = first_index((unsigned char)s[0])) < 0)
		return H248_TOK_NONE;
	for (const struct cand *c = cands[n][f]; c < cands[n][f] + CANDS && c->tok; c++) {
		if (n >= 4) {
			if (same_folded(s, c->lower, n))
				return (enum h248_tok)c->tok;
			continue;
		}
		size_t k = 1;
		while (k < n && fold((unsigned char)s[k]) == (unsigned char)c->lower[k])
			k++;
		if (k == n)
			return (enum h248_tok)c->tok;
	}
	return H248_TOK_NONE;
}
