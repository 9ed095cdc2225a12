/* SPDX-License-Identifier: GPL-3.0-or-later */
/* assoc: ServiceChange registration between a real MG and MGC on loopback — version negotiation,
 * MgcIdToTry, re-registration with Disconnected after loss of contact, an MGC that appears late,
 * TCP with its connection dropped, Graceful, a ServiceChange without its required Reason, and an MGC
 * that restarts (the silent MGC probed, its 505 taken as loss of contact, Disconnected reported as
 * "may hold"), and its 411 about a context the MG holds taken likewise. */
#include <glib.h>
#include <string.h>

#include "assoc.h"
#include "parse.h"
#include "peers.h"
#include "suites.h"

struct node {
	struct ev_loop *loop;
	struct h248_link *link;
	struct h248_tl *tl;
	struct h248_mg *mg;   /* MG role */
	struct h248_mgc *mgc; /* MGC role */
	GString *seen;        /* raw messages received */
	GString *events;      /* callbacks, in order */
	const char *redirect; /* MGC role: answer every registration with MgcIdToTry = this */
	unsigned other;       /* MGC role, a request not a ServiceChange: 0 none expected, 505, or 200 */
	unsigned silence_ms;  /* MG role: mgc.silence_timeout */
};

static void n_recv(void *arg, const char *text, size_t len, const struct h248_from *from)
{
	struct node *n = arg;
	g_string_append_len(n->seen, text, (gssize)len);
	g_string_append(n->seen, "\n--\n");
	h248_tl_input(n->tl, text, len, from);
}

static void n_closed(void *arg, uint32_t conn, const char *why)
{
	struct node *n = arg;
	if (n->mg)
		h248_mg_conn_closed(n->mg, conn);
}

static void n_request(void *arg, struct h248_txn *txn, const struct h248_msg *msg,
		      const struct h248_node *trans)
{
	struct node *n = arg;
	if (n->redirect) {
		struct h248_node *reply;
		struct h248_msg *m = h248_txn_new_reply(txn, &reply);
		struct h248_node *sv =
		    h248_add_token(m,
				   h248_add_token(m, h248_add_token(m, reply, H248_TOK_CONTEXT, "-"),
						  H248_TOK_SERVICECHANGE, "ROOT"),
				   H248_TOK_SERVICES, NULL);
		h248_add_token(m, sv, H248_TOK_MGCIDTOTRY, n->redirect);
		h248_txn_reply(txn, m);
		return;
	}
	if (n->mgc && h248_mgc_handle(n->mgc, txn, msg, trans))
		return;
	CU_ASSERT_NOT_EQUAL(n->other, 0);
	if (n->other == 505 && !strstr(n->events->str, "up ")) { /* a restarted MGC: the MG not registered */
		h248_txn_error(txn, 505, "Transaction Request Received before a Service Change Reply");
		return;
	}
	struct h248_node *reply;
	struct h248_msg *m = h248_txn_new_reply(txn, &reply);
	h248_add_token(m, h248_add_token(m, reply, H248_TOK_CONTEXT, "-"), H248_TOK_NOTIFY, "ROOT");
	h248_txn_reply(txn, m);
}

static void on_registered(void *arg, unsigned version)
{
	g_string_append_printf(((struct node *)arg)->events, "registered v%u;", version);
}

static void on_lost(void *arg, const char *why)
{
	g_string_append_printf(((struct node *)arg)->events, "lost;");
}

static void on_up(void *arg, const char *mid, const struct h248_from *from, unsigned version)
{
	g_string_append_printf(((struct node *)arg)->events, "up %s v%u;", mid, version);
}

static void on_down(void *arg, const char *mid, const char *method)
{
	g_string_append_printf(((struct node *)arg)->events, "down %s %s;", mid, method);
}

static void on_may_hold(void *arg, const char *mid, const char *method)
{
	g_string_append_printf(((struct node *)arg)->events, "may hold %s %s;", mid, method);
}

static void node_open(struct ev_loop *loop, struct node *n, const char *mid, uint16_t port, unsigned version)
{
	static const struct h248_link_ops lops = { .recv = n_recv, .closed = n_closed };
	static const struct h248_tl_ops tops = { .request = n_request };
	static const struct h248_mgc_ops mops = { on_up, on_down, on_may_hold };
	union sa local;
	char *err = NULL;
	sa_from_text(&local, "127.0.0.1", port);
	n->loop = loop;
	n->seen = g_string_new("");
	n->events = g_string_new("");
	n->link = h248_link_new(loop, &local, NULL, &lops, n, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n->link);
	struct h248_tl_opts o = { .mid = { H248_MID_DEVICE, { mid, strlen(mid) }, -1 },
				  .version = version,
				  .style = H248_PRETTY,
				  .initial_rto_ms = 20,
				  .max_rto_ms = 40,
				  .tmax_ms = 150 };
	n->tl = h248_tl_new(loop, n->link, &o, &tops, n);
	n->mgc = h248_mgc_new(version, &mops, n);
}

static void mg_role(struct node *n, const struct node *mgc, bool tcp)
{
	static const struct h248_mg_ops ops = { on_registered, on_lost };
	struct h248_mg_opts o = { .mgc = *h248_link_local(mgc->link),
				  .tcp = tcp,
				  .profile = "IMS-AGW/1",
				  .retry_ms = 30,
				  .retry_max_ms = 60,
				  .silence_ms = n->silence_ms };
	n->mg = h248_mg_new(n->loop, n->link, n->tl, &o, &ops, n);
}

static void node_close(struct node *n)
{
	h248_mg_free(n->mg);
	h248_mgc_free(n->mgc);
	h248_tl_free(n->tl);
	h248_link_free(n->link);
	g_string_free(n->seen, TRUE);
	g_string_free(n->events, TRUE);
	memset(n, 0, sizeof *n);
}

static void stop(struct ev_loop *l, void *arg)
{
	ev_loop_stop(l);
}

static void run_for(struct ev_loop *loop, unsigned ms)
{
	ev_timer_add(loop, ms, stop, NULL);
	ev_loop_run(loop);
}

static void test_register_and_negotiate(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct node mgc = { 0 }, mg = { 0 };
	node_open(loop, &mgc, "ALG", 0, 2);
	node_open(loop, &mg, "AGW", 0, 3);
	mg_role(&mg, &mgc, false);
	h248_mg_start(mg.mg);
	run_for(loop, 100);
	ASSERT_STR(mg.events->str, "registered v2;");
	ASSERT_STR(mgc.events->str, "up AGW v2;");
	CU_ASSERT_TRUE(h248_mg_is_registered(mg.mg));
	CU_ASSERT_TRUE(g_regex_match_simple(
	    "^MEGACO/3 AGW\nTransaction = [0-9]+ \\{\n  Context = - \\{\n"
	    "    ServiceChange = ROOT \\{\n      Services \\{\n        Method = Restart,\n"
	    "        Reason = \"901 Cold Boot\",\n        Version = 3,\n"
	    "        Profile = IMS-AGW/1,\n        [0-9]{8}T[0-9]{8}\n      \\}\n    \\}\n  \\}\n\\}\n",
	    mgc.seen->str, G_REGEX_MULTILINE, 0));
	CU_ASSERT_TRUE(g_regex_match_simple(
	    "^MEGACO/2 ALG\nReply = [0-9]+ \\{\n  Context = - \\{\n    ServiceChange = "
	    "ROOT \\{\n      Services \\{\n        Version = 2\n      \\}\n    \\}\n  \\}\n\\}\n",
	    mg.seen->str, 0, 0));

	/* contact lost: registered again, now with Disconnected, answered at the agreed version */
	g_string_truncate(mgc.seen, 0);
	h248_mg_lost(mg.mg, "test");
	run_for(loop, 100);
	ASSERT_STR(mg.events->str, "registered v2;lost;registered v2;");
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(mgc.seen->str, "Method = Disconnected,\n        Reason = \"900 Service Restored\""));

	/* out of service */
	h248_mg_service_change(mg.mg, H248_TOK_GRACEFUL, "905 Termination taken out of service");
	run_for(loop, 50);
	ASSERT_STR(mgc.events->str, "up AGW v2;up AGW v2;may hold AGW Disconnected;down AGW Graceful;");
	CU_ASSERT_FALSE(h248_mg_is_registered(mg.mg));
	node_close(&mg), node_close(&mgc);
	ev_loop_free(loop);
}

static void test_mgc_id_to_try(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct node first = { 0 }, second = { 0 }, mg = { 0 };
	node_open(loop, &first, "ALG1", 0, 3);
	node_open(loop, &second, "ALG2", 0, 3);
	node_open(loop, &mg, "AGW", 0, 3);
	char *there = g_strdup_printf("[127.0.0.1]:%u", sa_port(h248_link_local(second.link)));
	first.redirect = there;
	mg_role(&mg, &first, false);
	h248_mg_start(mg.mg);
	run_for(loop, 100);
	ASSERT_STR(first.events->str, "");
	ASSERT_STR(second.events->str, "up AGW v3;");
	ASSERT_STR(mg.events->str, "registered v3;");
	CU_ASSERT_TRUE(sa_equal(&h248_mg_mgc(mg.mg)->addr, h248_link_local(second.link)));
	g_free(there);
	node_close(&mg), node_close(&first), node_close(&second);
	ev_loop_free(loop);
}

static void test_late_mgc(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct node mgc = { 0 }, mg = { 0 };
	node_open(loop, &mgc, "ALG", 0, 3);
	uint16_t port = sa_port(h248_link_local(mgc.link));
	node_open(loop, &mg, "AGW", 0, 3);
	mg_role(&mg, &mgc, false);
	node_close(&mgc); /* nobody there yet */
	h248_mg_start(mg.mg);
	run_for(loop, 400); /* tries time out (T-MAX 150 ms) and are repeated */
	ASSERT_STR(mg.events->str, "");
	node_open(loop, &mgc, "ALG", port, 3);
	run_for(loop, 300);
	ASSERT_STR(mg.events->str, "registered v3;");
	CU_ASSERT_PTR_NOT_NULL(strstr(mgc.seen->str, "Method = Restart")); /* never registered before */
	CU_ASSERT(h248_tl_stats(mg.tl)->timeouts >= 2);
	node_close(&mg), node_close(&mgc);
	ev_loop_free(loop);
}

static void test_tcp_and_connection_loss(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct node mgc = { 0 }, mg = { 0 };
	node_open(loop, &mgc, "ALG", 0, 3);
	uint16_t port = sa_port(h248_link_local(mgc.link));
	node_open(loop, &mg, "AGW", 0, 3);
	mg_role(&mg, &mgc, true);
	h248_mg_start(mg.mg);
	run_for(loop, 100);
	ASSERT_STR(mg.events->str, "registered v3;");
	CU_ASSERT_NOT_EQUAL(h248_mg_mgc(mg.mg)->conn, 0);
	node_close(&mgc); /* the MGC goes away: its TCP connection closes */
	run_for(loop, 50);
	ASSERT_STR(mg.events->str, "registered v3;lost;");
	node_open(loop, &mgc, "ALG", port, 3);
	run_for(loop, 300);
	ASSERT_STR(mg.events->str, "registered v3;lost;registered v3;");
	CU_ASSERT_PTR_NOT_NULL(strstr(mgc.seen->str, "Method = Disconnected"));
	node_close(&mg), node_close(&mgc);
	ev_loop_free(loop);
}

/* The MGC silent for silence_ms: probed with Notify ROOT {it/ito}, answered, nothing else. The MGC
 * restarted (a fresh one on the same port, knowing nothing): the probe is answered 505, the MG registers
 * again with Disconnected and the MGC hears that it may hold contexts. The MGC gone: the probe goes
 * unanswered, contact is lost. */
static void test_mgc_restart(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct node mgc = { .other = 200 }, mg = { .silence_ms = 100 };
	node_open(loop, &mgc, "ALG", 0, 3);
	uint16_t port = sa_port(h248_link_local(mgc.link));
	node_open(loop, &mg, "AGW", 0, 3);
	mg_role(&mg, &mgc, false);
	h248_mg_start(mg.mg);
	run_for(loop, 350);
	ASSERT_STR(mg.events->str, "registered v3;");
	CU_ASSERT_TRUE(g_regex_match_simple("Notify = ROOT \\{\n      ObservedEvents = 0 \\{\n        "
					    "[0-9]{8}T[0-9]{8} : it/ito \\{\n          mit = 10\n",
					    mgc.seen->str, 0, 0));
	node_close(&mgc);
	mgc.other = 505;
	node_open(loop, &mgc, "ALG", port, 3);
	run_for(loop, 300);
	ASSERT_STR(mg.events->str, "registered v3;lost;registered v3;");
	ASSERT_STR(mgc.events->str, "up AGW v3;may hold AGW Disconnected;");
	CU_ASSERT_PTR_NOT_NULL(strstr(mgc.seen->str, "it/ito"));
	CU_ASSERT_PTR_NOT_NULL(strstr(mgc.seen->str, "Method = Disconnected"));
	node_close(&mgc); /* nobody answers the next probe (T-MAX 150 ms) */
	run_for(loop, 350);
	CU_ASSERT_TRUE(g_str_has_prefix(mg.events->str, "registered v3;lost;registered v3;lost;"));
	CU_ASSERT_FALSE(h248_mg_is_registered(mg.mg));
	node_close(&mg);
	ev_loop_free(loop);
}

/* A Reply whose Error is 411: the MG holds the context the request named (held), so an MGC that does not
 * know it restarted: contact lost, registered again. The context gone by then (a Notify that crossed its
 * Subtract): nothing. Whether the 411 is the transaction's or the Context's. */
static void test_unknown_context(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct node mgc = { .other = 200 }, mg = { 0 };
	node_open(loop, &mgc, "ALG", 0, 3);
	node_open(loop, &mg, "AGW", 0, 3);
	mg_role(&mg, &mgc, false);
	h248_mg_start(mg.mg);
	run_for(loop, 100);
	ASSERT_STR(mg.events->str, "registered v3;");
	const char *texts[] = { "MEGACO/3 ALG\nReply = 5 { Context = 7 { Error = 411 { \"unknown context 7\" } } }",
				"MEGACO/3 ALG\nReply = 6 { Error = 411 { \"unknown context 7\" } }" };
	const char *after[][2] = { { "registered v3;", "registered v3;lost;registered v3;" },
				   { "registered v3;lost;registered v3;",
				     "registered v3;lost;registered v3;lost;registered v3;" } };
	for (int i = 0; i < 2; i++) {
		struct h248_error err;
		struct h248_msg *m = h248_parse(texts[i], strlen(texts[i]), NULL, &err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT_FALSE(h248_mg_check_reply(mg.mg, m->first, false)); /* not held: no news */
		run_for(loop, 100);
		ASSERT_STR(mg.events->str, after[i][0]);
		CU_ASSERT_TRUE(h248_mg_check_reply(mg.mg, m->first, true));
		run_for(loop, 100);
		ASSERT_STR(mg.events->str, after[i][1]);
		h248_msg_free(m);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(mgc.seen->str, "Method = Disconnected"));
	node_close(&mg), node_close(&mgc);
	ev_loop_free(loop);
}

static void test_reason_required(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct node mgc = { 0 }, peer = { 0 };
	node_open(loop, &mgc, "ALG", 0, 3);
	node_open(loop, &peer, "AGW", 0, 3);
	struct h248_from to = { .addr = *h248_link_local(mgc.link) };
	const char *sc = "MEGACO/3 AGW\nTransaction = 77 { Context = - { ServiceChange = ROOT { Services { "
			 "Method = Restart } } } }";
	h248_link_send(peer.link, &to, sc, strlen(sc));
	run_for(loop, 50);
	ASSERT_STR(peer.seen->str, /* the codec refuses it now (issue 18): 472 for the transaction */
		   "MEGACO/3 ALG\nReply = 77 {\n  Error = 472 {\n"
		   "    \"line 2 column 85: Services has no Reason: it is required\"\n  }\n}\n\n--\n");
	ASSERT_STR(mgc.events->str, "");
	node_close(&peer), node_close(&mgc);
	ev_loop_free(loop);
}

/* After registration the MG takes messages only from its MGC's address and port and under the mId the
 * MGC answered with; registering again forgets the mId until the new answer names it. */
static void test_mg_pairing(void)
{
	struct ev_loop *loop = ev_loop_new();
	struct node mgc = { 0 }, mg = { 0 };
	node_open(loop, &mgc, "ALG", 0, 3);
	node_open(loop, &mg, "AGW", 0, 3);
	mg_role(&mg, &mgc, false);
	CU_ASSERT_PTR_NULL(h248_mg_mgc_mid(mg.mg));
	h248_mg_start(mg.mg);
	run_for(loop, 100);
	ASSERT_STR(mg.events->str, "registered v3;");
	ASSERT_STR(h248_mg_mgc_mid(mg.mg), "ALG");
	struct h248_error err;
	const char *ok_text =
		       "MEGACO/3 ALG\nTransaction = 1 { Context = - { AuditValue = ROOT { Audit { } } } }",
		   *other_text = "MEGACO/3 [127.0.0.1]:2945\nTransaction = 1 { Context = - { AuditValue = "
				 "ROOT { Audit { } } } }";
	struct h248_msg *ok = h248_parse(ok_text, strlen(ok_text), NULL, &err),
			*other = h248_parse(other_text, strlen(other_text), NULL, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ok);
	CU_ASSERT_PTR_NOT_NULL_FATAL(other);
	struct h248_from right = { .addr = *h248_link_local(mgc.link) }, port = right, host = right,
			 tcp = right;
	port.addr.in.sin_port = htons((uint16_t)(sa_port(&right.addr) + 1));
	sa_from_text(&host.addr, "127.0.0.9", sa_port(&right.addr));
	tcp.conn = 7;
	CU_ASSERT_TRUE(h248_mg_from_mgc(mg.mg, ok, &right));
	CU_ASSERT_FALSE(h248_mg_from_mgc(mg.mg, other, &right)); /* another mId */
	CU_ASSERT_FALSE(h248_mg_from_mgc(mg.mg, ok, &port));     /* another port */
	CU_ASSERT_FALSE(h248_mg_from_mgc(mg.mg, NULL, &host));   /* another address */
	CU_ASSERT_FALSE(h248_mg_from_mgc(mg.mg, NULL, &tcp));    /* a connection it did not open */
	h248_mg_lost(mg.mg, "test");
	CU_ASSERT_PTR_NULL(h248_mg_mgc_mid(mg.mg)); /* registering again: the answer names it anew */
	run_for(loop, 100);
	ASSERT_STR(h248_mg_mgc_mid(mg.mg), "ALG");
	h248_msg_free(ok), h248_msg_free(other);
	node_close(&mg), node_close(&mgc);
	ev_loop_free(loop);
}

/* Allow entries and the canonical mId. */
static void test_allow_entries(void)
{
	static const struct {
		const char *entry, *from, *mid;
		bool match;
	} cases[] = {
		{ "127.0.0.1", "127.0.0.1:2944", "[127.0.0.1]:2944", true },
		{ "127.0.0.1", "127.0.0.9:2944", NULL, false },
		{ "10.1.0.0/16", "10.1.200.3:9", NULL, true },
		{ "10.1.0.0/16", "10.2.0.3:9", NULL, false },
		{ "10.1.0.0/15", "10.0.255.255:9", NULL, true },
		{ "127.0.0.1:2944", "127.0.0.1:2944", NULL, true },
		{ "127.0.0.1:2944", "127.0.0.1:2945", NULL, false },
		{ "[127.0.0.1]:2944@127.0.0.1:2944", "127.0.0.1:2944", "[127.0.0.1]:2944", true },
		{ "[127.0.0.1]:2944@127.0.0.1:2944", "127.0.0.1:2944", "[127.0.0.1]:2945", false },
		{ "[127.0.0.1]:2944@127.0.0.1:2944", "127.0.0.1:2944", NULL, true }, /* the source only */
		{ "<AGW.example>:2944@127.0.0.1", "127.0.0.1:1", "<agw.example>:2944", true },
		{ "[::1]:2944", "[::1]:2944", NULL, true },
		{ "[::1]:2944", "127.0.0.1:2944", NULL, false },
		{ "2001:db8::/32", "[2001:db8:1::5]:1", NULL, true },
		{ "2001:db8::/32", "[2001:db9::5]:1", NULL, false },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct h248_allow e;
		char *err = NULL, host[64];
		CU_ASSERT_TRUE_FATAL(h248_allow_parse(cases[i].entry, &e, &err));
		const char *f = cases[i].from, *colon = strrchr(f, ':');
		bool v6 = *f == '[';
		snprintf(host, sizeof host, "%.*s", (int)(colon - f - 2 * v6), f + v6);
		union sa from;
		CU_ASSERT_TRUE_FATAL(sa_from_text(&from, host, (uint16_t)atoi(colon + 1)));
		if (h248_allow_match(&e, &from, cases[i].mid) != cases[i].match)
			fprintf(stderr, "\n%s vs %s %s: expected %d\n", cases[i].entry, f,
				cases[i].mid ? cases[i].mid : "", cases[i].match);
		CU_ASSERT_EQUAL(h248_allow_match(&e, &from, cases[i].mid), cases[i].match);
		g_free(e.mid);
	}
	static const char *const bad[][2] = {
		{ "127.0.0.300", "\"127.0.0.300\": not an IPv4 or IPv6 address" },
		{ "10.0.0.0/33", "\"10.0.0.0/33\": the prefix length is not 0 to 32" },
		{ "127.0.0.1:0", "\"127.0.0.1:0\": the port is not 1 to 65535" },
		{ "[::1", "\"[::1\": '[' without ']'" },
		{ "[1.2.3@127.0.0.1", "\"[1.2.3\" is not an H.248 mId" },
		{ "127.0.0.1:5x", "\"127.0.0.1:5x\": unexpected \"x\"" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct h248_allow e;
		char *err = NULL;
		CU_ASSERT_FALSE(h248_allow_parse(bad[i][0], &e, &err));
		ASSERT_STR(err, bad[i][1]);
		g_free(err);
	}
	const char *mids[][2] = { { "[10.0.0.1]:2944", "[10.0.0.1]:2944" },
				  { "[::1]", "[::1]" },
				  { "<MGC.Example.net>:2944", "<mgc.example.net>:2944" },
				  { "MG1", "MG1" },
				  { "MTP{0A1B}", "MTP{0A1B}" } };
	for (size_t i = 0; i < G_N_ELEMENTS(mids); i++) {
		struct h248_mid m;
		CU_ASSERT_TRUE_FATAL(h248_mid_parse(mids[i][0], strlen(mids[i][0]), &m));
		char *key = h248_mid_key(&m);
		ASSERT_STR(key, mids[i][1]);
		g_free(key);
	}
}

void register_assoc(void)
{
	static const struct unit_test tests[] = {
		{ "registration, version negotiation, Disconnected, Graceful", test_register_and_negotiate },
		{ "MgcIdToTry sends the MG to another MGC", test_mgc_id_to_try },
		{ "an MGC that appears late", test_late_mgc },
		{ "TCP: connection lost and registration again", test_tcp_and_connection_loss },
		{ "ServiceChange without Reason refused", test_reason_required },
		{ "an MGC that restarts: probed, 505, Disconnected, may hold", test_mgc_restart },
		{ "411 about a context held: registered again; about one gone: nothing", test_unknown_context },
		{ "MG: only the MGC's address, port and registered mId", test_mg_pairing },
		{ "allow entries and the canonical mId", test_allow_entries },
		{ NULL, NULL },
	};
	unit_add_suite("assoc", tests);
}
