# make check-cross: the router targets under qemu-user (issue 7, item 5).
# A fragment for the Makefile (-include tests/cross.mk); before that:
#   make -f Makefile -f tests/cross.mk check-cross
#
# For each of aarch64-musl, armhf-musl and mipsel-musl it builds the static
# gwhist, builds the cores' cmocka suites for that CPU and runs them under
# qemu-user, and runs the binary against the native simulator on loopback
# (tests/it_cross.sh, which also writes build/reliability/cross.tsv).
#
# The unit tests link Debian's libcmocka-dev:ARCH, so they are built by the
# target's glibc cross gcc (same compiler, same -march/-mthumb/-mips32r2 and
# -Os as the shipped binary, plus UBSan traps; glibc and dynamic) and run by
# the multiarch loader that libcmocka0:ARCH brings in. The shipped binary itself is the
# static musl one, exercised end to end by the simulator run.

ifndef GWHIST_CROSS_MK
GWHIST_CROSS_MK := 1

XT_TARGETS := aarch64-musl armhf-musl mipsel-musl
# the sans-I/O cores; their suites need no socket, clock or TLS
XT_SUITES := http jsonitems record timefmt summary report query cli

# read CC and the arch flags from the toolchain fragment, so there is one
# place that says what a target is; drop what only a static musl link wants
# (the specs, and MIPS's non-PIC code, which a dynamic glibc link refuses)
xt_var = $(strip $(shell sed -n 's/^$(2) *:= *//p' toolchains/$(1).mk))
xt_cc = $(call xt_var,$(1),CC)
xt_arch = $(filter-out -specs=% -mno-abicalls -fno-pic,$(call xt_var,$(1),TARGET_CFLAGS))
xt_deps = $(if $(test_$(1)_DEPS),$(test_$(1)_DEPS),src/$(1).c)

-include $(wildcard tests/test_*.mk)

# UBSan in trap mode (no runtime library, so on every target): undefined
# behaviour that only 32-bit or strict-alignment CPUs would show (int and
# long overflow, shifts, misaligned access) stops the suite with SIGILL
XT_CFLAGS := -std=c11 -Os -g -Wall -Wextra -Wpedantic -Wshadow -Wno-conversion \
             $(if $(WERROR),$(WERROR),-Werror) \
             -fsanitize=undefined -fsanitize-undefined-trap-on-error
# 64-bit time_t and off_t on 32-bit glibc too, as musl has on every target
# (test_report checks report_fmt_time against gmtime_r beyond 2038)
XT_CPPFLAGS := -iquote src -iquote port -iquote tests -Ibuild/include \
               -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64 -DGWHIST_VERSION='"$(or $(VERSION),0.0.0)"'
XT_HDRS := $(wildcard src/*.h port/*.h) tests/testutil.h build/include/jsmn.h

# $(1) target, $(2) suite
define XT_RULE
build/$(1)/utest/test_$(2): tests/test_$(2).c $(call xt_deps,$(2)) $(XT_HDRS) toolchains/$(1).mk tests/cross.mk
	@mkdir -p $$(@D)
	@echo "  XTEST   $$@"
	@$(call xt_cc,$(1)) $(call xt_arch,$(1)) $(XT_CPPFLAGS) -DGWHIST_TARGET='"$(1)"' $(XT_CFLAGS) \
	    -o $$@ tests/test_$(2).c $(call xt_deps,$(2)) -lcmocka
endef
$(foreach t,$(XT_TARGETS),$(foreach s,$(XT_SUITES),$(eval $(call XT_RULE,$(t),$(s)))))

.PHONY: check-cross cross-tests $(addprefix cross-tests-,$(XT_TARGETS))
$(foreach t,$(XT_TARGETS),$(eval cross-tests-$(t): $(patsubst %,build/$(t)/utest/test_%,$(XT_SUITES))))
cross-tests: $(addprefix cross-tests-,$(XT_TARGETS))

check-cross: deps
	@for t in $(XT_TARGETS); do $(MAKE) --no-print-directory TARGET=$$t all || exit 1; done
	@$(MAKE) --no-print-directory -f Makefile -f tests/cross.mk TARGET=native gwsim certs cross-tests
	@sh tests/it_cross.sh

endif
