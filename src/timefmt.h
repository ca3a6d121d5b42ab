/* timefmt: ISO-8601 OffsetDateTime, dates, UTC offsets and durations,
 * parsed and formatted with integer calendar arithmetic (days from civil).
 * It owns nothing; it never reads the host's TZ, the clock, or calls
 * timegm/mktime, and never prints.
 *
 * Accepted OffsetDateTime: YYYY-MM-DDTHH:MM[:SS[.f...]] then Z | +hh:mm |
 * -hh:mm | +hhmm | -hhmm. 'T' and 'Z' are upper case. Seconds may be left
 * out (as Java's OffsetDateTime allows); a fraction of any length is
 * truncated to milliseconds. Year 0000-9999; second 60 (leap) is refused,
 * as the gateway's Java never emits it; the offset is at most 18:00. */
#ifndef GWHIST_TIMEFMT_H
#define GWHIST_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

enum tf_err {
    TF_OK = 0,
    TF_E_EMPTY,        /* empty text */
    TF_E_DATE_ONLY,    /* "2025-01-01" where a date-time is needed */
    TF_E_NO_OFFSET,    /* "2025-01-01T00:00:00" without Z or +hh:mm */
    TF_E_SYNTAX,       /* digits or separators wrong ("2025/01/01", space for T) */
    TF_E_RANGE,        /* month, day, hour, minute or second out of range */
    TF_E_OFFSET,       /* offset not Z, +hh:mm or +hhmm */
    TF_E_OFFSET_RANGE, /* offset minutes >= 60 or offset beyond 18:00 */
    TF_E_TRAILING,     /* text after the offset */
    TF_E_NOT_DATE,     /* tf_parse_date: not exactly YYYY-MM-DD */
    TF_E_DUR_SYNTAX,   /* duration: a unit without a number, or a bad character */
    TF_E_DUR_UNIT,     /* duration: number without unit, or unit not ms s m h d */
    TF_E_DUR_ORDER,    /* duration: units repeated or not largest first ("30m1h") */
    TF_E_NEGATIVE,     /* duration: negative */
    TF_E_OVERFLOW,     /* value does not fit in int64 milliseconds */
    TF_E_COUNT
};

#define TF_MS_PER_DAY 86400000

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1-12, d 1-31). */
int64_t tf_days_from_civil(int64_t y, unsigned m, unsigned d);

/* Parses an OffsetDateTime of exactly len bytes into ms since the epoch (UTC). */
enum tf_err tf_parse(const char *s, size_t len, int64_t *ms);

/* Writes "2026-12-03T19:00:00Z" (".mmm" before the Z only when ms % 1000 != 0)
 * and a NUL into buf; returns the length, or 0 if cap is too small or the
 * year is outside 0000-9999. */
size_t tf_format_utc(int64_t ms, char *buf, size_t cap);

/* Same for local time at offset_min: "2026-12-03T20:00:00+01:00"; offset 0
 * is written "Z". Returns 0 also for an offset beyond +-18:00. */
size_t tf_format_offset(int64_t ms, int offset_min, char *buf, size_t cap);

/* Parses a NUL-terminated duration: one or more <digits><unit>, units
 * d h m s ms, largest first, each at most once ("90m", "1h30m", "7d");
 * "0" alone is valid. Stores milliseconds. */
enum tf_err tf_parse_duration(const char *s, int64_t *ms);

/* Parses "YYYY-MM-DD" (NUL-terminated): *from_ms is that day's 00:00:00.000 at
 * offset_min, *to_ms its 23:59:59.000 (the API's `to` is inclusive, seconds). */
enum tf_err tf_parse_date(const char *s, int offset_min, int64_t *from_ms, int64_t *to_ms);

/* Parses a --tz value: "Z", "UTC", "+01:00", "-0530", "+01" -> minutes east. */
enum tf_err tf_parse_offset(const char *s, int *minutes);

/* One line saying what is wrong and showing the valid form; never NULL. */
const char *tf_strerror(enum tf_err e);

#endif
