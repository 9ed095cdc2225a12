/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-agw: the IMS access gateway (H.248 MG). Start-up, the event loop, the control association with
 * the MGC, and clean shutdown. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "agw_cfg.h"
#include "agw_ctl.h"
#include "agw_metrics.h"
#include "assoc.h"
#include "cert.h"
#include "daemon.h"
#include "evloop.h"
#include "legs.h"
#include "link.h"
#include "log.h"
#include "metrics.h"
#include "mg.h"
#include "parse.h"
#include "peers.h"
#include "sockaddr.h"
#include "store.h"
#include "tl.h"
#include "trace.h"

struct agw {
	struct agw_config cfg;
	struct ev_loop *loop;
	struct trace *trace;
	int sigfd;
	struct ev_io *sig_io;
	struct ev_timer *watchdog;  /* systemd's, when it asked for one */
	struct agw_ctl_src ctl_src; /* what the control socket reads */
	struct ctl *ctl;            /* NULL: none (ctl.socket "") */
	struct tls_identity identity;
	struct agw_realm realms[2];
	struct agw_store *store;
	struct legs *legs;
	struct h248_link *link;
	struct h248_tl *tl;
	struct h248_mg *assoc;
	struct agw_mg *mg;
	union sa mgc;
	char *mid;
	struct log_counter strangers, over_limit;
	struct agw_metrics_src counted; /* what the metrics read beyond the modules' own counters */
	struct metrics *metrics;        /* NULL: no endpoint (metrics.address "") */
	struct metrics_http *http;
};

static void on_signal(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg)
{
	struct agw *g = arg;
	struct signalfd_siginfo si;
	if (read(ev_io_fd(io), &si, sizeof si) != (ssize_t)sizeof si)
		return;
	int signo = (int)si.ssi_signo;
	if (signo == SIGHUP) {
		daemon_hup(g->trace);
	} else if (signo == SIGTERM || signo == SIGINT) {
		log_notice("main", NULL, "received %s, shutting down", strsignal(signo));
		daemon_stopping();
		ev_loop_stop(loop);
	} else {
		daemon_ignored(signo);
	}
}

static int watch_signals(struct agw *g)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	g->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (g->sigfd < 0 || !(g->sig_io = ev_io_add(g->loop, g->sigfd, EPOLLIN, on_signal, g))) {
		log_err("main", NULL, "cannot watch SIGTERM, SIGINT, SIGHUP, SIGUSR1 and SIGUSR2: %s",
			strerror(errno));
		return -1;
	}
	return 0;
}

/* systemd's watchdog, kept by the event loop itself: a loop that stops turning is restarted. */
static void on_watchdog(struct ev_loop *loop, void *arg)
{
	struct agw *g = arg;
	daemon_watchdog();
	g->watchdog = ev_timer_add(loop, daemon_watchdog_ms(), on_watchdog, g);
}

/* Only the MGC's address and port (or our TCP connection to it) get as far as the parser; nothing else
 * is answered, not even an error (the gateway reflects nothing). */
static void on_h248(void *arg, const char *text, size_t len, const struct h248_from *from)
{
	struct agw *g = arg;
	if (!h248_mg_from_mgc(g->assoc, NULL, from)) {
		char mgc[SA_TEXT_MAX];
		h248_refused(&g->strangers, &from->addr, "not the MGC's address and port (%s%s)",
			     sa_text(&h248_mg_mgc(g->assoc)->addr, mgc), from->conn ? ", over TCP" : "");
		return;
	}
	h248_tl_input(g->tl, text, len, from);
}

/* After registration, the MGC's mId as it answered: a message from its address under another is dropped. */
static bool admit(void *arg, const struct h248_msg *msg, const struct h248_from *from)
{
	struct agw *g = arg;
	if (h248_mg_from_mgc(g->assoc, msg, from)) {
		h248_mg_heard(g->assoc); /* not silent: no probe due (assoc.h) */
		return true;
	}
	char *mid = h248_mid_key(&msg->mid);
	h248_refused(&g->strangers, &from->addr, "mId %s is not the MGC's (%s)", mid,
		     h248_mg_mgc_mid(g->assoc));
	g_free(mid);
	return false;
}

/* Contexts and terminations trans would create ("Context = $", "Add = $"). */
static void wanted(const struct h248_node *trans, unsigned *ctxs, unsigned *terms)
{
	*ctxs = *terms = 0;
	for (const struct h248_node *c = trans->first; c; c = c->next) {
		if (c->kind != H248_NODE_TOKEN || c->tok != H248_TOK_CONTEXT)
			continue;
		*ctxs += h248_str_caseeq(c->value.text, "$");
		for (const struct h248_node *cmd = c->first; cmd; cmd = cmd->next)
			*terms += cmd->kind == H248_NODE_TOKEN && cmd->tok == H248_TOK_ADD;
	}
}

/* The association's limits on contexts and terminations: over them the whole transaction is refused
 * with H.248.8 510 before anything is made. */
static bool within_limits(struct agw *g, struct h248_txn *txn, const struct h248_node *trans)
{
	unsigned ctxs, terms;
	wanted(trans, &ctxs, &terms);
	if (!ctxs && !terms)
		return true;
	/* counted, not listed: this runs for every transaction that adds, at any number held */
	unsigned n = agw_ctx_count(g->store), held = agw_term_count(g->store);
	const char *what = NULL;
	if (n + ctxs > (unsigned long)g->cfg.max_contexts)
		what = "contexts";
	else if (held + terms > (unsigned long)g->cfg.max_terms)
		what = "terminations";
	if (!what)
		return true;
	char text[96];
	snprintf(text, sizeof text, "Insufficient Resources: at most %ld %s",
		 !strcmp(what, "contexts") ? g->cfg.max_contexts : g->cfg.max_terms, what);
	h248_refused(&g->over_limit, &h248_txn_from(txn)->addr,
		     "transaction %u would hold %u contexts and %u "
		     "terminations (limits %ld and %ld): refused with 510",
		     h248_txn_id(txn), n + ctxs, held + terms, g->cfg.max_contexts, g->cfg.max_terms);
	h248_txn_error(txn, 510, text);
	return false;
}

static void on_h248_closed(void *arg, uint32_t conn, const char *why)
{
	struct agw *g = arg;
	h248_mg_conn_closed(g->assoc, conn);
}

static void on_request(void *arg, struct h248_txn *txn, const struct h248_msg *msg,
		       const struct h248_node *trans)
{
	struct agw *g = arg;
	agw_metrics_request(&g->counted, trans);
	if (!h248_mg_is_registered(g->assoc)) { /* H.248.8: 505 before the ServiceChange reply */
		h248_txn_error(
		    txn, 505, "Transaction Request Received before a Service Change Reply has been received");
		return;
	}
	if (within_limits(g, txn, trans))
		agw_mg_execute(g->mg, txn, msg, trans);
}

static void on_registered(void *arg, unsigned version)
{
	log_notice("main", NULL, "registered with the MGC (H.248 version %u)", version);
}

static void on_release(void *arg, struct agw_term *t)
{
	struct agw *g = arg;
	agw_metrics_released(&g->counted, t);
	legs_release(g->legs, t);
	agw_mg_release(g->mg, t);
}

static void on_configured(void *arg, struct agw_term *t)
{
	struct agw *g = arg;
	legs_configure(g->legs, t);
}

/* False with *err when the realm's SDP would carry no address a peer can reach. */
static bool realm_init(struct agw_realm *r, const char *name, const char *prefix,
		       const struct agw_realm_cfg *c, char **err)
{
	*r = (struct agw_realm){ .name = name,
				 .prefix = prefix,
				 .host = *c->advertise ? c->advertise : c->address,
				 .low = c->ports.low,
				 .high = c->ports.high };
	union sa seen;
	if (!sa_from_text(&r->addr, c->address, 0) || !sa_from_text(&seen, r->host, 0) || sa_is_any(&seen) ||
	    seen.sa.sa_family != r->addr.sa.sa_family) {
		*err =
		    g_strdup_printf("realm.%s: %s is no address SDP can carry: set realm.%s.advertise to an "
				    "IP address of realm.%s.address's family",
				    name, r->host, name, name);
		return false;
	}
	return true;
}

/* The Prometheus endpoint, when metrics.address is set; served from g->loop (metrics.h). */
static int start_metrics(struct agw *g, char **err)
{
	g->counted = (struct agw_metrics_src){ .store = g->store,
					       .legs = g->legs,
					       .link = g->link,
					       .tl = g->tl,
					       .assoc = g->assoc,
					       .realms = g->realms,
					       .strangers = &g->strangers.count,
					       .over_limit = &g->over_limit.count };
	if (!*g->cfg.metrics_address)
		return 0;
	g->metrics = metrics_new();
	agw_metrics_register(g->metrics, &g->counted);
	g->http = metrics_http_start(g->loop, g->metrics, g->cfg.metrics_address, g->cfg.metrics_port, err);
	return g->http ? 0 : -1;
}

/* The trace file and the TLS identity, whose fingerprint is logged. */
static bool start_identity(struct agw *g, char **err)
{
	struct agw_config *c = &g->cfg;
	if (*c->common.trace_file && !(g->trace = trace_open(c->common.trace_file, "ims-agw", err)))
		return false;
	trace_secret(g->trace, c->wire.text[WIRE_TLS_PSK]); /* the keys the MGC hands over stay out of it */
	if (!tls_identity_init(&g->identity, c->tls_certificate, c->tls_key, "ims-agw", err))
		return false;
	if (*c->tls_certificate) /* a generated one is news the operator needs: the UEs will see it */
		log_info("main", NULL, "TLS identity: %s", g->identity.fingerprint);
	else
		log_notice("main", NULL, "self-signed certificate generated; TLS identity: %s",
			   g->identity.fingerprint);
	return true;
}

/* The two realms, the termination store over them, and the media legs. */
static bool start_legs(struct agw *g, char **err)
{
	struct agw_config *c = &g->cfg;
	if (!realm_init(&g->realms[0], "access", "ac", &c->access, err) ||
	    !realm_init(&g->realms[1], "core", "co", &c->core, err))
		return false;
	g->store = agw_store_new(g->realms, 2, on_release, g);
	struct legs_opts legs = { .connect_timeout_ms = (unsigned)c->connect_timeout_ms,
				  .buffer = (size_t)c->buffer_kib * 1024,
				  .identity = &g->identity,
				  .tls_priority = c->tls_priority,
				  .tls_hold_ms = (unsigned)c->tls_hold_ms,
				  .tls_handshake_ms = (unsigned)c->tls_handshake_ms,
				  .source_filter = c->leg_source_filter,
				  .allow_sha1 = c->tls_allow_sha1,
				  .tls_autostart = c->tls_autostart,
				  .focus = profile_at(c->profile)->focus,
				  .trace = g->trace };
	return (g->legs = legs_new(g->loop, &legs, err)) != NULL;
}

/* The H.248 stack from the socket up: link, transaction layer (with the MID), the association with
 * the MGC, and the MG that executes its commands on the store. text: the link's local address. */
static bool start_h248(struct agw *g, char text[SA_TEXT_MAX], char **err)
{
	struct agw_config *c = &g->cfg;
	union sa local;
	sa_from_text(&local, c->h248_address, (uint16_t)c->h248_port);
	sa_from_text(&g->mgc, c->mgc_address, (uint16_t)c->mgc_port);
	static const struct h248_link_ops lops = { .recv = on_h248, .closed = on_h248_closed };
	struct h248_link_opts lo = { .max_udp = (size_t)c->h248_max_udp,
				     .max_tcp = (size_t)c->h248_max_tcp,
				     .max_conns = (unsigned)c->h248_max_conns,
				     .max_conns_per_source = (unsigned)c->h248_max_conns_source,
				     .idle_ms = (unsigned)c->h248_idle_ms,
				     .trace = g->trace };
	if (!(g->link = h248_link_new(g->loop, &local, &lo, &lops, g, err)))
		return false;
	sa_text(h248_link_local(g->link), text);
	struct h248_tl_opts to = { .style = c->h248_style == AGW_STYLE_COMPACT ? H248_COMPACT : H248_PRETTY,
				   .tmax_ms = (unsigned)c->mgc_timeout_ms,
				   .max_ids = (unsigned)c->max_ids,
				   .encoding = c->mgc_encoding == AGW_ENCODING_BINARY ? H248_ENC_BINARY
										      : H248_ENC_TEXT };
	if (!(g->mid = h248_mid_config(c->h248_mid, c->h248_address, c->h248_port, &to.mid, err)))
		return false;
	static const struct h248_tl_ops tops = { .request = on_request, .admit = admit };
	g->tl = h248_tl_new(g->loop, g->link, &to, &tops, g);
	static const struct h248_mg_ops aops = { .registered = on_registered };
	struct h248_mg_opts ao = { .mgc = g->mgc,
				   .tcp = c->mgc_transport == AGW_TRANSPORT_TCP,
				   .silence_ms = (unsigned)c->mgc_silence_ms,
				   .profile =
				       *c->h248_profile ? c->h248_profile : profile_at(c->profile)->h248 };
	g->assoc = h248_mg_new(g->loop, g->link, g->tl, &ao, &aops, g);
	struct agw_mg_hooks hooks = { .configured = on_configured, .arg = g };
	g->mg = agw_mg_new(g->loop, g->tl, g->assoc, g->store, &c->wire, profile_at(c->profile), &g->identity,
			   &hooks);
	legs_set_mg(g->legs, g->mg);
	return true;
}

static int start(struct agw *g)
{
	struct agw_config *c = &g->cfg;
	char *err = NULL;
	if (!start_identity(g, &err))
		goto failed;
	if (!(g->loop = ev_loop_new())) {
		err = g_strdup_printf("cannot create the event loop: %s", strerror(errno));
		goto failed;
	}
	if (watch_signals(g) < 0)
		return -1;
	char text[SA_TEXT_MAX];
	if (!start_legs(g, &err) || !start_h248(g, text, &err))
		goto failed;
	char mgc[SA_TEXT_MAX];
	log_notice("main", NULL, "ready: H.248 control on udp/tcp %s, registering with %s over %s", text,
		   sa_text(&g->mgc, mgc), c->mgc_transport == AGW_TRANSPORT_TCP ? "tcp" : "udp");
	if (start_metrics(g, &err) < 0)
		goto failed;
	h248_mg_start(g->assoc);
	g->ctl_src = (struct agw_ctl_src){ .loop = g->loop,
					   .store = g->store,
					   .assoc = g->assoc,
					   .mid = g->mid,
					   .mgc_tcp = c->mgc_transport == AGW_TRANSPORT_TCP };
	if (!(g->ctl = agw_ctl_start(c->ctl_socket, &g->ctl_src, &err)) && err)
		goto failed;
	char status[SA_TEXT_MAX + 32];
	snprintf(status, sizeof status, "H.248 control on %s", text);
	daemon_ready(status);
	if (daemon_watchdog_ms())
		g->watchdog = ev_timer_add(g->loop, daemon_watchdog_ms(), on_watchdog, g);
	return 0;
failed:
	log_err("main", NULL, "%s", err);
	g_free(err);
	return -1;
}

static void stop(struct agw *g)
{
	ctl_free(g->ctl);
	if (g->tl)
		log_notice("main", NULL,
			   "H.248 refused: %" G_GUINT64_FORMAT " from strangers, %" G_GUINT64_FORMAT
			   " over the context or termination limits, %" G_GUINT64_FORMAT
			   " oversized, %" G_GUINT64_FORMAT " stray replies",
			   g->strangers.count, g->over_limit.count, h248_link_oversized(g->link),
			   h248_tl_stats(g->tl)->stray_replies);
	if (g->link) {
		struct h248_link_stats s;
		h248_link_stats(g->link, &s);
		h248_link_stats_log(&s);
	}
	metrics_http_stop(g->http);
	metrics_free(g->metrics);
	if (g->assoc && h248_mg_is_registered(g->assoc))
		h248_mg_service_change(g->assoc, H248_TOK_FORCED, "905 Termination taken out of service");
	agw_store_free(g->store); /* releases terminations through g->legs and g->mg: before them */
	legs_free(g->legs);
	agw_mg_free(g->mg);
	h248_mg_free(g->assoc);
	h248_tl_free(g->tl);
	h248_link_free(g->link);
	if (g->loop) {
		ev_io_del(g->loop, g->sig_io);
		ev_timer_cancel(g->loop, g->watchdog);
	}
	if (g->sigfd >= 0)
		close(g->sigfd);
	ev_loop_free(g->loop);
	tls_identity_clear(&g->identity);
	trace_close(g->trace);
	g_free(g->mid);
	cfg_free(agw_program.options, &g->cfg);
}

int main(int argc, char **argv)
{
	struct agw g = { .sigfd = -1,
			 .strangers = H248_REFUSALS("H.248 from"),
			 .over_limit = H248_REFUSALS("H.248 from the MGC at") };
	int exit_now = cfg_main(&agw_program, argc, argv, &g.cfg);
	if (exit_now < 0 && !metrics_address_ok(agw_program.name, g.cfg.metrics_address)) {
		cfg_free(agw_program.options, &g.cfg);
		exit_now = 2;
	}
	if (exit_now >= 0)
		return exit_now;
	log_init(agw_program.name, (enum log_level)g.cfg.common.log_level);
	log_route_gnutls();
	char *err = NULL;
	if (!daemon_init(&agw_program, argc, argv, &g.cfg, sizeof g.cfg, &g.cfg.common, NULL, &err)) {
		log_err("main", NULL, "%s", err);
		g_free(err);
		cfg_free(agw_program.options, &g.cfg);
		return 1;
	}
	ev_fd_limit_raise();
	int status = 1;
	if (start(&g) == 0) {
		int rc = ev_loop_run(g.loop);
		if (rc < 0)
			log_err("main", NULL, "event loop failed: %s", strerror(-rc));
		status = rc < 0;
	}
	stop(&g);
	if (status == 0)
		log_notice("main", NULL, "stopped");
	daemon_done();
	return status;
}
