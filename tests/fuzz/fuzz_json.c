/* libFuzzer harness for the body path: jsonitems (splitter + jsmn), record
 * (rec_from_item on every item) and summary (sum_add, then the queries a
 * report makes). Input: byte 0 makes the item callback stop at item N (bit
 * 7 on, N from bits 0-2), byte-at-a-time feeding (bit 3); then the split
 * header of fuzz_util.h; the rest is the body. The body is fed whole and in
 * the chosen pieces: the results, offsets, item transcripts and summaries
 * must be identical. */
#include <stdbool.h>

#include "fuzz_util.h"
#include "jsonitems.h"
#include "record.h"
#include "summary.h"

struct tr {
    struct digest d;
    uint64_t calls, abort_at;
    struct sum sum;
};

static void rec_digest(struct digest *d, const struct rec *r)
{
    if (!memchr(r->id, '\0', sizeof r->id) || !memchr(r->desc, '\0', sizeof r->desc) ||
        !memchr(r->dest, '\0', sizeof r->dest))
        fuzz_fail("unterminated record string");
    if ((unsigned)r->status >= REC_STATUS_COUNT || (unsigned)r->channel > REC_CH_NONE)
        fuzz_fail("record enum out of range");
    dg_str(d, r->id);
    dg_str(d, r->desc);
    dg_str(d, r->dest);
    uint8_t b[] = {(uint8_t)r->status, (uint8_t)r->channel, r->has_desc, r->desc_cut,
                   r->has_send,        r->has_deliv,        r->has_cost, r->has_parts};
    dg_bytes(d, b, sizeof b);
    if (r->has_send)
        dg_u64(d, (uint64_t)r->send_ms);
    if (r->has_deliv)
        dg_u64(d, (uint64_t)r->deliv_ms);
    if (r->has_cost)
        dg_u64(d, (uint64_t)r->cost_micros);
    if (r->has_parts)
        dg_u64(d, r->parts);
}

static int on_item(void *user, const struct jitems_item *it)
{
    struct tr *t = user;
    if (it->index != t->calls || it->len > LIM_ITEM || it->ntok == 0 || it->ntok > LIM_TOKENS ||
        it->ncut_end > LIM_ITEM_CUTS)
        fuzz_fail("item %llu: index %llu len %zu ntok %zu", (unsigned long long)t->calls,
                  (unsigned long long)it->index, it->len, it->ntok);
    t->calls++;
    dg_u64(&t->d, it->index);
    dg_u64(&t->d, it->offset);
    dg_u64(&t->d, it->len);
    dg_bytes(&t->d, it->buf, it->len);
    dg_u64(&t->d, it->ntok);
    dg_u64(&t->d, it->cuts);
    for (size_t i = 0; i < it->ntok; i++) {
        const jsmntok_t *k = &it->tok[i];
        if (k->start < 0 || k->end < k->start || (size_t)k->end > it->len)
            fuzz_fail("token %zu outside the item", i);
        dg_u64(&t->d, jitems_tok_cut(it, k));
    }
    struct rec r;
    struct rec_why why = {REC_F_NONE, TF_OK};
    enum rec_err e = rec_from_item(&r, it, &why);
    if ((unsigned)e >= REC_E_COUNT || rec_strerror(e) == NULL)
        fuzz_fail("rec_from_item result %d", (int)e);
    dg_u64(&t->d, (uint64_t)e);
    if (e == REC_OK) {
        rec_digest(&t->d, &r);
        if (sum_add(&t->sum, &r) != SUM_OK)
            fuzz_fail("sum_add refused a mapped record");
    } else {
        dg_u64(&t->d, (uint64_t)why.field);
        dg_u64(&t->d, (uint64_t)why.tf);
        (void)rec_field_name(why.field);
    }
    return t->abort_at != 0 && t->calls == t->abort_at;
}

/* what a report asks of a summary, folded into the digest */
static void sum_digest(struct digest *d, const struct sum *s)
{
    uint32_t rate = 0;
    bool approx = false;
    const struct sum_reason *top[LIM_TOP_REASONS];
    dg_u64(d, sum_total(s));
    dg_u64(d, sum_rate(s, &rate) ? rate : 99999u);
    dg_u64(d, sum_quantile(s, 5000));
    dg_u64(d, sum_quantile(s, 9900));
    size_t n = sum_top(s, top, LIM_TOP_REASONS, &approx);
    for (size_t i = 0; i < n; i++) {
        dg_str(d, top[i]->key);
        dg_u64(d, top[i]->count);
    }
    dg_u64(d, s->flags);
    dg_u64(d, (uint64_t)s->cost_micros);
    dg_u64(d, s->parts);
}

struct result {
    enum jitems_err err;
    uint64_t off, count;
};

static struct jitems J;
static struct tr whole, split;

static void start(struct tr *t, uint64_t abort_at)
{
    memset(t, 0, sizeof *t);
    t->abort_at = abort_at;
    dg_init(&t->d);
    sum_init(&t->sum);
    jitems_init(&J);
}

static struct result end(struct tr *t, enum jitems_err e)
{
    if (e == JITEMS_OK)
        e = jitems_finish(&J);
    if ((unsigned)e >= JITEMS_E_COUNT || jitems_strerror(e) == NULL)
        fuzz_fail("jitems result %d", (int)e);
    if (e == JITEMS_E_JSMN)
        fuzz_fail("jsmn refused an item the validator accepted");
    if (jitems_count(&J) != t->calls)
        fuzz_fail("count %llu, callbacks %llu", (unsigned long long)jitems_count(&J),
                  (unsigned long long)t->calls);
    if (jitems_finish(&J) != e)
        fuzz_fail("jitems_finish not sticky");
    sum_digest(&t->d, &t->sum);
    return (struct result){e, jitems_offset(&J), jitems_count(&J)};
}

static struct sum merged;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t h = data[0];
    data++;
    size--;
    uint64_t abort_at = (h & 0x80u) ? (h & 7u) + 1u : 0u;
    bool bytewise = (h & 8u) != 0;
    size_t len[FUZZ_MAX_PIECES];
    size_t np = fuzz_pieces(&data, &size, len);

    start(&whole, abort_at);
    struct result a = end(&whole, jitems_feed(&J, data, size, on_item, &whole));

    start(&split, abort_at);
    enum jitems_err e = JITEMS_OK;
    const uint8_t *d = data;
    if (bytewise) {
        for (size_t i = 0; i < size && e == JITEMS_OK; i++)
            e = jitems_feed(&J, d + i, 1, on_item, &split);
    } else {
        for (size_t i = 0; i < np && e == JITEMS_OK; i++) {
            e = jitems_feed(&J, d, len[i], on_item, &split);
            d += len[i];
        }
    }
    struct result b = end(&split, e);

    if (a.err != b.err || a.off != b.off || a.count != b.count || whole.d.h != split.d.h)
        fuzz_fail("whole and split differ: %s@%llu (%llu items) vs %s@%llu (%llu items)",
                  jitems_strerror(a.err), (unsigned long long)a.off, (unsigned long long)a.count,
                  jitems_strerror(b.err), (unsigned long long)b.off, (unsigned long long)b.count);
    /* merging the page delta into a total gives the same counts */
    sum_init(&merged);
    if (sum_merge(&merged, &whole.sum) != SUM_OK || sum_total(&merged) != sum_total(&whole.sum))
        fuzz_fail("sum_merge changed the total");
    return 0;
}
