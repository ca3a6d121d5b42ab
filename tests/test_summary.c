/* summary: counts, rate, cost, the 1% latency bound proven bucket by bucket
 * and checked against exact nearest-rank on seeded data, reasons exact and
 * approximate, and merge == direct member by member. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

#include "limits.h"
#include "record.h"
#include "summary.h"

/* ---- helpers -------------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static uint64_t rnd_below(uint64_t n)
{
    return n ? rnd() % n : 0;
}

static struct rec mkrec(enum rec_status st, const char *desc)
{
    struct rec r;
    memset(&r, 0, sizeof r);
    r.status = st;
    r.channel = REC_CH_SMS;
    if (desc) {
        r.has_desc = true;
        snprintf(r.desc, sizeof r.desc, "%s", desc);
    }
    return r;
}

static struct rec mkdeliv(int64_t send, int64_t deliv)
{
    struct rec r = mkrec(REC_DELIVERED, NULL);
    r.has_send = r.has_deliv = true;
    r.send_ms = send;
    r.deliv_ms = deliv;
    return r;
}

static void add_ok(struct sum *s, const struct rec *r)
{
    assert_int_equal(sum_add(s, r), SUM_OK);
}

static struct sum sa, sb, sc, sd; /* large: keep them off the stack */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* |got - want| <= 1% of want, in integers */
static void assert_within_1pct(uint64_t got, uint64_t want)
{
    uint64_t d = got > want ? got - want : want - got;
    if (d * 100 > want) {
        fail_msg("got %llu, exact %llu: more than 1%% off", (unsigned long long)got,
                 (unsigned long long)want);
    }
}

/* ---- geometry: the 1% bound, bucket by bucket ------------------------------ */

static void test_buckets_prove_one_percent(void **state)
{
    (void)state;
    assert_int_equal(sum_bucket_lo(0), 0);
    assert_int_equal(sum_bucket_hi(LIM_LAT_BUCKETS - 1), (UINT64_C(1) << 32) - 1);
    for (size_t b = 0; b < LIM_LAT_BUCKETS; b++) {
        uint64_t lo = sum_bucket_lo(b), hi = sum_bucket_hi(b), rep = sum_bucket_rep(b);
        assert_true(lo <= hi);
        assert_true(lo <= rep && rep <= hi);
        assert_int_equal(sum_bucket_of(lo), b);
        assert_int_equal(sum_bucket_of(hi), b);
        if (b > 0)
            assert_int_equal(sum_bucket_hi(b - 1) + 1, lo);
        /* the error is largest at the ends of a bucket */
        if ((rep - lo) * 100 > lo || (hi - rep) * 100 > hi)
            fail_msg("bucket %zu [%llu, %llu] rep %llu exceeds 1%%", b, (unsigned long long)lo,
                     (unsigned long long)hi, (unsigned long long)rep);
    }
    for (uint64_t v = 0; v < LIM_LAT_EXACT; v++)
        assert_int_equal(sum_bucket_rep(sum_bucket_of(v)), v);
}

static void test_bucket_of_is_monotone(void **state)
{
    (void)state;
    size_t prev = 0;
    for (uint64_t v = 0; v < (UINT64_C(1) << 22); v++) {
        size_t b = sum_bucket_of(v);
        assert_true(b == prev || b == prev + 1);
        assert_true(sum_bucket_lo(b) <= v && v <= sum_bucket_hi(b));
        prev = b;
    }
    assert_int_equal(sum_bucket_of(UINT64_MAX), LIM_LAT_BUCKETS - 1);
    assert_int_equal(sum_bucket_of(UINT64_C(1) << 32), LIM_LAT_BUCKETS - 1);
}

/* ---- counts, rate, cost ------------------------------------------------------ */

static void test_counts(void **state)
{
    (void)state;
    static const struct {
        enum rec_status st;
        int n;
    } t[] = {{REC_DELIVERED, 13}, {REC_SENT, 1},    {REC_RECEIVED, 0}, {REC_ERROR, 1},
             {REC_EXPIRED, 1},    {REC_UNKNOWN, 0}, {REC_OTHER, 2}};
    sum_init(&sa);
    for (size_t i = 0; i < ARRAY_LEN(t); i++)
        for (int k = 0; k < t[i].n; k++) {
            struct rec r = mkrec(t[i].st, NULL);
            r.has_parts = true;
            r.parts = 2;
            add_ok(&sa, &r);
        }
    for (size_t i = 0; i < ARRAY_LEN(t); i++)
        assert_int_equal(sa.status[t[i].st], t[i].n);
    assert_int_equal(sum_total(&sa), 18);
    assert_int_equal(sa.parts, 36);
    uint32_t rate = 0;
    assert_true(sum_rate(&sa, &rate));
    assert_int_equal(rate, 7222); /* 13/18 = 0.72222 */
    assert_false(sa.has_send);
}

static void test_rate_rounding(void **state)
{
    (void)state;
    static const struct {
        uint64_t d, t;
        bool ok;
        uint32_t bp;
    } t[] = {
        {1, 3, true, 3333},      {2, 3, true, 6667},       {0, 0, false, 0},
        {1, 1, true, 10000},     {0, 5, true, 0},          {13, 16, true, 8125},
        {1, 20000, true, 1},     {1, 20001, true, 0},      {19999, 20000, true, 10000},
        {2, 40000, true, 1},     {12345, 100000, true, 1235},
        {UINT64_C(1) << 62, (UINT64_C(1) << 62) + 1, true, 10000},
        {UINT64_C(1) << 61, UINT64_C(1) << 62, true, 5000},
    };
    for (size_t i = 0; i < ARRAY_LEN(t); i++) {
        sum_init(&sa);
        sa.status[REC_DELIVERED] = t[i].d;
        sa.status[REC_SENT] = t[i].t - t[i].d;
        uint32_t got = 77;
        assert_int_equal(sum_rate(&sa, &got), t[i].ok);
        if (t[i].ok && got != t[i].bp)
            fail_msg("case %zu: %llu/%llu gave %u, want %u", i, (unsigned long long)t[i].d,
                     (unsigned long long)t[i].t, got, t[i].bp);
        if (!t[i].ok)
            assert_int_equal(got, 77);
    }
}

static void add_costs(struct sum *s, int64_t cost, int n)
{
    for (int i = 0; i < n; i++) {
        struct rec r = mkrec(REC_SENT, NULL);
        r.has_cost = true;
        r.cost_micros = cost;
        add_ok(s, &r);
    }
}

static void test_cost_exact_and_saturating(void **state)
{
    (void)state;
    sum_init(&sa);
    add_costs(&sa, 1, 10000); /* 10,000 x 0.000001 */
    assert_int_equal(sa.cost_micros, 10000);
    add_costs(&sa, 35000, 1000); /* + 1000 x 0.035 */
    assert_int_equal(sa.cost_micros, 35010000);
    struct rec nocost = mkrec(REC_SENT, NULL);
    add_ok(&sa, &nocost);
    assert_int_equal(sa.cost_micros, 35010000);
    assert_int_equal(sa.flags & SUM_F_COST_SATURATED, 0);

    sum_init(&sa);
    add_costs(&sa, INT64_MAX / 4, 4);
    assert_int_equal(sa.cost_micros, INT64_MAX / 4 * 4);
    assert_int_equal(sa.flags & SUM_F_COST_SATURATED, 0);
    add_costs(&sa, 4, 1);
    assert_int_equal(sa.cost_micros, INT64_MAX);
    assert_true(sa.flags & SUM_F_COST_SATURATED);

    sum_init(&sa);
    add_costs(&sa, -500000, 3);
    assert_int_equal(sa.cost_micros, -1500000);
    add_costs(&sa, INT64_MIN, 1);
    assert_int_equal(sa.cost_micros, INT64_MIN);
    assert_true(sa.flags & SUM_F_COST_SATURATED);
    /* the flag survives a merge */
    sum_init(&sb);
    assert_int_equal(sum_merge(&sb, &sa), SUM_OK);
    assert_true(sb.flags & SUM_F_COST_SATURATED);
}

static void test_send_range(void **state)
{
    (void)state;
    static const int64_t sends[] = {1700000000500, -5, 1700000000000, 1800000000000};
    sum_init(&sa);
    for (size_t i = 0; i < ARRAY_LEN(sends); i++) {
        struct rec r = mkrec(REC_SENT, NULL);
        r.has_send = true;
        r.send_ms = sends[i];
        add_ok(&sa, &r);
    }
    struct rec no = mkrec(REC_SENT, NULL);
    add_ok(&sa, &no);
    assert_true(sa.has_send);
    assert_int_equal(sa.first_send_ms, -5);
    assert_int_equal(sa.last_send_ms, 1800000000000);
}

static void test_bad_input(void **state)
{
    (void)state;
    sum_init(&sa);
    struct rec r = mkrec(REC_ERROR, "x");
    r.status = REC_STATUS_COUNT;
    assert_int_equal(sum_add(&sa, &r), SUM_ESTATUS);
    r.status = (enum rec_status)-1;
    assert_int_equal(sum_add(&sa, &r), SUM_ESTATUS);
    assert_int_equal(sum_total(&sa), 0);
    assert_int_equal(sa.nreasons, 0);
    assert_int_equal(sum_add(NULL, &r), SUM_EARG);
    assert_int_equal(sum_add(&sa, NULL), SUM_EARG);
    assert_int_equal(sum_merge(NULL, &sa), SUM_EARG);
    assert_string_not_equal(sum_strerror(SUM_EARG), sum_strerror(SUM_ESTATUS));
    assert_string_not_equal(sum_strerror(SUM_OK), sum_strerror(SUM_EARG));
}

/* ---- latency ------------------------------------------------------------------ */

static void test_latency_selection(void **state)
{
    (void)state;
    sum_init(&sa);
    struct rec r = mkdeliv(1000, 4000);
    add_ok(&sa, &r);
    r = mkdeliv(1000, 4000);
    r.status = REC_SENT; /* not delivered: no latency */
    add_ok(&sa, &r);
    r = mkdeliv(1000, 4000);
    r.has_deliv = false;
    add_ok(&sa, &r);
    r = mkdeliv(1000, 4000);
    r.has_send = false;
    add_ok(&sa, &r);
    r = mkdeliv(5000, 4999); /* clock skew */
    add_ok(&sa, &r);
    r = mkdeliv(INT64_MAX, INT64_MIN);
    add_ok(&sa, &r);
    assert_int_equal(sa.lat_count, 1);
    assert_int_equal(sa.lat_negative, 2);
    assert_int_equal(sa.lat_sum, 3000);
    assert_int_equal(sa.lat_min, 3000);
    assert_int_equal(sa.lat_max, 3000);
    uint64_t inhist = 0;
    for (size_t b = 0; b < LIM_LAT_BUCKETS; b++)
        inhist += sa.lat[b];
    assert_int_equal(inhist, 1);
    assert_int_equal(sum_quantile(&sa, 5000), 3000);
}

static void test_latency_tiny_and_edges(void **state)
{
    (void)state;
    /* n = 0 */
    sum_init(&sa);
    assert_int_equal(sum_quantile(&sa, 5000), 0);
    assert_int_equal(sum_quantile(&sa, 9900), 0);
    /* n = 1: every quantile is the value, exactly (clamped to min = max) */
    static const uint64_t ones[] = {0, 1, 127, 128, 1001, 123457, 4000000000u};
    for (size_t i = 0; i < ARRAY_LEN(ones); i++) {
        sum_init(&sa);
        struct rec r = mkdeliv(1000, 1000 + (int64_t)ones[i]);
        add_ok(&sa, &r);
        assert_int_equal(sum_quantile(&sa, 5000), ones[i]);
        assert_int_equal(sum_quantile(&sa, 9900), ones[i]);
        assert_int_equal(sum_quantile(&sa, 0), ones[i]);
        assert_int_equal(sum_quantile(&sa, 20000), ones[i]);
    }
    /* n = 2: p50 is the 1st smallest, p90 and p99 the 2nd: both exact */
    sum_init(&sa);
    struct rec r = mkdeliv(0, 123457);
    add_ok(&sa, &r);
    r = mkdeliv(0, 2500);
    add_ok(&sa, &r);
    assert_int_equal(sum_quantile(&sa, 5000), 2500);
    assert_int_equal(sum_quantile(&sa, 9000), 123457);
    assert_int_equal(sum_quantile(&sa, 9900), 123457);
    /* n = 3: p50 is the 2nd (ceil 1.5), p90/p99 the 3rd */
    r = mkdeliv(0, 50000);
    add_ok(&sa, &r);
    assert_within_1pct(sum_quantile(&sa, 5000), 50000);
    assert_int_equal(sum_quantile(&sa, 9000), 123457);
    assert_int_equal(sum_quantile(&sa, 3333), 2500);
    assert_within_1pct(sum_quantile(&sa, 3334), 50000);
    /* all zero latency */
    sum_init(&sa);
    for (int i = 0; i < 100; i++) {
        r = mkdeliv(7, 7);
        add_ok(&sa, &r);
    }
    assert_int_equal(sa.lat_count, 100);
    assert_int_equal(sum_quantile(&sa, 9900), 0);
    assert_int_equal(sa.lat_max, 0);
    /* beyond 2^32 ms: top bucket, flagged, max still exact */
    sum_init(&sa);
    r = mkdeliv(0, INT64_C(1) << 40);
    add_ok(&sa, &r);
    assert_true(sa.flags & SUM_F_LAT_BEYOND);
    assert_int_equal(sa.lat_max, UINT64_C(1) << 40);
    assert_int_equal(sum_quantile(&sa, 5000), UINT64_C(1) << 40);
    r = mkdeliv(INT64_MIN, INT64_MAX); /* the widest difference still counts */
    add_ok(&sa, &r);
    assert_int_equal(sa.lat_max, UINT64_MAX);
    assert_int_equal(sa.lat_count, 2);
}

enum shape { UNIFORM_SMALL, UNIFORM_BIG, LOG_UNIFORM, CONSTANT, BIMODAL, HEAVY_TAIL, STEPS };

static uint64_t draw(enum shape sh)
{
    switch (sh) {
    case UNIFORM_SMALL:
        return rnd_below(300);
    case UNIFORM_BIG:
        return 1000 + rnd_below(600000);
    case LOG_UNIFORM:
        return rnd_below(UINT64_C(1) << rnd_below(33));
    case CONSTANT:
        return 4321;
    case BIMODAL:
        return rnd_below(2) ? 800 + rnd_below(400) : 3600000 + rnd_below(7200000);
    case HEAVY_TAIL: { /* mostly seconds, a tail to weeks */
        uint64_t v = 1000 + rnd_below(5000);
        while (rnd_below(4) == 0 && v < (UINT64_C(1) << 31))
            v *= 3;
        return v;
    }
    case STEPS:
        return (uint64_t)1 << rnd_below(32);
    }
    return 0;
}

static uint64_t lat_values[20000];

static void check_quantiles(const struct sum *s, size_t n)
{
    static const uint32_t qs[] = {5000, 9000, 9900, 1, 2500, 10000};
    qsort(lat_values, n, sizeof lat_values[0], cmp_u64);
    for (size_t i = 0; i < ARRAY_LEN(qs); i++) {
        size_t k = (size_t)(((uint64_t)qs[i] * n + 9999) / 10000);
        uint64_t exact = lat_values[(k ? k : 1) - 1];
        assert_within_1pct(sum_quantile(s, qs[i]), exact);
    }
    assert_int_equal(s->lat_max, lat_values[n - 1]);
    assert_int_equal(s->lat_min, lat_values[0]);
    assert_int_equal(s->lat_count, n);
}

static void test_quantiles_vs_exact(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 2, 3, 4, 10, 99, 100, 101, 1000, 10007, 20000};
    for (unsigned seed = 1; seed <= 3; seed++)
        for (int sh = UNIFORM_SMALL; sh <= STEPS; sh++)
            for (size_t zi = 0; zi < ARRAY_LEN(sizes); zi++) {
                rng_state = 0x9e3779b97f4a7c15ull * seed + (uint64_t)sh * 7919 + zi;
                size_t n = sizes[zi];
                sum_init(&sa);
                for (size_t i = 0; i < n; i++) {
                    lat_values[i] = draw((enum shape)sh);
                    int64_t send = 1764788400000 + (int64_t)rnd_below(3600000);
                    struct rec r = mkdeliv(send, send + (int64_t)lat_values[i]);
                    add_ok(&sa, &r);
                }
                check_quantiles(&sa, n);
            }
}

/* ---- reasons ------------------------------------------------------------------ */

static void add_reason_n(struct sum *s, enum rec_status st, const char *desc, int n)
{
    for (int i = 0; i < n; i++) {
        struct rec r = mkrec(st, desc);
        add_ok(s, &r);
    }
}

static void test_reasons_exact_and_ties(void **state)
{
    (void)state;
    sum_init(&sa);
    add_reason_n(&sa, REC_ERROR, "Absent subscriber", 3);
    add_reason_n(&sa, REC_EXPIRED, NULL, 3); /* "(none)" */
    add_reason_n(&sa, REC_ERROR, "\xc3\xa9" "chec", 3);   /* UTF-8 sorts after ASCII */
    add_reason_n(&sa, REC_ERROR, "Barred", 3);
    add_reason_n(&sa, REC_ERROR, "", 1);               /* an empty description is kept */
    add_reason_n(&sa, REC_EXPIRED, "Barred", 2);
    add_reason_n(&sa, REC_DELIVERED, "Delivered", 9);  /* not an error */
    add_reason_n(&sa, REC_UNKNOWN, "Unknown", 9);
    add_reason_n(&sa, REC_ERROR, "zzz", 1);
    const struct sum_reason *top[LIM_TOP_REASONS];
    bool approx = true;
    size_t n = sum_top(&sa, top, LIM_TOP_REASONS, &approx);
    assert_false(approx);
    assert_int_equal(sa.nreasons, 6);
    assert_int_equal(n, 5);
    static const struct {
        const char *key;
        uint32_t count;
    } want[] = {{"Barred", 5}, {"(none)", 3}, {"Absent subscriber", 3}, {"\xc3\xa9" "chec", 3},
                {"", 1}};
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(top[i]->key, want[i].key);
        assert_int_equal(top[i]->count, want[i].count);
        assert_int_equal(top[i]->err, 0);
    }
    /* fewer asked than held, and more asked than held */
    assert_int_equal(sum_top(&sa, top, 1, NULL), 1);
    assert_string_equal(top[0]->key, "Barred");
    const struct sum_reason *all[LIM_REASONS];
    assert_int_equal(sum_top(&sa, all, LIM_REASONS, NULL), 6);
    assert_string_equal(all[5]->key, "zzz");
}

static void test_reasons_32_exact_33_approx(void **state)
{
    (void)state;
    char key[32];
    sum_init(&sa);
    for (int i = 0; i < (int)LIM_REASONS; i++) {
        snprintf(key, sizeof key, "reason %02d", i);
        add_reason_n(&sa, REC_ERROR, key, i + 1);
    }
    bool approx = true;
    const struct sum_reason *top[LIM_TOP_REASONS];
    assert_int_equal(sum_top(&sa, top, LIM_TOP_REASONS, &approx), 5);
    assert_false(approx);
    assert_string_equal(top[0]->key, "reason 31");
    assert_int_equal(top[0]->count, 32);
    assert_string_equal(top[4]->key, "reason 27");
    /* the 33rd distinct reason makes the summary approximate */
    add_reason_n(&sa, REC_EXPIRED, "reason new", 1);
    sum_top(&sa, top, LIM_TOP_REASONS, &approx);
    assert_true(approx);
    assert_true(sa.flags & SUM_F_REASONS_APPROX);
    assert_int_equal(sa.nreasons, LIM_REASONS);
    /* space-saving replaced the minimum ("reason 00", count 1) */
    const struct sum_reason *all[LIM_REASONS];
    sum_top(&sa, all, LIM_REASONS, NULL);
    bool seen_new = false;
    for (size_t i = 0; i < LIM_REASONS; i++) {
        assert_string_not_equal(all[i]->key, "reason 00");
        if (strcmp(all[i]->key, "reason new") == 0) {
            seen_new = true;
            assert_int_equal(all[i]->count, 2);
            assert_int_equal(all[i]->err, 1);
        }
    }
    assert_true(seen_new);
}

static void test_reasons_heavy_hitters_survive(void **state)
{
    (void)state;
    /* 3 heavy reasons among 500 rare ones (1 each), interleaved */
    static const struct {
        const char *key;
        uint32_t n;
    } heavy[] = {{"Absent subscriber", 300}, {"Barred", 200}, {"Call barred", 150}};
    uint32_t left[3] = {300, 200, 150};
    char key[32];
    sum_init(&sa);
    for (int i = 0; i < 500 || left[0] || left[1] || left[2]; i++) {
        if (i < 500) {
            snprintf(key, sizeof key, "rare %03d", i);
            add_reason_n(&sa, REC_ERROR, key, 1);
        }
        for (int h = 0; h < 3; h++)
            if (left[h]) {
                add_reason_n(&sa, REC_ERROR, heavy[h].key, 1);
                left[h]--;
            }
    }
    const struct sum_reason *top[3];
    bool approx = false;
    assert_int_equal(sum_top(&sa, top, 3, &approx), 3);
    assert_true(approx);
    for (int h = 0; h < 3; h++) {
        assert_string_equal(top[h]->key, heavy[h].key);
        assert_true(top[h]->count - top[h]->err <= heavy[h].n);
        assert_true(top[h]->count >= heavy[h].n);
    }
}

/* ---- merge == direct --------------------------------------------------------- */

static const char *const pool[] = {
    NULL, "Absent subscriber", "Barred", "Invalid destination", "Expired", "\xe2\x9c\x93 ok?",
    "Network error", "", "Rejected by carrier", "Spam filter",
};

static struct rec random_rec(int ndistinct)
{
    enum rec_status st = (enum rec_status)rnd_below(REC_STATUS_COUNT);
    char buf[32];
    const char *desc = NULL;
    uint64_t pick = rnd_below((uint64_t)ndistinct);
    if (pick < ARRAY_LEN(pool)) {
        desc = pool[pick];
    } else {
        snprintf(buf, sizeof buf, "reason %llu", (unsigned long long)pick);
        desc = buf;
    }
    struct rec r = mkrec(st, desc);
    r.has_send = rnd_below(10) != 0;
    r.send_ms = 1764788400000 + (int64_t)rnd_below(86400000);
    r.has_deliv = rnd_below(10) != 0;
    r.deliv_ms = r.send_ms + (int64_t)draw((enum shape)rnd_below(STEPS + 1)) - 
                 (rnd_below(50) == 0 ? 100000 : 0);
    r.has_cost = rnd_below(5) != 0;
    r.cost_micros = (int64_t)rnd_below(100000) - 1000;
    r.has_parts = rnd_below(5) != 0;
    r.parts = (uint32_t)rnd_below(4) + 1;
    return r;
}

static void assert_sum_equal(const struct sum *a, const struct sum *b, bool reasons)
{
    for (size_t i = 0; i < REC_STATUS_COUNT; i++)
        assert_int_equal(a->status[i], b->status[i]);
    assert_int_equal(a->cost_micros, b->cost_micros);
    assert_int_equal(a->parts, b->parts);
    assert_int_equal(a->has_send, b->has_send);
    if (a->has_send) {
        assert_int_equal(a->first_send_ms, b->first_send_ms);
        assert_int_equal(a->last_send_ms, b->last_send_ms);
    }
    assert_int_equal(a->lat_count, b->lat_count);
    assert_int_equal(a->lat_negative, b->lat_negative);
    assert_int_equal(a->lat_sum, b->lat_sum);
    if (a->lat_count) {
        assert_int_equal(a->lat_min, b->lat_min);
        assert_int_equal(a->lat_max, b->lat_max);
    }
    assert_memory_equal(a->lat, b->lat, sizeof a->lat);
    for (uint32_t q = 0; q <= 10000; q += 100)
        assert_int_equal(sum_quantile(a, q), sum_quantile(b, q));
    if (!reasons)
        return;
    assert_int_equal(a->flags, b->flags);
    assert_int_equal(a->nreasons, b->nreasons);
    const struct sum_reason *ta[LIM_REASONS], *tb[LIM_REASONS];
    size_t n = sum_top(a, ta, LIM_REASONS, NULL);
    assert_int_equal(sum_top(b, tb, LIM_REASONS, NULL), n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(ta[i]->key, tb[i]->key);
        assert_int_equal(ta[i]->count, tb[i]->count);
        assert_int_equal(ta[i]->err, tb[i]->err);
    }
}

/* direct: sa; pages -> channel: sb (page delta in sc) */
static void run_split(size_t nrec, int ndistinct)
{
    sum_init(&sa);
    sum_init(&sb);
    sum_init(&sc);
    for (size_t i = 0; i < nrec;) {
        size_t page = 1 + (size_t)rnd_below(120);
        for (size_t k = 0; k < page && i < nrec; k++, i++) {
            struct rec r = random_rec(ndistinct);
            add_ok(&sa, &r);
            add_ok(&sc, &r);
        }
        assert_int_equal(sum_merge(&sb, &sc), SUM_OK);
        sum_init(&sc);
    }
}

static void test_merge_equals_direct(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 2, 7, 100, 1000, 12000};
    for (size_t zi = 0; zi < ARRAY_LEN(sizes); zi++)
        for (int nd = 1; nd <= 32; nd += 31) {
            rng_state = 12345 + zi * 31 + (uint64_t)nd;
            run_split(sizes[zi], nd);
            assert_sum_equal(&sa, &sb, true);
        }
}

static void test_merge_channels_into_totals(void **state)
{
    (void)state;
    /* three channels whose reasons together stay <= 32: totals exact */
    rng_state = 99;
    sum_init(&sd); /* direct totals */
    static struct sum chs[3];
    for (int c = 0; c < 3; c++) {
        sum_init(&chs[c]);
        for (int i = 0; i < 2000; i++) {
            struct rec r = random_rec(30);
            add_ok(&chs[c], &r);
            add_ok(&sd, &r);
        }
    }
    sum_init(&sa);
    for (int c = 0; c < 3; c++)
        assert_int_equal(sum_merge(&sa, &chs[c]), SUM_OK);
    assert_sum_equal(&sa, &sd, true);
    assert_false(sa.flags & SUM_F_REASONS_APPROX);
}

static void test_merge_approx_keeps_bounds(void **state)
{
    (void)state;
    /* 20 distinct reasons in each of two summaries, disjoint: 40 > 32 */
    char key[32];
    sum_init(&sa);
    sum_init(&sb);
    for (int i = 0; i < 20; i++) {
        snprintf(key, sizeof key, "a%02d", i);
        add_reason_n(&sa, REC_ERROR, key, 100 + i);
        snprintf(key, sizeof key, "b%02d", i);
        add_reason_n(&sb, REC_ERROR, key, 10 + i);
    }
    add_reason_n(&sb, REC_ERROR, "a00", 1000); /* shared key */
    assert_int_equal(sum_merge(&sa, &sb), SUM_OK);
    assert_true(sa.flags & SUM_F_REASONS_APPROX);
    assert_int_equal(sa.nreasons, LIM_REASONS);
    const struct sum_reason *top[LIM_TOP_REASONS];
    bool approx = false;
    sum_top(&sa, top, LIM_TOP_REASONS, &approx);
    assert_true(approx);
    assert_string_equal(top[0]->key, "a00");
    assert_int_equal(top[0]->count, 1100);
    assert_string_equal(top[1]->key, "a19");
    assert_int_equal(top[1]->count, 119);
    /* merging an approximate summary into an empty one keeps the flag */
    sum_init(&sc);
    sum_merge(&sc, &sa);
    assert_true(sc.flags & SUM_F_REASONS_APPROX);
    /* and approximate into approximate: bounds from the absent side */
    sum_init(&sd);
    for (int i = 0; i < 40; i++) {
        snprintf(key, sizeof key, "d%02d", i);
        add_reason_n(&sd, REC_ERROR, key, 2);
    }
    sum_merge(&sc, &sd);
    sum_top(&sc, top, 1, NULL);
    assert_string_equal(top[0]->key, "a00");
    assert_true(top[0]->count >= 1100 && top[0]->count - top[0]->err <= 1100);
}

static void test_size_is_known(void **state)
{
    (void)state;
    print_message("sizeof(struct sum) = %zu bytes (%u latency buckets)\n", sizeof(struct sum),
                  (unsigned)LIM_LAT_BUCKETS);
    /* guard against silent growth: histogram + reasons + ~150 bytes */
    assert_true(sizeof(struct sum) <=
                LIM_LAT_BUCKETS * 4 + LIM_REASONS * sizeof(struct sum_reason) + 160);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buckets_prove_one_percent),
        cmocka_unit_test(test_bucket_of_is_monotone),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_rate_rounding),
        cmocka_unit_test(test_cost_exact_and_saturating),
        cmocka_unit_test(test_send_range),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_latency_selection),
        cmocka_unit_test(test_latency_tiny_and_edges),
        cmocka_unit_test(test_quantiles_vs_exact),
        cmocka_unit_test(test_reasons_exact_and_ties),
        cmocka_unit_test(test_reasons_32_exact_33_approx),
        cmocka_unit_test(test_reasons_heavy_hitters_survive),
        cmocka_unit_test(test_merge_equals_direct),
        cmocka_unit_test(test_merge_channels_into_totals),
        cmocka_unit_test(test_merge_approx_keeps_bounds),
        cmocka_unit_test(test_size_is_known),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
