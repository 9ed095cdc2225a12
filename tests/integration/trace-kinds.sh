#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The trace kinds have one table (common/trace_kinds.h, issue 23): no kind's name is spelled as a string
# anywhere else in the daemons, the lab or the common code, so that a producer and the ladder cannot
# disagree on one (the producers pass the enum, the lab reads names back through the table).
. "$top_srcdir/tests/integration/lib.sh"
table="$top_srcdir/common/trace_kinds.h"
names=$(sed -n 's/^[[:space:]]*X([A-Z0-9_]*, "\([a-z0-9_.]*\)".*/\1/p' "$table")
count=$(printf '%s\n' "$names" | grep -c .)
expect_match "the table lists the kinds ($count)" "$count" '^(2[5-9]|[3-9][0-9])$'
hits=""
for n in $names; do
	# in code, not in comments (the part of a line from "/*" on, a comment's continuation line)
	found=$(cd "$top_srcdir" && grep -rnF --include='*.c' --include='*.h' "\"$n\"" agw alg lab common |
		grep -v '^common/trace_kinds\.h:' | awk -v s="\"$n\"" '{ c = $0; sub(/^[^:]*:[0-9]*:/, "", c)
			if (c ~ /^[[:space:]]*\*/) next; sub(/\/\*.*/, "", c); if (index(c, s)) print }')
	[ -n "$found" ] && hits="$hits$found"$'\n'
done
expect_eq "no trace kind spelled outside common/trace_kinds.h" "$hits" ""
# a producer passes the enum: trace_emit's kind, leg_trace's, party_note's and party_send's are typed
expect_match "struct trace_event's kind is the table's enum" "$(grep -E '^[[:space:]]+[a-z_ ]+ kind;' \
	"$top_srcdir/common/trace.h")" 'enum trace_kind kind;'
finish
