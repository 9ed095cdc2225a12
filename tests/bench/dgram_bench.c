/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dgram_bench: UDPTL packets per second through a datagram relay, with the same sender and sink.
 *   dgram_bench agw UE-CERT UE-KEY PACKETS     ims-agw: DTLS->UDP (the T.38 e2ae leg pair), then UDP->UDP
 *   dgram_bench ext NAME PORT SINK-PORT PACKETS  an already running plain UDP relay from PORT to SINK-PORT
 * Prints one line per relay: NAME packets_per_s. The sender keeps at most WINDOW (64) packets on the way (no
 * socket buffer overflows, so none is lost) and every packet must arrive in order; the run stops after
 * PACKETS packets or 30 s. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "payload.h"
#include "rig.h"
#include "tlspeer.h"

enum { WINDOW = 64 };

/* Sends n packets on s (DTLS) or fd, receives them on sink: packets per second, 0 when one was lost. */
static double blast(gnutls_session_t s, int fd, int sink, unsigned n)
{
	unsigned sent = 0, got = 0;
	gint64 t0 = g_get_monotonic_time(), end = t0 + 30 * G_USEC_PER_SEC;
	while (got < n && g_get_monotonic_time() < end) {
		for (uint8_t out[UDPTL_MAX]; sent < n && sent - got < WINDOW; sent++) {
			size_t k = payload_udptl((uint16_t)sent, sent % 4, out);
			if (s ? !tlspeer_write(s, out, k) : send(fd, out, k, 0) != (ssize_t)k)
				return 0;
		}
		uint8_t in[64], want[UDPTL_MAX];
		ssize_t r = udp_recv(sink, in, sizeof in, 1000);
		size_t k = payload_udptl((uint16_t)got, got % 4, want);
		if (r != (ssize_t)k || memcmp(in, want, k))
			return 0;
		got++;
	}
	return got / ((double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC);
}

static struct rig *rig;

/* A context: access (transport, the UE's Remote) and core (UDP toward the sink); the access port. */
static uint16_t provision(const char *transport, const char *fp, uint16_t ue_port, uint16_t sink_port)
{
	char *c = rig_requestf(
	    rig,
	    "Context = $ { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = core }, Local {\n"
	    "v=0\nc=IN IP4 $\nm=image $ UDP t38\n},\nRemote {\nv=0\nc=IN IP4 127.0.0.1\n"
	    "m=image %u UDP t38\n} } } } }",
	    sink_port);
	unsigned ctx = rig_number_after(c, "Context = ");
	char *a = rig_requestf(
	    rig,
	    "Context = %u { Add = $ { Media { Stream = 1 { LocalControl { ipdc/realm = access },\n"
	    "Local {\nv=0\nc=IN IP4 $\nm=image $ %s t38\n%s},\nRemote {\nv=0\nc=IN IP4 127.0.0.1\n"
	    "m=image %u %s t38\n%s%s%s} } } } }",
	    ctx, transport, fp ? "a=setup:passive\na=fingerprint:$\n" : "", ue_port, transport,
	    fp ? "a=fingerprint:" : "", fp ? fp : "", fp ? "\n" : "");
	uint16_t port = (uint16_t)rig_local_port(a);
	g_free(a), g_free(c);
	return port;
}

int main(int argc, char **argv)
{
	bool agw = argc == 5 && !strcmp(argv[1], "agw"), ext = argc == 6 && !strcmp(argv[1], "ext");
	if (!agw && !ext) {
		fprintf(stderr, "usage: dgram_bench agw UE-CERT UE-KEY PACKETS\n"
				"       dgram_bench ext NAME PORT SINK-PORT PACKETS\n");
		return 2;
	}
	unsigned n = (unsigned)atoi(argv[agw ? 4 : 5]);
	uint16_t ue_port = 0, sink_port = ext ? (uint16_t)atoi(argv[4]) : 0;
	int fd = udp_socket("127.0.0.1", &ue_port), sink = udp_socket("127.0.0.1", &sink_port);
	if (fd < 0 || sink < 0)
		return 1;
	if (ext) {
		udp_connect(fd, (uint16_t)atoi(argv[3]));
		printf("%s %.0f\n", argv[2], blast(NULL, fd, sink, n));
		return 0;
	}
	struct tls_identity ue;
	char *err = NULL, why[160] = "";
	if (!tls_identity_init(&ue, argv[2], argv[3], "bench", &err)) {
		fprintf(stderr, "dgram_bench: %s\n", err);
		return 2;
	}
	rig = rig_start((const char *const[]){ "--realm-access-ports", "10000-19999", "--realm-core-ports",
					       "20000-29999", NULL });
	if (!rig)
		return 1;
	udp_connect(fd, provision("UDP/DTLS", ue.fingerprint, ue_port, sink_port));
	gnutls_session_t s = tlspeer_handshake(fd, true, &ue, NULL, 5000, why);
	if (!s) {
		fprintf(stderr, "dgram_bench: DTLS handshake: %s\n", why);
		return 1;
	}
	printf("ims-agw-dtls %.0f\n", blast(s, fd, sink, n));
	gnutls_deinit(s);
	close(fd);
	ue_port = 0;
	fd = udp_socket("127.0.0.1", &ue_port);
	udp_connect(fd, provision("UDP", NULL, ue_port, sink_port));
	printf("ims-agw-udp %.0f\n", blast(NULL, fd, sink, n));
	rig_stop(rig);
	tls_identity_clear(&ue);
	return 0;
}
