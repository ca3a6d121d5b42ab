/* libFuzzer harness for src/cli.c through a fake struct cli_io (no OS):
 *  1. the input is the file named by --config (and every other file cli
 *     asks for: --api-key-file, --basic-auth-file inside it);
 *  2. the input split at whitespace and NUL into argv words, with the same
 *     fake files behind any path.
 * Properties: the result is a known enum; msg and warn are NUL-terminated
 * inside their buffers; an error has a message; an OK config has
 * credentials, 1-3 distinct channels and a limit; the API key from the
 * environment never shows in msg or warn (unless the input holds it). Byte 0 picks the file mode
 * and the environment. */
#include <errno.h>
#include <stdbool.h>

#include "cli.h"
#include "fuzz_util.h"

#define SECRET "fuzz-secret-KEY-7f3a"
#define MAX_ARGS 64

static const uint8_t *file_data;
static size_t file_len;
static unsigned file_mode;
static bool env_set;

static const char *fake_getenv(const char *name)
{
    if (!env_set)
        return NULL;
    if (strcmp(name, "GWHIST_API_KEY") == 0)
        return SECRET;
    if (strcmp(name, "GWHIST_URL") == 0)
        return "https://127.0.0.1:8443/api/partner-gateway/v1";
    return NULL;
}

static int fake_read(const char *path, char *buf, size_t cap, size_t *len, unsigned *mode)
{
    if (path == NULL)
        fuzz_fail("read_file without a path");
    if (path[0] == '\0' || strcmp(path, "/nonexistent") == 0)
        return ENOENT;
    if (file_len >= cap)
        return EFBIG;
    memcpy(buf, file_data, file_len);
    *len = file_len;
    *mode = file_mode;
    return 0;
}

static bool secret_in_input;

static void check(const struct config *c, enum cli_err e)
{
    if ((unsigned)e > CLI_NO_CREDENTIALS)
        fuzz_fail("cli result %d", (int)e);
    if (!memchr(c->msg, '\0', sizeof c->msg) || !memchr(c->warn, '\0', sizeof c->warn))
        fuzz_fail("msg or warn not terminated");
    if (!secret_in_input && (strstr(c->msg, SECRET) || strstr(c->warn, SECRET)))
        fuzz_fail("the API key shows in a message");
    if (e != CLI_OK && e != CLI_EXIT && c->msg[0] == '\0')
        fuzz_fail("error %d without a message", (int)e);
    if (e != CLI_OK)
        return;
    if (c->auth == AUTH_NONE || c->nchannels < 1 || c->nchannels > REC_CH_COUNT || c->limit == 0)
        fuzz_fail("accepted config: auth %d, %zu channels, limit %u", (int)c->auth, c->nchannels,
                  c->limit);
    for (size_t i = 0; i < c->nchannels; i++)
        for (size_t j = i + 1; j < c->nchannels; j++)
            if (c->channels[i] == c->channels[j] || (unsigned)c->channels[i] >= REC_CH_COUNT)
                fuzz_fail("channel list");
    if (!memchr(c->url, '\0', sizeof c->url) || !memchr(c->secret, '\0', sizeof c->secret) ||
        !memchr(c->output, '\0', sizeof c->output) || !memchr(c->cacert, '\0', sizeof c->cacert) ||
        !memchr(c->status, '\0', sizeof c->status))
        fuzz_fail("a config string is not terminated");
}

static struct config cfg;
static char words[4096 + 1];
static char *argv[MAX_ARGS + 1];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > sizeof words - 1)
        return 0;
    uint8_t h = data[0];
    file_mode = (h & 1u) ? 0644u : 0600u;
    env_set = (h & 2u) != 0;
    bool tty = (h & 4u) != 0;
    file_data = data + 1;
    file_len = size - 1;
    secret_in_input = false;
    for (size_t i = 0; i + strlen(SECRET) <= size && !secret_in_input; i++)
        secret_in_input = memcmp(data + i, SECRET, strlen(SECRET)) == 0;
    struct cli_io io = {fake_getenv, fake_read, tty, 1796385600000LL, (int)(h >> 4) * 60 - 420};

    char prog[] = "gwhist", opt[] = "--config", path[] = "/etc/gwhist.conf";
    char *cargv[] = {prog, opt, path, NULL};
    check(&cfg, cli_parse(&cfg, 3, cargv, &io));

    /* the same bytes as command-line words */
    memcpy(words, data + 1, size - 1);
    words[size - 1] = '\0';
    int argc = 0;
    argv[argc++] = prog;
    for (char *s = words; s < words + size - 1 && argc < MAX_ARGS;) {
        while (s < words + size - 1 && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\0'))
            *s++ = '\0';
        if (s >= words + size - 1)
            break;
        argv[argc++] = s;
        while (s < words + size - 1 && *s != ' ' && *s != '\n' && *s != '\t' && *s != '\0')
            s++;
    }
    argv[argc] = NULL;
    check(&cfg, cli_parse(&cfg, argc, argv, &io));
    return 0;
}
