/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pcap: ims-lab --pcap, a scenario's capture that Wireshark decodes as it is. While the scenario plays,
 * dumpcap captures on lo exactly its ports (ims-alg's SIP and H.248 ports, ims-agw's H.248 port and
 * realm port ranges, the parties' SIP ports: every media connection has one end in a realm range) into
 * capture.pcapng; every TLS and DTLS session's secrets go to keylog.txt in the NSS key log format (the
 * daemons' GnuTLS writes there through SSLKEYLOGFILE, the lab's own sessions through
 * pcap_keylog_session: GnuTLS reads SSLKEYLOGFILE once per process); at the end the ports each medium
 * used are read from the run's traces and written as Wireshark's Decode As settings: decode_as_entries
 * (a profile's file: the outer layer, TLS, DTLS or the medium itself), decode.lua (what runs inside TLS
 * and DTLS: Wireshark's Decode As offers no MSRP, BFCP or T.38 there) and wireshark.sh, which opens the
 * capture with both and the key log (doc/captures.md). A machine where dumpcap is missing or may not
 * capture on lo gets no capture: said once, the run goes on. */
#ifndef MEDIASEC_LAB_PCAP_H
#define MEDIASEC_LAB_PCAP_H

#include <stdint.h>

#include <gnutls/gnutls.h>

struct evlog;
struct lab_pcap;
struct party;

struct pcap_ports {
	uint16_t sip[2];      /* ims-alg's access and core SIP ports */
	uint16_t h248[2];     /* ims-alg's and ims-agw's H.248 ports */
	uint16_t realm[2][2]; /* ims-agw's access and core realm port ranges, [lo, hi] */
};

/* The scenario's output directory dir: its key log made empty (owner-only) and the lab's own TLS
 * sessions' secrets sent there from now on. Before the daemons start: they are given its path. */
struct lab_pcap *pcap_new(const char *dir);
/* The key log's path, for the daemons' SSLKEYLOGFILE. */
const char *pcap_keylog_file(const struct lab_pcap *c);
/* Starts dumpcap on the scenario's ports and returns once it is capturing (or cannot). */
void pcap_start(struct lab_pcap *c, const struct pcap_ports *ports, struct party *const *parties);
/* Stops the capture, writes the decode settings from the run's traces, and frees c (NULL: nothing). */
void pcap_end(struct lab_pcap *c, struct evlog *log, struct party *const *parties);
/* A session of the lab's own: its secrets to the current scenario's key log, if there is one (else
 * GnuTLS's own SSLKEYLOGFILE, if set, as without --pcap). */
void pcap_keylog_session(gnutls_session_t s);

#endif
