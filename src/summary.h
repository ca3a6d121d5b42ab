/* summary: aggregates delivery records of one channel in fixed memory.
 * It owns only the struct sum the caller passes (no allocation, no statics
 * that change): counts per status, cost, parts, send-time range, a latency
 * histogram with a proven 1% bound on p50/p90/p99, and the top error reasons
 * (exact up to LIM_REASONS distinct, space-saving beyond). Summaries merge,
 * so the agent can commit a page delta only once the page is complete.
 * It never prints, never reads a clock and never looks at rec->channel. */
#ifndef GWHIST_SUMMARY_H
#define GWHIST_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "record.h"

enum sum_err {
    SUM_OK = 0,
    SUM_EARG,    /* a NULL pointer where a summary or record was required */
    SUM_ESTATUS, /* rec->status is not a valid enum rec_status value */
};

/* sum.flags: conditions a report may want to mention. All are sticky and
 * survive merging (they are OR-ed). */
#define SUM_F_COST_SATURATED 0x1u  /* cost sum hit INT64_MIN/INT64_MAX and stayed there */
#define SUM_F_COUNT_SATURATED 0x2u /* a histogram, reason or latency-sum counter hit its max */
#define SUM_F_REASONS_APPROX 0x4u  /* more than LIM_REASONS distinct reasons were seen */
#define SUM_F_LAT_BEYOND 0x8u      /* a latency >= 2^32 ms was put in the top bucket */

/* One tracked error reason. count is exact while the summary is not
 * approximate; afterwards it is an upper bound and err says by how much it
 * may exceed the truth (count - err <= true count <= count). */
struct sum_reason {
    char key[LIM_REASON_KEY]; /* NUL-terminated; "(none)" for a null description */
    uint32_t count;
    uint32_t err;
};

/* Plain data: copy it, compare it member by member. Everything is zero
 * after sum_init() except where noted. */
struct sum {
    uint64_t status[REC_STATUS_COUNT]; /* records per enum rec_status */
    int64_t cost_micros;               /* sum of rec.cost_micros (absent = 0), saturating */
    uint64_t parts;                    /* sum of rec.parts (absent = 0) */
    bool has_send;                     /* at least one record had a send time */
    int64_t first_send_ms, last_send_ms; /* min and max send_ms, valid when has_send */
    /* latency = deliv_ms - send_ms of DELIVERED records with both times */
    uint64_t lat_count;    /* non-negative latencies: the histogram's population */
    uint64_t lat_negative; /* latencies < 0 (clock skew): counted here only */
    uint64_t lat_sum;      /* sum of non-negative latencies in ms, saturating */
    uint64_t lat_min, lat_max; /* exact, valid when lat_count > 0 */
    uint32_t flags;            /* SUM_F_* */
    uint32_t nreasons;         /* used entries of reasons[] */
    uint32_t lat[LIM_LAT_BUCKETS]; /* counts per bucket, saturating at UINT32_MAX */
    struct sum_reason reasons[LIM_REASONS]; /* unordered; use sum_top() */
};

/* Empties s. */
void sum_init(struct sum *s);

/* Adds one record; s is unchanged on error. */
enum sum_err sum_add(struct sum *s, const struct rec *r);

/* Adds everything in from to into (they may not alias). The result equals
 * adding from's records to into directly: counts, cost, parts, times and
 * histogram always; reasons too while both were exact and the union of their
 * reasons has at most LIM_REASONS members (beyond: space-saving merge,
 * SUM_F_REASONS_APPROX set). */
enum sum_err sum_merge(struct sum *into, const struct sum *from);

/* Total records, all statuses. */
uint64_t sum_total(const struct sum *s);

/* DELIVERED/total in units of 1/10000, rounded half up (8125 for 0.8125);
 * false (and *out untouched) when total is 0. */
bool sum_rate(const struct sum *s, uint32_t *out);

/* Nearest-rank latency quantile in ms: the ceil(q*n)-th smallest of the
 * n = lat_count non-negative latencies, q = q_bp/10000 (5000, 9000, 9900),
 * within 1% of the exact value and inside [lat_min, lat_max]; exact for the
 * first and last rank (so for n <= 2).
 * 0 when lat_count is 0; q_bp 0 counts as the minimum, > 10000 as 10000. */
uint64_t sum_quantile(const struct sum *s, uint32_t q_bp);

/* Writes to out[] pointers to the min(n, nreasons) most common reasons,
 * count descending, ties by key in byte order; they point into s. Sets
 * *approx (if not NULL) to whether SUM_F_REASONS_APPROX is set.
 * Returns the number written. */
size_t sum_top(const struct sum *s, const struct sum_reason **out, size_t n, bool *approx);

/* The histogram's geometry, public so tests can prove the 1% bound bucket by
 * bucket: the bucket of latency v, the smallest and largest integer latency
 * of bucket b, and the value reported for it (within 1% of lo and hi). */
size_t sum_bucket_of(uint64_t v);
uint64_t sum_bucket_lo(size_t b);
uint64_t sum_bucket_hi(size_t b);
uint64_t sum_bucket_rep(size_t b);

const char *sum_strerror(enum sum_err e);

#endif
