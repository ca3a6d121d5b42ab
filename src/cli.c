/* Options, environment and config file -> struct config. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "query.h"
#include "timefmt.h"

/* --since at most 100 years: the window must stay within 0000-9999 */
#define CLI_MAX_SINCE_MS (36500LL * 86400 * 1000)

/* where a value came from: later sources override earlier ones */
enum source { SRC_CONFIG = 1, SRC_ENV, SRC_ARGS };

struct pstate {
    struct config *c;
    const struct cli_io *io;
    enum source src;
    const char *where; /* "--limit" or "FILE:LINE: limit" for messages */
    int win_src;       /* source that chose the window, to catch conflicts */
    enum window_kind win_kind;
    bool from_set, to_set, status_any, tz_set, every_set, count_set;
    int tz_off;
    bool format_set;
    char where_buf[LIM_PATH + 128]; /* what p->where points at while parsing */
    char date[16];
};

typedef enum cli_err (*opt_fn)(struct pstate *p, const char *v);

struct opt {
    const char *name;
    bool takes_value;
    opt_fn fn;
};

static enum cli_err bad(struct pstate *p, const char *v, const char *valid)
{
    snprintf(p->c->msg, sizeof p->c->msg, "%s '%.80s' is not valid; %s", p->where, v, valid);
    return CLI_BAD_VALUE;
}

static enum cli_err conflict(struct pstate *p, const char *what)
{
    snprintf(p->c->msg, sizeof p->c->msg, "%s %s", p->where, what);
    return CLI_CONFLICT;
}

static bool parse_u64(const char *v, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    if (*v < '0' || *v > '9')
        return false;
    unsigned long long n = strtoull(v, &end, 10);
    if (*end || n < lo || n > hi)
        return false;
    *out = n;
    return true;
}

static enum cli_err set_u32(struct pstate *p, const char *v, uint32_t lo, uint32_t hi,
                            uint32_t *dst)
{
    uint64_t n;
    char valid[48];
    snprintf(valid, sizeof valid, "use a whole number from %u to %u", (unsigned)lo, (unsigned)hi);
    if (!parse_u64(v, lo, hi, &n))
        return bad(p, v, valid);
    *dst = (uint32_t)n;
    return CLI_OK;
}

static enum cli_err set_str(struct pstate *p, const char *v, char *dst, size_t cap)
{
    if (strlen(v) >= cap || *v == '\0')
        return bad(p, v, "it is empty or too long");
    strcpy(dst, v);
    return CLI_OK;
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *yes[] = {"1", "true", "yes", "on"}, *no[] = {"0", "false", "no", "off"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(v, yes[i]) == 0 || strcmp(v, no[i]) == 0) {
            *out = strcmp(v, yes[i]) == 0;
            return true;
        }
    }
    return false;
}

/* flags take no value on the command line, and true/false in a config file */
static enum cli_err set_flag(struct pstate *p, const char *v, bool *dst)
{
    if (!v) {
        *dst = true;
        return CLI_OK;
    }
    return parse_bool(v, dst) ? CLI_OK : bad(p, v, "use true or false");
}

static enum cli_err choose_window(struct pstate *p, enum window_kind k)
{
    if (p->win_src == (int)p->src && p->win_kind != k)
        return conflict(p, "conflicts with another time option: give --since, --date or --from/--to");
    if (p->win_src != (int)p->src) {
        p->from_set = p->to_set = false;
        p->date[0] = '\0';
    }
    p->win_src = (int)p->src;
    p->win_kind = k;
    p->c->window = k;
    return CLI_OK;
}

/* ---- secrets ------------------------------------------------------------ */

/* a control byte in a secret would break the header it is sent in */
static bool has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

static enum cli_err read_secret(struct pstate *p, const char *path, enum auth_kind kind)
{
    struct config *c = p->c;
    size_t len = 0;
    unsigned mode = 0;
    if (*path == '\0')
        return bad(p, path, "give the path of a file");
    int err = p->io->read_file(path, c->secret, sizeof c->secret, &len, &mode);
    if (err) {
        snprintf(c->msg, sizeof c->msg, "%s '%.200s': %s", p->where, path, strerror(err));
        return CLI_FILE;
    }
    while (len > 0 && (c->secret[len - 1] == '\n' || c->secret[len - 1] == '\r' ||
                       c->secret[len - 1] == ' ' || c->secret[len - 1] == '\t'))
        len--;
    c->secret[len] = '\0';
    if (len == 0 || strlen(c->secret) != len || has_ctl(c->secret)) {
        snprintf(c->msg, sizeof c->msg, "%s '%.200s': the file must hold one line (%s)", p->where,
                 path, kind == AUTH_KEY ? "the API key" : "user:password");
        return CLI_BAD_VALUE;
    }
    if (kind == AUTH_BASIC && !strchr(c->secret, ':')) {
        snprintf(c->msg, sizeof c->msg, "%s '%.200s': expected one line user:password", p->where,
                 path);
        return CLI_BAD_VALUE;
    }
    if (mode & 077)
        snprintf(c->warn, sizeof c->warn,
                 "warning: %.200s can be read by group or others; chmod 600 it", path);
    c->auth = kind;
    return CLI_OK;
}

static enum cli_err o_key_file(struct pstate *p, const char *v)
{
    return read_secret(p, v, AUTH_KEY);
}

static enum cli_err o_basic_file(struct pstate *p, const char *v)
{
    return read_secret(p, v, AUTH_BASIC);
}

/* ---- values ------------------------------------------------------------- */

static enum cli_err o_url(struct pstate *p, const char *v)
{
    struct url u;
    enum query_err e = query_parse_url(v, &u);
    if (e != QUERY_OK)
        return bad(p, v, query_strerror(e));
    return set_str(p, v, p->c->url, sizeof p->c->url);
}

static int channel_of(const char *s, size_t n)
{
    for (int ch = 0; ch < REC_CH_COUNT; ch++) {
        const char *name = rec_channel_name((enum rec_channel)ch);
        if (strlen(name) == n && strncasecmp(name, s, n) == 0)
            return ch;
    }
    return -1;
}

static enum cli_err o_channel(struct pstate *p, const char *v)
{
    struct config *c = p->c;
    c->nchannels = 0;
    for (const char *s = v;; s++) {
        size_t n = strcspn(s, ",");
        int ch = channel_of(s, n);
        if (ch < 0)
            return bad(p, v, "use a comma list of SMS, RCS, WHATSAPP");
        for (size_t i = 0; i < c->nchannels; i++)
            if (c->channels[i] == (enum rec_channel)ch)
                return bad(p, v, "a channel is listed twice");
        c->channels[c->nchannels++] = (enum rec_channel)ch;
        s += n;
        if (*s == '\0')
            return CLI_OK;
    }
}

/* the offset a valid OffsetDateTime was written in, to send it back in */
static int offset_of(const char *v)
{
    const char *t = strchr(v, 'T');
    const char *o = t ? strpbrk(t, "Z+-") : NULL;
    int off = 0;
    if (o)
        tf_parse_offset(o, &off);
    return off;
}

static enum cli_err parse_time(struct pstate *p, const char *v, int64_t *ms, int *off)
{
    enum tf_err e = tf_parse(v, strlen(v), ms);
    if (e != TF_OK)
        return bad(p, v, tf_strerror(e));
    *off = offset_of(v);
    return CLI_OK;
}

static enum cli_err o_from(struct pstate *p, const char *v)
{
    enum cli_err e = choose_window(p, WIN_RANGE);
    if (e == CLI_OK)
        e = parse_time(p, v, &p->c->from_ms, &p->c->from_off);
    p->from_set = e == CLI_OK;
    return e;
}

static enum cli_err o_to(struct pstate *p, const char *v)
{
    enum cli_err e = choose_window(p, WIN_RANGE);
    if (e == CLI_OK)
        e = parse_time(p, v, &p->c->to_ms, &p->c->to_off);
    p->to_set = e == CLI_OK;
    return e;
}

static enum cli_err o_since(struct pstate *p, const char *v)
{
    enum cli_err e = choose_window(p, WIN_SINCE);
    if (e != CLI_OK)
        return e;
    if (tf_parse_duration(v, &p->c->since_ms) != TF_OK || p->c->since_ms <= 0 ||
        p->c->since_ms > CLI_MAX_SINCE_MS)
        return bad(p, v, "use a duration such as 90m, 24h or 7d (at most 36500d)");
    return CLI_OK;
}

static enum cli_err o_date(struct pstate *p, const char *v)
{
    enum cli_err e = choose_window(p, WIN_DATE);
    if (e != CLI_OK)
        return e;
    int64_t a, b;
    if (strlen(v) != 10 || tf_parse_date(v, 0, &a, &b) != TF_OK)
        return bad(p, v, "use a day as YYYY-MM-DD, e.g. 2026-04-09");
    strcpy(p->date, v);
    return CLI_OK;
}

static enum cli_err o_tz(struct pstate *p, const char *v)
{
    if (tf_parse_offset(v, &p->tz_off) != TF_OK)
        return bad(p, v, "use Z, UTC, +01:00, -0530 (an offset up to 18:00)");
    p->tz_set = true;
    return CLI_OK;
}

static enum cli_err o_status(struct pstate *p, const char *v)
{
    return set_str(p, v, p->c->status, sizeof p->c->status);
}

static enum cli_err o_status_any(struct pstate *p, const char *v)
{
    return set_flag(p, v, &p->status_any);
}

static enum cli_err o_limit(struct pstate *p, const char *v)
{
    return set_u32(p, v, 1, 1000, &p->c->limit);
}

static enum cli_err o_max_pages(struct pstate *p, const char *v)
{
    return set_u32(p, v, 1, 100000000, &p->c->max_pages);
}

static enum cli_err o_format(struct pstate *p, const char *v)
{
    static const char *names[] = {"text", "json", "kv", "prom"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(v, names[i]) == 0) {
            p->c->format = (enum report_format)i;
            p->format_set = true;
            return CLI_OK;
        }
    }
    return bad(p, v, "use text, json, kv or prom");
}

static enum cli_err o_output(struct pstate *p, const char *v)
{
    return set_str(p, v, p->c->output, sizeof p->c->output);
}

static enum cli_err o_baud(struct pstate *p, const char *v)
{
    static const uint32_t ok[] = {1200,  2400,   4800,   9600,   19200, 38400,
                                  57600, 115200, 230400, 460800, 921600};
    uint64_t n;
    if (parse_u64(v, 1200, 921600, &n)) {
        for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
            if (ok[i] == n) {
                p->c->baud = (uint32_t)n;
                return CLI_OK;
            }
        }
    }
    return bad(p, v, "use 1200 2400 4800 9600 19200 38400 57600 115200 230400 460800 or 921600");
}

static enum cli_err o_timeout(struct pstate *p, const char *v)
{
    return set_u32(p, v, 1, 3600, &p->c->timeout_s);
}

static enum cli_err o_retries(struct pstate *p, const char *v)
{
    return set_u32(p, v, 0, 100, &p->c->retries);
}

/* a decimal with up to 3 places, 0.001 to 1000 */
static enum cli_err o_rate(struct pstate *p, const char *v)
{
    uint64_t whole = 0, frac = 0;
    const char *s = v;
    for (; *s >= '0' && *s <= '9' && whole <= 1000; s++)
        whole = whole * 10 + (uint64_t)(*s - '0');
    if (*s == '.' && s > v) {
        uint64_t scale = 1000;
        for (s++; *s >= '0' && *s <= '9' && scale > 1; s++)
            frac += (uint64_t)(*s - '0') * (scale /= 10);
    }
    uint64_t milli = whole * 1000 + frac;
    if (*s || s == v || milli == 0 || milli > 1000000)
        return bad(p, v, "use requests per second from 0.001 to 1000, e.g. 5 or 0.5");
    p->c->rate_milli = (uint32_t)milli;
    return CLI_OK;
}

static enum cli_err o_every(struct pstate *p, const char *v)
{
    if (tf_parse_duration(v, &p->c->every_ms) != TF_OK)
        return bad(p, v, "use a duration such as 0, 30s, 5m or 1h");
    p->every_set = true;
    return CLI_OK;
}

static enum cli_err o_count(struct pstate *p, const char *v)
{
    if (!parse_u64(v, 1, UINT64_MAX / 2, &p->c->count))
        return bad(p, v, "use a whole number of cycles, 1 or more");
    p->count_set = true;
    return CLI_OK;
}

static enum cli_err o_cacert(struct pstate *p, const char *v)
{
    return set_str(p, v, p->c->cacert, sizeof p->c->cacert);
}

static enum cli_err o_insecure(struct pstate *p, const char *v)
{
    return set_flag(p, v, &p->c->insecure);
}

static enum cli_err o_plain(struct pstate *p, const char *v)
{
    return set_flag(p, v, &p->c->allow_plaintext);
}

static enum cli_err o_quiet(struct pstate *p, const char *v)
{
    return set_flag(p, v, &p->c->quiet);
}

static enum cli_err o_checksum(struct pstate *p, const char *v)
{
    return set_flag(p, v, &p->c->kv_checksum);
}

static enum cli_err o_stats(struct pstate *p, const char *v)
{
    return set_flag(p, v, &p->c->stats);
}

static enum cli_err o_verbose(struct pstate *p, const char *v)
{
    bool on = true;
    if (v && !parse_bool(v, &on))
        return bad(p, v, "use true or false");
    p->c->verbose = on ? p->c->verbose + 1 : 0;
    return CLI_OK;
}

static enum cli_err o_help(struct pstate *p, const char *v)
{
    return set_flag(p, v, &p->c->help);
}

static enum cli_err o_version(struct pstate *p, const char *v)
{
    return set_flag(p, v, &p->c->version);
}

static enum cli_err o_config(struct pstate *p, const char *v)
{
    (void)p;
    (void)v; /* read before everything else, in cli_parse */
    return CLI_OK;
}

static const struct opt opts[] = {
    {"url", true, o_url},
    {"api-key-file", true, o_key_file},
    {"basic-auth-file", true, o_basic_file},
    {"channel", true, o_channel},
    {"from", true, o_from},
    {"to", true, o_to},
    {"since", true, o_since},
    {"date", true, o_date},
    {"tz", true, o_tz},
    {"status", true, o_status},
    {"status-any", false, o_status_any},
    {"limit", true, o_limit},
    {"max-pages", true, o_max_pages},
    {"format", true, o_format},
    {"output", true, o_output},
    {"baud", true, o_baud},
    {"timeout", true, o_timeout},
    {"retries", true, o_retries},
    {"rate", true, o_rate},
    {"every", true, o_every},
    {"count", true, o_count},
    {"cacert", true, o_cacert},
    {"insecure", false, o_insecure},
    {"allow-plaintext", false, o_plain},
    {"kv-checksum", false, o_checksum},
    {"stats", false, o_stats},
    {"verbose", false, o_verbose},
    {"quiet", false, o_quiet},
    {"help", false, o_help},
    {"version", false, o_version},
    {"config", true, o_config},
};

static const struct opt *find_opt(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        if (strlen(opts[i].name) == n && strncmp(opts[i].name, name, n) == 0)
            return &opts[i];
    return NULL;
}

static void defaults(struct config *c)
{
    memset(c, 0, sizeof *c);
    strcpy(c->url, CLI_DEFAULT_URL);
    for (int i = 0; i < REC_CH_COUNT; i++)
        c->channels[i] = (enum rec_channel)i;
    c->nchannels = REC_CH_COUNT;
    c->window = WIN_SINCE;
    c->since_ms = 24LL * 3600 * 1000;
    c->to_ms = -1;
    c->limit = 100;
    c->max_pages = 100000;
    strcpy(c->output, "-");
    c->baud = 115200;
    c->timeout_s = 15;
    c->retries = 5;
    c->rate_milli = 5000;
    c->every_ms = -1;
}

/* ---- config file ---------------------------------------------------------- */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static enum cli_err config_line(struct pstate *p, const char *path, unsigned lineno, char *line)
{
    char *s = trim(line);
    if (*s == '\0' || *s == '#')
        return CLI_OK;
    char *eq = strchr(s, '=');
    if (!eq) {
        snprintf(p->c->msg, sizeof p->c->msg, "%.200s:%u: expected 'key = value', got '%.60s'",
                 path, lineno, s);
        return CLI_BAD_VALUE;
    }
    *eq = '\0';
    char *key = trim(s), *val = trim(eq + 1);
    const struct opt *o = find_opt(key, strlen(key));
    if (!o || strcmp(key, "config") == 0) {
        snprintf(p->c->msg, sizeof p->c->msg,
                 "%.200s:%u: unknown key '%.60s'; keys are the long option names of --help", path,
                 lineno, key);
        return CLI_UNKNOWN_OPT;
    }
    snprintf(p->where_buf, sizeof p->where_buf, "%.200s:%u: %s", path, lineno, key);
    p->where = p->where_buf;
    return o->fn(p, val);
}

static enum cli_err read_config(struct pstate *p, const char *path)
{
    static char text[16384];
    size_t len = 0;
    unsigned mode;
    int err = p->io->read_file(path, text, sizeof text, &len, &mode);
    if (err) {
        snprintf(p->c->msg, sizeof p->c->msg, "--config '%.200s': %s", path, strerror(err));
        return CLI_FILE;
    }
    text[len] = '\0';
    if (memchr(text, '\0', len)) {
        unsigned at = 1;
        for (const char *q = text; *q; q++)
            at += *q == '\n';
        snprintf(p->c->msg, sizeof p->c->msg,
                 "%.200s:%u: NUL byte; a config file is text, key = value lines", path, at);
        return CLI_BAD_VALUE;
    }
    p->src = SRC_CONFIG;
    unsigned lineno = 0;
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        if (strlen(line) >= LIM_CONFIG_LINE) {
            snprintf(p->c->msg, sizeof p->c->msg, "%.200s:%u: line longer than %u bytes", path,
                     lineno, LIM_CONFIG_LINE);
            return CLI_BAD_VALUE;
        }
        enum cli_err e = config_line(p, path, lineno, line);
        if (e != CLI_OK)
            return e;
        line = nl ? nl + 1 : NULL;
    }
    return CLI_OK;
}

/* ---- command line ------------------------------------------------------------ */

static enum cli_err arg_opt(struct pstate *p, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (strcmp(a, "-v") == 0 || strcmp(a, "-q") == 0 || strcmp(a, "-h") == 0) {
        p->where = a;
        return a[1] == 'v' ? o_verbose(p, NULL) : a[1] == 'q' ? o_quiet(p, NULL) : o_help(p, NULL);
    }
    const char *name = a + 2, *eq = strchr(a, '=');
    size_t n = eq ? (size_t)(eq - name) : strlen(name);
    const struct opt *o = strncmp(a, "--", 2) == 0 ? find_opt(name, n) : NULL;
    if (!o) {
        snprintf(p->c->msg, sizeof p->c->msg, "unknown option '%.60s'; see gwhist --help", a);
        return CLI_UNKNOWN_OPT;
    }
    snprintf(p->where_buf, sizeof p->where_buf, "--%s", o->name);
    p->where = p->where_buf;
    if (!o->takes_value)
        return eq ? o->fn(p, eq + 1) : o->fn(p, NULL);
    if (eq)
        return o->fn(p, eq + 1);
    if (*i + 1 >= argc) {
        snprintf(p->c->msg, sizeof p->c->msg, "--%s needs a value; see gwhist --help", o->name);
        return CLI_MISSING_ARG;
    }
    return o->fn(p, argv[++*i]);
}

static const char *find_config(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            return argv[i + 1];
        if (strncmp(argv[i], "--config=", 9) == 0)
            return argv[i] + 9;
    }
    return NULL;
}

static enum cli_err apply_env(struct pstate *p)
{
    const char *url = p->io->getenv("GWHIST_URL");
    const char *key = p->io->getenv("GWHIST_API_KEY");
    p->src = SRC_ENV;
    if (url && *url) {
        p->where = "GWHIST_URL";
        enum cli_err e = o_url(p, url);
        if (e != CLI_OK)
            return e;
    }
    if (key && *key) {
        if (strlen(key) >= sizeof p->c->secret || has_ctl(key)) {
            snprintf(p->c->msg, sizeof p->c->msg,
                     "GWHIST_API_KEY is too long or has a control character (at most %u printable "
                     "bytes)",
                     LIM_SECRET - 1);
            return CLI_BAD_VALUE;
        }
        strcpy(p->c->secret, key);
        p->c->auth = AUTH_KEY;
    }
    return CLI_OK;
}

/* ---- checks after every source -------------------------------------------------- */

static bool known_status(const char *s)
{
    for (int i = 0; i < REC_OTHER; i++)
        if (strcmp(s, rec_status_name((enum rec_status)i)) == 0)
            return true;
    return false;
}

static enum cli_err finish_window(struct pstate *p)
{
    struct config *c = p->c;
    if (c->window == WIN_RANGE && !p->from_set) {
        snprintf(c->msg, sizeof c->msg, "--to needs --from (e.g. --from 2026-04-09T00:00:00Z)");
        return CLI_CONFLICT;
    }
    if (c->window == WIN_RANGE && !p->to_set)
        c->to_ms = -1; /* until now */
    if (c->window == WIN_DATE) {
        int off = p->tz_set ? p->tz_off : p->io->local_off;
        tf_parse_date(p->date, off, &c->from_ms, &c->to_ms);
        c->from_off = c->to_off = off;
    } else if (p->tz_set) {
        snprintf(c->msg, sizeof c->msg, "--tz only applies to --date");
        return CLI_CONFLICT;
    }
    return CLI_OK;
}

static enum cli_err finish(struct pstate *p)
{
    struct config *c = p->c;
    enum cli_err e = finish_window(p);
    if (e != CLI_OK)
        return e;
    if (c->status[0] && !p->status_any && !known_status(c->status)) {
        snprintf(c->msg, sizeof c->msg,
                 "--status '%.31s' is not valid; use DELIVERED, SENT, RECEIVED, ERROR, EXPIRED or "
                 "UNKNOWN (or add --status-any to send it anyway)",
                 c->status);
        return CLI_BAD_VALUE;
    }
    if (p->count_set && !p->every_set) {
        snprintf(c->msg, sizeof c->msg, "--count needs --every (e.g. --every 5m --count 12)");
        return CLI_CONFLICT;
    }
    if (!p->format_set)
        c->format = (strcmp(c->output, "-") == 0 && p->io->stdout_is_tty) ? REPORT_TEXT : REPORT_JSON;
    if (c->help || c->version)
        return CLI_EXIT;
    if (c->auth == AUTH_NONE) {
        snprintf(c->msg, sizeof c->msg,
                 "no credentials: set GWHIST_API_KEY, or give --api-key-file PATH or "
                 "--basic-auth-file PATH (one line user:password)");
        return CLI_NO_CREDENTIALS;
    }
    return CLI_OK;
}

enum cli_err cli_parse(struct config *cfg, int argc, char **argv, const struct cli_io *io)
{
    struct pstate p;
    memset(&p, 0, sizeof p);
    p.c = cfg;
    p.io = io;
    p.where = "";
    defaults(cfg);
    const char *conf = find_config(argc, argv);
    enum cli_err e = conf ? read_config(&p, conf) : CLI_OK;
    if (e == CLI_OK)
        e = apply_env(&p);
    p.src = SRC_ARGS;
    for (int i = 1; i < argc && argv[i] != NULL && e == CLI_OK; i++) {
        if (argv[i][0] != '-' || argv[i][1] == '\0') {
            snprintf(cfg->msg, sizeof cfg->msg,
                     "unexpected argument '%.60s'; options start with -- (see gwhist --help)",
                     argv[i]);
            return CLI_UNKNOWN_OPT;
        }
        e = arg_opt(&p, argc, argv, &i);
    }
    return e == CLI_OK ? finish(&p) : e;
}

const char *cli_usage(void)
{
    return "gwhist " GWHIST_VERSION " - delivery summary of a messaging gateway's history\n"
           "\n"
           "usage: gwhist [options]\n"
           "\n"
           "examples:\n"
           "  GWHIST_API_KEY=... gwhist                      last 24 hours, all channels\n"
           "  gwhist --api-key-file /etc/gwhist.key --channel sms --since 90m\n"
           "  gwhist --date 2026-04-09 --tz +02:00 --format json\n"
           "  gwhist --from 2026-04-01T00:00:00Z --to 2026-04-30T23:59:59Z --status ERROR\n"
           "  gwhist --every 5m --format prom --output /var/lib/node_exporter/gwhist.prom\n"
           "  gwhist --every 1m --format kv --kv-checksum --output /dev/ttyS1 --baud 9600\n"
           "  gwhist --config /etc/gwhist.conf\n"
           "\n"
           "gateway:\n"
           "  --url URL              API base with its path prefix (env GWHIST_URL)\n"
           "                         default " CLI_DEFAULT_URL "\n"
           "  credentials, never on the command line:\n"
           "    GWHIST_API_KEY=KEY     sent as X-Api-Key\n"
           "    --api-key-file PATH    a file holding the key (chmod 600)\n"
           "    --basic-auth-file PATH a file holding user:password (HTTP Basic)\n"
           "  --cacert PATH          CA bundle (default: the system bundle)\n"
           "  --insecure             do not verify the certificate (warns every run)\n"
           "  --allow-plaintext      allow http:// with credentials to a non-loopback host\n"
           "  https_proxy, no_proxy  environment: CONNECT proxy, as curl uses them\n"
           "\n"
           "what to ask:\n"
           "  --channel LIST         SMS,RCS,WHATSAPP (any case; default all three)\n"
           "  --since DURATION       window ending now: 90m, 24h, 7d (default 24h)\n"
           "  --from T [--to T]      ISO-8601 with offset: 2026-04-09T10:00:00+02:00 or ...Z\n"
           "                         (--to defaults to now)\n"
           "  --date YYYY-MM-DD      that whole day in --tz (default: the host's offset)\n"
           "  --tz OFFSET            Z, +02:00, -0530\n"
           "  --status S             DELIVERED, SENT, RECEIVED, ERROR, EXPIRED, UNKNOWN\n"
           "  --status-any           send a --status value gwhist does not know\n"
           "  --limit N              page size, 1-1000 (default 100)\n"
           "  --max-pages N          safety cap per channel (default 100000)\n"
           "\n"
           "network:\n"
           "  --timeout SECONDS      per network operation (default 15)\n"
           "  --retries N            per page, on errors, 429 and 5xx (default 5)\n"
           "  --rate R               at most R requests per second (default 5)\n"
           "\n"
           "output:\n"
           "  --format F             text (default on a terminal), json, kv, prom\n"
           "  --output PATH          - (stdout, default), a file (replaced atomically),\n"
           "                         or a serial device (raw 8N1)\n"
           "  --baud N               serial speed, 1200-921600 (default 115200)\n"
           "  --kv-checksum          end kv lines with an NMEA-style *HH checksum\n"
           "\n"
           "agent:\n"
           "  --every DURATION       repeat: one summary per cycle (0 = back to back)\n"
           "  --count N              stop after N cycles (with --every)\n"
           "  --config PATH          key = value lines; keys are the long option names\n"
           "  --stats                print memory high-water marks to stderr at exit\n"
           "  -v, --verbose          log requests to stderr (the key shows as ***)\n"
           "  -q, --quiet            no warnings\n"
           "  --version              version, mbedTLS, target (with --verbose: memory budget)\n"
           "  -h, --help             this text\n"
           "\n"
           "exit status: 0 complete, 1 a channel incomplete, 2 usage or configuration error,\n"
           "3 the gateway refused the credentials (401/403)\n";
}
