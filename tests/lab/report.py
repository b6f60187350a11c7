#!/usr/bin/python3
"""report.py: turn the lab's raw records into results.md and one SVG timeline per scenario.

usage: report.py [--check TTL] [--max-latency MS] [--baseline DIR] OUTDIR
Reads OUTDIR/raw/RESOLVER-SCENARIO.{csv,events} and OUTDIR/versions.txt, writes
OUTDIR/results.md and OUTDIR/SCENARIO.svg.  With --check TTL also writes
OUTDIR/checks.txt: one `pass: NAME` or `FAIL: NAME: reason` line per run.
A run fails when
- dark, stop, drain: the clients were not all on the survivor within TTL + 5 s,
  or (drain) a client lookup failed;
- webdies, standby (server1 dark after server2 stood by with -S): a lookup
  sent later than TTL + fall x max(interval, timeout) + timeout + 1 s after the event
  (failoverdns-health's -f -i -t, from the events file) still got the failed
  server's address, or any lookup failed; webdies also when a lookup after the
  event took over MS ms (default 50); standby also when a client got anything
  but server1's address while server2 stood by;
- standby-back (the same run, server1 back): a lookup sent later than
  TTL + rise x max(interval, timeout) + timeout + 1 s after the return got no server1
  address, or a lookup failed after the return;
- alldown (both web services dead): a lookup failed, either server asked
  directly at the end did not answer with its own address, a redirect file was
  left, or a server's failoverdns-health did not log that it fails open.
Standard library only.
"""
import glob
import os
import re
import sys

S1, S2 = "198.51.100.211", "203.0.113.12"  # net.sh (issue 16: behind a router)
OLD = {"198.51.100.11": "s1", "198.51.100.12": "s2"}  # the flat lab before issue 16 (committed runs)
INTERVAL = 0.2  # the probe's period (run.sh)
TIMEOUT = 3.0   # when the probe gives up on a query (run.sh PTIMEOUT)
RESOLVERS = ["unbound", "named", "kresd", "pdns"]
NAMES = {"unbound": "Unbound", "named": "BIND 9", "kresd": "Knot Resolver", "pdns": "PowerDNS Recursor"}
SCENARIOS = ["share", "dark", "stop", "drain", "webdies", "alldown", "standby", "standby-back", "back", "geo"]
TITLES = {
    "share": "both up",
    "dark": "the server in use goes dark (link down)",
    "stop": "the server in use: failoverdns stopped (port unreachable)",
    "drain": "the server in use is drained (-d file)",
    "webdies": "the server in use: web service dies (failoverdns-health redirects to the other)",
    "alldown": "both web services die (failoverdns-health fails open)",
    "standby": "server2 stands by (-S), then server1 goes dark",
    "standby-back": "standby: server1 comes back",
    "back": "the server in use goes dark, then comes back",
    "geo": "geo: server1 150 ms further away",
}
FAILURES = ["dark", "stop", "drain", "webdies", "standby"]
EVENT_OF = {"standby": "dark", "standby-back": "back"}  # the event a scenario is timed from
SOURCE = {"standby-back": "standby"}    # recorded within another scenario's run
HEALTH_KEYS = ("h_interval", "h_timeout", "h_fall", "h_rise", "h_maxage")


class Row:
    def __init__(self, line):
        f = line.rstrip("\n").split(",")
        self.t = float(f[1])
        self.lat = float(f[2]) if f[2] else None
        self.rcode = f[3]
        self.addrs = f[4]
        self.ttl = int(f[5]) if f[5] else None

    def ok(self):
        return self.rcode == "NOERROR" and self.addrs != ""

    def done(self):
        """When the client had its outcome: the answer, or its timeout."""
        return self.t + (self.lat / 1000.0 if self.lat is not None else TIMEOUT)

    def kind(self):
        if not self.ok():
            return "fail"
        if self.addrs == S1 or OLD.get(self.addrs) == "s1":
            return "s1"
        if self.addrs == S2 or OLD.get(self.addrs) == "s2":
            return "s2"
        return "other"


def load(raw, r, sc, k=1):
    sc = SOURCE.get(sc, sc)
    name = "%s-%s" % (r, sc) if k == 1 else "%s-%s.%d" % (r, sc, k)
    csv, ev = os.path.join(raw, name + ".csv"), os.path.join(raw, name + ".events")
    if not os.path.exists(csv) or not os.path.exists(ev):
        return None
    with open(csv) as f:
        rows = [Row(l) for l in f.readlines()[1:] if l.count(",") == 5]
    events, ttl, health, direct = {}, None, {}, {}
    with open(ev) as f:
        for l in f:
            k, v = l.split(None, 1)
            v = v.strip()
            if k == "ttl":
                ttl = int(v)
            elif k == "victim":
                events["victim"] = v
            elif k in HEALTH_KEYS:
                health[k[2:]] = float(v)
            elif k.startswith(("direct_", "redirect_")):
                direct[k] = v
            else:
                events[k] = float(v)
    logs = os.path.join(raw, name + ".servers")
    logs = open(logs).read() if os.path.exists(logs) else ""
    return {"rows": rows, "events": events, "ttl": ttl, "health": health, "direct": direct, "logs": logs}


def server_counts(raw, r, sc, k=1):
    """A queries each server answered, from its -v log summary (run.sh), or None."""
    sc = SOURCE.get(sc, sc)
    path = os.path.join(raw, ("%s-%s.servers" if k == 1 else "%s-%s.%d.servers") % ((r, sc) if k == 1 else (r, sc, k)))
    if not os.path.exists(path):
        return None
    n = {"s1": 0, "s2": 0}
    with open(path) as f:
        for l in f:
            f_ = l.split()
            if len(f_) == 4 and f_[2] == "A" and f_[0][:-1] in n:
                n[f_[0][:-1]] += int(f_[1])
    return n if n["s1"] + n["s2"] else None


def share(rows):
    n1 = sum(1 for x in rows if x.kind() == "s1")
    n2 = sum(1 for x in rows if x.kind() == "s2")
    if n1 + n2 == 0:
        return "–"
    return "%d %% / %d %%" % (round(100.0 * n1 / (n1 + n2)), round(100.0 * n2 / (n1 + n2)))


def worst(rows):
    if not rows:
        return "–"
    if any(x.lat is None for x in rows):
        return "timeout"
    return "%.0f" % max(x.lat for x in rows)


def moved(res, after, target, t0):
    """Sets res["last_off"], the last answer (from t0) not from target, and
    res["failover"], when every later answer was target's: 0.0 if all were,
    None if the window ended before (never, within the window)."""
    bad = [i for i, x in enumerate(after) if x.kind() != target]
    res["last_off"] = after[bad[-1]].t - t0 if bad else 0.0
    if not bad:
        res["failover"] = 0.0
    elif bad[-1] == len(after) - 1:
        res["failover"] = None
    else:
        res["failover"] = after[bad[-1] + 1].t - t0


def analyse(d, sc):
    rows, ev = d["rows"], d["events"]
    res = {"failures": sum(1 for x in rows if not x.ok()), "n": len(rows),
           "nofresh": "nofresh" in ev, "setup_failed": "setup-failed" in ev}
    end = ev.get("end", rows[-1].t if rows else 0)
    if sc in ("share", "geo"):
        res["share"] = share(rows)
        res["worst"] = worst(rows)
        res["t0"] = ev.get("start", rows[0].t if rows else 0)
    victim = ev.get("victim", "s1")
    survivor = "s2" if victim == "s1" else "s1"
    res["victim"] = victim
    if sc in ("share", "geo"):
        pass
    elif sc in FAILURES and EVENT_OF.get(sc, sc) in ev:
        t0 = ev[EVENT_OF.get(sc, sc)]
        before = [x for x in rows if x.t < t0]
        # webdies: the failover is judged until the health program is
        # stopped (its own step, below)
        after = [x for x in rows if x.t >= t0 and x.done() < ev.get("hstop", 1e18)]
        moved(res, after, survivor, t0)
        # after the event every answer with the victim's address comes from the
        # resolver's cache: how long the cache kept clients on the victim
        vic = [x for x in after if x.kind() == victim]
        res["cached"] = vic[-1].t + INTERVAL - t0 if vic else 0.0
        prev = [x for x in before if x.ok()]
        res["cached_from"] = prev[-1].kind() if prev else None
        res["victim_share"] = share(before)
        res["after_fail"] = sum(1 for x in after if not x.ok())
        res["worst"] = worst(after)
        res["share"] = share(before)
        res["window"] = min(end, ev.get("hstop", end)) - t0
        res["t0"] = t0
        if sc == "webdies":
            res["hstop"] = "hstop" in ev or "hstop_setup" in ev
            res["hstop_setup"] = "hstop_setup" in ev
            res["hstop_own"] = ev["hstop_own"] - ev["hstop"] if "hstop_own" in ev else None
            res["hcont_back"] = ev["hcont_back"] - ev["hcont"] if "hcont_back" in ev else None
        if sc == "standby":
            # every lookup decided before the back event belongs to this
            # scenario; one still waiting (on the dark server) when server1
            # returned belongs to standby-back, where server1's address is
            # the right answer
            back = ev.get("back", end)
            res["fail_at"] = [x for x in rows if not x.ok() and x.done() < back]
            res["failures"] = len(res["fail_at"])
            res["hold_other"] = sum(1 for x in before if x.kind() != victim)
            res["window"] = back - t0
            after = [x for x in after if x.done() < back]
            vic = [x for x in after if x.kind() == victim]
            res["cached"] = vic[-1].t + INTERVAL - t0 if vic else 0.0
            moved(res, after, survivor, t0)
            res["worst"] = worst(after)
    elif sc == "standby-back" and "back" in ev:
        t0 = ev["back"]
        after = [x for x in rows if x.t >= ev.get("dark", t0) and x.done() >= t0]
        moved(res, after, "s1", t0)
        res["victim"] = "s1"
        res["fail_at"] = [x for x in after if not x.ok()]
        res["failures"] = len(res["fail_at"])
        res["worst"] = worst(after)
        res["share"] = share(after)
        res["window"] = end - t0
        res["t0"] = t0
    elif sc == "alldown" and "alldown" in ev:
        t0 = ev["alldown"]
        after = [x for x in rows if x.t >= t0]
        res["after_fail"] = sum(1 for x in after if not x.ok())
        res["servfail"] = sum(1 for x in rows if x.rcode == "SERVFAIL")
        res["worst"] = worst(after)
        res["share"] = share(after)
        res["window"] = end - t0
        res["t0"] = t0
        dr = d["direct"]
        res["direct"] = dict(dr)
        res["own"] = dr.get("direct_s1") in (S1, "198.51.100.11") and dr.get("direct_s2") in (S2, "198.51.100.12")
        res["no_redirect"] = dr.get("redirect_s1") == "none" and dr.get("redirect_s2") == "none"
        res["fail_open_logged"] = all(any(s2 == s and "every server unhealthy" in msg
                                          for s2, t, msg in health_log(d)) for s in ("s1", "s2"))
    elif sc == "back" and "back" in ev:
        t0 = ev["back"]
        after = [x for x in rows if x.t >= t0]
        first = [x for x in after if x.kind() == victim]
        res["back_after"] = first[0].t - t0 if first else None
        res["window"] = end - t0
        res["share"] = share(after)
        res["worst"] = worst([x for x in rows if x.t >= ev.get("dark", t0)])
        res["t0"] = t0
    return res


SWITCH = {  # scenario: (server, what its failoverdns-health logs when it has switched)
    "webdies": (None, "local service down: redirecting to"),
    "standby": ("s2", "standby: no peer up: answering with own addresses"),
    "standby-back": ("s2", "standby: a peer is up: redirecting to"),
    "alldown": (None, "every server unhealthy"),
}


def health_log(d):
    """[(server, time, message)] of the failoverdns-health lines in the .servers file."""
    out = []
    for m in re.finditer(r"^(s[12]): ([0-9]+\.[0-9]+) failoverdns-health: (.*)$", d["logs"], re.M):
        out.append((m.group(1), float(m.group(2)), m.group(3)))
    return out


def health_extra(d, sc, res):
    """Adds the switch delay (event to the health program's log line) and the
    count of lookups over 50 ms before and after the event."""
    if "t0" not in res:
        return
    if sc in SWITCH:
        srv, what = SWITCH[sc]
        if srv is None and sc == "webdies":
            srv = res["victim"]
        t = [tt - res["t0"] for s, tt, msg in health_log(d)
             if (srv is None or s == srv) and msg.startswith(what) and tt >= res["t0"]]
        if sc == "alldown":     # when the later of the two failed open
            ts = [min([tt - res["t0"] for s2, tt, msg in health_log(d)
                       if s2 == s and msg.startswith(what) and tt >= res["t0"]] or [None])
                  for s in ("s1", "s2")]
            res["switch"] = None if None in ts else max(ts)
        else:
            res["switch"] = t[0] if t else None
    rows = d["rows"]
    end = d["events"].get("back", d["events"].get("end", 1e18)) if sc == "standby" else 1e18
    res["slow_before"] = sum(1 for x in rows if x.t < res["t0"] and x.lat is not None and x.lat > 50)
    res["n_before"] = sum(1 for x in rows if x.t < res["t0"])
    win = [x for x in rows if res["t0"] <= x.t and x.done() < end]
    res["slow_after"] = sum(1 for x in win if x.lat is None or x.lat > 50)
    res["n_after"] = len(win)
    # fresh: answered with the full TTL, i.e. the lookup that fetched it or one
    # within the same second; the rest came from the cache and only show the load
    after = [x for x in win if x.ok()]
    fresh = [x.lat for x in after if x.ttl is not None and x.ttl >= d["ttl"]]
    cached = [x.lat for x in after if x.ttl is None or x.ttl < d["ttl"]]
    res["worst_fresh"] = "%.0f" % max(fresh) if fresh else "–"
    res["worst_cached"] = "%.0f" % max(cached) if cached else "–"


def fmt_s(v, window=None):
    if v is None:
        return "> %.0f" % window if window else "never"
    return "%.1f" % v


# ---------------------------------------------------------------- SVG

def svg(sc, runs, path, ttl):
    W, LEFT, RIGHT, PANEL, TOP = 900, 150, 20, 84, 72
    lanes = [("s1", "server1"), ("s2", "server2"), ("fail", "failure")]
    items = [(r, d, a) for r, d, a in runs if d["rows"]]
    H = TOP + PANEL * len(items) + 50
    # x range relative to the main event
    lo, hi = 0.0, 0.0
    for r, d, a in items:
        t0 = a.get("t0", d["rows"][0].t)
        lo = min(lo, max(d["rows"][0].t - t0, -(ttl + 8) if sc in FAILURES else -(ttl + 10)))
        if sc == "standby":  # up to the return
            hi = max(hi, d["events"].get("back", d["events"].get("end", d["rows"][-1].t)) - t0)
            continue
        hi = max(hi, d["events"].get("end", d["rows"][-1].t) - t0)
    if sc in ("share", "geo"):
        lo = 0.0
    span = (hi - lo) or 1.0

    def X(t):
        return LEFT + (t - lo) / span * (W - LEFT - RIGHT)

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">' % (W, H),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="20" font-size="15" font-weight="bold">%s</text>' % TITLES[sc],
           '<text x="10" y="36" fill="#555">one dot per client query (every 200 ms), in the lane of the server whose address '
           'it got; x: seconds after %s;</text>' % ("the start" if sc in ("share", "geo") else "the event"),
           '<text x="10" y="50" fill="#555">colour = latency: green &lt; 50 ms, orange &lt; 500 ms, red slower; '
           'x = no address (SERVFAIL, REFUSED, timeout); hover a dot for its numbers</text>']
    for k, (r, d, a) in enumerate(items):
        y0 = TOP + k * PANEL
        label = NAMES.get(r, r)
        if sc == "alldown":
            label += " (both web services die)"
        elif sc == "standby-back":
            label += " (server1 comes back)"
        elif sc not in ("share", "geo"):
            label += (" (server%s goes dark, comes back)" if sc == "back" else " (server%s fails)") % a.get("victim", "s1")[1]
        out.append('<text x="10" y="%d" font-weight="bold" font-size="11">%s</text>' % (y0 + 2, label))
        for j, (kind, label) in enumerate(lanes):
            y = y0 + 14 + j * 20
            out.append('<text x="%d" y="%d" text-anchor="end" fill="#333">%s</text>' % (LEFT - 6, y + 4, label))
            out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#ddd"/>' % (LEFT, y, W - RIGHT, y))
        t0 = a.get("t0", d["rows"][0].t)
        for name, t in sorted(((k, v) for k, v in d["events"].items() if isinstance(v, float)), key=lambda e: e[1]):
            if name in ("start", "end", "nofresh", "setup-failed") or not lo <= t - t0 <= hi:
                continue
            x = X(t - t0)
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#36c" stroke-dasharray="4,3"/>' % (x, y0 + 4, x, y0 + 64))
            out.append('<text x="%.1f" y="%d" fill="#36c" font-size="10">%s</text>' % (x + 3, y0 + 8, name))
        for x in d["rows"]:
            rt = x.t - t0
            if not lo <= rt <= hi:
                continue
            kind = x.kind()
            j = {"s1": 0, "s2": 1}.get(kind, 2)
            y = y0 + 14 + j * 20
            if kind in ("fail", "other"):
                out.append('<text x="%.1f" y="%d" text-anchor="middle" font-size="11">x</text>' % (X(rt), y + 4))
                continue
            col = "#2a2" if x.lat < 50 else ("#e90" if x.lat < 500 else "#d22")
            out.append('<circle cx="%.1f" cy="%d" r="2.6" fill="%s"><title>%.1f s: %s %.1f ms ttl %s</title></circle>'
                       % (X(rt), y, col, rt, x.addrs, x.lat, x.ttl))
    # axis
    ya = TOP + PANEL * len(items) + 8
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#000"/>' % (LEFT, ya, W - RIGHT, ya))
    step = 5 if span <= 60 else 10
    t = step * int(lo / step)
    while t <= hi:
        if t >= lo:
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#000"/>' % (X(t), ya, X(t), ya + 4))
            out.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>' % (X(t), ya + 17, t))
        t += step
    out.append('<text x="%d" y="%d" text-anchor="middle">seconds</text>' % ((LEFT + W - RIGHT) // 2, ya + 34))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def aggregate(runs):
    """One result for several runs of a cell: the worst of each number."""
    a = dict(runs[0][2])
    a["nruns"] = len(runs)
    if len(runs) == 1 or any("t0" not in x[2] for x in runs):
        return a
    all_a = [x[2] for x in runs]
    a["failures"] = sum(x["failures"] for x in all_a)
    ws = [x.get("worst", "–") for x in all_a]
    nums = [float(w) for w in ws if w not in ("timeout", "–")]
    a["worst"] = "timeout" if "timeout" in ws else ("%.0f" % max(nums) if nums else "–")
    for key in ("failover", "back_after"):
        if key in a:
            vals = [x.get(key) for x in all_a]
            a[key] = None if None in vals else max(vals)
    if "window" in a:
        a["window"] = min(x["window"] for x in all_a)
    return a


def collect(raw, resolvers, scenarios, reps=None):
    """data[(r, s)] = (first run's records, the worst over its runs); reps[(r, s)] =
    [(k, records, result)] for every run k of the cell (run.sh --repeat)."""
    data = {}
    for r in resolvers:
        for s in scenarios:
            runs = []
            for k in range(1, 100):
                d = load(raw, r, s, k)
                if d is None:
                    break
                a = analyse(d, s)
                health_extra(d, s, a)
                a["servers"] = server_counts(raw, r, s, k)
                runs.append((k, d, a))
            if runs:
                data[(r, s)] = (runs[0][1], aggregate(runs))
                if reps is not None:
                    reps[(r, s)] = runs
    return data


def compare(data, base, resolvers, scenarios, basedir):
    """failoverdns against the baseline run (e.g. the NSD stand-in), cell by cell."""
    md = ["## Compared with the baseline (%s)" % basedir, "",
          "Each cell: this run / the baseline run. Failure scenarios: seconds until all clients",
          "were on the survivor · worst client latency (ms). back: seconds until the returned",
          "server got traffic again. share / geo: % of client answers from server1.", "",
          "| resolver | " + " | ".join(scenarios) + " |", "| --- | " + " | ".join("---" for s in scenarios) + " |"]

    def cell(a, s):
        if a is None or "t0" not in a:
            return "–"
        if s in FAILURES:
            return "%s s · %s ms" % (fmt_s(a["failover"], a["window"]), a["worst"])
        if s == "back":
            return "%s s" % fmt_s(a["back_after"], a["window"])
        return a["share"].split(" ")[0] + " %"

    for r in resolvers:
        cells = []
        for s in scenarios:
            mine = data.get((r, s), (None, None))[1]
            theirs = base.get((r, s), (None, None))[1]
            cells.append("%s / %s" % (cell(mine, s), cell(theirs, s)))
        md.append("| %s | %s |" % (NAMES[r], " | ".join(cells)))
    return md + ["", "One run per cell on each side: which server a resolver tries first after its cache",
                 "expires is partly random, so latencies of a dead server's timeout show up in some",
                 "runs and not in others.", ""]


def summary(data, resolvers, scenarios, ttl):
    """One resolver x scenario table: the headline number of every cell."""
    md = ["## Summary", "",
          "Failure scenarios (TTL %d s): seconds from the event until every client answer was the" % ttl,
          "surviving server's · client-visible failures · worst client latency. back: seconds until",
          "the returned server got traffic again. share / geo: client answers server1 / server2 (%).",
          "standby-back: seconds from server1's return until every client answer was server1's ·",
          "failures after the return · worst latency. alldown: client answers server1 / server2 (%)",
          "after both web services died · failures (whole run) · worst latency.", "",
          "| resolver | " + " | ".join(s for s in scenarios) + " |",
          "| --- | " + " | ".join("---" for s in scenarios) + " |"]
    for r in resolvers:
        cells = []
        for s in scenarios:
            if (r, s) not in data or "t0" not in data[(r, s)][1]:
                cells.append("–")
                continue
            a = data[(r, s)][1]
            if s in FAILURES or s == "standby-back":
                cells.append("%s s · %d · %s ms%s" % (fmt_s(a["failover"], a["window"]), a["failures"], a["worst"],
                                                    " (%d runs)" % a["nruns"] if a.get("nruns", 1) > 1 else ""))
            elif s == "alldown":
                cells.append("%s · %d · %s ms" % (a["share"].replace(" %", ""), a["failures"], a["worst"]))
            elif s == "back":
                cells.append("%s s" % fmt_s(a["back_after"], a["window"]))
            else:
                cells.append(a["share"].replace(" %", ""))
        md.append("| %s | %s |" % (NAMES[r], " | ".join(cells)))
    return md + [""]


# ---------------------------------------------------------------- failoverdns-health

HEALTH_SCENARIOS = ("webdies", "alldown", "standby", "standby-back")


def bound(d, ttl, count_key):
    """TTL + count x max(interval, timeout) + timeout + 1 s (a round lasts up to
    the timeout when a check hangs), the health scenarios' limit, or None."""
    h = d["health"]
    if not all(k in h for k in ("interval", "timeout", count_key)):
        return None
    return ttl + h[count_key] * max(h["interval"], h["timeout"]) + h["timeout"] + 1


def health_checks(s, d, a, ttl, max_latency):
    """Reasons the run of a health scenario fails (empty: it passes)."""
    why = []
    if s not in HEALTH_SCENARIOS:
        return why
    if not d["health"]:
        return ["no failoverdns-health parameters recorded"]
    if s in ("webdies", "standby", "standby-back"):
        b = bound(d, ttl, "rise" if s == "standby-back" else "fall")
        to = "1" if s == "standby-back" else {"s1": "2", "s2": "1"}[a["victim"]]
        if a["failover"] is None:
            why.append("clients never all on server%s within %.0f s" % (to, a["window"]))
        elif a["last_off"] > b:
            why.append("a lookup sent %.1f s after the event was not on server%s (limit %.1f s)" % (
                a["last_off"], to, b))
        if a["failures"]:
            why.append("%d failed lookups" % a["failures"] + "".join(
                " (sent %.1f s after the event: %s after %s)" % (
                    x.t - a["t0"], x.rcode or "no answer",
                    "%.0f ms" % x.lat if x.lat is not None else "the client's timeout")
                for x in a.get("fail_at", [])[:3]))
    if s == "webdies" and a["worst"] != "–" and (a["worst"] == "timeout" or float(a["worst"]) > max_latency):
        why.append("a lookup after the event took %s ms > %d (%d of %d over 50 ms after, %d of %d before)" % (
            a["worst"], max_latency, a["slow_after"], a["n_after"], a["slow_before"], a["n_before"]))
    if s == "webdies" and a.get("hstop"):
        if a["hstop_setup"]:
            why.append("health program stopped: the server was not redirecting before")
        elif "maxage" not in d["health"]:
            why.append("health program stopped: no -e recorded")
        else:
            m, r = d["health"]["maxage"], max(d["health"]["interval"], d["health"]["timeout"]) + d["health"]["timeout"] + 1
            if a["hstop_own"] is None or a["hstop_own"] > m + 1:
                why.append("health program stopped: own address %s s after SIGSTOP (limit -e %g + 1 s)" % (
                    fmt_s(a["hstop_own"]), m))
            if a["hcont_back"] is None or a["hcont_back"] > r:
                why.append("health program continued: redirect back %s s after SIGCONT (limit %.1f s)" % (
                    fmt_s(a["hcont_back"]), r))
    if s == "standby" and a["hold_other"]:
        why.append("%d answers other than server1's while server2 stood by" % a["hold_other"])
    if s == "alldown":
        if a["failures"]:
            why.append("%d failed lookups (%d SERVFAIL)" % (a["failures"], a["servfail"]))
        if not a["own"]:
            why.append("not answering with own addresses at the end: %s / %s" % (
                a["direct"].get("direct_s1"), a["direct"].get("direct_s2")))
        if not a["no_redirect"]:
            why.append("redirect file left: %s / %s" % (a["direct"].get("redirect_s1"), a["direct"].get("redirect_s2")))
        if not a["fail_open_logged"]:
            why.append("a server's failoverdns-health did not log 'every server unhealthy'")
    return why


def health_tables(data, resolvers, scenarios):
    """The failoverdns-health scenarios, one table."""
    h = {}
    for (r, s), (d, a) in data.items():
        if s in HEALTH_SCENARIOS and d["health"]:
            h = d["health"]
            ttl = d["ttl"]
            break
    if not h:
        return []
    md = ["## failoverdns-health (TTL %d s; -i %g -t %g -f %g -u %g)" % (
              ttl, h["interval"], h["timeout"], h["fall"], h["rise"]), "",
          "Each server runs failoverdns with `-r FILE` and `health/failoverdns-health` beside it:",
          "this server's check `tcp://ITS_ADDRESS:80` (the lab's web service), the other server",
          "as the peer (`-p ADDRESS=tcp://ADDRESS:80`). *Limit*: TTL + fall x max(interval, timeout) + timeout",
          "+ 1 s (standby-back: rise instead of fall), what issue 13 asks for.", "",
          "- webdies: the web service of the server in use dies; its failoverdns-health then",
          "  redirects to the other server's address.  Then (runs after issue 17) that",
          "  failoverdns-health is stopped (SIGSTOP): failoverdns runs with `-e` (maxage) and must",
          "  answer with its own address again within maxage + 1 s, asked directly; continued",
          "  (SIGCONT), the redirect must be back within max(interval, timeout) + timeout + 1 s.",
          "  The failover columns count lookups until the stop.",
          "- standby: server2's failoverdns-health runs with `-S`, so both servers hand out",
          "  server1's address; after the hold server1 goes dark (link down) and server2 answers",
          "  with its own once server1's check has failed `fall` times. *Hold*: client answers",
          "  other than server1's during the hold (should be 0).",
          "- standby-back: server1's link comes back up TTL + 8 s later (in runs made",
          "  after commit 377b9be: at the next freshly fetched answer after that, so that no",
          "  lookup is waiting on server1 as it returns).",
          "- alldown: both web services die at once: both servers must go on answering with",
          "  their own addresses (fail open). *Own*: what each server answered when asked",
          "  directly at the end; *log*: both failoverdns-health logged \"every server unhealthy\".", "",
          "*Switch*: seconds from the event until the server's failoverdns-health logged the",
          "change (webdies: the failed server's redirect; standby: server2 answering with its",
          "own; standby-back: server2 redirecting to server1 again; alldown: the later of the two",
          "logging \"every server unhealthy\"). *All moved after*: seconds until every later",
          "lookup got the address it should (to the probe's 0.2 s); the check is that no lookup",
          "sent after the limit got another. *> 50 ms*: lookups slower than 50 ms after the event",
          "/ before it (a control: the machine's own load, see versions above). *Fresh / cached*:",
          "the worst latency of answers after the event with the full TTL (the lookups that made",
          "the resolver fetch, and those in the same second) / of the others, served from its",
          "cache, whose latency is the machine's load alone.", "",
          "| resolver | scenario | switch (s) | all moved after (s) | limit (s) | failures | worst latency (ms) | fresh / cached (ms) | > 50 ms after / before | notes |",
          "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |"]
    for r in resolvers:
        for s in HEALTH_SCENARIOS:
            if (r, s) not in data:
                continue
            d, a = data[(r, s)]
            if "t0" not in a:
                md.append("| %s | %s | | setup failed | | | | | | |" % (NAMES[r], s))
                continue
            sw = "–" if a.get("switch") is None else "%.1f" % a["switch"]
            slow = "%d of %d / %d of %d" % (a["slow_after"], a["n_after"], a["slow_before"], a["n_before"])
            slow = "%s / %s | %s" % (a["worst_fresh"], a["worst_cached"], slow)
            if s == "alldown":
                notes = "own: %s / %s; redirect files: %s / %s; log: %s; share after %s" % (
                    a["direct"].get("direct_s1"), a["direct"].get("direct_s2"),
                    a["direct"].get("redirect_s1"), a["direct"].get("redirect_s2"),
                    "yes" if a["fail_open_logged"] else "NO", a["share"])
                md.append("| %s | %s | %s | | | %d | %s | %s | %s |" % (NAMES[r], s, sw, a["failures"], a["worst"], slow, notes))
                continue
            b = bound(d, d["ttl"], "rise" if s == "standby-back" else "fall")
            notes = ""
            if s == "standby":
                notes = "hold: %d" % a["hold_other"]
            if s == "webdies":
                notes = "server%s's web service died" % a["victim"][1]
                if a.get("hstop") and not a["hstop_setup"]:
                    notes += "; its failoverdns-health stopped: own address after %s s (-e %g), continued: redirect after %s s" % (
                        fmt_s(a["hstop_own"]), d["health"].get("maxage", 0), fmt_s(a["hcont_back"]))
            md.append("| %s | %s | %s | %s | %.0f | %d | %s | %s | %s |" % (
                NAMES[r], s, sw, fmt_s(a["failover"], a["window"]), b, a["failures"], a["worst"], slow, notes))
    return md + ["", "failures: failed client lookups (webdies, alldown: whole run; standby: those decided",
                 "before the return; standby-back: the rest, from the event on, so a lookup still",
                 "waiting on the dark server when it returned counts there). worst latency: slowest",
                 "lookup after the event", ""]


# ---------------------------------------------------------------- main

def main():
    args = sys.argv[1:]
    check = baseline = None
    max_latency = 50
    while args[:1] in (["--check"], ["--baseline"], ["--max-latency"]):
        if args[0] == "--check":
            check = int(args[1])
        elif args[0] == "--max-latency":
            max_latency = int(args[1])
        else:
            baseline = args[1]
        args = args[2:]
    outdir = args[0]
    raw = os.path.join(outdir, "raw")
    present = set(os.path.basename(p)[:-4].split(".")[0] for p in glob.glob(os.path.join(raw, "*.csv")))
    resolvers = [r for r in RESOLVERS if any(p.startswith(r + "-") for p in present)]
    scenarios = [s for s in SCENARIOS if any(p.endswith("-" + SOURCE.get(s, s)) for p in present)]
    reps = {}
    data = collect(raw, resolvers, scenarios, reps)
    ttl = max([d["ttl"] or 0 for d, a in data.values() if d["ttl"]] + [0])
    fttl = max([d["ttl"] or 0 for (r, s), (d, a) in data.items() if s not in ("share", "geo")] + [ttl])

    md = ["# Failover lab results", ""]
    vf = os.path.join(outdir, "versions.txt")
    if os.path.exists(vf):
        md += ["```"] + open(vf).read().rstrip("\n").split("\n") + ["```", ""]
    md += ["Made by `tests/lab/run.sh` (see tests/lab/README.md). Each cell is one run with a",
           "freshly started resolver (empty cache) and fresh servers; the client asks the resolver",
           "for `www.example.com A` every 200 ms and gives up on a query after 3 s.", ""]
    md += summary(data, resolvers, scenarios, fttl)
    if baseline:
        braw = os.path.join(baseline, "raw")
        md += compare(data, collect(braw, resolvers, scenarios), resolvers, scenarios,
                      os.path.relpath(baseline, outdir))
    fs = [s for s in scenarios if s in FAILURES]
    if fs:
        md += ["## Failure scenarios (TTL %d s)" % fttl, "",
               "The event hits the server the resolver is using: it is triggered right after the client",
               "received a freshly fetched answer, from server1 or server2 (*on*), so the resolver holds",
               "that server's answer for about one TTL after the event (*cached*: from the event until",
               "the last answer the resolver gave from that cached record; resolvers count a TTL of",
               "N seconds down as N, N-1, ... 0, each shown for a second, so this can be TTL + 1).",
               "*All on survivor after*: seconds from the event until every later query (by send time)",
               "was answered with the other server's address; when it equals *cached*, the resolver",
               "moved the clients the moment its cached answer expired (any waiting on the dead",
               "server shows as latency instead).",
               "*Failures*: client queries that got no address (SERVFAIL, timeout...), whole run.",
               "*Worst latency*: slowest client answer after the event.", "",
               "| resolver | scenario | on | all on survivor after (s) | cached (s) | failures | worst latency (ms) |",
               "| --- | --- | --- | ---: | ---: | ---: | ---: |"]
        for r in resolvers:
            for s in fs:
                for k, d, a in reps.get((r, s), []):
                    sk = s + (" #%d" % k if len(reps[(r, s)]) > 1 else "") + (" *" if a["nofresh"] else "")
                    if "t0" not in a:
                        md.append("| %s | %s | | setup failed | | | |" % (NAMES[r], sk))
                        continue
                    md.append("| %s | %s | server%s | %s | %.1f | %d | %s |" % (
                        NAMES[r], sk, a["victim"][1], fmt_s(a["failover"], a["window"]),
                        a["cached"], a["failures"], a["worst"]))
        md += ["", "`*`: no freshly fetched answer seen within the wait; the event hit server1 anyway.", ""]
    if any(s in scenarios for s in ("webdies", "alldown", "standby")):
        md += health_tables(data, resolvers, scenarios)
    if "back" in scenarios:
        md += ["## The server comes back (TTL %d s)" % fttl, "",
               "The server in use goes dark right after a fresh answer from it and comes back TTL + 5 s",
               "later. *Traffic again after*: seconds from its return until the client first gets its",
               "answer again; *share after*: server1 / server2 answers after its return.", "",
               "| resolver | on | traffic again after (s) | failures | worst latency (ms) | share after |",
               "| --- | --- | ---: | ---: | ---: | --- |"]
        for r in resolvers:
            if (r, "back") in data:
                d, a = data[(r, "back")]
                if "t0" not in a:
                    md.append("| %s | | setup failed | | | |" % NAMES[r])
                    continue
                md.append("| %s | server%s | %s | %d | %s | %s |" % (NAMES[r], a["victim"][1], fmt_s(a["back_after"], a["window"]),
                                                          a["failures"], a["worst"], a["share"]))
        md.append("")
    ss = [s for s in ("share", "geo") if s in scenarios]
    if ss:
        md += ["## Share of answers (TTL 1 s, 30 s)", "",
               "TTL 1 s so that the resolver chooses a server about once a second (Knot Resolver",
               "and PowerDNS Recursor keep answers at least 5 s and 1 s). geo: server1's answers",
               "delayed 150 ms (NFQUEUE, tests/lab/nfqdelay.c).", "",
               "*Answers*: client answers with server1's / server2's address; *queries*: A queries",
               "each server received from the resolver (its `-v` log); *failures*: client queries",
               "with no address.", "",
               "| resolver | " + " | ".join("%s: answers server1 / server2 | %s: queries | %s: failures" % (s, s, s) for s in ss) + " |",
               "| --- | " + " | ".join("--- | --- | ---:" for s in ss) + " |"]
        for r in resolvers:
            cells = []
            for s in ss:
                if (r, s) in data and "t0" in data[(r, s)][1]:
                    a = data[(r, s)][1]
                    q = a.get("servers")
                    cells += [a["share"], "%d / %d" % (q["s1"], q["s2"]) if q else "–", str(a["failures"])]
                else:
                    cells += ["–", "–", "–"]
            md.append("| %s | %s |" % (NAMES[r], " | ".join(cells)))
        md.append("")
    md += ["## Timelines", ""]
    for s in scenarios:
        runs = [(NAMES[r] + (" #%d" % k if len(reps[(r, s)]) > 1 else ""), d, a)
                for r in resolvers for k, d, a in reps.get((r, s), [])]
        svg(s, runs, os.path.join(outdir, s + ".svg"), fttl if s not in ("share", "geo") else 1)
        md += ["### %s" % TITLES[s], "", "![%s](%s.svg)" % (TITLES[s], s), ""]
    with open(os.path.join(outdir, "results.md"), "w") as f:
        f.write("\n".join(md))

    if check is not None:
        lines = []
        for (r, s), runs in sorted(reps.items()):
            for k, d, a in runs:
                name = "lab-%s-%s" % (r, s) + ("-%d" % k if k > 1 else "")
                if "t0" not in a:
                    lines.append("FAIL: %s: setup failed" % name)
                    continue
                why = health_checks(s, d, a, check, max_latency)
                if s in FAILURES and s not in HEALTH_SCENARIOS:
                    if a["failover"] is None:
                        why.append("clients never all on the surviving server within %.0f s" % a["window"])
                    elif a["failover"] > check + 5:
                        why.append("failover took %.1f s > TTL+5" % a["failover"])
                    if s in ("drain", "webdies") and a["failures"]:
                        why.append("%d client-visible failures" % a["failures"])
                lines.append("FAIL: %s: %s" % (name, "; ".join(why)) if why else "pass: %s" % name)
        with open(os.path.join(outdir, "checks.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
        print("\n".join(lines))


if __name__ == "__main__":
    main()
