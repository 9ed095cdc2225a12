#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-lab --sut (issue 20): the Iq scenarios played against a system under test the lab does not start,
# here our own daemons run separately. --sut agw: our ims-agw, started here with its own settings and
# pointed at the lab's ims-alg; --sut alg: our ims-alg, started here with the lab's core peer as its next
# hop, driving the lab's ims-agw. A scenario that sets the system under test is played alone with the
# daemon restarted so (--sut-configured). Every step passes or is "not observable", none fails; the
# conformance report (report.xml, report.html) names the exact steps: one the lab cannot see with a
# gateway under test (the gateway's own SYN-ACK) is a skipped testcase "not observable", one it can
# (the SDP answer toward UE A) passed with the SIP message as its evidence.
. "$top_srcdir/tests/integration/lib.sh"
command -v python3 >/dev/null || { echo "lab-sut: python3 is not installed: skipped"; exit 77; }
LAB="$top_builddir/lab/ims-lab"
S="$top_srcdir/scenarios"
read -r MGC GWH SIPA SIPC CORE <<<"$(echo $("$FREEPORT" 5))"
BAND=30580 # the gateway under test's access ports BAND..+9, core ports +10..+19 (a band no other test uses)

# the Iq scenarios: no profile setting (ix, mp) in them
iq=()
for f in "$S"/*.json; do grep -q '"profile"' "$f" || iq+=("$f"); done

# flags FILE KEY: the scenario's settings for the daemon KEY (agw, alg) as its command-line flags
flags() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1])).get(sys.argv[2], {})
for k, v in s.items():
    v = str(v).lower() if isinstance(v, bool) else str(v)
    print("--%s=%s" % (k.replace(".", "-").replace("_", "-"), v))
EOF
}

# sets FILE KEY: whether the scenario sets the daemon KEY
sets() { python3 -c 'import json,sys; sys.exit(0 if sys.argv[2] in json.load(open(sys.argv[1])) else 1)' "$1" "$2"; }

# gateway [FLAGS...]: our ims-agw as the gateway under test, registering with the lab's ims-alg
gateway() {
	start agw "$WORK/agw.log" "$AGW" --h248-port="$GWH" --mgc-port="$MGC" --mgc-silence-timeout=300 \
		--mgc-timeout=1000 --realm-access-ports="${ACCESS:-$BAND-$((BAND + 9))}" --realm-core-ports="$((BAND + 10))-$((BAND + 19))" "$@"
	gw=$last_pid
}

# controller [FLAGS...]: our ims-alg as the controller under test, the lab's core peer its next hop
controller() {
	start alg "$WORK/alg.log" "$ALG" --h248-port="$MGC" --sip-access-port="$SIPA" --sip-core-port="$SIPC" \
		--sip-core-next-hop="sip:127.0.0.1:$CORE" "$@"
	ctl=$last_pid
	wait_log "$WORK/alg.log" "ready" 10 >/dev/null
}

# play MODE OUT [OPTIONS] SCENARIO...: the lab against the system under test; its output in OUT.out
play() {
	mode=$1 out=$2; shift 2
	if [ "$mode" = agw ]; then
		set -- --sut agw --sut-h248 "127.0.0.1:$MGC" "$@"
	else
		set -- --sut alg --sut-h248 "127.0.0.1:$MGC" --sut-sip "$SIPA,$SIPC" --sut-peers "$CORE,$GWH" "$@"
	fi
	timeout 600 "$LAB" -q --color=never --sut-wait 10000 -o "$out" --junit "$out.junit.xml" "$@" >"$out.out" 2>&1
}

cat >"$WORK/check.py" <<'EOF'
import sys, xml.etree.ElementTree as ET

def cases(report):
    root = ET.parse(report).getroot()
    return [(s.get("name"), c) for s in root.iter("testsuite") for c in s.iter("testcase")]

def cmd_clean(report, *_):  # no failure, no error, something passed; the counts as printed
    got = cases(report)
    bad = [c.get("name") for _, c in got if c.find("failure") is not None or c.find("error") is not None]
    if bad:
        sys.exit("failed or in error: %r" % bad)
    passed = [c for _, c in got if len([k for k in c if k.tag != "system-out"]) == 0]
    nobs = [c for _, c in got if c.find("skipped") is not None and
            c.find("skipped").get("message").startswith("not observable")]
    print("%d %d %d" % (len(got), len(passed), len(nobs)))

def cmd_case(report, name, verdict, needle="", suite=None):  # the testcase named name (in suite) has
    found = [c for s, c in cases(report) if c.get("name") == name and suite in (None, s)]  # verdict, needle
    if len(found) != 1:
        sys.exit("%d testcases named %r" % (len(found), name))
    c = found[0]
    el = c.find("skipped") if verdict == "skipped" else c.find("failure") if verdict == "failure" else None
    if verdict == "passed":
        if any(k.tag != "system-out" for k in c):
            sys.exit("%r not passed: %r" % (name, [k.tag for k in c]))
        el = c.find("system-out")
    elif el is None:
        sys.exit("%r is not %s: %r" % (name, verdict, [k.tag for k in c]))
    text = (el.get("message") or "") + (el.text or "") if el is not None else ""
    if needle not in text:
        sys.exit("%r: %r not in %r" % (name, needle, text))

getattr(sys.modules[__name__], "cmd_" + sys.argv[1])(*sys.argv[2:])
EOF
check() { python3 "$WORK/check.py" "$@"; }
# step_title FILE STEP: the title of the scenario's step numbered STEP (the first such)
step_title() { python3 -c 'import json,sys; print([s["title"] for s in json.load(open(sys.argv[1]))["steps"] if s["step"] == sys.argv[2]][0])' "$1" "$2"; }

# ---- the options: a wrong one said at once, exit status 2, nothing played ----
for c in "--sut xyz|ims-lab: --sut: expected agw or alg, found \"xyz\"" \
	"--sut-sip 1,2|ims-lab: --sut-h248, --sut-sip and --sut-peers go with --sut" \
	"--sut alg --sut-h248 nope|ims-lab: --sut-h248: expected ADDRESS:PORT, found \"nope\"" \
	"--sut agw --sut-peers 1,2|ims-lab: --sut-sip and --sut-peers go with --sut alg" \
	"--sut alg --sut-sip 1|ims-lab: --sut-sip: expected ACCESS-PORT,CORE-PORT, found \"1\""; do
	# shellcheck disable=SC2086 # the options are words
	got=$("$LAB" -o "$WORK/none" ${c%%|*} "$S/003-tcp-proxy.json" 2>&1; echo "status $?")
	expect_eq "ims-lab ${c%%|*}: said, exit status 2" "$got" "${c#*|}
status 2"
done

# ---- --sut agw: our ims-agw, run separately ----
plain=() set=()
for f in "${iq[@]}"; do if sets "$f" agw; then set+=("$f"); else plain+=("$f"); fi; done
gateway
play agw "$WORK/agw" "${plain[@]}"
status=$?
stop "$gw" TERM
expect_eq "--sut agw: the Iq scenarios that set no gateway played, exit status" "$status" 0
# the gateway's only access port taken (neg-agw-refusal): a port of a gateway the lab does not know
grep -q "^SKIP negative: the gateway refuses the access termination: the scenario sets the gateway under test (\"gateway\": { \"access_port_taken\": true })" "$WORK/agw.out" &&
	ok "--sut agw: a scenario setting the gateway is not run, its setting named" ||
	not_ok "--sut agw: neg-agw-refusal not skipped" "$(grep -A2 'gateway refuses' "$WORK/agw.out")"
grep -q "point it at the MGC 127.0.0.1:$MGC" "$WORK/agw.out" && ok "--sut agw: the user is told where to point the gateway" ||
	not_ok "--sut agw: where to point the gateway not said" "$(head -3 "$WORK/agw.out")"
if counts=$(check clean "$WORK/agw/report.xml" 2>&1); then
	ok "--sut agw: no step failed ($counts: testcases, passed, not observable)"
else
	not_ok "--sut agw: report.xml" "$counts" "$(grep -B2 -A3 FAIL "$WORK/agw.out" | head -30)"
fi
name="e2ae MSRP, originating: SYN-ACK, ACK: the core's connection is up"
r=$(check case "$WORK/agw/report.xml" "$name" skipped "not observable: { \"tcp\": { \"from\": \"agw\", \"to\": \"B\", \"event\": \"synack\" } }: only ims-agw traces it" 2>&1) &&
	ok "--sut agw: the gateway's own SYN-ACK is named not observable" || not_ok "--sut agw: not observable step" "$r"
name="e2ae MSRP, originating: SDP answer toward UE A: TCP/TLS/MSRP, a=setup:active, the gateway's fingerprint"
r=$(check case "$WORK/agw/report.xml" "$name" passed "ims-alg sip.tx" 2>&1) &&
	r=$(check case "$WORK/agw/report.xml" "$name" passed "    SIP/2.0 200 OK" 2>&1) &&
	ok "--sut agw: the SDP answer toward UE A passed, the SIP message its evidence" || not_ok "--sut agw: passed step" "$r"
r=$(check case "$WORK/agw.junit.xml" "step 10: SYN-ACK, ACK: the core's connection is up" skipped "not observable: { \"tcp\"" "e2ae MSRP, originating" 2>&1) &&
	ok "--sut agw: --junit: that step skipped, not observable" || not_ok "--sut agw: --junit" "$r"
expect_eq "--sut agw: ladder.txt lists the steps not observable" \
	"$(grep -c -e '^step 10 not observable:$' -e '^step 11 not observable:$' "$WORK/agw/004-msrp-originating/ladder.txt")" 2
grep -q '<td class="nobs">not observable</td>' "$WORK/agw/report.html" &&
	ok "--sut agw: report.html has not-observable rows" || not_ok "--sut agw: report.html"
for f in "${set[@]}"; do
	b=$(basename "$f" .json)
	mapfile -t fl < <(flags "$f" agw)
	gateway "${fl[@]}"
	play agw "$WORK/agw-$b" --sut-configured "$f"
	status=$?
	stop "$gw" TERM
	r=$(check clean "$WORK/agw-$b/report.xml" 2>&1)
	expect_eq "--sut agw --sut-configured: $b (gateway ${fl[*]}), exit status and report" "$status:$?" "0:0"
done

# neg-agw-refusal: the gateway's only access port taken. The lab cannot take a port of a gateway it does
# not know; here the gateway gets one access port, which a socket of ours holds.
f=$S/neg-agw-refusal.json
python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT of earlier runs
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); print("held", flush=True); time.sleep(600)' \
	"$((BAND + 5))" >"$WORK/held.out" 2>&1 &
held=$! pids="$pids $!"
wait_log "$WORK/held.out" "^held" 5 || not_ok "--sut agw: the access port could not be held" "$(cat "$WORK/held.out")"
ACCESS="$((BAND + 5))-$((BAND + 5))" gateway
play agw "$WORK/agw-refusal" --sut-configured "$f"
status=$?
stop "$gw" TERM
stop "$held" TERM
r=$(check clean "$WORK/agw-refusal/report.xml" 2>&1)
[ "$status:$?" = 0:0 ] && ok "--sut agw --sut-configured: neg-agw-refusal (one access port, taken), exit status and report" ||
	not_ok "--sut agw --sut-configured: neg-agw-refusal" "$status $r" "$(grep -A3 FAIL "$WORK/agw-refusal.out")"

# ---- --sut alg: our ims-alg, run separately ----
plain=() set=()
for f in "${iq[@]}"; do if sets "$f" alg; then set+=("$f"); else plain+=("$f"); fi; done
controller
play alg "$WORK/alg" "${plain[@]}"
status=$?
stop "$ctl" TERM
expect_eq "--sut alg: the Iq scenarios that set no controller played, exit status" "$status" 0
if counts=$(check clean "$WORK/alg/report.xml" 2>&1); then
	ok "--sut alg: no step failed ($counts: testcases, passed, not observable)"
else
	not_ok "--sut alg: report.xml" "$counts" "$(grep -B2 -A3 FAIL "$WORK/alg.out" | head -30)"
fi
name="e2ae MSRP, originating: SDP offer: TCP/TLS/MSRP, a=3ge2ae:requested, a=setup:actpass, the UE's fingerprint"
r=$(check case "$WORK/alg/report.xml" "$name" skipped "SIP toward the controller is read from ims-alg's trace" 2>&1) &&
	ok "--sut alg: the UE's offer to the controller is named not observable" || not_ok "--sut alg: not observable step" "$r"
name="e2ae MSRP, originating: SDP answer toward UE A: TCP/TLS/MSRP, a=setup:active, the gateway's fingerprint"
r=$(check case "$WORK/alg/report.xml" "$name" passed "UE A sip.rx" 2>&1) &&
	ok "--sut alg: the SDP answer toward UE A passed, read where UE A received it" || not_ok "--sut alg: passed step" "$r"
name="e2ae MSRP, originating: Reserve AGW Connection Point: the core termination T2, TCP/MSRP"
r=$(check case "$WORK/alg/report.xml" "$name" passed "ims-agw h248.rx" 2>&1) &&
	ok "--sut alg: the Add the controller sent passed, read in ims-agw's trace" || not_ok "--sut alg: H.248 step" "$r"
for f in "${set[@]}"; do
	b=$(basename "$f" .json)
	grep -q '"behind_nat"' "$f" && continue # needs --nat (tests/integration/nat.sh): skipped either way
	mapfile -t fl < <(flags "$f" alg)
	controller "${fl[@]}"
	play alg "$WORK/alg-$b" --sut-configured "$f"
	status=$?
	stop "$ctl" TERM
	r=$(check clean "$WORK/alg-$b/report.xml" 2>&1)
	expect_eq "--sut alg --sut-configured: $b (controller ${fl[*]}), exit status and report" "$status:$?" "0:0"
done
# ---- the non-conformant stand-ins: the report names their wrong steps ----
# A gateway (tests/sut/nonconformant_mg.escript, Erlang/OTP megaco) that leaves its certificate
# fingerprint out of the Local it answers with: in each terminating flow the offer ims-alg then sends
# toward the UE has no a=fingerprint, and the report says so at that step; the steps before it pass (the
# Adds it answered), the steps after are not played.
if command -v escript >/dev/null && erl -noshell -eval 'case code:lib_dir(megaco) of {error, _} -> halt(1); _ -> halt(0) end.' 2>/dev/null; then
	for b in 004-msrp-terminating 004-bfcp-terminating; do
		escript "$top_srcdir/tests/sut/nonconformant_mg.escript" "$GWH" "$MGC" >"$WORK/nc-$b.log" 2>&1 &
		pids="$pids $!" nc=$!
		play agw "$WORK/nc-$b" "$S/$b.json"
		status=$?
		stop "$nc" TERM
		expect_eq "stand-in gateway, $b: the run fails" "$status" 1
		title=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$S/$b.json")
		add=$(step_title "$S/$b.json" 2-4) offer=$(step_title "$S/$b.json" 8-9)
		r=$(check case "$WORK/nc-$b/report.xml" "$title: $offer" failure "step 8-9: a=fingerprint toward UE B was missing" 2>&1) &&
			ok "stand-in gateway, $b: the report names step 8-9, the fingerprint missing toward UE B" ||
			not_ok "stand-in gateway, $b: step 8-9" "$r" "$(cat "$WORK/nc-$b.out")"
		r=$(check case "$WORK/nc-$b/report.xml" "$title: $add" passed "ims-alg h248.rx" 2>&1) &&
			ok "stand-in gateway, $b: the Add it answered (step 2-4) passed" || not_ok "stand-in gateway, $b: step 2-4" "$r"
		grep -q "<td>$title: UE B sends TCP SYN to the gateway</td><td>[^<]*</td><td class=\"nobs\">not run</td>" "$WORK/nc-$b/report.html" &&
			ok "stand-in gateway, $b: report.html: the steps after it not run" ||
			not_ok "stand-in gateway, $b: report.html" "$(grep -o "<tr><td>$title: UE B sends[^\n]*" "$WORK/nc-$b/report.html" | head -c 400)"
	done
else
	echo "# Erlang/OTP megaco not installed: the stand-in gateway skipped"
fi

# A controller that deviates from the seed's flow: our ims-alg set to give the gateway bare TCP (policy
# aware=false) where seed 004 reserves TCP/MSRP: the report names step 2-4 and what the Add carried.
controller --no-policy-aware
play alg "$WORK/nc-alg" "$S/004-msrp-originating.json"
status=$?
stop "$ctl" TERM
expect_eq "stand-in controller: the run fails" "$status" 1
r=$(check case "$WORK/nc-alg/report.xml" "e2ae MSRP, originating: Reserve AGW Connection Point: the core termination T2, TCP/MSRP" failure "step 2-4: the m= transport in the Add in realm core's Local was TCP, expected TCP/MSRP" 2>&1) &&
	ok "stand-in controller: the report names step 2-4, the Add's transport" || not_ok "stand-in controller: step 2-4" "$r" "$(cat "$WORK/nc-alg.out")"
finish
