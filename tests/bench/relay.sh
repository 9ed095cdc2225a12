#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/relay.sh BUILD-DIR: TLS->TCP relays side by side on this machine: ims-agw (provisioned over
# H.248), HAProxy, stunnel and nginx stream (Debian packages), and as the floor under them a bare GnuTLS
# server that relays nothing (tests/bench/tls_sink.c: handshakes and memory only), each pinned to CPU 0 and the client
# and sink to CPU 1, each asking for and checking the client's certificate, with the same gateway
# certificate (tests/data, ECDSA P-256), the same suite (TLS 1.3 TLS_AES_128_GCM_SHA256 with X25519: the
# only one the client offers) and the same relay buffer (stunnel's fixed 18 KiB: ims-agw leg.buffer 18,
# HAProxy tune.bufsize 18432, nginx proxy_buffer_size 18k). BENCH_RUNS rounds (default 3) of every relay;
# printed per figure: median and spread (min-max), and ims-agw's ratio to each peer, computed per round
# from that round's figures (median, min-max). Figures: bulk throughput, handshakes per relay
# CPU-second with BENCH_CLIENTS (default 8) clients at once, resident memory per idle session at
# BENCH_SESSIONS sessions (default 10,000, fewer when the open-file limit cannot hold two sockets per
# session at the relay), and ims-agw's H.248 Add/Add/Modify/Subtract cycles per second. Methods:
# tests/bench/README.md. Then the MSRP phase, on a fresh process of every relay: BENCH_MSRP_SESSIONS
# (default 1,000) TLS sessions at once, each carrying BENCH_MSRP_MESSAGES (default 100) MSRP SEND
# requests of 200-1024 body bytes one after the other, each answered by the sink's 200 OK through the
# relay: round trips per relay CPU-second, per second, and latency p50/p99. Then the datagram legs: UDPTL packets per second through ims-agw's DTLS->UDP
# leg pair (T.38 e2ae) and its UDP->UDP pair, next to socat relaying UDP.
set -u
build=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
stats=$(cat "$src/tests/bench/stats.awk") # median, lowhigh, spread
n=${BENCH_SESSIONS:-10000}
m=${BENCH_MSRP_SESSIONS:-1000}
runs=${BENCH_RUNS:-3}
files=$(ulimit -Hn)
if [ "$files" != unlimited ] && [ $((2 * n + 200)) -gt "$files" ]; then
	n=$(((files - 200) / 2 / 1000 * 1000))
	echo "(open files are capped at $files here: $n sessions, not ${BENCH_SESSIONS:-10000})"
fi
cap=$((n > m ? n : m)) # the relays' connection limits hold either phase
work=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; rm -rf "$work"' EXIT
bench="$build/tests/bench/relay_bench"
free() { "$build/tests/util/freeport" 1; }
suite=TLS_AES_128_GCM_SHA256
buffer=18432 # stunnel's BUFFSIZE, fixed at build time; the others are set to it

certtool --generate-privkey --key-type ecdsa --curve secp256r1 --outfile "$work/ue-key.pem" 2>/dev/null
printf 'cn = "bench UE"\nserial = 2\nexpiration_days = 3650\nsigning_key\nencryption_key\ntls_www_client\n' >"$work/ue.tmpl"
certtool --generate-self-signed --load-privkey "$work/ue-key.pem" --template "$work/ue.tmpl" \
	--outfile "$work/ue-cert.pem" 2>/dev/null
cat "$src/tests/data/agw-cert.pem" "$src/tests/data/agw-key.pem" >"$work/gw.pem"

run_client() { taskset -c 1 "$bench" "$@"; }
# a peer started pinned to CPU 0; $1 name, $2 pid to measure, then the command's ports; the phase is
# $phase: "" (sessions, throughput) or "msrp-" (the MSRP round trips, $m sessions)
phase=
run_peer() {
	local name=$1 pid=$2 tls=$3 sink=$4 count=$n
	[ -n "$phase" ] && count=$m
	run_client "${phase}ext" "$name" "$pid" "$tls" "$sink" "$work/ue-cert.pem" "$work/ue-key.pem" "$count" ||
		echo "$name: failed" >&2
}
stop() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

haproxy_round() {
	local tls sink hp
	tls=$(free) sink=$(free)
	cat >"$work/haproxy.cfg" <<CFG
global
  maxconn $((cap + 50))
  nbthread 1
  tune.bufsize $buffer
  ssl-default-bind-ciphersuites $suite
  ssl-default-bind-options ssl-min-ver TLSv1.3
defaults
  mode tcp
  timeout connect 10s
  timeout client 120s
  timeout server 120s
frontend tls
  bind 127.0.0.1:$tls ssl crt $work/gw.pem ca-file $work/ue-cert.pem verify required
  default_backend sink
backend sink
  server s 127.0.0.1:$sink
CFG
	taskset -c 0 haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 & hp=$!
	pids="$pids $hp"
	sleep 0.5
	run_peer HAProxy "$hp" "$tls" "$sink"
	stop $hp
}

stunnel_round() {
	local tls sink sp
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
sslVersionMin = TLSv1.3
ciphersuites = $suite
CFG
	taskset -c 0 stunnel "$work/stunnel.conf" >"$work/stunnel.log" 2>&1 & sp=$!
	pids="$pids $sp"
	sleep 0.5
	run_peer stunnel "$sp" "$tls" "$sink"
	stop $sp
}

nginx_module=/usr/lib/nginx/modules/ngx_stream_module.so
nginx_round() {
	local tls sink np worker
	tls=$(free) sink=$(free)
	mkdir -p "$work/nginx"
	cat >"$work/nginx.conf" <<CFG
load_module $nginx_module;
daemon off;
worker_processes 1;
worker_cpu_affinity 1;
worker_rlimit_nofile $((2 * cap + 200));
pid $work/nginx.pid;
error_log $work/nginx/error.log error;
events { worker_connections $((2 * cap + 100)); }
stream {
  server {
    listen 127.0.0.1:$tls ssl;
    ssl_certificate $src/tests/data/agw-cert.pem;
    ssl_certificate_key $src/tests/data/agw-key.pem;
    ssl_client_certificate $work/ue-cert.pem;
    ssl_verify_client on;
    ssl_protocols TLSv1.3;
    ssl_conf_command Ciphersuites $suite;
    proxy_buffer_size $buffer;
    proxy_timeout 120s;
    proxy_pass 127.0.0.1:$sink;
  }
}
CFG
	taskset -c 0 nginx -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx.conf" \
		>"$work/nginx.log" 2>&1 & np=$!
	pids="$pids $np"
	sleep 0.5
	worker=$(pgrep -P $np | head -1)
	if [ -n "$worker" ]; then
		run_peer nginx "$worker" "$tls" "$sink"
	else
		echo "nginx: no worker ($(cat "$work/nginx.log" "$work/nginx/error.log" 2>/dev/null | head -3))" >&2
	fi
	stop $np
}

# the limit, not a relay: a bare GnuTLS server (tests/bench/tls_sink.c) doing only the handshake and the
# client certificate's check that ims-agw does, and holding the session; no throughput (it relays nothing)
gnutls_round() {
	local tls gp
	tls=$(free)
	taskset -c 0 "$build/tests/bench/tls_sink" "$tls" "$src/tests/data/agw-cert.pem" \
		"$src/tests/data/agw-key.pem" "$work/ue-cert.pem" "$work/ue-key.pem" 2>>"$work/tls_sink.log" & gp=$!
	pids="$pids $gp"
	sleep 0.3
	run_peer GnuTLS "$gp" "$tls" -
	stop $gp
}

peers="HAProxy stunnel nginx GnuTLS"
have_haproxy=1 have_stunnel=1 have_nginx=1 have_gnutls=1
command -v haproxy >/dev/null || { echo "(haproxy not installed)"; have_haproxy=0; }
command -v stunnel >/dev/null || { echo "(stunnel not installed)"; have_stunnel=0; }
if ! command -v nginx >/dev/null || [ ! -f $nginx_module ]; then
	echo "(nginx stream not installed: scripts/setup --bench installs nginx and libnginx-mod-stream)"
	have_nginx=0
fi
: >"$work/all"
: >"$work/msrp"
for r in $(seq "$runs"); do
	# ims-agw: the rig inside relay_bench starts it; pin it like the others
	RIG_TASKSET=0 BENCH_BUFFER_KIB=$((buffer / 1024)) top_builddir="$build" \
		run_client agw "$work/ue-cert.pem" "$work/ue-key.pem" "$n" >"$work/round" || echo "ims-agw: failed"
	sed "s/^/$r /" "$work/round" >>"$work/all"
	# not in a pipeline: the trap must see the peers' pids
	for peer in haproxy stunnel nginx gnutls; do
		eval "[ \$have_$peer = 1 ]" || continue
		${peer}_round >"$work/round"
		sed "s/^/$r /" "$work/round" >>"$work/all"
	done
	# MSRP: every relay started afresh again (see README: after the other phases, not on their process)
	phase=msrp-
	RIG_TASKSET=0 BENCH_BUFFER_KIB=$((buffer / 1024)) top_builddir="$build" \
		run_client msrp-agw "$work/ue-cert.pem" "$work/ue-key.pem" "$m" >"$work/round" || echo "ims-agw MSRP: failed"
	sed "s/^/$r /" "$work/round" >>"$work/msrp"
	for peer in haproxy stunnel nginx; do
		eval "[ \$have_$peer = 1 ]" || continue
		${peer}_round >"$work/round"
		sed "s/^/$r /" "$work/round" >>"$work/msrp"
	done
	phase=
done

echo "TLS->TCP relays, one core each (CPU 0), client and sink on CPU 1; $suite only, X25519, ECDSA P-256"
echo "certificates both ways; relay buffer $buffer bytes per direction; $n idle sessions opened by" \
	"${BENCH_CLIENTS:-8} clients at once; $runs rounds, median (min-max)"
awk '$9 != "-" { print "  negotiated with " $2 ": " $9 }' "$work/all" | sort -u
stats+='
# figure col of relay name over the rounds that have it: "median (min-max)" printed with fmt
function figure(name, col, fmt,   r, k, a) {
	k = 0
	for (r = 1; r <= rounds; r++) if ((r, name) in v && v[r, name, col] != "-") a[++k] = v[r, name, col]
	return spread(a, k, fmt)
}
# ims-agw'"'"'s figure col over the peer'"'"'s, per round
function ratio(peer, col,   r, k, a) {
	k = 0
	for (r = 1; r <= rounds; r++) if ((r, "ims-agw") in v && (r, peer) in v && v[r, peer, col] > 0)
		a[++k] = v[r, "ims-agw", col] / v[r, peer, col]
	return spread(a, k, "%.2f")
}'
awk -v peers="$peers" "$stats"'
{ v[$1, $2] = 1; for (c = 3; c <= 8; c++) v[$1, $2, c] = $c; if ($1 > rounds) rounds = $1; seen[$2] = 1 }
END {
	split("ims-agw " peers, names, " ")
	printf "%-9s %-20s %-24s %-20s %-16s %-20s %s\n", "relay", "Gbit/s", "handshakes/relay CPU-s",
		"handshakes/s", "relay CPU busy", "KiB/idle session", "H.248 cycles/s"
	for (i = 1; i in names; i++) if (names[i] in seen)
		printf "%-9s %-20s %-24s %-20s %-16s %-20s %s\n", names[i], figure(names[i], 3, "%.2f"),
			figure(names[i], 4, "%.0f"), figure(names[i], 5, "%.0f"), figure(names[i], 6, "%.2f"),
			figure(names[i], 7, "%.1f"), figure(names[i], 8, "%.0f")
	print "ims-agw / peer, per round (median (min-max)); goals: throughput >= 1, handshakes >= 1, memory <= 0.5;"
	print "  GnuTLS is the bare GnuTLS server (the handshake and the certificate check alone): handshakes >= 0.90"
	printf "%-9s %-20s %-24s %-20s\n", "peer", "throughput", "handshakes/CPU-s", "memory/session"
	for (i = 2; i in names; i++) if (names[i] in seen)
		printf "%-9s %-20s %-24s %-20s\n", names[i], ratio(names[i], 3), ratio(names[i], 4), ratio(names[i], 7)
}' "$work/all"

echo
echo "MSRP-size messages through each relay (a fresh process): $m TLS sessions at once, each sending"
echo "${BENCH_MSRP_MESSAGES:-100} MSRP SEND requests (text/plain, 200-1024 body bytes) one after the other, each" \
	"answered by the"
echo "sink's 200 OK back through the relay; a round trip = SEND + 200 OK; $runs rounds, median (min-max)"
awk -v peers="$peers" "$stats"'
# a time, where lower is better: the peer'"'"'s over ims-agw'"'"'s, per round
function slower(peer, col,   r, k, a) {
	k = 0
	for (r = 1; r <= rounds; r++) if ((r, "ims-agw") in v && (r, peer) in v && v[r, "ims-agw", col] > 0 && v[r, peer, col] > 0)
		a[++k] = v[r, peer, col] / v[r, "ims-agw", col]
	return spread(a, k, "%.2f")
}
# the round trips per relay CPU-second ims-agw would reach with no user-space time at all: the peer'"'"'s
# CPU per round trip (kernel and user) over ims-agw'"'"'s in the kernel alone, per round
function ceiling(peer,   r, k, a) {
	k = 0
	for (r = 1; r <= rounds; r++) if ((r, "ims-agw") in v && (r, peer) in v && v[r, "ims-agw", 13] > 0)
		a[++k] = (v[r, peer, 13] + v[r, peer, 14]) / v[r, "ims-agw", 13]
	return spread(a, k, "%.2f")
}
{ v[$1, $2] = 1; for (c = 3; c <= 14; c++) v[$1, $2, c] = $c; if ($1 > rounds) rounds = $1; seen[$2] = 1
  split($9, d, "/"); if (d[1] != d[2]) lost[$2] += d[2] - d[1] }
END {
	split("ims-agw " peers, names, " ")
	printf "%-9s %-22s %-20s %-16s %-20s %-20s %-10s %-20s %s\n", "relay", "round trips/relay CPU-s",
		"round trips/s", "relay CPU busy", "latency p50 ms", "latency p99 ms", "SEND bytes",
		"kernel us/round trip", "user us/round trip"
	for (i = 1; i in names; i++) if (names[i] in seen)
		printf "%-9s %-22s %-20s %-16s %-20s %-20s %-10s %-20s %s%s\n", names[i], figure(names[i], 3, "%.0f"),
			figure(names[i], 4, "%.0f"), figure(names[i], 5, "%.2f"), figure(names[i], 6, "%.2f"),
			figure(names[i], 7, "%.2f"), figure(names[i], 8, "%.0f"), figure(names[i], 13, "%.1f"),
			figure(names[i], 14, "%.1f"),
			lost[names[i]] ? sprintf("  (%d round trips not answered)", lost[names[i]]) : ""
	print "ims-agw / peer, per round (median (min-max)); goal: round trips per relay CPU-second >= 1.5 x nginx"
	print "  ceiling: the peer'"'"'s CPU per round trip over ims-agw'"'"'s kernel time alone (its ratio with no user time)"
	printf "%-9s %-22s %-20s %-30s %s\n", "peer", "round trips/CPU-s", "round trips/s", "latency p99 (peer / ims-agw)",
		"ceiling"
	for (i = 2; i in names; i++) if (names[i] in seen)
		printf "%-9s %-22s %-20s %-30s %s\n", names[i], ratio(names[i], 3), ratio(names[i], 4),
			slower(names[i], 7), ceiling(names[i])
}' "$work/msrp"

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
