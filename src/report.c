/* report: see report.h. Every renderer appends to one writer that counts the
 * bytes it would need and stores only what fits, so running out of space is
 * detected once at the end, never by a silently cut line. */
#include "report.h"
#include "timefmt.h"

#include <string.h>

#define U64_DIGITS 20u /* digits of UINT64_MAX */
/* one formatted cell: the longest number is "-9223372036854.775808" (21) */
#define CELL_MAX 32u

#define MS_PER_DAY INT64_C(86400000)
/* 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z in ms since the epoch */
#define TIME_MIN INT64_C(-62167219200000)
#define TIME_END INT64_C(253402300800000)

static const char *const status_names[REC_STATUS_COUNT] = {
    "DELIVERED", "SENT", "RECEIVED", "ERROR", "EXPIRED", "UNKNOWN", "OTHER",
};
static const char *const status_keys[REC_STATUS_COUNT] = {
    "delivered", "sent", "received", "error", "expired", "unknown", "other",
};
static const char *const channel_names[REC_CH_COUNT] = {"SMS", "RCS", "WHATSAPP"};
static const char hex_digits[] = "0123456789ABCDEF";

/* ---- the writer ----------------------------------------------------------- */

struct out {
    char *buf;
    size_t cap; /* bytes of buf, one of them kept for the NUL */
    size_t len; /* bytes the output needs so far, stored or not */
    uint8_t xor; /* of the bytes since it was last reset (kv checksum) */
};

static void put_byte(struct out *o, char c)
{
    if (o->len + 1 < o->cap)
        o->buf[o->len] = c;
    o->len++;
    o->xor ^= (uint8_t)c;
}

static void put_mem(struct out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_byte(o, s[i]);
}

static void put(struct out *o, const char *s)
{
    put_mem(o, s, strlen(s));
}

/* v in decimal, at least width digits (zero-padded) */
static void put_padded(struct out *o, uint64_t v, unsigned width)
{
    char d[U64_DIGITS];
    unsigned n = 0;
    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width && n < U64_DIGITS)
        d[n++] = '0';
    while (n)
        put_byte(o, d[--n]);
}

static void put_u64(struct out *o, uint64_t v)
{
    put_padded(o, v, 1);
}

static uint64_t pow10u(unsigned n)
{
    uint64_t p = 1;
    while (n--)
        p *= 10;
    return p;
}

/* v / 10^scale, exactly, without trailing zeros */
static void put_decimal(struct out *o, int64_t v, unsigned scale)
{
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    uint64_t p = pow10u(scale);
    uint64_t frac = mag % p;
    if (v < 0)
        put_byte(o, '-');
    put_u64(o, mag / p);
    if (frac == 0)
        return;
    while (frac % 10 == 0) {
        frac /= 10;
        scale--;
    }
    put_byte(o, '.');
    put_padded(o, frac, scale);
}

/* rate in 1/10000 as "0.8125" */
static void put_rate(struct out *o, uint32_t bp)
{
    put_u64(o, bp / 10000);
    put_byte(o, '.');
    put_padded(o, bp % 10000, 4);
}

static bool finish(struct out *o)
{
    if (o->len + 1 > o->cap) {
        if (o->cap)
            o->buf[0] = '\0';
        return false;
    }
    o->buf[o->len] = '\0';
    return true;
}

static struct out out_on(char *buf, size_t cap)
{
    struct out o = {buf, cap, 0, 0};
    return o;
}

/* ---- time ------------------------------------------------------------------- */

static bool time_ok(int64_t ms)
{
    return ms >= TIME_MIN && ms < TIME_END;
}

/* RFC 3339 UTC through timefmt, the one calendar implementation */
static void put_time(struct out *o, int64_t ms)
{
    char t[40];
    size_t n = tf_format_utc(ms, t, sizeof t);
    put_mem(o, t, n);
}

/* ---- strings ---------------------------------------------------------------- */

/* length of the valid UTF-8 sequence at s (1..4), 0 if it is not one */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c < 0xC2 || c > 0xF4)
        return 0;
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (c == 0xE0 || c == 0xF0)
        lo = c == 0xE0 ? 0xA0 : 0x90; /* no overlong forms */
    if (c == 0xED || c == 0xF4)
        hi = c == 0xED ? 0x9F : 0x8F; /* no surrogates, nothing above U+10FFFF */
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

static void put_u00(struct out *o, unsigned char c)
{
    put(o, "\\u00");
    put_byte(o, hex_digits[c >> 4]);
    put_byte(o, hex_digits[c & 15]);
}

/* one ASCII byte, escaped if how needs it */
static void put_escaped_ascii(struct out *o, unsigned char c, enum report_esc how)
{
    if (c == '"' || c == '\\') {
        put_byte(o, '\\');
        put_byte(o, (char)c);
    } else if (how == REPORT_ESC_PROM && c == '\n') {
        put(o, "\\n");
    } else if (how != REPORT_ESC_PROM && (c < 0x20 || (how == REPORT_ESC_KV && c == '*'))) {
        put_u00(o, c); /* no '*' inside a kv line but the checksum's */
    } else {
        put_byte(o, (char)c);
    }
}

/* s escaped for how, valid UTF-8 passed through, invalid bytes as U+FFFD */
static void put_escaped(struct out *o, const char *s, enum report_esc how)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = utf8_seq(p);
        if (n == 0) {
            put(o, how == REPORT_ESC_PROM ? "\xEF\xBF\xBD" : "\\ufffd");
            p++;
        } else if (n == 1) {
            put_escaped_ascii(o, *p++, how);
        } else {
            put_mem(o, (const char *)p, n);
            p += n;
        }
    }
}

static void put_json_str(struct out *o, const char *s)
{
    put_byte(o, '"');
    put_escaped(o, s, REPORT_ESC_JSON);
    put_byte(o, '"');
}

/* a logfmt value: bare when it has no byte that needs quoting */
static void put_kv_value(struct out *o, const char *s)
{
    bool bare = *s != '\0';
    for (const unsigned char *p = (const unsigned char *)s; *p && bare; p++)
        bare = *p > ' ' && *p < 0x7F && *p != '=' && *p != '"' && *p != '\\' && *p != '*';
    if (bare) {
        put(o, s);
        return;
    }
    put_byte(o, '"');
    put_escaped(o, s, REPORT_ESC_KV);
    put_byte(o, '"');
}

/* ---- what every renderer shows ---------------------------------------------- */

struct view {
    const char *name; /* NULL for the totals */
    bool complete;
    const struct sum *s;
    uint64_t pages, requests, retries, bytes;
};

static struct view channel_view(const struct report_channel *c)
{
    struct view v = {channel_names[c->channel], c->complete, c->sum,
                     c->pages,                  c->requests, c->retries, c->bytes};
    return v;
}

static bool run_complete(const struct report_run *run)
{
    for (size_t i = 0; i < run->nch; i++)
        if (!run->ch[i].complete)
            return false;
    return true;
}

static struct view totals_view(const struct report_run *run, const struct sum *totals)
{
    struct view v = {NULL, run_complete(run), totals, 0, 0, 0, 0};
    for (size_t i = 0; i < run->nch; i++) {
        v.pages += run->ch[i].pages;
        v.requests += run->ch[i].requests;
        v.retries += run->ch[i].retries;
        v.bytes += run->ch[i].bytes;
    }
    return v;
}

static uint64_t lat_max(const struct sum *s)
{
    return s->lat_count ? s->lat_max : 0;
}

static const uint32_t quantiles_bp[3] = {5000, 9000, 9900};

/* ---- json --------------------------------------------------------------------- */

static void json_u64(struct out *o, const char *key, uint64_t v)
{
    put(o, key);
    put_u64(o, v);
}

static void json_statuses(struct out *o, const struct sum *s)
{
    put(o, ",\"by_status\":{");
    for (size_t i = 0; i < REC_STATUS_COUNT; i++) {
        if (i)
            put_byte(o, ',');
        put_json_str(o, status_names[i]);
        put_byte(o, ':');
        put_u64(o, s->status[i]);
    }
    put_byte(o, '}');
}

static void json_latency(struct out *o, const struct sum *s)
{
    uint32_t rate = 0;
    put(o, ",\"delivery_rate\":");
    if (sum_rate(s, &rate))
        put_rate(o, rate);
    else
        put(o, "null");
    json_u64(o, ",\"latency_ms\":{\"count\":", s->lat_count);
    json_u64(o, ",\"p50\":", sum_quantile(s, quantiles_bp[0]));
    json_u64(o, ",\"p90\":", sum_quantile(s, quantiles_bp[1]));
    json_u64(o, ",\"p99\":", sum_quantile(s, quantiles_bp[2]));
    json_u64(o, ",\"max\":", lat_max(s));
    json_u64(o, "},\"negative_latency\":", s->lat_negative);
}

static void json_top(struct out *o, const struct sum *s)
{
    const struct sum_reason *top[LIM_TOP_REASONS];
    bool approx = false;
    size_t n = sum_top(s, top, LIM_TOP_REASONS, &approx);
    put(o, ",\"top_errors\":[");
    for (size_t i = 0; i < n; i++) {
        put(o, i ? ",{\"reason\":" : "{\"reason\":");
        put_json_str(o, top[i]->key);
        json_u64(o, ",\"count\":", top[i]->count);
        put_byte(o, '}');
    }
    put_byte(o, ']');
    if (approx)
        put(o, ",\"top_errors_approx\":true");
}

static void json_view(struct out *o, const struct view *v)
{
    put_byte(o, '{');
    if (v->name) {
        put(o, "\"channel\":");
        put_json_str(o, v->name);
        put_byte(o, ',');
    }
    put(o, v->complete ? "\"complete\":true" : "\"complete\":false");
    json_u64(o, ",\"total\":", sum_total(v->s));
    json_statuses(o, v->s);
    json_latency(o, v->s);
    put(o, ",\"cost\":");
    put_decimal(o, v->s->cost_micros, 6);
    json_u64(o, ",\"parts\":", v->s->parts);
    json_top(o, v->s);
    json_u64(o, ",\"pages\":", v->pages);
    json_u64(o, ",\"requests\":", v->requests);
    json_u64(o, ",\"retries\":", v->retries);
    json_u64(o, ",\"bytes\":", v->bytes);
    put_byte(o, '}');
}

static void render_json(struct out *o, const struct report_run *run, const struct view *tot)
{
    put(o, "{\"from\":\"");
    put_time(o, run->from_ms);
    put(o, "\",\"to\":\"");
    put_time(o, run->to_ms);
    put(o, tot->complete ? "\",\"complete\":true" : "\",\"complete\":false");
    put(o, ",\"channels\":[");
    for (size_t i = 0; i < run->nch; i++) {
        struct view v = channel_view(&run->ch[i]);
        if (i)
            put_byte(o, ',');
        json_view(o, &v);
    }
    put(o, "],\"totals\":");
    json_view(o, tot);
    put(o, ",\"elapsed_ms\":");
    put_decimal(o, run->elapsed_ms, 0);
    put(o, "}\n");
}

/* ---- text --------------------------------------------------------------------- */

/* human latency: "850 ms", "3.2 s", "4.5 min", "2.1 h", "3.0 d" (rounded half up) */
static void put_human_ms(struct out *o, uint64_t ms)
{
    static const struct {
        uint64_t below, unit;
        const char *name;
    } units[] = {{60000, 1000, " s"}, {3600000, 60000, " min"}, {MS_PER_DAY, 3600000, " h"}};
    if (ms < 1000) {
        put_u64(o, ms);
        put(o, " ms");
        return;
    }
    size_t i = 0;
    while (i < 3 && ms >= units[i].below)
        i++;
    uint64_t unit = i < 3 ? units[i].unit : (uint64_t)MS_PER_DAY;
    uint64_t tenths = ms / unit * 10 + (ms % unit * 10 + unit / 2) / unit;
    put_u64(o, tenths / 10);
    put_byte(o, '.');
    put_u64(o, tenths % 10);
    put(o, i < 3 ? units[i].name : " d");
}

/* a cell of the table: what fill() writes, padded to width */
static void put_cell(struct out *o, const char *text, size_t width, bool right)
{
    size_t n = strlen(text);
    for (size_t i = n; right && i < width; i++)
        put_byte(o, ' ');
    put(o, text);
    for (size_t i = n; !right && i < width; i++)
        put_byte(o, ' ');
}

static void cell_u64(struct out *o, uint64_t v, size_t width)
{
    char b[CELL_MAX];
    struct out c = out_on(b, sizeof b);
    put_u64(&c, v);
    finish(&c);
    put_byte(o, ' ');
    put_cell(o, b, width, true);
}

static void cell_latency(struct out *o, const struct sum *s, uint64_t ms, size_t width)
{
    char b[CELL_MAX];
    struct out c = out_on(b, sizeof b);
    if (s->lat_count)
        put_human_ms(&c, ms);
    else
        put(&c, "-");
    finish(&c);
    put_byte(o, ' ');
    put_cell(o, b, width, true);
}

static void cell_rate(struct out *o, const struct sum *s, size_t width)
{
    char b[CELL_MAX];
    struct out c = out_on(b, sizeof b);
    uint32_t bp = 0;
    if (sum_rate(s, &bp)) {
        put_u64(&c, bp / 100);
        put_byte(&c, '.');
        put_padded(&c, bp % 100, 2);
        put_byte(&c, '%');
    } else {
        put(&c, "-");
    }
    finish(&c);
    put_byte(o, ' ');
    put_cell(o, b, width, true);
}

static void cell_cost(struct out *o, const struct sum *s, size_t width)
{
    char b[CELL_MAX];
    struct out c = out_on(b, sizeof b);
    put_decimal(&c, s->cost_micros, 6);
    if (s->flags & SUM_F_COST_SATURATED)
        put_byte(&c, '!');
    finish(&c);
    put_byte(o, ' ');
    put_cell(o, b, width, true);
}

static const char text_head[] =
    "channel  state           total  delivered     rate       p50       p90       p99       max"
    "            cost      parts\n";

static void text_row(struct out *o, const struct view *v)
{
    const struct sum *s = v->s;
    put_cell(o, v->name ? v->name : "TOTAL", 8, false);
    put_byte(o, ' ');
    put_cell(o, v->complete ? "ok" : "INCOMPLETE", 10, false);
    cell_u64(o, sum_total(s), 10);
    cell_u64(o, s->status[REC_DELIVERED], 10);
    cell_rate(o, s, 8);
    for (size_t i = 0; i < 3; i++)
        cell_latency(o, s, sum_quantile(s, quantiles_bp[i]), 9);
    cell_latency(o, s, lat_max(s), 9);
    cell_cost(o, s, 15);
    cell_u64(o, s->parts, 10);
    put_byte(o, '\n');
}

static size_t text_errors(struct out *o, const struct view *v)
{
    const struct sum_reason *top[LIM_TOP_REASONS];
    bool approx = false;
    size_t n = sum_top(v->s, top, LIM_TOP_REASONS, &approx);
    for (size_t i = 0; i < n; i++) {
        put(o, "  ");
        put_cell(o, v->name, 8, false);
        cell_u64(o, top[i]->count, 10);
        put(o, approx ? "~ " : "  ");
        put_json_str(o, top[i]->key);
        put_byte(o, '\n');
    }
    return n;
}

static void text_notes(struct out *o, const struct view *v)
{
    if (v->s->lat_negative) {
        put(o, "note: ");
        put(o, v->name ? v->name : "TOTAL");
        put(o, ": ");
        put_u64(o, v->s->lat_negative);
        put(o, " delivered before sent (clock skew), not in latency\n");
    }
    if (v->s->flags & (SUM_F_COST_SATURATED | SUM_F_COUNT_SATURATED | SUM_F_LAT_BEYOND)) {
        put(o, "note: ");
        put(o, v->name ? v->name : "TOTAL");
        put(o, ": a sum overflowed (cost marked !) or a latency exceeded 49 days\n");
    }
}

static void render_text(struct out *o, const struct report_run *run, const struct view *tot)
{
    put(o, "gwhist  ");
    put_time(o, run->from_ms);
    put(o, " .. ");
    put_time(o, run->to_ms);
    put(o, tot->complete ? "  complete" : "  INCOMPLETE: counts are partial");
    put(o, "  (report ");
    put_time(o, run->now_ms);
    put(o, ")\n");
    put(o, text_head);
    for (size_t i = 0; i < run->nch; i++) {
        struct view v = channel_view(&run->ch[i]);
        text_row(o, &v);
    }
    text_row(o, tot);
    put(o, "top errors (count, reason; ~ approximate):\n");
    size_t shown = 0;
    for (size_t i = 0; i < run->nch; i++) {
        struct view v = channel_view(&run->ch[i]);
        shown += text_errors(o, &v);
    }
    if (!shown)
        put(o, "  none\n");
    for (size_t i = 0; i < run->nch; i++) {
        struct view v = channel_view(&run->ch[i]);
        text_notes(o, &v);
    }
}

/* ---- kv (logfmt) ------------------------------------------------------------- */

static void kv_u64(struct out *o, const char *key, uint64_t v)
{
    put_byte(o, ' ');
    put(o, key);
    put_byte(o, '=');
    put_u64(o, v);
}

static void kv_latency(struct out *o, const struct sum *s)
{
    uint32_t bp = 0;
    put(o, " rate=");
    if (sum_rate(s, &bp))
        put_rate(o, bp);
    kv_u64(o, "p50_ms", sum_quantile(s, quantiles_bp[0]));
    kv_u64(o, "p90_ms", sum_quantile(s, quantiles_bp[1]));
    kv_u64(o, "p99_ms", sum_quantile(s, quantiles_bp[2]));
    kv_u64(o, "max_ms", lat_max(s));
    kv_u64(o, "latency_count", s->lat_count);
    kv_u64(o, "negative_latency", s->lat_negative);
}

static void kv_top(struct out *o, const struct sum *s)
{
    const struct sum_reason *top[1];
    bool approx = false;
    if (sum_top(s, top, 1, &approx) == 0)
        return;
    put(o, " top_error=");
    put_kv_value(o, top[0]->key);
    kv_u64(o, "top_error_count", top[0]->count);
    if (approx)
        put(o, " top_errors_approx=1");
}

static void kv_line(struct out *o, const struct view *v, const struct report_run *run, bool sum)
{
    o->xor = 0;
    put(o, "gwhist channel=");
    put(o, v->name ? v->name : "ALL");
    if (!v->name) {
        put(o, " from=");
        put_time(o, run->from_ms);
        put(o, " to=");
        put_time(o, run->to_ms);
    }
    kv_u64(o, "complete", v->complete);
    kv_u64(o, "total", sum_total(v->s));
    for (size_t i = 0; i < REC_STATUS_COUNT; i++)
        kv_u64(o, status_keys[i], v->s->status[i]);
    kv_latency(o, v->s);
    put(o, " cost=");
    put_decimal(o, v->s->cost_micros, 6);
    kv_u64(o, "parts", v->s->parts);
    kv_u64(o, "pages", v->pages);
    kv_u64(o, "requests", v->requests);
    kv_u64(o, "retries", v->retries);
    kv_u64(o, "bytes", v->bytes);
    kv_top(o, v->s);
    if (!v->name) {
        put(o, " elapsed_ms=");
        put_decimal(o, run->elapsed_ms, 0);
    }
    if (sum) {
        uint8_t x = o->xor;
        put_byte(o, '*');
        put_byte(o, hex_digits[x >> 4]);
        put_byte(o, hex_digits[x & 15]);
    }
    put_byte(o, '\n');
}

static void render_kv(struct out *o, const struct report_run *run, const struct view *tot,
                      uint32_t opts)
{
    bool sum = (opts & REPORT_O_KV_CHECKSUM) != 0;
    for (size_t i = 0; i < run->nch; i++) {
        struct view v = channel_view(&run->ch[i]);
        kv_line(o, &v, run, sum);
    }
    kv_line(o, tot, run, sum);
}

/* ---- prom ---------------------------------------------------------------------- */

static void prom_sample(struct out *o, const char *name, const struct view *v, const char *k,
                        const char *val)
{
    put(o, name);
    put(o, "{channel=\"");
    put_escaped(o, v->name, REPORT_ESC_PROM);
    if (k) {
        put(o, "\",");
        put(o, k);
        put(o, "=\"");
        put_escaped(o, val, REPORT_ESC_PROM);
    }
    put(o, "\"} ");
}

static void prom_u64(struct out *o, const char *name, const struct view *v, uint64_t n)
{
    prom_sample(o, name, v, NULL, NULL);
    put_u64(o, n);
    put_byte(o, '\n');
}

static void prom_messages(struct out *o, const struct view *v)
{
    for (size_t i = 0; i < REC_STATUS_COUNT; i++) {
        prom_sample(o, "gwhist_messages", v, "status", status_names[i]);
        put_u64(o, v->s->status[i]);
        put_byte(o, '\n');
    }
}

static void prom_total(struct out *o, const struct view *v)
{
    prom_u64(o, "gwhist_messages_total", v, sum_total(v->s));
}

static void prom_rate(struct out *o, const struct view *v)
{
    uint32_t bp = 0;
    prom_sample(o, "gwhist_delivery_rate", v, NULL, NULL);
    if (sum_rate(v->s, &bp))
        put_rate(o, bp);
    else
        put(o, "NaN");
    put_byte(o, '\n');
}

static void prom_latency(struct out *o, const struct view *v)
{
    static const char *const q[3] = {"0.5", "0.9", "0.99"};
    for (size_t i = 0; i < 3; i++) {
        prom_sample(o, "gwhist_delivery_latency_ms", v, "quantile", q[i]);
        if (v->s->lat_count)
            put_u64(o, sum_quantile(v->s, quantiles_bp[i]));
        else
            put(o, "NaN");
        put_byte(o, '\n');
    }
    prom_u64(o, "gwhist_delivery_latency_ms_sum", v, v->s->lat_sum);
    prom_u64(o, "gwhist_delivery_latency_ms_count", v, v->s->lat_count);
}

static void prom_max(struct out *o, const struct view *v)
{
    prom_u64(o, "gwhist_delivery_latency_max_ms", v, lat_max(v->s));
}

static void prom_negative(struct out *o, const struct view *v)
{
    prom_u64(o, "gwhist_delivery_latency_negative", v, v->s->lat_negative);
}

static void prom_cost(struct out *o, const struct view *v)
{
    prom_sample(o, "gwhist_cost", v, NULL, NULL);
    put_decimal(o, v->s->cost_micros, 6);
    put_byte(o, '\n');
}

static void prom_parts(struct out *o, const struct view *v)
{
    prom_u64(o, "gwhist_parts", v, v->s->parts);
}

static void prom_complete(struct out *o, const struct view *v)
{
    prom_u64(o, "gwhist_channel_complete", v, v->complete);
}

static const struct family {
    const char *name, *type, *help;
    void (*samples)(struct out *, const struct view *);
} families[] = {
    {"gwhist_channel_complete", "gauge", "1 when every page of the channel was committed.",
     prom_complete},
    {"gwhist_messages", "gauge", "Messages sent in the window, by delivery status.",
     prom_messages},
    {"gwhist_messages_total", "gauge", "Messages sent in the window.", prom_total},
    {"gwhist_delivery_rate", "gauge", "DELIVERED over all messages (NaN when there are none).",
     prom_rate},
    {"gwhist_delivery_latency_ms", "summary",
     "Delivery latency (deliveryDate - sendDate) in ms; nearest-rank quantiles within 1%.",
     prom_latency},
    {"gwhist_delivery_latency_max_ms", "gauge", "Largest delivery latency in ms.", prom_max},
    {"gwhist_delivery_latency_negative", "gauge",
     "Delivered messages whose deliveryDate is before sendDate.", prom_negative},
    {"gwhist_cost", "gauge", "Sum of message cost in the gateway's currency.", prom_cost},
    {"gwhist_parts", "gauge", "Sum of message parts.", prom_parts},
};

static void prom_head(struct out *o, const char *name, const char *type, const char *help)
{
    put(o, "# HELP ");
    put(o, name);
    put_byte(o, ' ');
    put(o, help);
    put(o, "\n# TYPE ");
    put(o, name);
    put_byte(o, ' ');
    put(o, type);
    put_byte(o, '\n');
}

static void render_prom(struct out *o, const struct report_run *run, const struct view *tot)
{
    prom_head(o, "gwhist_up", "gauge", "1 when the last run completed every channel, else 0.");
    put(o, tot->complete ? "gwhist_up 1\n" : "gwhist_up 0\n");
    prom_head(o, "gwhist_last_success_timestamp_seconds", "gauge",
              "Unix time of the end of the last complete run (0: none yet).");
    put(o, "gwhist_last_success_timestamp_seconds ");
    put_decimal(o, run->last_success_ms > 0 ? run->last_success_ms : 0, 3);
    put_byte(o, '\n');
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
        prom_head(o, families[f].name, families[f].type, families[f].help);
        for (size_t i = 0; i < run->nch; i++) {
            struct view v = channel_view(&run->ch[i]);
            families[f].samples(o, &v);
        }
    }
}

/* ---- public ------------------------------------------------------------------- */

static enum report_err check_run(const struct report_run *run, const struct sum *totals)
{
    if (run->nch && !run->ch)
        return REPORT_EARG;
    for (size_t i = 0; i < run->nch; i++) {
        if (!run->ch[i].sum || run->ch[i].sum == totals)
            return REPORT_EARG;
        if ((unsigned)run->ch[i].channel >= REC_CH_COUNT)
            return REPORT_ECHANNEL;
    }
    if (!time_ok(run->from_ms) || !time_ok(run->to_ms) || !time_ok(run->now_ms))
        return REPORT_ETIME;
    return REPORT_OK;
}

static void render(struct out *o, enum report_format fmt, const struct report_run *run,
                   const struct view *tot, uint32_t opts)
{
    switch (fmt) {
    case REPORT_TEXT:
        render_text(o, run, tot);
        break;
    case REPORT_JSON:
        render_json(o, run, tot);
        break;
    case REPORT_KV:
        render_kv(o, run, tot, opts);
        break;
    case REPORT_PROM:
        render_prom(o, run, tot);
        break;
    }
}

enum report_err report_render(enum report_format fmt, const struct report_run *run, uint32_t opts,
                              struct sum *totals, char *buf, size_t cap, size_t *len)
{
    if (!run || !totals || !buf || !len)
        return REPORT_EARG;
    if ((unsigned)fmt > REPORT_PROM)
        return REPORT_EFORMAT;
    enum report_err e = check_run(run, totals);
    if (e != REPORT_OK)
        return e;
    sum_init(totals);
    for (size_t i = 0; i < run->nch; i++)
        sum_merge(totals, run->ch[i].sum);
    struct view tot = totals_view(run, totals);
    struct out o = out_on(buf, cap);
    render(&o, fmt, run, &tot, opts);
    *len = o.len;
    return finish(&o) ? REPORT_OK : REPORT_ENOSPACE;
}

size_t report_fmt_decimal(int64_t v, unsigned scale, char *buf, size_t cap)
{
    if (scale > 18 || !buf)
        return 0;
    struct out o = out_on(buf, cap);
    put_decimal(&o, v, scale);
    return finish(&o) ? o.len : 0;
}

size_t report_fmt_time(int64_t ms, char *buf, size_t cap)
{
    if (!time_ok(ms) || !buf)
        return 0;
    struct out o = out_on(buf, cap);
    put_time(&o, ms);
    return finish(&o) ? o.len : 0;
}

size_t report_escape(enum report_esc how, const char *s, char *buf, size_t cap)
{
    if (!s || !buf || (unsigned)how > REPORT_ESC_PROM)
        return 0;
    struct out o = out_on(buf, cap);
    put_escaped(&o, s, how);
    return finish(&o) ? o.len : 0;
}

uint8_t report_xor(const char *s, size_t n)
{
    uint8_t x = 0;
    for (size_t i = 0; i < n; i++)
        x ^= (uint8_t)s[i];
    return x;
}

const char *report_format_name(enum report_format f)
{
    static const char *const names[] = {"text", "json", "kv", "prom"};
    return (unsigned)f <= REPORT_PROM ? names[f] : "?";
}

const char *report_strerror(enum report_err e)
{
    switch (e) {
    case REPORT_OK:
        return "ok";
    case REPORT_ENOSPACE:
        return "report: output buffer too small";
    case REPORT_EARG:
        return "report: missing run, buffer, totals scratch or channel summary";
    case REPORT_EFORMAT:
        return "report: unknown format";
    case REPORT_ECHANNEL:
        return "report: channel is not SMS, RCS or WHATSAPP";
    case REPORT_ETIME:
        return "report: time outside the years 0000..9999";
    }
    return "report: unknown error";
}
