# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the interop cases (tests/interop/*.sh), sourced after tests/integration/lib.sh. Each case
# starts ims-alg and ims-agw and drives them with software this project did not write only (baresip,
# SIPp, a node.js UE on the npm sip package, openssl, socat, Kamailio); tshark reads every capture.
#   need TOOL...                 skips the case (77) with a message when a tool is missing
#   capture_start FILTER         dumpcap on lo into $WORK/capture.pcapng (skips when lo cannot be captured)
#   capture_stop                 ends it, every packet written
#   capture_check NAME PROTO...  the capture has no malformed frame and decodes each PROTO (a tshark
#                                display filter) at least once; $TSHARK_OPTS (an array) adds options
#                                such as the TLS key log or decode-as rules
INTEROP="$top_srcdir/tests/interop"
TSHARK_OPTS=()

need() {
	for tool in "$@"; do
		command -v "$tool" >/dev/null ||
			{ echo "$(basename "$0"): $tool is not installed: skipped"; exit 77; }
	done
}

capture_start() {
	need dumpcap tshark
	dumpcap -q -i lo -f "$1" -w "$WORK/capture.pcapng" 2>"$WORK/dumpcap.err" &
	cap_pid=$!
	pids="$pids $cap_pid"
	# dumpcap names its file once the capture runs
	wait_log "$WORK/dumpcap.err" '^File:' 5 >/dev/null || {
		echo "$(basename "$0"): cannot capture on lo ($(head -1 "$WORK/dumpcap.err")): skipped"
		exit 77
	}
}

capture_stop() {
	sleep 0.3 # the last frames reach the ring before the capture ends
	stop "$cap_pid" INT
}

# tshark over the capture with $TSHARK_OPTS, root's warning dropped
ts() {
	tshark -n -r "$WORK/capture.pcapng" "${TSHARK_OPTS[@]}" "$@" 2>"$WORK/tshark.err"
	grep -v '^Running as user "root"' "$WORK/tshark.err" | sed 's/^/tshark: /' >&2
}

capture_check() {
	local name=$1 proto n
	shift
	n=$(ts -Y '_ws.malformed || _ws.expert.severity == error' | wc -l)
	if [ "$n" = 0 ]; then ok "$name: no malformed frame in the capture"; else
		not_ok "$name: no malformed frame in the capture" \
			"$(ts -Y '_ws.malformed || _ws.expert.severity == error' | head -5)"
	fi
	for proto in "$@"; do
		n=$(ts -Y "$proto" | wc -l)
		if [ "$n" -gt 0 ]; then ok "$name: tshark decodes $proto ($n frames)"; else
			not_ok "$name: tshark decodes $proto" "$(ts -q -z io,phs | head -30)"
		fi
	done
}
