#!/bin/sh
# tests/fuzz/run.sh BUILD-DIR SECONDS: runs every libFuzzer target of BUILD-DIR for SECONDS each, starting
# from its committed seeds (tests/fuzz/corpus/<name>/); new inputs go to a scratch corpus, not the tree.
# Prints each target's executions and coverage; exits non-zero on the first crash, leak or timeout.
set -eu
build=$1 seconds=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for seeds in "$src"/tests/fuzz/corpus/*/; do
	name=$(basename "$seeds")
	mkdir -p "$scratch/$name"
	"$build/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 "$scratch/$name" "$seeds" >"$scratch/$name.log" 2>&1 ||
		{ tail -n 40 "$scratch/$name.log"; echo "fuzz_$name: FAILED"; exit 1; }
	runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$scratch/$name.log" | grep -oE '[0-9]+$')
	cov=$(grep -oE 'cov: [0-9]+' "$scratch/$name.log" | tail -n1)
	echo "fuzz_$name: $runs executions in ${seconds} s, $cov, no crash"
done
