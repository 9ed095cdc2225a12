#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ims-alg's registrar and option-tag edge cases (RFC 3261 §10.3, §8.2.2.3, §16.3, §16.5) proved with SIPp
# as the UEs, an outside SIP stack, and the real ims-agw registered as the ALG's gateway. ims-alg runs as a
# lab's registrar without a core (no next hop: the access side's new requests go to its own core side),
# sip.expires 3600 and sip.min_expires 60. Each scenario in tests/integration/sipp asserts the exact
# responses; this script also asserts that the refused INVITEs sent nothing to the gateway. A second
# ims-alg forwards REGISTER to a SIPp core registrar (sip.registrar false) and must drop the bindings it
# recorded when the core's 200 answers Contact: *.
. "$top_srcdir/tests/integration/lib.sh"
command -v sipp >/dev/null || { echo "SKIP: sipp is not installed"; exit 77; }
SC="$top_srcdir/tests/integration/sipp"
set -- $("$FREEPORT" 5)
H248=$1 SIPA=$2 SIPC=$3 AGWP=$4 BOB=$5
TRACE="$WORK/alg.jsonl"

# These scenarios are about what the registrar answers for an AOR (RFC 3261 §10.3), whoever calls it;
# which callers the P-CSCF serves at all (sip.registered_only) is alg-sipp.sh's.
start alg "$WORK/alg.log" "$ALG" --sip-access-port "$SIPA" --sip-core-port "$SIPC" --h248-port "$H248" \
	--h248-audit 0 --sip-min-expires 60 --trace-file "$TRACE" --log-level info --no-sip-registered-only
alg=$last_pid
start agw "$WORK/agw.log" "$AGW" --h248-port "$AGWP" --mgc-port "$H248" --log-level info
agw=$last_pid
if wait_log "$TRACE" '"h248.rx".*ServiceChange' 10; then ok "the gateway registered with ims-alg"
else not_ok "the gateway registered with ims-alg"; fi
expect_match "the trace counts what ims-alg sent the gateway (its ServiceChange reply)" \
	"$(grep -c '"kind":"h248.tx"' "$TRACE")" '^[1-9]'

# uac NAME SCENARIO [PORT]: one SIPp call toward the access side; passes when SIPp counts it successful
uac() {
	timeout 60 sipp "127.0.0.1:$SIPA" -sf "$SC/$2" -i 127.0.0.1 -p "${3:-$("$FREEPORT" 1)}" -m 1 -nostdin \
		-timeout 20s -timeout_error -trace_err -error_file "$WORK/$1.err" >"$WORK/$1.out" 2>&1
	local status=$?
	if [ "$status" = 0 ]; then ok "$1"; else
		not_ok "$1" "sipp exited $status" "$(head -c 600 "$WORK/$1.err" 2>/dev/null)"
	fi
}

# h248_since MARK: the H.248 messages ims-alg sent after byte MARK of its trace
h248_since() { tail -c +$(($1 + 1)) "$TRACE" | grep -c '"kind":"h248.tx"'; }
mark() { stat -c %s "$TRACE"; }

uac "REGISTER asking 7200 s is told 3600 (Contact expires, Expires); 30 s gets 423 Min-Expires: 60" \
	register-granted.xml

m=$(mark)
uac "Contact: * refused unless alone with Expires: 0; then every binding goes; INVITE to the AOR: 480" \
	register-star.xml
uac "INVITE to an AOR never registered, Request-URI naming ims-alg: 404 at once" invite-unknown.xml
expect_eq "the 480 and the 404 sent nothing to the gateway" "$(h248_since "$m")" 0
expect_eq "the 404 was answered once, not looped to 483" "$(grep -c '"summary":"404 ' "$TRACE")" 1
expect_eq "no 483 anywhere" "$(grep -c '"summary":"483 ' "$TRACE")" 0

m=$(mark)
uac "Require: unknown tag to the registrar and to OPTIONS, Proxy-Require in an INVITE: 420 Unsupported" \
	require.xml
expect_eq "the 420 to the INVITE sent nothing to the gateway" "$(h248_since "$m")" 0

uac "UE B registers" bob-register.xml "$BOB"
timeout 60 sipp -sf "$SC/bob-uas.xml" -i 127.0.0.1 -p "$BOB" -m 1 -nostdin -timeout 20s -timeout_error \
	-trace_err -error_file "$WORK/bob.err" >"$WORK/bob.out" 2>&1 &
bob=$!
sleep 0.3
uac "Require in a proxied INVITE reaches UE B, whose own 420 comes back" require-proxied.xml
wait "$bob"; status=$?
expect_eq "UE B received the INVITE with its Require and answered it" "$status" 0

stop "$alg" TERM
expect_eq "ims-alg exits 0" "$stopped" 0
stop "$agw" TERM

# sip.registrar false: the bindings ims-alg records from the core registrar's 200s follow Contact: *
set -- $("$FREEPORT" 4)
SIPA=$1 SIPC=$2 CORE=$3 H248=$4
start alg "$WORK/alg-fwd.log" "$ALG" --sip-access-port "$SIPA" --sip-core-port "$SIPC" --h248-port "$H248" \
	--no-sip-registrar --sip-core-next-hop "sip:127.0.0.1:$CORE" --log-level info
alg=$last_pid
wait_log "$WORK/alg-fwd.log" "ready:" >/dev/null
timeout 60 sipp -sf "$SC/core-registrar.xml" -i 127.0.0.1 -p "$CORE" -key access "127.0.0.1:$SIPA" -m 1 -nostdin \
	-timeout 20s -timeout_error -trace_err -error_file "$WORK/core.err" >"$WORK/core.out" 2>&1 &
core=$!
sleep 0.3
uac "forwarded REGISTER, then Contact: * with Expires: 0, both answered by the core" forwarded-ue.xml
wait "$core"; status=$?
expect_eq "the core's INVITE to the removed AOR got 480 from ims-alg" "$status" 0
[ "$status" = 0 ] || head -c 600 "$WORK/core.err"
stop "$alg" TERM
expect_eq "ims-alg (forwarding REGISTER) exits 0" "$stopped" 0
finish
