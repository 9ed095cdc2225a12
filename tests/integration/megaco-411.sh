#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-agw whose MGC, Erlang/OTP megaco (tests/integration/megaco_restart.escript), forgets the gateway's
# context as a restarted MGC does (issue 25, item 2): the heartbeat Notify about the context the gateway
# holds is answered with the transaction error 411 "unknown context 1" in megaco's own encoding. ims-agw
# must take it as the association lost and register again with Method = Disconnected (D.1.5, H.248.1
# §11.5), keep the context until the MGC subtracts it, and hold none afterwards. Asserted: the requests'
# replies as megaco decoded them (the registrations with their Method, the audit of context 1 before
# and after Context = * { Subtract = * }), megaco's 411 as ims-agw received it and the ServiceChange it
# sent next, byte for byte from its trace. On the code before, the gateway took the 411 as an answer and
# stayed registered: no second registration came and megaco exits 2. Skipped (exit 77) without erl or
# megaco.
. "$top_srcdir/tests/integration/lib.sh"
need_megaco

set -- $("$FREEPORT" 2)
agwp=$1 mgcp=$2
megaco_mgc megaco_restart.escript "$mgcp" || { not_ok "megaco started" "$(cat "$WORK/mgc.err")"; finish; exit; }
start agw "$WORK/agw.log" "$AGW" --h248-port "$agwp" --mgc-port "$mgcp" --h248-mid "[127.0.0.1]:2944" \
	--realm-access-ports 21000-21009 --realm-core-ports 22000-22009 --log-level info \
	--mgc-silence-timeout 0 --trace-file "$WORK/agw.jsonl"
agw=$last_pid
i=0
while kill -0 "$mgc" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 "$mgc" 2>/dev/null
wait "$mgc"
expect_eq "megaco ran every request" "$?" 0

sed '0,/^listening$/d' "$WORK/mgc.out" >"$WORK/got"
# the port is drawn at random in the realm's range, the duration counts whole seconds
sed -Ei 's/^(m=message )2200[0-9] /\1<port> /; s/nt\/dur=[0-9]+/nt\/dur=<s>/' "$WORK/got"
sed '/^[a-z]=/s/$/\r/' >"$WORK/want" <<'EOF2'
--- registration
ServiceChange = root Method = restart, Version = 3, Profile = mediasec-iq/1, Reason = "901 Cold Boot"
--- add core with a heartbeat every second
!/3 [127.0.0.1]:2944
P=1{C=1{A=co/1{M{ST=1{L{
v=0
c=IN IP4 127.0.0.1
m=message <port> TCP/MSRP *
a=setup:actpass
}}}}}}
--- a Notify about context 1 answered 411
--- registration
ServiceChange = root Method = disconnected, Version = 3, Profile = mediasec-iq/1, Reason = "900 Service Restored"
--- audit context 1 (held until the MGC subtracts it)
!/3 [127.0.0.1]:2944
P=1{C=1{AV=co/1}}
--- subtract every context
!/3 [127.0.0.1]:2944
P=1{C=-,C=1{S=co/1{SA{nt/os=0,nt/or=0,tcptv/ps=0,tcptv/pr=0,nt/dur=<s>}}}}
--- audit context 1 again
!/3 [127.0.0.1]:2944
P=1{C=1{ER=411{"unknown context 1"}}}
--- end
EOF2
if diff -u "$WORK/want" "$WORK/got" >"$WORK/diff"; then
	ok "replies as megaco decoded them: registered again with Disconnected, no context left"
else
	not_ok "replies as megaco decoded them" "$(cat "$WORK/diff")" "$(tail -5 "$WORK/agw.log")"
fi
stop "$agw" TERM
expect_eq "agw exits 0" "$stopped" 0

# megaco's 411 as received, and the very next message the gateway sent: its registration, Disconnected
after=$(python3 - "$WORK/agw.jsonl" <<'EOF2'
import json, re, sys
seen = None
for line in open(sys.argv[1]):
    j = json.loads(line)
    raw = j.get("raw", "")
    if seen is None and j["kind"] == "h248.rx" and "Error = 411" in raw:
        seen = re.sub(r"Reply = [0-9]+", "Reply = N", raw)
        print(seen)
    elif seen is not None and j["kind"] == "h248.tx":
        print(re.sub(r"Transaction = [0-9]+", "Transaction = N", re.sub(r"\n +[0-9]{8}T[0-9]{8}\n", "\n        <stamp>\n", raw)))
        break
EOF2
)
expect_eq "megaco's 411, then the gateway's ServiceChange Disconnected" "$after" "$(printf '%s\n' \
	"MEGACO/3 [127.0.0.1]:$mgcp" 'Reply = N {' '	Error = 411 { "unknown context 1" } ' '}' \
	'MEGACO/3 [127.0.0.1]:2944' 'Transaction = N {' '  Context = - {' '    ServiceChange = ROOT {' \
	'      Services {' '        Method = Disconnected,' '        Reason = "900 Service Restored",' \
	'        Version = 3,' '        Profile = mediasec-Iq/1,' '        <stamp>' '      }' '    }' '  }' '}')"
expect_match "the loss logged with its reason" "$(cat "$WORK/agw.log")" \
	"contact with the MGC lost \(the MGC answered 411 about a context we hold"
finish
