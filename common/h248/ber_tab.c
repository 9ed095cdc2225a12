/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ber_tab: see ber_tab.h. The tables hold the packages the project speaks. Status column:
 *   V  verified: H.248.1 Annex E and Annex C as Erlang/OTP megaco's name resolver has them, or IANA's
 *      Megaco/H.248 package registry for the package id;
 *   U  unverified: an id chosen here because the Recommendation could not be read (doc/placeholders.md).
 * The text names of eMEDIASEC items are themselves placeholders (profiles/wire.h). */
#include "config.h"
#include "ber_tab.h"
#include "ber_int.h"

#include <string.h>

struct pkg {
	const char *name;
	uint16_t id;
	char status;
};

/* name, id, status */
static const struct pkg pkgs[] = {
	{ "g", 0x0001, 'V' },       { "root", 0x0002, 'V' },   { "tonegen", 0x0003, 'V' },
	{ "tonedet", 0x0004, 'V' }, { "dg", 0x0005, 'V' },     { "dd", 0x0006, 'V' },
	{ "cg", 0x0007, 'V' },      { "cd", 0x0008, 'V' },     { "al", 0x0009, 'V' },
	{ "ct", 0x000a, 'V' },      { "nt", 0x000b, 'V' },     { "rtp", 0x000c, 'V' },
	{ "tdmc", 0x000d, 'V' },    { "it", 0x0045, 'V' },     { "ds", 0x008b, 'V' },
	{ "gm", 0x008c, 'V' },      { "ipnapt", 0x0099, 'V' }, { "hangterm", 0x0098, 'V' },
	{ "ipdc", 0x009d, 'V' },    { "tcpbcc", 0x0115, 'V' }, { "tlsbsc", 0x0117, 'V' },
	{ "tlscn", 0x0118, 'V' },   { "tlsm", 0x0119, 'V' },   { "tlstv", 0x011a, 'V' },
	{ "seplink", 0x011b, 'V' }, { "dtlscn", 0x011e, 'V' }, { "tcptv", 0x0116, 'U' },
	{ "tcprm", 0x011c, 'U' },   { "tman", 0x008d, 'V' },   { "tmanr", 0x00bc, 'U' },
	{ "rtcph", 0x00b5, 'V' },
};

struct item {
	const char *pkg, *name;
	char kind;
	uint16_t id;
	char status;
};

/* package, item, kind (p property, e event, s signal, t statistic), id, status */
static const struct item items[] = {
	{ "g", "cause", 'e', 0x0001, 'V' },         { "g", "sc", 'e', 0x0002, 'V' },
	{ "nt", "jit", 'p', 0x0007, 'V' },          { "nt", "netfail", 'e', 0x0005, 'V' },
	{ "nt", "qualert", 'e', 0x0006, 'V' },      { "nt", "dur", 't', 0x0001, 'V' },
	{ "nt", "os", 't', 0x0002, 'V' },           { "nt", "or", 't', 0x0003, 'V' },
	{ "rtp", "ps", 't', 0x0004, 'V' },          { "rtp", "pr", 't', 0x0005, 'V' },
	{ "al", "on", 'e', 0x0004, 'V' },           { "al", "of", 'e', 0x0005, 'V' },
	{ "al", "fl", 'e', 0x0006, 'V' },           { "al", "ri", 's', 0x0002, 'V' },
	{ "cg", "rt", 's', 0x0031, 'V' },           { "tdmc", "gain", 'p', 0x000a, 'V' },
	{ "tdmc", "ec", 'p', 0x0008, 'V' },         { "it", "ito", 'e', 0x0001, 'U' },
	{ "ds", "dscp", 'p', 0x0001, 'U' },         { "gm", "saf", 'p', 0x0001, 'U' },
	{ "gm", "sam", 'p', 0x0002, 'U' },          { "gm", "spf", 'p', 0x0003, 'U' },
	{ "gm", "spr", 'p', 0x0004, 'U' },          { "ipnapt", "latch", 'p', 0x0001, 'U' },
	{ "hangterm", "timerx", 'p', 0x0001, 'U' }, { "hangterm", "thb", 'e', 0x0001, 'U' },
	{ "ipdc", "realm", 'p', 0x0001, 'U' },      { "tcpbcc", "up", 'e', 0x0001, 'U' },
	{ "tcpbcc", "fail", 'e', 0x0002, 'U' },     { "tcpbcc", "rel", 'e', 0x0003, 'U' },
	{ "tlsbsc", "est", 's', 0x0001, 'U' },      { "tlsbsc", "up", 'e', 0x0001, 'U' },
	{ "tlsbsc", "fail", 'e', 0x0002, 'U' },     { "tlsbsc", "psk", 'p', 0x0001, 'U' },
	{ "tcptv", "ps", 't', 0x0001, 'U' },        { "tcptv", "pr", 't', 0x0002, 'U' },
	{ "tman", "pol", 'p', 0x0001, 'U' },        { "tman", "sdr", 'p', 0x0002, 'U' },
	{ "tman", "mbs", 'p', 0x0003, 'U' },        { "tman", "pdr", 'p', 0x0004, 'U' },
	{ "tman", "dvt", 'p', 0x0005, 'U' },        { "tmanr", "dp", 't', 0x0001, 'U' },
	{ "rtcph", "rtcpa", 'p', 0x0001, 'U' },
};

struct param {
	const char *item; /* "pkg/item" */
	char kind;
	const char *name;
	uint16_t id;
	char status;
};

/* item, its kind, parameter, id, status */
static const struct param params[] = {
	{ "g/cause", 'e', "Generalcause", 0x0001, 'V' },
	{ "g/cause", 'e', "Failurecause", 0x0002, 'V' },
	{ "g/sc", 'e', "SigID", 0x0001, 'V' },
	{ "g/sc", 'e', "Meth", 0x0002, 'V' },
	{ "g/sc", 'e', "SLID", 0x0003, 'V' },
	{ "g/sc", 'e', "RID", 0x0004, 'V' },
	{ "al/of", 'e', "strict", 0x0001, 'V' },
	{ "al/of", 'e', "init", 0x0002, 'V' },
	{ "it/ito", 'e', "mit", 0x0001, 'U' },
	{ "hangterm/thb", 'e', "timerx", 0x0001, 'U' },
	{ "tcpbcc/fail", 'e', "reason", 0x0001, 'U' },
	{ "tlsbsc/fail", 'e', "reason", 0x0001, 'U' },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* What the lookups compare, derived from the tables above on first use: the length of each package and
 * item name, each package's items (in table order, as a chain: first, next; -1 ends it) and each
 * parameter's item as a PkgdName, so that a lookup walks one package's few items and compares lengths
 * and numbers before bytes, never a package or item name. For the decoder, the text of each PkgdName
 * (as "pkg/item", or "pkg/" and a star) and each package's row by its id, so that a decoded name is found at
 * once and points here rather than being put together and copied per message. */
#define NAME_MAX_LEN 39  /* "pkg/item" (each table's longest name is 8 octets) */
#define BY_ID        512 /* packages by id below it; those above (none yet) by a walk of the table */
static struct {
	bool built;
	uint8_t pkg_len[COUNT(pkgs)], item_len[COUNT(items)];
	int16_t pkg_items[COUNT(pkgs)], next_item[COUNT(items)];
	bool param_known[COUNT(params)]; /* its item is in the tables */
	int8_t param_first[16], next_param[COUNT(params)]; /* known parameters by their item's bucket */
	uint32_t param_item[COUNT(params)]; /* its PkgdName's octets, big-endian */
	uint8_t param_len[COUNT(params)];
	int16_t pkg_first[64], next_pkg[COUNT(pkgs)]; /* packages by a hash of their name (pkg_bucket) */
	char item_text[COUNT(items)][NAME_MAX_LEN + 1], pkg_text[COUNT(pkgs)][NAME_MAX_LEN + 1];
	uint8_t item_text_len[COUNT(items)], pkg_text_len[COUNT(pkgs)];
	uint8_t by_id[BY_ID]; /* row + 1, 0: none */
} idx;

_Static_assert(COUNT(params) < 128, "next_param holds a row in an int8_t");

/* A parameter's chain in param_first: a hash of its item's PkgdName */
static unsigned param_bucket(uint32_t item)
{
	return (item * 0x9e3779b1u) >> 28;
}

/* Whether a[0..n) and b[0..n) are the same octets: inline, for the few octets of a name, where memcmp
 * was a call per table row compared */
static inline bool same(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* A package name's chain in pkg_first, by its length and its first and last letters: a first letter alone
 * put a dozen packages ("t…") in one chain */
static unsigned pkg_bucket(const char *s, size_t n)
{
	return ((unsigned char)s[0] * 7u + (unsigned char)s[n - 1] * 3u + (unsigned)n) & 63;
}

/* "a/b" into out (NAME_MAX_LEN + 1 octets, NUL-terminated); its length, 0 when too long (no lookup finds
 * it then) */
static uint8_t join(char *out, const char *a, const char *b)
{
	size_t an = strlen(a), bn = strlen(b);
	if (an + 1 + bn > NAME_MAX_LEN)
		return 0;
	memcpy(out, a, an), out[an] = '/', memcpy(out + an + 1, b, bn + 1);
	return (uint8_t)(an + 1 + bn);
}

static void build(void)
{
	int16_t last[COUNT(pkgs)];
	for (size_t c = 0; c < 64; c++)
		idx.pkg_first[c] = -1;
	for (size_t k = COUNT(pkgs); k-- > 0;) { /* each bucket's chain in table order */
		unsigned b = pkg_bucket(pkgs[k].name, strlen(pkgs[k].name));
		idx.next_pkg[k] = idx.pkg_first[b];
		idx.pkg_first[b] = (int16_t)k;
	}
	for (size_t k = 0; k < COUNT(pkgs); k++) {
		idx.pkg_len[k] = (uint8_t)strlen(pkgs[k].name);
		idx.pkg_items[k] = last[k] = -1;
		idx.pkg_text_len[k] = join(idx.pkg_text[k], pkgs[k].name, "*");
		if (pkgs[k].id < BY_ID && !idx.by_id[pkgs[k].id])
			idx.by_id[pkgs[k].id] = (uint8_t)(k + 1);
	}
	for (size_t i = 0; i < COUNT(items); i++) {
		idx.item_len[i] = (uint8_t)strlen(items[i].name);
		idx.next_item[i] = -1;
		idx.item_text_len[i] = join(idx.item_text[i], items[i].pkg, items[i].name);
		size_t k = 0;
		while (k < COUNT(pkgs) && strcmp(pkgs[k].name, items[i].pkg))
			k++;
		if (k == COUNT(pkgs))
			continue; /* a row naming an unknown package: no lookup finds it */
		if (last[k] < 0)
			idx.pkg_items[k] = (int16_t)i;
		else
			idx.next_item[last[k]] = (int16_t)i;
		last[k] = (int16_t)i;
	}
	idx.built = true; /* what ber_pkgd_id needs is there */
	for (size_t i = 0; i < COUNT(params); i++) {
		uint8_t id[4];
		idx.param_known[i] =
		    ber_pkgd_id((enum ber_kind)params[i].kind, params[i].item, strlen(params[i].item), id);
		idx.param_item[i] =
		    (uint32_t)id[0] << 24 | (uint32_t)id[1] << 16 | (uint32_t)id[2] << 8 | id[3];
		idx.param_len[i] = (uint8_t)strlen(params[i].name);
	}
	memset(idx.param_first, -1, sizeof idx.param_first);
	for (size_t i = COUNT(params); i-- > 0;) /* each chain in table order */
		if (idx.param_known[i]) {
			unsigned b = param_bucket(idx.param_item[i]);
			idx.next_param[i] = idx.param_first[b];
			idx.param_first[b] = (int8_t)i;
		}
}

/* The row of the package named s[0..n), or of id; -1 when none. */
static int pkg_by_name(const char *s, size_t n)
{
	if (!idx.built)
		build();
	if (!n)
		return -1;
	for (int k = idx.pkg_first[pkg_bucket(s, n)]; k >= 0; k = idx.next_pkg[k])
		if (idx.pkg_len[k] == n && same(s, pkgs[k].name, n))
			return k;
	return -1;
}

static int pkg_by_id(uint16_t id)
{
	if (!idx.built)
		build();
	if (id < BY_ID)
		return (int)idx.by_id[id] - 1;
	for (size_t k = 0; k < COUNT(pkgs); k++)
		if (pkgs[k].id == id)
			return (int)k;
	return -1;
}

bool ber_pkg_id(const char *s, size_t n, uint16_t *id)
{
	int k = pkg_by_name(s, n);
	if (k >= 0)
		*id = pkgs[k].id;
	return k >= 0;
}

const char *ber_pkg_name(uint16_t id)
{
	int k = pkg_by_id(id);
	return k >= 0 ? pkgs[k].name : NULL;
}

bool ber_pkgd_id(enum ber_kind kind, const char *s, size_t n, uint8_t out[4])
{
	const char *slash = s; /* inline: a name's few octets, where memchr was a call */
	while (slash < s + n && *slash != '/')
		slash++;
	if (slash == s + n)
		return false;
	size_t pn = (size_t)(slash - s), in = n - pn - 1;
	const char *it = slash + 1;
	uint16_t pkg = 0xffff, item = 0xffff;
	int k = -1;
	bool pkg_star = pn == 1 && s[0] == '*', item_star = in == 1 && it[0] == '*';
	if (!pkg_star) {
		if ((k = pkg_by_name(s, pn)) < 0)
			return false;
		pkg = pkgs[k].id;
	}
	if (pkg == 0xffff && !item_star)
		return false; /* a wildcarded package needs a wildcarded item (Annex A) */
	if (!item_star) {
		int i = idx.pkg_items[k];
		while (i >= 0 &&
		       !(items[i].kind == (char)kind && idx.item_len[i] == in && same(it, items[i].name, in)))
			i = idx.next_item[i];
		if (i < 0)
			return false;
		item = items[i].id;
	}
	out[0] = (uint8_t)(pkg >> 8), out[1] = (uint8_t)pkg, out[2] = (uint8_t)(item >> 8),
	out[3] = (uint8_t)item;
	return true;
}

/* The row of item id (a PkgdName) of kind in package row k, or -1 */
static int find_item(enum ber_kind kind, int k, uint16_t item)
{
	for (int i = idx.pkg_items[k]; i >= 0; i = idx.next_item[i])
		if (items[i].kind == (char)kind && items[i].id == item)
			return i;
	return -1;
}

const char *ber_pkgd_text(enum ber_kind kind, const uint8_t id[4], size_t *len)
{
	uint16_t pkg = (uint16_t)(id[0] << 8 | id[1]), item = (uint16_t)(id[2] << 8 | id[3]);
	if (pkg == 0xffff) { /* a wildcarded package needs a wildcarded item (Annex A) */
		*len = 3;
		return item == 0xffff ? "*/*" : NULL;
	}
	int k = pkg_by_id(pkg), i = k < 0 || item == 0xffff ? -1 : find_item(kind, k, item);
	if (k < 0 || (item != 0xffff && i < 0))
		return NULL;
	*len = i < 0 ? idx.pkg_text_len[k] : idx.item_text_len[i];
	return *len ? (i < 0 ? idx.pkg_text[k] : idx.item_text[i]) : NULL;
}

static const struct param *find_param(enum ber_kind kind, const uint8_t item[4], const char *s, size_t n,
				      int id)
{
	if (!idx.built)
		build();
	uint32_t it = (uint32_t)item[0] << 24 | (uint32_t)item[1] << 16 | (uint32_t)item[2] << 8 | item[3];
	for (int i = idx.param_first[param_bucket(it)]; i >= 0; i = idx.next_param[i])
		if (idx.param_item[i] == it && params[i].kind == (char)kind &&
		    (s ? idx.param_len[i] == n && same(s, params[i].name, n) : params[i].id == id))
			return &params[i];
	return NULL;
}

bool ber_param_id(enum ber_kind kind, const uint8_t item[4], const char *s, size_t n, uint16_t *id)
{
	const struct param *p = find_param(kind, item, s, n, -1);
	if (p)
		*id = p->id;
	return p != NULL;
}

const char *ber_param_name(enum ber_kind kind, const uint8_t item[4], uint16_t id, size_t *len)
{
	const struct param *p = find_param(kind, item, NULL, 0, id);
	if (p)
		*len = idx.param_len[p - params];
	return p ? p->name : NULL;
}

/* The ENUMERATED and BIT STRING types of Annex A, by the text token of each value (ber_int.h) */
const enum h248_tok ber_audit_tokens[BER_AUDIT_TOKENS] = {
	H248_TOK_MUX,      H248_TOK_MODEM,       H248_TOK_MEDIA,      H248_TOK_EVENTS,
	H248_TOK_SIGNALS,  H248_TOK_DIGITMAP,    H248_TOK_STATISTICS, H248_TOK_OBSERVEDEVENTS,
	H248_TOK_PACKAGES, H248_TOK_EVENTBUFFER,
};
const enum h248_tok ber_modes[5] = { H248_TOK_SENDONLY, H248_TOK_RECVONLY, H248_TOK_SENDRECV,
				     H248_TOK_INACTIVE, H248_TOK_LOOPBACK };
const enum h248_tok ber_methods[6] = { H248_TOK_FAILOVER, H248_TOK_FORCED,       H248_TOK_GRACEFUL,
				       H248_TOK_RESTART,  H248_TOK_DISCONNECTED, H248_TOK_HANDOFF };
const enum h248_tok ber_sigtypes[3] = { H248_TOK_BRIEF, H248_TOK_ONOFF, H248_TOK_TIMEOUT };
const enum h248_tok ber_directions[4] = { H248_TOK_INTERNAL, H248_TOK_EXTERNAL, H248_TOK_NONE,
					  H248_TOK_BOTH };
const enum h248_tok ber_completions[5] = { H248_TOK_TIMEOUT, H248_TOK_INTBYEVENT, H248_TOK_INTBYSIGDESCR,
					   H248_TOK_OTHERREASON, H248_TOK_ITERATION };
const enum h248_tok ber_buffer[2] = { H248_TOK_OFF, H248_TOK_LOCKSTEP };
const enum h248_tok ber_states[3] = { H248_TOK_TEST, H248_TOK_OUTOFSERVICE, H248_TOK_INSERVICE };
