#!/bin/sh
# tests/sanitize.sh: failoverdns under AddressSanitizer, UBSan and valgrind.
#
#  1. builds ./failoverdns-asan (-fsanitize=address,undefined, every report
#     fatal) and runs the whole test.sh with it (SUITES=none); any sanitizer
#     report, written to a log file of its own, fails the check even if
#     test.sh did not notice it;
#  2. sends varied queries, malformed ones included, through the pipe mode
#     of a -g build under valgrind --error-exitcode=99.
#
# Prints pass:/FAIL:/skip: lines; exits 0 iff nothing failed.
# Needs: cc (gcc or clang) with libasan/libubsan, valgrind, the test.sh
# dependencies.  SANITIZE_CC picks the compiler (default cc).

set -u
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
CC_SAN=${SANITIZE_CC:-cc}
ARGS="-v -i 0 -n server1.com. -n server2.com. www.example.com 198.51.100.1 2001:db8::1"
nfail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/failoverdns-sanitize.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP PIPE

pass() { echo "pass: $1"; }
fail() { echo "FAIL: $1: $2"; nfail=$((nfail + 1)); }
skip() { echo "skip: $1: $2"; }

# --- 1. test.sh with ASan + UBSan
if ! $CC_SAN -std=c99 -g -O1 -fno-omit-frame-pointer \
    -fsanitize=address,undefined -fno-sanitize-recover=all \
    -o failoverdns-asan failoverdns.c 2>"$tmp/build.err"; then
	fail asan-build "$(head -3 "$tmp/build.err" | tr '\n' ' ')"
elif [ ! -f test.sh ]; then
	skip asan-test-sh "no test.sh"
else
	pass asan-build
	ASAN_OPTIONS="log_path=$tmp/asan:abort_on_error=0:detect_leaks=1" \
	UBSAN_OPTIONS="log_path=$tmp/asan:print_stacktrace=1:halt_on_error=1" \
	FAILOVERDNS=./failoverdns-asan SUITES=none \
	    timeout 1500 sh test.sh >"$tmp/test.out" 2>&1
	st=$?
	last=$(tail -1 "$tmp/test.out")
	failed=$(sed -n 's/^FAIL: \([^:]*\):.*/\1/p' "$tmp/test.out" |
	    tr '\n' ' ')
	# A test that fails with the plain build too is test.sh's or the
	# program's failure (or a flaky test), not a sanitizer's.
	plain=
	asan_only=
	if [ "$st" -ne 0 ] && [ -n "$failed" ] && [ -x ./failoverdns ]; then
		for t in $failed; do
			if TESTS=$t SUITES=none timeout 300 sh test.sh \
			    >/dev/null 2>&1; then
				asan_only="$asan_only $t"
			else
				plain="$plain $t"
			fi
		done
	fi
	# Not the sanitizers', but a failure all the same (test.sh's, the
	# program's, or a flaky test): never a skip.
	for t in $plain; do
		fail "asan-test-sh-$t" "fails with the plain ./failoverdns too"
	done
	npassed=$(grep -c '^pass: ' "$tmp/test.out")
	if [ "$npassed" -eq 0 ]; then
		fail asan-test-sh "not one test passed with ASan: $last"
	elif [ "$st" -eq 0 ]; then
		pass "asan-test-sh ($last)"
	elif [ -n "$failed" ] && [ -z "$asan_only" ] && [ -n "$plain" ]; then
		pass "asan-test-sh ($last; the failures are not the sanitizers')"
	else
		fail asan-test-sh "exit $st, $last; failed only with ASan:${asan_only:- (none listed)}"
	fi
	set -- "$tmp"/asan.*
	if [ -f "$1" ]; then
		fail asan-reports "$# report file(s): $(grep -h -m1 \
		    -e 'ERROR: AddressSanitizer' -e 'runtime error' \
		    -e 'LeakSanitizer' "$@" | head -3 | tr '\n' ' ')"
		for f in "$@"; do
			sed 's/^/  | /' "$f" | head -40
		done
	else
		pass asan-reports
	fi
fi

# --- 2. the pipe mode under valgrind
if ! command -v valgrind >/dev/null 2>&1; then
	skip valgrind "valgrind not installed"
	[ $nfail -eq 0 ]
	exit
fi
if ! ${CC:-cc} -std=c99 -g -O1 -o "$tmp/failoverdns-g" failoverdns.c \
    2>"$tmp/build.err"; then
	fail valgrind-build "$(head -3 "$tmp/build.err" | tr '\n' ' ')"
	exit 1
fi

# frame FILE: a 2-byte length, then FILE.
frame() {
	n=$(wc -c <"$1")
	printf "\\$(printf %03o $((n / 256)))\\$(printf %03o $((n % 256)))"
	cat "$1"
}
# msg NAME ESCAPES: writes the message (printf escapes) framed to $tmp/NAME.
msg() {
	printf "$2" >"$tmp/$1.raw"
	frame "$tmp/$1.raw" >"$tmp/$1"
}
HDR='\022\064\001\000\000\001\000\000\000\000\000\000'
HDR_AR1='\022\064\001\000\000\001\000\000\000\000\000\001'
HDR_AR2='\022\064\001\000\000\001\000\000\000\000\000\002'
QN='\003www\007example\003com\000'
OPT='\000\000\051\004\320\000\000\000\000\000\000'
L64=$(printf '%064d' 0)

msg a "$HDR$QN\000\001\000\001"
msg aaaa "$HDR$QN\000\034\000\001"
msg ns "$HDR$QN\000\002\000\001"
msg soa-edns "$HDR_AR1$QN\000\006\000\001$OPT"
msg any-edns-do '\022\064\001\000\000\001\000\000\000\000\000\001'"$QN"'\000\377\000\001\000\000\051\020\000\000\000\200\000\000\000'
msg mx "$HDR$QN\000\017\000\001"
msg nxdomain "$HDR\004nope$QN\000\001\000\001"
msg refused "$HDR\007example\003org\000\000\001\000\001"
msg edns-options "$HDR_AR1$QN\000\001\000\001\000\000\051\004\320\000\000\000\000\000\014\000\012\000\010abcdefgh"
msg badvers "$HDR_AR1$QN\000\001\000\001\000\000\051\004\320\000\001\000\000\000\000"
msg two-opts "$HDR_AR2$QN\000\001\000\001$OPT$OPT"
msg bad-option-len "$HDR_AR1$QN\000\001\000\001\000\000\051\004\320\000\000\000\000\000\004\000\012\000\010"
msg pointer-in-question "$HDR\300\014\000\001\000\001"
msg label-64 "$HDR\100$L64\000\000\001\000\001"
msg truncated-question "$HDR\003www\007exa"
msg trailing-byte "$HDR$QN\000\001\000\001\000"
msg qr-set "\022\064\201\000\000\001\000\000\000\000\000\000$QN\000\001\000\001"
msg notify "\022\064\040\000\000\001\000\000\000\000\000\000$QN\000\006\000\001"
msg qdcount-2 "\022\064\001\000\000\002\000\000\000\000\000\000$QN\000\001\000\001"
printf '\000\005hello' >"$tmp/short-length"
printf '\000\100\022\064' >"$tmp/eof-mid-message"
cat "$tmp/a" "$tmp/aaaa" "$tmp/nxdomain" "$tmp/badvers" >"$tmp/stream-4"

n=0
a_replies=0
for t in a aaaa ns soa-edns any-edns-do mx nxdomain refused edns-options \
    badvers two-opts bad-option-len pointer-in-question label-64 \
    truncated-question trailing-byte qr-set notify qdcount-2 \
    short-length eof-mid-message stream-4; do
	n=$((n + 1))
	timeout 60 valgrind -q --error-exitcode=99 --track-origins=yes \
	    --log-file="$tmp/vg.$t" "$tmp/failoverdns-g" $ARGS \
	    <"$tmp/$t" >"$tmp/out.$t" 2>"$tmp/err.$t"
	st=$?
	replies=$(wc -c <"$tmp/out.$t")
	[ "$t" = a ] && a_replies=$replies
	if [ "$st" -ne 0 ]; then
		fail "valgrind-$t" "exit $st: $(grep -m2 '==' "$tmp/vg.$t" |
		    tr '\n' ' ')"
	elif [ -s "$tmp/vg.$t" ]; then
		fail "valgrind-$t" "$(head -2 "$tmp/vg.$t" | tr '\n' ' ')"
	else
		case $t in
		qr-set|short-length|eof-mid-message)
			# Control: the same build under valgrind answered
			# the plain A query (the first case).
			if [ "$a_replies" -eq 0 ]; then
				fail "valgrind-$t" "silent, but so was the plain A query"
			elif [ "$replies" -eq 0 ]; then
				pass "valgrind-$t (silent)"
			else
				fail "valgrind-$t" "replied to what needs silence"
			fi ;;
		*)
			[ "$replies" -gt 0 ] && pass "valgrind-$t ($replies reply bytes)" ||
			    fail "valgrind-$t" "no reply" ;;
		esac
	fi
done
[ $nfail -eq 0 ]
