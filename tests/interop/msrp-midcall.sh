#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# MSRP added to a running call (issue 19, mid-call media changes): SIPp as UE A (registered with the
# mediasec mechanism msrp-tls) calls with audio alone, then re-INVITEs adding e2ae MSRP beside it; SIPp
# as the far end answers plain TCP/MSRP. The audio line passes untouched both times; the MSRP line gets
# the gateway's terminations as a first offer's would (TS 23.334 §6.2.10.4 with seed 004's e2ae steps),
# and its SDP at each hop is the seed's: toward the core plain TCP/MSRP at the gateway's core leg,
# toward the UE TCP/TLS/MSRP with the gateway's fingerprint and a=3ge2ae:applied. openssl s_server is
# the UE's MSRP end (TLS, the certificate of its a=fingerprint, key log written), socat the far end's
# (it connects, a=setup:active); an MSRP SEND crosses each way byte for byte; BYE subtracts the context.
# tshark decodes the capture (SIP, SDP, H.248, TLS, and the MSRP inside it with the key log).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/interop/lib.sh"
need sipp openssl socat python3
CERT="$top_srcdir/tests/data/agw-cert.pem" KEY="$top_srcdir/tests/data/agw-key.pem"
BAND=30640 # the gateway's access ports BAND..+9, its core's +10..+19 (below the lab's 31000-32767)
set -- $("$FREEPORT" 7)
access=$1 core=$2 h248=$3 agw_h248=$4 ue=$5 peer=$6 uport=$7
TSHARK_OPTS=(-o "tls.keylog_file:$WORK/keys.txt" -d "udp.port==$access,sip" -d "udp.port==$core,sip"
	-d "udp.port==$peer,sip" -d "udp.port==$h248,megaco" -d "tcp.port==$uport,tls")
capture_start "udp port $access or udp port $core or udp port $peer or port $h248 or portrange $BAND-$((BAND + 19)) or port $uport"
start alg "$WORK/alg.log" "$ALG" --sip-access-port "$access" --sip-core-port "$core" \
	--sip-core-next-hop "sip:127.0.0.1:$peer" --h248-port "$h248" --trace-file "$WORK/alg.jsonl" --log-level info
alg=$last_pid
start agw "$WORK/agw.log" "$AGW" --h248-port "$agw_h248" --mgc-port "$h248" --log-level info \
	--realm-access-ports "$BAND-$((BAND + 9))" --realm-core-ports "$((BAND + 10))-$((BAND + 19))" \
	--tls-certificate "$CERT" --tls-key "$KEY"
agw=$last_pid
wait_log "$WORK/alg.log" "gateway .* registered" >/dev/null || exit 1

fp=$(openssl x509 -in "$CERT" -noout -fingerprint -sha256 | sed 's/.*=//')
crlf() { printf '%s\r\n' "$@"; }
to_ue=$(crlf "MSRP c1 SEND" "To-Path: msrps://127.0.0.1:$uport/a;tcp" "From-Path: msrp://127.0.0.1:9/b;tcp" \
	"Message-ID: m1" "Byte-Range: 1-8/8" "Content-Type: text/plain" "" "from bob" "-------c1$")
to_core=$(crlf "MSRP a1 SEND" "To-Path: msrp://127.0.0.1:9/b;tcp" "From-Path: msrps://127.0.0.1:$uport/a;tcp" \
	"Message-ID: m2" "Byte-Range: 1-10/10" "Content-Type: text/plain" "" "from alice" "-------a1$")
{ printf '%s' "$to_core"; sleep 8; } | openssl s_server -quiet -accept "127.0.0.1:$uport" -cert "$CERT" \
	-key "$KEY" -keylogfile "$WORK/keys.txt" >"$WORK/ue.media" 2>"$WORK/s_server.err" &
pids="$pids $!"
sipp -sf "$INTEROP/sipp/midcall-core.xml" -i 127.0.0.1 -p "$peer" -m 1 -nd -timeout 30 -timeout_error \
	-trace_msg -message_file "$WORK/core.msg" -trace_err -error_file "$WORK/core.err" >/dev/null 2>&1 &
core_pid=$!
bound "$peer"
sipp -sf "$INTEROP/sipp/midcall-ue.xml" "127.0.0.1:$access" -i 127.0.0.1 -p "$ue" -m 1 -nd -timeout 30 \
	-timeout_error -key uport "$uport" -key fp "$fp" -trace_msg -message_file "$WORK/ue.msg" \
	-trace_err -error_file "$WORK/ue.err" >/dev/null 2>&1 &
ue_pid=$!
# the far end connects to the gateway's core leg once the re-INVITE names it
wait_log "$WORK/core.msg" "^m=message [0-9]+ TCP/MSRP" 15 >/dev/null
gw_core=$(port_of "$WORK/core.msg" "^INVITE " "2 INVITE" message)
{ printf '%s' "$to_ue"; sleep 3; } | socat - "TCP:127.0.0.1:${gw_core:-9}" >"$WORK/core.media" 2>"$WORK/socat.err" &
wait "$ue_pid"; ue_status=$?
wait "$core_pid"; core_status=$?
capture_stop
expect_eq "UE A: REGISTER, INVITE (audio), re-INVITE adding MSRP, BYE: each 200" "$ue_status" 0
expect_eq "the far end: both INVITEs answered, BYE taken" "$core_status" 0
[ "$ue_status$core_status" = 00 ] || cat "$WORK/ue.err" "$WORK/core.err"
expect_eq "the far end's MSRP SEND reached the UE's TLS end byte for byte" "$(cat "$WORK/ue.media")" "$to_ue"
expect_eq "the UE's MSRP SEND reached the far end byte for byte" "$(cat "$WORK/core.media")" "$to_core"

# the lines the gateway does not take keep the session c= they relied on as their own (RFC 4566 §5.7:
# the session c= and o= are now the gateway's); a=path goes unchanged (TS 23.334 §5.19, CEMA)
expect_eq "the re-INVITE toward the core: audio as sent, MSRP plain at the gateway's core leg (seed 004 steps 8-9)" \
	"$(body "$WORK/core.msg" "^INVITE " "2 INVITE")" "v=0
o=alice 1 2 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio 49170 RTP/AVP 0
c=IN IP4 127.0.0.1
a=rtpmap:0 PCMU/8000
m=message $gw_core TCP/MSRP *
c=IN IP4 127.0.0.1
a=accept-types:text/plain
a=path:msrps://127.0.0.1:$uport/a;tcp
a=setup:actpass"
answer=$(body "$WORK/ue.msg" "^SIP/2.0 200" "2 INVITE")
gw_access=$(port_of "$WORK/ue.msg" "^SIP/2.0 200" "2 INVITE" message)
# a=3ge2ae:applied marks the P-CSCF's offers to a terminating UE only (seed 004 step 8), not its answers
expect_eq "the 200 toward the UE: audio as answered, MSRP over TLS at the gateway, its fingerprint (steps 19-20)" \
	"$answer" "v=0
o=bob 7 2 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio 49172 RTP/AVP 0
c=IN IP4 127.0.0.1
a=rtpmap:0 PCMU/8000
m=message $gw_access TCP/TLS/MSRP *
c=IN IP4 127.0.0.1
a=accept-types:text/plain
a=path:msrp://127.0.0.1:9/b;tcp
a=setup:active
a=fingerprint:sha-256 $fp"

# ims-alg's H.248 for the call, transaction ids normalised
sent=$(h248_sent "$WORK/alg.jsonl")
printf "%s\n" "$sent" >"$WORK/h248"
expect_eq "the H.248: the MSRP line's Adds with the re-offer and its answer, Subtract with the BYE" \
	"$sent" "$(sed -e "s/@UPORT@/$uport/g; s/@FP@/$fp/g" "$INTEROP/msrp-midcall.h248")"
capture_check msrp-midcall sip sdp megaco tls msrp
stop "$agw" TERM
expect_eq "ims-agw exits 0" "$stopped" 0
stop "$alg" TERM
expect_eq "ims-alg exits 0" "$stopped" 0
finish
