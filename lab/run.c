/* SPDX-License-Identifier: GPL-3.0-or-later */
/* run: see run.h. */
#include "config.h"
#include "run.h"
#include "run_int.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bed.h"
#include "evlog.h"
#include "expect.h"
#include "ladder.h"
#include "party.h"
#include "pcap.h"
#include "sockaddr.h"
#include "view.h"

/* ---- ports and daemons ---- */

char *run_binary(const struct lab_opts *o, const char *dir, const char *name)
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

/* Settings that are secrets: the daemon reads them from a file of the key's name plus "_file", made
 * owner-only in the run's directory, never from the command line (where ps shows them). */
static const char *const secret_keys[] = { "mrfc.psk", NULL };

/* The scenario's "alg" or "agw" settings as flags: "policy.syn_filter": true → --policy-syn-filter=true */
void run_add_flags(GPtrArray *argv, json_object *flags, const char *dir)
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

/* The ALG answered the gateway's ServiceChange: it is registered (seen in ims-agw's trace when the
 * controller is under test). */
static bool registered(struct run *r)
{
	evlog_read(r->log);
	GPtrArray *events = evlog_events(r->log);
	bool agw = r->o->sut == LAB_SUT_ALG;
	for (guint i = 0; i < events->len; i++) {
		const struct lab_event *e = events->pdata[i];
		if (e->k == (agw ? TRACE_H248_RX : TRACE_H248_TX) && e->component &&
		    !strcmp(e->component, agw ? "ims-agw" : "ims-alg") && e->raw &&
		    strstr(e->raw, "ServiceChange = ROOT")) /* the ALG's reply, not the gateway's request */
			return true;
	}
	return false;
}

pid_t run_spawn(const struct lab_opts *o, const struct scenario *s, const char *dir, const char *name,
		GPtrArray *argv, const char *out, const char *level, const char *keylog)
{
	g_ptr_array_insert(argv, 0, run_binary(o, dir, name));
	g_ptr_array_add(argv, g_strdup_printf("--log-level=%s", level));
	run_add_flags(argv, jget(s->root, dir), out);
	g_ptr_array_add(argv, NULL);
	char *log = g_strdup_printf("%s/%s.log", out, dir);
	unlink(log); /* an earlier run's is not this one's (the child opens it anew) */
	pid_t pid = bed_spawn((char *const *)argv->pdata,
			      &(struct bed_child){ .log = log, .keylog = keylog, .cpu = -1 });
	g_ptr_array_free(argv, TRUE), g_free(log);
	return pid;
}

/* One daemon, traced into the run's directory. */
static pid_t start_daemon(struct run *r, const char *dir, const char *name, GPtrArray *argv)
{
	g_ptr_array_add(argv, g_strdup_printf("--trace-file=%s/%s.jsonl", r->dir, dir));
	return run_spawn(r->o, r->s, dir, name, argv, r->dir, r->o->log_level,
			 r->pcap ? pcap_keylog_file(r->pcap) : NULL);
}

static char *start_daemons(struct run *r, int attempt);
static void start_alg(struct run *r, const struct party *core);
static void start_agw(struct run *r, uint16_t ac, unsigned ac_n, uint16_t co);

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

/* Waits up to 5 s for the gateway to register (a system under test: --sut-wait). A daemon that exits
 * meanwhile is said at once with its last log lines, unless it lost a port to another program between our
 * check and its bind (the ports are the kernel's ephemeral ones, and other tests take them too): then both
 * go, and new ports are tried, up to three times in all. */
static char *await_registration(struct run *r, int attempt)
{
	unsigned ms = r->o->sut ? r->o->sut_wait : 5000;
	for (unsigned i = 0; i < ms / 50; i++, g_usleep(50000)) {
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
		bed_reap(r->alg), bed_reap(r->agw);
		r->alg = r->agw = 0;
		if (r->held >= 0)
			close(r->held), r->held = -1;
		return start_daemons(r, attempt + 1);
	}
	if (registered(r))
		return NULL;
	if (r->o->sut == LAB_SUT_AGW)
		return g_strdup_printf("the gateway under test did not register with ims-alg at %s:%u within "
				       "%u ms (see %s/alg.log)",
				       r->o->sut_addr, r->o->sut_h248, ms, r->dir);
	if (r->o->sut == LAB_SUT_ALG)
		return g_strdup_printf("ims-agw could not register with the controller under test at %s:%u "
				       "within %u ms (see %s/agw.log)",
				       r->o->sut_addr, r->o->sut_h248, ms, r->dir);
	return g_strdup_printf(
	    "ims-agw did not register with ims-alg within 5 s (see %s/agw.log and alg.log)", r->dir);
}

static char *start_daemons(struct run *r, int attempt)
{
	struct party *core = NULL;
	for (struct party **p = r->parties; *p; p++)
		if (!(*p)->ue && !core)
			core = *p;
	const struct lab_opts *o = r->o;
	r->access = o->sut == LAB_SUT_ALG ? o->sut_sip[0] : bed_free_ports(1),
	r->core = o->sut == LAB_SUT_ALG ? o->sut_sip[1] : bed_free_ports(1),
	r->h248 = o->sut ? o->sut_h248 : bed_free_ports(1),
	r->agw_h248 = o->sut == LAB_SUT_ALG ? o->agw_h248 : bed_free_ports(1);
	uint16_t ac = bed_free_ports(REALM_PORTS), co = bed_free_ports(REALM_PORTS);
	if (!r->access || !r->core || !r->h248 || !r->agw_h248 || !ac || !co)
		return g_strdup("no free loopback ports");
	unsigned ac_n = REALM_PORTS;
	if (jbool(jget(r->s->root, "gateway"), "access_port_taken", false)) { /* the gateway's only port */
		union sa a;
		sa_from_text(&a, "127.0.0.1", ac);
		r->held = sa_bind(SOCK_STREAM, &a);
		ac_n = 1;
	}
	evlog_own(r->log, r->access, r->access, "alg");
	evlog_own(r->log, r->core, r->core, "alg");
	evlog_own(r->log, r->h248, r->h248, "alg");
	if (o->sut != LAB_SUT_AGW) { /* a gateway under test's ports are learnt from its replies */
		r->ex.realm[0][0] = ac, r->ex.realm[0][1] = (uint16_t)(ac + ac_n - 1);
		r->ex.realm[1][0] = co, r->ex.realm[1][1] = (uint16_t)(co + REALM_PORTS - 1);
		evlog_own(r->log, r->agw_h248, r->agw_h248, "agw");
		evlog_own(r->log, ac, (uint16_t)(ac + ac_n - 1), "agw");
		evlog_own(r->log, co, (uint16_t)(co + REALM_PORTS - 1), "agw");
	}
	if (o->sut != LAB_SUT_ALG)
		start_alg(r, core);
	if (o->sut != LAB_SUT_AGW)
		start_agw(r, ac, ac_n, co);
	return await_registration(r, attempt);
}

static void start_alg(struct run *r, const struct party *core)
{

	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(argv, g_strdup_printf("--sip-access-port=%u", r->access));
	g_ptr_array_add(argv, g_strdup_printf("--sip-core-port=%u", r->core));
	if (core)
		g_ptr_array_add(argv,
				g_strdup_printf("--sip-core-next-hop=sip:127.0.0.1:%u", core->sip_port));
	g_ptr_array_add(argv, g_strdup_printf("--h248-port=%u", r->h248));
	if (r->o->sut == LAB_SUT_AGW) { /* where the user points the gateway under test, which hears of */
		g_ptr_array_add(argv, g_strdup_printf("--h248-address=%s", r->o->sut_addr));
		/* the restart of each scenario's MGC soon when it offers H.248.14 (it/ito): the least mit */
		g_ptr_array_add(argv, g_strdup("--h248-inactivity=1000"));
	}
	r->alg = start_daemon(r, "alg", "ims-alg", argv);
}

static void start_agw(struct run *r, uint16_t ac, unsigned ac_n, uint16_t co)
{
	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(argv, g_strdup_printf("--h248-port=%u", r->agw_h248));
	g_ptr_array_add(argv, g_strdup_printf("--mgc-port=%u", r->h248));
	if (r->o->sut == LAB_SUT_ALG) /* the controller under test */
		g_ptr_array_add(argv, g_strdup_printf("--mgc-address=%s", r->o->sut_addr));
	g_ptr_array_add(argv, g_strdup_printf("--realm-access-ports=%u-%u", ac, ac + ac_n - 1));
	g_ptr_array_add(argv, g_strdup_printf("--realm-core-ports=%u-%u", co, co + REALM_PORTS - 1));
	if (r->o->nat_access) /* where the UEs behind the NAT reach it */
		g_ptr_array_add(argv, g_strdup_printf("--realm-access-address=%s", r->o->nat_access));
	r->agw = start_daemon(r, "agw", "ims-agw", argv);
}

/* ---- one step, the whole run ---- */

enum { PLAIN = JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE };

/* Whether the events label (a step, or steps joined with ", ") names step. */
static bool labelled(const char *label, const char *step)
{
	char **parts = label ? g_strsplit(label, ", ", -1) : NULL;
	bool in = parts && g_strv_contains((const char *const *)parts, step);
	g_strfreev(parts);
	return in;
}

enum { EVIDENCE_TEXT = 4096 }; /* the most of a SIP or H.248 message's text the evidence shows */

/* The messages the step's expectations matched, a line each: time, who traced it, kind, ends, summary;
 * a SIP or H.248 message's text under its line, indented. */
static char *evidence(struct run *r, const char *step)
{
	GString *out = g_string_new(NULL);
	GPtrArray *events = evlog_events(r->log);
	for (guint i = 0; i < events->len; i++) {
		const struct lab_event *e = events->pdata[i];
		if (!labelled(e->label, step))
			continue;
		g_string_append_printf(out, "%.6f %s %s %s -> %s: %s\n", e->t, e->component, e->kind,
				       e->from ? e->from : "?", e->to ? e->to : "?",
				       e->summary ? e->summary : "");
		enum trace_proto proto =
		    e->k < TRACE_KIND_COUNT ? trace_kinds[e->k].proto : TRACE_PROTO_OTHER;
		if (!e->raw || (proto != TRACE_PROTO_SIP && proto != TRACE_PROTO_H248))
			continue;
		char *text = g_strndup(e->raw, MIN(e->raw_len, EVIDENCE_TEXT));
		char **lines = g_strsplit(g_strchomp(g_strdelimit(text, "\r", ' ')), "\n", -1);
		for (char **l = lines; *l; l++)
			g_string_append_printf(out, "    %s\n", g_strchomp(*l));
		g_strfreev(lines), g_free(text);
	}
	return out->len ? g_string_free(out, FALSE) : (g_string_free(out, TRUE), NULL);
}

/* Its action, then each expectation the traces the lab has can show (the others noted in unobserved);
 * a step none of whose expectations can be observed is "not observable", never a pass. */
static void play_step(struct run *r, json_object *step, struct step_result *sr)
{
	gint64 t0 = g_get_monotonic_time();
	json_object *action = jget(step, "do"), *expect = jget(step, "expect");
	char *why = action ? act_do(r, action) : NULL;
	json_object *failed = action;
	GString *unobserved = g_string_new(NULL);
	size_t n = expect ? json_object_array_length(expect) : 0, observed = 0;
	for (size_t i = 0; !why && i < n; i++) {
		json_object *exp = json_object_array_get_idx(expect, i);
		const char *cannot = view_unobservable(&r->ex, exp);
		if (cannot) {
			g_string_append_printf(unobserved, "%s: %s\n",
					       json_object_to_json_string_ext(exp, PLAIN), cannot);
			continue;
		}
		observed++;
		failed = exp;
		why = expect_check(&r->ex, failed, sr->step, r->o->timeout);
	}
	sr->why = why;
	sr->expected = why && failed ? g_strdup(json_object_to_json_string_ext(failed, PLAIN)) : NULL;
	sr->verdict = why ? VERDICT_FAIL : n && !observed ? VERDICT_NOBS : VERDICT_PASS;
	sr->unobserved =
	    unobserved->len ? g_string_free(unobserved, FALSE) : (g_string_free(unobserved, TRUE), NULL);
	evlog_read(r->log);
	sr->evidence = evidence(r, sr->step);
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
			cols[n++] = (struct ladder_column){ "alg", expect_title(&r->ex, "alg") };
			cols[n++] = (struct ladder_column){ "agw", expect_title(&r->ex, "agw") };
		}
	}
	evlog_read(r->log);
	GPtrArray *events = ladder_events(evlog_events(r->log));
	char *full = scenario_title(r->s);
	res->text = g_build_filename(r->dir, "ladder.txt", NULL);
	res->html = g_build_filename(r->dir, "ladder.html", NULL);
	GString *nobs = g_string_new(NULL); /* the steps not (wholly) observable, and why */
	for (guint i = 0; i < res->steps->len; i++) {
		const struct step_result *st = &g_array_index(res->steps, struct step_result, i);
		if (st->unobserved)
			g_string_append_printf(nobs, "step %s%s:\n%s", st->step,
					       st->verdict == VERDICT_NOBS ? " not observable"
									   : " partly observed",
					       st->unobserved);
	}
	FILE *f = fopen(res->text, "w");
	if (f) {
		ladder_text(f, full, cols, n, events, FALSE, ladder_width());
		fputs(nobs->str, f);
		fclose(f);
	}
	if ((f = fopen(res->html, "w"))) {
		struct ladder_verdict v = { .verdict = res->error ? "ERROR" : "PASS", .why = res->error };
		char *why = NULL;
		for (guint i = 0; i < res->steps->len; i++) {
			const struct step_result *st = &g_array_index(res->steps, struct step_result, i);
			if (st->verdict == VERDICT_FAIL && !why) {
				why = scenario_failure(r->s, st->step, st->why);
				v = (struct ladder_verdict){ "FAIL", st->step, st->title, why, NULL };
			}
		}
		v.unobserved = nobs->len ? nobs->str : NULL;
		ladder_html(f, full, cols, n, events, &v);
		g_free(why);
		fclose(f);
	}
	g_string_free(nobs, TRUE);
	g_ptr_array_free(events, TRUE);
	g_free(full);
}

/* Settings the scenario gives the system under test, which the lab cannot apply: why it is not run, or
 * NULL. */
static char *sut_settings(const struct lab_opts *o, const struct scenario *s)
{
	const char *key = o->sut == LAB_SUT_AGW ? "agw" : o->sut == LAB_SUT_ALG ? "alg" : NULL;
	json_object *set = key ? jget(s->root, key) : NULL;
	if (o->sut == LAB_SUT_AGW && !set && (set = jget(s->root, "gateway")))
		key = "gateway";
	if (!set || o->sut_configured)
		return NULL;
	return g_strdup_printf("the scenario sets the %s under test (\"%s\": %s), which the lab does not "
			       "start; set it so, and play this scenario alone with --sut-configured",
			       o->sut == LAB_SUT_AGW ? "gateway" : "controller", key,
			       json_object_to_json_string_ext(set, PLAIN));
}

/* The scenario's parties (the first core peer on the port a controller under test is given as its next
 * hop); NULL, or why one could not be made. */
static char *make_parties(struct run *r)
{
	const struct lab_opts *o = r->o;
	char *lab_trace = g_build_filename(r->dir, "lab.jsonl", NULL), *err = NULL;
	unsigned n = 0, core_given = 0;
	json_object_object_foreach (r->s->parties, name, spec) {
		if (n == MAX_PARTIES) {
			err = g_strdup_printf("more than %d parties", MAX_PARTIES);
			break;
		}
		bool core =
		    strcmp(jstr(spec, "role", ""), "ue") != 0; /* the first: the controller's next hop */
		uint16_t port = o->sut == LAB_SUT_ALG && core && !core_given++ ? o->core_sip : 0;
		r->parties[n] = party_new(r->root, name, spec, r->log, port, lab_trace, &err);
		if (!r->parties[n++])
			break;
		r->parties[n - 1]->trace_sip = o->sut == LAB_SUT_ALG;
		char *ns =
		    jbool(spec, "behind_nat", false) ? g_strdup_printf("/run/netns/%s", o->nat_netns) : NULL;
		bool behind = !ns || party_behind_nat(r->parties[n - 1], ns, o->nat_ue, &err);
		g_free(ns);
		if (!behind)
			break;
	}
	g_free(lab_trace);
	return err;
}

/* Why s is not played with o, or NULL: a UE behind a NAT and none given, or what the system under test
 * cannot do (sut_settings). */
static char *skip_reason(const struct lab_opts *o, const struct scenario *s)
{
	bool nat = false;
	json_object_object_foreach (s->parties, who, what) {
		(void)who;
		nat |= jbool(what, "behind_nat", false);
	}
	if (nat && !o->nat_netns)
		return g_strdup("a UE is behind a NAT, and none was given (--nat; tests/integration/nat.sh "
				"builds one in network namespaces)");
	return sut_settings(o, s);
}

/* The scenario's directory under o->out (made), and its event log: the daemons' and the lab's files there,
 * emptied. */
static void open_out(struct run *r)
{
	char *base = g_path_get_basename(r->s->file);
	if (g_str_has_suffix(base, ".json"))
		base[strlen(base) - 5] = 0;
	r->dir = g_build_filename(r->o->out, base, NULL);
	g_free(base);
	g_mkdir_with_parents(r->dir, 0755);
	static const char *const files[] = { "alg.jsonl", "agw.jsonl", "lab.jsonl" };
	r->log = evlog_new();
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		char *path = g_build_filename(r->dir, files[i], NULL);
		unlink(path);
		evlog_add_file(r->log, path);
		g_free(path);
	}
}

struct run_result *run_scenario(const struct lab_opts *o, const struct scenario *s)
{
	struct run_result *res = g_new0(struct run_result, 1);
	res->steps = g_array_new(FALSE, TRUE, sizeof(struct step_result));
	if ((res->skipped = skip_reason(o, s))) {
		res->ok = true;
		return res;
	}
	gint64 t0 = g_get_monotonic_time();
	struct run r = { .o = o, .s = s, .held = -1 };
	open_out(&r);
	res->dir = r.dir;
	r.root = su_root_create(NULL);
	r.ex = (struct expect_ctx){ .log = r.log,
				    .root = r.root,
				    .parties = r.parties,
				    .traced = TRACE_BY_LAB | (o->sut != LAB_SUT_AGW ? TRACE_BY_AGW : 0) |
					      (o->sut != LAB_SUT_ALG ? TRACE_BY_ALG : 0),
				    .mg_view = o->sut == LAB_SUT_ALG };
	char *err = make_parties(&r);
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
	int alg = bed_reap(r.alg), agw = bed_reap(r.agw);
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
	bed_ports_release();
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
		g_free(s->unobserved), g_free(s->evidence);
	}
	g_array_free(r->steps, TRUE);
	g_free(r->error), g_free(r->skipped), g_free(r->dir), g_free(r->text), g_free(r->html);
	g_free(r);
}
