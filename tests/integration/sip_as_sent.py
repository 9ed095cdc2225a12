#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""sip-as-sent.sh's check: each sip.tx in ims-alg's trace (argv[1]) toward an end with a SIPp message
log (argv[2:]: "HOST:PORT=FILE") is byte for byte a message that end received, matched by Call-ID, CSeq
and start line; a request's top Via is ims-alg's own (its address and a branch). Prints the count."""
import json
import re
import sys


def received(path):
    """The messages a SIPp -trace_msg log says arrived: 'UDP message received [N] bytes :' + N bytes."""
    data = open(path, 'rb').read()
    out = []
    for m in re.finditer(rb'message received \[(\d+)\] bytes :\n\n', data):
        out.append(data[m.end():m.end() + int(m.group(1))])
    return out


def header(msg, name):
    m = re.search(rb'^' + name + rb'\s*:\s*(.*?)\r?$', msg, re.M | re.I)
    return m.group(1).strip() if m else None


def key(msg):
    return (msg.split(b'\r\n', 1)[0], header(msg, rb'(?:Call-ID|i)'), header(msg, rb'CSeq'))


def main():
    trace = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    ends = {}
    for arg in sys.argv[2:]:
        addr, path = arg.split('=', 1)
        ends[addr] = {key(m): m for m in received(path)}
    bad, checked, vias = [], 0, 0
    for e in trace:
        if e.get('kind') != 'sip.tx' or e.get('to') not in ends:
            continue
        raw = e['raw'].encode()
        got = ends[e['to']].get(key(raw))
        checked += 1
        if got is None:
            bad.append('%s to %s: no such message arrived' % (key(raw)[0].decode(), e['to']))
            continue
        if got != raw:
            at = next((i for i in range(min(len(got), len(raw))) if got[i] != raw[i]), min(len(got), len(raw)))
            bad.append('%s to %s: traced %d bytes, %d arrived, differing from byte %d:\n  traced:  %r\n'
                       '  arrived: %r' % (key(raw)[0].decode(), e['to'], len(raw), len(got), at,
                                          raw[max(0, at - 40):at + 60], got[max(0, at - 40):at + 60]))
        if not raw.startswith(b'SIP/2.0'):
            via = header(raw, rb'(?:Via|v)') or b''
            host = e['from'].split('sip:')[-1].encode()
            if not (via.startswith(b'SIP/2.0/UDP ' + host) and b';branch=z9hG4bK' in via):
                bad.append('%s to %s: top Via not ims-alg\'s (%s): %r' % (key(raw)[0].decode(), e['to'],
                                                                          host.decode(), via))
            else:
                vias += 1
    if bad or checked < 6:
        print('\n'.join(bad) or 'only %d sip.tx toward the SIPp ends' % checked)
        return 1
    print('%d messages sent, identical on arrival, %d requests with ims-alg\'s Via on top' % (checked, vias))
    return 0


if __name__ == '__main__':
    sys.exit(main())
