/* SPDX-License-Identifier: GPL-3.0-or-later */
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

/* The names of mechs' mechanisms, each followed by suffix, separated by ", "; NULL for none. */
static char *mech_list(unsigned mechs, const char *suffix)
{
	GString *s = g_string_new(NULL);
	unsigned n;
	const struct tp_media *rows = tp_media_all(&n);
	for (unsigned i = 0; i < n; i++)
		if (rows[i].mechanism && (mechs & (1u << i)))
			g_string_append_printf(s, "%s%s%s", s->len ? ", " : "", rows[i].mechanism, suffix);
	return g_string_free(s, s->len == 0);
}

char *reg_mech_header(unsigned mechs)
{
	return mech_list(mechs, ";mediasec");
}

char *reg_mech_names(unsigned mechs)
{
	char *names = mech_list(mechs, "");
	return names ? names : g_strdup("none");
}

struct aor;

struct binding {
	struct aor *aor;
	char *contact, *uri, *key;
	char *source, *source_port; /* the address and port the REGISTER came from */
	char *route, *identities;
	unsigned mechs;
	uint64_t until;
};

struct aor {
	char *name;
	GQueue bindings; /* struct binding *, oldest first */
};

struct reg {
	GHashTable *aors;     /* name -> struct aor, kept without bindings once registered */
	GHashTable *contacts; /* contact key -> struct binding (its AOR's) */
	GHashTable *sources;  /* source address -> GSList of struct binding */
};

static void binding_free(struct binding *b)
{
	g_free(b->contact), g_free(b->uri), g_free(b->key), g_free(b->source), g_free(b->source_port);
	g_free(b->route), g_free(b->identities);
	g_free(b);
}

static void aor_free(gpointer p)
{
	struct aor *a = p;
	struct binding *b;
	while ((b = g_queue_pop_head(&a->bindings))) {
		binding_free(b);
	}
	g_free(a->name);
	g_free(a);
}

struct reg *reg_new(void)
{
	struct reg *r = g_new0(struct reg, 1);
	r->aors = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, aor_free);
	r->contacts = g_hash_table_new(g_str_hash, g_str_equal);
	r->sources = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return r;
}

void reg_free(struct reg *r)
{
	GHashTableIter it;
	gpointer list;
	g_hash_table_iter_init(&it, r->sources);
	while (g_hash_table_iter_next(&it, NULL, &list))
		g_slist_free(list);
	g_hash_table_destroy(r->sources);
	g_hash_table_destroy(r->contacts);
	g_hash_table_destroy(r->aors);
	g_free(r);
}

static void unbind(struct reg *r, struct binding *b)
{
	g_hash_table_remove(r->contacts, b->key);
	g_queue_remove(&b->aor->bindings, b);
	GSList *from = g_slist_remove(g_hash_table_lookup(r->sources, b->source), b);
	if (from)
		g_hash_table_insert(r->sources, g_strdup(b->source), from);
	else
		g_hash_table_remove(r->sources, b->source);
	binding_free(b);
}

/* The bindings of a that have expired go. */
static void expire(struct reg *r, struct aor *a, uint64_t now)
{
	for (GList *l = a->bindings.head, *next; l; l = next) {
		next = l->next;
		struct binding *b = l->data;
		if (b->until <= now)
			unbind(r, b);
	}
}

void reg_set(struct reg *r, const struct reg_entry *e, uint64_t now)
{
	struct binding *old = g_hash_table_lookup(r->contacts, e->key);
	if (old) /* the contact is bound anew (or moves to this AOR, or goes) */
		unbind(r, old);
	struct aor *a = g_hash_table_lookup(r->aors, e->aor);
	if (!a) {
		a = g_new0(struct aor, 1);
		a->name = g_strdup(e->aor);
		g_queue_init(&a->bindings);
		g_hash_table_insert(r->aors, a->name, a);
	}
	expire(r, a, now);
	if (!e->expires)
		return;
	struct binding *b = g_new0(struct binding, 1);
	*b = (struct binding){ .aor = a,
			       .contact = g_strdup(e->contact),
			       .uri = g_strdup(e->uri),
			       .key = g_strdup(e->key),
			       .source = g_strdup(e->source ? e->source : ""),
			       .source_port = g_strdup(e->source_port ? e->source_port : ""),
			       .route = g_strdup(e->route),
			       .identities = g_strdup(e->identities),
			       .mechs = e->mechs,
			       .until = now + e->expires };
	g_queue_push_tail(&a->bindings, b);
	g_hash_table_insert(r->contacts, b->key, b);
	g_hash_table_insert(r->sources, g_strdup(b->source),
			    g_slist_prepend(g_hash_table_lookup(r->sources, b->source), b));
}

void reg_clear(struct reg *r, const char *aor)
{
	struct aor *a = g_hash_table_lookup(r->aors, aor);
	while (a && a->bindings.head)
		unbind(r, a->bindings.head->data);
}

/* The newest current binding of aor, NULL when none. */
static struct binding *newest(struct reg *r, const char *aor, uint64_t now)
{
	struct aor *a = g_hash_table_lookup(r->aors, aor);
	for (GList *l = a ? a->bindings.tail : NULL; l; l = l->prev) {
		struct binding *b = l->data;
		if (b->until > now)
			return b;
	}
	return NULL;
}

bool reg_find(struct reg *r, const char *key, uint64_t now, const char **uri, unsigned *mechs)
{
	struct binding *b = g_hash_table_lookup(r->contacts, key);
	if (!b || b->until <= now)
		b = newest(r, key, now);
	if (!b)
		return false;
	if (uri)
		*uri = b->uri;
	if (mechs)
		*mechs = b->mechs;
	return true;
}

bool reg_served(struct reg *r, const char *source, const char *port, uint64_t now, const char **route,
		const char **identities)
{
	*route = *identities = NULL;
	for (GSList *l = g_hash_table_lookup(r->sources, source); l; l = l->next) {
		const struct binding *b = l->data;
		if (b->until > now && !strcmp(b->source_port, port ? port : "")) {
			*route = b->route, *identities = b->identities;
			return true;
		}
	}
	return false;
}

enum reg_state reg_state_of(struct reg *r, const char *aor, uint64_t now)
{
	return newest(r, aor, now)                   ? REG_BOUND
	       : g_hash_table_contains(r->aors, aor) ? REG_UNBOUND
						     : REG_UNKNOWN;
}

void reg_each(struct reg *r, const char *aor, uint64_t now,
	      void (*fn)(const char *contact, unsigned expires, void *arg), void *arg)
{
	struct aor *a = g_hash_table_lookup(r->aors, aor);
	for (GList *l = a ? a->bindings.head : NULL; l; l = l->next) {
		struct binding *b = l->data;
		if (b->until > now)
			fn(b->contact, (unsigned)(b->until - now), arg);
	}
}

void reg_all(struct reg *r, uint64_t now, void (*fn)(const struct reg_view *v, void *arg), void *arg)
{
	GList *names = g_list_sort(g_hash_table_get_keys(r->aors), (GCompareFunc)strcmp);
	for (GList *n = names; n; n = n->next) {
		struct aor *a = g_hash_table_lookup(r->aors, n->data);
		for (GList *l = a->bindings.head; l; l = l->next) {
			struct binding *b = l->data;
			if (b->until > now)
				fn(&(struct reg_view){ .aor = a->name,
						       .contact = b->contact,
						       .source = b->source,
						       .mechs = b->mechs,
						       .expires = (unsigned)(b->until - now) },
				   arg);
		}
	}
	g_list_free(names);
}

bool reg_from(struct reg *r, const char *source, uint64_t now)
{
	for (GSList *l = g_hash_table_lookup(r->sources, source); l; l = l->next)
		if (((struct binding *)l->data)->until > now)
			return true;
	return false;
}

unsigned reg_bound(struct reg *r, uint64_t now)
{
	unsigned n = 0;
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, r->contacts);
	while (g_hash_table_iter_next(&it, NULL, &v))
		n += ((struct binding *)v)->until > now;
	return n;
}
