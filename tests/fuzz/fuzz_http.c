/* libFuzzer harness for the HTTP/1.1 response parser (src/http.c), chunked
 * bodies included. Input: byte 0 picks the request kind (bits 0-1: GET,
 * HEAD, CONNECT), byte-at-a-time feeding (bit 2) and a callback that stops
 * the parser at the Nth event (bit 6 on, N from bits 3-5); then the split
 * header of fuzz_util.h; the rest is the response stream. The stream is
 * parsed twice, in one http_feed call and in the chosen pieces, with up to
 * four pipelined responses and http_finish at the end. Both event
 * transcripts, results, offsets and parser fields must be identical. */
#include <stdbool.h>

#include "fuzz_util.h"
#include "http.h"

#define MAX_MESSAGES 4

struct tr {
    struct digest d;
    bool in_body;
    unsigned events, stop_at;
    size_t body;
};

static int event(struct tr *t, char tag)
{
    t->in_body = false;
    dg_bytes(&t->d, &tag, 1);
    t->events++;
    return t->stop_at != 0 && t->events == t->stop_at;
}

static void field(struct tr *t, const char *name, size_t nlen, const char *value, size_t vlen)
{
    if (nlen == 0 || nlen > LIM_HTTP_LINE || vlen > LIM_HTTP_LINE)
        fuzz_fail("field lengths %zu/%zu", nlen, vlen);
    if (memchr(name, '\0', nlen) || memchr(value, '\r', vlen) || memchr(value, '\n', vlen))
        fuzz_fail("NUL in a name or CR/LF in a value");
    dg_u64(&t->d, nlen);
    dg_bytes(&t->d, name, nlen);
    dg_u64(&t->d, vlen);
    dg_bytes(&t->d, value, vlen);
}

static int on_status(void *u, int code)
{
    struct tr *t = u;
    if (code < 200 || code > 599)
        fuzz_fail("final status %d", code);
    dg_u64(&t->d, (uint64_t)code);
    return event(t, 'S');
}

static int on_header(void *u, const char *n, size_t nl, const char *v, size_t vl)
{
    struct tr *t = u;
    field(t, n, nl, v, vl);
    return event(t, 'H');
}

static int on_headers_done(void *u)
{
    return event(u, 'D');
}

static int on_body(void *u, const uint8_t *data, size_t len)
{
    struct tr *t = u;
    if (len == 0)
        fuzz_fail("empty body event");
    if (!t->in_body) {
        dg_bytes(&t->d, "B", 1);
        t->in_body = true;
    }
    dg_bytes(&t->d, data, len);
    t->body += len;
    return 0; /* never stop here: body pieces depend on the split */
}

static int on_trailer(void *u, const char *n, size_t nl, const char *v, size_t vl)
{
    struct tr *t = u;
    field(t, n, nl, v, vl);
    return event(t, 'T');
}

static int on_complete(void *u)
{
    return event(u, 'C');
}

static const struct http_callbacks cbs = {on_status, on_header,  on_headers_done,
                                          on_body,   on_trailer, on_complete};

static void cstr_ok(const char *s, size_t cap)
{
    if (memchr(s, '\0', cap) == NULL)
        fuzz_fail("unterminated string field");
}

/* the parser's public fields go into the transcript at the end of a message */
static void record_end(struct tr *t, const struct http_parser *p, enum http_err e, uint64_t off)
{
    if ((unsigned)e >= HTTP_ERR_COUNT)
        fuzz_fail("result %d out of range", (int)e);
    if (http_strerror(e) == NULL)
        fuzz_fail("no message for %d", (int)e);
    cstr_ok(p->location, sizeof p->location);
    cstr_ok(p->content_type, sizeof p->content_type);
    if (e == HTTP_DONE && p->has_length && !p->chunked && p->kind == HTTP_REQ_GET &&
        p->status >= 200 && p->status != 204 && p->status != 304 && t->body != p->length)
        fuzz_fail("Content-Length %llu, body %zu", (unsigned long long)p->length, t->body);
    t->in_body = false;
    t->body = 0;
    dg_u64(&t->d, 0xE0 + (uint64_t)e);
    dg_u64(&t->d, off);
    dg_u64(&t->d, (uint64_t)(int64_t)p->status);
    uint8_t flags[] = {p->minor,  p->reusable,     p->chunked,  p->has_length,
                       p->tunnel, p->location_cut, p->ctype_cut};
    dg_bytes(&t->d, flags, sizeof flags);
    dg_u64(&t->d, p->length);
    dg_u64(&t->d, (uint64_t)(int64_t)p->retry_after);
    dg_u64(&t->d, (uint64_t)p->rl_limit);
    dg_u64(&t->d, (uint64_t)p->rl_remaining);
    dg_str(&t->d, p->location);
    dg_str(&t->d, p->content_type);
}

struct run {
    struct http_parser p;
    struct tr t;
    enum http_reqkind kind;
    unsigned messages;
    uint64_t off; /* stream offset of the first byte not yet taken */
    bool over;
};

/* feeds one piece; a piece can end one response and start the next */
static void feed_piece(struct run *r, const uint8_t *d, size_t n)
{
    do {
        size_t used = 0;
        enum http_err e = http_feed(&r->p, n ? d : NULL, n, &cbs, &r->t, &used);
        if (e == HTTP_OK) {
            if (used != n)
                fuzz_fail("HTTP_OK took %zu of %zu bytes", used, n);
            r->off += n;
            return;
        }
        if (used > n)
            fuzz_fail("%s took %zu of %zu bytes", http_strerror(e), used, n);
        r->off += used; /* DONE: end of the message; error: past the bad byte */
        record_end(&r->t, &r->p, e, r->off);
        if (e != HTTP_DONE || !r->p.reusable || r->p.tunnel || ++r->messages >= MAX_MESSAGES) {
            r->over = true;
            return;
        }
        d += used;
        n -= used;
        http_parser_init(&r->p, r->kind);
    } while (n > 0);
}

static void finish(struct run *r)
{
    if (r->over)
        return;
    enum http_err e = http_finish(&r->p, &cbs, &r->t);
    record_end(&r->t, &r->p, e, r->off);
    /* sticky: a second finish or feed gives the same answer */
    if (http_finish(&r->p, &cbs, &r->t) != e)
        fuzz_fail("http_finish not sticky");
}

static void start(struct run *r, enum http_reqkind kind, unsigned stop_at)
{
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->t.stop_at = stop_at;
    dg_init(&r->t.d);
    http_parser_init(&r->p, kind);
}

static struct run whole, split;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t h = data[0];
    data++;
    size--;
    enum http_reqkind kind = (enum http_reqkind)((h & 3u) % 3u);
    bool bytewise = (h & 4u) != 0;
    unsigned stop_at = (h & 0x40u) ? ((h >> 3) & 7u) + 1u : 0u;
    size_t len[FUZZ_MAX_PIECES];
    size_t np = fuzz_pieces(&data, &size, len);

    start(&whole, kind, stop_at);
    feed_piece(&whole, data, size);
    finish(&whole);

    start(&split, kind, stop_at);
    if (bytewise) {
        for (size_t i = 0; i < size && !split.over; i++)
            feed_piece(&split, data + i, 1);
    } else {
        const uint8_t *d = data;
        for (size_t i = 0; i < np && !split.over; i++) {
            feed_piece(&split, d, len[i]);
            d += len[i];
        }
    }
    finish(&split);

    if (whole.t.d.h != split.t.d.h || whole.t.d.n != split.t.d.n || whole.off != split.off ||
        whole.messages != split.messages)
        fuzz_fail("whole and split transcripts differ (messages %u/%u, offset %llu/%llu)",
                  whole.messages, split.messages, (unsigned long long)whole.off,
                  (unsigned long long)split.off);
    return 0;
}
