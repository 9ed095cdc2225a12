/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bfcp: the Binary Floor Control Protocol's messages (RFC 8855 §5): a 12-byte common header (version,
 * R and F bits, primitive, payload length in 4-octet units, conference id, transaction id, user id)
 * followed by TLV attributes (7-bit type, M bit, 8-bit length counting the 2-byte header, contents
 * padded to 4 octets; grouped attributes nest more). The conference server (agw/conference.c) and the lab's
 * UEs read and write them with this module; names for traces come from its tables. */
#ifndef MEDIASEC_BFCP_H
#define MEDIASEC_BFCP_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { BFCP_HEADER = 12, BFCP_VERSION_STREAM = 1, BFCP_VERSION_DGRAM = 2 };

enum bfcp_primitive {
	BFCP_FLOOR_REQUEST = 1,
	BFCP_FLOOR_RELEASE = 2,
	BFCP_FLOOR_REQUEST_QUERY = 3,
	BFCP_FLOOR_REQUEST_STATUS = 4,
	BFCP_USER_QUERY = 5,
	BFCP_USER_STATUS = 6,
	BFCP_FLOOR_QUERY = 7,
	BFCP_FLOOR_STATUS = 8,
	BFCP_CHAIR_ACTION = 9,
	BFCP_CHAIR_ACTION_ACK = 10,
	BFCP_HELLO = 11,
	BFCP_HELLO_ACK = 12,
	BFCP_ERROR = 13,
	BFCP_FLOOR_REQUEST_STATUS_ACK = 14,
	BFCP_FLOOR_STATUS_ACK = 15,
	BFCP_GOODBYE = 16,
	BFCP_GOODBYE_ACK = 17,
};

enum bfcp_attr_type {
	BFCP_A_BENEFICIARY_ID = 1,
	BFCP_A_FLOOR_ID = 2,
	BFCP_A_FLOOR_REQUEST_ID = 3,
	BFCP_A_PRIORITY = 4,
	BFCP_A_REQUEST_STATUS = 5,
	BFCP_A_ERROR_CODE = 6,
	BFCP_A_ERROR_INFO = 7,
	BFCP_A_PARTICIPANT_PROVIDED_INFO = 8,
	BFCP_A_STATUS_INFO = 9,
	BFCP_A_SUPPORTED_ATTRIBUTES = 10,
	BFCP_A_SUPPORTED_PRIMITIVES = 11,
	BFCP_A_USER_DISPLAY_NAME = 12,
	BFCP_A_USER_URI = 13,
	BFCP_A_BENEFICIARY_INFORMATION = 14,
	BFCP_A_FLOOR_REQUEST_INFORMATION = 15,
	BFCP_A_REQUESTED_BY_INFORMATION = 16,
	BFCP_A_FLOOR_REQUEST_STATUS = 17,
	BFCP_A_OVERALL_REQUEST_STATUS = 18,
};

enum bfcp_request_status {
	BFCP_PENDING = 1,
	BFCP_ACCEPTED = 2,
	BFCP_GRANTED = 3,
	BFCP_DENIED = 4,
	BFCP_CANCELLED = 5,
	BFCP_RELEASED = 6,
	BFCP_REVOKED = 7,
};

enum bfcp_error_code {
	BFCP_E_CONFERENCE = 1,   /* Conference does not Exist */
	BFCP_E_USER = 2,         /* User does not Exist */
	BFCP_E_PRIMITIVE = 3,    /* Unknown Primitive */
	BFCP_E_MANDATORY = 4,    /* Unknown Mandatory Attribute */
	BFCP_E_UNAUTHORIZED = 5, /* Unauthorized Operation */
	BFCP_E_FLOOR = 6,        /* Invalid Floor ID */
	BFCP_E_REQUEST = 7,      /* Floor Request ID Does Not Exist */
	BFCP_E_MAX_REQUESTS = 8, /* You have Already Reached the Maximum Number of Ongoing Floor Requests */
	BFCP_E_PARSE = 10,       /* Unable to Parse Message */
	BFCP_E_VERSION = 12,     /* Unsupported Version */
	BFCP_E_LENGTH = 13,      /* Incorrect Message Length */
};

/* "FloorRequest" …, by primitive; "Granted" …, by request status; NULL past the end or unassigned. */
const char *bfcp_primitive_name(unsigned primitive);
const char *bfcp_attr_name(unsigned type);
const char *bfcp_status_name(unsigned status);

struct bfcp_msg {
	uint8_t version;
	bool responder; /* R: the message answers a request */
	bool fragment;  /* F: only over unreliable transports */
	uint8_t primitive;
	uint32_t conference_id;
	uint16_t transaction_id, user_id;
	const uint8_t *attrs; /* the attributes, attrs_len bytes */
	size_t attrs_len;
	size_t size; /* the bytes the message takes */
};

enum bfcp_status {
	BFCP_COMPLETE, /* a whole message is at the start of the buffer */
	BFCP_PARTIAL,  /* more bytes are needed */
	BFCP_INVALID,  /* the header is not BFCP's: *error says which Error code answers it */
};

/* Looks at the message at the start of buf[0..len) (a stream: TCP or TLS). Attributes are not checked;
 * bfcp_attrs_valid does that. */
enum bfcp_status bfcp_frame(const uint8_t *buf, size_t len, struct bfcp_msg *m, enum bfcp_error_code *error,
			    const char **why);

struct bfcp_attr {
	uint8_t type;
	bool mandatory;
	const uint8_t *value; /* the contents, without the 2-byte header or the padding */
	size_t len;
};
/* The next attribute of attrs[0..len) at *off: 1 with *a, 0 at the end, -1 when malformed. */
int bfcp_attr_next(const uint8_t *attrs, size_t len, size_t *off, struct bfcp_attr *a);
/* Every attribute well formed, grouped ones (14-18) recursively. */
bool bfcp_attrs_valid(const uint8_t *attrs, size_t len, const char **why);
/* The 16-bit value that starts FLOOR-ID, FLOOR-REQUEST-ID, BENEFICIARY-ID and the grouped attributes. */
bool bfcp_attr_u16(const struct bfcp_attr *a, uint16_t *v);
/* The first attribute of type in attrs (one level); false when none. */
bool bfcp_attr_find(const uint8_t *attrs, size_t len, unsigned type, struct bfcp_attr *a);
/* The first FLOOR-REQUEST-INFORMATION of a FloorRequestStatus or FloorStatus: its floor request id and
 * its OVERALL-REQUEST-STATUS's REQUEST-STATUS (status, queue position). False when m has none. */
bool bfcp_request_status(const struct bfcp_msg *m, uint16_t *request_id, unsigned *status,
			 unsigned *position);

/* ---- writing: a message is begun, its attributes appended (groups nest), then ended ---- */

/* Starts a message with header h (its attribute fields ignored); returns where it starts. */
size_t bfcp_begin(GByteArray *out, const struct bfcp_msg *h);
void bfcp_end(GByteArray *out, size_t start);
void bfcp_put_u16(GByteArray *out, unsigned type, uint16_t v);
void bfcp_put_bytes(GByteArray *out, unsigned type, const uint8_t *v, size_t n);
void bfcp_put_status(GByteArray *out, enum bfcp_request_status status, uint8_t queue_position);
/* A grouped attribute whose contents start with the 16-bit first; ended by bfcp_group_end. */
size_t bfcp_group_begin(GByteArray *out, unsigned type, uint16_t first);
void bfcp_group_end(GByteArray *out, size_t start);

/* One line for traces and tests: "FloorRequestStatus tid 7 user 2 {FLOOR-REQUEST-INFORMATION 1
 * {OVERALL-REQUEST-STATUS 1 {REQUEST-STATUS Granted 0}} …}". g_free it. */
char *bfcp_describe(const struct bfcp_msg *m);

#endif
