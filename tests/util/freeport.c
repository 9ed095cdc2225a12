/* SPDX-License-Identifier: GPL-3.0-or-later */
/* freeport [N]: prints N (default 1) distinct loopback ports that are free for both TCP and UDP right
 * now, one per line, so parallel test runs do not clash over fixed port numbers. They come from a band
 * above the kernel's ephemeral range (Linux's default 32768-60999), starting at a random place: a port
 * the kernel picked for us would be free again the moment we closed it, and the next connect() of a
 * test running beside (SIPp, a client socket) could take it before our daemon binds it (seen in CI:
 * "cannot bind H.248 UDP socket: Address already in use"). The band also keeps clear of the fixed
 * ranges the tests and the lab configure (10000-32767). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
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

enum { BAND_LOW = 61000, BAND_HIGH = 64999 };

int main(int argc, char **argv)
{
	int want = argc > 1 ? atoi(argv[1]) : 1, found = 0;
	int held[256];
	if (want < 1 || want > 128)
		return 2;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	srand((unsigned)getpid() ^ (unsigned)ts.tv_nsec);
	unsigned span = BAND_HIGH - BAND_LOW + 1, start = (unsigned)rand() % span;
	for (unsigned i = 0; found < want && i < span; i++) {
		unsigned short port = (unsigned short)(BAND_LOW + (start + i) % span);
		int t = bound(SOCK_STREAM, port);
		if (t < 0)
			continue;
		int u = bound(SOCK_DGRAM, port);
		if (u < 0) {
			close(t);
			continue;
		}
		held[2 * found] = t, held[2 * found + 1] = u;
		printf("%u\n", port);
		found++;
	}
	for (int i = 0; i < 2 * found; i++)
		close(held[i]);
	return found == want ? 0 : 1;
}
