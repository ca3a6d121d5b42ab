#!/bin/sh
# The transport against real third-party peers on 127.0.0.1, started here on
# ephemeral ports and killed by the trap: nginx (TLS 1.3 only, TLS 1.2 only,
# P-256 and RSA-2048, an intermediate chain, keep-alive, resumption, plain
# http), openssl s_server -WWW (close-delimited HTTP/1.0 body), tinyproxy
# (CONNECT, with and without Basic auth), and certificates that must fail:
# wrong host, unknown CA, expired. Every call is bounded by timeout.
# Prints "ok - ..." / "not ok - ..." per case; also the arena figures.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
T="timeout 30"
certs=$top/build/certs
tool=$top/build/native/tool_fetch

timeout 300 make -s certs >/dev/null || { echo "not ok - make certs"; exit 1; }
timeout 300 make -s TARGET=native build/native/tool_fetch >/dev/null
[ -x "$tool" ] || { echo "not ok - tool_fetch did not build"; exit 1; }

tmp=$(mktemp -d /tmp/it_tls.XXXXXX)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    sleep 0.2
    for p in $pids; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
unset https_proxy HTTPS_PROXY http_proxy HTTP_PROXY no_proxy NO_PROXY
mkdir -p "$tmp/www"
i=0
while [ $i -lt 300 ]; do echo "line $i of the test page, padding padding padding"; i=$((i + 1)); done \
    > "$tmp/www/page.txt"
pagelen=$(wc -c < "$tmp/www/page.txt")

free_port() { # a port nobody listens on (bound and released by the kernel)
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
        || echo $((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
}
wait_port() { # port: up to 5 s for a listener
    n=0
    while [ $n -lt 50 ]; do
        ss -Hltn "sport = :$1" 2>/dev/null | grep -q . && return 0
        sleep 0.1; n=$((n + 1))
    done
    return 1
}

# nginx NAME PROTOCOLS CERT KEY KEEPALIVE_REQUESTS [plain]: starts it, sets $port
nginx_start() {
    d=$tmp/$1; mkdir -p "$d"
    port=$(free_port)
    if [ "${6:-}" = plain ]; then listen="listen 127.0.0.1:$port;"; tlsconf=""
    else
        listen="listen 127.0.0.1:$port ssl;"
        tlsconf="ssl_protocols $2; ssl_certificate $3; ssl_certificate_key $4;"
    fi
    cat > "$d/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log;
events { worker_connections 64; }
http {
    access_log $d/access.log;
    client_body_temp_path $d/cb; proxy_temp_path $d/pt; fastcgi_temp_path $d/ft;
    uwsgi_temp_path $d/ut; scgi_temp_path $d/st;
    default_type text/plain;
    keepalive_requests $5;
    server { $listen $tlsconf root $tmp/www; }
}
EOF
    timeout 300 nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log" >"$d/out.log" 2>&1 &
    pids="$pids $!"
    wait_port "$port" || echo "not ok - nginx $1 did not start: $(cat "$d/error.log" "$d/out.log")"
}

out=""
fetch() { out=$($T "$tool" "$@" 2>&1); }
field() { echo "$out" | tr ' ' '\n' | sed -n "s/^$1=//p" | tail -n 1; }
check() { # description, then expected key=value pairs
    what=$1; shift
    bad=""
    for kv in "$@"; do
        [ "$(field "${kv%%=*}")" = "${kv#*=}" ] || bad="$bad $kv"
    done
    if [ -z "$bad" ]; then echo "ok - $what"
    else echo "not ok - $what: want$bad, got: $out"; fi
}
expect_err() { # description, text the error must contain
    if echo "$out" | grep -q "^error: .*$2"; then echo "ok - $1"
    else echo "not ok - $1: want an error with '$2', got: $out"; fi
}

# ---- nginx: protocol x key type, keep-alive over 10 requests ----
for proto in TLSv1.3 TLSv1.2; do
    for kt in p256 rsa; do
        if [ $kt = p256 ]; then c=server; else c=server-rsa; fi
        nginx_start "ng-$proto-$kt" "$proto" "$certs/$c.pem" "$certs/$c.key" 100
        fetch --cacert "$certs/ca.pem" --count 10 "https://127.0.0.1:$port/page.txt"
        check "nginx $proto $kt: 10 GETs on one connection" status=200 requests=10 \
            connections=1 handshakes=1 resumed=0 tls=$proto body=$((10 * pagelen)) loopback=1
        fetch --cacert "$certs/ca.pem" "https://localhost:$port/page.txt"
        check "nginx $proto $kt: by name localhost" status=200 tls=$proto
        peak1=$(field arena_peak)
        cat /etc/ssl/certs/ca-certificates.crt "$certs/ca.pem" > "$tmp/bundle.pem" 2>/dev/null \
            || cp "$certs/ca.pem" "$tmp/bundle.pem"
        fetch --cacert "$tmp/bundle.pem" "https://localhost:$port/page.txt"
        peakn=$(field arena_peak)
        ncas=$(grep -c 'BEGIN CERTIFICATE' "$tmp/bundle.pem")
        echo "# arena peak $proto $kt: 1-CA bundle $peak1, $ncas-CA bundle $peakn"
        d=$((peakn - peak1)); [ $d -lt 0 ] && d=$((-d))
        if [ "$(field status)" = 200 ] && [ -n "$peak1" ] && [ $d -le 4096 ]; then
            echo "ok - nginx $proto $kt: $ncas-CA bundle peak within 4 KB of 1-CA ($peakn vs $peak1)"
        else echo "not ok - nginx $proto $kt: bundle peaks $peakn vs $peak1: $out"; fi
    done
done

# ---- intermediate chain, only the root trusted ----
nginx_start ng-inter "TLSv1.2 TLSv1.3" "$certs/server-inter.chain.pem" "$certs/server-inter.key" 100
fetch --cacert "$certs/ca.pem" --count 3 "https://127.0.0.1:$port/page.txt"
check "nginx intermediate chain verifies against the root only" status=200 handshakes=1

# ---- resumption: nginx closes after every response ----
for proto in TLSv1.3 TLSv1.2; do
    nginx_start "ng-resume-$proto" "$proto" "$certs/server.pem" "$certs/server.key" 1
    fetch --cacert "$certs/ca.pem" --count 5 "https://127.0.0.1:$port/page.txt"
    check "nginx $proto closing after each response: 5 connections, 4 resumed" status=200 \
        requests=5 connections=5 handshakes=5 resumed=4 arena_leak=0
done

# ---- 100 open/close cycles: no arena growth ----
nginx_start ng-cycles "TLSv1.3" "$certs/server.pem" "$certs/server.key" 1000
fetch --cacert "$certs/ca.pem" --count 100 --reconnect "https://127.0.0.1:$port/page.txt"
check "100 open/close cycles: arena use equal after each close and zero after free" \
    requests=100 connections=100 resumed=99 arena_drift=0 arena_leak=0

# ---- plain http ----
nginx_start ng-plain - - - 100 plain
fetch --count 10 "http://127.0.0.1:$port/page.txt"
check "nginx plain http: 10 GETs on one connection, loopback peer" status=200 connections=1 \
    handshakes=0 tls=none loopback=1 body=$((10 * pagelen))

# ---- openssl s_server -WWW: HTTP/1.0, body ends at close ----
port=$(free_port)
(cd "$tmp/www" && exec timeout 300 openssl s_server -accept "127.0.0.1:$port" -WWW -quiet \
    -cert "$certs/server-rsa.pem" -key "$certs/server-rsa.key" >"$tmp/s_server.log" 2>&1) &
pids="$pids $!"
wait_port "$port" || echo "not ok - s_server did not start"
fetch --cacert "$certs/ca.pem" --count 3 "https://localhost:$port/page.txt"
check "openssl s_server -WWW: close-delimited body, reconnect each time" status=200 requests=3 \
    connections=3 body=$((3 * pagelen)) resumed=2

# ---- certificates that must fail ----
for case in "wronghost:hostname mismatch" "untrusted:unknown CA" "expired:certificate expired"; do
    name=${case%%:*}; want=${case#*:}
    nginx_start "ng-$name" "TLSv1.2 TLSv1.3" "$certs/$name.pem" "$certs/$name.key" 100
    fetch --cacert "$certs/ca.pem" "https://127.0.0.1:$port/page.txt"
    expect_err "$name certificate fails verification with '$want'" "certificate verify failed: .*$want"
    fetch --insecure "https://127.0.0.1:$port/page.txt"
    check "$name certificate accepted with --insecure" status=200
done

# ---- tinyproxy CONNECT tunnel ----
nginx_start ng-proxied "TLSv1.3" "$certs/server.pem" "$certs/server.key" 100
target=$port
proxy_start() { # name [BasicAuth line]
    pport=$(free_port)
    cat > "$tmp/$1.conf" <<EOF
Port $pport
Listen 127.0.0.1
Timeout 30
MaxClients 10
LogLevel Info
ConnectPort $target
Allow 127.0.0.1
${2:-}
EOF
    timeout 300 tinyproxy -d -c "$tmp/$1.conf" >"$tmp/$1.log" 2>&1 &
    pids="$pids $!"
    wait_port "$pport" || echo "not ok - tinyproxy $1 did not start: $(cat "$tmp/$1.log")"
}
proxy_start tp-open
fetch --cacert "$certs/ca.pem" --count 10 --proxy "http://127.0.0.1:$pport" "https://127.0.0.1:$target/page.txt"
check "CONNECT through tinyproxy, 10 GETs in one tunnel" status=200 requests=10 connections=1 \
    handshakes=1 loopback=0
out=$(https_proxy="http://127.0.0.1:$pport" $T "$tool" --cacert "$certs/ca.pem" "https://127.0.0.1:$target/page.txt" 2>&1)
check "https_proxy from the environment" status=200 loopback=0
out=$(https_proxy="http://127.0.0.1:$pport" no_proxy="example.org,127.0.0.1" $T "$tool" --cacert "$certs/ca.pem" "https://127.0.0.1:$target/page.txt" 2>&1)
check "no_proxy bypasses the proxy" status=200 loopback=1
proxy_start tp-auth "BasicAuth gw s3cr3t"
fetch --cacert "$certs/ca.pem" --proxy "http://gw:s3%63r3t@127.0.0.1:$pport" "https://127.0.0.1:$target/page.txt"
check "CONNECT with Basic auth (percent-encoded password)" status=200 loopback=0
fetch --cacert "$certs/ca.pem" --proxy "http://gw:wrong@127.0.0.1:$pport" "https://127.0.0.1:$target/page.txt"
expect_err "wrong proxy password: proxy authentication failed, with the proxy's status" \
    "proxy authentication failed: proxy 127.0.0.1 answered 40[17] to CONNECT"
fetch --cacert "$certs/ca.pem" --proxy "http://127.0.0.1:$pport" "https://127.0.0.1:$target/page.txt"
expect_err "no proxy credentials: proxy authentication failed" "proxy authentication failed"
fetch --cacert "$certs/ca.pem" --proxy "http://127.0.0.1:$(free_port)" "https://127.0.0.1:$target/page.txt"
expect_err "dead proxy reported as a proxy connect failure" "cannot connect to the proxy: .*refused"

# ---- socket failures ----
fetch --cacert "$certs/ca.pem" "https://127.0.0.1:$(free_port)/"
expect_err "closed port: connection refused" "connection refused"
port=$(free_port)
timeout 60 socat TCP-LISTEN:"$port",bind=127.0.0.1,fork,reuseaddr SYSTEM:'sleep 10' >/dev/null 2>&1 &
pids="$pids $!"
wait_port "$port"
fetch --cacert "$certs/ca.pem" --timeout 300 "https://127.0.0.1:$port/"
expect_err "silent server: read timeout during the handshake" "read timed out"
fetch --cacert "$tmp/nonexistent.pem" "https://127.0.0.1:$port/"
expect_err "unreadable CA bundle" "CA bundle unreadable"
fetch --cacert "$certs/ca.pem" "https://nonexistent.invalid:443/"
expect_err "unknown host: DNS failure" "did not resolve"
exit 0
