/* SPDX-License-Identifier: GPL-3.0-or-later */
/* seed004: the H.248 text ims-alg sends for the call flows of seed 004 (5.2.1.2 MSRP, 5.2.1.3 BFCP), as
 * printf templates with positional arguments, built from the pieces each transaction is made of. The
 * ALG's trace writes transaction ids as "N" (algrig_h248). The arguments of the originating and the
 * terminating calls:
 *   %1$u the MGC's H.248 port   %2$s the m= media            %3$s the plain and %4$s the TLS transport
 *   %5$u the remote's port       %6$s the UE's fingerprint     %7$s the context
 *   %8$s and %9$s the terminations the Modify and the tlsbsc/est signal name
 * Every piece ends without a line break; TXN adds the transaction around actions. */
#ifndef MEDIASEC_TEST_SEED004_H
#define MEDIASEC_TEST_SEED004_H

#define SEED_TXN(ctx, actions) \
	"MEGACO/3 [127.0.0.1]:%1$u\nTransaction = N {\n  Context = " ctx " {\n" actions "\n  }\n}\n"
/* A Local the gateway fills in, a Remote at 127.0.0.1: sdp is the m= line and attributes */
#define SEED_LOCAL(sdp)  "          Local {\nv=0\nc=IN IP4 $\n" sdp "}"
#define SEED_REMOTE(sdp) "          Remote {\nv=0\nc=IN IP4 127.0.0.1\n" sdp "}"
/* An Add in realm (f: more LocalControl properties) with its descriptors and Events, then after (more
 * descriptors: SEED_SIGNAL_EST) */
#define SEED_ADDX(realm, f, descriptors, events, after)                                                     \
	"    Add = $ {\n      Media {\n        Stream = 1 {\n          LocalControl {\n"                    \
	"            Mode = SendReceive,\n            ipdc/realm = " realm f "\n          },\n" descriptors \
	"\n        }\n      },\n      Events = " events "\n      }" after "\n    }"
#define SEED_ADD(realm, f, descriptors, events) SEED_ADDX(realm, f, descriptors, events, "")
/* Steps 16-18's TLS direction carried by an Add (NOTE 2): the gateway is the TLS client */
#define SEED_SIGNAL_EST ",\n      Signals {\n        tlsbsc/est\n      }"
#define SEED_EVENTS_TCP(id) id " {\n        tcpbcc/fail"
#define SEED_EVENTS_TLS(id) id " {\n        tlsbsc/up,\n        tlsbsc/fail,\n        tcpbcc/fail"
/* A Modify of term's media (f: a LocalControl first) */
#define SEED_MODIFY(term, f, descriptors)                                              \
	"    Modify = " term " {\n      Media {\n        Stream = 1 {\n" f descriptors \
	"\n        }\n      }\n    }"
#define SEED_TLS_EST(term) ",\n    Modify = " term " {\n      Signals {\n        tlsbsc/est\n      }\n    }"
#define SEED_SUBTRACT(ctx) SEED_TXN(ctx, "    Subtract = *")
/* policy.syn_filter: the filters in a LocalControl of their own, and as more properties of the Add's */
#define SEED_FILTERS        "gm/saf = on,\n            gm/spf = on"
#define SEED_FILTER_CONTROL "          LocalControl {\n            " SEED_FILTERS "\n          },\n"

/* Originating (5.2.1.2.2 steps 2-7): the core leg reserved, then the access leg with the UE's offer */
#define SEED_ORIG_ADD_CORE(f)                                                               \
	SEED_TXN("$", SEED_ADD("core", f, SEED_LOCAL("m=%2$s $ %3$s *\na=setup:actpass\n"), \
			       SEED_EVENTS_TCP("1")))
#define SEED_ORIG_ADD_ACCESSX(after)                                                                  \
	SEED_ADDX("access", "",                                                                       \
		  SEED_LOCAL("m=%2$s $ %4$s *\na=setup:active\na=fingerprint:$\n") ",\n" SEED_REMOTE( \
		      "m=%2$s %5$u %4$s *\na=setup:actpass\na=fingerprint:%6$s\n"),                   \
		  SEED_EVENTS_TLS("2"), after)
#define SEED_ORIG_ADD_ACCESS SEED_ORIG_ADD_ACCESSX("")
/* steps 13-18: the core leg learns the answerer (active on port 2856), the gateway is the UE's TLS client */
#define SEED_ORIG_MODIFY_CORE(f) SEED_MODIFY("%8$s", f, SEED_REMOTE("m=%2$s 2856 %3$s *\na=setup:active\n"))
#define SEED_ORIG                              \
	SEED_ORIG_ADD_CORE("")                 \
	SEED_TXN("%7$s", SEED_ORIG_ADD_ACCESS) \
	SEED_TXN("%7$s", SEED_ORIG_MODIFY_CORE("") SEED_TLS_EST("%9$s")) SEED_SUBTRACT("%7$s")

/* Terminating (5.2.1.2.3 steps 2-16): the access leg with the gateway's fingerprint, the core leg toward
 * the offerer, then the UE's answer (active, port 9) and fingerprint */
#define SEED_TERM                                                                                           \
	SEED_TXN("$",                                                                                       \
		 SEED_ADD("access", "", SEED_LOCAL("m=%2$s $ %4$s *\na=setup:actpass\na=fingerprint:$\n"),  \
			  SEED_EVENTS_TLS("1")))                                                            \
	SEED_TXN("%7$s", SEED_ADD("core", "",                                                               \
				  SEED_LOCAL("m=%2$s $ %3$s *\na=setup:active\n") ",\n" SEED_REMOTE(        \
				      "m=%2$s %5$u %3$s *\na=setup:actpass\n"),                             \
				  SEED_EVENTS_TCP("2")))                                                    \
	SEED_TXN("%7$s", SEED_MODIFY("%8$s", "",                                                            \
				     SEED_REMOTE("m=%2$s 9 %4$s *\na=setup:active\na=fingerprint:%6$s\n"))) \
	SEED_SUBTRACT("%7$s")

#endif
