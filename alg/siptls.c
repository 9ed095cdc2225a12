/* SPDX-License-Identifier: GPL-3.0-or-later */
/* siptls: see siptls.h. GnuTLS loads or makes the identity (cert.c) and writes it out as PEM; sofia-sip
 * (OpenSSL underneath) reads the files back. */
#include "config.h"
#include "siptls.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <gnutls/x509.h>

#include "cert.h"

struct siptls {
	char *dir, *agent, *cafile;
	char fingerprint[128];
};

static const char *const file_names[] = { "agent.pem", "cafile.pem" };

/* The identity's certificate chain and key as PEM: *key_pem the key, *crt_pem the chain. */
static bool export_pem(const struct tls_identity *id, GString *key_pem, GString *crt_pem, char **err)
{
	gnutls_x509_crt_t *crts = NULL;
	unsigned n = 0;
	gnutls_x509_privkey_t key = NULL;
	gnutls_datum_t out = { 0 };
	int rc = gnutls_certificate_get_x509_crt(id->cred, 0, &crts, &n);
	const char *step = "reading the certificate back";
	for (unsigned i = 0; rc >= 0 && i < n; i++) {
		if ((rc = gnutls_x509_crt_export2(crts[i], GNUTLS_X509_FMT_PEM, &out)) >= 0)
			g_string_append_len(crt_pem, (const char *)out.data, out.size);
		gnutls_free(out.data);
		out.data = NULL;
	}
	for (unsigned i = 0; i < n; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_free(crts);
	if (rc >= 0) {
		step = "reading the key back";
		rc = gnutls_certificate_get_x509_key(id->cred, 0, &key);
	}
	if (rc >= 0 && (rc = gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &out)) >= 0)
		g_string_append_len(key_pem, (const char *)out.data, out.size);
	gnutls_free(out.data);
	if (key)
		gnutls_x509_privkey_deinit(key);
	if (rc < 0)
		*err = g_strdup_printf("%s: %s", step, gnutls_strerror(rc));
	return rc >= 0;
}

static bool write_private(const char *path, const GString *text, char **err)
{
	GError *e = NULL;
	if (g_file_set_contents_full(path, text->str, (gssize)text->len, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
				     &e))
		return true;
	*err = g_strdup_printf("writing %s: %s", path, e->message);
	g_error_free(e);
	return false;
}

struct siptls *siptls_new(const char *cert_file, const char *key_file, char **err)
{
	struct tls_identity id;
	if (!tls_identity_init(&id, cert_file, key_file, "ims-alg", err))
		return NULL;
	struct siptls *t = g_new0(struct siptls, 1);
	g_strlcpy(t->fingerprint, id.fingerprint, sizeof t->fingerprint);
	GString *key = g_string_new(NULL), *crt = g_string_new(NULL);
	GError *e = NULL;
	bool ok = export_pem(&id, key, crt, err);
	tls_identity_clear(&id);
	if (ok && !(t->dir = g_dir_make_tmp("ims-alg-tls-XXXXXX", &e))) {
		*err = g_strdup_printf("making a directory for sofia-sip's TLS files: %s", e->message);
		g_error_free(e);
		ok = false;
	}
	if (ok) {
		t->agent = g_build_filename(t->dir, file_names[0], NULL);
		t->cafile = g_build_filename(t->dir, file_names[1], NULL);
		g_string_append(key, crt->str); /* agent.pem: the key, then the chain */
		ok = write_private(t->agent, key, err) && write_private(t->cafile, crt, err);
	}
	g_string_free(key, TRUE);
	g_string_free(crt, TRUE);
	if (!ok) {
		siptls_free(t);
		return NULL;
	}
	return t;
}

const char *siptls_dir(const struct siptls *t)
{
	return t->dir;
}

const char *siptls_fingerprint(const struct siptls *t)
{
	return t->fingerprint;
}

void siptls_free(struct siptls *t)
{
	if (!t)
		return;
	if (t->agent)
		g_unlink(t->agent);
	if (t->cafile)
		g_unlink(t->cafile);
	if (t->dir)
		g_rmdir(t->dir);
	g_free(t->agent), g_free(t->cafile), g_free(t->dir);
	g_free(t);
}
