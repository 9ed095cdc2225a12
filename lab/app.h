/* SPDX-License-Identifier: GPL-3.0-or-later */
/* app: a UE's side of a conference (the Mp profile) over its media connection to the MRFP: MSRP SENDs
 * to the focus and the answers to what the focus sends (RFC 4975), and a BFCP floor control client
 * (RFC 8855), each addressed with what the SDP answer gave (a=path; a=confid, a=userid, a=floorid).
 * What arrives is read as it comes (app_pump): each whole MSRP frame or BFCP message goes to the trace
 * as msrp.rx or bfcp.rx with its bytes, each SEND is answered 200 as its Failure-Report asks, as a real
 * MSRP endpoint does, and the floor request id the server gives is kept for FloorRelease. */
#ifndef MEDIASEC_LAB_APP_H
#define MEDIASEC_LAB_APP_H

#include <stdbool.h>
#include <stdint.h>

struct party;

/* The party is a participant from now on: app_pump reads its media connection. */
void app_join(struct party *p);
/* An MSRP SEND of text, complete in one chunk, to the focus's a=path. False with why. */
bool app_msrp_send(struct party *p, const char *text, char why[160]);
/* A BFCP request by name (Hello, FloorRequest, FloorRelease, FloorQuery, Goodbye) with the answer's
 * conference and user ids; floor: FloorRequest's and FloorQuery's FLOOR-ID (0: the answer's first
 * a=floorid; FloorQuery without one ends the subscription only when the answer gave none). */
bool app_bfcp_send(struct party *p, const char *primitive, uint16_t floor, char why[160]);
/* Reads what has arrived for a participant, without waiting. */
void app_pump(struct party *p);

#endif
