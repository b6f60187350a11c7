#!/bin/sh
# tests/fuzz/mutants.sh [seconds]: does the fuzz harness have teeth?
#
# Plants one bug at a time in a copy of failoverdns.c, builds fuzz_answer.c
# against it and runs libFuzzer for at most the given time (default 60 s)
# from the seed corpus.  Each mutant must be caught (an invariant broken or
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

# mutant NAME OLD NEW: failoverdns.c with the one line OLD replaced by NEW.
mutant() {
	name=$1
	mkdir -p "$tmp/$name/tests/fuzz" "$tmp/$name/corpus"
	if ! python3 - "$top/failoverdns.c" "$tmp/$name/failoverdns.c" \
	    "$2" "$3" <<'EOF'
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
	cp "$here/fuzz_answer.c" "$tmp/$name/tests/fuzz/"
	cp "$here"/corpus/msg/* "$tmp/$name/corpus/"
	clang -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -Dmain=failoverdns_main \
	    -o "$tmp/$name/fz" "$tmp/$name/tests/fuzz/fuzz_answer.c" || {
		echo "FAIL: mutant-$name: does not build"
		nfail=$((nfail + 1))
		return
	}
	(cd "$tmp/$name" && nice -n 10 ./fz -max_total_time="$secs" \
	    -max_len=1500 -artifact_prefix="$tmp/$name/crash-" corpus) \
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

mutant edns-limit \
    'limit = q->edns_size < EDNS_LIMIT ? q->edns_size : EDNS_LIMIT;' \
    'limit = q->edns_size < 4096 ? q->edns_size : 4096;'
mutant question-class \
    'wr_u16(&w, q->qtype) || wr_u16(&w, q->qclass));' \
    'wr_u16(&w, q->qtype) || wr_u16(&w, CLASS_IN));'
mutant soa-owner \
    'if (wr_rrset(&w, HEADER_LEN + zone, QTYPE_SOA) < 0)' \
    'if (wr_rrset(&w, HEADER_LEN, QTYPE_SOA) < 0)'
mutant label-limit \
    'if (rd_bytes(r, &label, 1) == -1 || label > LABEL_LIMIT ||' \
    'if (rd_bytes(r, &label, 1) == -1 || label > LABEL_LIMIT + 1 ||'
mutant trailing-bytes \
    'if (r.off != r.len || q->qtype == QTYPE_OPT)' \
    'if (q->qtype == QTYPE_OPT)'
mutant opt-room \
    'w.cap = limit - (q->has_edns ? OPT_LEN : 0);' \
    'w.cap = limit;'
mutant name-bound \
    '(size_t)label + 1 > NAME_LIMIT - n)' \
    '(size_t)label > NAME_LIMIT - n)'
[ $nfail -eq 0 ]
