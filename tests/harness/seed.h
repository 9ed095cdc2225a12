/* SPDX-License-Identifier: GPL-3.0-or-later */
/* seed: the H.248 text ims-alg must send in a call flow, read from a template that is that text as it
 * goes on the wire (tests/h248/seed004/, its README names the placeholders), with ${name} placeholders
 * for what each call decides (the MGC's port, the context, the terminations, the UE's port ...); and the
 * other files of tests/h248 as they are, for the unit suites. */
#ifndef MEDIASEC_TEST_SEED_H
#define MEDIASEC_TEST_SEED_H

#include <stddef.h>

/* tmpl with every ${name} replaced by its value in pairs (name, value, name, value, ..., NULL) (g_free
 * it). A name pairs does not give aborts the test with the template's line, rather than expand to "". */
char *seed_expand(const char *tmpl, const char *const *pairs);
/* The template tests/h248/NAME.txt (top_srcdir from the environment, else this file's build-time
 * location) expanded with pairs (g_free it). A template that cannot be read aborts the test likewise. */
char *seed_h248(const char *name, const char *const *pairs);
/* The file tests/h248/REL as it is, its length in *len (the unit suites' vectors); NULL, said on stderr,
 * when it cannot be read (g_free it). */
char *seed_file(const char *rel, size_t *len);

#endif
