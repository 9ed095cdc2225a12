/* SPDX-License-Identifier: GPL-3.0-or-later */
/* codec: either encoding of a message (H.248.1 Annex B text, Annex A binary), chosen per message received
 * by its first octet and per peer for what is sent (the transaction layer keeps which; tl.h). A binary
 * message is an ASN.1 SEQUENCE and starts with 0x30; a text one starts with "MEGACO/" or "!/" after
 * optional white space, so the first octet tells them apart. */
#ifndef MEDIASEC_H248_CODEC_H
#define MEDIASEC_H248_CODEC_H

#include <stdbool.h>
#include <stddef.h>

#include "link.h"
#include "msg.h"
#include "parse.h"
#include "print.h"

enum h248_encoding { H248_ENC_TEXT, H248_ENC_BINARY };

/* "text" or "binary". */
const char *h248_encoding_name(enum h248_encoding e);

/* The encoding buf[0..len) is in: binary when its first octet is 0x30. */
enum h248_encoding h248_encoding_of(const char *buf, size_t len);

/* The message buf[0..len) holds, in the encoding of its first octet (written to *enc when enc is not
 * NULL), or NULL with *err filled (h248_parse's or h248_ber_decode's). */
struct h248_msg *h248_decode(const char *buf, size_t len, const struct h248_limits *limits,
			     struct h248_error *err, enum h248_encoding *enc);

/* The octets of m in enc (malloc'd, free() them; text in style), their count in *len; NULL with *err
 * set when binary cannot carry m (h248_ber_encode's 501, 444, 445, 400) or, with code 500, when the
 * text cannot be printed or memory ran out. */
char *h248_encode(const struct h248_msg *m, enum h248_encoding enc, enum h248_style style, size_t *len,
		  struct h248_error *err);

/* h248_encode, logging what enc refused (naming m's first transaction and `to`) when it fails; err may
 * be NULL. */
char *h248_encode_to(const struct h248_msg *m, enum h248_encoding enc, enum h248_style style,
		     const struct h248_from *to, size_t *len, struct h248_error *err);

/* The encoding each peer (address and TCP connection) last used, for what goes to it; the default for a
 * peer not seen (or every peer, when fixed). At most 4096 peers: beyond, a new one gets the default. */
struct h248_encodings;
struct h248_encodings *h248_encodings_new(enum h248_encoding dflt, bool fixed);
void h248_encodings_free(struct h248_encodings *e);
enum h248_encoding h248_encodings_for(const struct h248_encodings *e, const struct h248_from *to);
void h248_encodings_seen(struct h248_encodings *e, const struct h248_from *from, enum h248_encoding enc);

/* For traces: the text of buf[0..len) when it is binary (the decoded model printed pretty; g_free it,
 * its length in *text_len), NULL when buf is text or its binary does not decode (trace the octets). */
char *h248_trace_text(const char *buf, size_t len, size_t *text_len);

#endif
