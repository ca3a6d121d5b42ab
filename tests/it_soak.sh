#!/bin/sh
# Soak: the agent loop for SOAK_CYCLES cycles (default 1000) against the
# simulator with faults on (500s, resets and short bodies on a fraction of the
# requests, so pages are retried and connections are dropped, reopened and
# TLS sessions resumed), with --stats after every cycle:
#   - resident memory (rss_kb), the mbedTLS arena high-water mark
#     (arena_peak) and the open file descriptors (fds) are identical at cycle
#     10 and at the last cycle, and fds never changes from cycle 10 on;
#   - every cycle's summary is complete and equals the ground truth: first,
#     10th and last compared with cmp.sh, and all lines identical once the
#     run-dependent members are removed.
# Writes build/reliability/soak.tsv (name<TAB>value).
#   sh tests/run.sh it soak              1000 cycles (about 1-2 minutes)
#   SOAK_CYCLES=20000 sh tests/it_soak.sh   the long variant
. "$(dirname "$0")/lib.sh"
make -s TARGET=native gwsim >/dev/null && make -s certs >/dev/null && make -s >/dev/null || exit 1
# private copies: a rebuild by someone else mid-run must not change the binary under test
cp "$GWHIST" "$tmp/gwhist" && cp "$GWSIM" "$tmp/gwsim" || exit 1
GWHIST=$tmp/gwhist GWSIM=$tmp/gwsim

N=${SOAK_CYCLES:-1000}
case $N in '' | *[!0-9]*) echo "SOAK_CYCLES must be a number of cycles >= 11"; exit 2 ;; esac
[ "$N" -ge 11 ] || { echo "SOAK_CYCLES must be >= 11 (cycle 10 is the reference)"; exit 2; }
RECORDS=60 # under 100 per channel: one page per channel, 3 requests a cycle
LIMIT=100
FAULTS="--fault-500 29 --fault-reset 23 --fault-short-cl 31"
mkdir -p build/reliability
tsv=build/reliability/soak.tsv

start_sim soak --tls --max-seconds $((N + 600)) $FAULTS
truth "$tmp/t" --from $FROM --to $TO --limit $LIMIT
t0=$(date +%s)
cap=$((N + 300))
"$GWHIST" --rate 1000 --url "$URL_soak" --cacert "$CERTS/ca.pem" \
    --from $FROM --to $TO --limit $LIMIT --retries 5 --timeout 5 \
    --every 0 --count "$N" --stats > "$tmp/o" 2> "$tmp/e" &
gpid=$!
# the sampler: every 0.25 s, the last finished cycle and the exact resident
# figures from /proc/PID/smaps_rollup (a page-table walk; VmRSS, which --stats
# prints, is a per-CPU counter read that may be off by pages on Linux >= 6.2);
# it also ends a run that outlives the cap
(
    while kill -0 $gpid 2> /dev/null; do
        c=$(sed -n 's/^gwhist: stats cycle=\([0-9]*\) .*/\1/p' "$tmp/e" | tail -n 1)
        m=$(awk '/^Rss:/ { r = $2 } /^Anonymous:/ { a = $2 } END { if (r != "") print r, a }' \
            /proc/$gpid/smaps_rollup 2> /dev/null)
        [ -n "$m" ] && echo "${c:-0} $m"
        if [ $(($(date +%s) - t0)) -gt $cap ]; then kill $gpid; break; fi
        sleep 0.25
    done
) > "$tmp/samples" &
spid=$!
wait $gpid
rc=$?
wait $spid
secs=$(($(date +%s) - t0))

check "$N cycles with faults exit 0 (got $rc, ${secs}s)" [ $rc -eq 0 ]
check "$N summary lines" [ "$(wc -l < "$tmp/o")" -eq "$N" ]
check "$N stats lines" [ "$(grep -c '^gwhist: stats cycle=' "$tmp/e")" -eq "$N" ]

# stat NAME CYCLE: one figure from that cycle's stats line
stat() { sed -n "s/^gwhist: stats cycle=$2 .* $1=\([0-9]*\).*/\1/p" "$tmp/e"; }
stat_rss() { sed -n "s/^gwhist: stats cycle=$1 rss_kb=\([0-9]*\) .*/\1/p" "$tmp/e"; }
same_num() { [ -n "$1" ] && [ "$1" = "$2" ]; }
r10=$(stat_rss 10) rN=$(stat_rss "$N")
a10=$(stat arena_peak 10) aN=$(stat arena_peak "$N")
f10=$(stat fds 10) fN=$(stat fds "$N")
hs=$(stat handshakes "$N") rs=$(stat resumed "$N") cn=$(stat connections "$N")
r1=$(stat_rss 1) pk=$(stat peak_rss_kb "$N")
check "RSS at cycle 10 ($r10 KB) equals RSS at cycle $N ($rN KB)" same_num "$r10" "$rN"
# where RSS and the arena peak moved, for the report when they do
sed -n 's/^gwhist: stats cycle=\([0-9]*\) rss_kb=\([0-9]*\) .* arena_peak=\([0-9]*\) .*/\1 \2 \3/p' "$tmp/e" |
    awk 'NR == 1 || $2 != r || $3 != a { print "# cycle " $1 ": rss_kb=" $2 " arena_peak=" $3 } { r = $2; a = $3 }'
check "arena high-water mark at cycle 10 ($a10) equals cycle $N ($aN)" same_num "$a10" "$aN"
check "open fds at cycle 10 ($f10) equal cycle $N ($fN)" same_num "$f10" "$fN"
nf=$(sed -n 's/^gwhist: stats cycle=\([0-9]*\) .* fds=\([0-9]*\).*/\1 \2/p' "$tmp/e" |
    awk '$1 >= 10 { print $2 }' | sort -u | wc -l)
check "the fd count never changes from cycle 10 on ($nf distinct values)" [ "$nf" -eq 1 ]

# the exact figures, sampled while the loop ran: from cycle 10 on, flat
ns=$(awk '$1 >= 10' "$tmp/samples" | wc -l)
sr=$(awk '$1 >= 10 { print $2 }' "$tmp/samples" | sort -u | tr '\n' ' ')
sa=$(awk '$1 >= 10 { print $3 }' "$tmp/samples" | sort -u | tr '\n' ' ')
if [ "$ns" -gt 0 ]; then
    check "exact Rss (smaps_rollup) flat from cycle 10 on: $ns samples, values: $sr" [ "$(echo $sr | wc -w)" -eq 1 ]
    check "exact anonymous memory flat from cycle 10 on: values: $sa" [ "$(echo $sa | wc -w)" -eq 1 ]
else
    echo "# no smaps_rollup samples after cycle 10 (run too short or /proc not readable)"
fi

# the faults were met: pages retried, connections dropped and resumed
rt=$(jq -s 'map(.totals.retries) | add' "$tmp/o" 2> /dev/null)
check "the faults were met and retried ($rt retries in $N cycles)" [ "${rt:-0}" -gt 0 ]
check "dropped connections were reopened with resumed TLS sessions ($cn connections, $hs handshakes, $rs resumed)" \
    [ "${rs:-0}" -gt 0 ]

# every cycle: complete, and the same summary as the truth
sed -n 1p "$tmp/o" > "$tmp/o1"
sed -n 10p "$tmp/o" > "$tmp/o10"
sed -n "${N}p" "$tmp/o" > "$tmp/oN"
check "cycle 1 equals the ground truth" same "$tmp/o1" "$tmp/t"
check "cycle 10 equals the ground truth" same "$tmp/o10" "$tmp/t"
check "cycle $N equals the ground truth" same "$tmp/oN" "$tmp/t"
nc=$(jq -c 'select(.complete != true)' "$tmp/o" | wc -l)
check "every cycle is complete ($nc incomplete)" [ "$nc" -eq 0 ]
nd=$(jq -c 'del(.elapsed_ms) | .channels |= map(del(.requests, .retries, .bytes))
    | .totals |= del(.requests, .retries, .bytes)' "$tmp/o" | sort -u | wc -l)
check "all $N summaries are identical without the run-dependent members ($nd distinct)" [ "$nd" -eq 1 ]

{
    printf 'cycles\t%s\n' "$N"
    printf 'seconds\t%s\n' "$secs"
    printf 'retries\t%s\n' "${rt:-}"
    printf 'rss_kb_cycle1\t%s\n' "$r1"
    printf 'rss_kb_cycle10\t%s\n' "$r10"
    printf 'rss_kb_last\t%s\n' "$rN"
    printf 'smaps_rss_kb_from_cycle10\t%s\n' "$(echo $sr | tr ' ' ,)"
    printf 'smaps_anon_kb_from_cycle10\t%s\n' "$(echo $sa | tr ' ' ,)"
    printf 'peak_rss_kb\t%s\n' "$pk"
    printf 'arena_peak_cycle10\t%s\n' "$a10"
    printf 'arena_peak_last\t%s\n' "$aN"
    printf 'fds_cycle10\t%s\n' "$f10"
    printf 'fds_last\t%s\n' "$fN"
    printf 'connections\t%s\n' "$cn"
    printf 'handshakes\t%s\n' "$hs"
    printf 'resumed\t%s\n' "$rs"
} > "$tsv"
echo "# soak.tsv:"
sed 's/^/#   /' "$tsv"
