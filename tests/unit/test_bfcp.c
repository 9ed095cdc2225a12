/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bfcp: RFC 8855 messages written and read back byte for byte, framing on a stream, malformed input. */
#include <string.h>

#include "bfcp.h"
#include "suites.h"

/* A FloorRequestStatus granting floor request 1 on floor 5, as the server answers transaction 7 */
static GByteArray *granted(void)
{
	GByteArray *b = g_byte_array_new();
	size_t m = bfcp_begin(b, &(struct bfcp_msg){ .responder = true,
						     .primitive = BFCP_FLOOR_REQUEST_STATUS,
						     .conference_id = 0x01020304,
						     .transaction_id = 7,
						     .user_id = 2 });
	size_t fri = bfcp_group_begin(b, BFCP_A_FLOOR_REQUEST_INFORMATION, 1);
	size_t ors = bfcp_group_begin(b, BFCP_A_OVERALL_REQUEST_STATUS, 1);
	bfcp_put_status(b, BFCP_GRANTED, 0);
	bfcp_group_end(b, ors);
	size_t frs = bfcp_group_begin(b, BFCP_A_FLOOR_REQUEST_STATUS, 5);
	bfcp_group_end(b, frs);
	bfcp_group_end(b, fri);
	bfcp_end(b, m);
	return b;
}

static void test_write(void)
{
	static const uint8_t expected[] = {
		0x30,    4,  0, 4, 1, 2, 3, 4, 0, 7, 0, 2, /* v1, R; FloorRequestStatus; 4 words */
		15 << 1, 16, 0, 1,                         /* FLOOR-REQUEST-INFORMATION 1, 16 octets */
		18 << 1, 8,  0, 1,                         /* OVERALL-REQUEST-STATUS 1 */
		5 << 1,  4,  3, 0,                         /* REQUEST-STATUS Granted, position 0 */
		17 << 1, 4,  0, 5,                         /* FLOOR-REQUEST-STATUS floor 5 */
	};
	GByteArray *b = granted();
	CU_ASSERT_EQUAL_FATAL(b->len, sizeof expected);
	CU_ASSERT_EQUAL(memcmp(b->data, expected, sizeof expected), 0);
	g_byte_array_free(b, TRUE);
}

static void test_read(void)
{
	GByteArray *b = granted();
	struct bfcp_msg m;
	enum bfcp_error_code e;
	const char *why = NULL;
	CU_ASSERT_EQUAL(bfcp_frame(NULL, 0, &m, &e, &why), BFCP_PARTIAL); /* an empty GByteArray's data */
	for (size_t cut = 0; cut < b->len; cut++)
		CU_ASSERT_EQUAL(bfcp_frame(b->data, cut, &m, &e, &why), BFCP_PARTIAL);
	CU_ASSERT_EQUAL_FATAL(bfcp_frame(b->data, b->len, &m, &e, &why), BFCP_COMPLETE);
	CU_ASSERT_EQUAL(m.size, b->len);
	CU_ASSERT_TRUE(m.responder);
	CU_ASSERT_EQUAL(m.conference_id, 0x01020304);
	CU_ASSERT_TRUE(bfcp_attrs_valid(m.attrs, m.attrs_len, &why));
	struct bfcp_attr a;
	uint16_t v = 0;
	CU_ASSERT_TRUE_FATAL(bfcp_attr_find(m.attrs, m.attrs_len, BFCP_A_FLOOR_REQUEST_INFORMATION, &a));
	CU_ASSERT_TRUE(bfcp_attr_u16(&a, &v));
	CU_ASSERT_EQUAL(v, 1);
	uint16_t id = 0;
	unsigned status = 0, position = 9;
	CU_ASSERT_TRUE(bfcp_request_status(&m, &id, &status, &position));
	CU_ASSERT_EQUAL(id, 1);
	CU_ASSERT_EQUAL(status, BFCP_GRANTED);
	CU_ASSERT_EQUAL(position, 0);
	struct bfcp_msg bare = m;
	bare.attrs_len = 0;
	CU_ASSERT_FALSE(bfcp_request_status(&bare, &id, &status, &position));
	char *d = bfcp_describe(&m);
	ASSERT_STR(d, "FloorRequestStatus conf 16909060 tid 7 user 2 {FLOOR-REQUEST-INFORMATION 1 "
		      "{OVERALL-REQUEST-STATUS 1 {REQUEST-STATUS Granted 0}, FLOOR-REQUEST-STATUS 5 {}}}");
	g_free(d);
	g_byte_array_free(b, TRUE);
}

static void test_hello_ack_lists(void)
{
	static const uint8_t prims[] = { 1, 2, 4, 11, 12 }, attrs[] = { 2 << 1, 3 << 1, 5 << 1 };
	GByteArray *b = g_byte_array_new();
	size_t s = bfcp_begin(
	    b, &(struct bfcp_msg){ .responder = true, .primitive = BFCP_HELLO_ACK, .transaction_id = 1 });
	bfcp_put_bytes(b, BFCP_A_SUPPORTED_PRIMITIVES, prims, sizeof prims);
	bfcp_put_bytes(b, BFCP_A_SUPPORTED_ATTRIBUTES, attrs, sizeof attrs);
	bfcp_end(b, s);
	CU_ASSERT_EQUAL(b->len, BFCP_HEADER + 8 + 8); /* 7 and 5 octets, each padded to 8 */
	struct bfcp_msg m;
	enum bfcp_error_code e;
	const char *why;
	CU_ASSERT_EQUAL_FATAL(bfcp_frame(b->data, b->len, &m, &e, &why), BFCP_COMPLETE);
	char *d = bfcp_describe(&m);
	ASSERT_STR(
	    d, "HelloAck conf 0 tid 1 user 0 {SUPPORTED-PRIMITIVES 1,2,4,11,12, SUPPORTED-ATTRIBUTES 2,3,5}");
	g_free(d);
	g_byte_array_free(b, TRUE);
}

static void test_invalid(void)
{
	struct bfcp_msg m;
	enum bfcp_error_code e = 0;
	const char *why = NULL;
	static const uint8_t v3[] = { 0x60, 11, 0, 0 };
	CU_ASSERT_EQUAL(bfcp_frame(v3, sizeof v3, &m, &e, &why), BFCP_INVALID);
	CU_ASSERT_EQUAL(e, BFCP_E_VERSION);
	static const uint8_t fragment[] = { 0x28, 11, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1 };
	CU_ASSERT_EQUAL(bfcp_frame(fragment, sizeof fragment, &m, &e, &why), BFCP_INVALID);
	ASSERT_STR(why, "BFCP fragment on a stream");
	/* FLOOR-ID claiming 6 octets in a 4-octet payload; then one of length 3 */
	static const uint8_t overrun[] = { 0x20, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 2 << 1, 6, 0, 1 };
	CU_ASSERT_EQUAL_FATAL(bfcp_frame(overrun, sizeof overrun, &m, &e, &why), BFCP_COMPLETE);
	CU_ASSERT_FALSE(bfcp_attrs_valid(m.attrs, m.attrs_len, &why));
	ASSERT_STR(why, "BFCP attribute length runs past the message");
	static const uint8_t odd[] = { 0x20, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 2 << 1, 3, 0, 0 };
	CU_ASSERT_EQUAL_FATAL(bfcp_frame(odd, sizeof odd, &m, &e, &why), BFCP_COMPLETE);
	CU_ASSERT_FALSE(bfcp_attrs_valid(m.attrs, m.attrs_len, &why));
	ASSERT_STR(why, "BFCP attribute of the wrong length");
}

void register_bfcp(void)
{
	static const struct unit_test tests[] = {
		{ "write", test_write },
		{ "read", test_read },
		{ "HelloAck lists", test_hello_ack_lists },
		{ "invalid", test_invalid },
		{ NULL, NULL },
	};
	unit_add_suite("bfcp", tests);
}
