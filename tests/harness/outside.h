/* SPDX-License-Identifier: GPL-3.0-or-later */
/* outside: programs this project did not write, as peers in tests: openssl s_client and s_server as UEs
 * (TLS and DTLS), certtool for their certificates, and tshark capturing on loopback to count the RSTs one
 * side sent. Started with pipes; what they print is searched; each wait bounded in time. */
#ifndef MEDIASEC_TEST_OUTSIDE_H
#define MEDIASEC_TEST_OUTSIDE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "cert.h"

struct outside {
	GPid pid;
	int in, out;   /* its stdin; its stdout (or stderr, as started) */
	GString *seen; /* what it printed so far */
	bool reaped;
	int status;
};

/* Whether every named program is installed; when not, says so on stderr (the caller's test is not run). */
bool outside_have(const char *const *programs);
/* Starts argv (argv[0] searched in PATH), watching its stdout, or its stderr when watch_stderr. */
bool outside_start(struct outside *o, const char *const *argv, bool watch_stderr);
/* Reads what it prints until want is in it (true), it ends its output, or ms passed. */
bool outside_wait(struct outside *o, const char *want, unsigned ms);
/* Whether a line openssl's -msg printed for a message received (dir "<<<") or sent (">>>") names what;
 * reads on for up to ms until one does. */
bool outside_msg(struct outside *o, const char *dir, const char *what, unsigned ms);
/* Whether it exited within ms. */
bool outside_exited(struct outside *o, unsigned ms);
/* Closes its stdin, ends it (SIGTERM, then SIGKILL) unless it exited, and frees what was kept. */
void outside_stop(struct outside *o);

/* An ECDSA key and self-signed certificate made by certtool in dir (key.pem, cert.pem), loaded into id
 * (with its fingerprint). */
bool outside_identity(const char *dir, const char *cn, struct tls_identity *id);

/* tshark capturing TCP on port of the loopback into dir/name.pcap, until capture_rsts. False (with a
 * note on stderr) when it cannot capture here. */
struct capture {
	struct outside o;
	char *file;
};
bool capture_start(struct capture *c, const char *dir, const char *name, uint16_t port);
/* Stops the capture: the number of TCP segments with RST sent from port src, -1 when unreadable. */
int capture_rsts(struct capture *c, uint16_t src);

#endif
