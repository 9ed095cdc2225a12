#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-alg and ims-agw over the binary encoding (H.248.1 Annex A, ASN.1 BER; issue 20): ims-agw is
# configured mgc.encoding = binary and ims-alg left at its default h248.encoding = auto, which answers
# each gateway in the encoding it registered with. A call through the pair (testbed_call.sh: a SIPp UE
# offering e2ae MSRP, its TLS end openssl, a SIPp core) must complete, and every H.248 message either way
# must have gone binary: both daemons' traces say so for each one ("(binary, N octets)") and keep its text,
# and Wireshark's H.248 binary dissector ("h248"; "megaco" reads text) reads every datagram on the
# control association as H.248 version 3, the call's Adds, Modify and Subtract among them. Skipped (77)
# without python3, sipp, socat or openssl; the tshark part without tshark or the right to capture on lo.
# Then ims-alg with h248.encoding = binary and a text gateway: the gateway follows into binary.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/testbed_call.sh"
capture=no
if command -v tshark >/dev/null; then
	tshark -i lo -f udp -w "$WORK/cap.pcapng" -q 2>"$WORK/tshark.log" &
	tpid=$!
	pids="$pids $tpid"
	wait_log "$WORK/tshark.log" "Capturing on" 10 >/dev/null && capture=yes && sleep 0.5
fi
testbed_call alg-agw-ber 30560 --mgc-encoding binary --trace-file "$WORK/agw.jsonl"
agw=$last_pid alg=$(printf '%s\n' $pids | grep -B1 -x "$last_pid" | head -n 1) # testbed_call's two starts
expect_match "ims-alg: the gateway registered" "$(cat "$WORK/alg.log")" "gateway .* registered"
# both stopped before the traces and capture are compared (ims-alg keeps auditing a quiet gateway); the
# gateway's leaving ServiceChange and ims-alg's bodiless Reply to it are traced like every other message
sleep 0.3
stop "$agw" TERM
expect_eq "ims-agw exits 0" "$stopped" 0
stop "$alg" TERM
expect_eq "ims-alg exits 0" "$stopped" 0

# traced: NAME FILE: every H.248 message of a daemon's trace went binary and is kept as its text
traced() {
	grep '"kind":"h248.[rt]x"' "$2" >"$WORK/$1.h248"
	local n
	n=$(wc -l <"$WORK/$1.h248")
	expect_eq "$1: H.248 messages traced (ServiceChange, Adds, Modify, Subtract and their Replies: 10 at least)" \
		"$([ "$n" -ge 10 ] && echo yes || echo "$n")" yes
	expect_eq "$1: every one went binary" "$(grep -cE '"summary":"[^"]* \(binary, [0-9]+ octets\)"' "$WORK/$1.h248")" "$n"
	grep -vE '"summary":"[^"]* \(binary, [0-9]+ octets\)"' "$WORK/$1.h248" | cut -c1-600
	expect_eq "$1: every one traced as its text" "$(grep -c '"raw":"MEGACO/3 ' "$WORK/$1.h248")" "$n"
}
traced ims-alg "$WORK/alg.jsonl"
traced ims-agw "$WORK/agw.jsonl"
expect_match "ims-alg answered the binary ServiceChange in binary" "$(grep '"kind":"h248.tx"' "$WORK/ims-alg.h248")" \
	'"summary":"Reply = [0-9]+ \(binary, [0-9]+ octets\)","raw":"MEGACO/3 [^"]*\\nReply = [0-9]+ \{\\n  Context = - \{\\n    ServiceChange = ROOT'
expect_match "ims-alg sent its Add in binary" "$(grep '"kind":"h248.tx"' "$WORK/ims-alg.h248")" \
	'"summary":"Transaction = [0-9]+ \(binary, [0-9]+ octets\)","raw":"MEGACO/3 [^"]*\\nTransaction = [0-9]+ \{\\n  Context = \$ \{\\n    Add = '

if [ $capture = yes ]; then
	sleep 0.3
	kill -INT $tpid
	wait $tpid 2>/dev/null
	# (not ICMP: an audit to the stopped gateway comes back unreachable.) Wireshark 4.0 flags the SDP value
	# of an Annex C property as malformed in megaco's own octets as in
	# ours (the same octets: tests/integration/megaco-ber.sh), so malformation is not judged here
	tshark -r "$WORK/cap.pcapng" -d "udp.port==$h248,h248" -Y "udp.port == $h248 && !icmp" -T fields \
		-e frame.protocols -e h248.version -e h248.command 2>/dev/null >"$WORK/fields"
	frames=$(wc -l <"$WORK/fields")
	expect_eq "tshark: the datagrams on the association, as many as the two daemons traced as sent" "$frames" \
		"$(cat "$WORK/ims-alg.h248" "$WORK/ims-agw.h248" | grep -c '"kind":"h248.tx"')"
	expect_eq "tshark: every one read as binary H.248 version 3" \
		"$(awk -F'\t' '$1 ~ /:udp:h248$/ && $2 == 3' "$WORK/fields" | wc -l)" "$frames"
	# h248.command is Command's choice: 0 addReq, 2 modReq, 3 subtractReq, 7 serviceChangeReq
	for c in "7 ServiceChange" "0 Add" "2 Modify" "3 Subtract"; do
		expect_match "tshark: the ${c#* } in binary" "$(cut -f3 "$WORK/fields" | tr ',' '\n' | sort -u)" "^${c% *}\$"
	done
else
	echo "# no capture on lo: the tshark part skipped"
fi

# ims-alg with h248.encoding = binary and ims-agw left at mgc.encoding = text: the gateway registers in
# text, ims-alg answers in binary whatever it was sent, and from then on the gateway speaks binary too
# (the encoding its MGC last used): its ServiceChange is its one text message
set -- $("$FREEPORT" 4)
start alg2 "$WORK/alg2.log" "$ALG" --sip-access-port "$1" --sip-core-port "$2" --h248-port "$3" \
	--h248-encoding binary --h248-audit 300 --log-level info
alg2=$last_pid
wait_log "$WORK/alg2.log" "ready:" >/dev/null
start agw2 "$WORK/agw2.log" "$AGW" --h248-port "$4" --mgc-port "$3" --trace-file "$WORK/agw2.jsonl" \
	--log-level info
agw2=$last_pid
wait_log "$WORK/alg2.log" "gateway .* registered" >/dev/null
sleep 1 # ims-alg's audits of the quiet gateway (every 300 ms) and their answers
stop "$agw2" KILL
stop "$alg2" TERM
grep '"kind":"h248.[rt]x"' "$WORK/agw2.jsonl" >"$WORK/agw2.h248"
expect_match "h248.encoding=binary: the gateway's ServiceChange went as text" "$(head -n 1 "$WORK/agw2.h248")" \
	'"kind":"h248.tx".*"summary":"Transaction = [0-9]+","raw":"MEGACO/3 [^"]*\\nTransaction = [0-9]+ \{\\n  Context = - \{\\n    ServiceChange = ROOT'
expect_match "... answered in binary" "$(sed -n 2p "$WORK/agw2.h248")" \
	'"kind":"h248.rx".*"summary":"Reply = [0-9]+ \(binary, [0-9]+ octets\)"'
expect_eq "... then ims-alg's audits and the gateway's answers all in binary (5 at least)" \
	"$(tail -n +2 "$WORK/agw2.h248" | grep -cE '"summary":"[^"]* \(binary, [0-9]+ octets\)"')" \
	"$(n=$(tail -n +2 "$WORK/agw2.h248" | wc -l); [ "$n" -ge 5 ] && echo "$n" || echo "only $n")"
expect_match "... the gateway's Replies among them" "$(tail -n +2 "$WORK/agw2.h248")" \
	'"kind":"h248.tx".*"summary":"Reply = [0-9]+ \(binary, [0-9]+ octets\)"'
finish
