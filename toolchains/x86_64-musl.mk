# x86_64, static musl: the default target, and the one DESIGN.md budgets.
CC      := x86_64-linux-gnu-gcc
AR      := x86_64-linux-gnu-gcc-ar
STRIP   := strip
TARGET_CFLAGS  := -specs=/usr/lib/x86_64-linux-musl/musl-gcc.specs
TARGET_LDFLAGS := -static -no-pie
QEMU    :=
STATIC  := 1
