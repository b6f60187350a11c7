#!/bin/bash
# tests/lab/users.sh: what users see (issue 12).  The failover lab's small
# internet (see run.sh and README.md), with a web service on each server and
# real HTTP clients in a client namespace, each asking http://www.example.com/
# every few hundred ms through one DNS path while server1 fails or is taken
# down for maintenance.  Started as `run.sh --users ...` or directly.
#
#   root   198.51.100.1    NSD: ".", "com.", "lab."
#   excom  198.51.100.2    NSD: example.com (www TTL NS server1.lab. / server2.lab.)
#   s1     198.51.100.11   failoverdns under udpsvd + users-web.py on :80 ("server1")
#   s2     198.51.100.12   the same ("server2")
#   res    198.51.100.53   the recursive resolver; .54: dnsmasq (the home router)
#   cli    198.51.100.100  the clients (and systemd-resolved, for that path)
#   sw     -               the bridge
#
# Until the event both servers answer www.example.com with server1's address
# (server2 has a redirect file, failoverdns -r, naming server1), so every
# client and every cache is on server1 when it fails: the worst case, which a
# user on server2 would not see at all.  At the event server2 switches to its
# own address, and server1:
#   dark     loses its link (the host is gone);
#   webdies  loses its web service (SIGKILL); failoverdns-health on server1
#            (health/, its default -i 1 -t 1 -f 2 -u 2, checking http:// on
#            both) notices and redirects to server2 (failoverdns -r);
#   maint    `failoverdns-drain [-w WAIT] FILE` (health/: creates server1's
#            drain file, waits TTL + 65 s or WAIT), then its web service is
#            stopped gracefully (SIGTERM, like systemctl stop nginx), 10 s
#            later started again, then undrained (failoverdns-drain -u).
#
# usage: users.sh [--short] [--ttl N] [--paths LIST] [--clients LIST]
#                 [--scenarios LIST] [--wait N] [--parallel N] [--out DIR]
#                 [--binary PATH] [--resolved PATH] [--keep]
#   paths     unbound named kresd pdns unbound-stale named-stale resolved dnsmasq
#   clients   curl pycurl gai chromium
#   scenarios dark webdies maint
#   --wait N  maint: seconds between drain and stopping the web service
#             (default TTL + 65, failoverdns-drain's own: the TTL, libcurl's and
#             Chromium's 60 s, 5 s margin)
#   --parallel N  run the paths in N labs at once (separate namespaces)
#   --resolved PATH  the systemd-resolved binary (default /lib/systemd/systemd-resolved;
#             when missing, taken out of Debian's package with apt-get download)
#   --short   make check: TTL 10, unbound, curl and gai, dark and maint with a
#             15 s wait; prints pass:/FAIL: lines and "N passed, N failed"
# Results: OUT/raw/ (CSV per client, .events), OUT/results.md, OUT/*.svg,
# OUT/versions.txt.  Default OUT docs/lab/users (--short: /tmp/failoverdns-users-short).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
TTL=10
PATHS="unbound named kresd pdns unbound-stale named-stale resolved dnsmasq"
CLIENTS="curl pycurl gai chromium"
SCENARIOS="dark webdies maint"
WAIT=
OUT=
BIN=$REPO/failoverdns
RESOLVED=/lib/systemd/systemd-resolved
SHORT=0
PARALLEL=1
CHILD=0
KEEP=0
usage() { echo "usage: users.sh [--short] [--ttl N] [--paths LIST] [--clients LIST] [--scenarios LIST] [--wait N] [--parallel N] [--out DIR] [--binary PATH] [--resolved PATH]" >&2; exit 1; }
while [ $# -gt 0 ]; do
	case $1 in
	--short) SHORT=1; TTL=10; PATHS=unbound; CLIENTS="curl gai"; SCENARIOS="dark maint"; WAIT=15 ;;
	--ttl) TTL=$2; shift ;;
	--paths) PATHS=$2; shift ;;
	--clients) CLIENTS=$2; shift ;;
	--scenarios) SCENARIOS=$2; shift ;;
	--wait) WAIT=$2; shift ;;
	--parallel) PARALLEL=$2; shift ;;
	--out) OUT=$2; shift ;;
	--binary) BIN=$2; shift ;;
	--resolved) RESOLVED=$2; shift ;;
	--child) CHILD=1 ;;     # internal: one of --parallel's labs (no report)
	--keep) KEEP=1 ;;       # keep OUT/raw of earlier runs (another TTL)
	*) usage ;;
	esac
	shift
done
[ -n "$WAIT" ] || WAIT=$((TTL + 65))
if [ -z "$OUT" ]; then
	OUT=$REPO/docs/lab/users
	[ "$SHORT" = 1 ] && OUT=/tmp/failoverdns-users-short
fi
[ "$(id -u)" = 0 ] || { echo "users.sh: needs root (network namespaces)" >&2; exit 77; }
PY=/usr/bin/python3

PAUSE=0.3               # each client: one request, then this pause (s)
PAUSE_MS=300
CTIMEOUT=2              # a request that takes longer has failed (s)
WARM=12                 # clients run this long before we look for a fresh answer (s)
DOWN=10                 # maint: the web service stays stopped this long (s)
case " $CLIENTS " in
*" pycurl "*|*" chromium "*) POST=$((TTL + 90)) ;;     # their own 60 s caches
*) POST=$((TTL + 20)) ;;
esac
NET=198.51.100
ROOT=$NET.1 EXCOM=$NET.2 S1=$NET.11 S2=$NET.12 RES=$NET.53 RTR=$NET.54 CLI=$NET.100
P=fou$(printf %x $$)    # namespace and interface prefix, unique to this run (run.sh: fol)
W=$(mktemp -d /tmp/failoverdns-users.XXXXXX)
PIDS=$W/pids
: >"$PIDS"

SLEEP_PID=
pause() { sleep "$1" & SLEEP_PID=$!; wait $SLEEP_PID; SLEEP_PID=; }
log() { printf "%s users %s: %s\n" "$(date +%T.%N | cut -c1-12)" "$P" "$*" >&2; }

# --- processes (as run.sh): every one we start is recorded, and only those are killed ---
spawn() {       # spawn NS LOGFILE CMD...: start CMD in namespace NS, echo its PID
	local ns=$1 lf=$2
	shift 2
	ip netns exec "$P$ns" "$@" </dev/null >>"$lf" 2>&1 &
	echo $! >>"$PIDS"
	echo $!
}
. "$HERE/procs.sh"      # alive, mine, NSINO
killtree() {    # killtree PID [SIGNAL]: the process and its direct children, if ours
	local pid=$1 kids= k
	mine "$pid" || return 0
	for k in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
		mine "$k" && kids="$kids $k"
	done
	kill -"${2:-TERM}" "$pid" $kids 2>/dev/null
	for _ in $(seq 50); do
		alive "$pid" || break
		sleep 0.1
	done
	for pid in $pid $kids; do
		alive "$pid" && mine "$pid" && kill -9 "$pid" 2>/dev/null
	done
	return 0
}
NSES="sw root excom s1 s2 res cli"
nskill() {      # what is still running in our namespaces is ours (chromium's renderers)
	local ns pid
	for ns in $NSES; do
		for pid in $(ip netns pids "$P$ns" 2>/dev/null); do
			kill -9 "$pid" 2>/dev/null
		done
	done
}
CHILDREN=
cleanup() {
	local pid ns
	trap - EXIT INT TERM
	[ -n "$SLEEP_PID" ] && kill "$SLEEP_PID" 2>/dev/null
	for pid in $CHILDREN; do kill "$pid" 2>/dev/null; done
	for pid in $CHILDREN; do wait "$pid" 2>/dev/null; done
	if [ -s "$PIDS" ]; then
		while read -r pid; do
			alive "$pid" && killtree "$pid"
		done <"$PIDS"
	fi
	nskill
	for ns in $NSES; do
		ip netns del "$P$ns" 2>/dev/null
	done
	rm -rf "/etc/netns/${P}cli" "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the network (run.sh's, plus the client namespace and the router address) ---
setup_net() {
	local h ns addr i=0
	ip netns add "${P}sw" || return 1
	ip -n "${P}sw" link add br0 type bridge || return 1
	ip -n "${P}sw" link set br0 up
	ip -n "${P}sw" link set lo up
	for h in root:$ROOT excom:$EXCOM s1:$S1 s2:$S2 res:$RES cli:$CLI; do
		ns=${h%%:*} addr=${h#*:} i=$((i + 1))
		ip netns add "$P$ns" || return 1
		NSINO="$NSINO $(stat -L -c %i "/run/netns/$P$ns")"
		ip netns exec "$P$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip netns exec "$P$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
		ip link add "${P}u$i" type veth peer name "${P}v$i" || return 1
		ip link set "${P}u$i" netns "$P$ns"
		ip link set "${P}v$i" netns "${P}sw"
		ip -n "$P$ns" link set "${P}u$i" name eth0
		ip -n "$P$ns" addr add "$addr/24" dev eth0
		ip -n "$P$ns" link set eth0 up
		ip -n "$P$ns" link set lo up
		ip -n "${P}sw" link set "${P}v$i" master br0
		ip -n "${P}sw" link set "${P}v$i" up
	done
	ip -n "${P}res" addr add "$RTR/24" dev eth0
	for ns in root excom s1 s2 res cli; do
		if ip -n "$P$ns" route show default | grep -q .; then
			log "namespace $ns has a default route"; return 1
		fi
	done
	# the client namespace's libc asks what the DNS path says (ip netns exec
	# bind-mounts /etc/netns/NS/resolv.conf over /etc/resolv.conf)
	mkdir -p "/etc/netns/${P}cli" || return 1
	echo "nameserver $RES" >"/etc/netns/${P}cli/resolv.conf"
	printf '127.0.0.1 localhost\n' >"/etc/netns/${P}cli/hosts"
}

# --- zones and the NSD servers of the fake internet (as run.sh) ---
nsd_conf() {    # nsd_conf DIR ADDR ZONE:FILE...
	local d=$1 a=$2 z
	shift 2
	cat >"$d/nsd.conf" <<EOF
server:
	ip-address: $a
	port: 53
	do-ip6: no
	username: ""
	chroot: ""
	zonesdir: "$d"
	pidfile: "$d/nsd.pid"
	database: ""
	zonelistfile: "$d/zone.list"
	xfrdfile: "$d/xfrd.state"
	xfrdir: "$d"
	logfile: "$d/nsd.log"
	server-count: 1
	verbosity: 1
remote-control:
	control-enable: no
EOF
	for z in "$@"; do
		printf 'zone:\n\tname: "%s"\n\tzonefile: "%s"\n' "${z%%:*}" "${z#*:}" >>"$d/nsd.conf"
	done
}
setup_dns() {
	mkdir -p "$W/root" "$W/excom"
	cat >"$W/root/root.zone" <<EOF
\$TTL 86400
.		IN SOA a.root.lab. hostmaster.lab. 1 1800 900 604800 86400
.		IN NS  a.root.lab.
com.		IN NS  a.root.lab.
lab.		IN NS  a.root.lab.
a.root.lab.	IN A   $ROOT
EOF
	cat >"$W/root/com.zone" <<EOF
\$TTL 86400
com.		IN SOA a.root.lab. hostmaster.lab. 1 1800 900 604800 86400
com.		IN NS  a.root.lab.
example.com.	IN NS  ns.example.com.
ns.example.com.	IN A   $EXCOM
EOF
	cat >"$W/root/lab.zone" <<EOF
\$TTL 3600
lab.		IN SOA a.root.lab. hostmaster.lab. 1 1800 900 604800 3600
lab.		IN NS  a.root.lab.
a.root.lab.	IN A   $ROOT
server1.lab.	IN A   $S1
server2.lab.	IN A   $S2
EOF
	cat >"$W/excom/example.com.zone" <<EOF
\$TTL 3600
example.com.	IN SOA ns.example.com. hostmaster.example.com. 1 1800 900 604800 3600
example.com.	IN NS  ns.example.com.
ns		IN A   $EXCOM
www	$TTL	IN NS  server1.lab.
www	$TTL	IN NS  server2.lab.
EOF
	printf '.\t3600000\tNS\ta.root.lab.\na.root.lab.\t3600000\tA\t%s\n' "$ROOT" >"$W/root.hints"
	nsd_conf "$W/root" "$ROOT" .:root.zone com.:com.zone lab.:lab.zone
	nsd_conf "$W/excom" "$EXCOM" example.com.:example.com.zone
	spawn root "$W/root/out.log" nsd -d -c "$W/root/nsd.conf" >/dev/null
	spawn excom "$W/excom/out.log" nsd -d -c "$W/excom/nsd.conf" >/dev/null
	wait_answer root "$ROOT" lab. && wait_answer excom "$EXCOM" example.com.
}
wait_answer() { # wait_answer NS SERVER QNAME: until SERVER answers (at most ~10 s)
	local i
	for i in $(seq 40); do
		ip netns exec "$P$1" dig +tries=1 +time=1 +norecurse @"$2" "$3" SOA 2>/dev/null |
			grep -q 'status: NOERROR' && return 0
		sleep 0.25
	done
	log "no answer from $2 for $3"
	return 1
}

# --- the servers: failoverdns (the address it serves from a file) and the web ---
SRV_s1= SRV_s2= WEB_s1= WEB_s2=
start_web() {   # start_web s1|s2
	local s=$1 addr=$S1 name=server1 v
	[ "$s" = s2 ] && addr=$S2 name=server2
	v=$(spawn "$s" "$W/$s/web.log" "$PY" "$HERE/users-web.py" "$addr" 80 "$name" 3600)
	eval "WEB_$s=$v"
	for _ in $(seq 40); do
		ip netns exec "$P$s" bash -c "exec 3<>/dev/tcp/$addr/80" 2>/dev/null && return 0
		sleep 0.1
	done
	log "$name: web service does not listen"
	return 1
}
start_server() {        # start_server s1|s2
	local s=$1 addr=$S1 name=server1 d=$W/$1 v
	[ "$s" = s2 ] && addr=$S2 name=server2
	mkdir -p "$d"
	rm -f "$d/down" "$d/redirect"
	# until the event server2 redirects to server1 (failoverdns -r): everyone on server1
	[ "$s" = s2 ] && echo "$S1" >"$d/redirect"
	: >"$d/dns.log"
	start_web "$s" || return 1
	v=$(spawn "$s" "$d/dns.log" udpsvd -l "$name" "$addr" 53 "$BIN" -v -t "$TTL" \
		-d "$d/down" -r "$d/redirect" -n server1.lab -n server2.lab www.example.com "$addr")
	eval "SRV_$s=$v"
	wait_answer res "$addr" www.example.com.
}
HEALTH_PID=
start_health() {        # failoverdns-health on server1, its defaults, as contrib/default shows
	HEALTH_PID=$(spawn s1 "$W/s1/health.log" env TMPDIR="$W/s1" bash -c '"$@" 2>&1 |
		while IFS= read -r l; do printf "%s %s\n" "$(date +%s.%N)" "$l"; done' - \
		sh "$REPO/health/failoverdns-health" -v -r "$W/s1/redirect" -c "http://$S1/" -p "$S2=http://$S2/")
}
stop_servers() {
	local s v
	[ -n "$HEALTH_PID" ] && killtree "$HEALTH_PID"
	HEALTH_PID=
	for s in s1 s2; do
		for v in SRV_$s WEB_$s; do
			[ -n "${!v}" ] && killtree "${!v}"
			eval "$v="
		done
		ip -n "$P$s" link set eth0 up
	done
}

# --- the DNS path: a resolver from Debian with defaults but for what the lab needs ---
RES_PID= STUB_PID=
start_resolver() {      # start_resolver unbound|named|kresd|pdns [stale]
	local r=$1 stale=${2:-} d=$W/res
	rm -rf "$d"
	mkdir -p "$d"
	case $r in
	unbound)
		cat >"$d/unbound.conf" <<EOF
server:
	interface: $RES
	access-control: 0.0.0.0/0 allow
	username: ""
	chroot: ""
	directory: "$d"
	pidfile: "$d/unbound.pid"
	root-hints: "$W/root.hints"
	module-config: "iterator"
	do-daemonize: no
	use-syslog: no
	logfile: "$d/unbound.log"
$([ -n "$stale" ] && printf '\tserve-expired: yes\n')
remote-control:
	control-enable: no
EOF
		RES_PID=$(spawn res "$d/out.log" unbound -d -c "$d/unbound.conf") ;;
	named)
		cat >"$d/named.conf" <<EOF
options {
	directory "$d";
	pid-file "$d/named.pid";
	session-keyfile "$d/session.key";
	managed-keys-directory "$d";
	listen-on port 53 { $RES; };
	listen-on-v6 { none; };
	recursion yes;
	allow-query { any; };
	allow-recursion { any; };
	dnssec-validation no;
$([ -n "$stale" ] && printf '\tstale-answer-enable yes;\n\tstale-answer-client-timeout 0;\n')
};
controls { };
zone "." { type hint; file "$W/root.hints"; };
EOF
		RES_PID=$(spawn res "$d/out.log" named -g -c "$d/named.conf") ;;
	kresd)
		cat >"$d/kresd.conf" <<EOF
log_target('stderr')
net.listen('$RES', 53, { kind = 'dns' })
trust_anchors.remove('.')
modules.load('hints > iterate')
hints.root({ ['a.root.lab.'] = '$ROOT' })
cache.open(10 * MB, 'lmdb://$d/cache')
EOF
		RES_PID=$(spawn res "$d/out.log" kresd -n -c "$d/kresd.conf" "$d") ;;
	pdns)
		: >"$d/recursor.conf"
		RES_PID=$(spawn res "$d/out.log" pdns_recursor --config-dir="$d" --socket-dir="$d" \
			--daemon=no --write-pid=no --disable-syslog --local-address=$RES \
			--allow-from=0.0.0.0/0 --hint-file="$W/root.hints" --dnssec=off \
			--dont-query=) ;;
	*) log "no resolver $r"; return 1 ;;
	esac
	local i
	for i in $(seq 40); do
		ip netns exec "${P}res" dig +tries=1 +time=1 @$RES lab. SOA 2>/dev/null |
			grep -q 'status: NOERROR' && return 0
		sleep 0.25
	done
	log "$r does not answer"
	return 1
}
start_path() {          # start_path PATH: resolver, stub, the client's resolv.conf
	local p=$1 ns=$RES
	case $p in
	unbound|named|kresd|pdns) start_resolver "$p" || return 1 ;;
	unbound-stale|named-stale) start_resolver "${p%-stale}" stale || return 1 ;;
	dnsmasq)        # the home router: Debian's dnsmasq, defaults, forwarding to the ISP's Unbound
		start_resolver unbound || return 1
		STUB_PID=$(spawn res "$W/res/dnsmasq.log" dnsmasq -k -C /dev/null -u root \
			--no-resolv --no-hosts --server="$RES" --listen-address="$RTR" --bind-interfaces --log-facility=-)
		ns=$RTR ;;
	resolved)       # the local stub on 127.0.0.53, upstream the ISP's Unbound
		start_resolver unbound || return 1
		mkdir -p "$W/resolved/etc"
		printf '[Resolve]\nDNS=%s\n' "$RES" >"$W/resolved/etc/resolved.conf"
		# it drops privileges to the user systemd-resolve, which its package
		# would create: a passwd and group with that user, its own /etc/systemd
		# and /run/systemd, all in the private mount namespace that ip netns
		# exec gives it (nothing of the host changes)
		{ grep -v '^systemd-resolve:' /etc/passwd; echo 'systemd-resolve:x:64991:64991::/run/systemd/resolve:/usr/sbin/nologin'; } >"$W/resolved/passwd"
		{ grep -v '^systemd-resolve:' /etc/group; echo 'systemd-resolve:x:64991:'; } >"$W/resolved/group"
		STUB_PID=$(spawn cli "$W/resolved/log" sh -c 'mount --bind "$1/etc" /etc/systemd &&
			mount --bind "$1/passwd" /etc/passwd && mount --bind "$1/group" /etc/group &&
			mount -t tmpfs tmpfs /run/systemd && mkdir /run/systemd/resolve &&
			chown 64991:64991 /run/systemd/resolve && exec "$0"' "$RESOLVED" "$W/resolved")
		ns=127.0.0.53 ;;
	*) log "no path $p"; return 1 ;;
	esac
	echo "nameserver $ns" >"/etc/netns/${P}cli/resolv.conf"
	local i
	for i in $(seq 40); do
		ip netns exec "${P}cli" dig +tries=1 +time=1 @$ns example.com. SOA 2>/dev/null |
			grep -q 'status: NOERROR' && return 0
		sleep 0.25
	done
	log "path $p: $ns does not answer"
	return 1
}
stop_path() {   # stop_path [BASE]: BASE.resolved.log gets systemd-resolved's log
	local v
	for v in DIG_PID STUB_PID RES_PID; do
		[ -n "${!v}" ] && killtree "${!v}"
		eval "$v="
	done
	[ -n "${1:-}" ] && [ -f "$W/resolved/log" ] && cp "$W/resolved/log" "$1.resolved.log"
	rm -rf "$W/resolved"
}
DIG_PID=
dig_log() {     # dig_log FILE: once a second, what the path's entry point and the resolver say
	local ns
	ns=$(sed -n 's/^nameserver //p' "/etc/netns/${P}cli/resolv.conf")
	DIG_PID=$(spawn cli "$1" bash -c 'for _ in $(seq 3600); do
		printf "%s %s %s\n" "$(date +%s.%N)" \
			"$(dig +tries=1 +time=1 +noall +answer @"$0" www.example.com A | awk "\$4 == \"A\" { printf \"%s/%s \", \$5, \$2 }")-" \
			"$(dig +tries=1 +time=1 +noall +answer @"$1" www.example.com A | awk "\$4 == \"A\" { printf \"%s/%s \", \$5, \$2 }")-"
		sleep 1; done' "$ns" "$RES")
}

# --- the clients ---
CPIDS=
start_clients() {       # start_clients CSVPREFIX
	local c pid
	CPIDS=
	for c in $CLIENTS; do
		case $c in
		chromium)
			pid=$(spawn cli "$W/browser.log" "$PY" "$HERE/users-browser.py" 8080 "$1.chromium.csv" 3600)
			CPIDS="$CPIDS $pid"
			for _ in $(seq 40); do
				ip netns exec "${P}cli" bash -c "exec 3<>/dev/tcp/127.0.0.1/8080" 2>/dev/null && break
				sleep 0.1
			done
			rm -rf "$W/chromium-profile"
			pid=$(spawn cli "$W/chromium.log" chromium --headless --no-sandbox --disable-gpu \
				--disable-quic --no-first-run --disable-background-networking \
				--disable-component-update --disable-sync --user-data-dir="$W/chromium-profile" \
				"http://127.0.0.1:8080/?url=http://www.example.com/&pause=$PAUSE_MS&timeout=$((CTIMEOUT * 1000))")
			CPIDS="$CPIDS $pid" ;;
		curl|pycurl|gai)
			pid=$(spawn cli "$W/client.log" "$PY" "$HERE/users-client.py" "$c" \
				http://www.example.com/ "$PAUSE" "$CTIMEOUT" 3600 "$1.$c.csv")
			CPIDS="$CPIDS $pid" ;;
		*) log "no client $c"; return 1 ;;
		esac
	done
}
stop_clients() {
	local pid
	for pid in $CPIDS; do killtree "$pid"; done
	CPIDS=
	for pid in $(ip netns pids "${P}cli" 2>/dev/null); do   # chromium's renderers, a stray curl
		[ "$pid" = "$STUB_PID" ] || kill -9 "$pid" 2>/dev/null
	done
}
warm() {        # warm CSVPREFIX: until every client has 3 successes (at most 180 s)
	local c n end=$(($(date +%s) + 180)) ok
	while [ "$(date +%s)" -lt "$end" ]; do
		ok=1
		for c in $CLIENTS; do
			n=$(grep -c ',1,server' "$1.$c.csv" 2>/dev/null)
			[ "${n:-0}" -ge 3 ] || ok=0
		done
		[ $ok = 1 ] && return 0
		sleep 0.5
	done
	log "warm-up: not every client succeeds"
	return 1
}
wait_fresh() {  # until the entry point of the path hands out a just-fetched answer
	local ns end=$(($(date +%s) + 2 * TTL + 10)) ttl
	ns=$(sed -n 's/^nameserver //p' "/etc/netns/${P}cli/resolv.conf")
	while [ "$(date +%s)" -lt "$end" ]; do
		ttl=$(ip netns exec "${P}cli" dig +tries=1 +time=1 +noall +answer @"$ns" www.example.com A 2>/dev/null |
			awk '$4 == "A" { print $2; exit }')
		if [ -n "$ttl" ] && [ "$ttl" -ge $((TTL - 1)) ] && [ "$ttl" -le "$TTL" ]; then
			return 0
		fi
		sleep 0.2
	done
	echo "nofresh $(date +%s.%N)" >>"$EV"
	return 1
}

event() { echo "$1 $(date +%s.%N)" >>"$EV"; log "  $1"; }
run_one() {     # run_one PATH SCENARIO
	local p=$1 sc=$2 base
	base=$OUT/raw/t$TTL-$p-$sc
	EV=$base.events
	rm -f "$base".*.csv "$base.drain.log"
	: >"$EV"
	log "TTL $TTL / $p / $sc"
	echo "ttl $TTL" >>"$EV"
	echo "clients $CLIENTS" >>"$EV"
	[ "$sc" = maint ] && echo "wait $WAIT" >>"$EV"
	start_server s1 && start_server s2 || return 1
	[ "$sc" = webdies ] && start_health
	start_path "$p" || return 1
	start_clients "$base" || return 1
	dig_log "$base.dig"
	event start
	echo "load $(cut -d' ' -f1 /proc/loadavg)" >>"$EV"
	pause $WARM
	warm "$base" || return 1
	wait_fresh
	rm -f "$W/s2/redirect"          # server2 answers with its own address again
	case $sc in
	dark) event dark; ip -n "${P}s1" link set eth0 down; pause $POST ;;
	webdies)        # failoverdns-health on server1 notices, redirects to server2
		event webdies; killtree "$WEB_s1" KILL; WEB_s1=
		pause $POST ;;
	maint)  # the README's procedure: failoverdns-drain FILE && stop
		event drain
		drain_w="-w $WAIT"      # the command's own wait when WAIT is TTL + 65
		[ "$WAIT" = $((TTL + 65)) ] && drain_w=
		"$REPO/health/failoverdns-drain" -t "$TTL" $drain_w "$W/s1/down" \
		    2>>"$base.drain.log" & SLEEP_PID=$!
		wait $SLEEP_PID || { SLEEP_PID=; log "failoverdns-drain failed"; return 1; }
		SLEEP_PID=
		event stopweb; killtree "$WEB_s1"; WEB_s1=
		pause $DOWN
		start_web s1 || return 1
		event startweb
		pause 2
		event undrain; "$REPO/health/failoverdns-drain" -u "$W/s1/down" \
		    2>>"$base.drain.log" || return 1
		pause $((TTL + 10)) ;;
	esac
	event end
	echo "load $(cut -d' ' -f1 /proc/loadavg)" >>"$EV"
	stop_clients
	stop_path "$base"
	cp "$W/s1/health.log" "$base.health.log" 2>/dev/null
	cp "$W/chromium.log" "$base.chromium.log" 2>/dev/null
	rm -f "$W/s1/health.log" "$W/chromium.log"
	for s in s1 s2; do
		awk -v s=$s '$1 == "failoverdns:" && NF == 5 { n[$4 " " $5]++; next }
			{ print s ": " $0 } END { for (k in n) print s ": " n[k], k }' "$W/$s/dns.log"
	done >"$base.servers"
	stop_servers
}

versions() {
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(uname -srm), $(nproc) CPUs, $(. /etc/os-release; echo "$PRETTY_NAME")"
	echo "servers: failoverdns (failoverdns.c of commit $(git -C "$REPO" log -1 --format=%h -- failoverdns.c 2>/dev/null)$(git -C "$REPO" diff --quiet HEAD -- failoverdns.c 2>/dev/null || echo ", modified")) under udpsvd (ipsvd $(dpkg-query -W -f '${Version}' ipsvd 2>/dev/null)); binary sha256 $(sha256sum <"$BIN" | cut -c1-16)"
	echo "health: health/failoverdns-health of commit $(git -C "$REPO" log -1 --format=%h -- health/failoverdns-health 2>/dev/null) (webdies only)"
	echo "drain: health/failoverdns-drain of commit $(git -C "$REPO" log -1 --format=%h -- health/failoverdns-drain 2>/dev/null) (maint only)"
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (others' tests share this machine)"
	echo "web: tests/lab/users-web.py (HTTP/1.1 keep-alive, 75 s idle timeout, graceful SIGTERM)"
	echo "curl: $(curl --version | head -n1)"
	echo "pycurl: $("$PY" -c 'import pycurl; print(pycurl.version)' 2>/dev/null) (python3-pycurl $(dpkg-query -W -f '${Version}' python3-pycurl 2>/dev/null))"
	echo "python: $("$PY" --version 2>&1)"
	echo "chromium: $(chromium --version 2>/dev/null) (Debian $(dpkg-query -W -f '${Version}' chromium 2>/dev/null))"
	echo "unbound: $(unbound -V 2>/dev/null | head -n1 | sed 's/Version //')"
	echo "named: $(named -v 2>/dev/null)"
	echo "kresd: $(kresd --version 2>/dev/null)"
	echo "pdns: $(pdns_recursor --version 2>&1 | grep -o 'PowerDNS Recursor [^ ]*')"
	echo "dnsmasq: $(dnsmasq --version 2>/dev/null | head -n1)"
	echo "systemd-resolved: $("$RESOLVED" --version 2>/dev/null | head -n1)"
	echo "nsd: $(nsd -v 2>&1 | head -n1)"
	echo "clients: one request, then ${PAUSE}s pause; a request fails after ${CTIMEOUT}s; maint wait ${WAIT}s (TTL $TTL)"
}

# --- main ---
[ -x "$BIN" ] || { echo "users.sh: no $BIN (make it)" >&2; exit 1; }
if [ "$CHILD" = 0 ] && ! [ -x "$RESOLVED" ] && case " $PATHS " in *" resolved "*) true ;; *) false ;; esac; then
	# Debian's package would replace this machine's /etc/resolv.conf with its
	# own stub: take the binary out of the package instead of installing it
	mkdir -p "$W/deb" && (cd "$W/deb" && apt-get download systemd-resolved >/dev/null 2>&1 &&
		dpkg-deb -x systemd-resolved_*.deb .) && RESOLVED=$W/deb/lib/systemd/systemd-resolved
fi
if [ "$CHILD" = 0 ]; then
	mkdir -p "$OUT/raw" || exit 1
	[ "$KEEP" = 1 ] || rm -f "$OUT"/raw/*
	cp "$BIN" "$W/failoverdns" && BIN=$W/failoverdns
	[ "$KEEP" = 1 ] || : >"$OUT/versions.txt"
	versions >>"$OUT/versions.txt"
	if [ "$PARALLEL" -gt 1 ]; then  # one lab per path, at most PARALLEL at once
		status=0
		set -- $PATHS
		while [ $# -gt 0 ]; do
			CHILDREN=
			for _ in $(seq "$PARALLEL"); do
				[ $# -gt 0 ] || break
				bash "$0" --child --ttl "$TTL" --paths "$1" --clients "$CLIENTS" \
					--scenarios "$SCENARIOS" --wait "$WAIT" --out "$OUT" --binary "$BIN" \
					--resolved "$RESOLVED" &
				CHILDREN="$CHILDREN $!"
				shift
			done
			for pid in $CHILDREN; do wait "$pid" || status=1; done
			CHILDREN=
		done
		PATHS=
	fi
fi
status=${status:-0}
if [ -n "$PATHS" ]; then
	setup_net || { log "network setup failed"; exit 1; }
	setup_dns || { log "DNS setup failed"; exit 1; }
	for p in $PATHS; do
		if [ "$p" = resolved ] && ! [ -x "$RESOLVED" ]; then
			log "no $RESOLVED: path resolved not run"
			echo "resolved: no $RESOLVED" >>"$OUT/raw/t$TTL-resolved.notrun"
			continue
		fi
		for sc in $SCENARIOS; do
			run_one "$p" "$sc" || { log "$p / $sc: setup failed"; echo "setup-failed $(date +%s)" >>"$EV"; status=1; stop_clients; stop_path "${EV%.events}"; stop_servers; }
		done
	done
fi
[ "$CHILD" = 1 ] && exit $status
check=
[ "$SHORT" = 1 ] && check=--check
"$PY" "$HERE/users-report.py" $check "$OUT" || status=1
log "results: $OUT/results.md"
exit $status
