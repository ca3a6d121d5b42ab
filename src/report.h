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
#endif
