/* record: alias mapping, null handling, unknown members, unescaping and
 * exact number parsing. Items go through jsonitems first, as in the agent. */
#include "testutil.h"

#include <stdio.h>

#include "jsonitems.h"
#include "record.h"

struct mapped {
    int calls;
    enum rec_err err;
    struct rec_why why;
    struct rec r;
};

static int map_cb(void *user, const struct jitems_item *it)
{
    struct mapped *m = user;
    m->calls++;
    m->err = rec_from_item(&m->r, it, &m->why);
    return 0;
}

static struct jitems J; /* ~14 KB: not on the stack */

/* maps one item written as JSON text */
static enum rec_err map(const char *item, struct mapped *m)
{
    memset(m, 0, sizeof *m);
    jitems_init(&J);
    assert_int_equal(jitems_feed(&J, (const uint8_t *)"[", 1, map_cb, m), JITEMS_OK);
    enum jitems_err e = jitems_feed(&J, (const uint8_t *)item, strlen(item), map_cb, m);
    if (e != JITEMS_OK)
        fail_msg("jsonitems: %s at %llu in %s", jitems_strerror(e),
                 (unsigned long long)jitems_offset(&J), item);
    assert_int_equal(jitems_feed(&J, (const uint8_t *)"]", 1, map_cb, m), JITEMS_OK);
    assert_int_equal(jitems_finish(&J), JITEMS_OK);
    assert_int_equal(m->calls, 1);
    return m->err;
}

static void test_api_example(void **state)
{
    (void)state;
    struct mapped m;
    assert_int_equal(
        map("{\"messageId\":\"f47ac10b-58cc-4372-a567-0e02b2c3d479\",\"channel\":\"SMS\","
            "\"direction\":\"OUTBOUND\",\"destination\":\"+393471234567\",\"sender\":\"TechStore\","
            "\"body\":\"Ciao Marco, il tuo ordine #ORD-20260409 e stato confermato!\","
            "\"status\":\"DELIVERED\",\"sendDate\":\"2026-04-09T10:15:00+02:00\","
            "\"deliveryDate\":\"2026-04-09T10:15:03+02:00\",\"cost\":0.035,\"parts\":1}",
            &m),
        REC_OK);
    assert_string_equal(m.r.id, "f47ac10b-58cc-4372-a567-0e02b2c3d479");
    assert_int_equal(m.r.channel, REC_CH_SMS);
    assert_int_equal(m.r.status, REC_DELIVERED);
    assert_string_equal(m.r.dest, "+393471234567");
    assert_true(m.r.has_send && m.r.has_deliv && m.r.has_cost && m.r.has_parts);
    assert_int_equal(m.r.send_ms, 1775722500000LL);
    assert_int_equal(m.r.deliv_ms - m.r.send_ms, 3000);
    assert_int_equal(m.r.cost_micros, 35000);
    assert_int_equal(m.r.parts, 1);
    assert_false(m.r.has_desc);
    assert_int_equal(m.why.field, REC_F_NONE);
}

static void test_empty_item(void **state)
{
    (void)state;
    struct mapped m;
    assert_int_equal(map("{}", &m), REC_OK);
    assert_int_equal(m.r.status, REC_OTHER);
    assert_int_equal(m.r.channel, REC_CH_NONE);
    assert_string_equal(m.r.id, "");
    assert_false(m.r.has_send || m.r.has_deliv || m.r.has_cost || m.r.has_parts || m.r.has_desc);
}

struct alias_case {
    const char *item;
    enum rec_status status;
    const char *id;
    const char *desc; /* NULL: has_desc false */
};

static const struct alias_case alias_cases[] = {
    {"{\"customerMessageId\":\"c1\",\"deliveryStatus\":\"SENT\"}", REC_SENT, "c1", NULL},
    {"{\"messageId\":\"m1\",\"deliveryStato\":\"RECEIVED\"}", REC_RECEIVED, "m1", NULL},
    {"{\"status\":\"ERROR\",\"deliveryStatusDescription\":\"no route\"}", REC_ERROR, "", "no route"},
    {"{\"status\":\"EXPIRED\",\"deliveryStatoDescription\":\"ttl\"}", REC_EXPIRED, "", "ttl"},
    {"{\"status\":\"UNKNOWN\",\"description\":\"x\"}", REC_UNKNOWN, "", "x"},
    {"{\"status\":\"DELIVERED\",\"description\":null}", REC_DELIVERED, "", NULL},
    /* exact spelling only: anything else is OTHER */
    {"{\"status\":\"delivered\"}", REC_OTHER, "", NULL},
    {"{\"status\":\"DELIVERED \"}", REC_OTHER, "", NULL},
    {"{\"status\":\"PENDING\"}", REC_OTHER, "", NULL},
    {"{\"status\":null}", REC_OTHER, "", NULL},
    {"{\"status\":3}", REC_OTHER, "", NULL},
    {"{\"status\":\"\"}", REC_OTHER, "", NULL},
    {"{\"status\":\"DELIVEREDDELIVEREDDELIVEREDDELIVEREDDELIVEREDDELIVEREDDELIVEREDDELIVERED\"}",
     REC_OTHER, "", NULL},
    /* escapes in the value and in the name are decoded before matching */
    {"{\"status\":\"\\u0044ELIVERED\"}", REC_DELIVERED, "", NULL},
    {"{\"st\\u0061tus\":\"SENT\"}", REC_SENT, "", NULL},
    /* two aliases: the better-ranked wins in either order, the other is not parsed */
    {"{\"status\":\"ERROR\",\"deliveryStatus\":\"DELIVERED\"}", REC_DELIVERED, "", NULL},
    {"{\"deliveryStatus\":\"DELIVERED\",\"status\":\"ERROR\"}", REC_DELIVERED, "", NULL},
    {"{\"deliveryStato\":\"SENT\",\"status\":500,\"deliveryStatus\":\"EXPIRED\"}", REC_EXPIRED, "",
     NULL},
    {"{\"messageId\":\"m\",\"customerMessageId\":\"c\"}", REC_OTHER, "c", NULL},
    {"{\"description\":\"d\",\"deliveryStatusDescription\":null}", REC_OTHER, "", NULL},
    {"{\"status\":\"SENT\",\"status\":\"ERROR\"}", REC_SENT, "", NULL}, /* same name: first */
    /* unknown members, nested values and look-alike names are skipped */
    {"{\"meta\":{\"status\":\"ERROR\",\"a\":[1,{\"messageId\":\"no\"}]},\"status\":\"SENT\","
     "\"tags\":[[],{},[{\"x\":null}]],\"Status\":\"ERROR\",\"messageID\":\"no\",\"x\":true}",
     REC_SENT, "", NULL},
    /* a numeric id is kept as written */
    {"{\"messageId\":12345678901234567890}", REC_OTHER, "12345678901234567890", NULL},
};

static void test_aliases(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(alias_cases); i++) {
        const struct alias_case *c = &alias_cases[i];
        struct mapped m;
        enum rec_err e = map(c->item, &m);
        if (e != REC_OK)
            fail_msg("%s: %s (%s)", c->item, rec_strerror(e), rec_field_name(m.why.field));
        if (m.r.status != c->status)
            fail_msg("%s: status %s", c->item, rec_status_name(m.r.status));
        assert_string_equal(m.r.id, c->id);
        assert_int_equal(m.r.has_desc, c->desc != NULL);
        if (c->desc)
            assert_string_equal(m.r.desc, c->desc);
    }
}

static void test_channel(void **state)
{
    (void)state;
    static const struct { const char *item; enum rec_channel ch; } cases[] = {
        {"{\"channel\":\"SMS\"}", REC_CH_SMS},
        {"{\"channel\":\"RCS\"}", REC_CH_RCS},
        {"{\"channel\":\"WHATSAPP\"}", REC_CH_WHATSAPP},
        {"{\"channel\":\"sms\"}", REC_CH_NONE},
        {"{\"channel\":\"EMAIL\"}", REC_CH_NONE},
        {"{\"channel\":null}", REC_CH_NONE},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct mapped m;
        assert_int_equal(map(cases[i].item, &m), REC_OK);
        assert_int_equal(m.r.channel, cases[i].ch);
    }
    assert_string_equal(rec_channel_name(REC_CH_WHATSAPP), "WHATSAPP");
    assert_string_equal(rec_channel_name(REC_CH_NONE), "NONE");
    assert_string_equal(rec_status_name(REC_DELIVERED), "DELIVERED");
    assert_string_equal(rec_status_name(REC_OTHER), "OTHER");
    assert_string_equal(rec_status_name(REC_STATUS_COUNT), "OTHER");
}

static void test_nulls(void **state)
{
    (void)state;
    struct mapped m;
    assert_int_equal(map("{\"customerMessageId\":null,\"deliveryStatusDescription\":null,"
                         "\"destination\":null,\"sendDate\":null,\"deliveryDate\":null,"
                         "\"cost\":null,\"parts\":null,\"status\":\"SENT\"}",
                         &m),
                     REC_OK);
    assert_int_equal(m.r.status, REC_SENT);
    assert_false(m.r.has_desc || m.r.has_send || m.r.has_deliv || m.r.has_cost || m.r.has_parts);
    assert_string_equal(m.r.id, "");
    assert_string_equal(m.r.dest, "");
}

struct str_case {
    const char *json; /* the description as written in JSON */
    enum rec_err err;
    const char *utf8;
};

static const struct str_case str_cases[] = {
    {"\"plain\"", REC_OK, "plain"},
    {"\"q\\\"b\\\\s\\/\"", REC_OK, "q\"b\\s/"},
    {"\"\\b\\f\\n\\r\\t\"", REC_OK, "\b\f\n\r\t"},
    {"\"caf\\u00e9\"", REC_OK, "caf\xc3\xa9"},
    {"\"caf\xc3\xa9\"", REC_OK, "caf\xc3\xa9"},
    {"\"\\u20AC\\u0041\\u007f\\u0080\\u07FF\\u0800\\uFFFF\"", REC_OK,
     "\xe2\x82\xac" "A\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf"},
    {"\"\\ud83d\\ude00!\"", REC_OK, "\xf0\x9f\x98\x80!"},
    {"\"\\uD83D\\uDE00\"", REC_OK, "\xf0\x9f\x98\x80"},
    {"\"\\udbff\\udfff\"", REC_OK, "\xf4\x8f\xbf\xbf"},
    {"\"\xf0\x9f\x98\x80\"", REC_OK, "\xf0\x9f\x98\x80"},
    {"\"\\ud83d\"", REC_E_SURROGATE, NULL},
    {"\"\\ud83dx\"", REC_E_SURROGATE, NULL},
    {"\"\\ud83d\\n\"", REC_E_SURROGATE, NULL},
    {"\"\\ud83d\\u0041\"", REC_E_SURROGATE, NULL},
    {"\"\\ud83d\\ud83d\"", REC_E_SURROGATE, NULL},
    {"\"\\ude00\"", REC_E_SURROGATE, NULL},
    {"\"a\\u0000b\"", REC_E_NUL, NULL},
    {"17", REC_E_TYPE, NULL},
    {"[\"x\"]", REC_E_TYPE, NULL},
    {"{\"x\":1}", REC_E_TYPE, NULL},
    {"true", REC_E_TYPE, NULL},
};

static void test_strings(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(str_cases); i++) {
        char item[256];
        snprintf(item, sizeof item, "{\"description\":%s}", str_cases[i].json);
        struct mapped m;
        enum rec_err e = map(item, &m);
        if (e != str_cases[i].err)
            fail_msg("%s: got %s", item, rec_strerror(e));
        if (e == REC_OK) {
            assert_string_equal(m.r.desc, str_cases[i].utf8);
            assert_true(m.r.has_desc);
            assert_false(m.r.desc_cut);
        } else {
            assert_int_equal(m.why.field, REC_F_DESC);
        }
    }
}

/* a field longer than its buffer is cut at a character boundary */
static void test_cut_fields(void **state)
{
    (void)state;
    char item[2048], desc[1024];
    struct mapped m;
    /* 200 x "é" = 400 bytes: desc keeps 63 of them (126 bytes + NUL) */
    size_t n = 0;
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(desc + n, sizeof desc - n, "\xc3\xa9\\u00e9");
    snprintf(item, sizeof item, "{\"description\":\"%s\",\"destination\":\"%s\"}", desc,
             "+3934712345678901234567890123456789");
    assert_int_equal(map(item, &m), REC_OK);
    assert_true(m.r.desc_cut);
    assert_int_equal(strlen(m.r.desc), 126);
    for (size_t i = 0; i < 126; i += 2)
        assert_memory_equal(m.r.desc + i, "\xc3\xa9", 2);
    assert_int_equal(strlen(m.r.dest), LIM_DEST - 1);
    assert_memory_equal(m.r.dest, "+3934712345678901234567890123456789", LIM_DEST - 1);

    /* a 4-byte character that does not fit is dropped whole */
    n = 0;
    desc[n++] = 'a';
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(desc + n, sizeof desc - n, "\xf0\x9f\x98\x80");
    snprintf(item, sizeof item, "{\"description\":\"%s\"}", desc);
    assert_int_equal(map(item, &m), REC_OK);
    assert_int_equal(strlen(m.r.desc), 1 + 31 * 4); /* 125 bytes, the 32nd emoji left out */
    assert_true(m.r.desc_cut);

    /* jsonitems cuts the raw text (LIM_STRING) between, never inside, escape
     * pairs: 22 whole emoji survive and the cut is reported */
    n = 0;
    desc[n++] = 'a';
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(desc + n, sizeof desc - n, "\\ud83d\\ude00");
    snprintf(item, sizeof item, "{\"description\":\"%s\"}", desc);
    assert_int_equal(map(item, &m), REC_OK);
    assert_int_equal(strlen(m.r.desc), 1 + 22 * 4);
    assert_memory_equal(m.r.desc + 1 + 21 * 4, "\xf0\x9f\x98\x80", 4);
    assert_true(m.r.desc_cut);

    /* exactly full is not cut */
    memset(desc, 'x', LIM_DESC - 1);
    desc[LIM_DESC - 1] = '\0';
    snprintf(item, sizeof item, "{\"description\":\"%s\"}", desc);
    assert_int_equal(map(item, &m), REC_OK);
    assert_false(m.r.desc_cut);
    assert_string_equal(m.r.desc, desc);
}

struct num_case {
    const char *json;
    enum rec_err err;
    int64_t micros;
};

static const struct num_case num_cases[] = {
    {"0.035", REC_OK, 35000},
    {"0", REC_OK, 0},
    {"-0", REC_OK, 0},
    {"1", REC_OK, 1000000},
    {"12.345", REC_OK, 12345000},
    {"-0.5", REC_OK, -500000},
    {"1e-3", REC_OK, 1000},
    {"1E-3", REC_OK, 1000},
    {"3.5E+1", REC_OK, 35000000},
    {"3.5e1", REC_OK, 35000000},
    {"35e-1", REC_OK, 3500000},
    {"0.000001", REC_OK, 1},
    {"1e-6", REC_OK, 1},
    {"0.0000005", REC_OK, 0},  /* half to even: 0 */
    {"0.0000015", REC_OK, 2},  /* half to even: 2 */
    {"0.0000025", REC_OK, 2},  /* half to even: 2 */
    {"0.00000250001", REC_OK, 3}, /* above half */
    {"0.0000024999", REC_OK, 2},
    {"0.0000006", REC_OK, 1},
    {"-0.0000015", REC_OK, -2},
    {"5e-7", REC_OK, 0},
    {"1e-7", REC_OK, 0},
    {"6e-7", REC_OK, 1},
    {"1e-1000000000", REC_OK, 0},
    {"0e999999999", REC_OK, 0},
    {"0.0350000000000000000000000000001", REC_OK, 35000},
    {"0.1234567", REC_OK, 123457},
    {"0.1234565", REC_OK, 123456},
    {"9223372036854.775807", REC_OK, INT64_MAX},
    {"-9223372036854.775807", REC_OK, -INT64_MAX},
    {"9223372036854.7758074", REC_OK, INT64_MAX},
    {"9223372036854.775808", REC_E_COST_RANGE, 0},
    {"9223372036854.7758075", REC_E_COST_RANGE, 0}, /* rounds up past the top */
    {"1e13", REC_E_COST_RANGE, 0},
    {"1e999999999", REC_E_COST_RANGE, 0},
    {"100000000000000000000000", REC_E_COST_RANGE, 0},
    {"\"0.035\"", REC_E_TYPE, 0},
    {"true", REC_E_TYPE, 0},
    {"{}", REC_E_TYPE, 0},
};

static void test_cost(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(num_cases); i++) {
        char item[128];
        snprintf(item, sizeof item, "{\"cost\":%s}", num_cases[i].json);
        struct mapped m;
        enum rec_err e = map(item, &m);
        if (e != num_cases[i].err)
            fail_msg("%s: got %s", item, rec_strerror(e));
        if (e == REC_OK) {
            assert_true(m.r.has_cost);
            if (m.r.cost_micros != num_cases[i].micros)
                fail_msg("%s: got %lld", item, (long long)m.r.cost_micros);
        } else {
            assert_int_equal(m.why.field, REC_F_COST);
            assert_false(m.r.has_cost);
        }
    }
}

/* the number parser by itself also refuses what jsonitems would refuse */
static void test_parse_micros_syntax(void **state)
{
    (void)state;
    static const char *const bad[] = {"", "-", "01", "1.", ".5", "1e", "1e+", "+1", "1x", "--1",
                                      "0x10", "1.5.5", "Infinity", "NaN"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        int64_t v = 77;
        if (rec_parse_micros(bad[i], strlen(bad[i]), &v) != REC_E_NUMBER)
            fail_msg("'%s' accepted", bad[i]);
        assert_int_equal(v, 77);
    }
}

static void test_parts(void **state)
{
    (void)state;
    static const struct { const char *json; enum rec_err err; uint32_t parts; } cases[] = {
        {"1", REC_OK, 1}, {"0", REC_OK, 0}, {"4294967295", REC_OK, 4294967295u},
        {"4294967296", REC_E_PARTS_RANGE, 0}, {"99999999999999999999999", REC_E_PARTS_RANGE, 0},
        {"1.5", REC_E_PARTS, 0}, {"1.0", REC_E_PARTS, 0}, {"-1", REC_E_PARTS, 0},
        {"-0", REC_E_PARTS, 0}, {"1e2", REC_E_PARTS, 0}, {"\"2\"", REC_E_TYPE, 0},
        {"false", REC_E_TYPE, 0},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char item[128];
        snprintf(item, sizeof item, "{\"parts\":%s}", cases[i].json);
        struct mapped m;
        enum rec_err e = map(item, &m);
        if (e != cases[i].err)
            fail_msg("%s: got %s", item, rec_strerror(e));
        if (e == REC_OK)
            assert_int_equal(m.r.parts, cases[i].parts);
        else
            assert_int_equal(m.why.field, REC_F_PARTS);
    }
}

static void test_times(void **state)
{
    (void)state;
    struct mapped m;
    assert_int_equal(map("{\"sendDate\":\"2026-12-03T20:00:00.250+01:00\","
                         "\"deliveryDate\":\"2026-12-03T19:00:01Z\"}",
                         &m),
                     REC_OK);
    assert_int_equal(m.r.send_ms, 1796324400250LL);
    assert_int_equal(m.r.deliv_ms, 1796324401000LL);

    static const struct { const char *item; enum rec_field f; enum tf_err tf; enum rec_err e; } bad[] = {
        {"{\"sendDate\":\"2025-01-01\"}", REC_F_SEND, TF_E_DATE_ONLY, REC_E_TIME},
        {"{\"sendDate\":\"2025-01-01T00:00:00\"}", REC_F_SEND, TF_E_NO_OFFSET, REC_E_TIME},
        {"{\"deliveryDate\":\"2025-02-30T00:00:00Z\"}", REC_F_DELIV, TF_E_RANGE, REC_E_TIME},
        {"{\"deliveryDate\":\"\"}", REC_F_DELIV, TF_E_EMPTY, REC_E_TIME},
        {"{\"sendDate\":1735689600}", REC_F_SEND, TF_OK, REC_E_TYPE},
        {"{\"sendDate\":\"\\ud800\"}", REC_F_SEND, TF_OK, REC_E_SURROGATE},
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        assert_int_equal(map(bad[i].item, &m), bad[i].e);
        assert_int_equal(m.why.field, bad[i].f);
        assert_int_equal(m.why.tf, bad[i].tf);
    }
    assert_string_equal(rec_field_name(REC_F_SEND), "sendDate");
    assert_string_equal(rec_field_name(REC_F_DESC), "deliveryStatusDescription");
}

/* a worse alias with a bad value is not even parsed when a better one exists */
static void test_worse_alias_not_parsed(void **state)
{
    (void)state;
    struct mapped m;
    assert_int_equal(map("{\"status\":\"\\ud800\",\"deliveryStatus\":\"SENT\"}", &m), REC_OK);
    assert_int_equal(m.r.status, REC_SENT);
    assert_int_equal(map("{\"deliveryStatus\":\"\\ud800\",\"status\":\"SENT\"}", &m),
                     REC_E_SURROGATE);
    assert_int_equal(m.why.field, REC_F_STATUS);
}

/* rec_from_item refuses a token array that is not an object */
static void test_not_object(void **state)
{
    (void)state;
    jsmntok_t tok = {.type = JSMN_ARRAY, .start = 0, .end = 2, .size = 0, .parent = -1};
    struct jitems_item it = {.buf = "[]", .len = 2, .tok = &tok, .ntok = 1};
    struct rec r;
    struct rec_why w;
    assert_int_equal(rec_from_item(&r, &it, &w), REC_E_NOT_OBJECT);
    it.ntok = 0;
    assert_int_equal(rec_from_item(&r, &it, NULL), REC_E_NOT_OBJECT);
    for (int e = 0; e <= REC_E_COUNT; e++)
        assert_non_null(rec_strerror((enum rec_err)e));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_example),
        cmocka_unit_test(test_empty_item),
        cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_channel),
        cmocka_unit_test(test_nulls),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_cut_fields),
        cmocka_unit_test(test_cost),
        cmocka_unit_test(test_parse_micros_syntax),
        cmocka_unit_test(test_parts),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_worse_alias_not_parsed),
        cmocka_unit_test(test_not_object),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
