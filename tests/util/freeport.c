/* SPDX-License-Identifier: GPL-3.0-or-later */
/* freeport [N]: prints N (default 1) distinct loopback ports that are free for both TCP and UDP right
 * now, one per line, so parallel test runs do not clash over fixed port numbers. They come from a band
 * above the kernel's ephemeral range (Linux's default 32768-60999), starting at a random place: a port
 * the kernel picked for us would be free again the moment we closed it, and the next connect() of a
 * test running beside (SIPp, a client socket) could take it before our daemon binds it (seen in CI:
 * "cannot bind H.248 UDP socket: Address already in use"). The band also keeps clear of the fixed
 * ranges the tests and the lab configure (10000-32767). Two tests calling it at the same moment could
 * still be handed the same free port, and the slower to bind loses it (seen in CI: megaco's escript,
 * a second to start, "could_not_open_udp_port,eaddrinuse"): so each port handed out is also reserved
 * for RESERVE_S seconds, as an empty file named after it in a directory of the user's under TMPDIR,
 * and no other call hands it out meanwhile. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
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

enum { BAND_LOW = 61000, BAND_HIGH = 64999, RESERVE_S = 120 };

/* Reserves port for RESERVE_S seconds in dir: false when another call reserved it more recently. A
 * directory that cannot be used reserves nothing (every port is taken as before). */
static int reserve(const char *dir, unsigned short port)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%u", dir, port);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd >= 0)
		return close(fd), 1;
	struct stat st;
	if (errno != EEXIST || stat(path, &st) < 0)
		return 1;
	if (time(NULL) - st.st_mtime < RESERVE_S)
		return 0;
	utimensat(AT_FDCWD, path, NULL, 0); /* an old reservation: ours now */
	return 1;
}

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
	char dir[4096];
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/mediasec-freeport-%u", tmp && *tmp ? tmp : "/tmp", (unsigned)getuid());
	mkdir(dir, 0700);
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
		if (!reserve(dir, port)) {
			close(t), close(u);
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
