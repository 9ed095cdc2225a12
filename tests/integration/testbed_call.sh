# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by tests that need one testbed call with outside parties (after lib.sh): testbed_call NAME
# REALM-BASE [AGW-ARG...] starts ims-alg (traced to $WORK/alg.jsonl) and ims-agw (its access realm's ports
# REALM-BASE..+9, its core's +10..+19, plus AGW-ARGs), then plays a call through them: a SIPp UE that
# registers and offers e2ae MSRP, its TLS end openssl s_server with the certificate its a=fingerprint
# names, a SIPp core answering plain MSRP, and socat connecting to the gateway's core leg for it (seed 004
# step 10). Sets the ports ($access $core $h248 $agw_h248 $ue $peer $uport), $ue_status and $core_status
# (SIPp's exit statuses, checked here too). Skips (77) without python3, sipp, socat or openssl.
testbed_call() {
	local name=$1 base=$2 tool
	shift 2
	for tool in python3 sipp socat openssl; do
		command -v "$tool" >/dev/null || { echo "$name: $tool is not installed: skipped"; exit 77; }
	done
	S="$top_srcdir/tests/integration/sipp"
	CERT="$top_srcdir/tests/data/agw-cert.pem" KEY="$top_srcdir/tests/data/agw-key.pem"
	local args=("$@")
	set -- $("$FREEPORT" 7)
	access=$1 core=$2 h248=$3 agw_h248=$4 ue=$5 peer=$6 uport=$7
	start alg "$WORK/alg.log" "$ALG" --sip-access-port "$access" --sip-core-port "$core" \
		--sip-core-next-hop "sip:127.0.0.1:$peer" --h248-port "$h248" --trace-file "$WORK/alg.jsonl" \
		--log-level info
	start agw "$WORK/agw.log" "$AGW" --h248-port "$agw_h248" --mgc-port "$h248" "${args[@]}" \
		--realm-access-ports "$base-$((base + 9))" --realm-core-ports "$((base + 10))-$((base + 19))" \
		--log-level info --no-leg-source-filter --tls-certificate "$CERT" --tls-key "$KEY"
	wait_log "$WORK/alg.log" "gateway .* registered" >/dev/null || exit 1
	local fp port ue_pid core_pid
	fp=$(openssl x509 -in "$CERT" -noout -fingerprint -sha256 | sed 's/.*=//')
	sleep 8 | openssl s_server -quiet -accept "127.0.0.1:$uport" -cert "$CERT" -key "$KEY" >"$WORK/s_server.out" 2>&1 &
	pids="$pids $!"
	sipp -sf "$S/ladder-core.xml" -i 127.0.0.1 -p "$peer" -m 1 -nd -timeout 20 -timeout_error -trace_msg \
		-message_file "$WORK/core.msg" -trace_err -error_file "$WORK/core.err" >/dev/null 2>&1 &
	core_pid=$!
	sleep 0.3
	sipp -sf "$S/ladder-ue.xml" -key uport "$uport" -key fp "$fp" "127.0.0.1:$access" -i 127.0.0.1 -p "$ue" \
		-m 1 -nd -timeout 20 -timeout_error -trace_msg -message_file "$WORK/ue.msg" -trace_err \
		-error_file "$WORK/ue.err" >/dev/null 2>&1 &
	ue_pid=$!
	wait_log "$WORK/core.msg" "^m=message [0-9]+ TCP/MSRP" >/dev/null
	port=$(sed -n 's/^m=message \([0-9]*\) TCP\/MSRP.*/\1/p' "$WORK/core.msg" | head -n 1)
	sleep 5 | socat -u - "TCP:127.0.0.1:$port" >/dev/null 2>&1 &
	wait "$ue_pid"; ue_status=$?
	wait "$core_pid"; core_status=$?
	expect_eq "the UE's call (REGISTER, INVITE, 200, ACK, BYE)" "$ue_status" 0
	expect_eq "the core's call" "$core_status" 0
	[ "$ue_status$core_status" = 00 ] || cat "$WORK/ue.err" "$WORK/core.err"
}
