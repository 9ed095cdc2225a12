#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The malformed H.248 suite (tests/h248/malformed, one message per Annex B rule that can be broken, the
# expected H.248.8 code and Erlang/OTP megaco's verdict in its EXPECTED table): megaco's pretty and
# compact text decoders give the verdict the table records, `ims-h248 check` refuses every message with
# the code the table gives, and ims-agw, sent each message by a megaco-decoding MGC
# (h248-malformed.escript), answers every request with that code in a message megaco decodes.
# Skipped (exit 77) without escript or Erlang/OTP megaco.
. "$top_srcdir/tests/integration/lib.sh"
H248="$top_builddir/common/h248/ims-h248"
M=$(cd "$top_srcdir/tests/h248/malformed" && pwd)
ESCRIPT=$(cd "$top_srcdir/tests/integration" && pwd)/h248-malformed.escript
command -v escript >/dev/null || { echo "escript not installed: skipped"; exit 77; }
erl -noshell -eval 'halt(case code:which(megaco_pretty_text_encoder) of non_existing -> 1; _ -> 0 end).' ||
	{ echo "Erlang/OTP megaco not installed: skipped"; exit 77; }

grep -v '^#' "$M/EXPECTED" | cut -d' ' -f1-3 >"$WORK/table"
expect_match "the suite holds 30 or more messages" "$(wc -l <"$WORK/table")" '^([3-9][0-9]|[1-9][0-9]{2})$'
expect_eq "every message file is in the table" "$(ls "$M" | grep -c '\.txt$')" "$(wc -l <"$WORK/table")"

(cd "$M" && escript "$ESCRIPT" decode $(cut -d' ' -f1 "$WORK/table" | sed 's/$/.txt/')) >"$WORK/megaco" 2>&1
while read -r name code verdict; do
	out=$("$H248" check "$M/$name.txt")
	expect_match "$name: ims-h248 refuses it with $code" "$out" "^$M/$name.txt: error $code at [0-9]+:[0-9]+: "
	case $verdict in rejects) want=error ;; *) want=ok ;; esac
	expect_eq "$name: megaco $verdict it (pretty and compact)" "$(grep "^$name.txt " "$WORK/megaco")" \
		"$name.txt pretty=$want compact=$want"
done <"$WORK/table"

set -- $("$FREEPORT" 2)
AGWP=$1 MGCP=$2
# the MGC here only sends malformed messages and reads each answer: the gateway's probe of a silent MGC
# (mgc.silence_timeout, an it/ito Notify) would be read as the answer to whichever message was last
start agw "$WORK/agw.log" "$AGW" --h248-port "$AGWP" --mgc-port "$MGCP" --h248-mid "[127.0.0.1]:2944" \
	--realm-access-ports 21000-21009 --realm-core-ports 22000-22009 --log-level info --mgc-silence-timeout 0
agw=$last_pid
(cd "$M" && escript "$ESCRIPT" mgc "$MGCP" "$AGWP" $(cut -d' ' -f1 "$WORK/table" | sed 's/$/.txt/')) \
	>"$WORK/mgc" 2>&1
expect_eq "the megaco MGC ran" "$?" 0
while read -r name code verdict; do
	if grep -q "^Reply = " "$M/$name.txt"; then
		expect_eq "$name: a broken Reply is not answered" "$(grep "^$name.txt " "$WORK/mgc")" "$name.txt no answer"
	else
		expect_eq "$name: ims-agw's answer decodes with megaco, Error $code" "$(grep "^$name.txt " "$WORK/mgc")" \
			"$name.txt decodes: error $code"
	fi
done <"$WORK/table"
# the same messages from anyone but the MGC's address and port get no answer at all: what does not parse
# names no sender we could check, and an answer to a spoofed source would make the gateway a reflector
answered=0
while read -r name code verdict; do
	grep -q "^Reply = " "$M/$name.txt" && continue
	"$UDPX" 127.0.0.1 "$AGWP" 300 <"$M/$name.txt" >/dev/null && answered=$((answered + 1))
done <"$WORK/table"
expect_eq "a stranger's malformed messages: none answered" "$answered" 0
expect_match "a stranger's malformed messages: counted in the log" \
	"$(grep -c "not the MGC's address and port" "$WORK/agw.log")" '^[1-9]'
stop "$agw" TERM
expect_eq "agw exits 0" "$stopped" 0

# ims-alg takes H.248 from where h248.gateways allows: a message that does not parse is answered with
# its H.248.8 error there, and not at all from anywhere else: the link drops a stranger's datagram
# unread, so an answer to a spoofed source never makes ims-alg a reflector
set -- $("$FREEPORT" 7)
only=$7
for allow in any one; do
	if [ $allow = any ]; then gateways=127.0.0.1; else gateways="127.0.0.1:$only"; fi
	start alg "$WORK/alg-$allow.log" "$ALG" --h248-port "$1" --sip-access-port "$2" --sip-core-port "$3" \
		--h248-gateways "$gateways" --log-level info
	alg=$last_pid
	wait_log "$WORK/alg-$allow.log" "ready:" >/dev/null
	"$UDPX" 127.0.0.1 "$1" 1000 <"$M/add-empty-body.txt" >"$WORK/alg-$allow.answer"
	stop "$alg" TERM
	shift 3
done
expect_match "ims-alg: a gateway's malformed message answered with its H.248.8 error" \
	"$(tr -d '\r\n' <"$WORK/alg-any.answer")" 'Error ?= ?[0-9]+'
expect_eq "ims-alg: a stranger's malformed message not answered" "$(wc -c <"$WORK/alg-one.answer")" 0
expect_match "ims-alg: the stranger's message counted in the log" \
	"$(grep -c 'no h248.gateways entry allows this source' "$WORK/alg-one.log")" '^[1-9]'
finish
