#!/bin/sh
# tests/amplification.sh: reply bytes / query bytes over UDP, failoverdns
# next to NSD serving the same zone.
#
# For every query type we know (A, AAAA, NS, SOA, ANY, MX, TXT, a name
# below the zone, a name outside it), without EDNS and with EDNS (buffer
# 4096, no cookie: what an attacker would send), dig asks over UDP only
# (+notcp +ignore: a truncated reply is measured as sent).  failoverdns runs
# under systemd-socket-activate --datagram; NSD twice, with its defaults and
# with minimal-responses: yes; all on 127.0.0.1, high ports, RRL off.
# Fails if failoverdns's worst ratio exceeds NSD's (defaults); NSD with
# minimal responses is shown for comparison.
#
# Prints the table and pass:/FAIL:/skip: lines; exits 0 iff nothing failed.
# FAILOVERDNS picks the binary (default ./failoverdns).
# Needs: dig (bind9-dnsutils), nsd, systemd (systemd-socket-activate).

set -u
cd "$(dirname "$0")/.." || exit 2
FDNS=${FAILOVERDNS:-./failoverdns}
case $FDNS in
/*)	;;
*)	FDNS=$(pwd)/$FDNS ;;
esac
ZONE=www.example.com
NSD=$(command -v nsd || echo /usr/sbin/nsd)
nfail=0
pids=
tmp=$(mktemp -d "${TMPDIR:-/tmp}/failoverdns-amp.XXXXXX") || exit 2
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	for p in $pids; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

pass() { echo "pass: $1"; }
fail() { echo "FAIL: $1: $2"; nfail=$((nfail + 1)); }
skip() { echo "skip: $1: $2"; }
have() { command -v "$1" >/dev/null 2>&1; }

for t in dig systemd-socket-activate; do
	if ! have $t; then
		skip amplification "$t not installed"
		exit 0
	fi
done
if [ ! -x "$NSD" ]; then
	skip amplification "nsd not installed"
	exit 0
fi
if [ ! -x "$FDNS" ]; then
	fail amplification "no $FDNS (run make)"
	exit 1
fi

# free_port: sets port to a UDP port on 127.0.0.1 nobody listens on, above
# the last one handed out (bounded search; no subshell, so that base moves).
base=$((20000 + $$ % 20000))
free_port() {
	i=0
	while [ $i -lt 50 ]; do
		base=$((base + 1))
		if ! ss -Hlun "sport = :$base" 2>/dev/null | grep -q .; then
			port=$base
			return 0
		fi
		i=$((i + 1))
	done
	return 1
}

# dig_sizes PORT NAME TYPE EDNS: prints "QUERYBYTES REPLYBYTES" or "- -".
dig_sizes() {
	if [ "$4" = edns ]; then
		e="+edns=0 +bufsize=4096 +nocookie"
	else
		e="+noedns"
	fi
	dig -p "$1" @127.0.0.1 +tries=1 +time=2 +notcp +ignore +qr $e \
	    "$2" "$3" 2>&1 | awk '
	    /^;; QUERY SIZE:/ { q = $4 }
	    /^;; MSG SIZE/ { r = $5 }
	    END { if (q != "" && r != "") print q, r; else print "- -" }'
}

# wait_up PORT: until the server answers, at most 5 s.
wait_up() {
	i=0
	while [ $i -lt 50 ]; do
		set -- "$1" $(dig_sizes "$1" $ZONE SOA noedns)
		[ "$2" != - ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# --- failoverdns
free_port || { fail amplification "no free port"; exit 1; }
pf=$port
systemd-socket-activate --datagram -l "127.0.0.1:$pf" "$FDNS" -i 600 \
    -n server1.com. -n server2.com. $ZONE 198.51.100.1 2001:db8::1 \
    >"$tmp/fdns.log" 2>&1 &
pids="$pids $!"

# --- NSD, defaults and minimal-responses
cat >"$tmp/$ZONE.zone" <<EOF
\$ORIGIN $ZONE.
\$TTL 60
@	IN SOA server1.com. hostmaster.$ZONE. 1 86400 7200 1209600 60
@	IN NS server1.com.
@	IN NS server2.com.
@	IN A 198.51.100.1
@	IN AAAA 2001:db8::1
EOF
start_nsd() {	# NAME PORT EXTRA
	mkdir -p "$tmp/$1"
	cat >"$tmp/$1/nsd.conf" <<EOF
server:
  ip-address: 127.0.0.1@$2
  port: $2
  server-count: 1
  reuseport: no
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "$tmp"
  database: ""
  zonelistfile: "$tmp/$1/zone.list"
  xfrdfile: "$tmp/$1/xfrd.state"
  pidfile: "$tmp/$1/nsd.pid"
  logfile: "$tmp/$1/nsd.log"
  rrl-ratelimit: 0
  verbosity: 0
$3
remote-control:
  control-enable: no
zone:
  name: $ZONE
  zonefile: $ZONE.zone
EOF
	"$NSD" -d -c "$tmp/$1/nsd.conf" >"$tmp/$1/out" 2>&1 &
	pids="$pids $!"
}
free_port || { fail amplification "no free port"; exit 1; }
pn=$port
start_nsd nsd "$pn" ""
free_port || { fail amplification "no free port"; exit 1; }
pm=$port
start_nsd nsdmin "$pm" "  minimal-responses: yes"

# Each port must answer, and be the server we think: NSD tells its version
# (CH TXT version.bind), failoverdns refuses class CH.
up=1
for s in "failoverdns $pf" "nsd $pn" "nsd-minimal $pm"; do
	set -- $s
	if ! wait_up "$2"; then
		fail "amplification-$1-up" "no answer on 127.0.0.1:$2"
		up=0
		continue
	fi
	v=$(dig -p "$2" @127.0.0.1 +tries=1 +time=2 +short CH TXT \
	    version.bind 2>/dev/null)
	case $v in
	*NSD*)	is_nsd=1 ;;
	*)	is_nsd=0 ;;
	esac
	case $1 in
	failoverdns)	want=0 ;;
	*)		want=1 ;;
	esac
	if [ $is_nsd != $want ]; then
		fail "amplification-$1-up" \
		    "127.0.0.1:$2 is not $1 (version.bind: ${v:-none})"
		up=0
	fi
done
if [ $up = 0 ]; then
	cat "$tmp/fdns.log" "$tmp"/nsd*/out "$tmp"/nsd*/nsd.log 2>/dev/null |
	    sed 's/^/  | /' | head -20
fi
[ $up = 1 ] || exit 1

# --- measure
printf '%-26s %-6s %5s | %-19s | %-19s | %-19s\n' query edns qbytes \
    "failoverdns  ratio" "nsd  ratio" "nsd-minimal  ratio"
echo "----------------------------------------------------------------------------------------------------"
worst_f=0 worst_n=0 worst_m=0 wf= wn= wm=
noreply=
for edns in noedns edns; do
	for row in "$ZONE A" "$ZONE AAAA" "$ZONE NS" "$ZONE SOA" \
	    "$ZONE ANY" "$ZONE MX" "$ZONE TXT" "nope.$ZONE A" \
	    "a.b.c.$ZONE TXT" "example.org A" "$ZONE CAA"; do
		set -- $row
		name=$1 type=$2
		set -- $(dig_sizes "$pf" "$name" "$type" $edns) \
		    $(dig_sizes "$pn" "$name" "$type" $edns) \
		    $(dig_sizes "$pm" "$name" "$type" $edns)
		q=$1 rf=$2 rn=$4 rm=$6
		for r in "failoverdns $rf" "nsd $rn" "nsd-minimal $rm"; do
			case $r in *" -") noreply="$noreply ${r% -}:$type/$edns" ;;
			esac
		done
		[ "$q" = - ] && continue
		ratio() { [ "$1" = - ] && echo - ||
		    awk -v r="$1" -v q="$q" 'BEGIN { printf "%.2f", r / q }'; }
		xf=$(ratio "$rf") xn=$(ratio "$rn") xm=$(ratio "$rm")
		printf '%-26s %-6s %5s | %5s %13s | %5s %13s | %5s %13s\n' \
		    "$type $name" $edns "$q" "$rf" "$xf" "$rn" "$xn" "$rm" "$xm"
		if [ "$xf" != - ] && awk -v a="$xf" -v b="$worst_f" 'BEGIN { exit !(a > b) }'; then
			worst_f=$xf wf="$type $name $edns"
		fi
		if [ "$xn" != - ] && awk -v a="$xn" -v b="$worst_n" 'BEGIN { exit !(a > b) }'; then
			worst_n=$xn wn="$type $name $edns"
		fi
		if [ "$xm" != - ] && awk -v a="$xm" -v b="$worst_m" 'BEGIN { exit !(a > b) }'; then
			worst_m=$xm wm="$type $name $edns"
		fi
	done
done
echo "worst: failoverdns $worst_f ($wf), nsd $worst_n ($wn), nsd-minimal $worst_m ($wm)"

if [ -n "$noreply" ]; then
	fail amplification-all-answered "no reply:$noreply"
else
	pass amplification-all-answered
fi
if awk -v a="$worst_f" -v b="$worst_n" 'BEGIN { exit !(a <= b && a > 0) }'; then
	pass "amplification-worst-case (failoverdns $worst_f <= nsd $worst_n)"
else
	fail amplification-worst-case "failoverdns $worst_f ($wf) > nsd $worst_n ($wn)"
fi
# Shown, not failed: NSD's minimal-responses is not its default.
if awk -v a="$worst_f" -v b="$worst_m" 'BEGIN { exit !(a > b) }'; then
	echo "note: failoverdns's worst ratio $worst_f is above NSD with" \
	    "minimal-responses ($worst_m, $wm)"
fi
[ $nfail -eq 0 ]
