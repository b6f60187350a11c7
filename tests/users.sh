#!/bin/sh
# tests/users.sh: the short "what users see" lab (tests/lab/users.sh --short)
# as a test suite: TTL 10, Unbound, clients asking http://www.example.com/ all
# the time; servers behind a router (tests/lab/net.sh).
#   own unreachable: curl (a process per request) and Python's urllib
#          (getaddrinfo per request); server1, where every client is, loses
#          its link (the router says "host unreachable"); each client must
#          have worked before, reach server2, and fail no later than TTL + 7 s
#   own maint: the same clients; `health/failoverdns-drain -t 10 -w 15`
#          drains server1 and returns after 15 s (TTL + 5), then its web
#          service is stopped and started again: each client must reach
#          server2 and not one of its requests may fail; the command's log
#          must show the drain and the wait
#   all silent: failoverdns-health -a on both servers (every healthy server
#          in every answer), curl and, if installed, Chromium; server1 drops
#          every packet: Chromium (on server1 when it fails) may lose the one
#          request sent on its kept connection to server1 (within 1 s of the
#          event) and not one after it, curl must reach server2 and fail no later than TTL +
#          detection bound + 1 + 7 s, and server1's address (in the answers
#          before: the control) must leave the resolver's answers within
#          TTL + detection bound (2 x max(1, 1) + 1 = 3 s) + 1 s
# One line per check: pass / FAIL / skip (not root, no network namespaces, a
# package missing).  Exit 0 iff no FAIL.  About 3 to 5 minutes.
cd "$(dirname "$0")/.." || exit 1
skip() { echo "skip: users lab: $1"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
for t in ip nsd udpsvd unbound dig curl iptables-legacy; do
	command -v $t >/dev/null 2>&1 || [ -x /usr/sbin/$t ] || skip "$t not installed"
done
[ -x /usr/bin/python3 ] || skip "no /usr/bin/python3"
ns=fouprobe$$
ip netns add $ns 2>/dev/null || skip "cannot create network namespaces"
if ! ip -n $ns link add ${ns}a type veth peer name ${ns}b 2>/dev/null; then
	ip netns del $ns
	skip "cannot create veth pairs in a network namespace"
fi
# The router namespace forwards: a writable /proc/sys (not in a container
# such as systemd-nspawn's).
if ! err=$(ip netns exec $ns sysctl -qw net.ipv4.ip_forward=1 2>&1); then
	ip netns del $ns
	skip "cannot turn forwarding on in a network namespace (read-only /proc/sys?): $(echo "$err" | head -n 1)"
fi
ip netns del $ns
bin=${FAILOVERDNS:-./failoverdns}
[ -x "$bin" ] || { echo "FAIL: users lab: $bin not built"; exit 1; }
out=$(mktemp -d /tmp/failoverdns-users-check.XXXXXX) || exit 1
timeout 600 bash tests/lab/users.sh --short --binary "$bin" --out "$out" >"$out/stdout" 2>"$out/log"
rc=$?
fail=0
grep -E '^(pass|FAIL): ' "$out/stdout"
grep -q '^FAIL: ' "$out/stdout" && fail=1
# own: two clients x two scenarios x (worked before + outcome): 8 checks;
# all silent: curl (2), chromium (2, if installed), the address gone (1)
want=11
command -v chromium >/dev/null 2>&1 && want=13
n=$(grep -cE '^(pass|FAIL): users TTL' "$out/stdout")
if [ "$n" -lt $want ]; then
	echo "FAIL: users lab: $n of $want checks reported"
	fail=1
fi
# maint went through failoverdns-drain: it drained, waited 15 s, returned
dl=$out/raw/t10-own-unbound-maint.drain.log
if grep -q 'waiting 15 s (-w)' "$dl" 2>/dev/null &&
    grep -q '15 s passed: safe to stop' "$dl" && grep -q 'removed' "$dl"; then
	echo "pass: users maint: failoverdns-drain -w 15 drained server1, returned after 15 s, -u undrained"
else
	echo "FAIL: users maint: failoverdns-drain log: $(tr '\n' ' ' <"$dl" 2>/dev/null)"
	fail=1
fi
if [ $rc != 0 ] && [ $fail = 0 ]; then
	echo "FAIL: users lab: users.sh exited $rc: $(tail -n 3 "$out/log" | tr '\n' ' ')"
	fail=1
fi
[ $fail = 0 ] && rm -rf "$out" || echo "# users lab output kept in $out" >&2
exit $fail
