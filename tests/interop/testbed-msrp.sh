#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# doc/testbed.md's e2ae MSRP call by hand, as written there but on free ports (issue 19's acceptance):
# scripts/testbed on loopback, SIPp as the far end behind the core and as the UE (registered with
# mediasec, offering e2ae MSRP), openssl s_server as the UE's MSRP end with a certificate made by openssl
# req, socat as the far end's MSRP end. Both SIPp calls succeed and the far end's MSRP SEND reaches the
# UE's TLS end byte for byte.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/interop/lib.sh"
need sipp openssl socat
S="$top_srcdir/tests/integration/sipp"
set -- $("$FREEPORT" 6)
access=$1 core=$2 h248=$3 gw=$4 far=$5 ue=$6
uport=$(("$("$FREEPORT" 1)"))
IMS_ALG="$ALG" IMS_AGW="$AGW" "$top_srcdir/scripts/testbed" --access 127.0.0.1 --core 127.0.0.2 \
	--next-hop "sip:127.0.0.2:$far" --access-port "$access" --core-port "$core" --h248-port "$h248" \
	--gateway-port "$gw" --media-ports 30660-30679 --dir "$WORK/tb" >"$WORK/tb.out" 2>&1 &
pids="$pids $!"
tb=$!
wait_log "$WORK/tb.out" "^Ctrl-C stops the testbed" 30 >/dev/null || exit 1
sipp -sf "$S/ladder-core.xml" -i 127.0.0.2 -p "$far" -m 1 -trace_msg -message_file "$WORK/core.msg" \
	-nostdin -timeout 20s -timeout_error >/dev/null 2>&1 &
far_pid=$!
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=ue -days 30 \
	-keyout "$WORK/ue-key.pem" -out "$WORK/ue-cert.pem" 2>/dev/null
sleep 9 | openssl s_server -quiet -accept "127.0.0.1:$uport" -cert "$WORK/ue-cert.pem" -key "$WORK/ue-key.pem" \
	>"$WORK/ue.media" 2>"$WORK/s_server.err" &
pids="$pids $!"
bound "$uport"
sipp -sf "$S/ladder-ue.xml" "127.0.0.1:$access" -i 127.0.0.1 -p "$ue" -m 1 -key uport "$uport" \
	-key fp "$(openssl x509 -in "$WORK/ue-cert.pem" -noout -fingerprint -sha256 | sed 's/.*=//')" \
	-nostdin -timeout 20s -timeout_error -trace_err -error_file "$WORK/ue.err" >/dev/null 2>&1 &
ue_pid=$!
wait_log "$WORK/core.msg" "^m=message [0-9]+ TCP/MSRP" 15 >/dev/null
send=$(printf 'MSRP b1 SEND\r\nTo-Path: msrps://127.0.0.1:%s/a;tcp\r\nFrom-Path: msrp://127.0.0.1:9/b;tcp\r\nMessage-ID: m1\r\nByte-Range: 1-5/5\r\nContent-Type: text/plain\r\n\r\nhello\r\n-------b1$\r\n' "$uport")
{ printf "%s" "$send"; sleep 5; } |
	socat - TCP:127.0.0.2:"$(sed -n 's/^m=message \([0-9]*\) TCP\/MSRP.*/\1/p' "$WORK/core.msg" | head -n 1)" \
		>/dev/null 2>"$WORK/socat.err" &
wait "$ue_pid"
expect_eq "the UE's call through the testbed: REGISTER, INVITE, ACK, BYE" "$?" 0
wait "$far_pid"
expect_eq "the far end's call" "$?" 0
expect_eq "the far end's MSRP SEND reached the UE's TLS end byte for byte" "$(cat "$WORK/ue.media")" "$send"
expect_match "the gateway checked the UE's certificate against its a=fingerprint" \
	"$(cat "$WORK/tb/ims-agw.log")" "leg ctx=[0-9]+ term=ac/[0-9]+ TLS up as client, peer certificate matches"
expect_eq "every line of ims-agw's log that names a termination names its context" \
	"$(grep ' term=' "$WORK/tb/ims-agw.log" | grep -Ev ' ctx=[0-9]+ term=')" ""
kill -TERM "$tb"
wait "$tb"
expect_eq "the testbed stops cleanly" "$?" 0
finish
