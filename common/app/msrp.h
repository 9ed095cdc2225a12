/* msrp: RFC 4975's framing of MSRP requests and responses on a stream (§7, §9): a start line
 * "MSRP <transaction-id> <method>" or "MSRP <transaction-id> <code> [<comment>]", header fields, an
 * optional body after an empty line, and the end line "-------<transaction-id>" with its continuation
 * flag ('$' complete, '+' more chunks follow, '#' aborted). The conference server (agw/conf.c) reads
 * and writes chunks with it; the lab's UEs too. */
#ifndef MEDIASEC_MSRP_H
#define MEDIASEC_MSRP_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

enum { MSRP_TID_MAX = 32, MSRP_HEADERS_MAX = 8192 };

struct msrp_frame {
	char tid[MSRP_TID_MAX + 1];
	char method[24];     /* a request's method ("SEND", "REPORT"); "" for a response */
	unsigned status;     /* a response's code (200); 0 for a request */
	const char *headers; /* the header fields, CRLF-separated, from after the start line */
	size_t headers_len;
	const char *body; /* the body (NULL: none) */
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

/* The value of header field name (any case), trimmed; NULL when absent. g_free it. */
char *msrp_header(const struct msrp_frame *f, const char *name);

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
/* A fresh transaction or message identifier: 16 characters of [0-9a-z] from GnuTLS's nonce generator. */
void msrp_new_id(char out[17]);

#endif
