/* record: maps the jsmn tokens of ONE history item to a struct rec.
 * It owns nothing beyond the struct the caller passes; it recognises every
 * field alias of API.md, skips unknown members and nested values, unescapes
 * strings, and parses numbers and times strictly. It never prints. */
#ifndef GWHIST_RECORD_H
#define GWHIST_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

enum rec_status {
    REC_DELIVERED,
    REC_SENT,
    REC_RECEIVED,
    REC_ERROR,
    REC_EXPIRED,
    REC_UNKNOWN,
    REC_OTHER, /* any status string not listed above, or none at all */
    REC_STATUS_COUNT
};

enum rec_channel { REC_CH_SMS, REC_CH_RCS, REC_CH_WHATSAPP, REC_CH_COUNT, REC_CH_NONE = REC_CH_COUNT };

/* One delivery record. Strings are NUL-terminated UTF-8, cut to their
 * buffer (the *_cut flags say so). Absent or null values have has_* false. */
struct rec {
    char id[LIM_ID];
    enum rec_status status;
    enum rec_channel channel;
    char desc[LIM_DESC]; /* deliveryStatusDescription and aliases */
    bool has_desc;
    bool desc_cut;
    char dest[LIM_DEST];
    bool has_send, has_deliv, has_cost, has_parts;
    int64_t send_ms;     /* sendDate, ms since the epoch (UTC) */
    int64_t deliv_ms;    /* deliveryDate, ms since the epoch (UTC) */
    int64_t cost_micros; /* cost in millionths of the currency unit */
    uint32_t parts;
};

/* Names as the API spells them: "DELIVERED" ... "OTHER"; "SMS", "RCS", "WHATSAPP". */
const char *rec_status_name(enum rec_status s);
const char *rec_channel_name(enum rec_channel c);

#endif
