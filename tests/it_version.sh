#!/bin/sh
# Every static target: a static executable with no interpreter and no
# dynamic section, and `--version` right under qemu-user.
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/toolchains/mbedtls.pin"
ver=$(sed -n 's/^VERSION := //p' "$top/Makefile")
for t in x86_64-musl aarch64-musl armhf-musl mipsel-musl; do
    bin="$top/build/$t/gwhist"
    qemu=$(sed -n 's/^QEMU *:= *//p' "$top/toolchains/$t.mk")
    if [ ! -x "$bin" ]; then echo "not ok - $t: $bin was not built"; continue; fi
    if readelf -lW "$bin" | grep -q INTERP || readelf -dW "$bin" | grep -q 'Dynamic section'; then
        echo "not ok - $t: binary is not fully static"
    else
        echo "ok - $t: static, no interpreter"
    fi
    out=$($qemu "$bin" --version 2>&1)
    want="gwhist $ver (mbedTLS $MBEDTLS_VERSION, $t)"
    if [ "$out" = "$want" ]; then echo "ok - $t: --version under ${qemu:-native}"
    else echo "not ok - $t: --version printed '$out', want '$want'"; fi
    if $qemu "$bin" --version --verbose | grep -q "mbedTLS arena"; then
        echo "ok - $t: --version --verbose prints the memory budget"
    else echo "not ok - $t: no memory budget in --version --verbose"; fi
done
