#!/bin/sh
# tests/package.sh: the Debian package (debian/), built and used as an
# operator would.
#
# On this host, in copies of the source (the tracked and untracked files,
# not the ignored ones): dpkg-buildpackage -us -uc (source and binary),
# debian/rules clean leaves the copy as it was; lintian on the .changes (no
# error, no warning; info and pedantic tags shown); the README's
# dpkg-buildpackage -us -uc -b in another directory, with another umask
# and time zone, gives the same .debs byte for byte; the same source with a
# higher version (a changelog entry in a copy) for the upgrade.  Then, in
# tests/systemd.sh's Debian 12 container (tests/container.sh): file list;
# apt install of the .deb; every unit disabled and inactive, port 53
# closed; the units refuse to start, with their log line, while the lines
# are empty; the autopkgtests of debian/tests; the README's configuration,
# dig over UDP and TCP, IPv4 and IPv6; an upgrade with failoverdns-health
# and the responder running (the first restarted, the second left alone,
# the operator's lines kept); remove (everything stopped, port 53 closed);
# purge (the file list as before the install).
#
# About two minutes, a third of it the builds and lintian.  Prints
# pass:/FAIL:/skip: lines; exits 0 iff nothing failed.  The builds and
# lintian run as any user (Rules-Requires-Root: no); the container needs
# root and systemd-nspawn.  Needs dpkg-dev, debhelper and lintian; under
# .ci/run (FAILOVERDNS_CI) a missing one is a failure, not a skip.

set -u

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/container.sh"

nfail=0
pass() { echo "pass: $*"; }
fail() { echo "FAIL: $*"; nfail=$((nfail + 1)); }
skip() { echo "skip: $*"; }
# missing WHAT: a package that is not installed: a skip, but a failure
# under .ci/run, which installs every package.  Returns what to exit with.
missing() {
	if [ -n "${FAILOVERDNS_CI:-}" ]; then
		fail "$* (FAILOVERDNS_CI: every package should be installed)"
		return 1
	fi
	skip "$*"
	return 0
}

for t in dpkg-buildpackage:dpkg-dev dh:debhelper lintian:lintian \
    cc:gcc make:make; do
	if ! command -v "${t%%:*}" >/dev/null 2>&1; then
		missing "package: ${t%%:*} (package ${t#*:}) is not installed"
		exit $?
	fi
done
if [ ! -f "$top/debian/control" ]; then
	fail "package: $top/debian/control is missing"
	exit 1
fi

container_run package

# copy DIR: the source as a checkout has it (tracked and untracked files,
# not the ignored ones: no build products), into DIR/failoverdns.
copy() {
	mkdir -p "$1/failoverdns" || return 1
	if command -v git >/dev/null 2>&1 &&
	    git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$top" && git ls-files -z -co --exclude-standard |
		    tar --null -T - -cf -) | tar -xf - -C "$1/failoverdns"
	else
		# No git (or not ours to read): all of it, then what
		# dpkg-buildpackage does first, debian/rules clean.
		(cd "$top" && tar -cf - .) | tar -xf - -C "$1/failoverdns" &&
		    (cd "$1/failoverdns" && debian/rules clean) >/dev/null 2>&1
	fi
}
# files DIR: every path under DIR, with its type and mode.
files() { (cd "$1" && find . -printf '%y %m %p\n' | LC_ALL=C sort); }

# 1. Source and binary, then clean.
copy "$run/a" || { fail "package: cannot copy the source"; exit 1; }
files "$run/a/failoverdns" >"$run/a.before"
t0=$(date +%s)
if (cd "$run/a/failoverdns" && dpkg-buildpackage -us -uc) \
    >"$run/a.log" 2>&1; then
	pass "dpkg-buildpackage -us -uc: source and binary ($(($(date +%s) - t0)) s)"
else
	fail "dpkg-buildpackage -us -uc: $(grep -v '^ *$' "$run/a.log" | tail -n 1)"
	tail -n 20 "$run/a.log" | sed 's/^/# /'
	exit 1
fi
ver=$(cd "$run/a/failoverdns" && dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
deb=failoverdns_${ver}_$arch.deb
grep -E '^ *(cc|musl-gcc|gcc) ' "$run/a.log" | sed 's/^/# /'
if grep -E '^ *(cc|gcc|[a-z0-9_-]*-gcc) .*-Wshadow .*-D_FORTIFY_SOURCE=2 .*-fstack-protector-strong .*-Wl,-z,relro -Wl,-z,now' \
    "$run/a.log" >/dev/null; then
	pass "build: the Makefile's warnings and dpkg-buildflags' hardening (FORTIFY, stack protector, RELRO, BIND_NOW) on one command line"
else
	fail "build: the compile line lacks the warnings or the hardening flags"
fi
# The program in the .deb: PIE, RELRO, BIND_NOW, stack protector, FORTIFY.
mkdir -p "$run/x" && dpkg-deb -x "$run/a/$deb" "$run/x"
x=$run/x/usr/sbin/failoverdns
if ! command -v readelf >/dev/null 2>&1; then
	missing "package: readelf (package binutils) is not installed" || :
elif readelf -h "$x" | grep -q 'Type: *DYN' &&
    readelf -d "$x" | grep -q 'FLAGS_1.*NOW.*PIE' &&
    readelf -lW "$x" | grep -q GNU_RELRO &&
    readelf --dyn-syms -W "$x" | grep -q __stack_chk_fail &&
    readelf --dyn-syms -W "$x" | grep -q '__[a-z]*printf_chk'; then
	pass "/usr/sbin/failoverdns: PIE, RELRO, BIND_NOW, stack protector, FORTIFY (readelf)"
else
	fail "/usr/sbin/failoverdns: not hardened: $(readelf -d "$x" | grep FLAGS | tr -s ' ' | tr '\n' ' ')"
fi
# Control for the clean: the build changed the tree.
files "$run/a/failoverdns" | diff "$run/a.before" - >/dev/null &&
    fail "control: the build left no trace in the source tree"
if (cd "$run/a/failoverdns" && debian/rules clean) >"$run/clean.log" 2>&1 &&
    files "$run/a/failoverdns" | diff "$run/a.before" - >"$run/clean.diff"; then
	pass "debian/rules clean: the source tree as it was before the build"
else
	fail "debian/rules clean: left $(grep -c '^[<>]' "$run/clean.diff") differences: $(grep '^[<>]' "$run/clean.diff" | head -n 5 | tr '\n' ' ')"
fi

# 2. lintian (this host's; Debian 12's on Debian 12).
lintian --version | sed 's/^/# /'
lintian -I --pedantic --show-overrides --fail-on error,warning \
    "$run/a/failoverdns_${ver}_$arch.changes" >"$run/lintian.out" 2>&1
rc=$?
# Control: lintian looked at the binary package (its overrides matched).
o=$(grep -c '^O: failoverdns: ' "$run/lintian.out")
[ "$o" -ge 2 ] ||
    fail "control: lintian matched $o of the binary package's overrides"
grep -v -e 'running with root privileges' -e '^[NO]: ' "$run/lintian.out" |
    sed 's/^/# lintian: /'
e=$(grep -c '^E: ' "$run/lintian.out") w=$(grep -c '^W: ' "$run/lintian.out")
i=$(grep -c '^I: ' "$run/lintian.out") p=$(grep -c '^P: ' "$run/lintian.out")
if [ $rc -eq 0 ] && [ "$e$w" = 00 ]; then
	pass "lintian (source and binary): no errors, no warnings ($i info, $p pedantic; $o overridden, each with its reason)"
else
	fail "lintian (source and binary): exit $rc, $e errors, $w warnings"
fi
# Every override says why: a comment right above it.
bad=$(for f in "$top"/debian/*lintian-overrides "$top"/debian/source/lintian-overrides; do
	[ -f "$f" ] || continue
	awk -v f="${f#"$top"/}" '/^#/ { c = 1; next }
	    /^[ \t]*$/ { c = 0; next }
	    !c { print f ":" NR }' "$f"
done)
if [ -z "$bad" ]; then
	pass "lintian overrides: each has a comment giving its reason"
else
	fail "lintian overrides without a comment: $bad"
fi

# 3. The README's command, elsewhere, with another umask and time zone.
copy "$run/b/elsewhere" || { fail "package: cannot copy the source"; exit 1; }
if (cd "$run/b/elsewhere/failoverdns" && umask 002 && TZ=Asia/Kolkata \
    LC_ALL=C.UTF-8 dpkg-buildpackage -us -uc -b) >"$run/b.log" 2>&1; then
	pass "dpkg-buildpackage -us -uc -b"
else
	fail "dpkg-buildpackage -us -uc -b: $(grep -v '^ *$' "$run/b.log" | tail -n 1)"
fi
for d in "$deb" "failoverdns-dbgsym_${ver}_$arch.deb"; do
	if [ ! -f "$run/b/elsewhere/$d" ]; then
		fail "reproducible: the second build made no $d"
	elif cmp -s "$run/a/$d" "$run/b/elsewhere/$d"; then
		pass "reproducible: $d byte for byte the same from another directory, umask and time zone ($(sha256sum <"$run/a/$d" | cut -c1-16))"
	else
		fail "reproducible: $d differs between the two builds"
	fi
done

# 4. The same source with a higher version, for the upgrade.
up=$ver+upgradetest1
updeb=failoverdns_${up}_$arch.deb
copy "$run/c" || { fail "package: cannot copy the source"; exit 1; }
cl=$run/c/failoverdns/debian/changelog
{
	printf 'failoverdns (%s) unstable; urgency=medium\n\n' "$up"
	printf '  * tests/package.sh: the upgrade.\n\n'
	printf ' -- tests/package.sh <root@localhost>  %s\n\n' "$(date -R)"
	cat "$cl"
} >"$cl.new" && mv "$cl.new" "$cl"
if (cd "$run/c/failoverdns" && dpkg-buildpackage -us -uc -b) \
    >"$run/c.log" 2>&1 && [ -f "$run/c/$updeb" ]; then
	pass "dpkg-buildpackage -us -uc -b of $up (the upgrade)"
	# Control for cmp: another version is another .deb.
	cmp -s "$run/a/$deb" "$run/c/$updeb" &&
	    fail "control: cmp finds $deb and $updeb the same"
else
	fail "dpkg-buildpackage of $up: $(grep -v '^ *$' "$run/c.log" | tail -n 1)"
	exit 1
fi

# 5. In the container.
container_probe package missing
container_lock package
container_tree package missing

mkdir -p "$run/debs" "$run/t" "$run/results"
cp "$run/a/$deb" "$run/c/$updeb" "$run/debs/"
cp -R "$top/debian/tests" "$run/autopkgtest"
container_unit 500
container_inside "deb=/debs/$deb" "updeb=/debs/$updeb" "ver=$ver" "up=$up"
cat >>"$run/t/inside.sh" <<'EOF'
set -x
export DEBIAN_FRONTEND=noninteractive

sockets="failoverdns.socket failoverdns-tcp.socket"
units="$sockets failoverdns.service failoverdns-tcp@.service failoverdns-health.service"
line='FAILOVERDNS_ARGS="-d /var/lib/failoverdns/down -i 60 -n ns1.example.com. -n ns2.example.com. www.example.com 198.51.100.1"'

# Every path outside what the system itself changes as it runs and
# installs: the kernel's and runtime directories, the journal, dpkg's and
# apt's databases and caches, man-db's cache.
filelist() {
	find / -xdev \( -path /proc -o -path /sys -o -path /dev -o \
	    -path /run -o -path /tmp -o -path /var/tmp -o -path /results -o \
	    -path /t -o -path /debs -o -path /autopkgtest -o \
	    -path /var/log/journal -o -path /var/log/apt -o \
	    -path /var/log/dpkg.log -o -path /var/log/alternatives.log -o \
	    -path /var/lib/dpkg -o -path /var/lib/apt -o \
	    -path /var/cache/apt -o -path /var/cache/man -o \
	    -path /var/cache/debconf -o -path /var/cache/ldconfig \) -prune \
	    -o -print | LC_ALL=C sort
}
port53() { ss -Hlnut 'sport = :53' | wc -l; }
answer() { dig +short +time=2 +tries=2 +norec "@$1" www.example.com A "${@:2}"; }
state() { echo "$(systemctl show -P ActiveState "$1")/$(systemctl show -P SubState "$1")"; }
enabled() {
	local u s r=
	for u in $units; do
		s=$(systemctl is-enabled "$u" 2>&1)
		r="$r $u=$s"
	done
	echo "${r# }"
}
# wait_for SECONDS COMMAND...: true once COMMAND succeeds (every 0.5 s).
wait_for() {
	local n=$(($1 * 2))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.5
		n=$((n - 1))
	done
	return 1
}
# procs: the command lines of the package's programs that run (no procps
# in the container: /proc).
procs() {
	local f c
	for f in /proc/[0-9]*/cmdline; do
		c=$(tr '\0' ' ' <"$f" 2>/dev/null)
		case $c in
		/usr/sbin/failoverdns*|*" /usr/sbin/failoverdns"*) echo "${f#/proc/}: $c" ;;
		esac
	done
}
logged() {	# UNIT TEXT SINCE: the journal of UNIT since SINCE has TEXT
	journalctl -q --since "$3" -u "$1" | grep -qF "$2"
}

filelist >/results/before
if apt-get install -y "$deb" >/tmp/apt.log 2>&1 &&
    [ "$(dpkg-query -W -f='${Status} ${Version}' failoverdns)" = "install ok installed $ver" ]; then
	pass "apt install ./$(basename "$deb")"
else
	fail "apt install ./$(basename "$deb"): $(tail -n 1 /tmp/apt.log)"
	cat /tmp/apt.log
	echo done >/results/done
	exit 0
fi
cat /tmp/apt.log
cp /etc/default/failoverdns /tmp/default.shipped
# Control for the purge: the install shows in the file list.
filelist | diff /results/before - | grep '^>' >/tmp/installed
if grep -q '^> /usr/sbin/failoverdns$' /tmp/installed; then
	note "installed: $(wc -l </tmp/installed) new paths, /usr/sbin/failoverdns among them"
else
	fail "control: the file list does not show the install"
fi

# Installed, not configured: nothing enabled, nothing running, port 53
# closed.
want="failoverdns.socket=disabled failoverdns-tcp.socket=disabled failoverdns.service=static failoverdns-tcp@.service=static failoverdns-health.service=disabled"
e=$(enabled)
if [ "$e" = "$want" ]; then
	pass "installed: systemctl is-enabled: $e"
else
	fail "installed: systemctl is-enabled: $e (want $want)"
fi
s=
for u in $sockets failoverdns.service failoverdns-health.service; do
	[ "$(systemctl is-active "$u")" = inactive ] || s="$s $u=$(systemctl is-active "$u")"
done
if [ -z "$s" ] && [ "$(port53)" = 0 ]; then
	pass "installed: every unit inactive, nothing on port 53"
else
	fail "installed: active:${s:- none}; $(port53) sockets on port 53"
fi
for p in failoverdns failoverdns-health failoverdns-drain; do
	m=$(man -w 8 $p 2>&1)
	if [ -x /usr/sbin/$p ] && [ "$m" = /usr/share/man/man8/$p.8.gz ]; then
		pass "/usr/sbin/$p and $m"
	else
		fail "/usr/sbin/$p: $(ls -l /usr/sbin/$p 2>&1); man -w 8 $p: $m"
	fi
done
if grep -q '^ExecStart=/usr/sbin/failoverdns ' /lib/systemd/system/failoverdns.service /lib/systemd/system/failoverdns-tcp@.service &&
    grep -q '^ExecStart=/usr/sbin/failoverdns-health ' /lib/systemd/system/failoverdns-health.service &&
    ! grep -rq '^[^#]*/usr/local' /lib/systemd/system/failoverdns*; then
	pass "units: ExecStart= in /usr/sbin, no /usr/local"
else
	fail "units: $(grep -rh '^ExecStart=\|^[^#]*/usr/local' /lib/systemd/system/failoverdns* | tr '\n' ' ')"
fi
set +x
(cd /lib/systemd/system && systemd-analyze verify $sockets failoverdns.service \
    failoverdns-tcp@x.service failoverdns-health.service) >/tmp/verify 2>&1
set -x
if ! grep -q . /tmp/verify; then
	pass "systemd-analyze verify: every unit, with its drop-ins"
else
	fail "systemd-analyze verify: $(head -n 1 /tmp/verify)"
	cat /tmp/verify
fi

# The lines are empty: each unit refuses to start, with one log line
# saying so; port 53 stays closed.
since=$(date '+%Y-%m-%d %H:%M:%S')
for u in $sockets; do
	if systemctl start $u; then
		fail "unconfigured: $u started"
	elif logged $u "FAILOVERDNS_ARGS is empty in /etc/default/failoverdns" "$since" &&
	    [ "$(port53)" = 0 ]; then
		pass "unconfigured: systemctl start $u fails with the log line, port 53 closed"
	else
		fail "unconfigured: $u: $(journalctl -q --since "$since" -u $u | tail -n 1); $(port53) sockets on port 53"
	fi
	systemctl reset-failed $u
done
if systemctl start failoverdns-health.service; then
	fail "unconfigured: failoverdns-health.service started"
elif logged failoverdns-health.service "FAILOVERDNS_HEALTH_ARGS is empty in /etc/default/failoverdns-health" "$since"; then
	# Restart=always tries again: at most StartLimitBurst (5) lines.
	failed() { [ "$(systemctl is-active failoverdns-health.service)" = failed ]; }
	wait_for 30 failed
	n=$(journalctl -q --since "$since" -u failoverdns-health.service | grep -c 'FAILOVERDNS_HEALTH_ARGS is empty')
	note "unconfigured failoverdns-health.service: the line logged $n times, then $(state failoverdns-health.service)"
	pass "unconfigured: systemctl start failoverdns-health.service fails with the log line"
else
	fail "unconfigured: failoverdns-health.service: $(journalctl -q --since "$since" -u failoverdns-health.service | tail -n 1)"
fi
systemctl stop failoverdns-health.service
systemctl reset-failed failoverdns-health.service

# The autopkgtests (debian/tests/control: needs-root, isolation-container:
# this container is that testbed).  Each puts back what it changed.
for t in socket-activation health; do
	mkdir -p /tmp/adt-$t
	AUTOPKGTEST_TMP=/tmp/adt-$t timeout 120 /autopkgtest/$t >/tmp/adt-$t.out 2>&1
	rc=$?
	cat /tmp/adt-$t.out
	sed -n 's/^\(pass\|FAIL\): /# autopkgtest '$t': \1: /p' /tmp/adt-$t.out >>$out
	if [ $rc = 0 ] && grep -q '^pass: ' /tmp/adt-$t.out && ! grep -q '^FAIL: ' /tmp/adt-$t.out; then
		pass "autopkgtest $t: $(grep -c '^pass: ' /tmp/adt-$t.out) checks passed"
	else
		fail "autopkgtest $t: exit $rc: $(grep '^FAIL: ' /tmp/adt-$t.out | head -n 1)"
	fi
done
e=$(enabled)
if [ "$e" = "$want" ] && [ "$(port53)" = 0 ] &&
    cmp -s /tmp/default.shipped /etc/default/failoverdns; then
	pass "after the autopkgtests: every unit disabled again, port 53 closed, /etc/default/failoverdns as shipped"
else
	fail "after the autopkgtests: $e; $(port53) sockets on port 53; $(diff /tmp/default.shipped /etc/default/failoverdns | grep '^[<>]' | head -n 2 | tr '\n' ' ')"
fi

# The README: the line in /etc/default/failoverdns, then enable --now.
sed -i "s|^FAILOVERDNS_ARGS=.*|$line|" /etc/default/failoverdns
if systemctl enable --now $sockets; then
	pass "systemctl enable --now $sockets"
else
	fail "systemctl enable --now $sockets: exit $?"
fi
for u in $sockets; do
	[ "$(systemctl is-enabled $u)" = enabled ] || fail "$u: $(systemctl is-enabled $u) after enable"
done
ip -6 addr add 2001:db8::53/128 dev lo nodad
ip addr add 198.51.100.53/32 dev lo
for a in 127.0.0.1 198.51.100.53 ::1 2001:db8::53; do
	for p in udp tcp; do
		o=+notcp
		[ $p = tcp ] && o=+tcp
		r=$(answer $a $o)
		if [ "$r" = 198.51.100.1 ]; then
			pass "dig $p @$a: 198.51.100.1"
		else
			fail "dig $p @$a: '$r'"
		fi
	done
done

# Upgrade, with failoverdns-health running (enabled) and failoverdns.service
# running (-i 60: it stays up through the upgrade unless stopped).
sed -i 's|^FAILOVERDNS_HEALTH_ARGS=.*|FAILOVERDNS_HEALTH_ARGS="-r /run/failoverdns-health/redirect -c tcp://127.0.0.1:53"|' /etc/default/failoverdns-health
systemctl enable --now failoverdns-health.service
answer 127.0.0.1 >/dev/null
sleep 1
hpid=$(systemctl show -P MainPID failoverdns-health.service)
fpid=$(systemctl show -P MainPID failoverdns.service)
cp /etc/default/failoverdns /tmp/default.before
cp /etc/default/failoverdns-health /tmp/default-health.before
note "before the upgrade: failoverdns-health.service $(state failoverdns-health.service) PID $hpid, failoverdns.service $(state failoverdns.service) PID $fpid"
if [ "${hpid:-0}" = 0 ] || [ "${fpid:-0}" = 0 ]; then
	fail "upgrade: control: failoverdns-health.service ($hpid) or failoverdns.service ($fpid) not running before it"
fi
if apt-get install -y "$updeb" >/tmp/apt.log 2>&1 &&
    [ "$(dpkg-query -W -f='${Version}' failoverdns)" = "$up" ]; then
	pass "upgrade: apt install ./$(basename "$updeb"): $ver to $up"
else
	fail "upgrade: apt install ./$(basename "$updeb"): $(tail -n 1 /tmp/apt.log)"
fi
cat /tmp/apt.log
h2=$(systemctl show -P MainPID failoverdns-health.service)
f2=$(systemctl show -P MainPID failoverdns.service)
note "after the upgrade: failoverdns-health.service $(state failoverdns-health.service) PID $h2, failoverdns.service $(state failoverdns.service) PID $f2"
if [ "$(systemctl is-active failoverdns-health.service)" = active ] &&
    [ "${h2:-0}" != 0 ] && [ "$h2" != "$hpid" ]; then
	pass "upgrade: the running failoverdns-health restarted (PID $hpid, now $h2)"
else
	fail "upgrade: failoverdns-health.service $(state failoverdns-health.service), PID $hpid, now $h2"
fi
if [ "${fpid:-0}" != 0 ] && [ "$f2" = "$fpid" ]; then
	pass "upgrade: the running failoverdns.service left alone (PID $fpid)"
else
	fail "upgrade: failoverdns.service PID $fpid, now $f2"
fi
e=
for u in $sockets; do
	[ "$(state $u)" = active/listening ] || [ "$(state $u)" = active/running ] ||
	    e="$e $u=$(state $u)"
	[ "$(systemctl is-enabled $u)" = enabled ] || e="$e $u=$(systemctl is-enabled $u)"
done
if [ -z "$e" ] && [ "$(answer 127.0.0.1)" = 198.51.100.1 ] &&
    [ "$(answer 127.0.0.1 +tcp)" = 198.51.100.1 ]; then
	pass "upgrade: sockets enabled and listening, dig answers over UDP and TCP"
else
	fail "upgrade:$e; udp '$(answer 127.0.0.1)' tcp '$(answer 127.0.0.1 +tcp)'"
fi
if cmp -s /tmp/default.before /etc/default/failoverdns &&
    cmp -s /tmp/default-health.before /etc/default/failoverdns-health; then
	pass "upgrade: the operator's lines in /etc/default kept"
else
	fail "upgrade: /etc/default changed: $(diff /tmp/default.before /etc/default/failoverdns | head -n 3 | tr '\n' ' ')"
fi
# A stopped failoverdns-health stays stopped (the restart above is the
# control): the same version again.
systemctl stop failoverdns-health.service
if dpkg -i "$updeb" >/tmp/dpkg.log 2>&1 &&
    [ "$(systemctl is-active failoverdns-health.service)" = inactive ]; then
	pass "reinstall: a stopped failoverdns-health is not started"
else
	fail "reinstall: dpkg -i: $(tail -n 1 /tmp/dpkg.log); failoverdns-health.service $(state failoverdns-health.service)"
fi

# Remove: everything stops, port 53 closes.  A drain file is left for the
# purge to take.
touch /var/lib/failoverdns/down
answer 127.0.0.1 >/dev/null
systemctl start failoverdns-health.service
sleep 1
# Control: what the remove must stop runs now.
p=$(procs)
if [ "$(port53)" = 0 ] || [ -z "$p" ] ||
    [ "$(systemctl is-active failoverdns-health.service)" != active ]; then
	fail "remove: control: $(port53) sockets on port 53, failoverdns-health.service $(state failoverdns-health.service), running: $(echo "$p" | tr '\n' ' ')"
fi
note "before the remove: $(port53) sockets on port 53; running: $(echo "$p" | tr '\n' ' ')"
if apt-get remove -y failoverdns >/tmp/apt.log 2>&1; then
	pass "apt remove failoverdns"
else
	fail "apt remove failoverdns: $(tail -n 1 /tmp/apt.log)"
fi
cat /tmp/apt.log
s=
for u in $sockets failoverdns.service failoverdns-health.service; do
	case $(systemctl is-active $u) in
	active|activating|deactivating|reloading) s="$s $u=$(state $u)" ;;
	esac
done
p=$(procs)
if [ -z "$s" ] && [ "$(port53)" = 0 ] && [ -z "$p" ]; then
	pass "removed: nothing runs, port 53 closed"
else
	fail "removed: still active:$s; $(port53) sockets on port 53; running: $(echo "$p" | tr '\n' ' ')"
fi
if [ -e /var/lib/failoverdns/down ] && [ -f /etc/default/failoverdns ]; then
	note "removed: /etc/default/failoverdns and the drain file stay until the purge"
fi
if apt-get purge -y failoverdns >/tmp/apt.log 2>&1 &&
    [ -z "$(dpkg-query -W -f='${Status}' failoverdns 2>/dev/null | grep -v not-installed)" ]; then
	pass "apt purge failoverdns"
else
	fail "apt purge failoverdns: $(tail -n 1 /tmp/apt.log)"
fi
cat /tmp/apt.log
filelist >/results/after
if diff /results/before /results/after >/tmp/files.diff; then
	pass "purged: the file list is as before the install ($(wc -l </results/before) paths)"
else
	fail "purged: $(grep -c '^[<>]' /tmp/files.diff) paths differ: $(grep '^[<>]' /tmp/files.diff | head -n 8 | tr '\n' ' ')"
fi
if ls /var/lib/dpkg/info/failoverdns.* >/dev/null 2>&1; then
	fail "purged: dpkg still has $(ls /var/lib/dpkg/info/failoverdns.* | tr '\n' ' ')"
fi
journalctl --no-pager -u 'failoverdns*' | tail -n 60
echo done >/results/done
EOF

t0=$(date +%s)
container_boot 560 --bind-ro="$run/debs:/debs" \
    --bind-ro="$run/autopkgtest:/autopkgtest"
container_verdict package "$rc"
echo "# the container: $(($(date +%s) - t0)) s"
[ $nfail -eq 0 ]
