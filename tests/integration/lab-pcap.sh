#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-lab --pcap (issue 23): each scenario's capture holds its own ports only (datagrams sent on lo
# meanwhile to another port are not in it), and Wireshark, given only what the lab wrote beside it and
# as doc/captures.md tells a user (wireshark.sh; or decode_as_entries in a profile with the key log and
# decode.lua), decodes it: the MSRP SEND and the BFCP Hello decrypted from the UE's TLS byte for byte
# (RFC 4975, RFC 8855 encodings written out here), the BFCP primitives of the Mp floor control scenario
# inside TLS in the order its JSON sends them, the T.38 CED inside DTLS, the MSRP of a TLS session
# end to end between the lab's parties, and SIP and H.248 (megaco). Without dumpcap, or with a dumpcap
# that cannot capture, the lab says so once and plays on. Beside another ims-lab run holding half of its
# port band (--ports), a run takes its ports (and so its capture filter) in what is left. tshark is the
# outside decoder. Skipped (77) where dumpcap cannot capture on lo.
. "$top_srcdir/tests/integration/lib.sh"
LAB="$top_builddir/lab/ims-lab"
S="$top_srcdir/scenarios"
for tool in dumpcap tshark python3; do
	command -v $tool >/dev/null || { echo "lab-pcap: $tool is not installed: skipped"; exit 77; }
done
dumpcap -i lo -f 'udp port 9' -w "$WORK/probe.pcapng" 2>"$WORK/probe.err" &
probe=$!
pids="$pids $probe"
wait_log "$WORK/probe.err" '^File:' 5 >/dev/null || {
	echo "lab-pcap: cannot capture on lo ($(head -1 "$WORK/probe.err")): skipped"; exit 77; }
stop "$probe" INT

names="004-msrp-originating 004-bfcp-originating mp-bfcp-floor t38-originating-client e2e-msrp-tls"
files=""
for n in $names; do files="$files $S/$n.json"; done
# another program's datagrams on lo while the scenarios play, to a port no scenario uses (< 31000)
(for _ in $(seq 300); do printf 'noise' >/dev/udp/127.0.0.1/9999; sleep 0.05; done) 2>/dev/null &
noise=$!
pids="$pids $noise"
# shellcheck disable=SC2086
out=$("$LAB" --pcap --color=never --quiet -o "$WORK/out" $files 2>"$WORK/lab.err"); status=$?
kill "$noise" 2>/dev/null
expect_eq "the scenarios pass with --pcap" "$status" 0
[ "$status" = 0 ] || printf '%s\n' "$out" "$(cat "$WORK/lab.err")"
expect_eq "nothing said on stderr" "$(cat "$WORK/lab.err")" ""

# tshark with the scenario's wireshark.sh, as the doc says (stderr kept: a Lua or option error fails)
ws() { # SCENARIO TSHARK-ARGS...
	d=$WORK/out/$1; shift
	WIRESHARK=tshark "$d/wireshark.sh" "$@" 2>"$WORK/tshark.err"
	grep -v '^Running as user "root"' "$WORK/tshark.err" | sed 's/^/tshark: /' >&2
}
# the decrypted application data of the TLS session that carried PROTO, per direction, as hex
decrypted() { # SCENARIO PROTO
	stream=$(ws "$1" -Y "tls && $2" -T fields -e tcp.stream | sort -u)
	ws "$1" -q -z "follow,tls,raw,$stream" | grep -E '^	?[0-9a-f]+$'
}

for n in $names; do
	d=$WORK/out/$n
	for f in capture.pcapng keylog.txt decode_as_entries decode.lua wireshark.sh; do
		[ -s "$d/$f" ] || not_ok "$n: $f written" "$(ls -l "$d")"
	done
	expect_eq "$n: the key log is its owner's only" "$(stat -c %a "$d/keylog.txt")" 600
	# the ports of the scenario: every address its three traces name
	ports=$(python3 -c '
import json, sys
ports = set()
for f in sys.argv[1:]:
    for line in open(f):
        e = json.loads(line)
        for k in ("from", "to"):
            if e.get(k) and ":" in e[k]:
                ports.add(e[k].rsplit(":", 1)[1])
print(" ".join(sorted(ports)))' "$d/alg.jsonl" "$d/agw.jsonl" "$d/lab.jsonl")
	frames=$(tshark -r "$d/capture.pcapng" -T fields -e frame.number -e tcp.srcport -e tcp.dstport \
		-e udp.srcport -e udp.dstport 2>/dev/null)
	stray=$(printf '%s\n' "$frames" | awk -v ports=" $ports " '{
		if (NF < 3) { print; next }
		if (index(ports, " " $2 " ") || index(ports, " " $3 " ")) next
		print }')
	expect_eq "$n: every packet captured has an end on a port of its traces (not the other datagrams)" \
		"$stray" ""
	expect_match "$n: captured something" "$(printf '%s\n' "$frames" | wc -l)" '^[1-9][0-9]+$'
	signalling=$(ws "$n" -Y 'sip || megaco' -T fields -e sip.Method -e megaco.command | tr '\t,' '\n\n' |
		sort -u | tr '\n' ' ')
	expect_match "$n: SIP decoded" "$signalling" 'ACK .*BYE .*INVITE'
	expect_match "$n: H.248 decoded (megaco)" "$signalling" 'Add .*Subtract'
done

# the MSRP SEND of the UE inside TLS, and the core's back, byte for byte (RFC 4975 §7.1)
msrp=$(printf 'MSRP a786hjs2 SEND\r\nTo-Path: msrp://127.0.0.1:9/core;tcp\r\nFrom-Path: msrps://127.0.0.1:8/ue;tcp\r\nMessage-ID: 87652491\r\nByte-Range: 1-5/5\r\nContent-Type: text/plain\r\n\r\nhello\r\n-------a786hjs2$\r\n' | od -An -tx1 | tr -d ' \n')
expect_eq "004-msrp-originating: the MSRP SEND decrypted, in each direction" \
	"$(decrypted 004-msrp-originating msrp | tr -d '\t' | uniq -c | tr -s ' ')" " 2 $msrp"
expect_eq "004-msrp-originating: MSRP decoded inside TLS" \
	"$(ws 004-msrp-originating -Y 'tls && msrp' -T fields -e msrp.request.line -e msrp.data | sort | uniq -c | tr -s ' ')" \
	' 2 MSRP a786hjs2 SEND	hello\r\n-------a786hjs2$\r\n'
# the BFCP Hello (RFC 8855 §5.1: version 1, primitive 11; conference 4321, transaction 1, user 1234)
expect_eq "004-bfcp-originating: the BFCP Hello decrypted, in each direction" \
	"$(decrypted 004-bfcp-originating bfcp | tr -d '\t' | uniq -c | tr -s ' ')" " 2 200b0000000010e1000104d2"
expect_eq "004-bfcp-originating: BFCP decoded inside TLS" \
	"$(ws 004-bfcp-originating -Y 'tls && bfcp' -T fields -e bfcp.primitive -e bfcp.conference_id -e bfcp.user_id | uniq -c | tr -s ' ')" \
	' 2 11	4321	1234'
# the Mp floor control: every BFCP message inside TLS, the requests the JSON sends decoded in its order
# (RFC 8855 §5.1 Table 3 numbers them), and every byte each UE sent and received decrypted (Wireshark
# 4.0's BFCP decodes the first message of a TLS record only: the focus may send two in one)
captured=$(ws mp-bfcp-floor -Y bfcp -T fields -e bfcp.primitive -e frame.protocols)
expect_eq "mp-bfcp-floor: every BFCP message inside TLS" "$(printf '%s\n' "$captured" | grep -vc ':tls:bfcp')" 0
order=$(printf '%s\n' "$captured" | cut -f1 | tr ',\n' '  ')
check=$(python3 - "$S/mp-bfcp-floor.json" "$order" <<'EOF'
import json, sys
names = ["", "FloorRequest", "FloorRelease", "FloorRequestQuery", "FloorRequestStatus", "UserQuery",
         "UserStatus", "FloorQuery", "FloorStatus", "ChairAction", "ChairActionAck", "Hello", "HelloAck",
         "Error", "FloorRequestStatusAck", "FloorStatusAck", "Goodbye", "GoodbyeAck"]
seen = [names[int(p)] for p in sys.argv[2].split()]
sent = [s["do"]["bfcp"]["primitive"] for s in json.load(open(sys.argv[1]))["steps"]
        if "bfcp" in s.get("do", {})]
it = iter(seen)
if len(sent) < 5 or not all(p in it for p in sent):
    print(f"the requests sent {sent} are not in order in the capture's {seen}")
EOF
)
expect_eq "mp-bfcp-floor: the requests sent, decoded in their order" "$check" ""
for stream in $(ws mp-bfcp-floor -Y 'tls && bfcp' -T fields -e tcp.stream | sort -u); do
	ws mp-bfcp-floor -q -z "follow,tls,raw,$stream"
done >"$WORK/follow.txt"
check=$(python3 - "$WORK/follow.txt" "$WORK/out/mp-bfcp-floor/lab.jsonl" <<'EOF'
import base64, json, sys
streams, node = {}, None
for line in open(sys.argv[1]):
    if line.startswith("Node 0: "):
        node = line.split()[2]
        streams[node] = ["", ""]
    elif node and line.strip() and all(c in "0123456789abcdef" for c in line.strip()):
        streams[node][line.startswith("\t")] += line.strip()
want = {}
for line in open(sys.argv[2]):
    e = json.loads(line)
    if e["kind"] in ("bfcp.tx", "bfcp.rx"):
        ue = e["from"] if e["kind"] == "bfcp.tx" else e["to"]
        want.setdefault(ue, ["", ""])[e["kind"] == "bfcp.rx"] += base64.b64decode(e["raw_b64"]).hex()
if len(want) != 2 or want != streams:
    print(f"decrypted {streams}\nthe UEs traced {want}")
EOF
)
expect_eq "mp-bfcp-floor: every BFCP byte each UE sent and received, decrypted" "$check" ""
[ -z "$check" ] || { # what tshark saw of each TLS session, to tell a missed handshake from a missed key
	ws mp-bfcp-floor -Y 'tls.handshake.type == 1 || tls.app_data' -T fields -e frame.number -e tcp.stream \
		-e tcp.srcport -e tcp.dstport -e frame.protocols | head -40
	cut -c1-40 "$WORK/out/mp-bfcp-floor/keylog.txt"; cat "$WORK/out/mp-bfcp-floor/decode.lua"
}
# T.38 inside DTLS: the UDPTL CED, sequence 0 (T.38 t30-indicator ced = 2), the UE's and the core's, both
# decoded although Wireshark's t38_udp takes a flow's ports for itself after the first (decode.lua)
expect_eq "t38-originating-client: the T.38 CED decoded inside DTLS, each way" \
	"$(ws t38-originating-client -Y 'dtls && t38' -T fields -e t38.seq_number -e t38.t30_indicator)" "0	2
0	2"
expect_eq "t38-originating-client: no malformed frame" \
	"$(ws t38-originating-client -Y '_ws.malformed || _ws.expert.severity == error' | head -3)" ""

# TLS end to end between the lab's UE and core party, the gateway relaying: only the lab's key log lines
expect_eq "e2e-msrp-tls: the parties' own TLS decrypted on both legs" \
	"$(ws e2e-msrp-tls -Y 'tls && msrp' -T fields -e msrp.request.line | uniq -c | tr -s ' ')" ' 4 MSRP a786hjs2 SEND'

# decode_as_entries is a Wireshark profile's file: in a profile (here the configuration directory)
# with the key log and decode.lua it decodes as wireshark.sh does
d=$WORK/out/004-msrp-originating
mkdir -p "$WORK/profile"
cp "$d/decode_as_entries" "$WORK/profile/"
echo "tls.keylog_file: $d/keylog.txt" >"$WORK/profile/preferences"
expect_eq "decode_as_entries in a profile: MSRP inside TLS" \
	"$(WIRESHARK_CONFIG_DIR=$WORK/profile tshark -r "$d/capture.pcapng" -X "lua_script:$d/decode.lua" \
		-Y 'tls && msrp' -T fields -e msrp.request.line 2>/dev/null | uniq -c | tr -s ' ')" ' 2 MSRP a786hjs2 SEND'
expect_eq "without the key log, no MSRP inside TLS" \
	"$(tshark -r "$d/capture.pcapng" -X "lua_script:$d/decode.lua" -d "$(grep -o 'tcp.port==[0-9]*,tls' "$d/wireshark.sh" | head -1)" \
		-Y 'tls && msrp' 2>/dev/null | wc -l)" 0

# another ims-lab running beside holds the lower half of this run's band (--ports 30700-30999, which
# neither the other tests nor the labs of make check on the default band use): the run takes its ports
# in the upper half only, so neither captures the other's legs
python3 -c '
import socket, sys, time
held = []
for port in range(30700, 30850):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(b"\0mediasec-lab-port-%d" % port)
    held.append(s)
print("held", flush=True)
time.sleep(60)' >"$WORK/claims.out" 2>&1 &
claimer=$!
pids="$pids $claimer"
wait_log "$WORK/claims.out" '^held' 10 >/dev/null || not_ok "beside another run: its ports held" "$(cat "$WORK/claims.out")"
"$LAB" --pcap --ports 30700-30999 --color=never --quiet -o "$WORK/beside" "$S/004-msrp-originating.json" \
	>"$WORK/beside.out" 2>&1
expect_eq "beside another run: the scenario passes" "$?" 0
stop "$claimer" TERM
expect_eq "beside another run: every port it took (not the kernel's) is in the half of its band left" \
	"$(python3 -c '
import json, sys
for f in sys.argv[1:]:
    for line in open(f):
        e = json.loads(line)
        for k in ("from", "to"):
            if ":" in e.get(k, ""):
                port = int(e[k].rsplit(":", 1)[1])
                if port < 32768 and not 30850 <= port <= 30999:
                    print(e[k])' "$WORK"/beside/*/alg.jsonl "$WORK"/beside/*/agw.jsonl "$WORK"/beside/*/lab.jsonl 2>&1 |
		sort -u)" ""
filter=$(head -1 "$WORK"/beside/*/dumpcap.log)
expect_match "beside another run: a capture filter" "$filter" '^dumpcap -i lo -f port 30[89][0-9]{2} or '
expect_eq "beside another run: its capture filter's ports, all in the half left" \
	"$(printf '%s\n' "$filter" | grep -oE '[0-9]{4,5}' | awk '$1 < 30850 || $1 > 30999')" ""
# no dumpcap, or one that cannot capture: said once, the scenarios play on without a capture
mkdir -p "$WORK/fake"
printf '#!/bin/sh\necho "dumpcap: You do not have permission to capture on that device" >&2\nexit 2\n' >"$WORK/fake/dumpcap"
chmod +x "$WORK/fake/dumpcap"
for how in missing refusing; do
	path=$WORK/empty
	[ $how = refusing ] && path=$WORK/fake
	PATH=$path "$LAB" --pcap --color=never --quiet -o "$WORK/$how" "$S/004-msrp-originating.json" \
		"$S/004-bfcp-originating.json" >/dev/null 2>"$WORK/$how.err"
	expect_eq "dumpcap $how: the scenarios pass" "$?" 0
	expect_eq "dumpcap $how: said once" "$(grep -c 'ims-lab: --pcap: dumpcap' "$WORK/$how.err")" 1
	expect_eq "dumpcap $how: no capture" "$(ls "$WORK/$how"/*/capture.pcapng 2>/dev/null)" ""
done
expect_match "dumpcap missing: says so" "$(cat "$WORK/missing.err")" 'dumpcap is not installed'
expect_match "dumpcap refusing: says why" "$(cat "$WORK/refusing.err")" \
	'dumpcap cannot capture on lo \(dumpcap: You do not have permission'
finish
