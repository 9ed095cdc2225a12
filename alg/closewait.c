/* SPDX-License-Identifier: GPL-3.0-or-later */
/* closewait: this process's TCP sockets that the peer has closed and nobody reads (issue 25 item 5).
 *
 * sofia-sip stops reading a SIP TCP connection whose message it cannot frame (garbage, too large:
 * tport_parse sets tp_recv_close and stalls it) and keeps it until its idle timer, so the peer's FIN is
 * never read and the socket sits in CLOSE-WAIT, its descriptor held, for sip.tcp_idle. sofia offers no
 * way to reach such a connection (tport_by_name skips shut-down ones), but the kernel does: one
 * sock_diag dump (NETLINK_SOCK_DIAG, filtered in the kernel to CLOSE-WAIT) names the sockets on our
 * ports, /proc/self/fd maps their inodes to our descriptors, and shutdown(SHUT_RDWR) on the descriptor
 * makes poll report a hang-up, on which sofia's tport closes and frees the connection itself
 * (tport_hup_event). Only a socket seen in CLOSE-WAIT with nothing left to send at two sweeps in a row is
 * touched: a connection the stack is still answering on, or one it closes itself, is left alone. */
#include "config.h"
#include "closewait.h"

#include <dirent.h>
#include <errno.h>
#include <glib.h>
#include <stdbool.h>
#include <stdlib.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct closewait {
	int nl;              /* NETLINK_SOCK_DIAG socket */
	GHashTable *seen;    /* inodes in CLOSE-WAIT at the last sweep */
};

struct closewait *closewait_new(void)
{
	int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0)
		return NULL;
	struct closewait *cw = g_new0(struct closewait, 1);
	cw->nl = nl;
	cw->seen = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	return cw;
}

void closewait_free(struct closewait *cw)
{
	if (!cw)
		return;
	close(cw->nl);
	g_hash_table_destroy(cw->seen);
	g_free(cw);
}

static bool port_listed(uint16_t port, const uint16_t *ports, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

static void add_inode(GHashTable *set, uint64_t inode)
{
	gint64 *key = g_new(gint64, 1);
	*key = (gint64)inode;
	g_hash_table_add(set, key);
}

/* Adds to now the inodes of family's TCP sockets in CLOSE-WAIT, on one of ports, with an empty send
 * queue; false when the dump failed. */
static bool dump_family(int nl, uint8_t family, const uint16_t *ports, unsigned n, GHashTable *now)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 req;
	} rq = {
		.nh = { .nlmsg_len = sizeof rq, .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.req = { .sdiag_family = family, .sdiag_protocol = IPPROTO_TCP,
			 .idiag_states = 1u << TCP_CLOSE_WAIT },
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	if (sendto(nl, &rq, sizeof rq, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
		return false;
	for (;;) {
		long buf[32768 / sizeof(long)];
		ssize_t got = recv(nl, buf, sizeof buf, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return false;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)got); h = NLMSG_NEXT(h, got)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return true;
			if (h->nlmsg_type == NLMSG_ERROR)
				return false;
			const struct inet_diag_msg *m = NLMSG_DATA(h);
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof *m))
				continue;
			if (m->idiag_wqueue == 0 && port_listed(ntohs(m->id.idiag_sport), ports, n))
				add_inode(now, m->idiag_inode);
		}
	}
}

/* Shuts down our descriptors whose socket inode is in both sets; returns how many. */
static unsigned shut_down(GHashTable *before, GHashTable *now)
{
	DIR *dir = opendir("/proc/self/fd");
	if (!dir)
		return 0;
	unsigned done = 0;
	for (struct dirent *e; (e = readdir(dir));) {
		char link[64];
		ssize_t len = readlinkat(dirfd(dir), e->d_name, link, sizeof link - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		gint64 inode;
		if (sscanf(link, "socket:[%" G_GINT64_FORMAT "]", &inode) != 1 ||
		    !g_hash_table_contains(before, &inode) || !g_hash_table_contains(now, &inode))
			continue;
		if (shutdown(atoi(e->d_name), SHUT_RDWR) == 0)
			done++;
	}
	closedir(dir);
	return done;
}

unsigned closewait_sweep(struct closewait *cw, const uint16_t *ports, unsigned n)
{
	GHashTable *now = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	unsigned done = 0;
	bool dumped = n && dump_family(cw->nl, AF_INET, ports, n, now) &&
		      dump_family(cw->nl, AF_INET6, ports, n, now);
	if (dumped && g_hash_table_size(now) && g_hash_table_size(cw->seen))
		done = shut_down(cw->seen, now);
	if (n && !dumped) { /* what is left of a broken dump must not be read as the next one */
		int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
		if (nl >= 0) {
			close(cw->nl);
			cw->nl = nl;
		}
	}
	g_hash_table_destroy(cw->seen);
	cw->seen = now;
	return done;
}
