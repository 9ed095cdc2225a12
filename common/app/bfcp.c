/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bfcp: RFC 8855 messages (see bfcp.h). */
#include "config.h"
#include "bfcp.h"

#include <string.h>

/* RFC 8855 §5.1 and §5.2, IANA's BFCP registries */
static const char *const primitives[] = {
	[BFCP_FLOOR_REQUEST] = "FloorRequest",
	[BFCP_FLOOR_RELEASE] = "FloorRelease",
	[BFCP_FLOOR_REQUEST_QUERY] = "FloorRequestQuery",
	[BFCP_FLOOR_REQUEST_STATUS] = "FloorRequestStatus",
	[BFCP_USER_QUERY] = "UserQuery",
	[BFCP_USER_STATUS] = "UserStatus",
	[BFCP_FLOOR_QUERY] = "FloorQuery",
	[BFCP_FLOOR_STATUS] = "FloorStatus",
	[BFCP_CHAIR_ACTION] = "ChairAction",
	[BFCP_CHAIR_ACTION_ACK] = "ChairActionAck",
	[BFCP_HELLO] = "Hello",
	[BFCP_HELLO_ACK] = "HelloAck",
	[BFCP_ERROR] = "Error",
	[BFCP_FLOOR_REQUEST_STATUS_ACK] = "FloorRequestStatusAck",
	[BFCP_FLOOR_STATUS_ACK] = "FloorStatusAck",
	[BFCP_GOODBYE] = "Goodbye",
	[BFCP_GOODBYE_ACK] = "GoodbyeAck",
};

enum attr_form { FORM_U16 = 1, FORM_PRIORITY, FORM_STATUS, FORM_CODE, FORM_TEXT, FORM_LIST, FORM_GROUP };

static const struct {
	const char *name;
	enum attr_form form;
} attrs[] = {
	[BFCP_A_BENEFICIARY_ID] = { "BENEFICIARY-ID", FORM_U16 },
	[BFCP_A_FLOOR_ID] = { "FLOOR-ID", FORM_U16 },
	[BFCP_A_FLOOR_REQUEST_ID] = { "FLOOR-REQUEST-ID", FORM_U16 },
	[BFCP_A_PRIORITY] = { "PRIORITY", FORM_PRIORITY },
	[BFCP_A_REQUEST_STATUS] = { "REQUEST-STATUS", FORM_STATUS },
	[BFCP_A_ERROR_CODE] = { "ERROR-CODE", FORM_CODE },
	[BFCP_A_ERROR_INFO] = { "ERROR-INFO", FORM_TEXT },
	[BFCP_A_PARTICIPANT_PROVIDED_INFO] = { "PARTICIPANT-PROVIDED-INFO", FORM_TEXT },
	[BFCP_A_STATUS_INFO] = { "STATUS-INFO", FORM_TEXT },
	[BFCP_A_SUPPORTED_ATTRIBUTES] = { "SUPPORTED-ATTRIBUTES", FORM_LIST },
	[BFCP_A_SUPPORTED_PRIMITIVES] = { "SUPPORTED-PRIMITIVES", FORM_LIST },
	[BFCP_A_USER_DISPLAY_NAME] = { "USER-DISPLAY-NAME", FORM_TEXT },
	[BFCP_A_USER_URI] = { "USER-URI", FORM_TEXT },
	[BFCP_A_BENEFICIARY_INFORMATION] = { "BENEFICIARY-INFORMATION", FORM_GROUP },
	[BFCP_A_FLOOR_REQUEST_INFORMATION] = { "FLOOR-REQUEST-INFORMATION", FORM_GROUP },
	[BFCP_A_REQUESTED_BY_INFORMATION] = { "REQUESTED-BY-INFORMATION", FORM_GROUP },
	[BFCP_A_FLOOR_REQUEST_STATUS] = { "FLOOR-REQUEST-STATUS", FORM_GROUP },
	[BFCP_A_OVERALL_REQUEST_STATUS] = { "OVERALL-REQUEST-STATUS", FORM_GROUP },
};

static const char *const statuses[] = {
	[BFCP_PENDING] = "Pending", [BFCP_ACCEPTED] = "Accepted",   [BFCP_GRANTED] = "Granted",
	[BFCP_DENIED] = "Denied",   [BFCP_CANCELLED] = "Cancelled", [BFCP_RELEASED] = "Released",
	[BFCP_REVOKED] = "Revoked",
};

const char *bfcp_primitive_name(unsigned primitive)
{
	return primitive < G_N_ELEMENTS(primitives) ? primitives[primitive] : NULL;
}

const char *bfcp_attr_name(unsigned type)
{
	return type < G_N_ELEMENTS(attrs) ? attrs[type].name : NULL;
}

const char *bfcp_status_name(unsigned status)
{
	return status < G_N_ELEMENTS(statuses) ? statuses[status] : NULL;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

enum bfcp_status bfcp_frame(const uint8_t *buf, size_t len, struct bfcp_msg *m, enum bfcp_error_code *error,
			    const char **why)
{
	*m = (struct bfcp_msg){ 0 };
	if (len >= 1 && buf[0] >> 5 != BFCP_VERSION_STREAM && buf[0] >> 5 != BFCP_VERSION_DGRAM) {
		*error = BFCP_E_VERSION, *why = "BFCP version is not 1 or 2";
		return BFCP_INVALID;
	}
	if (len < BFCP_HEADER)
		return BFCP_PARTIAL;
	m->version = buf[0] >> 5;
	m->responder = buf[0] & 0x10;
	m->fragment = buf[0] & 0x08;
	m->primitive = buf[1];
	m->attrs_len = (size_t)get16(buf + 2) * 4;
	m->conference_id = (uint32_t)get16(buf + 4) << 16 | get16(buf + 6);
	m->transaction_id = get16(buf + 8);
	m->user_id = get16(buf + 10);
	m->attrs = buf + BFCP_HEADER;
	m->size = BFCP_HEADER + m->attrs_len;
	if (m->fragment) {
		*error = BFCP_E_PARSE, *why = "BFCP fragment on a stream";
		return BFCP_INVALID;
	}
	return len < m->size ? BFCP_PARTIAL : BFCP_COMPLETE;
}

int bfcp_attr_next(const uint8_t *p, size_t len, size_t *off, struct bfcp_attr *a)
{
	if (*off >= len)
		return 0;
	if (len - *off < 2)
		return -1;
	size_t n = p[*off + 1], padded = (n + 3) & ~(size_t)3;
	if (n < 2 || padded > len - *off)
		return -1;
	*a = (struct bfcp_attr){
		.type = p[*off] >> 1, .mandatory = p[*off] & 1, .value = p + *off + 2, .len = n - 2
	};
	*off += padded;
	return 1;
}

static bool valid(const uint8_t *p, size_t len, const char **why, int depth);

/* One attribute's contents against its form; grouped ones recursively (RFC 8855 nests them two deep:
 * the bound only keeps a hostile message from nesting without end). */
static bool form_ok(const struct bfcp_attr *a, const char **why, int depth)
{
	enum attr_form form = a->type < G_N_ELEMENTS(attrs) ? attrs[a->type].form : 0;
	switch (form) {
	case FORM_U16:
	case FORM_PRIORITY:
	case FORM_STATUS:
		if (a->len != 2)
			return *why = "BFCP attribute of the wrong length", false;
		return true;
	case FORM_CODE:
		if (a->len < 1)
			return *why = "BFCP ERROR-CODE without a code", false;
		return true;
	case FORM_GROUP:
		if (a->len < 2)
			return *why = "BFCP grouped attribute without its id", false;
		if (depth >= 4)
			return *why = "BFCP attributes nested too deep", false;
		return valid(a->value + 2, a->len - 2, why, depth + 1);
	default: /* text, lists and unknown attributes: any contents */
		return true;
	}
}

static bool valid(const uint8_t *p, size_t len, const char **why, int depth)
{
	size_t off = 0;
	struct bfcp_attr a;
	int r;
	while ((r = bfcp_attr_next(p, len, &off, &a)) == 1)
		if (!form_ok(&a, why, depth))
			return false;
	if (r < 0)
		return *why = "BFCP attribute length runs past the message", false;
	return true;
}

bool bfcp_attrs_valid(const uint8_t *p, size_t len, const char **why)
{
	return valid(p, len, why, 0);
}

bool bfcp_attr_u16(const struct bfcp_attr *a, uint16_t *v)
{
	if (a->len < 2)
		return false;
	*v = get16(a->value);
	return true;
}

bool bfcp_attr_find(const uint8_t *p, size_t len, unsigned type, struct bfcp_attr *a)
{
	size_t off = 0;
	while (bfcp_attr_next(p, len, &off, a) == 1)
		if (a->type == type)
			return true;
	return false;
}

bool bfcp_request_status(const struct bfcp_msg *m, uint16_t *request_id, unsigned *status, unsigned *position)
{
	struct bfcp_attr info, overall, st;
	if (!bfcp_attr_find(m->attrs, m->attrs_len, BFCP_A_FLOOR_REQUEST_INFORMATION, &info) ||
	    info.len < 2 || !bfcp_attr_u16(&info, request_id) ||
	    !bfcp_attr_find(info.value + 2, info.len - 2, BFCP_A_OVERALL_REQUEST_STATUS, &overall) ||
	    overall.len < 2 ||
	    !bfcp_attr_find(overall.value + 2, overall.len - 2, BFCP_A_REQUEST_STATUS, &st) || st.len < 2)
		return false;
	*status = st.value[0], *position = st.value[1];
	return true;
}

/* ---- writing ---- */

static void put16(GByteArray *out, size_t at, uint16_t v)
{
	out->data[at] = (uint8_t)(v >> 8);
	out->data[at + 1] = (uint8_t)v;
}

static void append16(GByteArray *out, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	g_byte_array_append(out, b, 2);
}

size_t bfcp_begin(GByteArray *out, const struct bfcp_msg *h)
{
	size_t start = out->len;
	uint8_t first =
	    (uint8_t)((h->version ? h->version : BFCP_VERSION_STREAM) << 5 | (h->responder ? 0x10 : 0));
	uint8_t b[BFCP_HEADER] = { first,
				   h->primitive,
				   0,
				   0,
				   (uint8_t)(h->conference_id >> 24),
				   (uint8_t)(h->conference_id >> 16),
				   (uint8_t)(h->conference_id >> 8),
				   (uint8_t)h->conference_id,
				   (uint8_t)(h->transaction_id >> 8),
				   (uint8_t)h->transaction_id,
				   (uint8_t)(h->user_id >> 8),
				   (uint8_t)h->user_id };
	g_byte_array_append(out, b, sizeof b);
	return start;
}

void bfcp_end(GByteArray *out, size_t start)
{
	put16(out, start + 2, (uint16_t)((out->len - start - BFCP_HEADER) / 4));
}

/* An attribute's header; its length is set when it ends. */
static size_t attr_begin(GByteArray *out, unsigned type)
{
	size_t start = out->len;
	uint8_t b[2] = { (uint8_t)(type << 1), 0 };
	g_byte_array_append(out, b, 2);
	return start;
}

static void attr_end(GByteArray *out, size_t start)
{
	out->data[start + 1] = (uint8_t)(out->len - start);
	static const uint8_t zeros[3];
	g_byte_array_append(out, zeros, (4 - (out->len - start) % 4) % 4);
}

void bfcp_put_u16(GByteArray *out, unsigned type, uint16_t v)
{
	size_t a = attr_begin(out, type);
	append16(out, v);
	attr_end(out, a);
}

void bfcp_put_bytes(GByteArray *out, unsigned type, const uint8_t *v, size_t n)
{
	size_t a = attr_begin(out, type);
	g_byte_array_append(out, v, (guint)MIN(n, 253u));
	attr_end(out, a);
}

void bfcp_put_status(GByteArray *out, enum bfcp_request_status status, uint8_t queue_position)
{
	uint8_t v[2] = { (uint8_t)status, queue_position };
	bfcp_put_bytes(out, BFCP_A_REQUEST_STATUS, v, 2);
}

size_t bfcp_group_begin(GByteArray *out, unsigned type, uint16_t first)
{
	size_t a = attr_begin(out, type);
	append16(out, first);
	return a;
}

void bfcp_group_end(GByteArray *out, size_t start)
{
	attr_end(out, start);
}

/* ---- describing ---- */

static void describe_attrs(GString *s, const uint8_t *p, size_t len, int depth);

static void describe_attr(GString *s, const struct bfcp_attr *a, int depth)
{
	const char *name = bfcp_attr_name(a->type);
	if (name)
		g_string_append(s, name);
	else
		g_string_append_printf(s, "attribute-%u", a->type);
	enum attr_form form = a->type < G_N_ELEMENTS(attrs) ? attrs[a->type].form : 0;
	uint16_t v = 0;
	switch (form) {
	case FORM_U16:
		if (bfcp_attr_u16(a, &v))
			g_string_append_printf(s, " %u", v);
		break;
	case FORM_PRIORITY:
		if (a->len >= 1)
			g_string_append_printf(s, " %u", a->value[0] >> 5);
		break;
	case FORM_STATUS:
		if (a->len >= 2) {
			const char *st = bfcp_status_name(a->value[0]);
			g_string_append_printf(s, " %s %u", st ? st : "?", a->value[1]);
		}
		break;
	case FORM_CODE:
		if (a->len >= 1)
			g_string_append_printf(s, " %u", a->value[0]);
		break;
	case FORM_TEXT: {
		char *t = g_strndup((const char *)a->value, a->len);
		char *e = g_strescape(t, NULL);
		g_string_append_printf(s, " \"%s\"", e);
		g_free(e), g_free(t);
		break;
	}
	case FORM_LIST:
		for (size_t i = 0; i < a->len; i++)
			g_string_append_printf(s, "%s%u", i ? "," : " ",
					       a->type == BFCP_A_SUPPORTED_ATTRIBUTES ? a->value[i] >> 1
										      : a->value[i]);
		break;
	case FORM_GROUP:
		if (bfcp_attr_u16(a, &v)) {
			g_string_append_printf(s, " %u {", v);
			describe_attrs(s, a->value + 2, a->len - 2, depth + 1);
			g_string_append(s, "}");
		}
		break;
	default:
		g_string_append_printf(s, " (%zu bytes)", a->len);
	}
}

static void describe_attrs(GString *s, const uint8_t *p, size_t len, int depth)
{
	size_t off = 0;
	struct bfcp_attr a;
	for (int i = 0; depth < 5 && bfcp_attr_next(p, len, &off, &a) == 1; i++) {
		g_string_append(s, i ? ", " : "");
		describe_attr(s, &a, depth);
	}
}

char *bfcp_describe(const struct bfcp_msg *m)
{
	GString *s = g_string_new(NULL);
	const char *name = bfcp_primitive_name(m->primitive);
	if (name)
		g_string_append(s, name);
	else
		g_string_append_printf(s, "primitive-%u", m->primitive);
	g_string_append_printf(s, " conf %u tid %u user %u", m->conference_id, m->transaction_id, m->user_id);
	if (m->attrs_len) {
		g_string_append(s, " {");
		describe_attrs(s, m->attrs, m->attrs_len, 0);
		g_string_append(s, "}");
	}
	return g_string_free(s, FALSE);
}
