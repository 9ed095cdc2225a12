/* SPDX-License-Identifier: GPL-3.0-or-later */
/* udpx HOST PORT [WAIT_MS]: sends standard input as one UDP datagram to HOST:PORT and prints the
 * first datagram that comes back within WAIT_MS (default 2000). Exit 0 on a reply, 1 on none. */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: udpx HOST PORT [WAIT_MS] < request\n");
		return 2;
	}
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof buf, stdin);
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons((unsigned short)atoi(argv[2])) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = a6.sin6_port };
	struct sockaddr *to = (struct sockaddr *)&a4;
	socklen_t tolen = sizeof a4;
	if (inet_pton(AF_INET, argv[1], &a4.sin_addr) != 1) {
		if (inet_pton(AF_INET6, argv[1], &a6.sin6_addr) != 1)
			return 2;
		to = (struct sockaddr *)&a6, tolen = sizeof a6;
	}
	int fd = socket(to->sa_family, SOCK_DGRAM, 0);
	if (fd < 0 || sendto(fd, buf, n, 0, to, tolen) != (ssize_t)n) {
		perror("udpx: send");
		return 2;
	}
	struct pollfd p = { .fd = fd, .events = POLLIN };
	if (poll(&p, 1, argc > 3 ? atoi(argv[3]) : 2000) != 1)
		return 1;
	ssize_t r = recv(fd, buf, sizeof buf, 0);
	if (r < 0)
		return 1;
	fwrite(buf, 1, (size_t)r, stdout);
	return 0;
}
