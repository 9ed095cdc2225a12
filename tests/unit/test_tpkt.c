/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tpkt: header bytes, complete and partial frames, and the two ways a stream is invalid. */
#include <string.h>

#include "suites.h"
#include "tpkt.h"

static void test_header(void)
{
	uint8_t h[TPKT_HEADER];
	CU_ASSERT_TRUE(tpkt_header(h, 300));
	CU_ASSERT_EQUAL(h[0], 3);
	CU_ASSERT_EQUAL(h[1], 0);
	CU_ASSERT_EQUAL(h[2], 0x01);
	CU_ASSERT_EQUAL(h[3], 0x30); /* 304 = 0x130: the length counts the header */
	CU_ASSERT_TRUE(tpkt_header(h, TPKT_MAX_PAYLOAD));
	CU_ASSERT_EQUAL(h[2], 0xff);
	CU_ASSERT_EQUAL(h[3], 0xff);
	CU_ASSERT_FALSE(tpkt_header(h, TPKT_MAX_PAYLOAD + 1));
}

static void test_frames(void)
{
	uint8_t stream[64];
	const char *msg = "!/1 MG1\nP=1{C=-{N=ROOT}}", *why = NULL;
	size_t n = strlen(msg), payload = 0;
	tpkt_header(stream, n);
	memcpy(stream + TPKT_HEADER, msg, n);
	for (size_t cut = 0; cut < TPKT_HEADER + n; cut++)
		CU_ASSERT_EQUAL(tpkt_frame(stream, cut, &payload, &why), TPKT_PARTIAL);
	CU_ASSERT_EQUAL(tpkt_frame(stream, TPKT_HEADER + n, &payload, &why), TPKT_COMPLETE);
	CU_ASSERT_EQUAL(payload, n);
	CU_ASSERT_EQUAL(tpkt_frame(stream, sizeof stream, &payload, &why), TPKT_COMPLETE);

	uint8_t bad_version[] = { 4, 0, 0, 9, 'x' };
	CU_ASSERT_EQUAL(tpkt_frame(bad_version, 1, &payload, &why), TPKT_INVALID);
	ASSERT_STR(why, "TPKT version is not 3");
	uint8_t too_short[] = { 3, 0, 0, 4 };
	CU_ASSERT_EQUAL(tpkt_frame(too_short, 4, &payload, &why), TPKT_INVALID);
	ASSERT_STR(why, "TPKT length leaves no room for a message");
}

void register_tpkt(void)
{
	static const struct unit_test tests[] = {
		{ "header", test_header },
		{ "frames", test_frames },
		{ NULL, NULL },
	};
	unit_add_suite("tpkt", tests);
}
