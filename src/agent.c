/* The agent loop: channels x pages, retries, backoff, the commit rule. */
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "clock.h"
#include "record.h"
#include "timefmt.h"

/* an overall deadline per request: this many per-operation timeouts, so a
 * server that drips bytes cannot hold a page forever */
#define AGENT_REQUEST_TIMEOUTS 4
#define AGENT_BACKOFF_BASE_MS 250
#define AGENT_BACKOFF_CAP_MS 8000
#define AGENT_RETRY_AFTER_CAP_S 600
/* X-RateLimit-Remaining: 0 holds requests back this long */
#define AGENT_RATELIMIT_HOLD_MS 1000

enum page_res {
    PAGE_OK,
    PAGE_RETRY,  /* transient: fetch again after a delay */
    PAGE_STALE,  /* a kept-alive connection the server had closed: again at once */
    PAGE_FAIL,   /* this channel cannot complete (4xx, repeated page ...) */
    PAGE_FATAL,  /* no channel can complete (certificate, CA bundle) */
    PAGE_AUTH,   /* 401/403 */
    PAGE_CONFIG, /* plaintext credentials to a non-loopback host */
};

/* ---- pure helpers ------------------------------------------------------------ */

void rate_init(struct rate *r, uint32_t rate_milli, int64_t now_ms)
{
    r->rate_milli = rate_milli;
    r->tokens = 1000;
    r->last_ms = now_ms;
    r->hold_until_ms = 0;
}

static int64_t rate_burst(const struct rate *r)
{
    return r->rate_milli > 1000 ? (int64_t)r->rate_milli : 1000;
}

static void rate_refill(struct rate *r, int64_t now_ms)
{
    if (now_ms > r->last_ms) {
        r->tokens += (now_ms - r->last_ms) * (int64_t)r->rate_milli / 1000;
        if (r->tokens > rate_burst(r))
            r->tokens = rate_burst(r);
    }
    r->last_ms = now_ms;
}

int64_t rate_wait_ms(struct rate *r, int64_t now_ms)
{
    rate_refill(r, now_ms);
    int64_t wait = 0;
    if (r->tokens < 1000)
        wait = ((1000 - r->tokens) * 1000 + r->rate_milli - 1) / r->rate_milli;
    if (r->hold_until_ms - now_ms > wait)
        wait = r->hold_until_ms - now_ms;
    return wait;
}

void rate_take(struct rate *r, int64_t now_ms)
{
    rate_refill(r, now_ms);
    r->tokens -= 1000;
}

void rate_exhausted(struct rate *r, int64_t now_ms)
{
    r->hold_until_ms = now_ms + AGENT_RATELIMIT_HOLD_MS;
}

static uint64_t next_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

int64_t agent_backoff_ms(uint32_t attempt, int64_t retry_after_s, uint64_t *rng)
{
    if (retry_after_s >= 0)
        return (retry_after_s > AGENT_RETRY_AFTER_CAP_S ? AGENT_RETRY_AFTER_CAP_S
                                                         : retry_after_s) * 1000;
    int64_t d = AGENT_BACKOFF_BASE_MS;
    for (uint32_t i = 1; i < attempt && d < AGENT_BACKOFF_CAP_MS; i++)
        d *= 2;
    if (d > AGENT_BACKOFF_CAP_MS)
        d = AGENT_BACKOFF_CAP_MS;
    return d / 2 + (int64_t)(next_rand(rng) % (uint64_t)(d / 2 + 1));
}

int64_t agent_body_retry_after(const char *body, size_t len)
{
    static const char key[] = "\"retryAfter\"";
    for (size_t i = 0; i + sizeof key - 1 <= len; i++) {
        if (memcmp(body + i, key, sizeof key - 1) != 0)
            continue;
        size_t j = i + sizeof key - 1;
        while (j < len && (body[j] == ' ' || body[j] == ':' || body[j] == '\t'))
            j++;
        int64_t v = -1;
        for (; j < len && body[j] >= '0' && body[j] <= '9' && v < 1000000; j++)
            v = (v < 0 ? 0 : v * 10) + (body[j] - '0');
        return v;
    }
    return -1;
}

/* how many bytes at body[i..len) belong to a secret: all of it, or the start
 * of it when the capture ended inside it; 0 when none starts at i */
static size_t secret_at(const char *body, size_t i, size_t len, const char *const *secrets,
                        size_t n)
{
    for (size_t k = 0; k < n; k++) {
        size_t slen = secrets[k] ? strlen(secrets[k]) : 0;
        size_t avail = len - i < slen ? len - i : slen;
        if (slen > 0 && memcmp(body + i, secrets[k], avail) == 0)
            return avail;
    }
    return 0;
}

void agent_excerpt(char *out, size_t cap, const char *body, size_t len, const char *const *secrets,
                   size_t nsecrets)
{
    size_t o = 0;
    for (size_t i = 0; i < len && i < LIM_EXCERPT && o + 5 < cap; i++) {
        size_t skip = secret_at(body, i, len, secrets, nsecrets);
        if (skip > 0) {
            memcpy(out + o, "***", 3);
            o += 3;
            i += skip - 1;
            continue;
        }
        unsigned char c = (unsigned char)body[i];
        if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
        else
            out[o++] = (char)c;
    }
    out[o] = '\0';
}

/* ---- one page ------------------------------------------------------------------ */

static int on_item(void *user, const struct jitems_item *item)
{
    struct agent *a = user;
    struct rec r;
    enum rec_err e = rec_from_item(&r, item, &a->pg.why);
    if (e != REC_OK) {
        a->pg.rec_err = (int)e;
        return 1;
    }
    if (sum_add(&a->page, &r) != SUM_OK) {
        a->pg.rec_err = -1;
        return 1;
    }
    /* the page's identity for the repeated-page check: its items, not the
     * body, whose wrapper may carry a request id or a timestamp */
    a->pg.hash = query_hash(a->pg.hash, (const uint8_t *)item->buf, item->len);
    a->pg.items++;
    return 0;
}

static int on_status(void *user, int code)
{
    ((struct agent *)user)->pg.status = code;
    return 0;
}

static int on_body(void *user, const uint8_t *data, size_t len)
{
    struct agent *a = user;
    a->pg.bytes += len;
    if (a->pg.status != 200) {
        size_t room = sizeof a->pg.excerpt - 1 - a->pg.exlen;
        size_t n = len < room ? len : room;
        memcpy(a->pg.excerpt + a->pg.exlen, data, n);
        a->pg.exlen += n;
        return 0;
    }
    return jitems_feed(&a->ji, data, len, on_item, a) == JITEMS_OK ? 0 : 1;
}

static int on_complete(void *user)
{
    ((struct agent *)user)->pg.complete = true;
    return 0;
}

static const struct http_callbacks page_cb = {
    on_status, NULL, NULL, on_body, NULL, on_complete,
};

static void page_reset(struct agent *a)
{
    memset(&a->pg, 0, sizeof a->pg);
    a->pg.hash = QUERY_HASH_INIT;
    sum_init(&a->page);
    jitems_init(&a->ji);
    http_parser_init(&a->hp, HTTP_REQ_GET);
}

static const char *chname(const struct agent_chan *c)
{
    return rec_channel_name(c->channel);
}

static enum http_err build_request(struct agent *a, const struct agent_chan *c, uint32_t page,
                                   size_t *len)
{
    const struct config *cfg = a->cfg;
    char hostport[LIM_HOST + 16];
    struct query q = {a->url.path, chname(c), a->from_ms, a->to_ms,
                      cfg->window == WIN_SINCE ? 0 : cfg->from_off,
                      cfg->window == WIN_SINCE ? 0 : cfg->to_off,
                      cfg->status[0] ? cfg->status : NULL, page, cfg->limit};
    if (cfg->window == WIN_RANGE && cfg->to_ms < 0)
        q.to_off = 0;
    if (query_target(&q, a->target, sizeof a->target) != QUERY_OK)
        return HTTP_ERR_NOSPACE;
    bool v6 = strchr(a->url.host, ':') != NULL;
    bool dflt = strcmp(a->url.port, a->url.https ? "443" : "80") == 0;
    snprintf(hostport, sizeof hostport, "%s%s%s%s%s", v6 ? "[" : "", a->url.host, v6 ? "]" : "",
             dflt ? "" : ":", dflt ? "" : a->url.port);
    struct http_header h = {cfg->auth == AUTH_KEY ? "X-Api-Key" : "Authorization",
                            a->secret_hdr};
    struct http_request rq = {"GET", a->target, hostport, NULL, &h, 1, NULL, 0};
    return http_write_request(a->req, sizeof a->req, &rq, len);
}

/* the transport failed: why, and whether a retry can help */
static enum page_res transport_failed(struct agent *a, const struct agent_chan *c, long e,
                                      bool reused, uint32_t page)
{
    enum xport_err xe = (enum xport_err)e;
    xport_close(&a->xp);
    if (xe == XPORT_ERR_CERT_VERIFY || xe == XPORT_ERR_NO_CA_BUNDLE || xe == XPORT_ERR_CA_BUNDLE ||
        xe == XPORT_ERR_PROXY_AUTH || xe == XPORT_ERR_PROXY_URL) {
        a->log(0, "%s: %s%s%s", a->url.host, xport_strerror(xe), a->xp.detail[0] ? ": " : "",
               a->xp.detail);
        return PAGE_FATAL;
    }
    a->log(reused ? 2 : 1, "%s page %u: %s%s%s", chname(c), (unsigned)page, xport_strerror(xe),
           a->xp.detail[0] ? ": " : "", a->xp.detail);
    bool nothing = a->pg.fed == 0;
    return reused && nothing && xe == XPORT_ERR_RESET ? PAGE_STALE : PAGE_RETRY;
}

static enum page_res send_request(struct agent *a, const struct agent_chan *c, uint32_t page,
                                  int64_t deadline, bool *reused)
{
    size_t len = 0;
    enum http_err he = build_request(a, c, page, &len);
    if (he != HTTP_OK) {
        a->log(0, "%s page %u: cannot write the request: %s", chname(c), (unsigned)page,
               http_strerror(he));
        return PAGE_FAIL;
    }
    *reused = a->xp.is_open != 0;
    enum xport_err e = xport_open(&a->xp, deadline);
    if (e != XPORT_OK)
        return transport_failed(a, c, e, false, page);
    if (!a->url.https && !a->xp.loopback && !a->cfg->allow_plaintext) {
        a->log(0, "refusing to send credentials in clear text to %s (not a loopback address); "
                  "use https:// or --allow-plaintext",
               a->url.host);
        xport_close(&a->xp);
        return PAGE_CONFIG;
    }
    a->log(2, "GET %s://%s:%s%s (%s: ***)", a->url.https ? "https" : "http", a->url.host,
           a->url.port, a->target, a->cfg->auth == AUTH_KEY ? "X-Api-Key" : "Authorization");
    e = xport_send(&a->xp, a->req, len, deadline);
    if (e != XPORT_OK)
        return transport_failed(a, c, e, *reused, page);
    return PAGE_OK;
}

/* the response could not be parsed: say why, drop the connection */
static enum page_res parse_failed(struct agent *a, const struct agent_chan *c, uint32_t page,
                                 enum http_err he)
{
    xport_close(&a->xp);
    if (he == HTTP_STOPPED && a->pg.rec_err != 0)
        a->log(1, "%s page %u: item %u: member %s: %s", chname(c), (unsigned)page,
               (unsigned)a->pg.items, rec_field_name(a->pg.why.field),
               a->pg.rec_err > 0 ? rec_strerror((enum rec_err)a->pg.rec_err)
                                 : "summary refused the record");
    else if (he == HTTP_STOPPED)
        a->log(1, "%s page %u: bad JSON at body byte %llu: %s", chname(c), (unsigned)page,
               (unsigned long long)jitems_offset(&a->ji), jitems_strerror(a->ji.err));
    else
        a->log(1, "%s page %u: bad HTTP response: %s", chname(c), (unsigned)page,
               http_strerror(he));
    return PAGE_RETRY;
}

/* the server closed the connection: the end of a close-delimited body, a
 * kept-alive connection it had dropped, or a response cut short */
static enum page_res peer_closed(struct agent *a, const struct agent_chan *c, uint32_t page,
                                 bool reused)
{
    enum http_err he = http_finish(&a->hp, &page_cb, a);
    xport_close(&a->xp);
    if (he == HTTP_DONE)
        return PAGE_OK;
    if (he == HTTP_ERR_EOF_EMPTY && reused)
        return PAGE_STALE;
    a->log(1, "%s page %u: connection closed early: %s", chname(c), (unsigned)page,
           http_strerror(he));
    return PAGE_RETRY;
}

/* reads and parses until the response is complete */
static enum page_res receive(struct agent *a, const struct agent_chan *c, uint32_t page,
                             int64_t deadline, bool reused)
{
    for (;;) {
        long n = xport_recv(&a->xp, a->rbuf, sizeof a->rbuf, deadline);
        size_t used = 0;
        if (n < 0)
            return transport_failed(a, c, n, reused, page);
        if (n == 0)
            return peer_closed(a, c, page, reused);
        a->pg.fed += (uint64_t)n;
        enum http_err he = http_feed(&a->hp, a->rbuf, (size_t)n, &page_cb, a, &used);
        if (he == HTTP_DONE) {
            /* no pipelining: bytes after the response mean a confused peer */
            if (!a->hp.reusable || used < (size_t)n)
                xport_close(&a->xp);
            return PAGE_OK;
        }
        if (he != HTTP_OK)
            return parse_failed(a, c, page, he);
    }
}

static enum page_res judge_status(struct agent *a, const struct agent_chan *c, uint32_t page,
                                  int64_t *retry_after)
{
    char ex[LIM_EXCERPT * 4 + 8];
    int st = a->pg.status;
    if (st == 200) {
        enum jitems_err je = jitems_finish(&a->ji);
        if (je == JITEMS_OK)
            return PAGE_OK;
        a->log(1, "%s page %u: bad JSON at body byte %llu: %s", chname(c), (unsigned)page,
               (unsigned long long)jitems_offset(&a->ji), jitems_strerror(je));
        return PAGE_RETRY;
    }
    const char *secrets[2] = {a->cfg->secret,
                              a->secret_hdr + (a->cfg->auth == AUTH_BASIC ? 6 : 0)};
    agent_excerpt(ex, sizeof ex, a->pg.excerpt, a->pg.exlen, secrets, 2);
    if (st == 429 || st == 500 || st == 502 || st == 503 || st == 504) {
        *retry_after = a->hp.retry_after >= 0
                           ? a->hp.retry_after
                           : st == 429 ? agent_body_retry_after(a->pg.excerpt, a->pg.exlen) : -1;
        a->log(1, "%s page %u: HTTP %d%s%s", chname(c), (unsigned)page, st, ex[0] ? ": " : "", ex);
        return PAGE_RETRY;
    }
    if (st == 401 || st == 403) {
        a->log(0, "gateway answered %d: %s%s%s", st,
               st == 401 ? "the API key or user:password is wrong or missing"
                         : "this IP address is not on the key's allow-list, or the key may not "
                           "read this resource",
               ex[0] ? "; body: " : "", ex);
        return PAGE_AUTH;
    }
    if (st >= 300 && st < 400) {
        agent_excerpt(ex, sizeof ex, a->hp.location, strlen(a->hp.location), secrets, 2);
        a->log(0, "%s page %u: HTTP %d redirect to '%s' (not followed: fix --url)", chname(c),
               (unsigned)page, st, ex);
    }
    else
        a->log(0, "%s page %u: HTTP %d (not retried)%s%s", chname(c), (unsigned)page, st,
               ex[0] ? ": " : "", ex);
    return PAGE_FAIL;
}

static enum page_res fetch_once(struct agent *a, struct agent_chan *c, uint32_t page,
                                int64_t *retry_after)
{
    bool reused = false;
    int64_t wait = rate_wait_ms(&a->rate, clock_mono_ms());
    if (wait > 0 && !clock_sleep_ms(wait))
        return PAGE_FAIL;
    page_reset(a);
    int64_t t0 = clock_mono_ms();
    int64_t deadline = t0 + (int64_t)a->cfg->timeout_s * 1000 * AGENT_REQUEST_TIMEOUTS;
    enum page_res r = send_request(a, c, page, deadline, &reused);
    if (r != PAGE_OK)
        return r;
    c->requests++;
    rate_take(&a->rate, clock_mono_ms());
    r = receive(a, c, page, deadline, reused);
    c->bytes += a->pg.bytes;
    if (a->hp.rl_remaining == 0)
        rate_exhausted(&a->rate, clock_mono_ms());
    if (r != PAGE_OK)
        return r;
    a->log(2, "%s page %u: HTTP %d, %u items, %llu bytes, %lld ms", chname(c), (unsigned)page,
           a->pg.status, (unsigned)a->pg.items, (unsigned long long)a->pg.bytes,
           (long long)(clock_mono_ms() - t0));
    return judge_status(a, c, page, retry_after);
}

static enum page_res fetch_page(struct agent *a, struct agent_chan *c, uint32_t page)
{
    bool stale_used = false;
    for (uint32_t attempt = 0;; attempt++) {
        int64_t retry_after = -1;
        enum page_res r = fetch_once(a, c, page, &retry_after);
        if (r == PAGE_STALE && !stale_used) {
            stale_used = true; /* the server closed an idle connection: not a failure */
            attempt--;
            continue;
        }
        if (r != PAGE_RETRY && r != PAGE_STALE)
            return r;
        if (attempt >= a->cfg->retries) {
            a->log(0, "%s page %u: giving up after %u retries", chname(c), (unsigned)page,
                   (unsigned)a->cfg->retries);
            return PAGE_FAIL;
        }
        int64_t d = agent_backoff_ms(attempt + 1, retry_after, &a->rng);
        c->retries++;
        a->log(2, "%s page %u: retry %u/%u in %lld ms", chname(c), (unsigned)page,
               (unsigned)(attempt + 1), (unsigned)a->cfg->retries, (long long)d);
        if (!clock_sleep_ms(d))
            return PAGE_FAIL;
    }
}

/* ---- channels and cycles -------------------------------------------------------------- */

static enum page_res walk_channel(struct agent *a, struct agent_chan *c)
{
    struct walk w;
    walk_init(&w);
    for (;;) {
        if (clock_stop_requested())
            return PAGE_FAIL;
        uint32_t page = w.page;
        enum page_res r = fetch_page(a, c, page);
        if (r != PAGE_OK)
            return r;
        enum walk_step step = walk_page_done(&w, a->pg.items, a->pg.hash, a->cfg->limit,
                                             a->cfg->max_pages);
        if (step == WALK_REPEATED) {
            a->log(0, "%s page %u: the same %u items as page %u: the server ignores `page`; "
                      "stopping this channel",
                   chname(c), (unsigned)page, (unsigned)a->pg.items, (unsigned)page - 1);
            return PAGE_FAIL;
        }
        sum_merge(&c->sum, &a->page); /* the commit: the page is whole */
        c->pages++;
        if (step == WALK_DONE) {
            c->complete = true;
            return PAGE_OK;
        }
        if (step == WALK_CAPPED) {
            a->log(0, "%s: --max-pages %u reached before the last page", chname(c),
                   (unsigned)a->cfg->max_pages);
            return PAGE_FAIL;
        }
    }
}

static void cycle_window(struct agent *a)
{
    const struct config *cfg = a->cfg;
    int64_t now = clock_wall_ms();
    if (cfg->window == WIN_SINCE) {
        a->to_ms = now / 1000 * 1000;
        a->from_ms = a->to_ms - cfg->since_ms;
    } else {
        a->from_ms = cfg->from_ms;
        a->to_ms = cfg->to_ms < 0 ? now / 1000 * 1000 : cfg->to_ms;
    }
}

enum agent_outcome agent_cycle(struct agent *a)
{
    enum agent_outcome out = AGENT_COMPLETE;
    a->started_ms = clock_mono_ms();
    cycle_window(a);
    bool empty = a->from_ms > a->to_ms, fatal = false;
    if (empty)
        a->log(1, "warning: --from is after --to: the window is empty");
    for (size_t i = 0; i < a->nch; i++) {
        struct agent_chan *c = &a->ch[i];
        c->complete = empty;
        c->pages = c->requests = c->retries = c->bytes = 0;
        sum_init(&c->sum);
        if (empty || fatal || out == AGENT_AUTH || out == AGENT_CONFIG)
            continue;
        enum page_res r = walk_channel(a, c);
        if (r == PAGE_AUTH)
            out = AGENT_AUTH;
        else if (r == PAGE_CONFIG)
            out = AGENT_CONFIG;
        fatal = fatal || r == PAGE_FATAL;
    }
    for (size_t i = 0; i < a->nch && out == AGENT_COMPLETE; i++)
        if (!a->ch[i].complete)
            out = AGENT_INCOMPLETE;
    a->elapsed_ms = clock_mono_ms() - a->started_ms;
    if (out == AGENT_COMPLETE)
        a->last_success_ms = clock_wall_ms();
    return out;
}

static enum agent_outcome init_auth(struct agent *a)
{
    const struct config *cfg = a->cfg;
    if (cfg->auth == AUTH_KEY) {
        strcpy(a->secret_hdr, cfg->secret);
        return AGENT_COMPLETE;
    }
    memcpy(a->secret_hdr, "Basic ", 6);
    if (http_base64(a->secret_hdr + 6, sizeof a->secret_hdr - 6, (const uint8_t *)cfg->secret,
                    strlen(cfg->secret), NULL) != HTTP_OK) {
        a->log(0, "user:password is too long for HTTP Basic");
        return AGENT_CONFIG;
    }
    return AGENT_COMPLETE;
}

enum agent_outcome agent_init(struct agent *a, const struct config *cfg, agent_log_fn log)
{
    static char proxy[LIM_URL];
    memset(a, 0, sizeof *a);
    a->cfg = cfg;
    a->log = log;
    query_parse_url(cfg->url, &a->url); /* cli validated it */
    a->nch = cfg->nchannels;
    for (size_t i = 0; i < a->nch; i++)
        a->ch[i].channel = cfg->channels[i];
    if (init_auth(a) != AGENT_COMPLETE)
        return AGENT_CONFIG;
    if (!a->url.https && !cfg->allow_plaintext && !net_host_is_loopback(a->url.host)) {
        log(0, "refusing to send credentials in clear text to %s (not a loopback address); "
               "use https:// or --allow-plaintext",
            a->url.host);
        return AGENT_CONFIG;
    }
    int hp = xport_proxy_from_env(a->url.host, proxy, sizeof proxy);
    if (hp < 0) {
        log(0, "https_proxy is longer than %u bytes", LIM_URL);
        return AGENT_CONFIG;
    }
    struct xport_cfg xc = {a->url.https, a->url.host, 0, cfg->cacert[0] ? cfg->cacert : NULL,
                           cfg->insecure, (int)cfg->timeout_s * 1000, hp > 0 ? proxy : NULL};
    xc.port = a->url.portnum;
    enum xport_err e = xport_init(&a->xp, &xc);
    if (e != XPORT_OK) {
        log(0, "%s%s%s", xport_strerror(e), a->xp.detail[0] ? ": " : "", a->xp.detail);
        return AGENT_CONFIG;
    }
    rate_init(&a->rate, cfg->rate_milli, clock_mono_ms());
    a->rng = (uint64_t)clock_wall_ms() ^ (uint64_t)(uintptr_t)a;
    return AGENT_COMPLETE;
}

void agent_free(struct agent *a)
{
    xport_free(&a->xp);
}
