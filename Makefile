# gwhist: one entry point for deps, build, cross builds, tests, demo and bench.
#
#   make                      static x86_64 musl binary in build/x86_64-musl/gwhist
#   make TARGET=mipsel-musl   the same for a router (aarch64-musl, armhf-musl too)
#   make deps                 install packages and fetch mbedTLS (as root, idempotent)
#   make check                everything from a bare machine, ends with "N passed, N failed"
#   make demo                 gwhist against the bundled gateway simulator, over TLS
#   make size                 stripped size of every target's binary
#   make run-qemu TARGET=...  run a cross binary under qemu-user (ARGS="--version")

TARGET ?= x86_64-musl
STATIC_TARGETS := x86_64-musl aarch64-musl armhf-musl mipsel-musl
CROSS_TARGETS := aarch64-musl armhf-musl mipsel-musl

ifeq ($(wildcard toolchains/$(TARGET).mk),)
$(error TARGET=$(TARGET) is unknown; valid: $(STATIC_TARGETS) native)
endif
include toolchains/$(TARGET).mk
include toolchains/mbedtls.pin

VERSION := 0.1.0
B := build/$(TARGET)
MBED_SRC := build/src/$(MBEDTLS_DIR)
MBED_LIB := $(B)/mbedtls/libmbedtls.a
MBED_STAMP := build/src/$(MBEDTLS_DIR)/.ok
JSMN_H := build/include/jsmn.h

# Sanitizers and fuzzing only make sense on the native toolchain:
#   make TARGET=native SAN=1 ...   builds into build/native-san
SAN ?=
ifneq ($(SAN),)
B := build/native-san
MBED_LIB := $(B)/mbedtls/libmbedtls.a
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

OPT := -Os -ffunction-sections -fdata-sections \
       -fno-asynchronous-unwind-tables -fno-unwind-tables
ifeq ($(STATIC),1)
OPT += -flto
endif
ifneq ($(SAN),)
OPT := -O1 -g
endif

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wconversion
WERROR ?= -Werror
CPPFLAGS := -iquote src -iquote port -Ibuild/include -I$(MBED_SRC)/include \
            -DMBEDTLS_CONFIG_FILE='"$(CURDIR)/port/mbedtls_config.h"' \
            -DGWHIST_VERSION='"$(VERSION)"' -DGWHIST_TARGET='"$(TARGET)"' \
            -D_DEFAULT_SOURCE
CFLAGS := -std=c11 $(OPT) $(WARN) $(WERROR) $(TARGET_CFLAGS) $(SANFLAGS)
LDFLAGS := $(TARGET_LDFLAGS) -Wl,--gc-sections $(SANFLAGS)
ifeq ($(STATIC),1)
LDFLAGS += -flto=auto -Os -Wl,-z,noseparate-code
endif
MBED_CFLAGS := $(OPT) $(TARGET_CFLAGS) $(SANFLAGS)

# quiet by default; make V=1 shows the commands
Q := $(if $(V),,@)

SRCS := $(filter-out src/main.c,$(wildcard src/*.c)) $(wildcard port/posix/*.c)
OBJS := $(patsubst %.c,$(B)/obj/%.o,$(SRCS))
HDRS := $(wildcard src/*.h port/*.h port/posix/*.h)

.PHONY: all deps check check-unit demo bench size run-qemu reliability \
        cross tests fmt lint clean distclean gwsim certs
.DELETE_ON_ERROR:

all: $(B)/gwhist

# ---- dependencies ------------------------------------------------------
deps:
	@sh toolchains/deps.sh

$(MBED_STAMP):
	@sh toolchains/deps.sh

$(JSMN_H): /usr/include/jsmn.h
	@mkdir -p $(dir $@)
	cp $< $@

$(MBED_LIB): $(MBED_STAMP) port/mbedtls_config.h toolchains/$(TARGET).mk toolchains/build-mbedtls.sh
	@echo "mbedtls: building $(MBEDTLS_VERSION) for $(TARGET)"
	@sh toolchains/build-mbedtls.sh $(MBED_SRC) $(B)/mbedtls "$(CC)" "$(AR)" "$(MBED_CFLAGS)"

# ---- the binary ----------------------------------------------------------
$(B)/obj/%.o: %.c $(HDRS) $(JSMN_H) $(MBED_STAMP) toolchains/$(TARGET).mk
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $(TARGET) $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(B)/gwhist.unstripped: $(B)/obj/src/main.o $(OBJS) $(MBED_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(B)/obj/src/main.o $(OBJS) $(MBED_LIB)

$(B)/gwhist: $(B)/gwhist.unstripped
	$(Q)$(STRIP) -s -R .comment -R .note -o $@ $<

run-qemu: $(B)/gwhist
	$(QEMU) $(B)/gwhist $(if $(ARGS),$(ARGS),--version --verbose)

cross:
	@for t in $(STATIC_TARGETS); do $(MAKE) --no-print-directory TARGET=$$t all || exit 1; done

size: cross
	@sh tests/size.sh $(STATIC_TARGETS)

# ---- tests (always built with the native toolchain) -----------------------
# tests/test_NAME.c is a cmocka suite; tests/test_NAME.mk sets test_NAME_DEPS,
# the sources it links (default: src/NAME.c).
TEST_NAMES := $(patsubst tests/%.c,%,$(wildcard tests/test_*.c))
-include $(wildcard tests/test_*.mk)
TEST_BINS := $(addprefix $(B)/tests/,$(TEST_NAMES))
deps_of = $(if $($(1)_DEPS),$($(1)_DEPS),$(wildcard src/$(patsubst test_%,%,$(1)).c))

.SECONDEXPANSION:
$(B)/tests/%: tests/%.c $$(call deps_of,$$*) $(HDRS) $(JSMN_H) $(MBED_LIB) tests/testutil.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CPPFLAGS) -iquote tests $(CFLAGS) -g -Wno-conversion -o $@ $< $(call deps_of,$*) $(MBED_LIB) $(LDFLAGS) -lcmocka

tests: $(TEST_BINS)

# the gateway simulator: a test peer (OpenSSL for its TLS server side, so it
# shares no code with what it tests), native only
GWSIM_SRCS := $(wildcard tests/gwsim/*.c)
$(B)/gwsim: $(GWSIM_SRCS) $(wildcard tests/gwsim/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GWSIM   $@")
	$(Q)$(CC) -std=c11 -D_DEFAULT_SOURCE -O2 -g $(WARN) $(WERROR) $(SANFLAGS) -o $@ $(GWSIM_SRCS) -lssl -lcrypto -lm

gwsim: $(B)/gwsim

# the parse-and-summarise path over page files, for it_reference.sh (native)
$(B)/tool_summarize: tests/tool_summarize.c src/jsonitems.c src/record.c src/timefmt.c src/summary.c src/report.c $(HDRS) $(JSMN_H)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TOOL    $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $(filter %.c,$^) $(LDFLAGS)

# a transport test client for it_tls.sh (native)
$(B)/tool_fetch: tests/tool_fetch.c src/http.c port/posix/net.c port/posix/tls.c port/posix/xport.c port/posix/clock.c $(HDRS) $(JSMN_H) $(MBED_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TOOL    $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $(filter %.c,$^) $(MBED_LIB) $(LDFLAGS)

certs: build/certs/.ok
build/certs/.ok: tests/gwsim/mkcerts.sh
	@sh tests/gwsim/mkcerts.sh build/certs

HAVE_GWSIM := $(if $(GWSIM_SRCS),gwsim)
HAVE_CERTS := $(if $(wildcard tests/gwsim/mkcerts.sh),certs)

check: deps
	@$(MAKE) --no-print-directory TARGET=native tests $(HAVE_GWSIM) build/native/tool_fetch build/native/tool_summarize
	@$(MAKE) --no-print-directory $(HAVE_CERTS) all
	@$(MAKE) --no-print-directory cross
	@sh tests/run.sh

check-unit: deps
	@$(MAKE) --no-print-directory TARGET=native tests
	@sh tests/run.sh unit

# ---- developer conveniences ---------------------------------------------
fmt:
	clang-format -i src/*.[ch] port/posix/*.c port/*.h tests/*.[ch] $(wildcard tests/gwsim/*.[ch])

lint:
	@sh tests/lint.sh

demo: deps
	@$(MAKE) --no-print-directory TARGET=native gwsim
	@$(MAKE) --no-print-directory certs all
	@sh tests/demo.sh

# BENCH.md and build/bench.json: gwhist against curl+jq (tests/bench)
bench: deps
	@$(MAKE) --no-print-directory TARGET=native gwsim
	@$(MAKE) --no-print-directory certs cross
	@sh tests/bench/bench.sh

# every figure of README's Reliability section comes from this run
reliability: deps
	@$(MAKE) --no-print-directory TARGET=native tests gwsim build/native/tool_fetch
	@$(MAKE) --no-print-directory certs cross
	@sh tests/reliability.sh

# fuzz (tests/fuzz), bench (tests/bench) and check-cross (tests/cross.mk)
-include tests/fuzz/fuzz.mk tests/bench/bench.mk tests/cross.mk

clean:
	rm -rf $(filter-out build/src,$(wildcard build/*))

distclean:
	rm -rf build
