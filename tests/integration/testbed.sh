#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# scripts/testbed (issue 19): started in the background on loopback addresses (access 127.0.0.1, core
# 127.0.0.2), it prints what a UE needs (proxy, transport, port, the gateway's fingerprint) once the pair
# is up and the gateway registered; a SIPp UE registers at the proxy it printed; SIGINT (Ctrl-C) stops
# both daemons and the script, exit 0.
. "$top_srcdir/tests/integration/lib.sh"
command -v sipp >/dev/null || { echo "testbed: sipp is not installed: skipped"; exit 77; }
set -- $("$FREEPORT" 4)
CERT="$top_srcdir/tests/data/agw-cert.pem"
# a background job of a script ignores SIGINT unless told otherwise: the testbed gets it as from a terminal
IMS_ALG="$ALG" IMS_AGW="$AGW" env --default-signal=INT "$top_srcdir/scripts/testbed" --access 127.0.0.1 \
	--core 127.0.0.2 --access-port "$1" --core-port "$2" --h248-port "$3" --gateway-port "$4" \
	--tls-certificate "$CERT" --tls-key "$top_srcdir/tests/data/agw-key.pem" --dir "$WORK/tb" \
	>"$WORK/out" 2>&1 &
tb=$!
pids="$pids $tb"
wait_log "$WORK/out" "^Ctrl-C stops the testbed" 30 >/dev/null || exit 1
setting() { sed -n "s/^  $1: //p" "$WORK/out"; }
expect_eq "the proxy printed" "$(setting proxy)" "sip:127.0.0.1:$1"
expect_eq "its transports" "$(setting transport)" "udp or tcp"
expect_eq "its port" "$(setting port)" "$1"
expect_eq "the gateway's fingerprint printed, that of its certificate" "$(setting 'gateway fingerprint')" \
	"$(openssl x509 -in "$CERT" -noout -fingerprint -sha256 | sed 's/^.*Fingerprint=/sha-256 /')"
expect_eq "the core side printed" "$(sed -n 's/^core side: //p' "$WORK/out")" "sip:127.0.0.2:$2"
alg=$(sed -n 's/^testbed ready: ims-alg (P-CSCF) pid \([0-9]*\), ims-agw (IMS-AGW) pid \([0-9]*\)$/\1/p' "$WORK/out")
agw=$(sed -n 's/^testbed ready: ims-alg (P-CSCF) pid \([0-9]*\), ims-agw (IMS-AGW) pid \([0-9]*\)$/\2/p' "$WORK/out")
proxy=$(setting proxy)
timeout 30 sipp -sf "$top_srcdir/tests/integration/sipp/bob-register.xml" "${proxy#sip:}" -i 127.0.0.1 -m 1 \
	-nostdin -timeout 10s -timeout_error -trace_err -error_file "$WORK/ue.err" >/dev/null 2>&1
expect_eq "a SIPp UE registers through the proxy printed" "$?" 0
expect_match "ims-alg recorded the binding" "$(grep ' INFO reg ' "$WORK/tb/ims-alg.log")" \
	'bob@example\.net at 127\.0\.0\.1:[0-9]+ for 600s'
kill -INT "$tb"
wait "$tb"
expect_eq "SIGINT: the testbed exits 0" "$?" 0
expect_eq "and says so" "$(tail -n 1 "$WORK/out")" "testbed stopped (logs in $WORK/tb)"
kill -0 "$alg" 2>/dev/null
expect_eq "ims-alg stopped" "$?" 1
kill -0 "$agw" 2>/dev/null
expect_eq "ims-agw stopped" "$?" 1
expect_match "ims-alg stopped cleanly" "$(tail -n 1 "$WORK/tb/ims-alg.log")" 'NOTICE main stopped'
finish
