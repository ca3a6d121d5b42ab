/* summary: see summary.h. The latency histogram is HDR-like without floating
 * point. Values below LIM_LAT_EXACT have a bucket each. In octaves 2^7..2^10
 * a bucket is 1/64 of the octave (width 2..16 ms, so the middle is within
 * 1/128 of both ends). From 2^11 on, the octave is the integer log2 and the
 * sub-bucket is found by comparing a 17-bit mantissa with the 35 thresholds
 * ceil(65536 * 2^(j/35)): buckets grow by a ratio of at most 1.02001. The
 * reported value of a bucket is the integer that balances the relative error
 * to its two ends; tests/test_summary.c proves it within 1% for every bucket. */
#include "summary.h"

#include <string.h>

#define LIN_FIRST 7u  /* log2(LIM_LAT_EXACT): first octave with linear sub-buckets */
#define LIN_SHIFT 6u  /* log2(LIM_LAT_LIN_SUB) */
#define OCT_FIRST (LIN_FIRST + LIM_LAT_LIN_OCTAVES) /* first octave with log sub-buckets */
#define LOG_BASE (LIM_LAT_EXACT + LIM_LAT_LIN_SUB * LIM_LAT_LIN_OCTAVES) /* its first bucket */
#define MANT_BITS 16u /* thresholds below are scaled by 2^16 */
#define RANGE_END (UINT64_C(1) << (OCT_FIRST + LIM_LAT_OCTAVES))

_Static_assert(LIM_LAT_EXACT == 1u << LIN_FIRST, "LIM_LAT_EXACT must be 2^LIN_FIRST");
_Static_assert(LIM_LAT_LIN_SUB == 1u << LIN_SHIFT, "LIM_LAT_LIN_SUB must be 2^LIN_SHIFT");
_Static_assert(LIM_LAT_SUB == 35u, "the threshold table has 35 entries per octave");
_Static_assert(OCT_FIRST + LIM_LAT_OCTAVES <= 32u, "bucket arithmetic assumes v < 2^32");
_Static_assert(LIM_REASON_KEY >= sizeof "(none)", "reason keys must hold \"(none)\"");

/* ceil(65536 * 2^(j/35)) for j = 0..34, and 2^17 closing the octave
 * (generated with python3: [math.ceil(65536*2**(j/35)) for j in range(35)]) */
static const uint32_t sub_lo[LIM_LAT_SUB + 1] = {
    65536,  66847,  68184,  69548,  70939,  72358,  73805,  75282,  76787,  78323,
    79890,  81488,  83118,  84780,  86476,  88205,  89970,  91769,  93605,  95477,
    97387,  99335,  101321, 103348, 105415, 107523, 109674, 111868, 114105, 116388,
    118716, 121090, 123512, 125982, 128502, 131072,
};

static const char none_reason[] = "(none)";

/* ---- saturating arithmetic ------------------------------------------------ */

static void add_u32(uint32_t *a, uint64_t b, uint32_t *flags)
{
    if (b > (uint64_t)(UINT32_MAX - *a)) {
        *a = UINT32_MAX;
        *flags |= SUM_F_COUNT_SATURATED;
        return;
    }
    *a += (uint32_t)b;
}

static void add_u64(uint64_t *a, uint64_t b, uint32_t *flags)
{
    if (b > UINT64_MAX - *a) {
        *a = UINT64_MAX;
        *flags |= SUM_F_COUNT_SATURATED;
        return;
    }
    *a += b;
}

static void add_cost(int64_t *a, int64_t b, uint32_t *flags)
{
    if (b > 0 && *a > INT64_MAX - b) {
        *a = INT64_MAX;
        *flags |= SUM_F_COST_SATURATED;
    } else if (b < 0 && *a < INT64_MIN - b) {
        *a = INT64_MIN;
        *flags |= SUM_F_COST_SATURATED;
    } else {
        *a += b;
    }
}

/* ---- histogram geometry --------------------------------------------------- */

static unsigned ilog2(uint64_t v)
{
    unsigned e = 0;
    while (v >>= 1)
        e++;
    return e;
}

/* largest j with sub_lo[j] <= m, for m in [2^16, 2^17) */
static unsigned sub_index(uint64_t m)
{
    unsigned lo = 0, hi = LIM_LAT_SUB; /* sub_lo[lo] <= m < sub_lo[hi] */
    while (hi - lo > 1) {
        unsigned mid = (lo + hi) / 2;
        if (sub_lo[mid] <= m)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

size_t sum_bucket_of(uint64_t v)
{
    if (v < LIM_LAT_EXACT)
        return (size_t)v;
    if (v >= RANGE_END)
        return LIM_LAT_BUCKETS - 1;
    unsigned e = ilog2(v);
    if (e < OCT_FIRST) /* linear: the 6 bits below the leading one */
        return LIM_LAT_EXACT + (e - LIN_FIRST) * LIM_LAT_LIN_SUB +
               (size_t)((v >> (e - LIN_SHIFT)) & (LIM_LAT_LIN_SUB - 1));
    uint64_t m = e >= MANT_BITS ? v >> (e - MANT_BITS) : v << (MANT_BITS - e);
    return LOG_BASE + (e - OCT_FIRST) * LIM_LAT_SUB + sub_index(m);
}

/* smallest integer v of octave e whose mantissa is >= sub_lo[j] */
static uint64_t octave_lo(unsigned e, unsigned j)
{
    if (e >= MANT_BITS)
        return (uint64_t)sub_lo[j] << (e - MANT_BITS);
    unsigned s = MANT_BITS - e;
    return ((uint64_t)sub_lo[j] + (UINT64_C(1) << s) - 1) >> s;
}

uint64_t sum_bucket_lo(size_t b)
{
    if (b < LIM_LAT_EXACT)
        return b;
    if (b >= LIM_LAT_BUCKETS)
        return RANGE_END;
    if (b < LOG_BASE) {
        size_t off = b - LIM_LAT_EXACT;
        unsigned e = LIN_FIRST + (unsigned)(off / LIM_LAT_LIN_SUB);
        return (uint64_t)(LIM_LAT_LIN_SUB + off % LIM_LAT_LIN_SUB) << (e - LIN_SHIFT);
    }
    size_t off = b - LOG_BASE;
    return octave_lo(OCT_FIRST + (unsigned)(off / LIM_LAT_SUB), (unsigned)(off % LIM_LAT_SUB));
}

uint64_t sum_bucket_hi(size_t b)
{
    if (b >= LIM_LAT_BUCKETS - 1)
        return RANGE_END - 1;
    return sum_bucket_lo(b + 1) - 1;
}

/* max of the two relative errors of r to lo and hi, both scaled by lo*hi */
static uint64_t rep_cost(uint64_t r, uint64_t lo, uint64_t hi)
{
    uint64_t a = (r - lo) * hi, b = (hi - r) * lo;
    return a > b ? a : b;
}

uint64_t sum_bucket_rep(size_t b)
{
    uint64_t lo = sum_bucket_lo(b), hi = sum_bucket_hi(b);
    if (hi <= lo)
        return lo;
    /* the real value balancing both errors is 2*lo*hi/(lo+hi); try the two
     * integers around it */
    uint64_t r = lo + lo * (hi - lo) / (lo + hi);
    if (r < hi && rep_cost(r + 1, lo, hi) < rep_cost(r, lo, hi))
        r++;
    return r;
}

/* ---- records -------------------------------------------------------------- */

static void add_latency(struct sum *s, uint64_t d)
{
    size_t b = sum_bucket_of(d);
    if (d >= RANGE_END)
        s->flags |= SUM_F_LAT_BEYOND;
    if (s->lat_count == 0 || d < s->lat_min)
        s->lat_min = d;
    if (s->lat_count == 0 || d > s->lat_max)
        s->lat_max = d;
    s->lat_count++;
    add_u32(&s->lat[b], 1, &s->flags);
}

static void add_delivery(struct sum *s, const struct rec *r)
{
    if (r->status != REC_DELIVERED || !r->has_send || !r->has_deliv)
        return;
    if (r->deliv_ms < r->send_ms) {
        s->lat_negative++;
        return;
    }
    /* exact in uint64_t: the difference of two int64_t with deliv >= send */
    uint64_t d = (uint64_t)r->deliv_ms - (uint64_t)r->send_ms;
    add_u64(&s->lat_sum, d, &s->flags);
    add_latency(s, d);
}

static void add_send_range(struct sum *s, int64_t first, int64_t last)
{
    if (!s->has_send || first < s->first_send_ms)
        s->first_send_ms = first;
    if (!s->has_send || last > s->last_send_ms)
        s->last_send_ms = last;
    s->has_send = true;
}

/* ---- reasons ---------------------------------------------------------------- */

/* a ranks before b in a report: count descending, then key ascending */
static bool ranks_before(const struct sum_reason *a, const struct sum_reason *b)
{
    if (a->count != b->count)
        return a->count > b->count;
    return strcmp(a->key, b->key) < 0;
}

static int find_reason(const struct sum *s, const char *key)
{
    for (uint32_t i = 0; i < s->nreasons; i++)
        if (strcmp(s->reasons[i].key, key) == 0)
            return (int)i;
    return -1;
}

/* the entry that ranks last: the one space-saving replaces */
static uint32_t worst_reason(const struct sum *s)
{
    uint32_t w = 0;
    for (uint32_t i = 1; i < s->nreasons; i++)
        if (ranks_before(&s->reasons[w], &s->reasons[i]))
            w = i;
    return w;
}

/* the count bound for reasons a summary does not hold: 0 while exact */
static uint32_t absent_bound(const struct sum *s)
{
    if (!(s->flags & SUM_F_REASONS_APPROX) || s->nreasons == 0)
        return 0;
    return s->reasons[worst_reason(s)].count;
}

static void set_reason(struct sum_reason *e, const char *key, uint32_t count, uint32_t err)
{
    size_t n = strlen(key);
    if (n > LIM_REASON_KEY - 1)
        n = LIM_REASON_KEY - 1;
    memset(e->key, 0, sizeof e->key);
    memcpy(e->key, key, n);
    e->count = count;
    e->err = err;
}

/* key of a record's reason, cut to what a key holds; buf has LIM_REASON_KEY */
static const char *reason_key(const struct rec *r, char *buf)
{
    if (!r->has_desc)
        return none_reason;
    const char *end = memchr(r->desc, '\0', sizeof r->desc);
    size_t n = end ? (size_t)(end - r->desc) : sizeof r->desc;
    if (n > LIM_REASON_KEY - 1)
        n = LIM_REASON_KEY - 1;
    memcpy(buf, r->desc, n);
    buf[n] = '\0';
    return buf;
}

static void add_reason(struct sum *s, const char *key)
{
    int i = find_reason(s, key);
    if (i >= 0) {
        add_u32(&s->reasons[i].count, 1, &s->flags);
    } else if (s->nreasons < LIM_REASONS) {
        set_reason(&s->reasons[s->nreasons++], key, 1, 0);
    } else {
        /* space-saving: the new reason takes the minimum's slot and count */
        struct sum_reason *w = &s->reasons[worst_reason(s)];
        uint32_t min = w->count, one = min;
        add_u32(&one, 1, &s->flags);
        set_reason(w, key, one, min);
        s->flags |= SUM_F_REASONS_APPROX;
    }
}

/* offers a reason from another summary to a full or non-full table */
static void offer_reason(struct sum *s, const struct sum_reason *c)
{
    if (s->nreasons < LIM_REASONS) {
        s->reasons[s->nreasons++] = *c;
        return;
    }
    s->flags |= SUM_F_REASONS_APPROX;
    struct sum_reason *w = &s->reasons[worst_reason(s)];
    if (ranks_before(c, w))
        *w = *c;
}

static void merge_reasons(struct sum *into, const struct sum *from)
{
    uint32_t bound_into = absent_bound(into), bound_from = absent_bound(from);
    bool in_into[LIM_REASONS];
    for (uint32_t j = 0; j < from->nreasons; j++)
        in_into[j] = find_reason(into, from->reasons[j].key) >= 0;
    for (uint32_t i = 0; i < into->nreasons; i++) {
        struct sum_reason *e = &into->reasons[i];
        int j = find_reason(from, e->key);
        uint32_t c = j >= 0 ? from->reasons[j].count : bound_from;
        uint32_t err = j >= 0 ? from->reasons[j].err : bound_from;
        add_u32(&e->count, c, &into->flags);
        add_u32(&e->err, err, &into->flags);
    }
    for (uint32_t j = 0; j < from->nreasons; j++) {
        /* cppcheck-suppress uninitvar ; the first loop set it for each j < from->nreasons */
        if (in_into[j])
            continue;
        struct sum_reason c = from->reasons[j];
        add_u32(&c.count, bound_into, &into->flags);
        add_u32(&c.err, bound_into, &into->flags);
        offer_reason(into, &c);
    }
}

/* ---- public ---------------------------------------------------------------- */

void sum_init(struct sum *s)
{
    memset(s, 0, sizeof *s);
}

enum sum_err sum_add(struct sum *s, const struct rec *r)
{
    if (!s || !r)
        return SUM_EARG;
    if ((unsigned)r->status >= REC_STATUS_COUNT)
        return SUM_ESTATUS;
    s->status[r->status]++;
    if (r->has_cost)
        add_cost(&s->cost_micros, r->cost_micros, &s->flags);
    if (r->has_parts)
        s->parts += r->parts;
    if (r->has_send)
        add_send_range(s, r->send_ms, r->send_ms);
    add_delivery(s, r);
    if (r->status == REC_ERROR || r->status == REC_EXPIRED) {
        char buf[LIM_REASON_KEY];
        add_reason(s, reason_key(r, buf));
    }
    return SUM_OK;
}

static void merge_latency(struct sum *into, const struct sum *from)
{
    if (from->lat_count > 0) {
        if (into->lat_count == 0 || from->lat_min < into->lat_min)
            into->lat_min = from->lat_min;
        if (into->lat_count == 0 || from->lat_max > into->lat_max)
            into->lat_max = from->lat_max;
    }
    into->lat_count += from->lat_count;
    into->lat_negative += from->lat_negative;
    add_u64(&into->lat_sum, from->lat_sum, &into->flags);
    for (size_t b = 0; b < LIM_LAT_BUCKETS; b++)
        add_u32(&into->lat[b], from->lat[b], &into->flags);
}

enum sum_err sum_merge(struct sum *into, const struct sum *from)
{
    if (!into || !from)
        return SUM_EARG;
    for (size_t i = 0; i < REC_STATUS_COUNT; i++)
        into->status[i] += from->status[i];
    add_cost(&into->cost_micros, from->cost_micros, &into->flags);
    into->parts += from->parts;
    if (from->has_send)
        add_send_range(into, from->first_send_ms, from->last_send_ms);
    merge_latency(into, from);
    merge_reasons(into, from);
    into->flags |= from->flags;
    return SUM_OK;
}

uint64_t sum_total(const struct sum *s)
{
    uint64_t t = 0;
    for (size_t i = 0; i < REC_STATUS_COUNT; i++)
        t += s->status[i];
    return t;
}

bool sum_rate(const struct sum *s, uint32_t *out)
{
    uint64_t t = sum_total(s), d = s->status[REC_DELIVERED];
    if (t == 0)
        return false;
    /* beyond 9.2e14 records the last bits do not change 4 decimals */
    while (t > UINT64_MAX / 20001) {
        t >>= 1;
        d >>= 1;
    }
    /* floor(10000*d/t + 1/2) = floor((20000*d + t) / (2*t)) */
    *out = (uint32_t)((d * 20000 + t) / (2 * t));
    return true;
}

/* the nearest rank ceil(q*n), 1-based, without overflowing q*n */
static uint64_t nearest_rank(uint64_t n, uint32_t q_bp)
{
    uint64_t q = q_bp > 10000 ? 10000 : q_bp;
    uint64_t k = n / 10000 * q + ((n % 10000) * q + 9999) / 10000;
    return k == 0 ? 1 : k;
}

uint64_t sum_quantile(const struct sum *s, uint32_t q_bp)
{
    if (!s || s->lat_count == 0)
        return 0;
    uint64_t k = nearest_rank(s->lat_count, q_bp), cum = 0;
    if (k == 1) /* the extremes are known exactly */
        return s->lat_min;
    if (k >= s->lat_count)
        return s->lat_max;
    for (size_t b = 0; b < LIM_LAT_BUCKETS; b++) {
        cum += s->lat[b];
        if (cum < k)
            continue;
        uint64_t r = sum_bucket_rep(b);
        if (r < s->lat_min)
            r = s->lat_min;
        return r > s->lat_max ? s->lat_max : r;
    }
    return s->lat_max; /* only when a saturated bucket lost counts */
}

size_t sum_top(const struct sum *s, const struct sum_reason **out, size_t n, bool *approx)
{
    const struct sum_reason *all[LIM_REASONS];
    size_t m = s->nreasons;
    for (size_t i = 0; i < m; i++) {
        const struct sum_reason *e = &s->reasons[i];
        size_t j = i;
        for (; j > 0 && ranks_before(e, all[j - 1]); j--)
            all[j] = all[j - 1];
        all[j] = e;
    }
    if (n > m)
        n = m;
    for (size_t i = 0; i < n; i++)
        /* cppcheck-suppress uninitvar ; the insertion sort above set all[0..m) and n <= m */
        out[i] = all[i];
    if (approx)
        *approx = (s->flags & SUM_F_REASONS_APPROX) != 0;
    return n;
}

const char *sum_strerror(enum sum_err e)
{
    switch (e) {
    case SUM_OK:
        return "ok";
    case SUM_EARG:
        return "summary: missing summary or record";
    case SUM_ESTATUS:
        return "summary: record status out of range";
    }
    return "summary: unknown error";
}
