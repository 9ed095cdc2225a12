/* SPDX-License-Identifier: GPL-3.0-or-later */
/* focus: the MRFC's conference focus (see focus.h). */
#include "config.h"
#include "focus.h"

#include <glib.h>
#include <string.h>

#include "build.h"
#include "log.h"
#include "media.h"

#define W(fc, id) ((fc)->cfg->wire.text[WIRE_##id])

struct conference {
	char *name;
	uint32_t confid;     /* a=confid: the conference's place in mrfc.conferences, from 1 */
	struct mgc_agw *agw; /* the MRFP holding its context, while it has one */
	char *ctx;           /* NULL before the first participant's Add answered */
	bool creating;       /* the first Add is on its way: the next participants wait for its context */
	GQueue waiting;      /* struct participant */
	uint16_t next_user;  /* a=userid of the next participant */
	unsigned members;    /* participants whose Add was answered, and who have not left */
	unsigned joining;    /* Adds on their way: the context is not given up while one may land in it */
};

struct participant {
	struct focus *fc;
	struct conference *conf;
	char *call_id;
	void *owner;
	call_next *next;
	void *next_arg;
	uint32_t tid;
	char *sdp; /* the offer */
	struct media_sdp offer;
	bool carried[MEDIA_MAX_LINES];
	char *terms[MEDIA_MAX_LINES]; /* its terminations' ids, from the Add's Reply */
	unsigned nterms;
	uint16_t user;
};

struct focus {
	struct mgc *mgc;
	const struct alg_config *cfg;
	struct focus_ops ops;
	void *arg;
	GPtrArray *confs;  /* struct conference, in mrfc.conferences order */
	GHashTable *terms; /* termination id -> struct participant */
	unsigned rid;
};

struct focus *focus_new(struct mgc *mgc, const struct alg_config *cfg, const struct focus_ops *ops, void *arg)
{
	struct focus *fc = g_new0(struct focus, 1);
	*fc = (struct focus){ .mgc = mgc, .cfg = cfg, .ops = *ops, .arg = arg };
	fc->confs = g_ptr_array_new();
	for (char **n = cfg->conferences; n && *n; n++) {
		struct conference *c = g_new0(struct conference, 1);
		c->name = g_strdup(*n);
		c->confid = fc->confs->len + 1;
		g_queue_init(&c->waiting);
		g_ptr_array_add(fc->confs, c);
	}
	fc->terms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return fc;
}

void focus_free(struct focus *fc)
{
	if (!fc)
		return;
	for (guint i = 0; i < fc->confs->len; i++) {
		struct conference *c = fc->confs->pdata[i];
		g_queue_clear(&c->waiting);
		g_free(c->ctx), g_free(c->name), g_free(c);
	}
	g_ptr_array_free(fc->confs, TRUE);
	g_hash_table_destroy(fc->terms);
	g_free(fc);
}

static struct conference *conference_of(const struct focus *fc, const char *user)
{
	for (guint i = 0; user && i < fc->confs->len; i++) {
		struct conference *c = fc->confs->pdata[i];
		if (!strcmp(c->name, user))
			return c;
	}
	return NULL;
}

bool focus_serves(const struct focus *fc, const char *user)
{
	return conference_of(fc, user) != NULL;
}

void *focus_owner(const struct participant *p)
{
	return p->owner;
}

const char *focus_call_id(const struct participant *p)
{
	return p->call_id;
}

static void finish(struct participant *p, int status, const char *phrase, char *body)
{
	call_next *next = p->next;
	p->next = NULL, p->tid = 0;
	if (next)
		next(p->next_arg, status, phrase, body);
	else
		g_free(body);
}

/* ---- the H.248 of one participant ---- */

/* The setup the MRFP takes: it starts TCP unless the UE said it would (§6.2.20 step 4). */
static enum msdp_setup mrfp_setup(const struct media_line *l)
{
	return l->setup == MSDP_SETUP_ACTIVE ? MSDP_SETUP_PASSIVE : MSDP_SETUP_ACTIVE;
}

/* d, a descriptor as media_put_desc writes it (" {\nv=0\n…}"), as tok holding its body byte for byte;
 * d is freed. */
static void add_sdp(struct h248_msg *m, struct h248_node *stream, enum h248_tok tok, GString *d)
{
	const char *open = strchr(d->str, '{'), *close = strrchr(d->str, '}');
	h248_add_octets(m, stream, tok, open + 1, (size_t)(close - open - 1));
	g_string_free(d, TRUE);
}

static void put_add(struct participant *p, struct h248_msg *m, struct h248_node *ctx,
		    const struct media_line *l)
{
	struct focus *fc = p->fc;
	bool psk = *fc->cfg->conference_psk && l->tls;
	struct h248_node *add = h248_add_body(m, ctx, H248_TOK_ADD, "$");
	struct h248_node *st =
	    h248_add_body(m, h248_add_body(m, add, H248_TOK_MEDIA, NULL), H248_TOK_STREAM, "1");
	struct h248_node *lc = h248_add_body(m, st, H248_TOK_LOCALCONTROL, NULL);
	h248_add_prop(m, lc, W(fc, REALM), "access");
	if (psk)
		h248_add_quoted(m, lc, W(fc, TLS_PSK), fc->cfg->conference_psk);
	char *server = l->app == TP_APP_MSRP
			   ? g_strdup("a=path:$\n")
			   : g_strdup_printf("a=floorctrl:s-only\na=confid:%u\na=userid:%u\na=floorid:1\n",
					     p->conf->confid, p->user);
	char *path = *l->path ? g_strdup_printf("a=path:%s\n", l->path) : NULL;
	GString *d = g_string_new(NULL);
	media_put_desc(d, "", l, NULL, 0, l->proto, mrfp_setup(l), l->tls && !psk ? "$" : NULL, server);
	add_sdp(m, st, H248_TOK_LOCAL, d);
	media_put_desc(d = g_string_new(NULL), "", l, l->addr, l->port, l->proto, l->setup,
		       l->tls && !psk ? l->fingerprints : NULL, path);
	add_sdp(m, st, H248_TOK_REMOTE, d);
	char rid[12];
	snprintf(rid, sizeof rid, "%u", ++fc->rid);
	struct h248_node *ev = h248_add_body(m, add, H248_TOK_EVENTS, rid);
	h248_add_item(m, ev, W(fc, TCP_FAIL));
	if (l->tls)
		h248_add_item(m, ev, W(fc, TLS_FAIL));
	/* the MRFP connects, and is told it is the TLS client (it starts TLS on the signal only) */
	if (l->tls && mrfp_setup(l) == MSDP_SETUP_ACTIVE)
		h248_add_item(m, h248_add_body(m, add, H248_TOK_SIGNALS, NULL), W(fc, TLS_EST));
	g_free(server), g_free(path);
}

/* The m= line i of the offer as written, with port 0: refused (RFC 3264 §6). */
static void put_refused(GString *out, const char *sdp, unsigned i)
{
	const char *m = sdp;
	for (unsigned k = 0; m && (m = strstr(m, "m=")); m += 2)
		if ((m == sdp || m[-1] == '\n') && k++ == i)
			break;
	if (!m)
		return;
	size_t n = strcspn(m, "\r\n");
	char *line = g_strndup(m, n);
	gchar **f = g_strsplit(line, " ", 3);
	if (f[0] && f[1] && f[2])
		g_string_append_printf(out, "%s 0 %s\r\n", f[0], f[2]);
	g_strfreev(f);
	g_free(line);
}

/* The MRFP's Local (NULL: none) from its m= line on, in CRLF lines; its c= address into addr. */
static void put_local(GString *out, const struct h248_node *local, char addr[64])
{
	struct h248_str sdp = local ? h248_sdp(local) : (struct h248_str){ "", 0 };
	char *text = g_strndup(sdp.p, sdp.n);
	gchar **lines = g_strsplit(text, "\n", -1);
	g_free(text);
	bool media = false;
	for (gchar **l = lines; *l; l++) {
		g_strchomp(*l);
		if (g_str_has_prefix(*l, "c=IN "))
			g_strlcpy(addr, *l + 9, 64);
		else if (g_str_has_prefix(*l, "m="))
			media = true;
		if (media && **l && !g_str_has_prefix(*l, "c="))
			g_string_append_printf(out, "%s\r\n", *l);
	}
	g_strfreev(lines);
}

static char *answer_of(struct participant *p, const struct mgc_result *r)
{
	GString *media = g_string_new(NULL);
	char addr[64] = "";
	for (unsigned i = 0, k = 0; i < p->offer.n; i++) {
		if (p->carried[i] && k < r->n)
			put_local(media, r->cmd[k++].local, addr);
		else
			put_refused(media, p->sdp, i);
	}
	const char *ip = strchr(addr, ':') ? "IP6" : "IP4";
	char *body = g_strdup_printf("v=0\r\no=- %u 1 IN %s %s\r\ns=%s\r\nc=IN %s %s\r\nt=0 0\r\n%s", p->user,
				     ip, addr, p->conf->name, ip, addr, media->str);
	g_string_free(media, TRUE);
	return body;
}

static void send_adds(struct participant *p);

/* The conference's context, when no member is left and no Add is on its way to it: the gateway drops
 * one emptied by a Subtract; the next participant's Add makes a new one. The caller frees what this
 * returns (a log line may still name it), or NULL when the context stays. */
static char *give_up(struct conference *c)
{
	if (c->members || c->joining)
		return NULL;
	char *gone = c->ctx;
	c->ctx = NULL, c->agw = NULL;
	return gone;
}

/* The next participants waiting for the context go on. */
static void release_waiting(struct conference *c)
{
	struct participant *w;
	while (!c->creating && (w = g_queue_pop_head(&c->waiting)))
		send_adds(w);
}

/* A copy of s, allocated to size ("" for an empty one). */
static char *dup_str(struct h248_str s)
{
	return g_strndup(s.n ? s.p : "", s.n);
}

static void on_added(void *arg, const struct mgc_result *r)
{
	struct participant *p = arg;
	struct conference *c = p->conf;
	const struct log_ids ids = { .call = p->call_id, .ctx = c->ctx };
	p->tid = 0;
	bool first = c->creating;
	c->creating = false;
	c->joining--;
	if (r->timeout || r->error) {
		log_warn("focus", &ids, "joining %s: %s%u %s", c->name, r->timeout ? "" : "error ", r->error,
			 r->reason);
		if (first)
			c->agw = NULL;
		else /* the last may have left while this Add was on its way */
			g_free(give_up(c));
		release_waiting(c);
		finish(p, r->timeout ? 500 : 488,
		       r->timeout ? "Media Gateway Not Reachable"
				  : "Not Acceptable Here (media gateway refused)",
		       NULL);
		return;
	}
	if (!c->ctx) /* the first Add made it; the others went to it */
		c->ctx = dup_str(r->ctx);
	c->members++;
	for (unsigned i = 0; i < r->n && p->nterms < MEDIA_MAX_LINES; i++) {
		p->terms[p->nterms] = dup_str(r->cmd[i].term);
		g_hash_table_insert(p->fc->terms, g_strdup(p->terms[p->nterms]), p);
		p->nterms++;
	}
	log_info("focus", &ids, "joined %s as user %u: %u participants", c->name, p->user, c->members);
	release_waiting(c);
	finish(p, 0, NULL, answer_of(p, r));
}

static void send_adds(struct participant *p)
{
	struct conference *c = p->conf;
	if (!c->ctx && c->creating) {
		g_queue_push_tail(&c->waiting, p);
		return;
	}
	if (!c->ctx && !(c->agw = mgc_pick(p->fc->mgc))) {
		finish(p, 500, "Media Gateway Not Reachable", NULL);
		return;
	}
	c->creating = !c->ctx;
	p->user = ++c->next_user ? c->next_user : ++c->next_user;
	struct h248_msg *s = mgc_actions_new();
	struct h248_node *ctx = h248_add_action(s, c->ctx ? c->ctx : "$");
	for (unsigned i = 0; i < p->offer.n; i++)
		if (p->carried[i])
			put_add(p, s, ctx, &p->offer.lines[i]);
	if (!mgc_send(p->fc->mgc, c->agw, s, on_added, p, &p->tid)) {
		c->creating = false;
		release_waiting(c);
		finish(p, 500, "Media Gateway Not Reachable", NULL);
		return;
	}
	c->joining++;
}

struct participant *focus_join(struct focus *fc, const char *conference, const char *call_id, void *owner)
{
	struct participant *p = g_new0(struct participant, 1);
	*p = (struct participant){
		.fc = fc, .conf = conference_of(fc, conference), .call_id = g_strdup(call_id), .owner = owner
	};
	return p;
}

void focus_offer(struct participant *p, const char *sdp, size_t len, call_next *next, void *arg)
{
	p->next = next, p->next_arg = arg;
	p->sdp = g_strndup(sdp ? sdp : "", len);
	const struct log_ids ids = { .call = p->call_id };
	char *err = NULL;
	if (!sdp || !len || !media_read(sdp, len, &p->offer, &err)) {
		log_notice("focus", &ids, "dial-in to %s refused: %s", p->conf->name,
			   err ? err : "no SDP offer");
		g_free(err);
		finish(p, 488, "Not Acceptable Here (no SDP offer)", NULL);
		return;
	}
	bool any = false;
	for (unsigned i = 0; i < p->offer.n; i++) {
		const struct media_line *l = &p->offer.lines[i];
		p->carried[i] = (l->app == TP_APP_MSRP || l->app == TP_APP_BFCP) && l->port && *l->addr;
		any = any || p->carried[i];
	}
	if (!any) {
		log_notice("focus", &ids, "dial-in to %s refused: no MSRP or BFCP line", p->conf->name);
		finish(p, 488, "Not Acceptable Here (the conference carries MSRP and BFCP)", NULL);
		return;
	}
	send_adds(p);
}

static void on_subtracted(void *arg, const struct mgc_result *r)
{
	(void)arg, (void)r; /* the gateway frees what it can; nothing is kept here either way */
}

void focus_leave(struct participant *p, const char *why)
{
	if (!p)
		return;
	struct conference *c = p->conf;
	const struct log_ids ids = { .call = p->call_id, .ctx = c ? c->ctx : NULL };
	if (p->tid && c) { /* its Add goes unanswered here: the others must not wait for it */
		mgc_cancel(p->fc->mgc, p->tid);
		c->joining--;
		if (!c->ctx)
			c->creating = false, c->agw = NULL;
		else
			g_free(give_up(c));
		release_waiting(c);
	}
	if (c)
		g_queue_remove(&c->waiting, p);
	char *gone = NULL; /* the emptied context's id, named in the log line */
	if (p->nterms && c->agw) {
		struct h248_msg *s = mgc_actions_new();
		struct h248_node *ctx = h248_add_action(s, c->ctx);
		for (unsigned i = 0; i < p->nterms; i++) {
			h248_add_token(s, ctx, H248_TOK_SUBTRACT, p->terms[i]);
			g_hash_table_remove(p->fc->terms, p->terms[i]);
		}
		mgc_send(p->fc->mgc, c->agw, s, on_subtracted, NULL, NULL);
		c->members--;
		gone = give_up(c);
		log_info("focus", &ids, "user %u left %s (%s): %u participants", p->user, c->name, why,
			 c->members);
	}
	g_free(gone);
	for (unsigned i = 0; i < p->nterms; i++)
		g_free(p->terms[i]);
	g_free(p->call_id), g_free(p->sdp);
	g_free(p);
}

void focus_gateway_event(struct focus *fc, struct mgc_agw *agw, const char *ctx, const char *term,
			 const char *event, const char *reason)
{
	(void)agw, (void)ctx;
	struct participant *p = fc ? g_hash_table_lookup(fc->terms, term) : NULL;
	if (!p || (strcmp(event, W(fc, TLS_FAIL)) && strcmp(event, W(fc, TCP_FAIL))))
		return;
	char *why = g_strdup_printf("%s on %s%s%s", event, term, reason ? ": " : "", reason ? reason : "");
	fc->ops.failed(fc->arg, p, why);
	g_free(why);
}

void focus_gateway_lost(struct focus *fc, struct mgc_agw *agw, const char *why)
{
	if (!fc)
		return;
	GList *all = g_hash_table_get_values(fc->terms), *gone = NULL;
	for (GList *l = all; l; l = l->next) {
		struct participant *p = l->data;
		if (p->conf->agw == agw && !g_list_find(gone, p))
			gone = g_list_prepend(gone, p);
	}
	for (GList *l = gone; l; l = l->next)
		fc->ops.failed(fc->arg, l->data, why);
	g_list_free(all), g_list_free(gone);
}
