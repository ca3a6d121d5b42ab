#!/bin/sh
# make bench: gwhist against what users would otherwise run (curl + jq), with
# size, memory and speed figures. Writes BENCH.md and build/bench.json.
#   BENCH_RUNS=N (5)  BENCH_RECORDS=N (300000)  BENCH_SCALE="10000 100000 1000000"
# Methods (also printed in BENCH.md):
#  - wall, user+sys CPU, peak RSS of the client side: /usr/bin/time over the
#    whole pipeline (a shell script for the baselines: CPU summed over every
#    process, RSS of the largest one). For gwhist its own VmHWM from --stats
#    is quoted too (time -v overstates tiny static binaries, MEASURING.md).
#  - bytes on the wire: TLS bytes through the server's sockets, from the
#    simulator's /proc/PID/io rchar+wchar (its children are reaped into it)
#    before and after each run; one dedicated simulator serves only us.
#  - handshakes: gwhist's --stats handshakes=, curl's %{num_connects} summed.
# Runs alternate gwhist, (a), (b) in every round; figures never fail the
# bench, only a disagreement of a baseline with gwhist is reported (DISAGREE).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
RUNS=${BENCH_RUNS:-5}
RECORDS=${BENCH_RECORDS:-300000}
SCALE=${BENCH_SCALE:-10000 100000 1000000}
LIMIT=500
ANCHOR=2026-12-01T12:00:00Z
FROM=2026-11-30T12:00:00Z
TO=2026-12-01T12:00:00Z
SEED=2026
TARGETS="x86_64-musl mipsel-musl armhf-musl aarch64-musl"
GWHIST=$top/build/x86_64-musl/gwhist
GWSIM=$top/build/native/gwsim
CA=$top/build/certs/ca.pem
export GWHIST_API_KEY=demo-key
tmp=$(mktemp -d)
sim=""
cleanup() {
    [ -n "$sim" ] && kill "$sim" 2>/dev/null && wait "$sim" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
t0=$(date +%s)
say() { echo "bench: $*" >&2; }
J=$tmp/json # key=value lines, turned into build/bench.json at the end
: > "$J"
put() { printf '%s\t%s\n' "$1" "$2" >> "$J"; }

# ---- builds ------------------------------------------------------------
# the Makefile -includes tests/bench/bench.mk; name it only when it does not
MK="-f Makefile -f tests/bench/bench.mk"
grep -q 'include.*tests/bench/bench.mk' Makefile && MK=""
for t in $TARGETS; do
    make -s --no-print-directory $MK TARGET=$t all bench-bare > "$tmp/make.$t" 2>&1 ||
        { say "build for $t failed (using what is in build/$t):"; grep -v '^  [A-Z]' "$tmp/make.$t" | tail -5 >&2; }
    [ -f build/$t/gwhist ] && [ -f build/$t/bench/bare_client ] || { say "build/$t is incomplete"; exit 1; }
done
make -s --no-print-directory $MK TARGET=native bench-parse gwsim >&2 || exit 1
make -s --no-print-directory certs >&2 || exit 1

# start_sim RECORDS: a dedicated simulator, sets $sim and $URL
start_sim() {
    [ -n "$sim" ] && kill "$sim" 2>/dev/null && wait "$sim" 2>/dev/null
    rm -f "$tmp/port"
    "$GWSIM" --tls --seed $SEED --records "$1" --anchor $ANCHOR --port-file "$tmp/port" \
        --certs-dir "$top/build/certs" --max-seconds 3600 --idle-seconds 60 > /dev/null 2> "$tmp/sim.err" &
    sim=$!
    i=0
    while [ ! -s "$tmp/port" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
    [ -s "$tmp/port" ] || { say "the simulator did not start"; cat "$tmp/sim.err" >&2; exit 1; }
    URL="https://127.0.0.1:$(cat "$tmp/port")/api/partner-gateway/v1"
}
simio() { sleep 0.3; awk '/^rchar|^wchar/ { s += $2 } END { print s }' /proc/$sim/io; }

# run_one KIND OUT: one measured run; appends "wall cpu rss_kb wire handshakes hwm_kb" to $tmp/KIND.runs
run_one() {
    kind=$1 out=$2
    d=$tmp/run.$kind
    rm -rf "$d"; mkdir -p "$d"
    io0=$(simio)
    case $kind in
    gwhist) /usr/bin/time -f '%e %U %S %M' -o "$d/time" timeout 600 "$GWHIST" --url "$URL" --cacert "$CA" \
        --from $FROM --to $TO --limit $LIMIT --rate 1000 --format json --stats > "$out" 2> "$d/err" ;;
    a) /usr/bin/time -f '%e %U %S %M' -o "$d/time" timeout 1200 sh tests/bench/baseline_a.sh "$URL" "$CA" \
        $FROM $TO $LIMIT "$d" > "$out" 2> "$d/err" ;;
    b) /usr/bin/time -f '%e %U %S %M' -o "$d/time" timeout 1200 sh tests/bench/baseline_b.sh "$URL" "$CA" \
        $FROM $TO $LIMIT "$d" > "$out" 2> "$d/err" ;;
    esac
    rc=$?
    io1=$(simio)
    [ $rc -eq 0 ] || { say "$kind exited $rc:"; head -5 "$d/err" >&2; }
    if [ "$kind" = gwhist ]; then
        hs=$(sed -n 's/.* handshakes=\([0-9]*\).*/\1/p' "$d/err" | tail -1)
        hwm=$(sed -n 's/.* peak_rss_kb=\([0-9]*\).*/\1/p' "$d/err" | tail -1)
        ap=$(sed -n 's/.* arena_peak=\([0-9]*\).*/\1/p' "$d/err" | tail -1)
        echo "$ap" > "$tmp/arena_peak"
    else
        hs=$(awk '{ s += $1 } END { print s + 0 }' "$d/connects")
        hwm=-
    fi
    # time -o puts "Command exited with non-zero status N" (or "terminated by
    # signal") before the figures when the client failed: keep the last line
    # only, so every run is one row and the rounds stay aligned
    tail -1 "$d/time" | awk -v io=$((io1 - io0)) -v hs="${hs:-0}" -v hwm="${hwm:--}" \
        'NF == 4 { printf "%s %.2f %s %s %s %s\n", $1, $2 + $3, $4, io, hs, hwm; next }
         { print "- - - - - -" }' >> "$tmp/$kind.runs"
}

# stat FILE COLUMN: "min median max" of a column's numbers ("- - -" if none)
stat() {
    awk -v c="$2" '$c ~ /^[0-9.]+$/ { print $c }' "$1" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "- - -"; exit }
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s %.15g %s\n", v[1], m, v[NR] }'
}
med() { stat "$1" "$2" | awk '{ print $2 }'; }

# ---- 1-2. agreement before timing, on a smaller dataset of the same kind ----
agree() { # agree NAME REFERENCE.json OTHER.json
    if sh tests/gwsim/cmp.sh "$2" "$3" > "$tmp/cmp.$1" 2>&1; then echo AGREE; else echo DISAGREE; fi
}
CHECK_RECORDS=${BENCH_CHECK_RECORDS:-20000}
say "agreement check: $CHECK_RECORDS records"
start_sim "$CHECK_RECORDS"
"$GWSIM" --truth --seed $SEED --records "$CHECK_RECORDS" --anchor $ANCHOR --from $FROM --to $TO --limit $LIMIT > "$tmp/ctruth.json"
run_one gwhist "$tmp/g.json"
run_one a "$tmp/a.json"
run_one b "$tmp/b.json"
ag_truth=$(agree truth "$tmp/ctruth.json" "$tmp/g.json")
ag_a=$(agree a "$tmp/a.json" "$tmp/g.json")
ag_b=$(agree b "$tmp/b.json" "$tmp/g.json")
for x in truth a b; do say "gwhist vs $x: $(head -1 "$tmp/cmp.$x")"; [ "$(head -1 "$tmp/cmp.$x")" = OK ] || head -20 "$tmp/cmp.$x" >&2; done
put agree_truth "\"$ag_truth\""; put agree_a "\"$ag_a\""; put agree_b "\"$ag_b\""
say "dataset: $RECORDS records, page size $LIMIT, simulator over TLS on 127.0.0.1"
start_sim "$RECORDS"
"$GWSIM" --truth --seed $SEED --records "$RECORDS" --anchor $ANCHOR --from $FROM --to $TO --limit $LIMIT > "$tmp/truth.json"
total=$(jq '.totals.total' "$tmp/truth.json")
pages=$(jq '.totals.pages' "$tmp/truth.json")
: > "$tmp/gwhist.runs"; : > "$tmp/a.runs"; : > "$tmp/b.runs"; : > "$tmp/agree.rounds"

# ---- 3. timed rounds, alternating ----------------------------------------
r=1
while [ $r -le "$RUNS" ]; do
    say "round $r/$RUNS: gwhist, curl+jq per page (a), curl batches + jq (b)"
    run_one gwhist "$tmp/g$r.json"
    run_one a "$tmp/a$r.json"
    run_one b "$tmp/b$r.json"
    echo "$(agree t$r "$tmp/truth.json" "$tmp/g$r.json") $(agree a$r "$tmp/a$r.json" "$tmp/g$r.json") $(agree b$r "$tmp/b$r.json" "$tmp/g$r.json")" >> "$tmp/agree.rounds"
    say "round $r: gwhist/truth, (a)/gwhist, (b)/gwhist: $(tail -1 "$tmp/agree.rounds")"
    r=$((r + 1))
done
# per-round ratios (baseline / gwhist), then their min/median/max
json_bytes=$(jq '.totals.bytes // 0' "$tmp/g1.json" 2>/dev/null || echo 0)
# (a ratio whose either side is missing or zero is "-", and stat skips it; a
# division by zero would stop awk and leave the ratio table empty)
paste -d' ' "$tmp/gwhist.runs" "$tmp/a.runs" "$tmp/b.runs" | awk '
    function r(n, d, f) { return (n ~ /^[0-9.]+$/ && d ~ /^[0-9.]+$/ && d + 0 > 0) ? sprintf(f, n / d) : "-" }
    { print r($7, $1, "%.2f"), r($13, $1, "%.2f"), r($8, $2, "%.2f"), r($14, $2, "%.2f"), r($9, $6, "%.1f"), r($15, $6, "%.1f") }' > "$tmp/ratios"
kill "$sim" 2>/dev/null; wait "$sim" 2>/dev/null; sim=""

# ---- 4. footprint -------------------------------------------------------
: > "$tmp/sizes"
for t in $TARGETS; do
    g=$(wc -c < build/$t/gwhist)
    b=$(wc -c < build/$t/bench/bare_client)
    echo "$t $g $b $((g - b))" >> "$tmp/sizes"
done
sec() { size -A "$1" | awk -v s="$2" '$1 == s { print $2 + 0 }'; }
data=$(sec build/x86_64-musl/gwhist.unstripped .data); bss=$(sec build/x86_64-musl/gwhist.unstripped .bss)
text=$(sec build/x86_64-musl/gwhist.unstripped .text)
bdata=$(sec build/x86_64-musl/bench/bare_client.unstripped .data); bbss=$(sec build/x86_64-musl/bench/bare_client.unstripped .bss)
start_sim 20000
bare=$(timeout 60 build/x86_64-musl/bench/bare_client 127.0.0.1 "$(cat "$tmp/port")" \
    "/api/partner-gateway/v1/messages/history?channel=SMS&from=$FROM&to=$TO&page=0&limit=$LIMIT" "$CA" \
    "X-Api-Key: $GWHIST_API_KEY")
bare_arena=$(echo "$bare" | sed -n 's/.*arena_peak=\([0-9]*\).*/\1/p')
# stack: (1) valgrind massif --stacks=yes (sampled at its snapshots: a lower
# bound); (2) the resident pages of the [stack] mapping after one cycle of
# gwhist --every (pages touched are never given back: an upper bound, page
# granular, including argv/env/auxv)
timeout 300 valgrind --tool=massif --stacks=yes --heap=no --detailed-freq=1000000 --max-snapshots=1000 \
    --massif-out-file="$tmp/massif.out" "$GWHIST" --url "$URL" --cacert "$CA" --from $FROM --to $TO \
    --limit $LIMIT --rate 1000 --format json > /dev/null 2> "$tmp/massif.err"
stack_massif=$(sed -n 's/^mem_stacks_B=//p' "$tmp/massif.out" | sort -n | tail -1)
timeout 120 "$GWHIST" --url "$URL" --cacert "$CA" --since 24h --every 10m --limit $LIMIT --rate 1000 \
    --format json --stats > /dev/null 2> "$tmp/every.err" &
gp=$!
i=0
while ! grep -q 'stats cycle=1' "$tmp/every.err" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
stack_pages=$(awk '/\[stack\]/ { s = 1; next } s && /^Rss:/ { print $2; exit }' /proc/$gp/smaps 2>/dev/null)
kill $gp 2>/dev/null; wait $gp 2>/dev/null
kill "$sim" 2>/dev/null; wait "$sim" 2>/dev/null; sim=""

# ---- 5. cost per record (callgrind) and parse throughput -------------------
N=20000
for n in $N $((2 * N)); do
    timeout 600 valgrind --tool=callgrind --toggle-collect=one_run --callgrind-out-file="$tmp/cg.$n" \
        build/bench/bench_parse $n 1 full \
        > /dev/null 2> "$tmp/cg.$n.err"
done
ir1=$(sed -n 's/^summary: //p' "$tmp/cg.$N"); ir2=$(sed -n 's/^summary: //p' "$tmp/cg.$((2 * N))")
ipr=$(( (ir2 - ir1) / N ))
build/bench/bench_parse 100000 7 > "$tmp/parse.out"
mbs=$(awk '/^splitter\+jsmn\+record\+summary/ { print $2 }' "$tmp/parse.out")
rps=$(awk '/^splitter\+jsmn\+record\+summary/ { print $4 }' "$tmp/parse.out")
bpi=$(sed -n 's/.*(\([0-9]*\) bytes\/item).*/\1/p' "$tmp/parse.out")

# ---- 6. scaling -----------------------------------------------------------
: > "$tmp/scale"
for n in $SCALE; do
    start_sim "$n"
    for k in 1 2; do
        /usr/bin/time -f '%e' -o "$tmp/st" timeout 900 "$GWHIST" --url "$URL" --cacert "$CA" --from $FROM --to $TO \
            --limit $LIMIT --rate 1000 --format json --stats > "$tmp/s.json" 2> "$tmp/s.err"
        hwm=$(sed -n 's/.* peak_rss_kb=\([0-9]*\).*/\1/p' "$tmp/s.err" | tail -1)
        echo "$n $(cat "$tmp/st") $hwm $(jq .totals.total "$tmp/s.json")" >> "$tmp/scale"
    done
    say "scaling: $n records: $(tail -1 "$tmp/scale")"
done
kill "$sim" 2>/dev/null; wait "$sim" 2>/dev/null; sim=""

. tests/bench/report.sh
