/* SPDX-License-Identifier: GPL-3.0-or-later */
/* registrar: the P-CSCF's registration side in SIP terms, on top of the store (reg.h). What a REGISTER
 * binds (contact and AOR keys, the mediasec mechanisms of its Security-Client, the expiry granted);
 * the answer ims-alg gives as the registrar (sip.registrar) and what it adds to the core registrar's
 * 200; the access check (only registered UEs, so many calls per address); where a request to an
 * address of record goes; the media policy a UE's registration implies.
 *
 * It reads sofia-sip's sip_t and hands back small results: sending them is the proxy's (proxy.h). */
#ifndef MEDIASEC_ALG_REGISTRAR_H
#define MEDIASEC_ALG_REGISTRAR_H

#include <stdbool.h>

#include <sofia-sip/sip.h>

#include "alg_cfg.h"
#include "media.h"
#include "reg.h"

struct registrar;

struct registrar *registrar_new(const struct alg_config *cfg);
void registrar_free(struct registrar *r);

/* Where a message came from as its top Via says, received= and rport= first (RFC 3581): the host, and
 * the port (NULL: the default). */
const char *registrar_via_source(const sip_via_t *v, const char **port);

/* The registrar's answer to a REGISTER. */
struct registrar_answer {
	int status; /* 200, or what refused it (400, 423) */
	const char *phrase;
	char min_expires[24];  /* Min-Expires of a 423 */
	char expires[16];      /* Expires of the 200: granted to the first contact; "" for none */
	char *contact;         /* the 200's Contact: each current binding with its expiry; NULL for none */
	char *security_server; /* the mechanisms the UE offered that we have; NULL for none */
};

/* A REGISTER at the registrar (RFC 3261 §10.3): unless refused, the bindings changed (Contact: *
 * removes them all) and the 200 listing each current one. registrar_answer_clear frees a. */
void registrar_register(struct registrar *r, const sip_t *req, struct registrar_answer *a);
void registrar_answer_clear(struct registrar_answer *a);

/* A REGISTER going on to the core (msg, sip its object): the core learns nothing of mediasec (those
 * Security-Client entries come off) and gets a Path to path_uri (RFC 3327). */
void registrar_forward(msg_t *msg, sip_t *sip, const char *path_uri);
/* The core registrar's 2xx ok to the REGISTER req we forwarded: the bindings it grants recorded. The
 * Security-Server to add for the UE (g_free it; NULL: none). */
char *registrar_registered(struct registrar *r, const sip_t *req, const sip_t *ok);

/* An initial request from the access side, on its way to the core (TS 24.229 §5.2.6.3.3, RFC 3325
 * §9.1): the registration made from the address and port it comes from (its top Via's received= and
 * rport=), whatever its From or Contact say, gives its P-Asserted-Identity (its P-Preferred-Identity
 * when that is one of the registration's, else the default identity) and, when the core's 200 gave
 * one, its Route set (the Service-Route, in place of what the UE preloaded). Whatever
 * P-Asserted-Identity or P-Preferred-Identity the UE sent goes. */
void registrar_assert(struct registrar *r, msg_t *msg, sip_t *sip);
/* Any other message from the access side: its P-Asserted-Identity and P-Preferred-Identity go (a UE is
 * not trusted to assert, RFC 3325 §9.1). */
void registrar_untrusted(msg_t *msg, sip_t *sip);

/* A P-CSCF serves the UEs registered with it (TS 24.229 §5.2.6.3): 0 when a request from the access
 * side may go on, else the status (403) and *phrase that refuse it. */
int registrar_admit(struct registrar *r, const sip_t *sip, const char **phrase);
/* A call from the access side begins: the address it came from, counted (g_free it after
 * registrar_call_end). */
char *registrar_call_begin(struct registrar *r, const sip_t *sip);
void registrar_call_end(struct registrar *r, const char *ue);

/* Where a request to an address of record goes (RFC 3261 §16.5): 0 when it goes on, *uri (owned by the
 * store) the registered contact it goes to instead of its Request-URI, if any; else the status that
 * answers it (404, 480). from_access: the side it came in on; to_us: its Request-URI names us. */
int registrar_to_aor(struct registrar *r, const sip_t *sip, bool from_access, bool initial, bool to_us,
		     const char **uri);

/* Every current binding (reg_all), for ims-ctl. */
void registrar_each(struct registrar *r, void (*fn)(const struct reg_view *v, void *arg), void *arg);

/* The media policy of a call: the originating UE's registration (orig) or the callee's says which
 * mechanisms it has. */
struct media_policy registrar_policy(struct registrar *r, const sip_t *sip, bool orig);

/* Current bindings (the metrics' registrations). */
unsigned registrar_bound(struct registrar *r);

#endif
