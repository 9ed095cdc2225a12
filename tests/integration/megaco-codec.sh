#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The H.248 text layouts Erlang/OTP megaco writes and reads, against our codec (issue 18 item 2, the codec
# side): every message of tests/h248/megaco (megaco's pretty and compact encoders, versions 1 to 3, and
# two hand-written layouts with comments, CRLF, tabs, line ends before '}', long and short tokens mixed,
# any case) is one megaco's decoders read and one `ims-h248 check` accepts; what `ims-h248 pretty` and
# `ims-h248 compact` print from it, megaco decodes to the very records it decodes the original to.
# Skipped (exit 77) without escript or Erlang/OTP megaco.
. "$top_srcdir/tests/integration/lib.sh"
H248=$(cd "$top_builddir" && pwd)/common/h248/ims-h248
V=$(cd "$top_srcdir/tests/h248/megaco" && pwd)
ESCRIPT=$(cd "$top_srcdir/tests/integration" && pwd)/h248-malformed.escript
command -v escript >/dev/null || { echo "escript not installed: skipped"; exit 77; }
erl -noshell -eval 'halt(case code:which(megaco_pretty_text_encoder) of non_existing -> 1; _ -> 0 end).' ||
	{ echo "Erlang/OTP megaco not installed: skipped"; exit 77; }

cd "$V" || exit 1
files=$(ls *.pretty *.compact layout-*.txt)
expect_eq "104 vectors" "$(echo $files | wc -w)" 104
escript "$ESCRIPT" decode $files >"$WORK/megaco"
expect_eq "megaco decodes every vector, pretty and compact" "$(grep -vc ' pretty=ok compact=ok$' "$WORK/megaco")" 0
"$H248" check $files >"$WORK/check"
expect_eq "ims-h248 accepts every vector" "$(grep -vc ': ok$' "$WORK/check")" 0
grep -v ': ok$' "$WORK/check" | head -5

bad=0 args=""
for f in $files; do
	"$H248" pretty "$f" >"$WORK/$f.p" && "$H248" compact "$f" >"$WORK/$f.c" || bad=$((bad + 1))
	args="$args $f $WORK/$f.p $WORK/$f.c"
done
escript "$ESCRIPT" same $args >"$WORK/same"
expect_eq "ims-h248 prints every vector in both forms" "$bad" 0
expect_eq "megaco decodes both printings of each, 208 in all" "$(grep -c ' same$' "$WORK/same")" 208
grep -v " same$" "$WORK/same" | head -5
finish
