/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-alg with the real ims-agw when H.248 datagrams are lost and when the gateway freezes (issue 25,
 * items 1 and 3). The program runs itself in a network namespace of its own (unshare -rn: its own
 * loopback, where an nftables rule may drop what it likes), and skips when that cannot be had:
 *   - 30 % of the H.248 datagrams to either end dropped at random (nftables numgen on the input hook):
 *     30 calls in a row each complete or fail alone with 500 "Media Gateway Not Reachable"; none is
 *     refused for want of a gateway (the gateway stays in the pool), most complete, a call after the
 *     loss completes, and then the gateway holds no context: every port of its realms is free again;
 *   - the gateway frozen (SIGSTOP) while a call is up, with the default h248.audit and h248.lost_after:
 *     BYE to both parties within 5 s; resumed (SIGCONT), it is taken back: a new call completes, and the
 *     context of the call released meanwhile is subtracted (its ports free again).
 * On the code before issue 25 the first loses the gateway at the first transaction whose replies were
 * all lost (the next calls get 500 "No Media Gateway Available"), the second takes 10 to 14 s. */
#include <CUnit/Basic.h>
#include <errno.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "algrig.h"
#include "rig.h"
#include "sippeer.h"
#include "tlspeer.h"

enum { CALLS = 30 };
/* the gateways' realms, claimed from the test bed's band in up(): the daemons' own ports come from the
 * same band, and a realm port one of them holds would never be free */
static char loss_access[RIG_BAND_LEN], loss_core[RIG_BAND_LEN], stop_access[RIG_BAND_LEN],
    stop_core[RIG_BAND_LEN];

static struct algrig lossy, frozen;
static struct sippeer ue, core;
static struct tls_identity ue_id;

enum outcome { COMPLETED, FAILED, BROKEN };

/* The core's side after a failure at the answer: ACK, then BYE, answered. */
static void core_released(void)
{
	char *bye = sippeer_next_of(&core, "BYE ", 8000);
	if (bye)
		sippeer_answer(&core, bye, "b", "200 OK", NULL);
	g_free(bye);
}

/* A call from UE a through r to the core, which answers at once; the UE hangs up. The gateway listens
 * on both legs (both a=setup:active) and nobody connects: no Notify. *status: the UE's final response. */
static enum outcome one_call(struct algrig *r, const char *call, char status[80])
{
	char *sdp = algrig_sdp("ue", &payload_msrp, 9, true, "active", ue_id.fingerprint, "requested");
	sippeer_invite(&ue, r->access, "a", "b", call, sdp);
	g_free(sdp);
	char *inv = NULL, *fin = NULL;
	for (uint64_t end = rig_now_ms() + 20000; !inv && !fin && rig_now_ms() < end;) {
		char *m = sippeer_recv(&core, 20);
		if (m && g_str_has_prefix(m, "INVITE "))
			inv = m, m = NULL;
		g_free(m);
		m = inv ? NULL : sippeer_recv(&ue, 20);
		if (m && !g_str_has_prefix(m, "SIP/2.0 1"))
			fin = m, m = NULL;
		g_free(m);
	}
	if (inv) {
		char *answer = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL);
		sippeer_answer(&core, inv, "b", "200 OK", answer);
		g_free(answer);
		fin = sippeer_final(&ue, 20000);
	}
	enum outcome o = BROKEN;
	*status = 0;
	if (fin)
		sscanf(fin, "SIP/2.0 %79[^\r\n]", status);
	if (fin && g_str_has_prefix(fin, "SIP/2.0 200 ")) {
		struct sipdlg d;
		sipdlg_caller(&d, &ue, fin, 1);
		sipdlg_send(&d, "ACK", NULL);
		sipdlg_send(&d, "BYE", NULL);
		char *bye = sippeer_next_of(&core, "BYE ", 8000), *ok = NULL;
		if (bye) {
			sippeer_answer(&core, bye, "b", "200 OK", NULL);
			ok = sippeer_final(&ue, 8000);
		}
		o = ok && g_str_has_prefix(ok, "SIP/2.0 200 ") ? COMPLETED : BROKEN;
		sipdlg_clear(&d);
		g_free(ok), g_free(bye);
	} else if (fin && g_str_has_prefix(fin, "SIP/2.0 5")) {
		sippeer_ack(&ue, r->access, "sip:b@example.net", fin);
		if (inv) /* failed at the answer: the core's 200 is ACKed and released */
			core_released();
		o = FAILED;
	}
	g_free(fin), g_free(inv);
	return o;
}

/* Waits up to ms for both realms of a gateway to be free: no context left. */
static bool realms_free(const char *access, const char *core_ports, unsigned ms)
{
	for (uint64_t end = rig_now_ms() + ms; rig_now_ms() < end; usleep(100000))
		if (rig_band_free(access) && rig_band_free(core_ports))
			return true;
	return false;
}

static int nft(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static int nft(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *rule = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	char *cmd = g_strdup_printf("nft '%s'", rule);
	int rc = system(cmd);
	g_free(cmd), g_free(rule);
	return rc;
}

static void test_loss(void)
{
	/* the input hook: a datagram dropped on output would fail the sender's sendto (EPERM), not vanish */
	CU_ASSERT_EQUAL_FATAL(nft("add table inet loss"), 0);
	CU_ASSERT_EQUAL_FATAL(nft("add chain inet loss in { type filter hook input priority 0; }"), 0);
	CU_ASSERT_EQUAL_FATAL(
	    nft("add rule inet loss in udp dport { %u, %u } numgen random mod 100 < 30 drop", lossy.h248,
		lossy.agw_h248),
	    0);
	unsigned completed = 0, failed = 0, broken = 0, no_gateway = 0;
	uint64_t start = rig_now_ms();
	for (unsigned i = 0; i < CALLS; i++) {
		char call[16], status[80];
		snprintf(call, sizeof call, "loss%u", i);
		enum outcome o = one_call(&lossy, call, status);
		completed += o == COMPLETED, failed += o == FAILED, broken += o == BROKEN;
		if (o == FAILED && strcmp(status, "500 Media Gateway Not Reachable"))
			no_gateway++, fprintf(stderr, "call %u: %s\n", i, status);
	}
	printf("\n  %u calls under 30 %% H.248 loss in %.1f s: %u completed, %u failed alone, %u broken\n",
	       CALLS, (rig_now_ms() - start) / 1000.0, completed, failed, broken);
	CU_ASSERT_EQUAL(nft("delete table inet loss"), 0);
	CU_ASSERT_EQUAL(broken, 0);     /* each call ends one way or the other */
	CU_ASSERT_EQUAL(no_gateway, 0); /* never "No Media Gateway Available": the gateway stays */
	CU_ASSERT_TRUE(completed >= CALLS / 2);
	char status[80];
	CU_ASSERT_EQUAL(one_call(&lossy, "after-loss", status), COMPLETED);
	/* what was in doubt is asked again and subtracted: no context, no port left */
	CU_ASSERT_TRUE(realms_free(loss_access, loss_core, 20000));
}

static void test_frozen(void)
{
	char status[80];
	char *sdp = algrig_sdp("ue", &payload_msrp, 9, true, "active", ue_id.fingerprint, "requested");
	sippeer_invite(&ue, frozen.access, "a", "b", "frozen", sdp);
	char *inv = sippeer_next_of(&core, "INVITE ", 5000);
	CU_ASSERT_TRUE_FATAL(inv != NULL);
	char *answer = algrig_sdp("b", &payload_msrp, 2856, false, "active", NULL, NULL);
	sippeer_answer(&core, inv, "b", "200 OK", answer);
	char *ok = sippeer_final(&ue, 5000);
	CU_ASSERT_TRUE_FATAL(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	struct sipdlg d;
	sipdlg_caller(&d, &ue, ok, 1);
	sipdlg_send(&d, "ACK", NULL);
	char *ack = sippeer_next_of(&core, "ACK ", 3000);
	CU_ASSERT_PTR_NOT_NULL(ack);
	sleep(2); /* the call is up, the gateway quiet: only the audits go on */
	kill(frozen.agw, SIGSTOP);
	uint64_t stopped = rig_now_ms();
	char *bye_ue = sippeer_next_of(&ue, "BYE ", 8000);
	uint64_t t_ue = rig_now_ms() - stopped;
	char *bye_core = sippeer_next_of(&core, "BYE ", 8000);
	uint64_t t_core = rig_now_ms() - stopped;
	printf("\n  frozen gateway: BYE to the UE after %.1f s, to the core after %.1f s\n", t_ue / 1000.0,
	       t_core / 1000.0);
	CU_ASSERT_TRUE(bye_ue && t_ue <= 5000);
	CU_ASSERT_TRUE(bye_core && t_core <= 5000);
	if (bye_ue)
		sippeer_answer(&ue, bye_ue, "a", "200 OK", NULL);
	if (bye_core)
		sippeer_answer(&core, bye_core, "b", "200 OK", NULL);
	kill(frozen.agw, SIGCONT);
	sleep(3); /* audited every h248.audit (1 s): its first Reply takes it back */
	CU_ASSERT_EQUAL(one_call(&frozen, "resumed", status), COMPLETED);
	if (*status)
		printf("  the call after SIGCONT: %s\n", status);
	CU_ASSERT_TRUE(realms_free(stop_access, stop_core, 10000)); /* the released call's context too */
	sipdlg_clear(&d);
	g_free(bye_core), g_free(bye_ue), g_free(ack), g_free(ok), g_free(answer), g_free(inv), g_free(sdp);
}

static int up(void)
{
	char *err = NULL;
	if (!tls_identity_init(&ue_id, NULL, NULL, "UE", &err) || !sippeer_open(&ue, false) ||
	    !sippeer_open(&core, false))
		return 1;
	/* T-MAX shortened to fit CI (more transactions fail, each sooner); the watch keeps its defaults */
	bool ok =
	    rig_band(60, loss_access) && rig_band(60, loss_core) && rig_band(10, stop_access) &&
	    rig_band(10, stop_core) &&
	    algrig_start(&lossy,
			 &(struct algrig_opts){ .next_hop = core.port,
						.alg = (const char *const[]){ "--h248-timeout=1500", NULL },
						.access_ports = loss_access,
						.core_ports = loss_core }) &&
	    algrig_start(&frozen, &(struct algrig_opts){ .next_hop = core.port,
							 .access_ports = stop_access,
							 .core_ports = stop_core });
	return ok && algrig_register(&lossy, &ue, "a", true) && algrig_register(&frozen, &ue, "a", true) ? 0
													 : 1;
}

static int down(void)
{
	if (frozen.agw > 0)
		kill(frozen.agw, SIGCONT);
	bool a = algrig_stop(&lossy), b = algrig_stop(&frozen);
	tls_identity_clear(&ue_id);
	sippeer_close(&ue), sippeer_close(&core);
	return a && b ? 0 : 1;
}

int main(int argc, char **argv)
{
	(void)argc;
	if (!getenv("ALG_GWLOSS_NETNS")) { /* into a network namespace of our own, or skipped */
		if (system("unshare -rn true 2>/dev/null") != 0) {
			printf("alg_gwloss: no network namespace (unshare -rn): skipped\n");
			return 77;
		}
		setenv("ALG_GWLOSS_NETNS", "1", 1);
		execlp("unshare", "unshare", "-rn", argv[0], (char *)NULL);
		printf("alg_gwloss: unshare: %s: skipped\n", strerror(errno));
		return 77;
	}
	if (system("ip link set lo up") != 0 || system("nft list ruleset >/dev/null 2>&1") != 0) {
		printf("alg_gwloss: ip or nft does not work in the namespace: skipped\n");
		return 77;
	}
	static const struct rig_test tests[] = {
		{ "30 % H.248 loss: each call completes or fails alone, the gateway stays, nothing left",
		  test_loss },
		{ "a frozen gateway: calls released within 5 s, taken back when resumed", test_frozen },
		{ NULL, NULL },
	};
	return rig_cunit_main("alg_gwloss", up, down, tests);
}
