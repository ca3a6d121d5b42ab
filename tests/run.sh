#!/bin/sh
# The test runner behind `make check`: runs every cmocka suite in
# build/native/tests and every integration script tests/it_*.sh, counts
# passes and failures, and ends with the line "N passed, N failed".
#   sh tests/run.sh          everything
#   sh tests/run.sh unit     cmocka suites only
#   sh tests/run.sh it NAME  one integration script (tests/it_NAME.sh)
# Integration scripts print one line per case: "ok - what" or "not ok - what".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mode=${1:-all}
only=${2:-}
pass=0 fail=0
log=build/test-logs
mkdir -p "$log"

count_cmocka() { # file: adds cmocka's PASSED/FAILED counts
    p=$(sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$1" | tail -n 1)
    f=$(sed -n 's/.*\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$1" | tail -n 1)
    pass=$((pass + ${p:-0}))
    fail=$((fail + ${f:-0}))
}

if [ "$mode" = all ] || [ "$mode" = unit ]; then
    for t in build/native/tests/test_*; do
        [ -x "$t" ] || continue
        n=$(basename "$t")
        timeout 300 "$t" > "$log/$n.log" 2>&1
        rc=$?
        count_cmocka "$log/$n.log"
        if [ $rc -ne 0 ]; then
            grep -E '^\[  (FAILED|  ERROR) \]|error:|Assertion|Failure' "$log/$n.log" | head -n 20
            if ! grep -q '^\[  FAILED  \]' "$log/$n.log"; then
                echo "not ok - $n exited $rc without a cmocka summary"; fail=$((fail + 1))
            fi
        fi
        echo "$n: $(grep -c '^\[       OK \]' "$log/$n.log") ok, rc=$rc"
    done
fi

if [ "$mode" = all ] || [ "$mode" = it ]; then
    for s in tests/it_*.sh; do
        [ -f "$s" ] || continue
        n=$(basename "$s" .sh)
        [ -n "$only" ] && [ "$n" != "it_$only" ] && continue
        timeout 1200 sh "$s" > "$log/$n.log" 2>&1
        rc=$?
        p=$(grep -c '^ok - ' "$log/$n.log")
        f=$(grep -c '^not ok - ' "$log/$n.log")
        grep '^not ok - ' "$log/$n.log" | sed 's/^/  /'
        if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
            echo "  not ok - $n exited $rc (see $log/$n.log)"; f=1
        fi
        echo "$n: $p ok, $f failed"
        pass=$((pass + p)); fail=$((fail + f))
    done
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
