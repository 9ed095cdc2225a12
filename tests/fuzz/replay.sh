#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Replays every committed seed of every fuzz target (tests/fuzz/corpus/<name>/ for fuzz_<name>).
# With libFuzzer builds the same binaries take the corpus as a directory and run each input once.
set -u
status=0
for dir in "$top_srcdir"/tests/fuzz/corpus/*/; do
	name=$(basename "$dir")
	bin="$top_builddir/tests/fuzz/fuzz_$name"
	[ -x "$bin" ] || { echo "missing fuzz target $bin"; status=1; continue; }
	if "$bin" -help=1 >/dev/null 2>&1; then
		"$bin" -runs=0 "$dir" || status=1     # libFuzzer: runs=0 executes the corpus only
	else
		"$bin" "$dir" || status=1
	fi
done
exit $status
