/* SPDX-License-Identifier: GPL-3.0-or-later */
/* siptls: the certificate of ims-alg's SIP over TLS (sip.<side>.transport tls), in the form sofia-sip's
 * tport reads it (TPTAG_CERTIFICATE): a directory holding agent.pem (the key and the certificate) and
 * cafile.pem (the certificate, so that OpenSSL's CA list loads). The certificate and key come from
 * sip.tls.certificate and sip.tls.key, or a self-signed ECDSA P-256 one is generated at start, as the
 * gateway's is (cert.h). The directory is private (0700, files 0600) and removed by siptls_free. */
#ifndef MEDIASEC_ALG_SIPTLS_H
#define MEDIASEC_ALG_SIPTLS_H

struct siptls;

/* From PEM files (key_file NULL or "": the key is in cert_file), or generated when cert_file is NULL or
 * "". NULL with *err saying what failed. */
struct siptls *siptls_new(const char *cert_file, const char *key_file, char **err);
/* The directory to give sofia-sip's TPTAG_CERTIFICATE. */
const char *siptls_dir(const struct siptls *t);
/* "sha-256 AB:CD:…" of the certificate, as a UE that pins it would check. */
const char *siptls_fingerprint(const struct siptls *t);
/* Removes the directory and its files. */
void siptls_free(struct siptls *t);

#endif
