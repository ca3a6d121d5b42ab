#!/bin/sh
# Security checks on the real gwhist binary:
#   - the API key (and Basic credentials, plain or base64) never appear on
#     stdout, stderr, -v logs (the key shows as ***), error excerpts (a local
#     server that echoes the request's credentials back in 400/401/500
#     bodies, also cut at the excerpt's edge), a 401/403 and a TLS failure;
#   - a failing run leaves no core file: gwhist killed with SIGSEGV and
#     SIGABRT in the middle of a stalled read, with ulimit -c unlimited (a
#     control process in the same conditions does dump, so the check can fail);
#   - --insecure warns on every run;
#   - a plaintext key to a non-loopback host (http://192.0.2.1) is refused
#     before any connect (run in a private network namespace, so nothing can
#     leave the machine even if gwhist tried): exit 2 within 2 s, naming
#     --allow-plaintext;
#   - wrong-host, expired and unknown-CA certificates: exit 1 and a message
#     naming the reason.
# Writes build/reliability/security.tsv: check<TAB>result.
#   sh tests/run.sh it security
. "$(dirname "$0")/lib.sh"
make -s TARGET=native gwsim >/dev/null && make -s certs >/dev/null && make -s >/dev/null || exit 1
# private copies: a rebuild by someone else mid-run must not change the binary under test
cp "$GWHIST" "$tmp/gwhist" && cp "$GWSIM" "$tmp/gwsim" || exit 1
GWHIST=$tmp/gwhist GWSIM=$tmp/gwsim

RECORDS=60
KEY=gwk-7Qe9xV-SECRET-d41d8cd98f00b204
KEYHALF=$(printf %s "$KEY" | cut -c1-16)
export GWHIST_API_KEY=$KEY
BUSER=ops-user BPASS=Pa55-w0rd-SECRET-e9800998
B64=$(printf '%s:%s' "$BUSER" "$BPASS" | base64 | tr -d '\n')
printf '%s:%s\n' "$BUSER" "$BPASS" > "$tmp/basic"
chmod 600 "$tmp/basic"
mkdir -p build/reliability "$tmp/out"
tsv=build/reliability/security.tsv
printf 'check\tresult\n' > "$tsv"

# sc NAME COMMAND...: check, and a row in security.tsv
sc() {
    d=$1
    shift
    if "$@"; then ok "$d"; r=pass; else nok "$d"; r=FAIL; fi
    printf '%s\t%s\n' "$d" "$r" >> "$tsv"
}
# clean FILE...: none of the secrets (key, its first half, password,
# user:password in base64) is in any of the files
clean() {
    for f in "$@"; do
        [ -f "$f" ] || { echo "  missing $f"; return 1; }
        for s in "$KEY" "$KEYHALF" "$BPASS" "$B64"; do
            if grep -a -q -F -- "$s" "$f"; then echo "  '$s' found in $f"; return 1; fi
        done
    done
}
has() { grep -a -q -F -- "$2" "$1"; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
CA="--cacert $CERTS/ca.pem"
W="--from $FROM --to $TO --rate 1000"

# gw NAME [flags]: gwhist, output in $tmp/out/NAME.{o,e}, RC and EL set
gw() {
    n=$1
    shift
    t0=$(date +%s.%N)
    timeout 60 "$GWHIST" "$@" > "$tmp/out/$n.o" 2> "$tmp/out/$n.e"
    RC=$?
    EL=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
}

# ---- the key on the normal paths -------------------------------------------
start_sim ok --tls --api-key "$KEY"
gw ok --url "$URL_ok" $CA $W
sc "a complete run works with the test key (rc $RC)" [ $RC -eq 0 ]
gw verbose -v --url "$URL_ok" $CA $W
sc "-v prints each request with the key as ***" has "$tmp/out/verbose.e" "X-Api-Key: ***)"
sc "-v: no secret on stdout or stderr" clean "$tmp/out/verbose.o" "$tmp/out/verbose.e"
gw fmt-text --url "$URL_ok" $CA $W --format text -v
gw fmt-kv --url "$URL_ok" $CA $W --format kv -v
gw fmt-prom --url "$URL_ok" $CA $W --format prom -v --stats
sc "text, kv and prom output and their -v logs hold no secret" clean "$tmp/out"/fmt-*

# 400 (bad --status), 401 (a wrong key: neither key printed), 403, over TLS
gw e400 -v --url "$URL_ok" $CA $W --status NOSUCH --status-any --channel sms
sc "400: the excerpt is shown (rc $RC)" has "$tmp/out/e400.e" "HTTP 400 (not retried)"
sc "400: no secret in the output" clean "$tmp/out/e400.o" "$tmp/out/e400.e"
GWHIST_API_KEY=$KEYHALF-wrong-key gw e401 -v --url "$URL_ok" $CA $W
sc "401: exit 3 (got $RC)" [ $RC -eq 3 ]
sc "401: neither the right nor the wrong key is printed" clean "$tmp/out/e401.o" "$tmp/out/e401.e"
start_sim forbid --tls --api-key "$KEY" --fault-403
gw e403 -v --url "$URL_forbid" $CA $W
sc "403: exit 3 (got $RC)" [ $RC -eq 3 ]
sc "403: no secret in the output" clean "$tmp/out/e403.o" "$tmp/out/e403.e"

# a TLS failure path, and a transport failure path (reset, with -v)
start_sim badcert --tls --api-key "$KEY" --cert wronghost
gw tlsfail -v --url "$URL_badcert" $CA $W
sc "TLS failure: no secret in the output (rc $RC)" clean "$tmp/out/tlsfail.o" "$tmp/out/tlsfail.e"
start_sim reset --tls --api-key "$KEY" --fault-reset 1 --fault-channel SMS
gw reset -v --url "$URL_reset" $CA $W --retries 1 --channel sms
sc "reset: no secret in the output (rc $RC)" clean "$tmp/out/reset.o" "$tmp/out/reset.e"

# ---- a server that echoes the credentials into its error bodies ------------
# python3: answers every request with STATUS and a body holding the request's
# X-Api-Key/Authorization lines first, then the whole head ("head"), or
# padding that puts the credential across the excerpt's 200-byte edge ("edge")
cat > "$tmp/echo.py" << 'EOF'
import os, signal, socket, sys
signal.alarm(60)
status, mode, pf = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
open(pf + ".tmp", "w").write("%d\n" % s.getsockname()[1])
os.rename(pf + ".tmp", pf)
reason = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 500: "Internal Server Error"}
while True:
    c, _ = s.accept()
    c.settimeout(10)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            d = c.recv(4096)
            if not d:
                break
            data += d
    except OSError:
        pass
    head = data.split(b"\r\n\r\n")[0]
    creds = [l for l in head.split(b"\r\n") if l.lower().startswith((b"x-api-key", b"authorization"))]
    if mode == "edge":
        v = creds[0].split(b":", 1)[1].strip() if creds else b""
        body = b'{"error":"' + b"x" * (200 - 11 - len(v) // 2) + v + b'"}'
    else:
        body = b"\n".join(creds) + b"\n" + head
    c.sendall(b"HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
              b"Connection: close\r\n\r\n" % (status, reason[status].encode(), len(body)) + body)
    c.close()
EOF
# echo NAME STATUS MODE: starts the echo server; URL
echo_srv() {
    pf="$tmp/echo.$1"
    python3 "$tmp/echo.py" "$2" "$3" "$pf" 2> "$tmp/echo.$1.err" &
    pids="$pids $!"
    i=0
    while [ ! -s "$pf" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    URL=http://127.0.0.1:$(cat "$pf" 2> /dev/null)/api/partner-gateway/v1
}
if command -v python3 > /dev/null; then
    for st in 400 401 500; do
        echo_srv k$st $st head
        gw echo-key-$st -v --url "$URL" $W --retries 1 --channel sms
        sc "key echoed in a $st body: the excerpt shows *** (rc $RC)" has "$tmp/out/echo-key-$st.e" "***"
        sc "key echoed in a $st body: no secret printed" clean "$tmp/out/echo-key-$st.o" "$tmp/out/echo-key-$st.e"
        echo_srv b$st $st head
        env -u GWHIST_API_KEY "$GWHIST" --basic-auth-file "$tmp/basic" -v --url "$URL" $W \
            --retries 1 --channel sms > "$tmp/out/echo-basic-$st.o" 2> "$tmp/out/echo-basic-$st.e"
        sc "Basic credentials echoed in a $st body: neither the password nor its base64 printed" \
            clean "$tmp/out/echo-basic-$st.o" "$tmp/out/echo-basic-$st.e"
    done
    echo_srv edge 500 edge
    gw echo-edge -v --url "$URL" $W --retries 0 --channel sms
    sc "key cut by the excerpt's 200-byte edge: no part of it printed" \
        clean "$tmp/out/echo-edge.o" "$tmp/out/echo-edge.e"
else
    nok "python3 is missing (make deps installs it): echo-server cases not run"
fi

# ---- no core file from a failing run -----------------------------------------
# control: a dumpable process killed the same way in the same kind of
# directory leaves a core, so the absence of one below means something
mkdir -p "$tmp/ctl" "$tmp/core"
(cd "$tmp/ctl" && ulimit -c unlimited 2> /dev/null && exec sleep 30) &
cpid=$!
sleep 0.2
kill -SEGV $cpid
wait $cpid 2> /dev/null
control=$(ls "$tmp/ctl" | grep -c '^core')
if [ "$control" -eq 0 ]; then
    echo "# note: the control process left no core (core_pattern '$(cat /proc/sys/kernel/core_pattern)'): the core check below cannot fail on this host"
fi
start_sim stall --tls --api-key "$KEY" --fault-stall 1:40 -v
for sig in SEGV ABRT; do
    sh -c "cd '$tmp/core' && ulimit -c unlimited 2> /dev/null; exec '$GWHIST' -v --url '$URL_stall' $CA $W \
        --timeout 20 --retries 0 --channel sms" > "$tmp/out/core-$sig.o" 2> "$tmp/out/core-$sig.e" &
    gpid=$!
    i=0 # until the request is out and gwhist sits in the stalled read
    while ! grep -q "X-Api-Key: \*\*\*" "$tmp/out/core-$sig.e" 2> /dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    sleep 0.3
    lim=$(sed -n 's/^Max core file size *\([0-9a-z]*\) .*/\1/p' /proc/$gpid/limits 2> /dev/null)
    sc "core: gwhist sets its core size limit to 0 itself (soft limit: $lim)" [ "$lim" = 0 ]
    kill -$sig $gpid
    wait $gpid 2> /dev/null
    rc=$?
    [ "$sig" = SEGV ] && want=139 || want=134
    sc "core: gwhist killed by SIG$sig mid-request (status $rc)" [ $rc -eq $want ]
done
cores=$(ls "$tmp/core" | grep '^core' | tr '\n' ' ')
sc "core: no core file after SIGSEGV and SIGABRT (control dumped: $control) ${cores}" [ -z "$cores" ]
for c in $cores; do
    sc "core: the core file $c does not hold the key" sh -c "! grep -a -q -F -- '$KEY' '$tmp/core/$c'"
done

# ---- --insecure warns on every run -------------------------------------------
for i in 1 2; do
    gw insecure$i --url "$URL_ok" --insecure $W
    sc "--insecure run $i warns (rc $RC)" has "$tmp/out/insecure$i.e" "WARNING: --insecure"
done

# ---- plaintext credentials to a non-loopback host ----------------------------
if unshare -n true 2> /dev/null; then
    t0=$(date +%s.%N)
    timeout 60 unshare -n "$GWHIST" --url http://192.0.2.1/api $W > "$tmp/out/plain.o" 2> "$tmp/out/plain.e"
    RC=$?
    EL=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    sc "plaintext key to 192.0.2.1: exit 2 (got $RC)" [ $RC -eq 2 ]
    sc "plaintext key to 192.0.2.1: refused within 2 s, before any connect (took ${EL}s)" le "$EL" 2
    sc "plaintext key to 192.0.2.1: the message names --allow-plaintext" has "$tmp/out/plain.e" "--allow-plaintext"
    sc "plaintext key to 192.0.2.1: no secret printed" clean "$tmp/out/plain.o" "$tmp/out/plain.e"
    echo "# plaintext run, stderr:"
    sed 's/^/#   /' "$tmp/out/plain.e" | head -10
else
    ok "plaintext key to 192.0.2.1: # SKIP no network namespace (unshare -n) here"
    printf 'plaintext key to 192.0.2.1\tskip\n' >> "$tsv"
fi

# ---- certificates: exit 1 and the reason named -------------------------------
# (start_sim sets $name: use other names here)
for cc in wronghost:"hostname mismatch" expired:"expired" untrusted:"unknown CA"; do
    cert=${cc%%:*} why=${cc#*:}
    start_sim c$cert --tls --api-key "$KEY" --cert $cert
    eval "u=\$URL_c$cert"
    gw cert-$cert --url "$u" $CA $W
    sc "certificate $cert: exit 1 (got $RC)" [ $RC -eq 1 ]
    sc "certificate $cert: the message says '$why'" has "$tmp/out/cert-$cert.e" "$why"
done

# ---- everything this script printed ------------------------------------------
sc "no secret in any output of this script ($(ls "$tmp/out" | wc -l) files)" clean "$tmp/out"/*

echo "# security.tsv:"
sed 's/^/#   /' "$tsv"
