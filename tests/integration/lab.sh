#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-lab: every scenario of scenarios/ passes through the real daemons (JUnit report, ladders); the
# ladder of seed 004's originating MSRP flow shows the seed's steps in the figure's order; each negative
# scenario, and the T.38, Ix and Mp ones, fails when its expected outcome is altered (the runner can fail); a bad
# scenario file is refused naming the offending key.
. "$top_srcdir/tests/integration/lib.sh"
LAB="$top_builddir/lab/ims-lab"
S="$top_srcdir/scenarios"
# (wide text ladders: the checks below read an SDP line with its fingerprint, 160 characters, as one line)
run() { COLUMNS=200 "$LAB" --color=never --quiet "$@"; }

out=$(run -o "$WORK/all" --junit "$WORK/junit.xml" "$S"); status=$?
expect_eq "every scenario passes" "$status" 0
[ "$status" = 0 ] || printf '%s\n' "$out"
n=$(ls "$S"/*.json | wc -l) nat=$(ls "$S"/nat-*.json | wc -l)
expect_match "JUnit report: every scenario, no failure, no error (tests/integration/lab-junit.sh for more)" \
	"$(grep -c '<testsuite ' "$WORK/junit.xml") $(sed -n 2p "$WORK/junit.xml")" \
	"^$n <testsuites name=\"mediasec lab\" tests=\"[0-9]+\" failures=\"0\" errors=\"0\""
expect_eq "JUnit report: the NAT ones skipped (tests/integration/nat.sh), every step" \
	"$(grep -cE '<testsuite [^>]*tests="([0-9]+)" failures="0" errors="0" skipped="\1"' "$WORK/junit.xml")" "$nat"
expect_match "the NAT scenarios say why they were skipped" "$out" \
	"SKIP T.38 over DTLS through a real NAT.*: a UE is behind a NAT, and none was given"
for f in "$S"/*.json; do
	b=$(basename "$f" .json)
	case $b in nat-*) continue ;; esac
	if [ -s "$WORK/all/$b/ladder.html" ] && [ -s "$WORK/all/$b/ladder.txt" ]; then ok "ladders drawn: $b"
	else not_ok "ladders drawn: $b"; fi
done

# the originating MSRP ladder: the steps of Figure 5.2.1.2.2.1 in its order, with the run's real ports,
# but for step 11: the gateway filters sources by default (leg.source_filter), so the core's connection is
# held until the Modify of 13-15 names its address, and the SYN toward the UE follows it (the seed's NOTE:
# with SYN filtering, step 11 is deferred until after step 13); the gateway's ClientHello (16-18) once
# the Modify carrying tlsbsc/est came and TCP is up, not at TCP up alone (11)
steps=$(awk 'NR > 2 && substr($0, 1, 12) !~ /^ *$/ { print substr($0, 1, 12) }' \
	"$WORK/all/004-msrp-originating/ladder.txt" | sed 's/ *$//' | uniq | tr '\n' '|')
# (the TCP handshake toward the UE, the Modify's reply, the ClientHello and the answer toward UE A then
# interleave as the connect completes: their order among themselves is not the figure's business)
expect_match "seed 004 5.2.1.2.2 ladder: the figure's steps in order, 11 after 13 (NOTE)" "$steps" \
	"^0\\|1\\|2-4\\|5-7\\|8-9\\|10\\|12\\|13-15, 16-18\\|11\\|((11|13-15, 16-18|16-18|19-20)\\|)+21\\|media\\|end\\|\$"
# and each of those rows is there: the ClientHello (16-18) and the answer (19-20) after the SYN (11),
# the SYN after the Modify (13-15)
after11=${steps#*|13-15, 16-18|11|}
expect_match "ladder: 16-18 and 19-20 after step 11" "$after11" '(^|\|)16-18\|(.*\|)?19-20\||(^|\|)19-20\|(.*\|)?16-18\|'
row() { grep -n -m1 "$1" "$WORK/all/004-msrp-originating/ladder.txt" | cut -d: -f1; }
modify=$(row '^13-15, 16-18 .*Modify') syn=$(row '^11 .*-SYN-') hello=$(row '^16-18 .*ClientHello')
if [ -n "$modify" ] && [ -n "$syn" ] && [ -n "$hello" ] && [ "$modify" -lt "$syn" ] && [ "$syn" -lt "$hello" ]; then
	ok "ladder: Modify (13-15), then SYN toward UE A (11), then ClientHello (16-18)"
else not_ok "ladder: Modify (13-15), then SYN toward UE A (11), then ClientHello (16-18)" \
	"rows: Modify $modify, SYN $syn, ClientHello $hello"; fi
expect_match "ladder: the gateway's fingerprint toward UE A" \
	"$(grep -A1 '^19-20' "$WORK/all/004-msrp-originating/ladder.txt")" \
	"TCP/TLS/MSRP a=setup:active a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}"
expect_match "ladder: TCP handshake toward the UE with the gateway's real port" \
	"$(grep -A1 '^11 .*SYN' "$WORK/all/004-msrp-originating/ladder.txt" | head -2)" \
	"127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:[0-9]+"

# TLS-PSK toward the conference: the key used with ECDHE (forward secrecy), both ends of both UEs
expect_eq "Mp PSK ladder: ECDHE-PSK at each end" \
	"$(grep -c 'TLS up .*ECDHE-PSK' "$WORK/all/mp-bfcp-psk/ladder.txt")" 4
# the key: handed to ims-alg in an owner-only file, written in no trace and no log; traces owner-only
psk=$WORK/all/mp-bfcp-psk
expect_eq "Mp PSK: the key in no trace or log" "$(cat "$psk"/*.jsonl "$psk"/*.log | grep -c 0001020304050607)" 0
expect_match "Mp PSK: tlsbsc/psk traced as <psk>" "$(cat "$psk/agw.jsonl")" 'tlsbsc/psk = \\"<psk>\\"'
expect_eq "Mp PSK: the key file and every trace owner-only" \
	"$(stat -c %a "$psk/mrfc.psk" "$psk"/*.jsonl | sort -u)" 600

# the runner fails a scenario whose expected outcome is altered, naming the step and what was seen
mutate() { # NAME SCENARIO SED-EXPRESSION EXPECTED-MESSAGE
	sed "$3" "$S/$2.json" >"$WORK/$2.json"
	if cmp -s "$S/$2.json" "$WORK/$2.json"; then not_ok "$1: the mutation changed nothing"; return; fi
	out=$(run -o "$WORK/mut" "$WORK/$2.json"); status=$?
	expect_eq "$1: fails" "$status" 1
	expect_match "$1: says why" "$out" "$4"
}
mutate "fingerprint mismatch, another alert expected" neg-fingerprint-mismatch \
	's/"alert": "bad_certificate"/"alert": "handshake_failure"/' \
	"seed 004 5\.2\.1\.2\.2 step 21: UE A's TLS failed with alert bad_certificate, expected alert handshake_failure"
mutate "gateway refusal, another error code expected" neg-agw-refusal 's/"error": 510/"error": 502/' \
	"step 5-7: the reply to the Add in realm access was Error = 510, expected Error = 502"
mutate "no mediasec, e2ae expected anyway" neg-no-mediasec '0,/"e2ae": "absent"/s//"e2ae": "applied"/' \
	"step 8-9: a=3ge2ae toward UE B was missing \(expected applied\)"
mutate "TCP connect failure, a FIN expected instead of the RST" neg-tcp-connect-failure \
	's/"event": "rst"/"event": "fin"/' "step 11: no TCP FIN from UE A to ims-agw was seen"
mutate "media failure before the answer, a 200 expected at UE A" neg-tcp-connect-failure-before-answer \
	's/"status": 488/"status": 200/' "step release: no SIP 200 from ims-alg to UE A was seen"
mutate "fingerprint mismatch before the answer, a BYE expected at the core" \
	neg-fingerprint-mismatch-before-answer 's/"method": "CANCEL"/"method": "BYE"/' \
	"step release: no SIP BYE from ims-alg to core B was seen"
mutate "DTLS fingerprint mismatch, tlsbsc/up expected" neg-dtls-fingerprint-mismatch \
	's/"event": "tlsbsc\/fail"/"event": "tlsbsc\/up"/' "step 16: the Notify did not report tlsbsc/up"
mutate "lost flight, no loss induced: no retransmission to see" t38-lost-flight 's/"lose": 1/"lose": 0/' \
	"step 16: no TLS retransmitted flight from ims-agw to UE A was seen"
mutate "T.38 toward the core, a=setup expected" t38-originating-client \
	'/"8-9"/,/"10"/s/"setup": "absent"/"setup": "actpass"/' \
	"step 8-9: a=setup toward core B was missing \(expected actpass\)"
mutate "fax switch back to audio: the T.38 terminations expected kept and modified" t38-fax-switch \
	'/"back"/,/"end"/s/"command": "Subtract"/"command": "Modify"/' \
	"step back: ims-alg sent no H.248 Modify"
mutate "fax switch from the core: the UE expected to be asked for e2ae (requested)" t38-fax-switch-core \
	'/"step": "8"/,/"step": "9"/s/"e2ae": "applied"/"e2ae": "requested"/' \
	"step 8: a=3ge2ae toward UE A was applied, expected requested"
mutate "T.38 forced, but policy.force_e2ae_media naming MSRP alone" force-t38-originating \
	's/"policy.force_e2ae_orig": true/"policy.force_e2ae_orig": true, "policy.force_e2ae_media": "msrp-tls"/' \
	"step 5-7: ims-alg sent no H.248 Add in realm access"
mutate "BFCP toward a UE without mediasec, the switch off" force-bfcp-terminating \
	's/"policy.force_e2ae_term": true/"policy.force_e2ae_term": false/' \
	"step 2-4: the m= transport in the Add in realm access's Local was TCP/BFCP, expected TCP/TLS/BFCP"
mutate "Ix played as Iq: the UE's request for e2ae taken" ix-msrp-e2e 's/"profile": "ix"/"profile": "iq"/g' \
	"step 3: the m= transport toward core B was TCP/MSRP, expected TCP/TLS/MSRP"
mutate "originating MSRP, no fingerprint expected toward UE A" 004-msrp-originating \
	'/"19-20"/,/"21"/s/"fingerprint": "agw"/"fingerprint": "absent"/' \
	"seed 004 5\.2\.1\.2\.2 step 19-20: a=fingerprint toward UE A was present \(sha-256 "
mutate "Mp conference: another text expected at UE C" mp-msrp-conference \
	'/"to": "C",/{n;n;s/"body": "Hello from alice"/"body": "Hello from bob"/}' \
	'step 13: no MSRP message from ims-agw to UE C was seen; the first was a SEND with the body "Hello from alice", not "Hello from bob"'
mutate "Mp floor control: the second request expected granted at once" mp-bfcp-floor \
	's/"status": "Pending"/"status": "Granted"/' \
	"step 10: no BFCP message from ims-agw to UE B was seen; the first was a FloorRequestStatus with the status Pending, not Granted"
mutate "Mp with a pre-shared key: no key expected in the Add" mp-bfcp-psk '0,/"psk": true/s//"psk": false/' \
	"step 1: the Add in realm access gave a pre-shared key \(tlsbsc/psk\)"
mutate "Mp connect failure: tlsbsc/fail expected instead" mp-tcp-connect-failure \
	's/"event": "tcpbcc\/fail"/"event": "tlsbsc\/fail"/' "step 3: the Notify did not report tlsbsc/fail"

# scenario files are checked before anything runs
sed '0,/"setup": "actpass"/s//"setup": "actve"/' "$S/004-msrp-originating.json" >"$WORK/typo.json"
err=$(run --check "$WORK/typo.json" 2>&1); status=$?
expect_eq "bad value: status 2" "$status" 2
expect_match "bad value: the key's path and the allowed words" "$err" \
	'typo\.json: steps\[1\]\.do\.offer\.setup: expected one of active, passive, actpass, holdconn; found "actve"'
sed 's/"to": "B"/"to": "C"/' "$S/004-msrp-originating.json" >"$WORK/party.json"
err=$(run --check "$WORK/party.json" 2>&1)
expect_match "unknown party named" "$err" 'party\.json: steps\[1\]\.do\.offer\.to: no party named "C" in parties'
printf '{"name": "x", "parties": {}, "steps": [{"step": "1", "do": {"dance": {}}}]}' >"$WORK/act.json"
err=$(run --check "$WORK/act.json" 2>&1)
expect_match "unknown action: the known ones listed" "$err" \
	'act\.json: steps\[0\]\.do\.dance: unknown key \(known here: register, offer, reoffer, answer, connect'
printf '{"name": "x",' >"$WORK/cut.json"
err=$(run --check "$WORK/cut.json" 2>&1)
expect_match "not JSON: where" "$err" 'cut\.json:1:14: not JSON: unexpected end of data'
out=$(run --check "$S"); expect_eq "the shipped scenarios are valid" "$out" "$n scenario files valid"
finish
