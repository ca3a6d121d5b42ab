/* HTTP/1.1 request writers and response push parser; see http.h. */
#include "http.h"

#include <string.h>

#ifndef GWHIST_VERSION
#error "GWHIST_VERSION must be defined by the build"
#endif

/* Largest Content-Length or chunk size taken: it fits an int64_t. */
#define LEN_MAX ((uint64_t)INT64_MAX)

static const char *const errs[HTTP_ERR_COUNT] = {
    [HTTP_OK] = "ok, more input needed",
    [HTTP_DONE] = "message complete",
    [HTTP_STOPPED] = "stopped by a callback",
    [HTTP_ERR_NOSPACE] = "output does not fit in the buffer",
    [HTTP_ERR_REQ_METHOD] = "request method missing or not a token",
    [HTTP_ERR_REQ_TARGET] = "request target missing or has a control character or space",
    [HTTP_ERR_REQ_HOST] = "request host missing or has a character not allowed in a host",
    [HTTP_ERR_REQ_NAME] = "request header name missing or not a token",
    [HTTP_ERR_REQ_VALUE] = "request header value has CR, LF, NUL or another control character",
    [HTTP_ERR_NUL] = "NUL byte in the response head or a chunk line",
    [HTTP_ERR_BARE_CR] = "CR not followed by LF",
    [HTTP_ERR_STATUS_TOO_LONG] = "status line too long",
    [HTTP_ERR_VERSION] = "response version is not HTTP/1.x",
    [HTTP_ERR_STATUS_LINE] = "status line has no status code",
    [HTTP_ERR_STATUS_NONNUM] = "status code is not numeric",
    [HTTP_ERR_STATUS_DIGITS] = "status code is not 3 digits",
    [HTTP_ERR_STATUS_RANGE] = "status code outside 100-599",
    [HTTP_ERR_REASON] = "control character in the reason phrase",
    [HTTP_ERR_UPGRADE] = "unrequested 101 Switching Protocols",
    [HTTP_ERR_TOO_MANY_INTERIM] = "too many 1xx interim responses",
    [HTTP_ERR_HEADER_TOO_LONG] = "header line too long",
    [HTTP_ERR_TOO_MANY_HEADERS] = "too many header fields",
    [HTTP_ERR_LEADING_SPACE] = "whitespace before the first header field",
    [HTTP_ERR_HEADER_NAME] = "header name empty or not a token",
    [HTTP_ERR_HEADER_COLON] = "header line without a colon",
    [HTTP_ERR_HEADER_SPACE] = "whitespace between header name and colon",
    [HTTP_ERR_HEADER_VALUE] = "control character in a header value",
    [HTTP_ERR_CL_INVALID] = "Content-Length is not a decimal number",
    [HTTP_ERR_CL_OVERFLOW] = "Content-Length too large",
    [HTTP_ERR_CL_CONFLICT] = "two different Content-Length values",
    [HTTP_ERR_CL_AND_TE] = "both Content-Length and Transfer-Encoding",
    [HTTP_ERR_TE_UNSUPPORTED] = "Transfer-Encoding other than chunked",
    [HTTP_ERR_TE_HTTP10] = "Transfer-Encoding in an HTTP/1.0 response",
    [HTTP_ERR_CHUNK_SIZE] = "chunk size is not hexadecimal",
    [HTTP_ERR_CHUNK_OVERFLOW] = "chunk size too large",
    [HTTP_ERR_CHUNK_EXT] = "control character in a chunk extension",
    [HTTP_ERR_CHUNK_LINE_TOO_LONG] = "chunk size line too long",
    [HTTP_ERR_CHUNK_CRLF] = "chunk data not followed by CRLF",
    [HTTP_ERR_EOF_EMPTY] = "connection closed before a response",
    [HTTP_ERR_EOF_HEAD] = "connection closed inside the response head",
    [HTTP_ERR_EOF_BODY] = "connection closed before the whole body (Content-Length)",
    [HTTP_ERR_EOF_CHUNKED] = "connection closed before the end of the chunked body",
};

const char *http_strerror(enum http_err e)
{
    if ((unsigned)e >= HTTP_ERR_COUNT || errs[e] == NULL)
        return "unknown HTTP error";
    return errs[e];
}

/* ---- characters --------------------------------------------------------- */

static int is_ws(int c)
{
    return c == ' ' || c == '\t';
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 9110 tchar */
static int is_tchar(int c)
{
    return is_alpha(c) || is_digit(c) || (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* field-vchar, SP and HTAB: what a header value may hold (obs-text too) */
static int is_value_char(int c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static int is_host_char(int c)
{
    return is_alpha(c) || is_digit(c) || (c != 0 && strchr("-._~:[]%", c) != NULL);
}

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int hex_val(int c)
{
    if (is_digit(c))
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int ieq(const char *a, size_t alen, const char *b)
{
    size_t i = 0;
    for (; i < alen && b[i] != '\0'; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return i == alen && b[i] == '\0';
}

static int all_chars(const char *s, int (*ok)(int))
{
    if (s == NULL || *s == '\0')
        return 0;
    for (; *s != '\0'; s++)
        if (!ok((unsigned char)*s))
            return 0;
    return 1;
}

static int is_target_char(int c)
{
    return c > 0x20 && c != 0x7f;
}

static int is_value_or_empty(const char *s)
{
    return s != NULL && (*s == '\0' || all_chars(s, is_value_char));
}

/* ---- writers ------------------------------------------------------------ */

struct out {
    char *buf;
    size_t cap, len;
    int full;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->full || n > o->cap - o->len) {
        o->full = 1;
        return;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void put_dec(struct out *o, uint64_t v)
{
    uint64_t div = 1;
    while (v / div >= 10)
        div *= 10;
    for (; div > 0; div /= 10) {
        char c = (char)('0' + (v / div) % 10);
        put(o, &c, 1);
    }
}

static void put_header(struct out *o, const char *name, const char *value)
{
    puts_(o, name);
    put(o, ": ", 2);
    puts_(o, value);
    put(o, "\r\n", 2);
}

static void put_base64(struct out *o, const uint8_t *in, size_t n)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        char q[4] = {abc[v >> 18], abc[(v >> 12) & 63], abc[(v >> 6) & 63], abc[v & 63]};
        if (i + 1 >= n)
            q[2] = '=';
        if (i + 2 >= n)
            q[3] = '=';
        put(o, q, 4);
    }
}

static enum http_err out_end(const struct out *o, size_t *len)
{
    *len = o->full ? 0 : o->len;
    return o->full ? HTTP_ERR_NOSPACE : HTTP_OK;
}

static enum http_err check_request(const struct http_request *rq)
{
    if (!all_chars(rq->method, is_tchar))
        return HTTP_ERR_REQ_METHOD;
    if (!all_chars(rq->target, is_target_char))
        return HTTP_ERR_REQ_TARGET;
    if (!all_chars(rq->host, is_host_char))
        return HTTP_ERR_REQ_HOST;
    if (rq->accept != NULL && !all_chars(rq->accept, is_value_char))
        return HTTP_ERR_REQ_VALUE;
    for (size_t i = 0; i < rq->n_extra; i++) {
        if (!all_chars(rq->extra[i].name, is_tchar))
            return HTTP_ERR_REQ_NAME;
        if (!is_value_or_empty(rq->extra[i].value))
            return HTTP_ERR_REQ_VALUE;
    }
    return HTTP_OK;
}

enum http_err http_write_request(char *buf, size_t cap, const struct http_request *rq, size_t *len)
{
    struct out o = {buf, cap, 0, 0};
    enum http_err e = check_request(rq);
    *len = 0;
    if (e != HTTP_OK)
        return e;
    puts_(&o, rq->method);
    put(&o, " ", 1);
    puts_(&o, rq->target);
    put(&o, " HTTP/1.1\r\n", 11);
    put_header(&o, "Host", rq->host);
    put_header(&o, "User-Agent", "gwhist/" GWHIST_VERSION);
    put_header(&o, "Accept", rq->accept != NULL ? rq->accept : "application/json");
    for (size_t i = 0; i < rq->n_extra; i++)
        put_header(&o, rq->extra[i].name, rq->extra[i].value);
    if (rq->body != NULL) {
        puts_(&o, "Content-Length: ");
        put_dec(&o, rq->body_len);
        put(&o, "\r\n", 2);
    }
    puts_(&o, "Connection: keep-alive\r\n\r\n");
    if (rq->body != NULL)
        put(&o, (const char *)rq->body, rq->body_len);
    return out_end(&o, len);
}

static void put_authority(struct out *o, const char *host, uint16_t port)
{
    int bracket = host[0] != '[' && strchr(host, ':') != NULL;
    if (bracket)
        put(o, "[", 1);
    puts_(o, host);
    put(o, bracket ? "]:" : ":", bracket ? 2 : 1);
    put_dec(o, port);
}

enum http_err http_write_connect(char *buf, size_t cap, const char *host, uint16_t port,
                                 const char *userpass, size_t *len)
{
    struct out o = {buf, cap, 0, 0};
    *len = 0;
    if (!all_chars(host, is_host_char))
        return HTTP_ERR_REQ_HOST;
    puts_(&o, "CONNECT ");
    put_authority(&o, host, port);
    puts_(&o, " HTTP/1.1\r\nHost: ");
    put_authority(&o, host, port);
    puts_(&o, "\r\nUser-Agent: gwhist/" GWHIST_VERSION "\r\n");
    if (userpass != NULL) {
        puts_(&o, "Proxy-Authorization: Basic ");
        put_base64(&o, (const uint8_t *)userpass, strlen(userpass));
        put(&o, "\r\n", 2);
    }
    put(&o, "\r\n", 2);
    return out_end(&o, len);
}

enum http_err http_base64(char *out, size_t cap, const uint8_t *in, size_t n, size_t *len)
{
    size_t need = HTTP_BASE64_LEN(n);
    size_t dummy = 0;
    struct out o = {out, cap, 0, 0};
    if (len == NULL)
        len = &dummy;
    *len = 0;
    if (n > (SIZE_MAX - 1) / 4 * 3 - 3 || cap < need + 1) {
        if (cap > 0)
            out[0] = '\0';
        return HTTP_ERR_NOSPACE;
    }
    put_base64(&o, in, n);
    out[o.len] = '\0';
    *len = o.len;
    return HTTP_OK;
}

/* ---- parser: states and helpers ----------------------------------------- */

/* States below ST_BODY_LEN take one byte at a time; the body states take
 * as many bytes as they can. */
enum {
    ST_STATUS,      /* in the status line */
    ST_FIELD_START, /* at the start of a header or trailer line */
    ST_FIELD_LINE,  /* in a field line (line[] holds it) */
    ST_FIELD_FOLD,  /* in the leading whitespace of an obs-fold line */
    ST_CHUNK_SIZE,  /* in the hex digits of a chunk-size line */
    ST_CHUNK_BWS,   /* whitespace after the digits, before ';' */
    ST_CHUNK_EXT,   /* in the chunk extensions */
    ST_CHUNK_CR,    /* after chunk data: CRLF expected */
    ST_BODY_LEN,    /* Content-Length body */
    ST_BODY_CLOSE,  /* body delimited by the connection close */
    ST_CHUNK_DATA,  /* chunk data */
    ST_DONE,
    ST_DEAD
};

struct ev {
    const struct http_callbacks *cb;
    void *user;
};

static enum http_err ret(int r)
{
    return r != 0 ? HTTP_STOPPED : HTTP_OK;
}

static void clear_fields(struct http_parser *p)
{
    p->chunked = p->has_length = p->tunnel = false;
    p->location_cut = p->ctype_cut = false;
    p->length = 0;
    p->retry_after = -1;
    p->rl_limit = p->rl_remaining = -1;
    p->location[0] = p->content_type[0] = '\0';
    p->conn_close = p->conn_keep = 0;
    p->fields = 0;
    p->llen = 0;
}

void http_parser_init(struct http_parser *p, enum http_reqkind kind)
{
    p->status = 0;
    p->minor = 0;
    p->reusable = false;
    clear_fields(p);
    p->state = ST_STATUS;
    p->kind = (uint8_t)kind;
    p->interim = 0;
    p->cr = 0;
    p->trailers = 0;
    p->err = HTTP_OK;
    p->remain = 0;
}

static enum http_err complete(struct http_parser *p, const struct ev *ev)
{
    p->state = ST_DONE;
    if (ev->cb->on_complete != NULL && ev->cb->on_complete(ev->user) != 0)
        return HTTP_STOPPED;
    return HTTP_DONE;
}

/* Appends c to line[], or returns too_long. */
static enum http_err line_add(struct http_parser *p, uint8_t c, enum http_err too_long)
{
    if (p->llen >= LIM_HTTP_LINE)
        return too_long;
    p->line[p->llen++] = (char)c;
    return HTTP_OK;
}

/* Decimal 1*DIGIT in s[0..n) into *v, at most max. Returns 0 if not all
 * digits (or empty), -1 if above max, 1 if good. */
static int parse_dec(const char *s, size_t n, uint64_t max, uint64_t *v)
{
    uint64_t x = 0;
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit((unsigned char)s[i]))
            return 0;
        unsigned d = (unsigned)(s[i] - '0');
        if (x > (max - d) / 10)
            return -1;
        x = x * 10 + d;
    }
    *v = x;
    return 1;
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && is_ws((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_ws((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* Next comma-separated element of *s (trimmed) into *e; 0 at the end. */
static int next_elem(const char **s, size_t *n, const char **e, size_t *elen)
{
    if (*s == NULL)
        return 0;
    const char *comma = memchr(*s, ',', *n);
    *e = *s;
    *elen = comma != NULL ? (size_t)(comma - *s) : *n;
    if (comma != NULL) {
        *n -= *elen + 1;
        *s = comma + 1;
    } else {
        *s = NULL;
    }
    trim(e, elen);
    return 1;
}

/* ---- parser: status line ------------------------------------------------ */

static enum http_err parse_code(struct http_parser *p, const char *s, size_t n)
{
    size_t clen = 0;
    while (clen < n && s[clen] != ' ')
        clen++;
    for (size_t i = 0; i < clen; i++)
        if (!is_digit((unsigned char)s[i]))
            return HTTP_ERR_STATUS_NONNUM;
    if (clen != 3)
        return HTTP_ERR_STATUS_DIGITS;
    p->status = (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
    if (p->status < 100 || p->status > 599)
        return HTTP_ERR_STATUS_RANGE;
    for (size_t i = clen; i < n; i++)
        if (!is_value_char((unsigned char)s[i]))
            return HTTP_ERR_REASON;
    return HTTP_OK;
}

static enum http_err parse_status(struct http_parser *p)
{
    const char *s = p->line;
    const char *sp = memchr(s, ' ', p->llen);
    size_t vlen = sp != NULL ? (size_t)(sp - s) : p->llen;
    if (vlen != 8 || memcmp(s, "HTTP/1.", 7) != 0 || !is_digit((unsigned char)s[7]))
        return HTTP_ERR_VERSION;
    p->minor = (uint8_t)(s[7] != '0');
    if (sp == NULL)
        return HTTP_ERR_STATUS_LINE;
    return parse_code(p, sp + 1, p->llen - vlen - 1);
}

static enum http_err status_end(struct http_parser *p, const struct ev *ev)
{
    enum http_err e = parse_status(p);
    if (e != HTTP_OK)
        return e;
    p->llen = 0;
    p->state = ST_FIELD_START;
    if (p->status == 101)
        return HTTP_ERR_UPGRADE;
    if (p->status < 200)
        return ++p->interim > LIM_HTTP_INTERIM ? HTTP_ERR_TOO_MANY_INTERIM : HTTP_OK;
    return ev->cb->on_status != NULL ? ret(ev->cb->on_status(ev->user, p->status)) : HTTP_OK;
}

static enum http_err st_status(struct http_parser *p, uint8_t c, const struct ev *ev)
{
    if (c == '\n')
        return status_end(p, ev);
    return line_add(p, c, HTTP_ERR_STATUS_TOO_LONG);
}

/* ---- parser: fields the parser interprets --------------------------------- */

static enum http_err apply_length(struct http_parser *p, const char *v, size_t n)
{
    const char *e;
    size_t elen;
    uint64_t x = 0;
    do {
        if (!next_elem(&v, &n, &e, &elen))
            break;
        int r = parse_dec(e, elen, LEN_MAX, &x);
        if (r <= 0)
            return r < 0 ? HTTP_ERR_CL_OVERFLOW : HTTP_ERR_CL_INVALID;
        if (p->has_length && p->length != x)
            return HTTP_ERR_CL_CONFLICT;
        p->has_length = true;
        p->length = x;
    } while (v != NULL);
    return HTTP_OK;
}

static enum http_err apply_te(struct http_parser *p, const char *v, size_t n)
{
    if (p->chunked || !ieq(v, n, "chunked"))
        return HTTP_ERR_TE_UNSUPPORTED;
    p->chunked = true;
    return HTTP_OK;
}

static void apply_connection(struct http_parser *p, const char *v, size_t n)
{
    const char *e;
    size_t elen;
    while (next_elem(&v, &n, &e, &elen)) {
        if (ieq(e, elen, "close"))
            p->conn_close = 1;
        else if (ieq(e, elen, "keep-alive"))
            p->conn_keep = 1;
    }
}

static int64_t number_or_unknown(const char *v, size_t n, uint64_t max)
{
    uint64_t x = 0;
    int r = parse_dec(v, n, UINT64_MAX, &x);
    if (r == 0)
        return -1;
    return (r < 0 || x > max) ? (int64_t)max : (int64_t)x;
}

static void copy_cut(char *dst, size_t cap, bool *cut, const char *v, size_t n)
{
    *cut = n >= cap;
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, v, n);
    dst[n] = '\0';
}

static enum http_err apply_field(struct http_parser *p, const char *name, size_t nlen,
                                 const char *v, size_t vlen)
{
    if (ieq(name, nlen, "content-length"))
        return apply_length(p, v, vlen);
    if (ieq(name, nlen, "transfer-encoding"))
        return apply_te(p, v, vlen);
    if (ieq(name, nlen, "connection"))
        apply_connection(p, v, vlen);
    else if (ieq(name, nlen, "retry-after"))
        p->retry_after = (int32_t)number_or_unknown(v, vlen, INT32_MAX);
    else if (ieq(name, nlen, "x-ratelimit-limit"))
        p->rl_limit = number_or_unknown(v, vlen, INT64_MAX);
    else if (ieq(name, nlen, "x-ratelimit-remaining"))
        p->rl_remaining = number_or_unknown(v, vlen, INT64_MAX);
    else if (ieq(name, nlen, "location"))
        copy_cut(p->location, sizeof p->location, &p->location_cut, v, vlen);
    else if (ieq(name, nlen, "content-type"))
        copy_cut(p->content_type, sizeof p->content_type, &p->ctype_cut, v, vlen);
    return HTTP_OK;
}

/* ---- parser: field lines -------------------------------------------------- */

static enum http_err check_name(const char *s, size_t n)
{
    if (n == 0)
        return HTTP_ERR_HEADER_NAME;
    if (is_ws((unsigned char)s[n - 1]))
        return HTTP_ERR_HEADER_SPACE;
    for (size_t i = 0; i < n; i++)
        if (!is_tchar((unsigned char)s[i]))
            return HTTP_ERR_HEADER_NAME;
    return HTTP_OK;
}

static enum http_err emit_field(struct http_parser *p, const char *name, size_t nlen, const char *v,
                                size_t vlen, const struct ev *ev)
{
    enum http_err e = HTTP_OK;
    if (p->trailers)
        return ev->cb->on_trailer != NULL ? ret(ev->cb->on_trailer(ev->user, name, nlen, v, vlen))
                                          : HTTP_OK;
    if (p->status < 200)
        return HTTP_OK; /* 1xx fields are checked, not used */
    e = apply_field(p, name, nlen, v, vlen);
    if (e == HTTP_OK && ev->cb->on_header != NULL)
        e = ret(ev->cb->on_header(ev->user, name, nlen, v, vlen));
    return e;
}

/* The pending field line in line[] is complete: check and report it. */
static enum http_err flush_field(struct http_parser *p, const struct ev *ev)
{
    const char *s = p->line;
    const char *colon = memchr(s, ':', p->llen);
    if (colon == NULL)
        return HTTP_ERR_HEADER_COLON;
    size_t nlen = (size_t)(colon - s);
    enum http_err e = check_name(s, nlen);
    if (e != HTTP_OK)
        return e;
    const char *v = colon + 1;
    size_t vlen = p->llen - nlen - 1;
    trim(&v, &vlen);
    for (size_t i = 0; i < vlen; i++)
        if (!is_value_char((unsigned char)v[i]))
            return HTTP_ERR_HEADER_VALUE;
    p->llen = 0;
    return emit_field(p, s, nlen, v, vlen, ev);
}

static int has_no_body(const struct http_parser *p)
{
    return p->kind == HTTP_REQ_HEAD || p->status == 204 || p->status == 304 || p->tunnel;
}

/* Headers are complete: pick the framing (RFC 9112 6.3) and reusability. */
static enum http_err decide_body(struct http_parser *p)
{
    if (p->chunked && p->has_length)
        return HTTP_ERR_CL_AND_TE;
    if (p->chunked && p->minor == 0)
        return HTTP_ERR_TE_HTTP10;
    p->tunnel = p->kind == HTTP_REQ_CONNECT && p->status < 300;
    p->reusable = !p->conn_close && (p->minor >= 1 || p->conn_keep) && !p->tunnel;
    p->remain = p->chunked ? 0 : p->length;
    if (has_no_body(p))
        p->state = ST_DONE;
    else if (p->chunked)
        p->state = ST_CHUNK_SIZE;
    else if (p->has_length)
        p->state = p->length > 0 ? ST_BODY_LEN : ST_DONE;
    else {
        p->state = ST_BODY_CLOSE;
        p->reusable = false;
    }
    return HTTP_OK;
}

static enum http_err headers_end(struct http_parser *p, const struct ev *ev)
{
    if (p->status < 200) { /* interim response: the real one follows */
        clear_fields(p);
        p->state = ST_STATUS;
        return HTTP_OK;
    }
    enum http_err e = decide_body(p);
    if (e == HTTP_OK && ev->cb->on_headers_done != NULL)
        e = ret(ev->cb->on_headers_done(ev->user));
    if (e == HTTP_OK && p->state == ST_DONE)
        e = complete(p, ev);
    return e;
}

/* An empty line: the end of the headers, or of the trailers. */
static enum http_err section_end(struct http_parser *p, const struct ev *ev)
{
    enum http_err e = p->llen > 0 ? flush_field(p, ev) : HTTP_OK;
    if (e != HTTP_OK)
        return e;
    return p->trailers ? complete(p, ev) : headers_end(p, ev);
}

static enum http_err st_field_start(struct http_parser *p, uint8_t c, const struct ev *ev)
{
    if (c == '\n')
        return section_end(p, ev);
    if (is_ws(c)) { /* obs-fold: unfold into one SP (RFC 9112 5.2) */
        if (p->llen == 0)
            return HTTP_ERR_LEADING_SPACE;
        while (p->llen > 0 && is_ws((unsigned char)p->line[p->llen - 1]))
            p->llen--;
        p->state = ST_FIELD_FOLD;
        return line_add(p, ' ', HTTP_ERR_HEADER_TOO_LONG);
    }
    enum http_err e = p->llen > 0 ? flush_field(p, ev) : HTTP_OK;
    if (e != HTTP_OK)
        return e;
    if (++p->fields > LIM_HTTP_HEADERS)
        return HTTP_ERR_TOO_MANY_HEADERS;
    p->state = ST_FIELD_LINE;
    return line_add(p, c, HTTP_ERR_HEADER_TOO_LONG);
}

static enum http_err st_field_line(struct http_parser *p, uint8_t c, const struct ev *ev)
{
    (void)ev;
    if (c == '\n') {
        p->state = ST_FIELD_START;
        return HTTP_OK;
    }
    return line_add(p, c, HTTP_ERR_HEADER_TOO_LONG);
}

static enum http_err st_field_fold(struct http_parser *p, uint8_t c, const struct ev *ev)
{
    if (is_ws(c))
        return HTTP_OK;
    p->state = ST_FIELD_LINE;
    return st_field_line(p, c, ev);
}

/* ---- parser: chunked framing ---------------------------------------------- */

static enum http_err chunk_line_end(struct http_parser *p)
{
    p->llen = 0;
    if (p->remain > 0) {
        p->state = ST_CHUNK_DATA;
        return HTTP_OK;
    }
    p->trailers = 1; /* last chunk: trailer fields, then an empty line */
    p->fields = 0;
    p->state = ST_FIELD_START;
    return HTTP_OK;
}

/* Counts one more byte of the chunk-size line against its limit. */
static enum http_err chunk_count(struct http_parser *p)
{
    return ++p->llen > LIM_HTTP_CHUNK_LINE ? HTTP_ERR_CHUNK_LINE_TOO_LONG : HTTP_OK;
}

static enum http_err st_chunk_size(struct http_parser *p, uint8_t c, const struct ev *ev)
{
    (void)ev;
    if (c == '\n')
        return p->llen > 0 ? chunk_line_end(p) : HTTP_ERR_CHUNK_SIZE;
    if (chunk_count(p) != HTTP_OK)
        return HTTP_ERR_CHUNK_LINE_TOO_LONG;
    int d = hex_val(c);
    if (d >= 0) {
        if (p->remain > (LEN_MAX - (unsigned)d) / 16)
            return HTTP_ERR_CHUNK_OVERFLOW;
        p->remain = p->remain * 16 + (unsigned)d;
        return HTTP_OK;
    }
    if (p->llen == 1 || (c != ';' && !is_ws(c)))
        return HTTP_ERR_CHUNK_SIZE;
    p->state = c == ';' ? ST_CHUNK_EXT : ST_CHUNK_BWS;
    return HTTP_OK;
}

static enum http_err st_chunk_bws(struct http_parser *p, uint8_t c, const struct ev *ev)
{
    (void)ev;
    if (c != ';' && !is_ws(c))
        return HTTP_ERR_CHUNK_SIZE;
    if (c == ';')
        p->state = ST_CHUNK_EXT;
    return chunk_count(p);
}

/* Extensions are skipped: any visible bytes, SP and HTAB up to the LF. */
static enum http_err st_chunk_ext(struct http_parser *p, uint8_t c, const struct ev *ev)
{
    (void)ev;
    if (c == '\n')
        return chunk_line_end(p);
    if (!is_value_char(c))
        return HTTP_ERR_CHUNK_EXT;
    return chunk_count(p);
}

static enum http_err st_chunk_cr(struct http_parser *p, uint8_t c, const struct ev *ev)
{
    (void)ev;
    if (c != '\n')
        return HTTP_ERR_CHUNK_CRLF;
    p->state = ST_CHUNK_SIZE;
    return HTTP_OK;
}

/* ---- parser: feeding ------------------------------------------------------ */

static enum http_err (*const byte_state[ST_BODY_LEN])(struct http_parser *, uint8_t,
                                                      const struct ev *) = {
    [ST_STATUS] = st_status,         [ST_FIELD_START] = st_field_start,
    [ST_FIELD_LINE] = st_field_line, [ST_FIELD_FOLD] = st_field_fold,
    [ST_CHUNK_SIZE] = st_chunk_size, [ST_CHUNK_BWS] = st_chunk_bws,
    [ST_CHUNK_EXT] = st_chunk_ext,   [ST_CHUNK_CR] = st_chunk_cr,
};

/* One byte of a line-oriented state. CR must be followed by LF; the LF is
 * then handled by the state as the end of the line (bare LF works too). */
static enum http_err byte_step(struct http_parser *p, uint8_t c, const struct ev *ev)
{
    if (p->cr && c != '\n')
        return HTTP_ERR_BARE_CR;
    p->cr = 0;
    if (c == '\r') {
        p->cr = 1;
        return HTTP_OK;
    }
    if (c == 0)
        return HTTP_ERR_NUL;
    return byte_state[p->state](p, c, ev);
}

/* Body bytes: as many as the framing allows, passed on without copying. */
static size_t body_step(struct http_parser *p, const uint8_t *d, size_t n, const struct ev *ev,
                        enum http_err *e)
{
    int counted = p->state != ST_BODY_CLOSE;
    size_t k = (counted && p->remain < n) ? (size_t)p->remain : n;
    *e = ev->cb->on_body != NULL ? ret(ev->cb->on_body(ev->user, d, k)) : HTTP_OK;
    if (!counted)
        return k;
    p->remain -= k;
    if (*e == HTTP_OK && p->remain == 0) {
        if (p->state == ST_CHUNK_DATA)
            p->state = ST_CHUNK_CR;
        else
            *e = complete(p, ev);
    }
    return k;
}

static const struct http_callbacks no_callbacks;

enum http_err http_feed(struct http_parser *p, const uint8_t *data, size_t n,
                        const struct http_callbacks *cb, void *user, size_t *used)
{
    struct ev ev = {cb != NULL ? cb : &no_callbacks, user};
    enum http_err e = p->err;
    size_t i = 0;
    while (e == HTTP_OK && i < n) {
        if (p->state >= ST_BODY_LEN) {
            i += body_step(p, data + i, n - i, &ev, &e);
        } else {
            e = byte_step(p, data[i], &ev);
            i++;
        }
    }
    if (e != HTTP_OK && e != p->err) {
        p->err = e;
        if (e != HTTP_DONE) {
            p->state = ST_DEAD;
            p->reusable = false;
        }
        if (used != NULL)
            *used = i;
        return e;
    }
    if (used != NULL)
        *used = e == HTTP_OK ? i : 0;
    return e;
}

static enum http_err eof_error(const struct http_parser *p)
{
    if (p->state == ST_BODY_LEN)
        return HTTP_ERR_EOF_BODY;
    if (p->state >= ST_CHUNK_SIZE || p->trailers)
        return HTTP_ERR_EOF_CHUNKED;
    if (p->state == ST_STATUS && p->llen == 0 && p->interim == 0 && !p->cr)
        return HTTP_ERR_EOF_EMPTY;
    return HTTP_ERR_EOF_HEAD;
}

enum http_err http_finish(struct http_parser *p, const struct http_callbacks *cb, void *user)
{
    struct ev ev = {cb != NULL ? cb : &no_callbacks, user};
    enum http_err e;
    if (p->err != HTTP_OK)
        return p->err;
    if (p->state == ST_BODY_CLOSE)
        e = complete(p, &ev);
    else
        e = eof_error(p);
    p->err = e;
    if (e != HTTP_DONE) {
        p->state = ST_DEAD;
        p->reusable = false;
    }
    return e;
}
