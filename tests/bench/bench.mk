# tests/bench/bench.mk: build rules for the benchmark (make bench runs
# tests/bench/bench.sh, which calls these). Included by the Makefile, or:
#   make -f Makefile -f tests/bench/bench.mk TARGET=x86_64-musl bench-bare
#   make -f Makefile -f tests/bench/bench.mk TARGET=native bench-parse
# bench-bare: the bare TLS client with exactly gwhist's CFLAGS/LDFLAGS and
# mbedTLS build for $(TARGET), stripped the same way.
.PHONY: bench-bare bench-parse

$(B)/bench/bare_client.unstripped: tests/bench/bare_client.c $(MBED_LIB) $(JSMN_H)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-conversion $(LDFLAGS) -o $@ $< $(MBED_LIB)

$(B)/bench/bare_client: $(B)/bench/bare_client.unstripped
	$(Q)$(STRIP) -s -R .comment -R .note -o $@ $<

bench-bare: $(B)/bench/bare_client

BENCH_PARSE_SRCS := tests/bench/bench_parse.c src/jsonitems.c src/record.c src/timefmt.c src/summary.c
build/bench/bench_parse: $(BENCH_PARSE_SRCS) $(HDRS) $(JSMN_H)
	@mkdir -p $(dir $@)
	$(Q)gcc -std=c11 -O2 -g -iquote src -Ibuild/include -D_DEFAULT_SOURCE -DWITH_SUMMARY -o $@ $(BENCH_PARSE_SRCS)

bench-parse: build/bench/bench_parse
