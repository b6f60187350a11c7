# tests/lab/net.sh: sourced by run.sh and users.sh (bash).  The lab's small
# internet, built in one place (issue 16): the processes a lab starts, its
# network namespaces, the fake root and example.com (NSD), and the resolvers.
#
#          clients' LAN (bridge "sw")                        router "rt"
#   root   198.51.100.1     NSD: ".", "com.", "lab."       .126 on the LAN
#   excom  198.51.100.2     NSD: example.com               198.51.100.129 -> s1
#   res    198.51.100.53    the resolver (.54: dnsmasq)    203.0.113.1    -> s2
#   cli    198.51.100.100   clients (users.sh only)
#                 198.51.100.0/25, 2001:db8:1::/64 (router 2001:db8:1::1)
#   s1     198.51.100.211   server1, alone on 198.51.100.128/25, 2001:db8:11::11
#   s2     203.0.113.12     server2, alone on 203.0.113.0/25, 2001:db8:12::12
#
# The servers sit behind the router, each in a prefix of its own: a server
# whose link goes down is answered for by the router (ICMP host unreachable,
# once its ARP for the server fails), as on the Internet, and no client
# shares a subnet with a server (RFC 6724 address sorting sees no shared
# prefix).  IPv6 is off unless the caller sets NET6=1 before setup_net
# (users.sh, the dual-stack cells): then cli, rt, s1 and s2 have the
# 2001:db8 addresses above (no DAD).  No namespace has a default route
# (checked): nothing can leave the lab.  The router answers every packet
# it cannot deliver (icmp_ratelimit 0), so "unreachable" is never silent
# by rate limit.
#
# The caller sets P (namespace prefix), W (work directory), PIDS (file of
# started PIDs), log() and, for start_resolver, RES (and RTR for dnsmasq).
NET=198.51.100
ROOT=$NET.1 EXCOM=$NET.2 RES=$NET.53 RTR=$NET.54 CLI=$NET.100
GW=$NET.126                             # the router on the clients' LAN
S1=198.51.100.211 S1GW=198.51.100.129 S1NET=198.51.100.128/25
S2=203.0.113.12 S2GW=203.0.113.1 S2NET=203.0.113.0/25
LANNET=$NET.0/25
CLI6=2001:db8:1::100 GW6=2001:db8:1::1
S16=2001:db8:11::11 S1GW6=2001:db8:11::1
S26=2001:db8:12::12 S2GW6=2001:db8:12::1
NET6=${NET6:-0}
. "$HERE/procs.sh"      # alive, mine, NSINO

# --- processes: every one we start is recorded, and only those are killed ---
spawn() {       # spawn NS LOGFILE CMD...: start CMD in namespace NS, echo its PID
	local ns=$1 lf=$2
	shift 2
	ip netns exec "$P$ns" "$@" </dev/null >>"$lf" 2>&1 &
	echo $! >>"$PIDS"
	echo $!
}
children() {    # children PID: its direct children
	cat /proc/"$1"/task/*/children 2>/dev/null
}
killtree() {    # killtree PID [SIGNAL]: the process and its direct children (supervised programs), if ours
	local pid=$1 kids= k
	mine "$pid" || return 0
	for k in $(children "$pid"); do
		mine "$k" && kids="$kids $k"
	done
	kill -"${2:-TERM}" "$pid" $kids 2>/dev/null
	for _ in $(seq 40); do
		alive "$pid" || break
		sleep 0.1
	done
	for pid in $pid $kids; do
		alive "$pid" && mine "$pid" && kill -9 "$pid" 2>/dev/null
	done
	return 0
}
NSES="sw rt root excom res s1 s2"       # setup_net cli adds cli
net_cleanup() { # the recorded processes, what still runs in our namespaces, the namespaces
	local pid ns
	if [ -s "$PIDS" ]; then
		while read -r pid; do
			alive "$pid" && killtree "$pid"
		done <"$PIDS"
	fi
	for ns in $NSES; do
		for pid in $(ip netns pids "$P$ns" 2>/dev/null); do   # a stray one: ours too
			kill -9 "$pid" 2>/dev/null
		done
	done
	for ns in $NSES; do
		ip netns del "$P$ns" 2>/dev/null
	done
}

# --- the network ---
NETI=0
ns_add() {      # ns_add NS: a namespace, loopback up, IPv6 off unless NET6
	local v6=1
	ip netns add "$P$1" || return 1
	NSINO="$NSINO $(stat -L -c %i "/run/netns/$P$1")"
	ip -n "$P$1" link set lo up
	case $1 in cli|rt|s1|s2) [ "$NET6" = 1 ] && v6=0 ;; esac
	ip netns exec "$P$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=$v6
	ip netns exec "$P$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=$v6
	# keep_addr_on_down: a link that goes down and comes back keeps its
	# IPv6 address (the kernel flushes it by default)
	[ $v6 = 0 ] && ip netns exec "$P$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
		net.ipv6.conf.all.keep_addr_on_down=1 net.ipv6.conf.default.keep_addr_on_down=1
	return 0
}
link_pair() {   # link_pair NS1 IF1 NS2 IF2: a veth pair between two namespaces
	NETI=$((NETI + 1))
	ip link add "${P}x$NETI" type veth peer name "${P}y$NETI" || return 1
	ip link set "${P}x$NETI" netns "$P$1" && ip link set "${P}y$NETI" netns "$P$3" &&
		ip -n "$P$1" link set "${P}x$NETI" name "$2" && ip -n "$P$3" link set "${P}y$NETI" name "$4" &&
		ip -n "$P$1" link set "$2" up && ip -n "$P$3" link set "$4" up
}
addr6() {       # addr6 NS DEV ADDR/LEN: only with NET6
	[ "$NET6" = 1 ] || return 0
	ip -n "$P$1" addr add "$3" dev "$2" nodad
}
setup_net() {   # setup_net [cli]: the lab's namespaces (cli: with the clients' one)
	local h ns addr gw a6 g6 i=0
	[ "${1:-}" = cli ] && NSES="$NSES cli"
	ns_add sw || return 1
	ip -n "${P}sw" link add br0 type bridge || return 1
	ip -n "${P}sw" link set br0 up
	# the clients' LAN: everything but the servers, and the router's first leg
	for h in root:$ROOT excom:$EXCOM res:$RES rt:$GW $([ "${1:-}" = cli ] && echo cli:$CLI); do
		ns=${h%%:*} addr=${h#*:} i=$((i + 1))
		ns_add "$ns" || return 1
		link_pair "$ns" eth0 sw "l$i" || return 1
		ip -n "${P}sw" link set "l$i" master br0
		ip -n "$P$ns" addr add "$addr/25" dev eth0
		[ "$ns" = rt ] || ip -n "$P$ns" route add "$S1NET" via "$GW"
		[ "$ns" = rt ] || ip -n "$P$ns" route add "$S2NET" via "$GW"
	done
	addr6 rt eth0 "$GW6/64"
	if [ "${1:-}" = cli ]; then
		addr6 cli eth0 "$CLI6/64"
		[ "$NET6" = 1 ] && ip -n "${P}cli" -6 route add 2001:db8:10::/44 via "$GW6"
	fi
	# the router, and a server behind each of its other legs
	ip netns exec "${P}rt" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0
	[ "$NET6" = 1 ] && ip netns exec "${P}rt" sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.icmp.ratelimit=0
	for ns in s1 s2; do
		if [ "$ns" = s1 ]; then
			addr=$S1 gw=$S1GW a6=$S16 g6=$S1GW6
		else
			addr=$S2 gw=$S2GW a6=$S26 g6=$S2GW6
		fi
		ns_add "$ns" || return 1
		link_pair "$ns" eth0 rt "$ns" || return 1
		ip -n "${P}rt" addr add "$gw/25" dev "$ns"
		ip -n "$P$ns" addr add "$addr/25" dev eth0
		addr6 rt "$ns" "$g6/64"
		addr6 "$ns" eth0 "$a6/64"
		server_routes "$ns"
	done
	# no default route anywhere: nothing can leave the lab
	for ns in $NSES; do
		if ip -n "$P$ns" route show default | grep -q . ||
		    ip -n "$P$ns" -6 route show default 2>/dev/null | grep -q .; then
			log "namespace $ns has a default route"; return 1
		fi
	done
}
server_routes() {       # server_routes s1|s2: its routes via the router (a link going down drops them)
	local gw=$S1GW g6=$S1GW6 peer=$S2NET
	[ "$1" = s2 ] && gw=$S2GW g6=$S2GW6 peer=$S1NET
	ip -n "$P$1" route replace "$LANNET" via "$gw"
	ip -n "$P$1" route replace "$peer" via "$gw"
	[ "$NET6" = 1 ] && ip -n "$P$1" -6 route replace 2001:db8::/32 via "$g6"
	return 0
}
link_down() {   # link_down s1|s2: the server's link goes down (the router sends "host unreachable")
	ip -n "$P$1" link set eth0 down
}
link_up() {     # link_up s1|s2: back, with its routes
	ip -n "$P$1" link set eth0 up && server_routes "$1"
}
ns_of() {       # ns_of ADDR: the namespace whose host has this address
	case $1 in
	"$S1"|"$S16") echo s1 ;;
	"$S2"|"$S26") echo s2 ;;
	esac
}

# --- zones and the NSD servers of the fake internet ---
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
setup_dns() {   # setup_dns TTL: the fake root, com., lab. and example.com (www delegated with TTL)
	local ttl=$1
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
www	$ttl	IN NS  server1.lab.
www	$ttl	IN NS  server2.lab.
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

# --- resolvers, each from Debian with defaults except: root hints, no DNSSEC ---
RES_PID=
start_resolver() {      # start_resolver unbound|named|kresd|pdns [stale]: in $W/res-NAME
	local r=$1 stale=${2:-} d=$W/res-$1
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
		# dont-query: its default list holds the documentation ranges the lab uses
		RES_PID=$(spawn res "$d/out.log" pdns_recursor --config-dir="$d" --socket-dir="$d" \
			--daemon=no --write-pid=no --disable-syslog --local-address=$RES \
			--allow-from=0.0.0.0/0 --hint-file="$W/root.hints" --dnssec=off \
			--dont-query=) ;;
	*) log "no resolver $r"; return 1 ;;
	esac
	# until it answers (priming the root; does not touch www.example.com)
	local i
	for i in $(seq 40); do
		ip netns exec "${P}res" dig +tries=1 +time=1 @$RES lab. SOA 2>/dev/null |
			grep -q 'status: NOERROR' && return 0
		sleep 0.25
	done
	log "$r does not answer"
	return 1
}
stop_resolver() {
	[ -n "$RES_PID" ] && killtree "$RES_PID"
	RES_PID=
}
