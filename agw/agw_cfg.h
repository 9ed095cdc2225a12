/* SPDX-License-Identifier: GPL-3.0-or-later */
/* agw_cfg: ims-agw's configuration — the struct and the one table that drives file keys and flags. */
#ifndef MEDIASEC_AGW_CFG_H
#define MEDIASEC_AGW_CFG_H

#include "cfg.h"
#include "wire.h"

enum agw_style { AGW_STYLE_PRETTY, AGW_STYLE_COMPACT };
enum agw_transport { AGW_TRANSPORT_UDP, AGW_TRANSPORT_TCP };
enum agw_encoding { AGW_ENCODING_TEXT, AGW_ENCODING_BINARY }; /* as enum h248_encoding */

struct agw_realm_cfg {
	char *address;
	char *advertise; /* the address SDP carries ("": the address) */
	struct cfg_port_range ports;
};

struct agw_config {
	struct cfg_common common;
	char *ctl_socket;   /* the control socket's path ("": none) */
	char *h248_address; /* where the MG listens for its MGC (UDP and TCP) */
	long h248_port;
	char *h248_mid;     /* "" : "[address]:port" */
	int profile;        /* index into profile_names */
	char *h248_profile; /* "" : the profile's own name */
	int h248_style;     /* enum agw_style */
	long h248_max_udp;
	long h248_max_tcp;            /* largest message accepted over TCP */
	long h248_max_conns, h248_max_conns_source, h248_idle_ms; /* accepted TCP connections */
	long max_contexts, max_terms; /* the association's limits */
	long max_ids;                 /* the MGC's request ids remembered (h248_tl_opts.max_ids) */
	char *mgc_address;
	long mgc_port;
	int mgc_transport; /* enum agw_transport */
	int mgc_encoding;  /* enum agw_encoding: until the MGC speaks (then the one it uses) */
	long mgc_silence_ms; /* nothing heard from the MGC this long: probed with Notify ROOT {it/ito} */
	long mgc_timeout_ms; /* T-MAX of the gateway's requests */
	struct agw_realm_cfg access, core;
	char *tls_certificate, *tls_key, *tls_priority;
	long tls_hold_ms;
	long tls_handshake_ms; /* a (D)TLS handshake not finished in this time ends with tlsbsc/fail */
	bool tls_allow_sha1;
	bool tls_autostart; /* open point 2's autonomous start: a leg that connected is TLS client at once */
	long connect_timeout_ms, buffer_kib;
	bool leg_source_filter; /* SYNs and datagrams only from the Remote's address, by default (issue 26) */
	char *metrics_address; /* the Prometheus endpoint's ("": none) */
	long metrics_port;
	struct wire_names wire;
};

extern const struct cfg_program agw_program;

#endif
