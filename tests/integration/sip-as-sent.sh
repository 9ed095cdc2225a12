#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-alg traces each SIP message it sends as it went on the wire (issue 23): two outside SIP ends, SIPp
# UEs logging every message they receive (-trace_msg), talk through ims-alg (REGISTER answered by its
# registrar, an INVITE forwarded with its 200 back, the ACK sent statelessly, the BYE). Every sip.tx in
# ims-alg's trace toward a SIPp end is byte for byte the message that end received (same Call-ID, CSeq
# and start line), and every request forwarded carries ims-alg's own Via on top (a branch of its own).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/testbed_call.sh"
testbed_call sip-as-sent 30540
sleep 0.3

if found=$(python3 "$top_srcdir/tests/integration/sip_as_sent.py" "$WORK/alg.jsonl" \
	"127.0.0.1:$ue=$WORK/ue.msg" "127.0.0.1:$peer=$WORK/core.msg" 2>&1); then
	ok "every SIP message ims-alg traced as sent is the one received ($(printf '%s' "$found" | tail -1))"
else
	not_ok "every SIP message ims-alg traced as sent is the one received" "$found"
fi
finish
