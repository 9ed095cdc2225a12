# SPDX-License-Identifier: GPL-3.0-or-later
# Shared helpers for the integration tests: real binaries on loopback ports picked by tests/util/freeport.
# Each test script sources this, calls check/expect_* and ends with `finish`, which prints
# "N passed, N failed" and exits non-zero on any failure. Every daemon started is stopped on exit.
set -u
: "${top_builddir:=.}" "${top_srcdir:=.}"
AGW="$top_builddir/agw/ims-agw"
ALG="$top_builddir/alg/ims-alg"
FREEPORT="$top_builddir/tests/util/freeport"
UDPX="$top_builddir/tests/util/udpx"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mediasec-test.XXXXXX")
passed=0 failed=0 pids=""

cleanup() {
	# each started process and its children: Kamailio's workers outlive a main process killed with -9
	for p in $pids; do pkill -9 -P "$p" 2>/dev/null; kill -9 "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok   - $1"; }
not_ok() { failed=$((failed + 1)); echo "FAIL - $1"; shift; for l in "$@"; do echo "       $l"; done; }

# expect_eq NAME ACTUAL EXPECTED
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $3" "actual:   $2"; fi
}

# expect_match NAME TEXT EXTENDED-REGEX
expect_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then ok "$1"; else not_ok "$1" "pattern: $3" "text: $2"; fi
}

# need_megaco: skips the test (exit 77) when Erlang/OTP's escript or its megaco application is missing.
need_megaco() {
	command -v escript >/dev/null || { echo "erl (escript) not installed: skipped"; exit 77; }
	erl -noshell -eval 'case code:lib_dir(megaco) of {error, _} -> halt(1); _ -> halt(0) end.' 2>/dev/null ||
		{ echo "Erlang/OTP megaco not installed: skipped"; exit 77; }
}

# megaco_mgc ESCRIPT PORT: an Erlang/OTP megaco MGC of tests/integration on PORT, its output in
# $WORK/mgc.out and .err; sets $mgc; false when it did not say "listening" within 15 s.
megaco_mgc() {
	: >"$WORK/mgc.out" # as in start: a second MGC's wait must not read the first one's line
	escript "$top_srcdir/tests/integration/$1" "$2" >"$WORK/mgc.out" 2>"$WORK/mgc.err" &
	mgc=$!
	pids="$pids $mgc"
	wait_log "$WORK/mgc.out" "^listening" 15 >/dev/null
}

# start NAME LOG CMD...: runs CMD in the background with stderr to LOG; sets $last_pid.
start() {
	name=$1 log=$2; shift 2
	: >"$log" # emptied now: the background child's own redirection may come after a wait_log on it
	"$@" 2>"$log" >/dev/null &
	last_pid=$!
	pids="$pids $last_pid"
}

# wait_log LOG REGEX [SECONDS]: waits until LOG has a line matching REGEX.
wait_log() {
	i=0 limit=$(( ${3:-10} * 10 ))
	while [ $i -lt $limit ]; do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1; i=$((i + 1))
	done
	echo "timed out waiting for /$2/ in $1:"; sed 's/^/    /' "$1"
	return 1
}

# stop PID SIGNAL: sends SIGNAL and waits for the process; its exit status is left in $stopped.
# (Not for use inside $(...): only this shell can wait for its children.)
stop() {
	kill -"$2" "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	stopped=$?
}

finish() {
	echo "$(basename "$0"): $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
