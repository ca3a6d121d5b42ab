/* gwsim: the gateway simulator, gwhist's independent test peer and ground
 * truth. It serves the message-history API of ../../../shared/API.md over
 * plain HTTP or TLS (OpenSSL), from a dataset derived on the fly from
 * (seed, record index), with faults injected on request; --truth prints the
 * JSON summary gwhist must produce for a query (src/report.h).
 * It shares no source with src/ or port/ and is never shipped; unlike the
 * product it may call malloc. */
#ifndef GWSIM_H
#define GWSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { GW_SMS, GW_RCS, GW_WA, GW_NCH };
enum { ST_DELIVERED, ST_SENT, ST_RECEIVED, ST_ERROR, ST_EXPIRED, ST_UNKNOWN, ST_OTHER, ST_N };

extern const char *const gw_ch_name[GW_NCH];
extern const char *const gw_st_name[ST_N];

/* A growing byte buffer; every function aborts the process when out of memory. */
struct gw_buf {
    char *p;
    size_t len, cap;
};
void buf_add(struct gw_buf *b, const void *s, size_t n);
void buf_str(struct gw_buf *b, const char *s);
void buf_fmt(struct gw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* micro-units as an exact decimal, shortest form: 35000 -> "0.035" */
void gw_cost_str(struct gw_buf *b, int64_t c);
/* Appends s as a JSON string with quotes; uesc writes non-ASCII as \uXXXX. */
void buf_json_str(struct gw_buf *b, const char *s, bool uesc);
void buf_free(struct gw_buf *b);

/* splitmix64: advances *state and returns the next 64 random bits. */
uint64_t gw_next(uint64_t *state);

/* The compact index: one slot per record, sorted per channel by (send_ms, idx). */
struct gw_slot {
    int64_t send_ms;
    uint32_t idx;
    uint8_t st;
};

struct gw_data {
    uint64_t seed;
    uint32_t n;
    int64_t anchor_s, span_s;
    struct gw_slot *slot[GW_NCH];
    uint32_t count[GW_NCH];
};

/* One record with every value a client would read, and the choices of how
 * it is written on the wire. */
struct gw_rec {
    uint32_t idx;
    int ch, st;
    const char *st_str; /* as sent: "DELIVERED" ... or e.g. "REJECTED" */
    int64_t send_ms, deliv_ms;
    bool has_deliv;
    int deliv_key; /* without a date: 0 member absent, 1 null */
    int send_off, deliv_off, send_frac, deliv_frac;
    const char *desc;
    int desc_mode; /* 0 absent, 1 null, 2 string */
    bool desc_uesc;
    int cost_mode; /* 0 absent, 1 null, 2 value */
    int64_t cost;  /* micro-units */
    uint32_t parts;
    bool inbound;
    int id_alias, st_alias, desc_alias;
    int body;
    bool longbody;
    uint64_t rs; /* seed for the rendering choices */
};

/* Builds the sorted compact index; 0 on success, -1 when out of memory. */
int gw_data_init(struct gw_data *d, uint64_t seed, uint32_t n, int64_t anchor_s, int64_t span_s);
void gw_data_free(struct gw_data *d);
/* Fills *r with record idx, derived from (seed, idx) alone. */
void gw_rec_get(const struct gw_data *d, uint32_t idx, struct gw_rec *r);
/* Appends the record as one JSON object (malformed: balanced but invalid JSON). */
void gw_rec_render(struct gw_buf *b, const struct gw_rec *r, bool malformed);
/* Index of the first slot of channel ch with send_ms >= ms. */
uint32_t gw_lower_bound(const struct gw_data *d, int ch, int64_t ms);

/* ISO-8601 OffsetDateTime with a mandatory offset (Z, +hh:mm, -hh:mm, +hhmm),
 * optional 1-9 fraction digits. 0 and *ms on success, -1 otherwise. A fraction
 * finer than a millisecond is rounded up when ceil is set, else down. */
int gw_parse_time(const char *s, size_t n, int64_t *ms, bool ceil);
/* RFC 3339 UTC: 2026-12-03T19:00:00Z, with .mmm only when ms is not whole. */
#define GW_TIME_MAX 128 /* room for any int64 year */
void gw_fmt_utc(char out[GW_TIME_MAX], int64_t ms);
/* Index into gw_st_name (known statuses only) or gw_ch_name; -1 if none. */
int gw_status_of(const char *s, size_t n);
int gw_channel_of(const char *s, size_t n);

struct gw_truth {
    int64_t from_ms, to_ms;
    int chans[GW_NCH];
    int nchans;
    int status; /* -1: all */
    uint32_t limit;
};
/* Prints the ground-truth summary line on stdout; 0 on success. */
int gw_truth_print(const struct gw_data *d, const struct gw_truth *t);

struct gw_opts {
    const char *listen, *port_file, *cert, *key, *certs_dir, *prefix, *api_key, *basic;
    int port;
    int max_seconds, idle_seconds;
    bool tls, tls12_only, wrap, chunked, verbose;
    uint32_t k500, k429, k503, kreset, kshort, kbadchunk, kstall;
    int mode429; /* 0 header and body, 1 header only, 2 body only */
    int retry_after, stall_secs, drip_ms;
    bool ignore_page, fclose, f401, f403, fredirect;
    long malformed; /* -1: none */
    unsigned fault_chans; /* bit per channel */
};
/* Runs the server until --max-seconds, SIGTERM or SIGINT; returns the exit code. */
int gw_serve(const struct gw_opts *o, const struct gw_data *d);

#endif
