/* Request targets, URL parsing and the page walk. */
#include <stdio.h>
#include <string.h>

#include "query.h"
#include "timefmt.h"

static bool copy_span(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        return false;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return true;
}

static enum query_err parse_port(const char *s, size_t n, struct url *u)
{
    unsigned long v = 0;
    if (n == 0 || n > 5)
        return QUERY_URL_PORT;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return QUERY_URL_PORT;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v == 0 || v > 65535)
        return QUERY_URL_PORT;
    u->portnum = (uint16_t)v;
    snprintf(u->port, sizeof u->port, "%lu", v);
    return QUERY_OK;
}

/* host[:port] or [v6]:port in s[0..n) */
static enum query_err parse_authority(const char *s, size_t n, struct url *u)
{
    const char *port = NULL;
    size_t hlen = n;
    if (memchr(s, '@', n))
        return QUERY_URL_USERINFO;
    if (n > 0 && s[0] == '[') {
        const char *rb = memchr(s, ']', n);
        if (!rb || rb == s + 1)
            return QUERY_URL_HOST;
        if (!copy_span(u->host, sizeof u->host, s + 1, (size_t)(rb - s - 1)))
            return QUERY_URL_TOO_LONG;
        if (rb + 1 < s + n && rb[1] != ':')
            return QUERY_URL_HOST;
        if (rb + 1 < s + n)
            return parse_port(rb + 2, (size_t)(s + n - rb - 2), u);
        return QUERY_OK;
    }
    const char *colon = memchr(s, ':', n);
    if (colon) {
        hlen = (size_t)(colon - s);
        port = colon + 1;
    }
    if (hlen == 0)
        return QUERY_URL_HOST;
    if (!copy_span(u->host, sizeof u->host, s, hlen))
        return QUERY_URL_TOO_LONG;
    return port ? parse_port(port, (size_t)(s + n - port), u) : QUERY_OK;
}

enum query_err query_parse_url(const char *s, struct url *u)
{
    memset(u, 0, sizeof *u);
    if (strncmp(s, "https://", 8) == 0) {
        u->https = true;
        s += 8;
    } else if (strncmp(s, "http://", 7) == 0) {
        s += 7;
    } else {
        return QUERY_URL_SCHEME;
    }
    strcpy(u->port, u->https ? "443" : "80");
    u->portnum = u->https ? 443 : 80;
    size_t alen = strcspn(s, "/?#");
    enum query_err e = parse_authority(s, alen, u);
    if (e != QUERY_OK)
        return e;
    const char *path = s + alen;
    if (strpbrk(path, "?#"))
        return QUERY_URL_EXTRA;
    size_t plen = strlen(path);
    while (plen > 0 && path[plen - 1] == '/')
        plen--;
    return copy_span(u->path, sizeof u->path, path, plen) ? QUERY_OK : QUERY_URL_TOO_LONG;
}

size_t query_pct_encode(const char *s, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '.' || c == '_' || c == '~' || c == ':';
        size_t need = plain ? 1 : 3;
        if (o + need >= cap)
            return (size_t)-1;
        if (plain) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return o;
}

/* appends "&name=" + encoded value at *o */
static bool add_param(char *buf, size_t cap, size_t *o, const char *name, const char *value)
{
    int n = snprintf(buf + *o, cap - *o, "%s%s=", buf[*o - 1] == '?' ? "" : "&", name);
    if (n < 0 || (size_t)n >= cap - *o)
        return false;
    *o += (size_t)n;
    size_t e = query_pct_encode(value, buf + *o, cap - *o);
    if (e == (size_t)-1)
        return false;
    *o += e;
    return true;
}

static enum query_err add_time(char *buf, size_t cap, size_t *o, const char *name, int64_t ms,
                               int off)
{
    char t[40];
    if (tf_format_offset(ms, off, t, sizeof t) == 0)
        return QUERY_BAD_TIME;
    return add_param(buf, cap, o, name, t) ? QUERY_OK : QUERY_TARGET_TOO_LONG;
}

enum query_err query_target(const struct query *q, char *buf, size_t cap)
{
    char num[2][16];
    int n = snprintf(buf, cap, "%s/messages/history?", q->path);
    if (n < 0 || (size_t)n >= cap)
        return QUERY_TARGET_TOO_LONG;
    size_t o = (size_t)n;
    snprintf(num[0], sizeof num[0], "%u", (unsigned)q->page);
    snprintf(num[1], sizeof num[1], "%u", (unsigned)q->limit);
    if (!add_param(buf, cap, &o, "channel", q->channel))
        return QUERY_TARGET_TOO_LONG;
    enum query_err e = add_time(buf, cap, &o, "from", q->from_ms, q->from_off);
    if (e == QUERY_OK)
        e = add_time(buf, cap, &o, "to", q->to_ms, q->to_off);
    if (e != QUERY_OK)
        return e;
    bool ok = true;
    if (q->status)
        ok = add_param(buf, cap, &o, "status", q->status);
    ok = ok && add_param(buf, cap, &o, "page", num[0]) && add_param(buf, cap, &o, "limit", num[1]);
    return ok ? QUERY_OK : QUERY_TARGET_TOO_LONG;
}

void walk_init(struct walk *w)
{
    memset(w, 0, sizeof *w);
}

enum walk_step walk_page_done(struct walk *w, uint32_t items, uint64_t hash, uint32_t limit,
                              uint32_t max_pages)
{
    if (items < limit)
        return WALK_DONE;
    if (w->page > 0 && items == w->prev_items && hash == w->prev_hash)
        return WALK_REPEATED;
    w->prev_items = items;
    w->prev_hash = hash;
    w->page++;
    return w->page >= max_pages ? WALK_CAPPED : WALK_NEXT;
}

uint64_t query_hash(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

const char *query_strerror(enum query_err e)
{
    switch (e) {
    case QUERY_OK: return "ok";
    case QUERY_URL_SCHEME: return "URL must start with https:// or http://";
    case QUERY_URL_HOST: return "URL has no valid host";
    case QUERY_URL_PORT: return "URL port must be 1-65535";
    case QUERY_URL_USERINFO: return "URL must not contain user:password@ (use --basic-auth-file)";
    case QUERY_URL_EXTRA: return "URL must not contain ?query or #fragment (give the base, e.g. https://host/api/partner-gateway/v1)";
    case QUERY_URL_TOO_LONG: return "URL too long";
    case QUERY_TARGET_TOO_LONG: return "request target too long";
    case QUERY_BAD_TIME: return "time cannot be formatted";
    }
    return "unknown query error";
}
