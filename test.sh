#!/bin/sh
# test.sh: the failoverdns test suite.
#
# Real clients (dig, kdig) ask; real supervisors (systemd-socket-activate,
# openbsd-inetd) start the program; malformed input goes through the pipe
# mode as printf octal escapes and comes back through od.  Only 127.0.0.0/8
# and ::1 on high ports are used.  Runs as root or as a normal user.
#
#   sh test.sh                        run every test, then the suites
#   FAILOVERDNS=./x sh test.sh        test another build (sanitizers...)
#   TESTS='t_a t_b' sh test.sh        run only these tests
#   SUITES=none sh test.sh            skip the extra suites (default tests/*.sh
#                                     but check.sh and deps.sh, which are not
#                                     suites: check.sh runs `make check`)
#
# A test.sh started by a suite (a sanitizer build, say) runs no suites
# itself: FAILOVERDNS_TEST_NESTED, exported to the suites, says so.
#
# Each test prints `pass: NAME` or `FAIL: NAME: reason`; the last line is
# `N passed, N failed`, and the exit status is 0 only if nothing failed.

# Deliberate, so not reported: word splitting of $ARGS and the like (set -f
# is on), printf formats built from octal escapes, and `A && pass || fail`
# (pass always succeeds).
# shellcheck disable=SC2015,SC2046,SC2059,SC2086

set -u
set -f

FDNS=${FAILOVERDNS:-./failoverdns}
case $FDNS in
/*)	;;
*)	FDNS=$(pwd)/$FDNS ;;
esac
cd "$(dirname "$0")" || exit 2
self=$(pwd)/$(basename "$0")

ZONE=www.example.com
V4=198.51.100.1
V6=2001:db8::1
NS1=ns1.example.com.
NS2=ns2.example.net.
SOA="$ZONE. 60 IN SOA $NS1 hostmaster.$ZONE. 1 86400 7200 1209600 60"
ARGS="-n $NS1 -n $NS2 $ZONE $V4 $V6"

npass=0
nfail=0
pids=
tmp=$(mktemp -d "${TMPDIR:-/tmp}/failoverdns-test.XXXXXX") || exit 2
pidfile_saved=

# Stops what we started: each PID only while it is still our child (a PID
# that has been reaped may belong to someone else by now), and its children
# (systemd-socket-activate --accept's connections).
cleanup() {
	for p in $pids; do
		[ "$(ps -o ppid= -p "$p" 2>/dev/null | tr -d ' ')" = "$$" ] ||
		    continue
		pkill -P "$p" 2>/dev/null
		kill "$p" 2>/dev/null
	done
	if [ -n "$pidfile_saved" ]; then
		gone "$inetd_pid" 3
		cp "$tmp/inetd.pid.saved" /run/inetd.pid 2>/dev/null
	fi
	rm -rf "$tmp"
	[ -n "${pub:-}" ] && rm -rf "$pub"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- verdicts

pass() {
	echo "pass: $cur"
	npass=$((npass + 1))
	verdict=1
}

fail() {
	case ${1:-${why:-}} in
	"missing tool: "*)
		# Skipped where a package is missing; under .ci/run, which
		# installs every package, that is a bug: a failure.
		if [ -z "${FAILOVERDNS_CI:-}" ]; then
			echo "skip: $cur: ${1:-$why}"
			nskip=$((nskip + 1))
			verdict=1
			return
		fi ;;
	esac
	echo "FAIL: $cur: ${1:-${why:-no reason given}}"
	nfail=$((nfail + 1))
	verdict=1
}

# need TOOL...: a missing tool makes the current test a skip (a failure
# under .ci/run: see fail).
need() {
	for t; do
		command -v "$t" >/dev/null 2>&1 && continue
		why="missing tool: $t"
		return 1
	done
}

# ---------------------------------------------------------------- servers

# Ports come from 20000-39999, starting at a place chosen by our PID, and
# are checked free for both UDP and TCP.
port_next=$((20000 + ($$ * 37) % 19000))
free_port() {
	i=0
	while [ $i -lt 500 ]; do
		port_next=$((port_next + 1))
		[ $port_next -ge 40000 ] && port_next=20000
		i=$((i + 1))
		if command -v ss >/dev/null 2>&1 &&
		    [ -n "$(ss -Htuan "sport = :$port_next" 2>/dev/null)" ]; then
			continue
		fi
		port=$port_next
		return 0
	done
	echo "no free port" >&2
	exit 2
}

# wait_bound PROTO PORT PID: wait (at most 5 s) until PID listens there;
# false at once if PID is gone (the port was taken after all).
wait_bound() {
	i=0
	while [ $i -lt 50 ]; do
		case $1 in
		udp)	s=$(ss -Hlnup "sport = :$2" 2>/dev/null) ;;
		*)	s=$(ss -Hlntp "sport = :$2" 2>/dev/null) ;;
		esac
		case $s in
		*"pid=$3,"*) return 0 ;;
		esac
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# serve MODE ADDR... -- FAILOVERDNS-ARGS: start the program under
# systemd-socket-activate on $port, one socket per ADDR.  MODE is udp
# (--datagram), tcp (--accept), fd0udp or fd0tcp (the same with --inetd:
# the socket on fd 0 and 1) or listen (a listening stream socket).
# Sets pid (of systemd-socket-activate, which execs the program in the
# datagram and listen modes) and log (its stderr and the program's).
serve() {
	mode=$1
	shift
	need systemd-socket-activate ss || return 1
	addrs=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		addrs="$addrs $1"
		shift
	done
	shift
	case $mode in
	udp)	opt=--datagram proto=udp ;;
	tcp)	opt=--accept proto=tcp ;;
	fd0udp)	opt="--inetd --datagram" proto=udp ;;
	fd0tcp)	opt="--inetd --accept" proto=tcp ;;
	*)	opt='' proto=tcp ;;
	esac
	# Another program may take the port between free_port and the bind:
	# then try the next free one, three times at most.
	try=0
	while [ $try -lt 3 ]; do
		try=$((try + 1))
		listen=
		for a in $addrs; do
			listen="$listen -l $a:$port"
		done
		log=$tmp/log.$port.$mode
		# set -f is on: the brackets of [::1] stay as they are.
		systemd-socket-activate $opt $listen "$FDNS" "$@" \
		    >"$log" 2>&1 </dev/null &
		pid=$!
		pids="$pids $pid"
		wait_bound $proto $port $pid && return 0
		kill -0 $pid 2>/dev/null && break
		free_port
	done
	why="nothing listens on $proto $port: $(tr '\n' '|' <"$log")"
	return 1
}

# A long-lived server on 127.0.0.1 and ::1 (two datagram sockets, served
# together), and one for TCP.  Restarted if a test killed it.
udp_pid=
udp_port=
main_udp() {
	if [ -z "$udp_pid" ] || ! kill -0 "$udp_pid" 2>/dev/null; then
		free_port
		serve udp 127.0.0.1 '[::1]' -- -i 300 $ARGS || return 1
		udp_pid=$pid udp_port=$port
	fi
	port=$udp_port
}

tcp_pid=
tcp_port=
main_tcp() {
	if [ -z "$tcp_pid" ] || ! kill -0 "$tcp_pid" 2>/dev/null; then
		free_port
		serve tcp 127.0.0.1 '[::1]' -- -i 2 $ARGS || return 1
		tcp_pid=$pid tcp_port=$port
	fi
	port=$tcp_port
}

# Servers with many long NS names, so that the NS answer needs a bit more
# than 512 bytes (7 names of 62 bytes: 551 in all, 562 with an OPT), more
# (10: 773), or more than 1232 (16 names of 116 bytes: 2081).  Each name ends in its own label, so no compression
# can shrink the answer.
many_ns() {
	pad=a-long-nameserver-label-padding-the-answer-out-abcdef
	[ "${2:-}" = long ] && pad=$pad.$pad
	r=
	i=1
	while [ $i -le "$1" ]; do
		r="$r -n $pad.ns.t$((i + 10))."
		i=$((i + 1))
	done
	echo "$r"
}

# ns_server KEY N [long]: start (once per KEY) a UDP and a TCP server on
# one port with N such names, so that dig can retry over TCP.
ns_server() {
	eval "p=\${nsport_$1:-} q=\${nspid_$1:-}"
	if [ -z "$q" ] || ! kill -0 "$q" 2>/dev/null; then
		free_port
		serve udp 127.0.0.1 -- -i 300 $(many_ns "$2" "${3:-}") \
		    $ZONE $V4 $V6 || return 1
		eval "nspid_$1=\$pid nsport_$1=\$port"
		serve tcp 127.0.0.1 -- $(many_ns "$2" "${3:-}") $ZONE $V4 $V6 ||
		    return 1
		p=$port
	fi
	port=$p
}

mid_udp() {
	ns_server mid 7
}

big_udp() {
	ns_server big 10
}

huge_udp() {
	ns_server huge 16 long
}

# gone PID SECONDS: true if PID exits within SECONDS (tenths counted).
gone() {
	i=0
	while [ $i -lt $(($2 * 10)) ]; do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# ---------------------------------------------------------------- dig

# ask DIG-ARGS...: one query with dig to $port; the output lands in $out.
ask() {
	need dig || { out=; return 1; }
	out=$(dig -p "$port" +tries=1 +time=2 "$@" 2>&1)
	case $out in
	*"->>HEADER<<-"*) return 0 ;;
	esac
	why="no answer: $(printf '%s\n' "$out" | grep '^;;' | tail -n 1)"
	return 1
}

kask() {
	need kdig || { out=; return 1; }
	out=$(kdig -p "$port" +retry=0 +timeout=2 "$@" 2>&1)
	case $out in
	*"->>HEADER<<-"*) return 0 ;;
	esac
	why="no answer: $(printf '%s\n' "$out" | tail -n 1)"
	return 1
}

# The header line's flags, one word each: "qr aa rd".
dig_flags() {
	printf '%s\n' "$out" | sed -n 's/^;; flags:\([^;]*\);.*/\1/p' | head -n 1
}

# expect STATUS [FLAG|-FLAG...]: the status, and flags that must be set
# (aa) or clear (-aa).  MBZ stands for the Z bit, which dig shows apart.
expect() {
	case $out in
	*"status: $1,"*) ;;
	*)	why="status not $1: $(printf '%s\n' "$out" |
		    sed -n 's/^;; ->>HEADER<<- //p' | head -n 1)"
		return 1 ;;
	esac
	shift
	f=" $(dig_flags) "
	for x; do
		case $x in
		-MBZ)	if printf '%s\n' "$out" | grep -q '^;; flags:.*MBZ'; then
				why="Z set in reply"
				return 1
			fi ;;
		-*)	case $f in
			*" ${x#-} "*) why="flag ${x#-} set:$f"; return 1 ;;
			esac ;;
		*)	case $f in
			*" $x "*) ;;
			*)	why="flag $x clear:$f"; return 1 ;;
			esac ;;
		esac
	done
}

# section NAME: the records of a section, one per line, single-spaced.
section() {
	printf '%s\n' "$out" |
	    awk -v s=";; $1 SECTION:" '$0 == s { on = 1; next }
		on && /^$/ { exit }
		on' | tr -s ' \t' '  '
}

# has SECTION RECORD: the record is in that section (any case);
# has_exact: the same, byte for byte.
has() {
	if section "$1" | grep -qixF "$2"; then
		return 0
	fi
	why="no '$2' in $1: $(section "$1" | tr '\n' '|')"
	return 1
}

has_exact() {
	if section "$1" | grep -qxF "$2"; then
		return 0
	fi
	why="no '$2' in $1: $(section "$1" | tr '\n' '|')"
	return 1
}

# count SECTION N: the header says the section holds N records.
count() {
	if printf '%s\n' "$out" | grep '^;; flags:' | grep -Eq "[ ;]$1: $2(,|\$)"
	then
		return 0
	fi
	why="$1 count not $2: $(printf '%s\n' "$out" | grep '^;; flags:')"
	return 1
}

# only SECTION TYPE...: every record of the section has one of these types.
only() {
	s=$1
	shift
	bad=$(section "$s" | while read -r _ _ _ ty _; do
		ok=
		for x; do [ "$ty" = "$x" ] && ok=1; done
		[ -n "$ok" ] || echo "$ty"
	done)
	[ -z "$bad" ] && return 0
	why="unexpected types in $s: $(printf '%s ' $bad)"
	return 1
}

# rcvd_at_most N: dig's "MSG SIZE rcvd" is at most N.
rcvd_at_most() {
	n=$(printf '%s\n' "$out" | sed -n 's/^;; MSG SIZE *rcvd: *\([0-9]*\).*/\1/p')
	if [ -n "$n" ] && [ "$n" -le "$1" ]; then
		return 0
	fi
	why="reply of ${n:-?} bytes, limit $1"
	return 1
}

# no_text STRING: the output does not contain it.
no_text() {
	case $out in
	*"$1"*) why="output has '$1': $(printf '%s\n' "$out" |
		    grep -F -- "$1" | head -n 1)"; return 1 ;;
	esac
}

# text STRING: the output contains it.
text() {
	case $out in
	*"$1"*) return 0 ;;
	esac
	why="output lacks '$1'"
	return 1
}

# ---------------------------------------------------------------- raw bytes

o8() {
	printf '\\%03o' $(($1 & 255))
}

o16() {
	o8 $(($1 >> 8))
	o8 $1
}

# wire NAME: a dotted name as octal escapes of its wire form.
wire() {
	n=${1%.}
	old=$IFS
	IFS=.
	# shellcheck disable=SC2086
	set -- $n
	IFS=$old
	for l; do
		o8 ${#l}
		for b in $(printf %s "$l" | od -An -to1 -v); do
			printf '\\%s' "$b"
		done
	done
	printf '\\000'
}

# hdr ID FLAGS QDCOUNT ANCOUNT NSCOUNT ARCOUNT
hdr() {
	for x; do o16 "$x"; done
}

# question NAME TYPE [CLASS]
question() {
	wire "$1"
	o16 "$2"
	o16 "${3:-1}"
}

# opt [SIZE [VERSION [FLAGS]]]: an OPT pseudo-RR, no options.
opt() {
	printf '\\000'
	o16 41
	o16 "${1:-1232}"
	o8 0
	o8 "${2:-0}"
	o16 "${3:-0}"
	o16 0
}

# q ID NAME TYPE: a plain query (RD clear).
q() {
	hdr "$1" 0 1 0 0 0
	question "$2" "$3"
}

# frame MSG: the two-byte length, then MSG (both as escapes).
frame() {
	len=$(printf "$1" | wc -c)
	o16 $len
	printf %s "$1"
}

# pipe_raw STREAM [ARG...]: send STREAM (escapes, already framed) to the
# pipe mode; reply bytes in $hex, exit status in $rc, stderr in $tmp/err.
pipe_raw() {
	s=$1
	shift
	printf "$s" >"$tmp/in"
	# A real pipe on fd 0, as the pipe mode is meant for.
	# shellcheck disable=SC2002
	cat "$tmp/in" | timeout 10 "$FDNS" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	hex=$(od -An -tx1 -v <"$tmp/out" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')
}

# pipe_ask MSG [ARG...]: one framed query through the pipe mode with the
# standard arguments (or ARG... instead), then parse the first reply.
pipe_ask() {
	m=$1
	shift
	[ $# -eq 0 ] && set -- $ARGS
	pipe_raw "$(frame "$m")" "$@"
	parse
}

# parse: split $hex into framed replies.  Sets nreplies, ids (in order),
# and the first reply's fields: r_id r_qr r_op r_aa r_tc r_rd r_ra r_z r_ad
# r_cd r_rcode r_qd r_an r_ns r_ar, and r_msg (its bytes, hex).
parse() {
	nreplies=0
	ids=
	r_msg=
	framing_ok=1
	# shellcheck disable=SC2086
	set -- $hex
	while [ $# -ge 2 ]; do
		l=$((0x$1 * 256 + 0x$2))
		shift 2
		if [ $# -lt "$l" ] || [ "$l" -lt 12 ]; then
			framing_ok=
			break
		fi
		nreplies=$((nreplies + 1))
		ids="$ids $((0x$1 * 256 + 0x$2))"
		if [ $nreplies -eq 1 ]; then
			r_id=$((0x$1 * 256 + 0x$2))
			f1=$((0x$3))
			f2=$((0x$4))
			r_qd=$((0x$5 * 256 + 0x$6))
			r_an=$((0x$7 * 256 + 0x$8))
			r_ns=$((0x$9 * 256 + 0x${10}))
			r_ar=$((0x${11} * 256 + 0x${12}))
			r_qr=$((f1 >> 7 & 1))
			r_op=$((f1 >> 3 & 15))
			r_aa=$((f1 >> 2 & 1))
			r_tc=$((f1 >> 1 & 1))
			r_rd=$((f1 & 1))
			r_ra=$((f2 >> 7 & 1))
			r_z=$((f2 >> 6 & 1))
			r_ad=$((f2 >> 5 & 1))
			r_cd=$((f2 >> 4 & 1))
			r_rcode=$((f2 & 15))
			i=0
			while [ $i -lt "$l" ]; do
				r_msg="$r_msg$1 "
				shift
				i=$((i + 1))
			done
		else
			shift "$l"
		fi
	done
	[ $# -eq 0 ] || framing_ok=
	r_msg=${r_msg% }
	ids=${ids# }
}

# rcode_is N: exactly one reply, with that rcode.
rcode_is() {
	if [ -z "$framing_ok" ]; then
		why="reply framing broken: $hex"
		return 1
	fi
	if [ "$nreplies" -ne 1 ]; then
		why="$nreplies replies (exit $rc): $hex $(head -c 200 "$tmp/err")"
		return 1
	fi
	if [ "$r_rcode" -ne "$1" ]; then
		why="rcode $r_rcode, not $1: $hex"
		return 1
	fi
}

# silent: no reply at all, and exit status 0.
silent() {
	if [ -n "$hex" ]; then
		why="replied: $hex"
		return 1
	fi
	if [ "$rc" -ne 0 ]; then
		why="exit status $rc: $(head -c 200 "$tmp/err")"
		return 1
	fi
}

# hexof ESCAPES: the bytes of a printf string, as od prints them.
hexof() {
	printf "$1" | od -An -tx1 -v | tr -s ' \n' '  ' | sed 's/^ //; s/ $//'
}

# socket_raw PROTO STREAM: send raw bytes with socat to 127.0.0.1:$port;
# reply bytes in $hex.
socket_raw() {
	need socat || { hex=; return 1; }
	printf "$2" >"$tmp/in"
	case $1 in
	udp)	timeout 5 socat -t 1 - "UDP4:127.0.0.1:$port" <"$tmp/in" \
		    >"$tmp/out" 2>"$tmp/err" ;;
	tcp)	timeout 8 socat -t 4 - "TCP4:127.0.0.1:$port" <"$tmp/in" \
		    >"$tmp/out" 2>"$tmp/err" ;;
	esac
	rc=$?
	hex=$(od -An -tx1 -v <"$tmp/out" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')
}

# ================================================================ tests
# Answers at the apex.

t_answers_a_over_udp_v4() {
	main_udp && ask @127.0.0.1 $ZONE A && expect NOERROR qr aa &&
	    count ANSWER 1 && has ANSWER "$ZONE. 60 IN A $V4" && pass || fail
}

t_answers_aaaa_over_udp_v6() {
	main_udp && ask @::1 $ZONE AAAA && expect NOERROR qr aa &&
	    count ANSWER 1 && has ANSWER "$ZONE. 60 IN AAAA $V6" && pass || fail
}

t_answers_a_over_udp_v6() {
	main_udp && ask @::1 $ZONE A && expect NOERROR aa &&
	    has ANSWER "$ZONE. 60 IN A $V4" && pass || fail
}

t_answers_ns_in_order() {
	main_udp && ask @127.0.0.1 $ZONE NS && expect NOERROR aa &&
	    count ANSWER 2 &&
	    [ "$(section ANSWER | awk '{ print $5 }' | tr '\n' ' ')" = \
	    "$NS1 $NS2 " ] && pass ||
	    fail "${why:-NS not in -n order: $(section ANSWER | tr '\n' '|')}"
}

t_answers_soa() {
	main_udp && ask @127.0.0.1 $ZONE SOA && expect NOERROR aa &&
	    count ANSWER 1 && has ANSWER "$SOA" && pass || fail
}

t_answers_any_with_a_and_aaaa_only() {
	main_udp && ask @127.0.0.1 +notcp $ZONE ANY && expect NOERROR aa &&
	    has ANSWER "$ZONE. 60 IN A $V4" &&
	    has ANSWER "$ZONE. 60 IN AAAA $V6" && only ANSWER A AAAA &&
	    pass || fail
}

t_answers_several_addresses() {
	free_port
	serve udp 127.0.0.1 -- -i 0 -n $NS1 $ZONE $V4 198.51.100.2 \
	    2001:db8::2 $V6 && ask @127.0.0.1 $ZONE A && expect NOERROR aa &&
	    count ANSWER 2 && has ANSWER "$ZONE. 60 IN A 198.51.100.2" &&
	    has ANSWER "$ZONE. 60 IN A $V4" && pass || fail
}

t_zone_argument_any_case_and_trailing_dot() {
	free_port
	serve udp 127.0.0.1 -- -i 0 -n $NS1 WWW.Example.COM. $V4 &&
	    ask @127.0.0.1 www.example.com A && expect NOERROR aa &&
	    count ANSWER 1 && pass || fail
}

t_ttl_option_sets_every_ttl() {
	free_port
	serve udp 127.0.0.1 -- -i 5 -t 3600 $ARGS &&
	    ask @127.0.0.1 $ZONE A && has ANSWER "$ZONE. 3600 IN A $V4" &&
	    ask @127.0.0.1 nope.$ZONE A && expect NXDOMAIN aa &&
	    has AUTHORITY "$ZONE. 3600 IN SOA $NS1 hostmaster.$ZONE. 1 86400 7200 1209600 3600" &&
	    pass || fail
}

# ---------------------------------------------------------------- negative

t_nodata_with_soa_for_other_types() {
	main_udp && ask @127.0.0.1 $ZONE MX && expect NOERROR aa &&
	    count ANSWER 0 && count AUTHORITY 1 && has AUTHORITY "$SOA" &&
	    ask @127.0.0.1 $ZONE TXT && expect NOERROR aa && count ANSWER 0 &&
	    has AUTHORITY "$SOA" && pass || fail
}

t_nxdomain_with_soa_below_zone() {
	main_udp && ask @127.0.0.1 deep.below.$ZONE A && expect NXDOMAIN aa &&
	    count ANSWER 0 && has AUTHORITY "$SOA" && pass || fail
}

t_refuses_other_names() {
	main_udp && ask @127.0.0.1 example.com A && expect REFUSED -aa &&
	    count ANSWER 0 && count AUTHORITY 0 &&
	    ask @127.0.0.1 www.example.org A && expect REFUSED -aa &&
	    ask @127.0.0.1 . NS && expect REFUSED -aa && pass || fail
}

t_refuses_suffix_not_on_label_boundary() {
	main_udp && ask @127.0.0.1 xwww.example.com A && expect REFUSED -aa &&
	    pass || fail
}

t_refuses_class_ch() {
	main_udp && ask @127.0.0.1 -c CH $ZONE A && expect REFUSED -aa &&
	    count ANSWER 0 && ask @127.0.0.1 -c CH version.bind TXT &&
	    expect REFUSED -aa && pass || fail
}

t_refuses_axfr_and_ixfr() {
	pipe_ask "$(q 7 $ZONE 252)" && rcode_is 5 && [ "$r_aa" -eq 0 ] &&
	    pipe_ask "$(q 8 $ZONE 251)" && rcode_is 5 && pass ||
	    fail "${why:-aa set}"
}

# ---------------------------------------------------------------- header

t_echoes_0x20_case_byte_for_byte() {
	main_udp && ask @127.0.0.1 wWw.ExAmPlE.cOm A && expect NOERROR aa &&
	    has_exact QUESTION ";wWw.ExAmPlE.cOm. IN A" || { fail; return; }
	m=$(q 4660 wWw.ExAmPlE.cOm 1)
	pipe_ask "$m"
	n=$(hexof "$m" | wc -w)
	want=$(hexof "$m" | cut -d' ' -f13-$n)
	got=$(echo "$r_msg" | cut -d' ' -f13-$n)
	rcode_is 0 && [ "$got" = "$want" ] && pass ||
	    fail "${why:-question not echoed: $got vs $want}"
}

t_copies_id_rd_cd() {
	pipe_ask "$(hdr 48879 $((0x0110)) 1 0 0 0; question $ZONE 1)" &&
	    rcode_is 0 && [ "$r_id" -eq 48879 ] && [ "$r_rd" -eq 1 ] &&
	    [ "$r_cd" -eq 1 ] && [ "$r_qr" -eq 1 ] || {
		fail "${why:-id $r_id rd $r_rd cd $r_cd qr $r_qr}"; return; }
	pipe_ask "$(hdr 1 0 1 0 0 0; question $ZONE 1)" && rcode_is 0 &&
	    [ "$r_rd" -eq 0 ] && [ "$r_cd" -eq 0 ] && pass ||
	    fail "${why:-rd or cd set though clear in query}"
}

t_copies_rd_and_cd_over_udp() {
	main_udp && ask @127.0.0.1 +rec +cdflag $ZONE A &&
	    expect NOERROR aa rd cd && ask @127.0.0.1 +norec +nocdflag $ZONE A &&
	    expect NOERROR aa -rd -cd && pass || fail
}

t_clears_ra_ad_z() {
	main_udp && ask @127.0.0.1 +adflag +raflag +zflag $ZONE A &&
	    expect NOERROR aa -ra -ad -MBZ -tc && pass || fail
}

t_answers_query_with_tc_ad_cd_z() {
	main_udp && ask @127.0.0.1 +tcflag +adflag +cdflag +zflag +ignore \
	    $ZONE A && expect NOERROR aa -tc -ad cd && count ANSWER 1 &&
	    pipe_ask "$(hdr 9 $((0x0270)) 1 0 0 0; question $ZONE 1)" &&
	    rcode_is 0 && [ "$r_an" -eq 1 ] && [ "$r_tc$r_z$r_ad$r_ra" = 0000 ] &&
	    pass || fail "${why:-flags in reply: tc $r_tc z $r_z ad $r_ad}"
}

t_ignores_qr_set() {
	pipe_raw "$(frame "$(hdr 5 $((0x8000)) 1 0 0 0; question $ZONE 1)")" \
	    $ARGS && silent && pass || fail
}

t_ignores_short_packet() {
	pipe_raw "$(frame "$(hdr 5 0 1 0 0; o8 0)")" $ARGS && silent || {
		fail "11 bytes: $why"; return; }
	pipe_raw '\000\000' $ARGS && silent || { fail "0 bytes: $why"; return; }
	pipe_raw '\000' $ARGS && silent && pass || fail "1 length byte: $why"
}

t_ignores_qr_and_short_over_udp() {
	main_udp || { fail; return; }
	socket_raw udp "$(hdr 5 $((0x8000)) 1 0 0 0; question $ZONE 1)"
	[ -z "$hex" ] || { fail "QR=1 answered: $hex"; return; }
	socket_raw udp "$(hdr 5 0 1 0 0; o8 0)"
	[ -z "$hex" ] || { fail "11 bytes answered: $hex"; return; }
	socket_raw udp '\000'
	[ -z "$hex" ] || { fail "1 byte answered: $hex"; return; }
	ask @127.0.0.1 $ZONE A && expect NOERROR aa && pass ||
	    fail "no longer answers after junk: $why"
}

t_notimp_for_other_opcodes() {
	for op in 1 2 4 5 15; do
		pipe_ask "$(hdr 77 $((op << 11 | 0x0100)) 1 0 0 0; question $ZONE 1)" &&
		    rcode_is 4 || { fail "opcode $op: $why"; return; }
		[ "$r_op" -eq $op ] && [ "$r_qd$r_an$r_ns$r_ar" = 0000 ] &&
		    [ "$r_aa" -eq 0 ] && [ "$r_id" -eq 77 ] || {
			fail "opcode $op: header $r_msg"; return; }
	done
	main_udp && ask @127.0.0.1 +opcode=notify $ZONE SOA &&
	    expect NOTIMP -aa && pass || fail
}

t_formerr_for_qdcount_0_and_2() {
	pipe_ask "$(hdr 1 0 0 0 0 0)" && rcode_is 1 || {
		fail "QDCOUNT 0: $why"; return; }
	pipe_ask "$(hdr 1 0 2 0 0 0; question $ZONE 1; question $ZONE 28)" &&
	    rcode_is 1 && pass || fail "QDCOUNT 2: $why"
}

t_formerr_for_answer_or_authority_records() {
	m="$(hdr 1 0 1 1 0 0; question $ZONE 1)"
	m="$m$(o16 $((0xc00c)); o16 1; o16 1; o16 0; o16 60; o16 4; o8 1; o8 2; o8 3; o8 4)"
	pipe_ask "$m" && rcode_is 1 || { fail "ANCOUNT 1: $why"; return; }
	m="$(hdr 1 0 1 0 1 0; question $ZONE 1)"
	m="$m$(o16 $((0xc00c)); o16 1; o16 1; o16 0; o16 60; o16 4; o8 1; o8 2; o8 3; o8 4)"
	pipe_ask "$m" && rcode_is 1 && pass || fail "NSCOUNT 1: $why"
}

t_formerr_for_compression_pointer_in_question() {
	m="$(hdr 1 0 1 0 0 0)$(o8 3)www$(o16 $((0xc00c)); o16 1; o16 1)"
	pipe_ask "$m" && rcode_is 1 && pass || fail
}

t_formerr_for_label_over_63() {
	l=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	pipe_ask "$(hdr 1 0 1 0 0 0)$(o8 64)$l$(wire $ZONE; o16 1; o16 1)" &&
	    rcode_is 1 && pass || fail
}

t_formerr_for_name_over_255() {
	l=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	pipe_ask "$(hdr 1 0 1 0 0 0; question $l.$l.$l.$l.$ZONE 1)" &&
	    rcode_is 1 && pass || fail
}

t_formerr_for_truncated_question() {
	pipe_ask "$(hdr 1 0 1 0 0 0; wire $ZONE; o8 0)" && rcode_is 1 || {
		fail "question cut in type: $why"; return; }
	pipe_ask "$(hdr 1 0 1 0 0 0)$(o8 3)ww" && rcode_is 1 && pass ||
	    fail "question cut in label: $why"
}

t_formerr_for_trailing_bytes() {
	pipe_ask "$(q 1 $ZONE 1)\001\002\003" && rcode_is 1 && pass || fail
}

# ---------------------------------------------------------------- EDNS

t_edns_reply_has_opt_with_1232() {
	main_udp && ask @127.0.0.1 +edns=0 +bufsize=4096 $ZONE A &&
	    expect NOERROR aa && text "; EDNS: version: 0, flags:; udp: 1232" &&
	    pass || fail
}

t_edns_no_opt_without_edns_in_query() {
	main_udp && ask @127.0.0.1 +noedns $ZONE A && expect NOERROR aa &&
	    no_text "OPT PSEUDOSECTION" && pass || fail
}

t_edns_copies_do() {
	main_udp && ask @127.0.0.1 +dnssec $ZONE A && expect NOERROR aa &&
	    text "; EDNS: version: 0, flags: do; udp: 1232" &&
	    ask @127.0.0.1 +nodnssec $ZONE A &&
	    text "; EDNS: version: 0, flags:; udp: 1232" && pass || fail
}

t_edns_badvers_for_version_1() {
	main_udp && ask @127.0.0.1 +edns=1 +noednsnegotiation $ZONE A &&
	    expect BADVERS -aa && count ANSWER 0 &&
	    text "; EDNS: version: 0, flags:; udp: 1232" || { fail; return; }
	pipe_ask "$(hdr 1 0 1 0 0 1; question $ZONE 1; opt 1232 1)" &&
	    [ -n "$framing_ok" ] && [ "$nreplies" -eq 1 ] && [ "$r_ar" -eq 1 ] &&
	    [ "$r_rcode" -eq 0 ] || {
		fail "pipe: no OPT carrying BADVERS: $hex"; return; }
	# BADVERS = 16: rcode 0 in the header, extended rcode 1 in the OPT.
	set -- $r_msg
	shift $(($# - 11))
	[ "$1 $2 $3 $6 $7" = "00 00 29 01 00" ] && pass ||
	    fail "OPT not root/41/extended-rcode 1/version 0: $r_msg"
}

t_edns_unknown_options_not_echoed() {
	main_udp && ask @127.0.0.1 +ednsopt=65001:c0ffee +nsid +cookie \
	    +ednsopt=8:0001180098336400 $ZONE A && expect NOERROR aa &&
	    no_text "; OPT=" && no_text "COOKIE:" && no_text "NSID:" &&
	    no_text "CLIENT-SUBNET" && pass || fail
}

t_edns_unknown_flags_not_echoed() {
	main_udp && ask @127.0.0.1 +ednsflags=0x0100 $ZONE A &&
	    expect NOERROR aa && text "; EDNS: version: 0, flags:; udp: 1232" &&
	    pass || fail
}

t_edns_opt_in_negative_replies() {
	main_udp && ask @127.0.0.1 +edns=0 www.example.org A &&
	    expect REFUSED -aa && text "; EDNS: version: 0, flags:; udp: 1232" &&
	    ask @127.0.0.1 +dnssec nope.$ZONE A && expect NXDOMAIN aa &&
	    text "; EDNS: version: 0, flags: do; udp: 1232" &&
	    ask @127.0.0.1 +edns=0 $ZONE MX && expect NOERROR aa &&
	    text "; EDNS: version: 0, flags:; udp: 1232" && pass || fail
}

t_edns_two_opts_formerr() {
	pipe_ask "$(hdr 1 0 1 0 0 2; question $ZONE 1; opt; opt)" &&
	    rcode_is 1 && pass || fail
}

t_edns_over_tcp() {
	main_tcp && ask @127.0.0.1 +tcp +dnssec $ZONE A && expect NOERROR aa &&
	    text "; EDNS: version: 0, flags: do; udp: 1232" && pass || fail
}

# ---------------------------------------------------------------- size

t_sets_tc_over_512() {
	mid_udp && ask @127.0.0.1 +noedns +ignore $ZONE NS &&
	    expect NOERROR aa tc && rcvd_at_most 512 && count ANSWER 0 &&
	    ask @127.0.0.1 +noedns +ignore nope.$ZONE A &&
	    expect NXDOMAIN aa -tc && pass || fail
}

t_fits_over_512_with_edns() {
	big_udp && ask @127.0.0.1 +bufsize=1232 +ignore $ZONE NS &&
	    expect NOERROR aa -tc && count ANSWER 10 && rcvd_at_most 1232 &&
	    pass || fail
}

t_never_exceeds_advertised_size() {
	mid_udp && ask @127.0.0.1 +bufsize=561 +ignore $ZONE NS &&
	    expect NOERROR aa tc && rcvd_at_most 561 || {
		fail "561: $why"; return; }
	ask @127.0.0.1 +bufsize=562 +ignore $ZONE NS && expect NOERROR aa -tc &&
	    count ANSWER 7 && rcvd_at_most 562 || { fail "562: $why"; return; }
	big_udp && ask @127.0.0.1 +bufsize=100 +ignore $ZONE NS &&
	    expect NOERROR tc && rcvd_at_most 512 && pass ||
	    fail "100 (means 512): $why"
}

t_caps_udp_at_1232() {
	huge_udp && ask @127.0.0.1 +bufsize=4096 +ignore $ZONE NS &&
	    expect NOERROR aa tc && rcvd_at_most 1232 && count ANSWER 0 &&
	    pass || fail
}

t_tc_makes_dig_retry_over_tcp() {
	huge_udp && ask @127.0.0.1 +bufsize=4096 $ZONE NS &&
	    expect NOERROR aa -tc && count ANSWER 16 && pass || fail
}

t_any_stays_small_with_many_nameservers() {
	huge_udp && ask @127.0.0.1 +notcp +noedns +ignore $ZONE ANY &&
	    expect NOERROR aa -tc && only ANSWER A AAAA && count ANSWER 2 &&
	    pass || fail
}

t_negative_answer_fits_without_edns() {
	huge_udp && ask @127.0.0.1 +noedns +ignore nope.$ZONE A &&
	    expect NXDOMAIN aa -tc && count AUTHORITY 1 && pass || fail
}

# ---------------------------------------------------------------- TCP

t_answers_a_over_tcp_v4() {
	main_tcp && ask @127.0.0.1 +tcp $ZONE A && expect NOERROR aa &&
	    has ANSWER "$ZONE. 60 IN A $V4" && pass || fail
}

t_answers_aaaa_over_tcp_v6() {
	main_tcp && ask @::1 +tcp $ZONE AAAA && expect NOERROR aa &&
	    has ANSWER "$ZONE. 60 IN AAAA $V6" && pass || fail
}

t_tcp_refuses_other_names() {
	main_tcp && ask @127.0.0.1 +tcp example.net A && expect REFUSED -aa &&
	    pass || fail
}

t_pipe_answers_pipelined_queries_in_order() {
	s="$(frame "$(q 1 $ZONE 1)")$(frame "$(q 2 $ZONE 28)")"
	s="$s$(frame "$(q 3 nope.$ZONE 1)")$(frame "$(q 4 $ZONE 2)")"
	pipe_raw "$s" $ARGS
	parse
	[ -n "$framing_ok" ] && [ "$ids" = "1 2 3 4" ] && [ "$rc" -eq 0 ] &&
	    pass || fail "ids '$ids', exit $rc: $hex"
}

t_tcp_answers_pipelined_queries_in_order() {
	main_tcp || { fail; return; }
	s="$(frame "$(q 11 $ZONE 1)")$(frame "$(q 12 $ZONE 28)")"
	s="$s$(frame "$(q 13 nope.$ZONE 1)")$(frame "$(q 14 $ZONE 6)")"
	socket_raw tcp "$s"
	parse
	[ -n "$framing_ok" ] && [ "$ids" = "11 12 13 14" ] && pass ||
	    fail "ids '$ids': $hex"
}

# a_queries N: N framed A queries for $ZONE, IDs 1..N (python3: fast).
a_queries() {
	/usr/bin/python3 - "$1" $ZONE <<'EOF'
import struct, sys
n, zone = int(sys.argv[1]), sys.argv[2]
name = b"".join(bytes([len(l)]) + l.encode() for l in zone.split(".")) + b"\0"
out = bytearray()
for i in range(1, n + 1):
    m = struct.pack(">6H", i, 0, 1, 0, 0, 0) + name + struct.pack(">2H", 1, 1)
    out += struct.pack(">H", len(m)) + m
sys.stdout.buffer.write(out)
EOF
}

# many_queries N: N framed queries, IDs 1..N, types A and AAAA by turns.
many_queries() {
	i=1
	while [ $i -le "$1" ]; do
		frame "$(q $i $ZONE $((i % 2 ? 1 : 28)))"
		i=$((i + 1))
	done
}

t_tcp_answers_50_pipelined_queries() {
	main_tcp || { fail; return; }
	socket_raw tcp "$(many_queries 50)"
	parse
	want=$(i=1; while [ $i -le 50 ]; do printf '%s ' $i; i=$((i + 1)); done)
	[ -n "$framing_ok" ] && [ "$ids " = "$want" ] && pass ||
	    fail "$nreplies replies, ids '$ids'"
}

t_tcp_keeps_connection_for_kdig() {
	main_tcp || { fail; return; }
	before=$(grep -c '^Connection from' "$tmp/log.$port.tcp")
	kask @127.0.0.1 +tcp +keepopen $ZONE A $ZONE AAAA $ZONE NS || {
		fail; return; }
	after=$(grep -c '^Connection from' "$tmp/log.$port.tcp")
	n=$(printf '%s\n' "$out" | grep -c 'status: NOERROR')
	[ "$n" -eq 3 ] && [ $((after - before)) -eq 1 ] && pass ||
	    fail "$n answers over $((after - before)) connections"
}

t_tcp_closes_on_bad_length() {
	main_tcp || { fail; return; }
	socket_raw tcp "\000\005abcde$(frame "$(q 1 $ZONE 1)")"
	[ -z "$hex" ] && pass || fail "answered after length 5: $hex"
}

t_pipe_closes_on_bad_length() {
	pipe_raw "$(frame "$(q 1 $ZONE 1)")\000\013$(hdr 2 0 1 0 0; o8 0)$(frame "$(q 3 $ZONE 1)")" $ARGS
	parse
	[ "$ids" = 1 ] && pass || fail "ids '$ids' (want 1 then close)"
}

t_tcp_closes_on_eof() {
	need socat || { fail; return; }
	free_port
	serve tcp 127.0.0.1 -- -i 10 $ARGS || { fail; return; }
	printf "$(frame "$(q 5 $ZONE 1)")" |
	    timeout 10 socat -t 8 - "TCP4:127.0.0.1:$port" >"$tmp/eof.out" 2>&1 &
	sp=$!
	gone $sp 3 || { kill $sp; fail "open 3 s after EOF (idle is 10 s)"; return; }
	hex=$(od -An -tx1 -v <"$tmp/eof.out" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')
	parse
	[ "$ids" = 5 ] && pass || fail "reply ids '$ids': $hex"
}

t_tcp_closes_when_idle() {
	need socat || { fail; return; }
	free_port
	serve tcp 127.0.0.1 -- -i 1 $ARGS || { fail; return; }
	timeout 10 socat -u "TCP4:127.0.0.1:$port" - >"$tmp/idle.out" 2>&1 &
	sp=$!
	sleep 0.5
	kill -0 $sp 2>/dev/null || { fail "closed before the idle time"; return; }
	gone $sp 3 && pass || { kill $sp; fail "still open after 3.5 s"; }
}

t_tcp_idle_0_closes_after_1_second() {
	need socat || { fail; return; }
	free_port
	serve tcp 127.0.0.1 -- -i 0 $ARGS || { fail; return; }
	timeout 10 socat -u "TCP4:127.0.0.1:$port" - >"$tmp/idle.out" 2>&1 &
	sp=$!
	sleep 0.5
	kill -0 $sp 2>/dev/null || { fail "closed at once"; return; }
	gone $sp 3 && pass || { kill $sp; fail "still open after 3.5 s"; }
}

t_tcp_closes_when_query_incomplete() {
	need socat || { fail; return; }
	free_port
	serve tcp 127.0.0.1 -- -i 1 $ARGS || { fail; return; }
	{ printf '\000\040\000\001'; sleep 5; } |
	    timeout 10 socat -t 0.2 - "TCP4:127.0.0.1:$port" >"$tmp/idle.out" 2>&1 &
	sp=$!
	gone $sp 4 && pass || { kill $sp; fail "still open after 4 s"; }
}

t_pipe_ends_on_eof_and_exits_0() {
	pipe_raw "$(frame "$(q 1 $ZONE 1)")" $ARGS
	parse
	[ "$rc" -eq 0 ] && [ "$nreplies" -eq 1 ] && pass ||
	    fail "exit $rc, $nreplies replies"
}

# ---------------------------------------------------------------- idle

t_udp_idle_exits_after_idle_time() {
	free_port
	serve udp 127.0.0.1 -- -i 3 $ARGS && ask @127.0.0.1 $ZONE A &&
	    expect NOERROR aa || { fail; return; }
	sleep 0.5
	ask @127.0.0.1 $ZONE AAAA && expect NOERROR aa || {
		fail "second query within idle time: $why"; return; }
	kill -0 $pid 2>/dev/null || { fail "exited before the idle time"; return; }
	gone $pid 6 || { fail "still running 6 s after the last query"; return; }
	wait $pid
	st=$?
	[ $st -eq 0 ] && pass || fail "exit status $st"
}

t_udp_idle_0_exits_after_first_datagram() {
	free_port
	serve udp 127.0.0.1 -- -i 0 $ARGS && ask @127.0.0.1 $ZONE A &&
	    expect NOERROR aa || { fail; return; }
	gone $pid 1 || { fail "still running 1 s after its datagram"; return; }
	wait $pid
	st=$?
	[ $st -eq 0 ] && pass || fail "exit status $st"
}

# ---------------------------------------------------------------- drain, log

t_drain_file_refuses_while_present() {
	free_port
	down=$tmp/down
	rm -f "$down"
	serve udp 127.0.0.1 -- -i 30 -d "$down" $ARGS &&
	    ask @127.0.0.1 $ZONE A && expect NOERROR aa || {
		fail "before the file: $why"; return; }
	: >"$down"
	ask @127.0.0.1 $ZONE A && expect REFUSED -aa && count ANSWER 0 &&
	    ask @127.0.0.1 $ZONE SOA && expect REFUSED -aa || {
		fail "with the file: $why"; return; }
	rm -f "$down"
	ask @127.0.0.1 $ZONE A && expect NOERROR aa &&
	    has ANSWER "$ZONE. 60 IN A $V4" && pass || fail "after rm: $why"
}

t_drain_file_refuses_in_pipe_mode() {
	: >"$tmp/down2"
	pipe_ask "$(q 1 $ZONE 1)" -d "$tmp/down2" $ARGS && rcode_is 5 &&
	    [ "$r_aa" -eq 0 ] && pass || fail "${why:-aa set}"
}

# The format is failoverdns.8's DIAGNOSTICS: "failoverdns: client qname
# qtype rcode [TC]", client "-" for a pipe, "- - -" for an unread question.
t_verbose_logs_one_line_per_query() {
	free_port
	serve udp 127.0.0.1 '[::1]' -- -v -i 3 $ARGS &&
	    ask @127.0.0.1 $ZONE AAAA && expect NOERROR &&
	    ask @::1 nope.$ZONE A && expect NXDOMAIN || { fail; return; }
	gone $pid 6
	l=$(grep '^failoverdns: ' "$log" | tr '\n' '|')
	[ "$l" = "failoverdns: 127.0.0.1 $ZONE. AAAA NOERROR|failoverdns: ::1 nope.$ZONE. A NXDOMAIN|" ] &&
	    pass || fail "log: $(tr '\n' '|' <"$log")"
}

t_verbose_logs_refused_formerr_and_dropped() {
	s="$(frame "$(q 1 example.org 1)")$(frame "$(hdr 2 0 2 0 0 0)")"
	s="$s$(frame "$(hdr 3 $((0x8000)) 1 0 0 0; question $ZONE 1)")"
	pipe_raw "$s" -v $ARGS
	l=$(tr '\n' '|' <"$tmp/err")
	[ "$l" = "failoverdns: - example.org. A REFUSED|failoverdns: - - - FORMERR|failoverdns: - - - DROPPED|" ] &&
	    pass || fail "log: $l"
}

t_verbose_marks_truncated_replies() {
	free_port
	serve udp 127.0.0.1 -- -v -i 0 $(many_ns 7) $ZONE $V4 &&
	    ask @127.0.0.1 +noedns +ignore $ZONE NS && expect NOERROR tc || {
		fail; return; }
	gone $pid 2
	grep -q "^failoverdns: 127.0.0.1 $ZONE. NS NOERROR TC\$" "$log" && pass ||
	    fail "log: $(grep '^failoverdns' "$log" | tr '\n' '|')"
}

t_quiet_without_verbose() {
	pipe_raw "$(frame "$(q 1 $ZONE 1)")" $ARGS
	[ ! -s "$tmp/err" ] && pass || fail "stderr: $(head -c 200 "$tmp/err")"
}

# ---------------------------------------------------------------- arguments

# bad_args WORD ARG...: a non-zero exit, a message naming WORD (or one of
# WORD|WORD...), and the usage line.
bad_args() {
	word=$1
	shift
	timeout 5 "$FDNS" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 0 ] || [ $rc -eq 124 ]; then
		why="'$*': exit status $rc"
		return 1
	fi
	named=
	old=$IFS
	IFS='|'
	for w in $word; do
		grep -qF -- "$w" "$tmp/err" && named=1
	done
	IFS=$old
	if [ -z "$named" ]; then
		why="'$*': message does not name '$word': $(tr '\n' '|' <"$tmp/err")"
		return 1
	fi
	if ! grep -q 'usage: ' "$tmp/err"; then
		why="'$*': no usage line: $(tr '\n' '|' <"$tmp/err")"
		return 1
	fi
	if [ -s "$tmp/out" ]; then
		why="'$*': wrote to stdout"
		return 1
	fi
}

t_rejects_no_arguments() {
	timeout 5 "$FDNS" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q 'usage: ' "$tmp/err" &&
	    pass || fail "exit $rc: $(tr '\n' '|' <"$tmp/err")"
}

t_rejects_missing_nameserver() {
	bad_args '-n|nameserver' $ZONE $V4 && pass || fail
}

t_rejects_missing_address() {
	bad_args address -n $NS1 $ZONE && pass || fail
}

t_rejects_bad_address() {
	bad_args 198.51.100.300 -n $NS1 $ZONE 198.51.100.300 &&
	    bad_args 2001:db8::g -n $NS1 $ZONE $V4 2001:db8::g &&
	    bad_args not-an-address -n $NS1 $ZONE not-an-address && pass || fail
}

t_rejects_bad_zone_name() {
	l=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	bad_args "a${l}.example" -n $NS1 "a${l}.example" $V4 &&
	    bad_args "$l.$l.$l.$l.example" -n $NS1 "$l.$l.$l.$l.example" $V4 &&
	    bad_args "www..example" -n $NS1 www..example $V4 && pass || fail
}

t_rejects_bad_nameserver_name() {
	l=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	bad_args "a$l.example" -n "a$l.example" $ZONE $V4 &&
	    bad_args "ns..example" -n ns..example $ZONE $V4 && pass || fail
}

t_rejects_bad_ttl() {
	bad_args abc -t abc $ARGS && bad_args -1 -t -1 $ARGS &&
	    bad_args 2147483648 -t 2147483648 $ARGS &&
	    bad_args 60x -t 60x $ARGS && pass || fail
}

t_accepts_ttl_limits() {
	for t in 0 2147483647; do
		pipe_ask "$(q 1 $ZONE 1)" -t $t $ARGS && rcode_is 0 || {
			fail "-t $t: $why"; return; }
	done
	pass
}

t_rejects_bad_idle() {
	bad_args abc -i abc $ARGS && bad_args -1 -i -1 $ARGS && pass || fail
}

t_rejects_unknown_option() {
	bad_args x -x $ARGS && pass || fail
}

t_rejects_missing_option_value() {
	bad_args t -n $NS1 $ZONE $V4 -t && pass || fail
}

# ---------------------------------------------------------------- activation

t_serves_several_datagram_sockets() {
	main_udp && ask @127.0.0.1 $ZONE A && expect NOERROR aa &&
	    ask @::1 $ZONE A && expect NOERROR aa &&
	    ask @127.0.0.1 $ZONE AAAA && expect NOERROR aa && pass || fail
}

t_refuses_listening_stream_socket() {
	free_port
	serve listen 127.0.0.1 -- $ARGS || { fail; return; }
	ask @127.0.0.1 +tcp +time=1 $ZONE A
	gone $pid 3 || { fail "still running with a listening socket"; return; }
	wait $pid
	st=$?
	[ $st -eq 1 ] && grep -q 'Accept=yes' "$log" && pass ||
	    fail "exit $st: $(grep -v '^Listening\|^Communication\|^Execing' "$log" | tr '\n' '|')"
}

# LISTEN_PID is ours (exec keeps the PID) but fd 3 is no socket.
t_rejects_listen_fds_that_are_not_sockets() {
	sh -c 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" "$@"' "$FDNS" $ARGS \
	    3</dev/null </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -ne 0 ] && [ ! -s "$tmp/out" ] && grep -q 'fd 3\|LISTEN_FDS' "$tmp/err" &&
	    pass || fail "exit $rc: $(tr '\n' '|' <"$tmp/err")"
}

t_dual_stack_socket_answers_v4_mapped() {
	free_port
	serve udp '[::]' -- -i 30 $ARGS || { fail; return; }
	ask @127.0.0.1 $ZONE A && expect NOERROR aa &&
	    no_text "unexpected source" && ask @::1 $ZONE A &&
	    expect NOERROR aa && pass || fail
}

t_replies_from_queried_address_v4() {
	free_port
	serve udp 0.0.0.0 -- -i 30 $ARGS && ask @127.0.0.2 $ZONE A &&
	    expect NOERROR aa && no_text "unexpected source" &&
	    ask @127.0.0.1 $ZONE A && expect NOERROR aa && pass || fail
}

t_replies_from_queried_address_v4_mapped() {
	free_port
	serve udp '[::]' -- -i 30 $ARGS && ask @127.0.0.3 $ZONE A &&
	    expect NOERROR aa && no_text "unexpected source" && pass || fail
}

t_replies_from_queried_address_v6() {
	free_port
	serve udp '[::]' -- -i 30 $ARGS && ask @::1 $ZONE AAAA &&
	    expect NOERROR aa && no_text "unexpected source" && pass || fail
}

# systemd-socket-activate --inetd passes the socket as fd 0 (and 1), as
# inetd and systemd's StandardInput=socket do.
t_serves_datagram_socket_on_fd_0() {
	free_port
	serve fd0udp 127.0.0.1 -- -i 1 $ARGS && ask @127.0.0.1 $ZONE A &&
	    expect NOERROR aa && ask @127.0.0.1 $ZONE AAAA &&
	    expect NOERROR aa && pass || fail
}

t_serves_stream_socket_on_fd_0() {
	free_port
	serve fd0tcp 127.0.0.1 '[::1]' -- -i 1 $ARGS &&
	    ask @127.0.0.1 +tcp $ZONE A && expect NOERROR aa &&
	    ask @::1 +tcp $ZONE AAAA && expect NOERROR aa && pass || fail
}

t_ignores_listen_fds_of_another_process() {
	s=$(frame "$(q 3 $ZONE 1)")
	printf "$s" >"$tmp/in"
	LISTEN_PID=1 LISTEN_FDS=1 timeout 10 "$FDNS" $ARGS <"$tmp/in" \
	    >"$tmp/out" 2>"$tmp/err"
	rc=$?
	hex=$(od -An -tx1 -v <"$tmp/out" | tr -s ' \n' '  ' | sed 's/^ //; s/ $//')
	parse
	rcode_is 0 && [ "$r_id" -eq 3 ] && pass || fail
}

# ---------------------------------------------------------------- inetd

inetd_pid=
inetd_port=
# An openbsd-inetd of our own, on its own config file and a high port:
# udp wait (-i 1) and tcp nowait (-v, so a log line must not reach the
# socket) on 127.0.0.1, and the same on ::1.
start_inetd() {
	[ -n "$inetd_pid" ] && kill -0 "$inetd_pid" 2>/dev/null && {
		port=$inetd_port; return 0; }
	need /usr/sbin/inetd ss || return 1
	free_port
	u=$(id -un)
	c=$tmp/inetd.conf
	{
		echo "127.0.0.1:$port dgram udp wait.1000 $u $FDNS failoverdns -i 1 $ARGS"
		echo "127.0.0.1:$port stream tcp nowait.1000 $u $FDNS failoverdns -v -i 2 $ARGS"
		echo "[::1]:$port dgram udp6 wait.1000 $u $FDNS failoverdns -i 1 $ARGS"
		echo "[::1]:$port stream tcp6 nowait.1000 $u $FDNS failoverdns -v -i 2 $ARGS"
	} >"$c"
	# As root, openbsd-inetd writes /run/inetd.pid and removes it on
	# exit; keep a system inetd's file.
	if [ -f /run/inetd.pid ] && cp /run/inetd.pid "$tmp/inetd.pid.saved"; then
		pidfile_saved=1
	fi
	/usr/sbin/inetd -i "$c" >"$tmp/inetd.log" 2>&1 </dev/null &
	inetd_pid=$!
	pids="$pids $inetd_pid"
	wait_bound udp $port $inetd_pid && wait_bound tcp $port $inetd_pid || {
		why="inetd does not listen: $(tr '\n' '|' <"$tmp/inetd.log")"
		return 1
	}
	inetd_port=$port
}

t_inetd_udp_wait_answers() {
	start_inetd && ask @127.0.0.1 $ZONE A && expect NOERROR aa &&
	    has ANSWER "$ZONE. 60 IN A $V4" && pass || fail
}

t_inetd_tcp_nowait_answers() {
	start_inetd && ask @127.0.0.1 +tcp $ZONE A && expect NOERROR aa &&
	    has ANSWER "$ZONE. 60 IN A $V4" && pass || fail
}

t_inetd_v6_answers() {
	start_inetd && ask @::1 $ZONE AAAA && expect NOERROR aa &&
	    ask @::1 +tcp $ZONE AAAA && expect NOERROR aa && pass || fail
}

t_inetd_verbose_log_stays_off_the_socket() {
	start_inetd && ask @127.0.0.1 +tcp +norec $ZONE SOA &&
	    expect NOERROR aa && no_text "arning" && no_text "malformed" &&
	    ask @127.0.0.1 +tcp +norec nope.$ZONE A && expect NXDOMAIN aa &&
	    no_text "arning" && pass || fail
}

t_inetd_udp_burst_answered() {
	start_inetd || { fail; return; }
	i=0
	ok=0
	while [ $i -lt 30 ]; do
		ask @127.0.0.1 +time=1 $ZONE A && expect NOERROR aa && ok=$((ok + 1))
		i=$((i + 1))
	done
	[ $ok -eq 30 ] && pass || fail "$ok of 30 answered; last: $why"
}

# In the wait mode a datagram left unread would make inetd start us again
# and again: junk must be read (and dropped), then service goes on.
t_inetd_udp_survives_junk() {
	start_inetd || { fail; return; }
	socket_raw udp "$(hdr 5 $((0x8000)) 1 0 0 0; question $ZONE 1)"
	[ -z "$hex" ] || { fail "QR=1 answered: $hex"; return; }
	socket_raw udp '\001\002\003'
	[ -z "$hex" ] || { fail "3 bytes answered: $hex"; return; }
	ask @127.0.0.1 $ZONE A && expect NOERROR aa || { fail; return; }
	n=$(ps -eo ppid= | grep -c "^ *$inetd_pid\$")
	[ "$n" -le 2 ] && pass || fail "$n children of inetd"
}

t_inetd_tcp_pipelined() {
	start_inetd || { fail; return; }
	s="$(frame "$(q 21 $ZONE 1)")$(frame "$(q 22 $ZONE 2)")$(frame "$(q 23 x.$ZONE 1)")"
	socket_raw tcp "$s"
	parse
	[ -n "$framing_ok" ] && [ "$ids" = "21 22 23" ] && pass ||
	    fail "ids '$ids': $hex"
}

# ================================================================ issue 10
# The responder of issue 10: the redirect file (-r), several drain files
# failing closed, start-up validation, transport errors that are not
# fatal, no diagnostic on a client's socket, the stream query limit.

R4a=203.0.113.5
R4b=203.0.113.6
R6=2001:db8::53

# put_redirect PRINTF-STRING: replace $rf by rename, as the writer must.
put_redirect() {
	printf "$1" >"$rf.new" && mv -f "$rf.new" "$rf"
}

# answers TYPE: the addresses of that type in the answer, sorted, one line.
answers() {
	section ANSWER | awk -v t="$1" '$4 == t { print $5 }' | sort |
	    tr '\n' ' ' | sed 's/ $//'
}

# got TYPE ADDRS: asks for TYPE; NOERROR aa and exactly ADDRS (sorted,
# one space between) in the answer.
got() {
	ask @127.0.0.1 +notcp $ZONE "$1" && expect NOERROR aa || {
		why="$1: $why"; return 1; }
	a=$(answers "$1")
	[ "$a" = "$2" ] && return 0
	why="$1: '$a', not '$2'"
	return 1
}

# nodata TYPE: NOERROR aa, no answer, the SOA in the authority section.
nodata() {
	ask @127.0.0.1 +notcp $ZONE "$1" && expect NOERROR aa &&
	    count ANSWER 0 && has AUTHORITY "$SOA" || {
		why="$1: $why"; return 1; }
}

# redirect_server [ARG...]: a UDP server on 127.0.0.1 with -r $rf.
redirect_server() {
	rf=$tmp/redirect
	rm -rf "$rf" "$rf.new"
	free_port
	serve udp 127.0.0.1 -- -i 30 -r "$rf" "$@" $ARGS
}

t_redirect_answers_a_aaaa_and_any() {
	redirect_server || { fail; return; }
	got A $V4 && got AAAA $V6 || { fail "no file yet: $why"; return; }
	put_redirect "$R4b\n$R6 \t$R4a\n"
	got A "$R4a $R4b" && got AAAA $R6 || { fail "file: $why"; return; }
	ask @127.0.0.1 +notcp $ZONE ANY && expect NOERROR aa &&
	    only ANSWER A AAAA || { fail "ANY: $why"; return; }
	a="$(answers A)|$(answers AAAA)"
	[ "$a" = "$R4a $R4b|$R6" ] && pass || fail "ANY: $a"
}

t_redirect_keeps_ns_soa_nxdomain_refused() {
	redirect_server || { fail; return; }
	put_redirect "$R4a\n$R6\n"
	got A $R4a || { fail "file not used: $why"; return; }
	ask @127.0.0.1 $ZONE NS && expect NOERROR aa && count ANSWER 2 &&
	    [ "$(section ANSWER | awk '{ print $5 }' | tr '\n' ' ')" = \
	    "$NS1 $NS2 " ] || { fail "NS: ${why:-$(section ANSWER)}"; return; }
	ask @127.0.0.1 $ZONE SOA && expect NOERROR aa && count ANSWER 1 &&
	    has ANSWER "$SOA" && nodata MX &&
	    ask @127.0.0.1 nope.$ZONE A && expect NXDOMAIN aa &&
	    count ANSWER 0 && has AUTHORITY "$SOA" &&
	    ask @127.0.0.1 www.example.org A && expect REFUSED -aa &&
	    count ANSWER 0 && pass || fail
}

t_redirect_family_not_listed_is_nodata() {
	redirect_server || { fail; return; }
	put_redirect "$R4a\n"
	got A $R4a && nodata AAAA || { fail "IPv4 only: $why"; return; }
	ask @127.0.0.1 +notcp $ZONE ANY && expect NOERROR aa &&
	    count ANSWER 1 && has ANSWER "$ZONE. 60 IN A $R4a" || {
		fail "ANY: $why"; return; }
	put_redirect "$R6\n"
	got AAAA $R6 && nodata A && pass || fail "IPv6 only: $why"
}

# Replaced by rename (same size, so only the identity tells), removed,
# written again: each seen by the next query, by the same process.
t_redirect_replaced_and_removed_without_restart() {
	redirect_server || { fail; return; }
	p=$pid
	put_redirect "$R4a\n"
	got A $R4a || { fail "first file: $why"; return; }
	put_redirect "$R4b\n"
	got A $R4b || { fail "renamed over: $why"; return; }
	rm -f "$rf"
	got A $V4 && got AAAA $V6 || { fail "removed: $why"; return; }
	put_redirect "$R4a\n"
	got A $R4a || { fail "written again: $why"; return; }
	kill -0 $p 2>/dev/null && [ "$pid" = "$p" ] && pass ||
	    fail "the server was restarted"
}

t_redirect_empty_file_serves_own() {
	redirect_server || { fail; return; }
	put_redirect "$R4a\n"
	got A $R4a || { fail "control: $why"; return; }
	put_redirect ""
	got A $V4 && got AAAA $V6 || { fail "empty: $why"; return; }
	put_redirect " \n\t\n"
	got A $V4 && got AAAA $V6 && pass || fail "blanks only: $why"
}

t_drain_wins_over_redirect() {
	down=$tmp/down.r
	rm -f "$down"
	redirect_server -d "$down" || { fail; return; }
	put_redirect "$R4a\n"
	got A $R4a || { fail "before the drain file: $why"; return; }
	: >"$down"
	ask @127.0.0.1 $ZONE A && expect REFUSED -aa && count ANSWER 0 || {
		fail "with both files: $why"; return; }
	rm -f "$down"
	got A $R4a && pass || fail "after rm: $why"
}

# redirect_good: a valid file, used (so the next bad one is a change).
redirect_good() {
	put_redirect "$R4a\n" && got A $R4a || why="valid file: $why"
}

# redirect_bad WHAT: $rf is unusable now: two queries get our own
# address, and the log has one more line about it ($nbad so far).
redirect_bad() {
	nbad=$((nbad + 1))
	for rb in 1 2; do
		got A $V4 || { why="$1, query $rb: $why"; return 1; }
	done
	c=$(grep -F "$rf" "$log" | grep -ci 'ignor')
	[ "$c" -eq $nbad ] && return 0
	why="$1: $c lines logged, want $nbad: $(grep -F "$rf" "$log" |
	    tr '\n' '|')"
	return 1
}

t_redirect_bad_file_ignored_and_logged_once() {
	redirect_server || { fail; return; }
	nbad=0
	# Controls: the limits themselves are accepted.
	i=1 s=
	while [ $i -le 16 ]; do s="${s}203.0.113.$i\n"; i=$((i + 1)); done
	put_redirect "$s"
	ask @127.0.0.1 +notcp $ZONE A && expect NOERROR aa &&
	    [ "$(answers A | wc -w)" -eq 16 ] || {
		fail "16 addresses: ${why:-$(answers A)}"; return; }
	put_redirect "$R4a$(printf '%4085s' '')"
	got A $R4a || { fail "4096 bytes: $why"; return; }
	redirect_good && put_redirect "$R4a\nnot-an-address\n" &&
	    redirect_bad "a word" &&
	    redirect_good && put_redirect "$R4a\n::ffff:198.51.100.7\n" &&
	    redirect_bad "IPv4-mapped" &&
	    redirect_good && put_redirect "$R4a\n$R4a\n" &&
	    redirect_bad "a duplicate" &&
	    redirect_good && put_redirect "${s}203.0.113.17\n" &&
	    redirect_bad "17 IPv4" &&
	    redirect_good && put_redirect "$R4a$(printf '%4086s' '')" &&
	    redirect_bad "4097 bytes" &&
	    redirect_good && put_redirect "$R4a\n\000\n" &&
	    redirect_bad "a NUL" &&
	    redirect_good && rm -f "$rf" && mkdir "$rf" &&
	    redirect_bad "a directory" && rmdir "$rf" &&
	    redirect_good && pass || fail
}

# rcodes: the rcode of every framed reply in $hex, one line.
rcodes() {
	printf '%s\n' "$hex" | awk '
	function h(x,  d) {
		d = "0123456789abcdef"
		return (index(d, substr(x, 1, 1)) - 1) * 16 +\
		    index(d, substr(x, 2, 1)) - 1
	}
	{ i = 1; s = ""
	  while (i + 1 <= NF) {
		l = h($i) * 256 + h($(i + 1))
		if (i + 5 <= NF) s = s " " h($(i + 5)) % 16
		i += 2 + l
	  }
	  print substr(s, 2) }'
}

t_drain_up_to_8_files_9th_rejected() {
	d=
	i=1
	while [ $i -le 8 ]; do
		rm -f "$tmp/drain$i"
		d="$d -d $tmp/drain$i"
		i=$((i + 1))
	done
	pipe_ask "$(q 1 $ZONE 1)" $d $ARGS && rcode_is 0 || {
		fail "no file: $why"; return; }
	# (parse uses $i.)
	for dn in 1 5 8; do
		: >"$tmp/drain$dn"
		pipe_ask "$(q 1 $ZONE 1)" $d $ARGS && rcode_is 5 || {
			fail "only drain$dn: $why"; return; }
		rm -f "$tmp/drain$dn"
	done
	bad_args "$tmp/drain9" $d -d "$tmp/drain9" $ARGS && pass || fail
}

# A stat(2) error but ENOENT or ENOTDIR (ELOOP, and EACCES when not root)
# means drained, logged once per change of state (with -v: a pipe is a
# process that logs what it finds at its first query only with -v).
t_drain_fails_closed_on_stat_error() {
	dl=$tmp/drain.loop
	rm -f "$dl"
	s="$(frame "$(q 1 $ZONE 1)")$(frame "$(q 2 $ZONE 28)")"
	s="$s$(frame "$(q 3 $ZONE 6)")"
	pipe_raw "$s" -d "$dl" $ARGS
	[ "$(rcodes)" = "0 0 0" ] && [ ! -s "$tmp/err" ] || {
		fail "no file: rcodes '$(rcodes)', $(tr '\n' '|' <"$tmp/err")"
		return; }
	ln -s "$dl" "$dl"
	pipe_raw "$s" -v -d "$dl" $ARGS
	e=$(grep -cF "$dl" "$tmp/err")
	[ "$(rcodes)" = "5 5 5" ] && [ "$e" -eq 1 ] || {
		fail "ELOOP: rcodes '$(rcodes)', $e lines: $(tr '\n' '|' \
		    <"$tmp/err")"
		return; }
	rm -f "$dl"
	[ "$(id -u)" -eq 0 ] && { pass; return; }
	mkdir -p "$tmp/locked"
	: >"$tmp/locked/down"
	chmod 0 "$tmp/locked"
	pipe_raw "$s" -v -d "$tmp/locked/down" $ARGS
	e=$(grep -cF "$tmp/locked/down" "$tmp/err")
	chmod 700 "$tmp/locked"
	[ "$(rcodes)" = "5 5 5" ] && [ "$e" -eq 1 ] && pass ||
	    fail "EACCES: rcodes '$(rcodes)', $e lines: $(tr '\n' '|' \
	    <"$tmp/err")"
}

# ---------------------------------------------------------------- start-up

t_rejects_health_check_option() {
	bad_args -c -c 127.0.0.1:80 $ARGS && pass || fail
}

t_rejects_options_given_twice() {
	for o in "-r $tmp/r" "-i 5" "-t 30"; do
		pipe_ask "$(q 1 $ZONE 1)" $o $ARGS && rcode_is 0 || {
			fail "once: $o: $why"; return; }
	done
	bad_args "$tmp/r2" -r "$tmp/r" -r "$tmp/r2" $ARGS &&
	    bad_args '-i' -i 5 -i 6 $ARGS && bad_args '-t' -t 30 -t 40 $ARGS &&
	    pass || fail
}

# A zone of 244 octets still fits hostmaster.ZONE in 255; 245 cannot.
t_rejects_zone_too_long_for_soa_rname() {
	l=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
	b=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
	z=$l.$l.$l.${b}c
	free_port
	serve udp 127.0.0.1 -- -i 30 -n $NS1 "$l.$l.$l.$b" $V4 &&
	    ask @127.0.0.1 "$l.$l.$l.$b" SOA && expect NOERROR aa &&
	    count ANSWER 1 && ask @127.0.0.1 "$l.$l.$l.$b" MX &&
	    expect NOERROR aa && count AUTHORITY 1 &&
	    ask @127.0.0.1 "x.$l.$l.$l.$b" A && expect NXDOMAIN aa &&
	    count AUTHORITY 1 ||
	    { fail "244 octets: $why"; return; }
	bad_args "$z" -n $NS1 "$z" $V4 && pass || fail
}

t_rejects_duplicate_nameservers() {
	pipe_ask "$(q 1 $ZONE 2)" -n ns1.example.com -n ns1.example.net \
	    $ZONE $V4 && rcode_is 0 || { fail "control: $why"; return; }
	bad_args NS1.Example.COM. -n ns1.example.com -n NS1.Example.COM. \
	    $ZONE $V4 && bad_args ns1.example.com -n ns1.example.com. \
	    -n ns1.example.com $ZONE $V4 && pass || fail
}

t_rejects_duplicate_addresses() {
	pipe_ask "$(q 1 $ZONE 1)" -n $NS1 $ZONE $V4 198.51.100.2 $V6 \
	    2001:db8::2 && rcode_is 0 || { fail "control: $why"; return; }
	bad_args $V4 -n $NS1 $ZONE $V4 $V6 $V4 &&
	    bad_args 2001:DB8:0::1 -n $NS1 $ZONE $V6 2001:DB8:0::1 && pass ||
	    fail
}

t_rejects_v4_mapped_address() {
	pipe_ask "$(q 1 $ZONE 28)" -n $NS1 $ZONE 2001:db8::ffff:c633:6401 &&
	    rcode_is 0 || { fail "control: $why"; return; }
	bad_args ::ffff:198.51.100.1 -n $NS1 $ZONE $V4 ::ffff:198.51.100.1 &&
	    bad_args ::FFFF:c633:6401 -n $NS1 $ZONE ::FFFF:c633:6401 && pass ||
	    fail
}

t_rejects_nameserver_at_or_below_zone() {
	pipe_ask "$(q 1 $ZONE 2)" -n example.com -n xwww.example.com \
	    -n ns.www.example.org $ZONE $V4 && rcode_is 0 || {
		fail "control: $why"; return; }
	bad_args ns.$ZONE -n $NS1 -n ns.$ZONE $ZONE $V4 &&
	    bad_args WWW.EXAMPLE.COM. -n WWW.EXAMPLE.COM. $ZONE $V4 &&
	    bad_args a.b.$ZONE -n a.b.$ZONE $ZONE $V4 && pass || fail
}

# ---------------------------------------------------------------- transport

# An LD_PRELOAD shim makes the first recvmsg fail with EHOSTUNREACH and
# the first sendmsg with ENOBUFS, and notes each sendmsg's MSG_DONTWAIT.
t_transport_errors_not_fatal() {
	command -v cc >/dev/null 2>&1 || { skip "no cc"; return; }
	cat >"$tmp/shim.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

static int nrecv, nsend;

static void
note(const char *s)
{
	const char *p = getenv("SHIM_LOG");
	FILE *f;

	if (p != NULL && (f = fopen(p, "a")) != NULL) {
		fputs(s, f);
		fclose(f);
	}
}

__attribute__((constructor)) static void
loaded(void)
{
	note("loaded\n");
}

ssize_t
recvmsg(int fd, struct msghdr *m, int flags)
{
	ssize_t (*real)(int, struct msghdr *, int) =
	    (ssize_t (*)(int, struct msghdr *, int))dlsym(RTLD_NEXT, "recvmsg");

	if (nrecv++ == 0) {
		note("recvmsg failed\n");
		errno = EHOSTUNREACH;
		return -1;
	}
	return real(fd, m, flags);
}

ssize_t
sendmsg(int fd, const struct msghdr *m, int flags)
{
	ssize_t (*real)(int, const struct msghdr *, int) =
	    (ssize_t (*)(int, const struct msghdr *, int))dlsym(RTLD_NEXT,
	    "sendmsg");

	note(flags & MSG_DONTWAIT ? "sendmsg dontwait\n" :
	    "sendmsg blocking\n");
	if (nsend++ == 0) {
		errno = ENOBUFS;
		return -1;
	}
	return real(fd, m, flags);
}
EOF
	cc -shared -fPIC -o "$tmp/shim.so" "$tmp/shim.c" -ldl \
	    >"$tmp/cc.err" 2>&1 || {
		skip "cc cannot build a shared object: $(head -n 1 \
		    "$tmp/cc.err")"
		return; }
	sl=$tmp/shim.log
	rm -f "$sl"
	LD_PRELOAD=$tmp/shim.so SHIM_LOG=$sl /bin/sh -c : 2>"$tmp/ld.err"
	grep -q loaded "$sl" 2>/dev/null || {
		skip "LD_PRELOAD does not work: $(head -n 1 "$tmp/ld.err")"
		return; }
	rm -f "$sl"
	printf '#!/bin/sh\nLD_PRELOAD=%s SHIM_LOG=%s exec "%s" "$@"\n' \
	    "$tmp/shim.so" "$sl" "$FDNS" >"$tmp/shimmed"
	chmod +x "$tmp/shimmed"
	real=$FDNS
	FDNS=$tmp/shimmed
	free_port
	serve udp 127.0.0.1 -- -v -i 30 $ARGS
	ok=$?
	FDNS=$real
	if [ $ok -ne 0 ]; then
		grep -q loaded "$sl" 2>/dev/null || {
			skip "the binary does not take the shim: $(tr '\n' \
			    '|' <"$log")"
			return; }
		fail
		return
	fi
	# The first query meets both errors and gets no reply.
	ask @127.0.0.1 +time=1 $ZONE A
	grep -q loaded "$sl" 2>/dev/null || {
		skip "the binary does not take the shim (static?)"; return; }
	grep -q 'recvmsg failed' "$sl" || {
		fail "shim: recvmsg not called"; return; }
	ask @127.0.0.1 $ZONE A && expect NOERROR aa &&
	    has ANSWER "$ZONE. 60 IN A $V4" &&
	    ask @127.0.0.1 $ZONE AAAA && expect NOERROR aa || {
		fail "after the errors: $why; log: $(tr '\n' '|' <"$log")"
		return; }
	grep -q 'recvmsg: ' "$log" && grep -q 'sendmsg: ' "$log" || {
		fail "errors not logged with -v: $(tr '\n' '|' <"$log")"
		return; }
	grep -q 'sendmsg blocking' "$sl" && {
		fail "sendmsg without MSG_DONTWAIT"; return; }
	[ "$(grep -c 'sendmsg dontwait' "$sl")" -ge 3 ] && pass ||
	    fail "shim log: $(tr '\n' '|' <"$sl")"
}

# ---------------------------------------------------------------- fd 2

# fd2_socket MODE: pipe mode with -v, fd 2 one end of an AF_UNIX
# socketpair (MODE journal: named by $JOURNAL_STREAM); prints the exit
# status, the reply bytes and the bytes that reached the other end.
fd2_socket() {
	printf "$(frame "$(q 1 $ZONE 1)")" >"$tmp/in"
	/usr/bin/python3 - "$FDNS" "$tmp/in" "$1" $ARGS <<'EOF'
import os, socket, subprocess, sys
fdns, infile, mode = sys.argv[1:4]
a, b = socket.socketpair()
env = dict(os.environ)
env.pop("JOURNAL_STREAM", None)
if mode == "journal":
    st = os.fstat(b.fileno())
    env["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino)
with open(infile, "rb") as f:
    query = f.read()
p = subprocess.run([fdns, "-v"] + sys.argv[4:], input=query,
                   stdout=subprocess.PIPE, stderr=b.fileno(), env=env,
                   timeout=10)
b.close()
a.settimeout(5)
got = b""
while True:
    c = a.recv(65536)
    if not c:
        break
    got += c
print(p.returncode, len(p.stdout), len(got))
EOF
}

t_no_diagnostics_on_connected_socket_fd2() {
	need /usr/bin/python3 || { fail; return; }
	pipe_raw "$(frame "$(q 1 $ZONE 1)")" -v $ARGS
	grep -q "$ZONE. A NOERROR" "$tmp/err" || {
		fail "control, fd 2 a file: $(tr '\n' '|' <"$tmp/err")"
		return; }
	r=$(fd2_socket journal)
	case $r in
	"0 "[1-9]*" "[1-9]*) ;;
	*) fail "control, journald's stream: '$r' (exit, reply, log bytes)"
	   return ;;
	esac
	r=$(fd2_socket plain)
	case $r in
	"0 "[1-9]*" 0") pass ;;
	*) fail "connected socket on fd 2: '$r' (exit, reply, log bytes)" ;;
	esac
}

# inetd's way: one AF_UNIX stream socket on fds 0, 1 and 2; with -v the
# replies must come back framed, with no log line among them.
t_no_diagnostics_in_stream_on_fd_0_1_2() {
	need /usr/bin/python3 || { fail; return; }
	printf "$(frame "$(q 31 $ZONE 1)")$(frame "$(q 32 nope.$ZONE 1)")" \
	    >"$tmp/in"
	hex=$(/usr/bin/python3 - "$FDNS" "$tmp/in" $ARGS <<'EOF'
import os, socket, subprocess, sys
a, b = socket.socketpair()
env = dict(os.environ)
env.pop("JOURNAL_STREAM", None)
p = subprocess.Popen([sys.argv[1], "-v", "-i", "2"] + sys.argv[3:],
                     stdin=b.fileno(), stdout=b.fileno(), stderr=b.fileno(),
                     env=env)
b.close()
with open(sys.argv[2], "rb") as f:
    a.sendall(f.read())
a.shutdown(socket.SHUT_WR)
a.settimeout(5)
got = b""
try:
    while True:
        c = a.recv(65536)
        if not c:
            break
        got += c
except socket.timeout:
    pass
try:
    p.wait(5)
except subprocess.TimeoutExpired:
    p.kill()
print(" ".join("%02x" % x for x in got))
EOF
)
	rc=0
	parse
	[ -n "$hex" ] && [ -n "$framing_ok" ] && [ "$ids" = "31 32" ] && pass ||
	    fail "ids '$ids', framing ${framing_ok:-broken}: $hex"
}

# ---------------------------------------------------------------- limits

# A stream (here the pipe mode) is closed after 10000 queries.
t_stream_closes_after_10000_queries() {
	need /usr/bin/python3 || { fail; return; }
	a_queries 10001 >"$tmp/many"
	# shellcheck disable=SC2002
	cat "$tmp/many" | timeout 20 "$FDNS" $ARGS >"$tmp/out" 2>"$tmp/err"
	rc=$?
	r=$(/usr/bin/python3 - "$tmp/out" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
i, ids = 0, []
while i + 2 <= len(d):
    l = struct.unpack(">H", d[i:i + 2])[0]
    if l < 12 or i + 2 + l > len(d):
        break
    ids.append(struct.unpack(">H", d[i + 2:i + 4])[0])
    i += 2 + l
inorder = ids == list(range(1, len(ids) + 1))
print(len(ids), "in-order" if inorder else "out-of-order", len(d) - i)
EOF
)
	[ "$r" = "10000 in-order 0" ] && pass ||
	    fail "replies, order, stray bytes: '$r' (exit $rc)"
}

# ================================================================ issue 17
# A redirect decision nobody renews expires (-e), and the second review's
# findings: N1 an unopenable file read once per version, N2 what a new
# process logs, N3 a queued ICMP error, N4 socket types, N7 options after
# the operands, N8 no reset at the TCP cap, N9 NOTIMP without OPT, N10 the
# file gone between stat and open, a second drain error, escaped bytes,
# N11 addresses that are no unicast, N12 the 17th -n.

# in_reply ADDR: the first parsed reply ($r_msg) holds that IPv4 address.
in_reply() {
	h=$(printf %s "$1" | awk -F. '{ printf "%02x %02x %02x %02x", $1, $2, $3, $4 }')
	case " $r_msg " in
	*" $h "*) return 0 ;;
	esac
	why="$1 not in the reply: $r_msg"
	return 1
}

# age_pipe SECONDS-AGO [ARG...]: the file $rf made that old, one A query
# through the pipe mode with -r $rf and ARGs.
age_pipe() {
	touch -d "$1 seconds ago" "$rf"
	shift
	pipe_ask "$(q 1 $ZONE 1)" -r "$rf" "$@" $ARGS && rcode_is 0
}

t_redirect_max_age_pipe() {
	rf=$tmp/redirect.age
	printf '%s\n' $R4a >"$rf"
	age_pipe 3 -e 5 && in_reply $R4a || { fail "3 s old, -e 5: $why"; return; }
	age_pipe 8 -e 5 && in_reply $V4 || { fail "8 s old, -e 5: $why"; return; }
	in_reply $R4a && { fail "8 s old, -e 5: the file was used"; return; }
	age_pipe 100000 && in_reply $R4a || {
		fail "no -e, a day old: $why"; return; }
	age_pipe 86000 -e 86400 && in_reply $R4a || {
		fail "-e 86400: $why"; return; }
	age_pipe 0 -e 1 && in_reply $R4a || { fail "-e 1: $why"; return; }
	bad_args '-e' -e 5 $ARGS && bad_args '-e 0' -r "$rf" -e 0 $ARGS &&
	    bad_args '-e 86401' -r "$rf" -e 86401 $ARGS &&
	    bad_args '-e 6' -r "$rf" -e 5 -e 6 $ARGS &&
	    bad_args '-e x' -r "$rf" -e x $ARGS && pass || fail
}

# A long-lived process notices the ageing of an unchanged file by itself,
# logs it once, and once more when the file is fresh again.
t_redirect_max_age_long_lived() {
	redirect_server -e 2 || { fail; return; }
	got A $V4 || { fail "no file: $why"; return; }
	put_redirect "$R4a\n"
	got A $R4a || { fail "fresh: $why"; return; }
	sleep 3
	got A $V4 && got A $V4 || { fail "3 s later, -e 2: $why"; return; }
	touch "$rf"
	got A $R4a || { fail "touched: $why"; return; }
	s=$(grep -c 'not renewed' "$log")
	f=$(grep -c 'answering with them' "$log")
	[ "$s" -eq 1 ] && [ "$f" -eq 2 ] && pass ||
	    fail "$s 'not renewed' and $f 'answering with them' lines: $(tr '\n' '|' <"$log")"
}

# pub_dir: a directory every user can reach, for a server run as nobody.
pub_dir() {
	[ -n "${pub:-}" ] && [ -d "$pub" ] && return 0
	pub=$(mktemp -d /tmp/failoverdns-test-pub.XXXXXX) || return 1
	chmod 755 "$pub"
}

# as_nobody: FDNS becomes a wrapper that runs it as nobody when we are
# root (so that a mode 0600 file cannot be opened), else as it is; real
# is the old FDNS.  Needs pub_dir.
as_nobody() {
	real=$FDNS
	pre=
	if [ "$(id -u)" = 0 ]; then
		need setpriv || return 1
		pre="setpriv --reuid=65534 --regid=65534 --clear-groups"
	fi
	printf '#!/bin/sh\n%s exec %s"%s" "$@"\n' "${1:-}" "$pre " "$real" \
	    >"$pub/as-nobody"
	chmod 755 "$pub/as-nobody"
	FDNS=$pub/as-nobody
}

# open_shim: builds $pub/open.so: it notes each open of $SHIM_PATH in
# $SHIM_LOG, and with SHIM_ENOENT=1 fails the first one with ENOENT.
open_shim() {
	command -v cc >/dev/null 2>&1 || { why="no cc"; return 1; }
	[ -f "$pub/open.so" ] && return 0
	cat >"$pub/open.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int nopen;

static int
shim(const char *real, const char *path, int flags, va_list ap)
{
	int (*f)(const char *, int, ...) = (int (*)(const char *, int, ...))
	    dlsym(RTLD_NEXT, real);
	const char *p = getenv("SHIM_PATH"), *l = getenv("SHIM_LOG");
	mode_t mode = (flags & O_CREAT) ? va_arg(ap, mode_t) : 0;
	FILE *o;

	if (p != NULL && strcmp(path, p) == 0) {
		if (l != NULL && (o = fopen(l, "a")) != NULL) {
			fputs("open\n", o);
			fclose(o);
		}
		if (nopen++ == 0 && getenv("SHIM_ENOENT") != NULL) {
			errno = ENOENT;
			return -1;
		}
	}
	return f(path, flags, mode);
}

/* open, and open64 where the headers rename it. */
#define WRAP(name)						\
int								\
name(const char *path, int flags, ...)				\
{								\
	va_list ap;						\
	int r;							\
								\
	va_start(ap, flags);					\
	r = shim(#name, path, flags, ap);			\
	va_end(ap);						\
	return r;						\
}
WRAP(open)
WRAP(open64)
EOF
	cc -shared -fPIC -o "$pub/open.so" "$pub/open.c" -ldl \
	    >"$tmp/cc.err" 2>&1 || { why="cc: $(head -n 1 "$tmp/cc.err")"
		return 1; }
	chmod 755 "$pub/open.so"
}

# N1: a file that exists but cannot be opened is opened once per version:
# 1000 queries, one open, one line (pipe mode, -v: see N2).
t_redirect_unopenable_opened_once() {
	need /usr/bin/python3 || { fail; return; }
	pub_dir && open_shim || { skip "open shim: $why"; return; }
	rf=$pub/redirect
	printf '%s\n' $R4a >"$rf"
	chmod 644 "$rf"
	a_queries 1000 >"$pub/many"
	as_nobody "LD_PRELOAD=$pub/open.so SHIM_PATH=$rf SHIM_LOG=$pub/opens" ||
	    { fail; return; }
	: >"$pub/opens"
	chmod 666 "$pub/opens"
	# Control: readable, the file is used.
	pipe_ask "$(q 1 $ZONE 1)" -r "$rf" $ARGS && rcode_is 0 && in_reply $R4a
	ok=$?
	FDNS=$real
	# A static or sanitizer build does not take an LD_PRELOAD shim.
	[ "$(cat "$pub/opens" 2>/dev/null)" = open ] || {
		skip "the binary does not take the shim: $(head -c 200 "$tmp/err")"
		return; }
	[ $ok -eq 0 ] || { fail "readable: $why"; return; }
	FDNS=$pub/as-nobody
	chmod 600 "$rf"
	[ "$(id -u)" = 0 ] || chmod 0 "$rf"
	: >"$pub/opens"
	# shellcheck disable=SC2002
	cat "$pub/many" | timeout 20 "$FDNS" -v -r "$rf" $ARGS \
	    >"$tmp/out" 2>"$tmp/err"
	FDNS=$real
	[ -s "$tmp/out" ] || { fail "no reply: $(head -c 300 "$tmp/err")"
		return; }
	o=$(grep -c open "$pub/opens")
	l=$(grep -cF "$rf" "$tmp/err")
	[ "$o" -eq 1 ] && [ "$l" -eq 1 ] && pass ||
	    fail "$o opens, $l lines for 1000 queries: $(grep -F "$rf" "$tmp/err" | head -n 2 | tr '\n' '|')"
}

# N2: a state a process finds at its first query is not logged by every
# new process (pipe, TCP connection) without -v; with -v it is; a
# long-lived UDP process logs an error once.
t_state_not_logged_by_each_new_process() {
	dl=$tmp/drain.n2
	rm -f "$dl"
	ln -s "$dl" "$dl"
	rf=$tmp/redirect.n2
	printf '%s\n' $R4a >"$rf"
	for k in 1 2 3; do
		pipe_ask "$(q 1 $ZONE 1)" -d "$dl" $ARGS && rcode_is 5 || {
			fail "ELOOP drain, pipe $k: $why"; return; }
		[ -s "$tmp/err" ] && { fail "pipe $k logged: $(cat "$tmp/err")"
			return; }
		pipe_ask "$(q 1 $ZONE 1)" -r "$rf" $ARGS && in_reply $R4a || {
			fail "redirect, pipe $k: $why"; return; }
		[ -s "$tmp/err" ] && { fail "pipe $k logged: $(cat "$tmp/err")"
			return; }
	done
	pipe_ask "$(q 1 $ZONE 1)" -v -d "$dl" $ARGS && rcode_is 5 &&
	    [ "$(grep -c "$dl" "$tmp/err")" -eq 1 ] || {
		fail "-v: $why: $(tr '\n' '|' <"$tmp/err")"; return; }
	free_port
	serve tcp 127.0.0.1 -- -i 2 -r "$rf" $ARGS || { fail; return; }
	for k in 1 2 3; do
		ask @127.0.0.1 +tcp $ZONE A && expect NOERROR aa &&
		    has ANSWER "$ZONE. 60 IN A $R4a" || {
			fail "TCP $k: $why"; return; }
	done
	grep -q "redirect file" "$log" && {
		fail "TCP logged: $(grep "redirect file" "$log")"; return; }
	free_port
	serve udp 127.0.0.1 -- -i 30 -d "$dl" $ARGS || { fail; return; }
	for k in 1 2 3; do
		ask @127.0.0.1 $ZONE A && expect REFUSED || {
			fail "UDP $k: $why"; return; }
	done
	rm -f "$dl"
	[ "$(grep -c "drain file $dl" "$log")" -eq 1 ] && pass ||
	    fail "long-lived UDP: $(tr '\n' '|' <"$log")"
}

# N3: a datagram socket with IP_RECVERR and an ICMP error queued: the
# process answers, then exits after -i 1 without spinning (CPU time well
# below the 1 s it waited).
t_udp_queued_icmp_error_no_spin() {
	need /usr/bin/python3 || { fail; return; }
	r=$(/usr/bin/python3 - "$FDNS" $ARGS <<'EOF' 2>&1
import os, select, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
addr = s.getsockname()
s.setsockopt(socket.IPPROTO_IP, 11, 1)          # IP_RECVERR
closed = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
closed.bind(("127.0.0.1", 0))
port = closed.getsockname()[1]
closed.close()
s.sendto(b"x", ("127.0.0.1", port))             # ICMP port unreachable
time.sleep(0.2)
p = select.poll()
p.register(s, select.POLLIN)
ev = p.poll(0)
if not ev or not ev[0][1] & select.POLLERR:
    print("setup: no POLLERR queued: %r" % ev)
    sys.exit(0)
pid = os.fork()
if pid == 0:
    os.dup2(s.fileno(), 0)
    os.execv(sys.argv[1], [sys.argv[1], "-i", "1"] + sys.argv[2:])
s.close()
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.settimeout(2)
q = bytes.fromhex("123401000001000000000000037777770765"
                  "78616d706c6503636f6d0000010001")
t0 = time.time()
time.sleep(0.2)
c.sendto(q, addr)
try:
    answered = c.recv(512)[:2] == b"\x12\x34"
except socket.timeout:
    answered = False
status = None
while time.time() - t0 < 6:
    w, st, ru = os.wait4(pid, os.WNOHANG)
    if w == pid:
        status = st
        break
    time.sleep(0.05)
if status is None:
    os.kill(pid, 9)
    w, st, ru = os.wait4(pid, 0)
cpu = ru.ru_utime + ru.ru_stime
print("answered" if answered else "unanswered",
      "exited" if status is not None else "hung",
      "cpu %.2f" % cpu, "spin" if cpu > 0.5 else "idle")
EOF
)
	case $r in
	setup:*) skip "$r"; return ;;
	"answered exited cpu "*" idle") pass ;;
	*) fail "$r" ;;
	esac
}

# N4: LISTEN_FDS must be datagram sockets, or one stream socket: a
# SOCK_SEQPACKET beside a datagram socket, or alone, is a usage error.
t_listen_fds_other_socket_types_rejected() {
	need /usr/bin/python3 || { fail; return; }
	for mix in "dgram dgram" "dgram seqpacket" "seqpacket" "dgram stream"; do
		r=$(/usr/bin/python3 - "$FDNS" "$mix" $ARGS <<'EOF' 2>"$tmp/err"
import fcntl, os, socket, sys
kinds = {"dgram": socket.SOCK_DGRAM, "seqpacket": socket.SOCK_SEQPACKET}
chosen, keep = [], []
for k in sys.argv[2].split():
    if k == "stream":       # a connected stream socket, as Accept=yes
        a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        chosen.append(a)
        keep.append(b)
    else:
        chosen.append(socket.socket(socket.AF_UNIX, kinds[k]))
pid = os.fork()
if pid == 0:
    high = [fcntl.fcntl(s.fileno(), fcntl.F_DUPFD, 100) for s in chosen]
    for i, fd in enumerate(high):
        os.dup2(fd, 3 + i)
    os.dup2(os.open("/dev/null", os.O_RDWR), 0)
    os.environ["LISTEN_PID"] = str(os.getpid())
    os.environ["LISTEN_FDS"] = str(len(chosen))
    os.execv(sys.argv[1], [sys.argv[1], "-i", "1"] + sys.argv[3:])
w, st = os.waitpid(pid, 0)
print(os.WEXITSTATUS(st) if os.WIFEXITED(st) else "signal")
EOF
)
		case "$mix:$r" in
		"dgram dgram:0") ;;
		"dgram dgram:"*) fail "two datagram sockets: exit '$r'"; return ;;
		*:1) ;;
		*) fail "$mix: exit '$r', not 1: $(head -c 300 "$tmp/err")"
			return ;;
		esac
	done
	pass
}

# N7: options after the operands are operands, with glibc as with musl.
t_options_after_operands_are_operands() {
	pipe_ask "$(q 1 $ZONE 1)" -v -n $NS1 $ZONE $V4 && rcode_is 0 || {
		fail "control: $why"; return; }
	bad_args '-v' -n $NS1 $ZONE $V4 -v || { fail "$FDNS: $why"; return; }
	if ! command -v musl-gcc >/dev/null 2>&1; then
		[ -n "${FAILOVERDNS_CI:-}" ] && { fail "no musl-gcc"; return; }
		skip "musl-gcc (package musl-tools) is not installed"
		return
	fi
	musl-gcc -std=c99 -O2 -static -o "$tmp/fdns-musl" failoverdns.c \
	    2>"$tmp/cc.err" || { fail "musl build: $(head -n 2 "$tmp/cc.err")"
		return; }
	real=$FDNS
	FDNS=$tmp/fdns-musl
	pipe_ask "$(q 1 $ZONE 1)" -v -n $NS1 $ZONE $V4 && rcode_is 0 &&
	    bad_args '-v' -n $NS1 $ZONE $V4 -v && ok=1 || ok=
	FDNS=$real
	[ -n "$ok" ] && pass || fail "musl: $why"
}

# N8: a TCP connection closed at the 10000-query cap while more queries
# are queued: every one of the 10000 replies arrives, then a clean end.
t_tcp_cap_loses_no_reply() {
	need /usr/bin/python3 || { fail; return; }
	main_tcp || { fail; return; }
	r=$(/usr/bin/python3 - "$port" 10400 $ZONE <<'EOF' 2>&1
import socket, struct, sys, threading
port, n, zone = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
name = b"".join(bytes([len(l)]) + l.encode() for l in zone.split(".")) + b"\0"
data = bytearray()
for i in range(n):
    m = struct.pack(">6H", i % 65536, 0, 1, 0, 0, 0) + name + struct.pack(">2H", 1, 1)
    data += struct.pack(">H", len(m)) + m
s = socket.create_connection(("127.0.0.1", port), timeout=20)
def send():
    try:
        s.sendall(data)
    except OSError:
        pass
t = threading.Thread(target=send)
t.start()
got, end = bytearray(), "eof"
try:
    while True:
        c = s.recv(65536)
        if not c:
            break
        got += c
except ConnectionResetError:
    end = "reset"
except socket.timeout:
    end = "timeout"
t.join(5)
i = k = 0
while i + 2 <= len(got):
    l = struct.unpack(">H", got[i:i + 2])[0]
    if i + 2 + l > len(got):
        break
    k += 1
    i += 2 + l
print(k, end)
EOF
)
	[ "$r" = "10000 eof" ] && pass || fail "replies, end: '$r'"
}

# N9: NOTIMP is built from the header alone (the opcode is checked before
# the counts): no question and no OPT, as NSD answers (docs/conformance.md).
t_notimp_carries_no_opt() {
	m="$(hdr 7 $((2 << 11)) 1 0 0 1)$(question $ZONE 1)$(opt)"
	pipe_ask "$m" && rcode_is 4 && [ "$r_qd" -eq 0 ] && [ "$r_ar" -eq 0 ] &&
	    [ "$r_op" -eq 2 ] && pass || fail "${why:-qd $r_qd ar $r_ar op $r_op}"
}

# N10: a file removed between the stat and the open is no error (no line),
# and is read at the next query.
t_redirect_gone_before_open_not_logged() {
	pub_dir && open_shim || { skip "open shim: $why"; return; }
	as_nobody "LD_PRELOAD=$pub/open.so SHIM_PATH=$pub/redirect.g SHIM_LOG=$pub/opens.g SHIM_ENOENT=1" ||
	    { fail; return; }
	rf=$pub/redirect.g
	rm -f "$rf"
	: >"$pub/opens.g"
	chmod 666 "$pub/opens.g"
	free_port
	serve udp 127.0.0.1 -- -i 30 -r "$rf" $ARGS
	ok=$?
	FDNS=$real
	[ $ok -eq 0 ] || { fail; return; }
	got A $V4 || {
		grep -q 'ASan\|Sanitizer' "$log" &&
		    skip "the binary does not take the shim: $(grep -m 1 'ASan\|Sanitizer' "$log")" ||
		    fail "no file: $why"
		return; }
	put_redirect "$R4a\n"
	chmod 644 "$rf"
	got A $V4 || { fail "open fails with ENOENT: $why"; return; }
	[ -s "$pub/opens.g" ] || { skip "the shim is not taken"; return; }
	got A $R4a || { fail "next query: $why"; return; }
	grep -qi 'no such file' "$log" && fail "logged: $(tr '\n' '|' <"$log")" ||
	    pass
}

# N10: a second, different stat(2) error of a drain file is logged too.
t_drain_second_error_logged() {
	pub_dir || { fail "no public directory"; return; }
	as_nobody || { fail; return; }
	d=$pub/locked
	mkdir -p "$d"
	rm -f "$d/down"
	chmod 0 "$d"
	free_port
	serve udp 127.0.0.1 -- -i 30 -d "$d/down" $ARGS
	ok=$?
	FDNS=$real
	[ $ok -eq 0 ] || { chmod 755 "$d"; fail; return; }
	ask @127.0.0.1 $ZONE A && expect REFUSED || {
		chmod 755 "$d"; fail "EACCES: $why"; return; }
	chmod 755 "$d"
	ln -s "$d/down" "$d/down"
	ask @127.0.0.1 $ZONE A && expect REFUSED || { fail "ELOOP: $why"; return; }
	rm -f "$d/down"
	ask @127.0.0.1 $ZONE A && expect NOERROR || { fail "gone: $why"; return; }
	a=$(grep -c 'Permission denied' "$log")
	b=$(grep -c 'symbolic links' "$log")
	c=$(grep -c 'checked again' "$log")
	[ "$a$b$c" = 111 ] && pass || fail "EACCES $a, ELOOP $b, again $c: $(tr '\n' '|' <"$log")"
}

# N10: bytes outside printable ASCII in the redirect file reach the log as
# \DDD, never raw.
t_redirect_bytes_escaped_in_log() {
	redirect_server || { fail; return; }
	redirect_good || { fail "$why"; return; }
	put_redirect "$R4a\n\033[31mred\001\n"
	got A $V4 || { fail "$why"; return; }
	esc=$(printf '\033')
	grep -q "$esc" "$log" && { fail "a raw ESC in the log"; return; }
	grep -qF '\027[31mred\001: not an IPv4' "$log" && pass ||
	    fail "not escaped: $(tr '\n' '|' <"$log")"
}

# N11: 0.0.0.0, ::, broadcast, multicast and class E are no answer, on
# the command line or in the redirect file.
t_rejects_addresses_that_are_no_unicast() {
	pipe_ask "$(q 1 $ZONE 1)" -n $NS1 $ZONE 223.255.255.254 1.0.0.0 \
	    2001:db8::ff feff::1 && rcode_is 0 || { fail "control: $why"; return; }
	for a in 0.0.0.0 :: 255.255.255.255 224.0.0.1 239.1.2.3 240.0.0.1 \
	    ff02::1 FF05::2 0:0:0:0:0:0:0:0; do
		bad_args "$a" -n $NS1 $ZONE $V4 "$a" || { fail "$why"; return; }
	done
	redirect_server || { fail; return; }
	nbad=0
	for a in 0.0.0.0 255.255.255.255 224.0.0.1 :: ff02::1; do
		redirect_good && put_redirect "$R4a\n$a\n" && redirect_bad "$a" ||
		    { fail "file: $why"; return; }
	done
	pass
}

# N12: a valid 17th -n is refused for being the 17th.
t_rejects_17th_nameserver_as_17th() {
	a=
	i=1
	while [ $i -le 16 ]; do a="$a -n ns$i.example.net"; i=$((i + 1)); done
	pipe_ask "$(q 1 $ZONE 2)" $a $ZONE $V4 && rcode_is 0 || {
		fail "16: $why"; return; }
	bad_args 'more than 16' $a -n ns17.example.net $ZONE $V4 && pass || fail
}

# The addresses of the redirect file are answered in the file's order.
t_redirect_answered_in_file_order() {
	redirect_server || { fail; return; }
	put_redirect "203.0.113.9\n$R6\n198.51.100.7\n2001:db8::2\n$R4a\n"
	ask @127.0.0.1 +notcp $ZONE A && expect NOERROR aa || {
		fail "A: $why"; return; }
	o_A=$(section ANSWER | awk '{ print $5 }' | tr '\n' ' ')
	ask @127.0.0.1 +notcp $ZONE AAAA && expect NOERROR aa || {
		fail "AAAA: $why"; return; }
	o_AAAA=$(section ANSWER | awk '{ print $5 }' | tr '\n' ' ')
	put_redirect "$R4a\n198.51.100.7\n203.0.113.9\n"
	ask @127.0.0.1 +notcp $ZONE A && expect NOERROR aa || {
		fail "reordered: $why"; return; }
	o2=$(section ANSWER | awk '{ print $5 }' | tr '\n' ' ')
	[ "$o_A" = "203.0.113.9 198.51.100.7 $R4a " ] &&
	    [ "$o_AAAA" = "$R6 2001:db8::2 " ] &&
	    [ "$o2" = "$R4a 198.51.100.7 203.0.113.9 " ] && pass ||
	    fail "A '$o_A', AAAA '$o_AAAA', reordered A '$o2'"
}

# ================================================================ runner

# skip WHY: the current test cannot run here (a tool, a package or a
# privilege it needs is missing).  Call it only after probing for the exact
# thing the test needs; it prints `skip: NAME: WHY` and counts as skipped.
nskip=0
skip() {
	echo "skip: $cur: ${1:-${why:-no reason given}}"
	nskip=$((nskip + 1))
	verdict=1
}

# TESTS=none runs no test of this file (only the suites).
tests=${TESTS:-$(sed -n 's/^\(t_[a-z0-9_]*\)() {$/\1/p' "$self")}
[ "$tests" = none ] && tests=
for cur in $tests; do
	verdict=
	why=
	$cur
	[ -n "$verdict" ] || fail "no verdict"
done

# Extra suites: each prints pass:/FAIL:/skip: lines (see the contract);
# we count them, and a suite that fails without a FAIL line counts once.
[ -n "${FAILOVERDNS_TEST_NESTED:-}" ] && SUITES=none
FAILOVERDNS_TEST_NESTED=1
export FAILOVERDNS_TEST_NESTED
if [ "${SUITES:-}" != none ]; then
	if [ -z "${SUITES:-}" ]; then
		set +f
		for s in tests/*.sh; do
			case $s in
			tests/check.sh | tests/deps.sh) continue ;;
			esac
			[ -f "$s" ] && [ -x "$s" ] && SUITES="${SUITES:-} $s"
		done
		set -f
	fi
	for s in $SUITES; do
		echo "--- $s"
		case $s in
		/*)	run=$s ;;
		*)	run=./$s ;;
		esac
		t0=$(date +%s)
		FAILOVERDNS=$FDNS timeout 1800 "$run" >"$tmp/suite.out" 2>&1 \
		    </dev/null
		st=$?
		cat "$tmp/suite.out"
		p=$(grep -c '^pass: ' "$tmp/suite.out")
		f=$(grep -c '^FAIL: ' "$tmp/suite.out")
		k=$(grep -c '^skip: ' "$tmp/suite.out")
		npass=$((npass + p))
		nfail=$((nfail + f))
		nskip=$((nskip + k))
		if [ $st -ne 0 ] && [ "$f" -eq 0 ]; then
			cur=$s
			fail "exit status $st without a FAIL line"
		fi
		if [ $((p + f + k)) -eq 0 ] && [ $st -eq 0 ]; then
			cur=$s
			fail "no pass:, FAIL: or skip: line"
		fi
		echo "--- $s: $p passed, $f failed, $k skipped in $(($(date +%s) - t0)) s"
	done
fi

echo "$npass passed, $nfail failed, $nskip skipped"
[ $nfail -eq 0 ]
