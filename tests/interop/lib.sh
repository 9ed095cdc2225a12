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
# SIPp parties and media ends ($case names the case in the checks' names):
#   sipp_party, sipp_wait        a SIPp party in the background; its end checked
#   bound PORT                   waits until something listens on PORT
#   media, send, got, cross      a media end (openssl, socat) fed through a FIFO; bytes across, as hex
#   body, port_of                the SDP of a message in a SIPp message log; a port of its m= line
#   h248_sent                    the H.248 ims-alg sent, as its trace holds it, normalised
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

# sipp NAME SCENARIO PORT [ARG...]: a SIPp party on PORT, its messages in $WORK/NAME.msg; sets $sipp_pid
sipp_party() {
	local name=$1 sf=$2 port=$3
	shift 3
	sipp -sf "$sf" -i 127.0.0.1 -p "$port" -m 1 -nd -timeout 30 -timeout_error -trace_msg \
		-message_file "$WORK/$name.msg" -trace_err -error_file "$WORK/$name.err" "$@" >/dev/null 2>&1 &
	sipp_pid=$!
	pids="$pids $sipp_pid"
}
# sipp_wait NAME PID WHAT: SIPp's exit status, 0 when it played its scenario to the end
sipp_wait() {
	wait "$2"
	local st=$?
	expect_eq "$case: $3" "$st" 0
	[ "$st" = 0 ] || head -c 1500 "$WORK/$1.err"
}
# media NAME CMD...: CMD (openssl or socat) in the background, its standard input a FIFO this shell
# holds open (send writes into it), its standard output in $WORK/NAME.out
declare -A fd
media() {
	local name=$1 f
	shift
	mkfifo "$WORK/$name.in"
	exec {f}<>"$WORK/$name.in"
	fd[$name]=$f
	"$@" <"$WORK/$name.in" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	pids="$pids $!"
	disown $! # killed at the end if still there, without a word
}
# send NAME HEX: these bytes to NAME's standard input, in one write
send() { printf "$(printf '%s' "$2" | sed 's/../\\x&/g')" >&"${fd[$1]}"; }
# got NAME HEX: waits (5 s at most) until NAME has output as many bytes, and prints its output as hex
got() {
	local i=0
	while [ $i -lt 50 ] && [ "$(stat -c %s "$WORK/$1.out")" -lt $((${#2} / 2)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	od -An -tx1 -v "$WORK/$1.out" | tr -d ' \n'
}
# cross A HEX-A B HEX-B: A's bytes reach B and B's reach A, byte for byte
cross() {
	send "$1" "$2"
	expect_eq "$case: $1's bytes reach $3 byte for byte" "$(got "$3" "$2")" "$2"
	send "$3" "$4"
	expect_eq "$case: $3's bytes reach $1 byte for byte" "$(got "$1" "$4")" "$4"
}
# port_of LOG START-RE CSEQ MEDIA: the port of the first MEDIA line in that message's SDP
port_of() { body "$1" "$2" "$3" | sed -n "s/^m=$4 \([0-9]*\) .*/\1/p" | head -n 1; }
# body LOG START-RE CSEQ: the SDP of the first message in a SIPp message log whose start line matches
# START-RE and whose CSeq is CSEQ, line ends LF
body() {
	awk -v re="$2" -v cseq="CSeq: $3" '
	function done() { if (ok && sdp != "" && !out) { out = 1; printf "%s", sdp; exit } }
	/^----------/ { done(); m = 0; ok = 0; sdp = ""; next }
	{ sub(/\r$/, "") }
	m == 0 && $0 ~ re { m = 1; next }
	m == 1 && $0 == cseq { ok = 1 }
	m == 1 && $0 == "" { m = 2; next }
	m == 2 { sdp = sdp $0 "\n" }
	END { done() }' "$1"
}

# h248_sent TRACE [PORTS-RE]: every transaction ims-alg sent (its trace), but the periodic audits of
# ROOT, each without its header and with its id as T; the ports PORTS-RE matches on m= lines as @GATEWAY@
h248_sent() {
	python3 - "$1" "${2:-^$}" <<'PY'
import json, re, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("kind") == "h248.tx" and o.get("summary", "").startswith("Transaction =") and \
       "Context = - {" not in o["raw"]:
        raw = re.sub(r"^MEGACO/[0-9] \[[^]]*\]:[0-9]+\n", "", o["raw"])
        raw = re.sub(r"(?m)^(m=[a-z]+ )(" + sys.argv[2] + r") ", r"\1@GATEWAY@ ", raw)
        print(re.sub(r"Transaction = [0-9]+", "Transaction = T", raw))
PY
}
# bound PORT: waits (5 s at most) until a socket is bound at PORT (a media end started is ready)
bound() {
	local i=0
	while [ $i -lt 50 ] && [ -z "$(ss -Hatun "sport = :$1")" ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
