/* SPDX-License-Identifier: GPL-3.0-or-later */
/* transport: the rows (see transport.h). */
#include "config.h"
#include "transport.h"

#include <glib.h>
#include <string.h>

static const struct tp_media media[] = {
	{ .sip_plain = "TCP/MSRP",
	  .sip_secure = "TCP/TLS/MSRP",
	  .app = TP_APP_MSRP,
	  .agw_plain = "TCP",
	  .agw_secure = "TCP/TLS",
	  .aware_plain = "TCP/MSRP",
	  .aware_secure = "TCP/TLS/MSRP",
	  .fmt = "*",
	  .mechanism = "msrp-tls" },
	{ .sip_plain = "TCP/BFCP",
	  .sip_secure = "TCP/TLS/BFCP",
	  .app = TP_APP_BFCP,
	  .agw_plain = "TCP",
	  .agw_secure = "TCP/TLS",
	  .aware_plain = "TCP/BFCP",
	  .aware_secure = "TCP/TLS/BFCP",
	  .fmt = "*",
	  .mechanism = "bfcp-tls" },
	/* T.38 over UDPTL: the gateway is application-agnostic, UDP toward the core and DTLS toward the UE
	 * (§6.2.10.4, RFC 7345) */
	{ .sip_plain = "udptl",
	  .sip_secure = "UDP/TLS/UDPTL",
	  .app = TP_APP_T38,
	  .agw_plain = "UDP",
	  .agw_secure = "UDP/DTLS",
	  .fmt = "t38",
	  .mechanism = "udptl-dtls" },
	{ .sip_plain = "TCP",
	  .sip_secure = "TCP/TLS",
	  .agw_plain = "TCP",
	  .agw_secure = "TCP/TLS",
	  .fmt = "*" },
};

static const struct tp_bearer bearers[] = {
	{ "TCP", false, false, TP_APP_OTHER },
	{ "TCP/MSRP", false, false, TP_APP_MSRP },
	{ "TCP/BFCP", false, false, TP_APP_BFCP },
	{ "TCP/TLS", false, true, TP_APP_OTHER },
	{ "TCP/TLS/MSRP", false, true, TP_APP_MSRP },
	{ "TCP/TLS/BFCP", false, true, TP_APP_BFCP },
	{ "UDP", true, false, TP_APP_OTHER },
	{ "UDP/DTLS", true, true, TP_APP_OTHER },
};

const struct tp_media *tp_media_of(const char *proto, bool *secure)
{
	for (size_t i = 0; i < G_N_ELEMENTS(media); i++) {
		bool s = !g_ascii_strcasecmp(proto, media[i].sip_secure);
		if (s || !g_ascii_strcasecmp(proto, media[i].sip_plain)) {
			if (secure)
				*secure = s;
			return &media[i];
		}
	}
	return NULL;
}

const struct tp_media *tp_media_of_mechanism(const char *mechanism, unsigned *index)
{
	for (size_t i = 0; i < G_N_ELEMENTS(media); i++)
		if (media[i].mechanism && !g_ascii_strcasecmp(mechanism, media[i].mechanism)) {
			if (index)
				*index = (unsigned)i;
			return &media[i];
		}
	return NULL;
}

const struct tp_media *tp_media_all(unsigned *n)
{
	*n = G_N_ELEMENTS(media);
	return media;
}

const struct tp_bearer *tp_bearer_of(const char *token)
{
	for (size_t i = 0; i < G_N_ELEMENTS(bearers); i++)
		if (!strcmp(bearers[i].token, token))
			return &bearers[i];
	return NULL;
}
