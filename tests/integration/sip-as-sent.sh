#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-alg traces each SIP message it sends as it went on the wire (issue 23): two outside SIP ends, SIPp
# UEs logging every message they receive (-trace_msg), talk through ims-alg (REGISTER answered by its
# registrar, an INVITE forwarded with its 200 back, the ACK sent statelessly, the BYE). Every sip.tx in
# ims-alg's trace toward a SIPp end is byte for byte the message that end received (same Call-ID, CSeq
# and start line), and every request forwarded carries ims-alg's own Via on top (a branch of its own).
. "$top_srcdir/tests/integration/lib.sh"
command -v python3 >/dev/null || { echo "sip-as-sent: python3 is not installed: skipped"; exit 77; }
for tool in sipp socat openssl; do
	command -v "$tool" >/dev/null || { echo "sip-as-sent: $tool is not installed: skipped"; exit 77; }
done
S="$top_srcdir/tests/integration/sipp"
CERT="$top_srcdir/tests/data/agw-cert.pem" KEY="$top_srcdir/tests/data/agw-key.pem"

set -- $("$FREEPORT" 7)
access=$1 core=$2 h248=$3 agw_h248=$4 ue=$5 peer=$6 uport=$7
start alg "$WORK/alg.log" "$ALG" --sip-access-port "$access" --sip-core-port "$core" \
	--sip-core-next-hop "sip:127.0.0.1:$peer" --h248-port "$h248" --trace-file "$WORK/alg.jsonl" --log-level info
start agw "$WORK/agw.log" "$AGW" --h248-port "$agw_h248" --mgc-port "$h248" \
	--realm-access-ports 30540-30549 --realm-core-ports 30550-30559 --log-level info --no-leg-source-filter \
	--tls-certificate "$CERT" --tls-key "$KEY"
wait_log "$WORK/alg.log" "gateway .* registered" >/dev/null || exit 1

# the UE's TLS end (its SDP offers e2ae MSRP): openssl with the certificate its a=fingerprint names
fp=$(openssl x509 -in "$CERT" -noout -fingerprint -sha256 | sed 's/.*=//')
sleep 5 | openssl s_server -quiet -accept "127.0.0.1:$uport" -cert "$CERT" -key "$KEY" >"$WORK/s_server.out" 2>&1 &
pids="$pids $!"
sipp -sf "$S/ladder-core.xml" -i 127.0.0.1 -p "$peer" -m 1 -nd -timeout 20 -timeout_error -trace_msg \
	-message_file "$WORK/core.msg" -trace_err -error_file "$WORK/core.err" >/dev/null 2>&1 &
core_pid=$!
sleep 0.3
sipp -sf "$S/ladder-ue.xml" -key uport "$uport" -key fp "$fp" "127.0.0.1:$access" -i 127.0.0.1 -p "$ue" -m 1 \
	-nd -timeout 20 -timeout_error -trace_msg -message_file "$WORK/ue.msg" -trace_err -error_file "$WORK/ue.err" \
	>/dev/null 2>&1 &
ue_pid=$!
wait_log "$WORK/core.msg" "^m=message [0-9]+ TCP/MSRP" >/dev/null
port=$(sed -n 's/^m=message \([0-9]*\) TCP\/MSRP.*/\1/p' "$WORK/core.msg" | head -n 1)
sleep 3 | socat -u - "TCP:127.0.0.1:$port" >/dev/null 2>&1 &
wait "$ue_pid"; ue_status=$?
wait "$core_pid"; core_status=$?
expect_eq "the UE's call (REGISTER, INVITE, 200, ACK, BYE)" "$ue_status" 0
expect_eq "the core's call" "$core_status" 0
[ "$ue_status$core_status" = 00 ] || cat "$WORK/ue.err" "$WORK/core.err"
sleep 0.3

if found=$(python3 "$top_srcdir/tests/integration/sip_as_sent.py" "$WORK/alg.jsonl" \
	"127.0.0.1:$ue=$WORK/ue.msg" "127.0.0.1:$peer=$WORK/core.msg" 2>&1); then
	ok "every SIP message ims-alg traced as sent is the one received ($(printf '%s' "$found" | tail -1))"
else
	not_ok "every SIP message ims-alg traced as sent is the one received" "$found"
fi
finish
