/* payload: what a call's media line carries in the lab and the tests — its m= media, its transports
 * without and with TLS, its SDP attributes — and one real message of its protocol to send across the
 * gateway (an MSRP SEND, RFC 4975; a BFCP Hello, RFC 8855 §5.3.11). */
#ifndef MEDIASEC_LAB_PAYLOAD_H
#define MEDIASEC_LAB_PAYLOAD_H

#include <stddef.h>

struct payload {
	const char *name;        /* "msrp", "bfcp": the scenario's word */
	const char *media;       /* m= media */
	const char *plain, *tls; /* transports */
	const char *attrs;       /* SDP attribute lines, CRLF-ended */
	const char *what;        /* "MSRP SEND" */
	const char *bytes;       /* the message */
	size_t n;
};

extern const struct payload payload_msrp, payload_bfcp;

/* By name; NULL for another. */
const struct payload *payload_find(const char *name);

#endif
