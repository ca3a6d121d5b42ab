/* Ground truth: the exact summary of a query over the dataset, printed in the
 * JSON shape of src/report.h without the run-dependent members (requests,
 * retries, bytes, elapsed_ms). Exact where gwhist may approximate: every
 * latency is kept and sorted, every reason counted. */
#include "gwsim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct reason {
    const char *s;
    uint64_t n;
};

struct stats {
    uint64_t total, by[ST_N], neg, parts, pages;
    int64_t cost;
    int64_t *lat;
    size_t nlat, caplat;
    struct reason *rs;
    size_t nrs, caprs;
};

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap * 2 : 64;
    while (c < need)
        c *= 2;
    p = realloc(p, c * size);
    if (!p) {
        fputs("gwsim: out of memory\n", stderr);
        exit(2);
    }
    *cap = c;
    return p;
}

static void add_reason(struct stats *s, const char *r, uint64_t n)
{
    for (size_t i = 0; i < s->nrs; i++)
        if (strcmp(s->rs[i].s, r) == 0) {
            s->rs[i].n += n;
            return;
        }
    s->rs = grow(s->rs, &s->caprs, s->nrs + 1, sizeof *s->rs);
    s->rs[s->nrs].s = r;
    s->rs[s->nrs++].n = n;
}

static void add_lat(struct stats *s, int64_t v)
{
    s->lat = grow(s->lat, &s->caplat, s->nlat + 1, sizeof *s->lat);
    s->lat[s->nlat++] = v;
}

static void add_record(struct stats *s, const struct gw_rec *r)
{
    s->total++;
    s->by[r->st]++;
    if (r->cost_mode == 2)
        s->cost += r->cost;
    s->parts += r->parts;
    if (r->st == ST_DELIVERED && r->has_deliv) {
        if (r->deliv_ms < r->send_ms)
            s->neg++;
        else
            add_lat(s, r->deliv_ms - r->send_ms);
    }
    if (r->st == ST_ERROR || r->st == ST_EXPIRED)
        add_reason(s, r->desc ? r->desc : "(none)", 1);
}

static void channel_stats(const struct gw_data *d, const struct gw_truth *t, int ch, struct stats *s)
{
    memset(s, 0, sizeof *s);
    if (t->from_ms <= t->to_ms) {
        for (uint32_t k = gw_lower_bound(d, ch, t->from_ms); k < d->count[ch]; k++) {
            const struct gw_slot *sl = &d->slot[ch][k];
            if (sl->send_ms > t->to_ms)
                break;
            if (t->status >= 0 && sl->st != t->status)
                continue;
            struct gw_rec r;
            gw_rec_get(d, sl->idx, &r);
            add_record(s, &r);
        }
    }
    s->pages = s->total / t->limit + 1;
}

static void merge(struct stats *into, const struct stats *s)
{
    into->total += s->total;
    for (int i = 0; i < ST_N; i++)
        into->by[i] += s->by[i];
    into->neg += s->neg;
    into->parts += s->parts;
    into->pages += s->pages;
    into->cost += s->cost;
    for (size_t i = 0; i < s->nlat; i++)
        add_lat(into, s->lat[i]);
    for (size_t i = 0; i < s->nrs; i++)
        add_reason(into, s->rs[i].s, s->rs[i].n);
}

static int lat_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int reason_cmp(const void *a, const void *b)
{
    const struct reason *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->s, y->s); /* strcmp compares as unsigned char: byte order */
}

/* the ceil(q/100 * n)-th smallest */
static int64_t rank(const struct stats *s, uint64_t q)
{
    if (s->nlat == 0)
        return 0;
    uint64_t k = (q * s->nlat + 99) / 100;
    return s->lat[k - 1];
}

static void stats_out(struct gw_buf *b, struct stats *s, int ch)
{
    if (ch >= 0)
        buf_fmt(b, "{\"channel\":\"%s\",", gw_ch_name[ch]);
    else
        buf_str(b, "{");
    buf_fmt(b, "\"complete\":true,\"total\":%llu,\"by_status\":{", (unsigned long long)s->total);
    for (int i = 0; i < ST_N; i++)
        buf_fmt(b, "%s\"%s\":%llu", i ? "," : "", gw_st_name[i], (unsigned long long)s->by[i]);
    buf_str(b, "},\"delivery_rate\":");
    if (s->total == 0) {
        buf_str(b, "null");
    } else {
        uint64_t r = (s->by[ST_DELIVERED] * 20000 + s->total) / (2 * s->total);
        buf_fmt(b, "%llu.%04llu", (unsigned long long)(r / 10000), (unsigned long long)(r % 10000));
    }
    qsort(s->lat, s->nlat, sizeof *s->lat, lat_cmp);
    buf_fmt(b, ",\"latency_ms\":{\"count\":%zu,\"p50\":%lld,\"p90\":%lld,\"p99\":%lld,\"max\":%lld}", s->nlat,
            (long long)rank(s, 50), (long long)rank(s, 90), (long long)rank(s, 99),
            (long long)(s->nlat ? s->lat[s->nlat - 1] : 0));
    buf_fmt(b, ",\"negative_latency\":%llu,\"cost\":", (unsigned long long)s->neg);
    gw_cost_str(b, s->cost);
    buf_fmt(b, ",\"parts\":%llu,\"top_errors\":[", (unsigned long long)s->parts);
    qsort(s->rs, s->nrs, sizeof *s->rs, reason_cmp);
    for (size_t i = 0; i < s->nrs && i < 5; i++) {
        buf_str(b, i ? ",{\"reason\":" : "{\"reason\":");
        buf_json_str(b, s->rs[i].s, false);
        buf_fmt(b, ",\"count\":%llu}", (unsigned long long)s->rs[i].n);
    }
    buf_str(b, "]");
    if (s->nrs > 32)
        buf_str(b, ",\"top_errors_approx\":true");
    buf_fmt(b, ",\"pages\":%llu}", (unsigned long long)s->pages);
}

static void stats_free(struct stats *s)
{
    free(s->lat);
    free(s->rs);
}

int gw_truth_print(const struct gw_data *d, const struct gw_truth *t)
{
    struct gw_buf b = {0};
    struct stats all, one;
    char from[GW_TIME_MAX], to[GW_TIME_MAX];
    memset(&all, 0, sizeof all);
    gw_fmt_utc(from, t->from_ms);
    gw_fmt_utc(to, t->to_ms);
    buf_fmt(&b, "{\"from\":\"%s\",\"to\":\"%s\",\"complete\":true,\"channels\":[", from, to);
    for (int i = 0; i < t->nchans; i++) {
        channel_stats(d, t, t->chans[i], &one);
        merge(&all, &one);
        if (i)
            buf_str(&b, ",");
        stats_out(&b, &one, t->chans[i]);
        stats_free(&one);
    }
    buf_str(&b, "],\"totals\":");
    stats_out(&b, &all, -1);
    buf_str(&b, "}\n");
    stats_free(&all);
    int rc = fwrite(b.p, 1, b.len, stdout) == b.len && fflush(stdout) == 0 ? 0 : 1;
    buf_free(&b);
    return rc;
}
