#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 26 item 4, descriptor exhaustion: each daemon runs under a 128-descriptor limit (prlimit) and
# 300 idle TCP connections from 20 loopback addresses that were configured nowhere sit on one of its
# ports. The daemon must not spin (under 0.3 s of CPU in 3 s; before the fix a busy accept loop took
# 2.6-3.0 s and wrote "Too many open files" ~200,000 times a second), its log must stay a few lines, and
# the real peer must still be served meanwhile:
#   1. ims-agw's H.248 port: the MGC (tests/util/h248peer) reserves a core TCP leg (seed 004 steps 2-4),
#      which needs a descriptor of its own; the Reply is the byte-exact one of agw-h248.sh.
#   1b. an ims-agw media leg's listening port, with the descriptors exhausted (prlimit --pid).
#   2. ims-alg's H.248 port: the registered gateway (a real ims-agw) keeps answering ims-alg's audits,
#      and SIP OPTIONS over UDP is answered 200.
#   3. ims-alg's SIP TCP port: CPU and log bounded the same, OPTIONS over UDP answered while the TCP
#      connections sit there, the silent ones closed, and OPTIONS over TCP answered after.
. "$top_srcdir/tests/integration/lib.sh"
PEER="$top_builddir/tests/util/h248peer"
FLOOD="$top_srcdir/tests/integration/fdflood.py"
command -v prlimit >/dev/null || { echo "prlimit not installed: skipped"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed: skipped"; exit 77; }

# flood NAME PORT PID LOG: 300 connections from 20 addresses, held until unflood; the measurement in
# $WORK/NAME.out ("opened=… cpu=… log_bytes=… log_lines=…", then "closed=N" when released)
flood() {
	mkfifo "$WORK/$1.ctl"
	python3 "$FLOOD" "$2" "$3" "$4" 300 20 60 <"$WORK/$1.ctl" >"$WORK/$1.out" &
	flood_pid=$!
	exec 5>"$WORK/$1.ctl"
	wait_log "$WORK/$1.out" '^opened=' 30 >/dev/null
}
unflood() {
	exec 5>&-
	wait "$flood_pid"
}
field() { sed -n "s/.*\b$2=\([0-9.]*\).*/\1/p" "$WORK/$1.out" | head -n1; }
# bounded NAME LABEL: the CPU and the log over the 3 s of the flood
bounded() {
	expect_eq "$2: all 300 connections made" "$(field "$1" opened)" 300
	cpu=$(field "$1" cpu)
	if awk "BEGIN { exit !(${cpu:-9} < 0.3) }"; then ok "$2: ${cpu} s of CPU in 3 s"; else
		not_ok "$2: CPU under 0.3 s in 3 s" "measured: ${cpu} s"; fi
	lines=$(field "$1" log_lines)
	if [ "${lines:-9999}" -le 5 ]; then ok "$2: $lines log lines in 3 s"; else
		not_ok "$2: at most 5 log lines in 3 s" "measured: $lines lines, $(field "$1" log_bytes) bytes"; fi
}

# ---- 1. ims-agw's H.248 port --------------------------------------------------------------------
set -- $("$FREEPORT" 3)
AGWP=$1 MGCP=$2 CORE=$3
start agw "$WORK/agw.log" prlimit --nofile=128:128 "$AGW" --h248-port "$AGWP" --mgc-port "$MGCP" \
	--h248-mid "[127.0.0.1]:2944" --h248-max-connections 20 --realm-access-ports 21000-21009 --realm-core-ports "$CORE-$CORE" \
	--log-level info --tls-certificate "$top_srcdir/tests/data/agw-cert.pem" \
	--tls-key "$top_srcdir/tests/data/agw-key.pem"
agw=$last_pid
wait_log "$WORK/agw.log" "ready:" >/dev/null
# the MGC registers the gateway, waits while the flood is set up and measured, then reserves a leg
"$PEER" "$MGCP" "$AGWP" --sleep 8000 "$top_srcdir/tests/agw/01-reserve-core.txt" >"$WORK/peer.txt" &
peer=$!
wait_log "$WORK/agw.log" "registered with the MGC" >/dev/null
flood agw "$AGWP" "$agw" "$WORK/agw.log"
bounded agw "ims-agw H.248"
wait "$peer"
expect_eq "ims-agw: the MGC's Add answered during the flood" "$?" 0
# the expected Reply: agw-h248.sh's first, with this test's core port
awk '{ print } /^---$/ && ++n == 2 { exit }' "$top_srcdir/tests/agw/expected.txt" |
	sed "s/m=message 22000 /m=message $CORE /" >"$WORK/peer-expected.txt"
if diff -u "$WORK/peer-expected.txt" "$WORK/peer.txt" >"$WORK/diff"; then ok "ims-agw: the Reply byte-exact"; else
	not_ok "ims-agw: the Reply byte-exact" "$(cat "$WORK/diff")"; fi
unflood
# h248.max_connections 20 (under a quarter of the 128 descriptors): 20 taken, the other 280 closed
expect_eq "ims-agw: 20 connections taken" "$(($(field agw opened) - $(field agw closed)))" 20
expect_eq "ims-agw: the other 280 closed at once" "$(field agw closed)" 280
expect_match "ims-agw: the refusals logged at a bounded rate" \
	"$(grep 'beyond the 20 open at once' "$WORK/agw.log" | tail -n1)" '\(answered nothing; 200 in all, 99 not logged\)$'
expect_eq "ims-agw: no spin" "$(grep -c 'Too many open files' "$WORK/agw.log")" 0

# ---- 1b. an ims-agw media leg: the core leg reserved above listens on $CORE; the gateway's soft limit
# is lowered to its lowest free descriptor, so the accept fails with EMFILE while the connection stays
# in the backlog. The listener pauses with back-off (before: a silent busy loop, 3 s of CPU in 3 s).
lowest=0
while [ -e "/proc/$agw/fd/$lowest" ] && [ "$lowest" -lt 128 ]; do lowest=$((lowest + 1)); done
prlimit --pid "$agw" --nofile="$lowest:128"
python3 "$FLOOD" "$CORE" "$agw" "$WORK/agw.log" 2 1 5 </dev/null >"$WORK/leg.out"
expect_eq "ims-agw media leg: both connections made (in the backlog)" "$(field leg opened)" 2
cpu=$(field leg cpu)
if awk "BEGIN { exit !(${cpu:-9} < 0.3) }"; then ok "ims-agw media leg: ${cpu} s of CPU in 3 s"; else
	not_ok "ims-agw media leg: CPU under 0.3 s in 3 s" "measured: ${cpu} s"; fi
lines=$(field leg log_lines)
if [ "${lines:-9999}" -le 5 ]; then ok "ims-agw media leg: $lines log lines in 3 s"; else
	not_ok "ims-agw media leg: at most 5 log lines in 3 s" "measured: $lines lines"; fi
expect_match "ims-agw media leg: the pause logged" \
	"$(grep 'accepting a connection on port' "$WORK/agw.log" | head -n1)" \
	"leg .*descriptors or memory exhausted: accepting a connection on port $CORE: Too many open files; not accepting for 100 ms \(further ones logged once per 100\)$"
prlimit --pid "$agw" --nofile=128:128
wait_log "$WORK/agw.log" "held until the Remote is known" 5 >/dev/null
expect_match "ims-agw media leg: accepted once descriptors are back, held for the Remote" \
	"$(grep -c 'held until the Remote is known' "$WORK/agw.log")" '^1$'
stop "$agw" TERM
expect_eq "ims-agw exits 0" "$stopped" 0
expect_match "ims-agw: the link's counts at stop" "$(grep -m1 'H.248 TCP connections closed' "$WORK/agw.log")" \
	'NOTICE main H.248 TCP connections closed: 280 over the limit of 20, 0 over the limit per address, 0 idle, 0 not reading; 0 accepts failed for want of descriptors$' 

# ---- 2. and 3. ims-alg's H.248 and SIP TCP ports ------------------------------------------------
set -- $("$FREEPORT" 4)
ALGH=$1 SIPA=$2 SIPC=$3 AGWP=$4
start alg "$WORK/alg.log" prlimit --nofile=128:128 "$ALG" --h248-port "$ALGH" --sip-access-port "$SIPA" \
	--sip-core-port "$SIPC" --h248-audit 500 --log-level info
alg=$last_pid
wait_log "$WORK/alg.log" "ready:" >/dev/null
start agw2 "$WORK/agw2.log" "$AGW" --h248-port "$AGWP" --mgc-port "$ALGH" --log-level info \
	--trace-file "$WORK/agw2.jsonl"
agw2=$last_pid
wait_log "$WORK/alg.log" "registered from 127.0.0.1:$AGWP" >/dev/null
options() { # options PORT N: one OPTIONS over UDP, the status line of the answer
	printf 'OPTIONS sip:127.0.0.1:%s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK-fd%s\r\nMax-Forwards: 70\r\nFrom: <sip:test@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: fd-%s\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' \
		"$1" "$2" "$2" | "$UDPX" 127.0.0.1 "$1" 3000 | tr -d '\r' | head -n1
}
audits() { grep -c '"kind":"h248.rx".*AuditValue' "$WORK/agw2.jsonl"; }

before=$(audits)
flood algh "$ALGH" "$alg" "$WORK/alg.log"
bounded algh "ims-alg H.248"
expect_eq "ims-alg H.248 flood: OPTIONS over UDP answered" "$(options "$SIPA" 1)" "SIP/2.0 200 OK"
after=$(audits)
if [ $((after - before)) -ge 4 ]; then ok "ims-alg H.248 flood: the gateway audited meanwhile ($((after - before)))"; else
	not_ok "ims-alg H.248 flood: the gateway audited meanwhile" "audits: $before before, $after after"; fi
unflood
expect_eq "ims-alg H.248: the other 268 closed at once" "$(field algh closed)" 268
expect_eq "ims-alg H.248: the gateway never lost" "$(grep -c 'lost' "$WORK/alg.log")" 0

# SIP TCP is sofia-sip's tport, whose accept (1.12.11) has no limit and no back-off, and which never
# closes a connection that sent nothing: ims-alg's watch (alg/siptcp.c) stalls the listener while the
# top descriptors are taken and closes the connections no transaction uses. Before it: 1.2-2.6 s of
# CPU in 3 s and thousands of log lines. SIP over UDP is served meanwhile, and over TCP once it ends.
flood sip "$SIPA" "$alg" "$WORK/alg.log"
bounded sip "ims-alg SIP TCP"
expect_eq "ims-alg SIP TCP flood: OPTIONS over UDP answered" "$(options "$SIPA" 2)" "SIP/2.0 200 OK"
unflood
expect_match "ims-alg SIP TCP: the stall logged" "$(grep -m1 'descriptors short:' "$WORK/alg.log")" \
	'WARN sip descriptors short: SIP TCP: not accepting and closing unused connections until descriptors are free'
# each stall closes what was accepted; the last batch (fewer than the free descriptors) stays open
if [ "$(field sip closed)" -ge 150 ]; then ok "ims-alg SIP TCP: silent connections closed ($(field sip closed) of 300)"; else
	not_ok "ims-alg SIP TCP: at least half the silent connections closed" "closed: $(field sip closed) of 300"; fi
printf 'OPTIONS sip:127.0.0.1:%s SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:9;rport;branch=z9hG4bK-fdt\r\nMax-Forwards: 70\r\nFrom: <sip:test@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: fd-tcp\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' "$SIPA" |
	timeout 5 python3 -c 'import socket,sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 3); s.sendall(sys.stdin.buffer.read()); s.settimeout(3)
print(s.recv(4096).split(b"\r\n")[0].decode())' "$SIPA" >"$WORK/tcp-options.txt" 2>&1
expect_eq "ims-alg SIP TCP after the flood: OPTIONS over TCP answered" "$(cat "$WORK/tcp-options.txt")" "SIP/2.0 200 OK"
stop "$agw2" TERM
stop "$alg" TERM
expect_eq "ims-alg exits 0" "$stopped" 0
expect_match "ims-alg: the link's counts at stop" "$(grep -m1 'H.248 TCP connections closed' "$WORK/alg.log")" \
	'NOTICE main H.248 TCP connections closed: 268 over the limit of 32, 0 over the limit per address, 0 idle, 0 not reading; 0 accepts failed for want of descriptors$' 
finish
