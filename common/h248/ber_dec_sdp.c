/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ber_dec_sdp: a Local or Remote descriptor's SDP for h248_ber_decode (ber.h): Annex C's property per SDP
 * line, read back into the text of the lines (see ber_int.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "arena.h"
#include "ber.h"
#include "ber_int.h"
#include "ber_tab.h"

/* Whether s[0..n) holds a line end (LF or CR) or '}', which an SDP line of a Local or Remote cannot: 16
 * octets at a time with SSE2, the last ones' compare masked when the input goes on past them (three
 * memchr per line were a twentieth of a binary Reply's decode); octet by octet otherwise. */
static bool sdp_line_bad(const struct dec *d, const uint8_t *s, size_t n)
{
	size_t i = 0;
#ifdef __SSE2__
	const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'), rb = _mm_set1_epi8('}');
	for (; i < n && (size_t)(d->limit - (s + i)) >= 16; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned hit = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(x, lf), _mm_cmpeq_epi8(x, cr)), _mm_cmpeq_epi8(x, rb)));
		if (n - i < 16)
			hit &= (1u << (n - i)) - 1; /* the octets past the line are not its own */
		if (hit)
			return true;
	}
#else
	(void)d;
#endif
	for (; i < n; i++)
		if (s[i] == '\n' || s[i] == '\r' || s[i] == '}')
			return true;
	return false;
}

/* One line of an SDP: its type letter and its value's octets (in the input). */
struct sdp_line {
	char type;
	const uint8_t *value;
	size_t n;
};

/* An SDP line's PropertyParm p read component by component: its line, and its value's TLV in *val */
static bool sdp_line_read(struct dec *d, const struct tlv *p, struct sdp_line *line, struct tlv *val)
{
	struct tlv pf[3];
	if (!ber_fields(d, p, pf, 3))
		return d->failed ? false : ber_dfail(d, 400, &p->in, "PropertyGroup");
	struct br v = pf[1].in;
	char c = br_len(&pf[0]) == 4 && !pf[0].in.p[0] && !pf[0].in.p[1]
		     ? ber_sdp_type((uint16_t)(pf[0].in.p[2] << 8 | pf[0].in.p[3]))
		     : 0;
	if (!c || pf[2].tag || !pf[1].tag || !ber_next(d, &v, val) || val->tag != T_OCTETS || br_more(&v))
		return d->failed ? false : ber_dfail(d, 501, &p->in, "a property other than an SDP line");
	*line = (struct sdp_line){ c, val->in.p, br_len(val) };
	return true;
}

/* The contents of an SDP line's PropertyParm (its SEQUENCE p) in the shape ber_enc.c's sdp_line writes with
 * short lengths, read at once into the line's type and value: name [0] 00 00 B0 0x, value [1] { OCTET
 * STRING }. false for any other shape (long lengths, another tag or order, nesting at the limit), which the
 * general path reads instead, to the same line or the same failure. */
static bool sdp_line_at_once(const struct dec *d, const struct tlv *p, struct sdp_line *line)
{
	const uint8_t *q = p->in.p;
	size_t len = br_len(p);
	if (len < 10 || p->in.depth + 2 > d->max_depth || q[0] != CTX(0) || q[1] != 4 || q[2] || q[3] ||
	    q[6] != CTXC(1) || q[8] != T_OCTETS || q[9] > 0x7d || q[7] != q[9] + 2 || len != 10u + q[9])
		return false;
	*line = (struct sdp_line){ ber_sdp_type((uint16_t)(q[4] << 8 | q[5])), q + 10, q[9] };
	return line->type != 0;
}

/* The SDP lines propGrps holds, checked, the first cap of them into lines; *count: how many there are
 * (cap or more), *len: the length of their text. */
static bool sdp_lines(struct dec *d, const struct tlv *grps_tlv, struct sdp_line *lines, size_t cap,
		      size_t *count, size_t *len)
{
	struct br grps = grps_tlv->in;
	*count = 0, *len = 0;
	while (br_more(&grps)) {
		struct tlv g, p;
		if (!ber_next(d, &grps, &g))
			return false;
		struct br in = g.in;
		while (br_more(&in)) {
			if (!ber_next(d, &in, &p) || p.tag != T_SEQ)
				return d->failed ? false : ber_dfail(d, 400, &p.in, "PropertyGroup");
			struct sdp_line line;
			struct tlv val = { 0 };
			if (sdp_line_at_once(d, &p, &line))
				val.in = (struct br){ line.value, line.value + line.n, p.in.depth + 2 };
			else if (!sdp_line_read(d, &p, &line, &val))
				return false;
			if (sdp_line_bad(d, val.in.p, br_len(&val)))
				return ber_dfail(d, 400, &val.in, "an SDP line holding a line end or '}'");
			if (*count < cap)
				lines[*count] = line;
			++*count;
			*len += line.n + 3;
		}
	}
	return true;
}

/* LocalRemoteDescriptor { propGrps [0] } as SDP lines, LF-terminated. The lines are read once, into an
 * array on the stack; an SDP of more lines than it holds is read a second time, into one as long. */
bool ber_dec_sdp(struct dec *d, struct h248_node *parent, enum h248_tok tok, const struct tlv *t)
{
	struct tlv f[1];
	struct h248_node *n = ber_token(d, parent, tok);
	if (!n || !ber_fields(d, t, f, 1))
		return false;
	n->flags |= H248_F_BODY;
	struct sdp_line some[32], *lines = some;
	size_t count, len;
	if (!sdp_lines(d, &f[0], some, sizeof some / sizeof some[0], &count, &len))
		return false;
	if (count > sizeof some / sizeof some[0]) {
		if (!(lines = malloc(count * sizeof *lines)))
			return ber_oom(d, &t->in);
		sdp_lines(d, &f[0], lines, count, &count, &len); /* it passed the checks once */
	}
	char *buf = len ? arena_take(d->m->arena, len) : NULL; /* filled whole below */
	if (len && !buf) {
		if (lines != some)
			free(lines);
		return ber_oom(d, &t->in);
	}
	size_t at = 0;
	/* buf is NULL only when there is no line (each counts 3 octets or more in len): the test says so
	 * to GCC, which warns of writes through a NULL buf otherwise */
	for (size_t i = 0; buf && i < count; i++) {
		buf[at] = lines[i].type, buf[at + 1] = '=';
		memcpy(buf + at + 2, lines[i].value, lines[i].n);
		buf[at + 2 + lines[i].n] = '\n';
		at += lines[i].n + 3;
	}
	if (lines != some)
		free(lines);
	n->octets = buf ? (struct h248_str){ buf, len } : (struct h248_str){ "", 0 };
	return true;
}
