/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tlspeer: see tlspeer.h. */
#include "tlspeer.h"

#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "msdp.h"
#include "rig.h"

gnutls_session_t tlspeer_handshake(int fd, bool client, const struct tls_identity *id, const char *expect_fp,
				   unsigned ms, char why[160])
{
	return tlspeer_handshake_prio(fd, client, id, NULL, expect_fp, ms, why);
}

gnutls_session_t tlspeer_handshake_said(int fd, bool client, const struct tls_identity *id,
					const char *expect_fp, unsigned ms)
{
	char why[160] = "";
	gnutls_session_t s = tlspeer_handshake(fd, client, id, expect_fp, ms, why);
	if (!s)
		fprintf(stderr, "\n    UE handshake: %s\n", why);
	return s;
}

gnutls_session_t tlspeer_handshake_prio(int fd, bool client, const struct tls_identity *id,
					const char *priority, const char *expect_fp, unsigned ms,
					char why[160])
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	int type = SOCK_STREAM;
	getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &(socklen_t){ sizeof type });
	gnutls_session_t s;
	gnutls_init(&s, (client ? GNUTLS_CLIENT : GNUTLS_SERVER) | (type == SOCK_DGRAM ? GNUTLS_DATAGRAM : 0));
	const char *where = NULL;
	int rc = priority ? gnutls_priority_set_direct(s, priority, &where) : gnutls_set_default_priority(s);
	if (rc < 0) {
		snprintf(why, 160, "priority %s: %s at %s", priority, gnutls_strerror(rc),
			 where ? where : "?");
		gnutls_deinit(s);
		return NULL;
	}
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, id->cred);
	if (!client)
		gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
	gnutls_transport_set_int(s, fd);
	gnutls_handshake_set_timeout(s, ms);
	do
		rc = gnutls_handshake(s);
	while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc < 0) {
		snprintf(why, 160, "%s", gnutls_strerror(rc));
		gnutls_deinit(s);
		return NULL;
	}
	if (expect_fp) {
		unsigned n = 0;
		const gnutls_datum_t *certs = gnutls_certificate_get_peers(s, &n);
		struct msdp_fingerprint fp = { "sha-256", "" };
		g_strlcpy(fp.value, expect_fp + 8, sizeof fp.value);
		if (!n || !tls_fingerprint_match(&certs[0], &fp, 1, false)) {
			snprintf(why, 160, "the gateway's certificate does not match its fingerprint");
			gnutls_deinit(s);
			return NULL;
		}
	}
	return s;
}

ssize_t tlspeer_read(gnutls_session_t s, void *buf, size_t n, unsigned ms)
{
	gnutls_record_set_timeout(s, ms);
	size_t got = 0;
	while (got < n) {
		ssize_t r = gnutls_record_recv(s, (char *)buf + got, n - got);
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
			continue;
		if (r <= 0)
			return got ? (ssize_t)got : r;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

bool tlspeer_write(gnutls_session_t s, const void *buf, size_t n)
{
	size_t sent = 0;
	while (sent < n) {
		ssize_t r = gnutls_record_send(s, (const char *)buf + sent, n - sent);
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
			continue;
		if (r < 0)
			return false;
		sent += (size_t)r;
	}
	return true;
}

void tlspeer_close(gnutls_session_t s, int fd)
{
	if (s)
		gnutls_deinit(s);
	if (fd >= 0)
		close(fd);
}

bool tlspeer_cross(gnutls_session_t s, int plain, const void *msg, size_t n, unsigned ms)
{
	char *got = g_malloc(n);
	bool ok = tlspeer_write(s, msg, n) && tcp_read_all(plain, got, n, ms) == (ssize_t)n && !memcmp(got, msg, n) &&
		  send(plain, msg, n, 0) == (ssize_t)n && tlspeer_read(s, got, n, ms) == (ssize_t)n &&
		  !memcmp(got, msg, n);
	g_free(got);
	return ok;
}
