/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-agw's TLS legs and TLS 1.3's post-handshake messages (issue 25 item 4), with openssl s_server as
 * the UE, the TLS server toward the gateway (seed 004 originating: access leg setup:active, the UE's
 * fingerprint in the Remote, tlsbsc/est making the gateway the client):
 *   - session tickets: s_server sends two NewSessionTickets after the handshake (its default) and the UE
 *     its MSRP SEND at once; the SEND reaches the core byte-exact within 1 s, in each of 3 calls. The
 *     same when the fingerprint comes after the handshake (tickets and SEND wait in the socket, read in
 *     one go once the leg is verified).
 *   - KeyUpdate (RFC 8446 §4.6.3): the UE updates its keys (s_server's "k") and sends a SEND in the same
 *     read of the gateway (the gateway stopped meanwhile), then asks for an update ("K"): each SEND
 *     reaches the core within 1 s, the gateway answers with its own KeyUpdate, and the core's reply
 *     reaches the UE under the new keys.
 *   - TLS 1.2 HelloRequest ("r"): declined by ignoring it, and the relay goes on. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "outside.h"
#include "rig.h"

static struct rig *rig;
static char *dir; /* the UE's key and certificate (made by certtool) */
static struct tls_identity ue;
static bool have_tools, have_ue;

enum { BOUND_MS = 1000 }; /* a SEND must cross within this */

static int up(void)
{
	have_tools = outside_have((const char *const[]){ "openssl", "certtool", NULL });
	dir = g_dir_make_tmp("agw-tls13-XXXXXX", NULL);
	have_ue = have_tools && outside_identity(dir, "UE A", &ue);
	rig = rig_start((const char *const[]){ "--realm-access-ports", "25200-25299", "--realm-core-ports",
					       "26200-26299", "--tls-hold-timeout", "3000", NULL });
	return rig && (!have_tools || have_ue) ? 0 : 1;
}

static int down(void)
{
	if (have_ue)
		tls_identity_clear(&ue);
	int rc = rig && rig_stop(rig) == 0 ? 0 : 1;
	g_spawn_sync(NULL, (char *[]){ "rm", "-rf", dir, NULL }, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
		     NULL, NULL, NULL);
	g_free(dir);
	return rc;
}

/* An MSRP SEND (RFC 4975 §7.1) numbered n, and its 200 OK. */
static char *send_text(unsigned n)
{
	return g_strdup_printf("MSRP d93kswo%u SEND\r\nTo-Path: msrps://127.0.0.1:25200/s2s20w2a;tcp\r\n"
			       "From-Path: msrps://127.0.0.1:2855/iau39soe2843z;tcp\r\nMessage-ID: 1233%u\r\n"
			       "Byte-Range: 1-16/16\r\nContent-Type: text/plain\r\n\r\nHi, I'm Alice!\r\n"
			       "-------d93kswo%u$\r\n",
			       n, n, n);
}

static char *ok_text(unsigned n)
{
	return g_strdup_printf(
	    "MSRP d93kswo%u 200 OK\r\nTo-Path: msrps://127.0.0.1:2855/iau39soe2843z;tcp\r\n"
	    "From-Path: msrps://127.0.0.1:25200/s2s20w2a;tcp\r\n-------d93kswo%u$\r\n",
	    n, n);
}

struct call {
	struct outside ue; /* openssl s_server */
	unsigned ctx, ac;
	uint16_t port; /* the UE's */
	int core;      /* the core peer's connection */
};

static void ue_say(struct call *c, const char *text)
{
	CU_ASSERT_EQUAL(write(c->ue.in, text, strlen(text)), (ssize_t)strlen(text));
}

/* What the core peer receives within BOUND_MS is exactly text. */
static void core_gets(struct call *c, const char *text)
{
	size_t n = strlen(text);
	char *got = g_malloc0(n + 1);
	ssize_t r = tcp_read_all(c->core, got, n, BOUND_MS);
	ASSERT_TEXT("the UE's SEND at the core", r > 0 ? got : NULL, text);
	g_free(got);
}

/* s_server (TLS 1.3, its two tickets) as the UE; the core (actpass) and access terminations; the core
 * peer's SYN making the gateway connect to the UE (seed 004 steps 2-11). With fp, the UE's fingerprint is
 * in the access Remote from the start. */
static bool call_open(struct call *c, const char *version, bool fp, const char *first)
{
	uint16_t port = c->port = bed_free_ports(1);
	char accept[32], *cert = g_build_filename(dir, "cert.pem", NULL),
			 *key = g_build_filename(dir, "key.pem", NULL);
	snprintf(accept, sizeof accept, "127.0.0.1:%u", port);
	bool ok = outside_start(&c->ue,
				(const char *const[]){ "openssl", "s_server", "-accept", accept, "-cert",
						       cert, "-key", key, "-Verify", "1", version, "-msg",
						       "-naccept", "1", NULL },
				false) &&
		  outside_wait(&c->ue, "ACCEPT", 5000);
	g_free(cert), g_free(key);
	if (first) /* read by s_server once the connection is accepted: written as the handshake ends */
		ue_say(c, first);
	char *core = rig_requestf(
	    rig, "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = core }, Local {\n"
		 "v=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:actpass\n},\n"
		 "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message 9 TCP/MSRP *\na=setup:active\n} } } } }");
	c->ctx = rig_number_after(core, "Context = ");
	char *access = rig_requestf(
	    rig,
	    "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access },\n"
	    "Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP *\na=setup:active\na=fingerprint:$\n},\n"
	    "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message %u TCP/TLS/MSRP *\n%s%s%s} } },\n"
	    "Events = 5 { tlsbsc/up, tlsbsc/fail } } }",
	    c->ctx, port, fp ? "a=fingerprint:" : "", fp ? ue.fingerprint : "", fp ? "\n" : "");
	c->ac = rig_number_after(access, "Add = ac/");
	bool connected = false;
	c->core = tcp_connect_from(0, (uint16_t)rig_local_port(core), 2000, &connected);
	CU_ASSERT_TRUE(ok && c->ac && connected);
	char *r =
	    rig_requestf(rig, "Context = %u { Modify = ac/%u { Signals { tlsbsc/est } } }", c->ctx, c->ac);
	CU_ASSERT_TRUE(r && !strstr(r, "Error")); /* seed 004 steps 16-18: the gateway the TLS client */
	g_free(r), g_free(core), g_free(access);
	return ok && c->ac && connected;
}

static void expect_up(void)
{
	char *n = rig_notify(rig, 3000);
	CU_ASSERT_TRUE(n && strstr(n, "T : tlsbsc/up"));
	g_free(n);
}

static void call_close(struct call *c)
{
	g_free(rig_requestf(rig, "Context = %u { Subtract = * }", c->ctx));
	outside_stop(&c->ue);
	if (c->core >= 0)
		close(c->core);
}

/* The core's reply reaches the UE (s_server prints what it receives). */
static void ue_gets(struct call *c, unsigned n)
{
	char *ok = ok_text(n);
	CU_ASSERT_EQUAL(send(c->core, ok, strlen(ok), MSG_NOSIGNAL), (ssize_t)strlen(ok));
	CU_ASSERT_TRUE(outside_wait(&c->ue, ok, BOUND_MS));
	g_free(ok);
}

/* One call: tickets, then the UE's SEND at once; it must cross, and the 200 OK back. */
static void ticket_call(unsigned n, bool fp)
{
	struct call c;
	char *s = send_text(n);
	if (call_open(&c, "-tls1_3", fp, s)) {
		if (!fp) { /* handshake done, held: tickets and SEND wait in the socket; then the fingerprint
			    */
			CU_ASSERT_TRUE(outside_msg(&c.ue, ">>>", "NewSessionTicket", 3000));
			usleep(200000);
			char *r =
			    rig_requestf(rig,
					 "Context = %u { Modify = ac/%u { Media { Stream = 1 { Remote {\n"
					 "v=0\nc=IN IP4 127.0.0.1\nm=message %u TCP/TLS/MSRP *\n"
					 "a=fingerprint:%s\n} } } } }",
					 c.ctx, c.ac, c.port, ue.fingerprint);
			CU_ASSERT_TRUE(r && !strstr(r, "Error"));
			g_free(r);
		}
		expect_up();
		core_gets(&c, s);
		CU_ASSERT_TRUE(outside_msg(&c.ue, ">>>", "NewSessionTicket", 1000)); /* the case at hand */
		ue_gets(&c, n);
	}
	call_close(&c);
	g_free(s);
}

static void test_tickets(void)
{
	if (!have_ue)
		return;
	for (unsigned i = 1; i <= 3; i++)
		ticket_call(i, true);
}

static void test_tickets_held(void)
{
	if (have_ue)
		ticket_call(4, false);
}

/* The number of -msg lines for what went dir. */
static unsigned msgs(struct outside *o, const char *dir_, const char *what)
{
	unsigned k = 0;
	for (const char *l = o->seen->str; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		size_t len = strcspn(l, "\n");
		k += !strncmp(l, dir_, 3) && g_strstr_len(l, (gssize)len, what);
	}
	return k;
}

static bool await_msgs(struct outside *o, const char *dir_, const char *what, unsigned k, unsigned ms)
{
	for (unsigned waited = 0; msgs(o, dir_, what) < k; waited += 50) {
		if (waited >= ms)
			return false;
		outside_wait(o, NULL, 50);
	}
	return true;
}

/* The UE's KeyUpdate ("k", or "K" asking for ours) and its next SEND arrive while the gateway is
 * stopped: both are in the socket when it reads again. */
static void key_update(struct call *c, const char *cmd, unsigned n)
{
	unsigned sent = msgs(&c->ue, ">>>", "KeyUpdate");
	char *s = send_text(n);
	kill(rig_pid(rig), SIGSTOP);
	ue_say(c, cmd);
	CU_ASSERT_TRUE(await_msgs(&c->ue, ">>>", "KeyUpdate", sent + 1, 2000));
	ue_say(c, s);
	usleep(200000);
	kill(rig_pid(rig), SIGCONT);
	core_gets(c, s);
	g_free(s);
}

static void test_key_update(void)
{
	if (!have_ue)
		return;
	struct call c;
	if (call_open(&c, "-tls1_3", true, NULL)) {
		expect_up();
		char *s = send_text(5);
		ue_say(&c, s);
		core_gets(&c, s);
		ue_gets(&c, 5);
		key_update(&c, "k\n", 6); /* the UE's sending keys change */
		ue_gets(&c, 6);
		CU_ASSERT_EQUAL(msgs(&c.ue, "<<<", "KeyUpdate"), 0); /* not asked: none from the gateway */
		key_update(&c, "K\n", 7); /* and it asks the gateway to change its own */
		ue_gets(&c, 7);
		CU_ASSERT_TRUE(await_msgs(&c.ue, "<<<", "KeyUpdate", 1, BOUND_MS));
		g_free(s);
		s = send_text(8);
		ue_say(&c, s);
		core_gets(&c, s);
		g_free(s);
	}
	call_close(&c);
}

/* TLS 1.2: the UE asks for a renegotiation (s_server's "r", a HelloRequest); the gateway declines it by
 * ignoring it (RFC 5246 §7.4.1.1) and relays on. */
static void test_hello_request(void)
{
	if (!have_ue)
		return;
	struct call c;
	if (call_open(&c, "-tls1_2", true, NULL)) {
		expect_up();
		char *s = send_text(9);
		ue_say(&c, s);
		core_gets(&c, s);
		ue_say(&c, "r\n");
		CU_ASSERT_TRUE(await_msgs(&c.ue, ">>>", "HelloRequest", 1, 2000));
		g_free(s);
		s = send_text(10);
		ue_say(&c, s);
		core_gets(&c, s);
		ue_gets(&c, 10);
		CU_ASSERT_EQUAL(msgs(&c.ue, "<<<", "ClientHello"), 1); /* the first handshake's only */
		g_free(s);
	}
	call_close(&c);
}

int main(void)
{
	static const struct rig_test tests[] = {
		{ "s_server UE: two tickets, then its SEND at once reaches the core (3 calls)",
		  test_tickets },
		{ "s_server UE: tickets and SEND read together once the fingerprint comes",
		  test_tickets_held },
		{ "s_server UE: KeyUpdate, and KeyUpdate asking for ours, each with a SEND after it",
		  test_key_update },
		{ "s_server UE, TLS 1.2: a HelloRequest is declined, the relay goes on", test_hello_request },
		{ NULL, NULL },
	};
	signal(SIGPIPE, SIG_IGN); /* a UE that ended fails the test, not the program */
	return rig_cunit_main("agw TLS 1.3 post-handshake messages", up, down, tests);
}
