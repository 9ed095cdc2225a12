#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-lab's ladders (issue 23): no text of the HTML/SVG drawing leaves it, nor a note the margin, for the
# font metric the page states; the T.38 delivery from the gateway to the core party is an arrow in each
# T.38 scenario; every RST on the wire between a run's ports is in its ladder (a capture by dumpcap is
# the judge); a failed scenario's HTML gives the verdict, the failing step and why; the text ladder fits
# $COLUMNS with its details wrapped and no head cut mid-word; each H.248 request is traced by ims-alg as
# sent before ims-agw traced it as received (effects after their causes); `ims-lab ladder TRACE...`
# draws a run's ladder from its traces alone.
. "$top_srcdir/tests/integration/lib.sh"
command -v python3 >/dev/null || { echo "lab-ladder: python3 is not installed: skipped"; exit 77; }
LAB="$top_builddir/lab/ims-lab"
S="$top_srcdir/scenarios"
CHECK="python3 $top_srcdir/tests/integration/ladder_check.py"
t38="t38-lost-flight t38-originating-client t38-originating-server t38-terminating-client t38-terminating-server t38-fax-switch t38-fax-switch-core"
names="004-msrp-originating mp-bfcp-floor mp-bfcp-psk neg-tcp-connect-failure $t38"

# the RSTs on the wire while the scenarios play (skipped where capturing is not allowed)
capture=""
if command -v dumpcap >/dev/null && command -v tshark >/dev/null; then
	dumpcap -i lo -f 'tcp[tcpflags] & tcp-rst != 0' -w "$WORK/rst.pcapng" 2>"$WORK/dumpcap.err" &
	dumpcap_pid=$!
	pids="$pids $dumpcap_pid"
	for _ in $(seq 100); do
		grep -q '^File:' "$WORK/dumpcap.err" 2>/dev/null && { capture=yes; break; }
		kill -0 "$dumpcap_pid" 2>/dev/null || break
		sleep 0.1
	done
fi

files=""
for n in $names; do files="$files $S/$n.json"; done
# a port band of its own: the capture sees every test's RSTs on lo, and a test playing the same scenario
# in the default band (lab.sh, megaco-ber.sh) sends its own RST from port 9 to a port this run used too
# shellcheck disable=SC2086
out=$(COLUMNS=80 "$LAB" --ports 30200-30299 --color=never --quiet -o "$WORK/out" $files); status=$?
expect_eq "the scenarios pass" "$status" 0
[ "$status" = 0 ] || printf '%s\n' "$out"
dirs=""
for n in $names; do dirs="$dirs $WORK/out/$n"; done

check() { # NAME CHECK-ARGS...
	name=$1; shift
	if found=$($CHECK "$@" 2>&1); then ok "$name"; else not_ok "$name" "$(printf '%s\n' "$found" | head -8)"; fi
}
# shellcheck disable=SC2086
check "HTML: every text within the drawing, the columns' right of the margin" canvas $(for d in $dirs; do echo "$d/ladder.html"; done)
for n in $t38; do
	check "$n: the UDPTL the gateway delivers to the core party is an arrow" arrow "$WORK/out/$n/ladder.html" \
		data.rx ims-agw core
done
# shellcheck disable=SC2086
check "text: every line within COLUMNS=80" width 80 $(for d in $dirs; do echo "$d/ladder.txt"; done)
o=$WORK/out/004-msrp-originating/ladder.txt
expect_eq "text: the Modify's head whole, not cut mid-word" "$(grep -cE 'Modi($|[^f])' "$o")" 0
expect_match "text: the Modify's head and the fingerprint's wrapped lines all there" "$(tr -d '\n' <"$o")" \
	'Modify co/1, Modify ac/2.*a=fingerprint:sha-256 *\| *([0-9A-F]{2}:)'
# shellcheck disable=SC2086
check "H.248: each request sent by ims-alg before ims-agw received it" causal $dirs

if [ -n "$capture" ]; then
	sleep 0.5
	kill -INT "$dumpcap_pid" 2>/dev/null; wait "$dumpcap_pid" 2>/dev/null
	tshark -r "$WORK/rst.pcapng" -T fields -e tcp.srcport -e tcp.dstport 2>/dev/null >"$WORK/rst.txt"
	# shellcheck disable=SC2086
	check "every RST on the wire between the runs' ports is drawn" rst "$WORK/rst.txt" $dirs
	expect_match "a RST was on the wire" "$(cat "$WORK/rst.txt")" '^9	'
else
	echo "ok   - # SKIP every RST on the wire is drawn: cannot capture on lo ($(head -1 "$WORK/dumpcap.err" 2>/dev/null))"
fi

# ims-lab ladder TRACE...: the ladder of traces alone (no scenario). With the lab's trace too, the run's
# own ladder but for the step column; with the daemons' traces alone (as of a testbed with outside UEs),
# every SIP, H.248, TCP and TLS event of them drawn between two columns
from_step() { sed -n '/^step  /,$p' "$1" | cut -c13-; }
for n in 004-msrp-originating mp-bfcp-floor t38-terminating-server; do
	d=$WORK/out/$n
	COLUMNS=80 "$LAB" ladder --color=never "$d/alg.jsonl" "$d/agw.jsonl" "$d/lab.jsonl" >"$WORK/$n.txt"
	expect_eq "ladder TRACE...: $n's ladder from its three traces" \
		"$(from_step "$WORK/$n.txt" | cksum)" "$(from_step "$d/ladder.txt" | cksum)"
done
for n in $names; do
	d=$WORK/out/$n
	"$LAB" ladder --color=never --html "$WORK/$n.html" "$d/alg.jsonl" "$d/agw.jsonl" >/dev/null
	check "ladder TRACE...: $n from the daemons' traces alone, every event drawn" drawn "$WORK/$n.html" \
		"$d/alg.jsonl" "$d/agw.jsonl"
done
check "ladder TRACE...: its HTML within the drawing" canvas "$WORK/004-msrp-originating.html"
err=$("$LAB" ladder "$WORK/nothing.jsonl" 2>&1); status=$?
expect_eq "ladder TRACE...: a missing trace, status 2" "$status" 2
expect_match "ladder TRACE...: names it" "$err" 'nothing\.jsonl: no such trace file'

# a failed scenario: its HTML gives the verdict, the step and why; its text at another width
sed '/"8-9"/,/"10"/s/"setup": "absent"/"setup": "actpass"/' "$S/t38-originating-client.json" >"$WORK/wrong.json"
out=$(COLUMNS=100 "$LAB" --color=never --quiet -o "$WORK/fail" "$WORK/wrong.json"); status=$?
expect_eq "the altered scenario fails" "$status" 1
page=$(cat "$WORK/fail/wrong/ladder.html")
expect_match "failed HTML: the verdict" "$page" '<p class="verdict fail"><b>FAIL</b>'
expect_match "failed HTML: the failing step and its title" "$page" 'at step <b>8-9</b> \([^)]+\)'
expect_match "failed HTML: why" "$page" 'a=setup toward core B was missing \(expected actpass\)'
expect_match "passed HTML: the verdict" "$(cat "$WORK/out/mp-bfcp-floor/ladder.html")" \
	'<p class="verdict pass"><b>PASS</b>'
check "text: every line within COLUMNS=100" width 100 "$WORK/fail/wrong/ladder.txt"
check "failed HTML: every text within the drawing" canvas "$WORK/fail/wrong/ladder.html"
finish
