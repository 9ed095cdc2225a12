/* ims-alg with the real ims-agw: the test plays UE A on the access side and the core (S-CSCF and remote
 * party) on the core side, over UDP, and asserts the SDP each side sees byte for byte:
 *   - registration: Security-Client mediasec mechanisms recorded, Security-Server answered;
 *   - e2ae MSRP originating (seed 004 5.2.1.2.2): the offer toward the core loses TLS, fingerprint and
 *     a=3ge2ae and carries the gateway's core address; the answer toward the UE gets TCP/TLS/MSRP, the
 *     gateway's access address and fingerprint. Then real MSRP SEND requests cross the gateway, TLS toward
 *     the UE and plain TCP toward the core, byte-exact; BYE ends the call and the context;
 *   - malformed SDP: 400 with the reason, and nothing reaches the gateway;
 *   - CANCEL before the answer: 487 to the UE, the core's INVITE cancelled. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rig.h"
#include "sockaddr.h"
#include "tlspeer.h"

static pid_t agw, alg;
static int ue, core; /* UDP sockets of UE A and of the core */
static uint16_t ue_port, core_port, access_port, alg_core_port;
static struct tls_identity ue_id;
static char *trace_path;

static int udp_bind(uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	union sa a;
	sa_from_text(&a, "127.0.0.1", 0);
	socklen_t len = sizeof a;
	if (bind(fd, &a.sa, sa_len(&a)) < 0 || getsockname(fd, &a.sa, &len) < 0)
		return -1;
	*port = sa_port(&a);
	return fd;
}

static void sip_send(int fd, uint16_t to, const char *head, const char *body)
{
	char *text = g_strdup_printf("%sContent-Length: %zu\r\n\r\n%s", head, body ? strlen(body) : 0, body ? body : "");
	union sa a;
	sa_from_text(&a, "127.0.0.1", to);
	sendto(fd, text, strlen(text), 0, &a.sa, sa_len(&a));
	g_free(text);
}

/* The next SIP message on fd within ms, skipping 100 Trying; NULL on timeout. */
static char *sip_recv(int fd, unsigned ms)
{
	for (;;) {
		struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		char buf[8192];
		ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
		if (n <= 0)
			return NULL;
		buf[n] = 0;
		if (!g_str_has_prefix(buf, "SIP/2.0 100 "))
			return g_strdup(buf);
	}
}

static const char *body(const char *msg)
{
	const char *b = msg ? strstr(msg, "\r\n\r\n") : NULL;
	return b ? b + 4 : "";
}

/* The value of the first header called name (g_free it), "" when absent. */
static char *header(const char *msg, const char *name)
{
	char *key = g_strdup_printf("\r\n%s: ", name);
	const char *h = msg ? strstr(msg, key) : NULL;
	char *v = h ? g_strndup(h + strlen(key), strcspn(h + strlen(key), "\r")) : g_strdup("");
	g_free(key);
	return v;
}

/* Every header called name, in order, one per line (g_free it). */
static char *headers(const char *msg, const char *name)
{
	GString *s = g_string_new(NULL);
	char *key = g_strdup_printf("\r\n%s: ", name);
	for (const char *h = msg; h && (h = strstr(h, key)); h += strlen(key))
		g_string_append_printf(s, "%s: %.*s\r\n", name, (int)strcspn(h + strlen(key), "\r"), h + strlen(key));
	g_free(key);
	return g_string_free(s, FALSE);
}

static unsigned m_port(const char *sdp)
{
	const char *m = strstr(sdp, "m=message ");
	return m ? (unsigned)atoi(m + 10) : 0;
}

static char *fingerprint(const char *sdp)
{
	const char *f = strstr(sdp, "a=fingerprint:");
	return f ? g_strndup(f + 14, strcspn(f + 14, "\r\n")) : g_strdup("");
}

/* The core answers a request it received: its Via, From, To (+tag), Call-ID, CSeq, Record-Route. */
static void core_answer(const char *req, const char *status, const char *sdp)
{
	char *via = headers(req, "Via"), *rr = headers(req, "Record-Route"), *from = header(req, "From"),
	     *to = header(req, "To"), *cid = header(req, "Call-ID"), *cseq = header(req, "CSeq");
	char *head = g_strdup_printf("SIP/2.0 %s\r\n%s%sFrom: %s\r\nTo: %s%s\r\nCall-ID: %s\r\nCSeq: %s\r\n"
				     "Contact: <sip:b@127.0.0.1:%u>\r\n%s",
				     status, via, rr, from, to, strstr(to, "tag=") ? "" : ";tag=core1", cid, cseq,
				     core_port, sdp ? "Content-Type: application/sdp\r\n" : "");
	sip_send(core, alg_core_port, head, sdp);
	g_free(head), g_free(via), g_free(rr), g_free(from), g_free(to), g_free(cid), g_free(cseq);
}

static char *invite_head(const char *cid, const char *branch, const char *method, unsigned cseq, bool sdp)
{
	return g_strdup_printf("%s sip:b@example.net SIP/2.0\r\n"
			       "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK%s;rport\r\n"
			       "Max-Forwards: 70\r\nFrom: <sip:a@example.net>;tag=ue1\r\nTo: <sip:b@example.net>\r\n"
			       "Call-ID: %s\r\nCSeq: %u %s\r\nContact: <sip:a@127.0.0.1:%u>\r\n%s",
			       method, ue_port, branch, cid, cseq, method, ue_port,
			       sdp ? "Content-Type: application/sdp\r\n" : "");
}

static char *ue_offer(uint16_t msrp)
{
	return g_strdup_printf("v=0\r\no=ue 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			       "m=message %u TCP/TLS/MSRP *\r\na=accept-types:text/plain\r\n"
			       "a=path:msrps://127.0.0.1:%u/ue;tcp\r\na=setup:actpass\r\na=fingerprint:%s\r\n"
			       "a=3ge2ae:requested\r\n",
			       msrp, msrp, ue_id.fingerprint);
}

static void test_register(void)
{
	char *head = g_strdup_printf("REGISTER sip:example.net SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bKr1\r\n"
				 "Max-Forwards: 70\r\nFrom: <sip:a@example.net>;tag=r1\r\nTo: <sip:a@example.net>\r\n"
				 "Call-ID: reg1\r\nCSeq: 1 REGISTER\r\nContact: <sip:a@127.0.0.1:%u>\r\nExpires: 600\r\n"
				 "Security-Client: msrp-tls;mediasec, bfcp-tls;mediasec\r\n",
				 ue_port, ue_port);
	sip_send(ue, access_port, head, NULL);
	g_free(head);
	char *r = sip_recv(ue, 3000);
	CU_ASSERT_TRUE_FATAL(r && g_str_has_prefix(r, "SIP/2.0 200 "));
	char *ss = headers(r, "Security-Server"); /* sofia-sip writes one mechanism per header line */
	CU_ASSERT_STRING_EQUAL(ss, "Security-Server: msrp-tls;mediasec\r\nSecurity-Server: bfcp-tls;mediasec\r\n");
	g_free(ss), g_free(r);
}

static const char msrp_send[] = "MSRP a786hjs2 SEND\r\nTo-Path: msrp://127.0.0.1:9/core;tcp\r\n"
				"From-Path: msrps://127.0.0.1:8/ue;tcp\r\nMessage-ID: 87652491\r\nByte-Range: 1-5/5\r\n"
				"Content-Type: text/plain\r\n\r\nhello\r\n-------a786hjs2$\r\n";

static void test_e2ae_msrp_originating(void)
{
	uint16_t ue_msrp = 0;
	int ue_l = tcp_listen(&ue_msrp);
	char *offer = ue_offer(ue_msrp), *head = invite_head("call1", "i1", "INVITE", 1, true);
	sip_send(ue, access_port, head, offer);
	g_free(head);
	char *inv = sip_recv(core, 5000);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE sip:b@example.net SIP/2.0\r\n"));
	unsigned agw_core = m_port(body(inv));
	/* seed 004 step 8: TCP/MSRP, no fingerprint, no a=3ge2ae, the gateway's core address */
	char *want = g_strdup_printf("v=0\r\no=ue 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
				     "m=message %u TCP/MSRP *\r\nc=IN IP4 127.0.0.1\r\na=accept-types:text/plain\r\n"
				     "a=path:msrps://127.0.0.1:%u/ue;tcp\r\na=setup:actpass\r\n",
				     agw_core, ue_msrp);
	CU_ASSERT_STRING_EQUAL(body(inv), want);
	if (strcmp(body(inv), want))
		fprintf(stderr, "\n--- the core got:\n%s", inv);
	g_free(want);
	char *rr = headers(inv, "Record-Route");
	char *want_rr = g_strdup_printf("Record-Route: <sip:127.0.0.1:%u;lr>\r\nRecord-Route: <sip:127.0.0.1:%u;lr>\r\n",
					alg_core_port, access_port);
	CU_ASSERT_STRING_EQUAL(rr, want_rr);
	g_free(rr), g_free(want_rr);
	char *mf = header(inv, "Max-Forwards");
	CU_ASSERT_STRING_EQUAL(mf, "69");
	g_free(mf);

	/* the core answers active: it will connect to the gateway's core leg */
	uint16_t core_msrp = 2856;
	char *answer = g_strdup_printf("v=0\r\no=b 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
				       "m=message %u TCP/MSRP *\r\na=accept-types:text/plain\r\n"
				       "a=path:msrp://127.0.0.1:%u/core;tcp\r\na=setup:active\r\n",
				       core_msrp, core_msrp);
	core_answer(inv, "200 OK", answer);
	char *ok = sip_recv(ue, 5000);
	CU_ASSERT_TRUE_FATAL(ok && g_str_has_prefix(ok, "SIP/2.0 200 OK\r\n"));
	/* seed 004 steps 19-20: TCP/TLS/MSRP, the gateway's access address and fingerprint, a=setup:active */
	unsigned agw_access = m_port(body(ok));
	char *agw_fp = fingerprint(body(ok));
	want = g_strdup_printf("v=0\r\no=b 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			       "m=message %u TCP/TLS/MSRP *\r\nc=IN IP4 127.0.0.1\r\na=accept-types:text/plain\r\n"
			       "a=path:msrp://127.0.0.1:%u/core;tcp\r\na=setup:active\r\na=fingerprint:%s\r\n",
			       agw_access, core_msrp, agw_fp);
	CU_ASSERT_STRING_EQUAL(body(ok), want);
	CU_ASSERT_TRUE(g_str_has_prefix(agw_fp, "sha-256 "));
	g_free(want);

	/* ACK through the recorded route */
	head = g_strdup_printf("ACK sip:b@127.0.0.1:%u SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bKa1\r\n"
			       "Route: <sip:127.0.0.1:%u;lr>, <sip:127.0.0.1:%u;lr>\r\nMax-Forwards: 70\r\n"
			       "From: <sip:a@example.net>;tag=ue1\r\nTo: <sip:b@example.net>;tag=core1\r\n"
			       "Call-ID: call1\r\nCSeq: 1 ACK\r\n",
			       core_port, ue_port, access_port, alg_core_port);
	sip_send(ue, access_port, head, NULL);
	g_free(head);
	char *ack = sip_recv(core, 3000);
	CU_ASSERT_TRUE(ack && g_str_has_prefix(ack, "ACK sip:b@127.0.0.1:"));
	g_free(ack);

	/* real MSRP: the core connects, the gateway connects to the UE and is its TLS client */
	int peer, fd;
	CU_ASSERT_TRUE_FATAL(tcp_through((uint16_t)agw_core, ue_l, &peer, &fd));
	char why[160] = "";
	gnutls_session_t s = tlspeer_handshake(fd, false, &ue_id, agw_fp, 3000, why);
	if (!s)
		fprintf(stderr, "\n    UE handshake: %s\n", why);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	char got[sizeof msrp_send];
	CU_ASSERT_TRUE(tlspeer_write(s, msrp_send, sizeof msrp_send - 1));
	CU_ASSERT_EQUAL(tcp_read_all(peer, got, sizeof msrp_send - 1, 2000), (ssize_t)sizeof msrp_send - 1);
	CU_ASSERT_EQUAL(memcmp(got, msrp_send, sizeof msrp_send - 1), 0);
	CU_ASSERT_EQUAL(send(peer, msrp_send, sizeof msrp_send - 1, 0), (ssize_t)sizeof msrp_send - 1);
	CU_ASSERT_EQUAL(tlspeer_read(s, got, sizeof msrp_send - 1, 2000), (ssize_t)sizeof msrp_send - 1);
	CU_ASSERT_EQUAL(memcmp(got, msrp_send, sizeof msrp_send - 1), 0);

	/* BYE from the UE: forwarded, the gateway's context subtracted (its legs close) */
	head = g_strdup_printf("BYE sip:b@127.0.0.1:%u SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bKb1\r\n"
			       "Route: <sip:127.0.0.1:%u;lr>, <sip:127.0.0.1:%u;lr>\r\nMax-Forwards: 70\r\n"
			       "From: <sip:a@example.net>;tag=ue1\r\nTo: <sip:b@example.net>;tag=core1\r\n"
			       "Call-ID: call1\r\nCSeq: 2 BYE\r\n",
			       core_port, ue_port, access_port, alg_core_port);
	sip_send(ue, access_port, head, NULL);
	g_free(head);
	char *bye = sip_recv(core, 3000);
	CU_ASSERT_TRUE_FATAL(bye && g_str_has_prefix(bye, "BYE sip:b@127.0.0.1:"));
	core_answer(bye, "200 OK", NULL);
	char *done = sip_recv(ue, 3000);
	CU_ASSERT_TRUE(done && g_str_has_prefix(done, "SIP/2.0 200 OK\r\n"));
	CU_ASSERT_EQUAL(tcp_read_all(peer, got, 1, 3000), 0); /* Subtract closed the core leg */
	tlspeer_close(s, fd);
	close(peer), close(ue_l);
	g_free(done), g_free(bye), g_free(agw_fp), g_free(ok), g_free(answer), g_free(inv), g_free(offer);
}

static void test_bad_sdp(void)
{
	char *head = invite_head("call2", "i2", "INVITE", 1, true);
	sip_send(ue, access_port, head, "v=0\r\nm=message 9 TCP/TLS/MSRP\r\n");
	g_free(head);
	char *r = sip_recv(ue, 3000);
	CU_ASSERT_TRUE(r && g_str_has_prefix(r, "SIP/2.0 400 Bad SDP: an m= line that is not"));
	if (r && !g_str_has_prefix(r, "SIP/2.0 400 Bad SDP: "))
		fprintf(stderr, "\n%s\n", r);
	CU_ASSERT_PTR_NULL(sip_recv(core, 300)); /* nothing went on */
	g_free(r);
}

static void test_cancel(void)
{
	uint16_t ue_msrp = 0;
	int ue_l = tcp_listen(&ue_msrp);
	char *offer = ue_offer(ue_msrp), *head = invite_head("call3", "i3", "INVITE", 1, true);
	sip_send(ue, access_port, head, offer);
	g_free(head);
	char *inv = sip_recv(core, 5000);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE "));
	core_answer(inv, "180 Ringing", NULL);
	char *ringing = sip_recv(ue, 3000);
	CU_ASSERT_TRUE(ringing && g_str_has_prefix(ringing, "SIP/2.0 180 Ringing\r\n"));
	head = invite_head("call3", "i3", "CANCEL", 1, false);
	sip_send(ue, access_port, head, NULL);
	g_free(head);
	char *cancel_ok = sip_recv(ue, 3000), *cancel = sip_recv(core, 3000);
	CU_ASSERT_TRUE(cancel_ok && g_str_has_prefix(cancel_ok, "SIP/2.0 200 "));
	CU_ASSERT_TRUE_FATAL(cancel && g_str_has_prefix(cancel, "CANCEL "));
	core_answer(cancel, "200 OK", NULL);
	core_answer(inv, "487 Request Terminated", NULL);
	char *terminated = sip_recv(ue, 3000);
	CU_ASSERT_TRUE(terminated && g_str_has_prefix(terminated, "SIP/2.0 487 "));
	close(ue_l);
	g_free(terminated), g_free(cancel), g_free(cancel_ok), g_free(ringing), g_free(inv), g_free(offer);
}

static int up(void)
{
	char *err = NULL;
	if (!tls_identity_init(&ue_id, NULL, NULL, "UE A", &err))
		return 1;
	ue = udp_bind(&ue_port), core = udp_bind(&core_port);
	access_port = rig_free_port(), alg_core_port = rig_free_port();
	uint16_t h248 = rig_free_port(), agw_port = rig_free_port();
	const char *top = getenv("top_builddir") ? getenv("top_builddir") : ".";
	char *alg_bin = g_build_filename(top, "alg", "ims-alg", NULL), *agw_bin = g_build_filename(top, "agw", "ims-agw", NULL);
	char ap[8], cp[8], hp[8], gp[8], hop[64];
	snprintf(ap, sizeof ap, "%u", access_port), snprintf(cp, sizeof cp, "%u", alg_core_port);
	snprintf(hp, sizeof hp, "%u", h248), snprintf(gp, sizeof gp, "%u", agw_port);
	snprintf(hop, sizeof hop, "sip:127.0.0.1:%u", core_port);
	trace_path = g_strdup_printf("%s/alg-calls-%d.jsonl", g_get_tmp_dir(), (int)getpid());
	const char *level = getenv("RIG_LOG") ? "debug" : "error";
	char *alg_argv[] = { alg_bin, "--sip-access-port", ap, "--sip-core-port", cp, "--sip-core-next-hop", hop,
			     "--h248-port", hp, "--log-level", (char *)level, "--trace-file", trace_path, NULL };
	char *agw_argv[] = { agw_bin, "--h248-port", gp, "--mgc-port", hp, "--realm-access-ports", "27000-27099",
			     "--realm-core-ports", "27100-27199", "--log-level", (char *)level, NULL };
	alg = rig_spawn(alg_argv);
	usleep(200000);
	agw = rig_spawn(agw_argv);
	g_free(alg_bin), g_free(agw_bin);
	usleep(700000); /* the gateway registers at once */
	return alg > 0 && agw > 0 ? 0 : 1;
}

static int down(void)
{
	int a = rig_reap(agw), b = rig_reap(alg);
	tls_identity_clear(&ue_id);
	close(ue), close(core);
	if (!getenv("RIG_KEEP"))
		unlink(trace_path);
	g_free(trace_path);
	return a == 0 && b == 0 ? 0 : 1;
}

int main(void)
{
	static const struct rig_test tests[] = { { "REGISTER: mediasec mechanisms", test_register },
						 { "e2ae MSRP originating, MSRP over TLS end to end",
						   test_e2ae_msrp_originating },
						 { "malformed SDP: 400, nothing forwarded", test_bad_sdp },
						 { "CANCEL before the answer", test_cancel },
						 { NULL, NULL } };
	return rig_cunit_main("ims-alg with ims-agw", up, down, tests);
}
