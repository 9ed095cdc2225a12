#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `ims-lab ladder` on a testbed with outside parties (issue 23's acceptance): ims-alg and ims-agw with
# their traces, a SIPp UE offering e2ae MSRP whose TLS end is openssl s_server, a SIPp core answering
# plain MSRP and socat connecting for it; the ladder drawn from the two daemons' traces alone has every
# SIP, H.248, TCP and TLS event of them between two columns, the UE's and the core's SIP ends as columns
# of their own, the TLS handshake toward the UE among them.
. "$top_srcdir/tests/integration/lib.sh"
command -v python3 >/dev/null || { echo "lab-ladder-testbed: python3 is not installed: skipped"; exit 77; }
for tool in sipp socat openssl; do
	command -v "$tool" >/dev/null || { echo "lab-ladder-testbed: $tool is not installed: skipped"; exit 77; }
done
LAB="$top_builddir/lab/ims-lab"
S="$top_srcdir/tests/integration/sipp"
CERT="$top_srcdir/tests/data/agw-cert.pem" KEY="$top_srcdir/tests/data/agw-key.pem"

set -- $("$FREEPORT" 7)
access=$1 core=$2 h248=$3 agw_h248=$4 ue=$5 peer=$6 uport=$7
start alg "$WORK/alg.log" "$ALG" --sip-access-port "$access" --sip-core-port "$core" \
	--sip-core-next-hop "sip:127.0.0.1:$peer" --h248-port "$h248" --trace-file "$WORK/alg.jsonl" --log-level info
start agw "$WORK/agw.log" "$AGW" --h248-port "$agw_h248" --mgc-port "$h248" --trace-file "$WORK/agw.jsonl" \
	--realm-access-ports 30520-30529 --realm-core-ports 30530-30539 --log-level info --no-leg-source-filter \
	--tls-certificate "$CERT" --tls-key "$KEY"
wait_log "$WORK/alg.log" "gateway .* registered" >/dev/null || exit 1

# the UE's TLS end: openssl with a certificate the UE's SDP names by its fingerprint
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
# the core connects to the gateway's core leg once it has the offer (seed 004 step 10)
wait_log "$WORK/core.msg" "^m=message [0-9]+ TCP/MSRP" >/dev/null
port=$(sed -n 's/^m=message \([0-9]*\) TCP\/MSRP.*/\1/p' "$WORK/core.msg" | head -n 1)
sleep 3 | socat -u - "TCP:127.0.0.1:$port" >/dev/null 2>&1 &
wait "$ue_pid"; ue_status=$?
wait "$core_pid"; core_status=$?
expect_eq "the UE's call (REGISTER, INVITE, 200, ACK, BYE)" "$ue_status" 0
expect_eq "the core's call" "$core_status" 0
[ "$ue_status$core_status" = 00 ] || cat "$WORK/ue.err" "$WORK/core.err"
sleep 0.5

out=$(COLUMNS=100 "$LAB" ladder --color=never --html "$WORK/ladder.html" "$WORK/alg.jsonl" "$WORK/agw.jsonl"); status=$?
expect_eq "ladder TRACE...: drawn" "$status" 0
if found=$(python3 "$top_srcdir/tests/integration/ladder_check.py" drawn "$WORK/ladder.html" "$WORK/alg.jsonl" \
	"$WORK/agw.jsonl" 2>&1); then ok "every SIP, H.248, TCP and TLS event drawn ($(printf '%s' "$found" | tail -1))"
else not_ok "every SIP, H.248, TCP and TLS event drawn" "$found"; fi
expect_match "the columns: the UE's SIP end, ims-alg, ims-agw, the core's SIP end" "$(printf '%s\n' "$out" | grep '^step ')" \
	"^step +ms +127\\.0\\.0\\.1:$ue +ims-alg +ims-agw +127\\.0\\.0\\.1:$peer\$"
expect_match "the INVITE from the UE, then toward the core" "$(printf '%s\n' "$out" | grep -E -- '-INVITE-')" \
	'^ +[0-9.]+ \|-+INVITE-+>\|.*'$'\n''.*\|-+INVITE-+>\|$'
expect_match "the gateway's ClientHello toward the UE, TLS up at the gateway" "$out" \
	'\|<-+ClientHello-+\|.*'
expect_match "TLS up noted at the gateway" "$out" '\| \[TLS up'
check_html=$(python3 "$top_srcdir/tests/integration/ladder_check.py" canvas "$WORK/ladder.html" 2>&1)
expect_eq "its HTML within the drawing" "$check_html" ""
finish
