#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The binary encoding (H.248.1 Annex A, BER) against Erlang/OTP megaco's BER codec, in both directions
# (issue 20). For every message of tests/h248/binary (the forms ims-alg and ims-agw emit) and the v3
# vectors of tests/h248/megaco:
#  - what `ims-h248 binary` writes, megaco_ber_encoder decodes to the very records megaco's text decoder
#    reads the text to (exact =:=);
#  - what megaco_ber_encoder writes from those records, `ims-h248 pretty` prints exactly as it prints our
#    own binary, and the octets are the same as ours.
# megaco needs a name resolver for the packages its own does not know and for the project's termination
# ids: tests/integration/megaco_ber_resolver.erl, with the ids of common/h248/ber_tab.c.
# Skipped (exit 77) without escript or Erlang/OTP megaco.
. "$top_srcdir/tests/integration/lib.sh"
H248=$(cd "$top_builddir" && pwd)/common/h248/ims-h248
T=$(cd "$top_srcdir/tests" && pwd)
ESCRIPT=$T/integration/megaco-ber.escript
RESOLVER=$T/integration/megaco_ber_resolver.erl
command -v escript >/dev/null || { echo "escript not installed: skipped"; exit 77; }
erl -noshell -eval 'halt(case code:which(megaco_ber_encoder) of non_existing -> 1; _ -> 0 end).' ||
	{ echo "Erlang/OTP megaco not installed: skipped"; exit 77; }

files="$(ls "$T"/h248/binary/*.txt) $(ls "$T"/h248/megaco/*-v3.pretty)"
expect_eq "37 messages" "$(echo $files | wc -w)" 37
bad=0 same="" enc=""
for f in $files; do
	b=$WORK/$(basename "$f")
	"$H248" binary "$f" >"$b.ber" || bad=$((bad + 1))
	same="$same $f $b.ber" enc="$enc $f $b.mber"
done
expect_eq "ims-h248 encodes every message in binary" "$bad" 0

(cd "$WORK" && escript "$ESCRIPT" "$RESOLVER" same $same) >"$WORK/same"
expect_eq "megaco decodes our binary of each to its records of the text" "$(grep -c ': same$' "$WORK/same")" 37
grep -v ': same$' "$WORK/same" | cut -c1-400 | head -6

(cd "$WORK" && escript "$ESCRIPT" "$RESOLVER" encode $enc) >"$WORK/enc"
expect_eq "megaco encodes each in binary" "$(grep -c ': encoded$' "$WORK/enc")" 37
grep -v ': encoded$' "$WORK/enc" | cut -c1-400 | head -3
text=0 octets=0
for f in $files; do
	b=$WORK/$(basename "$f")
	"$H248" pretty "$b.mber" >"$b.m.txt" 2>&1 && "$H248" pretty "$b.ber" >"$b.o.txt" &&
		cmp -s "$b.m.txt" "$b.o.txt" && text=$((text + 1)) || diff "$b.o.txt" "$b.m.txt" | head -4
	cmp -s "$b.mber" "$b.ber" && octets=$((octets + 1))
done
expect_eq "ims-h248 prints megaco's binary of each as it prints ours" "$text" 37
expect_eq "megaco's octets are ours" "$octets" 37
expect_eq "ims-h248 check accepts megaco's binary" "$("$H248" check "$WORK"/*.mber | grep -vc ': ok$')" 0
finish
