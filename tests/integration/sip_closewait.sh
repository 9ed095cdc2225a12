#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue 25 item 5: SIP TCP connections that sent what no SIP parser can frame and then closed. sofia-sip
# stops reading such a connection (it cannot find the next message) and keeps it until its idle timer,
# so the peer's FIN went unread: 300 of them sat in CLOSE-WAIT, each holding a descriptor, for
# sip.tcp_idle (10 minutes). Now none is left 3 s after the last closed, the descriptors are back to
# what they were, and a connection that behaves is untouched: its second OPTIONS is answered on it.
. "$top_srcdir/tests/integration/lib.sh"
command -v python3 >/dev/null || { echo "python3 not installed: skipped"; exit 77; }
command -v ss >/dev/null || { echo "ss (iproute2) not installed: skipped"; exit 77; }

set -- $("$FREEPORT" 3)
SIPA=$1 SIPC=$2 ALGH=$3
start alg "$WORK/alg.log" "$ALG" --sip-access-port "$SIPA" --sip-core-port "$SIPC" --h248-port "$ALGH" \
	--log-level info
alg=$last_pid
wait_log "$WORK/alg.log" "ready:" >/dev/null
fds() { ls "/proc/$alg/fd" | wc -l; }
closewait() { ss -Htan state close-wait "( sport = :$SIPA )" | wc -l; }
before=$(fds)

mkfifo "$WORK/ctl"
python3 "$top_srcdir/tests/integration/sip_closewait.py" "$SIPA" 300 <"$WORK/ctl" >"$WORK/peer.out" &
peer=$!
exec 5>"$WORK/ctl"
wait_log "$WORK/peer.out" '^garbage=' 30 >/dev/null
expect_eq "the held connection's OPTIONS answered" "$(sed -n 's/^options1=//p' "$WORK/peer.out")" "SIP/2.0 200 OK"
expect_eq "300 connections sent garbage and closed" "$(sed -n 's/^garbage=//p' "$WORK/peer.out")" 300
sleep 3
expect_eq "no connection left in CLOSE-WAIT 3 s later" "$(closewait)" 0
# the held connection is the one descriptor more than before the flood
expect_eq "descriptors as before, plus the held connection" "$(fds)" "$((before + 1))"
expect_match "the closing logged, first and once per 100" "$(grep -c 'half-closed:' "$WORK/alg.log")" '^[1-4]$'
echo >&5
exec 5>&-
wait "$peer"
expect_eq "the held connection untouched: its second OPTIONS answered" \
	"$(sed -n 's/^options2=//p' "$WORK/peer.out")" "SIP/2.0 200 OK"
stop "$alg" TERM
expect_eq "ims-alg exits 0" "$stopped" 0
finish
