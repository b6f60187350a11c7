#!/bin/sh
# tests/fuzz.sh: the bounded CI fuzz run, tests/fuzz/run.sh for FUZZ_SECONDS
# (default 60) seconds, libFuzzer and AFL++ in parallel, about 2 minutes in
# all.  Longer local runs: sh tests/fuzz/run.sh 600.
# Prints pass:/FAIL:/skip: lines; exits 0 iff nothing failed.
# Needs: clang, libclang-rt-14-dev, afl++.

set -u
cd "$(dirname "$0")/.." || exit 2
secs=${FUZZ_SECONDS:-60}
have() { command -v "$1" >/dev/null 2>&1; }

which=both
if ! have clang; then
	echo "skip: fuzz-libfuzzer: clang not installed"
	which=afl
fi
if ! have afl-fuzz || ! have afl-clang-fast; then
	echo "skip: fuzz-afl: afl++ not installed"
	[ $which = afl ] && exit 0
	which=libfuzzer
fi
out=$(timeout $((secs * 2 + 240)) sh tests/fuzz/run.sh "$secs" "$which" 2>&1)
st=$?
printf '%s\n' "$out" | sed 's/^/  | /'
for f in libfuzzer libfuzzer-redirect afl afl-redirect; do
	line=$(printf '%s\n' "$out" | grep "^$f: " | head -1)
	[ -n "$line" ] || continue
	case $line in
	*" exit 0, 0 artifacts, 0 reports"*|*" exit 0, 0 crashes, 0 hangs"*)
		echo "pass: fuzz-$f (${line#*: })" ;;
	*)
		echo "FAIL: fuzz-$f: ${line#*: }" ;;
	esac
done
if [ "$st" -ne 0 ]; then
	echo "FAIL: fuzz-run: tests/fuzz/run.sh exited $st"
	exit 1
fi
exit 0
