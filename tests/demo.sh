#!/bin/sh
# make demo: the bundled gateway simulator over TLS on 127.0.0.1, gwhist
# against it with full certificate verification for the last 24 hours over
# all three channels; the text summary, then the JSON run next to the
# simulator's ground truth with an OK or DIFF line. Leaves no process behind.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
tmp=$(mktemp -d)
sim=""
trap '[ -n "$sim" ] && kill $sim 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM

anchor=$(date -u +%Y-%m-%dT%H:%M:00Z)
records=${DEMO_RECORDS:-20000}
build/native/gwsim --tls --seed 2026 --records "$records" --anchor "$anchor" \
    --port-file "$tmp/port" --max-seconds 120 > /dev/null 2> "$tmp/sim.err" &
sim=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
port=$(cat "$tmp/port" 2>/dev/null) || { echo "demo: the simulator did not start:"; cat "$tmp/sim.err"; exit 1; }
url="https://127.0.0.1:$port/api/partner-gateway/v1"
export GWHIST_API_KEY=demo-key

echo "== gateway simulator: $records messages over the 24 hours before $anchor, TLS on $url"
echo "== gwhist --url $url --cacert build/certs/ca.pem --since 24h --limit 500 --format text"
echo
timeout 60 build/x86_64-musl/gwhist --url "$url" --cacert build/certs/ca.pem --since 24h \
    --limit 500 --format text
rc=$?
echo
echo "== the same run as JSON (gwhist), then the simulator's ground truth for its window"
timeout 60 build/x86_64-musl/gwhist --url "$url" --cacert build/certs/ca.pem --since 24h \
    --limit 500 --format json > "$tmp/gwhist.json"
from=$(jq -r .from "$tmp/gwhist.json")
to=$(jq -r .to "$tmp/gwhist.json")
build/native/gwsim --truth --seed 2026 --records "$records" --anchor "$anchor" --from "$from" \
    --to "$to" --limit 500 > "$tmp/truth.json"
echo "gwhist: $(cat "$tmp/gwhist.json")"
echo "truth:  $(cat "$tmp/truth.json")"
sh tests/gwsim/cmp.sh "$tmp/truth.json" "$tmp/gwhist.json"
cmp=$?
[ $rc -eq 0 ] && [ $cmp -eq 0 ]
