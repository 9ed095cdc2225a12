#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-alg as the MGC of Erlang/OTP megaco as its media gateway (tests/integration/megaco_mg.escript: megaco's
# own stack registers over UDP with ServiceChange and answers every request), in megaco's pretty and compact
# text at versions 1, 2 and 3, with a SIPp call through ims-alg (tests/bench/sipp: a UE offering
# TCP/TLS/MSRP with a fingerprint, seed 004 NOTE 1 forcing e2ae; the called party answering TCP/MSRP).
# megaco's pretty text lays each Local out as "Local { " EOL, the SDP with CRLF, EOL and the '}' indented
# with tabs (H.248.1 Annex B allows it); ims-alg must read the SDP inside. Asserted per run: the call
# completes (SIPp's exit status); the 200 OK to the UE carries the megaco MG's access address, port and
# fingerprint, and the INVITE to the called party its core address and port; the H.248 ims-alg sent as
# megaco decoded it (seed 004 steps 2, 5, 13-18, and Subtract on BYE), at the agreed version; the replies
# reached ims-alg in megaco's layout. Skipped (exit 77) without erl, megaco or sipp.
. "$top_srcdir/tests/integration/lib.sh"
need_megaco
command -v sipp >/dev/null || { echo "sipp not installed: skipped"; exit 77; }
MG="$top_srcdir/tests/integration/megaco_mg.escript"
SIPP="$top_srcdir/tests/bench/sipp"
MGADDR=127.0.0.9 # the address the megaco MG puts in its Locals (no media flows in this test)
FP_MG=AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99
FP_UE=3B:3E:08:DB:AE:8A:8E:E4:14:DC:08:71:89:67:F4:EE:40:5D:3E:02:EA:D8:EC:6A:7F:1C:76:30:20:EC:4C:BF

# What megaco decoded at version $1, re-encoded by its compact encoder (SDP lines end in CRLF): the MGC's
# answer to the registration, then seed 004's originating e2ae MSRP call (NOTE 1), request and reply.
expected() {
	local h="!/$1 [127.0.0.1]:2945"
	sed '/^[a-z]=/s/$/\r/' <<EOF
--- registration
!/N [127.0.0.1]:2945
P=1{C=-{SC=root{SV{V=$1}}}}
registered
--- request
$h
T=1{C=-{AV=root{AT{PG}}}}
--- reply
$h
P=1{C=-{AV=root}}
--- request
$h
T=1{C=\${A=\${M{ST=1{O{MO=SR,ipdc/realm=core},L{
v=0
c=IN IP4 \$
m=message \$ TCP/MSRP *
a=setup:actpass
}}},E=1{tcpbcc/fail}}}}
--- reply
$h
P=1{C=1{A=mg/1{M{ST=1{L{
v=0
c=IN IP4 $MGADDR
m=message 46000 TCP/MSRP *
a=setup:actpass
}}}}}}
--- request
$h
T=1{C=1{A=\${M{ST=1{O{MO=SR,ipdc/realm=access},L{
v=0
c=IN IP4 \$
m=message \$ TCP/TLS/MSRP *
a=setup:active
a=fingerprint:\$
},R{
v=0
c=IN IP4 127.0.0.1
m=message 2855 TCP/TLS/MSRP *
a=setup:actpass
a=fingerprint:sha-256 $FP_UE
}}},E=2{tlsbsc/up,tlsbsc/fail,tcpbcc/fail}}}}
--- reply
$h
P=1{C=1{A=mg/2{M{ST=1{L{
v=0
c=IN IP4 $MGADDR
m=message 46001 TCP/TLS/MSRP *
a=setup:active
a=fingerprint:sha-256 $FP_MG
}}}}}}
--- request
$h
T=1{C=1{MF=mg/1{M{ST=1{R{
v=0
c=IN IP4 127.0.0.1
m=message 2856 TCP/MSRP *
a=setup:active
}}}},MF=mg/2{SG{tlsbsc/est}}}}
--- reply
$h
P=1{C=1{MF=mg/1,MF=mg/2}}
--- request
$h
T=1{C=1{S=*}}
--- reply
$h
P=1{C=1{S=*}}
--- end
EOF
}

# sdp_after FILE START-LINE: the body of the first SIP message in SIPp's message log FILE whose start line
# is START-LINE
sdp_of() {
	awk -v start="$2" 'index($0, start) == 1 { on = 1; next } on && /^-{20}/ { exit } on && /^[a-z]=/ { print }' "$1" | tr -d '\r'
}

run() { # ENCODING VERSION
	local enc=$1 v=$2 label="$1 v$2"
	set -- $("$FREEPORT" 6)
	local h248=$1 access=$2 core=$3 uas=$4 mg=$5 ue=$6
	rm -f "$WORK"/*.log "$WORK/alg.jsonl"
	sipp -sf "$SIPP/uas.xml" -i 127.0.0.1 -p "$uas" -m 1 -nostdin -trace_msg \
		-message_file "$WORK/uas_msg.log" >"$WORK/uas.out" 2>&1 &
	local uaspid=$!
	pids="$pids $uaspid"
	# the bench UE of tests/bench/sipp does not register: the P-CSCF's access control is off here
	start alg "$WORK/alg.log" "$ALG" --sip-access-port "$access" --sip-core-port "$core" \
		--sip-core-next-hop "sip:127.0.0.1:$uas" --h248-port "$h248" --h248-audit 0 --policy-force-e2ae-orig \
		--no-sip-registered-only --log-level info --trace-file "$WORK/alg.jsonl"
	local alg=$last_pid
	wait_log "$WORK/alg.log" "ready:" >/dev/null || { not_ok "$label: ims-alg started"; return; }
	# emptied first: the last round's "registered" must not pass the wait before this escript's
	# redirection (done in the background child) truncates the file
	: >"$WORK/mg.out"
	escript "$MG" "$enc" "$v" "$mg" "$h248" "$MGADDR" "$FP_MG" 20 >"$WORK/mg.out" 2>"$WORK/mg.err" &
	local mgpid=$!
	pids="$pids $mgpid"
	wait_log "$WORK/mg.out" "^registered" 15 >/dev/null || { not_ok "$label: megaco registered" "$(cat "$WORK/mg.err")"; return; }
	sipp "127.0.0.1:$access" -sf "$SIPP/uac.xml" -i 127.0.0.1 -p "$ue" -m 1 -nostdin -timeout 15s \
		-timeout_error -trace_msg -message_file "$WORK/uac_msg.log" >"$WORK/uac.out" 2>&1
	local status=$?
	expect_eq "$label: the SIPp call completes" "$status" 0
	[ "$status" = 0 ] || printf '       %s\n' "$(tail -3 "$WORK/uac.out")" "$(grep -E 'WARN|ERROR' "$WORK/alg.log" | head -5)" \
		"$(grep -E '^(SIP/2.0 [0-9]|[A-Z]+ sip:)' "$WORK/uac_msg.log" "$WORK/uas_msg.log")"
	wait "$mgpid"
	expect_eq "$label: megaco answered through Subtract" "$?" 0
	stop "$alg" TERM
	expect_eq "$label: ims-alg exits 0" "$stopped" 0
	kill "$uaspid" 2>/dev/null
	wait "$uaspid" 2>/dev/null

	local answer offer
	answer=$(sdp_of "$WORK/uac_msg.log" "SIP/2.0 200 OK")
	expect_match "$label: the 200 OK's MSRP line is the megaco MG's access termination" "$answer" \
		"^m=message 46001 TCP/TLS/MSRP \*$"
	expect_match "$label: ... at its address" "$(printf '%s\n' "$answer" | sed -n '/^m=/,$p')" "^c=IN IP4 $MGADDR$"
	expect_match "$label: ... with its fingerprint" "$answer" "^a=fingerprint:sha-256 $FP_MG$"
	offer=$(sdp_of "$WORK/uas_msg.log" "INVITE sip:")
	expect_match "$label: the INVITE to the core carries the megaco MG's core termination" "$offer" \
		"^m=message 46000 TCP/MSRP \*$"
	expect_match "$label: ... at its address" "$(printf '%s\n' "$offer" | sed -n '/^m=/,$p')" "^c=IN IP4 $MGADDR$"

	# the header of the MGC's answer to the registration is not asserted: ims-alg answers at its own version
	sed '1d; /^--- registration$/{n;s|^!/[0-9] |!/N |}' "$WORK/mg.out" >"$WORK/got"
	expected "$v" >"$WORK/want"
	if diff -u "$WORK/want" "$WORK/got" >"$WORK/diff"; then
		ok "$label: the H.248 ims-alg sent, as megaco decoded it"
	else
		not_ok "$label: the H.248 ims-alg sent, as megaco decoded it" "$(cat "$WORK/diff")" \
			"$(grep -E 'WARN|ERROR' "$WORK/alg.log" | head -5)"
	fi
	local rx tx
	rx=$(grep '"kind":"h248.rx"' "$WORK/alg.jsonl")
	tx=$(grep '"kind":"h248.tx"' "$WORK/alg.jsonl")
	expect_eq "$label: every request at version $v" \
		"$(printf '%s\n' "$tx" | grep '"summary":"Transaction' | grep -vc "\"raw\":\"MEGACO/$v ")" 0
	if [ "$enc" = pretty ]; then
		expect_match "$label: megaco answered Local { EOL ... EOL HTAB }" "$rx" \
			"Local \\{ \\\\nv=0\\\\r\\\\nc=IN IP4 $MGADDR\\\\r\\\\nm=message 46001 .*\\\\r\\\\n\\\\n(\\\\t)+\\}"
	else
		expect_match "$label: megaco answered L{ EOL ... }" "$rx" "L\\{\\\\nv=0\\\\r\\\\nc=IN IP4 $MGADDR\\\\r\\\\n"
	fi
}

for enc in pretty compact; do
	for v in 1 2 3; do
		run "$enc" "$v"
	done
done
finish
