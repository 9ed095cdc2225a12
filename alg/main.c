/* ims-alg: the IMS application level gateway (P-CSCF media security, H.248 MGC).
 * Start-up: sofia-sip's SIP stack runs inside the GLib main loop (su_glib_root_gsource). */
#include "config.h"

#include <glib-unix.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>

struct alg;
#define SU_ROOT_MAGIC_T   struct alg
#define NTA_AGENT_MAGIC_T struct alg

#include <sofia-sip/msg.h>
#include <sofia-sip/nta.h>
#include <sofia-sip/nta_stateless.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_glib.h>

#include "alg_cfg.h"
#include "log.h"
#include "trace.h"

struct alg {
	struct alg_config cfg;
	GMainLoop *main;
	su_root_t *root;
	nta_agent_t *agent;
	struct trace *trace;
};

/* Requests the proxy does not handle yet are refused statelessly; OPTIONS answers as a keep-alive. */
static int on_request(struct alg *a, nta_agent_t *agent, msg_t *msg, sip_t *sip)
{
	if (!sip || !sip->sip_request) {
		msg_destroy(msg); /* stray response: no transaction of ours */
		return 0;
	}
	const char *method = sip->sip_request->rq_method_name;
	const char *call = sip->sip_call_id ? sip->sip_call_id->i_id : NULL;
	const struct log_ids ids = { .call = call };
	if (sip->sip_request->rq_method == sip_method_options) {
		log_info("sip", &ids, "OPTIONS: answering 200 OK");
		nta_msg_treply(agent, msg, SIP_200_OK, TAG_END());
	} else {
		log_notice("sip", &ids, "%s: answering 501 Not Implemented", method);
		nta_msg_treply(agent, msg, SIP_501_NOT_IMPLEMENTED, TAG_END());
	}
	return 0;
}

static char *side_url(const struct alg_sip_side *s)
{
	char *host = strchr(s->address, ':') ? g_strdup_printf("[%s]", s->address) : g_strdup(s->address);
	const char *tp = s->transport == ALG_TRANSPORT_UDP   ? ";transport=udp"
			 : s->transport == ALG_TRANSPORT_TCP ? ";transport=tcp"
							     : "";
	char *url = g_strdup_printf("sip:%s:%ld%s", host, s->port, tp);
	g_free(host);
	return url;
}

static gboolean on_signal(gpointer data)
{
	struct alg *a = data;
	log_notice("main", NULL, "received a termination signal, shutting down");
	g_main_loop_quit(a->main);
	return G_SOURCE_CONTINUE;
}

static int start_sip(struct alg *a)
{
	char *access = side_url(&a->cfg.access), *core = side_url(&a->cfg.core);
	int rc = -1;
	a->agent = nta_agent_create(a->root, URL_STRING_MAKE(access), on_request, a, TAG_END());
	if (!a->agent)
		log_err("sip", NULL, "cannot bind the access side %s: %s", access, g_strerror(errno));
	else if (nta_agent_add_tport(a->agent, URL_STRING_MAKE(core), TAG_END()) < 0)
		log_err("sip", NULL, "cannot bind the core side %s: %s", core, g_strerror(errno));
	else {
		log_notice("main", NULL, "ready: SIP access side %s, core side %s", access, core);
		rc = 0;
	}
	g_free(access), g_free(core);
	return rc;
}

int main(int argc, char **argv)
{
	struct alg a = { 0 };
	int exit_now = cfg_main(&alg_program, argc, argv, &a.cfg);
	if (exit_now >= 0)
		return exit_now;
	log_init(alg_program.name, (enum log_level)a.cfg.common.log_level);
	signal(SIGPIPE, SIG_IGN);

	int status = 1;
	char *err = NULL;
	su_init();
	a.main = g_main_loop_new(NULL, FALSE);
	a.root = su_glib_root_create(&a);
	if (*a.cfg.common.trace_file && !(a.trace = trace_open(a.cfg.common.trace_file, "ims-alg", &err))) {
		log_err("main", NULL, "%s", err);
		g_free(err);
	} else if (!a.root) {
		log_err("main", NULL, "cannot create the SIP stack's event root");
	} else {
		GSource *src = su_glib_root_gsource(a.root);
		g_source_attach(src, NULL);
		guint sigterm = g_unix_signal_add(SIGTERM, on_signal, &a);
		guint sigint = g_unix_signal_add(SIGINT, on_signal, &a);
		if (start_sip(&a) == 0) {
			g_main_loop_run(a.main);
			status = 0;
		}
		g_source_remove(sigterm);
		g_source_remove(sigint);
	}
	if (a.agent)
		nta_agent_destroy(a.agent);
	if (a.root)
		su_root_destroy(a.root);
	g_main_loop_unref(a.main);
	su_deinit();
	trace_close(a.trace);
	cfg_free(alg_program.options, &a.cfg);
	if (status == 0)
		log_notice("main", NULL, "stopped");
	return status;
}
