/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgc_reply: what the MGC reads from a gateway's Reply into an mgc_result: the context, per command its
 * termination and Local descriptor's SDP, the first error and its text. */
#ifndef MEDIASEC_ALG_MGC_REPLY_H
#define MEDIASEC_ALG_MGC_REPLY_H

#include <stddef.h>

#include "mgc.h"

/* s into dst, cut to size - 1 bytes and terminated. */
void mgc_copy_str(char *dst, size_t size, struct h248_str s);
void mgc_read_reply(const struct h248_node *reply, struct mgc_result *r);

#endif
