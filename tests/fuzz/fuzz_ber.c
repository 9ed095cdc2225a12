/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz target: the H.248 binary decoder (common/h248/ber.h), with the encoder as an oracle. Whatever
 * decodes must print without crashing; when its model encodes, those octets must decode again and encode
 * to the very same octets (abort otherwise): the one change a trip through binary may make (words in
 * lower case) is done by the first. */
#include <stdlib.h>
#include <string.h>

#include "ber.h"
#include "fuzz.h"
#include "print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct h248_error err;
	struct h248_msg *m = h248_ber_decode(data, size, NULL, &err);
	if (!m)
		return 0;
	size_t len, n1, n2;
	free(h248_print(m, H248_PRETTY, &len));
	uint8_t *e1 = h248_ber_encode(m, &n1, &err), *e2 = NULL;
	h248_msg_free(m);
	if (!e1)
		return 0;
	struct h248_msg *again = h248_ber_decode(e1, n1, NULL, &err);
	if (!again || !(e2 = h248_ber_encode(again, &n2, &err)) || n1 != n2 || memcmp(e1, e2, n1))
		abort();
	h248_msg_free(again);
	free(e1);
	free(e2);
	return 0;
}
