#!/bin/sh
# tests/health.sh: health/failoverdns-health (issue 13) against listeners
# this suite starts on 127.0.0.1: TCP, HTTP and HTTPS checks up and down,
# fall and rise counted in rounds, the active decision with fail-open, the
# standby decision, the redirect file's content, mode and atomic
# replacement, its removal on TERM, INT and HUP, bad arguments; then the
# shipped unit (systemd-analyze), the runit and s6 run scripts, and, when
# ./failoverdns has -r, failoverdns answering from the file the program wrote.
# Then (issues 16, 17, 19): all mode (-a), the renewal and failoverdns -e,
# #status=/#body=/exec: checks, unknown results, the state file (-s, -q),
# the hook (-x), the detection bound measured, and each finding of the
# health review (addresses, curl -g, the tasks limit, the lock, a read-only
# directory, every exit, the default timeout, failoverdns-drain's exit 3).
#
# The peers' addresses are documentation addresses written into the file;
# nothing is sent to them: every check goes to 127.0.0.1.  Rounds are short
# (-i 0.2) and every wait is polled with a generous bound.
# Prints pass:/FAIL:/skip: lines; exits 0 iff nothing failed.  Needs
# /usr/bin/python3, curl, bash, ss; openssl for the HTTPS checks.

# Deliberate: word splitting of argument lists and of has()'s words; sh -c
# programs in single quotes; ls of our own directories; printf formats.
# shellcheck disable=SC2012,SC2015,SC2016,SC2046,SC2059,SC2086

set -u
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
H=${FAILOVERDNS_HEALTH:-$top/health/failoverdns-health}
FDNS=${FAILOVERDNS:-$top/failoverdns}
PY=/usr/bin/python3

nfail=0
pass() { echo "pass: $1"; }
fail() { echo "FAIL: $1: $2"; nfail=$((nfail + 1)); }
skip() { echo "skip: $1: $2"; }
# need WHAT WHY: a missing package: a skip, under .ci/run (FAILOVERDNS_CI,
# where every package is installed) a failure.
need() {
	if [ -n "${FAILOVERDNS_CI:-}" ]; then
		fail "$1" "$2 (FAILOVERDNS_CI: every package should be installed)"
	else
		skip "$1" "$2"
	fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/failoverdns-health-test.XXXXXX") || exit 2
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	[ -n "${HEALTH_KEEP:-}" ] || rm -rf "$tmp"
	[ -z "${cg:-}" ] || rmdir "$cg" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

for t in curl bash ss; do
	command -v $t >/dev/null 2>&1 || { fail health "missing tool: $t"; exit 1; }
done
[ -x "$PY" ] || { fail health "missing $PY"; exit 1; }

# Ports: 20000-39999 from a place chosen by our PID, free for TCP.
port_next=$((20000 + ($$ * 53) % 19000))
free_port() {
	i=0
	while [ $i -lt 500 ]; do
		port_next=$((port_next + 1))
		[ $port_next -ge 40000 ] && port_next=20000
		i=$((i + 1))
		[ -n "$(ss -Htan "sport = :$port_next" 2>/dev/null)" ] && continue
		port=$port_next
		return 0
	done
	echo "no free port" >&2
	exit 2
}

# until_true SECONDS CMD...: polls CMD every 0.1 s for at most SECONDS.
until_true() {
	n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# The web server: GET /NAME answers 200 while $tmp/flags/NAME exists and
# 503 otherwise; /moved answers 302, /slow answers after 5 s (and writes
# the time it was asked to $tmp/flags.slow).  With CERT
# and KEY, over TLS.  Lives at most 300 s.
mkdir "$tmp/flags"
cat >"$tmp/web.py" <<'EOF'
import http.server, os, ssl, sys, threading, time
port, flags = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        name = self.path.split("?")[0].strip("/")
        if name == "moved":
            self.send_response(302); self.send_header("Location", "/")
        elif name in ("text", "big", "bigearly"):
            body = {"text": b"health: ok, all good\n",
                    "big": b"x" * 70000 + b"late",
                    "bigearly": b"early" + b"x" * 300000}[name]
            self.send_response(200)
            self.send_header("Content-Length", str(len(body))); self.end_headers()
            try:
                self.wfile.write(body)
            except OSError:
                pass
            return
        elif name == "hang":
            if os.path.exists(os.path.join(flags, "hang")):
                time.sleep(5)
            self.send_response(200)
        elif name == "slow12":
            time.sleep(1.2); self.send_response(200)
        elif name == "slow":
            with open(flags + ".slow", "a") as f:
                f.write("%f\n" % time.time())
            time.sleep(5); self.send_response(200)
        elif name.isalnum() and os.path.exists(os.path.join(flags, name)):
            self.send_response(200)
        else:
            self.send_response(503)
        self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a):
        pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), H)
srv.daemon_threads = True
if len(sys.argv) > 3:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
threading.Timer(300, lambda: os._exit(0)).start()
srv.serve_forever()
EOF

# web [CERT KEY]: starts a web server on a free port; sets port, webpid.
listening() { [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }
web() {
	free_port
	$PY "$tmp/web.py" "$port" "$tmp/flags" "$@" 2>>"$tmp/web.err" &
	webpid=$!
	pids="$pids $webpid"
	until_true 10 listening "$port" || fail web "no listener on $port"
}
up() { for f; do : >"$tmp/flags/$f"; done; }
down() { for f; do rm -f "$tmp/flags/$f"; done; }

# start NAME ARG...: starts the program, its stderr in $tmp/NAME.log; sets
# hpid.  SIGINT is set back to its default first: sh ignores it in
# background jobs, and a signal ignored on entry cannot be trapped.
start() {
	name=$1
	shift
	: >"$tmp/$name.log"
	$PY -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$H" "$@" 2>"$tmp/$name.log" &
	hpid=$!
	pids="$pids $hpid"
}
# stop_it: TERM, then wait for the exit (at most 5 s); sets st.
stop_it() {
	kill "$hpid" 2>/dev/null
	until_true 5 gone "$hpid"
	wait "$hpid"
	st=$?
}
gone() { ! kill -0 "$1" 2>/dev/null; }
logged() { grep -q -- "$2" "$tmp/$1.log"; }
# has FILE CONTENT: FILE holds CONTENT (lines given as words).
has() { [ -f "$1" ] && [ "$(cat "$1")" = "$(printf '%s\n' $2)" ]; }
nofile() { [ ! -e "$1" ]; }
show() { sed 's/^/  | /' "$tmp/$1.log" | tail -n "${2:-8}"; }

P=198.51.100.2
Q=203.0.113.3
P6=2001:db8::2

# ------------------------------------------------------------ bad arguments

t_bad_arguments() {
	r=$tmp/r.args
	ok="-r $r -c tcp://127.0.0.1:1"
	# Positive control: the same lines without the error start and run.
	start args $ok -i 0.2
	if until_true 10 logged args "every server unhealthy"; then
		pass "bad arguments: control: a good command line runs"
	else
		fail "bad arguments" "control did not run: $(head -2 "$tmp/args.log")"
	fi
	stop_it
	# The lowest interval, 0.1 s, is accepted; the default timeout is
	# 1.5 s, above Linux's first SYN retransmission (1 s).
	start args $ok -i 0.1
	until_true 10 logged args "every server unhealthy" &&
	    logged args "interval 0.1 s, timeout 1.5 s," &&
	    pass "bad arguments: -i 0.1 runs; the default timeout is 1.5 s" ||
	    fail "bad arguments" "-i 0.1 or the default timeout: $(head -1 "$tmp/args.log")"
	stop_it
	while IFS='|' read -r want args; do
		# shellcheck disable=SC2086
		timeout 10 "$H" $args >"$tmp/out" 2>"$tmp/err"
		rc=$?
		l1=$(sed -n 1p "$tmp/err")
		l2=$(sed -n 2p "$tmp/err")
		if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 2 ] &&
		    [ ! -s "$tmp/out" ] &&
		    case $l1 in "failoverdns-health: $want"*) true ;; *) false ;; esac &&
		    case $l2 in "failoverdns-health: usage: failoverdns-health [-v] [-S | -a addresses]"*) true ;; *) false ;; esac; then
			pass "bad arguments: $args: exit 1, '$l1'"
		else
			fail "bad arguments: $args" "exit $rc, want 1 and '$want...' then usage; got: $(tr '\n' '/' <"$tmp/err")"
		fi
	done <<EOF
-y: unknown option|-y $ok
-x: not an absolute|-x relative $ok
-s: missing|$ok -s
-q: only with nothing else|-q /nonexistent $ok
-i: missing|$ok -i
-i:|-i abc $ok
-i:|-i 0 $ok
-i:|-i 1.2.3 $ok
-i: not a number of seconds from 0.1|-i 0.05 $ok
-i: not a number of seconds from 0.1|-i 0.001 $ok
-t:|-t -1 $ok
-t:|-t 0 $ok
-f:|-f 0 $ok
-u:|-u x $ok
-r: missing|-c tcp://127.0.0.1:1
-c: missing|-r $r
-c:|-r $r -c foo://127.0.0.1/
-c:|-r $r -c tcp://127.0.0.1:99999
-c:|-r $r -c tcp://127.0.0.1
-c:|-r $r -c https://www.example.com/#connect=not.an.address
-c:|-r $r -c https://www.example.com/#bogus
-c:|-r $r -c http://www.example.com/#insecure
-c: status=|-r $r -c http://www.example.com/#status=99
-c: status=|-r $r -c http://www.example.com/#status=300-200
-c: status=|-r $r -c http://www.example.com/#status=200,status=2xx
-c: body=: bad percent|-r $r -c http://www.example.com/#body=%zz
-c: exec: needs an absolute|-r $r -c exec:true
-c: not an executable file|-r $r -c exec:/nonexistent/check
-c: %00 is not allowed|-r $r -c exec:/bin/true,%00
-p:|$ok -p 198.51.100=tcp://127.0.0.1:2
-p:|$ok -p 198.51.100.2
-p:|$ok -p 198.51.100.2,=tcp://127.0.0.1:2
-p:|$ok -p 198.51.100.2=ftp://127.0.0.1/
-p:|$ok -p 2001:db8:::2=tcp://127.0.0.1:2
-S:|-S $ok
-p: '198.51.100.2': given twice|$ok -p 198.51.100.2=tcp://127.0.0.1:2 -p 198.51.100.2=tcp://127.0.0.1:3
-p: '2001:DB8:0::2': given twice|$ok -p 2001:db8::2=tcp://127.0.0.1:2 -p 2001:DB8:0::2=tcp://127.0.0.1:3
-p: '198.51.100.1': given twice|-a 198.51.100.1 $ok -p 198.51.100.1=tcp://127.0.0.1:2
-p: '::ffff:c633:6402': IPv4-mapped|$ok -p ::ffff:c633:6402=tcp://127.0.0.1:2
-p: '0.0.0.0': unspecified|$ok -p 0.0.0.0=tcp://127.0.0.1:2
-p: '::': unspecified|$ok -p ::=tcp://127.0.0.1:2
-p: '255.255.255.255': broadcast|$ok -p 255.255.255.255=tcp://127.0.0.1:2
-p: '224.0.0.1': multicast|$ok -p 224.0.0.1=tcp://127.0.0.1:2
-p: 'ff02::1': multicast|$ok -p 2001:db8::2,ff02::1=tcp://127.0.0.1:2
-p: not IPv4 or IPv6 addresses: '198.51.100.2\c'|$ok -p 198.51.100.2\c=tcp://127.0.0.1:2
-a: not IPv4 or IPv6 addresses: '-n'|-a -n $ok -p 198.51.100.2=tcp://127.0.0.1:2
-p: '198.51.100.17': more than 16 IPv4|$ok -p 198.51.100.1,198.51.100.2,198.51.100.3,198.51.100.4,198.51.100.5,198.51.100.6,198.51.100.7,198.51.100.8=tcp://127.0.0.1:2 -p 198.51.100.9,198.51.100.10,198.51.100.11,198.51.100.12,198.51.100.13,198.51.100.14,198.51.100.15,198.51.100.16,198.51.100.17=tcp://127.0.0.1:3
-a: all mode and standby|-S -a 198.51.100.1 $ok -p 198.51.100.2=tcp://127.0.0.1:2
-a: all mode needs a peer|-a 198.51.100.1 $ok
-a:|-a 198.51.100 $ok -p 198.51.100.2=tcp://127.0.0.1:2
-a:|-a 198.51.100.1, $ok -p 198.51.100.2=tcp://127.0.0.1:2
extra: unexpected|$ok extra
EOF
	# A check that cannot run is a start-up error: http:// without curl.
	mkdir "$tmp/bin"
	for t in sh awk sed grep tr mktemp sleep rm mv chmod dirname cat bash \
	    timeout env flock touch mkdir date head wc; do
		ln -s "$(command -v $t)" "$tmp/bin/$t"
	done
	PATH=$tmp/bin "$H" -r "$tmp/r.nocurl" -c http://127.0.0.1:1/ 2>"$tmp/err"
	rc=$?
	# Control: the same PATH runs a tcp:// check (no curl needed).
	PATH=$tmp/bin timeout 1 "$H" -r "$tmp/r.nocurl" -c tcp://127.0.0.1:1 \
	    2>"$tmp/err2"
	rc2=$?
	if [ $rc -eq 1 ] && grep -q "curl not found" "$tmp/err" && [ $rc2 -eq 124 ]; then
		pass "no curl: http:// is a start-up error (exit 1: $(head -1 "$tmp/err"))"
	else
		fail "no curl" "exit $rc ($(head -1 "$tmp/err")), control exit $rc2 (want 124): $(head -1 "$tmp/err2")"
	fi
}

# ------------------------------------------------------------ checks

# first_round NAME CHECK...: runs the checks (as -c, all in one round,
# -t 2) and stops after the first decision; verdict NAME CHECK then prints
# what -v logged for CHECK in that round.
first_round() {
	name=$1
	shift
	set -- $(for c; do printf ' -c %s' "$c"; done)
	start "$name" -v -i 5 -t 2 -r "$tmp/r.$name" "$@"
	until_true 20 logged "$name" "answering with own addresses"
	stop_it
}
verdict() {
	awk -v p="failoverdns-health: check $2: " \
	    'index($0, p) == 1 { print substr($0, length(p) + 1); exit }' \
	    "$tmp/$1.log"
}

t_checks() {
	web
	wport=$port
	up svc
	free_port
	closed=$port
	cat >"$tmp/want" <<EOF
pass|tcp://127.0.0.1:$wport
Connection refused|tcp://127.0.0.1:$closed
pass|http://127.0.0.1:$wport/svc
pass|http://127.0.0.1:$wport/moved
pass|http://127.0.0.1:$wport/svc?ids[0]=1&x={a,b}
HTTP status 503|http://127.0.0.1:$wport/other
curl: Failed to connect|http://127.0.0.1:$closed/
pass|http://www.example.com:$wport/svc#connect=127.0.0.1
pass|http://127.0.0.1:$wport/other#status=503
HTTP status 200|http://127.0.0.1:$wport/svc#status=204
pass|http://127.0.0.1:$wport/moved#status=200,status=300-399
HTTP status 503|http://127.0.0.1:$wport/other#status=200-299,status=500-502
pass|http://127.0.0.1:$wport/text#body=all%20good
pass|http://127.0.0.1:$wport/text#body=ok%2C%20all,status=200
HTTP status 200, the text is not in the body|http://127.0.0.1:$wport/text#body=bad
HTTP status 200, the text is not in the body|http://127.0.0.1:$wport/big#body=late
pass|http://127.0.0.1:$wport/bigearly#body=early
pass|exec:/bin/true
exit 1|exec:/bin/false
pass (a,b c)|exec:/usr/bin/printf,%25s,a%2Cb%20c
exit 3: x|exec:/bin/sh,-c,echo%20x;%20echo%20y;%20exit%203
no exit within 2 s|exec:/bin/sleep,5
curl: Operation timed out|http://127.0.0.1:$wport/slow
EOF
	first_round checks $(cut -d'|' -f2 "$tmp/want")
	while IFS='|' read -r want check; do
		v=$(verdict checks "$check")
		case $v in
		"$want"*) pass "check $check: $v" ;;
		*) fail "check $check" "got '$v', want '$want'" ;;
		esac
	done <"$tmp/want"
	# Monitoring Plugins (monitoring-plugins-basic) as exec: checks.
	mp=/usr/lib/nagios/plugins
	if [ -x $mp/check_tcp ] && [ -x $mp/check_http ]; then
		cat >"$tmp/want.mp" <<EOF
pass (TCP OK|exec:$mp/check_tcp,-H,127.0.0.1,-p,$wport
exit 2: connect to address 127.0.0.1 and port $closed: Connection refused|exec:$mp/check_tcp,-H,127.0.0.1,-p,$closed
pass (HTTP OK|exec:$mp/check_http,-I,127.0.0.1,-p,$wport,-u,/svc
exit 2: HTTP CRITICAL|exec:$mp/check_http,-I,127.0.0.1,-p,$wport,-u,/other
EOF
		first_round mp $(cut -d'|' -f2 "$tmp/want.mp")
		while IFS='|' read -r want check; do
			v=$(verdict mp "$check")
			case $v in
			"$want"*) pass "check $check: $v" ;;
			*) fail "check $check" "got '$v', want '$want'" ;;
			esac
		done <"$tmp/want.mp"
	else
		need "exec: Monitoring Plugins" "$mp/check_tcp, check_http: monitoring-plugins-basic is not installed"
	fi
	if ! command -v openssl >/dev/null 2>&1; then
		skip "https checks" "openssl is not installed"
		return
	fi
	if ! openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
	    -subj /CN=www.example.com -addext subjectAltName=DNS:www.example.com \
	    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1; then
		skip "https checks" "openssl req could not make a certificate"
		return
	fi
	web "$tmp/cert.pem" "$tmp/key.pem"
	sport=$port
	u=https://www.example.com:$sport
	# With the certificate as the CA (curl reads CURL_CA_BUNDLE), then
	# with the system's CAs.
	cat >"$tmp/want.ca" <<EOF
pass|$u/svc#connect=127.0.0.1
curl: SSL: no alternative certificate subject name|https://other.example.com:$sport/svc#connect=127.0.0.1
HTTP status 503|$u/other#connect=127.0.0.1
EOF
	cat >"$tmp/want.system" <<EOF
curl: SSL certificate problem|$u/svc#connect=127.0.0.1
pass|$u/svc#connect=127.0.0.1,insecure
EOF
	for ca in ca system; do
		if [ $ca = ca ]; then
			export CURL_CA_BUNDLE="$tmp/cert.pem"
		else
			unset CURL_CA_BUNDLE
		fi
		first_round "https$ca" $(cut -d'|' -f2 "$tmp/want.$ca")
		while IFS='|' read -r want check; do
			v=$(verdict "https$ca" "$check")
			case $v in
			"$want"*) pass "check $check (CA: $ca): $v" ;;
			*) fail "check $check (CA: $ca)" "got '$v', want '$want'" ;;
			esac
		done <"$tmp/want.$ca"
	done
	unset CURL_CA_BUNDLE
}

# The default timeout (1.5 s) passes an answer that takes 1.2 s, as after
# one lost SYN (retransmitted after 1 s); 0.5 s -t does not (control).
t_default_timeout() {
	web
	start dt -v -i 5 -r "$tmp/r.dt" -c "http://127.0.0.1:$port/slow12"
	until_true 10 logged dt "answering with own addresses"
	stop_it
	start dt2 -v -i 5 -t 0.5 -r "$tmp/r.dt" -c "http://127.0.0.1:$port/slow12"
	until_true 10 logged dt2 "answering with own addresses"
	stop_it
	v=$(verdict dt "http://127.0.0.1:$port/slow12")
	v2=$(verdict dt2 "http://127.0.0.1:$port/slow12")
	case $v/$v2 in
	pass/curl:*) pass "default timeout: a 1.2 s answer passes (with -t 0.5: $v2)" ;;
	*) fail "default timeout" "1.2 s answer: '$v' (want pass); with -t 0.5: '$v2' (want a failure)" ;;
	esac
}

# A check that cannot run (curl gone at run time) is "unknown": no state
# changes, logged once.  Control: with curl back, a failing local check
# redirects within a few rounds.
t_unknown() {
	web
	u=http://127.0.0.1:$port
	r=$tmp/r.uk
	mkdir -p "$tmp/bin2"
	for f in /usr/bin/* /usr/sbin/*; do
		[ "${f##*/}" = curl ] || ln -sf "$f" "$tmp/bin2/${f##*/}" 2>/dev/null
	done
	ln -sf "$(command -v curl)" "$tmp/bin2/curl"
	up ul up1
	PATH=$tmp/bin2 start uk -i 0.2 -t 1 -f 1 -u 1 -r "$r" -s "$tmp/uk.prom" \
	    -c "$u/ul" -p "$P=$u/up1"
	until_true 10 logged uk "local service up"
	rm -f "$tmp/bin2/curl"
	until_true 10 logged uk "local: unknown, state kept (up)"
	sleep 1
	n=$(grep -c "unknown, state kept" "$tmp/uk.log")
	if nofile "$r" && ! logged uk "down" && [ "$n" -eq 2 ] &&
	    [ "$(metric "$tmp/uk.prom" 'failoverdns_health_unknown{server="local"}')" = 1 ] &&
	    [ "$(metric "$tmp/uk.prom" 'failoverdns_health_up{server="local"}')" = 1 ] &&
	    [ "$(metric "$tmp/uk.prom" "failoverdns_health_check_result{server=\"local\",check=\"$u/ul\"}")" = -1 ]; then
		pass "unknown: curl gone: no state change, no redirect, logged once per service; the state file: unknown 1, up 1, result -1"
	else
		fail unknown "curl gone: file '$(cat "$r" 2>/dev/null)', $n unknown lines"
		show uk
	fi
	ln -sf "$(command -v curl)" "$tmp/bin2/curl"
	down ul
	if until_true 10 has "$r" "$P" && logged uk "local: results again"; then
		pass "unknown: control: curl back, local 503: redirected to $P"
	else
		fail unknown "control: no redirect with curl back"
		show uk
	fi
	# A curl too old for an option (as Debian 11's for -w %{exitcode}):
	# exit 2.  Unknown again: the down state and the redirect stay.
	rm -f "$tmp/bin2/curl"
	printf '#!/bin/sh\necho "curl: option -g: is unknown" >&2\nexit 2\n' >"$tmp/bin2/curl"
	chmod 755 "$tmp/bin2/curl"
	up ul
	if until_true 10 logged uk "local: unknown, state kept (down): .*exit 2" &&
	    sleep 1 && has "$r" "$P" && ! logged uk "local: up after"; then
		pass "unknown: a curl that exits 2 (unknown option): the down state and the redirect stay"
	else
		fail unknown "old curl: file '$(cat "$r" 2>/dev/null)'"
		show uk
	fi
	stop_it
}

# All checks of a round run at once: four checks that each take the whole
# timeout (2 s) all reach the server within 3 s (one after the other, they
# would take at least 6 s).
t_parallel() {
	web
	rm -f "$tmp/flags.slow"
	start par -v -i 0.2 -t 2 -r "$tmp/r.par" \
	    -c "http://127.0.0.1:$port/slow" -p "$P=http://127.0.0.1:$port/slow" \
	    -p "$Q=http://127.0.0.1:$port/slow" -p "$P6=http://127.0.0.1:$port/slow"
	until_true 30 logged par "every server unhealthy"
	stop_it
	spread=$(head -4 "$tmp/flags.slow" | sort -n |
	    awk 'NR == 1 { a = $1 } { b = $1; n++ } END { if (n == 4) printf "%d", (b - a) * 1000 }')
	n=$(grep -c "check .*timed out" "$tmp/par.log")
	if [ "$n" -ge 4 ] && [ -n "$spread" ] && [ "$spread" -lt 3000 ]; then
		pass "parallel: 4 checks of 2 s each reached the server within $spread ms"
	else
		fail parallel "$n timeouts logged; the 4 requests arrived over ${spread:-?} ms (want < 3000)"
		show par
	fi
}

# ------------------------------------------------------------ decisions

# Active, TCP: the local listener goes away and comes back.
t_tcp_active() {
	web
	lport=$port
	lpid=$webpid
	web
	pport=$port
	r=$tmp/r.tcp
	start tcp -i 0.2 -t 1 -f 1 -u 1 -r "$r" -c "tcp://127.0.0.1:$lport" \
	    -p "$P=tcp://127.0.0.1:$pport"
	if until_true 10 logged tcp "local service up: answering with own" &&
	    nofile "$r"; then
		pass "tcp: local up: no redirect file"
	else
		fail tcp "local up: no decision, or a file"
		show tcp
	fi
	# Another program's file, while the decision is our own addresses:
	# removed again.
	echo 192.0.2.99 >"$r"
	if until_true 10 nofile "$r" &&
	    logged tcp "changed by another program: made right again"; then
		pass "tcp: a file written by another program is removed again"
	else
		fail tcp "another program's file stayed: $(cat "$r" 2>/dev/null)"
		show tcp
	fi
	kill "$lpid"
	if until_true 10 has "$r" "$P"; then
		pass "tcp: local listener gone: redirect file says $P"
	else
		fail tcp "no redirect to $P after the listener stopped"
		show tcp
	fi
	# Removed or changed by hand while redirecting: written again.
	rm -f "$r"
	until_true 10 has "$r" "$P" && a=rewritten || a=gone
	echo 192.0.2.99 >"$r"
	until_true 10 has "$r" "$P" && b=rewritten || b="$(cat "$r")"
	if [ "$a/$b" = rewritten/rewritten ]; then
		pass "tcp: the file removed, then changed, by hand: written again"
	else
		fail tcp "removed by hand: $a; changed by hand: $b"
		show tcp
	fi
	$PY "$tmp/web.py" "$lport" "$tmp/flags" 2>>"$tmp/web.err" &
	pids="$pids $!"
	if until_true 10 nofile "$r"; then
		pass "tcp: local listener back: redirect file removed"
	else
		fail tcp "the file stayed after the listener came back"
		show tcp
	fi
	stop_it
}

# Active, HTTP: two local checks (one answering 302) must both pass; the
# file carries the peer's IPv4 and IPv6 addresses.
t_http_active() {
	web
	u=http://127.0.0.1:$port
	r=$tmp/r.http
	up hl hp
	start http -i 0.2 -t 1 -f 1 -u 1 -r "$r" -c "$u/hl" -c "$u/moved" \
	    -p "$P,$P6=$u/hp"
	if until_true 10 logged http "local service up" && nofile "$r"; then
		pass "http: 200 and 302: local up, no redirect file"
	else
		fail http "local up: no decision, or a file"
		show http
	fi
	down hl
	if until_true 10 has "$r" "$P $P6"; then
		pass "http: local 503: the file is '$(tr '\n' ' ' <"$r")'"
	else
		fail http "no redirect to $P $P6: $(cat "$r" 2>&1)"
		show http
	fi
	mode=$(stat -c %a "$r")
	[ "$mode" = 644 ] && pass "http: the file's mode is 644" ||
	    fail http "the file's mode is $mode, want 644"
	up hl
	if until_true 10 nofile "$r"; then
		pass "http: local 200 again: file removed"
	else
		fail http "the file stayed"
	fi
	stop_it
}

# rounds LOG URL MESSAGE: how many results of URL in a row, all pass or all
# fail, preceded the first MESSAGE line.
rounds() {
	awk -v u="check $2: " -v m="$3" '
	    index($0, m) { print n; exit }
	    index($0, u) { v = substr($0, index($0, u) + length(u))
		if (v != last) n = 0
		n++; last = v }' "$tmp/$1.log"
}

# Fall and rise are counted in rounds: -f 3 -u 2.
t_fall_rise() {
	web
	u=http://127.0.0.1:$port
	r=$tmp/r.fr
	up fl fp
	start fr -v -i 0.2 -t 1 -f 3 -u 2 -r "$r" -c "$u/fl" -p "$P=$u/fp"
	until_true 10 logged fr "local service up" ||
	    fail "fall/rise" "no first decision"
	down fl
	until_true 10 has "$r" "$P"
	until_true 10 logged fr "local: down after 3 failures"
	n=$(rounds fr "$u/fl" "local: down after")
	if [ "${n:-0}" = 3 ] && has "$r" "$P"; then
		pass "fall: down after 3 failing rounds in a row, then the file"
	else
		fail fall "${n:-no} failing rounds before down, want 3"
		show fr 20
	fi
	up fl
	until_true 10 nofile "$r"
	n=$(rounds fr "$u/fl" "local: up after")
	if [ "${n:-0}" = 2 ] && nofile "$r"; then
		pass "rise: up after 2 passing rounds in a row, file removed"
	else
		fail rise "${n:-no} passing rounds before up, want 2"
		show fr 20
	fi
	stop_it
	# A single failing round does not count as down (-f 2).  -i 1 leaves
	# time to put the flag back before the next round.
	up fl
	start flap -v -i 1 -t 1 -f 2 -u 1 -r "$tmp/r.flap" -c "$u/fl" \
	    -p "$P=$u/fp"
	until_true 10 logged flap "local service up"
	down fl
	until_true 10 logged flap "check $u/fl: HTTP status 503"
	up fl
	n0=$(grep -c "check $u/fl: pass" "$tmp/flap.log")
	until_true 10 passes_after flap "$u/fl" $((n0 + 2))
	n=$(grep -c "check $u/fl: HTTP status 503" "$tmp/flap.log")
	if [ "$n" -eq 1 ] && ! logged flap "local: down" && nofile "$tmp/r.flap"; then
		pass "fall: one failing round with -f 2 changes nothing"
	elif [ "$n" -eq 1 ]; then
		fail fall "one failing round made a change"
		show flap 12
	else
		skip "fall, one round" "the flag was back only after $n rounds (slow machine)"
	fi
	stop_it
}
passes_after() { [ "$(grep -c "check $2: pass" "$tmp/$1.log")" -ge "$3" ]; }

# Active with two peers: both in the file; both down too: fail open.
t_fail_open() {
	web
	u=http://127.0.0.1:$port
	r=$tmp/r.fo
	up ol op1 op2
	start fo -i 0.2 -t 1 -f 1 -u 1 -r "$r" -c "$u/ol" -p "$P=$u/op1" \
	    -p "$Q=$u/op2"
	until_true 10 logged fo "local service up"
	down ol
	if until_true 10 has "$r" "$P $Q"; then
		pass "active: local down, two peers up: the file holds both, in order"
	else
		fail "fail open" "control: no file with $P $Q"
		show fo
	fi
	down op1 op2
	if until_true 10 nofile "$r" &&
	    logged fo "every server unhealthy: answering with own addresses"; then
		pass "fail open: local and both peers down: no file, and the log says so"
	else
		fail "fail open" "file or log wrong: $(cat "$r" 2>&1)"
		show fo
	fi
	up op2
	if until_true 10 has "$r" "$Q"; then
		pass "active: the second peer back: the file holds $Q only"
	else
		fail "fail open" "no file with $Q after it came back"
	fi
	stop_it
}

# Standby: the first healthy peer, whatever the local check says.
t_standby() {
	web
	u=http://127.0.0.1:$port
	r=$tmp/r.sb
	up sl sp1 sp2
	start sb -S -i 0.2 -t 1 -f 1 -u 1 -r "$r" -c "$u/sl" -p "$P=$u/sp1" \
	    -p "$Q=$u/sp2"
	if until_true 10 has "$r" "$P"; then
		pass "standby: both peers up: the file holds the first, $P"
	else
		fail standby "no file with $P: $(cat "$r" 2>&1)"
		show sb
	fi
	down sp1
	if until_true 10 has "$r" "$Q"; then
		pass "standby: first peer down: the file holds the second, $Q"
	else
		fail standby "no file with $Q"
	fi
	down sp2
	if until_true 10 nofile "$r" &&
	    logged sb "standby: no peer up: answering with own addresses"; then
		pass "standby: no peer up: no file (own addresses)"
	else
		fail standby "file stayed with no peer up"
		show sb
	fi
	down sl
	until_true 10 logged sb "every server unhealthy"
	up sp1
	if until_true 10 has "$r" "$P"; then
		pass "standby: local down, first peer back: the file holds $P"
	else
		fail standby "no file with $P after it came back"
	fi
	stop_it
}

# All mode (-a): every healthy server, own first, then the peers in -p
# order; own only: no file; nobody up: every server, own first (fail open).
t_all() {
	web
	u=http://127.0.0.1:$port
	r=$tmp/r.all
	O=198.51.100.1
	O6=2001:db8::1
	up al ap1 ap2
	start all -a "$O,$O6" -i 0.2 -t 1 -f 1 -u 1 -r "$r" -c "$u/al" \
	    -p "$P=$u/ap1" -p "$Q,$P6=$u/ap2"
	if until_true 10 has "$r" "$O $O6 $P $Q $P6"; then
		pass "all: everybody up: the file lists own first, then the peers in -p order"
	else
		fail all "everybody up: want '$O $O6 $P $Q $P6', got '$({ tr '\n' ' ' <"$r"; } 2>&1)'"
		show all
	fi
	down ap1
	if until_true 10 has "$r" "$O $O6 $Q $P6"; then
		pass "all: first peer down: left out of the file"
	else
		fail all "first peer down: got '$({ tr '\n' ' ' <"$r"; } 2>&1)'"
	fi
	down ap2
	if until_true 10 nofile "$r" && logged all "all: no peer up: answering with own"; then
		pass "all: only own up: no file (own addresses)"
	else
		fail all "only own up: got '$({ tr '\n' ' ' <"$r"; } 2>&1)'"
	fi
	up ap2
	down al
	if until_true 10 has "$r" "$Q $P6"; then
		pass "all: local down, second peer up: the file lists only that peer"
	else
		fail all "local down: got '$({ tr '\n' ' ' <"$r"; } 2>&1)'"
	fi
	down ap2
	if until_true 10 has "$r" "$O $O6 $P $Q $P6" &&
	    logged all "every server unhealthy: answering with every server"; then
		pass "all: nobody up: every server, own first (fail open, logged)"
	else
		fail all "nobody up: got '$({ tr '\n' ' ' <"$r"; } 2>&1)'"
		show all
	fi
	sleep 1
	n=$(grep -c "every server unhealthy" "$tmp/all.log")
	[ "$n" -eq 1 ] && pass "all: fail open logged once over several rounds" ||
	    fail all "fail open logged $n times"
	up al
	if until_true 10 nofile "$r"; then
		pass "all: local back, no peer up: no file"
	else
		fail all "local back: got '$({ tr '\n' ' ' <"$r"; } 2>&1)'"
	fi
	stop_it
}

# failoverdns answers A and AAAA in the order the file lists them (both
# orders, so that a sorted answer cannot pass).
t_file_order() {
	if [ ! -x "$FDNS" ]; then
		skip "file order" "$FDNS not built"
		return
	fi
	r=$tmp/r.order
	askt() {	# $1: qtype byte (1 A, 28 AAAA); the answer as hex bytes
		printf "\\000\\041\\022\\064\\001\\000\\000\\001\\000\\000\\000\\000\\000\\000\\003www\\007example\\003com\\000\\000\\$1\\000\\001" |
		    "$FDNS" -r "$r" -n ns1.example.com. www.example.com 198.51.100.1 \
		    2>"$tmp/fdns.err" | od -An -v -tx1 | tr -s ' \n' '  '
	}
	# before A B HEX: A occurs in HEX, and before B
	before() { awk -v a="$1" -v b="$2" -v h="$3" \
	    'BEGIN { i = index(h, a); j = index(h, b); exit !(i && j && i < j) }'; }
	a1='c6 33 64 01'
	a2='cb 00 71 03'
	b1='20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01'
	b2='20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02'
	printf '%s\n' 198.51.100.1 203.0.113.3 2001:db8::1 2001:db8::2 >"$r"
	x=$(askt 001); y=$(askt 034)
	printf '%s\n' 2001:db8::2 203.0.113.3 2001:db8::1 198.51.100.1 >"$r"
	x2=$(askt 001); y2=$(askt 034)
	if before "$a1" "$a2" "$x" && before "$b1" "$b2" "$y" &&
	    before "$a2" "$a1" "$x2" && before "$b2" "$b1" "$y2"; then
		pass "failoverdns answers A and AAAA in the file's order (both orders)"
	else
		fail "file order" "A: $x / $x2; AAAA: $y / $y2 ($(head -1 "$tmp/fdns.err"))"
	fi
}

# The detection bound of the man page, fall x max(interval, timeout) +
# timeout, measured: a local service that hangs (its check takes the whole
# timeout, so rounds last the timeout, not the interval), and one that is
# killed (refused at once).  -i 0.2 -t 1 -f 2: bound 3 s (the old
# formula, fall x interval + timeout, said 1.4 s).
t_detect() {
	web
	u=http://127.0.0.1:$port
	r=$tmp/r.det
	rm -f "$tmp/flags/hang"
	up dp
	start det -i 0.2 -t 1 -f 2 -u 2 -r "$r" -c "$u/hang" -p "$P=$u/dp"
	until_true 10 logged det "local service up"
	t0=$(date +%s.%N)
	: >"$tmp/flags/hang"
	until_true 10 has "$r" "$P"
	hung=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	rm -f "$tmp/flags/hang"
	until_true 10 nofile "$r"
	stop_it
	web
	lpid=$webpid
	start det2 -i 0.2 -t 1 -f 2 -u 2 -r "$r" -c "http://127.0.0.1:$port/dp" -p "$P=$u/dp"
	until_true 10 logged det2 "local service up"
	t0=$(date +%s.%N)
	kill "$lpid"
	until_true 10 has "$r" "$P"
	killed=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	stop_it
	if awk -v h="$hung" -v k="$killed" 'BEGIN { exit !(h <= 3.2 && k <= 3.2 && h > 1.4) }'; then
		pass "detect: -i 0.2 -t 1 -f 2: hung ${hung} s, killed ${killed} s to the file (bound 3 s + 0.2 s of polling; hung is above the old 1.4 s)"
	else
		fail detect "hung ${hung} s, killed ${killed} s (want both <= 3.2, hung > 1.4)"
	fi
}

# ------------------------------------------------------------ the file

# Atomic replacement: while the decision flips, a reader that opens the
# file as fast as it can sees only whole contents; each write is a new
# inode; no temporary file is left.
t_atomic() {
	web
	u=http://127.0.0.1:$port
	d=$tmp/atomic
	mkdir "$d"
	r=$d/redirect
	# Whatever the tests before left: local down, ap1 down, ap2 up.
	down al ap1
	up ap2
	start at -i 0.2 -t 1 -f 1 -u 1 -r "$r" -c "$u/al" -p "$P,$P6=$u/ap1" \
	    -p "$Q=$u/ap2"
	until_true 10 has "$r" "$Q"
	i1=$(stat -c %i "$r" 2>/dev/null)
	$PY - "$r" "$tmp/stopreader" >"$tmp/seen" <<'EOF' &
import os, sys, time
seen, end = {}, time.time() + 30
while time.time() < end and not os.path.exists(sys.argv[2]):
    try:
        with open(sys.argv[1]) as f:
            c = f.read()
        seen[c] = seen.get(c, 0) + 1
    except FileNotFoundError:
        seen["(none)"] = seen.get("(none)", 0) + 1
for c, n in seen.items():
    print(n, repr(c))
EOF
	reader=$!
	pids="$pids $reader"
	k=0
	while [ $k -lt 3 ]; do
		up ap1
		until_true 5 has "$r" "$P $P6 $Q"
		# Across one change only: the old file still existed when
		# the new one was made, so their inodes differ; over more
		# changes a file system may hand a freed number out again.
		[ $k -eq 0 ] && i2=$(stat -c %i "$r" 2>/dev/null)
		down ap1
		until_true 5 has "$r" "$Q"
		k=$((k + 1))
	done
	: >"$tmp/stopreader"
	wait $reader
	bad=$(grep -v -e "'198.51.100.2\\\\n2001:db8::2\\\\n203.0.113.3\\\\n'\$" \
	    -e "'203.0.113.3\\\\n'\$" "$tmp/seen")
	reads=$(awk '{ n += $1 } END { print n + 0 }' "$tmp/seen")
	kinds=$(wc -l <"$tmp/seen")
	changes=$(grep -c "redirecting to" "$tmp/at.log")
	if [ -z "$bad" ] && [ "$kinds" -eq 2 ] && [ "$changes" -ge 6 ]; then
		pass "atomic: $reads reads over $changes changes saw only whole contents"
	else
		fail atomic "$changes changes; contents seen: $(tr '\n' ';' <"$tmp/seen")"
	fi
	if [ -n "$i1" ] && [ -n "$i2" ] && [ "$i1" != "$i2" ]; then
		pass "atomic: a new inode after a change ($i1, then $i2)"
	else
		fail atomic "inode '$i1' then '$i2'"
	fi
	left=$(ls -A "$d" | tr '\n' ' ')
	[ "$left" = "redirect redirect.lock redirect.work " ] &&
	    pass "atomic: no temporary file left behind (the lock and the work directory beside the file)" ||
	    fail atomic "the directory holds: $left"
	[ "$changes" -ge 6 ] || show at
	stop_it
	left=$(ls -A "$d" | tr '\n' ' ')
	[ "$left" = "redirect.lock " ] &&
	    pass "atomic: after TERM only the lock file is left" ||
	    fail atomic "after TERM the directory holds: $left"
}

# The file goes when the program ends on TERM, INT or HUP (exit 0); it is
# never there before the first round.
t_signals() {
	web
	u=http://127.0.0.1:$port
	down sgl
	up sgp
	r=$tmp/r.sig
	# A file left behind by a killed program is removed at start.
	echo 203.0.113.99 >"$r"
	start pre -i 5 -t 2 -r "$r" -c "$u/slow" -p "$P=$u/sgp"
	if until_true 10 logged pre started && nofile "$r"; then
		pass "start: no file before the first round (a stale one is removed)"
	else
		fail start "a file before the first round: $(cat "$r" 2>&1)"
	fi
	until_true 10 has "$r" "$P"
	stop_it
	for sig in TERM INT HUP; do
		start "sig$sig" -i 0.2 -r "$r" -c "$u/sgl" -p "$P=$u/sgp"
		if ! until_true 10 has "$r" "$P"; then
			fail "$sig" "control: no redirect file"
			continue
		fi
		kill -s $sig "$hpid"
		until_true 5 gone "$hpid"
		wait "$hpid"
		st=$?
		if nofile "$r" && [ $st -eq 0 ] && logged "sig$sig" "stopped: $sig"; then
			pass "$sig: the file was there, then removed; exit 0"
		else
			fail "$sig" "exit $st; file: $(cat "$r" 2>&1)"
			show "sig$sig" 3
		fi
	done
}

# Renewal (issue 17): while the decision stays, the file's modification
# time advances every round, and is never older than a round plus the
# timeout; the content and the decision stay.
t_renew() {
	web
	u=http://127.0.0.1:$port
	r=$tmp/r.renew
	down nl
	up np
	start renew -i 0.2 -t 1 -f 1 -r "$r" -c "$u/nl" -p "$P=$u/np"
	until_true 10 has "$r" "$P" || { fail renew "control: no file with $P"; show renew; stop_it; return; }
	prev=0 adv=0 k=0 oldest=0
	while [ $k -lt 8 ]; do
		sleep 0.3
		m=$(stat -c %.9Y "$r" 2>/dev/null) || m=0
		now=$(date +%s.%N)
		adv=$(awk -v a="$m" -v b="$prev" -v n="$adv" 'BEGIN { print n + (a > b) }')
		oldest=$(awk -v a="$m" -v t="$now" -v o="$oldest" 'BEGIN { d = t - a; print (d > o ? d : o) }')
		prev=$m
		k=$((k + 1))
	done
	n=$(grep -c "redirecting to" "$tmp/renew.log")
	if [ "$adv" -eq 8 ] && has "$r" "$P" && [ "$n" -eq 1 ] &&
	    awk -v o="$oldest" 'BEGIN { exit !(o <= 1.2) }'; then
		pass "renew: the file's mtime advanced at each of 8 looks 0.3 s apart, at most $oldest s old (round + timeout 1.2 s), decision unchanged"
	else
		fail renew "mtime advanced $adv of 8 times, oldest $oldest s, $n decisions, file: $(cat "$r" 2>&1)"
		show renew
	fi
	stop_it
}

# Stopped (SIGSTOP), failoverdns -e stops trusting the file: its own address
# within maxage + 1 s; SIGCONT: the redirect is back within a round.  Needs
# the -e of failoverdns (issue 17).
t_stale() {
	if [ ! -x "$FDNS" ]; then
		skip "stale" "$FDNS not built"
		return
	fi
	r=$tmp/r.stale
	E=4	# at least 3 x (interval + timeout) = 3.6
	ask1() {	# the first A address failoverdns -e $E -r $r answers
		printf '\000\041\022\064\001\000\000\001\000\000\000\000\000\000\003www\007example\003com\000\000\001\000\001' |
		    "$FDNS" -e $E -r "$r" -n ns1.example.com. www.example.com 198.51.100.1 \
		    2>"$tmp/fdns.err" | od -An -v -tu1 | tr -s ' \n' '  ' |
		    awk '{ if (NF >= 4) printf "%d.%d.%d.%d", $(NF-3), $(NF-2), $(NF-1), $NF }'
	}
	if [ "$(ask1)" != 198.51.100.1 ]; then
		skip "stale" "failoverdns has no -e: $(head -1 "$tmp/fdns.err")"
		return
	fi
	web
	u=http://127.0.0.1:$port
	down xl
	up xp
	start stale -i 0.2 -t 1 -f 1 -r "$r" -c "$u/xl" -p "$P=$u/xp"
	until_true 10 has "$r" "$P"
	# Control: running, the file stays in force for longer than -e.
	t0=$(date +%s)
	ok=1
	while [ $(($(date +%s) - t0)) -le $((E + 1)) ]; do
		[ "$(ask1)" = "$P" ] || { ok=0; break; }
		sleep 0.2
	done
	if [ $ok = 1 ]; then
		pass "stale: running, the file is renewed: $P answered for $((E + 1)) s with -e $E"
	else
		fail stale "control: running, the answer became $(ask1) within $((E + 1)) s"
	fi
	kill -STOP "$hpid"
	t0=$(date +%s.%N)
	i=0 a=
	while [ $i -lt $(((E + 4) * 10)) ]; do
		a=$(ask1)
		[ "$a" = 198.51.100.1 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	t1=$(date +%s.%N)
	took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	if [ "$a" = 198.51.100.1 ] && awk -v t="$took" -v e=$E 'BEGIN { exit !(t <= e + 1) }'; then
		pass "stale: failoverdns-health stopped: own address after $took s (-e $E, limit $((E + 1)) s)"
	else
		fail stale "stopped: answer '$a' after $took s (limit $((E + 1)) s)"
	fi
	kill -CONT "$hpid"
	t0=$(date +%s.%N)
	i=0
	while [ $i -lt 50 ]; do
		a=$(ask1)
		[ "$a" = "$P" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	if [ "$a" = "$P" ] && awk -v t="$took" 'BEGIN { exit !(t <= 1.2 + 0.3) }'; then
		pass "stale: SIGCONT: $P again after $took s (a round: 1.2 s, + 0.3 s of polling)"
	else
		fail stale "SIGCONT: answer '$a' after $took s"
	fi
	stop_it
}

# One program per file: a second one on the same file exits 1 and leaves
# the first one's file alone.  Any exit leaves no file and no work
# directory: USR1 (not one of the documented three), and SIGKILL (the work
# directory is beside the file and removed by the next start; nothing in
# TMPDIR).
t_lock_exits() {
	web
	u=http://127.0.0.1:$port
	d=$tmp/lock
	mkdir -p "$d" "$tmp/tmpdir"
	r=$d/redirect
	down kl
	up kp
	TMPDIR=$tmp/tmpdir start lk1 -i 0.2 -t 1 -f 1 -r "$r" -c "$u/kl" -p "$P=$u/kp"
	h1=$hpid
	until_true 10 has "$r" "$P"
	TMPDIR=$tmp/tmpdir timeout 10 "$H" -i 0.2 -t 1 -f 1 -r "$r" -c "$u/kl" \
	    -p "$Q=$u/kp" 2>"$tmp/lk2.log"
	rc=$?
	sleep 0.5
	if [ $rc -eq 1 ] && logged lk2 "another failoverdns-health writes this file" &&
	    has "$r" "$P" && ! gone "$h1"; then
		pass "lock: a second program on the same file: exit 1, the first one's file stays"
	else
		fail lock "second program: exit $rc, file '$(cat "$r" 2>&1)': $(head -1 "$tmp/lk2.log")"
	fi
	# Control: another file in the same directory is fine.
	TMPDIR=$tmp/tmpdir timeout 3 "$H" -i 0.2 -t 1 -f 1 -r "$d/other" -c "$u/kl" \
	    -p "$Q=$u/kp" 2>"$tmp/lk3.log"
	rc=$?
	[ $rc -eq 124 ] && logged lk3 "redirecting to $Q" &&
	    pass "lock: control: a program on another file in the same directory runs" ||
	    fail lock "control: exit $rc: $(head -3 "$tmp/lk3.log" | tr '\n' ' ')"
	kill -USR1 "$h1"
	until_true 5 gone "$h1"
	wait "$h1"
	st=$?
	left=$(ls -A "$d" | tr '\n' ' ')
	if [ $st -eq 138 ] && [ "$left" = "other.lock redirect.lock " ]; then
		pass "exit: USR1: exit 138, no file, no work directory left ($left)"
	else
		fail exit "USR1: exit $st, the directory holds: $left"
	fi
	TMPDIR=$tmp/tmpdir start lk4 -i 0.2 -t 1 -f 1 -r "$r" -c "$u/kl" -p "$P=$u/kp"
	until_true 10 has "$r" "$P"
	kill -KILL "$hpid"
	wait "$hpid" 2>/dev/null
	sleep 0.5
	a=$(ls -A "$d" | tr '\n' ' ')
	start lk5 -i 0.2 -t 1 -f 1 -r "$r" -c "$u/kl" -p "$P=$u/kp"
	until_true 10 logged lk5 "redirecting to $P"
	stop_it
	b=$(ls -A "$d" | tr '\n' ' ')
	t=$(ls -A "$tmp/tmpdir")
	if [ "$a" = "other.lock redirect redirect.lock redirect.work " ] &&
	    [ "$b" = "other.lock redirect.lock " ] && [ -z "$t" ]; then
		pass "exit: SIGKILL: the file and work directory stay until the next start, which removes them; nothing in TMPDIR"
	else
		fail exit "SIGKILL: after it '$a'; after a start and TERM '$b'; TMPDIR holds '$t'"
	fi
}

# A directory that turns read-only (a read-only bind mount in a mount
# namespace of the program's own): the failure is logged once, not every
# round; writable again: logged, and the file is right.
t_unwritable() {
	if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null 2>&1 ||
	    ! command -v nsenter >/dev/null 2>&1; then
		skip "unwritable" "needs root, unshare and nsenter"
		return
	fi
	web
	u=http://127.0.0.1:$port
	d=$tmp/ro
	mkdir -p "$d"
	r=$d/redirect
	down wl
	up wp1 wp2
	unshare -m --propagation private sh -c 'mount --bind "$1" "$1" && shift && exec "$@"' \
	    - "$d" "$H" -i 0.2 -t 1 -f 1 -u 1 -r "$r" -c "$u/wl" -p "$P=$u/wp1" \
	    -p "$Q=$u/wp2" 2>"$tmp/ro.log" &
	hpid=$!
	pids="$pids $hpid"
	if ! until_true 10 has "$r" "$P $Q"; then
		skip "unwritable" "control: no file in the bind mount: $(head -2 "$tmp/ro.log")"
		stop_it
		return
	fi
	nsenter -t "$hpid" -m mount -o remount,ro,bind "$d" "$d" 2>"$tmp/ro.err" ||
	    { skip unwritable "remount: $(cat "$tmp/ro.err")"; stop_it; return; }
	down wp1
	sleep 2
	n=$(grep -c "cannot write" "$tmp/ro.log")
	nsenter -t "$hpid" -m mount -o remount,rw,bind "$d" "$d"
	if [ "$n" -eq 1 ] && until_true 5 has "$r" "$Q" &&
	    until_true 5 logged ro "written again"; then
		pass "unwritable: read-only for 2 s (10 rounds): logged once; writable: the file says $Q"
	else
		fail unwritable "$n 'cannot write' lines in 2 s (want 1); file: $(cat "$r" 2>&1)"
		show ro
	fi
	stop_it
}

# The tasks limit (systemd's TasksMax=, a pids cgroup here, v1 or v2): a
# limit below what the checks need is a start-up error; a limit reached
# while running (forks fail) gives "unknown" results, never a false down,
# and if the shell itself cannot fork and exits 2, it leaves no file.
t_tasks() {
	cg=
	for c in /sys/fs/cgroup/pids /sys/fs/cgroup; do
		[ -f "$c/cgroup.procs" ] && [ -f "$c/cgroup.procs" ] || continue
		if [ "$(id -u)" = 0 ] && mkdir "$c/failoverdns-health-test-$$" 2>/dev/null; then
			cg=$c/failoverdns-health-test-$$
			[ -f "$cg/pids.max" ] && break
			rmdir "$cg"
			cg=
		fi
	done
	if [ -z "$cg" ]; then
		skip tasks "cannot make a pids cgroup (needs root and a writable /sys/fs/cgroup)"
		return
	fi
	web
	u=http://127.0.0.1:$port
	d=$tmp/tasks
	mkdir -p "$d"
	r=$d/redirect
	up tl tp1 tp2 tp3
	incg() {	# incg NAME ARG...: the program in the cgroup
		sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' - "$cg" \
		    "$H" "$@" 2>"$tmp/$name.log" &
		hpid=$!
		pids="$pids $hpid"
	}
	set -- -i 0.2 -t 1 -f 1 -r "$r" -c "$u/tl" -p "$P=$u/tp1" \
	    -p "$Q=$u/tp2" -p "$P6=$u/tp3"
	echo 23 >"$cg/pids.max"
	name=tk1 incg "$@"
	until_true 5 gone "$hpid" && wait "$hpid"
	st=$?
	gone "$hpid" || stop_it
	if [ $st -eq 1 ] && logged tk1 "is 23, below the 24 that 4 checks need"; then
		pass "tasks: a limit of 23 for 4 checks (4 per check + 8): exit 1, named"
	else
		fail tasks "limit 23: exit $st: $(head -1 "$tmp/tk1.log")"
	fi
	echo 24 >"$cg/pids.max"
	name=tk2 incg "$@"
	until_true 10 logged tk2 "local service up"
	sleep 3
	peak=$(cat "$cg/pids.peak" 2>/dev/null || echo ?)
	if ! logged tk2 "unknown" && ! logged tk2 "down" && nofile "$r"; then
		pass "tasks: control: a limit of 24 for 4 checks: 15 rounds, no unknown, no down (peak $peak tasks)"
	else
		fail tasks "limit 24: $(grep -m1 -e unknown -e down "$tmp/tk2.log")"
	fi
	echo 3 >"$cg/pids.max"
	sleep 3
	if gone "$hpid"; then
		wait "$hpid"
		st=$?
		sleep 0.2
		left=$(ls -A "$d" | tr '\n' ' ')
		if [ $st -eq 2 ] && [ "$left" = "redirect.lock " ] && ! logged tk2 "down"; then
			pass "tasks: limit lowered to 3: no false down; exit 2 leaves only the lock"
		else
			fail tasks "limit lowered to 3: exit $st, left '$left'"
			show tk2
		fi
	elif ! logged tk2 "down" && nofile "$r" && logged tk2 "unknown"; then
		pass "tasks: limit lowered to 3: unknown results, no false down"
	else
		fail tasks "limit lowered to 3: a false down or no unknown"
		show tk2
	fi
	echo max >"$cg/pids.max"
	gone "$hpid" || stop_it
	rmdir "$cg" 2>/dev/null && cg=
}

# The state file (-s): Prometheus text format (promtool check metrics),
# mode 0644, a new file each round (rename), the values of each case; the
# table of -q.
metric() {	# metric FILE LINE-START: the value of the first line so starting
	awk -v m="$2" 'index($0, m) == 1 { print $NF; exit }' "$1"
}
t_state() {
	web
	u=http://127.0.0.1:$port
	r=$tmp/r.st
	sf=$tmp/state.prom
	down sl
	up sp1
	start st -i 0.2 -t 1 -f 1 -u 1 -r "$r" -s "$sf" -c "$u/sl" \
	    -c "exec:/bin/sh,-c,printf%20%27%25s%5Cn%27%20%27q%22b%5Cc%27;%20exit%201" \
	    -p "$P,$P6=$u/sp1" -p "$Q=$u/sp2"
	until_true 10 has "$r" "$P $P6" && until_true 5 test -f "$sf"
	sleep 0.5
	cp "$sf" "$tmp/state.1"
	i1=$(stat -c %i "$sf")
	mode=$(stat -c %a "$sf")
	v="$(metric "$sf" 'failoverdns_health_up{server="local"}')/$(metric "$sf" "failoverdns_health_up{server=\"$P,$P6\"}")/$(metric "$sf" "failoverdns_health_up{server=\"$Q\"}")"
	v="$v/$(metric "$sf" failoverdns_health_fail_open)/$(metric "$sf" failoverdns_health_redirecting)"
	a=$(grep '^failoverdns_health_answer_info' "$sf" | sed 's/.*address="\([^"]*\)".*/\1/' | tr '\n' ' ')
	if [ "$v" = "0/1/0/0/1" ] && [ "$a" = "$P $P6 " ] && [ "$mode" = 644 ] &&
	    grep -q '^failoverdns_health_check_error_info{server="local",check="exec:.*",error="exit 1: q\\"b\\\\c"} 1$' "$sf" &&
	    grep -q "^failoverdns_health_check_result{server=\"local\",check=\"$u/sl\"} 0" "$sf" &&
	    grep -q '^failoverdns_health_last_round_timestamp_seconds [0-9]' "$sf" &&
	    grep -q '^failoverdns_health_check_duration_seconds{server="local",check="http.*"} 0\.[0-9]*$' "$sf"; then
		pass "state: local down, first peer up: up 0/1/0, fail_open 0, redirecting 1, answers $a, mode 644, escaped error label"
	else
		fail state "up/up/up/fail_open/redirecting $v (want 0/1/0/0/1), answers '$a', mode $mode"
		sed 's/^/  | /' "$sf" | grep -v '^  | #'
	fi
	if command -v promtool >/dev/null 2>&1; then
		if promtool check metrics <"$tmp/state.1" >"$tmp/promtool.out" 2>&1; then
			pass "state: promtool check metrics passes"
		else
			fail state "promtool: $(head -3 "$tmp/promtool.out" | tr '\n' ' ')"
		fi
		# Control: promtool does fail a broken file.
		sed 's/^# TYPE failoverdns_health_up gauge/# TYPE failoverdns_health_up counter/' \
		    "$tmp/state.1" >"$tmp/state.bad"
		promtool check metrics <"$tmp/state.bad" >/dev/null 2>&1 &&
		    fail state "promtool control: a counter without _total passed" ||
		    pass "state: promtool control: a counter without _total fails"
		# The man page's alerting rule.
		sed -n '/^groups:$/,/^\.Ed$/p' "$top/health/failoverdns-health.8" |
		    sed '$d' >"$tmp/rule.yml"
		if [ -s "$tmp/rule.yml" ] && promtool check rules "$tmp/rule.yml" >"$tmp/promtool.out" 2>&1; then
			pass "state: the man page's alerting rule passes promtool check rules"
		else
			fail state "the alerting rule: $(tr '\n' ' ' <"$tmp/promtool.out")"
		fi
	else
		need "state: promtool" "promtool (Debian package prometheus) is not installed"
	fi
	until_true 5 sh -c '[ "$(stat -c %i "$1")" != "$2" ]' - "$sf" "$i1" &&
	    pass "state: a new file (inode) each round: written by rename" ||
	    fail state "the same inode for 5 s"
	"$H" -q "$sf" >"$tmp/table" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q '^local  *down  *[0-9]*s ago  *1  *http.*/sl: HTTP status 503' "$tmp/table" &&
	    grep -q "^$P,$P6  *up " "$tmp/table" &&
	    grep -q "^answering:  $P $P6\$" "$tmp/table" &&
	    grep -q "^decision:   local service down: redirecting to $P $P6" "$tmp/table"; then
		pass "state: -q prints the table: each server, state, since, changes, last error, the decision"
	else
		fail state "-q: exit $rc: $(cat "$tmp/table")"
	fi
	down sp1
	if until_true 10 sh -c '[ "$(awk "/^failoverdns_health_fail_open /{print \$2}" "$1")" = 1 ]' - "$sf" &&
	    [ "$(metric "$sf" failoverdns_health_redirecting)" = 0 ] &&
	    grep -q '^failoverdns_health_answer_info{address="own",position="1"} 1' "$sf" &&
	    [ "$(metric "$sf" "failoverdns_health_transitions_total{server=\"$P,$P6\"}")" = 2 ]; then
		pass "state: nobody up: fail_open 1, redirecting 0, answers own, the peer's transitions 2"
	else
		fail state "nobody up: $(grep -e fail_open -e redirecting -e transitions "$sf" | grep -v '^#' | tr '\n' ' ')"
	fi
	stop_it
	"$H" -q "$tmp/nonexistent" >/dev/null 2>&1 && fail state "-q of a missing file: exit 0" ||
	    pass "state: -q of a missing file fails"
}

# As an operator would: node_exporter's textfile collector reads the state
# file, Prometheus scrapes it every second, and a query shows the end of a
# redirect within a scrape (+ 1 s) of the file changing.
promq() {	# promq PORT QUERY: the first value of the instant query
	curl -s -g "http://127.0.0.1:$1/api/v1/query?query=$2" |
	    sed -n 's/.*"value":\[[0-9.]*,"\([^"]*\)".*/\1/p'
}
t_prometheus() {
	ne=/usr/bin/prometheus-node-exporter
	if [ ! -x $ne ] || ! command -v prometheus >/dev/null 2>&1; then
		need prometheus "prometheus and prometheus-node-exporter are not both installed"
		return
	fi
	web
	u=http://127.0.0.1:$port
	d=$tmp/textfile
	mkdir -p "$d"
	r=$tmp/r.prom
	down ml
	up mp
	start prom -i 0.2 -t 1 -f 1 -u 1 -r "$r" -s "$d/failoverdns.prom" -c "$u/ml" -p "$P=$u/mp"
	free_port
	neport=$port
	$ne --web.listen-address=127.0.0.1:$neport --collector.disable-defaults \
	    --collector.textfile --collector.textfile.directory="$d" 2>"$tmp/ne.log" &
	pids="$pids $!"
	free_port
	pport=$port
	printf 'global:\n  scrape_interval: 1s\nscrape_configs:\n- job_name: ne\n  static_configs:\n  - targets: [\047127.0.0.1:%s\047]\n' \
	    "$neport" >"$tmp/prom.yml"
	prometheus --config.file="$tmp/prom.yml" --storage.tsdb.path="$tmp/tsdb" \
	    --web.listen-address=127.0.0.1:$pport 2>"$tmp/prometheus.log" &
	pids="$pids $!"
	i=0
	while [ $i -lt 200 ] && [ "$(promq "$pport" failoverdns_health_redirecting)" != 1 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	before=$(promq "$pport" failoverdns_health_redirecting)
	e=$(curl -s "http://127.0.0.1:$neport/metrics" | sed -n 's/^node_textfile_scrape_error //p')
	up ml
	until_true 10 nofile "$r"
	t0=$(date +%s.%N)
	i=0
	while [ $i -lt 100 ] && [ "$(promq "$pport" failoverdns_health_redirecting)" != 0 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	took=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	after=$(promq "$pport" failoverdns_health_redirecting)
	if [ "$before/$after/$e" = 1/0/0 ] && awk -v t="$took" 'BEGIN { exit !(t <= 2.2) }'; then
		pass "prometheus: node_exporter reads the state file (no scrape error); a query shows the redirect, and its end $took s after the file went (scrape 1 s)"
	else
		fail prometheus "redirecting $before then $after after $took s, textfile scrape error '$e'"
	fi
	stop_it
}

# The hook (-x): once per change, with the old and new addresses, its exit
# status and first stderr line logged; never two at once; killed after the
# timeout while the rounds go on; changes meanwhile: one more run after it.
t_hook() {
	web
	u=http://127.0.0.1:$port
	r=$tmp/r.hook
	ho=$tmp/hook.out
	: >"$ho"
	echo 0 >"$tmp/hook.sleep"
	cat >"$tmp/hook" <<EOF
#!/bin/sh
mkdir "$tmp/hook.running" 2>/dev/null || echo overlap >>"$ho"
echo "[\$FAILOVERDNS_HEALTH_OLD]>[\$FAILOVERDNS_HEALTH_NEW]" >>"$ho"
sleep \$(cat "$tmp/hook.sleep")
rmdir "$tmp/hook.running"
echo "hook stderr line" >&2
echo second >&2
exit 3
EOF
	chmod 755 "$tmp/hook"
	down hl
	up hp
	start hook -i 0.2 -t 1 -f 1 -u 1 -r "$r" -x "$tmp/hook" -c "$u/hl" -p "$P=$u/hp"
	until_true 10 has "$r" "$P"
	until_true 5 logged hook "exit 3: hook stderr line"
	up hl
	until_true 10 nofile "$r"
	until_true 5 sh -c '[ "$(grep -c "exit 3: hook stderr line" "$1")" -ge 2 ]' - "$tmp/hook.log"
	sleep 1
	got=$(tr '\n' ' ' <"$ho")
	if [ "$got" = "[]>[$P] [$P]>[] " ] &&
	    [ "$(grep -c "exit 3: hook stderr line" "$tmp/hook.log")" -eq 2 ]; then
		pass "hook: once per change, OLD/NEW '$got', exit 3 and the first stderr line logged"
	else
		fail hook "runs: '$got'"
		show hook
	fi
	# Slow: killed after the timeout; meanwhile the file follows two more
	# changes; then one more run with the latest change.
	echo 5 >"$tmp/hook.sleep"
	: >"$ho"
	down hl
	until_true 10 has "$r" "$P"
	t0=$(date +%s)
	up hl
	until_true 10 nofile "$r" && meanwhile=ok || meanwhile=no
	down hl
	until_true 10 has "$r" "$P" && [ -d "$tmp/hook.running" ] && meanwhile2=ok || meanwhile2=no
	until_true 10 logged hook "killed after 1 s"
	sleep 1
	rmdir "$tmp/hook.running" 2>/dev/null
	until_true 5 sh -c '[ "$(grep -c "killed after" "$1")" -ge 2 ]' - "$tmp/hook.log"
	got=$(tr '\n' ' ' <"$ho")
	# Two changes during the run that end where it began: no second run.
	if [ "$meanwhile/$meanwhile2" = ok/ok ] && logged hook "killed after 1 s" &&
	    ! grep -q overlap "$ho" && [ "$got" = "[]>[$P] " ]; then
		pass "hook: a slow one killed after the timeout, rounds go on meanwhile (two changes), never two at once, no run for a net change of nothing ($got)"
	else
		fail hook "slow: rounds meanwhile $meanwhile/$meanwhile2, runs '$got'"
		show hook 12
	fi
	stop_it
	"$H" -x relative -r "$r" -c "$u/hl" 2>"$tmp/err"
	[ $? -eq 1 ] && grep -q "^failoverdns-health: -x: not an absolute" "$tmp/err" &&
	    pass "hook: -x relative: exit 1" || fail hook "-x relative: $(head -1 "$tmp/err")"
}

# ------------------------------------------------------------ around it

# failoverdns -r reads the file the program wrote (when failoverdns has -r).
t_failoverdns_reads_it() {
	if [ ! -x "$FDNS" ]; then
		skip "failoverdns -r" "$FDNS not built"
		return
	fi
	r=$tmp/r.e2e
	ask() {	# the A answer's addresses, as hex bytes
		printf '\000\041\022\064\001\000\000\001\000\000\000\000\000\000\003www\007example\003com\000\000\001\000\001' |
		    "$FDNS" "$@" -n ns1.example.com. www.example.com 198.51.100.1 \
		    2>"$tmp/fdns.err" | od -An -v -tx1 | tr -s ' \n' '  '
	}
	a=$(ask -r "$r")
	case $a in
	*"c6 33 64 01"*) ;;
	*)
		skip "failoverdns -r" "not accepted by $FDNS: $(head -1 "$tmp/fdns.err")"
		return ;;
	esac
	web
	u=http://127.0.0.1:$port
	down el
	up ep
	start e2e -i 0.2 -f 1 -r "$r" -c "$u/el" -p "$P=$u/ep"
	until_true 10 has "$r" "$P"
	b=$(ask -r "$r")
	stop_it
	c=$(ask -r "$r")
	case "$a/$b/$c" in
	*"c6 33 64 01"*/*"c6 33 64 02"*/*"c6 33 64 01"*)
		pass "failoverdns -r: own address, then $P from the file, then own again" ;;
	*)
		fail "failoverdns -r" "answers: $a / $b / $c" ;;
	esac
}

# failoverdns-drain (maintenance): bad arguments; the file created and
# failoverdns -d answering REFUSED during the wait, the command returning
# only after it, -u answering again; the default wait TTL + 65 s; an
# interrupted wait exits 130 and leaves the server drained.
t_drain() {
	D=$top/health/failoverdns-drain
	for a in "-w x f" "-w 86401 f" "-t -1 f" "-t" "-x f" "" "f g"; do
		"$D" $a >"$tmp/d.out" 2>"$tmp/d.err"
		rc=$?
		if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/d.err")" -eq 2 ] &&
		    grep -q "^failoverdns-drain: usage:" "$tmp/d.err" &&
		    [ ! -e f ] && [ ! -s "$tmp/d.out" ]; then
			pass "drain: '$a': exit 1, $(head -1 "$tmp/d.err")"
		else
			fail drain "'$a': exit $rc: $(tr '\n' ' ' <"$tmp/d.err")"
		fi
	done
	"$D" -w 0 "$tmp/no/such/dir/drain" 2>"$tmp/d.err"
	rc=$?
	[ $rc -eq 2 ] && grep -q "cannot create" "$tmp/d.err" &&
	    pass "drain: a file it cannot create: exit 2" ||
	    fail drain "uncreatable file: exit $rc: $(cat "$tmp/d.err")"
	if [ ! -x "$FDNS" ]; then
		skip drain "$FDNS not built"
		return
	fi
	dr=$tmp/drain.d
	mkdir "$dr"
	f=$dr/drain
	rcode() {	# the rcode failoverdns -d $f answers to an A query
		printf '\000\041\022\064\001\000\000\001\000\000\000\000\000\000\003www\007example\003com\000\000\001\000\001' |
		    "$FDNS" -d "$f" -n ns1.example.com. www.example.com \
		    198.51.100.1 2>/dev/null | od -An -j5 -N1 -tu1 | tr -d ' '
	}
	before=$(rcode)
	t0=$(date +%s)
	"$D" -w 3 "$f" >"$tmp/d.out" 2>"$tmp/d.err" &
	dp=$!
	pids="$pids $dp"
	until_true 5 test -e "$f"
	during=$(rcode)
	sleep 1
	kill -0 $dp 2>/dev/null && early=running || early=exited
	wait $dp
	rc=$?
	took=$(($(date +%s) - t0))
	after=$(rcode)
	"$D" -u "$f" 2>>"$tmp/d.err"
	urc=$?
	undrained=$(rcode)
	if [ "$before/$during/$early/$rc/$after/$urc/$undrained" = \
	    "0/5/running/0/5/0/0" ] && [ $took -ge 3 ] && [ $took -le 6 ] &&
	    nofile "$f" && grep -q "safe to stop" "$tmp/d.err"; then
		pass "drain -w 3: NOERROR, then REFUSED while waiting, exit 0 after $took s, NOERROR after -u"
	else
		fail drain "rcodes $before/$during/$after/$undrained (want 0/5/5/0), $early after 1 s, exit $rc after $took s, -u exit $urc: $(tr '\n' ' ' <"$tmp/d.err")"
	fi
	# Undrained (-u) by someone else during the wait: not "safe", exit 3.
	"$D" -w 2 "$f" 2>"$tmp/d3.err" &
	dp=$!
	pids="$pids $dp"
	until_true 5 test -e "$f"
	"$D" -u "$f" 2>/dev/null
	wait $dp
	rc=$?
	if [ $rc -eq 3 ] && ! grep -q "safe to stop" "$tmp/d3.err" &&
	    grep -q "is gone" "$tmp/d3.err"; then
		pass "drain: -u by someone else during the wait: exit 3, not 'safe to stop'"
	else
		fail drain "-u during the wait: exit $rc: $(tr '\n' ' ' <"$tmp/d3.err")"
	fi
	# waiting ARG...: failoverdns-drain ARG... $f in the background, once it
	# waits; sets dp (its PID) and sl (its sleep's, forked after the line).
	waiting() {
		"$D" "$@" "$f" 2>"$tmp/d.err" &
		dp=$!
		pids="$pids $dp"
		until_true 5 grep -q waiting "$tmp/d.err"
		until_true 5 pgrep -P $dp sleep >/dev/null
		sl=$(pgrep -P $dp sleep)
	}
	# The default wait, from -t; TERM during it: exit 130, still drained,
	# the sleep gone with it.
	waiting -t 10
	kill -TERM $dp
	wait $dp
	rc=$?
	sleep 0.2
	if grep -q "waiting 75 s (TTL 10 + 60 s" "$tmp/d.err" && [ $rc -eq 130 ] &&
	    [ -e "$f" ] && [ "$(rcode)" = 5 ] && [ -n "$sl" ] && gone "$sl" &&
	    grep -q "still drained" "$tmp/d.err"; then
		pass "drain -t 10: waits 75 s; TERM: exit 130, still drained, no sleep left"
	else
		fail drain "-t 10 then TERM: exit $rc, sleep '$sl', file $([ -e "$f" ] && echo there || echo gone): $(tr '\n' ' ' <"$tmp/d.err")"
	fi
	[ -n "$sl" ] && kill "$sl" 2>/dev/null
	# Its sleep killed by someone else: the wait is not over, not "safe".
	waiting -w 30
	[ -n "$sl" ] && kill "$sl"
	wait $dp
	rc=$?
	if [ -n "$sl" ] && [ $rc -eq 130 ] && ! grep -q "safe" "$tmp/d.err"; then
		pass "drain: its sleep killed by another: exit 130, not 'safe'"
	else
		fail drain "sleep '$sl' killed: exit $rc: $(tr '\n' ' ' <"$tmp/d.err")"
	fi
	rm -f "$f"
}

# The unit: verify it, and its exposure score stays where it was measured.
EXPOSURE_MAX=1.1
t_unit() {
	u=contrib/systemd/failoverdns-health.service
	if ! command -v systemd-analyze >/dev/null 2>&1; then
		skip "unit" "systemd-analyze is not installed"
		return
	fi
	sed "s|/usr/local/sbin/failoverdns-health|$H|" "$u" >"$tmp/failoverdns-health.service"
	if systemd-analyze verify --man=no "$tmp/failoverdns-health.service" >"$tmp/verify" 2>&1; then
		pass "unit: systemd-analyze verify is clean"
	else
		fail unit "verify: $(head -3 "$tmp/verify" | tr '\n' ' ')"
	fi
	e=$(systemd-analyze security --no-pager --offline=yes "$u" 2>&1 |
	    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	if [ -z "$e" ]; then
		skip "unit exposure" "systemd-analyze security --offline=yes gave no score"
	elif awk -v e="$e" -v m=$EXPOSURE_MAX 'BEGIN { exit !(e <= m) }'; then
		pass "unit: exposure $e (at most $EXPOSURE_MAX)"
	else
		fail unit "exposure $e, above $EXPOSURE_MAX"
	fi
	grep -q '^RuntimeDirectoryMode=0755' "$u" && ! grep -q '^ExecStopPost=' "$u" &&
	    ! grep -q '^RuntimeDirectoryPreserve=' "$u" &&
	    grep -q '^Restart=always' "$u" && grep -q '^StartLimitIntervalSec=0' "$u" &&
	    grep -q '^RestartPreventExitStatus=1' "$u" &&
	    pass "unit: RuntimeDirectoryMode=0755 (removed on stop: no ExecStopPost=), Restart=always without a start limit, not after exit 1" ||
	    fail unit "RuntimeDirectory/Restart/StartLimit settings not as documented"
	# TasksMax= leaves room for the shipped example's checks and 64 more.
	tm=$(sed -n 's/^TasksMax=//p' "$u")
	[ "${tm:-0}" -ge $((4 * 66 + 8)) ] 2>/dev/null &&
	    pass "unit: TasksMax=$tm (4 per check + 8: $(( (tm - 8) / 4 )) checks)" ||
	    fail unit "TasksMax=$tm: below 4 x 66 + 8"
	# The shipped examples check a health path, not a port (a hung web
	# server accepts connections).
	l=$(grep -e '^FAILOVERDNS_HEALTH_ARGS=' contrib/default/failoverdns-health;
	    sed -n '/^FAILOVERDNS_HEALTH_ARGS=/,/^\.Ed/p' health/failoverdns-health.8)
	case $l in
	*tcp://*) fail unit "a tcp:// check in the shipped defaults or the man page's unit example: $l" ;;
	*https://*) pass "unit: the shipped defaults and the man page's unit example check https://, not tcp://" ;;
	*) fail unit "no FAILOVERDNS_HEALTH_ARGS example found" ;;
	esac
	grep -q '^PrivateNetwork=yes' contrib/systemd/failoverdns.service &&
	    pass "unit: failoverdns.service keeps PrivateNetwork=yes" ||
	    fail unit "failoverdns.service lost PrivateNetwork=yes"
}

# The runit and s6 run scripts, run by hand with the defaults file, the
# program's path and the directory changed: they start the program with
# the arguments (as root: as nobody, in a directory they made for it).
t_run_scripts() {
	web
	u=http://127.0.0.1:$port
	down rl
	up rp
	chmod 755 "$tmp"
	# A copy nobody can run: the checkout may sit in a directory only
	# root can enter (a clone in /root).
	cp "$H" "$tmp/failoverdns-health" && chmod 755 "$tmp/failoverdns-health"
	for s in contrib/runit/failoverdns-health/run contrib/s6/failoverdns-health/run; do
		tool=$(sed -n 's/^\tset -- \([a-z0-9-]*\) .*/\1/p' "$s")
		if [ "$(id -u)" = 0 ] && ! command -v "$tool" >/dev/null 2>&1; then
			skip "$s" "$tool is not installed"
			continue
		fi
		rd=$tmp/rundir
		r=$rd/redirect
		rm -rf "$rd"
		[ "$(id -u)" = 0 ] || mkdir "$rd"
		printf 'FAILOVERDNS_HEALTH_ARGS="-i 0.2 -r %s -c %s -p %s"\n' \
		    "$r" "$u/rl" "$P=$u/rp" >"$tmp/defaults"
		sed -e "s|^DEFAULTS=.*|DEFAULTS=$tmp/defaults|" \
		    -e "s|^PROGRAM=.*|PROGRAM=$tmp/failoverdns-health|" \
		    -e "s|^DIR=.*|DIR=$rd|" \
		    "$s" >"$tmp/run"
		sh "$tmp/run" >"$tmp/run.log" 2>&1 &
		hpid=$!
		pids="$pids $hpid"
		if until_true 10 has "$r" "$P"; then
			pass "$s: runs the program with FAILOVERDNS_HEALTH_ARGS as $(stat -c %U "$r")"
		else
			fail "$s" "no redirect file: $(head -3 "$tmp/run.log")"
		fi
		stop_it
		nofile "$r" || fail "$s" "the file stayed after TERM"
	done
}

# HEALTH_TESTS='t_a t_b' runs only those.
for t in ${HEALTH_TESTS:-t_bad_arguments t_checks t_default_timeout t_unknown t_parallel t_tcp_active \
    t_http_active t_fall_rise t_fail_open t_standby t_all t_detect t_file_order t_atomic t_signals \
    t_renew t_stale t_lock_exits t_unwritable t_tasks t_state t_prometheus t_hook t_failoverdns_reads_it t_drain t_unit t_run_scripts}; do
	$t
done
[ $nfail -eq 0 ]
