/* The agent's transport: TCP, an optional CONNECT tunnel, TLS for https. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "xport.h"

int64_t xport_now_ms(void)
{
    return net_now_ms();
}

/* The maps below are indexed by -error: keep them in enum order. */
_Static_assert(NET_ERR_SOCKET == -10, "from_net() map follows enum net_err");
_Static_assert(TLS_ERR_WRITE == -11, "from_tls() map follows enum tls_err");

static enum xport_err from_net(enum net_err e)
{
    static const enum xport_err map[] = {
        XPORT_OK,           XPORT_ERR_DNS,          XPORT_ERR_REFUSED,
        XPORT_ERR_CONNECT_TIMEOUT, XPORT_ERR_UNREACHABLE, XPORT_ERR_CONNECT,
        XPORT_ERR_READ_TIMEOUT,    XPORT_ERR_WRITE_TIMEOUT, XPORT_ERR_RESET,
        XPORT_ERR_IO,       XPORT_ERR_SOCKET,
    };
    size_t i = (size_t)-(int)e;
    return i < sizeof map / sizeof map[0] ? map[i] : XPORT_ERR_IO;
}

static enum xport_err from_tls(const struct xport *x, enum tls_err e)
{
    static const enum xport_err map[] = {
        XPORT_OK,          XPORT_ERR_NO_CA_BUNDLE,  XPORT_ERR_CA_BUNDLE,
        XPORT_ERR_TLS_NOMEM, XPORT_ERR_TLS_SETUP,   XPORT_ERR_TLS_HANDSHAKE,
        XPORT_ERR_TLS_ALERT, XPORT_ERR_CERT_VERIFY, XPORT_ERR_IO,
        XPORT_ERR_TLS_EOF, XPORT_ERR_TLS_READ,      XPORT_ERR_TLS_WRITE,
    };
    if (e == TLS_ERR_TRANSPORT)
        return from_net(x->net_err);
    size_t i = (size_t)-(int)e;
    return i < sizeof map / sizeof map[0] ? map[i] : XPORT_ERR_TLS_HANDSHAKE;
}

/* ---- proxy URL and environment ---------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* Percent-decodes s[0..n) into out (NUL-terminated). */
static int pct_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            c = hexval(s[i + 1]) * 16 + hexval(s[i + 2]);
            i += 2;
        }
        if (o + 1 >= cap || c == 0)
            return -1;
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return 0;
}

/* "digits" (1..65535) into *port. */
static int parse_port(const char *s, size_t n, uint16_t *port)
{
    unsigned long v = 0;
    if (n == 0 || n > 5)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v == 0 || v > 65535)
        return -1;
    *port = (uint16_t)v;
    return 0;
}

/* "host[:port]" or "[v6][:port]" of length n into x->proxy_host/port. */
static int parse_hostport(struct xport *x, const char *s, size_t n)
{
    const char *h = s, *colon;
    size_t hl;
    x->proxy_port = 1080; /* curl's default proxy port */
    if (n > 0 && s[0] == '[') {
        const char *rb = memchr(s, ']', n);
        if (rb == NULL)
            return -1;
        h = s + 1;
        hl = (size_t)(rb - h);
        colon = rb + 1 < s + n ? rb + 1 : NULL;
        if (colon != NULL && *colon != ':')
            return -1;
    } else {
        colon = memchr(s, ':', n);
        hl = colon != NULL ? (size_t)(colon - s) : n;
    }
    if (colon != NULL && parse_port(colon + 1, (size_t)(s + n - colon - 1), &x->proxy_port) != 0)
        return -1;
    if (hl == 0 || hl >= sizeof x->proxy_host)
        return -1;
    memcpy(x->proxy_host, h, hl);
    x->proxy_host[hl] = '\0';
    return 0;
}

/* "http://[user:pass@]host[:port][/]" (scheme optional, as curl). */
static enum xport_err parse_proxy(struct xport *x, const char *url)
{
    const char *p = url, *end, *at;
    if (strncmp(p, "http://", 7) == 0)
        p += 7;
    else if (strstr(p, "://") != NULL)
        return XPORT_ERR_PROXY_URL;
    end = p + strcspn(p, "/?#");
    if (*end != '\0' && strcmp(end, "/") != 0)
        return XPORT_ERR_PROXY_URL;
    at = memchr(p, '@', (size_t)(end - p));
    if (at != NULL) {
        if (pct_decode(p, (size_t)(at - p), x->proxy_auth, sizeof x->proxy_auth) != 0)
            return XPORT_ERR_PROXY_URL;
        x->has_auth = 1;
        p = at + 1;
    }
    if (parse_hostport(x, p, (size_t)(end - p)) != 0)
        return XPORT_ERR_PROXY_URL;
    x->has_proxy = 1;
    return XPORT_OK;
}

/* Does one no_proxy entry e[0..n) match host? */
static int entry_match(const char *e, size_t n, const char *host)
{
    size_t hl = strlen(host);
    if (n == 1 && e[0] == '*')
        return 1;
    if (n > 0 && e[0] == '.') {
        e++;
        n--;
    }
    if (n == 0 || n > hl)
        return 0;
    if (strncasecmp(host + hl - n, e, n) != 0)
        return 0;
    return hl == n || host[hl - n - 1] == '.';
}

int xport_no_proxy_match(const char *list, const char *host)
{
    if (list == NULL)
        return 0;
    for (const char *p = list; *p != '\0';) {
        p += strspn(p, ", \t");
        size_t n = strcspn(p, ", \t");
        if (n > 0 && entry_match(p, n, host))
            return 1;
        p += n;
    }
    return 0;
}

static const char *env_either(const char *lower, const char *upper)
{
    const char *v = getenv(lower);
    if (v == NULL || *v == '\0')
        v = getenv(upper);
    return (v != NULL && *v != '\0') ? v : NULL;
}

int xport_proxy_from_env(const char *host, char *buf, size_t cap)
{
    const char *proxy = env_either("https_proxy", "HTTPS_PROXY");
    if (proxy == NULL || xport_no_proxy_match(env_either("no_proxy", "NO_PROXY"), host))
        return 0;
    size_t n = strlen(proxy);
    if (n >= cap)
        return -1;
    memcpy(buf, proxy, n + 1);
    return 1;
}

/* ---- setup ------------------------------------------------------------ */

enum xport_err xport_init(struct xport *x, const struct xport_cfg *cfg)
{
    memset(x, 0, sizeof *x);
    x->fd = -1;
    x->https = cfg->https;
    x->port = cfg->port;
    x->timeout_ms = cfg->timeout_ms;
    size_t hl = cfg->host != NULL ? strlen(cfg->host) : 0;
    if (hl == 0 || hl >= sizeof x->host || cfg->port == 0)
        return XPORT_ERR_ARG;
    memcpy(x->host, cfg->host, hl + 1);
    if (cfg->proxy != NULL && *cfg->proxy != '\0') {
        enum xport_err e = parse_proxy(x, cfg->proxy);
        if (e != XPORT_OK)
            return e;
    }
    if (!x->https)
        return XPORT_OK;
    return from_tls(x, tls_conn_init(&x->tls, x->host, cfg->cacert, cfg->insecure));
}

/* ---- I/O ---------------------------------------------------------------- */

static enum xport_err send_all(struct xport *x, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    while (len > 0) {
        long n = net_send(x->fd, p, len, x->timeout_ms, x->deadline);
        if (n < 0)
            return from_net(x->net_err = (enum net_err)n);
        x->stats.bytes_sent += (uint64_t)n;
        p += n;
        len -= (size_t)n;
    }
    return XPORT_OK;
}

static long recv_some(struct xport *x, void *buf, size_t cap)
{
    long n = net_recv(x->fd, buf, cap, x->timeout_ms, x->deadline);
    if (n < 0)
        return from_net(x->net_err = (enum net_err)n);
    x->stats.bytes_recv += (uint64_t)n;
    return n;
}

/* mbedTLS's bio callbacks: our sockets, timeouts and counters. */
static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct xport *x = ctx;
    if (len > INT_MAX)
        len = INT_MAX;
    long n = net_send(x->fd, buf, len, x->timeout_ms, x->deadline);
    if (n < 0) {
        x->net_err = (enum net_err)n;
        return TLS_BIO_FAILED;
    }
    x->stats.bytes_sent += (uint64_t)n;
    return (int)n;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    struct xport *x = ctx;
    if (len > INT_MAX)
        len = INT_MAX;
    long n = net_recv(x->fd, buf, len, x->timeout_ms, x->deadline);
    if (n < 0) {
        x->net_err = (enum net_err)n;
        return TLS_BIO_FAILED;
    }
    x->stats.bytes_recv += (uint64_t)n;
    return (int)n;
}

/* ---- CONNECT tunnel ------------------------------------------------------ */

static int on_proxy_headers(void *user)
{
    (void)user;
    return 1; /* stop at the end of the header: the body is not ours */
}

/* Reads the proxy's answer to CONNECT into p; XPORT_OK for a 2xx. */
static enum xport_err proxy_answer(struct xport *x, struct http_parser *p)
{
    static const struct http_callbacks cb = {.on_headers_done = on_proxy_headers};
    unsigned char buf[LIM_PROXY_MSG];
    enum http_err he = HTTP_OK;
    http_parser_init(p, HTTP_REQ_CONNECT);
    while (he == HTTP_OK) {
        long n = recv_some(x, buf, sizeof buf);
        if (n < 0)
            return (enum xport_err)n;
        he = n == 0 ? http_finish(p, &cb, NULL) : http_feed(p, buf, (size_t)n, &cb, NULL, NULL);
    }
    x->proxy_status = p->status;
    if (p->status >= 200 && p->status < 300 && (he == HTTP_DONE || he == HTTP_STOPPED))
        return XPORT_OK;
    if (p->status == 0 || (he != HTTP_DONE && he != HTTP_STOPPED)) {
        snprintf(x->detail, sizeof x->detail, "proxy %.64s: %s", x->proxy_host, http_strerror(he));
        return XPORT_ERR_PROXY_REPLY;
    }
    snprintf(x->detail, sizeof x->detail, "proxy %.64s answered %d to CONNECT", x->proxy_host,
             p->status);
    /* 407 is the proxy's code; tinyproxy 1.11 answers a bad password with 401 */
    return p->status == 407 || p->status == 401 ? XPORT_ERR_PROXY_AUTH : XPORT_ERR_PROXY_STATUS;
}

static enum xport_err proxy_connect(struct xport *x)
{
    char req[LIM_PROXY_MSG];
    size_t len = 0;
    struct http_parser p; /* on the stack only while the tunnel opens */
    if (http_write_connect(req, sizeof req, x->host, x->port, x->has_auth ? x->proxy_auth : NULL,
                           &len) != HTTP_OK) {
        snprintf(x->detail, sizeof x->detail, "CONNECT request does not fit");
        return XPORT_ERR_ARG;
    }
    enum xport_err e = send_all(x, req, len);
    return e != XPORT_OK ? e : proxy_answer(x, &p);
}

/* ---- open, send, recv, close ------------------------------------------ */

static enum xport_err tcp_connect(struct xport *x)
{
    char port[8];
    const char *host = x->has_proxy ? x->proxy_host : x->host;
    snprintf(port, sizeof port, "%u", (unsigned)(x->has_proxy ? x->proxy_port : x->port));
    uint16_t pnum = x->has_proxy ? x->proxy_port : x->port;
    enum net_err ne = NET_OK;
    if (!x->have_addrs)
        ne = net_resolve(host, pnum, &x->addrs);
    x->have_addrs = ne == NET_OK;
    if (ne == NET_OK)
        ne = net_connect_addrs(&x->addrs, x->timeout_ms, x->deadline, &x->fd, &x->loopback);
    if (ne != NET_OK && ne != NET_ERR_DNS && ne != NET_ERR_SOCKET) {
        /* the cached addresses failed: the name may point elsewhere now */
        x->have_addrs = net_resolve(host, pnum, &x->addrs) == NET_OK;
        if (x->have_addrs)
            ne = net_connect_addrs(&x->addrs, x->timeout_ms, x->deadline, &x->fd, &x->loopback);
    }
    if (ne == NET_OK) {
        x->stats.connections++;
        if (x->has_proxy)
            x->loopback = 0;
        return XPORT_OK;
    }
    x->fd = -1;
    snprintf(x->detail, sizeof x->detail, "%s%.64s port %s: %s", x->has_proxy ? "proxy " : "", host,
             port, net_strerror(ne));
    return x->has_proxy ? XPORT_ERR_PROXY_CONNECT : from_net(ne);
}

static enum xport_err tls_start(struct xport *x)
{
    int resumed = 0;
    enum tls_err te = tls_conn_handshake(&x->tls, x, bio_send, bio_recv, &resumed, x->detail,
                                         sizeof x->detail);
    if (te == TLS_ERR_TRANSPORT)
        snprintf(x->detail, sizeof x->detail, "during TLS handshake: %s", net_strerror(x->net_err));
    if (te != TLS_OK)
        return from_tls(x, te);
    x->stats.handshakes++;
    x->stats.resumed += resumed ? 1u : 0u;
    return XPORT_OK;
}

enum xport_err xport_open(struct xport *x, int64_t deadline)
{
    if (x->is_open)
        return XPORT_OK;
    x->deadline = deadline;
    x->detail[0] = '\0';
    x->proxy_status = 0;
    enum xport_err e = tcp_connect(x);
    if (e == XPORT_OK && x->has_proxy)
        e = proxy_connect(x);
    if (e == XPORT_OK && x->https)
        e = tls_start(x);
    if (e != XPORT_OK) {
        if (x->https)
            tls_conn_close(&x->tls, 0);
        net_close(x->fd);
        x->fd = -1;
        return e;
    }
    x->is_open = 1;
    return XPORT_OK;
}

/* Puts the mbedTLS code of a failed record read/write into detail. */
static void tls_io_detail(struct xport *x, enum tls_err te)
{
    if (te == TLS_ERR_TRANSPORT)
        snprintf(x->detail, sizeof x->detail, "%s", net_strerror(x->net_err));
    else
        snprintf(x->detail, sizeof x->detail, "mbedTLS error -0x%04x",
                 (unsigned)-x->tls.mbed_err);
}

enum xport_err xport_send(struct xport *x, const void *buf, size_t len, int64_t deadline)
{
    if (!x->is_open)
        return XPORT_ERR_NOT_OPEN;
    x->deadline = deadline;
    if (!x->https)
        return send_all(x, buf, len);
    enum tls_err te = tls_conn_write(&x->tls, buf, len);
    if (te == TLS_OK)
        return XPORT_OK;
    tls_io_detail(x, te);
    return from_tls(x, te);
}

long xport_recv(struct xport *x, void *buf, size_t cap, int64_t deadline)
{
    if (!x->is_open)
        return XPORT_ERR_NOT_OPEN;
    x->deadline = deadline;
    if (!x->https)
        return recv_some(x, buf, cap);
    long n = tls_conn_read(&x->tls, buf, cap);
    if (n >= 0)
        return n;
    tls_io_detail(x, (enum tls_err)n);
    return from_tls(x, (enum tls_err)n);
}

void xport_close(struct xport *x)
{
    if (x->is_open && x->https)
        tls_conn_close(&x->tls, 1);
    net_close(x->fd);
    x->fd = -1;
    x->is_open = 0;
}

void xport_free(struct xport *x)
{
    xport_close(x);
    if (x->https)
        tls_conn_free(&x->tls);
}

const char *xport_strerror(enum xport_err e)
{
    switch (e) {
    case XPORT_OK: return "ok";
    case XPORT_ERR_ARG: return "bad host or port";
    case XPORT_ERR_DNS: return "host name did not resolve";
    case XPORT_ERR_REFUSED: return "connection refused";
    case XPORT_ERR_CONNECT_TIMEOUT: return "connect timed out";
    case XPORT_ERR_UNREACHABLE: return "network or host unreachable";
    case XPORT_ERR_CONNECT: return "connect failed";
    case XPORT_ERR_READ_TIMEOUT: return "read timed out";
    case XPORT_ERR_WRITE_TIMEOUT: return "write timed out";
    case XPORT_ERR_RESET: return "connection reset by peer";
    case XPORT_ERR_IO: return "socket I/O error";
    case XPORT_ERR_SOCKET: return "cannot create socket";
    case XPORT_ERR_NO_CA_BUNDLE: return "no CA bundle found (give --cacert)";
    case XPORT_ERR_CA_BUNDLE: return "CA bundle unreadable";
    case XPORT_ERR_TLS_NOMEM: return "TLS arena exhausted";
    case XPORT_ERR_TLS_SETUP: return "TLS setup failed";
    case XPORT_ERR_TLS_HANDSHAKE: return "TLS handshake failed";
    case XPORT_ERR_TLS_ALERT: return "TLS peer sent a fatal alert";
    case XPORT_ERR_CERT_VERIFY: return "certificate verify failed";
    case XPORT_ERR_TLS_EOF: return "peer closed during the TLS handshake";
    case XPORT_ERR_TLS_READ: return "TLS record read failed";
    case XPORT_ERR_TLS_WRITE: return "TLS record write failed";
    case XPORT_ERR_PROXY_URL: return "bad proxy URL (want http://[user:pass@]host[:port])";
    case XPORT_ERR_PROXY_CONNECT: return "cannot connect to the proxy";
    case XPORT_ERR_PROXY_AUTH: return "proxy authentication failed";
    case XPORT_ERR_PROXY_STATUS: return "proxy refused the CONNECT tunnel";
    case XPORT_ERR_PROXY_REPLY: return "bad answer from the proxy";
    case XPORT_ERR_NOT_OPEN: return "connection not open";
    }
    return "unknown transport error";
}
