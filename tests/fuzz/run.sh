#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/fuzz/run.sh BUILD-DIR SECONDS [--merge] [NAME...]: runs the libFuzzer targets of BUILD-DIR (a
# build configured with CC=clang --enable-fuzzing: ASan and UBSan on) for SECONDS each, one after the
# other, starting from their committed seeds (tests/fuzz/corpus/<name>/); NAMEs pick targets (fuzz_NAME),
# all by default. Prints each target's executions and coverage; exits non-zero on the first crash, leak,
# sanitizer report or timeout, with the input that did it kept in tests/fuzz/crashes/.
#
# Without --merge (CI: a few seconds each) new inputs go to a scratch corpus and are thrown away.
# With --merge (a long campaign: hours each) the inputs that increase coverage are merged back into
# tests/fuzz/corpus/<name>/ (libFuzzer's -merge=1: only what adds coverage, minimised), to be reviewed
# and committed; e.g. `tests/fuzz/run.sh _build/fuzz 7200 --merge tl mg` (doc/fuzzing.md).
set -eu
build=$1 seconds=$2
shift 2
merge=no
if [ "${1:-}" = "--merge" ]; then
	merge=yes
	shift
fi
src=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
names=${*:-$(cd "$src/tests/fuzz/corpus" && ls)}
for name in $names; do
	seeds="$src/tests/fuzz/corpus/$name"
	bin="$build/tests/fuzz/fuzz_$name"
	[ -d "$seeds" ] && [ -x "$bin" ] || { echo "fuzz_$name: no such target ($bin) or no seeds ($seeds)"; exit 2; }
	mkdir -p "$scratch/$name" "$src/tests/fuzz/crashes"
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$src/tests/fuzz/crashes/$name-" "$scratch/$name" "$seeds" >"$scratch/$name.log" 2>&1 ||
		{ tail -n 40 "$scratch/$name.log"; echo "fuzz_$name: FAILED (input in tests/fuzz/crashes/)"; exit 1; }
	rmdir "$src/tests/fuzz/crashes" 2>/dev/null || true
	runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$scratch/$name.log" | grep -oE '[0-9]+$')
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$scratch/$name.log" | tail -n1)
	added=""
	if [ $merge = yes ]; then
		before=$(ls "$seeds" | wc -l)
		"$bin" -merge=1 -timeout=10 -rss_limit_mb=2048 "$seeds" "$scratch/$name" >"$scratch/$name.merge" 2>&1 ||
			{ tail -n 20 "$scratch/$name.merge"; echo "fuzz_$name: merge FAILED"; exit 1; }
		added=", $(($(ls "$seeds" | wc -l) - before)) inputs merged into tests/fuzz/corpus/$name/"
	fi
	echo "fuzz_$name: $runs executions in ${seconds} s, $cov, no crash$added"
done
