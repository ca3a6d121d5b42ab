/* The dataset: every record is derived from (seed, index) on demand; only the
 * compact per-channel index (send time, index, status) is kept in memory.
 * Also the buffer helpers and the time parser/formatter of the simulator. */
#include "gwsim.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const gw_ch_name[GW_NCH] = {"SMS", "RCS", "WHATSAPP"};
const char *const gw_st_name[ST_N] = {"DELIVERED", "SENT", "RECEIVED", "ERROR", "EXPIRED", "UNKNOWN", "OTHER"};

/* ---- buffers ------------------------------------------------------------- */
static void buf_grow(struct gw_buf *b, size_t more)
{
    if (b->len + more + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        fputs("gwsim: out of memory\n", stderr);
        exit(2);
    }
    b->p = p;
    b->cap = cap;
}

void buf_add(struct gw_buf *b, const void *s, size_t n)
{
    buf_grow(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void buf_str(struct gw_buf *b, const char *s) { buf_add(b, s, strlen(s)); }

void buf_fmt(struct gw_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    buf_grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_free(struct gw_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* Decodes one UTF-8 sequence at s (valid input assumed); returns its length. */
static size_t utf8_dec(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0xE0) {
        *cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (s[0] < 0xF0) {
        *cp = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    *cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
          ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    return 4;
}

void buf_json_str(struct gw_buf *b, const char *s, bool uesc)
{
    const unsigned char *u = (const unsigned char *)s;
    buf_add(b, "\"", 1);
    while (*u) {
        if (*u == '"' || *u == '\\') {
            char e[2] = {'\\', (char)*u};
            buf_add(b, e, 2);
            u++;
        } else if (*u == '\n') {
            buf_add(b, "\\n", 2);
            u++;
        } else if (*u < 0x20) {
            buf_fmt(b, "\\u%04x", *u);
            u++;
        } else if (*u >= 0x80 && uesc) {
            uint32_t cp;
            u += utf8_dec(u, &cp);
            if (cp > 0xFFFF) {
                cp -= 0x10000;
                buf_fmt(b, "\\u%04X\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
            } else {
                buf_fmt(b, "\\u%04x", cp);
            }
        } else {
            buf_add(b, u, 1);
            u++;
        }
    }
    buf_add(b, "\"", 1);
}

/* ---- random numbers ------------------------------------------------------ */
uint64_t gw_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint32_t pick(uint64_t *s, uint32_t n) { return (uint32_t)(gw_next(s) % n); }

/* ---- time -------------------------------------------------------------- */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

static int digits(const char *s, size_t n, int64_t *v)
{
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        *v = *v * 10 + (s[i] - '0');
    }
    return 0;
}

static int dim(int64_t y, int64_t m)
{
    static const int t[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return t[m - 1];
}

static int parse_offset(const char *s, size_t n, int64_t *min)
{
    int64_t h, m;
    if (n == 1 && s[0] == 'Z') {
        *min = 0;
        return 0;
    }
    if (s[0] != '+' && s[0] != '-')
        return -1;
    if (n == 6 && s[3] == ':') {
        if (digits(s + 1, 2, &h) || digits(s + 4, 2, &m))
            return -1;
    } else if (n == 5) {
        if (digits(s + 1, 2, &h) || digits(s + 3, 2, &m))
            return -1;
    } else {
        return -1;
    }
    if (h > 18 || m > 59)
        return -1;
    *min = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
    return 0;
}

int gw_parse_time(const char *s, size_t n, int64_t *ms, bool ceil)
{
    int64_t y, mo, d, h, mi, se, frac = 0, off;
    if (n < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return -1;
    if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) || digits(s + 11, 2, &h) ||
        digits(s + 14, 2, &mi) || digits(s + 17, 2, &se))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > dim(y, mo) || h > 23 || mi > 59 || se > 59)
        return -1;
    size_t i = 19;
    bool finer = false;
    if (s[i] == '.') {
        size_t k = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == k || i - k > 9)
            return -1;
        for (size_t j = k; j < k + 3; j++)
            frac = frac * 10 + (j < i ? s[j] - '0' : 0);
        for (size_t j = k + 3; j < i; j++)
            finer |= s[j] != '0';
    }
    if (i >= n || parse_offset(s + i, n - i, &off))
        return -1;
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off * 60;
    *ms = secs * 1000 + frac + (finer && ceil);
    return 0;
}

static void fmt_local(char *out, size_t cap, int64_t ms, int64_t off_min)
{
    int64_t t = ms + off_min * 60000;
    int64_t days = floor_div(t, 86400000);
    int64_t rem = t - days * 86400000;
    int64_t y, m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, cap, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld", (long long)y, (long long)m, (long long)d,
             (long long)(rem / 3600000), (long long)(rem / 60000 % 60), (long long)(rem / 1000 % 60));
}

void gw_fmt_utc(char out[GW_TIME_MAX], int64_t ms)
{
    fmt_local(out, GW_TIME_MAX, ms, 0);
    int64_t f = ms - floor_div(ms, 1000) * 1000;
    size_t l = strlen(out);
    if (f)
        snprintf(out + l, GW_TIME_MAX - l, ".%03lldZ", (long long)f);
    else
        snprintf(out + l, GW_TIME_MAX - l, "Z");
}

/* Offsets a record's dates are written with. */
static const struct {
    const char *s;
    int min;
} offs[] = {{"Z", 0},        {"+02:00", 120}, {"-05:00", -300}, {"+05:30", 330}, {"+01:00", 60},
            {"+00:00", 0},   {"-03:00", -180}, {"+09:00", 540}, {"+05:45", 345}, {"-09:30", -570}};
#define NOFFS (sizeof offs / sizeof offs[0])

/* frac: 0 none, 1 .mmm, 2 .mmmuuu (extra digits < 500), 3 .d (ms multiple of 100) */
static void buf_time(struct gw_buf *b, int64_t ms, int off, int frac, uint32_t extra)
{
    char t[GW_TIME_MAX];
    fmt_local(t, sizeof t, ms, offs[off].min);
    int64_t f = ms - floor_div(ms, 1000) * 1000;
    buf_fmt(b, "\"%s", t);
    if (frac == 1)
        buf_fmt(b, ".%03lld", (long long)f);
    else if (frac == 2)
        buf_fmt(b, ".%03lld%03u", (long long)f, extra % 500);
    else if (frac == 3)
        buf_fmt(b, ".%lld", (long long)(f / 100));
    buf_fmt(b, "%s\"", offs[off].s);
}

int gw_status_of(const char *s, size_t n)
{
    for (int i = 0; i < ST_OTHER; i++)
        if (strlen(gw_st_name[i]) == n && memcmp(s, gw_st_name[i], n) == 0)
            return i;
    return -1;
}

int gw_channel_of(const char *s, size_t n)
{
    for (int i = 0; i < GW_NCH; i++)
        if (strlen(gw_ch_name[i]) == n && memcmp(s, gw_ch_name[i], n) == 0)
            return i;
    return -1;
}

/* ---- records --------------------------------------------------------------- */
/* The first draws of a record: channel, send time, status. Cheap, so the
 * index can be built for 300,000 records quickly. */
struct head {
    uint64_t s;
    int ch, st, frac;
    int64_t send_ms;
    uint32_t other;
};

static const char *const others[] = {"REJECTED", "REJECTED", "PENDING", "FAILED"};

static void rec_head(const struct gw_data *d, uint32_t idx, struct head *h)
{
    h->s = d->seed ^ ((uint64_t)idx + 1) * 0xD1B54A32D192ED03u;
    gw_next(&h->s);
    uint32_t c = pick(&h->s, 100);
    h->ch = c < 50 ? GW_SMS : c < 70 ? GW_RCS : GW_WA;
    int64_t span_ms = d->span_s * 1000;
    int64_t ms = d->anchor_s * 1000 - (int64_t)(gw_next(&h->s) % (uint64_t)(span_ms + 1));
    uint32_t f = pick(&h->s, 10);
    h->frac = f < 4 ? 0 : f < 7 ? 1 : f < 9 ? 2 : 3;
    if (h->frac == 0)
        ms = floor_div(ms, 1000) * 1000;
    else if (h->frac == 3)
        ms = floor_div(ms, 100) * 100;
    h->send_ms = ms;
    uint32_t st = pick(&h->s, 10000);
    h->st = st < 8000 ? ST_DELIVERED : st < 8500 ? ST_SENT : st < 8900 ? ST_RECEIVED : st < 9400 ? ST_ERROR
          : st < 9750 ? ST_EXPIRED : st < 9900 ? ST_UNKNOWN : ST_OTHER;
    h->other = pick(&h->s, 4);
}

static const char *const err_desc[] = {
    "Absent subscriber",
    "Absent subscriber",
    "Absent subscriber",
    "Unknown subscriber",
    "Unknown subscriber",
    "Operator rejected: spam filter",
    "Handset memory full",
    "Network timeout",
    "Call barred by operator",
    "Invalid destination number",
    "Num\xc3\xa9ro inconnu (op\xc3\xa9rateur)",
    "Rejected: \"STOP\" received from recipient",
    "Routing failure at node gw-2\\eu",
    "Recipient is not a WhatsApp user",
    "RCS capability check failed \xe2\x9c\x97",
};
static const char *const exp_desc[] = {
    "Message expired (TTL 24h)", "Message expired (TTL 24h)", "Validity period expired",
    "Expired: handset unreachable"};

static const int64_t unit_cost[GW_NCH][3] = {{35000, 72500, 41000}, {12000, 20000, 35000}, {125, 8000, 0}};

void gw_rec_get(const struct gw_data *d, uint32_t idx, struct gw_rec *r)
{
    struct head h;
    rec_head(d, idx, &h);
    uint64_t *s = &h.s;
    memset(r, 0, sizeof *r);
    r->idx = idx;
    r->ch = h.ch;
    r->st = h.st;
    r->st_str = h.st == ST_OTHER ? others[h.other] : gw_st_name[h.st];
    r->send_ms = h.send_ms;
    r->send_frac = h.frac;
    r->send_off = (int)pick(s, NOFFS);
    r->deliv_off = pick(s, 3) ? r->send_off : (int)pick(s, NOFFS);
    r->deliv_frac = (int)pick(s, 4);
    r->deliv_key = (int)pick(s, 2);
    uint32_t lat = pick(s, 1000);
    int64_t lms;
    if (lat < 5)
        lms = -1000 - (int64_t)pick(s, 120000);
    else if (lat < 600)
        lms = 300 + (int64_t)pick(s, 9700);
    else if (lat < 900)
        lms = 10000 + (int64_t)pick(s, 290000);
    else if (lat < 990)
        lms = 300000 + (int64_t)pick(s, 6900000);
    else
        lms = 7200000 + (int64_t)pick(s, 36000000);
    if (h.st == ST_DELIVERED && pick(s, 200) != 0) {
        r->has_deliv = true;
        r->deliv_ms = r->send_ms + lms;
    } else if (h.st == ST_EXPIRED && pick(s, 3) == 0) {
        r->has_deliv = true;
        r->deliv_ms = r->send_ms + 86400000;
    }
    if (r->has_deliv && r->deliv_frac == 0)
        r->deliv_ms = floor_div(r->deliv_ms, 1000) * 1000;
    else if (r->has_deliv && r->deliv_frac == 3)
        r->deliv_ms = floor_div(r->deliv_ms, 100) * 100;
    uint32_t dm = pick(s, 100);
    if (h.st == ST_ERROR || h.st == ST_EXPIRED) {
        r->desc_mode = dm < 5 ? 0 : dm < 12 ? 1 : 2;
        r->desc = h.st == ST_ERROR ? err_desc[pick(s, sizeof err_desc / sizeof err_desc[0])]
                                   : exp_desc[pick(s, sizeof exp_desc / sizeof exp_desc[0])];
    } else if (h.st == ST_DELIVERED) {
        r->desc_mode = dm < 50 ? 0 : dm < 70 ? 1 : 2;
        r->desc = "Delivered to handset";
    } else {
        r->desc_mode = dm < 60 ? 0 : dm < 80 ? 1 : 2;
        r->desc = h.st == ST_SENT ? "Forwarded to carrier" : "Status report pending";
    }
    if (r->desc_mode != 2)
        r->desc = NULL;
    r->desc_uesc = pick(s, 2);
    uint32_t p = pick(s, 100);
    r->parts = h.ch != GW_SMS ? 1 : p < 70 ? 1 : p < 90 ? 2 : p < 97 ? 3 : 4;
    uint32_t cm = pick(s, 200);
    r->cost_mode = cm == 0 ? 0 : cm == 1 ? 1 : 2;
    r->cost = unit_cost[h.ch][pick(s, 3)] * (int64_t)r->parts;
    if ((h.st == ST_ERROR && pick(s, 2)) || h.st == ST_UNKNOWN)
        r->cost = 0;
    r->inbound = pick(s, 100) < 3;
    r->id_alias = (int)pick(s, 2);
    r->st_alias = (int)pick(s, 3);
    r->desc_alias = (int)pick(s, 3);
    r->body = (int)pick(s, 1000);
    r->longbody = pick(s, 1000) == 0 || idx == 5;
    r->rs = gw_next(s);
}

/* Body texts, already JSON-escaped: raw UTF-8, \u escapes (a surrogate
 * pair too), quotes, backslashes, control characters. '#' is a number. */
static const char *const bodies[] = {
    "Ciao Marco, il tuo ordine #ORD-# \xc3\xa8 stato confermato!",
    "Your verification code is #. Don't share it \xf0\x9f\x94\x92",
    "Promo \\ud83d\\ude00 -20% oggi: \\\"SALDI\\\" su techstore.example",
    "Line 1\\nLine 2\\tTabbed \\/ slash \\\\ backslash #",
    "Ol\xc3\xa1! Seu c\xc3\xb3" "digo \xc3\xa9 #",
    "\xd0\x92\xd0\xb0\xd1\x88 \xd0\xba\xd0\xbe\xd0\xb4: #",
    "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf \xf0\x9f\x8e\x89 #",
    "Caf\\u00e9 cr\\u00e8me \\u20ac# \\u00fcber",
    "",
    "Bell\\u0007 and \\u001f unit separator, {braces} [brackets] #",
    "Appointment reminder: tomorrow 10:30, ref #",
    "Your parcel # is out for delivery \xf0\x9f\x9a\x9a",
};
#define NBODIES (sizeof bodies / sizeof bodies[0])

static void body_text(struct gw_buf *b, const char *t, uint32_t num)
{
    for (; *t; t++) {
        if (*t == '#')
            buf_fmt(b, "%u", num);
        else
            buf_add(b, t, 1);
    }
}

static const char *const unknowns[] = {
    "\"meta\":{\"campaign\":\"spring-sale\",\"tags\":[\"promo\",\"it\"],\"route\":{\"id\":3,\"hops\":[1,2,{\"status\":\"ERROR\"}]}}",
    "\"carrier\":{\"name\":\"TIM\",\"mccmnc\":\"22201\",\"status\":\"EXPIRED\",\"description\":\"nested, must be ignored\",\"deliveryDate\":null}",
    "\"segments\":[[1,2],[3,[4,5]],[]]",
    "\"priority\":true",
    "\"retries\":0",
    "\"score\":-1.5e-3",
    "\"extra\":null",
    "\"labels\":{}",
    "\"notes\":\"{not json [\\\"x\\\"] }\"",
    "\"billing\":{\"cost\":99.99,\"parts\":7,\"currency\":\"EUR\",\"status\":\"ERROR\"}",
    "\"ttl\":86400",
};
#define NUNKNOWNS (sizeof unknowns / sizeof unknowns[0])

static const char *const senders[] = {"TechStore", "BancaXYZ", "MyClinic", "+393400000000", "Qlara", "ShopNow"};
static const char *const id_names[] = {"messageId", "customerMessageId"};
static const char *const st_names[] = {"status", "deliveryStatus", "deliveryStato"};
static const char *const desc_names[] = {"deliveryStatusDescription", "deliveryStatoDescription", "description"};

void gw_cost_str(struct gw_buf *b, int64_t c)
{
    if (c < 0) {
        buf_add(b, "-", 1);
        c = -c;
    }
    buf_fmt(b, "%lld", (long long)(c / 1000000));
    int64_t f = c % 1000000;
    if (f) {
        char t[8];
        snprintf(t, sizeof t, "%06lld", (long long)f);
        size_t l = 6;
        while (t[l - 1] == '0')
            l--;
        buf_add(b, ".", 1);
        buf_add(b, t, l);
    }
}

enum { M_ID, M_CH, M_DIR, M_DEST, M_SENDER, M_BODY, M_ST, M_DESC, M_SEND, M_DELIV, M_COST, M_PARTS, M_X1, M_X2, M_N };

static void member(struct gw_buf *b, const struct gw_rec *r, int m, uint64_t *s)
{
    switch (m) {
    case M_ID:
        buf_fmt(b, "\"%s\":\"%08x-%04x-4%03x-a%03x-%012llx\"", id_names[r->id_alias], r->idx, (unsigned)(r->rs & 0xFFFF),
                (unsigned)(r->rs >> 16 & 0xFFF), (unsigned)(r->rs >> 28 & 0xFFF),
                (unsigned long long)(r->rs >> 16 & 0xFFFFFFFFFFFFu));
        break;
    case M_CH: buf_fmt(b, "\"channel\":\"%s\"", gw_ch_name[r->ch]); break;
    case M_DIR: buf_fmt(b, "\"direction\":\"%s\"", r->inbound ? "INBOUND" : "OUTBOUND"); break;
    case M_DEST: buf_fmt(b, "\"destination\":\"+39%010llu\"", (unsigned long long)(r->rs % 10000000000u)); break;
    case M_SENDER: buf_fmt(b, "\"sender\":\"%s\"", senders[r->rs % 6]); break;
    case M_BODY:
        buf_str(b, "\"body\":\"");
        if (r->longbody) {
            size_t want = 65536 + (size_t)(r->rs % 30000), start = b->len;
            while (b->len - start < want) {
                body_text(b, bodies[(b->len - start) % NBODIES], r->idx);
                buf_str(b, "\\n");
            }
        } else {
            body_text(b, bodies[(size_t)r->body % NBODIES], r->idx);
        }
        buf_str(b, "\"");
        break;
    case M_ST: buf_fmt(b, "\"%s\":\"%s\"", st_names[r->st_alias], r->st_str); break;
    case M_DESC:
        buf_fmt(b, "\"%s\":", desc_names[r->desc_alias]);
        if (r->desc)
            buf_json_str(b, r->desc, r->desc_uesc);
        else
            buf_str(b, "null");
        break;
    case M_SEND:
        buf_str(b, "\"sendDate\":");
        buf_time(b, r->send_ms, r->send_off, r->send_frac, r->idx * 7u);
        break;
    case M_DELIV:
        buf_str(b, "\"deliveryDate\":");
        if (r->has_deliv)
            buf_time(b, r->deliv_ms, r->deliv_off, r->deliv_frac, r->idx * 13u);
        else
            buf_str(b, "null");
        break;
    case M_COST:
        buf_str(b, "\"cost\":");
        if (r->cost_mode == 2)
            gw_cost_str(b, r->cost);
        else
            buf_str(b, "null");
        break;
    case M_PARTS: buf_fmt(b, "\"parts\":%u", r->parts); break;
    default: buf_str(b, unknowns[gw_next(s) % NUNKNOWNS]); break;
    }
}

void gw_rec_render(struct gw_buf *b, const struct gw_rec *r, bool malformed)
{
    if (malformed) {
        buf_fmt(b, "{\"messageId\":\"bad-%u\",\"channel\":\"%s\" \"status\":\"DELIVERED\",cost:0.0.35,"
                   "\"sendDate\":2026-01-01T00:00:00Z,\"parts\":[1,}",
                r->idx, gw_ch_name[r->ch]);
        return;
    }
    uint64_t s = r->rs;
    int order[M_N], n = 0;
    for (int m = 0; m < M_N; m++) {
        if (m == M_DESC && r->desc_mode == 0)
            continue;
        if (m == M_DELIV && !r->has_deliv && r->deliv_key == 0)
            continue;
        if (m == M_COST && r->cost_mode == 0)
            continue;
        if ((m == M_X1 || m == M_X2) && gw_next(&s) % 3 == 0)
            continue;
        order[n++] = m;
    }
    /* most items start with the id, like the documentation's example */
    int first = gw_next(&s) % 4 ? 1 : 0;
    for (int i = n - 1; i > first; i--) {
        int j = first + (int)(gw_next(&s) % (uint64_t)(i - first + 1));
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    buf_add(b, "{", 1);
    for (int i = 0; i < n; i++) {
        if (i)
            buf_add(b, ",", 1);
        member(b, r, order[i], &s);
    }
    buf_add(b, "}", 1);
}

/* ---- the index ------------------------------------------------------------- */
static int slot_cmp(const void *a, const void *b)
{
    const struct gw_slot *x = a, *y = b;
    if (x->send_ms != y->send_ms)
        return x->send_ms < y->send_ms ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int gw_data_init(struct gw_data *d, uint64_t seed, uint32_t n, int64_t anchor_s, int64_t span_s)
{
    memset(d, 0, sizeof *d);
    d->seed = seed;
    d->n = n;
    d->anchor_s = anchor_s;
    d->span_s = span_s;
    uint32_t want[GW_NCH] = {0};
    for (uint32_t i = 0; i < n; i++) { /* a first pass sizes each channel's index exactly */
        struct head h;
        rec_head(d, i, &h);
        want[h.ch]++;
    }
    for (int c = 0; c < GW_NCH; c++) {
        d->slot[c] = malloc(((size_t)want[c] + 1) * sizeof(struct gw_slot));
        if (!d->slot[c])
            return -1;
    }
    for (uint32_t i = 0; i < n; i++) {
        struct head h;
        rec_head(d, i, &h);
        struct gw_slot *sl = &d->slot[h.ch][d->count[h.ch]++];
        sl->send_ms = h.send_ms;
        sl->idx = i;
        sl->st = (uint8_t)h.st;
    }
    for (int c = 0; c < GW_NCH; c++)
        qsort(d->slot[c], d->count[c], sizeof(struct gw_slot), slot_cmp);
    return 0;
}

void gw_data_free(struct gw_data *d)
{
    for (int c = 0; c < GW_NCH; c++)
        free(d->slot[c]);
}

uint32_t gw_lower_bound(const struct gw_data *d, int ch, int64_t ms)
{
    uint32_t lo = 0, hi = d->count[ch];
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (d->slot[ch][mid].send_ms < ms)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
