/* SPDX-License-Identifier: GPL-3.0-or-later */
/* msrp: RFC 4975 framing (see msrp.h). */
#include "config.h"
#include "msrp.h"

#include <gnutls/crypto.h>
#include <stdio.h>
#include <string.h>

static const char start[] = "MSRP ", dashes[] = "-------";

static const char *const field_names[MSRP_FIELDS] = {
	[MSRP_TO_PATH] = "To-Path",           [MSRP_FROM_PATH] = "From-Path",
	[MSRP_MESSAGE_ID] = "Message-ID",     [MSRP_BYTE_RANGE] = "Byte-Range",
	[MSRP_CONTENT_TYPE] = "Content-Type", [MSRP_FAILURE_REPORT] = "Failure-Report",
};

/* ident-char of RFC 4975 §9: alphanum / "." / "-" / "+" / "%" / "=" */
static bool ident_char(char c)
{
	return g_ascii_isalnum(c) || strchr(".-+%=", c);
}

static const char *find_crlf(const char *p, const char *end)
{
	for (; p + 1 < end; p++)
		if (p[0] == '\r' && p[1] == '\n')
			return p;
	return NULL;
}

static enum msrp_status invalid(const char **why, const char *what)
{
	*why = what;
	return MSRP_INVALID;
}

/* The start line buf[0..eol): the transaction id and the method or status. */
static bool start_line(const char *buf, const char *eol, struct msrp_frame *f, const char **why)
{
	const char *p = buf + sizeof start - 1, *id = p;
	while (p < eol && ident_char(*p))
		p++;
	size_t n = (size_t)(p - id);
	if (n < 4 || n > MSRP_TID_MAX || !g_ascii_isalnum(*id) || p == eol || *p != ' ')
		return *why = "MSRP transaction id is not 4 to 32 ident characters", false;
	memcpy(f->tid, id, n);
	f->tid[n] = '\0';
	const char *rest = ++p;
	size_t rn = (size_t)(eol - rest);
	if (rn >= 3 && g_ascii_isdigit(rest[0]) && g_ascii_isdigit(rest[1]) && g_ascii_isdigit(rest[2]) &&
	    (rn == 3 || rest[3] == ' ')) {
		f->status = (unsigned)((rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0'));
		return true;
	}
	for (const char *m = rest; m < eol; m++)
		if (!g_ascii_isupper(*m))
			return *why = "MSRP method is not upper-case letters", false;
	if (rn == 0 || rn >= sizeof f->method)
		return *why = "MSRP method is missing or too long", false;
	memcpy(f->method, rest, rn);
	f->method[rn] = '\0';
	return true;
}

/* Whether line[0..n) is this frame's end line; its flag in *flag. */
static bool end_line(const struct msrp_frame *f, const char *line, size_t n, char *flag)
{
	size_t tn = strlen(f->tid);
	if (n != sizeof dashes - 1 + tn + 1 || memcmp(line, dashes, sizeof dashes - 1) ||
	    memcmp(line + sizeof dashes - 1, f->tid, tn))
		return false;
	*flag = line[n - 1];
	return true;
}

static bool flag_ok(char c)
{
	return c == '$' || c == '+' || c == '#';
}

/* The body from body to its end line: COMPLETE (size set from buf), PARTIAL, or INVALID with a bad
 * flag. */
static enum msrp_status body_of(const char *buf, const char *body, const char *end, struct msrp_frame *f,
				const char **why)
{
	char delim[2 + sizeof dashes + MSRP_TID_MAX];
	int dn = snprintf(delim, sizeof delim, "\r\n%s%s", dashes, f->tid);
	const char *at = memmem(body, (size_t)(end - body), delim, (size_t)dn); /* bodies may hold NULs */
	if (!at || at + dn + 3 > end)
		return MSRP_PARTIAL;
	if (!flag_ok(at[dn]) || at[dn + 1] != '\r' || at[dn + 2] != '\n')
		return invalid(why, "MSRP end line has no continuation flag");
	f->body = body;
	f->body_len = (size_t)(at - body);
	f->flag = at[dn];
	f->size = (size_t)(at + dn + 3 - buf);
	return MSRP_COMPLETE;
}

/* The header field line[0..n) (it has a colon): kept when it is one the project reads. */
static void note_field(struct msrp_frame *f, const char *line, size_t n)
{
	const char *colon = memchr(line, ':', n);
	size_t nn = (size_t)(colon - line);
	for (int i = 0; i < MSRP_FIELDS; i++)
		if (!f->field[i].p && strlen(field_names[i]) == nn &&
		    !g_ascii_strncasecmp(line, field_names[i], nn)) {
			const char *v = colon + 1, *e = line + n;
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			f->field[i] = (struct msrp_value){ v, (size_t)(e - v) };
		}
}

enum msrp_status msrp_frame(const char *buf, size_t len, struct msrp_frame *f, const char **why)
{
	*f = (struct msrp_frame){ 0 };
	if (!len) /* an empty buffer may have no storage at all */
		return MSRP_PARTIAL;
	size_t sn = MIN(len, sizeof start - 1);
	if (memcmp(buf, start, sn))
		return invalid(why, "not an MSRP start line");
	const char *end = buf + len, *limit = buf + MIN(len, (size_t)MSRP_HEADERS_MAX);
	const char *eol = find_crlf(buf, limit);
	if (!eol)
		return len >= MSRP_HEADERS_MAX ? invalid(why, "MSRP start line too long") : MSRP_PARTIAL;
	if (!start_line(buf, eol, f, why))
		return MSRP_INVALID;
	for (const char *line = eol + 2;;) {
		const char *next = find_crlf(line, limit);
		if (!next)
			return len >= MSRP_HEADERS_MAX ? invalid(why, "MSRP header fields too long")
						       : MSRP_PARTIAL;
		size_t n = (size_t)(next - line);
		if (end_line(f, line, n, &f->flag)) {
			if (!flag_ok(f->flag))
				return invalid(why, "MSRP end line has no continuation flag");
			f->size = (size_t)(next + 2 - buf);
			return MSRP_COMPLETE;
		}
		if (n == 0)
			return body_of(buf, next + 2, end, f, why);
		if (!memchr(line, ':', n))
			return invalid(why, "MSRP header field without a colon");
		note_field(f, line, n);
		line = next + 2;
	}
}

char *msrp_field_dup(const struct msrp_frame *f, enum msrp_field which)
{
	return f->field[which].p ? g_strndup(f->field[which].p, f->field[which].n) : NULL;
}

struct msrp_value msrp_first_uri(struct msrp_value path)
{
	const char *sp = path.p ? memchr(path.p, ' ', path.n) : NULL;
	return (struct msrp_value){ path.p, sp ? (size_t)(sp - path.p) : path.n };
}

void msrp_append_send(GString *out, const char *tid, const char *to_path, const char *from_path,
		      const char *message_id, const char *byte_range, const char *content_type,
		      const char *body, size_t body_len, char flag)
{
	g_string_append_printf(out, "MSRP %s SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: %s\r\n", tid,
			       to_path, from_path, message_id);
	g_string_append_printf(out, "Byte-Range: %s\r\n", byte_range);
	if (content_type) {
		g_string_append_printf(out, "Content-Type: %s\r\n\r\n", content_type);
		g_string_append_len(out, body, (gssize)body_len);
		g_string_append(out, "\r\n");
	}
	g_string_append_printf(out, "%s%s%c\r\n", dashes, tid, flag);
}

void msrp_append_response(GString *out, const struct msrp_frame *request, unsigned status,
			  const char *comment, const char *from_path)
{
	const struct msrp_value *to = &request->field[MSRP_FROM_PATH];
	g_string_append_printf(out, "MSRP %s %03u%s%s\r\nTo-Path: %.*s\r\nFrom-Path: %s\r\n%s%s$\r\n",
			       request->tid, status, comment ? " " : "", comment ? comment : "", (int)to->n,
			       to->p ? to->p : "", from_path, dashes, request->tid);
}

bool msrp_wants_response(const struct msrp_frame *request, unsigned status)
{
	if (strcmp(request->method, "SEND"))
		return false;
	const struct msrp_value *fr = &request->field[MSRP_FAILURE_REPORT];
	if (!fr->p)
		return true;
	if (fr->n == 7 && !g_ascii_strncasecmp(fr->p, "partial", 7))
		return status >= 300;
	return !(fr->n == 2 && !g_ascii_strncasecmp(fr->p, "no", 2));
}

void msrp_summary(const struct msrp_frame *f, char *out, size_t n)
{
	if (f->status)
		snprintf(out, n, "MSRP %u (%s)", f->status, f->tid);
	else
		snprintf(out, n, "MSRP %s %zu bytes%s (%s)", f->method, f->body_len,
			 f->flag == '$'   ? ""
			 : f->flag == '+' ? ", more follow"
					  : ", aborted",
			 f->tid);
}

void msrp_new_id(char out[17])
{
	static const char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	unsigned char r[16];
	gnutls_rnd(GNUTLS_RND_NONCE, r, sizeof r);
	for (size_t i = 0; i < sizeof r; i++)
		out[i] = alphabet[r[i] % (sizeof alphabet - 1)];
	out[16] = '\0';
}
