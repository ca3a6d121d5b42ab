#!/bin/sh
# The real gwhist binary against the gateway simulator: each flag of the
# command-line contract, each exit status, the serial sink and the agent loop.
. "$(dirname "$0")/lib.sh"
make -s TARGET=native gwsim >/dev/null && make -s certs >/dev/null && make -s >/dev/null || exit 1

start_sim tls --tls
start_sim plain
U=$URL_tls
CA="--cacert $CERTS/ca.pem"
run() { timeout 120 "$GWHIST" --rate 1000 "$@"; }

# 1. the whole window, all channels, over TLS, verified
truth "$tmp/t1" --from $FROM --to $TO
run --url "$U" $CA --from $FROM --to $TO > "$tmp/o1" 2> "$tmp/e1"
rc=$?
check "all channels over TLS match the ground truth" same "$tmp/o1" "$tmp/t1"
check "complete run exits 0" [ $rc -eq 0 ]
check "complete run prints nothing on stderr" [ ! -s "$tmp/e1" ]

# 2. channel list, any case, in the order asked
truth "$tmp/t2" --from $FROM --to $TO --channel WHATSAPP,SMS
run --url "$U" $CA --from $FROM --to $TO --channel whatsapp,Sms > "$tmp/o2"
check "--channel whatsapp,Sms" same "$tmp/o2" "$tmp/t2"

# 3. status filter
truth "$tmp/t3" --from $FROM --to $TO --status ERROR
run --url "$U" $CA --from $FROM --to $TO --status ERROR > "$tmp/o3"
check "--status ERROR" same "$tmp/o3" "$tmp/t3"

# 4. small pages: many of them, every one committed once
truth "$tmp/t4" --from $FROM --to $TO --limit 7
run --url "$U" $CA --from $FROM --to $TO --limit 7 > "$tmp/o4"
check "--limit 7 (hundreds of pages)" same "$tmp/o4" "$tmp/t4"

# 5. a window with offsets: + sent as %2B, and a shorter range
F5=2026-12-01T01:30:00+05:30
T5=2026-12-01T09:15:00-02:00
truth "$tmp/t5" --from $F5 --to $T5
run --url "$U" $CA --from $F5 --to $T5 > "$tmp/o5"
check "--from/--to with +05:30 and -02:00 offsets" same "$tmp/o5" "$tmp/t5"

# 6. --date in --tz
truth "$tmp/t6" --from 2026-12-01T00:00:00+01:00 --to 2026-12-01T23:59:59+01:00
run --url "$U" $CA --date 2026-12-01 --tz +01:00 > "$tmp/o6"
check "--date 2026-12-01 --tz +01:00" same "$tmp/o6" "$tmp/t6"

# 7. plain http on loopback, the wrapped shape and chunked bodies
start_sim wrap --tls --wrap --chunked
truth "$tmp/t7" --from $FROM --to $TO --limit 50
run --url "$URL_wrap" $CA --from $FROM --to $TO --limit 50 > "$tmp/o7"
check "{\"messages\":[...]} bodies, chunked" same "$tmp/o7" "$tmp/t7"
run --url "$URL_plain" --from $FROM --to $TO > "$tmp/o7b"
check "http:// to 127.0.0.1" same "$tmp/o7b" "$tmp/t1"

# 8. credentials: Basic from a file, a key file, and refusals
start_sim basic --tls --basic alice:s3cret
printf 'alice:s3cret\n' > "$tmp/basic"; chmod 600 "$tmp/basic"
env -u GWHIST_API_KEY timeout 60 "$GWHIST" --url "$URL_basic" $CA --basic-auth-file "$tmp/basic" \
    --from $FROM --to $TO > "$tmp/o8"
check "--basic-auth-file" same "$tmp/o8" "$tmp/t1"
printf 'demo-key\n' > "$tmp/key"; chmod 644 "$tmp/key"
env -u GWHIST_API_KEY timeout 60 "$GWHIST" --url "$U" $CA --api-key-file "$tmp/key" \
    --from $FROM --to $TO > "$tmp/o8b" 2> "$tmp/e8b"
check "--api-key-file" same "$tmp/o8b" "$tmp/t1"
check "a key file readable by others is warned about" grep -q "chmod 600" "$tmp/e8b"
GWHIST_API_KEY=wrong-key timeout 60 "$GWHIST" --url "$U" $CA --from $FROM --to $TO \
    > /dev/null 2> "$tmp/e8c"
check "a wrong key exits 3" [ $? -eq 3 ]
check "401 names the likely cause" grep -q "401.*key" "$tmp/e8c"
check "the wrong key is not printed" sh -c "! grep -q wrong-key $tmp/e8c"
start_sim forbid --tls --fault-403
run --url "$URL_forbid" $CA --from $FROM --to $TO > /dev/null 2> "$tmp/e8d"
check "403 exits 3" [ $? -eq 3 ]
check "403 names the allow-list" grep -q "allow-list" "$tmp/e8d"
env -u GWHIST_API_KEY timeout 10 "$GWHIST" --url "$U" > /dev/null 2> "$tmp/e8e"
check "no credentials exits 2" [ $? -eq 2 ]
check "no credentials says where they come from" grep -q "GWHIST_API_KEY" "$tmp/e8e"

# 9. a 400 is reported with an excerpt and not retried; channel incomplete
run --url "$U" $CA --from $FROM --to $TO --status NOSUCH --status-any --channel sms \
    > "$tmp/o9" 2> "$tmp/e9"
check "a 400 exits 1" [ $? -eq 1 ]
check "a 400 shows the body excerpt" grep -q "HTTP 400 (not retried): {" "$tmp/e9"
check "a 400 marks the channel incomplete" jqe '.complete == false and .channels[0].complete == false and .channels[0].requests == 1' "$tmp/o9"

# 10. --max-pages cap: incomplete, exit 1
run --url "$U" $CA --from $FROM --to $TO --limit 10 --max-pages 2 --channel rcs > "$tmp/o10" 2> "$tmp/e10"
check "--max-pages 2 exits 1" [ $? -eq 1 ]
check "--max-pages says so" grep -q "max-pages 2" "$tmp/e10"

# 11. from after to: a warning and an empty, complete summary
run --url "$U" $CA --from $TO --to $FROM > "$tmp/o11" 2> "$tmp/e11"
check "from > to exits 0" [ $? -eq 0 ]
check "from > to warns" grep -q "warning" "$tmp/e11"
check "from > to gives an empty summary" jqe '.totals.total == 0 and .complete' "$tmp/o11"

# 12. formats and the file sink
run --url "$U" $CA --from $FROM --to $TO --format text > "$tmp/o12"
check "--format text has a row per channel" sh -c "grep -q SMS $tmp/o12 && grep -q WHATSAPP $tmp/o12"
run --url "$U" $CA --from $FROM --to $TO --format kv --kv-checksum > "$tmp/o12b"
check "--format kv: four lines with *HH checksums" sh -c "[ \$(grep -c '\*[0-9A-F][0-9A-F]\$' $tmp/o12b) -eq 4 ]"
run --url "$U" $CA --from $FROM --to $TO --format prom --output "$tmp/metrics.prom"
check "--format prom --output FILE" grep -q '^gwhist_up 1' "$tmp/metrics.prom"
check "the file sink leaves no temp file" sh -c "[ \$(ls $tmp | grep -c 'metrics.prom.tmp') -eq 0 ]"
tot=$(jq .totals.total "$tmp/t1")
check "prom totals agree with the truth" grep -q "^gwhist_messages_total{channel=\"SMS\"} $(jq '.channels[0].total' "$tmp/t1")\$" "$tmp/metrics.prom"

# 13. --since: the window ends now; the simulator's data ends at its anchor
start_sim now --tls --anchor "$(date -u +%Y-%m-%dT%H:%M:00Z)" --records 600
run --url "$URL_now" $CA --since 2h > "$tmp/o13"
f=$(jq -r .from "$tmp/o13"); t=$(jq -r .to "$tmp/o13")
"$GWSIM" --truth --seed "$SEED" --records 600 --anchor "$(date -u +%Y-%m-%dT%H:%M:00Z)" --from "$f" --to "$t" > "$tmp/t13"
check "--since 2h" same "$tmp/o13" "$tmp/t13"
check "--since 2h spans two hours" jqe '((.to | fromdateiso8601) - (.from | fromdateiso8601)) == 7200' "$tmp/o13"

# 14. a usage error from the real binary: exit 2, one line naming the value
timeout 10 "$GWHIST" --limit 0 > /dev/null 2> "$tmp/e14"
check "--limit 0 exits 2" [ $? -eq 2 ]
check "--limit 0 is one line naming the value" sh -c "[ \$(wc -l < $tmp/e14) -eq 1 ] && grep -q \"'0'\" $tmp/e14"

# 15. --insecure warns on every run
run --url "$U" --insecure --from $FROM --to $TO > "$tmp/o15" 2> "$tmp/e15"
check "--insecure warns" grep -q WARNING "$tmp/e15"
check "--insecure still completes" jqe .complete "$tmp/o15"

# 16. the agent loop: 200 cycles, flat memory, one TLS handshake
run --url "$U" $CA --from $FROM --to $TO --every 0 --count 200 --stats --limit 1000 \
    > "$tmp/o16" 2> "$tmp/e16"
check "--every 0 --count 200 exits 0" [ $? -eq 0 ]
check "200 summaries, one per cycle" [ "$(wc -l < "$tmp/o16")" -eq 200 ]
truth "$tmp/t16" --from $FROM --to $TO --limit 1000
sed -n 200p "$tmp/o16" > "$tmp/o16l"
check "the last cycle equals the truth" same "$tmp/o16l" "$tmp/t16"
r10=$(sed -n 's/.*stats cycle=10 rss_kb=\([0-9]*\).*/\1/p' "$tmp/e16")
r200=$(sed -n 's/.*stats cycle=200 rss_kb=\([0-9]*\).*/\1/p' "$tmp/e16")
h200=$(sed -n 's/.*stats cycle=200 .* handshakes=\([0-9]*\).*/\1/p' "$tmp/e16")
check "RSS at cycle 10 ($r10 KB) equals RSS at cycle 200 ($r200 KB)" sh -c "[ -n '$r10' ] && [ '$r10' = '$r200' ]"
check "one TLS handshake in 200 cycles ($h200)" [ "$h200" = 1 ]

# 17. SIGTERM in agent mode: the current write completes, exit 0, no half line
"$GWHIST" --rate 1000 --url "$U" $CA --from $FROM --to $TO --every 1s --count 60 \
    > "$tmp/o17" 2> "$tmp/e17" &
apid=$!
pids="$pids $apid"
i=0
while [ ! -s "$tmp/o17" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM $apid
wait $apid
rc=$?
check "SIGTERM in agent mode exits 0" [ $rc -eq 0 ]
check "every line written before SIGTERM is whole JSON" jq -e -s 'length >= 1 and all(.[]; .complete)' "$tmp/o17"

# 18. a config file drives the same run; an error in it names file and line
cat > "$tmp/conf" <<CONF
# gwhist configuration
url = $U
cacert = $CERTS/ca.pem
from = $FROM
to = $TO
rate = 1000
CONF
timeout 60 "$GWHIST" --config "$tmp/conf" > "$tmp/o18"
check "--config FILE" same "$tmp/o18" "$tmp/t1"
printf 'url = %s\nlimit = many\n' "$U" > "$tmp/conf2"
timeout 10 "$GWHIST" --config "$tmp/conf2" > /dev/null 2> "$tmp/e18"
check "a bad config value exits 2" [ $? -eq 2 ]
check "the message names the file and line" grep -q "conf2:2: limit 'many'" "$tmp/e18"

# 19. -q silences warnings, -v logs requests with the key masked
chmod 644 "$tmp/key"
env -u GWHIST_API_KEY timeout 60 "$GWHIST" --url "$U" $CA --api-key-file "$tmp/key" -q \
    --from $FROM --to $TO --rate 1000 > /dev/null 2> "$tmp/e19"
check "-q: no warning for a readable key file" sh -c "! grep -q chmod $tmp/e19"
run --url "$U" $CA --from $FROM --to $TO --channel rcs -v > /dev/null 2> "$tmp/e19b"
check "-v logs each request" grep -q "GET https://127.0.0.1:$PORT_tls/api/partner-gateway/v1/messages/history?channel=RCS" "$tmp/e19b"
check "-v masks the key" sh -c "grep -q 'X-Api-Key: \*\*\*' $tmp/e19b && ! grep -q demo-key $tmp/e19b"

# 20. usage errors from the real binary: exit 2 and one line naming the value
while IFS='|' read -r args needle; do
    # shellcheck disable=SC2086
    timeout 10 "$GWHIST" $args > "$tmp/o20" 2> "$tmp/e20"
    rc=$?
    check "usage error '$args': exit 2, one line naming $needle" \
        sh -c "[ $rc -eq 2 ] && [ ! -s $tmp/o20 ] && [ \$(wc -l < $tmp/e20) -eq 1 ] && grep -qF -- \"$needle\" $tmp/e20"
done <<'LIST'
--limit 0|'0'
--limit 5000|'5000'
--channel SMS,FAX|SMS,FAX
--from 2025-01-01 --to 2025-01-02T00:00:00Z|2025-01-01
--from 2025-01-01T00:00:00 --to 2025-01-02T00:00:00Z|offset
--since 5y|5y
--date 2026-02-30|2026-02-30
--status LOST|LOST
--format xml|xml
--timeout 0|'0'
--retries many|many
--rate -1|-1
--every 1x|1x
--count 3|--every
--url ftp://example/|ftp://example/
--bogus|--bogus
LIST

# 21. a server that ignores `page` and stamps every body with a new request id
start_sim igw --tls --wrap --fault-ignore-page
run --url "$URL_igw" $CA --from $FROM --to $TO --channel sms --limit 10 --max-pages 40 \
    > "$tmp/o21" 2> "$tmp/e21"
check "ignored page with changing bodies exits 1" [ $? -eq 1 ]
check "ignored page with changing bodies is detected" grep -q "ignores .page." "$tmp/e21"
check "ignored page: page 0 counted once, not 40 times" jqe '.channels[0].total == 10 and .channels[0].pages == 1' "$tmp/o21"


# 22. a redirect is reported, not followed, and its Location never shows the key
start_sim redir --tls --fault-redirect
run --url "$URL_redir" $CA --from $FROM --to $TO --channel sms > "$tmp/o22" 2> "$tmp/e22"
check "a redirect exits 1 and is reported with its Location" \
    sh -c "[ $? -eq 1 ] && grep -q 'HTTP 302 redirect to .https://login.invalid/sso?apikey=\*\*\*' $tmp/e22"
check "the key in a Location is masked" sh -c "! grep -q demo-key $tmp/e22"

# 23. SIGTERM during a stalled request: out in a moment, the last report kept
start_sim stall --tls --fault-stall 1:60
echo previous > "$tmp/o23"
"$GWHIST" --url "$URL_stall" $CA --from $FROM --to $TO --timeout 30 --every 5m \
    --output "$tmp/o23" 2> "$tmp/e23" &
spid=$!
pids="$pids $spid"
sleep 1
t0=$(date +%s)
kill -TERM $spid
wait $spid
rc=$?
t1=$(date +%s)
check "SIGTERM during a stall exits 0" [ $rc -eq 0 ]
check "SIGTERM during a stall exits within 3 s, not after --timeout 30 ($((t1 - t0)) s)" [ $((t1 - t0)) -le 3 ]
check "a cycle cut short by SIGTERM does not overwrite the last report" grep -qx previous "$tmp/o23"
