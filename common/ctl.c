/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctl: the control socket (see ctl.h) — the listener, one connection's request and answer, "help" and
 * "log-level". */
#include "config.h"
#include "ctl.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"

struct ctl {
	struct ev_loop *loop;
	char *path;
	int fd;
	struct ev_io *io;
	dev_t dev; /* the socket file we made: removed at the end only if it is still ours */
	ino_t ino;
	const struct ctl_cmd *cmds;
	void *arg;
	GList *reqs; /* struct ctl_req *, the connections open */
	unsigned nreqs;
};

struct ctl_req {
	struct ctl *c;
	GList *link;
	int fd;
	struct ev_io *io;
	struct ev_timer *timer;
	char who[48]; /* "pid 123 uid 0", for the log */
	char in[CTL_MAX_REQUEST + 1];
	size_t in_len;
	char *out; /* the answer; out[out_off .. out_len) not written yet */
	size_t out_len, out_off;
	void (*then)(void *arg);
	void *then_arg;
};

/* ---- one connection ---- */

static void req_end(struct ctl_req *r)
{
	struct ctl *c = r->c;
	ev_io_del(c->loop, r->io);
	ev_timer_cancel(c->loop, r->timer);
	close(r->fd);
	c->reqs = g_list_delete_link(c->reqs, r->link);
	c->nreqs--;
	void (*then)(void *) = r->then;
	void *then_arg = r->then_arg;
	g_free(r->out);
	g_free(r);
	if (then)
		then(then_arg);
}

static void on_timeout(struct ev_loop *loop, void *arg)
{
	struct ctl_req *r = arg;
	r->timer = NULL;
	log_info("ctl", NULL, "control connection (%s): %s within %u ms, closed", r->who,
		 r->out ? "the answer was not read" : "no whole request line",
		 r->out ? CTL_ANSWER_MS : CTL_REQUEST_MS);
	req_end(r);
}

static void on_io(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg);

/* Writes what the socket takes now; the connection ends once all is written or the client went. */
static void flush(struct ctl_req *r)
{
	while (r->out_off < r->out_len) {
		ssize_t n = send(r->fd, r->out + r->out_off, r->out_len - r->out_off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			ev_io_mod(r->c->loop, r->io, EPOLLOUT);
			return;
		}
		if (n < 0) {
			log_info("ctl", NULL, "control connection (%s): the answer could not be written: %s",
				 r->who, g_strerror(errno));
			break;
		}
		r->out_off += (size_t)n;
	}
	req_end(r);
}

/* The answer goes out: ans (taken), or {"error": err} when ans is NULL. */
static void answer(struct ctl_req *r, json_object *ans, const char *err)
{
	if (!ans) {
		ans = json_object_new_object();
		json_object_object_add(ans, "error", json_object_new_string(err));
	}
	const char *text =
	    json_object_to_json_string_ext(ans, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	r->out = g_strdup_printf("%s\n", text);
	r->out_len = strlen(r->out);
	json_object_put(ans);
	ev_timer_cancel(r->c->loop, r->timer);
	r->timer = ev_timer_add(r->c->loop, CTL_ANSWER_MS, on_timeout, r);
	flush(r);
}

static json_object *help(const struct ctl_cmd *cmds)
{
	json_object *list = json_object_new_array();
	for (const struct ctl_cmd *k = cmds; k->name; k++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "command", json_object_new_string(k->name));
		json_object_object_add(o, "arguments", json_object_new_string(k->args));
		json_object_object_add(o, "help", json_object_new_string(k->help));
		json_object_array_add(list, o);
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "commands", list);
	return o;
}

/* Whether line is printable ASCII (blanks included): nothing else is echoed into a log or an answer. */
static bool printable(const char *line)
{
	for (const unsigned char *p = (const unsigned char *)line; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p > 0x7e)
			return false;
	return true;
}

/* The request line, without its newline: run and answered. */
static void handle(struct ctl_req *r, char *line)
{
	size_t len = strlen(line);
	if (len && line[len - 1] == '\r')
		line[--len] = 0;
	if (!printable(line)) {
		log_info("ctl", NULL, "control request (%s) that is not printable ASCII: refused", r->who);
		answer(r, NULL,
		       "a request is one line of printable ASCII: COMMAND [ARGUMENT...] (help lists them)");
		return;
	}
	char **words = g_strsplit_set(line, " \t", -1), **args = words;
	unsigned n = 0;
	for (char **w = words; *w; w++) /* drop the empty words that runs of blanks leave */
		if (**w)
			words[n++] = *w;
		else
			g_free(*w);
	words[n] = NULL;
	log_debug("ctl", NULL, "control request (%s): %s", r->who, line);
	const struct ctl_cmd *k = r->c->cmds;
	while (n && k->name && strcmp(k->name, words[0]))
		k++;
	char *err = NULL;
	json_object *ans = NULL;
	if (!n)
		err = g_strdup("an empty request: send COMMAND [ARGUMENT...] (help lists them)");
	else if (!strcmp(words[0], "help") && n == 1)
		ans = help(r->c->cmds);
	else if (!k->name)
		err = g_strdup_printf("unknown command \"%s\" (help lists them)", words[0]);
	else if (n - 1 < k->min || n - 1 > k->max)
		err = g_strdup_printf("%s takes %s%s", k->name, *k->args ? "" : "no arguments",
				      *k->args ? k->args : "");
	else if (!(ans = k->run(r->c->arg, r, args + 1, n - 1, &err)) && !err)
		err = g_strdup_printf("%s failed", k->name);
	if (err)
		log_info("ctl", NULL, "control request (%s) \"%s\" refused: %s", r->who, line, err);
	answer(r, ans, err);
	g_free(err);
	g_strfreev(words);
}

static void on_read(struct ctl_req *r)
{
	ssize_t n = recv(r->fd, r->in + r->in_len, sizeof r->in - 1 - r->in_len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0 && !r->in_len) { /* the client went without a word */
		req_end(r);
		return;
	}
	if (n > 0)
		r->in_len += (size_t)n;
	r->in[r->in_len] = 0;
	char *nl = memchr(r->in, '\n', r->in_len);
	if (nl || n <= 0) { /* a line, or the client's end of sending closes one */
		if (nl)
			*nl = 0;
		if (memchr(r->in, 0, nl ? (size_t)(nl - r->in) : r->in_len)) {
			log_info("ctl", NULL, "control request (%s) with a NUL byte: refused", r->who);
			answer(r, NULL,
			       "a request is one line of printable ASCII: COMMAND [ARGUMENT...] (help lists "
			       "them)");
		} else {
			handle(r, r->in);
		}
	} else if (r->in_len >= CTL_MAX_REQUEST) {
		log_info("ctl", NULL, "control request (%s) longer than %u bytes: refused", r->who,
			 (unsigned)CTL_MAX_REQUEST);
		char err[64];
		snprintf(err, sizeof err, "a request is at most %u bytes, newline included",
			 (unsigned)CTL_MAX_REQUEST);
		answer(r, NULL, err);
	}
}

static void on_io(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg)
{
	struct ctl_req *r = arg;
	if (r->out)
		flush(r);
	else
		on_read(r);
}

/* ---- the listener ---- */

static void on_accept(struct ev_loop *loop, struct ev_io *io, uint32_t events, void *arg)
{
	struct ctl *c = arg;
	for (;;) {
		int fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("ctl", NULL, "accepting a control connection on %s: %s", c->path,
					 g_strerror(errno));
			return;
		}
		struct ucred cred = { 0 };
		socklen_t len = sizeof cred;
		getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len);
		if (c->nreqs >= CTL_MAX_CLIENTS) {
			static const char busy[] =
			    "{\"error\":\"busy: at most 8 control connections at once\"}\n";
			G_STATIC_ASSERT(CTL_MAX_CLIENTS == 8);
			log_info("ctl", NULL,
				 "control connection (pid %d uid %u) beyond the %u open at once: refused",
				 (int)cred.pid, (unsigned)cred.uid, (unsigned)CTL_MAX_CLIENTS);
			send(fd, busy, sizeof busy - 1,
			     MSG_NOSIGNAL); /* a fresh socket's buffer takes it all */
			close(fd);
			continue;
		}
		struct ctl_req *r = g_new0(struct ctl_req, 1);
		r->c = c, r->fd = fd;
		snprintf(r->who, sizeof r->who, "pid %d uid %u", (int)cred.pid, (unsigned)cred.uid);
		if (!(r->io = ev_io_add(loop, fd, EPOLLIN, on_io, r))) {
			log_warn("ctl", NULL, "control connection (%s): cannot watch it: %s", r->who,
				 g_strerror(errno));
			close(fd);
			g_free(r);
			continue;
		}
		r->timer = ev_timer_add(loop, CTL_REQUEST_MS, on_timeout, r);
		c->reqs = g_list_prepend(c->reqs, r);
		r->link = c->reqs;
		c->nreqs++;
	}
}

/* A socket file left at path by a daemon that is gone is removed; false with *err when something
 * else is there, or a daemon listens on it. */
static bool clear_stale(const char *path, const struct sockaddr_un *sun, char **err)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return true; /* nothing there (or a missing directory, which bind reports) */
	if (!S_ISSOCK(st.st_mode)) {
		*err = g_strdup_printf("ctl.socket %s exists and is not a socket: not replaced", path);
		return false;
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live = fd >= 0 && connect(fd, (const struct sockaddr *)sun, sizeof *sun) == 0;
	if (fd >= 0)
		close(fd);
	if (live) {
		*err = g_strdup_printf(
		    "ctl.socket %s: another process listens on it (a daemon running already?)", path);
		return false;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		*err = g_strdup_printf("ctl.socket %s: cannot remove the stale socket: %s", path,
				       g_strerror(errno));
		return false;
	}
	log_info("ctl", NULL, "ctl.socket %s: a stale socket file (nobody listened) replaced", path);
	return true;
}

struct ctl *ctl_new(struct ev_loop *loop, const char *path, const struct ctl_cmd *cmds, void *arg, char **err)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sun.sun_path) {
		*err =
		    g_strdup_printf("ctl.socket %s: longer than the %zu bytes a Unix socket's path may have",
				    path, sizeof sun.sun_path - 1);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (!clear_stale(path, &sun, err))
		return NULL;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*err =
		    g_strdup_printf("ctl.socket %s: cannot make a Unix socket: %s", path, g_strerror(errno));
		return NULL;
	}
	mode_t old = umask(0117); /* the file is made 0660: the owner and the group may connect */
	int rc = bind(fd, (const struct sockaddr *)&sun, sizeof sun);
	int bind_errno = errno;
	umask(old);
	struct stat st;
	if (rc < 0 || listen(fd, CTL_MAX_CLIENTS * 2) < 0 || stat(path, &st) < 0) {
		*err = g_strdup_printf("ctl.socket %s: cannot listen: %s", path,
				       g_strerror(rc < 0 ? bind_errno : errno));
		close(fd);
		if (rc == 0)
			unlink(path);
		return NULL;
	}
	struct ctl *c = g_new0(struct ctl, 1);
	*c = (struct ctl){ .loop = loop,
			   .path = g_strdup(path),
			   .fd = fd,
			   .dev = st.st_dev,
			   .ino = st.st_ino,
			   .cmds = cmds,
			   .arg = arg };
	if (!(c->io = ev_io_add(loop, fd, EPOLLIN, on_accept, c))) {
		*err = g_strdup_printf("ctl.socket %s: cannot watch it: %s", path, g_strerror(errno));
		ctl_free(c);
		return NULL;
	}
	log_info("ctl", NULL, "control socket on %s (mode 0660)", path);
	return c;
}

void ctl_free(struct ctl *c)
{
	if (!c)
		return;
	while (c->reqs) {
		struct ctl_req *r = c->reqs->data;
		r->then = NULL; /* the daemon is stopping already */
		req_end(r);
	}
	ev_io_del(c->loop, c->io);
	close(c->fd);
	struct stat st;
	if (lstat(c->path, &st) == 0 && st.st_dev == c->dev && st.st_ino == c->ino)
		unlink(c->path);
	g_free(c->path);
	g_free(c);
}

void ctl_then(struct ctl_req *req, void (*fn)(void *arg), void *arg)
{
	req->then = fn;
	req->then_arg = arg;
}

json_object *ctl_log_level(char **args, unsigned n, char **err)
{
	if (n) {
		int level = -1;
		for (int i = 0; log_level_names[i]; i++)
			if (!strcmp(log_level_names[i], args[0]))
				level = i;
		if (level < 0) {
			*err = g_strdup_printf(
			    "log-level: expected one of error, warning, notice, info, debug, found \"%s\"",
			    args[0]);
			return NULL;
		}
		enum log_level was = log_get_level();
		log_set_level((enum log_level)level);
		log_notice("ctl", NULL, "log level %s, was %s (control socket)", log_level_names[level],
			   log_level_names[was]);
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "level", json_object_new_string(log_level_names[log_get_level()]));
	return o;
}
