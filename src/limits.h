/* Every fixed size in gwhist, each with the reason for its value.
 * Nothing else in src/ or port/ hard-codes a buffer size: memory use is
 * read off this file and the struct sizes, and printed by
 * `gwhist --version --verbose`. */
#ifndef GWHIST_LIMITS_H
#define GWHIST_LIMITS_H

/* ---- TLS ----------------------------------------------------------------- */
/* mbedTLS static arena: a handshake with a 16 KB in-record peaks near 32 KB */
#define LIM_TLS_ARENA (48u * 1024u)
/* one DER certificate from the CA bundle while it is matched (RSA-4096 roots
 * are about 1.9 KB; 4 KB leaves room for long names and extensions) */
#define LIM_CA_DER 4096u
/* one line of the PEM bundle (RFC 7468 lines are 64 chars) */
#define LIM_PEM_LINE 128u
/* read buffer while streaming the CA bundle (a few PEM lines per read) */
#define LIM_CA_READ 1024u
/* why a connection or a certificate failed: "certificate expired, hostname
 * mismatch" or "mbedTLS error -0x7780" fits with room to spare */
#define LIM_XPORT_DETAIL 160u
/* one CONNECT request or proxy answer header block */
#define LIM_PROXY_MSG 1024u

/* ---- HTTP ----------------------------------------------------------------- */
/* status line and every header line, and the whole header block we keep */
#define LIM_HTTP_LINE 4096u
/* headers per response: real gateways send about 15 */
#define LIM_HTTP_HEADERS 64u
/* chunk-size line including extensions: hex digits plus a short extension */
#define LIM_HTTP_CHUNK_LINE 256u
/* 1xx interim responses skipped before the final one: real servers send 1-2 */
#define LIM_HTTP_INTERIM 8u
/* Location kept from a 3xx for the report (cut and flagged beyond) */
#define LIM_HTTP_LOCATION 256u
/* Content-Type kept to check for JSON ("application/json; charset=utf-8") */
#define LIM_HTTP_CTYPE 64u
/* addresses kept per host: a reconnect tries them without a new lookup */
#define LIM_ADDRS 4u
/* bytes read from the socket at a time */
#define LIM_RECV_BUF 2048u
/* one request: request line with the encoded query plus a dozen headers */
#define LIM_REQUEST 2048u
/* URL and host name as given by the user */
#define LIM_URL 512u
#define LIM_HOST 256u
/* body excerpt shown for a 4xx answer */
#define LIM_EXCERPT 200u

/* ---- JSON ----------------------------------------------------------------- */
/* one history item after long strings are cut: ~40 members fit easily */
#define LIM_ITEM 8192u
/* jsmn tokens per item: members count twice (key and value) */
#define LIM_TOKENS 256u
/* a string value longer than this is cut (and marked) while copying */
#define LIM_STRING 256u
/* nesting inside one item; deeper is refused rather than tracked */
#define LIM_DEPTH 32u
/* cut strings whose position an item remembers (record's desc_cut); beyond
 * this, a long string is assumed cut */
#define LIM_ITEM_CUTS 16u
/* a status, channel or date string after unescaping (dates are ~35 bytes) */
#define LIM_SHORT_TEXT 64u

/* ---- records and summary -------------------------------------------------- */
/* kept string fields of a record (after unescaping) */
#define LIM_ID 64u
#define LIM_DESC 128u
#define LIM_DEST 32u
/* distinct error reasons tracked exactly; beyond, space-saving approximates */
#define LIM_REASONS 32u
/* reasons shown in a report */
#define LIM_TOP_REASONS 5u
/* latency histogram (src/summary.c), every reported quantile within 1%:
 * 0..127 ms exact; 128..2047 ms in 64 linear sub-buckets per octave (where
 * whole milliseconds make log buckets too coarse); 2^11..2^32 ms (49.7 days)
 * in 35 log-spaced sub-buckets per octave, the fewest whose ratio
 * (2^(1/35) = 1.0200) stays within 1% (34 would give 1.02%). */
#define LIM_LAT_EXACT 128u
#define LIM_LAT_LIN_SUB 64u
#define LIM_LAT_LIN_OCTAVES 4u /* octaves 2^7 .. 2^10 */
#define LIM_LAT_SUB 35u
#define LIM_LAT_OCTAVES 21u /* octaves 2^11 .. 2^31 */
#define LIM_LAT_BUCKETS                                                                            \
    (LIM_LAT_EXACT + LIM_LAT_LIN_SUB * LIM_LAT_LIN_OCTAVES + LIM_LAT_SUB * LIM_LAT_OCTAVES) /* 1119 */
/* key of a tracked error reason: the whole description a record can hold,
 * so reports name reasons exactly as the gateway sent them */
#define LIM_REASON_KEY LIM_DESC

/* ---- report and sinks ----------------------------------------------------- */
/* one rendered report, any format: the worst case (3 channels, 5 reasons of
 * 127 control bytes each, escaped 6x) is 17.5 KB of JSON; test_report checks */
#define LIM_REPORT 20480u
/* paths of files, devices and config files */
#define LIM_PATH 256u
/* one line of a config file */
#define LIM_CONFIG_LINE 512u
/* API key or user:password */
#define LIM_SECRET 256u

#endif
