/* Time and signals on POSIX. */
#include <errno.h>
#include <signal.h>
#include <time.h>

#include "clock.h"

static volatile sig_atomic_t stop_flag;

static int64_t ts_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_mono_ms(void)
{
    return ts_ms(CLOCK_MONOTONIC);
}

int64_t clock_wall_ms(void)
{
    return ts_ms(CLOCK_REALTIME);
}

int clock_local_offset_min(int64_t wall_ms)
{
    time_t t = (time_t)(wall_ms / 1000);
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return 0;
    return (int)(tm.tm_gmtoff / 60);
}

static void on_stop(int sig)
{
    (void)sig;
    stop_flag = 1;
}

void clock_install_signals(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}

bool clock_stop_requested(void)
{
    return stop_flag != 0;
}

bool clock_sleep_ms(int64_t ms)
{
    int64_t end = clock_mono_ms() + ms;
    while (!stop_flag) {
        int64_t left = end - clock_mono_ms();
        if (left <= 0)
            return true;
        struct timespec ts = {(time_t)(left / 1000), (long)(left % 1000) * 1000000L};
        if (nanosleep(&ts, NULL) != 0 && errno != EINTR)
            return false;
    }
    return false;
}
