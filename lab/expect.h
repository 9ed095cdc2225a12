/* SPDX-License-Identifier: GPL-3.0-or-later */
/* expect: what a step must show, checked against the merged traces. An expectation (one object of the
 * scenario's "expect" lists) is met by the first event not yet taken that fits it: a SIP message over
 * one hop with the SDP fields asked for, an H.248 command ims-alg sent (or a Notify it received) with its
 * realm, Local and Remote media, filters, signals, events and reply, a TCP or TLS event between two
 * columns, the bytes one party sent arriving at another. The event taken is labelled with the step, and
 * the ladder prints that label. A failure says what was missing in the seed's words: "a=fingerprint
 * toward UE A was missing". */
#ifndef MEDIASEC_LAB_EXPECT_H
#define MEDIASEC_LAB_EXPECT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <sofia-sip/su_wait.h>

struct evlog;
struct party;

struct expect_ctx {
	struct evlog *log;
	su_root_t *root;        /* kept running while waiting: the parties' SIP goes on */
	struct party **parties; /* NULL-terminated */
	uint16_t realm[2][2];   /* the gateway's access and core port ranges; 0: unknown (a gateway under
				 * test), its ports then learnt from the Local descriptors of its replies */
	unsigned traced;        /* whose traces the lab has: TRACE_BY_* bits (trace_kinds.h) */
	bool mg_view;           /* H.248 is read from ims-agw's trace (a controller under test) */
};

/* NULL when exp was met within ms (the event labelled with step), else what was wrong (g_free it). */
char *expect_check(struct expect_ctx *c, json_object *exp, const char *step, unsigned ms);
/* The party named name, or NULL. */
struct party *expect_party(const struct expect_ctx *c, const char *name);
/* "UE A", "core B", "ims-alg", "ims-agw" for a column ("the gateway under test" …). */
const char *expect_title(const struct expect_ctx *c, const char *column);

#endif
