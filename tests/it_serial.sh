#!/bin/sh
# The serial sink through a pseudo-terminal pair made by socat: gwhist sets
# raw 8N1 at the asked speed and the other end receives exactly the report.
. "$(dirname "$0")/lib.sh"
make -s TARGET=native gwsim >/dev/null && make -s certs >/dev/null && make -s >/dev/null || exit 1
command -v socat >/dev/null || { nok "socat is missing (make deps installs it)"; exit 1; }

start_sim plain
socat -d pty,raw,echo=0,link="$tmp/ttyA" pty,raw,echo=0,link="$tmp/ttyB" 2>/dev/null &
pids="$pids $!"
i=0
while { [ ! -e "$tmp/ttyA" ] || [ ! -e "$tmp/ttyB" ]; } && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done

# reader first, bounded in time
timeout 20 sh -c "cat $tmp/ttyB > $tmp/got" &
reader=$!
sleep 0.2
timeout 30 "$GWHIST" --url "$URL_plain" --from $FROM --to $TO --format kv --kv-checksum \
    --output "$tmp/ttyA" --baud 9600 2> "$tmp/err"
rc=$?
# what the port is set to now (the settings stay on the pty)
stty -F "$tmp/ttyA" -a > "$tmp/stty" 2>&1
timeout 30 "$GWHIST" --url "$URL_plain" --from $FROM --to $TO --format kv --kv-checksum \
    --output - > "$tmp/want"
sleep 1
kill $reader 2>/dev/null; wait $reader 2>/dev/null

check "gwhist to a serial device exits 0" [ $rc -eq 0 ]
check "speed 9600" grep -q "speed 9600 baud" "$tmp/stty"
check "8 data bits, no parity, 1 stop bit" sh -c "grep -qw cs8 $tmp/stty && grep -qw -- -parenb $tmp/stty && grep -qw -- -cstopb $tmp/stty"
check "raw: no canonical mode, no echo, no output processing" sh -c "grep -qw -- -icanon $tmp/stty && grep -qw -- -echo $tmp/stty && grep -qw -- -opost $tmp/stty"
check "no flow control" sh -c "grep -qw -- -crtscts $tmp/stty && grep -qw -- -ixon $tmp/stty"
# the two runs differ only in elapsed_ms (and so in that line's checksum)
norm() { sed 's/ elapsed_ms=[0-9]*//; s/\*[0-9A-F][0-9A-F]$//' "$1"; }
norm "$tmp/got" > "$tmp/got.n"
norm "$tmp/want" > "$tmp/want.n"
check "the other end received exactly the kv report" cmp -s "$tmp/got.n" "$tmp/want.n"
check "the received lines carry valid checksums" nmea_ok "$tmp/got"

timeout 10 "$GWHIST" --url "$URL_plain" --from $FROM --to $TO --output "$tmp/ttyA" --baud 1234 \
    > /dev/null 2> "$tmp/err2"
check "--baud 1234 exits 2" [ $? -eq 2 ]
check "--baud 1234 names the value" grep -q "'1234'" "$tmp/err2"
