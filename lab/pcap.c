/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pcap: see pcap.h. */
#include "config.h"
#include "pcap.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "evlog.h"
#include "party.h"
#include "payload.h"

enum { DUMPCAP_WAIT_MS = 10000, SETTLE_MS = 500 };

/* Each medium's protocol as Wireshark names it: the protocol (tshark -d), its dissector (Lua's
 * Dissector.get) and its Decode As name (decode_as_entries); claims_ports: the dissector takes the
 * packet's UDP ports as its own conversation (Wireshark 4.0's t38_udp), which would take the DTLS
 * records that follow, so inside DTLS it is called with the ports hidden. */
static const struct wireshark_proto {
	const char *payload, *proto, *dissector, *name;
	bool claims_ports;
} protos[] = {
	{ "msrp", "msrp", "msrp", "MSRP", false },
	{ "bfcp", "bfcp", "bfcp", "BFCP", false },
	{ "t38", "t38", "t38_udp", "T.38", true },
};
static const struct wireshark_proto sip = { NULL, "sip", "sip", "SIP", false },
				    megaco = { NULL, "megaco", "megaco", "MEGACO", false },
				    tls = { NULL, "tls", "tls", "TLS", false },
				    dtls = { NULL, "dtls", "dtls", "DTLS", false };

struct decode {
	const char *table; /* "tcp.port", "udp.port", "tls.port", "dtls.port" */
	uint16_t port;
	const struct wireshark_proto *proto;
};

struct lab_pcap {
	char *dir, *keylog, *filter;
	GPid pid;       /* dumpcap, or 0 */
	int err;        /* its standard error, or -1 */
	GString *said;  /* what it wrote there */
	GArray *decode; /* struct decode */
};

/* the current scenario's key log (the lab plays one scenario at a time) */
static int keylog_fd = -1;
/* dumpcap missing or refused: said once, no more tries */
static bool cannot;

/* A gnutls_keylog_func: the secret's NSS key log line. */
static int keylog(gnutls_session_t s, const char *label, const gnutls_datum_t *secret)
{
	gnutls_datum_t client, server;
	char random[2 * 32 + 1], hex[2 * 64 + 1]; /* a hello's random, a secret of up to 512 bits */
	size_t rn = sizeof random, hn = sizeof hex;
	if (keylog_fd < 0)
		return 0;
	gnutls_session_get_random(s, &client, &server);
	if (gnutls_hex_encode(&client, random, &rn) < 0 || gnutls_hex_encode(secret, hex, &hn) < 0) {
		g_printerr("ims-lab: --pcap: writing the key log: a %s too long to write\n", label);
		return 0;
	}
	char *line = g_strdup_printf("%s %s %s\n", label, random, hex);
	if (write(keylog_fd, line, strlen(line)) != (ssize_t)strlen(line)) /* one write: O_APPEND */
		g_printerr("ims-lab: --pcap: writing the key log: %s\n", g_strerror(errno));
	g_free(line);
	return 0;
}

void pcap_keylog_session(gnutls_session_t s)
{
	if (keylog_fd >= 0)
		gnutls_session_set_keylog_function(s, keylog);
}

struct lab_pcap *pcap_new(const char *dir)
{
	struct lab_pcap *c = g_new0(struct lab_pcap, 1);
	c->dir = g_strdup(dir);
	c->keylog = g_build_filename(dir, "keylog.txt", NULL);
	c->err = -1;
	c->decode = g_array_new(FALSE, FALSE, sizeof(struct decode));
	static const char *const stale[] = { "capture.pcapng", "dumpcap.log", "decode_as_entries",
					     "decode.lua", "wireshark.sh" };
	for (size_t i = 0; i < G_N_ELEMENTS(stale); i++) {
		char *path = g_build_filename(dir, stale[i], NULL);
		g_unlink(path);
		g_free(path);
	}
	/* owner-only: the secrets decrypt everything captured */
	keylog_fd = open(c->keylog, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (keylog_fd < 0)
		g_printerr("ims-lab: --pcap: cannot create the key log %s: %s\n", c->keylog,
			   g_strerror(errno));
	return c;
}

const char *pcap_keylog_file(const struct lab_pcap *c)
{
	return c->keylog;
}

/* Reads what dumpcap says until want shows (NULL: until it closes) or ms pass. True when it showed. */
static bool listen_to(struct lab_pcap *c, const char *want, int ms)
{
	gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
	for (;;) {
		if (want && strstr(c->said->str, want))
			return true;
		int left = (int)((end - g_get_monotonic_time()) / 1000);
		struct pollfd pf = { c->err, POLLIN, 0 };
		if (left <= 0 || poll(&pf, 1, left) <= 0)
			return false;
		char buf[512];
		ssize_t n = read(c->err, buf, sizeof buf);
		if (n <= 0)
			return !want;
		g_string_append_len(c->said, buf, n);
	}
}

static void die_with_lab(gpointer unused)
{
	(void)unused;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

/* "port 5060 or portrange 31000-31007 or ...": the scenario's ports, nothing else. */
static char *filter(const struct pcap_ports *ports, struct party *const *parties)
{
	GString *f = g_string_new(NULL);
	const uint16_t single[] = { ports->sip[0], ports->sip[1], ports->h248[0], ports->h248[1] };
	for (size_t i = 0; i < G_N_ELEMENTS(single); i++)
		g_string_append_printf(f, "%sport %u", f->len ? " or " : "", single[i]);
	for (struct party *const *p = parties; *p; p++)
		g_string_append_printf(f, " or port %u", (*p)->sip_port);
	for (int i = 0; i < 2; i++)
		g_string_append_printf(f, " or portrange %u-%u", ports->realm[i][0], ports->realm[i][1]);
	return g_string_free(f, FALSE);
}

static void add(GArray *d, const char *table, uint16_t port, const struct wireshark_proto *proto)
{
	for (guint i = 0; i < d->len; i++) {
		const struct decode *e = &g_array_index(d, struct decode, i);
		if (e->port == port && !strcmp(e->table, table))
			return;
	}
	g_array_append_val(d, ((struct decode){ table, port, proto }));
}

void pcap_start(struct lab_pcap *c, const struct pcap_ports *ports, struct party *const *parties)
{
	char *dumpcap = cannot ? NULL : g_find_program_in_path("dumpcap");
	if (!dumpcap && !cannot) {
		g_printerr("ims-lab: --pcap: dumpcap is not installed (package tshark or wireshark-common): "
			   "the scenarios play without captures\n");
		cannot = true;
	}
	if (!dumpcap)
		return;
	char *file = g_build_filename(c->dir, "capture.pcapng", NULL);
	char *argv[] = { dumpcap, "-i", "lo", "-f", c->filter = filter(ports, parties), "-w", file, NULL };
	GError *e = NULL;
	c->said = g_string_new(NULL);
	if (!g_spawn_async_with_pipes(NULL, argv, NULL,
				      G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, die_with_lab,
				      NULL, &c->pid, NULL, NULL, &c->err, &e)) {
		g_printerr("ims-lab: --pcap: cannot run %s: %s: the scenarios play without captures\n",
			   dumpcap, e->message);
		g_error_free(e);
		c->pid = 0, cannot = true;
	} else if (!listen_to(c, "File:", DUMPCAP_WAIT_MS)) { /* "Capturing on 'Loopback: lo'", "File: …" */
		char **lines = g_strsplit(g_strstrip(c->said->str), "\n", 0);
		g_printerr("ims-lab: --pcap: dumpcap cannot capture on lo (%s): the scenarios play without "
			   "captures\n",
			   lines[0] && *lines[0] ? lines[g_strv_length(lines) - 1]
						 : "it said nothing in 10 s");
		g_strfreev(lines);
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		c->pid = 0, cannot = true;
	}
	for (int i = 0; i < 2; i++) { /* the signalling: SIP over UDP or TCP, H.248 text over UDP */
		add(c->decode, "udp.port", ports->sip[i], &sip);
		add(c->decode, "tcp.port", ports->sip[i], &sip);
		add(c->decode, "udp.port", ports->h248[i], &megaco);
	}
	g_free(dumpcap), g_free(file);
}

static const struct wireshark_proto *proto_of(const struct payload *m)
{
	for (size_t i = 0; m && i < G_N_ELEMENTS(protos); i++)
		if (!strcmp(protos[i].payload, m->name))
			return &protos[i];
	return NULL;
}

/* The ports of each party's media events: its medium there, inside TLS or DTLS when it is secure. */
static void media_ports(struct lab_pcap *c, struct evlog *log, struct party *const *parties)
{
	evlog_read(log);
	GPtrArray *events = evlog_events(log);
	for (guint i = 0; i < events->len; i++) {
		const struct lab_event *e = events->pdata[i];
		const struct party *p = NULL;
		for (struct party *const *q = parties; *q && !p; q++)
			if (e->component && !strcmp(e->component, (*q)->title))
				p = *q;
		const struct wireshark_proto *proto = p ? proto_of(p->media) : NULL;
		if (!proto || g_str_has_prefix(e->kind, "sip"))
			continue;
		const char *ends[] = { e->from, e->to };
		for (int k = 0; k < 2; k++) {
			const char *colon = ends[k] ? strrchr(ends[k], ':') : NULL;
			guint64 port = colon ? g_ascii_strtoull(colon + 1, NULL, 10) : 0;
			if (!port || port > 65535)
				continue;
			const char *outer = p->dgram ? "udp.port" : "tcp.port";
			if (p->secure) {
				add(c->decode, outer, (uint16_t)port, p->dgram ? &dtls : &tls);
				add(c->decode, p->dgram ? "dtls.port" : "tls.port", (uint16_t)port, proto);
			} else {
				add(c->decode, outer, (uint16_t)port, proto);
			}
		}
	}
}

static bool inner(const struct decode *d)
{
	return !strcmp(d->table, "tls.port") || !strcmp(d->table, "dtls.port");
}

static void write_file(const struct lab_pcap *c, const char *name, const char *text, int mode)
{
	char *path = g_build_filename(c->dir, name, NULL);
	GError *e = NULL;
	if (!g_file_set_contents(path, text, -1, &e) || g_chmod(path, mode) < 0) {
		g_printerr("ims-lab: --pcap: cannot write %s: %s\n", path,
			   e ? e->message : g_strerror(errno));
		g_clear_error(&e);
	}
	g_free(path);
}

/* Whether some port of the capture carries p inside TLS or DTLS. */
static bool decodes_inside(const struct lab_pcap *c, const struct wireshark_proto *p)
{
	for (guint i = 0; i < c->decode->len; i++) {
		const struct decode *d = &g_array_index(c->decode, struct decode, i);
		if (inner(d) && d->proto == p)
			return true;
	}
	return false;
}

/* A Lua dissector NAME_inside: NAME called with the packet's ports hidden (protos' claims_ports). */
static void put_port_hider(GString *lua, const char *name)
{
	g_string_append_printf(lua,
			       "-- %s takes the packet's ports as its conversation, and with them the DTLS "
			       "records that follow:\n-- inside DTLS it sees port 0.\n"
			       "local %s = Dissector.get(\"%s\")\n"
			       "%s_inside = Proto(\"%s_inside\", \"%s inside DTLS\")\n"
			       "function %s_inside.dissector(tvb, pinfo, tree)\n"
			       "\tlocal src, dst = pinfo.src_port, pinfo.dst_port\n"
			       "\tpinfo.src_port, pinfo.dst_port = 0, 0\n"
			       "\tlocal ok, n = pcall(%s.call, %s, tvb, pinfo, tree)\n"
			       "\tpinfo.src_port, pinfo.dst_port = src, dst\n"
			       "\tif not ok then error(n) end\n"
			       "\treturn n\nend\n",
			       name, name, name, name, name, name, name, name, name);
}

/* decode_as_entries (Wireshark's profile file), decode.lua and wireshark.sh. */
static void write_decode(const struct lab_pcap *c)
{
	GString *entries = g_string_new("# Decode As entries of this scenario's capture (ims-lab --pcap): "
					"a Wireshark profile's file.\n"),
		*lua = g_string_new("-- What runs inside TLS and DTLS on this scenario's ports (ims-lab "
				    "--pcap):\n-- Wireshark's Decode As offers no MSRP, BFCP or T.38 "
				    "there.\n"),
		*sh = g_string_new(NULL);
	char *base = g_path_get_basename(c->dir);
	g_string_append_printf(sh,
			       "#!/bin/sh\n# %s: its capture by ims-lab --pcap, TLS and DTLS decrypted "
			       "with its key log, each port decoded as the medium it carried "
			       "(doc/captures.md).\n# In a terminal: WIRESHARK=tshark %s/wireshark.sh -Y "
			       "msrp\nhere=$(cd \"$(dirname \"$0\")\" && pwd) || exit 1\nexec "
			       "\"${WIRESHARK:-wireshark}\" -r \"$here/capture.pcapng\" -o "
			       "\"tls.keylog_file:$here/keylog.txt\" -X \"lua_script:$here/decode.lua\"",
			       base, c->dir);
	for (size_t k = 0; k < G_N_ELEMENTS(protos); k++)
		if (protos[k].claims_ports && decodes_inside(c, &protos[k]))
			put_port_hider(lua, protos[k].dissector);
	for (guint i = 0; i < c->decode->len; i++) {
		const struct decode *d = &g_array_index(c->decode, struct decode, i);
		if (inner(d) && d->proto->claims_ports)
			g_string_append_printf(lua, "DissectorTable.get(\"%s\"):add(%u, %s_inside)\n", d->table,
					       d->port, d->proto->dissector);
		else if (inner(d))
			g_string_append_printf(lua,
					       "DissectorTable.get(\"%s\"):add(%u, Dissector.get(\"%s\"))\n",
					       d->table, d->port, d->proto->dissector);
		else
			g_string_append_printf(entries, "decode_as_entry: %s,%u,(none),%s\n", d->table,
					       d->port, d->proto->name);
		if (!inner(d))
			g_string_append_printf(sh, " \\\n\t-d %s==%u,%s", d->table, d->port, d->proto->proto);
	}
	g_string_append(sh, " \"$@\"\n");
	write_file(c, "decode_as_entries", entries->str, 0644);
	write_file(c, "decode.lua", lua->str, 0644);
	write_file(c, "wireshark.sh", sh->str, 0755);
	g_string_free(entries, TRUE), g_string_free(lua, TRUE), g_string_free(sh, TRUE);
	g_free(base);
}

/* dumpcap sees packets in blocks the kernel hands over when full or 250 ms old, and drops the block
 * it has not been handed when told to stop: the capture file must first stop growing. */
static void settle(const struct lab_pcap *c)
{
	char *file = g_build_filename(c->dir, "capture.pcapng", NULL);
	gint64 t0 = g_get_monotonic_time(), changed = t0, last = -1;
	for (GStatBuf st; g_get_monotonic_time() - t0 < 10 * SETTLE_MS * 1000; g_usleep(50000)) {
		gint64 now = g_get_monotonic_time(), size = g_stat(file, &st) ? -1 : (gint64)st.st_size;
		if (size != last)
			last = size, changed = now;
		else if (now - changed >= SETTLE_MS * 1000)
			break;
	}
	g_free(file);
}

void pcap_end(struct lab_pcap *c, struct evlog *log, struct party *const *parties)
{
	if (!c)
		return;
	if (c->pid) {
		settle(c);
		kill(c->pid, SIGINT); /* dumpcap ends the file and says how many packets */
		listen_to(c, NULL, 5000);
		bool gone = false;
		for (int i = 0; i < 50 && !(gone = waitpid(c->pid, NULL, WNOHANG) == c->pid); i++)
			g_usleep(100000);
		if (!gone) {
			g_printerr("ims-lab: --pcap: dumpcap did not stop on SIGINT within 5 s: killed\n");
			kill(c->pid, SIGKILL);
			waitpid(c->pid, NULL, 0);
		}
		g_string_prepend(c->said, "\n"), g_string_prepend(c->said, c->filter);
		g_string_prepend(c->said, "dumpcap -i lo -f "); /* the filter, what it said: the count */
		write_file(c, "dumpcap.log", c->said->str, 0644);
		media_ports(c, log, parties);
		write_decode(c);
	}
	if (c->err >= 0)
		close(c->err);
	if (keylog_fd >= 0)
		close(keylog_fd);
	keylog_fd = -1;
	if (c->said)
		g_string_free(c->said, TRUE);
	g_array_free(c->decode, TRUE);
	g_free(c->dir), g_free(c->keylog), g_free(c->filter);
	g_free(c);
}
