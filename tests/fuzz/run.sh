#!/bin/sh
# tests/fuzz/run.sh [seconds] [libfuzzer|afl|both]
#
# Builds and runs the fuzz targets side by side for the given time (default
# 60 s each, all in parallel, under nice; 0 = build only, into $FUZZ_OUT):
#   libfuzzer           fuzz_answer.c: answer() with ASan+UBSan, invariants
#                       checked (see the comment at the top of fuzz_answer.c)
#   libfuzzer-redirect  fuzz_redirect.c: the input is a -r redirect file;
#                       addr_source() then answer(), invariants checked
#                       (see the comment at the top of fuzz_redirect.c)
#   afl                 failoverdns itself, built with afl-clang-fast +
#                       ASan/UBSan, in pipe mode: 2-byte length framing on
#                       stdin
#   afl-redirect        fuzz_redirect.c built with afl-clang-fast +
#                       ASan/UBSan (libAFLDriver), the file on stdin
# "libfuzzer" runs both libFuzzer targets, "afl" both AFL++ targets.
# Prints one line per target: exec counts, crashes and hangs; exits 1 on
# any crash, hang or sanitizer report, 2 if a build fails.  An input AFL
# saved as a hang counts if it still runs over 10 s on each of 3 replays (a
# loaded machine makes AFL save spurious ones; those are listed, not
# counted).  The committed seed corpus is never written to; work files go
# to $FUZZ_OUT (default: a temporary directory, kept if something was
# found); fuzz_redirect's file lives in a directory under it.
#
# Needs: clang, libclang-rt-14-dev (libFuzzer), afl++.

set -u

secs=${1:-60}
which=${2:-both}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
CC_FUZZ=${CC_FUZZ:-clang}
AFL_CC=${AFL_CC:-afl-clang-fast}
ARGS="-i 0 -n server1.com. -n server2.com. www.example.com 198.51.100.1 2001:db8::1"

case $secs in
''|*[!0-9]*)	echo "usage: run.sh [seconds] [libfuzzer|afl|both]" >&2; exit 2 ;;
esac
case $which in
libfuzzer)	targets="libfuzzer libfuzzer-redirect" ;;
afl)		targets="afl afl-redirect" ;;
both)		targets="libfuzzer libfuzzer-redirect afl afl-redirect" ;;
*)	echo "usage: run.sh [seconds] [libfuzzer|afl|both]" >&2; exit 2 ;;
esac
if [ -n "${FUZZ_OUT:-}" ]; then
	out=$FUZZ_OUT
	mkdir -p "$out" || exit 2
	keep=1
else
	out=$(mktemp -d "${TMPDIR:-/tmp}/failoverdns-fuzz.XXXXXX") || exit 2
	keep=0
fi
mkdir -p "$out/tmp" || exit 2
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
	done
	[ "$keep" = 0 ] && rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

status=0
has() { case " $targets " in *" $1 "*) return 0 ;; esac; return 1; }

# --- build
lf_build() { # name source
	if ! $CC_FUZZ -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -Dmain=failoverdns_main \
	    -o "$out/$1" "$here/$2"; then
		echo "run.sh: cannot build the libFuzzer target $1" >&2
		exit 2
	fi
}
has libfuzzer && lf_build fuzz_answer fuzz_answer.c
has libfuzzer-redirect && lf_build fuzz_redirect fuzz_redirect.c
if has afl && ! AFL_USE_ASAN=1 AFL_USE_UBSAN=1 AFL_QUIET=1 $AFL_CC -g -O1 \
    -fno-sanitize-recover=all -o "$out/failoverdns-afl" "$top/failoverdns.c"
then
	echo "run.sh: cannot build the AFL++ target" >&2
	exit 2
fi
if has afl-redirect && ! AFL_USE_ASAN=1 AFL_USE_UBSAN=1 AFL_QUIET=1 \
    $AFL_CC -g -O1 -fsanitize=fuzzer -fno-sanitize-recover=all \
    -Dmain=failoverdns_main -o "$out/fuzz_redirect-afl" \
    "$here/fuzz_redirect.c"; then
	echo "run.sh: cannot build the AFL++ target fuzz_redirect-afl" >&2
	exit 2
fi

if [ "$secs" -eq 0 ]; then
	echo "run.sh: built, not run:"
	has libfuzzer && echo "  libFuzzer: $out/fuzz_answer" \
	    "[-max_total_time=N] CORPUSDIR (seeds: $here/corpus/msg)"
	has libfuzzer-redirect && echo "  libFuzzer: $out/fuzz_redirect" \
	    "-max_len=4200 [-max_total_time=N] CORPUSDIR" \
	    "(seeds: $here/corpus/redirect)"
	has afl && echo "  AFL++: afl-fuzz -m none" \
	    "-i $here/corpus/pipe -o OUTDIR -- $out/failoverdns-afl $ARGS"
	has afl-redirect && echo "  AFL++: afl-fuzz -m none" \
	    "-i $here/corpus/redirect -o OUTDIR -- $out/fuzz_redirect-afl"
	keep=1
	exit 0
fi

# --- run, in parallel
lf_run() { # name binary seeds max_len
	mkdir -p "$out/$1-corpus" "$out/$1-artifacts"
	cp "$here"/corpus/$3/* "$out/$1-corpus/"
	(
		cd "$out" &&
		    TMPDIR="$out/tmp" exec nice -n 10 "./$2" \
		    -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 \
		    -max_len="$4" -print_final_stats=1 \
		    -artifact_prefix="$out/$1-artifacts/" "$1-corpus"
	) >"$out/$1.log" 2>&1 &
	pids="$pids $!"
	eval "pid_$(echo "$1" | tr - _)=\$!"
}
afl_run() { # name seeds -- command...
	name=$1
	seeds=$2
	shift 3
	(
		TMPDIR="$out/tmp" AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 \
		    AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
		    AFL_SKIP_CRASHES=0 AFL_FAST_CAL=1 \
		    ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0 \
		    UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1 \
		    exec nice -n 10 timeout -k 10 $((secs + 60)) \
		    afl-fuzz -V "$secs" -m none -t 5000 \
		    -i "$here/corpus/$seeds" -o "$out/$name" -- "$@"
	) >"$out/$name.log" 2>&1 &
	pids="$pids $!"
	eval "pid_$(echo "$name" | tr - _)=\$!"
}
has libfuzzer && lf_run libfuzzer fuzz_answer msg 1500
has libfuzzer-redirect && lf_run libfuzzer-redirect fuzz_redirect redirect 4200
has afl && afl_run afl pipe -- "$out/failoverdns-afl" $ARGS
has afl-redirect && afl_run afl-redirect redirect -- "$out/fuzz_redirect-afl"

# --- results
lf_result() { # name
	eval "pid=\$pid_$(echo "$1" | tr - _)"
	wait "$pid"
	st=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$1.log")
	crashes=$(ls "$out/$1-artifacts" | wc -l)
	reports=$(grep -c -e 'ERROR: AddressSanitizer' -e 'runtime error' \
	    -e 'invariant broken' -e 'ERROR: libFuzzer' "$out/$1.log")
	echo "$1: ${execs:-0} execs in ${secs}s, exit $st," \
	    "$crashes artifacts, $reports reports," \
	    "$(ls "$out/$1-corpus" | wc -l) corpus files"
	if [ "$st" -ne 0 ] || [ "$crashes" -ne 0 ] || [ "$reports" -ne 0 ] ||
	    [ -z "$execs" ]; then
		grep -e ERROR -e 'runtime error' -e invariant -e SUMMARY \
		    "$out/$1.log" | head -20
		ls "$out/$1-artifacts" |
		    sed "s|^|  artifact: $out/$1-artifacts/|"
		status=1
		keep=1
	fi
}
afl_result() { # name -- command...
	name=$1
	shift 2
	eval "pid=\$pid_$(echo "$name" | tr - _)"
	wait "$pid"
	st=$?
	stats=$out/$name/default/fuzzer_stats
	if [ ! -f "$stats" ]; then
		echo "$name: no fuzzer_stats, exit $st"
		tail -20 "$out/$name.log"
		status=1
		keep=1
		return
	fi
	field() { sed -n "s/^$1 *: *//p" "$stats"; }
	execs=$(field execs_done)
	crashes=$(field saved_crashes)
	[ -n "$crashes" ] || crashes=$(field unique_crashes)
	hangs=$(field saved_hangs)
	[ -n "$hangs" ] || hangs=$(field unique_hangs)
	echo "$name: ${execs:-0} execs in ${secs}s, exit $st," \
	    "${crashes:-?} crashes, ${hangs:-?} hangs," \
	    "$(field corpus_count) corpus files," \
	    "$(field bitmap_cvg) coverage"
	# AFL saves an input as a hang when one run exceeded -t, which a
	# loaded machine can cause; a hang counts only if the input still
	# takes over 10 s on each of 3 replays.
	real_hangs=0
	for h in "$out/$name"/default/hangs/id*; do
		[ -f "$h" ] || continue
		slow=0
		for i in 1 2 3; do
			TMPDIR="$out/tmp" timeout 10 "$@" <"$h" >/dev/null 2>&1
			[ $? -eq 124 ] && slow=$((slow + 1))
		done
		if [ $slow -eq 3 ]; then
			real_hangs=$((real_hangs + 1))
			echo "  hang reproduces: $h"
		else
			echo "  hang did not reproduce (load): $(basename "$h")"
		fi
	done
	[ "${hangs:-0}" -gt 0 ] &&
	    echo "$name: $real_hangs of $hangs saved hangs reproduce"
	if [ "$st" -ne 0 ] || [ "${crashes:-1}" -ne 0 ] ||
	    [ "$real_hangs" -ne 0 ] || [ -z "$hangs" ]; then
		ls "$out/$name/default/crashes" "$out/$name/default/hangs" \
		    2>/dev/null | sed 's/^/  /'
		tail -5 "$out/$name.log"
		status=1
		keep=1
	fi
}
has libfuzzer && lf_result libfuzzer
has libfuzzer-redirect && lf_result libfuzzer-redirect
has afl && afl_result afl -- "$out/failoverdns-afl" $ARGS
has afl-redirect && afl_result afl-redirect -- "$out/fuzz_redirect-afl"
pids=
[ "$keep" = 1 ] && echo "run.sh: work files kept in $out"
exit $status
