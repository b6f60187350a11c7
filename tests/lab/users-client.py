#!/usr/bin/python3
"""users-client.py: one HTTP client of tests/lab/users.sh, asking URL again and
again and recording what the user would have seen.

usage: users-client.py KIND URL PAUSE TIMEOUT SECONDS CSV

KIND
  curl     a new curl(1) process per request (a script, a health probe): no
           cache of its own, getaddrinfo every time, a new connection every time
  pycurl   one long-lived libcurl easy handle (python3-pycurl), reused for every
           request with libcurl's defaults: its DNS cache (60 s) and its
           connection cache (keep-alive) survive from request to request
  gai      Python's urllib: getaddrinfo for every request, a new connection
           every time (an application without a cache of its own)

After each request it waits PAUSE seconds (so one request every PAUSE to
PAUSE + TIMEOUT seconds).  A request fails when it takes longer than TIMEOUT
seconds, or the answer is not 200 with a server's name.  Writes one line per
request to CSV: start,end,ok,what (what = the server's name, or the error),
times in seconds since the epoch.  Ends after SECONDS, or on SIGTERM."""
import signal
import subprocess
import sys
import time
import urllib.request

kind, url, pause, timeout, seconds, path = (sys.argv[1], sys.argv[2], float(sys.argv[3]),
                                            float(sys.argv[4]), float(sys.argv[5]), sys.argv[6])
stop = False


def on_term(signum, frame):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)


def clean(s):
    return " ".join(str(s).replace(",", ";").split())[:120]


def ask_curl():
    p = subprocess.run(["curl", "-sS", "-m", str(timeout), "-w", "\n%{http_code}", url],
                       capture_output=True, text=True)
    out = p.stdout.rsplit("\n", 1)
    if p.returncode != 0:
        return False, "curl exit %d %s" % (p.returncode, clean(p.stderr))
    if len(out) == 2 and out[1] == "200" and out[0].strip().startswith("server"):
        return True, out[0].strip()
    return False, "http " + clean(p.stdout)


handle = None
if kind == "pycurl":
    import io
    import pycurl
    handle = pycurl.Curl()
    handle.setopt(pycurl.URL, url)
    handle.setopt(pycurl.TIMEOUT_MS, int(timeout * 1000))


def ask_pycurl():
    import io
    import pycurl
    buf = io.BytesIO()
    handle.setopt(pycurl.WRITEDATA, buf)
    try:
        handle.perform()
    except pycurl.error as e:
        return False, "libcurl %s" % clean(e.args)
    code = handle.getinfo(pycurl.RESPONSE_CODE)
    text = buf.getvalue().decode(errors="replace").strip()
    if code == 200 and text.startswith("server"):
        return True, text
    return False, "http %d %s" % (code, clean(text))


def ask_gai():
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            text = r.read().decode(errors="replace").strip()
            if r.status == 200 and text.startswith("server"):
                return True, text
            return False, "http %d %s" % (r.status, clean(text))
    except Exception as e:      # noqa: BLE001 - every failure is the user's failure
        return False, "%s %s" % (type(e).__name__, clean(e))


ask = {"curl": ask_curl, "pycurl": ask_pycurl, "gai": ask_gai}[kind]
end = time.time() + seconds
with open(path, "a", buffering=1) as f:
    while not stop and time.time() < end:
        t0 = time.time()
        ok, what = ask()
        t1 = time.time()
        f.write("%.3f,%.3f,%d,%s\n" % (t0, t1, ok, what))
        if not stop:
            time.sleep(pause)
