#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Interop: a node.js UE (tests/interop/node/ue.js: the npm sip package for SIP, node's tls module for TLS)
# through ims-alg and ims-agw, e2ae MSRP as seed 004 draws it. The UE registers with
# `Security-Client: msrp-tls;mediasec`, offers or answers TCP/TLS/MSRP with its certificate's fingerprint,
# takes the TLS connection its a=setup says, and checks that the certificate the gateway presents has
# exactly the fingerprint the SDP from ims-alg names (node's X509Certificate, hash and value); a second
# node instance is the core with plain TCP/MSRP. Each call asserts the MSRP bytes relayed, both ways, at
# the far end and the fingerprint verdict; the capture, its TLS read with the UE's key log, is checked by
# tshark. Variants: originating (the gateway connects: a=setup:active in the answer), lower-case
# fingerprint, no a=setup (the UE then connects); terminating with TLS at once after the 200, terminating
# without a=setup (it listens, RFC 4145's default), terminating passive (listens, then
# answers); failures: a UE that answers passive before it listens (the call released cleanly), an offer
# whose fingerprint is not the presented certificate's (refused, nothing relayed), a UE that writes bytes
# outside any TLS record (the gateway's alert, then its FIN; the core reset); IPv6 media (the
# gateway's access realm on ::1) where the host has ::1. Needs node, openssl and
# tests/interop/node/node_modules (npm ci; absent in distcheck: skipped).
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/interop/lib.sh"
need node openssl
[ -f "$INTEROP/node/node_modules/sip/sip.js" ] || {
	echo "node-ue.sh: $INTEROP/node/node_modules/sip is missing" \
		"(scripts/setup runs npm ci --prefix tests/interop/node): skipped"
	exit 77
}
UE="$INTEROP/node/ue.js"
CERT="$top_srcdir/tests/data/agw-cert.pem" KEY="$top_srcdir/tests/data/agw-key.pem"
BASE=30680 # the gateway's access ports BASE..+9, its core's +10..+19 (below the lab's 31000-32767)
for who in ue other; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=node-$who" -days 2 \
		-keyout "$WORK/$who-key.pem" -out "$WORK/$who-cert.pem" 2>/dev/null ||
		{ echo "node-ue.sh: openssl cannot make a certificate: skipped"; exit 77; }
done
agw_fp=$(openssl x509 -in "$CERT" -noout -fingerprint -sha256 | sed 's/.*=//')

set -- $("$FREEPORT" 5)
access=$1 core=$2 h248=$3 agw_h248=$4 peer=$5
capture_start "host 127.0.0.2 or host 127.0.0.3 or port $h248 or ip6"
start alg "$WORK/alg.log" "$ALG" --sip-access-port "$access" --sip-core-port "$core" \
	--sip-core-next-hop "sip:127.0.0.3:$peer" --h248-port "$h248" --log-level info
alg_pid=$last_pid
# agw_start LOG ARG...: ims-agw registered with ims-alg (the Nth time, N the lines of LOG's kind so far)
agw_start() {
	local log=$1 n
	shift
	n=$(($(grep -c "gateway .* registered" "$WORK/alg.log") + 1))
	start agw "$log" "$AGW" --h248-port "$agw_h248" --mgc-port "$h248" --log-level info \
		--realm-access-ports "$BASE-$((BASE + 9))" --realm-core-ports "$((BASE + 10))-$((BASE + 19))" \
		--no-leg-source-filter --tls-certificate "$CERT" --tls-key "$KEY" "$@"
	agw_pid=$last_pid
	for _ in $(seq 100); do
		[ "$(grep -c "gateway .* registered" "$WORK/alg.log")" -ge "$n" ] && return 0
		sleep 0.1
	done
	echo "node-ue.sh: ims-agw did not register:"; cat "$log" "$WORK/alg.log"
	exit 1
}
agw_start "$WORK/agw.log"
MEDIA=127.0.0.2 # the UE's media address

# party NAME ROLE SIP-ADDR:PORT MEDIA-ADDR:PORT ARG...: one node party in the background, its output in
# $WORK/NAME.out, its media bytes in $WORK/NAME.sent and .recv; sets $party_pid once it said READY-REGEX
party() {
	local name=$1 role=$2 sipa=$3 media=$4
	shift 4
	node "$UE" --role "$role" --sip "$sipa" --media "$media" --out "$WORK/$name" "$@" >"$WORK/$name.out" 2>&1 &
	party_pid=$!
	pids="$pids $party_pid"
}

# both_end NAME UE-PID CORE-PID UE-CHECK CORE-CHECK: waits for a call's two parties, each to exit 0 (their
# output shown when one does not)
both_end() {
	local name=$1 ue_status core_status
	wait "$2"; ue_status=$?
	wait "$3"; core_status=$?
	expect_eq "$name: $4" "$ue_status" 0
	expect_eq "$name: $5" "$core_status" 0
	[ "$ue_status$core_status" = 00 ] || sed 's/^/    /' "$WORK/$name-ue.out" "$WORK/$name-core.out"
}

# call NAME orig|term [UE-ARG...]: one call between the node UE and a node core, checked
call() {
	local name=$1 role=$2 ue_pid core_pid
	shift 2
	set -- "$@" --cert "$WORK/ue-cert.pem" --key "$WORK/ue-key.pem" --keylog "$WORK/keys.log" \
		--text "$name: hello through the gateway"
	local p m
	p=$("$FREEPORT" 1) m=$("$FREEPORT" 1)
	if [ "$role" = orig ]; then
		party "$name-core" core-answer "127.0.0.3:$peer" 127.0.0.3:9 --user "bob-$name"
		core_pid=$party_pid
		wait_log "$WORK/$name-core.out" "SIP on" >/dev/null
		party "$name-ue" orig "127.0.0.2:$p" "$MEDIA:$m" --proxy "127.0.0.1:$access" --user "alice-$name" \
			--peer "bob-$name" "$@"
		ue_pid=$party_pid
	else
		party "$name-ue" term "127.0.0.2:$p" "$MEDIA:$m" --proxy "127.0.0.1:$access" --user "bob-$name" "$@"
		ue_pid=$party_pid
		wait_log "$WORK/$name-ue.out" "waiting for the INVITE" >/dev/null
		party "$name-core" core-offer "127.0.0.3:$("$FREEPORT" 1)" "127.0.0.3:$("$FREEPORT" 1)" \
			--proxy "127.0.0.1:$core" --user "alice-$name" --peer "bob-$name" --text "$name: hello from the core"
		core_pid=$party_pid
	fi
	both_end "$name" "$ue_pid" "$core_pid" "the UE's call completes (REGISTER, INVITE, TLS, MSRP, BYE)" \
		"the core's call completes"
	expect_eq "$name: the gateway's fingerprint in the SDP is its certificate's (openssl)" \
		"$(sed -n 's/^ *a=fingerprint:sha-256 //p' "$WORK/$name-ue.out" | tr -d '\r' | tail -n 1)" "$agw_fp"
	expect_eq "$name: the UE's verdict on the certificate the gateway presented" \
		"$(grep '^[a-z]*: fingerprint:' "$WORK/$name-ue.out")" \
		"$role: fingerprint: the gateway's certificate sha-256 $agw_fp matches the SDP"
	local sender=ue receiver=core
	[ "$role" = term ] && sender=core receiver=ue
	expect_match "$name: an MSRP SEND of $sender's text went out" "$(head -c 300 "$WORK/$name-$sender.sent")" \
		"^MSRP [a-z0-9]+ SEND"
	if cmp -s "$WORK/$name-$sender.sent" "$WORK/$name-$receiver.recv"; then
		ok "$name: the SEND reaches the far end byte for byte ($(wc -c <"$WORK/$name-$sender.sent") bytes)"
	else not_ok "$name: the SEND reaches the far end byte for byte" \
		"sent: $(od -c "$WORK/$name-$sender.sent" | head -5)" "recv: $(od -c "$WORK/$name-$receiver.recv" | head -5)"; fi
	if [ -s "$WORK/$name-$receiver.sent" ] && cmp -s "$WORK/$name-$receiver.sent" "$WORK/$name-$sender.recv"; then
		ok "$name: its 200 OK comes back byte for byte ($(wc -c <"$WORK/$name-$receiver.sent") bytes)"
	else not_ok "$name: its 200 OK comes back byte for byte"; fi
}

call orig orig
call lower orig --fp-case lower
call nosetup orig --setup none
expect_eq "nosetup: the answer to an offer without a=setup is passive (RFC 4145 §4.1: the offerer connects)" \
	"$(grep -c '^orig: answer: a=setup:passive' "$WORK/nosetup-ue.out")" 1
call term-at-once term --setup active
call term-passive term --setup passive
call term-nosetup term --setup none

# a UE that answers a=setup:passive before it listens: ims-agw connects as soon as ims-alg has the answer,
# is refused (no listener yet: RST) and does not try again; the call must then end cleanly, both sides
# hung up, no byte relayed
name=term-listen-after
party "$name-ue" term "127.0.0.2:$("$FREEPORT" 1)" "127.0.0.2:$("$FREEPORT" 1)" --proxy "127.0.0.1:$access" \
	--user "bob-$name" --setup passive --late-listen 300 --cert "$WORK/ue-cert.pem" --key "$WORK/ue-key.pem"
ue_pid=$party_pid
wait_log "$WORK/$name-ue.out" "waiting for the INVITE" >/dev/null
party "$name-core" core-offer "127.0.0.3:$("$FREEPORT" 1)" "127.0.0.3:$("$FREEPORT" 1)" --proxy "127.0.0.1:$core" \
	--user "alice-$name" --peer "bob-$name"
wait "$party_pid"; core_status=$?
wait "$ue_pid"; ue_status=$?
expect_eq "$name: the UE is hung up before any MSRP (exit 4)" "$ue_status" 4
expect_eq "$name: so is the core (exit 4)" "$core_status" 4
expect_match "$name: ims-alg says why" "$(cat "$WORK/alg.log")" "tcpbcc/fail: Connection refused"
expect_eq "$name: no MSRP byte relayed" "$(cat "$WORK/$name-ue.recv" "$WORK/$name-core.recv" 2>/dev/null | wc -c)" 0

# the UE advertises another certificate than it presents: the gateway must not relay a byte
name=wrong-fp
party "$name-core" core-answer "127.0.0.3:$peer" 127.0.0.3:9 --user "bob-$name"
core_pid=$party_pid
wait_log "$WORK/$name-core.out" "SIP on" >/dev/null
party "$name-ue" orig "127.0.0.2:$("$FREEPORT" 1)" "127.0.0.2:$("$FREEPORT" 1)" --proxy "127.0.0.1:$access" \
	--user "alice-$name" --peer "bob-$name" --cert "$WORK/ue-cert.pem" --key "$WORK/ue-key.pem" \
	--fp-cert "$WORK/other-cert.pem" --keylog "$WORK/keys.log" --timeout 8000
wait "$party_pid"; ue_status=$?
stop "$core_pid" TERM
# the UE sees the gateway's alert (1), or, when the BYE comes first, no certificate from it (2)
expect_match "$name: the UE's call fails" "$ue_status" '^[12]$'
expect_match "$name: ims-alg is told why" "$(cat "$WORK/alg.log")" \
	"tlsbsc/fail: the peer certificate does not match the fingerprint"
expect_eq "$name: the core received no byte of MSRP" "$(cat "$WORK/$name-core.recv" 2>/dev/null | wc -c)" 0

# bytes that are no TLS record, from the UE once its SEND crossed: the gateway answers them in TLS's own
# terms, a fatal unexpected_message alert (RFC 8446 §6.2) that node's OpenSSL reads, then a FIN (a reset
# would drop the alert); the core's connection is reset, and ims-agw logs GnuTLS's reason
name=clear
party "$name-core" core-answer "127.0.0.3:$peer" 127.0.0.3:9 --user "bob-$name" --media-loss report \
	--out "$WORK/$name-core"
core_pid=$party_pid
wait_log "$WORK/$name-core.out" "SIP on" >/dev/null
party "$name-ue" orig "127.0.0.2:$("$FREEPORT" 1)" "127.0.0.2:$("$FREEPORT" 1)" --proxy "127.0.0.1:$access" \
	--user "alice-$name" --peer "bob-$name" --cert "$WORK/ue-cert.pem" --key "$WORK/ue-key.pem" \
	--keylog "$WORK/keys.log" --setup active --clear "MSRP in clear" --out "$WORK/$name-ue"
both_end "$name" "$party_pid" "$core_pid" "the UE hangs up after the gateway's answer (exit 0)" \
	"the core takes the BYE (exit 0)"
expect_eq "$name: node's TLS reads the gateway's unexpected_message alert" \
	"$(grep -c '^orig: TLS alert: ERR_SSL_SSLV3_ALERT_UNEXPECTED_MESSAGE$' "$WORK/$name-ue.out")" 1
expect_eq "$name: then the gateway's FIN, no reset" "$(grep '^orig: connection: ' "$WORK/$name-ue.out")" \
	"orig: connection: FIN"
expect_eq "$name: the core's connection is reset" \
	"$(grep -c '^core-answer: media connection: read ECONNRESET$' "$WORK/$name-core.out")" 1
if cmp -s "$WORK/$name-ue.sent" "$WORK/$name-core.recv"; then
	ok "$name: the core received the SEND byte for byte, and not one byte of what followed"
else not_ok "$name: the core received the SEND byte for byte, and not one byte of what followed"; fi
expect_match "$name: ims-agw closed the UE's leg with GnuTLS's reason" "$(cat "$WORK/agw.log")" \
	"closed: TLS: An unexpected TLS packet was received"

# IPv6: ims-agw's access realm on ::1, the UE's TLS and MSRP over it (c=IN IP6 from ims-alg). Its SIP
# stays on IPv4: the npm sip package (0.0.6) cannot parse a URI with an IPv6 reference (sip:[::1]:5060).
stop "$agw_pid" TERM
expect_eq "ims-agw exits 0" "$stopped" 0
ipv6=0
if [ -e /proc/net/if_inet6 ] && grep -q '^0\{31\}1 ' /proc/net/if_inet6; then
	ipv6=1
	agw_start "$WORK/agw6.log" --realm-access-address ::1
	MEDIA="[::1]"
	call ipv6 orig
	expect_match "ipv6: the answer's c= line is ::1" "$(cat "$WORK/ipv6-ue.out")" "^ +c=IN IP6 ::1$"
	call ipv6-term term --setup active
	stop "$agw_pid" TERM
	expect_eq "ims-agw (IPv6 access) exits 0" "$stopped" 0
else
	echo "# node-ue.sh: no ::1 on this host: the IPv6 variant skipped"
fi

capture_stop
# TLS on the gateway's access ports, MSRP inside it: tshark has no decode-as for MSRP under TLS, but an
# ssl_keys entry (an RSA key file it must load, never used with TLS 1.3 and a key log) names the
# application protocol of a TLS port
openssl genrsa -out "$WORK/unused-rsa.pem" 2048 2>/dev/null
TSHARK_OPTS=(-o "tls.keylog_file:$WORK/keys.log" -d "udp.port==$access,sip" -d "udp.port==$core,sip"
	-d "udp.port==$h248,megaco" -d "tcp.port==$BASE-$((BASE + 9)),tls"
	-d "tcp.port==$((BASE + 10))-$((BASE + 19)),msrp")
for port in $(seq "$BASE" $((BASE + 9))); do
	for a in 127.0.0.1 ::1; do
		TSHARK_OPTS+=(-o "uat:ssl_keys:\"$a\",\"$port\",\"msrp\",\"$WORK/unused-rsa.pem\",\"\"")
	done
done
capture_check node-ue sip sdp megaco tls msrp
calls=$((7 + 2 * ipv6)) # the calls whose SEND crossed
expect_eq "wrong-fp: the gateway ended the UE's TLS with bad_certificate (42), once" \
	"$(ts -Y 'tls.alert_message.desc == 42' | wc -l)" 1
expect_eq "clear: tshark reads the gateway's unexpected_message alert (10), once" \
	"$(ts -Y 'tls.alert_message.desc == 10' | wc -l)" 1
# wrong-fp's UE sends its SEND when its own side of the handshake is done before the gateway's alert
expect_match "tshark reads the SEND inside TLS with the UE's key log, in each call (and wrong-fp's)" \
	"$(ts -Y 'tls && msrp.method == "SEND"' | wc -l)" "^($calls|$((calls + 1)))$"
expect_eq "and each 200 OK answering one (wrong-fp's never came)" \
	"$(ts -Y 'tls && msrp.status.code == 200' | wc -l)" "$calls"
expect_eq "tshark reads each SEND on the core side, plain" "$(ts -Y '!tls && msrp.method == "SEND"' | wc -l)" "$calls"
[ "$ipv6" = 1 ] && expect_eq "tshark reads MSRP in TLS over IPv6" "$(ts -Y 'ipv6 && tls && msrp' | wc -l)" 4
stop "$alg_pid" TERM
expect_eq "ims-alg exits 0" "$stopped" 0

finish
