# 32-bit ARM (armv7-a, hard float) as Thumb-2: about a quarter smaller than ARM mode.
CC      := arm-linux-gnueabihf-gcc
AR      := arm-linux-gnueabihf-gcc-ar
STRIP   := arm-linux-gnueabihf-strip
TARGET_CFLAGS  := -specs=/usr/lib/arm-linux-musleabihf/musl-gcc.specs -fno-pie -march=armv7-a -mthumb -mfpu=vfpv3-d16 -mfloat-abi=hard
TARGET_LDFLAGS := -static -no-pie -mthumb
QEMU    := qemu-arm-static
STATIC  := 1
DEB_ARCH := armhf
