/* SPDX-License-Identifier: GPL-3.0-or-later */
/* call_ctl: the calls as the control socket shows them (call.h, calls_describe): read from each call's
 * state machine as it is now. */
#include "config.h"

#include <json-c/json.h>
#include <string.h>

#include "call_int.h"

static const char *const mode_names[] = { [MEDIA_PASS] = "pass", [MEDIA_E2E] = "e2e", [MEDIA_E2AE] = "e2ae" };

static json_object *text_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static json_object *line_json(const struct line *l)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "media", json_object_new_string(l->offer.media));
	json_object_object_add(o, "transport", json_object_new_string(l->offer.proto));
	json_object_object_add(o, "mode", json_object_new_string(mode_names[l->mode]));
	json_object_object_add(o, "access_termination", text_or_null(l->access.term));
	json_object_object_add(o, "core_termination", text_or_null(l->core.term));
	return o;
}

static json_object *call_json(const struct call *c)
{
	json_object *o = json_object_new_object(), *lines = json_object_new_array();
	json_object_object_add(o, "call_id", json_object_new_string(c->id));
	json_object_object_add(o, "direction",
			       json_object_new_string(c->orig ? "originating" : "terminating"));
	json_object_object_add(o, "step", json_object_new_string(call_step_names[c->step]));
	json_object_object_add(o, "gateway", c->agw ? json_object_new_string(mgc_agw_mid(c->agw)) : NULL);
	json_object_object_add(o, "context", text_or_null(c->ctx));
	for (unsigned i = 0; i < c->n; i++)
		json_object_array_add(lines, line_json(&c->lines[i]));
	json_object_object_add(o, "lines", lines);
	return o;
}

static gint by_id(gconstpointer a, gconstpointer b)
{
	const struct call *x = a, *y = b;
	int d = strcmp(x->id, y->id);
	return d ? d : (int)y->orig - (int)x->orig; /* a hairpin's originating half first */
}

struct json_object *calls_describe(struct calls *cs, const char *id)
{
	GList *all = g_list_sort(g_hash_table_get_keys(cs->live), by_id);
	json_object *list = json_object_new_array();
	for (GList *l = all; l; l = l->next)
		if (!id || !strcmp(((struct call *)l->data)->id, id))
			json_object_array_add(list, call_json(l->data));
	g_list_free(all);
	return list;
}

unsigned calls_count(struct calls *cs)
{
	return g_hash_table_size(cs->live);
}
