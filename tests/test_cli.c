/* cli: precedence (defaults < config < env < flags), every usage error with
 * exit-2 class and a message naming the value, config-file errors with
 * file:line, credentials from files and the environment. */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>

#include "cli.h"

/* ---- a fake OS -------------------------------------------------------------- */
static const char *env_url, *env_key;
static struct {
    const char *path, *text;
    unsigned mode;
} files[8];

static const char *fake_getenv(const char *name)
{
    if (strcmp(name, "GWHIST_URL") == 0)
        return env_url;
    if (strcmp(name, "GWHIST_API_KEY") == 0)
        return env_key;
    return NULL;
}

static int fake_read(const char *path, char *buf, size_t cap, size_t *len, unsigned *mode)
{
    for (size_t i = 0; i < ARRAY_LEN(files) && files[i].path; i++) {
        if (strcmp(files[i].path, path) == 0) {
            size_t n = strlen(files[i].text);
            if (n >= cap)
                return EFBIG;
            memcpy(buf, files[i].text, n);
            *len = n;
            *mode = files[i].mode;
            return 0;
        }
    }
    return ENOENT;
}

static void set_file(size_t i, const char *path, const char *text, unsigned mode)
{
    files[i].path = path;
    files[i].text = text;
    files[i].mode = mode;
}

static int reset(void **state)
{
    (void)state;
    env_url = NULL;
    env_key = "k-123";
    memset(files, 0, sizeof files);
    return 0;
}

/* 2026-12-04T12:00:00Z */
#define NOW 1796385600000LL

static enum cli_err parse(struct config *c, const char *line)
{
    static char copy[1024];
    char *argv[40];
    int argc = 0;
    struct cli_io io = {fake_getenv, fake_read, false, NOW, 60};
    snprintf(copy, sizeof copy, "gwhist %s", line);
    for (char *t = strtok(copy, " "); t && argc < 39; t = strtok(NULL, " "))
        argv[argc++] = t;
    argv[argc] = NULL;
    return cli_parse(c, argc, argv, &io);
}

/* ---- tests ------------------------------------------------------------------ */

static void test_defaults(void **state)
{
    (void)state;
    struct config c;
    assert_int_equal(parse(&c, ""), CLI_OK);
    assert_string_equal(c.url, CLI_DEFAULT_URL);
    assert_int_equal(c.auth, AUTH_KEY);
    assert_string_equal(c.secret, "k-123");
    assert_int_equal(c.nchannels, 3);
    assert_int_equal(c.window, WIN_SINCE);
    assert_true(c.since_ms == 24LL * 3600 * 1000);
    assert_int_equal(c.limit, 100);
    assert_int_equal(c.max_pages, 100000);
    assert_int_equal(c.format, REPORT_JSON); /* not a terminal */
    assert_string_equal(c.output, "-");
    assert_int_equal(c.baud, 115200);
    assert_int_equal(c.timeout_s, 15);
    assert_int_equal(c.retries, 5);
    assert_int_equal(c.rate_milli, 5000);
    assert_true(c.every_ms < 0);
}

static void test_flags(void **state)
{
    (void)state;
    struct config c;
    assert_int_equal(parse(&c, "--channel whatsapp,sms --limit 500 --format prom --rate 0.5 "
                               "--timeout=3 --retries 0 --max-pages 7 --status ERROR -v -q "
                               "--every 0 --count 200 --insecure --baud 9600"),
                     CLI_OK);
    assert_int_equal(c.nchannels, 2);
    assert_int_equal(c.channels[0], REC_CH_WHATSAPP);
    assert_int_equal(c.channels[1], REC_CH_SMS);
    assert_int_equal(c.limit, 500);
    assert_int_equal(c.format, REPORT_PROM);
    assert_int_equal(c.rate_milli, 500);
    assert_int_equal(c.timeout_s, 3);
    assert_int_equal(c.retries, 0);
    assert_int_equal(c.max_pages, 7);
    assert_string_equal(c.status, "ERROR");
    assert_int_equal(c.verbose, 1);
    assert_true(c.quiet && c.insecure);
    assert_true(c.every_ms == 0);
    assert_true(c.count == 200);
    assert_int_equal(c.baud, 9600);
}

static void test_windows(void **state)
{
    (void)state;
    struct config c;
    assert_int_equal(parse(&c, "--from 2025-01-01T00:00:00+01:00 --to 2025-01-01T23:59:59Z"),
                     CLI_OK);
    assert_int_equal(c.window, WIN_RANGE);
    assert_true(c.from_ms == 1735686000000LL);
    assert_int_equal(c.from_off, 60);
    assert_true(c.to_ms == 1735775999000LL);
    assert_int_equal(c.to_off, 0);
    assert_int_equal(parse(&c, "--from 2025-01-01T00:00:00Z"), CLI_OK);
    assert_true(c.to_ms < 0); /* until now */
    assert_int_equal(parse(&c, "--since 90m"), CLI_OK);
    assert_true(c.since_ms == 90LL * 60 * 1000);
    /* --date in --tz, and in the host's offset (+60 in the fake io) */
    assert_int_equal(parse(&c, "--date 2026-04-09 --tz +02:00"), CLI_OK);
    assert_int_equal(c.window, WIN_DATE);
    assert_true(c.from_ms == 1775685600000LL); /* 2026-04-08T22:00:00Z */
    assert_true(c.to_ms == 1775685600000LL + 86399000);
    assert_int_equal(c.from_off, 120);
    assert_int_equal(parse(&c, "--date 2026-04-09"), CLI_OK);
    assert_true(c.from_ms == 1775689200000LL);
    assert_int_equal(c.to_off, 60);
}

/* each usage error: the class, and a message that names the bad value */
static void test_usage_errors(void **state)
{
    (void)state;
    static const struct {
        const char *args;
        enum cli_err err;
        const char *needle;
    } t[] = {
        {"--bogus", CLI_UNKNOWN_OPT, "--bogus"},
        {"stray", CLI_UNKNOWN_OPT, "stray"},
        {"--limit", CLI_MISSING_ARG, "--limit"},
        {"--limit 0", CLI_BAD_VALUE, "'0'"},
        {"--limit 1001", CLI_BAD_VALUE, "1001"},
        {"--limit 12x", CLI_BAD_VALUE, "12x"},
        {"--limit -5", CLI_BAD_VALUE, "-5"},
        {"--max-pages 0", CLI_BAD_VALUE, "'0'"},
        {"--channel SMS,FAX", CLI_BAD_VALUE, "SMS,FAX"},
        {"--channel SMS,sms", CLI_BAD_VALUE, "twice"},
        {"--channel ,", CLI_BAD_VALUE, "','"},
        {"--from 2025-01-01 --to 2025-01-02T00:00:00Z", CLI_BAD_VALUE, "2025-01-01"},
        {"--from 2025-01-01T00:00:00 --to 2025-01-02T00:00:00Z", CLI_BAD_VALUE, "offset"},
        {"--to 2025-01-02T00:00:00Z", CLI_CONFLICT, "--from"},
        {"--since 24h --date 2026-01-01", CLI_CONFLICT, "conflicts"},
        {"--since 24h --from 2025-01-01T00:00:00Z", CLI_CONFLICT, "conflicts"},
        {"--since 0", CLI_BAD_VALUE, "'0'"},
        {"--since 5y", CLI_BAD_VALUE, "5y"},
        {"--since 40000d", CLI_BAD_VALUE, "40000d"},
        {"--date 2026-02-30", CLI_BAD_VALUE, "2026-02-30"},
        {"--date 26-02-03", CLI_BAD_VALUE, "26-02-03"},
        {"--tz +25:00 --date 2026-01-01", CLI_BAD_VALUE, "+25:00"},
        {"--tz +01:00", CLI_CONFLICT, "--tz"},
        {"--status LOST", CLI_BAD_VALUE, "LOST"},
        {"--format xml", CLI_BAD_VALUE, "xml"},
        {"--baud 1234", CLI_BAD_VALUE, "1234"},
        {"--baud 1000000", CLI_BAD_VALUE, "1000000"},
        {"--timeout 0", CLI_BAD_VALUE, "'0'"},
        {"--retries 101", CLI_BAD_VALUE, "101"},
        {"--rate 0", CLI_BAD_VALUE, "'0'"},
        {"--rate abc", CLI_BAD_VALUE, "abc"},
        {"--rate 1.2.3", CLI_BAD_VALUE, "1.2.3"},
        {"--every -1m", CLI_BAD_VALUE, "-1m"},
        {"--count 3", CLI_CONFLICT, "--every"},
        {"--count 0 --every 1m", CLI_BAD_VALUE, "'0'"},
        {"--url ftp://x/", CLI_BAD_VALUE, "ftp://x/"},
        {"--url https://user:pw@h/", CLI_BAD_VALUE, "user:password"},
        {"--api-key-file /nonexistent", CLI_FILE, "/nonexistent"},
        {"--config /nonexistent", CLI_FILE, "/nonexistent"},
        {"--insecure=maybe", CLI_BAD_VALUE, "maybe"},
    };
    for (size_t i = 0; i < ARRAY_LEN(t); i++) {
        struct config c;
        enum cli_err e = parse(&c, t[i].args);
        if (e != t[i].err)
            fail_msg("'%s': got %d (%s), want %d", t[i].args, e, c.msg, t[i].err);
        if (!strstr(c.msg, t[i].needle))
            fail_msg("'%s': message '%s' does not name '%s'", t[i].args, c.msg, t[i].needle);
        if (strchr(c.msg, '\n'))
            fail_msg("'%s': message is not one line", t[i].args);
    }
}

static void test_status_any(void **state)
{
    (void)state;
    struct config c;
    assert_int_equal(parse(&c, "--status REJECTED --status-any"), CLI_OK);
    assert_string_equal(c.status, "REJECTED");
}

static void test_credentials(void **state)
{
    (void)state;
    struct config c;
    env_key = NULL;
    assert_int_equal(parse(&c, ""), CLI_NO_CREDENTIALS);
    assert_non_null(strstr(c.msg, "GWHIST_API_KEY"));
    assert_non_null(strstr(c.msg, "--api-key-file"));
    /* help and version need none */
    assert_int_equal(parse(&c, "--help"), CLI_EXIT);
    assert_int_equal(parse(&c, "--version"), CLI_EXIT);

    set_file(0, "/k", "secret-key\n", 0600);
    assert_int_equal(parse(&c, "--api-key-file /k"), CLI_OK);
    assert_string_equal(c.secret, "secret-key");
    assert_string_equal(c.warn, "");
    set_file(0, "/k", "secret-key\n", 0644);
    assert_int_equal(parse(&c, "--api-key-file /k"), CLI_OK);
    assert_non_null(strstr(c.warn, "/k"));

    set_file(1, "/b", "alice:pw:with:colons\n", 0600);
    assert_int_equal(parse(&c, "--basic-auth-file /b"), CLI_OK);
    assert_int_equal(c.auth, AUTH_BASIC);
    assert_string_equal(c.secret, "alice:pw:with:colons");
    set_file(1, "/b", "nocolon\n", 0600);
    assert_int_equal(parse(&c, "--basic-auth-file /b"), CLI_BAD_VALUE);
    set_file(2, "/e", "\n", 0600);
    assert_int_equal(parse(&c, "--api-key-file /e"), CLI_BAD_VALUE);
    set_file(3, "/two", "a\nb\n", 0600);
    assert_int_equal(parse(&c, "--api-key-file /two"), CLI_BAD_VALUE);

    /* a control character would break the header the key is sent in */
    env_key = "bad\001key";
    assert_int_equal(parse(&c, ""), CLI_BAD_VALUE);
    assert_null(strstr(c.msg, "bad"));
    set_file(3, "/ctl", "key\twith-tab\n", 0600);
    assert_int_equal(parse(&c, "--api-key-file /ctl"), CLI_BAD_VALUE);

    /* the env key beats the config file, a flag beats the env */
    env_key = "from-env";
    set_file(4, "/c", "api-key-file = /k\n", 0600);
    assert_int_equal(parse(&c, "--config /c"), CLI_OK);
    assert_string_equal(c.secret, "from-env");
    set_file(0, "/k", "from-file", 0600);
    assert_int_equal(parse(&c, "--api-key-file /k"), CLI_OK);
    assert_string_equal(c.secret, "from-file");
}

static void test_precedence(void **state)
{
    (void)state;
    struct config c;
    set_file(0, "/c",
             "# comment\n\n  limit = 250 \nformat=kv\nurl = https://cfg.example/api\n"
             "since = 7d\ninsecure = true\nchannel = rcs\n",
             0644);
    assert_int_equal(parse(&c, "--config /c"), CLI_OK);
    assert_int_equal(c.limit, 250);
    assert_int_equal(c.format, REPORT_KV);
    assert_string_equal(c.url, "https://cfg.example/api");
    assert_true(c.since_ms == 7LL * 86400 * 1000);
    assert_true(c.insecure);
    assert_int_equal(c.nchannels, 1);
    env_url = "https://env.example/v1";
    assert_int_equal(parse(&c, "--config /c"), CLI_OK);
    assert_string_equal(c.url, "https://env.example/v1");
    assert_int_equal(parse(&c, "--config /c --url http://127.0.0.1:9/x --limit 10"), CLI_OK);
    assert_string_equal(c.url, "http://127.0.0.1:9/x");
    assert_int_equal(c.limit, 10);
    /* a flag's window replaces the config's window without a conflict */
    assert_int_equal(parse(&c, "--config /c --date 2026-01-01"), CLI_OK);
    assert_int_equal(c.window, WIN_DATE);
}

static void test_config_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *needle;
        enum cli_err err;
    } t[] = {
        {"limit = 5\nlimt = 6\n", "/c:2: unknown key 'limt'", CLI_UNKNOWN_OPT},
        {"\n\nlimit = 0\n", "/c:3: limit '0'", CLI_BAD_VALUE},
        {"format\n", "/c:1: expected 'key = value'", CLI_BAD_VALUE},
        {"config = /x\n", "/c:1: unknown key 'config'", CLI_UNKNOWN_OPT},
        {"insecure = perhaps\n", "/c:1: insecure 'perhaps'", CLI_BAD_VALUE},
        {"since = 1h\ndate = 2026-01-01\n", "/c:2: date conflicts", CLI_CONFLICT},
        {"api-key-file =\n", "/c:1: api-key-file '' is not valid; give the path", CLI_BAD_VALUE},
    };
    for (size_t i = 0; i < ARRAY_LEN(t); i++) {
        struct config c;
        set_file(0, "/c", t[i].text, 0600);
        enum cli_err e = parse(&c, "--config /c");
        if (e != t[i].err || !strstr(c.msg, t[i].needle))
            fail_msg("config %zu: got %d '%s', want %d '%s'", i, e, c.msg, t[i].err, t[i].needle);
    }
}

/* a NUL byte must not hide the rest of a config file */
static int nul_read(const char *path, char *buf, size_t cap, size_t *len, unsigned *mode)
{
    static const char text[] = "limit = 5\n\0limit = 0\n";
    (void)path;
    (void)cap;
    memcpy(buf, text, sizeof text - 1);
    *len = sizeof text - 1;
    *mode = 0600;
    return 0;
}

static void test_config_nul(void **state)
{
    (void)state;
    struct config c;
    char a0[] = "gwhist", a1[] = "--config", a2[] = "/c";
    char *argv[] = {a0, a1, a2, NULL};
    struct cli_io io = {fake_getenv, nul_read, false, NOW, 0};
    assert_int_equal(cli_parse(&c, 3, argv, &io), CLI_BAD_VALUE);
    assert_non_null(strstr(c.msg, "/c:2: NUL byte"));
}

static void test_usage_text(void **state)
{
    (void)state;
    const char *u = cli_usage();
    static const char *must[] = {"--url",   "--api-key-file", "--basic-auth-file", "--channel",
                                 "--from",  "--since",        "--date",            "--status",
                                 "--limit", "--max-pages",    "--format",          "--output",
                                 "--baud",  "--timeout",      "--retries",         "--rate",
                                 "--every", "--count",        "--config",          "GWHIST_API_KEY",
                                 "exit status"};
    for (size_t i = 0; i < ARRAY_LEN(must); i++)
        if (!strstr(u, must[i]))
            fail_msg("usage does not mention %s", must[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_defaults, reset),
        cmocka_unit_test_setup(test_flags, reset),
        cmocka_unit_test_setup(test_windows, reset),
        cmocka_unit_test_setup(test_usage_errors, reset),
        cmocka_unit_test_setup(test_status_any, reset),
        cmocka_unit_test_setup(test_credentials, reset),
        cmocka_unit_test_setup(test_precedence, reset),
        cmocka_unit_test_setup(test_config_errors, reset),
        cmocka_unit_test_setup(test_config_nul, reset),
        cmocka_unit_test_setup(test_usage_text, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
