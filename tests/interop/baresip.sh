#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Interop: Debian's baresip (1.0) as the UEs, driven only through its control socket (ctrl_tcp: JSON
# commands in netstrings, the commands of its menu module; events back the same way). ims-alg is the
# built-in registrar with no next hop, so a call from the access side goes to the callee's registered
# contact; ims-agw is its registered gateway. Each UE's configuration comes from tests/interop/baresip/
# (no audio device: a sine tone as source, a bridge with no other end as player; PCMU only; SIP and
# control on free loopback ports). Proved, from ims-alg's trace and from tshark over the capture:
#   1. two UEs register over UDP: 200 OK with their bindings;
#   2. A calls B, B accepts on its socket: 180, 200, ACK; RTP both ways between the UEs' own ports; the
#      SDP passes untouched (plain RTP/AVP audio is not the gateway's: MEDIA_PASS, no H.248 for it,
#      doc/conformance.md "a line it leaves alone"); hangup: BYE, 200;
#   3. hold and resume: re-INVITEs (sendonly, sendrecv) through ims-alg, each answered 200 and ACKed;
#   4. the same call with SIP over TCP (sip.access.transport "both", the default);
#   5. the capture: no malformed frame; SIP, SDP, RTP and H.248 (the gateway's ServiceChange) decoded.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/interop/lib.sh"
need baresip python3
MODULES=${BARESIP_MODULES:-/usr/lib/baresip/modules}
for m in ctrl_tcp menu account g711 ausine aubridge; do
	[ -f "$MODULES/$m.so" ] ||
		{ echo "$(basename "$0"): baresip's module $m.so is not in $MODULES: skipped"; exit 77; }
done
TRACE="$WORK/alg.jsonl"

# Ports: baresip binds SIP on its port and TLS on the next, RTP on an even port and RTCP on the next
free=($("$FREEPORT" 48))
pair() { # sets $pair to an even free port whose successor is free too, both taken from the list
	local i
	for ((i = 0; i + 1 < ${#free[@]}; i++)); do
		if [ $((free[i] % 2)) = 0 ] && [ "${free[i + 1]}" = $((free[i] + 1)) ]; then
			pair=${free[i]} free=("${free[@]:0:i}" "${free[@]:i+2}")
			return 0
		fi
	done
	echo "no two adjacent free ports left"; exit 1
}
declare -A SIP RTP CTL FD PID
for ue in alice bob carol dave; do pair; SIP[$ue]=$pair; pair; RTP[$ue]=$pair; done
set -- "${free[@]}"
access=$1 core=$2 h248=$3 agw_h248=$4
CTL[alice]=$5 CTL[bob]=$6 CTL[carol]=$7 CTL[dave]=$8

filter="port $access or port $core or port $h248 or port $agw_h248"
for ue in alice bob carol dave; do
	filter="$filter or portrange ${SIP[$ue]}-$((SIP[$ue] + 1)) or portrange ${RTP[$ue]}-$((RTP[$ue] + 1))"
done
capture_start "$filter"
TSHARK_OPTS=(-d "udp.port==$h248,megaco" -d "udp.port==$access,sip" -d "tcp.port==$access,sip")
for ue in alice bob carol dave; do TSHARK_OPTS+=(-d "udp.port==${RTP[$ue]},rtp"); done

start alg "$WORK/alg.log" "$ALG" --sip-access-port "$access" --sip-core-port "$core" --h248-port "$h248" \
	--trace-file "$TRACE" --log-level info
alg=$last_pid
start agw "$WORK/agw.log" "$AGW" --h248-port "$agw_h248" --mgc-port "$h248" --log-level info
agw=$last_pid
wait_log "$WORK/alg.log" "gateway .* registered" >/dev/null || exit 1

# ue NAME TRANSPORT: starts baresip as NAME@example.net, its control socket open on ${FD[NAME]} and its
# events appended to $WORK/NAME.ev
ue() {
	local d="$WORK/$1"
	mkdir -p "$d"
	sed -e "s|@NAME@|$1|g; s|@SIP@|${SIP[$1]}|; s|@CTRL@|${CTL[$1]}|; s|@MODULES@|$MODULES|" \
		-e "s|@RTP@|${RTP[$1]}|; s|@RTP_END@|$((RTP[$1] + 2))|" "$INTEROP/baresip/config.in" >"$d/config"
	sed -e '/^#/d' -e "s|@NAME@|$1|g; s|@TRANSPORT@|$2|g; s|@PROXY@|$access|" \
		"$INTEROP/baresip/accounts.in" >"$d/accounts"
	start "$1" "$d/err" baresip -f "$d" </dev/null
	PID[$1]=$last_pid
	local i
	for i in $(seq 50); do
		{ exec {fd}<>"/dev/tcp/127.0.0.1/${CTL[$1]}"; } 2>/dev/null && break
		sleep 0.1
	done
	[ "$i" = 50 ] && { echo "baresip $1: no control socket"; cat "$d/err"; exit 1; }
	FD[$1]=$fd
	cat <&"$fd" >"$WORK/$1.ev" &
	pids="$pids $!"
}

# cmd NAME COMMAND [PARAMS]: one netstring-framed JSON command; waits for its response, which must be ok
ncmd=0
cmd() {
	ncmd=$((ncmd + 1))
	local j="{\"command\":\"$2\",\"params\":\"${3:-}\",\"token\":\"t$ncmd\"}"
	printf '%d:%s,' "${#j}" "$j" >&"${FD[$1]}"
	wait_log "$WORK/$1.ev" "\"response\":true,\"ok\":true,\"data\":\"[^\"]*\",\"token\":\"t$ncmd\"" 5 \
		>/dev/null || not_ok "$1 answers $2 ok" "$(cat "$WORK/$1.ev")"
}

# events NAME TYPE: how many events of TYPE NAME's baresip reported
events() { grep -o "\"event\":true,\"type\":\"$2\"" "$WORK/$1.ev" | wc -l; }
# await NAME TYPE N: waits (10 s at most) until NAME reported N events of TYPE
await() {
	local i
	for i in $(seq 100); do
		[ "$(events "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.1
	done
	not_ok "$1 reports $2 (#$3)" "$(tr ',' '\n' <"$WORK/$1.ev" | grep -o '"type":"[A-Z_]*"' | tr '\n' ' ')"
	return 1
}

# flatten: ims-alg's trace read once into $WORK/sip.txt, each SIP message (a UDP retransmission, the same
# bytes again, dropped) as "@ KIND PEER" (sip.rx: from PEER, sip.tx: to PEER), its start line and CSeq
# method, "h " and each header line, "| " and each body line
flatten() {
	python3 - "$TRACE" >"$WORK/sip.txt" <<'EOF'
import json, sys
seen = set()
for line in open(sys.argv[1]):
    o = json.loads(line)
    if not o["kind"].startswith("sip."):
        continue
    peer = o["from"] if o["kind"] == "sip.rx" else o["to"]
    if (o["kind"], peer, o["raw"]) in seen:
        continue
    seen.add((o["kind"], peer, o["raw"]))
    head, _, body = o["raw"].partition("\r\n\r\n")
    lines = head.split("\r\n")
    cseq = [l.split()[-1] for l in lines if l.lower().startswith("cseq:")]
    print("@ %s %s" % (o["kind"], peer))
    print(lines[0] + " (" + (cseq[0] if cseq else "?") + ")")
    for h in lines[1:]:
        print("h " + h)
    for b in body.splitlines():
        print("| " + b)
EOF
}
# sip KIND PEER: the messages of $WORK/sip.txt ims-alg received from PEER (sip.rx) or sent to it (sip.tx)
sip() { awk -v m="@ $1 $2" '/^@ / { on = ($0 == m); next } on' "$WORK/sip.txt"; }
# headers KIND PEER NAME: the value of each NAME header line of those messages
headers() { sip "$1" "$2" | sed -n "s/^h $3: *//Ip"; }
# sdp KIND PEER N: the body of the Nth of those messages that has one
sdp() {
	sip "$1" "$2" | awk -v n="$3" '/^h / { next } !/^\| / { if (b) k++; b = 0; next }
		{ b = 1; if (k == n - 1) print substr($0, 3) }'
}
# ladder KIND PEER: their start lines, 100 Trying left out, each URI written URI
ladder() { sip "$1" "$2" | grep -v -e '^[h|] ' -e '^SIP/2.0 100 ' | sed 's/sip:[^ ]*/URI/g' | tr '\n' ';'; }
# peer NAME: the address NAME's first REGISTER came from (over TCP, its connection's)
peer() {
	grep "\"kind\":\"sip.rx\".*\"raw\":\"REGISTER .*From: <sip:$1@" "$TRACE" | head -n 1 |
		sed 's/.*"from":"\([^"]*\)".*/\1/'
}
# registered NAME: waits (10 s at most) until ims-alg answered NAME's REGISTER with a 200
registered() {
	local i
	for i in $(seq 100); do
		grep -q "\"kind\":\"sip.tx\".*\"raw\":\"SIP/2.0 200 .*From: <sip:$1@.*CSeq: [0-9]* REGISTER" \
			"$TRACE" && return 0
		sleep 0.1
	done
	not_ok "$1 registers" "$(tail -5 "$WORK/$1/err")"
}

# ---- 1. registration over UDP
ue alice udp
ue bob udp
registered alice && registered bob
flatten
for u in alice bob; do
	expect_eq "$u REGISTERs over UDP from its SIP port and gets 200 OK" \
		"$(peer $u) $(ladder sip.rx "127.0.0.1:${SIP[$u]}") $(ladder sip.tx "127.0.0.1:${SIP[$u]}")" \
		"127.0.0.1:${SIP[$u]} REGISTER URI SIP/2.0 (REGISTER); SIP/2.0 200 OK (REGISTER);"
	expect_match "the 200 OK to $u lists its binding (Contact at its SIP port, expires 600)" \
		"$(headers sip.tx "127.0.0.1:${SIP[$u]}" Contact)" \
		"^<sip:$u-[^@]*@127\.0\.0\.1:${SIP[$u]}>;expires=600\$"
done

# ---- 2, 3. a call over UDP: accepted through the socket, hold and resume, hangup
call() { # call CALLER CALLEE: dials, accepts, lets RTP run
	cmd "$1" dial "sip:$2@example.net"
	await "$2" CALL_INCOMING 1 || return 1
	cmd "$2" accept
	await "$1" CALL_ESTABLISHED 1 && await "$2" CALL_ESTABLISHED 1 && sleep 1.5
}
hangup() { # hangup CALLER CALLEE
	cmd "$1" hangup
	await "$2" CALL_CLOSED 1
	sleep 0.3 # the BYE's 200 reaches the caller
}
A="127.0.0.1:${SIP[alice]}" B="127.0.0.1:${SIP[bob]}"
call alice bob
cmd alice hold
await alice CALL_REMOTE_SDP 2 && sleep 0.3
cmd alice resume
await alice CALL_REMOTE_SDP 3 && sleep 1
hangup alice bob
flatten

RQ="INVITE URI SIP/2.0 (INVITE);ACK URI SIP/2.0 (ACK);INVITE URI SIP/2.0 (INVITE);ACK URI SIP/2.0 (ACK);"
RQ="${RQ}INVITE URI SIP/2.0 (INVITE);ACK URI SIP/2.0 (ACK);BYE URI SIP/2.0 (BYE);"
RS="SIP/2.0 180 Ringing (INVITE);SIP/2.0 200 Answering (INVITE);SIP/2.0 200 OK (INVITE);"
RS="${RS}SIP/2.0 200 OK (INVITE);SIP/2.0 200 OK (BYE);"
expect_eq "from alice: INVITE, hold and resume re-INVITEs, each ACKed, BYE" \
	"$(ladder sip.rx "$A" | sed 's/^[^;]*(REGISTER);//')" "$RQ"
expect_eq "to bob: the same, through ims-alg" "$(ladder sip.tx "$B" | sed 's/^[^;]*(REGISTER);//')" "$RQ"
expect_eq "from bob: 180, 200 to the INVITE, 200 to each re-INVITE and to the BYE" \
	"$(ladder sip.rx "$B" | sed 's/^[^;]*(REGISTER);//')" "$RS"
expect_eq "to alice: the same, through ims-alg" "$(ladder sip.tx "$A" | sed 's/^[^;]*(REGISTER);//')" "$RS"

# SDP: plain RTP/AVP audio is not the gateway's; each offer and answer reaches the other UE as sent
for n in 1 2 3; do
	expect_eq "offer $n reaches bob byte for byte" "$(sdp sip.tx "$B" "$n")" "$(sdp sip.rx "$A" "$n")"
	expect_eq "answer $n reaches alice byte for byte" "$(sdp sip.tx "$A" "$n")" "$(sdp sip.rx "$B" "$n")"
done
expect_eq "the offer bob gets: alice's own address and RTP port, PCMU" \
	"$(sdp sip.tx "$B" 1 | grep -E '^(c=|m=)')" "c=IN IP4 127.0.0.1
m=audio ${RTP[alice]} RTP/AVP 0 101"
expect_eq "the answer alice gets: bob's own address and RTP port, PCMU" \
	"$(sdp sip.tx "$A" 1 | grep -E '^(c=|m=)')" "c=IN IP4 127.0.0.1
m=audio ${RTP[bob]} RTP/AVP 0 101"
expect_eq "hold: the re-offer bob gets is sendonly; resume: sendrecv" \
	"$(sdp sip.tx "$B" 2 | grep -E '^a=(send|recv|inact)') $(sdp sip.tx "$B" 3 | grep -E '^a=(send|rec)')" \
	"a=sendonly a=sendrecv"
expect_eq "no H.248 Add or Modify of a context for the plain audio call" \
	"$(grep '"kind":"h248.tx"' "$TRACE" | grep -c -E 'Add = |Context = [0-9$]')" 0

# ---- 4. the same call with SIP over TCP
ue carol tcp
ue dave tcp
registered carol && registered dave
call carol dave
hangup carol dave
flatten
C=$(peer carol) D="127.0.0.1:${SIP[dave]}"
expect_match "carol's REGISTER came over TCP (Via SIP/2.0/TCP)" \
	"$(headers sip.rx "$C" Via | head -n 1)" '^SIP/2.0/TCP 127\.0\.0\.1:'
RQ="INVITE URI SIP/2.0 (INVITE);ACK URI SIP/2.0 (ACK);BYE URI SIP/2.0 (BYE);"
expect_eq "over TCP, from carol: REGISTER, INVITE, ACK, BYE; to dave: INVITE, ACK, BYE" \
	"$(ladder sip.rx "$C") $(ladder sip.tx "$D" | sed 's/^[^;]*(REGISTER);//')" \
	"REGISTER URI SIP/2.0 (REGISTER);$RQ $RQ"
RS="SIP/2.0 180 Ringing (INVITE);SIP/2.0 200 Answering (INVITE);SIP/2.0 200 OK (BYE);"
expect_eq "over TCP, from dave: 180, 200, 200 (BYE); to carol the same after her REGISTER's 200" \
	"$(ladder sip.rx "$D") $(ladder sip.tx "$C")" "$RS SIP/2.0 200 OK (REGISTER);$RS"
expect_eq "over TCP, the offer and the answer pass byte for byte" \
	"$(sdp sip.tx "$D" 1)|$(sdp sip.tx "$C" 1)" "$(sdp sip.rx "$C" 1)|$(sdp sip.rx "$D" 1)"

for ue in alice bob carol dave; do stop "${PID[$ue]}" TERM; done
stop "$alg" TERM
expect_eq "ims-alg exits 0" "$stopped" 0
stop "$agw" TERM
expect_eq "ims-agw exits 0" "$stopped" 0
capture_stop

# ---- SIP and RTP as tshark reads them off the wire: one pass, a line a frame
ts -T fields -E occurrence=f -e udp.srcport -e udp.dstport -e tcp.srcport -e tcp.dstport -e rtp.p_type \
	-e sip.Method -e sip.Status-Code -e sip.CSeq.method -e sip.from.user >"$WORK/frames.txt"
# frames AWK-CONDITION [FIELD]: the frames matching, or that field of each ($1-$4 ports udp src, dst, tcp
# src, dst; $5 RTP payload type; $6 SIP method, $7 status, $8 CSeq method, $9 From user)
frames() { awk -F '\t' "$1 { print ${2:-\$0} }" "$WORK/frames.txt"; }
for p in "alice bob" "bob alice" "carol dave" "dave carol"; do
	set -- $p
	n=$(frames "\$5 != \"\" && \$1 == ${RTP[$1]} && \$2 == ${RTP[$2]}" | wc -l)
	expect_match "RTP from $1's port to $2's, straight between the UEs ($n frames)" "$n" \
		'^([5-9][0-9]|[1-9][0-9]{2,})$'
done
expect_eq "RTP is PCMU (payload type 0) in every frame" \
	"$(frames '$5 != ""' '$5' | sort -u | tr '\n' ' ')" "0 "
expect_eq "on the wire from alice: REGISTER, INVITE, ACK, re-INVITEs and ACKs, BYE, REGISTER (Expires 0)" \
	"$(frames "\$1 == ${SIP[alice]} && \$2 == $access && \$6 != \"\"" '$6' | uniq | tr '\n' ' ')" \
	"REGISTER INVITE ACK INVITE ACK INVITE ACK BYE REGISTER "
expect_eq "on the wire over TCP: ims-alg's 200s to carol, and its requests to dave's SIP port" \
	"$(frames "\$3 == $access && \$7 == 200 && \$9 == \"carol\"" '$8' | tr '\n' ' ')/$(
		frames "\$4 == ${SIP[dave]} && \$6 != \"\"" '$6' | tr '\n' ' ')" \
	"REGISTER INVITE BYE REGISTER /INVITE ACK BYE "

capture_check "baresip" sip sdp rtp "megaco.command == \"ServiceChange\""
finish
