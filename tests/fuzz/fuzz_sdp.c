/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: SDP bodies through the gateway's reader of H.248 Local/Remote (msdp) and the controller's
 * reader and rewriter of SIP bodies (media). Whatever the input, reading either succeeds or names why; a body
 * sofia-sip accepted, rewritten with the edits of seed 004 step 8 on every line, keeps its number of m= lines
 * whenever sofia-sip accepts it again. */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "media.h"
#include "msdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct msdp one;
	char *err = NULL;
	if (!msdp_parse(text, size, &one, &err)) {
		if (!err || strncmp(err, "SDP: ", 5))
			abort();
		g_clear_pointer(&err, g_free);
	}
	msdp_clear(&one);
	struct media_sdp s;
	if (!media_read(text, size, &s, &err)) {
		if (!err || strncmp(err, "SDP: ", 5))
			abort();
		g_free(err);
		return 0;
	}
	struct media_edit e[MEDIA_MAX_LINES];
	for (unsigned i = 0; i < s.n; i++)
		e[i] = (struct media_edit){ .edit = true,
					    .proto = media_proto(&s.lines[i], !s.lines[i].tls),
					    .addr = "127.0.0.1",
					    .port = 20000 + i,
					    .setup = MSDP_SETUP_ACTIVE,
					    .drop_fingerprints = true,
					    .drop_3ge2ae = true,
					    .fingerprint = "sha-256 1F:84",
					    .applied = true };
	char *out = media_rewrite(text, size, e, s.n);
	struct media_sdp again;
	/* what sofia-sip accepts back must keep its lines (a few odd bodies it takes come back refused:
	 * the daemon answers those like any refused body) */
	if (media_read(out, strlen(out), &again, &err) && again.n != s.n)
		abort();
	g_free(err);
	g_free(out);
	return 0;
}
