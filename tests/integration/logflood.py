# SPDX-License-Identifier: GPL-3.0-or-later
"""logflood: log_volume.sh's flood of malformed messages, on 127.0.0.1 only.

  logflood.py udp KIND PORT COUNT SECONDS SOURCE...   COUNT datagrams to 127.0.0.1:PORT, taking turns
      over the SOURCE addresses ("127.0.0.2" or "127.0.0.1:5000" for a fixed port)
  logflood.py tcp KIND PORT COUNT SECONDS CONNS       COUNT messages over CONNS H.248 TCP connections
      (TPKT-framed), the connections closed at the end
  logflood.py conns KIND PORT COUNT SECONDS           COUNT TCP connections (50 open at a time), each
      sending one piece of garbage and closing

KIND: h248 (text that is no H.248 message, in turns with a well-formed message-level Error, a Reply to
no request and bytes of no text at all; one in 100 a Notify from an mId no one registered), sip (bytes
no SIP parser frames), tpkt (a bad TPKT header) or raw (a datagram for a media leg).
Answers are read and counted; H.248 datagrams are paced by them (at most 256 unanswered; 256 more after
20 ms without one), others 200 at a time then 5 ms. Stops after COUNT or SECONDS, whichever comes
first; prints "sent=N answers=N seconds=S"."""
import select
import socket
import sys
import time


def h248(i):
    if i % 100 == 99:  # a well-formed transaction: remembered for LONG-TIMER (issue 25 item 6), so few
        return f"MEGACO/1 [127.0.0.9]:{i % 65536}\nTransaction = {i} {{ Context = - {{ Notify = ROOT {{ " \
            f"ObservedEvents = {i} {{ g/sc }} }} }} }}\n".encode()
    kind = i % 4
    if kind == 0:
        return f"MEGACO/1 [127.0.0.9]:{i % 65536}\nTransaction = {i} {{ Context = - {{ Bogus{i} }} }}\n".encode()
    if kind == 1:
        return f"MEGACO/1 [127.0.0.9]:{i % 65536}\nError = 400 {{ \"flood {i}\" }}\n".encode()
    if kind == 2:
        return f"MEGACO/1 [127.0.0.9]:{i % 65536}\nReply = {i} {{ Context = - {{ Notify = ROOT }} }}\n".encode()
    return b"\x00\xff\x13garbage " + str(i).encode() + b" \x01\x02\r\n"


def sip(i):
    return f"GARBAGE {i} garbage\r\n\r\n\x00\x01\x02 not SIP at all {i}\r\n\r\n".encode()


def tpkt(i):
    return b"\x07\x00\x00\x10bad TPKT header " + str(i).encode()


def raw(i):
    return b"\x80\x00not from the Remote " + str(i).encode()


KINDS = {"h248": h248, "sip": sip, "tpkt": tpkt, "raw": raw}


def drain(socks, answers):
    r, _, _ = select.select(socks, [], [], 0)
    for s in r:
        try:
            while True:
                data = s.recv(65536)
                if not data:
                    break
                answers[0] += 1
                if s.type == socket.SOCK_STREAM:
                    break
        except (BlockingIOError, OSError):
            pass


def flood_udp(make, port, count, seconds, sources):
    socks = []
    for src in sources:
        host, _, p = src.partition(":")
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.bind((host, int(p or 0)))
        s.setblocking(False)
        socks.append(s)
    answered = make is h248
    start, sent, answers, lost = time.monotonic(), 0, [0], 0
    while sent < count and time.monotonic() - start < seconds:
        drain(socks, answers)
        if answered and sent - answers[0] - lost >= 256:
            if not select.select(socks, [], [], 0.02)[0]:
                lost = sent - answers[0]  # what the daemon does not answer: 256 more
            continue
        try:
            socks[sent // 4 % len(socks)].sendto(make(sent), ("127.0.0.1", port))
        except BlockingIOError:
            select.select([], socks, [], 0.005)
            continue
        sent += 1
        if not answered and sent % 200 == 0:
            time.sleep(0.005)
    end = time.monotonic() + 1
    while time.monotonic() < end and answered and answers[0] + lost < sent:
        select.select(socks, [], [], 0.05)
        drain(socks, answers)
    return sent, answers[0]


def flood_tcp(make, port, count, seconds, conns):
    socks = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(conns)]
    for s in socks:
        s.setblocking(False)
    start, sent, answers = time.monotonic(), 0, [0]
    while sent < count and time.monotonic() - start < seconds:
        drain(socks, answers)
        body = make(sent)
        frame = bytes([3, 0]) + (len(body) + 4).to_bytes(2, "big") + body
        s = socks[sent % len(socks)]
        try:
            s.setblocking(True)
            s.settimeout(2)
            s.sendall(frame)
        except OSError:
            break
        finally:
            s.setblocking(False)
        sent += 1
    time.sleep(0.5)
    drain(socks, answers)
    for s in socks:
        s.close()
    return sent, answers[0]


def flood_conns(make, port, count, seconds):
    start, sent, answers, open_ = time.monotonic(), 0, [0], []
    while sent < count and time.monotonic() - start < seconds:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(2)
        try:
            s.bind((f"127.0.0.{10 + sent % 20}", 0))
            s.connect(("127.0.0.1", port))
            s.sendall(make(sent))
        except OSError:
            s.close()
            continue
        open_.append(s)
        sent += 1
        if len(open_) >= 50:
            time.sleep(0.01)  # the daemon reads the garbage before the FIN comes
            for c in open_:
                c.close()
            open_ = []
    time.sleep(0.01)
    for c in open_:
        c.close()
    return sent, answers[0]


def main():
    mode, kind, port, count, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), \
        float(sys.argv[5])
    make = KINDS[kind]
    start = time.monotonic()
    if mode == "udp":
        sent, answers = flood_udp(make, port, count, seconds, sys.argv[6:])
    elif mode == "tcp":
        sent, answers = flood_tcp(make, port, count, seconds, int(sys.argv[6]))
    else:
        sent, answers = flood_conns(make, port, count, seconds)
    print(f"sent={sent} answers={answers} seconds={time.monotonic() - start:.1f}", flush=True)


if __name__ == "__main__":
    main()
