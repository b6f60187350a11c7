#!/usr/bin/python3
"""users-report.py: tables and timelines from tests/lab/users.sh's records.

usage: users-report.py [--check] OUT

Reads OUT/raw/tTTL-PATH-SCENARIO.events and .CLIENT.csv, writes OUT/results.md
and OUT/users-tTTL-SCENARIO.svg.  Standard library only.

For each client, after the event (dark, webdies, drain; time 0):
  first ok   when the first request that succeeded on the survivor (server2) ended
  last fail  when the last failed request ended (- when none failed)
  failed     how many requests failed
With --check (users.sh --short) it also prints pass:/FAIL: lines, writes them to
OUT/checks.txt and ends with "N passed, N failed"; exit 1 if any FAIL:
  dark, webdies  the client worked on server1 before the event, reached server2,
                 and had its last failure within TTL + its own cache (curl, gai:
                 0; pycurl: libcurl's 60 s; chromium: 60 s) + 7 s (one 2 s
                 client timeout and the resolver's retries);
  maint          the client worked on server1 before the drain, kept asking,
                 reached server2, and not one request failed."""
import glob
import os
import sys

CACHE = {"curl": 0, "gai": 0, "pycurl": 60, "chromium": 60}
MARGIN = 7
CLIENT_ORDER = ["curl", "gai", "pycurl", "chromium"]
PATH_ORDER = ["unbound", "named", "kresd", "pdns", "unbound-stale", "named-stale",
              "resolved", "dnsmasq"]
SC_ORDER = ["dark", "webdies", "maint"]
CLIENT_DOC = {
    "curl": "curl, a new process per request",
    "gai": "Python urllib, getaddrinfo per request",
    "pycurl": "libcurl, one long-lived handle (pycurl)",
    "chromium": "Chromium headless, fetch() in a page",
}
PATH_DOC = {
    "unbound": "Unbound (defaults)",
    "named": "BIND (defaults)",
    "kresd": "Knot Resolver (defaults)",
    "pdns": "PowerDNS Recursor (defaults)",
    "unbound-stale": "Unbound, serve-expired: yes",
    "named-stale": "BIND, stale-answer-enable yes; stale-answer-client-timeout 0",
    "resolved": "systemd-resolved stub -> Unbound",
    "dnsmasq": "dnsmasq (defaults, home router) -> Unbound",
}


def order(lst, ref):
    return sorted(lst, key=lambda x: (ref.index(x) if x in ref else len(ref), x))


def read_events(path):
    ev = {"times": {}, "ttl": None, "clients": [], "wait": None, "flags": []}
    for line in open(path):
        f = line.split()
        if not f:
            continue
        if f[0] == "ttl":
            ev["ttl"] = int(f[1])
        elif f[0] == "clients":
            ev["clients"] = f[1:]
        elif f[0] == "wait":
            ev["wait"] = float(f[1])
        elif f[0] == "load":
            ev.setdefault("load", []).append(f[1])
        elif f[0] in ("nofresh", "setup-failed"):
            ev["flags"].append(f[0])
        elif len(f) == 2:
            ev["times"][f[0]] = float(f[1])
    return ev


def read_csv(path):
    rows = []
    try:
        for line in open(path):
            f = line.rstrip("\n").split(",", 3)
            if len(f) == 4:
                try:
                    rows.append((float(f[0]), float(f[1]), f[2] == "1", f[3]))
                except ValueError:
                    pass
    except OSError:
        pass
    rows.sort()
    return rows


def kind_of(what):
    """A short name for a failure: curl's exit code, libcurl's error code, the
    exception's type, and the first words of its message."""
    w = what.split()
    if what.startswith("curl exit") and len(w) > 2:
        return "curl exit %s (%s)" % (w[2], " ".join(w[4:7]))
    if what.startswith("libcurl") and len(w) > 1:
        return "libcurl %s (%s)" % (w[1].strip("(;"), " ".join(w[2:5]).strip("'\""))
    return " ".join(w[:4])


def metrics(rows, ev, sc):
    t = ev["times"]
    e = t.get("drain" if sc == "maint" else sc)
    if e is None:
        return None
    m = {}
    before = [r for r in rows if r[1] <= e]
    # a request still running at "end" was cut by the lab, not failed
    after = [r for r in rows if r[1] > e and r[1] <= t.get("end", 1e20)]
    m["before_ok_s1"] = sum(1 for r in before if r[2] and r[3] == "server1")
    m["before_fail"] = sum(1 for r in before if not r[2])
    m["before_s2"] = sum(1 for r in before if r[2] and r[3] == "server2")
    m["after"] = len(after)
    s2 = [r[1] - e for r in after if r[2] and r[3] == "server2"]
    m["first_s2"] = min(s2) if s2 else None
    fails = [r for r in after if not r[2]]
    m["failed"] = len(fails)
    m["last_fail"] = max(r[1] - e for r in fails) if fails else None
    m["first_fail"] = min(r[1] - e for r in fails) if fails else None
    m["errors"] = sorted(set(kind_of(r[3]) for r in fails))
    # a client that stopped asking (a hung browser page, say): the first gap of
    # more than 15 s between two requests, or before the end
    m["stall"] = None
    prev = e
    for r in after + [(t.get("end", e), None, None, None)]:
        if r[0] - prev > 15:
            m["stall"] = prev - e
            break
        prev = max(prev, r[1] if r[1] is not None else prev)
    if sc == "maint":
        stop = t.get("stopweb", 1e20)
        s1 = [r[1] - e for r in after if r[2] and r[3] == "server1" and r[1] <= stop]
        m["last_s1"] = max(s1) if s1 else None
        m["stop"] = stop - e
    return m


def fmt(x):
    return "-" if x is None else "%.1f" % x


def load(out):
    runs = {}       # (ttl, sc) -> {path: (ev, {client: rows})}
    for evp in glob.glob(os.path.join(out, "raw", "t*.events")):
        base = evp[:-len(".events")]
        name = os.path.basename(base)
        ttl, rest = name[1:].split("-", 1)
        path, sc = rest.rsplit("-", 1)
        ev = read_events(evp)
        data = {c: read_csv("%s.%s.csv" % (base, c)) for c in ev["clients"]}
        runs.setdefault((int(ttl), sc), {})[path] = (ev, data)
    return runs


def svg(out, ttl, sc, cells):
    paths = order(list(cells), PATH_ORDER)
    lane, gap, left, width = 11, 16, 190, 900
    clients = []
    for p in paths:
        for c in cells[p][0]["clients"]:
            if c not in clients:
                clients.append(c)
    clients = order(clients, CLIENT_ORDER)
    t0s, t1s = [], []
    for p in paths:
        ev = cells[p][0]
        e = ev["times"].get("drain" if sc == "maint" else sc)
        if e is not None:
            t0s.append(ev["times"].get("start", e) - e)
            t1s.append(ev["times"].get("end", e) - e)
    lo = max(min(t0s) if t0s else -10, -20)
    hi = max(t1s) if t1s else 60
    scale = width / (hi - lo)
    X = lambda x: left + (x - lo) * scale
    ph = lane * len(clients) + gap
    height = 40 + ph * len(paths) + 30
    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="10">' % (left + width + 20, height),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="5" y="14" font-size="12">TTL %d s, %s: one mark per request (end time), x = seconds after the %s; '
         'blue server1, green server2, red failed</text>' % (ttl, sc, "drain" if sc == "maint" else "event")]
    y = 30
    for p in paths:
        ev, data = cells[p]
        e = ev["times"].get("drain" if sc == "maint" else sc)
        if e is None:
            continue
        o.append('<text x="5" y="%d" font-weight="bold">%s</text>' % (y + 9, p))
        for j, k in enumerate(("stopweb", "startweb", "undrain")):
            if k in ev["times"]:
                xx = X(ev["times"][k] - e)
                o.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#888"/>' % (xx, xx, y, y + lane * len(clients)))
                o.append('<text x="%.1f" y="%d" fill="#666" font-size="8"%s>%s</text>' % (
                    xx + (2 if j != 1 else -2), y + lane * len(clients) + 8, "" if j != 1 else ' text-anchor="end"', k))
        o.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="black"/>' % (X(0), X(0), y, y + lane * len(clients)))
        o.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="black" stroke-dasharray="2,2"/>' % (X(ttl), X(ttl), y, y + lane * len(clients)))
        for i, c in enumerate(clients):
            yy = y + i * lane
            o.append('<text x="100" y="%d">%s</text>' % (yy + 8, c))
            for (a, b, ok, what) in data.get(c, []):
                x = b - e
                if x < lo or x > hi:
                    continue
                col = "#d62728" if not ok else ("#1f77b4" if what == "server1" else "#2ca02c")
                if ok:
                    o.append('<rect x="%.1f" y="%d" width="1.5" height="%d" fill="%s"/>' % (X(x), yy + 1, lane - 2, col))
                else:
                    xa = max(a - e, lo)
                    o.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s" opacity="0.8"/>' % (X(xa), yy + 2, max(X(x) - X(xa), 1.5), lane - 4, col))
        y += ph
    for s in range(int(lo // 10) * 10, int(hi) + 1, 10):
        if s >= lo:
            o.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#ccc"/>' % (X(s), X(s), y - 4, y))
            o.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>' % (X(s), y + 8, s))
    o.append('<text x="%d" y="%d">seconds (solid line: event; dashed: event + TTL)</text>' % (left, y + 22))
    o.append("</svg>")
    name = "users-t%d-%s.svg" % (ttl, sc)
    with open(os.path.join(out, name), "w") as f:
        f.write("\n".join(o) + "\n")
    return name


def main():
    args = sys.argv[1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    out = args[0]
    runs = load(out)
    md = ["# What users see: results", "",
          "Written by tests/lab/users-report.py from raw/ (see tests/lab/users.sh for the setup).",
          "Time 0 is the event: server1 goes dark (`dark`), its web service is killed and it is drained "
          "at once (`webdies`), or it is drained for maintenance (`maint`).  Until then every client "
          "was on server1.  Cells: **first ok / last fail (failed)**: seconds from the event until the "
          "first request succeeded on server2, and until the last failed request ended; how many "
          "requests failed.  A client asks again 0.3 s after each answer; a request fails after 2 s.", ""]
    try:
        md += ["Machine and versions:", "", "```"] + open(os.path.join(out, "versions.txt")).read().rstrip().split("\n") + ["```", ""]
    except OSError:
        pass
    checks = []
    summary = {}
    for (ttl, sc) in sorted(runs, key=lambda k: (k[0], SC_ORDER.index(k[1]) if k[1] in SC_ORDER else 9)):
        cells = runs[(ttl, sc)]
        paths = order(list(cells), PATH_ORDER)
        clients = order(sorted({c for p in paths for c in cells[p][0]["clients"]}), CLIENT_ORDER)
        md += ["## TTL %d s, %s" % (ttl, sc), ""]
        if sc == "maint":
            waits = sorted({cells[p][0]["wait"] for p in paths})
            md += ["Drain at 0; the web service stopped (SIGTERM) %s s later, started 10 s after that, then undrained. "
                   "Cells: **failed** requests; last answer from server1 before the stop / first from server2, "
                   "in seconds after the drain." % "/".join("%g" % w for w in waits), ""]
        md += ["| path | " + " | ".join(clients) + " |", "| --- |" + " --- |" * len(clients)]
        for p in paths:
            ev, data = cells[p]
            row = []
            for c in clients:
                if c not in data:
                    row.append("")
                    continue
                m = metrics(data[c], ev, sc)
                if m is None:
                    row.append("no event")
                    continue
                key = (ttl, sc, c)
                summary.setdefault(key, []).append((p, m))
                if sc == "maint":
                    cell = "**%d** (s1 until %s / s2 from %s)" % (m["failed"], fmt(m["last_s1"]), fmt(m["first_s2"]))
                else:
                    cell = "%s / %s (%d)" % (fmt(m["first_s2"]), fmt(m["last_fail"]), m["failed"])
                if m["stall"] is not None:
                    cell += " stopped asking at %s" % fmt(m["stall"])
                row.append(cell)
                if check:
                    checks += check_cell(ttl, sc, p, c, m, ev)
            flag = " (%s)" % ", ".join(ev["flags"]) if ev["flags"] else ""
            md.append("| %s%s | " % (p, flag) + " | ".join(row) + " |")
        md += ["", "Load average (1 min) at the start and end of each run: " + ", ".join(
            "%s %s" % (p, "/".join(cells[p][0].get("load", []))) for p in paths) + ".", ""]
        md += ["![TTL %d %s](%s)" % (ttl, sc, svg(out, ttl, sc, cells)), ""]
        errs = {}
        for p in paths:
            ev, data = cells[p]
            for c in clients:
                m = metrics(data.get(c, []), ev, sc)
                if m and m["errors"]:
                    errs.setdefault(c, set()).update(m["errors"])
        if errs:
            md += ["Failures seen: " + "; ".join("%s: %s" % (c, ", ".join(sorted(v))) for c, v in sorted(errs.items())), ""]
    md += ["## Summary: worst over the DNS paths", "",
           "| TTL | scenario | client | first ok on server2 (worst path) | last failure (worst path) | failed (worst) |",
           "| --- | --- | --- | --- | --- | --- |"]
    for (ttl, sc, c) in sorted(summary, key=lambda k: (k[0], SC_ORDER.index(k[1]) if k[1] in SC_ORDER else 9, CLIENT_ORDER.index(k[2]) if k[2] in CLIENT_ORDER else 9)):
        ms = summary[(ttl, sc, c)]
        fs = [(m["first_s2"], p) for p, m in ms if m["first_s2"] is not None]
        ls = [(m["last_fail"], p) for p, m in ms if m["last_fail"] is not None]
        ns = [(m["failed"], p) for p, m in ms]
        f = max(fs) if fs else None
        lf = max(ls) if ls else None
        n = max(ns)
        md.append("| %d | %s | %s | %s | %s | %d (%s) |" % (
            ttl, sc, c, "%s (%s)" % (fmt(f[0]), f[1]) if f else "-",
            "%s (%s)" % (fmt(lf[0]), lf[1]) if lf else "-", n[0], n[1]))
    md += ["", "Paths: " + "; ".join("`%s` %s" % (k, v) for k, v in PATH_DOC.items()) + ".",
           "Clients: " + "; ".join("`%s` %s" % (k, v) for k, v in CLIENT_DOC.items()) + "."]
    notrun = glob.glob(os.path.join(out, "raw", "*.notrun"))
    for n in notrun:
        md.append("Not run: " + open(n).read().strip())
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    if check:
        if not runs:
            checks.append("FAIL: users lab: no records")
        with open(os.path.join(out, "checks.txt"), "w") as f:
            f.write("\n".join(checks) + "\n")
        for line in checks:
            print(line)
        npass = sum(1 for line in checks if line.startswith("pass:"))
        nfail = sum(1 for line in checks if line.startswith("FAIL:"))
        print("%d passed, %d failed" % (npass, nfail))
        return 1 if nfail else 0
    return 0


def check_cell(ttl, sc, p, c, m, ev):
    name = "users TTL %d %s %s %s" % (ttl, p, sc, c)
    res = []
    if ev["flags"]:
        return ["FAIL: %s: %s" % (name, ", ".join(ev["flags"]))]
    if m["before_ok_s1"] < 3 or m["before_fail"] or m["before_s2"]:
        return ["FAIL: %s: before the event %d ok on server1, %d on server2, %d failed" % (
            name, m["before_ok_s1"], m["before_s2"], m["before_fail"])]
    res.append("pass: %s: %d requests on server1 before the event, none failed" % (name, m["before_ok_s1"]))
    if m["stall"] is not None:
        return res + ["FAIL: %s: the client stopped asking %ss after the event" % (name, fmt(m["stall"]))]
    if m["first_s2"] is None:
        return res + ["FAIL: %s: never reached server2 (%d requests after the event)" % (name, m["after"])]
    if sc == "maint":
        if m["after"] < 20:
            return res + ["FAIL: %s: only %d requests after the drain" % (name, m["after"])]
        if m["failed"]:
            res.append("FAIL: %s: %d requests failed (first %ss, last %ss after the drain; wait %gs)" % (
                name, m["failed"], fmt(m["first_fail"]), fmt(m["last_fail"]), ev["wait"]))
        else:
            res.append("pass: %s: 0 of %d requests failed, on server2 from %ss (wait %gs)" % (
                name, m["after"], fmt(m["first_s2"]), ev["wait"]))
        return res
    bound = ttl + CACHE.get(c, 60) + MARGIN
    worst = max(m["first_s2"], m["last_fail"] or 0)
    if worst > bound:
        res.append("FAIL: %s: first ok on server2 %ss, last failure %ss after the event (bound %ds)" % (
            name, fmt(m["first_s2"]), fmt(m["last_fail"]), bound))
    else:
        res.append("pass: %s: on server2 after %ss, last failure %ss (bound %ds, %d failed)" % (
            name, fmt(m["first_s2"]), fmt(m["last_fail"]), bound, m["failed"]))
    return res


if __name__ == "__main__":
    sys.exit(main())
