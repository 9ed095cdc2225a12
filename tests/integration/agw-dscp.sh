#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# H.248.52's ds/dscp on ims-agw's terminations (issue 20: ds is a mandatory package of the Iq profile, TS
# 29.334 §5.14): the MGC (tests/util/h248peer) sets LocalControl { ds/dscp = 46 } on the core termination
# and 10 on the access one of a plain TCP/MSRP relay, both legs passive; a UE and a core party connect from
# the ports their Remotes name and send bytes each way. Captured on lo (dumpcap) and decoded by tshark,
# every packet the gateway sends on a leg carries that leg's DSCP in its IP header, the SYN-ACK too, and
# what the parties send carries 0. ROOT's Packages list ds-1; 64 is refused with 449. On the code before,
# ds/dscp was refused with 445 and nothing was relayed. Skipped (77) without python3, dumpcap or tshark,
# or when this host cannot capture on lo.
. "$top_srcdir/tests/integration/lib.sh"
PEER="$top_builddir/tests/util/h248peer"
for tool in python3 dumpcap tshark; do
	command -v $tool >/dev/null || { echo "$tool not installed: skipped"; exit 77; }
done

set -- $("$FREEPORT" 4)
agwp=$1 mgcp=$2 uep=$3 corep=$4
start agw "$WORK/agw.log" "$AGW" --h248-port "$agwp" --mgc-port "$mgcp" --h248-mid "[127.0.0.1]:2944" \
	--realm-access-ports 21100-21109 --realm-core-ports 22100-22109 --log-level info --mgc-silence-timeout 0
agw=$last_pid
wait_log "$WORK/agw.log" "ready:" >/dev/null

request() { # NAME BODY: a request file for h248peer
	printf 'MEGACO/3 [127.0.0.1]:2945\nTransaction = %s {\n%s\n}\n' "$1" "$2" >"$WORK/$1.txt"
}
request 1 "  Context = \$ { Add = \$ { Media { Stream = 1 {
    LocalControl { Mode = SendReceive, ipdc/realm = core, ds/dscp = 46 },
    Local {
v=0
c=IN IP4 \$
m=message \$ TCP/MSRP *
a=setup:actpass
} } } } }"
request 2 "  Context = 1 { Add = \$ { Media { Stream = 1 {
    LocalControl { Mode = SendReceive, ipdc/realm = access, ds/dscp = 10 },
    Local {
v=0
c=IN IP4 \$
m=message \$ TCP/MSRP *
a=setup:passive
},
    Remote {
v=0
c=IN IP4 127.0.0.1
m=message $uep TCP/MSRP *
a=setup:active
} } } } }"
request 3 "  Context = 1 { Modify = co/1 { Media { Stream = 1 {
    Local {
v=0
c=IN IP4 127.0.0.1
m=message \$ TCP/MSRP *
a=setup:passive
},
    Remote {
v=0
c=IN IP4 127.0.0.1
m=message $corep TCP/MSRP *
a=setup:active
} } } } }"
request 4 "  Context = 1 { Modify = co/1 { Media { Stream = 1 { LocalControl { ds/dscp = 64 } } } } }"
request 5 "  Context = - { AuditValue = ROOT { Audit { Packages } } }"
"$PEER" "$mgcp" "$agwp" "$WORK"/1.txt "$WORK"/2.txt "$WORK"/3.txt "$WORK"/4.txt "$WORK"/5.txt >"$WORK/out.txt"
expect_eq "every request answered" "$?" 0
core=$(awk '/^Reply = 1 /{ on = 1 } on && /^m=message/ { print $2; exit }' "$WORK/out.txt")
access=$(awk '/^Reply = 2 /{ on = 1 } on && /^m=message/ { print $2; exit }' "$WORK/out.txt")
expect_match "the gateway's ports in their realms" "$access $core" '^2110[0-9] 2210[0-9]$'
expect_match "ds/dscp = 64 refused with 449" "$(sed -n '/^Reply = 4 /,/^---/p' "$WORK/out.txt" | tr -d '\n')" \
	'Error = 449 \{ *"ds/dscp = 64: expected a DSCP from 0 to 63"'
expect_match "ROOT's Packages list ds-1" "$(sed -n '/^Reply = 5 /,/^---/p' "$WORK/out.txt" | tr -d '\n ')" \
	'tcptv-1,ds-1,tman-1,tmanr-1,rtcph-1,it-1\}'

dumpcap -q -i lo -f "tcp port $uep or tcp port $corep" -w "$WORK/ds.pcapng" >"$WORK/dumpcap.err" 2>&1 &
cap=$!
pids="$pids $cap"
if ! wait_log "$WORK/dumpcap.err" "File:|Capturing" 10 >/dev/null || ! kill -0 $cap 2>/dev/null; then
	echo "cannot capture on lo: skipped ($(head -1 "$WORK/dumpcap.err"))"
	exit 77
fi
relayed=$(timeout 10 python3 - "$uep" "$access" "$corep" "$core" <<'EOF2'
import socket, sys
uep, access, corep, core = map(int, sys.argv[1:])
def party(src, dst):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", src))
    s.connect(("127.0.0.1", dst))
    s.settimeout(5)
    return s
ue, co = party(uep, access), party(corep, core)
def through(a, b, data):
    a.sendall(data)
    got = b""
    while len(got) < len(data):
        got += b.recv(65536)
    return got == data
ok = through(ue, co, b"MSRP a786hjs2 SEND\r\n" * 50) and through(co, ue, b"MSRP a786hjs2 200 OK\r\n" * 50)
ue.close(), co.close()
print("relayed" if ok else "mismatch")
EOF2
)
expect_eq "bytes relayed both ways" "$relayed" relayed
sleep 0.5
kill -INT $cap
wait $cap 2>/dev/null
# per sender port: the DSCPs of its packets, each once
tshark -r "$WORK/ds.pcapng" -T fields -e tcp.srcport -e ip.dsfield.dscp 2>/dev/null | sort -u >"$WORK/dscp.txt"
dscp_of() { awk -v p="$1" '$1 == p { print $2 }' "$WORK/dscp.txt" | tr '\n' ' ' | sed 's/ $//'; }
expect_eq "the gateway's core leg: every packet DSCP 46 (EF)" "$(dscp_of "$core")" 46
expect_eq "the gateway's access leg: every packet DSCP 10 (AF11)" "$(dscp_of "$access")" 10
expect_eq "the parties' packets: DSCP 0" "$(dscp_of "$uep") $(dscp_of "$corep")" "0 0"
expect_match "a SYN-ACK from the gateway among them" \
	"$(tshark -r "$WORK/ds.pcapng" -Y "tcp.flags.syn == 1 && tcp.flags.ack == 1 && tcp.srcport == $core" \
		-T fields -e ip.dsfield.dscp 2>/dev/null)" '^46$'
stop "$agw" TERM
expect_eq "agw exits 0" "$stopped" 0
finish
