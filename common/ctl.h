/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctl: a daemon's control socket (ctl.socket), served from its event loop, where ims-ctl asks.
 *
 * A Unix stream socket, created mode 0660: who may write to it (its owner, its group) may control the
 * daemon; that is the access control. One request per connection: the client sends one line of printable
 * ASCII, "COMMAND [ARG…]" (words separated by blanks, at most CTL_MAX_REQUEST bytes, within CTL_REQUEST_MS),
 * the daemon answers one JSON document and a newline, then closes. An answer is an object: the command's,
 * or {"error": "…"} when it was refused (unknown command, wrong arguments, what the command said). At
 * most CTL_MAX_CLIENTS connections at once; one beyond gets {"error": "busy …"} and is closed. A stale
 * socket file (nobody listens there) is replaced; a live one is not.
 *
 * Each daemon gives its commands as a table (name, arguments, handler, help); "help" is built in and
 * lists them. Handlers run on the loop, between two events: what they read is consistent. */
#ifndef MEDIASEC_CTL_H
#define MEDIASEC_CTL_H

#include <json-c/json.h>

#include "evloop.h"

enum {
	CTL_MAX_REQUEST = 1024, /* bytes of a request line */
	CTL_REQUEST_MS = 2000,  /* to send it */
	CTL_ANSWER_MS = 5000,   /* to read the answer */
	CTL_MAX_CLIENTS = 8,    /* connections at once */
};

struct ctl;
struct ctl_req;

/* A command: args[0 .. n) its arguments. Returns the answer (ctl takes it), or NULL with *err set
 * (g_malloc'd, for a person: "no context 7"): the command is refused. */
typedef json_object *ctl_run(void *arg, struct ctl_req *req, char **args, unsigned n, char **err);

struct ctl_cmd {
	const char *name;  /* "contexts", "log-level" */
	unsigned min, max; /* how many arguments it takes */
	const char *args;  /* their names for help ("ID", "[LEVEL]"), "" for none */
	ctl_run *run;
	const char *help; /* one line */
};

/* Listens on path for cmds (terminated by a row with name NULL), handlers called with arg. NULL with
 * *err when the socket cannot be made (another daemon listens there, the directory is missing, …). */
struct ctl *ctl_new(struct ev_loop *loop, const char *path, const struct ctl_cmd *cmds, void *arg,
		    char **err);
/* Closes every connection and the socket, and removes its file. NULL is ignored. */
void ctl_free(struct ctl *c);

/* fn runs once req's answer is written (or its client went): what must follow the answer ("stop"). */
void ctl_then(struct ctl_req *req, void (*fn)(void *arg), void *arg);

/* The "log-level [LEVEL]" command both daemons have: shows the level, or sets it (log_set_level) and
 * logs the change at notice. The answer: {"level": "debug"}. */
json_object *ctl_log_level(char **args, unsigned n, char **err);

#endif
