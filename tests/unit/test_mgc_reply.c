/* SPDX-License-Identifier: GPL-3.0-or-later */
/* mgc_reply: what ims-alg reads from a gateway's Reply: the context, each command's termination and
 * Local in order (context properties beside the commands are not commands), the error and its text. */
#include <glib.h>
#include <string.h>

#include "mgc_reply.h"
#include "parse.h"
#include "suites.h"

/* text parsed; *reply its first Reply (the message is the caller's to free) */
static struct h248_msg *parse_reply(const char *text, const struct h248_node **reply)
{
	struct h248_error err;
	struct h248_msg *m = h248_parse(text, strlen(text), NULL, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	*reply = m->first;
	CU_ASSERT_EQUAL_FATAL((*reply)->tok, H248_TOK_REPLY);
	return m;
}

static bool str_is(struct h248_str s, const char *want)
{
	return s.n == strlen(want) && !memcmp(s.p, want, s.n);
}

/* Seed 004 step 3's reply with a context property before the commands (H.248.1 §7.1.18: Priority) */
static void test_commands_in_order(void)
{
	const struct h248_node *reply;
	struct h248_msg *m = parse_reply("MEGACO/3 [127.0.0.1]:2944\n"
					 "Reply = 5 { Context = 7 { Priority = 3, Emergency,\n"
					 "  Add = ac/1 { Media { Stream = 1 { Local {\n"
					 "v=0\nc=IN IP4 192.0.2.10\nm=message 4002 TCP/TLS/MSRP *\n} } } },\n"
					 "  Add = co/2 } }\n",
					 &reply);
	struct mgc_result r;
	mgc_read_reply(reply, &r);
	CU_ASSERT_FALSE(r.timeout);
	CU_ASSERT_EQUAL(r.error, 0);
	CU_ASSERT_TRUE(str_is(r.ctx, "7"));
	CU_ASSERT_EQUAL_FATAL(r.n, 2);
	CU_ASSERT_TRUE(str_is(r.cmd[0].term, "ac/1"));
	CU_ASSERT_PTR_NOT_NULL(r.cmd[0].local);
	CU_ASSERT_TRUE(str_is(r.cmd[1].term, "co/2"));
	CU_ASSERT_PTR_NULL(r.cmd[1].local);
	mgc_result_clear(&r);
	h248_msg_free(m);
}

static void test_error(void)
{
	const struct h248_node *reply;
	struct h248_msg *m =
	    parse_reply("MEGACO/3 [127.0.0.1]:2944\n"
			"Reply = 6 { Context = 7 { Add = ac/1, Error = 510 { \"no port free\" } } }\n",
			&reply);
	struct mgc_result r;
	mgc_read_reply(reply, &r);
	CU_ASSERT_EQUAL(r.error, 510);
	CU_ASSERT_STRING_EQUAL(r.reason, "no port free");
	CU_ASSERT_EQUAL(r.n, 1);
	mgc_result_clear(&r);
	h248_msg_free(m);
}

void register_mgc_reply(void)
{
	static const struct unit_test tests[] = {
		{ "commands in order, context properties beside them not counted", test_commands_in_order },
		{ "an error and its text", test_error },
		{ NULL, NULL },
	};
	unit_add_suite("mgc_reply", tests);
}
