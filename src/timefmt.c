/* timefmt: see timefmt.h. Calendar arithmetic on the proleptic Gregorian
 * calendar in 400-year eras (146097 days), shifted so the year starts on
 * March 1st and the leap day is the last day of the year. */
#include "timefmt.h"

#include <stdbool.h>
#include <string.h>

#define MS_PER_MIN 60000
#define MAX_OFFSET_MIN (18 * 60)

int64_t tf_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                               /* 0..399 */
    int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9;      /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;         /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;       /* 0..146096 */
    return era * 146097 + doe - 719468;
}

struct civil {
    int64_t y;
    unsigned m, d;
};

static struct civil civil_from_days(int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    struct civil c;
    c.d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    c.m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    c.y = yoe + era * 400 + (c.m <= 2);
    return c;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29u : dim[m - 1];
}

/* n decimal digits at s, or -1 */
static int digits(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* "YYYY-MM-DD" at s (10 bytes available): day number, or an error */
static enum tf_err parse_ymd(const char *s, int64_t *days)
{
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 0 || m < 0 || d < 0 || s[4] != '-' || s[7] != '-')
        return TF_E_SYNTAX;
    if (m < 1 || m > 12 || d < 1 || (unsigned)d > days_in_month(y, (unsigned)m))
        return TF_E_RANGE;
    *days = tf_days_from_civil(y, (unsigned)m, (unsigned)d);
    return TF_OK;
}

/* offset text of exactly n bytes: Z | +hh:mm | +hhmm, and with_hours_only +hh */
static enum tf_err parse_offset_n(const char *s, size_t n, bool hours_only, int *min)
{
    if (n == 1 && s[0] == 'Z') {
        *min = 0;
        return TF_OK;
    }
    if (n < 3 || (s[0] != '+' && s[0] != '-'))
        return TF_E_OFFSET;
    int h = digits(s + 1, 2), m = 0;
    if (n == 6 && s[3] == ':')
        m = digits(s + 4, 2);
    else if (n == 5)
        m = digits(s + 3, 2);
    else if (n != 3 || !hours_only)
        return TF_E_OFFSET;
    if (h < 0 || m < 0)
        return TF_E_OFFSET;
    if (m >= 60 || h * 60 + m > MAX_OFFSET_MIN)
        return TF_E_OFFSET_RANGE;
    *min = s[0] == '-' ? -(h * 60 + m) : h * 60 + m;
    return TF_OK;
}

/* HH:MM[:SS[.f...]] from s[0..n): ms of the day, and *used bytes */
static enum tf_err parse_hms(const char *s, size_t n, int64_t *ms, size_t *used)
{
    if (n < 5)
        return TF_E_SYNTAX;
    int h = digits(s, 2), mi = digits(s + 3, 2), sec = 0, frac = 0;
    if (h < 0 || mi < 0 || s[2] != ':')
        return TF_E_SYNTAX;
    size_t i = 5;
    if (i < n && s[i] == ':') {
        if (n < 8 || (sec = digits(s + 6, 2)) < 0)
            return TF_E_SYNTAX;
        i = 8;
        if (i < n && s[i] == '.') {
            size_t k = ++i, scale = 100;
            for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
                frac += (int)((size_t)(s[i] - '0') * scale);
            if (i == k)
                return TF_E_SYNTAX;
        }
    }
    if (h > 23 || mi > 59 || sec > 59)
        return TF_E_RANGE;
    *ms = ((int64_t)h * 3600 + (int64_t)mi * 60 + sec) * 1000 + frac;
    *used = i;
    return TF_OK;
}

enum tf_err tf_parse(const char *s, size_t len, int64_t *ms)
{
    if (len == 0)
        return TF_E_EMPTY;
    if (len < 10)
        return TF_E_SYNTAX;
    int64_t days = 0, tod = 0;
    enum tf_err e = parse_ymd(s, &days);
    if (e != TF_OK)
        return e;
    if (len == 10)
        return TF_E_DATE_ONLY;
    if (s[10] != 'T')
        return TF_E_SYNTAX;
    size_t used = 0;
    if ((e = parse_hms(s + 11, len - 11, &tod, &used)) != TF_OK)
        return e;
    size_t o = 11 + used;
    if (o == len)
        return TF_E_NO_OFFSET;
    size_t on = 1;
    while (o + on < len && ((s[o + on] >= '0' && s[o + on] <= '9') || s[o + on] == ':'))
        on++;
    int off = 0;
    if ((e = parse_offset_n(s + o, on, false, &off)) != TF_OK)
        return e;
    if (o + on != len)
        return TF_E_TRAILING;
    *ms = days * TF_MS_PER_DAY + tod - (int64_t)off * MS_PER_MIN;
    return TF_OK;
}

static char *put_num(char *p, int64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
    return p + width;
}

/* local date-time text without offset: 19 bytes, or 23 with ".mmm" */
static size_t format_local(int64_t ms, char *p)
{
    int64_t days = ms / TF_MS_PER_DAY, rem = ms % TF_MS_PER_DAY;
    if (rem < 0) {
        rem += TF_MS_PER_DAY;
        days--;
    }
    struct civil c = civil_from_days(days);
    char *q = put_num(p, c.y, 4);
    *q++ = '-';
    q = put_num(q, c.m, 2);
    *q++ = '-';
    q = put_num(q, c.d, 2);
    *q++ = 'T';
    q = put_num(q, rem / 3600000, 2);
    *q++ = ':';
    q = put_num(q, rem / 60000 % 60, 2);
    *q++ = ':';
    q = put_num(q, rem / 1000 % 60, 2);
    if (rem % 1000 != 0) {
        *q++ = '.';
        q = put_num(q, rem % 1000, 3);
    }
    return (size_t)(q - p);
}

/* the years 0000-9999 in ms: [MIN_MS, MAX_MS) */
#define MIN_MS (-62167219200000LL)
#define MAX_MS (253402300800000LL)

size_t tf_format_offset(int64_t ms, int offset_min, char *buf, size_t cap)
{
    if (offset_min < -MAX_OFFSET_MIN || offset_min > MAX_OFFSET_MIN)
        return 0;
    int64_t local = ms + (int64_t)offset_min * MS_PER_MIN;
    if (ms < MIN_MS || ms >= MAX_MS || local < MIN_MS || local >= MAX_MS || cap < 30)
        return 0;
    size_t n = format_local(local, buf);
    if (offset_min == 0) {
        buf[n++] = 'Z';
    } else {
        int a = offset_min < 0 ? -offset_min : offset_min;
        buf[n++] = offset_min < 0 ? '-' : '+';
        n = (size_t)(put_num(buf + n, a / 60, 2) - buf);
        buf[n++] = ':';
        n = (size_t)(put_num(buf + n, a % 60, 2) - buf);
    }
    buf[n] = '\0';
    return n;
}

size_t tf_format_utc(int64_t ms, char *buf, size_t cap)
{
    return tf_format_offset(ms, 0, buf, cap);
}

enum tf_err tf_parse_offset(const char *s, int *minutes)
{
    if (s == NULL || *s == '\0')
        return TF_E_EMPTY;
    if (strcmp(s, "UTC") == 0) {
        *minutes = 0;
        return TF_OK;
    }
    return parse_offset_n(s, strlen(s), true, minutes);
}

enum tf_err tf_parse_date(const char *s, int offset_min, int64_t *from_ms, int64_t *to_ms)
{
    if (s == NULL || *s == '\0')
        return TF_E_EMPTY;
    if (strlen(s) != 10)
        return TF_E_NOT_DATE;
    if (offset_min < -MAX_OFFSET_MIN || offset_min > MAX_OFFSET_MIN)
        return TF_E_OFFSET_RANGE;
    int64_t days = 0;
    enum tf_err e = parse_ymd(s, &days);
    if (e != TF_OK)
        return e == TF_E_SYNTAX ? TF_E_NOT_DATE : e;
    *from_ms = days * TF_MS_PER_DAY - (int64_t)offset_min * MS_PER_MIN;
    *to_ms = *from_ms + TF_MS_PER_DAY - 1000;
    return TF_OK;
}

/* unit at s: its rank (0 = d ... 4 = ms), length in *n and ms per unit */
static int dur_unit(const char *s, size_t *n, int64_t *per)
{
    static const struct { const char *u; int64_t per; } units[] = {
        {"d", TF_MS_PER_DAY}, {"h", 3600000}, {"ms", 1}, {"m", MS_PER_MIN}, {"s", 1000},
    };
    static const int rank[] = {0, 1, 4, 2, 3};
    for (int i = 0; i < 5; i++) {
        size_t l = strlen(units[i].u);
        if (strncmp(s, units[i].u, l) == 0) {
            *n = l;
            *per = units[i].per;
            return rank[i];
        }
    }
    return -1;
}

static enum tf_err dur_term(const char **sp, int *last_rank, int64_t *total)
{
    const char *s = *sp;
    int64_t v = 0, per = 0;
    if (*s < '0' || *s > '9')
        return TF_E_DUR_SYNTAX;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (INT64_MAX - 9) / 10)
            return TF_E_OVERFLOW;
        v = v * 10 + (*s - '0');
    }
    size_t n = 0;
    int r = dur_unit(s, &n, &per);
    if (r < 0)
        return *s == '\0' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')
                   ? TF_E_DUR_UNIT : TF_E_DUR_SYNTAX;
    if (r <= *last_rank)
        return TF_E_DUR_ORDER;
    if (v > (INT64_MAX - *total) / per)
        return TF_E_OVERFLOW;
    *total += v * per;
    *last_rank = r;
    *sp = s + n;
    return TF_OK;
}

enum tf_err tf_parse_duration(const char *s, int64_t *ms)
{
    if (s == NULL || *s == '\0')
        return TF_E_EMPTY;
    if (*s == '-')
        return TF_E_NEGATIVE;
    if (strcmp(s, "0") == 0) {
        *ms = 0;
        return TF_OK;
    }
    int64_t total = 0;
    int last = -1;
    while (*s != '\0') {
        enum tf_err e = dur_term(&s, &last, &total);
        if (e != TF_OK)
            return e;
    }
    *ms = total;
    return TF_OK;
}

const char *tf_strerror(enum tf_err e)
{
    static const char *const msg[TF_E_COUNT] = {
        [TF_OK] = "ok",
        [TF_E_EMPTY] = "empty time: use 2025-01-01T00:00:00Z or 2025-01-01T00:00:00+01:00",
        [TF_E_DATE_ONLY] = "date without time: use 2025-01-01T00:00:00Z or 2025-01-01T00:00:00+01:00",
        [TF_E_NO_OFFSET] = "missing UTC offset: use 2025-01-01T00:00:00Z or 2025-01-01T00:00:00+01:00",
        [TF_E_SYNTAX] = "not an ISO-8601 date-time: use 2025-01-01T00:00:00Z or 2025-01-01T00:00:00+01:00",
        [TF_E_RANGE] = "month, day, hour, minute or second out of range (e.g. 2025-02-30, 24:00, :60)",
        [TF_E_OFFSET] = "bad UTC offset: use Z, +01:00, -05:30 or +0100",
        [TF_E_OFFSET_RANGE] = "UTC offset out of range: at most +-18:00, minutes below 60",
        [TF_E_TRAILING] = "text after the UTC offset: use 2025-01-01T00:00:00+01:00",
        [TF_E_NOT_DATE] = "not a date: use 2026-12-03",
        [TF_E_DUR_SYNTAX] = "bad duration: use e.g. 30s, 90m, 24h, 7d or 1h30m",
        [TF_E_DUR_UNIT] = "duration needs a unit (ms, s, m, h, d): e.g. 90m",
        [TF_E_DUR_ORDER] = "duration units must go largest first, once each: e.g. 1h30m",
        [TF_E_NEGATIVE] = "duration must not be negative",
        [TF_E_OVERFLOW] = "value too large",
    };
    if ((unsigned)e >= TF_E_COUNT)
        return "unknown time error";
    return msg[e];
}
