# Little-endian MIPS32 (MT7621, ath79 and most cheap routers), static musl.
# No mips16: it saves little with -Os and breaks mbedTLS's bignum assembly.
# Non-PIC code without abicalls is 10% smaller (a static binary needs no GOT
# calls); musl's own crt objects are abicalls, which ld notes and which is
# harmless in a static link, hence --no-warn-mismatch.
CC      := mipsel-linux-gnu-gcc
AR      := mipsel-linux-gnu-gcc-ar
STRIP   := mipsel-linux-gnu-strip
TARGET_CFLAGS  := -specs=/usr/lib/mipsel-linux-musl/musl-gcc.specs -mips32r2 -mno-mips16 -mno-abicalls -fno-pic
TARGET_LDFLAGS := -static -no-pie -Wl,--no-warn-mismatch
QEMU    := qemu-mipsel-static
STATIC  := 1
DEB_ARCH := mipsel
