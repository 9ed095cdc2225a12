#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/soak.sh [--duration S] [--interval S] [--rate N] [--hold S] [BUILD-DIR]: the soak of issue
# 25. ims-alg and ims-agw on loopback (free ports, tests/util/freeport) carry e2ae MSRP calls at a
# steady rate (2 per second) for an hour (default): a SIPp UE offers TCP/TLS/MSRP (a=setup:actpass, seed
# 004 step 1) whose TLS end is socat with OpenSSL, a SIPp core answers plain TCP/MSRP a=setup:passive
# whose end is socat too (tests/bench/sipp/soak-*.xml); the gateway connects both legs and relays
# SOAK_BYTES (64 KiB) of MSRP SENDs each way per call, held --hold (2) s; each end counts what reached
# it. Every --interval (60) s a row: calls completed and failed, bytes relayed, and per daemon resident
# memory (VmRSS, VmHWM), open descriptors, timers, contexts or calls held, CPU seconds and share, and
# wakeups per second.
# Timers: neither daemon counts its timers (ims-agw keeps them in its event loop's heap, ims-alg in
# sofia-sip's and GLib's). The column is what the metrics endpoint shows of them: the H.248 transaction
# ids each holds (ims_*_h248_ids_remembered), one timer each (LONG-TIMER once answered); contexts
# (ims-agw) and calls (ims-alg) carry the others. The verdict adds what the kernel holds (timerfds in
# /proc/PID/fd, POSIX timers in /proc/PID/timers: none), and wakeups (the main thread's voluntary
# context switches per second) show the timers that fire: an idle row after the load waking more
# than the one before has timers left armed.
# The verdict, non-zero when a bound is broken: every call completed, none failed at either end or
# in ims-alg (media_failed, H.248 timeouts); every MSRP connection carried the payload whole, and the
# gateway's relay counters say the same bytes; once the load has gone no context or call is left, and each daemon's descriptors (within SOAK_FD_SLACK, 2), timers and H.248 ids are back to
# their idle count, both idle rows taken SOAK_SETTLE (35 s: SIP's 32 s Timer J, H.248's 30 s
# LONG-TIMER, the gateway's 2 s linger) after the start and after the load; resident memory between
# the first full-load row (SOAK_WARMUP, 60 s, into the load) and the last grown by at most SOAK_RSS_KIB
# (2048) or SOAK_RSS_PCT (10) %, whichever is larger; idle wakeups within a quarter (at least
# SOAK_WAKE, 5 per second: the gateway's last H.248 ids of the load expire in the idle window, +1.9/s
# seen; a timer left per call would add hundreds) of the first idle row's; both daemons stopping cleanly on SIGTERM. Every
# loop is bounded in count (SIPp -m) and time. scripts/test runs the 10-minute form under CI
# (CI=true): --duration 600 --interval 60.
usage() { echo "usage: $0 [--duration S] [--interval S] [--rate CALLS-PER-S] [--hold S] [BUILD-DIR]" >&2; exit 2; }
duration=${SOAK_DURATION:-3600} interval=${SOAK_INTERVAL:-60} rate=${SOAK_RATE:-2} hold=${SOAK_HOLD:-2}
while [ $# -gt 0 ]; do
	case $1 in
	--duration) duration=${2:?}; shift 2 ;;
	--interval) interval=${2:?}; shift 2 ;;
	--rate) rate=${2:?}; shift 2 ;;
	--hold) hold=${2:?}; shift 2 ;;
	-*) usage ;;
	*) top_builddir=$1; shift ;;
	esac
done
for v in "$duration" "$interval" "$rate" "$hold"; do case $v in '' | *[!0-9]*) usage ;; esac; done
[ "$interval" -gt 0 ] && [ "$rate" -gt 0 ] && [ "$duration" -ge "$interval" ] || usage
top_srcdir=$(cd "$(dirname "$0")/../.." && pwd)
# the integration tests' helpers: daemon paths, start, wait_log, ok/not_ok/finish, cleanup on exit
. "$top_srcdir/tests/integration/lib.sh"
for tool in sipp socat openssl; do
	command -v "$tool" >/dev/null || { echo "soak: $tool is not installed (scripts/setup installs it): skipped"; exit 77; }
done
bytes=${SOAK_BYTES:-65536} settle=${SOAK_SETTLE:-35} warmup=${SOAK_WARMUP:-60}
rss_kib=${SOAK_RSS_KIB:-2048} rss_pct=${SOAK_RSS_PCT:-10} fd_slack=${SOAK_FD_SLACK:-2} wake_slack=${SOAK_WAKE:-5}
calls=$((rate * duration))
S="$top_srcdir/tests/bench/sipp"
CERT="$top_srcdir/tests/data/agw-cert.pem" KEY="$top_srcdir/tests/data/agw-key.pem"
hz=$(getconf CLK_TCK)

# ---- the daemons: ims-alg as in tests/bench/calls.sh (SIPp's one address stands for many UEs that do
# not register: seed 004 NOTE 1 and no access control), ims-agw relaying for it with the test
# certificate, both with their metrics endpoint; the realm ports below the kernel's ephemeral range,
# wide enough for the legs in TIME_WAIT at this rate. SOAK_WRAP_ALG and SOAK_WRAP_AGW put a command
# before either (valgrind, to look into what grows) ----
set -- $("$FREEPORT" 10)
access=$1 core=$2 h248=$3 agw_h248=$4 ue_sip=$5 core_sip=$6 uport=$7 cport=$8 alg_m=$9 agw_m=${10}
start alg "$WORK/alg.log" ${SOAK_WRAP_ALG:-} "$ALG" --sip-access-port "$access" --sip-core-port "$core" \
	--sip-core-next-hop "sip:127.0.0.1:$core_sip" --h248-port "$h248" --policy-force-e2ae-orig \
	--no-sip-registered-only --sip-max-calls 100000 --log-level "${SOAK_LOG_LEVEL:-notice}" \
	--metrics-address 127.0.0.1 --metrics-port "$alg_m"
alg_pid=$last_pid
start agw "$WORK/agw.log" ${SOAK_WRAP_AGW:-} "$AGW" --h248-port "$agw_h248" --mgc-port "$h248" --log-level "${SOAK_LOG_LEVEL:-notice}" \
	--realm-access-ports "${SOAK_ACCESS_PORTS:-16000-16999}" --realm-core-ports "${SOAK_CORE_PORTS:-17000-17999}" \
	--tls-certificate "$CERT" --tls-key "$KEY" --metrics-address 127.0.0.1 --metrics-port "$agw_m"
agw_pid=$last_pid
wait_log "$WORK/alg.log" "gateway .* registered" >/dev/null || exit 1

# ---- the MSRP ends: socat forks one child per connection, which sends the payload (MSRP SENDs of 4000
# bytes of text, SOAK_BYTES at least) and appends the count of what it received once the gateway ends
# the leg. The UE's end is the TLS server the gateway connects to, checking the gateway's certificate ----
awk -v n="$bytes" 'BEGIN {
	body = sprintf("%4000s", ""); gsub(/ /, "x", body)
	for (i = 1; out < n; i++) {
		m = sprintf("MSRP t%d SEND\r\nTo-Path: msrp://127.0.0.1/b;tcp\r\nFrom-Path: msrps://127.0.0.1/a;tcp\r\n" \
			"Message-ID: m%d\r\nByte-Range: 1-4000/4000\r\nContent-Type: text/plain\r\n\r\n%s\r\n-------t%d$\r\n",
			i, i, body, i)
		printf "%s", m; out += length(m)
	} }' >"$WORK/payload"
bytes=$(wc -c <"$WORK/payload")
: >"$WORK/ue.rx"; : >"$WORK/core.rx"
socat OPENSSL-LISTEN:"$uport",bind=127.0.0.1,reuseaddr,fork,cert="$CERT",key="$KEY",cafile="$CERT",verify=1 \
	SYSTEM:"cat $WORK/payload & exec wc -c >>$WORK/ue.rx" 2>"$WORK/ue-socat.log" &
ends=$!
socat TCP-LISTEN:"$cport",bind=127.0.0.1,reuseaddr,fork \
	SYSTEM:"cat $WORK/payload & exec wc -c >>$WORK/core.rx" 2>"$WORK/core-socat.log" &
ends="$ends $!"
pids="$pids $ends"
fp=$(openssl x509 -in "$CERT" -noout -fingerprint -sha256 | sed 's/.*=//')

# ---- sampling ----
# scrape PORT: the metrics endpoint's answer (HTTP/1.0: the daemon closes when done), in 5 s at most
scrape() {
	timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" && printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 && cat <&3' \
		"$1" 2>/dev/null
}
# metric FILE NAME [LABEL]: the sum of a family's samples (those with LABEL only) in a scrape
metric() {
	awk -v n="$2" -v l="${3:-}" '($1 == n || index($1, n "{") == 1) && index($1, l) { s += $2 } END { print s + 0 }' "$1"
}
# proc PID METRICS-PORT PREFIX HELD: "rss_kib hwm_kib fds kernel-timers cpu_s switches ids held" for one
# daemon, its metrics named PREFIX_*; HELD is the family of what it holds (contexts, calls)
proc() {
	local rss hwm sw fds tfd ptm cpu m=$WORK/scrape-$3
	read -r rss hwm sw < <(awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 }
		/^voluntary_ctxt_switches:/ { s = $2 } END { print r + 0, h + 0, s + 0 }' "/proc/$1/status" 2>/dev/null)
	fds=$(ls "/proc/$1/fd" 2>/dev/null | wc -l)
	tfd=$(find "/proc/$1/fd" -lname 'anon_inode:\[timerfd\]' 2>/dev/null | wc -l)
	ptm=$(grep -c '^ID:' "/proc/$1/timers" 2>/dev/null)
	cpu=$(awk -v hz="$hz" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null)
	scrape "$2" >"$m"
	echo "${rss:-0} ${hwm:-0} $fds $((tfd + ${ptm:-0})) ${cpu:-0} ${sw:-0}" \
		"$(metric "$m" "$3_h248_ids_remembered") $(metric "$m" "$3_$4")"
}
# sipp_stat FILE COLUMN: the last value of SIPp's statistics column (0 before its first line)
sipp_stat() { awk -F';' -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) k[$i] = i } NR > 1 { v = $k[c] } END { print v + 0 }' "$1" 2>/dev/null || echo 0; }
# rx FILE: "connections bad bytes" of one MSRP end: a bad connection received other than the payload
rx() { awk -v n="$bytes" '{ c++; b += $1; if ($1 != n) bad++ } END { print c + 0, bad + 0, b + 0 }' "$1"; }
# The samples file, a line per row: seconds since the start, phase, calls completed, calls failed, the
# UE's and the core's MSRP ends (connections, short ones, bytes received), per daemon (ims-agw from field
# 11, ims-alg from 19) RSS and HWM in KiB, descriptors, kernel timers, CPU seconds and voluntary context
# switches so far, H.248 ids held, contexts or calls held; the moment (microseconds, field 27); the
# gateway's relay bytes sent toward the UE and toward the core, ims-alg's calls ended with media_failed
# and its H.248 transaction timeouts. DELTA, an awk prologue: cpu(o) and wake(o) are the CPU share (%)
# and wakeups per second of the daemon at field o since the previous line.
DELTA='function cpu(o) { return dt > 0 ? 100 * ($(o + 4) - pv[o + 4]) / dt : 0 }
function wake(o) { return dt > 0 ? ($(o + 5) - pv[o + 5]) / dt : 0 }
function keep(i) { for (i = 1; i <= NF; i++) pv[i] = $i }
{ dt = NR > 1 ? ($27 - pv[27]) / 1e6 : 0 }'
# a row: seconds, phase (idle; warm: the load's first SOAK_WARMUP seconds; load; end: the load just
# over), calls completed, calls failed, MSRP connections short of the payload, MiB relayed (received
# at both ends); per daemon RSS and HWM (KiB), descriptors, timers (H.248 ids held), contexts (ims-agw)
# or calls (ims-alg) held, CPU seconds so far, CPU share and wakeups per second since the row before
fmt="%5s %-5s %6s %4s %5s %7s | %6s %6s %4s %4s %4s %6s %4s %6s | %6s %6s %4s %4s %4s %6s %4s %6s\n"
header() {
	printf "%-37s | %-56s | %s\n" "" "ims-agw" "ims-alg"
	printf "$fmt" t/s phase calls fail short MiB RSS HWM fds tmr ctx cpu/s cpu% wake/s \
		RSS HWM fds tmr call cpu/s cpu% wake/s
}
# sample PHASE: records one row and prints it
t0=${EPOCHREALTIME/./}
sample() {
	local now ok fail uas_fail agw alg
	ok=$(sipp_stat "$WORK/uac.csv" "SuccessfulCall(C)") fail=$(sipp_stat "$WORK/uac.csv" "FailedCall(C)")
	uas_fail=$(sipp_stat "$WORK/uas.csv" "FailedCall(C)")
	agw=$(proc "$agw_pid" "$agw_m" ims_agw contexts)
	echo "access $(metric "$WORK/scrape-ims_agw" ims_agw_relay_bytes_total 'realm="access",direction="sent"')" \
		"core $(metric "$WORK/scrape-ims_agw" ims_agw_relay_bytes_total 'realm="core",direction="sent"')" >"$WORK/relayed"
	alg=$(proc "$alg_pid" "$alg_m" ims_alg calls)
	now=${EPOCHREALTIME/./}
	echo "$(((now - t0) / 1000000)) $1 $ok $((fail + uas_fail)) $(rx "$WORK/ue.rx") $(rx "$WORK/core.rx") $agw $alg" \
		"$now $(awk '{ print $2, $4 }' "$WORK/relayed")" \
		"$(metric "$WORK/scrape-ims_alg" ims_alg_calls_ended_total media_failed) $(metric "$WORK/scrape-ims_alg" ims_alg_h248_timeouts_total)" \
		>>"$WORK/samples"
	tail -n 2 "$WORK/samples" | awk -v fmt="$fmt" "$DELTA"'
		{ row = sprintf(fmt, $1, $2, $3, $4, $6 + $9, sprintf("%.1f", ($7 + $10) / 1048576),
			$11, $12, $13, $17, $18, $15, sprintf("%.1f", cpu(11)), sprintf("%.1f", wake(11)),
			$19, $20, $21, $25, $26, $23, sprintf("%.1f", cpu(19)), sprintf("%.1f", wake(19))); keep() }
		END { printf "%s", row }'
}
# sleep_until MICROSECONDS [PID]: sleeps until that moment of EPOCHREALTIME, or until PID has ended
sleep_until() {
	local left
	while left=$(($1 - ${EPOCHREALTIME/./})) && [ "$left" -gt 0 ]; do
		[ -z "${2:-}" ] || kill -0 "$2" 2>/dev/null || return 0
		sleep "$(awk -v l="$left" 'BEGIN { printf "%.3f", (l > 1e6 ? 1 : l / 1e6) }')"
	done
}

echo "soak: $rate calls/s for $duration s ($calls calls, each held $hold s with $bytes bytes of MSRP each way" \
	"through a TLS and a TCP leg); a row every $interval s"
header
# the idle rows, before the load and once it has gone, each over the same window after SOAK_SETTLE:
# the daemons at rest, their steady idle work going (ims-alg audits the gateway every second, and the
# gateway keeps each answered transaction's id for its 30 s LONG-TIMER)
idle_window=$((interval < 10 ? interval : 10))
settle_idle() {
	sleep "$((settle > idle_window ? settle - idle_window : 0))"
	sample settle >/dev/null
	sleep "$idle_window"
	sample idle
}
settle_idle

# ---- the load: SIPp's core, then its UE at a steady rate, each bounded in calls and time ----
limit=$((rate * (hold + 5) * 2 + 10))
sipp -sf "$S/soak-uas.xml" -key cport "$cport" -i 127.0.0.1 -p "$core_sip" -m "$calls" -nostdin \
	-timeout "$((duration + hold + 120))s" -timeout_error -buff_size 4194304 -trace_stat -stf "$WORK/uas.csv" -fd 1 \
	-trace_err -error_file "$WORK/uas.err" >"$WORK/uas.out" 2>&1 &
uas_pid=$!
pids="$pids $uas_pid"
sleep 0.5
load_start=${EPOCHREALTIME/./}
sipp "127.0.0.1:$access" -sf "$S/soak-uac.xml" -key uport "$uport" -key fp "$fp" -i 127.0.0.1 -p "$ue_sip" \
	-m "$calls" -r "$rate" -rp 1000 -l "$limit" -d "$((hold * 1000))" -nostdin -buff_size 4194304 \
	-timeout "$((duration + hold + 60))s" -timeout_error -trace_stat -stf "$WORK/uac.csv" -fd 1 \
	-trace_err -error_file "$WORK/uac.err" >"$WORK/uac.out" 2>&1 &
uac_pid=$!
pids="$pids $uac_pid"
k=1
while :; do
	sleep_until $((load_start + k * interval * 1000000)) "$uac_pid"
	kill -0 "$uac_pid" 2>/dev/null || break
	[ $((k * interval)) -lt "$warmup" ] && phase=warm || phase=load
	sample "$phase"
	k=$((k + 1))
	[ $((k * interval)) -le $((duration + hold + 60)) ] || break
done
kill "$uac_pid" 2>/dev/null # only when it overran its time
wait "$uac_pid"; uac_status=$?
uas_status=""
for _ in $(seq 1 100); do # the core's last call ends with the UE's
	kill -0 "$uas_pid" 2>/dev/null || { wait "$uas_pid"; uas_status=$?; break; }
	sleep 0.1
done
sample end
settle_idle

# ---- the verdict ----
echo "soak verdict:"
total=$(sipp_stat "$WORK/uac.csv" "SuccessfulCall(C)")
expect_eq "every call completed (SIPp UE: $total of $calls, status $uac_status)" "$total/$uac_status" "$calls/0"
read -r media_failed timeouts < <(tail -n 1 "$WORK/samples" | awk '{ print $30, $31 }')
expect_eq "no call failed at the UE, at the core (status ${uas_status:-running}) or in ims-alg (media_failed, H.248 timeouts)" \
	"$(sipp_stat "$WORK/uac.csv" "FailedCall(C)")/$(sipp_stat "$WORK/uas.csv" "FailedCall(C)")/$uas_status/$media_failed/$timeouts" \
	"0/0/0/0/0"
for f in uac uas; do # SIPp's last few events, one a line, when a call failed
	[ "$uac_status$uas_status" != 00 ] && [ -s "$WORK/$f.err" ] && sed -E 's/(20[0-9]{2}-[0-9]{2}-[0-9]{2}\t)/\n\1/g' "$WORK/$f.err" | grep . | tail -n 4 |
		sed "s/^/       $f: /"
done
read -r ue_n ue_bad ue_b < <(rx "$WORK/ue.rx")
read -r core_n core_bad core_b < <(rx "$WORK/core.rx")
expect_eq "each call's MSRP reached the UE's TLS end whole ($ue_n connections, $ue_bad short, $ue_b bytes)" \
	"$ue_n/$ue_bad" "$calls/0"
expect_eq "each call's MSRP reached the core's TCP end whole ($core_n connections, $core_bad short, $core_b bytes)" \
	"$core_n/$core_bad" "$calls/0"
expect_eq "the gateway's relay counters say the same (bytes sent toward the UE, toward the core)" \
	"$(tail -n 1 "$WORK/samples" | awk '{ print $28, $29 }')" "$ue_b $core_b"
# check DAEMON FIELD WHAT: descriptors, timers, what it holds, RSS and wakeups of one daemon (its fields
# from FIELD on), from the recorded rows
check() {
	local name=$1 o=$2 verdict
	verdict=$(awk -v o="$o" -v what="$3" -v fs="$fd_slack" -v kib="$rss_kib" -v pct="$rss_pct" -v ws="$wake_slack" "$DELTA"'
		$2 == "idle" && !i0 { i0 = 1; fd0 = $(o + 2); tm0 = $(o + 3); id0 = $(o + 6); w0 = wake(o); c0 = cpu(o) }
		$2 == "idle" { fd1 = $(o + 2); tm1 = $(o + 3); id1 = $(o + 6); held = $(o + 7); w1 = wake(o); c1 = cpu(o) }
		$2 == "load" { if (!r0) r0 = $o; r1 = $o }
		{ keep() }
		END {
			d = fd1 - fd0; if (d < 0) d = -d
			printf "descriptors idle before and after: %d, %d (within %d)|%s\n", fd0, fd1, fs, d <= fs ? "ok" : "broken"
			printf "%s left once idle: %d|%s\n", what, held, held == 0 ? "ok" : "broken"
			printf "H.248 ids held (a timer each) idle before and after: %d, %d (within %d); kernel timers %d, %d|%s\n",
				id0, id1, fs + id0 / 4, tm0, tm1, (id1 <= id0 + fs + id0 / 4 && tm1 <= tm0) ? "ok" : "broken"
			bound = r0 * pct / 100; if (bound < kib) bound = kib
			if (!r0) printf "resident memory: no full-load row (the load ran under SOAK_WARMUP)|broken\n"
			else printf "resident memory over the load: %d KiB, then %d KiB (%+d KiB, %+.1f %%; bound +%d KiB)|%s\n",
				r0, r1, r1 - r0, 100 * (r1 - r0) / r0, bound, r1 - r0 <= bound ? "ok" : "broken"
			wb = w0 / 4; if (wb < ws) wb = ws
			printf "wakeups per second idle before and after: %.1f, %.1f (bound +%.1f); CPU %.1f %%, %.1f %%|%s\n",
				w0, w1, wb, c0, c1, w1 <= w0 + wb ? "ok" : "broken"
		}' "$WORK/samples")
	while IFS='|' read -r what result; do
		if [ "$result" = ok ]; then ok "$name: $what"; else not_ok "$name: $what"; fi
	done <<<"$verdict"
}
check ims-agw 11 "contexts"
check ims-alg 19 "calls"
echo "  logs: ims-agw $(wc -c <"$WORK/agw.log") bytes, ims-alg $(wc -c <"$WORK/alg.log") bytes at ${SOAK_LOG_LEVEL:-notice};" \
	"socat: $(cat "$WORK/ue-socat.log" "$WORK/core-socat.log" | grep -c ' E ') errors"
stop "$agw_pid" TERM; expect_eq "ims-agw stops cleanly on SIGTERM" "$stopped" 0
stop "$alg_pid" TERM; expect_eq "ims-alg stops cleanly on SIGTERM" "$stopped" 0
for p in $ends; do stop "$p" TERM; done
[ -z "${SOAK_KEEP:-}" ] || { cp -r "$WORK" "$SOAK_KEEP"; echo "  work files kept in $SOAK_KEEP"; }
finish
