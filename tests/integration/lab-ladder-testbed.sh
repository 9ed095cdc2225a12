#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `ims-lab ladder` on a testbed with outside parties (issue 23's acceptance): ims-alg and ims-agw with
# their traces, a SIPp UE offering e2ae MSRP whose TLS end is openssl s_server, a SIPp core answering
# plain MSRP and socat connecting for it; the ladder drawn from the two daemons' traces alone has every
# SIP, H.248, TCP and TLS event of them between two columns, the UE's and the core's SIP ends as columns
# of their own, the TLS handshake toward the UE among them.
. "$top_srcdir/tests/integration/lib.sh"
LAB="$top_builddir/lab/ims-lab"
. "$top_srcdir/tests/integration/testbed_call.sh"
testbed_call lab-ladder-testbed 30520 --trace-file "$WORK/agw.jsonl"
sleep 0.5

out=$(COLUMNS=100 "$LAB" ladder --color=never --html "$WORK/ladder.html" "$WORK/alg.jsonl" "$WORK/agw.jsonl"); status=$?
expect_eq "ladder TRACE...: drawn" "$status" 0
if found=$(python3 "$top_srcdir/tests/integration/ladder_check.py" drawn "$WORK/ladder.html" "$WORK/alg.jsonl" \
	"$WORK/agw.jsonl" 2>&1); then ok "every SIP, H.248, TCP and TLS event drawn ($(printf '%s' "$found" | tail -1))"
else not_ok "every SIP, H.248, TCP and TLS event drawn" "$found"; fi
expect_match "the columns: the UE's SIP end, ims-alg, ims-agw, the core's SIP end" "$(printf '%s\n' "$out" | grep '^step ')" \
	"^step +ms +127\\.0\\.0\\.1:$ue +ims-alg +ims-agw +127\\.0\\.0\\.1:$peer\$"
expect_match "the INVITE from the UE, then toward the core" "$(printf '%s\n' "$out" | grep -E -- '-INVITE-')" \
	'^ +[0-9.]+ \|-+INVITE-+>\|.*'$'\n''.*\|-+INVITE-+>\|$'
expect_match "the gateway's ClientHello toward the UE, TLS up at the gateway" "$out" \
	'\|<-+ClientHello-+\|.*'
expect_match "TLS up noted at the gateway" "$out" '\| \[TLS up'
check_html=$(python3 "$top_srcdir/tests/integration/ladder_check.py" canvas "$WORK/ladder.html" 2>&1)
expect_eq "its HTML within the drawing" "$check_html" ""
finish
