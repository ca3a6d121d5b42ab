/* http: HTTP/1.1 without I/O. Writes requests (and proxy CONNECT requests)
 * into a caller buffer, and parses responses pushed to it in pieces of any
 * size, reporting status, headers, body bytes and end of message through
 * callbacks. It owns only the caller-allocated struct http_parser, whose
 * size is fixed by src/limits.h; body bytes are never copied. It never
 * touches a socket, a clock or a file, never allocates and never prints.
 * Policy (RFC 9112): obs-fold lines are unfolded to one SP; bare LF ends a
 * line; a bare CR, any NUL, and ambiguous framing (CL with chunked, two
 * different CLs, TE other than one "chunked") are errors. */
#ifndef GWHIST_HTTP_H
#define GWHIST_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

enum http_err {
    HTTP_OK = 0,  /* feed: all bytes taken, message not finished yet */
    HTTP_DONE,    /* feed/finish: the message is complete */
    HTTP_STOPPED, /* a callback returned non-zero; the parser stays stopped */
    /* request writers */
    HTTP_ERR_NOSPACE,    /* output does not fit in the buffer (nothing cut) */
    HTTP_ERR_REQ_METHOD, /* method missing or not a token */
    HTTP_ERR_REQ_TARGET, /* target missing, or has a control char or space */
    HTTP_ERR_REQ_HOST,   /* host missing, or has a control char, space or '/' */
    HTTP_ERR_REQ_NAME,   /* extra header name missing or not a token */
    HTTP_ERR_REQ_VALUE,  /* extra header value has CR, LF, NUL or another CTL */
    /* response: bytes and lines */
    HTTP_ERR_NUL,     /* NUL byte in the status line, a header or a chunk line */
    HTTP_ERR_BARE_CR, /* CR not followed by LF */
    /* response: status line */
    HTTP_ERR_STATUS_TOO_LONG,  /* status line longer than LIM_HTTP_LINE */
    HTTP_ERR_VERSION,          /* not "HTTP/1.x" */
    HTTP_ERR_STATUS_LINE,      /* no status code after the version */
    HTTP_ERR_STATUS_NONNUM,    /* status code has a non-digit */
    HTTP_ERR_STATUS_DIGITS,    /* status code is not exactly 3 digits */
    HTTP_ERR_STATUS_RANGE,     /* status code outside 100..599 */
    HTTP_ERR_REASON,           /* control character in the reason phrase */
    HTTP_ERR_UPGRADE,          /* 101 Switching Protocols: never asked for */
    HTTP_ERR_TOO_MANY_INTERIM, /* more than LIM_HTTP_INTERIM 1xx responses */
    /* response: header and trailer fields */
    HTTP_ERR_HEADER_TOO_LONG,  /* a field line (unfolded) over LIM_HTTP_LINE */
    HTTP_ERR_TOO_MANY_HEADERS, /* more than LIM_HTTP_HEADERS fields (or trailers) */
    HTTP_ERR_LEADING_SPACE,    /* whitespace-led line before the first field */
    HTTP_ERR_HEADER_NAME,      /* field name empty or not a token */
    HTTP_ERR_HEADER_COLON,     /* field line without a colon */
    HTTP_ERR_HEADER_SPACE,     /* whitespace between field name and colon */
    HTTP_ERR_HEADER_VALUE,     /* control character in a field value */
    /* response: framing */
    HTTP_ERR_CL_INVALID,     /* Content-Length not 1*DIGIT (sign, space, empty) */
    HTTP_ERR_CL_OVERFLOW,    /* Content-Length above INT64_MAX */
    HTTP_ERR_CL_CONFLICT,    /* two different Content-Length values */
    HTTP_ERR_CL_AND_TE,      /* Content-Length together with Transfer-Encoding */
    HTTP_ERR_TE_UNSUPPORTED, /* Transfer-Encoding other than one "chunked" */
    HTTP_ERR_TE_HTTP10,      /* Transfer-Encoding in an HTTP/1.0 response */
    /* response: chunked body */
    HTTP_ERR_CHUNK_SIZE,          /* chunk size not hex, or junk after it */
    HTTP_ERR_CHUNK_OVERFLOW,      /* chunk size above INT64_MAX */
    HTTP_ERR_CHUNK_EXT,           /* control character in a chunk extension */
    HTTP_ERR_CHUNK_LINE_TOO_LONG, /* chunk-size line over LIM_HTTP_CHUNK_LINE */
    HTTP_ERR_CHUNK_CRLF,          /* chunk data not followed by CRLF */
    /* response: end of stream (http_finish) */
    HTTP_ERR_EOF_EMPTY,   /* closed before the first byte (stale keep-alive) */
    HTTP_ERR_EOF_HEAD,    /* closed inside the status line or headers */
    HTTP_ERR_EOF_BODY,    /* closed before Content-Length bytes arrived */
    HTTP_ERR_EOF_CHUNKED, /* closed before the last chunk and trailers */
    HTTP_ERR_COUNT
};

/* A fixed English phrase for e, never NULL. */
const char *http_strerror(enum http_err e);

/* ---- writers ------------------------------------------------------------ */

struct http_header {
    const char *name;  /* a token, e.g. "X-Api-Key" */
    const char *value; /* no CR, LF, NUL or other CTL except HTAB */
};

struct http_request {
    const char *method;              /* "GET", "POST", ... (a token) */
    const char *target;              /* origin-form "/api/...?a=b": no CTL, no space */
    const char *host;                /* Host value: "name", "name:port", "[v6]:port" */
    const char *accept;              /* NULL means "application/json" */
    const struct http_header *extra; /* n_extra headers after Accept, in order */
    size_t n_extra;
    const uint8_t *body; /* NULL: no body, no Content-Length */
    size_t body_len;
};

/* Writes "METHOD target HTTP/1.1", Host, "User-Agent: gwhist/VERSION",
 * Accept, the extra headers, Content-Length (if body), "Connection:
 * keep-alive", the empty line and the body into buf. Sets *len to the byte
 * count (buf is not NUL-terminated). On any error *len is 0 and buf holds
 * nothing usable: HTTP_ERR_NOSPACE if cap is too small, HTTP_ERR_REQ_* for
 * a field that would allow header injection. */
enum http_err http_write_request(char *buf, size_t cap, const struct http_request *rq, size_t *len);

/* Writes a proxy request "CONNECT host:port HTTP/1.1" with Host, User-Agent
 * and, if userpass ("user:pass", already percent-decoded) is not NULL,
 * "Proxy-Authorization: Basic base64(userpass)". An IPv6 literal host is
 * bracketed if it is not already. Errors and *len as http_write_request. */
enum http_err http_write_connect(char *buf, size_t cap, const char *host, uint16_t port,
                                 const char *userpass, size_t *len);

/* Characters of the base64 (RFC 4648, padded) of n bytes, without the NUL. */
#define HTTP_BASE64_LEN(n) ((((n) + 2u) / 3u) * 4u)

/* Base64 of in[0..n) into out, NUL-terminated; *len (may be NULL) gets the
 * length without the NUL. HTTP_ERR_NOSPACE (out = "" if cap > 0) when cap <
 * HTTP_BASE64_LEN(n) + 1. */
enum http_err http_base64(char *out, size_t cap, const uint8_t *in, size_t n, size_t *len);

/* ---- response parser ---------------------------------------------------- */

/* What request the response answers: it decides whether a body follows. */
enum http_reqkind {
    HTTP_REQ_GET = 0,     /* GET, POST and every other method */
    HTTP_REQ_HEAD = 1,    /* no body, whatever the headers say */
    HTTP_REQ_CONNECT = 2, /* a 2xx ends at the empty line: a tunnel follows */
};

/* Events. Each returns 0 to go on, non-zero to stop (feed returns
 * HTTP_STOPPED). Any member may be NULL. Pointers are valid only during the
 * call: names/values point into the parser, body bytes into the fed data.
 * 1xx interim responses produce no events. */
struct http_callbacks {
    int (*on_status)(void *user, int code); /* final status line parsed */
    /* every header field as received, OWS trimmed, obs-fold unfolded */
    int (*on_header)(void *user, const char *name, size_t nlen, const char *value, size_t vlen);
    int (*on_headers_done)(void *user); /* parsed fields below are now final */
    int (*on_body)(void *user, const uint8_t *data, size_t len); /* dechunked */
    int (*on_trailer)(void *user, const char *name, size_t nlen, const char *value, size_t vlen);
    int (*on_complete)(void *user); /* end of the message */
};

/* Caller-allocated; all fields read-only for the caller. The public fields
 * come from the final response's headers (not from 1xx or trailers); for a
 * repeated field other than Content-Length and Transfer-Encoding, the last
 * one wins. */
struct http_parser {
    /* final status code once on_status ran (a 1xx while one is being
     * skipped), 0 before the status line */
    int status;
    uint8_t minor; /* 0: HTTP/1.0, 1: HTTP/1.1 (and 1.2-1.9) */
    /* after HTTP_DONE: another request may follow on this connection
     * (1.1 without close, or 1.0 with keep-alive; never after a
     * close-delimited body or a tunnel; false after any error) */
    bool reusable;
    bool chunked;      /* Transfer-Encoding: chunked */
    bool has_length;   /* a Content-Length was given, its value in length */
    bool tunnel;       /* CONNECT answered 2xx: bytes after it are the tunnel */
    bool location_cut; /* Location longer than the buffer: cut */
    bool ctype_cut;    /* Content-Type longer than the buffer: cut */
    uint64_t length;
    /* Retry-After delta-seconds, clamped to INT32_MAX; -1 if absent or an
     * HTTP-date (not evaluated: no clock here, treated as unknown) */
    int32_t retry_after;
    int64_t rl_limit;                  /* X-RateLimit-Limit, -1 if absent or not a number */
    int64_t rl_remaining;              /* X-RateLimit-Remaining, -1 likewise; huge: INT64_MAX */
    char location[LIM_HTTP_LOCATION];  /* NUL-terminated, "" if absent */
    char content_type[LIM_HTTP_CTYPE]; /* NUL-terminated, "" if absent */

    /* private */
    uint8_t state, kind, interim, cr, conn_close, conn_keep, trailers;
    enum http_err err; /* sticky after an error or a stop */
    uint32_t fields;   /* fields in this section, for LIM_HTTP_HEADERS */
    uint32_t llen;     /* bytes in line[] (or in the chunk-size line) */
    uint64_t remain;   /* body or chunk bytes still to come */
    char line[LIM_HTTP_LINE];
};

/* Starts a parser for one response to a request of the given kind. Call
 * again (on the same struct) for the next response on the connection. */
void http_parser_init(struct http_parser *p, enum http_reqkind kind);

/* Takes up to n bytes of the response. Returns HTTP_OK when all were taken
 * and more are needed, HTTP_DONE when the message ended (*used tells how far:
 * bytes after it belong to the next response, or to the tunnel), or an error
 * (sticky: later calls return it again). *used (may be NULL) gets the bytes
 * taken; data may be NULL if n is 0. */
enum http_err http_feed(struct http_parser *p, const uint8_t *data, size_t n,
                        const struct http_callbacks *cb, void *user, size_t *used);

/* The peer closed the connection. Completes a close-delimited body (calls
 * on_complete, returns HTTP_DONE), returns HTTP_DONE if the message was
 * already complete, else HTTP_ERR_EOF_* (or the sticky error). */
enum http_err http_finish(struct http_parser *p, const struct http_callbacks *cb, void *user);

#endif
