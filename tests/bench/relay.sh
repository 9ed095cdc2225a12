#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/relay.sh BUILD-DIR: TLS->TCP relays side by side on this machine, in one run: ims-agw
# (provisioned over H.248), HAProxy and stunnel (Debian packages), each relay pinned to CPU 0 and the
# client and sink to CPU 1, each asking for and checking the client's certificate, with the same
# gateway certificate (tests/data). Prints bulk throughput, handshakes per second, resident memory per
# idle session at BENCH_SESSIONS sessions (default 10,000, fewer when the open-file limit cannot hold
# two sockets per session at the relay), and ims-agw's H.248 Add/Add/Modify/Subtract cycles per
# second; then the ratios to the better peer. Then the datagram legs: UDPTL packets per second through
# ims-agw's DTLS->UDP leg pair (T.38 e2ae) and its UDP->UDP pair, next to socat relaying UDP.
set -u
build=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
n=${BENCH_SESSIONS:-10000}
files=$(ulimit -Hn)
if [ "$files" != unlimited ] && [ $((2 * n + 200)) -gt "$files" ]; then
	n=$(((files - 200) / 2 / 1000 * 1000))
	echo "(open files are capped at $files here: $n sessions, not ${BENCH_SESSIONS:-10000})"
fi
work=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; rm -rf "$work"' EXIT
bench="$build/tests/bench/relay_bench"
free() { "$build/tests/util/freeport" 1; }

certtool --generate-privkey --key-type ecdsa --curve secp256r1 --outfile "$work/ue-key.pem" 2>/dev/null
printf 'cn = "bench UE"\nserial = 2\nexpiration_days = 3650\nsigning_key\nencryption_key\ntls_www_client\n' >"$work/ue.tmpl"
certtool --generate-self-signed --load-privkey "$work/ue-key.pem" --template "$work/ue.tmpl" \
	--outfile "$work/ue-cert.pem" 2>/dev/null
cat "$src/tests/data/agw-cert.pem" "$src/tests/data/agw-key.pem" >"$work/gw.pem"

run_client() { taskset -c 1 "$bench" "$@"; }

# ims-agw: the rig inside relay_bench starts it; pin it like the others
export RIG_TASKSET=0
top_builddir="$build" run_client agw "$work/ue-cert.pem" "$work/ue-key.pem" "$n" >"$work/agw" || echo "ims-agw: failed"

if command -v haproxy >/dev/null; then
	tls=$(free) sink=$(free)
	cat >"$work/haproxy.cfg" <<CFG
global
  maxconn $((n + 50))
  nbthread 1
defaults
  mode tcp
  timeout connect 10s
  timeout client 120s
  timeout server 120s
frontend tls
  bind 127.0.0.1:$tls ssl crt $work/gw.pem ca-file $work/ue-cert.pem verify required ssl-min-ver TLSv1.2
  default_backend sink
backend sink
  server s 127.0.0.1:$sink
CFG
	taskset -c 0 haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 & hp=$!; pids="$pids $hp"
	sleep 0.5
	run_client ext HAProxy "$hp" "$tls" "$sink" "$work/ue-cert.pem" "$work/ue-key.pem" "$n" >"$work/haproxy" || echo "HAProxy: failed"
	kill $hp 2>/dev/null; wait $hp 2>/dev/null
else
	echo "(haproxy not installed)"
fi

if command -v stunnel >/dev/null; then
	tls=$(free) sink=$(free)
	cat >"$work/stunnel.conf" <<CFG
foreground = yes
pid =
[tls]
accept = 127.0.0.1:$tls
connect = 127.0.0.1:$sink
cert = $src/tests/data/agw-cert.pem
key = $src/tests/data/agw-key.pem
CAfile = $work/ue-cert.pem
verifyPeer = yes
CFG
	taskset -c 0 stunnel "$work/stunnel.conf" >"$work/stunnel.log" 2>&1 & sp=$!; pids="$pids $sp"
	sleep 0.5
	run_client ext stunnel "$sp" "$tls" "$sink" "$work/ue-cert.pem" "$work/ue-key.pem" "$n" >"$work/stunnel" || echo "stunnel: failed"
	kill $sp 2>/dev/null; wait $sp 2>/dev/null
else
	echo "(stunnel not installed)"
fi

echo "TLS->TCP relays, one core each; client and sink on the other core; $n idle sessions for memory"
printf '%-10s %12s %14s %16s %16s\n' relay "Gbit/s" "handshakes/s" "KiB/idle session" "H.248 cycles/s"
cat "$work/agw" "$work/haproxy" "$work/stunnel" 2>/dev/null |
	awk '{ printf "%-10s %12s %14s %16s %16s\n", $1, $2, $3, $4, ($5 == "" ? "-" : $5) }'
cat "$work/agw" "$work/haproxy" "$work/stunnel" 2>/dev/null | awk '
	$1 == "ims-agw" { g = $2; h = $3; m = $4; next }
	{ if ($2 > bg) bg = $2; if ($3 > bh) bh = $3; if (bm == "" || $4 < bm) bm = $4 }
	END { if (bg) printf "ratios to the better peer: throughput %.2f, handshakes %.2f, memory per session %.2f (goals: >= 1, >= 1, <= 0.5)\n", g / bg, h / bh, m / bm }'

# Datagrams: T.38's UDPTL through the DTLS leg pair, the plain UDP pair, and socat's UDP relay
p=${BENCH_PACKETS:-200000}
dgram="$build/tests/bench/dgram_bench"
top_builddir="$build" taskset -c 1 "$dgram" agw "$work/ue-cert.pem" "$work/ue-key.pem" "$p" >"$work/dgram" ||
	echo "ims-agw datagrams: failed"
if command -v socat >/dev/null; then
	in=$(free) sink=$(free)
	taskset -c 0 socat -u UDP4-RECV:"$in",bind=127.0.0.1,rcvbuf=1048576 UDP4-SENDTO:127.0.0.1:"$sink" & so=$!
	pids="$pids $so"
	sleep 0.3
	taskset -c 1 "$dgram" ext socat "$in" "$sink" "$p" >>"$work/dgram" || echo "socat: failed"
	kill $so 2>/dev/null; wait $so 2>/dev/null
else
	echo "(socat not installed)"
fi
echo "UDPTL datagram relays (6-byte T.38 packets, 64 on the way at once, every one in order): packets/s"
awk '{ printf "%-14s %12s\n", $1, $2 }' "$work/dgram"
awk '$1 == "ims-agw-dtls" { d = $2 } $1 == "ims-agw-udp" { u = $2 } $1 == "socat" { s = $2 }
	END { if (s) printf "ratios to socat (plain UDP): ims-agw DTLS->UDP %.2f, ims-agw UDP->UDP %.2f\n", d / s, u / s }' "$work/dgram"
