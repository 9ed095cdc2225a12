/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Corpus replayer: runs a fuzz target's entry point once on each file named (or each file of each
 * directory named), so the committed seeds run in `make check` without libFuzzer. */
#include <glib.h>
#include <stdio.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	gchar *data;
	gsize len;
	if (!g_file_get_contents(path, &data, &len, NULL)) {
		fprintf(stderr, "cannot read %s\n", path);
		return 1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	g_free(data);
	return 0;
}

int main(int argc, char **argv)
{
	int failures = 0, runs = 0;
	for (int i = 1; i < argc; i++) {
		GDir *dir = g_dir_open(argv[i], 0, NULL);
		if (!dir) {
			failures += run_file(argv[i]), runs++;
			continue;
		}
		const char *name;
		while ((name = g_dir_read_name(dir))) {
			char *path = g_build_filename(argv[i], name, NULL);
			failures += run_file(path), runs++;
			g_free(path);
		}
		g_dir_close(dir);
	}
	printf("%s: %d inputs replayed\n", argv[0], runs);
	return failures ? 1 : 0;
}
