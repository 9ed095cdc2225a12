#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# systemd's notification protocol without systemd: a listener on NOTIFY_SOCKET (notify.py) takes the
# place of systemd. Each daemon says READY=1 once it serves, WATCHDOG=1 at half WATCHDOG_USEC while
# its loop turns, RELOADING=1 and READY=1 around a SIGHUP, and STOPPING=1 when told to stop.
. "$top_srcdir/tests/integration/lib.sh"

command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
if ! grep -q '^#define HAVE_SYSTEMD 1' "$top_builddir/config.h" 2>/dev/null; then
	echo "SKIP: built without libsystemd (configure --with-systemd; Debian package libsystemd-dev)"
	exit 77
fi
set -- $("$FREEPORT" 4)
SIPA=$1 SIPC=$2 MGC=$3 MG=$4

# run NAME CMD...: the daemon under a notify listener with a 400 ms watchdog; SIGHUP after ready, and
# SIGTERM after 1.5 s; the notifications are left in $WORK/NAME.notify
run() {
	name=$1; shift
	sock="$WORK/$name.sock"
	python3 "$top_srcdir/tests/integration/notify.py" "$sock" 10 >"$WORK/$name.notify" &
	listener=$!
	pids="$pids $listener"
	wait_log "$WORK/$name.notify" '^listening$' 5 >/dev/null
	NOTIFY_SOCKET="$sock" WATCHDOG_USEC=400000 start "$name" "$WORK/$name.log" "$@"
	daemon=$last_pid
	wait_log "$WORK/$name.notify" '^READY=1' 5 >/dev/null
	kill -HUP "$daemon"
	sleep 1.5
	stop "$daemon" TERM
	expect_eq "$name exits 0" "$stopped" 0
	wait "$listener"
	# the sequence, with the watchdog's beats counted apart
	beats=$(grep -c '^WATCHDOG=1$' "$WORK/$name.notify")
	expect_eq "$name: READY=1, RELOADING=1 and READY=1 on SIGHUP, STOPPING=1, in that order" \
		"$(grep -v '^WATCHDOG=1$' "$WORK/$name.notify" | sed 's/|STATUS=.*//' | tr '\n' ' ')" \
		"listening READY=1 RELOADING=1 READY=1 STOPPING=1 "
	# 1.5 s and more at one beat per 200 ms: at least 6, and not a flood
	expect_match "$name: WATCHDOG=1 every 200 ms ($beats beats)" "$([ "$beats" -ge 6 ] && [ "$beats" -le 20 ] && echo ok)" '^ok$'
	expect_match "$name: the first READY=1 carries a STATUS" "$(grep -m1 '^READY=1' "$WORK/$name.notify")" '^READY=1\|STATUS=.+'
}

# the controller first: the gateway then registers with it
start alg0 "$WORK/alg0.log" "$ALG" --sip-access-port "$SIPA" --sip-core-port "$SIPC" --h248-port "$MGC"
alg0=$last_pid
wait_log "$WORK/alg0.log" "ready:" >/dev/null
run agw "$AGW" --h248-port "$MG" --mgc-port "$MGC"
stop "$alg0" TERM
run alg "$ALG" --sip-access-port "$SIPA" --sip-core-port "$SIPC" --h248-port "$MGC"

# without NOTIFY_SOCKET nothing is sent and nothing is said about it
start plain "$WORK/plain.log" "$AGW" --h248-port "$MG" --mgc-port "$MGC"
plain=$last_pid
wait_log "$WORK/plain.log" "ready:" >/dev/null
stop "$plain" TERM
expect_eq "without NOTIFY_SOCKET: no complaint" "$(grep -c 'systemd' "$WORK/plain.log")" 0

finish
