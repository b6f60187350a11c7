#!/bin/sh
# Suite for -c host:port (issue 5): the TCP health check that turns the
# server into a drained one (REFUSED) while the checked port is down.
# Pipe mode only: no DNS socket is needed, the checked ports are on
# 127.0.0.1.  Protocol: "pass: NAME" / "FAIL: NAME: reason" lines.
cd "$(dirname "$0")/.." || exit 1
bin=${FAILOVERDNS:-./failoverdns}
tmp=$(mktemp -d) || exit 1
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
failed=0
pass() { echo "pass: $1"; }
fail() { echo "FAIL: $1: $2"; failed=1; }
base=$(( 30000 + $$ % 5000 ))
up=$base		# a port with a listener
blackhole=$((base + 1))	# a listener whose backlog is full: SYNs dropped

# One framed query for www.example.com A, ID 0x1234, RD.
query='\000\041\022\064\001\000\000\001\000\000\000\000\000\000\003www\007example\003com\000\000\001\000\001'
# rcodes of the replies on stdin, one per line.
rcodes() { od -An -v -tu1 | tr -s ' \n' '\n\n' | sed '/^$/d' | awk '
	{ b[n++] = $1 }
	END { i = 0; while (i + 4 < n) { print b[i+5] % 16; i += 2 + b[i] * 256 + b[i+1] } }'; }
ask() {	# ask COUNT ARGS...: COUNT queries in one process, prints rcodes
	n=$1; shift
	i=0; while [ "$i" -lt "$n" ]; do printf "$query"; i=$((i + 1)); done |
	    "$bin" "$@" -n server1.com. -n server2.com. www.example.com \
	    198.51.100.1 2>"$tmp/log" | rcodes | tr '\n' ' '
}
ms() { date +%s%3N; }

/usr/bin/python3 - "$up" "$blackhole" <<'PY' &
import socket, sys, time
# A plain listener on the first port, a blackhole on the second: backlog
# 0 and filled by connections nobody accepts, so new SYNs are dropped.
up = socket.socket(); up.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
up.bind(("127.0.0.1", int(sys.argv[1]))); up.listen(64)
bh = socket.socket(); bh.bind(("127.0.0.1", int(sys.argv[2]))); bh.listen(0)
fill = []
for _ in range(3):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(("127.0.0.1", int(sys.argv[2])))
    except BlockingIOError: pass
    fill.append(c)
up.settimeout(0.2)
end = time.time() + 120
while time.time() < end:
    try: up.accept()[0].close()
    except socket.timeout: pass
PY
pids="$pids $!"
listener=$!
sleep 0.5

t_answers_while_port_accepts() {
	r=$(ask 1 -c "127.0.0.1:$up")
	[ "$r" = "0 " ] && pass t_answers_while_port_accepts ||
	    fail t_answers_while_port_accepts "rcodes '$r', want NOERROR (0)"
}
t_refuses_when_port_closed() {
	closed=$((base + 2))
	r=$(ask 1 -c "127.0.0.1:$up" -c "127.0.0.1:$closed")
	[ "$r" = "5 " ] && pass t_refuses_when_port_closed ||
	    fail t_refuses_when_port_closed "rcodes '$r', want REFUSED (5)"
}
t_blackhole_costs_at_most_the_timeout() {
	t0=$(ms)
	r=$(ask 1 -c "127.0.0.1:$blackhole")
	t=$(( $(ms) - t0 ))
	if [ "$r" = "5 " ] && [ "$t" -ge 240 ] && [ "$t" -lt 1500 ]; then
		pass t_blackhole_costs_at_most_the_timeout
	else
		fail t_blackhole_costs_at_most_the_timeout \
		    "rcodes '$r' after $t ms, want REFUSED after 250 ms"
	fi
}
t_one_check_a_second_in_a_storm() {
	t0=$(ms)
	r=$(ask 20 -c "127.0.0.1:$blackhole")
	t=$(( $(ms) - t0 ))
	want="5 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5 "
	if [ "$r" = "$want" ] && [ "$t" -lt 1500 ]; then
		pass t_one_check_a_second_in_a_storm
	else
		fail t_one_check_a_second_in_a_storm \
		    "20 queries: rcodes '$r' in $t ms, want 20 REFUSED in < 1.5 s"
	fi
}
t_logs_state_change_once() {
	r=$(ask 5 -v -c "127.0.0.1:$blackhole")
	n=$(grep -c 'health check 127.0.0.1:[0-9]* failed' "$tmp/log")
	q=$(grep -c ' REFUSED$' "$tmp/log")
	[ "$n" = 1 ] && [ "$q" = 5 ] && pass t_logs_state_change_once ||
	    fail t_logs_state_change_once "$n state lines, $q query lines: $(head -3 "$tmp/log")"
}
t_comes_back_when_port_returns() {
	# Linger over a down-up change: one process, a query, the port
	# opens, a query more than a second later is answered again.
	port=$((base + 3))
	{ printf "$query"; sleep 1.3; printf "$query"; } |
	    "$bin" -v -c "127.0.0.1:$port" -n server1.com. www.example.com \
	    198.51.100.1 2>"$tmp/log2" >/dev/null &
	{ sleep 0.5; /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); s.settimeout(3)
try: s.accept()
except socket.timeout: pass' "$port"; } &
	wait
	r=$(rcodes_of_log)
	if grep -q 'answering again' "$tmp/log2" && [ "$r" = "REFUSED NOERROR" ]; then
		pass t_comes_back_when_port_returns
	else
		fail t_comes_back_when_port_returns "log: $(cat "$tmp/log2")"
	fi
}
rcodes_of_log() { awk '/ A [A-Z]+$/ { printf "%s%s", s, $NF; s = " " }' "$tmp/log2"; }
t_rejects_bad_check_arguments() {
	bad=0
	for arg in localhost:80 127.0.0.1 127.0.0.1:0 127.0.0.1:65536 \
	    2001:db8::1:53 '[2001:db8::1]' 127.0.0.1:x; do
		if "$bin" -c "$arg" -n a.example. www.example.com 198.51.100.1 \
		    </dev/null >/dev/null 2>"$tmp/err"; then
			bad="$bad $arg(accepted)"
		elif ! grep -qF -- "-c $arg" "$tmp/err"; then
			bad="$bad $arg(message: $(head -1 "$tmp/err"))"
		fi
	done
	[ "$bad" = 0 ] && pass t_rejects_bad_check_arguments ||
	    fail t_rejects_bad_check_arguments "$bad"
}
t_accepts_ipv6_check() {
	r=$(ask 1 -c "[::1]:$((base + 4))")
	[ "$r" = "5 " ] && pass t_accepts_ipv6_check ||
	    fail t_accepts_ipv6_check "rcodes '$r', want REFUSED from a closed [::1] port"
}
t_drain_script_sets_and_clears_the_file() {
	f=$tmp/down
	sh contrib/healthcheck/failoverdns-drain "$f" false
	[ -e "$f" ] || { fail t_drain_script_sets_and_clears_the_file \
	    "failing check did not create $f"; return; }
	r=$(ask 1 -d "$f")
	sh contrib/healthcheck/failoverdns-drain "$f" true
	[ ! -e "$f" ] || { fail t_drain_script_sets_and_clears_the_file \
	    "passing check did not remove $f"; return; }
	r="$r$(ask 1 -d "$f")"
	[ "$r" = "5 0 " ] && pass t_drain_script_sets_and_clears_the_file ||
	    fail t_drain_script_sets_and_clears_the_file "rcodes '$r', want '5 0 '"
}
t_drain_units_verify() {
	# The timer and its service, pointed at this tree's script, pass
	# systemd-analyze verify (which also checks the command exists).
	command -v systemd-analyze >/dev/null 2>&1 || {
		fail t_drain_units_verify "systemd-analyze not installed"; return; }
	mkdir -p "$tmp/units"
	cp contrib/healthcheck/failoverdns-drain.timer "$tmp/units/"
	sed "s|/usr/local/sbin/failoverdns-drain|$(pwd)/contrib/healthcheck/failoverdns-drain|" \
	    contrib/healthcheck/failoverdns-drain.service \
	    >"$tmp/units/failoverdns-drain.service"
	if out=$(cd "$tmp/units" && systemd-analyze verify \
	    ./failoverdns-drain.timer ./failoverdns-drain.service 2>&1) &&
	    [ -z "$out" ]; then
		pass t_drain_units_verify
	else
		fail t_drain_units_verify "$(echo "$out" | head -3 | tr '\n' ' ')"
	fi
}

t_answers_while_port_accepts
t_refuses_when_port_closed
t_blackhole_costs_at_most_the_timeout
t_one_check_a_second_in_a_storm
t_logs_state_change_once
t_comes_back_when_port_returns
t_rejects_bad_check_arguments
t_accepts_ipv6_check
t_drain_script_sets_and_clears_the_file
t_drain_units_verify
exit $failed
