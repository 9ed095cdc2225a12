#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/h248.sh BUILD-DIR: H.248 text codec decode+encode throughput, mediasec next to Erlang/OTP
# megaco on the same messages (tests/bench/h248/*.txt, each in the pretty and the compact form), in the
# same run, one core each (taskset), printed with the ratio. Each measurement is bounded to
# BENCH_SECONDS (default 1) per message and form.
set -eu
build=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in "$src"/tests/bench/h248/*.txt; do
	name=$(basename "$f" .txt)
	cp "$f" "$work/$name-pretty.txt"
	"$build/common/h248/ims-h248" compact "$f" >"$work/$name-compact.txt"
done
files=$(ls "$work"/*.txt)
pin="taskset -c 0"; command -v taskset >/dev/null || pin=""
$pin "$build/tests/bench/h248_bench" $files >"$work/ours"
if command -v escript >/dev/null && erl -noshell -eval 'code:which(megaco_pretty_text_encoder) =/= non_existing orelse halt(1), halt(0).' 2>/dev/null; then
	$pin escript "$src/tests/bench/megaco_bench.escript" $files >"$work/megaco"
else
	echo "(Erlang/OTP megaco not installed: erlang-megaco; only mediasec's figures)"
	: >"$work/megaco"
fi
echo "H.248 text codec: decode + encode per second, one core; ratio = mediasec / megaco"
printf '%-16s %-8s %6s %12s %12s %7s\n' message form bytes mediasec megaco ratio
while read -r path bytes ours; do
	base=$(basename "$path" .txt)
	theirs=$(awk -v p="$path" '$1 == p { print $3 }' "$work/megaco")
	ratio=$([ -n "$theirs" ] && awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.1f", a / b }' || echo -)
	printf '%-16s %-8s %6s %12s %12s %7s\n' "${base%-*}" "${base##*-}" "$bytes" "$ours" "${theirs:--}" "$ratio"
done <"$work/ours"
