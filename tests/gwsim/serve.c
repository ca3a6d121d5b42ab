/* The server: one listening socket, one forked child per connection (a
 * stalled connection never blocks another), HTTP/1.1 keep-alive and
 * pipelining, TLS through OpenSSL, and the faults. Request counters live in
 * a MAP_SHARED page so "every K-th request" counts across all children. */
#include "gwsim.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REQ_MAX 16384u   /* request head plus body; more is answered 431/413 */
#define VAL_MAX 256u     /* one decoded query value */
#define MAX_CHILDREN 512 /* open connections at a time */

struct shared {
    atomic_ullong all;  /* every request */
    atomic_ullong hist; /* valid history requests on fault channels */
};

struct conn {
    int fd;
    SSL *ssl;
};

struct req {
    char method[16];
    const char *target;
    size_t target_len;
    bool http10, close, keepalive;
    const char *apikey, *auth;
    size_t apikey_len, auth_len;
    long clen;
    bool chunked_body;
};

static struct shared *sh;
static const struct gw_opts *O;
static const struct gw_data *D;
static char basic_b64[512];
static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

/* ---- connection I/O ------------------------------------------------------ */
static long c_read(struct conn *c, char *p, size_t n)
{
    if (c->ssl) {
        int r = SSL_read(c->ssl, p, n > INT32_MAX ? INT32_MAX : (int)n);
        return r > 0 ? r : 0;
    }
    for (;;) {
        ssize_t r = recv(c->fd, p, n, 0);
        if (r < 0 && errno == EINTR)
            continue;
        return r > 0 ? (long)r : 0;
    }
}

static int c_write(struct conn *c, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        size_t k = n > (1u << 20) ? (1u << 20) : n;
        long w;
        if (c->ssl) {
            w = SSL_write(c->ssl, s, (int)k);
        } else {
            w = send(c->fd, s, k, MSG_NOSIGNAL);
            if (w < 0 && errno == EINTR)
                continue;
        }
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Closes politely: close_notify, FIN, then a short drain so no RST is sent. */
static void c_close(struct conn *c)
{
    if (c->ssl)
        SSL_shutdown(c->ssl);
    shutdown(c->fd, SHUT_WR);
    char tmp[4096];
    int64_t end = mono_ms() + 500;
    while (mono_ms() < end) {
        struct pollfd p = {c->fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        if (read(c->fd, tmp, sizeof tmp) <= 0)
            break;
    }
    close(c->fd);
}

/* Aborts: SO_LINGER 0 makes close() send a TCP RST. */
static void c_reset(struct conn *c)
{
    struct linger l = {1, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    close(c->fd);
}

/* ---- responses ---------------------------------------------------------- */
static const char *reason_of(int st)
{
    switch (st) {
    case 200: return "OK";
    case 302: return "Found";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    default: return "Service Unavailable";
    }
}

static void head_start(struct gw_buf *h, int st, bool close, unsigned long long n)
{
    char date[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    buf_fmt(h, "HTTP/1.1 %d %s\r\nDate: %s\r\nContent-Type: application/json\r\n", st, reason_of(st), date);
    buf_fmt(h, "X-RateLimit-Limit: 1000\r\nX-RateLimit-Remaining: %llu\r\n", st == 429 ? 0 : 999 - (n % 1000));
    buf_fmt(h, "Connection: %s\r\n", close ? "close" : "keep-alive");
}

/* An answer with a small JSON body {"status":..,"error":..,"message":..[,extra]}. */
static int send_error(struct conn *c, int st, const char *msg, const char *extra_hdr, const char *extra_json,
                      bool close)
{
    struct gw_buf b = {0}, h = {0};
    buf_fmt(&b, "{\"status\":%d,\"error\":\"%s\",\"message\":", st, reason_of(st));
    buf_json_str(&b, msg, false);
    buf_fmt(&b, "%s}", extra_json ? extra_json : "");
    head_start(&h, st, close, atomic_load(&sh->all));
    buf_fmt(&h, "%sContent-Length: %zu\r\n\r\n", extra_hdr ? extra_hdr : "", b.len);
    buf_add(&h, b.p, b.len);
    int rc = c_write(c, h.p, h.len);
    buf_free(&b);
    buf_free(&h);
    return rc;
}

/* ---- the query ------------------------------------------------------------ */
static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes like a servlet container: %XX, and '+' as a space. -1 if malformed
 * or longer than cap-1; else the length. */
static long pct_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '%') {
            if (i + 2 >= n)
                return -1;
            int a = hexval(s[i + 1]), b = hexval(s[i + 2]);
            if (a < 0 || b < 0)
                return -1;
            ch = (char)(a * 16 + b);
            i += 2;
        } else if (ch == '+') {
            ch = ' ';
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = ch;
    }
    out[o] = 0;
    return (long)o;
}

enum { P_CHANNEL, P_FROM, P_TO, P_STATUS, P_PAGE, P_LIMIT, P_N };
static const char *const pnames[P_N] = {"channel", "from", "to", "status", "page", "limit"};

struct query {
    char v[P_N][VAL_MAX];
    long len[P_N]; /* -1: absent */
    int ch, st;
    int64_t from, to;
    uint64_t page, limit;
};

static bool uint_of(const char *s, long n, uint64_t max, uint64_t *v)
{
    *v = 0;
    if (n <= 0 || n > 12)
        return false;
    for (long i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        *v = *v * 10 + (uint64_t)(s[i] - '0');
    }
    return *v <= max;
}

/* Fills q from the query string; on error writes the message into *msg. */
static int parse_query(const char *qs, size_t n, struct query *q, struct gw_buf *msg)
{
    for (int i = 0; i < P_N; i++)
        q->len[i] = -1;
    size_t i = 0;
    while (i < n) {
        size_t e = i;
        while (e < n && qs[e] != '&')
            e++;
        size_t eq = i;
        while (eq < e && qs[eq] != '=')
            eq++;
        char key[64];
        long kl = pct_decode(qs + i, eq - i, key, sizeof key);
        for (int p = 0; kl > 0 && p < P_N; p++) {
            if (strcmp(key, pnames[p]) || q->len[p] >= 0)
                continue;
            const char *val = eq < e ? qs + eq + 1 : qs + e;
            q->len[p] = pct_decode(val, (size_t)(qs + e - val), q->v[p], VAL_MAX);
            if (q->len[p] < 0) {
                buf_fmt(msg, "Malformed value for parameter '%s'", pnames[p]);
                return -1;
            }
        }
        i = e + 1;
    }
    /* an empty optional value counts as absent, like a missing one */
    for (int p = P_STATUS; p < P_N; p++)
        if (q->len[p] == 0)
            q->len[p] = -1;
    for (int p = P_CHANNEL; p <= P_TO; p++) {
        if (q->len[p] <= 0) {
            buf_fmt(msg, "Required request parameter '%s' is not present", pnames[p]);
            return -1;
        }
    }
    q->ch = gw_channel_of(q->v[P_CHANNEL], (size_t)q->len[P_CHANNEL]);
    if (q->ch < 0) {
        buf_fmt(msg, "Invalid value '%s' for parameter 'channel': expected SMS, RCS or WHATSAPP", q->v[P_CHANNEL]);
        return -1;
    }
    for (int p = P_FROM; p <= P_TO; p++) {
        int64_t *t = p == P_FROM ? &q->from : &q->to;
        if (strlen(q->v[p]) != (size_t)q->len[p] || gw_parse_time(q->v[p], (size_t)q->len[p], t, p == P_FROM)) {
            buf_fmt(msg,
                    "Invalid value '%s' for parameter '%s': expected an ISO-8601 date-time with offset, "
                    "e.g. 2025-01-01T00:00:00+01:00 (send '+' as %%2B)",
                    q->v[p], pnames[p]);
            return -1;
        }
    }
    q->st = -1;
    if (q->len[P_STATUS] > 0) {
        q->st = gw_status_of(q->v[P_STATUS], (size_t)q->len[P_STATUS]);
        if (q->st < 0) {
            buf_fmt(msg,
                    "Invalid value '%s' for parameter 'status': expected DELIVERED, SENT, RECEIVED, ERROR, "
                    "EXPIRED or UNKNOWN",
                    q->v[P_STATUS]);
            return -1;
        }
    }
    q->page = 0;
    if (q->len[P_PAGE] > 0 && !uint_of(q->v[P_PAGE], q->len[P_PAGE], 1000000000000u, &q->page)) {
        buf_fmt(msg, "Invalid value '%s' for parameter 'page': must be an integer >= 0", q->v[P_PAGE]);
        return -1;
    }
    q->limit = 20;
    if (q->len[P_LIMIT] > 0 &&
        (!uint_of(q->v[P_LIMIT], q->len[P_LIMIT], 1000, &q->limit) || q->limit < 1)) {
        buf_fmt(msg, "Invalid value '%s' for parameter 'limit': must be an integer between 1 and 1000",
                q->v[P_LIMIT]);
        return -1;
    }
    return 0;
}

/* The page: matching records of the channel in (send time, index) order,
 * items [page*limit, page*limit+limit). */
static void render_page(struct gw_buf *b, const struct query *q)
{
    /* a wrapped answer carries a per-request id, as real APIs do: a client
     * cannot tell pages apart by comparing whole bodies */
    if (O->wrap)
        buf_fmt(b, "{\"requestId\":\"req-%llu\",\"messages\":[",
                (unsigned long long)atomic_load(&sh->all));
    else
        buf_str(b, "[");
    uint64_t page = O->ignore_page ? 0 : q->page;
    uint64_t skip = page * q->limit, pos = 0;
    int n = 0;
    if (q->from <= q->to) {
        uint32_t k = gw_lower_bound(D, q->ch, q->from);
        if (q->st < 0) { /* every slot matches: jump straight to the page */
            if (skip >= D->count[q->ch] - k)
                k = D->count[q->ch];
            else
                k += (uint32_t)skip;
            pos = skip;
        }
        for (; k < D->count[q->ch] && pos < skip + q->limit; k++) {
            const struct gw_slot *sl = &D->slot[q->ch][k];
            if (sl->send_ms > q->to)
                break;
            if (q->st >= 0 && sl->st != q->st)
                continue;
            if (pos++ < skip)
                continue;
            struct gw_rec r;
            gw_rec_get(D, sl->idx, &r);
            if (n++)
                buf_add(b, ",", 1);
            gw_rec_render(b, &r, O->malformed >= 0 && pos - 1 == (uint64_t)O->malformed);
        }
    }
    buf_str(b, O->wrap ? "]}" : "]");
}

/* Frames body as chunks of 1 B .. 16 KB drawn from the seeded generator. */
static void chunk_encode(struct gw_buf *w, const char *p, size_t n, uint64_t rs, bool bad)
{
    size_t off = 0;
    while (off < n) {
        uint64_t r = gw_next(&rs);
        size_t len = 1 + (size_t)((r >> 8) % (1u << (r % 15)));
        if (len > n - off)
            len = n - off;
        if (bad && off >= n / 2) {
            buf_str(w, "zz;bad\r\n");
            buf_add(w, p + off, len);
            return;
        }
        buf_fmt(w, "%zx\r\n", len);
        buf_add(w, p + off, len);
        buf_str(w, "\r\n");
        off += len;
    }
    if (bad)
        buf_str(w, "zz;bad\r\n");
    else
        buf_str(w, "0\r\n\r\n");
}

static bool kth(uint32_t k, unsigned long long n) { return k && n && n % k == 0; }

/* Writes the body bytes, with a drip or a stall when asked. */
static int send_body(struct conn *c, const char *p, size_t n, bool stall)
{
    if (O->drip_ms) {
        for (size_t i = 0; i < n; i++) {
            if (c_write(c, p + i, 1))
                return -1;
            if (i + 1 < n)
                sleep_ms(O->drip_ms);
        }
        return 0;
    }
    if (!stall)
        return c_write(c, p, n);
    if (c_write(c, p, n / 2))
        return -1;
    sleep_ms((int64_t)O->stall_secs * 1000);
    return c_write(c, p + n / 2, n - n / 2);
}

enum outcome { KEEP, CLOSE, GONE };

static enum outcome history(struct conn *c, const struct query *q, bool close, const char **tag)
{
    unsigned long long n = 0;
    if (O->fault_chans & (1u << q->ch))
        n = atomic_fetch_add(&sh->hist, 1) + 1;
    if (kth(O->k500, n)) {
        *tag = " fault=500";
        return send_error(c, 500, "Unexpected error, please retry after a short delay", NULL, NULL, close) ? GONE
               : close ? CLOSE : KEEP;
    }
    if (kth(O->k429, n)) {
        char hdr[64], js[64], msg[96];
        *tag = " fault=429";
        snprintf(hdr, sizeof hdr, "Retry-After: %d\r\n", O->retry_after);
        snprintf(js, sizeof js, ",\"retryAfter\":%d", O->retry_after);
        snprintf(msg, sizeof msg, "Rate limit exceeded. Please retry after %d seconds.", O->retry_after);
        int rc = send_error(c, 429, O->mode429 == 1 ? "Rate limit exceeded." : msg, O->mode429 == 2 ? NULL : hdr,
                            O->mode429 == 1 ? NULL : js, close);
        return rc ? GONE : close ? CLOSE : KEEP;
    }
    if (kth(O->k503, n)) {
        *tag = " fault=503";
        return send_error(c, 503, "Service temporarily unavailable", NULL, NULL, close) ? GONE : close ? CLOSE : KEEP;
    }
    bool reset = kth(O->kreset, n), shortcl = !reset && kth(O->kshort, n);
    bool badchunk = !reset && !shortcl && kth(O->kbadchunk, n);
    bool stall = !reset && !shortcl && !badchunk && kth(O->kstall, n);
    bool chunked = (O->chunked && !shortcl) || badchunk;
    if (reset || shortcl || badchunk)
        close = true;
    *tag = reset ? " fault=reset" : shortcl ? " fault=short-cl" : badchunk ? " fault=bad-chunk" : stall ? " fault=stall" : "";

    struct gw_buf body = {0}, wire = {0}, h = {0};
    render_page(&body, q);
    head_start(&h, 200, close, n ? n : atomic_load(&sh->all));
    if (chunked) {
        chunk_encode(&wire, body.p, body.len, D->seed ^ (n * 0x9E3779B97F4A7C15u) ^ body.len, badchunk);
        buf_str(&h, "Transfer-Encoding: chunked\r\n\r\n");
    } else {
        buf_add(&wire, body.p, body.len);
        buf_fmt(&h, "Content-Length: %zu\r\n\r\n", body.len + (shortcl ? body.len / 2 + 100 : 0));
    }
    enum outcome out = close ? CLOSE : KEEP;
    if (c_write(c, h.p, h.len))
        out = GONE;
    else if (reset) {
        if (c_write(c, wire.p, wire.len / 2) == 0)
            sleep_ms(50); /* let the half body leave before the RST */
        c_reset(c);
        out = GONE;
    } else if (send_body(c, wire.p, wire.len, stall))
        out = GONE;
    buf_free(&body);
    buf_free(&wire);
    buf_free(&h);
    return out;
}

static bool auth_ok(const struct req *r)
{
    size_t kl = strlen(O->api_key);
    if (r->apikey && r->apikey_len == kl && memcmp(r->apikey, O->api_key, kl) == 0)
        return true;
    if (O->basic && r->auth && r->auth_len > 6 && strncasecmp(r->auth, "Basic ", 6) == 0) {
        const char *v = r->auth + 6;
        size_t vl = r->auth_len - 6;
        while (vl && *v == ' ')
            v++, vl--;
        return vl == strlen(basic_b64) && memcmp(v, basic_b64, vl) == 0;
    }
    return false;
}

static enum outcome handle(struct conn *c, const struct req *r)
{
    unsigned long long all = atomic_fetch_add(&sh->all, 1) + 1;
    const char *tag = "";
    int st = 200;
    enum outcome out;
    bool close = r->close || (r->http10 && !r->keepalive) || O->fclose;
    size_t plen = strlen(O->prefix);
    const char *qm = memchr(r->target, '?', r->target_len);
    size_t path_len = qm ? (size_t)(qm - r->target) : r->target_len;
    struct gw_buf msg = {0};
    struct query q;

    if (O->fredirect) {
        /* a login portal that puts the caller's key in its redirect */
        struct gw_buf loc = {0};
        buf_fmt(&loc, "Location: https://login.invalid/sso?apikey=%.*s\r\n", (int)r->apikey_len,
                r->apikey ? r->apikey : "");
        st = 302;
        out = send_error(c, st, "Moved", loc.p, NULL, close) ? GONE : close ? CLOSE : KEEP;
        buf_free(&loc);
    } else if (O->f401 || O->f403 || !auth_ok(r)) {
        st = O->f403 && !O->f401 ? 403 : 401;
        out = send_error(c, st, st == 403 ? "IP not allowed: 127.0.0.1 is not in the allow-list"
                                          : "Missing or invalid API key",
                         st == 401 ? "WWW-Authenticate: Basic realm=\"partner-gateway\"\r\n" : NULL, NULL, close)
                  ? GONE : close ? CLOSE : KEEP;
    } else if (path_len != plen + 17 || memcmp(r->target, O->prefix, plen) ||
               memcmp(r->target + plen, "/messages/history", 17)) {
        st = 404;
        out = send_error(c, st, "No endpoint for this path", NULL, NULL, close) ? GONE : close ? CLOSE : KEEP;
    } else if (strcmp(r->method, "GET")) {
        st = 405;
        out = send_error(c, st, "Method not supported: use GET", "Allow: GET\r\n", NULL, close) ? GONE
              : close ? CLOSE : KEEP;
    } else if (parse_query(qm ? qm + 1 : "", qm ? r->target_len - path_len - 1 : 0, &q, &msg)) {
        st = 400;
        out = send_error(c, st, msg.p, NULL, NULL, close) ? GONE : close ? CLOSE : KEEP;
    } else {
        out = history(c, &q, close, &tag);
        if (*tag && tag[7] >= '0' && tag[7] <= '9')
            st = atoi(tag + 7);
    }
    if (O->verbose)
        fprintf(stderr, "gwsim[%d]: #%llu %s %.*s -> %d%s\n", (int)getpid(), all, r->method, (int)r->target_len,
                r->target, st, tag);
    buf_free(&msg);
    return out;
}

/* ---- request parsing ------------------------------------------------------- */
static bool hdr_is(const char *name, size_t nl, const char *want)
{
    return strlen(want) == nl && strncasecmp(name, want, nl) == 0;
}

/* Parses the head in p[0..n) (ending in CRLFCRLF); 0 ok, -1 bad request. */
static int parse_head(const char *p, size_t n, struct req *r)
{
    memset(r, 0, sizeof *r);
    const char *end = p + n - 2, *eol = strstr(p, "\r\n");
    const char *sp1 = memchr(p, ' ', (size_t)(eol - p));
    if (!sp1 || sp1 == p || (size_t)(sp1 - p) >= sizeof r->method)
        return -1;
    const char *sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
    if (!sp2 || sp2 == sp1 + 1 || sp1[1] != '/')
        return -1;
    memcpy(r->method, p, (size_t)(sp1 - p));
    r->target = sp1 + 1;
    r->target_len = (size_t)(sp2 - sp1 - 1);
    size_t vl = (size_t)(eol - sp2 - 1);
    if (vl == 8 && memcmp(sp2 + 1, "HTTP/1.1", 8) == 0)
        r->http10 = false;
    else if (vl == 8 && memcmp(sp2 + 1, "HTTP/1.0", 8) == 0)
        r->http10 = true;
    else
        return -1;
    for (const char *l = eol + 2; l < end; l = eol + 2) {
        eol = strstr(l, "\r\n");
        const char *colon = memchr(l, ':', (size_t)(eol - l));
        if (!colon || colon == l || *l == ' ' || *l == '\t' || colon[-1] == ' ')
            return -1;
        const char *v = colon + 1, *ve = eol;
        while (v < ve && (*v == ' ' || *v == '\t'))
            v++;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        size_t nl = (size_t)(colon - l), len = (size_t)(ve - v);
        if (hdr_is(l, nl, "x-api-key"))
            r->apikey = v, r->apikey_len = len;
        else if (hdr_is(l, nl, "authorization"))
            r->auth = v, r->auth_len = len;
        else if (hdr_is(l, nl, "connection")) {
            if (len == 5 && strncasecmp(v, "close", 5) == 0)
                r->close = true;
            if (len == 10 && strncasecmp(v, "keep-alive", 10) == 0)
                r->keepalive = true;
        } else if (hdr_is(l, nl, "content-length")) {
            char *e;
            r->clen = strtol(v, &e, 10);
            if (e != ve || r->clen < 0)
                return -1;
        } else if (hdr_is(l, nl, "transfer-encoding"))
            r->chunked_body = true;
    }
    return 0;
}

static void serve_conn(struct conn *c)
{
    static char buf[REQ_MAX + 1];
    size_t len = 0;
    for (;;) {
        char *end;
        buf[len] = 0;
        while (!(end = strstr(buf, "\r\n\r\n"))) {
            if (memchr(buf, 0, len)) { /* a NUL in the head */
                send_error(c, 400, "Bad request", NULL, NULL, true);
                c_close(c);
                return;
            }
            if (len == REQ_MAX) {
                send_error(c, 431, "Request header fields too large", NULL, NULL, true);
                c_close(c);
                return;
            }
            long r = c_read(c, buf + len, REQ_MAX - len);
            if (r <= 0) {
                close(c->fd);
                return;
            }
            len += (size_t)r;
            buf[len] = 0;
        }
        size_t head = (size_t)(end - buf) + 4;
        struct req rq;
        char save = buf[head];
        buf[head] = 0;
        int bad = parse_head(buf, head, &rq);
        buf[head] = save;
        if (bad || rq.chunked_body) {
            send_error(c, bad ? 400 : 501, bad ? "Malformed request" : "Request bodies are not supported", NULL,
                       NULL, true);
            c_close(c);
            return;
        }
        if (rq.clen > (long)(REQ_MAX - head)) {
            send_error(c, 413, "Request body too large", NULL, NULL, true);
            c_close(c);
            return;
        }
        size_t total = head + (size_t)rq.clen;
        while (len < total) {
            long r = c_read(c, buf + len, REQ_MAX - len);
            if (r <= 0) {
                close(c->fd);
                return;
            }
            len += (size_t)r;
        }
        enum outcome out = handle(c, &rq);
        if (out == GONE)
            return;
        if (out == CLOSE) {
            c_close(c);
            return;
        }
        memmove(buf, buf + total, len - total);
        len -= total;
    }
}

/* ---- setup ---------------------------------------------------------------- */
static void b64(const char *in, char *out, size_t cap)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(in), o = 0;
    for (size_t i = 0; i < n && o + 5 < cap; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)(unsigned char)in[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)in[i + 2];
        out[o++] = t[v >> 18 & 63];
        out[o++] = t[v >> 12 & 63];
        out[o++] = i + 1 < n ? t[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? t[v & 63] : '=';
    }
    out[o] = 0;
}

static SSL_CTX *tls_setup(void)
{
    char cert[1024], key[1100];
    struct stat stt;
    const char *cv = O->cert ? O->cert : "server";
    if (!strchr(cv, '/') && !strchr(cv, '.')) { /* a name in the certs dir */
        snprintf(cert, sizeof cert, "%s/%s.chain.pem", O->certs_dir, cv);
        if (stat(cert, &stt))
            snprintf(cert, sizeof cert, "%s/%s.pem", O->certs_dir, cv);
        snprintf(key, sizeof key, "%s/%s.key", O->certs_dir, cv);
    } else {
        snprintf(cert, sizeof cert, "%s", cv);
        size_t l = strlen(cert);
        if (l > 4 && !strcmp(cert + l - 4, ".pem"))
            snprintf(key, sizeof key, "%.*s.key", (int)(l - 4), cert);
        else
            snprintf(key, sizeof key, "%s.key", cert);
    }
    if (O->key)
        snprintf(key, sizeof key, "%s", O->key);
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
        !SSL_CTX_set_max_proto_version(ctx, O->tls12_only ? TLS1_2_VERSION : TLS1_3_VERSION) ||
        SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
        fprintf(stderr, "gwsim: TLS setup failed with cert %s and key %s (run `make certs`?)\n", cert, key);
        ERR_print_errors_fp(stderr);
        return NULL;
    }
    /* forked children share this context, so its ticket keys: resumption works across connections */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    return ctx;
}

static int listen_on(int *port)
{
    bool v6 = strchr(O->listen, ':') != NULL;
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_storage ss;
    socklen_t sl;
    memset(&ss, 0, sizeof ss);
    if (v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)O->port);
        inet_pton(AF_INET6, O->listen, &a->sin6_addr);
        sl = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)O->port);
        inet_pton(AF_INET, O->listen, &a->sin_addr);
        sl = sizeof *a;
    }
    if (bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, 128) || getsockname(fd, (struct sockaddr *)&ss, &sl)) {
        close(fd);
        return -1;
    }
    *port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

static void child(int fd, SSL_CTX *ctx, pid_t parent, int64_t deadline)
{
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(0);
    int64_t left = (deadline - mono_ms()) / 1000 + 1;
    alarm((unsigned)(left > 0 ? left : 1));
    struct timeval rt = {O->idle_seconds, 0}, wt = {30, 0};
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &rt, sizeof rt);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wt, sizeof wt);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct conn c = {fd, NULL};
    if (ctx) {
        c.ssl = SSL_new(ctx);
        if (!c.ssl || SSL_set_fd(c.ssl, fd) != 1 || SSL_accept(c.ssl) != 1) {
            if (O->verbose)
                fprintf(stderr, "gwsim[%d]: TLS handshake failed\n", (int)getpid());
            close(fd);
            _exit(0);
        }
    }
    serve_conn(&c);
    _exit(0);
}

int gw_serve(const struct gw_opts *o, const struct gw_data *d)
{
    O = o;
    D = d;
    if (o->basic)
        b64(o->basic, basic_b64, sizeof basic_b64);
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        return 2;
    atomic_init(&sh->all, 0);
    atomic_init(&sh->hist, 0);
    SSL_CTX *ctx = NULL;
    if (o->tls && !(ctx = tls_setup()))
        return 2;
    int port, lfd = listen_on(&port);
    if (lfd < 0) {
        fprintf(stderr, "gwsim: cannot listen on %s port %d: %s\n", o->listen, o->port, strerror(errno));
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    printf("PORT %d\n", port);
    fflush(stdout);
    if (o->port_file) {
        char tmp[1024];
        snprintf(tmp, sizeof tmp, "%s.tmp", o->port_file);
        FILE *f = fopen(tmp, "w");
        if (!f || fprintf(f, "%d\n", port) < 0 || fclose(f) || rename(tmp, o->port_file)) {
            fprintf(stderr, "gwsim: cannot write %s\n", o->port_file);
            return 2;
        }
    }
    pid_t kids[MAX_CHILDREN];
    int nkids = 0;
    pid_t me = getpid();
    int64_t deadline = mono_ms() + (int64_t)o->max_seconds * 1000;
    while (!stop_flag && mono_ms() < deadline) {
        for (int i = 0; i < nkids;) { /* reap */
            if (waitpid(kids[i], NULL, WNOHANG) == kids[i])
                kids[i] = kids[--nkids];
            else
                i++;
        }
        struct pollfd p = {lfd, POLLIN, 0};
        if (nkids == MAX_CHILDREN || poll(&p, 1, 100) <= 0)
            continue;
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            continue;
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        fflush(stderr);
        pid_t pid = fork();
        if (pid == 0) {
            close(lfd);
            child(fd, ctx, me, deadline);
        }
        if (pid > 0)
            kids[nkids++] = pid;
        close(fd);
    }
    close(lfd);
    for (int i = 0; i < nkids; i++)
        kill(kids[i], SIGTERM);
    int64_t end = mono_ms() + 1000;
    while (nkids && mono_ms() < end) {
        for (int i = 0; i < nkids;) {
            if (waitpid(kids[i], NULL, WNOHANG) == kids[i])
                kids[i] = kids[--nkids];
            else
                i++;
        }
        sleep_ms(10);
    }
    for (int i = 0; i < nkids; i++) {
        kill(kids[i], SIGKILL);
        waitpid(kids[i], NULL, 0);
    }
    if (o->verbose)
        fprintf(stderr, "gwsim: stopping after %llu requests\n", (unsigned long long)atomic_load(&sh->all));
    SSL_CTX_free(ctx);
    return 0;
}
