/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-agw under load, end to end: 256 MiB each way at the same time through a TLS leg (toward a GnuTLS
 * UE) and a TCP leg (toward the core peer), with a slow reader on the UE side; each direction's SHA-256
 * is compared between sender and receiver, and the gateway's resident memory is sampled throughout
 * (back-pressure must keep it flat). Then a Subtract in the middle of a transfer: both connections go,
 * the peers see the end, and the gateway goes on answering. BULK_MIB overrides the size. */
#include <CUnit/Basic.h>
#include <glib.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rig.h"
#include "tlspeer.h"

static struct rig *rig;
static struct tls_identity ue;
static size_t total;

static int up(void)
{
	char *err = NULL;
	total = (size_t)(getenv("BULK_MIB") ? atoi(getenv("BULK_MIB")) : 256) << 20;
	if (!tls_identity_init(&ue, NULL, NULL, "UE", &err))
		return 1;
	rig = rig_start((const char *const[]){ "--realm-access-ports", "27000-27099", "--realm-core-ports",
					       "28000-28099", NULL });
	return rig ? 0 : 1;
}

static int down(void)
{
	tls_identity_clear(&ue);
	return rig_stop(rig) == 0 ? 0 : 1;
}

/* One direction's end: sends or receives `total` bytes of a seeded stream and hashes them. */
struct end {
	int fd;
	gnutls_session_t tls;
	bool sender, slow;
	unsigned seed;
	unsigned char digest[32];
	size_t done;
};

static void stream(unsigned seed, size_t offset, unsigned char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) { /* cheap, position-dependent bytes */
		uint64_t x = (offset + i) * 0x9E3779B97F4A7C15ull + seed;
		buf[i] = (unsigned char)(x >> 56);
	}
}

static void *run(void *arg)
{
	struct end *e = arg;
	gnutls_hash_hd_t h;
	gnutls_hash_init(&h, GNUTLS_DIG_SHA256);
	static __thread unsigned char buf[1 << 16];
	while (e->done < total) {
		size_t n = MIN(sizeof buf, total - e->done);
		ssize_t k;
		if (e->sender) {
			stream(e->seed, e->done, buf, n);
			k = e->tls ? gnutls_record_send(e->tls, buf, MIN(n, 16384))
				   : send(e->fd, buf, n, MSG_NOSIGNAL);
		} else {
			k = e->tls ? gnutls_record_recv(e->tls, buf, n) : recv(e->fd, buf, n, 0);
			if (e->slow && e->done < total / 8 &&
			    (e->done >> 20) != ((e->done + (size_t)MAX(k, 0)) >> 20))
				usleep(2000); /* a slow reader for the first eighth: the gateway must hold
						 back */
		}
		if (k == GNUTLS_E_AGAIN || k == GNUTLS_E_INTERRUPTED)
			continue;
		if (k <= 0)
			break;
		gnutls_hash(h, buf, (size_t)k);
		e->done += (size_t)k;
	}
	gnutls_hash_deinit(h, e->digest);
	return NULL;
}

/* A relay pair in a new context: the core leg listens (actpass), the access leg connects to the UE at
 * ue_port with TLS (and the UE's fingerprint) or without. Returns the context id; *core_port set. */
static unsigned relay_pair(uint16_t ue_port, bool tls, unsigned *core_port)
{
	char *core = rig_requestf(
	    rig, "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = core }, Local {\n"
		 "v=0\nc=IN IP4 $\nm=message $ TCP/MSRP *\na=setup:actpass\n},\n"
		 "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message 9 TCP/MSRP *\n} } } } }");
	unsigned ctx = rig_number_after(core, "Context = ");
	*core_port = rig_local_port(core);
	const char *proto = tls ? "TCP/TLS/MSRP" : "TCP/MSRP";
	const char *fp_local = tls ? "a=fingerprint:$\n" : "";
	char *fp_remote = tls ? g_strdup_printf("a=fingerprint:%s\n", ue.fingerprint) : g_strdup("");
	char *access = rig_requestf(
	    rig,
	    "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access },\n"
	    "Local {\nv=0\nc=IN IP4 $\nm=message $ %s *\na=setup:active\n%s},\n"
	    "Remote {\nv=0\nc=IN IP4 127.0.0.1\nm=message %u %s *\n%s} } }%s } }",
	    ctx, proto, fp_local, ue_port, proto, fp_remote,
	    tls ? ", Signals { tlsbsc/est }" : ""); /* the gateway is the TLS client: seed 004 step 16 */
	CU_ASSERT_TRUE(access && !strstr(access, "Error"));
	g_free(core), g_free(access), g_free(fp_remote);
	return ctx;
}

static void test_bulk(void)
{
	uint16_t ue_port = 0;
	int ue_l = tcp_listen(&ue_port);
	unsigned core_port, ctx = relay_pair(ue_port, true, &core_port);
	int peer, fd;
	CU_ASSERT_TRUE_FATAL(tcp_through((uint16_t)core_port, ue_l, &peer, &fd));
	char why[160];
	gnutls_session_t s = tlspeer_handshake(fd, false, &ue, NULL, 3000, why);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	fcntl(peer, F_SETFL, fcntl(peer, F_GETFL) & ~O_NONBLOCK);
	long before = rig_rss_kib(rig);
	struct end ends[4] = {
		{ .fd = peer, .sender = true, .seed = 1 },             /* core -> UE */
		{ .fd = fd, .tls = s, .sender = false, .slow = true }, /* ... received by the slow UE */
		{ .fd = fd, .tls = s, .sender = true, .seed = 2 },     /* UE -> core */
		{ .fd = peer, .sender = false },                       /* ... received by the core */
	};
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, run, &ends[i]);
	long peak = before;
	while (ends[1].done < total || ends[3].done < total) {
		usleep(50000);
		peak = MAX(peak, rig_rss_kib(rig));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec > 300)
			break;
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr,
		"\n    %zu MiB each way in %.2f s (%.0f Mbit/s total); gateway RSS %ld KiB before, peak %ld "
		"KiB\n",
		total >> 20, secs, 2 * (double)total * 8 / secs / 1e6, before, peak);
	CU_ASSERT_EQUAL(ends[1].done, total);
	CU_ASSERT_EQUAL(ends[3].done, total);
	CU_ASSERT_EQUAL(memcmp(ends[0].digest, ends[1].digest, 32), 0);
	CU_ASSERT_EQUAL(memcmp(ends[2].digest, ends[3].digest, 32), 0);
	CU_ASSERT(peak - before < 16 * 1024); /* two 256 KiB buffers and TLS records: far under 16 MiB */
	g_free(rig_requestf(rig, "Context = %u { Subtract = * { Audit { } } }", ctx));
	tlspeer_close(s, fd);
	close(peer), close(ue_l);
}

static void test_subtract_during_transfer(void)
{
	uint16_t ue_port = 0;
	int ue_l = tcp_listen(&ue_port);
	unsigned core_port, ctx = relay_pair(ue_port, false, &core_port);
	int peer, ue_fd;
	CU_ASSERT_TRUE_FATAL(tcp_through((uint16_t)core_port, ue_l, &peer, &ue_fd));
	static unsigned char chunk[65536];
	for (int i = 0; i < 32; i++) /* a transfer under way: 2 MiB in flight, nobody reading yet */
		send(peer, chunk, sizeof chunk, MSG_DONTWAIT | MSG_NOSIGNAL);
	char *gone = rig_requestf(rig, "Context = %u { Subtract = * { Audit { } } }", ctx);
	CU_ASSERT_TRUE(gone && !strstr(gone, "Error"));
	unsigned char buf[65536];
	ssize_t n;
	size_t got = 0;
	while ((n = tcp_read_all(ue_fd, buf, sizeof buf, 1000)) > 0)
		got += (size_t)n; /* whatever was relayed, then the end */
	CU_ASSERT(n <= 0);
	CU_ASSERT(got <= 32 * sizeof chunk);
	char *still = rig_requestf(rig, "Context = - { AuditValue = ROOT }"); /* the gateway goes on */
	CU_ASSERT_TRUE(still && strstr(still, "AuditValue = ROOT"));
	close(peer), close(ue_fd), close(ue_l);
	g_free(gone), g_free(still);
}

int main(void)
{
	static const struct rig_test tests[] = {
		{ "256 MiB each way through TLS->TCP, slow reader, SHA-256, flat memory", test_bulk },
		{ "Subtract during a transfer", test_subtract_during_transfer },
		{ NULL, NULL },
	};
	return rig_cunit_main("agw bulk relay", up, down, tests);
}
