#!/bin/sh
# Baseline (a): what a user writes with curl and jq. One curl process per
# page (a new TLS connection each time), `jq length` to see whether the page
# was short, every page saved, then jq computes the summary once.
#   GWHIST_API_KEY=... sh baseline_a.sh URL CA FROM TO LIMIT DIR > summary.json
# DIR/connects gets curl's num_connects per transfer (one line each).
set -u
url=$1 ca=$2 from=$3 to=$4 limit=$5 dir=$6
here=$(cd "$(dirname "$0")" && pwd)
pages='{}'
for ch in SMS RCS WHATSAPP; do
    page=0
    while :; do
        f="$dir/$ch.$page.json"
        curl -sS --fail --cacert "$ca" -H "X-Api-Key: $GWHIST_API_KEY" -o "$f" -w '%{num_connects}\n' \
            "$url/messages/history?channel=$ch&from=$from&to=$to&page=$page&limit=$limit" \
            >> "$dir/connects" || exit 1
        n=$(jq length "$f") || exit 1
        page=$((page + 1))
        [ "$n" -lt "$limit" ] && break
    done
    pages=$(printf '%s' "$pages" | jq -c --arg c "$ch" --argjson n "$page" '.[$c] = $n')
done
jq -n -c --arg from "$from" --arg to "$to" --argjson pages "$pages" \
    --argjson channels '["SMS","RCS","WHATSAPP"]' -f "$here/summary.jq" "$dir"/*.json
