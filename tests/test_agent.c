/* agent's pure parts: the token bucket, backoff with jitter and Retry-After,
 * the body's retryAfter, and the sanitised excerpt that never shows the key. */
#include "testutil.h"

#include "agent.h"

static void test_rate(void **state)
{
    (void)state;
    struct rate r;
    /* 5 per second: a burst of 5, then one every 200 ms */
    rate_init(&r, 5000, 0);
    assert_int_equal(rate_wait_ms(&r, 0), 0);
    rate_take(&r, 0);
    assert_int_equal(rate_wait_ms(&r, 0), 200);
    assert_int_equal(rate_wait_ms(&r, 150), 50);
    assert_int_equal(rate_wait_ms(&r, 200), 0);
    rate_take(&r, 200);
    /* a long idle time fills at most the one-second burst */
    for (int i = 0; i < 5; i++) {
        assert_int_equal(rate_wait_ms(&r, 10000), 0);
        rate_take(&r, 10000);
    }
    assert_int_equal(rate_wait_ms(&r, 10000), 200);
    /* 0.5 per second: two seconds apart */
    rate_init(&r, 500, 0);
    rate_take(&r, 0);
    assert_int_equal(rate_wait_ms(&r, 0), 2000);
    /* the gateway said Remaining: 0 */
    rate_init(&r, 1000000, 0);
    rate_take(&r, 0);
    rate_exhausted(&r, 0);
    assert_true(rate_wait_ms(&r, 1) >= 999);
    assert_int_equal(rate_wait_ms(&r, 1000), 0);
}

static void test_backoff(void **state)
{
    (void)state;
    uint64_t rng = 1;
    for (int round = 0; round < 200; round++) {
        for (uint32_t n = 1; n <= 10; n++) {
            int64_t full = 250LL << (n - 1);
            if (full > 8000)
                full = 8000;
            int64_t d = agent_backoff_ms(n, -1, &rng);
            if (d < full / 2 || d > full)
                fail_msg("attempt %u: %lld ms outside [%lld, %lld]", n, (long long)d,
                         (long long)full / 2, (long long)full);
        }
    }
    /* the server's word wins, within a cap */
    assert_int_equal(agent_backoff_ms(1, 12, &rng), 12000);
    assert_int_equal(agent_backoff_ms(3, 0, &rng), 0);
    assert_int_equal(agent_backoff_ms(1, 99999, &rng), 600000);
    /* jitter actually varies */
    int64_t a = agent_backoff_ms(4, -1, &rng), b = a;
    for (int i = 0; i < 20 && b == a; i++)
        b = agent_backoff_ms(4, -1, &rng);
    assert_true(a != b);
}

static void test_body_retry_after(void **state)
{
    (void)state;
    static const char body[] = "{\"status\":429,\"error\":\"Too Many Requests\",\"message\":"
                               "\"Rate limit exceeded. Please retry after 12 seconds.\","
                               "\"retryAfter\":12}";
    assert_int_equal(agent_body_retry_after(body, strlen(body)), 12);
    assert_int_equal(agent_body_retry_after("{\"retryAfter\" : 3}", 18), 3);
    assert_int_equal(agent_body_retry_after("{\"status\":429}", 14), -1);
    assert_int_equal(agent_body_retry_after("{\"retryAfter\":\"x\"}", 18), -1);
    /* a cut body: the number is not there */
    assert_int_equal(agent_body_retry_after(body, strlen(body) - 4), -1);
}

static void test_excerpt(void **state)
{
    (void)state;
    char out[LIM_EXCERPT * 4 + 8];
    const char *none[1] = {NULL};
    agent_excerpt(out, sizeof out, "bad\r\nline\x01", 10, none, 1);
    assert_string_equal(out, "bad\\x0d\\x0aline\\x01");
    /* a server that echoes the key back never gets it printed */
    const char *key[1] = {"s3cr3t-KEY"};
    static const char echo[] = "{\"message\":\"invalid key s3cr3t-KEY for s3cr3t-KEY\"}";
    agent_excerpt(out, sizeof out, echo, strlen(echo), key, 1);
    assert_null(strstr(out, "s3cr3t"));
    assert_string_equal(out, "{\"message\":\"invalid key *** for ***\"}");
    /* Basic: both user:password and its base64 are masked */
    const char *basic[2] = {"alice:pw", "YWxpY2U6cHc="};
    static const char hdr[] = "Authorization: Basic YWxpY2U6cHc= user alice:pw";
    agent_excerpt(out, sizeof out, hdr, strlen(hdr), basic, 2);
    assert_string_equal(out, "Authorization: Basic *** user ***");
    /* a key straddling the excerpt's end is masked whole, not cut in two */
    char body[LIM_EXCERPT + 64];
    memset(body, 'x', sizeof body);
    memcpy(body + LIM_EXCERPT - 5, "s3cr3t-KEY", 10);
    agent_excerpt(out, sizeof out, body, sizeof body, key, 1);
    assert_null(strstr(out, "s3cr"));
    assert_non_null(strstr(out, "***"));
    /* ... and when the capture itself ends inside the key */
    agent_excerpt(out, sizeof out, body, LIM_EXCERPT - 1, key, 1);
    assert_null(strstr(out, "s3cr"));
    /* bounded, never overflowing, whatever comes in */
    char big[1000];
    memset(big, 0x02, sizeof big);
    agent_excerpt(out, 64, big, sizeof big, key, 1);
    assert_true(strlen(out) < 64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_body_retry_after),
        cmocka_unit_test(test_excerpt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
