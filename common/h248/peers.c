/* SPDX-License-Identifier: GPL-3.0-or-later */
/* peers: allow entries, the canonical mId, and rate-limited refusals (see peers.h). */
#include "config.h"
#include "peers.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "parse.h"

char *h248_mid_key(const struct h248_mid *m)
{
	char *t = g_strndup(m->text.p, m->text.n);
	if (m->kind != H248_MID_DEVICE && m->kind != H248_MID_MTP) {
		char *low = g_ascii_strdown(t, -1);
		g_free(t);
		t = low;
	}
	char port[12] = "";
	if (m->port >= 0 &&
	    (m->kind == H248_MID_IP4 || m->kind == H248_MID_IP6 || m->kind == H248_MID_DOMAIN))
		snprintf(port, sizeof port, ":%d", m->port);
	char *key;
	switch (m->kind) {
	case H248_MID_IP4:
	case H248_MID_IP6:
		key = g_strdup_printf("[%s]%s", t, port);
		break;
	case H248_MID_DOMAIN:
		key = g_strdup_printf("<%s>%s", t, port);
		break;
	case H248_MID_MTP:
		key = g_strdup_printf("MTP{%s}", t);
		break;
	default:
		key = g_strdup(t);
		break;
	}
	g_free(t);
	return key;
}

/* "ADDRESS[/PREFIX][:PORT]" (IPv6 in brackets when a port follows) into e. */
static bool parse_where(const char *s, struct h248_allow *e, char **err)
{
	char *host = NULL;
	const char *rest;
	if (*s == '[') {
		const char *close = strchr(s, ']');
		if (!close) {
			*err = g_strdup_printf("\"%s\": '[' without ']'", s);
			return false;
		}
		host = g_strndup(s + 1, (size_t)(close - s - 1));
		rest = close + 1;
	} else if (strchr(s, ':') && strchr(s, ':') != strrchr(s, ':')) { /* bare IPv6: no port */
		size_t n = strcspn(s, "/");
		host = g_strndup(s, n);
		rest = s + n;
	} else {
		size_t n = strcspn(s, "/:");
		host = g_strndup(s, n);
		rest = s + n;
	}
	bool ok = sa_from_text(&e->net, host, 0);
	g_free(host);
	if (!ok) {
		*err = g_strdup_printf("\"%s\": not an IPv4 or IPv6 address", s);
		return false;
	}
	unsigned max = e->net.sa.sa_family == AF_INET ? 32 : 128;
	e->prefix = max;
	char *end;
	if (*rest == '/') {
		unsigned long p = strtoul(rest + 1, &end, 10);
		if (end == rest + 1 || p > max) {
			*err = g_strdup_printf("\"%s\": the prefix length is not 0 to %u", s, max);
			return false;
		}
		e->prefix = (unsigned)p;
		rest = end;
	}
	if (*rest == ':') {
		unsigned long p = strtoul(rest + 1, &end, 10);
		if (end == rest + 1 || p < 1 || p > 65535) {
			*err = g_strdup_printf("\"%s\": the port is not 1 to 65535", s);
			return false;
		}
		e->port = (uint16_t)p;
		rest = end;
	}
	if (*rest) {
		*err = g_strdup_printf("\"%s\": unexpected \"%s\"", s, rest);
		return false;
	}
	return true;
}

bool h248_allow_parse(const char *text, struct h248_allow *e, char **err)
{
	*e = (struct h248_allow){ 0 };
	const char *at = strrchr(text, '@'); /* a device name may hold '@'; an address never does */
	if (at) {
		struct h248_mid mid;
		if (!h248_mid_parse(text, (size_t)(at - text), &mid)) {
			*err = g_strdup_printf("\"%.*s\" is not an H.248 mId", (int)(at - text), text);
			return false;
		}
		e->mid = h248_mid_key(&mid);
	}
	if (!parse_where(at ? at + 1 : text, e, err)) {
		g_free(e->mid);
		e->mid = NULL;
		return false;
	}
	return true;
}

static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned bytes = bits / 8, rest = bits % 8;
	if (memcmp(a, b, bytes))
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[bytes] & mask) == (b[bytes] & mask);
}

bool h248_allow_match(const struct h248_allow *e, const union sa *from, const char *mid)
{
	if (from->sa.sa_family != e->net.sa.sa_family)
		return false;
	const void *a = from->sa.sa_family == AF_INET ? (const void *)&from->in.sin_addr
						      : (const void *)&from->in6.sin6_addr;
	const void *b = from->sa.sa_family == AF_INET ? (const void *)&e->net.in.sin_addr
						      : (const void *)&e->net.in6.sin6_addr;
	if (!prefix_equal(a, b, e->prefix))
		return false;
	if (e->port && sa_port(from) != e->port)
		return false;
	return !mid || !e->mid || !strcmp(mid, e->mid);
}

bool h248_allow_any(const struct h248_allow *list, unsigned n, const union sa *from, const char *mid)
{
	for (unsigned i = 0; i < n; i++)
		if (h248_allow_match(&list[i], from, mid))
			return true;
	return false;
}

bool h248_from_equal(const struct h248_from *a, const struct h248_from *b)
{
	if (a->conn || b->conn)
		return a->conn == b->conn;
	return sa_equal(&a->addr, &b->addr);
}

void h248_refused(struct log_counter *c, const union sa *from, const char *fmt, ...)
{
	if (c->count && (c->count + 1) % LOG_EVERY) { /* log_counted would not log it: spare the text */
		c->count++;
		return;
	}
	char where[SA_TEXT_MAX];
	va_list ap;
	va_start(ap, fmt);
	char *why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	log_counted(c, NULL, "%s: %s", sa_text(from, where), why);
	g_free(why);
}
