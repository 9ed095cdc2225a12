/* reg: see reg.h. */
#include "config.h"
#include "reg.h"

#include <glib.h>
#include <string.h>

#include "transport.h"

/* A mechanism's bit is 1 << its row in the transport table (transport.h). */
unsigned reg_mech_bit(const char *name)
{
	unsigned row;
	return tp_media_of_mechanism(name, &row) ? 1u << row : 0;
}

char *reg_mech_header(unsigned mechs)
{
	GString *s = g_string_new(NULL);
	unsigned n;
	const struct tp_media *rows = tp_media_all(&n);
	for (unsigned i = 0; i < n; i++)
		if (rows[i].mechanism && (mechs & (1u << i)))
			g_string_append_printf(s, "%s%s;mediasec", s->len ? ", " : "", rows[i].mechanism);
	return g_string_free(s, s->len == 0);
}

struct binding {
	char *aor, *uri, *key;
	unsigned mechs;
	uint64_t until;
	unsigned refs; /* indexed under aor and key */
};

struct reg {
	GHashTable *by; /* aor or contact key -> struct binding */
};

static void unref(gpointer p)
{
	struct binding *b = p;
	if (--b->refs)
		return;
	g_free(b->aor), g_free(b->uri), g_free(b->key);
	g_free(b);
}

struct reg *reg_new(void)
{
	struct reg *r = g_new0(struct reg, 1);
	r->by = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, unref);
	return r;
}

void reg_free(struct reg *r)
{
	g_hash_table_destroy(r->by);
	g_free(r);
}

void reg_set(struct reg *r, const char *aor, const char *contact_uri, const char *contact_key, unsigned mechs,
	     unsigned expires, uint64_t now)
{
	struct binding *old = g_hash_table_lookup(r->by, contact_key);
	if (old) { /* the contact moves to this binding (or away) */
		if (old->aor && g_hash_table_lookup(r->by, old->aor) == old)
			g_hash_table_remove(r->by, old->aor);
		g_hash_table_remove(r->by, contact_key);
	}
	if (!expires)
		return;
	struct binding *b = g_new0(struct binding, 1);
	*b = (struct binding){ .aor = g_strdup(aor),
			       .uri = g_strdup(contact_uri),
			       .key = g_strdup(contact_key),
			       .mechs = mechs,
			       .until = now + expires,
			       .refs = 2 };
	g_hash_table_replace(r->by, g_strdup(aor), b);
	g_hash_table_replace(r->by, g_strdup(contact_key), b);
}

bool reg_find(struct reg *r, const char *key, uint64_t now, const char **contact_uri, unsigned *mechs)
{
	struct binding *b = g_hash_table_lookup(r->by, key);
	if (!b || b->until <= now)
		return false;
	if (contact_uri)
		*contact_uri = b->uri;
	if (mechs)
		*mechs = b->mechs;
	return true;
}
