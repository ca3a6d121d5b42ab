/* tool_summarize: the parse-and-summarise path of gwhist, alone, over files.
 * Each FILE is one page body as the gateway sent it; it is fed to the item
 * splitter in pseudo-random slices (1 byte to 4 KB), every item mapped and
 * added to a page summary, and the page committed only when it parsed
 * whole - as the agent does. Prints the JSON report of one channel.
 *   tool_summarize CHANNEL FILE...      (test tool for tests/it_reference.sh) */
#include <stdio.h>
#include <string.h>

#include "jsonitems.h"
#include "record.h"
#include "report.h"
#include "summary.h"

static struct jitems ji;
static struct sum page, chan, totals;
static unsigned char buf[1 << 16];
static char out[LIM_REPORT];

static int on_item(void *user, const struct jitems_item *item)
{
    struct rec r;
    struct rec_why why;
    enum rec_err e = rec_from_item(&r, item, &why);
    if (e != REC_OK) {
        fprintf(stderr, "item %llu: %s: %s\n", (unsigned long long)item->index,
                rec_field_name(why.field), rec_strerror(e));
        return 1;
    }
    (*(unsigned long *)user)++;
    return sum_add(&page, &r) == SUM_OK ? 0 : 1;
}

static int feed_file(const char *path, unsigned *seed)
{
    FILE *f = fopen(path, "rb");
    unsigned long items = 0;
    size_t n;
    if (!f) {
        perror(path);
        return -1;
    }
    jitems_init(&ji);
    sum_init(&page);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        for (size_t off = 0; off < n;) {
            *seed = *seed * 1103515245u + 12345u;
            size_t k = 1 + (*seed >> 8) % 4096;
            if (k > n - off)
                k = n - off;
            enum jitems_err e = jitems_feed(&ji, buf + off, k, on_item, &items);
            if (e != JITEMS_OK) {
                fprintf(stderr, "%s: byte %llu: %s\n", path,
                        (unsigned long long)jitems_offset(&ji), jitems_strerror(e));
                fclose(f);
                return -1;
            }
            off += k;
        }
    }
    fclose(f);
    enum jitems_err e = jitems_finish(&ji);
    if (e != JITEMS_OK) {
        fprintf(stderr, "%s: %s\n", path, jitems_strerror(e));
        return -1;
    }
    return sum_merge(&chan, &page) == SUM_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    unsigned seed = 12345;
    enum rec_channel ch = REC_CH_NONE;
    for (int c = 0; argc > 1 && c < REC_CH_COUNT; c++)
        if (strcmp(argv[1], rec_channel_name((enum rec_channel)c)) == 0)
            ch = (enum rec_channel)c;
    if (argc < 3 || ch == REC_CH_NONE) {
        fprintf(stderr, "usage: tool_summarize SMS|RCS|WHATSAPP FILE...\n");
        return 2;
    }
    sum_init(&chan);
    for (int i = 2; i < argc; i++)
        if (feed_file(argv[i], &seed) != 0)
            return 1;
    struct report_channel rc = {ch, true, &chan, (uint64_t)(argc - 2), 0, 0, 0};
    struct report_run run = {0, 0, 0, 0, 0, &rc, 1};
    size_t len = 0;
    enum report_err re = report_render(REPORT_JSON, &run, 0, &totals, out, sizeof out, &len);
    if (re != REPORT_OK) {
        fprintf(stderr, "report: %s\n", report_strerror(re));
        return 1;
    }
    fwrite(out, 1, len, stdout);
    return 0;
}
