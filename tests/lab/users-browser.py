#!/usr/bin/python3
"""users-browser.py: the browser client's local side for tests/lab/users.sh.

usage: users-browser.py PORT CSV SECONDS

Serves users-page.html on http://127.0.0.1:PORT/ (the page that makes the
requests, inside the browser) and appends every line the page POSTs to /log to
CSV (start,end,ok,what, as users-client.py writes them).  Ends after SECONDS."""
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, path, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
page = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "users-page.html"), "rb").read()
out = open(path, "a", buffering=1)
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(page)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        line = self.rfile.read(n).decode(errors="replace").strip()
        if self.path == "/log" and line.count(",") >= 3:
            with lock:
                out.write(line.replace("\n", " ") + "\n")
        self.send_response(204)
        self.end_headers()


srv = ThreadingHTTPServer(("127.0.0.1", port), Handler)
srv.daemon_threads = True
threading.Timer(seconds, srv.shutdown).start()
srv.serve_forever()
os._exit(0)
