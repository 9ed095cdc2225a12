#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/calls.sh BUILD-DIR: call setups per second through a SIP proxy, in one run: ims-alg with
# ims-agw doing the e2ae MSRP work of seed 004 (four H.248 transactions per call: Add, Add, Modify,
# Subtract), and Kamailio (Debian package) as a plain stateful record-routing proxy, run as its users run
# it for speed: TLSF as its shared-memory manager (-x tlsf), 4 children. The same SIPp scenarios drive
# both: INVITE with an e2ae MSRP offer, 200, ACK, BYE, 200 (tests/bench/sipp). The proxy under test (with
# its gateway) runs on CPU 0, SIPp on CPU 1. BENCH_CALLS calls (default 20,000), at most BENCH_LIMIT
# (default 20) at once, SIPp told to go as fast as it can; BENCH_RUNS rounds (default 3), each starting
# both proxies afresh; each figure printed as the median with the lowest and highest round, the ratios
# from each round's own pair. Any failed call is reported. With 200 calls at once Kamailio drops
# datagrams on its one CPU (the kernel's RcvbufErrors count) and its rate falls to a few hundred per
# second with failed calls, so the default holds both proxies where neither loses a call.
set -u
build=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
stats=$(cat "$src/tests/bench/stats.awk") # median, lowhigh, spread
n=${BENCH_CALLS:-20000}
limit=${BENCH_LIMIT:-20}
runs=${BENCH_RUNS:-3}
work=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
free() { "$build/tests/util/freeport" 1; }
for tool in sipp kamailio; do
	command -v $tool >/dev/null || { echo "calls: $tool is not installed (scripts/setup installs it)"; exit 0; }
done

uas=$(free)
taskset -c 1 sipp -sf "$src/tests/bench/sipp/uas.xml" -i 127.0.0.1 -p "$uas" -buff_size 4194304 -nostdin -bg \
	-trace_err -error_file "$work/uas.err" >"$work/uas.out" 2>&1
pids="$pids $(pgrep -f "sipp -sf $src/tests/bench/sipp/uas.xml -i 127.0.0.1 -p $uas" | tr '\n' ' ')"

# run NAME PORT: n calls from a SIPp UAC to 127.0.0.1:PORT; prints "calls/s successful failed"
run() {
	local start end
	start=$(date +%s.%N)
	taskset -c 1 sipp "127.0.0.1:$2" -sf "$src/tests/bench/sipp/uac.xml" -i 127.0.0.1 -p "$(free)" \
		-m "$n" -r 100000 -l "$limit" -buff_size 4194304 -nostdin -timeout 300s -timeout_error \
		-trace_stat -stf "$work/$1.csv" -trace_err -error_file "$work/$1.err" >"$work/$1.out" 2>&1
	end=$(date +%s.%N)
	# the last line of SIPp's statistics, read by column name
	awk -F';' -v s="$start" -v e="$end" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i }
		END { ok = $col["SuccessfulCall(C)"]; printf "%.0f %d %d\n", ok / (e - s), ok, $col["FailedCall(C)"] }' \
		"$work/$1.csv"
}

# cpu PID...: the CPU seconds (user + system) those processes and their children have used so far
cpu() {
	local all="$*" p
	for p in $*; do all="$all $(pgrep -P "$p" | tr '\n' ' ')"; done
	for p in $all; do cat "/proc/$p/stat" 2>/dev/null; done |
		awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); t += $12 + $13 } END { printf "%.3f\n", t / hz }'
}

# measure NAME PORT PID...: run, and the CPU seconds PID... used meanwhile: "calls/s successful failed cpu"
measure() {
	local name=$1 port=$2 c0 line
	shift 2
	c0=$(cpu "$@")
	line=$(run "$name" "$port")
	echo "$line $(awk -v a="$c0" -v b="$(cpu "$@")" 'BEGIN { print b - a }')"
}

# ---- Kamailio: stateful proxy, record-routing, every new INVITE to the UAS ----
kam=$(free)
mods=$(dirname "$(find /usr/lib -name tm.so -path '*kamailio*' | head -1)")
cat >"$work/kamailio.cfg" <<CFG
#!KAMAILIO
debug=-1
log_stderror=yes
children=4
maxbuffer=4194304
listen=udp:127.0.0.1:$kam
mpath="$mods"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "maxfwd.so"
loadmodule "pv.so"
loadmodule "textops.so"
loadmodule "siputils.so"
request_route {
	if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
	if (has_totag()) {
		if (loose_route()) { t_relay(); exit; }
		if (is_method("ACK") && t_check_trans()) t_relay();
		exit;
	}
	if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
	if (t_precheck_trans()) { t_check_trans(); exit; } # a retransmission another process is handling
	t_check_trans();
	record_route();
	\$du = "sip:127.0.0.1:$uas";
	t_relay();
}
CFG
kamailio_round() { # one round of Kamailio: started, warmed up, measured, stopped; prints measure's line
	taskset -c 0 kamailio -f "$work/kamailio.cfg" -DD -E -x tlsf -m 256 -M 16 -P "$work/kam.pid" \
		>"$work/kam.log" 2>&1 &
	local pid=$!
	pids="$pids $pid"
	sleep 1
	kill -0 $pid 2>/dev/null || { echo "calls: kamailio did not start:" >&2; tail -5 "$work/kam.log" >&2; exit 1; }
	local all=$n
	n=50 # a warm-up: Kamailio's first calls after its start are not what it does later
	run warmup "$kam" >/dev/null
	n=$all
	measure kamailio "$kam" "$(cat "$work/kam.pid")"
	kill "$(cat "$work/kam.pid" 2>/dev/null)" 2>/dev/null
	wait $pid 2>/dev/null
}

# ---- ims-alg with ims-agw: e2ae for the UE's TCP/TLS/MSRP offer (seed 004 NOTE 1: the bench UE does
# not register), the gateway provisioned per call; SIPp's one address stands for many UEs, so the
# P-CSCF's access control (sip.registered_only, sip.max_calls) is off, as Kamailio has none here ----
h248=$(free) access=$(free) core=$(free)
alg() {
	taskset -c 0 "$build/alg/ims-alg" --sip-access-port "$access" --sip-core-port "$core" \
		--sip-core-next-hop "sip:127.0.0.1:$uas" --h248-port "$h248" --policy-force-e2ae-orig \
		--no-sip-registered-only --sip-max-calls 100000 --log-level error "$@" >/dev/null 2>>"$work/alg.log" &
	pids="$pids $!"
	alg_pid=$!
	taskset -c 0 "$build/agw/ims-agw" --h248-port "$(free)" --mgc-port "$h248" \
		--realm-access-ports 10000-19999 --realm-core-ports 20000-29999 --log-level error >/dev/null 2>>"$work/agw.log" &
	pids="$pids $!"
	agw_pid=$!
	sleep 1.5
}
# first a few calls with the ALG's trace on, to count what it sends the gateway per call
alg --trace-file "$work/trace.jsonl"
n_all=$n n=10
read -r _ _ probe_failed < <(run probe "$access")
n=$n_all
kill $alg_pid $agw_pid 2>/dev/null
wait $alg_pid $agw_pid 2>/dev/null
# (the registration's ROOT requests and the audits are not the calls')
txns=$(grep '"h248.tx"' "$work/trace.jsonl" | grep '\\nTransaction = ' | grep -cv 'ROOT\|ServiceChange')
# rss PID: its resident KiB now
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
alg_round() { # one round of ims-alg and ims-agw: started, measured, stopped; measure's line, then the KiB
	# each daemon's resident memory grew by over the calls (read at once after the last one: ims-agw
	# still remembers their H.248 transaction ids for LONG-TIMER, ims-alg's sofia-sip their SIP
	# transactions for 64*T1)
	local m0 g0
	alg
	m0=$(rss $agw_pid) g0=$(rss $alg_pid)
	echo "$(measure alg "$access" "$alg_pid" "$agw_pid") $(($(rss $agw_pid) - m0)) $(($(rss $alg_pid) - g0))"
	kill $alg_pid $agw_pid 2>/dev/null
	wait $alg_pid $agw_pid 2>/dev/null
}
: >"$work/rounds"
# ---- the same e2ae call played whole by ims-lab's load mode: a UE registers, offers TCP/TLS/MSRP, the core
# answers, the gateway connects to the UE and is its TLS client (fingerprint checked), one MSRP SEND
# crosses each way, BYE, un-REGISTER; 20 calls at once, each by parties of its own ----
lab_n=${BENCH_LAB_CALLS:-2000}
lab_round() { # prints "calls/s passed failed alg-ms agw-ms setup-p50 setup-p99"
	"$build/lab/ims-lab" --out "$work/lab" --log-level error --calls "$lab_n" --concurrent 20 \
		"$src/scenarios/004-msrp-originating.json" >"$work/lab.out" 2>&1
	awk '$1 == "calls" { r = $NF == "calls/s" ? $(NF - 1) : 0; ok = $4; f = $6 }
		$1 == "setup" { p50 = $3; p99 = $7 }
		$1 == "CPU/call" { a = $3; g = $6 }
		END { printf "%s %d %d %s %s %s %s\n", r, ok, f, a, g, p50, p99 }' "$work/lab.out"
}
for r in $(seq "$runs"); do
	echo "kam $(kamailio_round)" >>"$work/rounds"
	echo "alg $(alg_round)" >>"$work/rounds"
	echo "lab $(lab_round)" >>"$work/rounds"
done

echo "call setups per second (INVITE/200/ACK/BYE/200 with an e2ae MSRP offer, $n calls, at most $limit at once," \
	"$runs rounds: median (lowest-highest)):"
kv="Kamailio $(kamailio -v | awk 'NR==1{print $3}') (stateful proxy, -x tlsf)"
awk -v kv="$kv" -v txns="$txns" -v pf="$probe_failed" -v ln="$lab_n" "$stats"'
# lines: NAME calls/s successful failed cpu
$1 == "kam" { nk++; kr[nk] = $2; kok[nk] = $3; kf += $4; kc[nk] = $5; kpc[nk] = $5 > 0 ? $3 / $5 : 0 }
$1 == "lab" { nl++; lr[nl] = $2; lf += $4; lms[nl] = $5 + $6; la[nl] = $5; lg[nl] = $6; lp50[nl] = $7; lp99[nl] = $8 }
$1 == "alg" { na++; ar[na] = $2; aok[na] = $3; af += $4; ac[na] = $5; apc[na] = $5 > 0 ? $3 / $5 : 0
	ams[na] = $3 > 0 ? $5 * 1000 / $3 : 0; mg[na] = $3 > 0 ? $6 * 1024 / $3 : 0; ag[na] = $3 > 0 ? $7 * 1024 / $3 : 0 }
END {
	printf "  %-44s %s calls/s, %s calls per CPU second; %d failed\n", kv, spread(kr, nk, "%.0f"), spread(kpc, nk, "%.0f"), kf
	printf "  %-44s %s calls/s, %s calls per CPU second; %d failed\n", "ims-alg + ims-agw (e2ae, H.248)", spread(ar, na, "%.0f"),
		spread(apc, na, "%.0f"), af
	printf "  (ims-alg sent %d H.248 requests to the gateway in 10 probe calls, %d failed)\n", txns, pf
	printf "  ims-alg + ims-agw CPU per call: %s ms (goal: at most 0.5)\n", spread(ams, na, "%.3f")
	printf "  resident memory grown per call, read right after the last call: ims-agw %s bytes (H.248 ids kept\n", spread(mg, na, "%.0f")
	printf "    for LONG-TIMER, 30 s), ims-alg %s bytes (SIP transactions kept 64*T1, 32 s, by sofia-sip)\n", spread(ag, na, "%.0f")
	for (i = 1; i <= na && i <= nk; i++) { q[i] = kr[i] > 0 ? ar[i] / kr[i] : 0; qc[i] = kpc[i] > 0 ? apc[i] / kpc[i] : 0 }
	printf "  ratio ims-alg / Kamailio: %s in calls per second (goal: at least 0.67), %s in calls per CPU second\n",
		spread(q, na, "%.2f"), spread(qc, na, "%.2f")
	for (i = 1; i <= nl && i <= na; i++) lq[i] = ams[i] > 0 ? lms[i] / ams[i] : 0
	printf "  the whole e2ae call played by ims-lab --calls (REGISTER, INVITE, the TLS handshake of gateway and UE,\n"
	printf "    an MSRP SEND each way, BYE, un-REGISTER; %d calls, 20 at once): %s calls/s (the lab, not the\n", ln, spread(lr, nl, "%.0f")
	printf "    daemons, is the limit); %d failed; setup p50 %s ms, p99 %s ms\n", lf, spread(lp50, nl, "%.1f"), spread(lp99, nl, "%.1f")
	printf "    CPU per call: ims-alg %s ms + ims-agw %s ms = %s ms, %s x the SIPp call\n", spread(la, nl, "%.3f"),
		spread(lg, nl, "%.3f"), spread(lms, nl, "%.3f"), spread(lq, nl, "%.2f")
}' "$work/rounds"
