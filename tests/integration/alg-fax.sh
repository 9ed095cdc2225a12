#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The fax switch through ims-alg and ims-agw, with SIPp as the fax ATA on the access side and as the far
# end behind the core (software we did not write), and a python3 UDP peer at each end for the UDPTL:
# an audio call (RTP, not the gateway's), then the ATA's re-INVITE to m=image udptl t38 with the T.38
# attributes an ATA sends (ITU-T T.38 Annex D, RFC 3362), answered 200 by the far end; then back to
# audio. The ALG must not refuse the re-INVITE (it once answered 488): the T.38 line gets the gateway's
# terminations (Add with the offer, Add and Modify with the answer: TS 23.334 §6.2.10.4 without e2ae),
# each side hears the gateway's address and port and every other byte of the SDP as sent, UDPTL crosses
# byte for byte both ways; back to audio, the terminations are subtracted with the answer, the audio
# SDP passes untouched and nothing crosses the old ports any more.
. "$top_srcdir/tests/integration/lib.sh"
S="$top_srcdir/tests/integration/sipp"
command -v sipp >/dev/null || { echo "alg-fax: sipp is not installed: skipped"; exit 77; }
command -v python3 >/dev/null || { echo "alg-fax: python3 is not installed: skipped"; exit 77; }

set -- $("$FREEPORT" 8)
access=$1 core=$2 h248=$3 agw_h248=$4 ue=$5 peer=$6 ue_fax=$7 peer_fax=$8
ue_audio=49170 peer_audio=49172
start alg "$WORK/alg.log" "$ALG" --sip-access-port "$access" --sip-core-port "$core" \
	--sip-core-next-hop "sip:127.0.0.1:$peer" --h248-port "$h248" --trace-file "$WORK/alg.jsonl" \
	--log-level info
alg=$last_pid
start agw "$WORK/agw.log" "$AGW" --h248-port "$agw_h248" --mgc-port "$h248" \
	--realm-access-ports 30600-30609 --realm-core-ports 30610-30619 --log-level info \
	--tls-certificate "$top_srcdir/tests/data/agw-cert.pem" --tls-key "$top_srcdir/tests/data/agw-key.pem"
agw=$last_pid
wait_log "$WORK/alg.log" "gateway .* registered" >/dev/null || exit 1

sipp -sf "$S/fax-core.xml" -i 127.0.0.1 -p "$peer" -m 1 -nd -timeout 40 -timeout_error -trace_msg \
	-key audio "$peer_audio" -key fax "$peer_fax" -message_file "$WORK/core.msg" \
	-trace_err -error_file "$WORK/core.err" >/dev/null 2>&1 &
core_pid=$!
sleep 0.3
sipp -sf "$S/fax-ue.xml" "127.0.0.1:$access" -i 127.0.0.1 -p "$ue" -m 1 -nd -timeout 40 -timeout_error \
	-key audio "$ue_audio" -key fax "$ue_fax" -trace_msg -message_file "$WORK/ue.msg" \
	-trace_err -error_file "$WORK/ue.err" >/dev/null 2>&1 &
ue_pid=$!

# The n-th message (1-based) in a SIPp message log whose start line and CSeq match RE and CSEQ: its body
# ("body", line ends LF) or its start line ("start").
msg() {
	python3 - "$@" <<'PY'
import re, sys
log, what, start, cseq, n = sys.argv[1:6]
found = []
for chunk in re.split(r"\n-{10,}[^\n]*\n", open(log, newline="").read()):
    m = re.search(r"^(INVITE|ACK|BYE|REGISTER|SIP/2\.0) .*", chunk, re.M)
    if not m:
        continue
    text = chunk[m.start():].replace("\r\n", "\n")
    head, _, body = text.partition("\n\n")
    if re.match(start, head) and re.search(r"^CSeq: " + cseq + "$", head, re.M):
        found.append(head.split("\n")[0] if what == "start" else body.rstrip("\n"))
if len(found) >= int(n):
    print(found[int(n) - 1])
PY
}

# the fax: once the ATA has its 200 to the re-INVITE, UDPTL both ways through the gateway
if ! wait_log "$WORK/ue.msg" "^CSeq: 2 ACK" 15 >/dev/null; then
	not_ok "the re-INVITE to T.38 answered 200" "the ATA got: $(msg "$WORK/ue.msg" start SIP "2 INVITE" 1)"
	kill "$ue_pid" "$core_pid" 2>/dev/null
	finish
	exit 1
fi
ok_t38=$(msg "$WORK/ue.msg" body "SIP/2.0 200" "2 INVITE" 1)
gw_access=$(printf '%s' "$ok_t38" | sed -n 's/^m=image \([0-9]*\) udptl t38.*/\1/p')
gw_core=$(msg "$WORK/core.msg" body "INVITE " "2 INVITE" 1 | sed -n 's/^m=image \([0-9]*\) udptl t38$/\1/p')
# The two fax ends' UDP sockets, bound once for both checks (a port let go between them could be taken
# by a test running beside): each MODE the script writes to $WORK/udptl.in is played, its outcome is
# written to $WORK/udptl.MODE. "cross": both ways, exact bytes; "none": nothing crosses the old ports.
mkfifo "$WORK/udptl.in"
cat >"$WORK/udptl.py" <<'PY'
import os, socket, sys
ue, peer, gw_a, gw_c = map(int, sys.argv[1:5])
work = sys.argv[5]
def sock(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    return s
a, c = sock(ue), sock(peer)
# UDPTL (T.38 §9.1): sequence number, primary IFP (t30-indicator CED, then a V.21 HDLC data frame),
# redundancy with no secondary IFPs
pkts = [bytes.fromhex("0000" "01" "02" "0000"), bytes.fromhex("0001" "06" "c0010d7fff00" "0000")]
def through(mode, src, dst, to, want_from):
    dst.settimeout(2 if mode == "cross" else 0.7)
    for p in pkts:
        src.sendto(p, ("127.0.0.1", to))
        try:
            got, frm = dst.recvfrom(2048)
        except socket.timeout:
            got, frm = None, None
        if mode == "none":
            if got is not None:
                return "relayed after the switch back: " + got.hex()
        elif got != p or frm != ("127.0.0.1", want_from):
            return "sent %s got %s from %s" % (p.hex(), got and got.hex(), frm)
    return ""
for line in sys.stdin:
    mode = line.strip()
    why = through(mode, a, c, gw_a, gw_c) or through(mode, c, a, gw_c, gw_a)
    with open("%s/udptl.tmp" % work, "w") as f:
        f.write(why)
    os.rename("%s/udptl.tmp" % work, "%s/udptl.%s" % (work, mode))
PY
python3 "$WORK/udptl.py" "$ue_fax" "$peer_fax" "${gw_access:-0}" "${gw_core:-0}" "$WORK" <"$WORK/udptl.in" &
pids="$pids $!"
exec {udptl_in}>"$WORK/udptl.in"
udptl() { # udptl MODE: plays MODE, prints what went wrong (nothing when all went as it should)
	echo "$1" >&"$udptl_in"
	local i=0
	while [ $i -lt 100 ] && [ ! -e "$WORK/udptl.$1" ]; do sleep 0.1; i=$((i + 1)); done
	cat "$WORK/udptl.$1" 2>/dev/null || echo "no outcome for $1"
}
expect_eq "UDPTL crosses the gateway byte for byte, each way (from $gw_access and $gw_core)" "$(udptl cross)" ""

wait "$ue_pid"
ue_status=$?
wait "$core_pid"
core_status=$?
expect_eq "the ATA's scenario: 200 to the INVITE, to both re-INVITEs and to the BYE" "$ue_status" 0
expect_eq "the far end's scenario" "$core_status" 0
[ "$ue_status$core_status" = 00 ] || cat "$WORK/ue.err" "$WORK/core.err"
expect_eq "back to audio: nothing crosses the gateway's old ports" "$(udptl none)" ""

t38="a=T38FaxVersion:0
a=T38MaxBitRate:14400
a=T38FaxRateManagement:transferredTCF
a=T38FaxMaxBuffer:200
a=T38FaxMaxDatagram:72
a=T38FaxUdpEC:t38UDPRedundancy"
expect_eq "the re-INVITE toward the core: the gateway's address and port, the T.38 attributes as sent" \
	"$(msg "$WORK/core.msg" body "INVITE " "2 INVITE" 1)" "v=0
o=fax 1 2 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=image $gw_core udptl t38
c=IN IP4 127.0.0.1
$t38"
expect_eq "the 200 toward the ATA: the gateway's address and port" \
	"$ok_t38" "v=0
o=bob 7 2 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=image $gw_access udptl t38
c=IN IP4 127.0.0.1
$t38"
expect_eq "back to audio: the re-INVITE toward the core as the ATA sent it" \
	"$(msg "$WORK/core.msg" body "INVITE " "3 INVITE" 1)" "v=0
o=fax 1 3 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio $ue_audio RTP/AVP 0
a=rtpmap:0 PCMU/8000"

# The H.248 ims-alg sent for the call, transaction ids normalised (alg-fax.h248, the far ends' ports as
# @UE_FAX@ and @PEER_FAX@).
h248=$(python3 - "$WORK/alg.jsonl" <<'EOF2'
import json, re, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("kind") == "h248.tx" and o.get("summary", "").startswith("Transaction =") and \
       "Context = - {" not in o["raw"]:  # not the periodic audit of ROOT
        raw = o["raw"]
        raw = re.sub(r"^MEGACO/[0-9] \[[^]]*\]:[0-9]+\n", "", raw)
        print(re.sub(r"Transaction = [0-9]+", "Transaction = T", raw))
EOF2
)
printf '%s\n' "$h248" >"$WORK/h248"
expect_eq "the H.248: Add with the offer, Add and Modify with the answer, Subtract back to audio" \
	"$h248" "$(sed -e "s/@UE_FAX@/$ue_fax/; s/@PEER_FAX@/$peer_fax/" "$top_srcdir/tests/integration/alg-fax.h248")"

stop "$agw" TERM
expect_eq "ims-agw exits 0" "$stopped" 0
stop "$alg" TERM
expect_eq "ims-alg exits 0" "$stopped" 0
finish
