/* SPDX-License-Identifier: GPL-3.0-or-later */
/* cfg: the option-table engine behind both binaries' configuration (see cfg.h). */
#include "config.h"
#include "cfg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static void *slot(const struct cfg_option *o, const void *cfg)
{
	return (char *)cfg + o->offset;
}

static const struct cfg_option *find_key(const struct cfg_option *opts, const char *key)
{
	for (const struct cfg_option *o = opts; o->key; o++)
		if (!strcmp(o->key, key))
			return o;
	return NULL;
}

/* True when some key lies below `prefix.` (so an object is expected there). */
static bool is_section(const struct cfg_option *opts, const char *prefix)
{
	size_t n = strlen(prefix);
	for (const struct cfg_option *o = opts; o->key; o++)
		if (!strncmp(o->key, prefix, n) && o->key[n] == '.')
			return true;
	return false;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = g_new(size_t, lb + 1);
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = MIN(row[j] + 1, row[j - 1] + 1);
			row[j] = MIN(best, diag + (a[i - 1] != b[j - 1]));
			diag = up;
		}
	}
	size_t d = row[lb];
	g_free(row);
	return d;
}

static char *unknown_key(const struct cfg_option *opts, const char *source, const char *key)
{
	const char *best = NULL;
	size_t best_d = 3; /* suggest only close matches */
	for (const struct cfg_option *o = opts; o->key; o++) {
		size_t d = edit_distance(key, o->key);
		if (d < best_d)
			best_d = d, best = o->key;
	}
	if (best)
		return g_strdup_printf(
		    "%s: %s: expected a known key, found an unknown one (did you mean %s?)", source, key,
		    best);
	return g_strdup_printf("%s: %s: expected a known key, found an unknown one", source, key);
}

static char *expectation(const struct cfg_option *o)
{
	switch (o->type) {
	case CFG_STRING:
		return g_strdup("a string");
	case CFG_INT:
		return g_strdup_printf("an integer from %ld to %ld", o->min, o->max);
	case CFG_BOOL:
		return g_strdup("true or false");
	case CFG_ENUM: {
		char *list = g_strjoinv(", ", (char **)o->choices);
		char *s = g_strdup_printf("one of %s", list);
		g_free(list);
		return s;
	}
	case CFG_ADDR:
		return g_strdup("an IPv4 or IPv6 address");
	case CFG_PORT_RANGE:
		return g_strdup("a port range \"LOW-HIGH\" with 1 <= LOW <= HIGH <= 65535");
	case CFG_STRLIST:
		return g_strdup("an array of strings");
	}
	return g_strdup("a value");
}

static char *fail(const struct cfg_option *o, const char *source, const char *name, const char *found)
{
	char *want = expectation(o);
	char *msg = g_strdup_printf("%s: %s: expected %s, found %s", source, name, want, found);
	g_free(want);
	return msg;
}

/* Parses text as the option's type and stores it (freeing the old value); false when it does not parse. */
static bool parse_text(const struct cfg_option *o, void *cfg, const char *text)
{
	void *p = slot(o, cfg);
	switch (o->type) {
	case CFG_STRING:
		g_free(*(char **)p);
		*(char **)p = g_strdup(text);
		return true;
	case CFG_INT: {
		char *end;
		errno = 0;
		long v = strtol(text, &end, 10);
		if (!*text || *end || errno == ERANGE || v < o->min || v > o->max)
			return false;
		*(long *)p = v;
		return true;
	}
	case CFG_BOOL:
		if (!strcmp(text, "true") || !strcmp(text, "on") || !strcmp(text, "yes"))
			*(bool *)p = true;
		else if (!strcmp(text, "false") || !strcmp(text, "off") || !strcmp(text, "no"))
			*(bool *)p = false;
		else
			return false;
		return true;
	case CFG_ENUM:
		for (int i = 0; o->choices[i]; i++)
			if (!strcmp(o->choices[i], text)) {
				*(int *)p = i;
				return true;
			}
		return false;
	case CFG_ADDR: {
		unsigned char buf[sizeof(struct in6_addr)];
		if (inet_pton(AF_INET, text, buf) != 1 && inet_pton(AF_INET6, text, buf) != 1)
			return false;
		g_free(*(char **)p);
		*(char **)p = g_strdup(text);
		return true;
	}
	case CFG_PORT_RANGE: {
		unsigned lo, hi;
		char tail;
		if (sscanf(text, "%u-%u%c", &lo, &hi, &tail) != 2 || lo < 1 || lo > hi || hi > 65535)
			return false;
		*(struct cfg_port_range *)p = (struct cfg_port_range){ (uint16_t)lo, (uint16_t)hi };
		return true;
	}
	case CFG_STRLIST:
		g_strfreev(*(char ***)p);
		*(char ***)p = *text ? g_strsplit(text, ",", -1) : g_new0(char *, 1);
		return true;
	}
	return false;
}

/* How a refused command-line value is shown: numbers bare (out of range), anything else quoted. */
static char *found_text(const struct cfg_option *o, const char *text)
{
	char *end;
	if (o->type == CFG_INT && *text && (strtol(text, &end, 10), !*end))
		return g_strdup(text);
	return g_strdup_printf("\"%s\"", text);
}

static char *describe_json(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return g_strdup("null");
	case json_type_boolean:
		return g_strdup(json_object_get_boolean(v) ? "true" : "false");
	case json_type_int:
		return g_strdup_printf("%" G_GINT64_FORMAT, (gint64)json_object_get_int64(v));
	case json_type_double:
		return g_strdup_printf("%g", json_object_get_double(v));
	case json_type_string:
		return g_strdup_printf("the string \"%s\"", json_object_get_string(v));
	case json_type_object:
		return g_strdup("an object");
	case json_type_array:
		return g_strdup("an array");
	}
	return g_strdup("a value");
}

static bool wrong_type(const struct cfg_option *o, const char *source, const char *key, json_object *v,
		       char **err)
{
	char *found = describe_json(v);
	*err = fail(o, source, key, found);
	g_free(found);
	return false;
}

static bool store_json(const struct cfg_option *o, void *cfg, const char *source, const char *key,
		       json_object *v, char **err)
{
	enum json_type t = json_object_get_type(v);
	switch (o->type) {
	case CFG_INT: {
		if (t != json_type_int)
			return wrong_type(o, source, key, v, err);
		int64_t value = json_object_get_int64(v);
		if (value < o->min || value > o->max)
			return wrong_type(o, source, key, v, err);
		*(long *)slot(o, cfg) = (long)value;
		return true;
	}
	case CFG_BOOL:
		if (t != json_type_boolean)
			return wrong_type(o, source, key, v, err);
		*(bool *)slot(o, cfg) = json_object_get_boolean(v);
		return true;
	case CFG_STRLIST: {
		if (t != json_type_array)
			return wrong_type(o, source, key, v, err);
		size_t n = json_object_array_length(v);
		for (size_t i = 0; i < n; i++) {
			json_object *e = json_object_array_get_idx(v, i);
			if (json_object_get_type(e) != json_type_string) {
				char *at = g_strdup_printf("%s[%zu]", key, i);
				char *found = describe_json(e);
				*err =
				    g_strdup_printf("%s: %s: expected a string, found %s", source, at, found);
				g_free(at), g_free(found);
				return false;
			}
		}
		char **list = g_new0(char *, n + 1);
		for (size_t i = 0; i < n; i++)
			list[i] = g_strdup(json_object_get_string(json_object_array_get_idx(v, i)));
		g_strfreev(*(char ***)slot(o, cfg));
		*(char ***)slot(o, cfg) = list;
		return true;
	}
	default: /* string-valued types share the text parser */
		if (t != json_type_string || !parse_text(o, cfg, json_object_get_string(v)))
			return wrong_type(o, source, key, v, err);
		return true;
	}
}

static bool walk(const struct cfg_option *opts, void *cfg, const char *source, const char *prefix,
		 json_object *obj, char **err)
{
	json_object_object_foreach (obj, name, value) {
		char *key = *prefix ? g_strdup_printf("%s.%s", prefix, name) : g_strdup(name);
		const struct cfg_option *o = find_key(opts, key);
		bool ok;
		if (o)
			ok = store_json(o, cfg, source, key, value, err);
		else if (!is_section(opts, key))
			*err = unknown_key(opts, source, key), ok = false;
		else if (json_object_get_type(value) != json_type_object) {
			char *found = describe_json(value);
			*err = g_strdup_printf("%s: %s: expected an object, found %s", source, key, found);
			g_free(found);
			ok = false;
		} else
			ok = walk(opts, cfg, source, key, value, err);
		g_free(key);
		if (!ok)
			return false;
	}
	return true;
}

static void line_col(const char *buf, size_t offset, int *line, int *col)
{
	*line = 1, *col = 1;
	for (size_t i = 0; i < offset; i++) {
		if (buf[i] == '\n')
			(*line)++, *col = 1;
		else
			(*col)++;
	}
}

bool cfg_load_buffer(const struct cfg_option *opts, void *cfg, const char *source, const char *buf,
		     size_t len, char **err)
{
	if (len > INT32_MAX) {
		*err =
		    g_strdup_printf("%s: expected a JSON document, found %zu bytes (too large)", source, len);
		return false;
	}
	json_tokener *tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT); /* no trailing commas, nothing after the object */
	json_object *root = json_tokener_parse_ex(tok, buf, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t offset = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);

	int line, col;
	if (!root || jerr != json_tokener_success) {
		const char *why =
		    jerr == json_tokener_continue ? "unexpected end of data" : json_tokener_error_desc(jerr);
		line_col(buf, offset, &line, &col);
		*err = g_strdup_printf("%s:%d:%d: malformed JSON: %s", source, line, col, why);
		json_object_put(root);
		return false;
	}
	bool ok;
	if (json_object_get_type(root) != json_type_object) {
		char *found = describe_json(root);
		*err =
		    g_strdup_printf("%s: expected a JSON object at the top level, found %s", source, found);
		g_free(found);
		ok = false;
	} else
		ok = walk(opts, cfg, source, "", root, err);
	json_object_put(root);
	return ok;
}

bool cfg_load_file(const struct cfg_option *opts, void *cfg, const char *path, char **err)
{
	char *text;
	gsize len;
	GError *gerr = NULL;
	if (!g_file_get_contents(path, &text, &len, &gerr)) {
		/* GLib's message repeats the path; keep ours to "path: cannot read: reason" */
		int code = gerr->domain == G_FILE_ERROR ? gerr->code : -1;
		const char *why = code == G_FILE_ERROR_NOENT   ? "No such file or directory"
				  : code == G_FILE_ERROR_ACCES ? "Permission denied"
				  : code == G_FILE_ERROR_ISDIR ? "Is a directory"
							       : gerr->message;
		*err = g_strdup_printf("%s: cannot read: %s", path, why);
		g_error_free(gerr);
		return false;
	}
	bool ok = cfg_load_buffer(opts, cfg, path, text, len, err);
	g_free(text);
	return ok;
}

bool cfg_set_text(const struct cfg_option *opts, void *cfg, const char *key, const char *flag,
		  const char *value, char **err)
{
	const struct cfg_option *o = find_key(opts, key);
	if (!o) {
		*err = unknown_key(opts, "command line", key);
		return false;
	}
	if (parse_text(o, cfg, value))
		return true;
	char *found = found_text(o, value);
	*err = fail(o, "command line", flag, found);
	g_free(found);
	return false;
}

void cfg_defaults(const struct cfg_option *opts, void *cfg)
{
	for (const struct cfg_option *o = opts; o->key; o++) {
		if (!parse_text(o, cfg, o->def))
			g_error("option table: the default \"%s\" of %s does not parse", o->def, o->key);
	}
}

void cfg_free(const struct cfg_option *opts, void *cfg)
{
	for (const struct cfg_option *o = opts; o->key; o++) {
		void *p = slot(o, cfg);
		if (o->type == CFG_STRING || o->type == CFG_ADDR)
			g_clear_pointer((char **)p, g_free);
		else if (o->type == CFG_STRLIST)
			g_clear_pointer((char ***)p, g_strfreev);
	}
}

/* Finds or creates the object for the sections of a dotted key; returns the leaf name. */
static json_object *section_for(json_object *root, const char *key, const char **leaf)
{
	json_object *cur = root;
	const char *start = key, *dot;
	while ((dot = strchr(start, '.'))) {
		char *part = g_strndup(start, (gsize)(dot - start));
		json_object *next;
		if (!json_object_object_get_ex(cur, part, &next)) {
			next = json_object_new_object();
			json_object_object_add(cur, part, next);
		}
		g_free(part);
		cur = next;
		start = dot + 1;
	}
	*leaf = start;
	return cur;
}

static json_object *value_json(const struct cfg_option *o, const void *cfg)
{
	const void *p = slot(o, cfg);
	switch (o->type) {
	case CFG_STRING:
	case CFG_ADDR:
		return json_object_new_string(*(char *const *)p ? *(char *const *)p : "");
	case CFG_INT:
		return json_object_new_int64(*(const long *)p);
	case CFG_BOOL:
		return json_object_new_boolean(*(const bool *)p);
	case CFG_ENUM:
		return json_object_new_string(o->choices[*(const int *)p]);
	case CFG_PORT_RANGE: {
		const struct cfg_port_range *r = p;
		char text[16];
		snprintf(text, sizeof text, "%u-%u", r->low, r->high);
		return json_object_new_string(text);
	}
	case CFG_STRLIST: {
		json_object *a = json_object_new_array();
		for (char *const *s = *(char **const *)p; s && *s; s++)
			json_object_array_add(a, json_object_new_string(*s));
		return a;
	}
	}
	return json_object_new_null();
}

char *cfg_to_json(const struct cfg_option *opts, const void *cfg)
{
	json_object *root = json_object_new_object();
	for (const struct cfg_option *o = opts; o->key; o++) {
		const char *leaf;
		json_object *sec = section_for(root, o->key, &leaf);
		json_object_object_add(sec, leaf, value_json(o, cfg));
	}
	char *text = g_strdup(json_object_to_json_string_ext(
	    root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return text;
}

static char *flag_of(const char *key)
{
	char *flag = g_strdup_printf("--%s", key);
	for (char *c = flag + 2; *c; c++)
		if (*c == '.' || *c == '_')
			*c = '-';
	return flag;
}

static const struct cfg_option *find_flag(const struct cfg_option *opts, const char *flag, size_t len)
{
	for (const struct cfg_option *o = opts; o->key; o++) {
		char *f = flag_of(o->key);
		bool hit = strlen(f) == len && !strncmp(f, flag, len);
		g_free(f);
		if (hit)
			return o;
	}
	return NULL;
}

static const struct cfg_option *find_short(const struct cfg_option *opts, char c)
{
	for (const struct cfg_option *o = opts; o->key; o++)
		if (o->short_flag && o->short_flag == c)
			return o;
	return NULL;
}

static const char *const type_metavar[] = {
	[CFG_STRING] = "TEXT",     [CFG_INT] = "N",     [CFG_BOOL] = "",
	[CFG_ENUM] = "WORD",       [CFG_ADDR] = "ADDR", [CFG_PORT_RANGE] = "LOW-HIGH",
	[CFG_STRLIST] = "A,B,...",
};

static void print_help(const struct cfg_program *prog, FILE *out)
{
	fprintf(out, "Usage: %s [OPTION]...\n%s\n\n", prog->name, prog->summary);
	fprintf(out,
		"  -c, --config FILE                read the JSON configuration FILE (flags override it)\n");
	fprintf(out,
		"      --print-config               print the effective configuration as JSON and exit\n");
	fprintf(out, "  -h, --help                       print this help and exit\n");
	fprintf(out, "  -V, --version                    print the version and exit\n\n");
	fprintf(out, "Configuration keys (JSON key = flag; booleans also take --no-FLAG):\n");
	for (const struct cfg_option *o = prog->options; o->key; o++) {
		char *flag = flag_of(o->key);
		char *lhs = o->short_flag
				? g_strdup_printf("-%c, %s %s", o->short_flag, flag, type_metavar[o->type])
				: g_strdup_printf("    %s %s", flag, type_metavar[o->type]);
		fprintf(out, "  %-31s  %s: %s [default: \"%s\"]\n", lhs, o->key, o->help, o->def);
		g_free(lhs), g_free(flag);
	}
	fprintf(out, "\nSee %s(8) and doc/configuration.md.\n", prog->name);
}

/* Applies one flag at argv[*i]; advances *i past its value. */
static bool apply_flag(const struct cfg_program *prog, void *cfg, int argc, char **argv, int *i, char **err)
{
	const char *arg = argv[*i], *value = NULL;
	const struct cfg_option *o = NULL;
	char *flag;
	if (arg[1] != '-') {
		o = arg[2] ? NULL : find_short(prog->options, arg[1]);
		flag = g_strdup(arg);
	} else {
		const char *eq = strchr(arg, '=');
		size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
		o = find_flag(prog->options, arg, len);
		if (!o && !eq && !strncmp(arg, "--no-", 5)) {
			char *positive = g_strdup_printf("--%s", arg + 5);
			const struct cfg_option *b = find_flag(prog->options, positive, strlen(positive));
			g_free(positive);
			if (b && b->type == CFG_BOOL)
				o = b, value = "false";
		}
		if (eq)
			value = eq + 1;
		flag = g_strndup(arg, len);
	}
	if (!o) {
		*err = g_strdup_printf(
		    "command line: %s: expected an option listed by --help, found an unknown one", flag);
		g_free(flag);
		return false;
	}
	if (!value && o->type == CFG_BOOL)
		value = "true";
	if (!value) {
		if (*i + 1 >= argc) {
			char *want = expectation(o);
			*err = g_strdup_printf("command line: %s: expected %s, found nothing", flag, want);
			g_free(want), g_free(flag);
			return false;
		}
		value = argv[++*i];
	}
	bool ok = cfg_set_text(prog->options, cfg, o->key, flag, value, err);
	g_free(flag);
	return ok;
}

enum cfg_outcome cfg_from_args(const struct cfg_program *prog, int argc, char **argv, void *cfg, FILE *out,
			       FILE *errf)
{
	const char *file = NULL;
	bool print = false;
	char *err = NULL;

	/* First pass: informational options and the file, so flags can override the file whatever the order.
	 */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_help(prog, out);
			return CFG_DONE;
		}
		if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			fprintf(out, "%s (%s) %s\n", prog->name, PACKAGE_NAME, PACKAGE_VERSION);
			return CFG_DONE;
		}
		if (!strcmp(a, "--print-config"))
			print = true;
		else if (!strcmp(a, "-c") || !strcmp(a, "--config")) {
			if (i + 1 >= argc) {
				fprintf(errf, "%s: command line: %s: expected a file name, found nothing\n",
					prog->name, a);
				return CFG_FAIL;
			}
			file = argv[++i];
		} else if (!strncmp(a, "--config=", 9))
			file = a + 9;
	}

	cfg_defaults(prog->options, cfg);
	if (file && !cfg_load_file(prog->options, cfg, file, &err))
		goto failed;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--print-config") || !strncmp(a, "--config=", 9))
			continue;
		if (!strcmp(a, "-c") || !strcmp(a, "--config")) {
			i++;
			continue;
		}
		if (a[0] != '-' || !a[1]) {
			err =
			    g_strdup_printf("command line: expected an option, found the argument \"%s\"", a);
			goto failed;
		}
		if (!apply_flag(prog, cfg, argc, argv, &i, &err))
			goto failed;
	}
	if (print) {
		char *json = cfg_to_json(prog->options, cfg);
		fprintf(out, "%s\n", json);
		g_free(json);
		return CFG_DONE;
	}
	return CFG_RUN;

failed:
	fprintf(errf, "%s: %s\n", prog->name, err);
	g_free(err);
	return CFG_FAIL;
}

int cfg_main(const struct cfg_program *prog, int argc, char **argv, void *cfg)
{
	enum cfg_outcome r = cfg_from_args(prog, argc, argv, cfg, stdout, stderr);
	if (r == CFG_RUN)
		return -1;
	cfg_free(prog->options, cfg);
	return r == CFG_DONE ? 0 : 2;
}
