#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The lab's NAT scenarios through a real NAT, in network namespaces this test creates and removes:
#   lab  (10.77.0.1)  ims-lab, ims-alg and ims-agw; the gateway's access realm on 10.77.0.1
#   nat  (10.77.0.2 | 10.77.1.1)  an nftables masquerade toward the lab side, forwarding on
#   ue   (10.77.1.2)  the media of the UEs marked behind_nat, routed only through nat
# SIP stays on the lab namespace's loopback. Skipped (77) where namespaces, veth or nftables are not
# allowed here. Each NAT scenario passes; one altered fails naming the step.
. "$top_srcdir/tests/integration/lib.sh"
LAB="$top_builddir/lab/ims-lab"
S="$top_srcdir/scenarios"
tag="ms$$"
lab=${tag}lab nat=${tag}nat ue=${tag}ue

skip() { echo "SKIP: $1"; exit 77; }
command -v ip >/dev/null || skip "ip (iproute2) is not installed"
command -v nft >/dev/null || skip "nft (nftables) is not installed"
netns_gone() { for n in $lab $nat $ue; do ip netns del "$n" 2>/dev/null; done; }
trap 'netns_gone; cleanup' EXIT
ip netns add "$lab" 2>/dev/null || skip "this machine does not allow creating network namespaces"
ip netns add "$nat" && ip netns add "$ue" || skip "cannot create network namespaces"
inns() { ip netns exec "$1" "${@:2}"; }
ip link add l0 netns "$lab" type veth peer name n0 netns "$nat" 2>/dev/null ||
	skip "veth pairs cannot be created here"
ip link add n1 netns "$nat" type veth peer name u0 netns "$ue" || skip "veth pairs cannot be created here"
inns "$lab" ip link set lo up && inns "$lab" ip addr add 10.77.0.1/24 dev l0 && inns "$lab" ip link set l0 up &&
	inns "$nat" ip link set lo up && inns "$nat" ip addr add 10.77.0.2/24 dev n0 && inns "$nat" ip link set n0 up &&
	inns "$nat" ip addr add 10.77.1.1/24 dev n1 && inns "$nat" ip link set n1 up &&
	inns "$ue" ip link set lo up && inns "$ue" ip addr add 10.77.1.2/24 dev u0 && inns "$ue" ip link set u0 up &&
	inns "$ue" ip route add default via 10.77.1.1 || skip "cannot address the namespaces"
inns "$nat" sysctl -qw net.ipv4.ip_forward=1 || skip "cannot enable forwarding in the NAT namespace"
inns "$nat" nft -f - <<NFT || skip "nftables cannot load a masquerade here"
table ip nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "n0" ip saddr 10.77.1.0/24 masquerade
	}
}
NFT
# the UE's side reaches the gateway only through the NAT; the lab side has no route back to 10.77.1.0/24
expect_match "the UE's way to the gateway is through the NAT" "$(inns "$ue" ip route get 10.77.0.1)" "via 10\.77\.1\.1 dev u0"
expect_eq "the lab side has no route to the UE's network" "$(inns "$lab" ip route get 10.77.1.2 2>&1 | grep -c unreachable)" 1

run() { inns "$lab" "$LAB" --color=never --quiet --nat "$ue,10.77.1.2,10.77.0.1" "$@"; }
out=$(run -o "$WORK/all" "$S/nat-merge-msrp-terminating.json" "$S/nat-t38-latch.json"); status=$?
expect_eq "the NAT scenarios pass" "$status" 0
[ "$status" = 0 ] || printf '%s\n' "$out"
expect_match "both ran" "$out" "2 of 2 scenarios passed"
expect_match "the gateway latched onto the NAT's address" \
	"$(grep -h '"udp.latch"' "$WORK/all/nat-t38-latch/agw.jsonl")" '"summary":"latched to 10\.77\.0\.2:[0-9]+"'
expect_match "the spoofed source was dropped" \
	"$(grep -h '"udp.drop"' "$WORK/all/nat-t38-latch/agw.jsonl")" '"summary":"dropped from '
expect_match "the UE's TCP connection reached the gateway from the NAT's address" \
	"$(grep -h '"tcp.ack"' "$WORK/all/nat-merge-msrp-terminating/agw.jsonl" | head -1)" '"from":"10\.77\.0\.2:'

sed 's/"event": "drop"/"event": "latch"/' "$S/nat-t38-latch.json" >"$WORK/nat-t38-latch.json"
out=$(run -o "$WORK/mut" "$WORK/nat-t38-latch.json"); status=$?
expect_eq "a latch expected instead of the drop: fails" "$status" 1
expect_match "a latch expected instead of the drop: says why" "$out" "step spoof: no UDP latching from core M to ims-agw was seen"
finish
