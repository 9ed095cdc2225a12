#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-alg reads a gateway's Local whole, however long (issue 24 item 2): Erlang/OTP megaco as the media
# gateway (tests/integration/megaco_mg.escript, compact text, version 3) answers each Add with a Local
# whose session part carries about 1.5 KB of a= lines between its c= and its m= line, and a SIPp call
# (tests/bench/sipp: a UE offering TCP/TLS/MSRP, seed 004 NOTE 1 forcing e2ae) goes through. Asserted: the
# gateway's Locals were over 1024 bytes; the call completes; the 200 OK to the UE carries the gateway's
# access port and fingerprint, and the INVITE to the called party its core port, all of which follow the
# padding in the Local. ims-alg before this cut every Local to 1023 bytes: the m= line was lost, and the
# call failed with 500 "Media Gateway Answer Unreadable". Skipped (exit 77) without erl, megaco or sipp.
. "$top_srcdir/tests/integration/lib.sh"
need_megaco
command -v sipp >/dev/null || { echo "sipp not installed: skipped"; exit 77; }
MG="$top_srcdir/tests/integration/megaco_mg.escript"
SIPP="$top_srcdir/tests/bench/sipp"
FP_MG=AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99
# The address the MG puts in its Locals' c= line, followed by the padding: the escript writes it as the
# c= line's value, so the CRLFs make session-level a= lines of it (RFC 4566 §5: they may come after c=).
PAD=""
for i in $(seq 1 24); do PAD="$PAD"$'\r\n'"a=x-pad$i:$(printf '%060d' "$i")"; done
MGADDR="127.0.0.9$PAD"

# sdp_of FILE START-LINE: the body of the first SIP message in SIPp's message log FILE whose start line is
# START-LINE
sdp_of() {
	awk -v start="$2" 'index($0, start) == 1 { on = 1; next } on && /^-{20}/ { exit } on && /^[a-z]=/ { print }' "$1" | tr -d '\r'
}

set -- $("$FREEPORT" 6)
h248=$1 access=$2 core=$3 uas=$4 mg=$5 ue=$6
sipp -sf "$SIPP/uas.xml" -i 127.0.0.1 -p "$uas" -m 1 -nostdin -trace_msg -message_file "$WORK/uas_msg.log" \
	>"$WORK/uas.out" 2>&1 &
uaspid=$!
pids="$pids $uaspid"
start alg "$WORK/alg.log" "$ALG" --sip-access-port "$access" --sip-core-port "$core" \
	--sip-core-next-hop "sip:127.0.0.1:$uas" --h248-port "$h248" --h248-audit 0 --policy-force-e2ae-orig \
	--no-sip-registered-only --log-level info --trace-file "$WORK/alg.jsonl"
alg=$last_pid
wait_log "$WORK/alg.log" "ready:" >/dev/null || { not_ok "ims-alg started"; finish; }
escript "$MG" compact 3 "$mg" "$h248" "$MGADDR" "$FP_MG" 20 >"$WORK/mg.out" 2>"$WORK/mg.err" &
mgpid=$!
pids="$pids $mgpid"
wait_log "$WORK/mg.out" "^registered" 15 >/dev/null || { not_ok "megaco registered" "$(cat "$WORK/mg.err")"; finish; }
sipp "127.0.0.1:$access" -sf "$SIPP/uac.xml" -i 127.0.0.1 -p "$ue" -m 1 -nostdin -timeout 15s -timeout_error \
	-trace_msg -message_file "$WORK/uac_msg.log" >"$WORK/uac.out" 2>&1
status=$?
expect_eq "the SIPp call completes" "$status" 0
[ "$status" = 0 ] || printf '       %s\n' "$(tail -3 "$WORK/uac.out")" "$(grep -E 'WARN|ERROR' "$WORK/alg.log" | head -5)"
wait "$mgpid"
expect_eq "megaco answered through Subtract" "$?" 0
stop "$alg" TERM
expect_eq "ims-alg exits 0" "$stopped" 0
kill "$uaspid" 2>/dev/null
wait "$uaspid" 2>/dev/null

# megaco's Locals carried the whole padding (over 1024 bytes before their m= line)
expect_eq "the padding is over 1024 bytes" "$([ ${#PAD} -gt 1024 ] && echo yes || echo "no: ${#PAD}")" yes
expect_eq "megaco's two Add replies carried it whole" \
	"$(grep '"kind":"h248.rx"' "$WORK/alg.jsonl" | grep -c "a=x-pad24:0*24[^m]*m=message 4600")" 2
answer=$(sdp_of "$WORK/uac_msg.log" "SIP/2.0 200 OK")
expect_match "the 200 OK's MSRP line is the MG's access termination" "$answer" "^m=message 46001 TCP/TLS/MSRP \*$"
expect_match "... with its fingerprint" "$answer" "^a=fingerprint:sha-256 $FP_MG$"
expect_match "... at its address" "$(printf '%s\n' "$answer" | sed -n '/^m=/,$p')" "^c=IN IP4 127.0.0.9$"
offer=$(sdp_of "$WORK/uas_msg.log" "INVITE sip:")
expect_match "the INVITE to the core carries the MG's core termination" "$offer" "^m=message 46000 TCP/MSRP \*$"
finish
