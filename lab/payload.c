/* SPDX-License-Identifier: GPL-3.0-or-later */
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
				      "*",
				      false,
				      "TCP/MSRP",
				      "TCP/TLS/MSRP",
				      "a=accept-types:text/plain\r\n",
				      true,
				      "MSRP SEND",
				      msrp_send,
				      sizeof msrp_send - 1 };
const struct payload payload_bfcp = {
	"bfcp",
	"application",
	"*",
	false,
	"TCP/BFCP",
	"TCP/TLS/BFCP",
	"a=floorctrl:c-s\r\na=confid:4321\r\na=userid:1234\r\na=floorid:1 mstrm:10\r\n",
	false,
	"BFCP Hello",
	bfcp_hello,
	sizeof bfcp_hello
};

size_t payload_udptl(uint16_t seq, unsigned indicator, uint8_t out[UDPTL_MAX])
{
	out[0] = (uint8_t)(seq >> 8), out[1] = (uint8_t)seq;
	out[2] = 1; /* primary-ifp-packet: its length, then the IFP */
	/* IFPPacket: data-field absent (1 bit), type-of-msg t30-indicator (1 bit), the indicator's
	 * extension bit and 4-bit value; the octet's last bit is padding */
	out[3] = (uint8_t)((indicator & 0x0f) << 1);
	out[4] = 0x00; /* error-recovery: secondary-ifp-packets */
	out[5] = 0x00; /* none */
	return 6;
}

/* CED from the called fax, sequence 0 */
static const char udptl_ced[] = { 0x00, 0x00, 0x01, (char)(T38_CED << 1), 0x00, 0x00 };

const struct payload payload_t38 = {
	"t38",
	"image",
	"t38",
	true,
	"udptl",
	"UDP/TLS/UDPTL",
	"a=T38FaxVersion:0\r\na=T38MaxBitRate:14400\r\na=T38FaxRateManagement:transferredTCF\r\n"
	"a=T38FaxMaxDatagram:316\r\na=T38FaxUdpEC:t38UDPRedundancy\r\n",
	false,
	"UDPTL CED",
	udptl_ced,
	sizeof udptl_ced
};

/* RTP (RFC 3550 §5.1): version 2, payload type 0 (PCMU, RFC 3551), sequence 1, timestamp 8, SSRC
 * 0x11223344; then 1 ms of PCMU silence */
static const char rtp_pcmu[] = { (char)0x80, 0x00,       0x00,       0x01,       0x00,
				 0x00,       0x00,       0x08,       0x11,       0x22,
				 0x33,       0x44,       (char)0xff, (char)0xff, (char)0xff,
				 (char)0xff, (char)0xff, (char)0xff, (char)0xff, (char)0xff };

const struct payload payload_audio = {
	"audio", "audio",    "0",      true,           "RTP/AVP", NULL, "a=rtpmap:0 PCMU/8000\r\n",
	false,   "RTP PCMU", rtp_pcmu, sizeof rtp_pcmu
};

const struct payload *payload_find(const char *name)
{
	return !strcmp(name, "msrp")    ? &payload_msrp
	       : !strcmp(name, "bfcp")  ? &payload_bfcp
	       : !strcmp(name, "t38")   ? &payload_t38
	       : !strcmp(name, "audio") ? &payload_audio
					: NULL;
}
