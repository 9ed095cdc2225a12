/* SPDX-License-Identifier: GPL-3.0-or-later */
/* view: what the lab can see of a run, given whose traces it has (struct expect_ctx's traced and
 * mg_view): the trace H.248 is read from (ims-alg's, or ims-agw's with a controller under test), the
 * ports of a gateway under test (learnt from the Local descriptors of its replies, which ims-alg traces),
 * where SIP toward a column is read, and whether an expectation can be observed at all. */
#ifndef MEDIASEC_LAB_VIEW_H
#define MEDIASEC_LAB_VIEW_H

#include <glib.h>
#include <json-c/json.h>
#include <stdbool.h>

#include "evlog.h"
#include "expect.h"
#include "msg.h"

/* Every node with token tok under n, depth first, appended to out. */
void view_collect(const struct h248_node *n, enum h248_tok tok, GPtrArray *out);
/* e's H.248 message when e is one the controller sent (by_mgc) or the gateway sent (!by_mgc), as the
 * trace the lab reads H.248 from saw it; NULL otherwise. */
const struct h248_msg *view_h248(const struct expect_ctx *c, struct lab_event *e, bool by_mgc);
/* The SDPs (struct msdp, freed with the array) of the Local descriptors of every Reply the gateway sent,
 * in order. */
GPtrArray *view_gateway_locals(const struct expect_ctx *c);
/* port is one the gateway gave in the Local of one of its replies: "agw" when its realms are unknown. */
bool view_agw_port(const struct expect_ctx *c, unsigned port);
/* A gateway under test's ports (its H.248 end, every port its replies' Locals give) made its column's. */
void view_learn_gateway(struct expect_ctx *c);
/* Whose trace SIP toward column to is read from: "ims-alg", or with a controller under test the
 * receiving party's title; NULL when none. */
const char *view_sip_observer(const struct expect_ctx *c, const char *to);
/* NULL when exp can be observed with the traces the lab has (c->traced), else why not (static text):
 * the verdict "not observable", never a pass. */
const char *view_unobservable(const struct expect_ctx *c, json_object *exp);

#endif
