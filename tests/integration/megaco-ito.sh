#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# H.248.14's inactivity timer on ims-agw, set by Erlang/OTP megaco as the MGC (tests/integration/
# megaco_ito.escript; issue 20): the gateway lists it-1 in ROOT's Packages (an optional package of the Iq
# profile, TS 29.334 §5.14), takes Events = 7 { it/ito { mit = 100 } } on ROOT and returns it on audit,
# refuses an mit under 1 s with 449, and after 1 s without a message from the MGC notifies it/ito under
# the MGC's RequestID 7. Then megaco is frozen (SIGSTOP): the next Notify goes unanswered, the gateway
# takes the MGC for lost within T-MAX (mgc.timeout, 2 s here) and registers again with Method =
# Disconnected, which megaco answers once resumed (SIGCONT); ROOT's Events are then as provisioned (here:
# none). Asserted: every reply as megaco decoded and re-encoded it, the Notify as megaco decoded it and its
# timing, and the gateway's Notify text byte for byte from its trace. On the code before, ROOT took no
# Events (445) and the Notify came only after mgc.silence_timeout under RequestID 0: megaco exits 3.
# Skipped (exit 77) without erl or megaco.
. "$top_srcdir/tests/integration/lib.sh"
need_megaco

set -- $("$FREEPORT" 2)
agwp=$1 mgcp=$2
megaco_mgc megaco_ito.escript "$mgcp" || { not_ok "megaco started" "$(cat "$WORK/mgc.err")"; finish; exit; }
start agw "$WORK/agw.log" "$AGW" --h248-port "$agwp" --mgc-port "$mgcp" --h248-mid "[127.0.0.1]:2944" \
	--log-level info --mgc-silence-timeout 0 --mgc-timeout 2000 --trace-file "$WORK/agw.jsonl"
agw=$last_pid
if wait_log "$WORK/mgc.out" "^--- freeze me" 20 >/dev/null; then
	kill -STOP "$mgc"
	frozen=$(date +%s%N)
	wait_log "$WORK/agw.log" "contact with the MGC lost" 10 >/dev/null
	lost=$(date +%s%N)
	sleep 0.5
	kill -CONT "$mgc"
	expect_match "lost within a second, T-MAX (2 s) and a tick of the MGC's freeze" \
		"$(((lost - frozen) / 1000000))" '^(1|2|3)[0-9]{3}$'
else
	not_ok "megaco got its Notify" "$(tail -5 "$WORK/mgc.out")" "$(tail -5 "$WORK/agw.log")"
fi
i=0
while kill -0 "$mgc" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 "$mgc" 2>/dev/null
wait "$mgc"
expect_eq "megaco ran every request" "$?" 0

sed '0,/^listening$/d' "$WORK/mgc.out" >"$WORK/got"
cat >"$WORK/want" <<'EOF2'
--- registration
ServiceChange = root Method = restart, Version = 3, Profile = mediasec-iq/1, Reason = "901 Cold Boot"
--- audit ROOT's packages
!/3 [127.0.0.1]:2944
P=1{C=-{AV=root{PG{root-2,tcpbcc-1,tlsbsc-1,ipdc-1,gm-2,ipnapt-1,hangterm-1,nt-1,tcptv-1,ds-1,tman-1,tmanr-1,rtcph-1,it-1}}}}
--- set it/ito, mit = 1 s
!/3 [127.0.0.1]:2944
P=1{C=-{MF=root}}
--- audit ROOT's events
!/3 [127.0.0.1]:2944
P=1{C=-{AV=root{E=7{it/ito{mit=100}}}}}
--- an mit under 1 s
!/3 [127.0.0.1]:2944
P=1{C=-{MF=root{ER=449{"mit = 5: expected 10 ms units from 100 to 8640000"}}}}
--- notify
Notify = root 7: it/ito { mit = 100 }
after 1 s
--- freeze me
--- registration
ServiceChange = root Method = disconnected, Version = 3, Profile = mediasec-iq/1, Reason = "900 Service Restored"
--- audit ROOT's events again
!/3 [127.0.0.1]:2944
P=1{C=-{AV=root}}
--- end
EOF2
if diff -u "$WORK/want" "$WORK/got" >"$WORK/diff"; then
	ok "replies and the Notify as megaco decoded them"
else
	not_ok "replies and the Notify as megaco decoded them" "$(cat "$WORK/diff")" "$(tail -5 "$WORK/agw.log")"
fi
stop "$agw" TERM
expect_eq "agw exits 0" "$stopped" 0

# the gateway's first Notify as it sent it, the time stamp and transaction id aside
notify=$(python3 - "$WORK/agw.jsonl" <<'EOF2'
import json, re, sys
for line in open(sys.argv[1]):
    j = json.loads(line)
    if j["kind"] == "h248.tx" and "Notify" in j.get("raw", ""):
        raw = re.sub(r"Transaction = [0-9]+", "Transaction = N", j["raw"])
        print(re.sub(r"[0-9]{8}T[0-9]{8} :", "<stamp> :", raw))
        break
EOF2
)
expect_eq "the Notify on the wire, under the MGC's RequestID 7" "$notify" "$(printf '%s\n' \
	'MEGACO/3 [127.0.0.1]:2944' 'Transaction = N {' '  Context = - {' '    Notify = ROOT {' \
	'      ObservedEvents = 7 {' '        <stamp> : it/ito {' '          mit = 100' '        }' '      }' \
	'    }' '  }' '}')"
expect_match "the loss logged with its reason" "$(cat "$WORK/agw.log")" \
	"contact with the MGC lost \(the MGC was silent and did not answer our Notify ROOT \{it/ito\}"
finish
