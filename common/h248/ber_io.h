/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ber_io: the BER octets underneath ber_enc.c and ber_dec.c (private to them): a growable writer that
 * nests constructed values by patching their lengths (the long ones at the end, see struct bw_long), and a
 * bounded reader of tag-length-value triples.
 * Tags are one identifier octet: class, constructed bit and numbers below 31, all Annex A needs. */
#ifndef MEDIASEC_H248_BER_IO_H
#define MEDIASEC_H248_BER_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "copy.h"

#define CTX(n)   (0x80u | (n)) /* [n] IMPLICIT, primitive */
#define CTXC(n)  (0xa0u | (n)) /* [n], constructed */
#define T_SEQ    0x30u         /* universal SEQUENCE */
#define T_OCTETS 0x04u         /* universal OCTET STRING */

/* A constructed value whose contents came to 128 octets or more: its length needs k more octets than the
 * one bw_open left for it. They are not made room for at bw_close, which would move the contents each
 * time, and at every level of nesting again, but at bw_finish, where every octet moves once. */
struct bw_long {
	size_t mark;    /* the contents' offset in the buffer as written (before any long length's room) */
	size_t len;     /* the contents' length with the room of the long lengths inside them */
	size_t grow;    /* k and the room of those inside: what this value grows by at bw_finish */
	uint32_t first; /* the first long inside this one (they are listed as closed: [first, this one)) */
	uint32_t next; /* the long of the next lower mark (BW_END: none), the order bw_finish moves them in */
	uint8_t k;
};
#define BW_END UINT32_MAX

struct bw {
	uint8_t *p; /* own, or the heap once the octets outgrow it */
	size_t n, cap;
	bool failed; /* out of memory: then cap is 0, so that bw_take fails without a test of its own */
	uint32_t nlongs, caplongs, highest; /* highest: the long of the highest mark */
	struct bw_long *longs;              /* some, or the heap once there are more */
	struct bw_long some[32];
	uint8_t own[2048]; /* bw_finish copies the octets out, into an allocation of their size */
};

/* An empty writer, its arrays left as they are (a zeroed struct bw cost a kilobyte's memset) */
static inline void bw_init(struct bw *w)
{
	w->p = w->own, w->n = 0, w->cap = sizeof w->own, w->failed = false;
	w->nlongs = 0, w->highest = BW_END;
	w->longs = w->some, w->caplongs = sizeof w->some / sizeof w->some[0];
}

/* Room for n more octets when the buffer lacks it (bw_put's growing); false once out of memory. */
bool bw_grow(struct bw *w, size_t n);

/* The next n octets of the buffer, for the caller to fill; NULL once out of memory. The writers below
 * write their octets in place through it: built in a local array first and copied, they were loaded
 * back in wider pieces than they were stored in, which stalls the store forwarding. */
static inline uint8_t *bw_take(struct bw *w, size_t n)
{
	if (w->n + n > w->cap && !bw_grow(w, n)) /* failed: cap is 0, so it comes here */
		return NULL;
	uint8_t *q = w->p + w->n;
	w->n += n;
	return q;
}

/* Inline, as bw_open and bw_close, with the growing out of line: the encoder writes every octet through
 * them. */
static inline void bw_put(struct bw *w, const void *p, size_t n)
{
	uint8_t *q = n ? bw_take(w, n) : NULL;
	if (q)
		memcpy(q, p, n);
}

/* Opens a constructed value: returns the mark bw_close takes. */
static inline size_t bw_open(struct bw *w, unsigned tag)
{
	uint8_t *q = bw_take(w, 2);
	if (q)
		q[0] = (uint8_t)tag, q[1] = 0;
	return w->n;
}
/* Closes the value opened at mark: its length, the contents written since. */
void bw_close_long(struct bw *w, size_t mark);
static inline void bw_close(struct bw *w, size_t mark)
{
	size_t len = w->n - mark; /* under 128: no long length inside, whose contents alone are longer */
	if (len < 0x80) /* failed or not: mark - 1 is an octet of the buffer's, written by bw_open */
		w->p[mark - 1] = (uint8_t)len;
	else
		bw_close_long(w, mark);
}
/* The message's octets (malloc'd, to free()) with their count in *len, the long lengths written in; NULL
 * once out of memory. The writer is done with either way. */
uint8_t *bw_finish(struct bw *w, size_t *len);
/* n octets from src to dst: inline for the few octets most values are (copy.h) */
static inline void bw_copy(uint8_t *dst, const void *src, size_t n)
{
	if (n > 16)
		memcpy(dst, src, n);
	else
		h248_copy_short(dst, src, n);
}

/* An OCTET STRING (or any primitive value) of n octets; inline for a short length, as most are */
void bw_octets_long(struct bw *w, unsigned tag, const void *p, size_t n);
static inline void bw_octets(struct bw *w, unsigned tag, const void *p, size_t n)
{
	if (n >= 0x80) {
		bw_octets_long(w, tag, p, n);
		return;
	}
	uint8_t *q = bw_take(w, 2 + n);
	if (q) {
		q[0] = (uint8_t)tag, q[1] = (uint8_t)n;
		bw_copy(q + 2, p, n);
	}
}

/* INTEGER or ENUMERATED: the fewest octets holding v as a non-negative two's complement number (a leading
 * zero octet when the top bit of the first would be set). Inline: every number of a message. */
static inline void bw_uint(struct bw *w, unsigned tag, uint32_t v)
{
	unsigned n = v < 0x80 ? 1 : v < 0x8000 ? 2 : v < 0x800000 ? 3 : v < 0x80000000 ? 4 : 5;
	uint8_t *q = bw_take(w, 2 + n);
	if (!q)
		return;
	q[0] = (uint8_t)tag, q[1] = (uint8_t)n;
	for (unsigned i = 0; i < n; i++)
		q[2 + i] = (uint8_t)((uint64_t)v >> (8 * (n - 1 - i)));
}
void bw_null(struct bw *w, unsigned tag);
void bw_bool(struct bw *w, unsigned tag, bool v);
/* BIT STRING of named bits (bit 0 first), trailing zero bits left out. */
void bw_bits(struct bw *w, unsigned tag, uint32_t bits);

struct br {
	const uint8_t *p, *end; /* what is left to read; p NULL: an absent component's contents */
	unsigned depth;         /* constructed values entered above this one */
};

struct tlv {
	unsigned tag;
	struct br in; /* the contents */
};

/* The TLV at *p, before end: its tag into *tag and its contents into [*v, *vend), *p moved past it; false
 * (*p unchanged) on a malformed or indefinite length, a multi-octet tag, or a value running past end.
 * The form of br_next on a cursor in registers, for a caller that keeps its own (ber_fields). */
static inline bool br_tlv(const uint8_t **pp, const uint8_t *end, unsigned *tag, const uint8_t **v,
			  const uint8_t **vend)
{
	const uint8_t *p = *pp;
	if (end - p < 2 || (p[0] & 0x1f) == 0x1f)
		return false;
	*tag = p[0];
	size_t len = p[1];
	p += 2;
	if (len & 0x80) {
		unsigned k = len & 0x7f;
		if (k == 0 || k > 4 || (size_t)(end - p) < k)
			return false; /* indefinite, or longer than any message */
		len = 0;
		for (unsigned i = 0; i < k; i++)
			len = len << 8 | *p++;
	}
	if ((size_t)(end - p) < len)
		return false;
	*v = p, *vend = p + len;
	*pp = p + len;
	return true;
}

/* Reads the next TLV of r into t; false (r->p unchanged, at the offending octet) as br_tlv. Inline, as
 * br_more and br_len: the decoder reads every TLV with them. */
static inline bool br_next(struct br *r, struct tlv *t)
{
	const uint8_t *p = r->p, *v, *vend;
	if (!br_tlv(&p, r->end, &t->tag, &v, &vend))
		return false;
	t->in = (struct br){ v, vend, r->depth + 1 };
	r->p = p;
	return true;
}

static inline bool br_more(const struct br *r)
{
	return r->p < r->end;
}

static inline size_t br_len(const struct tlv *t)
{
	return (size_t)(t->in.end - t->in.p);
}
/* Contents as an unsigned integer of at most 32 bits (a leading zero octet allowed); false when not.
 * Inline: every number of a message is read with it. */
static inline bool br_uint(const struct tlv *t, uint32_t *v)
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
/* BIT STRING contents as bits 0..31; false when malformed. */
bool br_bits(const struct tlv *t, uint32_t *bits);

#endif
