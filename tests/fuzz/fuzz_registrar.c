/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: ims-alg's own reading of SIP headers at registration and at the access check
 * (alg/registrar.c on alg/reg.c): Contact, Expires, To, Via with received/rport, Security-Client with
 * "mediasec". The SIP messages are parsed by sofia-sip as its transaction engine would, and only what it
 * would hand up goes on (sip_sanity_check passes: request or status line, From, To, Call-ID, CSeq, Via).
 *
 * The first byte sets the registrar's options (bit 0 sip.registrar, bit 1 sip.registered_only, bit 2
 * sip.min_expires 60); the rest is SIP messages separated by a line "--", each with a first byte:
 *   a  from the access side: a REGISTER is answered by the registrar (sip.registrar) and forwarded
 *      (Security-Client mediasec entries off, Path added); another request passes the access check,
 *      goes to its AOR and gets the originating media policy, as a call that begins and ends
 *   c  from the core side: a 2xx response is the core registrar's answer to the last REGISTER; a request
 *      goes to its AOR and gets the terminating media policy
 * With FUZZ_SHOW set in the environment, whether each message was taken is printed. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/msg.h>
#include <sofia-sip/sip_parser.h>
#include <sofia-sip/sip_util.h>

#include "alg_cfg.h"
#include "fuzz.h"
#include "log.h"
#include "registrar.h"

/* The access side's request (not a REGISTER). */
static void access_request(struct registrar *r, msg_t *msg, sip_t *sip)
{
	const char *phrase, *uri;
	if (registrar_admit(r, sip, &phrase))
		return;
	registrar_to_aor(r, sip, true, !sip->sip_to->a_tag, false, &uri);
	registrar_policy(r, sip, true);
	if (!sip->sip_to->a_tag)
		registrar_assert(r, msg, sip);
	char *ue = registrar_call_begin(r, sip);
	registrar_call_end(r, ue);
	g_free(ue);
}

static void message(struct registrar *r, const struct alg_config *cfg, char side, const char *text, size_t len,
		    msg_t **last_register)
{
	if (len && *text == '\n')
		text++, len--;
	msg_t *msg = msg_make(sip_default_mclass(), 0, text, (ssize_t)len);
	sip_t *sip = msg ? sip_object(msg) : NULL;
	if (getenv("FUZZ_SHOW"))
		fprintf(stderr, "fuzz_registrar: %c %s %s\n", side, sip ? "parsed" : "unparsed",
			!sip ? "" : sip_sanity_check(sip) < 0 ? "insane" : sip->sip_error ? "errors" : "taken");
	if (!sip || sip_sanity_check(sip) < 0 || sip->sip_error) { /* the transaction engine drops it */
		msg_destroy(msg);
		return;
	}
	const char *uri;
	if (side == 'a' && sip->sip_request && sip->sip_request->rq_method == sip_method_register) {
		struct registrar_answer a;
		if (cfg->registrar) {
			registrar_register(r, sip, &a);
			registrar_answer_clear(&a);
		}
		registrar_forward(msg, sip, "sip:pcscf.example.net;lr");
		msg_destroy(*last_register);
		*last_register = msg;
		return;
	}
	if (side == 'a' && sip->sip_request)
		access_request(r, msg, sip);
	else if (side == 'c' && sip->sip_request)
		registrar_to_aor(r, sip, false, !sip->sip_to->a_tag, true, &uri), registrar_policy(r, sip, false);
	else if (side == 'c' && sip->sip_status && sip->sip_status->st_status / 100 == 2 && *last_register)
		g_free(registrar_registered(r, sip_object(*last_register), sip));
	msg_destroy(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct alg_config cfg;
	static bool ready;
	if (!ready) {
		cfg_defaults(alg_program.options, &cfg);
		log_set_level(LOG_ERROR);
		ready = true;
	}
	if (size < 1 || size > 16384)
		return 0;
	cfg.registrar = data[0] & 1, cfg.registered_only = data[0] & 2, cfg.min_expires = data[0] & 4 ? 60 : 0;
	struct registrar *r = registrar_new(&cfg);
	msg_t *last_register = NULL;
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	while (p < end) {
		const char *sep = memmem(p, (size_t)(end - p), "\n--\n", 4), *stop = sep ? sep : end;
		if (stop - p > 1)
			message(r, &cfg, *p, p + 1, (size_t)(stop - p - 1), &last_register);
		p = sep ? sep + 4 : end;
	}
	msg_destroy(last_register);
	registrar_free(r);
	return 0;
}
