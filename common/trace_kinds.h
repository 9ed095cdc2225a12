/* SPDX-License-Identifier: GPL-3.0-or-later */
/* trace_kinds: every kind of event traced (trace.h) in one table, shared by the producers (ims-alg,
 * ims-agw, the lab's own parties) and the reader (the lab's ladder and expectations): its name in the
 * trace's "kind", its protocol, who traces it, and how the ladder draws it. A producer names a kind by
 * its enum only (trace_emit takes no string), the lab reads a name back into the enum (trace_kind_of); a
 * kind the table does not know reads as TRACE_KIND_UNKNOWN, which the ladder draws as a note and counts.
 * tests/integration/trace-kinds.sh checks that no kind's name is spelled anywhere else. */
#ifndef MEDIASEC_TRACE_KINDS_H
#define MEDIASEC_TRACE_KINDS_H

/* Who traces a kind (bits). */
#define TRACE_BY_ALG 1u /* ims-alg */
#define TRACE_BY_AGW 2u /* ims-agw */
#define TRACE_BY_LAB 4u /* the lab's parties (ims-lab) */

enum trace_proto {
	TRACE_PROTO_SIP,
	TRACE_PROTO_H248,
	TRACE_PROTO_TCP,
	TRACE_PROTO_TLS,
	TRACE_PROTO_DATA,
	TRACE_PROTO_UDP,
	TRACE_PROTO_MSRP,
	TRACE_PROTO_BFCP,
	TRACE_PROTO_OTHER
};

/* How the ladder draws an event of a kind. */
enum trace_draw {
	TRACE_DRAW_ARROW,     /* an arrow from the column that sent it to the one it went to (a note at the
			       * one known when the other is not) */
	TRACE_DRAW_ALG_ARROW, /* an arrow, from ims-alg's trace only: the other end traces the same text */
	TRACE_DRAW_NOTE,      /* a note at the side that observed it (its "to") */
	TRACE_DRAW_IGNORED,   /* not drawn: the sender's record of the same message is */
	TRACE_DRAW_COUNT
};

/* X(ENUM, name, protocol, producers, drawing) */
#define TRACE_KINDS(X)                                                                   \
	X(SIP_RX, "sip.rx", SIP, TRACE_BY_ALG, ALG_ARROW)                                \
	X(SIP_TX, "sip.tx", SIP, TRACE_BY_ALG, ALG_ARROW)                                \
	X(H248_RX, "h248.rx", H248, TRACE_BY_ALG | TRACE_BY_AGW, ALG_ARROW)              \
	X(H248_TX, "h248.tx", H248, TRACE_BY_ALG | TRACE_BY_AGW, ALG_ARROW)              \
	X(TCP_SYN, "tcp.syn", TCP, TRACE_BY_AGW | TRACE_BY_LAB, ARROW)                   \
	X(TCP_SYNACK, "tcp.synack", TCP, TRACE_BY_AGW, ARROW)                            \
	X(TCP_ACK, "tcp.ack", TCP, TRACE_BY_AGW, ARROW)                                  \
	X(TCP_ACCEPT, "tcp.accept", TCP, TRACE_BY_LAB, NOTE)                             \
	X(TCP_FIN, "tcp.fin", TCP, TRACE_BY_AGW | TRACE_BY_LAB, ARROW)                   \
	X(TCP_RST, "tcp.rst", TCP, TRACE_BY_AGW | TRACE_BY_LAB, ARROW)                   \
	X(TLS_CLIENT_HELLO, "tls.client_hello", TLS, TRACE_BY_AGW | TRACE_BY_LAB, ARROW) \
	X(TLS_RETRANSMIT, "tls.retransmit", TLS, TRACE_BY_AGW, ARROW)                    \
	X(TLS_UP, "tls.up", TLS, TRACE_BY_AGW | TRACE_BY_LAB, NOTE)                      \
	X(TLS_ALERT, "tls.alert", TLS, TRACE_BY_AGW | TRACE_BY_LAB, ARROW)               \
	X(TLS_CLOSE_NOTIFY, "tls.close_notify", TLS, TRACE_BY_AGW | TRACE_BY_LAB, ARROW) \
	/* received: its sender (a lab party) draws the arrow, an outside peer none */   \
	X(TLS_CLOSE_NOTIFY_RX, "tls.close_notify_rx", TLS, TRACE_BY_AGW, NOTE)           \
	X(UDP_LATCH, "udp.latch", UDP, TRACE_BY_AGW, NOTE)                               \
	X(UDP_DROP, "udp.drop", UDP, TRACE_BY_AGW, NOTE)                                 \
	X(UDP_LOST, "udp.lost", UDP, TRACE_BY_LAB, NOTE)                                 \
	X(DATA_TX, "data.tx", DATA, TRACE_BY_LAB, ARROW)                                 \
	X(DATA_RX, "data.rx", DATA, TRACE_BY_LAB, ARROW)                                 \
	X(MSRP_TX, "msrp.tx", MSRP, TRACE_BY_AGW | TRACE_BY_LAB, ARROW)                  \
	X(MSRP_RX, "msrp.rx", MSRP, TRACE_BY_AGW | TRACE_BY_LAB, IGNORED)                \
	X(BFCP_TX, "bfcp.tx", BFCP, TRACE_BY_AGW | TRACE_BY_LAB, ARROW)                  \
	X(BFCP_RX, "bfcp.rx", BFCP, TRACE_BY_AGW | TRACE_BY_LAB, IGNORED)

enum trace_kind {
#define TRACE_KIND_ENUM(e, name, proto, by, draw) TRACE_##e,
	TRACE_KINDS(TRACE_KIND_ENUM)
#undef TRACE_KIND_ENUM
	    TRACE_KIND_UNKNOWN, /* read from a trace: a name the table does not have */
	TRACE_KIND_COUNT = TRACE_KIND_UNKNOWN
};

struct trace_kind_info {
	const char *name; /* "sip.rx" */
	enum trace_proto proto;
	unsigned by; /* TRACE_BY_* bits */
	enum trace_draw draw;
};

/* Indexed by enum trace_kind, TRACE_KIND_COUNT entries. */
extern const struct trace_kind_info trace_kinds[TRACE_KIND_COUNT];

/* The kind named name; TRACE_KIND_UNKNOWN for NULL or a name not in the table. */
enum trace_kind trace_kind_of(const char *name);
/* The name of kind k; NULL for TRACE_KIND_UNKNOWN and out of range. */
const char *trace_kind_name(enum trace_kind k);

#endif
