# summary.jq: the delivery summary of saved history pages, in the shape of
# `gwhist --format json` (see src/report.h), computed with jq the way a user
# of curl would. Each input file is one page (a JSON array of items) and is
# named CHANNEL.PAGE.json; the caller passes the window and the page counts:
#   jq -n -c --arg from F --arg to T --argjson pages '{"SMS":3,...}' \
#      --argjson channels '["SMS","RCS","WHATSAPP"]' -f summary.jq DIR/*.json
# Latency quantiles are exact nearest-rank (gwhist's are within 1%), the cost
# is summed in integer micro-units (exact below 2^53) and printed exactly.
# Linear in the records: each page is reduced to a small partial (counts,
# sums, its latencies and error reasons) as it is read, a channel's partials
# are concatenated once, and its latencies are sorted once. (No `+= [$x]` in
# a reduce: jq copies the array on every append, quadratic in the records.)

# "2026-12-01T10:15:00.123456+05:30" -> ms since the epoch (UTC)
def ms:
  . as $s | ($s | length) as $n
  | (if $s[$n-1:] == "Z" then 1 else 6 end) as $zl
  | (if $zl == 1 then 0
     else ($s[$n-6:] | ((.[1:3] | tonumber) * 60 + (.[4:6] | tonumber))
                       * (if .[0:1] == "-" then -1 else 1 end)) end) as $off
  | ($s[19:$n-$zl] | if length > 1 then (.[1:] + "00")[0:3] | tonumber else 0 end) as $frac
  | ((($s[0:19] + "Z") | fromdateiso8601) - $off * 60) * 1000 + $frac;

def status:
  (.deliveryStatus // .deliveryStato // .status) as $v
  | if ["DELIVERED","SENT","RECEIVED","ERROR","EXPIRED","UNKNOWN"] | index([$v]) then $v
    else "OTHER" end;

def reason:
  (if has("deliveryStatusDescription") then .deliveryStatusDescription
   elif has("deliveryStatoDescription") then .deliveryStatoDescription
   else .description end) // "(none)";

def decimal:   # integer micro-units -> shortest exact decimal, as a JSON number
  (if . < 0 then "-" else "" end) as $sign | (if . < 0 then -. else . end) as $m
  | ($m / 1000000 | floor) as $w | ($m - $w * 1000000) as $f
  | if $f == 0 then "\($sign)\($w)"
    else ("000000\($f)" | .[length-6:] | sub("0+$"; "")) as $fs | "\($sign)\($w).\($fs)" end
  | tonumber;

def q($bp): . as $a | ($a | length) as $n
  | if $n == 0 then 0 else $a[(($n * $bp + 9999) / 10000 | floor) - 1] end;

def zero: {DELIVERED:0,SENT:0,RECEIVED:0,ERROR:0,EXPIRED:0,UNKNOWN:0,OTHER:0};

# an array of strings -> {string: how many}
def counts: group_by(.) | map({key: .[0], value: length}) | from_entries;

# an array of {key: count} objects -> their sum, key by key
def sum_counts: [.[] | to_entries[]] | group_by(.key)
  | map({key: .[0].key, value: (map(.value) | add)}) | from_entries;

# one page (an array of items) of channel $ch -> its partial summary
def page($ch):
  [.[] | status as $st
   | {s: $st, m: ((.cost // 0) * 1000000 | round), p: (.parts // 0),
      l: (if $st == "DELIVERED" and .sendDate != null and .deliveryDate != null
          then (.deliveryDate | ms) - (.sendDate | ms) else null end),
      r: (if $st == "ERROR" or $st == "EXPIRED" then reason else null end)}] as $rs
  | {c: $ch, by: ($rs | map(.s) | counts), cost: ($rs | map(.m) | add // 0),
     parts: ($rs | map(.p) | add // 0),
     lat: [$rs[].l | select(. != null and . >= 0)],
     neg: ([$rs[].l | select(. != null and . < 0)] | length),
     reasons: ($rs | map(.r | select(. != null)) | counts)};

# partials -> one state: by, cost, parts, lat (sorted), neg, reasons
def merge:
  {by: (zero + (map(.by) | sum_counts) | {DELIVERED, SENT, RECEIVED, ERROR, EXPIRED, UNKNOWN, OTHER}),
   cost: (map(.cost) | add // 0), parts: (map(.parts) | add // 0),
   lat: ([.[].lat[]] | sort), neg: (map(.neg) | add // 0),
   reasons: (map(.reasons) | sum_counts)};

# one state -> the report members
def render:
  (.by | add) as $total
  | {complete: true, total: $total, by_status: .by,
     delivery_rate: (if $total == 0 then null
                     else ((.by.DELIVERED * 20000 + $total) / (2 * $total) | floor) / 10000 end),
     latency_ms: {count: (.lat | length), p50: (.lat | q(5000)), p90: (.lat | q(9000)),
                  p99: (.lat | q(9900)), max: (.lat | if length == 0 then 0 else .[-1] end)},
     negative_latency: .neg, cost: (.cost | decimal), parts: .parts,
     top_errors: (.reasons | to_entries | sort_by(-.value, .key) | .[0:5]
                  | map({reason: .key, count: .value}))};

[inputs as $items | $items | page(input_filename | split("/") | .[-1] | split(".")[0])] as $P
| {from: $from, to: $to, complete: true,
   channels: [$channels[] as $c
              | {channel: $c} + ([$P[] | select(.c == $c)] | merge | render) + {pages: $pages[$c]}],
   totals: ([$channels[] as $c | $P[] | select(.c == $c)] | merge | render
            + {pages: ([$channels[] | $pages[.]] | add)})}
