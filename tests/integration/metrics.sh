#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Prometheus endpoints of both daemons (doc/configuration.md, Metrics) after one real call through
# them: SIPp as a fax ATA and as the far end (the flow of alg-fax.sh: REGISTER, an audio call, a
# re-INVITE to T.38 whose UDPTL the gateway relays, back to audio, BYE), two UDPTL datagrams each way.
# Scraped with curl, the samples of what the call did compared line for line with what the SIPp
# scenarios and the datagrams sent (not with what the daemons happen to count), and promtool (Prometheus'
# own checker) must accept both outputs. Then a lab run of seed 004's MSRP call (TLS toward the UE):
# the handshake, the connections and the bytes against the lab's own trace. Without metrics.address
# nothing listens; a path other than /metrics is 404, a method other than GET 405.
. "$top_srcdir/tests/integration/lib.sh"
S="$top_srcdir/tests/integration/sipp"
for tool in sipp curl python3 promtool; do # promtool: Debian's prometheus package
	command -v "$tool" >/dev/null || { echo "metrics: $tool is not installed: skipped"; exit 77; }
done

set -- $("$FREEPORT" 10)
access=$1 core=$2 h248=$3 agw_h248=$4 ue=$5 peer=$6 ue_fax=$7 peer_fax=$8 agw_m=$9 alg_m=${10}
# (the periodic audit of a quiet gateway, the gateway's inactivity Notify to a quiet MGC and the Packages
# audit that sets it off: their H.248 would make the counts depend on timing)
start alg "$WORK/alg.log" "$ALG" --sip-access-port "$access" --sip-core-port "$core" \
	--sip-core-next-hop "sip:127.0.0.1:$peer" --h248-port "$h248" --h248-audit 0 --h248-inactivity 0 --log-level info \
	--metrics-address 127.0.0.1 --metrics-port "$alg_m"
alg=$last_pid
start agw "$WORK/agw.log" "$AGW" --h248-port "$agw_h248" --mgc-port "$h248" --mgc-silence-timeout 0 \
	--realm-access-ports 30620-30629 --realm-core-ports 30630-30639 --log-level info \
	--metrics-address 127.0.0.1 --metrics-port "$agw_m"
agw=$last_pid
wait_log "$WORK/alg.log" "gateway .* registered" >/dev/null || exit 1
expect_match "ims-agw names its endpoint" "$(cat "$WORK/agw.log")" \
	"NOTICE metrics metrics endpoint: http://127\.0\.0\.1:$agw_m/metrics"

sipp -sf "$S/fax-core.xml" -i 127.0.0.1 -p "$peer" -m 1 -nd -timeout 40 -timeout_error -trace_msg \
	-key audio 49172 -key fax "$peer_fax" -message_file "$WORK/core.msg" \
	-trace_err -error_file "$WORK/core.err" >/dev/null 2>&1 &
core_pid=$!
sleep 0.3
sipp -sf "$S/fax-ue.xml" "127.0.0.1:$access" -i 127.0.0.1 -p "$ue" -m 1 -nd -timeout 40 -timeout_error \
	-key audio 49170 -key fax "$ue_fax" -trace_msg -message_file "$WORK/ue.msg" \
	-trace_err -error_file "$WORK/ue.err" >/dev/null 2>&1 &
ue_pid=$!

# the fax: once the ATA has its 200 to the re-INVITE, two UDPTL datagrams (6 and 11 bytes) each way
if ! wait_log "$WORK/ue.msg" "^CSeq: 2 ACK" 15 >/dev/null; then
	not_ok "the re-INVITE to T.38 answered 200"
	kill "$ue_pid" "$core_pid" 2>/dev/null
	finish
	exit 1
fi
# the gateway's ports: in the 200 the ATA received (after its own re-INVITE's line), in the re-INVITE
# the far end received (before its own 200's)
image() { sed -n 's/^m=image \([0-9]*\) udptl t38.*/\1/p' "$1" | sed -n "$2p"; }
gw_access=$(image "$WORK/ue.msg" 2) gw_core=$(image "$WORK/core.msg" 1)
out=$(python3 - "$ue_fax" "$peer_fax" "$gw_access" "$gw_core" <<'PY'
import socket, sys
ue, peer, gw_a, gw_c = map(int, sys.argv[1:5])
def sock(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port)); s.settimeout(2)
    return s
a, c = sock(ue), sock(peer)
pkts = [bytes.fromhex("000001020000"), bytes.fromhex("000106c0010d7fff000000")]
for src, dst, to in ((a, c, gw_a), (c, a, gw_c)):
    for p in pkts:
        src.sendto(p, ("127.0.0.1", to))
        if dst.recvfrom(2048)[0] != p:
            print("not relayed unchanged:", p.hex()); sys.exit(1)
PY
)
expect_eq "UDPTL crosses the gateway, each way" "$?:$out" "0:"
wait "$ue_pid"
ue_status=$?
wait "$core_pid"
core_status=$?
expect_eq "both SIPp scenarios end" "$ue_status$core_status" 00
[ "$ue_status$core_status" = 00 ] || cat "$WORK/ue.err" "$WORK/core.err"

# scrape PORT NAME: the body into $WORK/NAME.prom, the headers into $WORK/NAME.head
scrape() {
	curl -sS -D "$WORK/$2.head" -o "$WORK/$2.prom" "http://127.0.0.1:$1/metrics"
}
# samples NAME PREFIX: the sample lines (no comments) whose name starts with PREFIX
samples() {
	grep -v '^#' "$WORK/$1.prom" | grep -E "^$2" || true
}
scrape "$agw_m" agw
expect_eq "ims-agw: scraped" "$?" 0
expect_match "ims-agw: content type of format 0.0.4" "$(tr -d '\r' <"$WORK/agw.head")" \
	"^Content-Type: text/plain; version=0\.0\.4; charset=utf-8$"

# The H.248 the ALG sent for the call (alg-fax.h248): Add; Add and Modify; two Subtracts; three transactions.
expect_eq "ims-agw: the commands of the MGC's requests" "$(samples agw ims_agw_h248_commands_total)" \
'ims_agw_h248_commands_total{command="Add"} 2
ims_agw_h248_commands_total{command="Modify"} 1
ims_agw_h248_commands_total{command="Subtract"} 2
ims_agw_h248_commands_total{command="Move"} 0
ims_agw_h248_commands_total{command="AuditValue"} 0
ims_agw_h248_commands_total{command="AuditCapabilities"} 0
ims_agw_h248_commands_total{command="Notify"} 0
ims_agw_h248_commands_total{command="ServiceChange"} 0'
# (its one request, the ServiceChange, may have gone out again: ims-alg may not have been listening yet)
expect_eq "ims-agw: transactions executed, none twice" \
	"$(samples agw 'ims_agw_h248_(requests_executed|duplicates|requests_sent|timeouts)_total')" \
'ims_agw_h248_requests_sent_total 1
ims_agw_h248_timeouts_total 0
ims_agw_h248_requests_executed_total 3
ims_agw_h248_duplicates_total 0'
expect_eq "ims-agw: registered, nothing held after the call" \
	"$(samples agw 'ims_agw_(mgc_registered|contexts|terminations)')" \
'ims_agw_mgc_registered 1
ims_agw_contexts 0'
# 6 + 11 bytes in two datagrams each way: received on one realm, sent on the other
expect_eq "ims-agw: bytes relayed per realm and direction" "$(samples agw ims_agw_relay_bytes_total)" \
'ims_agw_relay_bytes_total{realm="access",direction="received"} 17
ims_agw_relay_bytes_total{realm="access",direction="sent"} 17
ims_agw_relay_bytes_total{realm="core",direction="received"} 17
ims_agw_relay_bytes_total{realm="core",direction="sent"} 17'
expect_eq "ims-agw: datagrams relayed per realm and direction" "$(samples agw ims_agw_relay_packets_total)" \
'ims_agw_relay_packets_total{realm="access",direction="received"} 2
ims_agw_relay_packets_total{realm="access",direction="sent"} 2
ims_agw_relay_packets_total{realm="core",direction="received"} 2
ims_agw_relay_packets_total{realm="core",direction="sent"} 2'
expect_eq "ims-agw: no datagram dropped" "$(samples agw ims_agw_dropped_datagrams_total)" \
'ims_agw_dropped_datagrams_total{reason="source_filter"} 0
ims_agw_dropped_datagrams_total{reason="not_relayable"} 0'

scrape "$alg_m" alg
expect_eq "ims-alg: scraped" "$?" 0
# what the ATA's and the far end's scenarios sent and answered (fax-ue.xml, fax-core.xml): REGISTER, then
# INVITE, ACK three times (the call, T.38, back to audio), BYE; each answered 200 (sofia-sip's own 100
# Trying is not the proxy's); the registrar answers REGISTER itself, the rest goes on to the core
expect_eq "ims-alg: SIP requests by side, direction and method" \
	"$(samples alg ims_alg_sip_requests_total | grep -v ' 0$')" \
'ims_alg_sip_requests_total{side="access",direction="received",method="INVITE"} 3
ims_alg_sip_requests_total{side="access",direction="received",method="ACK"} 3
ims_alg_sip_requests_total{side="access",direction="received",method="BYE"} 1
ims_alg_sip_requests_total{side="access",direction="received",method="REGISTER"} 1
ims_alg_sip_requests_total{side="core",direction="sent",method="INVITE"} 3
ims_alg_sip_requests_total{side="core",direction="sent",method="ACK"} 3
ims_alg_sip_requests_total{side="core",direction="sent",method="BYE"} 1'
expect_eq "ims-alg: SIP responses by side, direction and code" "$(samples alg ims_alg_sip_responses_total)" \
'ims_alg_sip_responses_total{side="access",direction="sent",code="200"} 5
ims_alg_sip_responses_total{side="core",direction="received",code="200"} 4'
expect_eq "ims-alg: one registration, one call answered and ended, none left" \
	"$(samples alg 'ims_alg_(registrations|calls)' | grep -v '^ims_alg_calls{.*} 0$')" \
'ims_alg_registrations 1
ims_alg_calls_ended_total{outcome="answered"} 1
ims_alg_calls_ended_total{outcome="unanswered"} 0
ims_alg_calls_ended_total{outcome="media_failed"} 0'
expect_eq "ims-alg: the gateway in the pool" "$(samples alg ims_alg_gateways)" \
'ims_alg_gateways{state="up"} 1
ims_alg_gateways{state="lost"} 0'
expect_eq "ims-alg: the commands it sent, by result (alg-fax.h248)" \
	"$(samples alg ims_alg_h248_commands_total | grep -v ' 0$')" \
'ims_alg_h248_commands_total{command="Add",result="ok"} 2
ims_alg_h248_commands_total{command="Modify",result="ok"} 1
ims_alg_h248_commands_total{command="Subtract",result="ok"} 2'
expect_eq "ims-alg: three requests, three replies, none repeated or timed out" \
	"$(samples alg 'ims_alg_h248_(requests_sent|retransmissions|replies_received|timeouts)_total')" \
'ims_alg_h248_requests_sent_total 3
ims_alg_h248_retransmissions_total 0
ims_alg_h248_replies_received_total 3
ims_alg_h248_timeouts_total 0'

# promtool, Prometheus' own checker: format and naming conventions
for d in agw alg; do
	out=$(promtool check metrics <"$WORK/$d.prom" 2>&1)
	expect_eq "promtool check metrics: ims-$d's output is clean" "$?:$out" "0:"
done

# a metrics.address that is no address: a configuration error (exit status 2), as the others
err=$("$AGW" --metrics-address localhost 2>&1 >/dev/null)
expect_eq "ims-agw: metrics.address not an address: exit status 2" "$?:$err" \
	'2:ims-agw: metrics.address: expected an IPv4 or IPv6 address ("": none), found "localhost"'
err=$("$ALG" --metrics-address localhost 2>&1 >/dev/null)
expect_eq "ims-alg: likewise" "$?:$err" \
	'2:ims-alg: metrics.address: expected an IPv4 or IPv6 address ("": none), found "localhost"'

# anything but GET /metrics
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
expect_eq "another path: 404" "$(code "http://127.0.0.1:$agw_m/")" 404
expect_eq "another method: 405" "$(code -X POST -d x "http://127.0.0.1:$agw_m/metrics")" 405

# a stranger's connections: 4 from one address are held (idle), the 5th closed at once; then served again
out=$(python3 - "$agw_m" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
time.sleep(0.3)
extra = socket.create_connection(("127.0.0.1", port)); extra.settimeout(2)
try:
    print("5th:", "closed" if extra.recv(1) == b"" else "answered")
except socket.timeout:
    print("5th: held")
except ConnectionResetError:
    print("5th: closed")
PY
)
expect_eq "a 5th connection from one address is closed at once" "$out" "5th: closed"
expect_eq "served again once they are gone" "$(code "http://127.0.0.1:$agw_m/metrics")" 200

stop "$agw" TERM
expect_eq "ims-agw exits 0" "$stopped" 0
stop "$alg" TERM
expect_eq "ims-alg exits 0" "$stopped" 0

# A lab run (ims-lab, seed 004's originating MSRP call: TCP both ways, TLS toward UE A, one MSRP SEND
# each way), the daemons' metrics on, held open by a last step that pauses: the handshake, the
# connections and the bytes against what the UEs' own trace says they sent.
set -- $("$FREEPORT" 2)
python3 - "$top_srcdir/scenarios/004-msrp-originating.json" "$WORK/msrp.json" "$1" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["agw"] = {"metrics.address": "127.0.0.1", "metrics.port": int(sys.argv[3]), "mgc.silence_timeout": 0}
s["alg"] = {"metrics.address": "127.0.0.1", "metrics.port": int(sys.argv[4]), "h248.audit": 0}
s["steps"].append({"step": "metrics", "title": "scraped meanwhile", "do": {"pause": {"ms": 5000}}})
json.dump(s, open(sys.argv[2], "w"))
PY
agw_m=$1 alg_m=$2
"$top_builddir/lab/ims-lab" --quiet --color=never -o "$WORK/lab" "$WORK/msrp.json" >"$WORK/lab.out" 2>&1 &
lab=$!
pids="$pids $lab"
ended=no
for _ in $(seq 150); do # the call ended at the ALG and at the gateway (its close_notify came back)
	if scrape "$alg_m" alg 2>/dev/null && scrape "$agw_m" agw 2>/dev/null &&
		grep -q '^ims_alg_calls_ended_total{outcome="answered"} 1$' "$WORK/alg.prom" &&
		grep -q '^ims_agw_tls_close_notify_total{direction="received"} 1$' "$WORK/agw.prom" &&
		grep -q '^ims_agw_contexts 0$' "$WORK/agw.prom"; then
		ended=yes
		break
	fi
	sleep 0.1
done
expect_eq "lab: the call ended, scraped before the daemons stop" "$ended" yes
sent() { # bytes of the MSRP the lab's party sent
	python3 -c 'import json, sys
print(sum(len(o["raw"].encode()) for o in map(json.loads, open(sys.argv[1]))
          if o["kind"] == "data.tx" and o["component"] == sys.argv[2]))' "$WORK/lab/msrp/lab.jsonl" "$1"
}
a=$(sent "UE A") b=$(sent "core B")
expect_eq "lab: TCP up both ways, TLS toward UE A verified, no failure, close_notify each way" \
	"$(samples agw 'ims_agw_(tcp|tls)_' | grep -v ' 0$')" \
'ims_agw_tcp_established_total{direction="outgoing"} 1
ims_agw_tcp_established_total{direction="incoming"} 1
ims_agw_tls_handshakes_total{protocol="tls"} 1
ims_agw_tls_close_notify_total{direction="sent"} 1
ims_agw_tls_close_notify_total{direction="received"} 1'
# (over TLS the plaintext: the MSRP as the UE wrote it)
expect_eq "lab: bytes relayed, as many as UE A ($a) and the core ($b) sent" \
	"$(samples agw ims_agw_relay_bytes_total)" \
"ims_agw_relay_bytes_total{realm=\"access\",direction=\"received\"} $a
ims_agw_relay_bytes_total{realm=\"access\",direction=\"sent\"} $b
ims_agw_relay_bytes_total{realm=\"core\",direction=\"received\"} $b
ims_agw_relay_bytes_total{realm=\"core\",direction=\"sent\"} $a"
# (and at registration: ROOT's Packages audited, then ROOT's it/ito set, one AuditValue and one Modify)
expect_eq "lab: the H.248 of seed 004 steps 2-18 and the end, and the registration's" \
	"$(samples agw ims_agw_h248_commands_total | grep -v ' 0$')" \
'ims_agw_h248_commands_total{command="Add"} 2
ims_agw_h248_commands_total{command="Modify"} 3
ims_agw_h248_commands_total{command="Subtract"} 1
ims_agw_h248_commands_total{command="AuditValue"} 1'
expect_eq "lab: one call answered" "$(samples alg ims_alg_calls_ended_total | grep -v ' 0$')" \
	'ims_alg_calls_ended_total{outcome="answered"} 1'
for d in agw alg; do
	out=$(promtool check metrics <"$WORK/$d.prom" 2>&1)
	expect_eq "lab: promtool check metrics: ims-$d's output is clean" "$?:$out" "0:"
done
wait "$lab"
expect_eq "lab: the scenario passes" "$?" 0
[ "$ended" = yes ] || cat "$WORK/lab.out"

# off by default: a daemon started without metrics.address listens on its H.248 port alone
set -- $("$FREEPORT" 2)
start agw "$WORK/agw2.log" "$AGW" --h248-port "$1" --mgc-port "$2"
agw=$last_pid
wait_log "$WORK/agw2.log" "ready:" >/dev/null
expect_eq "off by default: ims-agw listens on TCP at its H.248 port alone" \
	"$(ss -Htlnp | grep "pid=$agw," | awk '{ print $4 }')" "127.0.0.1:$1"
expect_eq "off by default: no endpoint in the log" "$(grep -c 'metrics endpoint' "$WORK/agw2.log")" 0
stop "$agw" TERM
set -- $("$FREEPORT" 3)
start alg "$WORK/alg2.log" "$ALG" --sip-access-port "$1" --sip-core-port "$2" --h248-port "$3" \
	--sip-access-transport udp --sip-core-transport udp
alg=$last_pid
wait_log "$WORK/alg2.log" "ready:" >/dev/null
expect_eq "off by default: ims-alg listens on TCP at its H.248 port alone" \
	"$(ss -Htlnp | grep "pid=$alg," | awk '{ print $4 }')" "127.0.0.1:$3"
stop "$alg" TERM
finish
