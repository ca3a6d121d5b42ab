/* jsonitems: a byte-at-a-time JSON validator that copies the elements of the
 * item array into a fixed buffer and hands each to jsmn. See jsonitems.h. */
#define JSMN_PARENT_LINKS
#define JSMN_STRICT
#define JSMN_STATIC
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#endif
#include "jsmn.h"
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include "jsonitems.h"

#include <string.h>

enum state {
    S_START, S_BOM1, S_BOM2,
    S_ARR_FIRST, S_ARR_NEXT, S_OBJ_FIRST, S_OBJ_NEXT, S_COLON, S_MEMBER_VALUE,
    S_AFTER, S_END,
    S_STR, S_ESC, S_U,
    S_NUM_MINUS, S_NUM_ZERO, S_NUM_INT, S_NUM_DOT, S_NUM_FRAC, S_NUM_E, S_NUM_ESIGN,
    S_NUM_EXP,
    S_LIT
};

enum { ARR_NONE, ARR_OPEN, ARR_CLOSED };
enum { RANK_OTHER = 4 };

static enum jitems_err step(struct jitems *j, uint8_t c);

void jitems_init(struct jitems *j)
{
    memset(j, 0, offsetof(struct jitems, item));
    j->state = S_START;
    j->arr_rank = RANK_OTHER;
}

static bool is_ws(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_delim(uint8_t c)
{
    return is_ws(c) || c == ',' || c == ']' || c == '}';
}

static bool is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

static int hex_val(uint8_t c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static enum jitems_err put(struct jitems *j, uint8_t c)
{
    if (!j->in_item)
        return JITEMS_OK;
    if (j->item_len >= LIM_ITEM)
        return JITEMS_E_ITEM_TOO_BIG;
    j->item[j->item_len++] = (char)c;
    return JITEMS_OK;
}

/* ---- containers ---------------------------------------------------------- */

static void after_value(struct jitems *j)
{
    j->state = j->depth == 0 ? S_END : S_AFTER;
}

static enum jitems_err push(struct jitems *j, uint8_t c)
{
    if (j->depth >= sizeof j->stack)
        return JITEMS_E_TOO_DEEP;
    j->stack[j->depth++] = c;
    j->state = c == '{' ? S_OBJ_FIRST : S_ARR_FIRST;
    return put(j, c);
}

static enum jitems_err item_done(struct jitems *j)
{
    jsmn_parser p;
    j->in_item = false;
    jsmn_init(&p);
    int n = jsmn_parse(&p, j->item, j->item_len, j->tok, LIM_TOKENS);
    if (n == JSMN_ERROR_NOMEM)
        return JITEMS_E_TOO_MANY_TOKENS;
    if (n < 1 || j->tok[0].type != JSMN_OBJECT)
        return JITEMS_E_JSMN;
    struct jitems_item it = {
        .buf = j->item, .len = j->item_len, .tok = j->tok, .ntok = (size_t)n,
        .cuts = j->item_cuts, .cut_end = j->cut_end,
        .ncut_end = j->item_cuts < LIM_ITEM_CUTS ? j->item_cuts : LIM_ITEM_CUTS,
        .index = j->arr_count, .offset = j->off,
    };
    j->count++;
    j->arr_count++;
    if (j->fn && j->fn(j->user, &it) != 0)
        return JITEMS_E_ABORTED;
    return JITEMS_OK;
}

static enum jitems_err close_container(struct jitems *j, uint8_t c)
{
    uint8_t want = c == '}' ? '{' : '[';
    if (j->stack[j->depth - 1] != want)
        return JITEMS_E_MISMATCH;
    enum jitems_err e = put(j, c);
    if (e != JITEMS_OK)
        return e;
    j->depth--;
    after_value(j);
    if (j->arr_state == ARR_OPEN && j->depth < j->arr_level)
        j->arr_state = ARR_CLOSED;
    if (j->depth == 0 && j->wrapped && j->arr_state == ARR_NONE)
        return JITEMS_E_NO_ARRAY;
    if (j->in_item && j->depth == j->arr_level)
        return item_done(j);
    return JITEMS_OK;
}

/* '[' as the value of a member of the top-level wrapper object */
static enum jitems_err wrapper_array(struct jitems *j)
{
    bool better = j->key_rank < j->arr_rank;
    if (j->arr_state == ARR_NONE || (better && j->arr_count == 0)) {
        j->arr_state = ARR_OPEN;
        j->arr_rank = j->key_rank;
        j->arr_level = 2;
        j->arr_count = 0;
    } else if (better) {
        return JITEMS_E_AMBIGUOUS;
    }
    return push(j, '[');
}

static enum jitems_err top_value(struct jitems *j, uint8_t c)
{
    if (c == '[') {
        j->arr_state = ARR_OPEN;
        j->arr_level = 1;
        j->arr_rank = 0;
        return push(j, c);
    }
    if (c == '{') {
        j->wrapped = true;
        return push(j, c);
    }
    if (c == '"' || c == '-' || is_digit(c) || c == 't' || c == 'f' || c == 'n')
        return JITEMS_E_TOP_PRIMITIVE;
    return JITEMS_E_NOT_JSON;
}

/* ---- scalars ------------------------------------------------------------- */

static enum jitems_err string_start(struct jitems *j, bool is_key)
{
    j->str_is_key = is_key;
    j->str_len = 0;
    j->str_cut = false;
    j->hi_pending = false;
    j->utf8_need = 0;
    j->key_len = 0;
    j->esc_in_key = false;
    j->state = S_STR;
    return put(j, '"');
}

static enum jitems_err literal_start(struct jitems *j, uint8_t c)
{
    j->lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
    j->lit_i = 1;
    j->state = S_LIT;
    return put(j, c);
}

static enum jitems_err number_start(struct jitems *j, uint8_t c)
{
    j->state = c == '-' ? S_NUM_MINUS : c == '0' ? S_NUM_ZERO : S_NUM_INT;
    return put(j, c);
}

static bool starts_value(uint8_t c)
{
    return c == '{' || c == '[' || c == '"' || c == 't' || c == 'f' || c == 'n' || c == '-' ||
           is_digit(c);
}

static enum jitems_err value_start(struct jitems *j, uint8_t c)
{
    if (j->depth == 0)
        return top_value(j, c);
    if (!starts_value(c))
        return JITEMS_E_EXPECTED_VALUE;
    if (j->arr_state == ARR_OPEN && j->depth == j->arr_level && !j->in_item) {
        if (c != '{')
            return JITEMS_E_ITEM_NOT_OBJECT;
        j->in_item = true;
        j->item_len = 0;
        j->item_cuts = 0;
    }
    if (c == '{')
        return push(j, c);
    if (c == '[')
        return j->depth == 1 && j->wrapped ? wrapper_array(j) : push(j, c);
    if (c == '"')
        return string_start(j, false);
    if (c == 't' || c == 'f' || c == 'n')
        return literal_start(j, c);
    return number_start(j, c);
}

/* NOLINTNEXTLINE(misc-no-recursion): bounded, see step() */
static enum jitems_err literal_byte(struct jitems *j, uint8_t c)
{
    if (j->lit[j->lit_i] == '\0') {
        if (!is_delim(c))
            return JITEMS_E_BAD_LITERAL;
        after_value(j);
        return step(j, c);
    }
    if (c != (uint8_t)j->lit[j->lit_i])
        return JITEMS_E_BAD_LITERAL;
    j->lit_i++;
    return put(j, c);
}

/* to when c is a digit, else S_START */
static uint8_t on_digit(uint8_t c, uint8_t to)
{
    return is_digit(c) ? to : S_START;
}

/* next number state for c, or S_START when c cannot continue the number */
static uint8_t number_next(uint8_t s, uint8_t c)
{
    bool exp = c == 'e' || c == 'E';
    switch (s) {
    case S_NUM_MINUS: return c == '0' ? S_NUM_ZERO : on_digit(c, S_NUM_INT);
    case S_NUM_ZERO: return c == '.' ? S_NUM_DOT : exp ? S_NUM_E : S_START;
    case S_NUM_INT: return c == '.' ? S_NUM_DOT : exp ? S_NUM_E : on_digit(c, S_NUM_INT);
    case S_NUM_DOT: return on_digit(c, S_NUM_FRAC);
    case S_NUM_FRAC: return exp ? S_NUM_E : on_digit(c, S_NUM_FRAC);
    case S_NUM_E: return c == '+' || c == '-' ? S_NUM_ESIGN : on_digit(c, S_NUM_EXP);
    default: return on_digit(c, S_NUM_EXP);
    }
}

/* NOLINTNEXTLINE(misc-no-recursion): bounded, see step() */
static enum jitems_err number_byte(struct jitems *j, uint8_t c)
{
    uint8_t s = j->state;
    uint8_t next = number_next(s, c);
    if (next != S_START) {
        j->state = next;
        return put(j, c);
    }
    bool can_end = s == S_NUM_ZERO || s == S_NUM_INT || s == S_NUM_FRAC || s == S_NUM_EXP;
    if (!can_end || !is_delim(c))
        return JITEMS_E_BAD_NUMBER;
    after_value(j);
    return step(j, c);
}

/* ---- strings ------------------------------------------------------------- */

/* Called where a new character (or escape) starts: cut the string here once
 * LIM_STRING bytes are kept, but never between the halves of a surrogate pair. */
static void maybe_cut(struct jitems *j, uint8_t c)
{
    bool pair = j->hi_pending && c == '\\';
    j->hi_pending = false;
    if (!j->in_item || j->str_cut || pair || j->str_len < LIM_STRING)
        return;
    j->str_cut = true;
    j->item_cuts++;
}

static enum jitems_err put_str(struct jitems *j, uint8_t c)
{
    if (j->str_cut)
        return JITEMS_OK;
    j->str_len++;
    return put(j, c);
}

static void key_byte(struct jitems *j, uint8_t c)
{
    if (!j->str_is_key || j->depth != 1 || j->in_item)
        return;
    if (j->key_len < sizeof j->key)
        j->key[j->key_len] = (char)c;
    if (j->key_len < UINT8_MAX)
        j->key_len++;
}

static uint8_t key_rank(const struct jitems *j)
{
    static const char *const names[] = {"messages", "content", "items", "data"};
    if (j->esc_in_key || j->key_len >= sizeof j->key)
        return RANK_OTHER;
    for (uint8_t i = 0; i < 4; i++)
        if (strlen(names[i]) == j->key_len && memcmp(names[i], j->key, j->key_len) == 0)
            return i;
    return RANK_OTHER;
}

static enum jitems_err string_end(struct jitems *j)
{
    enum jitems_err e = put(j, '"');
    if (e != JITEMS_OK)
        return e;
    if (j->str_cut && j->item_cuts <= LIM_ITEM_CUTS)
        j->cut_end[j->item_cuts - 1] = j->item_len - 1;
    if (!j->str_is_key) {
        after_value(j);
        return JITEMS_OK;
    }
    if (j->depth == 1 && !j->in_item)
        j->key_rank = key_rank(j);
    j->state = S_COLON;
    return JITEMS_OK;
}

/* first byte of a multi-byte UTF-8 sequence: how many follow, and the range
 * of the first continuation byte (no overlongs, surrogates or > U+10FFFF) */
static bool utf8_lead(struct jitems *j, uint8_t c)
{
    static const uint8_t tab[][5] = {
        /* from, to, need, lo, hi */
        {0xC2, 0xDF, 1, 0x80, 0xBF}, {0xE0, 0xE0, 2, 0xA0, 0xBF},
        {0xE1, 0xEC, 2, 0x80, 0xBF}, {0xED, 0xED, 2, 0x80, 0x9F},
        {0xEE, 0xEF, 2, 0x80, 0xBF}, {0xF0, 0xF0, 3, 0x90, 0xBF},
        {0xF1, 0xF3, 3, 0x80, 0xBF}, {0xF4, 0xF4, 3, 0x80, 0x8F},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        if (c >= tab[i][0] && c <= tab[i][1]) {
            j->utf8_need = tab[i][2];
            j->utf8_lo = tab[i][3];
            j->utf8_hi = tab[i][4];
            return true;
        }
    }
    return false;
}

static enum jitems_err utf8_cont(struct jitems *j, uint8_t c)
{
    if (c < j->utf8_lo || c > j->utf8_hi)
        return JITEMS_E_BAD_UTF8;
    j->utf8_lo = 0x80;
    j->utf8_hi = 0xBF;
    j->utf8_need--;
    key_byte(j, c);
    return put_str(j, c);
}

static enum jitems_err string_byte(struct jitems *j, uint8_t c)
{
    if (j->utf8_need)
        return utf8_cont(j, c);
    if (c == '"')
        return string_end(j);
    if (c < 0x20)
        return JITEMS_E_CTRL_IN_STRING;
    if (c >= 0x80 && !utf8_lead(j, c))
        return JITEMS_E_BAD_UTF8;
    maybe_cut(j, c);
    if (c == '\\') {
        j->state = S_ESC;
        j->esc_in_key = true;
    }
    key_byte(j, c);
    return put_str(j, c);
}

static enum jitems_err escape_byte(struct jitems *j, uint8_t c)
{
    if (c == 'u') {
        j->state = S_U;
        j->u_cnt = 0;
        j->u_val = 0;
    } else if (strchr("\"\\/bfnrt", c) != NULL && c != '\0') {
        j->state = S_STR;
    } else {
        return JITEMS_E_BAD_ESCAPE;
    }
    return put_str(j, c);
}

static enum jitems_err unicode_byte(struct jitems *j, uint8_t c)
{
    int v = hex_val(c);
    if (v < 0)
        return JITEMS_E_BAD_ESCAPE;
    j->u_val = (uint16_t)(j->u_val << 4 | v);
    if (++j->u_cnt == 4) {
        j->state = S_STR;
        j->hi_pending = j->u_val >= 0xD800 && j->u_val <= 0xDBFF;
    }
    return put_str(j, c);
}

/* ---- structure ----------------------------------------------------------- */

static enum jitems_err start_byte(struct jitems *j, uint8_t c)
{
    if (j->state == S_BOM1 || j->state == S_BOM2) {
        if (c != (j->state == S_BOM1 ? 0xBB : 0xBF))
            return JITEMS_E_NOT_JSON;
        j->state = j->state == S_BOM1 ? S_BOM2 : S_START;
        return JITEMS_OK;
    }
    if (c == 0xEF && j->off == 0) {
        j->state = S_BOM1;
        return JITEMS_OK;
    }
    return is_ws(c) ? JITEMS_OK : value_start(j, c);
}

static enum jitems_err after_byte(struct jitems *j, uint8_t c)
{
    if (c == ',') {
        j->state = j->stack[j->depth - 1] == '[' ? S_ARR_NEXT : S_OBJ_NEXT;
        return put(j, c);
    }
    if (c == ']' || c == '}')
        return close_container(j, c);
    return JITEMS_E_EXPECTED_COMMA;
}

static enum jitems_err member_byte(struct jitems *j, uint8_t c)
{
    bool first = j->state == S_OBJ_FIRST;
    if (c == '"')
        return string_start(j, true);
    if (c == '}')
        return first ? close_container(j, c) : JITEMS_E_TRAILING_COMMA;
    if (c == ']' && first)
        return JITEMS_E_MISMATCH;
    return JITEMS_E_EXPECTED_KEY;
}

static enum jitems_err element_byte(struct jitems *j, uint8_t c)
{
    if (c == ']')
        return j->state == S_ARR_FIRST ? close_container(j, c) : JITEMS_E_TRAILING_COMMA;
    if (c == '}' && j->state == S_ARR_FIRST)
        return JITEMS_E_MISMATCH;
    return value_start(j, c);
}

static enum jitems_err colon_byte(struct jitems *j, uint8_t c)
{
    if (c != ':')
        return JITEMS_E_EXPECTED_COLON;
    j->state = S_MEMBER_VALUE;
    return put(j, c);
}

static enum jitems_err member_value_byte(struct jitems *j, uint8_t c)
{
    if (c == '}' || c == ']')
        return JITEMS_E_EXPECTED_VALUE;
    return value_start(j, c);
}

static enum jitems_err structural(struct jitems *j, uint8_t c)
{
    if (is_ws(c))
        return JITEMS_OK;
    switch (j->state) {
    case S_ARR_FIRST:
    case S_ARR_NEXT: return element_byte(j, c);
    case S_OBJ_FIRST:
    case S_OBJ_NEXT: return member_byte(j, c);
    case S_COLON: return colon_byte(j, c);
    case S_MEMBER_VALUE: return member_value_byte(j, c);
    case S_AFTER: return after_byte(j, c);
    default: return JITEMS_E_TRAILING_GARBAGE; /* S_END */
    }
}

/* A literal or number ends at the delimiter after it: literal_byte() and
 * number_byte() hand that byte back to step() in a structural state, which
 * a delimiter never leaves for a literal or number, so the depth is 2. */
/* NOLINTNEXTLINE(misc-no-recursion): bounded at depth 2, as above */
static enum jitems_err step(struct jitems *j, uint8_t c)
{
    switch (j->state) {
    case S_START:
    case S_BOM1:
    case S_BOM2: return start_byte(j, c);
    case S_STR: return string_byte(j, c);
    case S_ESC: return escape_byte(j, c);
    case S_U: return unicode_byte(j, c);
    case S_LIT: return literal_byte(j, c);
    default:
        if (j->state >= S_NUM_MINUS)
            return number_byte(j, c);
        return structural(j, c);
    }
}

/* fast path: plain string bytes that are not cut, not keys and not UTF-8 */
static size_t string_run(struct jitems *j, const uint8_t *d, size_t len)
{
    size_t n = 0;
    if (!j->in_item || j->str_is_key || j->str_cut || j->hi_pending)
        return 0;
    size_t room = LIM_ITEM - j->item_len;
    size_t keep = LIM_STRING > j->str_len ? LIM_STRING - j->str_len : 0;
    size_t max = len < room ? len : room;
    max = max < keep ? max : keep;
    while (n < max && d[n] >= 0x20 && d[n] < 0x80 && d[n] != '"' && d[n] != '\\')
        n++;
    memcpy(j->item + j->item_len, d, n);
    j->item_len += (uint32_t)n;
    j->str_len += (uint32_t)n;
    return n;
}

enum jitems_err jitems_feed(struct jitems *j, const uint8_t *data, size_t len,
                            jitems_item_fn fn, void *user)
{
    j->fn = fn;
    j->user = user;
    for (size_t i = 0; i < len && j->err == JITEMS_OK;) {
        if (j->state == S_STR && j->utf8_need == 0) {
            size_t n = string_run(j, data + i, len - i);
            i += n;
            j->off += n;
            if (i == len)
                break;
        }
        j->err = step(j, data[i]);
        if (j->err == JITEMS_OK) {
            i++;
            j->off++;
        }
    }
    return j->err;
}

enum jitems_err jitems_finish(struct jitems *j)
{
    if (j->err != JITEMS_OK)
        return j->err;
    switch (j->state) {
    case S_END: return JITEMS_OK;
    case S_START: j->err = JITEMS_E_EMPTY; break;
    case S_BOM1:
    case S_BOM2: j->err = JITEMS_E_NOT_JSON; break;
    case S_STR:
    case S_ESC:
    case S_U: j->err = JITEMS_E_UNTERMINATED_STR; break;
    default: j->err = JITEMS_E_UNCLOSED; break;
    }
    return j->err;
}

uint64_t jitems_offset(const struct jitems *j)
{
    return j->off;
}

uint64_t jitems_count(const struct jitems *j)
{
    return j->count;
}

bool jitems_tok_cut(const struct jitems_item *item, const jsmntok_t *t)
{
    if (t->type != JSMN_STRING || item->cuts == 0)
        return false;
    for (size_t i = 0; i < item->ncut_end; i++)
        if (item->cut_end[i] == (uint32_t)t->end)
            return true;
    /* positions beyond LIM_ITEM_CUTS are not remembered: assume cut */
    return item->cuts > item->ncut_end && (size_t)(t->end - t->start) >= LIM_STRING;
}

const char *jitems_strerror(enum jitems_err e)
{
    static const char *const msg[JITEMS_E_COUNT] = {
        [JITEMS_OK] = "ok",
        [JITEMS_E_EMPTY] = "empty body: expected a JSON array or object",
        [JITEMS_E_NOT_JSON] = "body is not JSON: expected '[' or '{'",
        [JITEMS_E_TOP_PRIMITIVE] = "top-level value is not an array or object",
        [JITEMS_E_NO_ARRAY] = "object holds no array of messages",
        [JITEMS_E_AMBIGUOUS] = "object holds two message arrays",
        [JITEMS_E_UNTERMINATED_STR] = "body ends inside a string",
        [JITEMS_E_UNCLOSED] = "body ends before the array or object is closed",
        [JITEMS_E_BAD_ESCAPE] = "invalid escape in a string",
        [JITEMS_E_CTRL_IN_STRING] = "control character in a string",
        [JITEMS_E_BAD_UTF8] = "invalid UTF-8 in a string",
        [JITEMS_E_TRAILING_COMMA] = "trailing comma",
        [JITEMS_E_EXPECTED_COMMA] = "expected ',' or a closing bracket",
        [JITEMS_E_EXPECTED_COLON] = "expected ':' after a member name",
        [JITEMS_E_EXPECTED_KEY] = "expected a member name in quotes",
        [JITEMS_E_EXPECTED_VALUE] = "expected a value",
        [JITEMS_E_MISMATCH] = "closing bracket does not match",
        [JITEMS_E_BAD_LITERAL] = "invalid literal (only true, false, null)",
        [JITEMS_E_BAD_NUMBER] = "invalid number",
        [JITEMS_E_TRAILING_GARBAGE] = "data after the end of the JSON value",
        [JITEMS_E_TOO_DEEP] = "nesting too deep",
        [JITEMS_E_ITEM_NOT_OBJECT] = "array element is not an object",
        [JITEMS_E_ITEM_TOO_BIG] = "item too large for the item buffer",
        [JITEMS_E_TOO_MANY_TOKENS] = "item has too many members",
        [JITEMS_E_JSMN] = "internal error: jsmn refused a valid item",
        [JITEMS_E_ABORTED] = "stopped by the item handler",
    };
    if ((unsigned)e >= JITEMS_E_COUNT)
        return "unknown jsonitems error";
    return msg[e];
}
