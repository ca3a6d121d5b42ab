#!/bin/sh
# The gateway simulator's own tests, with curl and the openssl CLI as clients:
# validation answers, paging arithmetic against the ground truth, the wire
# data against the truth (summarised independently with jq), shapes, chunked
# framing, determinism, TLS versions and certificates, and every fault flag.
# One line per case, "ok - ..." or "not ok - ...". Every simulator is started
# with --max-seconds and killed by the trap; every client call has a timeout.
#   sh tests/run.sh it gwsim
set -u
# tmp, the cleanup trap, ok/nok/check come from lib.sh; this script keeps
# its own simulators and data set
. "$(dirname "$0")/lib.sh"
if ! make -s TARGET=native gwsim certs > /dev/null; then
    echo "not ok - make TARGET=native gwsim certs"
    exit 1
fi
G=$top/build/native/gwsim
CA=$top/build/certs/ca.pem
jqe() { jq -e "$@" > /dev/null; }
eq() { # description, got, want
    if [ "$2" = "$3" ]; then ok "$1"; else nok "$1: got '$2', want '$3'"; fi
}

ANCHOR=1800000000 # 2027-01-15T08:00:00Z
FROM=2027-01-14T08:00:00Z
TO=2027-01-15T08:00:00Z
DATA="--seed 42 --records 600 --anchor $ANCHOR"
P=/api/partner-gateway/v1/messages/history

# start NAME [gwsim flags]: sets PORT and SPID; fails the case if no PORT line.
start() {
    name=$1
    shift
    : > "$tmp/$name.out"
    # shellcheck disable=SC2086
    "$G" $DATA --max-seconds 100 "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" &
    SPID=$!
    pids="$pids $SPID"
    PORT=""
    i=0
    while [ $i -lt 50 ]; do
        PORT=$(sed -n 's/^PORT \([0-9]*\)$/\1/p' "$tmp/$name.out")
        [ -n "$PORT" ] && return 0
        sleep 0.1
        i=$((i + 1))
    done
    nok "$name: no PORT line ($(head -c 300 "$tmp/$name.err"))"
    return 1
}
stop() { kill "$1" 2> /dev/null; wait "$1" 2> /dev/null; }

H=https
url() { echo "$H://localhost:$PORT$P?$1"; }
# get QUERY [curl flags]: body on stdout, curl's exit code as the result
get() {
    q=$1
    shift
    curl -sS --max-time 10 --cacert "$CA" -H 'X-Api-Key: demo-key' "$@" "$(url "$q")"
}
code() { # QUERY [curl flags]: the HTTP status
    q=$1
    shift
    curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$CA" -H 'X-Api-Key: demo-key' "$@" "$(url "$q")"
}
W="from=$FROM&to=$TO"
truth() { "$G" --truth $DATA --from "$FROM" --to "$TO" "$@"; }

# ---- validation -------------------------------------------------------------
start main --tls || exit 1
MAIN=$PORT
eq "valid query answers 200" "$(code "channel=SMS&$W")" 200
eq "400 for an unknown channel" "$(code "channel=EMAIL&$W")" 400
eq "400 for a lower-case channel" "$(code "channel=sms&$W")" 400
eq "400 for a missing channel" "$(code "$W")" 400
eq "400 for a missing to" "$(code "channel=SMS&from=$FROM")" 400
eq "400 for a time without offset" "$(code "channel=SMS&from=2027-01-14T08:00:00&to=$TO")" 400
eq "400 for a date without time" "$(code "channel=SMS&from=2027-01-14&to=$TO")" 400
eq "400 for a bare '+' offset (decodes to a space)" "$(code "channel=SMS&from=2027-01-14T09:00:00+01:00&to=$TO")" 400
eq "200 for a %2B offset" "$(code "channel=SMS&from=2027-01-14T09:00:00%2B01:00&to=$TO")" 200
eq "200 for a +hhmm offset and fraction" "$(code "channel=SMS&from=2027-01-14T09:00:00.5%2B0100&to=$TO")" 200
eq "400 for a bad month" "$(code "channel=SMS&from=2027-13-14T08:00:00Z&to=$TO")" 400
eq "400 for a negative page" "$(code "channel=SMS&$W&page=-1")" 400
eq "400 for a non-numeric page" "$(code "channel=SMS&$W&page=x")" 400
eq "400 for limit 0" "$(code "channel=SMS&$W&limit=0")" 400
eq "400 for limit 1001" "$(code "channel=SMS&$W&limit=1001")" 400
eq "200 for limit 1000" "$(code "channel=SMS&$W&limit=1000")" 200
eq "400 for an unknown status" "$(code "channel=SMS&$W&status=REJECTED")" 400
eq "400 for a lower-case status" "$(code "channel=SMS&$W&status=delivered")" 400
m=$(get "channel=SMS&from=2027-01-14T09:00:00+01:00&to=$TO" | jq -r '"\(.status) \(.error)|\(.message)"')
case $m in "400 Bad Request|"*"'from'"*) ok "400 body is the JSON error and names the parameter" ;;
    *) nok "400 body is the JSON error and names the parameter: $m" ;; esac
m=$(get "channel=SMS&$W&limit=5000" | jq -r .message)
case $m in *limit*1*1000*) ok "the limit message states 1..1000" ;; *) nok "the limit message states 1..1000: $m" ;; esac
eq "401 without a key" "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$CA" "$(url "channel=SMS&$W")")" 401
eq "401 for a wrong key" "$(code "channel=SMS&$W" -H 'X-Api-Key: nope')" 401
eq "the header name is case-insensitive" \
    "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$CA" -H 'x-API-KEY: demo-key' "$(url "channel=SMS&$W")")" 200
eq "404 for another path" \
    "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$CA" -H 'X-Api-Key: demo-key' "https://localhost:$PORT/api/partner-gateway/v1/messages")" 404
eq "405 for POST" "$(code "channel=SMS&$W" -X POST)" 405
eq "from after to gives 200 and []" "$(get "channel=SMS&from=$TO&to=$FROM" | jq -c .)" "[]"
hd=$(get "channel=SMS&$W&limit=1" -D - -o /dev/null | tr -d '\r')
case $hd in *"X-RateLimit-Limit: "*"X-RateLimit-Remaining: "*) ok "rate-limit headers are sent" ;;
    *) nok "rate-limit headers are sent" ;; esac

start basic --basic 'ops:s3cr:et' || exit 1
H=http
eq "Basic auth over plain HTTP works" "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -u 'ops:s3cr:et' "$(url "channel=SMS&$W")")" 200
eq "a wrong Basic password gets 401" "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -u 'ops:bad' "$(url "channel=SMS&$W")")" 401
stop "$SPID"

# ---- pagination against the truth ------------------------------------------
H=https
PORT=$MAIN
truth --limit 7 > "$tmp/t7.json"
for ch in SMS RCS WHATSAPP; do
    want=$(jq ".channels[] | select(.channel == \"$ch\") | .total" "$tmp/t7.json")
    wantp=$(jq ".channels[] | select(.channel == \"$ch\") | .pages" "$tmp/t7.json")
    sum=0 p=0 last=7
    : > "$tmp/ids"
    while [ "$last" -eq 7 ] && [ $p -lt 200 ]; do
        get "channel=$ch&$W&limit=7&page=$p" > "$tmp/page.json"
        last=$(jq length "$tmp/page.json")
        jq -r '.[] | .messageId // .customerMessageId' "$tmp/page.json" >> "$tmp/ids"
        sum=$((sum + last))
        p=$((p + 1))
    done
    eq "$ch: page sizes sum to the truth's total" "$sum" "$want"
    eq "$ch: pages fetched equal the truth's pages" "$p" "$wantp"
    check "$ch: the last page is short" [ "$last" -lt 7 ]
    eq "$ch: no record is served twice" "$(sort -u "$tmp/ids" | wc -l)" "$want"
done
n=$(jq '.channels[0].total' "$tmp/t7.json")
eq "a total that is a multiple of the limit: page 0 is full" "$(get "channel=SMS&$W&limit=$n&page=0" | jq length)" "$n"
eq "a total that is a multiple of the limit: an empty page follows" "$(get "channel=SMS&$W&limit=$n&page=1" | jq -c .)" "[]"
eq "truth: pages = floor(total/limit)+1 for an exact multiple" \
    "$(truth --limit "$n" --channel SMS | jq .channels[0].pages)" 2
ns=$(jq '.channels[0].by_status.ERROR' "$tmp/t7.json")
eq "status=ERROR returns exactly the truth's ERROR count" \
    "$(get "channel=SMS&$W&status=ERROR&limit=1000" | jq '[.[] | (.status // .deliveryStatus // .deliveryStato)] | map(select(. == "ERROR")) | length')" "$ns"
eq "status=ERROR returns nothing else" \
    "$(get "channel=SMS&$W&status=ERROR&limit=1000" | jq length)" "$ns"
eq "truth --status ERROR agrees" "$(truth --status ERROR --channel SMS | jq .channels[0].total)" "$ns"

# the wire data, summarised with jq alone, agrees with --truth
cat > "$tmp/sum.jq" << 'JQ'
def ms: capture("^(?<d>[0-9-]+T[0-9:]+)(?<f>\\.[0-9]+)?(?<o>Z|[+-][0-9][0-9]:[0-9][0-9])$")
  | ((.d + "Z") | fromdateiso8601) * 1000
    + (if .f then ((.f[1:] + "00")[0:3] | tonumber) else 0 end)
    - (if .o == "Z" then 0 else ((.o[1:3] | tonumber) * 60 + (.o[4:6] | tonumber)) * 60000
         * (if .o[0:1] == "-" then -1 else 1 end) end);
def st: (.status // .deliveryStatus // .deliveryStato) as $s
  | if (["DELIVERED","SENT","RECEIVED","ERROR","EXPIRED","UNKNOWN"] | index([$s])) then $s else "OTHER" end;
map(. + {st: st}) as $r
| ([$r[] | select(.st == "DELIVERED" and .deliveryDate != null) | (.deliveryDate | ms) - (.sendDate | ms)]) as $lat
| {total: ($r | length),
   by_status: (reduce $r[] as $x ({DELIVERED:0,SENT:0,RECEIVED:0,ERROR:0,EXPIRED:0,UNKNOWN:0,OTHER:0}; .[$x.st] += 1)),
   count: ([$lat[] | select(. >= 0)] | length),
   max: ([$lat[] | select(. >= 0)] | max // 0),
   neg: ([$lat[] | select(. < 0)] | length),
   parts: ([$r[].parts] | add),
   cost: ([$r[].cost // 0 | . * 1000000 | round] | add),
   top: ([$r[] | select(.st == "ERROR" or .st == "EXPIRED")
          | (.deliveryStatusDescription // .deliveryStatoDescription // .description // "(none)")]
         | group_by(.) | map({reason: .[0], count: length}) | sort_by(-.count, .reason) | .[0:5])}
JQ
get "channel=SMS&$W&limit=1000" > "$tmp/sms.json"
jq -c -f "$tmp/sum.jq" "$tmp/sms.json" > "$tmp/wire.json"
jq -c '.channels[0] | {total, by_status, count: .latency_ms.count, max: .latency_ms.max, neg: .negative_latency,
    parts, cost: (.cost * 1000000 | round), top: .top_errors}' "$tmp/t7.json" > "$tmp/tsum.json"
if [ -s "$tmp/wire.json" ] && [ "$(cat "$tmp/wire.json")" = "$(cat "$tmp/tsum.json")" ]; then
    ok "the wire data summarised by jq equals --truth (statuses, latency, cost, parts, top_errors)"
else
    nok "the wire data summarised by jq equals --truth: $(cat "$tmp/wire.json") vs $(cat "$tmp/tsum.json")"
fi
for ch in RCS WHATSAPP; do get "channel=$ch&$W&limit=1000" > "$tmp/$ch.json"; done
jq -s 'add' "$tmp/sms.json" "$tmp/RCS.json" "$tmp/WHATSAPP.json" > "$tmp/all.json"
check "the data has every status, aliases, nulls and unknown members" jqe '
    (map(.status // .deliveryStatus // .deliveryStato) | unique | length >= 7)
    and any(.[]; has("deliveryStato")) and any(.[]; has("customerMessageId")) and any(.[]; has("messageId"))
    and any(.[]; .description == null and has("description")) and any(.[]; has("meta") or has("carrier"))
    and any(.[]; .sendDate | test("[+-]05:30$")) and any(.[]; .sendDate | test("\\.[0-9]+"))' "$tmp/all.json"
check "some body is longer than 64 KB" jqe 'any(.[]; .body | utf8bytelength > 65536)' "$tmp/all.json"
raw="$tmp/sms.json $tmp/RCS.json $tmp/WHATSAPP.json"
check "bodies carry emoji, raw and as a surrogate-pair escape" \
    sh -c "cat $raw | grep -q 'ude00' && cat $raw | grep -q \"$(printf '\360\237')\""
check "costs keep their exact decimals (0.000125, 0.0725)" \
    sh -c "cat $raw | grep -q '\"cost\":0.000125[,}]' && cat $raw | grep -q '\"cost\":0.0725[,}]'"

# ---- shapes, chunked framing, determinism ------------------------------------
Q="channel=WHATSAPP&$W&limit=100&page=1"
get "$Q" > "$tmp/bare.json"
check "the default shape is a bare array" jqe 'type == "array" and length > 0' "$tmp/bare.json"
start wrap --tls --wrap || exit 1
get "$Q" > "$tmp/wrap.json"
eq "--wrap gives {\"messages\":[...]} with the same items" "$(jq -c .messages "$tmp/wrap.json")" "$(jq -c . "$tmp/bare.json")"
stop "$SPID"
start chunked --tls --chunked || exit 1
get "$Q" -D "$tmp/ch.h" > "$tmp/ch.json"
check "--chunked decodes to exactly the Content-Length bytes" cmp -s "$tmp/ch.json" "$tmp/bare.json"
check "--chunked sends Transfer-Encoding: chunked and no Content-Length" \
    sh -c "grep -qi '^transfer-encoding: chunked' '$tmp/ch.h' && ! grep -qi '^content-length' '$tmp/ch.h'"
get "$Q" --raw > "$tmp/raw"
nchunks=$(tr -d '\r' < "$tmp/raw" | grep -ac '^[0-9a-f][0-9a-f]*$')
check "chunk sizes vary (more than 3 chunks, $nchunks)" [ "$nchunks" -gt 3 ]
stop "$SPID"
start again --tls || exit 1
get "$Q" > "$tmp/again.json"
check "the same seed gives the same bytes in another process" cmp -s "$tmp/again.json" "$tmp/bare.json"
stop "$SPID"
"$G" --seed 43 --records 600 --anchor $ANCHOR --max-seconds 100 --tls > "$tmp/s43.out" 2>&1 &
SPID=$!
pids="$pids $SPID"
sleep 0.3
PORT=$(sed -n 's/^PORT //p' "$tmp/s43.out")
get "$Q" > "$tmp/s43.json"
check "another seed gives other bytes" sh -c "! cmp -s '$tmp/s43.json' '$tmp/bare.json'"
stop "$SPID"
eq "--truth is deterministic" "$(truth | md5sum)" "$(truth | md5sum)"
t0=$(date +%s)
big=$("$G" --truth --seed 9 --records 300000 --anchor $ANCHOR --from "$FROM" --to "$TO" | jq .totals.total)
t1=$(date +%s)
eq "--truth over 300,000 records counts all of them" "$big" 300000
check "--truth over 300,000 records takes under 5 s" [ $((t1 - t0)) -lt 5 ]

# ---- TLS ---------------------------------------------------------------------
PORT=$MAIN
eq "TLS 1.2 works" "$(code "channel=SMS&$W" --tlsv1.2 --tls-max 1.2)" 200
eq "TLS 1.3 works" "$(code "channel=SMS&$W" --tlsv1.3)" 200
o=$(echo | timeout 5 openssl s_client -connect "127.0.0.1:$PORT" -servername localhost -tls1_3 -CAfile "$CA" \
    -verify_return_error 2>&1)
case $o in *"New, TLSv1.3"*"Verify return code: 0 (ok)"*) ok "openssl s_client: TLS 1.3, chain verifies" ;;
    *) nok "openssl s_client: TLS 1.3, chain verifies" ;; esac
echo | timeout 5 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 -CAfile "$CA" -sess_out "$tmp/sess" > /dev/null 2>&1
o=$(echo | timeout 5 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 -CAfile "$CA" -sess_in "$tmp/sess" 2>&1)
case $o in *Reused*) ok "a session ticket resumes across connections (TLS 1.2)" ;;
    *) nok "a session ticket resumes across connections (TLS 1.2)" ;; esac
start tls12 --tls --tls-max 1.2 || exit 1
eq "--tls-max 1.2 still serves TLS 1.2" "$(code "channel=SMS&$W" --tlsv1.2)" 200
code "channel=SMS&$W" --tlsv1.3 > /dev/null
eq "--tls-max 1.2 refuses a TLS 1.3-only client (curl exit 35)" "$?" 35
stop "$SPID"
for c in expired wronghost untrusted; do
    start "cert-$c" --tls --cert $c || exit 1
    code "channel=SMS&$W" > /dev/null
    eq "--cert $c fails verification (curl exit 60)" "$?" 60
    eq "--cert $c still serves without verification" "$(code "channel=SMS&$W" -k)" 200
    stop "$SPID"
done
start rsa --tls --cert server-rsa || exit 1
eq "--cert server-rsa serves an RSA chain" "$(code "channel=SMS&$W")" 200
stop "$SPID"
start inter --tls --cert server-inter || exit 1
eq "--cert server-inter sends the intermediate" "$(code "channel=SMS&$W")" 200
stop "$SPID"

# ---- HTTP/1.1 mechanics (plain HTTP, raw sockets) ---------------------------
H=http
start plain -v || exit 1
PLAIN=$PORT
R="GET $P?channel=SMS&$W&limit=2 HTTP/1.1\r\nHost: x\r\nX-Api-Key: demo-key\r\n"
n=$(printf "$R\r\n${R}Connection: close\r\n\r\n" | timeout 5 socat -t 5 - "TCP:127.0.0.1:$PORT" | grep -ao 'HTTP/1.1 200' | wc -l)
eq "two pipelined requests in one write get two answers" "$n" 2
n=$( (printf "GET $P?chan"; sleep 0.3; printf "nel=SMS&$W HTTP/1.1\r\nHost: x\r\nX-Ap"; sleep 0.3
    printf "i-Key: demo-key\r\nConnection: close\r\n\r\n") | timeout 5 socat -t 5 - "TCP:127.0.0.1:$PORT" | grep -ac '^HTTP/1.1 200')
eq "a request split over several reads is answered" "$n" 1
big=$(head -c 20000 /dev/zero | tr '\0' a)
n=$(printf "GET $P HTTP/1.1\r\nHost: x\r\nX-Pad: $big\r\n\r\n" | timeout 5 socat -t 5 - "TCP:127.0.0.1:$PORT" | head -n 1 | tr -d '\r')
eq "an oversized request head gets 431" "$n" "HTTP/1.1 431 Request Header Fields Too Large"
n=$(printf "GARBAGE\r\n\r\n" | timeout 5 socat -t 5 - "TCP:127.0.0.1:$PORT" | head -n 1 | tr -d '\r')
eq "a malformed request line gets 400" "$n" "HTTP/1.1 400 Bad Request"
n=$(curl -sv --max-time 10 -H 'X-Api-Key: demo-key' "$(url "channel=SMS&$W&limit=1")" "$(url "channel=RCS&$W&limit=1")" 2>&1 -o /dev/null -o /dev/null | grep -ci 're-using existing connection')
eq "keep-alive: curl reuses the connection" "$n" 1
check "-v logs one line per request" grep -q "GET $P?channel=SMS" "$tmp/plain.err"
stop "$SPID"

# ---- faults --------------------------------------------------------------------
# codes QUERY N: the status codes of N sequential requests, space-separated
codes() {
    out="" i=0
    while [ $i -lt "$2" ]; do out="$out $(code "$1")"; i=$((i + 1)); done
    echo $out
}
Q="channel=SMS&$W&limit=50"
start f500 --fault-500 3 || exit 1
eq "--fault-500 3: every third request answers 500" "$(codes "$Q" 6)" "200 200 500 200 200 500"
stop "$SPID"
start f503 --fault-503 2 || exit 1
eq "--fault-503 2: every second request answers 503" "$(codes "$Q" 4)" "200 503 200 503"
stop "$SPID"
start f429 --fault-429 2 --retry-after 7 || exit 1
get "$Q" -o /dev/null
get "$Q" -D "$tmp/429.h" > "$tmp/429.json"
check "--fault-429 2: 429 with Retry-After: 7 and retryAfter 7" \
    sh -c "head -n 1 '$tmp/429.h' | grep -q ' 429 ' && grep -qi '^retry-after: 7' '$tmp/429.h' && jq -e '.retryAfter == 7 and .status == 429' '$tmp/429.json' > /dev/null"
stop "$SPID"
start f429h --fault-429 1:header || exit 1
get "$Q" -D "$tmp/429.h" > "$tmp/429.json"
check "--fault-429 1:header: the header only" \
    sh -c "grep -qi '^retry-after: 1' '$tmp/429.h' && jq -e 'has(\"retryAfter\") | not' '$tmp/429.json' > /dev/null"
stop "$SPID"
start f429b --fault-429 1:body --retry-after 3 || exit 1
get "$Q" -D "$tmp/429.h" > "$tmp/429.json"
check "--fault-429 1:body: retryAfter in the body only" \
    sh -c "! grep -qi '^retry-after' '$tmp/429.h' && jq -e '.retryAfter == 3' '$tmp/429.json' > /dev/null"
stop "$SPID"
start fch --fault-500 1 --fault-channel RCS,WHATSAPP || exit 1
eq "--fault-channel RCS,WHATSAPP spares SMS" "$(codes "channel=SMS&$W" 2)" "200 200"
eq "--fault-channel RCS,WHATSAPP hits RCS" "$(codes "channel=RCS&$W" 1)" "500"
stop "$SPID"

start freset --fault-reset 2 || exit 1
get "$Q" > "$tmp/full.json"
get "$Q" > "$tmp/part.json" 2> /dev/null
rc=$?
eq "--fault-reset 2: the second request is reset mid-body (curl exit 56)" "$rc" 56
check "--fault-reset: part of the body arrived first" \
    sh -c "s=\$(wc -c < '$tmp/part.json'); [ \$s -gt 0 ] && [ \$s -lt \$(wc -c < '$tmp/full.json') ]"
stop "$SPID"
start freset-tls --tls --fault-reset 1 || exit 1
H=https
get "$Q" > /dev/null 2>&1
eq "--fault-reset over TLS: curl exit 56" "$?" 56
H=http
stop "$SPID"
start fshort --fault-short-cl 1 || exit 1
get "$Q" > /dev/null 2>&1
eq "--fault-short-cl: Content-Length longer than the body (curl exit 18)" "$?" 18
stop "$SPID"
start fbad --fault-bad-chunk 1 || exit 1
get "$Q" -D "$tmp/bad.h" > /dev/null 2>&1
eq "--fault-bad-chunk: an invalid chunk-size line (curl exit 56)" "$?" 56
check "--fault-bad-chunk implies chunked" grep -qi '^transfer-encoding: chunked' "$tmp/bad.h"
stop "$SPID"
start fstall --fault-stall 2:3 || exit 1
t0=$(date +%s)
get "$Q" > /dev/null
get "$Q" --max-time 1 > /dev/null 2>&1
rc=$?
eq "--fault-stall 2:3: a 1 s client times out on the second request (curl exit 28)" "$rc" 28
get "$Q" > /dev/null
eq "--fault-stall: the third request is served" "$?" 0
get "$Q" > "$tmp/stalled.json"
t1=$(date +%s)
check "--fault-stall: the fourth completes after the stall, intact" jqe 'length == 50' "$tmp/stalled.json"
check "--fault-stall: took about 3 s ($((t1 - t0)) s)" [ $((t1 - t0)) -ge 3 -a $((t1 - t0)) -le 8 ]
stop "$SPID"
start fdrip --fault-drip 3 || exit 1
Q1="channel=SMS&$W&limit=1"
t0=$(date +%s%N)
get "$Q1" > "$tmp/drip.json"
t1=$(date +%s%N)
bytes=$(wc -c < "$tmp/drip.json")
ms=$(((t1 - t0) / 1000000))
check "--fault-drip 3: $bytes bytes took $ms ms (>= 3 ms a byte)" [ "$ms" -ge $((bytes * 3 * 9 / 10)) ]
stop "$SPID"
H=http
start plain2 || exit 1
get "$Q1" > "$tmp/nodrip.json"
check "--fault-drip delivers the same bytes" cmp -s "$tmp/drip.json" "$tmp/nodrip.json"
stop "$SPID"
start fign --fault-ignore-page || exit 1
eq "--fault-ignore-page: page 3 is page 0" "$(get "$Q&page=3" | md5sum)" "$(get "$Q&page=0" | md5sum)"
stop "$SPID"
start fmal --fault-malformed 2 || exit 1
check "--fault-malformed 2: page 0 (items 0-1) is valid JSON" sh -c "curl -s --max-time 10 -H 'X-Api-Key: demo-key' '$(url "channel=SMS&$W&limit=2&page=0")' | jq -e . > /dev/null"
check "--fault-malformed 2: page 1 (items 2-3) is not" sh -c "! curl -s --max-time 10 -H 'X-Api-Key: demo-key' '$(url "channel=SMS&$W&limit=2&page=1")' | jq -e . > /dev/null 2>&1"
check "--fault-malformed 2: again on every request, and per channel" sh -c "! curl -s --max-time 10 -H 'X-Api-Key: demo-key' '$(url "channel=RCS&$W&limit=5")' | jq -e . > /dev/null 2>&1"
check "--fault-malformed: the malformed item keeps its braces balanced" sh -c "curl -s --max-time 10 -H 'X-Api-Key: demo-key' '$(url "channel=SMS&$W&limit=2&page=1")' | grep -q '\"messageId\":\"bad-'"
stop "$SPID"
start fclose --fault-close || exit 1
n=$(curl -sv --max-time 10 -H 'X-Api-Key: demo-key' "$(url "channel=SMS&$W&limit=1")" "$(url "channel=RCS&$W&limit=1")" 2>&1 -o /dev/null -o /dev/null)
case $n in *"Connection: close"*) ok "--fault-close: Connection: close on every response" ;; *) nok "--fault-close: Connection: close" ;; esac
eq "--fault-close: the connection is not reused" "$(echo "$n" | grep -ci 're-using existing connection')" 0
stop "$SPID"
start f401 --fault-401 || exit 1
eq "--fault-401: 401 even with the right key" "$(code "$Q")" 401
stop "$SPID"
start f403 --fault-403 || exit 1
eq "--fault-403: 403" "$(code "$Q")" 403
check "--fault-403: the message says the IP is not allowed" sh -c "curl -s --max-time 10 -H 'X-Api-Key: demo-key' '$(url "$Q")' | jq -e '.message | test(\"IP not allowed\")' > /dev/null"
stop "$SPID"

# ---- life cycle ---------------------------------------------------------------
if start v6 --listen ::1; then
    eq "--listen ::1 serves IPv6" \
        "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H 'X-Api-Key: demo-key' "http://[::1]:$PORT$P?channel=SMS&$W")" 200
    stop "$SPID"
fi
"$G" $DATA --max-seconds 1 --port-file "$tmp/pf" > /dev/null 2>&1 &
SPID=$!
pids="$pids $SPID"
sleep 0.5
check "--port-file holds the port" grep -qx '[0-9][0-9]*' "$tmp/pf"
sleep 1.5
check "--max-seconds 1: the simulator has exited by itself" sh -c "! kill -0 $SPID 2> /dev/null"
"$G" $DATA --max-seconds 60 --port-file "$tmp/pf2" --fault-stall 1:30 > /dev/null 2>&1 &
SPID=$!
pids="$pids $SPID"
sleep 0.5
PORT=$(cat "$tmp/pf2")
curl -s --max-time 20 -H 'X-Api-Key: demo-key' "$(url "$Q")" > /dev/null 2>&1 &
CPID=$!
sleep 0.5
kill "$SPID"
t0=$(date +%s)
wait "$SPID"
check "SIGTERM with a stalled connection: exits at once" [ $(($(date +%s) - t0)) -le 2 ]
wait "$CPID"
left=$(ps -eo args | grep -c "^$G .*$tmp/pf2")
eq "SIGTERM: no simulator process is left behind" "$left" 0
