/* gwsim's command line: builds the dataset, then prints the ground truth
 * (--truth) or serves it (gw_serve). Every flag is listed in usage(). */
#include "gwsim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage_text[] =
    "usage: gwsim [options]            serve the message-history API\n"
    "       gwsim --truth [options]    print the summary gwhist must produce\n"
    "data:   --seed S (1) --records N (1000) --anchor EPOCH|RFC3339 (now, to the minute)\n"
    "        --span D (24h; s m h d suffix)\n"
    "truth:  --from T --to T [--channel SMS,RCS,WHATSAPP] [--status S] [--limit L (100)]\n"
    "server: --listen 127.0.0.1|::1 --port N (0) --port-file F --max-seconds N (600)\n"
    "        --idle-seconds N (30) --tls --tls-max 1.2|1.3 --cert PATH|NAME --key PATH\n"
    "        --certs-dir D (build/certs) --prefix P (/api/partner-gateway/v1)\n"
    "        --api-key K (demo-key) --basic USER:PASS --wrap --chunked -v\n"
    "faults: --fault-500 K --fault-429 K[:header|:body] --retry-after S (1) --fault-503 K\n"
    "        --fault-reset K --fault-short-cl K --fault-bad-chunk K --fault-stall K:SECS\n"
    "        --fault-drip MS --fault-ignore-page --fault-malformed N --fault-close\n"
    "        --fault-401 --fault-403 --fault-redirect (302, the key in Location)\n"
    "        --fault-channel LIST\n";

static void die(const char *what, const char *val)
{
    fprintf(stderr, "gwsim: %s: '%s'\n%s", what, val ? val : "", usage_text);
    exit(2);
}

static uint64_t num(const char *flag, const char *v, uint64_t min, uint64_t max)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || end == v || *end || v[0] == '-' || n < min || n > max)
        die(flag, v);
    return n;
}

static int64_t duration(const char *v)
{
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    int64_t mul = 1;
    if (*end == 'm')
        mul = 60;
    else if (*end == 'h')
        mul = 3600;
    else if (*end == 'd')
        mul = 86400;
    if (errno || end == v || n <= 0 || (*end && (end[1] || mul == 1)) || n > 3650LL * 86400)
        die("--span wants a positive duration like 24h, 90m, 3600", v);
    return n * mul;
}

static int64_t anchor_of(const char *v)
{
    int64_t ms;
    if (!gw_parse_time(v, strlen(v), &ms, false))
        return ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    return (int64_t)num("--anchor wants epoch seconds or RFC 3339", v, 0, 1ULL << 40);
}

static int64_t time_of(const char *flag, const char *v, bool ceil)
{
    int64_t ms;
    if (gw_parse_time(v, strlen(v), &ms, ceil))
        die(flag, v);
    return ms;
}

/* Channels in a comma-separated list, in order; returns the bit set. */
static unsigned chan_list(const char *v, int *out, int *n)
{
    unsigned set = 0;
    *n = 0;
    for (const char *p = v; *p;) {
        size_t l = strcspn(p, ",");
        int c = gw_channel_of(p, l);
        if (c < 0)
            die("unknown channel in list (SMS, RCS, WHATSAPP)", v);
        if (!(set & (1u << c)))
            out[(*n)++] = c;
        set |= 1u << c;
        p += l + (p[l] == ',');
    }
    if (!set)
        die("empty channel list", v);
    return set;
}

static void k_colon(const char *flag, const char *v, uint32_t *k, const char **rest)
{
    char kbuf[32];
    size_t l = strcspn(v, ":");
    if (l >= sizeof kbuf)
        die(flag, v);
    memcpy(kbuf, v, l);
    kbuf[l] = 0;
    *k = (uint32_t)num(flag, kbuf, 1, 1000000000);
    *rest = v[l] ? v + l + 1 : NULL;
}

int main(int argc, char **argv)
{
    struct gw_opts o = {.listen = "127.0.0.1", .certs_dir = "build/certs", .prefix = "/api/partner-gateway/v1",
                        .api_key = "demo-key", .max_seconds = 600, .idle_seconds = 30, .retry_after = 1,
                        .malformed = -1, .fault_chans = 7};
    struct gw_truth t = {.status = -1, .limit = 100, .nchans = 3, .chans = {GW_SMS, GW_RCS, GW_WA}};
    uint64_t seed = 1;
    uint32_t records = 1000;
    int64_t anchor = time(NULL) / 60 * 60, span = 86400;
    const char *from = NULL, *to = NULL;
    bool truth = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int used = 1; /* 1: the flag takes a value */
        if (!strcmp(a, "--truth")) truth = true, used = 0;
        else if (!strcmp(a, "--tls")) o.tls = true, used = 0;
        else if (!strcmp(a, "--wrap")) o.wrap = true, used = 0;
        else if (!strcmp(a, "--chunked")) o.chunked = true, used = 0;
        else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) o.verbose = true, used = 0;
        else if (!strcmp(a, "--fault-ignore-page")) o.ignore_page = true, used = 0;
        else if (!strcmp(a, "--fault-close")) o.fclose = true, used = 0;
        else if (!strcmp(a, "--fault-401")) o.f401 = true, used = 0;
        else if (!strcmp(a, "--fault-403")) o.f403 = true, used = 0;
        else if (!strcmp(a, "--fault-redirect")) o.fredirect = true, used = 0;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_text, stdout);
            return 0;
        } else if (!v) die("missing value or unknown flag", a);
        else if (!strcmp(a, "--seed")) seed = num(a, v, 0, UINT64_MAX);
        else if (!strcmp(a, "--records")) records = (uint32_t)num(a, v, 0, 50000000);
        else if (!strcmp(a, "--anchor")) anchor = anchor_of(v);
        else if (!strcmp(a, "--span")) span = duration(v);
        else if (!strcmp(a, "--from")) from = v;
        else if (!strcmp(a, "--to")) to = v;
        else if (!strcmp(a, "--channel")) chan_list(v, t.chans, &t.nchans);
        else if (!strcmp(a, "--status")) {
            t.status = gw_status_of(v, strlen(v));
            if (t.status < 0) die("--status wants DELIVERED|SENT|RECEIVED|ERROR|EXPIRED|UNKNOWN", v);
        } else if (!strcmp(a, "--limit")) t.limit = (uint32_t)num(a, v, 1, 1000);
        else if (!strcmp(a, "--listen")) {
            if (strcmp(v, "127.0.0.1") && strcmp(v, "::1")) die("--listen wants 127.0.0.1 or ::1", v);
            o.listen = v;
        } else if (!strcmp(a, "--port")) o.port = (int)num(a, v, 0, 65535);
        else if (!strcmp(a, "--port-file")) o.port_file = v;
        else if (!strcmp(a, "--max-seconds")) o.max_seconds = (int)num(a, v, 1, 86400);
        else if (!strcmp(a, "--idle-seconds")) o.idle_seconds = (int)num(a, v, 1, 3600);
        else if (!strcmp(a, "--tls-max")) {
            if (strcmp(v, "1.2") && strcmp(v, "1.3")) die("--tls-max wants 1.2 or 1.3", v);
            o.tls12_only = !strcmp(v, "1.2");
        } else if (!strcmp(a, "--cert")) o.cert = v;
        else if (!strcmp(a, "--key")) o.key = v;
        else if (!strcmp(a, "--certs-dir")) o.certs_dir = v;
        else if (!strcmp(a, "--prefix")) o.prefix = v;
        else if (!strcmp(a, "--api-key")) o.api_key = v;
        else if (!strcmp(a, "--basic")) {
            if (!strchr(v, ':')) die("--basic wants USER:PASS", v);
            o.basic = v;
        } else if (!strcmp(a, "--fault-500")) o.k500 = (uint32_t)num(a, v, 1, 1000000000);
        else if (!strcmp(a, "--fault-503")) o.k503 = (uint32_t)num(a, v, 1, 1000000000);
        else if (!strcmp(a, "--fault-reset")) o.kreset = (uint32_t)num(a, v, 1, 1000000000);
        else if (!strcmp(a, "--fault-short-cl")) o.kshort = (uint32_t)num(a, v, 1, 1000000000);
        else if (!strcmp(a, "--fault-bad-chunk")) o.kbadchunk = (uint32_t)num(a, v, 1, 1000000000);
        else if (!strcmp(a, "--fault-429")) {
            const char *rest;
            k_colon(a, v, &o.k429, &rest);
            if (rest && strcmp(rest, "header") && strcmp(rest, "body")) die(a, v);
            o.mode429 = !rest ? 0 : !strcmp(rest, "header") ? 1 : 2;
        } else if (!strcmp(a, "--retry-after")) o.retry_after = (int)num(a, v, 0, 3600);
        else if (!strcmp(a, "--fault-stall")) {
            const char *rest;
            k_colon(a, v, &o.kstall, &rest);
            if (!rest) die("--fault-stall wants K:SECS", v);
            o.stall_secs = (int)num(a, rest, 1, 3600);
        } else if (!strcmp(a, "--fault-drip")) o.drip_ms = (int)num(a, v, 1, 10000);
        else if (!strcmp(a, "--fault-malformed")) o.malformed = (long)num(a, v, 0, 100000000);
        else if (!strcmp(a, "--fault-channel")) {
            int dummy[GW_NCH], n;
            o.fault_chans = chan_list(v, dummy, &n);
        } else die("unknown flag", a);
        i += used;
    }

    struct gw_data d;
    if (gw_data_init(&d, seed, records, anchor, span)) {
        fputs("gwsim: out of memory\n", stderr);
        return 2;
    }
    int rc;
    if (truth) {
        if (!from || !to)
            die("--truth needs --from and --to", "");
        t.from_ms = time_of("--from wants an ISO-8601 time with an offset", from, true);
        t.to_ms = time_of("--to wants an ISO-8601 time with an offset", to, false);
        rc = gw_truth_print(&d, &t);
    } else {
        rc = gw_serve(&o, &d);
    }
    gw_data_free(&d);
    return rc;
}
