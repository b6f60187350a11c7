#!/bin/sh
# tests/supervisors.sh: the contrib/ configurations under the real
# supervisors: openbsd-inetd (contrib/inetd.conf), xinetd
# (contrib/xinetd.d/failoverdns), runit with udpsvd/tcpsvd
# (contrib/runit/), s6-supervise (contrib/s6/), all reading the arguments
# from contrib/default/failoverdns where they can.
#
# Each runs in a private network namespace on the real port 53, one after
# the other; the files are changed only for the program's path and the
# defaults file.  For each: dig answers over UDP and TCP (IPv4, and IPv6
# where the supervisor has it), a socket bound to the wildcard address
# answers each query from the address it was sent to (127.0.0.1, 127.0.0.2,
# 2001:db8::1, 2001:db8::2, ::1; dig warns otherwise), a burst of 2000 UDP
# queries (dnsperf, 500 outstanding) and one of 500 TCP connections leave
# the service answering, and the drain file turns answers into REFUSED.  A control shows that under inetd the same bursts
# turn the service off with one process per datagram (-i 0) or inetd's
# default limit of 256 TCP connections a minute.
#
# Prints pass:/FAIL:/skip: lines; exits 0 iff nothing failed.  Needs root
# (a network namespace, port 53, setuid to nobody).  xinetd conflicts with
# openbsd-inetd as a Debian package, so its .deb is unpacked into
# $FAILOVERDNS_CACHE (default /var/cache/failoverdns-test) once.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
self=$top/tests/$(basename "$0")
FDNS=${FAILOVERDNS:-$top/failoverdns}
CACHE=${FAILOVERDNS_CACHE:-/var/cache/failoverdns-test}
UDP_BURST=2000
TCP_BURST=500

nfail=0
pass() { echo "pass: $*"; }
fail() { echo "FAIL: $*"; nfail=$((nfail + 1)); }
skip() { echo "skip: $*"; }

if [ "$(id -u)" != 0 ]; then
	skip "supervisors: needs root (network namespace, port 53, user nobody)"
	exit 0
fi
for c in unshare ip ss dig dnsperf perl; do
	if ! command -v "$c" >/dev/null 2>&1; then
		skip "supervisors: $c is not installed"
		exit 0
	fi
done
if [ ! -x "$FDNS" ]; then
	fail "supervisors: $FDNS: no such program (run make first)"
	exit 1
fi

# Everything below runs in a network namespace of its own (nothing reaches
# the host's network, port 53 is free) and a mount namespace whose /run is
# a fresh tmpfs (inetd and xinetd write their pid files there).  Before
# that: a probe of exactly those operations, and xinetd, which needs the
# package archive and so the host's network.
if [ "${1:-}" != --inside ]; then
	if ! err=$(unshare --net --mount sh -c 'mount -t tmpfs -o mode=755 tmpfs /run &&
	    ip link set lo up && ip addr add 198.51.100.53/32 dev lo' 2>&1); then
		skip "supervisors: cannot make a network namespace with its own /run (unshare --net --mount, mount, ip addr; CAP_SYS_ADMIN and CAP_NET_ADMIN): $(echo "$err" | head -n 1)"
		exit 0
	fi
	# xinetd conflicts with openbsd-inetd as a Debian package: its .deb
	# is unpacked once into $CACHE/xinetd.
	XINETD=$(command -v xinetd 2>/dev/null)
	XINETD_WHY=
	if [ -z "$XINETD" ]; then
		x=$CACHE/xinetd
		if [ ! -x "$x/root/usr/sbin/xinetd" ]; then
			rm -rf "$x" && mkdir -p "$x" && (cd "$x" &&
			    timeout 120 apt-get download xinetd >"$x/download.log" 2>&1 &&
			    dpkg -x xinetd_*.deb root)
		fi
		if [ -x "$x/root/usr/sbin/xinetd" ]; then
			XINETD=$x/root/usr/sbin/xinetd
		else
			XINETD_WHY="not installed, and apt-get download xinetd failed: $(grep -v '^W:' "$x/download.log" 2>/dev/null | tail -n 1)"
		fi
	fi
	export XINETD XINETD_WHY
	exec unshare --net --mount sh "$self" --inside
fi
mount -t tmpfs -o mode=755 tmpfs /run || { fail "supervisors: tmpfs /run"; exit 1; }
ip link set lo up
# dnsperf resolves 127.0.0.1 with AI_ADDRCONFIG, which wants an IPv4
# address other than loopback.
ip addr add 198.51.100.53/32 dev lo
ip -6 addr add 2001:db8::1/128 dev lo nodad 2>/dev/null
ip -6 addr add 2001:db8::2/128 dev lo nodad 2>/dev/null
has_v6=0
ip -6 addr show dev lo | grep -q 2001:db8::2 && has_v6=1

tmp=$(mktemp -d /tmp/failoverdns-supervisors.XXXXXX) || exit 2
chmod 755 "$tmp"		# nobody runs $tmp/failoverdns
started=

# Prints PID and all its descendants.
tree() {
	echo "$1"
	for c in $(pgrep -P "$1"); do
		tree "$c"
	done
}

# Stops the supervisors in $started and everything they started, by PID.
stop_all() {
	all=
	for p in $started; do
		all="$all $(tree "$p")"
	done
	[ -n "$all" ] || return 0
	kill $all 2>/dev/null
	i=0
	while [ $i -lt 50 ]; do
		alive=
		for p in $all; do
			kill -0 "$p" 2>/dev/null && alive="$alive $p"
		done
		[ -z "$alive" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$alive" ] && kill -9 $alive 2>/dev/null
	for p in $started; do
		wait "$p" 2>/dev/null
	done
	started=
}
trap 'stop_all; [ -n "${FAILOVERDNS_KEEP:-}" ] || rm -rf "$tmp"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

cp "$FDNS" "$tmp/failoverdns" && chmod 755 "$tmp/failoverdns"

# The shipped files, changed only for where things are.
transform() {
	sed -e "s|/usr/local/sbin/failoverdns|$tmp/failoverdns|g" \
	    -e "s|/etc/default/failoverdns|$tmp/default|g" \
	    -e "s|/var/lib/failoverdns/down|$tmp/down|g" "$1"
}
transform "$top/contrib/default/failoverdns" >"$tmp/default"

i=0
while [ $i -lt $UDP_BURST ]; do
	echo "www.example.com A"
	i=$((i + 1))
done >"$tmp/queries"

cat >"$tmp/tcpburst.pl" <<'EOF'
# tcpburst.pl HOST PORT N SECONDS: N connections one after the other, one
# query each; prints "N answered seconds".
use strict;
use warnings;
use IO::Socket::IP;
use IO::Select;
use Time::HiRes qw(time);
my ($host, $port, $n, $limit) = @ARGV;
my $q = pack('n6', 0x4242, 0, 1, 0, 0, 0) . "\3www\7example\3com\0" .
    pack('n2', 1, 1);
my ($ok, $t0) = (0, time);
for (1 .. $n) {
	last if time - $t0 > $limit;
	my $s = IO::Socket::IP->new(PeerHost => $host, PeerPort => $port,
	    Proto => 'tcp', Timeout => 2) or next;
	syswrite($s, pack('n', length $q) . $q);
	my ($buf, $sel, $end) = ('', IO::Select->new($s), time + 2);
	while (time < $end && $sel->can_read($end - time)) {
		my $r = sysread($s, $buf, 4096, length $buf);
		last if !$r;
		last if length $buf >= 2 && length $buf >= 2 + unpack('n', $buf);
	}
	close $s;
	next if length $buf < 14;
	my (undef, $id, $flags, undef, $an) = unpack('n5', $buf);
	$ok++ if $id == 0x4242 && ($flags & 0x800f) == 0x8000 && $an >= 1;
}
printf "%d %d %.2f\n", $n, $ok, time - $t0;
EOF

# answers ADDR [dig options]: true if ADDR answers www.example.com A with
# 198.51.100.1, from ADDR itself; else sets why.
answers() {
	a=$1
	shift
	out=$(dig +time=2 +tries=1 +norec -p 53 "@$a" www.example.com A "$@" 2>&1)
	case $out in
	*"unexpected source"*)
		why="reply from another address than $a"
		return 1 ;;
	esac
	if echo "$out" | grep -q \
	    '^www\.example\.com\.[[:space:]].*IN[[:space:]]*A[[:space:]]*198\.51\.100\.1$'
	then
		return 0
	fi
	why=$(echo "$out" | grep -m1 -E 'status:|timed out|refused|error' |
	    sed 's/^;; //')
	[ -n "$why" ] || why="no answer"
	return 1
}

# wait_listening PROTO N: until N sockets listen on PROTO port 53 (5 s).
wait_listening() {
	i=0
	while [ $i -lt 50 ]; do
		n=$(ss -Hln "-$1" 'sport = :53' | wc -l)
		[ "$n" -ge "$2" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# check NAME ADDR [dig options]
check() {
	n=$1
	shift
	if answers "$@"; then
		pass "$n"
	else
		fail "$n: $why"
	fi
}

# exercise NAME V6 UDP_SOCKETS TCP_SOCKETS FULL: the checks for one
# supervisor that has just been started.  V6 is 1 if it listens on IPv6;
# FULL is 1 if its configuration sizes the receive buffer, so that the
# burst must be answered in full.
exercise() {
	s=$1 v6=$2 nudp=$3 ntcp=$4 full=$5
	if ! wait_listening u "$nudp" || ! wait_listening t "$ntcp"; then
		fail "$s: listening on port 53: $(ss -Hlnut 'sport = :53' | wc -l) sockets"
		return
	fi
	# First, a burst on a cold socket: the program starts while the
	# datagrams queue.
	dnsperf -f inet -b 4096 -s 127.0.0.1 -p 53 -d "$tmp/queries" -n 1 -q 500 -t 3 -l 30 \
	    >"$tmp/dnsperf-$s.out" 2>&1
	done_n=$(sed -n 's/^ *Queries completed: *\([0-9]*\).*/\1/p' "$tmp/dnsperf-$s.out")
	secs=$(sed -n 's/^ *Run time (s): *\([0-9.]*\).*/\1/p' "$tmp/dnsperf-$s.out")
	echo "# $s: UDP burst: $UDP_BURST sent, ${done_n:-0} answered in ${secs:-?} s"
	if [ "$full" = 1 ] && [ "${done_n:-0}" != $UDP_BURST ]; then
		fail "$s udp burst answered in full: ${done_n:-0}/$UDP_BURST"
	fi
	# The burst must have reached the program, or "still answering"
	# proves nothing.
	if [ "${done_n:-0}" -eq 0 ]; then
		fail "$s udp burst ($UDP_BURST): not one query answered: $(grep -m1 -iE 'error|fatal' "$tmp/dnsperf-$s.out")"
	elif answers 127.0.0.1; then
		pass "$s udp burst ($UDP_BURST) leaves the service answering (${done_n:-0} answered)"
	else
		fail "$s udp burst ($UDP_BURST) leaves the service answering: $why"
	fi

	check "$s udp 127.0.0.2 replies from 127.0.0.2" 127.0.0.2
	check "$s udp 127.0.0.1 replies from 127.0.0.1" 127.0.0.1
	check "$s tcp 127.0.0.1" 127.0.0.1 +tcp
	if [ "$v6" = 1 ] && [ "$has_v6" = 1 ]; then
		check "$s udp 2001:db8::2 replies from 2001:db8::2" 2001:db8::2
		check "$s udp 2001:db8::1 replies from 2001:db8::1" 2001:db8::1
		check "$s udp ::1" ::1
		check "$s tcp ::1" ::1 +tcp
	elif [ "$v6" = 1 ]; then
		skip "$s IPv6: no IPv6 in this network namespace"
	else
		echo "# $s: no IPv6 checks (ipsvd has no IPv6)"
	fi

	# The drain file (-d, in every file here) turns answers into REFUSED.
	# Control: the same queries answer just before.
	answers 127.0.0.1 && answers 127.0.0.1 +tcp ||
	    fail "$s drain file control: no answer before the file exists: $why"
	touch "$tmp/down"
	u=$(dig +time=2 +tries=1 @127.0.0.1 www.example.com A | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')
	t=$(dig +time=2 +tries=1 +tcp @127.0.0.1 www.example.com A | sed -n 's/.*status: \([A-Z]*\),.*/\1/p')
	rm -f "$tmp/down"
	if [ "$u/$t" = REFUSED/REFUSED ] && answers 127.0.0.1; then
		pass "$s drain file: REFUSED over UDP and TCP, then answers again"
	else
		fail "$s drain file: UDP ${u:-none}, TCP ${t:-none}, want REFUSED"
	fi

	set -- $(perl "$tmp/tcpburst.pl" 127.0.0.1 53 $TCP_BURST 30)
	echo "# $s: TCP burst: ${1:-?} connections, ${2:-0} answered in ${3:-?} s"
	if [ "${2:-0}" -eq 0 ]; then
		fail "$s tcp burst ($TCP_BURST connections): not one answered"
	elif answers 127.0.0.1 +tcp; then
		pass "$s tcp burst ($TCP_BURST connections) leaves the service answering (${2:-0} answered)"
	else
		fail "$s tcp burst ($TCP_BURST connections) leaves the service answering: $why"
	fi
	if answers 127.0.0.1; then
		pass "$s udp answers at the end"
	else
		fail "$s udp answers at the end: $why"
	fi
}

# ------------------------------------------------------------ openbsd-inetd
if [ -x /usr/sbin/inetd ]; then
	transform "$top/contrib/inetd.conf" >"$tmp/inetd.conf"
	/usr/sbin/inetd -i "$tmp/inetd.conf" >"$tmp/inetd.log" 2>&1 &
	started=$!
	exercise inetd 1 2 2 0
	stop_all

	# Control: the shipped lines stay below inetd's limit of 256 starts a
	# minute; one process per datagram (-i 0) and per connection without
	# ".1000" do not, and inetd turns the service off for ten minutes.
	sed -e 's/nowait\.1000/nowait/' -e 's/\tfailoverdns /\tfailoverdns -i 0 /' \
	    "$tmp/inetd.conf" >"$tmp/inetd-control.conf"
	grep -q 'failoverdns -i 0 ' "$tmp/inetd-control.conf" ||
	    fail "control: could not make -i 0 lines from contrib/inetd.conf"
	/usr/sbin/inetd -i "$tmp/inetd-control.conf" >"$tmp/inetd-control.log" 2>&1 &
	started=$!
	# Control of the control: this inetd answers before the bursts, so
	# that silence after them is their doing.
	if ! wait_listening u 2 || ! wait_listening t 2; then
		fail "control: inetd did not listen"
	elif ! answers 127.0.0.1; then
		fail "control: inetd with -i 0 does not answer UDP before the burst: $why"
	elif ! answers 127.0.0.1 +tcp; then
		fail "control: inetd with plain nowait does not answer TCP before the burst: $why"
	else
		dnsperf -f inet -b 4096 -s 127.0.0.1 -p 53 -d "$tmp/queries" -n 1 \
		    -q 500 -t 3 -l 30 >"$tmp/dnsperf-control.out" 2>&1
		perl "$tmp/tcpburst.pl" 127.0.0.1 53 $TCP_BURST 30 >/dev/null
		if answers 127.0.0.1; then
			fail "control: inetd with -i 0 still answers UDP after $UDP_BURST queries"
		else
			pass "control: inetd with -i 0 (a process per datagram) stops answering UDP after the burst ($why)"
		fi
		if answers 127.0.0.1 +tcp; then
			fail "control: inetd with plain nowait still answers TCP after $TCP_BURST connections"
		else
			pass "control: inetd with plain nowait (256 a minute) stops answering TCP after the burst ($why)"
		fi
	fi
	stop_all
else
	skip "inetd: /usr/sbin/inetd (openbsd-inetd) is not installed"
fi

# ------------------------------------------------------------------- xinetd
xinetd=${XINETD:-}
if [ -n "$xinetd" ]; then
	transform "$top/contrib/xinetd.d/failoverdns" >"$tmp/xinetd.conf"
	"$xinetd" -dontfork -pidfile "$tmp/xinetd.pid" -f "$tmp/xinetd.conf" \
	    >"$tmp/xinetd.log" 2>&1 &
	started=$!
	exercise xinetd 1 1 1 0
	stop_all
else
	skip "xinetd: ${XINETD_WHY:-not installed}"
fi

# -------------------------------------------------- runit: udpsvd and tcpsvd
if command -v runsv >/dev/null 2>&1 && command -v udpsvd >/dev/null 2>&1; then
	for d in failoverdns-udp failoverdns-tcp; do
		mkdir -p "$tmp/runit/$d"
		transform "$top/contrib/runit/$d/run" >"$tmp/runit/$d/run"
		chmod 755 "$tmp/runit/$d/run"
		runsv "$tmp/runit/$d" >"$tmp/runsv-$d.log" 2>&1 &
		started="$started $!"
	done
	exercise runit 0 1 1 0
	stop_all
else
	skip "runit: runsv (runit) or udpsvd (ipsvd) is not installed"
fi

# ------------------------------------ s6: udpsvd and s6-tcpserver (or tcpsvd)
if command -v s6-supervise >/dev/null 2>&1 && command -v udpsvd >/dev/null 2>&1
then
	if ! command -v s6-tcpserver >/dev/null 2>&1; then
		skip "s6 s6-tcpserver: s6-networking is not packaged in Debian 12; contrib/s6/failoverdns-tcp/run falls back to tcpsvd"
	fi
	for d in failoverdns-udp failoverdns-tcp; do
		mkdir -p "$tmp/s6/$d"
		transform "$top/contrib/s6/$d/run" >"$tmp/s6/$d/run"
		chmod 755 "$tmp/s6/$d/run"
		s6-supervise "$tmp/s6/$d" >"$tmp/s6-$d.log" 2>&1 &
		started="$started $!"
	done
	exercise s6 0 1 1 0
	stop_all
else
	skip "s6: s6-supervise (s6) or udpsvd (ipsvd) is not installed"
fi

[ $nfail -eq 0 ]
