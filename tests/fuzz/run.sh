#!/bin/sh
# tests/fuzz/run.sh [seconds] [libfuzzer|afl|both]
#
# Builds and runs the two fuzzers side by side for the given time (default
# 60 s each, in parallel, under nice; 0 = build only, into $FUZZ_OUT):
#   libfuzzer  fuzz_answer.c: answer() with ASan+UBSan, invariants checked
#              (see the comment at the top of fuzz_answer.c)
#   afl        failoverdns itself, built with afl-clang-fast + ASan/UBSan,
#              in pipe mode: 2-byte length framing on stdin
# Prints exec counts, crashes and hangs; exits 1 on any crash, hang or
# sanitizer report, 2 if a build fails.  An input AFL saved as a hang
# counts if it still runs over 10 s on each of 3 replays (a loaded machine
# makes AFL save spurious ones; those are listed, not counted).  The committed seed corpus is never
# written to; work files go to $FUZZ_OUT (default: a temporary directory,
# kept if something was found).
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
if [ -n "${FUZZ_OUT:-}" ]; then
	out=$FUZZ_OUT
	mkdir -p "$out" || exit 2
	keep=1
else
	out=$(mktemp -d "${TMPDIR:-/tmp}/failoverdns-fuzz.XXXXXX") || exit 2
	keep=0
fi
lf_pid=
afl_pid=
cleanup() {
	[ -n "$lf_pid" ] && kill "$lf_pid" 2>/dev/null
	[ -n "$afl_pid" ] && kill "$afl_pid" 2>/dev/null
	[ "$keep" = 0 ] && rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

status=0

# --- build
if [ "$which" != afl ]; then
	if ! $CC_FUZZ -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -Dmain=failoverdns_main \
	    -o "$out/fuzz_answer" "$here/fuzz_answer.c"; then
		echo "run.sh: cannot build the libFuzzer target" >&2
		exit 2
	fi
fi
if [ "$which" != libfuzzer ]; then
	if ! AFL_USE_ASAN=1 AFL_USE_UBSAN=1 AFL_QUIET=1 $AFL_CC -g -O1 \
	    -fno-sanitize-recover=all -o "$out/failoverdns-afl" \
	    "$top/failoverdns.c"; then
		echo "run.sh: cannot build the AFL++ target" >&2
		exit 2
	fi
fi

if [ "$secs" -eq 0 ]; then
	echo "run.sh: built, not run:"
	[ "$which" != afl ] && echo "  libFuzzer: $out/fuzz_answer" \
	    "[-max_total_time=N] CORPUSDIR (seeds: $here/corpus/msg)"
	[ "$which" != libfuzzer ] && echo "  AFL++: afl-fuzz -m none" \
	    "-i $here/corpus/pipe -o OUTDIR -- $out/failoverdns-afl $ARGS"
	keep=1
	exit 0
fi

# --- run, in parallel
if [ "$which" != afl ]; then
	mkdir -p "$out/lf-corpus" "$out/lf-artifacts"
	cp "$here"/corpus/msg/* "$out/lf-corpus/"
	(
		cd "$out" &&
		    exec nice -n 10 ./fuzz_answer -max_total_time="$secs" \
		    -timeout=5 -rss_limit_mb=2048 -max_len=1500 \
		    -print_final_stats=1 -artifact_prefix="$out/lf-artifacts/" \
		    lf-corpus
	) >"$out/lf.log" 2>&1 &
	lf_pid=$!
fi
if [ "$which" != libfuzzer ]; then
	(
		AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
		    AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
		    AFL_SKIP_CRASHES=0 AFL_FAST_CAL=1 \
		    ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0 \
		    UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1 \
		    exec nice -n 10 timeout -k 10 $((secs + 60)) \
		    afl-fuzz -V "$secs" -m none -t 5000 \
		    -i "$here/corpus/pipe" -o "$out/afl" \
		    -- "$out/failoverdns-afl" $ARGS
	) >"$out/afl.log" 2>&1 &
	afl_pid=$!
fi

# --- results
if [ -n "$lf_pid" ]; then
	wait "$lf_pid"
	st=$?
	lf_pid=
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/lf.log")
	crashes=$(ls "$out/lf-artifacts" | wc -l)
	reports=$(grep -c -e 'ERROR: AddressSanitizer' -e 'runtime error' \
	    -e 'invariant broken' -e 'ERROR: libFuzzer' "$out/lf.log")
	echo "libfuzzer: ${execs:-0} execs in ${secs}s, exit $st," \
	    "$crashes artifacts, $reports reports," \
	    "$(ls "$out/lf-corpus" | wc -l) corpus files"
	if [ "$st" -ne 0 ] || [ "$crashes" -ne 0 ] || [ "$reports" -ne 0 ] ||
	    [ -z "$execs" ]; then
		grep -e ERROR -e 'runtime error' -e invariant -e SUMMARY \
		    "$out/lf.log" | head -20
		ls "$out/lf-artifacts" | sed "s|^|  artifact: $out/lf-artifacts/|"
		status=1
		keep=1
	fi
fi
if [ -n "$afl_pid" ]; then
	wait "$afl_pid"
	st=$?
	afl_pid=
	stats=$out/afl/default/fuzzer_stats
	if [ ! -f "$stats" ]; then
		echo "afl: no fuzzer_stats, exit $st"
		tail -20 "$out/afl.log"
		status=1
		keep=1
	else
		field() { sed -n "s/^$1 *: *//p" "$stats"; }
		execs=$(field execs_done)
		crashes=$(field saved_crashes)
		[ -n "$crashes" ] || crashes=$(field unique_crashes)
		hangs=$(field saved_hangs)
		[ -n "$hangs" ] || hangs=$(field unique_hangs)
		echo "afl: ${execs:-0} execs in ${secs}s, exit $st," \
		    "${crashes:-?} crashes, ${hangs:-?} hangs," \
		    "$(field corpus_count) corpus files," \
		    "$(field bitmap_cvg) coverage"
		# AFL saves an input as a hang when one run exceeded -t,
		# which a loaded machine can cause; a hang counts only if
		# the input still takes over 10 s on each of 3 replays.
		real_hangs=0
		for h in "$out"/afl/default/hangs/id*; do
			[ -f "$h" ] || continue
			slow=0
			for i in 1 2 3; do
				timeout 10 "$out/failoverdns-afl" $ARGS \
				    <"$h" >/dev/null 2>&1
				[ $? -eq 124 ] && slow=$((slow + 1))
			done
			if [ $slow -eq 3 ]; then
				real_hangs=$((real_hangs + 1))
				echo "  hang reproduces: $h"
			else
				echo "  hang did not reproduce (load):" \
				    "$(basename "$h")"
			fi
		done
		[ "${hangs:-0}" -gt 0 ] &&
		    echo "afl: $real_hangs of $hangs saved hangs reproduce"
		if [ "$st" -ne 0 ] || [ "${crashes:-1}" -ne 0 ] ||
		    [ "$real_hangs" -ne 0 ] || [ -z "$hangs" ]; then
			ls "$out/afl/default/crashes" "$out/afl/default/hangs" \
			    2>/dev/null | sed 's/^/  /'
			tail -5 "$out/afl.log"
			status=1
			keep=1
		fi
	fi
fi
[ "$keep" = 1 ] && echo "run.sh: work files kept in $out"
exit $status
