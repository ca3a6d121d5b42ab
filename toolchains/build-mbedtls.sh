#!/bin/sh
# Build mbedTLS's library/*.c once per target with port/mbedtls_config.h into
# OUT/libmbedtls.a. Usage: build-mbedtls.sh SRC OUT CC AR "CFLAGS"
set -eu
src=$1 out=$2 cc=$3 ar=$4 cflags=$5
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out/obj"
cfg="-DMBEDTLS_CONFIG_FILE=\"$top/port/mbedtls_config.h\""
ls "$src"/library/*.c | CC="$cc" CFLAGS="$cflags $cfg -I$src/include -I$src/library" OUT="$out" \
    xargs -P "$(nproc)" -I{} sh -c 'o="$OUT/obj/$(basename {} .c).o"; $CC $CFLAGS -c {} -o "$o" || exit 255'
rm -f "$out/libmbedtls.a"
$ar rcs "$out/libmbedtls.a" "$out"/obj/*.o
