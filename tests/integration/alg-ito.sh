#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-alg sets H.248.14's inactivity timer on the gateways that offer it (issue 20): after each
# registration it audits ROOT's Packages and, when it-1 is among them (the Iq profile's optional package,
# TS 29.334 §5.14), sets ROOT's Events to it/ito with h248.inactivity as mit, under the registration's
# number as RequestID. Frozen (SIGSTOP), ims-alg no longer audits: the gateway notifies it/ito after mit,
# gets no answer, takes the MGC for lost within T-MAX and registers again with Disconnected; resumed
# (SIGCONT), ims-alg takes the registration and sets the timer anew (RequestID 2). A gateway under the Ix
# profile does not offer it: no Modify of ROOT. Asserted: ims-alg's two requests byte for byte from its
# trace, the gateway's Notify byte for byte from its, the timings and the log lines. On the code before,
# ims-alg sent neither request and the gateway never notified: the checks fail.
. "$top_srcdir/tests/integration/lib.sh"

set -- $("$FREEPORT" 4)
mg=$1 mgc=$2 sipa=$3 sipc=$4
start agw "$WORK/agw.log" "$AGW" --h248-port "$mg" --mgc-port "$mgc" --log-level info \
	--mgc-silence-timeout 0 --mgc-timeout 2000 --trace-file "$WORK/agw.jsonl"
agw=$last_pid
start alg "$WORK/alg.log" "$ALG" --h248-port "$mgc" --h248-gateways "127.0.0.1:$mg" --sip-access-port "$sipa" \
	--sip-core-port "$sipc" --h248-inactivity 2000 --log-level info --trace-file "$WORK/alg.jsonl"
alg=$last_pid
wait_log "$WORK/agw.log" "the MGC asks for it/ito \(RequestID 1\) after 2000 ms" 10 >/dev/null
ok_set=$?
expect_eq "the gateway takes it/ito from ims-alg, RequestID 1, 2 s" "$ok_set" 0

requests() { # [LAST]: the (last) requests ims-alg sent about ROOT, transaction ids aside
	python3 - "$WORK/alg.jsonl" "${1:-0}" <<'EOF2'
import json, re, sys
out = []
for line in open(sys.argv[1]):
    j = json.loads(line)
    raw = j.get("raw", "")
    if j["kind"] == "h248.tx" and "ROOT" in raw and ("Packages" in raw or "Modify" in raw):
        out.append(re.sub(r"Transaction = [0-9]+", "Transaction = N", re.sub(r"\[127\.0\.0\.1\]:[0-9]+", "[MGC]", raw)))
print("\n".join(out[-int(sys.argv[2]):]))
EOF2
}
want_audit=$(printf '%s\n' 'MEGACO/3 [MGC]' 'Transaction = N {' '  Context = - {' '    AuditValue = ROOT {' \
	'      Audit {' '        Packages' '      }' '    }' '  }' '}')
want_modify() {
	printf '%s\n' 'MEGACO/3 [MGC]' 'Transaction = N {' '  Context = - {' '    Modify = ROOT {' \
		"      Events = $1 {" '        it/ito {' '          mit = 200' '        }' '      }' '    }' '  }' '}'
}
expect_eq "ims-alg's requests: ROOT's Packages audited, then it/ito set" "$(requests)" \
	"$(printf '%s\n\n%s\n' "$want_audit" "$(want_modify 1)")"

kill -STOP "$alg"
frozen=$(date +%s%N)
wait_log "$WORK/agw.log" "contact with the MGC lost" 15 >/dev/null
lost=$(date +%s%N)
kill -CONT "$alg"
expect_match "frozen ims-alg lost after mit (2 s) and T-MAX (2 s)" "$(((lost - frozen) / 1000000))" \
	'^(3|4|5)[0-9]{3}$'
expect_match "the loss logged with its reason" "$(cat "$WORK/agw.log")" \
	"contact with the MGC lost \(the MGC was silent and did not answer our Notify ROOT \{it/ito\}"
notify=$(python3 - "$WORK/agw.jsonl" <<'EOF2'
import json, re, sys
for line in open(sys.argv[1]):
    j = json.loads(line)
    if j["kind"] == "h248.tx" and "Notify = ROOT" in j.get("raw", ""):
        raw = re.sub(r"Transaction = [0-9]+", "Transaction = N", re.sub(r"\[127\.0\.0\.1\]:[0-9]+", "[MG]", j["raw"]))
        print(re.sub(r"[0-9]{8}T[0-9]{8} :", "<stamp> :", raw))
        break
EOF2
)
expect_eq "the gateway's Notify under ims-alg's RequestID 1" "$notify" "$(printf '%s\n' 'MEGACO/3 [MG]' \
	'Transaction = N {' '  Context = - {' '    Notify = ROOT {' '      ObservedEvents = 1 {' \
	'        <stamp> : it/ito {' '          mit = 200' '        }' '      }' '    }' '  }' '}')"
wait_log "$WORK/agw.log" "the MGC asks for it/ito \(RequestID 2\) after 2000 ms" 15 >/dev/null
expect_eq "registered again, and it/ito set anew under RequestID 2" "$?" 0
expect_match "ims-alg took the registration with Disconnected" "$(cat "$WORK/alg.log")" \
	"MG \[127\.0\.0\.1\]:$mg registered \(Disconnected\)"
expect_eq "ims-alg's requests after the new registration" "$(requests 2)" \
	"$(printf '%s\n\n%s\n' "$want_audit" "$(want_modify 2)")"
stop "$alg" TERM
expect_eq "ims-alg exits 0" "$stopped" 0
stop "$agw" TERM
expect_eq "ims-agw exits 0" "$stopped" 0

# Ix: the TrGW's profile does not list the package: audited, not set
set -- $("$FREEPORT" 4)
mg=$1 mgc=$2 sipa=$3 sipc=$4
: >"$WORK/alg.jsonl"
start agw "$WORK/agw-ix.log" "$AGW" --profile ix --h248-port "$mg" --mgc-port "$mgc" --log-level info \
	--mgc-silence-timeout 0
agw=$last_pid
start alg "$WORK/alg-ix.log" "$ALG" --profile ix --h248-port "$mgc" --h248-gateways "127.0.0.1:$mg" \
	--sip-access-port "$sipa" --sip-core-port "$sipc" --h248-inactivity 2000 --log-level info \
	--trace-file "$WORK/alg.jsonl"
alg=$last_pid
wait_log "$WORK/alg-ix.log" "does not offer it/ito" 10 >/dev/null
expect_eq "Ix: ims-alg says the gateway does not offer it/ito" "$?" 0
expect_eq "Ix: ROOT's Packages audited, ROOT not modified" "$(requests)" "$want_audit"
stop "$alg" TERM
stop "$agw" TERM
finish
