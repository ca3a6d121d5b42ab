# The host's gcc and glibc, dynamic: unit tests (cmocka), sanitizers, fuzzing,
# valgrind. Never shipped.
CC      ?= gcc
ifeq ($(origin CC),default)
CC      := gcc
endif
AR      := gcc-ar
STRIP   := strip
TARGET_CFLAGS  :=
TARGET_LDFLAGS :=
QEMU    :=
STATIC  := 0
