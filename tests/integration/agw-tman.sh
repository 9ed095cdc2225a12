#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# H.248.53's tman and H.248.57's rtcph on ims-agw's terminations (issue 20: mandatory packages of the Iq
# profile, TS 29.334 §5.14). An MGC and the parties (tests/integration/agw_tman.py) drive the gateway:
# - UDP: the access termination set to tman/pol = on, sdr = 1000, mbs = 5000; the UE sends 20 datagrams
#   of 1000 octets at once: 5 reach the core party (the bucket's burst; a sixth would need a second of
#   refill), 15 are dropped, and the Subtract's Statistics say tmanr/dp = 15. The 20 sent the other way
#   all cross: the core termination has no policing.
# - TCP (MSRP): the access termination at sdr = 400000, mbs = 65536; the UE sends 1,265,536 octets as
#   fast as TCP lets it. They all arrive, in order, and the core party receives them over no less than
#   (1,265,536 - 65,536) / 400,000 = 3.0 s (a token bucket lets no more through: checked at 0.95 of it)
#   and no more than 4.5 s; tmanr/dp = 0 (a stream is throttled, never cut) and the log counts the pauses.
#   The same through a TCP/TLS/MSRP access leg the UE (python3's ssl, an openssl-made certificate) opens:
#   the rate is held on the plaintext octets, and all arrive.
# - the Audit of Media returns every tman property and rtcph/rtcpa as set; sdr = 0, pdr below sdr,
#   pol = maybe, pol = on without a rate and rtcpa = 1 are refused with 449; ROOT's Packages list tman-1,
#   tmanr-1 and rtcph-1 under Iq, none of them under Ix, where both packages are refused with 445.
# On the code before, tman/pol and rtcph/rtcpa were refused with 445 under Iq too. Skipped (77) without
# python3 or openssl.
. "$top_srcdir/tests/integration/lib.sh"
for tool in python3 openssl; do
	command -v $tool >/dev/null || { echo "$tool not installed: skipped"; exit 77; }
done

set -- $("$FREEPORT" 10)
agwp=$1 mgcp=$2 ue_udp=$3 core_udp=$4 ue_tcp=$5 core_tcp=$6 agwp2=$7 mgcp2=$8 ue_tls=$9 core_tls=${10}
# the UE's certificate for the TLS leg, and its fingerprint as an SDP a=fingerprint writes it
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$WORK/ue-key.pem" \
	-out "$WORK/ue-cert.pem" -days 1 -subj /CN=ue >/dev/null 2>&1
fp="sha-256 $(openssl x509 -in "$WORK/ue-cert.pem" -noout -fingerprint -sha256 | cut -d= -f2)"
start agw "$WORK/agw.log" "$AGW" --h248-port "$agwp" --mgc-port "$mgcp" --h248-mid "[127.0.0.1]:2944" \
	--realm-access-ports 30480-30489 --realm-core-ports 30490-30499 --log-level info --mgc-silence-timeout 0
agw=$last_pid
wait_log "$WORK/agw.log" "ready:" >/dev/null
timeout 90 python3 "$top_srcdir/tests/integration/agw_tman.py" "$mgcp" "$agwp" "$WORK" \
	"$ue_udp" "$core_udp" "$ue_tcp" "$core_tcp" "$ue_tls" "$core_tls" "$WORK/ue-cert.pem" "$WORK/ue-key.pem" "$fp" \
	>"$WORK/measured.txt" 2>"$WORK/py.err"
expect_eq "every request answered" "$?: $(cat "$WORK/py.err")" "0: "
measured() { awk -v k="$1" '$1 == k { $1 = ""; print substr($0, 2) }' "$WORK/measured.txt"; }
reply() { sed 's/nt\/dur = [0-9]*/nt\/dur = N/' "$WORK/reply-$1.txt" 2>/dev/null; }
port() { awk '/^m=/ { print $2; exit }' "$WORK/reply-$1.txt" 2>/dev/null; }

expect_eq "UDP: 5 of the 20 datagrams through the policed termination" "$(measured udp_in)" 5
expect_eq "UDP: 20 of 20 the other way (the core termination is not policed)" "$(measured udp_out)" 20
expect_eq "UDP: the Audit returns tman and rtcph as set" "$(reply 3)" "MEGACO/3 [127.0.0.1]:2944
Reply = 3 {
  Context = 1 {
    AuditValue = ac/2 {
      Media {
        Stream = 1 {
          LocalControl {
            Mode = SendReceive,
            tman/pol = on,
            tman/sdr = 1000,
            tman/mbs = 5000,
            tman/pdr = 2000,
            tman/dvt = 10,
            rtcph/rtcpa = off
          },
          Local {
v=0
c=IN IP4 127.0.0.1
m=image $(port 2) UDP t38
},
          Remote {
v=0
c=IN IP4 127.0.0.1
m=image $ue_udp UDP t38
}
        }
      }
    }
  }
}"
refusal() { # TID TERM TEXT: the Reply refusing TID with 449
	printf 'MEGACO/3 [127.0.0.1]:2944\nReply = %s {\n  Context = 1 {\n    Modify = %s {\n      Error = 449 {\n        "%s"\n      }\n    }\n  }\n}' \
		"$1" "$2" "$3"
}
expect_eq "tman/sdr = 0 refused with 449" "$(reply 4)" \
	"$(refusal 4 ac/2 "tman/sdr = 0: expected an integer from 1 to 4294967295")"
expect_eq "tman/pdr below sdr refused with 449" "$(reply 5)" \
	"$(refusal 5 ac/2 "tman/pdr = 999 is below tman/sdr = 1000")"
expect_eq "tman/pol = maybe refused with 449" "$(reply 6)" \
	"$(refusal 6 ac/2 "tman/pol = maybe: expected on or off")"
expect_eq "tman/pol = on without a rate refused with 449" "$(reply 7)" \
	"$(refusal 7 co/1 "tman/pol = on without tman/sdr: the gateway derives no rate from the SDP")"
expect_eq "rtcph/rtcpa = 1 refused with 449" "$(reply 8)" \
	"$(refusal 8 ac/2 "rtcph/rtcpa = 1: expected on or off")"
expect_eq "UDP: the Subtract's Statistics count the 15 dropped in tmanr/dp" "$(reply 9)" \
	"MEGACO/3 [127.0.0.1]:2944
Reply = 9 {
  Context = 1 {
    Subtract = ac/2 {
      Statistics {
        nt/os = 20000,
        nt/or = 20000,
        nt/dur = N,
        tmanr/dp = 15
      }
    }
  }
}"

secs=$(measured tcp_seconds)
expect_eq "TCP: every octet through, in order" "$(measured tcp_whole)" yes
expect_match "TCP: 1,200,000 octets past the burst took 2.85 s to 4.5 s at 400,000 per second" \
	"$(awk -v s="${secs:-0}" 'BEGIN { print (s >= 2.85 && s <= 4.5) ? "held: " s : "not held: " s }')" '^held'
expect_eq "TCP: the Audit returns tman and rtcph as set" "$(reply 13 | sed -n '/LocalControl/,/}/p')" \
	"          LocalControl {
            Mode = SendReceive,
            tman/pol = on,
            tman/sdr = 400000,
            tman/mbs = 65536,
            rtcph/rtcpa = on
          },"
expect_match "TCP: the Subtract's Statistics: all received, nothing dropped" \
	"$(reply 14 | tr -d '\n ')" \
	'Subtract=ac/4\{Statistics\{nt/os=0,nt/or=1265536,tcptv/ps=0,tcptv/pr=[0-9]+,nt/dur=N,tmanr/dp=0\}'
expect_match "TCP: the pauses logged" "$(grep 'term=ac/4 policed:' "$WORK/agw.log")" \
	'policed: 0 datagrams dropped, reading paused [1-9][0-9]* times for [1-9][0-9]* ms$'
secs=$(measured tls_seconds)
expect_eq "TLS: every octet through, in order" "$(measured tls_whole)" yes
expect_match "TLS: the same rate held (2.85 s to 4.5 s)" \
	"$(awk -v s="${secs:-0}" 'BEGIN { print (s >= 2.85 && s <= 4.5) ? "held: " s : "not held: " s }')" '^held'
expect_match "TLS: the Subtract's Statistics: all received (plaintext octets), nothing dropped" \
	"$(reply 19 | tr -d '\n ')" 'Subtract=ac/6\{Statistics\{nt/os=0,nt/or=1265536,tcptv/ps=0,tcptv/pr=[0-9]+,nt/dur=N,tmanr/dp=0\}'
expect_eq "Iq: ROOT's Packages list tman-1, tmanr-1 and rtcph-1" "$(tr -d '\n ' <"$WORK/reply-16.txt")" \
	"MEGACO/3[127.0.0.1]:2944Reply=16{Context=-{AuditValue=ROOT{Packages{root-2,tcpbcc-1,tlsbsc-1,ipdc-1,gm-2,ipnapt-1,hangterm-1,nt-1,tcptv-1,ds-1,tman-1,tmanr-1,rtcph-1,it-1}}}}"
stop "$agw" TERM
expect_eq "agw exits 0" "$stopped" 0

# Ix: neither package is the profile's
rm -f "$WORK"/reply-*.txt
start agw "$WORK/agw-ix.log" "$AGW" --profile ix --h248-port "$agwp2" --mgc-port "$mgcp2" \
	--h248-mid "[127.0.0.1]:2944" --realm-access-ports 30480-30489 --realm-core-ports 30490-30499 \
	--log-level info --mgc-silence-timeout 0
agw=$last_pid
wait_log "$WORK/agw-ix.log" "ready:" >/dev/null
timeout 30 python3 "$top_srcdir/tests/integration/agw_tman.py" "$mgcp2" "$agwp2" "$WORK" --other 2>"$WORK/py.err"
expect_eq "Ix: every request answered" "$?: $(cat "$WORK/py.err")" "0: "
expect_match "Ix: tman/pol refused with 445" "$(tr -d '\n' <"$WORK/reply-1.txt")" \
	'Error = 445 \{ *"tman/pol is not used under the Ix profile \(TrGW\)"'
expect_match "Ix: rtcph/rtcpa refused with 445" "$(tr -d '\n' <"$WORK/reply-2.txt")" \
	'Error = 445 \{ *"rtcph/rtcpa is not used under the Ix profile \(TrGW\)"'
expect_match "Ix: ROOT's Packages without tman, tmanr, rtcph" "$(tr -d '\n ' <"$WORK/reply-3.txt")" \
	'Packages\{root-2,tcpbcc-1,ipdc-1,gm-2,ipnapt-1,hangterm-1,nt-1,tcptv-1\}'
stop "$agw" TERM
expect_eq "agw (Ix) exits 0" "$stopped" 0
finish
