#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/h248_ab.sh OLD NEW FILE...: is a change to the H.248 codec faster? OLD and NEW are two
# h248_bench binaries (say, one built from the commit before the change in a second build directory);
# each FILE is measured by both in turn, BENCH_PAIRS times (default 40), BENCH_SECONDS each (default
# 0.1), both pinned to CPU 0. Short alternating runs: on a shared machine whose speed drifts by as much
# as 2 times within seconds, only runs side by side compare, and the ratio of each pair cancels the
# drift that a pair does not see. Printed per file: each binary's median messages per second, the
# median of the pairs' ratios NEW / OLD with the lowest and highest, and best against best.
set -eu
[ $# -ge 3 ] || {
	echo "usage: $0 OLD-h248_bench NEW-h248_bench FILE..." >&2
	exit 2
}
old=$1 new=$2
shift 2
pairs=${BENCH_PAIRS:-40}
stats=$(cat "$(dirname "$0")/stats.awk") # median, spread
seconds=${BENCH_SECONDS:-0.1}
pin="taskset -c 0"
command -v taskset >/dev/null || pin=""
rate() { BENCH_SECONDS=$seconds $pin "$1" "$2" | awk '{ print $3 }'; }
printf '%-24s %12s %12s  %s\n' file old/s new/s "new/old: median of the pairs (lowest-highest), best/best"
for f in "$@"; do
	for _ in $(seq "$pairs"); do echo "$(rate "$old" "$f") $(rate "$new" "$f")"; done |
		awk -v f="$(basename "$f")" "$stats"'
		{ o[NR] = $1; n[NR] = $2; q[NR] = $2 / $1; if ($1 > bo) bo = $1; if ($2 > bn) bn = $2 }
		END { printf "%-24s %12.0f %12.0f  %s, %.3f\n", f, median(o, NR), median(n, NR), spread(q, NR, "%.3f"),
			bn / bo }'
done
