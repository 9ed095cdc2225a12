/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ber_tab: the numeric names H.248.1 Annex A gives what the text form spells. A PkgdName is a 2-octet
 * package id and a 2-octet item id (a property, event, signal or statistic: each kind numbers its items
 * on its own); an event or signal parameter is a 2-octet id within its item; SDP lines are Annex C's
 * properties of package 0x0000. One table each, in ber_tab.c; a row marked unverified holds an id that
 * could not be read from the package's Recommendation (doc/placeholders.md). */
#ifndef MEDIASEC_H248_BER_TAB_H
#define MEDIASEC_H248_BER_TAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ber_kind { BER_PROP = 'p', BER_EVENT = 'e', BER_SIGNAL = 's', BER_STAT = 't' };

/* Package id of the name s[0..n); false when the table has none. */
bool ber_pkg_id(const char *s, size_t n, uint16_t *id);
/* The package's name, NULL when the table has none. */
const char *ber_pkg_name(uint16_t id);

/* "pkg/item" (either side may be "*": 0xFFFF) to a PkgdName; false when not in the tables. */
bool ber_pkgd_id(enum ber_kind kind, const char *s, size_t n, uint8_t out[4]);
/* A PkgdName back to "pkg/item" (NUL-terminated, static), its length in *len; NULL when not in the
 * tables. */
const char *ber_pkgd_text(enum ber_kind kind, const uint8_t id[4], size_t *len);

/* A parameter of item `item` (a PkgdName) of kind `kind`; false when unknown. */
bool ber_param_id(enum ber_kind kind, const uint8_t item[4], const char *s, size_t n, uint16_t *id);
/* Its name (static), its length in *len; NULL when unknown. */
const char *ber_param_name(enum ber_kind kind, const uint8_t item[4], uint16_t id, size_t *len);

/* SDP line type c ('v', 'o', …) to Annex C's item id (0xB001…), 0 when none; and back. Annex C, SDP
 * equivalents: v o s i u e p c b z k a t r m, 0xB001 to 0xB00F (V). Inline, by table: the codec calls
 * them once per SDP line. */
static inline uint16_t ber_sdp_id(char c)
{
	static const uint8_t at[256] = {
		['v'] = 1, ['o'] = 2,  ['s'] = 3,  ['i'] = 4,  ['u'] = 5,  ['e'] = 6,  ['p'] = 7, ['c'] = 8,
		['b'] = 9, ['z'] = 10, ['k'] = 11, ['a'] = 12, ['t'] = 13, ['r'] = 14, ['m'] = 15
	};
	unsigned k = at[(unsigned char)c];
	return k ? (uint16_t)(0xb000 + k) : 0;
}

static inline char ber_sdp_type(uint16_t id)
{
	static const char types[] = "vosiuepcbzkatrm";
	return id >= 0xb001 && id < 0xb001 + sizeof types - 1 ? types[id - 0xb001] : 0;
}

#endif
