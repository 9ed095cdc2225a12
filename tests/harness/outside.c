/* SPDX-License-Identifier: GPL-3.0-or-later */
/* outside: see outside.h. */
#include "config.h"
#include "outside.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

bool outside_have(const char *const *programs)
{
	for (; *programs; programs++) {
		char *path = g_find_program_in_path(*programs);
		g_free(path);
		if (!path) {
			fprintf(stderr, "\n    (%s is not installed: not run)\n", *programs);
			return false;
		}
	}
	return true;
}

bool outside_start(struct outside *o, const char *const *argv, bool watch_stderr)
{
	*o = (struct outside){ .in = -1, .out = -1, .seen = g_string_new(NULL) };
	/* line by line: openssl writes its -msg lines through stdio, which holds them back in a pipe */
	char *stdbuf = g_find_program_in_path("stdbuf");
	GPtrArray *args = g_ptr_array_new();
	if (stdbuf)
		g_ptr_array_add(args, "stdbuf"), g_ptr_array_add(args, "-oL"), g_ptr_array_add(args, "-eL");
	for (const char *const *a = argv; *a; a++)
		g_ptr_array_add(args, (char *)*a);
	g_ptr_array_add(args, NULL);
	g_free(stdbuf);
	GSpawnFlags flags = G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
			    (watch_stderr ? G_SPAWN_STDOUT_TO_DEV_NULL : G_SPAWN_STDERR_TO_DEV_NULL);
	GError *err = NULL;
	bool ok =
	    g_spawn_async_with_pipes(NULL, (char **)args->pdata, NULL, flags, NULL, NULL, &o->pid, &o->in,
				     watch_stderr ? NULL : &o->out, watch_stderr ? &o->out : NULL, &err);
	g_ptr_array_free(args, TRUE);
	if (!ok) {
		fprintf(stderr, "\n    starting %s: %s\n", argv[0], err ? err->message : "failed");
		g_clear_error(&err);
		o->reaped = true;
		return false;
	}
	fcntl(o->out, F_SETFL, O_NONBLOCK);
	return true;
}

bool outside_wait(struct outside *o, const char *want, unsigned ms)
{
	for (uint64_t end = ms_now() + ms; !(want && strstr(o->seen->str, want));) {
		uint64_t now = ms_now();
		if (o->out < 0 || now >= end)
			break;
		struct pollfd p = { .fd = o->out, .events = POLLIN };
		if (poll(&p, 1, (int)MIN(end - now, 50)) != 1)
			continue;
		char buf[4096];
		ssize_t n = read(o->out, buf, sizeof buf);
		if (n > 0)
			g_string_append_len(o->seen, buf, n);
		else if (n == 0 || errno != EAGAIN)
			close(o->out), o->out = -1;
	}
	return want && strstr(o->seen->str, want);
}

bool outside_msg(struct outside *o, const char *dir, const char *what, unsigned ms)
{
	for (unsigned waited = 0;; waited += 50) {
		for (const char *l = o->seen->str; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
			size_t n = strcspn(l, "\n");
			if (!strncmp(l, dir, 3) && g_strstr_len(l, (gssize)n, what))
				return true;
		}
		if (waited >= ms)
			return false;
		outside_wait(o, NULL, 50);
	}
}

bool outside_exited(struct outside *o, unsigned ms)
{
	for (uint64_t end = ms_now() + ms; !o->reaped; usleep(10000)) {
		pid_t r = waitpid(o->pid, &o->status, WNOHANG);
		if (r == o->pid || r < 0)
			o->reaped = true;
		else if (ms_now() >= end)
			break;
	}
	return o->reaped;
}

void outside_stop(struct outside *o)
{
	if (o->in >= 0)
		close(o->in), o->in = -1;
	if (!outside_exited(o, 0)) {
		kill(o->pid, SIGTERM);
		if (!outside_exited(o, 2000))
			kill(o->pid, SIGKILL), outside_exited(o, 2000);
	}
	if (o->out >= 0)
		close(o->out), o->out = -1;
	if (o->seen)
		g_string_free(o->seen, TRUE), o->seen = NULL;
}

static bool run(const char *const *argv)
{
	int status = -1;
	return g_spawn_sync(NULL, (char **)argv, NULL,
			    G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
			    NULL, NULL, NULL, NULL, &status, NULL) &&
	       status == 0;
}

bool outside_identity(const char *dir, const char *cn, struct tls_identity *id)
{
	char *key = g_build_filename(dir, "key.pem", NULL), *cert = g_build_filename(dir, "cert.pem", NULL);
	char *tmpl = g_build_filename(dir, "cert.tmpl", NULL), *text = NULL, *err = NULL;
	text = g_strdup_printf("cn = \"%s\"\nserial = 7\nexpiration_days = 30\nsigning_key\n"
			       "tls_www_client\ntls_www_server\n",
			       cn);
	g_file_set_contents(tmpl, text, -1, NULL);
	bool ok = run((const char *const[]){ "certtool", "--generate-privkey", "--key-type", "ecdsa",
					     "--outfile", key, NULL }) &&
		  run((const char *const[]){ "certtool", "--generate-self-signed", "--load-privkey", key,
					     "--template", tmpl, "--outfile", cert, NULL }) &&
		  tls_identity_init(id, cert, key, cn, &err);
	if (err)
		fprintf(stderr, "\n    %s\n", err);
	g_free(err), g_free(key), g_free(cert), g_free(tmpl), g_free(text);
	return ok;
}

bool capture_start(struct capture *c, const char *dir, const char *name, uint16_t port)
{
	char filter[32], *pcap = g_strdup_printf("%s/%s.pcap", dir, name);
	snprintf(filter, sizeof filter, "tcp port %u", port);
	c->file = pcap;
	if (!outside_start(
		&c->o, (const char *const[]){ "tshark", "-n", "-i", "lo", "-f", filter, "-w", pcap, NULL },
		true))
		return false;
	if (outside_wait(&c->o, "Capturing on", 10000))
		return true;
	fprintf(stderr, "\n    (tshark cannot capture on lo here: %s)\n", c->o.seen->str);
	outside_stop(&c->o);
	return false;
}

int capture_rsts(struct capture *c, uint16_t src)
{
	usleep(200000); /* the last segments reach the capture */
	kill(c->o.pid, SIGINT);
	outside_exited(&c->o, 5000);
	outside_stop(&c->o);
	char filter[96], *out = NULL;
	snprintf(filter, sizeof filter, "tcp.flags.reset == 1 && tcp.srcport == %u", src);
	int status = -1, n = -1;
	if (g_spawn_sync(NULL,
			 (char *[]){ "tshark", "-n", "-r", c->file, "-Y", filter, "-T", "fields", "-e",
				     "frame.number", NULL },
			 NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
			 &status, NULL) &&
	    status == 0) {
		n = 0;
		for (const char *p = out; *p; p++)
			n += *p == '\n';
	}
	g_free(out), g_free(c->file);
	c->file = NULL;
	return n;
}
