#!/bin/sh
# Test PKI, generated at build time and never committed: a test CA, server
# certificates for 127.0.0.1/localhost (ECDSA P-256 and RSA-2048), an expired
# one, one for the wrong host, and a second CA that nobody trusts.
#   sh tests/gwsim/mkcerts.sh OUTDIR
set -eu
out=${1:-build/certs}
mkdir -p "$out"
cd "$out"
rm -rf db && mkdir db && : > db/index.txt && echo 1000 > db/serial

cat > ca.cnf <<'CNF'
[ca]
default_ca = test
[test]
dir = db
database = db/index.txt
serial = db/serial
new_certs_dir = db
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[any]
commonName = supplied
[v3_ca]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[srv]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

q="-batch -notext -config ca.cnf -extensions srv"
ecp="-newkey ec -pkeyopt ec_paramgen_curve:P-256"

mkca() { # name CN keyopts
    openssl req -x509 -new $3 -nodes -keyout "$1.key" -out "$1.pem" -days 3650 \
        -subj "/CN=$2" -config ca.cnf -extensions v3_ca 2>/dev/null
}
mkleaf() { # name CA SAN keyopts [dates]
    cn=${3%%,*}
    openssl req -new $4 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=${cn#DNS:}" \
        -addext "subjectAltName=$3" 2>/dev/null
    openssl ca $q -cert "$2.pem" -keyfile "$2.key" -in "$1.csr" -out "$1.pem" $5 2>/dev/null
    rm -f "$1.csr"
}

mkca ca "gwhist test CA" "$ecp"
mkca otherca "gwhist untrusted CA" "$ecp"
san="DNS:localhost,IP:127.0.0.1,IP:::1"
mkleaf server ca "$san" "$ecp" "-days 3650"
mkleaf server-rsa ca "$san" "-newkey rsa:2048" "-days 3650"
mkleaf expired ca "$san" "$ecp" "-startdate 20200101000000Z -enddate 20210101000000Z"
mkleaf wronghost ca "DNS:gateway.invalid" "$ecp" "-days 3650"
mkleaf untrusted otherca "$san" "$ecp" "-days 3650"
# an intermediate CA, and a leaf that a server sends with it (leaf first)
openssl req -new $ecp -nodes -keyout inter.key -out inter.csr -subj "/CN=gwhist test intermediate" 2>/dev/null
openssl ca -batch -notext -config ca.cnf -extensions v3_ca -cert ca.pem -keyfile ca.key \
    -in inter.csr -out inter.pem -days 3650 2>/dev/null
rm -f inter.csr
mkleaf server-inter inter "$san" "$ecp" "-days 3650"
cat server-inter.pem inter.pem > server-inter.chain.pem
touch .ok
