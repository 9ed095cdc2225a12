/* SPDX-License-Identifier: GPL-3.0-or-later */
/* codec: the text or binary codec for one message (see codec.h). */
#include "config.h"
#include "codec.h"

#include <errno.h>
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ber.h"
#include "log.h"
#include "token.h"

enum { ASN1_SEQUENCE = 0x30 };

const char *h248_encoding_name(enum h248_encoding e)
{
	return e == H248_ENC_BINARY ? "binary" : "text";
}

enum h248_encoding h248_encoding_of(const char *buf, size_t len)
{
	return len && (uint8_t)buf[0] == ASN1_SEQUENCE ? H248_ENC_BINARY : H248_ENC_TEXT;
}

struct h248_msg *h248_decode(const char *buf, size_t len, const struct h248_limits *limits,
			     struct h248_error *err, enum h248_encoding *enc)
{
	enum h248_encoding e = h248_encoding_of(buf, len);
	if (enc)
		*enc = e;
	if (e == H248_ENC_TEXT)
		return h248_parse(buf, len, limits, err);
	memset(err, 0, sizeof *err);
	return h248_ber_decode((const uint8_t *)buf, len, limits, err);
}

char *h248_encode(const struct h248_msg *m, enum h248_encoding enc, enum h248_style style, size_t *len,
		  struct h248_error *err)
{
	memset(err, 0, sizeof *err);
	if (enc == H248_ENC_BINARY)
		return (char *)h248_ber_encode(m, len, err);
	char *text = h248_print(m, style, len);
	if (!text) {
		err->code = 500;
		snprintf(err->reason, sizeof err->reason, "the message cannot be printed: %s",
			 g_strerror(errno));
	}
	return text;
}

char *h248_encode_to(const struct h248_msg *m, enum h248_encoding enc, enum h248_style style,
		     const struct h248_from *to, size_t *len, struct h248_error *errp)
{
	struct h248_error e, *err = errp ? errp : &e;
	char *out = h248_encode(m, enc, style, len, err);
	if (!out) {
		char where[SA_TEXT_MAX];
		const struct h248_node *t = m->first;
		log_warn("h248", NULL, "%s %.*s to %s: not sent: %s cannot carry it: %d %s",
			 t && h248_tokens[t->tok].pretty ? h248_tokens[t->tok].pretty : "message",
			 t ? (int)t->value.text.n : 0, t ? t->value.text.p : "", sa_text(&to->addr, where),
			 h248_encoding_name(enc), err->code, err->reason);
	}
	return out;
}

enum { MAX_PEERS = 4096 };

struct h248_encodings {
	GHashTable *peers; /* "addr/conn" -> encoding + 1 */
	enum h248_encoding dflt;
	bool fixed;
};

struct h248_encodings *h248_encodings_new(enum h248_encoding dflt, bool fixed)
{
	struct h248_encodings *e = g_new0(struct h248_encodings, 1);
	e->peers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	e->dflt = dflt, e->fixed = fixed;
	return e;
}

void h248_encodings_free(struct h248_encodings *e)
{
	if (e)
		g_hash_table_destroy(e->peers);
	g_free(e);
}

static char *peer_key(const struct h248_from *f)
{
	char where[SA_TEXT_MAX];
	return g_strdup_printf("%s/%u", sa_text(&f->addr, where), f->conn);
}

enum h248_encoding h248_encodings_for(const struct h248_encodings *e, const struct h248_from *to)
{
	if (e->fixed)
		return e->dflt;
	char *key = peer_key(to);
	gpointer v = g_hash_table_lookup(e->peers, key);
	g_free(key);
	return v ? (enum h248_encoding)(GPOINTER_TO_INT(v) - 1) : e->dflt;
}

void h248_encodings_seen(struct h248_encodings *e, const struct h248_from *from, enum h248_encoding enc)
{
	if (e->fixed)
		return;
	char *key = peer_key(from);
	if (g_hash_table_contains(e->peers, key) || g_hash_table_size(e->peers) < MAX_PEERS)
		g_hash_table_replace(e->peers, key, GINT_TO_POINTER((int)enc + 1));
	else
		g_free(key);
}

char *h248_trace_text(const char *buf, size_t len, size_t *text_len)
{
	if (h248_encoding_of(buf, len) != H248_ENC_BINARY)
		return NULL;
	struct h248_error err;
	struct h248_msg *m = h248_ber_decode((const uint8_t *)buf, len, NULL, &err);
	if (!m)
		return NULL;
	size_t n = 0;
	char *text = h248_print(m, H248_PRETTY, &n);
	h248_msg_free(m);
	if (!text)
		return NULL;
	char *copy = g_strndup(text, n);
	free(text);
	*text_len = n;
	return copy;
}
