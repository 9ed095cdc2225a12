/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-alg: the IMS application level gateway (P-CSCF media security, H.248 MGC).
 * Start-up: sofia-sip's SIP stack runs inside the GLib main loop (su_glib_root_gsource). */
#include "config.h"

#include <glib-unix.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>

struct alg;
#define SU_ROOT_MAGIC_T struct alg

#include <sofia-sip/su_glib.h>

#include "alg_cfg.h"
#include "alg_ctl.h"
#include "alg_metrics.h"
#include "call.h"
#include "daemon.h"
#include "evloop.h"
#include "log.h"
#include "metrics.h"
#include "mgc.h"
#include "parse.h"
#include "proxy.h"
#include "sofialog.h"
#include "trace.h"

struct alg {
	struct alg_config cfg;
	GMainLoop *main;
	su_root_t *root;
	struct ev_loop *loop; /* the H.248 stack's, served by GLib through ev */
	GSource *ev;
	char *mid; /* the MGC's, as every H.248 message names it */
	struct mgc *mgc;
	struct proxy *proxy;
	struct trace *trace;
	struct alg_ctl_src ctl_src; /* what the control socket reads */
	struct ctl *ctl;            /* NULL: none (ctl.socket "") */
	struct metrics *metrics;    /* NULL: no endpoint (metrics.address "") */
	struct metrics_http *http;
};

static gboolean on_signal(gpointer data)
{
	struct alg *a = data;
	log_notice("main", NULL, "received a termination signal, shutting down");
	daemon_stopping();
	g_main_loop_quit(a->main);
	return G_SOURCE_CONTINUE;
}

/* systemd's watchdog, kept by the main loop itself: a loop that stops turning is restarted. */
static gboolean on_watchdog(gpointer data)
{
	daemon_watchdog();
	return G_SOURCE_CONTINUE;
}

/* The key files, read again on SIGHUP as at start (daemon.h). */
static bool secrets(void *cfg, char **err)
{
	return alg_config_secrets(cfg, err);
}

static gboolean on_hup(gpointer data)
{
	struct alg *a = data;
	daemon_hup(a->trace);
	sofialog_route(); /* the new level */
	return G_SOURCE_CONTINUE;
}

static gboolean on_usr1(gpointer data)
{
	daemon_ignored(SIGUSR1);
	return G_SOURCE_CONTINUE;
}

static gboolean on_usr2(gpointer data)
{
	daemon_ignored(SIGUSR2);
	return G_SOURCE_CONTINUE;
}

static void on_event(void *arg, struct mgc_agw *agw, const char *ctx, const char *term, const char *event,
		     const char *reason)
{
	struct alg *a = arg;
	proxy_gateway_event(a->proxy, agw, ctx, term, event, reason);
}

static void on_lost(void *arg, struct mgc_agw *agw, const char *why)
{
	struct alg *a = arg;
	proxy_gateway_lost(a->proxy, agw, why);
}

static int start(struct alg *a)
{
	const struct alg_config *c = &a->cfg;
	char *err = NULL;
	if (!(a->loop = ev_loop_new())) {
		log_err("main", NULL, "cannot create the event loop: %s", g_strerror(errno));
		return -1;
	}
	a->ev = ev_loop_gsource(a->loop);
	g_source_attach(a->ev, NULL);
	struct mgc_opts mo = { .timeout_ms = (unsigned)c->h248_timeout_ms,
			       .audit_ms = (unsigned)c->h248_audit_ms,
			       .lost_after_ms = (unsigned)c->h248_lost_after_ms,
			       .inactivity_ms = (unsigned)c->h248_inactivity_ms,
			       .trace = a->trace,
			       .gateways = (const char *const *)c->h248_gateways,
			       .max_pending = (unsigned)c->h248_max_pending,
			       .encoding =
				   c->h248_encoding == ALG_ENCODING_BINARY ? H248_ENC_BINARY : H248_ENC_TEXT,
			       .fixed_encoding = c->h248_encoding != ALG_ENCODING_AUTO,
			       .link = { .max_conns = (unsigned)c->h248_max_conns,
					 .max_conns_per_source = (unsigned)c->h248_max_conns_source,
					 .idle_ms = (unsigned)c->h248_idle_ms } };
	sa_from_text(&mo.local, c->h248_address, (uint16_t)c->h248_port);
	static const struct mgc_ops ops = { .event = on_event, .lost = on_lost };
	if (!(mo.mid_text = a->mid =
		  h248_mid_config(c->h248_mid, c->h248_address, c->h248_port, &mo.mid, &err)) ||
	    !(a->mgc = mgc_new(a->loop, &mo, &ops, a, &err)) ||
	    !(a->proxy = proxy_new(a->root, c, a->mgc, a->trace, &err))) {
		log_err("main", NULL, "%s", err);
		g_free(err);
		return -1;
	}
	if (*c->metrics_address) { /* served by a->loop, which GLib's main loop serves (metrics.h) */
		a->metrics = metrics_new();
		alg_metrics_register(a->metrics, a->proxy, a->mgc);
		if (!(a->http = metrics_http_start(a->loop, a->metrics, c->metrics_address, c->metrics_port,
						   &err))) {
			log_err("main", NULL, "%s", err);
			g_free(err);
			return -1;
		}
	}
	a->ctl_src = (struct alg_ctl_src){
		.loop = a->loop, .main = a->main, .proxy = a->proxy, .mgc = a->mgc, .mid = a->mid
	};
	if (!(a->ctl = alg_ctl_start(c->ctl_socket, &a->ctl_src, &err)) && err) {
		log_err("main", NULL, "%s", err);
		g_free(err);
		return -1;
	}
	char where[SA_TEXT_MAX];
	log_notice("main", NULL, "ready: SIP access side %s:%ld, core side %s:%ld; H.248 MGC %s on %s",
		   c->access.address, c->access.port, c->core.address, c->core.port, a->mid,
		   sa_text(mgc_local(a->mgc), where));
	return 0;
}

/* The command line and the configuration read, logging routed, the daemon set up (daemon.h) and the
 * key files read: -1 to go on, else the exit status. */
static int configure(struct alg *a, int argc, char **argv)
{
	int exit_now = cfg_main(&alg_program, argc, argv, &a->cfg);
	if (exit_now < 0 && !metrics_address_ok(alg_program.name, a->cfg.metrics_address)) {
		cfg_free(alg_program.options, &a->cfg);
		exit_now = 2;
	}
	if (exit_now >= 0)
		return exit_now;
	log_init(alg_program.name, (enum log_level)a->cfg.common.log_level);
	log_route_gnutls();
	sofialog_route();
	ev_fd_limit_raise();
	char *bad = NULL;
	if (!daemon_init(&alg_program, argc, argv, &a->cfg, sizeof a->cfg, &a->cfg.common, secrets, &bad)) {
		log_err("main", NULL, "%s", bad);
		g_free(bad);
		cfg_free(alg_program.options, &a->cfg);
		return 1;
	}
	if (!alg_config_secrets(&a->cfg, &bad)) {
		fprintf(stderr, "ims-alg: %s\n", bad);
		g_free(bad);
		cfg_free(alg_program.options, &a->cfg);
		return 2;
	}
	return -1;
}

/* With the SIP stack's root in GLib's main loop and the signals watched, starts and runs until a
 * termination signal: 0, or 1 when it could not start. */
static int run(struct alg *a)
{
	int status = 1;
	char *err = NULL;
	if (*a->cfg.common.trace_file &&
	    !(a->trace = trace_open(a->cfg.common.trace_file, "ims-alg", &err))) {
		log_err("main", NULL, "%s", err);
		g_free(err);
		return status;
	}
	if (!a->root) {
		log_err("main", NULL, "cannot create the SIP stack's event root");
		return status;
	}
	trace_secret(a->trace, a->cfg.wire.text[WIRE_TLS_PSK]); /* the MRFC's key stays out of it */
	GSource *src = su_glib_root_gsource(a->root);
	/* As the event loop's source (ev_loop_gsource): without it GLib takes each of sofia's descriptors out
	 * of its poll set and back at every dispatch, two eventfd writes per descriptor (about 38 system
	 * calls of a call's 68). Nothing here runs sofia's root within its own dispatch (su_root_step). */
	g_source_set_can_recurse(src, TRUE);
	g_source_attach(src, NULL);
	guint sigterm = g_unix_signal_add(SIGTERM, on_signal, a);
	guint sigint = g_unix_signal_add(SIGINT, on_signal, a);
	guint sighup = g_unix_signal_add(SIGHUP, on_hup, a);
	guint sigusr1 = g_unix_signal_add(SIGUSR1, on_usr1, a);
	guint sigusr2 = g_unix_signal_add(SIGUSR2, on_usr2, a);
	if (start(a) == 0) {
		daemon_ready("SIP and H.248 ready");
		guint watchdog =
		    daemon_watchdog_ms() ? g_timeout_add(daemon_watchdog_ms(), on_watchdog, a) : 0;
		g_main_loop_run(a->main);
		if (watchdog)
			g_source_remove(watchdog);
		status = 0;
	}
	g_source_remove(sigterm);
	g_source_remove(sigint);
	g_source_remove(sighup);
	g_source_remove(sigusr1);
	g_source_remove(sigusr2);
	return status;
}

/* Everything start made freed, the H.248 refusals counted first; then the loops and the SIP stack. */
static void stop(struct alg *a)
{
	metrics_http_stop(a->http);
	metrics_free(a->metrics);
	ctl_free(a->ctl);
	proxy_free(a->proxy);
	if (a->mgc) {
		struct mgc_stats st;
		mgc_stats(a->mgc, &st);
		log_notice("main", NULL,
			   "H.248 refused: %" G_GUINT64_FORMAT " from strangers, %" G_GUINT64_FORMAT
			   " claiming a registered gateway from elsewhere; %" G_GUINT64_FORMAT
			   " requests not sent over h248.max_pending",
			   st.strangers, st.takeovers, st.over_pending);
		h248_link_stats_log(&st.link);
	}
	mgc_free(a->mgc);
	g_free(a->mid);
	if (a->ev)
		g_source_destroy(a->ev), g_source_unref(a->ev);
	if (a->loop)
		ev_loop_free(a->loop);
	if (a->root)
		su_root_destroy(a->root);
	g_main_loop_unref(a->main);
	su_deinit();
	sofialog_done();
	trace_close(a->trace);
	cfg_free(alg_program.options, &a->cfg);
}

int main(int argc, char **argv)
{
	struct alg a = { 0 };
	int exit_now = configure(&a, argc, argv);
	if (exit_now >= 0)
		return exit_now;
	signal(SIGPIPE, SIG_IGN);
	su_init();
	a.main = g_main_loop_new(NULL, FALSE);
	a.root = su_glib_root_create(&a);
	int status = run(&a);
	stop(&a);
	if (status == 0)
		log_notice("main", NULL, "stopped");
	daemon_done();
	return status;
}
