#!/bin/sh
# make size: stripped size of each target's binary (bytes and KiB).
top=$(cd "$(dirname "$0")/.." && pwd)
printf '%-14s %10s %8s\n' target bytes KiB
for t in "$@"; do
    f="$top/build/$t/gwhist"
    [ -f "$f" ] || { printf '%-14s %10s\n' "$t" missing; continue; }
    s=$(wc -c < "$f")
    awk -v t="$t" -v s="$s" 'BEGIN { printf "%-14s %10d %8.1f\n", t, s, s / 1024 }'
done
