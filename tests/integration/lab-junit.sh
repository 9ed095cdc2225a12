#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-lab --junit (issue 23), read by outside parsers (python3's xml.etree.ElementTree, and xmllint when
# installed): one testcase per step, named after the scenario JSON's steps, one testsuite per scenario;
# a broken expectation is exactly one <failure> with the expectation and the finding in its body, the
# later steps <skipped/>; a daemon that cannot start, or a wrong scenario file, counts in errors, not
# failures; a scenario name and path with & < " are escaped; timestamp and hostname on each testsuite;
# paths relative to the report's directory; and the report written as the run goes, so a run killed
# (SIGINT, SIGKILL) after its first scenario leaves a well-formed report holding that scenario.
. "$top_srcdir/tests/integration/lib.sh"
command -v python3 >/dev/null || { echo "lab-junit: python3 is not installed: skipped"; exit 77; }
LAB="$top_builddir/lab/ims-lab"
S="$top_srcdir/scenarios"
mkdir -p "$WORK/rep" "$WORK/sc" "$WORK/bin"

cat >"$WORK/check.py" <<'EOF'
import datetime, json, os, re, socket, sys, xml.etree.ElementTree as ET

def load(report):
    return ET.parse(report).getroot()

def suite(root, name):
    found = [s for s in root.iter("testsuite") if s.get("name") == name]
    if len(found) != 1:
        sys.exit("%d testsuites named %r in %s" % (len(found), name, [s.get("name") for s in root.iter("testsuite")]))
    return found[0]

def names(steps):  # what the report must call each step: its number and title in the scenario JSON
    return ["step %s: %s" % (s["step"], s["title"]) for s in steps]

def counts(el):
    cases = list(el.iter("testcase"))
    return {"tests": len(cases), "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None)}

def check_counts(el):  # the attributes say what the elements hold
    for k, v in counts(el).items():
        if el.get(k) != str(v):
            sys.exit("%s %r: %s=%r, but %d such testcases" % (el.tag, el.get("name"), k, el.get(k), v))

def cmd_wellformed(report):  # parses; each count attribute, of the whole and of each suite, holds
    root = load(report)
    if root.tag != "testsuites":
        sys.exit("root element %s" % root.tag)
    check_counts(root)
    for s in root.iter("testsuite"):
        check_counts(s)

def cmd_steps(report, scenario):  # a passing scenario: one testcase per step, in order, all passed
    sc = json.load(open(scenario))
    s = suite(load(report), sc["name"])
    got = [c.get("name") for c in s.iter("testcase")]
    if got != names(sc["steps"]):
        sys.exit("testcases %r, expected %r" % (got, names(sc["steps"])))
    if len({c.get("classname") for c in s.iter("testcase")}) != 1 or any(len(c) for c in s.iter("testcase")):
        sys.exit("one classname per scenario and no outcome but passed expected")
    if (s.get("failures"), s.get("errors"), s.get("skipped")) != ("0", "0", "0"):
        sys.exit("counts %r" % s.attrib)

def cmd_failure(report, scenario, index, stdout):  # step index failed on its expectation
    sc, index, printed = json.load(open(scenario)), int(index), open(stdout).read()
    s = suite(load(report), sc["name"])
    cases = list(s.iter("testcase"))
    if [c.get("name") for c in cases] != names(sc["steps"]):
        sys.exit("testcases %r" % [c.get("name") for c in cases])
    failures = list(s.iter("failure"))
    if len(failures) != 1 or cases[index].find("failure") is None:
        sys.exit("%d failures, expected one, on %r" % (len(failures), cases[index].get("name")))
    if any(len(c) for c in cases[:index]) or not all(c.find("skipped") is not None and len(c) == 1 for c in cases[index + 1:]):
        sys.exit("the steps before the failure passed, the ones after skipped: not so")
    if (s.get("errors"), s.get("skipped")) != ("0", str(len(cases) - index - 1)):
        sys.exit("counts %r" % s.attrib)
    body = failures[0].text or ""
    exp = re.search(r"^expected: (.*)$", body, re.M)
    found = re.search(r"^found: (.+)$", body, re.M)
    if not exp or json.loads(exp.group(1)) not in sc["steps"][index]["expect"]:
        sys.exit("the body does not give the step's expectation as JSON: %r" % body)
    if json.loads(exp.group(1)) != sc["broken"]:
        sys.exit("the body's expectation is not the one broken: %r" % exp.group(1))
    if not found or found.group(1).strip() not in printed:
        sys.exit("the body does not give the finding ims-lab printed: %r" % body)
    if sc["steps"][index]["step"] not in failures[0].get("message", ""):
        sys.exit("the message does not name the step: %r" % failures[0].get("message"))

def cmd_error(report, name):  # counted in errors, not failures
    s = suite(load(report), name)
    if (s.get("errors"), s.get("failures")) != ("1", "0") or len(list(s.iter("error"))) != 1:
        sys.exit("errors %r failures %r" % (s.get("errors"), s.get("failures")))
    if not (list(s.iter("error"))[0].get("message") or "").strip():
        sys.exit("the error says nothing")

def cmd_meta(report, since):  # timestamp (ISO 8601, the Ant schema's form) of this run, hostname
    for s in load(report).iter("testsuite"):
        t = s.get("timestamp") or ""
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", t):
            sys.exit("timestamp %r" % t)
        when = datetime.datetime.fromisoformat(t).timestamp()
        if not float(since) - 2 <= when <= datetime.datetime.now().timestamp() + 2:
            sys.exit("timestamp %r not within the run" % t)
        if s.get("hostname") != socket.gethostname():
            sys.exit("hostname %r, expected %r" % (s.get("hostname"), socket.gethostname()))

def cmd_paths(report, *must):  # every path relative to the report's directory, and there
    root, base, seen = load(report), os.path.dirname(os.path.abspath(report)), set()
    paths = [c.get("file") for c in root.iter("testcase")]
    for out in root.iter("system-out"):
        paths += re.findall(r": (\S+)$", out.text or "", re.M)
    for p in paths:
        if not p or os.path.isabs(p) or not os.path.exists(os.path.join(base, p)):
            sys.exit("path %r: not relative to %s, or not there" % (p, base))
        seen.add(os.path.realpath(os.path.join(base, p)))
    for m in must:
        if os.path.realpath(m) not in seen:
            sys.exit("%s not in the report" % m)

def cmd_suites(report, *wanted):  # the scenarios done, in order: a prefix of wanted, not empty
    got = [s.get("name") for s in load(report).iter("testsuite")]
    want = [json.load(open(w))["name"] for w in wanted]
    if not got or got != want[:len(got)]:
        sys.exit("testsuites %r, expected a prefix of %r" % (got, want))
    print(len(got))

globals()["cmd_" + sys.argv[1]](*sys.argv[2:])
EOF
check() { # NAME CHECK ARGS...
	name=$1; shift
	if found=$(python3 "$WORK/check.py" "$@" 2>&1); then ok "$name"; else not_ok "$name" "$found"; fi
}
wellformed() { # NAME REPORT
	check "$1: parses, its counts hold (ElementTree)" wellformed "$2"
	if command -v xmllint >/dev/null; then
		if out=$(xmllint --noout "$2" 2>&1); then ok "$1: well-formed (xmllint)"; else not_ok "$1: xmllint" "$out"; fi
	fi
}
run() { # REPORT OUTPUT ARGS...: ims-lab, its status in $status
	report=$1 output=$2; shift 2
	COLUMNS=200 "$LAB" --color=never --quiet -o "$WORK/out" --junit "$report" "$@" >"$output" 2>&1
	status=$?
}

# a passing scenario, the same with one expectation broken (step 10: UE B's answer setup:active, not
# passive), and a copy whose file name and name have & < " in them
base=$S/003-tcp-proxy.json
python3 - "$base" "$WORK/sc" <<'EOF'
import json, sys
sc = json.load(open(sys.argv[1]))
i = [s["step"] for s in sc["steps"]].index("10")
sc["steps"][i]["expect"][0]["sip"]["sdp"]["setup"] = "active"
sc["name"] += " (broken)"
open(sys.argv[2] + "/broken.json", "w").write(json.dumps(sc, indent=1))
sc["broken"] = sc["steps"][i]["expect"][0]  # for the check alone: which expectation was broken
open(sys.argv[2] + "/broken.check.json", "w").write(json.dumps(sc))
sc = json.load(open(sys.argv[1]))
sc["name"] = 'TCP proxy & <copy> "quoted"'
open(sys.argv[2] + '/a&b<c".json', "w").write(json.dumps(sc, indent=1))
EOF
broken_index=$(python3 -c 'import json,sys; print([s["step"] for s in json.load(open(sys.argv[1]))["steps"]].index("10"))' "$base")
since=$(date +%s)
run "$WORK/rep/report.xml" "$WORK/run.out" "$base" "$WORK/sc/broken.json" "$WORK/sc/a&b<c\".json"
expect_eq "one scenario failed: status 1" "$status" 1
wellformed "report" "$WORK/rep/report.xml"
check "passing scenario: a testcase per step, named from the scenario JSON, in order" steps "$WORK/rep/report.xml" "$base"
check "broken expectation: one <failure> with the expectation and the finding, later steps <skipped/>" \
	failure "$WORK/rep/report.xml" "$WORK/sc/broken.check.json" "$broken_index" "$WORK/run.out"
check "name and file name with & < \": escaped, read back as they are" steps "$WORK/rep/report.xml" "$WORK/sc/a&b<c\".json"
check "timestamp (ISO 8601) of the run and hostname on each testsuite" meta "$WORK/rep/report.xml" "$since"
check "paths relative to the report's directory (scenario files, ladders)" paths "$WORK/rep/report.xml" \
	"$base" "$WORK/sc/a&b<c\".json" "$WORK/out/003-tcp-proxy/ladder.html"
expect_match "the root counts: 3 scenarios' steps, 1 failure, no error" "$(sed -n 2p "$WORK/rep/report.xml")" \
	'^<testsuites name="mediasec lab" tests="[0-9]+" failures="1" errors="0" '

# a daemon that cannot start (an ims-agw that exits at once): an error of that scenario, not a failure
ln -s "$(cd "$top_builddir/alg" && pwd)/ims-alg" "$WORK/bin/ims-alg"
printf '#!/bin/sh\necho "fake ims-agw: exits at once" >&2\nexit 1\n' >"$WORK/bin/ims-agw"
chmod +x "$WORK/bin/ims-agw"
run "$WORK/rep/error.xml" "$WORK/error.out" --bindir "$WORK/bin" "$base"
expect_eq "daemon cannot start: status 1" "$status" 1
wellformed "daemon cannot start" "$WORK/rep/error.xml"
check "daemon cannot start: counted in errors, not failures" error "$WORK/rep/error.xml" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$base")"

# a wrong scenario file (a required key missing): status 2, an error in the report
echo '{"name": "no steps"}' >"$WORK/sc/wrong.json"
run "$WORK/rep/wrong.xml" "$WORK/wrong.out" "$WORK/sc/wrong.json"
expect_eq "wrong scenario file: status 2" "$status" 2
wellformed "wrong scenario file" "$WORK/rep/wrong.xml"
check "wrong scenario file: counted in errors, not failures" error "$WORK/rep/wrong.xml" "../sc/wrong.json"

# interrupted runs: killed once the first of three scenarios is in the report
# (SIGINT as from a terminal: a background job of a shell without job control would ignore it)
deflt=$(env --default-signal=INT true 2>/dev/null && echo env --default-signal=INT)
three="$base $S/004-msrp-originating.json $S/004-msrp-terminating.json"
for sig in INT KILL; do
	r=$WORK/rep/$sig.xml
	# shellcheck disable=SC2086
	$deflt "$LAB" --color=never --quiet -o "$WORK/out-$sig" --junit "$r" $three \
		>"$WORK/$sig.out" 2>&1 &
	lab=$!
	pids="$pids $lab"
	for _ in $(seq 300); do # 30 s at most
		grep -q '<testsuite ' "$r" 2>/dev/null && break
		kill -0 "$lab" 2>/dev/null || break
		sleep 0.1
	done
	stop "$lab" "$sig"
	expect_eq "killed by SIG$sig while playing the second scenario (its exit status)" "$stopped" \
		"$((128 + $(kill -l "$sig")))"
	wellformed "killed by SIG$sig after the first scenario" "$r"
	# shellcheck disable=SC2086
	check "killed by SIG$sig: the scenarios finished are in the report" suites "$r" $three
	check "killed by SIG$sig: the first scenario's steps all there" steps "$r" "$base"
done
finish
