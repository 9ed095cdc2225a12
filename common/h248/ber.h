/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ber: H.248.1 Annex A, the binary encoding (ASN.1 BER of MEDIA-GATEWAY-CONTROL, version 3 module, the
 * tags Erlang/OTP megaco's BER codec uses), over the same message model as the text codec: what
 * h248_ber_decode returns, h248_print prints; what h248_parse returns, h248_ber_encode encodes.
 *
 * What the text names travel as:
 *  - a package item (pkgdName) as its 2-octet package id and 2-octet item id, an event or signal
 *    parameter as its 2-octet id, from the tables of ber_tab.c; a name the tables lack cannot be encoded;
 *  - Local and Remote as Annex C's property groups: one PropertyParm per SDP line (type 0x0000/0xB00n,
 *    the text after "x=" as its value), a new group at each "v=" after the first; decoded lines end in LF;
 *  - a termination id as TerminationID { wildcard, id }: ROOT is 0xFFFFFFFFFFFFFFFF; any other id of 1 to 8
 *    octets travels as its octets (a project convention, Annex A.1 leaves the id's structure to the
 *    profile), a trailing "*" or "$" as a wildcard of "this level and all below" at the octet where it
 *    stands (the id's octets up to it, zeros after, 8 in all);
 *  - a word value (of a property, parameter or statistic, and the Profile's name) in lower case, as
 *    Erlang/OTP megaco's text decoder reads it (the text form is case-insensitive), a quoted one as
 *    written; a decoded value made only of SafeChar is a word, any other a quoted string (Reason's and an
 *    Error's text always quoted).
 * Constructs the encoder does not carry (Topology, context audits, Modem, Mux, DigitMap, EventBuffer,
 * embedded events and signals, individual audits, extensions "X-…") make encoding fail with 501; the
 * decoder refuses anything outside what the encoder writes. Definite lengths only. */
#ifndef MEDIASEC_H248_BER_H
#define MEDIASEC_H248_BER_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "parse.h"

/* The message's BER octets (malloc'd; free() them) with their count in *len; NULL with err->code (501: a
 * construct binary cannot carry here, 444/445: a package or item the tables lack, 400: a value out of its
 * ASN.1 range) and err->reason set. err->line is 0 and err->col 0. */
uint8_t *h248_ber_encode(const struct h248_msg *m, size_t *len, struct h248_error *err);

/* The message that buf[0..len) encodes, or NULL with *err filled: err->code as the text parser's (400
 * malformed, 406 version above limits->max_version, 444/445 unknown package or item), err->col the offset
 * of the offending octet plus one, err->line 0. Never crashes on any input; memory is bounded by
 * limits->arena (0: 64 × input + 64 KiB) and nesting of constructed values by limits->depth (0: 32, the
 * encoding nests up to 26 deep). limits may be NULL. */
struct h248_msg *h248_ber_decode(const uint8_t *buf, size_t len, const struct h248_limits *limits,
				 struct h248_error *err);

#endif
