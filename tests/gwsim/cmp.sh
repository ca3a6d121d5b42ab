#!/bin/sh
# Compares gwhist's JSON summary with gwsim's ground truth.
#   sh tests/gwsim/cmp.sh truth.json gwhist.json
# Drops the run-dependent members (requests, retries, bytes, elapsed_ms) from
# the gwhist side, then requires the same members with equal values, except
# latency_ms p50/p90/p99, which may differ by 1% of the truth (and must be 0
# when the truth is 0). Prints OK, or DIFF and one line per differing path;
# exits 0 or 1 (2 for bad usage).
set -u
if [ $# -ne 2 ] || [ ! -r "$1" ] || [ ! -r "$2" ]; then
    echo "usage: sh tests/gwsim/cmp.sh truth.json gwhist.json" >&2
    exit 2
fi
if ! jq -e . "$1" > /dev/null 2>&1; then echo "DIFF"; echo "  truth is not JSON: $1"; exit 1; fi
if ! jq -e . "$2" > /dev/null 2>&1; then echo "DIFF"; echo "  gwhist output is not JSON: $2"; exit 1; fi
jq -n -r --slurpfile t "$1" --slurpfile g "$2" '
  def strip: del(.elapsed_ms)
    | if (.channels | type) == "array" then .channels |= map(del(.requests, .retries, .bytes)) else . end
    | if (.totals | type) == "object" then .totals |= del(.requests, .retries, .bytes) else . end;
  def name: map(if type == "number" then "[\(.)]" else ".\(.)" end) | join("");
  def leaf: (type != "object" and type != "array") or length == 0;
  def quantile($p): ($p | length) >= 2 and $p[-2] == "latency_ms" and (["p50", "p90", "p99"] | index([$p[-1]]) != null);
  def close($a; $b): ($a | type) == "number" and ($b | type) == "number"
    and (if $a == 0 then $b == 0 else (($b - $a) | fabs) <= 0.01 * ($a | fabs) end);
  ($t[0]) as $T | ($g[0] | strip) as $G
  | ([$T | paths] | map(tojson)) as $tp | ([$G | paths] | map(tojson)) as $gp
  | [ ($tp - $gp)[] | fromjson | "  \(name): only in the truth" ]
    + [ ($gp - $tp)[] | fromjson | "  \(name): only in gwhist" ]
    + [ $T | paths(leaf) as $p
        | ($T | getpath($p)) as $a | ($G | getpath($p)) as $b
        | select(($gp | index([$p | tojson])) != null)
        | select(if quantile($p) then (close($a; $b) | not) else $a != $b end)
        | "  \($p | name): truth \($a | tojson), gwhist \($b | tojson)" ]
  | if length == 0 then "OK" else "DIFF", .[] end
' > "${TMPDIR:-/tmp}/gwsim-cmp.$$" 2>&1
rc=$?
out=$(cat "${TMPDIR:-/tmp}/gwsim-cmp.$$")
rm -f "${TMPDIR:-/tmp}/gwsim-cmp.$$"
if [ $rc -ne 0 ]; then echo "DIFF"; echo "  jq failed: $out"; exit 1; fi
echo "$out"
[ "$out" = OK ]
