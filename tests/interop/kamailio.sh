#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Kamailio (Debian's) as the IMS core behind ims-alg with sip.registrar false (issue 19, "toward a real
# IMS core"): two SIPp UEs register through ims-alg, which forwards REGISTER with a Path; Kamailio
# answers with a Service-Route and the AOR's P-Associated-URI. Alice then calls bob with a Route of her
# own, preferring a registered identity and forging a P-Asserted-Identity, then sends a MESSAGE
# preferring an identity she does not have. ims-alg must send both to Kamailio along the Service-Route
# in place of her Route, asserting the preferred identity for the INVITE and her default one for the
# MESSAGE, the forgery and the P-Preferred-Identity taken off (TS 24.229 §5.2.2.3, §5.2.6.3.3; RFC 3325
# §9.1, RFC 3327, RFC 3608, RFC 7315). The Service-Route names another Kamailio port than the next
# hop, so Kamailio's log tells which one the request took. Bob's 200 forges a P-Asserted-Identity that
# alice must not get. Mallory, registered from her own port, sends a MESSAGE with alice's From, Contact
# and identity: the registration of the port it came from decides, so bob sees mallory. Kamailio logs
# what arrived; it reaches bob along the Path.
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/interop/lib.sh"
need kamailio sipp
mods=$(dirname "$(find /usr/lib -name registrar.so -path '*kamailio*' 2>/dev/null | head -1)")
[ -f "$mods/usrloc.so" ] || { echo "kamailio.sh: Kamailio's usrloc and registrar modules are missing: skipped"; exit 77; }
SC="$INTEROP/sipp"
set -- $("$FREEPORT" 8)
access=$1 core=$2 h248=$3 agw_h248=$4 kam=$5 bob=$6 orig=$7 mallory=$8
TSHARK_OPTS=(-d "udp.port==$access,sip" -d "udp.port==$core,sip" -d "udp.port==$kam,sip" -d "udp.port==$bob,sip"
	-d "udp.port==$h248,megaco")
sed "s/KAM_ORIG_PORT/$orig/g; s/KAM_PORT/$kam/g; s|KAM_MODULES|\"$mods\"|" "$INTEROP/kamailio.cfg" >"$WORK/kamailio.cfg"

TSHARK_OPTS+=(-d "udp.port==$orig,sip" -d "udp.port==$mallory,sip")
capture_start "udp port $access or udp port $core or udp port $kam or udp port $orig or udp port $bob or udp port $mallory or port $h248"
start alg "$WORK/alg.log" "$ALG" --sip-access-port "$access" --sip-core-port "$core" --no-sip-registrar \
	--sip-core-next-hop "sip:127.0.0.1:$kam" --h248-port "$h248" --trace-file "$WORK/alg.jsonl" --log-level info
start agw "$WORK/agw.log" "$AGW" --h248-port "$agw_h248" --mgc-port "$h248" --log-level info
kamailio -f "$WORK/kamailio.cfg" -DD -E -m 16 -M 4 -P "$WORK/kam.pid" -Y "$WORK" >"$WORK/kam.log" 2>&1 &
pids="$pids $!"
wait_log "$WORK/alg.log" "gateway .* registered" >/dev/null || exit 1
wait_log "$WORK/kam.log" "INFO: <core> \[main.c" 10 >/dev/null || { tail -20 "$WORK/kam.log"; exit 1; }

# sipp_ue NAME SCENARIO PORT [ARG...]: one SIPp party toward ims-alg's access side, its status in $ue_status
sipp_ue() {
	local name=$1 sf=$2 port=$3
	shift 3
	timeout 40 sipp "127.0.0.1:$access" -sf "$SC/$sf" -i 127.0.0.1 -p "$port" -m 1 -nostdin -timeout 20s \
		-timeout_error -trace_err -error_file "$WORK/$name.err" "$@" >"$WORK/$name.out" 2>&1
	ue_status=$?
	expect_eq "$name" "$ue_status" 0
	[ "$ue_status" = 0 ] || { cat "$WORK/$name.err"; tail -n 20 "$WORK/kam.log"; }
}
# uas NAME SCENARIO: bob takes one request (in the background; uas_wait checks how it ended)
uas() {
	sipp_ue "$@" "$bob" >"$WORK/$1.result" &
	uas_pid=$!
	bound "$bob"
}
uas_wait() { wait "$uas_pid"; cat "$WORK/$1.result"; grep -q '^ok' "$WORK/$1.result" && passed=$((passed + 1)) || failed=$((failed + 1)); }

alice=$("$FREEPORT" 1)
sipp_ue "bob registers through ims-alg (Service-Route, P-Associated-URI passed on)" kam-register.xml "$bob" \
	-key user bob
sipp_ue "alice registers through ims-alg" kam-register.xml "$alice" -key user alice
uas "bob takes the INVITE asserting tel:+15550001, the identity alice preferred" kam-bob-call.xml
sipp_ue "alice calls bob: INVITE 200 ACK BYE 200" kam-alice-call.xml "$alice"
uas_wait "bob takes the INVITE asserting tel:+15550001, the identity alice preferred"
uas "bob takes the MESSAGE asserting alice's default identity, no P-Preferred-Identity" kam-bob-message.xml
sipp_ue "alice's MESSAGE: 200" kam-alice-message.xml "$alice"
uas_wait "bob takes the MESSAGE asserting alice's default identity, no P-Preferred-Identity"
# mallory, registered from her own port, writes alice's From, Contact and identity: she stays mallory
sipp_ue "mallory registers through ims-alg" kam-register.xml "$mallory" -key user mallory
uas "bob takes mallory's MESSAGE as alice asserting mallory, whose registration it came from" kam-bob-spoofed.xml
sipp_ue "mallory's MESSAGE as alice: 200" kam-mallory-message.xml "$mallory" -key contact "127.0.0.1:$alice"
uas_wait "bob takes mallory's MESSAGE as alice asserting mallory, whose registration it came from"
capture_stop

log=$(sed -n 's/.*interop: //p' "$WORK/kam.log")
expect_match "Kamailio bound bob with ims-alg's core side as its Path" "$log" \
	"^REGISTER sip:bob@ims.test path=<sip:127.0.0.1:$core;lr>$"
expect_match "the INVITE reached Kamailio on the Service-Route alone (its port, one Route), asserting the preferred identity" \
	"$log" "^INVITE sip:bob@ims.test on=$orig routes=1 route=<sip:orig@127.0.0.1:$orig;lr> pai=<tel:\+15550001> pai-count=1 ppi=<null>$"
expect_match "the MESSAGE asserted alice's default identity, the forgery gone" "$log" \
	"^MESSAGE sip:bob@ims.test on=$orig routes=1 route=<sip:orig@127.0.0.1:$orig;lr> pai=<sip:alice@ims.test> pai-count=1 ppi=<null>$"
capture_check kamailio sip sdp megaco
finish
