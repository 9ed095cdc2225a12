/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgc_reply: what the MGC reads from a gateway's Reply into an mgc_result: the context, per command its
 * termination and Local descriptor, the first error and its text (views into the Reply, or allocated to
 * size); and the 411 it answers. */
#ifndef MEDIASEC_ALG_MGC_REPLY_H
#define MEDIASEC_ALG_MGC_REPLY_H

#include <stddef.h>

#include "mgc.h"

/* s into dst, cut to size - 1 bytes and terminated. */
void mgc_copy_str(char *dst, size_t size, struct h248_str s);
/* reply into r, views into reply; mgc_result_clear frees what it allocated. */
void mgc_read_reply(const struct h248_node *reply, struct mgc_result *r);
/* A Reply that did not come: timeout set, reason why (allocated, taken). */
void mgc_result_timeout(struct mgc_result *r, char *why);
void mgc_result_clear(struct mgc_result *r);

struct h248_txn;
/* Answers txn, a request about the Context ctx the MGC does not know, with H.248.8 411 in that Context:
 * Reply = N { Context = 5 { Error = 411 { "unknown context 5" } } }. A gateway that holds the context
 * learns that we do not know it (we restarted) and registers again. */
void mgc_reply_unknown_ctx(struct h248_txn *txn, const struct h248_node *ctx);

#endif
