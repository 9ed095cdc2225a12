/* SPDX-License-Identifier: GPL-3.0-or-later */
/* msdp: the SDP of an H.248 Local or Remote descriptor, read with sofia-sip's parser. H.248 allows CHOOSE
 * ("$") for the connection address and the m= port (H.248.1 §7.1.8), and the wire profile uses it for the
 * fingerprint ("a=fingerprint:$"); those are noted and replaced before parsing. An answer is made by
 * filling the CHOOSE fields in the received text, every other byte as it was. */
#ifndef MEDIASEC_MSDP_H
#define MEDIASEC_MSDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum msdp_setup {
	MSDP_SETUP_NONE,
	MSDP_SETUP_ACTIVE,
	MSDP_SETUP_PASSIVE,
	MSDP_SETUP_ACTPASS,
	MSDP_SETUP_HOLDCONN
};
extern const char *const msdp_setup_names[]; /* "", "active", "passive", "actpass", "holdconn" */

struct msdp_fingerprint {
	char hash[16];   /* lower case: "sha-256" */
	char value[200]; /* as written: "4A:AD:…" */
};

enum { MSDP_MAX_FINGERPRINTS = 4, MSDP_MAX_PATH = 255 };

struct sdp_session_s;
struct sdp_media_s;
struct sdp_attribute_s;
/* Where the a=fingerprint lines that name the certificate of media line m of session s are (sofia-sip's
 * parse; RFC 8122 §5): m's own attributes when it has an a=fingerprint, else the session's. */
const struct sdp_attribute_s *msdp_fingerprint_attrs(const struct sdp_session_s *s,
						     const struct sdp_media_s *m);

/* The one media description of an H.248 session description. What only some descriptions have (the
 * fingerprints, the MSRP path) is allocated to size: a gateway holds two for each termination it keeps.
 * msdp_clear frees them, msdp_move hands them on. */
struct msdp {
	char media[16]; /* "message", "application", "image" */
	char proto[32]; /* the transport token as written: "TCP/TLS/MSRP" */
	unsigned port;
	bool port_choose;
	char addr[64]; /* the connection address (media level, else session level) */
	int family;    /* AF_INET or AF_INET6; 0 without c= */
	bool addr_choose;
	enum msdp_setup setup;
	bool fingerprint_choose;
	struct msdp_fingerprint *fingerprints; /* nfingerprints of them (at most MSDP_MAX_FINGERPRINTS) */
	unsigned nfingerprints;
	char e2ae[16]; /* a=3ge2ae: "requested", "applied"; "" without */
	/* An MSRP endpoint's URI (a=path, RFC 4975 §8.1): the first of the path; "a=path:$" asks the gateway
	 * to end MSRP and write its own (the wire profile's CHOOSE, as for the fingerprint); NULL without */
	char *path;
	bool path_choose;
	/* BFCP (RFC 8856): a=confid, a=userid, the floors of a=floorid; 0 when absent */
	uint32_t confid;
	uint16_t userid;
	uint16_t floorids[4];
	unsigned nfloorids;
};

/* "active" … "holdconn" (any case); MSDP_SETUP_NONE for anything else. */
enum msdp_setup msdp_setup_of(const char *value);

/* Checks what sofia-sip's parser cannot be trusted with: lines end in CRLF or LF, hold no control byte
 * but TAB and do not start with white space, and m= lines follow RFC 4566's grammar of tokens (its
 * parser loops without end on some that do not). False with *err (g_free it). */
bool msdp_safe(const char *text, size_t len, char **err);

/* Reads text[0..len) into out (msdp_clear it after). False with *err (g_free it) when sofia-sip refuses
 * it or it has no m= line; out then holds nothing to free. */
bool msdp_parse(const char *text, size_t len, struct msdp *out, char **err);
/* Frees what s holds and zeroes it; a zeroed struct msdp may be cleared again. */
void msdp_clear(struct msdp *s);
/* Clears and frees a g_new'd one; NULL: nothing. */
void msdp_free(struct msdp *s);
/* to cleared, then given what from holds; from zeroed. */
void msdp_move(struct msdp *to, struct msdp *from);

/* text with the CHOOSE fields filled: c= address, m= port, a=fingerprint and a=path values (NULL: left
 * as is). A g_malloc'd, NUL-terminated string. */
char *msdp_fill(const char *text, size_t len, const char *addr, unsigned port, const char *fingerprint,
		const char *path);

#endif
