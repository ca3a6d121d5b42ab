/* cli: turns defaults, a config file, the environment and the command line
 * (in that order of precedence, lowest first) into one struct config. It
 * reads files and the environment only through the caller's struct cli_io,
 * so it is tested without an OS. It never prints: a usage error leaves a
 * one-line message naming the bad value in cfg->msg, and warnings (a key
 * file readable by others) in cfg->warn. */
#ifndef GWHIST_CLI_H
#define GWHIST_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "record.h"
#include "report.h"

enum cli_err {
    CLI_OK,
    CLI_EXIT,         /* --help or --version: print and exit 0 */
    CLI_UNKNOWN_OPT,  /* an option or config key that does not exist */
    CLI_MISSING_ARG,  /* an option without its value */
    CLI_BAD_VALUE,    /* a value out of range or malformed */
    CLI_CONFLICT,     /* options that exclude each other */
    CLI_FILE,         /* config or key file unreadable */
    CLI_NO_CREDENTIALS,
};

enum auth_kind { AUTH_NONE, AUTH_KEY, AUTH_BASIC };
enum window_kind { WIN_SINCE, WIN_RANGE, WIN_DATE };

#define CLI_DEFAULT_URL "https://lora-api.agiletelecom.com/api/partner-gateway/v1"

struct config {
    char url[LIM_URL];
    enum auth_kind auth;
    char secret[LIM_SECRET]; /* the API key, or user:password */
    enum rec_channel channels[REC_CH_COUNT];
    size_t nchannels;
    enum window_kind window;
    int64_t since_ms;        /* WIN_SINCE */
    int64_t from_ms, to_ms;  /* WIN_RANGE (to_ms < 0: now) and WIN_DATE */
    int from_off, to_off;    /* offsets the times are sent in, minutes */
    char status[32];         /* "" = all */
    uint32_t limit, max_pages;
    enum report_format format;
    char output[LIM_PATH];
    uint32_t baud;
    uint32_t timeout_s, retries;
    uint32_t rate_milli; /* requests per second x 1000 */
    int64_t every_ms;    /* < 0: run once */
    uint64_t count;      /* cycles with --every; 0 = forever */
    char cacert[LIM_PATH];
    bool insecure, allow_plaintext, quiet, kv_checksum, stats, help, version;
    int verbose;
    char msg[LIM_PATH * 2];  /* the usage error */
    char warn[LIM_PATH * 2]; /* a warning to show, or "" */
};

/* What cli may ask of the OS. read_file returns 0 or an errno value;
 * *mode gets the file's permission bits. */
struct cli_io {
    const char *(*getenv)(const char *name);
    int (*read_file)(const char *path, char *buf, size_t cap, size_t *len, unsigned *mode);
    bool stdout_is_tty;
    int64_t now_ms;
    int local_off; /* host's UTC offset now, minutes (for --date) */
};

/* Parses everything into cfg. Returns CLI_OK, CLI_EXIT (help/version
 * asked), or an error with cfg->msg set. */
enum cli_err cli_parse(struct config *cfg, int argc, char **argv, const struct cli_io *io);

/* The --help text. */
const char *cli_usage(void);

#endif
