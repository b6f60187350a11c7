#!/usr/bin/python3
"""web.py: the lab's "web service": accept TCP connections on ADDR PORT and close
them, for at most LIFETIME seconds.  usage: web.py ADDR PORT LIFETIME"""
import socket
import sys
import time

addr, port, lifetime = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
s.listen(64)
s.settimeout(1.0)
end = time.time() + lifetime
while time.time() < end:
    try:
        c, _ = s.accept()
        c.close()
    except socket.timeout:
        pass
