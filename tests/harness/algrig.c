/* SPDX-License-Identifier: GPL-3.0-or-later */
/* algrig: see algrig.h. */
#include "algrig.h"

#include <glib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rig.h"
#include "seed.h"
#include "sippeer.h"

static void add_all(GPtrArray *argv, const char *const *more)
{
	for (; more && *more; more++)
		g_ptr_array_add(argv, g_strdup(*more));
}

static pid_t spawn(GPtrArray *argv)
{
	g_ptr_array_add(argv, NULL);
	pid_t pid = rig_spawn((char **)argv->pdata);
	g_ptr_array_free(argv, TRUE);
	return pid;
}

static bool registered(const struct algrig *r)
{
	char *text = NULL;
	bool yes = g_file_get_contents(r->trace, &text, NULL, NULL) && strstr(text, "\"h248.tx\"") &&
		   strstr(text, "ServiceChange = ROOT");
	g_free(text);
	return yes;
}

bool algrig_start(struct algrig *r, const struct algrig_opts *o)
{
	*r = (struct algrig){ .access = bed_free_ports(1), .core = bed_free_ports(1), .h248 = bed_free_ports(1) };
	static unsigned serial;
	r->trace = g_strdup_printf("%s/algrig-%d-%u.jsonl", g_get_tmp_dir(), (int)getpid(), ++serial);
	unlink(r->trace);
	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(argv, rig_binary("alg", "ims-alg"));
	g_ptr_array_add(argv, g_strdup_printf("--sip-access-port=%u", r->access));
	g_ptr_array_add(argv, g_strdup_printf("--sip-core-port=%u", r->core));
	g_ptr_array_add(argv, g_strdup_printf("--sip-core-next-hop=sip:127.0.0.1:%u%s", o->next_hop,
					      o->tcp ? ";transport=tcp" : ""));
	g_ptr_array_add(argv, g_strdup_printf("--h248-port=%u", r->h248));
	g_ptr_array_add(argv, g_strdup_printf("--trace-file=%s", r->trace));
	g_ptr_array_add(argv, g_strdup_printf("--log-level=%s", rig_log_level()));
	add_all(argv, o->alg);
	r->alg = spawn(argv);
	if (r->alg <= 0 || !o->access_ports)
		return r->alg > 0;
	usleep(200000); /* bound before the gateway's first ServiceChange (which it would repeat anyway) */
	argv = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(argv, rig_binary("agw", "ims-agw"));
	r->agw_h248 = bed_free_ports(1);
	g_ptr_array_add(argv, g_strdup_printf("--h248-port=%u", r->agw_h248));
	g_ptr_array_add(argv, g_strdup_printf("--mgc-port=%u", r->h248));
	g_ptr_array_add(argv, g_strdup_printf("--realm-access-ports=%s", o->access_ports));
	g_ptr_array_add(argv, g_strdup_printf("--realm-core-ports=%s", o->core_ports));
	g_ptr_array_add(argv, g_strdup_printf("--log-level=%s", rig_log_level()));
	add_all(argv, o->agw);
	r->agw = spawn(argv);
	for (int i = 0; i < 50 && r->agw > 0 && !registered(r); i++)
		usleep(100000);
	if (r->agw > 0 && registered(r))
		return true;
	fprintf(stderr, "algrig: the gateway did not register with the ALG\n");
	algrig_stop(r);
	return false;
}

bool algrig_stop(struct algrig *r)
{
	int a = r->agw > 0 ? bed_reap(r->agw) : 0, b = r->alg > 0 ? bed_reap(r->alg) : 0;
	if (r->trace && !getenv("RIG_KEEP"))
		unlink(r->trace);
	g_free(r->trace);
	*r = (struct algrig){ 0 };
	return a == 0 && b == 0;
}

long algrig_mark(const struct algrig *r)
{
	struct stat st;
	return stat(r->trace, &st) == 0 ? (long)st.st_size : 0;
}

/* A record of kind with a transaction in it: sent, only requests (not the replies to Notifies);
 * received, requests and replies. The periodic audit and the registration are left out. */
static bool wanted(json_object *o, const char *kind, const char **raw)
{
	json_object *k, *v;
	if (!o || !json_object_object_get_ex(o, "kind", &k) || strcmp(json_object_get_string(k), kind) ||
	    !json_object_object_get_ex(o, "raw", &v))
		return false;
	*raw = json_object_get_string(v);
	bool rx = !strcmp(kind, "h248.rx");
	return (strstr(*raw, "\nTransaction = ") || (rx && strstr(*raw, "\nReply = "))) &&
	       !strstr(*raw, "AuditValue = ROOT") && !strstr(*raw, "ServiceChange = ROOT") &&
	       !strstr(*raw, "Modify = ROOT"); /* the registration's it/ito (mgc_watch.c), late under ASan */
}

char *algrig_h248(const struct algrig *r, long from, bool rx)
{
	GString *all = g_string_new(NULL);
	FILE *f = fopen(r->trace, "r");
	char line[16384];
	GRegex *tid = g_regex_new("^(Transaction|Reply) = [0-9]+", G_REGEX_MULTILINE, 0, NULL);
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (f && fseek(f, from, SEEK_SET) == 0)
		while (fgets(line, sizeof line, f)) {
			json_object *o = json_tokener_parse(line);
			const char *raw;
			if (wanted(o, rx ? "h248.rx" : "h248.tx", &raw) &&
			    g_hash_table_add(seen, g_strdup(raw))) { /* a repetition of the same: not again */
				char *t = g_regex_replace(tid, raw, -1, 0, "\\1 = N", 0, NULL);
				g_string_append(all, t);
				g_free(t);
			}
			json_object_put(o);
		}
	if (f)
		fclose(f);
	g_hash_table_destroy(seen);
	g_regex_unref(tid);
	return g_string_free(all, FALSE);
}

char *algrig_h248_once_shown(const struct algrig *r, long from, const char *needle, unsigned ms)
{
	char *tx = algrig_h248(r, from, false);
	for (unsigned waited = 0; waited < ms && !strstr(tx, needle); waited += 100) {
		usleep(100000);
		g_free(tx);
		tx = algrig_h248(r, from, false);
	}
	return tx;
}

char *algrig_msrp_h248(const struct algrig *r, const char *name, const char *ue_fingerprint,
		       const char *const *pairs)
{
	char mgc[8];
	snprintf(mgc, sizeof mgc, "%u", r->h248);
	GPtrArray *all = g_ptr_array_new();
	const char *const common[] = { "mgc_port", mgc,   "media",        "message",        "plain",
				       "TCP/MSRP", "tls", "TCP/TLS/MSRP", "ue_fingerprint", ue_fingerprint };
	for (size_t i = 0; i < G_N_ELEMENTS(common); i++)
		g_ptr_array_add(all, (gpointer)common[i]);
	for (const char *const *p = pairs; *p; p++)
		g_ptr_array_add(all, (gpointer)*p);
	g_ptr_array_add(all, NULL);
	char *text = seed_h248(name, (const char *const *)all->pdata);
	g_ptr_array_free(all, TRUE);
	return text;
}

char *algrig_subtract_text(const struct algrig *r, const char *ctx, const char *term)
{
	return g_strdup_printf(
	    "MEGACO/3 [127.0.0.1]:%u\nTransaction = N {\n  Context = %s {\n    Subtract = %s\n  }\n}\n",
	    r->h248, ctx, term);
}

void algrig_send_register(struct sippeer *p, uint16_t port, const char *user, const char *security_client)
{
	char *extra = g_strdup_printf("Expires: 600\r\n%s%s%s", security_client ? "Security-Client: " : "",
				      security_client ? security_client : "", security_client ? "\r\n" : "");
	char *head = sippeer_request(p, "REGISTER", user, user, "reg", 1, extra, false);
	sippeer_send(p, port, head, NULL);
	g_free(head), g_free(extra);
}

bool algrig_register(const struct algrig *r, struct sippeer *p, const char *user, bool mediasec)
{
	algrig_send_register(p, r->access, user, mediasec ? "msrp-tls;mediasec, bfcp-tls;mediasec" : NULL);
	char *ok = sippeer_recv(p, 3000);
	bool yes = ok && g_str_has_prefix(ok, "SIP/2.0 200 ");
	g_free(ok);
	return yes;
}

char *algrig_sdp(const char *user, const struct payload *m, unsigned port, bool tls, const char *setup,
		 const char *fingerprint, const char *e2ae)
{
	GString *s = g_string_new(NULL);
	g_string_append_printf(
	    s, "v=0\r\no=%s 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n", user);
	g_string_append_printf(s, "m=%s %u %s %s\r\n%s", m->media, port, tls ? m->tls : m->plain, m->fmt,
			       m->attrs);
	if (m->path) /* the same URI whatever the port: these tests do not speak MSRP to it */
		g_string_append(s, "a=path:msrp://127.0.0.1:2855/s;tcp\r\n");
	if (setup)
		g_string_append_printf(s, "a=setup:%s\r\n", setup);
	if (fingerprint)
		g_string_append_printf(s, "a=fingerprint:%s\r\n", fingerprint);
	if (e2ae)
		g_string_append_printf(s, "a=3ge2ae:%s\r\n", e2ae);
	return g_string_free(s, FALSE);
}

char *algrig_sdp_via_gw(const char *user, const struct payload *m, unsigned port, bool tls, const char *setup,
			const char *fingerprint, const char *e2ae)
{
	char *s = algrig_sdp(user, m, port, tls, setup, fingerprint, e2ae);
	char *ml = strstr(s, "\r\nm=") + 2, *eol = strstr(ml, "\r\n") + 2;
	char *out = g_strdup_printf("%.*sc=IN IP4 127.0.0.1\r\n%s", (int)(eol - s), s, eol);
	g_free(s);
	return out;
}
