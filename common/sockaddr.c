/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sockaddr: see sockaddr.h. */
#include "config.h"
#include "sockaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool sa_from_text(union sa *out, const char *addr, uint16_t port)
{
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, addr, &out->in.sin_addr) == 1) {
		out->in.sin_family = AF_INET;
		out->in.sin_port = htons(port);
		return true;
	}
	if (inet_pton(AF_INET6, addr, &out->in6.sin6_addr) == 1) {
		out->in6.sin6_family = AF_INET6;
		out->in6.sin6_port = htons(port);
		return true;
	}
	return false;
}

socklen_t sa_len(const union sa *a)
{
	return a->sa.sa_family == AF_INET6 ? sizeof a->in6 : sizeof a->in;
}

uint16_t sa_port(const union sa *a)
{
	return ntohs(a->sa.sa_family == AF_INET6 ? a->in6.sin6_port : a->in.sin_port);
}

bool sa_equal(const union sa *a, const union sa *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->in.sin_port == b->in.sin_port && a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
	return a->in6.sin6_port == b->in6.sin6_port &&
	       !memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, sizeof a->in6.sin6_addr);
}

bool sa_is_any(const union sa *a)
{
	if (a->sa.sa_family == AF_INET)
		return a->in.sin_addr.s_addr == htonl(INADDR_ANY);
	return a->sa.sa_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&a->in6.sin6_addr);
}

char *sa_text(const union sa *a, char buf[SA_TEXT_MAX])
{
	char host[INET6_ADDRSTRLEN] = "?";
	if (a->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &a->in6.sin6_addr, host, sizeof host);
		snprintf(buf, SA_TEXT_MAX, "[%s]:%u", host, sa_port(a));
	} else {
		inet_ntop(AF_INET, &a->in.sin_addr, host, sizeof host);
		snprintf(buf, SA_TEXT_MAX, "%s:%u", host, sa_port(a));
	}
	return buf;
}

int sa_bind(int type, const union sa *a)
{
	int fd = socket(a->sa.sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int one = 1; /* TCP only: on UDP, SO_REUSEADDR would let a second process share the port */
	if (type == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, &a->sa, sa_len(a)) < 0 || (type == SOCK_STREAM && listen(fd, 1024) < 0)) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}
