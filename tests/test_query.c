/* query: URL parsing, request targets with percent-encoding, page walk. */
#include "testutil.h"

#include "query.h"

static void test_parse_url(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        enum query_err err;
        bool https;
        const char *host, *port, *path;
    } t[] = {
        {"https://lora-api.agiletelecom.com/api/partner-gateway/v1", QUERY_OK, true,
         "lora-api.agiletelecom.com", "443", "/api/partner-gateway/v1"},
        {"https://h/partner-gateway/v1/", QUERY_OK, true, "h", "443", "/partner-gateway/v1"},
        {"http://127.0.0.1:8080", QUERY_OK, false, "127.0.0.1", "8080", ""},
        {"https://[::1]:8443/api", QUERY_OK, true, "::1", "8443", "/api"},
        {"https://[::1]/x", QUERY_OK, true, "::1", "443", "/x"},
        {"ftp://h/", QUERY_URL_SCHEME, false, "", "", ""},
        {"h/api", QUERY_URL_SCHEME, false, "", "", ""},
        {"https:///api", QUERY_URL_HOST, false, "", "", ""},
        {"https://:443/api", QUERY_URL_HOST, false, "", "", ""},
        {"https://h:0/", QUERY_URL_PORT, false, "", "", ""},
        {"https://h:65536/", QUERY_URL_PORT, false, "", "", ""},
        {"https://h:44a/", QUERY_URL_PORT, false, "", "", ""},
        {"https://h:/", QUERY_URL_PORT, false, "", "", ""},
        {"https://u:p@h/", QUERY_URL_USERINFO, false, "", "", ""},
        {"https://h/api?x=1", QUERY_URL_EXTRA, false, "", "", ""},
        {"https://h/api#f", QUERY_URL_EXTRA, false, "", "", ""},
        {"https://[::1/", QUERY_URL_HOST, false, "", "", ""},
        {"https://[::1]x/", QUERY_URL_HOST, false, "", "", ""},
    };
    for (size_t i = 0; i < ARRAY_LEN(t); i++) {
        struct url u;
        enum query_err e = query_parse_url(t[i].in, &u);
        if (e != t[i].err)
            fail_msg("%s: got %d (%s), want %d", t[i].in, e, query_strerror(e), t[i].err);
        if (e != QUERY_OK)
            continue;
        assert_int_equal(u.https, t[i].https);
        assert_string_equal(u.host, t[i].host);
        assert_string_equal(u.port, t[i].port);
        assert_string_equal(u.path, t[i].path);
    }
}

static void test_long_url(void **state)
{
    (void)state;
    char big[LIM_URL + 64];
    struct url u;
    memcpy(big, "https://h/", 10);
    memset(big + 10, 'a', sizeof big - 11);
    big[sizeof big - 1] = '\0';
    assert_int_equal(query_parse_url(big, &u), QUERY_URL_TOO_LONG);
}

static void test_pct_encode(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(query_pct_encode("2025-01-01T00:00:00+01:00", out, sizeof out), 27);
    assert_string_equal(out, "2025-01-01T00:00:00%2B01:00");
    query_pct_encode("a b&c=d/é", out, sizeof out);
    assert_string_equal(out, "a%20b%26c%3Dd%2F%C3%A9");
    /* exactly full: 3 chars need 4 bytes with the NUL */
    assert_int_equal(query_pct_encode("abc", out, 4), 3);
    assert_int_equal(query_pct_encode("abc", out, 3), (size_t)-1);
    assert_int_equal(query_pct_encode("+", out, 3), (size_t)-1);
}

static void test_target(void **state)
{
    (void)state;
    char buf[512];
    /* 2025-01-01T00:00:00+01:00 is 2024-12-31T23:00:00Z = 1735686000000 */
    struct query q = {"/api/partner-gateway/v1", "SMS", 1735686000000, 1735772399000, 60, 60,
                      NULL, 0, 100};
    assert_int_equal(query_target(&q, buf, sizeof buf), QUERY_OK);
    assert_string_equal(buf, "/api/partner-gateway/v1/messages/history?channel=SMS"
                             "&from=2025-01-01T00:00:00%2B01:00&to=2025-01-01T23:59:59%2B01:00"
                             "&page=0&limit=100");
    q.status = "ERROR";
    q.page = 7;
    q.from_off = q.to_off = 0;
    q.path = "";
    assert_int_equal(query_target(&q, buf, sizeof buf), QUERY_OK);
    assert_string_equal(buf, "/messages/history?channel=SMS&from=2024-12-31T23:00:00Z"
                             "&to=2025-01-01T22:59:59Z&status=ERROR&page=7&limit=100");
    /* every cap short of the need fails, never truncates */
    size_t need = strlen(buf) + 1;
    for (size_t cap = 1; cap < need; cap++)
        assert_int_equal(query_target(&q, buf, cap), QUERY_TARGET_TOO_LONG);
    assert_int_equal(query_target(&q, buf, need), QUERY_OK);
}

static void test_walk(void **state)
{
    (void)state;
    struct walk w;
    walk_init(&w);
    assert_int_equal(walk_page_done(&w, 100, 1, 100, 1000), WALK_NEXT);
    assert_int_equal(w.page, 1);
    assert_int_equal(walk_page_done(&w, 100, 2, 100, 1000), WALK_NEXT);
    assert_int_equal(walk_page_done(&w, 37, 3, 100, 1000), WALK_DONE);
    /* an exact multiple ends with an empty page */
    walk_init(&w);
    assert_int_equal(walk_page_done(&w, 10, 1, 10, 1000), WALK_NEXT);
    assert_int_equal(walk_page_done(&w, 0, 2, 10, 1000), WALK_DONE);
    /* a server that ignores page: the same full page twice */
    walk_init(&w);
    assert_int_equal(walk_page_done(&w, 10, 42, 10, 1000), WALK_NEXT);
    assert_int_equal(walk_page_done(&w, 10, 42, 10, 1000), WALK_REPEATED);
    /* the cap */
    walk_init(&w);
    assert_int_equal(walk_page_done(&w, 10, 1, 10, 2), WALK_NEXT);
    assert_int_equal(walk_page_done(&w, 10, 2, 10, 2), WALK_CAPPED);
}

static void test_hash(void **state)
{
    (void)state;
    /* FNV-1a test vectors */
    assert_true(query_hash(QUERY_HASH_INIT, (const uint8_t *)"", 0) == 0xcbf29ce484222325ull);
    assert_true(query_hash(QUERY_HASH_INIT, (const uint8_t *)"a", 1) == 0xaf63dc4c8601ec8cull);
    assert_true(query_hash(QUERY_HASH_INIT, (const uint8_t *)"foobar", 6) == 0x85944171f73967e8ull);
    /* split feeding gives the same hash */
    uint64_t h = query_hash(QUERY_HASH_INIT, (const uint8_t *)"foo", 3);
    assert_true(query_hash(h, (const uint8_t *)"bar", 3) == 0x85944171f73967e8ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_url), cmocka_unit_test(test_long_url),
        cmocka_unit_test(test_pct_encode), cmocka_unit_test(test_target),
        cmocka_unit_test(test_walk), cmocka_unit_test(test_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
