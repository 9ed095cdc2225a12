#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-alg under valgrind memcheck, as doc/configuration.md tells users to run it: its malloc is tcmalloc's
# (configure.ac), which memcheck replaces as it does glibc's, and contrib/valgrind/tcmalloc.supp hides the
# one block tcmalloc keeps for good. Twenty e2ae MSRP calls from
# SIPp (tests/bench/sipp, the call of calls.sh) go through it and its gateway, then SIGTERM: no memory
# error and no definite leak (valgrind's exit status 99 otherwise), and memcheck has counted sofia-sip's
# allocations (so its malloc was the one intercepted, and a leak would have been seen). Skipped in the
# sanitizer builds: ASan's ims-alg does not run under valgrind.
. "$top_srcdir/tests/integration/lib.sh"
for tool in valgrind sipp; do
	command -v "$tool" >/dev/null || { echo "alg-valgrind: $tool is not installed: skipped"; exit 77; }
done
# (gcc links ASan's runtime as a library, clang into the binary: either way it calls __asan_init)
grep -qa __asan_init "$ALG" && { echo "alg-valgrind: ims-alg is built with ASan: skipped"; exit 77; }
tcmalloc=no
readelf -d "$ALG" | grep -q 'NEEDED.*libtcmalloc' && tcmalloc=yes
S="$top_srcdir/tests/bench/sipp"

set -- $("$FREEPORT" 5)
access=$1 core=$2 h248=$3 agw_h248=$4 uas=$5
sipp -sf "$S/uas.xml" -i 127.0.0.1 -p "$uas" -nostdin -bg >/dev/null 2>&1
pkill_uas() { pkill -f "sipp -sf $S/uas.xml -i 127.0.0.1 -p $uas" 2>/dev/null; }
trap 'pkill_uas; cleanup' EXIT
start alg "$WORK/alg.log" valgrind --log-file="$WORK/memcheck.log" --leak-check=full \
	--errors-for-leak-kinds=definite --error-exitcode=99 --suppressions="$top_srcdir/contrib/valgrind/tcmalloc.supp" \
	"$ALG" --sip-access-port "$access" --sip-core-port "$core" --sip-core-next-hop "sip:127.0.0.1:$uas" \
	--h248-port "$h248" --policy-force-e2ae-orig --no-sip-registered-only --log-level notice
alg=$last_pid
start agw "$WORK/agw.log" "$AGW" --h248-port "$agw_h248" --mgc-port "$h248" \
	--realm-access-ports 30450-30454 --realm-core-ports 30455-30459 --log-level notice
wait_log "$WORK/alg.log" "gateway .* registered" 60 >/dev/null || exit 1

sipp "127.0.0.1:$access" -sf "$S/uac.xml" -i 127.0.0.1 -p "$("$FREEPORT" 1)" -m 20 -l 5 -r 20 -nostdin \
	-timeout 60s -timeout_error -trace_stat -stf "$WORK/uac.csv" >/dev/null 2>&1
calls=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i }
	END { print $col["SuccessfulCall(C)"] "/" $col["FailedCall(C)"] }' "$WORK/uac.csv" 2>/dev/null)
expect_eq "20 e2ae calls through ims-alg under memcheck (successful/failed)" "$calls" "20/0"

stop "$alg" TERM
expect_eq "ims-alg (tcmalloc: $tcmalloc) ends with no memory error and no definite leak" "$stopped" 0
[ "$stopped" = 0 ] || sed 's/^/    /' "$WORK/memcheck.log" | head -60
allocs=$(sed -n 's/.*total heap usage: \([0-9,]*\) allocs.*/\1/p' "$WORK/memcheck.log" | tr -d ,)
expect_eq "memcheck counted ims-alg's allocations (more than 2,000: ${allocs:-none})" \
	"$([ "${allocs:-0}" -gt 2000 ] && echo yes)" yes
finish
