/* record: maps one item's jsmn tokens to struct rec. See record.h. */
#include "record.h"

#include <string.h>

#include "jsonitems.h"

struct alias {
    const char *name;
    enum rec_field field;
    uint8_t rank;
};

static const struct alias aliases[] = {
    {"customerMessageId", REC_F_ID, 0},
    {"messageId", REC_F_ID, 1},
    {"deliveryStatus", REC_F_STATUS, 0},
    {"deliveryStato", REC_F_STATUS, 1},
    {"status", REC_F_STATUS, 2},
    {"deliveryStatusDescription", REC_F_DESC, 0},
    {"deliveryStatoDescription", REC_F_DESC, 1},
    {"description", REC_F_DESC, 2},
    {"channel", REC_F_CHANNEL, 0},
    {"destination", REC_F_DEST, 0},
    {"sendDate", REC_F_SEND, 0},
    {"deliveryDate", REC_F_DELIV, 0},
    {"cost", REC_F_COST, 0},
    {"parts", REC_F_PARTS, 0},
};

static const char *const status_names[REC_STATUS_COUNT] = {
    "DELIVERED", "SENT", "RECEIVED", "ERROR", "EXPIRED", "UNKNOWN", "OTHER",
};

static const char *const channel_names[REC_CH_COUNT] = {"SMS", "RCS", "WHATSAPP"};

const char *rec_status_name(enum rec_status s)
{
    return (unsigned)s < REC_STATUS_COUNT ? status_names[s] : "OTHER";
}

const char *rec_channel_name(enum rec_channel c)
{
    return (unsigned)c < REC_CH_COUNT ? channel_names[c] : "NONE";
}

/* ---- string unescaping --------------------------------------------------- */

static int hex4(const char *s)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

static size_t utf8_encode(uint32_t cp, char *o)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* \uXXXX at s[*i] (the backslash), with a following low surrogate if needed */
static enum rec_err unicode_escape(const char *s, size_t n, size_t *i, uint32_t *cp)
{
    int hi = *i + 6 <= n ? hex4(s + *i + 2) : -1;
    if (hi < 0)
        return REC_E_ESCAPE;
    *i += 6;
    if (hi >= 0xDC00 && hi <= 0xDFFF)
        return REC_E_SURROGATE;
    if (hi < 0xD800 || hi > 0xDBFF) {
        *cp = (uint32_t)hi;
        return hi == 0 ? REC_E_NUL : REC_OK;
    }
    if (*i + 6 > n || s[*i] != '\\' || s[*i + 1] != 'u')
        return REC_E_SURROGATE;
    int lo = hex4(s + *i + 2);
    if (lo < 0)
        return REC_E_ESCAPE;
    if (lo < 0xDC00 || lo > 0xDFFF)
        return REC_E_SURROGATE;
    *i += 6;
    *cp = 0x10000 + ((uint32_t)(hi - 0xD800) << 10) + (uint32_t)(lo - 0xDC00);
    return REC_OK;
}

/* one escape at s[*i] == '\\' into enc; *len bytes */
static enum rec_err escape(const char *s, size_t n, size_t *i, char *enc, size_t *len)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    if (*i + 1 >= n)
        return REC_E_ESCAPE;
    const char *p = s[*i + 1] != '\0' ? strchr(from, s[*i + 1]) : NULL;
    if (p != NULL) {
        enc[0] = to[p - from];
        *len = 1;
        *i += 2;
        return REC_OK;
    }
    if (s[*i + 1] != 'u')
        return REC_E_ESCAPE;
    uint32_t cp = 0;
    enum rec_err e = unicode_escape(s, n, i, &cp);
    *len = e == REC_OK ? utf8_encode(cp, enc) : 0;
    return e;
}

static size_t utf8_seq_len(unsigned char c)
{
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Decodes JSON string text s[0..n) into dst (cap bytes with the NUL). What
 * does not fit is dropped at a character boundary and *cut set; the rest is
 * still checked, so an error never depends on the field size. */
static enum rec_err unescape(const char *s, size_t n, char *dst, size_t cap, bool *cut)
{
    size_t o = 0;
    *cut = false;
    for (size_t i = 0; i < n;) {
        char enc[4];
        size_t len = 0;
        if (s[i] == '\\') {
            enum rec_err e = escape(s, n, &i, enc, &len);
            if (e != REC_OK)
                return e;
        } else {
            len = utf8_seq_len((unsigned char)s[i]);
            len = len > n - i ? n - i : len;
            memcpy(enc, s + i, len);
            i += len;
        }
        if (!*cut && o + len < cap) {
            memcpy(dst + o, enc, len);
            o += len;
        } else {
            *cut = true;
        }
    }
    dst[o] = '\0';
    return REC_OK;
}

/* ---- numbers ------------------------------------------------------------- */

struct num {
    bool neg;
    const char *d;      /* integer digits, then (after '.') fraction digits */
    size_t nint, nfrac;
    int64_t exp;        /* decimal exponent, saturated at +-1e6 */
};

static size_t scan_digits(const char *s, size_t n, size_t i)
{
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

static bool scan_exp(const char *s, size_t n, size_t i, int64_t *exp)
{
    bool neg = i < n && s[i] == '-';
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    size_t k = scan_digits(s, n, i);
    if (k == i || k != n)
        return false;
    int64_t v = 0;
    for (; i < k; i++)
        v = v >= 1000000 ? v : v * 10 + (s[i] - '0');
    *exp = neg ? -v : v;
    return true;
}

/* RFC 8259 number syntax, split into its parts */
static bool scan_number(const char *s, size_t n, struct num *x)
{
    size_t i = 0;
    x->neg = n > 0 && s[0] == '-';
    i += x->neg;
    size_t k = scan_digits(s, n, i);
    if (k == i || (s[i] == '0' && k - i > 1))
        return false;
    x->d = s + i;
    x->nint = k - i;
    x->nfrac = 0;
    x->exp = 0;
    i = k;
    if (i < n && s[i] == '.') {
        k = scan_digits(s, n, i + 1);
        if (k == i + 1)
            return false;
        x->nfrac = k - i - 1;
        i = k;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E'))
        return scan_exp(s, n, i + 1, &x->exp);
    return i == n;
}

static int digit_at(const struct num *x, size_t k)
{
    return x->d[k < x->nint ? k : k + 1] - '0'; /* skip the '.' */
}

static bool mul10(int64_t *acc, int64_t add)
{
    if (*acc > (INT64_MAX - add) / 10)
        return false;
    *acc = *acc * 10 + add;
    return true;
}

enum rec_err rec_parse_micros(const char *s, size_t n, int64_t *micros)
{
    struct num x;
    if (!scan_number(s, n, &x))
        return REC_E_NUMBER;
    /* digit k stands for d * 10^q with q = nint-1-k+exp+6 in micro-units */
    int64_t q0 = (int64_t)x.nint - 1 + x.exp + 6, acc = 0, q = q0;
    int round = 0;
    bool sticky = false;
    for (size_t k = 0; k < x.nint + x.nfrac; k++, q--) {
        int d = digit_at(&x, k);
        if (q >= 0 && !mul10(&acc, d))
            return REC_E_COST_RANGE;
        if (q == -1)
            round = d;
        sticky |= q < -1 && d != 0;
    }
    for (; q >= 0 && acc != 0; q--) /* trailing powers of ten (1e3) */
        if (!mul10(&acc, 0))
            return REC_E_COST_RANGE;
    if (round > 5 || (round == 5 && (sticky || acc % 2 != 0))) {
        if (acc == INT64_MAX)
            return REC_E_COST_RANGE;
        acc++;
    }
    *micros = x.neg ? -acc : acc;
    return REC_OK;
}

static enum rec_err parse_parts(const char *s, size_t n, uint32_t *parts)
{
    if (n == 0 || scan_digits(s, n, 0) != n || (s[0] == '0' && n > 1))
        return REC_E_PARTS;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > UINT32_MAX)
            return REC_E_PARTS_RANGE;
    }
    *parts = (uint32_t)v;
    return REC_OK;
}

/* ---- members ------------------------------------------------------------- */

struct ctx {
    const struct jitems_item *it;
    struct rec *r;
};

static const char *text(const struct ctx *c, const jsmntok_t *t, size_t *n)
{
    *n = (size_t)(t->end - t->start);
    return c->it->buf + t->start;
}

static bool is_null(const struct ctx *c, const jsmntok_t *t)
{
    return t->type == JSMN_PRIMITIVE && c->it->buf[t->start] == 'n';
}

static bool is_number(const struct ctx *c, const jsmntok_t *t)
{
    char ch = c->it->buf[t->start];
    return t->type == JSMN_PRIMITIVE && (ch == '-' || (ch >= '0' && ch <= '9'));
}

/* a string member into dst[cap], cutting; null gives "" */
static enum rec_err str_into(const struct ctx *c, const jsmntok_t *t, char *dst, size_t cap,
                             bool *cut)
{
    size_t n;
    const char *s = text(c, t, &n);
    *cut = false;
    dst[0] = '\0';
    if (is_null(c, t))
        return REC_OK;
    if (t->type != JSMN_STRING)
        return REC_E_TYPE;
    enum rec_err e = unescape(s, n, dst, cap, cut);
    *cut = *cut || jitems_tok_cut(c->it, t);
    return e;
}

static enum rec_err m_id(const struct ctx *c, const jsmntok_t *t)
{
    bool cut;
    if (!is_number(c, t))
        return str_into(c, t, c->r->id, sizeof c->r->id, &cut);
    size_t n;
    const char *s = text(c, t, &n);
    n = n < sizeof c->r->id ? n : sizeof c->r->id - 1;
    memcpy(c->r->id, s, n);
    c->r->id[n] = '\0';
    return REC_OK;
}

/* *idx = index of the string t in names[count], or count if it is another
 * string, too long, null or not a string at all */
static enum rec_err match(const struct ctx *c, const jsmntok_t *t, const char *const *names,
                          unsigned count, unsigned *idx)
{
    char buf[LIM_SHORT_TEXT];
    bool cut;
    *idx = count;
    if (t->type != JSMN_STRING)
        return REC_OK;
    enum rec_err e = str_into(c, t, buf, sizeof buf, &cut);
    for (unsigned i = 0; i < count && e == REC_OK && !cut; i++)
        if (strcmp(buf, names[i]) == 0)
            *idx = i;
    return e;
}

static enum rec_err m_status(const struct ctx *c, const jsmntok_t *t)
{
    unsigned i;
    enum rec_err e = match(c, t, status_names, REC_OTHER, &i);
    c->r->status = (enum rec_status)i;
    return e;
}

static enum rec_err m_channel(const struct ctx *c, const jsmntok_t *t)
{
    unsigned i;
    enum rec_err e = match(c, t, channel_names, REC_CH_COUNT, &i);
    c->r->channel = (enum rec_channel)i;
    return e;
}

static enum rec_err m_desc(const struct ctx *c, const jsmntok_t *t)
{
    c->r->has_desc = !is_null(c, t);
    return str_into(c, t, c->r->desc, sizeof c->r->desc, &c->r->desc_cut);
}

static enum rec_err m_dest(const struct ctx *c, const jsmntok_t *t)
{
    bool cut;
    return str_into(c, t, c->r->dest, sizeof c->r->dest, &cut);
}

static enum rec_err m_time(const struct ctx *c, const jsmntok_t *t, bool *has, int64_t *ms,
                           struct rec_why *why)
{
    char buf[LIM_SHORT_TEXT];
    bool cut;
    if (is_null(c, t))
        return REC_OK;
    enum rec_err e = str_into(c, t, buf, sizeof buf, &cut);
    if (e != REC_OK)
        return e;
    why->tf = cut ? TF_E_TRAILING : tf_parse(buf, strlen(buf), ms);
    *has = why->tf == TF_OK;
    return *has ? REC_OK : REC_E_TIME;
}

static enum rec_err m_number(const struct ctx *c, const jsmntok_t *t, enum rec_field f)
{
    size_t n;
    const char *s = text(c, t, &n);
    enum rec_err e;
    if (is_null(c, t))
        return REC_OK;
    if (!is_number(c, t))
        return REC_E_TYPE;
    if (f == REC_F_COST) {
        e = rec_parse_micros(s, n, &c->r->cost_micros);
        c->r->has_cost = e == REC_OK;
    } else {
        e = parse_parts(s, n, &c->r->parts);
        c->r->has_parts = e == REC_OK;
    }
    return e;
}

static enum rec_err apply(const struct ctx *c, enum rec_field f, const jsmntok_t *t,
                          struct rec_why *why)
{
    switch (f) {
    case REC_F_ID: return m_id(c, t);
    case REC_F_STATUS: return m_status(c, t);
    case REC_F_DESC: return m_desc(c, t);
    case REC_F_CHANNEL: return m_channel(c, t);
    case REC_F_DEST: return m_dest(c, t);
    case REC_F_SEND: return m_time(c, t, &c->r->has_send, &c->r->send_ms, why);
    case REC_F_DELIV: return m_time(c, t, &c->r->has_deliv, &c->r->deliv_ms, why);
    default: return m_number(c, t, f);
    }
}

/* the alias a member name (token k) stands for, or NULL */
static const struct alias *lookup(const struct ctx *c, const jsmntok_t *k)
{
    char buf[LIM_SHORT_TEXT];
    size_t n;
    const char *s = text(c, k, &n);
    bool cut = false;
    if (memchr(s, '\\', n) != NULL) {
        if (unescape(s, n, buf, sizeof buf, &cut) != REC_OK || cut)
            return NULL;
        s = buf;
        n = strlen(buf);
    }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strlen(aliases[i].name) == n && memcmp(aliases[i].name, s, n) == 0)
            return &aliases[i];
    return NULL;
}

/* first token after the value at index v (skipping nested objects/arrays) */
static size_t skip(const struct jitems_item *it, size_t v)
{
    size_t i = v + 1;
    while (i < it->ntok && it->tok[i].start < it->tok[v].end)
        i++;
    return i;
}

/* pass 1: for each member, the token of its best-ranked alias (0 = none) */
static enum rec_err find_members(const struct ctx *c, size_t best[REC_F_COUNT])
{
    uint8_t rank[REC_F_COUNT];
    memset(rank, 0xFF, sizeof rank);
    size_t i = 1;
    for (int m = 0; m < c->it->tok[0].size; m++) {
        if (i + 1 >= c->it->ntok || c->it->tok[i].type != JSMN_STRING)
            return REC_E_TOKENS;
        const struct alias *a = lookup(c, &c->it->tok[i]);
        if (a != NULL && a->rank < rank[a->field]) {
            rank[a->field] = a->rank;
            best[a->field] = i + 1;
        }
        i = skip(c->it, i + 1);
    }
    return REC_OK;
}

enum rec_err rec_from_item(struct rec *out, const struct jitems_item *item, struct rec_why *why)
{
    struct rec_why w = {REC_F_NONE, TF_OK};
    /* cppcheck-suppress ctuuninitvar ; stores the pointer only, *out is memset below */
    struct ctx c = {item, out};
    size_t best[REC_F_COUNT] = {0};
    memset(out, 0, sizeof *out);
    out->status = REC_OTHER;
    out->channel = REC_CH_NONE;
    enum rec_err e = item->ntok > 0 && item->tok[0].type == JSMN_OBJECT ? REC_OK
                                                                        : REC_E_NOT_OBJECT;
    if (e == REC_OK)
        e = find_members(&c, best);
    for (int f = REC_F_ID; f < REC_F_COUNT && e == REC_OK; f++) {
        w.field = (enum rec_field)f;
        if (best[f] != 0)
            e = apply(&c, (enum rec_field)f, &item->tok[best[f]], &w);
    }
    if (e == REC_OK)
        w.field = REC_F_NONE;
    if (why != NULL)
        *why = w;
    return e;
}

const char *rec_field_name(enum rec_field f)
{
    static const char *const names[REC_F_COUNT] = {
        "(item)", "customerMessageId", "deliveryStatus", "deliveryStatusDescription",
        "channel", "destination", "sendDate", "deliveryDate", "cost", "parts",
    };
    return (unsigned)f < REC_F_COUNT ? names[f] : "(unknown)";
}

const char *rec_strerror(enum rec_err e)
{
    static const char *const msg[REC_E_COUNT] = {
        [REC_OK] = "ok",
        [REC_E_NOT_OBJECT] = "item is not an object",
        [REC_E_TOKENS] = "member name is not a string",
        [REC_E_TYPE] = "member has the wrong type",
        [REC_E_ESCAPE] = "invalid escape in a string",
        [REC_E_SURROGATE] = "unpaired UTF-16 surrogate in a \\u escape",
        [REC_E_NUL] = "\\u0000 in a string",
        [REC_E_TIME] = "invalid date-time",
        [REC_E_NUMBER] = "not a JSON number",
        [REC_E_COST_RANGE] = "cost out of range",
        [REC_E_PARTS] = "parts is not a non-negative integer",
        [REC_E_PARTS_RANGE] = "parts out of range",
    };
    if ((unsigned)e >= REC_E_COUNT)
        return "unknown record error";
    return msg[e];
}
