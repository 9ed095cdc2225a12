/* SPDX-License-Identifier: GPL-3.0-or-later */
/* parse_lex: the lexer of parse.c (internal): the parser's cursor over the arena copy of the input, white
 * space and comments, words, quoted strings, single characters, and the error that stops the parse with
 * its code, line and column. static inline, so that the parser's hot loops keep them inlined. */
#ifndef MEDIASEC_H248_PARSE_LEX_H
#define MEDIASEC_H248_PARSE_LEX_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "parse.h"
#include "token.h"

struct parser {
	const char *buf, *p, *end; /* *end is a NUL byte, and PARSE_PAD in all (see skip_ws_slow) */
	struct h248_msg *m;
	struct h248_error *err;
	unsigned depth, max_depth;
	bool in_reply, failed;
};

static inline bool fail(struct parser *ps, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline bool fail(struct parser *ps, int code, const char *fmt, ...)
{
	if (ps->failed)
		return false;
	ps->failed = true;
	struct h248_error *e = ps->err;
	e->code = code;
	e->line = 1, e->col = 1;
	for (const char *c = ps->buf; c < ps->p && c < ps->end; c++) {
		if (*c == '\n')
			e->line++, e->col = 1;
		else
			e->col++;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->reason, sizeof e->reason, fmt, ap);
	va_end(ap);
	/* the reason goes into an Error descriptor's quotedString: SafeChar, RestChar and WSP only */
	for (char *c = e->reason; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e || *c == '"')
			*c = '?';
	return false;
}

static inline bool oom(struct parser *ps)
{
	return fail(ps, 400, "message exceeds the decoder's memory bound");
}

static const unsigned char space[256] = { [' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1 };

/* The scanning loops below run on a local cursor and store it in ps once: a char read may alias
 * ps->p, so a loop over ps->p itself would reload and store it on every byte. They rely on the NUL
 * byte after the input (buf[end - buf] == 0): it is neither white space, nor ';', nor a SafeChar, so
 * a loop over those stops at it without comparing the cursor with the end. The input is followed by
 * PARSE_PAD zero bytes in all (the NUL the first), so that white space is read 8 bytes at a time
 * and a word 16. */
enum { PARSE_PAD = 16 };

/* to[0..len) = text, then the PARSE_PAD zero bytes; to holds len + PARSE_PAD. */
static inline char *padded_copy(char *to, const char *text, size_t len)
{
	memcpy(to, text, len);
	memset(to + len, 0, PARSE_PAD);
	return to;
}

/* How many of the 8 bytes loaded from p are spaces before the first that is not one. */
static inline unsigned leading_spaces(const char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	w ^= 0x2020202020202020u; /* a space is a zero byte now; the NUL at the end is not */
	if (!w)
		return 8;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (unsigned)__builtin_ctzll(w) / 8;
#else
	return (unsigned)__builtin_clzll(w) / 8;
#endif
}

/* Pretty text indents each line with spaces: a run of them is skipped 8 bytes at a time, never past
 * the NUL at the end, so never past the padding. */
static inline void skip_ws_slow(struct parser *ps)
{
	const char *p = ps->p, *end = ps->end;
	for (;;) {
		unsigned n = leading_spaces(p);
		p += n;
		if (n == 8)
			continue;
		char c = *p;
		if (space[(unsigned char)c])
			p++;
		else if (c == ';') /* a comment may hold a NUL byte: bounded */
			while (p < end && *p != '\n' && *p != '\r')
				p++;
		else
			break; /* a significant byte, or the NUL at the end */
	}
	ps->p = p;
}

static inline void skip_ws(struct parser *ps)
{
	const char *p = ps->p;
	if ((unsigned char)*p > ' ' && *p != ';')
		return;
	skip_ws_slow(ps);
}

/* Words that can spell a token: letters and digits, or "&" and "!" (compact END and MEGACO). */
static inline enum h248_tok lookup(struct h248_str w)
{
	unsigned char c = (unsigned char)w.p[0];
	if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && c != '&' && c != '!')
		return H248_TOK_NONE;
	return h248_token_lookup(w.p, w.n);
}

/* The next significant character, or 0 at the end (the NUL after the input). */
static inline char peek(struct parser *ps)
{
	skip_ws(ps);
	return *ps->p;
}

static inline bool accept(struct parser *ps, char c)
{
	if (peek(ps) != c)
		return false;
	ps->p++;
	return true;
}

/* A printable description of what stands at the cursor, for messages. */
static inline const char *here(struct parser *ps, char out[24])
{
	skip_ws(ps);
	if (ps->p >= ps->end)
		return "the end of the message";
	size_t n = 0;
	out[n++] = '\'';
	for (const char *c = ps->p; c < ps->end && n < 18 && (h248_safechar[(unsigned char)*c] || c == ps->p);
	     c++)
		out[n++] = (*c >= 0x20 && *c < 0x7f) ? *c : '?';
	out[n++] = '\'';
	out[n] = 0;
	return out;
}

static inline bool expect(struct parser *ps, char c, int code, const char *after)
{
	if (accept(ps, c))
		return true;
	char h[24];
	return fail(ps, code, "expected '%c' %s, found %s", c, after, here(ps, h));
}

#ifdef __SSE2__
#include <emmintrin.h>

/* How many of the 16 bytes at p are SafeChars (h248_safechar) before the first that is not one: a
 * byte below '!' or past '~' (compared signed, those past 0x7f are negative) or one of "#,:;<=>[]{}.
 * A word ends at the first such byte with one branch, where a byte-by-byte loop's exit is a branch
 * mispredicted once per word. */
static inline unsigned leading_safe(const char *p)
{
	__m128i x = _mm_loadu_si128((const __m128i *)p);
	__m128i folded = _mm_or_si128(x, _mm_set1_epi8(0x20));     /* [ ] -> { }, and " # stay */
	__m128i odd = _mm_and_si128(x, _mm_set1_epi8((char)0xfe)); /* " and # -> " */
	__m128i colon = _mm_sub_epi8(x, _mm_set1_epi8(':'));       /* : ; < = > -> 0..4 */
	__m128i bad =
	    _mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8('!')), _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f)));
	bad = _mm_or_si128(bad, _mm_cmpeq_epi8(odd, _mm_set1_epi8('"')));
	bad = _mm_or_si128(bad, _mm_cmpeq_epi8(x, _mm_set1_epi8(',')));
	bad = _mm_or_si128(bad, _mm_cmpeq_epi8(folded, _mm_set1_epi8('{')));
	bad = _mm_or_si128(bad, _mm_cmpeq_epi8(folded, _mm_set1_epi8('}')));
	bad = _mm_or_si128(bad, _mm_cmpeq_epi8(_mm_min_epu8(colon, _mm_set1_epi8(4)), colon));
	unsigned mask = (unsigned)_mm_movemask_epi8(bad);
	return mask ? (unsigned)__builtin_ctz(mask) : 16;
}
#endif

static inline bool word(struct parser *ps, struct h248_str *w)
{
	skip_ws(ps);
	const char *s = ps->p, *p = s;
#ifdef __SSE2__
	unsigned n;
	while ((n = leading_safe(p)) == 16)
		p += 16;
	p += n;
#else
	while (h248_safechar[(unsigned char)*p])
		p++;
#endif
	ps->p = p;
	*w = (struct h248_str){ s, (size_t)(p - s) };
	return w->n > 0;
}

static inline bool quoted(struct parser *ps, struct h248_str *q, int code)
{
	const char *s = ps->p + 1; /* past the opening quote */
	const char *close = memchr(s, '"', (size_t)(ps->end - s));
	if (!close)
		return fail(ps, code, "quoted string is not closed");
	*q = (struct h248_str){ s, (size_t)(close - s) };
	ps->p = close + 1;
	return true;
}

static inline bool is_uint(struct h248_str w)
{
	uint32_t v;
	return h248_str_u32(w, &v);
}

#endif
