#!/bin/sh
# tests/lab.sh: the short failover lab (tests/lab/run.sh --short) as a test suite:
# Unbound and Knot Resolver, TTL 5 s, each server running failoverdns -r with
# health/failoverdns-health beside it: the server in use is drained (-d); its
# web service dies (webdies); with Knot Resolver, server2 stands by (-S),
# server1 goes dark and comes back (standby, standby-back; Unbound's standby
# is in the full run only, see run.sh).  One line per run: pass / FAIL (the
# limits of tests/lab/report.py: clients not moved within TTL + fall x max(interval,
# timeout) + timeout + 1 s, a failed lookup, ...) / skip (not root, no network
# namespaces, a tool missing).  Exit 0 iff no FAIL.  3 to 6 minutes (load).
cd "$(dirname "$0")/.." || exit 1
skip() { echo "skip: lab: $1"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
for t in ip nsd udpsvd unbound kresd dig timeout bash; do
	command -v $t >/dev/null 2>&1 || skip "$t not installed"
done
py=python3
/usr/bin/python3 -c 'import dns.message' 2>/dev/null && py=/usr/bin/python3
$py -c 'import dns.message' 2>/dev/null || skip "python3-dnspython not installed"
# Probe what run.sh does to build its network: a named network namespace
# with a bridge, a veth pair moved into it (CAP_SYS_ADMIN, CAP_NET_ADMIN).
ns=fdlp$$
if ! err=$(ip netns add $ns 2>&1 && ip -n $ns link add br0 type bridge 2>&1 &&
    ip link add ${ns}a type veth peer name ${ns}b 2>&1 &&
    ip link set ${ns}a netns $ns 2>&1 && ip -n $ns link set lo up 2>&1); then
	ip link del ${ns}b 2>/dev/null
	ip netns del $ns 2>/dev/null
	skip "cannot build the lab's network (ip netns add, a bridge, a veth pair; CAP_SYS_ADMIN and CAP_NET_ADMIN): $(echo "$err" | head -n 1)"
fi
ip link del ${ns}b 2>/dev/null
ip netns del $ns
[ -x ./failoverdns ] || { echo "FAIL: lab: ./failoverdns not built"; exit 1; }
out=$(mktemp -d /tmp/failoverdns-labout.XXXXXX) || exit 1
timeout 900 bash tests/lab/run.sh --short --out "$out" >"$out/log" 2>&1
rc=$?
fail=0
if [ -s "$out/checks.txt" ]; then
	cat "$out/checks.txt"
	grep -q '^FAIL' "$out/checks.txt" && fail=1
fi
# Unbound x drain, webdies; kresd x drain, webdies, standby, standby-back
# (run.sh --short leaves Unbound's standby to the full run): a run that
# reported less is a failure (also when run.sh dropped the health scenarios:
# no failoverdns -r).
n=$(grep -cE '^(pass|FAIL): lab-' "$out/checks.txt" 2>/dev/null)
if [ "${n:-0}" -lt 6 ]; then
	echo "FAIL: lab: ${n:-0} of 6 checks (unbound x drain, webdies; kresd x drain, webdies, standby, standby-back) reported"
	fail=1
fi
if [ $rc != 0 ]; then
	echo "FAIL: lab: run.sh exited $rc: $(grep -v ' event ' "$out/log" | tail -n 3 | tr '\n' ' ')"
	fail=1
fi
[ $fail = 0 ] && rm -rf "$out" || echo "# lab output kept in $out" >&2
exit $fail
