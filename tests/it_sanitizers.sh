#!/bin/sh
# The unit suites and a bounded set of integration runs again under ASan +
# UBSan (native toolchain, build/native-san), and one full integration run of
# the native build under valgrind memcheck. A finding is any sanitizer report
# ("runtime error", "AddressSanitizer", "LeakSanitizer") or a valgrind error.
# Writes build/reliability/sanitizers.tsv (check<TAB>result).
#   sh tests/run.sh it sanitizers
. "$(dirname "$0")/lib.sh"
mkdir -p build/reliability
tsv=build/reliability/sanitizers.tsv
: > "$tsv.tmp"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:disable_coredump=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
FINDING='runtime error|AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer'

if ! make -s TARGET=native SAN=1 tests build/native-san/gwhist > "$tmp/build.san" 2>&1; then
    tail -n 20 "$tmp/build.san"
    echo "not ok - SAN=1 build of the unit suites and gwhist"
    exit 1
fi
make -s TARGET=native gwsim build/native/gwhist > /dev/null && make -s certs > /dev/null || exit 1
# private copies: a rebuild by someone else mid-run must not change what is tested
cp build/native-san/gwhist.unstripped "$tmp/gwhist-san" && cp build/native/gwhist "$tmp/gwhist-native" &&
    cp "$GWSIM" "$tmp/gwsim" || exit 1
GWSIM=$tmp/gwsim

# ---- unit suites under ASan + UBSan ---------------------------------------
n=0 clean=0
for t in build/native-san/tests/test_*; do
    [ -x "$t" ] || continue
    s=$(basename "$t")
    n=$((n + 1))
    timeout 900 "$t" > "$tmp/$s.log" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && ! grep -qE "$FINDING" "$tmp/$s.log"; then
        clean=$((clean + 1))
        ok "asan+ubsan $s: $(grep -c '^\[       OK \]' "$tmp/$s.log") tests, no finding"
    else
        nok "asan+ubsan $s: exit $rc"
        grep -E "$FINDING|FAILED|SUMMARY" "$tmp/$s.log" | head -n 5 | sed 's/^/  /'
    fi
done
printf 'asan_unit_suites\t%s/%s clean\n' "$clean" "$n" >> "$tsv.tmp"

# ---- integration runs of the ASan + UBSan gwhist ----------------------------
RECORDS=300 # SMS 132, RCS 68, WHATSAPP 100: 17 pages of 20
CA="--cacert $CERTS/ca.pem"
in=0 iclean=0
# case_san NAME WANT_RC CHECK [gwsim flags] -- [gwhist flags]: a fresh
# simulator, one sanitized run; CHECK is "truth" (JSON equals the ground
# truth), "retried" (equals the truth and needed retries: the fault was hit),
# "incomplete" (complete:false) or "-"
case_san() {
    cname=$1 want=$2 chk=$3
    shift 3
    sflags=""
    while [ $# -gt 0 ] && [ "$1" != -- ]; do sflags="$sflags $1"; shift; done
    [ $# -gt 0 ] && shift
    in=$((in + 1))
    # shellcheck disable=SC2086
    start_sim "c$in" --tls $sflags
    eval "u=\$URL_c$in"
    timeout 300 "$tmp/gwhist-san" --rate 1000 --url "$u" $CA --from $FROM --to $TO "$@" \
        > "$tmp/o.$in" 2> "$tmp/e.$in"
    rc=$?
    why=""
    [ $rc -eq "$want" ] || why="exit $rc, want $want"
    if grep -qE "$FINDING" "$tmp/e.$in"; then
        why="$why sanitizer finding"
        grep -E "$FINDING" "$tmp/e.$in" | head -n 3 | sed 's/^/  /'
    fi
    case $chk in
    truth | retried) same "$tmp/o.$in" "$tmp/truth" || why="$why differs from the truth" ;;
    incomplete) jq -e '.complete == false' "$tmp/o.$in" > /dev/null 2>&1 || why="$why not complete:false" ;;
    esac
    if [ "$chk" = retried ] && ! jq -e '.totals.retries > 0' "$tmp/o.$in" > /dev/null 2>&1; then
        why="$why no retry: the fault was not hit"
    fi
    if [ -z "$why" ]; then
        iclean=$((iclean + 1))
        ok "asan+ubsan gwhist, $cname: exit $rc, $chk, no finding"
    else
        nok "asan+ubsan gwhist, $cname:$why"
    fi
}
truth "$tmp/truth" --from $FROM --to $TO --limit 20
case_san "full TLS run, all channels" 0 truth -- --limit 20
case_san "--fault-500 3" 0 retried --fault-500 3 -- --limit 20 --retries 5 --timeout 5
case_san "--fault-reset 4" 0 retried --fault-reset 4 -- --limit 20 --retries 5 --timeout 5
case_san "--fault-bad-chunk 5 (chunked)" 0 retried --chunked --fault-bad-chunk 5 -- --limit 20 --retries 5 --timeout 5
case_san "--fault-malformed 3 --retries 1" 1 incomplete --fault-malformed 3 -- --limit 20 --retries 1 --timeout 5
case_san "401 (wrong key)" 3 - --api-key other-key -- --limit 20
case_san "agent loop, 3 cycles with --fault-500 4" 0 - --fault-500 4 -- --limit 20 --retries 5 --timeout 5 --every 0 --count 3
printf 'asan_integration\t%s/%s clean\n' "$iclean" "$in" >> "$tsv.tmp"

# ---- one full run of the native build under valgrind memcheck --------------
RECORDS=3000
truth "$tmp/truth.vg" --from $FROM --to $TO
start_sim vg --tls
timeout 900 valgrind --error-exitcode=99 --leak-check=full --log-file="$tmp/vg.log" \
    "$tmp/gwhist-native" --rate 1000 --timeout 60 --url "$URL_vg" $CA --from $FROM --to $TO \
    > "$tmp/o.vg" 2> "$tmp/e.vg"
rc=$?
errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$tmp/vg.log" | tail -n 1)
check "valgrind: full TLS run, all channels, equals the truth (exit $rc)" same "$tmp/o.vg" "$tmp/truth.vg"
check "valgrind memcheck: ${errs:-no} errors, exit $rc" [ "$rc" -eq 0 ] && [ "${errs:-x}" = 0 ]
[ "${errs:-x}" = 0 ] || grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|.*definitely)' "$tmp/vg.log" | head -n 5
lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$tmp/vg.log" | tail -n 1)
printf 'valgrind_errors\t%s\n' "${errs:-not run}" >> "$tsv.tmp"
printf 'valgrind_definitely_lost_bytes\t%s\n' "${lost:-0}" >> "$tsv.tmp"
mv "$tsv.tmp" "$tsv"
