#!/bin/sh
# The README's second command: install (as root) or name the Debian
# packages the tests need, build, and run the whole suite (make check).
cd "$(dirname "$0")/.." || exit 1
sh tests/deps.sh check || exit 1
exec make check
