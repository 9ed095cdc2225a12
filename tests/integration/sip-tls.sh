#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SIP over TLS on ims-alg's access side (issue 19; RFC 3261 §26.2, TS 24.229 §5.2.2 allows TLS on Gm),
# with outside software only at the UE: SIPp (built without TLS) speaks TCP into socat, whose OpenSSL
# carries it over TLS from a fixed source port; openssl s_client reads the certificate served.
#   1. sip.access.transport tls with no certificate configured: one is generated, its fingerprint
#      logged ("SIP TLS identity") is the one s_client is served, its files are private and removed at
#      exit;
#   2. a UE registers over TLS (the 200's Via and Contact byte for byte) and calls through the core:
#      the core's INVITE carries the access side's Record-Route with transport=tls, the UE's ACK and
#      BYE follow it back over the same TLS connection;
#   3. sip.tls.certificate and sip.tls.key: that certificate is served; a missing one stops the start.
. "$top_srcdir/tests/integration/lib.sh"
S="$top_srcdir/tests/integration/sipp"
for tool in sipp socat openssl; do
	command -v "$tool" >/dev/null || { echo "sip-tls: $tool is not installed: skipped"; exit 77; }
done

# served PORT: the sha-256 fingerprint of the certificate a TLS server on 127.0.0.1:PORT presents.
served() {
	openssl s_client -connect "127.0.0.1:$1" </dev/null 2>/dev/null |
		openssl x509 -noout -fingerprint -sha256 | sed 's/^.*Fingerprint=/sha-256 /'
}

# ---- 1. a generated certificate ------------------------------------------------------------------
set -- $("$FREEPORT" 6)
ACC=$1 COR=$2 H248=$3 PEER=$4 TUN=$5 TLSPORT=$6
mkdir "$WORK/tmp"
TMPDIR="$WORK/tmp" start alg "$WORK/alg.log" "$ALG" --sip-access-transport tls --sip-access-port "$ACC" \
	--sip-core-port "$COR" --sip-core-next-hop "sip:127.0.0.1:$PEER" --h248-port "$H248" \
	--trace-file "$WORK/alg.jsonl" --log-level info
alg=$last_pid
wait_log "$WORK/alg.log" "ready:" >/dev/null || exit 1
logged=$(sed -n 's/^.* NOTICE sip self-signed certificate generated; SIP TLS identity: //p' "$WORK/alg.log")
expect_match "the generated certificate's fingerprint is logged at notice" "$logged" '^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$'
expect_eq "s_client is served that certificate" "$(served "$ACC")" "$logged"
dir=$(ls -d "$WORK"/tmp/ims-alg-tls-* 2>/dev/null)
expect_eq "sofia-sip's files: a private directory" "$(stat -c %a "$dir" 2>&1)" 700
expect_eq "agent.pem (key and certificate) its owner's alone" "$(stat -c %a "$dir/agent.pem" 2>&1)" 600
expect_eq "agent.pem holds the key, then the certificate" \
	"$(grep -- '-----BEGIN' "$dir/agent.pem" | tr '\n' '|')" \
	"-----BEGIN EC PRIVATE KEY-----|-----BEGIN CERTIFICATE-----|"

# ---- 2. REGISTER and a call over TLS -------------------------------------------------------------
socat "TCP-LISTEN:$TUN,bind=127.0.0.1,reuseaddr" \
	"OPENSSL:127.0.0.1:$ACC,bind=127.0.0.1:$TLSPORT,verify=0" 2>"$WORK/socat.err" &
pids="$pids $!"
sipp -sf "$S/tls-core.xml" -i 127.0.0.1 -p "$PEER" -m 1 -nd -timeout 20 -timeout_error -trace_msg \
	-message_file "$WORK/core.msg" -trace_err -error_file "$WORK/core.err" >/dev/null 2>&1 &
core=$!
sleep 0.3
sipp -sf "$S/tls-ue.xml" -t t1 "127.0.0.1:$TUN" -i 127.0.0.1 -key tlsport "$TLSPORT" -m 1 -nd \
	-timeout 20 -timeout_error -trace_msg -message_file "$WORK/ue.msg" -trace_err \
	-error_file "$WORK/ue.err" >/dev/null 2>&1
expect_eq "the UE's scenario (REGISTER, INVITE, 200, ACK, BYE) over TLS" "$?" 0
wait "$core"
expect_eq "the core's scenario (INVITE, 200, ACK, BYE)" "$?" 0

# What ims-alg sent: its trace's raw text of the first sip.tx matching a CSeq, line ends as LF.
sent() {
	python3 - "$WORK/alg.jsonl" "$1" <<'PY'
import json, re, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("kind") == "sip.tx" and re.search(sys.argv[2], o.get("raw", ""), re.M):
        sys.stdout.write(o["raw"].replace("\r\n", "\n")); break
PY
}
expect_eq "the 200 to the REGISTER, over TLS, byte for byte" \
	"$(sent '^CSeq: 1 REGISTER' | sed 's/branch=[^;]*/branch=B/')" \
	"SIP/2.0 200 OK
Via: SIP/2.0/TLS 127.0.0.1:$TLSPORT;branch=B;rport=$TLSPORT
From: <sip:alice@example.net>;tag=1
To: <sip:alice@example.net>
Call-ID: $(sed -n "s/^Call-ID: //p" "$WORK/ue.msg" | head -n1 | tr -d "\r")
CSeq: 1 REGISTER
Contact: <sip:alice@127.0.0.1:$TLSPORT;transport=tls>;expires=600
Expires: 600
Content-Length: 0"
rr=$(sed -n '/^INVITE /,/^$/p' "$WORK/core.msg" | grep '^Record-Route:' | tr -d '\r')
expect_eq "the core's INVITE records both sides, the access side's with transport=tls" "$rr" \
	"Record-Route: <sip:127.0.0.1:$COR;lr>
Record-Route: <sip:127.0.0.1:$ACC;transport=tls;lr>"
expect_eq "the UE's BYE came in over TLS from its connection" \
	"$(python3 -c 'import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("kind") == "sip.rx" and o.get("summary", "").startswith("BYE") and "TLS" in o.get("raw", ""):
        print(o["from"]); break' "$WORK/alg.jsonl")" "127.0.0.1:$TLSPORT"
stop "$alg" TERM
expect_eq "ims-alg exits 0" "$stopped" 0
expect_eq "sofia-sip's files removed at exit" "$(ls "$WORK/tmp")" ""

# ---- 3. a configured certificate -----------------------------------------------------------------
set -- $("$FREEPORT" 3)
CERT="$top_srcdir/tests/data/agw-cert.pem" KEY="$top_srcdir/tests/data/agw-key.pem"
start alg "$WORK/alg2.log" "$ALG" --sip-access-transport tls --sip-access-port "$1" --sip-core-port "$2" \
	--h248-port "$3" --sip-tls-certificate "$CERT" --sip-tls-key "$KEY" --log-level info
alg=$last_pid
wait_log "$WORK/alg2.log" "ready:" >/dev/null || exit 1
want=$(openssl x509 -in "$CERT" -noout -fingerprint -sha256 | sed 's/^.*Fingerprint=/sha-256 /')
expect_eq "sip.tls.certificate is the one served" "$(served "$1")" "$want"
expect_eq "and the one logged" "$(sed -n 's/^.* INFO sip SIP TLS identity: //p' "$WORK/alg2.log")" "$want"
stop "$alg" TERM
expect_eq "ims-alg exits 0" "$stopped" 0
out=$("$ALG" --sip-access-transport tls --sip-access-port "$1" --sip-core-port "$2" --h248-port "$3" \
	--sip-tls-certificate "$WORK/none.pem" 2>&1)
expect_eq "a missing certificate: exit 1" "$?" 1
expect_match "naming the file" "$out" "ERROR main SIP over TLS: $WORK/none\\.pem: cannot load the certificate and key"
finish
