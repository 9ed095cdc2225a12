/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bed/ports: see bed.h. A claim is an abstract unix socket named after the port: the kernel lets one
 * process at a time hold the name and drops it when the process ends, however it ends. */
#include "config.h"
#include "bed.h"

#include <glib.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sockaddr.h"

enum { BAND_MIN = 64 }; /* a scenario's four daemon ports, two realms of 8, its parties': with room */

static unsigned low = 31000, high = 32767;

static GArray *claims; /* the claims' descriptors */

static bool free_now(uint16_t port)
{
	union sa a;
	sa_from_text(&a, "127.0.0.1", port);
	int t = sa_bind(SOCK_STREAM, &a), u = sa_bind(SOCK_DGRAM, &a);
	if (t >= 0)
		close(t);
	if (u >= 0)
		close(u);
	return t >= 0 && u >= 0;
}

/* -1 when another process (or this one) holds the port's name already */
static int claim(uint16_t port)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	int len = snprintf(un.sun_path + 1, sizeof un.sun_path - 1, "mediasec-lab-port-%u", port);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&un,
			    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)len)) < 0)
		close(fd), fd = -1;
	return fd;
}

/* n ports from base, claimed and free, or none of them claimed */
static bool take(unsigned base, unsigned n)
{
	guint had = claims->len;
	unsigned k = 0;
	for (int fd; k < n && (fd = claim((uint16_t)(base + k))) >= 0; k++) {
		g_array_append_val(claims, fd);
		if (!free_now((uint16_t)(base + k)))
			break;
	}
	if (k == n)
		return true;
	for (guint i = had; i < claims->len; i++)
		close(g_array_index(claims, int, i));
	g_array_set_size(claims, had);
	return false;
}

bool bed_ports_band(const char *text, char **why)
{
	guint64 lo = 0, hi = 0;
	gchar **ends = g_strsplit(text, "-", 3);
	bool ok = g_strv_length(ends) == 2 &&
		  g_ascii_string_to_unsigned(ends[0], 10, 1024, 65535, &lo, NULL) &&
		  g_ascii_string_to_unsigned(ends[1], 10, 1024, 65535, &hi, NULL) && hi >= lo + BAND_MIN - 1;
	g_strfreev(ends);
	if (!ok) {
		*why = g_strdup_printf(
		    "expected LOW-HIGH, at least %d ports from 1024 to 65535, found \"%s\"", BAND_MIN, text);
		return false;
	}
	low = (unsigned)lo, high = (unsigned)hi;
	return true;
}

uint16_t bed_free_ports(unsigned n)
{
	static unsigned next;
	if (!claims)
		claims = g_array_new(FALSE, FALSE, sizeof(int));
	if (!next || next < low || next > high)
		next = low + (unsigned)g_random_int_range(0, (int)(high - low) / 2);
	for (unsigned tries = 0; n && tries < high - low; tries++) {
		unsigned base = next;
		next = base + n > high - n ? low : base + n;
		if (take(base, n))
			return (uint16_t)base;
	}
	return 0;
}

void bed_ports_release(void)
{
	if (!claims)
		return;
	for (guint i = 0; i < claims->len; i++)
		close(g_array_index(claims, int, i));
	g_array_set_size(claims, 0);
}
