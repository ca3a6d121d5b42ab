/* jsonitems: the item splitter over a corpus fed whole, split at every byte
 * and one byte at a time (the transcript of mapped records must not change),
 * both response shapes and the wrapper rule, long strings, limits, and a
 * malformed-JSON table with errors and offsets. */
#include "testutil.h"

#include <inttypes.h>
#include <stdio.h>

#include "jsonitems.h"
#include "record.h"

#define TR_CAP 65536

struct tr {
    char buf[TR_CAP];
    size_t len;
    uint64_t abort_at; /* callback returns 1 on this item number (1-based), 0 = never */
    uint64_t calls;
    uint32_t cuts;
};

static void tr_printf(struct tr *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, TR_CAP - t->len, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < TR_CAP - t->len);
    t->len += (size_t)n;
}

static void opt_i64(struct tr *t, bool has, int64_t v)
{
    if (has)
        tr_printf(t, "%" PRId64 "|", v);
    else
        tr_printf(t, "-|");
}

/* one line per item: the mapped record, every field */
static int tr_cb(void *user, const struct jitems_item *it)
{
    struct tr *t = user;
    struct rec r;
    struct rec_why w;
    t->calls++;
    t->cuts += it->cuts;
    assert_int_equal(it->index + 1, t->calls);
    enum rec_err e = rec_from_item(&r, it, &w);
    if (e != REC_OK) {
        tr_printf(t, "ERR %s %s\n", rec_strerror(e), rec_field_name(w.field));
    } else {
        tr_printf(t, "%s|%s|%s|%s%s|%s|", r.id, rec_status_name(r.status),
                  rec_channel_name(r.channel), r.has_desc ? r.desc : "~", r.desc_cut ? "+" : "",
                  r.dest);
        opt_i64(t, r.has_send, r.send_ms);
        opt_i64(t, r.has_deliv, r.deliv_ms);
        opt_i64(t, r.has_cost, r.cost_micros);
        opt_i64(t, r.has_parts, r.parts);
        tr_printf(t, "c%u\n", it->cuts);
    }
    return t->abort_at != 0 && t->calls == t->abort_at;
}

struct result {
    enum jitems_err err;
    uint64_t off, count;
};

static struct jitems J;
static struct tr T, REF;

/* feeds body in pieces: split points a <= b (three pieces); step > 0 feeds
 * step bytes at a time instead */
static struct result run(const char *body, size_t len, size_t a, size_t b, size_t step,
                         struct tr *t)
{
    const uint8_t *d = (const uint8_t *)body;
    uint64_t abort_at = t->abort_at;
    memset(t, 0, sizeof *t);
    t->abort_at = abort_at;
    jitems_init(&J);
    enum jitems_err e = JITEMS_OK;
    if (step > 0) {
        for (size_t i = 0; i < len && e == JITEMS_OK; i += step)
            e = jitems_feed(&J, d + i, len - i < step ? len - i : step, tr_cb, t);
    } else {
        e = jitems_feed(&J, d, a, tr_cb, t);
        if (e == JITEMS_OK)
            e = jitems_feed(&J, d + a, b - a, tr_cb, t);
        if (e == JITEMS_OK)
            e = jitems_feed(&J, d + b, len - b, tr_cb, t);
    }
    if (e == JITEMS_OK)
        e = jitems_finish(&J);
    assert_int_equal(jitems_count(&J), t->calls);
    return (struct result){e, jitems_offset(&J), jitems_count(&J)};
}

static void same(struct result got, struct result want, const char *what, size_t at)
{
    if (got.err != want.err || got.off != want.off || got.count != want.count)
        fail_msg("%s %zu: %s at %" PRIu64 " (%" PRIu64 " items), whole body gave %s at %" PRIu64,
                 what, at, jitems_strerror(got.err), got.off, got.count,
                 jitems_strerror(want.err), want.off);
    if (T.len != REF.len || memcmp(T.buf, REF.buf, T.len) != 0)
        fail_msg("%s %zu: transcript differs:\n%.*s\nwhole body:\n%.*s", what, at, (int)T.len,
                 T.buf, (int)REF.len, REF.buf);
}

/* the whole body, then every two-piece split, then byte by byte, then a
 * stride of three-piece splits: all must give the same result */
static struct result every_split(const char *body, size_t len)
{
    struct result ref = run(body, len, len, len, 0, &REF);
    for (size_t s = 0; s <= len; s++)
        same(run(body, len, s, s, 0, &T), ref, "split at", s);
    same(run(body, len, 0, 0, 1, &T), ref, "bytes", 1);
    for (size_t s = 0; s <= len; s += 7)
        for (size_t s2 = s; s2 <= len; s2 += 13)
            same(run(body, len, s, s2, 0, &T), ref, "three pieces at", s * 100000 + s2);
    return ref;
}

#define ITEM_A                                                                                     \
    "{\"messageId\":\"f47ac10b\",\"channel\":\"SMS\",\"direction\":\"OUTBOUND\","                   \
    "\"destination\":\"+393471234567\",\"sender\":\"TechStore\","                                    \
    "\"body\":\"Ciao Marco, il tuo ordine #ORD-20260409 \\u00e8 stato confermato! \\ud83d\\ude00\","  \
    "\"status\":\"DELIVERED\",\"sendDate\":\"2026-04-09T10:15:00+02:00\","                          \
    "\"deliveryDate\":\"2026-04-09T10:15:03.5+02:00\",\"cost\":0.035,\"parts\":1}"
#define LINE_A "f47ac10b|DELIVERED|SMS|~|+393471234567|1775722500000|1775722503500|35000|1|c0\n"

#define ITEM_B                                                                                     \
    "{\"customerMessageId\":\"q\\\"\\\\\\/\\u00e9\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\","            \
    "\"deliveryStatus\":\"ERROR\",\"deliveryStatusDescription\":\"no route: \\\"}],\\\"\","          \
    "\"meta\":{\"a\":[1,-2.5e+3,true,false,null,{\"b\":\"]}\"}],\"c\":{}},"                          \
    "\"channel\":\"RCS\",\"cost\":1E-3,\"parts\":2,\"sendDate\":\"2026-04-09T08:00:00Z\","            \
    "\"deliveryDate\":null}"
#define LINE_B                                                                                     \
    "q\"\\/\xc3\xa9\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80|ERROR|RCS|no route: \"}],\"|"                \
    "|1775721600000|-|1000|2|c0\n"

#define ITEM_C "{\"deliveryStato\":\"EXPIRED\",\"deliveryStatoDescription\":\"ttl\",\"tags\":[]}"
#define LINE_C "|EXPIRED|NONE|ttl||-|-|-|-|c0\n"

struct corpus {
    const char *name;
    const char *body;
    size_t len; /* 0: strlen */
    const char *transcript;
};

static const struct corpus corpus[] = {
    {"bare", "[" ITEM_A "," ITEM_B "," ITEM_C "]", 0, LINE_A LINE_B LINE_C},
    {"wrapped", "{\"page\":0,\"meta\":{\"x\":[1,{\"y\":\"[\"}]},\"messages\":[" ITEM_C "," ITEM_A
                "],\"total\":2,\"more\":[{\"z\":1}]}",
     0, LINE_C LINE_A},
    {"bom and whitespace",
     "\xEF\xBB\xBF \r\n\t[ \n { \"status\" : \"SENT\" , \"cost\" :\t-0.5 ,\"parts\"\n:\n3 , "
     "\"x\" : [ 1 , { } , [ ] ] } ,\r\n{\"status\":\"UNKNOWN\"}\t]\n\n",
     0, "|SENT|NONE|~||-|-|-500000|3|c0\n|UNKNOWN|NONE|~||-|-|-|-|c0\n"},
    {"empty", "[]", 0, ""},
    {"empty spaced", " [ \n ] ", 0, ""},
    {"wrapped empty", "{\"messages\":[]}", 0, ""},
    {"content", "{\"content\":[" ITEM_C "],\"totalPages\":1}", 0, LINE_C},
    {"items", "{\"count\":1,\"items\":[" ITEM_C "]}", 0, LINE_C},
    {"data", "{\"data\":[" ITEM_C "]}", 0, LINE_C},
    {"any array", "{\"n\":1,\"results\":[" ITEM_C "],\"x\":null}", 0, LINE_C},
    /* an empty earlier array gives way to a better name */
    {"empty then messages", "{\"errors\":[],\"data\":[],\"messages\":[" ITEM_C "]}", 0, LINE_C},
    /* a worse name after the taken array is skipped, even with objects in it */
    {"messages then data", "{\"messages\":[" ITEM_C "],\"data\":[" ITEM_A "],\"x\":[1]}", 0,
     LINE_C},
    {"items then data", "{\"items\":[" ITEM_C "],\"data\":[" ITEM_A "]}", 0, NULL},
    {"escaped name ranks other", "{\"m\\u0065ssages\":[" ITEM_C "]}", 0, LINE_C},
    {"record error is per item", "[{\"cost\":\"1\"},{\"status\":\"SENT\"}]", 0,
     "ERR member has the wrong type cost\n|SENT|NONE|~||-|-|-|-|c0\n"},
    {"nul-free numbers at ends", "[{\"a\":0},{\"b\":-0.0e-0},{\"c\":[0]},{\"d\":1}]", 0,
     "|OTHER|NONE|~||-|-|-|-|c0\n|OTHER|NONE|~||-|-|-|-|c0\n"
     "|OTHER|NONE|~||-|-|-|-|c0\n|OTHER|NONE|~||-|-|-|-|c0\n"},
};

static void test_corpus_every_split(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(corpus); i++) {
        const struct corpus *c = &corpus[i];
        size_t len = c->len ? c->len : strlen(c->body);
        struct result r = every_split(c->body, len);
        if (r.err != JITEMS_OK)
            fail_msg("%s: %s at %" PRIu64, c->name, jitems_strerror(r.err), r.off);
        assert_int_equal(r.off, len);
        if (c->transcript && strcmp(REF.buf, c->transcript) != 0)
            fail_msg("%s: transcript\n%s\nwant\n%s", c->name, REF.buf, c->transcript);
        if (!c->transcript)
            assert_int_equal(r.count, 1);
    }
}

struct bad {
    const char *body;
    enum jitems_err err;
    uint64_t off;
};

static const struct bad bad[] = {
    {"", JITEMS_E_EMPTY, 0},
    {"  \n\t", JITEMS_E_EMPTY, 4},
    {"\xEF\xBB\xBF", JITEMS_E_EMPTY, 3},
    {"\xEF\xBB\xBF\xEF\xBB\xBF[]", JITEMS_E_NOT_JSON, 3},
    {"\xEF\xBB[]", JITEMS_E_NOT_JSON, 2},
    {"\xEF\xBB", JITEMS_E_NOT_JSON, 2},
    {" \xEF\xBB\xBF[]", JITEMS_E_NOT_JSON, 1},
    {"<html>", JITEMS_E_NOT_JSON, 0},
    {"42", JITEMS_E_TOP_PRIMITIVE, 0},
    {"\"x\"", JITEMS_E_TOP_PRIMITIVE, 0},
    {" true", JITEMS_E_TOP_PRIMITIVE, 1},
    {"null", JITEMS_E_TOP_PRIMITIVE, 0},
    {"-1", JITEMS_E_TOP_PRIMITIVE, 0},
    {"[", JITEMS_E_UNCLOSED, 1},
    {"[{\"a\":1}", JITEMS_E_UNCLOSED, 8},
    {"[{\"a\":1", JITEMS_E_UNCLOSED, 7},
    {"[{\"a\":tr", JITEMS_E_UNCLOSED, 8},
    {"{\"messages\":[{}]", JITEMS_E_UNCLOSED, 16},
    {"{\"messages\"", JITEMS_E_UNCLOSED, 11},
    {"[{\"a\":\"b", JITEMS_E_UNTERMINATED_STR, 8},
    {"[{\"a\":\"b\\", JITEMS_E_UNTERMINATED_STR, 9},
    {"[{\"a\":\"\\u12", JITEMS_E_UNTERMINATED_STR, 11},
    {"[{\"a", JITEMS_E_UNTERMINATED_STR, 4},
    {"[{\"a\":\"\\x\"}]", JITEMS_E_BAD_ESCAPE, 8},
    {"[{\"a\":\"\\'\"}]", JITEMS_E_BAD_ESCAPE, 8},
    {"[{\"a\":\"\\U0041\"}]", JITEMS_E_BAD_ESCAPE, 8},
    {"[{\"a\":\"\\u12g4\"}]", JITEMS_E_BAD_ESCAPE, 11},
    {"[{\"a\":\"\\u\"}]", JITEMS_E_BAD_ESCAPE, 9},
    {"{\"x\":\"\\q\",\"messages\":[]}", JITEMS_E_BAD_ESCAPE, 7},
    {"[{\"a\":\"x\ty\"}]", JITEMS_E_CTRL_IN_STRING, 8},
    {"[{\"a\":\"x\ny\"}]", JITEMS_E_CTRL_IN_STRING, 8},
    {"[{\"a\x01\":1}]", JITEMS_E_CTRL_IN_STRING, 4},
    {"[{\"a\":\"\xff\"}]", JITEMS_E_BAD_UTF8, 7},
    {"[{\"a\":\"\x80\"}]", JITEMS_E_BAD_UTF8, 7},
    {"[{\"a\":\"\xc0\x80\"}]", JITEMS_E_BAD_UTF8, 7},
    {"[{\"a\":\"\xc1\xbf\"}]", JITEMS_E_BAD_UTF8, 7},
    {"[{\"a\":\"\xe0\x80\x80\"}]", JITEMS_E_BAD_UTF8, 8},
    {"[{\"a\":\"\xed\xa0\x80\"}]", JITEMS_E_BAD_UTF8, 8},
    {"[{\"a\":\"\xf0\x80\x80\x80\"}]", JITEMS_E_BAD_UTF8, 8},
    {"[{\"a\":\"\xf4\x90\x80\x80\"}]", JITEMS_E_BAD_UTF8, 8},
    {"[{\"a\":\"\xf5\x80\x80\x80\"}]", JITEMS_E_BAD_UTF8, 7},
    {"[{\"a\":\"\xc3\"}]", JITEMS_E_BAD_UTF8, 8},
    {"[{\"a\":\"\xe4\xb8\"}]", JITEMS_E_BAD_UTF8, 9},
    {"[{\"a\":1,}]", JITEMS_E_TRAILING_COMMA, 8},
    {"[{\"a\":1},]", JITEMS_E_TRAILING_COMMA, 9},
    {"[{\"a\":[1,]}]", JITEMS_E_TRAILING_COMMA, 9},
    {"{\"messages\":[],}", JITEMS_E_TRAILING_COMMA, 15},
    {"[{\"a\":1}{\"b\":2}]", JITEMS_E_EXPECTED_COMMA, 8},
    {"[{\"a\":1 \"b\":2}]", JITEMS_E_EXPECTED_COMMA, 8},
    {"[{\"a\":[1 2]}]", JITEMS_E_EXPECTED_COMMA, 9},
    {"[{\"a\":\"x\"\"y\"}]", JITEMS_E_EXPECTED_COMMA, 9},
    {"[{\"a\":1:2}]", JITEMS_E_BAD_NUMBER, 7},
    {"[{\"a\" 1}]", JITEMS_E_EXPECTED_COLON, 6},
    {"[{\"a\",1}]", JITEMS_E_EXPECTED_COLON, 5},
    {"[{\"a\"}]", JITEMS_E_EXPECTED_COLON, 5},
    {"[{a:1}]", JITEMS_E_EXPECTED_KEY, 2},
    {"[{1:1}]", JITEMS_E_EXPECTED_KEY, 2},
    {"[{\"a\":1,,\"b\":1}]", JITEMS_E_EXPECTED_KEY, 8},
    {"[{\"a\":1,]", JITEMS_E_EXPECTED_KEY, 8},
    {"[{\"a\":}]", JITEMS_E_EXPECTED_VALUE, 6},
    {"[{\"a\":,}]", JITEMS_E_EXPECTED_VALUE, 6},
    {"[,]", JITEMS_E_EXPECTED_VALUE, 1},
    {"[{},,{}]", JITEMS_E_EXPECTED_VALUE, 4},
    {"[{\"a\":.5}]", JITEMS_E_EXPECTED_VALUE, 6},
    {"[{\"a\":+1}]", JITEMS_E_EXPECTED_VALUE, 6},
    {"[{\"a\":True}]", JITEMS_E_EXPECTED_VALUE, 6},
    {"[{\"a\":thanx}]", JITEMS_E_BAD_LITERAL, 7},
    {"[ thanx ]", JITEMS_E_ITEM_NOT_OBJECT, 2},
    {"[{\"a\":[1,2}]", JITEMS_E_MISMATCH, 10},
    {"[{\"a\":1]", JITEMS_E_MISMATCH, 7},
    {"[}", JITEMS_E_MISMATCH, 1},
    {"{]", JITEMS_E_MISMATCH, 1},
    {"[{\"a\":{]}]", JITEMS_E_MISMATCH, 7},
    {"[{\"a\":tru}]", JITEMS_E_BAD_LITERAL, 9},
    {"[{\"a\":nul}]", JITEMS_E_BAD_LITERAL, 9},
    {"[{\"a\":truex}]", JITEMS_E_BAD_LITERAL, 10},
    {"[{\"a\":falsy}]", JITEMS_E_BAD_LITERAL, 10},
    {"[{\"a\":nulll}]", JITEMS_E_BAD_LITERAL, 10},
    {"[{\"a\":01}]", JITEMS_E_BAD_NUMBER, 7},
    {"[{\"a\":-01}]", JITEMS_E_BAD_NUMBER, 8},
    {"[{\"a\":1.}]", JITEMS_E_BAD_NUMBER, 8},
    {"[{\"a\":1.e5}]", JITEMS_E_BAD_NUMBER, 8},
    {"[{\"a\":-}]", JITEMS_E_BAD_NUMBER, 7},
    {"[{\"a\":--1}]", JITEMS_E_BAD_NUMBER, 7},
    {"[{\"a\":1e}]", JITEMS_E_BAD_NUMBER, 8},
    {"[{\"a\":1e+}]", JITEMS_E_BAD_NUMBER, 9},
    {"[{\"a\":1x}]", JITEMS_E_BAD_NUMBER, 7},
    {"[{\"a\":0x10}]", JITEMS_E_BAD_NUMBER, 7},
    {"[{\"a\":1.5.5}]", JITEMS_E_BAD_NUMBER, 9},
    {"[{\"a\":1}] x", JITEMS_E_TRAILING_GARBAGE, 10},
    {"[]]", JITEMS_E_TRAILING_GARBAGE, 2},
    {"[][]", JITEMS_E_TRAILING_GARBAGE, 2},
    {"[],", JITEMS_E_TRAILING_GARBAGE, 2},
    {"{\"messages\":[]}}", JITEMS_E_TRAILING_GARBAGE, 15},
    {"[]\xEF\xBB\xBF", JITEMS_E_TRAILING_GARBAGE, 2},
    {"[1]", JITEMS_E_ITEM_NOT_OBJECT, 1},
    {"[[]]", JITEMS_E_ITEM_NOT_OBJECT, 1},
    {"[\"x\"]", JITEMS_E_ITEM_NOT_OBJECT, 1},
    {"[null]", JITEMS_E_ITEM_NOT_OBJECT, 1},
    {"[{}, 2]", JITEMS_E_ITEM_NOT_OBJECT, 5},
    {"{\"messages\":[{},\"x\"]}", JITEMS_E_ITEM_NOT_OBJECT, 16},
    {"{\"status\":429,\"error\":\"x\"}", JITEMS_E_NO_ARRAY, 25},
    {"{}", JITEMS_E_NO_ARRAY, 1},
    {"{\"m\":{\"messages\":[{}]}}", JITEMS_E_NO_ARRAY, 22},
    {"{\"x\":[{\"a\":1}],\"messages\":[]}", JITEMS_E_AMBIGUOUS, 26},
    {"{\"data\":[{}],\"messages\":[{}]}", JITEMS_E_AMBIGUOUS, 24},
    {"{\"items\":[{}],\"content\":[]}", JITEMS_E_AMBIGUOUS, 24},
};

static void test_malformed(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        size_t len = strlen(bad[i].body);
        struct result r = every_split(bad[i].body, len);
        if (r.err != bad[i].err || r.off != bad[i].off)
            fail_msg("case %zu '%s': got %s at %" PRIu64 ", want %s at %" PRIu64, i, bad[i].body,
                     jitems_strerror(r.err), r.off, jitems_strerror(bad[i].err), bad[i].off);
        /* sticky: more input and finish report the same error */
        assert_int_equal(jitems_feed(&J, (const uint8_t *)"[]", 2, tr_cb, &T), r.err);
        assert_int_equal(jitems_finish(&J), r.err);
        assert_int_equal(jitems_offset(&J), r.off);
    }
}

/* jsmn alone accepts these; the splitter must not */
static void test_jsmn_leniency_caught(void **state)
{
    (void)state;
    static const char *const lenient[] = {"[{\"a\"}]", "[{\"a\":1,\"b\"}]", "[{\"a\":thanx}]",
                                          "[{\"a\":[1,]}]", "[{\"a\":01}]", "[{\"a\":1,}]"};
    for (size_t i = 0; i < ARRAY_LEN(lenient); i++) {
        struct result r = run(lenient[i], strlen(lenient[i]), 0, 0, 0, &T);
        if (r.err == JITEMS_OK || r.count != 0)
            fail_msg("'%s' accepted", lenient[i]);
    }
}

static char big[2u << 20];

/* an item whose body is 1 MB still fits the 8 KB buffer: cut and marked */
static void test_long_strings(void **state)
{
    (void)state;
    size_t n = 0;
    n += (size_t)sprintf(big + n, "[{\"status\":\"SENT\",\"body\":\"");
    for (size_t i = 0; i < (1u << 20); i += 8)
        n += (size_t)sprintf(big + n, i % 64 ? "\\u00e9\xc3\xa9" : "\\\"\\ud83d\\ude00");
    n += (size_t)sprintf(big + n, "\",\"deliveryStatusDescription\":\"");
    size_t desc_at = n;
    for (size_t i = 0; i < 100000; i++)
        big[n++] = (char)('a' + i % 26);
    n += (size_t)sprintf(big + n, "\",\"cost\":0.5},{\"status\":\"ERROR\",\"description\":\"short\"}]");
    struct result ref = run(big, n, n, n, 0, &REF);
    assert_int_equal(ref.err, JITEMS_OK);
    assert_int_equal(ref.count, 2);
    assert_int_equal(REF.cuts, 2);
    char want[512];
    snprintf(want, sizeof want, "|SENT|NONE|%.*s+||-|-|500000|-|c2\n|ERROR|NONE|short||-|-|-|-|c0\n",
             (int)LIM_DESC - 1, big + desc_at);
    assert_string_equal(REF.buf, want);
    /* a few splits, including inside the long strings, and small steps */
    size_t splits[] = {0, 1, 27, 28, 29, 30, 31, 32, 33, 34, 300, 301, 302, 303, 304, 305,
                       1000, 1u << 19, desc_at - 1, desc_at, desc_at + 255, desc_at + 256,
                       desc_at + 257, n - 40, n - 1, n};
    for (size_t i = 0; i < ARRAY_LEN(splits); i++)
        same(run(big, n, splits[i], splits[i], 0, &T), ref, "split at", splits[i]);
    for (size_t step = 1; step <= 4096; step *= 4)
        same(run(big, n, 0, 0, step, &T), ref, "step", step);
}

static int cut_of_value(void *user, const struct jitems_item *it)
{
    /* {"body":"...","k":"v"}: the value token and the short one after */
    assert_int_equal(it->ntok, 5);
    assert_int_equal(it->tok[2].end - it->tok[2].start, LIM_STRING);
    *(int *)user = jitems_tok_cut(it, &it->tok[2]);
    assert_false(jitems_tok_cut(it, &it->tok[4]));
    assert_false(jitems_tok_cut(it, &it->tok[1]));
    return 0;
}

static int straddle(void *user, const struct jitems_item *it)
{
    (void)user;
    const jsmntok_t *v = &it->tok[2];
    assert_int_equal(v->end - v->start, LIM_STRING - 1 + 3);
    assert_memory_equal(it->buf + v->end - 4, "x\xe4\xb8\xad", 4);
    assert_true(jitems_tok_cut(it, v));
    return 0;
}

/* a string of exactly LIM_STRING bytes is kept whole; one more is cut */
static void test_cut_boundary(void **state)
{
    (void)state;
    char body[1024];
    for (int extra = 0; extra <= 1; extra++) {
        size_t n = (size_t)sprintf(body, "[{\"body\":\"");
        memset(body + n, 'x', LIM_STRING + (size_t)extra);
        n += LIM_STRING + (size_t)extra;
        n += (size_t)sprintf(body + n, "\",\"k\":\"v\"}]");
        int cut = -1;
        jitems_init(&J);
        assert_int_equal(jitems_feed(&J, (uint8_t *)body, n, cut_of_value, &cut), JITEMS_OK);
        assert_int_equal(jitems_finish(&J), JITEMS_OK);
        assert_int_equal(cut, extra);
    }
    /* a multi-byte character straddling the bound is kept whole */
    size_t n = (size_t)sprintf(body, "[{\"description\":\"");
    memset(body + n, 'x', LIM_STRING - 1);
    n += LIM_STRING - 1;
    n += (size_t)sprintf(body + n, "\xe4\xb8\xad\xe4\xb8\xad\"}]");
    struct result r = every_split(body, n);
    assert_int_equal(r.err, JITEMS_OK);
    assert_int_equal(REF.cuts, 1);
    for (size_t s = 0; s <= n; s++) {
        jitems_init(&J);
        assert_int_equal(jitems_feed(&J, (uint8_t *)body, s, straddle, NULL), JITEMS_OK);
        assert_int_equal(jitems_feed(&J, (uint8_t *)body + s, n - s, straddle, NULL), JITEMS_OK);
        assert_int_equal(jitems_count(&J), 1);
    }
}

static int count_only(void *user, const struct jitems_item *it)
{
    (void)it;
    (*(int *)user)++;
    return 0;
}

static void test_limits(void **state)
{
    (void)state;
    static char body[65536];
    int calls = 0;
    /* 40 members of 250 bytes: 10 KB after cutting, 81 tokens */
    size_t n = (size_t)sprintf(body, "[{}, {");
    for (int i = 0; i < 40; i++) {
        n += (size_t)sprintf(body + n, "%s\"k%d\":\"", i ? "," : "", i);
        memset(body + n, 'v', 250);
        n += 250;
        body[n++] = '"';
    }
    n += (size_t)sprintf(body + n, "}]");
    jitems_init(&J);
    assert_int_equal(jitems_feed(&J, (uint8_t *)body, n, count_only, &calls),
                     JITEMS_E_ITEM_TOO_BIG);
    assert_int_equal(calls, 1);
    assert_true(jitems_offset(&J) > 8192 && jitems_offset(&J) < n);

    /* 200 short members: 401 tokens */
    n = (size_t)sprintf(body, "[{");
    for (int i = 0; i < 200; i++)
        n += (size_t)sprintf(body + n, "%s\"k%d\":%d", i ? "," : "", i, i);
    n += (size_t)sprintf(body + n, "}]");
    calls = 0;
    jitems_init(&J);
    assert_int_equal(jitems_feed(&J, (uint8_t *)body, n, count_only, &calls),
                     JITEMS_E_TOO_MANY_TOKENS);
    assert_int_equal(jitems_offset(&J), n - 2); /* at the item's closing brace */
    assert_int_equal(calls, 0);

    /* nesting: LIM_DEPTH levels inside an item are fine, deeper is refused */
    for (int extra = 0; extra <= 1; extra++) {
        n = (size_t)sprintf(body, "[{\"a\":");
        int levels = (int)LIM_DEPTH + extra; /* the item object is one level */
        memset(body + n, '[', (size_t)levels);
        memset(body + n + levels, ']', (size_t)levels);
        n += 2 * (size_t)levels;
        n += (size_t)sprintf(body + n, "}]");
        jitems_init(&J);
        enum jitems_err e = jitems_feed(&J, (uint8_t *)body, n, NULL, NULL);
        if (e == JITEMS_OK)
            e = jitems_finish(&J);
        assert_int_equal(e, extra ? JITEMS_E_TOO_DEEP : JITEMS_OK);
    }
}

static void test_abort(void **state)
{
    (void)state;
    const char *body = "[{\"a\":1},{\"b\":2},{\"c\":3}]";
    T.abort_at = 2;
    struct result r = run(body, strlen(body), 0, 0, 1, &T);
    T.abort_at = 0;
    assert_int_equal(r.err, JITEMS_E_ABORTED);
    assert_int_equal(r.count, 2);
    assert_int_equal(r.off, 15); /* the second item's '}' */
    assert_int_equal(jitems_feed(&J, (const uint8_t *)"]", 1, tr_cb, &T), JITEMS_E_ABORTED);
}

static int check_item(void *user, const struct jitems_item *it)
{
    (void)user;
    /* whitespace outside strings is dropped; tokens index the buffer */
    assert_int_equal(it->len, strlen("{\"a\":\"x y\",\"b\":[1,{}]}"));
    assert_memory_equal(it->buf, "{\"a\":\"x y\",\"b\":[1,{}]}", it->len);
    assert_int_equal(it->ntok, 7);
    assert_int_equal(it->tok[0].type, JSMN_OBJECT);
    assert_int_equal(it->tok[0].size, 2);
    assert_int_equal(it->tok[2].type, JSMN_STRING);
    assert_memory_equal(it->buf + it->tok[2].start, "x y", 3);
    assert_int_equal(it->tok[6].parent, 4);
    assert_int_equal(it->offset, 37);
    return 0;
}

static void test_item_view(void **state)
{
    (void)state;
    const char *body = "[ { \"a\" : \"x y\" ,\n \"b\" : [ 1 , { } ] } ]";
    jitems_init(&J);
    assert_int_equal(jitems_feed(&J, (const uint8_t *)body, strlen(body), check_item, NULL),
                     JITEMS_OK);
    assert_int_equal(jitems_finish(&J), JITEMS_OK);
    assert_int_equal(jitems_count(&J), 1);
    /* jitems_init resets everything */
    jitems_init(&J);
    assert_int_equal(jitems_finish(&J), JITEMS_E_EMPTY);
}

/* every corpus body with each byte replaced by a JSON-significant or invalid
 * byte: whatever the outcome, it must not depend on how the body is split */
static void test_mutations_split_invariant(void **state)
{
    (void)state;
    static const char repl[] = {'"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\0', 'x', '0', '-',
                                'e', 'n', (char)0xC3, (char)0xFF, (char)0x80, '\n'};
    static char body[4096];
    unsigned outcomes[JITEMS_E_COUNT] = {0};
    for (size_t c = 0; c < ARRAY_LEN(corpus); c++) {
        size_t len = strlen(corpus[c].body);
        assert_true(len <= sizeof body);
        for (size_t i = 0; i < len; i++) {
            for (size_t k = 0; k < sizeof repl; k++) {
                memcpy(body, corpus[c].body, len);
                body[i] = repl[k];
                struct result ref = run(body, len, len, len, 0, &REF);
                outcomes[ref.err]++;
                same(run(body, len, 0, 0, 1, &T), ref, "bytes, mutated at", i);
                same(run(body, len, i, i + 1, 0, &T), ref, "around the mutation", i);
                same(run(body, len, len / 2, len / 2, 0, &T), ref, "half, mutated at", i);
            }
        }
    }
    /* the mutations reach many distinct errors, and some stay valid */
    unsigned distinct = 0;
    for (int e = 0; e < JITEMS_E_COUNT; e++)
        distinct += outcomes[e] != 0;
    assert_true(outcomes[JITEMS_OK] > 0);
    assert_true(distinct >= 15);
}

static void test_strerror(void **state)
{
    (void)state;
    for (int a = 0; a < JITEMS_E_COUNT; a++)
        for (int b = a + 1; b < JITEMS_E_COUNT; b++)
            assert_string_not_equal(jitems_strerror((enum jitems_err)a),
                                    jitems_strerror((enum jitems_err)b));
    assert_non_null(jitems_strerror(JITEMS_E_COUNT));
    printf("sizeof(struct jitems) = %zu\n", sizeof(struct jitems));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_every_split),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_jsmn_leniency_caught),
        cmocka_unit_test(test_long_strings),
        cmocka_unit_test(test_cut_boundary),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_abort),
        cmocka_unit_test(test_item_view),
        cmocka_unit_test(test_mutations_split_invariant),
        cmocka_unit_test(test_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
