#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Configuration through the real binaries: embedded defaults, a file, flags over the file, and the
# exact message and exit status 2 for each kind of bad input.
. "$top_srcdir/tests/integration/lib.sh"

json_get() { # json_get KEY-PATH < JSON  (tiny: our pretty printer puts one key per line)
	grep -E "\"$1\": " | head -n1 | sed -E 's/.*: ("?)([^",]*)("?),?$/\2/'
}

out=$("$AGW" --print-config)
expect_eq "agw default h248.port" "$(printf '%s\n' "$out" | json_get port)" 2944
expect_eq "agw default h248.address" "$(printf '%s\n' "$out" | json_get address)" 127.0.0.1
expect_eq "agw default log.level" "$(printf '%s\n' "$out" | json_get level)" notice

out=$("$ALG" --print-config)
expect_match "alg defaults: both sides" "$(printf '%s' "$out" | tr -d ' \n')" \
	'"access":\{"address":"127.0.0.1","port":5060,"transport":"both","advertise":""\},"core":\{"address":"127.0.0.1","port":5070,"transport":"both","advertise":"","next_hop":""\},"registrar":true,"expires":3600,"registered_only":true,"max_calls":32,"udp_receive_buffer":4194304,"tcp_idle":600000,"tls":\{"certificate":"","key":""\},"min_expires":0,"mediasec":\["msrp-tls","bfcp-tls","udptl-dtls"\]\},"h248":\{"address":"127.0.0.1","port":2945'

cat >"$WORK/agw.json" <<'JSON'
{ "h248": { "port": 3944, "address": "::1" }, "log": { "level": "debug" } }
JSON
out=$("$AGW" -c "$WORK/agw.json" --print-config)
expect_eq "file sets h248.port" "$(printf '%s\n' "$out" | json_get port)" 3944
expect_eq "file sets h248.address" "$(printf '%s\n' "$out" | json_get address)" ::1
out=$("$AGW" --h248-port 4944 -c "$WORK/agw.json" --print-config)
expect_eq "flag overrides file" "$(printf '%s\n' "$out" | json_get port)" 4944
expect_eq "file value kept where no flag" "$(printf '%s\n' "$out" | json_get level)" debug

# bad input: exact message on stderr, exit status 2, nothing on stdout
bad() { # bad NAME EXPECTED-STDERR ARGS...
	name=$1 want=$2; shift 2
	err=$("$AGW" "$@" 2>&1 >/dev/null); status=$?
	expect_eq "$name: status" "$status" 2
	expect_eq "$name: message" "$err" "$want"
}
printf '{ "h248": { "prot": 2944 } }' >"$WORK/unknown.json"
bad "unknown key" "ims-agw: $WORK/unknown.json: h248.prot: expected a known key, found an unknown one (did you mean h248.port?)" -c "$WORK/unknown.json"
printf '{ "h248": { "port": "2944" } }' >"$WORK/type.json"
bad "wrong type" "ims-agw: $WORK/type.json: h248.port: expected an integer from 1 to 65535, found the string \"2944\"" -c "$WORK/type.json"
printf '{ "h248": { "port": 0 } }' >"$WORK/range.json"
bad "out of range" "ims-agw: $WORK/range.json: h248.port: expected an integer from 1 to 65535, found 0" -c "$WORK/range.json"
bad "unreadable file" "ims-agw: $WORK/missing.json: cannot read: No such file or directory" -c "$WORK/missing.json"
printf '{ "h248": { "port": 2944 }\n' >"$WORK/malformed.json"
bad "malformed JSON" "ims-agw: $WORK/malformed.json:2:1: malformed JSON: unexpected end of data" -c "$WORK/malformed.json"
bad "flag out of range" "ims-agw: command line: --h248-port: expected an integer from 1 to 65535, found 65536" --h248-port 65536
err=$("$ALG" --sip-core-transport sctp 2>&1 >/dev/null); status=$?
expect_eq "alg bad enum: status" "$status" 2
expect_eq "alg bad enum: message" "$err" \
	'ims-alg: command line: --sip-core-transport: expected one of both, udp, tcp, tls, found "sctp"'
# the MRFC's pre-shared key: checked at start, from a file, and never written back
printf 'kms:not-hex-secret-0123456789\n' >"$WORK/psk"
chmod 644 "$WORK/psk"
expect_match "alg key file others may read: warned" "$("$ALG" --profile mp --mrfc-psk-file "$WORK/psk" 2>&1)" \
	"WARN main mrfc.psk_file $WORK/psk can be read by others than its owner \\(mode 644\\)"
chmod 600 "$WORK/psk"
err=$("$ALG" --profile mp --mrfc-psk-file "$WORK/psk" 2>&1 >/dev/null); status=$?
expect_eq "alg malformed key file: status" "$status" 2
expect_eq "alg malformed key file: message, without the key" "$err" \
	"ims-alg: $WORK/psk: expected \"identity:hexkey\" or the key alone, the key 16 to 64 octets in hex (the value is not shown)"
err=$("$ALG" --mrfc-psk kms:00112233445566778899aabbccddeeff --mrfc-psk-file "$WORK/psk" 2>&1 >/dev/null)
expect_eq "alg key given twice" "$err" "ims-alg: mrfc.psk and mrfc.psk_file: give one of them, not both"
for key in sip.mediasec policy.force_e2ae_media; do
	err=$("$ALG" "--$(echo "$key" | tr '._' '--')=msrp-tls,msrp-dtls" 2>&1 >/dev/null); status=$?
	expect_eq "alg $key: an unknown mechanism refused, status 2" "$status: $err" \
		"2: ims-alg: $key: unknown mechanism \"msrp-dtls\" (known: msrp-tls, bfcp-tls, udptl-dtls)"
done

# every key a binary knows is documented in the configuration reference and its man page
for bin in "$AGW" "$ALG"; do
	name=$(basename "$bin")
	for key in $("$bin" --help | grep -oE '^ .*  [a-z0-9_]+(\.[a-z0-9_]+)+: ' | grep -oE '[a-z0-9_]+(\.[a-z0-9_]+)+: $' | tr -d ': '); do
		grep -q "\`$key\`" "$top_srcdir/doc/configuration.md" || not_ok "$name: $key missing from doc/configuration.md"
		grep -qF "$key" "$top_srcdir/doc/$name.8" || not_ok "$name: $key missing from doc/$name.8"
		documented=$((${documented:-0} + 1))
	done
done
expect_eq "keys documented (66 of ims-agw, 78 of ims-alg)" "$documented" 144

finish
