/* SPDX-License-Identifier: GPL-3.0-or-later */
/* alg_cfg: the ims-alg option table (documented in doc/configuration.md and ims-alg.8). */
#include "config.h"
#include "alg_cfg.h"

#include <glib.h>
#include <glib/gstdio.h>

#include "cert.h"
#include "log.h"
#include "profile.h"
#include "reg.h"
#include "transport.h"

const char *const alg_transport_names[] = { "both", "udp", "tcp", "tls", NULL };
static const char *const encodings[] = { "text", "binary", "auto", NULL };

#define SIDE_ROWS(side, defport, what)                                                                       \
	{ "sip." #side ".address",                                                                           \
	  0,                                                                                                 \
	  CFG_ADDR,                                                                                          \
	  offsetof(struct alg_config, side.address),                                                         \
	  "127.0.0.1",                                                                                       \
	  0,                                                                                                 \
	  0,                                                                                                 \
	  NULL,                                                                                              \
	  "local SIP address on the " what " side" },                                                        \
	    { "sip." #side ".port",                                                                          \
	      0,                                                                                             \
	      CFG_INT,                                                                                       \
	      offsetof(struct alg_config, side.port),                                                        \
	      defport,                                                                                       \
	      1,                                                                                             \
	      65535,                                                                                         \
	      NULL,                                                                                          \
	      "local SIP port on the " what " side" },                                                       \
	{                                                                                                    \
		"sip." #side ".transport", 0, CFG_ENUM, offsetof(struct alg_config, side.transport), "both", \
		    0, 0, alg_transport_names,                                                               \
		    "SIP transports on the " what " side: udp, tcp, both (udp and tcp) or tls"               \
	},                                                                                                   \
	{                                                                                                    \
		"sip." #side ".advertise", 0, CFG_STRING, offsetof(struct alg_config, side.advertise), "",   \
		    0, 0, NULL,                                                                              \
		    "address or host name written into Via, Record-Route and Path on the " what              \
		    " side (empty: the address; required when the address is 0.0.0.0 or ::)"                \
	}

#define ALG_WIRE_ROW(id, key, text, where, status) WIRE_ROW(struct alg_config, id, key, text, where, status)

static const struct cfg_option alg_options[] = {
	CFG_COMMON_ROWS(struct alg_config),
	{ "ctl.socket", 0, CFG_STRING, offsetof(struct alg_config, ctl_socket), "", 0, 0, NULL,
	  "Unix socket for ims-ctl, made mode 0660 (\"\": none)" },
	{ "profile", 0, CFG_ENUM, offsetof(struct alg_config, profile), "iq", 0, 0, profile_names,
	  "the interface profile: iq (IMS-ALG in the P-CSCF), ix (IBCF, all media end to end) or mp (MRFC of "
	  "a conference focus)" },
	SIDE_ROWS(access, "5060", "access (UE)"),
	SIDE_ROWS(core, "5070", "core (toward the S-CSCF or peer network)"),
	{ "sip.core.next_hop", 0, CFG_STRING, offsetof(struct alg_config, next_hop), "", 0, 0, NULL,
	  "SIP URI every request from the access side goes to (empty: its Request-URI)" },
	{ "sip.registrar", 0, CFG_BOOL, offsetof(struct alg_config, registrar), "true", 0, 0, NULL,
	  "answer REGISTER here (a lab without a core); false forwards it to the next hop with a Path" },
	{ "sip.expires", 0, CFG_INT, offsetof(struct alg_config, expires), "3600", 10, 86400, NULL,
	  "registrar: the longest registration granted (s)" },
	{ "sip.registered_only", 0, CFG_BOOL, offsetof(struct alg_config, registered_only), "true", 0, 0,
	  NULL,
	  "iq: refuse (403) a new request from an access address no UE registered from, before any H.248" },
	{ "sip.max_calls", 0, CFG_INT, offsetof(struct alg_config, max_calls), "32", 1, 100000, NULL,
	  "calls at once from one access address; beyond, a new INVITE gets 403" },
	{ "sip.udp_receive_buffer", 0, CFG_INT, offsetof(struct alg_config, udp_rcvbuf), "4194304", 0,
	  268435456, NULL,
	  "bytes of receive buffer for each SIP UDP socket, so that a burst from many UEs waits rather than "
	  "being dropped (0: the kernel's default; the kernel gives at most net.core.rmem_max)" },
	{ "sip.tcp_idle", 0, CFG_INT, offsetof(struct alg_config, tcp_idle_ms), "600000", 1000, 86400000, NULL,
	  "ms a SIP TCP connection may stay idle (no message either way, no transaction) before it is closed" },
	{ "sip.tls.certificate", 0, CFG_STRING, offsetof(struct alg_config, tls_certificate), "", 0, 0, NULL,
	  "PEM certificate of a side whose transport is tls (empty: a self-signed one generated at start)" },
	{ "sip.tls.key", 0, CFG_STRING, offsetof(struct alg_config, tls_key), "", 0, 0, NULL,
	  "PEM private key of sip.tls.certificate (empty: in the certificate's file)" },
	{ "sip.min_expires", 0, CFG_INT, offsetof(struct alg_config, min_expires), "0", 0, 86400, NULL,
	  "registrar: the shortest registration accepted (s); one asking less gets 423 with Min-Expires "
	  "(0: any)" },
	{ "sip.mediasec", 0, CFG_STRLIST, offsetof(struct alg_config, mediasec),
	  "msrp-tls,bfcp-tls,udptl-dtls", 0, 0, NULL,
	  "media security mechanisms announced in Security-Server (msrp-tls, bfcp-tls, udptl-dtls)" },
	{ "h248.address", 0, CFG_ADDR, offsetof(struct alg_config, h248_address), "127.0.0.1", 0, 0, NULL,
	  "the MGC's H.248 address (UDP and TCP)" },
	{ "h248.port", 0, CFG_INT, offsetof(struct alg_config, h248_port), "2945", 1, 65535, NULL,
	  "the MGC's H.248 port; gateways register here" },
	{ "h248.mid", 0, CFG_STRING, offsetof(struct alg_config, h248_mid), "", 0, 0, NULL,
	  "the MGC's H.248 mId (empty: [address]:port)" },
	{ "h248.encoding", 0, CFG_ENUM, offsetof(struct alg_config, h248_encoding), "auto", 0, 0, encodings,
	  "H.248 encoding of what goes to gateways: text (Annex B), binary (Annex A, ASN.1 BER) or auto (each "
	  "gateway in the one it last used, text before it has spoken); both are read whatever this says" },
	{ "h248.timeout", 0, CFG_INT, offsetof(struct alg_config, h248_timeout_ms), "4000", 100, 60000, NULL,
	  "how long a request to a gateway may go unanswered (ms) before that request, and its call, fail" },
	{ "h248.audit", 0, CFG_INT, offsetof(struct alg_config, h248_audit_ms), "1000", 0, 3600000, NULL,
	  "a gateway that sent nothing for this long, or one lost, has its ROOT audited (ms; 0: never)" },
	{ "h248.lost_after", 0, CFG_INT, offsetof(struct alg_config, h248_lost_after_ms), "3000", 100, 600000,
	  NULL,
	  "a gateway that sends nothing for this long while a request awaits its Reply is lost and its calls "
	  "released (ms)" },
	{ "h248.inactivity", 0, CFG_INT, offsetof(struct alg_config, h248_inactivity_ms), "5000", 0, 86400000,
	  NULL,
	  "H.248.14 maximum inactivity time set on each gateway that offers it/ito: it notifies us after this "
	  "long without a message from us, and takes us for lost when that goes unanswered (ms, 1000 or more; "
	  "0: not set)" },
	{ "h248.gateways", 0, CFG_STRLIST, offsetof(struct alg_config, h248_gateways), "127.0.0.1", 0, 0,
	  NULL,
	  "the gateways that may register, each [MID@]ADDRESS[/PREFIX][:PORT]; anyone else is answered "
	  "nothing" },
	{ "h248.max_connections", 0, CFG_INT, offsetof(struct alg_config, h248_max_conns), "64", 1, 100000,
	  NULL, "H.248 TCP connections accepted at once (never over a quarter of the descriptor limit); one "
	  "beyond is closed at once" },
	{ "h248.max_connections_per_address", 0, CFG_INT, offsetof(struct alg_config, h248_max_conns_source),
	  "4", 1, 100000, NULL, "H.248 TCP connections accepted at once from one address" },
	{ "h248.idle_timeout", 0, CFG_INT, offsetof(struct alg_config, h248_idle_ms), "60000", 1000, 86400000,
	  NULL, "ms an accepted H.248 TCP connection may go without a whole message before it is closed" },
	{ "h248.max_pending", 0, CFG_INT, offsetof(struct alg_config, h248_max_pending), "256", 1, 100000,
	  NULL, "requests to one gateway that may await their Reply at once; beyond, the call fails" },
	{ "policy.force_e2ae_orig", 0, CFG_BOOL, offsetof(struct alg_config, force_orig), "false", 0, 0, NULL,
	  "seed 004 NOTE 1: terminate TLS (DTLS) for every line of policy.force_e2ae_media over TLS with a "
	  "fingerprint from the UE, whether it asked for e2ae or registered support or not" },
	{ "policy.allow_sha1", 0, CFG_BOOL, offsetof(struct alg_config, allow_sha1), "false", 0, 0, NULL,
	  "take a UE's certificate fingerprint with sha-1 (RFC 8122 §5 deprecates it); md5 and md2 never" },
	{ "policy.force_e2ae_term", 0, CFG_BOOL, offsetof(struct alg_config, force_term), "false", 0, 0, NULL,
	  "seed 004 terminating NOTE: e2ae toward the UE for every line of policy.force_e2ae_media, even "
	  "when it did not register support" },
	{ "policy.force_e2ae_media", 0, CFG_STRLIST, offsetof(struct alg_config, force_media),
	  "msrp-tls,bfcp-tls,udptl-dtls", 0, 0, NULL,
	  "the media the two force_e2ae switches apply to, by mechanism (msrp-tls, bfcp-tls, udptl-dtls)" },
	{ "policy.syn_filter", 0, CFG_BOOL, offsetof(struct alg_config, syn_filter), "false", 0, 0, NULL,
	  "ask the gateway to drop SYNs from anyone but the remote (gm/saf, gm/spf): delayed establishment" },
	{ "policy.merge_behind_nat", 0, CFG_BOOL, offsetof(struct alg_config, merge_nat), "true", 0, 0, NULL,
	  "TCP merge mode toward a UE whose REGISTER came from another address than its Contact's: the "
	  "gateway's access leg passive, the UE the TCP client" },
	{ "policy.merge_always", 0, CFG_BOOL, offsetof(struct alg_config, merge_all), "false", 0, 0, NULL,
	  "TCP merge mode toward every UE" },
	{ "policy.combined", 0, CFG_BOOL, offsetof(struct alg_config, combined), "false", 0, 0, NULL,
	  "seed 004 NOTE 2: add the access termination together with the answer's Modify" },
	{ "policy.aware", 0, CFG_BOOL, offsetof(struct alg_config, aware), "true", 0, 0, NULL,
	  "application-aware transports to the gateway (TCP/MSRP, TCP/TLS/MSRP); false: TCP, TCP/TLS" },
	{ "policy.release_on_fail", 0, CFG_BOOL, offsetof(struct alg_config, release_on_fail), "true", 0, 0,
	  NULL, "release the call with BYE on both sides when the gateway notifies tlsbsc/fail or tcpbcc/fail" },
	{ "mrfc.conferences", 0, CFG_STRLIST, offsetof(struct alg_config, conferences), "conference", 0, 0,
	  NULL, "mp: the user parts of the conference URIs the MRFC answers (sip:<name>@<access side>)" },
	{ "mrfc.psk", 0, CFG_STRING, offsetof(struct alg_config, conference_psk), "", 0, 0, NULL,
	  "mp: TLS with this pre-shared key (\"identity:hexkey\", the KMS case) instead of fingerprints; "
	  "better mrfc.psk_file, which keeps it off the command line" },
	{ "mrfc.psk_file", 0, CFG_STRING, offsetof(struct alg_config, conference_psk_file), "", 0, 0, NULL,
	  "mp: read mrfc.psk from this file (its owner's alone), instead of the configuration or command line" },
	{ "metrics.address", 0, CFG_STRING, offsetof(struct alg_config, metrics_address), "", 0, 0, NULL,
	  "IPv4 or IPv6 address of the Prometheus metrics endpoint, http://ADDRESS:PORT/metrics (\"\": "
	  "none)" },
	{ "metrics.port", 0, CFG_INT, offsetof(struct alg_config, metrics_port), "9946", 1, 65535, NULL,
	  "TCP port of the metrics endpoint" },
	WIRE_IES(ALG_WIRE_ROW){ 0 },
};

const struct cfg_program alg_program = {
	.name = "ims-alg",
	.summary = "IMS application level gateway (P-CSCF media security, H.248 MGC) on sofia-sip.",
	.options = alg_options,
};

/* Every name of a list key a mechanism of the transport table. */
static bool mechanisms(char **names, const char *key, char **err)
{
	for (char **m = names; m && *m; m++)
		if (!tp_media_of_mechanism(*m, NULL)) {
			char *known = reg_mech_names(~0u & ~REG_BEHIND_NAT);
			*err = g_strdup_printf("%s: unknown mechanism \"%s\" (known: %s)", key, *m, known);
			g_free(known);
			return false;
		}
	return true;
}

bool alg_config_secrets(struct alg_config *c, char **err)
{
	if (!mechanisms(c->mediasec, "sip.mediasec", err) ||
	    !mechanisms(c->force_media, "policy.force_e2ae_media", err))
		return false;
	if (*c->conference_psk_file) {
		char *text = NULL;
		GError *e = NULL;
		GStatBuf st;
		if (*c->conference_psk) {
			*err = g_strdup("mrfc.psk and mrfc.psk_file: give one of them, not both");
			return false;
		}
		if (!g_file_get_contents(c->conference_psk_file, &text, NULL, &e)) {
			*err = g_strdup_printf("mrfc.psk_file: %s", e->message);
			g_error_free(e);
			return false;
		}
		if (g_stat(c->conference_psk_file, &st) == 0 && (st.st_mode & 077))
			log_warn("main", NULL, "mrfc.psk_file %s can be read by others than its owner (mode %03o)",
				 c->conference_psk_file, (unsigned)(st.st_mode & 0777));
		g_free(c->conference_psk);
		c->conference_psk = g_strdup(g_strstrip(text));
		g_free(text);
	}
	if (*c->conference_psk && !tls_psk_split(c->conference_psk, NULL, NULL)) {
		*err = g_strdup_printf("%s: expected \"identity:hexkey\" or the key alone, the key 16 to 64 "
				       "octets in hex (the value is not shown)",
				       *c->conference_psk_file ? c->conference_psk_file : "mrfc.psk");
		return false;
	}
	return true;
}
