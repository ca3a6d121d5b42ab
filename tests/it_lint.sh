#!/bin/sh
# make lint inside make check: first a canary (a file with an out-of-bounds
# read must make both tools report, so a config that checks nothing cannot
# pass), then tests/lint.sh over src/ and port/posix/, whose "ok"/"not ok"
# lines, findings indented under them, are this script's result.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
mkdir -p build/lint
canary=build/lint/canary.c
printf 'int canary(void);\nint canary(void)\n{\n    int a[4] = {1, 2, 3, 4};\n    return a[4];\n}\n' > "$canary"
sh tests/lint.sh "$canary" > build/lint/canary.out 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q '^not ok - clang-tidy: [1-9]' build/lint/canary.out \
    && grep -q '^not ok - cppcheck: [1-9]' build/lint/canary.out; then
    echo "ok - lint: both tools report an out-of-bounds read in a canary file"
else
    echo "not ok - lint: the canary was not caught by both tools (exit $rc):"
    sed 's/^/  # /' build/lint/canary.out
fi
rm -f "$canary"
sh tests/lint.sh
