/* tool_fetch: a test client for the transport. It GETs one URL N times over
 * one kept-alive connection (re-opening it, with TLS session resumption, when
 * the server closes), and prints one line of counters for tests/it_tls.sh:
 *   status=200 body=612 requests=10 connections=1 handshakes=1 resumed=0
 *   tls=TLSv1.3 loopback=1 arena_peak=27000 arena_leak=0 sent=.. recv=..
 * body is the total over all requests. arena_leak is arena bytes still in
 * use after xport_free minus before init; arena_drift is max - min of the
 * arena use seen after each close from the second one on (0: no leak per
 * connection).
 * On failure it prints "error: <xport_strerror>: <detail>" and exits 1.
 *   tool_fetch [--cacert F] [--insecure] [--count N] [--proxy URL]
 *              [--reconnect] [--timeout MS] URL
 * Without --proxy it takes https_proxy/no_proxy from the environment. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "limits.h"
#include "tls.h"
#include "xport.h"

struct opts {
    const char *cacert, *proxy, *url;
    int insecure, reconnect, timeout_ms;
    long count;
};

struct fetch {
    struct xport x;
    struct http_parser p;
    uint64_t body;
    char target[LIM_URL], hostport[LIM_HOST + 8];
    char tls_version[16];
};

static struct fetch f;

static int usage(void)
{
    fprintf(stderr, "usage: tool_fetch [--cacert F] [--insecure] [--count N] [--proxy URL] "
                    "[--reconnect] [--timeout MS] http[s]://host[:port]/path\n");
    return 2;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
    memset(o, 0, sizeof *o);
    o->count = 1;
    o->timeout_ms = 5000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (strcmp(a, "--cacert") == 0 && more)
            o->cacert = argv[++i];
        else if (strcmp(a, "--proxy") == 0 && more)
            o->proxy = argv[++i];
        else if (strcmp(a, "--count") == 0 && more)
            o->count = strtol(argv[++i], NULL, 10);
        else if (strcmp(a, "--timeout") == 0 && more)
            o->timeout_ms = atoi(argv[++i]);
        else if (strcmp(a, "--insecure") == 0)
            o->insecure = 1;
        else if (strcmp(a, "--reconnect") == 0)
            o->reconnect = 1;
        else if (a[0] != '-' && o->url == NULL)
            o->url = a;
        else
            return -1;
    }
    return o->url != NULL && o->count > 0 ? 0 : -1;
}

/* http[s]://host[:port][/path] or [v6] host into cfg and f.target. */
static int parse_url(const char *url, struct xport_cfg *cfg, char *host, size_t hcap)
{
    const char *p;
    cfg->https = strncmp(url, "https://", 8) == 0;
    if (!cfg->https && strncmp(url, "http://", 7) != 0)
        return -1;
    p = url + (cfg->https ? 8 : 7);
    size_t hp = strcspn(p, "/");
    snprintf(f.target, sizeof f.target, "%s", p[hp] ? p + hp : "/");
    if (hp >= sizeof f.hostport)
        return -1;
    memcpy(f.hostport, p, hp);
    f.hostport[hp] = '\0';
    const char *h = f.hostport, *colon;
    size_t hl;
    if (*h == '[') {
        const char *rb = strchr(h, ']');
        if (rb == NULL)
            return -1;
        h++;
        hl = (size_t)(rb - h);
        colon = rb[1] == ':' ? rb + 1 : NULL;
    } else {
        colon = strchr(h, ':');
        hl = colon ? (size_t)(colon - h) : strlen(h);
    }
    if (hl == 0 || hl >= hcap)
        return -1;
    memcpy(host, h, hl);
    host[hl] = '\0';
    cfg->port = (uint16_t)(colon ? atoi(colon + 1) : (cfg->https ? 443 : 80));
    return 0;
}

static int on_body(void *user, const uint8_t *data, size_t len)
{
    (void)user;
    (void)data;
    f.body += len;
    return 0;
}

/* Reads one response. 1: complete; 0: the connection was closed before
 * the first byte (a stale keep-alive: try again); -1: error. */
static int read_response(int64_t deadline)
{
    static const struct http_callbacks cb = {.on_body = on_body};
    uint8_t buf[LIM_RECV_BUF];
    enum http_err he = HTTP_OK;
    http_parser_init(&f.p, HTTP_REQ_GET);
    while (he == HTTP_OK) {
        long n = xport_recv(&f.x, buf, sizeof buf, deadline);
        if (n < 0) {
            printf("error: %s: %s\n", xport_strerror((enum xport_err)n), f.x.detail);
            return -1;
        }
        he = n == 0 ? http_finish(&f.p, &cb, NULL) : http_feed(&f.p, buf, (size_t)n, &cb, NULL, NULL);
        if (n == 0 && he == HTTP_OK)
            he = HTTP_ERR_EOF_HEAD;
    }
    if (he == HTTP_ERR_EOF_EMPTY)
        return 0;
    if (he != HTTP_DONE) {
        printf("error: http: %s\n", http_strerror(he));
        return -1;
    }
    return 1;
}

static int open_conn(int64_t deadline)
{
    enum xport_err e = xport_open(&f.x, deadline);
    if (e != XPORT_OK) {
        printf("error: %s: %s\n", xport_strerror(e), f.x.detail);
        return -1;
    }
    if (f.x.https && f.tls_version[0] == '\0')
        snprintf(f.tls_version, sizeof f.tls_version, "%s", mbedtls_ssl_get_version(&f.x.tls.ssl));
    return 0;
}

/* One GET, re-opening the connection once if it turned out stale. */
static int one_request(const char *req, size_t len, const struct opts *o)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        int64_t deadline = xport_now_ms() + 4 * o->timeout_ms;
        if (open_conn(deadline) != 0)
            return -1;
        enum xport_err e = xport_send(&f.x, req, len, deadline);
        int r = e == XPORT_OK ? read_response(deadline) : 0;
        if (r < 0)
            return -1;
        if (r > 0) {
            if (!f.p.reusable || o->reconnect)
                xport_close(&f.x);
            return 0;
        }
        xport_close(&f.x);
    }
    printf("error: connection closed twice before an answer\n");
    return -1;
}

static int build_request(char *req, size_t cap, size_t *len)
{
    struct http_request rq = {.method = "GET", .target = f.target, .host = f.hostport,
                              .accept = "*/*"};
    return http_write_request(req, cap, &rq, len) == HTTP_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct opts o;
    struct xport_cfg cfg;
    char host[LIM_HOST], proxy[LIM_URL], req[LIM_REQUEST];
    size_t len = 0;
    memset(&cfg, 0, sizeof cfg);
    if (parse_opts(argc, argv, &o) != 0 || parse_url(o.url, &cfg, host, sizeof host) != 0)
        return usage();
    if (tls_global_init() != 0 || build_request(req, sizeof req, &len) != 0)
        return 1;
    cfg.host = host;
    cfg.cacert = o.cacert;
    cfg.insecure = o.insecure;
    cfg.timeout_ms = o.timeout_ms;
    cfg.proxy = o.proxy;
    if (cfg.proxy == NULL && xport_proxy_from_env(host, proxy, sizeof proxy) == 1)
        cfg.proxy = proxy;
    size_t before = tls_arena_used();
    enum xport_err e = xport_init(&f.x, &cfg);
    if (e != XPORT_OK) {
        printf("error: %s: %s\n", xport_strerror(e), f.x.detail);
        return 1;
    }
    long done = 0;
    size_t lo = SIZE_MAX, hi = 0;
    while (done < o.count && one_request(req, len, &o) == 0) {
        size_t used = tls_arena_used();
        if (++done >= 2 && !f.x.is_open) {
            lo = used < lo ? used : lo;
            hi = used > hi ? used : hi;
        }
    }
    struct xport_stats s = f.x.stats;
    int loopback = f.x.loopback;
    xport_free(&f.x);
    printf("status=%d body=%llu requests=%ld connections=%u handshakes=%u resumed=%u tls=%s "
           "loopback=%d arena_peak=%zu arena_leak=%ld arena_drift=%zu sent=%llu recv=%llu\n",
           f.p.status, (unsigned long long)f.body, done, s.connections, s.handshakes, s.resumed,
           f.tls_version[0] ? f.tls_version : "none", loopback, tls_arena_peak(),
           (long)tls_arena_used() - (long)before, hi >= lo ? hi - lo : 0,
           (unsigned long long)s.bytes_sent,
           (unsigned long long)s.bytes_recv);
    return done == o.count ? 0 : 1;
}
