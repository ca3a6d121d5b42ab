/* timefmt: OffsetDateTime parsing and formatting, dates, offsets, durations.
 * Expected epoch values were computed independently with GNU date -u. */
#include "testutil.h"

#include <stdio.h>

#include "timefmt.h"

struct parse_case {
    const char *in;
    enum tf_err err;
    int64_t ms;
};

static const struct parse_case parse_cases[] = {
    {"1970-01-01T00:00:00Z", TF_OK, 0},
    {"2026-12-03T19:00:00Z", TF_OK, 1796324400000LL},
    {"2026-12-03T20:00:00+01:00", TF_OK, 1796324400000LL},
    {"2026-12-03T20:00:00+0100", TF_OK, 1796324400000LL},
    {"2026-12-03T13:30:00-05:30", TF_OK, 1796324400000LL},
    {"2026-12-03T13:30:00-0530", TF_OK, 1796324400000LL},
    {"2026-04-09T10:15:00+02:00", TF_OK, 1775722500000LL},
    {"2026-04-09T10:15:03.5+02:00", TF_OK, 1775722503500LL},
    {"2026-04-09T10:15:03.123456789+02:00", TF_OK, 1775722503123LL},
    {"2026-04-09T10:15:03.9999Z", TF_OK, 1775729703999LL},
    {"2026-04-09T10:15+02:00", TF_OK, 1775722500000LL},      /* minutes only */
    {"2024-02-29T00:00:00Z", TF_OK, 1709164800000LL},        /* leap day */
    {"2000-02-29T12:00:00Z", TF_OK, 951825600000LL},         /* 400-year leap */
    {"1969-12-31T23:59:59.999Z", TF_OK, -1},
    {"1900-03-01T00:00:00Z", TF_OK, -2203891200000LL},
    {"9999-12-31T23:59:59Z", TF_OK, 253402300799000LL},
    {"0000-01-01T00:00:00Z", TF_OK, -62167219200000LL},
    {"2025-01-01T00:00:00+18:00", TF_OK, 1735624800000LL},
    {"2025-01-01T00:00:00-18:00", TF_OK, 1735754400000LL},
    {"", TF_E_EMPTY, 0},
    {"2025-01-01", TF_E_DATE_ONLY, 0},
    {"2025-01-01T00:00:00", TF_E_NO_OFFSET, 0},
    {"2025-01-01T00:00", TF_E_NO_OFFSET, 0},
    {"2025-01-01T00:00:00.5", TF_E_NO_OFFSET, 0},
    {"2025/01/01T00:00:00Z", TF_E_SYNTAX, 0},
    {"2025-01-01 00:00:00Z", TF_E_SYNTAX, 0},
    {"2025-01-01t00:00:00Z", TF_E_SYNTAX, 0},
    {"2025-01-01T00.00.00Z", TF_E_SYNTAX, 0},
    {"2025-01-01T0:00:00Z", TF_E_SYNTAX, 0},
    {"2025-1-01T00:00:00Z", TF_E_SYNTAX, 0},
    {"25-01-01T00:00:00Z", TF_E_SYNTAX, 0},
    {"2025-01-01T00:00:00.Z", TF_E_SYNTAX, 0},
    {"2025-01-01T00:00:0Z", TF_E_SYNTAX, 0},
    {"2025-13-01T00:00:00Z", TF_E_RANGE, 0},
    {"2025-00-01T00:00:00Z", TF_E_RANGE, 0},
    {"2025-02-29T00:00:00Z", TF_E_RANGE, 0},
    {"1900-02-29T00:00:00Z", TF_E_RANGE, 0},
    {"2025-04-31T00:00:00Z", TF_E_RANGE, 0},
    {"2025-01-00T00:00:00Z", TF_E_RANGE, 0},
    {"2025-01-01T24:00:00Z", TF_E_RANGE, 0},
    {"2025-01-01T23:60:00Z", TF_E_RANGE, 0},
    {"2025-12-31T23:59:60Z", TF_E_RANGE, 0}, /* leap second refused */
    {"2025-01-01T00:00:00z", TF_E_OFFSET, 0},
    {"2025-01-01T00:00:00 +01:00", TF_E_OFFSET, 0},
    {"2025-01-01T00:00:00+1:00", TF_E_OFFSET, 0},
    {"2025-01-01T00:00:00+01", TF_E_OFFSET, 0},
    {"2025-01-01T00:00:00+01:00:00", TF_E_OFFSET, 0},
    {"2025-01-01T00:00:00+010", TF_E_OFFSET, 0},
    {"2025-01-01T00:00:00+18:01", TF_E_OFFSET_RANGE, 0},
    {"2025-01-01T00:00:00+19:00", TF_E_OFFSET_RANGE, 0},
    {"2025-01-01T00:00:00+01:60", TF_E_OFFSET_RANGE, 0},
    {"2025-01-01T00:00:00Z ", TF_E_TRAILING, 0},
    {"2025-01-01T00:00:00Zx", TF_E_TRAILING, 0},
    {"2025-01-01T00:00:00+01:00[Europe/Rome]", TF_E_TRAILING, 0},
};

static void test_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(parse_cases); i++) {
        const struct parse_case *c = &parse_cases[i];
        int64_t ms = 42;
        enum tf_err e = tf_parse(c->in, strlen(c->in), &ms);
        if (e != c->err)
            fail_msg("'%s': got %d (%s), want %d", c->in, e, tf_strerror(e), c->err);
        if (e == TF_OK && ms != c->ms)
            fail_msg("'%s': got %lld, want %lld", c->in, (long long)ms, (long long)c->ms);
        if (e != TF_OK)
            assert_int_equal(ms, 42); /* untouched on error */
    }
}

static void test_parse_uses_length(void **state)
{
    (void)state;
    int64_t ms = 0;
    /* the length bounds the text: what follows is not read */
    const char *s = "2026-12-03T19:00:00Z,\"next\"";
    assert_int_equal(tf_parse(s, 20, &ms), TF_OK);
    assert_int_equal(ms, 1796324400000LL);
    assert_int_equal(tf_parse(s, 21, &ms), TF_E_TRAILING);
}

/* every day from 1600 to 2400 round-trips through days_from_civil */
static void test_days_round_trip(void **state)
{
    (void)state;
    int64_t prev = tf_days_from_civil(1599, 12, 31);
    char buf[40];
    for (int64_t y = 1600; y <= 2400; y++) {
        for (unsigned m = 1; m <= 12; m++) {
            for (unsigned d = 1; d <= 31; d++) {
                char in[64];
                snprintf(in, sizeof in, "%04lld-%02u-%02uT00:00:00Z", (long long)y, m, d);
                int64_t ms = 0;
                if (tf_parse(in, strlen(in), &ms) != TF_OK)
                    continue; /* day beyond the month */
                int64_t days = tf_days_from_civil(y, m, d);
                assert_int_equal(days, prev + 1);
                prev = days;
                assert_int_equal(ms, days * TF_MS_PER_DAY);
                assert_int_equal(tf_format_utc(ms, buf, sizeof buf), 20);
                assert_string_equal(buf, in);
            }
        }
    }
    assert_int_equal(tf_days_from_civil(1970, 1, 1), 0);
}

struct fmt_case {
    int64_t ms;
    int off;
    const char *out;
};

static const struct fmt_case fmt_cases[] = {
    {1796324400000LL, 0, "2026-12-03T19:00:00Z"},
    {1796324400000LL, 60, "2026-12-03T20:00:00+01:00"},
    {1796324400000LL, -330, "2026-12-03T13:30:00-05:30"},
    {1796324400123LL, 0, "2026-12-03T19:00:00.123Z"},
    {1796324400007LL, 60, "2026-12-03T20:00:00.007+01:00"},
    {-1, 0, "1969-12-31T23:59:59.999Z"},
    {0, -60, "1969-12-31T23:00:00-01:00"},
    {1796338800000LL, 60, "2026-12-04T00:00:00+01:00"}, /* date rolls over */
    {253402300799000LL, 0, "9999-12-31T23:59:59Z"},
    {-62167219200000LL, 0, "0000-01-01T00:00:00Z"},
};

static void test_format(void **state)
{
    (void)state;
    char buf[40];
    for (size_t i = 0; i < ARRAY_LEN(fmt_cases); i++) {
        const struct fmt_case *c = &fmt_cases[i];
        size_t n = tf_format_offset(c->ms, c->off, buf, sizeof buf);
        assert_int_equal(n, strlen(c->out));
        assert_string_equal(buf, c->out);
        int64_t back = 0;
        assert_int_equal(tf_parse(buf, n, &back), TF_OK);
        assert_int_equal(back, c->ms);
    }
    assert_int_equal(tf_format_utc(253402300800000LL, buf, sizeof buf), 0); /* year 10000 */
    assert_int_equal(tf_format_utc(-62167219200001LL, buf, sizeof buf), 0);
    assert_int_equal(tf_format_utc(0, buf, 29), 0);                        /* too small */
    assert_int_equal(tf_format_offset(0, 18 * 60 + 1, buf, sizeof buf), 0);
    assert_int_equal(tf_format_utc(0, buf, 30), 20);
}

struct dur_case {
    const char *in;
    enum tf_err err;
    int64_t ms;
};

static const struct dur_case dur_cases[] = {
    {"90m", TF_OK, 5400000},
    {"24h", TF_OK, 86400000},
    {"7d", TF_OK, 604800000},
    {"30s", TF_OK, 30000},
    {"1h30m", TF_OK, 5400000},
    {"1d2h3m4s5ms", TF_OK, 93784005},
    {"250ms", TF_OK, 250},
    {"0", TF_OK, 0},
    {"0s", TF_OK, 0},
    {"106751991167d", TF_OK, 106751991167LL * 86400000},
    {"", TF_E_EMPTY, 0},
    {"-5m", TF_E_NEGATIVE, 0},
    {"90", TF_E_DUR_UNIT, 0},
    {"5w", TF_E_DUR_UNIT, 0},
    {"5M", TF_E_DUR_UNIT, 0},
    {"h", TF_E_DUR_SYNTAX, 0},
    {"1.5h", TF_E_DUR_SYNTAX, 0},
    {"+5m", TF_E_DUR_SYNTAX, 0},
    {"5m ", TF_E_DUR_SYNTAX, 0},
    {"1h 30m", TF_E_DUR_SYNTAX, 0},
    {"30m1h", TF_E_DUR_ORDER, 0},
    {"1h1h", TF_E_DUR_ORDER, 0},
    {"106751991168d", TF_E_OVERFLOW, 0},
    {"99999999999999999999s", TF_E_OVERFLOW, 0},
    {"106751991167d1d", TF_E_DUR_ORDER, 0},
    {"106751991167d23h", TF_E_OVERFLOW, 0},
};

static void test_duration(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(dur_cases); i++) {
        const struct dur_case *c = &dur_cases[i];
        int64_t ms = -7;
        enum tf_err e = tf_parse_duration(c->in, &ms);
        if (e != c->err)
            fail_msg("'%s': got %d (%s), want %d", c->in, e, tf_strerror(e), c->err);
        if (e == TF_OK && ms != c->ms)
            fail_msg("'%s': got %lld, want %lld", c->in, (long long)ms, (long long)c->ms);
    }
}

static void test_date(void **state)
{
    (void)state;
    int64_t from = 0, to = 0;
    assert_int_equal(tf_parse_date("2026-12-03", 60, &from, &to), TF_OK);
    assert_int_equal(from, 1796338800000LL - 86400000); /* 2026-12-02T23:00:00Z */
    assert_int_equal(to, from + 86399000);
    char buf[40];
    tf_format_offset(from, 60, buf, sizeof buf);
    assert_string_equal(buf, "2026-12-03T00:00:00+01:00");
    tf_format_offset(to, 60, buf, sizeof buf);
    assert_string_equal(buf, "2026-12-03T23:59:59+01:00");
    assert_int_equal(tf_parse_date("2026-12-03", 0, &from, &to), TF_OK);
    tf_format_utc(to, buf, sizeof buf);
    assert_string_equal(buf, "2026-12-03T23:59:59Z");
    assert_int_equal(tf_parse_date("2026-12-3", 0, &from, &to), TF_E_NOT_DATE);
    assert_int_equal(tf_parse_date("2026/12/03", 0, &from, &to), TF_E_NOT_DATE);
    assert_int_equal(tf_parse_date("2026-12-03T00:00:00Z", 0, &from, &to), TF_E_NOT_DATE);
    assert_int_equal(tf_parse_date("2026-02-30", 0, &from, &to), TF_E_RANGE);
    assert_int_equal(tf_parse_date("", 0, &from, &to), TF_E_EMPTY);
    assert_int_equal(tf_parse_date("2026-12-03", 19 * 60, &from, &to), TF_E_OFFSET_RANGE);
}

static void test_offset(void **state)
{
    (void)state;
    static const struct { const char *in; enum tf_err err; int min; } cases[] = {
        {"Z", TF_OK, 0}, {"UTC", TF_OK, 0}, {"+01:00", TF_OK, 60}, {"-0530", TF_OK, -330},
        {"+01", TF_OK, 60}, {"-05:30", TF_OK, -330}, {"+18:00", TF_OK, 1080},
        {"", TF_E_EMPTY, 0}, {"utc", TF_E_OFFSET, 0}, {"01:00", TF_E_OFFSET, 0},
        {"+1", TF_E_OFFSET, 0}, {"+01:0", TF_E_OFFSET, 0}, {"+ab:cd", TF_E_OFFSET, 0},
        {"+18:30", TF_E_OFFSET_RANGE, 0}, {"+01:75", TF_E_OFFSET_RANGE, 0},
        {"Europe/Rome", TF_E_OFFSET, 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        int min = 999;
        enum tf_err e = tf_parse_offset(cases[i].in, &min);
        if (e != cases[i].err)
            fail_msg("'%s': got %d, want %d", cases[i].in, e, cases[i].err);
        if (e == TF_OK)
            assert_int_equal(min, cases[i].min);
    }
}

static void test_strerror(void **state)
{
    (void)state;
    assert_non_null(strstr(tf_strerror(TF_E_NO_OFFSET), "2025-01-01T00:00:00+01:00"));
    assert_non_null(strstr(tf_strerror(TF_E_DATE_ONLY), "2025-01-01T00:00:00Z"));
    for (int e = 0; e <= TF_E_COUNT; e++)
        assert_non_null(tf_strerror((enum tf_err)e));
    /* every error has its own text */
    for (int a = 1; a < TF_E_COUNT; a++)
        for (int b = a + 1; b < TF_E_COUNT; b++)
            assert_string_not_equal(tf_strerror((enum tf_err)a), tf_strerror((enum tf_err)b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),   cmocka_unit_test(test_parse_uses_length),
        cmocka_unit_test(test_days_round_trip), cmocka_unit_test(test_format),
        cmocka_unit_test(test_duration),      cmocka_unit_test(test_date),
        cmocka_unit_test(test_offset),        cmocka_unit_test(test_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
