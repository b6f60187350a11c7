#!/bin/bash
# tests/lab/users.sh: what users see (issues 12 and 16).  The failover lab's
# small internet (net.sh: servers behind a router, each in a prefix of its
# own), with a web service on each server and real HTTP clients in a client
# namespace, each asking http://www.example.com/ every few hundred ms through
# one DNS path while server1 fails or is taken down for maintenance.  Started
# as `run.sh --users ...` or directly.
#
#   root   198.51.100.1    NSD: ".", "com.", "lab."
#   excom  198.51.100.2    NSD: example.com (www TTL NS server1.lab. / server2.lab.)
#   res    198.51.100.53   the recursive resolver; .54: dnsmasq (the home router)
#   cli    198.51.100.100  the clients (and systemd-resolved, for that path)
#   rt     .126            the router to the servers' prefixes
#   s1     198.51.100.211  failoverdns under udpsvd + users-web.py on :80 ("server1")
#   s2     203.0.113.12    the same ("server2")
#   (--ds: also 2001:db8:1::100, 2001:db8:11::11, 2001:db8:12::12: A and AAAA)
#
# Answer modes (--modes, side by side in one run):
#   own  each failoverdns answers with its own address.  Until the event
#        server2 has a redirect file (failoverdns -r) naming server1, so every
#        client and cache is on server1 when it fails: the worst case.  At the
#        event server2 answers with its own address again.  failoverdns-health
#        runs only in webdies (on server1, redirecting to server2).
#   all  failoverdns-health -a OWN -i 1 -t 1 -f 2 -u 2 -c http://OWN/ -p
#        PEER=http://PEER/ -r FILE on both servers, failoverdns -r FILE: every
#        answer lists every healthy server, own first.  Nobody is forced
#        anywhere: the clients are where the answers' order sent them.
# Failure kinds of server1 (time 0 = the event):
#   silent       iptables DROP of every packet to and from it, in its
#                namespace: the host gone behind a router that says nothing
#   unreachable  its link goes down behind the router: the router's ARP fails
#                and it sends ICMP host unreachable (about 3 s per attempt)
#   refused      its web service is killed (SIGKILL): the port answers RST,
#                the host and its DNS stay up.  own: nothing tells the DNS
#   webdies      the same, and (own) failoverdns-health on server1 notices and
#                redirects to server2.  In all mode it is refused (the health
#                programs run in every all-mode cell), so not run there
#   maint        `failoverdns-drain [-w WAIT] FILE` (creates server1's drain
#                file, waits TTL + 65 s or WAIT), then its web service is
#                stopped gracefully (SIGTERM), 10 s later started again, then
#                undrained (failoverdns-drain -u)
#   spread       no failure: both up for SPREAD s (--spread, default 60) with
#                server1's DNS and web replies DELAY_MS (150) later (nfqdelay.c,
#                as run.sh's geo): how many requests each server gets
# (the issue-12 "dark" was server1's link going down on the clients' bridge:
# the client's own kernel said "host unreachable" once its ARP failed)
#
# usage: users.sh [--short] [--ttl N] [--modes LIST] [--paths LIST] [--clients LIST]
#                 [--scenarios LIST] [--repeat N] [--ds] [--post N] [--wait N]
#                 [--spread N] [--parallel N] [--out DIR] [--binary PATH]
#                 [--health PATH] [--resolved PATH] [--keep]
#   modes     own all
#   paths     unbound named kresd pdns unbound-stale named-stale resolved dnsmasq
#   clients   curl pycurl gai chromium firefox
#   scenarios silent unreachable refused webdies maint spread
#   --repeat N  run every cell N times (files .2, .3, ...); --from K: number them from K
#   --ds      dual stack: every server has an A and an AAAA (paths named PATH-ds)
#   --post N  watch N s after a failure (default TTL + 90 with a long-lived
#             client or a browser, TTL + 150 for silent with a browser, else TTL + 20)
#   --wait N  maint: seconds between drain and stopping the web service
#             (default TTL + 65, failoverdns-drain's own)
#   --parallel N  run the paths in N labs at once (separate namespaces)
#   --resolved PATH  the systemd-resolved binary (default /lib/systemd/systemd-resolved;
#             when missing, taken out of Debian's package with apt-get download)
#   --short   make check: TTL 10, unbound; own: curl and gai, unreachable and
#             maint with a 15 s wait; all: silent with curl (and chromium if
#             installed); prints pass:/FAIL: lines and "N passed, N failed"
# Results: OUT/raw/tTTL-MODE-PATH-SCENARIO[.K].* (CSV per client, .events,
# .dig, .servers, .health.log), OUT/results.md, OUT/*.svg, OUT/versions.txt.
# Default OUT docs/lab/users (--short: /tmp/failoverdns-users-short).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
TTL=10
MODES="own all"
PATHS="unbound named kresd pdns unbound-stale named-stale resolved dnsmasq"
CLIENTS="curl pycurl gai chromium"
SCENARIOS="silent unreachable refused webdies maint"
WAIT=
POST=
OUT=
BIN=$REPO/failoverdns
HEALTHBIN=$REPO/health/failoverdns-health
RESOLVED=/lib/systemd/systemd-resolved
SHORT=0
PARALLEL=1
CHILD=0
KEEP=0
REPEAT=1
FROM=1
SPREAD=60
NET6=0
usage() { sed -n 's/^# usage: //p; /^#   *\[--/s/^# *//p' "$0" >&2; exit 1; }
while [ $# -gt 0 ]; do
	case $1 in
	--short) SHORT=1; TTL=10; PATHS=unbound; WAIT=15 ;;
	--ttl) TTL=$2; shift ;;
	--modes) MODES=$2; shift ;;
	--paths) PATHS=$2; shift ;;
	--clients) CLIENTS=$2; shift ;;
	--scenarios) SCENARIOS=$2; shift ;;
	--repeat) REPEAT=$2; shift ;;
	--from) FROM=$2; shift ;;      # number the runs from K (more repeats later, --keep)
	--ds) NET6=1 ;;
	--post) POST=$2; shift ;;
	--wait) WAIT=$2; shift ;;
	--spread) SPREAD=$2; shift ;;
	--parallel) PARALLEL=$2; shift ;;
	--out) OUT=$2; shift ;;
	--binary) BIN=$2; shift ;;
	--health) HEALTHBIN=$2; shift ;;
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
DELAY_MS=150            # spread: server1 this much further away (run.sh's geo)
post() {        # post SCENARIO: how long to watch after the event
	[ -n "$POST" ] && { echo "$POST"; return; }
	case " $CLIENTS " in
	*" chromium "*|*" firefox "*) [ "$1" = silent ] && { echo $((TTL + 150)); return; } ;;
	esac
	case " $CLIENTS " in
	*" pycurl "*|*" chromium "*|*" firefox "*) echo $((TTL + 90)) ;;   # their own 60 s caches
	*) echo $((TTL + 20)) ;;
	esac
}
P=fou$(printf %x $$)    # namespace and interface prefix, unique to this run (run.sh: fol)
W=$(mktemp -d /tmp/failoverdns-users.XXXXXX)
PIDS=$W/pids
: >"$PIDS"

SLEEP_PID=
pause() { sleep "$1" & SLEEP_PID=$!; wait $SLEEP_PID; SLEEP_PID=; }
log() { printf "%s users %s: %s\n" "$(date +%T.%N | cut -c1-12)" "$P" "$*" >&2; }
. "$HERE/net.sh"        # the network (behind a router), spawn, killtree, NSD, resolvers

CHILDREN=
cleanup() {
	local pid
	trap - EXIT INT TERM
	[ -n "$SLEEP_PID" ] && kill "$SLEEP_PID" 2>/dev/null
	for pid in $CHILDREN; do kill "$pid" 2>/dev/null; done
	for pid in $CHILDREN; do wait "$pid" 2>/dev/null; done
	net_cleanup
	rm -rf "/etc/netns/${P}cli" "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the network: net.sh's, with the client namespace ---
setup_clients() {
	setup_net cli || return 1
	# the client namespace's libc asks what the DNS path says (ip netns exec
	# bind-mounts /etc/netns/NS/resolv.conf over /etc/resolv.conf)
	mkdir -p "/etc/netns/${P}cli" || return 1
	echo "nameserver $RES" >"/etc/netns/${P}cli/resolv.conf"
	printf '127.0.0.1 localhost\n::1 localhost\n' >"/etc/netns/${P}cli/hosts"
}

# --- the servers: failoverdns (-r: the addresses it serves from a file) and the web ---
SRV_s1= SRV_s2= WEB_s1= WEB_s2= HEALTH_s1= HEALTH_s2= NFQ_PID=
addrs_of() {    # addrs_of s1|s2: its addresses, comma-separated (IPv6 too in dual-stack cells)
	local a=$S1 a6=$S16
	[ "$1" = s2 ] && a=$S2 a6=$S26
	[ "$NET6" = 1 ] && a="$a,$a6"
	echo "$a"
}
start_web() {   # start_web s1|s2
	local s=$1 addr=$S1 name=server1 v
	[ "$s" = s2 ] && addr=$S2 name=server2
	v=$(spawn "$s" "$W/$s/web.log" "$PY" "$HERE/users-web.py" "$(addrs_of "$s")" 80 "$name" 3600)
	eval "WEB_$s=$v"
	for _ in $(seq 40); do
		ip netns exec "$P$s" bash -c "exec 3<>/dev/tcp/$addr/80" 2>/dev/null && return 0
		sleep 0.1
	done
	log "$name: web service does not listen"
	return 1
}
start_server() {        # start_server s1|s2 MODE
	local s=$1 addr=$S1 name=server1 d=$W/$1 v
	[ "$s" = s2 ] && addr=$S2 name=server2
	mkdir -p "$d"
	rm -f "$d/down" "$d/redirect"
	# own mode: until the event server2 redirects to server1 (failoverdns -r):
	# everyone on server1.  all mode: failoverdns-health writes both files.
	[ "$s" = s2 ] && [ "$2" = own ] && echo "$(addrs_of s1)" | tr , '\n' >"$d/redirect"
	: >"$d/dns.log"
	start_web "$s" || return 1
	v=$(spawn "$s" "$d/dns.log" udpsvd -l "$name" "$addr" 53 "$BIN" -v -t "$TTL" \
		-d "$d/down" -r "$d/redirect" -n server1.lab -n server2.lab www.example.com \
		$(addrs_of "$s" | tr , ' '))
	eval "SRV_$s=$v"
	wait_answer res "$addr" www.example.com.
}
H_I=1 H_T=1 H_F=2 H_U=2         # failoverdns-health -i -t -f -u (its defaults, written out)
BOUND=$((H_F * (H_I > H_T ? H_I : H_T) + H_T))  # detection bound: fall x max(interval, timeout) + timeout
start_health() {        # start_health s1|s2 own|all: failoverdns-health beside failoverdns
	local s=$1 peer=s2 own=$S1 paddr=$S2 v
	[ "$s" = s2 ] && peer=s1 own=$S2 paddr=$S1
	local a=
	[ "$2" = all ] && a="-a $(addrs_of "$s")"
	# each log line after the time it was read (users-report.py: detection delays)
	v=$(spawn "$s" "$W/$s/health.log" env TMPDIR="$W/$s" bash -c '"$@" 2>&1 |
		while IFS= read -r l; do printf "%s %s\n" "$(date +%s.%N)" "$l"; done' - \
		sh "$HEALTHBIN" $a -v -i $H_I -t $H_T -f $H_F -u $H_U -r "$W/$s/redirect" \
		-c "http://$own/" -p "$(addrs_of $peer)=http://$paddr/")
	eval "HEALTH_$s=$v"
}
wait_health() { # wait_health: until every running failoverdns-health wrote its first decision (~15 s)
	local s ok
	for _ in $(seq 60); do
		ok=1
		for s in s1 s2; do
			v=HEALTH_$s
			[ -n "${!v}" ] || continue
			grep -qE 'answering with|redirecting to|every|own' "$W/$s/health.log" 2>/dev/null || ok=0
		done
		[ $ok = 1 ] && return 0
		sleep 0.25
	done
	log "failoverdns-health made no decision: $(tail -n 2 "$W"/s*/health.log | tr '\n' ' ')"
	return 1
}
FW=iptables-legacy FW6=ip6tables-legacy  # as run.sh's geo (nf_tables has no queue here)
start_delay() { # server1's DNS and web replies DELAY_MS later (run.sh's geo, nfqdelay.c)
	ip netns exec "${P}s1" $FW -A OUTPUT -p udp --sport 53 -j NFQUEUE --queue-num 7 &&
		ip netns exec "${P}s1" $FW -A OUTPUT -p tcp --sport 80 -j NFQUEUE --queue-num 7 || return 1
	NFQ_PID=$(spawn s1 "$W/nfq.log" "$W/nfqdelay" 7 $DELAY_MS 3600)
}
silence() {     # silence s1: every packet to and from it dropped (a host gone behind a router that says nothing)
	ip netns exec "${P}$1" $FW -I INPUT -i eth0 -j DROP &&
		ip netns exec "${P}$1" $FW -I OUTPUT -o eth0 -j DROP || return 1
	if [ "$NET6" = 1 ]; then
		ip netns exec "${P}$1" $FW6 -I INPUT -i eth0 -j DROP &&
			ip netns exec "${P}$1" $FW6 -I OUTPUT -o eth0 -j DROP || return 1
	fi
}
stop_servers() {
	local s v
	for s in s1 s2; do
		for v in HEALTH_$s SRV_$s WEB_$s; do
			[ -n "${!v}" ] && killtree "${!v}"
			eval "$v="
		done
		ip netns exec "$P$s" $FW -F INPUT 2>/dev/null
		ip netns exec "$P$s" $FW -F OUTPUT 2>/dev/null
		[ "$NET6" = 1 ] && ip netns exec "$P$s" $FW6 -F INPUT 2>/dev/null
		[ "$NET6" = 1 ] && ip netns exec "$P$s" $FW6 -F OUTPUT 2>/dev/null
		link_up $s
	done
	[ -n "$NFQ_PID" ] && killtree "$NFQ_PID"
	NFQ_PID=
}

# --- the DNS path: a resolver (net.sh), a stub in front of it or not ---
STUB_PID=
start_path() {          # start_path PATH: resolver, stub, the client's resolv.conf
	local p=$1 ns=$RES
	case $p in
	unbound|named|kresd|pdns) start_resolver "$p" || return 1 ;;
	unbound-stale|named-stale) start_resolver "${p%-stale}" stale || return 1 ;;
	dnsmasq)        # the home router: Debian's dnsmasq, defaults, forwarding to the ISP's Unbound
		start_resolver unbound || return 1
		STUB_PID=$(spawn res "$W/res-unbound/dnsmasq.log" dnsmasq -k -C /dev/null -u root \
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
dig_log() {     # dig_log FILE: once a second: time, then the A records (address/TTL) that
	# the path's entry point, the resolver and server2 (asked directly) give, and
	# the entry point's AAAA records; "-" ends each list
	local ns
	ns=$(sed -n 's/^nameserver //p' "/etc/netns/${P}cli/resolv.conf")
	DIG_PID=$(spawn cli "$1" bash -c 'a() { dig +tries=1 +time=1 +noall +answer "$@" |
			awk "\$4 == \"A\" || \$4 == \"AAAA\" { printf \"%s/%s \", \$5, \$2 }"; }
		for _ in $(seq 3600); do
		printf "%s %s- %s- %s- %s-\n" "$(date +%s.%N)" "$(a @"$0" www.example.com A)" \
			"$(a @"$1" www.example.com A)" "$(a +norecurse @"$2" www.example.com A)" \
			"$(a @"$0" www.example.com AAAA)"
		sleep 1; done' "$ns" "$RES" "$S2")
}

# --- the clients ---
page_server() {  # page_server CLIENT PORT CSV: the page that drives a browser, listening in cli
	local pid
	pid=$(spawn cli "$W/browser.log" "$PY" "$HERE/users-browser.py" $2 "$3" 3600)
	eval "CP_$1=\"\$CP_$1 $pid\""
	for _ in $(seq 40); do
		ip netns exec "${P}cli" bash -c "exec 3<>/dev/tcp/127.0.0.1/$2" 2>/dev/null && break
		sleep 0.1
	done
}
CPIDS=
start_client() {        # start_client CLIENT CSVPREFIX: its PIDs in CP_CLIENT
	local c=$1 pid
	set -- "$2"
	eval "CP_$c="
	case $c in
		chromium)
			page_server $c 8080 "$1.chromium.csv"
			rm -rf "$W/chromium-profile"
			pid=$(spawn cli "$W/chromium.log" chromium --headless --no-sandbox --disable-gpu \
				--disable-quic --no-first-run --disable-background-networking \
				--disable-component-update --disable-sync --user-data-dir="$W/chromium-profile" \
				"http://127.0.0.1:8080/?url=http://www.example.com/&pause=$PAUSE_MS&timeout=$((CTIMEOUT * 1000))")
			eval "CP_$c=\"\$CP_$c $pid\"" ;;
		firefox)        # Firefox ESR headless, the same page on another port
			page_server $c 8081 "$1.firefox.csv"
			rm -rf "$W/firefox-profile"
			mkdir -p "$W/firefox-profile"
			# a fresh profile: no DNS over HTTPS, nothing phoning home
			# (the lab has no route out anyway); name resolution as shipped
			printf 'user_pref("%s", %s);\n' network.trr.mode 5 app.update.enabled false \
				browser.shell.checkDefaultBrowser false toolkit.telemetry.enabled false \
				datareporting.policy.dataSubmissionEnabled false \
				network.captive-portal-service.enabled false network.connectivity-service.enabled false \
				browser.safebrowsing.update.enabled false extensions.update.enabled false \
				>"$W/firefox-profile/user.js"
			pid=$(spawn cli "$W/firefox.log" env HOME="$W/firefox-profile" MOZ_HEADLESS=1 \
				firefox-esr --headless --no-remote --profile "$W/firefox-profile" \
				"http://127.0.0.1:8081/?url=http://www.example.com/&pause=$PAUSE_MS&timeout=$((CTIMEOUT * 1000))")
			eval "CP_$c=\"\$CP_$c $pid\"" ;;
		curl|pycurl|gai)
			pid=$(spawn cli "$W/client.log" "$PY" "$HERE/users-client.py" "$c" \
				http://www.example.com/ "$PAUSE" "$CTIMEOUT" 3600 "$1.$c.csv")
			eval "CP_$c=\"\$CP_$c $pid\"" ;;
		*) log "no client $c"; return 1 ;;
		esac
	eval "CPIDS=\"\$CPIDS \$CP_$c\""
}
start_clients() {       # start_clients CSVPREFIX
	local c
	CPIDS=
	for c in $CLIENTS; do
		start_client "$c" "$1" || return 1
	done
}
killdesc() {    # killdesc PID: the process and all its descendants (a browser's), if ours
	local k
	for k in $(children "$1"); do killdesc "$k"; done
	mine "$1" && kill -9 "$1" 2>/dev/null
	return 0
}
settle() {      # settle CSVPREFIX: all mode: a long-lived client (one connection, kept)
	# that is on server2 is started again, until it is on server1 (at most 8 times),
	# so that the event hits it: the answers' order (and Unbound's rotation) is chance
	local c n try last pid
	for c in $CLIENTS; do
		case $c in pycurl|chromium|firefox) ;; *) continue ;; esac
		for try in $(seq 8); do
			last=$(grep ',1,server' "$1.$c.csv" 2>/dev/null | tail -n 1 | cut -d, -f4)
			[ "$last" = server1 ] && break
			log "  $c is on ${last:-nothing}: started again ($try)"
			eval "pids=\$CP_$c"
			for pid in $pids; do killdesc "$pid"; done
			echo "restart_$c $(date +%s.%N)" >>"$EV"
			start_client "$c" "$1" || return 1
			n=$(grep -c ',1,server' "$1.$c.csv" 2>/dev/null)
			for _ in $(seq 120); do         # 3 more successes (at most 60 s)
				[ "$(grep -c ',1,server' "$1.$c.csv" 2>/dev/null)" -ge $((n + 3)) ] && break
				sleep 0.5
			done
		done
		[ "$last" = server1 ] || { log "$c never on server1"; echo "unsettled $c" >>"$EV"; }
	done
	return 0
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
run_one() {     # run_one MODE PATH SCENARIO K: the K-th run of this cell
	local mode=$1 p=$2 sc=$3 k=$4 base s
	base=$OUT/raw/t$TTL-$mode-$p$([ "$NET6" = 1 ] && echo -ds)-$sc
	[ "$k" = 1 ] || base=$base.$k
	EV=$base.events
	rm -f "$base".*
	: >"$EV"
	log "TTL $TTL / $mode / $p$([ "$NET6" = 1 ] && echo " dual-stack") / $sc #$k"
	echo "ttl $TTL" >>"$EV"
	echo "mode $mode" >>"$EV"
	echo "clients $CLIENTS" >>"$EV"
	echo "bound $BOUND" >>"$EV"
	echo "net6 $NET6" >>"$EV"
	echo "addrs $S1 $S2 $S16 $S26" >>"$EV"
	[ "$sc" = maint ] && echo "wait $WAIT" >>"$EV"
	if [ "$sc" = spread ]; then
		start_delay || return 1
		echo "delay $DELAY_MS" >>"$EV"
	fi
	start_server s1 "$mode" && start_server s2 "$mode" || return 1
	[ "$sc" = spread ] && rm -f "$W/s2/redirect"    # no one sent anywhere
	if [ "$mode" = all ]; then      # every server lists every healthy one
		start_health s1 all && start_health s2 all || return 1
	elif [ "$sc" = webdies ]; then  # own: server1 redirects when its web dies
		start_health s1 own || return 1
	fi
	wait_health || return 1
	start_path "$p" || return 1
	start_clients "$base" || return 1
	dig_log "$base.dig"
	event start
	echo "load $(cut -d' ' -f1 /proc/loadavg)" >>"$EV"
	pause $WARM
	warm "$base" || return 1
	[ "$mode" = all ] && [ "$sc" != spread ] && { settle "$base" || return 1; }
	if [ "$sc" = spread ]; then     # both up, server1 DELAY_MS further away: who gets what
		event spread
		pause "$SPREAD"
	else
		wait_fresh
		[ "$mode" = own ] && rm -f "$W/s2/redirect"     # server2 answers with its own address again
		case $sc in
		silent) event silent; silence s1 || return 1 ;;
		unreachable) event unreachable; link_down s1 ;;
		refused|webdies) event "$sc"; killtree "$WEB_s1" KILL; WEB_s1= ;;
		esac
		case $sc in
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
		*) pause "$(post "$sc")" ;;
		esac
	fi
	event end
	echo "load $(cut -d' ' -f1 /proc/loadavg)" >>"$EV"
	stop_clients
	stop_path "$base"
	for s in s1 s2; do
		[ -f "$W/$s/health.log" ] && sed "s/^/$s /" "$W/$s/health.log"
		rm -f "$W/$s/health.log"
	done >"$base.health.log"
	[ -s "$base.health.log" ] || rm -f "$base.health.log"
	for s in chromium firefox; do
		cp "$W/$s.log" "$base.$s.log" 2>/dev/null
		rm -f "$W/$s.log"
	done
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
	echo "health: health/failoverdns-health of commit $(git -C "$REPO" log -1 --format=%h -- health/failoverdns-health 2>/dev/null)$(git -C "$REPO" diff --quiet HEAD -- health/failoverdns-health 2>/dev/null || echo ", modified"), -i $H_I -t $H_T -f $H_F -u $H_U (detection bound ${BOUND} s); all mode: -a on both servers; own mode: on server1 in webdies only"
	echo "drain: health/failoverdns-drain of commit $(git -C "$REPO" log -1 --format=%h -- health/failoverdns-drain 2>/dev/null) (maint only)"
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (others' tests share this machine)"
	echo "web: tests/lab/users-web.py (HTTP/1.1 keep-alive, 75 s idle timeout, graceful SIGTERM)"
	echo "curl: $(curl --version | head -n1)"
	echo "pycurl: $("$PY" -c 'import pycurl; print(pycurl.version)' 2>/dev/null) (python3-pycurl $(dpkg-query -W -f '${Version}' python3-pycurl 2>/dev/null))"
	echo "python: $("$PY" --version 2>&1)"
	echo "chromium: $(chromium --version 2>/dev/null) (Debian $(dpkg-query -W -f '${Version}' chromium 2>/dev/null))"
	echo "firefox: $(dpkg-query -W -f '${Version}' firefox-esr 2>/dev/null) (Debian firefox-esr)"
	echo "network: net.sh, servers behind a router namespace; $([ "$NET6" = 1 ] && echo "dual stack (A and AAAA)" || echo "IPv4 only")"
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
case " $MODES " in *" all "*)
	"$HEALTHBIN" 2>&1 | grep -q -- '-a addresses' ||
		{ echo "users.sh: $HEALTHBIN has no -a (all mode)" >&2; exit 1; } ;;
esac
if [ "$CHILD" = 0 ] && ! [ -x "$RESOLVED" ] && case " $PATHS " in *" resolved "*) true ;; *) false ;; esac; then
	# Debian's package would replace this machine's /etc/resolv.conf with its
	# own stub: take the binary out of the package instead of installing it
	mkdir -p "$W/deb" && (cd "$W/deb" && apt-get download systemd-resolved >/dev/null 2>&1 &&
		dpkg-deb -x systemd-resolved_*.deb .) && RESOLVED=$W/deb/lib/systemd/systemd-resolved
fi
case " $SCENARIOS " in *" spread "*)
	cc -O2 -Wall -o "$W/nfqdelay" "$HERE/nfqdelay.c" -lnetfilter_queue ||
		{ echo "users.sh: cannot build nfqdelay" >&2; exit 1; } ;;
esac
if [ "$CHILD" = 0 ]; then
	mkdir -p "$OUT/raw" || exit 1
	[ "$KEEP" = 1 ] || rm -f "$OUT"/raw/*
	cp "$BIN" "$W/failoverdns" && BIN=$W/failoverdns
	cp "$HEALTHBIN" "$W/failoverdns-health" && HEALTHBIN=$W/failoverdns-health
	[ "$KEEP" = 1 ] || : >"$OUT/versions.txt"
	versions >>"$OUT/versions.txt"
	if [ "$PARALLEL" -gt 1 ]; then  # one lab per path, at most PARALLEL at once
		status=0
		set -- $PATHS
		while [ $# -gt 0 ]; do
			CHILDREN=
			for _ in $(seq "$PARALLEL"); do
				[ $# -gt 0 ] || break
				bash "$0" --child --ttl "$TTL" --modes "$MODES" --paths "$1" --clients "$CLIENTS" \
					--scenarios "$SCENARIOS" --repeat "$REPEAT" --from "$FROM" --wait "$WAIT" --spread "$SPREAD" \
					${POST:+--post "$POST"} $([ "$NET6" = 1 ] && echo --ds) --out "$OUT" \
					--binary "$BIN" --health "$HEALTHBIN" --resolved "$RESOLVED" &
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
cells() {       # MODE:SCENARIO:CLIENTS lines, one a cell (--short: the make check ones)
	local m sc
	if [ "$SHORT" = 1 ]; then
		echo "own:unreachable:curl gai"
		echo "own:maint:curl gai"
		if command -v chromium >/dev/null 2>&1; then
			echo "all:silent:curl chromium"
		else
			echo "all:silent:curl"
		fi
		return
	fi
	for m in $MODES; do
		for sc in $SCENARIOS; do
			[ "$m" = all ] && [ "$sc" = webdies ] && continue   # = refused there
			echo "$m:$sc:$ALLCLIENTS"
		done
	done
}
if [ -n "$PATHS" ]; then
	setup_clients || { log "network setup failed"; exit 1; }
	setup_dns "$TTL" || { log "DNS setup failed"; exit 1; }
	[ "$SHORT" = 1 ] && POST=$((TTL + 20))
	ALLCLIENTS=$CLIENTS     # each cell sets CLIENTS (--short: its own)
	for k in $(seq "$FROM" $((FROM + REPEAT - 1))); do
		for p in $PATHS; do
			if [ "$p" = resolved ] && ! [ -x "$RESOLVED" ]; then
				log "no $RESOLVED: path resolved not run"
				echo "resolved: no $RESOLVED" >>"$OUT/raw/t$TTL-resolved.notrun"
				continue
			fi
			while IFS=: read -r m sc cl; do
				CLIENTS=$cl
				run_one "$m" "$p" "$sc" "$k" </dev/null || { log "$m / $p / $sc: setup failed"; echo "setup-failed $(date +%s)" >>"$EV"; stop_clients; stop_path "${EV%.events}"; stop_servers; status=1; }
			done < <(cells)
		done
	done
fi
[ "$CHILD" = 1 ] && exit $status
check=
[ "$SHORT" = 1 ] && check=--check
"$PY" "$HERE/users-report.py" $check "$OUT" || status=1
log "results: $OUT/results.md"
exit $status
