#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bench/scale.sh BUILD-DIR: many concurrent TLS+TCP sessions through a pool of ims-agw processes,
# each provisioned over H.248 by its own MGC (the rig inside relay_bench), as one controller spreads its
# calls over a pool of gateways: a process may hold 20,000 descriptors here, two per session, so one
# gateway carries at most about 9,900 sessions and the pool is how the load grows. Every gateway gets
# a loopback address of its own (127.0.1.N) for its access and core realms. Figures, against the same
# pool (as many gateways, sharing the cores alike) with BENCH_SCALE_BASE sessions in all (default 1,000)
# in the same run, so that the number of sessions is what differs:
#   - chat round trips (relay_msrp.c: MSRP SEND and 200 OK through the gateway, BENCH_MSRP_MESSAGES
#     each, default 100) per gateway CPU-second, and their latency p50 and p99: in both pools the same
#     BENCH_SCALE_BASE sessions chat, one SEND in flight each, the others stay open and idle, so that
#     the load is the same and only the number of open sessions differs;
#   - handshakes per gateway CPU-second while the sessions open, and resident KiB per open session;
#   - bulk TLS->TCP throughput: one stream through one gateway, then two streams at once through two
#     gateways (both cores).
# BENCH_SCALE_SESSIONS (default 50,000) sessions in all, BENCH_SCALE_PER_GATEWAY (default 8,400) at most
# per gateway; nothing is pinned (the pool and its clients share both cores). Methods: README.md.
set -u
build=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
stats=$(cat "$src/tests/bench/stats.awk") # median, lowhigh, spread
total=${BENCH_SCALE_SESSIONS:-50000}
per=${BENCH_SCALE_PER_GATEWAY:-8400}
base=${BENCH_SCALE_BASE:-1000}
export BENCH_MSRP_MESSAGES=${BENCH_MSRP_MESSAGES:-100}
files=$(ulimit -Hn)
if [ "$files" != unlimited ] && [ $((2 * per + 300)) -gt "$files" ]; then
	per=$(((files - 300) / 2))
fi
k=$(((total + per - 1) / per))
per=$(((total + k - 1) / k))
work=$(mktemp -d)
trap 'pkill -P $$ 2>/dev/null; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
bench="$build/tests/bench/relay_bench"

certtool --generate-privkey --key-type ecdsa --curve secp256r1 --outfile "$work/ue-key.pem" 2>/dev/null
printf 'cn = "bench UE"\nserial = 2\nexpiration_days = 3650\nsigning_key\nencryption_key\ntls_www_client\n' >"$work/ue.tmpl"
certtool --generate-self-signed --load-privkey "$work/ue-key.pem" --template "$work/ue.tmpl" \
	--outfile "$work/ue-cert.pem" 2>/dev/null

# pool MODE GATEWAYS SESSIONS-EACH OUT: that many relay_bench processes at once, each with its gateway on
# 127.0.1.N, meeting at the barriers (all sessions open, then the exchange; the bulk streams together)
pool() {
	local mode=$1 n=$2 each=$3 out=$4 i
	rm -rf "$work/barrier" && mkdir "$work/barrier"
	: >"$out"
	for i in $(seq "$n"); do
		BENCH_MSRP_ACTIVE=$(((base + n - 1) / n)) BENCH_AGW_ADDRESS=127.0.1.$i BENCH_BARRIER="$work/barrier" BENCH_BARRIER_COUNT=$n \
			BENCH_BUFFER_KIB=18 top_builddir="$build" \
			"$bench" "$mode" "$work/ue-cert.pem" "$work/ue-key.pem" "$each" >>"$out" 2>>"$work/err" &
	done
	wait
}

runs=${BENCH_RUNS:-3}
# relay_msrp lines: name rt/cpu rt/s busy p50 p99 bytes done/asked hs/cpu kib open. One pool's round, one
# line: open chatting rt/gw-cpu (the gateways' median) rt/s (all) p50 (the gateways' median) p99 (the
# worst gateway's) hs/gw-cpu (median) kib (median) unanswered
round_line="$stats"'
{ n++; split($8, d, "/"); done += d[1]; asked += d[2]; chat += d[2] / msgs; rate += $3; open += $11
  rt[n] = $2; p50[n] = $5; if ($6 > p99) p99 = $6; hs[n] = $9; kib[n] = $10 }
END { if (n) printf "%d %d %.0f %.0f %.2f %.2f %.0f %.1f %d\n", open, chat, median(rt, n), rate, median(p50, n),
	p99, median(hs, n), median(kib, n), asked - done }'
: >"$work/rounds"
for r in $(seq "$runs"); do
	pool msrp-agw "$k" $(((base + k - 1) / k)) "$work/base"
	pool msrp-agw "$k" "$per" "$work/scale"
	BENCH_MIB=${BENCH_MIB:-1024} pool agw 1 100 "$work/bulk1"
	BENCH_MIB=${BENCH_MIB:-1024} pool agw 2 100 "$work/bulk2"
	for pool in base scale; do
		echo "$r $pool $(awk -v msgs="$BENCH_MSRP_MESSAGES" "$round_line" "$work/$pool")" >>"$work/rounds"
	done
	# two at once: both streams' bytes over the time from the first one's start to the last one's end
	# (the relays' lines end with each stream's start and end on the shared CLOCK_MONOTONIC)
	echo "$r bulk $(awk '{ s += $2 } END { printf "%.2f", s }' "$work/bulk1")" \
		"$(awk -v mib="${BENCH_MIB:-1024}" '$2 > 0 { n++; if (!from || $9 < from) from = $9; if ($10 > to) to = $10 }
			END { printf "%.2f", (n == 2 && to > from ? 2 * mib * 8 * 1048576 / (to - from) / 1e9 : 0) }' \
			"$work/bulk2")" >>"$work/rounds"
done

echo "a pool of $k ims-agw gateways, each provisioned over H.248 by its own MGC and on its own loopback address;"
echo "nothing pinned; the same $base sessions chat in both pools (${BENCH_MSRP_MESSAGES} MSRP SENDs each, one in flight)," \
	"the others are open and idle; $runs rounds, median (min-max)"
awk -v gateways="$k" "$stats"'
function count(key,   r, k, a) {
	k = 0
	for (r = 1; r <= rounds; r++) if ((r, key) in v) a[++k] = v[r, key]
	return k ? sprintf("%.0f", median(a, k)) : "-"
}
function fig(key, fmt,   r, k, a) {
	k = 0
	for (r = 1; r <= rounds; r++) if ((r, key) in v) a[++k] = v[r, key]
	return spread(a, k, fmt)
}
$2 == "bulk" { v[$1, "one"] = $3; v[$1, "two"] = $4; if ($3 > 0) v[$1, "gain"] = $4 / $3 }
$2 != "bulk" && NF >= 11 { for (c = 3; c <= 11; c++) v[$1, $2, c] = $c; lost += $11 }
{ if ($1 > rounds) rounds = $1 }
END {
	for (r = 1; r <= rounds; r++) {
		if ((r, "base", 5) in v && (r, "scale", 5) in v && v[r, "base", 5] > 0 && v[r, "base", 9] > 0) {
			v[r, "rt"] = v[r, "scale", 5] / v[r, "base", 5]; v[r, "hs"] = v[r, "scale", 9] / v[r, "base", 9]
			if (v[r, "base", 8] > 0) v[r, "p99"] = v[r, "scale", 8] / v[r, "base", 8]
		}
		for (c = 3; c <= 10; c++) for (p = 0; p < 2; p++) {
			name = p ? "scale" : "base"
			if ((r, name, c) in v) v[r, name c] = v[r, name, c]
		}
	}
	printf "%-6s %9s %8s %-26s %-24s %-20s %-22s %-24s %s\n", "", "open", "chatting",
		"round trips/gateway CPU-s", "round trips/s (all)", "latency p50 ms", "latency p99 ms",
		"handshakes/gateway CPU-s", "KiB/open session"
	for (p = 0; p < 2; p++) {
		name = p ? "scale" : "base"
		printf "%-6s %9s %8s %-26s %-24s %-20s %-22s %-24s %s\n", name, count(name 3), count(name 4),
			fig(name 5, "%.0f"), fig(name 6, "%.0f"), fig(name 7, "%.1f"), fig(name 8, "%.1f"),
			fig(name 9, "%.0f"), fig(name 10, "%.1f")
	}
	printf "scale / base, per round: round trips per gateway CPU-second %s, handshakes per gateway CPU-second %s\n",
		fig("rt", "%.2f"), fig("hs", "%.2f")
	printf "  (flat: 1); latency p99 %s times the base'"'"'s\n", fig("p99", "%.2f")
	printf "bulk TLS->TCP: one gateway %s Gbit/s; two gateways at once %s Gbit/s in all (both streams over\n" \
		"  the first start to the last end), %s times one (median of the rounds'"'"' ratios)\n",
		fig("one", "%.2f"), fig("two", "%.2f"), fig("gain", "%.2f")
	if (lost) printf "(%d round trips unanswered in all)\n", lost
}' "$work/rounds"
if [ -s "$work/err" ]; then
	echo "errors:"
	sort "$work/err" | uniq -c | sort -rn | head -5
fi
