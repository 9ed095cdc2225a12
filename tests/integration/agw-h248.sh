#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-agw's MG role against a scripted MGC (tests/util/h248peer) over real UDP on loopback: registration,
# seed 004's originating MSRP terminations (steps 2, 5, 13, 16), audits, every refusal with its error
# code, Subtract with statistics, a heartbeat Notify — the replies compared byte for byte with
# tests/agw/expected.txt. The gateway's certificate is fixed (tests/data), so its fingerprint is known:
# the expected one was computed by certtool, not by us.
. "$top_srcdir/tests/integration/lib.sh"
PEER="$top_builddir/tests/util/h248peer"
D="$top_srcdir/tests/agw"

set -- $("$FREEPORT" 2)
AGWP=$1 MGCP=$2
start agw "$WORK/agw.log" "$AGW" --h248-port "$AGWP" --mgc-port "$MGCP" --h248-mid "[127.0.0.1]:2944" \
	--realm-access-ports 21000-21009 --realm-core-ports 22000-22009 --log-level info \
	--tls-certificate "$top_srcdir/tests/data/agw-cert.pem" --tls-key "$top_srcdir/tests/data/agw-key.pem" \
	--trace-file "$WORK/agw.jsonl"
agw=$last_pid
wait_log "$WORK/agw.log" "ready:" >/dev/null
"$PEER" "$MGCP" "$AGWP" "$D"/01-reserve-core.txt "$D"/02-reserve-configure-access.txt "$D"/03-configure-core.txt \
	"$D"/04-configure-access-tls.txt "$D"/05-audit.txt "$D"/06-refusals.txt "$D"/07-refusals.txt \
	"$D"/08-refusals.txt "$D"/09-subtract.txt "$D"/10-after.txt "$D"/11-heartbeat.txt --wait-notify \
	"$D"/12-subtract-quiet.txt >"$WORK/out.txt"
expect_eq "every request answered" "$?" 0
# the Notify's transaction id and time stamp are the gateway's own, and so are its ports, drawn at random
# in the realms' ranges (issue 26): normalised, the ports once checked to be in their realm's range
port_re='^m=[a-z]+ (2100[0-9]|2200[0-9]) '
expect_eq "every port of the gateway's in its realm's range" "$(grep -cE "$port_re" "$WORK/out.txt")" \
	"$(grep -cE "$port_re" "$D/expected.txt")"
normalise() {
	sed -E 's/^Transaction = [0-9]+ \{$/Transaction = N {/; s/[0-9]{8}T[0-9]{8} : /yyyymmddThhmmssss : /' \
		| sed -E 's/^(m=[a-z]+ )(2100[0-9]|2200[0-9]) /\1<port> /'
}
normalise <"$WORK/out.txt" >"$WORK/normal.txt"
normalise <"$D/expected.txt" >"$WORK/expected.txt"
if diff -u "$WORK/expected.txt" "$WORK/normal.txt" >"$WORK/diff"; then ok "replies byte-exact"; else not_ok "replies byte-exact" "$(cat "$WORK/diff")"; fi

stop "$agw" TERM
expect_eq "agw exits 0" "$stopped" 0
expect_match "registered in the log" "$(cat "$WORK/agw.log")" "NOTICE main registered with the MGC \(H.248 version 3\)"
expect_match "trace holds the requests" "$(grep -c '"kind":"h248.rx"' "$WORK/agw.jsonl")" '^1[4-9]$'
expect_match "trace holds the replies" "$(grep -c '"kind":"h248.tx"' "$WORK/agw.jsonl")" '^1[3-9]$'
finish
