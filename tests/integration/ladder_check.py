#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks of ims-lab's ladders (tests/integration/lab-ladder.sh), each printing one line per finding and
exiting 1 when there is one:
  canvas HTML...          every SVG text lies within the drawing (x from its characters' width in the
                          monospace font the page states, data-char-em, at least 0.6 em); the columns'
                          texts right of the margin (data-left), the margin's (step, ms) left of it
  arrow HTML KIND FROM TO an arrow of a KIND event from the column titled FROM to one titled TO (a prefix)
  rst PCAP-TEXT DIR...    each RST on the wire between two ports of a run's traces has its arrow (or note)
                          in that run's HTML ladder: "tcp.rst ADDR → ADDR" with those ports
  width N TXT...          every line of the text ladders at most N characters
  drawn HTML TRACE...     each SIP, H.248 (ims-alg's view, but its periodic audit), TCP and TLS event of
                          the traces is in the ladder: an arrow between two columns, or a note for what
                          one side observed (accepted, TLS up, close_notify received)
  causal DIR...           each H.248 request traced by ims-alg as sent no later than ims-agw traced it
                          as received"""
import html
import json
import re
import sys

def svg_of(path):
    page = open(path, encoding="utf-8", errors="replace").read()
    m = re.search(r'<svg [^>]*width="([0-9.]+)" height="([0-9.]+)"[^>]*>', page)
    if not m:
        return page, None, None, None, None
    em = re.search(r'data-char-em="([0-9.]+)"', m.group(0))
    left = re.search(r'data-left="([0-9.]+)"', m.group(0))
    return (page, float(m.group(1)), float(m.group(2)), float(em.group(1)) if em else None,
            float(left.group(1)) if left else None)


def canvas(paths):
    bad = 0
    for path in paths:
        page, width, height, em, left = svg_of(path)
        if width is None:
            print(f"{path}: no <svg> with its width and height")
            bad += 1
            continue
        if em is None or left is None:  # checked still, as the usual monospace face draws it
            print(f"{path}: the <svg> states no font metric (data-char-em) or margin (data-left)")
            bad += 1
        elif em < 0.6:
            print(f"{path}: data-char-em {em}: narrower than the usual monospace face (0.6 em)")
            bad += 1
        em = em or 0.6
        texts = re.findall(r'<text [^>]*>.*?</text>', page, re.S)
        for t in texts:
            tag, body = re.match(r'(<text [^>]*>)(.*?)</text>', t, re.S).groups()
            x, y, fs = (re.search(rf'\b{a}="([-0-9.]+)"', tag) for a in ("x", "y", "font-size"))
            if not x or not y:
                print(f"{path}: a text without x and y: {t[:80]}")
                bad += 1
                continue
            # (without a font-size, the old page's CSS: 10 px for details, else 11 px)
            x, y, attrs = float(x.group(1)), float(y.group(1)), tag
            size = float(fs.group(1)) if fs else 10.0 if 'class="detail"' in tag else 13.0 if 'class="head"' in tag else 11.0
            chars = len(html.unescape(body))
            if 'text-anchor="middle"' in attrs:
                x -= chars * size * em / 2
            end = x + chars * size * em
            margin = 'class="step"' in attrs or 'class="ms' in attrs
            lo, hi = (0, left) if margin else (left, width) if left else (0, width)
            if x < lo or end > hi + 0.05 or y - size < 0 or y > height:
                print(f"{path}: text x {x:.1f}..{end:.1f}, y {y:.0f} outside {lo:.0f}..{hi:.0f} x 0..{height:.0f}: "
                      f"{html.unescape(body)[:60]}")
                bad += 1
    return bad


def columns(page):
    """The columns' titles and lifelines' x, in order."""
    titles = [html.unescape(t) for t in re.findall(r'<text [^>]*class="head"[^>]*>(.*?)</text>', page)]
    xs = [float(x) for x in re.findall(r'<line x1="([0-9.]+)" y1="40" x2="[0-9.]+" y2="[0-9.]+" stroke="#999"', page)]
    return dict(zip(xs, titles))


def arrow(path, kind, src, dst):
    page = open(path, encoding="utf-8", errors="replace").read()
    cols = columns(page)
    for g in re.findall(r'<g><title>(.*?)</title>(.*?)</g>', page, re.S):
        if not g[0].startswith(kind + " "):
            continue
        m = re.search(r'<line x1="([0-9.]+)" y1="[0-9.]+" x2="([0-9.]+)"', g[1])
        if m and cols.get(float(m.group(1)), "").startswith(src) and cols.get(float(m.group(2)), "").startswith(dst):
            return 0
    print(f"{path}: no {kind} arrow from {src} to {dst}")
    return 1


def ports_of(d):
    ports = set()
    for name in ("alg.jsonl", "agw.jsonl", "lab.jsonl"):
        try:
            lines = open(f"{d}/{name}", encoding="utf-8").read().splitlines()
        except OSError:
            continue
        for line in lines:
            e = json.loads(line)
            for k in ("from", "to"):
                m = re.search(r":([0-9]+)$", e.get(k) or "")
                if m:
                    ports.add(m.group(1))
    return ports


def rst(capture, dirs):
    """capture: tshark lines "SRCPORT DSTPORT" of the RSTs seen."""
    wire = [l.split() for l in open(capture).read().splitlines() if l.strip()]
    bad = seen = 0
    for d in dirs:
        ports = ports_of(d)
        page = open(f"{d}/ladder.html", encoding="utf-8", errors="replace").read()
        drawn = re.findall(r'<title>tcp\.rst \S*:([0-9]+) → \S*:([0-9]+)\n', page)
        for s, t in wire:
            if s not in ports or t not in ports:
                continue
            seen += 1
            if (s, t) not in drawn:
                print(f"{d}: the RST from port {s} to port {t} on the wire is not in the ladder")
                bad += 1
    print(f"{seen} RSTs on the wire between the runs' ports")
    return bad + (seen == 0)


def width(n, paths):
    bad = 0
    for path in paths:
        for i, line in enumerate(open(path, encoding="utf-8", errors="replace").read().splitlines(), 1):
            if len(line) > n:
                print(f"{path}:{i}: {len(line)} characters: {line[:60]}...")
                bad += 1
    return bad


def causal(dirs):
    bad = 0
    for d in dirs:
        sent, got = {}, {}
        for name, kind, into in (("alg.jsonl", "h248.tx", sent), ("agw.jsonl", "h248.rx", got)):
            for line in open(f"{d}/{name}", encoding="utf-8").read().splitlines():
                e = json.loads(line)
                m = re.search(r"\nTransaction = ([0-9]+)", e.get("raw") or "")
                if e.get("kind") == kind and m:
                    into.setdefault(m.group(1), e["ts"])
        for t, ts in sent.items():
            if t in got and got[t] < ts:
                print(f"{d}: transaction {t} received by ims-agw at {got[t]}, sent by ims-alg at {ts}")
                bad += 1
    return bad


NOTES = ("tcp.accept", "tls.up", "tls.close_notify_rx")


def drawn(path, traces):
    page = open(path, encoding="utf-8", errors="replace").read()
    groups = re.findall(r'<g><title>(.*?)\n.*?</title>(.*?)</g>', page, re.S)
    arrows = {}
    for title, body in groups:
        arrows.setdefault(html.unescape(title), []).append('<line ' in body)
    bad = n = 0
    for trace in traces:
        for line in open(trace, encoding="utf-8").read().splitlines():
            e = json.loads(line)
            kind = e.get("kind", "")
            if not kind.startswith(("sip.", "h248.", "tcp.", "tls.")):
                continue
            if kind.startswith(("sip.", "h248.")) and (e["component"] != "ims-alg" or "AuditValue = ROOT" in (e.get("raw") or "")):
                continue
            n += 1
            key = f"{kind} {e.get('from') or ''} → {e.get('to') or ''}"
            seen = arrows.get(key, [])
            if not seen or not (kind in NOTES or any(seen)):
                print(f"{path}: {key} ({e.get('summary')}) {'not drawn' if not seen else 'not an arrow'}")
                bad += 1
    print(f"{n} events, {bad} not drawn as they should")
    return bad


def main(argv):
    what = argv[1]
    if what == "canvas":
        bad = canvas(argv[2:])
    elif what == "arrow":
        bad = arrow(*argv[2:6])
    elif what == "rst":
        bad = rst(argv[2], argv[3:])
    elif what == "width":
        bad = width(int(argv[2]), argv[3:])
    elif what == "drawn":
        bad = drawn(argv[2], argv[3:])
    elif what == "causal":
        bad = causal(argv[2:])
    else:
        sys.exit(__doc__)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(sys.argv)
