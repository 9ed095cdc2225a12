/* SPDX-License-Identifier: GPL-3.0-or-later */
/* build: small helpers for writing requests with the message model (msg.h), each making its node as the
 * parser makes it from the text form, so that the message prints as that text would have: a token with
 * braces, a bare item in a list ("tlsbsc/up" in Events), a quoted property, a Local or Remote that holds
 * SDP octets; and a deep copy of a message, for sending it again. Every string is copied into the
 * message's arena. */
#ifndef MEDIASEC_H248_BUILD_H
#define MEDIASEC_H248_BUILD_H

#include <stddef.h>

#include "msg.h"

/* An action of m's body (m is an action list, not yet a message): "Context = ctx { }". */
struct h248_node *h248_add_action(struct h248_msg *m, const char *ctx);
/* parent's new child: a token with braces, "Media { }", "Add = $ { }" (word NULL: no value). */
struct h248_node *h248_add_body(struct h248_msg *m, struct h248_node *parent, enum h248_tok tok,
				const char *word);
/* parent's new child: a token whose value is a token, "Mode = SendReceive". */
struct h248_node *h248_add_token_tok(struct h248_msg *m, struct h248_node *parent, enum h248_tok tok,
				     enum h248_tok value);
/* parent's new child: a bare name in a list, "tlsbsc/up" in Events or Signals. */
struct h248_node *h248_add_item(struct h248_msg *m, struct h248_node *parent, const char *name);
/* parent's new child: name = "text" (text as it goes between the quotes). */
struct h248_node *h248_add_quoted(struct h248_msg *m, struct h248_node *parent, const char *name,
				  const char *text);
/* parent's new child: Local, Remote or DigitMap with the body s (n bytes), byte for byte. */
struct h248_node *h248_add_octets(struct h248_msg *m, struct h248_node *parent, enum h248_tok tok,
				  const char *s, size_t n);

/* A copy of m with everything in its own arena (limit as h248_msg_new); NULL past the limit. */
struct h248_msg *h248_msg_copy(const struct h248_msg *m, size_t limit);

#endif
