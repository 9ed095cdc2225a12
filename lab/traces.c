/* SPDX-License-Identifier: GPL-3.0-or-later */
/* traces: see traces.h. */
#include "config.h"
#include "traces.h"

#include <stdlib.h>
#include <string.h>

#include <sofia-sip/sip.h>

#include "msdp.h"
#include "parse.h"

enum { MAX_COLUMNS = 16 };

struct traces {
	struct evlog *log;
	GPtrArray *names;    /* owned strings: the columns' keys and titles */
	GHashTable *side;    /* peer column key → GINT_TO_POINTER(1) when on the access side */
	GHashTable *by_term; /* "ctx term" → column key */
	struct ladder_column cols[MAX_COLUMNS];
	unsigned ncols;
};

static const char *keep(struct traces *t, const char *s)
{
	for (guint i = 0; i < t->names->len; i++)
		if (!strcmp(t->names->pdata[i], s))
			return t->names->pdata[i];
	g_ptr_array_add(t->names, g_strdup(s));
	return t->names->pdata[t->names->len - 1];
}

static long port_of(const char *addr)
{
	const char *colon = addr ? strrchr(addr, ':') : NULL;
	return colon ? strtol(colon + 1, NULL, 10) : 0;
}

/* addr's port belongs to column (a kept string) unless it has one already. */
static void own(struct traces *t, const char *addr, const char *column)
{
	long port = port_of(addr);
	if (port > 0 && port < 65536 && !evlog_column(t->log, addr))
		evlog_own(t->log, (uint16_t)port, (uint16_t)port, column);
}

/* Each Local descriptor's port, anywhere under n: the gateway's. */
static void own_locals(struct traces *t, const struct h248_node *n)
{
	for (const struct h248_node *k = n ? n->first : NULL; k; k = k->next) {
		struct msdp s = { 0 };
		char *err = NULL;
		struct h248_str sdp = h248_sdp(k);
		if (k->tok == H248_TOK_LOCAL && msdp_parse(sdp.p, sdp.n, &s, &err) && !s.port_choose &&
		    s.port) {
			char *addr = g_strdup_printf("%s:%u", s.addr, s.port);
			own(t, addr, "agw");
			g_free(addr);
		}
		msdp_clear(&s);
		g_free(err);
		own_locals(t, k);
	}
}

/* The daemons' own ends: ims-alg's SIP and H.248, the gateway's H.248 and Local ports. */
static void own_daemons(struct traces *t, GPtrArray *ev)
{
	for (guint i = 0; i < ev->len; i++) {
		struct lab_event *e = ev->pdata[i];
		bool alg = !strcmp(e->component, "ims-alg"), agw = !strcmp(e->component, "ims-agw");
		bool tx = e->k == TRACE_H248_TX || e->k == TRACE_SIP_TX;
		bool h248 = e->k == TRACE_H248_TX || e->k == TRACE_H248_RX;
		if ((alg || agw) && (h248 || (alg && (e->k == TRACE_SIP_TX || e->k == TRACE_SIP_RX)))) {
			own(t, tx ? e->from : e->to, alg ? "alg" : "agw");
			if (h248)
				own(t, tx ? e->to : e->from, alg ? "agw" : "alg");
		}
		if (h248) {
			const struct h248_msg *m = evlog_h248(e);
			for (const struct h248_node *n = m ? m->first : NULL; n; n = n->next)
				own_locals(t, n);
		}
	}
}

/* ims-alg's SIP peers: one column each (a lab party's name when its SDP offers a port its trace owns),
 * with the media ports their SDP gives; the side of the alg's port they talk to. */
static void own_peers(struct traces *t, GPtrArray *ev)
{
	const char *access = NULL; /* ims-alg's access port: where REGISTERs (else the first INVITE) came */
	for (int pass = 0; pass < 2 && !access; pass++)
		for (guint i = 0; i < ev->len && !access; i++) {
			struct lab_event *e = ev->pdata[i];
			const sip_t *sip = e->k == TRACE_SIP_RX && !strcmp(e->component, "ims-alg")
					       ? evlog_sip(e)
					       : NULL;
			if (sip && sip->sip_request &&
			    !strcmp(sip->sip_request->rq_method_name, pass ? "INVITE" : "REGISTER"))
				access = e->to;
		}
	for (guint i = 0; i < 2 * ev->len; i++) { /* first the lab parties, named by their SDP */
		struct lab_event *e = ev->pdata[i % ev->len];
		if (strcmp(e->component, "ims-alg") || (e->k != TRACE_SIP_RX && e->k != TRACE_SIP_TX))
			continue;
		bool rx = e->k == TRACE_SIP_RX;
		const char *peer = rx ? e->from : e->to, *mine = rx ? e->to : e->from;
		const struct msdp *sdp = rx ? evlog_sdp(e) : NULL;
		char *media = sdp && sdp->port ? g_strdup_printf("%s:%u", sdp->addr, sdp->port) : NULL;
		const char *col = evlog_column(t->log, peer);
		if (!col && media && evlog_column(t->log, media) &&
		    strcmp(evlog_column(t->log, media), "agw"))
			col = evlog_column(t->log, media); /* a lab party: its media port named it */
		if (!col && i < ev->len) {
			g_free(media);
			continue;
		}
		if (!col)
			col = keep(t, peer ? peer : "?");
		own(t, peer, col);
		if (media)
			own(t, media, col);
		if (access && mine && port_of(mine) == port_of(access))
			g_hash_table_insert(t->side, (gpointer)col, GINT_TO_POINTER(1));
		g_free(media);
	}
}

/* A lab party's trace: the end that is not the gateway's is the party's. */
static void own_parties(struct traces *t, GPtrArray *ev)
{
	for (guint i = 0; i < ev->len; i++) {
		struct lab_event *e = ev->pdata[i];
		if (!strcmp(e->component, "ims-alg") || !strcmp(e->component, "ims-agw"))
			continue;
		const char *from = evlog_column(t->log, e->from), *to = evlog_column(t->log, e->to);
		if (from && !strcmp(from, "agw"))
			own(t, e->to, keep(t, e->component));
		else if (to && !strcmp(to, "agw"))
			own(t, e->from, keep(t, e->component));
	}
}

/* The gateway's connections from ports no SDP gave (a UE's connect): the column of its termination. */
static void own_by_term(struct traces *t, GPtrArray *ev)
{
	for (int pass = 0; pass < 2; pass++)
		for (guint i = 0; i < ev->len; i++) {
			struct lab_event *e = ev->pdata[i];
			if (strcmp(e->component, "ims-agw") || !e->term || g_str_has_prefix(e->kind, "h248."))
				continue;
			char *key = g_strdup_printf("%s %s", e->ctx ? e->ctx : "", e->term);
			const char *from = evlog_column(t->log, e->from), *to = evlog_column(t->log, e->to);
			const char *peer = from && strcmp(from, "agw") ? from
					   : to && strcmp(to, "agw")   ? to
								       : NULL;
			if (pass == 0 && peer && !g_hash_table_contains(t->by_term, key))
				g_hash_table_insert(t->by_term, g_strdup(key), (gpointer)peer);
			const char *col = g_hash_table_lookup(t->by_term, key);
			if (pass == 1 && col)
				own(t, from ? e->to : e->from, col);
			g_free(key);
		}
}

/* The one peer on the other side from column, or NULL. */
static const char *opposite(const struct traces *t, const char *column)
{
	const char *found = NULL;
	bool access = g_hash_table_contains(t->side, column);
	for (guint i = 0; i < t->names->len; i++) {
		const char *k = t->names->pdata[i];
		if (g_hash_table_contains(t->side, k) != access) {
			if (found)
				return NULL;
			found = k;
		}
	}
	return found;
}

/* A termination no end of which an SDP gave (the core connecting from a port of its own): the peer
 * opposite the one of the other termination of its context, when there is one such peer. */
static void own_by_context(struct traces *t, GPtrArray *ev)
{
	for (guint i = 0; i < ev->len; i++) {
		struct lab_event *e = ev->pdata[i];
		if (strcmp(e->component, "ims-agw") || !e->term || !e->ctx ||
		    g_str_has_prefix(e->kind, "h248.") ||
		    (evlog_column(t->log, e->from) && evlog_column(t->log, e->to)))
			continue;
		GHashTableIter it;
		gpointer key, col;
		g_hash_table_iter_init(&it, t->by_term);
		const char *peer = NULL, *prefix = e->ctx;
		while (!peer && g_hash_table_iter_next(&it, &key, &col))
			if (g_str_has_prefix(key, prefix) && ((char *)key)[strlen(prefix)] == ' ' &&
			    strcmp((char *)key + strlen(prefix) + 1, e->term))
				peer = opposite(t, col);
		if (peer)
			own(t, evlog_column(t->log, e->from) ? e->to : e->from, peer);
	}
}

/* The access side's peers, ims-alg, ims-agw, the others. */
static void order(struct traces *t)
{
	for (int pass = 0; pass < 3; pass++) {
		if (pass == 1) {
			t->cols[t->ncols++] = (struct ladder_column){ "alg", "ims-alg" };
			t->cols[t->ncols++] = (struct ladder_column){ "agw", "ims-agw" };
			continue;
		}
		for (guint i = 0; i < t->names->len && t->ncols < MAX_COLUMNS; i++) {
			const char *k = t->names->pdata[i];
			if (g_hash_table_contains(t->side, k) == (pass == 0))
				t->cols[t->ncols++] = (struct ladder_column){ k, k };
		}
	}
}

struct traces *traces_open(char **files, char **err)
{
	for (char **f = files; f && *f; f++)
		if (!g_file_test(*f, G_FILE_TEST_IS_REGULAR)) {
			*err = g_strdup_printf("%s: no such trace file", *f);
			return NULL;
		}
	struct traces *t = g_new0(struct traces, 1);
	t->log = evlog_new();
	t->names = g_ptr_array_new_with_free_func(g_free);
	t->side = g_hash_table_new(g_str_hash, g_str_equal);
	t->by_term = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (char **f = files; f && *f; f++)
		evlog_add_file(t->log, *f);
	evlog_read(t->log);
	GPtrArray *ev = evlog_events(t->log);
	own_daemons(t, ev);
	own_parties(t, ev);
	own_peers(t, ev);
	own_by_term(t, ev);
	own_by_context(t, ev);
	evlog_read(t->log); /* the ends resolved again, with the ports found */
	order(t);
	return t;
}

struct evlog *traces_log(const struct traces *t)
{
	return t->log;
}

const struct ladder_column *traces_columns(const struct traces *t, unsigned *n)
{
	*n = t->ncols;
	return t->cols;
}

void traces_free(struct traces *t)
{
	if (!t)
		return;
	evlog_free(t->log);
	g_hash_table_destroy(t->side), g_hash_table_destroy(t->by_term);
	g_ptr_array_free(t->names, TRUE);
	g_free(t);
}
