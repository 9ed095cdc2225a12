/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-alg killed and started again while the real ims-agw holds a call's context (issue 25, item 2).
 * The gateway hears nothing from the new controller (it does not know the gateway, so it audits
 * nothing); after mgc.silence_timeout (2 s here) it probes with Notify ROOT {it/ito}, the new ims-alg
 * answers 505, and the gateway registers again with Method=Disconnected (H.248.1 §11.5). The new
 * ims-alg, which made none of the gateway's contexts, sends Context = * { Subtract = * }: within 8 s of
 * the restart the gateway is registered, its realms' ports are all free again (no old context left),
 * and a new call completes. On the code before this, the gateway stays registered with nobody and keeps
 * the context: none of the three holds. The same again with the gateway's probe off: the Notify it sends
 * when a stranger's bytes reach the old call's leg is answered 505, which tells it just as well.
 *
 * Then a gateway played here registers with the restarted ims-alg with Method=Disconnected: it may hold
 * contexts of the old one. While the Subtract of every context that this earns is unanswered, a Notify
 * about such a context is answered as usual (it is about to go); once it is answered, a Notify about
 * one is answered H.248.8 411 in that Context (byte for byte), which tells a gateway that still holds it
 * that the MGC does not know it (ims-agw's side: tests/integration/megaco-411.sh). Before, ims-alg took
 * any Notify from a registered gateway. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "algrig.h"
#include "rig.h"
#include "sippeer.h"
#include "tlspeer.h"

/* the two gateways' realms: claimed from the test bed's band in up() */
static char access1[RIG_BAND_LEN], core1[RIG_BAND_LEN], access2[RIG_BAND_LEN], core2[RIG_BAND_LEN];
enum { WITHIN_MS = 8000 };

static struct algrig r;
static struct sippeer ue, core;
static struct tls_identity ue_id;

/* A trace line from byte `from` on of kind ("h248.rx", "h248.tx") holding both texts. */
static bool traced_in(const struct algrig *rig, long from, const char *kind, const char *a, const char *b)
{
	char *text = NULL;
	gsize n = 0;
	bool found = false;
	if (!g_file_get_contents(rig->trace, &text, &n, NULL))
		return false;
	char **lines = g_strsplit(from < (long)n ? text + from : "", "\n", -1);
	for (char **l = lines; *l && !found; l++)
		found = strstr(*l, kind) && strstr(*l, a) && strstr(*l, b);
	g_strfreev(lines);
	g_free(text);
	return found;
}

static bool traced(long from, const char *kind, const char *a, const char *b)
{
	return traced_in(&r, from, kind, a, b);
}

/* A call from the UE through rig to the core, answered and ACKed; the UE's dialog in *d, the port of the
 * gateway's access leg in *port when asked. */
static bool call_through(const struct algrig *rig, const char *id, struct sipdlg *d, unsigned *port)
{
	char *sdp = algrig_sdp("ue", &payload_msrp, 9, true, "active", ue_id.fingerprint, "requested");
	sippeer_invite(&ue, rig->access, "a", "b", id, sdp);
	char *inv = sippeer_next_of(&core, "INVITE ", 5000), *ok = NULL;
	if (inv) {
		char *answer = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL);
		sippeer_answer(&core, inv, "b", "200 OK", answer);
		g_free(answer);
		ok = sippeer_final(&ue, 5000);
	}
	bool up = ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n");
	if (up && port)
		*port = sdp_port(sip_body(ok), "message");
	if (up) {
		sipdlg_caller(d, &ue, ok, 1);
		sipdlg_send(d, "ACK", NULL);
		g_free(sippeer_next_of(&core, "ACK ", 3000));
	}
	g_free(ok), g_free(inv), g_free(sdp);
	return up;
}

static bool call_up(const char *id, struct sipdlg *d)
{
	return call_through(&r, id, d, NULL);
}

/* ims-alg's command line, read from /proc before it is killed (g_strfreev it). */
static char **argv_of(pid_t pid)
{
	char *path = g_strdup_printf("/proc/%d/cmdline", (int)pid), *text = NULL;
	gsize n = 0;
	GPtrArray *argv = g_ptr_array_new();
	if (g_file_get_contents(path, &text, &n, NULL))
		for (gsize i = 0; i < n; i += strlen(text + i) + 1)
			g_ptr_array_add(argv, g_strdup(text + i));
	g_ptr_array_add(argv, NULL);
	g_free(path), g_free(text);
	return (char **)g_ptr_array_free(argv, FALSE);
}

/* ---- a gateway played here, on one UDP socket connected to ims-alg's H.248 port ---- */

static int gw = -1;
static uint16_t gw_port;

/* The next message from ims-alg that is neither an acknowledgement nor its audit of ROOT (answered here)
 * within ms, or NULL. */
static char *gw_next(unsigned ms)
{
	char buf[8192];
	for (uint64_t end = rig_now_ms() + ms; rig_now_ms() < end;) {
		ssize_t n = udp_recv(gw, buf, sizeof buf - 1, (unsigned)(end - rig_now_ms()));
		if (n < 0)
			return NULL;
		char *text = g_strndup(buf, (size_t)n);
		if (strstr(text, "AuditValue = ROOT")) {
			char *reply = g_strdup_printf("MEGACO/3 [127.0.0.1]:%u\nReply = %u { Context = - { "
						      "AuditValue = ROOT } }",
						      gw_port, rig_number_after(text, "Transaction = "));
			send(gw, reply, strlen(reply), 0);
			g_free(reply);
		} else if (!strstr(text, "TransactionResponseAck")) {
			return text;
		}
		g_free(text);
	}
	return NULL;
}

/* Sends the text printed from fmt and returns ims-alg's next message. */
static char *gw_send(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static char *gw_send(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	send(gw, text, strlen(text), 0);
	g_free(text);
	return gw_next(3000);
}

#define NOTIFY                                                                                            \
	"MEGACO/3 [127.0.0.1]:%u\nTransaction = %u { Context = 5 { Notify = tl/1 { ObservedEvents = 1 { " \
	"tcpbcc/fail { reason = \"refused\" } } } } }"

static void test_unknown_context(void)
{
	gw = udp_socket("127.0.0.1", &gw_port);
	CU_ASSERT_TRUE_FATAL(gw >= 0);
	udp_connect(gw, r.h248);
	char *mid = g_strdup_printf("[127.0.0.1]:%u", gw_port);
	char *sc = gw_send(
	    "MEGACO/3 [127.0.0.1]:%u\nTransaction = %u { Context = - { ServiceChange = ROOT { "
	    "Services { Method = Disconnected, Reason = \"900 Service Restored\", Version = 3 } } } }",
	    gw_port, 1u);
	char *want =
	    g_strdup_printf("MEGACO/3 [127.0.0.1]:%u\nReply = 1 {\n  Context = - {\n    ServiceChange = "
			    "ROOT {\n      Services {\n        Version = 3\n      }\n    }\n  }\n}\n",
			    r.h248);
	ASSERT_TEXT("the registration's Reply", sc, want);
	g_free(want);
	char *subtract = gw_next(3000); /* what a Disconnected gateway may hold goes */
	unsigned tid = subtract ? rig_number_after(subtract, "Transaction = ") : 0;
	want = g_strdup_printf(
	    "MEGACO/3 [127.0.0.1]:%u\nTransaction = %u {\n  Context = * {\n    Subtract = *\n  "
	    "}\n}\n",
	    r.h248, tid);
	ASSERT_TEXT("the Subtract of every context", subtract, want);
	g_free(want);
	char *before =
	    gw_send(NOTIFY, gw_port, 2u); /* context 5 is in doubt until the Subtract is answered */
	want = g_strdup_printf(
	    "MEGACO/3 [127.0.0.1]:%u\nReply = 2 {\n  Context = 5 {\n    Notify = tl/1\n  }\n}\n", r.h248);
	ASSERT_TEXT("a Notify while the Subtract is unanswered", before, want);
	g_free(want);
	char *answer = g_strdup_printf("MEGACO/3 [127.0.0.1]:%u\nReply = %u { Context = * { Subtract = * } }",
				       gw_port, tid);
	send(gw, answer, strlen(answer), 0);
	usleep(100000);
	char *after = gw_send(NOTIFY, gw_port, 3u); /* gone now: ims-alg knows no context 5 of this gateway */
	want =
	    g_strdup_printf("MEGACO/3 [127.0.0.1]:%u\nReply = 3 {\n  Context = 5 {\n    Error = 411 {\n      "
			    "\"unknown context 5\"\n    }\n  }\n}\n",
			    r.h248);
	ASSERT_TEXT("a Notify about an unknown context", after, want);
	g_free(want);
	char *root = gw_send("MEGACO/3 [127.0.0.1]:%u\nTransaction = %u { Context = - { Notify = ROOT { "
			     "ObservedEvents = 0 { it/ito { mit = 200 } } } } }",
			     gw_port, 4u);
	CU_ASSERT_TRUE(root && strstr(root, "Notify = ROOT") &&
		       !strstr(root, "Error")); /* ROOT: no context */
	close(gw);
	g_free(sc), g_free(subtract), g_free(before), g_free(after), g_free(answer), g_free(root),
	    g_free(mid);
}

static void test_restart(void)
{
	struct sipdlg d;
	CU_ASSERT_TRUE_FATAL(call_up("before", &d));
	CU_ASSERT_FALSE(rig_band_free(access1) && rig_band_free(core1)); /* the call's legs listen */
	char **argv = argv_of(r.alg);
	CU_ASSERT_TRUE_FATAL(argv[0] != NULL);
	kill(r.alg, SIGKILL);
	waitpid(r.alg, NULL, 0);
	long mark = algrig_mark(&r);
	uint64_t start = rig_now_ms();
	r.alg = rig_spawn(argv);
	g_strfreev(argv);
	CU_ASSERT_TRUE_FATAL(r.alg > 0);
	uint64_t registered = 0, cleared = 0, freed = 0;
	while (rig_now_ms() < start + WITHIN_MS && !(registered && cleared && freed)) {
		if (!registered &&
		    traced(mark, "\"h248.rx\"", "ServiceChange = ROOT", "Method = Disconnected"))
			registered = rig_now_ms();
		if (!cleared && traced(mark, "\"h248.tx\"", "Context = * {", "Subtract = *"))
			cleared = rig_now_ms();
		if (!freed && rig_band_free(access1) && rig_band_free(core1))
			freed = rig_now_ms();
		usleep(100000);
	}
	printf(
	    "\n  after the restart: registered again after %.1f s, Subtract of every context after %.1f s, "
	    "ports free after %.1f s\n",
	    registered ? (registered - start) / 1000.0 : -1.0, cleared ? (cleared - start) / 1000.0 : -1.0,
	    freed ? (freed - start) / 1000.0 : -1.0);
	CU_ASSERT_TRUE(registered != 0);
	CU_ASSERT_TRUE(cleared != 0);
	CU_ASSERT_TRUE(freed != 0); /* no old context: nothing of the call listens any more */
	/* the new ims-alg knows no UE: registered again, a new call completes and is released */
	CU_ASSERT_TRUE_FATAL(algrig_register(&r, &ue, "a", true));
	struct sipdlg d2;
	CU_ASSERT_TRUE_FATAL(call_up("after", &d2));
	sipdlg_send(&d2, "BYE", NULL);
	char *bye = sippeer_next_of(&core, "BYE ", 5000), *ok = NULL;
	if (bye) {
		sippeer_answer(&core, bye, "b", "200 OK", NULL);
		ok = sippeer_final(&ue, 5000);
	}
	CU_ASSERT_TRUE(ok && g_str_has_prefix(ok, "SIP/2.0 200 "));
	for (uint64_t end = rig_now_ms() + 5000;
	     rig_now_ms() < end && !(rig_band_free(access1) && rig_band_free(core1));)
		usleep(100000);
	CU_ASSERT_TRUE(rig_band_free(access1) && rig_band_free(core1));
	sipdlg_clear(&d2), sipdlg_clear(&d);
	g_free(ok), g_free(bye);
}

/* The same with the gateway's probe of a silent MGC off: what tells the gateway is the Notify it sends
 * when something happens on the old call's leg (a stranger's bytes on its TLS port: tlsbsc/fail, or
 * tcpbcc/fail when the source filter refuses them). Nothing happens for 1 s after the restart; then the
 * new ims-alg answers the Notify 505, the gateway registers again with Disconnected and is cleared. */
static void test_restart_notify(void)
{
	struct algrig r2;
	CU_ASSERT_TRUE_FATAL(algrig_start(
	    &r2, &(struct algrig_opts){ .next_hop = core.port,
					.agw = (const char *const[]){ "--mgc-silence-timeout=0", NULL },
					.access_ports = access2,
					.core_ports = core2 }));
	struct sipdlg d = { 0 };
	unsigned port = 0;
	bool up = algrig_register(&r2, &ue, "a", true) && call_through(&r2, "notify", &d, &port);
	CU_ASSERT_TRUE(up && port);
	char **argv = argv_of(r2.alg);
	if (up && port && argv[0]) {
		kill(r2.alg, SIGKILL);
		waitpid(r2.alg, NULL, 0);
		long mark = algrig_mark(&r2);
		r2.alg = rig_spawn(argv);
		usleep(1000000);
		CU_ASSERT_FALSE(traced_in(&r2, mark, "\"h248.rx\"", "ServiceChange = ROOT", "Disconnected"));
		CU_ASSERT_FALSE(rig_band_free(access2) &&
				rig_band_free(core2)); /* the old call's legs listen */
		bool connected = false;
		int fd = tcp_connect_at("127.0.0.1", 0, (uint16_t)port, 1000, &connected);
		if (fd >= 0 && (connected || tcp_wait_connected(fd, 1000)))
			CU_ASSERT_EQUAL(write(fd, "not TLS\r\n\r\n", 12), 12);
		uint64_t start = rig_now_ms(), answered = 0, registered = 0, freed = 0;
		while (rig_now_ms() < start + WITHIN_MS && !(answered && registered && freed)) {
			if (!answered && traced_in(&r2, mark, "\"h248.tx\"", "Reply = ", "Error = 505"))
				answered = rig_now_ms();
			if (!registered &&
			    traced_in(&r2, mark, "\"h248.rx\"", "ServiceChange = ROOT", "Disconnected"))
				registered = rig_now_ms();
			if (!freed && rig_band_free(access2) && rig_band_free(core2))
				freed = rig_now_ms();
			usleep(100000);
		}
		printf("\n  after the stranger's bytes: 505 after %.1f s, registered again after %.1f s, "
		       "ports free "
		       "after %.1f s\n",
		       answered ? (answered - start) / 1000.0 : -1.0,
		       registered ? (registered - start) / 1000.0 : -1.0,
		       freed ? (freed - start) / 1000.0 : -1.0);
		CU_ASSERT_TRUE(traced_in(&r2, mark, "\"h248.rx\"", "Notify = ", "/fail"));
		CU_ASSERT_TRUE(answered && registered && freed);
		if (fd >= 0)
			close(fd);
	}
	g_strfreev(argv);
	sipdlg_clear(&d);
	CU_ASSERT_TRUE(algrig_stop(&r2));
}

static int up(void)
{
	char *err = NULL;
	if (!tls_identity_init(&ue_id, NULL, NULL, "UE", &err) || !sippeer_open(&ue, false) ||
	    !sippeer_open(&core, false))
		return 1;
	bool ok =
	    rig_band(10, access1) && rig_band(10, core1) && rig_band(10, access2) && rig_band(10, core2) &&
	    algrig_start(
		&r, &(struct algrig_opts){ .next_hop = core.port,
					   .agw = (const char *const[]){ "--mgc-silence-timeout=2000", NULL },
					   .access_ports = access1,
					   .core_ports = core1 });
	return ok && algrig_register(&r, &ue, "a", true) ? 0 : 1;
}

static int down(void)
{
	bool ok = algrig_stop(&r);
	tls_identity_clear(&ue_id);
	sippeer_close(&ue), sippeer_close(&core);
	return ok ? 0 : 1;
}

int main(void)
{
	static const struct rig_test tests[] = {
		{ "ims-alg killed and restarted: the gateway registers again and holds no old context",
		  test_restart },
		{ "ims-alg restarted, the gateway's probe off: its next Notify is answered 505, it registers "
		  "again",
		  test_restart_notify },
		{ "a Notify about a context ims-alg does not know is answered 411, one in doubt is not",
		  test_unknown_context },
		{ NULL, NULL },
	};
	return rig_cunit_main("alg_mgcrestart", up, down, tests);
}
