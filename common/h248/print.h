/* SPDX-License-Identifier: GPL-3.0-or-later */
/* print: the message model as H.248.1 text, in the pretty form (full tokens, one item per line,
 * indented) or the compact form (short tokens, no optional white space). Local, Remote and DigitMap
 * octets are written back byte for byte, so h248_parse(h248_print(m)) equals m in either form. */
#ifndef MEDIASEC_H248_PRINT_H
#define MEDIASEC_H248_PRINT_H

#include <stddef.h>

#include "msg.h"

enum h248_style { H248_PRETTY, H248_COMPACT };

/* A malloc'd, NUL-terminated text (free() it) with its length in *len; NULL with errno ENOMEM when out of
 * memory, or EINVAL when the model holds an empty {…} that Annex B forbids and the token cannot stand
 * without ("Reply = 1 { }", "Transaction = 1 { }", "Context = 1 { }", "Services { }"): such text is
 * never printed. An empty {…} a token may simply leave out ("Add = A1 { }" in a reply) is left out. */
char *h248_print(const struct h248_msg *m, enum h248_style style, size_t *len);

#endif
