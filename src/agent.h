/* agent: the loop that makes gwhist's answer. For each cycle it walks every
 * channel page by page (rate-limited, with retries, backoff and Retry-After),
 * streams each response through http -> jsonitems -> record -> a page delta,
 * and commits the delta to the channel's summary only once the whole page
 * was received and parsed: a failed page is fetched again, never counted
 * twice. It owns all of gwhist's working memory (one struct agent, fixed
 * size) and talks to the OS only through port/ (xport, clock). It does not
 * render or write reports (main does), and prints only through log_fn. */
#ifndef GWHIST_AGENT_H
#define GWHIST_AGENT_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "http.h"
#include "jsonitems.h"
#include "query.h"
#include "summary.h"
#include "xport.h"

/* what one cycle produced for one channel */
struct agent_chan {
    enum rec_channel channel;
    bool complete;
    struct sum sum;
    uint64_t pages, requests, retries, bytes;
};

enum agent_outcome {
    AGENT_COMPLETE,   /* every channel complete: exit 0 */
    AGENT_INCOMPLETE, /* some channel incomplete: exit 1 */
    AGENT_AUTH,       /* the gateway refused the credentials: exit 3 */
    AGENT_CONFIG,     /* a configuration problem found at run time: exit 2 */
};

/* stderr lines: level 0 errors, 1 warnings, 2 verbose (-v) */
typedef void (*agent_log_fn)(int level, const char *fmt, ...);

/* token bucket: rate_milli requests per second x 1000, burst of one second */
struct rate {
    uint32_t rate_milli;
    int64_t tokens; /* x 1000 */
    int64_t last_ms;
    int64_t hold_until_ms; /* X-RateLimit-Remaining reached 0 */
};

struct agent {
    const struct config *cfg;
    agent_log_fn log;
    struct url url;
    struct xport xp;
    struct rate rate;
    uint64_t rng;
    /* the current cycle */
    int64_t from_ms, to_ms, started_ms, elapsed_ms, last_success_ms;
    struct agent_chan ch[REC_CH_COUNT];
    size_t nch;
    /* the current page */
    struct http_parser hp;
    struct jitems ji;
    struct sum page;
    struct agent_page {
        uint32_t items;
        uint64_t hash, bytes;
        int status;
        int rec_err;       /* enum rec_err, or -1: summary refused the record */
        struct rec_why why;
        uint64_t fed;      /* response bytes given to the parser */
        bool complete;
        /* the start of an error body: LIM_EXCERPT bytes are shown, the rest
         * lets a secret that straddles the cut be recognised and masked */
        char excerpt[LIM_EXCERPT + HTTP_BASE64_LEN(LIM_SECRET) + 8];
        size_t exlen;
    } pg;
    char secret_hdr[HTTP_BASE64_LEN(LIM_SECRET) + 8]; /* "Basic " + base64, or the key */
    char target[LIM_URL + 256];
    char req[LIM_REQUEST];
    uint8_t rbuf[LIM_RECV_BUF];
};

/* Checks the configuration against the URL and sets up the transport.
 * Returns AGENT_COMPLETE when ready, AGENT_CONFIG with a logged reason. */
enum agent_outcome agent_init(struct agent *a, const struct config *cfg, agent_log_fn log);

/* Runs one cycle over every channel; the result stays in a->ch. */
enum agent_outcome agent_cycle(struct agent *a);

/* Releases the connection and the TLS session. */
void agent_free(struct agent *a);

/* Rate limiting, pure: how long to wait before the next request at now_ms
 * (0: go), and taking one token when it is sent. */
void rate_init(struct rate *r, uint32_t rate_milli, int64_t now_ms);
int64_t rate_wait_ms(struct rate *r, int64_t now_ms);
void rate_take(struct rate *r, int64_t now_ms);
/* the server said X-RateLimit-Remaining: 0: hold the next request back */
void rate_exhausted(struct rate *r, int64_t now_ms);

/* Retry delay before attempt n (1-based): exponential from 250 ms, capped at
 * 8 s, with jitter in [50%, 100%]; a server's Retry-After wins (capped at
 * 600 s). Pure; rng is advanced. */
int64_t agent_backoff_ms(uint32_t attempt, int64_t retry_after_s, uint64_t *rng);

/* The body's "retryAfter": N member of a 429 JSON answer, or -1. */
int64_t agent_body_retry_after(const char *body, size_t len);

/* Copies at most LIM_EXCERPT bytes of a body for a message: control bytes
 * escaped as \xHH, and each of the secrets replaced by *** wherever it
 * starts in those bytes, also when the capture ends inside it. */
void agent_excerpt(char *out, size_t cap, const char *body, size_t len, const char *const *secrets,
                   size_t nsecrets);

#endif
