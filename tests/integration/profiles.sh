#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-agw under each profile (profiles/profile.c) against a scripted MGC over real UDP on loopback: what
# the profile leaves out is refused with the H.248.8 code for it (a transport with 449 and the value in
# the text, TS 29.334 §5.17.1; a property with 445; an event with 512; a signal with 513) and what it
# allows is taken, Mp's pre-shared key among it. The replies are compared byte for byte with
# tests/profiles/*-expected.txt; the Profile announced at registration is the profile's.
. "$top_srcdir/tests/integration/lib.sh"
PEER="$top_builddir/tests/util/h248peer"
D="$top_srcdir/tests/profiles"

play() { # PROFILE REQUEST-FILES…
	profile=$1; shift
	set -- "$profile" $("$FREEPORT" 2) "$@"
	start agw "$WORK/$profile.log" "$AGW" --profile "$profile" --h248-port "$2" --mgc-port "$3" \
		--h248-mid "[127.0.0.1]:2944" --realm-access-ports 23000-23009 --realm-core-ports 24000-24009 \
		--tls-certificate "$top_srcdir/tests/data/agw-cert.pem" \
		--tls-key "$top_srcdir/tests/data/agw-key.pem" --trace-file "$WORK/$profile.jsonl"
	agw=$last_pid
	wait_log "$WORK/$profile.log" "ready:" >/dev/null
	mgc=$3 mg=$2; shift 3
	"$PEER" "$mgc" "$mg" "$@" >"$WORK/$profile.txt"
	expect_eq "$profile: every request answered" "$?" 0
	# the gateway's ports are drawn at random in its ranges (issue 26): the same placeholder on both sides
	sed -E 's/^(m=[a-z]+ )(2300[0-9]|2400[0-9]) /\1<port> /' "$D/$profile-expected.txt" >"$WORK/$profile-expected.txt"
	sed -Ei 's/^(m=[a-z]+ )(2300[0-9]|2400[0-9]) /\1<port> /' "$WORK/$profile.txt"
	if diff -u "$WORK/$profile-expected.txt" "$WORK/$profile.txt" >"$WORK/diff"; then
		ok "$profile: replies byte-exact"
	else
		not_ok "$profile: replies byte-exact" "$(cat "$WORK/diff")"
	fi
	stop "$agw" TERM
	expect_eq "$profile: exits 0" "$stopped" 0
}

play iq "$D/iq-refusals.txt" "$D/iq-path.txt"
expect_match "iq: registered as mediasec-Iq/1" "$(cat "$WORK/iq.jsonl")" 'Profile = mediasec-Iq/1'
play ix "$D/ix.txt" "$D/ix-refusals.txt"
expect_match "ix: registered as mediasec-Ix/1" "$(cat "$WORK/ix.jsonl")" 'Profile = mediasec-Ix/1'
play mp "$D/mp.txt" "$D/mp-refusals.txt"
expect_match "mp: registered as mediasec-Mp/1" "$(cat "$WORK/mp.jsonl")" 'Profile = mediasec-Mp/1'
err=$("$AGW" --profile iz --print-config 2>&1)
expect_eq "an unknown profile: the choices named" "$err" \
	'ims-agw: command line: --profile: expected one of iq, ix, mp, found "iz"'
finish
