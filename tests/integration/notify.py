#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""notify.py SOCKET SECONDS: systemd's side of sd_notify, for the tests: binds an AF_UNIX datagram
socket at SOCKET and prints each notification (one datagram, one or more KEY=VALUE lines) on one line,
its lines joined by '|', until STOPPING=1 has come or SECONDS have passed."""
import socket
import sys
import time

path, seconds = sys.argv[1], float(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
print("listening", flush=True)
end = time.monotonic() + seconds
while time.monotonic() < end:
    s.settimeout(max(0.01, end - time.monotonic()))
    try:
        data = s.recv(4096)
    except socket.timeout:
        break
    lines = data.decode("utf-8", "replace").strip("\n").split("\n")
    print("|".join(lines), flush=True)
    if "STOPPING=1" in lines:
        break
