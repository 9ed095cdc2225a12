#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-lab --calls, the load mode: seed 004's originating and terminating e2ae MSRP calls played many at
# once through one real ims-alg and ims-agw, each call by parties of its own (a UE that registers, a real
# TLS handshake with the gateway checked against the SDP fingerprint, the MSRP SEND checked where it
# arrives), every call passing and counted; conference dial-ins that fail, many at once; --rate holds the
# calls back; a step that fails is counted against that step with its reason; a gateway killed during
# the run is reported, and a worker killed during its call; a command line the mode cannot honour is
# refused with status 2.
. "$top_srcdir/tests/integration/lib.sh"
LAB="$top_builddir/lab/ims-lab"
S="$top_srcdir/scenarios"
run() { "$LAB" --color=never -o "$WORK/out" --log-level warning "$@"; }

# line NAME: the report's line that starts with NAME
line() { printf '%s\n' "$out" | awk -v k="$1" '$1 == k'; }

out=$(run --calls 40 --concurrent 8 "$S/004-msrp-originating.json" 2>&1); status=$?
expect_eq "originating: status 0" "$status" 0
expect_match "originating: every call made and passed" "$(line calls)" \
	"^  calls      40 made, 40 passed, 0 failed in [0-9.]+ s: [0-9.]+ calls/s$"
expect_match "originating: setup latency percentiles, from the offer to its final response" "$(line setup)" \
	"^  setup      p50 [0-9.]+  p90 [0-9.]+  p99 [0-9.]+  max [0-9.]+ ms  \(the offer's start to the end of its answer\)$"
expect_match "originating: the daemons' CPU per call" "$(line CPU/call)" \
	"^  CPU/call   ims-alg [0-9]+\.[0-9]{3} ms, ims-agw [0-9]+\.[0-9]{3} ms$"
expect_match "originating: the verdict, and where the logs are" "$(line PASS)" \
	"^PASS e2ae MSRP, originating  \(logs in $WORK/out/004-msrp-originating-load\)$"
# terminating, 6 calls at 2 a second, as many workers: the 6th starts 2.5 s after the first at the
# earliest, when unpaced they would all start at once
out=$(run --calls 6 --concurrent 6 --rate 2 "$S/004-msrp-terminating.json" 2>&1); status=$?
expect_eq "terminating at 2/s: status 0" "$status" 0
expect_match "terminating: every call passed" "$(line calls)" "^  calls      6 made, 6 passed, 0 failed in "
secs=$(line calls | awk '{ print $9 }')
expect_eq "terminating: --rate 2 holds 6 calls back over at least 2.5 s ($secs s)" \
	"$(awk -v s="$secs" 'BEGIN { print (s >= 2.5) }')" 1

# Mp: dial-ins that fail at once (the UE's port refuses the MRFP), 8 at a time into one conference: the
# MRFC keeps the conference's context while an Add to it is on its way (it gave the context up when its
# last member left as another's Add crossed, and refused every later dial-in 500)
out=$(run --calls 40 --concurrent 8 "$S/mp-tcp-connect-failure.json" 2>&1)
expect_match "Mp, failing dial-ins at once: every call as the scenario says" "$(line calls)" \
	"^  calls      40 made, 40 passed, 0 failed in "

# a step that fails: the core never answers in this copy (the offer waits for a final response instead)
sed 's/"e2ae": "requested"$/"e2ae": "requested", "status": 200/' "$S/004-msrp-originating.json" >"$WORK/noanswer.json"
grep -q '"status": 200' "$WORK/noanswer.json" || not_ok "the failing copy of the scenario made"
out=$(run --timeout 2000 --calls 6 --concurrent 3 "$WORK/noanswer.json" 2>&1); status=$?
expect_eq "a failing step: status 1" "$status" 1
expect_match "a failing step: counted" "$(line calls)" "^  calls      6 made, 0 passed, 6 failed in "
expect_eq "a failing step: counted against step 1, with its reason" "$(line failed)" \
	"  failed     6 at step 1: UE A got no final response to its INVITE"
expect_match "a failing step: FAIL" "$(line FAIL)" "^FAIL e2ae MSRP, originating"

# the gateway killed during a run: the run stops and says so
# (at most 4000 calls: 40 s at 100 a second if the kill went unnoticed)
"$LAB" -o "$WORK/out" --log-level warning --calls 4000 --concurrent 4 --rate 100 "$S/004-msrp-originating.json" \
	>"$WORK/killed.out" 2>&1 &
lab=$!
for _ in $(seq 100); do
	agw=$(pgrep -P $lab -x ims-agw)
	[ -n "$agw" ] && grep -q registered "$WORK/out/004-msrp-originating-load/agw.log" 2>/dev/null && break
	sleep 0.1
done
sleep 0.5
kill -KILL "$agw" 2>/dev/null
wait $lab; status=$?
out=$(cat "$WORK/killed.out")
expect_eq "a gateway killed: status 1" "$status" 1
expect_match "a gateway killed: said" "$(line ERROR)" \
	"^  ERROR      ims-agw exited with status 137 during the run \(see $WORK/out/004-msrp-originating-load/agw.log\)$"
expect_match "a gateway killed: the run ended early" "$(line calls)" "^  calls      [0-9]+ made, "
[ "$(line calls | awk '{ print $2 }')" -lt 4000 ] && ok "a gateway killed: fewer calls made than asked" ||
	not_ok "a gateway killed: fewer calls made than asked"

# a worker killed during its call: that call fails outside the steps, the others go on without it
"$LAB" -o "$WORK/out" --log-level warning --calls 1500 --concurrent 3 "$S/004-msrp-originating.json" \
	>"$WORK/worker.out" 2>&1 &
lab=$!
for _ in $(seq 100); do
	[ "$(pgrep -P $lab -x ims-lab | wc -l)" = 3 ] && break
	sleep 0.1
done
sleep 1
kill -KILL "$(pgrep -P $lab -x ims-lab | head -1)"
wait $lab; status=$?
out=$(cat "$WORK/worker.out")
expect_eq "a worker killed: status 1" "$status" 1
expect_eq "a worker killed: its call failed, outside the steps" "$(line failed)" \
	"  failed     1 outside the steps: its worker died"
expect_match "a worker killed: the other calls made and passed" "$(line calls)" \
	"^  calls      1500 made, 1499 passed, 1 failed in "

# what the mode refuses
refused() { # NAME STDERR ARG...
	local name=$1 want=$2
	shift 2
	err=$("$LAB" -o "$WORK/out" "$@" 2>&1 >/dev/null); status=$?
	expect_eq "refused, status 2: $name" "$status: $err" "2: ims-lab: $want"
}
refused "two scenarios" "--calls plays one scenario, 2 given" --calls 5 "$S/003-tcp-proxy.json" "$S/e2e-msrp-tls.json"
refused "--concurrent alone" "--concurrent and --rate go with --calls" --concurrent 5 "$S/003-tcp-proxy.json"
for bad in "--concurrent 201" "--rate 0.0001" "--calls -1"; do
	# shellcheck disable=SC2086
	refused "$bad" "--calls N (1 or more), --concurrent C (1 to 200), --rate R (0, or 0.001 or more) expected" \
		--calls 5 $bad x.json
done
refused "--junit" "--calls reports calls, not steps: not with --junit, --pcap or --ladder" \
	--calls 5 --junit "$WORK/j.xml" x.json
refused "a UE behind a NAT" "$S/nat-t38-latch.json: party A is behind a NAT: the load mode plays no NAT" \
	--calls 5 "$S/nat-t38-latch.json"
finish
