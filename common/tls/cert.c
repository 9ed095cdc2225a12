/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cert: see cert.h. GnuTLS does the keys, the certificate and the hashing. */
#include "config.h"
#include "cert.h"

#include <glib.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "msdp.h"

static const struct {
	const char *name;
	gnutls_digest_algorithm_t alg;
} hashes[] = {
	{ "sha-1", GNUTLS_DIG_SHA1 },
	{ "sha-256", GNUTLS_DIG_SHA256 },
	{ "sha-384", GNUTLS_DIG_SHA384 },
	{ "sha-512", GNUTLS_DIG_SHA512 },
};

bool tls_fingerprint(const gnutls_datum_t *der, const char *hash, char *out, size_t n)
{
	for (size_t i = 0; i < G_N_ELEMENTS(hashes); i++) {
		if (g_ascii_strcasecmp(hash, hashes[i].name))
			continue;
		unsigned char digest[64];
		size_t len = sizeof digest;
		if (gnutls_fingerprint(hashes[i].alg, der, digest, &len) < 0 || n < 3 * len)
			return false;
		static const char hex[] = "0123456789ABCDEF";
		for (size_t k = 0; k < len; k++) { /* "AB:CD:…:EF" */
			out[3 * k] = hex[digest[k] >> 4];
			out[3 * k + 1] = hex[digest[k] & 15];
			out[3 * k + 2] = ':';
		}
		out[3 * len - 1] = 0;
		return true;
	}
	return false;
}

bool tls_fingerprint_match(const gnutls_datum_t *der, const struct msdp_fingerprint *fps, unsigned n,
			   bool allow_sha1)
{
	for (unsigned i = 0; i < n; i++) {
		char mine[200];
		if (!allow_sha1 && !g_ascii_strcasecmp(fps[i].hash, "sha-1"))
			continue;
		if (tls_fingerprint(der, fps[i].hash, mine, sizeof mine) &&
		    !g_ascii_strcasecmp(mine, fps[i].value))
			return true;
	}
	return false;
}

static bool generate(struct tls_identity *id, const char *cn, char **err)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	int rc;
	const char *step = "generating the ECDSA P-256 key";
	if ((rc = gnutls_x509_privkey_init(&key)) < 0 ||
	    (rc = gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
					       GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0)) < 0)
		goto fail;
	step = "making the self-signed certificate";
	unsigned char serial[8];
	gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial);
	serial[0] &= 0x7f;
	time_t now = time(NULL);
	if ((rc = gnutls_x509_crt_init(&crt)) < 0 || (rc = gnutls_x509_crt_set_version(crt, 3)) < 0 ||
	    (rc = gnutls_x509_crt_set_serial(crt, serial, sizeof serial)) < 0 ||
	    (rc = gnutls_x509_crt_set_activation_time(crt, now - 3600)) < 0 ||
	    (rc = gnutls_x509_crt_set_expiration_time(crt, now + 365 * 24 * 3600)) < 0 ||
	    (rc = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
						(unsigned)strlen(cn))) < 0 ||
	    (rc = gnutls_x509_crt_set_key(crt, key)) < 0 ||
	    (rc = gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0)) < 0)
		goto fail;
	step = "loading the generated certificate";
	if ((rc = gnutls_certificate_set_x509_key(id->cred, &crt, 1, key)) < 0)
		goto fail;
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	return true;
fail:
	*err = g_strdup_printf("%s: %s", step, gnutls_strerror(rc));
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	return false;
}

bool tls_identity_init(struct tls_identity *id, const char *cert_file, const char *key_file,
		       const char *common_name, char **err)
{
	memset(id, 0, sizeof *id);
	int rc = gnutls_certificate_allocate_credentials(&id->cred);
	if (rc < 0) {
		*err = g_strdup_printf("allocating TLS credentials: %s", gnutls_strerror(rc));
		return false;
	}
	if (cert_file && *cert_file) {
		rc = gnutls_certificate_set_x509_key_file(
		    id->cred, cert_file, key_file && *key_file ? key_file : cert_file, GNUTLS_X509_FMT_PEM);
		if (rc < 0) {
			*err = g_strdup_printf("%s: cannot load the certificate and key: %s", cert_file,
					       gnutls_strerror(rc));
			tls_identity_clear(id);
			return false;
		}
	} else if (!generate(id, common_name, err)) {
		tls_identity_clear(id);
		return false;
	}
	gnutls_datum_t der; /* points into the credentials: not freed here */
	if ((rc = gnutls_certificate_get_crt_raw(id->cred, 0, 0, &der)) < 0) {
		*err = g_strdup_printf("reading back the certificate: %s", gnutls_strerror(rc));
		tls_identity_clear(id);
		return false;
	}
	strcpy(id->fingerprint, "sha-256 ");
	tls_fingerprint(&der, "sha-256", id->fingerprint + 8, sizeof id->fingerprint - 8);
	return true;
}

void tls_identity_clear(struct tls_identity *id)
{
	if (id->cred)
		gnutls_certificate_free_credentials(id->cred);
	id->cred = NULL;
}

const char *tls_alert_name(int desc, char *buf, size_t n)
{
	const char *s =
	    gnutls_alert_get_strname((gnutls_alert_description_t)desc); /* "GNUTLS_A_BAD_CERTIFICATE" */
	if (!s)
		s = "unknown";
	if (g_str_has_prefix(s, "GNUTLS_A_"))
		s += strlen("GNUTLS_A_");
	g_strlcpy(buf, s, n);
	for (char *c = buf; *c; c++)
		*c = g_ascii_tolower(*c);
	return buf;
}

bool tls_psk_split(const char *value, char **identity, char **key)
{
	const char *colon = strrchr(value, ':'), *k = colon ? colon + 1 : value;
	size_t n = strlen(k);
	bool ok = n >= 32 && n <= 128 && n % 2 == 0 && colon != value;
	for (size_t i = 0; ok && i < n; i++)
		ok = g_ascii_isxdigit(k[i]);
	if (ok && identity) {
		*identity = colon ? g_strndup(value, (gsize)(colon - value)) : g_strdup("mediasec");
		*key = g_strdup(k);
	}
	return ok;
}

int tls_psk_key(const char *identity, const char *want, const char *hex_key, gnutls_datum_t *key)
{
	if (!want || !hex_key || strcmp(identity, want))
		return -1;
	gnutls_datum_t hex = { (unsigned char *)hex_key, (unsigned)strlen(hex_key) };
	return gnutls_hex_decode2(&hex, key) < 0 ? -1 : 0;
}

char *tls_session_text(gnutls_session_t s)
{
	char *desc = gnutls_session_get_desc(s);
	gnutls_kx_algorithm_t kx = gnutls_kx_get(s);
	bool psk = kx == GNUTLS_KX_PSK || kx == GNUTLS_KX_ECDHE_PSK || kx == GNUTLS_KX_DHE_PSK;
	gnutls_group_t g = gnutls_group_get(s);
	char *text = g_strdup_printf("%s%s%s%s%s", desc ? desc : "TLS", psk ? " " : "",
				     psk ? gnutls_kx_get_name(kx) : "", psk && g ? " " : "",
				     psk && g ? gnutls_group_get_name(g) : "");
	gnutls_free(desc);
	return text;
}
