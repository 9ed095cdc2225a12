/* reg: what registration told the IMS-ALG — per registered contact, the media security mechanisms the
 * UE announced in Security-Client with the "mediasec" parameter (TS 24.229 §5.1.1.2.1, digest §4.1).
 * Looked up by AOR ("user@host") or by contact ("host:port"); entries expire. */
#ifndef MEDIASEC_ALG_REG_H
#define MEDIASEC_ALG_REG_H

#include <stdbool.h>
#include <stdint.h>

/* The bits follow the rows of profiles/transport.c; REG_BEHIND_NAT is what the REGISTER showed: it came
 * from another address than its Contact names. */
enum reg_mech { REG_MSRP_TLS = 1, REG_BFCP_TLS = 2, REG_UDPTL_DTLS = 4, REG_BEHIND_NAT = 1u << 16 };

/* The bit of a mechanism name ("msrp-tls"), 0 for one we do not know. */
unsigned reg_mech_bit(const char *name);
/* "msrp-tls;mediasec, bfcp-tls;mediasec" for the bits set (g_free it); NULL when none. */
char *reg_mech_header(unsigned mechs);

struct reg;
struct reg *reg_new(void);
void reg_free(struct reg *r);
/* Records aor's binding to contact (its URI, and "host:port" as the key) for expires seconds; 0
 * removes it. now: seconds on a monotonic clock. */
void reg_set(struct reg *r, const char *aor, const char *contact_uri, const char *contact_key, unsigned mechs,
	     unsigned expires, uint64_t now);
/* By AOR or contact key: the contact URI (owned by reg) and mechanisms; false when not registered. */
bool reg_find(struct reg *r, const char *key, uint64_t now, const char **contact_uri, unsigned *mechs);

#endif
