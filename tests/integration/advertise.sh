#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Advertised addresses (issue 19, testbed mode): a daemon bound to the unspecified address (a container,
# a host with several interfaces) writes the address it is told to advertise, never 0.0.0.0:
#   1. ims-agw with realm.core.address 0.0.0.0 and realm.core.advertise 127.0.0.5: the MGC's Add of a
#      core TCP leg (seed 004 steps 2-4) is answered byte-exact with c=IN IP4 127.0.0.5, and the leg
#      takes a connection made to 127.0.0.5;
#   2. ims-alg with both SIP sides on 0.0.0.0, advertised as 127.0.0.6 (access) and 127.0.0.7 (core):
#      a REGISTER forwarded to the core (sip.registrar false) carries Via and Path with 127.0.0.7;
#   3. either daemon on 0.0.0.0 with nothing to advertise refuses to start, naming the key to set.
. "$top_srcdir/tests/integration/lib.sh"
PEER="$top_builddir/tests/util/h248peer"
command -v python3 >/dev/null || { echo "python3 not installed: skipped"; exit 77; }

# ---- 1. ims-agw ---------------------------------------------------------------------------------
set -- $("$FREEPORT" 3)
AGWP=$1 MGCP=$2 CORE=$3
start agw "$WORK/agw.log" "$AGW" --h248-port "$AGWP" --mgc-port "$MGCP" --h248-mid "[127.0.0.1]:2944" \
	--realm-access-ports 21000-21009 --realm-core-ports "$CORE-$CORE" --realm-core-address 0.0.0.0 \
	--realm-core-advertise 127.0.0.5 --log-level info \
	--tls-certificate "$top_srcdir/tests/data/agw-cert.pem" --tls-key "$top_srcdir/tests/data/agw-key.pem"
agw=$last_pid
wait_log "$WORK/agw.log" "ready:" >/dev/null
"$PEER" "$MGCP" "$AGWP" "$top_srcdir/tests/agw/01-reserve-core.txt" >"$WORK/peer.txt"
expect_eq "ims-agw: the MGC's Add answered" "$?" 0
awk '{ print } /^---$/ && ++n == 2 { exit }' "$top_srcdir/tests/agw/expected.txt" |
	sed -e "s/m=message 22000 /m=message $CORE /" -e 's/^c=IN IP4 127.0.0.1$/c=IN IP4 127.0.0.5/' \
		>"$WORK/peer-expected.txt"
if diff -u "$WORK/peer-expected.txt" "$WORK/peer.txt" >"$WORK/diff"; then ok "ims-agw: the Reply carries 127.0.0.5"; else
	not_ok "ims-agw: the Reply carries 127.0.0.5" "$(cat "$WORK/diff")"; fi
python3 -c 'import socket, sys
socket.create_connection(("127.0.0.5", int(sys.argv[1])), 2).close()' "$CORE"
expect_eq "ims-agw: the core leg reached at 127.0.0.5" "$?" 0
wait_log "$WORK/agw.log" "held until the Remote is known" 5 >/dev/null
expect_match "ims-agw: the connection held for the Remote" \
	"$(grep -m1 'held until the Remote' "$WORK/agw.log")" 'connection from 127.0.0.1:[0-9]+ held'
stop "$agw" TERM
expect_eq "ims-agw exits 0" "$stopped" 0

# ---- 2. ims-alg ---------------------------------------------------------------------------------
set -- $("$FREEPORT" 4)
ACC=$1 COR=$2 H248=$3 NEXT=$4
start alg "$WORK/alg.log" "$ALG" --sip-access-address 0.0.0.0 --sip-access-advertise 127.0.0.6 \
	--sip-access-port "$ACC" --sip-core-address 0.0.0.0 --sip-core-advertise 127.0.0.7 \
	--sip-core-port "$COR" --no-sip-registrar --sip-core-next-hop "sip:127.0.0.1:$NEXT" \
	--h248-port "$H248" --log-level info
alg=$last_pid
wait_log "$WORK/alg.log" "ready:" >/dev/null
# the core: one UDP datagram, printed
python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1]))); s.settimeout(5)
print("bound", file=sys.stderr, flush=True)
sys.stdout.write(s.recv(65535).decode())' "$NEXT" >"$WORK/core.txt" 2>"$WORK/core.err" &
core=$!
wait_log "$WORK/core.err" "^bound" >/dev/null
printf 'REGISTER sip:example.net SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;rport;branch=z9hG4bK-adv1\r\nMax-Forwards: 70\r\nFrom: <sip:a@example.net>;tag=1\r\nTo: <sip:a@example.net>\r\nCall-ID: adv-1\r\nCSeq: 1 REGISTER\r\nContact: <sip:a@127.0.0.1:9>\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n' |
	"$UDPX" 127.0.0.1 "$ACC" 500 >/dev/null
wait "$core"
tr -d '\r' <"$WORK/core.txt" >"$WORK/core.lf"
expect_match "ims-alg: the REGISTER reached the core" "$(head -n1 "$WORK/core.lf")" '^REGISTER sip:example.net SIP/2.0$'
expect_match "ims-alg: its Via names the core side's advertised address" \
	"$(grep -m1 '^Via:' "$WORK/core.lf")" "^Via: SIP/2.0/UDP 127\\.0\\.0\\.7:$COR;"
expect_match "ims-alg: its Path names the core side's advertised address" \
	"$(grep -m1 '^Path:' "$WORK/core.lf")" "^Path: <sip:127\\.0\\.0\\.7:$COR;lr>$"
expect_eq "ims-alg: no unspecified address written" "$(grep -c '0\.0\.0\.0' "$WORK/core.lf")" 0
stop "$alg" TERM
expect_eq "ims-alg exits 0" "$stopped" 0

# ---- 3. nothing to advertise --------------------------------------------------------------------
set -- $("$FREEPORT" 2)
out=$("$AGW" --h248-port "$1" --realm-access-address 0.0.0.0 2>&1)
expect_eq "ims-agw on 0.0.0.0 without realm.access.advertise: exit 1" "$?" 1
expect_match "ims-agw says which key to set" "$out" \
	'ERROR main realm\.access: 0\.0\.0\.0 is no address SDP can carry: set realm\.access\.advertise'
out=$("$ALG" --h248-port "$2" --sip-core-address 0.0.0.0 2>&1)
expect_eq "ims-alg on 0.0.0.0 without sip.core.advertise: exit 1" "$?" 1
expect_match "ims-alg says which key to set" "$out" \
	'ERROR main sip\.core\.address 0\.0\.0\.0 is no address a peer can reach: set sip\.core\.advertise'
finish
