#!/bin/sh
# make deps: install what is missing (Debian packages, as root) and fetch the
# pinned mbedTLS source from Debian's source packages. Idempotent: when all is
# there it only checks, and returns in well under two seconds.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/toolchains/mbedtls.pin"

# Packages: build, cross, test. One dpkg-query call decides what is missing.
ARCHES="arm64 armhf mipsel"
PKGS="make gcc musl-tools libjsmn-dev
gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-mipsel-linux-gnu
musl-dev:arm64 musl-dev:armhf musl-dev:mipsel qemu-user-static
libcmocka-dev:NATIVE libcmocka-dev:arm64 libcmocka-dev:armhf libcmocka-dev:mipsel
libc6-dev-arm64-cross libc6-dev-armhf-cross libc6-dev-mipsel-cross nginx-light openssl libssl-dev jq valgrind clang libclang-rt-14-dev
cppcheck clang-tidy curl time ca-certificates bzip2 dpkg-dev socat tinyproxy binutils python3 iproute2"

# an unqualified name matches every architecture in dpkg-query; the native
# cmocka must be asked for by its own architecture
native=$(dpkg --print-architecture)
PKGS=$(echo "$PKGS" | sed "s/:NATIVE/:$native/g")
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed'; then
        missing="$missing $p"
    fi
done

src_list=/etc/apt/sources.list.d/gwhist-trixie-src.sources
need_src=0
[ -f "$top/build/src/$MBEDTLS_DIR/.ok" ] || need_src=1

if [ -n "$missing" ] || [ "$need_src" = 1 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "deps: missing:$missing; run 'make deps' as root (it uses apt-get)" >&2
        exit 1
    fi
    added=0
    for a in $ARCHES; do
        if ! dpkg --print-foreign-architectures | grep -qx "$a"; then
            dpkg --add-architecture "$a"; added=1
        fi
    done
    if [ ! -f "$src_list" ]; then
        printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > "$src_list"
        added=1
    fi
    stamp=/var/lib/apt/periodic/gwhist-update
    if [ "$added" = 1 ] || [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +360 2>/dev/null)" ]; then
        echo "deps: apt-get update"
        apt-get update -q >/dev/null
        mkdir -p "$(dirname "$stamp")"; touch "$stamp"
    fi
    if [ -n "$missing" ]; then
        echo "deps: installing$missing"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null
    fi
fi

# mbedTLS source: the orig tarball of Debian's source package, checked
# against the SHA-256 pinned in toolchains/mbedtls.pin.
if [ "$need_src" = 1 ]; then
    dl="$top/build/src/dl"
    mkdir -p "$dl"
    tarball="$dl/$MBEDTLS_TARBALL"
    if [ ! -f "$tarball" ]; then
        echo "deps: fetching mbedtls $MBEDTLS_DEB_VERSION source package"
        (cd "$dl" && apt-get source -q --download-only "mbedtls=$MBEDTLS_DEB_VERSION" >/dev/null 2>&1) || {
            echo "deps: 'apt-get source mbedtls=$MBEDTLS_DEB_VERSION' failed; is a deb-src entry for trixie in $src_list, and is that version still in the archive? (update toolchains/mbedtls.pin)" >&2
            exit 1
        }
    fi
    got=$(sha256sum "$tarball" | cut -d' ' -f1)
    if [ "$got" != "$MBEDTLS_SHA256" ]; then
        echo "deps: $MBEDTLS_TARBALL has SHA-256 $got, expected $MBEDTLS_SHA256 (toolchains/mbedtls.pin); refusing to build from it" >&2
        rm -f "$tarball"
        exit 1
    fi
    rm -rf "$top/build/src/$MBEDTLS_DIR"
    tar -C "$top/build/src" -xjf "$tarball"
    touch "$top/build/src/$MBEDTLS_DIR/.ok"
    echo "deps: mbedtls source ready in build/src/$MBEDTLS_DIR"
fi
