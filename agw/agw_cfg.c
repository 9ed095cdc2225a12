/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agw_cfg: the ims-agw option table (documented in doc/configuration.md and ims-agw.8). */
#include "config.h"
#include "agw_cfg.h"

#include "profile.h"

static const char *const styles[] = { "pretty", "compact", NULL };
static const char *const transports[] = { "udp", "tcp", NULL };
static const char *const encodings[] = { "text", "binary", NULL };

#define AGW_WIRE_ROW(id, key, text, where, status) WIRE_ROW(struct agw_config, id, key, text, where, status)
#define REALM_ROWS(realm, range, what)                                                                 \
	{ "realm." #realm ".address",                                                                  \
	  0,                                                                                           \
	  CFG_ADDR,                                                                                    \
	  offsetof(struct agw_config, realm.address),                                                  \
	  "127.0.0.1",                                                                                 \
	  0,                                                                                           \
	  0,                                                                                           \
	  NULL,                                                                                        \
	  "local address of the " what " realm (ipdc/realm = " #realm ")" },                           \
	{                                                                                              \
		"realm." #realm ".ports", 0, CFG_PORT_RANGE, offsetof(struct agw_config, realm.ports), \
		    range, 0, 0, NULL, "ports the gateway chooses from in the " what " realm"          \
	},                                                                                             \
	{                                                                                              \
		"realm." #realm ".advertise", 0, CFG_STRING, offsetof(struct agw_config, realm.advertise), \
		    "", 0, 0, NULL,                                                                    \
		    "address the " what " realm's SDP carries, for a NAT or container in front (empty: " \
		    "the address; required when the address is 0.0.0.0 or ::)"                         \
	}

static const struct cfg_option agw_options[] = {
	CFG_COMMON_ROWS(struct agw_config),
	{ "ctl.socket", 0, CFG_STRING, offsetof(struct agw_config, ctl_socket), "", 0, 0, NULL,
	  "Unix socket for ims-ctl, made mode 0660 (\"\": none)" },
	{ "h248.address", 0, CFG_ADDR, offsetof(struct agw_config, h248_address), "127.0.0.1", 0, 0, NULL,
	  "local address of the H.248 control association (UDP and TCP)" },
	{ "h248.port", 'p', CFG_INT, offsetof(struct agw_config, h248_port), "2944", 1, 65535, NULL,
	  "local port of the H.248 control association (text encoding: 2944)" },
	{ "h248.mid", 0, CFG_STRING, offsetof(struct agw_config, h248_mid), "", 0, 0, NULL,
	  "the MG's mId in every message (\"\": [h248.address]:h248.port)" },
	{ "profile", 0, CFG_ENUM, offsetof(struct agw_config, profile), "iq", 0, 0, profile_names,
	  "the interface profile: iq (IMS-AGW), ix (TrGW) or mp (MRFP); what it carries and takes" },
	{ "h248.profile", 0, CFG_STRING, offsetof(struct agw_config, h248_profile), "", 0, 0, NULL,
	  "Profile announced at registration (name/version; \"\": the profile's, mediasec-Iq/1 for iq)" },
	{ "h248.style", 0, CFG_ENUM, offsetof(struct agw_config, h248_style), "pretty", 0, 0, styles,
	  "text encoding of messages sent: pretty or compact" },
	{ "h248.max_udp", 0, CFG_INT, offsetof(struct agw_config, h248_max_udp), "8192", 1024, 65507, NULL,
	  "largest H.248 datagram sent or accepted (bytes)" },
	{ "h248.max_tcp", 0, CFG_INT, offsetof(struct agw_config, h248_max_tcp), "16384", 1024, 65531, NULL,
	  "largest H.248 message accepted over TCP (bytes); a longer one is dropped unread" },
	{ "h248.max_connections", 0, CFG_INT, offsetof(struct agw_config, h248_max_conns), "64", 1, 100000,
	  NULL,
	  "H.248 TCP connections accepted at once (never over a quarter of the descriptor limit); one "
	  "beyond is closed at once" },
	{ "h248.max_connections_per_address", 0, CFG_INT, offsetof(struct agw_config, h248_max_conns_source),
	  "4", 1, 100000, NULL, "H.248 TCP connections accepted at once from one address" },
	{ "h248.idle_timeout", 0, CFG_INT, offsetof(struct agw_config, h248_idle_ms), "60000", 1000, 86400000,
	  NULL, "ms an accepted H.248 TCP connection may go without a whole message before it is closed" },
	{ "h248.max_contexts", 0, CFG_INT, offsetof(struct agw_config, max_contexts), "1000", 1, 1000000,
	  NULL, "contexts the MGC may hold at once; beyond, the transaction is refused with 510" },
	{ "h248.max_terminations", 0, CFG_INT, offsetof(struct agw_config, max_terms), "2000", 1, 1000000,
	  NULL, "terminations the MGC may hold at once; beyond, the transaction is refused with 510" },
	{ "h248.max_remembered_ids", 0, CFG_INT, offsetof(struct agw_config, max_ids), "262144", 1024,
	  16777216, NULL,
	  "ids of the MGC's requests remembered for LONG-TIMER (30 s) so that none executes twice, about 120 "
	  "bytes each once answered and acknowledged: the MGC's sustained transactions a second times 30 "
	  "must stay below it; past 15/16 of "
	  "it a new request is refused with 510" },
	{ "mgc.address", 0, CFG_ADDR, offsetof(struct agw_config, mgc_address), "127.0.0.1", 0, 0, NULL,
	  "the MGC to register with; only its address and port (and, once registered, its mId) are "
	  "answered" },
	{ "mgc.port", 0, CFG_INT, offsetof(struct agw_config, mgc_port), "2945", 1, 65535, NULL,
	  "the MGC's H.248 port" },
	{ "mgc.transport", 0, CFG_ENUM, offsetof(struct agw_config, mgc_transport), "udp", 0, 0, transports,
	  "H.248 transport toward the MGC: udp or tcp (TPKT)" },
	{ "mgc.encoding", 0, CFG_ENUM, offsetof(struct agw_config, mgc_encoding), "text", 0, 0, encodings,
	  "H.248 encoding of the ServiceChange and of everything sent until the MGC speaks, then the one it "
	  "uses: text (Annex B) or binary (Annex A, ASN.1 BER)" },
	{ "mgc.silence_timeout", 0, CFG_INT, offsetof(struct agw_config, mgc_silence_ms), "10000", 0,
	  86400000, NULL,
	  "ms without a message from the MGC before it is notified it/ito (H.248.14, as provisioned until "
	  "the MGC sets ROOT's Events); no answer or 505: registered again (0: never)" },
	{ "mgc.timeout", 0, CFG_INT, offsetof(struct agw_config, mgc_timeout_ms), "30000", 100, 600000, NULL,
	  "ms the gateway waits for the Reply to a request of its own (T-MAX) before the MGC counts as "
	  "lost" },
	REALM_ROWS(access, "20000-29999", "access (UE side)"),
	REALM_ROWS(core, "30000-39999", "core"),
	{ "tls.certificate", 0, CFG_STRING, offsetof(struct agw_config, tls_certificate), "", 0, 0, NULL,
	  "PEM certificate of the gateway (\"\": a self-signed ECDSA P-256 one is made at start)" },
	{ "tls.key", 0, CFG_STRING, offsetof(struct agw_config, tls_key), "", 0, 0, NULL,
	  "PEM private key of tls.certificate (\"\": in the certificate file)" },
	{ "tls.priority", 0, CFG_STRING, offsetof(struct agw_config, tls_priority),
	  "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:+VERS-DTLS1.2:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:+"
	  "CHACHA20-"
	  "POLY1305:%SERVER_PRECEDENCE",
	  0, 0, NULL, "GnuTLS priority string: TLS 1.2 and 1.3, DTLS 1.2, AEAD suites only, AES-GCM first" },
	{ "tls.hold_timeout", 0, CFG_INT, offsetof(struct agw_config, tls_hold_ms), "10000", 100, 600000,
	  NULL, "how long a finished handshake waits for the Remote fingerprint (ms) before tlsbsc/fail" },
	{ "tls.handshake_timeout", 0, CFG_INT, offsetof(struct agw_config, tls_handshake_ms), "5000", 100,
	  600000, NULL, "how long a TLS or DTLS handshake may take (ms) before tlsbsc/fail" },
	{ "tls.allow_sha1", 0, CFG_BOOL, offsetof(struct agw_config, tls_allow_sha1), "false", 0, 0, NULL,
	  "accept sha-1 fingerprints (legacy peers)" },
	{ "tls.autostart", 0, CFG_BOOL, offsetof(struct agw_config, tls_autostart), "false", 0, 0, NULL,
	  "start TLS as client as soon as the gateway's own TCP connect completes, without waiting for the "
	  "establish signal (tlsbsc/est)" },
	{ "leg.connect_timeout", 0, CFG_INT, offsetof(struct agw_config, connect_timeout_ms), "5000", 100,
	  600000, NULL, "how long the gateway's own TCP connect may take (ms) before tcpbcc/fail" },
	{ "leg.buffer", 0, CFG_INT, offsetof(struct agw_config, buffer_kib), "256", 4, 65536, NULL,
	  "relay buffer per direction and connection (KiB); reading stops while it is full" },
	{ "leg.source_filter", 0, CFG_BOOL, offsetof(struct agw_config, leg_source_filter), "true", 0, 0,
	  NULL,
	  "admit SYNs and datagrams only from the Remote's address once it is known, and hold a connection "
	  "accepted before it (as gm/saf asks, without being asked)" },
	{ "metrics.address", 0, CFG_STRING, offsetof(struct agw_config, metrics_address), "", 0, 0, NULL,
	  "IPv4 or IPv6 address of the Prometheus metrics endpoint, http://ADDRESS:PORT/metrics (\"\": "
	  "none)" },
	{ "metrics.port", 0, CFG_INT, offsetof(struct agw_config, metrics_port), "9945", 1, 65535, NULL,
	  "TCP port of the metrics endpoint" },
	WIRE_IES(AGW_WIRE_ROW){ 0 },
};

const struct cfg_program agw_program = {
	.name = "ims-agw",
	.summary = "IMS access gateway (H.248 MG): TLS termination and TCP relay for MSRP, BFCP and T.38.",
	.options = agw_options,
};
