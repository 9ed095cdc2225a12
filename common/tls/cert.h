/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cert: the gateway's TLS/DTLS identity and certificate fingerprints (RFC 4572/8122). The identity is a
 * certificate and key from files, or a self-signed ECDSA P-256 one generated at start (design §6: about
 * five times the handshakes per core of RSA-2048). The fingerprint the SDP carries is "sha-256 AB:CD:…";
 * a peer's certificate is matched against every a=fingerprint the SDP gave (sha-256, -384, -512; sha-1
 * only when allowed). Shared by the TLS and the DTLS legs. */
#ifndef MEDIASEC_TLS_CERT_H
#define MEDIASEC_TLS_CERT_H

#include <stdbool.h>
#include <stddef.h>

#include <gnutls/gnutls.h>

struct msdp_fingerprint;

struct tls_identity {
	gnutls_certificate_credentials_t cred;
	char fingerprint[128]; /* "sha-256 AB:CD:…" of the certificate */
};

/* From PEM files; both NULL or "": generate a self-signed ECDSA P-256 certificate for common_name. */
bool tls_identity_init(struct tls_identity *id, const char *cert_file, const char *key_file,
		       const char *common_name, char **err);
void tls_identity_clear(struct tls_identity *id);

/* "AB:CD:…" of der under hash ("sha-1", "sha-256", "sha-384", "sha-512"); false for other hashes. */
bool tls_fingerprint(const gnutls_datum_t *der, const char *hash, char *out, size_t n);

/* True when der matches one of the fingerprints (hex compared case-insensitively). */
bool tls_fingerprint_match(const gnutls_datum_t *der, const struct msdp_fingerprint *fps, unsigned n,
			   bool allow_sha1);

/* A pre-shared key as tlsbsc/psk and mrfc.psk write it (TS 33.328 Annex H's KMS case): "identity:hexkey",
 * or the key alone with the identity "mediasec"; the key 16 to 64 octets in hex. False when value is not
 * of that form; else, when identity is not NULL, both g_malloc'd. */
bool tls_psk_split(const char *value, char **identity, char **key);
/* A server's key lookup (gnutls_psk_set_server_credentials_function): hex_key decoded into *key when
 * the identity the client named is want; -1 otherwise, as GnuTLS expects. */
int tls_psk_key(const char *identity, const char *want, const char *hex_key, gnutls_datum_t *key);

/* What a session negotiated, for logs and traces (g_free it): GnuTLS's description, and for a pre-shared
 * key how it was used ("… ECDHE-PSK SECP256R1": with forward secrecy), which that description leaves out. */
char *tls_session_text(gnutls_session_t s);

/* An alert's name as the TLS RFCs write it ("bad_certificate"), into buf (at least 48 bytes). */
const char *tls_alert_name(int desc, char *buf, size_t n);

#endif
