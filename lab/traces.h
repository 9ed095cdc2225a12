/* SPDX-License-Identifier: GPL-3.0-or-later */
/* traces: the ladder of any run from the daemons' JSON-lines traces alone (`ims-lab ladder TRACE...`): a
 * testbed's with real UEs, or a scenario's. No scenario says which port is whose, so the traces do:
 * ims-alg's SIP and H.248 ends are its own, the gateway's H.248 end and every port a Local descriptor
 * gives are the gateway's; each other end of ims-alg's SIP is a peer, which owns the media ports its SDP
 * offers and the connections the gateway traces on the same termination; a lab party's trace (lab.jsonl)
 * names its own column. The peers that REGISTER (else the first to send an INVITE) are drawn on the
 * left, the others on the right. */
#ifndef MEDIASEC_LAB_TRACES_H
#define MEDIASEC_LAB_TRACES_H

#include "evlog.h"
#include "ladder.h"

struct traces;

/* Reads the files into a new evlog and finds the columns; NULL with *err when a file cannot be read. */
struct traces *traces_open(char **files, char **err);
struct evlog *traces_log(const struct traces *t);
const struct ladder_column *traces_columns(const struct traces *t, unsigned *n);
void traces_free(struct traces *t);

#endif
