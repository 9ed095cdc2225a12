/* SPDX-License-Identifier: GPL-3.0-or-later */
/* token: the H.248.1 text tokens (RFC 3525 Annex B.2, with the v2 and v3 additions), each with its
 * pretty and compact spelling and the syntax of what follows it:
 *   value: '-' none, 'U' unsigned integer, 'u' optional unsigned integer, 'C' context id, 'T' termination id,
 * 'S' transaction id with optional /segment[/END], 'W' word or quoted string, 'w' optional word, 'K' a token
 * (Mode = SendReceive), 'L' a token, word or {list}/[list], 'M' an mId or port, 'E' error code body:  '-'
 * none, 'o' optional {children}, 'r' required {children}, 'x' raw octets (SDP), 'd' optional raw digit map,
 * 'e' error text (optional quoted string) Tokens are case-insensitive on the wire; the printer writes the
 * spelling of the form it prints. */
#ifndef MEDIASEC_H248_TOKEN_H
#define MEDIASEC_H248_TOKEN_H

#include <stddef.h>
#include <stdint.h>

/* X(ID, pretty, compact, value, body) */
#define H248_TOKENS(X)                                                     \
	X(ADD, "Add", "A", 'T', 'o')                                       \
	X(ANDLGC, "ANDLgc", "ANDLgc", '-', '-')                            \
	X(AUDIT, "Audit", "AT", '-', 'r')                                  \
	X(AUDITCAP, "AuditCapability", "AC", 'T', 'o')                     \
	X(AUDITVALUE, "AuditValue", "AV", 'T', 'o')                        \
	X(AUTHENTICATION, "Authentication", "AU", 'W', '-')                \
	X(BOTH, "Both", "B", '-', '-')                                     \
	X(BOTHWAY, "Bothway", "BW", '-', '-')                              \
	X(BRIEF, "Brief", "BR", '-', '-')                                  \
	X(BUFFER, "Buffer", "BF", 'K', '-')                                \
	X(CONTEXT, "Context", "C", 'C', 'r')                               \
	X(CONTEXTAUDIT, "ContextAudit", "CA", '-', 'r')                    \
	X(CONTEXTATTR, "ContextAttr", "CT", '-', 'r')                      \
	X(CONTEXTLIST, "ContextList", "CLT", 'L', '-')                     \
	X(DIGITMAP, "DigitMap", "DM", 'w', 'd')                            \
	X(DIRECTION, "SPADirection", "SPADI", 'K', '-')                    \
	X(DISCARD, "Discard", "DS", '-', '-')                              \
	X(DISCONNECTED, "Disconnected", "DC", '-', '-')                    \
	X(DELAY, "Delay", "DL", 'U', '-')                                  \
	X(DURATION, "Duration", "DR", 'U', '-')                            \
	X(EMBED, "Embed", "EM", '-', 'r')                                  \
	X(EMERGENCY, "Emergency", "EG", '-', '-')                          \
	X(EMERGENCYOFF, "EmergencyOff", "EGO", '-', '-')                   \
	X(EMERGENCYVALUE, "EmergencyValue", "EGV", '-', '-')               \
	X(ERROR, "Error", "ER", 'E', 'e')                                  \
	X(EVENTBUFFER, "EventBuffer", "EB", '-', 'o')                      \
	X(EVENTS, "Events", "E", 'w', 'o')                                 \
	X(EXTERNAL, "External", "EX", '-', '-')                            \
	X(FAILOVER, "Failover", "FL", '-', '-')                            \
	X(FORCED, "Forced", "FO", '-', '-')                                \
	X(GRACEFUL, "Graceful", "GR", '-', '-')                            \
	X(H221, "H221", "H221", '-', '-')                                  \
	X(H223, "H223", "H223", '-', '-')                                  \
	X(H226, "H226", "H226", '-', '-')                                  \
	X(HANDOFF, "HandOff", "HO", '-', '-')                              \
	X(IEPSCALL, "IEPSCall", "IEPS", 'K', '-')                          \
	X(IMMACKREQUIRED, "ImmAckRequired", "IA", '-', '-')                \
	X(INACTIVE, "Inactive", "IN", '-', '-')                            \
	X(INTERNAL, "Internal", "IT", '-', '-')                            \
	X(INTERSIGNAL, "Intersignal", "SPAIS", 'U', '-')                   \
	X(INTBYEVENT, "IntByEvent", "IBE", '-', '-')                       \
	X(INTBYSIGDESCR, "IntBySigDescr", "IBS", '-', '-')                 \
	X(ISOLATE, "Isolate", "IS", '-', '-')                              \
	X(INSERVICE, "InService", "IV", '-', '-')                          \
	X(ITERATION, "Iteration", "IR", 'U', '-')                          \
	X(KEEPACTIVE, "KeepActive", "KA", '-', '-')                        \
	X(LOCAL, "Local", "L", '-', 'x')                                   \
	X(LOCALCONTROL, "LocalControl", "O", '-', 'r')                     \
	X(LOCKSTEP, "LockStep", "SP", '-', '-')                            \
	X(LOOPBACK, "Loopback", "LB", '-', '-')                            \
	X(MEDIA, "Media", "M", '-', 'o')                                   \
	X(MEGACO, "MEGACO", "!", '-', '-')                                 \
	X(SEGMENT, "Segment", "SM", 'S', '-')                              \
	X(METHOD, "Method", "MT", 'K', '-')                                \
	X(MGCIDTOTRY, "MgcIdToTry", "MG", 'M', '-')                        \
	X(MODE, "Mode", "MO", 'K', '-')                                    \
	X(MODIFY, "Modify", "MF", 'T', 'o')                                \
	X(MODEM, "Modem", "MD", 'L', 'o')                                  \
	X(MOVE, "Move", "MV", 'T', 'o')                                    \
	X(MTP, "MTP", "MTP", '-', '-')                                     \
	X(MUX, "Mux", "MX", 'K', 'o')                                      \
	X(NEVERNOTIFY, "NeverNotify", "NBNN", '-', '-')                    \
	X(NOTIFY, "Notify", "N", 'T', 'o')                                 \
	X(NOTIFYCOMPLETION, "NotifyCompletion", "NC", 'L', '-')            \
	X(IMMEDIATENOTIFY, "ImmediateNotify", "NBIN", '-', '-')            \
	X(REGULATEDNOTIFY, "RegulatedNotify", "NBRN", '-', 'o')            \
	X(NX64KSERVICE, "Nx64Kservice", "N64", '-', '-')                   \
	X(OBSERVEDEVENTS, "ObservedEvents", "OE", 'w', 'o')                \
	X(OFF, "OFF", "OFF", '-', '-')                                     \
	X(ONEWAY, "Oneway", "OW", '-', '-')                                \
	X(ONEWAYBOTH, "OnewayBoth", "OWB", '-', '-')                       \
	X(ONEWAYEXTERNAL, "OnewayExternal", "OWE", '-', '-')               \
	X(ONOFF, "OnOff", "OO", '-', '-')                                  \
	X(ORLGC, "ORLgc", "ORLgc", '-', '-')                               \
	X(ON, "ON", "ON", '-', '-')                                        \
	X(OTHERREASON, "OtherReason", "OR", '-', '-')                      \
	X(OUTOFSERVICE, "OutOfService", "OS", '-', '-')                    \
	X(PACKAGES, "Packages", "PG", '-', 'o')                            \
	X(PENDING, "Pending", "PN", 'U', 'r')                              \
	X(PRIORITY, "Priority", "PR", 'u', '-')                            \
	X(PROFILE, "Profile", "PF", 'W', '-')                              \
	X(REASON, "Reason", "RE", 'W', '-')                                \
	X(RECVONLY, "ReceiveOnly", "RC", '-', '-')                         \
	X(REPLY, "Reply", "P", 'S', 'r')                                   \
	X(RESETEVENTSDESCRIPTOR, "ResetEventsDescriptor", "RSE", '-', '-') \
	X(RESTART, "Restart", "RS", '-', '-')                              \
	X(REMOTE, "Remote", "R", '-', 'x')                                 \
	X(REQUESTID, "SPARequestID", "SPARQ", 'W', '-')                    \
	X(RESERVEDGROUP, "ReservedGroup", "RG", 'K', '-')                  \
	X(RESERVEDVALUE, "ReservedValue", "RV", 'K', '-')                  \
	X(END, "END", "&", '-', '-')                                       \
	X(SENDONLY, "SendOnly", "SO", '-', '-')                            \
	X(SENDRECV, "SendReceive", "SR", '-', '-')                         \
	X(SERVICES, "Services", "SV", '-', 'r')                            \
	X(SERVICESTATES, "ServiceStates", "SI", 'K', '-')                  \
	X(SERVICECHANGE, "ServiceChange", "SC", 'T', 'o')                  \
	X(SERVICECHANGEADDRESS, "ServiceChangeAddress", "AD", 'M', '-')    \
	X(SERVICECHANGEINC, "ServiceChangeInc", "SIC", '-', '-')           \
	X(SIGNALLIST, "SignalList", "SL", 'U', 'r')                        \
	X(SIGNALS, "Signals", "SG", '-', 'o')                              \
	X(SIGNALTYPE, "SignalType", "SY", 'K', '-')                        \
	X(STATISTICS, "Statistics", "SA", '-', 'o')                        \
	X(STREAM, "Stream", "ST", 'U', 'o')                                \
	X(SUBTRACT, "Subtract", "S", 'T', 'o')                             \
	X(SYNCHISDN, "SynchISDN", "SN", '-', '-')                          \
	X(TERMINATIONSTATE, "TerminationState", "TS", '-', 'r')            \
	X(TEST, "Test", "TE", '-', '-')                                    \
	X(TIMEOUT, "TimeOut", "TO", '-', '-')                              \
	X(TOPOLOGY, "Topology", "TP", '-', 'o')                            \
	X(TRANSACTION, "Transaction", "T", 'U', 'r')                       \
	X(RESPONSEACK, "TransactionResponseAck", "K", '-', 'r')            \
	X(V18, "V18", "V18", '-', '-')                                     \
	X(V22, "V22", "V22", '-', '-')                                     \
	X(V22B, "V22b", "V22b", '-', '-')                                  \
	X(V32, "V32", "V32", '-', '-')                                     \
	X(V32B, "V32b", "V32b", '-', '-')                                  \
	X(V34, "V34", "V34", '-', '-')                                     \
	X(V76, "V76", "V76", '-', '-')                                     \
	X(V90, "V90", "V90", '-', '-')                                     \
	X(V91, "V91", "V91", '-', '-')                                     \
	X(VERSION, "Version", "V", 'U', '-')

enum h248_tok {
	H248_TOK_NONE = 0,
#define H248_ENUM(id, pretty, compact, value, body) H248_TOK_##id,
	H248_TOKENS(H248_ENUM)
#undef H248_ENUM
	    H248_TOK_COUNT
};

struct h248_token_info {
	const char *pretty, *compact;
	char value, body;
	uint8_t pretty_len, compact_len; /* strlen of each spelling */
};

extern const struct h248_token_info h248_tokens[H248_TOK_COUNT];

/* SafeChar of RFC 3525 B.2 (ALPHA / DIGIT / "+-&!_/'?@^`~*$\()%|."): 1 for each, 0 else. */
extern const unsigned char h248_safechar[256];

/* The token spelled s[0..n) in either form, case-insensitively; H248_TOK_NONE when none. */
enum h248_tok h248_token_lookup(const char *s, size_t n);

#endif
