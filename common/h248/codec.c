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

/* A peer's encoding: the table's key and value at once, looked up by the h248_from it starts with. */
struct peer_enc {
	struct h248_from from;
	enum h248_encoding enc;
};

struct h248_encodings {
	GHashTable *peers; /* of struct peer_enc, by address and connection */
	enum h248_encoding dflt;
	bool fixed;
};

static guint from_hash(gconstpointer p)
{
	const struct h248_from *f = p;
	const union sa *a = &f->addr;
	guint h = f->conn * 2654435761u ^ a->sa.sa_family;
	if (a->sa.sa_family == AF_INET)
		return h ^ a->in.sin_addr.s_addr ^ (guint)a->in.sin_port << 16;
	uint32_t w[4];
	memcpy(w, &a->in6.sin6_addr, sizeof w);
	return h ^ w[0] ^ w[1] ^ w[2] ^ w[3] ^ (guint)a->in6.sin6_port << 16;
}

/* Not h248_from_equal, which compares by connection alone when there is one: a hash table's equality
 * must agree with its hash, and the hash takes address and connection both. */
static gboolean from_equal(gconstpointer a, gconstpointer b)
{
	const struct h248_from *x = a, *y = b;
	return x->conn == y->conn && sa_equal(&x->addr, &y->addr);
}

struct h248_encodings *h248_encodings_new(enum h248_encoding dflt, bool fixed)
{
	struct h248_encodings *e = g_new0(struct h248_encodings, 1);
	e->peers = g_hash_table_new_full(from_hash, from_equal, g_free, NULL);
	e->dflt = dflt, e->fixed = fixed;
	return e;
}

void h248_encodings_free(struct h248_encodings *e)
{
	if (e)
		g_hash_table_destroy(e->peers);
	g_free(e);
}

enum h248_encoding h248_encodings_for(const struct h248_encodings *e, const struct h248_from *to)
{
	if (e->fixed)
		return e->dflt;
	const struct peer_enc *p = g_hash_table_lookup(e->peers, to);
	return p ? p->enc : e->dflt;
}

void h248_encodings_seen(struct h248_encodings *e, const struct h248_from *from, enum h248_encoding enc)
{
	if (e->fixed)
		return;
	struct peer_enc *p = g_hash_table_lookup(e->peers, from);
	if (!p && g_hash_table_size(e->peers) < MAX_PEERS) {
		p = g_new(struct peer_enc, 1);
		p->from = *from;
		g_hash_table_add(e->peers, p);
	}
	if (p)
		p->enc = enc;
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
