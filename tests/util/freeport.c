/* SPDX-License-Identifier: GPL-3.0-or-later */
/* freeport [N]: prints N (default 1) distinct loopback ports that are free for both TCP and UDP right
 * now, one per line, so parallel test runs do not clash over fixed port numbers. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static int bound(int type, unsigned short port)
{
	int fd = socket(AF_INET, type, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	int want = argc > 1 ? atoi(argv[1]) : 1, found = 0;
	int held[256];
	if (want < 1 || want > 128)
		return 2;
	for (int tries = 0; found < want && tries < 1000; tries++) {
		int t = bound(SOCK_STREAM, 0);
		struct sockaddr_in a;
		socklen_t len = sizeof a;
		if (t < 0 || getsockname(t, (struct sockaddr *)&a, &len) < 0)
			return 1;
		int u = bound(SOCK_DGRAM, ntohs(a.sin_port));
		if (u < 0) {
			close(t);
			continue;
		}
		held[2 * found] = t, held[2 * found + 1] = u;
		printf("%u\n", ntohs(a.sin_port));
		found++;
	}
	for (int i = 0; i < 2 * found; i++)
		close(held[i]);
	return found == want ? 0 : 1;
}
