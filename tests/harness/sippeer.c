/* SPDX-License-Identifier: GPL-3.0-or-later */
/* sippeer: see sippeer.h. */
#include "sippeer.h"

#include <errno.h>
#include <glib.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rig.h"
#include "sockaddr.h"

bool sippeer_open(struct sippeer *p, bool tcp)
{
	*p = (struct sippeer){ .tcp = tcp, .conn = -1 };
	if (tcp) {
		p->fd = tcp_listen(&p->port);
		return p->fd >= 0;
	}
	p->fd = socket(AF_INET, SOCK_DGRAM, 0);
	union sa a;
	sa_from_text(&a, "127.0.0.1", 0);
	socklen_t len = sizeof a;
	if (p->fd < 0 || bind(p->fd, &a.sa, sa_len(&a)) < 0 || getsockname(p->fd, &a.sa, &len) < 0)
		return false;
	p->port = sa_port(&a);
	return true;
}

void sippeer_close(struct sippeer *p)
{
	if (p->conn >= 0)
		close(p->conn);
	if (p->fd >= 0)
		close(p->fd);
	g_free(p->pending);
	*p = (struct sippeer){ .fd = -1, .conn = -1 };
}

void sippeer_send(struct sippeer *p, uint16_t to, const char *head, const char *body)
{
	char *text = g_strdup_printf("%sContent-Length: %zu\r\n\r\n%s", head, body ? strlen(body) : 0,
				     body ? body : "");
	if (p->tcp) {
		if (p->conn < 0) {
			bool connected;
			p->conn = tcp_connect_from(0, to, 1000, &connected);
			if (p->conn >= 0 && !connected && !tcp_wait_connected(p->conn, 1000))
				close(p->conn), p->conn = -1;
		}
		if (p->conn >= 0 && send(p->conn, text, strlen(text), MSG_NOSIGNAL) < 0)
			fprintf(stderr, "sippeer: send: %s\n", g_strerror(errno));
	} else {
		union sa a;
		sa_from_text(&a, "127.0.0.1", to);
		sendto(p->fd, text, strlen(text), 0, &a.sa, sa_len(&a));
	}
	g_free(text);
}

/* The length of the first whole message in buf (head and Content-Length body), 0 when incomplete. */
static size_t framed(const char *buf, size_t n)
{
	const char *end = g_strstr_len(buf, (gssize)n, "\r\n\r\n");
	if (!end)
		return 0;
	size_t head = (size_t)(end - buf) + 4, body = 0;
	char *h = g_ascii_strdown(buf, (gssize)head);
	const char *cl = strstr(h, "\r\ncontent-length:");
	const char *l = cl ? cl + 17 : strstr(h, "\r\nl:") ? strstr(h, "\r\nl:") + 4 : NULL;
	if (l)
		body = strtoul(l, NULL, 10);
	g_free(h);
	return n >= head + body ? head + body : 0;
}

/* TCP: the next whole message from the stream, accepting the ALG's connection when it makes one. */
static char *tcp_message(struct sippeer *p, unsigned ms)
{
	GString *buf = g_string_new(p->pending);
	g_free(p->pending), p->pending = NULL;
	gint64 until = g_get_monotonic_time() + (gint64)ms * 1000;
	size_t n;
	while (!(n = framed(buf->str, buf->len))) {
		int left = (int)((until - g_get_monotonic_time()) / 1000);
		struct pollfd w[2] = { { .fd = p->fd, .events = POLLIN },
				       { .fd = p->conn, .events = POLLIN } };
		if (left <= 0 || poll(w, p->conn >= 0 ? 2 : 1, left) <= 0)
			break;
		if (w[0].revents & POLLIN) { /* a (new) connection: the one the ALG uses from now on */
			int c = accept(p->fd, NULL, NULL);
			if (c >= 0 && p->conn >= 0)
				close(p->conn);
			p->conn = c;
			continue;
		}
		char chunk[8192];
		ssize_t got = recv(p->conn, chunk, sizeof chunk, 0);
		if (got <= 0) {
			close(p->conn), p->conn = -1;
			continue;
		}
		g_string_append_len(buf, chunk, got);
	}
	char *msg = n ? g_strndup(buf->str, n) : NULL;
	if (buf->len > n)
		p->pending = g_strndup(buf->str + n, buf->len - n);
	g_string_free(buf, TRUE);
	return msg;
}

char *sippeer_recv(struct sippeer *p, unsigned ms)
{
	for (;;) {
		char *msg;
		if (p->tcp) {
			msg = tcp_message(p, ms);
		} else {
			struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
			setsockopt(p->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
			char buf[16384];
			ssize_t n = recv(p->fd, buf, sizeof buf - 1, 0);
			msg = n > 0 ? g_strndup(buf, (size_t)n) : NULL;
		}
		if (!msg || !g_str_has_prefix(msg, "SIP/2.0 100 "))
			return msg;
		g_free(msg);
	}
}

void sippeer_answer(struct sippeer *p, const char *req, const char *user, const char *status, const char *sdp)
{
	sippeer_answer_with(p, req, user, status, NULL, sdp);
}

void sippeer_answer_with(struct sippeer *p, const char *req, const char *user, const char *status,
			 const char *extra, const char *sdp)
{
	char *via = sip_headers(req, "Via"), *rr = sip_headers(req, "Record-Route"),
	     *from = sip_header(req, "From"), *to = sip_header(req, "To"), *cid = sip_header(req, "Call-ID"),
	     *cseq = sip_header(req, "CSeq");
	char *head = g_strdup_printf("SIP/2.0 %s\r\n%s%sFrom: %s\r\nTo: %s%s%s\r\nCall-ID: %s\r\nCSeq: %s\r\n"
				     "Contact: <sip:%s@127.0.0.1:%u%s>\r\n%s%s",
				     status, via, rr, from, to,
				     strstr(to, "tag=") ? "" : ";tag=", strstr(to, "tag=") ? "" : user, cid,
				     cseq, user, p->port, p->tcp ? ";transport=tcp" : "", extra ? extra : "",
				     sdp ? "Content-Type: application/sdp\r\n" : "");
	sippeer_send(p, sip_via_port(req), head, sdp);
	g_free(head), g_free(via), g_free(rr), g_free(from), g_free(to), g_free(cid), g_free(cseq);
}

void sippeer_ack(struct sippeer *p, uint16_t to, const char *ruri, const char *response)
{
	char *via = sip_headers(response, "Via"), *from = sip_header(response, "From"),
	     *tag = sip_header(response, "To"), *cid = sip_header(response, "Call-ID"),
	     *cseq = sip_header(response, "CSeq");
	char *head =
	    g_strdup_printf("ACK %s SIP/2.0\r\n%sMax-Forwards: 70\r\nFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\n"
			    "CSeq: %d ACK\r\n",
			    ruri, via, from, tag, cid, atoi(cseq));
	sippeer_send(p, to, head, NULL);
	g_free(head), g_free(via), g_free(from), g_free(tag), g_free(cid), g_free(cseq);
}

const char *sip_body(const char *msg)
{
	const char *b = msg ? strstr(msg, "\r\n\r\n") : NULL;
	return b ? b + 4 : "";
}

char *sip_header(const char *msg, const char *name)
{
	char *key = g_strdup_printf("\r\n%s: ", name);
	const char *h = msg ? strstr(msg, key) : NULL;
	char *v = h ? g_strndup(h + strlen(key), strcspn(h + strlen(key), "\r")) : g_strdup("");
	g_free(key);
	return v;
}

char *sip_headers(const char *msg, const char *name)
{
	GString *s = g_string_new(NULL);
	char *key = g_strdup_printf("\r\n%s: ", name);
	for (const char *h = msg; h && (h = strstr(h, key)); h += strlen(key))
		g_string_append_printf(s, "%s: %.*s\r\n", name, (int)strcspn(h + strlen(key), "\r"),
				       h + strlen(key));
	g_free(key);
	return g_string_free(s, FALSE);
}

uint16_t sip_via_port(const char *msg)
{
	char *via = sip_header(msg, "Via");
	const char *colon = strchr(via + strcspn(via, " "), ':'); /* "SIP/2.0/UDP 127.0.0.1:5060;…" */
	uint16_t port = colon ? (uint16_t)atoi(colon + 1) : 0;
	g_free(via);
	return port;
}

unsigned sdp_port(const char *sdp, const char *media)
{
	char *key = g_strdup_printf("m=%s ", media);
	const char *m = strstr(sdp, key);
	unsigned port = m ? (unsigned)atoi(m + strlen(key)) : 0;
	g_free(key);
	return port;
}

char *sdp_fingerprint(const char *sdp)
{
	const char *f = strstr(sdp, "a=fingerprint:");
	return f ? g_strndup(f + 14, strcspn(f + 14, "\r\n")) : g_strdup("");
}

char *sippeer_request(const struct sippeer *p, const char *method, const char *from, const char *to,
		      const char *call, unsigned cseq, const char *extra, bool sdp)
{
	const char *tp = p->tcp ? "TCP" : "UDP";
	return g_strdup_printf(
	    "%s sip:%s@example.net SIP/2.0\r\nVia: SIP/2.0/%s 127.0.0.1:%u;branch=z9hG4bK%s-%u;rport\r\n"
	    "Max-Forwards: 70\r\nFrom: <sip:%s@example.net>;tag=%s1\r\nTo: <sip:%s@example.net>\r\n"
	    "Call-ID: %s\r\nCSeq: %u %s\r\nContact: <sip:%s@127.0.0.1:%u%s>\r\n%s%s",
	    method, to, tp, p->port, call, cseq, from, from, to, call, cseq, method, from, p->port,
	    p->tcp ? ";transport=tcp" : "", extra ? extra : "",
	    sdp ? "Content-Type: application/sdp\r\n" : "");
}

void sippeer_invite(struct sippeer *p, uint16_t port, const char *from, const char *to, const char *call,
		    const char *sdp)
{
	char *head = sippeer_request(p, "INVITE", from, to, call, 1, NULL, true);
	sippeer_send(p, port, head, sdp);
	g_free(head);
}

/* The URI inside "<…>" of a Contact or Route value. */
static char *uri_of(const char *value)
{
	const char *lt = strchr(value, '<');
	return lt ? g_strndup(lt + 1, strcspn(lt + 1, ">")) : g_strdup(value);
}

/* Route lines from a message's Record-Route values, in order or reversed. */
static char *route_set(const char *msg, bool reverse)
{
	char *rr = sip_headers(msg, "Record-Route");
	char **lines = g_strsplit(rr, "\r\n", -1);
	GString *s = g_string_new(NULL);
	guint n = g_strv_length(lines);
	for (guint i = 0; i < n; i++) {
		const char *l = lines[reverse ? n - 1 - i : i];
		if (*l)
			g_string_append_printf(s, "Route: %s\r\n", l + strlen("Record-Route: "));
	}
	g_strfreev(lines), g_free(rr);
	return g_string_free(s, FALSE);
}

void sipdlg_caller(struct sipdlg *d, struct sippeer *me, const char *ok, unsigned cseq)
{
	char *contact = sip_header(ok, "Contact");
	*d = (struct sipdlg){ .me = me,
			      .call_id = sip_header(ok, "Call-ID"),
			      .local = sip_header(ok, "From"),
			      .remote = sip_header(ok, "To"),
			      .target = uri_of(contact),
			      .route = route_set(ok, true),
			      .cseq = cseq };
	g_free(contact);
}

void sipdlg_callee(struct sipdlg *d, struct sippeer *me, const char *invite, const char *user)
{
	char *contact = sip_header(invite, "Contact"), *to = sip_header(invite, "To");
	*d = (struct sipdlg){ .me = me,
			      .call_id = sip_header(invite, "Call-ID"),
			      .local = g_strdup_printf("%s;tag=%s", to, user),
			      .remote = sip_header(invite, "From"),
			      .target = uri_of(contact),
			      .route = route_set(invite, false),
			      .cseq = 100 };
	g_free(contact), g_free(to);
}

/* The port of the first hop: the first Route's URI, else the target's. */
static uint16_t first_hop(const struct sipdlg *d)
{
	char *uri = *d->route ? uri_of(d->route) : g_strdup(d->target);
	const char *host = strchr(uri, '@') ? strchr(uri, '@') + 1 : uri + 4; /* after "sip:" */
	const char *colon = strchr(host, ':');
	uint16_t port = colon ? (uint16_t)atoi(colon + 1) : 5060;
	g_free(uri);
	return port;
}

void sipdlg_send(struct sipdlg *d, const char *method, const char *sdp)
{
	sipdlg_send_with(d, method, NULL, sdp);
}

void sipdlg_send_with(struct sipdlg *d, const char *method, const char *extra, const char *sdp)
{
	bool ack = !strcmp(method, "ACK");
	if (!ack)
		d->cseq++;
	static unsigned branch;
	char *head =
	    g_strdup_printf("%s %s SIP/2.0\r\nVia: SIP/2.0/%s 127.0.0.1:%u;branch=z9hG4bKdlg%u;rport\r\n"
			    "%sMax-Forwards: 70\r\nFrom: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %u %s\r\n%s%s",
			    method, d->target, d->me->tcp ? "TCP" : "UDP", d->me->port, ++branch, d->route,
			    d->local, d->remote, d->call_id, d->cseq, method, extra ? extra : "",
			    sdp ? "Content-Type: application/sdp\r\n" : "");
	sippeer_send(d->me, first_hop(d), head, sdp);
	g_free(head);
}

bool sipdlg_answered(struct sippeer *caller, struct sippeer *callee, const char *inv, const char *user,
		     const char *sdp, struct sipdlg *dc, struct sipdlg *de, char **ok)
{
	sippeer_answer(callee, inv, user, "200 OK", sdp);
	*ok = sippeer_final(caller, 5000);
	if (!*ok || !g_str_has_prefix(*ok, "SIP/2.0 200 OK\r\n"))
		return false;
	sipdlg_caller(dc, caller, *ok, 1);
	sipdlg_callee(de, callee, inv, user);
	sipdlg_send(dc, "ACK", NULL);
	g_free(sippeer_next_of(callee, "ACK ", 3000));
	return true;
}

void sipdlg_clear(struct sipdlg *d)
{
	g_free(d->call_id), g_free(d->local), g_free(d->remote), g_free(d->target), g_free(d->route);
	*d = (struct sipdlg){ 0 };
}

char *sippeer_final(struct sippeer *p, unsigned ms)
{
	char *m;
	while ((m = sippeer_recv(p, ms)) && g_str_has_prefix(m, "SIP/2.0 1"))
		g_free(m);
	return m;
}

char *sippeer_next_of(struct sippeer *p, const char *prefix, unsigned ms)
{
	for (uint64_t end = rig_now_ms() + ms; rig_now_ms() < end;) {
		char *m = sippeer_recv(p, (unsigned)(end - rig_now_ms()) + 1);
		if (!m || g_str_has_prefix(m, prefix))
			return m;
		g_free(m);
	}
	return NULL;
}

void sippeer_collect(struct sippeer *p, unsigned n, const char *const want[], char *got[], unsigned ms)
{
	unsigned found = 0;
	memset(got, 0, n * sizeof *got);
	gint64 end = g_get_monotonic_time() + ms * 1000LL;
	while (found < n && g_get_monotonic_time() < end) {
		char *m = sippeer_recv(p, (unsigned)((end - g_get_monotonic_time()) / 1000 + 1));
		unsigned i = 0;
		while (m && i < n && (got[i] || !g_str_has_prefix(m, want[i])))
			i++;
		if (m && i < n)
			got[i] = m, found++;
		else
			g_free(m);
	}
}
