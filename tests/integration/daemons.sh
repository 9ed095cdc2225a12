#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Both daemons start on loopback with embedded defaults (ports moved to free ones), show they are up
# on their real sockets, and stop cleanly on SIGTERM and SIGINT; ims-alg's SIP UDP sockets have the
# receive buffer sip.udp_receive_buffer asks.
. "$top_srcdir/tests/integration/lib.sh"

set -- $("$FREEPORT" 3)
H248=$1 SIPA=$2 SIPC=$3

# ims-agw: H.248 control sockets bound, clean stop on SIGTERM
start agw "$WORK/agw.log" "$AGW" --h248-port "$H248" --log-level info --trace-file "$WORK/agw.jsonl"
agw=$last_pid
if wait_log "$WORK/agw.log" "ready: H.248 control on udp/tcp 127.0.0.1:$H248"; then ok "agw ready line"; else not_ok "agw ready line"; fi
if (exec 3<>"/dev/tcp/127.0.0.1/$H248") 2>/dev/null; then ok "agw accepts TCP on $H248"; else not_ok "agw accepts TCP on $H248"; fi
expect_match "agw log line format" "$(grep ' ready: ' "$WORK/agw.log")" \
	'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z ims-agw NOTICE main ready: '
stop "$agw" TERM
expect_eq "agw exits 0 on SIGTERM" "$stopped" 0
expect_match "agw logs the signal" "$(cat "$WORK/agw.log")" 'NOTICE main received Terminated, shutting down'
expect_match "agw logs its stop" "$(tail -n1 "$WORK/agw.log")" 'NOTICE main stopped$'

# a second ims-agw on the same port: a clear error and status 1
start agw2 "$WORK/agw-a.log" "$AGW" --h248-port "$H248"
first=$last_pid
wait_log "$WORK/agw-a.log" "ready:" >/dev/null
"$AGW" --h248-port "$H248" 2>"$WORK/agw-b.log"; status=$?
expect_eq "port in use: status" "$status" 1
expect_match "port in use: message" "$(cat "$WORK/agw-b.log")" \
	"ERROR main cannot bind H.248 UDP socket 127.0.0.1:$H248: Address already in use"
stop "$first" TERM

# a configured mId the codec cannot read: refused at start, with the value named
"$AGW" --h248-port "$H248" --h248-mid "[1.2.3" 2>"$WORK/agw-mid.log"; status=$?
expect_eq "bad h248.mid: status" "$status" 1
expect_match "bad h248.mid: message" "$(cat "$WORK/agw-mid.log")" 'ERROR main h248.mid: "\[1.2.3" is not an H.248 mId'

# a priority string GnuTLS cannot read: refused at start, not at the first TLS leg
"$AGW" --h248-port "$H248" --tls-priority "NORMAL:+NO-SUCH" 2>"$WORK/agw-prio.log"; status=$?
expect_eq "bad tls.priority: status" "$status" 1
expect_match "bad tls.priority: message" "$(cat "$WORK/agw-prio.log")" \
	'ERROR main tls.priority: "NORMAL:\+NO-SUCH" is not a GnuTLS priority string \(.*, at "\+NO-SUCH"\)'

# ims-alg: SIP on both sides, OPTIONS answered 200 over UDP, clean stop on SIGINT
start alg "$WORK/alg.log" "$ALG" --sip-access-port "$SIPA" --sip-core-port "$SIPC" --h248-port "$H248" --log-level info
alg=$last_pid
if wait_log "$WORK/alg.log" "ready: SIP access side 127.0.0.1:$SIPA, core side 127.0.0.1:$SIPC; H.248 MGC \[127.0.0.1\]:$H248 on 127.0.0.1:$H248"; then ok "alg ready line"; else not_ok "alg ready line"; fi

options() { # options PORT METHOD
	printf '%s sip:127.0.0.1:%s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK-%s\r\nMax-Forwards: 70\r\nFrom: <sip:test@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: up-%s\r\nCSeq: 1 %s\r\nContent-Length: 0\r\n\r\n' \
		"$2" "$1" "$1$2" "$1" "$2" | "$UDPX" 127.0.0.1 "$1" 3000
}
reply=$(options "$SIPA" OPTIONS | tr -d '\r')
expect_eq "alg access side answers OPTIONS" "$(printf '%s\n' "$reply" | head -n1)" "SIP/2.0 200 OK"
expect_match "alg echoes Call-ID" "$reply" "^Call-ID: up-$SIPA$"
reply=$(options "$SIPC" OPTIONS | tr -d '\r')
expect_eq "alg core side answers OPTIONS" "$(printf '%s\n' "$reply" | head -n1)" "SIP/2.0 200 OK"
# each SIP UDP socket's receive buffer: sip.udp_receive_buffer (4 MiB) as far as net.core.rmem_max lets it,
# what ss shows being twice that (Linux's bookkeeping); the kernel's default was about 208 KiB
rb() { ss -ulmn "src 127.0.0.1:$1" | grep -o 'rb[0-9]*' | head -1; }
max=$(cat /proc/sys/net/core/rmem_max)
want=$((4194304 < max ? 4194304 : max))
expect_eq "alg's SIP UDP receive buffers: sip.udp_receive_buffer, at most rmem_max" "$(rb "$SIPA") $(rb "$SIPC")" \
	"rb$((2 * want)) rb$((2 * want))"
if [ "$want" -lt 4194304 ]; then
	expect_match "alg says when rmem_max bounds it" "$(cat "$WORK/alg.log")" \
		"NOTICE sip SIP UDP port $SIPA: receive buffer $want bytes, not the 4194304 sip.udp_receive_buffer asks"
fi
stop "$alg" INT
expect_eq "alg exits 0 on SIGINT" "$stopped" 0
expect_match "alg logs its stop" "$(tail -n1 "$WORK/alg.log")" 'NOTICE main stopped$'

finish
