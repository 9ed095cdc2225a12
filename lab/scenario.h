/* SPDX-License-Identifier: GPL-3.0-or-later */
/* scenario: one call flow of scenarios/ as JSON, checked against the schema of doc/scenarios.md before
 * anything runs. A scenario names its parties (the UEs and the core peer the lab plays), the gateway and
 * controller settings it needs, and its steps: each step is numbered as in the seed's figure, does at
 * most one thing (register, offer, answer, connect, TLS, send, bye …) and lists what must then be seen
 * on the wire (SIP and SDP at a hop, H.248 commands and replies, TCP and TLS events, bytes delivered). */
#ifndef MEDIASEC_LAB_SCENARIO_H
#define MEDIASEC_LAB_SCENARIO_H

#include <json-c/json.h>
#include <stdbool.h>

struct scenario {
	char *file;
	const char *name, *seed, *figure; /* seed and figure: "" when not given */
	json_object *root, *parties, *steps;
};

/* Loads and validates path. NULL with *err naming the offending key ("path: steps[3].do.offer.setup:
 * expected one of …; found \"actve\"", "path: step \"19-20\": missing required key \"to\" at
 * steps[3].do.offer"), or where the text is not JSON ("path:5:59: not JSON: …"); g_free it. */
struct scenario *scenario_load(const char *path, char **err);
/* The same for text already read (fuzzing, tests); file names it in errors. */
struct scenario *scenario_parse(const char *file, const char *text, char **err);
void scenario_free(struct scenario *s);

/* "seed 004 5.2.1.2.2 — e2ae MSRP, originating" (the name alone without a seed); g_free it. */
char *scenario_title(const struct scenario *s);
/* A step's failure in the seed's terms: "seed 004 5.2.1.2.2 step 19-20: <why>"; g_free it. */
char *scenario_failure(const struct scenario *s, const char *number, const char *why);

/* Readers of validated objects: the member's value, or def when it is absent. */
const char *jstr(json_object *o, const char *key, const char *def);
int jint(json_object *o, const char *key, int def);
bool jbool(json_object *o, const char *key, bool def);
json_object *jget(json_object *o, const char *key);

#endif
