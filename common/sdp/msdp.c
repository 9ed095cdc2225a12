/* SPDX-License-Identifier: GPL-3.0-or-later */
/* msdp: see msdp.h. sofia-sip parses; we only swap CHOOSE for parseable stand-ins and back. */
#include "config.h"
#include "msdp.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>

const char *const msdp_setup_names[] = { "", "active", "passive", "actpass", "holdconn" };

/* Calls fn on each line of text (without its end of line, which is copied as it was); fn either writes
 * its own version of the line into out and returns true, or returns false to keep the line. */
typedef bool line_fn(GString *out, const char *line, size_t n, void *arg);

static void each_line(const char *text, size_t len, GString *out, line_fn *fn, void *arg)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((eol ? eol : end) - p);
		size_t body = n && p[n - 1] == '\r' ? n - 1 : n;
		if (!fn(out, p, body, arg))
			g_string_append_len(out, p, (gssize)body);
		g_string_append_len(out, p + body, (gssize)(n - body)); /* the CR, if any */
		if (eol)
			g_string_append_c(out, '\n');
		p += n + (eol ? 1 : 0);
	}
}

struct fill {
	const char *addr, *fingerprint, *path;
	unsigned port;
	bool *addr_choose, *port_choose, *fp_choose, *path_choose; /* parse: note them */
};

static bool is(const char *line, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && !memcmp(line, prefix, k);
}

/* c=IN IP4 $  ->  c=IN IP4 <addr> */
static bool fill_line(GString *out, const char *line, size_t n, void *arg)
{
	struct fill *f = arg;
	if (is(line, n, "c=") && n >= 2 && line[n - 1] == '$' && line[n - 2] == ' ') {
		if (f->addr_choose)
			*f->addr_choose = true;
		g_string_append_len(out, line, (gssize)n - 1);
		g_string_append(out, f->addr);
		return true;
	}
	if (is(line, n, "m=")) {
		const char *sp = memchr(line, ' ', n);
		if (sp && sp + 2 < line + n && sp[1] == '$' && sp[2] == ' ') {
			if (f->port_choose)
				*f->port_choose = true;
			g_string_append_len(out, line, sp + 1 - line);
			g_string_append_printf(out, "%u", f->port);
			g_string_append_len(out, sp + 2, line + n - (sp + 2));
			return true;
		}
	}
	if (f->fingerprint && n == 15 && is(line, n, "a=fingerprint:$")) {
		if (f->fp_choose)
			*f->fp_choose = true;
		g_string_append(out, "a=fingerprint:");
		g_string_append(out, f->fingerprint);
		return true;
	}
	if (f->path && n == 8 && is(line, n, "a=path:$")) {
		if (f->path_choose)
			*f->path_choose = true;
		g_string_append(out, "a=path:");
		g_string_append(out, f->path);
		return true;
	}
	return false;
}

char *msdp_fill(const char *text, size_t len, const char *addr, unsigned port, const char *fingerprint,
		const char *path)
{
	GString *out = g_string_sized_new(len + 128);
	struct fill f = { .addr = addr, .port = port, .fingerprint = fingerprint, .path = path };
	each_line(text, len, out, fill_line, &f);
	size_t n = out->len + 1; /* sized to the text: a gateway keeps one for each termination */
	return g_realloc(g_string_free(out, FALSE), n);
}

/* RFC 4566 §9: token-char = %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E */
static bool token_char(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2a || c == 0x2b || c == 0x2d || c == 0x2e ||
	       (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x5e && c <= 0x7e);
}

/* A run of token chars, with "/" between runs when slash; the bytes taken, 0 when malformed. */
static size_t token_run(const char *p, size_t n, bool slash)
{
	size_t k = 0;
	for (;;) {
		size_t start = k;
		while (k < n && token_char((unsigned char)p[k]) && p[k] != '/')
			k++;
		if (k == start)
			return 0;
		if (!slash || k == n || p[k] != '/')
			return k;
		k++;
	}
}

/* <media> SP <port>["/"<n>] SP <proto> 1*(SP <fmt>), every field made of tokens (RFC 4566 §5.14, §9). */
static bool media_line_ok(const char *p, size_t n)
{
	unsigned field = 0;
	for (size_t k = 0; k < n; field++) {
		size_t run = token_run(p + k, n - k, field == 1 || field == 2);
		if (!run)
			return false;
		k += run;
		if (k < n && p[k++] != ' ')
			return false;
		if (k == n && p[n - 1] == ' ')
			return false;
	}
	return field >= 4;
}

bool msdp_safe(const char *text, size_t len, char **err)
{
	for (size_t i = 0; i < len;) { /* lines are <type>=<value> ending in CRLF or LF (RFC 4566 §5) */
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len, n = end - i;
		if (n && text[end - 1] == '\r')
			n--;
		const char *why = NULL;
		size_t at = i;
		if (n && (text[i] == ' ' || text[i] == '\t'))
			why = "a line starting with white space";
		for (size_t k = i; k < i + n && !why; k++) {
			unsigned char c = (unsigned char)text[k];
			at = k;
			if (c == '\r')
				why = "a CR not followed by LF";
			else if ((c < 0x20 && c != '\t') || c == 0x7f)
				why = "a control byte";
		}
		if (!why && n >= 2 && text[i] == 'm' && text[i + 1] == '=' &&
		    !media_line_ok(text + i + 2, n - 2))
			why = "an m= line that is not <media> <port> <proto> <fmt>… of RFC 4566 tokens",
			at = i;
		if (why) {
			*err = g_strdup_printf("SDP: %s at offset %zu", why, at);
			return false;
		}
		i = end + 1;
	}
	return true;
}

enum msdp_setup msdp_setup_of(const char *v)
{
	for (int i = 1; i <= MSDP_SETUP_HOLDCONN; i++)
		if (v && !g_ascii_strcasecmp(v, msdp_setup_names[i]))
			return (enum msdp_setup)i;
	return MSDP_SETUP_NONE;
}

/* An unsigned decimal of at most max, all of s up to a space or the end; false otherwise. */
static bool number(const char *s, unsigned long max, unsigned long *v)
{
	char *end;
	if (!s || !g_ascii_isdigit(*s))
		return false;
	*v = strtoul(s, &end, 10);
	return *v <= max && (!*end || *end == ' ');
}

const sdp_attribute_t *msdp_fingerprint_attrs(const sdp_session_t *s, const sdp_media_t *m)
{
	return sdp_attribute_find(m->m_attributes, "fingerprint") ? m->m_attributes : s->sdp_attributes;
}

/* Every a=fingerprint of attrs (not a "$" asking the gateway for its own) into out, up to the limit. */
static void read_fingerprints(const sdp_attribute_t *attrs, struct msdp *out)
{
	for (const sdp_attribute_t *a = attrs; a; a = a->a_next) {
		if (g_ascii_strcasecmp(a->a_name, "fingerprint") || !a->a_value || !strcmp(a->a_value, "$"))
			continue;
		const char *sp = strchr(a->a_value, ' ');
		if (!sp || out->nfingerprints == MSDP_MAX_FINGERPRINTS)
			continue;
		out->fingerprints =
		    g_renew(struct msdp_fingerprint, out->fingerprints, out->nfingerprints + 1);
		struct msdp_fingerprint *fp = &out->fingerprints[out->nfingerprints++];
		char *hash = g_ascii_strdown(a->a_value, sp - a->a_value);
		g_strlcpy(fp->hash, hash, sizeof fp->hash);
		g_strlcpy(fp->value, sp + 1, sizeof fp->value);
		g_free(hash);
	}
}

/* a=path (its first URI), a=confid, a=userid and a=floorid */
static void application_attrs(const sdp_attribute_t *a, struct msdp *out)
{
	unsigned long v;
	for (; a; a = a->a_next) {
		const char *name = a->a_name, *value = a->a_value;
		if (!g_ascii_strcasecmp(name, "path") && value && strcmp(value, "$")) {
			g_free(out->path); /* the last a=path, as before */
			out->path = g_strndup(value, MIN(strcspn(value, " "), MSDP_MAX_PATH));
		} else if (!g_ascii_strcasecmp(name, "confid") && number(value, UINT32_MAX, &v))
			out->confid = (uint32_t)v;
		else if (!g_ascii_strcasecmp(name, "userid") && number(value, UINT16_MAX, &v))
			out->userid = (uint16_t)v;
		else if (!g_ascii_strcasecmp(name, "floorid") && number(value, UINT16_MAX, &v) &&
			 out->nfloorids < G_N_ELEMENTS(out->floorids))
			out->floorids[out->nfloorids++] = (uint16_t)v;
	}
}

void msdp_clear(struct msdp *s)
{
	g_free(s->fingerprints);
	g_free(s->path);
	memset(s, 0, sizeof *s);
}

void msdp_free(struct msdp *s)
{
	if (s)
		msdp_clear(s);
	g_free(s);
}

void msdp_move(struct msdp *to, struct msdp *from)
{
	msdp_clear(to);
	*to = *from;
	memset(from, 0, sizeof *from);
}

bool msdp_parse(const char *text, size_t len, struct msdp *out, char **err)
{
	memset(out, 0, sizeof *out);
	while (len && g_ascii_isspace(*text)) /* "Local {\nv=0…": the body often starts on the next line */
		text++, len--;
	if (!msdp_safe(text, len, err))
		return false;
	GString *stand_in = g_string_sized_new(len);
	struct fill f = { .addr = "0.0.0.0",
			  .port = 9,
			  .fingerprint = "$",
			  .path = "$",
			  .addr_choose = &out->addr_choose,
			  .port_choose = &out->port_choose,
			  .fp_choose = &out->fingerprint_choose,
			  .path_choose = &out->path_choose };
	each_line(text, len, stand_in, fill_line, &f);
	su_home_t *home = su_home_new(sizeof(su_home_t));
	sdp_parser_t *parser = sdp_parse(home, stand_in->str, (issize_t)stand_in->len, sdp_f_insane);
	sdp_session_t *sess = sdp_session(parser);
	bool ok = false;
	if (!sess)
		*err = g_strdup_printf("SDP: %s", sdp_parsing_error(parser));
	else if (!sess->sdp_media || sess->sdp_media->m_next)
		*err = g_strdup(sess->sdp_media ? "SDP: more than one m= line" : "SDP: no m= line");
	else {
		sdp_media_t *m = sess->sdp_media;
		sdp_connection_t *c = m->m_connections ? m->m_connections : sess->sdp_connection;
		g_strlcpy(out->media, m->m_type_name ? m->m_type_name : "", sizeof out->media);
		g_strlcpy(out->proto, m->m_proto_name ? m->m_proto_name : "", sizeof out->proto);
		out->port = (unsigned)m->m_port;
		if (c && c->c_address) {
			g_strlcpy(out->addr, c->c_address, sizeof out->addr);
			out->family = c->c_addrtype == sdp_addr_ip6 ? AF_INET6 : AF_INET;
		}
		out->setup = msdp_setup_of(sdp_attribute_find(m->m_attributes, "setup")
					       ? sdp_attribute_find(m->m_attributes, "setup")->a_value
					       : NULL);
		const sdp_attribute_t *e2ae = sdp_attribute_find(m->m_attributes, "3ge2ae");
		g_strlcpy(out->e2ae, e2ae && e2ae->a_value ? e2ae->a_value : "", sizeof out->e2ae);
		read_fingerprints(msdp_fingerprint_attrs(sess, m), out);
		application_attrs(m->m_attributes, out);
		ok = true;
	}
	sdp_parser_free(parser);
	su_home_unref(home);
	g_string_free(stand_in, TRUE);
	return ok;
}
