#!/bin/sh
# The router targets under qemu-user: for aarch64-musl, armhf-musl and
# mipsel-musl, the cores' cmocka suites built for that CPU (tests/cross.mk),
# then one full run of the static gwhist against the native simulator over
# TLS on loopback (all channels, compared with the ground truth) and
# --version. One "ok"/"not ok" line per target per suite and per run; writes
# build/reliability/cross.tsv: target, unit suites passed/total, sim_run
# (ok|fail); exits 1 when any case failed.
#   sh tests/it_cross.sh                  all three targets
#   XT_TARGETS=mipsel-musl sh tests/it_cross.sh
. "$(dirname "$0")/lib.sh"
targets=${XT_TARGETS:-"aarch64-musl armhf-musl mipsel-musl"}
suites="http jsonitems record timefmt summary report query cli"
logs=$top/build/test-logs/cross
tsv=$top/build/reliability/cross.tsv
mkdir -p "$logs" "$(dirname "$tsv")"
# qemu is slow: a smaller dataset than lib.sh's, still several pages a channel
RECORDS=600
ver=$(sed -n 's/^VERSION := //p' "$top/Makefile")
. "$top/toolchains/mbedtls.pin"
failed=0
nok() { echo "not ok - $*"; failed=$((failed + 1)); }
xmake() { make -s --no-print-directory -f Makefile -f tests/cross.mk "$@"; }

xmake TARGET=native gwsim certs > "$logs/build-native.log" 2>&1 || {
    nok "native gwsim and certs build (see $logs/build-native.log)"; exit 1; }
start_sim x --tls
[ -n "$PORT_x" ] || { nok "the simulator started"; cat "$tmp/sim.x.err"; exit 1; }
truth "$tmp/truth" --from $FROM --to $TO --limit 50

: > "$tmp/tsv"
for t in $targets; do
    qemu=$(sed -n 's/^QEMU *:= *//p' "toolchains/$t.mk")
    passed=0 total=0
    for s in $suites; do
        total=$((total + 1))
        bin=build/$t/utest/test_$s
        log=$logs/$t.test_$s.log
        if ! xmake "$bin" > "$log" 2>&1; then
            nok "$t: test_$s builds (see $log)"; continue
        fi
        timeout 600 $qemu "$bin" > "$log" 2>&1
        rc=$?
        n=$(sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
        if [ $rc -eq 0 ] && [ -n "$n" ] && ! grep -q '^\[  FAILED  \]' "$log"; then
            ok "$t: test_$s, $n tests under $qemu"; passed=$((passed + 1))
        else
            nok "$t: test_$s under $qemu exited $rc (see $log)"
            grep -E '^\[  (FAILED|  ERROR) \]|^ERROR|error:|Failure' "$log" | head -n 10 | sed 's/^/  # /'
        fi
    done

    sim=fail
    if ! xmake TARGET=$t all > "$logs/$t.build.log" 2>&1; then
        nok "$t: gwhist builds (see $logs/$t.build.log)"
    else
        bin=build/$t/gwhist
        timeout 300 $qemu "$bin" --url "$URL_x" --cacert "$CERTS/ca.pem" --from $FROM --to $TO \
            --limit 50 --rate 1000 > "$tmp/o.$t" 2> "$tmp/e.$t"
        rc=$?
        run_ok=1
        if same "$tmp/o.$t" "$tmp/truth"; then
            ok "$t: all channels over TLS under $qemu match the ground truth"
        else
            nok "$t: all channels over TLS under $qemu match the ground truth"; run_ok=0
        fi
        if [ $rc -eq 0 ] && [ ! -s "$tmp/e.$t" ]; then
            ok "$t: the run exits 0 with nothing on stderr"
        else
            nok "$t: the run exited $rc; stderr:"; head -n 5 "$tmp/e.$t" | sed 's/^/  # /'; run_ok=0
        fi
        out=$(timeout 60 $qemu "$bin" --version 2>&1)
        want="gwhist $ver (mbedTLS $MBEDTLS_VERSION, $t)"
        if [ "$out" = "$want" ]; then ok "$t: --version under $qemu"
        else nok "$t: --version printed '$out', want '$want'"; run_ok=0; fi
        [ $run_ok = 1 ] && sim=ok
    fi
    printf '%s\t%d/%d\t%s\n' "$t" "$passed" "$total" "$sim" >> "$tmp/tsv"
done
# a run of some targets keeps the other targets' rows from an earlier run
if [ -n "${XT_TARGETS:-}" ] && [ -f "$tsv" ]; then
    for t in $targets; do printf '%s\t\n' "$t"; done > "$tmp/ran"
    grep -v -F -f "$tmp/ran" "$tsv" >> "$tmp/tsv"
fi
sort "$tmp/tsv" > "$tsv.tmp" && mv "$tsv.tmp" "$tsv"
sed 's/^/# /' "$tsv"
[ "$failed" -eq 0 ]
