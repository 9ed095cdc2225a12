#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-h248: check prints "FILE: ok" or "FILE: error CODE at LINE:COL: reason" and fails on any error;
# pretty and compact print the re-encoded message; "-" reads standard input.
. "$top_srcdir/tests/integration/lib.sh"
H248="$top_builddir/common/h248/ims-h248"
V="$top_srcdir/tests/h248"

out=$("$H248" check "$V"/appendix/01-servicechange.txt "$V"/cover/all-v3.txt); status=$?
expect_eq "check: status on good files" "$status" 0
expect_eq "check: one ok line per file" "$out" "$V/appendix/01-servicechange.txt: ok
$V/cover/all-v3.txt: ok"

printf 'MEGACO/1 [1.2.3.4]:2944\nT = 7 { C = 1 { S = T1 { Media { } } } }\n' >"$WORK/bad.txt"
out=$("$H248" check "$V"/appendix/02-servicechange-reply.txt "$WORK/bad.txt"); status=$?
expect_eq "check: status with a bad file" "$status" 1
expect_eq "check: error line" "$(printf '%s\n' "$out" | tail -n1)" \
	"$WORK/bad.txt: error 447 at 2:26: Media descriptor is not legal in Subtract"

"$H248" compact "$V/cover/all-v3.txt" >"$WORK/c.txt"
if cmp -s "$WORK/c.txt" "$V/cover/all-v3.compact"; then ok "compact: golden bytes"; else not_ok "compact: golden bytes"; fi
"$H248" pretty - <"$V/cover/all-v3.compact" >"$WORK/p.txt"
if cmp -s "$WORK/p.txt" "$V/cover/all-v3.pretty"; then ok "pretty from stdin: golden bytes"; else not_ok "pretty from stdin: golden bytes"; fi

err=$("$H248" check "$WORK/missing.txt" 2>&1 >/dev/null); status=$?
expect_eq "unreadable file: status" "$status" 1
expect_eq "unreadable file: message" "$err" "$WORK/missing.txt: cannot read: No such file or directory"
"$H248" frobnicate x 2>/dev/null; expect_eq "usage error: status" "$?" 2
"$H248" pretty a b 2>/dev/null; expect_eq "pretty takes one file" "$?" 2
finish
