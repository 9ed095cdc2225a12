/* SPDX-License-Identifier: GPL-3.0-or-later */
/* run: see run.h. */
#include "config.h"
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sofia-sip/sip_status.h>

#include "app.h"
#include "evlog.h"
#include "expect.h"
#include "ladder.h"
#include "party.h"
#include "ports.h"
#include "payload.h"
#include "pcap.h"
#include "sockaddr.h"

enum { MAX_PARTIES = 8, REALM_PORTS = 8 };

struct run {
	const struct lab_opts *o;
	const struct scenario *s;
	su_root_t *root;
	struct evlog *log;
	struct party *parties[MAX_PARTIES + 1];
	struct expect_ctx ex;
	pid_t alg, agw;
	struct lab_pcap *pcap; /* --pcap, or NULL */
	uint16_t access, core, h248, agw_h248;
	int held; /* the access port the lab keeps taken (gateway.access_port_taken), or -1 */
	char *dir;
	/* the call (its media: what the offerer's SDP carries, from->media) */
	struct party *offerer, *answerer;
};

/* ---- ports and daemons ---- */

static char *binary(const struct lab_opts *o, const char *dir, const char *name)
{
	if (o->bindir)
		return g_build_filename(o->bindir, name, NULL);
	char *self = g_file_read_link("/proc/self/exe", NULL), *here = g_path_get_dirname(self);
	char *in_tree = g_build_filename(here, "..", dir, name, NULL),
	     *beside = g_build_filename(here, name, NULL);
	char *path = g_file_test(in_tree, G_FILE_TEST_IS_EXECUTABLE) ? g_strdup(in_tree) : g_strdup(beside);
	g_free(self), g_free(here), g_free(in_tree), g_free(beside);
	return path;
}

/* keylog: where its GnuTLS writes the TLS secrets (SSLKEYLOGFILE), or NULL */
static pid_t spawn(GPtrArray *argv, const char *log, const char *keylog)
{
	g_ptr_array_add(argv, NULL);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* the daemons die with the lab */
		if (getppid() != parent)
			_exit(1);
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0)
			dup2(fd, STDERR_FILENO);
		if (keylog)
			setenv("SSLKEYLOGFILE", keylog, 1);
		execv(argv->pdata[0], (char **)argv->pdata);
		dprintf(STDERR_FILENO, "ims-lab: cannot run %s: %s\n", (char *)argv->pdata[0],
			g_strerror(errno));
		_exit(127);
	}
	return pid;
}

/* SIGTERM, then the exit status (-1: it had to be killed or was gone). */
static int reap(pid_t pid)
{
	int status = -1;
	if (pid <= 0)
		return 0;
	kill(pid, SIGTERM);
	for (int i = 0; i < 50; i++, g_usleep(100000))
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

/* Settings that are secrets: the daemon reads them from a file of the key's name plus "_file", made
 * owner-only in the run's directory, never from the command line (where ps shows them). */
static const char *const secret_keys[] = { "mrfc.psk", NULL };

/* The scenario's "alg" or "agw" settings as flags: "policy.syn_filter": true → --policy-syn-filter=true */
static void add_flags(GPtrArray *argv, json_object *flags, const char *dir)
{
	if (!flags)
		return;
	json_object_object_foreach (flags, key, value) {
		const char *text = json_object_get_string(value);
		char *file = NULL;
		if (g_strv_contains(secret_keys, key)) {
			file = g_strdup_printf("%s/%s", dir, key);
			int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
				g_printerr("ims-lab: cannot write %s\n", file);
			if (fd >= 0)
				close(fd);
		}
		char *name = g_strdelimit(g_strdup(key), "._", '-');
		g_ptr_array_add(argv, file ? g_strdup_printf("--%s-file=%s", name, file)
					   : g_strdup_printf("--%s=%s", name, text));
		g_free(name), g_free(file);
	}
}

/* The ALG answered the gateway's ServiceChange: it is registered. */
static bool registered(struct run *r)
{
	evlog_read(r->log);
	GPtrArray *events = evlog_events(r->log);
	for (guint i = 0; i < events->len; i++) {
		const struct lab_event *e = events->pdata[i];
		if (e->k == TRACE_H248_TX && e->component && !strcmp(e->component, "ims-alg") &&
		    e->raw &&
		    strstr(e->raw, "ServiceChange = ROOT")) /* the ALG's reply, not the gateway's request */
			return true;
	}
	return false;
}

/* One daemon: its own flags, then its trace, log level and the scenario's settings; stderr to its log. */
static pid_t start_daemon(struct run *r, const char *dir, const char *name, GPtrArray *argv)
{
	g_ptr_array_insert(argv, 0, binary(r->o, dir, name));
	g_ptr_array_add(argv, g_strdup_printf("--trace-file=%s/%s.jsonl", r->dir, dir));
	g_ptr_array_add(argv, g_strdup_printf("--log-level=%s", r->o->log_level));
	add_flags(argv, jget(r->s->root, dir), r->dir);
	char *log = g_strdup_printf("%s/%s.log", r->dir, dir);
	pid_t pid = spawn(argv, log, r->pcap ? pcap_keylog_file(r->pcap) : NULL);
	g_ptr_array_free(argv, TRUE), g_free(log);
	return pid;
}

static char *start_daemons(struct run *r, int attempt);

enum { LOG_TAIL = 10 }; /* the lines of a daemon's log shown when it exits at start */

/* A daemon gone at start (reaped, *pid zeroed): why, with the last lines of its log; *clash when the log
 * says a port was in use. NULL while it runs. */
static char *exited(struct run *r, pid_t *pid, const char *dir, const char *name, bool *clash)
{
	int st;
	if (*pid <= 0 || waitpid(*pid, &st, WNOHANG) != *pid)
		return NULL;
	*pid = 0;
	char *log = g_strdup_printf("%s/%s.log", r->dir, dir), *text = NULL;
	if (!g_file_get_contents(log, &text, NULL, NULL))
		text = g_strdup("");
	*clash |= strstr(text, g_strerror(EADDRINUSE)) != NULL;
	char **lines = g_strsplit(g_strchomp(text), "\n", -1);
	guint n = *text ? g_strv_length(lines) : 0;
	GString *why = g_string_new(NULL);
	if (WIFEXITED(st))
		g_string_append_printf(why, "%s exited with status %d at start", name, WEXITSTATUS(st));
	else
		g_string_append_printf(why, "%s was killed by signal %d at start", name, WTERMSIG(st));
	g_string_append_printf(why, n ? "; its last log lines:" : "; its log %s is empty", log);
	for (guint i = n > LOG_TAIL ? n - LOG_TAIL : 0; i < n; i++)
		g_string_append_printf(why, "\n    %s", lines[i]);
	if (n)
		g_string_append_printf(why, "\n  (all of it in %s)", log);
	g_strfreev(lines), g_free(text), g_free(log);
	return g_string_free(why, FALSE);
}

/* Waits up to 5 s for the gateway to register. A daemon that exits meanwhile is said at once with its
 * last log lines, unless it lost a port to another program between our check and its bind (the ports
 * are the kernel's ephemeral ones, and other tests take them too): then both go, and new ports are
 * tried, up to three times in all. */
static char *await_registration(struct run *r, int attempt)
{
	for (int i = 0; i < 100; i++, g_usleep(50000)) {
		if (registered(r))
			return NULL;
		bool clash = false;
		char *why = exited(r, &r->alg, "alg", "ims-alg", &clash);
		if (!why)
			why = exited(r, &r->agw, "agw", "ims-agw", &clash);
		if (!why)
			continue;
		if (!clash || attempt == 3)
			return why;
		g_free(why);
		reap(r->alg), reap(r->agw);
		r->alg = r->agw = 0;
		if (r->held >= 0)
			close(r->held), r->held = -1;
		return start_daemons(r, attempt + 1);
	}
	return registered(r) ? NULL
			     : g_strdup_printf("ims-agw did not register with ims-alg within 5 s (see "
					       "%s/agw.log and alg.log)",
					       r->dir);
}

static char *start_daemons(struct run *r, int attempt)
{
	struct party *core = NULL;
	for (struct party **p = r->parties; *p; p++)
		if (!(*p)->ue && !core)
			core = *p;
	r->access = lab_free_ports(1), r->core = lab_free_ports(1), r->h248 = lab_free_ports(1),
	r->agw_h248 = lab_free_ports(1);
	uint16_t ac = lab_free_ports(REALM_PORTS), co = lab_free_ports(REALM_PORTS);
	if (!r->access || !r->core || !r->h248 || !r->agw_h248 || !ac || !co)
		return g_strdup("no free loopback ports");
	unsigned ac_n = REALM_PORTS;
	if (jbool(jget(r->s->root, "gateway"), "access_port_taken", false)) { /* the gateway's only port */
		union sa a;
		sa_from_text(&a, "127.0.0.1", ac);
		r->held = sa_bind(SOCK_STREAM, &a);
		ac_n = 1;
	}
	r->ex.realm[0][0] = ac, r->ex.realm[0][1] = (uint16_t)(ac + ac_n - 1);
	r->ex.realm[1][0] = co, r->ex.realm[1][1] = (uint16_t)(co + REALM_PORTS - 1);
	evlog_own(r->log, r->access, r->access, "alg");
	evlog_own(r->log, r->core, r->core, "alg");
	evlog_own(r->log, r->h248, r->h248, "alg");
	evlog_own(r->log, r->agw_h248, r->agw_h248, "agw");
	evlog_own(r->log, ac, (uint16_t)(ac + ac_n - 1), "agw");
	evlog_own(r->log, co, (uint16_t)(co + REALM_PORTS - 1), "agw");

	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(argv, g_strdup_printf("--sip-access-port=%u", r->access));
	g_ptr_array_add(argv, g_strdup_printf("--sip-core-port=%u", r->core));
	if (core)
		g_ptr_array_add(argv,
				g_strdup_printf("--sip-core-next-hop=sip:127.0.0.1:%u", core->sip_port));
	g_ptr_array_add(argv, g_strdup_printf("--h248-port=%u", r->h248));
	r->alg = start_daemon(r, "alg", "ims-alg", argv);

	argv = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(argv, g_strdup_printf("--h248-port=%u", r->agw_h248));
	g_ptr_array_add(argv, g_strdup_printf("--mgc-port=%u", r->h248));
	g_ptr_array_add(argv, g_strdup_printf("--realm-access-ports=%u-%u", ac, ac + ac_n - 1));
	g_ptr_array_add(argv, g_strdup_printf("--realm-core-ports=%u-%u", co, co + REALM_PORTS - 1));
	if (r->o->nat_access) /* where the UEs behind the NAT reach it */
		g_ptr_array_add(argv, g_strdup_printf("--realm-access-address=%s", r->o->nat_access));
	r->agw = start_daemon(r, "agw", "ims-agw", argv);

	return await_registration(r, attempt);
}

/* ---- the steps' actions ---- */

static struct party *party(const struct run *r, json_object *o, const char *key)
{
	return expect_party(&r->ex, jstr(o, key, NULL));
}

/* The SDP of p for media m, over TLS or not, listening first when its role is to. */
static char *sdp_of(struct run *r, struct party *p, const struct payload *m, bool tls, json_object *o,
		    bool offer)
{
	const char *setup = jstr(o, "setup", offer ? "actpass" : "active"), *e2ae = jstr(o, "e2ae", NULL);
	bool listens = jbool(o, "listen", !strcmp(setup, "actpass") || !strcmp(setup, "passive"));
	if (m->dgram && p->fd < 0)
		party_bind_udp(p);
	else if (!m->dgram && listens && p->lfd < 0)
		party_listen(p);
	if (m->dgram && !tls) /* plain UDPTL has no a=setup */
		setup = jstr(o, "setup", "");
	g_strlcpy(p->setup, setup, sizeof p->setup);
	if (p->media_port == 9 && strcmp(setup, "active")) /* a port it may be called at, if in vain */
		evlog_own(r->log, 9, 9, p->name);
	GString *s = g_string_new(NULL);
	g_string_append_printf(s, "v=0\r\no=%s 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n", p->user,
			       p->addr, p->addr);
	g_string_append_printf(s, "m=%s %u %s %s\r\n%s", m->media, p->media_port, tls ? m->tls : m->plain,
			       m->fmt, m->attrs);
	p->media = m, p->secure = tls;
	if (m->path) { /* its own URI: where it listens, or may be reached (RFC 4975 §6) */
		snprintf(p->path, sizeof p->path, "%s://%s:%u/%s;tcp", tls ? "msrps" : "msrp", p->addr,
			 p->media_port, p->user);
		g_string_append_printf(s, "a=path:%s\r\n", p->path);
	}
	if (*setup)
		g_string_append_printf(s, "a=setup:%s\r\n", setup);
	if (jbool(o, "fingerprint", tls && !p->psk_key))
		g_string_append_printf(s, "a=fingerprint:%s\r\n", p->id.fingerprint);
	if (e2ae)
		g_string_append_printf(s, "a=3ge2ae:%s\r\n", e2ae);
	return g_string_free(s, FALSE);
}

static void keep_sdp(struct party *p, struct sip_seen *seen)
{
	if (seen && seen->sdp) {
		g_free(p->sdp);
		p->sdp = g_strdup(seen->sdp);
	}
}

/* Waits for p's final response: NULL when it is want, else why. */
static char * final(struct run *r, struct party *p, int want, const char *what)
{
	struct sip_seen *s = party_wait(p, NULL, r->o->timeout);
	char *why = !s ? g_strdup_printf("%s got no final response to its %s", p->title, what)
		    : s->status != want ? g_strdup_printf("%s got %d %s to its %s, expected %d", p->title,
							  s->status, s->phrase, what, want)
					: NULL;
	keep_sdp(p, s);
	sip_seen_free(s);
	return why;
}

static char *got(struct run *r, struct party *p, const char *method)
{
	struct sip_seen *s = party_wait(p, method, r->o->timeout);
	char *why = s ? NULL : g_strdup_printf("%s received no %s", p->title, method);
	keep_sdp(p, s);
	sip_seen_free(s);
	return why;
}

static char *act_register(struct run *r, json_object *o)
{
	struct party *p = party(r, o, "party");
	char *registrar = g_strdup_printf("sip:127.0.0.1:%u", r->access);
	party_register(p, registrar);
	g_free(registrar);
	return final(r, p, jint(o, "status", 200), "REGISTER");
}

static char *act_offer(struct run *r, json_object *o)
{
	struct party *from = party(r, o, "from"), *to = party(r, o, "to");
	r->offerer = from, r->answerer = to;
	char *sdp = sdp_of(r, from, payload_find(jstr(o, "media", "")), jbool(o, "tls", false), o, true);
	party_invite(from, to->user, sdp);
	g_free(sdp);
	int status = jint(o, "status", 0); /* a failure the network answers before the callee sees it */
	return status ? final(r, from, status, "INVITE") : got(r, to, "INVITE");
}

static char *act_answer(struct run *r, json_object *o)
{
	struct party *by = party(r, o, "by");
	if (by != r->answerer || !r->offerer->media)
		return g_strdup_printf("%s has no offer to answer", by->title);
	int status = jint(o, "status", 200);
	char *sdp = status < 300 ? sdp_of(r, by, r->offerer->media, jbool(o, "tls", false), o, false) : NULL,
	     *why;
	party_respond(by, status, sip_status_phrase(status), sdp);
	g_free(sdp);
	if (!(why = final(r, r->offerer, status, "INVITE")) && status < 300)
		why = got(r, by, "ACK"); /* the offerer's stack acknowledges */
	return why;
}

static char *act_connect(struct run *r, json_object *o)
{
	struct party *p = party(r, o, "from");
	union sa to;
	char where[SA_TEXT_MAX];
	if (!party_media_peer(p, &to))
		return g_strdup_printf("%s has no SDP with an address to connect to", p->title);
	return party_connect(p) ? NULL
				: g_strdup_printf("%s could not connect to %s: %s", p->title,
						  sa_text(&to, where), g_strerror(errno));
}

static char *act_established(struct run *r, json_object *o)
{
	struct party *p = party(r, o, "party");
	const char *want = jstr(o, "result", "up");
	int rc = party_established(p, (unsigned)jint(o, "within", (int)r->o->timeout));
	const char *is = rc > 0 ? "up" : rc == 0 ? "refused" : "still connecting";
	return strcmp(is, want)
		   ? g_strdup_printf("%s's TCP connection was %s, expected %s", p->title, is, want)
		   : NULL;
}

static char *act_accept(struct run *r, json_object *o)
{
	struct party *p = party(r, o, "party");
	return party_accept(p, r->o->timeout)
		   ? NULL
		   : g_strdup_printf("no TCP connection reached %s (port %u)", p->title, p->media_port);
}

struct handshake {
	struct party *p;
	unsigned ms, lose;
	bool up;
	char why[160];
};

static gpointer handshake(gpointer arg)
{
	struct handshake *h = arg;
	h->up = party_tls(h->p, h->ms, h->lose, h->why);
	return NULL;
}

static char *act_tls(struct run *r, json_object *o)
{
	struct party *p = party(r, o, "party"), *with = party(r, o, "with");
	const char *want = jstr(o, "result", "up"), *alert = jstr(o, "alert", NULL);
	if (p->fd < 0 || (with && with->fd < 0))
		return g_strdup_printf("%s has no TCP connection for TLS", (p->fd < 0 ? p : with)->title);
	/* end to end, both ends are the lab's: the other handshake runs beside this one */
	struct handshake h = { p, r->o->timeout, (unsigned)jint(o, "lose", 0), false, "" },
			 w = { with, r->o->timeout, 0, false, "" };
	p->unchecked = !jbool(o, "check_peer", true);
	GThread *t = with ? g_thread_new("tls", handshake, &w) : NULL;
	handshake(&h);
	if (t)
		g_thread_join(t);
	if (h.up && !strcmp(want, "alert")) /* the alert may come once the handshake is done */
		h.up = party_tls_alert(p, r->o->timeout, h.why);
	if (!strcmp(want, "up"))
		return !h.up           ? g_strdup_printf("%s's TLS handshake failed: %s", p->title, h.why)
		       : with && !w.up ? g_strdup_printf("%s's TLS handshake failed: %s", with->title, w.why)
				       : NULL;
	if (h.up)
		return g_strdup_printf("%s's TLS session came up, expected an alert", p->title);
	return alert && !strstr(h.why, alert)
		   ? g_strdup_printf("%s's TLS failed with %s, expected alert %s", p->title, h.why, alert)
		   : NULL;
}

static char *act_send(struct run *r, json_object *o)
{
	struct party *from = party(r, o, "from"), *to = party(r, o, "to");
	const struct payload *m = from->media;
	char why[160];
	if (!m || !party_send(from, TRACE_DATA_TX, m->bytes, m->n, m->what))
		return g_strdup_printf("%s could not send", from->title);
	return party_expect(to, m->bytes, m->n, r->o->timeout, m->what, why)
		   ? NULL
		   : g_strdup_printf("at %s: %s", to->title, why);
}

/* A UE dials in to a conference: its INVITE to the conference URI, its final response (ACKed by its
 * stack); from then on it is a participant. */
static char *act_dial_in(struct run *r, json_object *o)
{
	struct party *from = party(r, o, "from");
	const struct payload *m = payload_find(jstr(o, "media", ""));
	char *sdp = sdp_of(r, from, m, jbool(o, "tls", true), o, true); /* TLS unless told otherwise */
	party_invite(from, jstr(o, "conference", "conference"), sdp);
	g_free(sdp);
	app_join(from);
	return final(r, from, jint(o, "status", 200), "INVITE");
}

static char *act_msrp(struct run *r, json_object *o)
{
	char why[160];
	return app_msrp_send(party(r, o, "from"), jstr(o, "text", ""), why) ? NULL : g_strdup(why);
}

static char *act_bfcp(struct run *r, json_object *o)
{
	char why[160];
	return app_bfcp_send(party(r, o, "from"), jstr(o, "primitive", ""), (uint16_t)jint(o, "floor", 0),
			     why)
		   ? NULL
		   : g_strdup(why);
}

/* A datagram of the call's protocol from another party to where like's media goes: a spoofed source. */
static char *act_spoof(struct run *r, json_object *o)
{
	struct party *from = party(r, o, "from"), *like = party(r, o, "like");
	union sa to;
	char where[SA_TEXT_MAX];
	const struct payload *m = like->media;
	if (!m || !party_media_peer(like, &to) || !party_bind_udp(from))
		return g_strdup_printf("%s has nowhere to spoof %s's datagrams to", from->title, like->title);
	if (sendto(from->fd, m->bytes, m->n, 0, &to.sa, sa_len(&to)) < 0)
		return g_strdup_printf("%s could not send to %s: %s", from->title, sa_text(&to, where),
				       g_strerror(errno));
	return NULL;
}

static char *act_bye(struct run *r, json_object *o)
{
	struct party *from = party(r, o, "from"), *other = from == r->offerer ? r->answerer : r->offerer;
	party_bye(from);
	char *why = final(r, from, 200, "BYE");
	if (!why && other)
		why = got(r, other, "BYE");
	party_close(from);
	if (other)
		party_close(other);
	return why;
}

static char *act_pause(struct run *r, json_object *o)
{
	lab_spin(r->root, (unsigned)jint(o, "ms", 0));
	return NULL;
}

static const struct {
	const char *name;
	char *(*run)(struct run *r, json_object *o);
} actions[] = {
	{ "register", act_register }, { "offer", act_offer },   { "answer", act_answer },
	{ "connect", act_connect },   { "accept", act_accept }, { "established", act_established },
	{ "tls", act_tls },           { "send", act_send },     { "bye", act_bye },
	{ "pause", act_pause },       { "spoof", act_spoof },   { "dial_in", act_dial_in },
	{ "msrp", act_msrp },         { "bfcp", act_bfcp },
};

static char *do_action(struct run *r, json_object *action)
{
	json_object_object_foreach (action, name, o) {
		for (size_t i = 0; i < G_N_ELEMENTS(actions); i++)
			if (!strcmp(actions[i].name, name))
				return actions[i].run(r, o);
	}
	return NULL;
}

/* ---- one step, the whole run ---- */

static void play_step(struct run *r, json_object *step, struct step_result *sr)
{
	gint64 t0 = g_get_monotonic_time();
	json_object *action = jget(step, "do"), *expect = jget(step, "expect");
	char *why = action ? do_action(r, action) : NULL;
	json_object *failed = action;
	for (size_t i = 0; !why && expect && i < json_object_array_length(expect); i++) {
		failed = json_object_array_get_idx(expect, i);
		why = expect_check(&r->ex, failed, sr->step, r->o->timeout);
	}
	sr->why = why;
	int plain = JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE;
	sr->expected = why && failed ? g_strdup(json_object_to_json_string_ext(failed, plain)) : NULL;
	sr->verdict = why ? VERDICT_FAIL : VERDICT_PASS;
	sr->secs = (double)(g_get_monotonic_time() - t0) / 1e6;
}

static void draw(struct run *r, struct run_result *res)
{
	struct ladder_column cols[MAX_PARTIES + 2];
	unsigned n = 0;
	for (int pass = 0; pass < 3; pass++) { /* UEs, then the controller and gateway, then the core */
		for (struct party **p = r->parties; *p && pass != 1; p++)
			if ((*p)->ue == (pass == 0))
				cols[n++] = (struct ladder_column){ (*p)->name, (*p)->title };
		if (pass == 1) {
			cols[n++] = (struct ladder_column){ "alg", "ims-alg" };
			cols[n++] = (struct ladder_column){ "agw", "ims-agw" };
		}
	}
	evlog_read(r->log);
	GPtrArray *events = ladder_events(evlog_events(r->log));
	char *full = scenario_title(r->s);
	res->text = g_build_filename(r->dir, "ladder.txt", NULL);
	res->html = g_build_filename(r->dir, "ladder.html", NULL);
	FILE *f = fopen(res->text, "w");
	if (f) {
		ladder_text(f, full, cols, n, events, FALSE, ladder_width());
		fclose(f);
	}
	if ((f = fopen(res->html, "w"))) {
		struct ladder_verdict v = { .verdict = res->error ? "ERROR" : "PASS", .why = res->error };
		char *why = NULL;
		for (guint i = 0; i < res->steps->len; i++) {
			const struct step_result *st = &g_array_index(res->steps, struct step_result, i);
			if (st->verdict == VERDICT_FAIL && !why) {
				why = scenario_failure(r->s, st->step, st->why);
				v = (struct ladder_verdict){ "FAIL", st->step, st->title, why };
			}
		}
		ladder_html(f, full, cols, n, events, &v);
		g_free(why);
		fclose(f);
	}
	g_ptr_array_free(events, TRUE);
	g_free(full);
}

struct run_result *run_scenario(const struct lab_opts *o, const struct scenario *s)
{
	struct run_result *res = g_new0(struct run_result, 1);
	res->steps = g_array_new(FALSE, TRUE, sizeof(struct step_result));
	bool nat = false;
	json_object_object_foreach (s->parties, who, what) {
		(void)who;
		nat |= jbool(what, "behind_nat", false);
	}
	if (nat && !o->nat_netns) {
		res->ok = true;
		res->skipped =
		    g_strdup("a UE is behind a NAT, and none was given (--nat; tests/integration/nat.sh "
			     "builds one in network namespaces)");
		return res;
	}
	gint64 t0 = g_get_monotonic_time();
	struct run r = { .o = o, .s = s, .held = -1 };
	char *base = g_path_get_basename(s->file);
	if (g_str_has_suffix(base, ".json"))
		base[strlen(base) - 5] = 0;
	r.dir = res->dir = g_build_filename(o->out, base, NULL);
	g_free(base);
	g_mkdir_with_parents(r.dir, 0755);
	static const char *const files[] = { "alg.jsonl", "agw.jsonl", "lab.jsonl" };
	r.log = evlog_new();
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		char *path = g_build_filename(r.dir, files[i], NULL);
		unlink(path);
		evlog_add_file(r.log, path);
		g_free(path);
	}
	r.root = su_root_create(NULL);
	r.ex = (struct expect_ctx){ .log = r.log, .root = r.root, .parties = r.parties };
	char *lab_trace = g_build_filename(r.dir, "lab.jsonl", NULL), *err = NULL;
	unsigned n = 0;
	json_object_object_foreach (s->parties, name, spec) {
		if (n == MAX_PARTIES) {
			err = g_strdup_printf("more than %d parties", MAX_PARTIES);
			break;
		}
		r.parties[n] = party_new(r.root, name, spec, r.log, lab_trace, &err);
		if (!r.parties[n++])
			break;
		char *ns =
		    jbool(spec, "behind_nat", false) ? g_strdup_printf("/run/netns/%s", o->nat_netns) : NULL;
		bool behind = !ns || party_behind_nat(r.parties[n - 1], ns, o->nat_ue, &err);
		g_free(ns);
		if (!behind)
			break;
	}
	g_free(lab_trace);
	r.pcap = o->pcap ? pcap_new(r.dir) : NULL;
	if (!err)
		err = start_daemons(&r, 1);
	for (struct party **p = r.parties; !err && *p; p++) /* each party's SIP goes to its side of the ALG */
		party_route(*p, (*p)->ue ? r.access : r.core);
	lab_spin(r.root, 50);
	if (r.pcap && !err) { /* the daemons' ports are known, the first step is to come */
		struct pcap_ports ports = { { r.access, r.core }, { r.h248, r.agw_h248 }, { { 0 } } };
		memcpy(ports.realm, r.ex.realm, sizeof ports.realm);
		pcap_start(r.pcap, &ports, r.parties);
	}
	res->error = err;
	bool failed = err != NULL;
	for (size_t i = 0; i < json_object_array_length(s->steps); i++) {
		json_object *step = json_object_array_get_idx(s->steps, i);
		struct step_result sr = { .step = g_strdup(jstr(step, "step", "")),
					  .title = g_strdup(jstr(step, "title", "")),
					  .verdict = VERDICT_SKIP };
		if (!failed) {
			play_step(&r, step, &sr);
			failed = sr.verdict == VERDICT_FAIL;
		}
		g_array_append_val(res->steps, sr);
	}
	for (struct party **p = r.parties; *p; p++)
		party_stop(*p);
	int alg = reap(r.alg), agw = reap(r.agw);
	if (!res->error && (alg || agw))
		res->error =
		    g_strdup_printf("%s exited with status %d (see %s/%s.log)", agw ? "ims-agw" : "ims-alg",
				    agw ? agw : alg, r.dir, agw ? "agw" : "alg");
	if (r.held >= 0)
		close(r.held);
	pcap_end(r.pcap, r.log, r.parties);
	draw(&r, res);
	for (struct party **p = r.parties; *p; p++)
		party_free(*p);
	lab_ports_release();
	res->ok = !failed && !res->error;
	res->secs = (double)(g_get_monotonic_time() - t0) / 1e6;
	evlog_free(r.log);
	su_root_destroy(r.root);
	return res;
}

void run_result_free(struct run_result *r)
{
	if (!r)
		return;
	for (guint i = 0; i < r->steps->len; i++) {
		struct step_result *s = &g_array_index(r->steps, struct step_result, i);
		g_free(s->step), g_free(s->title), g_free(s->why), g_free(s->expected);
	}
	g_array_free(r->steps, TRUE);
	g_free(r->error), g_free(r->skipped), g_free(r->dir), g_free(r->text), g_free(r->html);
	g_free(r);
}
