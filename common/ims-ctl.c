/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ims-ctl: asks ims-agw or ims-alg on its control socket (ctl.h) and shows the answer — for people as
 * "key: value" lines and aligned tables, for scripts (--json) as the daemon's JSON, as it came.
 * Exit status: 0 answered, 1 the daemon refused the command (its message on standard error), 2 a usage
 * error or no answer (no socket, not allowed, a broken answer). See ims-ctl(8). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Where the systemd units have the daemons put their sockets (contrib/systemd, RuntimeDirectory=). */
static const char agw_socket[] = "/run/ims-agw/ctl.sock", alg_socket[] = "/run/ims-alg/ctl.sock";

enum { ANSWER_MS = 10000, MAX_ANSWER = 64 << 20 };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ims-ctl [-s SOCKET | --agw | --alg] [--json] COMMAND [ARGUMENT...]\n"
		"  -s, --socket SOCKET  the daemon's control socket (its ctl.socket)\n"
		"      --agw            ims-agw's: %s\n"
		"      --alg            ims-alg's: %s (the default)\n"
		"  -j, --json           the daemon's JSON answer as it is\n"
		"  -h, --help           this text; `ims-ctl help` lists the daemon's commands\n",
		agw_socket, alg_socket);
}

/* ---- asking ---- */

/* The answer to request from the socket at path; NULL with *err set (exit 2). */
static char *ask(const char *path, const char *request, char **err)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sun.sun_path) {
		*err = g_strdup_printf("%s: too long for a Unix socket's path", path);
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
		*err = g_strdup_printf("cannot connect to %s: %s%s", path, g_strerror(errno),
				       errno == ENOENT || errno == ECONNREFUSED
					   ? " (is the daemon running, with ctl.socket set?)"
				       : errno == EACCES ? " (its owner and group may connect)"
							 : "");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	size_t len = strlen(request);
	for (size_t off = 0; off < len;) {
		ssize_t n = send(fd, request + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*err = g_strdup_printf("cannot send to %s: %s", path, g_strerror(errno));
			close(fd);
			return NULL;
		}
		off += (size_t)n;
	}
	GString *in = g_string_new(NULL);
	char buf[65536];
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ready = poll(&p, 1, ANSWER_MS);
		if (ready < 0 && errno == EINTR)
			continue;
		ssize_t n = ready > 0 ? recv(fd, buf, sizeof buf, 0) : -1;
		if (n == 0)
			break;
		if (n < 0 || in->len + (size_t)n > MAX_ANSWER) {
			*err = ready == 0
				   ? g_strdup_printf("%s: no answer within %d s", path, ANSWER_MS / 1000)
				   : g_strdup_printf("%s: %s", path,
						     n < 0 ? g_strerror(errno) : "answer too long");
			g_string_free(in, TRUE);
			close(fd);
			return NULL;
		}
		g_string_append_len(in, buf, n);
	}
	close(fd);
	return g_string_free(in, FALSE);
}

/* ---- showing ---- */

/* An object, or a non-empty array of objects (a table): shown under its key, not on a line. */
static bool nested(json_object *v)
{
	if (json_object_is_type(v, json_type_object))
		return true;
	if (!json_object_is_type(v, json_type_array) || !json_object_array_length(v))
		return false;
	for (size_t i = 0; i < json_object_array_length(v); i++)
		if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_object))
			return false;
	return true;
}

/* A scalar, or a list of scalars joined by ", ", as text (g_free it); "-" for null, "none" for an empty
 * list. */
static char *text_of(json_object *v)
{
	if (!v)
		return g_strdup("-");
	if (json_object_is_type(v, json_type_array) && !json_object_array_length(v))
		return g_strdup("none");
	if (json_object_is_type(v, json_type_string))
		return g_strdup(json_object_get_string(v));
	if (json_object_is_type(v, json_type_array)) {
		GString *s = g_string_new(NULL);
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			char *t = text_of(json_object_array_get_idx(v, i));
			g_string_append_printf(s, "%s%s", i ? ", " : "", t);
			g_free(t);
		}
		return g_string_free(s, FALSE);
	}
	return g_strdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
}

static void show_object(json_object *o, int indent);

static void show_nested(const char *key, json_object *v, int indent);

/* One line of a table: each cell padded to its column's width but the last. */
static void show_row(char **cells, const size_t *width, unsigned n, int indent)
{
	if (!n)
		return;
	printf("%*s", indent, "");
	for (unsigned c = 0; c + 1 < n; c++)
		printf("%-*s  ", (int)width[c], cells[c]);
	printf("%s\n", cells[n - 1]);
}

/* A header "ID  REALM  TRANSPORT …" from the members shown on a line (first seen first), then a row
 * each; a row's own objects and tables follow it, indented. */
static void show_table(json_object *rows, int indent)
{
	size_t n = json_object_array_length(rows);
	GPtrArray *cols = g_ptr_array_new();
	for (size_t i = 0; i < n; i++) {
		json_object_object_foreach (json_object_array_get_idx(rows, i), key, v) {
			bool known = false;
			for (guint c = 0; c < cols->len; c++)
				known |= !strcmp(cols->pdata[c], key);
			if (!known && !nested(v))
				g_ptr_array_add(cols, key);
		}
	}
	size_t *width = g_new0(size_t, cols->len + 1);
	char ***cell = g_new0(char **, n);
	for (guint c = 0; c < cols->len; c++)
		width[c] = strlen(cols->pdata[c]);
	for (size_t i = 0; i < n; i++) {
		cell[i] = g_new0(char *, cols->len + 1);
		for (guint c = 0; c < cols->len; c++) {
			json_object *v = NULL;
			json_object_object_get_ex(json_object_array_get_idx(rows, i), cols->pdata[c], &v);
			cell[i][c] = text_of(v);
			width[c] = MAX(width[c], strlen(cell[i][c]));
		}
	}
	char **head = g_new0(char *, cols->len + 1);
	for (guint c = 0; c < cols->len; c++)
		head[c] = g_strdelimit(g_ascii_strup(cols->pdata[c], -1), "_", ' ');
	show_row(head, width, cols->len, indent);
	g_strfreev(head);
	for (size_t i = 0; i < n; i++) {
		show_row(cell[i], width, cols->len, indent);
		g_strfreev(cell[i]);
		json_object_object_foreach (json_object_array_get_idx(rows, i), key, v)
			if (nested(v))
				show_nested(key, v, indent + 2);
	}
	g_free(cell);
	g_free(width);
	g_ptr_array_free(cols, TRUE);
}

static void show_nested(const char *key, json_object *v, int indent)
{
	printf("%*s%s:\n", indent, "", key);
	if (json_object_is_type(v, json_type_object))
		show_object(v, indent + 2);
	else
		show_table(v, indent + 2);
}

/* "key: value" lines, values aligned; then each object and table under its key. */
static void show_object(json_object *o, int indent)
{
	size_t w = 0;
	json_object_object_foreach (o, k1, v1)
		if (!nested(v1))
			w = MAX(w, strlen(k1));
	json_object_object_foreach (o, k2, v2) {
		if (nested(v2))
			continue;
		char *t = text_of(v2);
		printf("%*s%s:%*s %s\n", indent, "", k2, (int)(w - strlen(k2)), "", t);
		g_free(t);
	}
	json_object_object_foreach (o, k3, v3)
		if (nested(v3))
			show_nested(k3, v3, indent);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' }, { "agw", no_argument, NULL, 'a' },
		{ "alg", no_argument, NULL, 'g' },          { "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },         { 0 }
	};
	const char *path = NULL;
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, "+s:jh", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 0;
		}
		if (c == '?' || ((c == 's' || c == 'a' || c == 'g') && path)) {
			if (c != '?')
				fprintf(stderr, "ims-ctl: give one of -s, --agw and --alg\n");
			usage(stderr);
			return 2;
		}
		path = c == 's' ? optarg : c == 'a' ? agw_socket : c == 'g' ? alg_socket : path;
		json |= c == 'j';
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	GString *req = g_string_new(NULL);
	for (int i = optind; i < argc; i++) {
		if (strpbrk(argv[i], "\r\n")) {
			fprintf(stderr, "ims-ctl: a request is one line: no newline in \"%s\"\n", argv[i]);
			return 2;
		}
		g_string_append_printf(req, "%s%s", i > optind ? " " : "", argv[i]);
	}
	g_string_append_c(req, '\n');
	char *err = NULL, *text = ask(path ? path : alg_socket, req->str, &err);
	g_string_free(req, TRUE);
	if (!text) {
		fprintf(stderr, "ims-ctl: %s\n", err);
		g_free(err);
		return 2;
	}
	enum json_tokener_error jerr;
	json_object *ans = json_tokener_parse_verbose(text, &jerr), *error = NULL;
	if (!ans || !json_object_is_type(ans, json_type_object)) {
		fprintf(stderr, "ims-ctl: the answer is not a JSON object (%s): %.200s\n",
			ans ? "another JSON value" : json_tokener_error_desc(jerr), text);
		json_object_put(ans);
		g_free(text);
		return 2;
	}
	int status = json_object_object_get_ex(ans, "error", &error) ? 1 : 0;
	if (error)
		fprintf(stderr, "ims-ctl: %s\n", json_object_get_string(error));
	if (json)
		fputs(text, stdout);
	else if (!error)
		show_object(ans, 0);
	json_object_put(ans);
	g_free(text);
	return status;
}
