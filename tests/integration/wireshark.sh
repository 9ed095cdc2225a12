#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# What `ims-h248 pretty` and `ims-h248 compact` print is accepted by Wireshark's megaco dissector:
# every test vector, in both forms, is sent over UDP on loopback while tshark captures, and no frame may
# be malformed, truncated or carry an error-level expert item. Skipped (exit 77) without tshark or
# without the right to capture on lo.
. "$top_srcdir/tests/integration/lib.sh"
H248="$top_builddir/common/h248/ims-h248"
command -v tshark >/dev/null || { echo "tshark not installed: skipped"; exit 77; }

set -- $("$FREEPORT" 1)
PORT=$1
vectors=$(ls "$top_srcdir"/tests/h248/appendix/*.txt "$top_srcdir"/tests/h248/cover/*.txt)
tshark -i lo -f "udp dst port $PORT" -w "$WORK/cap.pcapng" -q 2>"$WORK/tshark.log" &
tpid=$!
pids="$pids $tpid"
wait_log "$WORK/tshark.log" "Capturing on" 10 >/dev/null || { echo "cannot capture on lo: skipped"; exit 77; }
sleep 0.5
sent=0
for v in $vectors; do
	for form in pretty compact; do
		# Wireshark 4.0's megaco dissector stops at three valid constructs it does not implement: the
		# authentication header, and the v3 ContextAttr and ContextAudit context properties
		# (it reports the rest of the frame as truncated). They are sent without them.
		grep -vE '^(Authentication|AU=)|ContextAttr \{|ContextAudit \{' "$v" >"$WORK/in.txt"
		"$H248" "$form" "$WORK/in.txt" >"$WORK/msg.txt" || not_ok "$form $(basename "$v"): ims-h248 failed"
		"$UDPX" 127.0.0.1 "$PORT" 0 <"$WORK/msg.txt" >/dev/null
		echo "$(basename "$v") $form" >>"$WORK/order"
		sent=$((sent + 1))
		sleep 0.02
	done
done
sleep 1
kill -INT $tpid; wait $tpid 2>/dev/null

frames=$(tshark -r "$WORK/cap.pcapng" -T fields -e frame.number 2>/dev/null | wc -l)
expect_eq "frames captured" "$frames" "$sent"
tshark -r "$WORK/cap.pcapng" -d "udp.port==$PORT,megaco" -T fields -e frame.number -e _ws.malformed \
	-e _ws.expert.severity -e _ws.short -e frame.protocols 2>/dev/null >"$WORK/fields"
n=0
while read -r name form; do
	n=$((n + 1))
	line=$(awk -v n=$n '$1 == n' "$WORK/fields")
	if ! printf '%s' "$line" | grep -q ':megaco'; then
		not_ok "$form $name: not dissected as MEGACO" "$line"
	elif printf '%s' "$line" | grep -qiE 'malformed|truncated|8388608|:data$'; then
		not_ok "$form $name: dissector complains" "$line" \
			"$(tshark -r "$WORK/cap.pcapng" -d "udp.port==$PORT,megaco" -Y "frame.number == $n" -V 2>/dev/null | grep -iE 'malformed|expert|truncated|exception' | head -3)"
	else
		ok "$form $name"
	fi
done <"$WORK/order"
finish
