/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agw_ctl: ims-agw's control commands (see agw_ctl.h). */
#include "config.h"
#include "agw_ctl.h"

#include <errno.h>
#include <glib.h>
#include <stdlib.h>

#include "daemon.h"
#include "legs.h"
#include "log.h"
#include "sockaddr.h"

static json_object *context(const struct agw_ctx *c)
{
	json_object *o = json_object_new_object(), *terms = json_object_new_array();
	json_object_object_add(o, "id", json_object_new_int64(c->id));
	for (unsigned i = 0; i < c->nterms; i++)
		json_object_array_add(terms, legs_describe(c->terms[i]));
	json_object_object_add(o, "terminations", terms);
	return o;
}

static json_object *cmd_status(void *arg, struct ctl_req *req, char **args, unsigned n, char **err)
{
	const struct agw_ctl_src *s = arg;
	unsigned nctx, nterms = 0;
	struct agw_ctx **all = agw_ctx_all(s->store, &nctx);
	for (unsigned i = 0; i < nctx; i++)
		nterms += all[i]->nterms;
	g_free(all);
	char mgc[SA_TEXT_MAX];
	const char *mgc_mid = h248_mg_mgc_mid(s->assoc);
	json_object *o = json_object_new_object(), *m = json_object_new_object();
	json_object_object_add(o, "mid", json_object_new_string(s->mid));
	json_object_object_add(m, "address",
			       json_object_new_string(sa_text(&h248_mg_mgc(s->assoc)->addr, mgc)));
	json_object_object_add(m, "transport", json_object_new_string(s->mgc_tcp ? "tcp" : "udp"));
	json_object_object_add(m, "mid", mgc_mid && *mgc_mid ? json_object_new_string(mgc_mid) : NULL);
	json_object_object_add(
	    m, "association",
	    json_object_new_string(h248_mg_is_registered(s->assoc) ? "registered" : "registering"));
	json_object_object_add(o, "mgc", m);
	json_object_object_add(o, "contexts", json_object_new_int64(nctx));
	json_object_object_add(o, "terminations", json_object_new_int64(nterms));
	return o;
}

static json_object *cmd_contexts(void *arg, struct ctl_req *req, char **args, unsigned n, char **err)
{
	const struct agw_ctl_src *s = arg;
	unsigned nctx;
	struct agw_ctx **all = agw_ctx_all(s->store, &nctx);
	json_object *o = json_object_new_object(), *list = json_object_new_array();
	for (unsigned i = 0; i < nctx; i++)
		json_object_array_add(list, context(all[i]));
	g_free(all);
	json_object_object_add(o, "contexts", list);
	return o;
}

static json_object *cmd_context(void *arg, struct ctl_req *req, char **args, unsigned n, char **err)
{
	const struct agw_ctl_src *s = arg;
	char *end;
	errno = 0;
	unsigned long id = strtoul(args[0], &end, 10);
	struct agw_ctx *c =
	    *args[0] && !*end && !errno && id <= UINT32_MAX ? agw_ctx_find(s->store, (uint32_t)id) : NULL;
	if (!c) {
		*err = g_strdup_printf("no context %s", args[0]);
		return NULL;
	}
	return context(c);
}

static json_object *cmd_log_level(void *arg, struct ctl_req *req, char **args, unsigned n, char **err)
{
	return ctl_log_level(args, n, err);
}

static void stop_now(void *arg)
{
	const struct agw_ctl_src *s = arg;
	log_notice("main", NULL, "asked to stop on the control socket, shutting down");
	daemon_stopping();
	ev_loop_stop(s->loop);
}

static json_object *cmd_stop(void *arg, struct ctl_req *req, char **args, unsigned n, char **err)
{
	ctl_then(req, stop_now, arg); /* once the answer is out */
	json_object *o = json_object_new_object();
	json_object_object_add(o, "stopping", json_object_new_boolean(true));
	return o;
}

static const struct ctl_cmd commands[] = {
	{ "status", 0, 0, "", cmd_status, "the MGC association, contexts and terminations held" },
	{ "contexts", 0, 0, "", cmd_contexts,
	  "each context with its terminations: transport, addresses, TCP and TLS state, peer fingerprint, "
	  "bytes" },
	{ "context", 1, 1, "ID", cmd_context, "one context with its terminations" },
	{ "log-level", 0, 1, "[LEVEL]", cmd_log_level,
	  "the log level; sets it: error, warning, notice, info, debug" },
	{ "stop", 0, 0, "", cmd_stop, "stop as on SIGTERM (ServiceChange Forced to the MGC)" },
	{ 0 },
};

struct ctl *agw_ctl_start(const char *path, const struct agw_ctl_src *src, char **err)
{
	return *path ? ctl_new(src->loop, path, commands, (void *)src, err) : NULL;
}
