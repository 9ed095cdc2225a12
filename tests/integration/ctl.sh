#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-ctl on the daemons' control sockets (ctl.socket), during a real e2ae MSRP call: ims-lab plays seed
# 004's originating flow (UE A's MSRP over TLS to the gateway, plain TCP to the core peer B) and holds the
# call up for a while before UE A hangs up. Meanwhile:
#   - both sockets are mode 0660;
#   - `ims-ctl calls` shows the call: active, e2ae, the gateway and context, its two terminations;
#   - `ims-ctl --agw contexts` shows that context: the access termination TCP/TLS/MSRP with TCP and TLS
#     up and the sha-256 fingerprint of the certificate UE A showed (the one its SDP offered), the core
#     termination TCP/MSRP without TLS, bytes each way on both, what one received the other sent;
#   - `ims-ctl log-level debug` makes ims-alg log at debug from then on;
#   - `ims-ctl drain 30`: a new INVITE from SIPp (software we did not write), on the access side and on
#     the core side, gets 503 Service Unavailable with Retry-After: 30, while the running call goes on
#     and ends normally (UE A's BYE answered 200, the context subtracted: the lab's last step);
#     `status` shows the drain and the calls left, none once the call ended.
# Then a lone ims-agw: a stranger's request (not printable, too long, none at all within 2 s, a ninth
# connection at once) gets an error JSON or is closed, and the daemon answers on; a second daemon does
# not take a live socket, a new one replaces a stale one (its daemon killed); `stop` stops it.
. "$top_srcdir/tests/integration/lib.sh"
LAB="$top_builddir/lab/ims-lab"
CTL="$top_builddir/common/ims-ctl"
for tool in sipp socat python3; do
	command -v "$tool" >/dev/null || { echo "ctl: $tool is not installed: skipped"; exit 77; }
done
A=$WORK/alg.sock G=$WORK/agw.sock

# seed 004's originating MSRP flow, with the control sockets, the call held up before UE A's BYE and a
# moment after it
python3 - "$top_srcdir/scenarios/004-msrp-originating.json" "$WORK/held.json" "$A" "$G" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
s["alg"] = {"ctl.socket": sys.argv[3]}
s["agw"] = {"ctl.socket": sys.argv[4]}
end = [i for i, st in enumerate(s["steps"]) if st["step"] == "end"][0]
s["steps"].insert(end, {"step": "held", "title": "the call stays up: ims-ctl looks at it, drains ims-alg",
                        "do": {"pause": {"ms": 8000}}})
s["steps"].append({"step": "after", "title": "ims-ctl sees no call left", "do": {"pause": {"ms": 3000}}})
json.dump(s, open(sys.argv[2], "w"))
EOF
COLUMNS=200 "$LAB" --color=never --quiet -o "$WORK/lab" "$WORK/held.json" >"$WORK/lab.out" 2>&1 &
lab=$!
pids="$pids $lab"
run=$WORK/lab/held

# ---- while the call is held: what ims-ctl shows, saved (checked after the run: python is slow to
# start here), and the drain ----
for i in $(seq 150); do # up once TLS is and both terminations relayed bytes each way
	ctx=$("$CTL" -s "$G" --json contexts 2>/dev/null)
	case $ctx in *'"tls":"up"'*) case $ctx in *'_received":0'* | *'_sent":0'*) ;; *) break ;; esac ;; esac
	sleep 0.1
done
modes=$(stat -c %a "$A" "$G" | sort -u)
"$CTL" -s "$G" --json status >"$WORK/agw-status.json"
"$CTL" -s "$A" --json calls >"$WORK/calls.json"
calls_status=$?
"$CTL" -s "$G" --json contexts >"$WORK/contexts.json"
field() { grep -o "\"$1\":\"[^\"]*\"" "$2" | head -n 1 | cut -d'"' -f4; } # the first "KEY":"VALUE"
cid=$(field context "$WORK/calls.json") call_id=$(field call_id "$WORK/calls.json")
access=$(field access_termination "$WORK/calls.json") agw_mid=$(field mid "$WORK/agw-status.json")
"$CTL" -s "$G" --json context "$cid" >"$WORK/context.json"
context_status=$?
"$CTL" -s "$G" context "$cid" >"$WORK/context.txt"
"$CTL" -s "$A" call "$call_id" >"$WORK/call.txt"
"$CTL" -s "$A" --json gateways >"$WORK/gateways.json"
"$CTL" -s "$A" --json registrations >"$WORK/registrations.json"
unknown=$("$CTL" -s "$A" call no-such-call 2>&1 >/dev/null)
unknown="$?:$unknown"
debug_before=$(grep -c ' DEBUG ' "$run/alg.log")
level=$("$CTL" -s "$A" log-level debug)
"$CTL" -s "$A" status >/dev/null
debug_after=$(grep -E "ims-alg DEBUG ctl control request \\(pid [0-9]+ uid [0-9]+\\): status$" "$run/alg.log")
loud=$("$CTL" -s "$A" log-level loud 2>&1)
loud="$?:$loud"
adds=$(grep -c '"kind":"h248.tx".*Add = ' "$run/alg.jsonl")
"$CTL" -s "$A" --json drain 30 >"$WORK/drain.json"
drain_status=$?
ports=$(sed -n 's/.*ready: SIP access side 127\.0\.0\.1:\([0-9]*\), core side 127\.0\.0\.1:\([0-9]*\);.*/\1 \2/p' "$run/alg.log")
set -- $ports $("$FREEPORT" 2)
for side in access core; do
	[ "$side" = access ] && port=$1 local=$3 || port=$2 local=$4
	sipp -sf "$top_srcdir/tests/integration/sipp/drained.xml" "127.0.0.1:$port" -i 127.0.0.1 -p "$local" -m 1 \
		-nd -timeout 10 -timeout_error -trace_msg -message_file "$WORK/$side.msg" \
		-trace_err -error_file "$WORK/$side.err" >/dev/null 2>&1
	eval "sipp_$side=\$?"
done
"$CTL" -s "$A" status >"$WORK/draining.txt"
adds_after=$(grep -c '"kind":"h248.tx".*Add = ' "$run/alg.jsonl")
for i in $(seq 150); do # the lab's last steps: UE A's BYE, the context subtracted
	case $("$CTL" -s "$A" --json status 2>/dev/null) in *'"calls":0,'*) break ;; esac
	sleep 0.1
done
"$CTL" -s "$A" --json status >"$WORK/after.json"
"$CTL" -s "$G" --json contexts >"$WORK/after-contexts.json"
wait "$lab"
lab_status=$?

# ---- the checks ----
expect_eq "the lab's flow passed: the call set up, held, UE A's BYE answered 200 while draining, the context subtracted" \
	"$lab_status" 0
[ "$lab_status" = 0 ] || cat "$WORK/lab.out"
expect_eq "control sockets made mode 0660" "$modes" 660
expect_eq "ims-ctl calls, context: exit status 0" "$calls_status $context_status" "0 0"
ue_fp=$(grep '"kind":"sip.rx"' "$run/alg.jsonl" | grep '"summary":"INVITE' | head -n 1 |
	grep -o 'a=fingerprint:sha-256 [0-9A-F:]*' | cut -d: -f2-)
expect_match "UE A's fingerprint, read from its offer" "$ue_fp" '^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$'
expect_eq "the call's Call-ID is UE A's INVITE's" \
	"$(grep -F "Call-ID: $call_id" "$run/alg.jsonl" | grep -c '"kind":"sip.rx".*"summary":"INVITE')" 1
# NAME <tab> ACTUAL <tab> EXPECTED, one a line, from the saved answers
while IFS=$'\t' read -r name actual want; do expect_eq "$name" "$actual" "$want"; done < <(
	python3 - "$WORK" "$access" "$ue_fp" "$agw_mid" <<'EOF'
import json, sys
w, access, ue_fp, agw_mid = sys.argv[1:]
doc = lambda name: json.load(open("%s/%s.json" % (w, name)))
calls, ctx, gws, regs = doc("calls")["calls"], doc("context"), doc("gateways")["gateways"], doc("registrations")["registrations"]
terms = {t["realm"]: t for t in ctx["terminations"]}
a, c = terms.get("access", {}), terms.get("core", {})
def check(name, actual, want): print("%s\t%r\t%r" % (name, actual, want))
check("ims-ctl calls: one call, originating, active", [(x["direction"], x["step"]) for x in calls], [("originating", "active")])
check("ims-ctl calls: its line, e2ae MSRP over TLS, terminations in both realms",
      [(l["media"], l["transport"], l["mode"], l["access_termination"][:3], l["core_termination"][:3]) for l in calls[0]["lines"]],
      [("message", "TCP/TLS/MSRP", "e2ae", "ac/", "co/")])
check("ims-ctl calls: the gateway, the context", (calls[0]["gateway"], calls[0]["context"]), (agw_mid, str(ctx["id"])))
check("ims-ctl --agw contexts: that context alone", [x["id"] for x in doc("contexts")["contexts"]], [ctx["id"]])
check("the context's terminations: the call's two", sorted(t["id"] for t in ctx["terminations"]),
      sorted([calls[0]["lines"][0]["access_termination"], calls[0]["lines"][0]["core_termination"]]))
check("access termination: transport, TCP, TLS, role", (a.get("id"), a.get("transport"), a.get("tcp"), a.get("tls"), a.get("tls_role")),
      (access, "TCP/TLS/MSRP", "up", "up", "client"))
check("access termination: the peer certificate's fingerprint is UE A's", a.get("peer_fingerprint"), ue_fp)
check("access termination: connected to UE A's Remote", a.get("peer") == a.get("remote") != None, True)
check("core termination: transport, TCP, no TLS, no fingerprint", (c.get("transport"), c.get("tcp"), c.get("tls"), c.get("peer_fingerprint")),
      ("TCP/MSRP", "up", "none", None))
check("bytes each way on both terminations", all(t["bytes_received"] > 0 and t["bytes_sent"] > 0 for t in (a, c)), True)
check("what the access termination received the core one sent, and back",
      (a["bytes_received"], a["bytes_sent"]), (c["bytes_sent"], c["bytes_received"]))
check("ims-ctl gateways: the gateway, up, holding the context", [(g["mid"], g["association"], g["contexts"]) for g in gws],
      [(agw_mid, "up", 1)])
check("ims-ctl registrations: UE A with its mechanisms", [(r["aor"], r["mediasec"]) for r in regs],
      [("alice@example.net", "msrp-tls, bfcp-tls")])
d = doc("drain")
check("ims-ctl drain 30: draining, Retry-After, the call left", (d["draining"], d["retry_after"], d["calls"]), (True, 30, 1))
d = doc("after")
check("after UE A's BYE: no call or dialog left, still draining", (d["calls"], d["dialogs"], d["draining"]), (0, 0, True))
check("after UE A's BYE: no context at the gateway", doc("after-contexts"), {"contexts": []})
EOF
)
expect_match "text: the access termination's row" "$(cat "$WORK/context.txt")" \
	"^  $access +access +TCP/TLS/MSRP +127\\.0\\.0\\.1:[0-9]+ .* up +up +client +$ue_fp +[1-9][0-9]* +[1-9][0-9]* +[1-9][0-9]* +[1-9][0-9]*\$"
mid_re=$(printf '%s' "$agw_mid" | sed 's/[].[]/\\&/g')
expect_match "text: the call's row" "$(cat "$WORK/call.txt")" "^  $call_id +originating +active +$mid_re +$cid\$"
expect_eq "ims-ctl call unknown: exit status 1, the daemon's message" "$unknown" "1:ims-ctl: no call with Call-ID no-such-call"
expect_eq "no debug line before log-level debug" "$debug_before" 0
expect_eq "ims-ctl log-level debug" "$level" "level: debug"
expect_match "a debug line after it" "$debug_after" "DEBUG ctl control request"
expect_eq "ims-ctl log-level loud: refused" "$loud" \
	"1:ims-ctl: log-level: expected one of error, warning, notice, info, debug, found \"loud\""
expect_eq "ims-ctl drain: exit status" "$drain_status" 0
for side in access core; do
	eval "st=\$sipp_$side"
	expect_eq "draining: a new INVITE on the $side side gets 503 (SIPp)" "$st" 0
	[ "$st" = 0 ] || cat "$WORK/$side.err"
	expect_eq "draining: the 503 has Retry-After: 30 ($side side)" \
		"$(grep -A20 '^SIP/2.0 503 Service Unavailable' "$WORK/$side.msg" | grep -c $'^Retry-After: 30\r\\?$')" 1
done
expect_eq "draining: no H.248 for the refused INVITEs" "$adds_after" "$adds"
expect_match "ims-ctl status: draining" "$(cat "$WORK/draining.txt")" "^draining: +true$"
expect_match "ims-ctl status: the call left" "$(cat "$WORK/draining.txt")" "^calls: +1$"
expect_match "the BYE's 200 toward UE A" "$(grep '"kind":"sip.tx"' "$run/alg.jsonl" | grep 'CSeq: [0-9]* BYE')" \
	'"summary":"200 OK"'

# ---- a lone ims-agw: strangers, limits, the socket file, stop ----
S=$WORK/lone.sock
set -- $("$FREEPORT" 4)
start agw1 "$WORK/agw1.log" "$AGW" --h248-port "$1" --mgc-port "$2" --ctl-socket "$S" --log-level info
agw1=$last_pid
wait_log "$WORK/agw1.log" "control socket on $S" >/dev/null
ask() { printf "$1" | socat -t 5 - "UNIX-CONNECT:$S"; } # ask FORMAT: printf's output, the answer
expect_eq "a request not printable: error JSON" "$(ask 'sta\x01tus\n')" \
	'{"error":"a request is one line of printable ASCII: COMMAND [ARGUMENT...] (help lists them)"}'
expect_eq "a request with a NUL byte: error JSON" "$(ask 'status\x00\n')" \
	'{"error":"a request is one line of printable ASCII: COMMAND [ARGUMENT...] (help lists them)"}'
expect_eq "a request of 1025 bytes: error JSON" "$(ask "$(printf 'a%.0s' $(seq 1025))\\n")" \
	'{"error":"a request is at most 1024 bytes, newline included"}'
expect_eq "an empty request: error JSON" "$(ask '\n')" \
	'{"error":"an empty request: send COMMAND [ARGUMENT...] (help lists them)"}'
expect_eq "an unknown command: error JSON" "$(ask 'calls\n')" '{"error":"unknown command \"calls\" (help lists them)"}'
expect_eq "too many arguments: error JSON" "$(ask 'context 1 2\n')" '{"error":"context takes ID"}'
expect_eq "a line without newline, then the client's end: answered" "$(ask 'log-level')" '{"level":"info"}'
out=$(python3 - "$S" <<'EOF'
import socket, sys, time
idle = []
for i in range(8):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); idle.append(s)
time.sleep(0.3)
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(5)
print(s.recv(4096).decode().strip())
t = time.time()
for s in idle:
    s.settimeout(5)
    assert s.recv(100) == b"", "answered"
gone = time.time() - t + 0.3
print("closed after about 2 s" if 1.8 <= gone <= 4 else "closed after %.1f s" % gone)
EOF
)
expect_eq "a ninth connection at once: busy; eight silent ones closed after 2 s" "$out" \
	'{"error":"busy: at most 8 control connections at once"}
closed after about 2 s'
expect_match "the daemon answers on" "$("$CTL" -s "$S" --json status)" '"contexts":0,' 
err=$("$CTL" -s "$S" 2>&1); status=$?
expect_eq "ims-ctl without a command: usage, exit 2" "$status" 2
err=$("$CTL" -s "$WORK/none.sock" status 2>&1); status=$?
expect_eq "ims-ctl without a daemon: exit 2" "$status:$err" \
	"2:ims-ctl: cannot connect to $WORK/none.sock: No such file or directory (is the daemon running, with ctl.socket set?)"

# a live socket is not taken; a stale one is replaced
"$AGW" --h248-port "$3" --mgc-port "$2" --ctl-socket "$S" 2>"$WORK/agw2.log" >/dev/null
expect_eq "a second daemon on a live socket: exit status" "$?" 1
expect_match "a second daemon on a live socket: why" "$(cat "$WORK/agw2.log")" \
	"ERROR main ctl.socket $S: another process listens on it \\(a daemon running already\\?\\)"
stop "$agw1" KILL
start agw3 "$WORK/agw3.log" "$AGW" --h248-port "$4" --mgc-port "$2" --ctl-socket "$S" --log-level info
agw3=$last_pid
wait_log "$WORK/agw3.log" "control socket on $S" >/dev/null
expect_match "a stale socket replaced" "$(cat "$WORK/agw3.log")" "ctl.socket $S: a stale socket file \\(nobody listened\\) replaced"
expect_eq "ims-ctl stop: answered" "$("$CTL" -s "$S" stop)" "stopping: true"
wait "$agw3"
expect_eq "ims-ctl stop: the daemon exits 0" "$?" 0
expect_eq "ims-ctl stop: the socket file removed" "$(ls "$S" 2>/dev/null)" ""
expect_match "ims-ctl stop: logged" "$(cat "$WORK/agw3.log")" "NOTICE main asked to stop on the control socket, shutting down"

finish
