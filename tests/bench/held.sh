#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/held.sh BUILD-DIR: one ims-alg holding many e2ae calls at once, spread over a pool of
# ims-agw processes as it picks them (round robin), the way a P-CSCF drives its gateways: the load
# goes through H.248, not through a rig. SIPp (tests/bench/sipp/held-uac.xml and uas.xml) places
# BENCH_HELD_CALLS calls (default 50,000) at BENCH_HELD_RATE a second (default 400, well within what the
# pool and SIPp do on two cores: the figures are of holding, not of overload); each is held until
# every call is up and then BENCH_HELD_PLATEAU seconds more (default 15), then ends with BYE. Each
# call is seed 004's originating e2ae MSRP call: ims-alg sends its gateway four transactions (Add, Add,
# Modify, and the Subtract at the end), and the gateway holds a context with a TLS access leg and a
# TCP core leg, both listening (the UE and the core are the TCP clients, a=setup:active). A gateway
# may hold 20,000 descriptors here and each held call takes two, so the pool has
# ceil(calls / BENCH_HELD_PER_GATEWAY) gateways (default 8,400 each), each on 127.0.1.N.
# Figures, all from this one run (the daemons share both cores with SIPp; nothing is pinned):
#   - call setup latency (SIPp's INVITE to 200 OK) mean and p99 for the first and for the last
#     BENCH_HELD_WINDOW calls (default 2,000): with a handful of calls held, then with nearly all
#     (SIPp's clock counts in steps of about 4 ms here, so a median says little; the mean does);
#   - CPU per call setup of ims-alg and of the pool, over the same two windows (from /proc, sampled
#     every 0.5 s with ims-alg's count of calls from its control socket);
#   - resident KiB per call, ims-alg and the pool, from before the first call to all held (this
#     counts the SIP transactions sofia-sip keeps 64*T1, 32 s, after each call's INVITE, and the
#     H.248 ids the gateways keep for LONG-TIMER), and per held call: the growth from half the calls
#     held to all, both past the first 40 s, when as many transactions expire as begin;
#   - failed calls (SIPp's count), and what is left once every call has ended (ims-alg's calls and
#     dialogs, each gateway's contexts): none may be.
set -u
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
total=${BENCH_HELD_CALLS:-50000}
per=${BENCH_HELD_PER_GATEWAY:-8400}
rate=${BENCH_HELD_RATE:-400}
plateau=${BENCH_HELD_PLATEAU:-15}
window=${BENCH_HELD_WINDOW:-2000}
command -v sipp >/dev/null || { echo "held: sipp is not installed (scripts/setup installs it)"; exit 0; }
files=$(ulimit -Hn)
if [ "$files" != unlimited ] && [ $((2 * per + 300)) -gt "$files" ]; then
	per=$(((files - 300) / 2))
fi
k=$(((total + per - 1) / per))
[ "$window" -le $((total / 2)) ] || window=$((total / 2))
work=$(mktemp -d)
pids=""
trap 'kill $pids 2>/dev/null; wait 2>/dev/null; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
free() { "$build/tests/util/freeport" 1; }
ctl() { "$build/common/ims-ctl" -s "$1" --json "${@:2}" 2>/dev/null; }
# the integer after "key": in a JSON answer
field() { grep -o "\"$1\": *[0-9]*" | head -1 | grep -o '[0-9]*$'; }

uas=$(free) h248=$(free) access=$(free) core=$(free) agw_port=$(free)
cp "$src/tests/bench/sipp/held-uac.xml" "$src/tests/bench/sipp/held-uas.xml" "$work/"
cd "$work" || exit 1
# the UE's certificate, made per run (ECDSA P-256, as scale.sh's): its SHA-256 fingerprint goes into
# every offer, colon-separated uppercase hex (RFC 8122)
certtool --generate-privkey --key-type ecdsa --curve secp256r1 --outfile "$work/ue-key.pem" 2>/dev/null
printf 'cn = "bench UE"\nserial = 2\nexpiration_days = 3650\nsigning_key\nencryption_key\ntls_www_client\n' >"$work/ue.tmpl"
certtool --generate-self-signed --load-privkey "$work/ue-key.pem" --template "$work/ue.tmpl" \
	--outfile "$work/ue-cert.pem" 2>/dev/null
fp=$(certtool --fingerprint --hash sha256 --infile "$work/ue-cert.pem" | tr a-f A-F | sed 's/../&:/g; s/:$//')
[ ${#fp} = 95 ] || { echo "held: no fingerprint of the UE certificate ($fp)"; exit 1; }
sipp -sf held-uas.xml -i 127.0.0.1 -p "$uas" -buff_size 4194304 -l 1000000 -nostdin -bg \
	-trace_err -error_file "$work/uas.err" -trace_logs -log_file "$work/core.legs" >"$work/uas.out" 2>&1
pids="$pids $(pgrep -f "sipp -sf held-uas.xml -i 127.0.0.1 -p $uas" | tr '\n' ' ')"

${BENCH_HELD_ALG_WRAP:-} "$build/alg/ims-alg" --sip-access-port "$access" --sip-core-port "$core" \
	--sip-core-next-hop "sip:127.0.0.1:$uas" --h248-port "$h248" --h248-gateways 127.0.1.0/24 \
	--policy-force-e2ae-orig --no-sip-registered-only --sip-max-calls $((total + 1000)) \
	--h248-max-pending 1024 --ctl-socket "$work/alg.sock" --log-level warning >/dev/null 2>"$work/alg.log" &
alg_pid=$!
pids="$pids $alg_pid"
agw_pids=""
for i in $(seq "$k"); do
	"$build/agw/ims-agw" --h248-address "127.0.1.$i" --h248-port "$agw_port" --mgc-port "$h248" \
		--realm-access-address "127.0.1.$i" --realm-core-address "127.0.1.$i" \
		--realm-access-ports 10000-34999 --realm-core-ports 35000-59999 \
		--h248-max-contexts $((per + 500)) --h248-max-terminations $((2 * per + 1000)) \
		--ctl-socket "$work/agw$i.sock" --log-level warning >/dev/null 2>"$work/agw$i.log" &
	agw_pids="$agw_pids $!"
done
pids="$pids $agw_pids"
for _ in $(seq 100); do # every gateway registered
	up=$(ctl "$work/alg.sock" status | field gateways_up)
	[ "${up:-0}" -ge "$k" ] && break
	sleep 0.1
done
if [ "${up:-0}" -lt "$k" ]; then
	echo "held: ${up:-0} of $k gateways registered with ims-alg"; tail -n 3 "$work"/*.log; exit 1
fi

# sample: "seconds calls alg-cpu-s pool-cpu-s alg-kib pool-kib" every 0.5 s until the file stop exists
hz=$(getconf CLK_TCK)
sample() {
	local t0 p
	t0=$(date +%s.%N)
	while [ ! -e "$work/stop" ]; do
		for p in $alg_pid $agw_pids; do cat "/proc/$p/stat" "/proc/$p/status" 2>/dev/null; done |
			awk -v hz="$hz" -v alg="$alg_pid" -v calls="$(ctl "$work/alg.sock" status | field calls)" \
				-v t="$(date +%s.%N)" -v t0="$t0" '
				/^[0-9]+ \(/ { pid = $1; sub(/^.*\) /, ""); c = ($12 + $13) / hz; if (pid == alg) ac = c; else gc += c }
				/^VmRSS:/ { if (pid == alg) am = $2; else gm += $2 }
				END { printf "%.2f %d %.2f %.2f %d %d\n", t - t0, calls, ac, gc, am, gm }'
		sleep 0.5
	done
}
sample >"$work/samples" &
sampler=$!
pids="$pids $sampler"

hold_ms=$(((total * 1000 / rate) + plateau * 1000))
start=$(date +%s.%N)
sipp "127.0.0.1:$access" -sf held-uac.xml -i 127.0.0.1 -p "$(free)" -m "$total" -r "$rate" -l "$total" \
	-d "$hold_ms" -buff_size 4194304 -nostdin -timeout $((hold_ms / 1000 + total / rate + 120))s \
	-timeout_error -trace_stat -stf "$work/uac.csv" -trace_rtt -rtt_freq 1 -trace_err \
	-error_file "$work/uac.err" -key fp "$fp" -trace_logs -log_file "$work/access.legs" >"$work/uac.out" 2>&1
sipp_rc=$?
end=$(date +%s.%N)
sleep 2 # the last BYEs' Subtracts answered
touch "$work/stop"
wait $sampler 2>/dev/null
left_calls=$(ctl "$work/alg.sock" status | field calls)
left_dialogs=$(ctl "$work/alg.sock" status | field dialogs)
left_ctx=0
for i in $(seq "$k"); do
	c=$(ctl "$work/agw$i.sock" status | field contexts)
	[ -n "$c" ] || { echo "held: gateway $i does not answer on its control socket: $work/agw$i.log"; BENCH_KEEP=1; exit 1; }
	left_ctx=$((left_ctx + c))
done
read -r ok failed < <(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i }
	END { print $col["SuccessfulCall(C)"], $col["FailedCall(C)"] }' "$work/uac.csv")

# latency: SIPp's response times (ms) in call order, first and last window
rtt=$(ls "$work"/held-uac_*_rtt.csv 2>/dev/null | head -1)
pct() { # FILE FROM TO: the mean and p99 (nearest rank) of lines FROM..TO
	sed -n "$2,$3p" "$1" | sort -n | awk '{ v[NR] = $1; s += $1 } END {
		printf "%.2f %.2f", s / NR, v[int(NR * 0.99 + 0.999)] }'
}
awk -F';' '$2 ~ /^[0-9.]+$/ { print $2 }' "$rtt" >"$work/rtd"
n_rtd=$(wc -l <"$work/rtd")
read -r fmean f99 <<<"$(pct "$work/rtd" 1 "$window")"
read -r lmean l99 <<<"$(pct "$work/rtd" $((n_rtd - window + 1)) "$n_rtd")"

# CPU per call: the samples where ims-alg's calls first reach a count, differences over a window
awk -v w="$window" -v n="$total" -v k="$k" -v ok="$ok" -v failed="$failed" -v fm="$fmean" -v f99="$f99" \
	-v lm="$lmean" -v l99="$l99" -v rate="$rate" -v secs="$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" \
	-v lc="${left_calls:-?}" -v ld="${left_dialogs:-?}" -v lx="$left_ctx" '
	NR == 1 { m0a = $5; m0g = $6 }
	# the first sample at or past each mark (the ramp is monotonic until every call is up), with the
	# count it read: a window is the calls between two samples, not the marks
	{ for (i = 1; i <= 5; i++) if (!(i in hit) && $2 >= mark[i]) { hit[i] = 1; c[i] = $2; a[i] = $3; g[i] = $4; t[i] = $1; ma[i] = $5; mg[i] = $6 } }
	$2 > peak { peak = $2; pa = $5; pg = $6 }
	BEGIN { mark[1] = 0; mark[2] = w; mark[3] = n - w; mark[4] = n; mark[5] = int(n / 2) }
	END {
		printf "held calls: %d calls through one ims-alg and %d gateways (%d each at most), placed at %d/s\n", n, k, int((n + k - 1) / k), rate
		printf "  %d successful, %d failed (SIPp); at most %d held at once (ims-alg)\n", ok, failed, peak
		printf "  setup latency, INVITE to 200 OK (ms): first %d calls mean %s p99 %s; last %d mean %s p99 %s; ratio last/first mean %.2f p99 %.2f\n",
			w, fm, f99, w, lm, l99, (fm > 0 ? lm / fm : 0), (f99 > 0 ? l99 / f99 : 0)
		if ((2 in hit) && (4 in hit)) {
			fa = (a[2] - a[1]) * 1000 / (c[2] - c[1]); fg = (g[2] - g[1]) * 1000 / (c[2] - c[1])
			la = (a[4] - a[3]) * 1000 / (c[4] - c[3]); lg = (g[4] - g[3]) * 1000 / (c[4] - c[3])
			printf "  CPU per call setup (ms): first %d calls ims-alg %.3f + pool %.3f; last %d ims-alg %.3f + pool %.3f; ratio last/first %.2f (ims-alg %.2f, pool %.2f)\n",
				c[2] - c[1], fa, fg, c[4] - c[3], la, lg, (fa + fg > 0 ? (la + lg) / (fa + fg) : 0), (fa > 0 ? la / fa : 0), (fg > 0 ? lg / fg : 0)
		} else
			printf "  CPU per call setup: not known (ims-alg never held %d calls)\n", n
		printf "  resident KiB per call: ims-alg %.1f, the pool %.1f (from before the first call to %d held; with\n",
			(peak ? (pa - m0a) / peak : 0), (peak ? (pg - m0g) / peak : 0), peak
		printf "    the SIP transactions and H.248 ids of the last 32 s of calls, which sofia-sip and the gateways keep)\n"
		if ((5 in hit) && (4 in hit) && t[5] >= 40)
			printf "  resident KiB per held call: ims-alg %.1f, the pool %.1f (growth from %d to %d held, both past the\n    first 40 s, when as many transactions expire as begin)\n",
				(ma[4] - ma[5]) / (c[4] - c[5]), (mg[4] - mg[5]) / (c[4] - c[5]), c[5], c[4]
		else
			printf "  resident KiB per held call: not separable (half the calls were up within 40 s)\n"
		printf "  left once every call ended: ims-alg %s calls, %s dialogs; the gateways %d contexts\n", lc, ld, lx
	}' "$work/samples"
[ "$sipp_rc" = 0 ] && [ "${failed:-1}" = 0 ] && [ "${ok:-0}" = "$total" ] && [ "${left_calls:-1}" = 0 ] &&
	[ "${left_dialogs:-1}" = 0 ] && [ "$left_ctx" = 0 ] || {
	echo "held: SIPp exit $sipp_rc, $ok of $total calls, or something was left: $work/uac.err, $work/alg.log"
	BENCH_KEEP=1; exit 1; }
