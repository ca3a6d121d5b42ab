/* bench_parse: throughput of the parse path, splitter + jsmn + record
 * (+ summary when built with -DWITH_SUMMARY and src/summary.c), on N
 * generated history items shaped like API.md's example (varied statuses,
 * ~200-byte bodies with some escapes and non-ASCII text). The body is fed in
 * LIM_RECV_BUF slices, as the agent does. Best of several runs, monotonic
 * clock. Not a test: it prints figures and checks only that every item was
 * counted.
 *   bench_parse [items] [runs] [full]   defaults: 20000 items, 7 runs;
 *   "full": only the whole path (for callgrind --toggle-collect=one_run) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jsonitems.h"
#include "limits.h"
#include "record.h"
#include "timefmt.h"
#ifdef WITH_SUMMARY
#include "summary.h"
#endif

#define BODY_CAP (64u << 20)

static char body[BODY_CAP];
static struct jitems J;

static const char *const statuses[] = {"DELIVERED", "DELIVERED", "DELIVERED", "DELIVERED",
                                       "DELIVERED", "SENT",      "RECEIVED",  "ERROR",
                                       "EXPIRED",   "UNKNOWN"};
static const char *const reasons[] = {"Absent subscriber", "Unknown subscriber",
                                      "Handset memory full", "Call barred", "TTL expired"};
static const char *const texts[] = {
    "Ciao Marco, il tuo ordine #ORD-%06u \\u00e8 stato confermato! Riceverai una notifica "
    "quando il pacco sar\xc3\xa0 spedito. Per assistenza rispondi a questo messaggio o visita "
    "il sito. Grazie per aver scelto TechStore \\ud83d\\ude00",
    "Your verification code is %06u. It expires in 10 minutes. Do not share this code with "
    "anyone, not even with our staff. If you did not request it, ignore this message and "
    "contact support at once.",
    "Promo: -20%% su tutto il catalogo fino a domenica! Codice SCONTO%06u. Condizioni su "
    "https:\\/\\/example.com\\/promo \\\"valide fino ad esaurimento\\\". Rispondi STOP per non "
    "ricevere pi\xc3\xb9 messaggi.",
};

static size_t gen_item(char *p, size_t cap, uint32_t i)
{
    const char *st = statuses[i % 10];
    int64_t send = 1775722500000LL + (int64_t)i * 1500;
    int64_t lat = 800 + (int64_t)(i * 7919u % 60000u);
    char sd[40], dd[40], bodytext[400], desc[64];
    tf_format_offset(send, 120, sd, sizeof sd);
    tf_format_offset(send + lat, 120, dd, sizeof dd);
    snprintf(bodytext, sizeof bodytext, texts[i % 3], i);
    if (strcmp(st, "ERROR") == 0 || strcmp(st, "EXPIRED") == 0)
        snprintf(desc, sizeof desc, "\"%s\"", reasons[i % 5]);
    else
        snprintf(desc, sizeof desc, "null");
    int n = snprintf(p, cap,
                     "{\"messageId\":\"f47ac10b-58cc-4372-a567-%012" PRIu32 "\",\"channel\":\"SMS\","
                     "\"direction\":\"OUTBOUND\",\"destination\":\"+39347%07" PRIu32 "\","
                     "\"sender\":\"TechStore\",\"body\":\"%s\",\"status\":\"%s\","
                     "\"deliveryStatusDescription\":%s,\"sendDate\":\"%s\","
                     "\"deliveryDate\":%s%s%s,\"cost\":0.0%02" PRIu32 ",\"parts\":%" PRIu32 "}",
                     i, i % 10000000u, bodytext, st, desc, sd, st[0] == 'D' ? "\"" : "",
                     st[0] == 'D' ? dd : "null", st[0] == 'D' ? "\"" : "", 30 + i % 20,
                     1 + i % 3);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

static size_t gen_body(uint32_t items)
{
    size_t n = 0;
    body[n++] = '[';
    for (uint32_t i = 0; i < items; i++) {
        if (i)
            body[n++] = ',';
        size_t k = gen_item(body + n, BODY_CAP - n - 2, i);
        if (k == 0) {
            fprintf(stderr, "body buffer too small\n");
            exit(2);
        }
        n += k;
    }
    body[n++] = ']';
    return n;
}

enum mode { SPLIT_ONLY, SPLIT_RECORD, SPLIT_RECORD_SUMMARY };

struct sink {
    enum mode mode;
    uint64_t records, errors;
    int64_t cost;
#ifdef WITH_SUMMARY
    struct sum sum;
#endif
};

static int on_item(void *user, const struct jitems_item *it)
{
    struct sink *s = user;
    struct rec r;
    s->records++;
    if (s->mode == SPLIT_ONLY)
        return 0;
    if (rec_from_item(&r, it, NULL) != REC_OK) {
        s->errors++;
        return 0;
    }
    s->cost += r.cost_micros;
#ifdef WITH_SUMMARY
    if (s->mode == SPLIT_RECORD_SUMMARY && sum_add(&s->sum, &r) != SUM_OK)
        s->errors++;
#endif
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct sink S;

/* noinline: callgrind --toggle-collect=one_run counts the parse path only */
__attribute__((noinline)) static double one_run(size_t len, enum mode mode)
{
    memset(&S, 0, sizeof S);
    S.mode = mode;
#ifdef WITH_SUMMARY
    sum_init(&S.sum);
#endif
    double t0 = now_s();
    jitems_init(&J);
    enum jitems_err e = JITEMS_OK;
    for (size_t i = 0; i < len && e == JITEMS_OK; i += LIM_RECV_BUF) {
        size_t n = len - i < LIM_RECV_BUF ? len - i : LIM_RECV_BUF;
        e = jitems_feed(&J, (const uint8_t *)body + i, n, on_item, &S);
    }
    if (e == JITEMS_OK)
        e = jitems_finish(&J);
    double t = now_s() - t0;
    if (e != JITEMS_OK) {
        fprintf(stderr, "parse error: %s at %" PRIu64 "\n", jitems_strerror(e), jitems_offset(&J));
        exit(1);
    }
    return t;
}

static void bench(const char *name, size_t len, uint32_t items, int runs, enum mode mode)
{
    double best = 1e9;
    for (int r = 0; r < runs; r++) {
        double t = one_run(len, mode);
        best = t < best ? t : best;
    }
    if (S.records != items || S.errors != 0) {
        fprintf(stderr, "%s: %" PRIu64 " records, %" PRIu64 " errors, want %" PRIu32 "\n", name,
                S.records, S.errors, items);
        exit(1);
    }
    printf("%-28s %8.1f MB/s %10.0f records/s  (best of %d: %.4f s)\n", name,
           (double)len / best / 1e6, (double)items / best, runs, best);
}

int main(int argc, char **argv)
{
    uint32_t items = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 20000;
    int runs = argc > 2 ? atoi(argv[2]) : 7;
    if (items == 0 || runs <= 0) {
        fprintf(stderr, "usage: bench_parse [items] [runs]\n");
        return 2;
    }
    size_t len = gen_body(items);
    printf("%" PRIu32 " items, %zu bytes (%.0f bytes/item), fed in %u-byte slices\n", items, len,
           (double)len / items, LIM_RECV_BUF);
    int full_only = argc > 3 && strcmp(argv[3], "full") == 0; /* the whole path only */
    if (!full_only) {
        bench("splitter+jsmn", len, items, runs, SPLIT_ONLY);
        bench("splitter+jsmn+record", len, items, runs, SPLIT_RECORD);
    }
#ifdef WITH_SUMMARY
    bench("splitter+jsmn+record+summary", len, items, runs, SPLIT_RECORD_SUMMARY);
    printf("summary: %" PRIu64 " DELIVERED of %" PRIu64 ", cost %" PRId64 " micro-units\n",
           S.sum.status[REC_DELIVERED], sum_total(&S.sum), S.sum.cost_micros);
#else
    printf("(summary not included: build with -DWITH_SUMMARY src/summary.c)\n");
#endif
    return 0;
}
