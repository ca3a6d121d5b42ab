# Shared by the integration scripts (sourced, POSIX sh): paths, the gateway
# simulator's lifecycle, and ok/not ok reporting. Every process started here
# is killed by the EXIT trap; every gwhist run is bounded by timeout.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
GWHIST=${GWHIST:-$top/build/x86_64-musl/gwhist}
GWSIM=${GWSIM:-$top/build/native/gwsim}
CERTS=$top/build/certs
tmp=$(mktemp -d)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    for p in $pids; do wait "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# A fixed dataset: 3000 records over the 24 hours before the anchor.
ANCHOR=2026-12-01T12:00:00Z
FROM=2026-11-30T12:00:00Z
TO=2026-12-01T12:00:00Z
SEED=7
RECORDS=3000
export GWHIST_API_KEY=demo-key

ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; }
check() { # check DESCRIPTION COMMAND...: ok when the command succeeds
    d=$1
    shift
    if "$@"; then ok "$d"; else nok "$d"; fi
}

# start_sim NAME [gwsim flags]: starts gwsim on a free port (NAME: letters,
# digits, _), sets PORT_NAME and URL_NAME (https:// when --tls is given).
start_sim() {
    _sn=$1
    shift
    _pf="$tmp/port.$_sn"
    "$GWSIM" --seed "$SEED" --records "$RECORDS" --anchor "$ANCHOR" --port-file "$_pf" \
        --certs-dir "$CERTS" --max-seconds 900 "$@" > "$tmp/sim.$_sn.out" 2> "$tmp/sim.$_sn.err" &
    pids="$pids $!"
    _i=0
    while [ ! -s "$_pf" ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
    _port=$(cat "$_pf" 2>/dev/null)
    _scheme=http
    case " $* " in *" --tls "*) _scheme=https ;; esac
    eval "PORT_$_sn=$_port"
    eval "URL_$_sn=$_scheme://127.0.0.1:$_port/api/partner-gateway/v1"
}

# truth FILE [gwsim --truth flags]
truth() {
    f=$1
    shift
    "$GWSIM" --truth --seed "$SEED" --records "$RECORDS" --anchor "$ANCHOR" "$@" > "$f"
}

# same OUT TRUTH: gwhist's JSON equals the ground truth
same() {
    sh "$top/tests/gwsim/cmp.sh" "$2" "$1" > "$tmp/cmp.out" 2>&1 || { cat "$tmp/cmp.out" | head -20; return 1; }
}

# nmea_ok FILE: 4 lines, each ending in *HH = XOR of the bytes before the '*'
nmea_ok() {
    [ "$(grep -c . "$1")" -eq 4 ] || return 1
    while IFS= read -r line; do
        body=${line%\**}
        want=${line##*\*}
        x=0
        for b in $(printf '%s' "$body" | od -An -tu1); do x=$((x ^ b)); done
        [ "$(printf '%02X' $x)" = "$want" ] || return 1
    done < "$1"
}

# jqe FILTER FILE: FILE is not empty and FILTER holds on it (jq -e alone
# passes on an empty file)
jqe() {
    [ -s "$2" ] && jq -e "$1" "$2" > /dev/null
}
