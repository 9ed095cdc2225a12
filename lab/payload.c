/* payload: see payload.h. */
#include "config.h"
#include "payload.h"

#include <string.h>

static const char msrp_send[] =
    "MSRP a786hjs2 SEND\r\nTo-Path: msrp://127.0.0.1:9/core;tcp\r\n"
    "From-Path: msrps://127.0.0.1:8/ue;tcp\r\nMessage-ID: 87652491\r\n"
    "Byte-Range: 1-5/5\r\nContent-Type: text/plain\r\n\r\nhello\r\n-------a786hjs2$\r\n";
/* BFCP Hello: version 1, primitive 11, no attributes; conference 4321, transaction 1, user 1234 */
static const char bfcp_hello[] = { 0x20, 0x0b,       0x00, 0x00, 0x00, 0x00,
				   0x10, (char)0xe1, 0x00, 0x01, 0x04, (char)0xd2 };

const struct payload payload_msrp = { "msrp",
				      "message",
				      "TCP/MSRP",
				      "TCP/TLS/MSRP",
				      "a=accept-types:text/plain\r\na=path:msrp://127.0.0.1:2855/s;tcp\r\n",
				      "MSRP SEND",
				      msrp_send,
				      sizeof msrp_send - 1 };
const struct payload payload_bfcp = {
	"bfcp",
	"application",
	"TCP/BFCP",
	"TCP/TLS/BFCP",
	"a=floorctrl:c-s\r\na=confid:4321\r\na=userid:1234\r\na=floorid:1 mstrm:10\r\n",
	"BFCP Hello",
	bfcp_hello,
	sizeof bfcp_hello
};

const struct payload *payload_find(const char *name)
{
	return !strcmp(name, "msrp") ? &payload_msrp : !strcmp(name, "bfcp") ? &payload_bfcp : NULL;
}
