#!/bin/sh
# Reference test: pages of more than 10,000 records, saved as files, are
# summarised twice - by gwhist's own cores (tool_summarize: splitter, jsmn,
# record, summary, report) and by jq alone. Counts, cost, parts and top
# errors must be equal; p50/p90/p99 within 1% of the exact nearest rank.
. "$(dirname "$0")/lib.sh"
make -s TARGET=native gwsim build/native/tool_summarize >/dev/null || exit 1
RECORDS=40000
start_sim plain
for ch in SMS WHATSAPP; do
    p=0
    while :; do
        curl -s --max-time 30 -H "X-Api-Key: demo-key" -o "$tmp/$ch.$p.json" \
            "$URL_plain/messages/history?channel=$ch&from=$FROM&to=$TO&page=$p&limit=1000" || break
        n=$(jq length "$tmp/$ch.$p.json")
        [ "$n" -lt 1000 ] && break
        p=$((p + 1))
    done
done

cat > "$tmp/ref.jq" << 'JQ'
def ms: capture("^(?<d>[0-9-]+T[0-9:]+)(?<f>\\.[0-9]+)?(?<o>Z|[+-][0-9][0-9]:?[0-9][0-9])$")
  | ((.d + "Z") | fromdateiso8601) * 1000
    + (if .f then ((.f[1:] + "00")[0:3] | tonumber) else 0 end)
    - (if .o == "Z" then 0 else ((.o[1:3] | tonumber) * 60 + (.o[-2:] | tonumber)) * 60000
         * (if .o[0:1] == "-" then -1 else 1 end) end);
def st: (if has("deliveryStatus") then .deliveryStatus elif has("deliveryStato") then .deliveryStato
         else .status end) as $s
  | if (["DELIVERED","SENT","RECEIVED","ERROR","EXPIRED","UNKNOWN"] | index([$s])) then $s else "OTHER" end;
def desc: if has("deliveryStatusDescription") then .deliveryStatusDescription
          elif has("deliveryStatoDescription") then .deliveryStatoDescription else .description end
  | if . == null then "(none)" else . end;
def rank($a; $q): $a[(($q * ($a | length)) | ceil) - 1];
add | map(. + {st: st}) as $r
| ([$r[] | select(.st == "DELIVERED" and .deliveryDate != null and .sendDate != null)
   | (.deliveryDate | ms) - (.sendDate | ms)]) as $lat
| ([$lat[] | select(. >= 0)] | sort) as $pos
| {total: ($r | length),
   by_status: (reduce $r[] as $x ({DELIVERED:0,SENT:0,RECEIVED:0,ERROR:0,EXPIRED:0,UNKNOWN:0,OTHER:0}; .[$x.st] += 1)),
   count: ($pos | length), p50: rank($pos; 0.5), p90: rank($pos; 0.9), p99: rank($pos; 0.99),
   max: ($pos | max), neg: ([$lat[] | select(. < 0)] | length),
   parts: ([$r[].parts // 0] | add),
   cost: ([$r[].cost // 0 | . * 1000000 | round] | add),
   top: ([$r[] | select(.st == "ERROR" or .st == "EXPIRED") | desc]
         | group_by(.) | map({reason: .[0], count: length}) | sort_by(-.count, .reason) | .[0:5])}
JQ

for ch in SMS WHATSAPP; do
    files=$(ls "$tmp"/$ch.*.json | sort -t. -k2 -n)
    nrec=$(cat $files | jq -s 'map(length) | add')
    jq -s -c -f "$tmp/ref.jq" $files > "$tmp/$ch.jq.json"
    build/native/tool_summarize $ch $files > "$tmp/$ch.gw.json" 2> "$tmp/$ch.gw.err"
    check "$ch: $nrec records in $(echo $files | wc -w) page files, gwhist's cores parse them all" \
        sh -c "[ $nrec -ge 10000 ] && jq -e '.channels[0].total == $nrec' $tmp/$ch.gw.json >/dev/null"
    jq -c '.channels[0] | {total, by_status, parts, cost: (.cost * 1000000 | round), neg: .negative_latency,
        count: .latency_ms.count, max: .latency_ms.max, top: .top_errors}' "$tmp/$ch.gw.json" > "$tmp/$ch.a"
    jq -c '{total, by_status, parts, cost, neg, count, max, top}' "$tmp/$ch.jq.json" > "$tmp/$ch.b"
    check "$ch: counts per status, cost, parts, latency count/max and top errors equal jq's" \
        cmp -s "$tmp/$ch.a" "$tmp/$ch.b"
    for q in p50 p90 p99; do
        e=$(jq ".$q" "$tmp/$ch.jq.json")
        g=$(jq ".channels[0].latency_ms.$q" "$tmp/$ch.gw.json")
        check "$ch: $q $g ms within 1% of the exact nearest rank $e ms" \
            sh -c "jq -n -e \"($g - $e) | fabs <= 0.01 * $e\" > /dev/null"
    done
done
