#!/usr/bin/python3
"""users-web.py: the web service of a lab server for tests/lab/users.sh.

usage: users-web.py ADDR[,ADDR...] PORT NAME LIFETIME

Answers every HTTP request with 200 and the body "NAME\\n" (so the client knows
which server answered), with "Access-Control-Allow-Origin: *" (the browser's
page is served from elsewhere) and "Cache-Control: no-store".  HTTP/1.1
keep-alive as nginx does by default: an idle connection is closed after 75 s.
SIGTERM is a graceful stop, like "nginx -s quit" (what systemctl stop does):
the listening socket is closed, and so is every connection that is not in
the middle of a request; nothing that was asked is left unanswered.  One
thread, one select() loop: a request is answered in the loop turn that
completes it, so between turns no request is in flight.  Ends after LIFETIME
seconds at most."""
import os
import select
import signal
import socket
import sys
import time

KEEPALIVE = 75.0

addr, port, name, lifetime = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
body = (name + "\n").encode()
lsocks = []     # one listening socket per address (IPv4 and IPv6: dual-stack cells)
for a in addr.split(","):
    ls = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a, port))
    ls.listen(128)
    ls.setblocking(False)
    lsocks.append(ls)
conns = {}      # socket -> [buffered bytes, last activity]
stopping = False


def on_term(signum, frame):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, on_term)


def answer(c, req):
    """Answer one complete request head; False when the connection ends."""
    lines = req.split(b"\r\n")
    close = any(h.lower().replace(b" ", b"") == b"connection:close" for h in lines[1:])
    if lines[0].startswith(b"HTTP/1.0") or lines[0].endswith(b"HTTP/1.0"):
        close = True
    head = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
            "Cache-Control: no-store\r\nAccess-Control-Allow-Origin: *\r\n"
            "Connection: %s\r\n\r\n" % (len(body), "close" if close else "keep-alive"))
    try:
        c.sendall(head.encode() + body)
    except OSError:
        return False
    return not close


def drop(c):
    conns.pop(c, None)
    try:
        c.close()
    except OSError:
        pass


end = time.time() + lifetime
while time.time() < end:
    if stopping:
        for ls in lsocks:
            ls.close()
        lsocks = []
        for c in [c for c, st in conns.items() if not st[0]]:
            drop(c)
        if not conns:
            break
    rl = list(conns) + lsocks
    try:
        r, _, _ = select.select(rl, [], [], 0.5)
    except InterruptedError:
        continue
    now = time.time()
    for s in r:
        if s in lsocks:
            try:
                c, _ = s.accept()
            except OSError:
                continue
            c.setblocking(True)
            c.settimeout(2.0)
            conns[c] = [b"", now]
            continue
        try:
            data = s.recv(65536)
        except OSError:
            data = b""
        if not data:
            drop(s)
            continue
        st = conns[s]
        st[0] += data
        st[1] = now
        while b"\r\n\r\n" in st[0]:
            req, st[0] = st[0].split(b"\r\n\r\n", 1)
            if not answer(s, req):
                drop(s)
                break
    for c in [c for c, st in conns.items() if now - st[1] > KEEPALIVE]:
        drop(c)
os._exit(0)
