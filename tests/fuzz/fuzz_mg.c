/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: ims-agw's MG execution (agw/mg.c on agw/store.c) behind its transaction layer and
 * association, fed a sequence of the MGC's messages: the reply to the MG's ServiceChange (request @0),
 * then Add, Modify, Move, Subtract, AuditValue, AuditCapabilities, ServiceChange, … as records of
 * h248seq.h. Everything but the legs runs as in the daemon: terminations bind real ports on
 * 127.0.0.1 (41000-41063), events are notified to the MGC. Records of the target's own:
 *   n N TERM  an event on termination TERM ("ac/1"): N 0 tcpbcc/fail, 1 tlsbsc/fail, 2 tlsbsc/est,
 *             3 the heartbeat
 *   l         contact with the MGC lost: register again */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agw_cfg.h"
#include "assoc.h"
#include "fuzz.h"
#include "h248seq.h"
#include "log.h"
#include "mg.h"

struct fuzz_mg {
	struct seq s;
	struct h248_mg *assoc;
	struct agw_store *store;
	struct agw_mg *mg;
};

static struct agw_config cfg;
static struct tls_identity identity;
static struct agw_realm realms[2];

static void setup(void)
{
	char *err = NULL;
	cfg_defaults(agw_program.options, &cfg);
	if (!tls_identity_init(&identity, "", "", "ims-agw", &err)) {
		fprintf(stderr, "fuzz_mg: no TLS identity: %s\n", err);
		abort();
	}
	realms[0] = (struct agw_realm){ .name = "access", .prefix = "ac", .host = "127.0.0.1", .low = 41000, .high = 41031 };
	realms[1] = (struct agw_realm){ .name = "core", .prefix = "co", .host = "127.0.0.1", .low = 41032, .high = 41063 };
	sa_from_text(&realms[0].addr, "127.0.0.1", 0);
	sa_from_text(&realms[1].addr, "127.0.0.1", 0);
}

static void on_request(void *arg, struct h248_txn *txn, const struct h248_msg *msg, const struct h248_node *trans)
{
	struct fuzz_mg *f = arg;
	if (!h248_mg_is_registered(f->assoc))
		h248_txn_error(txn, 505, "Transaction Request Received before a Service Change Reply has been received");
	else
		agw_mg_execute(f->mg, txn, msg, trans);
}

static bool admit(void *arg, const struct h248_msg *msg, const struct h248_from *from)
{
	return h248_mg_from_mgc(((struct fuzz_mg *)arg)->assoc, msg, from);
}

static void on_release(void *arg, struct agw_term *t)
{
	struct fuzz_mg *f = arg;
	if (f->mg)
		agw_mg_release(f->mg, t);
}

static void on_configured(void *arg, struct agw_term *t)
{
}

static void op(struct seq *s, char kind, const char *text, size_t len, void *arg)
{
	struct fuzz_mg *f = arg;
	static const enum wire_ie events[] = { WIRE_TCP_FAIL, WIRE_TLS_FAIL, WIRE_TLS_EST, WIRE_HEARTBEAT };
	if (kind == 'l') {
		h248_mg_lost(f->assoc, "fuzz: contact lost");
	} else if (kind == 'n' && len >= 2) {
		char id[24] = "";
		memcpy(id, text + 2, MIN(len - 2, sizeof id - 1));
		id[strcspn(id, "\n")] = 0;
		struct agw_term *t = agw_term_find(f->store, id);
		if (t)
			agw_mg_event(f->mg, t, events[(unsigned)text[0] % G_N_ELEMENTS(events)], "fuzz");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16384)
		return 0;
	if (!identity.fingerprint[0])
		setup();
	struct fuzz_mg f = { 0 };
	seq_open(&f.s, "[127.0.0.1]:2944");
	static const struct h248_tl_ops tops = { .request = on_request, .admit = admit };
	f.s.tl = h248_tl_new(f.s.loop, f.s.link, &f.s.tl_opts, &tops, &f);
	struct h248_mg_opts ao = { .mgc = f.s.peer.addr, .profile = "IMS-AGW/1", .retry_ms = 1, .retry_max_ms = 2 };
	f.assoc = h248_mg_new(f.s.loop, f.s.link, f.s.tl, &ao, &(struct h248_mg_ops){ 0 }, &f);
	f.store = agw_store_new(realms, 2, on_release, &f);
	struct agw_mg_hooks hooks = { .configured = on_configured, .arg = &f };
	f.mg = agw_mg_new(f.s.loop, f.s.tl, f.assoc, f.store, &cfg.wire, profile_at(cfg.profile), &identity, &hooks);
	h248_mg_start(f.assoc);
	seq_drain(&f.s);
	seq_play(&f.s, data, size, op, &f);
	agw_store_free(f.store); /* releases terminations through f.mg: before it */
	agw_mg_free(f.mg);
	h248_mg_free(f.assoc);
	h248_tl_free(f.s.tl);
	seq_close(&f.s);
	return 0;
}
