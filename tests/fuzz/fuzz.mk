# libFuzzer harnesses for the parsers (clang, ASan + UBSan), native only.
# Include from the Makefile, or: make -f Makefile -f tests/fuzz/fuzz.mk fuzz
#   make fuzz [FUZZ_SECONDS=60]   build, run each harness FUZZ_SECONDS on a work
#                                 copy of the corpus, write build/reliability/fuzz.tsv
#   make fuzz-build               only build build/fuzz/fuzz_*
#   make fuzz-replay              run the committed corpus once through each harness
ifndef FUZZ_MK_INCLUDED # included by the Makefile and named with -f: once
FUZZ_MK_INCLUDED := 1
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR := build/fuzz
FUZZ_NAMES := fuzz_http fuzz_json fuzz_time fuzz_config
FUZZ_BINS := $(addprefix $(FUZZ_DIR)/,$(FUZZ_NAMES))
FUZZ_CFLAGS := -std=c11 -g -O1 -fno-omit-frame-pointer \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
               $(WARN) $(WERROR) -Wno-conversion

fuzz_http_SRCS := src/http.c
fuzz_json_SRCS := src/jsonitems.c src/record.c src/timefmt.c src/summary.c
fuzz_time_SRCS := src/timefmt.c
fuzz_config_SRCS := src/cli.c src/query.c src/timefmt.c src/record.c src/jsonitems.c \
                    src/report.c src/summary.c

.PHONY: fuzz fuzz-build fuzz-replay

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.h $$(fuzz_%_SRCS) $(HDRS) $(JSMN_H)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(CPPFLAGS) -iquote tests/fuzz $(FUZZ_CFLAGS) -o $@ $< $(fuzz_$*_SRCS)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@sh tests/fuzz/run.sh fuzz $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-replay: fuzz-build
	@sh tests/fuzz/run.sh replay 0 $(FUZZ_NAMES)
endif
