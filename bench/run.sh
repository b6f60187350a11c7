#!/bin/bash
# bench/run.sh - failoverdns benchmark (issue 7), one entry point, one run.
#
# Builds failoverdns (default and static musl) and the floor responder, serves
# the same zone with NSD, Knot DNS, tinydns, failoverdns in linger mode under
# systemd-socket-activate, failoverdns -i 0 and the floor under openbsd-inetd,
# drives each with dnsperf (saturated, then at a fixed rate) over several
# alternating rounds, counts instructions per answer with callgrind, and
# writes bench/RESULTS.md.
#
# Runs as root inside its own network namespace (unshare -n): every query
# goes to 127.0.0.1 of that namespace and nothing else; the servers' port 53
# cannot clash with anything else on the machine.
#
# Knobs (environment): BENCH_SECONDS (5) length of each dnsperf run,
# BENCH_ROUNDS (3), BENCH_RATE (40000) fixed rate for long-lived servers,
# BENCH_RATE_ONESHOT (400) fixed rate for one-shot servers under inetd,
# BENCH_N (1000) queries for the long-lived callgrind run,
# BENCH_SERVER_CPU (1) and BENCH_CLIENT_CPU (0), BENCH_ONLY (a list of run
# names, e.g. "floors-inetd fds-inetd", to run only those), BENCH_OUT
# (bench/RESULTS.md), BENCH_KEEP (keep the work directory).
# (plain POSIX up to here: "sh bench/run.sh" re-runs itself with bash)
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u
export LC_ALL=C

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
SECONDS_RUN=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
RATE=${BENCH_RATE:-40000}
RATE1=${BENCH_RATE_ONESHOT:-400}
NQ=${BENCH_N:-1000}
OUT=${BENCH_OUT:-$BENCH/RESULTS.md}
SCPU=${BENCH_SERVER_CPU:-1}
CCPU=${BENCH_CLIENT_CPU:-0}

if [ "$(id -u)" != 0 ]; then
	echo "bench: must run as root (servers bind port 53 in a private network namespace)" >&2
	exit 1
fi
# Debian 12 packages: nsd knot tinydns openbsd-inetd systemd dnsperf valgrind
# musl-tools bind9-dnsutils util-linux iproute2 binutils gcc make
missing=""
for c in nsd:nsd knotd:knot tinydns:tinydns tinydns-data:tinydns inetd:openbsd-inetd \
    systemd-socket-activate:systemd dnsperf:dnsperf valgrind:valgrind \
    callgrind_annotate:valgrind musl-gcc:musl-tools dig:bind9-dnsutils unshare:util-linux \
    taskset:util-linux ip:iproute2 strip:binutils gcc:gcc make:make; do
	PATH=$PATH:/usr/sbin:/sbin command -v "${c%%:*}" >/dev/null || missing="$missing ${c#*:}"
done
if [ -n "$missing" ]; then
	echo "bench: missing, install with: apt-get install -y$(echo "$missing" | tr ' ' '\n' | sort -u | tr '\n' ' ')" >&2
	exit 1
fi
export PATH=$PATH:/usr/sbin:/sbin

# Re-run inside private network and mount namespaces: loopback only, and a
# private /run so that inetd's /run/inetd.pid does not touch the host's.
if [ -z "${FDBENCH_INNER:-}" ]; then
	exec unshare --net --mount --propagation private env FDBENCH_INNER=1 bash "$0" "$@"
fi
ip link set lo up || { echo "bench: cannot bring up lo in the namespace" >&2; exit 1; }
mount -t tmpfs -o size=16m fdbench-run /run || { echo "bench: cannot mount private /run" >&2; exit 1; }

T0=$(date +%s)
# failoverdns.c as built now (it may be committed to while the bench runs).
FDV="$(cd "$ROOT" && git log -1 --format='%h %cd' --date=short -- failoverdns.c 2>/dev/null || echo 'uncommitted') $(cd "$ROOT" && git diff --quiet -- failoverdns.c 2>/dev/null || echo '(with uncommitted changes)')"
LOAD0=$(cut -d" " -f1-3 /proc/loadavg)
W=$(mktemp -d /tmp/fdbench.XXXXXX)
CGROOT=/sys/fs/cgroup/cpuacct
CGS=""          # cgroups we created
SPID=""         # pid of the server we started last
say() { printf '%s\n' "$*" >&2; }

stop_server() {
	local p cg=${1:-}
	if [ -n "$SPID" ] && kill -0 "$SPID" 2>/dev/null; then
		kill "$SPID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$SPID" 2>/dev/null
	fi
	wait "$SPID" 2>/dev/null
	# whatever the server forked is in its own cgroup: all of it is ours
	if [ -n "$cg" ] && [ -f "$cg/cgroup.procs" ]; then
		for _ in $(seq 30); do
			[ -s "$cg/cgroup.procs" ] || break
			while read -r p; do kill "$p" 2>/dev/null; done < "$cg/cgroup.procs"
			sleep 0.1
		done
	fi
	SPID=""
}
cleanup() {
	stop_server "${CG:-}"
	local c
	for c in $CGS; do rmdir "$c" 2>/dev/null; done
	umount /run 2>/dev/null
	if [ -n "${BENCH_KEEP:-}" ]; then echo "bench: kept $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build
say "bench: building"
FD_ARGS=(-n ns1.example.com. -n ns2.example.com. www.example.com 198.51.100.1 2001:db8::1)
HAVE_FD=0 HAVE_FDS=0
if [ -f "$ROOT/Makefile" ] && make -s -C "$ROOT" >"$W/make.log" 2>&1 && [ -x "$ROOT/failoverdns" ]; then
	HAVE_FD=1
	if make -s -C "$ROOT" static >>"$W/make.log" 2>&1 && [ -x "$ROOT/failoverdns-static" ]; then HAVE_FDS=1; fi
else
	say "bench: failoverdns not built (see below); measuring the others only"; cat "$W/make.log" >&2 2>/dev/null
fi
gcc -O2 -Wall -o "$W/floor" "$BENCH/floor.c" || exit 1
gcc -O2 -Wall -o "$W/spawn" "$BENCH/spawn.c" || exit 1
HAVE_FLOORS=0
musl-gcc -O2 -static -o "$W/floor-static" "$BENCH/floor.c" && HAVE_FLOORS=1
FD=$ROOT/failoverdns FDS=$ROOT/failoverdns-static

# ---------------------------------------------------------------- zone
# www.example.com: SOA, two NS, A, AAAA, TTL 60 - the zone failoverdns serves
# with FD_ARGS, written for each of the other servers.
Z=$W/zone; mkdir -p "$Z"
cat > "$Z/www.example.com.zone" <<'EOF'
$ORIGIN www.example.com.
$TTL 60
@ IN SOA ns1.example.com. hostmaster.www.example.com. 1 86400 7200 1209600 60
@ IN NS ns1.example.com.
@ IN NS ns2.example.com.
@ IN A 198.51.100.1
@ IN AAAA 2001:db8::1
EOF
# the query mix: A, AAAA, NS, SOA at the apex and 10 % names below the zone
{
	for i in 1 2 3 4 5; do echo "www.example.com A"; echo "www.example.com AAAA"; done
	for i in 1 2 3 4; do echo "www.example.com NS"; echo "www.example.com SOA"; done
	echo "nx.www.example.com A"; echo "mail.www.example.com AAAA"
} > "$W/queries.txt"

# NSD
mkdir -p "$W/nsd"
cat > "$W/nsd/nsd.conf" <<EOF
server:
  ip-address: 127.0.0.1
  port: 53
  server-count: 1
  reuseport: no
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "$Z"
  database: ""
  zonelistfile: "$W/nsd/zone.list"
  xfrdfile: "$W/nsd/xfrd.state"
  pidfile: "$W/nsd/nsd.pid"
  logfile: "$W/nsd/nsd.log"
  rrl-ratelimit: 0
  minimal-responses: yes
  verbosity: 0
remote-control:
  control-enable: no
zone:
  name: www.example.com
  zonefile: www.example.com.zone
EOF
# Knot DNS
mkdir -p "$W/knot"
cat > "$W/knot/knot.conf" <<EOF
server:
  rundir: "$W/knot"
  listen: 127.0.0.1@53
  udp-workers: 1
  tcp-workers: 1
  background-workers: 1
log:
  - target: stderr
    any: warning
database:
  storage: "$W/knot"
control:
  listen: "$W/knot/knot.sock"
template:
  - id: default
    storage: "$Z"
    zonefile-sync: -1
    journal-content: none
zone:
  - domain: www.example.com
    file: www.example.com.zone
EOF
# tinydns
mkdir -p "$W/tinydns"
cat > "$W/tinydns/data" <<'EOF'
Zwww.example.com:ns1.example.com:hostmaster.www.example.com:1:86400:7200:1209600:60:60
&www.example.com::ns1.example.com:60
&www.example.com::ns2.example.com:60
+www.example.com:198.51.100.1:60
:www.example.com:28:\040\001\015\270\000\000\000\000\000\000\000\000\000\000\000\001:60
EOF
(cd "$W/tinydns" && tinydns-data) || exit 1
# inetd: one config file per program; max invocations per minute lifted
mkinetd() { # name program args...
	local name=$1 prog=$2; shift 2
	printf '127.0.0.1:53 dgram udp wait.10000000 root %s %s\n' "$prog" "$*" > "$W/inetd-$name.conf"
}
[ $HAVE_FD = 1 ] && mkinetd fd "$FD" failoverdns -i 0 "${FD_ARGS[@]}"
[ $HAVE_FDS = 1 ] && mkinetd fds "$FDS" failoverdns -i 0 "${FD_ARGS[@]}"
mkinetd floor "$W/floor" floor
[ $HAVE_FLOORS = 1 ] && mkinetd floors "$W/floor-static" floor

# ---------------------------------------------------------------- servers
# server NAME: the command line that starts it in the foreground
server_cmd() {
	case $1 in
	nsd)      echo "nsd -d -c $W/nsd/nsd.conf" ;;
	knot)     echo "knotd -c $W/knot/knot.conf" ;;
	tinydns)  echo "env ROOT=$W/tinydns IP=127.0.0.1 UID=65534 GID=65534 tinydns" ;;
	fd-linger)  echo "systemd-socket-activate --datagram -l 127.0.0.1:53 $FD ${FD_ARGS[*]}" ;;
	fds-linger) echo "systemd-socket-activate --datagram -l 127.0.0.1:53 $FDS ${FD_ARGS[*]}" ;;
	fd-inetd)     echo "inetd -i -R 10000000 $W/inetd-fd.conf" ;;
	fds-inetd)    echo "inetd -i -R 10000000 $W/inetd-fds.conf" ;;
	floor-inetd)  echo "inetd -i -R 10000000 $W/inetd-floor.conf" ;;
	floors-inetd) echo "inetd -i -R 10000000 $W/inetd-floors.conf" ;;
	esac
}
server_desc() {
	case $1 in
	nsd) echo "NSD $(nsd -v 2>&1 | sed -n '1s/NSD version //p')" ;;
	knot) echo "Knot DNS $(knotd --version | sed 's/.*version //')" ;;
	tinydns) echo "tinydns $(dpkg-query -W -f '${Version}' tinydns 2>/dev/null)" ;;
	fd-linger) echo "failoverdns linger (glibc, socket-activate)" ;;
	fds-linger) echo "failoverdns linger (static musl, socket-activate)" ;;
	fd-inetd) echo "failoverdns -i 0 (glibc, inetd)" ;;
	fds-inetd) echo "failoverdns -i 0 (static musl, inetd)" ;;
	floor-inetd) echo "floor (glibc, inetd)" ;;
	floors-inetd) echo "floor (static musl, inetd)" ;;
	esac
}
oneshot() { case $1 in *-inetd) return 0 ;; esac; return 1; }

LONG="nsd knot tinydns"
[ $HAVE_FD = 1 ] && LONG="$LONG fd-linger"
[ $HAVE_FDS = 1 ] && LONG="$LONG fds-linger"
ONE="floor-inetd"
[ $HAVE_FD = 1 ] && ONE="$ONE fd-inetd"
[ $HAVE_FLOORS = 1 ] && ONE="$ONE floors-inetd"
[ $HAVE_FDS = 1 ] && ONE="$ONE fds-inetd"

if [ -n "${BENCH_ONLY:-}" ]; then
	only() { local n o=""; for n in $1; do case " $BENCH_ONLY " in *" $n "*) o="$o $n" ;; esac; done; echo $o; }
	LONG=$(only "$LONG"); ONE=$(only "$ONE")
fi
# CPU accounting: a cgroup per server run (cgroup v1 cpuacct, or v2 cpu.stat),
# else /proc.  BENCH_CGROUP=none forces /proc; BENCH_CGROUP=DIR a v2 mount.
HAVE_CG=0 CGV=1
case ${BENCH_CGROUP:-} in
none) CGROOT="" ;;
"") if [ -f /sys/fs/cgroup/cgroup.controllers ]; then CGROOT=/sys/fs/cgroup CGV=2; fi ;;
*) CGROOT=$BENCH_CGROUP CGV=2 ;;
esac
if [ -n "$CGROOT" ] && mkdir "$CGROOT/fdbench.$$" 2>/dev/null; then HAVE_CG=1; CGS="$CGROOT/fdbench.$$"; fi

# CPU time in ns used so far by the server and everything it forked:
# the cgroup's cpuacct.usage, or (no cgroup) utime+stime+cutime+cstime of the
# server's process tree from /proc (children counted once reaped).
cpu_ns() {
	if [ $HAVE_CG = 1 ] && [ $CGV = 1 ]; then cat "$CG/cpuacct.usage"; return; fi
	if [ $HAVE_CG = 1 ]; then awk '$1 == "usage_usec" {print $2 * 1000}' "$CG/cpu.stat"; return; fi
	local tck; tck=$(getconf CLK_TCK)
	local pids="$SPID" p all=""
	while [ -n "$pids" ]; do
		all="$all $pids"; local next=""
		for p in $pids; do next="$next $(cat /proc/"$p"/task/*/children 2>/dev/null)"; done
		pids=$(echo $next)
	done
	for p in $all; do sed 's/.*) //' /proc/"$p"/stat 2>/dev/null; done |
		awk -v t="$tck" '{s += $12 + $13 + $14 + $15} END {printf "%.0f\n", s * 1e9 / t}'
}
# peak RSS in KiB, summed over the server's live processes
peak_rss() {
	local p pids
	if [ $HAVE_CG = 1 ]; then pids=$(cat "$CG/cgroup.procs"); else pids="$SPID $(cat /proc/"$SPID"/task/*/children 2>/dev/null)"; fi
	for p in $pids; do grep VmHWM /proc/"$p"/status 2>/dev/null; done | awk '{s += $2} END {print s + 0}'
}
probe() { dig +tries=1 +time=1 -p 53 @127.0.0.1 www.example.com SOA +norec 2>/dev/null | grep -q 'status: NOERROR'; }

start_server() { # name
	local name=$1 cmd
	cmd=$(server_cmd "$name")
	CG=""
	if [ $HAVE_CG = 1 ]; then CG=$CGROOT/fdbench.$$/$name; mkdir -p "$CG"; CGS="$CG $CGS"; fi
	# the subshell joins the cgroup, then becomes the server (pinned)
	( [ -n "$CG" ] && echo "$BASHPID" > "$CG/cgroup.procs"; exec taskset -c "$SCPU" $cmd ) \
		>"$W/$name.out" 2>&1 &
	SPID=$!
	local i
	for i in $(seq 100); do
		sleep 0.1
		probe && return 0
		kill -0 "$SPID" 2>/dev/null || break
	done
	say "bench: $name did not come up: $(tail -3 "$W/$name.out")"
	stop_server "$CG"
	return 1
}

# client CPU for this server: knotd pins its UDP worker itself (ignores the
# taskset it was started with); put dnsperf on a CPU no server thread sits on.
client_cpu() {
	local t a used=""
	for t in /proc/"$SPID"/task/*; do
		a=$(awk '/Cpus_allowed_list/ {print $2}' "$t/status" 2>/dev/null)
		used="$used $a"
	done
	if echo "$used" | grep -qw "$CCPU"; then
		# the server sits on the client's CPU: swap
		echo "$SCPU"
	else
		echo "$CCPU"
	fi
}

# one dnsperf run against the running server; appends one TSV row
RAW=$W/raw.tsv
: > "$RAW"
measure() { # name kind(sat|fixed) round
	local name=$1 kind=$2 round=$3 rate="" c0 c1 t0 t1 cc log
	log=$W/dnsperf.$name.$kind.$round
	if [ "$kind" = fixed ]; then
		if oneshot "$name"; then rate="-Q $RATE1"; else rate="-Q $RATE"; fi
	fi
	cc=$(client_cpu)
	c0=$(cpu_ns); t0=$(date +%s%N)
	taskset -c "$cc" dnsperf -s 127.0.0.1 -p 53 -d "$W/queries.txt" -l "$SECONDS_RUN" -t 2 -q 100 $rate > "$log" 2>&1
	t1=$(date +%s%N); c1=$(cpu_ns)
	awk -v name="$name" -v kind="$kind" -v round="$round" -v cpu=$((c1 - c0)) -v wall=$((t1 - t0)) \
	    -v rss="$(peak_rss)" -v ccpu="$cc" '
		/Queries sent:/ {sent = $3}
		/Queries completed:/ {done = $3}
		/Queries lost:/ {lost = $3}
		/Run time \(s\):/ {rt = $4}
		/Average Latency \(s\):/ {lat = $4}
		/Response codes:/ {rc = $3 $4 $5 $6 $7 $8}
		END {printf "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\t%.6f\t%.6f\t%s\t%s\t%s\n", name, kind, round, sent, done, lost, rt, lat, cpu / 1e9, wall / 1e9, rss, ccpu, rc}
	' "$log" >> "$RAW"
	[ "$kind" = fixed ] && CMD_FIXED="taskset -c $cc dnsperf -s 127.0.0.1 -p 53 -d queries.txt -l $SECONDS_RUN -t 2 -q 100 $rate"
	[ "$kind" = sat ] && CMD_SAT="taskset -c $cc dnsperf -s 127.0.0.1 -p 53 -d queries.txt -l $SECONDS_RUN -t 2 -q 100"
	tail -1 "$RAW" >&2
}

# what the server answers to the query mix (sections, no header ids), to
# check that every server serves the same data
answers() {
	local q
	for q in "www.example.com A" "www.example.com AAAA" "www.example.com NS" "www.example.com SOA" "nx.www.example.com A" "www.example.com MX" "example.com A"; do
		dig +norec +tries=1 +time=1 -p 53 @127.0.0.1 $q > "$W/dig.out" 2>&1
		echo "== $q: $(grep -o 'status: [A-Z]*' "$W/dig.out") $(grep -o 'flags: [a-z ]*' "$W/dig.out")"
		grep -v -e '^;' -e '^$' "$W/dig.out" | tr -s ' \t' ' ' | sort
	done
}

# ---------------------------------------------------------------- load runs
say "bench: $ROUNDS rounds x ($LONG $ONE) x (saturated, fixed rate) x ${SECONDS_RUN}s"
printf 'name\tkind\tround\tsent\tcompleted\tlost\truntime\tavglat\tcpu_s\twall_s\trss_kib\tclient_cpu\trcodes\n' >&2
CMD_FIXED="" CMD_SAT=""
for round in $(seq "$ROUNDS"); do
	for name in $LONG $ONE; do
		start_server "$name" || continue
		[ "$round" = 1 ] && answers > "$W/answers.$name"
		measure "$name" sat "$round"
		stop_server "$CG"
		# restart, so that each kind starts from an idle server (and the
		# socket-activated one from its first datagram)
		start_server "$name" || continue
		measure "$name" fixed "$round"
		stop_server "$CG"
	done
done

# ---------------------------------------------------------------- activations
# CPU of one activation, exec to exit, with the socket on fds 0-2 as inetd
# gives it (bench/spawn.c): no inetd, no dnsperf, so little noise.
# 5 rounds of $NSPAWN activations, programs alternating; median of the rounds.
NSPAWN=${BENCH_SPAWN:-500}
declare -A ACT
SP_LIST=""
for k in floor fd floors fds; do
	case $k in fd) [ $HAVE_FD = 1 ] || continue ;; fds) [ $HAVE_FDS = 1 ] || continue ;; floors) [ $HAVE_FLOORS = 1 ] || continue ;; esac
	SP_LIST="$SP_LIST $k"
done
say "bench: activation cost ($SP_LIST), 5 x $NSPAWN each"
: > "$W/spawn.tsv"
for r in 1 2 3 4 5; do
	for k in $SP_LIST; do
		case $k in fd) p=$FD ;; fds) p=$FDS ;; floor) p=$W/floor ;; floors) p=$W/floor-static ;; esac
		case $k in fd*) args=(-i 0 "${FD_ARGS[@]}") ;; *) args=() ;; esac
		echo "$k $(taskset -c "$SCPU" "$W/spawn" "$NSPAWN" "$p" "${args[@]}")" >> "$W/spawn.tsv"
	done
done
for k in $SP_LIST; do
	ACT[$k]=$(awk -v k="$k" '$1 == k && $2 == $3 {print $4}' "$W/spawn.tsv" | sort -n | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]}')
done

# ---------------------------------------------------------------- callgrind
# one query, framed for pipe mode: 2-byte length, then the message
qwire() { # id qtype-hex-pair name-labels... -> DNS query bytes (octal printf)
	local id=$1 qt=$2; shift 2
	printf "\\$(printf %03o $((id >> 8)))\\$(printf %03o $((id & 255)))\000\000\000\001\000\000\000\000\000\000"
	local l
	for l in "$@"; do printf "\\$(printf %03o ${#l})%s" "$l"; done
	printf "\000\000\\$(printf %03o "$qt")\000\001"
}
frame() { # file -> framed on stdout
	local n; n=$(stat -c %s "$1")
	printf "\\$(printf %03o $((n >> 8)))\\$(printf %03o $((n & 255)))"; cat "$1"
}
qwire 4660 1 www example com > "$W/q-a.bin"
qwire 4661 28 www example com > "$W/q-aaaa.bin"
qwire 4662 2 www example com > "$W/q-ns.bin"
qwire 4663 6 www example com > "$W/q-soa.bin"
qwire 4664 1 nx www example com > "$W/q-nx.bin"
frame "$W/q-a.bin" > "$W/one.bin"
: > "$W/many.bin"
for i in $(seq "$NQ"); do
	case $((i % 10)) in
	0|5) frame "$W/q-a.bin" ;; 1|6) frame "$W/q-aaaa.bin" ;; 2|7) frame "$W/q-ns.bin" ;;
	3|8) frame "$W/q-soa.bin" ;; 4) frame "$W/q-nx.bin" ;; 9) frame "$W/q-a.bin" ;;
	esac
done >> "$W/many.bin"

ir() { # input program args... -> total instructions (callgrind, exec to exit)
	local in=$1; shift
	# an empty environment: getenv() scans it, and inetd/systemd pass a small one
	env -i valgrind --tool=callgrind --callgrind-out-file="$W/cg.out" "$@" < "$in" > "$W/cg.stdout" 2> "$W/cg.err"
	awk '/^summary:|^totals:/ {print $2; exit}' "$W/cg.out"
}
hwm() { # input program args... -> VmHWM KiB once all of input is answered (before EOF)
	local in=$1 pid i s0=-1 s1 kb; shift
	rm -f "$W/fifo"; mkfifo "$W/fifo"
	env -i "$@" < "$W/fifo" > "$W/hwm.out" 2>/dev/null &
	pid=$!
	exec 7> "$W/fifo"
	if [ "$in" = - ]; then # no input: the process waits in its first read
		sleep 0.2
	else
		cat "$in" >&7
	fi
	[ "$in" = - ] || for i in $(seq 100); do # until the replies stop growing (at most 5 s)
		sleep 0.05
		s1=$(stat -c %s "$W/hwm.out")
		[ "$s1" -gt 0 ] && [ "$s1" = "$s0" ] && break
		s0=$s1
	done
	kb=$(awk '/VmHWM/ {print $2}' /proc/$pid/status 2>/dev/null)
	exec 7>&-
	wait "$pid" 2>/dev/null
	echo "${kb:-?}"
}
declare -A IR1 IRN RSS1 RSSN SIZE SIZES NREP
prog_of() { case $1 in fd) echo "$FD" ;; fds) echo "$FDS" ;; floor) echo "$W/floor" ;; floors) echo "$W/floor-static" ;; esac; }
CG_LIST="floor"; [ $HAVE_FLOORS = 1 ] && CG_LIST="$CG_LIST floors"
[ $HAVE_FD = 1 ] && CG_LIST="$CG_LIST fd"; [ $HAVE_FDS = 1 ] && CG_LIST="$CG_LIST fds"
say "bench: callgrind ($CG_LIST)"
for k in $CG_LIST; do
	p=$(prog_of "$k")
	case $k in fd*) args=("${FD_ARGS[@]}") ;; *) args=() ;; esac
	IR1[$k]=$(ir "$W/one.bin" "$p" "${args[@]}")
	if [ "${k#fd}" != "$k" ]; then
		RSS1[$k]=$(hwm "$W/one.bin" "$p" "${args[@]}")
	else	# the floor exits right after its one answer: its peak before the query
		RSS1[$k]=$(hwm - "$p")
	fi
	if [ "${k#fd}" != "$k" ]; then
		IRN[$k]=$(ir "$W/many.bin" "$p" "${args[@]}")
		RSSN[$k]=$(hwm "$W/many.bin" "$p" "${args[@]}")
		cp "$W/cg.out" "$W/callgrind.$k.many.out"
		# every query must be answered: count the framed replies
		NREP[$k]=$(od -An -v -tu1 "$W/cg.stdout" | tr -s ' ' '\n' | sed '/^$/d' |
			awk '{b[NR] = $1} END {i = 1; while (i + 1 <= NR) {i += 2 + b[i] * 256 + b[i + 1]; n++} print n + 0}')
	fi
	SIZE[$k]=$(stat -c %s "$p")
	cp "$p" "$W/strip.$k"; strip "$W/strip.$k"; SIZES[$k]=$(stat -c %s "$W/strip.$k")
done
ANNOTATE=""
# the same static build with its symbols (the Makefile's command without -s), for the annotation
if [ $HAVE_FDS = 1 ] && cmd=$(make -s -n -B -C "$ROOT" failoverdns-static 2>/dev/null) &&
    (cd "$ROOT" && eval "$(echo "$cmd" | sed "s| -s | |; s|-o failoverdns-static|-o $W/fds.sym|")") 2>/dev/null; then
	env -i valgrind --tool=callgrind --callgrind-out-file="$W/cg.sym.out" "$W/fds.sym" "${FD_ARGS[@]}" < "$W/many.bin" > /dev/null 2>&1
	ANNOTATE=$(callgrind_annotate "$W/cg.sym.out" 2>/dev/null |
	awk '/^ *[0-9,]+ \([ 0-9.]+%\) / && n < 16 {print; n++}' | sed "s|$ROOT/||g; s|$W/||g")
	env -i valgrind --tool=callgrind --callgrind-out-file="$W/cg.sym1.out" "$W/fds.sym" "${FD_ARGS[@]}" < "$W/one.bin" > /dev/null 2>&1
	ANNOTATE1=$(callgrind_annotate --inclusive=yes "$W/cg.sym1.out" 2>/dev/null |
	awk '/^ *[0-9,]+ \([ 0-9.]+%\) / && n < 16 {print; n++}' | sed "s|$ROOT/||g; s|$W/||g")
fi
[ -z "$ANNOTATE" ] && [ $HAVE_FDS = 1 ] && ANNOTATE=$(callgrind_annotate "$W/callgrind.fds.many.out" 2>/dev/null |
	awk '/^ *[0-9,]+ \([ 0-9.]+%\) / && n < 16 {print; n++}' | sed "s|$ROOT/||g; s|$W/||g")

# ---------------------------------------------------------------- report
# medians over rounds, per server and kind
AGG=$W/agg.tsv
awk -F'\t' '
	function med(s,   a, n, i, j, t) {
		n = split(s, a, " ")
		for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
		return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
	}
	{
		k = $1 "\t" $2
		if (!(k in seen)) { seen[k] = 1; order[++nk] = k }
		qps = $7 > 0 ? $5 / $7 : 0
		Q[k] = Q[k] " " qps; L[k] = L[k] " " $8 * 1000
		LO[k] = LO[k] " " ($4 > 0 ? 100 * $6 / $4 : 0)
		SH[k] = SH[k] " " 100 * $9 / $10
		CQ[k] = CQ[k] " " ($5 > 0 ? 1e6 * $9 / $5 : 0)
		R[k] = R[k] " " $11; CC[k] = $12; NRUN[k]++
	}
	END {
		for (i = 1; i <= nk; i++) { k = order[i]
			printf "%s\t%.0f\t%.3f\t%.2f\t%.1f\t%.2f\t%d\t%s\t%d\n", k, med(Q[k]), med(L[k]), med(LO[k]), med(SH[k]), med(CQ[k]), med(R[k]), CC[k], NRUN[k]
		}
	}' "$RAW" > "$AGG"
get() { awk -F'\t' -v n="$1" -v k="$2" -v c="$3" '$1 == n && $2 == k {print $c}' "$AGG"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "–"; else printf "%.2f", a / b }'; }
fmt_k() { awk -v v="$1" 'BEGIN { if (v == "") print "–"; else printf "%.0f", v }'; }

NSD_CQ=$(get nsd fixed 7)
TABLE=$W/table.md
{
echo "| server | saturated qps | lost % (sat) | fixed rate | qps at fixed rate | avg latency ms (fixed) | lost % (fixed) | server CPU % (fixed) | CPU µs / answer (fixed) | ratio | CPU µs / activation, exec→exit | instr. exec→exit, 1 query | instr. / answer, long-lived | peak RSS KiB | binary bytes (as built / stripped) |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|"
for name in $LONG $ONE; do
	[ -n "$(get "$name" sat 3)" ] || [ -n "$(get "$name" fixed 3)" ] || continue
	if oneshot "$name"; then r=$RATE1; else r=$RATE; fi
	cq=$(get "$name" fixed 7)
	case $name in
	floor-inetd|floors-inetd) rat="floor" ;;
	fd-inetd) rat="qps $(ratio "$(get fd-inetd sat 3)" "$(get floor-inetd sat 3)") × floor; CPU/answer $(ratio "$cq" "$(get floor-inetd fixed 7)") × floor" ;;
	fds-inetd) rat="qps $(ratio "$(get fds-inetd sat 3)" "$(get floors-inetd sat 3)") × static floor; CPU/answer $(ratio "$cq" "$(get floors-inetd fixed 7)") × static floor" ;;
	nsd) rat="NSD" ;;
	*) rat="$(ratio "$cq" "$NSD_CQ") × NSD CPU/answer" ;;
	esac
	k=""; case $name in fd-*) k=fd ;; fds-*) k=fds ;; floor-*) k=floor ;; floors-*) k=floors ;; esac
	i1="–" iN="–" rss="$(get "$name" fixed 8) (under load)" sz="–"
	case $name in
	nsd) sz="$(stat -c %s /usr/sbin/nsd) (Debian)" ;;
	knot) sz="$(stat -c %s /usr/sbin/knotd) (Debian)" ;;
	tinydns) sz="$(stat -c %s /usr/sbin/tinydns) (Debian)" ;;
	esac
	if [ -n "$k" ] && [ -n "${IR1[$k]:-}" ]; then
		i1=${IR1[$k]}
		[ -n "${IRN[$k]:-}" ] && iN=$(awk -v a="${IRN[$k]}" -v b="${IR1[$k]}" -v n="$NQ" 'BEGIN {printf "%.0f", (a - b) / (n - 1)}')
		if oneshot "$name"; then
			case $k in floor*) rss="${RSS1[$k]:-–} (pipe, waiting for its query)" ;; *) rss="${RSS1[$k]:-–} (1 query, pipe)" ;; esac
		else rss="$(get "$name" fixed 8) (under load); ${RSSN[$k]:-–} ($NQ queries, pipe)"; fi
		sz="${SIZE[$k]} / ${SIZES[$k]}"
	fi
	act="–"; oneshot "$name" && [ -n "$k" ] && act=${ACT[$k]:-–}
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
		"$(server_desc "$name")" "$(fmt_k "$(get "$name" sat 3)")" "$(get "$name" sat 5)" "$r" \
		"$(fmt_k "$(get "$name" fixed 3)")" "$(get "$name" fixed 4)" "$(get "$name" fixed 5)" \
		"$(get "$name" fixed 6)" "$cq" "$rat" "$act" "$i1" "$iN" "$rss" "$sz"
done
} > "$TABLE"
cat "$TABLE"

# ---------------------------------------------------------------- RESULTS.md
T1=$(date +%s)
LOAD1=$(cut -d" " -f1-3 /proc/loadavg)
{
echo "# failoverdns benchmark results"
echo
echo "Written by \`bench/run.sh\` (\`make bench\`) on $(date -u '+%Y-%m-%d %H:%M UTC'); the whole run took $((T1 - T0)) s."
echo "The machine has $(nproc) cores and is shared: other work may run during the benchmark (load average"
echo "1/5/15 min at the start: $LOAD0, at the end: $LOAD1), which moves qps and CPU figures; instruction counts do not move."
echo "Medians over $ROUNDS rounds; in each round every server runs once saturated and once at a fixed rate,"
echo "${SECONDS_RUN} s each, one after the other (servers alternate; each run starts a fresh server)."
echo
cat "$TABLE"
echo
echo "Columns: *saturated qps* is dnsperf with 100 queries outstanding; on this machine dnsperf"
echo "saturates its own core first for the long-lived servers, so it ranks nothing among them."
echo "*fixed rate* is \`dnsperf -Q\`: $RATE qps for long-lived servers, $RATE1 qps for the one-shot ones"
echo "(a process per datagram: the rate must stay below the slowest one-shot server's saturated rate,"
echo "so that every one of them answers all of it and their CPU shares compare)."
echo "*server CPU %* is the server's CPU time (all its processes and threads, and for inetd the inetd"
echo "process plus every child it spawned) over the wall time of the dnsperf run; *CPU µs / answer*"
echo "is that CPU time over the answers received. *ratio*: for long-lived servers CPU per answer"
echo "against NSD's (goal for failoverdns linger mode: ≤ 1); for one-shot servers saturated qps against"
echo "the floor responder with the same linking under the same inetd (goal: ≥ 0.9), and CPU per answer"
echo "at the fixed rate against the same floor (≤ 1.11 is the same goal in CPU terms)."
echo "*CPU µs / activation*: \`bench/spawn.c\` starts the program $NSPAWN times with a UDP socket holding one"
echo "query on fds 0-2 (as inetd \"dgram wait\" does, empty environment) and sums the child's own"
echo "user+sys time from wait4(2): the one-shot cost without inetd's fork and bookkeeping and"
echo "without dnsperf; median of 5 alternating rounds."
echo "*instr.* columns: \`valgrind --tool=callgrind\` total instructions (user mode, from exec to exit,"
echo "dynamic loader included) in pipe mode (fd 0 a file, 2-byte length framing): one A query; and"
echo "(N=$NQ mixed queries − 1 query) / (N − 1) for the per-answer cost in a long-lived process."
echo "*peak RSS*: VmHWM summed over the server's processes at the end of the fixed-rate run; for"
echo "pipe mode, VmHWM of the process once it has answered all its input (stdin a FIFO held open)."
echo "(\`/usr/bin/time\`'s ru_maxrss would count the time process's own pages before exec: ~400 KiB.)"
echo
echo "## Goals (issue 7)"
echo
if [ $HAVE_FD = 1 ]; then
	echo "- linger CPU per answer vs NSD: glibc $(ratio "$(get fd-linger fixed 7)" "$NSD_CQ"), static musl $(ratio "$(get fds-linger fixed 7)" "$NSD_CQ") (goal ≤ 1)"
	echo "- one-shot saturated qps vs floor: glibc $(ratio "$(get fd-inetd sat 3)" "$(get floor-inetd sat 3)"), static musl $(ratio "$(get fds-inetd sat 3)" "$(get floors-inetd sat 3)") vs its static floor, $(ratio "$(get fds-inetd sat 3)" "$(get floor-inetd sat 3)") vs the glibc floor (goal ≥ 0.9)"
	perround() { # name floor -> saturated qps ratio in each round
		awk -F'\t' -v a="$1" -v b="$2" '$2 == "sat" && $1 == a {x[$3] = $5 / $7} $2 == "sat" && $1 == b {y[$3] = $5 / $7}
			END {for (r = 1; r in x; r++) printf "%s%.2f", (r > 1 ? ", " : ""), (y[r] > 0 ? x[r] / y[r] : 0)}' "$RAW"
	}
	echo "  (per round: glibc $(perround fd-inetd floor-inetd); static musl $(perround fds-inetd floors-inetd): saturated one-shot rates swing with other load on the machine, CPU per answer much less)"
	echo "- one-shot CPU per activation (exec to exit, spawn loop) vs floor: glibc $(ratio "${ACT[fd]:-}" "${ACT[floor]:-}") (${ACT[fd]:-?} vs ${ACT[floor]:-?} µs), static musl $(ratio "${ACT[fds]:-}" "${ACT[floors]:-}") (${ACT[fds]:-?} vs ${ACT[floors]:-?} µs)"
	echo "- one-shot CPU per answer vs floor when saturated (answers per CPU-second, so CPU taken by other load does not count): glibc $(ratio "$(get fd-inetd sat 7)" "$(get floor-inetd sat 7)"), static musl $(ratio "$(get fds-inetd sat 7)" "$(get floors-inetd sat 7)")"
	echo "- one-shot CPU per answer vs floor at $RATE1 qps: glibc $(ratio "$(get fd-inetd fixed 7)" "$(get floor-inetd fixed 7)"), static musl $(ratio "$(get fds-inetd fixed 7)" "$(get floors-inetd fixed 7)")"
	[ $HAVE_FDS = 1 ] && [ -n "${IRN[fds]:-}" ] && echo "- static musl instructions per answer, long-lived (callgrind, pipe mode, $NQ mixed queries): $(awk -v a="${IRN[fds]}" -v b="${IR1[fds]}" -v n="$NQ" 'BEGIN {printf "%.0f", (a - b) / (n - 1)}') (issue 10 goal ≤ 1500)"
	[ $HAVE_FDS = 1 ] && echo "- static musl binary: ${SIZE[fds]} bytes (goal ≤ 32768); peak RSS one query ${RSS1[fds]} KiB, $NQ queries ${RSSN[fds]} KiB (goal ≤ 1024)"
	echo "- pipe mode, $NQ framed queries: glibc build sent ${NREP[fd]:-?} framed replies, static musl ${NREP[fds]:-?}"
	echo "- default build peak RSS: one query ${RSS1[fd]} KiB, $NQ queries ${RSSN[fd]} KiB"
else
	echo "- failoverdns was not built in this run: no failoverdns rows."
fi
echo
echo "## Same answers?"
echo
echo "\`dig +norec\` for A, AAAA, NS, SOA at the apex, A below the zone, MX at the apex and A outside the"
echo "zone (example.com), compared with NSD's answers (status, header flags, records; TTLs included):"
echo
for name in $LONG $ONE; do
	case $name in nsd|floor*) continue ;; esac
	[ -f "$W/answers.$name" ] && [ -f "$W/answers.nsd" ] || continue
	if diff -q "$W/answers.nsd" "$W/answers.$name" >/dev/null; then
		echo "- $(server_desc "$name"): same as NSD"
	else
		echo "- $(server_desc "$name"): differs from NSD (\`<\` NSD, \`>\` $name):"
		echo
		echo '  ```'
		diff "$W/answers.nsd" "$W/answers.$name" | grep '^[<>]' | sed 's/^/  /'
		echo '  ```'
	fi
done
if [ -n "$ANNOTATE" ]; then
	echo
	echo "## Where failoverdns's instructions go"
	echo
	echo "\`callgrind_annotate\`, static musl build, pipe mode, $NQ mixed queries (exec to exit):"
	echo
	echo '```'
	echo "$ANNOTATE"
	echo '```'
	if [ -n "${ANNOTATE1:-}" ]; then
		echo
		echo "One query, exec to exit, inclusive:"
		echo
		echo '```'
		echo "$ANNOTATE1"
		echo '```'
	fi
fi
echo
echo "## Machine"
echo
echo "- $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); kernel $(uname -r); Debian $(cat /etc/debian_version)"
echo "- load average at the start: $LOAD0; at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the machine may be shared)"
echo "- server pinned to CPU $SCPU, dnsperf to CPU $CCPU; knotd pins its UDP worker itself, so for Knot DNS dnsperf ran on the CPU that worker did not take (CPU $(get knot fixed 9))"
echo "- cpu accounting: $([ $HAVE_CG = 1 ] && { [ $CGV = 1 ] && echo "a cgroup v1 cpuacct group per server run (cpuacct.usage)" || echo "a cgroup v2 group per server run (cpu.stat usage_usec)"; } || echo "/proc/PID/stat utime+stime+cutime+cstime of the server's process tree")"
echo
echo "## Versions"
echo
echo "- $(gcc --version | head -1); musl $(dpkg-query -W -f '${Version}' musl 2>/dev/null)"
echo "- $(server_desc nsd), $(server_desc knot), $(server_desc tinydns) (djbdns), openbsd-inetd $(dpkg-query -W -f '${Version}' openbsd-inetd 2>/dev/null), systemd-socket-activate $(dpkg-query -W -f '${Version}' systemd 2>/dev/null)"
echo "- dnsperf $(dpkg-query -W -f '${Version}' dnsperf 2>/dev/null), $(valgrind --version)"
[ $HAVE_FD = 1 ] && echo "- failoverdns: $FDV"
echo
echo "## Command lines"
echo
echo "Everything runs in a private network namespace (\`unshare --net --mount\`), on its 127.0.0.1, port 53."
echo
echo '```'
for name in $LONG $ONE; do echo "$(printf '%-13s' "$name") taskset -c $SCPU $(server_cmd "$name" | sed "s|$W|\$W|g; s|$ROOT/||g")"; done
for f in fd fds floor floors; do [ -f "$W/inetd-$f.conf" ] && echo "inetd-$f.conf: $(sed "s|$W|\$W|g; s|$ROOT/||g" "$W/inetd-$f.conf")"; done
echo "saturated:    $CMD_SAT"
echo "fixed rate:   the same with -Q $RATE (long-lived servers) or -Q $RATE1 (one-shot servers)"
echo "callgrind:    env -i valgrind --tool=callgrind PROGRAM ARGS < one.bin   (and < many.bin, $NQ framed queries)"
echo "activation:   taskset -c $SCPU spawn $NSPAWN PROGRAM [-i 0 ARGS]   (bench/spawn.c)"
echo "peak RSS:     PROGRAM ARGS < fifo; write one.bin (many.bin) to the fifo; VmHWM from /proc/PID/status"
echo "failoverdns ARGS: ${FD_ARGS[*]}"
echo '```'
echo
echo "queries.txt (dnsperf loops over it):"
echo
echo '```'
sort "$W/queries.txt" | uniq -c
echo '```'
echo
echo "Zone (NSD and Knot DNS), tinydns data, nsd.conf, knot.conf (\$W: the run's work directory):"
echo
echo '```'
cat "$Z/www.example.com.zone"
echo '```'
echo
echo '```'
cat "$W/tinydns/data"
echo '```'
echo
echo '```'
sed "s|$W|\$W|g" "$W/nsd/nsd.conf"
echo '```'
echo
echo '```'
sed "s|$W|\$W|g" "$W/knot/knot.conf"
echo '```'
echo
echo "## Raw runs"
echo
echo "name, kind, round, sent, completed, lost, run time s, avg latency s, server CPU s, wall s, peak RSS KiB, dnsperf CPU, response codes"
echo
echo '```'
cat "$RAW"
echo '```'
} > "$OUT"
say "bench: wrote $OUT in $((T1 - T0)) s"
