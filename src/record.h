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
#include "timefmt.h"

struct jitems_item; /* jsonitems.h */

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

/* The members record reads; aliases per API.md, best first:
 *   ID      customerMessageId, messageId          string or number; null = ""
 *   STATUS  deliveryStatus, deliveryStato, status exact API spelling, else OTHER
 *   DESC    deliveryStatusDescription, deliveryStatoDescription, description
 *   CHANNEL channel   SMS/RCS/WHATSAPP exactly, else REC_CH_NONE
 *   DEST    destination; SEND sendDate; DELIV deliveryDate; COST cost; PARTS parts
 * When an item carries two aliases of one member, the better-ranked one is
 * used and the other is not even parsed (independent of member order); the
 * same name twice: the first wins. Every other member (sender, direction,
 * body, unknown names, nested objects/arrays) is skipped. Names written with
 * escapes are unescaped before matching. */
enum rec_field {
    REC_F_NONE,
    REC_F_ID,
    REC_F_STATUS,
    REC_F_DESC,
    REC_F_CHANNEL,
    REC_F_DEST,
    REC_F_SEND,
    REC_F_DELIV,
    REC_F_COST,
    REC_F_PARTS,
    REC_F_COUNT
};

enum rec_err {
    REC_OK = 0,
    REC_E_NOT_OBJECT,  /* the item's first token is not an object */
    REC_E_TOKENS,      /* token structure broken (member name not a string) */
    REC_E_TYPE,        /* member has the wrong JSON type (e.g. cost as "0.03") */
    REC_E_ESCAPE,      /* invalid escape in a string */
    REC_E_SURROGATE,   /* \uD800-\uDFFF not forming a valid pair */
    REC_E_NUL,         /* \u0000 in a kept string (fields are C strings) */
    REC_E_TIME,        /* date-time not parseable; rec_why.tf says why */
    REC_E_NUMBER,      /* cost is not a number */
    REC_E_COST_RANGE,  /* cost beyond +-9.2e12 units (int64 micro-units) */
    REC_E_PARTS,       /* parts is not a non-negative integer (1.5, -1, 1e2) */
    REC_E_PARTS_RANGE, /* parts beyond UINT32_MAX */
    REC_E_COUNT
};

/* Where rec_from_item failed: the member (by canonical name, see
 * rec_field_name) and, for REC_E_TIME, the timefmt reason. */
struct rec_why {
    enum rec_field field;
    enum tf_err tf;
};

/* Maps one item (from jsonitems) to *out, which it overwrites completely.
 * Status missing, null or not a string: REC_OTHER. null description,
 * deliveryDate, sendDate, cost, parts: has_* false. Strings too long for
 * their field are cut at a UTF-8 character boundary (desc_cut also when
 * jsonitems cut the text). cost: exact decimal to micro-units, digits beyond
 * the 6th decimal rounded half to even (0.0000005 -> 0, 0.0000015 -> 2).
 * On error, *why (if not NULL) names the member. */
enum rec_err rec_from_item(struct rec *out, const struct jitems_item *item, struct rec_why *why);

/* Parses a JSON number text exactly into micro-units (see rec_from_item). */
enum rec_err rec_parse_micros(const char *s, size_t n, int64_t *micros);

/* Canonical member name: "customerMessageId", "deliveryStatus", ... "parts". */
const char *rec_field_name(enum rec_field f);
const char *rec_strerror(enum rec_err e);

/* Names as the API spells them: "DELIVERED" ... "OTHER"; "SMS", "RCS", "WHATSAPP".
 * Out-of-range values give "OTHER" and "NONE" (REC_CH_NONE). */
const char *rec_status_name(enum rec_status s);
const char *rec_channel_name(enum rec_channel c);

#endif
