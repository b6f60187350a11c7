# tests/container.sh: the Debian 12 container that tests/systemd.sh and
# tests/package.sh boot.  Sourced, not run: the suite defines pass, fail
# and skip, sets top, run (its scratch directory) and nspawn_pid= (its
# cleanup kills that PID), and then calls, in this order:
#
#   container_probe SUITE MISSING   root, systemd-nspawn, the namespaces;
#                                   exits 0 after a skip line if one is
#                                   missing; a missing package is reported
#                                   with the function named MISSING
#   container_lock SUITE            one container at a time on this host
#   container_run NAME              $run and the traps that clean it up
#   container_inside NAME=VALUE...  starts $run/t/inside.sh (helpers)
#   container_tree SUITE MISSING    debootstraps $TREE once (about a minute)
#   container_unit SECONDS          $run/t/fdns-test.service: runs
#                                   /t/inside.sh (bash) once booted
#   container_boot SECONDS ARGS...  boots $TREE (a throwaway overlay, its
#                                   own network namespace) with $run/results
#                                   as /results, $run/t as /t and ARGS
#   container_verdict SUITE RC      prints /results/out, counts its FAIL
#                                   lines into nfail; a skip if systemd did
#                                   not boot, a FAIL if the checks did not
#                                   finish (no /results/done)
#
# inside.sh writes /results/booted first, verdict lines to /results/out,
# and /results/done last.

# Deliberate, so not reported: run is the suite's, rc is for the suite.
# shellcheck disable=SC2154,SC2034

CACHE=${FAILOVERDNS_CACHE:-/var/cache/failoverdns-test}
# Bump the suffix when the package list changes.  curl: failoverdns-health
# and the Depends of the failoverdns package (the container has no network).
PACKAGES=systemd,systemd-sysv,dbus,dnsutils,dnsperf,iproute2,make,man-db,curl
TREE=$CACHE/bookworm-systemd-2

container_probe() {
	if [ "$(id -u)" != 0 ]; then
		skip "$1: needs root (systemd-nspawn)"
		exit 0
	fi
	if ! command -v systemd-nspawn >/dev/null 2>&1; then
		$2 "$1: systemd-nspawn (package systemd-container) is not installed"
		exit $?
	fi
	# Probe: the namespaces systemd-nspawn --private-network makes
	# (network, mount, PID, IPC, UTS) and a loopback it can bring up:
	# CAP_SYS_ADMIN and CAP_NET_ADMIN.  Whether a systemd boots in there
	# is the next probe: the test unit in the container writes
	# /results/booted first.
	if ! err=$(unshare --net --mount --pid --fork --ipc --uts \
	    ip link set lo up 2>&1); then
		skip "$1: cannot make the namespaces systemd-nspawn needs (unshare --net --mount --pid --ipc --uts, ip link set lo up; CAP_SYS_ADMIN and CAP_NET_ADMIN): $(echo "$err" | head -n 1)"
		exit 0
	fi
}

# container_run NAME: $run, a work directory /tmp/failoverdns-NAME.*, and
# traps that stop the container (nspawn_pid) and remove it at any exit
# (FAILOVERDNS_KEEP=1 keeps it).
container_run() {
	run=$(mktemp -d "/tmp/failoverdns-$1.XXXXXX") || exit 2
	nspawn_pid=
	trap container_cleanup EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
}
container_cleanup() {
	if [ -n "$nspawn_pid" ]; then
		kill "$nspawn_pid" 2>/dev/null
		wait "$nspawn_pid" 2>/dev/null
	fi
	[ -n "${FAILOVERDNS_KEEP:-}" ] || rm -rf "$run"
}

# container_inside NAME=VALUE...: starts $run/t/inside.sh, the checks that
# systemd runs in the container: the values, the probe (/results/booted),
# the verdict helpers (pass, fail, skip, note: /results/out) and a timed
# trace; the suite appends its checks.
container_inside() {
	{
		echo '#!/bin/bash'
		printf '%s\n' "$@"
		cat <<'EOF'
out=/results/out
# The probe: systemd booted far enough to start this unit.
echo booted >/results/booted
pass() { echo "pass: $*" >>$out; }
fail() { echo "FAIL: $*" >>$out; }
skip() { echo "skip: $*" >>$out; }
note() { echo "# $*" >>$out; }
PS4='+ $EPOCHREALTIME '
EOF
	} >"$run/t/inside.sh"
}

# One run at a time on this machine: the tree is built once, and nspawn
# locks the directory it boots.
container_lock() {
	mkdir -p "$CACHE" || exit 2
	exec 9>"$CACHE/lock"
	if ! flock -w 600 9; then
		fail "$1: $CACHE/lock still held after 600 s"
		exit 1
	fi
}

# The mirror that apt uses here; Debian's own otherwise.
mirror() {
	m=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\/*\)$/\1/p' \
	    /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
	[ -n "$m" ] || m=$(sed -n \
	    's/^deb  *\(\[[^]]*\] *\)\{0,1\}\(http[^ ]*\/debian\/*\) *bookworm .*/\2/p' \
	    /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
	    head -n 1)
	echo "${m:-http://deb.debian.org/debian}"
}

container_tree() {
	[ -f "$TREE/.failoverdns-complete" ] && return 0
	if ! command -v debootstrap >/dev/null 2>&1; then
		$2 "$1: no cached tree and debootstrap is not installed"
		exit $?
	fi
	rm -rf "$TREE.new"
	echo "# building $TREE (debootstrap, about a minute)"
	if timeout 900 debootstrap --variant=minbase --include="$PACKAGES" \
	    bookworm "$TREE.new" "$(mirror)" >"$CACHE/debootstrap.log" 2>&1
	then
		touch "$TREE.new/.failoverdns-complete"
		rm -rf "$TREE"
		mv "$TREE.new" "$TREE"
	else
		fail "$1: debootstrap failed, see $CACHE/debootstrap.log"
		tail -n 5 "$CACHE/debootstrap.log" | sed 's/^/# /'
		exit 1
	fi
}

container_unit() {
	mkdir -p "$run/t" "$run/results"
	cat >"$run/t/fdns-test.service" <<UNIT
[Unit]
Description=failoverdns checks
After=basic.target dbus.socket
SuccessAction=poweroff
FailureAction=poweroff
[Service]
Type=oneshot
ExecStart=/bin/bash /t/inside.sh
StandardOutput=file:/results/debug
StandardError=inherit
TimeoutStartSec=$1
UNIT
}

# --volatile=overlay: the cached tree stays as built; --private-network:
# the container has its own loopback and nothing else; bpf() is allowed so
# that systemd enforces IPAddressDeny=.  Arguments after the directory go
# to systemd, which takes them as its kernel command line.  Sets rc.
container_boot() {
	secs=$1
	shift
	rm -f "$run/results/out" "$run/results/done" "$run/results/booted"
	timeout "$secs" systemd-nspawn --quiet --boot --register=no --keep-unit \
	    --private-network --volatile=overlay --system-call-filter=bpf \
	    --directory="$TREE" \
	    --bind="$run/results:/results" --bind-ro="$run/t:/t" \
	    --bind-ro="$run/t/fdns-test.service:/etc/systemd/system/fdns-test.service" \
	    "$@" \
	    systemd.wants=fdns-test.service </dev/null >"$run/console.log" 2>&1 &
	nspawn_pid=$!
	wait "$nspawn_pid"
	rc=$?
	nspawn_pid=
}

container_verdict() {
	if [ ! -f "$run/results/booted" ]; then
		skip "$1: systemd does not boot in a container here (systemd-nspawn --boot, exit $2): $(grep -v '^ *$' "$run/console.log" | tail -n 2 | tr '\n' ' ')"
		exit 0
	fi
	if [ -f "$run/results/out" ]; then
		cat "$run/results/out"
		nfail=$((nfail + $(grep -c '^FAIL: ' "$run/results/out")))
	fi
	if [ ! -f "$run/results/done" ]; then
		fail "$1: the checks in the container did not finish (nspawn exit $2)"
		tail -n 20 "$run/console.log" | sed 's/^/# /'
		[ -f "$run/results/debug" ] && tail -n 20 "$run/results/debug" | sed 's/^/# /'
	fi
}
