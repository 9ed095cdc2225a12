/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: ims-alg's configuration as the daemon reads it (alg/alg_cfg.c's table through the cfg
 * module): a JSON file given with -c, then command-line flags, then the secrets (mrfc.psk, or the file
 * mrfc.psk_file names). The input is the file's text, a line "--", one argument a line (at most 16),
 * and optionally another "--" line followed by the PSK file's text. fuzz_cfg covers ims-agw's table. */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alg_cfg.h"
#include "fuzz.h"
#include "log.h"

enum { MAX_ARGS = 16 };

static char *dir; /* the scratch directory, removed at exit with the two files in it */

static void remove_scratch(void)
{
	const char *names[] = { "alg.json", "psk" };
	for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
		char *path = g_build_filename(dir, names[i], NULL);
		g_unlink(path);
		g_free(path);
	}
	g_rmdir(dir);
}

static char *scratch(const char *name)
{
	if (!dir) {
		const char *base = g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir();
		dir = g_build_filename(base, "fuzz_alg_cfg.XXXXXX", NULL);
		if (!g_mkdtemp(dir)) {
			perror("fuzz_alg_cfg: a scratch directory");
			abort();
		}
		atexit(remove_scratch);
	}
	return g_build_filename(dir, name, NULL);
}

/* The part of [*p, end) up to the next "\n--\n" (or the end); *p moves past it. */
static GString *part(const char **p, const char *end)
{
	const char *sep = memmem(*p, (size_t)(end - *p), "\n--\n", 4), *stop = sep ? sep : end;
	GString *s = g_string_new_len(*p, stop - *p);
	*p = sep ? sep + 4 : end;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	static char *json_path, *psk_path;
	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		log_set_level(LOG_ERROR); /* the warnings a configuration earns are not what is looked at */
		json_path = scratch("alg.json"), psk_path = scratch("psk");
	}
	if (size > 16384)
		return 0;
	const char *p = (const char *)data, *end = p + size;
	GString *json = part(&p, end), *args = part(&p, end), *psk = part(&p, end);
	if (!g_file_set_contents(json_path, json->str, (gssize)json->len, NULL) ||
	    !g_file_set_contents(psk_path, psk->str, (gssize)psk->len, NULL))
		abort();

	char *argv[MAX_ARGS + 4] = { "ims-alg", "-c", json_path };
	int argc = 3;
	char **lines = g_strsplit(args->str, "\n", MAX_ARGS + 1);
	for (int i = 0; lines[i] && argc < MAX_ARGS + 3; i++) {
		const char *a = lines[i];
		if (!strcmp(a, "-c") || !strcmp(a, "--config") || !strncmp(a, "--config=", 9))
			continue; /* no file the input names is read */
		if (*a || lines[i + 1])
			argv[argc++] = lines[i];
	}
	argv[argc] = NULL;

	struct alg_config cfg = { 0 };
	if (cfg_from_args(&alg_program, argc, argv, &cfg, devnull, devnull) == CFG_RUN) {
		if (*cfg.conference_psk_file) { /* read the input's PSK file, never one the input names */
			g_free(cfg.conference_psk_file);
			cfg.conference_psk_file = g_strdup(psk_path);
		}
		char *err = NULL;
		if (!alg_config_secrets(&cfg, &err))
			g_free(err);
		g_free(cfg_to_json(alg_program.options, &cfg));
	}
	cfg_free(alg_program.options, &cfg);
	g_strfreev(lines);
	g_string_free(json, TRUE), g_string_free(args, TRUE), g_string_free(psk, TRUE);
	return 0;
}
