/* jsonitems: splits a streamed history response body into its items.
 * Feed it the body in slices of any size; it validates the whole body as
 * RFC 8259 JSON (strings, escapes, UTF-8, numbers, literals, commas), copies
 * ONE item at a time into its fixed buffer (strings longer than LIM_STRING
 * cut and marked), runs jsmn over that item and hands it to a callback.
 * It owns the item buffer and token array inside struct jitems; it never
 * allocates, prints or touches the OS, and never looks ahead.
 *
 * Which array holds the items, decided in one pass:
 *  - a top-level array is the item array;
 *  - in a top-level object, the first array-valued member is taken. Names
 *    rank messages < content < items < data < any other name. A later
 *    array-valued member with a better rank replaces it if the taken array
 *    delivered no item yet (so {"errors":[],"messages":[..]} works);
 *    otherwise that is JITEMS_E_AMBIGUOUS (delivered items cannot be taken
 *    back). Later members of the same or a worse rank are validated and
 *    skipped. A name written with escapes ranks as "other".
 *  - an object with no array-valued member is JITEMS_E_NO_ARRAY. */
#ifndef GWHIST_JSONITEMS_H
#define GWHIST_JSONITEMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"

/* jsmn's token type, with the project's two options, declarations only:
 * jsonitems.c holds the (static) parser. */
#ifndef JSMN_PARENT_LINKS
#define JSMN_PARENT_LINKS
#endif
#ifndef JSMN_STRICT
#define JSMN_STRICT
#endif
#ifndef JSMN_H
#define JSMN_HEADER
#include "jsmn.h"
#undef JSMN_HEADER
#endif

enum jitems_err {
    JITEMS_OK = 0,
    JITEMS_E_EMPTY,            /* body empty, or only whitespace/BOM */
    JITEMS_E_NOT_JSON,         /* first byte cannot start JSON (e.g. '<'), bad BOM */
    JITEMS_E_TOP_PRIMITIVE,    /* top-level value is a string, number or literal */
    JITEMS_E_NO_ARRAY,         /* top-level object without an array-valued member */
    JITEMS_E_AMBIGUOUS,        /* better-named array after items were delivered */
    JITEMS_E_UNTERMINATED_STR, /* body ended inside a string */
    JITEMS_E_UNCLOSED,         /* body ended before the top-level value closed */
    JITEMS_E_BAD_ESCAPE,       /* backslash not followed by a JSON escape */
    JITEMS_E_CTRL_IN_STRING,   /* raw byte < 0x20 inside a string */
    JITEMS_E_BAD_UTF8,         /* invalid, overlong or surrogate UTF-8 in a string */
    JITEMS_E_TRAILING_COMMA,   /* ",]" or ",}" */
    JITEMS_E_EXPECTED_COMMA,   /* a value not followed by ',' or the closing bracket */
    JITEMS_E_EXPECTED_COLON,   /* object key not followed by ':' */
    JITEMS_E_EXPECTED_KEY,     /* object member name is not a string */
    JITEMS_E_EXPECTED_VALUE,   /* ',' ':' or a closing bracket where a value must be */
    JITEMS_E_MISMATCH,         /* ']' closes '{' or '}' closes '[' */
    JITEMS_E_BAD_LITERAL,      /* not exactly true, false or null */
    JITEMS_E_BAD_NUMBER,       /* not an RFC 8259 number (01, 1., .5, 1e, +1) */
    JITEMS_E_TRAILING_GARBAGE, /* non-whitespace after the top-level value */
    JITEMS_E_TOO_DEEP,         /* nesting beyond LIM_DEPTH inside an item */
    JITEMS_E_ITEM_NOT_OBJECT,  /* an element of the item array is not an object */
    JITEMS_E_ITEM_TOO_BIG,     /* item exceeds LIM_ITEM even with strings cut */
    JITEMS_E_TOO_MANY_TOKENS,  /* item has more than LIM_TOKENS jsmn tokens */
    JITEMS_E_JSMN,             /* jsmn refused an item the validator accepted (bug) */
    JITEMS_E_ABORTED,          /* the item callback returned non-zero */
    JITEMS_E_COUNT
};

/* One complete item, valid only during the callback. buf holds the item
 * with whitespace outside strings removed and long strings cut; tok[0] is
 * the item object, token offsets index buf. */
struct jitems_item {
    const char *buf;
    size_t len;
    const jsmntok_t *tok;
    size_t ntok;
    uint32_t cuts;                        /* strings cut to LIM_STRING bytes */
    const uint32_t *cut_end;              /* buf offsets of cut strings' closing quotes */
    size_t ncut_end;                      /* min(cuts, LIM_ITEM_CUTS) */
    uint64_t index;                       /* 0-based position in the item array */
    uint64_t offset;                      /* body offset of the item's closing '}' */
};

/* Called for every complete item; return non-zero to stop (JITEMS_E_ABORTED). */
typedef int (*jitems_item_fn)(void *user, const struct jitems_item *item);

/* Parser state; all fields private. Size: see sizeof, about 14 KB. */
struct jitems {
    uint64_t off;        /* body bytes consumed (offset of the current byte) */
    uint64_t count;      /* items delivered */
    uint64_t arr_count;  /* items delivered from the taken array */
    jitems_item_fn fn;
    void *user;
    enum jitems_err err; /* sticky */
    uint8_t state, ret_state, depth, arr_level, arr_state, arr_rank, key_rank;
    bool wrapped, in_item, str_is_key, str_cut, esc_in_key, hi_pending;
    uint8_t utf8_need, utf8_lo, utf8_hi, u_cnt;
    uint16_t u_val;
    uint8_t lit_i, key_len;
    const char *lit;
    uint32_t str_len;
    char key[12];
    uint8_t stack[LIM_DEPTH + 2];
    uint32_t item_len, item_cuts;
    uint32_t cut_end[LIM_ITEM_CUTS];
    char item[LIM_ITEM];
    jsmntok_t tok[LIM_TOKENS];
};

/* Resets j for a new body. */
void jitems_init(struct jitems *j);

/* Consumes len bytes of the body, calling fn(user, item) for each complete
 * item. Returns JITEMS_OK or the first error; errors are sticky, and
 * jitems_offset() then gives the offset of the offending byte. */
enum jitems_err jitems_feed(struct jitems *j, const uint8_t *data, size_t len,
                            jitems_item_fn fn, void *user);

/* Ends the body: JITEMS_OK only if a complete top-level value holding an item
 * array was seen; otherwise the (sticky) error, e.g. JITEMS_E_EMPTY. */
enum jitems_err jitems_finish(struct jitems *j);

/* Body bytes consumed; after an error, the offset of the offending byte
 * (or the body length for errors found by jitems_finish). */
uint64_t jitems_offset(const struct jitems *j);

/* Items delivered to the callback so far. */
uint64_t jitems_count(const struct jitems *j);

/* True if string token t of item was cut to LIM_STRING while copying. */
bool jitems_tok_cut(const struct jitems_item *item, const jsmntok_t *t);

/* A short English description of e, never NULL. */
const char *jitems_strerror(enum jitems_err e);

#endif
