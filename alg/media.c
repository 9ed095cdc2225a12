/* SPDX-License-Identifier: GPL-3.0-or-later */
/* media: see media.h. */
#include "config.h"
#include "media.h"

#include <arpa/inet.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>

#include "reg.h"

static const struct tp_media *row_of(const struct media_line *l)
{
	const struct tp_media *r = tp_media_of(l->proto, NULL);
	if (r)
		return r;
	unsigned n;
	const struct tp_media *all = tp_media_all(&n);
	return &all[n - 1]; /* not ours: the application-agnostic TCP row */
}

/* RFC 4572 §5 hash functions no longer fit to name a certificate (RFC 8122 §5): sha-1 unless allowed. */
static const struct {
	const char *name;
	bool allowable;
} weak_hashes[] = { { "sha-1", true }, { "md5", false }, { "md2", false } };

const char *media_weak_fingerprint(const struct media_line *l, const struct media_policy *p)
{
	for (const char *f = l->fingerprints; *f;) {
		const char *end = strchr(f, '\n');
		size_t n = strcspn(f, " \n");
		for (size_t i = 0; i < G_N_ELEMENTS(weak_hashes); i++)
			if (n == strlen(weak_hashes[i].name) &&
			    !g_ascii_strncasecmp(f, weak_hashes[i].name, n) &&
			    !(weak_hashes[i].allowable && p->weak_hashes))
				return weak_hashes[i].name;
		f = end ? end + 1 : f + strlen(f);
	}
	return NULL;
}

const char *media_proto(const struct media_line *l, bool tls)
{
	const struct tp_media *r = tp_media_of(l->proto, NULL);
	return !r ? l->proto : tls ? r->sip_secure : r->sip_plain;
}

const char *media_agw_proto(const struct media_line *l, bool tls, bool aware)
{
	const struct tp_media *r = row_of(l);
	if (aware && r->aware_plain)
		return tls ? r->aware_secure : r->aware_plain;
	return tls ? r->agw_secure : r->agw_plain;
}

const char *media_agw_fmt(const struct media_line *l)
{
	return row_of(l)->fmt;
}

bool media_dgram(const struct media_line *l)
{
	return tp_bearer_of(row_of(l)->agw_plain)->dgram;
}

void media_put_desc(GString *s, const char *name, const struct media_line *l, const char *addr, unsigned port,
		    const char *proto, enum msdp_setup setup, const char *fingerprints, const char *extra)
{
	const struct tp_bearer *b = tp_bearer_of(proto);
	g_string_append_printf(s, "%s {\nv=0\nc=IN %s %s\n", name, addr && strchr(addr, ':') ? "IP6" : "IP4",
			       addr ? addr : "$");
	if (port)
		g_string_append_printf(s, "m=%s %u %s %s\n", l->media, port, proto, media_agw_fmt(l));
	else
		g_string_append_printf(s, "m=%s $ %s %s\n", l->media, proto, media_agw_fmt(l));
	if (setup && !(b && b->dgram && !b->secure))
		g_string_append_printf(s, "a=setup:%s\n", msdp_setup_names[setup]);
	for (const char *f = fingerprints; f && *f;) {
		size_t n = strcspn(f, "\n");
		g_string_append_printf(s, "a=fingerprint:%.*s\n", (int)n, f);
		f += n + (f[n] ? 1 : 0);
	}
	g_string_append_printf(s, "%s}", extra ? extra : "");
}

/* Whether a c= address is of its addrtype (RFC 4566 §5.7): an IPv6 literal is not IP4, an IPv4 literal
 * not IP6; a name may be either. */
static bool address_fits(const sdp_connection_t *c)
{
	struct in_addr v4;
	if (c->c_addrtype == sdp_addr_ip4)
		return !strchr(c->c_address, ':');
	return c->c_addrtype != sdp_addr_ip6 || inet_pton(AF_INET, c->c_address, &v4) != 1;
}

/* Every a=fingerprint value of attrs, one per line, as far as they fit. */
static void read_fingerprints(const sdp_attribute_t *attrs, struct media_line *l)
{
	for (const sdp_attribute_t *a = attrs; a; a = a->a_next)
		if (!g_ascii_strcasecmp(a->a_name, "fingerprint") && a->a_value &&
		    strlen(l->fingerprints) + strlen(a->a_value) + 2 < sizeof l->fingerprints) {
			g_strlcat(l->fingerprints, a->a_value, sizeof l->fingerprints);
			g_strlcat(l->fingerprints, "\n", sizeof l->fingerprints);
		}
}

static bool read_line(const sdp_session_t *s, const sdp_media_t *m, struct media_line *l, char **err)
{
	memset(l, 0, sizeof *l);
	if ((m->m_type_name && strlen(m->m_type_name) >= sizeof l->media) ||
	    (m->m_proto_name && strlen(m->m_proto_name) >= sizeof l->proto)) {
		*err = g_strdup_printf("SDP: m= media longer than %zu or transport longer than %zu bytes",
				       sizeof l->media - 1, sizeof l->proto - 1);
		return false;
	}
	const sdp_connection_t *c = m->m_connections ? m->m_connections : s->sdp_connection;
	if (c && c->c_address && !address_fits(c)) {
		*err = g_strdup_printf("SDP: c= IN %s with the address %s",
				       c->c_addrtype == sdp_addr_ip6 ? "IP6" : "IP4", c->c_address);
		return false;
	}
	g_strlcpy(l->media, m->m_type_name ? m->m_type_name : "", sizeof l->media);
	g_strlcpy(l->proto, m->m_proto_name ? m->m_proto_name : "", sizeof l->proto);
	l->port = (unsigned)m->m_port;
	if (c && c->c_address)
		g_strlcpy(l->addr, c->c_address, sizeof l->addr);
	const struct tp_media *r = tp_media_of(l->proto, &l->tls);
	l->app = r ? r->app : TP_APP_OTHER;
	for (const sdp_attribute_t *a = m->m_attributes; a; a = a->a_next) {
		if (!g_ascii_strcasecmp(a->a_name, "setup"))
			l->setup = msdp_setup_of(a->a_value);
		else if (!g_ascii_strcasecmp(a->a_name, "3ge2ae") && a->a_value &&
			 !g_ascii_strcasecmp(a->a_value, "requested"))
			l->requested = true;
		else if (!g_ascii_strcasecmp(a->a_name, "path") && a->a_value)
			g_strlcpy(l->path, a->a_value, sizeof l->path);
	}
	read_fingerprints(msdp_fingerprint_attrs(s, m), l);
	return true;
}

bool media_read(const char *sdp, size_t len, struct media_sdp *out, char **err)
{
	memset(out, 0, sizeof *out);
	if (!msdp_safe(sdp, len, err))
		return false;
	su_home_t *home = su_home_new(sizeof(su_home_t));
	sdp_parser_t *parser = sdp_parse(home, sdp, (issize_t)len, 0);
	const sdp_session_t *s = sdp_session(parser);
	bool ok = false;
	if (!s)
		*err = g_strdup_printf("SDP: %s", sdp_parsing_error(parser));
	else if (!s->sdp_media)
		*err = g_strdup("SDP: no m= line");
	else {
		ok = true;
		for (const sdp_media_t *m = s->sdp_media; m && ok; m = m->m_next) {
			if (out->n == MEDIA_MAX_LINES) {
				*err = g_strdup_printf("SDP: more than %d m= lines", MEDIA_MAX_LINES);
				ok = false;
			} else
				ok = read_line(s, m, &out->lines[out->n++], err);
		}
	}
	sdp_parser_free(parser);
	su_home_unref(home);
	return ok;
}

enum media_mode media_decide(const struct media_line *l, bool originating, const struct media_policy *p)
{
	if (!l->port || !tp_media_of(l->proto, NULL))
		return MEDIA_PASS;
	if (!p->e2ae) /* Ix: the TrGW relays, TLS runs end to end (TS 29.162; digest §3.9) */
		return MEDIA_E2E;
	const struct tp_media *row = tp_media_of(l->proto, NULL);
	unsigned mech = row->mechanism ? reg_mech_bit(row->mechanism) : 0;
	bool ue_supports = p->ue_mechs & mech;
	if (originating) { /* TS 23.334 §6.2.10.3.1.1.1 step 1; seed 004 NOTE 1 */
		if (l->tls && l->requested && ue_supports)
			return MEDIA_E2AE;
		if (l->tls && (p->force_orig & mech) && l->fingerprints[0])
			return MEDIA_E2AE;
		return MEDIA_E2E;
	}
	/* terminating: §6.2.10.3.1.2.1 step 1; seed 004's terminating NOTE */
	if (!l->tls && l->app != TP_APP_OTHER && (ue_supports || (p->force_term & mech)))
		return MEDIA_E2AE;
	return MEDIA_E2E;
}

/* ---- rewriting ---- */

struct text_line {
	const char *p;
	size_t n;   /* without the end of line */
	size_t eol; /* 0, 1 (LF) or 2 (CRLF) */
};

static bool is(const struct text_line *l, const char *prefix)
{
	size_t k = strlen(prefix);
	return l->n >= k && !g_ascii_strncasecmp(l->p, prefix, k);
}

static void put(GString *out, const char *eol, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void put(GString *out, const char *eol, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_string_append_vprintf(out, fmt, ap);
	va_end(ap);
	g_string_append(out, eol);
}

static void put_c(GString *out, const char *addr, const char *eol)
{
	put(out, eol, "c=IN %s %s", strchr(addr, ':') ? "IP6" : "IP4", addr);
}

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address> with the address replaced. */
static void put_o(GString *out, const struct text_line *l, const char *addr, const char *eol)
{
	char *text = g_strndup(l->p, l->n);
	gchar **f = g_strsplit(text, " ", 6);
	if (g_strv_length(f) == 6)
		put(out, eol, "%s %s %s %s %s %s", f[0], f[1], f[2], f[3], strchr(addr, ':') ? "IP6" : "IP4",
		    addr);
	else
		put(out, eol, "%s", text);
	g_strfreev(f);
	g_free(text);
}

static void put_m(GString *out, const struct text_line *l, const struct media_edit *e, const char *eol)
{
	/* m=<media> <port> <proto> <fmt …> */
	char *text = g_strndup(l->p, l->n);
	gchar **f = g_strsplit(text, " ", 4);
	if (!f[0] || !f[1] || !f[2]) {
		g_string_append_len(out, l->p, (gssize)l->n);
		g_string_append(out, eol);
	} else {
		char port[12];
		snprintf(port, sizeof port, "%u", e->port);
		put(out, eol, "%s %s %s%s%s", f[0], e->port ? port : f[1], e->proto ? e->proto : f[2],
		    f[3] ? " " : "", f[3] ? f[3] : "");
	}
	g_strfreev(f);
	g_free(text);
}

static void put_section(GString *out, const struct text_line *ls, size_t from, size_t to,
			const struct media_edit *e, const char *eol)
{
	bool c_done = false, setup_done = false;
	for (size_t i = from; i < to; i++) {
		const struct text_line *l = &ls[i];
		const char *end = l->eol == 2 ? "\r\n" : "\n"; /* every line has one (media_rewrite) */
		if (i == from) {
			put_m(out, l, e, end);
			/* a media-level c= goes right after m= and any i= line */
			size_t j = i + 1;
			while (j < to && is(&ls[j], "i="))
				j++;
			bool has_c = j < to && is(&ls[j], "c=");
			if (e->addr && !has_c) {
				for (size_t k = i + 1; k < j; k++)
					g_string_append_len(out, ls[k].p, (gssize)(ls[k].n + ls[k].eol));
				put_c(out, e->addr, eol);
				c_done = true;
				i = j - 1;
			}
			continue;
		}
		if (e->addr && !c_done && is(l, "c=")) {
			put_c(out, e->addr, end);
			c_done = true;
			continue;
		}
		if (e->drop_setup && is(l, "a=setup:"))
			continue;
		if (e->setup && is(l, "a=setup:")) {
			put(out, end, "a=setup:%s", msdp_setup_names[e->setup]);
			setup_done = true;
			continue;
		}
		if ((e->drop_fingerprints && (is(l, "a=fingerprint:") || is(l, "a=tls-id:"))) ||
		    (e->drop_3ge2ae && is(l, "a=3ge2ae:")))
			continue;
		g_string_append_len(out, l->p, (gssize)(l->n + l->eol));
	}
	if (e->setup && !setup_done)
		put(out, eol, "a=setup:%s", msdp_setup_names[e->setup]);
	if (e->fingerprint)
		put(out, eol, "a=fingerprint:%s", e->fingerprint);
	if (e->applied)
		put(out, eol, "a=3ge2ae:applied");
}

/* A section the gateway does not take, as written; with keep_c (the session c= it relied on, now the
 * gateway's) as its own c= when it has none. */
static void put_kept(GString *out, const struct text_line *ls, size_t from, size_t to,
		     const struct text_line *keep_c)
{
	size_t j = from + 1;
	while (j < to && is(&ls[j], "i="))
		j++;
	bool own_c = j < to && is(&ls[j], "c=");
	for (size_t k = from; k < to; k++) {
		if (k == j && keep_c && !own_c)
			g_string_append_len(out, keep_c->p, (gssize)(keep_c->n + keep_c->eol));
		g_string_append_len(out, ls[k].p, (gssize)(ls[k].n + ls[k].eol));
	}
	if (j == to && keep_c && !own_c)
		g_string_append_len(out, keep_c->p, (gssize)(keep_c->n + keep_c->eol));
}

/* The session's a=fingerprint and a=tls-id lines (RFC 8122 §5, RFC 8842), shared, where a section needs
 * them: when a rewrite drops a line's fingerprints (TLS ends at the gateway) they name the party's own
 * certificate and leave the session level; a TLS section that goes on without its own fingerprint (TLS
 * end to end) then gets them as its own. */
static void put_shared(GString *out, const struct text_line *ls, size_t from, size_t to,
		       const struct media_edit *e, const GPtrArray *shared)
{
	if (!shared->len || (e && (e->drop_fingerprints || e->fingerprint)) ||
	    !g_strstr_len(ls[from].p, (gssize)ls[from].n, "TLS"))
		return;
	for (size_t k = from + 1; k < to; k++)
		if (is(&ls[k], "a=fingerprint:"))
			return;
	for (unsigned i = 0; i < shared->len; i++) {
		const struct text_line *l = shared->pdata[i];
		g_string_append_len(out, l->p, (gssize)(l->n + l->eol));
	}
}

char *media_rewrite(const char *sdp, size_t len, const struct media_edit *edits, unsigned n)
{
	if (len && sdp[len - 1] != '\n') { /* a last line without its end: give it one, lines may follow */
		char *ended =
		    g_strdup_printf("%.*s%s", (int)len, sdp, memchr(sdp, '\r', len) ? "\r\n" : "\n");
		char *out = media_rewrite(ended, strlen(ended), edits, n);
		g_free(ended);
		return out;
	}
	/* the gateway's address for the session level: the first line it takes */
	const char *gw = NULL;
	bool dropping = false;
	for (unsigned m = 0; m < n; m++) {
		gw = gw ? gw : edits[m].edit ? edits[m].addr : NULL;
		dropping |= edits[m].edit && edits[m].drop_fingerprints;
	}
	GArray *ls = g_array_new(FALSE, FALSE, sizeof(struct text_line));
	const char *p = sdp, *end = sdp + len;
	bool crlf = false;
	while (p < end) { /* the text ends in LF: every line has one */
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct text_line l = { .p = p, .n = (size_t)(nl - p), .eol = 1 };
		if (l.n && p[l.n - 1] == '\r')
			l.n--, l.eol++, crlf = true;
		g_array_append_val(ls, l);
		p = nl + 1;
	}
	const char *eol = crlf ? "\r\n" : "\n";
	GString *out = g_string_sized_new(len + 256);
	const struct text_line *L = (const struct text_line *)ls->data;
	size_t i = 0, count = ls->len;
	/* the session part: where the gateway takes media, the origin's and the connection's address are
	 * the gateway's (a reader of the first c= must not find the party behind it, RFC 4566 §5.7), and
	 * the lines it leaves alone keep the old session c= as their own */
	const struct text_line *session_c = NULL;
	GPtrArray *shared = g_ptr_array_new();
	for (; i < count && !is(&L[i], "m="); i++) {
		const struct text_line *l = &L[i];
		if (dropping && (is(l, "a=fingerprint:") || is(l, "a=tls-id:")))
			g_ptr_array_add(shared, (gpointer)l);
		else if (gw && is(l, "o="))
			put_o(out, l, gw, l->eol == 2 ? "\r\n" : "\n");
		else if (gw && is(l, "c="))
			put_c(out, gw, l->eol == 2 ? "\r\n" : "\n"), session_c = l;
		else
			g_string_append_len(out, l->p, (gssize)(l->n + l->eol));
	}
	for (unsigned m = 0; i < count; m++) {
		size_t j = i + 1;
		while (j < count && !is(&L[j], "m="))
			j++;
		const struct media_edit *e = m < n && edits[m].edit ? &edits[m] : NULL;
		if (e)
			put_section(out, L, i, j, e, eol);
		else
			put_kept(out, L, i, j, session_c);
		put_shared(out, L, i, j, e, shared);
		i = j;
	}
	g_ptr_array_free(shared, TRUE);
	g_array_free(ls, TRUE);
	return g_string_free(out, FALSE);
}
