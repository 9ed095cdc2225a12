/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ber: the binary encoding (H.248.1 Annex A). Every message form the project emits (tests/h248/binary)
 * goes text -> BER -> text unchanged; megaco's vectors go through and stay stable; the octets of a small
 * message are checked byte for byte; bad BER and what binary cannot carry are refused with their codes. */
#include <arpa/inet.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "ber.h"
#include "parse.h"
#include "print.h"
#include "suites.h"

static char *read_file(const char *dir, const char *name, size_t *len)
{
	char *rel = g_build_filename(dir, name, NULL), *text = seed_file(rel, len);
	g_free(rel);
	return text;
}

/* text -> model -> BER -> model -> pretty text (NULL on any failure, reported) */
static char *through_binary(const char *text, size_t len, const char *name)
{
	struct h248_error err;
	struct h248_msg *m = h248_parse(text, len, NULL, &err);
	if (!m) {
		fprintf(stderr, "\n    %s: parse: %d %s\n", name, err.code, err.reason);
		return NULL;
	}
	size_t blen, plen;
	uint8_t *ber = h248_ber_encode(m, &blen, &err);
	h248_msg_free(m);
	if (!ber) {
		fprintf(stderr, "\n    %s: encode: %d %s\n", name, err.code, err.reason);
		return NULL;
	}
	m = h248_ber_decode(ber, blen, NULL, &err);
	free(ber);
	if (!m) {
		fprintf(stderr, "\n    %s: decode: %d at %u %s\n", name, err.code, err.col, err.reason);
		return NULL;
	}
	char *out = h248_print(m, H248_PRETTY, &plen);
	h248_msg_free(m);
	return out;
}

static char *pretty(const char *text, size_t len)
{
	struct h248_error err;
	size_t plen;
	struct h248_msg *m = h248_parse(text, len, NULL, &err);
	char *out = m ? h248_print(m, H248_PRETTY, &plen) : NULL;
	h248_msg_free(m);
	return out;
}

static unsigned each_file(const char *dir, const char *suffix, void (*fn)(const char *dir, const char *name))
{
	const char *top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";
	char *path = g_build_filename(top, "tests", "h248", dir, NULL);
	GDir *d = g_dir_open(path, 0, NULL);
	unsigned n = 0;
	for (const char *name; d && (name = g_dir_read_name(d));)
		if (g_str_has_suffix(name, suffix)) {
			fn(dir, name);
			n++;
		}
	if (d)
		g_dir_close(d);
	g_free(path);
	return n;
}

static void same_through_binary(const char *dir, const char *name)
{
	size_t len;
	char *text = read_file(dir, name, &len), *want = text ? pretty(text, len) : NULL,
	     *got = text ? through_binary(text, len, name) : NULL;
	CU_ASSERT_PTR_NOT_NULL(got);
	char *profile = want ? strstr(want, "mediasec-Iq/1") : NULL;
	if (profile) /* a word travels in lower case (the text form is case-insensitive) */
		profile[9] = 'i';
	if (got && want)
		ASSERT_STR(got, want);
	free(want), free(got), g_free(text);
}

/* every form the daemons emit comes back as it went */
static void test_project_messages(void)
{
	CU_ASSERT_EQUAL(each_file("binary", ".txt", same_through_binary), 21);
}

/* megaco's vectors, v1 to v3, pretty and compact: binary carries them, and a second trip changes nothing
 * (the first drops only the layout around SDP and ROOT's spelling) */
static void stable_through_binary(const char *dir, const char *name)
{
	size_t len;
	char *text = read_file(dir, name, &len), *once = text ? through_binary(text, len, name) : NULL,
	     *twice = once ? through_binary(once, strlen(once), name) : NULL;
	CU_ASSERT_PTR_NOT_NULL(twice);
	if (once && twice)
		ASSERT_STR(twice, once);
	free(once), free(twice), g_free(text);
}

static void test_megaco_vectors(void)
{
	CU_ASSERT_EQUAL(each_file("megaco", ".pretty", stable_through_binary), 51);
	CU_ASSERT_EQUAL(each_file("megaco", ".compact", stable_through_binary), 51);
}

/* Pending = 12 from [127.0.0.1]:2944, octet by octet (the same octets megaco's BER encoder writes) */
static const uint8_t pending[] = { 0x30, 0x1c, 0xa1, 0x1a, 0x80, 0x01, 0x03, 0xa1, 0x0c, 0xa0,
				   0x0a, 0x80, 0x04, 0x7f, 0x00, 0x00, 0x01, 0x81, 0x02, 0x0b,
				   0x80, 0xa2, 0x07, 0xa1, 0x05, 0xa1, 0x03, 0x80, 0x01, 0x0c };

static void test_octets(void)
{
	static const char text[] = "MEGACO/3 [127.0.0.1]:2944\nPending = 12 { }\n";
	struct h248_error err;
	struct h248_msg *m = h248_parse(text, sizeof text - 1, NULL, &err);
	size_t len = 0;
	uint8_t *ber = m ? h248_ber_encode(m, &len, &err) : NULL;
	CU_ASSERT_EQUAL(len, sizeof pending);
	CU_ASSERT_TRUE(ber && len == sizeof pending && !memcmp(ber, pending, len));
	free(ber);
	h248_msg_free(m);
}

/* an IPv4 mId decodes to the text inet_ntop gives, for every value of each octet */
static void test_ip4_mid(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uint8_t a[4] = { (uint8_t)v, (uint8_t)(255 - v), (uint8_t)(v / 10), (uint8_t)(v * 7) };
		char want[INET_ADDRSTRLEN], text[80];
		inet_ntop(AF_INET, a, want, sizeof want);
		snprintf(text, sizeof text, "MEGACO/3 [%s]:2944\nPending = 12 { }\n", want);
		struct h248_error err;
		struct h248_msg *m = h248_parse(text, strlen(text), NULL, &err);
		size_t len = 0;
		uint8_t *ber = m ? h248_ber_encode(m, &len, &err) : NULL;
		h248_msg_free(m);
		m = ber ? h248_ber_decode(ber, len, NULL, &err) : NULL;
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT_EQUAL(m->mid.kind, H248_MID_IP4);
		CU_ASSERT_TRUE(m->mid.text.n == strlen(want) && !memcmp(m->mid.text.p, want, m->mid.text.n));
		free(ber);
		h248_msg_free(m);
	}
}

/* A message of 60 Adds, each with a Remote of 30 long SDP lines: more constructed values of long length
 * than the writer keeps on its stack (32), lengths of two and three octets; text -> BER -> text unchanged,
 * the outer length in three octets */
static void test_long_lengths(void)
{
	GString *t = g_string_new("MEGACO/3 [127.0.0.1]:2944\nTransaction = 7 {\n  Context = 1 {\n");
	for (int i = 0; i < 60; i++) {
		g_string_append_printf(t, "%s    Add = ac/%d {\n      Media { Stream = 1 { Remote {\nv=0\n",
				       i ? ",\n" : "", i);
		for (int j = 0; j < 30; j++)
			g_string_append_printf(t, "a=x%d:%0100d\n", j, i);
		g_string_append(t, "} } }\n    }");
	}
	g_string_append(t, "\n  }\n}\n");
	struct h248_error err;
	struct h248_msg *m = h248_parse(t->str, t->len, NULL, &err);
	size_t len = 0;
	uint8_t *ber = m ? h248_ber_encode(m, &len, &err) : NULL;
	h248_msg_free(m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ber);
	CU_ASSERT_TRUE(len > 0xffff && ber[1] == 0x83 && len == 5u + (ber[2] << 16 | ber[3] << 8 | ber[4]));
	free(ber);
	char *want = pretty(t->str, t->len), *got = through_binary(t->str, t->len, "60 Adds");
	CU_ASSERT_PTR_NOT_NULL(got);
	if (got && want)
		ASSERT_STR(got, want);
	free(want), free(got);
	g_string_free(t, TRUE);
}

static char reason[160]; /* the last decode_code's */

static int decode_code(const uint8_t *b, size_t n, unsigned *col)
{
	struct h248_error err;
	struct h248_msg *m = h248_ber_decode(b, n, NULL, &err);
	h248_msg_free(m);
	memcpy(reason, err.reason, sizeof reason);
	if (col)
		*col = err.col;
	return m ? 0 : err.code;
}

static void test_refused_octets(void)
{
	unsigned col;
	CU_ASSERT_EQUAL(decode_code(pending, 0, NULL), 400);
	for (size_t cut = 1; cut < sizeof pending; cut++) /* every truncation */
		CU_ASSERT_EQUAL(decode_code(pending, cut, NULL), 400);
	uint8_t b[sizeof pending + 1];
	memcpy(b, pending, sizeof pending);
	b[sizeof pending] = 0;
	CU_ASSERT_EQUAL(decode_code(b, sizeof b, &col), 400); /* an octet after the message */
	CU_ASSERT_EQUAL(col, sizeof pending + 1);
	memcpy(b, pending, sizeof pending);
	b[6] = 4; /* MEGACO/4 */
	CU_ASSERT_EQUAL(decode_code(b, sizeof pending, &col), 406);
	CU_ASSERT_EQUAL(col, 7);
	memcpy(b, pending, sizeof pending);
	b[1] = 0x80; /* indefinite length */
	CU_ASSERT_EQUAL(decode_code(b, sizeof pending, NULL), 400);
	memcpy(b, pending, sizeof pending);
	b[25] = 0xa7; /* transaction alternative [7] */
	CU_ASSERT_EQUAL(decode_code(b, sizeof pending, &col), 400);
	memcpy(b, pending, sizeof pending);
	b[27] = 0x1f; /* a multi-octet tag */
	CU_ASSERT_EQUAL(decode_code(b, sizeof pending, NULL), 400);

	uint8_t deep[2 * 60]; /* 60 levels of constructed [1] in a SEQUENCE, well formed */
	for (size_t i = 0; i < 60; i++)
		deep[2 * i] = i ? 0xa1 : 0x30, deep[2 * i + 1] = (uint8_t)(2 * (59 - i));
	CU_ASSERT_EQUAL(decode_code(deep, sizeof deep, NULL), 400);
	ASSERT_STR(reason, "not a MegacoMessage");   /* the schema bounds the nesting before the limit does */
	struct h248_limits shallow = { .depth = 5 }; /* Pending's transaction id is 6 deep */
	struct h248_error err;
	CU_ASSERT_PTR_NULL(h248_ber_decode(pending, sizeof pending, &shallow, &err));
	CU_ASSERT_EQUAL(err.code, 400);
	ASSERT_STR(err.reason, "nested deeper than 5");
	shallow.depth = 6;
	struct h248_msg *m = h248_ber_decode(pending, sizeof pending, &shallow, &err);
	CU_ASSERT_PTR_NOT_NULL(m);
	h248_msg_free(m);
	struct h248_limits tight = { .arena = 64 }; /* memory */
	CU_ASSERT_PTR_NULL(h248_ber_decode(pending, sizeof pending, &tight, &err));
	CU_ASSERT_EQUAL(err.code, 400);
}

static int encode_code(const char *text)
{
	struct h248_error err;
	struct h248_msg *m = h248_parse(text, strlen(text), NULL, &err);
	if (!m)
		return -1;
	size_t len;
	uint8_t *ber = h248_ber_encode(m, &len, &err);
	h248_msg_free(m);
	free(ber);
	return ber ? 0 : err.code;
}

/* nt/jit encoded by us, then its item id and its package id changed in the octets */
static void test_unknown_names(void)
{
	static const char text[] = "!/3 [127.0.0.1]:2944\nT=5{C=1{MF=ac/1{M{O{nt/jit=40}}}}}";
	struct h248_error err;
	struct h248_msg *m = h248_parse(text, sizeof text - 1, NULL, &err);
	size_t len = 0;
	uint8_t *ber = m ? h248_ber_encode(m, &len, &err) : NULL;
	h248_msg_free(m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ber);
	uint8_t *at = NULL;
	for (size_t i = 0; i + 4 <= len; i++)
		if (!memcmp(ber + i, "\x00\x0b\x00\x07", 4))
			at = ber + i;
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	CU_ASSERT_EQUAL(decode_code(ber, len, NULL), 0);
	at[3] = 0x63; /* nt/0x0063: no such property */
	CU_ASSERT_EQUAL(decode_code(ber, len, NULL), 445);
	at[1] = 0x77; /* package 0x0077: none in the table */
	CU_ASSERT_EQUAL(decode_code(ber, len, NULL), 444);
	free(ber);
}

static void test_refused_text(void)
{
	CU_ASSERT_EQUAL(encode_code("!/3 [127.0.0.1]:2944\nT=5{C=1{MF=ac/1{M{O{xx/yy=1}}}}}"), 445);
	CU_ASSERT_EQUAL(encode_code("!/3 [127.0.0.1]:2944\nT=5{C=1{N=ac/1{OE=1{zz/up}}}}"), 444);
	CU_ASSERT_EQUAL(encode_code("!/3 [127.0.0.1]:2944\nT=5{C=1{TP{a,b,isolate},MF=ac/1}}"), 501);
	CU_ASSERT_EQUAL(encode_code("!/3 [127.0.0.1]:2944\nT=5{C=1{MF=access/100000}}"), 501);
	CU_ASSERT_EQUAL(encode_code("!/3 [127.0.0.1]:2944\nT=5{C=1{MF=ac/1{M{L{\nx=1\n}}}}}"), 501);
	CU_ASSERT_EQUAL(encode_code("!/3 [127.0.0.1]:2944\nT=5{C=1{MF=ac/1{E=1{it/ito{mx=1}}}}}"), 445);
	CU_ASSERT_EQUAL(encode_code("!/3 [127.0.0.1]:2944\nT=5{C=1{MF=ac/1{DM=dm1{(0|1)}}}}"), 501);
	CU_ASSERT_EQUAL(encode_code("!/3 [127.0.0.1]:2944\nT=5{C=1{AV=ac/1{AT{O{nt/jit}}}}}"), 501);
}

void register_ber(void)
{
	static const struct unit_test tests[] = {
		{ "every message form the project emits, text -> BER -> text", test_project_messages },
		{ "megaco's vectors through binary, stable", test_megaco_vectors },
		{ "the octets of Pending", test_octets },
		{ "an IPv4 mId as inet_ntop writes it", test_ip4_mid },
		{ "long lengths: more than the writer's stack holds, up to three octets", test_long_lengths },
		{ "bad BER refused: truncation, trailing octet, version, lengths, tags, depth",
		  test_refused_octets },
		{ "unknown package and item ids refused with 444 and 445", test_unknown_names },
		{ "what binary cannot carry refused with its code", test_refused_text },
		{ NULL, NULL },
	};
	unit_add_suite("ber", tests);
}
