/* SPDX-License-Identifier: GPL-3.0-or-later */
/* store: contexts, terminations and realm ports (see store.h). */
#include "config.h"
#include "store.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct agw_store {
	struct agw_realm *realms;
	unsigned nrealms;
	GHashTable *ctxs;  /* id -> ctx */
	GHashTable *terms; /* id string -> term */
	uint32_t next_ctx, next_term;
	GHashTable *ports; /* "realm:port" taken */
	void (*release)(void *arg, struct agw_term *t);
	void *arg;
};

struct agw_store *agw_store_new(struct agw_realm *realms, unsigned nrealms,
				void (*release)(void *arg, struct agw_term *t), void *arg)
{
	struct agw_store *s = g_new0(struct agw_store, 1);
	s->realms = realms, s->nrealms = nrealms, s->release = release, s->arg = arg;
	s->ctxs = g_hash_table_new(NULL, NULL);
	s->terms = g_hash_table_new(g_str_hash, g_str_equal);
	s->ports = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return s;
}

void agw_store_free(struct agw_store *s)
{
	if (!s)
		return;
	unsigned n;
	struct agw_ctx **all = agw_ctx_all(s, &n);
	for (unsigned i = 0; i < n; i++)
		agw_ctx_free(s, all[i]);
	g_free(all);
	g_hash_table_destroy(s->ctxs);
	g_hash_table_destroy(s->terms);
	g_hash_table_destroy(s->ports);
	g_free(s);
}

struct agw_ctx *agw_ctx_new(struct agw_store *s)
{
	do /* skip ids in use after a wrap (0 and the reserved top values excluded) */
		s->next_ctx = s->next_ctx >= 0xfffffffd ? 1 : s->next_ctx + 1;
	while (g_hash_table_contains(s->ctxs, GUINT_TO_POINTER(s->next_ctx)));
	struct agw_ctx *c = g_new0(struct agw_ctx, 1);
	c->id = s->next_ctx;
	snprintf(c->name, sizeof c->name, "%u", c->id);
	g_hash_table_insert(s->ctxs, GUINT_TO_POINTER(c->id), c);
	return c;
}

struct agw_ctx *agw_ctx_find(struct agw_store *s, uint32_t id)
{
	return g_hash_table_lookup(s->ctxs, GUINT_TO_POINTER(id));
}

void agw_ctx_free(struct agw_store *s, struct agw_ctx *c)
{
	while (c->nterms)
		agw_term_free(s, c->terms[0]);
	g_hash_table_remove(s->ctxs, GUINT_TO_POINTER(c->id));
	g_free(c->terms);
	g_free(c);
}

static void join(struct agw_ctx *c, struct agw_term *t)
{
	if (c->nterms == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 2;
		c->terms = g_renew(struct agw_term *, c->terms, c->cap);
	}
	c->terms[c->nterms++] = t;
	t->ctx = c;
}

static void leave(struct agw_ctx *c, struct agw_term *t)
{
	for (unsigned i = 0; i < c->nterms; i++)
		if (c->terms[i] == t) {
			c->terms[i] = c->terms[--c->nterms];
			return;
		}
}

void agw_term_move(struct agw_term *t, struct agw_ctx *c)
{
	leave(t->ctx, t);
	join(c, t);
}

static gint by_id(gconstpointer a, gconstpointer b)
{
	const struct agw_ctx *x = *(struct agw_ctx *const *)a, *y = *(struct agw_ctx *const *)b;
	return x->id < y->id ? -1 : x->id > y->id;
}

struct agw_ctx **agw_ctx_all(struct agw_store *s, unsigned *n)
{
	GList *values = g_hash_table_get_values(s->ctxs);
	*n = g_list_length(values);
	struct agw_ctx **all = g_new0(struct agw_ctx *, *n + 1);
	unsigned i = 0;
	for (GList *v = values; v; v = v->next)
		all[i++] = v->data;
	g_list_free(values);
	qsort(all, *n, sizeof *all, by_id);
	return all;
}

unsigned agw_ctx_count(struct agw_store *s)
{
	return g_hash_table_size(s->ctxs);
}

unsigned agw_term_count(struct agw_store *s)
{
	return g_hash_table_size(s->terms);
}

struct agw_realm *agw_realm_find(struct agw_store *s, const char *name)
{
	for (unsigned i = 0; i < s->nrealms; i++)
		if (!g_ascii_strcasecmp(s->realms[i].name, name))
			return &s->realms[i];
	return NULL;
}

struct agw_realm *agw_realm_default(struct agw_store *s, bool access)
{
	return &s->realms[access || s->nrealms < 2 ? 0 : 1];
}

struct agw_term *agw_term_new(struct agw_store *s, struct agw_ctx *c, struct agw_realm *realm)
{
	struct agw_term *t = g_new0(struct agw_term, 1);
	do
		snprintf(t->id, sizeof t->id, "%s/%u", realm->prefix, ++s->next_term);
	while (g_hash_table_contains(s->terms, t->id));
	t->realm = realm, t->port_fd = -1, t->dscp = -1, t->rtcp_alloc = -1;
	join(c, t);
	g_hash_table_insert(s->terms, t->id, t);
	return t;
}

struct agw_term *agw_term_find(struct agw_store *s, const char *id)
{
	return g_hash_table_lookup(s->terms, id);
}

static char *port_key(const struct agw_realm *r, unsigned port)
{
	return g_strdup_printf("%s:%u", r->name, port);
}

void agw_term_free(struct agw_store *s, struct agw_term *t)
{
	if (s->release)
		s->release(s->arg, t);
	leave(t->ctx, t);
	if (t->port) {
		char *key = port_key(t->realm, t->port);
		g_hash_table_remove(s->ports, key);
		g_free(key);
	}
	if (t->port_fd >= 0)
		close(t->port_fd);
	g_hash_table_remove(s->terms, t->id);
	g_free(t->local_text);
	g_free(t->remote_text);
	msdp_clear(&t->local), msdp_clear(&t->remote);
	g_free(t->events_rid);
	g_strfreev(t->events);
	g_free(t->psk_identity), g_free(t->psk_key), g_free(t->msrp_path);
	g_free(t);
}

int agw_realm_socket(const struct agw_realm *r, unsigned port, bool dgram)
{
	union sa a = r->addr;
	if (a.sa.sa_family == AF_INET6)
		a.in6.sin6_port = htons((uint16_t)port);
	else
		a.in.sin_port = htons((uint16_t)port);
	int fd = socket(a.sa.sa_family, (dgram ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0),
	    one = 1;
	if (fd < 0)
		return -errno;
	if (!dgram) /* TCP: a port in TIME_WAIT may be reused; UDP: it would let another socket share it */
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, &a.sa, sa_len(&a)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* The port is drawn at random among the realm's, then the next free one from there: a stranger cannot
 * tell the port of the next termination from the last one's (issue 26). */
int agw_term_bind_port(struct agw_store *s, struct agw_term *t, bool dgram)
{
	struct agw_realm *r = t->realm;
	unsigned span = (unsigned)r->high - r->low + 1;
	unsigned start = (unsigned)g_random_int_range(0, (gint32)span);
	for (unsigned tries = 0; tries < span; tries++) {
		unsigned port = r->low + (start + tries) % span;
		char *key = port_key(r, port);
		if (g_hash_table_contains(s->ports, key)) {
			g_free(key);
			continue;
		}
		int fd = agw_realm_socket(r, port, dgram);
		if (fd == -EADDRINUSE) { /* taken by someone else: try the next one */
			g_free(key);
			continue;
		}
		if (fd < 0) {
			g_free(key);
			return fd;
		}
		g_hash_table_insert(s->ports, key, GINT_TO_POINTER(1));
		t->port = port;
		t->port_fd = fd;
		return 0;
	}
	return -EADDRNOTAVAIL;
}
