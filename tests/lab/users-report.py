#!/usr/bin/python3
"""users-report.py: tables and timelines from tests/lab/users.sh's records.

usage: users-report.py [--check] OUT

Reads OUT/raw/tTTL-MODE-PATH-SCENARIO[.K].events, .CLIENT.csv and .dig (K:
the repeat, none for the first), writes OUT/results.md and
OUT/users-tTTL-MODE-SCENARIO.svg (the first run of each cell).  Standard
library only.

For each client, after the event (silent, unreachable, refused, webdies;
maint: the drain; time 0):
  first ok   when the first request that succeeded on server2 ended
  last fail  when the last failed request ended (- when none failed)
  failed     how many requests failed
For each run, from the .dig records (once a second): "gone" = the last
sample after the event whose answer from the path's entry point (A or AAAA)
still held server1's address, and the same for server2's own answer (asked
directly); - = never after the event.  spread: the requests each server got
while both were up (server1 slower).
With --check (users.sh --short) it also prints pass:/FAIL: lines, writes them to
OUT/checks.txt and ends with "N passed, N failed"; exit 1 if any FAIL:
  every cell    the client had >= 3 successful requests before the event and
                no failed one (own mode: all of them on server1);
  own: failures the client reached server2 and had its last failure within
                TTL + its own cache (curl, gai: 0; pycurl, chromium,
                firefox: 60 s) + 7 s (one 2 s client timeout and the
                resolver's retries);
  maint         it reached server2 and not one request failed;
  all: failures chromium and firefox (on server1 at the event): at most one
                request failed, sent within 1 s of the event (the one on the
                connection kept to server1), none after it; other clients:
                reached server2, last failure within TTL + detection bound
                + 1 + 7 s; and the run: server1's address was in the entry
                point's answers before the event (the control), and gone from
                them within TTL + detection bound + 1 s (the bound =
                fall x max(interval, timeout) + timeout, from .events), with
                samples after that to show it."""
import glob
import os
import re
import statistics
import sys

CACHE = {"curl": 0, "gai": 0, "pycurl": 60, "chromium": 60, "firefox": 90}
MARGIN = 7
SLOW = 1.0      # a request that succeeded but took longer than this (s): "slow"
KEPT = 1.0      # all mode, browsers: a failed request sent within this of the event was on the kept connection
BROWSERS = ("chromium", "firefox")
LONG = ("pycurl", "chromium", "firefox")   # keep a connection: users.sh (all mode) restarts them until on server1
CLIENT_ORDER = ["curl", "gai", "pycurl", "chromium", "firefox"]
PATH_ORDER = ["unbound", "named", "kresd", "pdns", "unbound-stale", "named-stale",
              "resolved", "dnsmasq"]
SC_ORDER = ["silent", "unreachable", "refused", "webdies", "maint", "spread"]
MODE_ORDER = ["own", "all"]
EVENT_KEY = {"maint": "drain"}
CLIENT_DOC = {
    "curl": "curl, a new process per request",
    "gai": "Python urllib, getaddrinfo per request",
    "pycurl": "libcurl, one long-lived handle (pycurl)",
    "chromium": "Chromium headless, fetch() in a page",
    "firefox": "Firefox ESR headless, fetch() in a page",
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
MODE_DOC = {
    "own": "each server answers with its own address (until the event server2 names server1: every client on server1)",
    "all": "failoverdns-health -a on both servers: every healthy server in every answer, own first",
}
NAME = re.compile(r"^t(\d+)-(own|all)-(.+)-([a-z]+)(?:\.(\d+))?$")


def order(lst, ref):
    return sorted(lst, key=lambda x: (ref.index(x) if x in ref else len(ref), x))


def read_events(path):
    ev = {"times": {}, "ttl": None, "clients": [], "wait": None, "flags": [], "bound": None,
          "addrs": [], "mode": None}
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
        elif f[0] == "bound":
            ev["bound"] = float(f[1])
        elif f[0] == "addrs":
            ev["addrs"] = f[1:]
        elif f[0] in ("mode", "net6", "delay"):
            ev[f[0]] = f[1]
        elif f[0] == "load":
            ev.setdefault("load", []).append(f[1])
        elif f[0] == "unsettled":
            ev.setdefault("unsettled", []).append(f[1])
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


def read_dig(path):
    """[(time, [entry A], [resolver A], [server2 A], [entry AAAA])], addresses only."""
    out = []
    try:
        for line in open(path):
            f = line.split()
            if not f:
                continue
            groups, cur = [], []
            for tok in f[1:]:
                if tok == "-" or tok.endswith("-") and "/" not in tok:
                    groups.append(cur)
                    cur = []
                else:
                    cur.append(tok.split("/")[0])
            while len(groups) < 4:
                groups.append([])
            try:
                out.append((float(f[0]), groups[0], groups[1], groups[2], groups[3]))
            except ValueError:
                pass
    except OSError:
        pass
    return out


def kind_of(what):
    """A short name for a failure: curl's exit code, libcurl's error code, the
    exception's type, and the first words of its message."""
    w = what.split()
    if what.startswith("curl exit") and len(w) > 2:
        return "curl exit %s (%s)" % (w[2], " ".join(w[4:7]))
    if what.startswith("libcurl") and len(w) > 1:
        return "libcurl %s (%s)" % (w[1].strip("(;"), " ".join(w[2:5]).strip("'\""))
    return " ".join(w[:4])


def event_time(ev, sc):
    return ev["times"].get(EVENT_KEY.get(sc, sc))


def metrics(rows, ev, sc):
    t = ev["times"]
    e = event_time(ev, sc)
    if e is None:
        return None
    m = {}
    end = t.get("end", 1e20)
    if sc == "spread":
        during = [r for r in rows if e < r[1] <= end]
        m["n_s1"] = sum(1 for r in during if r[2] and r[3] == "server1")
        m["n_s2"] = sum(1 for r in during if r[2] and r[3] == "server2")
        m["failed"] = sum(1 for r in during if not r[2])
        return m
    before = [r for r in rows if r[1] <= e]
    # a request still running at "end" was cut by the lab, not failed
    after = [r for r in rows if e < r[1] <= end]
    m["before_ok_s1"] = sum(1 for r in before if r[2] and r[3] == "server1")
    m["before_fail"] = sum(1 for r in before if not r[2])
    m["before_s2"] = sum(1 for r in before if r[2] and r[3] == "server2")
    oks = [r[3] for r in before if r[2]]
    m["at_event"] = oks[-1] if oks else None      # where it was when server1 failed
    m["after"] = len(after)
    s2 = [r[1] - e for r in after if r[2] and r[3] == "server2"]
    m["first_s2"] = min(s2) if s2 else None
    fails = [r for r in after if not r[2]]
    m["failed"] = len(fails)
    slow = [r for r in after if r[2] and r[1] - r[0] > SLOW]
    m["slow"] = len(slow)
    m["last_slow"] = max(r[1] - e for r in slow) if slow else None
    m["last_fail"] = max(r[1] - e for r in fails) if fails else None
    m["first_fail"] = min(r[1] - e for r in fails) if fails else None
    m["fail_starts"] = [r[0] - e for r in fails]
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


def gone(dig, ev, sc):
    """When server1's addresses left the answers: (entry, server2, seen before,
    samples after the bound, last sample) in seconds after the event."""
    e = event_time(ev, sc)
    if e is None or not dig:
        return None
    dead = set(ev["addrs"][0::2][:1] + ev["addrs"][2:3]) if ev["addrs"] else set()
    if not dead:
        return None
    before = any(dead & set(d[1] + d[4]) for d in dig if d[0] <= e)
    ent = [d[0] - e for d in dig if d[0] > e and dead & set(d[1] + d[4])]
    s2 = [d[0] - e for d in dig if d[0] > e and dead & set(d[3])]
    lim = (ev["ttl"] or 0) + (ev["bound"] or 0) + 1
    later = sum(1 for d in dig if d[0] - e > lim and d[0] <= ev["times"].get("end", 1e20))
    return {"entry": max(ent) if ent else None, "s2": max(s2) if s2 else None,
            "before": before, "later": later, "limit": lim}


def fmt(x):
    return "-" if x is None else "%.1f" % x


def load(out):
    runs = {}       # (ttl, mode, sc) -> {path: [(k, ev, {client: rows}, dig)]}
    for evp in glob.glob(os.path.join(out, "raw", "t*.events")):
        base = evp[:-len(".events")]
        mt = NAME.match(os.path.basename(base))
        if not mt:
            continue
        ttl, mode, path, sc, k = mt.groups()
        ev = read_events(evp)
        data = {c: read_csv("%s.%s.csv" % (base, c)) for c in ev["clients"]}
        dig = read_dig(base + ".dig")
        runs.setdefault((int(ttl), mode, sc), {}).setdefault(path, []).append((int(k or 1), ev, data, dig))
    for cells in runs.values():
        for p in cells:
            cells[p].sort(key=lambda x: x[0])
    return runs


def svg(out, ttl, mode, sc, cells):
    paths = order(list(cells), PATH_ORDER)
    lane, gap, left, width = 11, 16, 190, 900
    clients = order(sorted({c for p in paths for c in cells[p][0][1]["clients"]}), CLIENT_ORDER)
    t0s, t1s = [], []
    for p in paths:
        ev = cells[p][0][1]
        e = event_time(ev, sc)
        if e is not None:
            t0s.append(ev["times"].get("start", e) - e)
            t1s.append(ev["times"].get("end", e) - e)
    lo = max(min(t0s) if t0s else -10, -20)
    hi = max(t1s) if t1s else 60
    scale = width / (hi - lo)
    X = lambda x: left + (x - lo) * scale
    ph = lane * len(clients) + gap
    height = 40 + ph * len(paths) + 30
    what = {"maint": "drain", "spread": "start of the count"}.get(sc, "event")
    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="10">' % (left + width + 20, height),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="5" y="14" font-size="12">TTL %d s, %s mode, %s: one mark per request (end time), x = seconds after the %s; '
         'blue server1, green server2, red failed</text>' % (ttl, mode, sc, what)]
    y = 30
    for p in paths:
        k, ev, data, dig = cells[p][0]
        e = event_time(ev, sc)
        if e is None:
            continue
        o.append('<text x="5" y="%d" font-weight="bold">%s</text>' % (y + 9, p))
        for j, key in enumerate(("stopweb", "startweb", "undrain")):
            if key in ev["times"]:
                xx = X(ev["times"][key] - e)
                o.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#888"/>' % (xx, xx, y, y + lane * len(clients)))
                o.append('<text x="%.1f" y="%d" fill="#666" font-size="8"%s>%s</text>' % (
                    xx + (2 if j != 1 else -2), y + lane * len(clients) + 8, "" if j != 1 else ' text-anchor="end"', key))
        o.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="black"/>' % (X(0), X(0), y, y + lane * len(clients)))
        o.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="black" stroke-dasharray="2,2"/>' % (X(ttl), X(ttl), y, y + lane * len(clients)))
        for i, c in enumerate(clients):
            yy = y + i * lane
            o.append('<text x="100" y="%d">%s</text>' % (yy + 8, c))
            for (a, b, ok, what_) in data.get(c, []):
                x = b - e
                if x < lo or x > hi:
                    continue
                col = "#d62728" if not ok else ("#1f77b4" if what_ == "server1" else "#2ca02c")
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
    name = "users-t%d-%s-%s.svg" % (ttl, mode, sc)
    with open(os.path.join(out, name), "w") as f:
        f.write("\n".join(o) + "\n")
    return name


def spread_md(ttl, mode, cells):
    md = ["## TTL %d s, %s mode, spread" % (ttl, mode), "",
          "Both servers up; server1's DNS and web replies %s ms later (nfqdelay).  Cells: requests "
          "answered by server1 / server2 (server2's share) in the counted window; failed requests." % (
              "/".join(sorted({cells[p][0][1].get("delay", "?") for p in cells}))), ""]
    paths = order(list(cells), PATH_ORDER)
    clients = order(sorted({c for p in paths for r in cells[p] for c in r[1]["clients"]}), CLIENT_ORDER)
    md += ["| path | run | window (s) | " + " | ".join(clients) + " | load |", "| --- | --- | --- |" + " --- |" * (len(clients) + 1)]
    for p in paths:
        for k, ev, data, dig in cells[p]:
            row = []
            for c in clients:
                m = metrics(data.get(c, []), ev, "spread")
                if m is None or c not in data:
                    row.append("")
                    continue
                n = m["n_s1"] + m["n_s2"]
                row.append("%d / %d (%s)%s" % (m["n_s1"], m["n_s2"], "%d%%" % round(100.0 * m["n_s2"] / n) if n else "-",
                                              ", %d failed" % m["failed"] if m["failed"] else ""))
            win = ev["times"].get("end", 0) - ev["times"].get("spread", 0)
            md.append("| %s | %d | %.0f | %s | %s |" % (p, k, win, " | ".join(row), "/".join(ev.get("load", []))))
    return md + [""]


def rng(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return "-"
    if len(vals) == 1:
        return "%g" % round(vals[0], 1)
    return "%g [%g–%g]" % (round(statistics.median(vals), 1), round(min(vals), 1), round(max(vals), 1))


def main():
    args = sys.argv[1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    out = args[0]
    runs = load(out)
    md = ["# What users see: results", "",
          "Written by tests/lab/users-report.py from raw/ (see tests/lab/users.sh for the setup).",
          "Time 0 is the event: server1 goes `silent` (every packet dropped), `unreachable` (its link "
          "down behind the router: ICMP host unreachable), `refused` (its web service killed: RST; "
          "own mode: nothing tells the DNS), `webdies` (the same, with failoverdns-health on server1 "
          "redirecting), or it is drained for maintenance (`maint`).  Modes: " +
          "; ".join("`%s` %s" % kv for kv in MODE_DOC.items()) + ".  Cells: **first ok / last fail "
          "(failed)**: seconds from the event until the first request succeeded on server2, and until "
          "the last failed request ended; how many requests failed.  A client asks again 0.3 s after "
          "each answer; a request fails after 2 s; '+N slow, last T': N requests after the event succeeded but took over 1 s, the last ending at T.  *gone*: the last once-a-second sample after the "
          "event in which the path's entry point (and server2, asked directly) still answered with "
          "server1's address (- none).  all mode: `@s1` = the long-lived client (one kept "
          "connection) was on server1 when it failed (users.sh starts it again until it is).", ""]
    try:
        md += ["Machine and versions:", "", "```"] + open(os.path.join(out, "versions.txt")).read().rstrip().split("\n") + ["```", ""]
    except OSError:
        pass
    checks = []
    summary = {}
    keyf = lambda k: (k[0], MODE_ORDER.index(k[1]) if k[1] in MODE_ORDER else 9, SC_ORDER.index(k[2]) if k[2] in SC_ORDER else 9)
    for (ttl, mode, sc) in sorted(runs, key=keyf):
        cells = runs[(ttl, mode, sc)]
        if sc == "spread":
            md += spread_md(ttl, mode, cells)
            continue
        paths = order(list(cells), PATH_ORDER)
        clients = order(sorted({c for p in paths for r in cells[p] for c in r[1]["clients"]}), CLIENT_ORDER)
        md += ["## TTL %d s, %s mode, %s" % (ttl, mode, sc), ""]
        if sc == "maint":
            waits = sorted({r[1]["wait"] for p in paths for r in cells[p] if r[1]["wait"] is not None})
            md += ["Drain at 0; the web service stopped (SIGTERM) %s s later, started 10 s after that, then undrained. "
                   "Cells: **failed** requests; last answer from server1 before the stop / first from server2, "
                   "in seconds after the drain." % "/".join("%g" % w for w in waits), ""]
        md += ["| path | run | " + " | ".join(clients) + " | before: on s1 / s2 | gone: entry / server2 | load |",
               "| --- | --- |" + " --- |" * (len(clients) + 3)]
        for p in paths:
            for k, ev, data, dig in cells[p]:
                row = []
                b1 = b2 = 0
                for c in clients:
                    if c not in data:
                        row.append("")
                        continue
                    m = metrics(data[c], ev, sc)
                    if m is None:
                        row.append("no event")
                        continue
                    b1 += m["before_ok_s1"]
                    b2 += m["before_s2"]
                    summary.setdefault((ttl, mode, sc, p, c), []).append(m)
                    if sc == "maint":
                        cell = "**%d** (s1 until %s / s2 from %s)" % (m["failed"], fmt(m["last_s1"]), fmt(m["first_s2"]))
                    else:
                        cell = "%s / %s (%d)" % (fmt(m["first_s2"]), fmt(m["last_fail"]), m["failed"])
                        if m["slow"]:
                            cell += " +%d slow, last %s" % (m["slow"], fmt(m["last_slow"]))
                    if mode == "all" and c in LONG:
                        cell += " @%s" % {"server1": "s1", "server2": "s2"}.get(m["at_event"], "?")
                    if m["stall"] is not None:
                        cell += " stopped asking at %s" % fmt(m["stall"])
                    row.append(cell)
                    if check:
                        checks += check_cell(ttl, mode, sc, p, c, m, ev)
                g = gone(dig, ev, sc)
                gcell = "%s / %s" % (fmt(g["entry"]), fmt(g["s2"])) if g else ""
                if check and mode == "all" and sc != "maint":
                    checks += check_gone(ttl, mode, sc, p, g, ev)
                flag = " (%s)" % ", ".join(ev["flags"]) if ev["flags"] else ""
                md.append("| %s%s | %d | " % (p, flag, k) + " | ".join(row) + " | %d / %d | %s | %s |" % (
                    b1, b2, gcell, "/".join(ev.get("load", []))))
        first = {p: cells[p][0] for p in paths}
        md += ["", "![TTL %d %s %s](%s)" % (ttl, mode, sc, svg(out, ttl, mode, sc,
                                                              {p: [first[p]] for p in paths})), ""]
        errs = {}
        for p in paths:
            for k, ev, data, dig in cells[p]:
                for c in clients:
                    m = metrics(data.get(c, []), ev, sc)
                    if m and m.get("errors"):
                        errs.setdefault(c, set()).update(m["errors"])
        if errs:
            md += ["Failures seen: " + "; ".join("%s: %s" % (c, ", ".join(sorted(v))) for c, v in sorted(errs.items())), ""]
    md += ["## Summary: median [range] over the runs of each cell", "",
           "| TTL | mode | scenario | path | client | runs | failed | first ok on server2 (s) | last failure (s) | slow (> 1 s) |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for key in sorted(summary, key=lambda k: keyf(k[:3]) + (PATH_ORDER.index(k[3]) if k[3] in PATH_ORDER else 99,
                                                            CLIENT_ORDER.index(k[4]) if k[4] in CLIENT_ORDER else 9)):
        ms = summary[key]
        md.append("| %d | %s | %s | %s | %s | %d | %s | %s | %s | %s |" % (
            key + (len(ms), rng([m["failed"] for m in ms]), rng([m["first_s2"] for m in ms]),
                   rng([m["last_fail"] for m in ms]), rng([m.get("slow") for m in ms]))))
    md += ["", "Paths: " + "; ".join("`%s` %s" % (k, v) for k, v in PATH_DOC.items()) + ".",
           "Clients: " + "; ".join("`%s` %s" % (k, v) for k, v in CLIENT_DOC.items()) + "."]
    for n in glob.glob(os.path.join(out, "raw", "*.notrun")):
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


def check_gone(ttl, mode, sc, p, g, ev):
    name = "users TTL %d %s %s %s: server1's address" % (ttl, mode, p, sc)
    if g is None:
        return ["FAIL: %s: no DNS samples" % name]
    if not g["before"]:
        return ["FAIL: %s: not in the entry point's answers before the event (no control)" % name]
    if g["later"] < 5:
        return ["FAIL: %s: only %d samples later than %gs after the event" % (name, g["later"], g["limit"])]
    if g["entry"] is not None and g["entry"] > g["limit"]:
        return ["FAIL: %s: still answered %ss after the event (bound TTL %d + detection %g + 1 = %gs; server2's own answer last had it at %ss)" % (
            name, fmt(g["entry"]), ttl, ev["bound"], g["limit"], fmt(g["s2"]))]
    return ["pass: %s: in the answers before the event, last seen %ss after it (bound %gs; server2's own answer: %ss; %d samples after the bound)" % (
        name, fmt(g["entry"]), g["limit"], fmt(g["s2"]), g["later"])]


def check_cell(ttl, mode, sc, p, c, m, ev):
    name = "users TTL %d %s %s %s %s" % (ttl, mode, p, sc, c)
    res = []
    if ev["flags"]:
        return ["FAIL: %s: %s" % (name, ", ".join(ev["flags"]))]
    n_before = m["before_ok_s1"] + (m["before_s2"] if mode == "all" else 0)
    if n_before < 3 or m["before_fail"] or (mode == "own" and m["before_s2"]):
        return ["FAIL: %s: before the event %d ok on server1, %d on server2, %d failed" % (
            name, m["before_ok_s1"], m["before_s2"], m["before_fail"])]
    res.append("pass: %s: %d requests on server1, %d on server2 before the event, none failed" % (
        name, m["before_ok_s1"], m["before_s2"]))
    if mode == "all" and c in LONG and m["at_event"] != "server1":
        return res + ["FAIL: %s: on %s, not server1, when server1 failed (no test)" % (name, m["at_event"])]
    if m["stall"] is not None:
        return res + ["FAIL: %s: the client stopped asking %ss after the event" % (name, fmt(m["stall"]))]
    if m["first_s2"] is None:
        return res + ["FAIL: %s: never reached server2 (%d requests after the event)" % (name, m["after"])]
    if m["after"] < 20:
        return res + ["FAIL: %s: only %d requests after the event" % (name, m["after"])]
    if mode == "all" and c in BROWSERS and sc != "maint":
        # the request sent on the connection kept to server1 may die with it
        # (the lab's first all-mode runs: one request, 2 s); none after it
        late = [x for x in m["fail_starts"] if x > KEPT]
        if late or m["failed"] > 1:
            res.append("FAIL: %s: %d requests failed (first %ss, last %ss after the event; %d started later than %gs)" % (
                name, m["failed"], fmt(m["first_fail"]), fmt(m["last_fail"]), len(late), KEPT))
        else:
            res.append("pass: %s: %d of %d requests failed (%s), on server2 from %ss" % (
                name, m["failed"], m["after"], "the one on the kept connection, sent %ss after the event" % fmt(m["fail_starts"][0])
                if m["failed"] else "none", fmt(m["first_s2"])))
        return res
    if sc == "maint":
        if m["failed"]:
            res.append("FAIL: %s: %d requests failed (first %ss, last %ss after the event)" % (
                name, m["failed"], fmt(m["first_fail"]), fmt(m["last_fail"])))
        else:
            res.append("pass: %s: 0 of %d requests failed, on server2 from %ss" % (
                name, m["after"], fmt(m["first_s2"])))
        return res
    if mode == "all":
        bound = ttl + ev["bound"] + 1 + MARGIN
    else:
        bound = ttl + CACHE.get(c, 60) + MARGIN
    worst = max(m["first_s2"], m["last_fail"] or 0)
    if worst > bound:
        res.append("FAIL: %s: first ok on server2 %ss, last failure %ss after the event (bound %gs)" % (
            name, fmt(m["first_s2"]), fmt(m["last_fail"]), bound))
    else:
        res.append("pass: %s: on server2 after %ss, last failure %ss (bound %gs, %d failed)" % (
            name, fmt(m["first_s2"]), fmt(m["last_fail"]), bound, m["failed"]))
    return res


if __name__ == "__main__":
    sys.exit(main())
