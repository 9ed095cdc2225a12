#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Signals an operator sends to both daemons: SIGHUP after a rotation (logrotate renames the log and trace
# files) opens new files by the old names, closes the renamed ones and applies a changed log.level;
# SIGUSR1, SIGUSR2 and SIGPIPE leave them running, the first two with a line in the log.
. "$top_srcdir/tests/integration/lib.sh"

set -- $("$FREEPORT" 4)
SIPA=$1 SIPC=$2 MGC=$3 MG=$4

conf() { # conf FILE LEVEL
	printf '{ "log": { "level": "%s", "file": "%s" } }\n' "$2" "${1%.json}.log" >"$1"
}
conf "$WORK/agw.json" notice
conf "$WORK/alg.json" notice
# a key file read at start and again at each SIGHUP (it must not count as a changed setting)
printf '00112233445566778899aabbccddeeff\n' >"$WORK/psk"
chmod 600 "$WORK/psk"
# the gateway registers with the controller, which audits it twice a second: both traces keep growing
start alg "$WORK/alg.err" "$ALG" -c "$WORK/alg.json" --trace-file "$WORK/alg.jsonl" --sip-access-port "$SIPA" \
	--sip-core-port "$SIPC" --h248-port "$MGC" --h248-gateways "127.0.0.1:$MG" --h248-audit 500 \
	--mrfc-psk-file "$WORK/psk"
alg=$last_pid
start agw "$WORK/agw.err" "$AGW" -c "$WORK/agw.json" --trace-file "$WORK/agw.jsonl" --h248-port "$MG" --mgc-port "$MGC"
agw=$last_pid
for d in agw alg; do
	if wait_log "$WORK/$d.log" "NOTICE main ready: "; then ok "$d logs to log.file"; else not_ok "$d logs to log.file"; fi
done
wait_log "$WORK/agw.log" "registered with the MGC" >/dev/null

running() { kill -0 "$1" 2>/dev/null && echo running || echo gone; }
# open FILE names of PID (what /proc/PID/fd links to)
open_files() { for fd in /proc/"$1"/fd/*; do readlink "$fd"; done 2>/dev/null; }
size() { stat -c %s "$1" 2>/dev/null || echo 0; }

# rotation: rename, a quieter level in the file, SIGHUP
for d in agw alg; do
	mv "$WORK/$d.log" "$WORK/$d.log.1"
	mv "$WORK/$d.jsonl" "$WORK/$d.jsonl.1"
	conf "$WORK/$d.json" warning
done
kill -HUP "$agw" "$alg"
for d in agw:$agw alg:$alg; do
	n=${d%%:*} pid=${d#*:}
	if wait_log "$WORK/$n.log" "NOTICE main SIGHUP: configuration reloaded: log.level warning \(was notice\)"; then
		ok "$n: SIGHUP reloads log.level, logged in a new log file"
	else
		not_ok "$n: SIGHUP reloads log.level, logged in a new log file"
	fi
	expect_match "$n: SIGHUP says which log file it reopened" "$(cat "$WORK/$n.log")" \
		"^[0-9T:.-]+Z ims-$n NOTICE main SIGHUP: log file $WORK/$n.log reopened$"
	expect_match "$n: SIGHUP says which trace file it reopened" "$(cat "$WORK/$n.log")" \
		"NOTICE main SIGHUP: trace file $WORK/$n.jsonl reopened$"
	expect_eq "$n: running after SIGHUP" "$(running "$pid")" running
	files=$(open_files "$pid")
	expect_match "$n: the new log file is open" "$files" "^$WORK/$n.log$"
	expect_match "$n: the new trace file is open" "$files" "^$WORK/$n.jsonl$"
	expect_eq "$n: the renamed files are closed" "$(printf '%s\n' "$files" | grep -c "\.1$")" 0
done
# the traces go on in the new files (the audits), not in the renamed ones
old_agw=$(size "$WORK/agw.jsonl.1") old_alg=$(size "$WORK/alg.jsonl.1")
i=0
while [ $i -lt 50 ] && { [ "$(size "$WORK/agw.jsonl")" -eq 0 ] || [ "$(size "$WORK/alg.jsonl")" -eq 0 ]; }; do
	sleep 0.1; i=$((i + 1))
done
for d in agw alg; do
	expect_match "$d: the new trace file is written" "$(head -n1 "$WORK/$d.jsonl")" "^\\{\"ts\":\"[^\"]+\",\"component\":\"ims-$d\""
done
expect_eq "agw: the renamed trace file is no longer written" "$(size "$WORK/agw.jsonl.1")" "$old_agw"
expect_eq "alg: the renamed trace file is no longer written" "$(size "$WORK/alg.jsonl.1")" "$old_alg"

# at warning, the notice SIGUSR1 gives is not logged: the new level took effect; SIGPIPE is ignored
kill -USR1 "$agw" "$alg"
kill -PIPE "$agw" "$alg"
sleep 0.5
for d in agw:$agw alg:$alg; do
	n=${d%%:*} pid=${d#*:}
	expect_eq "$n: running after SIGUSR1 and SIGPIPE" "$(running "$pid")" running
	expect_eq "$n: at warning, SIGUSR1's notice is not logged" "$(grep -c 'received SIGUSR1' "$WORK/$n.log")" 0
	conf "$WORK/$n.json" info
done
kill -HUP "$agw" "$alg"
for d in agw alg; do
	wait_log "$WORK/$d.log" "SIGHUP: configuration reloaded: log.level info \(was warning\)" >/dev/null ||
		not_ok "$d: back to info"
done
kill -USR1 "$agw" "$alg"
kill -USR2 "$agw" "$alg"
for d in agw:$agw alg:$alg; do
	n=${d%%:*} pid=${d#*:}
	if wait_log "$WORK/$n.log" "NOTICE main received SIGUSR2: ignored$"; then ok "$n: SIGUSR2 logged"; else not_ok "$n: SIGUSR2 logged"; fi
	expect_match "$n: SIGUSR1 logged and ignored" "$(cat "$WORK/$n.log")" \
		"^[0-9T:.-]+Z ims-$n NOTICE main received SIGUSR1: ignored$"
	expect_eq "$n: running after SIGUSR1 and SIGUSR2" "$(running "$pid")" running
done

for d in agw alg; do
	expect_eq "$d: log.level alone changed: no other setting reported" "$(grep -c 'other settings changed' "$WORK/$d.log")" 0
done
# a change that waits for the next start is said to
printf '{ "log": { "level": "info", "file": "%s" }, "h248": { "max_udp": 4096 } }\n' "$WORK/agw.log" >"$WORK/agw.json"
kill -HUP "$agw"
if wait_log "$WORK/agw.log" "WARN main SIGHUP: other settings changed in the configuration: they take effect at the next start \(only log.level is reloaded\)$"; then
	ok "agw: another changed setting is said to wait for the next start"
else
	not_ok "agw: another changed setting is said to wait for the next start"
fi

# a configuration that no longer reads: the running one is kept, and the daemon says why
printf '{ "log": { "level": "loud" } }\n' >"$WORK/agw.json"
kill -HUP "$agw"
if wait_log "$WORK/agw.log" "ERROR main SIGHUP: configuration not reloaded, the running one is kept: ims-agw: $WORK/agw.json: log.level: expected one of"; then
	ok "agw: a broken configuration is refused on SIGHUP"
else
	not_ok "agw: a broken configuration is refused on SIGHUP"
fi
expect_eq "agw: running after a broken reload" "$(running "$agw")" running

stop "$agw" TERM
expect_eq "agw exits 0 on SIGTERM" "$stopped" 0
stop "$alg" INT
expect_eq "alg exits 0 on SIGINT" "$stopped" 0
expect_match "agw logs its stop in the log file" "$(tail -n1 "$WORK/agw.log")" 'NOTICE main stopped$'
expect_match "alg logs its stop in the log file" "$(tail -n1 "$WORK/alg.log")" 'NOTICE main stopped$'
expect_eq "agw: nothing on stderr with a log file" "$(cat "$WORK/agw.err")" ""

finish
