/* SPDX-License-Identifier: GPL-3.0-or-later */
/* transport: the media transports the project carries, as SIP's SDP writes them and as the gateway's
 * terminations get them (TS 23.334 §6.2.10.3, §6.2.10.4; digest §2.6). One row per media application;
 * the gateway's tokens follow from the rows. Protocol facts only: who decides what lives in alg/ and
 * agw/. */
#ifndef MEDIASEC_TRANSPORT_H
#define MEDIASEC_TRANSPORT_H

#include <stdbool.h>

enum tp_app { TP_APP_OTHER, TP_APP_MSRP, TP_APP_BFCP, TP_APP_T38 };

struct tp_media {
	const char *sip_plain, *sip_secure; /* the SDP tokens: "TCP/MSRP", "TCP/TLS/MSRP" */
	enum tp_app app;
	const char *agw_plain, *agw_secure;     /* the gateway's, application-agnostic: "TCP", "TCP/TLS" */
	const char *aware_plain, *aware_secure; /* application-aware (NULL: the gateway is never told) */
	const char *fmt;                        /* the m= format in H.248 Local and Remote */
	const char *mechanism;                  /* Security-Client / -Server mechanism (TS 24.229 §7.2A.7) */
};

/* The row whose SIP token (plain or secure, any case) is proto; *secure says which. NULL: not ours. */
const struct tp_media *tp_media_of(const char *proto, bool *secure);
/* The row for mechanism ("msrp-tls"); NULL when there is none. */
const struct tp_media *tp_media_of_mechanism(const char *mechanism, unsigned *index);
/* Every row, n set. */
const struct tp_media *tp_media_all(unsigned *n);

/* A transport token a gateway termination may get: stream or datagram, secured or not. */
struct tp_bearer {
	const char *token;
	bool dgram;  /* UDP: datagram legs; else TCP */
	bool secure;     /* TLS over TCP, DTLS over UDP */
	enum tp_app app; /* the application it names ("TCP/TLS/MSRP"), TP_APP_OTHER when agnostic */
};

/* The gateway's row for token (exact case, as H.248 carries it); NULL when it carries no such one. */
const struct tp_bearer *tp_bearer_of(const char *token);

#endif
