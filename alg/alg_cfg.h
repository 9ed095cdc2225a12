/* SPDX-License-Identifier: GPL-3.0-or-later */
/* alg_cfg: ims-alg's configuration — the struct and the one table that drives file keys and flags. */
#ifndef MEDIASEC_ALG_CFG_H
#define MEDIASEC_ALG_CFG_H

#include <stdbool.h>

#include "cfg.h"
#include "wire.h"

/* SIP transports a side listens on (both: UDP and TCP; tls: TLS alone, RFC 3261 §26.2). */
enum alg_transport { ALG_TRANSPORT_BOTH, ALG_TRANSPORT_UDP, ALG_TRANSPORT_TCP, ALG_TRANSPORT_TLS };
/* H.248 encoding toward gateways: text or binary always, or auto: the one each gateway last used. */
enum alg_encoding { ALG_ENCODING_TEXT, ALG_ENCODING_BINARY, ALG_ENCODING_AUTO };
extern const char *const alg_transport_names[];

struct alg_sip_side {
	char *address;
	char *advertise; /* what Via, Record-Route and Path carry ("": the address) */
	long port;
	int transport; /* enum alg_transport */
};

struct alg_config {
	struct cfg_common common;
	char *ctl_socket; /* the control socket's path ("": none) */
	struct alg_sip_side access, core;
	char *next_hop;       /* core next hop for originating requests ("" : the Request-URI) */
	bool registrar;       /* answer REGISTER here instead of forwarding it to the core */
	long expires;         /* registrar: the longest registration granted (s) */
	long min_expires;     /* registrar: the shortest accepted, else 423 (s; 0: any) */
	bool registered_only; /* iq: initial requests only from addresses with a registration (403) */
	long max_calls;       /* calls at once from one access address (403 beyond) */
	long tcp_idle_ms;     /* a SIP TCP connection no transaction uses is closed after this */
	long udp_rcvbuf;      /* bytes of receive buffer asked for each SIP UDP socket (0: the kernel's) */
	char *tls_certificate, *tls_key; /* SIP over TLS: PEM files ("": generated at start) */
	char **mediasec;      /* media security mechanisms offered in Security-Server */
	char *h248_address;   /* the MGC's H.248 socket */
	long h248_port;
	char *h248_mid;
	long h248_timeout_ms;  /* T-MAX of a request to a gateway */
	long h248_audit_ms;    /* audit of the ROOT of a gateway silent this long, or lost */
	long h248_lost_after_ms; /* silence while a request awaits its Reply that loses a gateway */
	long h248_inactivity_ms; /* H.248.14 maximum inactivity time set on gateways offering it/ito */
	char **h248_gateways;  /* who may register: [MID@]ADDRESS[/PREFIX][:PORT] (peers.h) */
	long h248_max_pending; /* requests to one gateway awaiting their Reply */
	int h248_encoding;     /* enum alg_encoding */
	long h248_max_conns, h248_max_conns_source, h248_idle_ms; /* accepted H.248 TCP connections */
	int profile;           /* index into profile_names (iq, ix, mp) */
	bool force_orig; /* NOTE 1: terminate TLS for a TLS line with a fingerprint, indication or not */
	bool force_term; /* terminating NOTE: e2ae toward the UE even when it did not register support */
	char **force_media; /* the mechanisms (their media) force_orig and force_term apply to */
	bool allow_sha1; /* a UE's fingerprint may use sha-1 (RFC 8122 §5 deprecates it) */
	bool syn_filter; /* gm/saf and gm/spf on the AGW's listening legs */
	bool combined;   /* NOTE 2: add the access termination with the answer, in one transaction */
	bool merge_nat;  /* TCP merge mode (TS 23.334 §6.2.18.4) toward UEs that registered behind a NAT */
	bool merge_all;  /* TCP merge mode toward every UE */
	bool aware;      /* application-aware transports (TCP/MSRP) to the AGW, else agnostic (TCP) */
	bool release_on_fail; /* tlsbsc/fail or tcpbcc/fail: BYE both sides */
	char **conferences;   /* mp: the conference URIs' user parts the MRFC answers */
	char *conference_psk; /* mp: "identity:hexkey" for TLS-PSK at the MRFP, "" for fingerprints */
	char *conference_psk_file; /* mp: a file holding it, so it stays off the command line */
	char *metrics_address; /* the Prometheus endpoint's ("": none) */
	long metrics_port;
	struct wire_names wire;
};

extern const struct cfg_program alg_program;

/* What the option table's types cannot check, after the options are read: the names of mechanisms
 * (sip.mediasec, policy.force_e2ae_media) rows of profiles/transport.c; and the secrets made ready,
 * mrfc.psk_file read into mrfc.psk (the file should be its owner's alone: a warning otherwise), the key
 * checked. False with *err naming the key or file and what is wrong; the key itself is never written
 * out. */
bool alg_config_secrets(struct alg_config *c, char **err);

#endif
