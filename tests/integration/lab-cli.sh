#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The lab's command line as a user meets it: scripts/lab passes every argument to ims-lab unchanged (an
# option's value is not taken for a scenario), adds only the scenarios/ directory, --out and --junit when
# they are not given, names the directories actually used, and sets up only the lab's packages; a
# scenario file that is not JSON is reported as FILE:LINE:COLUMN, a missing key as `step "X": missing
# required key "Y"`; a daemon that exits at start is reported at once, with its status and the last lines
# of its log, and one that lost a port to another program is started again on new ports. scripts/setup
# --lab installs the build set alone.
. "$top_srcdir/tests/integration/lib.sh"
LAB="$top_builddir/lab/ims-lab"
S="$top_srcdir/scenarios"
run() { COLUMNS=200 "$LAB" --color=never --quiet "$@"; }
ms() { echo $(($(date +%s%N) / 1000000)); }

# ---- scripts/lab, in a tree of its own: a scripts/setup and an ims-lab that say what they were given
T=$WORK/tree
mkdir -p "$T/scripts" "$T/_build/default/lab" "$T/scenarios"
cp "$top_srcdir/scripts/lab" "$T/scripts/lab"
printf '#!/bin/sh\necho "$*" >"$WORK/setup.args"\n' >"$T/scripts/setup"
printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"$WORK/lab.args"\nexit "${FAKE_STATUS:-0}"\n' \
	>"$T/_build/default/lab/ims-lab"
chmod +x "$T/scripts/lab" "$T/scripts/setup" "$T/_build/default/lab/ims-lab"
T=$(cd "$T" && pwd)
export WORK
unset LAB_OUT LAB_DRY_RUN
# lab NAME EXPECTED-ARGS ARG...: scripts/lab ARG... gave ims-lab exactly EXPECTED-ARGS (one a line)
lab() {
	name=$1 want=$2; shift 2
	rm -f "$WORK/lab.args"
	said=$("$T/scripts/lab" "$@" 2>&1); status=$?
	expect_eq "scripts/lab $name: ims-lab's arguments" "$(cat "$WORK/lab.args" 2>/dev/null)" "$want"
}
nl=$'\n'
lab "--timeout 5000: the value stays the option's, every scenario plays" \
	"--junit$nl$T/lab-out/junit.xml$nl--out$nl$T/lab-out$nl--timeout${nl}5000$nl$T/scenarios" --timeout 5000
expect_eq "scripts/lab sets up the lab's packages only" "$(cat "$WORK/setup.args")" "--lab"
expect_eq "scripts/lab --timeout 5000: the directories used named" "$said" \
	"lab: ladders in $T/lab-out/<scenario>/ladder.html (open in a browser) and ladder.txt; JUnit report $T/lab-out/junit.xml"
lab "-o DIR -t 5000 FILE: -o honoured, the report in it" \
	"--junit$nl$WORK/o/junit.xml$nl-o$nl$WORK/o$nl-t${nl}5000${nl}x.json" -o "$WORK/o" -t 5000 x.json
expect_eq "scripts/lab -o DIR: the directory used named" "$said" \
	"lab: ladders in $WORK/o/<scenario>/ladder.html (open in a browser) and ladder.txt; JUnit report $WORK/o/junit.xml"
lab "--out=DIR --junit FILE: neither added" \
	"--out=$WORK/o2$nl--junit$nl$WORK/j.xml$nl-q$nl$T/scenarios" --out="$WORK/o2" --junit "$WORK/j.xml" -q
expect_eq "scripts/lab --out=DIR --junit FILE: both named" "$said" \
	"lab: ladders in $WORK/o2/<scenario>/ladder.html (open in a browser) and ladder.txt; JUnit report $WORK/j.xml"
lab "-qo DIR (grouped short options): the group's value is -o's" \
	"--junit$nl$WORK/o3/junit.xml$nl-qo$nl$WORK/o3$nl$T/scenarios" -qo "$WORK/o3"
LAB_OUT=$WORK/env lab "LAB_OUT: the default directory" \
	"--junit$nl$WORK/env/junit.xml$nl--out$nl$WORK/env$nl$T/scenarios"
lab "ladder TRACE...: unchanged" "ladder${nl}a.jsonl${nl}--html${nl}l.html" ladder a.jsonl --html l.html
expect_eq "scripts/lab ladder: no ladder directory claimed" "$said" ""
lab "-- -x.json: a scenario after --" \
	"--junit$nl$T/lab-out/junit.xml$nl--out$nl$T/lab-out$nl--$nl-x.json" -- -x.json
FAKE_STATUS=1 lab "a failure: its status" "--junit$nl$T/lab-out/junit.xml$nl--out$nl$T/lab-out$nl$T/scenarios"
expect_eq "scripts/lab: ims-lab's status 1 passed on" "$status" 1
FAKE_STATUS=2 lab "a wrong command line" "--junit$nl$T/lab-out/junit.xml$nl--out$nl$T/lab-out$nl$T/scenarios"
expect_eq "scripts/lab: ims-lab's status 2 passed on, no ladders claimed" "$status:$said" "2:"
lab "--calls N: a load run, --out added, no JUnit report" \
	"--out$nl$T/lab-out$nl--calls${nl}100$nl--concurrent${nl}4${nl}x.json" --calls 100 --concurrent 4 x.json
expect_eq "scripts/lab --calls: the logs' directory named" "$said" "lab: the daemons' logs in $T/lab-out/<scenario>-load/"
lab "--calls=N, no scenario: every scenario given, as ims-lab refuses" \
	"--out$nl$T/lab-out$nl--calls=5$nl$T/scenarios" --calls=5
lab "--pcap: dumpcap set up too" "--junit$nl$T/lab-out/junit.xml$nl--out$nl$T/lab-out$nl--pcap$nl$T/scenarios" --pcap
expect_eq "scripts/lab --pcap sets up dumpcap too" "$(cat "$WORK/setup.args")" "--lab --pcap"
# every option of ims-lab's table (lab/main.c) that takes a value, long and short, keeps it
opts=$(grep -oE '\{ "[a-z-]+", ('"'"'.'"'"'|0), 0, G_OPTION_ARG_[A-Z_]+' "$top_srcdir/lab/main.c" |
	grep -v G_OPTION_ARG_NONE | sed -E 's/\{ "([a-z-]+)", ('"'"'(.)'"'"'|0).*/--\1 -\3/')
[ -n "$opts" ] || not_ok "ims-lab's option table read from lab/main.c"
while read -r long short; do
	case $long in --out | --junit | --calls) continue ;; esac # (above, below)
	for o in "$long" "$short"; do
		[ "$o" = - ] || lab "$o V" "--junit$nl$T/lab-out/junit.xml$nl--out$nl$T/lab-out$nl$o${nl}V$nl$T/scenarios" "$o" V
	done
done <<<"$opts"
rm -f "$WORK/lab.args" "$WORK/setup.args"
said=$(LAB_DRY_RUN=1 "$T/scripts/lab" -o "$WORK/o" --timeout 5000)
expect_eq "LAB_DRY_RUN=1: the command line and the directories, nothing run" \
	"$said|$(ls "$WORK"/*.args 2>/dev/null)" \
	"$T/_build/default/lab/ims-lab --junit $WORK/o/junit.xml -o $WORK/o --timeout 5000 $T/scenarios
lab: ladders in $WORK/o/<scenario>/ladder.html (open in a browser) and ladder.txt; JUnit report $WORK/o/junit.xml|"

# ---- scripts/setup --lab: the build set only, in a tree of its own where dpkg-query finds nothing
# installed and apt-get, sudo and make only say what they were asked
U=$WORK/setup
mkdir -p "$U/scripts" "$U/_build/default/agw" "$U/_build/default/alg" "$U/bin"
cp "$top_srcdir/scripts/setup" "$U/scripts/setup"
touch "$U/_build/default/Makefile"
printf '#!/bin/sh\nexit 0\n' >"$U/configure"
printf '#!/bin/sh\necho v0\n' >"$U/_build/default/agw/ims-agw"
cp "$U/_build/default/agw/ims-agw" "$U/_build/default/alg/ims-alg"
printf '#!/bin/sh\nexit 1\n' >"$U/bin/dpkg-query"
printf '#!/bin/sh\n[ "$1" = install ] && shift && echo "$*" | tr " " "\\n" | grep -v "^-" | sort >"$WORK/apt.args"\nexit 0\n' \
	>"$U/bin/apt-get"
printf '#!/bin/sh\n"$@"\n' >"$U/bin/sudo"
printf '#!/bin/sh\nexit 0\n' >"$U/bin/make"
chmod +x "$U/scripts/setup" "$U/configure" "$U/_build/default/agw/ims-agw" "$U/_build/default/alg/ims-alg" "$U"/bin/*
setup() { rm -f "$WORK/apt.args"; PATH=$U/bin:$PATH "$U/scripts/setup" "$@" >/dev/null 2>&1; }
setup --lab
build="autoconf automake build-essential libcunit1-dev libglib2.0-dev libgnutls28-dev libgoogle-perftools-dev libjson-c-dev libmicrohttpd-dev
libsofia-sip-ua-dev libsofia-sip-ua-glib-dev libsystemd-dev libtool pkg-config"
expect_eq "scripts/setup --lab: the build set (the libraries the lab runs with), no test or bench peer" \
	"$(tr '\n' ' ' <"$WORK/apt.args" 2>/dev/null)" "$(echo $build) "
setup --lab --pcap
expect_eq "scripts/setup --lab --pcap: dumpcap too" "$(grep -c wireshark-common "$WORK/apt.args" 2>/dev/null)" 1
setup
expect_match "scripts/setup: still everything scripts/test and tests/bench need" \
	"$(tr '\n' ' ' <"$WORK/apt.args" 2>/dev/null)" \
	" clang .*haproxy .*kamailio .*prometheus .*sip-tester .*stunnel4 .*tshark valgrind"

# ---- scenario files: where the JSON breaks, which key is missing
cat >"$WORK/comma.json" <<'EOF'
{
  "name": "a comma missing",
  "parties": {
    "A": { "role": "ue", "user": "alice" }
  },
  "steps": [
    { "step": "1", "title": "Zoë" "do": { "register": { "party": "A" } } }
  ]
}
EOF
err=$(run --check "$WORK/comma.json" 2>&1); status=$?
# line 7, column 35 (in characters, as an editor counts: "ë" is one): the "do" that needs a comma before it
expect_eq "not JSON: FILE:LINE:COLUMN and what, status 2" "$status: $err" \
	"2: ims-lab: $WORK/comma.json:7:35: not JSON: object value separator ',' expected"
printf '{"name": "x",\n "parties": {}' >"$WORK/cut.json"
err=$(run --check "$WORK/cut.json" 2>&1)
expect_eq "not JSON: a file cut short, at its end" "$err" \
	"ims-lab: $WORK/cut.json:2:15: not JSON: unexpected end of data"
printf '{"name": "x", "parties": {}, "steps": []}\n}\n' >"$WORK/more.json"
err=$(run --check "$WORK/more.json" 2>&1)
expect_eq "not JSON: text after the value" "$err" "ims-lab: $WORK/more.json:2:1: not JSON: more text after the JSON value"
for band in 31000-31010 5-70 31000-x 31000; do
	err=$(run --ports "$band" --check "$WORK/more.json" 2>&1); status=$?
	expect_eq "--ports $band: refused, status 2" "$status: $err" \
		"2: ims-lab: --ports: expected LOW-HIGH, at least 64 ports from 1024 to 65535, found \"$band\""
done
cat >"$WORK/to.json" <<'EOF'
{
  "name": "an offer to nobody",
  "parties": { "A": { "role": "ue", "user": "alice" }, "B": { "role": "core", "user": "bob" } },
  "steps": [
    { "step": "1", "do": { "register": { "party": "A" } } },
    { "step": "19-20", "do": { "offer": { "from": "A", "media": "msrp" } } }
  ]
}
EOF
err=$(run --check "$WORK/to.json" 2>&1); status=$?
expect_eq "missing key: the step, the key, where; status 2" "$status: $err" \
	"2: ims-lab: $WORK/to.json: step \"19-20\": missing required key \"to\" at steps[1].do.offer"
cat >"$WORK/user.json" <<'EOF'
{
  "name": "a party without a user",
  "parties": { "A": { "role": "ue", "user": "alice" }, "B": { "role": "core" } },
  "steps": [ { "step": "1", "do": { "register": { "party": "A" } } } ]
}
EOF
err=$(run --check "$WORK/user.json" 2>&1)
expect_eq "missing key outside the steps: where" "$err" \
	"ims-lab: $WORK/user.json: missing required key \"user\" at parties.B"
printf '{"name": "x", "parties": {}, "steps": [{"step": "end", "do": {}}]}' >"$WORK/do.json"
err=$(run --check "$WORK/do.json" 2>&1)
expect_match "missing action: the step, the keys it may be" "$err" \
	"do\.json: step \"end\": missing required key \(one of register, offer, reoffer, answer, .*\) at steps\[0\]\.do\$"

# ---- a daemon that exits at start
B=$WORK/bin
mkdir -p "$B"
ln -s "$(cd "$top_builddir" && pwd)/alg/ims-alg" "$B/ims-alg"
{
	echo '#!/bin/sh'
	for i in 1 2 3 4 5 6 7 8 9 10 11; do echo "echo 'fake ims-agw: line $i' >&2"; done
	echo "echo 'fake ims-agw: --no-such-flag: refused, exiting with 3' >&2; exit 3"
} >"$B/ims-agw"
chmod +x "$B/ims-agw"
t0=$(ms)
out=$(run -o "$WORK/exit" --bindir "$B" "$S/004-msrp-originating.json" 2>&1); status=$?
took=$(($(ms) - t0))
expect_eq "ims-agw exits 3 at start: the status of a scenario that did not pass (1)" "$status" 1
expect_eq "ims-agw exits 3 at start: said with its last 10 log lines" \
	"$(printf '%s\n' "$out" | grep -A 11 ERROR)" "  ERROR ims-agw exited with status 3 at start; its last log lines:
    fake ims-agw: line 3
    fake ims-agw: line 4
    fake ims-agw: line 5
    fake ims-agw: line 6
    fake ims-agw: line 7
    fake ims-agw: line 8
    fake ims-agw: line 9
    fake ims-agw: line 10
    fake ims-agw: line 11
    fake ims-agw: --no-such-flag: refused, exiting with 3
  (all of it in $WORK/exit/004-msrp-originating/agw.log)"
if [ "$took" -lt 4000 ]; then ok "ims-agw exits at start: reported within 4 s ($took ms)"
else not_ok "ims-agw exits at start: reported within 4 s" "took $took ms"; fi
# a setting of the scenario's the real gateway refuses
sed '1a\  "agw": { "no_such_setting": true },' "$S/004-msrp-originating.json" >"$WORK/flag.json"
t0=$(ms)
out=$(run -o "$WORK/flag" "$WORK/flag.json" 2>&1)
took=$(($(ms) - t0))
expect_eq "a bad agw setting: ims-agw's status" "$(printf '%s\n' "$out" | grep ERROR)" \
	"  ERROR ims-agw exited with status 2 at start; its last log lines:"
expect_match "a bad agw setting: ims-agw's own words" "$(printf '%s\n' "$out" | grep -A 1 ERROR | tail -n 1)" \
	"^    .*--no-such-setting"
if [ "$took" -lt 4000 ]; then ok "a bad agw setting: reported within 4 s ($took ms)"
else not_ok "a bad agw setting: reported within 4 s" "took $took ms"; fi
# a port lost to another program between the lab's check and the daemon's bind: new ports, and it plays
{
	echo '#!/bin/sh'
	echo "if [ ! -e '$WORK/clashed' ]; then touch '$WORK/clashed'"
	echo "echo 'ims-agw ERROR main cannot bind H.248 UDP socket 127.0.0.1:1: Address already in use' >&2; exit 1; fi"
	echo "exec '$(cd "$top_builddir" && pwd)/agw/ims-agw' \"\$@\""
} >"$B/ims-agw"
out=$(run -o "$WORK/clash" --bindir "$B" "$S/004-msrp-originating.json" 2>&1); status=$?
expect_eq "a port in use at start: started again on new ports, and the scenario passes" \
	"$status:$([ -e "$WORK/clashed" ] && echo clashed)" "0:clashed"
[ "$status" = 0 ] || printf '%s\n' "$out"
finish
