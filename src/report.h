/* report: renders summaries as text, json, kv or prom into a caller buffer.
 * It owns no memory and never writes to a file; main/agent hand the buffer
 * to a sink. The json form is the product's machine interface, and the
 * gateway simulator's ground truth (tests/gwsim) prints the same shape.
 *
 * JSON shape, one line, members in exactly this order:
 *   {"from":"<RFC 3339 UTC, e.g. 2026-12-03T19:00:00Z>","to":"...","complete":true,
 *    "channels":[{"channel":"SMS","complete":true,"total":n,
 *      "by_status":{"DELIVERED":n,"SENT":n,"RECEIVED":n,"ERROR":n,"EXPIRED":n,"UNKNOWN":n,"OTHER":n},
 *      "delivery_rate":r,"latency_ms":{"count":n,"p50":n,"p90":n,"p99":n,"max":n},
 *      "negative_latency":n,"cost":c,"parts":n,
 *      "top_errors":[{"reason":"...","count":n}],
 *      "pages":n,"requests":n,"retries":n,"bytes":n}, ...],
 *    "totals":{same members as a channel, without "channel", "pages" ... "bytes" summed},
 *    "elapsed_ms":n}
 * Conventions that the ground truth follows too:
 *  - channels appear in the order they were asked for; totals merge them.
 *  - delivery_rate = DELIVERED/total with exactly 4 decimals, rounded half up
 *    in integer arithmetic ("0.8125"); null when total is 0.
 *  - latency_ms over DELIVERED records that have both dates and a
 *    non-negative latency; p50/p90/p99 are nearest-rank (the ceil(q*n)-th
 *    smallest), within 1% of exact; max is exact; all 0 when count is 0.
 *    negative_latency counts DELIVERED records whose deliveryDate < sendDate.
 *  - cost: the micro-unit sum printed exactly, shortest form: 12.345, 0.000035,
 *    12, -0.5, 0 (no exponent, no trailing zeros).
 *  - top_errors: descriptions of ERROR and EXPIRED records; a null or missing
 *    description counts as "(none)". At most 5, by count descending, ties by
 *    reason in byte order. "top_errors_approx":true follows top_errors only
 *    when more than 32 distinct reasons were seen.
 *  - requests, retries, bytes (body bytes received) and elapsed_ms depend on
 *    the run; the ground truth leaves them out. */
#ifndef GWHIST_REPORT_H
#define GWHIST_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "summary.h"

enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_KV, REPORT_PROM };

enum report_err {
    REPORT_OK = 0,
    REPORT_ENOSPACE, /* output longer than cap - 1; *len says how long it is */
    REPORT_EARG,     /* NULL run, buf, len or totals; ch NULL with nch > 0; a channel's sum NULL */
    REPORT_EFORMAT,  /* not an enum report_format value */
    REPORT_ECHANNEL, /* a channel that is not SMS, RCS or WHATSAPP */
    REPORT_ETIME,    /* from_ms, to_ms or now_ms outside the years 0000..9999 */
};

/* report_render() opts */
#define REPORT_O_KV_CHECKSUM 0x1u /* kv: end each line with "*HH" (XOR of the line's bytes before it) */

/* One channel of a run, as the agent knows it. */
struct report_channel {
    enum rec_channel channel;
    bool complete;          /* every page was fetched and committed */
    const struct sum *sum;  /* the committed records */
    uint64_t pages, requests, retries, bytes; /* bytes: body bytes received */
};

/* One run (cycle). complete = every channel complete (true when nch is 0). */
struct report_run {
    int64_t from_ms, to_ms; /* the window, ms since the epoch (UTC) */
    int64_t elapsed_ms;     /* wall time the run took */
    int64_t now_ms;         /* when the report is made (text header) */
    int64_t last_success_ms; /* end of the last complete run, 0 if none (prom) */
    const struct report_channel *ch; /* in the order they were asked for */
    size_t nch;
};

/* Renders run as fmt into buf, NUL-terminated. totals is scratch for the
 * merge of the channel sums (it must not be one of them). On REPORT_OK *len
 * is the length written (without the NUL); on REPORT_ENOSPACE nothing usable
 * is left in buf (buf[0] is NUL) and *len is the length the output needs, so
 * cap = *len + 1 suffices. Output is never silently cut. */
enum report_err report_render(enum report_format fmt, const struct report_run *run, uint32_t opts,
                              struct sum *totals, char *buf, size_t cap, size_t *len);

/* The formatters the renderers use, for main and tests. Each writes a
 * NUL-terminated string into buf and returns its length, or 0 when it does
 * not fit in cap (or, for the time, the year is outside 0000..9999). */
/* v / 10^scale exactly, shortest form: (12345000, 6) -> "12.345", (-500000, 6)
 * -> "-0.5", (0, 6) -> "0". scale <= 18. */
size_t report_fmt_decimal(int64_t v, unsigned scale, char *buf, size_t cap);
/* RFC 3339 UTC: "2026-12-03T19:00:00Z", "2026-12-03T19:00:00.250Z" when ms != 0. */
size_t report_fmt_time(int64_t ms, char *buf, size_t cap);

/* s escaped (without the quotes) as inside a JSON string (", \\, control
 * bytes as \u00XX), a quoted logfmt value (the same, and '*' as \u002A so the
 * only '*' on a kv line is the checksum's), or a Prometheus label value
 * (\\, \", \n). Valid UTF-8 passes through; a byte that is not part of a
 * valid sequence becomes U+FFFD. Returns 0 also when s is empty. */
enum report_esc { REPORT_ESC_JSON, REPORT_ESC_KV, REPORT_ESC_PROM };
size_t report_escape(enum report_esc how, const char *s, char *buf, size_t cap);

/* XOR of n bytes: the kv line checksum. */
uint8_t report_xor(const char *s, size_t n);

const char *report_format_name(enum report_format f); /* "text", "json", "kv", "prom" */
const char *report_strerror(enum report_err e);

#endif
