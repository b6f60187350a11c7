#!/usr/bin/python3
"""probe.py: ask a resolver for one name at a fixed rate and record every answer.

usage: probe.py SERVER NAME INTERVAL DURATION TIMEOUT OUT.csv

Sends an A query every INTERVAL seconds (whatever the previous answers do:
queries overlap when the resolver is slow) for DURATION seconds, waits at most
TIMEOUT seconds for each answer, and writes one CSV line per query, flushed at
once so a script can watch it:  seq,t_send,latency_ms,rcode,addresses,ttl
(t_send: Unix time; rcode TIMEOUT when no answer came; addresses ';'-joined).
Bounded: at most DURATION/INTERVAL queries, at most DURATION+TIMEOUT seconds.
"""
import random
import select
import socket
import sys
import time

import dns.message
import dns.rdatatype
import dns.rcode


def main():
    server, name = sys.argv[1], sys.argv[2]
    interval, duration, timeout = (float(a) for a in sys.argv[3:6])
    out = open(sys.argv[6], "w", buffering=1)
    out.write("seq,t_send,latency_ms,rcode,addresses,ttl\n")
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    count = int(duration / interval)
    start = time.time()
    pending = {}  # id -> (seq, t_send)
    rows = {}
    seq = 0
    next_send = start
    deadline = start + duration + timeout
    written = 0

    def flush_rows():
        nonlocal written
        while written in rows:
            out.write(rows.pop(written))
            written += 1

    while time.time() < deadline and (seq < count or pending):
        now = time.time()
        if seq < count and now >= next_send:
            qid = random.randrange(65536)
            while qid in pending:
                qid = random.randrange(65536)
            q = dns.message.make_query(name, dns.rdatatype.A)
            q.id = qid
            try:
                sock.sendto(q.to_wire(), (server, 53))
            except OSError:
                pass
            pending[qid] = (seq, now)
            seq += 1
            next_send = start + seq * interval
        # expire timed-out queries
        for qid, (s, t) in list(pending.items()):
            if now - t >= timeout:
                del pending[qid]
                rows[s] = "%d,%.3f,,TIMEOUT,,\n" % (s, t)
        flush_rows()
        wait = min(next_send if seq < count else deadline, deadline) - time.time()
        for _, t in pending.values():
            wait = min(wait, t + timeout - time.time())
        r, _, _ = select.select([sock], [], [], max(0.0, wait))
        if not r:
            continue
        try:
            data = sock.recv(4096)
        except OSError:
            continue
        got = time.time()
        try:
            m = dns.message.from_wire(data)
        except Exception:
            continue
        if m.id not in pending:
            continue
        s, t = pending.pop(m.id)
        addrs, ttl = [], ""
        for rrset in m.answer:
            if rrset.rdtype == dns.rdatatype.A:
                addrs += sorted(r.address for r in rrset)
                ttl = str(rrset.ttl)
        rows[s] = "%d,%.3f,%.1f,%s,%s,%s\n" % (
            s, t, (got - t) * 1000, dns.rcode.to_text(m.rcode()), ";".join(addrs), ttl)
        flush_rows()
    for qid, (s, t) in pending.items():
        rows[s] = "%d,%.3f,,TIMEOUT,,\n" % (s, t)
    flush_rows()
    out.close()


if __name__ == "__main__":
    main()
