# SPDX-License-Identifier: GPL-3.0-or-later
# The MGC and the parties of tests/integration/agw-tman.sh, in one process so that the H.248 requests and
# the traffic come in the order the test needs: answers ims-agw's registration, then runs each step of
# the scenario on stdin's order. Every Reply is written byte for byte to WORK/reply-TID.txt; what the
# traffic measured is printed as "name value" lines. Loopback only; every wait is bounded.
#   agw_tman.py MGC-PORT AGW-PORT WORK UE-UDP CORE-UDP UE-TCP CORE-TCP UE-TLS CORE-TLS CERT KEY FINGERPRINT
#   (the UE's certificate and key, PEM files, and the certificate's "sha-256 XX:…" fingerprint)
#   agw_tman.py MGC-PORT AGW-PORT WORK --other: a gateway under a profile without tman: one Add with
#   tman/pol and rtcph/rtcpa, then ROOT's Packages (reply-1.txt to reply-3.txt)
import hashlib
import os
import re
import socket
import ssl
import sys
import threading
import time

mgcp, agwp = int(sys.argv[1]), int(sys.argv[2])
work = sys.argv[3]
other = sys.argv[4] == "--other"
if not other:
    ue_udp, core_udp, ue_tcp, core_tcp, ue_tls, core_tls = map(int, sys.argv[4:10])
    cert, key, fingerprint = sys.argv[10:13]
mgc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
mgc.bind(("127.0.0.1", mgcp))
mgc.settimeout(10)
HEAD = "MEGACO/3 [127.0.0.1]:2945\n"


def registered():
    """Waits for the gateway's ServiceChange and answers it with Version = 3."""
    msg = mgc.recv(65536).decode()
    tid = re.search(r"Transaction\s*=\s*(\d+)", msg).group(1)
    mgc.sendto((HEAD + "Reply = %s { Context = - { ServiceChange = ROOT { Services { Version = 3 } } } }"
                % tid).encode(), ("127.0.0.1", agwp))


def request(tid, body):
    """Sends Transaction TID, returns its Reply's text (also in reply-TID.txt)."""
    mgc.sendto((HEAD + "Transaction = %d {\n%s\n}\n" % (tid, body)).encode(), ("127.0.0.1", agwp))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        msg = mgc.recv(65536).decode()
        if re.search(r"Reply\s*=\s*%d\b" % tid, msg):
            with open(os.path.join(work, "reply-%d.txt" % tid), "w") as f:
                f.write(msg)
            return msg
    raise SystemExit("no Reply to %d" % tid)


def port_of(reply):
    return int(re.search(r"^m=\S+ (\d+) ", reply, re.M).group(1))


def media(lc, local, remote=None):
    m = "Media { Stream = 1 { LocalControl { %s },\n    Local {\n%s\n}" % (lc, local)
    if remote:
        m += ",\n    Remote {\n%s\n}" % remote
    return m + " } }"


def sdp(port, proto, extra=None):
    m = "image %s %s t38" % (port, proto) if proto == "UDP" else "message %s %s *" % (port, proto)
    lines = ["v=0", "c=IN IP4 %s" % ("$" if port == "$" else "127.0.0.1"), "m=" + m]
    return "\n".join(lines + ([extra] if extra else []))


def bound(kind, port):
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    return s


def udp_burst(src, dst, to_port, count, size):
    """COUNT datagrams of SIZE octets from src to the gateway's to_port at once; how many reach dst."""
    for i in range(count):
        src.sendto(bytes([i]) * size, ("127.0.0.1", to_port))
    got = 0
    dst.settimeout(1.5)  # the policer passes what it passes at once: then silence
    try:
        while True:
            dst.recv(65536)
            got += 1
    except socket.timeout:
        pass
    return got


def tcp_through(access, core, total, ue_port, core_port, tls=None):
    """TOTAL octets from the UE (through TLS with tls = (cert, key)) through the policed leg; the seconds
    between the first and the last octet the core party received, whether they arrived whole and in
    order, and how many arrived."""
    ue = bound(socket.SOCK_STREAM, ue_port)
    ue.connect(("127.0.0.1", access))
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE  # the gateway's is self-signed
        ctx.load_cert_chain(*tls)
        ue = ctx.wrap_socket(ue)
    co = bound(socket.SOCK_STREAM, core_port)
    co.connect(("127.0.0.1", core))
    co.settimeout(10)
    data = os.urandom(total)
    sender = threading.Thread(target=ue.sendall, args=(data,), daemon=True)
    sender.start()
    got, first, last, n = hashlib.sha256(), None, None, 0
    deadline = time.monotonic() + 30
    while n < total and time.monotonic() < deadline:
        try:
            chunk = co.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        last = time.monotonic()
        first = first or last
        got.update(chunk)
        n += len(chunk)
    sender.join(5)
    ue.close(), co.close()
    whole = n == total and got.digest() == hashlib.sha256(data).digest()
    return (last - first if first else 0), whole, n


registered()
if other:
    for i, lc in enumerate(["tman/pol = on, tman/sdr = 1000", "rtcph/rtcpa = on"]):
        request(i + 1, "  Context = $ { Add = $ { %s } }" % media(
            "Mode = SendReceive, ipdc/realm = core, " + lc, sdp("$", "TCP/MSRP", "a=setup:passive")))
    request(3, "  Context = - { AuditValue = ROOT { Audit { Packages } } }")
    sys.exit(0)
# context 1: UDP (T.38's transport), the access termination policed: 5000 octets of burst, 1000 per second
request(1, "  Context = $ { Add = $ { %s } }" % media(
    "Mode = SendReceive, ipdc/realm = core", sdp("$", "UDP"), sdp(core_udp, "UDP")))
r2 = request(2, "  Context = 1 { Add = $ { %s } }" % media(
    "Mode = SendReceive, ipdc/realm = access, tman/pol = on, tman/sdr = 1000, tman/mbs = 5000, "
    "tman/pdr = 2000, tman/dvt = 10, rtcph/rtcpa = off", sdp("$", "UDP"), sdp(ue_udp, "UDP")))
r1 = open(os.path.join(work, "reply-1.txt")).read()
core1, access1 = port_of(r1), port_of(r2)
ue_s, core_s = bound(socket.SOCK_DGRAM, ue_udp), bound(socket.SOCK_DGRAM, core_udp)
print("udp_in", udp_burst(ue_s, core_s, access1, 20, 1000))  # policed: 5 of 20
print("udp_out", udp_burst(core_s, ue_s, core1, 20, 1000))  # the core side is not: 20 of 20
request(3, "  Context = 1 { AuditValue = ac/2 { Audit { Media } } }")
request(4, "  Context = 1 { Modify = ac/2 { Media { Stream = 1 { LocalControl { tman/sdr = 0 } } } } }")
request(5, "  Context = 1 { Modify = ac/2 { Media { Stream = 1 { LocalControl { tman/pdr = 999 } } } } }")
request(6, "  Context = 1 { Modify = ac/2 { Media { Stream = 1 { LocalControl { tman/pol = maybe } } } } }")
request(7, "  Context = 1 { Modify = co/1 { Media { Stream = 1 { LocalControl { tman/pol = on } } } } }")
request(8, "  Context = 1 { Modify = ac/2 { Media { Stream = 1 { LocalControl { rtcph/rtcpa = 1 } } } } }")
request(9, "  Context = 1 { Subtract = ac/2 { Audit { Statistics } } }")
request(10, "  Context = 1 { Subtract = co/1 { Audit { } } }")
# context 2: TCP (MSRP), the access termination policed at 400,000 octets per second, 65,536 of burst
r11 = request(11, "  Context = $ { Add = $ { %s } }" % media(
    "Mode = SendReceive, ipdc/realm = core", sdp("$", "TCP/MSRP", "a=setup:passive"),
    sdp(core_tcp, "TCP/MSRP", "a=setup:active")))
r12 = request(12, "  Context = 2 { Add = $ { %s } }" % media(
    "Mode = SendReceive, ipdc/realm = access, tman/pol = on, tman/sdr = 400000, tman/mbs = 65536, "
    "rtcph/rtcpa = on", sdp("$", "TCP/MSRP", "a=setup:passive"), sdp(ue_tcp, "TCP/MSRP", "a=setup:active")))
secs, whole, n = tcp_through(port_of(r12), port_of(r11), 1265536, ue_tcp, core_tcp)
print("tcp_seconds %.2f" % secs)
print("tcp_whole", "yes" if whole else "no (%d octets)" % n)
request(13, "  Context = 2 { AuditValue = ac/4 { Audit { Media } } }")
request(14, "  Context = 2 { Subtract = ac/4 { Audit { Statistics } } }")
request(15, "  Context = 2 { Subtract = co/3 { Audit { } } }")
request(16, "  Context = - { AuditValue = ROOT { Audit { Packages } } }")
# context 3: TLS (MSRP over TLS) on the access side, the UE's certificate the one its Remote names
r17 = request(17, "  Context = $ { Add = $ { %s } }" % media(
    "Mode = SendReceive, ipdc/realm = core", sdp("$", "TCP/MSRP", "a=setup:passive"),
    sdp(core_tls, "TCP/MSRP", "a=setup:active")))
r18 = request(18, "  Context = 3 { Add = $ { %s } }" % media(
    "Mode = SendReceive, ipdc/realm = access, tman/pol = on, tman/sdr = 400000, tman/mbs = 65536",
    sdp("$", "TCP/TLS/MSRP", "a=setup:passive\na=fingerprint:$"),
    sdp(ue_tls, "TCP/TLS/MSRP", "a=setup:active\na=fingerprint:" + fingerprint)))
secs, whole, n = tcp_through(port_of(r18), port_of(r17), 1265536, ue_tls, core_tls, (cert, key))
print("tls_seconds %.2f" % secs)
print("tls_whole", "yes" if whole else "no (%d octets)" % n)
request(19, "  Context = 3 { Subtract = ac/6 { Audit { Statistics } } }")
request(20, "  Context = 3 { Subtract = co/5 { Audit { } } }")
