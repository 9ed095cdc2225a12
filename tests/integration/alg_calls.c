/* ims-alg with the real ims-agw: the test plays UE A on the access side and the core (S-CSCF and remote
 * party) on the core side, over UDP, and asserts the SDP each side sees byte for byte:
 *   - registration: Security-Client mediasec mechanisms recorded, Security-Server answered, by the ALG
 *     as registrar and, forwarded to the core's registrar, with the mechanisms stripped and a Path;
 *   - e2ae MSRP originating (seed 004 5.2.1.2.2): the offer toward the core loses TLS, fingerprint and
 *     a=3ge2ae and carries the gateway's core address; the answer toward the UE gets TCP/TLS/MSRP, the
 *     gateway's access address and fingerprint; the H.248 transactions are the seed's, byte for byte (read
 *     from the ALG's trace). Then real MSRP SEND requests cross the gateway, TLS toward the UE and plain
 *     TCP toward the core, byte-exact; BYE ends the call and the context;
 *   - malformed SDP: 400 with the reason, and nothing reaches the core or the gateway;
 *   - CANCEL before the answer: 487 to the UE, the core's INVITE cancelled. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <json-c/json.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rig.h"
#include "sockaddr.h"
#include "tlspeer.h"

static pid_t agw, alg;
static int ue, core; /* UDP sockets of UE A and of the core */
static uint16_t ue_port, core_port, access_port, alg_core_port, h248_port;
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
/* The port of the top Via (where a response goes). */
static uint16_t via_port(const char *msg)
{
	const char *v = msg ? strstr(msg, "\r\nVia: SIP/2.0/UDP 127.0.0.1:") : NULL;
	return v ? (uint16_t)atoi(v + strlen("\r\nVia: SIP/2.0/UDP 127.0.0.1:")) : 0;
}

static void core_answer(const char *req, const char *status, const char *sdp)
{
	char *via = headers(req, "Via"), *rr = headers(req, "Record-Route"), *from = header(req, "From"),
	     *to = header(req, "To"), *cid = header(req, "Call-ID"), *cseq = header(req, "CSeq");
	char *head = g_strdup_printf("SIP/2.0 %s\r\n%s%sFrom: %s\r\nTo: %s%s\r\nCall-ID: %s\r\nCSeq: %s\r\n"
				     "Contact: <sip:b@127.0.0.1:%u>\r\n%s",
				     status, via, rr, from, to, strstr(to, "tag=") ? "" : ";tag=core1", cid, cseq,
				     core_port, sdp ? "Content-Type: application/sdp\r\n" : "");
	sip_send(core, via_port(req), head, sdp);
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

/* UE A offers e2ae MSRP (listening for its MSRP on *ue_l) and the INVITE the core got comes back. */
static char *ue_invites(const char *call, int *ue_l, uint16_t *ue_msrp)
{
	*ue_msrp = 0;
	*ue_l = tcp_listen(ue_msrp);
	char *offer = ue_offer(*ue_msrp), *head = invite_head(call, call, "INVITE", 1, true);
	sip_send(ue, access_port, head, offer);
	g_free(head), g_free(offer);
	return sip_recv(core, 5000);
}

/* An in-dialog request of UE A's, through the route the ALG recorded. */
static void ue_in_dialog(const char *method, unsigned cseq, const char *call)
{
	char *head = g_strdup_printf("%s sip:b@127.0.0.1:%u SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK%s%u\r\n"
				     "Route: <sip:127.0.0.1:%u;lr>, <sip:127.0.0.1:%u;lr>\r\nMax-Forwards: 70\r\n"
				     "From: <sip:a@example.net>;tag=ue1\r\nTo: <sip:b@example.net>;tag=core1\r\n"
				     "Call-ID: %s\r\nCSeq: %u %s\r\n",
				     method, core_port, ue_port, method, cseq, access_port, alg_core_port, call, cseq, method);
	sip_send(ue, access_port, head, NULL);
	g_free(head);
}

/* The H.248 transactions the ALG sent from byte offset `from` of its trace on, transaction ids as "N",
 * one after the other (g_free it). */
static char *h248_sent(long from)
{
	GString *all = g_string_new(NULL);
	FILE *f = fopen(trace_path, "r");
	char line[16384];
	GRegex *tid = g_regex_new("^Transaction = [0-9]+", G_REGEX_MULTILINE, 0, NULL);
	if (f && fseek(f, from, SEEK_SET) == 0)
		while (fgets(line, sizeof line, f)) {
			json_object *o = json_tokener_parse(line), *kind, *raw;
			if (o && json_object_object_get_ex(o, "kind", &kind) &&
			    !strcmp(json_object_get_string(kind), "h248.tx") && json_object_object_get_ex(o, "raw", &raw) &&
			    strstr(json_object_get_string(raw), "\nTransaction = ") &&
			    !strstr(json_object_get_string(raw), "AuditValue = ROOT")) { /* the periodic audit */
				char *t = g_regex_replace_literal(tid, json_object_get_string(raw), -1, 0, "Transaction = N", 0,
								  NULL);
				g_string_append(all, t);
				g_free(t);
			}
			json_object_put(o);
		}
	if (f)
		fclose(f);
	g_regex_unref(tid);
	return g_string_free(all, FALSE);
}

static long trace_size(void)
{
	struct stat st;
	return stat(trace_path, &st) == 0 ? (long)st.st_size : 0;
}

static const char *log_level(void)
{
	return getenv("RIG_LOG") ? "debug" : "error";
}

/* An ims-alg on these ports, its core next hop the test's core, with more flags (NULL-terminated). */
static pid_t start_alg(uint16_t access, uint16_t corep, uint16_t h248, const char *const *more)
{
	const char *top = getenv("top_builddir") ? getenv("top_builddir") : ".";
	char *bin = g_build_filename(top, "alg", "ims-alg", NULL);
	char ap[8], cp[8], hp[8], hop[64];
	snprintf(ap, sizeof ap, "%u", access), snprintf(cp, sizeof cp, "%u", corep), snprintf(hp, sizeof hp, "%u", h248);
	snprintf(hop, sizeof hop, "sip:127.0.0.1:%u", core_port);
	GPtrArray *argv = g_ptr_array_new();
	const char *base[] = { bin,  "--sip-access-port", ap, "--sip-core-port", cp, "--sip-core-next-hop", hop,
			       "--h248-port", hp, "--log-level", log_level() };
	for (size_t i = 0; i < G_N_ELEMENTS(base); i++)
		g_ptr_array_add(argv, (char *)base[i]);
	for (; more && *more; more++)
		g_ptr_array_add(argv, (char *)*more);
	g_ptr_array_add(argv, NULL);
	pid_t pid = rig_spawn((char **)argv->pdata);
	g_ptr_array_free(argv, TRUE);
	g_free(bin);
	return pid;
}

/* UE A registers at an ALG's access port, offering two media mechanisms and a signalling one. */
static void ue_registers(uint16_t to, const char *call)
{
	char *head = g_strdup_printf("REGISTER sip:example.net SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK%s\r\n"
				     "Max-Forwards: 70\r\nFrom: <sip:a@example.net>;tag=r1\r\nTo: <sip:a@example.net>\r\n"
				     "Call-ID: %s\r\nCSeq: 1 REGISTER\r\nContact: <sip:a@127.0.0.1:%u>\r\nExpires: 600\r\n"
				     "Security-Client: ipsec-3gpp;alg=hmac-sha-1-96, msrp-tls;mediasec, bfcp-tls;mediasec\r\n",
				     ue_port, call, call, ue_port);
	sip_send(ue, to, head, NULL);
	g_free(head);
}

/* sofia-sip writes one mechanism per header line */
static const char security_server[] = "Security-Server: msrp-tls;mediasec\r\nSecurity-Server: bfcp-tls;mediasec\r\n";

static void test_register(void)
{
	ue_registers(access_port, "reg1");
	char *r = sip_recv(ue, 3000);
	CU_ASSERT_TRUE_FATAL(r && g_str_has_prefix(r, "SIP/2.0 200 "));
	char *ss = headers(r, "Security-Server");
	CU_ASSERT_STRING_EQUAL(ss, security_server);
	g_free(ss), g_free(r);
}

/* sip.registrar=false: the REGISTER goes on to the core without the mediasec mechanisms and with a Path;
 * the core's 200 comes back with our Security-Server. */
static void test_register_forwarded(void)
{
	uint16_t access = rig_free_port(), corep = rig_free_port();
	pid_t fwd = start_alg(access, corep, rig_free_port(), (const char *const[]){ "--no-sip-registrar", NULL });
	char *reg = NULL; /* repeated (as a UDP client would) until the new ALG has bound its port */
	for (int i = 0; i < 20 && !reg; i++) {
		ue_registers(access, "reg2");
		reg = sip_recv(core, 250);
	}
	CU_ASSERT_TRUE_FATAL(reg && g_str_has_prefix(reg, "REGISTER sip:example.net SIP/2.0\r\n"));
	char *sc = headers(reg, "Security-Client"), *path = header(reg, "Path"),
	     *want_path = g_strdup_printf("<sip:127.0.0.1:%u;lr>", corep);
	CU_ASSERT_STRING_EQUAL(sc, "Security-Client: ipsec-3gpp;alg=hmac-sha-1-96\r\n");
	CU_ASSERT_STRING_EQUAL(path, want_path);
	core_answer(reg, "200 OK", NULL);
	char *r = sip_recv(ue, 3000);
	CU_ASSERT_TRUE_FATAL(r && g_str_has_prefix(r, "SIP/2.0 200 OK\r\n"));
	char *ss = headers(r, "Security-Server");
	CU_ASSERT_STRING_EQUAL(ss, security_server);
	CU_ASSERT_EQUAL(rig_reap(fwd), 0);
	g_free(ss), g_free(r), g_free(want_path), g_free(path), g_free(sc), g_free(reg);
}

static const char msrp_send[] = "MSRP a786hjs2 SEND\r\nTo-Path: msrp://127.0.0.1:9/core;tcp\r\n"
				"From-Path: msrps://127.0.0.1:8/ue;tcp\r\nMessage-ID: 87652491\r\nByte-Range: 1-5/5\r\n"
				"Content-Type: text/plain\r\n\r\nhello\r\n-------a786hjs2$\r\n";

/* Seed 004 5.2.1.2.2 as the ALG sends it: steps 2-4 (Reserve AGW Connection Point toward the core),
 * 5-7 (Reserve and Configure toward the access, the UE's Remote and fingerprint), 13-18 (Configure both:
 * the answerer's address, the gateway as TLS client), then Subtract on BYE. %1$u: the MGC's H.248 port;
 * %2$u: the UE's MSRP port; %3$s: the UE's fingerprint. */
static const char seed004_orig_h248[] =
    "MEGACO/3 [127.0.0.1]:%1$u\n"
    "Transaction = N {\n  Context = $ {\n    Add = $ {\n      Media {\n        Stream = 1 {\n"
    "          LocalControl {\n            Mode = SendReceive,\n            ipdc/realm = core\n          },\n"
    "          Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:actpass\n}\n        }\n      },\n"
    "      Events = 1 {\n        xtcp/fail\n      }\n    }\n  }\n}\n"
    "MEGACO/3 [127.0.0.1]:%1$u\n"
    "Transaction = N {\n  Context = 1 {\n    Add = $ {\n      Media {\n        Stream = 1 {\n"
    "          LocalControl {\n            Mode = SendReceive,\n            ipdc/realm = access\n          },\n"
    "          Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/TLS/MSRP *\na=setup:active\na=fingerprint:$\n},\n"
    "          Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message %2$u TCP/TLS/MSRP *\na=setup:actpass\n"
    "a=fingerprint:%3$s\n}\n        }\n      },\n"
    "      Events = 2 {\n        xtls/up,\n        xtls/fail,\n        xtcp/fail\n      }\n    }\n  }\n}\n"
    "MEGACO/3 [127.0.0.1]:%1$u\n"
    "Transaction = N {\n  Context = 1 {\n    Modify = co/1 {\n      Media {\n        Stream = 1 {\n"
    "          Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message 2856 TCP/MSRP *\na=setup:active\n}\n"
    "        }\n      }\n    },\n    Modify = ac/2 {\n      Signals {\n        xtls/est\n      }\n    }\n  }\n}\n"
    "MEGACO/3 [127.0.0.1]:%1$u\n"
    "Transaction = N {\n  Context = 1 {\n    Subtract = *\n  }\n}\n";

static void test_e2ae_msrp_originating(void)
{
	long trace_from = trace_size();
	uint16_t ue_msrp;
	int ue_l;
	char *inv = ue_invites("call1", &ue_l, &ue_msrp);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE sip:b@example.net SIP/2.0\r\n"));
	unsigned agw_core = m_port(body(inv));
	/* seed 004 step 8: TCP/MSRP, no fingerprint, no a=3ge2ae, the gateway's core address */
	char *want = g_strdup_printf("v=0\r\no=ue 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
				     "m=message %u TCP/MSRP *\r\nc=IN IP4 127.0.0.1\r\na=accept-types:text/plain\r\n"
				     "a=path:msrps://127.0.0.1:%u/ue;tcp\r\na=setup:actpass\r\n",
				     agw_core, ue_msrp);
	CU_ASSERT_STRING_EQUAL(body(inv), want);
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

	ue_in_dialog("ACK", 1, "call1");
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
	char got[1];
	CU_ASSERT_TRUE(tlspeer_cross(s, peer, msrp_send, sizeof msrp_send - 1, 2000));

	/* BYE from the UE: forwarded, the gateway's context subtracted (its legs close) */
	ue_in_dialog("BYE", 2, "call1");
	char *bye = sip_recv(core, 3000);
	CU_ASSERT_TRUE_FATAL(bye && g_str_has_prefix(bye, "BYE sip:b@127.0.0.1:"));
	core_answer(bye, "200 OK", NULL);
	char *done = sip_recv(ue, 3000);
	CU_ASSERT_TRUE(done && g_str_has_prefix(done, "SIP/2.0 200 OK\r\n"));
	CU_ASSERT_EQUAL(tcp_read_all(peer, got, 1, 3000), 0); /* Subtract closed the core leg */
	char *h248 = h248_sent(trace_from), *want_h248 = g_strdup_printf(seed004_orig_h248, h248_port, ue_msrp,
									     ue_id.fingerprint);
	CU_ASSERT_STRING_EQUAL(h248, want_h248);
	g_free(h248), g_free(want_h248);
	tlspeer_close(s, fd);
	close(peer), close(ue_l);
	g_free(done), g_free(bye), g_free(agw_fp), g_free(ok), g_free(answer), g_free(inv);
}

static void test_bad_sdp(void)
{
	long trace_from = trace_size();
	char *head = invite_head("call2", "i2", "INVITE", 1, true);
	sip_send(ue, access_port, head, "v=0\r\nm=message 9 TCP/TLS/MSRP\r\n");
	g_free(head);
	char *r = sip_recv(ue, 3000);
	CU_ASSERT_TRUE(r && g_str_has_prefix(r, "SIP/2.0 400 Bad SDP: an m= line that is not"));
	CU_ASSERT_PTR_NULL(sip_recv(core, 300)); /* nothing went on */
	char *h248 = h248_sent(trace_from);
	CU_ASSERT_STRING_EQUAL(h248, ""); /* nor to the gateway */
	g_free(h248), g_free(r);
}

static void test_cancel(void)
{
	uint16_t ue_msrp;
	int ue_l;
	char *inv = ue_invites("call3", &ue_l, &ue_msrp);
	CU_ASSERT_TRUE_FATAL(inv && g_str_has_prefix(inv, "INVITE "));
	core_answer(inv, "180 Ringing", NULL);
	char *ringing = sip_recv(ue, 3000);
	CU_ASSERT_TRUE(ringing && g_str_has_prefix(ringing, "SIP/2.0 180 Ringing\r\n"));
	char *head = invite_head("call3", "call3", "CANCEL", 1, false);
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
	g_free(terminated), g_free(cancel), g_free(cancel_ok), g_free(ringing), g_free(inv);
}

static int up(void)
{
	char *err = NULL;
	if (!tls_identity_init(&ue_id, NULL, NULL, "UE A", &err))
		return 1;
	ue = udp_bind(&ue_port), core = udp_bind(&core_port);
	access_port = rig_free_port(), alg_core_port = rig_free_port(), h248_port = rig_free_port();
	trace_path = g_strdup_printf("%s/alg-calls-%d.jsonl", g_get_tmp_dir(), (int)getpid());
	alg = start_alg(access_port, alg_core_port, h248_port, (const char *const[]){ "--trace-file", trace_path, NULL });
	usleep(200000); /* bound before the gateway's first ServiceChange (which it would repeat anyway) */
	const char *top = getenv("top_builddir") ? getenv("top_builddir") : ".";
	char *agw_bin = g_build_filename(top, "agw", "ims-agw", NULL), gp[8], hp[8];
	snprintf(gp, sizeof gp, "%u", rig_free_port()), snprintf(hp, sizeof hp, "%u", h248_port);
	char *agw_argv[] = { agw_bin, "--h248-port", gp, "--mgc-port", hp, "--realm-access-ports", "27000-27099",
			     "--realm-core-ports", "27100-27199", "--log-level", (char *)log_level(), NULL };
	agw = rig_spawn(agw_argv);
	g_free(agw_bin);
	bool registered = false; /* the ALG's reply to the gateway's ServiceChange is in its trace */
	for (int i = 0; i < 50 && !registered; i++, usleep(100000)) {
		char *text = NULL;
		registered = g_file_get_contents(trace_path, &text, NULL, NULL) && strstr(text, "\"h248.tx\"") &&
			     strstr(text, "ServiceChange = ROOT");
		g_free(text);
	}
	return alg > 0 && agw > 0 && registered ? 0 : 1;
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
						 { "REGISTER forwarded to the core registrar", test_register_forwarded },
						 { "e2ae MSRP originating, MSRP over TLS end to end",
						   test_e2ae_msrp_originating },
						 { "malformed SDP: 400, nothing forwarded", test_bad_sdp },
						 { "CANCEL before the answer", test_cancel },
						 { NULL, NULL } };
	return rig_cunit_main("ims-alg with ims-agw", up, down, tests);
}
