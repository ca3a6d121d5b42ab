/* report: the JSON contract byte for byte, escaping, out-of-space at every
 * cap, number and time formatting tables, the kv checksum and the prom
 * exposition grammar line by line. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "limits.h"
#include "record.h"
#include "report.h"
#include "summary.h"

#define FROM_MS INT64_C(1796324400000) /* 2026-12-03T19:00:00Z */
#define TO_MS INT64_C(1796328000250)   /* 2026-12-03T20:00:00.250Z */

static struct sum s_sms, s_rcs, s_tot;
static char big[1 << 16];

static struct rec mkrec(enum rec_status st, const char *desc)
{
    struct rec r;
    memset(&r, 0, sizeof r);
    r.status = st;
    if (desc) {
        r.has_desc = true;
        snprintf(r.desc, sizeof r.desc, "%s", desc);
    }
    return r;
}

static void add(struct sum *s, struct rec r)
{
    assert_int_equal(sum_add(s, &r), SUM_OK);
}

static struct rec deliv(int64_t lat)
{
    struct rec r = mkrec(REC_DELIVERED, NULL);
    r.has_send = r.has_deliv = true;
    r.send_ms = FROM_MS + 1000;
    r.deliv_ms = r.send_ms + lat;
    return r;
}

/* SMS: 13 delivered (10..120 ms and 5 s), 1 sent, 1 error, 1 expired with no
 * description; cost 15 x 0.035 + 0.000345; 1 part each.
 * RCS (incomplete): 1 delivered before it was sent, 1 error "bad \"x\"\n". */
static struct report_channel fx_ch[2];
static struct report_run fx_run;

static void fixture(void)
{
    sum_init(&s_sms);
    sum_init(&s_rcs);
    struct rec all[16];
    for (int i = 0; i < 12; i++)
        all[i] = deliv(10 * (i + 1));
    all[12] = deliv(5000);
    all[13] = mkrec(REC_SENT, NULL);
    all[14] = mkrec(REC_ERROR, "Absent subscriber");
    all[15] = mkrec(REC_EXPIRED, NULL);
    for (int i = 0; i < 16; i++) {
        all[i].has_cost = all[i].has_parts = true;
        all[i].cost_micros = i == 0 ? 345 : 35000;
        all[i].parts = 1;
        add(&s_sms, all[i]);
    }
    add(&s_rcs, deliv(-5));
    add(&s_rcs, mkrec(REC_ERROR, "bad \"x\"\n"));
    struct report_channel sms = {REC_CH_SMS, true, &s_sms, 2, 3, 1, 4096};
    struct report_channel rcs = {REC_CH_RCS, false, &s_rcs, 1, 1, 0, 100};
    fx_ch[0] = sms;
    fx_ch[1] = rcs;
    struct report_run run = {FROM_MS, TO_MS, 1234, TO_MS + 5000, FROM_MS, fx_ch, 2};
    fx_run = run;
}

static size_t render_ok(enum report_format f, const struct report_run *run, uint32_t opts)
{
    size_t len = 0;
    enum report_err e = report_render(f, run, opts, &s_tot, big, sizeof big, &len);
    if (e != REPORT_OK)
        fail_msg("render %s: %s", report_format_name(f), report_strerror(e));
    assert_int_equal(strlen(big), len);
    return len;
}

/* ---- json ------------------------------------------------------------------- */

static const char fx_json[] =
    "{\"from\":\"2026-12-03T19:00:00Z\",\"to\":\"2026-12-03T20:00:00.250Z\",\"complete\":false,"
    "\"channels\":["
    "{\"channel\":\"SMS\",\"complete\":true,\"total\":16,"
    "\"by_status\":{\"DELIVERED\":13,\"SENT\":1,\"RECEIVED\":0,\"ERROR\":1,\"EXPIRED\":1,"
    "\"UNKNOWN\":0,\"OTHER\":0},"
    "\"delivery_rate\":0.8125,\"latency_ms\":{\"count\":13,\"p50\":70,\"p90\":120,\"p99\":5000,"
    "\"max\":5000},\"negative_latency\":0,\"cost\":0.525345,\"parts\":16,"
    "\"top_errors\":[{\"reason\":\"(none)\",\"count\":1},"
    "{\"reason\":\"Absent subscriber\",\"count\":1}],"
    "\"pages\":2,\"requests\":3,\"retries\":1,\"bytes\":4096},"
    "{\"channel\":\"RCS\",\"complete\":false,\"total\":2,"
    "\"by_status\":{\"DELIVERED\":1,\"SENT\":0,\"RECEIVED\":0,\"ERROR\":1,\"EXPIRED\":0,"
    "\"UNKNOWN\":0,\"OTHER\":0},"
    "\"delivery_rate\":0.5000,\"latency_ms\":{\"count\":0,\"p50\":0,\"p90\":0,\"p99\":0,"
    "\"max\":0},\"negative_latency\":1,\"cost\":0,\"parts\":0,"
    "\"top_errors\":[{\"reason\":\"bad \\\"x\\\"\\u000A\",\"count\":1}],"
    "\"pages\":1,\"requests\":1,\"retries\":0,\"bytes\":100}],"
    "\"totals\":{\"complete\":false,\"total\":18,"
    "\"by_status\":{\"DELIVERED\":14,\"SENT\":1,\"RECEIVED\":0,\"ERROR\":2,\"EXPIRED\":1,"
    "\"UNKNOWN\":0,\"OTHER\":0},"
    "\"delivery_rate\":0.7778,\"latency_ms\":{\"count\":13,\"p50\":70,\"p90\":120,\"p99\":5000,"
    "\"max\":5000},\"negative_latency\":1,\"cost\":0.525345,\"parts\":16,"
    "\"top_errors\":[{\"reason\":\"(none)\",\"count\":1},"
    "{\"reason\":\"Absent subscriber\",\"count\":1},"
    "{\"reason\":\"bad \\\"x\\\"\\u000A\",\"count\":1}],"
    "\"pages\":3,\"requests\":4,\"retries\":1,\"bytes\":4196},"
    "\"elapsed_ms\":1234}\n";

static void test_json_exact(void **state)
{
    (void)state;
    fixture();
    render_ok(REPORT_JSON, &fx_run, 0);
    assert_string_equal(big, fx_json);
    /* the channel sums are untouched by rendering */
    assert_int_equal(sum_total(&s_sms), 16);
    assert_int_equal(sum_total(&s_rcs), 2);
}

static void test_json_no_channels(void **state)
{
    (void)state;
    struct report_run run = {0, 0, 0, 0, 0, NULL, 0};
    render_ok(REPORT_JSON, &run, 0);
    assert_string_equal(
        big, "{\"from\":\"1970-01-01T00:00:00Z\",\"to\":\"1970-01-01T00:00:00Z\",\"complete\":true,"
             "\"channels\":[],\"totals\":{\"complete\":true,\"total\":0,\"by_status\":{"
             "\"DELIVERED\":0,\"SENT\":0,\"RECEIVED\":0,\"ERROR\":0,\"EXPIRED\":0,\"UNKNOWN\":0,"
             "\"OTHER\":0},\"delivery_rate\":null,\"latency_ms\":{\"count\":0,\"p50\":0,\"p90\":0,"
             "\"p99\":0,\"max\":0},\"negative_latency\":0,\"cost\":0,\"parts\":0,"
             "\"top_errors\":[],\"pages\":0,\"requests\":0,\"retries\":0,\"bytes\":0},"
             "\"elapsed_ms\":0}\n");
}

/* the json of one SMS channel holding sum s */
static void render_one(const struct sum *s, enum report_format f)
{
    struct report_channel ch = {REC_CH_SMS, true, s, 0, 0, 0, 0};
    struct report_run run = {FROM_MS, TO_MS, 0, TO_MS, 0, &ch, 1};
    render_ok(f, &run, 0);
}

static void test_json_escaping(void **state)
{
    (void)state;
    static const struct {
        const char *desc, *json;
    } t[] = {
        {"plain", "\"plain\""},
        {"q\"uote", "\"q\\\"uote\""},
        {"back\\slash", "\"back\\\\slash\""},
        {"\x01\x1f\t\r\n", "\"\\u0001\\u001F\\u0009\\u000D\\u000A\""},
        {"caf\xc3\xa9 \xf0\x9f\x93\xb1 \xe2\x82\xac", "\"caf\xc3\xa9 \xf0\x9f\x93\xb1 \xe2\x82\xac\""},
        {"del\x7f/", "\"del\x7f/\""},
        {"bad\xff", "\"bad\\ufffd\""},
        {"cut\xe2\x82", "\"cut\\ufffd\\ufffd\""},
        {"over\xc0\xaf", "\"over\\ufffd\\ufffd\""},
        {"surr\xed\xa0\x80", "\"surr\\ufffd\\ufffd\\ufffd\""},
        {"*star", "\"*star\""},
    };
    char want[256];
    for (size_t i = 0; i < ARRAY_LEN(t); i++) {
        sum_init(&s_sms);
        add(&s_sms, mkrec(REC_ERROR, t[i].desc));
        render_one(&s_sms, REPORT_JSON);
        snprintf(want, sizeof want, "\"top_errors\":[{\"reason\":%s,\"count\":1}]", t[i].json);
        if (!strstr(big, want))
            fail_msg("case %zu: %s not in %s", i, want, big);
    }
}

static void test_escape_table(void **state)
{
    (void)state;
    static const struct {
        enum report_esc how;
        const char *in, *want;
    } t[] = {
        {REPORT_ESC_JSON, "a\"b\\c", "a\\\"b\\\\c"},
        {REPORT_ESC_JSON, "\n\x7f*", "\\u000A\x7f*"},
        {REPORT_ESC_KV, "a*b=c d", "a\\u002Ab=c d"},
        {REPORT_ESC_KV, "\"\t", "\\\"\\u0009"},
        {REPORT_ESC_PROM, "a\\b\"c\nd", "a\\\\b\\\"c\\nd"},
        {REPORT_ESC_PROM, "tab\there\r", "tab\there\r"},
        {REPORT_ESC_PROM, "x\xff\xc3\xa9", "x\xef\xbf\xbd\xc3\xa9"},
        {REPORT_ESC_JSON, "\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd"},
        {REPORT_ESC_JSON, "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"},
    };
    char b[64];
    for (size_t i = 0; i < ARRAY_LEN(t); i++) {
        size_t n = report_escape(t[i].how, t[i].in, b, sizeof b);
        if (strcmp(b, t[i].want) != 0)
            fail_msg("case %zu: got '%s', want '%s'", i, b, t[i].want);
        assert_int_equal(n, strlen(t[i].want));
        assert_int_equal(report_escape(t[i].how, t[i].in, b, n), 0);
    }
}

static const char *member(const char *key)
{
    const char *p = strstr(big, key);
    assert_non_null(p);
    return p + strlen(key);
}

static void test_rate_table(void **state)
{
    (void)state;
    static const struct {
        uint64_t delivered, other;
        const char *rate, *pct;
    } t[] = {
        {1, 2, "0.3333,", "33.33%"}, {2, 1, "0.6667,", "66.67%"}, {0, 0, "null,", "-"},
        {1, 0, "1.0000,", "100.00%"}, {13, 3, "0.8125,", "81.25%"}, {1, 19999, "0.0001,", "0.01%"},
        {1, 20000, "0.0000,", "0.00%"}, {0, 7, "0.0000,", "0.00%"},
    };
    for (size_t i = 0; i < ARRAY_LEN(t); i++) {
        sum_init(&s_sms);
        s_sms.status[REC_DELIVERED] = t[i].delivered;
        s_sms.status[REC_SENT] = t[i].other;
        render_one(&s_sms, REPORT_JSON);
        const char *r = member("\"delivery_rate\":");
        if (strncmp(r, t[i].rate, strlen(t[i].rate)) != 0)
            fail_msg("case %zu: rate %.12s, want %s", i, r, t[i].rate);
        render_one(&s_sms, REPORT_TEXT);
        char cell[32];
        snprintf(cell, sizeof cell, " %s ", t[i].pct);
        if (!strstr(strchr(big, '\n') + 1, cell))
            fail_msg("case %zu: %s not in\n%s", i, cell, big);
    }
}

/* ---- formatters --------------------------------------------------------------- */

static void test_decimal_table(void **state)
{
    (void)state;
    static const struct {
        int64_t v;
        unsigned scale;
        const char *want;
    } t[] = {
        {0, 6, "0"},
        {12000000, 6, "12"},
        {12345000, 6, "12.345"},
        {35, 6, "0.000035"},
        {-500000, 6, "-0.5"},
        {1, 6, "0.000001"},
        {-1, 6, "-0.000001"},
        {10, 6, "0.00001"},
        {100000000, 6, "100"},
        {100000001, 6, "100.000001"},
        {INT64_MAX, 6, "9223372036854.775807"},
        {INT64_MIN, 6, "-9223372036854.775808"},
        {INT64_MIN, 0, "-9223372036854775808"},
        {INT64_MIN, 18, "-9.223372036854775808"},
        {1796324400250, 3, "1796324400.25"},
        {-7, 0, "-7"},
    };
    char b[32];
    for (size_t i = 0; i < ARRAY_LEN(t); i++) {
        size_t n = report_fmt_decimal(t[i].v, t[i].scale, b, sizeof b);
        assert_string_equal(b, t[i].want);
        assert_int_equal(n, strlen(t[i].want));
        /* exact fit needs the NUL too */
        assert_int_equal(report_fmt_decimal(t[i].v, t[i].scale, b, n + 1), n);
        assert_int_equal(report_fmt_decimal(t[i].v, t[i].scale, b, n), 0);
    }
    assert_int_equal(report_fmt_decimal(1, 19, b, sizeof b), 0);
}

static void test_time_table(void **state)
{
    (void)state;
    static const struct {
        int64_t ms;
        const char *want;
    } t[] = {
        {0, "1970-01-01T00:00:00Z"},
        {FROM_MS, "2026-12-03T19:00:00Z"},
        {TO_MS, "2026-12-03T20:00:00.250Z"},
        {-1, "1969-12-31T23:59:59.999Z"},
        {951782400000, "2000-02-29T00:00:00Z"},
        {4107542400000, "2100-03-01T00:00:00Z"},
        {-62167219200000, "0000-01-01T00:00:00Z"},
        {-62162121600000, "0000-02-29T00:00:00Z"},
        {-62162035200000, "0000-03-01T00:00:00Z"},
        {253402300799999, "9999-12-31T23:59:59.999Z"},
        {1, "1970-01-01T00:00:00.001Z"},
        {10, "1970-01-01T00:00:00.010Z"},
    };
    char b[40];
    for (size_t i = 0; i < ARRAY_LEN(t); i++) {
        assert_int_equal(report_fmt_time(t[i].ms, b, sizeof b), strlen(t[i].want));
        assert_string_equal(b, t[i].want);
    }
    assert_int_equal(report_fmt_time(253402300800000, b, sizeof b), 0);
    assert_int_equal(report_fmt_time(-62167219200001, b, sizeof b), 0);
    assert_int_equal(report_fmt_time(INT64_MIN, b, sizeof b), 0);
    assert_int_equal(report_fmt_time(0, b, 20), 0); /* 20 chars need 21 bytes */
}

static void test_time_matches_libc(void **state)
{
    (void)state;
    /* the test (not the module) may use the C library as an oracle */
    uint64_t x = 88172645463325252ull;
    char want[48], got[40];
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int64_t sec = (int64_t)(x % (UINT64_C(400) * 366 * 86400)) - INT64_C(200) * 365 * 86400;
        time_t tt = (time_t)sec;
        struct tm tm;
        assert_non_null(gmtime_r(&tt, &tm));
        strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
        report_fmt_time(sec * 1000, got, sizeof got);
        if (strcmp(got, want) != 0)
            fail_msg("%lld s: got %s, libc %s", (long long)sec, got, want);
    }
}

/* ---- out of space --------------------------------------------------------------- */

static char small[1 << 16];

static void test_enospace_at_every_cap(void **state)
{
    (void)state;
    fixture();
    for (int f = REPORT_TEXT; f <= REPORT_PROM; f++) {
        size_t need = render_ok((enum report_format)f, &fx_run, REPORT_O_KV_CHECKSUM);
        static char want[1 << 16];
        memcpy(want, big, need + 1);
        for (size_t cap = 0; cap <= need + 1; cap++) {
            memset(small, '#', sizeof small);
            size_t len = 7;
            enum report_err e = report_render((enum report_format)f, &fx_run,
                                              REPORT_O_KV_CHECKSUM, &s_tot, small, cap, &len);
            assert_int_equal(len, need);
            assert_int_equal(small[cap], '#'); /* nothing written past cap */
            if (cap <= need) {
                assert_int_equal(e, REPORT_ENOSPACE);
                if (cap > 0)
                    assert_int_equal(small[0], '\0');
            } else {
                assert_int_equal(e, REPORT_OK); /* exact fit: text + NUL */
                assert_memory_equal(small, want, need + 1);
            }
        }
    }
}

static void test_bad_arguments(void **state)
{
    (void)state;
    fixture();
    size_t len = 0;
    assert_int_equal(report_render(REPORT_JSON, NULL, 0, &s_tot, big, sizeof big, &len),
                     REPORT_EARG);
    assert_int_equal(report_render(REPORT_JSON, &fx_run, 0, NULL, big, sizeof big, &len),
                     REPORT_EARG);
    assert_int_equal(report_render(REPORT_JSON, &fx_run, 0, &s_tot, NULL, 5, &len), REPORT_EARG);
    assert_int_equal(report_render(REPORT_JSON, &fx_run, 0, &s_tot, big, sizeof big, NULL),
                     REPORT_EARG);
    assert_int_equal(report_render((enum report_format)9, &fx_run, 0, &s_tot, big, 9, &len),
                     REPORT_EFORMAT);
    /* totals scratch aliasing a channel sum would double count */
    assert_int_equal(report_render(REPORT_JSON, &fx_run, 0, &s_sms, big, sizeof big, &len),
                     REPORT_EARG);
    struct report_run r = fx_run;
    r.ch = NULL;
    assert_int_equal(report_render(REPORT_JSON, &r, 0, &s_tot, big, sizeof big, &len), REPORT_EARG);
    struct report_channel ch[2] = {fx_ch[0], fx_ch[1]};
    r.ch = ch;
    ch[1].sum = NULL;
    assert_int_equal(report_render(REPORT_JSON, &r, 0, &s_tot, big, sizeof big, &len), REPORT_EARG);
    ch[1] = fx_ch[1];
    ch[1].channel = REC_CH_NONE;
    assert_int_equal(report_render(REPORT_JSON, &r, 0, &s_tot, big, sizeof big, &len),
                     REPORT_ECHANNEL);
    ch[1] = fx_ch[1];
    r.to_ms = INT64_C(253402300800000);
    assert_int_equal(report_render(REPORT_KV, &r, 0, &s_tot, big, sizeof big, &len), REPORT_ETIME);
    static const enum report_err all[] = {REPORT_OK,     REPORT_ENOSPACE, REPORT_EARG,
                                          REPORT_EFORMAT, REPORT_ECHANNEL, REPORT_ETIME};
    for (size_t i = 0; i < ARRAY_LEN(all); i++)
        for (size_t j = i + 1; j < ARRAY_LEN(all); j++)
            assert_string_not_equal(report_strerror(all[i]), report_strerror(all[j]));
}

/* ---- kv --------------------------------------------------------------------------- */

static void test_kv_lines(void **state)
{
    (void)state;
    fixture();
    render_ok(REPORT_KV, &fx_run, 0);
    assert_string_equal(
        big,
        "gwhist channel=SMS complete=1 total=16 delivered=13 sent=1 received=0 error=1 expired=1 "
        "unknown=0 other=0 rate=0.8125 p50_ms=70 p90_ms=120 p99_ms=5000 max_ms=5000 "
        "latency_count=13 negative_latency=0 cost=0.525345 parts=16 pages=2 requests=3 "
        "retries=1 bytes=4096 top_error=(none) top_error_count=1\n"
        "gwhist channel=RCS complete=0 total=2 delivered=1 sent=0 received=0 error=1 expired=0 "
        "unknown=0 other=0 rate=0.5000 p50_ms=0 p90_ms=0 p99_ms=0 max_ms=0 latency_count=0 "
        "negative_latency=1 cost=0 parts=0 pages=1 requests=1 retries=0 bytes=100 "
        "top_error=\"bad \\\"x\\\"\\u000A\" top_error_count=1\n"
        "gwhist channel=ALL from=2026-12-03T19:00:00Z to=2026-12-03T20:00:00.250Z complete=0 "
        "total=18 delivered=14 sent=1 received=0 error=2 expired=1 unknown=0 other=0 "
        "rate=0.7778 p50_ms=70 p90_ms=120 p99_ms=5000 max_ms=5000 latency_count=13 "
        "negative_latency=1 cost=0.525345 parts=16 pages=3 requests=4 retries=1 bytes=4196 "
        "top_error=(none) top_error_count=1 elapsed_ms=1234\n");
}

static void test_kv_checksum(void **state)
{
    (void)state;
    /* a fixed vector, computed independently (python3: functools.reduce(xor, b)) */
    static const char line[] = "gwhist channel=SMS complete=1 total=16";
    assert_int_equal(report_xor(line, strlen(line)), 0x78);
    assert_int_equal(report_xor("GPGGA,1", 7), 0x4B);
    fixture();
    add(&s_sms, mkrec(REC_ERROR, "a*b c")); /* a '*' in a value must not confuse the reader */
    add(&s_sms, mkrec(REC_ERROR, "a*b c"));
    render_ok(REPORT_KV, &fx_run, REPORT_O_KV_CHECKSUM);
    assert_non_null(strstr(big, "top_error=\"a\\u002Ab c\" top_error_count=2*"));
    int lines = 0;
    for (char *p = big; *p; lines++) {
        char *nl = strchr(p, '\n');
        assert_non_null(nl);
        char *star = memchr(p, '*', (size_t)(nl - p));
        assert_non_null(star);
        assert_int_equal(nl - star, 3); /* "*HH\n" ends the line */
        char hex[3];
        snprintf(hex, sizeof hex, "%02X", report_xor(p, (size_t)(star - p)));
        assert_memory_equal(star + 1, hex, 2);
        p = nl + 1;
    }
    assert_int_equal(lines, 3);
}

/* ---- prom --------------------------------------------------------------------------- */

static bool is_name(const char *s, size_t n)
{
    if (n == 0 || !(s[0] == '_' || s[0] == ':' || ((s[0] | 32) >= 'a' && (s[0] | 32) <= 'z')))
        return false;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (!(c == '_' || c == ':' || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z')))
            return false;
    }
    return true;
}

static bool is_value(const char *s)
{
    if (strcmp(s, "NaN") == 0 || strcmp(s, "+Inf") == 0 || strcmp(s, "-Inf") == 0)
        return true;
    char *end = NULL;
    strtod(s, &end);
    return end != s && *end == '\0' && strspn(s, "-0123456789.") == strlen(s);
}

/* parses {k="v",...}; returns the char after '}' or NULL */
static const char *parse_labels(const char *p, int *nlabels)
{
    *nlabels = 0;
    if (*p != '{')
        return p;
    p++;
    while (*p != '}') {
        const char *k = p;
        while (*p && *p != '=')
            p++;
        if (*p != '=' || !is_name(k, (size_t)(p - k)) || p[1] != '"')
            return NULL;
        for (p += 2; *p != '"'; p++) {
            if (!*p || *p == '\n')
                return NULL;
            if (*p == '\\' && !strchr("\\\"n", *++p))
                return NULL;
        }
        p++;
        (*nlabels)++;
        if (*p == ',')
            p++;
        else if (*p != '}')
            return NULL;
    }
    return p + 1;
}

struct fam {
    char name[64], type[16];
    bool help, typed;
    int samples;
};

static struct fam fams[32];
static size_t nfams;

static struct fam *fam_of_sample(const char *name, size_t n)
{
    for (size_t i = 0; i < nfams; i++) {
        size_t fl = strlen(fams[i].name);
        if (n == fl && strncmp(name, fams[i].name, n) == 0)
            return &fams[i];
        if (strcmp(fams[i].type, "summary") == 0 && n > fl && strncmp(name, fams[i].name, fl) == 0 &&
            (strncmp(name + fl, "_sum", n - fl) == 0 || strncmp(name + fl, "_count", n - fl) == 0))
            return &fams[i];
    }
    return NULL;
}

static void check_prom_comment(char *line)
{
    char kind[8], name[64], rest[16];
    assert_int_equal(sscanf(line, "# %7s %63s %15[^\n]", kind, name, rest), 3);
    assert_true(is_name(name, strlen(name)));
    if (strcmp(kind, "HELP") == 0) {
        for (size_t i = 0; i < nfams; i++)
            if (strcmp(fams[i].name, name) == 0)
                fail_msg("HELP twice for %s", name);
        assert_true(nfams < ARRAY_LEN(fams));
        snprintf(fams[nfams].name, sizeof fams[nfams].name, "%s", name);
        fams[nfams++].help = true;
        return;
    }
    assert_string_equal(kind, "TYPE");
    struct fam *f = &fams[nfams - 1]; /* TYPE right after its HELP, before samples */
    assert_string_equal(f->name, name);
    assert_false(f->typed);
    assert_true(strcmp(rest, "gauge") == 0 || strcmp(rest, "counter") == 0 ||
                strcmp(rest, "summary") == 0 || strcmp(rest, "untyped") == 0);
    snprintf(f->type, sizeof f->type, "%s", rest);
    f->typed = true;
}

static void check_prom_sample(char *line)
{
    size_t n = strcspn(line, "{ ");
    assert_true(is_name(line, n));
    struct fam *f = fam_of_sample(line, n);
    if (!f || f != &fams[nfams - 1])
        fail_msg("sample outside its family's group: %s", line);
    int nl = 0;
    const char *p = parse_labels(line + n, &nl);
    if (!p || *p != ' ')
        fail_msg("bad labels: %s", line);
    if (!is_value(p + 1))
        fail_msg("bad value: %s", line);
    f->samples++;
}

static void check_prom(char *text)
{
    nfams = 0;
    memset(fams, 0, sizeof fams);
    char *save = NULL;
    assert_int_equal(text[strlen(text) - 1], '\n');
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#')
            check_prom_comment(line);
        else
            check_prom_sample(line);
    }
    for (size_t i = 0; i < nfams; i++) {
        assert_true(fams[i].typed);
        assert_true(fams[i].samples > 0);
    }
}

static void test_prom_grammar_and_values(void **state)
{
    (void)state;
    fixture();
    render_ok(REPORT_PROM, &fx_run, 0);
    static const char *const want[] = {
        "gwhist_up 0\n",
        "gwhist_last_success_timestamp_seconds 1796324400\n",
        "gwhist_channel_complete{channel=\"SMS\"} 1\n",
        "gwhist_channel_complete{channel=\"RCS\"} 0\n",
        "gwhist_messages{channel=\"SMS\",status=\"DELIVERED\"} 13\n",
        "gwhist_messages{channel=\"SMS\",status=\"OTHER\"} 0\n",
        "gwhist_messages{channel=\"RCS\",status=\"UNKNOWN\"} 0\n",
        "gwhist_messages_total{channel=\"SMS\"} 16\n",
        "gwhist_delivery_rate{channel=\"SMS\"} 0.8125\n",
        "gwhist_delivery_latency_ms{channel=\"SMS\",quantile=\"0.5\"} 70\n",
        "gwhist_delivery_latency_ms{channel=\"SMS\",quantile=\"0.9\"} 120\n",
        "gwhist_delivery_latency_ms{channel=\"SMS\",quantile=\"0.99\"} 5000\n",
        "gwhist_delivery_latency_ms{channel=\"RCS\",quantile=\"0.99\"} NaN\n",
        "gwhist_delivery_latency_ms_sum{channel=\"SMS\"} 5780\n",
        "gwhist_delivery_latency_ms_count{channel=\"SMS\"} 13\n",
        "gwhist_delivery_latency_max_ms{channel=\"SMS\"} 5000\n",
        "gwhist_delivery_latency_negative{channel=\"RCS\"} 1\n",
        "gwhist_cost{channel=\"SMS\"} 0.525345\n",
        "gwhist_parts{channel=\"SMS\"} 16\n",
        "# TYPE gwhist_delivery_latency_ms summary\n",
    };
    for (size_t i = 0; i < ARRAY_LEN(want); i++)
        if (!strstr(big, want[i]))
            fail_msg("missing: %s", want[i]);
    /* every status for every channel */
    int statuses = 0;
    for (const char *p = big; (p = strstr(p, "\ngwhist_messages{")); p++)
        statuses++;
    assert_int_equal(statuses, 2 * REC_STATUS_COUNT);
    check_prom(big);
    assert_int_equal(nfams, 11);
    /* a completed run */
    fx_ch[1].complete = true;
    fx_run.last_success_ms = TO_MS;
    render_ok(REPORT_PROM, &fx_run, 0);
    assert_non_null(strstr(big, "gwhist_up 1\n"));
    assert_non_null(strstr(big, "gwhist_last_success_timestamp_seconds 1796328000.25\n"));
    check_prom(big);
}

static void test_prom_checker_can_fail(void **state)
{
    (void)state;
    /* the grammar checker itself rejects what it must */
    assert_false(is_name("1abc", 4));
    assert_false(is_value("12abc"));
    assert_true(is_value("0.8125"));
    int n = 0;
    assert_null(parse_labels("{channel=\"a\nb\"}", &n));
    assert_null(parse_labels("{channel=\"a\\x\"}", &n));
    assert_non_null(parse_labels("{channel=\"a\\\"b\",q=\"0.5\"} 1", &n));
    assert_int_equal(n, 2);
}

/* ---- text ----------------------------------------------------------------------------- */

static void test_text_table(void **state)
{
    (void)state;
    fixture();
    render_ok(REPORT_TEXT, &fx_run, 0);
    print_message("%s", big);
    assert_non_null(strstr(big, "gwhist  2026-12-03T19:00:00Z .. 2026-12-03T20:00:00.250Z  "
                                "INCOMPLETE"));
    /* header and the three rows are aligned: same length, columns end together */
    char *line[5];
    char *p = big;
    for (int i = 0; i < 5; i++) {
        line[i] = p;
        p = strchr(p, '\n');
        assert_non_null(p);
        *p++ = '\0';
    }
    size_t w = strlen(line[1]);
    for (int i = 2; i < 5; i++)
        assert_int_equal(strlen(line[i]), w);
    assert_true(strncmp(line[2], "SMS      ok ", 12) == 0);
    assert_true(strncmp(line[3], "RCS      INCOMPLETE ", 20) == 0);
    assert_true(strncmp(line[4], "TOTAL    INCOMPLETE ", 20) == 0);
    assert_non_null(strstr(line[2], " 81.25% "));
    assert_non_null(strstr(line[2], "   70 ms    120 ms     5.0 s     5.0 s "));
    assert_non_null(strstr(line[2], " 0.525345 "));
    assert_non_null(strstr(line[3], "        -         -         -         - "));
    assert_non_null(strstr(p, "  SMS               1  \"(none)\"\n"));
    assert_non_null(strstr(p, "  RCS               1  \"bad \\\"x\\\"\\u000A\"\n"));
    assert_non_null(strstr(p, "note: RCS: 1 delivered before sent"));
}

static void test_text_latency_units(void **state)
{
    (void)state;
    static const struct {
        int64_t ms;
        const char *want;
    } t[] = {
        {0, " 0 ms "},          {999, " 999 ms "},         {1000, " 1.0 s "},
        {3249, " 3.2 s "},      {3250, " 3.3 s "},         {59949, " 59.9 s "},
        {60000, " 1.0 min "},   {90000, " 1.5 min "},      {3600000, " 1.0 h "},
        {5400000, " 1.5 h "},   {259200000, " 3.0 d "},    {2592000000, " 30.0 d "},
    };
    for (size_t i = 0; i < ARRAY_LEN(t); i++) {
        sum_init(&s_sms);
        add(&s_sms, deliv(t[i].ms));
        render_one(&s_sms, REPORT_TEXT);
        const char *row = strstr(big, "\nSMS ");
        assert_non_null(row);
        if (!strstr(row, t[i].want))
            fail_msg("case %zu: '%s' not in %s", i, t[i].want, row);
    }
}

static void test_worst_case_fits_report_limit(void **state)
{
    (void)state;
    /* three channels, each with 5 reasons of LIM_DESC-1 control bytes (6x
     * when escaped): the size main/agent must allow for */
    static struct sum s3[3];
    static struct report_channel ch[3];
    char desc[LIM_DESC];
    for (int c = 0; c < 3; c++) {
        sum_init(&s3[c]);
        for (int k = 0; k < 5; k++) {
            memset(desc, 1, sizeof desc - 1);
            desc[sizeof desc - 1] = '\0';
            desc[0] = (char)('A' + c * 5 + k);
            add(&s3[c], mkrec(REC_ERROR, desc));
        }
        s3[c].status[REC_DELIVERED] = UINT64_MAX / 8;
        s3[c].cost_micros = INT64_MIN;
        struct report_channel one = {(enum rec_channel)c, false, &s3[c], UINT64_MAX / 8,
                                     UINT64_MAX / 8, UINT64_MAX / 8, UINT64_MAX / 8};
        ch[c] = one;
    }
    struct report_run run = {FROM_MS, TO_MS, INT64_MIN, TO_MS, TO_MS, ch, 3};
    for (int f = REPORT_TEXT; f <= REPORT_PROM; f++) {
        size_t n = render_ok((enum report_format)f, &run, REPORT_O_KV_CHECKSUM);
        print_message("worst case %s: %zu bytes (LIM_REPORT %u)\n",
                      report_format_name((enum report_format)f), n, (unsigned)LIM_REPORT);
        /* main renders into LIM_REPORT bytes: the worst case must fit */
        assert_true(n < LIM_REPORT);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_exact),
        cmocka_unit_test(test_json_no_channels),
        cmocka_unit_test(test_json_escaping),
        cmocka_unit_test(test_escape_table),
        cmocka_unit_test(test_rate_table),
        cmocka_unit_test(test_decimal_table),
        cmocka_unit_test(test_time_table),
        cmocka_unit_test(test_time_matches_libc),
        cmocka_unit_test(test_enospace_at_every_cap),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_kv_lines),
        cmocka_unit_test(test_kv_checksum),
        cmocka_unit_test(test_prom_grammar_and_values),
        cmocka_unit_test(test_prom_checker_can_fail),
        cmocka_unit_test(test_text_table),
        cmocka_unit_test(test_text_latency_units),
        cmocka_unit_test(test_worst_case_fits_report_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
