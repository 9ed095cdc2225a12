#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-alg and ims-agw between two SIPp parties (software we did not write), for what a real UE broke:
#   - the UE's media fails before the answer (it offers a=setup:actpass and is not listening): the core
#     rang and connected to the gateway, whose connect to the UE is refused (tcpbcc/fail). The UE gets
#     488 and nothing else, the core a CANCEL; its 487 is ACKed, or its 200 that crossed the CANCEL is
#     ACKed and released with BYE; the context is subtracted and ims-alg lives on (under ASan in the
#     sanitizer build: a use after free here once took the P-CSCF down). The gateway's source filter is
#     off (--no-leg-source-filter): on, as by default, it holds the core's connection until the answer's
#     Modify (issue 26), so that the media cannot fail before the answer;
#   - the offer the core gets names the gateway at the session level too (o= and c=), while the audio
#     line the gateway leaves alone keeps the UE's address as its own c=: byte for byte;
#   - a P-CSCF serves its registered UEs: an INVITE from an address no UE registered from gets 403,
#     and so does one beyond sip.max_calls from one address, each before any H.248.
. "$top_srcdir/tests/integration/lib.sh"
S="$top_srcdir/tests/integration/sipp"
for tool in sipp socat; do
	command -v "$tool" >/dev/null || { echo "alg-sipp: $tool is not installed: skipped"; exit 77; }
done

set -- $("$FREEPORT" 6)
access=$1 core=$2 h248=$3 agw_h248=$4 ue=$5 peer=$6
start alg "$WORK/alg.log" "$ALG" --sip-access-port "$access" --sip-core-port "$core" \
	--sip-core-next-hop "sip:127.0.0.1:$peer" --h248-port "$h248" --trace-file "$WORK/alg.jsonl" \
	--log-level info --sip-max-calls 1
alg=$last_pid
start agw "$WORK/agw.log" "$AGW" --h248-port "$agw_h248" --mgc-port "$h248" \
	--realm-access-ports 30500-30509 --realm-core-ports 30510-30519 --log-level info --no-leg-source-filter \
	--tls-certificate "$top_srcdir/tests/data/agw-cert.pem" --tls-key "$top_srcdir/tests/data/agw-key.pem"
agw=$last_pid
wait_log "$WORK/alg.log" "gateway .* registered" >/dev/null || exit 1

# call NAME CORE-SCENARIO: one call through the pair; both SIPp parties must end their scenario.
call() {
	dead=$("$FREEPORT" 1) # nothing listens there
	sipp -sf "$S/$2" -i 127.0.0.1 -p "$peer" -m 1 -nd -timeout 20 -timeout_error -trace_msg \
		-message_file "$WORK/$1-core.msg" -trace_err -error_file "$WORK/$1-core.err" >/dev/null 2>&1 &
	core_pid=$!
	sleep 0.3
	sipp -sf "$S/media-fails-ue.xml" -key dead "$dead" "127.0.0.1:$access" -i 127.0.0.1 -p "$ue" -m 1 \
		-nd -timeout 20 -timeout_error -trace_msg -message_file "$WORK/$1-ue.msg" \
		-trace_err -error_file "$WORK/$1-ue.err" >/dev/null 2>&1 &
	ue_pid=$!
	# the core connects to the gateway's core leg once it has the offer (seed 004 step 10)
	wait_log "$WORK/$1-core.msg" "^m=message [0-9]+ TCP/MSRP" >/dev/null
	port=$(sed -n 's/^m=message \([0-9]*\) TCP\/MSRP.*/\1/p' "$WORK/$1-core.msg" | head -n 1)
	sleep 3 | socat -u - "TCP:127.0.0.1:$port" >/dev/null 2>&1 &
	wait "$ue_pid"
	ue_status=$?
	wait "$core_pid"
	core_status=$?
	expect_eq "$1: the UE's scenario (REGISTER, INVITE, 488, ACK)" "$ue_status" 0
	expect_eq "$1: the core's scenario ($2)" "$core_status" 0
	[ "$ue_status$core_status" = 00 ] || cat "$WORK/$1-ue.err" "$WORK/$1-core.err"
	kill -0 "$alg" 2>/dev/null
	expect_eq "$1: ims-alg lives on" "$?" 0
}

# The responses to INVITEs ims-alg sent to the UE, one status line a line.
to_ue() {
	python3 - "$WORK/alg.jsonl" "$ue" <<'EOF'
import json, re, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("kind") == "sip.tx" and o.get("to", "").endswith(":" + sys.argv[2]) and \
       re.search(r"^CSeq: [0-9]+ INVITE\r?$", o.get("raw", ""), re.M):
        print(o.get("summary"))
EOF
}

# The body of the first INVITE in a SIPp message log, line ends as LF.
invite_body() {
	awk '/message received/ { m = 1; next } m && /^INVITE / { i = 1 } i && /^\r?$/ { b = 1; next }
	     b && /^----------/ { exit } b { sub(/\r$/, ""); print }' "$1"
}

call cancel media-fails-core-487.xml
got=$(invite_body "$WORK/cancel-core.msg")
gw=$(printf '%s\n' "$got" | sed -n 's/^m=message \([0-9]*\) .*/\1/p')
want="v=0
o=alice 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio 49170 RTP/AVP 0
c=IN IP4 127.0.0.2
a=rtpmap:0 PCMU/8000
m=message $gw TCP/MSRP *
c=IN IP4 127.0.0.1
a=accept-types:text/plain
a=path:msrps://127.0.0.2:$dead/s;tcp
a=setup:actpass"
expect_eq "the offer toward the core: the gateway at the session level, audio keeps the UE's c=" \
	"$got" "$want"

call crossed media-fails-core-200.xml
expect_eq "the UE heard 180 and 488 per call, never a 200" "$(to_ue)" "180 Ringing
488 Not Acceptable Here (media failed)
180 Ringing
488 Not Acceptable Here (media failed)"
sleep 0.3
expect_eq "both contexts subtracted" "$(grep -c 'Subtract = \*' "$WORK/alg.jsonl")" 2

# A registered UE's call rings, holding the one call its address may have; meanwhile a party at the
# same address and one at an address nobody registered from try to call.
sipp -sf "$S/ringing-core.xml" -i 127.0.0.1 -p "$peer" -m 1 -nd -timeout 20 -timeout_error \
	-trace_msg -message_file "$WORK/ringing-core.msg" >/dev/null 2>&1 &
core_pid=$!
sleep 0.3
sipp -sf "$S/ringing-ue.xml" "127.0.0.1:$access" -i 127.0.0.1 -p "$ue" -m 1 -nd -timeout 20 -trace_err -error_file "$WORK/ringing-ue.err" \
	-timeout_error >/dev/null 2>&1 &
ue_pid=$!
wait_log "$WORK/ringing-core.msg" "^INVITE " >/dev/null
adds=$(grep -c 'h248.tx.*Add = ' "$WORK/alg.jsonl")
set -- $("$FREEPORT" 2)
same=$1 stranger=$2
for who in "127.0.0.1 $same" "127.0.0.3 $stranger"; do
	set -- $who
	sipp -sf "$S/stranger-ue.xml" "127.0.0.1:$access" -i "$1" -p "$2" -m 1 -nd -timeout 10 \
		-timeout_error >/dev/null 2>&1
	expect_eq "an INVITE from $1 refused (403, ACK)" "$?" 0
done
expect_eq "no H.248 for either" "$(grep -c 'h248.tx.*Add = ' "$WORK/alg.jsonl")" "$adds"
wait "$ue_pid"
expect_eq "the ringing call ends busy (486, ACK)" "$?" 0
wait "$core_pid"
expect_eq "the core rang, then was busy" "$?" 0
refusals=$(python3 - "$WORK/alg.jsonl" "$same" "$stranger" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("kind") == "sip.tx" and o.get("to", "").rsplit(":", 1)[-1] in sys.argv[2:]:
        print(o["to"].split(":")[0], o.get("summary"))
EOF
)
expect_eq "the refusals say why" "$refusals" "127.0.0.1 403 Forbidden (too many calls)
127.0.0.3 403 Forbidden (not registered)"

# issue 22: the mechanisms a UE registered with are named in the log, not shown as a bit mask
expect_match "the registration's mechanisms named" "$(grep -m1 ' INFO reg .* media security ' "$WORK/alg.log")" \
	' for [0-9]+s, media security msrp-tls, bfcp-tls$'
stop "$agw" TERM
expect_eq "ims-agw exits 0" "$stopped" 0
stop "$alg" TERM
expect_eq "ims-alg exits 0" "$stopped" 0
finish
