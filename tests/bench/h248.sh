#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/h248.sh BUILD-DIR: H.248 codec decode+encode throughput, mediasec next to Erlang/OTP
# megaco on the same messages (tests/bench/h248/*.txt, each in the pretty, the compact and the binary
# (ASN.1 BER, written by ims-h248 binary) form; megaco's BER codec with the name resolver of
# tests/integration/megaco_ber_resolver.erl for the packages it does not know), in the
# same run, one core each (taskset). megaco runs as its users run it for speed: compiled, with its flex
# scanner (see megaco_bench.escript). BENCH_RUNS rounds (default 3), each round measuring both codecs
# on every file, one right after the other, BENCH_SECONDS (default 1) per message, form and codec;
# printed: each codec's median and spread (min-max) over the rounds, and the ratio of the medians with
# the lowest and highest ratio of any one round.
set -eu
build=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
stats=$(cat "$src/tests/bench/stats.awk") # median, lowhigh, spread
runs=${BENCH_RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in "$src"/tests/bench/h248/*.txt; do
	name=$(basename "$f" .txt)
	cp "$f" "$work/$name-pretty.txt"
	"$build/common/h248/ims-h248" compact "$f" >"$work/$name-compact.txt"
	"$build/common/h248/ims-h248" binary "$f" >"$work/$name-binary.ber"
done
files=$(ls "$work"/*.txt "$work"/*.ber)
export BENCH_MEGACO_RESOLVER="$src/tests/integration/megaco_ber_resolver.erl"
pin="taskset -c 0"; command -v taskset >/dev/null || pin=""
megaco=1
if ! command -v escript >/dev/null ||
	! erl -noshell -eval 'code:which(megaco_pretty_text_encoder) =/= non_existing orelse halt(1), halt(0).' 2>/dev/null; then
	echo "(Erlang/OTP megaco not installed: erlang-megaco; only mediasec's figures)"
	megaco=0
fi
: >"$work/all"
# message by message, ours then megaco's right after: the machine's speed drifts by as much as 2x over
# some seconds (a shared host), and a ratio is fair only between figures measured side by side
for r in $(seq "$runs"); do
	for f in $files; do
		$pin "$build/tests/bench/h248_bench" "$f" | sed "s/^/ours $r /" >>"$work/all"
		[ $megaco = 0 ] || $pin escript "$src/tests/bench/megaco_bench.escript" "$f" 2>"$work/scanner" |
			sed "s/^/megaco $r /" >>"$work/all"
	done
done
echo "H.248 codecs: decode + encode per second, one core, $runs rounds of ${BENCH_SECONDS:-1} s;" \
	"megaco: $(cat "$work/scanner" 2>/dev/null | sed 's/^megaco: //')"
echo "median (min-max) per codec; ratio = mediasec / megaco of the medians (lowest-highest of one round)"
printf '%-8s %-8s %5s  %-26s %-24s %s\n' message form bytes mediasec megaco ratio
for path in $files; do
	base=$(basename "$path"); base=${base%.*}
	awk -v p="$path" -v msg="${base%-*}" -v form="${base##*-}" "$stats"'
	$3 == p { v[$1, $2] = $5; bytes = $4; if ($1 == "ours") no++; else nm++ }
	END {
		for (r = 1; r <= no; r++) o[r] = v["ours", r]
		for (r = 1; r <= nm; r++) { m[r] = v["megaco", r]; q[r] = v["ours", r] / m[r] }
		ours = spread(o, no, "%d"); om = median(o, no)
		if (nm) { theirs = spread(m, nm, "%d"); mm = median(m, nm)
			ratio = sprintf("%.1f (%s)", om / mm, lowhigh(q, nm, "%.1f")) } else { theirs = "-"; ratio = "-" }
		printf "%-8s %-8s %5d  %-26s %-24s %s\n", msg, form, bytes, ours, theirs, ratio
	}' "$work/all"
done
