/* SPDX-License-Identifier: GPL-3.0-or-later */
/* filter: whom a TCP leg admits — the SYN filter on its listening socket and the check of a connection's
 * source against the Remote (see legs.h). */
#include "config.h"
#include "leg.h"

#include <errno.h>
#include <glib.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

static bool same_host(const union sa *a, const union sa *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	return a->sa.sa_family == AF_INET6 ? !memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, 16)
					   : a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
}

/* The gateway's own source filter (leg.source_filter): gm/saf's, applied whenever the Remote is known. */
static bool saf_on(const struct leg *l, bool known)
{
	return l->t->saf || (known && l->ls->o.source_filter);
}

bool filter_source_ok(const struct leg *l, const union sa *peer, char *why, size_t n)
{
	union sa r;
	bool known = leg_remote(l->t, &r), saf = saf_on(l, known);
	if (!saf && !l->t->spf)
		return true;
	char from[SA_TEXT_MAX], want[SA_TEXT_MAX];
	bool ok = known && (!saf || same_host(peer, &r)) && (!l->t->spf || sa_port(peer) == sa_port(&r));
	if (!ok)
		snprintf(why, n, "connection from %s " WIRE_REASON_NOT_REMOTE " %s", sa_text(peer, from),
			 known ? sa_text(&r, want) : "(none yet)");
	return ok;
}

/* SYNs only from the Remote address (gm/saf, or leg.source_filter once it is known) and port (gm/spf);
 * none while no Remote is known with gm/saf or gm/spf. */
void filter_syn(struct leg *l)
{
	struct agw_term *t = l->t;
	union sa r;
	bool known = leg_remote(t, &r), saf = saf_on(l, known);
	if (!saf && !t->spf) {
		/* only when one is on (the kernel answers ENOENT otherwise, a system call a call for
		 * nothing); with an int, which the kernel asks of every SOL_SOCKET option, this one's unused
		 * (EINVAL without: the filter stayed on and dropped every SYN after gm/saf was lifted) */
		int unused = 0;
		struct log_ids ids;
		if (!l->syn_filter)
			return;
		if (setsockopt(l->lfd, SOL_SOCKET, SO_DETACH_FILTER, &unused, sizeof unused) == 0)
			l->syn_filter = false;
		else
			log_warn("leg", leg_ids(l, &ids), "cannot lift the SYN filter: %s",
				 g_strerror(errno));
		return;
	}
	struct sock_filter code[16];
	unsigned n = 0;
	if (known && saf && r.sa.sa_family == AF_INET) {
		code[n++] =
		    (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (uint32_t)SKF_NET_OFF + 12);
		code[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
							 ntohl(r.in.sin_addr.s_addr), 0, 0);
	} else if (known && saf) {
		for (unsigned w = 0; w < 4; w++) {
			uint32_t word;
			memcpy(&word, (const char *)&r.in6.sin6_addr + 4 * w, 4);
			code[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
								 (uint32_t)SKF_NET_OFF + 8 + 4 * w);
			code[n++] =
			    (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohl(word), 0, 0);
		}
	}
	if (known && t->spf) {
		code[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 0); /* TCP source port */
		code[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sa_port(&r), 0, 0);
	}
	unsigned accept_at = n, drop_at = n + 1;
	code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xffffffff);
	code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	for (unsigned i = 0; i < accept_at; i++) /* each failed comparison drops */
		if (BPF_CLASS(code[i].code) == BPF_JMP)
			code[i].jf = (uint8_t)(drop_at - i - 1);
	if (!known)
		code[0] = code[drop_at], n = 1; /* nothing known: every SYN dropped */
	struct sock_fprog prog = { (unsigned short)n, code };
	struct log_ids ids;
	if (setsockopt(l->lfd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0)
		log_warn("leg", leg_ids(l, &ids), "cannot filter SYNs: %s", g_strerror(errno));
	else
		l->syn_filter = true;
}
