/* SPDX-License-Identifier: GPL-3.0-or-later */
/* load: see load.h. The daemons and the workers are this process's children; a worker reads a byte per
 * call from its token pipe and writes the call's outcome to its result pipe. */
#include "config.h"
#include "load.h"
#include "run_int.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sofia-sip/su.h>

#include "bed.h"
#include "sockaddr.h"

/* ---- one call, in a worker ---- */

/* A call that failed outside its steps: its parties could not be made, or its worker died or overran */
enum { STEP_PARTIES = -2, STEP_WORKER = -3 };

/* What a worker says of one call: a fixed record, written whole (under PIPE_BUF) */
struct outcome {
	int32_t failed;  /* the index of the step whose action failed; -1 none, STEP_PARTIES, STEP_WORKER */
	double setup_ms; /* the offer's start to the offerer's final response; < 0: no offer was answered */
	double call_ms;  /* the whole call, parties made and gone */
	char why[256];   /* the failure, as the single-call mode says it */
};

static double ms_since(gint64 t0)
{
	return (double)(g_get_monotonic_time() - t0) / 1000.0;
}

/* The call's parties, their SIP toward their side of the controller; each UE's new calls routed through
 * the controller to the first core peer. NULL, or why one could not be made. */
static char *call_parties(struct run *r)
{
	char *err = NULL;
	unsigned n = 0;
	struct party *core = NULL;
	json_object_object_foreach (r->s->parties, name, spec) {
		if (n == MAX_PARTIES)
			return g_strdup_printf("more than %d parties", MAX_PARTIES);
		if (!(r->parties[n] = party_new(r->root, name, spec, r->log, 0, NULL, &err)))
			return err;
		struct party *p = r->parties[n++];
		party_route(p, p->ue ? r->access : r->core);
		if (!p->ue && !core)
			core = p;
	}
	for (struct party **p = r->parties; core && *p; p++)
		if ((*p)->ue)
			(*p)->route = g_strdup_printf("<sip:127.0.0.1:%u;lr>,<sip:127.0.0.1:%u;lr>",
						      r->access, core->sip_port);
	return NULL;
}

static bool does(json_object *action, const char *name)
{
	return jget(action, name) != NULL;
}

static struct outcome play_call(const struct lab_opts *o, const struct scenario *s, su_root_t *root,
				uint16_t access, uint16_t core)
{
	struct outcome out = { .failed = -1, .setup_ms = -1 };
	gint64 t0 = g_get_monotonic_time(), offered = 0;
	struct run r = { .o = o, .s = s, .root = root, .held = -1, .access = access, .core = core };
	r.log = evlog_new();
	r.ex = (struct expect_ctx){ .log = r.log, .root = root, .parties = r.parties };
	char *why = call_parties(&r);
	if (why)
		out.failed = STEP_PARTIES;
	for (size_t i = 0; !why && i < json_object_array_length(s->steps); i++) {
		json_object *action = jget(json_object_array_get_idx(s->steps, i), "do");
		if (!action)
			continue;
		gint64 at = g_get_monotonic_time();
		if (!offered && (does(action, "offer") || does(action, "dial_in")))
			offered = at;
		if ((why = act_do(&r, action)))
			out.failed = (int32_t)i;
		else if (offered && out.setup_ms < 0 && (does(action, "answer") || does(action, "dial_in")))
			out.setup_ms = ms_since(offered);
	}
	if (why)
		g_strlcpy(out.why, why, sizeof out.why);
	g_free(why);
	for (struct party **p = r.parties; *p; p++)
		party_stop(*p);
	for (struct party **p = r.parties; *p; p++)
		party_free(*p);
	evlog_free(r.log);
	bed_ports_release(); /* the parties' SIP ports (the daemons' stay claimed by ims-lab) */
	out.call_ms = ms_since(t0);
	return out;
}

/* Each party's user with the worker's number: "alice" → "alice-3" (this process's copy of the scenario) */
static void own_users(const struct scenario *s, unsigned w)
{
	json_object_object_foreach (s->parties, name, spec) {
		(void)name;
		char *user = g_strdup_printf("%s-%u", jstr(spec, "user", "user"), w);
		json_object_object_add(spec, "user", json_object_new_string(user));
		g_free(user);
	}
}

static G_GNUC_NORETURN void worker(const struct lab_opts *o, const struct scenario *s, unsigned w, int tokens,
				   int results, uint16_t access, uint16_t core)
{
	own_users(s, w);
	su_init();
	su_root_t *root = su_root_create(NULL);
	char token;
	while (read(tokens, &token, 1) == 1) {
		struct outcome out = play_call(o, s, root, access, core);
		if (write(results, &out, sizeof out) != (ssize_t)sizeof out)
			break;
	}
	su_root_destroy(root);
	su_deinit();
	_exit(0);
}

/* ---- the daemons ---- */

struct bed_run {
	char *dir;
	pid_t alg, agw;
	uint16_t access, core, h248, agw_h248;
	clockid_t clock[2]; /* ims-alg's and ims-agw's CPU-time clocks */
	int status[2];      /* their exit statuses once gone (reaped), else -1 */
	int stop_status[2]; /* their exit statuses at the end of the run (bed_reap's), 0 when gone before */
	int held;           /* the gateway's access port the lab holds (gateway.access_port_taken), or -1 */
};

static const char *const daemon_name[2] = { "ims-alg", "ims-agw" };

/* Whether ims-alg or ims-agw has exited (reaped, its status kept) */
static bool daemon_gone(struct bed_run *b)
{
	pid_t *pid[2] = { &b->alg, &b->agw };
	for (int i = 0; i < 2; i++) {
		int st;
		if (*pid[i] > 0 && waitpid(*pid[i], &st, WNOHANG) == *pid[i])
			*pid[i] = 0, b->status[i] = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	return !b->alg || !b->agw;
}

static pid_t spawn(const struct lab_opts *o, const struct scenario *s, const char *dir, const char *name,
		   GPtrArray *argv, const char *out)
{
	const char *level = o->log_level; /* ims-agw says at notice that it registered: at least that */
	if (!strcmp(dir, "agw") && (!strcmp(level, "warning") || !strcmp(level, "error")))
		level = "notice";
	return run_spawn(o, s, dir, name, argv, out, level, NULL); /* untraced */
}

/* Whether the gateway's log says it registered */
static bool registered(const struct bed_run *b)
{
	char *log = g_strdup_printf("%s/agw.log", b->dir), *text = NULL;
	bool yes = g_file_get_contents(log, &text, NULL, NULL) && strstr(text, "registered with the MGC");
	g_free(log), g_free(text);
	return yes;
}

/* ims-alg (no core next hop: each call's Route leads it) and ims-agw with realms for every concurrent
 * call's legs, untraced; NULL once the gateway has registered, else why not. */
static char *start_bed(const struct lab_opts *o, const struct scenario *s, unsigned concurrent,
		       struct bed_run *b)
{
	unsigned realm = 2 * concurrent + 16, ac_n = realm; /* a port a leg, two legs a call at most */
	uint16_t ac = bed_free_ports(realm), co = bed_free_ports(realm);
	if (ac && jbool(jget(s->root, "gateway"), "access_port_taken", false)) { /* its only port, taken */
		union sa a;
		sa_from_text(&a, "127.0.0.1", ac);
		b->held = sa_bind(SOCK_STREAM, &a), ac_n = 1;
	}
	b->access = bed_free_ports(1), b->core = bed_free_ports(1), b->h248 = bed_free_ports(1);
	b->agw_h248 = bed_free_ports(1);
	if (!ac || !co || !b->access || !b->core || !b->h248 || !b->agw_h248)
		return g_strdup_printf("no two runs of %u free ports in the lab's port band (--ports)",
				       realm);
	GPtrArray *alg = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(alg, g_strdup_printf("--sip-access-port=%u", b->access));
	g_ptr_array_add(alg, g_strdup_printf("--sip-core-port=%u", b->core));
	g_ptr_array_add(alg, g_strdup_printf("--h248-port=%u", b->h248));
	/* every UE is on 127.0.0.1: the P-CSCF's limit of calls from one address (32) held for them all */
	g_ptr_array_add(alg, g_strdup_printf("--sip-max-calls=%u", MAX(32, 2 * concurrent)));
	b->alg = spawn(o, s, "alg", "ims-alg", alg, b->dir);
	GPtrArray *agw = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(agw, g_strdup_printf("--h248-port=%u", b->agw_h248));
	g_ptr_array_add(agw, g_strdup_printf("--mgc-port=%u", b->h248));
	g_ptr_array_add(agw, g_strdup_printf("--realm-access-ports=%u-%u", ac, ac + ac_n - 1));
	g_ptr_array_add(agw, g_strdup_printf("--realm-core-ports=%u-%u", co, co + realm - 1));
	b->agw = spawn(o, s, "agw", "ims-agw", agw, b->dir);
	for (int i = 0; i < 100 && !daemon_gone(b); i++, g_usleep(50000))
		if (registered(b))
			return NULL;
	if (!b->alg || !b->agw)
		return g_strdup_printf("%s exited with status %d at start (see %s/%s.log)",
				       daemon_name[!b->agw], b->status[!b->agw], b->dir,
				       b->agw ? "alg" : "agw");
	return g_strdup_printf("ims-agw did not register with ims-alg within 5 s (see %s/agw.log and "
			       "alg.log)",
			       b->dir);
}

/* Each daemon's CPU seconds so far; -1 for one already gone */
static void cpu_read(const struct bed_run *b, double cpu[2])
{
	for (int i = 0; i < 2; i++) {
		struct timespec ts;
		cpu[i] = clock_gettime(b->clock[i], &ts) ? -1 : (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	}
}

/* ---- the calls ---- */

struct slot {
	pid_t pid;
	int tokens, results; /* -1: gone */
	gint64 since;        /* its call's start; 0: idle */
};

struct tally {
	unsigned made, passed;
	GArray *setup, *call; /* double ms */
	unsigned *failed;     /* [0] the parties, [1] the worker, [i + 2] step i */
	char **first_why;     /* the first failure of each */
};

static void tally_add(struct tally *t, const struct outcome *out)
{
	t->made++;
	g_array_append_val(t->call, out->call_ms);
	if (out->setup_ms >= 0)
		g_array_append_val(t->setup, out->setup_ms);
	if (out->failed == -1) {
		t->passed++;
		return;
	}
	size_t k = out->failed >= 0 ? (size_t)out->failed + 2 : out->failed == STEP_PARTIES ? 0 : 1;
	if (!t->failed[k]++)
		t->first_why[k] = g_strndup(out->why, sizeof out->why);
}

static bool start_workers(const struct lab_opts *o, const struct scenario *s, const struct bed_run *b,
			  struct slot *w, unsigned n)
{
	pid_t parent = getpid();
	for (unsigned i = 0; i < n; i++) {
		int tk[2] = { -1, -1 }, rs[2] = { -1, -1 };
		pid_t pid = pipe2(tk, O_CLOEXEC) || pipe2(rs, O_CLOEXEC) ? -1 : fork();
		if (pid < 0) {
			int e = errno;
			close(tk[0]), close(tk[1]), close(rs[0]), close(rs[1]);
			errno = e;
			return false;
		}
		if (!pid) {
			prctl(PR_SET_PDEATHSIG, SIGKILL); /* ims-lab gone: its calls with it */
			if (getppid() != parent)
				_exit(0);
			for (unsigned j = 0; j < i; j++) /* the other workers' ends */
				close(w[j].tokens), close(w[j].results);
			close(tk[1]), close(rs[0]);
			worker(o, s, i + 1, tk[0], rs[1], b->access, b->core);
		}
		close(tk[0]), close(rs[1]);
		w[i] = (struct slot){ .pid = pid, .tokens = tk[1], .results = rs[0] };
	}
	return true;
}

/* A worker that died or overran: ended, and no call goes to it again */
static void slot_end(struct slot *w)
{
	kill(w->pid, SIGKILL);
	close(w->tokens), close(w->results);
	w->tokens = w->results = -1;
}

enum { CALL_LIMIT_S = 120 }; /* a call still going after this is ended, and failed */

/* Hands out l->calls calls at l->rate to idle workers and tallies what they say. */
static void drive(const struct load_opts *l, struct bed_run *b, struct slot *w, struct tally *t)
{
	gint64 start = g_get_monotonic_time();
	unsigned issued = 0, n = l->concurrent, busy = 0, live = n;
	struct pollfd *pf = g_new(struct pollfd, n);
	while (t->made < l->calls) {
		gint64 now = g_get_monotonic_time(),
		       due = l->rate > 0 ? start + (gint64)((double)issued * 1e6 / l->rate) : now;
		for (unsigned i = 0; i < n && issued < l->calls && due <= now; i++) {
			if (w[i].since || w[i].tokens < 0)
				continue;
			if (write(w[i].tokens, "c", 1) != 1) { /* gone while idle (EPIPE) */
				slot_end(&w[i]), live--;
				continue;
			}
			w[i].since = now, issued++, busy++;
			due = l->rate > 0 ? start + (gint64)((double)issued * 1e6 / l->rate) : now;
		}
		/* a call due later, or a free worker to come: at most a second, so that a daemon gone is seen
		 */
		gint64 till = issued < l->calls && busy < live ? (due - now) / 1000 + 1 : 1000;
		int wait = (int)CLAMP(till, 1, 1000);
		for (unsigned i = 0; i < n; i++)
			pf[i] = (struct pollfd){ .fd = w[i].since ? w[i].results : -1, .events = POLLIN };
		if (poll(pf, n, wait) < 0 && errno != EINTR)
			break;
		now = g_get_monotonic_time();
		for (unsigned i = 0; i < n; i++) {
			struct outcome out;
			if (!w[i].since)
				continue;
			bool late = now - w[i].since > CALL_LIMIT_S * G_USEC_PER_SEC;
			if (!late && !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (late || read(w[i].results, &out, sizeof out) != (ssize_t)sizeof out) {
				out = (struct outcome){ .failed = STEP_WORKER,
							.setup_ms = -1,
							.call_ms = (double)(now - w[i].since) / 1000.0 };
				g_strlcpy(out.why,
					  late ? "the call was still going after 120 s: its worker was ended"
					       : "its worker died",
					  sizeof out.why);
				slot_end(&w[i]), live--;
			}
			w[i].since = 0, busy--;
			tally_add(t, &out);
		}
		if (daemon_gone(b))
			break; /* said by the caller */
		if (!live)
			break;
	}
	g_free(pf);
}

/* ---- the report ---- */

static gint by_value(gconstpointer a, gconstpointer b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* "p50 8.1  p90 12.0  p99 20.3  max 31.0" of the ms in v (sorted here), the nearest-rank percentiles */
static void percentiles(GArray *v, const char *what, const char *means)
{
	if (!v->len) {
		printf("  %-10s none (%s)\n", what, means);
		return;
	}
	g_array_sort(v, by_value);
	printf("  %-10s", what);
	static const unsigned pct[] = { 50, 90, 99 };
	for (size_t i = 0; i < G_N_ELEMENTS(pct); i++) {
		guint rank = (guint)(((guint64)pct[i] * v->len + 99) / 100);
		printf(" p%u %.1f ", pct[i], g_array_index(v, double, rank ? rank - 1 : 0));
	}
	printf(" max %.1f ms  (%s)\n", g_array_index(v, double, v->len - 1), means);
}

/* "ims-agw 0.873 ms" of CPU per call, or what is known */
static void cpu_per_call(const char *name, double cpu, unsigned made, const char *after)
{
	if (cpu < 0)
		printf("%s not known (it exited)%s", name, after);
	else
		printf("%s %.3f ms%s", name, cpu * 1000 / made, after);
}

static void report(const struct scenario *s, const struct load_opts *l, const struct tally *t, double secs,
		   const double cpu[2], const struct bed_run *b, bool ok)
{
	char *title = scenario_title(s);
	printf("%s  (%s): %u calls, at most %u at once, ", title, s->file, l->calls, l->concurrent);
	g_free(title);
	if (l->rate > 0)
		printf("%.1f new a second asked\n", l->rate);
	else
		printf("each as soon as one ends\n");
	printf("  calls      %u made, %u passed, %u failed in %.2f s: %.1f calls/s\n", t->made, t->passed,
	       t->made - t->passed, secs, secs > 0 ? t->made / secs : 0.0);
	percentiles(t->setup, "setup", "the offer's start to the end of its answer");
	percentiles(t->call, "call", "parties made, registered, the call played, parties gone");
	if (t->made) {
		printf("  CPU/call   ");
		cpu_per_call(daemon_name[0], cpu[0], t->made, ", ");
		cpu_per_call(daemon_name[1], cpu[1], t->made, "\n");
	}
	size_t n = json_object_array_length(s->steps);
	for (size_t k = 0; k < n + 2; k++) {
		if (!t->failed[k])
			continue;
		json_object *step = k > 1 ? json_object_array_get_idx(s->steps, k - 2) : NULL;
		if (step)
			printf("  failed     %u at step %s: %s\n", t->failed[k], jstr(step, "step", "?"),
			       t->first_why[k]);
		else
			printf("  failed     %u outside the steps: %s\n", t->failed[k], t->first_why[k]);
	}
	for (int i = 0; i < 2; i++) {
		const char *log = i ? "agw" : "alg";
		if (b->status[i] >= 0)
			printf("  ERROR      %s exited with status %d during the run (see %s/%s.log)\n",
			       daemon_name[i], b->status[i], b->dir, log);
		else if (b->stop_status[i])
			printf("  ERROR      %s exited with status %d when stopped (see %s/%s.log)\n",
			       daemon_name[i], b->stop_status[i], b->dir, log);
	}
	printf("%s %s  (logs in %s)\n", ok ? "PASS" : "FAIL", s->name, b->dir);
}

/* The workers ended: a call still going is killed (the run stopped early), the others end at their
 * token pipe's end; all reaped. */
static void stop_workers(struct slot *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (w[i].tokens < 0)
			continue;
		if (w[i].since)
			kill(w[i].pid, SIGKILL);
		close(w[i].tokens), close(w[i].results);
	}
	for (unsigned i = 0; i < n; i++)
		if (w[i].pid > 0)
			waitpid(w[i].pid, NULL, 0);
}

static void stop_daemons(struct bed_run *b)
{
	daemon_gone(b); /* an exit during the run is said as such */
	b->stop_status[0] = bed_reap(b->alg), b->stop_status[1] = bed_reap(b->agw);
}

/* Why s cannot be played under load, or NULL */
static char *unsupported(const struct lab_opts *o, const struct scenario *s)
{
	if (o->sut)
		return g_strdup("--calls plays the lab's own ims-alg and ims-agw: not with --sut");
	json_object_object_foreach (s->parties, who, what)
		if (jbool(what, "behind_nat", false))
			return g_strdup_printf("party %s is behind a NAT: the load mode plays no NAT", who);
	return NULL;
}

int load_run(const struct lab_opts *o, const struct scenario *s, const struct load_opts *l)
{
	char *why = unsupported(o, s);
	if (why) {
		fprintf(stderr, "ims-lab: %s: %s\n", s->file, why);
		g_free(why);
		return 2;
	}
	char *base = g_path_get_basename(s->file), *dot = g_strrstr(base, ".json");
	if (dot)
		*dot = 0;
	char *name = g_strdup_printf("%s-load", base);
	struct bed_run b = { .dir = g_build_filename(o->out, name, NULL), .status = { -1, -1 }, .held = -1 };
	g_free(base), g_free(name);
	g_mkdir_with_parents(b.dir, 0755);
	struct slot *w = g_new0(struct slot, l->concurrent);
	for (unsigned i = 0; i < l->concurrent; i++)
		w[i].tokens = w[i].results = -1;
	size_t n = json_object_array_length(s->steps) + 2; /* the parties, the worker, each step */
	struct tally t = { .setup = g_array_new(FALSE, FALSE, sizeof(double)),
			   .call = g_array_new(FALSE, FALSE, sizeof(double)),
			   .failed = g_new0(unsigned, n),
			   .first_why = g_new0(char *, n) };
	fflush(NULL);             /* nothing buffered is written twice by the workers */
	signal(SIGPIPE, SIG_IGN); /* a worker gone: its token pipe says EPIPE */
	if (!(why = start_bed(o, s, l->concurrent, &b)) && !start_workers(o, s, &b, w, l->concurrent))
		why = g_strdup_printf("could not start the workers: %s", g_strerror(errno));
	if (!why && (clock_getcpuclockid(b.alg, &b.clock[0]) || clock_getcpuclockid(b.agw, &b.clock[1])))
		why = g_strdup("cannot read the daemons' CPU time");
	int status = 2;
	if (!why) {
		double cpu0[2], cpu1[2], cpu[2];
		cpu_read(&b, cpu0);
		gint64 t0 = g_get_monotonic_time();
		drive(l, &b, w, &t);
		double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
		cpu_read(&b, cpu1);
		for (int i = 0; i < 2; i++)
			cpu[i] = cpu0[i] < 0 || cpu1[i] < 0 ? -1 : cpu1[i] - cpu0[i];
		stop_workers(w, l->concurrent);
		stop_daemons(&b);
		bool ok = t.passed == l->calls && b.status[0] < 0 && b.status[1] < 0 && !b.stop_status[0] &&
			  !b.stop_status[1];
		report(s, l, &t, secs, cpu, &b, ok);
		status = ok ? 0 : 1;
	} else {
		fprintf(stderr, "ims-lab: %s: %s\n", s->file, why);
		stop_workers(w, l->concurrent);
		stop_daemons(&b);
	}
	if (b.held >= 0)
		close(b.held);
	bed_ports_release();
	for (size_t k = 0; k < n; k++)
		g_free(t.first_why[k]);
	g_free(t.first_why), g_free(t.failed), g_free(w), g_free(b.dir), g_free(why);
	g_array_free(t.setup, TRUE), g_array_free(t.call, TRUE);
	return status;
}
