/* The transport without a TLS peer: no_proxy matching, proxy URLs, config
 * errors, socket timeouts/EOF/SIGPIPE against loopback sockets made here,
 * a plain-http exchange through xport, verify-failure wording, and arena
 * use back to its start after xport_free. (TLS peers: tests/it_tls.sh.) */
#include "testutil.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mbedtls/x509.h"

#include "net.h"
#include "tls.h"
#include "xport.h"

static struct xport x;

static void test_no_proxy(void **state)
{
    (void)state;
    static const struct {
        const char *list, *host;
        int want;
    } t[] = {
        {NULL, "a.example", 0},
        {"", "a.example", 0},
        {"*", "anything.invalid", 1},
        {"example.com", "example.com", 1},
        {"example.com", "api.example.com", 1},
        {"example.com", "badexample.com", 0},
        {".example.com", "api.example.com", 1},
        {".example.com", "example.com", 1},
        {"foo, bar ,EXAMPLE.com", "api.example.com", 1},
        {"localhost,127.0.0.1", "127.0.0.1", 1},
        {"localhost,127.0.0.1", "127.0.0.2", 0},
        {"com.", "example.com", 0},
        {"*.example.com", "a.example.com", 0}, /* curl: '*' only alone */
    };
    for (size_t i = 0; i < ARRAY_LEN(t); i++) {
        if (xport_no_proxy_match(t[i].list, t[i].host) != t[i].want)
            fail_msg("no_proxy '%s' host '%s': want %d", t[i].list ? t[i].list : "(null)",
                     t[i].host, t[i].want);
    }
}

static enum xport_err init_plain(const char *host, uint16_t port, const char *proxy)
{
    struct xport_cfg cfg = {.https = 0, .host = host, .port = port, .timeout_ms = 2000,
                            .proxy = proxy};
    return xport_init(&x, &cfg);
}

static void test_proxy_urls(void **state)
{
    (void)state;
    assert_int_equal(init_plain("h", 80, "http://proxy.lan:3128"), XPORT_OK);
    assert_string_equal(x.proxy_host, "proxy.lan");
    assert_int_equal(x.proxy_port, 3128);
    assert_false(x.has_auth);
    assert_int_equal(init_plain("h", 80, "http://u%40x:p%3Aw@10.0.0.1:8080/"), XPORT_OK);
    assert_string_equal(x.proxy_auth, "u@x:p:w");
    assert_string_equal(x.proxy_host, "10.0.0.1");
    assert_int_equal(init_plain("h", 80, "proxy.lan"), XPORT_OK);
    assert_int_equal(x.proxy_port, 1080);
    assert_int_equal(init_plain("h", 80, "http://[::1]:8888"), XPORT_OK);
    assert_string_equal(x.proxy_host, "::1");
    assert_int_equal(x.proxy_port, 8888);
    static const char *const bad[] = {
        "https://p:1", "socks5://p:1", "http://p:0", "http://p:65536", "http://p:12x",
        "http://:80", "http://[::1", "http://[::1]x", "http://p:80/path", "http://u:a%00b@p:1",
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        if (init_plain("h", 80, bad[i]) != XPORT_ERR_PROXY_URL)
            fail_msg("proxy URL '%s' was accepted", bad[i]);
    }
}

static void test_proxy_env(void **state)
{
    (void)state;
    char buf[64];
    unsetenv("https_proxy");
    unsetenv("HTTPS_PROXY");
    unsetenv("no_proxy");
    unsetenv("NO_PROXY");
    assert_int_equal(xport_proxy_from_env("gw.example", buf, sizeof buf), 0);
    setenv("HTTPS_PROXY", "http://upper:1", 1);
    assert_int_equal(xport_proxy_from_env("gw.example", buf, sizeof buf), 1);
    assert_string_equal(buf, "http://upper:1");
    setenv("https_proxy", "http://lower:2", 1);
    assert_int_equal(xport_proxy_from_env("gw.example", buf, sizeof buf), 1);
    assert_string_equal(buf, "http://lower:2");
    setenv("NO_PROXY", ".example", 1);
    assert_int_equal(xport_proxy_from_env("gw.example", buf, sizeof buf), 0);
    assert_int_equal(xport_proxy_from_env("gw.other", buf, 4), -1);
    unsetenv("https_proxy");
    unsetenv("HTTPS_PROXY");
    unsetenv("NO_PROXY");
}

static void test_config_errors(void **state)
{
    (void)state;
    assert_int_equal(init_plain("", 80, NULL), XPORT_ERR_ARG);
    assert_int_equal(init_plain("h", 0, NULL), XPORT_ERR_ARG);
    struct xport_cfg cfg = {.https = 1, .host = "h", .port = 443,
                            .cacert = "/nonexistent/ca.pem"};
    assert_int_equal(xport_init(&x, &cfg), XPORT_ERR_CA_BUNDLE);
    xport_free(&x);
    assert_int_equal(xport_send(&x, "a", 1, 0), XPORT_ERR_NOT_OPEN);
}

/* A loopback listener on an ephemeral port. */
static int listener(uint16_t *port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s >= 0);
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(s, 4), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return s;
}

static void test_net_failures(void **state)
{
    (void)state;
    uint16_t port;
    char ps[8], buf[16];
    int fd = -1, lb = 0;
    int ls = listener(&port);
    snprintf(ps, sizeof ps, "%u", port);
    assert_int_equal(net_connect("127.0.0.1", ps, 1000, 0, &fd, &lb), NET_OK);
    assert_int_equal(lb, 1);
    int peer = accept(ls, NULL, NULL);
    assert_true(peer >= 0);
    /* nothing sent: the read times out, bounded by the per-call timeout */
    int64_t t0 = net_now_ms();
    assert_int_equal(net_recv(fd, buf, sizeof buf, 100, 0), NET_ERR_READ_TIMEOUT);
    assert_true(net_now_ms() - t0 < 1000);
    /* the overall deadline wins over a longer timeout */
    t0 = net_now_ms();
    assert_int_equal(net_recv(fd, buf, sizeof buf, 5000, t0 + 100), NET_ERR_READ_TIMEOUT);
    assert_true(net_now_ms() - t0 < 1000);
    close(peer);
    assert_int_equal(net_recv(fd, buf, sizeof buf, 1000, 0), 0); /* FIN */
    /* writing to a closed peer: an error, never SIGPIPE */
    long r = 0;
    for (int i = 0; i < 100 && r >= 0; i++)
        r = net_send(fd, "xxxxxxxxxxxxxxxx", 16, 1000, 0);
    assert_int_equal(r, NET_ERR_RESET);
    net_close(fd);
    close(ls);
    /* the port is closed now */
    assert_int_equal(net_connect("127.0.0.1", ps, 1000, 0, &fd, &lb), NET_ERR_REFUSED);
    assert_int_equal(net_connect("nonexistent.invalid", "80", 1000, 0, &fd, &lb), NET_ERR_DNS);
}

static void test_plain_exchange(void **state)
{
    (void)state;
    uint16_t port;
    char buf[16];
    int ls = listener(&port);
    assert_int_equal(init_plain("127.0.0.1", port, NULL), XPORT_OK);
    assert_int_equal(xport_open(&x, xport_now_ms() + 2000), XPORT_OK);
    assert_true(x.is_open);
    assert_int_equal(x.loopback, 1);
    int peer = accept(ls, NULL, NULL);
    assert_true(peer >= 0);
    assert_int_equal(xport_send(&x, "GET", 3, 0), XPORT_OK);
    assert_int_equal(read(peer, buf, sizeof buf), 3);
    assert_int_equal(write(peer, "hello", 5), 5);
    assert_int_equal(xport_recv(&x, buf, sizeof buf, 0), 5);
    assert_memory_equal(buf, "hello", 5);
    close(peer);
    assert_int_equal(xport_recv(&x, buf, sizeof buf, 0), 0);
    assert_int_equal(x.stats.connections, 1);
    assert_int_equal(x.stats.handshakes, 0);
    assert_int_equal(x.stats.bytes_sent, 3);
    assert_int_equal(x.stats.bytes_recv, 5);
    xport_free(&x);
    assert_false(x.is_open);
    close(ls);
}

static void test_tls_init_free_arena(void **state)
{
    (void)state;
    assert_int_equal(tls_global_init(), 0);
    size_t before = tls_arena_used();
    struct xport_cfg cfg = {.https = 1, .host = "127.0.0.1", .port = 9, .insecure = 1,
                            .timeout_ms = 1000};
    for (int i = 0; i < 100; i++) {
        assert_int_equal(xport_init(&x, &cfg), XPORT_OK);
        /* port 9 is closed: connect fails, nothing may stay allocated */
        assert_int_equal(xport_open(&x, 0), XPORT_ERR_REFUSED);
        xport_free(&x);
        assert_int_equal(tls_arena_used(), before);
    }
}

static void test_verify_reasons(void **state)
{
    (void)state;
    char out[LIM_XPORT_DETAIL];
    tls_verify_reason(MBEDTLS_X509_BADCERT_EXPIRED, out, sizeof out);
    assert_string_equal(out, "certificate expired");
    tls_verify_reason(MBEDTLS_X509_BADCERT_CN_MISMATCH | MBEDTLS_X509_BADCERT_NOT_TRUSTED, out,
                      sizeof out);
    assert_string_equal(out, "hostname mismatch, unknown CA (not trusted)");
    tls_verify_reason(0, out, sizeof out);
    assert_string_equal(out, "certificate rejected (verify flags 0x0)");
    tls_verify_reason(0xffffu, out, 12); /* cut, still terminated */
    assert_true(strlen(out) < 12);
}

static void test_strerror_distinct(void **state)
{
    (void)state;
    for (int a = XPORT_OK; a >= XPORT_ERR_NOT_OPEN; a--) {
        const char *sa = xport_strerror((enum xport_err)a);
        assert_null(strstr(sa, "unknown"));
        for (int b = a - 1; b >= XPORT_ERR_NOT_OPEN; b--)
            assert_string_not_equal(sa, xport_strerror((enum xport_err)b));
    }
    for (int a = NET_OK; a >= NET_ERR_SOCKET; a--)
        assert_null(strstr(net_strerror((enum net_err)a), "unknown"));
    for (int a = TLS_OK; a >= TLS_ERR_WRITE; a--)
        assert_null(strstr(tls_strerror((enum tls_err)a), "unknown"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_proxy),          cmocka_unit_test(test_proxy_urls),
        cmocka_unit_test(test_proxy_env),         cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_net_failures),      cmocka_unit_test(test_plain_exchange),
        cmocka_unit_test(test_tls_init_free_arena), cmocka_unit_test(test_verify_reasons),
        cmocka_unit_test(test_strerror_distinct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
