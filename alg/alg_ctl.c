/* SPDX-License-Identifier: GPL-3.0-or-later */
/* alg_ctl: ims-alg's control commands (see alg_ctl.h). */
#include "config.h"
#include "alg_ctl.h"

#include <errno.h>
#include <stdlib.h>

#include "call.h"
#include "daemon.h"
#include "log.h"
#include "reg.h"
#include "registrar.h"
#include "sockaddr.h"
#include "sofialog.h"

/* ---- the gateways ---- */

static void gateway(const struct mgc_view *v, void *arg)
{
	char where[SA_TEXT_MAX];
	json_object *o = json_object_new_object();
	json_object_object_add(o, "mid", json_object_new_string(v->mid));
	json_object_object_add(o, "address", json_object_new_string(sa_text(&v->from->addr, where)));
	json_object_object_add(o, "transport", json_object_new_string(v->from->conn ? "tcp" : "udp"));
	json_object_object_add(o, "association",
			       json_object_new_string(v->up        ? "up"
						      : v->probing ? "lost, audited"
								   : "lost"));
	json_object_object_add(o, "version", json_object_new_int64(v->version));
	json_object_object_add(o, "pending", json_object_new_int64(v->pending));
	json_object_object_add(o, "contexts", json_object_new_int64(v->contexts));
	json_object_object_add(o, "silent_ms", json_object_new_uint64(v->silent_ms));
	json_object_array_add(arg, o);
}

static json_object *gateways(const struct alg_ctl_src *s)
{
	json_object *list = json_object_new_array();
	mgc_each(s->mgc, gateway, list);
	return list;
}

/* ---- the registrations ---- */

static void binding(const struct reg_view *v, void *arg)
{
	json_object *o = json_object_new_object();
	char *mechs = reg_mech_names(v->mechs & ~REG_BEHIND_NAT);
	json_object_object_add(o, "aor", json_object_new_string(v->aor));
	json_object_object_add(o, "contact", json_object_new_string(v->contact));
	json_object_object_add(o, "source", json_object_new_string(v->source));
	json_object_object_add(o, "mediasec", json_object_new_string(mechs));
	json_object_object_add(o, "behind_nat", json_object_new_boolean(v->mechs & REG_BEHIND_NAT));
	json_object_object_add(o, "expires", json_object_new_int64(v->expires));
	g_free(mechs);
	json_object_array_add(arg, o);
}

static json_object *registrations(const struct alg_ctl_src *s)
{
	struct proxy_view pv;
	proxy_view(s->proxy, &pv);
	json_object *list = json_object_new_array();
	registrar_each(pv.registrar, binding, list);
	return list;
}

/* ---- the commands ---- */

static json_object *wrap(const char *key, json_object *v)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, key, v);
	return o;
}

static json_object *cmd_status(void *arg, struct ctl_req *req, char **args, unsigned n, char **err)
{
	const struct alg_ctl_src *s = arg;
	struct proxy_view pv;
	proxy_view(s->proxy, &pv);
	json_object *gws = gateways(s), *regs = registrations(s);
	unsigned up = 0;
	for (size_t i = 0; i < json_object_array_length(gws); i++) {
		json_object *assoc = NULL;
		json_object_object_get_ex(json_object_array_get_idx(gws, i), "association", &assoc);
		up += !strcmp(json_object_get_string(assoc), "up");
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "mid", json_object_new_string(s->mid));
	json_object_object_add(o, "draining", json_object_new_boolean(pv.retry_after > 0));
	if (pv.retry_after)
		json_object_object_add(o, "retry_after", json_object_new_int64(pv.retry_after));
	json_object_object_add(o, "calls", json_object_new_int64(calls_count(pv.calls)));
	json_object_object_add(o, "dialogs", json_object_new_int64(pv.dialogs));
	json_object_object_add(o, "registrations",
			       json_object_new_int64((int64_t)json_object_array_length(regs)));
	json_object_object_add(o, "gateways", json_object_new_int64((int64_t)json_object_array_length(gws)));
	json_object_object_add(o, "gateways_up", json_object_new_int64(up));
	json_object_put(gws);
	json_object_put(regs);
	return o;
}

static json_object *cmd_registrations(void *arg, struct ctl_req *req, char **args, unsigned n, char **err)
{
	return wrap("registrations", registrations(arg));
}

static json_object *cmd_calls(void *arg, struct ctl_req *req, char **args, unsigned n, char **err)
{
	const struct alg_ctl_src *s = arg;
	struct proxy_view pv;
	proxy_view(s->proxy, &pv);
	return wrap("calls", calls_describe(pv.calls, NULL));
}

static json_object *cmd_call(void *arg, struct ctl_req *req, char **args, unsigned n, char **err)
{
	const struct alg_ctl_src *s = arg;
	struct proxy_view pv;
	proxy_view(s->proxy, &pv);
	json_object *list = calls_describe(pv.calls, args[0]);
	if (!json_object_array_length(list)) {
		json_object_put(list);
		*err = g_strdup_printf("no call with Call-ID %s", args[0]);
		return NULL;
	}
	return wrap("calls", list);
}

static json_object *cmd_gateways(void *arg, struct ctl_req *req, char **args, unsigned n, char **err)
{
	return wrap("gateways", gateways(arg));
}

static json_object *cmd_drain(void *arg, struct ctl_req *req, char **args, unsigned n, char **err)
{
	const struct alg_ctl_src *s = arg;
	unsigned long retry = 60;
	if (n) {
		char *end;
		errno = 0;
		retry = strtoul(args[0], &end, 10);
		if (!*args[0] || *end || errno || retry < 1 || retry > 86400) {
			*err = g_strdup_printf(
			    "drain: expected the Retry-After seconds, 1 to 86400, found \"%s\"", args[0]);
			return NULL;
		}
	}
	proxy_drain(s->proxy, (unsigned)retry);
	return cmd_status(arg, req, args, 0, err);
}

static json_object *cmd_log_level(void *arg, struct ctl_req *req, char **args, unsigned n, char **err)
{
	json_object *o = ctl_log_level(args, n, err);
	sofialog_route(); /* sofia-sip's logs follow ours */
	return o;
}

static void stop_now(void *arg)
{
	const struct alg_ctl_src *s = arg;
	log_notice("main", NULL, "asked to stop on the control socket, shutting down");
	daemon_stopping();
	g_main_loop_quit(s->main);
}

static json_object *cmd_stop(void *arg, struct ctl_req *req, char **args, unsigned n, char **err)
{
	ctl_then(req, stop_now, arg); /* once the answer is out */
	return wrap("stopping", json_object_new_boolean(true));
}

static const struct ctl_cmd commands[] = {
	{ "status", 0, 0, "", cmd_status,
	  "calls, dialogs, registrations, gateways up, and whether it drains" },
	{ "registrations", 0, 0, "", cmd_registrations, "every current binding and its media security" },
	{ "calls", 0, 0, "", cmd_calls, "the calls: step, gateway, context and media lines" },
	{ "call", 1, 1, "CALL-ID", cmd_call, "the call (both halves of a hairpin) with that Call-ID" },
	{ "gateways", 0, 0, "", cmd_gateways,
	  "the gateway pool: address, association state, requests pending" },
	{ "drain", 0, 1, "[SECONDS]", cmd_drain,
	  "no new calls: initial INVITEs get 503 with Retry-After (60 s); running calls go on" },
	{ "log-level", 0, 1, "[LEVEL]", cmd_log_level,
	  "the log level; sets it: error, warning, notice, info, debug" },
	{ "stop", 0, 0, "", cmd_stop, "stop as on SIGTERM" },
	{ 0 },
};

struct ctl *alg_ctl_start(const char *path, const struct alg_ctl_src *src, char **err)
{
	return *path ? ctl_new(src->loop, path, commands, (void *)src, err) : NULL;
}
