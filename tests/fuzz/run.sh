#!/bin/sh
# Runs the libFuzzer harnesses built by tests/fuzz/fuzz.mk (build/fuzz/).
#   sh tests/fuzz/run.sh fuzz SECONDS NAME...   fuzz each NAME for SECONDS on a
#        work copy of its corpus (build/fuzz/corpus-work/NAME, kept between
#        runs; the committed corpus is only read), print executions, coverage
#        and crashes, and write build/reliability/fuzz.tsv
#   sh tests/fuzz/run.sh ci SECONDS NAME...     the same on a fresh copy
#        (build/fuzz/corpus-ci), printing "ok - ..." / "not ok - ..." lines
#        (it writes fuzz.tsv too: the figures of the last run, either mode)
#   sh tests/fuzz/run.sh replay 0 NAME...       every committed corpus file once
#        (regression inputs), one ok/not ok line per harness
# Crash inputs land in build/fuzz/artifacts/NAME/. Exit status 1 if any
# harness crashed or did not run.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
mode=$1 secs=$2
shift 2
F=build/fuzz
mkdir -p "$F/logs" build/reliability
bad=0

# max input length per harness: long enough to pass every limit it tests
maxlen() {
    case $1 in
    fuzz_http) echo 9000 ;;   # a header line over LIM_HTTP_LINE (4096)
    fuzz_json) echo 17000 ;;  # an item over LIM_ITEM (8192) with cut strings
    fuzz_time) echo 128 ;;
    fuzz_config) echo 2048 ;; # config lines over LIM_CONFIG_LINE (512)
    *) echo 4096 ;;
    esac
}

artifacts() { # NAME: crash, leak, timeout and oom inputs saved so far
    ls "$F/artifacts/$1" 2>/dev/null | grep -c -E '^(crash|leak|timeout|oom|slow-unit)-'
}

replay() { # NAME: every committed input once
    n=$1
    files=$(ls tests/fuzz/corpus/$n/* 2>/dev/null)
    if [ -z "$files" ]; then
        echo "not ok - $n: no committed corpus"; bad=1; return
    fi
    cnt=$(echo "$files" | wc -l)
    # shellcheck disable=SC2086
    if timeout 300 "$F/$n" -timeout=10 $files > "$F/logs/$n.replay.log" 2>&1; then
        echo "ok - $n: $cnt committed inputs replayed, no crash"
    else
        echo "not ok - $n: a committed input fails (see $F/logs/$n.replay.log)"
        grep -E 'ERROR|runtime error|invariant|Running:' "$F/logs/$n.replay.log" | tail -n 4 | sed 's/^/  /'
        bad=1
    fi
}

fuzz_one() { # NAME WORKDIR
    n=$1 work=$2/$1
    mkdir -p "$work" "$F/artifacts/$n"
    cp tests/fuzz/corpus/$n/* "$work"/ 2>/dev/null
    before=$(artifacts "$n")
    log=$F/logs/$n.$mode.log
    timeout $((secs + 120)) "$F/$n" -max_total_time="$secs" -max_len="$(maxlen "$n")" \
        -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
        -artifact_prefix="$F/artifacts/$n/" "$work" > "$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
    [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\).*cov:.*/\1/p' "$log" | tail -n 1)
    cov=$(sed -n 's/^#[0-9]*.* cov: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
    ft=$(sed -n 's/^#[0-9]*.* ft: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
    crashes=$(($(artifacts "$n") - before))
    [ $rc -ne 0 ] && [ "$crashes" -eq 0 ] && crashes=1 # died without an artifact
    execs=${execs:-0} cov=${cov:-0} ft=${ft:-0}
    if [ "$mode" = ci ]; then
        if [ "$crashes" -eq 0 ] && [ "$execs" -gt 0 ]; then
            echo "ok - $n: $execs execs, cov $cov, no crash"
        else
            echo "not ok - $n: $execs execs, cov $cov, $crashes crash(es), rc $rc (see $log)"
            grep -E 'ERROR|runtime error|invariant' "$log" | head -n 3 | sed 's/^/  /'
        fi
    else
        printf '%-12s %10s execs  cov %5s  ft %6s  crashes %s  (%ss, corpus %s files)\n' \
            "$n" "$execs" "$cov" "$ft" "$crashes" "$secs" "$(ls "$work" | wc -l)"
    fi
    printf '%s\t%s\t%s\t%s\n' "$n" "$execs" "$cov" "$crashes" >> "$tsv.tmp"
    [ "$crashes" -eq 0 ] && [ "$execs" -gt 0 ] || bad=1
}

tsv=build/reliability/fuzz.tsv
case $mode in
fuzz)
    : > "$tsv.tmp"
    for n in "$@"; do fuzz_one "$n" "$F/corpus-work"; done
    mv "$tsv.tmp" "$tsv"
    echo "wrote $tsv"
    ;;
ci)
    : > "$tsv.tmp"
    rm -rf "$F/corpus-ci"
    for n in "$@"; do fuzz_one "$n" "$F/corpus-ci"; done
    mv "$tsv.tmp" "$tsv"
    ;;
replay)
    for n in "$@"; do replay "$n"; done
    ;;
*)
    echo "usage: sh tests/fuzz/run.sh fuzz|ci|replay SECONDS NAME..." >&2
    exit 2
    ;;
esac
exit $bad
