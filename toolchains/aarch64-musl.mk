# 64-bit ARM routers and boards (Cortex-A53 and up), static musl.
CC      := aarch64-linux-gnu-gcc
AR      := aarch64-linux-gnu-gcc-ar
STRIP   := aarch64-linux-gnu-strip
TARGET_CFLAGS  := -specs=/usr/lib/aarch64-linux-musl/musl-gcc.specs -fno-pie
TARGET_LDFLAGS := -static -no-pie
QEMU    := qemu-aarch64-static
STATIC  := 1
DEB_ARCH := arm64
