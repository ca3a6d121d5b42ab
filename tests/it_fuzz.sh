#!/bin/sh
# The libFuzzer harnesses (tests/fuzz/) in `make check`: builds them, replays
# the committed corpus (seeds and regression inputs) through each, then fuzzes
# each for FUZZ_SECONDS (default 10) on a fresh copy of its corpus.
# `make fuzz FUZZ_SECONDS=N` is the long run with figures.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
FUZZ_SECONDS=${FUZZ_SECONDS:-10}
names="fuzz_http fuzz_json fuzz_time fuzz_config"
mkdir -p build/fuzz
if ! make -s -f Makefile -f tests/fuzz/fuzz.mk fuzz-build > build/fuzz/build.log 2>&1; then
    tail -n 20 build/fuzz/build.log
    echo "not ok - fuzz harnesses build (see build/fuzz/build.log)"
    exit 1
fi
echo "ok - fuzz harnesses build"
# shellcheck disable=SC2086
sh tests/fuzz/run.sh replay 0 $names
# shellcheck disable=SC2086
sh tests/fuzz/run.sh ci "$FUZZ_SECONDS" $names
exit 0
