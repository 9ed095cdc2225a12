/* SPDX-License-Identifier: GPL-3.0-or-later */
/* msrp: RFC 4975's framing of MSRP requests and responses on a stream (§7, §9): a start line
 * "MSRP <transaction-id> <method>" or "MSRP <transaction-id> <code> [<comment>]", header fields, an
 * optional body after an empty line, and the end line "-------<transaction-id>" with its continuation
 * flag ('$' complete, '+' more chunks follow, '#' aborted). The conference server (agw/conference.c) reads
 * and writes chunks with it; the lab's UEs too. */
#ifndef MEDIASEC_MSRP_H
#define MEDIASEC_MSRP_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

enum { MSRP_TID_MAX = 32, MSRP_HEADERS_MAX = 8192 };

/* The header fields the project reads (RFC 4975 §9), found while the frame is framed. */
enum msrp_field {
	MSRP_TO_PATH,
	MSRP_FROM_PATH,
	MSRP_MESSAGE_ID,
	MSRP_BYTE_RANGE,
	MSRP_CONTENT_TYPE,
	MSRP_FAILURE_REPORT,
	MSRP_FIELDS
};

/* A header field's value in the buffer, trimmed; p NULL when the frame has no such field. */
struct msrp_value {
	const char *p;
	size_t n;
};

struct msrp_frame {
	char tid[MSRP_TID_MAX + 1];
	char method[24];                      /* a request's method ("SEND", "REPORT"); "" for a response */
	unsigned status;                      /* a response's code (200); 0 for a request */
	struct msrp_value field[MSRP_FIELDS]; /* the first of each, any case */
	const char *body;                     /* the body (NULL: none) */
	size_t body_len;
	char flag;   /* '$', '+' or '#' */
	size_t size; /* the bytes the frame takes, end line included */
};

enum msrp_status {
	MSRP_COMPLETE, /* a whole frame is at the start of the buffer */
	MSRP_PARTIAL,  /* more bytes are needed */
	MSRP_INVALID,  /* not MSRP: the stream cannot be resynchronised */
};

/* Looks at the frame at the start of buf[0..len). On INVALID, *why says what is wrong. A frame whose
 * start line and header fields take more than MSRP_HEADERS_MAX bytes is invalid; a body has no limit
 * here (the caller bounds its buffer). */
enum msrp_status msrp_frame(const char *buf, size_t len, struct msrp_frame *f, const char **why);

/* The field's value as a string (g_free it); NULL when absent. */
char *msrp_field_dup(const struct msrp_frame *f, enum msrp_field which);
/* The first URI of a path field (To-Path, From-Path: URIs separated by spaces). */
struct msrp_value msrp_first_uri(struct msrp_value path);

/* Appends a SEND chunk: To-Path, From-Path, Message-ID, Byte-Range and (with a body) Content-Type. */
void msrp_append_send(GString *out, const char *tid, const char *to_path, const char *from_path,
		      const char *message_id, const char *byte_range, const char *content_type,
		      const char *body, size_t body_len, char flag);
/* Appends the response to request: To-Path is the request's From-Path, From-Path is from_path (§7.2). */
void msrp_append_response(GString *out, const struct msrp_frame *request, unsigned status,
			  const char *comment, const char *from_path);
/* Whether request wants a response of this status (its Failure-Report, §7.1.2): SEND requests want
 * every status unless "no", only failures with "partial"; REPORT requests never. */
bool msrp_wants_response(const struct msrp_frame *request, unsigned status);
/* One line for traces: "MSRP SEND 5 bytes (tid)", "MSRP SEND 0 bytes, more follow (tid)", "MSRP 200 (tid)".
 */
void msrp_summary(const struct msrp_frame *f, char *out, size_t n);
/* A fresh transaction or message identifier: 16 characters of [0-9a-z] from GnuTLS's nonce generator. */
void msrp_new_id(char out[17]);

#endif
