/* gwhist entry point: wires cli -> agent -> report -> sink; nothing else. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "cli.h"
#include "clock.h"
#include "limits.h"
#include "report.h"
#include "sink.h"
#include "sys.h"
#include "tls.h"

/* everything gwhist works with, fixed at build time */
static struct config cfg;
static struct agent agent;
static struct sink sink;
static struct report_channel rch[REC_CH_COUNT];
static struct sum totals;
static char out[LIM_REPORT];

static void log_line(int level, const char *fmt, ...)
{
    va_list ap;
    if ((level == 1 && cfg.quiet) || (level >= 2 && cfg.verbose < 1))
        return;
    fputs("gwhist: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void print_version(int verbose)
{
    printf("gwhist %s (mbedTLS %s, %s)\n", GWHIST_VERSION, tls_lib_version(), GWHIST_TARGET);
    if (!verbose)
        return;
    printf("memory, fixed at build time (bytes):\n");
    printf("  mbedTLS arena          %8zu\n", tls_arena_size());
    printf("  agent state, total     %8zu\n", sizeof agent);
    printf("    HTTP parser          %8zu (header line %u)\n", sizeof agent.hp, LIM_HTTP_LINE);
    printf("    receive buffer       %8zu\n", sizeof agent.rbuf);
    printf("    JSON item splitter   %8zu (item %u + %u tokens)\n", sizeof agent.ji, LIM_ITEM,
           LIM_TOKENS);
    printf("    summary per channel  %8zu\n", sizeof(struct sum));
    printf("    transport            %8zu\n", sizeof agent.xp);
    printf("  configuration          %8zu\n", sizeof cfg);
    printf("  report buffer          %8zu\n", sizeof out);
}

static int exit_code(enum agent_outcome o)
{
    switch (o) {
    case AGENT_COMPLETE: return 0;
    case AGENT_INCOMPLETE: return 1;
    case AGENT_CONFIG: return 2;
    case AGENT_AUTH: return 3;
    }
    return 1;
}

static void print_stats(uint64_t cycle)
{
    fprintf(stderr,
            "gwhist: stats cycle=%llu rss_kb=%ld peak_rss_kb=%ld arena_peak=%zu arena_size=%zu "
            "connections=%u handshakes=%u resumed=%u fds=%d\n",
            (unsigned long long)cycle, sys_rss_kb(), sys_peak_rss_kb(), tls_arena_peak(),
            tls_arena_size(), (unsigned)agent.xp.stats.connections,
            (unsigned)agent.xp.stats.handshakes, (unsigned)agent.xp.stats.resumed,
            sys_fd_count());
}

/* renders the cycle's summary and hands it to the sink */
static bool emit(void)
{
    struct report_run rr = {agent.from_ms, agent.to_ms, agent.elapsed_ms, clock_wall_ms(),
                            agent.last_success_ms, rch, agent.nch};
    size_t len = 0;
    for (size_t i = 0; i < agent.nch; i++) {
        const struct agent_chan *c = &agent.ch[i];
        struct report_channel r = {c->channel, c->complete, &c->sum, c->pages,
                                   c->requests, c->retries, c->bytes};
        rch[i] = r;
    }
    enum report_err re = report_render(cfg.format, &rr,
                                       cfg.kv_checksum ? REPORT_O_KV_CHECKSUM : 0, &totals, out,
                                       sizeof out, &len);
    if (re != REPORT_OK) {
        log_line(0, "cannot render the report: %s", report_strerror(re));
        return false;
    }
    enum sink_err se = sink_write(&sink, out, len);
    if (se != SINK_OK) {
        log_line(0, "%s: %s", sink_strerror(se), sink.detail);
        return false;
    }
    return true;
}

static int run(void)
{
    for (uint64_t cycle = 1;; cycle++) {
        int64_t t0 = clock_mono_ms();
        enum agent_outcome o = agent_cycle(&agent);
        int code = exit_code(o);
        if (o == AGENT_AUTH || o == AGENT_CONFIG)
            return code;
        /* a stop cut this cycle short: keep the last whole report */
        if (cfg.every_ms >= 0 && clock_stop_requested())
            return 0;
        if (!emit() && code == 0)
            code = 1;
        if (cfg.stats)
            print_stats(cycle);
        if (cfg.every_ms < 0 || (cfg.count > 0 && cycle >= cfg.count))
            return code;
        if (clock_stop_requested())
            return 0;
        int64_t left = cfg.every_ms - (clock_mono_ms() - t0);
        if (left > 0 && !clock_sleep_ms(left))
            return 0;
        if (clock_stop_requested())
            return 0;
    }
}

int main(int argc, char **argv)
{
    sys_no_core_dumps();
    clock_install_signals();
    int64_t now = clock_wall_ms();
    struct cli_io io = {sys_getenv, sys_read_file, sys_stdout_is_tty(), now,
                        clock_local_offset_min(now)};
    enum cli_err ce = cli_parse(&cfg, argc, argv, &io);
    if (ce == CLI_EXIT) {
        if (cfg.help)
            fputs(cli_usage(), stdout);
        else if (tls_global_init() == 0)
            print_version(cfg.verbose);
        return 0;
    }
    if (ce != CLI_OK) {
        fprintf(stderr, "gwhist: %s\n", cfg.msg);
        return 2;
    }
    if (cfg.warn[0])
        log_line(1, "%s", cfg.warn);
    if (cfg.insecure)
        fprintf(stderr, "gwhist: WARNING: --insecure: the gateway's certificate is not verified; "
                        "anyone on the path can read the API key\n");
    if (tls_global_init() != 0) {
        fprintf(stderr, "gwhist: PSA crypto failed to start (no kernel randomness?)\n");
        return 1;
    }
    enum sink_err se = sink_open(&sink, cfg.output, cfg.baud);
    if (se != SINK_OK) {
        fprintf(stderr, "gwhist: --output '%s': %s%s%s\n", cfg.output, sink_strerror(se),
                sink.detail[0] ? ": " : "", sink.detail);
        return 2;
    }
    if (agent_init(&agent, &cfg, log_line) != AGENT_COMPLETE)
        return 2;
    int code = run();
    agent_free(&agent);
    sink_close(&sink);
    return code;
}
