# SPDX-License-Identifier: GPL-3.0-or-later
# sip_closewait.py PORT N: issue 25 item 5's peer. Holds one SIP TCP connection that behaves (an OPTIONS,
# its answer read), then opens N connections from 20 loopback addresses that each send bytes no SIP
# parser can frame and close; after READY is read on stdin it sends a second OPTIONS on the held
# connection. The garbage is read before the FIN comes (a FIN read with it makes sofia-sip close at once).
# Prints "options1=<status line>", "garbage=N" and "options2=<status line>".
import socket
import sys
import time

port, n = int(sys.argv[1]), int(sys.argv[2])


def options(sock, cseq):
    sock.sendall((f"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\n"
                  f"Via: SIP/2.0/TCP 127.0.0.1:{sock.getsockname()[1]};branch=z9hG4bK-cw{cseq}\r\n"
                  "Max-Forwards: 70\r\nFrom: <sip:cw@127.0.0.1>;tag=cw\r\nTo: <sip:127.0.0.1>\r\n"
                  f"Call-ID: closewait-1\r\nCSeq: {cseq} OPTIONS\r\nContent-Length: 0\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            return "closed"
        data += chunk
    return data.split(b"\r\n", 1)[0].decode()


held = socket.create_connection(("127.0.0.1", port), timeout=5)
print("options1=" + options(held, 1), flush=True)
socks = []
for i in range(n):
    s = socket.socket()
    s.settimeout(5)
    s.bind((f"127.0.0.{10 + i % 20}", 0))
    s.connect(("127.0.0.1", port))
    s.sendall(b"GARBAGE garbage\r\n\r\n\x00\x01\x02 not SIP at all\r\n\r\n")
    socks.append(s)
time.sleep(1)
for s in socks:
    s.close()
print(f"garbage={len(socks)}", flush=True)
sys.stdin.readline()
print("options2=" + options(held, 2), flush=True)
held.close()
