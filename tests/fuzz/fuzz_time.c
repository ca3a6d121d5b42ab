/* libFuzzer harness for src/timefmt.c: the input goes whole to tf_parse,
 * and as a C string to tf_parse_duration, tf_parse_date and
 * tf_parse_offset. Properties checked: results in range; a parsed time
 * formats back (UTC and at its offset) to a text that parses to the same
 * milliseconds; a date spans exactly one day less a second; a duration is
 * not negative. The first 8 bytes also serve as an arbitrary millisecond
 * value for the format -> parse round trip. */
#include <stdbool.h>

#include "fuzz_util.h"
#include "timefmt.h"

#define MS_PER_DAY 86400000LL

static char text[4096 + 1];

static void check_err(enum tf_err e)
{
    if ((unsigned)e >= TF_E_COUNT || tf_strerror(e) == NULL)
        fuzz_fail("tf result %d", (int)e);
}

/* ms formatted (UTC, and at offset off) must parse back to ms */
static void round_trip(int64_t ms, int off)
{
    char buf[64];
    int64_t back;
    size_t n = tf_format_utc(ms, buf, sizeof buf);
    if (n != 0) {
        if (n != strlen(buf))
            fuzz_fail("tf_format_utc length %zu for '%s'", n, buf);
        enum tf_err e = tf_parse(buf, n, &back);
        if (e != TF_OK || back != ms)
            fuzz_fail("'%s' (%lld) parses to %lld (%s)", buf, (long long)ms, (long long)back,
                      tf_strerror(e));
        /* too small a buffer: 0, never a cut text */
        if (tf_format_utc(ms, buf, n) != 0)
            fuzz_fail("tf_format_utc fit %zu bytes into %zu", n + 1, n);
    }
    n = tf_format_offset(ms, off, buf, sizeof buf);
    if (n != 0) {
        enum tf_err e = tf_parse(buf, n, &back);
        if (e != TF_OK || back != ms)
            fuzz_fail("'%s' (%lld at %d) parses to %lld (%s)", buf, (long long)ms, off,
                      (long long)back, tf_strerror(e));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > sizeof text - 1)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    int64_t ms = 0;
    enum tf_err e = tf_parse((const char *)data, size, &ms);
    check_err(e);
    int off = 0;
    enum tf_err eo = tf_parse_offset(text, &off);
    check_err(eo);
    if (eo == TF_OK && (off < -18 * 60 || off > 18 * 60))
        fuzz_fail("offset %d minutes", off);
    if (e == TF_OK)
        round_trip(ms, off);

    int64_t dur = 0;
    e = tf_parse_duration(text, &dur);
    check_err(e);
    if (e == TF_OK && dur < 0)
        fuzz_fail("negative duration %lld", (long long)dur);

    int64_t from = 0, to = 0;
    e = tf_parse_date(text, off, &from, &to);
    check_err(e);
    if (e == TF_OK && to - from != MS_PER_DAY - 1000)
        fuzz_fail("date '%s' spans %lld ms", text, (long long)(to - from));

    if (size >= 8) {
        uint64_t v;
        memcpy(&v, data, sizeof v);
        /* +-3e14 ms covers years -7500..11500, both sides of 0000 and 9999;
         * the offset any of -18:00..+18:00 */
        int64_t any = (int64_t)(v % 600000000000000ull) - 300000000000000LL;
        round_trip(any, (int)((v >> 48) % (2 * 18 * 60 + 1)) - 18 * 60);
    }
    return 0;
}
