#!/bin/sh
# The fault suite: every fault the gateway simulator can inject, against the
# real gwhist binary.
#   recoverable within --retries: the JSON equals the ground truth exactly
#     (nothing lost, nothing counted twice), exit 0, retries > 0;
#   not recoverable: exit 1 (3 for 401/403), the affected channels say
#     complete:false and hold only whole pages, every other channel still
#     equals its ground truth, and the run ends within a bound derived from
#     --timeout and --retries (no hang).
# Each case gets its own simulator, so "every K-th request" counts from 1.
# Writes build/reliability/faults.tsv: fault, outcome, exit, retries.
#   sh tests/run.sh it faults
. "$(dirname "$0")/lib.sh"
make -s TARGET=native gwsim >/dev/null && make -s certs >/dev/null && make -s >/dev/null || exit 1
# private copies: a rebuild by someone else mid-run must not change the binary under test
cp "$GWHIST" "$tmp/gwhist" && cp "$GWSIM" "$tmp/gwsim" || exit 1
GWHIST=$tmp/gwhist GWSIM=$tmp/gwsim

RECORDS=300 # SMS 132, RCS 68, WHATSAPP 100 items over the window
LIMIT=20    # 17 pages in all
TMO=1       # gwhist --timeout for the cases that give up
RET=2       # gwhist --retries for the cases that give up
BACKOFF_MAX=8 # agent.c: backoff caps at 8 s (Retry-After: its own value)
CA="--cacert $CERTS/ca.pem"
mkdir -p build/reliability
tsv=build/reliability/faults.tsv
printf 'fault\toutcome\texit\tretries\n' > "$tsv"

# sim NAME [gwsim flags]: a fresh simulator over TLS (its own port file);
# sets SIMPID and URL. NAME is only for the reader.
simn=0
sim() {
    simn=$((simn + 1))
    shift
    start_sim "s$simn" --tls "$@"
    SIMPID=$!
    eval "URL=\$URL_s$simn"
}
sim_stop() {
    kill "$SIMPID" 2>/dev/null
    wait "$SIMPID" 2>/dev/null
}

# gw NAME HARDCAP [gwhist flags]: runs gwhist, sets RC and EL (seconds);
# stdout in $tmp/o.NAME, stderr in $tmp/e.NAME
gw() {
    n=$1 cap=$2
    shift 2
    t0=$(date +%s.%N)
    timeout "$cap" "$GWHIST" --rate 1000 --url "$URL" $CA --from $FROM --to $TO "$@" \
        > "$tmp/o.$n" 2> "$tmp/e.$n"
    RC=$?
    EL=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
}
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
# jt FILE [jq args] EXPR: FILE is a non-empty JSON document and EXPR is true
# (jq -e alone exits 0 on an empty file)
jt() {
    f=$1
    shift
    [ -s "$f" ] && jq -e "$@" "$f" > /dev/null
}
pos_int() { [ -n "$1" ] && [ "$1" != - ] && [ "$1" -gt 0 ]; }
both() { [ "$1" -eq "$2" ] && [ "$3" = "$4" ]; } # both RC WANT X Y

# bound NFAIL TIMEOUT RETRIES [RETRY_AFTER]: seconds a run may take when
# NFAIL pages fail every attempt: each attempt ends by the per-request
# deadline 4 x TIMEOUT, each retry waits at most the backoff cap (or the
# Retry-After), plus 15 s for everything else
bound() {
    w=${4:-$BACKOFF_MAX}
    echo $(($1 * (($3 + 1) * 4 * $2 + $3 * w) + 15))
}

# chan_same OUT TRUTH CHANNEL: that channel alone equals its ground truth
chan_same() {
    jq -c "{channels: [.channels[] | select(.channel == \"$3\")]}" "$1" > "$tmp/cs.o"
    jq -c "{channels: [.channels[] | select(.channel == \"$3\")]}" "$2" > "$tmp/cs.t"
    [ "$(jq '.channels | length' "$tmp/cs.t")" -eq 1 ] && same "$tmp/cs.o" "$tmp/cs.t"
}
retries_of() { jq -r '.totals.retries // "-"' "$1" 2>/dev/null || echo -; }
row() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$tsv"; }

# recover NAME "GWSIM FLAGS" [gwhist flags]: recoverable within --retries 5
recover() {
    n=$1 sf=$2
    shift 2
    sim "$n" $sf
    truth "$tmp/t.$n" --from $FROM --to $TO --limit $LIMIT
    gw "$n" 300 --limit $LIMIT --retries 5 --timeout 2 "$@"
    sim_stop
    r=$(retries_of "$tmp/o.$n")
    if same "$tmp/o.$n" "$tmp/t.$n"; then out=exact; else out=DIFF; fi
    check "$n: the summary equals the ground truth (retries=$r, ${EL}s)" [ "$out" = exact ]
    check "$n: exit 0 (got $RC)" [ "$RC" -eq 0 ]
    check "$n: at least one retry was needed and counted" pos_int "$r"
    row "$n" "recovered:$out" "$RC" "$r"
}

# give_up NAME "GWSIM FLAGS" "FAILING CHANNELS" [gwhist flags]: the fault hits
# every request on the failing channels; --retries $RET --timeout $TMO
give_up() {
    n=$1 sf=$2 bad=$3
    shift 3
    nbad=$(echo "$bad" | wc -w)
    sim "$n" $sf
    truth "$tmp/t.$n" --from $FROM --to $TO --limit $LIMIT
    lim=$(bound "$nbad" $TMO $RET ${RA:-})
    gw "$n" $((lim + 30)) --limit $LIMIT --retries $RET --timeout $TMO "$@"
    sim_stop
    check "$n: exit 1 (got $RC)" [ "$RC" -eq 1 ]
    check "$n: ends within ${lim}s (took ${EL}s)" le "$EL" "$lim"
    check "$n: the summary says complete:false" jt "$tmp/o.$n" '.complete == false'
    good=exact
    for ch in SMS RCS WHATSAPP; do
        case " $bad " in
        *" $ch "*)
            check "$n: $ch complete:false, whole pages only, $RET retries" jt "$tmp/o.$n" \
                --arg c "$ch" --argjson l $LIMIT --argjson r $RET \
                '.channels[] | select(.channel == $c) | .complete == false and .total == .pages * $l
                 and .retries == $r and .requests == .pages + $r + 1' ;;
        *)
            one=exact
            chan_same "$tmp/o.$n" "$tmp/t.$n" $ch || one=DIFF good=DIFF
            check "$n: $ch still equals its ground truth" [ "$one" = exact ] ;;
        esac
    done
    row "$n" "incomplete:$(echo $bad | tr ' ' ,);others:$good" "$RC" "$(retries_of "$tmp/o.$n")"
}

# ---- recoverable: every K-th request faulty, --retries 5 ---------------------
recover 500-every-3rd "--fault-500 3"
recover 503-every-3rd "--fault-503 3"
recover reset-every-3rd "--fault-reset 3"
recover short-cl-every-3rd "--fault-short-cl 3"
recover bad-chunk-every-3rd "--fault-bad-chunk 3"
recover 500+reset-mixed "--fault-500 3 --fault-reset 4"

# 429: Retry-After honoured from the header, from the body, or both: every
# retry waits the full second (the plain first backoff is at most 250 ms)
for mode in header body both; do
    f="--fault-429 4:$mode"
    [ $mode = both ] && f="--fault-429 4"
    recover 429-$mode-every-4th "$f --retry-after 1"
    r=$(retries_of "$tmp/o.429-$mode-every-4th")
    check "429-$mode: Retry-After 1 s honoured ($r retries in ${EL}s)" le "$r" "$EL"
done

# a stall longer than --timeout: the read times out, the page is fetched again
recover stall-every-4th "--fault-stall 4:6" --timeout 1
check "stall: a stalled read ends at --timeout 1 (4 stalls worst case in ${EL}s)" le "$EL" 20

# a response every time closed by the server: a new connection per request,
# no retry needed (a stale-connection retry would be a bug here)
sim close --fault-close
truth "$tmp/t.close" --from $FROM --to $TO --limit $LIMIT
gw close 120 --limit $LIMIT --retries 5 --timeout 2 --stats
sim_stop
r=$(retries_of "$tmp/o.close")
conns=$(sed -n 's/.* connections=\([0-9]*\).*/\1/p' "$tmp/e.close")
reqs=$(jq .totals.requests "$tmp/o.close")
check "fault-close: the summary equals the ground truth" same "$tmp/o.close" "$tmp/t.close"
check "fault-close: exit 0, no retries (rc $RC, retries $r)" both "$RC" 0 "$r" 0
check "fault-close: one connection per request ($conns for $reqs)" both 0 0 "${conns:-none}" "$reqs"
row fault-close "recovered:$(same "$tmp/o.close" "$tmp/t.close" > /dev/null && echo exact || echo DIFF)" "$RC" "$r"

# a slow drip that fits in the per-request deadline (4 x --timeout): small data
sv=$RECORDS
RECORDS=20
sim drip --fault-drip 1
truth "$tmp/t.drip" --from $FROM --to $TO --limit $LIMIT --channel RCS
gw drip 120 --limit $LIMIT --channel RCS --retries 0 --timeout 5
sim_stop
check "drip 1 ms/byte: the summary equals the ground truth (${EL}s)" same "$tmp/o.drip" "$tmp/t.drip"
check "drip 1 ms/byte: exit 0 (got $RC)" [ "$RC" -eq 0 ]
row drip-1ms "recovered:$(same "$tmp/o.drip" "$tmp/t.drip" > /dev/null && echo exact || echo DIFF)" "$RC" "$(retries_of "$tmp/o.drip")"

# a drip slower than the deadline: every byte within --timeout 1, the page
# never within 4 s; the overall deadline must end each attempt
sim drip-slow --fault-drip 20
lim=$(bound 1 1 1)
gw drip-slow $((lim + 30)) --limit $LIMIT --channel RCS --retries 1 --timeout 1
sim_stop
check "drip 20 ms/byte past the deadline: exit 1 (got $RC)" [ "$RC" -eq 1 ]
check "drip 20 ms/byte: ends within ${lim}s (took ${EL}s)" le "$EL" "$lim"
check "drip 20 ms/byte: RCS complete:false, 1 retry" jt "$tmp/o.drip-slow" \
    '.channels[0].complete == false and .channels[0].total == 0 and .channels[0].retries == 1'
row drip-20ms-past-deadline "incomplete:RCS" "$RC" "$(retries_of "$tmp/o.drip-slow")"
RECORDS=$sv

# ---- not recoverable: the fault on every request of SMS, --retries 2 ---------
give_up 500-always "--fault-500 1 --fault-channel SMS" SMS
give_up 503-always "--fault-503 1 --fault-channel SMS" SMS
give_up reset-always "--fault-reset 1 --fault-channel SMS" SMS
give_up short-cl-always "--fault-short-cl 1 --fault-channel SMS" SMS
give_up bad-chunk-always "--fault-bad-chunk 1 --fault-channel SMS" SMS
RA=1
give_up 429-header-always "--fault-429 1:header --retry-after 1 --fault-channel SMS" SMS
give_up 429-body-always "--fault-429 1:body --retry-after 1 --fault-channel SMS" SMS
RA=
give_up stall-always "--fault-stall 1:10 --fault-channel SMS" SMS

# two channels at once
give_up 503-always-SMS+RCS "--fault-503 1 --fault-channel SMS,RCS" "SMS RCS"
give_up reset-always-RCS+WHATSAPP "--fault-reset 1 --fault-channel RCS,WHATSAPP" "RCS WHATSAPP"
recover 500+503-SMS+RCS "--fault-500 3 --fault-503 5 --fault-channel SMS,RCS"

# a malformed item: the same on every fetch. The simulator puts it at the
# same position of every channel (it ignores --fault-channel), so pick a
# position only the largest channel reaches
big=$("$GWSIM" --truth --seed $SEED --records $RECORDS --anchor $ANCHOR --from $FROM --to $TO |
    jq -r '.channels | max_by(.total) | .channel')
pos=$("$GWSIM" --truth --seed $SEED --records $RECORDS --anchor $ANCHOR --from $FROM --to $TO |
    jq -r '[.channels[].total] | sort | .[-2] + 5')
give_up malformed-item "--fault-malformed $pos" "$big"
check "malformed-item: the reason is logged with the page" grep -q "$big page $((pos / LIMIT)): bad JSON" "$tmp/e.malformed-item"

# the server ignores `page`: page 1 repeats page 0. Not a transient fault: no
# retry, the channel stops. A --limit between the two largest channels lets
# the others finish on page 0.
lim2=$("$GWSIM" --truth --seed $SEED --records $RECORDS --anchor $ANCHOR --from $FROM --to $TO |
    jq -r '[.channels[].total] | sort | .[-2] + 10')
sim ignore-page --fault-ignore-page
truth "$tmp/t.ignore-page" --from $FROM --to $TO --limit $lim2
gw ignore-page 60 --limit $lim2 --retries $RET --timeout $TMO
sim_stop
check "ignore-page: exit 1 (got $RC)" [ "$RC" -eq 1 ]
check "ignore-page: $big complete:false with page 0 counted once, not retried" jt "$tmp/o.ignore-page" \
    --arg c "$big" --argjson l $lim2 '.channels[] | select(.channel == $c) | .complete == false
     and .pages == 1 and .total == $l and .retries == 0 and .requests == 2'
check "ignore-page: the log says the server ignores page" grep -q "ignores .page." "$tmp/e.ignore-page"
good=exact
for ch in SMS RCS WHATSAPP; do
    [ $ch = "$big" ] && continue
    chan_same "$tmp/o.ignore-page" "$tmp/t.ignore-page" $ch || good=DIFF
done
check "ignore-page: the other channels equal their ground truth" [ $good = exact ]
check "ignore-page: ends within 15s (took ${EL}s)" le "$EL" 15
row ignore-page "incomplete:$big;others:$good" "$RC" "$(retries_of "$tmp/o.ignore-page")"

# ---- certificates: fatal for every channel, not retried ----------------------
for c in expired wronghost untrusted; do
    sim cert-$c --cert $c
    lim=$((4 * TMO + 15))
    gw cert-$c $((lim + 30)) --retries $RET --timeout $TMO
    sim_stop
    case $c in
    expired) why="expired" ;;
    wronghost) why="hostname mismatch" ;;
    untrusted) why="unknown CA" ;;
    esac
    check "cert $c: exit 1 (got $RC)" [ "$RC" -eq 1 ]
    check "cert $c: every channel complete:false, nothing counted, not retried" jt "$tmp/o.cert-$c" \
        '.complete == false and (.channels | length) == 3
         and ([.channels[] | select(.complete or .total != 0 or .retries != 0)] | length) == 0'
    check "cert $c: the message says '$why'" grep -q "$why" "$tmp/e.cert-$c"
    check "cert $c: ends within ${lim}s (took ${EL}s)" le "$EL" "$lim"
    row cert-$c "fatal:all-incomplete" "$RC" "$(retries_of "$tmp/o.cert-$c")"
done

# ---- credentials refused: exit 3, nothing printed as a summary ---------------
for s in 401 403; do
    sim f$s --fault-$s
    gw f$s 60 --retries $RET --timeout $TMO
    sim_stop
    check "fault-$s: exit 3 (got $RC)" [ "$RC" -eq 3 ]
    check "fault-$s: the message names the status" grep -q "answered $s" "$tmp/e.f$s"
    check "fault-$s: no summary on stdout" [ ! -s "$tmp/o.f$s" ]
    check "fault-$s: ends within 15s, not retried (took ${EL}s)" le "$EL" 15
    row fault-$s refused "$RC" -
done

# ---- a fault during the agent loop: every cycle equals the truth -------------
sim loop --fault-500 4 --fault-reset 7
truth "$tmp/t.loop" --from $FROM --to $TO --limit $LIMIT
gw loop 300 --limit $LIMIT --retries 5 --timeout 2 --every 0 --count 5
sim_stop
check "loop: 5 cycles with faults exit 0 (got $RC)" [ "$RC" -eq 0 ]
check "loop: 5 summary lines" [ "$(wc -l < "$tmp/o.loop")" -eq 5 ]
i=1 good=exact rsum=0
while [ $i -le 5 ]; do
    sed -n ${i}p "$tmp/o.loop" > "$tmp/o.loop.$i"
    same "$tmp/o.loop.$i" "$tmp/t.loop" || good=DIFF
    rsum=$((rsum + $(jq .totals.retries "$tmp/o.loop.$i" 2>/dev/null || echo 0)))
    i=$((i + 1))
done
check "loop: every cycle's summary equals the ground truth" [ $good = exact ]
check "loop: the faults were met and retried ($rsum retries)" [ $rsum -gt 0 ]
row loop-5-cycles-500+reset "recovered:$good" "$RC" "$rsum"

echo "# faults.tsv:"
sed 's/^/#   /' "$tsv"
