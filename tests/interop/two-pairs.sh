#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# UE to UE through both halves (issue 19): two P-CSCF/IMS-AGW pairs back to back, as two operators'
# edges or two testbeds. Alice (SIPp, registered with mediasec at pair 1) offers e2ae MSRP; pair 1
# terminates her TLS and offers plain TCP/MSRP into the core, where pair 2 takes it and offers bob
# (SIPp, registered with mediasec at pair 2) TCP/TLS/MSRP with a=3ge2ae:applied (seed 004 5.2.1.2.2
# and 5.2.1.3.2, one after the other). Each UE's media end is openssl with a certificate of its own,
# the one its a=fingerprint names; each gateway has its own. An MSRP SEND crosses each way byte for
# byte, through two TLS terminations and a plain TCP hop; each pair's H.248 is its seed flow; BYE
# subtracts both contexts. tshark decodes the capture (the key log opens both TLS legs).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/interop/lib.sh"
need sipp openssl python3
S="$INTEROP/sipp" IS="$top_srcdir/tests/integration/sipp"
KEYLOG="$WORK/keylog.txt"
B1=27100 B2=27120 # each gateway's access ports B..+9, its core's +10..+19 (a band no other test names)
for n in alice bob; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$n.example.net" \
		-days 2 -keyout "$WORK/$n-key.pem" -out "$WORK/$n-cert.pem" 2>/dev/null || exit 1
done
fp_of() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'; }
set -- $("$FREEPORT" 11)
a1=$1 c1=$2 h1=$3 g1=$4 a2=$5 c2=$6 h2=$7 g2=$8 alice=$9 bob=${10} uport=${11}
TSHARK_OPTS=(-o "tls.keylog_file:$KEYLOG" -d "tcp.port==$uport,tls")
for p in $a1 $c1 $a2 $c2 $alice $bob; do TSHARK_OPTS+=(-d "udp.port==$p,sip"); done
for p in $h1 $h2; do TSHARK_OPTS+=(-d "udp.port==$p,megaco"); done
for p in $(seq "$B2" $((B2 + 9))); do TSHARK_OPTS+=(-d "tcp.port==$p,tls"); done
capture_start "host 127.0.0.1 and (portrange $B1-$((B2 + 19)) or port $a1 or port $c1 or port $h1 or port $a2 or port $c2 or port $h2 or port $uport)"

# pair 1 sends the UEs' requests to pair 2's core side; pair 2 is the registrar of its UEs
for i in 1 2; do
	a=a$i c=c$i h=h$i g=g$i b=B$i
	hop=()
	[ $i = 1 ] && hop=(--sip-core-next-hop "sip:127.0.0.1:$c2")
	cert=()
	[ $i = 1 ] && cert=(--tls-certificate "$top_srcdir/tests/data/agw-cert.pem" --tls-key "$top_srcdir/tests/data/agw-key.pem")
	start alg$i "$WORK/alg$i.log" "$ALG" --sip-access-port "${!a}" --sip-core-port "${!c}" --h248-port "${!h}" \
		--trace-file "$WORK/alg$i.jsonl" --log-level info "${hop[@]}"
	start agw$i "$WORK/agw$i.log" "$AGW" --h248-port "${!g}" --mgc-port "${!h}" --log-level info \
		--realm-access-ports "${!b}-$((${!b} + 9))" --realm-core-ports "$((${!b} + 10))-$((${!b} + 19))" "${cert[@]}"
done
for i in 1 2; do wait_log "$WORK/alg$i.log" "gateway .* registered" >/dev/null || exit 1; done
gw1_fp=$(fp_of "$top_srcdir/tests/data/agw-cert.pem")
gw2_fp=$(sed -n 's/^.* TLS identity: sha-256 //p' "$WORK/agw2.log" | head -n 1)

case=two-pairs
sipp_party bob-register "$S/mediasec-register.xml" "$bob" "127.0.0.1:$a2" -key user bob
sipp_wait bob-register "$sipp_pid" "bob registers at pair 2 with mediasec (msrp-tls)"
sipp_party bob "$S/ue-answer.xml" "$bob" -key fp "$(fp_of "$WORK/bob-cert.pem")" \
	-key m "message 9 TCP/TLS/MSRP *" -key a1 accept-types:text/plain -key a2 "path:msrps://127.0.0.1:9/b;tcp" \
	-key a3 sendrecv
bob_pid=$sipp_pid
media alice openssl s_server -quiet -naccept 1 -accept "127.0.0.1:$uport" -cert "$WORK/alice-cert.pem" \
	-key "$WORK/alice-key.pem" -keylogfile "$KEYLOG"
sipp_party alice "$IS/ladder-ue.xml" "$alice" "127.0.0.1:$a1" -key uport "$uport" \
	-key fp "$(fp_of "$WORK/alice-cert.pem")"
alice_pid=$sipp_pid
# bob's media end connects to pair 2's gateway and starts TLS before he answers (seed 004 5.2.1.3.2)
wait_log "$WORK/bob.msg" "^m=message [0-9]+ TCP/TLS/MSRP" 15 >/dev/null
gwa2=$(port_of "$WORK/bob.msg" "^INVITE " "1 INVITE" message)
media bob openssl s_client -quiet -connect "127.0.0.1:$gwa2" -cert "$WORK/bob-cert.pem" \
	-key "$WORK/bob-key.pem" -keylogfile "$KEYLOG"
wait_log "$WORK/alice.msg" "^CSeq: 1 ACK" 15 >/dev/null
hex() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'; }
A=$(hex $'MSRP a1 SEND\r\nTo-Path: msrps://127.0.0.1:9/b;tcp\r\nFrom-Path: msrps://127.0.0.1:1/a;tcp\r\nMessage-ID: m1\r\nByte-Range: 1-5/5\r\nContent-Type: text/plain\r\n\r\nhello\r\n-------a1$\r\n')
B=$(hex $'MSRP b1 200 OK\r\nTo-Path: msrps://127.0.0.1:1/a;tcp\r\nFrom-Path: msrps://127.0.0.1:9/b;tcp\r\n-------b1$\r\n')
cross alice "$A" bob "$B"
sipp_wait alice "$alice_pid" "alice: REGISTER, INVITE, ACK, BYE"
sipp_wait bob "$bob_pid" "bob: the INVITE answered, the BYE taken"
for i in 1 2; do wait_log "$WORK/alg$i.jsonl" '"h248.tx".*Subtract' 10 >/dev/null; done # after the BYE's 200
capture_stop

expect_eq "the offer pair 2 made bob: TCP/TLS/MSRP at its gateway, a=3ge2ae:applied, its fingerprint" \
	"$(body "$WORK/bob.msg" "^INVITE " "1 INVITE")" "v=0
o=alice 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=message $gwa2 TCP/TLS/MSRP *
c=IN IP4 127.0.0.1
a=accept-types:text/plain
a=path:msrps://127.0.0.1:$uport/a;tcp
a=setup:actpass
a=fingerprint:sha-256 $gw2_fp
a=3ge2ae:applied"
gwa1=$(port_of "$WORK/alice.msg" "^SIP/2.0 200" "1 INVITE" message)
expect_eq "the answer pair 1 gave alice: TCP/TLS/MSRP at its gateway, active, its fingerprint" \
	"$(body "$WORK/alice.msg" "^SIP/2.0 200" "1 INVITE")" "v=0
o=bob 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=message $gwa1 TCP/TLS/MSRP *
c=IN IP4 127.0.0.1
a=setup:active
a=accept-types:text/plain
a=path:msrps://127.0.0.1:9/b;tcp
a=sendrecv
a=fingerprint:sha-256 $gw1_fp"

# each pair's H.248, transaction ids and the other pair's gateway ports normalised (h248_sent); the UE's
# port and fingerprints in the expected texts as @NAMES@
h248() { h248_sent "$WORK/alg$1.jsonl" '271[0-3][0-9]'; }
expected() { sed -e "s/@UPORT@/$uport/g" -e "s/@ALICE_FP@/$(fp_of "$WORK/alice-cert.pem")/g; s/@BOB_FP@/$(fp_of "$WORK/bob-cert.pem")/g" "$INTEROP/$1"; }
h248 1 >"$WORK/h248-1"
h248 2 >"$WORK/h248-2"
expect_eq "pair 1's H.248: the originating e2ae flow (seed 004 5.2.1.2.2), Subtract with the BYE" \
	"$(cat "$WORK/h248-1")" "$(expected two-pairs-orig.h248)"
expect_eq "pair 2's H.248: the terminating e2ae flow (seed 004 5.2.1.3.2), Subtract with the BYE" \
	"$(cat "$WORK/h248-2")" "$(expected two-pairs-term.h248)"
capture_check two-pairs sip sdp megaco tls msrp
finish
