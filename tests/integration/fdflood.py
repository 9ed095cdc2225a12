#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""fdflood: opens idle TCP connections to a daemon's port and measures what they cost it.

  fdflood.py PORT PID LOG COUNT SOURCES [HOLD]

Connects COUNT times to 127.0.0.1:PORT, spread over SOURCES loopback source addresses (127.0.0.10,
127.0.0.11, ...), sends nothing, then measures over 3 s the CPU time of process PID (utime + stime
from /proc/PID/stat) and how much LOG grew. Prints one line
  opened=N cpu=SECONDS log_bytes=N log_lines=N
then keeps the connections until HOLD seconds (default 20) have passed since the start, or until
stdin reaches end of file, whichever comes first; then prints how many the daemon had closed
meanwhile ("closed=N") and exits. Every loop is bounded in count and time."""
import os
import select
import socket
import sys
import time


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def log_size(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
        return len(data), data.count(b"\n")
    except OSError:
        return 0, 0


def main():
    port, pid, log, count, sources = (int(sys.argv[1]), int(sys.argv[2]), sys.argv[3],
                                      int(sys.argv[4]), int(sys.argv[5]))
    hold = float(sys.argv[6]) if len(sys.argv) > 6 else 20.0
    start = time.monotonic()
    conns = []
    for i in range(min(count, 2000)):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(2)
        try:
            s.bind((f"127.0.0.{10 + i % sources}", 0))
            s.connect(("127.0.0.1", port))
            conns.append(s)
        except OSError:
            s.close()
        if time.monotonic() - start > 10:
            break
    time.sleep(0.3)  # the daemon meets the backlog
    cpu0, (log0, lines0) = cpu_seconds(pid), log_size(log)
    time.sleep(3)
    cpu1, (log1, lines1) = cpu_seconds(pid), log_size(log)
    print(f"opened={len(conns)} cpu={cpu1 - cpu0:.2f} log_bytes={log1 - log0} log_lines={lines1 - lines0}",
          flush=True)
    closed = set()
    while time.monotonic() - start < hold:
        r, _, _ = select.select([sys.stdin] + conns, [], [], 0.2)
        if sys.stdin in r and not sys.stdin.readline():
            break
        for s in r:
            if s is sys.stdin or s in closed:
                continue
            try:
                if not s.recv(4096):
                    closed.add(s)
            except OSError:
                closed.add(s)
        conns = [s for s in conns if s not in closed]
        if not conns:
            time.sleep(0.2)
    print(f"closed={len(closed)}", flush=True)
    for s in conns + list(closed):
        s.close()


if __name__ == "__main__":
    main()
