/* SPDX-License-Identifier: GPL-3.0-or-later */
/* apppeer: see apppeer.h. */
#include "config.h"
#include "apppeer.h"

#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "bfcp.h"

void apppeer_init(struct apppeer *p, int fd, gnutls_session_t s)
{
	*p = (struct apppeer){ .fd = fd, .s = s, .in = g_byte_array_new() };
}

void apppeer_clear(struct apppeer *p)
{
	g_clear_pointer(&p->in, g_byte_array_unref);
}

bool apppeer_send(struct apppeer *p, const void *data, size_t n)
{
	for (size_t sent = 0; sent < n;) {
		ssize_t r = p->s ? gnutls_record_send(p->s, (const char *)data + sent, n - sent)
				 : send(p->fd, (const char *)data + sent, n - sent, MSG_NOSIGNAL);
		if (p->s && (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED))
			continue;
		if (r < 0)
			return false;
		sent += (size_t)r;
	}
	return true;
}

/* One read within ms, appended to p->in; false on timeout, error or end. */
static bool receive(struct apppeer *p, unsigned ms)
{
	char buf[4096];
	ssize_t n;
	if (p->s) {
		gnutls_record_set_timeout(p->s, ms);
		do
			n = gnutls_record_recv(p->s, buf, sizeof buf);
		while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
	} else {
		struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
		n = poll(&pfd, 1, (int)ms) == 1 ? recv(p->fd, buf, sizeof buf, 0) : -1;
	}
	if (n > 0)
		g_byte_array_append(p->in, (const guint8 *)buf, (guint)n);
	return n > 0;
}

char *apppeer_msrp(struct apppeer *p, unsigned ms, struct msrp_frame *f)
{
	for (;;) {
		const char *why;
		enum msrp_status st = msrp_frame((const char *)p->in->data, p->in->len, f, &why);
		if (st == MSRP_COMPLETE) {
			char *text = g_strndup((const char *)p->in->data, f->size);
			g_byte_array_remove_range(p->in, 0, (guint)f->size);
			return text;
		}
		if (st != MSRP_PARTIAL || !receive(p, ms))
			return NULL;
	}
}

char *apppeer_bfcp(struct apppeer *p, unsigned ms)
{
	for (;;) {
		struct bfcp_msg m;
		enum bfcp_error_code e;
		const char *why;
		enum bfcp_status st = bfcp_frame(p->in->data, p->in->len, &m, &e, &why);
		if (st == BFCP_COMPLETE) {
			char *d = bfcp_describe(&m);
			g_byte_array_remove_range(p->in, 0, (guint)m.size);
			return d;
		}
		if (st != BFCP_PARTIAL || !receive(p, ms))
			return NULL;
	}
}
