#!/bin/sh
# The README's second command: install (as root, their services kept off) or
# name the Debian packages the tests need, build, and run the whole suite
# (make check).  Its last line is "N passed, N failed, N skipped".
cd "$(dirname "$0")/.." || exit 1
sh tests/deps.sh check || exit 1
exec make check
