#!/bin/sh
# Makes sure the Debian packages a task needs are installed, and that the
# servers among them stay off.
# Usage: sh tests/deps.sh demo|check
#
# As root (with apt-get): installs what is missing, with a policy-rc.d that
# keeps every service from starting (unless one exists already: it is left
# as it is), the output in $FAILOVERDNS_CACHE/deps.log (default
# /var/cache/failoverdns-test); one line says what and where, a failure
# shows the log's tail.  Then, on every run, whether it installed anything or
# not: every service unit of the DNS servers, resolvers and inetds that the
# tests start on their own (named, unbound, nsd, knot, kresd, pdns-recursor,
# tinydns, inetd, xinetd; dnsmasq and systemd-resolved if this run pulled
# them in) is disabled and, if running, stopped, so that nothing the tests
# installed listens after the next boot.  The tests start their own copies
# on other ports or in network namespaces.
#
# As a normal user: names the missing packages in one line.  For check that
# is all (exit 0): the suites skip what lacks a package or a privilege.  For
# demo, and for check without a compiler, make or dig, it exits 1.
#
# Each line of the lists: a command (or a file), then its package.
demo='cc gcc
/usr/include/stdio.h libc6-dev
make make
dig bind9-dnsutils
systemd-socket-activate systemd'
check="$demo
kdig knot-dnsutils
drill ldnsutils
socat socat
inetd openbsd-inetd
udpsvd ipsvd
runsv runit
tcpserver ucspi-tcp
s6-svscan s6
dnsperf dnsperf
nsd nsd
knotd knot
tinydns tinydns
unbound unbound
named bind9
kresd knot-resolver
pdns_recursor pdns-recursor
systemd-nspawn systemd-container
debootstrap debootstrap
dpkg-buildpackage dpkg-dev
dh debhelper
lintian lintian
musl-gcc musl-tools
mandoc mandoc
clang clang
afl-fuzz afl++
valgrind valgrind
cppcheck cppcheck
ip iproute2
iptables iptables
ss iproute2
pkill procps
file file
curl curl
openssl openssl
flock util-linux
promtool prometheus
/usr/bin/prometheus-node-exporter prometheus-node-exporter
/usr/lib/nagios/plugins/check_tcp monitoring-plugins-basic
/usr/lib/python3/dist-packages/dns/message.py python3-dnspython
/etc/ssl/certs/ca-certificates.crt ca-certificates
/usr/include/libnetfilter_queue/libnetfilter_queue.h libnetfilter-queue-dev
/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a libclang-rt-14-dev"

# The packages whose services are disabled on every run, and those
# disabled only when this run installed them (a host may use them already).
servers='bind9 unbound nsd knot knot-resolver pdns-recursor tinydns
openbsd-inetd xinetd'
pulled_in='dnsmasq systemd-resolved prometheus prometheus-node-exporter'

CACHE=${FAILOVERDNS_CACHE:-/var/cache/failoverdns-test}
LOG=$CACHE/deps.log
POLICY=/usr/sbin/policy-rc.d

case "${1:-}" in
demo) list=$demo ;;
check) list=$check ;;
*) echo "usage: sh tests/deps.sh demo|check" >&2; exit 2 ;;
esac

# missing LIST: the packages of LIST whose command or file is missing.
missing() {
	echo "$1" | while read -r cmd pkg; do
		case "$cmd" in
		/*) [ -e "$cmd" ] || echo "$pkg" ;;
		*) command -v "$cmd" >/dev/null 2>&1 ||
		    [ -x "/usr/sbin/$cmd" ] || [ -x "/sbin/$cmd" ] || echo "$pkg" ;;
		esac
	done | sort -u | tr '\n' ' ' | sed 's/ $//'
}

installed() {	# PACKAGE: true if dpkg has it installed
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = \
	    "install ok installed" ]
}

# install PACKAGES: apt-get install, no service started, output to $LOG.
install() {
	mkdir -p "$CACHE" || exit 1
	n=$(echo "$1" | wc -w)
	printf 'installing %s Debian packages (%s), log: %s ... ' "$n" "$1" "$LOG"
	t0=$(date +%s)
	made_policy=
	if [ ! -e "$POLICY" ] && [ ! -L "$POLICY" ]; then
		# Exit 101: "action forbidden", for every service (invoke-rc.d(8)).
		printf '#!/bin/sh\n# tests/deps.sh of failoverdns: no service starts during its install.\nexit 101\n' >"$POLICY" &&
		    chmod 755 "$POLICY" && made_policy=1
		trap '[ -n "$made_policy" ] && rm -f "$POLICY"' EXIT
		trap 'exit 129' HUP
		trap 'exit 130' INT
		trap 'exit 143' TERM
	fi
	# shellcheck disable=SC2086
	{
		apt-get update -q &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    -o DPkg::Lock::Timeout=600 \
		    --no-install-recommends $1
	} >"$LOG" 2>&1 </dev/null
	rc=$?
	if [ -n "$made_policy" ]; then
		rm -f "$POLICY"
		made_policy=
	fi
	if [ $rc != 0 ]; then
		echo "failed (exit $rc); the end of $LOG:"
		tail -n 20 "$LOG"
		exit 1
	fi
	echo "done in $(($(date +%s) - t0)) s"
}

# units PACKAGE: the systemd units (not aliases) and SysV init scripts it
# ships, as "systemd NAME" and "sysv NAME" lines (in this order).
units() {
	dpkg -L "$1" 2>/dev/null | while read -r f; do
		case $f in
		/lib/systemd/system/*.service | /lib/systemd/system/*.socket | \
		/lib/systemd/system/*.target | /lib/systemd/system/*.timer | \
		/usr/lib/systemd/system/*.service | \
		/usr/lib/systemd/system/*.socket | \
		/usr/lib/systemd/system/*.target | \
		/usr/lib/systemd/system/*.timer)
			[ -L "$f" ] && continue
			u=${f##*/}
			case $u in
			*@.*)
				# A template: its enabled instances.
				for l in /etc/systemd/system/*.wants/"${u%@*}"@?*."${u##*.}"; do
					[ -L "$l" ] && echo "systemd ${l##*/}"
				done ;;
			*)	echo "systemd $u" ;;
			esac ;;
		/etc/init.d/?*)
			echo "sysv ${f##*/}" ;;
		esac
	done | sort -u
}

# quiet_servers PACKAGES: disables every unit and init script of the
# installed PACKAGES, and stops those that run.  Prints one line if it
# changed anything.
quiet_servers() {
	booted=
	[ -d /run/systemd/system ] && booted=1
	has_systemctl=
	command -v systemctl >/dev/null 2>&1 && has_systemctl=1
	disabled='' stopped='' failed=''
	for p in $1; do
		installed "$p" || continue
		for x in $(units "$p" | tr ' ' :); do
			kind=${x%%:*} name=${x#*:}
			case $kind in
			systemd)
				[ -n "$has_systemctl" ] || continue
				if [ -n "$booted" ] &&
				    systemctl -q is-active "$name" 2>/dev/null; then
					if systemctl stop "$name" >>"$LOG" 2>&1; then
						stopped="$stopped $name"
					else
						failed="$failed stop:$name"
					fi
				fi
				case $(systemctl is-enabled "$name" 2>/dev/null) in
				enabled | enabled-runtime)
					if systemctl disable "$name" >>"$LOG" 2>&1
					then
						disabled="$disabled $name"
					else
						failed="$failed disable:$name"
					fi ;;
				esac ;;
			sysv)
				# With systemd, systemctl disable handled the
				# links of a script with a unit of its own name;
				# this catches the rest, and hosts without it.
				if [ -z "$booted" ] && [ -x "/etc/init.d/$name" ] &&
				    "/etc/init.d/$name" status >/dev/null 2>&1; then
					if "/etc/init.d/$name" stop >>"$LOG" 2>&1; then
						stopped="$stopped $name"
					else
						failed="$failed stop:$name"
					fi
				fi
				set -- /etc/rc[2-5S].d/S[0-9][0-9]"$name"
				[ -L "$1" ] || continue
				command -v update-rc.d >/dev/null 2>&1 || {
					failed="$failed disable:$name(no update-rc.d)"
					continue
				}
				if update-rc.d "$name" disable >>"$LOG" 2>&1; then
					disabled="$disabled $name(sysv)"
				else
					failed="$failed disable:$name(sysv)"
				fi ;;
			esac
		done
	done
	if [ -n "$disabled$stopped" ]; then
		echo "services of the test packages turned off (the tests start their own):${disabled:+ disabled$disabled}${stopped:+; stopped$stopped}"
	fi
	if [ -n "$failed" ]; then
		echo "could not turn off:$failed (see $LOG)" >&2
		return 1
	fi
}

need=$(missing "$list")
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	mkdir -p "$CACHE" || exit 1
	before=
	for p in $pulled_in; do
		installed "$p" && before="$before $p"
	done
	[ -z "$need" ] || install "$need"
	also=
	for p in $pulled_in; do
		case " $before " in
		*" $p "*) ;;
		*) installed "$p" && also="$also $p" ;;
		esac
	done
	quiet_servers "$servers $also" || exit 1
	exit 0
fi
[ -z "$need" ] && exit 0
core=$(missing "$demo")
if [ "$1" = check ] && [ -z "$core" ]; then
	echo "missing Debian packages (the parts that need them are skipped; as root: sh tests/deps.sh check): $need"
	exit 0
fi
echo "missing Debian packages: $need" >&2
echo "install them as root: apt-get install --no-install-recommends $need" >&2
exit 1
