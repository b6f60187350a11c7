#!/bin/sh
# tests/lint.sh: static analysis of failoverdns.c and failoverdns.8.
#
#   gcc -fanalyzer, clang --analyze, cppcheck --enable=warning,portability,
#   gcc and clang with -Wall -Wextra -Wpedantic -Wshadow -Werror (C99),
#   mandoc -Tlint failoverdns.8, and `make static` with musl-gcc: the result
#   must be a static executable no larger than STATIC_MAX bytes.
#
# Any diagnostic fails the check and is printed.  A tool that is missing is
# a skip, not a pass.  Prints pass:/FAIL:/skip: lines; exits 0 iff nothing
# failed.  Needs: gcc, clang, cppcheck, mandoc, musl-tools, make, file.

set -u
cd "$(dirname "$0")/.." || exit 2
STATIC_MAX=${STATIC_MAX:-131072}
WARN="-std=c99 -O2 -Wall -Wextra -Wpedantic -Wshadow -Werror"
nfail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/failoverdns-lint.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP PIPE

pass() { echo "pass: $1"; }
fail() { echo "FAIL: $1: $2"; nfail=$((nfail + 1)); }
skip() { echo "skip: $1: $2"; }
have() { command -v "$1" >/dev/null 2>&1; }

# run NAME TOOL CMD...: pass if CMD exits 0 and prints nothing.
run() {
	name=$1
	tool=$2
	shift 2
	if ! have "$tool"; then
		skip "$name" "$tool not installed"
		return
	fi
	"$@" >"$tmp/$name.out" 2>&1
	st=$?
	if [ "$st" -eq 0 ] && [ ! -s "$tmp/$name.out" ]; then
		pass "$name"
	else
		fail "$name" "exit $st, $(grep -c -e 'warning' -e 'error' \
		    "$tmp/$name.out") diagnostics: $(grep -m1 -e warning \
		    -e error "$tmp/$name.out")"
		sed 's/^/  | /' "$tmp/$name.out" | head -60
	fi
}

run gcc-analyzer gcc gcc -std=c99 -O2 -fanalyzer -Wall -Wextra \
    -c failoverdns.c -o "$tmp/a.o"
run clang-analyze clang clang --analyze -std=c99 \
    -Xanalyzer -analyzer-output=text -o "$tmp/analyze.plist" failoverdns.c
run cppcheck cppcheck cppcheck --enable=warning,portability \
    --error-exitcode=1 --std=c99 --quiet --inline-suppr failoverdns.c
# Control: the same flags reject a planted warning (an unused variable),
# so that a clean build below means something.
printf 'int main(void) { int unused; return 0; }\n' >"$tmp/planted.c"
for c in gcc clang; do
	have $c || continue
	if $c $WARN -o "$tmp/planted.bin" "$tmp/planted.c" >/dev/null 2>&1; then
		fail "$c-warnings-control" "a planted unused variable passes $WARN"
	fi
done
run gcc-warnings gcc gcc $WARN -o "$tmp/gcc.out.bin" failoverdns.c
run clang-warnings clang clang $WARN -o "$tmp/clang.out.bin" failoverdns.c

# The man page: -Tlint also prints STYLE notes, which do not change the
# exit status; any output at WARNING level or above fails.
if [ ! -f failoverdns.8 ]; then
	skip mandoc-lint "no failoverdns.8 yet"
elif ! have mandoc; then
	skip mandoc-lint "mandoc not installed"
else
	mandoc -Tlint -Wwarning failoverdns.8 >"$tmp/mandoc.out" 2>&1
	st=$?
	if [ "$st" -eq 0 ] && [ ! -s "$tmp/mandoc.out" ]; then
		pass mandoc-lint
	else
		fail mandoc-lint "exit $st: $(head -1 "$tmp/mandoc.out")"
		sed 's/^/  | /' "$tmp/mandoc.out" | head -30
	fi
	mandoc -Tlint failoverdns.8 2>&1 | sed 's/^/  note: /' | head -10
fi

# `make static`, in a copy of the tree so that the shared work tree is not
# written to.
if ! have musl-gcc; then
	skip static-musl "musl-gcc not installed (musl-tools)"
elif ! have make; then
	skip static-musl "make not installed"
else
	mkdir "$tmp/static"
	cp Makefile failoverdns.c "$tmp/static/"
	if ! make -C "$tmp/static" static >"$tmp/static.out" 2>&1; then
		fail static-musl "make static: $(tail -1 "$tmp/static.out")"
		sed 's/^/  | /' "$tmp/static.out" | head -20
	elif [ ! -x "$tmp/static/failoverdns-static" ]; then
		fail static-musl "make static made no failoverdns-static"
	else
		bin=$tmp/static/failoverdns-static
		size=$(wc -c <"$bin")
		kind=$(file -b "$bin" 2>/dev/null)
		dyn=$(ldd "$bin" 2>&1)
		case $kind in
		*"dynamically linked"*)
			fail static-musl "file says: $kind" ;;
		*)
			case $dyn in
			*"not a dynamic executable"*|*"statically linked"*)
				if [ "$size" -le "$STATIC_MAX" ]; then
					pass "static-musl ($size bytes; $kind)"
				else
					fail static-musl "$size bytes > $STATIC_MAX"
				fi ;;
			*)
				fail static-musl "ldd says: $dyn" ;;
			esac ;;
		esac
		grep -e warning -e error "$tmp/static.out" | sed 's/^/  | /'
	fi
fi
run mandoc-lint-health mandoc mandoc -Tlint -Wwarning health/failoverdns-health.8
run mandoc-lint-drain mandoc mandoc -Tlint -Wwarning health/failoverdns-drain.8
[ $nfail -eq 0 ]
