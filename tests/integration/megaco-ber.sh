#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The binary encoding (H.248.1 Annex A, BER) against Erlang/OTP megaco's BER codec, in both directions
# (issue 20), for every H.248 message the daemons send while ims-lab plays every scenario, for the forms
# of tests/h248/binary and for megaco's own v3 vectors (tests/h248/megaco):
#  - what `ims-h248 binary` writes, megaco_ber_encoder decodes to the very records megaco's text decoder
#    reads the text to (exact =:=);
#  - what megaco_ber_encoder writes from those records, `ims-h248 pretty` prints exactly as it prints our
#    own binary, and the octets are ours.
# megaco needs a name resolver for the packages its own does not know and for the project's termination
# ids: tests/integration/megaco_ber_resolver.erl, with the ids of common/h248/ber_tab.c.
# Skipped (exit 77) without escript, Erlang/OTP megaco or python3.
. "$top_srcdir/tests/integration/lib.sh"
H248=$(cd "$top_builddir" && pwd)/common/h248/ims-h248
LAB="$top_builddir/lab/ims-lab"
T=$(cd "$top_srcdir/tests" && pwd)
ESCRIPT=$T/integration/megaco-ber.escript
RESOLVER=$T/integration/megaco_ber_resolver.erl
command -v escript >/dev/null || { echo "escript not installed: skipped"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed: skipped"; exit 77; }
erl -noshell -eval 'halt(case code:which(megaco_ber_encoder) of non_existing -> 1; _ -> 0 end).' ||
	{ echo "Erlang/OTP megaco not installed: skipped"; exit 77; }

# check NAME DIR: every DIR/*.txt both ways
check() {
	local name=$1 dir=$2 files n bad=0 same="" enc="" text=0 octets=0
	files=$(ls "$dir"/*.txt) n=$(echo $files | wc -w)
	for f in $files; do
		"$H248" binary "$f" >"$f.ber" || bad=$((bad + 1))
		same="$same $f $f.ber" enc="$enc $f $f.mber"
	done
	expect_eq "$name: ims-h248 encodes all $n in binary" "$bad" 0
	(cd "$dir" && escript "$ESCRIPT" "$RESOLVER" same $same) >"$dir.same"
	expect_eq "$name: megaco decodes our binary of each to its records of the text" \
		"$(grep -c ': same$' "$dir.same")" "$n"
	grep -v ': same$' "$dir.same" | cut -c1-400 | head -6
	(cd "$dir" && escript "$ESCRIPT" "$RESOLVER" encode $enc) >"$dir.enc"
	expect_eq "$name: megaco encodes each in binary" "$(grep -c ': encoded$' "$dir.enc")" "$n"
	grep -v ': encoded$' "$dir.enc" | cut -c1-400 | head -3
	for f in $files; do
		"$H248" pretty "$f.mber" >"$f.m" 2>&1 && "$H248" pretty "$f.ber" >"$f.o" && cmp -s "$f.m" "$f.o" &&
			text=$((text + 1)) || diff "$f.o" "$f.m" | head -4
		cmp -s "$f.mber" "$f.ber" && octets=$((octets + 1))
	done
	expect_eq "$name: ims-h248 prints megaco's binary of each as it prints ours" "$text" "$n"
	expect_eq "$name: megaco's octets are ours" "$octets" "$n"
}

# the messages the daemons send (h248.tx in their traces), each once, whatever the scenarios' verdicts;
# in a build without sanitizers only: the codec's octets do not depend on the build, ASan and UBSan see
# it through test_ber and fuzz_ber, and some 600 messages, three ims-h248 runs each, take minutes there
lab_messages() {
	COLUMNS=200 "$LAB" --color=never --quiet -o "$WORK/lab" "$top_srcdir/scenarios" >"$WORK/lab.out" 2>&1
	mkdir -p "$WORK/sent"
	python3 - "$WORK/lab" "$WORK/sent" <<-'PY'
	import glob, json, os, sys
	seen = set()
	for trace in sorted(glob.glob(os.path.join(sys.argv[1], "*", "a*.jsonl"))):
	    for line in open(trace):
	        e = json.loads(line)
	        if e.get("kind") == "h248.tx" and e.get("raw") and e["raw"] not in seen:
	            seen.add(e["raw"])
	            name = "%s-%s-%04d.txt" % (os.path.basename(os.path.dirname(trace)), os.path.basename(trace)[:3], len(seen))
	            open(os.path.join(sys.argv[2], name), "w").write(e["raw"])
	PY
	scenarios=$(ls "$top_srcdir"/scenarios/*.json | grep -vc /nat-)
	expect_eq "messages from every scenario the lab plays here (the NAT ones need a namespace)" \
		"$(ls "$WORK/sent" | sed 's/-a[lg][gw]-[0-9]*\.txt$//' | sort -u | wc -l)" "$scenarios"
	expect_eq "both daemons' messages: ims-alg's and ims-agw's" \
		"$(ls "$WORK/sent" | grep -o -- '-a[lg][gw]-' | sort -u | tr -d '\n')" "-agw--alg-"
	check "the lab's messages" "$WORK/sent"
}
if grep -q '^SAN_CFLAGS = .*-fsanitize' "$top_builddir/Makefile"; then
	echo "# the lab's messages: checked in the build without sanitizers"
else
	lab_messages
fi

mkdir -p "$WORK/forms" "$WORK/megaco"
cp "$T"/h248/binary/*.txt "$WORK/forms/"
for f in "$T"/h248/megaco/*-v3.pretty; do cp "$f" "$WORK/megaco/$(basename "$f" .pretty).txt"; done
check "tests/h248/binary" "$WORK/forms"
check "megaco's v3 vectors" "$WORK/megaco"
expect_eq "ims-h248 check accepts megaco's binary" "$("$H248" check "$WORK"/*/*.mber | grep -vc ': ok$')" 0
finish
