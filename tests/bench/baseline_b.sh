#!/bin/sh
# Baseline (b), the fairer one: curl fetches a channel's pages in batches of
# BATCH URLs per process (default 100), all over one kept-alive connection,
# because the API has no page count: a user cannot know how many pages to
# ask for, so asks for the next batch until a batch ends with a short page
# (the pages after the end come back as [], cheap). One `jq length` per
# batch (its last page) decides; jq computes the summary once.
#   GWHIST_API_KEY=... sh baseline_b.sh URL CA FROM TO LIMIT DIR > summary.json
set -u
url=$1 ca=$2 from=$3 to=$4 limit=$5 dir=$6
batch=${BATCH:-100}
here=$(cd "$(dirname "$0")" && pwd)
pages='{}'
for ch in SMS RCS WHATSAPP; do
    start=0
    while :; do
        set --
        p=$start
        while [ $p -lt $((start + batch)) ]; do
            set -- "$@" -o "$dir/$ch.$p.json" \
                "$url/messages/history?channel=$ch&from=$from&to=$to&page=$p&limit=$limit"
            p=$((p + 1))
        done
        curl -sS --fail --cacert "$ca" -H "X-Api-Key: $GWHIST_API_KEY" -w '%{num_connects}\n' "$@" \
            >> "$dir/connects" || exit 1
        last=$((start + batch - 1))
        n=$(jq length "$dir/$ch.$last.json") || exit 1
        [ "$n" -lt "$limit" ] && break
        start=$((start + batch))
    done
    # pages = up to and including the first short one (the empty ones after it do not count)
    first=$(cd "$dir" && p=$start && while [ $p -le $last ]; do echo "$ch.$p.json"; p=$((p + 1)); done \
        | xargs jq length | awk -v l="$limit" -v s="$start" '$1 < l { print s + NR; exit }')
    pages=$(printf '%s' "$pages" | jq -c --arg c "$ch" --argjson n "$first" '.[$c] = $n')
done
jq -n -c --arg from "$from" --arg to "$to" --argjson pages "$pages" \
    --argjson channels '["SMS","RCS","WHATSAPP"]' -f "$here/summary.jq" "$dir"/*.json
