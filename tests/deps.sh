#!/bin/sh
# Makes sure the Debian packages a task needs are installed.
# Usage: sh tests/deps.sh demo|check
# As root it installs what is missing (apt-get); otherwise it names the
# missing packages and exits 1.  Each line: a command, then its package.
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
/usr/bin/python3 python3-dnspython
/usr/include/libnetfilter_queue/libnetfilter_queue.h libnetfilter-queue-dev
/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a libclang-rt-14-dev"

case "$1" in
demo) list=$demo ;;
check) list=$check ;;
*) echo "usage: sh tests/deps.sh demo|check" >&2; exit 2 ;;
esac

missing=$(echo "$list" | while read -r cmd pkg; do
	case "$cmd" in
	/*) [ -e "$cmd" ] || echo "$pkg" ;;
	*) command -v "$cmd" >/dev/null 2>&1 ||
	    [ -x "/usr/sbin/$cmd" ] || [ -x "/sbin/$cmd" ] || echo "$pkg" ;;
	esac
done | sort -u | tr '\n' ' ')
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "installing missing Debian packages: $missing"
	apt-get update -q >/dev/null || exit 1
	# Services of the DNS servers are not started by the install: the
	# tests start their own copies on other ports.
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends $missing
	rc=$?
	rm -f /usr/sbin/policy-rc.d
	exit $rc
fi
echo "missing Debian packages: $missing" >&2
echo "install them as root: apt-get install $missing" >&2
exit 1
