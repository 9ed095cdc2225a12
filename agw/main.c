/* ims-agw: the IMS access gateway (H.248 MG). Start-up, the event loop, and clean shutdown. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "agw_cfg.h"
#include "evloop.h"
#include "log.h"
#include "sockaddr.h"
#include "trace.h"

struct agw {
	struct agw_config cfg;
	struct ev_loop *loop;
	struct trace *trace;
	int sigfd, h248_udp, h248_tcp;
	struct ev_io *sig_io;
};

static void on_signal(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;
	if (read(ev_io_fd(io), &si, sizeof si) == (ssize_t)sizeof si)
		log_notice("main", NULL, "received %s, shutting down", strsignal((int)si.ssi_signo));
	ev_loop_stop(loop);
}

static int watch_signals(struct agw *g)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	g->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (g->sigfd < 0 || !(g->sig_io = ev_io_add(g->loop, g->sigfd, EPOLLIN, on_signal, g))) {
		log_err("main", NULL, "cannot watch SIGTERM/SIGINT: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The H.248 control association's local sockets (UDP and TCP on the same address and port). */
static int bind_h248(struct agw *g)
{
	union sa local;
	char text[SA_TEXT_MAX];
	sa_from_text(&local, g->cfg.h248_address, (uint16_t)g->cfg.h248_port);
	sa_text(&local, text);
	g->h248_udp = sa_bind(SOCK_DGRAM, &local);
	if (g->h248_udp < 0) {
		log_err("h248", NULL, "cannot bind H.248 UDP socket %s: %s", text, strerror(-g->h248_udp));
		return -1;
	}
	g->h248_tcp = sa_bind(SOCK_STREAM, &local);
	if (g->h248_tcp < 0) {
		log_err("h248", NULL, "cannot listen for H.248 over TCP on %s: %s", text,
			strerror(-g->h248_tcp));
		return -1;
	}
	log_notice("main", NULL, "ready: H.248 control on udp/tcp %s", text);
	return 0;
}

static void agw_close(struct agw *g)
{
	if (g->loop)
		ev_io_del(g->loop, g->sig_io);
	int fds[] = { g->sigfd, g->h248_udp, g->h248_tcp };
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	ev_loop_free(g->loop);
	trace_close(g->trace);
	cfg_free(agw_program.options, &g->cfg);
}

int main(int argc, char **argv)
{
	struct agw g = { .sigfd = -1, .h248_udp = -1, .h248_tcp = -1 };
	switch (cfg_from_args(&agw_program, argc, argv, &g.cfg, stdout, stderr)) {
	case CFG_RUN:
		break;
	case CFG_DONE:
		cfg_free(agw_program.options, &g.cfg);
		return 0;
	case CFG_FAIL:
		cfg_free(agw_program.options, &g.cfg);
		return 2;
	}
	log_init(agw_program.name, (enum log_level)g.cfg.common.log_level);

	int status = 1;
	char *err = NULL;
	if (*g.cfg.common.trace_file && !(g.trace = trace_open(g.cfg.common.trace_file, "ims-agw", &err))) {
		log_err("main", NULL, "%s", err);
		g_free(err);
	} else if (!(g.loop = ev_loop_new())) {
		log_err("main", NULL, "cannot create the event loop: %s", strerror(errno));
	} else if (watch_signals(&g) == 0 && bind_h248(&g) == 0) {
		int rc = ev_loop_run(g.loop);
		if (rc < 0)
			log_err("main", NULL, "event loop failed: %s", strerror(-rc));
		status = rc < 0;
	}
	agw_close(&g);
	if (status == 0)
		log_notice("main", NULL, "stopped");
	return status;
}
