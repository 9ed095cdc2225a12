/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cert: a generated identity, its SHA-256 fingerprint in SDP form, matching under each hash, refusals. */
#include <glib.h>
#include <string.h>

#include "cert.h"
#include "msdp.h"
#include "suites.h"

static void test_identity(void)
{
	struct tls_identity id;
	char *err = NULL;
	CU_ASSERT_TRUE_FATAL(tls_identity_init(&id, NULL, NULL, "ims-agw", &err));
	CU_ASSERT_TRUE(g_regex_match_simple("^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$", id.fingerprint, 0, 0));
	gnutls_datum_t der;
	CU_ASSERT_EQUAL_FATAL(gnutls_certificate_get_crt_raw(id.cred, 0, 0, &der), 0);

	struct msdp_fingerprint fps[2] = { { "sha-256", "00:11" }, { "sha-256", "" } };
	g_strlcpy(fps[1].value, id.fingerprint + 8, sizeof fps[1].value);
	CU_ASSERT_TRUE(tls_fingerprint_match(&der, fps, 2, false));
	CU_ASSERT_FALSE(tls_fingerprint_match(&der, fps, 1, false));
	char *lower = g_ascii_strdown(fps[1].value, -1); /* hex compares case-insensitively */
	g_strlcpy(fps[1].value, lower, sizeof fps[1].value);
	g_free(lower);
	CU_ASSERT_TRUE(tls_fingerprint_match(&der, fps, 2, false));

	struct msdp_fingerprint sha1 = { "sha-1", "" }, sha512 = { "sha-512", "" };
	CU_ASSERT_TRUE(tls_fingerprint(&der, "sha-1", sha1.value, sizeof sha1.value));
	CU_ASSERT_TRUE(tls_fingerprint(&der, "SHA-512", sha512.value, sizeof sha512.value));
	CU_ASSERT_EQUAL(strlen(sha512.value), 64 * 3 - 1);
	CU_ASSERT_FALSE(tls_fingerprint_match(&der, &sha1, 1, false)); /* sha-1 only when allowed */
	CU_ASSERT_TRUE(tls_fingerprint_match(&der, &sha1, 1, true));
	CU_ASSERT_TRUE(tls_fingerprint_match(&der, &sha512, 1, false));
	char out[200];
	CU_ASSERT_FALSE(tls_fingerprint(&der, "md5", out, sizeof out));

	struct tls_identity other;
	CU_ASSERT_TRUE_FATAL(tls_identity_init(&other, NULL, NULL, "ims-agw", &err));
	CU_ASSERT_STRING_NOT_EQUAL(other.fingerprint, id.fingerprint); /* a new key each time */
	tls_identity_clear(&other);
	tls_identity_clear(&id);

	CU_ASSERT_FALSE(tls_identity_init(&id, "/nonexistent.pem", NULL, "x", &err));
	CU_ASSERT_TRUE(g_str_has_prefix(err, "/nonexistent.pem: cannot load the certificate and key: "));
	g_free(err);
}

static void test_psk(void)
{
	static const char key[] = "000102030405060708090a0b0c0d0e0f";
	char *identity = NULL, *hex = NULL, *with = g_strdup_printf("kms-1:%s", key);
	CU_ASSERT_TRUE_FATAL(tls_psk_split(with, &identity, &hex));
	ASSERT_STR(identity, "kms-1");
	ASSERT_STR(hex, key);
	g_free(identity), g_free(hex);
	CU_ASSERT_TRUE_FATAL(tls_psk_split(key, &identity, &hex)); /* the key alone */
	ASSERT_STR(identity, "mediasec");
	gnutls_datum_t k = { 0 };
	CU_ASSERT_EQUAL(tls_psk_key("mediasec", identity, hex, &k), 0);
	CU_ASSERT_EQUAL(k.size, 16);
	CU_ASSERT_EQUAL(k.data[15], 0x0f);
	gnutls_free(k.data);
	CU_ASSERT_EQUAL(tls_psk_key("other", identity, hex, &k), -1);
	g_free(identity), g_free(hex);
	CU_ASSERT_FALSE(tls_psk_split(":000102030405060708090a0b0c0d0e0f", NULL, NULL));  /* empty identity */
	CU_ASSERT_FALSE(tls_psk_split("x:0001020304050607", NULL, NULL));                 /* 8 octets */
	CU_ASSERT_FALSE(tls_psk_split("x:zz0102030405060708090a0b0c0d0e0f", NULL, NULL)); /* not hex */
	g_free(with);
}

void register_cert(void)
{
	static const struct unit_test tests[] = {
		{ "generated identity, fingerprints, matching", test_identity },
		{ "pre-shared keys: identity:hexkey, lookup", test_psk },
		{ NULL, NULL },
	};
	unit_add_suite("cert", tests);
}
