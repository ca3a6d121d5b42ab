/* src/http.c: request writers, base64, and the response push parser.
 * Every parser case (valid and hostile) is fed whole, split in two at every
 * byte boundary, and one byte at a time; the event transcript and the final
 * result must be the same each time. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "http.h"
#include "limits.h"

/* ---- transcript recorder ---------------------------------------------------- */

#define TS_CAP 32768u

struct rec {
    struct http_parser p;
    enum http_reqkind kind;
    char ts[TS_CAP];
    size_t tl;
    int last_body;  /* merge adjacent body pieces */
    int need_init;  /* previous message done: the next byte starts a new one */
    int stop_after; /* > 0: the Nth event returns non-zero */
    int events;
    const uint8_t *lo, *hi; /* fed buffer: body pointers must lie inside */
};

static void add(struct rec *r, const char *s, size_t n, int body)
{
    int merge = body && r->last_body;
    size_t need = n + (merge ? 0 : (r->tl > 0) + 2);
    assert_true(r->tl + need < TS_CAP);
    if (!merge && r->tl > 0)
        r->ts[r->tl++] = '|';
    if (body && !merge) {
        memcpy(r->ts + r->tl, "B:", 2);
        r->tl += 2;
    }
    memcpy(r->ts + r->tl, s, n);
    r->tl += n;
    r->ts[r->tl] = '\0';
    r->last_body = body;
}

static int event(struct rec *r)
{
    return r->stop_after > 0 && ++r->events == r->stop_after;
}

static int on_status(void *u, int code)
{
    char b[16];
    int n = snprintf(b, sizeof b, "S%d", code);
    add(u, b, (size_t)n, 0);
    return event(u);
}

static void add_field(struct rec *r, char kind, const char *nm, size_t nl, const char *v, size_t vl)
{
    char b[2 * LIM_HTTP_LINE + 8];
    int n = snprintf(b, sizeof b, "%c:%.*s=%.*s", kind, (int)nl, nm, (int)vl, v);
    add(r, b, (size_t)n, 0);
}

static int on_header(void *u, const char *nm, size_t nl, const char *v, size_t vl)
{
    add_field(u, 'H', nm, nl, v, vl);
    return event(u);
}

static int on_trailer(void *u, const char *nm, size_t nl, const char *v, size_t vl)
{
    add_field(u, 'T', nm, nl, v, vl);
    return event(u);
}

static int on_headers_done(void *u)
{
    add(u, "D", 1, 0);
    return event(u);
}

static int on_body(void *u, const uint8_t *d, size_t n)
{
    struct rec *r = u;
    assert_true(n > 0);
    assert_true(d >= r->lo && d + n <= r->hi); /* no copy: points into the input */
    add(r, (const char *)d, n, 1);
    return event(u);
}

static int on_complete(void *u)
{
    struct rec *r = u;
    add(r, r->p.reusable ? "E:keep" : "E:close", r->p.reusable ? 6 : 7, 0);
    return event(u);
}

static const struct http_callbacks cbs = {on_status, on_header,  on_headers_done,
                                          on_body,   on_trailer, on_complete};

static void rec_start(struct rec *r, enum http_reqkind kind)
{
    r->kind = kind;
    r->tl = 0;
    r->ts[0] = '\0';
    r->last_body = 0;
    r->need_init = 0;
    r->events = 0;
    http_parser_init(&r->p, kind);
}

/* Feeds one piece; a finished message is followed by a new parser for the
 * rest (pipelining). Returns HTTP_OK or the error. */
static enum http_err feed_piece(struct rec *r, const uint8_t *d, size_t n)
{
    r->lo = d;
    r->hi = d + n;
    for (;;) {
        if (n == 0 && r->need_init)
            return HTTP_OK;
        if (r->need_init) {
            http_parser_init(&r->p, r->kind);
            r->need_init = 0;
        }
        size_t used = SIZE_MAX;
        enum http_err e = http_feed(&r->p, d, n, &cbs, r, &used);
        assert_true(used <= n);
        if (e == HTTP_OK) {
            assert_int_equal(used, n);
            return HTTP_OK;
        }
        if (e != HTTP_DONE)
            return e;
        assert_true(used > 0);
        r->need_init = 1;
        d += used;
        n -= used;
        if (n == 0)
            return HTTP_OK;
    }
}

static enum http_err rec_end(struct rec *r, enum http_err e)
{
    if (e != HTTP_OK)
        return e;
    if (r->need_init)
        return HTTP_DONE;
    return http_finish(&r->p, &cbs, r);
}

/* cut == SIZE_MAX: one byte at a time; otherwise [0,cut) then [cut,n). */
static enum http_err run(struct rec *r, enum http_reqkind kind, const uint8_t *in, size_t n,
                         size_t cut)
{
    enum http_err e = HTTP_OK;
    rec_start(r, kind);
    if (cut == SIZE_MAX) {
        for (size_t i = 0; i < n && e == HTTP_OK; i++)
            e = feed_piece(r, in + i, 1);
    } else {
        e = feed_piece(r, in, cut);
        if (e == HTTP_OK)
            e = feed_piece(r, in + cut, n - cut);
    }
    return rec_end(r, e);
}

static struct rec ref, alt;

static void fail_case(const char *name, const char *how, size_t cut, const char *want,
                      enum http_err we, const char *got, enum http_err ge)
{
    print_error("case %s (%s, cut %zu):\n  want [%s] -> %s\n  got  [%s] -> %s\n", name, how, cut,
                want, http_strerror(we), got, http_strerror(ge));
    fail();
}

/* want_ts NULL: only the result is checked against want, the transcript
 * only for being the same under every split. */
static void check_case(const char *name, enum http_reqkind kind, const char *in, size_t n,
                       const char *want_ts, enum http_err want)
{
    const uint8_t *d = (const uint8_t *)in;
    enum http_err e = run(&ref, kind, d, n, n);
    if (e != want || (want_ts != NULL && strcmp(ref.ts, want_ts) != 0))
        fail_case(name, "whole", n, want_ts ? want_ts : "?", want, ref.ts, e);
    for (size_t cut = 0; cut <= n + 1; cut++) {
        size_t c = cut <= n ? cut : SIZE_MAX;
        e = run(&alt, kind, d, n, c);
        if (e != want || strcmp(alt.ts, ref.ts) != 0)
            fail_case(name, c == SIZE_MAX ? "bytewise" : "split", cut, ref.ts, want, alt.ts, e);
    }
}

/* ---- valid responses -------------------------------------------------------- */

#define IN(s) s, sizeof(s) - 1

struct valid_case {
    const char *name;
    enum http_reqkind kind;
    const char *in;
    size_t len;
    const char *ts;
};

static const struct valid_case valid[] = {
    {"content-length", HTTP_REQ_GET,
     IN("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: application/json\r\n\r\nhello"),
     "S200|H:Content-Length=5|H:Content-Type=application/json|D|B:hello|E:keep"},
    {"content-length 0", HTTP_REQ_GET, IN("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
     "S200|H:Content-Length=0|D|E:keep"},
    {"chunked, extensions, hex cases, trailers", HTTP_REQ_GET,
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5;name=val\r\nhello\r\n"
        "A ; x=\"q s\"; y\r\n0123456789\r\n"
        "1a\r\nabcdefghijklmnopqrstuvwxyz\r\n"
        "1A\r\nABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n"
        "00000000000000000003\r\nxyz\r\n"
        "0;last\r\nX-Trailer: t1\r\nX-Sum:42\r\n\r\n"),
     "S200|H:Transfer-Encoding=chunked|D|B:hello0123456789abcdefghijklmnopqrstuvwxyz"
     "ABCDEFGHIJKLMNOPQRSTUVWXYZxyz|T:X-Trailer=t1|T:X-Sum=42|E:keep"},
    {"chunked, no trailers", HTTP_REQ_GET,
     IN("HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
     "S200|H:transfer-encoding=Chunked|D|B:abc|E:keep"},
    {"chunked, empty body", HTTP_REQ_GET,
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
     "S200|H:Transfer-Encoding=chunked|D|E:keep"},
    {"chunked, folded trailer", HTTP_REQ_GET,
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nA: 1\r\n 2\r\n\r\n"),
     "S200|H:Transfer-Encoding=chunked|D|B:x|T:A=1 2|E:keep"},
    {"HTTP/1.0 close-delimited", HTTP_REQ_GET,
     IN("HTTP/1.0 200 OK\r\nServer: x\r\n\r\nbody until close"),
     "S200|H:Server=x|D|B:body until close|E:close"},
    {"HTTP/1.1 without length: close-delimited", HTTP_REQ_GET, IN("HTTP/1.1 200 OK\r\n\r\nabc"),
     "S200|D|B:abc|E:close"},
    {"close-delimited, empty", HTTP_REQ_GET, IN("HTTP/1.0 200 OK\r\n\r\n"), "S200|D|E:close"},
    {"HTTP/1.0 keep-alive with length", HTTP_REQ_GET,
     IN("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok"),
     "S200|H:Connection=Keep-Alive|H:Content-Length=2|D|B:ok|E:keep"},
    {"HTTP/1.0 with length, no keep-alive", HTTP_REQ_GET,
     IN("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"),
     "S200|H:Content-Length=2|D|B:ok|E:close"},
    {"HTTP/1.1 Connection: close", HTTP_REQ_GET,
     IN("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"),
     "S200|H:Connection=close|H:Content-Length=2|D|B:ok|E:close"},
    {"Connection list with close", HTTP_REQ_GET,
     IN("HTTP/1.1 200 OK\r\nConnection: Upgrade , CLOSE\r\nContent-Length: 0\r\n\r\n"),
     "S200|H:Connection=Upgrade , CLOSE|H:Content-Length=0|D|E:close"},
    {"HTTP/1.2 is read as 1.1", HTTP_REQ_GET, IN("HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n"),
     "S200|H:Content-Length=0|D|E:keep"},
    {"HEAD with Content-Length", HTTP_REQ_HEAD,
     IN("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"), "S200|H:Content-Length=100|D|E:keep"},
    {"HEAD with chunked", HTTP_REQ_HEAD,
     IN("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
     "S200|H:Transfer-Encoding=chunked|D|E:keep"},
    {"HEAD without length", HTTP_REQ_HEAD, IN("HTTP/1.1 200 OK\r\n\r\n"), "S200|D|E:keep"},
    {"204", HTTP_REQ_GET, IN("HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n"), "S204|H:X-A=1|D|E:keep"},
    {"304 with Content-Length", HTTP_REQ_GET,
     IN("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n"),
     "S304|H:Content-Length=10|D|E:keep"},
    {"100 Continue, then 200", HTTP_REQ_GET,
     IN("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"),
     "S200|H:Content-Length=1|D|B:x|E:keep"},
    {"103 with headers, 102, then 200", HTTP_REQ_GET,
     IN("HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\nConnection: close\r\n\r\n"
        "HTTP/1.1 102 Processing\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
     "S200|H:Content-Length=0|D|E:keep"},
    {"1xx fields are not interpreted", HTTP_REQ_GET,
     IN("HTTP/1.1 103 Hints\r\nContent-Length: x\r\nTransfer-Encoding: gzip\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"),
     "S200|H:Content-Length=1|D|B:x|E:keep"},
    {"obs-fold unfolded to one SP", HTTP_REQ_GET,
     IN("HTTP/1.1 200 OK\r\nX-Long: one  \r\n   two\r\n\tthree\r\nContent-Length: 0\r\n\r\n"),
     "S200|H:X-Long=one two three|H:Content-Length=0|D|E:keep"},
    {"obs-fold of an empty line", HTTP_REQ_GET,
     IN("HTTP/1.1 200 OK\r\nX-A: a\r\n \r\nContent-Length: 0\r\n\r\n"),
     "S200|H:X-A=a|H:Content-Length=0|D|E:keep"},
    {"same Content-Length twice", HTTP_REQ_GET,
     IN("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"),
     "S200|H:Content-Length=3|H:Content-Length=3|D|B:abc|E:keep"},
    {"Content-Length list of same values", HTTP_REQ_GET,
     IN("HTTP/1.1 200 OK\r\nContent-Length: 3 , 3,3\r\n\r\nabc"),
     "S200|H:Content-Length=3 , 3,3|D|B:abc|E:keep"},
    {"Content-Length leading zeros", HTTP_REQ_GET,
     IN("HTTP/1.1 200 OK\r\nContent-Length: 000000000000000000000000003\r\n\r\nabc"),
     "S200|H:Content-Length=000000000000000000000000003|D|B:abc|E:keep"},
    {"duplicate other headers all reported", HTTP_REQ_GET,
     IN("HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n"),
     "S200|H:Set-Cookie=a=1|H:Set-Cookie=b=2|H:Content-Length=0|D|E:keep"},
    {"bare LF everywhere", HTTP_REQ_GET,
     IN("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\nT: 1\n\n"),
     "S200|H:Transfer-Encoding=chunked|D|B:abc|T:T=1|E:keep"},
    {"mixed CRLF and LF", HTTP_REQ_GET, IN("HTTP/1.1 200 OK\r\nContent-Length: 1\n\r\nz"),
     "S200|H:Content-Length=1|D|B:z|E:keep"},
    {"OWS trimmed, empty value", HTTP_REQ_GET,
     IN("HTTP/1.1 200 OK\r\nX-Empty:\r\nX-Ws: \t v a l \t\r\nX-Only-Ws:   \r\n"
        "Content-Length: 0\r\n\r\n"),
     "S200|H:X-Empty=|H:X-Ws=v a l|H:X-Only-Ws=|H:Content-Length=0|D|E:keep"},
    {"empty reason", HTTP_REQ_GET, IN("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n"),
     "S404|H:Content-Length=0|D|E:keep"},
    {"no reason, no SP", HTTP_REQ_GET, IN("HTTP/1.1 500\r\nContent-Length: 0\r\n\r\n"),
     "S500|H:Content-Length=0|D|E:keep"},
    {"reason with obs-text and tab", HTTP_REQ_GET,
     IN("HTTP/1.1 200 Tr\xc3\xa8s\tbien\r\nContent-Length: 0\r\n\r\n"),
     "S200|H:Content-Length=0|D|E:keep"},
    {"value with obs-text", HTTP_REQ_GET,
     IN("HTTP/1.1 200 OK\r\nX-U: caf\xc3\xa9\r\nContent-Length: 0\r\n\r\n"),
     "S200|H:X-U=caf\xc3\xa9|H:Content-Length=0|D|E:keep"},
    {"pipelined: three responses", HTTP_REQ_GET,
     IN("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na"
        "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nb\r\n0\r\n\r\n"
        "HTTP/1.0 200 OK\r\n\r\nrest"),
     "S200|H:Content-Length=1|D|B:a|E:keep|S404|H:Transfer-Encoding=chunked|D|B:b|E:keep"
     "|S200|D|B:rest|E:close"},
    {"CONNECT refused with a body", HTTP_REQ_CONNECT,
     IN("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 4\r\n\r\nnope"),
     "S407|H:Content-Length=4|D|B:nope|E:keep"},
    {"CONNECT established", HTTP_REQ_CONNECT,
     IN("HTTP/1.1 200 Connection established\r\nContent-Length: 9\r\n\r\n"),
     "S200|H:Content-Length=9|D|E:close"},
    {"429 with rate-limit headers", HTTP_REQ_GET,
     IN("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 12\r\nX-RateLimit-Limit: 100\r\n"
        "X-RateLimit-Remaining: 0\r\nContent-Length: 2\r\n\r\n{}"),
     "S429|H:Retry-After=12|H:X-RateLimit-Limit=100|H:X-RateLimit-Remaining=0"
     "|H:Content-Length=2|D|B:{}|E:keep"},
};

static void test_valid_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(valid); i++)
        check_case(valid[i].name, valid[i].kind, valid[i].in, valid[i].len, valid[i].ts, HTTP_DONE);
}

/* ---- malformed and hostile responses ---------------------------------------- */

struct bad_case {
    const char *name;
    enum http_reqkind kind;
    const char *in;
    size_t len;
    enum http_err err;
};

#define OK200 "HTTP/1.1 200 OK\r\n"
#define CHUNKED OK200 "Transfer-Encoding: chunked\r\n\r\n"

static const struct bad_case bad[] = {
    {"empty stream", HTTP_REQ_GET, IN(""), HTTP_ERR_EOF_EMPTY},
    {"non-numeric status", HTTP_REQ_GET, IN("HTTP/1.1 2x0 OK\r\n\r\n"), HTTP_ERR_STATUS_NONNUM},
    {"negative status", HTTP_REQ_GET, IN("HTTP/1.1 -20 OK\r\n\r\n"), HTTP_ERR_STATUS_NONNUM},
    {"status of 2 digits", HTTP_REQ_GET, IN("HTTP/1.1 20 OK\r\n\r\n"), HTTP_ERR_STATUS_DIGITS},
    {"status of 4 digits", HTTP_REQ_GET, IN("HTTP/1.1 2000 OK\r\n\r\n"), HTTP_ERR_STATUS_DIGITS},
    {"status after two spaces", HTTP_REQ_GET, IN("HTTP/1.1  200 OK\r\n\r\n"),
     HTTP_ERR_STATUS_DIGITS},
    {"status below 100", HTTP_REQ_GET, IN("HTTP/1.1 099 Low\r\n\r\n"), HTTP_ERR_STATUS_RANGE},
    {"status above 599", HTTP_REQ_GET, IN("HTTP/1.1 600 High\r\n\r\n"), HTTP_ERR_STATUS_RANGE},
    {"no status code", HTTP_REQ_GET, IN("HTTP/1.1\r\n\r\n"), HTTP_ERR_STATUS_LINE},
    {"HTTP/2.0", HTTP_REQ_GET, IN("HTTP/2.0 200 OK\r\n\r\n"), HTTP_ERR_VERSION},
    {"HTTP/1.10", HTTP_REQ_GET, IN("HTTP/1.10 200 OK\r\n\r\n"), HTTP_ERR_VERSION},
    {"lower-case version", HTTP_REQ_GET, IN("http/1.1 200 OK\r\n\r\n"), HTTP_ERR_VERSION},
    {"ICY", HTTP_REQ_GET, IN("ICY 200 OK\r\n\r\n"), HTTP_ERR_VERSION},
    {"HTTP/1.x", HTTP_REQ_GET, IN("HTTP/1.x 200 OK\r\n\r\n"), HTTP_ERR_VERSION},
    {"empty status line", HTTP_REQ_GET, IN("\r\nHTTP/1.1 200 OK\r\n\r\n"), HTTP_ERR_VERSION},
    {"tab after version", HTTP_REQ_GET, IN("HTTP/1.1\t200 OK\r\n\r\n"), HTTP_ERR_VERSION},
    {"control char in reason", HTTP_REQ_GET, IN("HTTP/1.1 200 O\x01K\r\n\r\n"), HTTP_ERR_REASON},
    {"NUL in status line", HTTP_REQ_GET, IN("HTTP/1.1 200 O\0K\r\n\r\n"), HTTP_ERR_NUL},
    {"NUL in header name", HTTP_REQ_GET, IN(OK200 "X-\0A: 1\r\n\r\n"), HTTP_ERR_NUL},
    {"NUL in header value", HTTP_REQ_GET, IN(OK200 "X-A: a\0b\r\nContent-Length: 0\r\n\r\n"),
     HTTP_ERR_NUL},
    {"NUL in chunk extension", HTTP_REQ_GET, IN(CHUNKED "1;a\0\r\nx\r\n0\r\n\r\n"), HTTP_ERR_NUL},
    {"bare CR in status line", HTTP_REQ_GET, IN("HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n"),
     HTTP_ERR_BARE_CR},
    {"bare CR in header value", HTTP_REQ_GET, IN(OK200 "X-A: a\rb\r\n\r\n"), HTTP_ERR_BARE_CR},
    {"CR CR LF", HTTP_REQ_GET, IN(OK200 "Content-Length: 0\r\r\n\r\n"), HTTP_ERR_BARE_CR},
    {"header without colon", HTTP_REQ_GET, IN(OK200 "NoColon\r\nContent-Length: 0\r\n\r\n"),
     HTTP_ERR_HEADER_COLON},
    {"space before colon", HTTP_REQ_GET, IN(OK200 "Content-Length : 5\r\n\r\nhello"),
     HTTP_ERR_HEADER_SPACE},
    {"tab before colon", HTTP_REQ_GET, IN(OK200 "Transfer-Encoding\t: chunked\r\n\r\n"),
     HTTP_ERR_HEADER_SPACE},
    {"empty header name", HTTP_REQ_GET, IN(OK200 ": v\r\n\r\n"), HTTP_ERR_HEADER_NAME},
    {"space inside header name", HTTP_REQ_GET, IN(OK200 "Bad Name: v\r\n\r\n"),
     HTTP_ERR_HEADER_NAME},
    {"separator in header name", HTTP_REQ_GET, IN(OK200 "X(y): 1\r\n\r\n"), HTTP_ERR_HEADER_NAME},
    {"control char in value", HTTP_REQ_GET, IN(OK200 "X-A: a\x01z\r\n\r\n"), HTTP_ERR_HEADER_VALUE},
    {"DEL in value", HTTP_REQ_GET, IN(OK200 "X-A: a\x7fz\r\n\r\n"), HTTP_ERR_HEADER_VALUE},
    {"vertical tab before chunked", HTTP_REQ_GET,
     IN(OK200 "Transfer-Encoding:\x0b"
              "chunked\r\n\r\n"),
     HTTP_ERR_HEADER_VALUE},
    {"whitespace before first header", HTTP_REQ_GET, IN(OK200 " X-A: 1\r\n\r\n"),
     HTTP_ERR_LEADING_SPACE},
    {"negative Content-Length", HTTP_REQ_GET, IN(OK200 "Content-Length: -1\r\n\r\n"),
     HTTP_ERR_CL_INVALID},
    {"Content-Length with plus", HTTP_REQ_GET, IN(OK200 "Content-Length: +5\r\n\r\nhello"),
     HTTP_ERR_CL_INVALID},
    {"Content-Length with inner space", HTTP_REQ_GET, IN(OK200 "Content-Length: 1 0\r\n\r\n"),
     HTTP_ERR_CL_INVALID},
    {"empty Content-Length", HTTP_REQ_GET, IN(OK200 "Content-Length:\r\n\r\n"),
     HTTP_ERR_CL_INVALID},
    {"hex Content-Length", HTTP_REQ_GET, IN(OK200 "Content-Length: 0x10\r\n\r\n"),
     HTTP_ERR_CL_INVALID},
    {"Content-Length trailing comma", HTTP_REQ_GET, IN(OK200 "Content-Length: 5,\r\n\r\nhello"),
     HTTP_ERR_CL_INVALID},
    {"Content-Length fraction", HTTP_REQ_GET, IN(OK200 "Content-Length: 1.0\r\n\r\nx"),
     HTTP_ERR_CL_INVALID},
    {"folded Content-Length", HTTP_REQ_GET, IN(OK200 "Content-Length: 1\r\n 0\r\n\r\n"),
     HTTP_ERR_CL_INVALID},
    {"Content-Length 2^64-1", HTTP_REQ_GET,
     IN(OK200 "Content-Length: 18446744073709551615\r\n\r\n"), HTTP_ERR_CL_OVERFLOW},
    {"Content-Length 2^63", HTTP_REQ_GET, IN(OK200 "Content-Length: 9223372036854775808\r\n\r\n"),
     HTTP_ERR_CL_OVERFLOW},
    {"Content-Length 26 digits", HTTP_REQ_GET,
     IN(OK200 "Content-Length: 99999999999999999999999999\r\n\r\n"), HTTP_ERR_CL_OVERFLOW},
    {"Content-Length INT64_MAX is taken", HTTP_REQ_GET,
     IN(OK200 "Content-Length: 9223372036854775807\r\n\r\nabc"), HTTP_ERR_EOF_BODY},
    {"two different Content-Lengths", HTTP_REQ_GET,
     IN(OK200 "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"), HTTP_ERR_CL_CONFLICT},
    {"Content-Length list differing", HTTP_REQ_GET, IN(OK200 "Content-Length: 5, 6\r\n\r\nhello!"),
     HTTP_ERR_CL_CONFLICT},
    {"Content-Length then chunked", HTTP_REQ_GET,
     IN(OK200 "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
     HTTP_ERR_CL_AND_TE},
    {"chunked then Content-Length", HTTP_REQ_GET,
     IN(OK200 "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n"),
     HTTP_ERR_CL_AND_TE},
    {"Content-Length and chunked on HEAD", HTTP_REQ_HEAD,
     IN(OK200 "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"), HTTP_ERR_CL_AND_TE},
    {"Transfer-Encoding gzip", HTTP_REQ_GET, IN(OK200 "Transfer-Encoding: gzip\r\n\r\n"),
     HTTP_ERR_TE_UNSUPPORTED},
    {"Transfer-Encoding gzip, chunked", HTTP_REQ_GET,
     IN(OK200 "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"), HTTP_ERR_TE_UNSUPPORTED},
    {"chunked twice in one header", HTTP_REQ_GET,
     IN(OK200 "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"), HTTP_ERR_TE_UNSUPPORTED},
    {"chunked in two headers", HTTP_REQ_GET,
     IN(OK200 "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
     HTTP_ERR_TE_UNSUPPORTED},
    {"Transfer-Encoding identity", HTTP_REQ_GET, IN(OK200 "Transfer-Encoding: identity\r\n\r\n"),
     HTTP_ERR_TE_UNSUPPORTED},
    {"chunked in HTTP/1.0", HTTP_REQ_GET,
     IN("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), HTTP_ERR_TE_HTTP10},
    {"101 Switching Protocols", HTTP_REQ_GET,
     IN("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"), HTTP_ERR_UPGRADE},
    {"chunk size not hex", HTTP_REQ_GET, IN(CHUNKED "zz\r\nhello\r\n0\r\n\r\n"),
     HTTP_ERR_CHUNK_SIZE},
    {"empty chunk size line", HTTP_REQ_GET, IN(CHUNKED "\r\n0\r\n\r\n"), HTTP_ERR_CHUNK_SIZE},
    {"chunk size with plus", HTTP_REQ_GET, IN(CHUNKED "+5\r\nhello\r\n0\r\n\r\n"),
     HTTP_ERR_CHUNK_SIZE},
    {"negative chunk size", HTTP_REQ_GET, IN(CHUNKED "-5\r\nhello\r\n0\r\n\r\n"),
     HTTP_ERR_CHUNK_SIZE},
    {"space before chunk size", HTTP_REQ_GET, IN(CHUNKED " 5\r\nhello\r\n0\r\n\r\n"),
     HTTP_ERR_CHUNK_SIZE},
    {"space after chunk size, no ext", HTTP_REQ_GET, IN(CHUNKED "5 \r\nhello\r\n0\r\n\r\n"),
     HTTP_ERR_CHUNK_SIZE},
    {"extension without chunk size", HTTP_REQ_GET, IN(CHUNKED ";a=b\r\n\r\n"), HTTP_ERR_CHUNK_SIZE},
    {"0x chunk size", HTTP_REQ_GET, IN(CHUNKED "0x5\r\nhello\r\n0\r\n\r\n"), HTTP_ERR_CHUNK_SIZE},
    {"chunk size 2^64-1", HTTP_REQ_GET, IN(CHUNKED "ffffffffffffffff\r\nx\r\n0\r\n\r\n"),
     HTTP_ERR_CHUNK_OVERFLOW},
    {"chunk size 2^63", HTTP_REQ_GET, IN(CHUNKED "8000000000000000\r\nx\r\n0\r\n\r\n"),
     HTTP_ERR_CHUNK_OVERFLOW},
    {"chunk size 17 digits", HTTP_REQ_GET, IN(CHUNKED "10000000000000000\r\nx\r\n0\r\n\r\n"),
     HTTP_ERR_CHUNK_OVERFLOW},
    {"chunk size 24 digits", HTTP_REQ_GET, IN(CHUNKED "FFFFFFFFFFFFFFFFFFFFFFFF\r\nx\r\n0\r\n\r\n"),
     HTTP_ERR_CHUNK_OVERFLOW},
    {"chunk size INT64_MAX is taken", HTTP_REQ_GET, IN(CHUNKED "7fffffffffffffff\r\nabc"),
     HTTP_ERR_EOF_CHUNKED},
    {"control char in chunk extension", HTTP_REQ_GET, IN(CHUNKED "5;a\x01=b\r\nhello\r\n0\r\n\r\n"),
     HTTP_ERR_CHUNK_EXT},
    {"chunk data without CRLF", HTTP_REQ_GET, IN(CHUNKED "5\r\nhelloX\r\n0\r\n\r\n"),
     HTTP_ERR_CHUNK_CRLF},
    {"chunk longer than its size", HTTP_REQ_GET, IN(CHUNKED "5\r\nhello!\r\n0\r\n\r\n"),
     HTTP_ERR_CHUNK_CRLF},
    {"chunk data CR without LF", HTTP_REQ_GET, IN(CHUNKED "5\r\nhello\rX0\r\n\r\n"),
     HTTP_ERR_BARE_CR},
    {"trailer without colon", HTTP_REQ_GET, IN(CHUNKED "0\r\nBad\r\n\r\n"), HTTP_ERR_HEADER_COLON},
    {"trailer with NUL", HTTP_REQ_GET, IN(CHUNKED "0\r\nX: \0\r\n\r\n"), HTTP_ERR_NUL},
    {"EOF inside Content-Length body", HTTP_REQ_GET, IN(OK200 "Content-Length: 10\r\n\r\nabc"),
     HTTP_ERR_EOF_BODY},
    {"EOF before Content-Length body", HTTP_REQ_GET, IN(OK200 "Content-Length: 10\r\n\r\n"),
     HTTP_ERR_EOF_BODY},
    {"EOF inside chunk data", HTTP_REQ_GET, IN(CHUNKED "5\r\nhel"), HTTP_ERR_EOF_CHUNKED},
    {"EOF inside chunk size", HTTP_REQ_GET, IN(CHUNKED "5"), HTTP_ERR_EOF_CHUNKED},
    {"EOF before chunk CRLF", HTTP_REQ_GET, IN(CHUNKED "5\r\nhello"), HTTP_ERR_EOF_CHUNKED},
    {"EOF after last chunk", HTTP_REQ_GET, IN(CHUNKED "0\r\n"), HTTP_ERR_EOF_CHUNKED},
    {"EOF inside trailers", HTTP_REQ_GET, IN(CHUNKED "0\r\nX: 1\r\n"), HTTP_ERR_EOF_CHUNKED},
    {"EOF before any chunk", HTTP_REQ_GET, IN(CHUNKED), HTTP_ERR_EOF_CHUNKED},
    {"EOF inside status line", HTTP_REQ_GET, IN("HTTP/1."), HTTP_ERR_EOF_HEAD},
    {"EOF inside headers", HTTP_REQ_GET, IN(OK200 "Content-Le"), HTTP_ERR_EOF_HEAD},
    {"EOF before empty line", HTTP_REQ_GET, IN(OK200 "Content-Length: 1\r\n"), HTTP_ERR_EOF_HEAD},
    {"EOF after a 100", HTTP_REQ_GET, IN("HTTP/1.1 100 Continue\r\n\r\n"), HTTP_ERR_EOF_HEAD},
    {"EOF after a CR", HTTP_REQ_GET, IN("\r"), HTTP_ERR_EOF_HEAD},
    {"EOF after HEAD-less body on CONNECT 407", HTTP_REQ_CONNECT,
     IN("HTTP/1.1 407 No\r\nContent-Length: 4\r\n\r\nno"), HTTP_ERR_EOF_BODY},
    {"second pipelined response bad", HTTP_REQ_GET,
     IN(OK200 "Content-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: "
              "2\r\n\r\n"),
     HTTP_ERR_CL_CONFLICT},
};

static void test_bad_table(void **state)
{
    (void)state;
    assert_true(ARRAY_LEN(bad) >= 30);
    for (size_t i = 0; i < ARRAY_LEN(bad); i++)
        check_case(bad[i].name, bad[i].kind, bad[i].in, bad[i].len, NULL, bad[i].err);
}

/* ---- generated cases at and just over each limit ---------------------------- */

static char gen[LIM_HTTP_LINE * 3];
static char wantbuf[TS_CAP];

struct sb {
    char *b;
    size_t cap, n;
};

static void sb_add(struct sb *s, const char *t)
{
    size_t k = strlen(t);
    assert_true(s->n + k < s->cap);
    memcpy(s->b + s->n, t, k + 1);
    s->n += k;
}

static void sb_rep(struct sb *s, char c, size_t k)
{
    assert_true(s->n + k < s->cap);
    memset(s->b + s->n, c, k);
    s->n += k;
    s->b[s->n] = '\0';
}

/* "HTTP/1.1 200 " + reason padded so the status line is len bytes */
static size_t gen_status(size_t len)
{
    struct sb s = {gen, sizeof gen, 0};
    sb_add(&s, "HTTP/1.1 200 ");
    sb_rep(&s, 'r', len - 13);
    sb_add(&s, "\r\nContent-Length: 0\r\n\r\n");
    return s.n;
}

static void test_status_line_limit(void **state)
{
    (void)state;
    size_t n = gen_status(LIM_HTTP_LINE);
    check_case("status line at the limit", HTTP_REQ_GET, gen, n, "S200|H:Content-Length=0|D|E:keep",
               HTTP_DONE);
    n = gen_status(LIM_HTTP_LINE + 1);
    check_case("status line over the limit", HTTP_REQ_GET, gen, n, "", HTTP_ERR_STATUS_TOO_LONG);
}

/* one header line "X-Big: vvv..." of len bytes, folded once if fold */
static size_t gen_header(size_t len, int fold)
{
    struct sb s = {gen, sizeof gen, 0};
    sb_add(&s, "HTTP/1.1 200 OK\r\nX-Big: ");
    sb_rep(&s, 'v', len - 7 - (fold ? 2 : 0));
    if (fold) { /* "X-Big: vvv\r\n\t\tw": the unfolded line gets " w" */
        sb_add(&s, "\r\n\t\tw");
    }
    sb_add(&s, "\r\nContent-Length: 0\r\n\r\n");
    return s.n;
}

static void test_header_line_limit(void **state)
{
    (void)state;
    struct sb w = {wantbuf, sizeof wantbuf, 0};
    sb_add(&w, "S200|H:X-Big=");
    sb_rep(&w, 'v', LIM_HTTP_LINE - 7);
    sb_add(&w, "|H:Content-Length=0|D|E:keep");
    size_t n = gen_header(LIM_HTTP_LINE, 0);
    check_case("header at the limit", HTTP_REQ_GET, gen, n, wantbuf, HTTP_DONE);
    n = gen_header(LIM_HTTP_LINE + 1, 0);
    check_case("header over the limit", HTTP_REQ_GET, gen, n, "S200", HTTP_ERR_HEADER_TOO_LONG);

    w.n = 0;
    sb_add(&w, "S200|H:X-Big=");
    sb_rep(&w, 'v', LIM_HTTP_LINE - 9);
    sb_add(&w, " w|H:Content-Length=0|D|E:keep");
    n = gen_header(LIM_HTTP_LINE, 1);
    check_case("folded header at the limit", HTTP_REQ_GET, gen, n, wantbuf, HTTP_DONE);
    n = gen_header(LIM_HTTP_LINE + 1, 1);
    check_case("folded header over the limit", HTTP_REQ_GET, gen, n, "S200",
               HTTP_ERR_HEADER_TOO_LONG);
}

static size_t gen_fields(size_t count, int trailers)
{
    char line[64];
    struct sb s = {gen, sizeof gen, 0};
    sb_add(&s, trailers ? CHUNKED "0\r\n" : OK200);
    for (size_t i = 0; i < count; i++) {
        snprintf(line, sizeof line, "X-%zu: %zu\r\n", i, i);
        sb_add(&s, line);
    }
    sb_add(&s, "\r\n");
    return s.n;
}

static void test_field_count_limit(void **state)
{
    (void)state;
    char ev[64];
    struct sb w = {wantbuf, sizeof wantbuf, 0};
    sb_add(&w, "S200");
    for (size_t i = 0; i < LIM_HTTP_HEADERS; i++) {
        snprintf(ev, sizeof ev, "|H:X-%zu=%zu", i, i);
        sb_add(&w, ev);
    }
    sb_add(&w, "|D|E:close");
    size_t n = gen_fields(LIM_HTTP_HEADERS, 0);
    check_case("headers at the limit", HTTP_REQ_GET, gen, n, wantbuf, HTTP_DONE);
    n = gen_fields(LIM_HTTP_HEADERS + 1, 0);
    check_case("one header too many", HTTP_REQ_GET, gen, n, NULL, HTTP_ERR_TOO_MANY_HEADERS);
    n = gen_fields(LIM_HTTP_HEADERS, 1);
    check_case("trailers at the limit", HTTP_REQ_GET, gen, n, NULL, HTTP_DONE);
    n = gen_fields(LIM_HTTP_HEADERS + 1, 1);
    check_case("one trailer too many", HTTP_REQ_GET, gen, n, NULL, HTTP_ERR_TOO_MANY_HEADERS);
}

static size_t gen_interim(size_t count)
{
    struct sb s = {gen, sizeof gen, 0};
    for (size_t i = 0; i < count; i++)
        sb_add(&s, "HTTP/1.1 100 Continue\r\n\r\n");
    sb_add(&s, OK200 "Content-Length: 0\r\n\r\n");
    return s.n;
}

static void test_interim_limit(void **state)
{
    (void)state;
    size_t n = gen_interim(LIM_HTTP_INTERIM);
    check_case("1xx at the limit", HTTP_REQ_GET, gen, n, "S200|H:Content-Length=0|D|E:keep",
               HTTP_DONE);
    n = gen_interim(LIM_HTTP_INTERIM + 1);
    check_case("one 1xx too many", HTTP_REQ_GET, gen, n, "", HTTP_ERR_TOO_MANY_INTERIM);
}

/* chunk-size line "1;xxxx" of len bytes */
static size_t gen_chunk_line(size_t len)
{
    struct sb s = {gen, sizeof gen, 0};
    sb_add(&s, CHUNKED "1;");
    sb_rep(&s, 'x', len - 2);
    sb_add(&s, "\r\nA\r\n0\r\n\r\n");
    return s.n;
}

static void test_chunk_line_limit(void **state)
{
    (void)state;
    size_t n = gen_chunk_line(LIM_HTTP_CHUNK_LINE);
    check_case("chunk line at the limit", HTTP_REQ_GET, gen, n,
               "S200|H:Transfer-Encoding=chunked|D|B:A|E:keep", HTTP_DONE);
    n = gen_chunk_line(LIM_HTTP_CHUNK_LINE + 1);
    check_case("chunk line over the limit", HTTP_REQ_GET, gen, n,
               "S200|H:Transfer-Encoding=chunked|D", HTTP_ERR_CHUNK_LINE_TOO_LONG);
}

/* ---- parser API details ------------------------------------------------------ */

static enum http_err feed_str(struct http_parser *p, const char *s, size_t *used)
{
    return http_feed(p, (const uint8_t *)s, strlen(s), NULL, NULL, used);
}

static void test_parsed_fields(void **state)
{
    (void)state;
    struct http_parser p;
    size_t used = 0;
    http_parser_init(&p, HTTP_REQ_GET);
    assert_int_equal(p.retry_after, -1);
    assert_int_equal(p.rl_limit, -1);
    assert_int_equal(p.rl_remaining, -1);
    assert_int_equal(
        feed_str(&p,
                 "HTTP/1.1 429 Too Many\r\nretry-after: 12\r\nX-RATELIMIT-LIMIT: 100\r\n"
                 "X-RateLimit-Remaining: 0\r\nContent-Type: application/json; "
                 "charset=utf-8\r\nContent-Length: 2\r\n\r\n{}",
                 &used),
        HTTP_DONE);
    assert_int_equal(p.status, 429);
    assert_int_equal(p.minor, 1);
    assert_int_equal(p.retry_after, 12);
    assert_int_equal(p.rl_limit, 100);
    assert_int_equal(p.rl_remaining, 0);
    assert_string_equal(p.content_type, "application/json; charset=utf-8");
    assert_false(p.ctype_cut);
    assert_string_equal(p.location, "");
    assert_true(p.has_length);
    assert_int_equal(p.length, 2);
    assert_false(p.chunked);
    assert_true(p.reusable);

    /* HTTP-date Retry-After is unknown; a huge one is clamped; junk is unknown */
    http_parser_init(&p, HTTP_REQ_GET);
    assert_int_equal(feed_str(&p,
                              "HTTP/1.1 503 Busy\r\nRetry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n"
                              "X-RateLimit-Remaining: 99999999999999999999\r\n"
                              "X-RateLimit-Limit: -5\r\nContent-Length: 0\r\n\r\n",
                              &used),
                     HTTP_DONE);
    assert_int_equal(p.retry_after, -1);
    assert_int_equal(p.rl_remaining, INT64_MAX);
    assert_int_equal(p.rl_limit, -1);
    http_parser_init(&p, HTTP_REQ_GET);
    assert_int_equal(
        feed_str(&p, "HTTP/1.1 503 Busy\r\nRetry-After: 99999999999\r\nContent-Length: 0\r\n\r\n",
                 &used),
        HTTP_DONE);
    assert_int_equal(p.retry_after, INT32_MAX);
}

static void test_location_cut(void **state)
{
    (void)state;
    struct http_parser p;
    size_t used = 0;
    struct sb s = {gen, sizeof gen, 0};
    sb_add(&s, "HTTP/1.1 301 Moved\r\nLocation: https://x/");
    sb_rep(&s, 'a', LIM_HTTP_LOCATION);
    sb_add(&s, "\r\nContent-Type: ");
    sb_rep(&s, 't', LIM_HTTP_CTYPE - 1);
    sb_add(&s, "\r\nContent-Length: 0\r\n\r\n");
    http_parser_init(&p, HTTP_REQ_GET);
    assert_int_equal(feed_str(&p, gen, &used), HTTP_DONE);
    assert_int_equal(p.status, 301);
    assert_true(p.location_cut);
    assert_int_equal(strlen(p.location), LIM_HTTP_LOCATION - 1);
    assert_memory_equal(p.location, "https://x/aaa", 13);
    assert_false(p.ctype_cut); /* exactly fits */
    assert_int_equal(strlen(p.content_type), LIM_HTTP_CTYPE - 1);

    /* one byte more than fits is cut */
    s.n = 0;
    sb_add(&s, "HTTP/1.1 200 OK\r\nContent-Type: ");
    sb_rep(&s, 'u', LIM_HTTP_CTYPE);
    sb_add(&s, "\r\nContent-Length: 0\r\n\r\n");
    http_parser_init(&p, HTTP_REQ_GET);
    assert_int_equal(feed_str(&p, gen, &used), HTTP_DONE);
    assert_true(p.ctype_cut);
    assert_int_equal(strlen(p.content_type), LIM_HTTP_CTYPE - 1);

    http_parser_init(&p, HTTP_REQ_GET);
    assert_int_equal(feed_str(&p, "HTTP/1.1 302 Found\r\nLocation: /next?p=1\r\n\r\n", &used),
                     HTTP_OK);
    assert_string_equal(p.location, "/next?p=1");
    assert_false(p.location_cut);
    assert_false(p.reusable); /* close-delimited */
    assert_int_equal(http_finish(&p, NULL, NULL), HTTP_DONE);
}

static void test_interim_fields_ignored(void **state)
{
    (void)state;
    struct http_parser p;
    size_t used = 0;
    http_parser_init(&p, HTTP_REQ_GET);
    assert_int_equal(feed_str(&p,
                              "HTTP/1.1 103 Hints\r\nContent-Type: text/html\r\nRetry-After: 5\r\n"
                              "Content-Length: 9\r\nConnection: close\r\n\r\n"
                              "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
                              &used),
                     HTTP_DONE);
    assert_int_equal(p.status, 200);
    assert_string_equal(p.content_type, "");
    assert_int_equal(p.retry_after, -1);
    assert_int_equal(p.length, 0);
    assert_true(p.reusable);
}

static void test_pipelined_used(void **state)
{
    (void)state;
    static const char first[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "2\r\nab\r\n0\r\n\r\n";
    static const char second[] = "HTTP/1.1 204 No Content\r\n\r\n";
    char both[sizeof first + sizeof second];
    struct http_parser p;
    size_t used = 0;
    snprintf(both, sizeof both, "%s%s", first, second);
    http_parser_init(&p, HTTP_REQ_GET);
    assert_int_equal(feed_str(&p, both, &used), HTTP_DONE);
    assert_int_equal(used, strlen(first));
    assert_true(p.reusable);
    /* a finished parser takes nothing more */
    assert_int_equal(feed_str(&p, both + used, &used), HTTP_DONE);
    assert_int_equal(used, 0);
    assert_int_equal(http_finish(&p, NULL, NULL), HTTP_DONE);
    http_parser_init(&p, HTTP_REQ_GET);
    assert_int_equal(feed_str(&p, both + strlen(first), &used), HTTP_DONE);
    assert_int_equal(used, strlen(second));
    assert_int_equal(p.status, 204);
}

static void test_connect_tunnel(void **state)
{
    (void)state;
    static const char head[] = "HTTP/1.1 200 Connection established\r\nProxy-Agent: t\r\n\r\n";
    uint8_t in[sizeof head + 3];
    struct http_parser p;
    size_t used = 0;
    memcpy(in, head, sizeof head - 1);
    memcpy(in + sizeof head - 1, "\x16\x03\x01", 3); /* TLS record starts */
    http_parser_init(&p, HTTP_REQ_CONNECT);
    assert_int_equal(http_feed(&p, in, sizeof in - 1, NULL, NULL, &used), HTTP_DONE);
    assert_int_equal(used, sizeof head - 1);
    assert_true(p.tunnel);
    assert_false(p.reusable);

    http_parser_init(&p, HTTP_REQ_CONNECT);
    assert_int_equal(feed_str(&p, "HTTP/1.1 407 Auth\r\nContent-Length: 0\r\n\r\n", &used),
                     HTTP_DONE);
    assert_false(p.tunnel);
    assert_int_equal(p.status, 407);
}

static int stop_rec(struct rec *r, const char *in, int after)
{
    rec_start(r, HTTP_REQ_GET);
    r->stop_after = after;
    enum http_err e = feed_piece(r, (const uint8_t *)in, strlen(in));
    r->stop_after = 0;
    return e;
}

static void test_callback_stop(void **state)
{
    (void)state;
    static const char in[] = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 3\r\n\r\nabc";
    size_t used = 0;
    for (int k = 1; k <= 7; k++) {
        assert_int_equal(stop_rec(&ref, in, k), HTTP_STOPPED);
        assert_int_equal(ref.events, k);
        assert_false(ref.p.reusable);
        /* stopped is sticky, also at EOF */
        assert_int_equal(feed_str(&ref.p, "x", &used), HTTP_STOPPED);
        assert_int_equal(used, 0);
        assert_int_equal(http_finish(&ref.p, &cbs, &ref), HTTP_STOPPED);
    }
    assert_int_equal(stop_rec(&ref, in, 8), HTTP_OK); /* only 7 events */
}

static void test_error_sticky(void **state)
{
    (void)state;
    struct http_parser p;
    size_t used = 0;
    http_parser_init(&p, HTTP_REQ_GET);
    assert_int_equal(feed_str(&p, "HTTP/1.1 2x0 OK\r\nmore", &used), HTTP_ERR_STATUS_NONNUM);
    assert_int_equal(used, 17); /* up to the LF that ended the bad line */
    assert_int_equal(feed_str(&p, "HTTP/1.1 200 OK\r\n\r\n", &used), HTTP_ERR_STATUS_NONNUM);
    assert_int_equal(used, 0);
    assert_int_equal(http_finish(&p, NULL, NULL), HTTP_ERR_STATUS_NONNUM);
    assert_false(p.reusable);

    /* EOF errors are sticky too, and an empty feed is harmless */
    http_parser_init(&p, HTTP_REQ_GET);
    assert_int_equal(http_feed(&p, NULL, 0, NULL, NULL, &used), HTTP_OK);
    assert_int_equal(used, 0);
    assert_int_equal(http_finish(&p, NULL, NULL), HTTP_ERR_EOF_EMPTY);
    assert_int_equal(http_finish(&p, NULL, NULL), HTTP_ERR_EOF_EMPTY);
    assert_int_equal(feed_str(&p, "H", &used), HTTP_ERR_EOF_EMPTY);

    /* a reusable message that fails late is not reusable */
    http_parser_init(&p, HTTP_REQ_GET);
    assert_int_equal(feed_str(&p, CHUNKED "2\r\nab", &used), HTTP_OK);
    assert_true(p.reusable);
    assert_int_equal(feed_str(&p, "X", &used), HTTP_ERR_CHUNK_CRLF);
    assert_false(p.reusable);
}

static void test_struct_size_and_strerror(void **state)
{
    (void)state;
    print_message("sizeof(struct http_parser) = %zu\n", sizeof(struct http_parser));
    assert_true(sizeof(struct http_parser) <=
                LIM_HTTP_LINE + LIM_HTTP_LOCATION + LIM_HTTP_CTYPE + 128);
    for (int i = 0; i < HTTP_ERR_COUNT; i++) {
        const char *s = http_strerror((enum http_err)i);
        assert_non_null(s);
        assert_true(strlen(s) > 5);
        assert_string_not_equal(s, "unknown HTTP error");
        for (int j = 0; j < i; j++)
            assert_string_not_equal(s, http_strerror((enum http_err)j));
    }
    assert_string_equal(http_strerror(HTTP_ERR_COUNT), "unknown HTTP error");
    assert_string_equal(http_strerror((enum http_err) - 1), "unknown HTTP error");
}

/* ---- writers ------------------------------------------------------------------ */

#define GUARD 0x5a

/* Writes with every cap below the needed size (must fail, write nothing past
 * cap) and at the exact size (must give want). */
static void check_writer_caps(enum http_err (*w)(char *, size_t, const void *, size_t *),
                              const void *arg, const char *want)
{
    static char buf[LIM_REQUEST * 2];
    size_t need = strlen(want), len = 99;
    assert_true(need < sizeof buf);
    for (size_t cap = 0; cap < need; cap++) {
        memset(buf, GUARD, sizeof buf);
        assert_int_equal(w(buf, cap, arg, &len), HTTP_ERR_NOSPACE);
        assert_int_equal(len, 0);
        for (size_t i = cap; i < sizeof buf; i++)
            assert_int_equal((unsigned char)buf[i], GUARD);
    }
    memset(buf, GUARD, sizeof buf);
    assert_int_equal(w(buf, need, arg, &len), HTTP_OK);
    assert_int_equal(len, need);
    assert_memory_equal(buf, want, need);
    assert_int_equal((unsigned char)buf[need], GUARD);
}

static enum http_err w_request(char *b, size_t cap, const void *rq, size_t *len)
{
    return http_write_request(b, cap, rq, len);
}

struct connect_arg {
    const char *host;
    uint16_t port;
    const char *userpass;
};

static enum http_err w_connect(char *b, size_t cap, const void *arg, size_t *len)
{
    const struct connect_arg *a = arg;
    return http_write_connect(b, cap, a->host, a->port, a->userpass, len);
}

static void test_request_writer(void **state)
{
    (void)state;
    const struct http_header key[] = {{"X-Api-Key", "k3y/+="}, {"X-Empty", ""}};
    struct http_request rq = {"GET",
                              "/api/partner-gateway/v1/messages/history?channel=SMS&from="
                              "2025-01-01T00%3A00%3A00%2B01%3A00&page=0&limit=20",
                              "lora-api.agiletelecom.com",
                              NULL,
                              key,
                              2,
                              NULL,
                              0};
    check_writer_caps(w_request, &rq,
                      "GET /api/partner-gateway/v1/messages/history?channel=SMS&from="
                      "2025-01-01T00%3A00%3A00%2B01%3A00&page=0&limit=20 HTTP/1.1\r\n"
                      "Host: lora-api.agiletelecom.com\r\n"
                      "User-Agent: gwhist/" GWHIST_VERSION "\r\n"
                      "Accept: application/json\r\n"
                      "X-Api-Key: k3y/+=\r\n"
                      "X-Empty: \r\n"
                      "Connection: keep-alive\r\n\r\n");

    static const uint8_t body[] = "{\"startDateTime\":\"2025-01-01T00:00:00Z\"}";
    const struct http_header ct[] = {{"Content-Type", "application/json"},
                                     {"Authorization", "Basic dTpw"}};
    struct http_request post = {"POST", "/x/export", "127.0.0.1:8443", "text/csv", ct,
                                2,      body,        sizeof body - 1};
    check_writer_caps(w_request, &post,
                      "POST /x/export HTTP/1.1\r\n"
                      "Host: 127.0.0.1:8443\r\n"
                      "User-Agent: gwhist/" GWHIST_VERSION "\r\n"
                      "Accept: text/csv\r\n"
                      "Content-Type: application/json\r\n"
                      "Authorization: Basic dTpw\r\n"
                      "Content-Length: 40\r\n"
                      "Connection: keep-alive\r\n\r\n"
                      "{\"startDateTime\":\"2025-01-01T00:00:00Z\"}");

    struct http_request empty = {"POST", "/", "h", NULL, NULL, 0, (const uint8_t *)"", 0};
    check_writer_caps(w_request, &empty,
                      "POST / HTTP/1.1\r\nHost: h\r\nUser-Agent: gwhist/" GWHIST_VERSION
                      "\r\nAccept: application/json\r\nContent-Length: 0\r\n"
                      "Connection: keep-alive\r\n\r\n");
}

struct inject_case {
    struct http_request rq;
    enum http_err err;
};

static void test_request_injection(void **state)
{
    (void)state;
    static const struct http_header crlf[] = {{"X-Api-Key", "k\r\nX-Evil: 1"}};
    static const struct http_header lf[] = {{"X-Api-Key", "k\nX-Evil: 1"}};
    static const struct http_header cr[] = {{"X-Api-Key", "k\r"}};
    static const struct http_header ctl[] = {{"X-Api-Key", "k\x01"}};
    static const struct http_header del[] = {{"X-Api-Key", "k\x7f"}};
    static const struct http_header name_colon[] = {{"X-Api-Key:", "k"}};
    static const struct http_header name_crlf[] = {{"X\r\nEvil", "k"}};
    static const struct http_header name_empty[] = {{"", "k"}};
    static const struct http_header name_null[] = {{NULL, "k"}};
    static const struct http_header value_null[] = {{"X-A", NULL}};
    const struct inject_case cases[] = {
        {{"GET", "/", "h", NULL, crlf, 1, NULL, 0}, HTTP_ERR_REQ_VALUE},
        {{"GET", "/", "h", NULL, lf, 1, NULL, 0}, HTTP_ERR_REQ_VALUE},
        {{"GET", "/", "h", NULL, cr, 1, NULL, 0}, HTTP_ERR_REQ_VALUE},
        {{"GET", "/", "h", NULL, ctl, 1, NULL, 0}, HTTP_ERR_REQ_VALUE},
        {{"GET", "/", "h", NULL, del, 1, NULL, 0}, HTTP_ERR_REQ_VALUE},
        {{"GET", "/", "h", NULL, value_null, 1, NULL, 0}, HTTP_ERR_REQ_VALUE},
        {{"GET", "/", "h", "a\r\nb", NULL, 0, NULL, 0}, HTTP_ERR_REQ_VALUE},
        {{"GET", "/", "h", NULL, name_colon, 1, NULL, 0}, HTTP_ERR_REQ_NAME},
        {{"GET", "/", "h", NULL, name_crlf, 1, NULL, 0}, HTTP_ERR_REQ_NAME},
        {{"GET", "/", "h", NULL, name_empty, 1, NULL, 0}, HTTP_ERR_REQ_NAME},
        {{"GET", "/", "h", NULL, name_null, 1, NULL, 0}, HTTP_ERR_REQ_NAME},
        {{"GET", "/a b", "h", NULL, NULL, 0, NULL, 0}, HTTP_ERR_REQ_TARGET},
        {{"GET", "/a\r\nX-Evil: 1", "h", NULL, NULL, 0, NULL, 0}, HTTP_ERR_REQ_TARGET},
        {{"GET", "/a\n", "h", NULL, NULL, 0, NULL, 0}, HTTP_ERR_REQ_TARGET},
        {{"GET", "", "h", NULL, NULL, 0, NULL, 0}, HTTP_ERR_REQ_TARGET},
        {{"GET", NULL, "h", NULL, NULL, 0, NULL, 0}, HTTP_ERR_REQ_TARGET},
        {{"GET", "/", "h\r\nX-Evil: 1", NULL, NULL, 0, NULL, 0}, HTTP_ERR_REQ_HOST},
        {{"GET", "/", "h/x", NULL, NULL, 0, NULL, 0}, HTTP_ERR_REQ_HOST},
        {{"GET", "/", "h x", NULL, NULL, 0, NULL, 0}, HTTP_ERR_REQ_HOST},
        {{"GET", "/", "", NULL, NULL, 0, NULL, 0}, HTTP_ERR_REQ_HOST},
        {{"GET", "/", "u@h", NULL, NULL, 0, NULL, 0}, HTTP_ERR_REQ_HOST},
        {{"G T", "/", "h", NULL, NULL, 0, NULL, 0}, HTTP_ERR_REQ_METHOD},
        {{"GET\r\n", "/", "h", NULL, NULL, 0, NULL, 0}, HTTP_ERR_REQ_METHOD},
        {{"", "/", "h", NULL, NULL, 0, NULL, 0}, HTTP_ERR_REQ_METHOD},
    };
    char buf[LIM_REQUEST];
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        size_t len = 99;
        enum http_err e = http_write_request(buf, sizeof buf, &cases[i].rq, &len);
        if (e != cases[i].err) {
            print_error("injection case %zu: got %s\n", i, http_strerror(e));
            fail();
        }
        assert_int_equal(len, 0);
    }
}

static void test_connect_writer(void **state)
{
    (void)state;
    struct connect_arg plain = {"lora-api.agiletelecom.com", 443, NULL};
    check_writer_caps(w_connect, &plain,
                      "CONNECT lora-api.agiletelecom.com:443 HTTP/1.1\r\n"
                      "Host: lora-api.agiletelecom.com:443\r\n"
                      "User-Agent: gwhist/" GWHIST_VERSION "\r\n\r\n");
    struct connect_arg auth = {"example.com", 8443, "Aladdin:open sesame"};
    check_writer_caps(w_connect, &auth,
                      "CONNECT example.com:8443 HTTP/1.1\r\n"
                      "Host: example.com:8443\r\n"
                      "User-Agent: gwhist/" GWHIST_VERSION "\r\n"
                      "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n");
    struct connect_arg v6 = {"::1", 65535, ""};
    check_writer_caps(w_connect, &v6,
                      "CONNECT [::1]:65535 HTTP/1.1\r\nHost: [::1]:65535\r\n"
                      "User-Agent: gwhist/" GWHIST_VERSION "\r\n"
                      "Proxy-Authorization: Basic \r\n\r\n");
    struct connect_arg v6b = {"[fe80::1%25eth0]", 100, NULL};
    check_writer_caps(w_connect, &v6b,
                      "CONNECT [fe80::1%25eth0]:100 HTTP/1.1\r\nHost: [fe80::1%25eth0]:100\r\n"
                      "User-Agent: gwhist/" GWHIST_VERSION "\r\n\r\n");
    char buf[256];
    size_t len = 99;
    assert_int_equal(http_write_connect(buf, sizeof buf, "h\r\nX: 1", 443, NULL, &len),
                     HTTP_ERR_REQ_HOST);
    assert_int_equal(len, 0);
    assert_int_equal(http_write_connect(buf, sizeof buf, "", 443, NULL, &len), HTTP_ERR_REQ_HOST);
    assert_int_equal(http_write_connect(buf, sizeof buf, NULL, 443, NULL, &len), HTTP_ERR_REQ_HOST);
}

static void test_base64(void **state)
{
    (void)state;
    static const char *const vec[][2] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    char out[16];
    for (size_t i = 0; i < ARRAY_LEN(vec); i++) {
        size_t n = strlen(vec[i][0]), want = strlen(vec[i][1]), len = 99;
        assert_int_equal(HTTP_BASE64_LEN(n), want);
        assert_int_equal(http_base64(out, want + 1, (const uint8_t *)vec[i][0], n, &len), HTTP_OK);
        assert_string_equal(out, vec[i][1]);
        assert_int_equal(len, want);
        for (size_t cap = 0; cap <= want; cap++) {
            memset(out, GUARD, sizeof out);
            assert_int_equal(http_base64(out, cap, (const uint8_t *)vec[i][0], n, &len),
                             HTTP_ERR_NOSPACE);
            assert_int_equal(len, 0);
            if (cap > 0)
                assert_int_equal(out[0], '\0');
            else
                assert_int_equal((unsigned char)out[0], GUARD);
        }
    }
    static const uint8_t bin[] = {0xff, 0xfe, 0x00, 0xfb, 0xef};
    assert_int_equal(http_base64(out, sizeof out, bin, sizeof bin, NULL), HTTP_OK);
    assert_string_equal(out, "//4A++8=");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_table),
        cmocka_unit_test(test_bad_table),
        cmocka_unit_test(test_status_line_limit),
        cmocka_unit_test(test_header_line_limit),
        cmocka_unit_test(test_field_count_limit),
        cmocka_unit_test(test_interim_limit),
        cmocka_unit_test(test_chunk_line_limit),
        cmocka_unit_test(test_parsed_fields),
        cmocka_unit_test(test_location_cut),
        cmocka_unit_test(test_interim_fields_ignored),
        cmocka_unit_test(test_pipelined_used),
        cmocka_unit_test(test_connect_tunnel),
        cmocka_unit_test(test_callback_stop),
        cmocka_unit_test(test_error_sticky),
        cmocka_unit_test(test_struct_size_and_strerror),
        cmocka_unit_test(test_request_writer),
        cmocka_unit_test(test_request_injection),
        cmocka_unit_test(test_connect_writer),
        cmocka_unit_test(test_base64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
