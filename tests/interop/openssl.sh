#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Interop (issue 19): ims-alg and ims-agw between SIPp (the UEs and the core: exact headers and SDP) and
# openssl (the UEs' media ends: s_server / s_client over TLS for BFCP, -dtls for T.38, each with its own
# certificate, the one its a=fingerprint names, checking the gateway's against the one the gateway's
# a=fingerprint names, secrets in a key log), socat the core's plain media end. Cases, as the scenarios
# of the same names say (scenarios/*.json, seed 004):
#   bfcp-orig   004-bfcp-originating: UE alice offers TCP/TLS/BFCP actpass, the gateway is its TLS client
#   bfcp-term   force-bfcp-terminating: the core offers TCP/BFCP to UE bob (registered without mediasec,
#               policy.force_e2ae_term), who answers active: openssl s_client is the gateway's TLS client
#   t38-orig    t38-originating-client: UDP/TLS/UDPTL actpass, the gateway the DTLS client of s_server -dtls
#   t38-term    t38-terminating-server: the core offers udptl, bob answers UDP/TLS/UDPTL active:
#               s_client -dtls
#   fax         t38-fax-switch: audio, re-INVITE to T.38 over DTLS, back to audio (terminations subtracted
#               with that answer)
#   before      neg-tcp-connect-failure-before-answer, for BFCP: nothing listens at the UE's port; the core
#               connects while ringing, the gateway's connect is refused: 488 to the UE, CANCEL to the core
#   after       neg-fingerprint-mismatch, for BFCP: alice offers active, and once it has the 200 its
#               s_client shows a certificate other than its a=fingerprint: bad_certificate, BYE to both
#               (Reason 503 "media failed")
#   after-dtls  neg-dtls-fingerprint-mismatch: the same for T.38, s_client -dtls
# Each: the bytes openssl and socat were given arrive at the other end byte for byte, each context added
# is subtracted (the H.248 in ims-alg's trace), and one capture of it all decodes in tshark (the key log
# opens the TLS and DTLS) with no malformed frame: SIP, SDP, H.248, TLS, DTLS, BFCP and T.38.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/interop/lib.sh"
need sipp socat openssl python3 ss
S="$INTEROP/sipp" IS="$top_srcdir/tests/integration/sipp"
CERT="$top_srcdir/tests/data/agw-cert.pem" KEY="$top_srcdir/tests/data/agw-key.pem"
KEYLOG="$WORK/keylog.txt"
BAND=30460 # the gateway's access ports BAND..+9, core ports +10..+19 (below the lab's 31000-32767)

# the UE's certificate (the one its SDP names) and another one
for n in ue other; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$n.example.net" \
		-days 2 -keyout "$WORK/$n-key.pem" -out "$WORK/$n-cert.pem" 2>"$WORK/req.err" ||
		{ cat "$WORK/req.err"; exit 1; }
done
fp_of() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'; }
gw_fp=$(fp_of "$CERT") ue_fp=$(fp_of "$WORK/ue-cert.pem")

set -- $("$FREEPORT" 19)
access=$1 core=$2 h248=$3 agw_h248=$4 alice=$5 bob=$6 peer=$7
shift 7
m=("$@") # the media ends' ports
ports="$access $core $h248 $agw_h248 $alice $bob $peer ${m[*]}"
capture_start "host 127.0.0.1 and (portrange $BAND-$((BAND + 19)) or port ${ports// / or port })"
TSHARK_OPTS=(-o "tls.keylog_file:$KEYLOG" -X "lua_script:$WORK/decode.lua"
	-d "udp.port==$access,sip" -d "udp.port==$core,sip" -d "udp.port==$h248,megaco")
# T.38 inside DTLS: Wireshark 4.0's t38_udp claims the UDP ports of each packet it decodes for bare T.38
# (a conversation), which would take the flow's next DTLS records; here it sees port 0 instead
cat >"$WORK/decode.lua" <<'EOF'
local t38 = Dissector.get("t38_udp")
t38dtls = Proto("t38dtls", "T.38 inside DTLS")
function t38dtls.dissector(tvb, pinfo, tree)
	local src, dst = pinfo.src_port, pinfo.dst_port
	pinfo.src_port, pinfo.dst_port = 0, 0
	local n = t38:call(tvb, pinfo, tree)
	pinfo.src_port, pinfo.dst_port = src, dst
	return n
end
EOF
for p in $(seq "$BAND" $((BAND + 9))); do
	TSHARK_OPTS+=(-d "tcp.port==$p,tls" -d "udp.port==$p,dtls" -d "tcp.port==$((p + 10)),bfcp"
		-d "udp.port==$((p + 10)),t38")
	printf 'DissectorTable.get("tls.port"):add(%s, Dissector.get("bfcp"))\n' "$p" >>"$WORK/decode.lua"
	printf 'DissectorTable.get("dtls.port"):add(%s, t38dtls)\n' "$p" >>"$WORK/decode.lua"
done

start alg "$WORK/alg.log" "$ALG" --sip-access-port "$access" --sip-core-port "$core" \
	--sip-core-next-hop "sip:127.0.0.1:$peer" --h248-port "$h248" --trace-file "$WORK/alg.jsonl" \
	--log-level info --policy-force-e2ae-term
alg=$last_pid
# the gateway's source filter off, as in tests/integration/alg-sipp.sh: on, it would hold the core's
# connection until the answer (issue 26), and the media could not fail before it
start agw "$WORK/agw.log" "$AGW" --h248-port "$agw_h248" --mgc-port "$h248" --trace-file "$WORK/agw.jsonl" \
	--realm-access-ports "$BAND-$((BAND + 9))" --realm-core-ports "$((BAND + 10))-$((BAND + 19))" \
	--log-level info --no-leg-source-filter --tls-certificate "$CERT" --tls-key "$KEY"
agw=$last_pid
wait_log "$WORK/alg.log" "gateway .* registered" >/dev/null || exit 1

# --- the parties (sipp_party, media, send, got, cross, body, port_of: tests/interop/lib.sh) ---

# tls_up: waits (10 s at most) until the gateway has had a TLS or DTLS session up since the case began
tls_up() {
	local i=0
	while [ $i -lt 100 ] && ! tail -n +$((agw_mark + 1)) "$WORK/agw.jsonl" | grep -q '"kind":"tls.up"'; do
		sleep 0.1
		i=$((i + 1))
	done
}
ssl() { # openssl s_server / s_client with the UE's certificate CERT-NAME, checking the gateway's
	local cmd=$1 cert=$2
	shift 2
	openssl "$cmd" -quiet -cert "$WORK/$cert-cert.pem" -key "$WORK/$cert-key.pem" -CAfile "$CERT" \
		-verify_return_error -keylogfile "$KEYLOG" "$@"
}

# --- what the parties got (their SIPp logs), and what ims-alg did (its trace since line $mark) ---

# sent PORT: what ims-alg sent to the party at PORT: the method, or the status line
sent() {
	python3 - "$WORK/alg.jsonl" "$mark" "$1" <<'EOF'
import json, sys
for line in open(sys.argv[1]).readlines()[int(sys.argv[2]):]:
    o = json.loads(line)
    if o.get("kind") == "sip.tx" and o.get("to", "").endswith(":" + sys.argv[3]):
        first = o["raw"].split("\r\n")[0]
        print(first if first.startswith("SIP/2.0") else first.split(" ")[0])
EOF
}
# contexts: the contexts the gateway's Add replies named, and those ims-alg then sent Subtracts for
contexts() {
	python3 - "$WORK/alg.jsonl" "$mark" <<'EOF'
import json, re, sys
added, gone = [], []
for line in open(sys.argv[1]).readlines()[int(sys.argv[2]):]:
    o = json.loads(line)
    for ctx, body in re.findall(r"Context = ([0-9]+) \{(.*?)\n  \}", o.get("raw", ""), re.S):
        if o.get("kind") == "h248.rx" and "Add = " in body and ctx not in added:
            added.append(ctx)
        if o.get("kind") == "h248.tx" and "Subtract = " in body and ctx not in gone:
            gone.append(ctx)
print("added", *added, "subtracted", *gone)
EOF
}
subtracted() {
	sleep 0.5 # the Subtract follows the BYE's 200
	local c
	c=$(contexts)
	set -- $c
	[ "$2" != subtracted ] || not_ok "$case: a context added" "$c"
	expect_eq "$case: each context added is subtracted (Subtract in ims-alg's trace)" "$c" \
		"$(printf '%s' "$c" | sed 's/ subtracted.*//; s/^added\(.*\)/added\1 subtracted\1/')"
}
begin() { case=$1 mark=$(wc -l <"$WORK/alg.jsonl") agw_mark=$(wc -l <"$WORK/agw.jsonl"); }

# BFCP (RFC 8855 §5.1): the UE's Hello (conference 4321, transaction 1, user 1234), the floor control
# server's HelloAck with SUPPORTED-PRIMITIVES (FloorRequest, Hello, HelloAck) and SUPPORTED-ATTRIBUTES
# (FLOOR-ID, SUPPORTED-PRIMITIVES)
HELLO=200b0000000010e1000104d2 HELLOACK=200c0003000010e1000104d22b05010b0c0000002d04042a
# UDPTL (T.38 §9.1): sequence 0, t30-indicator CED; sequence 1, a V.21 HDLC data frame
CED=000001020000 V21=000106c0010d7fff000000
BFCP_UE=(-key a2 floorctrl:c-only -key a3 confid:4321 -key a4 userid:1234)
T38=(-key a2 T38FaxVersion:0 -key a3 T38MaxBitRate:14400 -key a4 T38FaxUdpEC:t38UDPRedundancy)

# --- originating BFCP: ok, the UE's media end never there, or showing the wrong certificate ---
# bfcp_orig CASE SETUP UE-PORT CORE-SCENARIO [SERVER-CERT]: alice offers BFCP over TLS with a=setup:SETUP,
# at UE-PORT, where s_server shows SERVER-CERT if given; the core answers active, and connects (socat)
bfcp_orig() {
	begin "$1"
	[ -z "${5:-}" ] || media "$1-ue" ssl s_server "$5" -naccept 1 -Verify 1 -accept "127.0.0.1:$3"
	sipp_party "$1-core" "$S/$4" "$peer" -key m "application 9 TCP/BFCP *" -key a1 setup:active \
		-key a2 floorctrl:s-only -key a3 confid:4321 -key a4 userid:1234
	core_pid=$sipp_pid
	sleep 0.3
	sipp_party "$1-alice" "$S/ue-offer.xml" "$alice" "127.0.0.1:$access" -key fp "$ue_fp" \
		-key m "application $3 TCP/TLS/BFCP *" -key a1 "setup:$2" "${BFCP_UE[@]}"
	ue_pid=$sipp_pid
	# the core connects to the gateway's core leg once it has the offer (seed 004 step 10)
	wait_log "$WORK/$1-core.msg" "^m=application [0-9]+ TCP/BFCP" >/dev/null
	gwc=$(port_of "$WORK/$1-core.msg" "^INVITE " "1 INVITE" application)
	media "$1-core" socat - "TCP:127.0.0.1:$gwc"
}

# sdp PARTY START-RE CSEQ: the SDP of that message in the case's PARTY's log
sdp() { body "$WORK/$case-$1.msg" "$2" "$3"; }

bfcp_orig bfcp-orig actpass "${m[0]}" core-answer.xml ue
expect_eq "$case: the offer toward the core: TCP/BFCP at the gateway, no fingerprint, no a=3ge2ae" \
	"$(sdp core "^INVITE " "1 INVITE")" "v=0
o=alice 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=application $gwc TCP/BFCP *
c=IN IP4 127.0.0.1
a=setup:actpass
a=floorctrl:c-only
a=confid:4321
a=userid:1234"
wait_log "$WORK/$case-alice.msg" "^CSeq: 1 ACK" >/dev/null
tls_up
cross bfcp-orig-ue "$HELLO" bfcp-orig-core "$HELLOACK"
sipp_wait bfcp-orig-alice "$ue_pid" "the UE's call: 200, ACK, its BYE answered"
sipp_wait bfcp-orig-core "$core_pid" "the core's call"
gwa=$(port_of "$WORK/$case-alice.msg" "^SIP/2.0 200 OK" "1 INVITE" application)
expect_eq "$case: the answer toward the UE: TCP/TLS/BFCP at the gateway, active, its fingerprint" \
	"$(sdp alice "^SIP/2.0 200 OK" "1 INVITE")" "v=0
o=bob 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=application $gwa TCP/TLS/BFCP *
c=IN IP4 127.0.0.1
a=setup:active
a=floorctrl:s-only
a=confid:4321
a=userid:1234
a=fingerprint:sha-256 $gw_fp"
subtracted

# --- terminating: UE bob registers without mediasec; the core offers it a plain line ---
sipp_party bob-register "$IS/bob-register.xml" "$bob" "127.0.0.1:$access"
sipp_wait bob-register "$sipp_pid" "UE bob registers"
# term CASE CORE-M CORE-A1..A4 UE-M UE-A1..A3: the core offers, bob answers; sets $core_pid $ue_pid,
# once bob has the offer the gateway's access port $gwa
term() {
	begin "$1"
	sipp_party "$1-bob" "$S/ue-answer.xml" "$bob" -key fp "$ue_fp" -key m "$7" -key a1 "$8" -key a2 "$9" \
		-key a3 "${10}"
	ue_pid=$sipp_pid
	sipp_party "$1-core" "$S/core-offer.xml" "$peer" "127.0.0.1:$core" -key m "$2" -key a1 "$3" \
		-key a2 "$4" -key a3 "$5" -key a4 "$6"
	core_pid=$sipp_pid
	wait_log "$WORK/$1-bob.msg" "^CSeq: 1 INVITE" >/dev/null
	gwa=$(port_of "$WORK/$1-bob.msg" "^INVITE " "1 INVITE" "[a-z]*")
}

begin bfcp-term
media bfcp-term-core socat - "TCP-LISTEN:${m[3]},bind=127.0.0.1,reuseaddr"
term bfcp-term "application ${m[3]} TCP/BFCP *" setup:actpass floorctrl:s-only confid:4321 userid:1234 \
	"application 9 TCP/TLS/BFCP *" floorctrl:c-only confid:4321 userid:1234
# bob's media end connects and starts TLS before it answers (seed 004 5.2.1.3.3 steps 10, 12)
media bfcp-term-ue ssl s_client ue -verify 1 -connect "127.0.0.1:$gwa"
wait_log "$WORK/$case-core.msg" "^CSeq: 1 ACK" >/dev/null
tls_up
cross bfcp-term-ue "$HELLO" bfcp-term-core "$HELLOACK"
sipp_wait bfcp-term-bob "$ue_pid" "the UE's call: answered, the core's BYE"
sipp_wait bfcp-term-core "$core_pid" "the core's call"
expect_eq "$case: the offer toward the UE: TCP/TLS/BFCP at the gateway, a=3ge2ae:applied, its fingerprint" \
	"$(sdp bob "^INVITE " "1 INVITE")" "v=0
o=carol 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=application $gwa TCP/TLS/BFCP *
c=IN IP4 127.0.0.1
a=setup:actpass
a=floorctrl:s-only
a=confid:4321
a=userid:1234
a=fingerprint:sha-256 $gw_fp
a=3ge2ae:applied"
gwc=$(port_of "$WORK/$case-core.msg" "^SIP/2.0 200 OK" "1 INVITE" application)
expect_eq "$case: the answer toward the core: TCP/BFCP at the gateway, no fingerprint" \
	"$(sdp core "^SIP/2.0 200 OK" "1 INVITE")" "v=0
o=bob 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=application $gwc TCP/BFCP *
c=IN IP4 127.0.0.1
a=setup:active
a=floorctrl:c-only
a=confid:4321
a=userid:1234"
subtracted

# --- T.38 over DTLS ---
# t38_orig CASE SETUP UE-PORT CORE-PORT [SERVER-CERT]: alice offers T.38 over DTLS with a=setup:SETUP at
# UE-PORT, where s_server -dtls shows SERVER-CERT if given; the core answers udptl at CORE-PORT
t38_orig() {
	begin "$1"
	[ -z "${5:-}" ] || media "$1-ue" ssl s_server "$5" -dtls -naccept 1 -Verify 1 -accept "127.0.0.1:$3"
	sipp_party "$1-core" "$S/core-answer.xml" "$peer" -key m "image $4 udptl t38" -key a1 T38FaxVersion:0 \
		-key a2 T38MaxBitRate:14400 -key a3 T38FaxRateManagement:transferredTCF \
		-key a4 T38FaxUdpEC:t38UDPRedundancy
	core_pid=$sipp_pid
	sleep 0.3
	sipp_party "$1-alice" "$S/ue-offer.xml" "$alice" "127.0.0.1:$access" -key fp "$ue_fp" \
		-key m "image $3 UDP/TLS/UDPTL t38" -key a1 "setup:$2" "${T38[@]}"
	ue_pid=$sipp_pid
	wait_log "$WORK/$1-alice.msg" "^CSeq: 1 ACK" >/dev/null
}
t38_orig t38-orig actpass "${m[4]}" "${m[5]}" ue
gwc=$(port_of "$WORK/$case-core.msg" "^INVITE " "1 INVITE" image)
media t38-orig-core socat - "UDP:127.0.0.1:$gwc,bind=127.0.0.1:${m[5]}"
bound "${m[5]}"
tls_up
cross t38-orig-ue "$CED" t38-orig-core "$V21"
sipp_wait t38-orig-alice "$ue_pid" "the UE's call: 200, ACK, its BYE answered"
sipp_wait t38-orig-core "$core_pid" "the core's call"
expect_eq "$case: the offer toward the core: udptl at the gateway, no a=setup, fingerprint or a=3ge2ae" \
	"$(sdp core "^INVITE " "1 INVITE")" "v=0
o=alice 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=image $gwc udptl t38
c=IN IP4 127.0.0.1
a=T38FaxVersion:0
a=T38MaxBitRate:14400
a=T38FaxUdpEC:t38UDPRedundancy"
gwa=$(port_of "$WORK/$case-alice.msg" "^SIP/2.0 200 OK" "1 INVITE" image)
expect_eq "$case: the answer toward the UE: UDP/TLS/UDPTL at the gateway, active, its fingerprint" \
	"$(sdp alice "^SIP/2.0 200 OK" "1 INVITE")" "v=0
o=bob 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=image $gwa UDP/TLS/UDPTL t38
c=IN IP4 127.0.0.1
a=T38FaxVersion:0
a=T38MaxBitRate:14400
a=T38FaxRateManagement:transferredTCF
a=T38FaxUdpEC:t38UDPRedundancy
a=setup:active
a=fingerprint:sha-256 $gw_fp"
subtracted

term t38-term "image ${m[7]} udptl t38" T38FaxVersion:0 T38MaxBitRate:14400 \
	T38FaxRateManagement:transferredTCF T38FaxUdpEC:t38UDPRedundancy \
	"image ${m[6]} UDP/TLS/UDPTL t38" T38FaxVersion:0 T38MaxBitRate:14400 T38FaxUdpEC:t38UDPRedundancy
# bob answers active: its media end is the DTLS client, from the port its answer names
media t38-term-ue ssl s_client ue -dtls -verify 1 -bind "127.0.0.1:${m[6]}" -connect "127.0.0.1:$gwa"
wait_log "$WORK/$case-core.msg" "^CSeq: 1 ACK" >/dev/null
gwc=$(port_of "$WORK/$case-core.msg" "^SIP/2.0 200 OK" "1 INVITE" image)
media t38-term-core socat - "UDP:127.0.0.1:$gwc,bind=127.0.0.1:${m[7]}"
bound "${m[7]}"
tls_up
cross t38-term-ue "$CED" t38-term-core "$V21"
sipp_wait t38-term-bob "$ue_pid" "the UE's call: answered, the core's BYE"
sipp_wait t38-term-core "$core_pid" "the core's call"
expect_eq "$case: the offer toward the UE: UDP/TLS/UDPTL at the gateway, actpass, 3ge2ae, its fingerprint" \
	"$(sdp bob "^INVITE " "1 INVITE")" "v=0
o=carol 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=image $gwa UDP/TLS/UDPTL t38
c=IN IP4 127.0.0.1
a=T38FaxVersion:0
a=T38MaxBitRate:14400
a=T38FaxRateManagement:transferredTCF
a=T38FaxUdpEC:t38UDPRedundancy
a=setup:actpass
a=fingerprint:sha-256 $gw_fp
a=3ge2ae:applied"
expect_eq "$case: the answer toward the core: udptl at the gateway, no a=setup, no fingerprint" \
	"$(sdp core "^SIP/2.0 200 OK" "1 INVITE")" "v=0
o=bob 1 1 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=image $gwc udptl t38
c=IN IP4 127.0.0.1
a=T38FaxVersion:0
a=T38MaxBitRate:14400
a=T38FaxUdpEC:t38UDPRedundancy"
subtracted

# --- the fax switch: audio, re-INVITE to T.38 over DTLS, back to audio ---
begin fax
media fax-ue ssl s_server ue -dtls -naccept 1 -Verify 1 -accept "127.0.0.1:${m[8]}"
sipp_party fax-core "$IS/fax-core.xml" "$peer" -key audio 49172 -key fax "${m[9]}"
core_pid=$sipp_pid
sleep 0.3
sipp_party fax-ata "$S/fax-dtls-ue.xml" "$alice" "127.0.0.1:$access" -key audio 49170 -key fax "${m[8]}" \
	-key fp "$ue_fp"
ue_pid=$sipp_pid
wait_log "$WORK/fax-ata.msg" "^CSeq: 2 ACK" 15 >/dev/null
gwc=$(port_of "$WORK/fax-core.msg" "^INVITE " "2 INVITE" image)
media fax-core socat - "UDP:127.0.0.1:$gwc,bind=127.0.0.1:${m[9]}"
bound "${m[9]}"
tls_up
cross fax-ue "$CED" fax-core "$V21"
sipp_wait fax-ata "$ue_pid" "the ATA's call: 200 to the INVITE, to both re-INVITEs and to its BYE"
sipp_wait fax-core "$core_pid" "the far end's call"
t38="a=T38FaxVersion:0
a=T38MaxBitRate:14400
a=T38FaxRateManagement:transferredTCF
a=T38FaxMaxBuffer:200
a=T38FaxMaxDatagram:72
a=T38FaxUdpEC:t38UDPRedundancy"
expect_eq "$case: the re-INVITE toward the core: udptl at the gateway, the T.38 attributes as sent" \
	"$(sdp core "^INVITE " "2 INVITE")" "v=0
o=fax 1 2 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=image $gwc udptl t38
c=IN IP4 127.0.0.1
$t38"
gwa=$(port_of "$WORK/fax-ata.msg" "^SIP/2.0 200 OK" "2 INVITE" image)
expect_eq "$case: its answer toward the ATA: UDP/TLS/UDPTL at the gateway, active, its fingerprint" \
	"$(sdp ata "^SIP/2.0 200 OK" "2 INVITE")" "v=0
o=bob 7 2 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=image $gwa UDP/TLS/UDPTL t38
c=IN IP4 127.0.0.1
$t38
a=setup:active
a=fingerprint:sha-256 $gw_fp"
expect_eq "$case: back to audio, the re-INVITE toward the core as the ATA sent it" \
	"$(sdp core "^INVITE " "3 INVITE")" "v=0
o=fax 1 3 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio 49170 RTP/AVP 0
a=rtpmap:0 PCMU/8000"
subtracted
expect_eq "$case: the T.38 terminations subtracted with the answer back to audio, before the BYE" \
	"$(python3 - "$WORK/alg.jsonl" "$mark" <<'PY'
import json, re, sys
seen = []
for line in open(sys.argv[1]).readlines()[int(sys.argv[2]):]:
    o = json.loads(line)
    raw = o.get("raw", "")
    what = ("Subtract" if o["kind"] == "h248.tx" and "Subtract = " in raw else
            "the 200 to the audio re-INVITE" if o["kind"] == "sip.rx" and raw.startswith("SIP/2.0 200")
            and re.search(r"^CSeq: 3 INVITE\r?$", raw, re.M) else
            "BYE" if o["kind"] == "sip.rx" and raw.startswith("BYE ") else None)
    if what and what not in seen:
        seen.append(what)
print(", ".join(seen))
PY
)" "the 200 to the audio re-INVITE, Subtract, BYE"

# --- failures: before the answer, nothing listens at the UE's port; after it, the wrong certificate ---
bfcp_orig before actpass "${m[1]}" core-cancel.xml
sipp_wait before-alice "$ue_pid" "the UE's call: 488, ACK"
sipp_wait before-core "$core_pid" "the core's call: CANCEL, 487, ACK"
expect_eq "$case: ims-alg to the UE: 488 after the 180, no 200" "$(sent "$alice")" "SIP/2.0 200 OK
SIP/2.0 180 Ringing
SIP/2.0 488 Not Acceptable Here (media failed)"
expect_eq "$case: ims-alg to the core: the INVITE, then CANCEL (the 487's ACK, hop by hop, is not traced)" \
	"$(sent "$peer")" "INVITE
CANCEL"
subtracted

# released: the call was answered, then the gateway refused the certificate of the UE's media end
# (openssl heard the alert) and ims-alg released the call with BYE to both, saying why
released() {
	sipp_wait "$case-alice" "$ue_pid" "the UE's call: 200, ACK, the P-CSCF's BYE"
	sipp_wait "$case-core" "$core_pid" "the core's call: 200, ACK, the P-CSCF's BYE"
	expect_eq "$case: ims-alg to the UE: the 200, then BYE" "$(sent "$alice")" "SIP/2.0 200 OK
SIP/2.0 180 Ringing
SIP/2.0 200 OK
BYE"
	expect_eq "$case: ims-alg to the core: BYE after the ACK" "$(sent "$peer")" "INVITE
ACK
BYE"
	for who in alice core; do
		expect_eq "$case: the BYE to the $who says why" \
			"$(tr -d '\r' <"$WORK/$case-$who.msg" | grep '^Reason:')" 'Reason: SIP;cause=503;text="media failed"'
	done
	expect_match "$case: openssl s_client heard the gateway's bad_certificate alert" \
		"$(cat "$WORK/$case-ue.err")" "alert bad certificate"
	subtracted
}
# alice offers active: its media end connects once the answer gave it the gateway's address and
# fingerprint (the gateway is its server), showing a certificate its a=fingerprint does not name
bfcp_orig after active 9 core-answer.xml
wait_log "$WORK/after-alice.msg" "^CSeq: 1 ACK" >/dev/null
gwa=$(port_of "$WORK/after-alice.msg" "^SIP/2.0 200 OK" "1 INVITE" application)
media after-ue ssl s_client other -verify 1 -bind "127.0.0.1:${m[2]}" -connect "127.0.0.1:$gwa"
released
t38_orig after-dtls active "${m[10]}" "${m[11]}"
gwa=$(port_of "$WORK/after-dtls-alice.msg" "^SIP/2.0 200 OK" "1 INVITE" image)
media after-dtls-ue ssl s_client other -dtls -verify 1 -bind "127.0.0.1:${m[10]}" -connect "127.0.0.1:$gwa"
released

stop "$agw" TERM
expect_eq "ims-agw exits 0" "$stopped" 0
stop "$alg" TERM
expect_eq "ims-alg exits 0" "$stopped" 0
capture_stop
capture_check openssl sip sdp megaco tls dtls bfcp t38
# the UEs' legs decrypted with openssl's key log: the BFCP and T.38 sent and received inside TLS and DTLS
expect_eq "BFCP inside TLS: the Hello (11) and the HelloAck (12) of bfcp-orig and bfcp-term" \
	"$(ts -Y 'tls && bfcp' -T fields -e bfcp.primitive | sort | uniq -c | tr -s ' ')" " 2 11
 2 12"
expect_eq "T.38 inside DTLS: sequence 0 (CED) and 1 of t38-orig, t38-term and fax" \
	"$(ts -Y 'dtls && t38' -T fields -e t38.seq_number | sort | uniq -c | tr -s ' ')" " 3 0
 3 1"
expect_eq "after: the gateway's alert to s_client is bad_certificate (42)" \
	"$(ts -Y "tcp.dstport == ${m[2]} && tls.alert_message" -T fields -e tls.alert_message.desc)" 42
expect_eq "after-dtls: the gateway's alert to s_client -dtls is bad_certificate (42)" \
	"$(ts -Y "udp.dstport == ${m[10]} && dtls.alert_message" -T fields -e dtls.alert_message.desc)" 42
finish
