#!/bin/sh
# tests/fuzz/mutants.sh [seconds]: does the fuzz harness have teeth?
#
# Plants one bug at a time in a copy of failoverdns.c, builds fuzz_answer.c
# (or fuzz_redirect.c, for the -r file) against it and runs libFuzzer for
# at most the given time (default 60 s) from the seed corpus.  Each mutant must be caught (an invariant broken or
# a sanitizer report).  Not part of CI; run it after changing the harness.
# Prints pass:/FAIL: lines; exits 0 iff every mutant was caught.
# Needs: clang, libclang-rt-14-dev, python3.

set -u
secs=${1:-60}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/failoverdns-mutants.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP PIPE
nfail=0

# mutant TARGET NAME OLD NEW: failoverdns.c with the one line OLD replaced
# by NEW, fuzzed by fuzz_TARGET.c from corpus/msg (answer) or corpus/redirect.
mutant() {
	target=$1
	name=$2
	case $target in
	answer)		corpus=msg max=1500 ;;
	redirect)	corpus=redirect max=4200 ;;
	esac
	mkdir -p "$tmp/$name/tests/fuzz" "$tmp/$name/corpus" "$tmp/$name/tmp"
	if ! python3 - "$top/failoverdns.c" "$tmp/$name/failoverdns.c" \
	    "$3" "$4" <<'EOF'
import sys
src, dst, old, new = sys.argv[1:]
s = open(src).read()
if s.count(old) != 1:
    sys.exit("not found once: " + old)
open(dst, "w").write(s.replace(old, new))
EOF
	then
		echo "FAIL: mutant-$name: cannot plant (failoverdns.c changed?)"
		nfail=$((nfail + 1))
		return
	fi
	cp "$here/fuzz_answer.c" "$here/fuzz_redirect.c" "$tmp/$name/tests/fuzz/"
	cp "$here"/corpus/$corpus/* "$tmp/$name/corpus/"
	clang -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -Dmain=failoverdns_main \
	    -o "$tmp/$name/fz" "$tmp/$name/tests/fuzz/fuzz_$target.c" || {
		echo "FAIL: mutant-$name: does not build"
		nfail=$((nfail + 1))
		return
	}
	(cd "$tmp/$name" && TMPDIR="$tmp/$name/tmp" nice -n 10 ./fz \
	    -max_total_time="$secs" -max_len=$max \
	    -artifact_prefix="$tmp/$name/crash-" corpus) \
	    >"$tmp/$name/log" 2>&1
	why=$(grep -m1 -e 'invariant broken' -e 'runtime error' \
	    -e 'ERROR: AddressSanitizer' "$tmp/$name/log")
	if [ -n "$why" ]; then
		echo "pass: mutant-$name caught: $why"
	else
		echo "FAIL: mutant-$name: survived $secs s"
		nfail=$((nfail + 1))
	fi
}

mutant answer edns-limit \
    'limit = q->edns_size < EDNS_LIMIT ? q->edns_size : EDNS_LIMIT;' \
    'limit = q->edns_size < 4096 ? q->edns_size : 4096;'
mutant answer question-class \
    'wr_int(&w, q->qtype, 2) || wr_int(&w, q->qclass, 2));' \
    'wr_int(&w, q->qtype, 2) || wr_int(&w, CLASS_IN, 2));'
mutant answer soa-owner \
    'if (wr_rrset(&w, &config.soa, (size_t)zone) == -1)' \
    'if (wr_rrset(&w, &config.soa, 0) == -1)'
mutant answer label-limit \
    'if (label > LABEL_LIMIT || (size_t)label + 1 > NAME_LIMIT - n)' \
    'if (label > LABEL_LIMIT + 1 || (size_t)label + 1 > NAME_LIMIT - n)'
mutant answer trailing-bytes \
    'if (r.off != r.len || !q->has_question)' \
    'if (!q->has_question)'
mutant answer opt-room \
    'w.cap = limit - (q->has_edns ? OPT_LEN : 0);' \
    'w.cap = limit;'
mutant answer name-bound \
    'if (label > LABEL_LIMIT || (size_t)label + 1 > NAME_LIMIT - n)' \
    'if (label > LABEL_LIMIT || (size_t)label > NAME_LIMIT - n)'
mutant redirect redirect-word \
    'if ((e = addr_add(&l, word)) != NULL) {' \
    'if ((e = addr_add(&l, word)) != NULL && 0) {'
mutant redirect redirect-empty \
    'redirect.is_active = l.count[0] + l.count[1] > 0;' \
    'redirect.is_active = 1;'
mutant redirect redirect-size \
    'if (len > REDIRECT_LIMIT || memchr' \
    'if (len > REDIRECT_LIMIT + 1 || memchr'
mutant redirect redirect-count \
    'if (l->count[f] == ADDR_LIMIT)' \
    'if (l->count[f] == ADDR_LIMIT + 1)'
mutant redirect redirect-family \
    'set[0] = &addr[1];' \
    'set[0] = &config.addr[1];'
[ $nfail -eq 0 ]
