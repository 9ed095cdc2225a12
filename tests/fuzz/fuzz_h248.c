/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the H.248 text parser, with the printer as an oracle — whatever parses must print in
 * both forms, and the printed text must parse back to an equal message (abort otherwise). */
#include <stdlib.h>

#include "fuzz.h"
#include "parse.h"
#include "print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct h248_error err;
	struct h248_msg *m = h248_parse((const char *)data, size, NULL, &err);
	if (!m)
		return 0;
	for (int style = H248_PRETTY; style <= H248_COMPACT; style++) {
		size_t len;
		char *text = h248_print(m, style, &len);
		if (!text)
			abort();
		struct h248_msg *again = h248_parse(text, len, NULL, &err);
		if (!again || !h248_msg_equal(m, again))
			abort();
		h248_msg_free(again);
		free(text);
	}
	h248_msg_free(m);
	return 0;
}
