/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the lab's trace reader (lab/evlog.c) and what draws ladders from it (lab/ladder*.c).
 * The input is a JSON-lines trace; its first half is read, then the rest is appended and read again
 * (as ims-lab reads traces while they grow); each event's message is parsed (H.248, SIP and its SDP);
 * the ladder is drawn as text and as HTML into /dev/null. */
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "evlog.h"
#include "fuzz.h"
#include "ladder.h"

static char *path; /* the trace, alone in a scratch directory removed at exit */

static void remove_scratch(void)
{
	char *dir = g_path_get_dirname(path);
	g_unlink(path);
	g_rmdir(dir);
	g_free(dir);
}

static char *trace_path(void)
{
	const char *base = g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir();
	char *dir = g_build_filename(base, "fuzz_trace.XXXXXX", NULL);
	if (!g_mkdtemp(dir)) {
		perror("fuzz_trace: a scratch directory");
		abort();
	}
	char *trace = g_build_filename(dir, "trace.jsonl", NULL);
	g_free(dir);
	atexit(remove_scratch);
	return trace;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	if (!path)
		path = trace_path(), devnull = fopen("/dev/null", "w");
	if (size > 65536)
		return 0;
	size_t half = size / 2;
	if (!g_file_set_contents(path, (const char *)data, (gssize)half, NULL))
		abort();
	struct evlog *l = evlog_new();
	evlog_add_file(l, path);
	evlog_own(l, 5060, 5061, "alg");
	evlog_own(l, 2944, 2945, "agw");
	evlog_own(l, 40000, 40099, "ue-a");
	evlog_read(l);
	FILE *f = fopen(path, "a");
	if (!f || fwrite(data + half, 1, size - half, f) != size - half || fclose(f))
		abort();
	evlog_own(l, 40100, 40199, "ue-b");
	evlog_read(l);

	GPtrArray *events = evlog_events(l);
	for (guint i = 0; i < events->len; i++) {
		struct lab_event *e = events->pdata[i];
		evlog_h248(e), evlog_sip(e), evlog_sdp(e);
	}
	static const struct ladder_column cols[] = {
		{ "ue-a", "UE A" }, { "alg", "ims-alg" }, { "agw", "ims-agw" }, { "ue-b", "UE B" }
	};
	GPtrArray *drawn = ladder_events(events);
	ladder_text(devnull, "fuzz", cols, G_N_ELEMENTS(cols), drawn, TRUE, 100);
	ladder_html(devnull, "fuzz", cols, G_N_ELEMENTS(cols), drawn, NULL);
	g_ptr_array_unref(drawn);
	evlog_free(l);
	return 0;
}
