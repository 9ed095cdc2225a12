/* SPDX-License-Identifier: GPL-3.0-or-later */
/* wire: the one table that maps each stage-2 information element to its H.248 text form, for the code
 * points the specifications we could read leave unknown (design §4, doc/placeholders.md). Both
 * binaries read the names from here; each can be replaced from configuration ("wire.<key>") so real
 * code points replace the placeholders without a code change. */
#ifndef MEDIASEC_WIRE_H
#define MEDIASEC_WIRE_H

#include "cfg.h"

/* X(id, config key, default text, where it goes, status) — status: V verified, U unverified, R the package
 * is registered (IANA's Megaco/H.248 registry: tcpbcc 0x0115, tlsbsc 0x0117, tcptv, rtcph 0x00b5) but the
 * item name within it could not be read, P placeholder. tman (H.248.53, 0x008d): pol, sdr, mbs, pdr and dvt
 * are the names Wireshark's megaco dissector and a vendor's H.248 guide use (sdr and pdr in bytes per second,
 * mbs in bytes), not read in H.248.53 itself; dvt's unit is unknown. The statistic tmanr/dp (H.248.53 §7.4,
 * "discarded packets", in the Traffic Policing Statistics package) is named in the Recommendation's summary;
 * its package id and value form are unverified. */
#define WIRE_IES(X)                                                                                         \
	X(TCP_UP, "tcp_up", "tcpbcc/up", "Events / ObservedEvents", 'R')                                    \
	X(TCP_FAIL, "tcp_fail", "tcpbcc/fail", "Events / ObservedEvents (parameter reason)", 'R')           \
	X(TCP_REL, "tcp_rel", "tcpbcc/rel", "Events / ObservedEvents", 'R')                                 \
	X(TLS_EST, "tls_est", "tlsbsc/est", "Signals: the MG starts (D)TLS as client", 'R')                 \
	X(TLS_UP, "tls_up", "tlsbsc/up", "Events / ObservedEvents", 'R')                                    \
	X(TLS_FAIL, "tls_fail", "tlsbsc/fail", "Events / ObservedEvents (parameter reason)", 'R')           \
	X(TLS_PSK, "tls_psk", "tlsbsc/psk", "LocalControl: pre-shared key (Mp, KMS)", 'R')                  \
	X(REALM, "realm", "ipdc/realm", "LocalControl: IP realm of the termination", 'U')                   \
	X(SAF, "saf", "gm/saf", "LocalControl: remote source address filtering", 'V')                       \
	X(SPF, "spf", "gm/spf", "LocalControl: remote source port filtering", 'V')                          \
	X(LATCH, "latch", "ipnapt/latch", "LocalControl: latching", 'U')                                    \
	X(DSCP, "dscp", "ds/dscp", "LocalControl: DSCP of what the termination sends (0-63)", 'R')          \
	X(TMAN_POL, "tman_pol", "tman/pol", "LocalControl: policing of what the termination receives", 'R') \
	X(TMAN_SDR, "tman_sdr", "tman/sdr", "LocalControl: sustainable data rate (bytes/s)", 'R')           \
	X(TMAN_MBS, "tman_mbs", "tman/mbs", "LocalControl: maximum burst size (bytes)", 'R')                \
	X(TMAN_PDR, "tman_pdr", "tman/pdr", "LocalControl: peak data rate (bytes/s; not enforced)", 'R')    \
	X(TMAN_DVT, "tman_dvt", "tman/dvt", "LocalControl: delay variation tolerance (not enforced)", 'R')  \
	X(TMAN_DROPPED, "tman_dropped", "tmanr/dp", "Statistics: datagrams the policer discarded", 'U')     \
	X(RTCP_ALLOC, "rtcp_alloc", "rtcph/rtcpa", "LocalControl: RTCP allocation (no effect)", 'R')        \
	X(HEARTBEAT, "heartbeat", "hangterm/thb", "Events: termination heartbeat", 'U')                     \
	X(HEARTBEAT_TIMER, "heartbeat_timer", "hangterm/timerx", "property: heartbeat interval (s)", 'U')   \
	X(OCTETS_SENT, "octets_sent", "nt/os", "Statistics", 'V')                                           \
	X(OCTETS_RECEIVED, "octets_received", "nt/or", "Statistics", 'V')                                   \
	X(DURATION, "duration", "nt/dur", "Statistics (seconds)", 'V')                                      \
	X(PACKETS_SENT, "packets_sent", "tcptv/ps", "Statistics", 'R')                                      \
	X(PACKETS_RECEIVED, "packets_received", "tcptv/pr", "Statistics", 'R')

enum wire_ie {
#define WIRE_ENUM(id, key, text, where, status) WIRE_##id,
	WIRE_IES(WIRE_ENUM)
#undef WIRE_ENUM
	    WIRE_COUNT
};

/* The names in force: embed in the binary's config struct as `wire`. */
struct wire_names {
	char *text[WIRE_COUNT];
};

/* The configuration rows "wire.<key>" of a config struct with a `struct wire_names wire` member. */
#define WIRE_ROW(type, id, key, deftext, where, status) \
	{ "wire." key, 0, CFG_STRING, offsetof(type, wire.text[WIRE_##id]), deftext, 0, 0, NULL, where },

extern const char *const wire_status[WIRE_COUNT];

/* The version of a package as the Packages descriptor announces it ("root": 2); 1 for one not listed. */
unsigned wire_package_version(const char *package);

/* The TCP failure's reason when the gateway reset a connection it had held until the Remote was known
 * and that did not come from the Remote: the leg listens on for the Remote, so the call goes on. */
#define WIRE_REASON_NOT_REMOTE "refused: not the Remote"

#endif
