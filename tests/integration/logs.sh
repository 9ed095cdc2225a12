#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Every line the daemons write is in our format, sofia-sip's and GnuTLS's own messages included (with
# their library's log as component), and a SIP port in use is reported as in use, naming the port.
. "$top_srcdir/tests/integration/lib.sh"

set -- $("$FREEPORT" 5)
SIPA=$1 SIPC=$2 MGC=$3 MG=$4 MGC2=$5
FORMAT='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z ims-(agw|alg) (ERROR|WARN|NOTICE|INFO|DEBUG) [a-z0-9_]+ [^ ]'

# not_ours LOG: the lines of LOG that are not in our format
not_ours() { grep -Ev -- "$FORMAT" "$1"; }

# at debug both libraries speak: sofia-sip while binding and answering OPTIONS, GnuTLS while the
# gateway makes its certificate
start alg "$WORK/alg.log" "$ALG" --sip-access-port "$SIPA" --sip-core-port "$SIPC" --h248-port "$MGC" \
	--h248-gateways "127.0.0.1:$MG" --log-level debug
alg=$last_pid
start agw "$WORK/agw.log" "$AGW" --h248-port "$MG" --mgc-port "$MGC" --log-level debug
agw=$last_pid
wait_log "$WORK/alg.log" "NOTICE main ready: " >/dev/null && wait_log "$WORK/agw.log" "registered with the MGC" >/dev/null
printf 'OPTIONS sip:127.0.0.1:%s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK-logs\r\nMax-Forwards: 70\r\nFrom: <sip:test@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: logs-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n' \
	"$SIPA" | "$UDPX" 127.0.0.1 "$SIPA" 3000 >"$WORK/reply"
expect_eq "alg answers OPTIONS" "$(head -n1 "$WORK/reply" | tr -d '\r')" "SIP/2.0 200 OK"
# issue 22: the certificate the gateway generated, with its fingerprint, at notice
expect_match "the generated certificate logged at notice with its fingerprint" \
	"$(grep -m1 'self-signed' "$WORK/agw.log")" \
	' ims-agw NOTICE main self-signed certificate generated; TLS identity: sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$'

# a second ims-alg on the same SIP ports, while the first holds them
"$ALG" --sip-access-port "$SIPA" --sip-core-port "$SIPC" --h248-port "$MGC2" 2>"$WORK/busy.log"; status=$?
expect_eq "SIP port in use: exit status" "$status" 1
expect_match "SIP port in use: said so, naming the port" "$(cat "$WORK/busy.log")" \
	"^[0-9T:.-]+Z ims-alg ERROR main cannot bind the (access|core) side sip:127.0.0.1:($SIPA|$SIPC): Address already in use \((udp|tcp)\)$"
expect_eq "SIP port in use: every line in our format" "$(not_ours "$WORK/busy.log")" ""
expect_eq "SIP port in use: no Bad address" "$(grep -c 'Bad address' "$WORK/busy.log")" 0
# and at info, where sofia-sip's own account of it is shown, in our format
"$ALG" --sip-access-port "$SIPA" --sip-core-port "$SIPC" --h248-port "$MGC2" -l info 2>"$WORK/busy-info.log"
expect_match "SIP port in use at info: sofia-sip's line in our format" "$(cat "$WORK/busy-info.log")" \
	"^[0-9T:.-]+Z ims-alg INFO nta nta: bind\(127.0.0.1:($SIPA|$SIPC);transport=\*\): Address already in use$"
expect_eq "SIP port in use at info: every line in our format" "$(not_ours "$WORK/busy-info.log")" ""

stop "$agw" TERM
expect_eq "agw exits 0" "$stopped" 0
stop "$alg" TERM
expect_eq "alg exits 0" "$stopped" 0
for d in agw alg; do
	expect_eq "$d: every line of its stderr at debug in our format" "$(not_ours "$WORK/$d.log")" ""
done
expect_match "alg: sofia-sip's transport log, routed" "$(cat "$WORK/alg.log")" \
	"ims-alg DEBUG tport tport_listen\(0x[0-9a-f]+\): listening at udp/127.0.0.1:$SIPA$"
expect_match "alg: sofia-sip's transaction log, routed" "$(cat "$WORK/alg.log")" "ims-alg DEBUG nta "
expect_match "agw: GnuTLS's log, routed" "$(cat "$WORK/agw.log")" "ims-agw DEBUG gnutls "
expect_eq "alg: no su_source_port_create() pointer outside our format" \
	"$(grep -c '^su_source_port_create' "$WORK/alg.log")" 0

finish
