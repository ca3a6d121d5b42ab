/* query: what gwhist asks the gateway. Parses the --url base, builds the
 * percent-encoded request target of one history page, and keeps the page-walk
 * state (next page, end on a short page, stop on a repeated page or the
 * --max-pages cap). It owns no memory beyond the caller's structs and never
 * touches the network. */
#ifndef GWHIST_QUERY_H
#define GWHIST_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

enum query_err {
    QUERY_OK,
    QUERY_URL_SCHEME,   /* not http:// or https:// */
    QUERY_URL_HOST,     /* empty host, or a bad [IPv6] literal */
    QUERY_URL_PORT,     /* port not 1-65535 */
    QUERY_URL_USERINFO, /* user:pass@ in the URL: credentials never go there */
    QUERY_URL_EXTRA,    /* a ?query or #fragment in the base URL */
    QUERY_URL_TOO_LONG,
    QUERY_TARGET_TOO_LONG,
    QUERY_BAD_TIME,
};

struct url {
    bool https;
    char host[LIM_HOST]; /* without brackets for IPv6 */
    char port[8];
    uint16_t portnum; /* the same, as a number */
    char path[LIM_URL]; /* base path, no trailing slash ("" for none) */
};

/* Parses "https://host[:port][/base/path]". */
enum query_err query_parse_url(const char *s, struct url *u);

struct query {
    const char *path; /* url.path */
    const char *channel;
    int64_t from_ms, to_ms; /* the window, inclusive */
    int from_off, to_off;   /* UTC offsets (minutes) to send them in */
    const char *status;     /* NULL: all statuses */
    uint32_t page, limit;
};

/* Writes "<path>/messages/history?channel=..&from=..&to=..[&status=..]&page=..&limit=..".
 * Values are percent-encoded (an offset's '+' becomes %2B). */
enum query_err query_target(const struct query *q, char *buf, size_t cap);

/* Percent-encodes s (all but unreserved characters and ':') into out.
 * Returns the length written, or (size_t)-1 if it does not fit. */
size_t query_pct_encode(const char *s, char *out, size_t cap);

/* Page walk over one channel. */
enum walk_step {
    WALK_NEXT,     /* a full page: ask for the next one */
    WALK_DONE,     /* a short page: the channel is complete */
    WALK_REPEATED, /* the same full page twice: the server ignores `page` */
    WALK_CAPPED,   /* --max-pages reached before a short page */
};

struct walk {
    uint32_t page; /* the page to ask for next */
    uint32_t prev_items;
    uint64_t prev_hash;
};

void walk_init(struct walk *w);

/* Called once a page is complete: its item count and body hash. */
enum walk_step walk_page_done(struct walk *w, uint32_t items, uint64_t hash, uint32_t limit,
                              uint32_t max_pages);

/* FNV-1a, 64 bit: start with QUERY_HASH_INIT, feed body bytes. */
#define QUERY_HASH_INIT 0xcbf29ce484222325ull
uint64_t query_hash(uint64_t h, const uint8_t *p, size_t n);

const char *query_strerror(enum query_err e);

#endif
