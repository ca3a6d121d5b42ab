# x86_64, static musl: the default target, and the one DESIGN.md budgets.
# -fno-pie: Debian's gcc makes PIE code by default; a static binary gains
# nothing from it and it costs 4 KB.
CC      := x86_64-linux-gnu-gcc
AR      := x86_64-linux-gnu-gcc-ar
STRIP   := strip
TARGET_CFLAGS  := -specs=/usr/lib/x86_64-linux-musl/musl-gcc.specs -fno-pie
TARGET_LDFLAGS := -static -no-pie
QEMU    :=
STATIC  := 1
