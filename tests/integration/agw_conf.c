/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-agw as the MRFP's conference server (--profile mp): UEs over TLS with certificate fingerprints,
 * each a termination of one context, each Local asking a=path:$.
 *   - three UEs in an MSRP conference: each SEND is answered 200 OK and switched to the two others,
 *     byte for byte as RFC 4975 writes it (new transaction id, their To-Path, the server's From-Path);
 *     a chunk to another session's path gets 481; a UE that leaves no longer receives;
 *   - BFCP floor control: Hello/HelloAck, FloorQuery, FloorRequest granted then another pending,
 *     FloorStatus to the subscriber, FloorRelease and the queued request granted (transaction 0),
 *     errors for a wrong conference, an unknown request and an unknown primitive;
 *   - the context takes 16 participants under Mp, the 17th gets 434; a=path:$ on plain TCP gets 473
 *     when the transport names no MSRP. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "apppeer.h"
#include "bfcp.h"
#include "rig.h"
#include "tlspeer.h"

static struct rig *rig;
static struct tls_identity id;

static int up(void)
{
	char *err = NULL;
	if (!tls_identity_init(&id, NULL, NULL, "UE", &err))
		return 1;
	rig = rig_start((const char *const[]){ "--profile", "mp", "--realm-access-ports", "30100-30179",
					       "--realm-core-ports", "30180-30199",
					       NULL });
	return rig ? 0 : 1;
}

static int down(void)
{
	tls_identity_clear(&id);
	return rig_stop(rig) == 0 ? 0 : 1;
}

/* A UE: its TLS session toward its termination, its MSRP URI and the server's, what it has read. */
struct ue {
	int fd;
	gnutls_session_t s;
	char path[96], server_path[128];
	struct apppeer p;
};

/* Adds a participant to ctx ("$": a new context) over TCP/TLS/<app> and connects the UE as the TLS
 * client; extra goes into the Local (a=confid …). Returns the context. */
static unsigned join(const char *ctx, struct ue *u, const char *media, const char *app, const char *extra)
{
	static unsigned n;
	snprintf(u->path, sizeof u->path, "msrps://127.0.0.1:9/ue%u;tcp", ++n);
	char *r = rig_requestf(
	    rig,
	    "Context = %s { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access },\n"
	    "Local {\nv=0\nc=IN IP4 $\nm=%s $ TCP/TLS/%s *\na=setup:passive\na=fingerprint:$\n%s},\n"
	    "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=%s 9 TCP/TLS/%s *\na=setup:active\na=fingerprint:%s\n"
	    "a=path:%s\n} } },\nEvents = 4 { tlsbsc/up, tlsbsc/fail, tcpbcc/fail, tcpbcc/rel } } }",
	    ctx, media, app, extra, media, app, id.fingerprint, u->path);
	unsigned c = rig_number_after(r, "Context = ");
	rig_line_after(r, "a=path:", u->server_path, sizeof u->server_path);
	char *fp = rig_fingerprint(r);
	bool connected = false;
	u->fd = tcp_connect_from(0, (uint16_t)rig_local_port(r), 2000, &connected);
	CU_ASSERT_TRUE_FATAL(connected || tcp_wait_connected(u->fd, 2000));
	char why[160] = "";
	u->s = tlspeer_handshake(u->fd, true, &id, fp, 3000, why);
	if (!u->s)
		fprintf(stderr, "\n    %s\n    %s\n", why, r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u->s);
	apppeer_init(&u->p, u->fd, u->s);
	g_free(fp), g_free(r);
	char *note = rig_notify(rig, 2000);
	CU_ASSERT_TRUE(note && strstr(note, "tlsbsc/up"));
	g_free(note);
	return c;
}

static void leave(struct ue *u)
{
	tlspeer_close(u->s, u->fd);
	apppeer_clear(&u->p);
}

static void send_text(struct ue *u, const char *text)
{
	CU_ASSERT_TRUE(tlspeer_write(u->s, text, strlen(text)));
}

/* The SEND the server switched to u: its exact text, given its transaction id. */
static void expect_switched(struct ue *u, const char *mid, const char *body)
{
	struct msrp_frame f;
	char *got = apppeer_msrp(&u->p, 2000, &f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	char *want =
	    g_strdup_printf("MSRP %s SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: %s\r\n"
			    "Byte-Range: 1-%zu/%zu\r\nContent-Type: text/plain\r\n\r\n%s\r\n-------%s$\r\n",
			    f.tid, u->path, u->server_path, mid, strlen(body), strlen(body), body, f.tid);
	CU_ASSERT_STRING_EQUAL(got, want);
	if (strcmp(got, want))
		fprintf(stderr, "\n    got:  %s\n    want: %s\n", got, want);
	char *ok = g_strdup_printf("MSRP %s 200 OK\r\nTo-Path: %s\r\nFrom-Path: %s\r\n-------%s$\r\n", f.tid,
				   u->server_path, u->path, f.tid);
	send_text(u, ok); /* the server takes the answer and does nothing more */
	g_free(ok), g_free(got), g_free(want);
}

/* u sends a SEND of body as tid/mid and gets the server's 200 OK, byte for byte. */
static void say(struct ue *u, const char *tid, const char *mid, const char *body)
{
	char *send =
	    g_strdup_printf("MSRP %s SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: %s\r\n"
			    "Byte-Range: 1-%zu/%zu\r\nContent-Type: text/plain\r\n\r\n%s\r\n-------%s$\r\n",
			    tid, u->server_path, u->path, mid, strlen(body), strlen(body), body, tid);
	send_text(u, send);
	struct msrp_frame f;
	char *got = apppeer_msrp(&u->p, 2000, &f);
	char *want = g_strdup_printf("MSRP %s 200 OK\r\nTo-Path: %s\r\nFrom-Path: %s\r\n-------%s$\r\n", tid,
				     u->path, u->server_path, tid);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_STRING_EQUAL(got, want);
	g_free(send), g_free(got), g_free(want);
}

static void test_msrp(void)
{
	struct ue a, b, c;
	unsigned ctx = join("$", &a, "message", "MSRP", "a=path:$\n");
	char cx[16];
	snprintf(cx, sizeof cx, "%u", ctx);
	join(cx, &b, "message", "MSRP", "a=path:$\n");
	join(cx, &c, "message", "MSRP", "a=path:$\n");
	CU_ASSERT_STRING_NOT_EQUAL(a.server_path, b.server_path); /* a session each */
	CU_ASSERT_PTR_NOT_NULL(g_str_has_prefix(a.server_path, "msrps://127.0.0.1:") ? a.server_path : NULL);

	say(&a, "a1b2c3d4", "m-1", "Hello from A");
	expect_switched(&b, "m-1", "Hello from A");
	expect_switched(&c, "m-1", "Hello from A");
	say(&c, "c0ffee01", "m-2", "C here");
	expect_switched(&a, "m-2", "C here");
	expect_switched(&b, "m-2", "C here");

	/* a chunk for another session: 481, and nothing switched */
	char *wrong =
	    g_strdup_printf("MSRP wrong001 SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: x\r\n"
			    "Byte-Range: 1-1/1\r\nContent-Type: text/plain\r\n\r\nx\r\n-------wrong001$\r\n",
			    b.server_path, a.path);
	send_text(&a, wrong);
	struct msrp_frame f;
	char *got = apppeer_msrp(&a.p, 2000, &f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_PTR_NOT_NULL(g_str_has_prefix(got, "MSRP wrong001 481 Session does not exist\r\n") ? got
												     : NULL);
	g_free(got), g_free(wrong);
	CU_ASSERT_PTR_NULL(apppeer_msrp(&b.p, 300, &f));

	/* C leaves: A's next message reaches B only */
	leave(&c);
	char *note = rig_notify(rig, 2000);
	CU_ASSERT_TRUE(note && strstr(note, "tcpbcc/rel"));
	g_free(note);
	say(&a, "a1b2c3d5", "m-3", "still here?");
	expect_switched(&b, "m-3", "still here?");
	g_free(rig_requestf(rig, "Context = %u { Subtract = * }", ctx));
	leave(&a), leave(&b);
}

/* ---- BFCP ---- */

static const uint32_t conf_id = 4321;

/* Sends primitive p (with a FLOOR-ID or FLOOR-REQUEST-ID attribute when type is set) and returns the
 * next message described. */
static char *ask(struct ue *u, uint32_t conf, uint16_t user, uint16_t tid, enum bfcp_primitive p,
		 unsigned type, uint16_t value)
{
	GByteArray *b = g_byte_array_new();
	size_t s = bfcp_begin(
	    b, &(struct bfcp_msg){
		   .primitive = (uint8_t)p, .conference_id = conf, .transaction_id = tid, .user_id = user });
	if (type)
		bfcp_put_u16(b, type, value);
	bfcp_end(b, s);
	CU_ASSERT_TRUE(tlspeer_write(u->s, b->data, b->len));
	g_byte_array_free(b, TRUE);
	return apppeer_bfcp(&u->p, 2000);
}

#define ASSERT_DESC(got, want)                 \
	do {                                   \
		char *g_ = (got);              \
		ASSERT_TEXT("BFCP", g_, want); \
		g_free(g_);                    \
	} while (0)

static void test_floor_control(void)
{
	struct ue a, b;
	unsigned ctx = join("$", &a, "application", "BFCP",
			    "a=floorctrl:s-only\na=confid:4321\na=userid:1\na=floorid:1 mstrm:10\n");
	char cx[16];
	snprintf(cx, sizeof cx, "%u", ctx);
	join(cx, &b, "application", "BFCP",
	     "a=floorctrl:s-only\na=confid:4321\na=userid:2\na=floorid:1 mstrm:10\n");

	ASSERT_DESC(ask(&a, conf_id, 1, 1, BFCP_HELLO, 0, 0),
		    "HelloAck conf 4321 tid 1 user 1 {SUPPORTED-PRIMITIVES 1,2,4,7,8,11,12,13,16,17, "
		    "SUPPORTED-ATTRIBUTES 1,2,3,5,6,7,10,11,14,15,17,18}");
	ASSERT_DESC(ask(&a, conf_id, 1, 2, BFCP_FLOOR_QUERY, BFCP_A_FLOOR_ID, 1),
		    "FloorStatus conf 4321 tid 2 user 1 {FLOOR-ID 1}");
	ASSERT_DESC(ask(&a, conf_id, 1, 3, BFCP_FLOOR_REQUEST, BFCP_A_FLOOR_ID, 1),
		    "FloorRequestStatus conf 4321 tid 3 user 1 {FLOOR-REQUEST-INFORMATION 1 "
		    "{OVERALL-REQUEST-STATUS 1 "
		    "{REQUEST-STATUS Granted 0}, FLOOR-REQUEST-STATUS 1 {}, BENEFICIARY-INFORMATION 1 {}}}");
	ASSERT_DESC(
	    apppeer_bfcp(&a.p, 2000),
	    "FloorStatus conf 4321 tid 0 user 1 {FLOOR-ID 1, FLOOR-REQUEST-INFORMATION 1 "
	    "{OVERALL-REQUEST-STATUS "
	    "1 {REQUEST-STATUS Granted 0}, FLOOR-REQUEST-STATUS 1 {}, BENEFICIARY-INFORMATION 1 {}}}");
	ASSERT_DESC(ask(&b, conf_id, 2, 1, BFCP_FLOOR_REQUEST, BFCP_A_FLOOR_ID, 1),
		    "FloorRequestStatus conf 4321 tid 1 user 2 {FLOOR-REQUEST-INFORMATION 2 "
		    "{OVERALL-REQUEST-STATUS 2 "
		    "{REQUEST-STATUS Pending 1}, FLOOR-REQUEST-STATUS 1 {}, BENEFICIARY-INFORMATION 2 {}}}");
	ASSERT_DESC(apppeer_bfcp(&a.p, 2000),
		    "FloorStatus conf 4321 tid 0 user 1 {FLOOR-ID 1, FLOOR-REQUEST-INFORMATION 1 "
		    "{OVERALL-REQUEST-STATUS "
		    "1 {REQUEST-STATUS Granted 0}, FLOOR-REQUEST-STATUS 1 {}, BENEFICIARY-INFORMATION 1 {}}, "
		    "FLOOR-REQUEST-INFORMATION 2 {OVERALL-REQUEST-STATUS 2 {REQUEST-STATUS Pending 1}, "
		    "FLOOR-REQUEST-STATUS 1 {}, BENEFICIARY-INFORMATION 2 {}}}");
	ASSERT_DESC(ask(&a, conf_id, 1, 4, BFCP_FLOOR_RELEASE, BFCP_A_FLOOR_REQUEST_ID, 1),
		    "FloorRequestStatus conf 4321 tid 4 user 1 {FLOOR-REQUEST-INFORMATION 1 "
		    "{OVERALL-REQUEST-STATUS 1 "
		    "{REQUEST-STATUS Released 0}, FLOOR-REQUEST-STATUS 1 {}, BENEFICIARY-INFORMATION 1 {}}}");
	ASSERT_DESC(apppeer_bfcp(&b.p, 2000),
		    "FloorRequestStatus conf 4321 tid 0 user 2 {FLOOR-REQUEST-INFORMATION 2 "
		    "{OVERALL-REQUEST-STATUS 2 "
		    "{REQUEST-STATUS Granted 0}, FLOOR-REQUEST-STATUS 1 {}, BENEFICIARY-INFORMATION 2 {}}}");
	ASSERT_DESC(
	    apppeer_bfcp(&a.p, 2000),
	    "FloorStatus conf 4321 tid 0 user 1 {FLOOR-ID 1, FLOOR-REQUEST-INFORMATION 2 "
	    "{OVERALL-REQUEST-STATUS "
	    "2 {REQUEST-STATUS Granted 0}, FLOOR-REQUEST-STATUS 1 {}, BENEFICIARY-INFORMATION 2 {}}}");

	/* errors in RFC 8855's terms */
	ASSERT_DESC(ask(&b, 99, 2, 2, BFCP_HELLO, 0, 0),
		    "Error conf 99 tid 2 user 2 {ERROR-CODE 1, ERROR-INFO \"conference does not exist\"}");
	ASSERT_DESC(ask(&b, conf_id, 2, 3, BFCP_FLOOR_RELEASE, BFCP_A_FLOOR_REQUEST_ID, 9),
		    "Error conf 4321 tid 3 user 2 {ERROR-CODE 7, ERROR-INFO \"no such floor request\"}");
	ASSERT_DESC(ask(&b, conf_id, 2, 4, 99, 0, 0),
		    "Error conf 4321 tid 4 user 2 {ERROR-CODE 3, ERROR-INFO \"unknown primitive\"}");
	ASSERT_DESC(
	    ask(&b, conf_id, 2, 5, BFCP_FLOOR_REQUEST, BFCP_A_FLOOR_ID, 7),
	    "Error conf 4321 tid 5 user 2 {ERROR-CODE 6, ERROR-INFO \"no such floor in this conference\"}");

	/* B holds the floor and leaves: A learns the floor is free */
	leave(&b);
	ASSERT_DESC(apppeer_bfcp(&a.p, 2000), "FloorStatus conf 4321 tid 0 user 1 {FLOOR-ID 1}");
	g_free(rig_requestf(rig, "Context = %u { Subtract = * }", ctx));
	leave(&a);
}

static void test_limits(void)
{
	char *r = rig_requestf(
	    rig, "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access },\n"
		 "Local {\nv=0\nc=IN IP4 $\nm=message $ TCP *\na=path:$\n} } } } }");
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(r, "Error = 473 {\n        \"a=path:$ asked on TCP: the MRFP ends MSRP only as "
		      "Mp conference server\""));
	g_free(r);
	r = rig_requestf(
	    rig, "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access },\n"
		 "Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=path:$\n} } } } }");
	unsigned ctx = rig_number_after(r, "Context = ");
	g_free(r);
	for (int i = 1; i < 16; i++)
		g_free(rig_requestf(
		    rig,
		    "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = "
		    "access },\nLocal {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=path:$\n} } } } }",
		    ctx));
	r = rig_requestf(
	    rig,
	    "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access },\n"
	    "Local {\nv=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\n} } } } }",
	    ctx);
	char want[96];
	snprintf(want, sizeof want, "Error = 434 {\n        \"context %u already holds 16 terminations\"",
		 ctx);
	CU_ASSERT_PTR_NOT_NULL(strstr(r, want));
	g_free(r);
	g_free(rig_requestf(rig, "Context = %u { Subtract = * }", ctx));
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	return rig_cunit_main("ims-agw as MRFP (Mp): the conference server behind TLS", up, down,
			      (const struct rig_test[]){
				  { "three UEs: each MSRP SEND switched to the others", test_msrp },
				  { "BFCP floor control: grant, queue, release, errors", test_floor_control },
				  { "16 participants, a=path:$ only on MSRP", test_limits },
				  { NULL, NULL } });
}
